"""The provincial forms as Excel templates: which sheets, which tables, which defined names — and the
builder of the shipped template (``templates/provincial.xlsx``, made by ``scripts/make_templates.py``).

A template is an ordinary workbook a province may restyle in Excel (wording, logo, fonts, widths,
page setup).  kaset_xl finds what to fill through **defined names**:

- ``<SHEET>_PLACE`` (required, one per sheet): the cell for the province and fiscal year;
- ``<TABLE>_ROW`` (required, one per table): the *marked row* — its cells hold ``{key}`` markers
  (``{district}``, ``{members}`` …); the row is repeated once per data row with its styles, heights
  and merges, and each marker replaced by the value (a column may be moved, dropped or restyled);
- ``<TABLE>_TOTAL`` / ``<TABLE>_TARGET`` (optional): rows whose ``{key}`` markers take the province's
  totals and the programme's targets; ``<TABLE>_NOTE`` (optional): the line under the totals about
  the data quality behind them;
- ``<SHEET>_NOTE`` (optional): where the figures come from; ``<TABLE>_CHART`` (optional): where the
  table's chart is drawn (charts are made at fill time, from the filled rows).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass
from typing import Any

from kaset_xl.consolidate.reports import (
    BUDGET,
    COMPLETENESS,
    DUPLICATES,
    ISSUES,
    KPI_PCT,
    KSA1,
    KSA2,
    KSA3,
    KSA3_QUALITY,
    KSA4,
    KSA4_BUDGET,
    LEVELS,
    NEW_GROUPS,
    NEW_GROUPS_COUNT,
    PROVENANCE,
    TARGET_LABEL,
    TOTAL_LABEL,
    Col,
    Report,
)
from kaset_xl.criteria import load_criteria
from kaset_xl.workbook.textfit import CELL_PADDING, DIGIT_EM, column_points, lines_height, text_width, wrap

__all__ = ["Form", "FORMS", "TEMPLATE_FILE", "FONT_NAME", "FONT_SIZE", "CHARTS", "required_names",
           "build_provincial_template", "MARK"]

FONT_NAME = "TH SarabunPSK"
FONT_SIZE = 16
HEADER_FILL = "#E2EFDA"
TEMPLATE_FILE = "provincial.xlsx"
STAMP = dt.datetime(2000, 1, 1)
MARK = "{%s}"  # a marker in a template's row: {district}
WIDTH = 0.66  # reports.py's widths → widths in digits of the Normal font (16 pt TH SarabunPSK)
ROW_HEIGHT = 24.0  # one line of 16 pt TH SarabunPSK (points)
PATH_ROOM = 0.9  # the share of a cell's width a wrapped path is counted in (cell_lines)
THAI_ROOM = 0.9  # the same for a text with a Thai word wider than its cell (the district templates' 90 %)
THAI_WORD = 10.0  # points of a line such a text leaves empty in a narrow cell (a part of a word)
TITLE_SIZE, TABLE_TITLE_SIZE = FONT_SIZE + 4, FONT_SIZE + 2  # the form's title, a table's title (bold)
CHART_ROWS = 14  # rows a chart covers in the shipped template (11 cm)
# tables with a target row (reports.targets) and tables that start a new page (a chart is never split)
TARGETED = {"KSA1", "KSA2", "KSA4"}
NEW_PAGE = {"KSA3Q", "LEVELS", "KSA4B", "BUDGET", "KPI", "NEWLIST"}
# the charts the filler draws: table key → (kind, title)
CHARTS = {"LEVELS": ("column", "ระดับ 3ก ก่อนและหลัง (จำนวนกลุ่ม)"),
          "KSA2": ("pie", "Smart Farmer ระดับจังหวัด (คน)"),
          "BUDGET": ("bar", "งบประมาณที่ใช้ รายกิจกรรม (บาท)")}


@dataclass(frozen=True)
class Form:
    key: str  # the prefix of the sheet's defined names
    sheet: str
    code: str  # the form's number as printed: แบบ กสอ.1 ("" for the working sheets)
    title: str
    tables: tuple[Report, ...]
    signed: bool = True  # a block for the reporting officer's name, position and date
    pages_wide: int = 1  # 2: a wide table printed over two pages side by side, its first column repeated


FORMS = (
    Form("F1", "กสอ.1", "แบบ กสอ.1", "รายงานกลุ่ม สมาชิก การเข้าร่วมระยะที่ 1 และผลการประเมิน 3ก ครั้งที่ 1", (KSA1,)),
    Form("F2", "กสอ.2", "แบบ กสอ.2", "รายงานผลการประเมินตนเอง Smart Farmer และแผนพัฒนาเกษตรกรรายบุคคล (IFPP)",
         (KSA2,)),
    Form("F3", "กสอ.3", "แบบ กสอ.3", "รายงานผลการประเมิน 3ก ครั้งที่ 2 และการเปลี่ยนระดับของกลุ่ม",
         (KSA3, KSA3_QUALITY, LEVELS)),
    Form("F4", "กสอ.4", "แบบ กสอ.4", "รายงานการประเมินผลกิจกรรม ศูนย์เรียนรู้ต้นแบบ และงบประมาณ",
         (KSA4, KSA4_BUDGET, BUDGET, KPI_PCT)),
    Form("NEW", "กลุ่มจัดตั้งใหม่", "", "รายงานกลุ่มส่งเสริมอาชีพการเกษตรที่จัดตั้งใหม่", (NEW_GROUPS_COUNT, NEW_GROUPS)),
    Form("DONE", "ความครบถ้วน", "", "ความครบถ้วนและความทันเวลาของรายงานอำเภอ", (COMPLETENESS,)),
    Form("ISSUES", "ปัญหา", "", "ปัญหาที่พบในแบบฟอร์มของอำเภอและการรวมรายงาน", (ISSUES,), signed=False),
    Form("DUPS", "บุคคลซ้ำ", "", "บุคคลที่อาจซ้ำกันระหว่างอำเภอ — ให้เจ้าหน้าที่ตรวจสอบ", (DUPLICATES,), signed=False),
    Form("FILES", "ที่มา", "", "ที่มาของข้อมูล: ไฟล์ที่นำเข้า", (PROVENANCE,), signed=False),
)


def required_names() -> list[str]:
    """The defined names every provincial template must have."""
    return [*(f"{f.key}_PLACE" for f in FORMS), *(f"{t.key}_ROW" for f in FORMS for t in f.tables)]


LEVEL_KEYS = frozenset({"round1_level", "round2_level", "level"})  # columns of 3ก levels (the criteria's names)
# a file name of a typical length: the ไฟล์ต้นทาง columns are wide enough for it in two lines (broken after a hyphen)
TYPICAL_SOURCE = "5807-PangMapha-2564.xlsx"
# a sheet's width (points) that prints on A4 landscape (0.4-inch margins: 784 points) at 70 %: fitted to the page
# width, TH SarabunPSK 16 prints at 11.2 pt
PAGE_POINTS = 1120.0
# the widest figure of a number format (bold, in the total row)
_FIGURES = {"#,##0": "99,999", "#,##0.00": "999,999.00", "0.00": "100.00", "[$-1070000]d/mm/yyyy": "30/09/2564"}


def indent_points(size: float = FONT_SIZE) -> float:
    """The left indent of a text cell (indent 1: three spaces' width, as LibreOffice and Excel draw it)."""
    return 3 * text_width(" ", size)


def header_words(header: str) -> list[str]:
    """A header's words: its space-separated tokens, and the pieces of a long word that reports.py breaks with an
    explicit line break (กลุ่มที่ไม่\\nอยู่ใน\\nทะเบียน)."""
    return header.split()


def _source_points() -> float:
    """Points the typical file name takes in two lines, broken after one of its hyphens."""
    name = TYPICAL_SOURCE
    return min(max(text_width(name[:i + 1]), text_width(name[i + 1:])) for i, ch in enumerate(name) if ch == "-")


def needed_points(col: Col, levels: tuple[str, ...] = ()) -> float:
    """The narrowest a column may be: every word of its header (bold) on one line, every word of an enumerated
    column's values, the widest figure of its number format, two lines for a typical file name."""
    need = max(text_width(word, bold=True) for word in header_words(col.header))
    number = bool(col.num_format and col.num_format != "@")
    values = levels if col.key in LEVEL_KEYS else col.values
    words = [w for v in values for w in v.split()]
    if words:  # a figure is bold in the total row
        need = max(need, max(text_width(w, bold=number) for w in words) + (0.0 if number else indent_points()))
    elif col.num_format in _FIGURES:
        need = max(need, text_width(_FIGURES[col.num_format], bold=True))
    if col.key == "district":  # the total and target rows' labels, bold
        need = max(need, max(text_width(label, bold=True) for label in (TOTAL_LABEL, TARGET_LABEL)) + indent_points())
    if col.key == "source":
        need = max(need, _source_points() + indent_points())
    return need + CELL_PADDING


def _digits(points: float) -> float:
    """A column width (digits of the Normal font) of at least ``points`` once XlsxWriter has stored it: in whole
    pixels, a seventh of a digit each, and its 5-pixel padding (:func:`column_points`)."""
    return math.ceil((points + 0.1) / (DIGIT_EM * FONT_SIZE) * 7 - 5) / 7


def _grid(form: Form, levels: tuple[str, ...] = ()) -> list[float]:
    """The sheet's column widths: the widest table's columns; the others span onto them.  reports.py's widths
    (in the units of an 11 pt Latin font; here a digit of 16 pt TH SarabunPSK, about 1.5 times as wide) are
    scaled down to the page's width (:data:`PAGE_POINTS`), but no column narrower than it needs
    (:func:`needed_points`)."""
    widest = max(form.tables, key=lambda t: (sum(col.span for col in t.columns), len(t.columns)))
    base: list[float] = []
    least: list[float] = []
    for col in widest.columns:
        base += [column_points(max(5.0, col.width * WIDTH / col.span))] * col.span
        least += [needed_points(col, levels) / col.span] * col.span
    for t in form.tables:  # a column of another table spans onto the grid: its last grid column takes what lacks
        c = 0
        for col in t.columns:
            lack = needed_points(col, levels) - sum(least[c:c + col.span])
            if lack > 0:
                least[c + col.span - 1] += lack
            c += col.span
    need = sum(column_points(_digits(lo)) for lo in least)
    if need > PAGE_POINTS:  # a header or a value too wide for the page: break it in reports.py ("\n")
        raise ValueError(f"{form.sheet}: the columns need {need:.0f} points, the page has {PAGE_POINTS:.0f}")
    # the titles print whole within the sheet's columns (what lies beyond its last column is not printed)
    titles = max(text_width(form.title, TITLE_SIZE, bold=True),
                 *(text_width(t.title, TABLE_TITLE_SIZE, bold=True) for t in form.tables)) + CELL_PADDING

    def widths(scale: float) -> list[float]:
        return [_digits(max(lo, b * scale)) for lo, b in zip(least, base, strict=True)]

    def total(grid: list[float], upto: int | None = None) -> float:
        return sum(column_points(w) for w in grid[:upto])

    scale = 1.0
    while total(widths(scale)) > PAGE_POINTS:
        scale -= 0.005
    # a narrow sheet grows to its titles' width (the form's number takes the last column of the title's row)
    while total(widths(scale + 0.005)) <= PAGE_POINTS and total(widths(scale), -1 if form.code else None) < titles:
        scale += 0.005
    return widths(scale)


def row_height(lines: int, size: float = FONT_SIZE) -> float:
    """A row's height for ``lines`` wrapped lines of ``size`` pt: one line of the form's font in the default row
    (a larger font's line in a row as much taller), more lines as :mod:`textfit` counts them."""
    one = ROW_HEIGHT * max(size, FONT_SIZE) / FONT_SIZE
    return one if lines <= 1 else max(one, lines_height(lines, size))


def cell_lines(text: str, width_points: float, *, size: float = FONT_SIZE, bold: bool = False,
               indent: int = 0) -> int:
    """Lines a wrapped text takes in a cell ``width_points`` wide (less its indent).  A path is counted in
    :data:`PATH_ROOM` of the width: LibreOffice breaks it a little before where a line is full by the font's
    widths (measured: /home/kaset/reports/, 156.9 points, is broken in a room where MueangMaeHongSon-, 156.7
    points, fits; file names broken after their hyphens take the lines textfit counts).  A text with a Thai
    word wider than the cell is counted in :data:`THAI_ROOM` of the width and :data:`THAI_WORD` points less."""
    room = width_points - indent * indent_points(size)
    if "/" in text and text.isascii():
        return len(wrap(text, room * PATH_ROOM, size, bold=bold))
    lines = len(wrap(text, room, size, bold=bold))
    if any(not word.isascii() and text_width(word, size, bold=bold) > room - CELL_PADDING for word in text.split()):
        # a Thai word wider than the cell: LibreOffice and Excel break it between dictionary words, textfit
        # between letters: a line is less full than textfit counts it, by a share of a wide cell (as the district
        # templates count it) and by a part of a word in a narrow one (measured: กลุ่มเลี้ยงผึ้งโพรงและผลิตภัณฑ์
        # จากน้ำผึ้ง takes 7 lines in a column 8 digits wide)
        lines = max(lines, len(wrap(text, room * THAI_ROOM, size, bold=bold)),
                    len(wrap(text, room - THAI_WORD, size, bold=bold)))
    return lines


def build_provincial_template(path: str | os.PathLike[str]) -> None:
    """Write the shipped provincial template (deterministic: fixed document dates)."""
    import xlsxwriter

    # the Normal style is the form's font: column widths are then counted in its digits, the same in
    # Excel (TH SarabunPSK) and LibreOffice (its metric twin Laksaman)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False,
                                         "default_format_properties": {"font_name": FONT_NAME,
                                                                       "font_size": FONT_SIZE}})
    wb.set_properties({"title": "แม่แบบรายงานรวมระดับจังหวัด (kaset-xl)", "author": "kaset-xl", "created": STAMP})
    base = {"font_name": FONT_NAME, "font_size": FONT_SIZE, "valign": "top"}
    fmt: dict[Any, Any] = {}
    levels = load_criteria().assessment.level_names  # the 3ก levels' names (the shipped year's criteria)

    def f(**kw: Any) -> Any:
        key = tuple(sorted(kw.items()))
        if key not in fmt:
            fmt[key] = wb.add_format({**base, **kw})
        return fmt[key]

    for form in FORMS:
        ws = wb.add_worksheet(form.sheet)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(form.pages_wide, 0)
        if form.pages_wide > 1:
            ws.repeat_columns(0)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.7)
        ws.set_footer(f'&C&"{FONT_NAME},Regular"&16หน้า &P / &N', {"margin": 0.3})
        ws.set_default_row(ROW_HEIGHT)
        grid = _grid(form, levels)
        for i, w in enumerate(grid):
            ws.set_column(i, i, w)
        last_col = len(grid) - 1
        if form.code:
            ws.write_string(0, last_col, form.code, f(bold=True, align="right"))
        ws.write_string(0, 0, form.title, f(bold=True, font_size=TITLE_SIZE))
        ws.set_row(0, 30)
        ws.write_string(1, 0, MARK % "place", f(bold=True))
        wb.define_name(f"{form.key}_PLACE", f"='{form.sheet}'!$A$2")
        ws.write_string(2, 0, MARK % "source_note", f(italic=True, font_color="#404040"))
        wb.define_name(f"{form.key}_NOTE", f"='{form.sheet}'!$A$3")
        row, headers = _tables(ws, wb, form, grid, f, 4)
        if form.signed:
            row += 1
            half = max(1, (last_col + 1) // 2)
            for i, text in enumerate(("ผู้รายงาน ....................................................",
                                      "ตำแหน่ง ....................................................",
                                      "วันที่ ........ เดือน .............................. พ.ศ. ..........")):
                ws.write_string(row + i, half, text, f())
        # one table: its header on every page; the other sheets get a copy of a table's header row after each
        # break inside the table when filled (writer, pages.py: one row range repeats per sheet)
        if len(form.tables) == 1 and form.tables[0].key not in CHARTS:
            ws.repeat_rows(headers[form.tables[0].key])
    wb.close()


def _tables(ws: Any, wb: Any, form: Form, grid: list[float], f: Any, row: int) -> tuple[int, dict[str, int]]:
    """The form's tables from ``row``: title, header, marked row, total, target and note rows, the
    chart's place; returns the next free row and each table's header row."""
    cell = {"border": 1, "text_wrap": True}
    headers: dict[str, int] = {}
    for t in form.tables:
        if t.key in NEW_PAGE:
            wb.define_name(f"{t.key}_PAGE", f"='{form.sheet}'!$A${row + 1}")
        ws.write_string(row, 0, t.title, f(bold=True, font_size=TABLE_TITLE_SIZE))
        ws.set_row(row, 27)
        row += 1
        headers[t.key] = row
        c = 0
        height = 1
        for col in t.columns:
            style = f(bold=True, bg_color=HEADER_FILL, align="center", valign="vcenter", **cell)
            width = sum(grid[c:c + col.span])
            if col.span > 1:
                ws.merge_range(row, c, row, c + col.span - 1, col.header, style)
            else:
                ws.write_string(row, c, col.header, style)
            height = max(height, cell_lines(col.header, column_points(width), bold=True))
            c += col.span
        ws.set_row(row, row_height(height))
        row += 1
        _marked_row(ws, wb, row, t, grid, f, cell, "ROW", {col.key: MARK % col.key for col in t.columns})
        row += 1
        if t.totals:
            totals = {col.key: MARK % col.key for col in t.columns if col.num_format and col.total}
            totals["district"] = TOTAL_LABEL
            _marked_row(ws, wb, row, t, grid, f, cell, "TOTAL", totals, bold=True)
            row += 1
        if t.key in TARGETED:
            aims = {col.key: MARK % col.key for col in t.columns if col.num_format and col.total}
            aims["district"] = TARGET_LABEL
            _marked_row(ws, wb, row, t, grid, f, cell, "TARGET", aims, italic=True)
            row += 1
        if t.totals:
            ws.write_string(row, 0, MARK % "note", f(italic=True, font_color="#404040"))
            wb.define_name(f"{t.key}_NOTE", f"='{form.sheet}'!$A${row + 1}")
            row += 1
        if t.key in CHARTS:
            row += 1
            if t.key not in NEW_PAGE:  # the chart below a table starts a page of its own
                wb.define_name(f"{t.key}_CHARTPAGE", f"='{form.sheet}'!$A${row + 1}")
            wb.define_name(f"{t.key}_CHART", f"='{form.sheet}'!$A${row + 1}")
            row += CHART_ROWS
        row += 1
    return row, headers


def _marked_row(ws: Any, wb: Any, row: int, t: Report, grid: list[float], f: Any, cell: dict[str, Any], kind: str,
                values: dict[str, str], **style: Any) -> None:
    c = 0
    lines = 1
    for col in t.columns:
        text = values.get(col.key, "")
        number = bool(col.num_format and col.num_format != "@")
        align = {"align": "right"} if number else {"align": "left", "indent": 1}
        # a marker is wrapped in its cell like any text: the row is tall enough to read it (a filled row takes
        # its own content's height)
        lines = max(lines, cell_lines(text, column_points(sum(grid[c:c + col.span])), bold=bool(style.get("bold")),
                                      indent=0 if number else 1))
        fm = f(num_format=col.num_format or "@", **align, **cell, **style)
        if col.span > 1:
            ws.merge_range(row, c, row, c + col.span - 1, text, fm)
        elif text:
            ws.write_string(row, c, text, fm)
        else:
            ws.write_blank(row, c, None, fm)
        c += col.span
    ws.set_row(row, row_height(lines))
    last = c - 1
    from xlsxwriter.utility import xl_rowcol_to_cell

    sheet = ws.get_name()
    wb.define_name(f"{t.key}_{kind}", f"='{sheet}'!{xl_rowcol_to_cell(row, 0, True, True)}:"
                                     f"{xl_rowcol_to_cell(row, last, True, True)}")
