"""One district workbook → a small picklable summary (run in a worker process).

The workbook is read with python-calamine, checked with every rule and scored from the raw entries
(``domain.rules.check_all``: the same rules as ``validate`` and the same results as ``score``, in one pass);
cached formula values are never read.  Only plain data leaves the worker — no openpyxl or calamine
objects — so the parent process stays small.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaset_xl.criteria import Criteria, load_criteria
from kaset_xl.domain.establish import ApplicationSummary, summarize_applications
from kaset_xl.issues import KasetError, Severity
from kaset_xl.normalize import fiscal_year_be, name_key
from kaset_xl.workbook.sniff import sha256_of

if TYPE_CHECKING:
    from kaset_xl.domain.programme import GroupResult

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
    phase2_sf: int = 0  # phase-2 attendees who passed Smart Farmer ("Smart Farmer passed and trained")
    seminar: int = 0
    sf_model: int = 0
    sf_existing: int = 0
    sf_developing: int = 0
    ifpp_complete: int = 0
    ifpp_total: int = 0
    materials: float = 0.0
    model: bool = False
    learning_centre: bool = False
    registered: bool = True  # False: rows naming a group that is not in ทะเบียนกลุ่ม ("unknown group")
    notes: tuple[str, ...] = ()  # codes of what the figures leave out (ROUND1_INCOMPLETE …), shown in กสอ.3


@dataclass
class FileSummary:
    path: str
    name: str
    size: int
    sha256: str
    mtime: float
    fatal: IssueRow | None = None
    saved_at: float | None = None  # the workbook's own last-saved time (docProps/core.xml), POSIX seconds
    file_id: tuple[int, int] | None = None  # (device, inode): the same file reached by two paths
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
    persons: list[Person] = field(default_factory=list)  # members with a valid citizen ID (duplicate matching)
    unchecked_ids: int = 0  # members whose citizen ID fails its format or check digit: counted, not matched
    materials_not_model: float = 0.0  # materials bought for a group that is not the model group (flagged)
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
    def registered_groups(self) -> list[GroupSummary]:
        return [g for g in self.groups if g.registered]

    @property
    def unregistered_groups(self) -> list[GroupSummary]:
        return [g for g in self.groups if not g.registered]

    @property
    def empty(self) -> bool:
        return (self.usable and not self.registry_groups and not self.members and not self.groups
                and not self.new_groups)


_key = name_key


def unread_summary(p: Path, fatal: IssueRow | None = None) -> FileSummary:
    """A file's summary with only its provenance (name, size, sha256, modification time) filled in."""
    try:
        st = os.stat(p)
        # only a regular file is hashed: opening a FIFO (or a device) could block for ever
        digest = sha256_of(p) if stat.S_ISREG(st.st_mode) else ""
        size, mtime, file_id = st.st_size, st.st_mtime, (st.st_dev, st.st_ino)
    except OSError:
        size, mtime, digest, file_id = 0, 0.0, "", None
    return FileSummary(path=str(p), name=p.name, size=size, sha256=digest, mtime=mtime, fatal=fatal,
                       issues=[fatal] if fatal else [], file_id=file_id)


def saved_at(modified: str) -> float | None:
    """The workbook's own last-saved time (``dcterms:modified`` of docProps/core.xml, which Excel and
    LibreOffice set on every save, as the reader found it in the bytes it read) in POSIX seconds, or None."""
    if not modified:
        return None
    try:
        stamp = dt.datetime.fromisoformat(modified.replace("Z", "+00:00"))
    except ValueError:  # no readable stamp: the file time decides
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.timestamp()


@lru_cache(maxsize=8)
def _criteria(path: str) -> Criteria:
    return load_criteria(path=path)


def _members(out: FileSummary, members: list[Any]) -> dict[str, int]:
    """Count the members (a person listed twice in one group counts once) into ``out``; return the count
    per group name.  Only a citizen ID that passes its check digit is matched across districts."""
    from kaset_xl.domain.registry import citizen_id_problem

    per_group: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for m in members:
        if not (m.citizen_id or m.first_name or m.last_name):
            continue
        group = _key(m.group)
        checkable = bool(m.citizen_id) and citizen_id_problem(m.citizen_id) in (None, "CITIZEN_ID_PREFIX")
        if checkable:
            if (group, m.citizen_id) in seen:  # PERSON_DUPLICATE: the repeated row is not one more member
                continue
            seen.add((group, m.citizen_id))
            out.persons.append(Person(m.citizen_id, m.full_name, group))
        elif m.citizen_id:
            out.unchecked_ids += 1
        out.members += 1
        per_group[group] = per_group.get(group, 0) + 1
    return per_group


