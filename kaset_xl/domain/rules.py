"""The rule engine's one entry point: every rule of every sheet of a district workbook, and the programme's
computed results, in one pass.

The sheets' own rules live beside their data — the registry and cell checks in :mod:`kaset_xl.domain.registry`,
establishment in :mod:`kaset_xl.domain.establish`, the FY programme in :mod:`kaset_xl.domain.programme` — and
each reports into the one :class:`~kaset_xl.domain.registry.Checker`.  ``validate``, ``score``, the buttons and
the consolidation all call :func:`check_all`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from kaset_xl.criteria import Criteria
from kaset_xl.domain.establish import check_establishment
from kaset_xl.domain.models import Group, Member
from kaset_xl.domain.programme import ProgrammeResult, evaluate_programme
from kaset_xl.domain.registry import Checker, name_key
from kaset_xl.issues import Issue

if TYPE_CHECKING:
    from kaset_xl.workbook.reader import DistrictBook

__all__ = ["check_all", "check_registry"]


def check_registry(book: DistrictBook, criteria: Criteria, *, today: dt.date | None = None) -> list[Issue]:
    """Every rule of every sheet (registry, members and the programme sheets)."""
    return check_all(book, criteria, today=today)[0]


def check_all(book: DistrictBook, criteria: Criteria, *,
              today: dt.date | None = None) -> tuple[list[Issue], ProgrammeResult]:
    """Every rule, and the programme's computed results (what ``score`` writes)."""
    checker = Checker(book, criteria, today or dt.date.today())
    layout = book.layout
    checker.info()
    checker.cells(layout.table("groups"), book.groups)
    checker.cells(layout.table("members"), book.members)
    groups: dict[str, Group] = {}
    for g in book.groups:
        if g.name is not None:
            groups.setdefault(name_key(g.name), g)
    by_group: dict[str, list[Member]] = defaultdict(list)
    for m in book.members:
        if m.group is not None:
            by_group[name_key(m.group)].append(m)
    checker.groups(by_group)
    checker.members(groups)
    for table in layout.tables[2:]:
        checker.cells(table, book.table_rows(table.key))
    check_establishment(checker, criteria)
    result = evaluate_programme(checker, criteria)
    return checker.issues, result
