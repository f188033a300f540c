"""The template builder: the layout spec → a Thai district workbook (XlsxWriter).

XlsxWriter is used (not openpyxl) because it can later carry a VBA project and buttons.  The same
builder writes filled workbooks (the samples and the golden test workbooks) when given ``data``:
raw values are written as given, so tests can plant text in number cells, IDs as numbers, etc.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from kaset_xl import __version__
from kaset_xl.areas import DistrictArea
from kaset_xl.criteria import Criteria, load_criteria
from kaset_xl.fileio import atomic_output, scratch_folder
from kaset_xl.workbook.layout import (
    DATE_FORMAT,
    ColType,
    Column,
    Layout,
    Table,
    build_layout,
    number_format,
)
from kaset_xl.workbook.printing import (
    A4_LANDSCAPE_POINTS,
    FONT_SIZE,
    HEADER_HEIGHT,
    PRINT_SCALE,
    ROW_HEIGHT,
    SUMMARY_COMPUTED,
    SUMMARY_NOT_COMPUTED,
    SUMMARY_TITLE,
    SUMMARY_WIDTHS,
    TITLE_HEIGHT,
    TITLE_SIZE,
    TitleSpan,
    band_height,
    band_runs,
    data_row_height,
    header_height,
    identifying_columns,
    live_rows,
    page_breaks,
    summary_title_spans,
    table_title_spans,
    title_block_heights,
    title_text,
)
from kaset_xl.workbook.spec import COMPUTED_FILL
from kaset_xl.workbook.textfit import column_points, lines_height, wrap

__all__ = ["WorkbookData", "build_workbook", "FONT_NAME", "FONT_SIZE", "COMPUTED_FILL", "PRINT_SCALE", "ROW_HEIGHT",
           "HEADER_HEIGHT", "SUMMARY_WIDTHS", "header_height", "identifying_columns", "page_breaks"]

# TH SarabunPSK is the government font (ระเบียบสำนักนายกฯ); where it is missing, Excel substitutes
# and fonts-thai-tlwg maps it to Laksaman (metric-compatible) on Linux.
FONT_NAME = "TH SarabunPSK"
# Table sheets print at PRINT_SCALE (16 pt → 11.2 pt on paper); a table wider than a page goes over pages side by
# side, broken between columns (at a band's start where one would be cut), the columns saying who the row is about
# repeated on each, its title block whole on each (kaset_xl.workbook.printing).
ONE_PAGE_WIDTH = (A4_LANDSCAPE_POINTS * 100 / PRINT_SCALE) / column_points(1) - 1  # characters on one page
HEADER_FILL = "#E2EFDA"
BORDER_COLOUR = "#808080"  # the tables' cell borders: printed (gridlines are not), lighter than the headers'

if TYPE_CHECKING:  # pragma: no cover
    from kaset_xl.workbook.macros import ServerBinding


@dataclass
class WorkbookData:
    """Values to put into a new workbook (the samples and golden files)."""

    info: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    created: dt.datetime | None = None  # stamped into the identity block; fixed for reproducible output


# Text in a table wraps inside its cell instead of running under the next column or being cut at its edge.
_WRAP: dict[ColType, dict[str, Any]] = {t: {"text_wrap": True} for t in
                                        (ColType.TEXT, ColType.CHOICE, ColType.TAMBON, ColType.GROUP)}


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        # font_scheme none: otherwise XlsxWriter marks the font as the theme's minor font and Excel
        # shows the stock theme's Calibri instead of TH SarabunPSK.
        base = {"font_name": FONT_NAME, "font_size": FONT_SIZE, "valign": "vcenter", "font_scheme": "none"}
        self.title = wb.add_format({**base, "bold": True, "font_size": TITLE_SIZE})
        self.subtitle = wb.add_format({**base, "bold": True})
        # a table's title block: merged over a printed page's columns, wrapped where the page is narrow
        self.title_block = wb.add_format({**base, "bold": True, "font_size": TITLE_SIZE, "text_wrap": True})
        self.subtitle_block = wb.add_format({**base, "bold": True, "text_wrap": True})
        self.note = wb.add_format({**base, "italic": True, "font_color": "#595959", "text_wrap": True,
                                   "valign": "top"})
        self.text = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.locked = wb.add_format(base)
        self.header = wb.add_format({**base, "bold": True, "text_wrap": True, "align": "center",
                                     "border": 1, "bg_color": HEADER_FILL})
        self.label = wb.add_format({**base, "bold": True, "border": 1, "bg_color": HEADER_FILL})
        self.prefilled = wb.add_format({**base, "border": 1, "bg_color": "#F2F2F2"})
        self.summary = wb.add_format({**base, "text_wrap": True, "align": "center", "border": 1,
                                      "border_color": BORDER_COLOUR})
        self.summary_label = wb.add_format({**base, "text_wrap": True, "border": 1, "border_color": BORDER_COLOUR})
        self._input: dict[str, Format] = {}
        self._wb = wb
        self._base = base

    def computed(self, t: ColType, num: str | None = None) -> Format:
        key = f"computed|{num or number_format(t)}|{t in _WRAP}"
        if key not in self._input:
            self._input[key] = self._wb.add_format({**self._base, "num_format": num or number_format(t),
                                                     "bg_color": COMPUTED_FILL, "locked": True,
                                                     "border": 1, "border_color": BORDER_COLOUR,
                                                     **_WRAP.get(t, {})})
        return self._input[key]

    def input(self, t: ColType, *, border: bool = False, num: str | None = None) -> Format:
        key = f"{num or number_format(t)}|{border}|{t in _WRAP}"
        if key not in self._input:
            props: dict[str, Any] = {**self._base, "locked": False, "num_format": num or number_format(t)}
            if border:  # a table's cell: bordered, and long text wraps inside it (IFPP plans, remarks)
                props.update({"border": 1, "border_color": BORDER_COLOUR, **_WRAP.get(t, {})})
            self._input[key] = self._wb.add_format(props)
        return self._input[key]


def build_workbook(
    path: str | os.PathLike[str],
    area: DistrictArea,
    fiscal_year: int,
    *,
    data: WorkbookData | None = None,
    criteria: Criteria | None = None,
    macros: bool = False,
    server: ServerBinding | None = None,
) -> None:
    """Write a district workbook for ``area`` and ``fiscal_year`` (พ.ศ.) to ``path`` atomically.

    The 3ก and Smart Farmer columns follow ``criteria`` (default: the shipped file of the year).
    With ``macros`` the workbook carries the VBA project (the buttons' module and xlwings') and four
    buttons on the instructions sheet; ``path`` must then end in ``.xlsm`` (Excel refuses a macro
    workbook by another name).  Same inputs → same bytes, with or without macros.

    Desktop buttons (``RunPython``) come with a hidden ``xlwings.conf`` sheet that turns on xlwings'
    "Use UDF Server" for this workbook (one Python process kept between clicks, on Windows).  With
    ``server`` (implies ``macros``) the buttons post the workbook to that kaset-xl server instead
    (``RunRemotePython``): no Python, no ``xlwings.conf`` sheet.
    """
    macros = macros or server is not None
    if macros and Path(path).suffix.lower() != ".xlsm":
        raise ValueError(f"a workbook with macros must be named .xlsm, not {Path(path).name!r}")
    data = data or WorkbookData()
    criteria = criteria or load_criteria(fiscal_year)
    layout = build_layout(criteria)
    with atomic_output(path) as tmp, scratch_folder() as scratch:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "tmpdir": str(scratch),  # its scratch files: removed even when the disk fills up
                "default_format_properties": {"font_name": FONT_NAME, "font_size": FONT_SIZE,
                                              "font_scheme": "none"},
                "strings_to_numbers": False,
                "strings_to_formulas": False,  # text from people is text, never a formula
                "strings_to_urls": False,
            },
        )
        created = data.created or creation_date()
        wb.set_properties({
            "title": f"ทะเบียนกลุ่มส่งเสริมอาชีพการเกษตร อำเภอ{area.district.name_th} ปีงบประมาณ {fiscal_year}",
            "subject": "kaset_xl district workbook",
            "author": "kaset_xl",
            "company": "กรมส่งเสริมการเกษตร",
            "created": created,
        })
        fmt = _Formats(wb)
        subtitle = (f"สำนักงานเกษตรอำเภอ{area.district.name_th} จังหวัด{area.province.name_th} "
                    f"ปีงบประมาณ พ.ศ. {fiscal_year}")
        _instructions(wb.add_worksheet(layout.instructions_sheet), fmt, layout, subtitle, criteria, macros,
                      server=server is not None)
        _info_sheet(wb.add_worksheet(layout.info.sheet), fmt, layout, area, fiscal_year, data.info)
        table_sheets = {t.key: wb.add_worksheet(t.sheet) for t in layout.tables}
        summary_ws = wb.add_worksheet(layout.summary_sheet) if layout.summary_sheet else None
        lists_ws = wb.add_worksheet(layout.lists_sheet)
        meta_ws = wb.add_worksheet(layout.meta_sheet)
        _lists_sheet(wb, lists_ws, fmt, layout, area)
        for t in layout.tables:
            _table_sheet(table_sheets[t.key], fmt, t, subtitle, data.tables.get(t.key, ()))
        if macros and "establish" in table_sheets:
            _establish_buttons(table_sheets["establish"], layout.table("establish"))
        if summary_ws is not None:
            _summary_sheet(summary_ws, fmt, subtitle, criteria)
        _meta_sheet(meta_ws, layout, area, fiscal_year, created, criteria)
        if macros and server is None:
            _xlwings_conf_sheet(wb.add_worksheet(XLWINGS_CONF_SHEET))
        if macros:
            from kaset_xl.workbook.macros import vba_project_bin

            # Document modules ThisWorkbook, Sheet1..N: the code names XlsxWriter gives every sheet.
            wb.add_vba_project(io.BytesIO(vba_project_bin(len(wb.worksheets()), server=server)), is_stream=True)
        wb.get_worksheet_by_name(layout.instructions_sheet).activate()
        wb.close()


def creation_date() -> dt.datetime:
    """The document's creation date: today (UTC, at midnight: the same inputs give the same bytes all day), or
    ``SOURCE_DATE_EPOCH`` (seconds) where set, as reproducible builds do."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    today = dt.datetime.now(dt.timezone.utc).date()
    return dt.datetime(today.year, today.month, today.day)


