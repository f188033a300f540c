"""The buttons (kaset_xl.xl) run on xlwings' own remote engine, on payloads built from real workbooks.

Each test builds the JSON that xlwings' VBA client posts (``tests/xl_engine_support.py``), runs a
button function on ``xw.Book(json=payload)``, applies the returned actions to a copy of the same file
the way the VBA client does (refusing what it cannot do), reads the file back and checks it.
``XLWINGS_LICENSE_KEY=noncommercial`` enables the engine (PolyForm Noncommercial: government use).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaset_xl import xl
from kaset_xl.issues import Severity, catalogue
from kaset_xl.scoring import score_file
from xl_engine_support import ClientRefused, apply_actions, fill_of, payload_from_file, remote_engine_problem

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"
BAD = GOLDEN / "bad-registry.xlsx"
GOOD = GOLDEN / "good-5803.xlsx"  # the same district (5803 Pai) with nothing wrong
SAMPLE = ROOT / "workbooks" / "5803-Pai-2564.xlsx"
TODAY = dt.date(2026, 1, 15)  # the day the goldens' dates are planned around (tests/test_golden.py)
LINK = re.compile(r'^=HYPERLINK\("#\'((?:[^\']|\'\')+)\'!([A-Z]+[0-9]+)","([^"]*)"\)$')
MARKS = {xl.ERROR_FILL, xl.WARNING_FILL}


@pytest.fixture(autouse=True)
def _remote_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")


def _book(payload: dict[str, Any]) -> Any:
    import xlwings as xw

    problem = remote_engine_problem()
    if problem:  # pragma: no cover - only when the engine cannot start here
        pytest.skip(f"xlwings' remote engine cannot run here: {problem}")
    try:
        return xw.Book(json=payload)
    except Exception as exc:  # pragma: no cover - only when the engine cannot start here
        pytest.skip(f"xlwings' remote engine cannot run here: {type(exc).__name__}: {exc}")


def _run(button: Any, src: Path, out: Path, payload: dict[str, Any] | None = None, **kw: Any) -> Any:
    """Run ``button`` on ``src``'s payload; apply its actions to a copy of ``src`` saved as ``out``."""
    book = _book(payload if payload is not None else payload_from_file(src))
    button(book, **kw)
    actions = book.json()["actions"]
    wb = openpyxl.load_workbook(src, rich_text=True)
    done = apply_actions(wb, actions)
    wb.save(out)
    done.actions = actions
    return done


def _results(path: Path) -> list[tuple[Any, ...]]:
    ws = openpyxl.load_workbook(path)[xl.RESULTS_SHEET]
    return [r for r in ws.iter_rows(min_row=xl.HEADER_ROW + 1, max_col=5, values_only=True) if r[0] is not None]


def _coloured(path: Path) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): fill_of(c) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if fill_of(c) in MARKS}


def test_validate_lists_every_planned_issue_with_a_link_and_colours_the_cells(tmp_path: Path) -> None:
    out = tmp_path / "bad.xlsx"
    done = _run(xl.validate, BAD, out, today=TODAY)
    assert not done.alerts
    assert done.active == xl.RESULTS_SHEET
    rows = _results(out)
    expected = json.loads(BAD.with_suffix(".expected.json").read_text(encoding="utf-8"))
    got: Counter[tuple[str, str | None, str | None]] = Counter()
    for _no, severity, message, code, link in rows:
        assert isinstance(message, str) and message
        assert severity in {s.label_th for s in Severity}
        m = LINK.match(link or "")
        if m:
            sheet, cell = m.group(1).replace("''", "'"), m.group(2)
            assert m.group(3) == f"{sheet}!{cell}"
            got[(code, sheet, cell)] += 1
        else:
            got[(code, link or None, None)] += 1
    want = Counter((e["code"], e["sheet"], e["cell"]) for e in expected)
    assert got == want, f"missing: {sorted((want - got).elements())}\nextra: {sorted((got - want).elements())}"
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))

    coloured = _coloured(out)
    wb = openpyxl.load_workbook(out)
    for e in expected:
        if e["cell"]:
            want_fill = {xl.ERROR_FILL} if any(
                x["sheet"] == e["sheet"] and x["cell"] == e["cell"]
                and catalogue()[x["code"]].severity is Severity.ERROR for x in expected) else {xl.WARNING_FILL}
            assert fill_of(wb[e["sheet"]][e["cell"]]) in want_fill, (e, fill_of(wb[e["sheet"]][e["cell"]]))
    assert set(coloured) == {(e["sheet"], e["cell"]) for e in expected if e["cell"]}

    status = wb[xl.RESULTS_SHEET][xl.STATUS_CELL].value
    errors = sum(1 for e in expected if catalogue()[e["code"]].severity is Severity.ERROR)
    warnings = len(expected) - errors
    assert f"ข้อผิดพลาด {errors} รายการ" in status and f"คำเตือน {warnings} รายการ" in status
    assert re.search(r"\d{1,2}/\d{2}/25\d\d \d{2}:\d{2}", status), status  # Buddhist-era date and time
    assert set(done.funcs) <= {"addSheet", "setRangeColor", "setValues", "setAutofit", "activateSheet"}


