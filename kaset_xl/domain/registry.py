"""Rules of the group registry (seed 004) and of the values in each cell.

Pure: takes what the reader read and returns located issues; never touches a file.  Thresholds
come from the fiscal year's criteria file (``[registry]``), messages from the catalogue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, TypeVar

from kaset_xl.areas import normalize_tambon
from kaset_xl.criteria import Criteria, RegistryRules
from kaset_xl.domain.models import Group, Member
from kaset_xl.issues import Issue, make_issue
from kaset_xl.memo import IdentityMemo
from kaset_xl.normalize import BE_OFFSET, name_key
from kaset_xl.normalize import format_be as _be
from kaset_xl.workbook.spec import FISCAL_WINDOW, ColType, Column, Table

if TYPE_CHECKING:
    from kaset_xl.workbook.reader import DistrictBook

__all__ = ["Checker", "citizen_id_problem", "phone_ok", "ROLE_EN", "name_key",
           "unique_people"]

ROLE_EN = {"ประธาน": "chair", "เลขานุการ": "secretary", "เหรัญญิก": "treasurer", "รองประธาน": "vice-chair"}
# Tables that list people in their own right (elsewhere a citizen ID refers to a member of the registry).
PERSON_TABLES = ("members", "applicants")
T = TypeVar("T")
_MOBILE = re.compile(r"^0[689][0-9]{8}$")
_LANDLINE = re.compile(r"^0[2-7][0-9]{7}$")


def phone_ok(digits: str) -> bool:
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    return bool(_MOBILE.match(digits) or _LANDLINE.match(digits))


def _check_digit(first12: str) -> str:
    """The citizen ID's check digit, by python-stdnum (design rule: nothing by hand that a well-kept library
    does well).  Imported on the first ID checked, not with this module: python-stdnum's ``util`` pulls in ssl,
    pydoc and traceback (~30 ms), which a click or a ``validate`` of a workbook without IDs need not pay."""
    from stdnum.th.pin import calc_check_digit

    return str(calc_check_digit(first12))


@lru_cache(maxsize=65536)
def citizen_id_problem(value: str) -> str | None:
    """The issue code for a citizen ID, or None when it is fine.

    We check the 13 digits and the check digit with python-stdnum's algorithm, but accept a leading
    0 (stdnum rejects it): IDs starting with 0 are issued to people without Thai nationality status,
    many of them hill-tribe farmers in provinces such as Mae Hong Son, who are real group members.
    A leading 9 is not an issued prefix: a warning asks the officer to check the card.
    """
    if len(value) != 13 or not (value.isascii() and value.isdigit()):
        return "CITIZEN_ID_FORMAT"
    if _check_digit(value[:12]) != value[12]:
        return "CITIZEN_ID_CHECKSUM"
    if value[0] == "9":
        return "CITIZEN_ID_PREFIX"
    return None


class Checker:
    def __init__(self, book: DistrictBook, criteria: Criteria, today: dt.date) -> None:
        self.book = book
        self.rules: RegistryRules = criteria.registry
        self.today = today
        self.issues: list[Issue] = []
        # Cells whose raw value could not be read already carry an issue: report nothing more there.
        # (A date read with the warning DATE_STORED_YEAR_TOO_LATE was read: the date rules still look at it.)
        self.unreadable = {(i.sheet, i.cell) for i in book.issues if i.code != "DATE_STORED_YEAR_TOO_LATE"}
        area = book.area
        self.tambons = {normalize_tambon(n) for n in area.tambon_names}
        self.district_th = area.district.name_th
        self.district_en = area.district.name_en
        self.group_names = {_key(g.name) for g in book.groups if g.name}
        self.member_ids = {m.citizen_id for m in book.members if m.citizen_id}

    def add(self, code: str, table: str, key: str, row: int, **params: Any) -> None:
        sheet = self.book.sheet(table)
        cell = self.book.cell(table, key, row)
        if (sheet, cell) in self.unreadable:
            return
        self.issues.append(make_issue(code, sheet=sheet, cell=cell, row=row, field=key, **params))

    def reported(self, table: str, key: str, row: int) -> bool:
        """Whether the cell already carries an issue (a later rule then says nothing more there)."""
        sheet, cell = self.book.sheet(table), self.book.cell(table, key, row)
        return (sheet, cell) in self.unreadable or any(i.sheet == sheet and i.cell == cell for i in self.issues)

    def plausible(self, value: dt.date) -> bool:
        """A date that passes the date checks: rules comparing dates use only these, so a date
        already reported as in the future or too old does not cause more issues elsewhere."""
        return self.rules.earliest_date <= value <= self.today

    # ------------------------------------------------------------------ generic, from the spec
    def cells(self, table: Table, records: Sequence[Group | Member | dict[str, Any]]) -> None:
        plan = _cell_plan(table, self.book.layout.lists)
        if not plan:
            return
        tkey = table.key
        other_table = tkey != "members"
        member_ref = tkey not in PERSON_TABLES
        # Enum members as locals: looking them up on the class costs ~100 ns each, per cell.
        GROUP, CID = ColType.GROUP, ColType.CITIZEN_ID
        for rec in records:
            if isinstance(rec, dict):
                row: int = rec["row"]
                get = rec.get
            else:
                row, get = rec.row, rec.__dict__.get
            for col, key, required, checked, label, allowed in plan:
                value = get(key)
                if value is None:
                    if required:
                        self.add("REQUIRED_MISSING", tkey, key, row, **label)
                    continue
                if not checked:
                    continue  # nothing more to check in free text or a read yes/no
                kind = col.type
                if kind is GROUP and other_table:
                    if _key(value) not in self.group_names:
                        self.add("GROUP_UNKNOWN", tkey, key, row, value=value)
                    continue
                if kind is CID and member_ref and value not in self.member_ids:
                    if citizen_id_problem(value) in (None, "CITIZEN_ID_PREFIX"):
                        self.add("MEMBER_NOT_FOUND", tkey, key, row, value=value)
                        continue
                if allowed is not None:
                    if str(value) not in allowed:
                        self.add("CHOICE_NOT_ALLOWED", tkey, key, row, value=value,
                                 choices=" / ".join(allowed), **label)
                        continue
                self._typed(col, tkey, key, row, value, label)

    def _typed(self, col: Column, tkey: str, key: str, row: int, value: Any, label: dict[str, str]) -> None:
        """The checks of a typed value: a number's range, a phone, a citizen ID, a farmer number, a date."""
        kind = col.type
        if kind is ColType.INT or kind is ColType.NUMBER:
            if (col.low is not None and value < col.low) or (col.high is not None and value > col.high):
                self.add("NUMBER_OUT_OF_RANGE", tkey, key, row, value=_num(value),
                         low=_num(col.low), high=_num(col.high), **label)
        elif kind is ColType.PHONE and not phone_ok(value):
            self.add("PHONE_FORMAT", tkey, key, row, value=value)
        elif kind is ColType.CITIZEN_ID and (code := citizen_id_problem(value)):
            self.add(code, tkey, key, row, value=value, first=value[:1])
        elif kind is ColType.FARMER_ID and not (len(value) == 12 and value.isascii() and value.isdigit()):
            self.add("FARMER_ID_FORMAT", tkey, key, row, value=value)
        elif kind is ColType.DATE and (value > self.today or value < self.rules.earliest_date
                                       or col.date_rule is not None):
            self.date(tkey, key, row, value, col.date_rule, **label)

    def date(self, table: str, key: str, row: int, value: dt.date, rule: str | None = None, **label: str) -> None:
        if value > self.today:
            self.add("DATE_IN_FUTURE", table, key, row, value=_be(value), **label)
        elif value < self.rules.earliest_date:
            self.add("DATE_IMPLAUSIBLE", table, key, row, value=_be(value), **label)
        elif rule is not None and (found := self.date_rule(value, rule)):
            self.add(found[0], table, key, row, **found[1], **label)

    def date_rule(self, value: dt.date, rule: str) -> tuple[str, dict[str, Any]] | None:
        """A date outside its column's plausible years (``Column.date_rule``): the code and its parameters.

        FISCAL_WINDOW: the workbook's fiscal year ± 1 (FY2564 ± 1: 1 Oct 2019 – 30 Sep 2022); SINCE_2500: from
        1 Jan 2500 BE (1957) to today.  A date outside that a 2-digit year explains (``25/6/64`` typed into a date
        cell is stored by Excel and LibreOffice as 1964) is DATE_TWO_DIGIT_YEAR, naming the date probably meant
        and what to type; any other is DATE_OUTSIDE_FISCAL_YEAR or DATE_BEFORE_2500.  Errors: such a date would
        make a report on time or a member's history wrong.
        """
        fy = self.book.identity.fiscal_year - BE_OFFSET  # the Christian year the fiscal year ends in
        if rule == FISCAL_WINDOW:
            low, high = dt.date(fy - 2, 10, 1), dt.date(fy + 1, 9, 30)
        else:
            low, high = dt.date(2500 - BE_OFFSET, 1, 1), self.today
        if low <= value <= high:
            return None
        if 1930 <= value.year <= 2029:  # the years Excel and LibreOffice give a 2-digit year (30–99, 00–29)
            try:
                meant = value.replace(year=2500 + value.year % 100 - BE_OFFSET)
            except ValueError:  # 29 February of a year that is not leap
                meant = None
            if meant is not None and low <= meant <= high:
                return "DATE_TWO_DIGIT_YEAR", {"value": _be(value), "stored": value.year,
                                               "typed": f"{value.day}/{value.month}/{value.year % 100:02d}",
                                               "probable": _be(meant)}
        if rule == FISCAL_WINDOW:
            return "DATE_OUTSIDE_FISCAL_YEAR", {"value": _be(value), "fiscal_year": self.book.identity.fiscal_year,
                                                "low": _be(low), "high": _be(high)}
        return "DATE_BEFORE_2500", {"value": _be(value)}

    # ------------------------------------------------------------------ district information
    def info(self) -> None:
        book, form = self.book, self.book.layout.info
        sheet = form.sheet
        area = book.area
        expected = {"province": area.province.name_th, "district": area.district.name_th,
                    "fiscal_year": book.identity.fiscal_year}
        for f in form.fields:
            value = getattr(book.info, f.key)
            cell = book.info_cells[f.key]
            if (sheet, cell) in self.unreadable:
                continue
            label = {"label": f.label, "label_en": f.label_en}
            add = partial(self._info_issue, sheet, cell, f.key)
            if f.key in expected and value != expected[f.key]:
                add("IDENTITY_MISMATCH", value=value or "", expected=expected[f.key], **label)
            elif value is None:
                if f.required:
                    add("REQUIRED_MISSING", **label)
            elif f.type is ColType.PHONE and not phone_ok(value):
                add("PHONE_FORMAT", value=value)
            elif f.type is ColType.DATE:
                if value > self.today:
                    add("DATE_IN_FUTURE", value=_be(value), **label)
                elif value < self.rules.earliest_date:
                    add("DATE_IMPLAUSIBLE", value=_be(value), **label)
                elif f.date_rule is not None and (found := self.date_rule(value, f.date_rule)):
                    add(found[0], **found[1], **label)

    def _info_issue(self, sheet: str, cell: str, key: str, code: str, **params: Any) -> None:
        self.issues.append(make_issue(code, sheet=sheet, cell=cell, field=key, **params))

    # ------------------------------------------------------------------ groups
    def groups(self, members_by_group: dict[str, list[Member]]) -> None:
        r = self.rules
        seen: dict[str, int] = {}
        for g in self.book.groups:
            if g.name is not None:
                name = _key(g.name)
                if not g.name.startswith(r.group_name_prefix) or len(g.name.strip()) <= len(r.group_name_prefix):
                    self.add("GROUP_NAME_PREFIX", "groups", "name", g.row, value=g.name)
                if name in seen:
                    self.add("GROUP_NAME_DUPLICATE", "groups", "name", g.row, value=g.name, other_row=seen[name])
                else:
                    seen[name] = g.row
                    self.committee(g, members_by_group.get(name, []))
            if g.tambon is not None and normalize_tambon(g.tambon) not in self.tambons:
                self.add("GROUP_TAMBON_UNKNOWN", "groups", "tambon", g.row, value=g.tambon,
                         district=self.district_th, district_en=self.district_en)
            for key, low, high in (("lat", r.lat_min, r.lat_max), ("lon", r.lon_min, r.lon_max)):
                v = getattr(g, key)
                if v is not None and not low <= v <= high:
                    col = self.book.layout.table("groups").column(key)
                    self.add("LATLON_OUT_OF_RANGE", "groups", key, g.row, value=v,
                             label=col.header, label_en=col.header_en)

    def committee(self, g: Group, members: list[Member]) -> None:
        r = self.rules
        members = _people(members)  # a repeated row is PERSON_DUPLICATE, not one more member
        listed = len(members)
        if listed == 0:
            self.add("GROUP_NO_MEMBERS", "groups", "name", g.row, value=g.name)
            return
        if listed < r.members_min:
            self.add("GROUP_TOO_FEW_MEMBERS", "groups", "name", g.row, value=g.name, count=listed,
                     minimum=r.members_min)
        if g.member_count is not None and g.member_count != listed and not self.reported(
            "groups", "member_count", g.row
        ):
            self.add("MEMBER_COUNT_MISMATCH", "groups", "member_count", g.row, value=g.member_count,
                     count=listed)
        committee = [m for m in members if m.role and m.role != r.member_role]
        if len(committee) < r.committee_min:
            self.add("COMMITTEE_TOO_SMALL", "groups", "name", g.row, value=g.name, count=len(committee),
                     minimum=r.committee_min)
        for role in r.committee_required_roles:
            holders = [m for m in committee if m.role == role]
            if not holders:
                self.add("COMMITTEE_ROLE_MISSING", "groups", "name", g.row, value=g.name, role=role,
                         role_en=ROLE_EN.get(role, role))
            for extra in holders[1:]:
                self.add("COMMITTEE_ROLE_REPEATED", "members", "role", extra.row, group=g.name, role=role,
                         role_en=ROLE_EN.get(role, role), other_row=holders[0].row)

    # ------------------------------------------------------------------ members
    def _member_dates(self, m: Member, group: Group | None) -> None:
        """A member's age within the rules, and joining after birth and after the group was established."""
        r = self.rules
        if m.birth_date is not None and m.birth_date <= self.today:
            age = _age(m.birth_date, self.today)
            if m.birth_date >= r.earliest_date and not r.member_age_min <= age <= r.member_age_max:
                self.add("MEMBER_AGE_IMPLAUSIBLE", "members", "birth_date", m.row, age=age,
                         low=r.member_age_min, high=r.member_age_max)
        if m.join_date is not None and self.plausible(m.join_date):
            if m.birth_date is not None and self.plausible(m.birth_date) and m.join_date < m.birth_date:
                self.add("JOIN_BEFORE_BIRTH", "members", "join_date", m.row, value=_be(m.join_date),
                         born=_be(m.birth_date))
            elif (group is not None and group.established is not None and self.plausible(group.established)
                  and m.join_date < group.established):
                self.add("JOIN_BEFORE_ESTABLISHED", "members", "join_date", m.row, value=_be(m.join_date),
                         established=_be(group.established))

    def members(self, groups: dict[str, Group]) -> None:
        by_id: dict[str, Member] = {}
        by_name: dict[str, Member] = {}
        for m in self.book.members:
            group = groups.get(_key(m.group)) if m.group else None
            if m.group is not None and group is None:
                self.add("GROUP_UNKNOWN", "members", "group", m.row, value=m.group)
            if m.consent is False:
                self.add("CONSENT_NOT_GIVEN", "members", "consent", m.row, value="ไม่ใช่")
            if m.tambon is not None and normalize_tambon(m.tambon) not in self.tambons:
                self.add("MEMBER_OUTSIDE_DISTRICT", "members", "tambon", m.row, value=m.tambon,
                         district=self.district_th, district_en=self.district_en)
            self._member_dates(m, group)
            if m.citizen_id and citizen_id_problem(m.citizen_id) in (None, "CITIZEN_ID_PREFIX"):
                first = by_id.get(m.citizen_id)
                if first is None:
                    by_id[m.citizen_id] = m
                elif _key(first.group) == _key(m.group):
                    self.add("PERSON_DUPLICATE", "members", "citizen_id", m.row, value=m.citizen_id,
                             other_row=first.row)
                else:
                    self.add("PERSON_IN_MANY_GROUPS", "members", "citizen_id", m.row, value=m.citizen_id,
                             other_row=first.row, other_group=first.group)
                    continue
                if first is not None:
                    continue
            if m.first_name and m.last_name and m.citizen_id:
                name = _key(m.full_name)
                other = by_name.get(name)
                if other is None:
                    by_name[name] = m
                elif other.citizen_id != m.citizen_id:
                    self.add("PERSON_SAME_NAME", "members", "first_name", m.row, value=m.full_name,
                             other_row=other.row)


