"""Limits and safety checks on a workbook's zip package, before any spreadsheet library parses it.

:func:`check_file` (``sniff``) has already said "this is an .xlsx zip".  :func:`open_guard` then
checks, from the zip central directory only (nothing is decompressed):

* the file size, the total uncompressed size and each member's compression ratio (a zip bomb),

and, reading only the first bytes of every member (a relationship may point at XML under any name):

* no ``<!DOCTYPE`` / ``<!ENTITY`` declaration in the XML prolog (an entity bomb or an external
  entity).  Office never writes one.  python-calamine's XML reader (quick-xml) does not expand
  entities — it fails with "unrecognized entity" — and openpyxl parses with the standard library's
  expat (2.5 here), which stops entity amplification at a limit and does not fetch external entities;
  openpyxl would use ``defusedxml`` if installed.  Neither library should be asked to try, so such a
  file is refused here, before both, and ``defusedxml`` is not a dependency.

The file is read once, whole (the size limit is checked first): every check here, python-calamine
(:attr:`Guard.data`) and the provenance hash then see the same bytes, even if the file changes on
disk meanwhile.

Just before the reader loads a sheet, :meth:`Guard.scan_sheet` streams that sheet's XML
(inflated in 1 MiB pieces, never held whole; :mod:`kaset_xl.workbook.sheetscan`) and

* refuses a sheet whose rows, columns or area (rows × columns up to the farthest cell) exceed the
  limits — python-calamine builds a dense grid up to the farthest cell, so one cell at ``Z300000``
  costs hundreds of MB — placing rows and cells as python-calamine does (prefixed elements, either
  quoting, lower-case columns, a missing ``r``), and
* finds the cells holding an Excel error value (``t="e"``: ``#REF!``, ``#VALUE!``, ``#N/A`` …),
  which python-calamine (0.9) reads as ``""`` and has no API to report; the reader turns those in
  input cells into CELL_ERROR_VALUE issues.

All limits live in one typed settings object, :class:`Limits`.  Nothing here writes to the file.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat

from kaset_xl.issues import Issue, KasetError, make_issue
from kaset_xl.workbook import package
from kaset_xl.workbook.sheetscan import (
    FAST_COLUMNS,
    FAST_ROWS,
    ExactScan,
    TooManyElements,
    col_name,
    fast_look,
    shared_string_sizes,
)

if TYPE_CHECKING:
    from kaset_xl.workbook.reader import DistrictBook

__all__ = ["MB", "Limits", "DEFAULT_LIMITS", "Guard", "open_guard", "ErrorCell", "error_issues", "is_panic"]

MB = 1024 * 1024
_PIECE = 1024 * 1024
_PROLOG_BYTES = 64 * 1024  # a DOCTYPE must come before the root element: the first bytes are enough


@dataclass(frozen=True)
class Limits:
    """What a district workbook may be.  Defaults fit district workbooks with a wide margin.

    A district workbook of the template with 2,000 members is ~0.3 MB on disk and ~3 MB unzipped,
    with sheets of at most a few thousand rows and ~60 columns.
    """

    max_file_bytes: int = 50 * MB  # on disk
    max_uncompressed_bytes: int = 500 * MB  # all zip members together, as the central directory says
    max_ratio: float = 100.0  # uncompressed ÷ compressed, per member (Office files: ~5–30)
    ratio_min_bytes: int = 1 * MB  # members smaller than this are never called a bomb
    max_rows: int = 100_000  # per sheet the reader loads (the farthest row)
    max_columns: int = 256  # per sheet the reader loads (the farthest column, IV)
    max_members: int = 10_000  # zip members (parts); a district workbook has ~30–60
    max_cells: int = 3_000_000  # per sheet: rows × columns up to the farthest cell (python-calamine's grid)
    # the text the cells of a workbook expand to: the shared-strings table, the XML of every sheet read and,
    # for every cell using a shared string, that string again (python-calamine copies it into each cell).
    # A district workbook: ~1 MB.  100 MB keeps any reader's peak well under 1 GB.
    max_text_bytes: int = 100 * MB

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not value > 0:
                raise ValueError(f"Limits.{name} must be positive, not {value!r}")


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class ErrorCell:
    sheet: str
    cell: str  # A1
    value: str  # "#REF!", "#VALUE!", …


def _mb(n: int | float) -> str:
    return f"{n / MB:,.1f}"


_NUMBER_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*?\bs="[0-9]+"[^>]*>\s*<v>([^<]+)</v>')
_MAX_DATE_SERIAL = 2_958_465.0
_MIN_SHARED_CELL_BYTES = 20  # <c t="s"><v>0</v></c>: the least XML a cell using a shared string takes


class Guard:
    """The checks of one open package (see the module doc).  Use :func:`open_guard`."""

    def __init__(self, path: Path, shown: str, limits: Limits, data: bytes | None = None) -> None:
        self.path = path
        self.shown = shown
        self.limits = limits
        self.errors: list[ErrorCell] = []
        self._sheet_parts: dict[str, str] | None = None
        lim = limits
        self._zip: zipfile.ZipFile | None = None
        self._raw: bytes | None = data
        # the fast look vouches for at most 9,999 rows × column IV: with lower limits every sheet is scanned exactly
        self._fast_ok = lim.max_rows >= FAST_ROWS and lim.max_columns >= FAST_COLUMNS and \
            lim.max_cells >= FAST_ROWS * FAST_COLUMNS
        self._shared_sizes: array[int] | None = None  # set when the text of the cells must be counted
        self._text = 0  # bytes of text counted so far (see Limits.max_text_bytes)

    # ---------------------------------------------------------------- the package

    @property
    def data(self) -> bytes:
        """The file's bytes, as checked (read once by :meth:`check_package`, or given)."""
        assert self._raw is not None, "check_package first"
        return self._raw

    def check_package(self, *, directory_checked: bool = False) -> None:
        """The package checks (see the module doc); ``directory_checked``: the zip directory of these
        bytes has been checked already (``sniff.read_checked`` does it)."""
        lim, shown = self.limits, self.shown
        raw = self._raw
        size = len(raw) if raw is not None else os.stat(self.path).st_size
        if size <= lim.max_file_bytes and raw is None:
            with open(self.path, "rb") as fh:  # once, whole: every check and the reader use these bytes
                raw = fh.read(lim.max_file_bytes + 1)
            size = len(raw)
        if size > lim.max_file_bytes:
            raise KasetError("FILE_TOO_LARGE", file=shown, size=_mb(size), limit=_mb(lim.max_file_bytes))
        assert raw is not None
        self._raw = raw
        if not directory_checked:  # one end record, a sane directory, before zipfile reads it
            package.check_directory(io.BytesIO(raw), size, shown, lim.max_members)
        zf = zipfile.ZipFile(io.BytesIO(raw))
        self._zip = zf  # kept open for scan_sheet; closed by close()
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > lim.max_uncompressed_bytes:
            raise KasetError("FILE_UNZIPPED_TOO_LARGE", file=shown, size=_mb(total),
                             limit=_mb(lim.max_uncompressed_bytes))
        for i in infos:
            if i.file_size >= lim.ratio_min_bytes and i.file_size > lim.max_ratio * max(1, i.compress_size):
                raise KasetError("FILE_COMPRESSION_SUSPICIOUS", file=shown, part=i.filename,
                                 ratio=f"{i.file_size / max(1, i.compress_size):,.0f}",
                                 limit=f"{lim.max_ratio:,.0f}")
        for i in infos:
            if not i.is_dir():
                self._check_prolog(zf, i)
        self._sheet_parts = self._map_sheets(zf)
        self._check_shared_strings(zf)

    def _check_shared_strings(self, zf: zipfile.ZipFile) -> None:
        """Bound the text the cells expand to (``Limits.max_text_bytes``, issue 13).

        python-calamine copies a shared string into every cell that uses it: one 32,000-character string in
        40,000 cells is 2.6 GB.  The size of every shared string is taken from the table's XML (streamed);
        when even the worst case — every sheet's XML full of cells using the longest string — stays within the
        limit, nothing more is done (a district workbook).  Otherwise every sheet is scanned exactly before it
        is read, adding each cell's shared string to the count, and refused (FILE_TEXT_TOO_LARGE, at the cell
        where the count passes the limit) before any library builds the cells.
        """
        lim = self.limits.max_text_bytes
        names = [n for n in zf.NameToInfo if n.lower().endswith("sharedstrings.xml")]
        target = re.search(rb'Type="[^"]*/sharedStrings"[^>]*Target="/?(?:xl/)?([^"]+)"|'
                           rb'Target="/?(?:xl/)?([^"]+)"[^>]*Type="[^"]*/sharedStrings"',
                           self._read_small(zf, "xl/_rels/workbook.xml.rels"))
        if target:
            name = "xl/" + (target.group(1) or target.group(2)).decode("utf-8", "replace")
            if name in zf.NameToInfo and name not in names:
                names.append(name)
        table = sum(zf.getinfo(n).file_size for n in names)
        if table > lim:
            raise KasetError("FILE_TEXT_TOO_LARGE", file=self.shown, sheet=names[0], cell="-", size=_mb(table),
                             limit=_mb(lim))
        sizes: array[int] = array("q")
        for name in names:  # the largest table is the one that counts (a workbook has one)
            found = shared_string_sizes(self._pieces(zf.getinfo(name)))
            if sum(found) >= sum(sizes):
                sizes = found
        sheets = sum(zf.getinfo(p).file_size for p in set((self._sheet_parts or {}).values()) if p in zf.NameToInfo)
        longest = max(sizes, default=0)
        if table + sheets + sheets // _MIN_SHARED_CELL_BYTES * longest <= lim:
            return  # even the worst case is within the limit
        self._shared_sizes = sizes
        self._text = table
        self._fast_ok = False  # every sheet is scanned exactly, counting its cells' text

    @staticmethod
    def _read_small(zf: zipfile.ZipFile, name: str) -> bytes:
        try:
            with zf.open(name) as f:
                return f.read(1 * MB)
        except KeyError:
            return b""

    def _count_text(self, sheet: str, cell: str, size: int) -> None:
        self._text += size
        if self._text > self.limits.max_text_bytes:
            raise KasetError("FILE_TEXT_TOO_LARGE", file=self.shown, sheet=sheet, cell=cell, size=_mb(self._text),
                             limit=_mb(self.limits.max_text_bytes))

    def _check_prolog(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        head = self._quick_head(info)
        if head is None or (len(head) == 512 and not _prolog_is_safe(_as_utf8(head), True)):
            head = self._head(zf, info)
        xml_name = info.filename.lower().endswith((".xml", ".rels", ".vml"))
        if not _prolog_is_safe(_as_utf8(head), xml_name):
            raise KasetError("XML_UNSAFE", file=self.shown, part=info.filename)

    def _data_start(self, info: zipfile.ZipInfo) -> int | None:
        """Where a member's stored or deflated bytes start in the file's bytes; ``None`` when it is
        anything else (encrypted, another method, no local header there): zipfile then reads it, and
        says what is wrong."""
        raw = self._raw
        if raw is None or info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return None
        at = info.header_offset
        if raw[at:at + 4] != b"PK\x03\x04":
            return None
        return at + 30 + int.from_bytes(raw[at + 26:at + 28], "little") + int.from_bytes(raw[at + 28:at + 30], "little")

    def _pieces(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """A member's content in pieces of at most 1 MiB, inflated straight from the file's bytes
        (zipfile's per-member machinery costs more than the inflating; the CRC is python-calamine's
        and openpyxl's to check when they read the member).  Never more than the size the zip
        directory declares: a stream that inflates further is refused, as python-calamine refuses it
        (and the declared sizes are what the limits were checked against)."""
        start = self._data_start(info)
        if start is None:
            assert self._zip is not None
            with self._zip.open(info) as f:  # zipfile stops at the declared size
                yield from iter(lambda: f.read(_PIECE), b"")
            return
        data: bytes | memoryview = memoryview(self._raw or b"")[start:start + info.compress_size]
        crc = 0  # checked here too: python-calamine checks it only if it reads the member to its end
        if info.compress_type == zipfile.ZIP_STORED:
            for i in range(0, min(len(data), info.file_size), _PIECE):
                piece = bytes(data[i:min(i + _PIECE, info.file_size)])
                crc = zlib.crc32(piece, crc)
                yield piece
            _check_crc(info, crc)
            return
        inflate = zlib.decompressobj(-15)
        left = info.file_size
        while True:
            piece = inflate.decompress(data, min(_PIECE, left + 1))  # one byte more tells a longer stream
            if len(piece) > left:
                raise ValueError("larger than its declared size")
            left -= len(piece)
            if piece:
                crc = zlib.crc32(piece, crc)
                yield piece
            data = inflate.unconsumed_tail
            if inflate.eof:
                _check_crc(info, crc)
                return
            if not data and not piece:
                raise EOFError("the compressed data ends early")

    def _quick_head(self, info: zipfile.ZipInfo) -> bytes | None:
        """A member's first 512 bytes straight from the file's bytes (see :meth:`_pieces`); ``None``
        when this does not apply (then the member is read through zipfile, which also reports what
        is broken)."""
        start = self._data_start(info)
        if start is None:
            return None
        chunk = (self._raw or b"")[start:start + min(info.compress_size, 4096)]
        if info.compress_type == zipfile.ZIP_STORED:
            return chunk[:512]
        try:
            return zlib.decompressobj(-15).decompress(chunk, 512)
        except zlib.error:
            return None

    def _head(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        try:
            with zf.open(info) as f:
                head = f.read(512)  # Office's prologs are one line
                if len(head) == 512 and not _prolog_is_safe(_as_utf8(head), True):
                    head += f.read(_PROLOG_BYTES)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError) as exc:
            raise KasetError("FILE_CORRUPT", file=self.shown,
                             reason=f"{info.filename}: {' '.join(str(exc).split())[:120]}") from None
        return head

    def _map_sheets(self, zf: zipfile.ZipFile) -> dict[str, str]:
        """Sheet name → the zip member of its XML (from xl/workbook.xml and its relationships), as
        every reader sees it: :func:`kaset_xl.workbook.package.map_sheets`."""
        try:
            return package.map_sheets(zf, self.shown)
        except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
                NotImplementedError, RuntimeError) as exc:
            raise KasetError("FILE_CORRUPT", file=self.shown, reason=" ".join(str(exc).split())[:160]) from None

    # ---------------------------------------------------------------- one sheet

    def scan_sheet(self, sheet: str) -> None:
        """Stream the sheet's XML: refuse it beyond the limits; remember its error cells."""
        part = (self._sheet_parts or {}).get(sheet)
        if part is None:  # not found in the relationships as read here: check every worksheet part
            for name in sorted(n for n in (self._zip.NameToInfo if self._zip else {})
                               if n.startswith("xl/worksheets/") and not n.endswith("/")):
                self._scan_part(sheet, name, errors=False)  # error cells there could not be placed
            return
        self._scan_part(sheet, part)

    def _scan_part(self, sheet: str, part: str, *, errors: bool = True) -> None:
        """The fast look over the part's rows; anything unusual: the exact scan (see sheetscan)."""
        found: list[ErrorCell] = []
        try:
            assert self._zip is not None, "check_package first"
            info = self._zip.getinfo(part)
            usual = self._fast_ok
            tail = b""
            pieces = self._pieces(info)
            while usual:
                piece = next(pieces, b"")
                buf = tail + piece if tail else piece
                if piece:
                    cut = buf.rfind(b"</row>")
                    if cut >= 0:
                        cut += len(b"</row>")
                    elif len(buf) > 2 * _PIECE:  # no row ends here: cut at a tag's end, keep it short
                        cut = buf.rfind(b">") + 1
                        if cut <= 0:  # megabytes without a tag: nothing Office writes; the exact scan streams it
                            usual = False
                            break
                    if cut <= 0:
                        tail = buf
                        continue
                    if cut < len(buf):
                        buf, tail = buf[:cut], buf[cut:]
                    else:
                        tail = b""
                else:
                    tail = b""
                if not fast_look(buf):
                    usual = False
                    break
                if not piece:
                    break
            if not usual:
                found = self._exact_scan(sheet, part)
        except KasetError:
            raise
        except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError, expat.ExpatError) as exc:
            raise KasetError("FILE_CORRUPT", file=self.shown,
                             reason=f"{part}: {' '.join(str(exc).split())[:120]}") from None
        if errors:
            self.errors.extend(found)

    def _exact_scan(self, sheet: str, part: str) -> list[ErrorCell]:
        lim, shown = self.limits, self.shown

        def limit(rows: int, columns: int) -> None:
            check_extent(shown, sheet, rows, columns, lim)

        assert self._zip is not None
        info = self._zip.getinfo(part)
        sizes = self._shared_sizes
        shared = None
        if sizes is not None:
            self._count_text(sheet, "A1", info.file_size)  # the sheet's own XML: inline and formula text

            def shared(cell: str, text: str) -> None:
                index = text.strip()
                if index.isdigit() and int(index) < len(sizes):
                    self._count_text(sheet, cell, sizes[int(index)])

        try:
            extent = ExactScan(limit, shared, max_elements=lim.max_cells).feed(self._pieces(info))
        except TooManyElements as exc:
            raise KasetError("SHEET_TOO_MANY_CELLS", file=shown, sheet=sheet, cells=f"{exc.args[0]:,}",
                             farthest="-", limit=f"{lim.max_cells:,}") from None
        return [ErrorCell(sheet, cell, value) for cell, value in extent.errors]

    def scan_all_sheets(self) -> None:
        """:meth:`scan_sheet` for every sheet: before a library that loads them all (openpyxl in ``score``)."""
        for name in self._sheet_parts or {}:
            self.scan_sheet(name)

    def impossible_numbers(self, sheet: str) -> list[str]:
        """Cells of ``sheet`` holding a number beyond any date (|x| > 2,958,465, 31/12/9999): after
        python-calamine failed on the sheet, they say where to look."""
        part = (self._sheet_parts or {}).get(sheet)
        if part is None:
            return []
        try:
            assert self._zip is not None
            data = b"".join(self._pieces(self._zip.getinfo(part)))
        except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
            return []
        out = []
        for m in _NUMBER_CELL.finditer(data):
            try:
                value = float(m.group(2))
            except ValueError:
                continue
            if not abs(value) <= _MAX_DATE_SERIAL:  # also NaN
                out.append(m.group(1).decode())
        return out

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        self._raw = None

    # ---------------------------------------------------------------- error cells → issues

    def error_issues(self, book: DistrictBook) -> list[Issue]:
        """CELL_ERROR_VALUE for each error cell of the file where the reader takes its input (see
        :func:`error_issues`)."""
        return error_issues(book, self.errors)


