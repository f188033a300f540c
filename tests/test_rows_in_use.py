"""The rows in use (issues 17 and 15): live formulas only where the data is, print areas that follow the data,
computed cells that keep their style and carry cached values equal to the library's numbers."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from stdnum.th import pin

from kaset_xl import xl
from kaset_xl.domain.budget import BudgetLine, line_amount
from kaset_xl.establish_register import register_file
from kaset_xl.scoring import score_book, score_file
from kaset_xl.workbook.builder import COMPUTED_FILL
from kaset_xl.workbook.layout import LAYOUT
from kaset_xl.workbook.printing import blank_form_rows, live_rows, rows_to_page_end
from kaset_xl.workbook.reader import read_district_workbook
from kaset_xl.workbook.spec import number_format
from rows_support import build_sixty, sheet_xml_bytes
from support import require_tool
from xl_engine_support import apply_actions, fill_of, payload_from_file, remote_engine_problem

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbooks" / "5803-Pai-2564.xlsx"
TODAY = dt.date(2026, 1, 15)
IFPP, BUDGET, ASSESSMENT, MEMBERS = (LAYOUT.table(k) for k in ("ifpp", "budget", "assessment", "members"))
TARGET = 250_000  # bytes of sheet XML for a 60-member workbook (issue 17)


def _formula_rows(path: Path, table: Any, key: str) -> list[int]:
    ws = openpyxl.load_workbook(path)[table.sheet]
    col = table.index(key) + 1
    return [r for r in range(table.first_data_row, table.last_data_row + 1)
            if isinstance(ws.cell(r, col).value, str) and ws.cell(r, col).value.startswith("=")]


def _cached(path: Path, sheet: str) -> list[list[Any]]:
    wb = CalamineWorkbook.from_path(str(path))  # the cached values, as a viewer that does not recalculate shows
    try:
        return wb.get_sheet_by_name(sheet).to_python()
    finally:
        wb.close()


def _type_ifpp_row(path: Path, out: Path, n: int, cost: float, revenue: float) -> int:
    """Type a plan into the ``n``-th data row of IFPP (as an officer does in Excel); its worksheet row."""
    wb = openpyxl.load_workbook(path)
    ws = wb[IFPP.sheet]
    row = IFPP.first_data_row + n
    ws[f"{IFPP.letter('no')}{row}"] = n + 1
    head = f"3{n:011d}"
    ws[f"{IFPP.letter('citizen_id')}{row}"] = head + pin.calc_check_digit(head)
    ws[f"{IFPP.letter('cost')}{row}"] = cost
    ws[f"{IFPP.letter('revenue')}{row}"] = revenue
    wb.save(out)
    return row


# ============================================================================== issue 17: half-weight workbooks

def test_a_sixty_member_workbook_has_at_most_250_kB_of_sheet_xml(tmp_path: Path) -> None:
    size = sheet_xml_bytes(build_sixty(tmp_path / "sixty.xlsx"))
    print(f"\nsheet XML of a 60-member workbook: {size:,} bytes (target {TARGET:,})")
    assert size <= TARGET


def test_a_template_holds_the_formulas_in_its_first_page_rows_only(template_path: Path) -> None:
    areas = ((ASSESSMENT, c.key) for c in ASSESSMENT.formula_columns)
    for table, key in ((IFPP, "profit"), (BUDGET, "amount"), *areas):
        first = table.first_data_row
        assert _formula_rows(template_path, table, key) == list(range(first, first + blank_form_rows(table)))
        assert blank_form_rows(table) >= 10, f"{table.sheet}: a page holds at least 10 rows"


def test_the_margin_ends_with_the_page_the_data_ends_on() -> None:
    """The rows after the data: those that still fit its printed page (none of them on a page of their own,
    none when it is full); a row that does not fit the rest of a page starts the next one."""
    per_page = rows_to_page_end(ASSESSMENT, [])
    assert per_page == blank_form_rows(ASSESSMENT)
    assert rows_to_page_end(ASSESSMENT, [24.0] * 2) == per_page - 2
    assert rows_to_page_end(ASSESSMENT, [24.0] * per_page) == 0
    assert rows_to_page_end(ASSESSMENT, [24.0] * (per_page + 1)) == per_page - 1  # the next page
    first = ASSESSMENT.first_data_row
    full = {first + k: {} for k in range(per_page)}
    assert len(live_rows(ASSESSMENT, full)) == per_page  # a full page: no row on the next (a page of blanks)


def test_score_extends_the_formulas_to_the_rows_in_use(template_path: Path, tmp_path: Path) -> None:
    typed = tmp_path / "typed.xlsx"
    row = _type_ifpp_row(template_path, typed, 60, 1_000.5, 4_000.25)  # far below the first rows
    out = tmp_path / "scored.xlsx"
    score_file(typed, out, today=TODAY)
    heights = [24.0] * (row - IFPP.first_data_row + 1)
    end = row + rows_to_page_end(IFPP, heights)
    assert _formula_rows(out, IFPP, "profit") == list(range(IFPP.first_data_row, end + 1))
    profit = IFPP.index("profit")
    assert _cached(out, IFPP.sheet)[row - 1][profit] == 2_999.75  # the library's number, cached


def test_the_score_button_extends_the_formulas_too(template_path: Path, tmp_path: Path) -> None:
    problem = remote_engine_problem()
    if problem:  # pragma: no cover - only when the engine cannot start here
        pytest.skip(f"xlwings' remote engine cannot run here: {problem}")
    import xlwings as xw

    typed = tmp_path / "typed.xlsx"
    row = _type_ifpp_row(template_path, typed, 40, 100, 350)
    book = xw.Book(json=payload_from_file(typed))
    xl.score(book, today=TODAY)
    wb = openpyxl.load_workbook(typed, rich_text=True)
    apply_actions(wb, book.json()["actions"])
    out = tmp_path / "engine.xlsx"
    wb.save(out)
    heights = [24.0] * (row - IFPP.first_data_row + 1)
    end = row + rows_to_page_end(IFPP, heights)
    assert _formula_rows(out, IFPP, "profit") == list(range(IFPP.first_data_row, end + 1))
    cell = openpyxl.load_workbook(out)[IFPP.sheet][f"{IFPP.letter('profit')}{row}"]
    assert cell.value == IFPP.formula_at(IFPP.column("profit"), row)


# ============================================================================== issue 15: every row prints

def _printed_text(path: Path, sheet: str, lo_convert: Callable[[Path, str, Path], Path], outdir: Path) -> str:
    """The text of ``sheet`` printed through LibreOffice (the other sheets hidden in a copy)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.title != sheet:
            ws.sheet_state = "hidden"
            ws.print_area = None  # LibreOffice prints a hidden sheet's print area
    wb.active = wb.sheetnames.index(sheet)
    copy = outdir / "only.xlsx"
    wb.save(copy)
    pdf = lo_convert(copy, "pdf", outdir / "pdf")
    pdftotext = require_tool("pdftotext")
    return subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.libreoffice
