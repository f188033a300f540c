"""``kaset-xl score`` end to end (issue 3's "done when"): the round trip, and LibreOffice as the oracle.

A Pai (5803) FY2564 workbook is built with hand-made programme rows: a category-1 group (the model group)
with 3ก rounds 1 and 2, 15 Smart Farmer self-assessments, 15 IFPPs, participation 15/10/10 and budget
lines (materials for the model group among them), and a category-2 group with its two 3ก rounds.
Every expected number below was computed by hand from those rows and is written as a literal:

* 3ก (FY2564 default: areas of 30/20/20/20/10 points; ดี ≥ 80, ปานกลาง ≥ 50):
  G1 round 1: 4+4+3+3+4 = 18 | 5+4+3 = 12 | 4+4+3 = 11 | 4+3+3 = 10 | 0.1+0.2 = 0.3 → 51.3 ปานกลาง
  G1 round 2: 6+5+5+5+6 = 27 | 6+6+5 = 17 | 6+6+5 = 17 | 6+5.5+5 = 16.5 | 5+4 = 9 → 86.5 ดี (rose 1 level)
  G2 round 1: 2+2+2+1+1 = 8 | 3+2+2 = 7 | 2+2+1 = 5 | 2+2+2 = 6 | 2+1 = 3 → 29 ปรับปรุง
  G2 round 2: 3.5+3.5+3+3+3 = 16 | 4.5+4+3.5 = 12 | 4+4+3.5 = 11.5 | 4+3.5+3 = 10.5 | 2.5+2 = 4.5 → 54.5 ปานกลาง
* Smart Farmer (12 indicators, income ≥ 180,000): members 1–3 pass all with income 250,000 → ต้นแบบ;
  4–10 pass x.1 of every qualification with income 200,000 → Existing; 11–14 pass everything but earn
  150,000 → Developing; 15 passes only 1.1 → Developing.  G1: 3 / 7 / 5.
* IFPP: 15 plans, member 15's has no contingency plan → 14/15 complete (the one issue: a warning at
  IFPP!B20); profit of member n = (20,000.10 + 10 n) − (12,345.67 + n) = 7,654.43 + 9 n.
* Participation of G1: phase 1 members 1–15, phase 2 members 1–10, seminar members 1–10.  Capability
  answers from members 1–12 (12 evaluated): area 1 12/12 = 100.00 %, area 2 11/12 = 91.67 %,
  area 3 8/12 = 66.67 %, area 4 3/12 = 25.00 %, area 5 1/12 = 8.33 %.  Learning centres: 1 (G1).
* Budget (amount = ROUND(quantity × unit price, 2), halves away from zero):
  phase 1: 15 × 600 = 9,000.00; 30 × 35 = 1,050.00; 2.5 × 10.25 = 25.625 → 25.63 → 10,075.63
  phase 2: 10 × 600 = 6,000.00; 3 × 0.335 = 1.005 → 1.01; 1 × 1.005 → 1.01 → 6,002.02
  materials (G1): 100 × 45.50 = 4,550.00; 1 × 2,450.00 → 7,000.00 (exactly the cap)
  seminar: 10 × 450.75 = 4,507.50
  total 10,075.63 + 6,002.02 + 7,000.00 + 4,507.50 = 27,585.15

Programme sheets have their header on row 5, so data rows start on row 6.  The round trip runs
``kaset-xl score`` through click's CliRunner: exit codes, the result cells, the summary sheet, scoring
twice, the officer's cells and the workbook's structure (protection, validations, names, print titles,
hidden sheets, an .xlsm's VBA project and buttons).  The LibreOffice tests recalculate the scored
workbook through UNO (``tests/lo_recalc.py``, run by the system Python that has ``uno``) and compare every
live formula with the library; one LibreOffice with a private profile serves the whole module.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import subprocess
import uuid
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine as pc
from click.testing import CliRunner, Result
from stdnum.th import pin

from kaset_xl.areas import district_area
from kaset_xl.cli import cli
from kaset_xl.criteria import load_criteria
from kaset_xl.domain.budget import BudgetLine, line_amount
from kaset_xl.scoring import score_book, summary_note_cells
from kaset_xl.validate import validate_file
from kaset_xl.workbook import builder
from kaset_xl.workbook.builder import WorkbookData, build_workbook
from kaset_xl.workbook.layout import build_layout
from kaset_xl.workbook.reader import read_district_workbook
from kaset_xl.workbook.vba import VbaModule, build_vba_project
from support import golden_script

TODAY = dt.date(2026, 1, 15)
DISTRICT = "5803"
YEAR = 2564
CRIT = load_criteria(YEAR)
LAYOUT = build_layout(CRIT)
TAMBONS = district_area(DISTRICT).tambon_names

G1 = "กลุ่มปลูกกาแฟบ้านสันติชล"
G2 = "กลุ่มเลี้ยงผึ้งโพรงแม่นาเติง"
YES, NO = "ใช่", "ไม่ใช่"
SUMMARY = "สรุปผล"
DI, MID, LOW = "ดี", "ปานกลาง", "ปรับปรุง"
SF_MODEL, SF_EXISTING, SF_DEVELOPING = "Smart Farmer ต้นแบบ", "Existing Smart Farmer", "Developing Smart Farmer"
IFPP_OK = "ครบถ้วน"
SELECTED = "ผ่านเกณฑ์"
MEAL_B_FULL = "ค่าอาหาร ฝึกอบรมประเภท ข ครบทุกมื้อ"  # cap 600
MEAL_A_PART = "ค่าอาหาร ฝึกอบรมประเภท ก ไม่ครบทุกมื้อ"  # cap 600
SNACK = "ค่าอาหารว่างและเครื่องดื่ม"  # cap 50
ACT = {"phase1": "เรียนรู้ระยะที่ 1", "phase2": "เรียนรู้ระยะที่ 2", "materials": "วัสดุการเกษตรกลุ่มต้นแบบ",
       "seminar": "สัมมนาเครือข่าย"}

FIRST = ["สมชาย", "บัวคำ", "ประเสริฐ", "มะลิ", "ส่างคำ", "นวลจันทร์", "วิชัย", "สุดา", "คำแสน", "บุษบา",
         "ณรงค์", "อำไพ", "อานนท์", "ผ่องศรี"]
LAST = ["ใจดี", "แสนคำ", "ดอยสูง"]

# 3ก scores in indicator order 1.1–1.5, 2.1–2.3, 3.1–3.3, 4.1–4.3, 5.1–5.2 (see the module docstring)
A_G1_R1 = (4, 4, 3, 3, 4, 5, 4, 3, 4, 4, 3, 4, 3, 3, 0.1, 0.2)
A_G1_R2 = (6, 5, 5, 5, 6, 6, 6, 5, 6, 6, 5, 6, 5.5, 5, 5, 4)
A_G2_R1 = (2, 2, 2, 1, 1, 3, 2, 2, 2, 2, 1, 2, 2, 2, 2, 1)
A_G2_R2 = (3.5, 3.5, 3, 3, 3, 4.5, 4, 3.5, 4, 4, 3.5, 4, 3.5, 3, 2.5, 2)


def citizen_id(n: int) -> str:
    head = f"35803{n:07d}"
    return head + pin.calc_check_digit(head)


def _member(n: int, group: str, role: str) -> dict[str, Any]:
    return {
        "no": n, "group": group, "title": "นาง" if n % 2 == 0 else "นาย",
        "first_name": FIRST[(n - 1) % len(FIRST)], "last_name": LAST[(n - 1) // len(FIRST)],
        "citizen_id": citizen_id(n), "birth_date": dt.date(1960 + n, 1 + n % 12, 1 + n % 28),
        "house_no": str(n), "moo": 1 + n % 9, "tambon": TAMBONS[0], "phone": f"08{n:08d}",
        "farmer_id": f"5803{n:08d}", "role": role, "join_date": dt.date(2016, 5, 1), "consent": YES,
        "main_activity": "ปลูกกาแฟ", "area_rai": float(5 + n), "household_income": float(150_000 + 1000 * n),
    }


def _group(n: int, name: str, count: int) -> dict[str, Any]:
    return {
        "no": n, "name": name, "house_no": str(10 + n), "moo": 3, "tambon": TAMBONS[0], "phone": f"09{n:08d}",
        "established": dt.date(2015, 1, 10), "certificate_no": f"5803/2558/{n:02d}", "member_count": count,
        "community_enterprise": NO, "fund": 50_000.0, "income": 120_000.0, "activities": "ปลูกกาแฟ แปรรูป",
        "main_activity": "ปลูกกาแฟ", "standard": "GAP", "level": MID, "lat": 19.36, "lon": 98.44,
    }


def _assessment(no: int, group: str, rnd: int, date: dt.date, scores: tuple[float, ...]) -> dict[str, Any]:
    keys = [f"a_{i.code.replace('.', '_')}" for i in CRIT.assessment.indicators]
    return {"no": no, "group": group, "round": rnd, "date": date, "assessor": "นายประเมิน ตรวจดี",
            **dict(zip(keys, scores, strict=True))}


def _smart_farmer(n: int) -> dict[str, Any]:
    codes = [i.code for i in CRIT.smart_farmer.indicators]
    if n <= 3:
        passed, income = set(codes), 250_000.0
    elif n <= 10:
        passed, income = {c for c in codes if c.endswith(".1")}, 200_000.0
    elif n <= 14:
        passed, income = set(codes), 150_000.0
    else:
        passed, income = {"1.1"}, 200_000.0
    return {"no": n, "citizen_id": citizen_id(n), "date": dt.date(2020, 12, 1), "income": income,
            **{f"sf_{c.replace('.', '_')}": YES if c in passed else NO for c in codes}}


def _ifpp(n: int) -> dict[str, Any]:
    return {"no": n, "citizen_id": citizen_id(n), "goal": "เพิ่มผลผลิตกาแฟคุณภาพ", "production": "ปลูกกาแฟใต้ร่มไม้",
            "marketing": "ขายผ่านกลุ่ม", "management": "จดบันทึกต้นทุน", "social_env": "ไม่เผาเศษพืช",
            "cost": 12_345.67 + n, "revenue": 20_000.1 + 10 * n,
            "contingency": None if n == 15 else "ปลูกพืชแซม", "linked_activity": "แปรรูปกาแฟคั่ว"}


def _participation(n: int) -> dict[str, Any]:
    row: dict[str, Any] = {"no": n, "citizen_id": citizen_id(n), "phase1": YES, "phase1_date": dt.date(2021, 1, 20)}
    if n <= 10:
        row |= {"phase2": YES, "phase2_date": dt.date(2021, 3, 10), "seminar": YES,
                "seminar_date": dt.date(2021, 5, 5)}
    if n <= 12:  # capability answers: areas 1–5 capable for 12 / 11 / 8 / 3 / 1 of the 12
        row |= {"capable_1": YES, "capable_2": YES if n <= 11 else NO, "capable_3": YES if n <= 8 else NO,
                "capable_4": YES if n <= 3 else NO, "capable_5": YES if n == 1 else NO}
    return row


# (activity, group, item, quantity, unit, unit price) — amounts in the module docstring
BUDGET = [
    ("phase1", None, MEAL_B_FULL, 15, "คน", 600),
    ("phase1", None, SNACK, 30, "คน", 35),
    ("phase1", None, "ค่าวัสดุฝึกอบรม", 2.5, "ชุด", 10.25),
    ("phase2", None, MEAL_B_FULL, 10, "คน", 600),
    ("phase2", None, "ค่าถ่ายเอกสาร", 3, "แผ่น", 0.335),
    ("phase2", None, "ค่าถ่ายเอกสารสี", 1, "แผ่น", 1.005),
    ("materials", G1, "ปุ๋ยอินทรีย์", 100, "กระสอบ", 45.5),
    ("materials", G1, "ต้นพันธุ์กาแฟ", 1, "ชุด", 2450),
    ("seminar", None, MEAL_A_PART, 10, "คน", 450.75),
]


def programme_data() -> WorkbookData:
    members = [_member(n, G1, {1: "ประธาน", 2: "เลขานุการ", 3: "เหรัญญิก"}.get(n, "สมาชิก")) for n in range(1, 17)]
    members += [_member(n, G2, {17: "ประธาน", 18: "เลขานุการ", 19: "เหรัญญิก"}.get(n, "สมาชิก"))
                for n in range(17, 29)]
    selection = [
        {"no": 1, "group": G1, "category": 1, "past_programme_years": "2561, 2562", "past_level": MID,
         "smart_group": NO, "smart_group_model": NO, "learning_centre": YES},
        {"no": 2, "group": G2, "category": 2, "smart_farmer_years": "2562", "past_level": LOW,
         "smart_group": NO, "smart_group_model": NO, "learning_centre": NO},
    ]
    assessment = [
        _assessment(1, G1, 1, dt.date(2020, 11, 10), A_G1_R1),
        _assessment(2, G1, 2, dt.date(2021, 5, 20), A_G1_R2),
        _assessment(3, G2, 1, dt.date(2020, 11, 12), A_G2_R1),
        _assessment(4, G2, 2, dt.date(2021, 5, 21), A_G2_R2),
    ]
    budget = [{"no": i, "activity": ACT[act], "group": grp, "date": dt.date(2021, 1, 20) + dt.timedelta(days=7 * i),
               "item": item, "quantity": q, "unit": unit, "unit_price": p}
              for i, (act, grp, item, q, unit, p) in enumerate(BUDGET, start=1)]
    info = {"office": "สำนักงานเกษตรอำเภอปาย", "officer": "นางสาวสุดา ใจดี", "position": "นักวิชาการส่งเสริมการเกษตร",
            "phone": "053699123", "email": "aedo5803@example.go.th", "report_date": dt.date(2021, 6, 1)}
    return WorkbookData(
        info=info,
        tables={
            "groups": [_group(1, G1, 16), _group(2, G2, 12)], "members": members, "selection": selection,
            "assessment": assessment, "smart_farmer": [_smart_farmer(n) for n in range(1, 16)],
            "ifpp": [_ifpp(n) for n in range(1, 16)], "participation": [_participation(n) for n in range(1, 16)],
            "budget": budget,
        },
        created=dt.datetime(2020, 10, 1, 8, 30),
    )


# ============================================================================== helpers

SHEET_3K, SHEET_SF, SHEET_IFPP = "ประเมิน 3ก", "Smart Farmer", "IFPP"
SHEET_SEL, SHEET_BUDGET = "คัดเลือกกลุ่ม", "งบประมาณ"
GOLDEN = Path(__file__).parent / "golden"
LO_PYTHON = "/usr/bin/python3"
LO_SCRIPT = Path(__file__).with_name("lo_recalc.py")


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "--today", TODAY.isoformat()])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


def _load(path: Path, **kw: Any) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path, **kw)


def grids(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's values as python-calamine reads them (cached values of formula cells included)."""
    book = pc.CalamineWorkbook.from_path(str(path))
    try:
        return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}
    finally:
        book.close()


