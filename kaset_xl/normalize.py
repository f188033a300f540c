"""Raw cell values -> typed values: the one place where this happens.

Readers hand over cells differently:

* python-calamine: integral numbers as ``float``, date cells as ``datetime.date`` /
  ``datetime.datetime``, blank and error cells as ``''``;
* openpyxl: ``int`` / ``float`` / ``str`` / ``datetime`` / ``None``.

Officers type Thai: Buddhist-era years (พ.ศ. = ค.ศ. + 543), Thai digits ๐-๙, stray and
invisible spaces, identifiers as numbers or with dashes.  Every function here is pure; blank
input gives ``None`` and unreadable input raises :class:`ParseError` carrying a code that the
caller turns into a message (``messages.toml``).
"""

from __future__ import annotations

import datetime
import math
import re

__all__ = [
    "ParseError",
    "name_key",
    "thai_digits_to_ascii",
    "clean_text",
    "to_number",
    "to_int",
    "digits_only",
    "to_date",
    "to_yes_no",
    "be_year",
    "format_be",
    "fiscal_year_be",
    "THAI_MONTHS",
    "to_thai_digits",
    "thai_month_name",
    "stored_year",
    "LATEST_STORED_YEAR",
]

BE_OFFSET = 543  # พ.ศ. = ค.ศ. + 543


class ParseError(ValueError):
    """A non-blank value cannot be read as the asked type.

    ``code`` is one of ``'INVALID_DATE'``, ``'INVALID_NUMBER'``, ``'NOT_WHOLE_NUMBER'`` or
    ``'CHOICE_NOT_ALLOWED'`` (from :func:`to_yes_no`); ``value`` is the cell as text (whitespace
    tidied, Thai digits kept as typed) for use in messages.
    """

    def __init__(self, code: str, value: str) -> None:
        super().__init__(code, value)  # args = (code, value): keeps the exception picklable
        self.code = code
        self.value = value

    def __str__(self) -> str:
        return f"{self.code}: {self.value!r}"


# ------------------------------------------------------------------------------------ text

_THAI_TO_ASCII = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ASCII_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
# Invisible characters that str.split() does not treat as whitespace.  They are deleted, not
# turned into spaces: the text should read as the officer sees it on screen ('บ้าน\u200bนา' is
# 'บ้านนา', a village name, not 'บ้าน นา').  With them the control characters that text pasted from
# other programs can carry (C0 and C1 controls that are not whitespace, and DEL): nobody sees them,
# and 'สม\x07ชาย' must match 'สมชาย'.  And the direction marks and format characters that a copy from
# Windows contacts, a web page or Word carries (issue 13): left-to-right and right-to-left marks and
# embeddings (U+200E, U+200F, U+202A-202E, U+2066-2069), the soft hyphen (U+00AD) and the invisible
# operators (U+2060-2064): '\u202a088-935-0018\u202c' is the phone 0889350018.
_CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F, *range(0x80, 0x85),
                                     *range(0x86, 0xA0)))
_FORMAT_CHARS = "".join(chr(c) for c in (0x200B, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2060, 0x2065),
                                          *range(0x2066, 0x206A), 0x00AD, 0xFEFF))
_INVISIBLE = dict.fromkeys(map(ord, _FORMAT_CHARS + _CONTROLS))


def name_key(text: str | None) -> str:
    """A name (of a group or a person) as compared everywhere: whitespace folded."""
    return " ".join((text or "").split())


def thai_digits_to_ascii(s: str) -> str:
    """'๑๒๓' -> '123'; other characters are left alone."""
    if s.isascii():  # the common case, without the (slow, per character) translation
        return s
    return s.translate(_THAI_TO_ASCII)


def _strip_invisible(s: str) -> str:
    if s.isprintable():  # every character deleted here is a format or control character: not printable
        return s
    return s.translate(_INVISIBLE)


def _squash(s: str) -> str:
    """Strip, and collapse every run of whitespace (any Unicode space, tab, newline) to one space."""
    return " ".join(_strip_invisible(s).split())


def _format_float(x: float) -> str:
    if x.is_integer():
        return str(int(x))  # 12.0 -> '12', 1101700230708.0 -> '1101700230708'
    return format(x, ".15g")  # Excel's 15 significant digits: 0.1 + 0.2 -> '0.3'


def clean_text(v: object) -> str | None:
    """Any cell value as tidy text; ``None`` for blank.

    Thai digits in free text are kept as typed.  Dates become ISO text ('2020-12-12'; a
    datetime with a time of day keeps it: '2020-12-12T08:30:00'); booleans 'TRUE' / 'FALSE'.
    """
    if type(v) is str:  # the common case first
        if v and v.isprintable() and v[0] != " " and v[-1] != " " and "  " not in v:
            # Already tidy: the only whitespace a printable text can hold is ' ', and the invisible
            # characters are not printable.
            return v
        return _squash(v) or None
    if v is None:
        return None
    if isinstance(v, bool):  # before int: bool is a subclass of int
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return _format_float(v)
    if isinstance(v, datetime.datetime):  # before date: datetime is a subclass of date
        return v.date().isoformat() if v.time() == datetime.time() else v.isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    return _squash(str(v)) or None


