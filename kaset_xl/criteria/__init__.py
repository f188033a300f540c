"""Criteria as data: one TOML file per fiscal year, validated by a pydantic schema.

``load_criteria(2564)`` returns the shipped file of that year (or of the nearest earlier year);
``load_criteria(path=...)`` reads a province's own file.  A malformed file raises KasetError with
the place of the problem in that file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from functools import cache, cached_property
from importlib.resources import files

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kaset_xl.fileio import read_small_file
from kaset_xl.issues import KasetError
from kaset_xl.workbook.establish_sheets import DOCUMENT_BAND, REGULATION_BAND, establish_tables

__all__ = [
    "Criteria", "CriteriaMeta", "RegistryRules", "EstablishmentRules", "ProgrammeTargets", "Deadlines",
    "SelectionRules",
    "Indicator", "Area", "Level", "AssessmentCriteria", "SfIndicator", "Qualification",
    "SmartFarmerCriteria", "Activity", "Rate", "BudgetCriteria", "load_criteria", "shipped_years",
]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CriteriaMeta(_Strict):
    fiscal_year: int = Field(ge=2500, le=2700)
    provisional: bool = True
    note_th: str = ""
    note_en: str = ""


class RegistryRules(_Strict):
    group_name_prefix: str = "กลุ่ม"
    committee_min: int = Field(3, ge=1)
    committee_required_roles: tuple[str, ...] = ("ประธาน", "เลขานุการ", "เหรัญญิก")
    member_role: str = "สมาชิก"
    members_min: int = Field(10, ge=1)
    member_age_min: int = Field(15, ge=0)
    member_age_max: int = Field(100, ge=1)
    earliest_date: dt.date = dt.date(1900, 1, 1)
    lat_min: float = 5.5
    lat_max: float = 20.5
    lon_min: float = 97.3
    lon_max: float = 105.7


class EstablishmentRules(_Strict):
    """Seed 004's establishment of a new group: who applies and what the application must hold."""

    group_name_prefix: str = "กลุ่ม"
    applicants_min: int = Field(10, ge=1)
    committee_min: int = Field(3, ge=1)
    committee_required_roles: tuple[str, ...] = ("ประธาน", "เลขานุการ", "เหรัญญิก")
    member_role: str = "สมาชิก"
    # Column keys of the establishment sheet that must be ใช่ (the regulation topics and the documents).
    regulations: tuple[str, ...] = ("reg_shares", "reg_activities", "reg_money", "reg_membership",
                                    "reg_election", "reg_term", "reg_leaving")
    documents: tuple[str, ...] = ("doc_request", "doc_regulations", "doc_committee", "doc_members", "doc_plan")


class ProgrammeTargets(_Strict):
    districts: int = Field(4, ge=0)
    groups: int = Field(4, ge=0)
    category1_groups: int = Field(1, ge=0)
    category2_groups: int = Field(3, ge=0)
    members_phase1_per_group: int = Field(15, ge=0)
    members_phase2_per_group: int = Field(10, ge=0)
    members_seminar_per_group: int = Field(10, ge=0)
    model_groups: int = Field(1, ge=0)
    materials_cap: float = Field(7000.0, ge=0)


class Deadlines(_Strict):
    ksa1_2: dt.date
    ksa3_4: dt.date


class SelectionRules(_Strict):
    past_programme_from: int
    past_programme_to: int
    smart_farmer_from: int
    smart_farmer_to: int
    category1_min_level: str
    category2_levels: tuple[str, ...]


class Indicator(_Strict):
    code: str
    name: str
    points: float = Field(gt=0)


class Area(_Strict):
    code: str
    name: str
    indicators: tuple[Indicator, ...] = Field(min_length=1)

    @property
    def points(self) -> float:
        return sum(i.points for i in self.indicators)


class Level(_Strict):
    name: str
    min_score: float = Field(ge=0)


