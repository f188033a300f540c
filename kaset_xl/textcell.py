"""Text from people is written as text — by every writer, through one function, :func:`write`.

Officers type names, addresses, phones and IDs.  Those values are written again: into the district
workbook (``score``, ``register``, the buttons), into the provincial workbook and into certificates.
Excel would turn text that starts with ``=`` into a live formula (``=HYPERLINK("http://…/?id="&F5,"สมชาย")``
is a link that sends a citizen ID away), ``081-234-5678`` into a date and ``0812345678`` into a number.
:func:`write` stores a ``str`` as text whatever it looks like:

- an openpyxl cell: data type ``s`` (a string, never ``f``), and the *quote prefix* style (Excel's
  ``'`` marker) on text Excel would change, so that editing the cell later keeps it text too;
- an XlsxWriter worksheet: ``write_string`` (a shared string, never a formula or a number);
- an xlwings range (desktop Excel, or xlwings' VBA client): text Excel or the client would change gets a
  leading apostrophe, the text marker both keep (and that the client's ``ParseIso`` leaves alone).

Only a :class:`Formula` — built by kaset_xl itself, never from input — is written as a formula.
Importing this module is cheap (the buttons import it on every click).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Formula", "write", "needs_text_marker", "xlwings_value"]


class Formula(str):
    """A formula kaset_xl built itself (e.g. a link to a cell of the workbook): the one kind of text
    :func:`write` lets become a formula."""

    __slots__ = ()


# What Excel (on typing, or on Range.Value) or the VBA client's date parser would not keep as the text it is:
# formulas (=, +, -, @), numbers, dates and times (081-234-5678, 1/3, 2564-01-01), currency, percentages,
# booleans, error values (#N/A) — and a text that starts with the marker itself.
_COERCED = re.compile(r"^\s*(?:[0-9+\-=@'.(#$฿€]|true\s*$|false\s*$)", re.IGNORECASE)


def needs_text_marker(text: str) -> bool:
    """Whether Excel would change ``text`` (into a formula, number, date, boolean or error) if typed."""
    return bool(_COERCED.match(text))


def xlwings_value(value: Any) -> Any:
    """``value`` as it must be given to an xlwings range so that text stays text."""
    if isinstance(value, Formula):
        return str(value)
    if isinstance(value, str) and needs_text_marker(value):
        return "'" + value
    return value


def write(target: Any, value: Any, *, row: int = 0, col: int = 0, fmt: Any = None) -> None:
    """Write ``value`` into ``target``, text as text (see the module's docstring).

    - ``write(ws["B5"], value)`` — an openpyxl cell;
    - ``write(ws, value, row=r, col=c, fmt=f)`` — an XlsxWriter worksheet (0-based ``row``, ``col``);
    - ``write(sheet.range(...), [[v, …], …])`` — an xlwings range and a block of its size (one action on
      the remote engine).
    """
    if hasattr(target, "write_string"):  # XlsxWriter
        if isinstance(value, Formula):
            target.write_formula(row, col, str(value), fmt)
        elif isinstance(value, str):
            target.write_string(row, col, value, fmt)
        else:
            target.write(row, col, value, fmt)
    elif hasattr(target, "data_type"):  # openpyxl
        target.value = str(value) if isinstance(value, Formula) else value
        text = isinstance(value, str) and not isinstance(value, Formula)
        if text:
            target.data_type = "s"
        marker = text and needs_text_marker(value)
        if marker or target.quotePrefix:  # a number written where text was: no marker left behind
            target.quotePrefix = marker
    else:  # xlwings
        target.value = [[xlwings_value(v) for v in r] for r in value]
