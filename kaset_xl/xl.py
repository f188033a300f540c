"""The workbook's buttons: thin functions that read the calling book through xlwings and call the library.

One function serves both engines: desktop Excel (``RunPython`` → ``xw.Book.caller()``) and xlwings
Server / the remote engine (the VBA client posts the book as JSON → ``xw.Book(json=payload)``; the
actions of ``book.json()`` are applied by the client).  So the functions:

- read only values (the remote engine receives nothing else), sheet by sheet, only the sheets the
  layout needs;
- write only with what xlwings' VBA client can apply (``addin/Remote.bas``): values (formulas as
  ``"=…"`` values), fill colours, add/clear/activate sheets and autofit;
- write text that Excel would turn into a number or a date (``0812345678``, ``1/3``, ``081-234-5678``)
  with a leading apostrophe, which Excel keeps as the text marker on both engines.

The cells coloured by Validate are recorded as values in a column of the results sheet, so the next
run (or Clear) can restore them without reading formats.  The VBA client cannot remove a fill
(``setRangeColor`` with no colour fails in ``HexToRgb``): there the cells get a white fill, which is
what an input cell of the template looks like; desktop Excel gets "no fill".

Heavy modules (xlwings, the library) are imported inside the functions: ``import kaset_xl.xl`` is cheap.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    import xlwings as xw

    from kaset_xl.issues import Issue
    from kaset_xl.scoring import CellWrite
    from kaset_xl.workbook.reader import DistrictBook
    from kaset_xl.workbook.spec import Layout, Table

__all__ = ["validate", "score", "budget", "clear_results", "certificate", "register", "RESULTS_SHEET",
           "STATUS_CELL", "ERROR_FILL", "WARNING_FILL", "HEADER_ROW", "RECORD_COLUMN"]

RESULTS_SHEET = "ผลการตรวจสอบ"
STATUS_CELL = "A2"
HEADER_ROW = 4  # 1-based; issues from the next row
HEADERS = ("ลำดับ", "ระดับ", "รายละเอียด", "รหัส", "ไปที่เซลล์ (คลิก)")
RECORD_COLUMN = 8  # H: the cells coloured by the last run ('sheet'!A1), read back by the next run
RECORD_HEADER = "เซลล์ที่ระบายสีไว้ (ใช้ล้างสีครั้งถัดไป — อย่าแก้ไข)"
ERROR_FILL = "#FFC7CE"
WARNING_FILL = "#FFEB9C"
PLAIN_FILL = "#FFFFFF"  # what the VBA client can do instead of "no fill"
TITLE = "kaset-xl"
# Set by a server (kaset_xl.remote): an unexpected failure is handed to it (it returns the text the
# officer sees) instead of being written to a log file with its traceback on the machine that runs it.
on_failure: Callable[[BaseException], str] | None = None


# ----------------------------------------------------------------------------------------------- buttons

def validate(book: xw.Book | None = None, *, today: dt.date | None = None) -> None:
    """ปุ่มตรวจสอบข้อมูล: list every issue on the results sheet, colour the offending cells."""
    _run(_validate, book, today)


def score(book: xw.Book | None = None, *, today: dt.date | None = None) -> None:
    """ปุ่มคำนวณคะแนน: write the computed results into their cells and the summary sheet."""
    _run(_score, book, today)


def budget(book: xw.Book | None = None, *, today: dt.date | None = None) -> None:
    """ปุ่มสรุปงบประมาณ: write the summary sheet (its budget section) and the budget total in the status."""
    _run(_budget, book, today)


def clear_results(book: xw.Book | None = None, *, today: dt.date | None = None) -> None:
    """ปุ่มล้างผลตรวจสอบ: empty the results sheet and restore the cells coloured by Validate."""
    _run(_clear, book, today)


def certificate(book: xw.Book | None = None, *, folder: str | None = None, thai_digits: bool = False,
                today: dt.date | None = None) -> None:
    """ปุ่มพิมพ์ใบรับรอง: the certificate of the application on the selected row of จัดตั้งกลุ่ม, as a PDF
    next to the workbook (``folder``: elsewhere); an .xlsx to print from Excel when LibreOffice is missing."""
    _run(lambda b, _t: _certificate(b, folder, thai_digits), book, today)


def register(book: xw.Book | None = None, *, today: dt.date | None = None) -> None:
    """ปุ่มย้ายเข้าทะเบียนกลุ่ม: move the approved application on the selected row into ทะเบียนกลุ่ม and สมาชิก."""
    _run(_register, book, today)


def _run(action: Callable[[Any, dt.date | None], None], book: Any, today: dt.date | None) -> None:
    """Run one button; a user problem → a Thai message, anything else → a short message and a log file."""
    if book is None:
        import xlwings as xw

        book = xw.Book.caller()
    from kaset_xl.issues import KasetError

    try:
        action(book, today)
    except KasetError as exc:
        _alert(book, exc.message_th, critical=False)
    except Exception as exc:  # a button must never show a traceback
        if on_failure is not None:
            _alert(book, on_failure(exc), critical=True)
            return
        log = _write_log(exc)
        _alert(book, f"เกิดข้อผิดพลาดที่ไม่คาดคิด ({type(exc).__name__}) — โปรดส่งไฟล์บันทึกนี้ให้ผู้ดูแลระบบ:\n{log}",
               critical=True)


def _alert(book: Any, text: str, *, critical: bool) -> None:
    try:
        book.app.alert(text, title=TITLE, mode="critical" if critical else "info")
    except Exception:  # no UI to show it (e.g. a headless app): the status cell still tells
        try:
            _status(book, text)
        except Exception:
            pass


def _write_log(exc: BaseException) -> str:
    import tempfile
    import traceback
    from pathlib import Path

    folder = Path(tempfile.gettempdir()) / "kaset-xl-logs"  # not an importable name
    path = folder / f"kaset-xl-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    except OSError as err:  # a full disk: the officer still gets the message, without the log
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
        return f"(บันทึกไฟล์บันทึกไม่ได้ — could not write the log: {err.strerror or err})"
    return str(path)


# ----------------------------------------------------------------------------------------------- actions

def _validate(book: Any, today: dt.date | None) -> None:
    from kaset_xl.issues import Severity
    from kaset_xl.validate import validate_book

    district = _read(book)
    issues = validate_book(district, today=today)
    sheet, previous = _results_sheet(book)
    fills: dict[tuple[str, str], str] = {}
    rows: list[list[Any]] = [list(HEADERS)]
    for n, issue in enumerate(issues, 1):
        rows.append([n, issue.severity.label_th, issue.message_th, issue.code, _link(issue)])
        if issue.sheet and issue.cell and issue.severity is not Severity.FATAL:
            key = (issue.sheet, issue.cell)
            if issue.severity is Severity.ERROR or key not in fills:
                fills[key] = ERROR_FILL if issue.severity is Severity.ERROR else WARNING_FILL
    errors = sum(1 for i in issues if i.severity is Severity.ERROR)
    warnings = sum(1 for i in issues if i.severity is Severity.WARNING)
    if not issues:
        rows.append(["", "", "ไม่พบปัญหา ✔", "", ""])
    _restore(book, previous - set(fills))
    known = {s.name for s in book.sheets}
    for (sheet_name, cell), colour in fills.items():
        if sheet_name in known:
            book.sheets[sheet_name][cell].color = colour
    record = [RECORD_HEADER, *(_ref(s, c) for s, c in fills)]
    _write(sheet, 1, 1, [["ผลการตรวจสอบข้อมูล (kaset-xl)"],
                         [f"ตรวจสอบเมื่อ {_now_be()} — ข้อผิดพลาด {errors} รายการ, คำเตือน {warnings} รายการ"]])
    _write(sheet, HEADER_ROW, 1, rows)
    _write(sheet, HEADER_ROW, RECORD_COLUMN, [[v] for v in record])
    sheet.range((HEADER_ROW, 1), (HEADER_ROW + len(rows) - 1, len(HEADERS))).columns.autofit()
    sheet.activate()


def _score(book: Any, today: dt.date | None) -> None:
    from kaset_xl.scoring import score_book

    district = _read(book)
    outcome = score_book(district, today=today)
    _apply(book, outcome.writes, district.layout)
    _print_rows(book, outcome.print_rows)
    errors = sum(1 for i in outcome.issues if i.severity.value == "error")
    note = f" — พบข้อผิดพลาด {errors} รายการ (กดปุ่มตรวจสอบข้อมูลเพื่อดูรายละเอียด)" if errors else ""
    _status(book, f"คำนวณคะแนนเมื่อ {_now_be()}{note}")
    if district.layout.summary_sheet:
        book.sheets[district.layout.summary_sheet].activate()


def _budget(book: Any, today: dt.date | None) -> None:
    from kaset_xl.scoring import score_book

    district = _read(book)
    outcome = score_book(district, today=today)
    summary = district.layout.summary_sheet
    _apply(book, [w for w in outcome.writes if w.sheet == summary])
    _status(book, f"สรุปงบประมาณเมื่อ {_now_be()} — งบประมาณรวม {outcome.result.budget.total:,.2f} บาท")
    if summary:
        book.sheets[summary].activate()


def _clear(book: Any, today: dt.date | None) -> None:
    if RESULTS_SHEET not in {s.name for s in book.sheets}:
        return
    sheet, previous = _results_sheet(book)
    _restore(book, previous)
    _write(sheet, 1, 1, [["ผลการตรวจสอบข้อมูล (kaset-xl)"], [f"ล้างผลการตรวจสอบเมื่อ {_now_be()}"]])


def _selected_application(book: Any, district: DistrictBook) -> str:
    """The group name of the application on the selected row of the establishment sheet."""
    from kaset_xl.certificate import ESTABLISH_TABLE
    from kaset_xl.issues import KasetError

    sheet = district.layout.table(ESTABLISH_TABLE).sheet
    try:
        selection = book.selection
        on_sheet = selection is not None and selection.sheet.name == sheet
        row = selection.row if on_sheet else None
    except Exception:  # no selection the engine can report (a shape, a chart)
        row = None
    for application in district.table_rows(ESTABLISH_TABLE):
        if row is not None and application["row"] == row and application.get("name"):
            return str(application["name"])
    raise KasetError("CERT_NO_ROW_SELECTED", sheet=sheet)


def _book_folder(book: Any) -> Path:
    """The workbook's folder; the user's Documents (or home) when the book has no local path."""
    from pathlib import Path

    full = str(getattr(book, "fullname", "") or "")
    path = Path(full)
    if full and "://" not in full and path.is_absolute():
        return path.parent
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def _safe_file_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._") or "group"


def _certificate(book: Any, folder: str | None, thai_digits: bool) -> None:
    from pathlib import Path

    from kaset_xl.certificate import certificate_data, render_certificate
    from kaset_xl.issues import KasetError

    district = _read(book)
    data = certificate_data(district, _selected_application(book, district))
    target = (Path(folder) if folder else _book_folder(book)) / f"ใบรับรอง-{_safe_file_name(data.group_name)}.pdf"
    note = ""
    try:
        written = render_certificate(data, target, thai_digits=thai_digits, overwrite=True)
    except KasetError as exc:
        if exc.code != "CERT_LIBREOFFICE_MISSING":
            raise
        written = render_certificate(data, target.with_suffix(".xlsx"), thai_digits=thai_digits, overwrite=True)
        note = "\n(ไม่พบ LibreOffice จึงบันทึกเป็น Excel — เปิดแล้วสั่งพิมพ์ หรือบันทึกเป็น PDF จาก Excel)"
    _status(book, f"พิมพ์ใบรับรอง {data.group_name} เลขที่ {data.certificate_no} เมื่อ {_now_be()}: {written}")
    _alert(book, f"บันทึกใบรับรองการจัดตั้ง{data.group_name} แล้วที่\n{written}{note}", critical=False)


def _register(book: Any, today: dt.date | None) -> None:
    from kaset_xl.establish_register import plan_registration

    district = _read(book)
    plan = plan_registration(district, _selected_application(book, district))
    _apply(book, plan.writes)
    _print_rows(book, plan.print_rows)
    note = f" — คำขอยังมีข้อผิดพลาด {len(plan.errors)} รายการ (กดปุ่มตรวจสอบข้อมูล)" if plan.errors else ""
    _status(book, f"ย้าย{plan.group}เข้าทะเบียนกลุ่ม (แถว {plan.group_row}) พร้อมสมาชิก {len(plan.member_rows)} คน "
                  f"เมื่อ {_now_be()}{note}")
    book.sheets[district.layout.table("groups").sheet].activate()


# ----------------------------------------------------------------------------------------------- reading

class _BookGrids(Mapping[str, list[list[Any]]]):
    """The book's sheets' values (from A1), read on first use, in the reader's value types."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.names = [s.name for s in book.sheets]
        self._cache: dict[str, list[list[Any]]] = {}
        self.errors: list[Any] = []  # ErrorCell of the sheets read so far

    def __getitem__(self, name: str) -> list[list[Any]]:
        if name not in self.names:
            raise KeyError(name)
        if name not in self._cache:
            self._cache[name] = _grid(self.book.sheets[name], self.errors)
        return self._cache[name]

    def __contains__(self, name: object) -> bool:  # without loading the sheet
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _grid(sheet: Any, errors: list[Any] | None = None) -> list[list[Any]]:
    """The sheet's values from A1, as the reader's file path gives them (error cells blank, and
    appended to ``errors`` as ``ErrorCell``).

    ``raw_value``, not ``value``: xlwings' remote engine turns any text shaped like an ISO date-time
    into a datetime and fails on one without a ``Z`` (``'2020-10-01T08:30:00'``, the template's own
    creation stamp, raises ValueError in ``_clean_value_data_element``).  Here only the form the VBA
    client gives dates in (``…T00:00:00.000Z``) is a date; other text stays text.
    """
    from kaset_xl.workbook.guard import check_extent

    used = sheet.used_range
    rows, columns = used.shape
    # the file path's limits, before a value is read (a used range reaching XFD1048576 would hang the click)
    check_extent(str(getattr(sheet.book, "name", "")), sheet.name, used.row + rows - 1, used.column + columns - 1)
    raw = used.raw_value
    if not isinstance(raw, (list, tuple)):
        raw = [[raw]]
    elif raw and not isinstance(raw[0], (list, tuple)):
        raw = [raw]
    top, left = used.row - 1, used.column - 1  # desktop Excel's used range may not start at A1
    pad = [""] * left
    out: list[list[Any]] = [[] for _ in range(top)]
    for r, row in enumerate(raw, start=top + 1):
        if errors is not None:
            for c, v in enumerate(row, start=left):
                if (text := _error_text(v)) is not None:
                    errors.append(_error_cell(sheet.name, r, c, text))
        out.append([*pad, *(_plain(v) for v in row)])
    return out


