"""xlwings' VBA client, emulated in Python for tests: the payload it posts and the actions it applies.

``payload_from_file`` builds the JSON that ``RunServerPython`` (xlwings 0.37.8, ``addin/Remote.bas``)
posts for a workbook: ``client``/``version``, ``book`` (name, 0-based ``active_sheet_index``,
``selection``), ``names`` (only names that refer to a range: ``sheet_index``, ``address`` without ``$``,
``book_scope``, ``scope_sheet_name``, ``scope_sheet_index``), and per worksheet (hidden ones included,
in order) ``name``, ``pictures``, ``tables`` and ``values``: the block from A1 to the end of the used
range as ``Range.Value`` gives it, serialised by ``WebHelpers.ConvertToJson`` — empty → null, numbers
as ``CStr`` prints a Double (15 significant digits, no ``.0``), dates as ``yyyy-mm-ddTHH:MM:SS.000Z``,
booleans, error values as ``#N/A``… strings, an all-digit string of 16+ characters as a bare number,
an empty sheet as ``[[]]``.

``apply_actions`` applies ``book.json()["actions"]`` to an openpyxl workbook the way ``Remote.bas``
does, and refuses what the VBA client cannot do (an action it has no Sub for, "no fill") or what
Excel would silently change (text that ``WebHelpers.ParseIso`` or Excel's typing would turn into a
date or a number).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

# xlwings registers its remote engine at import time, only with a valid license key: the key has to
# be in the environment before the first ``import xlwings`` of the process.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl  # noqa: E402
import xlwings  # noqa: E402
from openpyxl.styles import PatternFill  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.worksheet.hyperlink import Hyperlink  # noqa: E402

REMOTE_BAS = Path(xlwings.__file__).parent / "addin" / "Remote.bas"
VBA_SUBS = frozenset(re.findall(r"^Sub (\w+)\(wb As Workbook, action As Dictionary\)",
                                REMOTE_BAS.read_text(encoding="utf-8", errors="replace"), re.M))


def remote_engine_problem() -> str | None:
    """Why xlwings' remote engine cannot run here (None: it can): the server's own check, which registers the
    engine with xlwings' code when xlwings was imported before the licence key was set."""
    from kaset_xl.remote import engine_problem

    return engine_problem()


_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"}


def _json_value(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, dt.date):
        return f"{v:%Y-%m-%d}T00:00:00.000Z"
    if isinstance(v, dt.time):
        return f"1899-12-30T{v:%H:%M:%S}.000Z"
    if isinstance(v, (int, float)):
        text = f"{float(v):.15G}"  # VBA CStr(Double)
        return json.loads(text.replace("E+", "E"))
    s = str(v)
    if 16 <= len(s) <= 100 and all(ch in ".0123456789Ee" for ch in s):
        return json.loads(s)  # json_StringIsLargeNumber: sent unquoted
    return s


def _address(ref: str) -> tuple[str, str] | None:
    m = re.fullmatch(r"(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)", ref)
    if not m:
        return None
    return (m.group(1) or m.group(2)).replace("''", "'"), m.group(3).replace("$", "")


