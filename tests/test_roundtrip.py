"""Property test: what an officer types into the members sheet is what the reader gives back.

An empty template for Pai (5803), FY2564 is built once with the library; for each generated example
openpyxl writes rows into a copy (the way Excel would hold typed values: text, numbers, date cells),
and :func:`read_district_workbook` (python-calamine) must return exactly the intended values —
names whitespace-folded, citizen IDs as 13-digit strings, dates as ``datetime.date``, numbers as floats.

Known limits kept out of the strategies (see the notes next to them):

* text starting with '=' (openpyxl would store it as a formula);
* text containing ``_xHHHH_``: openpyxl writes it unescaped, so every reader decodes it as the
  character U+HHHH (Excel and XlsxWriter escape it as ``_x005F_xHHHH_``; the library's builder is fine);
* floats with 17 significant digits: openpyxl writes numbers with ``%.16g`` (Excel keeps 15 digits of a
  typed number anyway), so those are compared with a relative tolerance of 1e-15.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaset_xl.areas import district_area
from kaset_xl.workbook.builder import build_workbook
from kaset_xl.workbook.layout import LAYOUT
from kaset_xl.workbook.reader import read_district_workbook

MEMBERS = LAYOUT.table("members")
ASCII_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
THAI_MONTHS_ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("roundtrip") / "5803-Pai-2564-template.xlsx"
    build_workbook(path, district_area("5803"), 2564)
    return path


# ------------------------------------------------------------------------------ strategies

# Thai letters, vowels, tone marks and digits (U+0E01..U+0E4E, the unassigned U+0E3B..U+0E3E left out).
THAI = "".join(chr(c) for c in range(0x0E01, 0x0E4F) if unicodedata.category(chr(c)) != "Cn")
ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-'()/_&"
SPACES = " \u00a0"  # a no-break space is whitespace to str.split() and must fold like a space
_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def _folded(s: str) -> str:
    return " ".join(s.split())


names = (
    st.text(alphabet=st.sampled_from(THAI + THAI + ASCII + SPACES), min_size=1, max_size=30)
    .filter(lambda s: _folded(s) != "")
    .filter(lambda s: not s.lstrip().startswith("="))
    .filter(lambda s: not _OOXML_ESCAPE.search(s))
)


@st.composite
def citizen_ids(draw: st.DrawFn) -> tuple[Any, str]:
    """(the value written, the 13-digit string expected back)."""
    form = draw(st.sampled_from(["str", "int", "dashes", "thai", "thai_dashes"]))
    first = draw(st.sampled_from("123456789" if form == "int" else "0123456789"))  # an int has no leading 0
    digits = first + draw(st.text(alphabet="0123456789", min_size=12, max_size=12))
    dashed = f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"
    written: Any = {
        "str": digits,
        "int": int(digits),
        "dashes": dashed,
        "thai": digits.translate(ASCII_TO_THAI),
        "thai_dashes": dashed.translate(ASCII_TO_THAI),
    }[form]
    return written, digits


@st.composite
def birth_dates(draw: st.DrawFn) -> tuple[Any, dt.date]:
    """(the value written, the date expected back)."""
    form = draw(st.sampled_from(["date", "datetime", "date_be_year", "be_dmy", "ce_iso", "thai_month_be2"]))
    if form == "thai_month_be2":  # a 2-digit year is Buddhist era 25YY: 2500..2599 = 1957..2056
        day = draw(st.dates(min_value=dt.date(1957, 1, 1), max_value=dt.date(2056, 12, 31)))
    else:
        day = draw(st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2030, 12, 31)))
    be = day.year + 543
    thai_digits = draw(st.booleans())
    if form == "date_be_year" and (day.month, day.day) != (2, 29):
        # a date cell holding the Buddhist-era year as if Gregorian (12/12/2563 typed outside the Thai
        # locale); 29 Feb has no such twin (year + 543 is never a leap year when year is one)
        return dt.date(be, day.month, day.day), day
    if form in ("date", "date_be_year"):
        return day, day
    if form == "datetime":
        t = draw(st.times(max_value=dt.time(23, 59, 59)))
        return dt.datetime.combine(day, t.replace(microsecond=0)), day
    if form == "be_dmy":
        text = f"{day.day}/{day.month}/{be}"
    elif form == "ce_iso":
        text = day.isoformat()
    else:
        text = f"{day.day} {THAI_MONTHS_ABBR[day.month - 1]} {be % 100:02d}"
    return (text.translate(ASCII_TO_THAI) if thai_digits else text), day


@st.composite
def amounts(draw: st.DrawFn) -> tuple[Any, float, bool]:
    """(the value written, the float expected back, exact comparison?)."""
    form = draw(st.sampled_from(["typed_float", "any_float", "text", "thai_text", "thai_text_commas"]))
    places = draw(st.integers(0, 2))
    n = draw(st.integers(0, 10**11))
    typed = float(f"{n}e-{places}")  # a number as typed: at most 13 significant digits
    if form == "typed_float":
        return typed, typed, True
    if form == "any_float":
        x = draw(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
        return x, x, False
    text = f"{typed:,.{places}f}" if form == "thai_text_commas" else f"{typed:.{places}f}"
    if form != "text":
        text = text.translate(ASCII_TO_THAI)
    return text, typed, True


@dataclass
class Row:
    gap: int  # blank rows before this one
    group: str
    first_name: str
    last_name: str
    citizen_id: tuple[Any, str]
    birth_date: tuple[Any, dt.date]
    area_rai: tuple[Any, float, bool]
    household_income: tuple[Any, float, bool]


rows_strategy = st.lists(
    st.builds(Row, gap=st.integers(0, 2), group=names, first_name=names, last_name=names,
              citizen_id=citizen_ids(), birth_date=birth_dates(), area_rai=amounts(),
              household_income=amounts()),
    min_size=1, max_size=6,
)


# ---------------------------------------------------------------------------------- the test


def _cell(key: str, row: int) -> str:
    return f"{MEMBERS.letter(key)}{row}"


def _write(template: Path, out: Path, rows: list[Row]) -> list[int]:
    with warnings.catch_warnings():  # openpyxl warns about the data-validation extension it drops
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(template)
    ws = wb[MEMBERS.sheet]
    at = MEMBERS.first_data_row
    written_rows = []
    for row in rows:
        at += row.gap
        ws[_cell("group", at)] = row.group
        ws[_cell("first_name", at)] = row.first_name
        ws[_cell("last_name", at)] = row.last_name
        ws[_cell("citizen_id", at)] = row.citizen_id[0]
        ws[_cell("birth_date", at)] = row.birth_date[0]
        ws[_cell("area_rai", at)] = row.area_rai[0]
        ws[_cell("household_income", at)] = row.household_income[0]
        written_rows.append(at)
        at += 1
    wb.save(out)
    return written_rows


def _same_number(got: float | None, want: tuple[Any, float, bool]) -> bool:
    _, value, exact = want
    if got is None or type(got) is not float:
        return False
    return got == value if exact else math.isclose(got, value, rel_tol=1e-15, abs_tol=1e-300)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy)
def test_members_round_trip(template: Path, rows: list[Row]) -> None:
    with tempfile.TemporaryDirectory(prefix="kaset-rt-") as tmp:
        out = Path(tmp) / "filled.xlsx"
        at = _write(template, out, rows)
        book = read_district_workbook(out)

    # a date cell storing a Buddhist-era year (written on purpose) is read as meant, with a warning (issue 13)
    assert [i for i in book.issues if i.code != "DATE_STORED_YEAR_TOO_LATE"] == []
    assert all(i.severity.value == "warning" for i in book.issues)
    assert book.groups == []
    assert [m.row for m in book.members] == at
    for row, m in zip(rows, book.members, strict=True):
        assert m.group == _folded(row.group)
        assert m.first_name == _folded(row.first_name)
        assert m.last_name == _folded(row.last_name)
        assert m.citizen_id == row.citizen_id[1], row.citizen_id
        assert type(m.birth_date) is dt.date and m.birth_date == row.birth_date[1], row.birth_date
        assert _same_number(m.area_rai, row.area_rai), (m.area_rai, row.area_rai)
        assert _same_number(m.household_income, row.household_income), (m.household_income,
                                                                         row.household_income)
        # nothing else was written: every other field reads back as blank
        untouched = set(type(m).model_fields) - {"row", "group", "first_name", "last_name", "citizen_id",
                                                  "birth_date", "area_rai", "household_income"}
        assert {k: getattr(m, k) for k in untouched} == dict.fromkeys(untouched)
