"""Property-based fuzzing (hypothesis) of the reader, the validator and the consolidation (issue 7).

* the reader and validator on real files: random cells (any text, numbers as XML, booleans, error
  values, numbers that are not numbers) typed into the registry and members tables of a sample
  workbook's XML → ``validate_file`` never raises, it gives issues (or one fatal issue), and every error
  value typed into an input cell below the header is reported at that cell (CELL_ERROR_VALUE);
* the validator and every rule on in-memory grids (the xlwings path): random Python values in random
  cells of every sheet → issues, never an exception other than a file-level KasetError;
* the consolidation: random sets of good district workbooks and broken ones (cut at a random place,
  random bytes overwritten) → the good districts are always summarised, with the same figures as
  when they are consolidated alone, and the output is written.

Sized for this 2-core machine: 200 + 500 + 100 examples, about 50 s together when nothing fails
(``pytest tests/test_fuzz.py --durations=5`` shows it; shrinking a failure takes longer), well under the
5-minute budget.  Found so far: python-calamine panics (a Rust panic, not an Exception) on a date cell
holding -1e12, and round2 raised decimal.InvalidOperation on 1e26 — both fixed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from kaset_xl.consolidate import consolidate, write_provincial_workbook
from kaset_xl.domain.rules import check_all
from kaset_xl.issues import Issue, KasetError
from kaset_xl.validate import validate_book, validate_file
from kaset_xl.workbook.reader import read_district_grids

CORPUS = Path(__file__).parent / "corpus"
_spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
assert _spec is not None and _spec.loader is not None
make_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_corpus)

BASE: Path = make_corpus.BASE
GOOD: tuple[Path, ...] = make_corpus.GOOD
_HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, suppress_health_check=_HEALTH)

# ---------------------------------------------------------------- values

INTERESTING = ("", " ", "=1+1", "=HYPERLINK(\"http://x\",\"y\")", "+1", "-1", "@A1", "#REF!", "#N/A", "ใช่", "ไม่ใช่",
               "๑๒/๑๒/๒๕๖๓", "31/02/2563", "12 ธ.ค. 63", "2563", "0", "-0", "1e400", "nan", "inf", "1,000.-", "฿1,000",
               "0812345678", "1-1017-00230-70-8", "3.06389E+12", "9" * 40, "ประธาน", "กลุ่ม", "\u200b", "\t\n",
               "_x0001_", "🌾", "ก" * 300)


def _xml_text(s: str) -> str:
    """Text as Office stores it in XML: characters XML 1.0 cannot hold as _xHHHH_ escapes."""
    out = []
    for ch in s:
        o = ord(ch)
        if o in (9, 10, 13) or 0x20 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o >= 0x10000:
            out.append(ch)
        else:
            out.append(f"_x{o:04X}_")
    return escape("".join(out))


texts = st.one_of(st.sampled_from(INTERESTING), st.text(max_size=40))
numbers = st.one_of(st.floats(allow_nan=False, allow_infinity=False).map(repr),
                    st.integers(min_value=-(10**20), max_value=10**20).map(str),
                    st.sampled_from(["NaN", "INF", "-INF", "1e999", "", "abc", "1.0.0", "٣", "0x10"]))


@st.composite
def cell_xml(draw: Any, ref: str) -> str:
    kind = draw(st.sampled_from(["s", "n", "b", "e", "d", "str", "empty"]))
    if kind == "s":
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(draw(texts))}</t></is></c>'
    if kind == "n":
        return f'<c r="{ref}"><v>{draw(numbers)}</v></c>'
    if kind == "b":
        return f'<c r="{ref}" t="b"><v>{draw(st.sampled_from(["0", "1", "2", "x"]))}</v></c>'
    if kind == "e":
        error = draw(st.sampled_from(["#REF!", "#VALUE!", "#N/A", "#DIV/0!", "#NAME?", "x"]))
        return f'<c r="{ref}" t="e"><v>{error}</v></c>'
    if kind == "d":  # a date-formatted number (style 12 is the template's date format)
        return f'<c r="{ref}" s="12"><v>{draw(numbers)}</v></c>'
    if kind == "str":  # a formula's cached text
        return f'<c r="{ref}" t="str"><f>1+1</f><v>{_xml_text(draw(texts))}</v></c>'
    return f'<c r="{ref}" s="10"/>'


COLS = "ABCDEFGHIJKLMNOPQR"


@st.composite
def sheet_edits(draw: Any, rows: range) -> dict[int, str]:
    """Row number → the XML of a whole row of random cells."""
    out = {}
    for r in draw(st.lists(st.sampled_from(list(rows)), min_size=1, max_size=6, unique=True)):
        cols = sorted(draw(st.lists(st.sampled_from(COLS), min_size=1, max_size=len(COLS), unique=True)))
        cells = "".join(draw(cell_xml(f"{c}{r}")) for c in cols)
        out[r] = f'<row r="{r}">{cells}</row>'
    return out


def _apply(xml: bytes, edits: dict[int, str]) -> bytes:
    head, rest = xml.split(b"<sheetData>", 1)
    data, tail = rest.split(b"</sheetData>", 1)
    rows = {int(m.group(1)): m.group(0) for m in re.finditer(rb'<row r="(\d+)".*?</row>', data, re.S)}
    rows.update({r: x.encode() for r, x in edits.items()})
    return head + b"<sheetData>" + b"".join(rows[r] for r in sorted(rows)) + b"</sheetData>" + tail


def _only_issues(issues: list[Issue]) -> None:
    assert all(isinstance(i, Issue) and i.code for i in issues)
    fatal = [i for i in issues if i.severity.value == "fatal"]
    assert len(fatal) <= 1 and (not fatal or len(issues) == 1)


# ---------------------------------------------------------------- the reader and the validator on real files


@fuzz(200)
@given(groups=sheet_edits(range(4, 12)), members=sheet_edits(range(4, 60)))
def test_random_cells_in_a_real_workbook_give_issues_not_tracebacks(tmp_path_factory: pytest.TempPathFactory,
                                                                   groups: dict[int, str],
                                                                   members: dict[int, str]) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "5803-fuzz.xlsx"
    parts = {make_corpus.sheet_part(BASE, make_corpus.GROUPS): groups,
             make_corpus.sheet_part(BASE, make_corpus.MEMBERS): members}
    make_corpus.rezip(BASE, path, edit={p: (lambda d, e=e: _apply(d, e)) for p, e in parts.items()})
    before = path.read_bytes()
    result = validate_file(path, today=dt.date(2021, 9, 30))
    _only_issues(result.issues)
    assert path.read_bytes() == before
    if result.book is not None:  # scoring works on whatever was read
        assert result.book.criteria is not None
        check_all(result.book, result.book.criteria)
        # every error value typed into a table's input cell below its header is reported at that cell
        found = {(i.sheet, i.cell) for i in result.issues if i.code == "CELL_ERROR_VALUE"}
        for sheet, table, edits in ((make_corpus.GROUPS, "groups", groups), (make_corpus.MEMBERS, "members", members)):
            header = result.book.header_rows[table]
            for xml in edits.values():
                for ref, row in re.findall(r'<c r="([A-Z]+(\d+))" t="e">', xml):
                    if int(row) > header:
                        assert (sheet, ref) in found, (sheet, ref)
    shutil.rmtree(folder)


# ---------------------------------------------------------------- the validator on in-memory grids


@pytest.fixture(scope="module")
def base_grids() -> dict[str, list[list[Any]]]:
    wb = CalamineWorkbook.from_path(str(BASE))
    try:
        return {s: wb.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in wb.sheet_names}
    finally:
        wb.close()


python_values = st.one_of(
    texts, st.none(), st.booleans(), st.floats(), st.integers(min_value=-(10**30), max_value=10**30),
    st.dates(min_value=dt.date(1, 1, 1)), st.datetimes(), st.times(), st.timedeltas())
TABLE_SHEETS = ("ข้อมูลอำเภอ", "ทะเบียนกลุ่ม", "สมาชิก", "คัดเลือกกลุ่ม", "ประเมิน 3ก", "Smart Farmer", "IFPP",
                "การเข้าร่วม", "งบประมาณ")


@fuzz(500)
@given(data=st.data())
def test_random_values_in_every_sheet_give_issues_not_tracebacks(base_grids: dict[str, list[list[Any]]],
                                                                 data: Any) -> None:
    grids = {s: [list(r) for r in g] for s, g in base_grids.items()}
    for _ in range(data.draw(st.integers(1, 25))):
        sheet = grids[data.draw(st.sampled_from(TABLE_SHEETS))]
        r = data.draw(st.integers(0, len(sheet) + 3))
        c = data.draw(st.integers(0, 30))
        while len(sheet) <= r:
            sheet.append([""] * len(sheet[0]))
        row = sheet[r]
        while len(row) <= c:
            row.append("")
        row[c] = data.draw(python_values)
    try:
        book = read_district_grids(grids, "fuzz.xlsx")
    except KasetError as exc:
        assert exc.code in {"HEADER_MISSING", "SHEET_MISSING", "CRITERIA_MISMATCH"}, exc.code
        return
    crit = book.criteria
    assert crit is not None
    _only_issues(validate_book(book, today=dt.date(2021, 9, 30)))
    found, _result = check_all(book, crit)
    _only_issues(found)


# ---------------------------------------------------------------- the consolidation


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pool")
    for p in GOOD:
        shutil.copy2(p, folder / p.name)
    return folder


@pytest.fixture(scope="module")
def alone(pool: Path) -> dict[str, tuple[int, int, float, int]]:
    """The good districts' figures when they are consolidated without any bad file."""
    c = consolidate([pool / p.name for p in GOOD], jobs=1)
    return {f.district_code: _figures(f) for f in c.used}


