"""Validate a district workbook: read it, apply the rules, return every issue (nothing is written)."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

from kaset_xl.criteria import Criteria, load_criteria
from kaset_xl.domain.rules import check_registry
from kaset_xl.issues import Issue, KasetError, Severity
from kaset_xl.workbook.layout import LAYOUT
from kaset_xl.workbook.reader import DistrictBook, read_district_workbook

__all__ = ["ValidationResult", "validate_file", "validate_book"]


@dataclass
class ValidationResult:
    file: str
    issues: list[Issue] = field(default_factory=list)
    book: DistrictBook | None = None

    @property
    def fatal(self) -> bool:
        return any(i.severity is Severity.FATAL for i in self.issues)

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.severity is Severity.WARNING)

    @property
    def exit_code(self) -> int:
        """0: no errors; 1: errors found; 2: the file cannot be used."""
        return 2 if self.fatal else (1 if self.errors else 0)


def validate_book(book: DistrictBook, *, criteria: Criteria | None = None,
                  today: dt.date | None = None) -> list[Issue]:
    criteria = criteria or book.criteria or load_criteria(book.identity.fiscal_year)
    found = [*book.issues, *check_registry(book, criteria, today=today)]
    found = [i.model_copy(update={"file": str(book.path)}) for i in found]
    return sorted(found, key=_order)


def validate_file(path: str | os.PathLike[str], *, criteria: Criteria | None = None,
                  today: dt.date | None = None) -> ValidationResult:
    """Validate one workbook; a file that cannot be used gives one fatal issue (never an exception)."""
    shown = str(path)
    try:
        book = read_district_workbook(path, criteria=criteria)
    except KasetError as exc:
        return ValidationResult(file=shown, issues=[exc.as_issue()])
    issues = validate_book(book, criteria=criteria, today=today)
    return ValidationResult(file=shown, issues=[i.model_copy(update={"file": shown}) for i in issues], book=book)


_SHEETS = {name: i for i, name in enumerate(LAYOUT.sheet_order)}
_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def _order(issue: Issue) -> tuple[int, int, int, str]:
    m = _CELL.match(issue.cell or "")
    row = int(m.group(2)) if m else 0
    col = 0
    if m:
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 64
    return (_SHEETS.get(issue.sheet or "", 99), row, col, issue.code)
