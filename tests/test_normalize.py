"""kaset_xl.normalize: raw cell values (as calamine / openpyxl give them) -> typed values."""

from __future__ import annotations

import pickle
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaset_xl.normalize import (
    ParseError,
    be_year,
    clean_text,
    digits_only,
    fiscal_year_be,
    format_be,
    thai_digits_to_ascii,
    to_date,
    to_int,
    to_number,
    to_yes_no,
)

BLANKS = [None, "", "   ", "\xa0", "\t\n", "\u200b"]


def assert_parse_error(func, value, code, text=None):
    with pytest.raises(ParseError) as info:
        func(value)
    assert info.value.code == code
    if text is not None:
        assert info.value.value == text


# ------------------------------------------------------------------------------ ParseError


def test_parse_error_is_a_value_error_and_pickles():
    e = ParseError("INVALID_DATE", "31/02/2563")
    assert isinstance(e, ValueError)
    assert (e.code, e.value) == ("INVALID_DATE", "31/02/2563")
    again = pickle.loads(pickle.dumps(e))
    assert (again.code, again.value) == (e.code, e.value)


# ------------------------------------------------------------------------------------ text


def test_thai_digits_to_ascii():
    assert thai_digits_to_ascii("๐๑๒๓๔๕๖๗๘๙") == "0123456789"
    assert thai_digits_to_ascii("หมู่ ๕ ต.บางรัก") == "หมู่ 5 ต.บางรัก"


@pytest.mark.parametrize("value", BLANKS)
def test_clean_text_blank(value):
    assert clean_text(value) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("  สมชาย  ใจดี ", "สมชาย ใจดี"),
        ("สมชาย\xa0ใจดี", "สมชาย ใจดี"),  # non-breaking space
        ("สมชาย\t\nใจดี", "สมชาย ใจดี"),
        ("สมชาย \u200b ใจดี", "สมชาย ใจดี"),
        ("บ้าน\u200bนา", "บ้านนา"),  # zero-width space is invisible: deleted, not a space
        ("สม\x07ชาย\x00 ใจดี\x7f", "สมชาย ใจดี"),  # control characters pasted in: deleted
        ("\x1b\x9b", None),  # nothing but controls: blank
        ("หมู่ ๕", "หมู่ ๕"),  # Thai digits in free text are kept
        (12.0, "12"),  # calamine gives integral numbers as float
        (12.5, "12.5"),
        (0.1 + 0.2, "0.3"),
        (1101700230708.0, "1101700230708"),
        (12, "12"),
        (True, "TRUE"),
        (False, "FALSE"),
        (date(2020, 12, 12), "2020-12-12"),
        (datetime(2020, 12, 12), "2020-12-12"),
        (datetime(2020, 12, 12, 8, 30), "2020-12-12T08:30:00"),
    ],
)
def test_clean_text(value, expected):
    assert clean_text(value) == expected


# --------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("value", BLANKS)
def test_to_number_blank(value):
    assert to_number(value) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        (12, 12.0),
        (12.0, 12.0),
        (-3.25, -3.25),
        ("12", 12.0),
        ("  12.5 ", 12.5),
        ("1,234.50", 1234.5),
        ("1,234.50 บาท", 1234.5),
        ("บาท 1,234.50", 1234.5),
        ("฿1,234.50", 1234.5),
        ("1234฿", 1234.0),
        ("๑,๒๓๔.๕๐", 1234.5),  # Thai digits
        ("๑๒ บาท", 12.0),
        ("1,000,000", 1_000_000.0),
        ("1,000.-", 1000.0),  # Thai way of writing a whole amount
        ("+5", 5.0),
        ("-5", -5.0),
        ("- 5", -5.0),
        ("-฿5", -5.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("0", 0.0),
    ],
)
def test_to_number(value, expected):
    result = to_number(value)
    assert isinstance(result, float)
    assert result == expected


@pytest.mark.parametrize(
    "value, text",
    [
        (True, "TRUE"),  # a boolean is not a number
        (False, "FALSE"),
        ("abc", "abc"),
        ("(1,000)", "(1,000)"),  # parentheses are not read as negative
        ("12,5", "12,5"),  # decimal comma: rejected, not read as 125
        ("1,23,456", "1,23,456"),
        ("1.2.3", "1.2.3"),
        ("1e3", "1e3"),
        ("1.1017E+12", "1.1017E+12"),
        ("nan", "nan"),
        ("inf", "inf"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        ("#DIV/0!", "#DIV/0!"),  # openpyxl gives error cells as text
        ("12 5", "12 5"),
        ("-", "-"),
        ("บาท", "บาท"),
        ("  ๑๒ ก  ", "๑๒ ก"),  # the message shows the text as typed, tidied
        (date(2020, 1, 1), "2020-01-01"),
    ],
)
def test_to_number_invalid(value, text):
    assert_parse_error(to_number, value, "INVALID_NUMBER", text)


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        ("", None),
        (3, 3),
        (3.0, 3),
        ("๑๒", 12),
        ("1,200", 1200),
        (-4.0, -4),
        (2.0000000001, 2),  # within 1e-9 of a whole number
    ],
)
def test_to_int(value, expected):
    result = to_int(value)
    assert result == expected
    assert result is None or type(result) is int