def _text(v: object) -> str:
    """The value as text for a ParseError."""
    return clean_text(v) or ""


# --------------------------------------------------------------------------------- numbers

# After Thai digits -> ASCII and whitespace squashing.  Currency ('฿' or 'บาท') may lead or
# trail; a sign may come before or after a leading currency; thousands commas must be in
# groups of three (so a decimal comma '12,5' is rejected, not read as 125).  A trailing '.-'
# is the Thai way of writing a whole amount ('1,000.-' = 1000 baht).  No parentheses, no
# exponent.
_CURRENCY = r"(?:฿|บาท)"
_NUMBER_RE = re.compile(
    rf"""
    {_CURRENCY}?\s*
    (?P<sign>[+-]?)\s*
    {_CURRENCY}?\s*
    (?P<num>(?:[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)(?:\.[0-9]*)? | \.[0-9]+)
    (?:\.-)?
    \s*{_CURRENCY}?
    """,
    re.VERBOSE,
)


def to_number(v: object) -> float | None:
    """A number as ``float``; ``None`` for blank; otherwise ``ParseError('INVALID_NUMBER')``.

    Text may use Thai digits, thousands commas, surrounding spaces, a '฿' / 'บาท' before or
    after, and a '+' or '-' sign: '๑,๒๓๔.๕๐ บาท' -> 1234.5.  Booleans, NaN and infinities are
    not numbers.
    """
    if type(v) is float:  # the common case: a number cell
        if not math.isfinite(v):
            raise ParseError("INVALID_NUMBER", _text(v))
        return v
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        x = float(v)
    elif isinstance(v, str):
        s = thai_digits_to_ascii(_squash(v))
        if not s:
            return None
        m = _NUMBER_RE.fullmatch(s)
        if m is None:
            raise ParseError("INVALID_NUMBER", _text(v))
        x = float(m["sign"] + m["num"].replace(",", ""))
    else:
        raise ParseError("INVALID_NUMBER", _text(v))
    if not math.isfinite(x):
        raise ParseError("INVALID_NUMBER", _text(v))
    return x


def to_int(v: object) -> int | None:
    """A whole number; 12.5 -> ``ParseError('NOT_WHOLE_NUMBER')``.  Otherwise as :func:`to_number`."""
    if type(v) is float and v.is_integer():  # the common case: a whole number cell (never NaN or infinite)
        return int(v)
    x = to_number(v)
    if x is None:
        return None
    n = round(x)
    if abs(x - n) > 1e-9:
        raise ParseError("NOT_WHOLE_NUMBER", _text(v))
    return n


# ----------------------------------------------------------------------------- identifiers

_ID_SEPARATORS_RE = re.compile(r"[\s\-./()]")
_INTEGRAL_TEXT_RE = re.compile(r"([0-9]+)\.0+")  # '1101700230708.0': a float written as text


def digits_only(v: object) -> str | None:
    """An identifier (citizen ID, farmer registration number, phone) as a string of digits.

    Numbers: 1101700230708.0 -> '1101700230708' (a non-integral float comes back as its text
    and fails the caller's length check).  Text: Thai digits -> ASCII; spaces, '-', '.', '/',
    '(' and ')' removed; leading zeros kept ('081-234-5678' -> '0812345678').  If anything
    but digits is left, the tidied text is returned unchanged for the caller to report
    ('1.1017E+12' stays as is, it is not expanded).  Blank, or separators only (a '-'
    typed for "none"), -> ``None``.  No phone-specific rewriting ('+66' is kept).
    """
    if type(v) is str and v.isascii() and v.isdigit():  # the common case: digits typed in a Text cell
        return v
    if v is None:
        return None
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return _format_float(v) if v.is_integer() else str(v)
    text = clean_text(v)
    if text is None:
        return None
    if not isinstance(v, str):
        return text  # a date or a boolean: not an identifier; the caller reports it
    s = thai_digits_to_ascii(text)
    if m := _INTEGRAL_TEXT_RE.fullmatch(s):
        return m[1]
    s = _ID_SEPARATORS_RE.sub("", s)
    if not s:
        return None
    if s.isascii() and s.isdigit():
        return s
    return text


# ----------------------------------------------------------------------------------- dates

_EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 0, counting Excel's fake 29 Feb 1900
_EXCEL_MAX_SERIAL = 2958466  # serial of 1 Jan 10000; the last accepted is 31 Dec 9999