XLWINGS_CONF_SHEET = "xlwings.conf"  # the name xlwings.bas's GetConfig looks for, in this workbook first
XLWINGS_CONF = (("USE UDF SERVER", True),)


def _xlwings_conf_sheet(ws: Worksheet) -> None:
    """xlwings' per-workbook settings (key in A, value in B; read by ``GetConfig`` before the user's
    ``xlwings.conf`` file): "Use UDF Server" keeps one Python process between clicks on Windows."""
    for r, (key, value) in enumerate(XLWINGS_CONF):
        ws.write_string(r, 0, key)
        ws.write_boolean(r, 1, value)
    ws.hide()
    _protect(ws)


def _print_setup(ws: Worksheet, *, landscape: bool, repeat_to: int | None = None,
                 widths: Sequence[float] = (), bands: Sequence[str | None] = (), repeat_columns: int = 0) -> None:
    """A4.  A form (no ``widths``) is fitted to the page width (its columns are chosen to print at 70 % or more);
    a table (``widths``: its columns' widths in characters) prints at :data:`PRINT_SCALE`, over as many pages
    side by side as it needs, broken between columns by :func:`page_breaks` (never inside a band: ``bands``), its
    first ``repeat_columns`` columns (who the row is about) repeated on each page and its rows up to
    ``repeat_to`` on top of each page."""
    ws.set_default_row(ROW_HEIGHT)
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if widths:
        ws.set_print_scale(PRINT_SCALE)
        breaks = page_breaks(widths, bands, repeat_columns, landscape=landscape)
        if breaks:
            ws.print_across()  # page order over, then down: a row's pages side by side follow each other
            ws.set_v_pagebreaks(breaks)
            if repeat_columns:
                ws.repeat_columns(0, repeat_columns - 1)
    else:
        ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    if repeat_to is not None:
        ws.repeat_rows(0, repeat_to)
    ws.hide_gridlines(1)  # no gridlines on paper (the tables have their borders); on screen as usual
    ws.set_footer('&C&"TH SarabunPSK,Regular"&16หน้า &P / &N')


