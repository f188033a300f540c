"""The provincial forms as Excel templates (templates/provincial.xlsx) and their print.

- the shipped template is what scripts/make_templates.py makes, and has every defined name the filler needs;
- ``--templates DIR``: a province's restyled copy is used (its wording, fonts, widths kept, the values filled);
  a copy without a required name is refused (TEMPLATE_NAME_MISSING, exit 2, nothing written);
- printed through LibreOffice, every page's Thai text is at least 11 pt and every page says "หน้า x / y".
"""

from __future__ import annotations

import importlib.resources
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from kaset_xl.certificate import CERT_TEMPLATE, build_certificate_template
from kaset_xl.cli import cli
from kaset_xl.consolidate.forms import FORMS, TEMPLATE_FILE, build_provincial_template, required_names
from support import require_tool

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "templates" / TEMPLATE_FILE
MIN_PT = 11.0


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("name, build", [(TEMPLATE_FILE, build_provincial_template),
                                         (CERT_TEMPLATE, build_certificate_template)])
def test_the_shipped_templates_are_what_the_script_makes(tmp_path: Path, name: str, build: Any) -> None:
    made = tmp_path / name
    build(made)
    assert made.read_bytes() == (ROOT / "templates" / name).read_bytes(), "run python scripts/make_templates.py"


def test_the_template_is_package_data_with_every_required_name() -> None:
    shipped = importlib.resources.files("kaset_xl.templates") / TEMPLATE_FILE
    wb = openpyxl.load_workbook(str(shipped))
    assert wb.sheetnames == [f.sheet for f in FORMS]
    assert set(required_names()) <= set(wb.defined_names)
    # the marked rows hold {key} markers, the place of the province and year one too
    ksa1 = wb["กสอ.1"]
    (sheet, ref), = wb.defined_names["KSA1_ROW"].destinations
    assert sheet == "กสอ.1"
    marks = [c.value for c in ksa1[ref.replace("$", "")][0]]
    assert marks[:2] == ["{district_code}", "{district}"] and "{members}" in marks


def _restyled(folder: Path) -> Path:
    """A province's copy: a reworded header, another font in the marked row, a wider column, a new title."""
    folder.mkdir()
    copy = folder / TEMPLATE_FILE
    wb = openpyxl.load_workbook(SHIPPED)
    ws = wb["กสอ.1"]
    (_, ref), = wb.defined_names["KSA1_ROW"].destinations
    row = ws[ref.replace("$", "")][0]
    header = ws.cell(row[0].row - 1, 2)
    assert header.value == "อำเภอ"
    header.value = "ชื่ออำเภอ"
    for cell in row:
        cell.font = openpyxl.styles.Font(name="TH Sarabun New", size=15, color="1F3864")
    ws.column_dimensions["B"].width = 21.5
    ws["A1"] = "แบบรายงาน กสอ.1 ของจังหวัด (ฉบับปรับปรุง)"
    wb.save(copy)
    return copy


def test_templates_option_uses_the_provinces_copy(samples: Path, tmp_path: Path) -> None:
    _restyled(tmp_path / "mine")
    out = tmp_path / "prov.xlsx"
    result = run("consolidate", str(samples), "-o", str(out), "--templates", str(tmp_path / "mine"))
    assert result.exit_code == 1, result.output  # written; districts missing
    wb = openpyxl.load_workbook(out)
    ws = wb["กสอ.1"]
    assert ws["A1"].value == "แบบรายงาน กสอ.1 ของจังหวัด (ฉบับปรับปรุง)"
    assert ws.column_dimensions["B"].width == 21.5
    header = next(r for r in ws.iter_rows() if r[1].value == "ชื่ออำเภอ")
    rows = [r for r in ws.iter_rows(min_row=header[0].row + 1) if str(r[0].value or "").isdigit()]
    assert [r[0].value for r in rows] == ["5801", "5803", "5804", "5807"]
    assert all(r[1].font.name == "TH Sarabun New" and r[1].font.sz == 15 for r in rows)  # every filled row
    assert "{" not in " ".join(str(c.value) for r in ws.iter_rows() for c in r if c.value is not None)
    # demo takes the same option
    demo_out = tmp_path / "demo.xlsx"
    assert run("demo", "-o", str(demo_out), "--templates", str(tmp_path / "mine")).exit_code == 1
    assert openpyxl.load_workbook(demo_out)["กสอ.1"]["A1"].value.endswith("(ฉบับปรับปรุง)")