# Month names, looked up after lower-casing and removing dots and spaces ('ธ.ค.' -> 'ธค').
_MONTHS: dict[str, int] = {}
THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")  # the full names, January first
for _n, _names in enumerate(
    [
        ("มกราคม", "มค", "january", "jan"),
        ("กุมภาพันธ์", "กพ", "february", "feb"),
        ("มีนาคม", "มีค", "march", "mar"),
        ("เมษายน", "เมย", "april", "apr"),
        ("พฤษภาคม", "พค", "may"),
        ("มิถุนายน", "มิย", "june", "jun"),
        ("กรกฎาคม", "กรกฏาคม", "กค", "july", "jul"),  # กรกฏาคม: a common misspelling
        ("สิงหาคม", "สค", "august", "aug"),
        ("กันยายน", "กย", "september", "sept", "sep"),
        ("ตุลาคม", "ตค", "october", "oct"),
        ("พฤศจิกายน", "พย", "november", "nov"),
        ("ธันวาคม", "ธค", "december", "dec"),
    ],
    start=1,
):
    _MONTHS.update(dict.fromkeys(_names, _n))

_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"  # accepted and dropped
_ISO_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + _TIME)
_DMY_RE = re.compile(r"([0-9]{1,2}) ?([/.-]) ?([0-9]{1,2}) ?\2 ?([0-9]{4}|[0-9]{2})" + _TIME)
# Matched against the text with dots removed: '12 ธ.ค. พ.ศ. 2563' -> '12 ธค พศ 2563'.  The
# month is matched lazily so that an era glued to it ('ธคพศ2563') is still seen as the era.
_DAY_MONTH_YEAR_RE = re.compile(
    r"([0-9]{1,2}) ?([a-z\u0e01-\u0e4f]+?) ?(?:(พศ|คศ) ?)?([0-9]{4}|[0-9]{2})"
)


def _year(text: str, era: str | None = None) -> int:
    """The Christian-era year for a year as typed; ValueError if it cannot be one.

    2 digits: Buddhist era 25YY ('63' -> 2563 -> 2020; so '20' is 2520 -> 1977).
    4 digits: Buddhist era when > 2400, else Christian era.  An era marker (พ.ศ. / ค.ศ.) in
    front of the year decides instead ('ค.ศ. 2020').  ค.ศ. with 2 digits is not guessed.
    """
    y = int(text)
    if len(text) == 2:
        if era == "คศ":
            raise ValueError(text)
        return 2500 + y - BE_OFFSET
    if era == "พศ" or (era is None and y > 2400):
        return y - BE_OFFSET
    return y


def _date_from_text(s: str) -> datetime.date:
    """Parse tidied text with ASCII digits; ValueError if it is not a date."""
    if m := _ISO_RE.fullmatch(s):
        return datetime.date(_year(m[1]), int(m[2]), int(m[3]))
    if m := _DMY_RE.fullmatch(s):
        return datetime.date(_year(m[4]), int(m[3]), int(m[1]))
    if m := _DAY_MONTH_YEAR_RE.fullmatch(s.replace(".", "").lower()):
        month = _MONTHS.get(m[2])
        if month is None:
            raise ValueError(s)
        return datetime.date(_year(m[4], m[3]), month, int(m[1]))
    raise ValueError(s)


def _unshift_be(d: datetime.date, v: object) -> datetime.date:
    """A date whose year is > 2400 is a Buddhist-era year stored as if Gregorian (Excel outside
    the Thai locale keeps 12/12/2563 as the year 2563): move it back 543 years."""
    if d.year <= 2400:
        return d
    try:
        return d.replace(year=d.year - BE_OFFSET)
    except ValueError:  # 29 Feb of a year that is not leap after the shift
        raise ParseError("INVALID_DATE", _text(v)) from None