@pytest.mark.parametrize("value, text", [(12.5, "12.5"), ("12.5", "12.5"), ("๑.๕", "๑.๕")])
def test_to_int_not_whole(value, text):
    assert_parse_error(to_int, value, "NOT_WHOLE_NUMBER", text)


@pytest.mark.parametrize("value", ["abc", True])
def test_to_int_invalid(value):
    assert_parse_error(to_int, value, "INVALID_NUMBER")


# ----------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    "value, expected",
    [
        *((b, None) for b in BLANKS),
        (1101700230708.0, "1101700230708"),  # calamine: a citizen ID typed as a number
        (1101700230708, "1101700230708"),  # openpyxl
        (123456789012.0, "123456789012"),  # farmer registration number
        (12.5, "12.5"),  # non-integral: left to fail the length check
        ("1-1017-00230-70-8", "1101700230708"),
        ("1 1017 00230 70 8", "1101700230708"),
        ("๑๑๐๑๗๐๐๒๓๐๗๐๘", "1101700230708"),  # Thai digits
        ("1101700230708.0", "1101700230708"),  # a float written out as text
        ("0812345678", "0812345678"),  # leading zeros kept
        ("081-234-5678", "0812345678"),
        ("(02) 123.4567", "021234567"),
        ("081/2345678", "0812345678"),
        ("+66812345678", "+66812345678"),  # no phone rewriting: returned for the caller to report
        ("1.1017E+12", "1.1017E+12"),  # scientific notation: not expanded
        ("  110170023070x ", "110170023070x"),
        ("โทร ๐๘๑", "โทร ๐๘๑"),  # not only digits: the tidied text as typed
        ("-", None),  # separators only: '-' typed for "none"
        (" - - ", None),
    ],
)
def test_digits_only(value, expected):
    assert digits_only(value) == expected


# ----------------------------------------------------------------------------------- dates

DEC_12_2020 = date(2020, 12, 12)


