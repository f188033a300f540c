"""Group establishment (issue 6, seed 004): the sheets of template 1.1, a 1.0 workbook still read, rules
that follow the criteria, and the newly established groups in the provincial workbook (counted here
independently with python-calamine).  The planted rules are in tests/golden/bad-establish.*."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from kaset_xl.areas import district_area
from kaset_xl.cli import cli
from kaset_xl.criteria import load_criteria
from kaset_xl.issues import KasetError
from kaset_xl.validate import validate_file
from kaset_xl.workbook.builder import build_workbook
from kaset_xl.workbook.layout import LAYOUT, SUPPORTED_VERSIONS, TEMPLATE_VERSION
from kaset_xl.workbook.reader import read_district_workbook
from sample_data import sample_data

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "workbooks").glob("*.xlsx"))
CRITERIA = ROOT / "kaset_xl" / "criteria" / "fy2564.toml"
ESTABLISH, APPLICANTS = "จัดตั้งกลุ่ม", "ผู้ขอจัดตั้ง"
TODAY = dt.date(2026, 1, 15)


def grid(path: Path, sheet: str) -> list[list[Any]]:
    wb = CalamineWorkbook.from_path(str(path))
    try:
        return wb.get_sheet_by_name(sheet).to_python()
    finally:
        wb.close()


def records(path: Path, sheet: str, header_text: str) -> list[dict[str, Any]]:
    """Rows under the header row holding ``header_text`` (headers without their ' *'), non-blank ones."""
    rows = grid(path, sheet)
    h = next(i for i, r in enumerate(rows) if any(str(v).rstrip(" *") == header_text for v in r))
    head = [str(v).rstrip(" *") for v in rows[h]]
    out = []
    for r in rows[h + 1:]:
        rec = dict(zip(head, r, strict=False))
        if str(rec.get(header_text, "")).strip():
            out.append(rec)
    return out


def test_template_version_and_layout() -> None:
    assert TEMPLATE_VERSION == "1.1" and SUPPORTED_VERSIONS == ("1.0", "1.1")
    est, app = LAYOUT.table("establish"), LAYOUT.table("applicants")
    assert (est.sheet, app.sheet) == (ESTABLISH, APPLICANTS)
    assert est.since == app.since == "1.1" and est.optional and not LAYOUT.table("groups").optional
    assert [c.key for c in est.columns if c.band == "ระเบียบกลุ่ม"] == list(load_criteria(2564).establishment.regulations)
    documents = list(load_criteria(2564).establishment.documents)
    assert [c.key for c in est.columns if c.band == "เอกสารประกอบคำขอ"] == documents
    assert app.column("group").choices == "new_group" and app.column("role").choices == "role"


def test_samples_have_applications_and_no_issues() -> None:
    approved_by_district = {}
    for path in SAMPLES:
        result = validate_file(path, today=TODAY)
        assert result.issues == [], [(i.code, i.sheet, i.cell) for i in result.issues]
        apps = records(path, ESTABLISH, "ชื่อกลุ่มที่ขอจัดตั้ง")
        decisions = Counter(a["ผลการพิจารณา"] for a in apps)
        approved_by_district[path.name[:4]] = decisions["อนุมัติ"]
        assert decisions["อนุมัติ"] >= 1
        per_group = Counter(a["ชื่อกลุ่มที่ขอจัดตั้ง"] for a in records(path, APPLICANTS, "เลขประจำตัวประชาชน"))
        assert all(per_group[a["ชื่อกลุ่มที่ขอจัดตั้ง"]] >= 10 for a in apps)
    assert approved_by_district == {"5801": 1, "5803": 2, "5804": 1, "5807": 1}


def _strip_to_1_0(src: Path, dst: Path, *, keep_sheets: bool = False, version: str = "1.0") -> Path:
    wb = openpyxl.load_workbook(src)
    if not keep_sheets:
        del wb[ESTABLISH]
        del wb[APPLICANTS]
    for row in wb[LAYOUT.meta_sheet].iter_rows(min_col=1, max_col=2):
        if row[0].value == "template_version":
            row[1].value = version
    wb.save(dst)
    return dst


def test_a_1_0_workbook_is_read_without_the_establishment_sheets(tmp_path: Path) -> None:
    old = _strip_to_1_0(SAMPLES[1], tmp_path / "old.xlsx")
    book = read_district_workbook(old)
    assert book.identity.template_version == "1.0"
    assert book.table_rows("establish") == [] and book.table_rows("applicants") == []
    assert len(book.groups) == len(read_district_workbook(SAMPLES[1]).groups) > 0
    assert validate_file(old, today=TODAY).issues == []
    # A 1.1 workbook must have them: the sheet is missing, not optional.
    new = _strip_to_1_0(SAMPLES[1], tmp_path / "new.xlsx", version="1.1")
    assert [i.code for i in validate_file(new, today=TODAY).issues] == ["SHEET_MISSING"]


def _with_registry_group(tmp_path: Path, name: str) -> tuple[Path, int]:
    """Pai's sample plus a registry group holding the first approved application's certificate number."""
    data = sample_data("5803")
    app = next(a for a in data.tables["establish"] if a["decision"] == "อนุมัติ")
    groups = list(data.tables["groups"])
    groups.append({**groups[0], "no": len(groups) + 1, "name": name, "certificate_no": app["certificate_no"],
                   "member_count": 0})
    data.tables = {**data.tables, "groups": groups}
    path = tmp_path / "pai.xlsx"
    build_workbook(path, district_area("5803"), 2564, data=data)
    return path, LAYOUT.table("establish").first_data_row + data.tables["establish"].index(app)


def test_a_registered_group_keeps_its_certificate_number(tmp_path: Path) -> None:
    """An approved group moved into the registry carries the same number: that is not a reuse."""
    data = sample_data("5803")
    name = next(a["name"] for a in data.tables["establish"] if a["decision"] == "อนุมัติ")
    path, _ = _with_registry_group(tmp_path, name)
    codes = {i.code for i in validate_file(path, today=TODAY).issues}
    assert "CERTIFICATE_NO_REUSED" not in codes and "GROUP_NO_MEMBERS" in codes  # the new row has no members yet


def test_another_group_with_the_number_is_a_reuse(tmp_path: Path) -> None:
    path, row = _with_registry_group(tmp_path, "กลุ่มอื่นที่ใช้เลขซ้ำ")
    reused = [(i.sheet, i.cell) for i in validate_file(path, today=TODAY).issues if i.code == "CERTIFICATE_NO_REUSED"]
    assert reused == [(ESTABLISH, f"{LAYOUT.table('establish').letter('certificate_no')}{row}")]


def test_thresholds_are_data(tmp_path: Path) -> None:
    """The minimum from the criteria file: at 15, every sample application of Pai falls short."""
    crit_path = tmp_path / "fy2564.toml"
    text = CRITERIA.read_text(encoding="utf-8")
    assert "members_min = 10" in text
    # one definition of a group: [establishment] takes the registry's minimum
    crit_path.write_text(text.replace("members_min = 10", "members_min = 15"), encoding="utf-8")
    crit = load_criteria(path=crit_path)
    assert crit.establishment.applicants_min == 15
    issues = [i for i in validate_file(SAMPLES[1], criteria=crit, today=TODAY).issues
              if i.sheet == ESTABLISH]  # (the registry's groups are held to 15 members too)
    apps = records(SAMPLES[1], ESTABLISH, "ชื่อกลุ่มที่ขอจัดตั้ง")
    want = Counter("ESTABLISH_TOO_FEW_APPLICANTS" + ("_APPROVED" if a["ผลการพิจารณา"] == "อนุมัติ" else "")
                   for a in apps)
    assert Counter(i.code for i in issues) == want
    assert {i.cell for i in issues} == {f"B{LAYOUT.table('establish').first_data_row + k}" for k in range(len(apps))}


def test_registry_and_establishment_must_define_a_group_alike(tmp_path: Path) -> None:
    """One definition of a group (seed 004): a criteria file whose [establishment] disagrees with its
    [registry] is refused, or a group established today would be an error in the registry tomorrow."""
    crit_path = tmp_path / "fy2564.toml"
    text = CRITERIA.read_text(encoding="utf-8")
    assert "[establishment]\n" in text
    crit_path.write_text(text.replace("[establishment]\n", "[establishment]\napplicants_min = 15\n"), encoding="utf-8")
    with pytest.raises(KasetError) as err:
        load_criteria(path=crit_path)
    assert err.value.code == "CRITERIA_INVALID"
    crit_path.write_text(text.replace("[establishment]\n", "[establishment]\napplicants_min = 10\n"), encoding="utf-8")
    assert load_criteria(path=crit_path).establishment.applicants_min == 10  # the same value may be repeated


def test_unknown_checklist_key_in_criteria(tmp_path: Path) -> None:
    crit_path = tmp_path / "fy2564.toml"
    crit_path.write_text(CRITERIA.read_text(encoding="utf-8").replace('"reg_shares", "reg_activities"',
                                                                      '"reg_nope", "reg_activities"'), encoding="utf-8")
    with pytest.raises(KasetError) as exc:
        load_criteria(path=crit_path)
    assert exc.value.code == "CRITERIA_INVALID" and exc.value.params["where"] == "establishment.regulations.0"


def test_provincial_workbook_lists_the_new_groups(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for p in SAMPLES:
        shutil.copy2(p, folder / p.name)
    out = tmp_path / "prov.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output  # written; 3 of 7 districts missing (issue 12)
    # Independently: the approved applications of each sample and their applicants.
    want_rows, want_counts = set(), {}
    for p in SAMPLES:
        code = p.name[:4]
        applicants = Counter(a["ชื่อกลุ่มที่ขอจัดตั้ง"] for a in records(p, APPLICANTS, "เลขประจำตัวประชาชน"))
        approved = [a for a in records(p, ESTABLISH, "ชื่อกลุ่มที่ขอจัดตั้ง") if a["ผลการพิจารณา"] == "อนุมัติ"]
        want_counts[code] = (len(approved), sum(applicants[a["ชื่อกลุ่มที่ขอจัดตั้ง"]] for a in approved))
        for a in approved:
            want_rows.add((code, a["ชื่อกลุ่มที่ขอจัดตั้ง"], a["ตำบล"], a["เลขที่ใบรับรอง"], a["วันที่ออกใบรับรอง"],
                           applicants[a["ชื่อกลุ่มที่ขอจัดตั้ง"]], "ใช่", p.name))
    rows = grid(out, "กลุ่มจัดตั้งใหม่")
    heads = [i for i, r in enumerate(rows) if r and str(r[0]).replace("\n", "") == "รหัสอำเภอ"]
    assert len(heads) == 2, "the per-district counts, then the list"
    # a header's explicit line breaks (reports.py) left out
    count_head, list_head = ([str(h).replace("\n", "") for h in rows[i]] for i in heads)
    counts = {}
    for r in rows[heads[0] + 1:]:
        rec = dict(zip(count_head, r, strict=False))
        if rec["อำเภอ"] == "รวมทั้งจังหวัด":
            total = rec
            break
        counts[rec["รหัสอำเภอ"]] = (rec["กลุ่มจัดตั้งใหม่ (กลุ่ม)"], rec["ผู้ขอจัดตั้ง (คน)"])
    assert counts == want_counts
    assert total["กลุ่มจัดตั้งใหม่ (กลุ่ม)"] == sum(n for n, _ in want_counts.values()) == 5
    got_rows = set()
    for r in rows[heads[1] + 1:]:
        rec = dict(zip(list_head, r, strict=False))
        if not rec["รหัสอำเภอ"]:
            break
        got_rows.add((rec["รหัสอำเภอ"], rec["ชื่อกลุ่ม"], rec["ตำบล"], rec["เลขที่ใบรับรอง"], rec["วันที่ออกใบรับรอง"],
                      rec["ผู้ขอจัดตั้ง (คน)"], rec["คณะกรรมการครบ"], rec["ไฟล์ต้นทาง"]))
        assert isinstance(rec["แถว (ชีตจัดตั้งกลุ่ม)"], float) and rec["แถว (ชีตจัดตั้งกลุ่ม)"] >= 6
    assert got_rows == want_rows and len(got_rows) == 5


def test_a_group_certified_in_another_fiscal_year_is_not_new_this_year(tmp_path: Path) -> None:
    """A certificate of FY2563 in the FY2564 workbook: a warning at its date, and not in this year's list."""
    data = sample_data("5803")
    app = dict(data.tables["establish"][0])
    app.update({"name": "กลุ่มเลี้ยงปลานิลปีก่อน", "certificate_no": "5803/2563/99", "applied": dt.date(2020, 8, 3),
                "checked": dt.date(2020, 8, 20), "certificate_date": dt.date(2020, 9, 15)})
    data.tables["establish"].append(app)
    data.tables["applicants"] += [dict(a, group=app["name"]) for a in data.tables["applicants"]  # (a warning each:
                                  if a["group"] == data.tables["establish"][0]["name"]]       # in two applications)
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "5803-Pai-2564.xlsx"
    build_workbook(path, district_area("5803"), 2564, data=data)
    row = LAYOUT.table("establish").first_data_row + len(data.tables["establish"]) - 1
    found = [(i.code, i.cell) for i in validate_file(path, today=TODAY).issues if i.row == row]
    assert ("ESTABLISH_CERTIFICATE_OTHER_YEAR", f"{LAYOUT.table('establish').letter('certificate_date')}{row}") in found
    out = tmp_path / "prov.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output  # received (warnings only); 6 districts missing
    listed = {v for r in grid(out, "กลุ่มจัดตั้งใหม่") for v in r}
    assert data.tables["establish"][0]["name"] in listed and app["name"] not in listed
