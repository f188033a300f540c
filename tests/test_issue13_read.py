"""Issue 13, the reading side: headers (item 9), dates as spreadsheets store them (item 7), memory from
shared strings (item 1), LibreOffice's re-save of a scored workbook (item 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from kaset_xl.issues import KasetError
from kaset_xl.validate import validate_file
from kaset_xl.workbook.reader import read_district_workbook

ROOT = Path(__file__).resolve().parents[1]
PAI = ROOT / "workbooks" / "5803-Pai-2564.xlsx"
TODAY = dt.date(2021, 9, 30)
MEMBERS = "สมาชิก"


def edited(tmp_path: Path, change: Any, name: str = "edited.xlsx", src: Path = PAI) -> Path:
    wb = openpyxl.load_workbook(src)
    change(wb)
    out = tmp_path / name
    wb.save(out)
    return out


def codes_at(issues: Any, code: str) -> list[tuple[str | None, str | None]]:
    return [(i.sheet, i.cell) for i in issues if i.code == code]


def header_cell(ws: Any, text: str, row: int = 4) -> Any:
    for c in ws[row]:
        if isinstance(c.value, str) and c.value.replace("*", "").strip() == text:
            return c
    raise AssertionError(text)


# ---------------------------------------------------------------- item 9: headers


def test_deleted_optional_column_is_a_warning_and_the_rest_is_read(tmp_path: Path) -> None:
    def change(wb: Any) -> Any:
        ws = wb[MEMBERS]
        ws.delete_cols(header_cell(ws, "โทรศัพท์").column)

    path = edited(tmp_path, change)
    book = read_district_workbook(path)
    assert [i.field for i in book.issues if i.code == "HEADER_OPTIONAL_MISSING"] == ["phone"]
    assert book.members and all(m.phone is None for m in book.members)
    assert all(m.citizen_id for m in book.members)
    result = validate_file(path, today=TODAY)
    assert not result.fatal and result.exit_code == 1 - (result.errors == 0)


def test_deleted_required_column_still_refuses(tmp_path: Path) -> None:
    def change(wb: Any) -> Any:
        ws = wb[MEMBERS]
        ws.delete_cols(header_cell(ws, "เลขประจำตัวประชาชน").column)

    with pytest.raises(KasetError) as exc:
        read_district_workbook(edited(tmp_path, change))
    assert exc.value.code == "HEADER_MISSING"


def test_headers_matched_whatever_case_and_spaces_computed_ones_too(tmp_path: Path) -> None:
    ref = read_district_workbook(PAI)

    def change(wb: Any) -> Any:
        for ws in wb.worksheets:
            for row in ws.iter_rows(min_row=1, max_row=6):
                for c in row:
                    if isinstance(c.value, str) and any(w in c.value for w in ("(คำนวณ)", "Smart", "คะแนนรวม")):
                        c.value = "  " + c.value.replace(" ", "").swapcase() + " "

    book = read_district_workbook(edited(tmp_path, change))
    assert book.columns == ref.columns
    assert not [i for i in book.issues if i.code.startswith("HEADER_")]


def test_two_columns_with_the_same_header_is_an_error_at_the_second(tmp_path: Path) -> None:
    def change(wb: Any) -> Any:
        ws = wb[MEMBERS]
        first = header_cell(ws, "ชื่อ")
        col = ws.max_column + 1
        ws.cell(4, col, "ชื่อ")
        ws.cell(5, col, "คนอื่น")
        return first

    path = edited(tmp_path, change)
    book = read_district_workbook(path)
    ref = read_district_workbook(PAI)
    wb = openpyxl.load_workbook(path)
    col = get_column_letter(wb[MEMBERS].max_column)
    assert codes_at(book.issues, "HEADER_DUPLICATE") == [(MEMBERS, f"{col}4")]
    assert [m.first_name for m in book.members] == [m.first_name for m in ref.members]
    assert validate_file(path, today=TODAY).exit_code == 1


def test_score_writes_nothing_for_a_deleted_result_column(tmp_path: Path) -> None:
    from kaset_xl.scoring import score_file

    def change(wb: Any) -> Any:
        for ws in wb.worksheets:
            for c in ws[5]:
                if isinstance(c.value, str) and c.value.startswith("ระดับ (คำนวณ)"):
                    ws.delete_cols(c.column)
                    return

    path = edited(tmp_path, change)
    out = tmp_path / "scored.xlsx"
    outcome = score_file(path, out, today=TODAY)
    assert any(i.code == "HEADER_OPTIONAL_MISSING" for i in outcome.issues)
    assert out.exists()



# ---------------------------------------------------------------- item 7: dates as spreadsheets store them


def _col(table: str, key: str) -> str:
    from kaset_xl.workbook.layout import LAYOUT

    return LAYOUT.table(table).letter(key)


def test_implausible_stored_dates_are_reported_with_the_date_meant(tmp_path: Path) -> None:
    from kaset_xl.workbook.layout import LAYOUT

    a = LAYOUT.table("assessment")
    join = _col("members", "join_date")
    adate = f"{_col('assessment', 'date')}{a.first_data_row}"

    def change(wb: Any) -> Any:
        wb["ข้อมูลอำเภอ"]["C12"] = dt.date(1964, 6, 25)  # 25/6/64 typed into a date cell
        wb[MEMBERS][f"{join}5"] = dt.date(1956, 6, 25)  # a join date of 1956: 25/6/56
        wb[MEMBERS][f"{join}6"] = dt.date(1950, 1, 1)  # 1/1/50: meant 1/1/2550 (2007)
        wb[MEMBERS][f"{join}7"] = dt.date(1955, 1, 1)  # before 2500 BE, and 2555 BE (2012) is plausible too
        wb[a.sheet][adate] = dt.date(2010, 3, 1)  # outside FY2564 ± 1, not a 2-digit year
        wb[MEMBERS][f"{join}8"] = dt.datetime(2563, 12, 12)  # 12/12/2563 on a Gregorian PC: shows 3106

    result = validate_file(edited(tmp_path, change), today=TODAY)
    got = {(i.code, i.sheet, i.cell) for i in result.issues if i.code.startswith("DATE_")}
    assert ("DATE_TWO_DIGIT_YEAR", "ข้อมูลอำเภอ", "C12") in got
    assert ("DATE_TWO_DIGIT_YEAR", MEMBERS, f"{join}5") in got
    assert ("DATE_TWO_DIGIT_YEAR", MEMBERS, f"{join}6") in got
    assert ("DATE_OUTSIDE_FISCAL_YEAR", a.sheet, adate) in got
    assert ("DATE_STORED_YEAR_TOO_LATE", MEMBERS, f"{join}8") in got
    probable = {i.cell: i.message_en for i in result.issues if i.code == "DATE_TWO_DIGIT_YEAR"}
    assert "25/06/2564" in probable["C12"] and "25/6/64" in probable["C12"]
    book = result.book
    assert book is not None
    assert [m.join_date for m in book.members if m.row == 8] == [dt.date(2020, 12, 12)]
    severities = {i.code: i.severity.value for i in result.issues}
    assert severities["DATE_STORED_YEAR_TOO_LATE"] == "warning" and severities["DATE_TWO_DIGIT_YEAR"] == "error"


def test_join_dates_before_2500(tmp_path: Path) -> None:
    join = _col("members", "join_date")

    def change(wb: Any) -> Any:
        wb[MEMBERS][f"{join}5"] = dt.date(1920, 5, 1)  # not a year Excel gives a 2-digit year (1930–2029)
        wb[MEMBERS][f"{join}6"] = dt.date(1940, 5, 1)  # 2540 BE = 1997 → DATE_TWO_DIGIT_YEAR
        wb[MEMBERS][f"{join}7"] = dt.date(2099, 5, 1)  # in the future: DATE_IN_FUTURE, nothing more

    got = {(i.code, i.cell) for i in validate_file(edited(tmp_path, change), today=TODAY).issues
           if i.field == "join_date"}
    assert ("DATE_BEFORE_2500", f"{join}5") in got and ("DATE_TWO_DIGIT_YEAR", f"{join}6") in got
    assert ("DATE_IN_FUTURE", f"{join}7") in got and ("DATE_BEFORE_2500", f"{join}7") not in got


def test_date_before_2500_in_text(tmp_path: Path) -> None:
    join = _col("members", "join_date")

    def change(wb: Any) -> Any:
        wb[MEMBERS][f"{join}5"] = "1/5/2467"  # 1924 typed as text

    got = {(i.code, i.cell) for i in validate_file(edited(tmp_path, change), today=TODAY).issues}
    assert ("DATE_BEFORE_2500", f"{join}5") in got


def test_dates_of_the_samples_are_all_plausible() -> None:
    for path in sorted((ROOT / "workbooks").glob("*.xlsx")):
        result = validate_file(path, today=TODAY)
        assert not [i for i in result.issues if i.code in {"DATE_TWO_DIGIT_YEAR", "DATE_OUTSIDE_FISCAL_YEAR",
                                                            "DATE_BEFORE_2500", "DATE_STORED_YEAR_TOO_LATE"}]


# ---------------------------------------------------------------- item 1: memory from shared strings

_PEAK = r"""
import resource, subprocess, sys
# the address-space limit keeps a reader that would take gigabytes from taking them here (it fails instead)
lim = 2 * 1024 ** 3
resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
done = subprocess.run([sys.executable, "-m", "kaset_xl", *sys.argv[1:]], capture_output=True, text=True)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(done.stdout[-3000:], done.stderr[-3000:])
"""


def _peak(*args: str) -> tuple[int, int, str]:
    """Run ``kaset-xl *args`` in a fresh process; its exit code, peak RSS (kB) and output."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _PEAK, *args], capture_output=True, text=True, timeout=300)
    first, _, rest = done.stdout.partition("\n")
    rc, rss = map(int, first.split())
    return rc, rss, rest


