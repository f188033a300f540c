"""The printed page of a table sheet (issue 15, "forms fit for paper and screen"): A4 at a fixed scale, broken
between columns, the title block whole on every page, and how many rows still fit the page the data ends on.

One statement of the page's geometry for the builder (the template), ``score`` and the buttons (the rows after
the data that carry the live formulas end with the printed page the data ends on).  Heights and widths are the
sheet's points (at 100 %); a page holds ``PRINT_SCALE`` % of them less.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kaset_xl.workbook.spec import Table
from kaset_xl.workbook.textfit import CELL_PADDING, column_points, lines_height, text_width, wrap

__all__ = ["PRINT_SCALE", "FONT_SIZE", "ROW_HEIGHT", "HEADER_HEIGHT", "TITLE_SIZE", "TITLE_HEIGHT", "CONTINUED",
           "TitleSpan", "page_breaks", "identifying_columns", "header_height", "title_spans", "title_text",
           "title_block_heights", "band_height", "band_runs", "data_row_height", "rows_to_page_end", "live_margin",
           "blank_form_rows", "SUMMARY_WIDTHS", "SUMMARY_TITLE", "LONGEST_SUBTITLE",
           "SUMMARY_NOT_COMPUTED", "SUMMARY_COMPUTED", "summary_title_spans", "table_title_spans", "live_rows",
           "repeated_heights"]

FONT_SIZE = 16
ROW_HEIGHT = 24  # points: TH SarabunPSK 16 pt with its tall Thai vowels and tone marks
HEADER_HEIGHT = 58  # at least two wrapped header lines (taller where the text needs: textfit)
TITLE_SIZE = 20
TITLE_HEIGHT = 32  # a title line of 20 pt
# Tables print at a fixed scale: TH SarabunPSK 16 at 70 % is 11.2 pt on paper, the smallest readable.
PRINT_SCALE = 70
MARGIN_SIDE, MARGIN_TOP_BOTTOM = 0.4 * 72, 0.6 * 72  # points
A4_LANDSCAPE_POINTS = 841.9 - 2 * MARGIN_SIDE  # printable width between the side margins
A4_PORTRAIT_POINTS = 595.3 - 2 * MARGIN_SIDE
A4_LANDSCAPE_HEIGHT = 595.3 - 2 * MARGIN_TOP_BOTTOM  # printable height between the top and bottom margins
A4_PORTRAIT_HEIGHT = 841.9 - 2 * MARGIN_TOP_BOTTOM
CONTINUED = "(ต่อ)"  # after the title on a wide table's pages after the first
# The subtitle's room is taken for the longest district and province names, so that the title block's height
# (what every page repeats) is the table's alone, the same in every district's workbook.
LONGEST_SUBTITLE = "สำนักงานเกษตรอำเภอเฉลิมพระเกียรติ จังหวัดพระนครศรีอยุธยา ปีงบประมาณ พ.ศ. 2564"
# สรุปผล: the group's name, then 9 narrow columns of figures (score's tables have at most 10 columns), the sixth
# and seventh a little wider for the Smart Farmer classes "(Existing)", "(Developing)" (a Latin word does not
# break); printed at 70 %, one page wide.
SUMMARY_WIDTHS = (34.0, *([9.0] * 4), 11.0, 11.0, *([9.0] * 3))
SUMMARY_TITLE = "สรุปผลการคำนวณคะแนนและงบประมาณ"
# The summary's note (its third row) before and after score: its row is as tall as the longer needs.
SUMMARY_NOT_COMPUTED = "ยังไม่ได้คำนวณ — ใช้คำสั่ง kaset-xl score หรือปุ่มคำนวณคะแนน (not computed yet)"
SUMMARY_COMPUTED = "คำนวณโดย kaset-xl score จากข้อมูลที่กรอกในแบบฟอร์ม (computed by kaset-xl score from the entries)"
# Points of a page the rows after the data leave free: Excel rounds row heights to its printer's pixels, and the
# last of them must not go over onto a page of its own (where the data rows split is computed without it: as printed).
_SLACK = 6.0
# A wrapped Thai line: Excel and LibreOffice break Thai only between dictionary words, so 90 % of the width.
_THAI_WRAP = 0.9


def page_breaks(widths: Sequence[float], bands: Sequence[str | None] = (), repeat_columns: int = 0, *,
                landscape: bool = True, scale: float = PRINT_SCALE) -> list[int]:
    """The columns (0-based) before which a new page starts when a table of column ``widths`` (characters) prints
    at ``scale`` % on A4: as many columns as fit each page, the first ``repeat_columns`` again on every page after
    the first; a break that would cut a band (a run of columns under one label) moves to the band's start."""
    room = _page_width(landscape, scale)
    points = [column_points(w) for w in widths]
    repeated = sum(points[:repeat_columns])
    band_of = list(bands) + [None] * (len(widths) - len(bands))
    breaks: list[int] = []
    start, used = 0, 0.0
    for i, p in enumerate(points):
        if used + p > room and i > start:
            cut = i
            if band_of[i] is not None and band_of[i - 1] == band_of[i]:
                first = i
                while first > start and band_of[first - 1] == band_of[i]:
                    first -= 1
                if first > start and first > repeat_columns:
                    cut = first
            breaks.append(cut)
            start = cut
            used = repeated + sum(points[cut:i])
        used += p
    return breaks