def _protect(ws: Worksheet) -> None:
    # No password: an officer who must change the form can still do so, but not by accident.
    ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True, "autofilter": True, "sort": False})


BUTTON_WIDTH, BUTTON_HEIGHT, BUTTON_GAP = 126, 40, 12  # pixels: four side by side inside column B (INSTRUCTIONS_WIDTH)
INSTRUCTIONS_WIDTH = 78  # characters: A4 portrait at 70 % or more


def _instructions(ws: Worksheet, fmt: _Formats, layout: Layout, subtitle: str, criteria: Criteria,
                  buttons: bool = False, *, server: bool = False) -> None:
    ws.set_column(0, 0, 3)
    ws.set_column(1, 1, INSTRUCTIONS_WIDTH)
    ws.set_row(0, TITLE_HEIGHT)
    ws.write(0, 1, "คำแนะนำการใช้แบบฟอร์มทะเบียนกลุ่มส่งเสริมอาชีพการเกษตร", fmt.title)
    ws.write(1, 1, subtitle, fmt.subtitle)
    lines = [
        f"1. กรอกข้อมูลสำนักงานในชีต “{layout.info.sheet}” (ผู้รับผิดชอบ โทรศัพท์ วันที่รายงาน)",
        f"2. กรอกกลุ่มในชีต “{layout.table('groups').sheet}” หนึ่งแถวต่อหนึ่งกลุ่ม ชื่อกลุ่มขึ้นต้นด้วยคำว่า “กลุ่ม”",
        f"3. กรอกสมาชิกในชีต “{layout.table('members').sheet}” หนึ่งแถวต่อหนึ่งคน เลือกชื่อกลุ่มจากรายการ "
        "ระบุตำแหน่ง (คณะกรรมการอย่างน้อย ประธาน เลขานุการ เหรัญญิก)",
        "4. ช่องที่มีเครื่องหมาย * ต้องกรอก ช่องที่มีลูกศรให้เลือกจากรายการ",
        "5. วันที่ให้กรอกแบบ วัน/เดือน/ปี พ.ศ. เช่น 12/12/2563 หรือ 12 ธ.ค. 63",
        "5ก. วันที่ในช่องวันที่ ขึ้นกับปฏิทินของเครื่อง: เครื่องที่ตั้ง Windows เป็นปฏิทินพุทธศักราช (ภาษาไทย) "
        "พิมพ์ 12/12/2563 ได้เลย — เครื่องที่ตั้งเป็นปฏิทินสากล (ค.ศ.) ให้พิมพ์ปี ค.ศ. เช่น 12/12/2020 "
        "แบบฟอร์มจะแสดงเป็น 12/12/2563 เอง ถ้าพิมพ์ 12/12/2563 ในเครื่องแบบ ค.ศ. จะกลายเป็นปี 3106 "
        "และแบบฟอร์มจะเตือน (ตั้งปฏิทิน: Control Panel > Region > Additional settings > Date > Calendar "
        "เลือก พุทธศักราช) อย่าพิมพ์ปีสองหลัก (63) ในช่องวันที่",
        "6. เลขประจำตัวประชาชน 13 หลัก เลขทะเบียนเกษตรกร 12 หลัก และเบอร์โทรศัพท์ กรอกเป็นตัวเลขติดกัน (ไม่ต้องมีขีด)",
        "7. โครงการ: กรอกชีต คัดเลือกกลุ่ม, ประเมิน 3ก (ครั้งที่ 1 และ 2), Smart Farmer, IFPP, การเข้าร่วม และงบประมาณ "
        "ช่องสีเทาโปรแกรมคำนวณให้ (ห้ามพิมพ์ทับ)",
        f"7ก. การจัดตั้งกลุ่มใหม่: กรอกคำขอในชีต “{layout.table('establish').sheet}” หนึ่งแถวต่อหนึ่งคำขอ "
        "(ระเบียบกลุ่ม 7 เรื่อง เอกสาร 5 รายการ การตรวจสอบของ นสว.ประจำตำบล และผลการพิจารณา) "
        f"และผู้ขอจัดตั้ง 10 คนขึ้นไปในชีต “{layout.table('applicants').sheet}” "
        "(คณะกรรมการอย่างน้อย 3 คน: ประธาน เลขานุการ เหรัญญิก)",
        "8. ตรวจสอบข้อมูลด้วยคำสั่ง kaset-xl validate ชื่อไฟล์ และคำนวณคะแนนด้วย kaset-xl score ชื่อไฟล์ "
        "(หรือปุ่มบนแบบฟอร์ม .xlsm) ผลรวมอยู่ในชีต สรุปผล",
        "9. อย่าเปลี่ยนชื่อชีต ลบคอลัมน์ หรือแก้ไขหัวตาราง โปรแกรมอ่านข้อมูลตามหัวตาราง",
        "10. ข้อมูลส่วนบุคคล (เลขประจำตัวประชาชน โทรศัพท์ รายได้) อยู่ภายใต้ พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562 "
        "ส่งไฟล์เฉพาะหน่วยงานที่เกี่ยวข้องเท่านั้น",
    ]
    for i, line in enumerate(lines):  # Excel does not fit the rows on open: heights from the font's metrics
        ws.set_row(3 + i, max(ROW_HEIGHT, lines_height(len(wrap(line, column_points(INSTRUCTIONS_WIDTH) * 0.9)))))
        ws.write(3 + i, 1, line, fmt.text)
    ws.write(4 + len(lines), 1, f"แบบฟอร์ม {layout.template_id} รุ่น {layout.version} (kaset_xl {__version__})",
             fmt.note)
    if criteria.provisional:
        ws.write(5 + len(lines), 1, criteria.meta.note_th, fmt.note)
    if buttons:
        _buttons(ws, fmt, 7 + len(lines), server=server)
    _print_setup(ws, landscape=False)
    _protect(ws)


