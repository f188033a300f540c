"""Rules of the establishment of a new group (seed 004): the application, its applicants and the
district's decision — every problem an issue at a cell.

Pure: takes the typed rows the reader read (sheets จัดตั้งกลุ่ม and ผู้ขอจัดตั้ง) and the criteria
(``[establishment]``); never touches a file.

Severities.  What the application must hold (10 applicants, the committee, the regulation topics,
the five documents) is a *warning* while the application is pending (the tambon officer is still
collecting it) and an *error* once the district has approved it (a certificate was issued on an
incomplete file): the ``…_APPROVED`` codes.  A rejected application is not checked for
completeness (what is missing may be why it was rejected) nor for its name (it may be applied for
again under the same name).  Contradictions are errors whatever the
decision: a certificate dated before the check, a certificate number used twice in the district,
an approval without its certificate, an applicant of no application, a name not starting with
"กลุ่ม" (on an application not rejected).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kaset_xl.areas import normalize_tambon
from kaset_xl.criteria import Criteria, EstablishmentRules
from kaset_xl.domain.registry import ROLE_EN, name_key, unique_people
from kaset_xl.normalize import fiscal_year_be, format_be, thai_digits_to_ascii
from kaset_xl.workbook.establish_sheets import APPROVED, PENDING, REJECTED

if TYPE_CHECKING:
    from kaset_xl.domain.registry import Checker
    from kaset_xl.workbook.layout import Table

__all__ = ["ApplicationSummary", "summarize_applications", "check_establishment", "certificate_key",
           "committee_problems", "applicant_people"]

_key = name_key


def certificate_key(number: str | None) -> str:
    """A certificate number as compared for reuse: Thai digits as ASCII, spaces and case folded."""
    return "".join(thai_digits_to_ascii(number or "").split()).casefold()


def applicant_people(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One row per person: a later row repeating a checkable citizen ID is left out."""
    return unique_people(rows, lambda r: r.get("citizen_id"))


def committee_problems(applicants: Sequence[Mapping[str, Any]],
                       rules: EstablishmentRules) -> tuple[int, tuple[str, ...]]:
    """(committee size, required roles nobody holds) of one application's applicants."""
    committee = [a for a in applicant_people(applicants) if a.get("role") and a.get("role") != rules.member_role]
    held = {a.get("role") for a in committee}
    return len(committee), tuple(r for r in rules.committee_required_roles if r not in held)


@dataclass(frozen=True)
class ApplicationSummary:
    """One application as the province sees it (picklable: consolidation's workers return it)."""

    row: int
    name: str
    tambon: str | None
    main_activity: str | None
    applied: dt.date | None
    decision: str | None
    certificate_no: str | None
    certificate_date: dt.date | None
    applicants: int  # people (a repeated citizen ID counts once)
    committee_complete: bool  # committee_min members and every required role

    @property
    def approved(self) -> bool:
        return self.decision == APPROVED


