"""kaset_xl.workbook.guard: the pieces behind the limits and the XML checks (the corpus covers whole files)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kaset_xl.workbook.guard import _DIGITS, _LETTERS, _col_name, _col_number, _greater_than, _prolog_is_safe


@settings(max_examples=300, deadline=None)
@given(limit=st.integers(1, 2_000_000), value=st.integers(0, 20_000_000))
def test_greater_than_numbers(limit: int, value: int) -> None:
    pattern = re.compile(_greater_than(str(limit), _DIGITS))
    assert (pattern.fullmatch(str(value)) is not None) == (value > limit)


@settings(max_examples=300, deadline=None)
@given(limit=st.integers(1, 16_384), value=st.integers(1, 20_000))
def test_greater_than_columns(limit: int, value: int) -> None:
    assert _col_number(_col_name(value)) == value
    pattern = re.compile(_greater_than(_col_name(limit), _LETTERS))
    assert (pattern.fullmatch(_col_name(value)) is not None) == (value > limit)


def test_prolog() -> None:
    safe = [b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="x">',
            b"\xef\xbb\xbf<?xml version='1.0'?><!-- made by hand --><a/>", b"<a>", b"\x89PNG\r\n\x1a\n", b"",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]
    unsafe = [b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
              b"<!-- <a> --><!DOCTYPE a><a/>",  # a comment holding a tag does not end the prolog
              b"  <!ENTITY x SYSTEM 'file:///etc/passwd'>",
              b"<?xml version='1.0'?><!-- a prolog that never ends",
              b"<![CDATA[x]]><a/>"]
    assert all(_prolog_is_safe(t, True) for t in safe)
    assert not any(_prolog_is_safe(t, True) for t in unsafe)
    assert not any(_prolog_is_safe(t, False) for t in unsafe)  # whatever the part's name
