"""The macro workbook (.xlsm): its VBA project, its four buttons, and readers other than our own.

Independent checks: ``olevba`` (oletools) reads every module back, ``olefile`` parses the project
strictly, LibreOffice headless imports the modules and binds each button to its macro, and LibreOffice
*runs* each button's macro against a stub ``RunPython`` (LibreOffice cannot compile the real
``xlwings.bas``), so the exact Python command a click sends is asserted.  openpyxl (which ``score``
uses) keeps the project and the buttons.  Desktop Excel is not available here: see docs/buttons.md's
acceptance checklist.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from kaset_xl.areas import district_area
from kaset_xl.cli import cli
from kaset_xl.workbook.builder import BUTTON_WIDTH, build_workbook
from kaset_xl.workbook.layout import LAYOUT
from kaset_xl.workbook.macros import (
    BUTTONS,
    ESTABLISH_BUTTONS,
    buttons_source,
    vba_modules,
    vba_project_bin,
    xlwings_addin_source,
    xlwings_source,
)
from kaset_xl.workbook.vba import VbaModule, build_vba_project
from sample_data import sample_data
from vba_read import read_vba_modules

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
UNO_PYTHON = "/usr/bin/python3"
COMMANDS = {  # button macro → the Python command its click sends through xlwings' RunPython
    "KasetValidate": "import kaset_xl.xl as x; x.validate()",
    "KasetScore": "import kaset_xl.xl as x; x.score()",
    "KasetBudget": "import kaset_xl.xl as x; x.budget()",
    "KasetClear": "import kaset_xl.xl as x; x.clear_results()",
    "KasetCertificate": "import kaset_xl.xl as x; x.certificate()",
    "KasetRegister": "import kaset_xl.xl as x; x.register()",
}
CAPTIONS = {"KasetValidate": "ตรวจสอบข้อมูล", "KasetScore": "คำนวณคะแนน", "KasetBudget": "สรุปงบประมาณ",
            "KasetClear": "ล้างผลตรวจสอบ"}
ESTABLISH_CAPTIONS = {"KasetCertificate": "พิมพ์ใบรับรอง", "KasetRegister": "ย้ายเข้าทะเบียน"}  # on จัดตั้งกลุ่ม
ALL_CAPTIONS = {**CAPTIONS, **ESTABLISH_CAPTIONS}
SHEETS = len(LAYOUT.sheet_order) + 1  # worksheets of the .xlsm, hidden ones included (+ xlwings.conf, last)
ESTABLISH_SHEET_NO = LAYOUT.sheet_order.index(LAYOUT.table("establish").sheet) + 1  # its sheetN.xml
MACRO_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
# A stand-in for xlwings.bas that LibreOffice can compile: each call logs its command in column Z of
# the first sheet (Z1, Z2, ...).
STUB_XLWINGS = (
    'Attribute VB_Name = "xlwings"\n'
    "Option Explicit\n"
    "\n"
    "Public Sub RunPython(PythonCommand As String)\n"
    "    Dim ws As Object, r As Long\n"
    "    Set ws = ThisWorkbook.Worksheets(1)\n"
    "    ws.Unprotect\n"
    "    r = 1\n"
    '    Do While ws.Cells(r, 26).Value <> ""\n'
    "        r = r + 1\n"
    "    Loop\n"
    "    ws.Cells(r, 26).Value = PythonCommand\n"
    "End Sub\n"
)


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _open_strict(olefile: ModuleType, data: bytes) -> Any:
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_UNSURE)
    assert getattr(ole, "parsing_issues", []) == []
    return ole


def _vml_buttons(path: Path, sheet: int = 1) -> dict[str, str]:
    """Caption → macro of the form buttons in the VML drawing of sheet number ``sheet`` (1: the first)."""
    with zipfile.ZipFile(path) as zf:
        rels = zf.read(f"xl/worksheets/_rels/sheet{sheet}.xml.rels").decode()
        # XlsxWriter writes a relative target, openpyxl an absolute one
        target = re.search(r'Target="(?:\.\.|/xl)/drawings/(vmlDrawing\d+\.vml)"', rels)
        assert target, rels
        vml = zf.read(f"xl/drawings/{target.group(1)}").decode()
        assert "<legacyDrawing" in zf.read(f"xl/worksheets/sheet{sheet}.xml").decode()
    out = {}
    for shape in re.findall(r"<v:shape\b.*?</v:shape>", vml, flags=re.S):
        caption = re.sub(r"<[^>]+>", "", re.search(r"<v:textbox\b.*?</v:textbox>", shape, flags=re.S).group(0))
        macro = re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", shape)
        assert macro, shape
        out[caption.strip()] = macro.group(1)
    return out


def _sheet_count(path: Path) -> int:
    with zipfile.ZipFile(path) as zf:
        return sum(1 for n in zf.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))


# --- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def xlsm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The empty Pai (5803) FY2564 macro workbook, as ``kaset-xl template -o ….xlsm`` writes it."""
    path = tmp_path_factory.mktemp("xlsm") / "kaset-5803-2564.xlsm"
    result = run("template", "-p", "58", "-d", "5803", "-y", "2564", "-o", str(path))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def project(xlsm: Path) -> bytes:
    with zipfile.ZipFile(xlsm) as zf:
        return zf.read("xl/vbaProject.bin")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The Pai sample's data, once as .xlsx and once as .xlsm (same content)."""
    folder = tmp_path_factory.mktemp("filled")
    xlsx, xlsm = folder / "5803-Pai-2564.xlsx", folder / "5803-Pai-2564.xlsm"
    build_workbook(xlsx, district_area("5803"), 2564, data=sample_data("5803"))
    build_workbook(xlsm, district_area("5803"), 2564, data=sample_data("5803"), macros=True)
    return xlsx, xlsm