def test_after_the_problems_are_fixed_validate_shows_none_and_no_colour_is_left(tmp_path: Path) -> None:
    first = tmp_path / "first.xlsx"
    _run(xl.validate, BAD, first, today=TODAY)
    previously = set(_coloured(first))
    assert previously

    # The officer fixes every problem: the same file (results sheet, colours) now holds the good values.
    payload = payload_from_file(first)
    good = {s["name"]: s["values"] for s in payload_from_file(GOOD)["sheets"]}
    for sheet in payload["sheets"]:
        if sheet["name"] in good:
            sheet["values"] = good[sheet["name"]]
    second = tmp_path / "second.xlsx"
    done = _run(xl.validate, first, second, payload=payload, today=TODAY)
    assert not done.alerts
    assert _results(second) == []
    wb = openpyxl.load_workbook(second)
    assert wb[xl.RESULTS_SHEET].cell(xl.HEADER_ROW + 1, 3).value == "ไม่พบปัญหา ✔"
    assert "ข้อผิดพลาด 0 รายการ, คำเตือน 0 รายการ" in wb[xl.RESULTS_SHEET][xl.STATUS_CELL].value
    assert _coloured(second) == {}
    for sheet, cell in previously:  # back to what an input cell looks like (the VBA client cannot "un-fill")
        assert fill_of(wb[sheet][cell]) in (None, xl.PLAIN_FILL)
    record = [r[0] for r in wb[xl.RESULTS_SHEET].iter_rows(min_row=xl.HEADER_ROW + 1, min_col=xl.RECORD_COLUMN,
                                                              max_col=xl.RECORD_COLUMN, values_only=True) if r[0]]
    assert record == []


def test_clear_removes_the_results_and_the_colours(tmp_path: Path) -> None:
    first = tmp_path / "first.xlsx"
    _run(xl.validate, BAD, first, today=TODAY)
    cleared = tmp_path / "cleared.xlsx"
    done = _run(xl.clear_results, first, cleared)
    assert not done.alerts
    assert _coloured(cleared) == {}
    assert _results(cleared) == []
    assert "ล้างผลการตรวจสอบ" in openpyxl.load_workbook(cleared)[xl.RESULTS_SHEET][xl.STATUS_CELL].value


def _values(path: Path, sheets: list[str]) -> dict[tuple[str, str], Any]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for name in sheets:
        for row in wb[name].iter_rows():
            for c in row:
                if c.value is not None:
                    out[(name, c.coordinate)] = c.value
    return out


def test_score_through_the_engine_gives_the_numbers_of_kaset_xl_score(tmp_path: Path) -> None:
    engine = tmp_path / "engine.xlsx"
    done = _run(xl.score, SAMPLE, engine, today=TODAY)
    assert not done.alerts
    cli = tmp_path / "cli.xlsx"
    outcome = score_file(SAMPLE, cli, today=TODAY)
    sheets = sorted({w.sheet for w in outcome.writes})
    assert "สรุปผล" in sheets and len(sheets) > 1
    got, want = _values(engine, sheets), _values(cli, sheets)
    assert got == want
    assert sum(1 for v in got.values() if isinstance(v, (int, float))) > 20  # numbers, not only text
    # few actions: one block per result column and one for the summary (the VBA client runs each one)
    assert done.funcs.count("setValues") <= 12
    assert done.active == "สรุปผล"
    status = openpyxl.load_workbook(engine)[xl.RESULTS_SHEET][xl.STATUS_CELL].value
    assert status.startswith("คำนวณคะแนนเมื่อ")


def test_budget_writes_the_summary_and_the_total(tmp_path: Path) -> None:
    engine = tmp_path / "engine.xlsx"
    done = _run(xl.budget, SAMPLE, engine, today=TODAY)
    assert not done.alerts
    cli = tmp_path / "cli.xlsx"
    outcome = score_file(SAMPLE, cli, today=TODAY)
    assert _values(engine, ["สรุปผล"]) == _values(cli, ["สรุปผล"])
    status = openpyxl.load_workbook(engine)[xl.RESULTS_SHEET][xl.STATUS_CELL].value
    assert f"{outcome.result.budget.total:,.2f} บาท" in status


