"""The establishment certificate and moving an approved group into the registry (issue 6).

A Pai (5803) workbook is built from the sample data plus applications typed here: one approved
(with 12 applicants), one pending, one approved without a certificate number.  The certificate is
printed to PDF by LibreOffice and read back with pdftotext; the registry is read back with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from kaset_xl.areas import district_area
from kaset_xl.certificate import CertificateData, certificate_data, certificate_lines, render_certificate
from kaset_xl.cli import cli
from kaset_xl.establish_register import plan_registration, register_file
from kaset_xl.issues import KasetError
from kaset_xl.normalize import to_thai_digits
from kaset_xl.validate import validate_file
from kaset_xl.workbook.builder import build_workbook
from kaset_xl.workbook.layout import LAYOUT
from kaset_xl.workbook.reader import read_district_workbook
from sample_data import make_citizen_id, sample_data
from support import require_tool

APPROVED = "กลุ่มปลูกผักปลอดภัยบ้านแม่นาเติง"
PENDING = "กลุ่มเลี้ยงไก่พื้นเมืองบ้านเมืองแพร่ง"
NO_NUMBER = "กลุ่มแปรรูปกระเทียมบ้านทุ่งยาว"
CERT_NO = "5803/2563/001"
CERT_DATE = dt.date(2020, 12, 12)
ESTABLISH = LAYOUT.table("establish")
APPLICANTS = LAYOUT.table("applicants")
GROUPS = LAYOUT.table("groups")
MEMBERS = LAYOUT.table("members")
TODAY = "2021-09-30"
ROLES = ["ประธาน", "เลขานุการ", "เหรัญญิก"]


def _application(name: str, decision: str, number: str | None, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": name, "house_no": "45/1", "moo": 3, "tambon": "ต.เวียงใต้", "main_activity": "ปลูกผักปลอดภัย",
        "applied": dt.date(2020, 11, 2), "checker": "นางสาวมะลิ คำแก้ว", "checked": dt.date(2020, 11, 20),
        "check_remarks": "เอกสารครบ", "decision": decision, "certificate_no": number,
        "certificate_date": CERT_DATE if number else None, "approver": "นายสมชาย ใจดี",
        "approver_position": "เกษตรอำเภอปาย",
    }
    for key in ("reg_shares", "reg_activities", "reg_money", "reg_membership", "reg_election", "reg_term",
                "reg_leaving", "doc_request", "doc_regulations", "doc_committee", "doc_members", "doc_plan"):
        row[key] = "ใช่"
    row.update(extra)
    return row


def _applicants(group: str, count: int, rng: random.Random) -> list[dict[str, Any]]:
    people = []
    for i in range(count):
        people.append({
            "group": group, "title": "นาย" if i % 2 else "นาง", "first_name": f"ผู้ขอ{i + 1}",
            "last_name": "ดอยสูง", "citizen_id": make_citizen_id(rng), "birth_date": dt.date(1970 + i, 3, 1 + i),
            "house_no": str(10 + i), "moo": 3, "tambon": "เวียงใต้", "phone": f"08{i:08d}",
            "farmer_id": f"58030{i:07d}", "role": ROLES[i] if i < len(ROLES) else "สมาชิก",
            "main_activity": "ปลูกผัก", "area_rai": 2.5 + i,
        })
    return people


def _build(path: Path, *, macros: bool = False) -> Path:
    rng = random.Random(6)
    data = sample_data("5803")
    data.tables["establish"] = [
        {"no": 1, **_application(APPROVED, "อนุมัติ", CERT_NO)},
        {"no": 2, **_application(PENDING, "รอพิจารณา", None, main_activity="เลี้ยงไก่")},
        {"no": 3, **_application(NO_NUMBER, "อนุมัติ", None)},
    ]
    data.tables["applicants"] = [*_applicants(APPROVED, 12, rng), *_applicants(PENDING, 10, rng)]
    build_workbook(path, district_area("5803"), 2564, data=data, macros=macros)
    return path


@pytest.fixture(scope="module")
def book_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("cert") / "5803-Pai-2564.xlsx")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


def _pdf_text(pdf: Path) -> str:
    """The PDF's text with all whitespace removed (pdftotext spaces Thai lines freely)."""
    binary = require_tool("pdftotext")
    out = subprocess.run([binary, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return "".join(out.stdout.split())


def _squash(text: str) -> str:
    return "".join(text.split())


# --- the data step ------------------------------------------------------------------------------

def test_certificate_data_from_the_workbook(book_path: Path) -> None:
    data = certificate_data(read_district_workbook(book_path), f"  {APPROVED} ")
    assert data.group_name == APPROVED
    assert (data.tambon, data.district, data.province) == ("เวียงใต้", "ปาย", "แม่ฮ่องสอน")  # ต. prefix dropped
    assert (data.certificate_no, data.certificate_date) == (CERT_NO, CERT_DATE)
    assert (data.approver, data.approver_position) == ("นายสมชาย ใจดี", "เกษตรอำเภอปาย")
    assert data.office == "สำนักงานเกษตรอำเภอปาย" and data.member_count == 12
    assert data.be_year == 2563
    assert data.date_words() == "ให้ไว้ ณ วันที่ 12 เดือน ธันวาคม พ.ศ. 2563"
    assert data.date_words(thai_digits=True) == "ให้ไว้ ณ วันที่ ๑๒ เดือน ธันวาคม พ.ศ. ๒๕๖๓"


@pytest.mark.parametrize(("group", "code", "cell"), [
    ("กลุ่มที่ไม่มีคำขอ", "CERT_GROUP_NOT_FOUND", None),
    (PENDING, "CERT_NOT_APPROVED", f"{ESTABLISH.letter('decision')}{ESTABLISH.first_data_row + 1}"),
    (NO_NUMBER, "CERT_NUMBER_MISSING", f"{ESTABLISH.letter('certificate_no')}{ESTABLISH.first_data_row + 2}"),
])
def test_certificate_refuses_with_a_code(book_path: Path, group: str, code: str, cell: str | None) -> None:
    with pytest.raises(KasetError) as err:
        certificate_data(read_district_workbook(book_path), group)
    assert err.value.code == code
    if cell:
        assert err.value.params["cell"] == cell


def test_missing_date_and_approver_and_a_repeated_name_are_refused(tmp_path: Path) -> None:
    rng = random.Random(1)
    data = sample_data("5803")
    data.tables["establish"] = [
        _application("กลุ่มก", "อนุมัติ", "1/2563", certificate_date=None),
        _application("กลุ่มข", "อนุมัติ", "2/2563", approver=None),
        _application("กลุ่มค", "อนุมัติ", "3/2563"), _application("กลุ่มค", "อนุมัติ", "4/2563"),
    ]
    data.tables["applicants"] = _applicants("กลุ่มก", 10, rng)
    path = tmp_path / "x.xlsx"
    build_workbook(path, district_area("5803"), 2564, data=data)
    book = read_district_workbook(path)
    for group, code in (("กลุ่มก", "CERT_DATE_MISSING"), ("กลุ่มข", "CERT_APPROVER_MISSING"),
                        ("กลุ่มค", "CERT_GROUP_AMBIGUOUS")):
        with pytest.raises(KasetError) as err:
            certificate_data(book, group)
        assert err.value.code == code, group


def test_a_workbook_made_before_the_establishment_sheets_is_refused(book_path: Path, tmp_path: Path) -> None:
    # a template 1.0 workbook: the same book without the two establishment sheets, stamped 1.0
    wb = openpyxl.load_workbook(book_path)
    for sheet in (ESTABLISH.sheet, APPLICANTS.sheet):
        del wb[sheet]
    meta = wb[LAYOUT.meta_sheet]
    for row in meta.iter_rows():
        if row[0].value == "template_version":
            row[1].value = "1.0"
    old = tmp_path / "old.xlsx"
    wb.save(old)
    book = read_district_workbook(old)
    assert book.identity.template_version == "1.0"
    with pytest.raises(KasetError) as err:
        certificate_data(book, APPROVED)
    assert err.value.code == "CERT_NO_ESTABLISH_TABLE"
    with pytest.raises(KasetError) as err:
        register_file(old, APPROVED)
    assert err.value.code == "CERT_NO_ESTABLISH_TABLE"


# --- rendering ----------------------------------------------------------------------------------

def _hand_made(**kw: Any) -> CertificateData:
    values: dict[str, Any] = dict(
        group_name="กลุ่มปลูกกาแฟบ้านห้วยน้ำดัง", tambon="แม่นาเติง", district="ปาย", province="แม่ฮ่องสอน",
        certificate_no="5803/2564/007", certificate_date=dt.date(2021, 3, 5), approver="นางบัวคำ แสนคำ",
        approver_position="เกษตรอำเภอปาย", office="สำนักงานเกษตรอำเภอปาย", house_no="9", moo=7,
        main_activity="ปลูกกาแฟ", member_count=15)
    values.update(kw)
    return CertificateData(**values)


def test_the_xlsx_is_one_a4_portrait_page_with_the_text(tmp_path: Path) -> None:
    data = _hand_made()
    out = render_certificate(data, tmp_path / "c.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # 1 page wide and 1 tall: XlsxWriter leaves out the attributes whose value is OOXML's default (1)
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight or 1) == (1, 1)
    assert ws.print_options.horizontalCentered and ws.print_options.verticalCentered
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts == [line.text for line in certificate_lines(data) if line.text]
    assert data.group_name in texts and "ให้ไว้ ณ วันที่ 5 เดือน มีนาคม พ.ศ. 2564" in texts
    assert ws.print_area is not None and ws.print_area.startswith("'ใบรับรอง'!$A$1:$L$")
    fonts = {c.font.name for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert fonts == {"TH SarabunPSK"}
    # the border around B..K: top on the first line, bottom on the last, left on B and right on K of every line
    rows = list(ws.iter_rows(min_row=2, max_row=1 + len(certificate_lines(data)), min_col=2, max_col=11))
    assert all(c.border.top.style == "double" for c in rows[0])
    assert all(c.border.bottom.style == "double" for c in rows[-1])
    assert all(r[0].border.left.style == "double" and r[-1].border.right.style == "double" for r in rows)
    # each line is one merged cell C..J, centred and wrapping (a long name or address takes two lines)
    assert {str(m) for m in ws.merged_cells.ranges} == {f"C{r}:J{r}" for r in range(2, 2 + len(rows))}
    assert all(r[1].alignment.horizontal == "center" and r[1].alignment.wrap_text for r in rows)


def test_a_long_name_wraps_into_a_taller_row(tmp_path: Path) -> None:
    short = openpyxl.load_workbook(render_certificate(_hand_made(), tmp_path / "short.xlsx")).worksheets[0]
    long_name = "กลุ่มวิสาหกิจชุมชนแปรรูปผลผลิตทางการเกษตรบ้านห้วยน้ำดังเพื่อการส่งออกและการท่องเที่ยว"
    data = _hand_made(group_name=long_name)
    ws = openpyxl.load_workbook(render_certificate(data, tmp_path / "long.xlsx")).worksheets[0]
    row = next(c.row for r in ws.iter_rows() for c in r if c.value == long_name)
    assert ws.row_dimensions[row].height > short.row_dimensions[row].height + 28  # room for a second line


def test_thai_digits_turn_every_number_into_thai_numerals() -> None:
    data = _hand_made()
    texts = "\n".join(line.text for line in certificate_lines(data, thai_digits=True))
    assert to_thai_digits("5803/2564/007") in texts and "ให้ไว้ ณ วันที่ ๕ เดือน มีนาคม พ.ศ. ๒๕๖๔" in texts
    assert not re.search(r"[0-9]", texts)


def test_render_refuses_an_unknown_type_and_an_existing_output(tmp_path: Path) -> None:
    with pytest.raises(KasetError) as err:
        render_certificate(_hand_made(), tmp_path / "c.docx")
    assert err.value.code == "CERT_FORMAT_UNKNOWN"
    existing = tmp_path / "c.pdf"
    existing.write_bytes(b"keep")
    with pytest.raises(KasetError) as err:
        render_certificate(_hand_made(), existing)
    assert err.value.code == "OUTPUT_EXISTS" and existing.read_bytes() == b"keep"


def test_pdf_without_libreoffice_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASET_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(KasetError) as err:
        render_certificate(_hand_made(), tmp_path / "c.pdf")
    assert err.value.code == "CERT_LIBREOFFICE_MISSING"
    assert not list(tmp_path.iterdir())  # nothing written, no temporary file left


@pytest.mark.libreoffice
def test_the_certificate_prints_to_pdf_with_the_thai_text(book_path: Path, tmp_path: Path) -> None:
    require_tool("soffice", "libreoffice")
    out = tmp_path / "certificate.pdf"
    result = run("certificate", str(book_path), "--group", APPROVED, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    text = _pdf_text(out)
    for expected in (APPROVED, "ตำบลเวียงใต้", "อำเภอปาย", "จังหวัดแม่ฮ่องสอน", f"เลขที่{CERT_NO}",
                     "ให้ไว้ณวันที่12เดือนธันวาคมพ.ศ.2563", "นายสมชายใจดี", "เกษตรอำเภอปาย"):
        assert _squash(expected) in text, expected
    info = subprocess.run([require_tool("pdfinfo"), str(out)], capture_output=True, text=True, timeout=60).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert re.search(r"Page size:\s+595(\.\d+)? x 841(\.\d+)? pts \(A4\)", info), info  # portrait A4

    thai = tmp_path / "certificate-thai.pdf"
    result = run("certificate", str(book_path), "-g", APPROVED, "-o", str(thai), "--thai-digits")
    assert result.exit_code == 0, result.output
    text = _pdf_text(thai)
    assert "ให้ไว้ณวันที่๑๒เดือนธันวาคมพ.ศ.๒๕๖๓" in text
    assert to_thai_digits(CERT_NO) in text and "2563" not in text


def test_certificate_command_errors_exit_2_and_never_overwrite(book_path: Path, tmp_path: Path) -> None:
    before = _digest(book_path)
    result = run("certificate", str(book_path), "--group", PENDING, "-o", str(tmp_path / "c.xlsx"))
    assert result.exit_code == 2 and "[CERT_NOT_APPROVED]" in result.output
    assert not (tmp_path / "c.xlsx").exists()
    existing = tmp_path / "old.xlsx"
    existing.write_bytes(b"old")
    result = run("certificate", str(book_path), "--group", APPROVED, "-o", str(existing))
    assert result.exit_code == 2 and "[OUTPUT_EXISTS]" in result.output and existing.read_bytes() == b"old"
    result = run("certificate", str(book_path), "--group", APPROVED, "-o", str(existing), "--force")
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(existing)
    result = run("certificate", str(tmp_path / "missing.xlsx"), "--group", APPROVED, "-o", str(tmp_path / "m.xlsx"))
    assert result.exit_code == 2 and "[FILE_NOT_FOUND]" in result.output
    assert _digest(book_path) == before


def test_certificate_of_an_application_with_errors_is_written_with_exit_1_and_the_list(tmp_path: Path) -> None:
    rng = random.Random(4)
    data = sample_data("5803")
    data.tables["establish"] = [_application(APPROVED, "อนุมัติ", "๕๘๐๓/๒๕๖๓/๐๐๑")]  # Thai digits as typed
    data.tables["applicants"] = _applicants(APPROVED, 8, rng)  # approved with 8 applicants: below the 10
    path = tmp_path / "few.xlsx"
    build_workbook(path, district_area("5803"), 2564, data=data)
    out = tmp_path / "c.xlsx"
    result = run("certificate", str(path), "--group", APPROVED, "-o", str(out))
    assert result.exit_code == 1, result.output
    assert out.is_file() and "ESTABLISH_TOO_FEW_APPLICANTS" in result.output
    texts = [c.value for row in openpyxl.load_workbook(out).worksheets[0].iter_rows() for c in row if c.value]
    assert f"เลขที่ {CERT_NO}" in texts  # without --thai-digits every number is in Arabic digits
    # register moves it as well (the officer decided), lists the same errors and exits 1
    result = run("register", str(path), "--group", APPROVED, "-o", str(tmp_path / "registered.xlsx"))
    assert result.exit_code == 1 and "ESTABLISH_TOO_FEW_APPLICANTS" in result.output, result.output
    assert len(read_district_workbook(tmp_path / "registered.xlsx").groups) == len(data.tables["groups"]) + 1


# --- moving the group into the registry ---------------------------------------------------------

def _registry_row(ws: Any, name: str) -> int:
    col = GROUPS.letter("name")
    rows = [r for r in range(GROUPS.first_data_row, GROUPS.last_data_row + 1) if ws[f"{col}{r}"].value == name]
    assert len(rows) == 1, rows
    return rows[0]


def test_register_moves_the_group_and_its_applicants(book_path: Path, tmp_path: Path) -> None:
    work = tmp_path / "pai.xlsx"
    shutil.copy(book_path, work)
    before_book = read_district_workbook(work)
    groups_before, members_before = len(before_book.groups), len(before_book.members)
    plan = plan_registration(before_book, APPROVED)
    assert plan.group_row == max(g["row"] for g in before_book.table_rows("groups")) + 1

    result = run("register", str(work), "--group", APPROVED)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(work)
    ws = wb[GROUPS.sheet]
    row = _registry_row(ws, APPROVED)
    assert row == plan.group_row
    cell = {key: ws[f"{GROUPS.letter(key)}{row}"] for key in
            ("no", "name", "house_no", "moo", "tambon", "established", "certificate_no", "member_count",
             "main_activity")}
    assert cell["house_no"].value == "45/1" and cell["moo"].value == 3 and cell["tambon"].value == "เวียงใต้"
    assert cell["established"].value.date() == CERT_DATE
    assert cell["established"].number_format == "[$-1070000]dd/mm/yyyy;@"  # the column's Buddhist-era format
    assert cell["certificate_no"].value == CERT_NO and cell["member_count"].value == 12
    assert cell["main_activity"].value == "ปลูกผักปลอดภัย" and cell["no"].value == groups_before + 1
    assert cell["name"].protection.locked is False  # still an input cell the officer can correct

    members = wb[MEMBERS.sheet]
    got = [r for r in range(MEMBERS.first_data_row, MEMBERS.last_data_row + 1)
           if members[f"{MEMBERS.letter('group')}{r}"].value == APPROVED]
    assert got == plan.member_rows and len(got) == 12
    first = {key: members[f"{MEMBERS.letter(key)}{got[0]}"] for key in
             ("role", "consent", "join_date", "citizen_id", "phone", "area_rai")}
    assert first["role"].value == "ประธาน" and first["consent"].value == "ใช่"
    assert first["join_date"].value.date() == CERT_DATE
    assert first["phone"].value == "0800000000" and first["phone"].data_type == "s"  # the leading zero kept
    assert len(first["citizen_id"].value) == 13 and first["area_rai"].value == 2.5
    assert [members[f"{MEMBERS.letter('role')}{r}"].value for r in got[:4]] == [*ROLES, "สมาชิก"]

    after = read_district_workbook(work)
    assert len(after.groups) == groups_before + 1 and len(after.members) == members_before + 12
    # the moved group passes the registry rules: no new issue is about its row or its members' rows
    issues = validate_file(work, today=dt.date.fromisoformat(TODAY)).issues
    moved = [i for i in issues if (i.sheet == GROUPS.sheet and i.row == row)
             or (i.sheet == MEMBERS.sheet and i.row in got)]
    assert moved == [], [(i.code, i.cell) for i in moved]

    # the second time is refused and changes nothing
    digest = _digest(work)
    result = run("register", str(work), "--group", APPROVED)
    assert result.exit_code == 2 and "[REGISTER_GROUP_EXISTS]" in result.output
    assert _digest(work) == digest


def test_register_refuses_a_group_not_approved_and_leaves_the_file(book_path: Path, tmp_path: Path) -> None:
    work = tmp_path / "pai.xlsx"
    shutil.copy(book_path, work)
    digest = _digest(work)
    for group, code in ((PENDING, "CERT_NOT_APPROVED"), (NO_NUMBER, "CERT_NUMBER_MISSING"),
                        ("กลุ่มที่ไม่มีคำขอ", "CERT_GROUP_NOT_FOUND")):
        result = run("register", str(work), "--group", group, "-o", str(tmp_path / "out.xlsx"))
        assert result.exit_code == 2 and f"[{code}]" in result.output, result.output
        assert _digest(work) == digest and not (tmp_path / "out.xlsx").exists()
    existing_name = read_district_workbook(work).groups[0].name
    with pytest.raises(KasetError) as err:
        register_file(work, existing_name)
    assert err.value.code in ("CERT_GROUP_NOT_FOUND", "REGISTER_GROUP_EXISTS")
    assert _digest(work) == digest


def test_register_refuses_a_name_already_in_the_registry(tmp_path: Path) -> None:
    rng = random.Random(2)
    data = sample_data("5803")
    taken = data.tables["groups"][0]["name"]
    data.tables["establish"] = [_application(taken, "อนุมัติ", "9/2563")]
    data.tables["applicants"] = _applicants(taken, 10, rng)
    path = tmp_path / "taken.xlsx"
    build_workbook(path, district_area("5803"), 2564, data=data)
    digest = _digest(path)
    with pytest.raises(KasetError) as err:
        register_file(path, taken)
    assert err.value.code == "REGISTER_GROUP_EXISTS"
    assert err.value.params["cell"] == f"{GROUPS.letter('name')}{GROUPS.first_data_row}"
    assert _digest(path) == digest


def test_register_refuses_an_applicant_value_that_cannot_be_read(tmp_path: Path) -> None:
    rng = random.Random(3)
    data = sample_data("5803")
    data.tables["establish"] = [_application(APPROVED, "อนุมัติ", CERT_NO)]
    people = _applicants(APPROVED, 10, rng)
    people[4]["birth_date"] = "31/02/2513"  # no such day: it would be lost in the members sheet
    data.tables["applicants"] = people
    path = tmp_path / "typo.xlsx"
    build_workbook(path, district_area("5803"), 2564, data=data)
    digest = _digest(path)
    with pytest.raises(KasetError) as err:
        register_file(path, APPROVED)
    assert err.value.code == "REGISTER_UNREADABLE_VALUE"
    assert err.value.params["cell"] == f"{APPLICANTS.letter('birth_date')}{APPLICANTS.first_data_row + 4}"
    assert _digest(path) == digest


def test_register_keeps_the_vba_the_buttons_and_the_protection(tmp_path: Path) -> None:
    xlsm = _build(tmp_path / "pai.xlsm", macros=True)
    with zipfile.ZipFile(xlsm) as zf:
        project = zf.read("xl/vbaProject.bin")
        vml_before = sorted(n for n in zf.namelist() if "vmlDrawing" in n)
    out = tmp_path / "registered.xlsm"
    result = run("register", str(xlsm), "--group", APPROVED, "-o", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        assert zf.read("xl/vbaProject.bin") == project
        assert sorted(n for n in zf.namelist() if "vmlDrawing" in n) == vml_before
    wb = openpyxl.load_workbook(out, keep_vba=True)
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title  # every sheet still protected
    assert _registry_row(wb[GROUPS.sheet], APPROVED)
    # an existing -o is not replaced without --force
    result = run("register", str(xlsm), "--group", APPROVED, "-o", str(out))
    assert result.exit_code == 2 and "[OUTPUT_EXISTS]" in result.output


# --- the workbook buttons, on xlwings' remote engine (as tests/test_xl_engine.py) ----------------

def _engine_book(payload: dict[str, Any]) -> Any:
    import xlwings as xw

    from xl_engine_support import remote_engine_problem

    problem = remote_engine_problem()
    if problem:  # pragma: no cover - only when the engine cannot start here
        pytest.skip(f"xlwings' remote engine cannot run here: {problem}")
    return xw.Book(json=payload)


def _click(button: Any, src: Path, out: Path, *, sheet: str, cell: str, **kw: Any) -> Any:
    """Click ``button`` with ``cell`` of ``sheet`` selected; apply the actions to a copy of ``src`` saved as ``out``."""
    from xl_engine_support import apply_actions, payload_from_file

    payload = payload_from_file(src, active_sheet=LAYOUT.sheet_order.index(sheet))
    payload["book"]["selection"] = cell
    book = _engine_book(payload)
    button(book, **kw)
    wb = openpyxl.load_workbook(src, rich_text=True)
    done = apply_actions(wb, book.json()["actions"])
    wb.save(out)
    return done


@pytest.fixture
def _engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")


APPROVED_ROW = ESTABLISH.first_data_row  # the approved application is the first row
PENDING_ROW = ESTABLISH.first_data_row + 1


@pytest.mark.usefixtures("_engine")
def test_register_button_moves_the_selected_group_like_the_command(book_path: Path, tmp_path: Path) -> None:
    from kaset_xl import xl

    engine = tmp_path / "engine.xlsx"
    done = _click(xl.register, book_path, engine, sheet=ESTABLISH.sheet,
                  cell=f"{ESTABLISH.letter('tambon')}{APPROVED_ROW}")
    assert not done.alerts, done.alerts
    assert done.active == GROUPS.sheet
    command = tmp_path / "command.xlsx"
    register_file(book_path, APPROVED, command)
    for sheet in (GROUPS.sheet, MEMBERS.sheet):  # the same values in the same cells as kaset-xl register
        got = [[c.value for c in r] for r in openpyxl.load_workbook(engine)[sheet].iter_rows()]
        want = [[c.value for c in r] for r in openpyxl.load_workbook(command)[sheet].iter_rows()]
        assert got == want, sheet
    wb = openpyxl.load_workbook(engine)
    status = wb["ผลการตรวจสอบ"]["A2"].value
    assert APPROVED in status and "เข้าทะเบียนกลุ่ม" in status

    # clicking again on the same row is refused with a Thai message, and nothing is written
    again = tmp_path / "again.xlsx"
    done = _click(xl.register, engine, again, sheet=ESTABLISH.sheet, cell=f"B{APPROVED_ROW}")
    assert len(done.alerts) == 1 and done.funcs == ["alert"]
    assert re.search(r"[\u0e00-\u0e7f]", done.alerts[0][0]) and "Traceback" not in done.alerts[0][0]


@pytest.mark.usefixtures("_engine")
@pytest.mark.parametrize(("sheet", "cell"), [(ESTABLISH.sheet, f"B{PENDING_ROW}"), (ESTABLISH.sheet, "B1"),
                                             (GROUPS.sheet, f"B{APPROVED_ROW}")])
def test_buttons_refuse_a_pending_row_or_no_application_row(book_path: Path, tmp_path: Path, sheet: str,
                                                             cell: str) -> None:
    from kaset_xl import xl

    for button in (xl.register, xl.certificate):
        done = _click(button, book_path, tmp_path / "out.xlsx", sheet=sheet, cell=cell, **(
            {"folder": str(tmp_path)} if button is xl.certificate else {}))
        assert len(done.alerts) == 1 and done.funcs == ["alert"], done.funcs
        assert "Traceback" not in done.alerts[0][0]
    assert not list(tmp_path.glob("ใบรับรอง*"))


@pytest.mark.usefixtures("_engine")
def test_certificate_button_without_libreoffice_writes_the_xlsx_and_says_so(
        book_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kaset_xl import xl

    monkeypatch.setenv("KASET_SOFFICE", str(tmp_path / "no-such-soffice"))
    folder = tmp_path / "certs"
    folder.mkdir()
    done = _click(xl.certificate, book_path, tmp_path / "out.xlsx", sheet=ESTABLISH.sheet,
                  cell=f"{ESTABLISH.letter('decision')}{APPROVED_ROW}", folder=str(folder))
    written = folder / f"ใบรับรอง-{APPROVED}.xlsx"
    assert [p.name for p in folder.iterdir()] == [written.name]
    assert len(done.alerts) == 1 and str(written) in done.alerts[0][0] and "LibreOffice" in done.alerts[0][0]
    ws = openpyxl.load_workbook(written).worksheets[0]
    assert APPROVED in [c.value for row in ws.iter_rows() for c in row]


@pytest.mark.libreoffice
@pytest.mark.usefixtures("_engine")
def test_certificate_button_writes_the_pdf_of_the_selected_row(book_path: Path, tmp_path: Path) -> None:
    from kaset_xl import xl

    require_tool("soffice", "libreoffice")
    done = _click(xl.certificate, book_path, tmp_path / "out.xlsx", sheet=ESTABLISH.sheet,
                  cell=f"A{APPROVED_ROW}", folder=str(tmp_path), thai_digits=True)
    pdf = tmp_path / f"ใบรับรอง-{APPROVED}.pdf"
    assert len(done.alerts) == 1 and str(pdf) in done.alerts[0][0]
    text = _pdf_text(pdf)
    assert APPROVED in text and "ให้ไว้ณวันที่๑๒เดือนธันวาคมพ.ศ.๒๕๖๓" in text


# --- outputs that must be refused (found in review) ---------------------------------------------------

def _code(result: Result) -> str:
    m = re.search(r"\[([A-Z_]+)\]", result.output)
    return m.group(1) if m else ""


def test_the_certificate_never_replaces_its_input(book_path: Path, tmp_path: Path) -> None:
    same = tmp_path / "same.xlsx"
    shutil.copy2(book_path, same)
    before = _digest(same)
    result = run("certificate", str(same), "-g", APPROVED, "-o", str(same), "--force")
    assert result.exit_code == 2 and _code(result) == "OUTPUT_IS_INPUT"
    assert _digest(same) == before


def test_register_and_score_keep_the_kind_of_file(tmp_path: Path) -> None:
    xlsm = _build(tmp_path / "pai.xlsm", macros=True)
    before = _digest(xlsm)
    for args in (["register", str(xlsm), "-g", APPROVED, "-o", str(tmp_path / "out.xlsx")],
                 ["score", str(xlsm), "-o", str(tmp_path / "scored.xlsx")]):
        result = run(*args)
        assert result.exit_code == 2 and _code(result) == "OUTPUT_KIND_MISMATCH", result.output
    assert not (tmp_path / "out.xlsx").exists() and not (tmp_path / "scored.xlsx").exists()
    assert _digest(xlsm) == before


def test_register_checks_every_sheet_against_the_limits(tmp_path: Path) -> None:
    """openpyxl loads every sheet, also those the reader skips: register checks them first, as score does."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", Path(__file__).parent / "corpus" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    src = tmp_path / "unread-row.xlsx"
    corpus._far_row_unread(src)  # row 150,000 in the lists sheet, which the reader never reads
    group = read_district_workbook(src).table_rows("establish")[0]["name"]
    before = _digest(src)
    with pytest.raises(KasetError) as caught:
        register_file(src, group, tmp_path / "out.xlsx")
    assert caught.value.code == "SHEET_TOO_MANY_ROWS"
    assert not (tmp_path / "out.xlsx").exists() and _digest(src) == before


def test_an_output_name_too_long_for_the_system_is_a_message(book_path: Path, tmp_path: Path) -> None:
    long_name = str(tmp_path / ("ก" * 100 + ".pdf"))  # 300 bytes: over the 255 of most file systems
    result = run("certificate", str(book_path), "-g", APPROVED, "-o", long_name)
    assert result.exit_code == 2 and _code(result) == "OUTPUT_UNWRITABLE"
    result = run("register", str(book_path), "-g", APPROVED, "-o", long_name[:-4] + ".xlsx")
    assert result.exit_code == 2 and _code(result) == "OUTPUT_UNWRITABLE"


def test_an_unreadable_certificate_date_a_repeated_person_and_the_office_line(tmp_path: Path) -> None:
    rng = random.Random(4)
    data = sample_data("5803")
    data.info["office"] = "สำนักงานเกษตรอำเภอปาย จังหวัดแม่ฮ่องสอน"  # the office already names the province
    data.tables["establish"] = [_application("กลุ่มก", "อนุมัติ", "1/2563", certificate_date="31/02/2564"),
                                _application(APPROVED, "อนุมัติ", CERT_NO)]
    people = _applicants(APPROVED, 10, rng)
    data.tables["applicants"] = [*people, dict(people[3])]  # one person entered twice
    path = tmp_path / "x.xlsx"
    build_workbook(path, district_area("5803"), 2564, data=data)
    book = read_district_workbook(path)
    with pytest.raises(KasetError) as err:
        certificate_data(book, "กลุ่มก")
    assert err.value.code == "CERT_DATE_UNREADABLE"
    assert err.value.params["cell"] == f"{ESTABLISH.letter('certificate_date')}{ESTABLISH.first_data_row}"
    cert = certificate_data(book, APPROVED)
    assert cert.member_count == 10  # people, not rows
    office_lines = [line.text for line in certificate_lines(cert) if "สำนักงานเกษตรอำเภอ" in line.text]
    assert office_lines == ["สำนักงานเกษตรอำเภอปาย จังหวัดแม่ฮ่องสอน"]
    plan = plan_registration(book, APPROVED)
    assert len(plan.member_rows) == 10