def test_forty_members_typed_into_a_template_all_print(template_path: Path, tmp_path: Path,
                                                       lo_convert: Callable[[Path, str, Path], Path]) -> None:
    wb = openpyxl.load_workbook(template_path)
    ws = wb[MEMBERS.sheet]
    for n in range(40):
        r = MEMBERS.first_data_row + n
        ws[f"{MEMBERS.letter('no')}{r}"] = n + 1
        ws[f"{MEMBERS.letter('first_name')}{r}"] = f"สมชาย{n + 1:02d}"
        ws[f"{MEMBERS.letter('last_name')}{r}"] = "ใจดี"
    typed = tmp_path / "typed.xlsx"
    wb.save(typed)
    text = _printed_text(typed, MEMBERS.sheet, lo_convert, tmp_path)
    missing = [n + 1 for n in range(40) if f"สมชาย{n + 1:02d}" not in text]
    assert not missing, f"members not printed: {missing}"


@pytest.mark.libreoffice
def test_members_added_by_register_print(tmp_path: Path, lo_convert: Callable[[Path, str, Path], Path]) -> None:
    work = tmp_path / "work.xlsx"
    shutil.copy(SAMPLE, work)
    plan = register_file(work, "กลุ่มแปรรูปกล้วยตาก")  # approved in the sample
    assert plan.member_rows and max(plan.member_rows) > MEMBERS.first_data_row + 20
    book = read_district_workbook(work)
    ids = {m["row"]: m["citizen_id"] for m in book.table_rows("members")}
    text = _printed_text(work, MEMBERS.sheet, lo_convert, tmp_path).replace(" ", "")
    missing = [r for r in plan.member_rows if ids[r] not in text]
    assert not missing, f"rows added by register not printed: {missing}"