def _buttons(ws: Worksheet, fmt: _Formats, row: int, *, server: bool = False) -> None:
    """The four buttons in one row of column B, below the instructions (they cover no text)."""
    from kaset_xl.workbook.macros import BUTTONS

    note = ("ปุ่มคำสั่ง (ทำงานผ่านเซิร์ฟเวอร์ kaset-xl ของจังหวัด — ไม่ต้องติดตั้ง Python)" if server
            else "ปุ่มคำสั่ง (ต้องติดตั้ง Python, kaset_xl และ xlwings ตามคู่มือ)")
    ws.write(row, 1, note, fmt.subtitle)
    ws.set_row(row + 1, (BUTTON_HEIGHT + 8) * 0.75)  # points: the button and a margin
    for i, b in enumerate(BUTTONS):
        ws.insert_button(row + 1, 1, {"macro": b.macro, "caption": b.caption, "width": BUTTON_WIDTH,
                                      "height": BUTTON_HEIGHT, "x_offset": i * (BUTTON_WIDTH + BUTTON_GAP),
                                      "y_offset": 4})


ESTABLISH_BUTTON_WIDTH, ESTABLISH_BUTTON_HEIGHT = 90, 28  # pixels: two inside the frozen columns A:B


def _establish_buttons(ws: Worksheet, table: Table) -> None:
    """The certificate and register buttons in the row above the headers (the band row), in the frozen
    columns A:B, where they stay in view and cover no text; they act on the selected application's row."""
    from kaset_xl.workbook.macros import ESTABLISH_BUTTONS

    for i, b in enumerate(ESTABLISH_BUTTONS):
        ws.insert_button(table.header_row - 2, 0, {
            "macro": b.macro, "caption": b.caption, "width": ESTABLISH_BUTTON_WIDTH,
            "height": ESTABLISH_BUTTON_HEIGHT, "x_offset": 2 + i * (ESTABLISH_BUTTON_WIDTH + 4), "y_offset": 2})


