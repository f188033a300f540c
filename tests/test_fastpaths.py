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
from kaset_xl.criteria import load_criteria
from kaset_xl.domain.numbers import round2
from kaset_xl.domain.registry import PERSON_TABLES, Checker, _num, citizen_id_problem, name_key, phone_ok
from kaset_xl.domain.smart_farmer import classify
from kaset_xl.issues import KasetError
from kaset_xl.workbook import reader
from kaset_xl.workbook.layout import ColType, Table
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


# ------------------------------------------------------------------ Smart Farmer class: one pass


@given(st.data())
def test_smart_farmer_classify_same_as_plain(data: Any) -> None:
    crit = load_criteria(2564).smart_farmer
    passes = {i.code: data.draw(st.sampled_from([True, False, None, 0, 1, ""])) for i in crit.indicators
              if data.draw(st.booleans())}  # an indicator left out: not answered
    income = data.draw(st.none() | st.floats(0, 400000))

    per_q = {q.code: sum(1 for i in q.indicators if passes.get(i.code)) for q in crit.qualifications}
    answered = all(passes.get(i.code) is not None for i in crit.indicators)
    income_ok = income is not None and income >= crit.income_threshold
    all_pass = all(passes.get(i.code) for i in crit.indicators)
    each_q = all(n >= crit.existing_min_per_qualification for n in per_q.values())
    if all_pass and (income_ok or not crit.model_requires_income):
        cls = crit.class_model
    elif each_q and income_ok:
        cls = crit.class_existing
    else:
        cls = crit.class_developing

    got = classify(passes, income, crit)
    assert (got.cls, got.per_qualification, got.income_ok, got.complete) == (
        cls, per_q, income_ok, answered and income is not None)


# ------------------------------------------------------------------ the cell rules: only columns that can fail


def _plain_cells(self: Checker, table: Table, records: list[dict[str, Any]]) -> None:  # noqa: C901 (the reference, kept as it was)
    """Checker.cells as it was: every input column of every record, in order."""
    lists = self.book.layout.lists
    plan = [(col, {"label": col.header, "label_en": col.header_en},
             lists[col.choices] if col.choices in lists and col.strict and col.type is not ColType.YESNO else None)
            for col in table.inputs]
    other_table = table.key != "members"
    for rec in records:
        row, get = rec["row"], rec.get
        for col, label, allowed in plan:
            value = get(col.key)
            if value is None:
                if col.required:
                    self.add("REQUIRED_MISSING", table.key, col.key, row, **label)
                continue
            kind = col.type
            if (kind is ColType.TEXT and allowed is None) or kind is ColType.YESNO:
                continue
            if kind is ColType.GROUP and other_table:
                if name_key(value) not in self.group_names:
                    self.add("GROUP_UNKNOWN", table.key, col.key, row, value=value)
                continue
            if kind is ColType.CITIZEN_ID and table.key not in PERSON_TABLES and value not in self.member_ids:
                if citizen_id_problem(value) in (None, "CITIZEN_ID_PREFIX"):
                    self.add("MEMBER_NOT_FOUND", table.key, col.key, row, value=value)
                    continue
            if allowed is not None:
                if str(value) not in allowed:
                    self.add("CHOICE_NOT_ALLOWED", table.key, col.key, row, value=value,
                             choices=" / ".join(allowed), **label)
                    continue
            if kind is ColType.INT or kind is ColType.NUMBER:
                if (col.low is not None and value < col.low) or (col.high is not None and value > col.high):
                    self.add("NUMBER_OUT_OF_RANGE", table.key, col.key, row, value=_num(value),
                             low=_num(col.low), high=_num(col.high), **label)
            elif kind is ColType.PHONE and not phone_ok(value):
                self.add("PHONE_FORMAT", table.key, col.key, row, value=value)
            elif kind is ColType.CITIZEN_ID and (code := citizen_id_problem(value)):
                self.add(code, table.key, col.key, row, value=value, first=value[:1])
            elif kind is ColType.FARMER_ID and not (len(value) == 12 and value.isdigit()):
                self.add("FARMER_ID_FORMAT", table.key, col.key, row, value=value)
            elif kind is ColType.DATE:
                self.date(table.key, col.key, row, value, col.date_rule, **label)


def _value_of(col: Any, book: Any, data: Any) -> Any:
    kind = col.type
    if data.draw(st.integers(0, 4)) == 0:
        return None
    if kind in (ColType.INT, ColType.NUMBER):
        numbers = st.integers(-5, 200)
        return data.draw(numbers | st.floats(-1e7, 1e7) if kind is ColType.NUMBER else numbers)
    if kind is ColType.DATE:
        return data.draw(st.dates(dt.date(1890, 1, 1), dt.date(2030, 12, 31)))
    if kind is ColType.YESNO:
        return data.draw(st.booleans())
    if kind in (ColType.CITIZEN_ID, ColType.FARMER_ID, ColType.PHONE):
        known = [m.citizen_id for m in book.members if m.citizen_id]
        return data.draw(st.sampled_from(known) | st.from_regex(r"(\+66)?[0-9]{8,13}", fullmatch=True) | TEXTS)
    choices = [*book.layout.lists.get(col.choices or "", ()), *(g.name for g in book.groups if g.name)]
    return data.draw(st.sampled_from(choices) | TEXTS if choices else TEXTS)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cells_same_issues_as_plain(sample_grids: dict[str, list[list[Any]]], data: Any) -> None:
    book = read_district_grids(sample_grids, "x.xlsx")
    crit = book.criteria
    assert crit is not None
    today = data.draw(st.dates(dt.date(2020, 1, 1), dt.date(2022, 12, 31)))
    table = data.draw(st.sampled_from(book.layout.tables))
    records = [dict(r) for r in book.table_rows(table.key)] or [{"row": table.first_data_row}]
    for rec in records:
        for col in table.inputs:
            if data.draw(st.booleans()):
                rec[col.key] = _value_of(col, book, data)
    fast, plain = Checker(book, crit, today), Checker(book, crit, today)
    fast.cells(table, records)
    _plain_cells(plain, table, records)
    assert fast.issues == plain.issues


def test_identifiers_hold_ascii_digits_only() -> None:
    """A Unicode digit that is no decimal digit ('²', '³') or any non-ASCII digit left after the Thai digits
    were converted makes an identifier's format wrong: an issue, never an exception."""
    from kaset_xl.cli import _fiscal_year
    from kaset_xl.issues import KasetError

    assert citizen_id_problem("110170023070²") == "CITIZEN_ID_FORMAT"
    assert citizen_id_problem("١١٠١٧٠٠٢٣٠٧٠٨") == "CITIZEN_ID_FORMAT"  # Arabic-Indic digits
    assert citizen_id_problem("1101700230708") is None
    assert not phone_ok("08123456٧8") and phone_ok("0812345678")
    with pytest.raises(KasetError) as caught:
        _fiscal_year("256⁴")
    assert caught.value.code == "BAD_FISCAL_YEAR"
    assert _fiscal_year("๒๕๖๔") == 2564


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
@example("110170020350")
@example("000000000000")
def test_the_citizen_id_check_digit_is_python_stdnums(first12: str) -> None:
    from stdnum.th import pin

    from kaset_xl.domain.registry import _check_digit

    assert _check_digit(first12) == pin.calc_check_digit(first12)
