"""The district template is right: checked through the CLI, against the layout spec, and by real readers.

- ``kaset-xl template`` for every Mae Hong Son district and a deterministic sample of the country;
- every sheet, column and form field of ``kaset-xl schema --json`` is where the spec says, as openpyxl reads it:
  input columns unlocked with their dropdowns and checks, computed columns locked, grey and without checks,
  the live formulas in every data row, the band labels merged above the headers, the dropdown lists;
- LibreOffice (an independent reader) opens, converts and prints the template with Thai text and
  Buddhist-era dates, and an empty template prints no computed zeros; poppler reads the PDF back.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geothai
import openpyxl
import pytest
from click.testing import CliRunner, Result
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kaset_xl.areas import district_area
from kaset_xl.cli import cli
from kaset_xl.criteria import load_criteria
from kaset_xl.workbook.builder import (
    COMPUTED_FILL,
    FONT_NAME,
    FONT_SIZE,
    PRINT_SCALE,
    build_workbook,
    identifying_columns,
    page_breaks,
)
from kaset_xl.workbook.layout import LAYOUT, STATIC_LISTS, Table, build_layout
from kaset_xl.workbook.printing import (
    CONTINUED,
    blank_form_rows,
    live_rows,
    summary_title_spans,
    table_title_spans,
    title_text,
)
from support import require_tool

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_WORKBOOK = ROOT / "workbooks" / "5803-Pai-2564.xlsx"
OTHER_CRITERIA = ROOT / "tests" / "data" / "criteria-other.toml"
YEAR = 2564
GREY = "FF" + COMPUTED_FILL.lstrip("#").upper()  # openpyxl reads colours as ARGB
INSTRUCTIONS_TITLE = "คำแนะนำการใช้แบบฟอร์มทะเบียนกลุ่มส่งเสริมอาชีพการเกษตร"
CELL_REF = re.compile(r"(?<![A-Za-z0-9_\"])\$?([A-Z]{1,3})\$?(\d+)(?![\d(])")

# ---------------------------------------------------------------- helpers


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def run_template(out: Path, province: str, district: str, year: str = str(YEAR), *extra: str) -> Result:
    return run_cli("template", "--province", province, "--district", district, "--year", year,
                   "-o", str(out), *extra)


def meta_values(wb: Workbook) -> dict[str, str]:
    ws = wb[LAYOUT.meta_sheet]
    return {str(k): str(v) for k, v in ws.iter_rows(min_col=1, max_col=2, values_only=True) if k}


def named_list(wb: Workbook, name: str) -> list[Any]:
    """The values of the range a defined name (e.g. ``list_tambon``) points to."""
    dn = wb.defined_names[name]
    (sheet, ref), = list(dn.destinations)
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    ws = wb[sheet]
    return [row[0] for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col,
                                           max_col=max_col, values_only=True)]


def lists_column(wb: Workbook, key: str) -> list[str]:
    """The items under header ``key`` on the hidden lists sheet."""
    ws = wb[LAYOUT.lists_sheet]
    for col in ws.iter_cols(values_only=True):
        if col and col[0] == key:
            return [v for v in col[1:] if v is not None]
    raise AssertionError(f"no list {key!r} on the lists sheet")


def col_dimension(ws: Worksheet, idx: int) -> Any:
    """The <col> entry covering 1-based column ``idx`` (openpyxl groups equal adjacent columns)."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.max is not None and dim.min <= idx <= dim.max:
            return dim
    raise AssertionError(f"{ws.title}: no column entry for column {idx}")


def validations_covering(ws: Worksheet, col: int, first: int, last: int) -> list[Any]:
    found = []
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            if rng.min_col <= col <= rng.max_col and rng.min_row <= first and rng.max_row >= last:
                found.append(dv)
    return found


def validations_touching(ws: Worksheet, col: int) -> list[Any]:
    """Every data validation with a range that includes column ``col`` in any row."""
    return [dv for dv in ws.data_validations.dataValidation
            if any(rng.min_col <= col <= rng.max_col for rng in dv.sqref.ranges)]


