"""Write the provincial workbook: the provincial template (``templates/provincial.xlsx``, or a
province's own copy given with ``--templates DIR``) filled with openpyxl through its defined names
(see :mod:`kaset_xl.consolidate.forms`).  The template's styles, widths, page setup, headers and
footers stay as the province made them; the marked row of each table is repeated per data row.

Charts are drawn at fill time with openpyxl at the template's ``<TABLE>_CHART`` cell: a chart's data
ranges must follow the rows filled in, and openpyxl does not keep a template's own charts faithfully
(it re-writes only what it models), so the chart belongs to the code and its place to the template.

Text from the districts is always written as text (:func:`kaset_xl.textcell.write`), so a cell typed
"=HYPERLINK(...)" in a district file stays inert.  The file is written to a temporary name and
renamed only when whole (:func:`kaset_xl.fileio.atomic_output`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from copy import copy
from pathlib import Path
from typing import Any

from kaset_xl.consolidate.core import Consolidation
from kaset_xl.consolidate.forms import CHARTS, FONT_NAME, FONT_SIZE, FORMS, TEMPLATE_FILE, Form, required_names
from kaset_xl.consolidate.pages import DEFAULT_WIDTH, Table, column_widths, insert_rows, paginate
from kaset_xl.consolidate.reports import REPORTS, Report, report_rows, targets, totals_note
from kaset_xl.fileio import atomic_output
from kaset_xl.issues import KasetError
from kaset_xl.textcell import write
from kaset_xl.workbook.package import core_properties

__all__ = ["write_provincial_workbook", "is_provincial_workbook", "SHEETS", "FONT_NAME", "FONT_SIZE",
           "template_path", "open_template"]

SHEETS = tuple(dict.fromkeys(r.sheet for r in REPORTS))
NONE_TH = "— ไม่มีรายการ —"
_MARK = re.compile(r"\{(\w+)\}")
CHART_HEIGHT_CM = 11.0


TITLE = "รายงานรวมระดับจังหวัด"
AUTHOR = "kaset-xl"
STAMP = dt.datetime(2000, 1, 1)  # created and modified: two runs give the same file metadata


def is_provincial_workbook(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a provincial workbook this module wrote and nobody saved since (its document
    properties say so: written by kaset-xl, last modified by kaset-xl at the fixed stamp — Excel and
    LibreOffice change both when they save): a re-run may replace it; any other file, an annotated
    provincial workbook too, is somebody's work.  Reads only the small properties part."""
    found = core_properties(path)
    return (found.get("creator") == AUTHOR and found.get("lastModifiedBy") == AUTHOR and found.get("title") == TITLE
            and found.get("modified") == f"{STAMP:%Y-%m-%dT%H:%M:%SZ}")


def template_path(templates: str | os.PathLike[str] | None = None) -> Path:
    """The provincial template: ``templates/provincial.xlsx`` of ``--templates DIR``, else the shipped one."""
    if templates is None:
        import importlib.resources

        return Path(str(importlib.resources.files("kaset_xl.templates") / TEMPLATE_FILE))
    path = Path(templates) / TEMPLATE_FILE
    if not path.is_file():
        raise KasetError("TEMPLATE_NOT_FOUND", file=str(path), name=TEMPLATE_FILE)
    return path


def _names(wb: Any) -> dict[str, tuple[str, str]]:
    """Every defined name of the workbook (workbook or sheet scope) → (sheet, range)."""
    found: dict[str, tuple[str, str]] = {}
    scopes = [wb.defined_names, *(ws.defined_names for ws in wb.worksheets)]
    for scope in scopes:
        for name, dn in scope.items():
            try:
                dest = list(dn.destinations)
            except Exception:  # noqa: BLE001 - a name that is a formula, not a place
                continue
            if len(dest) == 1 and dest[0][0] in wb.sheetnames:
                found.setdefault(name.upper(), dest[0])
    return found


