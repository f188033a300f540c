"""The district template is right: checked through the CLI, against the layout spec, and by real readers.

- ``kaset-xl template`` for every Mae Hong Son district and a deterministic sample of the country;
- every sheet, column and form field of ``kaset-xl schema --json`` is where the spec says, as openpyxl reads it;
- LibreOffice (an independent reader) opens, converts and prints the template with Thai text and
  Buddhist-era dates; poppler reads the PDF back.
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

from kaset_xl.cli import cli
from kaset_xl.workbook.builder import FONT_NAME, FONT_SIZE
from kaset_xl.workbook.layout import LAYOUT, STATIC_LISTS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_WORKBOOK = ROOT / "workbooks" / "5803-Pai-2564.xlsx"
YEAR = 2564

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


def tool(name: str) -> str:
    """A poppler tool; skipped (or failed, when CI requires the LibreOffice checks) if missing."""
    path = shutil.which(name)
    if path:
        return path
    reason = f"{name} not found (apt-get install poppler-utils)"
    if os.environ.get("KASET_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(f"KASET_REQUIRE_LIBREOFFICE=1 but {reason}", pytrace=False)
    pytest.skip(reason)


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
    meta = wb[LAYOUT.meta_sheet]
    assert meta.sheet_state == "veryHidden"
    ident = meta_values(wb)
    assert ident["template_id"] == LAYOUT.template_id
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
        ("แม่ฮ่องสอน", "ปาย", "2021", "BAD_FISCAL_YEAR"),
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


def test_sheets_order_and_visibility(spec: dict[str, Any], wb: Workbook) -> None:
    assert wb.sheetnames == [s["name"] for s in spec["sheets"]]
    expected_state = {True: "hidden", "very": "veryHidden", None: "visible", False: "visible"}
    for s in spec["sheets"]:
        assert wb[s["name"]].sheet_state == expected_state[s.get("hidden")], s["name"]
    assert wb.active.title == LAYOUT.instructions_sheet


def test_every_sheet_is_protected(spec: dict[str, Any], wb: Workbook) -> None:
    for s in spec["sheets"]:
        assert wb[s["name"]].protection.sheet, f"{s['name']} is not protected"


@pytest.mark.parametrize("key", [t.key for t in LAYOUT.tables])
def test_table_sheet_matches_schema(spec: dict[str, Any], wb: Workbook, key: str) -> None:
    (table,) = [s for s in sheets_of(spec, "table") if s["key"] == key]
    ws = wb[table["name"]]
    hr, first, cap = table["header_row"], table["first_data_row"], table["capacity"]
    last = first + cap - 1
    assert first == hr + 1
    assert ws["A1"].value == table["title"]
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
        assert dim.protection.locked is False, f"{where}: data cells must be unlocked"
        assert dim.font.name == FONT_NAME and dim.font.sz == FONT_SIZE, where
        if c["type"] in ("citizen_id", "farmer_id", "phone"):
            assert c["number_format"] == "@", where
        if c["type"] == "date":
            assert c["number_format"].startswith("[$-1070000]") and "yyyy" in c["number_format"], where

        if c["choices"]:
            dvs = [dv for dv in validations_covering(ws, idx, first, last) if dv.type == "list"]
            assert len(dvs) == 1, f"{where}: one dropdown over rows {first}-{last}"
            dv = dvs[0]
            assert dv.formula1 == f"list_{c['choices']}", where
            assert (dv.errorStyle or "stop") == ("stop" if c["strict"] else "warning"), where
            items = [v for v in named_list(wb, dv.formula1) if v is not None]
            if c["choices"] in STATIC_LISTS:
                assert items == list(STATIC_LISTS[c["choices"]]), where
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

    # No cell written in the data area overrides the column formats (e.g. with a locked style).
    for (r, col), cell in ws._cells.items():
        if r >= first:
            assert not cell.protection.locked, f"{cell.coordinate} is locked inside the data area"

    # The group dropdown of the members sheet reads the group names of the groups sheet.
    if key == "members":
        groups = LAYOUT.table("groups")
        (dest,) = list(wb.defined_names["list_group"].destinations)
        assert dest == (groups.sheet, f"${groups.letter('name')}${groups.first_data_row}:"
                                      f"${groups.letter('name')}${groups.last_data_row}")

    # Freeze panes below the header; the header repeats on every printed page.
    row = coordinate_from_string(ws.freeze_panes)[1]
    assert row == first
    titles = ws.print_title_rows
    assert titles and int(titles.split(":")[-1].lstrip("$")) == hr
    assert ws.auto_filter.ref == f"A{hr}:{table['columns'][-1]['letter']}{hr}"
    assert ws.print_area.endswith(f"${table['columns'][-1]['letter']}${hr + 20}")
    assert ws.page_setup.orientation == ("landscape" if LAYOUT.table(key).landscape else "portrait")


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
    (lists,) = sheets_of(spec, "lists")
    for key, items in lists["lists"].items():
        if items == "dynamic":
            continue
        assert lists_column(wb, key) == items
        assert named_list(wb, f"list_{key}") == items


def test_print_setup(spec: dict[str, Any], wb: Workbook) -> None:
    for s in spec["sheets"]:
        ws = wb[s["name"]]
        if ws.sheet_state != "visible":
            continue
        assert int(ws.page_setup.paperSize) == 9, f"{s['name']}: A4"
        assert ws.sheet_properties.pageSetUpPr.fitToPage, f"{s['name']}: fit to page"
        assert ws.page_setup.fitToWidth in (None, 1), f"{s['name']}: one page wide"
        assert ws.page_setup.fitToHeight == 0, f"{s['name']}: as many pages tall as needed"
        assert "&P" in (ws.oddFooter.center.text or ""), f"{s['name']}: page numbers"


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


@pytest.mark.libreoffice
def test_template_prints_thai(template_pdf: Path) -> None:
    pages = pdf_pages(template_pdf)
    # Hidden sheets are not printed; each visible sheet of the empty template fits one page.
    assert len(pages) == 4, [p[:80] for p in pages]
    titles = ["คำแนะนำการใช้แบบฟอร์มทะเบียนกลุ่มส่งเสริมอาชีพการเกษตร", LAYOUT.info.title,
              *(t.title for t in LAYOUT.tables)]
    for page, title in zip(pages, titles):
        assert squash(title) in squash(page), title
    assert "ทะเบียนกลุ่มส่งเสริมอาชีพการเกษตร" in pages[2]
    for sample in ("ชื่อกลุ่ม", "เลขประจำตัวประชาชน", "วันที่จัดตั้ง", "ตำบล", "โทรศัพท์มือถือ"):
        assert sample in squash("".join(pages)), sample
    # Every header of every table, and every form label, is printed (wrapped headers: whitespace folded).
    for page, table in zip(pages[2:], LAYOUT.tables):
        for col in table.columns:
            assert squash(col.header_label) in squash(page), f"{table.sheet}: {col.header_label}"
    for f in LAYOUT.info.fields:
        assert squash(f.label) in squash(pages[1]), f.label
    assert "สำนักงานเกษตรอำเภอปาย" in pages[1] and "แม่ฮ่องสอน" in pages[1] and "2564" in pages[1]


@pytest.mark.libreoffice
def test_sample_prints_buddhist_era_dates(sample_pdf: Path) -> None:
    pages = pdf_pages(sample_pdf)
    (info,) = [p for p in pages if LAYOUT.info.title in p]
    assert "15/12/2563" in info, "the report date (2020-12-15) prints with its Buddhist-era year"
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
        assert [c.value for c in ws[t.header_row]] == [c.header_label for c in t.columns]
        assert ws.protection.sheet
        date_col = next(i for i, c in enumerate(t.columns, start=1) if c.type.value == "date")
        fmt = col_dimension(ws, date_col).number_format
        # LibreOffice rewrites [$-1070000] as its own Thai Buddhist-calendar locale code [$-107041E].
        assert fmt.startswith("[$-107") and "yyyy" in fmt, fmt
        assert any(dv.type == "list" for dv in ws.data_validations.dataValidation)

    ods = lo_convert(template_path, "ods", outdir)
    with zipfile.ZipFile(ods) as z:
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        content = z.read("content.xml").decode("utf-8")
        styles = z.read("styles.xml").decode("utf-8")
    for name in LAYOUT.sheet_order:
        assert f'table:name="{name}"' in content, name
    assert 'calendar="buddhist"' in content + styles, "the date format is read as a Buddhist-calendar date"


@pytest.mark.libreoffice
def test_groups_page_renders_to_png(template_pdf: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "page"
    subprocess.run([tool("pdftoppm"), "-r", "60", "-f", "3", "-l", "3", "-png", str(template_pdf), str(prefix)],
                   check=True, capture_output=True, timeout=60)
    (png,) = tmp_path.glob("page-*3.png")
    width, height = png_size(png)
    assert width > height, "the groups sheet prints landscape"
    assert (width, height) == pytest.approx((702, 496), abs=3), "A4 at 60 dpi"
    shutil.copyfile(png, "/tmp/kaset-page-groups.png")  # for a person to look at