def _by_application(applicants: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    by: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for a in applicants:
        if a.get("group"):
            by[_key(a["group"])].append(a)
    return by


def summarize_applications(establish: Sequence[Mapping[str, Any]], applicants: Sequence[Mapping[str, Any]],
                           rules: EstablishmentRules) -> list[ApplicationSummary]:
    """Every named application of the sheet with its applicant count and committee state."""
    by = _by_application(applicants)
    out: list[ApplicationSummary] = []
    for e in establish:
        if not e.get("name"):
            continue
        people = by.get(_key(e["name"]), [])
        size, missing = committee_problems(people, rules)
        out.append(ApplicationSummary(
            row=e["row"], name=_key(e["name"]), tambon=e.get("tambon"), main_activity=e.get("main_activity"),
            applied=e.get("applied"), decision=e.get("decision"), certificate_no=e.get("certificate_no"),
            certificate_date=e.get("certificate_date"), applicants=len(applicant_people(people)),
            committee_complete=size >= rules.committee_min and not missing,
        ))
    return out


def check_establishment(c: Checker, crit: Criteria) -> None:
    """Add the establishment rules' issues to ``c`` (cells of every column come from the generic checks)."""
    rules = crit.establishment
    book = c.book
    establish = book.table_rows("establish")
    applicants = book.table_rows("applicants")
    _applications(c, rules, establish, _by_application(applicants))
    _certificate_numbers(c, establish)
    _applicants(c, rules, establish, applicants)


def _applications(c: Checker, rules: EstablishmentRules, establish: Sequence[Mapping[str, Any]],
                  by: Mapping[str, list[Mapping[str, Any]]]) -> None:
    table = c.book.layout.table("establish")
    seen: dict[str, int] = {}
    for e in establish:
        row, name, decision = e["row"], e.get("name"), e.get("decision")
        _dates_and_decision(c, e, decision == APPROVED, table)  # contradictions: whatever the decision
        if decision == REJECTED:
            continue  # what is missing may be why it was rejected; the name may be applied for again
        approved = decision == APPROVED
        suffix = "_APPROVED" if approved else ""
        if e.get("tambon") is not None and normalize_tambon(e["tambon"]) not in c.tambons:
            c.add("GROUP_TAMBON_UNKNOWN", "establish", "tambon", row, value=e["tambon"],
                  district=c.district_th, district_en=c.district_en)
        if name is not None:
            if not name.startswith(rules.group_name_prefix) or len(name.strip()) <= len(rules.group_name_prefix):
                c.add("ESTABLISH_NAME_PREFIX", "establish", "name", row, value=name)
            if _key(name) in seen:
                c.add("ESTABLISH_NAME_DUPLICATE", "establish", "name", row, value=name, other_row=seen[_key(name)])
                continue
            seen[_key(name)] = row
            people = applicant_people(by.get(_key(name), []))
            if len(people) < rules.applicants_min:
                c.add("ESTABLISH_TOO_FEW_APPLICANTS" + suffix, "establish", "name", row, value=name,
                      count=len(people), minimum=rules.applicants_min)
            size, missing = committee_problems(people, rules)
            if size < rules.committee_min:
                c.add("ESTABLISH_COMMITTEE_TOO_SMALL" + suffix, "establish", "name", row, value=name,
                      count=size, minimum=rules.committee_min)
            for role in missing:
                c.add("ESTABLISH_COMMITTEE_ROLE_MISSING" + suffix, "establish", "name", row, value=name,
                      role=role, role_en=ROLE_EN.get(role, role))
        for code, keys in (("ESTABLISH_REGULATION_MISSING", rules.regulations),
                           ("ESTABLISH_DOCUMENT_MISSING", rules.documents)):
            for key in keys:
                if e.get(key) is not True and not c.reported("establish", key, row):
                    col = table.column(key)
                    c.add(code + suffix, "establish", key, row, value=name or "", label=col.header,
                          label_en=col.header_en)


def _dates_and_decision(c: Checker, e: Mapping[str, Any], approved: bool, table: Table) -> None:
    row = e["row"]
    def plausible(key: str) -> dt.date | None:
        value = e.get(key)
        return value if value is not None and c.plausible(value) else None

    applied, checked, certified = plausible("applied"), plausible("checked"), plausible("certificate_date")
    if applied and checked and checked < applied:
        c.add("ESTABLISH_CHECK_BEFORE_APPLICATION", "establish", "checked", row, value=format_be(checked),
              applied=format_be(applied))
    if checked and certified and certified < checked:
        c.add("ESTABLISH_CERTIFICATE_BEFORE_CHECK", "establish", "certificate_date", row,
              value=format_be(certified), checked=format_be(checked))
    elif applied and certified and not checked and certified < applied:
        c.add("ESTABLISH_CERTIFICATE_BEFORE_APPLICATION", "establish", "certificate_date", row,
              value=format_be(certified), applied=format_be(applied))
    if approved and certified and fiscal_year_be(certified) != c.book.identity.fiscal_year:
        # reported to the province as new in its own year's workbook, not in this one
        c.add("ESTABLISH_CERTIFICATE_OTHER_YEAR", "establish", "certificate_date", row, value=format_be(certified),
              year=fiscal_year_be(certified), workbook_year=c.book.identity.fiscal_year)
    if approved:
        for key in ("checker", "checked"):
            if e.get(key) is None and not c.reported("establish", key, row):
                col = table.column(key)
                c.add("ESTABLISH_CHECK_MISSING", "establish", key, row, value=e.get("name") or "",
                      label=col.header, label_en=col.header_en)
        for key in ("certificate_no", "certificate_date", "approver"):
            if e.get(key) is None and not c.reported("establish", key, row):
                col = table.column(key)
                c.add("ESTABLISH_CERTIFICATE_MISSING", "establish", key, row, value=e.get("name") or "",
                      label=col.header, label_en=col.header_en)
    elif (e.get("certificate_no") is not None or e.get("certificate_date") is not None) and not c.reported(
        "establish", "decision", row
    ):
        c.add("ESTABLISH_CERTIFICATE_NOT_APPROVED", "establish", "decision", row, value=e.get("name") or "",
              decision=e.get("decision") or PENDING)


def _certificate_numbers(c: Checker, establish: Sequence[Mapping[str, Any]]) -> None:
    """A certificate number names one group in the district: the registry's and the applications'.

    The same number on a registry row and an application of the same name is one group (an approved
    application moved into the registry), not a reuse.
    """
    first: dict[str, tuple[str, str, int, str]] = {}  # number → (table, sheet, row, group name)
    entries: list[tuple[str, int, str | None, str | None]] = [
        ("groups", g.row, g.certificate_no, g.name) for g in c.book.groups]
    entries += [("establish", e["row"], e.get("certificate_no"), e.get("name")) for e in establish]
    for table, row, number, name in entries:
        k = certificate_key(number)
        if not k:
            continue
        if k not in first:
            first[k] = (table, c.book.sheet(table), row, _key(name))
            continue
        other_table, other_sheet, other_row, other_name = first[k]
        if _key(name) == other_name and table != other_table:
            continue
        c.add("CERTIFICATE_NO_REUSED", table, "certificate_no", row, value=number,
              other=f"{other_sheet}!{c.book.cell(other_table, 'certificate_no', other_row)}",
              other_group=other_name)


def _applicants(c: Checker, rules: EstablishmentRules, establish: Sequence[Mapping[str, Any]],
                applicants: Sequence[Mapping[str, Any]]) -> None:
    from kaset_xl.domain.registry import citizen_id_problem

    names = {_key(e["name"]) for e in establish if e.get("name")}
    by_id: dict[str, Mapping[str, Any]] = {}
    holders: dict[tuple[str, str], int] = {}
    for a in applicants:
        row, group = a["row"], a.get("group")
        if group is not None and _key(group) not in names:
            c.add("APPLICANT_GROUP_UNKNOWN", "applicants", "group", row, value=group)
        if a.get("tambon") is not None and normalize_tambon(a["tambon"]) not in c.tambons:
            c.add("MEMBER_OUTSIDE_DISTRICT", "applicants", "tambon", row, value=a["tambon"],
                  district=c.district_th, district_en=c.district_en)
        cid = a.get("citizen_id")
        if cid and citizen_id_problem(cid) in (None, "CITIZEN_ID_PREFIX"):
            first = by_id.get(cid)
            if first is None:
                by_id[cid] = a
            elif _key(first.get("group")) == _key(group):
                c.add("PERSON_DUPLICATE", "applicants", "citizen_id", row, value=cid, other_row=first["row"])
                continue
            else:
                c.add("PERSON_IN_MANY_GROUPS", "applicants", "citizen_id", row, value=cid,
                      other_row=first["row"], other_group=first.get("group") or "")
        role = a.get("role")
        if group is not None and role in rules.committee_required_roles:
            k = (_key(group), role)
            if k in holders:
                c.add("COMMITTEE_ROLE_REPEATED", "applicants", "role", row, group=group, role=role,
                      role_en=ROLE_EN.get(role, role), other_row=holders[k])
            else:
                holders[k] = row