def open_template(templates: str | os.PathLike[str] | None = None) -> Any:
    """The provincial template as an openpyxl workbook, checked: every required name present (else
    TEMPLATE_NAME_MISSING naming it: nothing is written)."""
    import zipfile

    import openpyxl

    path = template_path(templates)
    try:
        wb = openpyxl.load_workbook(path)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise KasetError("TEMPLATE_UNREADABLE", file=str(path), reason=type(exc).__name__) from None
    names = _names(wb)
    for name in required_names():
        if name.upper() not in names:
            raise KasetError("TEMPLATE_NAME_MISSING", file=str(path), name=name)
    return wb


# ------------------------------------------------------------------------------------------- filling


def _bounds(wb: Any, name: str) -> tuple[Any, int, int, int, int] | None:
    """(sheet, first row, first col, last row, last col) of a defined name, or None."""
    from openpyxl.utils.cell import range_boundaries

    place = _names(wb).get(name.upper())
    if place is None:
        return None
    c0, r0, c1, r1 = range_boundaries(place[1].replace("$", ""))
    if None in (c0, r0, c1, r1):  # a whole row or column: not a place to fill
        return None
    return wb[place[0]], int(r0 or 0), int(c0 or 0), int(r1 or 0), int(c1 or 0)


def _set_name(wb: Any, name: str, ws: Any, r0: int, c0: int, r1: int, c1: int) -> None:
    from openpyxl.utils.cell import absolute_coordinate, get_column_letter, quote_sheetname

    ref = f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"
    text = f"{quote_sheetname(ws.title)}!{absolute_coordinate(ref)}"
    for scope in (wb.defined_names, *(s.defined_names for s in wb.worksheets)):
        for key, dn in scope.items():
            if key.upper() == name.upper():
                dn.attr_text = text
                return


def _open_rows(wb: Any, ws: Any, r: int, extra: int) -> None:
    """Make room for ``extra`` more rows below row ``r``, each a copy of row ``r`` (styles, height,
    merges); what lies below moves down with its merges, heights and defined names."""
    insert_rows(wb, ws, r + 1, extra, grow_from=r)  # a name over the marked row (a print area) grows
    row_merges = [mr for mr in ws.merged_cells.ranges if mr.min_row == mr.max_row == r]
    for i in range(1, extra + 1):
        for col in range(1, ws.max_column + 1):
            src = ws.cell(r, col)
            if src.has_style:
                ws.cell(r + i, col)._style = copy(src._style)
        for mr in row_merges:
            ws.merge_cells(start_row=r + i, start_column=mr.min_col, end_row=r + i, end_column=mr.max_col)
        ws.row_dimensions[r + i].height = ws.row_dimensions[r].height


def _put(cell: Any, value: Any) -> None:
    """One value into a cell, its style kept: text as text, Booleans in Thai, dates as dates."""
    if value is None or value == "":
        cell.value = None
    elif isinstance(value, bool):
        write(cell, "ใช่" if value else "ไม่")
    elif isinstance(value, dt.datetime):
        cell.value = value
    elif isinstance(value, dt.date):
        cell.value = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)):
        cell.value = value
    else:
        write(cell, str(value))  # text from the districts stays text


def _fill_cell(cell: Any, values: dict[str, Any]) -> None:
    """Replace a cell's markers: a cell that is one marker takes the value itself, markers inside a
    text are replaced by the values as text."""
    text = cell.value
    if not isinstance(text, str) or "{" not in text:
        return
    whole = _MARK.fullmatch(text.strip())
    if whole:
        _put(cell, values.get(whole.group(1)))
        return
    write(cell, _MARK.sub(lambda m: "" if values.get(m.group(1)) is None else str(values.get(m.group(1))), text))


def _markers(ws: Any, r: int, c0: int, c1: int) -> dict[int, str]:
    """Column → the marker text of row ``r`` (cells that are not merged placeholders)."""
    from openpyxl.cell.cell import MergedCell

    return {c: ws.cell(r, c).value for c in range(c0, c1 + 1)
            if not isinstance(ws.cell(r, c), MergedCell) and isinstance(ws.cell(r, c).value, str)}


