"""Look at a file before any spreadsheet library opens it.

``check_file`` turns the usual "this is not really an .xlsx" accidents — a missing file, a
folder, an empty file, an old ``.xls``, a password-protected workbook, a CSV or an HTML page
renamed to ``.xlsx``, a PDF, an ``.ods``, a Word document, a half-copied download — into a
``KasetError`` with a stable code, instead of a library traceback.

It never modifies the file: it opens it read-only and reads the first few KiB plus the zip central
directory (and, for an OLE2 compound file, enough of it to tell an encrypted workbook from a
legacy ``.xls``).  It does not decompress or CRC-check the archive members (``testzip`` would read
the whole file).  :func:`read_checked` does the same on the file's bytes read once, whole, and
returns them: what the reader checks and reads next are then exactly these bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import pathlib
import stat
import struct
import zipfile
from typing import BinaryIO

from kaset_xl.issues import KasetError
from kaset_xl.workbook.package import check_directory

__all__ = ["check_file", "read_checked", "sha256_of"]

HEAD_SIZE = 8 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_LOCAL = b"PK\x03\x04"
ZIP_EMPTY = b"PK\x05\x06"
OLE_FULL_SCAN_LIMIT = 50 * 1024 * 1024
OLE_PARTIAL_SCAN = 1024 * 1024
_ENCRYPTION_STREAMS = (
    "EncryptionInfo".encode("utf-16-le"),
    "EncryptedPackage".encode("utf-16-le"),
)
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_CHUNK = 1024 * 1024

# bytes that do not occur in text files: C0 controls except \t \n \f \r and DOS EOF (^Z), and DEL
_CONTROL = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1A), *range(0x1B, 0x20), 0x7F])
_TEXT_MAX_CONTROL_RATIO = 0.02
_HTML_MARKERS = ("<html", "<!doctype")
_HTML_LEADS = ("<head", "<body", "<meta", "<table", "<style", "<title")


def check_file(path: str | os.PathLike[str], *, max_members: int | None = None) -> pathlib.Path:
    """Return the resolved path of a usable ``.xlsx``/``.xlsm`` file, or raise ``KasetError``.

    Codes: FILE_NOT_FOUND, FILE_IS_FOLDER, FILE_UNREADABLE, FILE_EMPTY, FILE_LEGACY_XLS,
    FILE_ENCRYPTED, FILE_NOT_XLSX (``kind``), FILE_CORRUPT (``reason``), FILE_TOO_MANY_PARTS (more
    than ``max_members`` zip members, default ``Limits.max_members``; checked before :mod:`zipfile`
    lists them).  ``file`` is the path as the caller gave it.
    """
    return read_checked(path, max_members=max_members, max_bytes=0)[0]


def read_checked(path: str | os.PathLike[str], *, max_members: int | None = None,
                 max_bytes: int = 0) -> tuple[pathlib.Path, bytes | None]:
    """:func:`check_file`, and the file's bytes when it holds no more than ``max_bytes``.

    The file is then read once, whole, and checked in memory: the bytes returned are the bytes
    checked, whatever happens to the file afterwards (a copy still being written, an officer saving
    it on a shared drive), so that every later check, the reader and the provenance hash see exactly
    them.  A bigger file is checked from disk as :func:`check_file` does, and ``None`` is returned.
    """
    shown = os.fspath(path)
    p = pathlib.Path(shown)

    try:
        st = os.stat(p)
    except (FileNotFoundError, NotADirectoryError):
        raise KasetError("FILE_NOT_FOUND", file=shown) from None
    except OSError as exc:
        raise KasetError("FILE_UNREADABLE", file=shown, reason=_reason(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise KasetError("FILE_IS_FOLDER", file=shown)
    if not stat.S_ISREG(st.st_mode):
        # a FIFO or a device: opening or reading it could block or never end
        raise KasetError("FILE_UNREADABLE", file=shown, reason="not a regular file")

    try:
        f = open(p, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise KasetError("FILE_UNREADABLE", file=shown, reason=_reason(exc)) from None

    with f:
        data: bytes | None = None
        src: BinaryIO = f
        try:
            size = os.fstat(f.fileno()).st_size
            if size == 0:
                raise KasetError("FILE_EMPTY", file=shown)
            if size <= max_bytes:
                data = f.read(max_bytes + 1)
                if len(data) > max_bytes:  # grew while being read: leave it to the size limit
                    data = None
                    f.seek(0)
                else:
                    size = len(data)
                    src = io.BytesIO(data)
            head = src.read(HEAD_SIZE)
        except OSError as exc:
            raise KasetError("FILE_UNREADABLE", file=shown, reason=_reason(exc)) from None
        if not head:  # shrank between stat and read
            raise KasetError("FILE_EMPTY", file=shown)

        if head.startswith(OLE_MAGIC):
            if _ole_is_encrypted(src, size, shown):
                raise KasetError("FILE_ENCRYPTED", file=shown)
            raise KasetError("FILE_LEGACY_XLS", file=shown)
        if head.startswith(b"%PDF"):
            raise KasetError("FILE_NOT_XLSX", file=shown, kind="PDF")
        if head.startswith((ZIP_LOCAL, ZIP_EMPTY)):
            _check_zip(src, size, shown, max_members)
            return p.resolve(), data
        kind = _text_kind(head)
        raise KasetError("FILE_NOT_XLSX", file=shown, kind=kind or "unknown")


def sha256_of(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of the file's bytes, hex, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(os.fspath(path), "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- helpers


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.strerror:
        return exc.strerror.lower()
    return type(exc).__name__


def _ole_is_encrypted(f: BinaryIO, size: int, shown: str) -> bool:
    """True when the OLE2 file holds an ``EncryptionInfo``/``EncryptedPackage`` stream.

    Searches the raw bytes for the UTF-16-LE stream names: the whole file when it is under 50 MB,
    otherwise the first 1 MB plus the first directory sector named in the OLE header (where the
    root's first entries live, wherever the writer put the directory).
    """
    try:
        f.seek(0)
        if size < OLE_FULL_SCAN_LIMIT:
            data = f.read()
        else:
            data = f.read(OLE_PARTIAL_SCAN)
            data += _ole_first_directory_sector(f, data)
    except OSError as exc:
        raise KasetError("FILE_UNREADABLE", file=shown, reason=_reason(exc)) from None
    return any(name in data for name in _ENCRYPTION_STREAMS)


def _ole_first_directory_sector(f: BinaryIO, header: bytes) -> bytes:
    if len(header) < 0x34:
        return b""
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        return b""
    sector = 1 << shift
    first_dir = struct.unpack_from("<I", header, 0x30)[0]
    if first_dir >= 0xFFFFFFFA:  # special sector numbers (end of chain, free, ...)
        return b""
    f.seek((first_dir + 1) * sector)
    return f.read(sector)


def _text_kind(head: bytes) -> str | None:
    """'HTML', 'XML Spreadsheet 2003' or 'text/CSV' when ``head`` looks like text, else None."""
    if head.startswith(b"\xef\xbb\xbf"):
        text = head[3:].decode("utf-8", errors="replace")
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
        body = head[2:]
        text = body[: len(body) // 2 * 2].decode(codec, errors="replace")
    else:
        if 0 in head:
            return None
        controls = sum(1 for b in head if b in _CONTROL)
        if controls > _TEXT_MAX_CONTROL_RATIO * len(head):
            return None
        # UTF-8, TIS-620/cp874 (Thai) or any other 8-bit code page: only ASCII markers are needed
        text = head.decode("latin-1")

    start = text[:2048].lstrip().lower()
    if any(marker in start for marker in _HTML_MARKERS) or start.startswith(_HTML_LEADS):
        return "HTML"
    if start.startswith("<?xml") and (
        "urn:schemas-microsoft-com:office:spreadsheet" in start or "<workbook" in start
    ):
        return "XML Spreadsheet 2003"
    return "text/CSV"


def _check_zip(f: BinaryIO, size: int, shown: str, max_members: int | None) -> None:
    from kaset_xl.workbook.guard import DEFAULT_LIMITS  # noqa: PLC0415 - guard is the heavier module

    try:  # one end record, a sane directory, not too many members: before zipfile lists them
        check_directory(f, size, shown, max_members or DEFAULT_LIMITS.max_members)
    except OSError as exc:
        raise KasetError("FILE_UNREADABLE", file=shown, reason=_reason(exc)) from None
    f.seek(0)
    try:
        zf = zipfile.ZipFile(f)
    except zipfile.BadZipFile as exc:
        raise KasetError("FILE_CORRUPT", file=shown, reason=_zip_reason(exc)) from None
    except OSError as exc:
        raise KasetError("FILE_UNREADABLE", file=shown, reason=_reason(exc)) from None
    except (
        zipfile.LargeZipFile,
        EOFError,
        ValueError,
        OverflowError,
        struct.error,
        NotImplementedError,
    ) as exc:
        reason = f"bad zip structure: {exc}"
        raise KasetError("FILE_CORRUPT", file=shown, reason=reason) from None

    with zf:
        infos = zf.infolist()
        # the central directory must not point past the end of the file (a cut-off copy)
        for info in infos:
            if info.header_offset + 30 + info.compress_size > size:
                raise KasetError(
                    "FILE_CORRUPT", file=shown, reason=f"truncated: {info.filename} is cut off"
                )
        names = {info.filename for info in infos}

        if all(part in names for part in _REQUIRED_PARTS):
            for part in _REQUIRED_PARTS:
                _check_local_header(f, zf.getinfo(part), shown)
            return

        if _is_ods(zf, names):
            raise KasetError("FILE_NOT_XLSX", file=shown, kind="OpenDocument (.ods)")
        if "word/document.xml" in names:
            raise KasetError("FILE_NOT_XLSX", file=shown, kind="Word document")
        if "xl/workbook.bin" in names:
            raise KasetError("FILE_NOT_XLSX", file=shown, kind="Excel binary workbook (.xlsb)")
        if "ppt/presentation.xml" in names:
            raise KasetError("FILE_NOT_XLSX", file=shown, kind="PowerPoint presentation")
        if "xl/workbook.xml" in names:  # an Excel package missing its manifest
            raise KasetError("FILE_CORRUPT", file=shown, reason="[Content_Types].xml is missing")
        raise KasetError("FILE_NOT_XLSX", file=shown, kind="zip archive")


def _zip_reason(exc: zipfile.BadZipFile) -> str:
    text = str(exc)
    if text == "File is not a zip file":
        return "truncated or damaged: the zip directory at the end of the file is missing"
    return f"bad zip structure: {text}"


def _check_local_header(f: BinaryIO, info: zipfile.ZipInfo, shown: str) -> None:
    """The member's local header (30 bytes) must be where the central directory says it is."""
    try:
        f.seek(info.header_offset)
        sig = f.read(4)
    except OSError as exc:
        raise KasetError("FILE_UNREADABLE", file=shown, reason=_reason(exc)) from None
    if sig != ZIP_LOCAL:
        reason = f"bad zip structure: no local header for {info.filename}"
        raise KasetError("FILE_CORRUPT", file=shown, reason=reason)


def _is_ods(zf: zipfile.ZipFile, names: set[str]) -> bool:
    if "mimetype" not in names:
        return False
    info = zf.getinfo("mimetype")
    if info.file_size > 200:
        return False
    try:
        return zf.read(info).strip() == _ODS_MIME
    except Exception:  # noqa: BLE001 - an unreadable mimetype entry only means "not ODS"
        return False
