"""What the golden scripts of this folder share: the validation day, the fixed creation stamp, the
planted-problem plan, person IDs and the writing of a golden and its expected issues.

This folder is not a package: each script puts it on ``sys.path`` before importing this module (when
run as ``python tests/golden/make_golden.py`` it is there already).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from stdnum.th import pin

from kaset_xl.areas import district_area
from kaset_xl.workbook.builder import WorkbookData, build_workbook

TODAY = dt.date(2026, 1, 15)  # the validation date of every golden
GOLDEN_DIR = Path(__file__).resolve().parent
CREATED = dt.datetime(2020, 10, 1, 8, 30)  # fixed, for reproducible files
YEAR = 2564

Row = dict[str, Any]
Expected = list[dict[str, str]]


def citizen_id(n: int, first: str, district: str = "5803") -> str:
    """A valid 13-digit citizen ID (python-stdnum's check digit), the n-th of its kind."""
    head = f"{first}{district}{n:07d}"
    return head + pin.calc_check_digit(head)


class Plan:
    """The rows of a golden's tables and, by hand, the plan of what is planted where."""

    first_rows: dict[str, int] = {}  # table key → its first data row (the worksheet's, 1-based)
    default_first_row = 5

    def __init__(self) -> None:
        self.expected: Expected = []
        self.tables: dict[str, list[Row]] = {}

    def plant(self, code: str, sheet: str, cell: str) -> None:
        self.expected.append({"code": code, "sheet": sheet, "cell": cell})

    def add(self, table: str, row: Row) -> int:
        """Append a row to ``table``; returns its worksheet row."""
        rows = self.tables.setdefault(table, [])
        rows.append({"no": len(rows) + 1, **row})
        return self.first_rows.get(table, self.default_first_row) + len(rows) - 1


def write_expected(path: Path, expected: Expected) -> None:
    lines = ",\n".join(" " + json.dumps(e, ensure_ascii=False) for e in expected)  # one issue a line
    path.write_text(f"[\n{lines}\n]\n" if expected else "[]\n", encoding="utf-8")


def write_golden(folder: str | Path, name: str, district: str, data: WorkbookData, expected: Expected) -> Path:
    """Build ``name``.xlsx in ``folder`` and write its ``name``.expected.json beside it."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.xlsx"
    build_workbook(path, district_area(district), YEAR, data=data)
    write_expected(out / f"{name}.expected.json", expected)
    return path


def load_script(name: str) -> ModuleType:
    """Another script of this folder, e.g. ``make_golden_programme``, as a module."""
    spec = importlib.util.spec_from_file_location(name, GOLDEN_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