def _figures(f: Any) -> tuple[int, int, float, int]:
    return (f.registry_groups, f.members, f.budget_total, len(f.issues))


broken = st.tuples(st.sampled_from(["cut", "noise", "bytes"]), st.integers(0, 10**9), st.binary(max_size=64))


@fuzz(100)
@given(good=st.lists(st.sampled_from(range(len(GOOD))), min_size=1, max_size=3, unique=True),
       bad=st.lists(broken, min_size=0, max_size=3))
def test_random_sets_of_good_and_broken_files(tmp_path_factory: pytest.TempPathFactory, pool: Path,
                                              alone: dict[str, tuple[int, int, float, int]],
                                              good: list[int], bad: list[tuple[str, int, bytes]]) -> None:
    folder = tmp_path_factory.mktemp("set")
    inputs = [pool / GOOD[i].name for i in good]
    base = BASE.read_bytes()
    for n, (kind, at, noise) in enumerate(bad):
        p = folder / f"5803-broken-{n}.xlsx"
        if kind == "cut":
            p.write_bytes(base[: at % len(base)])
        elif kind == "noise":
            i = at % len(base)
            p.write_bytes(base[:i] + (noise or b"\0") + base[i + len(noise or b"\0"):])
        else:
            p.write_bytes(noise)
        inputs.append(p)
    before = {p: p.read_bytes() for p in inputs}
    c = consolidate(inputs, jobs=1)
    used = {f.district_code: f for f in c.used}
    for i in good:
        code = GOOD[i].name[:4]
        assert code in used and _figures(used[code]) == alone[code]
    assert {d.code for d in c.districts if d.status == "received"} >= {GOOD[i].name[:4] for i in good}
    out = folder / "province.xlsx"
    write_provincial_workbook(c, out)
    assert out.is_file() and zipfile.is_zipfile(out)
    assert all(p.read_bytes() == data for p, data in before.items())
    shutil.rmtree(folder)


def test_fuzz_values_are_reproducible_inputs() -> None:
    """The XML escaping used by the fuzzers keeps every character Office can store."""
    rng = random.Random(7)
    s = "".join(chr(rng.randrange(0x20, 0xD7FF)) for _ in range(200))
    assert _xml_text(s) == escape(s)
    assert _xml_text("\x01") == "_x0001_"