@pytest.mark.parametrize("command", ["consolidate", "demo"])
def test_a_template_without_a_required_name_is_refused(samples: Path, tmp_path: Path, command: str) -> None:
    copy = _restyled(tmp_path / "mine")
    wb = openpyxl.load_workbook(copy)
    del wb.defined_names["KSA4B_ROW"]
    wb.save(copy)
    out = tmp_path / "out" / "prov.xlsx"
    out.parent.mkdir()
    args = [str(samples)] if command == "consolidate" else ["-i", str(samples)]
    result = run(command, *args, "-o", str(out), "--templates", str(tmp_path / "mine"))
    assert result.exit_code == 2, result.output
    assert "[TEMPLATE_NAME_MISSING]" in result.output and "KSA4B_ROW" in result.output
    assert list(out.parent.iterdir()) == []


def test_a_templates_folder_without_the_template_is_refused(samples: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    out = tmp_path / "prov.xlsx"
    result = run("consolidate", str(samples), "-o", str(out), "--templates", str(tmp_path / "empty"))
    assert result.exit_code == 2 and "[TEMPLATE_NOT_FOUND]" in result.output and TEMPLATE_FILE in result.output
    assert not out.exists()


def test_a_table_without_rows_and_the_charts(samples: Path, tmp_path: Path) -> None:
    out = tmp_path / "prov.xlsx"
    assert run("consolidate", str(samples), "-o", str(out)).exit_code == 1
    wb = openpyxl.load_workbook(out)
    assert any(c.value == "— ไม่มีรายการ —" for r in wb["บุคคลซ้ำ"].iter_rows() for c in r)
    charts = {name: len(wb[name]._charts) for name in ("กสอ.2", "กสอ.3", "กสอ.4")}
    assert charts == {"กสอ.2": 1, "กสอ.3": 1, "กสอ.4": 1}
    bar = wb["กสอ.4"]._charts[0]
    assert bar.y_axis.number_format.formatCode == "#,##0"  # thousands separators on the money axis


# ------------------------------------------------------------------------------------------------ print

_WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')
_THAI = re.compile("[\u0e00-\u0e7f]")


def _pages(pdf: Path) -> list[list[tuple[float, str]]]:
    """Per page: (height, text) of every word (pdftotext -bbox)."""
    html = subprocess.run([require_tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [[(float(y1) - float(y0), w) for y0, y1, w in _WORD.findall(page)] for page in html.split("<page ")[1:]]


def test_the_provincial_workbook_prints_readable_with_page_numbers(
        samples: Path, tmp_path: Path, lo_convert: Callable[[Path, str, Path], Path]) -> None:
    import xlsxwriter

    out = tmp_path / "prov.xlsx"
    assert run("consolidate", str(samples), "-o", str(out)).exit_code == 1
    # a 16 pt line at 100 %: how tall LibreOffice's PDF makes a word per point of font size
    ruler = tmp_path / "ruler.xlsx"
    book = xlsxwriter.Workbook(str(ruler))
    book.add_worksheet().write(0, 0, "ทดสอบ กลุ่ม", book.add_format({"font_name": "TH SarabunPSK", "font_size": 16}))
    book.close()
    pdfs = tmp_path / "pdf"
    per_pt = min(h for h, _w in _pages(lo_convert(ruler, "pdf", pdfs))[0]) / 16
    pages = _pages(lo_convert(out, "pdf", pdfs))
    assert len(pages) >= len(FORMS)
    small: list[Any] = []
    for i, words in enumerate(pages, start=1):
        thai = [(round(h / per_pt, 1), w) for h, w in words if _THAI.search(w)]
        assert thai, f"page {i} has no Thai text"
        small += [(i, size, w) for size, w in thai if size < MIN_PT - 0.05]
        text = "".join(w for _h, w in words)
        assert f"หน้า{i}/{len(pages)}" in text, f"page {i}: no footer หน้า {i} / {len(pages)}"
    assert small == [], small[:10]


def test_shipped_template_copies_cleanly(tmp_path: Path) -> None:
    """A province copies the template folder as it is; the copy is a complete --templates DIR."""
    mine = tmp_path / "mine"
    shutil.copytree(ROOT / "templates", mine, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    assert sorted(p.name for p in mine.iterdir()) == [CERT_TEMPLATE, TEMPLATE_FILE]


CERTIFIED_GROUP = "กลุ่มแปรรูปกล้วยตาก"  # approved, certificate 5803/2564/01, in the sample of ปาย


def test_certificate_from_a_provinces_template(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    wb = openpyxl.load_workbook(ROOT / "templates" / CERT_TEMPLATE)
    ws = wb.worksheets[0]
    line = next(c for r in ws.iter_rows() for c in r if c.value == "ขอรับรองว่า")
    line.value = "สำนักงานฯ ขอรับรองว่า"
    name = next(c for r in ws.iter_rows() for c in r if c.value == "{group_name}")
    name.font = openpyxl.styles.Font(name="TH Sarabun New", size=30, bold=True)
    wb.save(mine / CERT_TEMPLATE)
    out = tmp_path / "cert.xlsx"
    sample = ROOT / "workbooks" / "5803-Pai-2564.xlsx"
    result = run("certificate", str(sample), "-g", CERTIFIED_GROUP, "-o", str(out), "--templates", str(mine))
    assert result.exit_code in (0, 1), result.output
    ws = openpyxl.load_workbook(out).worksheets[0]
    texts = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    assert "สำนักงานฯ ขอรับรองว่า" in texts and CERTIFIED_GROUP in texts
    assert not any("{" in t for t in texts)
    cell = next(c for r in ws.iter_rows() for c in r if c.value == CERTIFIED_GROUP)
    assert (cell.font.name, cell.font.sz) == ("TH Sarabun New", 30)
    assert ws.protection.sheet  # the template's protection kept
    # a copy without its CERT_AREA name: refused, nothing written
    wb = openpyxl.load_workbook(mine / CERT_TEMPLATE)
    del wb.defined_names["CERT_AREA"]
    wb.save(mine / CERT_TEMPLATE)
    refused = tmp_path / "refused.pdf"
    result = run("certificate", str(sample), "-g", CERTIFIED_GROUP, "-o", str(refused), "--templates", str(mine))
    assert result.exit_code == 2 and "[TEMPLATE_NAME_MISSING]" in result.output and "CERT_AREA" in result.output
    assert not refused.exists()


def _picture(path: Path) -> Any:
    """A small picture (a stand-in for a logo, the Garuda emblem or a seal), made with Pillow."""
    from openpyxl.drawing.image import Image as XlImage
    from PIL import Image

    Image.new("RGB", (60, 60), (128, 0, 0)).save(path)
    return XlImage(str(path))


def _media(path: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("xl/media/")]


def test_a_logo_in_the_provinces_template_is_kept(samples: Path, tmp_path: Path) -> None:
    copy = _restyled(tmp_path / "mine")
    wb = openpyxl.load_workbook(copy)
    wb["กสอ.1"].add_image(_picture(tmp_path / "logo.png"), "H1")
    wb.save(copy)
    out = tmp_path / "prov.xlsx"
    assert run("consolidate", str(samples), "-o", str(out), "--templates", str(tmp_path / "mine")).exit_code == 1
    assert _media(out), "the province's logo was dropped"


def test_the_certificate_keeps_places_for_the_emblem_and_the_seal(tmp_path: Path) -> None:
    from kaset_xl.certificate import CERT_EMBLEM, CERT_SEAL

    mine = tmp_path / "mine"
    mine.mkdir()
    wb = openpyxl.load_workbook(ROOT / "templates" / CERT_TEMPLATE)
    ws = wb.worksheets[0]
    places = {name: wb.defined_names[name].attr_text.split("!")[1].replace("$", "")
              for name in (CERT_EMBLEM, CERT_SEAL)}
    emblem_row = int(places[CERT_EMBLEM].split(":")[0][1:])
    assert ws.row_dimensions[emblem_row].height >= 60  # room for the emblem above the department's line
    assert all(c.value is None for c in ws[places[CERT_EMBLEM]][0])  # an empty place to fill
    ws.add_image(_picture(tmp_path / "garuda.png"), places[CERT_EMBLEM].split(":")[0])
    ws.add_image(_picture(tmp_path / "seal.png"), places[CERT_SEAL].split(":")[0])
    wb.save(mine / CERT_TEMPLATE)
    out = tmp_path / "cert.xlsx"
    sample = ROOT / "workbooks" / "5803-Pai-2564.xlsx"
    result = run("certificate", str(sample), "-g", CERTIFIED_GROUP, "-o", str(out), "--templates", str(mine))
    assert result.exit_code in (0, 1), result.output
    assert len(_media(out)) == 2, "the emblem and the seal are kept"


# ------------------------------------------------------------------------------------------- no clipping


def _filled(samples: Path, tmp_path: Path) -> Path:
    out = tmp_path / "prov.xlsx"
    assert run("consolidate", str(samples), "-o", str(out)).exit_code == 1  # written; districts missing
    return out


def _geometry(ws: Any) -> tuple[Callable[[int], float], Callable[[int], float], dict[tuple[int, int], Any]]:
    """A sheet's column widths and row heights in points, and its merged ranges by their first cell."""
    from kaset_xl.consolidate.forms import ROW_HEIGHT
    from kaset_xl.workbook.textfit import stored_column_points

    default_height = ws.sheet_format.defaultRowHeight or ROW_HEIGHT
    widths: dict[int, float] = {}
    for dim in ws.column_dimensions.values():  # a <col min max> element covers its range
        for c in range(int(dim.min or 0), int(dim.max or 0) + 1):
            widths[c] = float(dim.width or 8.43)

    def width(c: int) -> float:
        return stored_column_points(widths.get(c, 8.43))

    def height(r: int) -> float:
        dim = ws.row_dimensions.get(r)
        return float(dim.height) if dim is not None and dim.height is not None else float(default_height)

    return width, height, {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}


def _clipped(wb: Any) -> tuple[int, list[tuple[str, str, str]]]:
    """Every text cell of every sheet checked: (cells checked, the clipped ones)."""
    from openpyxl.cell.cell import MergedCell

    from kaset_xl.consolidate.forms import FONT_SIZE, ROW_HEIGHT, cell_lines, indent_points
    from kaset_xl.workbook.textfit import CELL_PADDING, LINE_HEIGHT_16, text_width

    clipped: list[tuple[str, str, str]] = []
    checked = 0
    for ws in wb.worksheets:
        width, height, merged = _geometry(ws)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell, MergedCell) or not isinstance(cell.value, str) or not cell.value.strip():
                    continue
                checked += 1
                span = merged.get((cell.row, cell.column))
                c1, r1 = (span.max_col, span.max_row) if span else (cell.column, cell.row)
                room = sum(width(c) for c in range(cell.column, c1 + 1))
                tall = sum(height(r) for r in range(cell.row, r1 + 1))
                size, bold = float(cell.font.sz or FONT_SIZE), bool(cell.font.b)
                one_line = ROW_HEIGHT * max(size, FONT_SIZE) / FONT_SIZE
                indent = int(cell.alignment.indent or 0)
                if cell.alignment.wrap_text:
                    lines = cell_lines(cell.value, room, size=size, bold=bold, indent=indent)
                    need = one_line if lines == 1 else lines * LINE_HEIGHT_16 * size / 16
                    if need > tall:
                        clipped.append((ws.title, cell.coordinate, f"{lines} lines in {tall} pt: {cell.value!r}"))
                    continue
                wide = text_width(cell.value, size, bold=bold) + CELL_PADDING + indent * indent_points(size)
                c = c1
                if cell.alignment.horizontal not in ("right", "center"):  # it runs on over the empty cells
                    while wide > room and c < ws.max_column and ws.cell(cell.row, c + 1).value in (None, ""):
                        c += 1
                        room += width(c)
                if wide > room or one_line > tall:
                    clipped.append((ws.title, cell.coordinate, f"{wide:.0f} pt in {room:.0f} pt: {cell.value!r}"))
    return checked, clipped


def test_no_text_is_clipped_in_the_filled_provincial_workbook(samples: Path, tmp_path: Path) -> None:
    """Every text of every sheet fits its cell: a wrapped text's lines (textfit) × the line height fit its row's
    (or merged rows') height, an unwrapped text fits its cell or the empty cells to its right (within the sheet's
    columns: what lies beyond the last one is not printed)."""
    checked, clipped = _clipped(openpyxl.load_workbook(_filled(samples, tmp_path)))
    assert checked > 400
    assert clipped == []


def test_filled_rows_take_their_own_height_in_a_provinces_restyled_copy(samples: Path, tmp_path: Path) -> None:
    """A province's copy with a larger font in the marked row and a taller marked row: each filled row is as tall
    as its own content in that font (not the marked row's height), and nothing is clipped."""
    copy = _restyled(tmp_path / "mine")
    wb = openpyxl.load_workbook(copy)
    ws = wb["กสอ.1"]
    (_, ref), = wb.defined_names["KSA1_ROW"].destinations
    row = ws[ref.replace("$", "")][0]
    for cell in row:
        cell.font = openpyxl.styles.Font(name="TH SarabunPSK", size=20)
    ws.row_dimensions[row[0].row].height = 200
    wb.save(copy)
    out = tmp_path / "prov.xlsx"
    assert run("consolidate", str(samples), "-o", str(out), "--templates", str(tmp_path / "mine")).exit_code == 1
    filled = openpyxl.load_workbook(out)
    ws = filled["กสอ.1"]
    heights = [ws.row_dimensions[r[0].row].height for r in ws.iter_rows() if str(r[0].value or "").isdigit()]
    assert len(heights) == 4 and all(30 <= h < 200 for h in heights), heights
    _checked, clipped = _clipped(filled)
    assert clipped == []


def test_every_header_word_fits_its_column() -> None:
    """In the shipped template every word of a header (its space-separated tokens and the pieces reports.py
    breaks with explicit line breaks) fits its column on one line, as does every word of an enumerated column's
    values (3ก levels, statuses) — LibreOffice and Excel then break no Thai word inside."""
    from kaset_xl.consolidate.forms import FONT_SIZE, LEVEL_KEYS, header_words, indent_points
    from kaset_xl.criteria import load_criteria
    from kaset_xl.workbook.textfit import CELL_PADDING, text_width

    levels = load_criteria().assessment.level_names
    wb = openpyxl.load_workbook(SHIPPED)
    narrow: list[tuple[str, str, str]] = []
    checked = 0
    for form in FORMS:
        ws = wb[form.sheet]
        width, _height, merged = _geometry(ws)
        for t in form.tables:
            (_, ref), = wb.defined_names[f"{t.key}_ROW"].destinations
            marked = ws[ref.replace("$", "")][0]
            header_row = marked[0].row - 1
            c = 1
            for col in t.columns:
                head = ws.cell(header_row, c)
                assert str(head.value) == col.header
                span = merged.get((header_row, c))
                room = sum(width(x) for x in range(c, (span.max_col if span else c) + 1))
                words = [(w, True, 0) for w in header_words(col.header)]
                values = levels if col.key in LEVEL_KEYS else col.values
                indent = int(ws.cell(marked[0].row, c).alignment.indent or 0)
                words += [(w, False, indent) for v in values for w in v.split()]
                for word, bold, ind in words:
                    checked += 1
                    if text_width(word, FONT_SIZE, bold=bold) + CELL_PADDING + ind * indent_points() > room:
                        narrow.append((form.sheet, col.key, word))
                c += col.span
    assert checked > 300
    assert narrow == []


_BOX = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>')


def _boxes(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Per page: (x, y, text) of every word (pdftotext -bbox), the XML's entities undone."""
    import html

    out = subprocess.run([require_tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [[(float(x), float(y), html.unescape(w)) for x, y, w in _BOX.findall(page)]
            for page in out.split("<page ")[1:]]


def _cell_texts(wb: Any, sheet: str, rows: set[int] | None = None) -> set[str]:
    """The words (three characters or more) a sheet's cells print: texts, figures, dates (Buddhist era)."""
    import datetime as dt

    ws = wb[sheet]
    words: set[str] = set()
    for row in ws.iter_rows():
        for cell in row:
            v = cell.value
            if v is None or (rows is not None and cell.row not in rows):
                continue
            if isinstance(v, dt.datetime):
                text = f"{v.day}/{v.month:02d}/{v.year + 543}"
            elif isinstance(v, bool):
                text = ""
            elif isinstance(v, int):
                text = f"{v:,}"
            elif isinstance(v, float):
                text = f"{v:,.2f}"
            else:
                text = str(v)
            words.update(w for w in text.split() if len(w) >= 3)
    return words


def _names_printed(pages: list[list[tuple[float, float, str]]], names: list[str]) -> tuple[dict[str, int], list[Any]]:
    """How often each file name is printed whole (its pieces on consecutive lines of one cell join to it), and
    the pieces that do not."""
    whole = {name: 0 for name in names}
    broken: list[tuple[int, str]] = []
    for i, words in enumerate(pages, start=1):
        for x, y, w in words:
            name = next((n for n in names if n.startswith(w) and w[:4] == n[:4]), None)
            if name is None or len(w) < 5:
                continue
            # the cell's next lines: words starting at the same x, below, in order
            below = sorted((yy, ww) for xx, yy, ww in words if abs(xx - x) < 1.0 and yy > y)
            text, last_y = w, y
            for yy, ww in below:
                if text == name or yy - last_y > 30 or not name.startswith(text + ww):
                    break
                text, last_y = text + ww, yy
            if text == name:
                whole[name] += 1
            else:
                broken.append((i, text))
    return whole, broken


def _pages_without_content(wb: Any, pages: list[list[tuple[float, float, str]]]) -> list[int]:
    """The pages that hold only a sheet's repeated header rows, the signature block and the footer."""
    from kaset_xl.consolidate.forms import CHARTS

    sheet_of_page: list[str] = []
    for words in pages:  # a sheet's first page has its title
        text = "".join(w for _x, _y, w in words)
        sheet_of_page.append(next((f.sheet for f in FORMS if f.title.replace(" ", "") in text),
                                  sheet_of_page[-1] if sheet_of_page else FORMS[0].sheet))
    signature = {w for line in ("ผู้รายงาน ....................................................",
                                "ตำแหน่ง ....................................................",
                                "วันที่ ........ เดือน .............................. พ.ศ. ..........")
                 for w in line.split()}
    charts = {w for _kind, title in CHARTS.values() for w in title.split() if len(w) >= 3}
    empty: list[int] = []
    for i, (words, sheet) in enumerate(zip(pages, sheet_of_page, strict=True), start=1):
        ws = wb[sheet]
        repeated: set[int] = set()
        if ws.print_title_rows:
            first, last = (int(v) for v in ws.print_title_rows.replace("$", "").split(":"))
            repeated = set(range(first, last + 1))
        content = (_cell_texts(wb, sheet) - _cell_texts(wb, sheet, repeated) - signature) | charts
        if not any(w in content for _x, _y, w in words):
            empty.append(i)
    return empty


def test_file_names_print_whole_and_every_page_has_content(
        samples: Path, tmp_path: Path, lo_convert: Callable[[Path, str, Path], Path]) -> None:
    """Through LibreOffice: every district's file name is printed whole (the pieces of a wrapped name, on
    consecutive lines of one cell, join to the name: no line clipped), and no page holds only the repeated
    header rows, the signature block and the footer."""
    out = _filled(samples, tmp_path)
    pages = _boxes(lo_convert(out, "pdf", tmp_path / "pdf"))
    whole, broken = _names_printed(pages, sorted(p.name for p in samples.iterdir()))
    assert broken == []
    # every name in กสอ.1–4, กลุ่มจัดตั้งใหม่ (twice), ความครบถ้วน and ที่มา (twice: the name and its path)
    assert all(n >= 8 for n in whole.values()), whole
    assert _pages_without_content(openpyxl.load_workbook(out), pages) == []


@pytest.mark.parametrize("name", ["5801-MueangMaeHongSon-2564.xlsx", "5807-PangMapha-2564.xlsx",
                                  "/home/kaset/reports/5803-Pai-2564.xlsx"])
def test_a_long_latin_word_wraps_after_its_hyphens_then_between_characters(name: str) -> None:
    from kaset_xl.workbook.textfit import CELL_PADDING, text_width, wrap

    for room in (40.0, 60.0, 90.0, 130.0, 200.0, 400.0):
        lines = wrap(name, room + CELL_PADDING)
        assert "".join(lines) == name  # nothing lost, nothing added
        assert all(text_width(line) <= room or len(line) == 1 for line in lines)
        whole = re.findall(r"[^-/]*[-/]+|[^-/]+", name)
        if all(text_width(p) <= room for p in whole):  # every piece fits a line: broken only after - or /
            assert all(line[-1] in "-/" for line in lines[:-1])
    assert wrap("5801-MueangMaeHongSon-2564.xlsx", 210) == ["5801-MueangMaeHongSon-", "2564.xlsx"]
    assert len(wrap("5807-PangMapha-2564.xlsx", text_width("5807-PangMapha-") + CELL_PADDING)) == 2


# ------------------------------------------------------------------------------- a big province's pages

BIG_DISTRICTS = 12  # Bangkok's first districts: กสอ.1–4 and ความครบถ้วน run over 2+ pages (กสอ.3's groups: 3)
_CODE = re.compile(r"^10\d\d$")  # a Bangkok district's code: the first column of a data row
_FIRST_COLUMN = 120.0  # points from the page's left edge: the first column


@pytest.fixture(scope="module")
def big_province(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """Bangkok's first districts, each a generated district workbook (tests/sample_data.py, as the benchmark
    makes them), consolidated: (the provincial workbook, the consolidation)."""
    import sample_data
    from kaset_xl.areas import district_area
    from kaset_xl.consolidate import consolidate, write_provincial_workbook
    from kaset_xl.workbook.builder import build_workbook

    folder = tmp_path_factory.mktemp("bangkok")
    plans = list(dict.fromkeys(sample_data.PROGRAMME_PLAN[c] for c in sample_data.SAMPLE_DISTRICTS))
    for i in range(BIG_DISTRICTS):
        code = f"10{i + 1:02d}"
        plan = sample_data.PROGRAMME_PLAN.setdefault(code, plans[i % len(plans)])
        try:
            data = next(d for k in range(20) if (d := _sample_or_none(sample_data, code, 2564 + k)) is not None)
        finally:
            if sample_data.PROGRAMME_PLAN.get(code) is plan and code not in sample_data.SAMPLE_DISTRICTS:
                del sample_data.PROGRAMME_PLAN[code]
        build_workbook(folder / sample_data.sample_filename(code, 2564), district_area(code), 2564, data=data)
    out = tmp_path_factory.mktemp("bangkok-out") / "prov.xlsx"
    result = consolidate([folder], jobs=1)
    write_provincial_workbook(result, out)
    return out, result


def _sample_or_none(sample_data: Any, code: str, seed: int) -> Any:
    try:
        return sample_data.sample_data(code, seed=seed)
    except (IndexError, ValueError):  # no selectable group with this seed
        return None


_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def _bare(text: str) -> str:
    """A text without its Thai marks above and below (pdftotext puts some of them after the next letter)."""
    return _MARKS.sub("", text).replace(" ", "")


def _sheet_of_pages(pages: list[list[tuple[float, float, str]]]) -> list[str]:
    """The sheet each page belongs to: a sheet's first page has its title."""
    sheets: list[str] = []
    for words in pages:
        text = _bare("".join(w for _x, _y, w in words))
        sheets.append(next((f.sheet for f in FORMS if _bare(f.title) in text),
                           sheets[-1] if sheets else FORMS[0].sheet))
    return sheets


def _expected_codes(result: Any) -> dict[str, dict[str, int]]:
    """Per sheet: how many data rows of each district its tables have (one per district, one per group …)."""
    from collections import Counter

    from kaset_xl.consolidate.reports import report_rows

    rows = report_rows(result)
    out: dict[str, dict[str, int]] = {}
    for form in FORMS:
        codes: Counter[str] = Counter()
        for t in form.tables:
            if t.columns[0].key == "district_code":
                codes.update(str(r["district_code"]) for r in rows[t.title])
        out[form.sheet] = dict(codes)
    return out


def test_a_big_provinces_header_copies_are_the_templates_header_rows(big_province: tuple[Path, Any]) -> None:
    """Each row break inside a table of a sheet of several tables is followed by a copy of that table's header
    row (values, fill, height, merges); no header copy on the one-table sheets (Print_Titles repeats theirs)."""
    out, _result = big_province
    wb = openpyxl.load_workbook(out)
    copies = 0
    for form in FORMS:
        ws = wb[form.sheet]
        (_, ref), = wb.defined_names[f"{form.tables[0].key}_ROW"].destinations
        first = int(ref.replace("$", "").split(":")[0][1:])
        header = [c.value for c in ws[first - 1]]
        same = [r[0].row for r in ws.iter_rows() if [c.value for c in r] == header and header[0]]
        if ws.print_title_rows:
            assert len(same) == 1, form.sheet
            continue
        for r in same[1:]:
            copies += 1
            assert r - 1 in {b.id for b in ws.row_breaks.brk}, (form.sheet, r)  # a page starts with it
            assert ws.row_dimensions[r].height == ws.row_dimensions[first - 1].height
            assert ws.cell(r, 1).fill.fgColor.rgb == ws.cell(first - 1, 1).fill.fgColor.rgb
            spans = {(m.min_col, m.max_col) for m in ws.merged_cells.ranges if m.min_row == m.max_row == r}
            assert spans == {(m.min_col, m.max_col) for m in ws.merged_cells.ranges
                             if m.min_row == m.max_row == first - 1}
    assert copies >= 3  # กสอ.2, กสอ.3 (twice), กสอ.4


def test_a_big_provinces_pages_each_start_with_their_tables_header(
        big_province: tuple[Path, Any], tmp_path: Path, lo_convert: Callable[[Path, str, Path], Path]) -> None:
    """Printed through LibreOffice: every page that holds a table's rows has that table's header above its first
    row; no page holds only a signature block or only a header; every district's rows print exactly as often as
    the report has them (once per district, once per group in กสอ.3); every Thai word ≥ 11 pt."""
    from collections import Counter

    from kaset_xl.consolidate.forms import header_words

    out, result = big_province
    pdf = lo_convert(out, "pdf", tmp_path / "pdf")
    pages = _boxes(pdf)
    sheets = _sheet_of_pages(pages)
    assert sheets.count("กสอ.3") >= 3 and sheets.count("กสอ.1") >= 2
    headers = {_bare(w) for f in FORMS for t in f.tables for col in t.columns for w in col.header.split()}
    titles = {_bare(w) for f in FORMS for t in f.tables for w in t.title.split()}
    signature = {_bare(w) for line in ("ผู้รายงาน ....................................................",
                                "ตำแหน่ง ....................................................",
                                "วันที่ ........ เดือน .............................. พ.ศ. ..........")
                 for w in line.split()}
    printed: dict[str, Counter[str]] = {f.sheet: Counter() for f in FORMS}
    continued = 0
    for i, (words, sheet) in enumerate(zip(pages, sheets, strict=True), start=1):
        footer = {w for w in ("หน้า", f"{i}", "/", f"{len(pages)}")}
        content = [w for _x, _y, w in words if _bare(w) not in headers | titles | signature | footer]
        assert content, f"page {i} ({sheet}) holds only headers, titles, a signature block"
        rows = [(y, w) for x, y, w in words if x < _FIRST_COLUMN and _CODE.match(w)]
        printed[sheet].update(w for _y, w in rows)
        if not rows:
            continue
        top = min(y for y, _w in rows)
        first_words = {_bare(w) for f in FORMS if f.sheet == sheet for t in f.tables
                       for w in header_words(t.columns[0].header)}
        above = [w for x, y, w in words if y < top and x < _FIRST_COLUMN and _bare(w) in first_words]
        assert above, f"page {i} ({sheet}): a table's rows without its header above them"
        continued += sheets[:i - 1].count(sheet) > 0
    assert continued >= 5  # pages after a sheet's first that hold its rows
    expected = _expected_codes(result)
    for sheet, codes in printed.items():
        if expected[sheet]:
            assert dict(codes) == expected[sheet], sheet
    assert sum(expected["กสอ.3"].values()) >= 2 * BIG_DISTRICTS  # a row a group (KSA3), a row a district
    # readable: every Thai word at least 11 pt
    import xlsxwriter

    ruler = tmp_path / "ruler.xlsx"
    book = xlsxwriter.Workbook(str(ruler))
    book.add_worksheet().write(0, 0, "ทดสอบ กลุ่ม", book.add_format({"font_name": "TH SarabunPSK", "font_size": 16}))
    book.close()
    per_pt = min(h for h, _w in _pages(lo_convert(ruler, "pdf", tmp_path / "ruler"))[0]) / 16
    small = [(i, w) for i, page in enumerate(_pages(pdf), start=1) for h, w in page
             if _THAI.search(w) and h / per_pt < MIN_PT - 0.05]
    assert small == [], small[:10]


def test_a_big_province_in_a_provinces_restyled_copy_repeats_its_own_header(
        big_province: tuple[Path, Any], tmp_path: Path) -> None:
    """A province's copy with กสอ.3's header reworded, filled in another colour and taller: the copies after the
    breaks are of that header as the province made it, and no filled data row is lost or doubled."""
    from kaset_xl.consolidate import write_provincial_workbook
    from kaset_xl.consolidate.reports import KSA3, KSA3_QUALITY, report_rows

    _out, result = big_province
    copy = _restyled(tmp_path / "mine")
    wb = openpyxl.load_workbook(copy)
    ws = wb["กสอ.3"]
    (_, ref), = wb.defined_names["KSA3_ROW"].destinations
    header = int(ref.replace("$", "").split(":")[0][1:]) - 1
    ws.cell(header, 3).value = "ชื่อกลุ่มเกษตรกร"
    ws.cell(header, 3).fill = openpyxl.styles.PatternFill("solid", fgColor="FFFFCC00")
    ws.row_dimensions[header].height = 130
    wb.save(copy)
    out = tmp_path / "prov.xlsx"
    write_provincial_workbook(result, out, templates=tmp_path / "mine")
    ws = openpyxl.load_workbook(out)["กสอ.3"]
    copies = [r[0].row for r in ws.iter_rows() if r[2].value == "ชื่อกลุ่มเกษตรกร"]
    assert len(copies) >= 2  # the template's header and a copy on each later page of the table
    breaks = {b.id for b in ws.row_breaks.brk}
    for r in copies[1:]:
        assert r - 1 in breaks
        assert ws.row_dimensions[r].height == 130
        assert ws.cell(r, 3).fill.fgColor.rgb == "FFFFCC00"
    groups = [r[2].value for r in ws.iter_rows(min_row=copies[0] + 1) if str(r[0].value or "").isdigit()]
    rows = report_rows(result)
    assert len(groups) == len(rows[KSA3.title]) + len(rows[KSA3_QUALITY.title])  # KSA3's rows and the quality rows
