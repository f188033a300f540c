"""Write ``bad-programme.xlsx`` and, beside it, the issues it must give (``bad-programme.expected.json``).

    python tests/golden/make_golden_programme.py          # rewrites the committed golden here
    make_golden_programme(folder)                          # the same files into another folder

A Pai (5803) FY2564 workbook whose registry is clean (7 groups, 78 members) and whose programme sheets
carry at least one planted problem of every programme code of ``kaset_xl/messages.toml`` that a workbook
can hold, each at a known cell.  Validated with ``today = TODAY``.

The expected file is the plan, written here by hand next to each planted value — not the validator's
output.  Each entry is one planted problem (code, sheet, cell) that must be reported exactly once, and
nothing else may be reported.  PHASE_COUNT_OFF_TARGET is planted twice (two groups, two cells).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # this folder is not a package

from golden_common import CREATED, GOLDEN_DIR, TODAY, Expected, Plan, Row, write_golden  # noqa: E402
from golden_common import citizen_id as _person_id  # noqa: E402
from kaset_xl.workbook.builder import WorkbookData  # noqa: E402

__all__ = ["TODAY", "NAME", "make_golden_programme", "bad_programme"]

NAME = "bad-programme"
DISTRICT = "5803"

# Sheet names and first data rows as the officer sees them (written out, not taken from the layout).
GROUPS = "ทะเบียนกลุ่ม"  # data from row 5
SELECTION = "คัดเลือกกลุ่ม"  # data from row 6 (programme sheets: header on row 5)
ASSESSMENT = "ประเมิน 3ก"
SMART_FARMER = "Smart Farmer"
IFPP = "IFPP"
PARTICIPATION = "การเข้าร่วม"
BUDGET = "งบประมาณ"
REGISTRY_FIRST_ROW = 5
PROGRAMME_FIRST_ROW = 6

YES, NO = "ใช่", "ไม่ใช่"
MID, LOW, GOOD = "ปานกลาง", "ปรับปรุง", "ดี"
PAI_TAMBON = "เวียงใต้"
MEAL_B_FULL = "ค่าอาหาร ฝึกอบรมประเภท ข ครบทุกมื้อ"  # cap 600 baht/person/day, valid 2013–2099
SNACK = "ค่าอาหารว่างและเครื่องดื่ม"  # cap 50 baht/person/meal, valid 2013–2099
PHASE1, MATERIALS = "เรียนรู้ระยะที่ 1", "วัสดุการเกษตรกลุ่มต้นแบบ"

GROUP_NAMES = [
    "กลุ่มปลูกกาแฟบ้านสันติชล",      # G1: category 1, the model group
    "กลุ่มเลี้ยงผึ้งโพรงแม่นาเติง",    # G2: category 2
    "กลุ่มปลูกกระเทียมเวียงเหนือ",   # G3: category 1, not eligible three ways
    "กลุ่มผลิตข้าวอินทรีย์ทุ่งยาว",    # G4: category 1, no last level
    "กลุ่มปลูกผักปลอดภัยแม่ฮี้",      # G5: category 2, not eligible
    "กลุ่มแปรรูปงาขี้ม้อนโป่งสา",     # G6: category "3"
    "กลุ่มเลี้ยงโคเนื้อเมืองแปง",      # G7: not selected at all
]
G1, G2, G3, G4, G5, G6, G7 = GROUP_NAMES
G1_MEMBERS = 18
OTHER_MEMBERS = 10

FIRST = ["สมชาย", "บัวคำ", "ประเสริฐ", "มะลิ", "ส่างคำ", "นวลจันทร์", "วิชัย", "สุดา", "คำแสน", "บุษบา",
         "ณรงค์", "อำไพ", "อานนท์", "ผ่องศรี"]
LAST = ["ใจดี", "แสนคำ", "ดอยสูง", "คำแก้ว", "ไตรรัตน์", "จันทร์หอม"]

# 3ก indicators 1.1–1.5, 2.1–2.3, 3.1–3.3, 4.1–4.3, 5.1–5.2 (FY2564: 30/20/20/20/10 points)
A_CODES = ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3",
           "5.1", "5.2"]
SCORES_30 = (2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0)  # 30 ปรับปรุง
SCORES_55 = (4, 4, 4, 4, 3, 4, 3, 3, 4, 4, 3, 4, 3, 3, 2, 3)  # 55 ปานกลาง
SCORES_60 = (4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 2, 2)  # 60 ปานกลาง
SCORES_65 = (5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4)  # 65 ปานกลาง
SCORES_85 = (6, 6, 5, 5, 5, 6, 6, 5, 6, 6, 5, 6, 5, 5, 4, 4)  # 85 ดี
SF_CODES = ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "5.1", "5.2", "6.1", "6.2"]



def citizen_id(n: int) -> str:
    return _person_id(n, "3")


class _Plan(Plan):
    first_rows = {"groups": REGISTRY_FIRST_ROW, "members": REGISTRY_FIRST_ROW}
    default_first_row = PROGRAMME_FIRST_ROW


def _group(name: str, count: int) -> Row:
    n = GROUP_NAMES.index(name) + 1  # a certificate number names one group in the district
    return {"name": name, "house_no": "12", "moo": 3, "tambon": PAI_TAMBON, "phone": "0912345678",
            "established": dt.date(2015, 1, 10), "certificate_no": f"5803/2558/{n:02d}", "member_count": count,
            "community_enterprise": NO, "fund": 50_000.0, "income": 120_000.0, "activities": "ปลูกพืช แปรรูป",
            "main_activity": "ปลูกพืช", "standard": "GAP", "level": MID, "lat": 19.36, "lon": 98.44}


def _member(n: int, group: str, role: str) -> Row:
    return {"group": group, "title": "นาง" if n % 2 == 0 else "นาย", "first_name": FIRST[n % len(FIRST)],
            "last_name": LAST[n // len(FIRST)], "citizen_id": citizen_id(n),
            "birth_date": dt.date(1960 + n % 35, 1 + n % 12, 1 + n % 28), "house_no": str(n), "moo": 1 + n % 9,
            "tambon": PAI_TAMBON, "phone": f"08{n:08d}", "farmer_id": f"5803{n:08d}", "role": role,
            "join_date": dt.date(2016, 5, 1), "consent": YES, "main_activity": "ปลูกพืช", "area_rai": 5.0,
            "household_income": 150_000.0}


def _assessment(group: str, rnd: object, date: dt.date, scores: tuple[float | None, ...]) -> Row:
    return {"group": group, "round": rnd, "date": date, "assessor": "นายประเมิน ตรวจดี",
            **{f"a_{c.replace('.', '_')}": s for c, s in zip(A_CODES, scores, strict=True)}}


def _sf(cid: str, passed: set[str], income: float = 200_000.0, blank: str | None = None) -> Row:
    return {"citizen_id": cid, "date": dt.date(2020, 12, 1), "income": income,
            **{f"sf_{c.replace('.', '_')}": None if c == blank else (YES if c in passed else NO) for c in SF_CODES}}


def _ifpp(cid: str, **over: Any) -> Row:
    return {"citizen_id": cid, "goal": "เพิ่มผลผลิต", "production": "ปลูกตามฤดูกาล", "marketing": "ขายผ่านกลุ่ม",
            "management": "จดบันทึก", "social_env": "ไม่เผา", "cost": 10_000.0, "revenue": 18_000.0,
            "contingency": "ปลูกพืชแซม", "linked_activity": "แปรรูป"} | over


def bad_programme() -> tuple[WorkbookData, Expected]:
    p = _Plan()

    # ---------------------------------------------------------------- registry (clean)
    members: dict[str, list[str]] = {}
    n = 0
    for g in GROUP_NAMES:
        count = G1_MEMBERS if g == G1 else OTHER_MEMBERS
        p.add("groups", _group(g, count))
        for i in range(count):
            n += 1
            p.add("members", _member(n, g, {0: "ประธาน", 1: "เลขานุการ", 2: "เหรัญญิก"}.get(i, "สมาชิก")))
            members.setdefault(g, []).append(citizen_id(n))
    registry_row = {g: REGISTRY_FIRST_ROW + i for i, g in enumerate(GROUP_NAMES)}
    m = members[G1]  # m[0] … m[17]: the model group's members
    passed_all = set(SF_CODES)
    passed_one_each = {c for c in SF_CODES if c.endswith(".1")}  # Existing with income ≥ 180,000

    # ---------------------------------------------------------------- selection (5.1.1)
    sel = lambda **row: p.add("selection", {"smart_group": NO, "smart_group_model": NO,  # noqa: E731
                                            "learning_centre": NO} | row)
    r = sel(group=G1, category=1, past_programme_years="2561, 2562", smart_farmer_years="ปี 62",
            past_level=MID, learning_centre=YES)
    p.plant("YEARS_INVALID", SELECTION, f"E{r}")                    # "ปี 62": no 4-digit year
    sel(group=G2, category=2, smart_farmer_years="2562", past_level=LOW)
    r = sel(group=G3, category=1, past_programme_years="2555", past_level=LOW, smart_group=YES)
    p.plant("SELECTION_NOT_PAST_PROGRAMME", SELECTION, f"D{r}")     # 2555 is before 2559–2563
    p.plant("SELECTION_LEVEL_TOO_LOW", SELECTION, f"F{r}")          # ปรับปรุง, below ปานกลาง
    p.plant("SELECTION_ALREADY_SMART_GROUP", SELECTION, f"G{r}")
    r = sel(group=G4, category=1, past_programme_years="2560")
    p.plant("SELECTION_OVER_TARGET", SELECTION, f"C{r}")            # 3rd category-1 group, target 1
    p.plant("SELECTION_LEVEL_MISSING", SELECTION, f"F{r}")
    r = sel(group=G5, category=2, past_programme_years="2560", past_level=GOOD)
    p.plant("SELECTION_CATEGORY2_SOURCE", SELECTION, f"E{r}")       # no SF years; ดี is not a category-2 level
    r = sel(group=G6, category=3, past_programme_years="2560", past_level=MID)
    p.plant("CHOICE_NOT_ALLOWED", SELECTION, f"C{r}")               # category 3
    p.plant("ASSESSMENT_ROUND_MISSING", SELECTION, f"B{r}")         # G6 has no 3ก round 1
    r = sel(group=G2, category=2, smart_farmer_years="2563", past_level=LOW)
    p.plant("ROW_DUPLICATE", SELECTION, f"B{r}")                    # G2 again

    # ---------------------------------------------------------------- 3ก rounds
    d1, d2 = dt.date(2020, 11, 10), dt.date(2021, 5, 20)
    p.add("assessment", _assessment(G1, 1, d1, SCORES_55))
    p.add("assessment", _assessment(G1, 2, d2, SCORES_85))
    p.add("assessment", _assessment(G2, 1, d1, SCORES_30))
    r = p.add("assessment", _assessment(G2, 1, dt.date(2020, 11, 20), SCORES_30))
    p.plant("ASSESSMENT_DUPLICATE", ASSESSMENT, f"C{r}")
    p.add("assessment", _assessment(G2, 2, d2, SCORES_55))
    r = p.add("assessment", _assessment(G3, 1, d1, (*SCORES_55[:7], None, *SCORES_55[8:])))
    p.plant("ASSESSMENT_INCOMPLETE", ASSESSMENT, f"B{r}")           # indicator 2.3 blank
    p.add("assessment", _assessment(G4, 1, dt.date(2021, 5, 1), SCORES_30))
    r = p.add("assessment", _assessment(G4, 2, dt.date(2020, 11, 1), SCORES_60))
    p.plant("ASSESSMENT_ROUND_ORDER", ASSESSMENT, f"D{r}")          # round 2 dated before round 1
    p.add("assessment", _assessment(G5, 1, d1, SCORES_60))
    r = p.add("assessment", _assessment(G5, 2, d2, SCORES_65))
    p.plant("LEVEL_NOT_RAISED", ASSESSMENT, f"B{r}")                # ปานกลาง → ปานกลาง
    r = p.add("assessment", _assessment(G7, 3, d2, SCORES_60))
    p.plant("CHOICE_NOT_ALLOWED", ASSESSMENT, f"C{r}")              # round 3

    # ---------------------------------------------------------------- Smart Farmer
    for cid in m[:8]:
        p.add("smart_farmer", _sf(cid, passed_one_each))
    p.add("smart_farmer", _sf(m[15], passed_one_each))
    p.add("smart_farmer", _sf(m[8], {"1.1"}))                       # Developing
    r = p.add("smart_farmer", _sf(m[9], passed_all, blank="4.2"))
    p.plant("SF_INCOMPLETE", SMART_FARMER, f"B{r}")
    r = p.add("smart_farmer", _sf(citizen_id(999), passed_all, income=250_000.0))
    p.plant("MEMBER_NOT_FOUND", SMART_FARMER, f"B{r}")              # valid ID, not in the members sheet

    # ---------------------------------------------------------------- IFPP
    for cid in m[:13]:
        p.add("ifpp", _ifpp(cid))
    r = p.add("ifpp", _ifpp(m[13], marketing=None, cost=None))
    p.plant("IFPP_INCOMPLETE", IFPP, f"B{r}")
    p.add("ifpp", _ifpp(members[G2][0]))
    p.add("ifpp", _ifpp(members[G7][0]))

    # ---------------------------------------------------------------- participation: G1 on target 15/10/10
    day1, day2, day3 = dt.date(2021, 1, 20), dt.date(2021, 3, 10), dt.date(2021, 5, 5)
    both = {"phase1": YES, "phase1_date": day1, "phase2": YES, "phase2_date": day2}
    for cid in m[:8]:
        p.add("participation", {"citizen_id": cid, **both, "seminar": YES, "seminar_date": day3})
    r = p.add("participation", {"citizen_id": m[8], **both})
    p.plant("PHASE2_NOT_SMART_FARMER", PARTICIPATION, f"F{r}")      # m[8] is Developing
    r = p.add("participation", {"citizen_id": m[9], "phase1": YES, "phase1_date": day1, "seminar": YES,
                                "seminar_date": day3})
    p.plant("SEMINAR_NOT_PHASE2", PARTICIPATION, f"H{r}")
    for cid in m[10:14]:
        p.add("participation", {"citizen_id": cid, "phase1": YES, "phase1_date": day1})
    r = p.add("participation", {"citizen_id": m[14], "phase1": YES, "phase1_date": day1})
    p.plant("IFPP_MISSING", PARTICIPATION, f"D{r}")                 # no IFPP row for m[14]
    r = p.add("participation", {"citizen_id": m[15], "phase2": YES, "phase2_date": day2, "seminar": YES,
                                "seminar_date": day3})
    p.plant("PHASE2_NOT_PHASE1", PARTICIPATION, f"F{r}")
    p.add("participation", {"citizen_id": members[G2][0], "phase1": YES, "phase1_date": day1})
    p.plant("PHASE_COUNT_OFF_TARGET", GROUPS, f"B{registry_row[G2]}")  # G2: 1 in phase 1, target 15
    r = p.add("participation", {"citizen_id": members[G7][0], "phase1": YES, "phase1_date": day1})
    p.plant("PARTICIPANT_GROUP_NOT_SELECTED", PARTICIPATION, f"B{r}")
    p.plant("PHASE_COUNT_OFF_TARGET", GROUPS, f"B{registry_row[G7]}")  # G7: 1 in phase 1, target 15

    # ---------------------------------------------------------------- budget
    line = lambda **row: p.add("budget", {"date": dt.date(2021, 1, 20), "unit": "คน"} | row)  # noqa: E731
    r = line(activity=PHASE1, item=MEAL_B_FULL, quantity=15, unit_price=650)
    p.plant("BUDGET_RATE_EXCEEDED", BUDGET, f"H{r}")                # 650 > 600
    r = line(activity=PHASE1, item=SNACK, date="1/01/2555", quantity=30, unit_price=35)
    p.plant("BUDGET_RATE_NOT_VALID", BUDGET, f"E{r}")               # 2012: before the rate's 2013
    p.plant("DATE_OUTSIDE_FISCAL_YEAR", BUDGET, f"D{r}")            # 2012: outside FY2564 ± 1 (issue 13)
    line(activity=MATERIALS, group=G1, item="ปุ๋ยอินทรีย์", quantity=1, unit="ชุด", unit_price=4000)
    r = line(activity=MATERIALS, group=G1, item="ต้นพันธุ์กาแฟ", quantity=1, unit="ชุด", unit_price=3000.01)
    p.plant("MATERIALS_OVER_CAP", BUDGET, f"H{r}")                  # 7,000.01 > 7,000
    r = line(activity=MATERIALS, group=G2, item="ปุ๋ยอินทรีย์", quantity=1, unit="ชุด", unit_price=500)
    p.plant("MATERIALS_NOT_MODEL_GROUP", BUDGET, f"C{r}")
    r = line(activity="ค่าเดินทาง", item="ค่าน้ำมันรถ", quantity=1, unit="เที่ยว", unit_price=300)
    p.plant("CHOICE_NOT_ALLOWED", BUDGET, f"B{r}")                  # not an activity of the criteria

    info = {"office": "สำนักงานเกษตรอำเภอปาย", "officer": "นางสาวสุดา ใจดี", "position": "นักวิชาการส่งเสริมการเกษตร",
            "phone": "053699123", "email": "aedo5803@example.go.th", "report_date": dt.date(2021, 6, 1)}
    return WorkbookData(info=info, tables=p.tables, created=CREATED), p.expected


def make_golden_programme(folder: str | Path = GOLDEN_DIR) -> list[Path]:
    """Write the bad programme golden and its expected issues into ``folder``; returns the workbook."""
    return [write_golden(folder, NAME, DISTRICT, *bad_programme())]


if __name__ == "__main__":
    for written in make_golden_programme(sys.argv[1] if len(sys.argv) > 1 else GOLDEN_DIR):
        print(written)
