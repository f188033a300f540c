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
    Report,
)

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
CHART_ROWS = 14  # rows a chart covers in the shipped template (11 cm)
# tables with a target row (reports.targets) and tables that start a new page (a chart is never split)
TARGETED = {"KSA1", "KSA2", "KSA4"}
NEW_PAGE = {"KSA3Q", "LEVELS", "KSA4B", "BUDGET", "KPI"}
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
    Form("FILES", "ที่มา", "", "ที่มาของข้อมูล: ไฟล์ที่นำเข้า", (PROVENANCE,), signed=False, pages_wide=2),
)


def required_names() -> list[str]:
    """The defined names every provincial template must have."""
    return [*(f"{f.key}_PLACE" for f in FORMS), *(f"{t.key}_ROW" for f in FORMS for t in f.tables)]


def _grid(form: Form) -> list[float]:
    """The sheet's column widths: the widest table's columns; the others span onto them.
    reports.py gives widths in the units of an 11 pt Latin font; here the unit is a digit of 16 pt TH
    SarabunPSK (the Normal style), about 1.5 times as wide."""
    widths: list[float] = []
    widest = max(form.tables, key=lambda t: (sum(col.span for col in t.columns), len(t.columns)))
    for col in widest.columns:
        widths += [round(max(5.0, col.width * WIDTH / col.span), 1)] * col.span
    return widths


_MARKS = set("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")


def _text_width(text: str) -> float:
    """An estimate of a text's width in digits of 16 pt TH SarabunPSK (Thai vowels and tone marks
    above and below take no width; Latin letters are about as wide as a digit)."""
    return sum(0.0 if ch in _MARKS else 0.55 if ch in " .,:;()-/|il" else 1.05 for ch in text)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` digits wide (greedy, breaking at spaces and
    after hyphens; one padding digit per line)."""
    room = max(1.0, width - 1.0)
    lines = 0
    for part in text.split("\n"):
        words = [w for w in part.replace("-", "- ").replace("/", "/ ").split(" ") if w] or [""]
        used, n = 0.0, 1
        for w in words:
            need = _text_width(w)
            if used and used + 0.55 + need > room:
                n, used = n + 1, 0.0
            used += (0.55 if used else 0.0) + need
            while used > room:  # a word longer than the line breaks inside
                n, used = n + 1, used - room
        lines += n
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
        grid = _grid(form)
        for i, w in enumerate(grid):
            ws.set_column(i, i, w)
        last_col = len(grid) - 1
        if form.code:
            ws.write_string(0, last_col, form.code, f(bold=True, align="right"))
        ws.write_string(0, 0, form.title, f(bold=True, font_size=FONT_SIZE + 4))
        ws.set_row(0, 30)
        ws.write_string(1, 0, MARK % "place", f(bold=True))
        wb.define_name(f"{form.key}_PLACE", f"='{form.sheet}'!$A$2")
        ws.write_string(2, 0, MARK % "source_note", f(italic=True, font_color="#404040"))
        wb.define_name(f"{form.key}_NOTE", f"='{form.sheet}'!$A$3")
        row, first_header = _tables(ws, wb, form, grid, f, 4)
        if form.signed:
            row += 1
            half = max(1, (last_col + 1) // 2)
            for i, text in enumerate(("ผู้รายงาน ....................................................",
                                      "ตำแหน่ง ....................................................",
                                      "วันที่ ........ เดือน .............................. พ.ศ. ..........")):
                ws.write_string(row + i, half, text, f())
        if len(form.tables) == 1 and form.tables[0].key not in CHARTS:  # one table: its header on every page
            assert first_header is not None
            ws.repeat_rows(first_header)
    wb.close()


def _tables(ws: Any, wb: Any, form: Form, grid: list[float], f: Any, row: int) -> tuple[int, int | None]:
    """The form's tables from ``row``: title, header, marked row, total, target and note rows, the
    chart's place; returns the next free row and the first header row."""
    cell = {"border": 1, "text_wrap": True}
    first_header = None
    for t in form.tables:
        if t.key in NEW_PAGE:
            wb.define_name(f"{t.key}_PAGE", f"='{form.sheet}'!$A${row + 1}")
        ws.write_string(row, 0, t.title, f(bold=True, font_size=FONT_SIZE + 2))
        ws.set_row(row, 27)
        row += 1
        if first_header is None:
            first_header = row
        c = 0
        height = 1
        for col in t.columns:
            style = f(bold=True, bg_color=HEADER_FILL, align="center", valign="vcenter", **cell)
            width = sum(grid[c:c + col.span])
            if col.span > 1:
                ws.merge_range(row, c, row, c + col.span - 1, col.header, style)
            else:
                ws.write_string(row, c, col.header, style)
            height = max(height, _lines(col.header, width))
            c += col.span
        ws.set_row(row, ROW_HEIGHT * height + 4)
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
    return row, first_header


def _marked_row(ws: Any, wb: Any, row: int, t: Report, grid: list[float], f: Any, cell: dict[str, Any], kind: str,
                values: dict[str, str], **style: Any) -> None:
    c = 0
    for col in t.columns:
        text = values.get(col.key, "")
        align = {"align": "right"} if col.num_format and col.num_format != "@" else {"align": "left", "indent": 1}
        fm = f(num_format=col.num_format or "@", **align, **cell, **style)
        if col.span > 1:
            ws.merge_range(row, c, row, c + col.span - 1, text, fm)
        elif text:
            ws.write_string(row, c, text, fm)
        else:
            ws.write_blank(row, c, None, fm)
        c += col.span
    last = c - 1
    from xlsxwriter.utility import xl_rowcol_to_cell

    sheet = ws.get_name()
    wb.define_name(f"{t.key}_{kind}", f"='{sheet}'!{xl_rowcol_to_cell(row, 0, True, True)}:"
                                     f"{xl_rowcol_to_cell(row, last, True, True)}")