def _error_text(v: Any) -> str | None:
    """'#REF!' … when ``v`` is an Excel error value as xlwings hands it over, else None."""
    if type(v) is str:
        return v if v in _ERROR_TEXT else None
    if type(v) is int:
        return _ERROR_CODES.get(v)
    return None


def _error_cell(sheet: str, row: int, col: int, value: str) -> Any:
    from kaset_xl.workbook.guard import ErrorCell
    from kaset_xl.workbook.layout import cell_name

    return ErrorCell(sheet, cell_name(row - 1, col), value)


_CLIENT_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$")
_ERROR_TEXT = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!"})
# Desktop Excel through COM (``raw_value`` on Windows): an error cell is an integer, Excel's CVErr code as
# an HRESULT (xlErrDiv0 = 2007 → 0x800A07D7), as xlwings' own table in _xlwindows.py lists them.  Numbers
# come as floats there; no cell of a district workbook holds these integers as numbers.
_ERROR_CODES = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?", -2146826288: "#NULL!",
                -2146826252: "#NUM!", -2146826265: "#REF!", -2146826273: "#VALUE!"}


def _plain(v: Any) -> Any:
    """One value → the reader's types (blank and error cells as '', whole-day dates as date)."""
    if v is None or _error_text(v) is not None:
        return ""
    if isinstance(v, str):
        if _CLIENT_DATE.match(v):
            try:
                v = dt.datetime.fromisoformat(v[:-1])
            except ValueError:
                return v
        else:
            return v
    if isinstance(v, dt.datetime):
        v = v.replace(tzinfo=None)
        return v.date() if v.time() == dt.time(0) else v
    return v


