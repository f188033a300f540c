"""Write the provincial workbook with XlsxWriter (TH SarabunPSK 16, A4 landscape, headers repeated).

Text from the districts is always written as text (``write_string``; ``strings_to_formulas`` off),
so a cell typed "=HYPERLINK(...)" in a district file stays inert.  The file is written to a
temporary name and renamed only when whole (:func:`kaset_xl.fileio.atomic_output`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from typing import Any

import xlsxwriter

from kaset_xl.consolidate.core import Consolidation
from kaset_xl.consolidate.reports import BUDGET, KSA2, KSA3, REPORTS, Report, report_rows, targets, totals_note
from kaset_xl.fileio import atomic_output, scratch_folder
from kaset_xl.textcell import write
from kaset_xl.workbook.package import core_properties

__all__ = ["write_provincial_workbook", "is_provincial_workbook", "SHEETS", "FONT_NAME", "FONT_SIZE"]

FONT_NAME = "TH SarabunPSK"
FONT_SIZE = 16
HEADER_FILL = "#E2EFDA"
SHEETS = tuple(dict.fromkeys(r.sheet for r in REPORTS))
LEVEL_TABLE = "ระดับ 3ก ก่อนและหลัง (จำนวนกลุ่ม)"


TITLE = "รายงานรวมระดับจังหวัด"
AUTHOR = "kaset-xl"
STAMP = dt.datetime(2000, 1, 1)  # created and modified: two runs give the same file metadata


def _book(path: str | os.PathLike[str], scratch: str) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "tmpdir": scratch})
    wb.set_properties({"title": TITLE, "author": AUTHOR, "created": STAMP})
    return wb


def is_provincial_workbook(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a provincial workbook this module wrote and nobody saved since (its document
    properties say so: written by kaset-xl, last modified by kaset-xl at the fixed stamp — Excel and
    LibreOffice change both when they save): a re-run may replace it; any other file, an annotated
    provincial workbook too, is somebody's work.  Reads only the small properties part."""
    found = core_properties(path)
    return (found.get("creator") == AUTHOR and found.get("lastModifiedBy") == AUTHOR and found.get("title") == TITLE
            and found.get("modified") == f"{STAMP:%Y-%m-%dT%H:%M:%SZ}")


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base = {"font_name": FONT_NAME, "font_size": FONT_SIZE, "valign": "top"}
        self.text = wb.add_format(base)
        self.title = wb.add_format({**base, "bold": True, "font_size": FONT_SIZE + 2})
        self.note = wb.add_format({**base, "italic": True, "font_color": "#595959"})
        self.header = wb.add_format({**base, "bold": True, "text_wrap": True, "border": 1, "bg_color": HEADER_FILL,
                                     "align": "center", "valign": "vcenter"})
        self.bold = wb.add_format({**base, "bold": True, "top": 1})
        self._num: dict[tuple[str, bool], Any] = {}
        self._wb, self._base = wb, base

    def num(self, fmt: str, bold: bool = False) -> Any:
        key = (fmt, bold)
        if key not in self._num:
            self._num[key] = self._wb.add_format({**self._base, "num_format": fmt, "bold": bold,
                                                  **({"top": 1} if bold else {})})
        return self._num[key]


def _write(ws: Any, row: int, col: int, value: Any, fmt_text: Any, num_format: str | None, f: _Formats,
           bold: bool = False) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_string(row, col, "ใช่" if value else "ไม่", fmt_text)
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(row, col, dt.datetime(value.year, value.month, value.day)
                          if not isinstance(value, dt.datetime) else value, f.num(num_format or "yyyy-mm-dd", bold))
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, f.num(num_format, bold) if num_format else fmt_text)
    else:
        write(ws, str(value), row=row, col=col, fmt=fmt_text)  # text from the districts stays text


def _block(ws: Any, row: int, report: Report, rows: list[dict[str, Any]], f: _Formats,
           target: dict[str, Any] | None, note: str = "") -> tuple[int, int]:
    """Write one report block from ``row``; return (header row, next free row)."""
    ws.write_string(row, 0, report.title, f.title)
    row += 1
    header_row = row
    for c, col in enumerate(report.columns):
        ws.write_string(row, c, col.header, f.header)
    ws.set_row(row, 90)  # three wrapped lines of 16 pt Thai
    row += 1
    first = row
    for r in rows:
        for c, col in enumerate(report.columns):
            _write(ws, row, c, r.get(col.key), f.text, col.num_format, f)
        row += 1
    if report.totals:
        ws.write_string(row, 1, "รวมจังหวัด (total)", f.bold)
        for c, col in enumerate(report.columns):
            if col.num_format and col.total and col.key not in ("round1_mean",):
                total = sum(r.get(col.key) or 0 for r in rows)
                _write(ws, row, c, round(total, 2) if isinstance(total, float) else total, f.bold, col.num_format,
                       f, bold=True)
        row += 1
        if target:
            for c, col in enumerate(report.columns):
                _write(ws, row, c, target.get(col.key), f.text, col.num_format, f)
            row += 1
        if note:  # what the totals include (errors) or leave out (--exclude-errors)
            ws.write_string(row, 0, note, f.note)
            row += 1
    if not rows and not report.totals:
        ws.write_string(row, 0, "— ไม่มีรายการ (none) —", f.note)
        row += 1
    del first
    return header_row, row + 1