def _with_stub(src: Path, dst: Path) -> Path:
    """``src`` with its xlwings module replaced by :data:`STUB_XLWINGS` and ``Dictionary`` by an empty class
    (LibreOffice compiles neither: ``#If Mac``), everything else unchanged."""
    modules = [m if m.name != "Dictionary" else VbaModule("Dictionary", "class", "Option Explicit\n")
               for m in vba_modules(_sheet_count(src), xlwings=STUB_XLWINGS)]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/vbaProject.bin":
                data = build_vba_project(modules)
            zout.writestr(info, data)
    return dst


# --- the VBA sources --------------------------------------------------------------------------

def test_buttons_module_is_ascii_and_calls_the_button_functions() -> None:
    text = buttons_source()
    assert text.isascii() and text.startswith('Attribute VB_Name = "KasetButtons"\r\n')
    assert "\n" not in text.replace("\r\n", "")  # CRLF throughout, as the VBA editor exports
    subs = re.findall(r'Public Sub (\w+)\(\)\r\n    KasetUnprotect\r\n    RunPython "([^"]+)"\r\n'
                      r'    KasetProtect\r\nEnd Sub', text)
    assert dict(subs) == COMMANDS  # each button lifts the sheet protection around its Python call
    assert [b.macro for b in (*BUTTONS, *ESTABLISH_BUTTONS)] == list(COMMANDS)
    assert {b.macro: b.caption for b in BUTTONS} == CAPTIONS
    assert {b.macro: b.caption for b in ESTABLISH_BUTTONS} == ESTABLISH_CAPTIONS


def test_one_copy_of_the_vba_sources() -> None:
    """The top-level macros/ is the package data the builder reads: no second copy inside kaset_xl/."""
    import importlib.resources

    shipped = importlib.resources.files("kaset_xl.macros")
    assert sorted(p.name for p in shipped.iterdir() if p.name.endswith(".bas")) == [
        "KasetButtons.bas", "KasetServerButtons.bas"]
    assert (ROOT / "macros" / "KasetButtons.bas").read_bytes() == buttons_source().encode("ascii")
    assert not list((ROOT / "kaset_xl").rglob("*.bas"))


def test_the_project_is_deterministic(project: bytes) -> None:
    assert vba_project_bin(SHEETS) == vba_project_bin(SHEETS) == project
    assert [m.name for m in vba_modules(SHEETS)] == ["ThisWorkbook", *(f"Sheet{i}" for i in range(1, SHEETS + 1)),
                                                 "KasetButtons", "xlwings", "Dictionary"]


# --- the workbook -----------------------------------------------------------------------------

def test_same_inputs_give_the_same_bytes(xlsm: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.xlsm"
    build_workbook(again, district_area("5803"), 2564, macros=True)
    assert again.read_bytes() == xlsm.read_bytes()
    with zipfile.ZipFile(again) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 31, 0, 0, 0)}  # fixed zip timestamps