def _read(book: Any) -> DistrictBook:
    from kaset_xl.workbook.reader import read_district_grids

    grids = _BookGrids(book)
    return read_district_grids(grids, book.name, errors=grids.errors)


def _results_sheet(book: Any) -> tuple[Any, set[tuple[str, str]]]:
    """The results sheet (added when missing, else its contents cleared) and the cells it recorded."""
    names = [s.name for s in book.sheets]
    if RESULTS_SHEET not in names:
        after = book.sheets[names[-1]]
        return book.sheets.add(RESULTS_SHEET, after=after), set()
    sheet = book.sheets[RESULTS_SHEET]
    previous: set[tuple[str, str]] = set()
    for row in _grid(sheet)[HEADER_ROW:]:
        v = row[RECORD_COLUMN - 1] if len(row) >= RECORD_COLUMN else ""
        ref = _parse_ref(v) if isinstance(v, str) else None
        if ref:
            previous.add(ref)
    sheet.clear_contents()
    return sheet, previous


# ----------------------------------------------------------------------------------------------- writing

def _restore(book: Any, cells: Iterable[tuple[str, str]]) -> None:
    known = {s.name for s in book.sheets}
    plain = PLAIN_FILL if _vba_client(book) else None
    for sheet_name, cell in sorted(cells):
        if sheet_name in known:
            book.sheets[sheet_name][cell].color = plain