def _group(g: GroupResult, per_group: dict[str, int], crit: Criteria, *, registered: bool) -> GroupSummary:
    """One group's figures; a 3ก round with unscored indicators gives no score and no level."""
    sf = crit.smart_farmer
    r1 = g.round1 if g.round1 is not None and g.round1.complete else None
    r2 = g.round2 if g.round2 is not None and g.round2.complete else None
    notes = tuple(code for code, partial in (("ROUND1_INCOMPLETE", g.round1 is not None and r1 is None),
                                             ("ROUND2_INCOMPLETE", g.round2 is not None and r2 is None)) if partial)
    change = g.change if r1 is not None and r2 is not None else None
    return GroupSummary(
        name=g.name, category=g.category, members=per_group.get(g.name, 0),
        round1=r1.total if r1 else None, round1_level=r1.level if r1 else None,
        round2=r2.total if r2 else None, round2_level=r2.level if r2 else None,
        change=change.steps if change else None, goal_met=change.met if change else None,
        phase1=g.counts.phase1, phase2=g.counts.phase2, phase2_sf=g.counts.phase2_sf, seminar=g.counts.seminar,
        sf_model=g.sf_classes[sf.class_model], sf_existing=g.sf_classes[sf.class_existing],
        sf_developing=g.sf_classes[sf.class_developing], ifpp_complete=g.ifpp_complete,
        ifpp_total=g.ifpp_total, materials=g.materials, model=g.model, learning_centre=g.learning_centre,
        registered=registered, notes=notes)


def summarise_file(path: str, criteria_path: str | None = None, today: dt.date | None = None) -> FileSummary:
    """Read, check and score one workbook; a file that cannot be used gives a summary with ``fatal``.

    ``criteria_path``: a province's own criteria file instead of the shipped criteria of the workbook's
    fiscal year (a path, so that it travels to worker processes); ``today``: the day dates are
    checked against (default: today).
    """
    from kaset_xl.domain.programme import GroupResult
    from kaset_xl.domain.rules import check_all
    from kaset_xl.workbook.reader import read_district_workbook

    p = Path(path)
    if p.is_dir():  # a folder among the inputs that could not be listed (collect_inputs)
        try:
            os.listdir(p)
            reason = "a folder"
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
        exc_ = KasetError("FILE_UNREADABLE", file=str(p), reason=reason)
        return unread_summary(p, IssueRow(exc_.code, Severity.FATAL.value, exc_.message_th, exc_.message_en))
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
        st = os.stat(p)
        mtime, file_id = st.st_mtime, (st.st_dev, st.st_ino)
    except OSError:  # gone since it was read
        mtime, file_id = 0.0, None
    out = FileSummary(path=str(p), name=p.name, size=book.size, sha256=book.sha256, mtime=mtime,
                      saved_at=saved_at(book.modified), file_id=file_id)
    ident = book.identity
    out.template_id, out.template_version = ident.template_id, ident.template_version
    out.province_code, out.district_code, out.fiscal_year = ident.province_code, ident.district_code, ident.fiscal_year
    out.report_date = book.info.report_date
    out.issues = [IssueRow(i.code, i.severity.value, i.message_th, i.message_en, i.sheet or "", i.cell or "")
                  for i in [*book.issues, *found]]
    registry = {_key(g.name) for g in book.groups if g.name}
    out.registry_groups = len(registry)
    per_group = _members(out, book.members)
    out.groups = [_group(g, per_group, crit, registered=True) for g in result.groups if g.name in registry]
    # rows naming a group not in the registry: counted under that name, marked "not in the registry"
    unknown = {g.name: g for g in result.unregistered}
    for g in result.groups:  # a selection row of an unknown group: its category and eligibility
        if g.name not in registry:
            unknown.setdefault(g.name, g)
            for attr in ("category", "eligible", "learning_centre"):
                setattr(unknown[g.name], attr, getattr(g, attr))
    for name in sorted(set(unknown) | {n for n in per_group if n not in registry}):
        g = unknown.get(name) or GroupResult(name=name)
        out.groups.append(_group(g, per_group, crit, registered=False))
    materials = result.budget.by_activity.get("materials", 0.0)
    model = sum(result.budget.materials_by_group.get(n, 0.0) for n in result.model_groups)
    out.materials_not_model = round(float(materials) - model, 2)
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