def _corpus_file(tmp_path: Path, name: str) -> Path:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "tests" / "corpus" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_all(tmp_path, {name})[name]


@pytest.mark.parametrize("command", ["validate", "score", "consolidate"])
def test_shared_string_in_40000_cells_is_refused_within_1_gb(tmp_path: Path, command: str) -> None:
    path = _corpus_file(tmp_path, "อันตราย/shared-string-in-40000-cells.xlsx")
    args = {"validate": ["validate", str(path), "--json"],
            "score": ["score", str(path), "-o", str(tmp_path / "out.xlsx"), "--json"],
            "consolidate": ["consolidate", str(path), str(PAI), "-o", str(tmp_path / "p.xlsx"), "--jobs", "1"]}[command]
    rc, rss, out = _peak(*args)
    assert rss < 1024 * 1024, f"peak {rss // 1024} MB"
    assert "Traceback" not in out
    assert "FILE_TEXT_TOO_LARGE" in out
    assert rc == (1 if command == "consolidate" else 2)


def test_long_text_in_a_few_cells_is_read(tmp_path: Path) -> None:
    path = _corpus_file(tmp_path, "ค่า/long-text-in-a-few-cells.xlsx")
    book = read_district_workbook(path)
    assert sum(1 for m in book.members if m.main_activity and len(m.main_activity) == 32_000) == 200


