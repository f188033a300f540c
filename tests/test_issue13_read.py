"""Issue 13, the reading side: headers (item 9), dates as spreadsheets store them (item 7), memory from
shared strings (item 1), LibreOffice's re-save of a scored workbook (item 3)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

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


def test_deleted_optional_column_is_a_warning_and_the_rest_is_read(tmp_path):
    def change(wb):
        ws = wb[MEMBERS]
        ws.delete_cols(header_cell(ws, "โทรศัพท์").column)

    path = edited(tmp_path, change)
    book = read_district_workbook(path)
    assert [i.field for i in book.issues if i.code == "HEADER_OPTIONAL_MISSING"] == ["phone"]
    assert book.members and all(m.phone is None for m in book.members)
    assert all(m.citizen_id for m in book.members)
    result = validate_file(path, today=TODAY)
    assert not result.fatal and result.exit_code == 1 - (result.errors == 0)


def test_deleted_required_column_still_refuses(tmp_path):
    def change(wb):
        ws = wb[MEMBERS]
        ws.delete_cols(header_cell(ws, "เลขประจำตัวประชาชน").column)

    with pytest.raises(KasetError) as exc:
        read_district_workbook(edited(tmp_path, change))
    assert exc.value.code == "HEADER_MISSING"


def test_headers_matched_whatever_case_and_spaces_computed_ones_too(tmp_path):
    ref = read_district_workbook(PAI)

    def change(wb):
        for ws in wb.worksheets:
            for row in ws.iter_rows(min_row=1, max_row=6):
                for c in row:
                    if isinstance(c.value, str) and any(w in c.value for w in ("(คำนวณ)", "Smart", "คะแนนรวม")):
                        c.value = "  " + c.value.replace(" ", "").swapcase() + " "

    book = read_district_workbook(edited(tmp_path, change))
    assert book.columns == ref.columns
    assert not [i for i in book.issues if i.code.startswith("HEADER_")]


def test_two_columns_with_the_same_header_is_an_error_at_the_second(tmp_path):
    def change(wb):
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
    col = openpyxl.utils.get_column_letter(wb[MEMBERS].max_column)
    assert codes_at(book.issues, "HEADER_DUPLICATE") == [(MEMBERS, f"{col}4")]
    assert [m.first_name for m in book.members] == [m.first_name for m in ref.members]
    assert validate_file(path, today=TODAY).exit_code == 1


def test_score_writes_nothing_for_a_deleted_result_column(tmp_path):
    from kaset_xl.scoring import score_file

    def change(wb):
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


del io