def _widths(ws: Any) -> Any:
    stored = column_widths(ws)

    def width(c0: int, c1: int) -> float:
        return sum(stored.get(c, DEFAULT_WIDTH) for c in range(c0, c1 + 1))
    return width


def _fit_height(ws: Any, r: int, c0: int, c1: int) -> None:
    """A filled row as tall as its wrapped texts (Excel does not fit row heights on open), and no taller: the
    template's marked row is as tall as its ``{markers}``, a filled row takes its own content's height."""
    from kaset_xl.consolidate.forms import cell_lines, row_height
    from kaset_xl.workbook.textfit import stored_column_points

    width = _widths(ws)
    spans = {mr.min_col: mr.max_col for mr in ws.merged_cells.ranges if mr.min_row == r}
    height = row_height(1)
    for c in range(c0, c1 + 1):
        cell = ws.cell(r, c)
        if cell.value is None or cell.value == "":
            continue
        size = float(cell.font.sz or FONT_SIZE)
        lines = 1
        if isinstance(cell.value, str) and cell.alignment.wrap_text:
            lines = cell_lines(cell.value, stored_column_points(width(c, spans.get(c, c))), size=size,
                               bold=bool(cell.font.b), indent=int(cell.alignment.indent or 0))
        height = max(height, row_height(lines, size))
    ws.row_dimensions[r].height = height


