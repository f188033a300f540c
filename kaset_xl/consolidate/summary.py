"""One district workbook → a small picklable summary (run in a worker process).

The workbook is read with python-calamine, checked with every rule and scored from the raw entries
(``domain.rules.check_all``: the same rules as ``validate`` and the same results as ``score``, in one pass);
cached formula values are never read.  Only plain data leaves the worker — no openpyxl or calamine
objects — so the parent process stays small.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kaset_xl.criteria import Criteria, load_criteria
from kaset_xl.domain.establish import ApplicationSummary, summarize_applications
from kaset_xl.issues import KasetError, Severity
from kaset_xl.normalize import fiscal_year_be
from kaset_xl.workbook.sniff import sha256_of

__all__ = ["FileSummary", "GroupSummary", "IssueRow", "Person", "summarise_file", "unread_summary"]


@dataclass(frozen=True)
class IssueRow:
    code: str
    severity: str  # fatal | error | warning
    message_th: str
    message_en: str
    sheet: str = ""
    cell: str = ""


@dataclass(frozen=True)
class Person:
    citizen_id: str
    name: str
    group: str


@dataclass
class GroupSummary:
    name: str
    category: int | None = None
    members: int = 0
    round1: float | None = None
    round1_level: str | None = None
    round2: float | None = None
    round2_level: str | None = None
    change: int | None = None
    goal_met: bool | None = None
    phase1: int = 0
    phase2: int = 0
    seminar: int = 0
    sf_model: int = 0
    sf_existing: int = 0
    sf_developing: int = 0
    ifpp_complete: int = 0
    ifpp_total: int = 0
    materials: float = 0.0
    model: bool = False
    learning_centre: bool = False


@dataclass
class FileSummary:
    path: str
    name: str
    size: int
    sha256: str
    mtime: float
    fatal: IssueRow | None = None
    template_id: str = ""
    template_version: str = ""
    province_code: str = ""
    district_code: str = ""
    fiscal_year: int | None = None
    report_date: dt.date | None = None
    issues: list[IssueRow] = field(default_factory=list)
    groups: list[GroupSummary] = field(default_factory=list)  # programme groups (selected / assessed)
    registry_groups: int = 0
    members: int = 0
    round2_entered: bool = False
    kpi_evaluated: int = 0
    kpi_capable: tuple[int, ...] = (0, 0, 0, 0, 0)
    kpi_percent: tuple[float | None, ...] = (None, None, None, None, None)
    learning_centres: int = 0
    budget: dict[str, float] = field(default_factory=dict)  # activity code → baht used
    budget_total: float = 0.0
    persons: list[Person] = field(default_factory=list)
    new_groups: list[ApplicationSummary] = field(default_factory=list)  # approved establishment applications

    @property
    def usable(self) -> bool:
        return self.fatal is None

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity == Severity.ERROR.value)

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.severity == Severity.WARNING.value)

    @property
    def empty(self) -> bool:
        return (self.usable and not self.registry_groups and not self.members and not self.groups
                and not self.new_groups)


def _key(text: str | None) -> str:
    return " ".join((text or "").split())


def unread_summary(p: Path, fatal: IssueRow | None = None) -> FileSummary:
    """A file's summary with only its provenance (name, size, sha256, modification time) filled in."""
    try:
        st = os.stat(p)
        size, mtime, digest = st.st_size, st.st_mtime, sha256_of(p)
    except OSError:
        size, mtime, digest = 0, 0.0, ""
    return FileSummary(path=str(p), name=p.name, size=size, sha256=digest, mtime=mtime, fatal=fatal,
                       issues=[fatal] if fatal else [])


@lru_cache(maxsize=8)
def _criteria(path: str) -> Criteria:
    return load_criteria(path=path)