def _info_sheet(ws: Worksheet, fmt: _Formats, layout: Layout, area: DistrictArea, year: int,
                values: Mapping[str, Any]) -> None:
    form = layout.info
    ws.set_column(0, 0, 3)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 2, 50)
    ws.set_row(0, TITLE_HEIGHT)
    ws.write(0, 1, form.title, fmt.title)
    ws.write(1, 1, "กรอกช่องสีขาว ช่องสีเทากำหนดโดยแบบฟอร์ม", fmt.note)
    prefilled = {"province": area.province.name_th, "district": area.district.name_th, "fiscal_year": year}
    defaults = {"office": f"สำนักงานเกษตรอำเภอ{area.district.name_th}"}
    for f in form.fields:
        r = f.row - 1
        ws.write(r, 1, f.label + (" *" if f.required else ""), fmt.label)
        if f.prefilled:
            ws.write(r, 2, prefilled[f.key], fmt.prefilled)
            continue
        cell_fmt = fmt.input(f.type, border=True)
        value = values.get(f.key, defaults.get(f.key))
        if value is None:  # an empty input cell still needs its format: unlocked, bordered, typed
            ws.write_blank(r, 2, None, cell_fmt)
        _write_value(ws, r, 2, value, cell_fmt, fmt)
        if f.type is ColType.DATE:
            ws.data_validation(r, 2, r, 2, {**date_validation(f"C{r + 1}"), "input_title": f.label[:32],
                                            "input_message": (f.hint or "")[:255]})
        elif f.hint:
            ws.data_validation(r, 2, r, 2, {"validate": "any", "input_title": f.label[:32],
                                            "input_message": (f.hint or "")[:255]})
    _print_setup(ws, landscape=False)
    _protect(ws)