def _vba_client(book: Any) -> bool:
    api = getattr(book, "api", None)
    return isinstance(api, dict) and api.get("client") == "VBA"


def _status(book: Any, text: str) -> None:
    names = {s.name for s in book.sheets}
    if RESULTS_SHEET in names:
        sheet = book.sheets[RESULTS_SHEET]
    else:
        sheet = book.sheets.add(RESULTS_SHEET, after=book.sheets[[s.name for s in book.sheets][-1]])
        _write(sheet, 1, 1, [["ผลการตรวจสอบข้อมูล (kaset-xl)"]])
    _write(sheet, 2, 1, [[text]])


def _apply(book: Any, writes: Iterable[CellWrite], layout: Layout | None = None) -> None:
    """Apply the library's cell writes as few rectangular blocks (one action each on the remote engine);
    with the book's ``layout``, the computed cells written get their style too."""
    by_sheet: dict[str, dict[tuple[int, int], Any]] = {}
    for w in writes:
        by_sheet.setdefault(w.sheet, {})[_rc(w.cell)] = w.value
    for sheet_name, cells in by_sheet.items():
        sheet = book.sheets[sheet_name]
        for top, left, block in _blocks(cells):
            _write(sheet, top, left, block)
        tables = [t for t in layout.tables if t.sheet == sheet_name] if layout is not None else []
        if tables:
            _computed_style(sheet, tables[0], cells)