def payload_from_file(path: str | Path, *, active_sheet: int = 0) -> dict[str, Any]:
    """The JSON body xlwings' VBA client posts for the workbook at ``path``."""
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = wb.worksheets
    index = {ws.title: i for i, ws in enumerate(sheets)}
    names = []
    for name, dn in wb.defined_names.items():
        found = _address(dn.attr_text or "")
        if found and found[0] in index:
            names.append({"name": name, "sheet_index": index[found[0]], "address": found[1],
                          "book_scope": True, "scope_sheet_name": None, "scope_sheet_index": None})
    payload_sheets = []
    for i, ws in enumerate(sheets):
        if ws.print_area:  # Excel's Print_Area is a sheet-scoped name, posted like the others
            found = _address(ws.print_area.split(",")[0])
            if found and found[0] in index:
                names.append({"name": f"{ws.title}!Print_Area", "sheet_index": i, "address": found[1],
                              "book_scope": False, "scope_sheet_name": ws.title, "scope_sheet_index": i})
        for name, dn in ws.defined_names.items():
            found = _address(dn.attr_text or "")
            if found and found[0] in index:
                names.append({"name": f"{ws.title}!{name}", "sheet_index": index[found[0]], "address": found[1],
                              "book_scope": False, "scope_sheet_name": ws.title, "scope_sheet_index": i})
        rows = [[_json_value(c) for c in row] for row in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
        if not rows or all(v is None for row in rows for v in row):
            rows = [[]]
        tables = []
        for t in ws.tables.values():
            tables.append({"name": t.name, "range_address": t.ref, "header_row_range_address": None,
                           "data_body_range_address": t.ref, "total_row_range_address": None,
                           "show_headers": bool(t.headerRowCount), "show_totals": bool(t.totalsRowCount),
                           "table_style": t.tableStyleInfo.name if t.tableStyleInfo else None,
                           "show_autofilter": t.autoFilter is not None})
        payload_sheets.append({"name": ws.title, "pictures": [], "tables": tables, "values": rows})
    payload = {
        "client": "VBA",
        "version": xlwings.__version__,
        "book": {"name": Path(path).name, "active_sheet_index": active_sheet, "selection": "A1"},
        "names": names,
        "sheets": payload_sheets,
    }
    return json.loads(json.dumps(payload, ensure_ascii=False))


# ------------------------------------------------------------------------------------------ the applier

class ClientRefused(AssertionError):
    """The VBA client (or Excel behind it) would fail or silently change the value."""


def _parse_iso(s: str) -> dt.datetime | None:
    """What ``WebHelpers.ParseIso`` accepts as a date (CInt of the first three '-' parts of the part before 'T')."""
    parts = s.split("T")
    date_parts = parts[0].split("-")
    if len(date_parts) < 3:
        return None
    try:
        y, m, d = (round(float(p.strip())) for p in date_parts[:3])
    except ValueError:
        return None
    try:
        return dt.datetime(y, m, d)
    except ValueError:
        return dt.datetime(1900, 1, 1)  # DateSerial rolls over: still a date, never the text


_NUMBER_LIKE = re.compile(r"^\s*[-+(]?[$฿€]?\s*[\d,]*\.?\d+(?:[eE][-+]?\d+)?\s*%?\)?\s*$")
_DATE_LIKE = re.compile(r"^\s*\d{1,4}\s*[/.:-]\s*\d{1,4}(?:\s*[/.:-]\s*\d{1,4})?\s*$")


def _excel_value(v: Any) -> tuple[Any, bool]:
    """(stored value, quote prefix) of a value the client puts into ``Range.Value``."""
    if v is None or v == "":
        return None, False
    if not isinstance(v, str):
        return v, False
    parsed = _parse_iso(v)
    if parsed is not None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?", v):
            return parsed, False  # a date sent as a date
        raise ClientRefused(f"the VBA client's ParseIso turns the text {v!r} into a date")
    if v.startswith("'"):
        return v[1:], True
    if v.startswith("="):
        return v, False
    if _NUMBER_LIKE.match(v) or _DATE_LIKE.match(v) or v.strip().upper() in ("TRUE", "FALSE") or v in _ERRORS:
        raise ClientRefused(f"Excel turns the text {v!r} into a number, date or error")
    return v, False


def _cells(ws: Any, a: dict[str, Any]) -> list[list[Any]]:
    r0, c0 = a["start_row"] + 1, a["start_column"] + 1
    return [[ws.cell(r0 + i, c0 + j) for j in range(a["column_count"])] for i in range(a["row_count"])]


class Applied:
    """What applying the actions did that a file cannot show."""

    def __init__(self) -> None:
        self.alerts: list[list[Any]] = []
        self.funcs: list[str] = []
        self.active: str | None = None


def apply_actions(wb: Any, actions: list[dict[str, Any]]) -> Applied:
    """Apply ``book.json()["actions"]`` to the openpyxl workbook ``wb`` as xlwings' VBA client does."""
    done = Applied()
    for a in json.loads(json.dumps(actions)):  # what travels is JSON
        func = a["func"]
        done.funcs.append(func)
        if func not in VBA_SUBS:
            raise ClientRefused(f"xlwings' VBA client has no Sub {func!r} (Remote.bas)")
        ws = wb.worksheets[a["sheet_position"]] if a.get("sheet_position") is not None else None
        if func in _RANGE_ACTIONS:
            _RANGE_ACTIONS[func](ws, a)
        elif func == "sheetClearContents":
            for row in ws.iter_rows():
                for cell in row:
                    cell.value = None
        elif func == "addSheet":
            position, name = a["args"][0], a["args"][1]
            wb.create_sheet(title=name, index=position)
            wb.active = position
        elif func == "namesAdd":
            name, refers_to = a["args"][0], a["args"][1]
            if ws is None or name != "Print_Area":
                raise AssertionError(f"the test applier handles only a sheet's Print_Area, not {name!r}")
            ws.print_area = refers_to.lstrip("=").split("!")[-1]
        elif func == "activateSheet":
            wb.active = a["args"][0]
        elif func == "alert":
            done.alerts.append(a["args"])
        elif func != "setAutofit":  # setAutofit: widths only, nothing a test reads
            raise AssertionError(f"the test applier does not handle {func!r} yet")
    done.active = wb.active.title if wb.active is not None else None
    return done


def _set_values(ws: Any, a: dict[str, Any]) -> None:
    values = a["values"]
    assert len(values) == a["row_count"] and all(len(r) == a["column_count"] for r in values)
    for row, cells in zip(values, _cells(ws, a), strict=False):
        for v, cell in zip(row, cells, strict=False):
            value, quoted = _excel_value(v)
            cell.value = value
            if isinstance(value, str) and (quoted or not value.startswith("=")):
                cell.data_type = "s"
            if quoted:
                cell.quotePrefix = True


def _each_cell(ws: Any, a: dict[str, Any], apply: Callable[[Any], None]) -> None:
    for row in _cells(ws, a):
        for cell in row:
            apply(cell)


def _clear(ws: Any, a: dict[str, Any]) -> None:
    def clear(cell: Any) -> None:
        cell.value = None

    _each_cell(ws, a, clear)


def _colour(ws: Any, a: dict[str, Any]) -> None:
    colour = a["args"][0]
    if not isinstance(colour, str):
        raise ClientRefused(f"setRangeColor with {colour!r}: HexToRgb fails on Null (Remote.bas)")
    fill = PatternFill("solid", fgColor="FF" + colour.lstrip("#").upper())

    def paint(cell: Any) -> None:
        cell.fill = fill

    _each_cell(ws, a, paint)


def _number_format(ws: Any, a: dict[str, Any]) -> None:
    def fmt(cell: Any) -> None:
        cell.number_format = a["args"][0]

    _each_cell(ws, a, fmt)


def _hyperlink(ws: Any, a: dict[str, Any]) -> None:
    def link(cell: Any) -> None:
        cell.hyperlink = Hyperlink(ref=cell.coordinate, target=a["args"][0], display=a["args"][1])

    _each_cell(ws, a, link)


# The client's Subs that act on the action's range.
_RANGE_ACTIONS: dict[str, Callable[[Any, dict[str, Any]], None]] = {
    "setValues": _set_values, "rangeClearContents": _clear, "setRangeColor": _colour,
    "setNumberFormat": _number_format, "addHyperlink": _hyperlink,
}


def fill_of(cell: Any) -> str | None:
    """The cell's solid fill as '#RRGGBB' (None: no fill)."""
    f = cell.fill
    if f is None or f.fill_type != "solid":
        return None
    rgb = f.fgColor.rgb if f.fgColor is not None else None
    return "#" + rgb[-6:].upper() if isinstance(rgb, str) else None


def a1(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"