def _print_last_row(path: Path, sheet: str) -> int:
    area = openpyxl.load_workbook(path)[sheet].print_area
    assert area, sheet
    return int(area.rsplit("$", 1)[-1])


def _as_made_before(src: Path, out: Path) -> Path:
    """``src`` with the print areas a workbook made before issue 15 has: fixed at its rows then (20 at least)."""
    wb = openpyxl.load_workbook(src, rich_text=True)
    book = read_district_workbook(src)
    for table in LAYOUT.tables:
        rows = [r["row"] for r in book.table_rows(table.key)]
        last = max([table.header_row + 20, *rows])
        wb[table.sheet].print_area = f"A1:{table.letter(table.columns[-1].key)}{last}"
    wb.save(out)
    return out


def test_score_and_register_set_a_fixed_print_area_to_the_rows_in_use(tmp_path: Path) -> None:
    """A workbook made before issue 15 has print areas fixed at its rows then: score and register set them
    down to the rows in use."""
    work = _as_made_before(SAMPLE, tmp_path / "work.xlsx")
    members_before = _print_last_row(work, MEMBERS.sheet)
    plan = register_file(work, "กลุ่มแปรรูปกล้วยตาก")
    assert max(plan.member_rows) > members_before
    assert _print_last_row(work, MEMBERS.sheet) == max(plan.member_rows)
    wb = openpyxl.load_workbook(work)  # the officer types 30 more plans into IFPP, beyond the print area
    ws = wb[IFPP.sheet]
    last = max(r["row"] for r in read_district_workbook(work).table_rows("ifpp"))
    for r in range(last + 1, last + 31):
        ws[f"{IFPP.letter('goal')}{r}"] = f"เป้าหมาย {r}"
    wb.save(work)
    assert _print_last_row(work, IFPP.sheet) < last + 30
    score_file(work, today=TODAY)
    assert _print_last_row(work, IFPP.sheet) == last + 30


def test_the_register_button_sets_a_fixed_print_area_to_the_rows_in_use(tmp_path: Path) -> None:
    problem = remote_engine_problem()
    if problem:  # pragma: no cover - only when the engine cannot start here
        pytest.skip(f"xlwings' remote engine cannot run here: {problem}")
    import xlwings as xw

    old = _as_made_before(SAMPLE, tmp_path / "old.xlsx")
    establish = LAYOUT.table("establish")
    payload = payload_from_file(old)
    payload["book"]["active_sheet_index"] = LAYOUT.sheet_order.index(establish.sheet)
    payload["book"]["selection"] = f"B{establish.first_data_row}"  # the approved application's row
    book = xw.Book(json=payload)
    xl.register(book, today=TODAY)
    wb = openpyxl.load_workbook(old, rich_text=True)
    done = apply_actions(wb, book.json()["actions"])
    assert not done.alerts
    out = tmp_path / "engine.xlsx"
    wb.save(out)
    rows = [r["row"] for r in read_district_workbook(out).table_rows("members")]
    assert _print_last_row(out, MEMBERS.sheet) == max(rows) > _print_last_row(old, MEMBERS.sheet)


def test_table_sheets_have_no_fixed_print_area(template_path: Path) -> None:
    wb = openpyxl.load_workbook(template_path)
    for table in LAYOUT.tables:
        ws = wb[table.sheet]
        assert not ws.print_area, table.sheet  # the used range is printed: it grows with the data
        assert ws.print_title_rows  # the header still repeats on every page


# ============================================================================== issue 15: computed cells

@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scored") / SAMPLE.name
    score_file(SAMPLE, out, today=TODAY)
    return out