def _page_width(landscape: bool, scale: float = PRINT_SCALE) -> float:
    return (A4_LANDSCAPE_POINTS if landscape else A4_PORTRAIT_POINTS) * 100 / scale


def identifying_columns(table: Table) -> int:
    """The columns repeated on every printed page of a wide table: the number and what the row is about (a
    member's ID and name, or a group's name)."""
    keys = [c.key for c in table.columns]
    return 3 if keys[1:3] == ["citizen_id", "name"] else 2


def header_height(text: str, width: float, *, size: float = FONT_SIZE) -> float:
    """Row height (points) that shows ``text`` (bold, wrapped) whole in a column ``width`` characters wide.

    Measured with the font's metrics (:mod:`kaset_xl.workbook.textfit`); Thai is wrapped at 90 % of the width,
    as Excel and LibreOffice break Thai only between words (a dictionary's), never inside one.
    """
    return float(lines_height(len(wrap(text, column_points(width) * _THAI_WRAP, size, bold=True)), size))


@dataclass(frozen=True)
class TitleSpan:
    """Where the title block is written for one printed page: merged over columns ``first``..``last`` (0-based)
    of the title rows.  ``last`` may pass the table's last column on the last page (empty columns the page still
    has room for), so that the block is not narrower than its text there."""

    page: int  # 0-based, across
    first: int
    last: int
    points: float  # the merged width

    @property
    def continued(self) -> bool:
        return self.page > 0


def title_spans(widths: Sequence[float], bands: Sequence[str | None] = (), repeat_columns: int = 0, *,
                landscape: bool = True, texts: Sequence[tuple[str, float, bool]] = ()) -> list[TitleSpan]:
    """The title block's place on each printed page of a table of column ``widths``.

    One page: over all its columns from A, as a form's.  Over pages side by side: the repeated columns print on
    every page, so a title written in them would print cut at their edge on the pages after the first; the
    title rows' cells in the repeated columns stay empty, and each page has its own block over its own columns
    (the first page's after the repeated ones).  The last page, often a few columns, is widened over the empty
    columns to its right (default width) as far as the page has room, until ``texts`` ((text, size, bold)) fit
    on one line."""
    breaks = page_breaks(widths, bands, repeat_columns, landscape=landscape)
    points = [column_points(w) for w in widths]
    if not breaks:
        return [TitleSpan(0, 0, len(widths) - 1, sum(points))]
    starts, ends = [0, *breaks], [*breaks, len(widths)]
    spans = []
    for page, (start, end) in enumerate(zip(starts, ends, strict=True)):
        first = max(start, repeat_columns) if page == 0 else start
        spans.append(TitleSpan(page, first, end - 1, sum(points[first:end])))
    last = spans[-1]
    room = _page_width(landscape) - sum(points[:repeat_columns]) - last.points
    need = max((text_width(t, size, bold=bold) for t, size, bold in texts), default=0.0) + 8
    extra_col, extra = last.last, 0.0
    default = column_points(8.43)  # a column the builder does not size
    while last.points + extra < need and extra + default <= room:
        extra += default
        extra_col += 1
    spans[-1] = TitleSpan(last.page, last.first, extra_col, last.points + extra)
    return spans


def title_text(title: str, span: TitleSpan) -> str:
    """The title as printed on ``span``'s page: "(ต่อ)" after it on the pages after the first."""
    return f"{title} {CONTINUED}" if span.continued else title


def _lines(text: str, points: float, size: float, *, bold: bool) -> int:
    """Lines ``text`` takes in a cell ``points`` wide: one where it fits whole (no break needed), else wrapped
    at 90 % of the width (Thai breaks only between dictionary words)."""
    if text_width(text, size, bold=bold) <= points - CELL_PADDING:
        return 1
    return len(wrap(text, points * _THAI_WRAP, size, bold=bold))


def title_block_heights(title: str, note: str | Sequence[str], spans: Sequence[TitleSpan]) -> list[float]:
    """The heights of the title, subtitle and note rows (and more notes: ``note`` a sequence), each the tallest
    of its page's wrapped text (the rows are shared by the pages side by side)."""
    notes = [note] if isinstance(note, str) else list(note)
    title_lines = max(_lines(title_text(title, s), s.points, TITLE_SIZE, bold=True) for s in spans)
    sub_lines = max(_lines(LONGEST_SUBTITLE, s.points, FONT_SIZE, bold=True) for s in spans)
    out = [float(max(TITLE_HEIGHT, lines_height(title_lines, TITLE_SIZE))) if title_lines > 1 else TITLE_HEIGHT,
           float(lines_height(sub_lines)) if sub_lines > 1 else float(ROW_HEIGHT)]
    for text in notes:
        lines = max(_lines(text, s.points, FONT_SIZE, bold=False) for s in spans)
        out.append(float(lines_height(lines)) if lines > 1 else float(ROW_HEIGHT))
    return out


