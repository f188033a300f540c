"""Move an approved group into the registry with one action (issue 6).

:func:`plan_registration` (pure) turns the approved application of a read district workbook into cell
writes: one new row of the registry sheet (ทะเบียนกลุ่ม: name, address, establishment date = the
certificate's date, certificate number, member count, main activity) and one row of the members sheet
(สมาชิก) per applicant (with the role, joining on the establishment date, voluntary consent ใช่).  The
rows are appended after the last row in use.  The same writes serve ``kaset-xl register`` (applied with
openpyxl by :func:`register_file`, atomically, keeping the entries, protection and VBA exactly as
``score`` does) and the workbook's button (applied through xlwings by :mod:`kaset_xl.xl`).

It refuses, with a clear code and without writing anything, a group that is already in the registry,
an application that is not approved or lacks its certificate number or date, and applicants' values
that could not be read (they would be lost on the way).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import Any

from kaset_xl.certificate import (
    APPLICANTS_TABLE,
    ESTABLISH_TABLE,
    applicants_of,
    application_errors,
    approved_application,
    district_tambon,
    same_name,
)
from kaset_xl.domain.establish import applicant_people
from kaset_xl.issues import KasetError
from kaset_xl.normalize import clean_text
from kaset_xl.scoring import CellWrite, print_rows, score_book
from kaset_xl.textcell import write
from kaset_xl.workbook.editing import column_style

__all__ = ["Registration", "plan_registration", "register_file", "CONSENT_YES", "DEFAULT_ROLE"]

CONSENT_YES = "ใช่"
DEFAULT_ROLE = "สมาชิก"


@dataclass
class Registration:
    """What moving the group writes: the registry row, the members' rows and every cell."""

    group: str
    group_row: int
    member_rows: list[int] = field(default_factory=list)
    writes: list[CellWrite] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)  # validation errors of the application (moved anyway)
    # sheet → the last row a fixed print area must reach, the new rows included (scoring.print_rows)
    print_rows: dict[str, int] = field(default_factory=dict)


def _next_row(book: Any, table_key: str) -> int:
    table = book.layout.table(table_key)
    used = [r["row"] for r in book.table_rows(table_key)]
    return max(used) + 1 if used else table.first_data_row


def _next_no(book: Any, table_key: str) -> int:
    numbers = [r["no"] for r in book.table_rows(table_key) if isinstance(r.get("no"), int)]
    return max(numbers, default=len(book.table_rows(table_key))) + 1


def _check_readable(book: Any, rows: Sequence[Mapping[str, Any]], table_key: str) -> None:
    """Refuse when a value of these rows could not be read (it would be lost in the registry)."""
    sheet = book.layout.table(table_key).sheet
    wanted = {r["row"] for r in rows}
    for issue in book.issues:
        if issue.sheet == sheet and issue.row in wanted and issue.code.startswith(("INVALID_", "NOT_WHOLE",
                                                                                   "CHOICE_NOT_ALLOWED",
                                                                                   "CELL_ERROR_VALUE")):
            raise KasetError("REGISTER_UNREADABLE_VALUE", file=str(book.path), sheet=sheet, cell=issue.cell or "",
                             reason=issue.message_th)


def plan_registration(book: Any, group: str) -> Registration:
    """The cell writes that move the approved application ``group`` into the registry and members sheets."""
    app = approved_application(book, group)
    name = clean_text(app["name"]) or group
    groups = book.layout.table("groups")
    for g in book.table_rows("groups"):
        if same_name(g.get("name"), name):
            raise KasetError("REGISTER_GROUP_EXISTS", file=str(book.path), group=name, sheet=groups.sheet,
                             cell=book.cell("groups", "name", g["row"]))
    people = applicant_people(applicants_of(book, name))  # a person entered twice is moved once
    _check_readable(book, [app], ESTABLISH_TABLE)
    _check_readable(book, people, APPLICANTS_TABLE)

    group_row = _next_row(book, "groups")
    if group_row > groups.last_data_row:
        raise KasetError("REGISTER_TABLE_FULL", file=str(book.path), sheet=groups.sheet, row=groups.last_data_row)
    members = book.layout.table("members")
    first_member = _next_row(book, "members")
    if people and first_member + len(people) - 1 > members.last_data_row:
        raise KasetError("REGISTER_TABLE_FULL", file=str(book.path), sheet=members.sheet, row=members.last_data_row)

    established = app["certificate_date"]
    plan = Registration(group=name, group_row=group_row, errors=application_errors(book, name))
    registry_values = {
        "no": _next_no(book, "groups"),
        "name": name,
        "house_no": app.get("house_no"),
        "moo": app.get("moo"),
        "tambon": district_tambon(book.area, clean_text(app.get("tambon"))) or None,
        "established": established,
        "certificate_no": clean_text(app.get("certificate_no")),
        "member_count": len(people),
        "main_activity": app.get("main_activity"),
    }
    plan.writes += _row_writes(book, "groups", group_row, registry_values)
    no = _next_no(book, "members")
    for n, person in enumerate(people):
        row = first_member + n
        plan.member_rows.append(row)
        values = {key: person.get(key) for key in ("title", "first_name", "last_name", "citizen_id", "birth_date",
                                                   "house_no", "moo", "tambon", "phone", "farmer_id",
                                                   "main_activity", "area_rai")}
        values.update({"no": no + n, "group": name, "role": clean_text(person.get("role")) or DEFAULT_ROLE,
                       "join_date": established, "consent": CONSENT_YES})
        plan.writes += _row_writes(book, "members", row, values)
    plan.print_rows = print_rows(book, {"groups": [group_row], "members": plan.member_rows})
    return plan


def _row_writes(book: Any, table_key: str, row: int, values: dict[str, Any]) -> list[CellWrite]:
    sheet = book.layout.table(table_key).sheet
    letters = book.columns[table_key]
    return [CellWrite(sheet, f"{letters[key]}{row}", value) for key, value in values.items()
            if value is not None and value != "" and key in letters]  # not in letters: an optional column deleted


def apply_register_writes(wb: Any, writes: list[CellWrite]) -> None:
    """Apply the writes to an openpyxl workbook; a new cell takes its column's format (Text, date, unlocked)."""
    for w in writes:
        ws = wb[w.sheet]
        cell = ws[w.cell]
        if not cell.has_style:
            style = column_style(ws, cell.column)
            if style is not None:
                cell._style = copy(style)
        write(cell, w.value)  # text from people is text, never a formula


def register_file(path: str | os.PathLike[str], group: str, output: str | os.PathLike[str] | None = None,
                  ) -> Registration:
    """Move the approved ``group`` of the workbook at ``path`` into its registry; write ``output`` (default:
    ``path`` itself) atomically.  Nothing is written when it is refused."""
    from kaset_xl.workbook.editing import open_for_writing, save_workbook, set_print_rows
    from kaset_xl.workbook.reader import read_district_workbook

    book = read_district_workbook(path)
    plan = plan_registration(book, group)
    wb = open_for_writing(path, output)  # the limits on every sheet, VBA kept, the same kind of file
    apply_register_writes(wb, plan.writes)
    set_print_rows(wb, plan.print_rows)  # the new rows print
    # openpyxl saves every formula without its cached value: the library's numbers are put back (the formulas
    # compute from their own row, which register does not touch)
    save_workbook(wb, output or path, cached=score_book(book).cached)
    return plan