def error_issues(book: DistrictBook, errors: Iterable[ErrorCell]) -> list[Issue]:
    """CELL_ERROR_VALUE for each error cell where the reader takes its input: a table's input column
    (below its header) or a field of the district sheet.  Computed columns are not read, so their
    cached errors are not reported."""
    layout = book.layout
    wanted: dict[str, tuple[set[str], int]] = {}  # sheet → (its input columns, its header row)
    for table in layout.tables:
        letters = book.columns.get(table.key, {})
        wanted[table.sheet] = ({letters[c.key] for c in table.inputs if c.key in letters},
                               book.header_rows.get(table.key, table.header_row))
    info_cells = set(book.info_cells.values())
    out = []
    for e in errors:
        column = e.cell.rstrip("0123456789")
        row = int(e.cell[len(column):])
        columns, header = wanted.get(e.sheet, (set(), 0))
        if not ((e.sheet == layout.info.sheet and e.cell in info_cells) or (column in columns and row > header)):
            continue  # a title, a header or a computed cell: never read
        out.append(make_issue("CELL_ERROR_VALUE", sheet=e.sheet, cell=e.cell, row=row, value=e.value))
    return out


def open_guard(path: Path, shown: str, limits: Limits | None = None, *, data: bytes | None = None) -> Guard:
    """Check the package (size, unzipped size, ratio, XML prologs) and return the guard for its sheets
    (call :meth:`Guard.close` when done).  ``data``: the file's bytes as ``sniff.read_checked`` read
    and checked them (its zip directory is then not checked again); by default the file is read."""
    guard = Guard(path, shown, limits or DEFAULT_LIMITS, data)
    try:
        guard.check_package(directory_checked=data is not None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        guard.close()
        raise KasetError("FILE_CORRUPT", file=shown, reason=" ".join(str(exc).split())[:160]) from None
    except BaseException:
        guard.close()
        raise
    return guard


# ---------------------------------------------------------------- helpers


def _prolog_is_safe(text: bytes, xml_name: bool) -> bool:
    """Walk the XML prolog (declaration, processing instructions, comments) up to the root element.

    Any other ``<!`` there (DOCTYPE, ENTITY) is unsafe, and so is a prolog that does not reach its root
    element within the bytes read (Office writes a line or two).  Every part is looked at, whatever its
    name, since a relationship may point at XML under any name; a part whose content does not start
    with ``<`` is not XML (an image, the VBA project) unless its name says it should be.
    """
    i = 0
    n = len(text)
    if text.startswith(b"\xef\xbb\xbf"):
        i = 3
    while i < n and text[i] in b" \t\r\n":
        i += 1
    if i >= n or text[i:i + 1] != b"<":
        return not xml_name or i >= n or b"<!" not in text  # binary, or text that is not XML markup
    while i < n:
        if text.startswith(b"<?", i):
            end = text.find(b"?>", i + 2)
            i = end + 2
        elif text.startswith(b"<!--", i):
            end = text.find(b"-->", i + 4)
            i = end + 3
        elif text.startswith(b"<!", i):
            return False  # <!DOCTYPE, <!ENTITY, <![CDATA[ before the root
        elif text.startswith(b"<", i):
            return True  # the root element
        else:
            return True  # character data before the root: not well-formed, the parsers will refuse it
        if end < 0:
            return False  # the prolog runs past what was read
        while i < n and text[i] in b" \t\r\n":
            i += 1
    return False


def is_panic(exc: BaseException) -> bool:
    """A Rust panic inside python-calamine (pyo3's PanicException derives from BaseException)."""
    return type(exc).__name__ == "PanicException"


def _as_utf8(head: bytes) -> bytes:
    """The XML's first bytes as UTF-8 (parts may be UTF-16, with or without a BOM)."""
    codec = None
    if head.startswith((b"\xff\xfe", b"<\x00")):
        codec = "utf-16-le"
    elif head.startswith((b"\xfe\xff", b"\x00<")):
        codec = "utf-16-be"
    if codec is None:
        return head
    body = head[2:] if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head
    return body[: len(body) // 2 * 2].decode(codec, errors="replace").encode("utf-8")


def check_extent(file: str, sheet: str, rows: int, columns: int, limits: Limits | None = None) -> None:
    """The file path's sheet limits (rows, columns, cells up to the farthest cell) for values that come
    another way — a book open in Excel (xlwings) or the values xlwings' VBA client posts: raises the same
    ``KasetError`` codes as reading the file would, before any value is read."""
    lim = limits or DEFAULT_LIMITS
    if rows > lim.max_rows:
        raise KasetError("SHEET_TOO_MANY_ROWS", file=file, sheet=sheet, rows=f"{rows:,}", limit=f"{lim.max_rows:,}")
    if columns > lim.max_columns:
        raise KasetError("SHEET_TOO_MANY_COLUMNS", file=file, sheet=sheet, columns=f"{columns:,}",
                         limit=f"{lim.max_columns:,}")
    if rows * columns > lim.max_cells:
        raise KasetError("SHEET_TOO_MANY_CELLS", file=file, sheet=sheet, cells=f"{rows * columns:,}",
                         farthest=f"{col_name(columns)}{rows}", limit=f"{lim.max_cells:,}")


def _check_crc(info: zipfile.ZipInfo, crc: int) -> None:
    """A member read to its end whose CRC-32 is not the directory's: its bytes changed after they were written."""
    if crc != info.CRC:
        raise ValueError(f"bad CRC-32 for file {info.filename!r}")