def table_title_spans(table: Table) -> list[TitleSpan]:
    """:func:`title_spans` of a table sheet (its title, the longest subtitle and its note on one line where the
    last page has the room)."""
    return title_spans([c.width for c in table.columns], [c.band for c in table.columns],
                       identifying_columns(table), landscape=table.landscape,
                       texts=((f"{table.title} {CONTINUED}", TITLE_SIZE, True), (LONGEST_SUBTITLE, FONT_SIZE, True),
                              (table.note, FONT_SIZE, False)))


def summary_title_spans() -> list[TitleSpan]:
    """:func:`title_spans` of the summary sheet (:data:`SUMMARY_WIDTHS`, its first column repeated)."""
    return title_spans(SUMMARY_WIDTHS, repeat_columns=1,
                       texts=((f"{SUMMARY_TITLE} {CONTINUED}", TITLE_SIZE, True), (LONGEST_SUBTITLE, FONT_SIZE, True)))


def band_runs(table: Table) -> list[tuple[int, int, str]]:
    """Each band label with the run of columns under it: (first, last column index, label)."""
    runs: list[tuple[int, int, str]] = []
    i = 0
    while i < len(table.columns):
        band = table.columns[i].band
        j = i
        while j + 1 < len(table.columns) and band and table.columns[j + 1].band == band:
            j += 1
        if band:
            runs.append((i, j, band))
        i = j + 1
    return runs


def band_height(table: Table) -> float:
    """The band row's height: each band label wrapped over its run of columns (at least one line)."""
    height = float(ROW_HEIGHT)
    for i, j, band in band_runs(table):
        height = max(height, header_height(band, sum(c.width + 5 / 7 for c in table.columns[i:j + 1]) - 5 / 7))
    return height


def repeated_heights(table: Table) -> list[float]:
    """The heights of the rows that print on top of every page: the title block, the rows between it and the
    header (the band row, where the table has bands), the header."""
    heights = title_block_heights(table.title, table.note, table_title_spans(table))
    h = table.header_row - 1
    heights += [float(ROW_HEIGHT)] * (h - len(heights))
    if h - 1 >= 3:
        heights[h - 1] = band_height(table)
    heights.append(float(max(HEADER_HEIGHT, *(header_height(c.header_label, c.width) for c in table.columns))))
    return heights


def data_row_height(table: Table, row: Mapping[str, Any]) -> float:
    """A data row's height: one line, or as tall as its longest wrapped text (what the builder sets; Excel
    fits a row to the text typed into it)."""
    lines = max((_lines(row[c.key], column_points(c.width), FONT_SIZE, bold=False) for c in table.columns
                 if isinstance(row.get(c.key), str)), default=1)  # a dropdown's long item wraps too
    return float(max(ROW_HEIGHT, lines_height(lines))) if lines > 1 else float(ROW_HEIGHT)


def _page_room(table: Table) -> float:
    """The height a page has for data rows below the repeated rows (sheet points)."""
    height = A4_LANDSCAPE_HEIGHT if table.landscape else A4_PORTRAIT_HEIGHT
    return height * 100 / PRINT_SCALE - sum(repeated_heights(table))


def rows_to_page_end(table: Table, heights: Sequence[float]) -> int:
    """Rows of one line that still fit the printed page on which data rows of ``heights`` (from the first
    data row on) end; a row that does not fit the rest of a page starts the next."""
    room = _page_room(table)
    used = 0.0
    for h in heights:
        if used + h > room and used > 0:
            used = 0.0
        used += h
    return max(int((room - used - _SLACK) // ROW_HEIGHT), 0)


def live_margin(table: Table, heights: Sequence[float]) -> int:
    """The rows after the last row in use (data rows of ``heights``) that carry the live formulas: those that
    still fit its printed page — none when it is full: rows below it would print a page of blank rows (the
    formulas reach rows typed further down with the next ``score`` or button click)."""
    return rows_to_page_end(table, heights)


def blank_form_rows(table: Table) -> int:
    """The data rows a blank form prints ruled, to be filled in by hand: one page's."""
    return live_margin(table, ())


def live_rows(table: Table, used: Mapping[int, Mapping[str, Any]]) -> range:
    """The worksheet rows that carry a table's live formulas, given the rows in use (row → its values): from the
    first data row to the end of the printed page the last of them ends on (:func:`live_margin`), within the
    capacity.  A blank template: its first page's rows."""
    last_used = max(used, default=table.header_row)
    heights = [data_row_height(table, used.get(r, {})) for r in range(table.first_data_row, last_used + 1)]
    return table.formula_rows(last_used, live_margin(table, heights))