def test_a_workbook_that_is_not_a_district_workbook_gets_a_thai_message(tmp_path: Path) -> None:
    src = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "งบประมาณ"
    wb.save(src)
    done = _run(xl.validate, src, tmp_path / "out.xlsx")
    assert len(done.alerts) == 1
    prompt, title, buttons, mode, callback = done.alerts[0]
    assert re.search(r"[\u0e00-\u0e7f]", prompt) and "Traceback" not in prompt
    assert done.funcs == ["alert"]


def test_an_unexpected_failure_gives_a_short_message_and_a_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kaset_xl.validate

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("planted failure")

    monkeypatch.setattr(kaset_xl.validate, "validate_book", boom)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    done = _run(xl.validate, SAMPLE, tmp_path / "out.xlsx")
    assert len(done.alerts) == 1
    prompt = done.alerts[0][0]
    assert "Traceback" not in prompt and "RuntimeError" in prompt
    log = Path(prompt.strip().splitlines()[-1])
    assert log.is_file() and log.is_relative_to(tmp_path)
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "planted failure" in text


@pytest.mark.parametrize("text", ["0812345678", "081-234-5678", "1/3", "2564-01-01", "=1+1", "TRUE", "12.50"])
def test_text_that_excel_would_change_is_written_as_text(tmp_path: Path, text: str) -> None:
    book = _book(payload_from_file(SAMPLE))
    xl._write(book.sheets["สรุปผล"], 5, 1, [[text]])
    wb = openpyxl.load_workbook(SAMPLE)
    apply_actions(wb, book.json()["actions"])
    assert wb["สรุปผล"]["A5"].value == text and wb["สรุปผล"]["A5"].data_type == "s"


def test_the_applier_refuses_what_the_vba_client_would_change(tmp_path: Path) -> None:
    book = _book(payload_from_file(SAMPLE))
    book.sheets["สรุปผล"]["A5"].value = "081-234-5678"
    with pytest.raises(ClientRefused):
        apply_actions(openpyxl.load_workbook(SAMPLE), book.json()["actions"])


def test_importing_the_button_module_is_cheap() -> None:
    code = ("import sys, kaset_xl.xl; heavy = {'xlwings', 'openpyxl', 'python_calamine', 'pydantic'} "
            "& set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"


def test_error_values_are_reported_at_their_cells_as_validate_reports_them(tmp_path: Path) -> None:
    """An Excel error value (#REF!, #N/A …) in an input cell: the button names the cell (CELL_ERROR_VALUE),
    as ``kaset-xl validate`` does for the saved file, instead of reading it as a blank."""
    import importlib.util

    from kaset_xl.workbook.reader import read_district_workbook

    corpus = Path(__file__).parent / "corpus" / "make_corpus.py"
    spec = importlib.util.spec_from_file_location("make_corpus_for_xl", corpus)
    assert spec and spec.loader
    make_corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_corpus)
    src = tmp_path / "errors.xlsx"
    make_corpus.MAKERS["ค่า/excel-errors.xlsx"](src)

    from_file = {(i.code, i.sheet, i.cell) for i in read_district_workbook(src).issues
                 if i.code == "CELL_ERROR_VALUE"}
    assert len(from_file) >= 3
    out = tmp_path / "out.xlsx"
    _run(xl.validate, src, out, today=TODAY)
    got = set()
    for _no, _severity, _message, code, link in _results(out):
        m = LINK.match(link or "")
        if code == "CELL_ERROR_VALUE" and m:
            got.add((code, m.group(1).replace("''", "'"), m.group(2)))
    assert got == from_file


def test_desktop_excel_error_codes_are_error_cells_at_their_place() -> None:
    """Desktop Excel (COM) hands an error cell to ``raw_value`` as an integer code, not as text: it is an
    error cell at its A1 place, read as blank — also when the used range does not start at A1."""
    from types import SimpleNamespace

    values = [["ชื่อ", -2146826265, 12.0], [-2146826246, "#DIV/0!", None]]  # #REF!, #N/A, text #DIV/0!
    sheet = SimpleNamespace(name="สมาชิก", book=SimpleNamespace(name="x.xlsm"),
                            used_range=SimpleNamespace(raw_value=values, row=3, column=3, shape=(2, 3)))
    errors: list[Any] = []
    grid = xl._grid(sheet, errors)
    assert [(e.sheet, e.cell, e.value) for e in errors] == [
        ("สมาชิก", "D3", "#REF!"), ("สมาชิก", "C4", "#N/A"), ("สมาชิก", "D4", "#DIV/0!")]
    assert grid[2] == ["", "", "ชื่อ", "", 12.0] and grid[3] == ["", "", "", "", ""]
