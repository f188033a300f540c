"""Provincial consolidation (``kaset-xl consolidate`` / ``demo``): values checked against counts made
independently here with python-calamine, completeness, left-out files, duplicates, guarantees."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from python_calamine import CalamineWorkbook

from kaset_xl.areas import district_area
from kaset_xl.cli import cli
from kaset_xl.consolidate import consolidate, mask_id, write_provincial_workbook
from kaset_xl.consolidate import writer as writer_module
from kaset_xl.workbook.builder import build_workbook
from kaset_xl.workbook.layout import LAYOUT
from sample_data import sample_data
from support import all_values, golden_script

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "workbooks").glob("*.xlsx"))
ID13 = re.compile(r"\d{13}|\d-\d{4}-\d{5}-\d{2}-\d")
SAMPLES_EXIT = 1  # the samples are 4 of Mae Hong Son's 7 districts: 3 missing need attention (exit 1)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def sheet_rows(path: Path, sheet: str) -> list[list[Any]]:
    wb = CalamineWorkbook.from_path(str(path))
    try:
        return wb.get_sheet_by_name(sheet).to_python()
    finally:
        wb.close()


def flat(header: Any) -> str:
    """A header as text without the line breaks reports.py sets in it ("รหัส\\nอำเภอ" → "รหัสอำเภอ")."""
    return str(header).replace("\n", "")


def table(path: Path, sheet: str, first_header: str, second_header: str | None = None) -> list[dict[str, Any]]:
    """The rows of the block whose header row starts with ``first_header`` (to the next blank row; a copy of the
    header row at the top of a printed page is not a data row)."""
    rows = sheet_rows(path, sheet)
    for i, r in enumerate(rows):
        head = [flat(h) for h in r]  # a header's explicit line breaks (reports.py) left out
        if head and head[0] == first_header and (second_header is None or second_header in head):
            out = []
            for data in rows[i + 1:]:
                if not any(v != "" for v in data):
                    break
                if list(data) != list(r):
                    out.append(dict(zip(head, data, strict=False)))
            return out
    raise AssertionError(f"no block {first_header!r} in {sheet}")


# ---------------------------------------------------------------- independent counts (calamine, not the library)

def _col(header: list[Any], text: str) -> int:
    return next(i for i, h in enumerate(header) if str(h).split("\n")[0].strip().rstrip(" *") == text)


def independent_counts(path: Path) -> dict[str, int]:
    wb = CalamineWorkbook.from_path(str(path))
    try:
        out = {}
        for key, head_text in (("groups", "ชื่อกลุ่ม"), ("members", "เลขประจำตัวประชาชน")):
            t = LAYOUT.table(key)
            rows = wb.get_sheet_by_name(t.sheet).to_python()
            c = _col(rows[t.header_row - 1], head_text)
            out[key] = sum(1 for r in rows[t.header_row:] if len(r) > c and str(r[c]).strip())
        t = LAYOUT.table("participation")
        rows = wb.get_sheet_by_name(t.sheet).to_python()
        header = rows[t.header_row - 1]
        phase1 = next(i for i, h in enumerate(header) if str(h).startswith("เข้าร่วมระยะที่ 1"))
        out["phase1"] = sum(1 for r in rows[t.header_row:] if len(r) > phase1 and r[phase1] == "ใช่")
        return out
    finally:
        wb.close()


def test_samples_exist() -> None:
    assert [p.name[:4] for p in SAMPLES] == ["5801", "5803", "5804", "5807"]


def test_sample_totals_equal_independent_counts(samples: Path, tmp_path: Path) -> None:
    out = tmp_path / "prov.xlsx"
    before = {p: (sha(p), p.stat().st_mtime_ns) for p in samples.iterdir()}
    result = run("consolidate", str(samples), "-o", str(out), "--jobs", "2")
    assert result.exit_code == SAMPLES_EXIT, result.output
    assert {p: (sha(p), p.stat().st_mtime_ns) for p in samples.iterdir()} == before  # inputs unchanged
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~kaset-")]
    ksa1_rows = table(out, "กสอ.1", "รหัสอำเภอ")
    ksa1 = {r["รหัสอำเภอ"]: r for r in ksa1_rows}
    expected = {p.name[:4]: independent_counts(p) for p in SAMPLES}
    for code, want in expected.items():
        row = ksa1[code]
        assert row["กลุ่มในทะเบียน"] == want["groups"]
        assert row["สมาชิก (คน)"] == want["members"]
        assert row["เข้าร่วมระยะที่ 1 (คน)"] == want["phase1"]
        assert row["ไฟล์ต้นทาง"].startswith(code)
    total = next(r for r in ksa1_rows if r["อำเภอ"] == "รวมทั้งจังหวัด")
    assert total["กลุ่มในทะเบียน"] == sum(w["groups"] for w in expected.values())
    assert total["สมาชิก (คน)"] == sum(w["members"] for w in expected.values())
    assert total["เข้าร่วมระยะที่ 1 (คน)"] == sum(w["phase1"] for w in expected.values()) == 60
    target = next(r for r in ksa1_rows if r["อำเภอ"] == "เป้าหมาย")
    assert target["เข้าร่วมระยะที่ 1 (คน)"] == 60 and target["กลุ่มในโครงการ"] == 4
    # every summary row carries its source file
    for sheet, first in (("กสอ.2", "รหัสอำเภอ"), ("กสอ.3", "รหัสอำเภอ"), ("กสอ.4", "รหัสอำเภอ")):
        rows = [r for r in table(out, sheet, first) if str(r["รหัสอำเภอ"]).isdigit()]
        assert len(rows) == 4 and all(r["ไฟล์ต้นทาง"].startswith(r["รหัสอำเภอ"]) for r in rows)
    ksa3 = [r for r in table(out, "กสอ.3", "รหัสอำเภอ") if str(r["รหัสอำเภอ"]).isdigit()]
    assert len(ksa3) == 4 and all(r["บรรลุเป้าหมาย"] == "บรรลุ" and r["เปลี่ยน (ระดับ)"] >= 1 for r in ksa3)
    provenance = {r["ไฟล์ต้นทาง"]: r for r in table(out, "ที่มา", "ไฟล์ต้นทาง")}
    for p in samples.iterdir():
        assert provenance[p.name]["ค่าตรวจสอบ (SHA-256)"] == sha(p)
        assert provenance[p.name]["ขนาด (ไบต์)"] == p.stat().st_size
        assert provenance[p.name]["นำมารวม"] == "ใช่"


def test_missing_districts_listed(samples: Path, tmp_path: Path) -> None:
    out = tmp_path / "prov.xlsx"
    assert run("consolidate", str(samples), "-o", str(out), "--jobs", "1").exit_code == SAMPLES_EXIT
    status = {r["รหัสอำเภอ"]: r["รหัสสถานะ"] for r in table(out, "ความครบถ้วน", "รหัสอำเภอ")}
    assert status == {"5801": "received", "5802": "missing", "5803": "received", "5804": "received",
                      "5805": "missing", "5806": "missing", "5807": "received"}
    rows = {r["รหัสอำเภอ"]: r for r in table(out, "ความครบถ้วน", "รหัสอำเภอ")}
    assert rows["5803"]["ล่าช้า"] == "ตรงเวลา"  # report 25/6/2564, due 30/6/2564


def test_a_rerun_replaces_its_provincial_workbook_but_no_other_file(samples: Path, tmp_path: Path) -> None:
    """-o naming an earlier provincial workbook: replaced (the usual re-run); naming any other existing
    file (an officer's own workbook, a typo): OUTPUT_EXISTS, exit 2, untouched, unless --force."""
    from kaset_xl.consolidate.writer import is_provincial_workbook

    out = tmp_path / "prov.xlsx"
    assert run("consolidate", str(samples), "-o", str(out), "--jobs", "1").exit_code == SAMPLES_EXIT
    assert is_provincial_workbook(out)
    assert run("consolidate", str(samples), "-o", str(out), "--jobs", "1").exit_code == SAMPLES_EXIT  # a re-run
    other = tmp_path / "สรุปของฉัน.xlsx"
    shutil.copyfile(samples / "5803-Pai-2564.xlsx", tmp_path / "copy.xlsx")
    for mine in (tmp_path / "copy.xlsx", other):  # a district workbook (not an input here), a file of text
        if mine == other:
            other.write_bytes(b"not a workbook")
        before = mine.read_bytes()
        assert not is_provincial_workbook(mine)
        result = run("consolidate", str(samples), "-o", str(mine), "--jobs", "1")
        assert result.exit_code == 2 and "[OUTPUT_EXISTS]" in result.output
        assert mine.read_bytes() == before
    assert run("consolidate", str(samples), "-o", str(other), "--jobs", "1", "--force").exit_code == SAMPLES_EXIT
    assert is_provincial_workbook(other)


def test_an_annotated_provincial_workbook_is_not_replaced(samples: Path, tmp_path: Path) -> None:
    """Saved again by a spreadsheet program (an officer's notes in it), the provincial workbook is
    somebody's work: OUTPUT_EXISTS without --force."""
    import openpyxl

    from kaset_xl.consolidate.writer import is_provincial_workbook

    out = tmp_path / "prov.xlsx"
    assert run("consolidate", str(samples), "-o", str(out), "--jobs", "1").exit_code == SAMPLES_EXIT
    wb = openpyxl.load_workbook(out)
    wb.active["A1"] = "ตรวจแล้ว — สมศรี"
    wb.properties.lastModifiedBy = "somsri"
    wb.save(out)
    before = out.read_bytes()
    assert not is_provincial_workbook(out)
    result = run("consolidate", str(samples), "-o", str(out), "--jobs", "1")
    assert result.exit_code == 2 and "[OUTPUT_EXISTS]" in result.output and out.read_bytes() == before


def test_a_rerun_into_the_input_folder_replaces_its_output(samples: Path) -> None:
    """The provincial workbook written into the input folder is not read as a district's on the next run:
    it is replaced."""
    out = samples / "จังหวัด.xlsx"
    for _ in range(2):
        result = run("consolidate", str(samples), "-o", str(out), "--jobs", "1", "--json")
        assert result.exit_code == SAMPLES_EXIT, result.output
    provenance = table(out, "ที่มา", "ไฟล์ต้นทาง")
    assert out.name not in {r["ไฟล์ต้นทาง"] for r in provenance} and len(provenance) == 4
    assert run("demo", "-i", str(samples), "-o", str(out)).exit_code == SAMPLES_EXIT
    assert run("demo", "-i", str(samples), "-o", str(out)).exit_code == SAMPLES_EXIT


def test_json_summary(samples: Path, tmp_path: Path) -> None:
    import json

    out = tmp_path / "prov.xlsx"
    result = run("consolidate", str(samples), "-o", str(out), "--json")
    assert result.exit_code == SAMPLES_EXIT, result.output
    data = json.loads(result.stdout)
    assert data["province"] == "58" and data["fiscal_year"] == 2564 and data["output"] == str(out)
    assert data["districts"]["received"] == ["5801", "5803", "5804", "5807"]
    assert data["districts"]["missing"] == ["5802", "5805", "5806"]
    assert data["totals"]["phase1"] == 60


def test_empty_other_province_other_year_duplicate_district(samples: Path, tmp_path: Path) -> None:
    build_workbook(samples / "5802-empty.xlsx", district_area("5802"), 2564)
    build_workbook(samples / "5001-chiangmai.xlsx", district_area("5001"), 2564)
    build_workbook(samples / "5805-next-year.xlsx", district_area("5805"), 2565)
    import datetime as dt

    data = sample_data("5803")
    data.info["report_date"] = dt.date(2020, 12, 1)  # an earlier report than the sample's 25/6/2564
    older = samples / "5803-older-copy.xlsx"
    build_workbook(older, district_area("5803"), 2564, data=data)
    out = tmp_path / "prov.xlsx"
    result = run("consolidate", str(samples), "-o", str(out), "--province", "58", "--year", "2564")
    assert result.exit_code == 1, result.output  # files were left out
    status = {r["รหัสอำเภอ"]: r for r in table(out, "ความครบถ้วน", "รหัสอำเภอ")}
    assert status["5802"]["รหัสสถานะ"] == "empty"
    assert status["5805"]["รหัสสถานะ"] == "missing"
    assert status["5803"]["ไฟล์ต้นทาง"] == "5803-Pai-2564.xlsx"
    issues = {(r["ไฟล์ต้นทาง"], r["รหัสปัญหา"]) for r in table(out, "ปัญหา", "รหัสอำเภอ")}
    assert ("5001-chiangmai.xlsx", "CONSOLIDATE_OTHER_PROVINCE") in issues
    assert ("5805-next-year.xlsx", "CONSOLIDATE_OTHER_YEAR") in issues
    assert ("5803-older-copy.xlsx", "CONSOLIDATE_DUPLICATE_DISTRICT") in issues
    ksa1_codes = {r["รหัสอำเภอ"] for r in table(out, "กสอ.1", "รหัสอำเภอ")}
    assert {"5801", "5803", "5804", "5807"} <= ksa1_codes
    assert not ksa1_codes & {"5001", "5805", "5802"}
    provenance = {r["ไฟล์ต้นทาง"]: r for r in table(out, "ที่มา", "ไฟล์ต้นทาง")}
    assert provenance["5001-chiangmai.xlsx"]["นำมารวม"] == "ไม่"
    assert provenance["5001-chiangmai.xlsx"]["รหัสเหตุผล"] == "CONSOLIDATE_OTHER_PROVINCE"
    assert provenance["5802-empty.xlsx"]["รหัสเหตุผล"] == "CONSOLIDATE_EMPTY"


def test_province_and_year_given_win(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy2(SAMPLES[0], folder / SAMPLES[0].name)
    build_workbook(folder / "9999-cm.xlsx", district_area("5001"), 2564)  # sorts after 5801
    c = consolidate([folder], jobs=1, province="58", year=2564)
    assert c.province_code == "58" and c.fiscal_year == 2564
    assert [f.name for f in c.used] == [SAMPLES[0].name]
    assert c.left_out[str(folder / "9999-cm.xlsx")].code == "CONSOLIDATE_OTHER_PROVINCE"


def test_duplicate_persons_masked(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy2(SAMPLES[0], folder / SAMPLES[0].name)
    person = copy.deepcopy(sample_data("5801").tables["members"][0])
    data = sample_data("5803")
    members = [dict(m) for m in data.tables["members"]]
    person.update(no=len(members) + 1, group=members[0]["group"])
    members.append(person)
    data.tables["members"] = members
    build_workbook(folder / "5803-Pai-2564.xlsx", district_area("5803"), 2564, data=data)
    cid = person["citizen_id"]
    out = tmp_path / "prov.xlsx"
    result = run("consolidate", str(folder), "-o", str(out))
    assert result.exit_code in (0, 1), result.output
    dups = table(out, "บุคคลซ้ำ", "เลขประจำตัวประชาชน")
    masked = f"{cid[0]}-{cid[1:5]}-xxxxx-xx-{cid[12]}"
    assert mask_id(cid) == masked
    assert sorted((r["เลขประจำตัวประชาชน"], r["รหัสอำเภอ"]) for r in dups) == [(masked, "5801"), (masked, "5803")]
    values = all_values(out)
    for sheet, rows in values.items():
        text = " ".join(str(v) for r in rows for v in r)
        assert cid not in text, sheet
        if sheet in ("กสอ.3", "กสอ.4"):
            assert not ID13.search(text.replace("-", "")), sheet
    full = tmp_path / "full.xlsx"
    assert run("consolidate", str(folder), "-o", str(full), "--full-ids").exit_code in (0, 1)
    shown = {r["เลขประจำตัวประชาชน"] for r in table(full, "บุคคลซ้ำ", "เลขประจำตัวประชาชน")}
    assert shown == {f"{cid[0]}-{cid[1:5]}-{cid[5:10]}-{cid[10:12]}-{cid[12]}"}


def test_two_runs_identical_values(samples: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("consolidate", str(samples), "-o", str(a), "--jobs", "2").exit_code == SAMPLES_EXIT
    assert run("consolidate", str(samples), "-o", str(b), "--jobs", "1").exit_code == SAMPLES_EXIT
    assert all_values(a) == all_values(b)
    assert list(all_values(a)) == ["กสอ.1", "กสอ.2", "กสอ.3", "กสอ.4", "กลุ่มจัดตั้งใหม่", "ความครบถ้วน", "ปัญหา",
                                   "บุคคลซ้ำ", "ที่มา"]


def test_interrupted_run_leaves_nothing(samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "prov.xlsx"
    c = consolidate([samples], jobs=1)
    real_save = writer_module._save

    def save_then_fail(wb: Any, path: Path) -> None:
        real_save(wb, path)  # the temporary file is whole; the rename never happens
        raise KeyboardInterrupt

    monkeypatch.setattr(writer_module, "_save", save_then_fail)
    with pytest.raises(KeyboardInterrupt):
        write_provincial_workbook(c, out)
    assert list(out_dir.iterdir()) == []
    # an existing output is kept whole when a re-run is interrupted
    monkeypatch.undo()
    write_provincial_workbook(c, out)
    good = sha(out)
    monkeypatch.setattr(writer_module, "_save", save_then_fail)
    with pytest.raises(KeyboardInterrupt):
        write_provincial_workbook(c, out)
    assert sha(out) == good and [p.name for p in out_dir.iterdir()] == ["prov.xlsx"]


def test_broken_file_reported_and_others_consolidated(samples: Path, tmp_path: Path) -> None:
    (samples / "5802-broken.xlsx").write_text("ชื่อกลุ่ม,สมาชิก\nกลุ่มปลูกผัก,15\n", encoding="utf-8")
    (samples / "~$5801-MueangMaeHongSon-2564.xlsx").write_bytes(b"lock")  # Excel's lock file: skipped
    (samples / ".hidden.xlsx").write_bytes(b"x")  # skipped
    out = tmp_path / "prov.xlsx"
    result = run("consolidate", str(samples), "-o", str(out))
    assert result.exit_code == 1, result.output
    issues = [r for r in table(out, "ปัญหา", "รหัสอำเภอ") if r["ไฟล์ต้นทาง"] == "5802-broken.xlsx"]
    assert [r["ความรุนแรง"] for r in issues] == ["ใช้ไม่ได้"]
    assert issues[0]["รหัสปัญหา"].startswith("FILE_")
    assert "~$" not in " ".join(str(r["ไฟล์ต้นทาง"]) for r in table(out, "ที่มา", "ไฟล์ต้นทาง"))
    status = {r["รหัสอำเภอ"]: r["รหัสสถานะ"] for r in table(out, "ความครบถ้วน", "รหัสอำเภอ")}
    assert [k for k, v in status.items() if v == "received"] == ["5801", "5803", "5804", "5807"]
    strict_out = tmp_path / "strict.xlsx"
    result = run("consolidate", str(samples), "-o", str(strict_out), "--strict")
    assert result.exit_code == 2
    assert "[CONSOLIDATE_STRICT]" in result.output
    assert not strict_out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~kaset-")]


def test_nothing_usable_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "a.xlsx"
    bad.write_text("a,b\n1,2\n")
    result = run("consolidate", str(bad), "-o", str(tmp_path / "o.xlsx"))
    assert result.exit_code == 2 and "[CONSOLIDATE_NOTHING_USABLE]" in result.output
    result = run("consolidate", str(tmp_path / "nothing-here"), "-o", str(tmp_path / "o.xlsx"))
    assert result.exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("consolidate", str(empty), "-o", str(tmp_path / "o.xlsx"))
    assert result.exit_code == 2 and "[CONSOLIDATE_NO_INPUT]" in result.output
    assert not (tmp_path / "o.xlsx").exists()


def test_text_stays_text(samples: Path, tmp_path: Path) -> None:
    c = consolidate([samples], jobs=1)
    c.used[0].groups[0].name = "=HYPERLINK(\"http://x\",\"y\")"
    out = tmp_path / "p.xlsx"
    write_provincial_workbook(c, out)
    names = [r["กลุ่ม"] for r in table(out, "กสอ.3", "รหัสอำเภอ")]
    assert names[0] == "=HYPERLINK(\"http://x\",\"y\")"
    import zipfile

    with zipfile.ZipFile(out) as z:
        sheets = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets  # no formula anywhere


def test_demo_writes_the_provincial_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("demo")
    assert result.exit_code == SAMPLES_EXIT, result.output
    out = tmp_path / "kaset-demo-58-2564.xlsx"
    assert out.exists() and str(out) in result.output
    status = {r["รหัสอำเภอ"]: r["รหัสสถานะ"] for r in table(out, "ความครบถ้วน", "รหัสอำเภอ")}
    assert sorted(k for k, v in status.items() if v == "received") == ["5801", "5803", "5804", "5807"]
    other = tmp_path / "elsewhere.xlsx"
    assert run("demo", "--output", str(other)).exit_code == SAMPLES_EXIT and other.exists()
    assert run("demo").exit_code == SAMPLES_EXIT  # run again: its own earlier output is replaced
    mine = tmp_path / "mine.xlsx"
    mine.write_bytes(b"an officer's file")
    result = run("demo", "--output", str(mine))
    assert result.exit_code == 2 and "[OUTPUT_EXISTS]" in result.output and mine.read_bytes() == b"an officer's file"


@pytest.mark.libreoffice
def test_libreoffice_opens_the_output(samples: Path, tmp_path: Path,
                                      lo_convert: Callable[[Path, str, Path], Path]) -> None:
    out = tmp_path / "prov.xlsx"
    assert run("consolidate", str(samples), "-o", str(out)).exit_code == SAMPLES_EXIT
    import zipfile

    with zipfile.ZipFile(out) as z:  # 3ก levels before/after, Smart Farmer classes, budget
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 3
    pdf = lo_convert(out, "pdf", tmp_path / "pdf")
    assert pdf.exists() and pdf.stat().st_size > 5000
    assert pdf.read_bytes()[:5] == b"%PDF-"


def _edit_copy(src: Path, dst: Path, edit: Callable[[Any], None]) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(src, rich_text=True)
    edit(wb)
    wb.save(dst)
    return dst


def test_old_template_version_reported(samples: Path, tmp_path: Path) -> None:
    def version(wb: Any) -> None:
        for row in wb[LAYOUT.meta_sheet].iter_rows(min_col=1, max_col=2):
            if row[0].value == "template_version":
                row[1].value = "0.1"

    _edit_copy(SAMPLES[0], samples / SAMPLES[0].name, version)
    out = tmp_path / "prov.xlsx"
    result = run("consolidate", str(samples), "-o", str(out))
    assert result.exit_code == 1, result.output
    issues = {(r["ไฟล์ต้นทาง"], r["รหัสปัญหา"]) for r in table(out, "ปัญหา", "รหัสอำเภอ")}
    assert (SAMPLES[0].name, "TEMPLATE_VERSION_UNKNOWN") in issues
    status = {r["รหัสอำเภอ"]: r["รหัสสถานะ"] for r in table(out, "ความครบถ้วน", "รหัสอำเภอ")}
    assert status["5801"] == "unusable" and status["5803"] == "received"  # its file came, unusable
    reason = {r["รหัสอำเภอ"]: r["รหัสเหตุผล"] for r in table(out, "ความครบถ้วน", "รหัสอำเภอ")}
    assert reason["5801"] == "TEMPLATE_VERSION_UNKNOWN"


def test_late_report_and_district_with_errors(samples: Path, tmp_path: Path) -> None:
    import datetime as dt

    data = sample_data("5804")
    data.info["report_date"] = dt.date(2021, 7, 15)  # after the กสอ.3/4 deadline of 30/6/2564
    build_workbook(samples / "5804-MaeSariang-2564.xlsx", district_area("5804"), 2564, data=data)

    def clear_last_name(wb: Any) -> None:
        t = LAYOUT.table("members")
        ws = wb[t.sheet]
        col = next(c.column for c in ws[t.header_row] if str(c.value or "").startswith("นามสกุล"))
        ws.cell(t.first_data_row, col).value = None

    _edit_copy(SAMPLES[1], samples / SAMPLES[1].name, clear_last_name)  # 5803: one error
    out = tmp_path / "prov.xlsx"
    result = run("consolidate", str(samples), "-o", str(out))
    assert result.exit_code == 1, result.output
    rows = {r["รหัสอำเภอ"]: r for r in table(out, "ความครบถ้วน", "รหัสอำเภอ")}
    assert rows["5804"]["ล่าช้า"] == "ล่าช้า" and rows["5804"]["รหัสสถานะ"] == "received"
    assert rows["5803"]["รหัสสถานะ"] == "received_errors" and rows["5803"]["ข้อผิดพลาด"] >= 1
    ksa1 = {r["รหัสอำเภอ"] for r in table(out, "กสอ.1", "รหัสอำเภอ")}
    assert {"5803", "5804"} <= ksa1  # a district with errors is counted (and flagged)
    held = tmp_path / "held.xlsx"
    assert run("consolidate", str(samples), "-o", str(held), "--exclude-errors").exit_code == 1
    rows = {r["รหัสอำเภอ"]: r for r in table(held, "ความครบถ้วน", "รหัสอำเภอ")}
    assert rows["5803"]["รหัสสถานะ"] == "errors"
    ksa1 = {r["รหัสอำเภอ"] for r in table(held, "กสอ.1", "รหัสอำเภอ")}
    assert "5803" not in ksa1 and "5804" in ksa1  # --exclude-errors: held back from the totals
    issues = [r for r in table(out, "ปัญหา", "รหัสอำเภอ") if r["รหัสอำเภอ"] == "5803"]
    assert any(r["ชีต"] == "สมาชิก" and r["เซลล์"] for r in issues)


def test_a_dying_worker_pool_names_the_file_and_reads_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed mid-run (a file that makes the reader run out of memory) must not surface as a
    traceback nor stop the province: every remaining file is read in a worker of its own, the one that
    kills it too is reported (FILE_READER_DIED), the others are summarised."""
    from concurrent.futures.process import BrokenProcessPool

    from kaset_xl.consolidate import core

    samples = sorted((Path(__file__).resolve().parent.parent / "workbooks").glob("*.xlsx")) * 2  # enough for a pool
    killer = 5  # the sixth file (the fifth read alone) kills its worker

    class Done:
        def __init__(self, value: Any) -> None:
            self.value = value

        def result(self) -> Any:
            if isinstance(self.value, BaseException):
                raise self.value
            return self.value

    class DyingPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def __enter__(self) -> "DyingPool":
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def map(self, fn, items, chunksize=1):  # type: ignore[no-untyped-def]
            items = list(items)
            used.append(len(items))
            yield fn(items[0])
            raise BrokenProcessPool("a worker died")

        def submit(self, fn, item):  # type: ignore[no-untyped-def]
            alone.append(item)
            return Done(BrokenProcessPool("died again") if len(alone) == killer else fn(item))

    used: list[int] = []
    alone: list[str] = []
    monkeypatch.setattr(core, "ProcessPoolExecutor", DyingPool)
    out = core.summarise_all(samples, jobs=2)
    assert used == [8] and alone == [str(p) for p in samples[1:]]  # the pool died after one file
    assert [Path(s.path).name for s in out] == [p.name for p in samples]
    assert [s.fatal.code if s.fatal else None for s in out] == [None] * 5 + ["FILE_READER_DIED"] + [None] * 2
    assert out[5].sha256 and out[5].size > 0  # its provenance is still known


# ---------------------------------------------------------------- golden provincial output (values, not bytes)

def test_golden_provincial_output_values(tmp_path: Path) -> None:
    """The provincial workbook of the samples equals the reviewed golden, cell by cell (by value)."""
    golden = golden_script("make_golden_provincial")
    expected = json.loads(golden.EXPECTED.read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(golden.provincial_values(tmp_path), ensure_ascii=False))
    assert list(actual) == list(expected)
    for sheet, rows in expected.items():
        got = actual[sheet]
        for r, (want_row, got_row) in enumerate(zip(rows, got, strict=False), start=1):
            assert got_row == want_row, f"{sheet} row {r}: {got_row} != {want_row}"
        assert len(got) == len(rows), sheet


def test_golden_provincial_totals_cross_checked() -> None:
    """The golden's กสอ.1 totals equal counts taken straight from the sample files (not through the library)."""
    golden = golden_script("make_golden_provincial")
    expected = json.loads(golden.EXPECTED.read_text(encoding="utf-8"))
    rows = expected["กสอ.1"]
    head_i = next(i for i, r in enumerate(rows) if r and flat(r[0]) == "รหัสอำเภอ")
    head = [flat(h) for h in rows[head_i]]
    total = next(r for r in rows[head_i + 1:] if len(r) > 1 and str(r[1]) == "รวมทั้งจังหวัด")
    counts = [independent_counts(p) for p in SAMPLES]
    assert total[head.index("กลุ่มในทะเบียน")] == sum(c["groups"] for c in counts)
    assert total[head.index("สมาชิก (คน)")] == sum(c["members"] for c in counts)
    assert total[head.index("เข้าร่วมระยะที่ 1 (คน)")] == sum(c["phase1"] for c in counts)


# ---------------------------------------------------------------- --dry-run, --criteria, --today

def test_dry_run_writes_nothing(samples: Path, tmp_path: Path) -> None:
    before = {p: sha(p) for p in samples.iterdir()}
    result = run("consolidate", str(samples), "--dry-run", "--json")
    assert result.exit_code == SAMPLES_EXIT, result.output
    data = json.loads(result.stdout)
    assert data["dry_run"] is True and data["output"] is None
    assert data["districts"]["received"] == ["5801", "5803", "5804", "5807"]
    assert set(tmp_path.rglob("*.xlsx")) == set(before)  # nothing new anywhere
    assert {p: sha(p) for p in samples.iterdir()} == before
    text = run("consolidate", str(samples), "--dry-run", "-o", str(tmp_path / "x.xlsx"))
    # -o with --dry-run: still nothing written
    assert text.exit_code == SAMPLES_EXIT and not (tmp_path / "x.xlsx").exists()


def test_output_required_unless_dry_run(samples: Path) -> None:
    result = run("consolidate", str(samples))
    assert result.exit_code == 2 and "--dry-run" in result.output


def test_today_option_checks_dates_against_that_day(samples: Path) -> None:
    # On 1 Jan 2021 the samples' later entries (reports of mid-2021) lie in the future: errors.
    early = json.loads(run("consolidate", str(samples), "--dry-run", "--json", "--today", "2021-01-01").stdout)
    assert early["districts"]["received_errors"] == ["5801", "5803", "5804", "5807"]  # counted, flagged
    for bad_day in ("2564-02-30", "tomorrow"):
        bad = run("consolidate", str(samples), "--dry-run", "--today", bad_day)
        assert bad.exit_code == 2 and "[TODAY_INVALID]" in bad.output and "Traceback" not in bad.output


def test_own_criteria_file_is_used_for_every_workbook(samples: Path, tmp_path: Path) -> None:
    from importlib.resources import files

    text = (files("kaset_xl.criteria") / "fy2564.toml").read_text(encoding="utf-8")
    own = tmp_path / "province-58.toml"
    # the province's own deadline for กสอ.3/4 is earlier than the samples' report dates: all late
    own.write_text(text.replace('ksa3_4 = 2021-06-30', 'ksa3_4 = 2021-01-31'), encoding="utf-8")
    assert own.read_text(encoding="utf-8") != text
    data = json.loads(run("consolidate", str(samples), "--dry-run", "--json", "--criteria", str(own)).stdout)
    shipped = json.loads(run("consolidate", str(samples), "--dry-run", "--json").stdout)
    assert shipped["late"] == [] and data["late"] == ["5801", "5803", "5804", "5807"]
    broken = tmp_path / "broken.toml"
    broken.write_text("x = \n", encoding="utf-8")
    result = run("consolidate", str(samples), "--dry-run", "--criteria", str(broken))
    assert result.exit_code == 2 and "[CRITERIA_INVALID]" in result.output


def test_budget_allocation_from_the_provinces_criteria(samples: Path, tmp_path: Path) -> None:
    from importlib.resources import files

    text = (files("kaset_xl.criteria") / "fy2564.toml").read_text(encoding="utf-8")
    old = '{ code = "phase1", name = "เรียนรู้ระยะที่ 1" }'
    assert old in text
    own = tmp_path / "province-58.toml"
    own.write_text(text.replace(old, '{ code = "phase1", name = "เรียนรู้ระยะที่ 1", allocation = 20000.0 }'),
                   encoding="utf-8")
    out = tmp_path / "prov.xlsx"
    assert run("consolidate", str(samples), "-o", str(out), "--criteria", str(own)).exit_code == SAMPLES_EXIT
    budget = {r["กิจกรรม"]: r for r in table(out, "กสอ.4", "กิจกรรม")}
    phase1 = budget["เรียนรู้ระยะที่ 1"]
    per_district = [r for r in table(out, "กสอ.4", "รหัสอำเภอ", "งบระยะที่ 1 (บาท)") if str(r["รหัสอำเภอ"]).isdigit()]
    assert phase1["ใช้จ่าย (บาท)"] == sum(r["งบระยะที่ 1 (บาท)"] for r in per_district) > 0
    assert phase1["จัดสรร (บาท)"] == 20000 and phase1["คงเหลือ (บาท)"] == 20000 - phase1["ใช้จ่าย (บาท)"]
    assert budget["วัสดุการเกษตรกลุ่มต้นแบบ"]["จัดสรร (บาท)"] == 7000  # cap × model groups by default
    assert budget["เรียนรู้ระยะที่ 2"]["จัดสรร (บาท)"] == ""  # not known: left blank, with a note


def test_the_output_is_never_one_of_the_inputs(samples: Path) -> None:
    target = sorted(samples.iterdir())[0]
    before = sha(target)
    result = run("consolidate", str(samples), "-o", str(target))
    assert result.exit_code == 2 and "[OUTPUT_IS_INPUT]" in result.output
    assert sha(target) == before


# ---------------------------------------------------------------- issue 12: imperfect submissions are counted
# The rule table (docs/consolidation.md → "What an issue excludes"), re-implemented here on
# the plain data the workbooks are built from — never with the library's counting code.

YES = "ใช่"
LEVELS = ((80.0, "ดี"), (50.0, "ปานกลาง"), (float("-inf"), "ปรับปรุง"))  # fy2564.toml (provisional)
SF_INCOME = 180000.0
ACTIVITY = {"เรียนรู้ระยะที่ 1": "phase1", "เรียนรู้ระยะที่ 2": "phase2", "วัสดุการเกษตรกลุ่มต้นแบบ": "materials",
            "สัมมนาเครือข่าย": "seminar"}


def _k(text: Any) -> str:
    return " ".join(str(text or "").split())


def _check_digit_ok(cid: str) -> bool:
    if len(cid) != 13 or not cid.isdigit():
        return False
    return (11 - sum(int(d) * (13 - i) for i, d in enumerate(cid[:12])) % 11) % 10 == int(cid[12])


def _first(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for r in rows:
        if r.get(key) is None or _k(r[key]) in seen:
            continue
        seen.add(_k(r[key]))
        out.append(r)
    return out


def _sf_class(r: dict[str, Any]) -> str:
    answers = {k: v == YES for k, v in r.items() if k.startswith("sf_")}
    per_q: dict[str, int] = {}
    for k, ok in answers.items():
        q = k.split("_")[1]
        per_q[q] = per_q.get(q, 0) + ok
    income_ok = (r.get("income") or 0) >= SF_INCOME
    if all(answers.values()) and income_ok:
        return "model"
    if all(n >= 1 for n in per_q.values()) and income_ok:
        return "existing"
    return "developing"


def expected_by_rule_table(data: Any) -> dict[str, float]:
    """One district's กสอ.1–4 figures from its entries, by the rule table."""
    t = data.tables
    registry = {_k(g["name"]) for g in t["groups"] if g.get("name")}
    people = [m for m in t["members"] if m.get("citizen_id") or m.get("first_name") or m.get("last_name")]
    seen: set[tuple[str, str]] = set()
    members = 0
    for m in people:  # PERSON_DUPLICATE: a person listed twice in one group counts once
        key = (_k(m.get("group")), m.get("citizen_id") or "")
        if _check_digit_ok(key[1]):
            if key in seen:
                continue
            seen.add(key)
        members += 1  # CITIZEN_ID_CHECKSUM: still a member
    group_of = {m["citizen_id"]: _k(m["group"]) for m in people if m.get("citizen_id") and m.get("group")}
    sf = {r["citizen_id"]: _sf_class(r) for r in _first(t["smart_farmer"], "citizen_id")}
    sf_rows = [r for r in _first(t["smart_farmer"], "citizen_id") if r["citizen_id"] in group_of]
    ifpp = [r for r in _first(t["ifpp"], "citizen_id") if r["citizen_id"] in group_of]
    part = [r for r in _first(t["participation"], "citizen_id") if r["citizen_id"] in group_of]
    sections = ("goal", "production", "marketing", "management", "social_env", "cost", "revenue", "contingency",
                "linked_activity")
    selection = _first(t["selection"], "group")
    rounds: dict[tuple[str, int], dict[str, Any]] = {}
    for a in t["assessment"]:
        rounds.setdefault((_k(a["group"]), a["round"]), a)
    named = ({_k(s["group"]) for s in selection} | {g for g, _r in rounds}
             | {group_of[r["citizen_id"]] for r in sf_rows + ifpp + part})
    out: dict[str, float] = {
        "groups": len(registry), "members": members,
        "programme_groups": len(named & registry),
        # GROUP_UNKNOWN: rows of a group not in the registry, counted under that name
        "unknown_groups": len((named | {_k(m.get("group")) for m in people}) - registry),
        "phase1": sum(r.get("phase1") == YES for r in part), "phase2": sum(r.get("phase2") == YES for r in part),
        "seminar": sum(r.get("seminar") == YES for r in part),
        # PHASE2_NOT_SMART_FARMER: attended, not "passed and trained"
        "phase2_sf": sum(r.get("phase2") == YES and sf.get(r["citizen_id"], "developing") != "developing"
                         for r in part),
        "ifpp_total": len(ifpp), "ifpp_complete": sum(all(r.get(s) not in (None, "") for s in sections) for r in ifpp),
        "centres": sum(s.get("learning_centre") == YES for s in selection),
    }
    for cls in ("model", "existing", "developing"):
        out[f"sf_{cls}"] = sum(sf[r["citizen_id"]] == cls for r in sf_rows)
    level_count = {"ดี": 0, "ปานกลาง": 0, "ปรับปรุง": 0}
    assessed = 0
    for (_g, rnd), a in rounds.items():
        scores = [v for k, v in a.items() if k.startswith("a_")]
        if rnd != 1 or any(v is None for v in scores):  # ASSESSMENT_INCOMPLETE: no level
            continue
        assessed += 1
        level_count[next(name for low, name in LEVELS if sum(scores) >= low)] += 1
    out.update(round1_assessed=assessed, r1_good=level_count["ดี"], r1_fair=level_count["ปานกลาง"],
               r1_improve=level_count["ปรับปรุง"])
    evaluated = [r for r in part if any(r.get(f"capable_{k}") is not None for k in range(1, 6))]
    out["evaluated"] = len(evaluated)
    for k in range(1, 6):
        out[f"kpi{k}"] = sum(r.get(f"capable_{k}") == YES for r in evaluated)
    model = {_k(s["group"]) for s in selection if s["category"] == 1}  # the model group (eligible in the samples)
    spent = {a: 0.0 for a in ACTIVITY.values()}
    flagged = 0.0
    for b in t["budget"]:
        amount = round(b["quantity"] * b["unit_price"], 2)
        spent[ACTIVITY[b["activity"]]] += amount
        if ACTIVITY[b["activity"]] == "materials" and _k(b.get("group")) not in model:
            flagged += amount  # MATERIALS_NOT_MODEL_GROUP: spent, and flagged
    out.update({f"b_{a}": round(v, 2) for a, v in spent.items()})
    out["b_total"] = round(sum(spent.values()), 2)
    out["b_materials_flagged"] = round(flagged, 2)
    return out


def _bad_check_digit(cid: str) -> str:
    good = next(d for d in "0123456789" if _check_digit_ok(cid[:12] + d))
    return cid[:12] + str((int(good) + 1) % 10)


def imperfect_province(folder: Path) -> dict[str, Any]:
    """Mae Hong Son as a province really receives it: four districts each with ordinary errors of
    different kinds, an empty template (5805), a file that is not a workbook (5806), one missing (5802).
    Returns district code → the data each workbook was built from; the planted errors' codes in ``plan``."""
    import datetime as dt

    d = {c: sample_data(c) for c in ("5801", "5803", "5804", "5807")}
    for data in d.values():
        for name in data.tables:
            data.tables[name] = [dict(r) for r in data.tables[name]]
    busy = {r["citizen_id"] for c in d.values() for n in ("smart_farmer", "ifpp", "participation")
            for r in c.tables[n]}
    # 5801: a person listed twice in one group; an 11-digit farmer number
    m = d["5801"].tables["members"]
    m.append({**m[0], "no": len(m) + 1})
    m[1]["farmer_id"] = m[1]["farmer_id"][:11]
    # 5803: a mistyped check digit (the same mistyped ID also in 5804); one 5801 person also in 5803
    m = d["5803"].tables["members"]
    idle = next(x for x in m if x["citizen_id"] not in busy and x.get("role") in (None, "สมาชิก"))
    bad = _bad_check_digit(idle["citizen_id"])
    idle["citizen_id"] = bad
    shared = d["5801"].tables["members"][5]
    m.append({**shared, "no": len(m) + 1, "group": m[0]["group"], "role": "สมาชิก"})
    m4 = d["5804"].tables["members"]
    m4.append({**m4[-1], "no": len(m4) + 1, "citizen_id": bad, "first_name": "ทดสอบ", "role": "สมาชิก"})
    # 5804: a phase-2 attendee who failed Smart Farmer; a round-2 3ก with an unscored indicator
    p2 = next(r["citizen_id"] for r in d["5804"].tables["participation"] if r.get("phase2") == YES)
    for r in d["5804"].tables["smart_farmer"]:
        if r["citizen_id"] == p2:
            r.update({k: "ไม่ใช่" for k in r if k.startswith("sf_")})
    next(a for a in d["5804"].tables["assessment"] if a["round"] == 2)["a_5_2"] = None
    # 5807: materials bought for a group that is not the model group; a participant of a group not in the registry
    b = d["5807"].tables["budget"]
    b.append({"no": len(b) + 1, "activity": "วัสดุการเกษตรกลุ่มต้นแบบ", "group": "กลุ่มเลี้ยงผึ้งโพรง",
              "date": dt.date(2021, 3, 1), "item": "ปุ๋ยอินทรีย์", "quantity": 4, "unit": "กระสอบ",
              "unit_price": 350.0, "note": ""})
    p1 = d["5807"].tables["participation"][0]["citizen_id"]
    next(x for x in d["5807"].tables["members"] if x["citizen_id"] == p1)["group"] = "กลุ่มผึ้งพิมพ์ผิด"
    names = {"5801": "5801-MueangMaeHongSon-2564.xlsx", "5803": "5803-Pai-2564.xlsx",
             "5804": "5804-MaeSariang-2564.xlsx", "5807": "5807-PangMapha-2564.xlsx"}
    for code, data in d.items():
        build_workbook(folder / names[code], district_area(code), 2564, data=data)
    build_workbook(folder / "5805-MaeLaNoi-2564.xlsx", district_area("5805"), 2564)  # the empty template
    (folder / "5806-SopMoei-2564.xlsx").write_bytes(b"<html>not a workbook</html>")
    plan = {"5801": {"PERSON_DUPLICATE", "FARMER_ID_FORMAT"}, "5803": {"CITIZEN_ID_CHECKSUM"},
            "5804": {"PHASE2_NOT_SMART_FARMER", "ASSESSMENT_INCOMPLETE", "CITIZEN_ID_CHECKSUM"},
            "5807": {"MATERIALS_NOT_MODEL_GROUP", "GROUP_UNKNOWN"}}
    return {"data": d, "names": names, "plan": plan, "bad_id": bad, "shared_id": shared["citizen_id"]}


KSA4_MONEY = "กสอ.4 (ต่อ)"  # กสอ.4's second table: the money per district, on the same sheet


def _rows(out: Path, sheet: str, first_header: str = "รหัสอำเภอ") -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    rows = (table(out, "กสอ.4", first_header, "งบระยะที่ 1 (บาท)") if sheet == KSA4_MONEY
            else table(out, sheet, first_header))
    by_code = {str(r["รหัสอำเภอ"]): r for r in rows if str(r["รหัสอำเภอ"]).isdigit()}
    total = next(r for r in rows if r.get("อำเภอ") == "รวมทั้งจังหวัด")
    return by_code, total


KSA_COLUMNS = {  # expected key → (sheet, header)
    "groups": ("กสอ.1", "กลุ่มในทะเบียน"), "members": ("กสอ.1", "สมาชิก (คน)"),
    "programme_groups": ("กสอ.1", "กลุ่มในโครงการ"), "unknown_groups": ("กสอ.1", "กลุ่มที่ไม่อยู่ในทะเบียน"),
    "phase1": ("กสอ.1", "เข้าร่วมระยะที่ 1 (คน)"), "round1_assessed": ("กสอ.1", "ประเมิน 3ก ครั้งที่ 1 (กลุ่ม)"),
    "r1_good": ("กสอ.1", "ระดับดี"), "r1_fair": ("กสอ.1", "ระดับปานกลาง"), "r1_improve": ("กสอ.1", "ระดับปรับปรุง"),
    "sf_model": ("กสอ.2", "Smart Farmer ต้นแบบ"), "sf_existing": ("กสอ.2", "Smart Farmer ที่ผ่านเกณฑ์ (Existing)"),
    "sf_developing": ("กสอ.2", "Smart Farmer ที่ต้องพัฒนา (Developing)"), "ifpp_complete": ("กสอ.2", "IFPP ครบถ้วน"),
    "ifpp_total": ("กสอ.2", "IFPP ทั้งหมด"),
    "phase2": ("กสอ.3", "ระยะที่ 2 (คน)"), "phase2_sf": ("กสอ.3", "ผ่าน SF และอบรมระยะที่ 2 (คน)"),
    "seminar": ("กสอ.3", "สัมมนา (คน)"),
    "evaluated": ("กสอ.4", "สมาชิกที่ประเมิน (คน)"), **{f"kpi{k}": ("กสอ.4", f"ด้านที่ {k} (คน)") for k in range(1, 6)},
    "centres": ("กสอ.4", "ศูนย์เรียนรู้ต้นแบบ"), "b_phase1": (KSA4_MONEY, "งบระยะที่ 1 (บาท)"),
    "b_phase2": (KSA4_MONEY, "งบระยะที่ 2 (บาท)"), "b_materials": (KSA4_MONEY, "งบวัสดุ (บาท)"),
    "b_seminar": (KSA4_MONEY, "งบสัมมนา (บาท)"), "b_total": (KSA4_MONEY, "รวมใช้จ่าย (บาท)"),
    "b_materials_flagged": (KSA4_MONEY, "วัสดุนอกกลุ่มต้นแบบ (บาท)"),
}


def test_imperfect_districts_are_counted_by_the_rule_table(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    prov = imperfect_province(folder)
    out = tmp_path / "prov.xlsx"
    result = run("consolidate", str(folder), "-o", str(out), "--today", "2564-09-30")
    assert result.exit_code == 1, result.output  # written; errors, an empty, an unusable and a missing district
    want = {code: expected_by_rule_table(data) for code, data in prov["data"].items()}
    issues = table(out, "ปัญหา", "รหัสอำเภอ")
    for code, codes in prov["plan"].items():  # every planted error found, at a cell, in its district
        found = {r["รหัสปัญหา"] for r in issues if r["รหัสอำเภอ"] == code and r["เซลล์"]}
        assert codes <= found, (code, codes - found)
    sheets = {s: _rows(out, s) for s in ("กสอ.1", "กสอ.2", "กสอ.4", KSA4_MONEY)}
    ksa3 = [r for r in table(out, "กสอ.3", "รหัสอำเภอ") if str(r["รหัสอำเภอ"]).isdigit()]
    ksa3_total = next(r for r in table(out, "กสอ.3", "รหัสอำเภอ") if r.get("อำเภอ") == "รวมทั้งจังหวัด")
    for key, (sheet, header) in KSA_COLUMNS.items():
        total = sum(w[key] for w in want.values())
        if sheet == "กสอ.3":
            for code, w in want.items():
                assert sum(r[header] for r in ksa3 if r["รหัสอำเภอ"] == code) == w[key], (key, code)
            assert ksa3_total[header] == total, key
            continue
        by_code, total_row = sheets[sheet]
        assert set(by_code) == set(want), sheet  # the four districts with errors are all counted
        for code, w in want.items():
            assert by_code[code][header] == pytest.approx(w[key]), (key, code)
        assert total_row[header] == pytest.approx(total), key
    # the quality beside the figures: per district errors/warnings as in ปัญหา, a status, and the note
    ksa3_quality = {r["รหัสอำเภอ"]: r for r in table(out, "กสอ.3", "รหัสอำเภอ", "ข้อผิดพลาด")}
    for sheet, by_code in (*((s, sheets[s][0]) for s in ("กสอ.1", "กสอ.2", "กสอ.4")), ("กสอ.3", ksa3_quality)):
        for code in want:
            errors = sum(1 for r in issues if r["รหัสอำเภอ"] == code and r["ความรุนแรง"] == "ข้อผิดพลาด")
            warnings = sum(1 for r in issues if r["รหัสอำเภอ"] == code and r["ความรุนแรง"] == "คำเตือน")
            assert (by_code[code]["ข้อผิดพลาด"], by_code[code]["คำเตือน"]) == (errors, warnings), (sheet, code)
            assert errors > 0 and by_code[code]["สถานะข้อมูล"] == "มีข้อผิดพลาด", (sheet, code)
    n_errors = sum(1 for r in issues if r["รหัสอำเภอ"] in want and r["ความรุนแรง"] == "ข้อผิดพลาด")
    for sheet in ("กสอ.1", "กสอ.2", "กสอ.3", "กสอ.4"):
        text = [str(r[0]) for r in sheet_rows(out, sheet)]
        assert f"รวมข้อมูลที่ยังมีข้อผิดพลาด {n_errors} รายการ — ดูชีตปัญหา" in " ".join(text), sheet
    # กสอ.3: the unknown group and the incomplete round are shown, not dropped
    notes = {(r["รหัสอำเภอ"], r["กลุ่ม"]): r["หมายเหตุ"] for r in ksa3}
    assert "ไม่อยู่ในทะเบียนกลุ่ม" in notes[("5807", "กลุ่มผึ้งพิมพ์ผิด")]
    r5804 = next(r for r in ksa3 if r["รหัสอำเภอ"] == "5804" and r["กลุ่ม"] == "กลุ่มปลูกผักปลอดภัย")
    assert r5804["ระดับครั้งที่ 2"] == "" and r5804["เปลี่ยน (ระดับ)"] == "" and "ครั้งที่ 2" in r5804["หมายเหตุ"]
    # completeness: each kind of district told apart
    status = {r["รหัสอำเภอ"]: r for r in table(out, "ความครบถ้วน", "รหัสอำเภอ")}
    assert {c: r["รหัสสถานะ"] for c, r in status.items()} == {
        "5801": "received_errors", "5802": "missing", "5803": "received_errors", "5804": "received_errors",
        "5805": "empty", "5806": "unusable", "5807": "received_errors"}
    assert status["5806"]["รหัสเหตุผล"] == "FILE_NOT_XLSX"
    # duplicate matching: the valid shared person is listed, the mistyped ID is not
    dups = {r["เลขประจำตัวประชาชน"] for r in table(out, "บุคคลซ้ำ", "เลขประจำตัวประชาชน")}
    assert dups == {mask_id(prov["shared_id"])}
    # the provincial budget and KPI tables add up the same counted districts
    budget = {r["กิจกรรม"]: r for r in table(out, "กสอ.4", "กิจกรรม")}
    assert budget["วัสดุการเกษตรกลุ่มต้นแบบ"]["ใช้จ่าย (บาท)"] == pytest.approx(
        sum(w["b_materials"] for w in want.values()))


def test_exclude_errors_leaves_districts_with_errors_out_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    imperfect_province(folder)
    shutil.copy2(SAMPLES[0], folder / "5801-MueangMaeHongSon-2564.xlsx")  # 5801 clean again
    out = tmp_path / "prov.xlsx"
    result = run("consolidate", str(folder), "-o", str(out), "--exclude-errors", "--json", "--today", "2564-09-30")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["exclude_errors"] is True
    assert data["districts"]["errors"] == ["5803", "5804", "5807"] and data["districts"]["received"] == ["5801"]
    problems = {Path(f["file"]).name[:4]: f["problem"] for f in data["files"]}
    assert problems["5803"]["code"] == "CONSOLIDATE_EXCLUDED_ERRORS" and problems["5803"]["message_en"]
    assert problems["5801"] is None
    by_code, total = _rows(out, "กสอ.1")
    assert set(by_code) == {"5801"} and total["สมาชิก (คน)"] == independent_counts(SAMPLES[0])["members"]
    text = " ".join(str(r[0]) for r in sheet_rows(out, "กสอ.1"))
    assert "ไม่รวมอำเภอที่มีข้อผิดพลาดในยอดรวม" in text and "5803" in text


def test_rule_table_in_the_docs_and_the_catalogue() -> None:
    from kaset_xl.consolidate.core import COUNTING_RULES
    from kaset_xl.issues import catalogue

    readme = (ROOT / "docs" / "consolidation.md").read_text(encoding="utf-8")
    section = readme.split("**What an issue excludes from the totals**")[1].split("\n\n")[1]
    for code in COUNTING_RULES:
        assert code in catalogue(), code
        assert f"| {code} " in section or f"{code}," in section or f", {code}" in section, code


# ---------------------------------------------------------------- issue 12 items 4–8

def test_a_stray_province_and_last_years_workbook_sorted_first_do_not_take_over(samples: Path, tmp_path: Path) -> None:
    build_workbook(samples / "0000-chiangmai.xlsx", district_area("5001"), 2564)
    data = sample_data("5803")
    build_workbook(samples / "0001-pai-last-year.xlsx", district_area("5803"), 2563, data=data)
    out = tmp_path / "prov.xlsx"
    result = run("consolidate", str(samples), "-o", str(out), "--json")
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["province"] == "58" and summary["fiscal_year"] == 2564
    assert summary["districts"]["received"] == ["5801", "5803", "5804", "5807"]
    problems = {Path(f["file"]).name: f["problem"] for f in summary["files"]}
    assert problems["0000-chiangmai.xlsx"]["code"] == "CONSOLIDATE_OTHER_PROVINCE"
    assert problems["0001-pai-last-year.xlsx"]["code"] == "CONSOLIDATE_OTHER_YEAR"
    assert all(p is None for name, p in problems.items() if name[:4] in ("5801", "5803", "5804", "5807"))
    ksa1 = {r["รหัสอำเภอ"] for r in table(out, "กสอ.1", "รหัสอำเภอ")}
    assert {"5801", "5803", "5804", "5807"} <= ksa1


def test_no_clear_province_or_year_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy2(SAMPLES[0], folder / SAMPLES[0].name)
    build_workbook(folder / "5001-chiangmai.xlsx", district_area("5001"), 2564)
    out = tmp_path / "prov.xlsx"
    result = run("consolidate", str(folder), "-o", str(out))
    assert result.exit_code == 2 and not out.exists()
    assert "[CONSOLIDATE_AMBIGUOUS]" in result.output and "--province" in result.output
    assert SAMPLES[0].name in result.output and "5001-chiangmai.xlsx" in result.output  # each file listed
    as_json = run("consolidate", str(folder), "--dry-run", "--json")
    data = json.loads(as_json.stdout)
    assert as_json.exit_code == 2 and data["error"]["code"] == "CONSOLIDATE_AMBIGUOUS" and len(data["files"]) == 2
    chosen = run("consolidate", str(folder), "-o", str(out), "--province", "50")
    assert chosen.exit_code == 1 and out.exists(), chosen.output


def test_two_versions_of_a_district_newer_report_date_wins_over_file_time(samples: Path, tmp_path: Path) -> None:
    import datetime as dt
    import os

    old = sample_data("5803")
    old.info["report_date"] = dt.date(2020, 12, 1)  # the December report…
    stale = samples / "5803-Pai-2564 (1).xlsx"
    build_workbook(stale, district_area("5803"), 2564, data=old)
    new = samples / "5803-Pai-2564.xlsx"
    os.utime(new, (1_600_000_000, 1_600_000_000))  # …re-downloaded today: a newer file time than the June one
    c = consolidate([samples], jobs=1)
    assert [f.name for f in c.used if f.district_code == "5803"] == [new.name]
    why = c.left_out[str(stale)]
    assert why.code == "CONSOLIDATE_DUPLICATE_DISTRICT"
    assert stale.name in why.message_en and new.name in why.message_en and "report date" in why.message_en
    # same report date: the workbook's own last-saved time decides, not the file time
    resaved = samples / "5803-Pai-2564-resaved.xlsx"
    _edit_copy(new, resaved, lambda wb: None)  # openpyxl stamps the save time in the document properties
    os.utime(resaved, (1_500_000_000, 1_500_000_000))
    c = consolidate([samples], jobs=1)
    assert [f.name for f in c.used if f.district_code == "5803"] == [resaved.name]
    assert "saved more recently" in c.left_out[str(new)].message_en


def test_the_same_file_reached_twice_is_one_file(samples: Path, tmp_path: Path) -> None:
    import os

    src = samples / SAMPLES[1].name
    other = tmp_path / "other"
    other.mkdir()
    os.symlink(src, other / "pai-link.xlsx")
    os.link(src, other / "pai-hardlink.xlsx")
    shutil.copy2(src, other / "pai-copy.xlsx")
    c = consolidate([samples, other, src], jobs=1)
    assert [f.name for f in c.used if f.district_code == "5803"] == [src.name]
    assert not any(i.code == "CONSOLIDATE_DUPLICATE_DISTRICT" for i in c.left_out.values())
    assert [Path(p).name for p in c.left_out] == ["pai-copy.xlsx"]
    assert c.left_out[str(other / "pai-copy.xlsx")].code == "CONSOLIDATE_SAME_FILE"
    assert {f.name for f in c.files} == {*(p.name for p in SAMPLES), "pai-copy.xlsx"}  # link and hard link read once
    # a harmless copy needs no attention: it is the only file left out, and not a problem
    full = consolidate([samples, other], jobs=1)
    assert not any(i.code not in ("CONSOLIDATE_SAME_FILE",) for i in full.left_out.values())


def test_an_unreadable_or_vanished_argument_is_reported_and_the_others_processed(
        samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    fifo = tmp_path / "fifo.xlsx"
    os.mkfifo(fifo)  # cannot be read as a file (root reads any permission: a FIFO is unreadable for everybody)
    gone = tmp_path / "gone.xlsx"
    os.symlink(tmp_path / "deleted.xlsx", gone)
    good = str(samples / SAMPLES[0].name)
    out = tmp_path / "prov.xlsx"
    result = run("consolidate", good, str(fifo), str(gone), "-o", str(out), "--json")
    assert result.exit_code == 1 and out.exists(), result.output
    problems = {Path(f["file"]).name: f["problem"] for f in json.loads(result.stdout)["files"]}
    assert problems["fifo.xlsx"]["code"] == "FILE_UNREADABLE" and problems["fifo.xlsx"]["message_th"]
    assert problems["gone.xlsx"]["code"] == "FILE_NOT_FOUND" and problems[SAMPLES[0].name] is None
    validated = run("validate", str(fifo), good)
    assert validated.exit_code == 2 and "[FILE_UNREADABLE]" in validated.output and SAMPLES[0].name in validated.output
    for args in (["score", str(fifo), "-o", str(tmp_path / "s.xlsx")],
                 ["certificate", str(fifo), "-g", "กลุ่ม", "-o", str(tmp_path / "c.xlsx")],
                 ["register", str(fifo), "-g", "กลุ่ม", "-o", str(tmp_path / "r.xlsx")]):
        one = run(*args)
        assert one.exit_code == 2 and "[FILE_UNREADABLE]" in one.output, (args, one.output)
        assert "Traceback" not in one.output and "Usage:" not in one.output
    # a file without read permission: click must not stop the run with an English usage error (as root,
    # permissions do not stop reading: os.access tells click "unreadable", the reader is given the FIFO)
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: Path(path) != fifo)
    for args in (["validate", str(fifo), good], ["consolidate", good, str(fifo), "--dry-run"],
                 ["score", str(fifo)]):
        one = run(*args)
        assert "[FILE_UNREADABLE]" in one.output or "[FILE_NOT_XLSX]" in one.output, (args, one.output)
        assert "Usage:" not in one.output and "not readable" not in one.output, (args, one.output)
    monkeypatch.undo()
    # a folder that cannot be listed: that folder reported, the other inputs consolidated
    locked = tmp_path / "locked"
    locked.mkdir()
    real_iterdir = Path.iterdir

    def iterdir(self: Path) -> Any:
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    result = run("consolidate", str(locked), str(samples), "--dry-run", "--json")
    assert result.exit_code == 1, result.output
    problems = {f["file"]: f["problem"] for f in json.loads(result.stdout)["files"]}
    assert problems[str(locked)]["code"] == "FILE_UNREADABLE"


def test_nothing_usable_lists_each_files_problem_first(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(b"")
    (folder / "b.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    result = run("consolidate", str(folder), "--dry-run")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    first_error = next(i for i, line in enumerate(lines) if "[CONSOLIDATE_NOTHING_USABLE]" in line)
    assert any("a.xlsx" in line and "[FILE_EMPTY]" in line for line in lines[:first_error])
    assert any("b.xlsx" in line and "[FILE_NOT_XLSX]" in line for line in lines[:first_error])
    data = json.loads(run("consolidate", str(folder), "--dry-run", "--json").stdout)
    assert {Path(f["file"]).name: f["problem"]["code"] for f in data["files"]} == {"a.xlsx": "FILE_EMPTY",
                                                                                  "b.xlsx": "FILE_NOT_XLSX"}


def test_today_in_either_era_gives_identical_issues(samples: Path) -> None:
    for cmd in (["validate", "--json", str(samples / SAMPLES[0].name)], ["consolidate", "--json", "--dry-run",
                                                                        str(samples)]):
        be = run(*cmd, "--today", "2564-01-15")
        ce = run(*cmd, "--today", "2021-01-15")
        slash = run(*cmd, "--today", "15/1/2564")
        assert be.exit_code == ce.exit_code == slash.exit_code and be.stdout == ce.stdout == slash.stdout, cmd
        assert "DATE_IN_FUTURE" in be.stdout or "received_errors" in be.stdout  # June reports lie after 15 Jan 2021
    for command in ("validate", "score", "consolidate"):
        assert "--today" in run(command, "--help").output, command


def test_year_must_be_buddhist_era(samples: Path, tmp_path: Path) -> None:
    for args in (["consolidate", str(samples), "--dry-run", "--year", "2021"],
                 ["template", "-p", "58", "-d", "5803", "-y", "2021", "-o", str(tmp_path / "t.xlsx")]):
        result = run(*args)
        assert result.exit_code == 2 and "[FISCAL_YEAR_GREGORIAN]" in result.output and "2564" in result.output
        assert not (tmp_path / "t.xlsx").exists()
    assert run("consolidate", str(samples), "--dry-run", "--year", "2564").exit_code == SAMPLES_EXIT


# ---------------------------------------------------------------- issue 13 item 5: no full citizen ID by default

def test_no_full_citizen_id_in_the_provincial_workbook_or_output(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    prov = imperfect_province(folder)
    # plus MEMBER_NOT_FOUND: a participation row naming a citizen ID that is not in สมาชิก
    data = prov["data"]["5801"]
    stranger = "1101700012344"  # a valid ID of nobody in สมาชิก
    data.tables["participation"].append({**data.tables["participation"][0], "citizen_id": stranger,
                                         "no": len(data.tables["participation"]) + 1})
    build_workbook(folder / prov["names"]["5801"], district_area("5801"), 2564, data=data)
    ids = {prov["bad_id"], prov["shared_id"], stranger,
           *(m["citizen_id"] for m in data.tables["members"][:1])}  # the PERSON_DUPLICATE row's ID
    out = tmp_path / "prov.xlsx"
    text = run("consolidate", str(folder), "-o", str(out), "--today", "2564-09-30")
    as_json = run("consolidate", str(folder), "--dry-run", "--json", "--today", "2564-09-30")
    strict = run("consolidate", str(folder), "--dry-run", "--strict", "--today", "2564-09-30")
    assert text.exit_code == 1 and as_json.exit_code == 1 and strict.exit_code == 2
    codes = {r["รหัสปัญหา"] for r in table(out, "ปัญหา", "รหัสอำเภอ")}
    assert {"CITIZEN_ID_CHECKSUM", "PERSON_DUPLICATE", "MEMBER_NOT_FOUND"} <= codes
    shown = " ".join(str(v) for rows in all_values(out).values() for r in rows for v in r)
    for where, content in (("workbook", shown), ("text", text.output), ("json", as_json.output),
                           ("strict", strict.output)):
        flat = content.replace("-", "").replace(" ", "")
        for cid in ids:
            assert cid not in flat, (where, cid)
        # a file's SHA-256 (ที่มา) may hold 13 digits in a row by chance: it is not an ID
        assert not ID13.search(re.sub(r"\b[0-9a-f]{64}\b", "", content)), where
    full = tmp_path / "full.xlsx"
    assert run("consolidate", str(folder), "-o", str(full), "--full-ids", "--today", "2564-09-30").exit_code == 1
    messages = " ".join(r["รายละเอียด"] for r in table(full, "ปัญหา", "รหัสอำเภอ"))  # the English: --json
    assert stranger in messages and prov["bad_id"] in messages.replace("-", "")