def to_date(v: object, *, today: datetime.date | None = None) -> datetime.date | None:
    """A calendar date; ``None`` for blank; otherwise ``ParseError('INVALID_DATE')``.

    * ``date`` / ``datetime`` (time dropped) as read from a date cell;
    * ``int`` / ``float``: an Excel serial (1900 date system), 1 <= serial < 2958466, the
      fraction (time of day) dropped; serial 60, Excel's fictitious 29 Feb 1900, is rejected;
    * text (Thai digits allowed, a leading 'วันที่' ignored): ISO '2020-12-12' (optionally with
      a time), day-first '12/12/2563', '12-12-63', '12.12.2563', or day, month name and year:
      '12 ธันวาคม 2563', '12 ธ.ค. 63', '12ธ.ค.2563', '12 ธันวาคม พ.ศ. 2563', '12 Dec 2020'.
      For the year rules see :func:`_year`.

    A year above 2400 is taken as Buddhist era, whatever the source.  ``today`` is accepted
    for API stability and is not used: plausibility (future dates, ages) is checked by the
    caller, not here.
    """
    del today  # unused, see docstring
    if type(v) is datetime.date and v.year <= 2400:  # the common case: a date cell
        return v
    if v is None:
        return None
    if isinstance(v, datetime.datetime):
        return _unshift_be(v.date(), v)
    if isinstance(v, datetime.date):
        return _unshift_be(v, v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if not (math.isfinite(v) and 1 <= v < _EXCEL_MAX_SERIAL) or int(v) == 60:
            raise ParseError("INVALID_DATE", _text(v))
        serial = int(v)
        if serial < 60:  # before the fake 29 Feb 1900 the epoch is one day later
            serial += 1
        return _unshift_be(_EXCEL_EPOCH + datetime.timedelta(days=serial), v)
    if not isinstance(v, str):
        raise ParseError("INVALID_DATE", _text(v))
    s = thai_digits_to_ascii(_squash(v))
    if not s:
        return None
    s = s.removeprefix("วันที่").lstrip()
    try:
        return _date_from_text(s)
    except ValueError:  # no pattern matched, unknown month, or no such calendar day
        raise ParseError("INVALID_DATE", _text(v)) from None


LATEST_STORED_YEAR = 2200  # a date cell storing a later year was typed in Buddhist era on a Gregorian PC


def stored_year(v: object) -> int | None:
    """The Christian-era year a date cell stores (a date, or an Excel serial number), before the Buddhist-era
    rule of :func:`to_date` moves it; ``None`` for text and anything that is not a date.  On a PC set to the
    Gregorian calendar, 12/12/2563 typed into a date cell is stored as the year 2563 (and the Thai date format
    shows 3106): :func:`to_date` reads it as 2020, the reader warns (issue 13)."""
    if isinstance(v, datetime.date):
        return v.year
    if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and 61 <= v < _EXCEL_MAX_SERIAL:
        return (_EXCEL_EPOCH + datetime.timedelta(days=int(v))).year
    return None


# -------------------------------------------------------------------------------- yes / no

# ยินยอม / ไม่ยินยอม: consent in words (the consent column, issue 13), harmless in the other yes/no columns.
_YES = {"ใช่", "มี", "yes", "y", "true", "1", "✓", "✔", "/", "สมัครใจ", "เป็น", "จดทะเบียน", "จดแล้ว", "ยินยอม"}
_NO = {"ไม่", "ไม่ใช่", "ไม่มี", "no", "n", "false", "0", "ไม่สมัครใจ", "ไม่เป็น", "ยังไม่จด", "ไม่จด", "ไม่ยินยอม"}
_YES_NO = dict.fromkeys(_YES, True) | dict.fromkeys(_NO, False)


def to_yes_no(v: object) -> bool | None:
    """A yes/no answer; ``None`` for blank; otherwise ``ParseError('CHOICE_NOT_ALLOWED')``.

    Words are matched case-insensitively with all spaces ignored ('ไม่ ใช่' = 'ไม่ใช่');
    numbers 1 / 0 and booleans are accepted.
    """
    if type(v) is str and (hit := _YES_NO.get(v)) is not None:  # typed as in the dropdown
        return hit
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        if v in (0, 1):
            return v == 1
        raise ParseError("CHOICE_NOT_ALLOWED", _text(v))
    if not isinstance(v, str):
        raise ParseError("CHOICE_NOT_ALLOWED", _text(v))
    if v in _YES_NO:  # typed as in the dropdown
        return _YES_NO[v]
    key = "".join(thai_digits_to_ascii(_strip_invisible(v)).split()).casefold()
    if not key:
        return None
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ParseError("CHOICE_NOT_ALLOWED", _text(v))


# ------------------------------------------------------------------------ Buddhist era out


def be_year(d: datetime.date) -> int:
    """The Buddhist-era year: 2020 -> 2563."""
    return d.year + BE_OFFSET


def format_be(d: datetime.date, *, thai_digits: bool = False) -> str:
    """'12/12/2563' (dd/mm/yyyy, Buddhist era), optionally '๑๒/๑๒/๒๕๖๓'."""
    s = f"{d.day:02d}/{d.month:02d}/{be_year(d)}"
    return s.translate(_ASCII_TO_THAI) if thai_digits else s


def fiscal_year_be(d: datetime.date) -> int:
    """The Thai government fiscal year (1 Oct - 30 Sep), Buddhist era: 1 Oct 2020 -> 2564."""
    return be_year(d) + (1 if d.month >= 10 else 0)


def to_thai_digits(s: str) -> str:
    """'12/12/2563' -> '๑๒/๑๒/๒๕๖๓'; other characters are left alone."""
    return s.translate(_ASCII_TO_THAI)


def thai_month_name(month: int) -> str:
    """The full Thai name of a month: 12 -> 'ธันวาคม'."""
    return THAI_MONTHS[month - 1]
