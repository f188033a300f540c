"""Worked examples of the pure scoring rules (criteria, 3ก, Smart Farmer, selection, phases, budget, KPI, IFPP).

Every expected number below was computed by hand and written as a literal; the code under test never
computes an expectation.  The FY2564 defaults used (kaset_xl/criteria/fy2564.toml):

* 3ก: 16 indicators in 5 areas — area 1: 1.1–1.5 × 6 = 30; area 2: 2.1 7, 2.2 7, 2.3 6 = 20;
  area 3: 3.1 7, 3.2 7, 3.3 6 = 20; area 4: 4.1 7, 4.2 7, 4.3 6 = 20; area 5: 5.1 5, 5.2 5 = 10; in all 100.
  Levels ดี ≥ 80, ปานกลาง ≥ 50, ปรับปรุง ≥ 0.
* Smart Farmer: 6 qualifications × 2 indicators (1.1, 1.2, … 6.1, 6.2); income ≥ 180,000 baht.
* Selection: past programme 2559–2563, Smart Farmer programme 2562–2563, category 1 at ปานกลาง or better,
  category 2 at ปรับปรุง or ปานกลาง.
* Targets per group: phase 1 15, phase 2 10, seminar 10; materials cap 7,000 baht per model group.

``tests/data/criteria-other.toml`` is a province's own file with different values (see its header);
the swap tests show the same inputs giving different, hand-computed results under it.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from pathlib import Path

import pytest

from kaset_xl.criteria import Criteria, Rate, load_criteria
from kaset_xl.domain.assessment import AssessmentScore, level_change, level_for, score_assessment
from kaset_xl.domain.budget import MATERIALS, BudgetLine, check_budget, line_amount
from kaset_xl.domain.ifpp import ifpp_status
from kaset_xl.domain.kpi import compute_kpis
from kaset_xl.domain.phases import Attendance, check_phases
from kaset_xl.domain.selection import SelectionInput, eligibility
from kaset_xl.domain.smart_farmer import classify
from kaset_xl.issues import KasetError

OTHER = Path(__file__).parent / "data" / "criteria-other.toml"

DI = "ดี"
MID = "ปานกลาง"
LOW = "ปรับปรุง"
SF_MODEL = "Smart Farmer ต้นแบบ"
SF_EXISTING = "Existing Smart Farmer"
SF_DEVELOPING = "Developing Smart Farmer"

MEAL_A_FULL = "ค่าอาหาร ฝึกอบรมประเภท ก ครบทุกมื้อ"  # cap 850
MEAL_A_PART = "ค่าอาหาร ฝึกอบรมประเภท ก ไม่ครบทุกมื้อ"  # cap 600
MEAL_B_FULL = "ค่าอาหาร ฝึกอบรมประเภท ข ครบทุกมื้อ"  # cap 600
MEAL_B_PART = "ค่าอาหาร ฝึกอบรมประเภท ข ไม่ครบทุกมื้อ"  # cap 400
SNACK = "ค่าอาหารว่างและเครื่องดื่ม"  # cap 50
MEAL_REF = "กค 0406.4/ว 5 (2556)"
PER_DAY = "บาท/คน/วัน"
PER_MEAL = "บาท/คน/มื้อ"


@pytest.fixture(scope="module")
def crit() -> Criteria:
    return load_criteria(2564)


@pytest.fixture(scope="module")
def other() -> Criteria:
    return load_criteria(path=OTHER)


# ---------------------------------------------------------------------------------------------- criteria


def test_fy2564_criteria_as_shipped(crit: Criteria) -> None:
    assert crit.meta.fiscal_year == 2564
    assert crit.provisional is True
    a = crit.assessment
    assert a.level_names == (DI, MID, LOW)
    assert [lv.min_score for lv in a.levels] == [80.0, 50.0, 0.0]
    assert [ar.code for ar in a.areas] == ["1", "2", "3", "4", "5"]
    assert [ar.points for ar in a.areas] == [30.0, 20.0, 20.0, 20.0, 10.0]
    assert a.max_score == 100.0
    assert len(a.indicators) == 16
    assert a.top_level_rule == "maintain"
    sf = crit.smart_farmer
    assert sf.income_threshold == 180000.0
    assert len(sf.qualifications) == 6 and len(sf.indicators) == 12
    assert sf.class_names == (SF_MODEL, SF_EXISTING, SF_DEVELOPING)
    p = crit.programme
    assert (p.members_phase1_per_group, p.members_phase2_per_group, p.members_seminar_per_group) == (15, 10, 10)
    assert (p.groups, p.category1_groups, p.category2_groups, p.model_groups) == (4, 1, 3, 1)
    assert p.materials_cap == 7000.0
    assert crit.registry.committee_min == 3
    assert crit.deadlines.ksa1_2 == dt.date(2020, 12, 31)
    assert crit.deadlines.ksa3_4 == dt.date(2021, 6, 30)
    assert [r.cap for r in crit.budget.rates] == [850.0, 600.0, 600.0, 400.0, 50.0]


def test_later_year_uses_nearest_earlier_shipped_file() -> None:
    assert load_criteria(2565).meta.fiscal_year == 2564
    assert load_criteria(2565) == load_criteria(2564)  # the same file, fy2564.toml
    assert load_criteria(2565).source == "kaset_xl/criteria/fy2564.toml"


def test_other_criteria_file_loads(other: Criteria) -> None:
    a = other.assessment
    assert [lv.min_score for lv in a.levels] == [70.0, 40.0, 0.0]
    assert [ar.points for ar in a.areas] == [40.0, 20.0, 20.0, 20.0]
    assert a.max_score == 100.0
    assert other.smart_farmer.income_threshold == 150000.0
    assert other.programme.materials_cap == 5000.0
    p = other.programme
    assert (p.members_phase1_per_group, p.members_phase2_per_group, p.members_seminar_per_group) == (12, 8, 8)
    assert other.registry.committee_min == 5
    assert other.source == str(OTHER)


# ---------------------------------------------------------------------------------------------- 3ก

CODES_3K = ("1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3",
            "4.1", "4.2", "4.3", "5.1", "5.2")


def k3(*values: float | None) -> dict[str, float | None]:
    """3ก answers in the order of CODES_3K (1.1 … 5.2)."""
    assert len(values) == len(CODES_3K)
    return dict(zip(CODES_3K, values, strict=True))


FULL_3K = k3(6, 6, 6, 6, 6, 7, 7, 6, 7, 7, 6, 7, 7, 6, 5, 5)

#            1.1–1.5 |  2.1–2.3 |  3.1–3.3 |  4.1–4.3 | 5.1 5.2      subtotals per area         total  level
SCORE_CASES = [
    pytest.param(k3(6, 6, 6, 6, 6, 7, 7, 6, 7, 7, 6, 7, 7, 6, 5, 5), (30, 20, 20, 20, 10), 100, DI, id="full-100"),
    pytest.param(k3(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0), 0, LOW, id="zero"),
    # 30 + 20 + 20 + (7+3+0) + 0 = 80 → on the line of ดี
    pytest.param(k3(6, 6, 6, 6, 6, 7, 7, 6, 7, 7, 6, 7, 3, 0, 0, 0), (30, 20, 20, 10, 0), 80, DI, id="exactly-80"),
    # 30 + 20 + 20 + (7+2.99+0) + 0 = 79.99 → ปานกลาง
    pytest.param(k3(6, 6, 6, 6, 6, 7, 7, 6, 7, 7, 6, 7, 2.99, 0, 0, 0), (30, 20, 20, 9.99, 0), 79.99, MID,
                 id="79.99"),
    # 30 + 20 = 50 → on the line of ปานกลาง
    pytest.param(k3(6, 6, 6, 6, 6, 7, 7, 6, 0, 0, 0, 0, 0, 0, 0, 0), (30, 20, 0, 0, 0), 50, MID, id="exactly-50"),
    # 30 + (7+7+5.99) = 49.99 → ปรับปรุง
    pytest.param(k3(6, 6, 6, 6, 6, 7, 7, 5.99, 0, 0, 0, 0, 0, 0, 0, 0), (30, 19.99, 0, 0, 0), 49.99, LOW,
                 id="49.99"),
    # (5+4+6+3+2) + (5+6+4) + (7+5+3) + (6+6+5) + (4+3) = 20 + 15 + 15 + 17 + 7 = 74
    pytest.param(k3(5, 4, 6, 3, 2, 5, 6, 4, 7, 5, 3, 6, 6, 5, 4, 3), (20, 15, 15, 17, 7), 74, MID, id="mixed-74"),
    # halves: 5 × 5.5 = 27.5; 6.5+6.5+5.5 = 18.5 (× 3 areas); 4.5+4.5 = 9; total 27.5 + 3 × 18.5 + 9 = 92
    pytest.param(k3(5.5, 5.5, 5.5, 5.5, 5.5, 6.5, 6.5, 5.5, 6.5, 6.5, 5.5, 6.5, 6.5, 5.5, 4.5, 4.5),
                 (27.5, 18.5, 18.5, 18.5, 9), 92, DI, id="halves-92"),
    # float noise: 0.1 + 0.2 = 0.3 and 0.1 + 0.1 + 0.1 = 0.3 (not 0.30000000000000004); total 0.6
    pytest.param(k3(0.1, 0.2, 0, 0, 0, 0.1, 0.1, 0.1, 0, 0, 0, 0, 0, 0, 0, 0), (0.3, 0.3, 0, 0, 0), 0.6, LOW,
                 id="float-noise"),
    # 80 from halves: (6+6+6+6+5.5) + 20 + 20 + (7+3.5+0) = 29.5 + 40 + 10.5 = 80 → ดี
    pytest.param(k3(6, 6, 6, 6, 5.5, 7, 7, 6, 7, 7, 6, 7, 3.5, 0, 0, 0), (29.5, 20, 20, 10.5, 0), 80, DI,
                 id="80-from-halves"),
    # 0.7 × 16: area 1 = 3.5, areas 2–4 = 2.1 each, area 5 = 1.4; total 3.5 + 6.3 + 1.4 = 11.2
    pytest.param(k3(*[0.7] * 16), (3.5, 2.1, 2.1, 2.1, 1.4), 11.2, LOW, id="sevenths"),
    # (6×5) + (7+7+6) + (7+7+6) + (7+7+6) + (5+0) = 30 + 60 + 5 = 95
    pytest.param(k3(6, 6, 6, 6, 6, 7, 7, 6, 7, 7, 6, 7, 7, 6, 5, 0), (30, 20, 20, 20, 5), 95, DI, id="95"),
]


@pytest.mark.parametrize(("scores", "subtotals", "total", "level"), SCORE_CASES)
def test_score_assessment(crit: Criteria, scores: dict[str, float], subtotals: tuple[float, ...],
                          total: float, level: str) -> None:
    s = score_assessment(scores, crit.assessment)
    assert s.areas == dict(zip(("1", "2", "3", "4", "5"), subtotals, strict=True))
    assert s.total == total
    assert s.level == level
    assert s.complete is True
    assert s.missing == ()


@pytest.mark.parametrize(("scores", "subtotals", "total", "level", "missing"), [
    # nothing answered: every indicator missing, 0 → ปรับปรุง
    pytest.param({}, (0, 0, 0, 0, 0), 0, LOW, CODES_3K, id="empty"),
    # 5.2 not answered: 100 − 5 = 95
    pytest.param({**FULL_3K, "5.2": None}, (30, 20, 20, 20, 5), 95, DI, ("5.2",), id="5.2-None"),
    # 1.1 absent and 3.3 None: 100 − 6 − 6 = 88
    pytest.param({k: v for k, v in FULL_3K.items() if k != "1.1"} | {"3.3": None}, (24, 20, 14, 20, 10), 88, DI,
                 ("1.1", "3.3"), id="1.1-absent-3.3-None"),
    # all of area 2 missing: 100 − 20 = 80, still ดี on the line
    pytest.param({**FULL_3K, "2.1": None, "2.2": None, "2.3": None}, (30, 0, 20, 20, 10), 80, DI,
                 ("2.1", "2.2", "2.3"), id="area-2-missing"),
    # only area 5 given: 5 + 5 = 10; the 14 others missing, in criteria order
    pytest.param({"5.1": 5, "5.2": 5}, (0, 0, 0, 0, 10), 10, LOW, CODES_3K[:14], id="only-area-5"),
    # unknown codes are ignored: 9.9 and "1" are not indicators
    pytest.param({"9.9": 50, "1": 30, "5.1": 1}, (0, 0, 0, 0, 1), 1, LOW, CODES_3K[:14] + ("5.2",),
                 id="unknown-codes-ignored"),
])
def test_score_assessment_missing(crit: Criteria, scores: dict[str, float | None], subtotals: tuple[float, ...],
                                  total: float, level: str, missing: tuple[str, ...]) -> None:
    s = score_assessment(scores, crit.assessment)
    assert s.areas == dict(zip(("1", "2", "3", "4", "5"), subtotals, strict=True))
    assert s.total == total
    assert s.level == level
    assert s.complete is False
    assert s.missing == missing


def test_zero_is_an_answer_not_a_missing_indicator(crit: Criteria) -> None:
    s = score_assessment(k3(*[0] * 16), crit.assessment)
    assert s.complete is True and s.missing == ()


@pytest.mark.parametrize(("total", "level"), [
    (100, DI), (80, DI), (80.0, DI), (79.99, MID), (79.994, MID),  # 79.994 → 79.99
    (79.996, DI),  # shown as 80.00: the total is rounded to 2 decimals before the comparison
    (50, MID), (49.99, LOW), (0, LOW), (0.01, LOW), (65, MID), (120, DI),  # above the maximum stays ดี
])
def test_level_for(crit: Criteria, total: float, level: str) -> None:
    assert level_for(total, crit.assessment) == level


def _score(total: float, level: str) -> AssessmentScore:
    return AssessmentScore(areas={}, total=total, level=level, complete=True, missing=())


#   round 1         round 2          steps  met (maintain)  met (strict)
CHANGE_CASES = [
    pytest.param(45, LOW, 60, MID, 1, True, True, id="rise-1-low-mid"),
    pytest.param(45, LOW, 85, DI, 2, True, True, id="rise-2-low-di"),
    pytest.param(60, MID, 80, DI, 1, True, True, id="rise-1-mid-di"),
    pytest.param(60, MID, 79.99, MID, 0, False, False, id="same-mid-more-points"),
    pytest.param(79, MID, 79, MID, 0, False, False, id="same-mid-same-points"),
    pytest.param(0, LOW, 49.99, LOW, 0, False, False, id="same-low"),  # "maintain" is only for the top level
    pytest.param(60, MID, 49.99, LOW, -1, False, False, id="fall-1"),
    pytest.param(90, DI, 10, LOW, -2, False, False, id="fall-2"),
    pytest.param(85, DI, 70, MID, -1, False, False, id="fall-from-top"),
    pytest.param(85, DI, 85, DI, 0, True, False, id="top-same-points"),
    pytest.param(85, DI, 92, DI, 0, True, False, id="top-more-points"),
    pytest.param(85, DI, 84.99, DI, 0, False, False, id="top-lost-points"),
    pytest.param(100, DI, 100, DI, 0, True, False, id="top-full-marks"),
]


@pytest.mark.parametrize(("t1", "lv1", "t2", "lv2", "steps", "met_maintain", "met_strict"), CHANGE_CASES)
def test_level_change(crit: Criteria, t1: float, lv1: str, t2: float, lv2: str, steps: int,
                      met_maintain: bool, met_strict: bool) -> None:
    maintain = crit.assessment
    strict = crit.assessment.model_copy(update={"top_level_rule": "strict"})
    assert maintain.top_level_rule == "maintain" and strict.top_level_rule == "strict"
    before, after = _score(t1, lv1), _score(t2, lv2)
    got = level_change(before, after, maintain)
    assert (got.steps, got.met) == (steps, met_maintain)
    got = level_change(before, after, strict)
    assert (got.steps, got.met) == (steps, met_strict)


def test_level_change_from_scored_rounds(crit: Criteria) -> None:
    round1 = score_assessment(k3(6, 6, 6, 6, 6, 7, 7, 5.99, 0, 0, 0, 0, 0, 0, 0, 0), crit.assessment)  # 49.99
    round2 = score_assessment(k3(6, 6, 6, 6, 6, 7, 7, 6, 0, 0, 0, 0, 0, 0, 0, 0), crit.assessment)  # 50
    assert (round1.level, round2.level) == (LOW, MID)
    change = level_change(round1, round2, crit.assessment)
    assert (change.steps, change.met) == (1, True)  # 0.01 point more is a level more


# ---------------------------------------------------------------------------------------------- Smart Farmer

CODES_SF = ("1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "5.1", "5.2", "6.1", "6.2")
_FLAG = {"1": True, "0": False, "-": None}


def sf(pattern: str) -> dict[str, bool | None]:
    """Smart Farmer answers: '11 10 ...' is 1.1 1.2 | 2.1 2.2 | ...; 1 = passed, 0 = not, - = not answered."""
    flags = pattern.replace(" ", "")
    assert len(flags) == len(CODES_SF)
    return {c: _FLAG[f] for c, f in zip(CODES_SF, flags, strict=True)}


ALL = "11 11 11 11 11 11"
ONE_EACH = "10 01 10 01 10 01"

#   answers                 income      class           passed  per qualification   income_ok complete
SF_CASES = [
    pytest.param(ALL, 180000, SF_MODEL, True, (2, 2, 2, 2, 2, 2), True, True, id="all-180000"),
    pytest.param(ALL, 180000.0, SF_MODEL, True, (2, 2, 2, 2, 2, 2), True, True, id="all-180000.0"),
    pytest.param(ALL, 2500000, SF_MODEL, True, (2, 2, 2, 2, 2, 2), True, True, id="all-rich"),
    # ต้นแบบ needs the income test (model_requires_income), Existing too → Developing
    pytest.param(ALL, 179999, SF_DEVELOPING, False, (2, 2, 2, 2, 2, 2), False, True, id="all-179999"),
    pytest.param(ONE_EACH, 180000, SF_EXISTING, True, (1, 1, 1, 1, 1, 1), True, True, id="one-each-180000"),
    pytest.param(ONE_EACH, 179999, SF_DEVELOPING, False, (1, 1, 1, 1, 1, 1), False, True, id="one-each-179999"),
    pytest.param(ONE_EACH, 179999.99, SF_DEVELOPING, False, (1, 1, 1, 1, 1, 1), False, True,
                 id="one-each-179999.99"),
    # one missing indicator (6.2): not every indicator → not ต้นแบบ, still ≥ 1 in each → Existing
    pytest.param("11 11 11 11 11 10", 250000, SF_EXISTING, True, (2, 2, 2, 2, 2, 1), True, True,
                 id="one-indicator-missing"),
    # qualification 6 with nothing passed → Developing, whatever the income
    pytest.param("10 01 10 01 10 00", 500000, SF_DEVELOPING, False, (1, 1, 1, 1, 1, 0), True, True,
                 id="one-qualification-missing"),
    pytest.param("11 11 11 11 11 00", 500000, SF_DEVELOPING, False, (2, 2, 2, 2, 2, 0), True, True,
                 id="q6-none-rest-all"),
    pytest.param("00 00 00 00 00 00", 1000000, SF_DEVELOPING, False, (0, 0, 0, 0, 0, 0), True, True,
                 id="none-passed"),
    # 6.2 unanswered counts as not passed; the assessment is incomplete
    pytest.param("11 11 11 11 11 1-", 200000, SF_EXISTING, True, (2, 2, 2, 2, 2, 1), True, False,
                 id="one-unanswered"),
    pytest.param("------------", 300000, SF_DEVELOPING, False, (0, 0, 0, 0, 0, 0), True, False, id="unanswered"),
    pytest.param(ALL, None, SF_DEVELOPING, False, (2, 2, 2, 2, 2, 2), False, False, id="income-missing"),
    pytest.param(ONE_EACH, 0, SF_DEVELOPING, False, (1, 1, 1, 1, 1, 1), False, True, id="income-0"),
]


@pytest.mark.parametrize(("answers", "income", "cls", "passed", "per_q", "income_ok", "complete"), SF_CASES)
def test_smart_farmer_classify(crit: Criteria, answers: str, income: float | None, cls: str, passed: bool,
                               per_q: tuple[int, ...], income_ok: bool, complete: bool) -> None:
    r = classify(sf(answers), income, crit.smart_farmer)
    assert r.cls == cls
    assert r.passed is passed
    assert r.per_qualification == dict(zip(("1", "2", "3", "4", "5", "6"), per_q, strict=True))
    assert r.income_ok is income_ok
    assert r.complete is complete


@pytest.mark.parametrize(("answers", "income", "cls", "passed"), [
    # without the income test for ต้นแบบ, every indicator is enough
    pytest.param(ALL, 179999, SF_MODEL, True, id="all-179999"),
    pytest.param(ALL, 0, SF_MODEL, True, id="all-0"),
    pytest.param(ALL, None, SF_MODEL, True, id="all-income-missing"),
    pytest.param(ALL, 180000, SF_MODEL, True, id="all-180000"),
    # Existing still needs the income
    pytest.param(ONE_EACH, 179999, SF_DEVELOPING, False, id="one-each-179999"),
    pytest.param(ONE_EACH, 180000, SF_EXISTING, True, id="one-each-180000"),
    pytest.param("11 11 11 11 11 10", 179999, SF_DEVELOPING, False, id="one-missing-179999"),
    pytest.param("11 11 11 11 11 1-", 10, SF_DEVELOPING, False, id="one-unanswered-10"),
])
def test_smart_farmer_model_without_income(crit: Criteria, answers: str, income: float | None, cls: str,
                                           passed: bool) -> None:
    off = crit.smart_farmer.model_copy(update={"model_requires_income": False})
    r = classify(sf(answers), income, off)
    assert (r.cls, r.passed) == (cls, passed)


@pytest.mark.parametrize(("answers", "income", "cls"), [
    (ALL, 180000, SF_MODEL),
    ("11 11 11 11 11 10", 180000, SF_DEVELOPING),  # qualification 6 has 1 < 2
    (ONE_EACH, 900000, SF_DEVELOPING),
])
def test_smart_farmer_two_per_qualification(crit: Criteria, answers: str, income: float, cls: str) -> None:
    two = crit.smart_farmer.model_copy(update={"existing_min_per_qualification": 2})
    assert classify(sf(answers), income, two).cls == cls


# ---------------------------------------------------------------------------------------------- selection

NOT_PAST = "SELECTION_NOT_PAST_PROGRAMME"
ALREADY = "SELECTION_ALREADY_SMART_GROUP"
LV_MISSING = "SELECTION_LEVEL_MISSING"
LV_LOW = "SELECTION_LEVEL_TOO_LOW"
CAT2 = "SELECTION_CATEGORY2_SOURCE"
CAT_MISSING = "SELECTION_CATEGORY_MISSING"


def S(category: int | None, past: tuple[int, ...] = (), sfy: tuple[int, ...] = (), level: str | None = None,
      sg: bool = False, sgm: bool = False) -> SelectionInput:
    return SelectionInput(category=category, past_programme_years=past, smart_farmer_years=sfy, past_level=level,
                          smart_group=sg, smart_group_model=sgm)


SELECTION_CASES = [
    # category 1: past programme 2559–2563, not Smart Group (Model), ปานกลาง or better
    pytest.param(S(1, (2561,), level=MID), (), id="c1-2561-mid"),
    pytest.param(S(1, (2559,), level=DI), (), id="c1-2559-di"),
    pytest.param(S(1, (2563,), level=MID), (), id="c1-2563-mid"),
    pytest.param(S(1, (2558,), level=MID), (NOT_PAST,), id="c1-2558"),
    pytest.param(S(1, (2564,), level=MID), (NOT_PAST,), id="c1-2564"),
    pytest.param(S(1, (2558, 2564), level=DI), (NOT_PAST,), id="c1-2558-2564"),
    pytest.param(S(1, (2558, 2560), level=DI), (), id="c1-any-year-within"),
    pytest.param(S(1, (), level=DI), (NOT_PAST,), id="c1-no-years"),
    pytest.param(S(1, (), (2562,), level=DI), (NOT_PAST,), id="c1-smart-farmer-years-do-not-count"),
    pytest.param(S(1, (2562,), level=LOW), (LV_LOW,), id="c1-low"),
    pytest.param(S(1, (2562,)), (LV_MISSING,), id="c1-level-missing"),
    pytest.param(S(1, (2562,), level="ดีมาก"), (LV_MISSING,), id="c1-unknown-level"),
    pytest.param(S(1, (2562,), level=DI, sg=True), (ALREADY,), id="c1-smart-group"),
    pytest.param(S(1, (2562,), level=DI, sgm=True), (ALREADY,), id="c1-smart-group-model"),
    pytest.param(S(1, (2558,), level=LOW, sg=True, sgm=True), (NOT_PAST, ALREADY, LV_LOW), id="c1-all-wrong"),
    # category 2: Smart Farmer programme 2562–2563, or past programme + not Smart Group + ปรับปรุง/ปานกลาง
    pytest.param(S(2, (), (2562,)), (), id="c2-sf-2562"),
    pytest.param(S(2, (), (2563,)), (), id="c2-sf-2563"),
    pytest.param(S(2, (), (2561,)), (CAT2,), id="c2-sf-2561"),
    pytest.param(S(2, (), (2564,)), (CAT2,), id="c2-sf-2564"),
    pytest.param(S(2, (), (2562,), level=DI, sg=True), (), id="c2-sf-route-ignores-level-and-flags"),
    pytest.param(S(2, (2559,), level=LOW), (), id="c2-past-2559-low"),
    pytest.param(S(2, (2563,), level=MID), (), id="c2-past-2563-mid"),
    pytest.param(S(2, (2563,), level=DI), (CAT2,), id="c2-past-di"),
    pytest.param(S(2, (2558,), level=LOW), (CAT2,), id="c2-past-2558"),
    pytest.param(S(2, (2564,), level=MID), (CAT2,), id="c2-past-2564"),
    pytest.param(S(2, (2560,), level=LOW, sg=True), (CAT2,), id="c2-past-smart-group"),
    pytest.param(S(2, (2560,), level=MID, sgm=True), (CAT2,), id="c2-past-smart-group-model"),
    pytest.param(S(2, (2560,)), (CAT2,), id="c2-past-level-missing"),
    pytest.param(S(2, (2560,), (2563,), level=DI), (), id="c2-past-di-but-sf-2563"),
    pytest.param(S(2), (CAT2,), id="c2-nothing"),
    # no (or an unknown) category
    pytest.param(S(None, (2561,), level=MID), (CAT_MISSING,), id="no-category"),
    pytest.param(S(3, (2561,), level=MID), (CAT_MISSING,), id="category-3"),
    pytest.param(S(0, (), (2562,)), (CAT_MISSING,), id="category-0"),
]


@pytest.mark.parametrize(("sel", "reasons"), SELECTION_CASES)
def test_eligibility(crit: Criteria, sel: SelectionInput, reasons: tuple[str, ...]) -> None:
    got = eligibility(sel, crit)
    assert got.reasons == reasons
    assert got.eligible is (reasons == ())


# ---------------------------------------------------------------------------------------------- phases


def A(key: str, p1: bool = False, p2: bool = False, sem: bool = False, sfp: bool | None = None,
      group: str = "กลุ่มปลูกผัก") -> Attendance:
    return Attendance(key=key, group=group, phase1=p1, phase2=p2, seminar=sem, sf_passed=sfp)


@pytest.mark.parametrize(("att", "violations"), [
    pytest.param(A("m", p2=True, sfp=True), [("m", "PHASE2_NOT_PHASE1")], id="phase2-without-phase1"),
    pytest.param(A("m", p1=True, p2=True, sfp=False), [("m", "PHASE2_NOT_SMART_FARMER")], id="phase2-sf-failed"),
    pytest.param(A("m", p1=True, p2=True, sfp=None), [("m", "PHASE2_NOT_SMART_FARMER")], id="phase2-sf-missing"),
    pytest.param(A("m", p2=True), [("m", "PHASE2_NOT_PHASE1"), ("m", "PHASE2_NOT_SMART_FARMER")],
                 id="phase2-neither"),
    pytest.param(A("m", p1=True, sem=True, sfp=True), [("m", "SEMINAR_NOT_PHASE2")], id="seminar-without-phase2"),
    pytest.param(A("m", sem=True), [("m", "SEMINAR_NOT_PHASE2")], id="seminar-only"),
    pytest.param(A("m", p2=True, sem=True, sfp=True), [("m", "PHASE2_NOT_PHASE1")], id="seminar-ok-phase2-not"),
    pytest.param(A("m", p1=True, p2=True, sem=True, sfp=None), [("m", "PHASE2_NOT_SMART_FARMER")],
                 id="full-path-no-sf"),
    pytest.param(A("m", p1=True, p2=True, sem=True, sfp=True), [], id="full-path-ok"),
    pytest.param(A("m", p1=True, sfp=False), [], id="phase1-is-open-to-all"),
    pytest.param(A("m"), [], id="nothing-attended"),
])
def test_phase_rules(crit: Criteria, att: Attendance, violations: list[tuple[str, str]]) -> None:
    assert check_phases([att], crit.programme).violations == violations


def roster(group: str, p1: int, p2: int, sem: int) -> list[Attendance]:
    """p1 members in phase 1; the first p2 of them also in phase 2 (passed SF); the first sem also at the seminar."""
    assert sem <= p2 <= p1
    return [A(f"{group}-{i}", p1=True, p2=i < p2, sem=i < sem, sfp=True if i < p2 else None, group=group)
            for i in range(p1)]


G1, G2 = "กลุ่มปลูกผัก", "กลุ่มเลี้ยงไก่"


@pytest.mark.parametrize(("p1", "p2", "sem", "off"), [
    pytest.param(15, 10, 10, [], id="on-target"),
    pytest.param(14, 10, 10, [(G1, "phase1", 14, 15)], id="phase1-14"),
    pytest.param(16, 10, 10, [(G1, "phase1", 16, 15)], id="phase1-16"),
    pytest.param(15, 9, 9, [(G1, "phase2", 9, 10), (G1, "seminar", 9, 10)], id="9-9"),
    pytest.param(15, 11, 10, [(G1, "phase2", 11, 10)], id="phase2-11"),
    pytest.param(15, 10, 0, [], id="seminar-not-yet"),  # 0 is "not done yet", not off target
    pytest.param(15, 0, 0, [], id="only-phase1"),
    pytest.param(1, 1, 1, [(G1, "phase1", 1, 15), (G1, "phase2", 1, 10), (G1, "seminar", 1, 10)], id="1-1-1"),
    pytest.param(20, 12, 3, [(G1, "phase1", 20, 15), (G1, "phase2", 12, 10), (G1, "seminar", 3, 10)],
                 id="20-12-3"),
    pytest.param(10, 10, 10, [(G1, "phase1", 10, 15)], id="10-10-10"),
])
def test_phase_counts_against_targets(crit: Criteria, p1: int, p2: int, sem: int,
                                      off: list[tuple[str, str, int, int]]) -> None:
    report = check_phases(roster(G1, p1, p2, sem), crit.programme)
    c = report.counts[G1]
    assert (c.phase1, c.phase2, c.seminar) == (p1, p2, sem)
    assert report.off_target == off
    assert report.violations == []


def test_phase_counts_two_groups_and_a_group_with_no_attendance(crit: Criteria) -> None:
    att = roster(G1, 15, 10, 10) + roster(G2, 12, 8, 8) + [A("x", group="กลุ่มว่าง")]
    report = check_phases(att, crit.programme)
    assert {g: (c.phase1, c.phase2, c.seminar) for g, c in report.counts.items()} == {
        G1: (15, 10, 10), G2: (12, 8, 8), "กลุ่มว่าง": (0, 0, 0)}
    assert report.off_target == [(G2, "phase1", 12, 15), (G2, "phase2", 8, 10), (G2, "seminar", 8, 10)]
    assert report.violations == []


# ---------------------------------------------------------------------------------------------- budget


def L(key: int, activity: str | None, item: str | None, q: float | None, p: float | None, group: str | None = None,
      date: dt.date | None = None) -> BudgetLine:
    return BudgetLine(key=key, activity=activity, item=item, quantity=q, unit_price=p, group=group, date=date)


@pytest.mark.parametrize(("q", "p", "amount"), [
    (10, 850, 8500.0),
    (15, 600, 9000.0),
    (3, 33.33, 99.99),
    (0.5, 12.5, 6.25),
    (0, 850, 0.0),
    (1.5, 2.2, 3.3),  # 3.3000000000000003 → 3.3
    (3, 0.1, 0.3),  # 0.30000000000000004 → 0.3
    (2500, 2.8, 7000.0),
    (40, 50, 2000.0),
    (7, 1000, 7000.0),
    (None, 850, None),
    (10, None, None),
    (None, None, None),
])
def test_line_amount(q: float | None, p: float | None, amount: float | None) -> None:
    assert line_amount(L(1, "phase1", "x", q, p)) == amount


def test_line_amount_rounds_half_up_like_excel_round() -> None:
    # 2.5 kg × 10.25 baht = 25.625 (exact in binary) → ROUND(…, 2) = 25.63
    assert line_amount(L(1, MATERIALS, "ปุ๋ยอินทรีย์", 2.5, 10.25)) == 25.63


MODEL = "กลุ่มต้นแบบ"
NOT_MODEL = "กลุ่มเลี้ยงไก่"
D = dt.date(2021, 3, 15)  # in FY2564


@pytest.mark.parametrize(("lines", "materials", "violations"), [
    pytest.param([L(1, MATERIALS, "จอบ", 1, 3500, MODEL), L(2, MATERIALS, "ปุ๋ย", 1, 3500, MODEL)],
                 {MODEL: 7000.0}, [], id="7000.00-ok"),
    pytest.param([L(1, MATERIALS, "จอบ", 1, 3500, MODEL), L(2, MATERIALS, "ปุ๋ย", 1, 3500.01, MODEL)],
                 {MODEL: 7000.01}, [(2, "MATERIALS_OVER_CAP", {"group": MODEL, "value": 7000.01, "cap": 7000.0})],
                 id="7000.01-over"),
    pytest.param([L(5, MATERIALS, "เครื่องพ่น", 1, 7000.01, MODEL)],
                 {MODEL: 7000.01}, [(5, "MATERIALS_OVER_CAP", {"group": MODEL, "value": 7000.01, "cap": 7000.0})],
                 id="one-line-7000.01"),
    # 7 × 1,000 = 7,000 on the cap; 2,500 × 2.80 = 7,000 too
    pytest.param([L(1, MATERIALS, "ถาดเพาะ", 7, 1000, MODEL)], {MODEL: 7000.0}, [], id="7x1000"),
    pytest.param([L(1, MATERIALS, "ถุงเพาะ", 2500, 2.8, MODEL)], {MODEL: 7000.0}, [], id="2500x2.80"),
    # the over-cap violation is on the group's last materials row (4), after the per-line ones
    pytest.param([L(3, MATERIALS, "จอบ", 2, 2000, MODEL), L(4, MATERIALS, "ปุ๋ย", 1, 3000.5, MODEL)],
                 {MODEL: 7000.5}, [(4, "MATERIALS_OVER_CAP", {"group": MODEL, "value": 7000.5, "cap": 7000.0})],
                 id="4000+3000.50"),
    pytest.param([L(1, MATERIALS, "จอบ", 1, 500, NOT_MODEL)], {NOT_MODEL: 500.0},
                 [(1, "MATERIALS_NOT_MODEL_GROUP", {"group": NOT_MODEL})], id="non-model-group"),
    pytest.param([L(1, MATERIALS, "จอบ", 1, 500)], {}, [(1, "MATERIALS_NOT_MODEL_GROUP", {"group": ""})],
                 id="no-group"),
    pytest.param([L(1, MATERIALS, "จอบ", 1, 4000, NOT_MODEL), L(2, MATERIALS, "ปุ๋ย", 1, 4000, NOT_MODEL)],
                 {NOT_MODEL: 8000.0},
                 [(1, "MATERIALS_NOT_MODEL_GROUP", {"group": NOT_MODEL}),
                  (2, "MATERIALS_NOT_MODEL_GROUP", {"group": NOT_MODEL}),
                  (2, "MATERIALS_OVER_CAP", {"group": NOT_MODEL, "value": 8000.0, "cap": 7000.0})],
                 id="non-model-and-over"),
    # the cap is per group: 7,000 + 7,000 for two model groups is fine
    pytest.param([L(1, MATERIALS, "จอบ", 1, 7000, MODEL), L(2, MATERIALS, "จอบ", 1, 7000, "กลุ่มต้นแบบ 2")],
                 {MODEL: 7000.0, "กลุ่มต้นแบบ 2": 7000.0}, [], id="cap-per-group"),
    # a materials line without a quantity has no amount: still checked for the group, not summed
    pytest.param([L(1, MATERIALS, "จอบ", None, 7000, MODEL), L(2, MATERIALS, "ปุ๋ย", 1, 7000, MODEL)],
                 {MODEL: 7000.0}, [], id="no-quantity-not-summed"),
])
def test_materials(crit: Criteria, lines: list[BudgetLine], materials: dict[str, float],
                   violations: list[tuple[int, str, dict[str, object]]]) -> None:
    report = check_budget(lines, crit, model_groups=[MODEL, "กลุ่มต้นแบบ 2"])
    assert report.materials_by_group == materials
    assert report.violations == violations


def _exceeded(row: int, item: str, value: float, cap: float, unit: str = PER_DAY,
              ref: str = MEAL_REF) -> tuple[int, str, dict[str, object]]:
    return (row, "BUDGET_RATE_EXCEEDED", {"item": item, "value": value, "cap": cap, "unit": unit, "reference": ref})


@pytest.mark.parametrize(("line", "violations"), [
    pytest.param(L(1, "phase1", MEAL_A_FULL, 15, 850, date=D), [], id="A-full-850"),
    pytest.param(L(1, "phase1", MEAL_A_FULL, 15, 850.01, date=D), [_exceeded(1, MEAL_A_FULL, 850.01, 850.0)],
                 id="A-full-850.01"),
    pytest.param(L(1, "phase1", MEAL_A_FULL, 15, 900, date=D), [_exceeded(1, MEAL_A_FULL, 900, 850.0)],
                 id="A-full-900"),
    pytest.param(L(1, "phase2", MEAL_A_PART, 10, 600, date=D), [], id="A-part-600"),
    pytest.param(L(1, "phase2", MEAL_A_PART, 10, 600.5, date=D), [_exceeded(1, MEAL_A_PART, 600.5, 600.0)],
                 id="A-part-600.50"),
    pytest.param(L(1, "seminar", MEAL_B_FULL, 40, 600, date=D), [], id="B-full-600"),
    pytest.param(L(1, "seminar", MEAL_B_FULL, 40, 601, date=D), [_exceeded(1, MEAL_B_FULL, 601, 600.0)],
                 id="B-full-601"),
    pytest.param(L(1, "seminar", MEAL_B_PART, 40, 400, date=D), [], id="B-part-400"),
    pytest.param(L(1, "seminar", MEAL_B_PART, 40, 400.01, date=D), [_exceeded(1, MEAL_B_PART, 400.01, 400.0)],
                 id="B-part-400.01"),
    pytest.param(L(1, "phase1", SNACK, 30, 50, date=D), [], id="snack-50"),
    pytest.param(L(7, "phase1", SNACK, 30, 55, date=D),
                 [_exceeded(7, SNACK, 55, 50.0, PER_MEAL, "ระเบียบค่าใช้จ่ายฝึกอบรม (ชั่วคราว)")], id="snack-55"),
    # the cap is per unit (per person per day): a large quantity does not matter
    pytest.param(L(1, "seminar", MEAL_A_FULL, 1000, 850, date=D), [], id="many-people-at-cap"),
    pytest.param(L(1, "phase1", "ค่าวิทยากร", 1, 99999), [], id="item-not-in-rate-table"),
    pytest.param(L(1, "phase1", MEAL_A_FULL, None, 850.01), [_exceeded(1, MEAL_A_FULL, 850.01, 850.0)],
                 id="no-quantity-no-date-still-checked"),
])
def test_meal_rate_caps(crit: Criteria, line: BudgetLine, violations: list[tuple[int, str, dict[str, object]]]
                        ) -> None:
    assert check_budget([line], crit).violations == violations


MEAL_X = "ค่าอาหาร ทดสอบ"


@pytest.fixture(scope="module")
def fy_only(crit: Criteria) -> Criteria:
    """FY2564 criteria whose only rate is valid only in FY2564 (1 Oct 2020 – 30 Sep 2021)."""
    rate = Rate(item=MEAL_X, unit=PER_DAY, cap=850.0, reference="ทดสอบ", valid_from=dt.date(2020, 10, 1),
                valid_to=dt.date(2021, 9, 30))
    return crit.model_copy(update={"budget": crit.budget.model_copy(update={"rates": (rate,)})})


NOT_VALID = [(1, "BUDGET_RATE_NOT_VALID", {"item": MEAL_X})]


@pytest.mark.parametrize(("date", "default", "price", "amount", "violations"), [
    pytest.param(dt.date(2021, 3, 15), None, 850, 8500.0, [], id="in-force"),
    pytest.param(dt.date(2020, 10, 1), None, 850, 8500.0, [], id="first-day"),
    pytest.param(dt.date(2021, 9, 30), None, 850, 8500.0, [], id="last-day"),
    pytest.param(dt.date(2020, 9, 30), None, 850, 8500.0, NOT_VALID, id="day-before"),
    pytest.param(dt.date(2021, 10, 1), None, 850, 8500.0, NOT_VALID, id="day-after"),
    pytest.param(dt.date(2022, 6, 1), None, 100, 1000.0, NOT_VALID, id="fy2565-even-if-cheap"),
    pytest.param(dt.date(2021, 3, 15), None, 850.01, 8500.1,  # 10 × 850.01
                 [_exceeded(1, MEAL_X, 850.01, 850.0, ref="ทดสอบ")], id="in-force-exceeded"),
    pytest.param(None, None, 850, 8500.0, [], id="no-date-no-default"),
    pytest.param(None, dt.date(2022, 1, 1), 850, 8500.0, NOT_VALID, id="default-date-outside"),
    pytest.param(None, dt.date(2021, 1, 1), 850, 8500.0, [], id="default-date-inside"),
    pytest.param(dt.date(2021, 1, 1), dt.date(2022, 1, 1), 850, 8500.0, [], id="line-date-wins-over-default"),
])
def test_rate_in_force(fy_only: Criteria, date: dt.date | None, default: dt.date | None, price: float,
                       amount: float, violations: list[tuple[int, str, dict[str, object]]]) -> None:
    report = check_budget([L(1, "phase1", MEAL_X, 10, price, date=date)], fy_only, default_date=default)
    assert report.violations == violations
    assert report.by_activity == {"phase1": amount}  # a line outside the rate's period is still counted


def test_rate_changes_between_periods(crit: Criteria) -> None:
    old = Rate(item=MEAL_X, unit=PER_DAY, cap=600.0, reference="เดิม", valid_from=dt.date(2013, 1, 1),
               valid_to=dt.date(2020, 9, 30))
    new = Rate(item=MEAL_X, unit=PER_DAY, cap=850.0, reference="ใหม่", valid_from=dt.date(2020, 10, 1),
               valid_to=dt.date(2021, 9, 30))
    c = crit.model_copy(update={"budget": crit.budget.model_copy(update={"rates": (old, new)})})
    lines = [L(1, "phase1", MEAL_X, 1, 700, date=dt.date(2020, 6, 1)),  # old cap 600 → exceeded
             L(2, "phase1", MEAL_X, 1, 700, date=dt.date(2021, 6, 1))]  # new cap 850 → fine
    assert check_budget(lines, c).violations == [_exceeded(1, MEAL_X, 700, 600.0, ref="เดิม")]


def test_totals_per_activity(crit: Criteria) -> None:
    lines = [
        L(1, "phase1", MEAL_A_FULL, 15, 850, date=D),  # 12,750.00
        L(2, "phase1", SNACK, 30, 50, date=D),  # 1,500.00  → phase1 14,250.00
        L(3, "phase2", MEAL_A_PART, 10, 600, date=D),  # 6,000.00 → phase2
        L(4, MATERIALS, "จอบ", 1, 3500, MODEL),  # 3,500.00
        L(5, MATERIALS, "ปุ๋ย", 7, 499.93, MODEL),  # 3,499.51 → materials 6,999.51
        L(6, "seminar", MEAL_A_FULL, 40, 850, date=D),  # 34,000.00
        L(7, "seminar", SNACK, 80, 50, date=D),  # 4,000.00 → seminar 38,000.00
        L(8, "seminar", "ค่าเอกสาร", 3, 0.1),  # 0.30 → seminar 38,000.30
        L(9, "seminar", "ค่าเอกสาร", None, 100),  # no quantity: no amount
        L(10, None, "ไม่ระบุกิจกรรม", 1, 999),  # no activity: not in any total
    ]
    report = check_budget(lines, crit, model_groups=[MODEL])
    assert report.by_activity == {"phase1": 14250.0, "phase2": 6000.0, MATERIALS: 6999.51, "seminar": 38000.3}
    # 14,250 + 6,000 + 6,999.51 + 38,000.30 = 65,249.81
    assert report.total == 65249.81
    assert report.materials_by_group == {MODEL: 6999.51}
    assert report.violations == []


def test_totals_float_noise(crit: Criteria) -> None:
    lines = [L(k, "phase1", "ค่าเอกสาร", 1, 0.1) for k in range(1, 4)]  # 0.1 × 3 = 0.30
    report = check_budget(lines, crit)
    assert report.by_activity == {"phase1": 0.3}
    assert report.total == 0.3


def test_empty_budget(crit: Criteria) -> None:
    report = check_budget([], crit)
    assert (report.by_activity, report.materials_by_group, report.total, report.violations) == ({}, {}, 0.0, [])


# ---------------------------------------------------------------------------------------------- KPI

_KFLAG = {"T": True, "F": False, "-": None}


def rows(*patterns: str) -> list[tuple[bool | None, ...]]:
    """'TF-TT': capable in area 1, not in 2, no answer in 3, …"""
    return [tuple(_KFLAG[c] for c in p) for p in patterns]


N = None
KPI_CASES = [
    pytest.param(rows("TTTTT", "TTTTT", "TTTTT"), 3, (3, 3, 3, 3, 3), (100.0,) * 5, id="all-capable"),
    # 2 of 3 → 66.666… → 66.67; 1 of 3 → 33.33; 0 of 3 → 0.0
    pytest.param(rows("TTFFF", "TFTFF", "FTFFF"), 3, (2, 2, 1, 0, 0), (66.67, 66.67, 33.33, 0.0, 0.0),
                 id="thirds"),
    pytest.param([], 0, (0, 0, 0, 0, 0), (N, N, N, N, N), id="nobody"),
    pytest.param(rows("-----", "-----"), 0, (0, 0, 0, 0, 0), (N, N, N, N, N), id="all-None-rows"),
    # the all-None row is ignored: 1 evaluated
    pytest.param(rows("-----", "TFTF-"), 1, (1, 0, 1, 0, 0), (100.0, 0.0, 100.0, 0.0, 0.0), id="one-real-row"),
    # one answer is enough to be evaluated; None in a row is "not capable"
    pytest.param(rows("T----", "----F"), 2, (1, 0, 0, 0, 0), (50.0, 0.0, 0.0, 0.0, 0.0), id="partial-rows"),
    # 1/6 = 16.666… → 16.67; 5/6 = 83.333… → 83.33
    pytest.param(rows("TTFFF", "FTFFF", "FTFFF", "FTFFF", "FTFFF", "FFFFF"), 6, (1, 5, 0, 0, 0),
                 (16.67, 83.33, 0.0, 0.0, 0.0), id="sixths"),
    # 1/7 = 14.2857… → 14.29; 2/7 = 28.571… → 28.57; 6/7 = 85.714… → 85.71
    pytest.param(rows("TTTFF", "FTTFF", "FFTFF", "FFTFF", "FFTFF", "FFTFF", "FFFFF"), 7, (1, 2, 6, 0, 0),
                 (14.29, 28.57, 85.71, 0.0, 0.0), id="sevenths"),
    # 1/8 = 12.5; 7/9 needs 9 rows
    pytest.param(rows("T", "F", "F", "F", "F", "F", "F", "F"), 8, (1, 0, 0, 0, 0), (12.5, 0.0, 0.0, 0.0, 0.0),
                 id="short-rows-eighth"),
    # 7/9 = 77.777… → 77.78; 8/9 = 88.888… → 88.89
    pytest.param(rows(*["TT"] * 7, "FT", "FF"), 9, (7, 8, 0, 0, 0), (77.78, 88.89, 0.0, 0.0, 0.0), id="ninths"),
    # 40 seminar members (4 × 10), 10 capable in area 1 → 25.0; 39 → 97.5
    pytest.param(rows(*["TTTTT"] * 10, *["FTTTT"] * 29, "FFFFF"), 40, (10, 39, 39, 39, 39),
                 (25.0, 97.5, 97.5, 97.5, 97.5), id="forty"),
    # 13/60 = 21.666… → 21.67
    pytest.param(rows(*["TTTTT"] * 13, *["FFFFF"] * 47), 60, (13, 13, 13, 13, 13), (21.67,) * 5, id="sixty"),
]


@pytest.mark.parametrize(("capabilities", "evaluated", "capable", "percent"), KPI_CASES)
def test_compute_kpis(capabilities: list[tuple[bool | None, ...]], evaluated: int, capable: tuple[int, ...],
                      percent: tuple[float | None, ...]) -> None:
    k = compute_kpis(capabilities, 2)
    assert k.evaluated == evaluated
    assert k.capable == capable
    assert k.percent == percent
    assert k.learning_centres == 2


def test_kpis_other_number_of_areas() -> None:
    k = compute_kpis(rows("TTTT", "TFFF", "TTFF"), 0, areas=4)  # 3/3, 2/3, 1/3, 1/3
    assert (k.evaluated, k.capable, k.percent, k.learning_centres) == (
        3, (3, 2, 1, 1), (100.0, 66.67, 33.33, 33.33), 0)


def test_kpi_percent_rounds_half_up() -> None:
    k = compute_kpis(rows("TTTTT", *["FFFFF"] * 31), 1)
    assert k.percent[0] == 3.13  # 100 × 1 / 32 = 3.125 → 3.13


# ---------------------------------------------------------------------------------------------- IFPP

PLAN = {"goal": "เพิ่มรายได้จากผักอินทรีย์", "production": "ปลูกผักสลัด 1 ไร่", "marketing": "ตลาดชุมชน",
        "management": "จดบันทึกต้นทุน", "social_env": "ไม่ใช้สารเคมี", "cost": 12000.0, "revenue": 30000.0,
        "contingency": "ปลูกพืชหมุนเวียน", "linked_activity": "จำหน่ายผักร่วมกัน"}
SECTIONS = ("goal", "production", "marketing", "management", "social_env", "cost", "revenue", "contingency",
            "linked_activity")


def without(*keys: str, **changes: object) -> dict[str, object]:
    return {k: v for k, v in PLAN.items() if k not in keys} | changes


@pytest.mark.parametrize(("plan", "complete", "missing", "profit"), [
    pytest.param(PLAN, True, (), 18000.0, id="complete"),  # 30,000 − 12,000
    pytest.param(without("goal"), False, ("goal",), 18000.0, id="goal-absent"),
    pytest.param(without(goal=""), False, ("goal",), 18000.0, id="goal-empty"),
    pytest.param(without(marketing=None), False, ("marketing",), 18000.0, id="marketing-None"),
    pytest.param(without(cost=None), False, ("cost",), None, id="cost-None"),
    pytest.param(without("revenue"), False, ("revenue",), None, id="revenue-absent"),
    pytest.param(without(cost=0, revenue=0), True, (), 0.0, id="zero-is-filled"),
    pytest.param(without(cost=15000.5, revenue=12000.25), True, (), -3000.25, id="loss"),
    pytest.param(without(cost=0.1, revenue=0.3), True, (), 0.2, id="float-noise"),  # 0.19999999999999998 → 0.2
    pytest.param(without("contingency", "linked_activity"), False, ("contingency", "linked_activity"), 18000.0,
                 id="two-sections"),
    pytest.param(without("social_env", "goal", cost=None), False, ("goal", "social_env", "cost"), None,
                 id="order-of-sections"),
    pytest.param({}, False, SECTIONS, None, id="empty"),
])
def test_ifpp_status(plan: dict[str, object], complete: bool, missing: tuple[str, ...],
                     profit: float | None) -> None:
    s = ifpp_status(plan)
    assert (s.complete, s.missing, s.profit) == (complete, missing, profit)


def test_ifpp_empty_string_cost_is_missing_not_a_crash() -> None:
    s = ifpp_status(without(cost=""))
    assert (s.complete, s.missing, s.profit) == (False, ("cost",), None)


# ---------------------------------------------------------------------------------------------- swapping criteria

# V: area 1 full (6 × 5), 2.1 = 2.2 = 7, 3.1 = 3, the rest 0
V = k3(6, 6, 6, 6, 6, 7, 7, 0, 3, 0, 0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(("scores", "fy_areas", "fy_total", "fy_level", "ot_areas", "ot_total", "ot_level"), [
    # FY2564: 30+20+20+20+10 = 100 ดี. Other (1.1–1.4 | 2.1 2.2 | 3.1 3.2 | 4.1 4.2): 24 + 14 + 14 + 14 = 66 < 70
    pytest.param(FULL_3K, (30, 20, 20, 20, 10), 100, DI, (24, 14, 14, 14), 66, MID, id="full-fy2564"),
    # FY2564: 30 + 14 + 3 = 47 < 50 ปรับปรุง. Other: 24 + 14 + 3 + 0 = 41 ≥ 40 ปานกลาง
    pytest.param(V, (30, 14, 3, 0, 0), 47, LOW, (24, 14, 3, 0), 41, MID, id="V"),
    # FY2564: 20 + 15 + 15 + 17 + 7 = 74 ปานกลาง. Other: (5+4+6+3) + (5+6) + (7+5) + (6+6) = 18+11+12+12 = 53
    pytest.param(k3(5, 4, 6, 3, 2, 5, 6, 4, 7, 5, 3, 6, 6, 5, 4, 3), (20, 15, 15, 17, 7), 74, MID,
                 (18, 11, 12, 12), 53, MID, id="mixed"),
])
def test_swap_3k(crit: Criteria, other: Criteria, scores: dict[str, float], fy_areas: tuple[float, ...],
                 fy_total: float, fy_level: str, ot_areas: tuple[float, ...], ot_total: float, ot_level: str) -> None:
    a = score_assessment(scores, crit.assessment)
    assert (a.areas, a.total, a.level) == (dict(zip("12345", fy_areas, strict=True)), fy_total, fy_level)
    b = score_assessment(scores, other.assessment)
    assert (b.areas, b.total, b.level) == (dict(zip("1234", ot_areas, strict=True)), ot_total, ot_level)
    assert b.complete is True  # every one of the other file's 10 indicators is answered


def test_swap_3k_missing_indicators(crit: Criteria, other: Criteria) -> None:
    # answers on the other file's form: 10 indicators × 10 points
    ten = {c: 10 for c in ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2")}
    b = score_assessment(ten, other.assessment)
    assert (b.total, b.level, b.complete) == (100, DI, True)
    # under FY2564 the same answers leave 6 indicators missing: 1.5, 2.3, 3.3, 4.3, 5.1, 5.2
    a = score_assessment(ten, crit.assessment)
    assert a.missing == ("1.5", "2.3", "3.3", "4.3", "5.1", "5.2")
    assert a.areas == {"1": 40, "2": 20, "3": 20, "4": 20, "5": 0}  # 4 × 10, 2 × 10 …
    assert (a.total, a.level, a.complete) == (100, DI, False)


def test_swap_level_change(crit: Criteria, other: Criteria) -> None:
    # round 1 V, round 2 FULL_3K. FY2564: 47 ปรับปรุง → 100 ดี, +2. Other: 41 ปานกลาง → 66 ปานกลาง, 0: not met
    fy = level_change(score_assessment(V, crit.assessment), score_assessment(FULL_3K, crit.assessment),
                      crit.assessment)
    ot = level_change(score_assessment(V, other.assessment), score_assessment(FULL_3K, other.assessment),
                      other.assessment)
    assert (fy.steps, fy.met) == (2, True)
    assert (ot.steps, ot.met) == (0, False)


@pytest.mark.parametrize(("total", "fy_level", "ot_level"), [
    (100, DI, DI), (80, DI, DI), (79.99, MID, DI), (70, MID, DI), (69.99, MID, MID), (50, MID, MID),
    (49.99, LOW, MID), (40, LOW, MID), (39.99, LOW, LOW), (0, LOW, LOW),
])
def test_swap_level_thresholds(crit: Criteria, other: Criteria, total: float, fy_level: str, ot_level: str) -> None:
    assert level_for(total, crit.assessment) == fy_level
    assert level_for(total, other.assessment) == ot_level


@pytest.mark.parametrize(("answers", "income", "fy_cls", "ot_cls"), [
    (ALL, 160000, SF_DEVELOPING, SF_MODEL),  # 160,000: below 180,000, above 150,000
    (ONE_EACH, 150000, SF_DEVELOPING, SF_EXISTING),  # on the other file's line
    (ONE_EACH, 149999, SF_DEVELOPING, SF_DEVELOPING),
    ("11 11 11 11 11 10", 179999, SF_DEVELOPING, SF_EXISTING),
    (ALL, 180000, SF_MODEL, SF_MODEL),
])
def test_swap_smart_farmer(crit: Criteria, other: Criteria, answers: str, income: float, fy_cls: str,
                           ot_cls: str) -> None:
    assert classify(sf(answers), income, crit.smart_farmer).cls == fy_cls
    assert classify(sf(answers), income, other.smart_farmer).cls == ot_cls


def test_swap_phase_targets(crit: Criteria, other: Criteria) -> None:
    att = roster(G1, 15, 10, 10) + roster(G2, 12, 8, 8)
    assert check_phases(att, crit.programme).off_target == [
        (G2, "phase1", 12, 15), (G2, "phase2", 8, 10), (G2, "seminar", 8, 10)]
    assert check_phases(att, other.programme).off_target == [
        (G1, "phase1", 15, 12), (G1, "phase2", 10, 8), (G1, "seminar", 10, 8)]


@pytest.mark.parametrize(("prices", "fy", "ot"), [
    # 3,500 + 1,500 = 5,000: within both caps
    ((3500, 1500), [], []),
    # 3,500 + 3,500 = 7,000: on the FY2564 cap, over 5,000
    ((3500, 3500), [], [(2, "MATERIALS_OVER_CAP", {"group": MODEL, "value": 7000.0, "cap": 5000.0})]),
    # 3,000 + 2,000.01 = 5,000.01
    ((3000, 2000.01), [], [(2, "MATERIALS_OVER_CAP", {"group": MODEL, "value": 5000.01, "cap": 5000.0})]),
    # 3,500 + 3,500.01 = 7,000.01: over both
    ((3500, 3500.01), [(2, "MATERIALS_OVER_CAP", {"group": MODEL, "value": 7000.01, "cap": 7000.0})],
     [(2, "MATERIALS_OVER_CAP", {"group": MODEL, "value": 7000.01, "cap": 5000.0})]),
])
def test_swap_materials_cap(crit: Criteria, other: Criteria, prices: tuple[float, float],
                            fy: list[object], ot: list[object]) -> None:
    lines = [L(k, MATERIALS, "วัสดุ", 1, p, MODEL) for k, p in enumerate(prices, start=1)]
    assert check_budget(lines, crit, model_groups=[MODEL]).violations == fy
    assert check_budget(lines, other, model_groups=[MODEL]).violations == ot


def test_swap_registry_rule(crit: Criteria, other: Criteria) -> None:
    assert (crit.registry.committee_min, other.registry.committee_min) == (3, 5)


def test_swap_keeps_selection(crit: Criteria, other: Criteria) -> None:
    # same level names and years in both files: the same verdicts
    for sel, reasons in [(S(1, (2561,), level=MID), ()), (S(1, (2561,), level=LOW), (LV_LOW,)),
                         (S(2, (2558,), (2562,)), ()), (S(2, (2561,), level=DI), (CAT2,))]:
        assert eligibility(sel, crit).reasons == reasons
        assert eligibility(sel, other).reasons == reasons


# ---------------------------------------------------------------------------------------------- malformed criteria

FY2564_TEXT = files("kaset_xl.criteria").joinpath("fy2564.toml").read_text(encoding="utf-8")


def _edit(old: str, new: str, text: str = FY2564_TEXT) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _cut(start: str, end: str, text: str = FY2564_TEXT) -> str:
    """The text without the part from ``start`` up to (not including) ``end``."""
    i, j = text.index(start), text.index(end)
    assert i < j
    return text[:i] + text[j:]


def _load(tmp_path: Path, text: str | bytes) -> KasetError:
    p = tmp_path / "criteria-bad.toml"
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    with pytest.raises(KasetError) as info:
        load_criteria(path=p)
    err = info.value
    assert err.code == "CRITERIA_INVALID"
    assert err.file == str(p)
    assert err.params["where"]
    assert err.params["where"] in err.message_en and err.params["where"] in err.message_th
    return err


def _line_of(text: str, marker: str) -> str:
    """'line N' of the (single) line of ``text`` that holds ``marker`` (fy2564.toml may grow above it)."""
    assert text.count(marker) == 1
    return f"line {text[:text.index(marker)].count(chr(10)) + 1}"


@pytest.mark.parametrize(("text", "line"), [
    pytest.param("[meta]\nfiscal_year = 2564\n[programme\n", "line 3", id="unclosed-table"),
    pytest.param("[meta]\nfiscal_year = = 2564\n", "line 2", id="double-equals"),
    pytest.param('[meta]\nfiscal_year = 2564\nnote_th = "ยังไม่ปิด\n', "line 3", id="unterminated-string"),
    pytest.param(_edit("materials_cap = 7000.0 ", "materials_cap = 7,000 "), "materials_cap = 7,000",
                 id="thousands-comma"),
    pytest.param(_edit("[deadlines]", "[deadlines"), "[deadlines", id="fy2564-unclosed-table"),
])
def test_bad_toml_syntax(tmp_path: Path, text: str, line: str) -> None:
    if not line.startswith("line "):
        line = _line_of(text, line)  # in FY2564 today: line 36 and line 38
    err = _load(tmp_path, text)
    assert line in err.params["where"]


def test_bad_toml_where_reads_well(tmp_path: Path) -> None:
    err = _load(tmp_path, "[meta]\nfiscal_year = 2564\n[programme\n")
    assert err.params["where"] == "line 3, column 11"
    assert " at at " not in err.message_en and "ที่ at " not in err.message_th


@pytest.mark.parametrize(("text", "where"), [
    pytest.param(_cut("[deadlines]", "# Group selection"), "deadlines", id="no-deadlines"),
    pytest.param(_cut("[selection]", "# 3ก group"), "selection", id="no-selection"),
    pytest.param(_cut("[meta]", "# Rules of the farmer-group registry"), "meta", id="no-meta"),
    pytest.param(_cut("# Smart Farmer self-assessment", "# Budget:"), "smart_farmer", id="no-smart-farmer"),
    pytest.param(_edit('ksa3_4 = 2021-06-30', ''), "deadlines.ksa3_4", id="no-deadline-key"),
])
def test_missing_section(tmp_path: Path, text: str, where: str) -> None:
    assert _load(tmp_path, text).params["where"] == where


@pytest.mark.parametrize("text", [
    # ดี 40, ปานกลาง 50, ปรับปรุง 0: not from the highest down
    pytest.param(_edit('name = "ดี"\nmin_score = 80.0', 'name = "ดี"\nmin_score = 40.0'), id="not-descending"),
    # ดี 50, ปานกลาง 50: a repeat
    pytest.param(_edit('name = "ดี"\nmin_score = 80.0', 'name = "ดี"\nmin_score = 50.0'), id="repeat"),
    # ปรับปรุง 10: the lowest level must start at 0
    pytest.param(_edit("min_score = 0.0", "min_score = 10.0"), id="lowest-not-0"),
    # a duplicated indicator code
    pytest.param(_edit('{ code = "5.2", name = "การอนุรักษ์', '{ code = "5.1", name = "การอนุรักษ์'),
                 id="duplicate-indicator"),
])
def test_bad_levels_or_indicators(tmp_path: Path, text: str) -> None:
    assert _load(tmp_path, text).params["where"] == "assessment"


@pytest.mark.parametrize(("text", "where"), [
    pytest.param(_edit("materials_cap = 7000.0 ", "materials_cap = -1.0 "), "programme.materials_cap",
                 id="negative-materials-cap"),
    pytest.param(_edit("cap = 850.0", "cap = -850.0"), "budget.rates.0.cap", id="negative-rate-cap"),
    pytest.param(_edit("income_threshold = 180000.0 ", "income_threshold = -1.0 "),
                 "smart_farmer.income_threshold", id="negative-income"),
    pytest.param(_edit('{ code = "1.1", name = "โครงสร้างและคณะกรรมการกลุ่ม", points = 6.0 }',
                       '{ code = "1.1", name = "โครงสร้างและคณะกรรมการกลุ่ม", points = -6.0 }'),
                 "assessment.areas.0.indicators.0.points", id="negative-points"),
    pytest.param(_edit("members_phase1_per_group = 15 ", "members_phase1_per_group = -15 "),
                 "programme.members_phase1_per_group", id="negative-target"),
    pytest.param(_edit('top_level_rule = "maintain"', 'top_level_rule = "lenient"'),
                 "assessment.top_level_rule", id="unknown-top-level-rule"),
])
def test_bad_values(tmp_path: Path, text: str, where: str) -> None:
    assert _load(tmp_path, text).params["where"] == where


@pytest.mark.parametrize(("text", "where"), [
    pytest.param(_edit("materials_cap = 7000.0 ", "materials_caps = 7000.0 "), "programme.materials_caps",
                 id="typo-in-key"),
    pytest.param(_edit("districts = 4\n", "districts = 4\nprovinces = 1\n"), "programme.provinces",
                 id="unknown-key"),
    pytest.param(FY2564_TEXT + "\n[extras]\nx = 1\n", "extras", id="unknown-section"),
    pytest.param(_edit("cap = 850.0", "cap = 850.0\nvat = 7"), "budget.rates.0.vat", id="unknown-rate-key"),
])
def test_unknown_key(tmp_path: Path, text: str, where: str) -> None:
    assert _load(tmp_path, text).params["where"] == where


def test_not_utf8(tmp_path: Path) -> None:
    # a province saved the file as Windows Thai (cp874) instead of UTF-8
    text = '[meta]\nfiscal_year = 2564\nnote_th = "เกณฑ์ของจังหวัด"\n'
    assert _load(tmp_path, text.encode("cp874")).params["where"] == "-"


def test_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(KasetError) as info:
        load_criteria(path=tmp_path / "nowhere.toml")
    assert info.value.code == "FILE_NOT_FOUND"


def test_top_level_source_key_is_reported(tmp_path: Path) -> None:
    _load(tmp_path, 'source = "จังหวัดแม่ฮ่องสอน"\n' + FY2564_TEXT)


def test_selection_level_not_an_assessment_level(tmp_path: Path) -> None:
    p = tmp_path / "criteria-renamed.toml"
    p.write_text(_edit('category1_min_level = "ปานกลาง"', 'category1_min_level = "ปานกลางขึ้นไป"'), encoding="utf-8")
    try:
        c = load_criteria(path=p)
    except KasetError as err:  # the wanted behaviour
        assert err.code == "CRITERIA_INVALID" and err.params["where"].startswith("selection")
        return
    eligibility(S(1, (2561,), level=MID), c)  # today: ValueError from levels.index(...)
    pytest.fail("a criteria file with an unknown selection level was accepted")


def test_a_huge_budget_line_is_no_traceback() -> None:
    """Found by the fuzz test: a product of two large numbers ran out of decimal digits in quantize."""
    assert line_amount(BudgetLine(1, "phase1", "x", 1e20, 1e20)) == 1e40
    assert line_amount(BudgetLine(1, "phase1", "x", 1e200, 1e200)) is None  # beyond any float: not an amount
    assert line_amount(BudgetLine(1, "phase1", "x", 3, 33.335)) == 100.01