def test_xlsx_stays_macro_free(template_path: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(template_path) as zf:
        names = set(zf.namelist())
        types = zf.read("[Content_Types].xml").decode()
    assert "xl/vbaProject.bin" not in names and not any("vmlDrawing" in n for n in names)
    assert "macroEnabled" not in types
    out = tmp_path / "plain.xlsx"
    assert run("template", "-p", "58", "-d", "5803", "-y", "2564", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == template_path.read_bytes()
    with pytest.raises(ValueError, match=r"\.xlsm"):
        build_workbook(tmp_path / "macros.xlsx", district_area("5803"), 2564, macros=True)
    assert not (tmp_path / "macros.xlsx").exists()


def test_xlsm_declares_macros_and_code_names(xlsm: Path, project: bytes) -> None:
    with zipfile.ZipFile(xlsm) as zf:
        types = zf.read("[Content_Types].xml").decode()
        workbook = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        sheets = [zf.read(f"xl/worksheets/sheet{i}.xml").decode() for i in range(1, _sheet_count(xlsm) + 1)]
    assert f'PartName="/xl/workbook.xml" ContentType="{MACRO_CONTENT_TYPE}"' in types
    assert f'Extension="bin" ContentType="{VBA_CONTENT_TYPE}"' in types
    assert 'Target="vbaProject.bin"' in rels
    assert 'codeName="ThisWorkbook"' in workbook
    # every sheet's code name has its document module, in order
    code_names = [re.search(r'<sheetPr\b[^>]*codeName="(\w+)"', s).group(1) for s in sheets]  # type: ignore[union-attr]
    modules = list(read_vba_modules(project))
    assert modules == ["ThisWorkbook", *code_names, "KasetButtons", "xlwings", "Dictionary"]
    assert code_names[0] == "Sheet1" and len(code_names) == SHEETS


def test_four_buttons_on_the_first_sheet_below_the_text(xlsm: Path) -> None:
    assert _vml_buttons(xlsm) == {caption: f"[0]!{macro}" for macro, caption in CAPTIONS.items()}
    wb = openpyxl.load_workbook(xlsm)
    ws = wb.worksheets[0]
    assert ws.title == LAYOUT.instructions_sheet
    with zipfile.ZipFile(xlsm) as zf:
        vml = zf.read("xl/drawings/vmlDrawing1.vml").decode()
    anchors = [[int(v) for v in a.split(",")] for a in re.findall(r"<x:Anchor>\s*([\d, ]+?)\s*</x:Anchor>", vml)]
    assert len(anchors) == 4
    # Anchor: left col, dx, top row, dy, right col, dx, bottom row, dy (0-based); all inside column B
    text_rows = [c.row - 1 for row in ws.iter_rows() for c in row if c.value is not None]
    for left, _, top, _, right, _, bottom, _ in anchors:
        assert left == right == 1
        assert top == bottom == max(text_rows) + 1  # the row after the last text (the buttons' label)
    lefts = sorted(a[1] for a in anchors)
    assert all(b - a >= BUTTON_WIDTH for a, b in zip(lefts, lefts[1:], strict=False))  # side by side, not overlapping


def test_certificate_and_register_buttons_on_the_establishment_sheet(xlsm: Path) -> None:
    assert _vml_buttons(xlsm, ESTABLISH_SHEET_NO) == {
        caption: f"[0]!{macro}" for macro, caption in ESTABLISH_CAPTIONS.items()}
    table = LAYOUT.table("establish")
    with zipfile.ZipFile(xlsm) as zf:
        rels = zf.read(f"xl/worksheets/_rels/sheet{ESTABLISH_SHEET_NO}.xml.rels").decode()
        vml = zf.read("xl/drawings/" + re.search(r"(vmlDrawing\d+\.vml)", rels).group(1)).decode()  # type: ignore[union-attr]
    ws = openpyxl.load_workbook(xlsm)[table.sheet]
    anchors = [[int(v) for v in a.split(",")] for a in re.findall(r"<x:Anchor>\s*([\d, ]+?)\s*</x:Anchor>", vml)]
    assert len(anchors) == 2
    band_row = table.header_row - 2  # 0-based: the row above the headers
    assert [ws.cell(band_row + 1, c).value for c in (1, 2)] == [None, None]  # the buttons cover no text
    for left, _, top, _, right, _, bottom, _ in anchors:
        assert top == bottom == band_row
        assert 0 <= left <= right <= 1  # inside the frozen columns A:B, always in view
    assert ws.freeze_panes == f"C{table.header_row + 1}"


# --- independent readers of the project -------------------------------------------------------

def test_olevba_reads_every_module_back_byte_exact(xlsm: Path, olevba: ModuleType) -> None:
    parser = olevba.VBA_Parser(str(xlsm))
    try:
        assert parser.detect_vba_macros()
        found = {Path(path).name: code for _f, path, _v, code in parser.extract_macros()}
    finally:
        parser.close()
    assert found["KasetButtons"] == buttons_source()  # the shipped file, byte for byte
    assert _lf(found["xlwings"]) == _lf(xlwings_source())
    assert _lf(found["Dictionary"]) == _lf(xlwings_addin_source("Dictionary"))  # for xlwings.bas on a Mac
    assert found["Dictionary"].startswith('Attribute VB_Name = "Dictionary"')  # no exported-file header
    documents = {n: t for n, t in found.items() if n not in ("KasetButtons", "xlwings", "Dictionary")}
    assert sorted(documents) == sorted(["ThisWorkbook", *(f"Sheet{i}" for i in range(1, SHEETS + 1))])
    for name, text in documents.items():  # the document modules: their attribute header only
        clsid = "00020819" if name == "ThisWorkbook" else "00020820"  # Excel's Workbook / Worksheet class
        assert text == "\r\n".join([
            f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "0{{{clsid}-0000-0000-C000-000000000046}}"',
            "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
            "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
            "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True", ""])
    assert {m.name: _lf(m.source) for m in vba_modules(SHEETS) if m.kind == "standard"} == {
        n: _lf(found[n]) for n in ("KasetButtons", "xlwings")}


def test_olefile_parses_the_project_strictly(project: bytes, olefile: ModuleType) -> None:
    ole = _open_strict(olefile, project)
    try:
        listed = {"/".join(p) for p in ole.listdir()}
    finally:
        ole.close()
    names = [m.name for m in vba_modules(SHEETS)]
    assert listed == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir", *(f"VBA/{n}" for n in names)}


def _assert_libreoffice_binds_the_buttons(ods: Path) -> None:
    with zipfile.ZipFile(ods) as zf:
        library = zf.read("Basic/VBAProject/script-lb.xml").decode()
        content = zf.read("content.xml").decode()
        buttons = zf.read("Basic/VBAProject/KasetButtons.xml").decode()
    listed = re.findall(r'library:element library:name="([^"]+)"', library)
    assert sorted(listed) == sorted(m.name for m in vba_modules(SHEETS))
    for macro, command in COMMANDS.items():
        assert f"Sub {macro}()" in buttons and f"RunPython &quot;{command}&quot;" in buttons
    found = {}
    for button in re.findall(r"<form:button\b.*?</form:button>", content, flags=re.S):
        label = re.search(r'form:label="([^"]*)"', button)
        href = re.search(r'script:event-name="form:performaction"[^>]*xlink:href="([^"]*)"', button)
        assert label and href, button
        found[label.group(1)] = href.group(1)
    assert found == {caption: f"vnd.sun.star.script:VBAProject.KasetButtons.{macro}"
                              "?language=Basic&amp;location=document" for macro, caption in ALL_CAPTIONS.items()}


@pytest.mark.libreoffice
def test_libreoffice_lists_the_modules_and_binds_each_button(
        xlsm: Path, lo_convert: Callable[[Path, str, Path], Path], tmp_path: Path) -> None:
    _assert_libreoffice_binds_the_buttons(lo_convert(xlsm, "ods", tmp_path / "ods"))


@pytest.mark.libreoffice
def test_libreoffice_runs_each_button_macro_with_a_stub_run_python(
        xlsm: Path, soffice: Any, tmp_path: Path) -> None:
    if not Path(UNO_PYTHON).is_file() or subprocess.run([UNO_PYTHON, "-c", "import uno"],
                                                        capture_output=True).returncode != 0:
        pytest.fail(f"{UNO_PYTHON} cannot import uno (apt-get install python3-uno)", pytrace=False)
    stub = _with_stub(xlsm, tmp_path / "stub.xlsm")
    before = stub.read_bytes()
    sheet = LAYOUT.instructions_sheet
    cmd = [UNO_PYTHON, str(TESTS / "lo_run_macro.py"), "--soffice", soffice.binary,
           "--profile", str(tmp_path / "lo-macro-profile"), str(stub)]
    for macro in COMMANDS:
        cmd += ["--macro", f"VBAProject.KasetButtons.{macro}"]
    for row in range(1, len(COMMANDS) + 2):
        cmd += ["--cell", f"{sheet}!Z{row}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    # each click sent exactly its command, in order, and nothing else ran
    assert list(out["cells"].values()) == [*COMMANDS.values(), ""]
    assert stub.read_bytes() == before  # the script never saves


# --- openpyxl and the commands on an .xlsm ----------------------------------------------------

def test_openpyxl_round_trip_keeps_the_project_and_the_buttons(xlsm: Path, project: bytes, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    out = tmp_path / "roundtrip.xlsm"
    wb.save(out)
    with zipfile.ZipFile(out) as zf:
        assert zf.read("xl/vbaProject.bin") == project
        assert MACRO_CONTENT_TYPE in zf.read("[Content_Types].xml").decode()
    assert _vml_buttons(out) == {caption: f"[0]!{macro}" for macro, caption in CAPTIONS.items()}
    assert _vml_buttons(out, ESTABLISH_SHEET_NO) == {
        caption: f"[0]!{macro}" for macro, caption in ESTABLISH_CAPTIONS.items()}


@pytest.mark.libreoffice
def test_buttons_stay_bound_after_an_openpyxl_round_trip(
        xlsm: Path, lo_convert: Callable[[Path, str, Path], Path], tmp_path: Path) -> None:
    out = tmp_path / "rt" / "roundtrip.xlsm"
    out.parent.mkdir()
    openpyxl.load_workbook(xlsm, keep_vba=True).save(out)
    _assert_libreoffice_binds_the_buttons(lo_convert(out, "ods", tmp_path / "ods"))


def test_validate_reads_the_xlsm_as_the_xlsx(filled: tuple[Path, Path]) -> None:
    xlsx, xlsm = filled
    a = run("validate", str(xlsx), "--json", "--today", "2021-09-30")
    b = run("validate", str(xlsm), "--json", "--today", "2021-09-30")
    assert a.exit_code == b.exit_code and a.exit_code in (0, 1), a.output
    strip = [{k: v for k, v in i.items() if k != "file"} for i in json.loads(a.output)]
    assert strip == [{k: v for k, v in i.items() if k != "file"} for i in json.loads(b.output)]


def test_score_keeps_the_vba_and_the_buttons(filled: tuple[Path, Path], tmp_path: Path) -> None:
    xlsx, xlsm = filled
    work = tmp_path / xlsm.name
    shutil.copy(xlsm, work)
    a = run("score", str(xlsx), "-o", str(tmp_path / "scored.xlsx"), "--json", "--today", "2021-09-30")
    b = run("score", str(work), "--json", "--today", "2021-09-30")  # in place, as a button click would
    assert a.exit_code == b.exit_code == 0, b.output
    ja, jb = json.loads(a.output), json.loads(b.output)
    assert {k: v for k, v in ja.items() if k not in ("file", "output", "issues")} == {
        k: v for k, v in jb.items() if k not in ("file", "output", "issues")}
    with zipfile.ZipFile(xlsm) as before, zipfile.ZipFile(work) as after:
        assert after.read("xl/vbaProject.bin") == before.read("xl/vbaProject.bin")
        assert MACRO_CONTENT_TYPE in after.read("[Content_Types].xml").decode()
    assert _vml_buttons(work) == {caption: f"[0]!{macro}" for macro, caption in CAPTIONS.items()}
    # the results are in the workbook: scoring it again changes nothing of them
    scored_a = openpyxl.load_workbook(tmp_path / "scored.xlsx")
    scored_b = openpyxl.load_workbook(work)
    summary = LAYOUT.summary_sheet
    assert summary is not None
    assert [[c.value for c in r] for r in scored_a[summary].iter_rows()] == [
        [c.value for c in r] for r in scored_b[summary].iter_rows()]
