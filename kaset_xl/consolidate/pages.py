"""The filled provincial sheets cut into printed pages, each page that continues a table starting with that
table's header row.

Excel and LibreOffice repeat one row range per sheet (Print_Titles): a sheet of several tables (กสอ.2–4,
กลุ่มจัดตั้งใหม่) printed its tables' later pages without their header.  After filling, :func:`paginate` walks a
sheet's rows with a conservative page model — the printable height of the page (paper and margins as the
template has them) over the print scale (fitted to the page width from the sheet's column widths, as LibreOffice
and Excel do it, or the template's fixed scale), less :data:`SAFETY` so that the application's own automatic
break never comes before ours — and where a table's data row no longer fits, puts a manual row break before it
and a copy of the table's header row (values, styles, height, merges) right after the break.  What lies below
moves down with its merges, heights and defined names.

Kept together: a table's title, header and first data row; its last two data rows and its total, target and
note rows; the signature block with what comes before it from the last table's last two data rows (never a page
of only a signature).  A unit taller than a page is cut where the page is full.  A table whose header the
sheet's Print_Titles already repeats (a one-table sheet) gets no copy: its pages are counted with the repeated
rows on top.  The manual breaks the filler set (a table or chart that starts a page) are kept.
"""

from __future__ import annotations

from collections.abc import Collection
from copy import copy
from dataclasses import dataclass
from typing import Any

from kaset_xl.workbook.textfit import stored_column_points

__all__ = ["paginate", "page_capacity", "column_widths", "insert_rows", "shift_names", "DEFAULT_WIDTH", "SAFETY",
           "Table"]

SAFETY = 0.05  # the share of a page left unused: our break always comes before the application's own
_PAPER = {9: (595.28, 841.89), 1: (612.0, 792.0)}  # points, portrait (A4, Letter)
DEFAULT_WIDTH = 8.43  # a column without a width of its own (Excel's default)


@dataclass(frozen=True)
class Table:
    """A filled table's rows: header (the row above the data), data rows, and the rows kept with its end."""

    header: int
    first: int
    last: int
    tail: tuple[int, ...]  # total, target, note rows


def column_widths(ws: Any) -> dict[int, float]:
    """A sheet's column widths as the file stores them, by column number: a ``<col min max>`` element covers
    every column of its range (XlsxWriter writes one for neighbours of the same width)."""
    widths: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        if dim.width and dim.min and dim.max:
            for c in range(int(dim.min), int(dim.max) + 1):
                widths[c] = float(dim.width)
    return widths


def page_capacity(ws: Any) -> float:
    """The height of one printed page in the sheet's points (row heights as set), less :data:`SAFETY`."""
    ps = ws.page_setup
    short, long_ = _PAPER.get(int(ps.paperSize or 9), _PAPER[9])
    width, height = (long_, short) if ps.orientation == "landscape" else (short, long_)
    m = ws.page_margins
    printable_w = width - 72 * (float(m.left or 0.7) + float(m.right or 0.7))
    printable_h = height - 72 * (float(m.top or 0.75) + float(m.bottom or 0.75))
    fit = ws.sheet_properties.pageSetUpPr is not None and bool(ws.sheet_properties.pageSetUpPr.fitToPage)
    if fit and (ps.fitToWidth is None or int(ps.fitToWidth) > 0):
        stored = column_widths(ws)
        sheet_w = sum(stored_column_points(stored.get(c, DEFAULT_WIDTH)) for c in range(1, ws.max_column + 1))
        pages = int(ps.fitToWidth or 1)
        scale = min(1.0, pages * printable_w / sheet_w) if sheet_w else 1.0
    else:
        scale = float(ps.scale or 100) / 100
    return printable_h / scale * (1 - SAFETY)


def _height(ws: Any, r: int) -> float:
    dim = ws.row_dimensions.get(r)
    if dim is not None and dim.hidden:
        return 0.0
    if dim is not None and dim.height is not None:
        return float(dim.height)
    return float(ws.sheet_format.defaultRowHeight or 15)


def _titles(ws: Any) -> tuple[int, int] | None:
    text = ws.print_title_rows
    if not text:
        return None
    first, last = (int(v) for v in text.replace("$", "").split(":"))
    return first, last


def _filled(ws: Any) -> set[int]:
    """The rows that hold a value (read from the sheet's cells: ``ws.cell`` would create the empty ones)."""
    return {r for (r, _c), cell in ws._cells.items() if cell.value not in (None, "")}


def _next(forced: set[int], r: int, last_row: int) -> int:
    """The next row after ``r`` that starts a page of its own, or the row after the last."""
    return min([f for f in forced if f > r] + [last_row + 1])


def _plan(ws: Any, tables: list[Table], forced: set[int], last_row: int,
          printed: set[int]) -> tuple[list[int], dict[int, Table]]:
    """Where pages start (rows) and which of them start with a copy of a table's header (row → table)."""
    cap = page_capacity(ws)
    titles = _titles(ws)
    repeated = sum(_height(ws, r) for r in range(titles[0], titles[1] + 1)) if titles else 0.0
    own = [t for t in tables if not (titles and titles[0] <= t.header <= titles[1])]
    glue = _glue(tables, last_row, printed)
    starts: list[int] = []
    copies: dict[int, Table] = {}
    start, r, y = 1, 1, 0.0
    while r <= last_row:
        if r in forced and r != start:
            start, y = r, _top(r, titles, repeated)
            starts.append(r)
        h = _height(ws, r)
        if y + h > cap and r > start and not printed & set(range(r, _next(forced, r, last_row))):
            r = _next(forced, r, last_row)  # only empty rows until the next page or the end: nothing to print
            continue
        if y + h > cap and r > start:
            b = next((p for p in range(r, start, -1) if p not in glue), r)
            table = next((t for t in own if t.first <= b <= (t.tail[-1] if t.tail else t.last)), None)
            starts.append(b)
            if table is not None:
                copies[b] = table
            start = b
            y = _top(b, titles, repeated) + (_height(ws, table.header) if table is not None else 0.0)
            r = b
            continue
        y += h
        r += 1
    return starts, copies