def issue_keys(path: Path) -> list[tuple[str, str, str | None, str | None, str]]:
    return [(i.code, i.severity.value, i.sheet, i.cell, i.message_en)
            for i in validate_file(path, today=TODAY).issues]


def column(ws: Any, letter: str, first: int, last: int) -> list[Any]:
    return [ws[f"{letter}{r}"].value for r in range(first, last + 1)]


def _blank(v: Any) -> Any:
    return None if v == "" else v


class _VbaWorkbook:
    """XlsxWriter's Workbook, closed with a VBA project and two form buttons (the future .xlsm template)."""

    MODULES = [VbaModule("ThisWorkbook", "document", ""),
               *(VbaModule(f"Sheet{i}", "document", "") for i in range(1, 14)),
               VbaModule("KasetButtons", "standard", 'Sub KasetScore()\n  MsgBox "score"\nEnd Sub\n')]

    @classmethod
    def make(cls) -> tuple[type, bytes]:
        import xlsxwriter

        project = build_vba_project(cls.MODULES)

        class Workbook(xlsxwriter.Workbook):  # type: ignore[misc]
            def close(self) -> None:
                self.add_vba_project(io.BytesIO(project), is_stream=True)
                # a button on the first sheet and one on the summary (2nd VML drawing)
                for ws, cell in ((self.worksheets()[0], "D2"), (self.get_worksheet_by_name(SUMMARY), "H2")):
                    ws.insert_button(cell, {"macro": "KasetScore", "caption": "คำนวณคะแนน", "width": 160,
                                            "height": 36})
                super().close()

        return Workbook, project