def summarise_file(path: str, criteria_path: str | None = None, today: dt.date | None = None) -> FileSummary:
    """Read, check and score one workbook; a file that cannot be used gives a summary with ``fatal``.

    ``criteria_path``: a province's own criteria file instead of the shipped criteria of the workbook's
    fiscal year (a path, so that it travels to worker processes); ``today``: the day dates are
    checked against (default: today).
    """
    from kaset_xl.domain.rules import check_all
    from kaset_xl.workbook.reader import read_district_workbook

    p = Path(path)
    try:
        book = read_district_workbook(p, criteria=_criteria(criteria_path) if criteria_path else None)
        crit = book.criteria
        assert crit is not None
        found, result = check_all(book, crit, today=today)
    except KasetError as exc:
        return unread_summary(p, IssueRow(exc.code, Severity.FATAL.value, exc.message_th, exc.message_en))
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the province
        return unread_summary(p, IssueRow(
            "FILE_CORRUPT", Severity.FATAL.value, f"อ่านไฟล์ไม่ได้: {type(exc).__name__}",
            f"cannot read the file: {type(exc).__name__}: {' '.join(str(exc).split())[:160]}"))
    # provenance: the size and hash of exactly the bytes that were checked and read
    try:
        mtime = os.stat(p).st_mtime
    except OSError:  # gone since it was read
        mtime = 0.0
    out = FileSummary(path=str(p), name=p.name, size=book.size, sha256=book.sha256, mtime=mtime)
    ident = book.identity
    out.template_id, out.template_version = ident.template_id, ident.template_version
    out.province_code, out.district_code, out.fiscal_year = ident.province_code, ident.district_code, ident.fiscal_year
    out.report_date = book.info.report_date
    out.issues = [IssueRow(i.code, i.severity.value, i.message_th, i.message_en, i.sheet or "", i.cell or "")
                  for i in [*book.issues, *found]]
    out.registry_groups = sum(1 for g in book.groups if g.name)
    members = [m for m in book.members if m.citizen_id or m.first_name or m.last_name]
    out.members = len(members)
    per_group: dict[str, int] = {}
    for m in members:
        group = _key(m.group)
        per_group[group] = per_group.get(group, 0) + 1
        if m.citizen_id:
            out.persons.append(Person(m.citizen_id, m.full_name, group))
    sf = crit.smart_farmer
    for g in result.groups:
        out.groups.append(GroupSummary(
            name=g.name, category=g.category, members=per_group.get(g.name, 0),
            round1=g.round1.total if g.round1 else None, round1_level=g.round1.level if g.round1 else None,
            round2=g.round2.total if g.round2 else None, round2_level=g.round2.level if g.round2 else None,
            change=g.change.steps if g.change else None, goal_met=g.change.met if g.change else None,
            phase1=g.counts.phase1, phase2=g.counts.phase2, seminar=g.counts.seminar,
            sf_model=g.sf_classes[sf.class_model], sf_existing=g.sf_classes[sf.class_existing],
            sf_developing=g.sf_classes[sf.class_developing], ifpp_complete=g.ifpp_complete,
            ifpp_total=g.ifpp_total, materials=g.materials, model=g.model, learning_centre=g.learning_centre))
    out.round2_entered = any(a.round == 2 for a in result.assessments)
    if result.kpi is not None:
        out.kpi_evaluated = result.kpi.evaluated
        out.kpi_capable = tuple(result.kpi.capable)
        out.kpi_percent = tuple(result.kpi.percent)
        out.learning_centres = result.kpi.learning_centres
    out.budget = {a.code: float(result.budget.by_activity.get(a.code, 0.0)) for a in crit.budget.activities}
    out.budget_total = float(result.budget.total)
    # new groups of this fiscal year: a certificate of another year belongs to that year's report
    out.new_groups = [a for a in summarize_applications(book.table_rows("establish"), book.table_rows("applicants"),
                                                        crit.establishment)
                      if a.approved and (a.certificate_date is None
                                         or fiscal_year_be(a.certificate_date) == ident.fiscal_year)]
    return out