def _top(r: int, titles: tuple[int, int] | None, repeated: float) -> float:
    """What a page starting at row ``r`` holds before it: the Print_Titles rows, on the pages after them."""
    return repeated if titles and r > titles[1] else 0.0


def _glue(tables: list[Table], last_row: int, printed: set[int]) -> set[int]:
    """The rows before which no page may start."""
    glue: set[int] = set()
    for t in tables:
        glue |= {t.header, t.first, *t.tail}
        if t.last > t.first:
            glue.add(t.last)
    if tables:  # the signature block with the last table's end
        end = max(t.tail[-1] if t.tail else t.last for t in tables)
        last = max(tables, key=lambda t: t.header)
        if any(end < r <= last_row for r in printed):
            glue |= set(range(max(last.first + 1, last.last), last_row + 1))
    return glue


def paginate(wb: Any, ws: Any, tables: list[Table], forced: set[int], solid: Collection[int] = ()) -> list[int]:
    """Cut ``ws`` into pages (see the module); ``forced``: rows that start a page of their own; ``solid``: empty
    rows that print something all the same (a chart drawn over them later).  Sets the sheet's manual row breaks
    and inserts the header copies; returns the rows that start a page after the first."""
    from openpyxl.worksheet.pagebreak import Break, RowBreak

    forced = forced | {b.id + 1 for b in ws.row_breaks.brk}
    printed = _filled(ws) | set(solid)  # the rows that print something: a value, or a chart over them
    last_row = max([1, *printed, *forced, *(t.tail[-1] if t.tail else t.last for t in tables)])
    starts, copies = _plan(ws, tables, forced, last_row, printed)
    starts = sorted(set(starts) | {f for f in forced if f > 1})
    for b in sorted(copies, reverse=True):  # bottom up: an insertion moves only what lies below it
        _insert_header(wb, ws, b, copies[b].header)
        starts = [s + 1 if s > b else s for s in starts]
    ws.row_breaks = RowBreak()
    for s in starts:
        ws.row_breaks.append(Break(id=s - 1))
    return starts


def insert_rows(wb: Any, ws: Any, at: int, extra: int, *, grow_from: int | None = None) -> None:
    """``extra`` empty rows inserted at row ``at``: what lies below moves down with its merges, heights, defined
    names (:func:`shift_names`; ``grow_from``: a name reaching that row grows) and repeated title rows."""
    ws.insert_rows(at, extra)
    for mr in list(ws.merged_cells.ranges):
        if mr.min_row >= at:
            mr.shift(0, extra)
    heights = {i: d.height for i, d in list(ws.row_dimensions.items()) if i >= at and d.height is not None}
    for i in heights:
        ws.row_dimensions[i].height = None
    for i, h in heights.items():
        ws.row_dimensions[i + extra].height = h
    shift_names(wb, ws, at, extra, grow_from=grow_from)
    titles = _titles(ws)
    if titles and titles[0] >= at:
        ws.print_title_rows = f"{titles[0] + extra}:{titles[1] + extra}"


def _insert_header(wb: Any, ws: Any, at: int, header: int) -> None:
    """A copy of row ``header`` (above ``at``) inserted as row ``at``: values, styles, height, merges."""
    insert_rows(wb, ws, at, 1)
    for col in range(1, ws.max_column + 1):
        src, dst = ws.cell(header, col), ws.cell(at, col)
        if type(src).__name__ == "MergedCell":
            continue
        dst.value = src.value
        if src.has_style:
            dst._style = copy(src._style)
    for mr in [m for m in ws.merged_cells.ranges if m.min_row == m.max_row == header]:
        ws.merge_cells(start_row=at, start_column=mr.min_col, end_row=at, end_column=mr.max_col)
        for col in range(mr.min_col + 1, mr.max_col + 1):  # the covered cells keep the header's borders
            src = ws.cell(header, col)
            if src.has_style:
                ws.cell(at, col)._style = copy(src._style)
    ws.row_dimensions[at].height = ws.row_dimensions[header].height


def shift_names(wb: Any, ws: Any, first: int, extra: int, *, grow_from: int | None = None) -> None:
    """Defined names of ``ws`` that start at row ``first`` or below move down ``extra`` rows; one that starts above
    and reaches row ``grow_from`` (default ``first``) grows by them (a print area, a marked row repeated)."""
    from openpyxl.utils.cell import absolute_coordinate, get_column_letter, quote_sheetname, range_boundaries

    grow = first if grow_from is None else grow_from
    for scope in (wb.defined_names, *(s.defined_names for s in wb.worksheets)):
        for dn in scope.values():
            try:
                dest = list(dn.destinations)
            except Exception:  # noqa: BLE001 - a name that is a formula, not a place
                continue
            if len(dest) != 1 or dest[0][0] != ws.title:
                continue
            b = range_boundaries(dest[0][1].replace("$", ""))
            if None in b:
                continue
            c0, r0, c1, r1 = (int(v or 0) for v in b)
            if r0 >= first:
                r0, r1 = r0 + extra, r1 + extra
            elif r1 >= grow:
                r1 += extra
            else:
                continue
            ref = f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"
            dn.attr_text = f"{quote_sheetname(ws.title)}!{absolute_coordinate(ref)}"