def test_computed_cells_keep_their_style_after_score(scored: Path) -> None:
    wb = openpyxl.load_workbook(scored)
    book = read_district_workbook(scored)
    checked = 0
    for table in LAYOUT.tables:
        rows = [r["row"] for r in book.table_rows(table.key)]
        for col in table.columns:
            if col.is_input or not rows:
                continue
            for row in rows:
                cell = wb[table.sheet][f"{table.letter(col.key)}{row}"]
                assert fill_of(cell) == COMPUTED_FILL, (table.sheet, cell.coordinate)
                assert cell.number_format == number_format(col.type), (table.sheet, cell.coordinate)
                assert cell.protection.locked, (table.sheet, cell.coordinate)
                checked += 1
    assert checked > 30


def test_formula_cells_carry_the_library_numbers_as_cached_values(scored: Path) -> None:
    book = read_district_workbook(scored)
    result = score_book(book, today=TODAY).result
    grid = _cached(scored, ASSESSMENT.sheet)
    areas = book.criteria.assessment.areas if book.criteria else ()
    assert result.assessments
    for a in result.assessments:
        for area in areas:
            assert grid[a.row - 1][ASSESSMENT.index(f"area_{area.code}")] == a.score.areas[area.code]
        assert grid[a.row - 1][ASSESSMENT.index("total")] == a.score.total
    grid = _cached(scored, IFPP.sheet)
    profits = {row: s.profit for row, s in result.ifpp.items() if s.profit is not None}
    assert profits
    for row, profit in profits.items():
        assert grid[row - 1][IFPP.index("profit")] == profit, row
    grid = _cached(scored, BUDGET.sheet)
    rows = book.table_rows("budget")
    assert rows
    for r in rows:
        want = line_amount(BudgetLine(key=r["row"], activity=None, item=r["item"], quantity=r["quantity"],
                                      unit_price=r["unit_price"]))
        assert grid[r["row"] - 1][BUDGET.index("amount")] == want, r["row"]


def test_computed_cells_keep_their_style_after_the_score_button(tmp_path: Path) -> None:
    problem = remote_engine_problem()
    if problem:  # pragma: no cover - only when the engine cannot start here
        pytest.skip(f"xlwings' remote engine cannot run here: {problem}")
    import xlwings as xw

    book = xw.Book(json=payload_from_file(SAMPLE))
    xl.score(book, today=TODAY)
    wb = openpyxl.load_workbook(SAMPLE, rich_text=True)
    apply_actions(wb, book.json()["actions"])  # a new cell gets no style here unless the actions give it one
    checked = 0
    for table in LAYOUT.tables:
        ws = wb[table.sheet]
        for col in table.columns:
            if col.is_input:
                continue
            for row in range(table.first_data_row, table.last_data_row + 1):
                cell = ws._cells.get((row, table.index(col.key) + 1))
                if cell is None or cell.value is None:
                    continue
                assert fill_of(cell) == COMPUTED_FILL, (table.sheet, cell.coordinate)
                assert cell.number_format == number_format(col.type), (table.sheet, cell.coordinate)
                checked += 1
    assert checked > 30


def test_score_keeps_the_file_mode_and_leaves_no_scratch_file(tmp_path: Path) -> None:
    """The cached values are put into the saved file in a second pass: it keeps the file's permission bits
    and leaves nothing beside it."""
    work = tmp_path / "work.xlsx"
    shutil.copy(SAMPLE, work)
    work.chmod(0o600)
    score_file(work, today=TODAY)
    assert work.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["work.xlsx"]


def test_register_keeps_the_cached_values_of_the_formula_cells(scored: Path, tmp_path: Path) -> None:
    work = tmp_path / "work.xlsx"
    shutil.copy(scored, work)
    register_file(work, "กลุ่มแปรรูปกล้วยตาก")
    result = score_book(read_district_workbook(work), today=TODAY).result
    grid = _cached(work, IFPP.sheet)
    profits = {row: s.profit for row, s in result.ifpp.items() if s.profit is not None}
    assert profits and all(grid[row - 1][IFPP.index("profit")] == p for row, p in profits.items())