@pytest.mark.parametrize("value", BLANKS)
def test_to_date_blank(value):
    assert to_date(value) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        # date cells
        (DEC_12_2020, DEC_12_2020),
        (datetime(2020, 12, 12, 15, 45), DEC_12_2020),
        # Buddhist-era year stored as a Gregorian date (Excel outside the Thai locale)
        (datetime(2563, 12, 12), DEC_12_2020),
        (date(2563, 12, 12), DEC_12_2020),
        (date(2400, 1, 1), date(2400, 1, 1)),  # 2400 and below: taken as Christian era
        # Excel serials (1900 date system)
        (44177, DEC_12_2020),
        (44177.0, DEC_12_2020),  # calamine: number as float
        (44177.75, DEC_12_2020),  # time of day dropped
        (61, date(1900, 3, 1)),
        (59, date(1900, 2, 28)),
        (1, date(1900, 1, 1)),
        (2958465, date(9999 - 543, 12, 31)),  # last serial (31 Dec 9999); > 2400 so BE-shifted
        # ISO text
        ("2020-12-12", DEC_12_2020),
        ("2020-12-12 00:00:00", DEC_12_2020),
        ("2020-12-12T08:30", DEC_12_2020),
        ("2563-12-12", DEC_12_2020),  # > 2400: Buddhist era
        # day-first numbers
        ("12/12/2563", DEC_12_2020),
        ("12/12/2020", DEC_12_2020),
        ("12-12-2563", DEC_12_2020),
        ("12.12.2563", DEC_12_2020),
        ("1/2/2564", date(2021, 2, 1)),
        ("12/12/63", DEC_12_2020),  # 2-digit year: Buddhist era 25YY
        ("12/12/20", date(1977, 12, 12)),  # '20' is 2520 BE = 1977, NOT 2020
        ("12 / 12 / 2563", DEC_12_2020),
        ("12/12/2563 00:00", DEC_12_2020),
        ("๑๒/๑๒/๒๕๖๓", DEC_12_2020),  # Thai digits
        ("  วันที่ 12/12/2563 ", DEC_12_2020),
        ("29/02/2563", date(2020, 2, 29)),  # 2563 BE = 2020, a leap year
        # day, month name, year
        ("12 ธันวาคม 2563", DEC_12_2020),
        ("12 ธ.ค. 63", DEC_12_2020),
        ("12 ธ.ค.63", DEC_12_2020),
        ("12ธ.ค.2563", DEC_12_2020),
        ("12 ธค 63", DEC_12_2020),
        ("12 ธันวาคม พ.ศ. 2563", DEC_12_2020),
        ("12 ธ.ค. พ.ศ 2563", DEC_12_2020),
        ("12ธ.ค.พ.ศ.2563", DEC_12_2020),
        ("วันที่ ๑๒ ธันวาคม พ.ศ. ๒๕๖๓", DEC_12_2020),
        ("12 ธันวาคม ค.ศ. 2020", DEC_12_2020),
        ("12 Dec 2020", DEC_12_2020),
        ("12 December 2020", DEC_12_2020),
        ("12 DEC. 2020", DEC_12_2020),
        ("12 ธันวาคม 2020", DEC_12_2020),  # 4-digit year <= 2400: Christian era
        ("1 ม.ค. 64", date(2021, 1, 1)),
        ("1 มค 64", date(2021, 1, 1)),
        ("1 ก.พ. 64", date(2021, 2, 1)),
        ("1 มี.ค. 64", date(2021, 3, 1)),
        ("1 เม.ย. 64", date(2021, 4, 1)),
        ("1 พ.ค. 64", date(2021, 5, 1)),
        ("1 มิ.ย. 64", date(2021, 6, 1)),
        ("1 ก.ค. 64", date(2021, 7, 1)),
        ("1 ส.ค. 64", date(2021, 8, 1)),
        ("1 ก.ย. 64", date(2021, 9, 1)),
        ("1 ต.ค. 64", date(2021, 10, 1)),
        ("1 พ.ย. 64", date(2021, 11, 1)),
        ("1 มกราคม 2564", date(2021, 1, 1)),
        ("1 กุมภาพันธ์ 2564", date(2021, 2, 1)),
        ("1 มีนาคม 2564", date(2021, 3, 1)),
        ("1 เมษายน 2564", date(2021, 4, 1)),
        ("1 พฤษภาคม 2564", date(2021, 5, 1)),
        ("1 มิถุนายน 2564", date(2021, 6, 1)),
        ("1 กรกฎาคม 2564", date(2021, 7, 1)),
        ("1 กรกฏาคม 2564", date(2021, 7, 1)),  # common misspelling
        ("1 สิงหาคม 2564", date(2021, 8, 1)),
        ("1 กันยายน 2564", date(2021, 9, 1)),
        ("1 ตุลาคม 2564", date(2021, 10, 1)),
        ("1 พฤศจิกายน 2564", date(2021, 11, 1)),
        ("1 Sept 2021", date(2021, 9, 1)),
        ("1 may 2021", date(2021, 5, 1)),
    ],
)
def test_to_date(value, expected):
    assert to_date(value) == expected


@pytest.mark.parametrize(
    "value, text",
    [
        ("31/02/2563", "31/02/2563"),  # no such day
        ("29/02/2564", "29/02/2564"),  # 2021 is not a leap year
        (date(2564, 2, 29), "2564-02-29"),  # valid Gregorian 2564, but 2021 has no 29 Feb
        ("abc", "abc"),
        ("12/13/2563", "12/13/2563"),  # day first: there is no month 13
        ("12/12/563", "12/12/563"),  # 3-digit year
        ("12/12-2563", "12/12-2563"),  # mixed separators
        ("2563/12/12", "2563/12/12"),
        ("12 ธันวา 2563", "12 ธันวา 2563"),  # unknown month word
        ("12 ค.ศ. 20", "12 ค.ศ. 20"),  # no month
        ("12 ธันวาคม ค.ศ. 20", "12 ธันวาคม ค.ศ. 20"),  # 2-digit Christian year: not guessed
        ("ธันวาคม 2563", "ธันวาคม 2563"),  # no day
        ("๓๑/๐๔/๒๕๖๓", "๓๑/๐๔/๒๕๖๓"),  # message keeps Thai digits as typed
        (60, "60"),  # Excel's fictitious 29 Feb 1900
        (0, "0"),
        (-1.0, "-1"),
        (2958466, "2958466"),
        (float("nan"), "nan"),
        (True, "TRUE"),  # a boolean is not a serial
    ],
)
def test_to_date_invalid(value, text):
    assert_parse_error(to_date, value, "INVALID_DATE", text)