# One cell's checks, in order: (column, key, required, checked, label params, allowed values).
_CellPlan = tuple[tuple[Column, str, bool, bool, dict[str, str], tuple[str, ...] | None], ...]
_CELL_PLANS: IdentityMemo[_CellPlan] = IdentityMemo()


def _cell_plan(table: Table, lists: dict[str, tuple[str, ...]]) -> _CellPlan:
    """The input columns of ``table`` that :meth:`Checker.cells` checks, computed once per table and lists.

    ``checked``: a value (not None) has more to check than its presence.  A column that is neither
    required nor checked can raise no issue and is left out.
    """
    return _CELL_PLANS.get((table, lists), lambda: _make_cell_plan(table, lists))


def _make_cell_plan(table: Table, lists: dict[str, tuple[str, ...]]) -> _CellPlan:
    plan = []
    for col in table.inputs:
        allowed = (lists[col.choices] if col.choices in lists and col.strict and col.type is not ColType.YESNO
                   else None)
        kind = col.type
        if (kind is ColType.TEXT and allowed is None) or kind is ColType.YESNO:
            checked = False
        elif kind in (ColType.GROUP, ColType.CITIZEN_ID, ColType.PHONE, ColType.FARMER_ID, ColType.DATE):
            # a group name is checked outside the members table only; see Checker.cells
            checked = kind is not ColType.GROUP or table.key != "members" or allowed is not None
        elif kind is ColType.INT or kind is ColType.NUMBER:
            checked = allowed is not None or col.low is not None or col.high is not None
        else:  # CHOICE, TAMBON, TEXT with a list: only the dropdown's values
            checked = allowed is not None
        if col.required or checked:
            plan.append((col, col.key, col.required, checked, {"label": col.header, "label_en": col.header_en},
                         allowed))
    return tuple(plan)


def unique_people(rows: Sequence[T], citizen_id: Callable[[T], str | None]) -> list[T]:
    """One row per person: a later row repeating a checkable citizen ID of the list is left out."""
    seen: set[str] = set()
    people: list[T] = []
    for r in rows:
        cid = citizen_id(r)
        if cid and citizen_id_problem(cid) in (None, "CITIZEN_ID_PREFIX"):
            if cid in seen:
                continue
            seen.add(cid)
        people.append(r)
    return people


def _people(members: list[Member]) -> list[Member]:
    return unique_people(members, lambda m: m.citizen_id)


_key = name_key


def _num(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
