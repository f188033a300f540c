"""The FY programme over a district workbook: selection, 3ก rounds, Smart Farmer, phases, IFPP,
budget and KPIs — every violation an issue at a cell, every result a number the score writes.

Pure: takes what the reader read (``DistrictBook``) and the criteria; calls the small scoring
functions of the sibling modules; never touches a file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kaset_xl.criteria import Criteria
from kaset_xl.domain.assessment import AssessmentScore, LevelChange, level_change, score_assessment
from kaset_xl.domain.budget import BudgetLine, BudgetReport, check_budget
from kaset_xl.domain.ifpp import IfppStatus, ifpp_status
from kaset_xl.domain.kpi import Kpi, compute_kpis
from kaset_xl.domain.phases import Attendance, PhaseCounts, PhaseReport, check_phases
from kaset_xl.domain.selection import Eligibility, SelectionInput, eligibility
from kaset_xl.domain.smart_farmer import SmartFarmerResult, classify
from kaset_xl.normalize import format_be, name_key, thai_digits_to_ascii
from kaset_xl.workbook.programme_sheets import CAPABILITY_AREAS, assessment_key, capable_key, sf_key

if TYPE_CHECKING:
    from kaset_xl.domain.registry import Checker

__all__ = ["ProgrammeResult", "GroupResult", "AssessmentRow", "evaluate_programme", "parse_years",
           "IFPP_SECTION_TH"]

IFPP_SECTION_TH = {
    "goal": "เป้าหมาย", "production": "แผนการผลิต", "marketing": "แผนการตลาด", "management": "การบริหารจัดการ",
    "social_env": "สังคมและสิ่งแวดล้อม", "cost": "ต้นทุน", "revenue": "รายได้", "contingency": "แผนสำรอง",
    "linked_activity": "กิจกรรมกลุ่มที่เชื่อมโยง",
}
PHASE_TH = {"phase1": "ระยะที่ 1", "phase2": "ระยะที่ 2", "seminar": "สัมมนาเครือข่าย"}
_YEAR = re.compile(r"\d{4}")


def parse_years(text: str | None) -> tuple[int, ...] | None:
    """'2561, 2562' → (2561, 2562); None when the text holds no 4-digit year."""
    if not text:
        return ()
    years = tuple(int(y) for y in _YEAR.findall(thai_digits_to_ascii(text)))
    return years or None


@dataclass(frozen=True)
class AssessmentRow:
    row: int
    group: str
    round: int
    score: AssessmentScore


@dataclass
class GroupResult:
    name: str
    category: int | None = None
    eligible: bool | None = None
    round1: AssessmentScore | None = None
    round2: AssessmentScore | None = None
    change: LevelChange | None = None
    counts: PhaseCounts = field(default_factory=PhaseCounts)
    sf_classes: Counter[str] = field(default_factory=Counter)
    ifpp_complete: int = 0
    ifpp_total: int = 0
    materials: float = 0.0
    model: bool = False
    learning_centre: bool = False


@dataclass
class ProgrammeResult:
    assessments: list[AssessmentRow] = field(default_factory=list)
    selection: dict[int, Eligibility] = field(default_factory=dict)  # selection-sheet row → result
    smart_farmer: dict[int, SmartFarmerResult] = field(default_factory=dict)  # SF-sheet row → class
    ifpp: dict[int, IfppStatus] = field(default_factory=dict)  # IFPP-sheet row → status
    phases: PhaseReport = field(default_factory=PhaseReport)
    budget: BudgetReport = field(default_factory=BudgetReport)
    kpi: Kpi | None = None
    groups: list[GroupResult] = field(default_factory=list)
    model_groups: list[str] = field(default_factory=list)
    # rows naming a group that is not in the registry (GROUP_UNKNOWN), gathered per name as typed: the
    # provincial report counts them under "unknown group" instead of dropping them
    unregistered: list[GroupResult] = field(default_factory=list)


def _first_rows(rows: list[dict[str, Any]], key: str, c: Checker, table: str) -> list[dict[str, Any]]:
    """Rows whose ``key`` value appears for the first time; a repeat is ROW_DUPLICATE."""
    seen: dict[str, int] = {}
    out = []
    for r in rows:
        v = r.get(key)
        if v is None:
            continue
        k = name_key(str(v))
        if k in seen:
            c.add("ROW_DUPLICATE", table, key, r["row"], value=v, other_row=seen[k])
            continue
        seen[k] = r["row"]
        out.append(r)
    return out


def evaluate_programme(c: Checker, crit: Criteria) -> ProgrammeResult:
    """The programme's rules and results over the checked book, one section of the manual after the other."""
    return _Programme(c, crit).evaluate()