# ============================================================================== fixtures


@pytest.fixture(scope="module")
def book_in(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The officer's workbook, never scored."""
    path = tmp_path_factory.mktemp("in") / "5803-Pai-2564.xlsx"
    build_workbook(path, district_area(DISTRICT), YEAR, data=programme_data())
    return path


@pytest.fixture(scope="module")
def scored(book_in: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("out") / "scored.xlsx"
    return out, run("score", str(book_in), "-o", str(out))


@pytest.fixture(scope="module")
def out_wb(scored: tuple[Path, Result]) -> openpyxl.Workbook:
    return _load(scored[0])


@pytest.fixture(scope="module")
def writes(book_in: Path) -> set[tuple[str, str]]:
    """Every cell score may write (result columns over the whole capacity, the summary block)."""
    outcome = score_book(read_district_workbook(book_in), today=TODAY)
    return {(w.sheet, w.cell) for w in outcome.writes}


# ============================================================================== the round trip


def test_score_exits_0_and_leaves_the_input_alone(book_in: Path, scored: tuple[Path, Result],
                                                  tmp_path: Path) -> None:
    out, result = scored
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert sorted(p.name for p in book_in.parent.iterdir()) == [book_in.name]  # nothing written beside it
    fresh = tmp_path / "fresh.xlsx"  # the builder is reproducible: the input is byte for byte as built
    build_workbook(fresh, district_area(DISTRICT), YEAR, data=programme_data())
    assert book_in.read_bytes() == fresh.read_bytes()
    assert [(c, s, cell) for c, _sev, s, cell, _m in issue_keys(book_in)] == [("IFPP_INCOMPLETE", SHEET_IFPP, "B20")]


def test_scored_workbook_reads_and_validates_as_before(book_in: Path, scored: tuple[Path, Result]) -> None:
    out, _ = scored
    assert issue_keys(out) == issue_keys(book_in)
    before, after = read_district_workbook(book_in), read_district_workbook(out)
    assert after.rows == before.rows  # every typed input value of every table, with its row
    assert after.info == before.info and after.identity == before.identity
    assert after.columns == before.columns and after.issues == before.issues


def test_result_columns_hold_the_library_values(out_wb: openpyxl.Workbook) -> None:
    assert (LAYOUT.table("assessment").letter("level"), LAYOUT.table("smart_farmer").letter("sf_class"),
            LAYOUT.table("ifpp").letter("status"), LAYOUT.table("selection").letter("result")) == ("AB", "R", "N", "J")
    assert column(out_wb[SHEET_3K], "AB", 6, 10) == [MID, DI, LOW, MID, None]
    assert column(out_wb[SHEET_SF], "R", 6, 21) == [SF_MODEL] * 3 + [SF_EXISTING] * 7 + [SF_DEVELOPING] * 5 + [None]
    assert column(out_wb[SHEET_IFPP], "N", 6, 21) == [IFPP_OK] * 14 + ["ขาด: แผนสำรอง", None]
    assert column(out_wb[SHEET_SEL], "J", 6, 8) == [SELECTED, SELECTED, None]


# rows of the summary sheet written by score (SUMMARY_FIRST_ROW = 5): numbers by hand, see the docstring
GROUP_ROWS = {  # 1. selection and 3ก; 2. participants, Smart Farmer, IFPP, materials (one page wide: two tables)
    9: [G1, 1, "ผ่าน", 51.3, MID, 86.5, DI, 1, "บรรลุ"],
    10: [G2, 2, "ผ่าน", 29, LOW, 54.5, MID, 1, "บรรลุ"],
    14: [G1, 15, 10, 10, 3, 7, 5, "14/15", 7000, "ใช่"],
    15: [G2, 0, 0, 0, 0, 0, 0, "0/0", 0, None],
}
SUBTOTAL_ROWS = {  # group, round, areas 1–5, total, level
    19: [G1, 1, 18, 12, 11, 10, 0.3, 51.3, MID],
    20: [G1, 2, 27, 17, 17, 16.5, 9, 86.5, DI],
    21: [G2, 1, 8, 7, 5, 6, 3, 29, LOW],
    22: [G2, 2, 16, 12, 11.5, 10.5, 4.5, 54.5, MID],
}
KPI_ROWS = {26: (100, 12), 27: (91.67, 11), 28: (66.67, 8), 29: (25, 3), 30: (8.33, 1), 31: (None, 12),
            32: (None, 1)}  # percent, people; 31: members evaluated, 32: learning centres
BUDGET_ROWS = {36: (ACT["phase1"], 10_075.63), 37: (ACT["phase2"], 6_002.02), 38: (ACT["materials"], 7_000),
               39: (ACT["seminar"], 4_507.5), 40: ("รวม", 27_585.15)}


def test_summary_sheet_holds_totals_levels_kpis_and_budget(out_wb: openpyxl.Workbook) -> None:
    ws = out_wb[SUMMARY]
    row = lambda r, width=18: [_blank(ws.cell(r, c).value) for c in range(1, width + 1)]  # noqa: E731
    assert row(5)[0] == "เกณฑ์: fy2564.toml — เกณฑ์ชั่วคราว (provisional)"
    for r, want in GROUP_ROWS.items():
        assert row(r) == want + [None] * (18 - len(want)), r
    for r, want in SUBTOTAL_ROWS.items():
        assert row(r) == want + [None] * 9, r
    for r, (percent, people) in KPI_ROWS.items():
        assert row(r)[1:3] == [percent, people], r
    for r, (activity, amount) in BUDGET_ROWS.items():
        assert row(r)[:2] == [activity, amount], r
    # section titles and headers between; nothing in the rest of the block score owns (rows 5–404)
    filled = [r for r in range(5, 405) if any(v is not None for v in row(r))]
    assert filled == [5, 7, 8, 9, 10, 12, 13, 14, 15, 17, 18, *range(19, 23), 24, 25, *range(26, 33), 34, 35,
                      *range(36, 41)]


def test_score_json(book_in: Path, tmp_path: Path) -> None:
    result = run("score", str(book_in), "-o", str(tmp_path / "out.xlsx"), "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) >= {"groups", "kpi", "budget", "issues"}
    g1, g2 = data["groups"]
    assert g1 == {"name": G1, "category": 1, "eligible": True, "round1": 51.3, "round1_level": MID, "round2": 86.5,
                  "round2_level": DI, "level_change": 1, "goal_met": True, "phase1": 15, "phase2": 10, "seminar": 10,
                  "smart_farmer": {SF_MODEL: 3, SF_EXISTING: 7, SF_DEVELOPING: 5}, "materials": 7000.0, "model": True}
    assert (g2["name"], g2["round1"], g2["round1_level"], g2["round2"], g2["round2_level"], g2["model"]) == (
        G2, 29.0, LOW, 54.5, MID, False)
    assert data["kpi"] == {"percent": [100.0, 91.67, 66.67, 25.0, 8.33], "evaluated": 12, "learning_centres": 1}
    assert data["budget"] == {"by_activity": {"phase1": 10_075.63, "phase2": 6_002.02, "materials": 7_000.0,
                                              "seminar": 4_507.5}, "total": 27_585.15}
    assert [(i["code"], i["sheet"], i["cell"]) for i in data["issues"]] == [("IFPP_INCOMPLETE", SHEET_IFPP, "B20")]


def test_scoring_twice_gives_the_same_values(scored: tuple[Path, Result], tmp_path: Path) -> None:
    out, _ = scored
    again = tmp_path / "scored-again.xlsx"
    assert run("score", str(out), "-o", str(again)).exit_code == 0
    first, second = grids(out), grids(again)
    assert list(first) == list(second) == list(LAYOUT.sheet_order)
    for name in first:
        assert first[name] == second[name], name
    a, b = _load(out), _load(again)
    for ws in a.worksheets:  # formulas too (calamine sees no cached values in openpyxl's output)
        assert [[c.value for c in r] for r in ws.iter_rows()] == [[c.value for c in r] for r in b[ws.title].iter_rows()]


def test_rescoring_after_a_row_is_cleared_leaves_no_stale_results(scored: tuple[Path, Result],
                                                                     tmp_path: Path) -> None:
    edited, again = tmp_path / "edited.xlsx", tmp_path / "again.xlsx"
    wb = _load(scored[0])
    for c in range(2, 22):  # the officer clears G2's round-2 row (B9:U9): group, round, date, …, 5.2
        wb[SHEET_3K].cell(9, c).value = None
    wb.save(edited)
    assert run("score", str(edited), "-o", str(again)).exit_code == 0
    ws = _load(again)[SUMMARY]
    assert _load(again)[SHEET_3K]["AB9"].value is None
    row = lambda r: [_blank(ws.cell(r, c).value) for c in range(1, 19)]  # noqa: E731
    assert row(10)[:9] == [G2, 2, "ผ่าน", 29, LOW, None, None, None, None]
    assert [row(r)[:2] for r in (19, 20, 21)] == [[G1, 1], [G1, 2], [G2, 1]]
    filled = [r for r in range(5, 405) if any(v is not None for v in row(r))]
    assert filled == [5, 7, 8, 9, 10, 12, 13, 14, 15, 17, 18, *range(19, 22), 23, 24, *range(25, 32), 33, 34,
                      *range(35, 40)]
    assert row(39)[:2] == ["รวม", 27_585.15]


def test_only_the_programs_cells_change(book_in: Path, out_wb: openpyxl.Workbook, writes: set[tuple[str, str]]) -> None:
    before = _load(book_in)
    assert before.sheetnames == out_wb.sheetnames
    for ws in before.worksheets:
        after = out_wb[ws.title]
        cells = {c.coordinate for r in ws.iter_rows() for c in r} | {c.coordinate for r in after.iter_rows() for c in r}
        for coord in sorted(cells):
            if (ws.title, coord) in writes:
                continue
            x, y = ws[coord], after[coord]
            assert (x.value, x.number_format, x.protection.locked) == (y.value, y.number_format, y.protection.locked), (
                ws.title, coord)
    # the writes are the result columns, the live formulas of the rows in use (issue 17) and the summary block
    # only: nothing of the officer's is in them
    tables = {t.sheet: t for t in LAYOUT.tables}
    for sheet, coord in writes:
        if sheet == SUMMARY:
            continue
        letter = re.match(r"[A-Z]+", coord).group(0)  # type: ignore[union-attr]
        key = next(c.key for c in tables[sheet].columns if tables[sheet].letter(c.key) == letter)
        assert tables[sheet].column(key).computed in ("result", "formula"), (sheet, coord)


def _validations(ws: Any) -> list[tuple[Any, ...]]:
    return sorted((str(d.sqref), d.type, d.formula1, d.formula2, d.operator, d.errorStyle, d.allow_blank,
                   d.showInputMessage, d.showErrorMessage, d.promptTitle, d.prompt, d.errorTitle, d.error)
                  for d in ws.data_validations.dataValidation)


def _protection(ws: Any) -> dict[str, Any]:
    p = ws.protection
    return {k: getattr(p, k) for k in ("sheet", "objects", "scenarios", "formatCells", "formatColumns", "formatRows",
                                       "insertColumns", "insertRows", "insertHyperlinks", "deleteColumns",
                                       "deleteRows", "selectLockedCells", "selectUnlockedCells", "sort",
                                       "autoFilter", "pivotTables", "password")}


def test_structure_is_preserved(book_in: Path, scored: tuple[Path, Result], out_wb: openpyxl.Workbook) -> None:
    before = _load(book_in)
    names = lambda wb: {k: v.attr_text for k, v in wb.defined_names.items()}  # noqa: E731
    assert names(out_wb) == names(before) and "list_group" in names(before)
    hidden = {ws.title: ws.sheet_state for ws in out_wb.worksheets if ws.sheet_state != "visible"}
    assert hidden == {"รายการ": "hidden", "_kaset": "veryHidden"}
    for ws in before.worksheets:
        after = out_wb[ws.title]
        assert after.sheet_state == ws.sheet_state, ws.title
        assert _protection(after) == _protection(ws) and ws.protection.sheet, ws.title
        assert _validations(after) == _validations(ws), ws.title
        assert (after.print_title_rows, after.print_area, after.freeze_panes, after.auto_filter.ref) == (
            ws.print_title_rows, ws.print_area, ws.freeze_panes, ws.auto_filter.ref), ws.title
        assert sorted(map(str, after.merged_cells.ranges)) == sorted(map(str, ws.merged_cells.ranges)), ws.title
        assert {k: d.width for k, d in after.column_dimensions.items()} == {
            k: d.width for k, d in ws.column_dimensions.items()}, ws.title
    assert len(_validations(before[SHEET_3K])) > 0 and before[SHEET_3K].print_title_rows == "$1:$5"
    with zipfile.ZipFile(scored[0]) as zf:  # Excel recomputes the live totals when the file is opened
        assert re.search(r'<calcPr[^>]*fullCalcOnLoad="1"', zf.read("xl/workbook.xml").decode())


def test_xlsm_keeps_its_vba_project_and_buttons(tmp_path: Path) -> None:
    workbook_cls, project = _VbaWorkbook.make()
    src, out = tmp_path / "5803-Pai-2564.xlsm", tmp_path / "scored.xlsm"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(builder.xlsxwriter, "Workbook", workbook_cls)
        build_workbook(src, district_area(DISTRICT), YEAR, data=programme_data())
    with zipfile.ZipFile(src) as zf:
        assert zf.read("xl/vbaProject.bin") == project  # the test's premise
    assert run("score", str(src), "-o", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as zf:
        assert zf.read("xl/vbaProject.bin") == project
        types = zf.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
        assert "application/vnd.ms-office.vbaProject" in types
        summary = LAYOUT.sheet_order.index(SUMMARY) + 1  # the button sheets: the first and the summary
        for sheet in (1, summary):  # both buttons are still drawn and still bound to the macro
            rels = zf.read(f"xl/worksheets/_rels/sheet{sheet}.xml.rels").decode()
            vml = re.search(r'Target="/?(xl/drawings/vmlDrawing\d+\.vml)"', rels)
            assert vml is not None, rels
            assert "KasetScore" in zf.read(vml.group(1)).decode()
            assert "<legacyDrawing" in zf.read(f"xl/worksheets/sheet{sheet}.xml").decode()
    before, after = _load(src, keep_vba=True), _load(out, keep_vba=True)
    assert [ws.sheet_properties.codeName for ws in after.worksheets] == [
        ws.sheet_properties.codeName for ws in before.worksheets] == [
        f"Sheet{i}" for i in range(1, len(LAYOUT.sheet_order) + 1)]
    assert after[SHEET_3K]["AB6"].value == MID
    assert issue_keys(out) == issue_keys(src)


def test_score_without_output_writes_into_the_file_atomically(book_in: Path, tmp_path: Path) -> None:
    target = tmp_path / "pai.xlsx"
    shutil.copyfile(book_in, target)
    assert run("score", str(target)).exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["pai.xlsx"]  # no temporary file left behind
    wb = _load(target)
    assert column(wb[SHEET_3K], "AB", 6, 9) == [MID, DI, LOW, MID]
    assert wb[SUMMARY]["B40"].value == 27_585.15
    assert issue_keys(target) == issue_keys(book_in)


def test_score_never_replaces_another_file_without_force(book_in: Path, tmp_path: Path) -> None:
    """-o naming an existing file: OUTPUT_EXISTS (exit 2, the file untouched) unless --force; -o naming
    FILE itself is scoring into FILE, as without -o."""
    target = tmp_path / "pai.xlsx"
    shutil.copyfile(book_in, target)
    other = tmp_path / "งานอื่น.xlsx"
    other.write_bytes(b"someone's work")
    result = run("score", str(target), "-o", str(other))
    assert result.exit_code == 2 and "[OUTPUT_EXISTS]" in result.output
    assert other.read_bytes() == b"someone's work"
    assert target.read_bytes() == book_in.read_bytes()
    assert run("score", str(target), "-o", str(other), "--force").exit_code == 0
    assert column(_load(other)[SHEET_3K], "AB", 6, 9) == [MID, DI, LOW, MID]
    assert run("score", str(target), "-o", str(target)).exit_code == 0
    assert column(_load(target)[SHEET_3K], "AB", 6, 9) == [MID, DI, LOW, MID]


def test_score_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("score", str(tmp_path / "nope.xlsx"), "-o", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 2
    assert "[FILE_NOT_FOUND]" in result.output
    assert list(tmp_path.iterdir()) == []


# ============================================================================== the bad programme golden


def _golden_script() -> Any:
    return golden_script("make_golden_programme")


def _programme_codes() -> set[str]:
    """The codes of messages.toml's "programme sheets" section that a workbook can hold (not fatal)."""
    text = (Path(__file__).parent.parent / "kaset_xl" / "messages.toml").read_text(encoding="utf-8")
    section = text.split("programme sheets", 1)[1].split("\n# ----", 1)[0]
    codes = set()
    for code, body in re.findall(r"^\[([A-Z0-9_]+)\]\n(.*?)(?=^\[|\Z)", section, flags=re.M | re.S):
        if 'severity = "fatal"' not in body:
            codes.add(code)
    return codes


def test_bad_programme_plants_every_programme_code() -> None:
    planted = json.loads((GOLDEN / "bad-programme.expected.json").read_text(encoding="utf-8"))
    codes = {e["code"] for e in planted}
    wanted = _programme_codes()
    assert len(wanted) >= 26
    assert wanted <= codes, sorted(wanted - codes)
    assert {e["sheet"] for e in planted if e["code"] == "CHOICE_NOT_ALLOWED"} >= {SHEET_SEL, SHEET_3K}
    assert _golden_script().TODAY == TODAY


def test_bad_programme_golden_is_what_the_script_makes(tmp_path: Path) -> None:
    (made,) = _golden_script().make_golden_programme(tmp_path)
    assert made.name == "bad-programme.xlsx"
    assert grids(made) == grids(GOLDEN / made.name), "run tests/golden/make_golden_programme.py"
    assert (tmp_path / "bad-programme.expected.json").read_text(encoding="utf-8") == (
        GOLDEN / "bad-programme.expected.json").read_text(encoding="utf-8")


def test_scoring_the_bad_programme(tmp_path: Path) -> None:
    src, out = GOLDEN / "bad-programme.xlsx", tmp_path / "bad-scored.xlsx"
    result = run("score", str(src), "-o", str(out))
    assert result.exit_code == 1  # errors found; the results are written all the same
    outcome = score_book(read_district_workbook(src), today=TODAY)
    assert {row: e.reasons for row, e in outcome.result.selection.items()} == {
        6: (), 7: (),
        8: ("SELECTION_NOT_PAST_PROGRAMME", "SELECTION_ALREADY_SMART_GROUP", "SELECTION_LEVEL_TOO_LOW"),
        9: ("SELECTION_LEVEL_MISSING",), 10: ("SELECTION_CATEGORY2_SOURCE",), 11: ("SELECTION_CATEGORY_MISSING",),
    }  # row 12 repeats row 7's group: not evaluated
    wb = _load(out)
    cells = column(wb[SHEET_SEL], "J", 6, 12)
    assert cells[:2] == [SELECTED, SELECTED] and cells[6] is None
    assert all(c.startswith("ไม่ผ่าน") for c in cells[2:6])
    assert model_group_materials(wb) == (G1_BAD, 7_000.01)
    assert issue_keys(out) == issue_keys(src)


G1_BAD = "กลุ่มปลูกกาแฟบ้านสันติชล"


def model_group_materials(wb: openpyxl.Workbook) -> tuple[str, float]:
    """The summary's model group and its materials (columns A and I of section 2's per-group rows; J: ใช่)."""
    ws = wb[SUMMARY]
    rows = [r for r in range(9, 40) if ws[f"J{r}"].value == "ใช่"]
    assert len(rows) == 1
    return ws[f"A{rows[0]}"].value, ws[f"I{rows[0]}"].value


def test_score_keeps_the_merged_title_cells_styled(scored: tuple[Path, Result], out_wb: openpyxl.Workbook) -> None:
    """Every cell a merged title covers is saved with the title's style: openpyxl leaves unstyled merged cells out
    of the file, and Excel and LibreOffice then give them their column's, whose borders drew a line across the
    title (``editing.keep_merged_styles``)."""
    with zipfile.ZipFile(scored[0]) as z:
        names = {ws.title: f"xl/worksheets/sheet{i}.xml" for i, ws in enumerate(out_wb.worksheets, start=1)}
        for ws in out_wb.worksheets:
            xml = z.read(names[ws.title]).decode()
            styles = dict(re.findall(r'<c r="([A-Z]+[0-9]+)"[^>]*? s="([0-9]+)"', xml))
            for m in ws.merged_cells.ranges:
                if m.min_row > 3:
                    continue
                cells = [f"{openpyxl.utils.get_column_letter(c)}{r}" for r in range(m.min_row, m.max_row + 1)
                         for c in range(m.min_col, m.max_col + 1)]
                assert {styles.get(c) for c in cells} == {styles[cells[0]]}, f"{ws.title}!{m}"


def test_summary_drops_the_not_computed_note(book_in: Path, out_wb: openpyxl.Workbook) -> None:
    notes = [_load(book_in)[SUMMARY][cell].value for cell in summary_note_cells()]
    assert all(note and "not computed yet" in note for note in notes)  # the template's note, on each page
    assert all("not computed yet" not in str(c.value) for r in out_wb[SUMMARY].iter_rows() for c in r)


# ============================================================================== LibreOffice as the oracle


@dataclass(frozen=True)
class LibreOffice:
    """A headless LibreOffice listening on a pipe; ``recalc`` runs tests/lo_recalc.py against it."""

    pipe: str

    def recalc(self, path: Path, *ranges: str) -> dict[str, list[list[Any]]]:
        proc = subprocess.run([LO_PYTHON, str(LO_SCRIPT), "--pipe", self.pipe, "--timeout", "90", str(path), *ranges],
                              capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert out["errors"] == {}, f"formula errors in LibreOffice: {out['errors']}"
        return out["values"]


def _lo_unavailable(reason: str) -> None:
    if os.environ.get("KASET_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(f"KASET_REQUIRE_LIBREOFFICE=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def libreoffice(soffice: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibreOffice]:
    """One LibreOffice for the module, with its own private profile (not the session's conversion profile)."""
    if not Path(LO_PYTHON).is_file() or subprocess.run([LO_PYTHON, "-c", "import uno"],
                                                       capture_output=True).returncode != 0:
        _lo_unavailable(f"{LO_PYTHON} cannot import uno (apt-get install python3-uno)")
    pipe = f"kaset_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    profile = tmp_path_factory.mktemp("lo-uno") / "profile"
    cmd = [soffice.binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
           "--nologo", "--nodefault", "--nolockcheck", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        yield LibreOffice(pipe)
    finally:
        subprocess.run([LO_PYTHON, str(LO_SCRIPT), "--pipe", pipe, "--terminate", "--timeout", "5"],
                       capture_output=True, timeout=60)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # only the LibreOffice this fixture started (its own session)
            proc.wait()


def _check_formulas(lo: LibreOffice, path: Path) -> tuple[Any, dict[str, list[list[Any]]]]:
    """Recalculate ``path`` and compare every live formula cell with the library's numbers."""
    book = read_district_workbook(path)
    result = score_book(book, today=TODAY).result
    past = {t: max(r["row"] for r in book.table_rows(t)) + 1 for t in ("assessment", "ifpp", "budget")}
    a_range = f"{SHEET_3K}!V6:AA{past['assessment']}"  # areas 1–5 and the total, down to a row past the data
    i_range = f"{SHEET_IFPP}!K6:K{past['ifpp']}"
    b_range = f"{SHEET_BUDGET}!I6:I{past['budget']}"
    values = lo.recalc(path, a_range, i_range, b_range)
    grid = values[a_range]
    assert grid[-1] == [""] * 6  # an empty row shows nothing
    for a in result.assessments:
        want = [a.score.areas[x.code] for x in CRIT.assessment.areas] + [a.score.total]
        assert grid[a.row - 6] == pytest.approx(want, abs=1e-9), a.row
    profits = [r[0] for r in values[i_range]]
    assert profits[-1] == ""
    for row, status in result.ifpp.items():  # no profit where cost or revenue is blank: the cell shows ""
        want = "" if status.profit is None else pytest.approx(status.profit, abs=1e-9)
        assert profits[row - 6] == want, row
    amounts = [r[0] for r in values[b_range]]
    assert amounts[-1] == ""
    for r in book.table_rows("budget"):
        line = BudgetLine(key=r["row"], activity=None, item=r["item"], quantity=r["quantity"],
                          unit_price=r["unit_price"])
        assert amounts[r["row"] - 6] == line_amount(line), r["row"]  # both round to cents: the same double
    return result, values


@pytest.mark.libreoffice
def test_live_formulas_agree_with_the_library(libreoffice: LibreOffice, scored: tuple[Path, Result]) -> None:
    result, values = _check_formulas(libreoffice, scored[0])
    assert sorted(a.row for a in result.assessments) == [6, 7, 8, 9]
    assert values[f"{SHEET_3K}!V6:AA10"][:4] == [pytest.approx(r[2:8], abs=1e-9) for r in SUBTOTAL_ROWS.values()]
    assert [r[0] for r in values[f"{SHEET_IFPP}!K6:K21"][:15]] == pytest.approx(
        [7_654.43 + 9 * n for n in range(1, 16)], abs=1e-9)
    # by hand; 25.625, 1.005 (3 × 0.335) and 1.005 are half-cent cases: ROUND takes them away from zero
    assert [r[0] for r in values[f"{SHEET_BUDGET}!I6:I15"]] == [
        9_000, 1_050, 25.63, 6_000, 1.01, 1.01, 4_550, 2_450, 4_507.5, ""]


@pytest.mark.libreoffice
def test_live_formulas_agree_on_the_bad_programme(libreoffice: LibreOffice) -> None:
    # repeated and round-3 rows are left to the formulas alone; an incomplete row sums what is given
    result, values = _check_formulas(libreoffice, GOLDEN / "bad-programme.xlsx")
    assert len(result.assessments) == 9  # 11 rows: one repeats a round, one is round 3
    assert [r[0] for r in values[f"{SHEET_BUDGET}!I6:I12"]] == [9_750, 1_050, 4_000, 3_000.01, 500, 300, ""]


SAMPLES = sorted((Path(__file__).parent.parent / "workbooks").glob("*.xlsx"))


@pytest.mark.libreoffice
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_live_formulas_agree_on_the_samples(libreoffice: LibreOffice, sample: Path, tmp_path: Path) -> None:
    out = tmp_path / sample.name
    assert run("score", str(sample), "-o", str(out)).exit_code == 0
    result, _ = _check_formulas(libreoffice, out)
    assert result.assessments and result.ifpp and result.budget.total > 0


# ============================================================================== the shipped samples

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "workbooks").glob("*.xlsx"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_scoring_a_sample_twice_changes_nothing_more(sample: Path, tmp_path: Path) -> None:
    import python_calamine

    from kaset_xl.scoring import score_file

    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    first = score_file(sample, once)
    second = score_file(once, twice)
    assert [i.code for i in first.issues] == [] and [i.code for i in second.issues] == []

    def values(path: Path) -> dict[str, list[list[object]]]:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}

    assert values(once) == values(twice)
    # The sample's programme is in the summary: every selected group went through and rose a level.
    groups = [g for g in first.result.groups if g.category is not None]
    assert len(groups) == 1 and groups[0].change is not None and groups[0].change.met
    assert (groups[0].counts.phase1, groups[0].counts.phase2, groups[0].counts.seminar) == (15, 10, 10)