def _level_chart(wb: xlsxwriter.Workbook, ws: Any, row: int, c: Consolidation, f: _Formats,
                 ksa3_rows: list[dict[str, Any]]) -> int:
    levels = c.criteria.assessment.level_names
    before = Counter(r.get("round1_level") for r in ksa3_rows)
    after = Counter(r.get("round2_level") for r in ksa3_rows)
    ws.write_string(row, 0, LEVEL_TABLE, f.title)
    row += 1
    ws.write_string(row, 0, "ระดับ", f.header)
    ws.write_string(row, 1, "ครั้งที่ 1", f.header)
    ws.write_string(row, 2, "ครั้งที่ 2", f.header)
    first = row + 1
    for level in levels:
        row += 1
        ws.write_string(row, 0, level, f.text)
        ws.write_number(row, 1, before[level], f.num("0"))
        ws.write_number(row, 2, after[level], f.num("0"))
    last = row
    chart = wb.add_chart({"type": "column"})
    name = ws.get_name()
    for col, label in ((1, "ครั้งที่ 1 (round 1)"), (2, "ครั้งที่ 2 (round 2)")):
        chart.add_series({"name": label, "categories": [name, first, 0, last, 0],
                          "values": [name, first, col, last, col]})
    chart.set_title({"name": "ระดับ 3ก ก่อนและหลัง", "name_font": {"name": FONT_NAME, "size": 16}})
    chart.set_x_axis({"num_font": {"name": FONT_NAME, "size": 14}})
    chart.set_y_axis({"name": "กลุ่ม", "major_unit": 1, "num_font": {"name": FONT_NAME, "size": 14}})
    chart.set_legend({"position": "bottom", "font": {"name": FONT_NAME, "size": 14}})
    ws.insert_chart(row + 2, 0, chart, {"x_scale": 1.3, "y_scale": 1.2})
    return row + 22


def _chart(wb: xlsxwriter.Workbook, ws: Any, row: int, kind: str, title: str,
           series: list[tuple[str | None, list[Any], list[Any]]]) -> int:
    chart = wb.add_chart({"type": kind})
    for label, categories, values in series:
        spec: dict[str, Any] = {"categories": categories, "values": values}
        if label:
            spec["name"] = label
        if kind == "pie":
            spec["data_labels"] = {"value": True, "font": {"name": FONT_NAME, "size": 14}}
        chart.add_series(spec)
    chart.set_title({"name": title, "name_font": {"name": FONT_NAME, "size": 16}})
    chart.set_legend({"position": "bottom" if kind != "bar" else "none", "font": {"name": FONT_NAME, "size": 14}})
    if kind != "pie":
        chart.set_x_axis({"num_font": {"name": FONT_NAME, "size": 14}})
        chart.set_y_axis({"num_font": {"name": FONT_NAME, "size": 14}})
    ws.insert_chart(row, 0, chart, {"x_scale": 1.3, "y_scale": 1.2})
    return row + 20


def write_provincial_workbook(c: Consolidation, path: str | os.PathLike[str], *, full_ids: bool = False) -> None:
    rows = report_rows(c, full_ids=full_ids)
    aims = targets(c)
    under_totals = totals_note(c)
    with atomic_output(path) as tmp, scratch_folder() as scratch:
        wb = _book(tmp, str(scratch))
        f = _Formats(wb)
        for sheet in SHEETS:
            ws = wb.add_worksheet(sheet)
            ws.set_landscape()
            ws.set_paper(9)  # A4
            ws.fit_to_pages(1, 0)
            ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
            ws.set_default_row(24)
            ws.write_string(0, 0, f"จังหวัด{c.province_th} ({c.province_code}) ปีงบประมาณ {c.fiscal_year} — "
                                  f"{c.province_en}, FY{c.fiscal_year}", f.title)
            note = "คำนวณใหม่จากข้อมูลที่กรอกในแบบฟอร์มอำเภอ (recomputed from the district entries)"
            if c.criteria.provisional:
                note += " — เกณฑ์ชั่วคราว (provisional criteria)"
            ws.write_string(1, 0, note, f.note)
            row = 3
            widths: dict[int, float] = {}
            header_rows = []
            for report in (r for r in REPORTS if r.sheet == sheet):
                hr, row = _block(ws, row, report, rows[report.title], f, aims.get(report.title), under_totals)
                header_rows.append(hr)
                for i, col in enumerate(report.columns):
                    widths[i] = max(widths.get(i, 0), col.width)
                if report is KSA3:
                    row = _level_chart(wb, ws, row, c, f, rows[report.title])
                elif report is KSA2 and rows[report.title]:
                    total_row = hr + 1 + len(rows[report.title])  # the province's total row
                    keys = [col.key for col in report.columns]
                    first, last = keys.index("sf_model"), keys.index("sf_developing")
                    row = _chart(wb, ws, row, "pie", "Smart Farmer (ระดับจังหวัด)",
                                 [(None, [ws.get_name(), hr, first, hr, last],
                                   [ws.get_name(), total_row, first, total_row, last])])
                elif report is BUDGET:
                    n = len(rows[report.title])
                    name = ws.get_name()
                    row = _chart(wb, ws, row, "bar", "งบประมาณรายกิจกรรม (บาท)",
                                 [("ใช้จ่าย (used)", [name, hr + 1, 0, hr + n, 0], [name, hr + 1, 2, hr + n, 2])])
            for i, w in widths.items():
                ws.set_column(i, i, w)
            ws.repeat_rows(header_rows[0])
            ws.freeze_panes(header_rows[0] + 1, 0)
        wb.close()