_SELECTION_COLUMN = {"SELECTION_NOT_PAST_PROGRAMME": "past_programme_years",
                     "SELECTION_ALREADY_SMART_GROUP": "smart_group", "SELECTION_LEVEL_MISSING": "past_level",
                     "SELECTION_LEVEL_TOO_LOW": "past_level", "SELECTION_CATEGORY2_SOURCE": "smart_farmer_years"}
_BUDGET_COLUMN = {"BUDGET_RATE_EXCEEDED": "unit_price", "BUDGET_RATE_NOT_VALID": "item",
                  "MATERIALS_NOT_MODEL_GROUP": "group", "MATERIALS_OVER_CAP": "unit_price"}


class _Programme:
    """One evaluation: the sections share the book, the result and the per-group results they fill in."""

    def __init__(self, c: Checker, crit: Criteria) -> None:
        self.c, self.crit, self.book = c, crit, c.book
        self.res = ProgrammeResult()
        self.member_group = {m.citizen_id: name_key(m.group) for m in self.book.members if m.citizen_id and m.group}
        self.known_groups = c.group_names
        self.groups: dict[str, GroupResult] = {}
        self.unregistered: dict[str, GroupResult] = {}
        self.sel_rows: list[dict[str, Any]] = []
        self.selected: set[str] = set()
        self.seen_rounds: dict[tuple[str, int], dict[str, Any]] = {}
        self.sf_by_id: dict[str, SmartFarmerResult] = {}
        self.ifpp_ids: set[str] = set()
        self.part_rows: list[dict[str, Any]] = []

    def group(self, name: str) -> GroupResult:
        g = self.groups.get(name)
        if g is None:  # not setdefault: a GroupResult (and its Counter) per call costs more than the lookup
            g = self.groups[name] = GroupResult(name=name)
        return g

    def other(self, name: str) -> GroupResult:
        """The results of rows naming a group that is not in the registry, per name as typed."""
        g = self.unregistered.get(name)
        if g is None:
            g = self.unregistered[name] = GroupResult(name=name)
        return g

    def bucket(self, name: str) -> GroupResult:
        return self.group(name) if name in self.known_groups else self.other(name)

    def evaluate(self) -> ProgrammeResult:
        self.selection()
        self.assessments()
        self.level_changes()
        self.smart_farmer()
        self.ifpp()
        self.participation()
        self.budget()
        self.kpis()
        order = {name_key(g.name): i for i, g in enumerate(self.book.groups) if g.name}
        self.res.groups = sorted(self.groups.values(), key=lambda g: order.get(g.name, 10**6))
        for g in self.unregistered.values():
            if g.round1 and g.round2:
                g.change = level_change(g.round1, g.round2, self.crit.assessment)
        self.res.unregistered = [self.unregistered[n] for n in sorted(self.unregistered)]
        return self.res

    # -------------------------------------------------------------- selection (5.1.1)
    def selection(self) -> None:
        c, crit = self.c, self.crit
        self.sel_rows = sel_rows = _first_rows(self.book.table_rows("selection"), "group", c, "selection")
        rules = crit.selection
        for r in sel_rows:
            name = name_key(r["group"])
            years = {}
            for key in ("past_programme_years", "smart_farmer_years"):
                years[key] = parse_years(r.get(key))
                if years[key] is None:
                    c.add("YEARS_INVALID", "selection", key, r["row"], value=r.get(key))
            sel = SelectionInput(
                category=r.get("category"), past_programme_years=years["past_programme_years"] or (),
                smart_farmer_years=years["smart_farmer_years"] or (), past_level=r.get("past_level"),
                smart_group=bool(r.get("smart_group")), smart_group_model=bool(r.get("smart_group_model")))
            result = eligibility(sel, crit)
            self.res.selection[r["row"]] = result
            g = self.group(name)
            g.category, g.eligible = sel.category, result.eligible
            g.learning_centre = bool(r.get("learning_centre"))
            for code in result.reasons:
                if code in _SELECTION_COLUMN and name in self.known_groups:
                    c.add(code, "selection", _SELECTION_COLUMN[code], r["row"], low=rules.past_programme_from,
                          high=rules.past_programme_to, sf_low=rules.smart_farmer_from, sf_high=rules.smart_farmer_to,
                          levels=" / ".join(rules.category2_levels), minimum=rules.category1_min_level,
                          value=r.get("past_level") or "")
        targets = {1: crit.programme.category1_groups, 2: crit.programme.category2_groups}
        per_category = Counter(r.get("category") for r in sel_rows)
        for cat, target in targets.items():
            if per_category[cat] > target:
                last = [r for r in sel_rows if r.get("category") == cat][-1]
                c.add("SELECTION_OVER_TARGET", "selection", "category", last["row"], category=cat,
                      count=per_category[cat], target=target)
        self.selected = {name_key(r["group"]) for r in sel_rows}

    # -------------------------------------------------------------- 3ก rounds
    def assessments(self) -> None:
        c, crit = self.c, self.crit
        assessment_keys = [(i.code, assessment_key(i.code)) for i in crit.assessment.indicators]
        for r in self.book.table_rows("assessment"):
            if r.get("group") is None or r.get("round") not in (1, 2):
                continue
            name = name_key(r["group"])
            k = (name, r["round"])
            if k in self.seen_rounds:
                c.add("ASSESSMENT_DUPLICATE", "assessment", "round", r["row"], value=r["group"], round=r["round"],
                      other_row=self.seen_rounds[k]["row"])
                continue
            self.seen_rounds[k] = r
            scores = {code: r.get(key) for code, key in assessment_keys}
            score = score_assessment(scores, crit.assessment)
            self.res.assessments.append(AssessmentRow(row=r["row"], group=name, round=r["round"], score=score))
            if not score.complete:
                c.add("ASSESSMENT_INCOMPLETE", "assessment", "group", r["row"], missing=", ".join(score.missing))
            setattr(self.bucket(name), f"round{r['round']}", score)
        for name in sorted(self.selected & self.known_groups):
            if (name, 1) not in self.seen_rounds:
                c.add("ASSESSMENT_ROUND_MISSING", "selection", "group",
                      next(r["row"] for r in self.sel_rows if name_key(r["group"]) == name), value=name)

    def level_changes(self) -> None:
        """Round 2 after round 1, and the level raised (seed 000: at least one level)."""
        c = self.c
        for (name, rnd), r2 in self.seen_rounds.items():
            r1 = self.seen_rounds.get((name, 1))
            if rnd != 2 or r1 is None:
                continue
            if r1.get("date") and r2.get("date") and r2["date"] < r1["date"]:
                c.add("ASSESSMENT_ROUND_ORDER", "assessment", "date", r2["row"], value=format_be(r2["date"]),
                      first=format_be(r1["date"]))
            g = self.groups.get(name)
            if g is not None and g.round1 and g.round2:
                g.change = level_change(g.round1, g.round2, self.crit.assessment)
                if not g.change.met:
                    c.add("LEVEL_NOT_RAISED", "assessment", "group", r2["row"], value=name, before=g.round1.level,
                          after=g.round2.level)

    # -------------------------------------------------------------- Smart Farmer self-assessment
    def smart_farmer(self) -> None:
        c, crit = self.c, self.crit
        sf_keys = [(i.code, sf_key(i.code)) for i in crit.smart_farmer.indicators]
        for r in _first_rows(self.book.table_rows("smart_farmer"), "citizen_id", c, "smart_farmer"):
            passes = {code: r.get(key) for code, key in sf_keys}
            result = classify(passes, r.get("income"), crit.smart_farmer)
            self.res.smart_farmer[r["row"]] = result
            self.sf_by_id[r["citizen_id"]] = result
            if not all(v is not None for v in passes.values()):
                c.add("SF_INCOMPLETE", "smart_farmer", "citizen_id", r["row"])
            if (g_name := self.member_group.get(r["citizen_id"])) is not None:
                self.bucket(g_name).sf_classes[result.cls] += 1

    # -------------------------------------------------------------- IFPP
    def ifpp(self) -> None:
        c = self.c
        for r in _first_rows(self.book.table_rows("ifpp"), "citizen_id", c, "ifpp"):
            status = ifpp_status(r)
            self.res.ifpp[r["row"]] = status
            self.ifpp_ids.add(r["citizen_id"])
            if status.missing:
                c.add("IFPP_INCOMPLETE", "ifpp", "citizen_id", r["row"],
                      missing=", ".join(IFPP_SECTION_TH[m] for m in status.missing),
                      missing_en=", ".join(status.missing))
            if (g_name := self.member_group.get(r["citizen_id"])) is not None:
                bucket = self.bucket(g_name)
                bucket.ifpp_total += 1
                bucket.ifpp_complete += status.complete

    # -------------------------------------------------------------- participation (5.1.2–5.1.5)
    def participation(self) -> None:
        c, member_group = self.c, self.member_group
        self.part_rows = [r for r in _first_rows(self.book.table_rows("participation"), "citizen_id", c,
                                                 "participation")
                          if r["citizen_id"] in member_group]
        attendance = []
        row_of: dict[str, dict[str, Any]] = {}
        for r in self.part_rows:
            cid = r["citizen_id"]
            row_of[cid] = r
            sf = self.sf_by_id.get(cid)
            attendance.append(Attendance(key=cid, group=member_group[cid], phase1=bool(r.get("phase1")),
                                         phase2=bool(r.get("phase2")), seminar=bool(r.get("seminar")),
                                         sf_passed=sf.passed if sf else None))
            if self.selected and member_group[cid] not in self.selected and any(
                    r.get(k) for k in ("phase1", "phase2", "seminar")):
                c.add("PARTICIPANT_GROUP_NOT_SELECTED", "participation", "citizen_id", r["row"],
                      value=member_group[cid])
            if r.get("phase1") and cid not in self.ifpp_ids:
                c.add("IFPP_MISSING", "participation", "phase1", r["row"])
        self.res.phases = phases = check_phases(attendance, self.crit.programme)
        for cid, code in phases.violations:
            column = "seminar" if code == "SEMINAR_NOT_PHASE2" else "phase2"
            c.add(code, "participation", column, row_of[cid]["row"])
        registry_row = {name_key(g.name): g.row for g in self.book.groups if g.name}
        for name, phase, count, target in phases.off_target:
            if name in registry_row:
                c.add("PHASE_COUNT_OFF_TARGET", "groups", "name", registry_row[name], value=name,
                      phase=PHASE_TH[phase], phase_en=phase, count=count, target=target)
        for name, counts in phases.counts.items():
            self.bucket(name).counts = counts

    # -------------------------------------------------------------- model group and budget (5.1.4)
    def budget(self) -> None:
        groups, res = self.groups, self.res
        res.model_groups = sorted(n for n, g in groups.items()
                                  if g.category == 1 and g.eligible and g.counts.phase1 and g.counts.phase2)
        for n in res.model_groups:
            groups[n].model = True
        activity_code = {a.name: a.code for a in self.crit.budget.activities}
        lines = [BudgetLine(key=r["row"], activity=activity_code.get(r.get("activity") or ""), item=r.get("item"),
                            quantity=r.get("quantity"), unit_price=r.get("unit_price"),
                            group=name_key(r.get("group")) or None, date=r.get("date"))
                 for r in self.book.table_rows("budget")]
        res.budget = check_budget(lines, self.crit, model_groups=res.model_groups)
        for row, code, params in res.budget.violations:
            shown = {k: (f"{v:,.2f}" if isinstance(v, float) else v) for k, v in params.items()}
            self.c.add(code, "budget", _BUDGET_COLUMN[code], row, **shown)
        for n, amount in res.budget.materials_by_group.items():
            if n in groups:
                groups[n].materials = amount
            elif n not in self.known_groups:
                self.other(n).materials = amount

    # -------------------------------------------------------------- KPIs
    def kpis(self) -> None:
        caps = [[r.get(capable_key(k)) for k in range(1, CAPABILITY_AREAS + 1)] for r in self.part_rows]
        self.res.kpi = compute_kpis(caps, sum(1 for g in self.groups.values() if g.learning_centre))