def _lists_sheet(wb: xlsxwriter.Workbook, ws: Worksheet, fmt: _Formats, layout: Layout,
                 area: DistrictArea) -> None:
    lists: dict[str, tuple[str, ...]] = {**layout.lists, "tambon": area.tambon_names}
    for c, (key, items) in enumerate(lists.items()):
        ws.write_string(0, c, key, fmt.subtitle)
        for r, item in enumerate(items, start=1):
            if item.isdigit():  # number columns (category, round) need numbers in their dropdown
                ws.write_number(r, c, int(item))
            else:
                ws.write_string(r, c, item)
        col = xl_col_to_name(c)
        wb.define_name(f"list_{key}", f"='{layout.lists_sheet}'!${col}$2:${col}${len(items) + 1}")
    groups = layout.table("groups")
    name_col = groups.letter("name")
    wb.define_name("list_group", f"='{groups.sheet}'!${name_col}${groups.first_data_row}:"
                                 f"${name_col}${groups.last_data_row}")
    establish = layout.table("establish")  # the names typed in the establishment sheet (applicants' dropdown)
    new_col = establish.letter("name")
    wb.define_name("list_new_group", f"='{establish.sheet}'!${new_col}${establish.first_data_row}:"
                                     f"${new_col}${establish.last_data_row}")
    ws.hide()
    _protect(ws)


def _table_sheet(ws: Worksheet, fmt: _Formats, table: Table, subtitle: str,
                 rows: Sequence[Mapping[str, Any]]) -> None:
    last_col = len(table.columns) - 1
    h = table.header_row - 1  # 0-based header row
    for i, col in enumerate(table.columns):
        ws.set_column(i, i, col.width, fmt.input(col.type, border=True, num=col.number_format) if col.is_input
                      else fmt.computed(col.type, col.number_format))
        for r in range(h):  # rows above the header stay locked
            ws.write_blank(r, i, None, fmt.locked)
    # The title block (title, subtitle, note) whole on every printed page: over each page's own columns, never in
    # the columns repeated on every page (where it would print cut at their edge), "(ต่อ)" after the title on the
    # pages after the first; each row as tall as its most wrapped text.
    spans = table_title_spans(table)
    _title_block(ws, fmt, spans, table.title, [subtitle, table.note])
    for r, height in enumerate(title_block_heights(table.title, table.note, spans)):
        ws.set_row(r, height)
    _bands(ws, fmt, table, h - 1)
    ws.set_row(h, max(HEADER_HEIGHT, max(header_height(c.header_label, c.width) for c in table.columns)))
    for i, col in enumerate(table.columns):
        ws.write_string(h, i, col.header_label, fmt.header)
    first, last = table.first_data_row - 1, table.last_data_row - 1
    for i, col in enumerate(table.columns):
        if col.is_input:
            _column_validation(ws, first, last, i, col)
    # Totals while typing (the library computes the same: tested with LibreOffice), in the rows in use and the
    # rest of the printed page they end on; the column's own format keeps the rows further down grey and locked.
    live = live_rows(table, {table.first_data_row + n: row for n, row in enumerate(rows)})
    for at in live:
        for col in table.formula_columns:
            ws.write_formula(at - 1, table.index(col.key), table.formula_at(col, at),
                             fmt.computed(col.type, col.number_format), "")
    _data_rows(ws, fmt, table, rows, first)
    ws.freeze_panes(h + 1, 2)
    ws.autofilter(h, 0, h, last_col)
    _print_setup(ws, landscape=table.landscape, repeat_to=h, widths=[c.width for c in table.columns],
                 bands=[c.band for c in table.columns], repeat_columns=identifying_columns(table))
    # No print area: the used range is printed, and it grows with the data (a print area fixed here never
    # grows: 40 members typed into a template, or the rows register adds, would not print; issue 15).
    # The rows after the data (a blank form: its first page's rows) print ruled to the end of the page, to be filled
    # in by hand: their first cell is written.  No further: a page of only blank rows is paper thrown away.
    for r in range(first + len(rows), live[-1]):
        col0 = table.columns[0]
        ws.write_blank(r, 0, None, fmt.input(col0.type, border=True, num=col0.number_format))
    _protect(ws)