def _total_row(t: Report, rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in t.columns:
        if col.num_format and col.total and col.key != "round1_mean":
            total = sum(r.get(col.key) or 0 for r in rows)
            out[col.key] = round(total, 2) if isinstance(total, float) else total
    return out


def _fill_table(wb: Any, t: Report, rows: list[dict[str, Any]], aim: dict[str, Any] | None, note: str) -> None:
    place = _bounds(wb, f"{t.key}_ROW")
    assert place is not None  # checked when the template was opened
    ws, r, c0, _r1, c1 = place
    marks = _markers(ws, r, c0, c1)
    n = len(rows)
    if n > 1:
        _open_rows(wb, ws, r, n - 1)
    for i, record in enumerate(rows):
        for c, text in marks.items():
            cell = ws.cell(r + i, c)
            cell.value = text
            _fill_cell(cell, record)
        _fit_height(ws, r + i, c0, c1)
    if not rows:
        for c in marks:
            ws.cell(r, c).value = None
        write(ws.cell(r, c0), NONE_TH)
        from openpyxl.styles import Alignment

        none = ws.cell(r, c0)  # on one line, over the empty cells to its right
        al = none.alignment
        none.alignment = Alignment(horizontal=al.horizontal, vertical=al.vertical, indent=al.indent, wrap_text=False)
        _fit_height(ws, r, c0, c1)
    _set_name(wb, f"{t.key}_ROW", ws, r, c0, r + max(n, 1) - 1, c1)
    for kind, values in (("TOTAL", _total_row(t, rows) if t.totals else {}), ("TARGET", aim or {})):
        spot = _bounds(wb, f"{t.key}_{kind}")
        if spot is not None:
            sws, sr, sc0, _sr1, sc1 = spot
            for c in range(sc0, sc1 + 1):
                _fill_cell(sws.cell(sr, c), values)
            _fit_height(sws, sr, sc0, sc1)
    spot = _bounds(wb, f"{t.key}_NOTE")
    if spot is not None:
        _fill_cell(spot[0].cell(spot[1], spot[2]), {"note": note})


def _rich(size: int, bold: bool = False) -> Any:
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Font, Paragraph, ParagraphProperties

    props = CharacterProperties(sz=size * 100, b=bold, latin=Font(typeface=FONT_NAME), cs=Font(typeface=FONT_NAME))
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _title(text: str) -> Any:
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import CharacterProperties, Font, Paragraph, ParagraphProperties, RegularTextRun

    props = CharacterProperties(sz=FONT_SIZE * 100, b=True, latin=Font(typeface=FONT_NAME),
                                cs=Font(typeface=FONT_NAME))
    para = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def _chart(wb: Any, t: Report, rows: list[dict[str, Any]], columns: dict[str, int]) -> None:
    from openpyxl.chart import BarChart, PieChart, Reference
    from openpyxl.chart.label import DataLabelList

    anchor = _bounds(wb, f"{t.key}_CHART")
    data = _bounds(wb, f"{t.key}_ROW")
    if anchor is None or data is None or not rows:
        return
    ws, r0, _c0, r1, _c1 = data
    kind, title = CHARTS[t.key]
    chart: Any
    if kind == "pie":
        total = _bounds(wb, f"{t.key}_TOTAL")
        keys = ("sf_model", "sf_existing", "sf_developing")
        if total is None or any(k not in columns for k in keys):
            return
        cols = [columns[k] for k in keys]
        chart = PieChart()
        chart.add_data(Reference(ws, min_col=min(cols), max_col=max(cols), min_row=total[1]), from_rows=True,
                       titles_from_data=False)
        chart.set_categories(Reference(ws, min_col=min(cols), max_col=max(cols), min_row=r0 - 1))
        labels = DataLabelList()
        labels.showVal = True
        labels.showSerName = labels.showCatName = labels.showPercent = labels.showLegendKey = False
        labels.txPr = _rich(FONT_SIZE)
        chart.series[0].dLbls = labels
    else:
        label_key, value_keys = ("level", ("round1", "round2")) if t.key == "LEVELS" else ("activity", ("used",))
        if label_key not in columns or any(k not in columns for k in value_keys):
            return
        chart = BarChart()
        chart.type = "col" if kind == "column" else "bar"
        for k in value_keys:
            chart.add_data(Reference(ws, min_col=columns[k], min_row=r0 - 1, max_row=r1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=columns[label_key], min_row=r0, max_row=r1))
        for axis in (chart.x_axis, chart.y_axis):
            axis.delete = False
            axis.txPr = _rich(FONT_SIZE)
        chart.y_axis.number_format = "#,##0"
        if chart.y_axis.numFmt is not None:
            chart.y_axis.numFmt.sourceLinked = False
        chart.y_axis.majorUnit = 1 if t.key == "LEVELS" else None
        if kind == "bar":
            chart.legend = None
    chart.title = _title(title)
    if chart.legend is not None:
        chart.legend.position = "b"
        chart.legend.txPr = _rich(FONT_SIZE)
    chart.width, chart.height = 22.0, CHART_HEIGHT_CM  # cm: with its table on one landscape page
    from openpyxl.utils import get_column_letter

    ws_anchor = anchor[0]
    ws_anchor.add_chart(chart, f"{get_column_letter(anchor[2])}{anchor[1]}")


def _fill_form(wb: Any, form: Form, c: Consolidation, rows: dict[str, list[dict[str, Any]]],
               aims: dict[str, dict[str, Any]], note: str) -> None:
    place = f"จังหวัด{c.province_th} ปีงบประมาณ พ.ศ. {c.fiscal_year}"
    source = "คำนวณใหม่จากข้อมูลที่กรอกในแบบฟอร์มของอำเภอ"
    if c.criteria.provisional:
        source += " — ใช้เกณฑ์ชั่วคราว"
    for name, values in ((f"{form.key}_PLACE", {"place": place}), (f"{form.key}_NOTE", {"source_note": source})):
        spot = _bounds(wb, name)
        if spot is not None:
            _fill_cell(spot[0].cell(spot[1], spot[2]), values)
    columns: dict[str, dict[str, int]] = {}
    for t in form.tables:  # the columns of each table, by its markers (before any row moves)
        spot = _bounds(wb, f"{t.key}_ROW")
        assert spot is not None
        columns[t.key] = {m.group(1): col for col, text in _markers(spot[0], spot[1], spot[2], spot[4]).items()
                          if (m := _MARK.fullmatch(text.strip()))}
    for t in reversed(form.tables):  # bottom up: a table's rows move only what lies below it
        _fill_table(wb, t, rows[t.title], aims.get(t.title), note if t.totals else "")
    _paginate(wb, form)  # before the charts are drawn: a header copy moves what lies below it
    for t in form.tables:
        if t.key in CHARTS:
            _chart(wb, t, rows[t.title], columns[t.key])


def _paginate(wb: Any, form: Form) -> None:
    """The form's sheet cut into pages, every page that continues a table starting with its header
    (:mod:`kaset_xl.consolidate.pages`); a table or a chart below a table starts a page of its own (a chart is
    never split)."""
    tables: list[Table] = []
    forced: set[int] = set()
    solid: set[int] = set()
    ws = None
    for t in form.tables:
        spot = _bounds(wb, f"{t.key}_ROW")
        assert spot is not None
        ws, r0, _c0, r1, _c1 = spot
        tail = sorted(s[1] for kind in ("TOTAL", "TARGET", "NOTE")
                      if (s := _bounds(wb, f"{t.key}_{kind}")) is not None and s[0] is ws and s[1] > r1)
        tables.append(Table(header=r0 - 1, first=r0, last=r1, tail=tuple(tail)))
        for name in (f"{t.key}_PAGE", f"{t.key}_CHARTPAGE"):
            place = _bounds(wb, name)
            if place is not None and place[0] is ws and place[1] > 1:
                forced.add(place[1])
        anchor = _bounds(wb, f"{t.key}_CHART") if t.key in CHARTS else None
        if anchor is not None and anchor[0] is ws:  # the rows the chart will cover print something
            r, covered = anchor[1], 0.0
            while covered < CHART_HEIGHT_CM * 72 / 2.54:
                solid.add(r)
                covered += ws.row_dimensions[r].height or ws.sheet_format.defaultRowHeight or 15
                r += 1
    if ws is not None:
        paginate(wb, ws, tables, forced, solid)


def write_provincial_workbook(c: Consolidation, path: str | os.PathLike[str], *, full_ids: bool = False,
                              templates: str | os.PathLike[str] | None = None) -> None:
    """Fill the provincial template (the shipped one, or ``templates/provincial.xlsx`` of a province's
    folder) with the consolidation and write it to ``path`` atomically."""
    wb = open_template(templates)
    rows = report_rows(c, full_ids=full_ids)
    aims = targets(c)
    note = totals_note(c)
    for form in FORMS:
        _fill_form(wb, form, c, rows, aims, note)
    props = wb.properties
    props.title, props.creator, props.lastModifiedBy = TITLE, AUTHOR, AUTHOR
    props.created = props.modified = STAMP
    with atomic_output(path) as tmp:
        _save(wb, tmp)


def _save(wb: Any, path: Path) -> None:
    """openpyxl's save without its "modified now" stamp and with fixed zip entry times: the fixed stamp
    marks a workbook this module wrote and nobody saved since (:func:`is_provincial_workbook`), and two
    runs over the same inputs give the same bytes."""
    from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

    from openpyxl.writer.excel import ExcelWriter

    class _SameTimes(ZipFile):
        def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
            if not isinstance(zinfo_or_arcname, ZipInfo):
                zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=(1980, 1, 1, 0, 0, 0))
                zinfo_or_arcname.compress_type = self.compression
            super().writestr(zinfo_or_arcname, data, *args, **kwargs)

        def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
            with open(filename, "rb") as f:  # a sheet openpyxl wrote to a scratch file first
                self.writestr(arcname or os.path.basename(filename), f.read())

    ExcelWriter(wb, _SameTimes(path, "w", ZIP_DEFLATED, allowZip64=True)).save()