def _computed_style(sheet: Any, table: Table, cells: dict[tuple[int, int], Any]) -> None:
    """The computed cells written (results, formulas) get the grey fill and number format of their column, as
    the template has them: Excel gives a new cell its column's format, and this makes sure of it (a fill and a
    number format are what the VBA client can apply).  Only cells with a value: a styled empty cell would
    weigh in the file and in its printed range."""
    from kaset_xl.workbook.spec import COMPUTED_FILL, number_format

    computed = {table.index(c.key) + 1: number_format(c.type) for c in table.columns if not c.is_input}
    rows: dict[int, list[int]] = {}
    for (r, c), value in cells.items():
        if c in computed and value is not None:
            rows.setdefault(c, []).append(r)
    for c, found in rows.items():
        for top, bottom in _runs(found):
            rng = sheet.range((top, c), (bottom, c))
            rng.color = COMPUTED_FILL
            rng.number_format = computed[c]


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted runs of consecutive row numbers: [3, 4, 5, 9] → [(3, 5), (9, 9)]."""
    out: list[tuple[int, int]] = []
    for r in sorted(rows):
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def _print_rows(book: Any, last_rows: Mapping[str, int]) -> None:
    """A fixed print area (a workbook made before issue 15) set down to the last row in use, so that every row
    prints: the sheet's ``Print_Area`` name is added again (the VBA client's ``namesAdd``, which replaces it).
    A sheet without one prints its used range, which follows the data: it is left so."""
    from kaset_xl.workbook.editing import print_area_to_row

    for sheet_name, last in last_rows.items():
        sheet = book.sheets[sheet_name]
        for name in sheet.names:
            if name.name.split("!")[-1] != "Print_Area":
                continue
            area = print_area_to_row(name.refers_to_range.address, last)
            if area is not None:
                sheet.names.add("Print_Area", f"={_ref(sheet_name, area)}")


def _blocks(cells: dict[tuple[int, int], Any]) -> list[tuple[int, int, list[list[Any]]]]:
    """Cells → blocks: runs of rows per column, adjacent columns with the same run merged."""
    by_col: dict[int, list[int]] = {}
    for r, c in cells:
        by_col.setdefault(c, []).append(r)
    runs: dict[int, list[tuple[int, int]]] = {}
    for col, rows in by_col.items():
        rows.sort()
        start = prev = rows[0]
        for r in rows[1:]:
            if r != prev + 1:
                runs.setdefault(col, []).append((start, prev))
                start = r
            prev = r
        runs.setdefault(col, []).append((start, prev))
    out: list[tuple[int, int, list[list[Any]]]] = []
    done: set[tuple[int, tuple[int, int]]] = set()
    for col in sorted(runs):
        for run in runs[col]:
            if (col, run) in done:
                continue
            last = col
            while run in runs.get(last + 1, []):
                last += 1
                done.add((last, run))
            block = [[cells[(r, c)] for c in range(col, last + 1)] for r in range(run[0], run[1] + 1)]
            out.append((run[0], col, block))
    return out


def _write(sheet: Any, top: int, left: int, rows: list[list[Any]]) -> None:
    """Write a block of values; text stays text (:func:`kaset_xl.textcell.write`), only this module's links
    (:class:`~kaset_xl.textcell.Formula`) are formulas."""
    from kaset_xl.textcell import write

    width = max(len(r) for r in rows)
    block = [list(r) + [None] * (width - len(r)) for r in rows]
    write(sheet.range((top, left), (top + len(block) - 1, left + width - 1)), block)


# ----------------------------------------------------------------------------------------------- helpers

_REF = re.compile(r"^'((?:[^']|'')+)'!([A-Z]{1,3}[0-9]+)$")
_CELL = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


def _ref(sheet: str, cell: str) -> str:
    return "'" + sheet.replace("'", "''") + "'!" + cell


def _parse_ref(text: str) -> tuple[str, str] | None:
    m = _REF.match(text.strip())
    return (m.group(1).replace("''", "'"), m.group(2)) if m else None


def _link(issue: Issue) -> str:
    from kaset_xl.textcell import Formula

    if not (issue.sheet and issue.cell):
        return issue.sheet or ""
    target = _ref(issue.sheet, issue.cell).replace('"', '""')
    shown = f"{issue.sheet}!{issue.cell}".replace('"', '""')
    return Formula(f'=HYPERLINK("#{target}","{shown}")')


_RC: dict[str, tuple[int, int]] = {}


def _rc(cell: str) -> tuple[int, int]:
    found = _RC.get(cell)
    if found is not None:
        return found
    m = _CELL.match(cell)
    if m is None:
        raise ValueError(f"not an A1 cell: {cell!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    found = _RC[cell] = (int(m.group(2)), col)
    return found


def _now_be() -> str:
    now = dt.datetime.now()
    return f"{now.day}/{now.month:02d}/{now.year + 543} {now:%H:%M} น."