def _data_rows(ws: Worksheet, fmt: _Formats, table: Table, rows: Sequence[Mapping[str, Any]], first: int) -> None:
    """The given rows' values (samples, goldens), each row as tall as its longest wrapped text."""
    for n, row in enumerate(rows):
        height = data_row_height(table, row)
        if height > ROW_HEIGHT:  # a long text wraps in its cell: the row as tall as it (Excel fits none on open)
            ws.set_row(first + n, height)
        for i, col in enumerate(table.columns):
            if col.key in row and col.is_input:
                cell_fmt = fmt.input(col.type, border=True, num=col.number_format)
                _write_value(ws, first + n, i, row[col.key], cell_fmt, fmt)


def _bands(ws: Worksheet, fmt: _Formats, table: Table, r: int) -> None:
    """Merge the band label (3ก area, Smart Farmer qualification) over its run of columns."""
    for i, j, band in band_runs(table):
        if j > i:
            ws.merge_range(r, i, r, j, band, fmt.header)
        else:
            ws.write_string(r, i, band, fmt.header)
    height = band_height(table)
    if height > ROW_HEIGHT or any(c.band for c in table.columns):
        ws.set_row(r, height)


def _title_block(ws: Worksheet, fmt: _Formats, spans: list[TitleSpan], title: str, lines: list[str]) -> None:
    """The title (row 1) and the ``lines`` below it (subtitle, notes), each merged over each span's columns."""
    for span in spans:
        for r, (text, cell_fmt) in enumerate(((title_text(title, span), fmt.title_block),
                                              *((t, fmt.subtitle_block if r == 0 else fmt.note)
                                                for r, t in enumerate(lines)))):
            if span.last > span.first:
                ws.merge_range(r, span.first, r, span.last, text, cell_fmt)
            else:
                ws.write(r, span.first, text, cell_fmt)


def _summary_sheet(ws: Worksheet, fmt: _Formats, subtitle: str, criteria: Criteria) -> None:
    # The block score (and the buttons) write from row 5 on: bordered, wrapped, figures centred (a number never
    # runs into the text beside it).  The buttons write only values, number formats and fills into it.
    for i, width in enumerate(SUMMARY_WIDTHS):
        ws.set_column(i, i, width, fmt.summary_label if i == 0 else fmt.summary)
        for r in range(4):
            ws.write_blank(r, i, None, fmt.locked)
    # The title block over each printed page's own columns, not in the repeated column A (see _table_sheet);
    # score writes its note into each page's third row (scoring.summary_note_cells).
    spans = summary_title_spans()
    notes = [max((SUMMARY_NOT_COMPUTED, SUMMARY_COMPUTED), key=len)]
    if criteria.provisional:
        notes.append(criteria.meta.note_th)
    _title_block(ws, fmt, spans, SUMMARY_TITLE, [subtitle, SUMMARY_NOT_COMPUTED, *notes[1:]])
    for r, height in enumerate(title_block_heights(SUMMARY_TITLE, notes, spans)):
        ws.set_row(r, height)
    # the title block on top of every page, as a table's (a long summary goes on over pages below)
    _print_setup(ws, landscape=True, widths=SUMMARY_WIDTHS, repeat_columns=1, repeat_to=len(notes) + 1)
    _protect(ws)