class AssessmentCriteria(_Strict):
    provisional: bool = True
    top_level_rule: str = Field("maintain", pattern="^(maintain|strict)$")
    levels: tuple[Level, ...] = Field(min_length=2)
    areas: tuple[Area, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> AssessmentCriteria:
        mins = [lv.min_score for lv in self.levels]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("levels must go from the highest min_score down, without repeats")
        if mins[-1] != 0:
            raise ValueError("the lowest level must start at min_score = 0")
        codes = [i.code for a in self.areas for i in a.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("indicator codes must be unique")
        return self

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for a in self.areas for i in a.indicators)

    @property
    def max_score(self) -> float:
        return sum(a.points for a in self.areas)

    @property
    def level_names(self) -> tuple[str, ...]:
        """From the highest level down."""
        return tuple(lv.name for lv in self.levels)


class SfIndicator(_Strict):
    code: str
    name: str


class Qualification(_Strict):
    code: str
    name: str
    indicators: tuple[SfIndicator, ...] = Field(min_length=1)


class SmartFarmerCriteria(_Strict):
    provisional: bool = True
    income_threshold: float = Field(180000.0, ge=0)
    existing_min_per_qualification: int = Field(1, ge=1)
    model_requires_income: bool = True
    class_model: str = "Smart Farmer ต้นแบบ"
    class_existing: str = "Existing Smart Farmer"
    class_developing: str = "Developing Smart Farmer"
    qualifications: tuple[Qualification, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> SmartFarmerCriteria:
        codes = [i.code for q in self.qualifications for i in q.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("indicator codes must be unique")
        if any(len(q.indicators) < self.existing_min_per_qualification for q in self.qualifications):
            raise ValueError("a qualification has fewer indicators than existing_min_per_qualification")
        return self

    @cached_property
    def indicators(self) -> tuple[SfIndicator, ...]:
        return tuple(i for q in self.qualifications for i in q.indicators)

    @property
    def class_names(self) -> tuple[str, str, str]:
        return (self.class_model, self.class_existing, self.class_developing)


class Activity(_Strict):
    code: str
    name: str
    # The province's allocation for the fiscal year (baht), from its allocation letter; None: not known.
    # Materials default to materials_cap × model_groups when not given.
    allocation: float | None = Field(None, ge=0)


class Rate(_Strict):
    item: str
    unit: str
    cap: float = Field(ge=0)
    reference: str
    valid_from: dt.date
    valid_to: dt.date

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to


class BudgetCriteria(_Strict):
    activities: tuple[Activity, ...] = Field(min_length=1)
    rates: tuple[Rate, ...] = ()

    def rates_for(self, item: str) -> tuple[Rate, ...]:
        return tuple(r for r in self.rates if r.item == item)


class Criteria(_Strict):
    meta: CriteriaMeta
    registry: RegistryRules = RegistryRules()
    programme: ProgrammeTargets = ProgrammeTargets()
    establishment: EstablishmentRules = EstablishmentRules()
    deadlines: Deadlines
    selection: SelectionRules
    assessment: AssessmentCriteria
    smart_farmer: SmartFarmerCriteria
    budget: BudgetCriteria
    source: str = ""

    @property
    def provisional(self) -> bool:
        return self.meta.provisional or self.assessment.provisional or self.smart_farmer.provisional

    @model_validator(mode="after")
    def _one_group_definition(self) -> Criteria:
        """Seed 004 defines a group once: a new group's application and a registered group are held to
        the same name prefix, committee and minimum size, or a group established today would be an
        error in the registry tomorrow.  What ``[establishment]`` does not set is taken from
        ``[registry]``; what it sets differently is refused."""
        reg, est = self.registry, self.establishment
        shared = {"group_name_prefix": "group_name_prefix", "committee_min": "committee_min",
                  "committee_required_roles": "committee_required_roles", "member_role": "member_role",
                  "applicants_min": "members_min"}
        update = {}
        for est_name, reg_name in shared.items():
            mine, theirs = getattr(est, est_name), getattr(reg, reg_name)
            if est_name not in est.model_fields_set:
                update[est_name] = theirs
            elif mine != theirs:
                raise ValueError(f"[establishment] {est_name} = {mine!r} disagrees with [registry] {reg_name} = "
                                 f"{theirs!r} (one definition of a group)")
        if update:
            object.__setattr__(self, "establishment", est.model_copy(update=update))  # (frozen model)
        return self


_FILE = re.compile(r"^fy(\d{4})\.toml$")


@cache
def shipped_years() -> tuple[int, ...]:
    names = [p.name for p in files("kaset_xl.criteria").iterdir()]
    return tuple(sorted(int(m.group(1)) for n in names if (m := _FILE.match(n))))


def load_criteria(fiscal_year: int | None = None, *, path: str | os.PathLike[str] | None = None) -> Criteria:
    if path is not None:
        data = read_small_file(path)  # FILE_NOT_FOUND / FILE_UNREADABLE (also a FIFO, a device, a huge file)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise KasetError("CRITERIA_INVALID", file=str(path), where="-", detail=str(exc)[:160]) from None
        return _parse(text, str(path))
    return _shipped(fiscal_year)


@cache
def _shipped(fiscal_year: int | None) -> Criteria:
    years = shipped_years()
    usable = [y for y in years if fiscal_year is None or y <= fiscal_year] or [years[0]]
    year = max(usable)
    text = files("kaset_xl.criteria").joinpath(f"fy{year}.toml").read_text(encoding="utf-8")
    return _parse(text, f"kaset_xl/criteria/fy{year}.toml")


def _parse(text: str, source: str) -> Criteria:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        where = f"line {m[1]}, column {m[2]}" if m else "end of file"
        raise KasetError("CRITERIA_INVALID", file=source, where=where, detail=str(exc).split(" (")[0]) from None
    if "source" in raw:
        raise KasetError("CRITERIA_INVALID", file=source, where="source", detail="unknown key")
    try:
        crit = Criteria(**raw, source=source)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or "-"
        raise KasetError("CRITERIA_INVALID", file=source, where=where, detail=err["msg"]) from None
    levels = crit.assessment.level_names
    named = [("selection.category1_min_level", crit.selection.category1_min_level)]
    named += [(f"selection.category2_levels.{i}", n) for i, n in enumerate(crit.selection.category2_levels)]
    for where, name in named:
        if name not in levels:
            raise KasetError("CRITERIA_INVALID", file=source, where=where,
                             detail=f"“{name}” is not one of the 3ก levels ({', '.join(levels)})")
    _check_establishment(crit.establishment, source)
    return crit


def _check_establishment(rules: EstablishmentRules, source: str) -> None:
    """The regulation and document keys name ใช่/ไม่ใช่ columns of the establishment sheet."""
    establish = establish_tables()[0]
    for name, keys, band in (("regulations", rules.regulations, REGULATION_BAND),
                             ("documents", rules.documents, DOCUMENT_BAND)):
        known = [c.key for c in establish.columns if c.band == band]
        for i, key in enumerate(keys):
            if key not in known:
                raise KasetError("CRITERIA_INVALID", file=source, where=f"establishment.{name}.{i}",
                                 detail=f"“{key}” is not one of {', '.join(known)}")