def band_runs(columns: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """(band, first, last) 1-based column indexes of each run of adjacent columns with the same band."""
    runs: list[tuple[str, int, int]] = []
    for i, c in enumerate(columns, start=1):
        if not c["band"]:
            continue
        if runs and runs[-1][0] == c["band"] and runs[-1][2] == i - 1:
            runs[-1] = (c["band"], runs[-1][1], i)
        else:
            runs.append((c["band"], i, i))
    return runs


def visible_sheets() -> list[str]:
    """The sheets LibreOffice prints, in order (the lists sheet is hidden, ``_kaset`` very hidden)."""
    return [s for s in LAYOUT.sheet_order if s not in (LAYOUT.lists_sheet, LAYOUT.meta_sheet)]


def tool(name: str) -> str:
    """A poppler tool; skipped (or failed, when CI requires the LibreOffice checks) if missing."""
    return require_tool(name)


def pdf_pages(pdf: Path) -> list[str]:
    """pdftotext in content-stream order (-raw keeps Thai marks in order), one string per page."""
    out = subprocess.run([tool("pdftotext"), "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, encoding="utf-8", timeout=60, check=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def squash(text: str) -> str:
    """Whitespace removed: headers wrap inside their cells and pdftotext breaks lines (and words) there."""
    return "".join(text.split())


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# ---------------------------------------------------------------- districts for the CLI


def _mhs_districts() -> list[Any]:
    return [pytest.param("แม่ฮ่องสอน", d.name_th, d.code, id=f"{d.code}-th") for d in geothai.districts("58")]


def _country_sample() -> list[Any]:
    """First and last district of every 7th province: the first by codes, the last by English names."""
    out = []
    for p in geothai.provinces()[::7]:
        ds = geothai.districts(p.code)
        out.append(pytest.param(p.code, ds[0].code, ds[0].code, id=f"{ds[0].code}-code"))
        out.append(pytest.param(p.name_en, ds[-1].name_en, ds[-1].code, id=f"{ds[-1].code}-en"))
    return out


COUNTRY_SAMPLE = _country_sample()


def test_country_sample_is_wide() -> None:
    provinces = {p.values[2][:2] for p in COUNTRY_SAMPLE}
    assert len(COUNTRY_SAMPLE) >= 12 and len(provinces) >= 6


@pytest.mark.parametrize(("province", "district", "code"), _mhs_districts() + COUNTRY_SAMPLE)
def test_template_command_builds_district(tmp_path: Path, province: str, district: str, code: str) -> None:
    out = tmp_path / "t.xlsx"
    result = run_template(out, province, district)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert out.is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"], "no temporary files are left behind"

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == list(LAYOUT.sheet_order)
    meta = wb[LAYOUT.meta_sheet]
    assert meta.sheet_state == "veryHidden"
    ident = meta_values(wb)
    assert ident["template_id"] == LAYOUT.template_id
    assert ident["criteria"].startswith("fy2564.toml")
    assert ident["template_version"] == LAYOUT.version
    assert ident["province_code"] == code[:2]
    assert ident["district_code"] == code
    assert ident["fiscal_year"] == str(YEAR)

    d = geothai.district(code)
    p = geothai.province(code[:2])
    info = wb[LAYOUT.info.sheet]
    assert info[LAYOUT.info.field("province").cell].value == p.name_th
    assert info[LAYOUT.info.field("district").cell].value == d.name_th
    assert info[LAYOUT.info.field("fiscal_year").cell].value == YEAR

    expected = [s.name_th for s in geothai.subdistricts(code)]
    assert expected, f"geothai lists no tambon for {code}"
    assert lists_column(wb, "tambon") == expected
    assert named_list(wb, "list_tambon") == expected


def test_template_accepts_thai_digits_and_default_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("template", "-p", "58", "-d", "ปาย", "-y", "๒๕๖๔")
    assert result.exit_code == 0, result.output
    out = tmp_path / "kaset-5803-2564.xlsx"
    assert out.is_file()
    assert meta_values(openpyxl.load_workbook(out))["fiscal_year"] == "2564"


@pytest.mark.parametrize(
    ("province", "district", "year", "code"),
    [
        ("ไม่มีจังหวัดนี้", "ปาย", "2564", "UNKNOWN_PROVINCE"),
        ("99", "5803", "2564", "UNKNOWN_PROVINCE"),
        ("Atlantis", "Pai", "2564", "UNKNOWN_PROVINCE"),
        ("แม่ฮ่องสอน", "ไม่มีอำเภอนี้", "2564", "UNKNOWN_DISTRICT"),
        ("แม่ฮ่องสอน", "5001", "2564", "UNKNOWN_DISTRICT"),  # Mueang Chiang Mai: another province
        ("แม่ฮ่องสอน", "ปาย", "64", "BAD_FISCAL_YEAR"),
        ("แม่ฮ่องสอน", "ปาย", "2021", "FISCAL_YEAR_GREGORIAN"),  # names 2564 (issue 12)
        ("แม่ฮ่องสอน", "ปาย", "ปีนี้", "BAD_FISCAL_YEAR"),
        ("แม่ฮ่องสอน", "ปาย", "2564.5", "BAD_FISCAL_YEAR"),
    ],
)
def test_template_bad_options(tmp_path: Path, province: str, district: str, year: str, code: str) -> None:
    out = tmp_path / "t.xlsx"
    result = run_template(out, province, district, year)
    assert result.exit_code == 2, result.output
    assert f"[{code}]" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert list(tmp_path.iterdir()) == [], "nothing is written"


def test_template_refuses_existing_output(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"an officer's own file")
    result = run_template(out, "แม่ฮ่องสอน", "ปาย")
    assert result.exit_code == 2, result.output
    assert "[OUTPUT_EXISTS]" in result.output
    assert "Traceback" not in result.output
    assert out.read_bytes() == b"an officer's own file"
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]

    result = run_template(out, "แม่ฮ่องสอน", "ปาย", str(YEAR), "--force")
    assert result.exit_code == 0, result.output
    assert meta_values(openpyxl.load_workbook(out))["district_code"] == "5803"


def test_ambiguous_english_district_name_is_refused(tmp_path: Path) -> None:
    result = run_template(tmp_path / "t.xlsx", "Phra Nakhon Si Ayutthaya", "Bang Sai")
    assert result.exit_code == 2, result.output
    assert "DISTRICT_AMBIGUOUS" in result.output


def test_output_file_mode_follows_umask(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    old = os.umask(0o022)
    try:
        assert run_template(out, "58", "5803").exit_code == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


# ---------------------------------------------------------------- schema <-> template


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    result = run_cli("schema", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(json.dumps(LAYOUT.to_dict(), ensure_ascii=False))
    return data


@pytest.fixture(scope="module")
def wb(template_path: Path) -> Workbook:
    return openpyxl.load_workbook(template_path)


def sheets_of(spec: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [s for s in spec["sheets"] if s["kind"] == kind]


def test_identity(spec: dict[str, Any], wb: Workbook) -> None:
    ident = meta_values(wb)
    (meta,) = sheets_of(spec, "identity")
    assert list(ident) == meta["keys"]
    assert ident["template_id"] == spec["template_id"]
    assert ident["template_version"] == spec["template_version"]
    assert (ident["province_code"], ident["district_code"], ident["fiscal_year"]) == ("58", "5803", "2564")
    assert "criteria" in meta["keys"]
    assert ident["criteria"].startswith("fy2564.toml"), ident["criteria"]


def test_template_follows_the_criteria_it_is_built_from(tmp_path: Path) -> None:
    """Another criteria file (4 areas of 3ก) gives other programme columns, and the identity names the file."""
    other = load_criteria(path=OTHER_CRITERIA)
    layout = build_layout(other)
    assert layout.table("assessment").columns != LAYOUT.table("assessment").columns, "the test file differs"
    out = tmp_path / "other.xlsx"
    build_workbook(out, district_area("5803"), YEAR, criteria=other)
    wb = openpyxl.load_workbook(out)
    assert meta_values(wb)["criteria"].startswith("criteria-other.toml")
    for key in ("assessment", "smart_farmer"):
        t = layout.table(key)
        ws = wb[t.sheet]
        assert [c.value for c in ws[t.header_row]] == [c.header_label for c in t.columns], key
        runs = band_runs([{"band": c.band} for c in t.columns])
        assert {(ws.cell(m.min_row, m.min_col).value, m.min_col, m.max_col) for m in ws.merged_cells.ranges
                if m.min_row == t.header_row - 1} == {run for run in runs if run[2] > run[1]}, key
    area_bands = {c.band for c in layout.table("assessment").columns if c.band and c.band.startswith("ด้านที่")}
    assert len(area_bands) == len(other.assessment.areas) == 4


def test_sheets_order_and_visibility(spec: dict[str, Any], wb: Workbook) -> None:
    assert wb.sheetnames == [s["name"] for s in spec["sheets"]] == list(LAYOUT.sheet_order)
    expected_state = {True: "hidden", "very": "veryHidden", None: "visible", False: "visible"}
    for s in spec["sheets"]:
        assert wb[s["name"]].sheet_state == expected_state[s.get("hidden")], s["name"]
    assert wb.active.title == LAYOUT.instructions_sheet


def test_summary_sheet(spec: dict[str, Any], wb: Workbook) -> None:
    """The results sheet that ``score`` fills: after the tables, visible, protected, not yet computed."""
    assert LAYOUT.summary_sheet
    (summary,) = sheets_of(spec, "results")
    assert summary["name"] == LAYOUT.summary_sheet
    order = list(LAYOUT.sheet_order)
    assert order.index(LAYOUT.summary_sheet) == order.index(LAYOUT.tables[-1].sheet) + 1
    assert order.index(LAYOUT.summary_sheet) < order.index(LAYOUT.lists_sheet)
    ws = wb[LAYOUT.summary_sheet]
    assert ws.sheet_state == "visible"
    assert ws.protection.sheet
    # one page wide (its tables have at most 10 columns): the title block from A1, no column repeated
    spans = summary_title_spans()
    assert len(spans) == 1 and spans[0].first == 0 and not spans[0].continued
    assert ws.print_title_cols is None
    for span in spans:
        assert str(ws.cell(1, span.first + 1).value).startswith(LAYOUT.summary_sheet)
        assert str(ws.cell(1, span.first + 1).value).endswith(CONTINUED) == span.continued
        assert "kaset-xl score" in str(ws.cell(3, span.first + 1).value)


def test_schema_lists_computed_columns(spec: dict[str, Any]) -> None:
    """``schema --json`` tells band, computed and formula of every column, as the layout declares them."""
    for t in LAYOUT.tables:
        (table,) = [s for s in sheets_of(spec, "table") if s["key"] == t.key]
        assert [c["key"] for c in table["columns"]] == [c.key for c in t.columns]
        for c, col in zip(table["columns"], t.columns, strict=True):
            where = f"{t.sheet}!{c['letter']} ({c['key']})"
            assert {"band", "computed", "formula"} <= set(c), where
            assert c["band"] == col.band, where
            assert c["computed"] == col.computed in (None, "formula", "result"), where
            if col.computed == "formula":
                assert c["formula"] == t.formula_at(col, t.first_data_row), where
            else:
                assert c["formula"] is None and col.formula is None, where
            if col.computed:
                assert not c["required"] and not c["choices"], f"{where}: nobody types into a computed cell"


@pytest.mark.parametrize("key", [t.key for t in LAYOUT.tables if any(c.formula for c in t.columns)])
def test_formulas_refer_to_their_own_row(key: str) -> None:
    """A live formula reads other columns of its own row only: no other rows, no cycles, no blanks."""
    t = LAYOUT.table(key)
    letters = {t.letter(c.key): c for c in t.columns}
    for col in t.columns:
        if not col.formula:
            continue
        for row in (t.first_data_row, t.last_data_row):
            formula = t.formula_at(col, row)
            assert formula.startswith("=") and "{" not in formula, formula
            refs = CELL_REF.findall(formula)
            assert refs, formula
            for letter, r in refs:
                assert int(r) == row, f"{col.key}: {formula} reads another row"
                assert letter in letters and letters[letter] is not col, f"{col.key}: {formula}"
            # Every column inside a referenced range is a number (typed in, or a formula of its own).
            for a, b in re.findall(r"([A-Z]+)\d+:([A-Z]+)\d+", formula):
                for i in range(column_index_from_string(a), column_index_from_string(b) + 1):
                    inner = t.columns[i - 1]
                    assert inner.type.value in ("number", "int") and inner.computed != "result", (
                        f"{col.key}: {formula} sums {inner.key}")


def test_every_sheet_is_protected(spec: dict[str, Any], wb: Workbook) -> None:
    for s in spec["sheets"]:
        assert wb[s["name"]].protection.sheet, f"{s['name']} is not protected"


def _check_input_validation(wb: Workbook, ws: Any, c: dict[str, Any], idx: int, first: int, last: int,
                            where: str) -> None:
    """An input column's dropdown, number range and ID length checks cover the whole data area."""
    if c["choices"]:
        dvs = [dv for dv in validations_covering(ws, idx, first, last) if dv.type == "list"]
        assert len(dvs) == 1, f"{where}: one dropdown over rows {first}-{last}"
        dv = dvs[0]
        assert dv.formula1 == f"list_{c['choices']}", where
        assert (dv.errorStyle or "stop") == ("stop" if c["strict"] else "warning"), where
        items = [_as_text(v) for v in named_list(wb, dv.formula1) if v is not None]
        if c["choices"] in LAYOUT.lists:
            assert items == list(LAYOUT.lists[c["choices"]]), where
        elif c["choices"] == "tambon":
            assert items == [s.name_th for s in geothai.subdistricts("5803")], where
    if c["type"] in ("int", "number") and (c["low"] is not None or c["high"] is not None):
        dvs = [dv for dv in validations_covering(ws, idx, first, last)
               if dv.type == ("whole" if c["type"] == "int" else "decimal")]
        assert len(dvs) == 1, f"{where}: range check over rows {first}-{last}"
        if c["low"] is not None:
            assert float(dvs[0].formula1) == c["low"], where
        if c["high"] is not None:
            assert float(dvs[0].formula2) == c["high"], where
    if c["type"] in ("citizen_id", "farmer_id"):
        dvs = [dv for dv in validations_covering(ws, idx, first, last) if dv.type == "textLength"]
        assert len(dvs) == 1 and dvs[0].formula1 == ("13" if c["type"] == "citizen_id" else "12"), where


@pytest.mark.parametrize("key", [t.key for t in LAYOUT.tables])
def test_table_sheet_matches_schema(spec: dict[str, Any], wb: Workbook, key: str) -> None:
    (table,) = [s for s in sheets_of(spec, "table") if s["key"] == key]
    ws = wb[table["name"]]
    hr, first, cap = table["header_row"], table["first_data_row"], table["capacity"]
    last = first + cap - 1
    assert first == hr + 1
    # the title: over each printed page's own columns, "(ต่อ)" on the pages after the first (test_print checks the
    # repeated columns hold none of it); a one-page table's from A1
    spans = table_title_spans(LAYOUT.table(key))
    assert [ws.cell(1, s.first + 1).value for s in spans] == [title_text(table["title"], s) for s in spans]
    assert spans[0].first == (0 if len(spans) == 1 else identifying_columns(LAYOUT.table(key)))
    assert [c["letter"] for c in table["columns"]] == [openpyxl.utils.get_column_letter(i + 1)
                                                       for i in range(len(table["columns"]))]
    for c in table["columns"]:
        where = f"{table['name']}!{c['letter']} ({c['key']})"
        idx = column_index_from_string(c["letter"])
        header = ws[f"{c['letter']}{hr}"]
        assert header.value == c["header"], where
        assert header.protection.locked, f"{where}: header must be locked"
        assert header.font.b, f"{where}: header is bold"
        for r in range(1, hr):
            assert ws.cell(r, idx).protection.locked, f"{where}: row {r} above the header must stay locked"

        dim = col_dimension(ws, idx)
        # XlsxWriter stores the width in characters plus Excel's 5-pixel cell padding.
        assert dim.width == pytest.approx(c["width"] + 5 / 7, abs=0.02), where
        assert dim.number_format == c["number_format"], where
        assert dim.font.name == FONT_NAME and dim.font.sz == FONT_SIZE, where
        if c["computed"]:
            # Filled by the template (formula) or by score (result): locked, grey, no dropdown or check.
            assert dim.protection.locked is True, f"{where}: computed cells must be locked"
            assert dim.fill.fill_type == "solid" and dim.fill.fgColor.rgb == GREY, f"{where}: computed cells are grey"
            assert validations_touching(ws, idx) == [], f"{where}: a computed column has no data validation"
            continue
        assert dim.protection.locked is False, f"{where}: data cells must be unlocked"
        assert dim.fill.fill_type is None, f"{where}: input cells are white"
        if c["type"] in ("citizen_id", "farmer_id", "phone"):
            assert c["number_format"] == "@", where
        if c["type"] == "date":
            assert c["number_format"].startswith("[$-1070000]") and "yyyy" in c["number_format"], where

        _check_input_validation(wb, ws, c, idx, first, last, where)

    # No cell written in the data area overrides the column formats (e.g. an input cell with a locked
    # style); the only cells written there in an empty template are the formula cells.
    computed = {column_index_from_string(c["letter"]): c for c in table["columns"] if c["computed"]}
    for (r, col), cell in ws._cells.items():
        if r < first:
            continue
        assert r <= last, f"{cell.coordinate} is written below the data area (rows {first}-{last})"
        if col not in computed:
            assert not cell.protection.locked, f"{cell.coordinate} is locked inside the data area"
            assert cell.value is None, f"{cell.coordinate} is not empty in a new template"
        else:
            assert cell.protection.locked, f"{cell.coordinate} is computed: locked"
            assert cell.fill.fgColor.rgb == GREY, f"{cell.coordinate} is computed: grey"

    # Freeze panes below the header; the header repeats on every printed page.
    row = coordinate_from_string(ws.freeze_panes)[1]
    assert row == first
    titles = ws.print_title_rows
    assert titles and int(titles.split(":")[-1].lstrip("$")) == hr
    assert ws.auto_filter.ref == f"A{hr}:{table['columns'][-1]['letter']}{hr}"
    # No fixed print area: the used range prints and grows with the data (issue 15); a blank form's first page
    # rows are in it (a written first cell), to be filled in by hand.
    assert not ws.print_area
    ruled = blank_form_rows(LAYOUT.table(key))
    assert all((r, 1) in ws._cells for r in range(first, first + ruled))
    assert not any((r, 1) in ws._cells for r in range(first + ruled, first + ruled + 20)), "no page of blank rows"
    assert ws.page_setup.orientation == ("landscape" if LAYOUT.table(key).landscape else "portrait")


@pytest.mark.parametrize("key", [t.key for t in LAYOUT.tables if any(c.computed for c in t.columns)])
def test_computed_columns(spec: dict[str, Any], wb: Workbook, key: str) -> None:
    """A formula column holds its live formula in its first rows (:meth:`Table.formula_rows`, issue 17), the
    rows below are empty and styled by the column (grey, locked); a result column is empty until score."""
    t: Table = LAYOUT.table(key)
    (table,) = [s for s in sheets_of(spec, "table") if s["key"] == key]
    ws = wb[t.sheet]
    for c in table["columns"]:
        if not c["computed"]:
            continue
        col = t.column(c["key"])
        idx = column_index_from_string(c["letter"])
        where = f"{t.sheet}!{c['letter']} ({c['key']})"
        cells = [ws.cell(r, idx) for r in range(t.first_data_row, t.last_data_row + 1)]
        if c["computed"] == "formula":
            assert ws.cell(t.first_data_row, idx).value == c["formula"], f"{where}: as schema --json says"
            live = live_rows(t, {})
            assert len(live) == blank_form_rows(t)
            wrong = [(cell.coordinate, cell.value) for cell in cells if cell.row in live
                     and (cell.data_type != "f" or cell.value != t.formula_at(col, cell.row))]
            assert not wrong, f"{where}: {len(wrong)} rows without their formula, e.g. {wrong[:3]}"
            below = [cell.coordinate for cell in cells if cell.row not in live and cell.value is not None]
            assert not below, f"{where}: no formula below the first rows, not {below[:3]}"
            assert all(cell.protection.locked and cell.fill.fgColor.rgb == GREY for cell in cells
                       if cell.row in live), where
            dim = col_dimension(ws, idx)  # the rows below: styled by the column, as a new cell will be
            assert dim.protection.locked and dim.fill.fgColor.rgb == GREY, where
            assert dim.number_format == c["number_format"] == cells[0].number_format, where
        else:
            filled = [cell.coordinate for cell in cells if cell.value is not None]
            assert not filled, f"{where}: a result column is empty in a new template, not {filled[:3]}"


def test_formula_cells_have_empty_cached_values(template_path: Path) -> None:
    """The formula cells carry an empty cached value (<v></v>), so a reader that does not recalculate
    (LibreOffice by default, Excel's Protected View, openpyxl data_only) shows blanks, not zeros."""
    wb = openpyxl.load_workbook(template_path, data_only=True)
    for t in LAYOUT.tables:
        ws = wb[t.sheet]
        for col in t.columns:
            if col.computed == "formula":
                idx = t.index(col.key) + 1
                values = {ws.cell(r, idx).value for r in range(t.first_data_row, t.last_data_row + 1)}
                assert values == {None}, f"{t.sheet}!{t.letter(col.key)} ({col.key}): cached {values - {None}}"


@pytest.mark.parametrize("key", [t.key for t in LAYOUT.tables])
def test_band_labels(spec: dict[str, Any], wb: Workbook, key: str) -> None:
    """Each run of columns with the same band has its label merged over it in the row above the header."""
    (table,) = [s for s in sheets_of(spec, "table") if s["key"] == key]
    ws = wb[table["name"]]
    band_row = table["header_row"] - 1
    runs = band_runs(table["columns"])
    expected = {f"{openpyxl.utils.get_column_letter(a)}{band_row}:{openpyxl.utils.get_column_letter(b)}{band_row}"
                for _, a, b in runs if b > a}
    assert {str(r) for r in ws.merged_cells.ranges if r.min_row > 3} == expected, f"{ws.title}: merged ranges"
    # the title, subtitle and note: merged over each printed page's own columns (so the note wraps there)
    spans = table_title_spans(LAYOUT.table(key))
    assert {(r.min_row, r.min_col, r.max_col) for r in ws.merged_cells.ranges if r.min_row <= 3} == {
        (row, s.first + 1, s.last + 1) for row in (1, 2, 3) for s in spans if s.last > s.first}
    for band, a, _b in runs:
        cell = ws.cell(band_row, a)
        assert cell.value == band, f"{ws.title}!{cell.coordinate}"
        assert cell.font.b and cell.fill.fgColor.rgb == ws.cell(table["header_row"], a).fill.fgColor.rgb, (
            f"{ws.title}!{cell.coordinate}: a band looks like the headers")
        assert cell.protection.locked, f"{ws.title}!{cell.coordinate}"
    if runs:
        banded = {i for _, a, b in runs for i in range(a, b + 1)}
        for i in range(1, len(table["columns"]) + 1):
            if i not in banded:
                assert ws.cell(band_row, i).value is None, f"{ws.title}: no band over column {i}"
    elif key in ("assessment", "smart_farmer", "participation"):
        pytest.fail(f"{ws.title}: the programme sheet has no band labels")


def test_form_fields_match_schema(spec: dict[str, Any], wb: Workbook) -> None:
    (form,) = sheets_of(spec, "form")
    ws = wb[form["name"]]
    assert ws["B1"].value == form["title"]
    prefilled = {"province": "แม่ฮ่องสอน", "district": "ปาย", "fiscal_year": YEAR}
    for f in form["fields"]:
        col, row = coordinate_from_string(f["cell"])
        assert col == "C", f["key"]
        label = ws[f"B{row}"]
        assert label.value == f["label"] + (" *" if f["required"] else ""), f["key"]
        assert label.protection.locked, f["key"]
        value = ws[f["cell"]]
        if f["prefilled"]:
            assert value.value == prefilled[f["key"]], f["key"]
            assert value.protection.locked, f"{f['cell']} ({f['key']}) is set by the template"
        else:
            assert not value.protection.locked, f"{f['cell']} ({f['key']}) must be unlocked for input"
            assert value.number_format == f["number_format"], f["key"]
            assert value.border.left.style, f"{f['cell']} ({f['key']}) has a box to fill in"
    assert ws[LAYOUT.info.field("office").cell].value == "สำนักงานเกษตรอำเภอปาย"


def test_lists_sheet(spec: dict[str, Any], wb: Workbook) -> None:
    """Every list of the layout (static and from the criteria) and the district's tambons, each behind a
    ``list_<key>`` name; ``list_group`` reads the group names of the groups sheet."""
    assert set(STATIC_LISTS) <= set(LAYOUT.lists)
    assert {"category", "round", "activity", "rate_item"} <= set(LAYOUT.lists)
    (lists,) = sheets_of(spec, "lists")
    assert lists["lists"] == {k: list(v) for k, v in LAYOUT.lists.items()} | {"tambon": "dynamic",
                                                                               "group": "dynamic",
                                                                               "new_group": "dynamic"}
    ws = wb[LAYOUT.lists_sheet]
    assert [c.value for c in ws[1]] == [*LAYOUT.lists, "tambon"], "one column per list, keys in row 1"
    tambons = [s.name_th for s in geothai.subdistricts("5803")]
    for key, items in {**LAYOUT.lists, "tambon": tambons}.items():
        assert items, key
        assert [_as_text(v) for v in lists_column(wb, key)] == list(items), key
        assert [_as_text(v) for v in named_list(wb, f"list_{key}")] == list(items), key
    groups = LAYOUT.table("groups")
    (dest,) = list(wb.defined_names["list_group"].destinations)
    assert dest == (groups.sheet, f"${groups.letter('name')}${groups.first_data_row}:"
                                  f"${groups.letter('name')}${groups.last_data_row}")
    establish = LAYOUT.table("establish")  # the applicants' dropdown: names typed in the establishment sheet
    (dest,) = list(wb.defined_names["list_new_group"].destinations)
    assert dest == (establish.sheet, f"${establish.letter('name')}${establish.first_data_row}:"
                                     f"${establish.letter('name')}${establish.last_data_row}")
    # No dropdown points to a name that is not there.
    used = {c.choices for t in LAYOUT.tables for c in t.columns if c.choices}
    assert {f"list_{k}" for k in used} <= set(wb.defined_names), used


def _as_text(v: Any) -> Any:
    """Number dropdowns (category, round) hold numbers, so Excel accepts a typed 1; compare as text."""
    return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


def test_print_setup(spec: dict[str, Any], wb: Workbook) -> None:
    """Forms fit the page width; tables print at PRINT_SCALE (16 pt → 11.2 pt), broken between columns as
    page_breaks says, the identifying columns repeated; no gridlines on paper."""
    for s in spec["sheets"]:
        ws = wb[s["name"]]
        if ws.sheet_state != "visible":
            continue
        assert int(ws.page_setup.paperSize) == 9, f"{s['name']}: A4"
        assert "&P" in (ws.oddFooter.center.text or ""), f"{s['name']}: page numbers"
        assert not ws.print_options.gridLines, f"{s['name']}: no gridlines on paper"
        table = next((t for t in LAYOUT.tables if t.sheet == s["name"]), None)
        if table is None and s["name"] != LAYOUT.summary_sheet:
            assert ws.sheet_properties.pageSetUpPr.fitToPage, f"{s['name']}: fit to page"
            assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, s["name"]
            continue
        assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage), s["name"]
        assert int(ws.page_setup.scale) == PRINT_SCALE, f"{s['name']}: printed at {PRINT_SCALE} %"
        if table is None:
            continue
        breaks = page_breaks([c.width for c in table.columns], [c.band for c in table.columns],
                             identifying_columns(table))
        assert [b.id for b in ws.col_breaks.brk] == breaks, s["name"]
        if breaks:
            assert ws.print_title_cols in ("$A:$B", "$A:$C"), f"{s['name']}: who the row is about repeated"
        for b in breaks:  # never inside a band
            band = table.columns[b].band
            assert band is None or table.columns[b - 1].band != band, (s["name"], b)


def test_default_font(template_path: Path) -> None:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(template_path) as z:
        styles = ET.fromstring(z.read("xl/styles.xml"))
    fonts = styles.findall("m:fonts/m:font", ns)
    default = fonts[0]
    assert default.find("m:name", ns).get("val") == FONT_NAME == "TH SarabunPSK"
    assert float(default.find("m:sz", ns).get("val")) == FONT_SIZE == 16
    assert {f.find("m:name", ns).get("val") for f in fonts} == {FONT_NAME}, "one font family throughout"
    normal = styles.find("m:cellStyleXfs/m:xf", ns)
    assert normal.get("fontId") == "0"


# ---------------------------------------------------------------- LibreOffice and poppler


@pytest.fixture(scope="module")
def template_pdf(lo_convert: Callable[[Path, str, Path], Path], template_path: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> Path:
    return lo_convert(template_path, "pdf", tmp_path_factory.mktemp("template-pdf"))


@pytest.fixture(scope="module")
def sample_pdf(lo_convert: Callable[[Path, str, Path], Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert SAMPLE_WORKBOOK.is_file(), f"missing sample workbook {SAMPLE_WORKBOOK}"
    return lo_convert(SAMPLE_WORKBOOK, "pdf", tmp_path_factory.mktemp("sample-pdf"))


SUBTITLE = "สำนักงานเกษตรอำเภอปาย จังหวัดแม่ฮ่องสอน ปีงบประมาณ พ.ศ. 2564"


def page_titles() -> list[str]:
    """The title printed on each visible sheet's first page, in sheet order (the summary's starts with its name)."""
    titles = {LAYOUT.instructions_sheet: INSTRUCTIONS_TITLE, LAYOUT.info.sheet: LAYOUT.info.title,
              **{t.sheet: t.title for t in LAYOUT.tables}}
    if LAYOUT.summary_sheet:
        titles[LAYOUT.summary_sheet] = LAYOUT.summary_sheet
    return [titles[s] for s in visible_sheets()]


FOOTER = re.compile(r"หน้า\s*\d+\s*/\s*\d+")


def page_sheets(pages: list[str]) -> list[str]:
    """The sheet of each printed page: the one whose title starts first on it (a table's title rows print on
    every page of it); a page without a title continues the sheet before it."""
    titles = dict(zip(visible_sheets(), page_titles(), strict=True))
    out: list[str] = []
    for page in pages:
        text = squash(page)
        found = sorted((text.find(squash(t)[:10]), s) for s, t in titles.items() if squash(t)[:10] in text)
        out.append(found[0][1] if found else out[-1])
    return out


def table_pages(pages: list[str]) -> list[tuple[int, list[str], Table]]:
    """(1-based number of its first page, the text of its pages, table) of every table sheet: its pages side
    by side; a page below another (an empty table's rows printing over two pages tall) repeats the title and
    header rows only and is left out."""
    sheets = page_sheets(pages)
    out = []
    for t in LAYOUT.tables:
        numbers = [n for n, s in enumerate(sheets) if s == t.sheet]
        texts: list[str] = []
        seen: set[str] = set()
        for n in numbers:
            key = FOOTER.sub("", squash(pages[n]))
            if key not in seen:
                seen.add(key)
                texts.append(pages[n])
        out.append((numbers[0] + 1, texts, t))
    return out


def clipped_away(text: str, lines: list[str]) -> str:
    """``text`` (squashed) without ``lines`` (the title block, printed whole again on each page of a wide table)
    and the "(ต่อ)" after the title there."""
    for line in map(squash, [*lines, CONTINUED]):
        text = text.replace(line, "", 1)
    return text


@pytest.mark.libreoffice
def test_template_prints_thai(template_pdf: Path) -> None:
    pages = pdf_pages(template_pdf)
    # Hidden sheets are not printed; each visible sheet of the empty template fits one page, or two side by
    # side for the two wide tables.
    sheets = page_sheets(pages)
    assert set(sheets) == set(visible_sheets()), [p[:80] for p in pages]
    titles = dict(zip(visible_sheets(), page_titles(), strict=True))
    for n, (page, sheet) in enumerate(zip(pages, sheets, strict=True), start=1):
        if sheets.index(sheet) == n - 1:  # the sheet's first page
            assert squash(titles[sheet]) in squash(page), f"page {n}: {titles[sheet]}"
        assert squash(f"หน้า {n} / {len(pages)}") in squash(page), f"page {n}: page number in the footer"
    assert squash(SUBTITLE) in squash(pages[0])
    for sample in ("ชื่อกลุ่ม", "เลขประจำตัวประชาชน", "วันที่จัดตั้ง", "ตำบล", "โทรศัพท์มือถือ"):
        assert sample in squash("".join(pages)), sample
    # Every header and band label of every table, and every form label, is printed (wrapped headers:
    # whitespace folded); so are the subtitle and the note (criteria-derived on the programme sheets).
    for n, texts, table in table_pages(pages):
        where = f"page {n} ({table.sheet})"
        page = "".join(texts)
        for col in table.columns:
            assert squash(col.header_label) in squash(page), f"{where}: {col.header_label}"
            if col.band:
                assert squash(col.band) in squash(page), f"{where}: band {col.band}"
        assert squash(SUBTITLE) in squash(page), where
        assert squash(table.note) in squash(page), f"{where}: {table.note}"
    info = pages[page_sheets(pages).index(LAYOUT.info.sheet)]
    for f in LAYOUT.info.fields:
        assert squash(f.label) in squash(info), f.label
    assert "สำนักงานเกษตรอำเภอปาย" in info and "แม่ฮ่องสอน" in info and "2564" in info
    summary = squash(pages[page_sheets(pages).index(LAYOUT.summary_sheet)])
    assert "kaset-xlscore" in summary and "เกณฑ์ชั่วคราว" in summary, "not computed yet; provisional criteria"


@pytest.mark.libreoffice
def test_empty_template_prints_no_computed_values(template_pdf: Path) -> None:
    """The formula cells of an empty template print blank: no '0.00' rows under the totals.

    A table page holds its title, subtitle, note, band labels, headers and page number, and nothing else.
    """
    pages = pdf_pages(template_pdf)
    for n, texts, table in table_pages(pages):
        page = "".join(texts)
        assert "0.00" not in page, f"page {n} ({table.sheet}) prints computed zeros"
        repeated = [c.header_label for c in table.columns[:identifying_columns(table)]] * (len(texts) - 1)
        footers = [m.group(0) for m in (FOOTER.search(squash(t)) for t in texts) if m]
        known = [*footers, table.title, SUBTITLE, table.note,
                 *{c.band for c in table.columns if c.band}, *(c.header_label for c in table.columns), *repeated]
        rest = squash(texts[0]) + "".join(clipped_away(squash(t), [table.title, SUBTITLE, table.note])
                                          for t in texts[1:])
        for text in sorted(map(squash, known), key=len, reverse=True):
            assert text in rest, f"page {n} ({table.sheet}): {text}"
            rest = rest.replace(text, "", 1)
        if len(texts) > 1:  # a band cut by the page break prints its label (or its start) on both pages
            bands = sorted({c.band for c in table.columns if c.band})
            for band in bands:
                rest = without_near(rest, squash(band))
            rest = clipped_away(rest, bands)
        assert rest == "", f"page {n} ({table.sheet}) prints more than its form: {rest[:200]!r}"


def without_near(text: str, part: str) -> str:
    """``text`` without the stretch most like ``part`` (≥ 90 % alike: pdftotext may drop a mark), if any."""
    from difflib import SequenceMatcher

    best: tuple[float, int, int] | None = None
    for length in (len(part) - 1, len(part), len(part) + 1):
        for i in range(0, len(text) - length + 1):
            ratio = SequenceMatcher(None, text[i:i + length], part).ratio()
            if ratio >= 0.9 and (best is None or ratio > best[0]):
                best = (ratio, i, length)
    return text if best is None else text[:best[1]] + text[best[1] + best[2]:]


@pytest.mark.libreoffice
def test_sample_prints_buddhist_era_dates(sample_pdf: Path) -> None:
    pages = pdf_pages(sample_pdf)
    (info,) = [p for p in pages if LAYOUT.info.title in p]
    pages = [p for p in pages if INSTRUCTIONS_TITLE not in p]  # it shows how to type a date on either PC
    report_date = openpyxl.load_workbook(SAMPLE_WORKBOOK, read_only=True)[LAYOUT.info.sheet][
        LAYOUT.info.field("report_date").cell].value
    assert report_date is not None and report_date.year < 2100, f"the sample's report date: {report_date!r}"
    be = f"{report_date.day:02d}/{report_date.month:02d}/{report_date.year + 543}"  # dd/mm/yyyy in พ.ศ.
    assert be in info, f"the report date ({report_date:%Y-%m-%d}) prints with its Buddhist-era year {be}"
    dates = re.findall(r"(?<!\d)(\d{1,2})/(\d{2})/(\d{4})", "\n".join(pages))
    assert len(dates) >= 20, "the sample's group and member dates are printed"
    years = sorted({int(y) for _, _, y in dates})
    assert all(2400 <= y <= 2600 for y in years), f"a date printed with a Gregorian year: {years}"


@pytest.mark.libreoffice
def test_template_round_trips_through_libreoffice(lo_convert: Callable[[Path, str, Path], Path],
                                                  template_path: Path,
                                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    outdir = tmp_path_factory.mktemp("roundtrip")
    xlsx = lo_convert(template_path, "xlsx:Calc MS Excel 2007 XML", outdir)
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == list(LAYOUT.sheet_order)
    assert wb[LAYOUT.lists_sheet].sheet_state != "visible"
    assert wb[LAYOUT.meta_sheet].sheet_state != "visible"  # LibreOffice keeps it hidden (not very hidden)
    assert meta_values(wb)["district_code"] == "5803"
    for t in LAYOUT.tables:
        ws = wb[t.sheet]
        header = [c.value for c in ws[t.header_row]]  # (a last page's title block may reach past the table)
        assert header[:len(t.columns)] == [c.header_label for c in t.columns]
        assert not any(header[len(t.columns):]), t.sheet
        assert ws.protection.sheet
        for date_col in (i for i, c in enumerate(t.columns, start=1) if c.type.value == "date"):
            fmt = col_dimension(ws, date_col).number_format
            # LibreOffice rewrites [$-1070000] as its own Thai Buddhist-calendar locale code [$-107041E].
            assert fmt.startswith("[$-107") and "yyyy" in fmt, f"{t.sheet}: {fmt}"
        if any(c.choices for c in t.columns):
            assert any(dv.type == "list" for dv in ws.data_validations.dataValidation), t.sheet
        for i, col in enumerate(t.columns, start=1):
            if col.computed == "formula":  # the live formulas survive, still locked
                for r in (t.first_data_row, live_rows(t, {})[-1]):
                    assert ws.cell(r, i).value == t.formula_at(col, r), f"{t.sheet}!{t.letter(col.key)}{r}"
                    assert ws.cell(r, i).protection.locked, f"{t.sheet}!{t.letter(col.key)}{r}"
        bands = {c.band for c in t.columns if c.band}
        assert {ws.cell(m.min_row, m.min_col).value for m in ws.merged_cells.ranges if m.min_row > 3} == bands, t.sheet
    assert wb[LAYOUT.summary_sheet].sheet_state == "visible" and wb[LAYOUT.summary_sheet].protection.sheet

    ods = lo_convert(template_path, "ods", outdir)
    with zipfile.ZipFile(ods) as z:
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        content = z.read("content.xml").decode("utf-8")
        styles = z.read("styles.xml").decode("utf-8")
    for name in LAYOUT.sheet_order:
        assert f'table:name="{name}"' in content, name
    assert 'calendar="buddhist"' in content + styles, "the date format is read as a Buddhist-calendar date"


@pytest.mark.libreoffice
@pytest.mark.parametrize("key", ["groups", "assessment"])
def test_table_page_renders_to_png(template_pdf: Path, tmp_path: Path, key: str) -> None:
    n = page_sheets(pdf_pages(template_pdf)).index(LAYOUT.table(key).sheet) + 1
    prefix = tmp_path / "page"
    subprocess.run([tool("pdftoppm"), "-r", "60", "-f", str(n), "-l", str(n), "-png", str(template_pdf),
                    str(prefix)], check=True, capture_output=True, timeout=60)
    (png,) = tmp_path.glob(f"page-*{n}.png")
    width, height = png_size(png)
    assert width > height, f"the {key} sheet prints landscape"
    assert (width, height) == pytest.approx((702, 496), abs=3), "A4 at 60 dpi"
    shutil.copyfile(png, f"/tmp/kaset-page-{key}.png")  # for a person to look at