def _column_validation(ws: Worksheet, first: int, last: int, i: int, col: Column) -> None:
    opts: dict[str, Any] = {"input_title": col.header[:32], "ignore_blank": True}
    if col.hint:
        opts["input_message"] = col.hint[:255]
    if col.choices:
        opts.update({"validate": "list", "source": f"=list_{col.choices}",
                     "error_type": "stop" if col.strict else "warning",
                     "error_title": "ไม่อยู่ในรายการ", "error_message": "เลือกจากรายการ"})
    elif col.type in (ColType.INT, ColType.NUMBER) and (col.low is not None or col.high is not None):
        low = col.low if col.low is not None else -1e12
        high = col.high if col.high is not None else 1e12
        opts.update({"validate": "integer" if col.type is ColType.INT else "decimal",
                     "criteria": "between", "minimum": low, "maximum": high, "error_type": "warning",
                     "error_title": "ตัวเลขไม่ถูกต้อง",
                     "error_message": f"ควรเป็นตัวเลขระหว่าง {low:,.0f} ถึง {high:,.0f}"})
    elif col.type is ColType.DATE:
        opts.update(date_validation(xl_col_to_name(i) + str(first + 1)))
    elif col.type in (ColType.CITIZEN_ID, ColType.FARMER_ID):
        n = 13 if col.type is ColType.CITIZEN_ID else 12
        opts.update({"validate": "length", "criteria": "==", "value": n, "error_type": "warning",
                     "error_title": "จำนวนหลักไม่ถูกต้อง", "error_message": f"ต้องเป็นตัวเลข {n} หลัก"})
    else:
        if not col.hint:
            return
        opts["validate"] = "any"
    ws.data_validation(first, i, last, i, opts)


DATE_LIMIT_YEAR = 2200  # a stored year beyond is a Buddhist-era year typed on a PC set to the Gregorian calendar
DATE_TOO_LATE_TH = (
    "ปีเกิน ค.ศ. 2200: เครื่องนี้ตั้งปฏิทินสากล (ค.ศ.) จึงเก็บ 2563 เป็นปี ค.ศ. 2563 (แสดงเป็น พ.ศ. 3106) "
    "ให้พิมพ์ปี ค.ศ. เช่น 12/12/2020 (แบบฟอร์มแสดงเป็น 12/12/2563 เอง) หรือตั้ง Windows เป็นปฏิทินพุทธศักราช")


def date_validation(cell: str) -> dict[str, Any]:
    """The check of a date cell (``cell``: the range's top-left cell): a stored year beyond 2200 is refused with
    what to type instead; text (12 ธ.ค. 63) is let through, the reader reads it."""
    return {"validate": "custom", "value": f"=OR(ISTEXT({cell}),{cell}<=DATE({DATE_LIMIT_YEAR},12,31))",
            "error_type": "stop", "error_title": "ปีของวันที่ไม่ถูกต้อง", "error_message": DATE_TOO_LATE_TH[:255]}


def _write_value(ws: Worksheet, r: int, c: int, value: Any, cell_fmt: Format, fmt: _Formats) -> None:
    """Write a raw value as given: text as text (never a formula), numbers as numbers, dates as dates."""
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value, cell_fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, cell_fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value, cell_fmt if cell_fmt.num_format == DATE_FORMAT else _date_fmt(fmt))
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day),
                          cell_fmt if cell_fmt.num_format == DATE_FORMAT else _date_fmt(fmt))
    else:
        ws.write_string(r, c, str(value), cell_fmt)


def _date_fmt(fmt: _Formats) -> Format:
    return fmt.input(ColType.DATE)


def _meta_sheet(ws: Worksheet, layout: Layout, area: DistrictArea, year: int, created: dt.datetime,
                criteria: Criteria) -> None:
    values = {
        "criteria": Path(criteria.source).name + (" (provisional)" if criteria.provisional else ""),
        "template_id": layout.template_id,
        "template_version": layout.version,
        "province_code": area.province.code,
        "district_code": area.district.code,
        "fiscal_year": str(year),
        "generator": f"kaset_xl {__version__}",
        "created": created.isoformat(timespec="seconds"),
    }
    for r, key in enumerate(layout.meta_keys):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, values[key])
    ws.very_hidden()
    _protect(ws)
