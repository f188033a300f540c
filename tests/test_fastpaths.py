"""Fast paths for the common cell values give exactly what the plain code they skip gives.

Each reference below is the plain path as it was before its fast path was added (or the part of
the function the fast path short-cuts); hypothesis compares the two on values built to hit both
the fast path and its edges (spaces, invisible characters, Buddhist-era years, halves).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from kaset_xl import normalize as nz
from kaset_xl.domain.numbers import round2
from kaset_xl.issues import KasetError
from kaset_xl.workbook import reader
from kaset_xl.workbook.reader import read_district_grids

# Text close to what officers type: Thai, ASCII, every kind of space and the invisible characters.
_CHARS = st.sampled_from(list("กขคนาย่้ำิีืabcZ019๑๒ .-/") + [" ", "  ", "\xa0", "\t", "\n", "\u200b", "\u2060",
                                                               "\ufeff", "\u3000", "\x1c", "\u2028", "\x85"])
TEXTS = st.lists(_CHARS, max_size=12).map("".join) | st.text(max_size=12)


def _plain_clean_str(v: str) -> str | None:
    return " ".join(nz._strip_invisible(v).split()) or None


def _plain_to_int(v: object) -> int | None:
    x = nz.to_number(v)
    if x is None:
        return None
    n = round(x)
    if abs(x - n) > 1e-9:
        raise nz.ParseError("NOT_WHOLE_NUMBER", nz._text(v))
    return n


def _outcome(f, v):
    try:
        r = f(v)
    except nz.ParseError as exc:
        return ("error", exc.code, exc.value)
    return ("ok", type(r), r)


@given(TEXTS)
@example("สมชาย ใจดี")
@example(" สมชาย")
@example("สมชาย ")
@example("สม  ชาย")
@example("สม\u200bชาย")
@example("\xa0")
@example("")
def test_clean_text_fast_path_same_as_plain(v: str) -> None:
    assert nz.clean_text(v) == _plain_clean_str(v)


@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**20, 10**20).map(float)
       | st.integers(-10**6, 10**6).map(lambda n: n + 0.5))
@example(1e300)
@example(-0.0)
@example(12.000000000001)
def test_to_int_fast_path_same_as_plain(v: float) -> None:
    assert _outcome(nz.to_int, v) == _outcome(_plain_to_int, v)


@given(st.dates())
@example(dt.date(2563, 12, 12))
@example(dt.date(2400, 1, 1))
@example(dt.date(2401, 1, 1))
@example(dt.date(2564, 2, 29))  # not a leap year after the shift: INVALID_DATE
def test_to_date_fast_path_same_as_plain(v: dt.date) -> None:
    assert _outcome(nz.to_date, v) == _outcome(lambda d: nz._unshift_be(d, d), v)


@given(st.sampled_from(sorted(nz._YES_NO)) | TEXTS)
def test_to_yes_no_fast_path_same_as_plain(v: str) -> None:
    def plain(s: str) -> bool | None:
        key = "".join(nz.thai_digits_to_ascii(nz._strip_invisible(s)).split()).casefold()
        if not key:
            return None
        if key in nz._YES:
            return True
        if key in nz._NO:
            return False
        raise nz.ParseError("CHOICE_NOT_ALLOWED", nz._text(s))

    assert _outcome(nz.to_yes_no, v) == _outcome(plain, v)


def test_fast_paths_keep_their_types() -> None:
    assert type(nz.to_int(3.0)) is int and nz.to_int(3.0) == 3
    assert nz.to_date(dt.date(2563, 12, 12)) == dt.date(2020, 12, 12)
    assert nz.clean_text("กลุ่ม ข้าว") == "กลุ่ม ข้าว" and nz.clean_text(" กลุ่ม\u200bข้าว ") == "กลุ่มข้าว"
    assert _outcome(nz.to_int, float("nan"))[1] == "INVALID_NUMBER"


# ------------------------------------------------------------------ the reader's header rows, found once

SAMPLE = Path(__file__).resolve().parent.parent / "workbooks" / "5803-Pai-2564.xlsx"


@pytest.fixture(scope="module")
def sample_grids() -> dict[str, list[list[Any]]]:
    wb = CalamineWorkbook.from_path(str(SAMPLE))
    try:
        return {s: wb.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in wb.sheet_names}
    finally:
        wb.close()


def _read(grids: dict[str, list[list[Any]]]) -> tuple[Any, ...]:
    try:
        book = read_district_grids(grids, "x.xlsx")
    except KasetError as exc:
        return ("error", exc.code, exc.params)
    return (book.columns, book.header_rows, book.rows, [(i.code, i.sheet, i.cell) for i in book.issues])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_header_rows_found_once_read_as_found_afresh(sample_grids: dict[str, list[list[Any]]], data: Any) -> None:
    """A header row looked up from earlier workbooks gives what finding it afresh gives (moved, renamed,
    missing or shifted headers included)."""
    grids = {s: [list(r) for r in g] for s, g in sample_grids.items()}
    sheet = grids[data.draw(st.sampled_from(["สมาชิก", "ทะเบียนกลุ่ม", "IFPP"]))]
    header = sheet[3]
    for _ in range(data.draw(st.integers(0, 3))):
        edit = data.draw(st.sampled_from(["swap", "rename", "star", "shift"]))
        i, j = data.draw(st.integers(0, len(header) - 1)), data.draw(st.integers(0, len(header) - 1))
        if edit == "swap":  # a moved column: its data moves with it
            for row in sheet:
                row[i], row[j] = row[j], row[i]
        elif edit == "rename":
            header[i] = data.draw(st.sampled_from(["", "อื่น ๆ", 1.0, header[j]]))
        elif edit == "star":
            header[i] = f" {header[i]} *" if isinstance(header[i], str) else header[i]
        else:  # the header one row lower
            sheet.insert(3, [""] * len(header))
    cached = [_read(grids), _read(grids)]  # the second read finds the header row in the cache
    reader._HEADERS.clear()
    assert cached[0] == cached[1] == _read(grids)


def test_columns_found_are_the_books_own(sample_grids: dict[str, list[list[Any]]]) -> None:
    first = read_district_grids(sample_grids, "a.xlsx")
    first.columns["members"]["citizen_id"] = "ZZ"
    second = read_district_grids(sample_grids, "b.xlsx")
    assert second.columns["members"]["citizen_id"] == "F"


# ------------------------------------------------------------------ rounding money: 2 decimals already


@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**9, 10**9).map(lambda n: n / 100)
       | st.integers(-10**9, 10**9).map(lambda n: n / 1000) | st.integers(-10**17, 10**17).map(float))
@example(0.1 + 0.2)
@example(25.625)
@example(-0.0)
@example(1e-05)
@example(999999999999999.9)
def test_round2_shortcut_same_as_decimal(x: float) -> None:
    def plain(v: float) -> float:
        v = float(v)
        if not math.isfinite(v) or abs(v) >= 1e15:
            return v
        return float(Decimal(repr(float(v))).quantize(Decimal("0.01"), ROUND_HALF_UP))

    got, want = round2(x), plain(x)
    assert (got == want and math.copysign(1, got) == math.copysign(1, want)) or (math.isnan(got) and math.isnan(want))