def test_to_date_today_is_accepted_and_unused():
    # No plausibility checks here: a future date is returned as is.
    assert to_date("12/12/2600", today=DEC_12_2020) == date(2057, 12, 12)


def test_to_date_be_rule_applies_to_serials_too():
    # A serial whose date falls after 2400 is a Buddhist-era date typed as Gregorian.
    serial = (date(2563, 12, 12) - date(1899, 12, 30)).days
    assert to_date(serial) == DEC_12_2020


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_to_date_round_trips(d):
    assert to_date(format_be(d)) == d
    assert to_date(format_be(d, thai_digits=True)) == d
    assert to_date(d.isoformat()) == d


# -------------------------------------------------------------------------------- yes / no

YES_WORDS = ["ใช่", "มี", "yes", "YES", "Y", "y", "true", "True", "1", "✓", "/", "สมัครใจ", "เป็น",
             "จดทะเบียน", "จดแล้ว", " ใช่ ", "๑"]  # fmt: skip
NO_WORDS = ["ไม่", "ไม่ใช่", "ไม่มี", "no", "No", "N", "false", "FALSE", "0", "ไม่สมัครใจ",
            "ไม่เป็น", "ยังไม่จด", "ไม่จด", "ไม่ ใช่", "\xa0ไม่มี\n", "๐"]  # fmt: skip


@pytest.mark.parametrize("value", [*YES_WORDS, True, 1, 1.0])
def test_to_yes_no_true(value):
    assert to_yes_no(value) is True


@pytest.mark.parametrize("value", [*NO_WORDS, False, 0, 0.0])
def test_to_yes_no_false(value):
    assert to_yes_no(value) is False


@pytest.mark.parametrize("value", BLANKS)
def test_to_yes_no_blank(value):
    assert to_yes_no(value) is None


@pytest.mark.parametrize(
    "value, text",
    [("maybe", "maybe"), ("ไม่แน่ใจ", "ไม่แน่ใจ"), (2, "2"), (0.5, "0.5"), ("x", "x"),
     (date(2020, 1, 1), "2020-01-01")],
)  # fmt: skip
def test_to_yes_no_invalid(value, text):
    assert_parse_error(to_yes_no, value, "CHOICE_NOT_ALLOWED", text)


# ------------------------------------------------------------------------ Buddhist era out


def test_be_year():
    assert be_year(DEC_12_2020) == 2563


@pytest.mark.parametrize(
    "d, thai, expected",
    [
        (DEC_12_2020, False, "12/12/2563"),
        (date(2021, 1, 5), False, "05/01/2564"),
        (DEC_12_2020, True, "๑๒/๑๒/๒๕๖๓"),
        (datetime(2021, 1, 5, 9, 0), True, "๐๕/๐๑/๒๕๖๔"),
    ],
)
def test_format_be(d, thai, expected):
    assert format_be(d, thai_digits=thai) == expected


@pytest.mark.parametrize(
    "d, expected",
    [
        (date(2020, 9, 30), 2563),
        (date(2020, 10, 1), 2564),
        (date(2021, 1, 1), 2564),
        (date(2021, 9, 30), 2564),
        (date(2021, 10, 1), 2565),
        (date(2021, 12, 31), 2565),
    ],
)
def test_fiscal_year_be(d, expected):
    assert fiscal_year_be(d) == expected


# ---------------------------------------------------------------- issue 13 items 8 and 10

# Direction marks and format characters a copy from Windows contacts, a web page or Word can carry.
_FORMAT_CHARS = ["\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)),
                 "\u00ad", *map(chr, range(0x2060, 0x2065))]


@pytest.mark.parametrize("ch", _FORMAT_CHARS, ids=lambda c: f"U+{ord(c):04X}")
def test_format_characters_are_removed_like_zero_width_spaces(ch):
    assert digits_only(f"{ch}088-935-0018{ch}") == "0889350018"
    assert digits_only(f"3{ch}1012{ch}00345678") == "3101200345678"
    assert to_number(f"1,2{ch}00") == 1200.0
    assert to_int(f"{ch}15") == 15
    assert clean_text(f"สม{ch}ชาย ใจ{ch}ดี") == "สมชาย ใจดี"
    assert to_date(f"12/12/2563{ch}") == date(2020, 12, 12)


def test_windows_contact_copy_of_a_phone():
    assert digits_only("\u202a088-935-0018\u202c") == "0889350018"


@pytest.mark.parametrize("value, expected", [("ยินยอม", True), ("ไม่ยินยอม", False), (" ไม่ ยินยอม ", False),
                                             ("ยินยอม\u200b", True)])
def test_consent_in_words(value, expected):
    assert to_yes_no(value) is expected