# ---------------------------------------------------------------- item 3: rows and cells that hold values


def test_score_writes_no_empty_rows(tmp_path: Path) -> None:
    import re
    import zipfile

    from kaset_xl.scoring import score_file
    from support import all_values

    out = tmp_path / "scored.xlsx"
    score_file(PAI, out, today=TODAY)
    values = all_values(out)
    with zipfile.ZipFile(PAI) as zin, zipfile.ZipFile(out) as zout:
        names = {n for n in zout.namelist() if n.startswith("xl/worksheets/sheet")}
        sheets = dict(zip(sorted(names, key=lambda n: int(re.sub(r"\D", "", n))),
                          openpyxl.load_workbook(out, read_only=True).sheetnames, strict=True))
        for part, sheet in sheets.items():
            rows = [int(r) for r in re.findall(rb'<row r="([0-9]+)"', zout.read(part))]
            old = zin.read(part) if part in zin.namelist() else b""
            before = [int(r) for r in re.findall(rb'<row r="([0-9]+)"', old)]
            grid = values[sheet]
            last_value = max((i + 1 for i, row in enumerate(grid) if any(v != "" for v in row)), default=0)
            assert max(rows, default=0) <= max(max(before, default=0), last_value), sheet


@pytest.mark.parametrize("name", ["อันตราย/empty-row-1048576.xlsx", "อันตราย/far-empty-styled-cell.xlsx"])
def test_rows_and_cells_without_values_are_not_counted(tmp_path: Path, name: str) -> None:
    book = read_district_workbook(_corpus_file(tmp_path, name))
    assert len(book.members) == len(read_district_workbook(PAI).members)


# ---------------------------------------------------------------- items 8 and 10 through a workbook


@pytest.mark.parametrize("name", ["ค่า/direction-marks-in-ids-and-phones.xlsx", "ค่า/consent-in-words.xlsx"])
def test_invisible_characters_and_consent_in_words_read_normally(tmp_path: Path, name: str) -> None:
    path = _corpus_file(tmp_path, name)
    result = validate_file(path, today=TODAY)
    assert [(i.code, i.cell) for i in result.issues] == []
    assert result.book is not None
    ref = read_district_workbook(PAI)
    assert [(m.citizen_id, m.phone, m.last_name, m.area_rai, m.consent) for m in result.book.members] == \
        [(m.citizen_id, m.phone, m.last_name, m.area_rai, m.consent) for m in ref.members]


def test_a_date_stored_as_be_is_still_checked_for_its_year(tmp_path: Path) -> None:
    """2553 CE in the report date: read as 12/12/2553 BE (2010) with a warning, and outside FY2564 ± 1."""
    def change(wb: Any) -> None:
        wb["ข้อมูลอำเภอ"]["C12"] = dt.datetime(2553, 12, 12)

    got = {(i.code, i.cell) for i in validate_file(edited(tmp_path, change), today=TODAY).issues}
    assert {("DATE_STORED_YEAR_TOO_LATE", "C12"), ("DATE_OUTSIDE_FISCAL_YEAR", "C12")} <= got
