"""One worksheet's XML, looked at before python-calamine builds its grid from it.

python-calamine turns a sheet into a dense grid up to its farthest cell, and it is lenient about how
the XML is written: it matches elements by their local name whatever the prefix (``<x:row>``), reads
attributes in either quoting and with spaces around ``=``, accepts lower-case column letters, and
places a ``<row>`` or ``<c>`` without an ``r`` attribute right after the previous one.  A check that
only knows Office's own spelling can therefore be walked around.

So there are two looks:

* :func:`fast_look` — for the XML Office, XlsxWriter, openpyxl and LibreOffice write: every ``<c``
  element unprefixed and starting with ``r="…"`` (double quotes, upper case) that points no farther
  than row 9,999 and column IV, no prefixed ``<x:c``/``<x:row``, and no error value.  Such a sheet's
  grid is at most 9,999 × 256 cells, so nothing more needs to be known.  Three regular expressions,
  each with a literal start the regex engine skips ahead to: ~0.1 ms for a district workbook's sheet.
* :class:`ExactScan` — for anything else: the sheet is parsed with the standard library's expat (no
  namespace processing, no DTD: a DOCTYPE or entity declaration is refused) and every row and cell
  is placed as python-calamine places it, so the farthest row and column, the area and the error
  cells are exact.  Slower (a Python call per element: ~4 ms for a sheet of 2,000 rows), so it is
  kept for files Office does not write and for sheets holding error values.

Both stream the part; neither holds more than a piece of it.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.parsers import expat

__all__ = ["fast_look", "ExactScan", "TooManyElements", "SheetExtent", "col_number", "col_name", "FAST_ROWS",
           "FAST_COLUMNS", "shared_string_sizes"]

FAST_ROWS = 9_999  # the farthest row and column a sheet that passes fast_look can reach
FAST_COLUMNS = 256  # IV

# A <c> element not followed at once by a small, upper-case, double-quoted r="…" (a cell up to row 9,999
# and column IV): no r, r not first, other quoting or spacing, lower case, a far reference …
#
# Only cells are looked at, not <row> elements: python-calamine and openpyxl place a cell by its own r="…"
# and use the row's r only for a cell without one — which this pattern already sends to the exact scan.
# A <row> far down with no cell in it costs neither reader a cell (LibreOffice writes row 1,048,576 so).
#
# A far cell *without* a value costs python-calamine nothing (its grid grows only for cells with values),
# but it still leaves the fast look, which is kept for the openpyxl paths (score, register): openpyxl makes
# an object of every <c>, with or without a value, and its max_row/max_column reach the farthest one.  Such a
# sheet goes to the exact scan, which places it exactly and bounds the number of <c> elements
# (``ExactScan.max_elements``); the fast look vouches only for what it can see is small.
_SMALL_REF = rb'(?:[A-Z]|[A-H][A-Z]|I[A-V])?[1-9][0-9]{0,3}"'
_UNUSUAL_CELL = re.compile(rb'<c[\s/>](?!r="' + _SMALL_REF + rb')')
_PREFIXED_ELEMENT = re.compile(rb':(?:c|row)[\s/>]')  # <x:c …>, <x:row …>: python-calamine reads them too
# t="e" (an error cell) in either quoting (or the text "e" in quotes: no harm, the exact scan looks).
# Written to start at the letter, rare in sheet XML, rather than at a quote, which is everywhere: a byte
# search for '"e"' costs five times as much.
_ERROR_VALUE = re.compile(rb'e(?<=["\']e)["\']')


@dataclass
class SheetExtent:
    """What a scan found: the farthest row and column python-calamine would reach, and error cells."""

    rows: int = 0
    columns: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (A1 cell, "#REF!")


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def col_name(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def fast_look(buf: bytes) -> bool:
    """True when ``buf`` (a run of whole rows of a sheet) is written the usual way, reaches no farther
    than row 9,999 and column IV, and holds no error value; False sends the sheet to :class:`ExactScan`
    (which also places the error cells: sheets that hold any are rare)."""
    # measured on the sample workbooks' sheets (~525 kB of XML a workbook, min of repeats): 1.2 ms a workbook,
    # against 2.1 ms for the earlier two byte searches and one pattern over <c> and <row> (issue 17)
    return _ERROR_VALUE.search(buf) is None and _UNUSUAL_CELL.search(buf) is None \
        and _PREFIXED_ELEMENT.search(buf) is None


_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


class _TooManyElements(Exception):
    """More <c> elements in a sheet than ``ExactScan.max_elements``."""


class ExactScan:
    """Place every row and cell as python-calamine does; call ``limit(rows, columns)`` as the grid
    grows (it raises to stop), feed the XML with :meth:`feed`, then :meth:`close`.

    Only cells that hold a value (a ``<v>`` or an inline ``<is>``) make the grid grow: python-calamine
    builds its grid up to the farthest cell with a value, and an empty ``<row>`` or a cell with only a
    style costs it nothing.  So the row, column and cell limits count rows and cells that hold values:
    LibreOffice's re-save adds an empty, formatted row 1,048,576 to a sheet with an autofilter, and a
    workbook re-saved so is read (issue 13).
    """

    def __init__(self, limit: Callable[[int, int], None],
                 shared: Callable[[str, str], None] | None = None, max_elements: int | None = None) -> None:
        self.limit = limit
        self.shared = shared  # called with (A1 cell, the <v> text) for every shared-string cell (t="s")
        # Cells without a value cost python-calamine nothing, but openpyxl (score, register) makes an object
        # of each: at most this many <c> elements, with or without a value (ValueError past it).
        self.max_elements = max_elements
        self.elements = 0
        self.extent = SheetExtent()
        self._row = 0
        self._col = 0
        self._error: tuple[int, int] | None = None
        self._shared_at: tuple[int, int] | None = None
        self._cell: tuple[int, int] | None = None  # the current cell, until it holds a value
        self._in_v = False
        self._text: list[str] = []
        p = expat.ParserCreate()  # no namespace processing: names as written, matched by local name
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._refuse_dtd
        p.EntityDeclHandler = self._refuse_dtd
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._chars
        p.buffer_text = True
        self._parser = p

    def feed(self, pieces: Iterable[bytes]) -> SheetExtent:
        for piece in pieces:
            self._parser.Parse(piece, False)
        self._parser.Parse(b"", True)
        return self.extent

    @staticmethod
    def _refuse_dtd(*_args: object) -> None:
        raise ValueError("a DOCTYPE or entity declaration in a worksheet")

    def _grow(self, row: int, col: int) -> None:
        ext = self.extent
        if row > ext.rows or col > ext.columns:
            ext.rows, ext.columns = max(ext.rows, row), max(ext.columns, col)
            self.limit(ext.rows, ext.columns)

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            r = attrs.get("r", "").strip()
            self._row = int(r) if r.isdigit() else self._row + 1
            self._col = 0
        elif local == "c":
            m = _REF.fullmatch(attrs.get("r", "").strip())
            if m:
                self._col, row = col_number(m.group(1)), int(m.group(2))
            else:
                self._col, row = self._col + 1, self._row
            self._cell = (row, self._col)  # the grid grows when the cell turns out to hold a value
            self.elements += 1
            if self.max_elements is not None and self.elements > self.max_elements:
                raise _TooManyElements(self.elements)
            kind = attrs.get("t")
            if kind == "e":
                self._error = (row, self._col)
                self._text = []
            elif kind == "s" and self.shared is not None:
                self._shared_at = (row, self._col)
                self._text = []
        elif local == "v" or local == "is":  # a value: only now does the cell count (see the class doc)
            if self._cell is not None:
                self._grow(*self._cell)
                self._cell = None
            if local == "v" and (self._error is not None or self._shared_at is not None):
                self._in_v = True

    def _end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "v":
            self._in_v = False
        elif local == "c" and self._cell is not None:
            self._cell = None
        if local == "c" and self._error is not None:
            row, col = self._error
            self.extent.errors.append((f"{col_name(col)}{row}", "".join(self._text).strip() or "#?"))
            self._error = None
        elif local == "c" and self._shared_at is not None:
            row, col = self._shared_at
            self._shared_at = None
            assert self.shared is not None
            self.shared(f"{col_name(col)}{row}", "".join(self._text))

    def _chars(self, text: str) -> None:
        if self._in_v:
            self._text.append(text)


# The start of a shared string (<si>, <x:si …>): python-calamine matches elements by their local name.
_SI_START = re.compile(rb"<(?:[A-Za-z_][A-Za-z0-9_.-]*:)?si[\s/>]")


def shared_string_sizes(pieces: Iterable[bytes]) -> array[int]:
    """The size in bytes of each shared string's XML (``<si>`` to the next), in order, streaming the part.

    The XML of a string is never shorter than its text as UTF-8 (entities only shorten, and a DOCTYPE is
    refused), so these are upper bounds of what a reader expands each string into: python-calamine copies
    a shared string into every cell that uses it (issue 13).
    """
    sizes: array[int] = array("q")
    last: int | None = None  # where the previous <si> started, in the whole part
    offset = 0  # where ``buf`` starts in the whole part
    carry = b""
    for piece in pieces:
        buf = carry + piece
        end = 0
        for m in _SI_START.finditer(buf):
            at = offset + m.start()
            if last is not None:
                sizes.append(at - last)
            last, end = at, m.end()
        cut = buf.rfind(b"<", end)  # a tag cut at the piece's end: looked at again with the next piece
        if cut < 0 or len(buf) - cut > 64:
            cut = len(buf)
        carry = buf[cut:]
        offset += cut
    if last is not None:
        sizes.append(offset + len(carry) - last)
    return sizes


TooManyElements = _TooManyElements
