"""Small helpers shared by the tests: the golden scripts, and the external tools the tests need."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

GOLDEN = Path(__file__).parent / "golden"


def golden_script(name: str) -> ModuleType:
    """``tests/golden/<name>.py`` as a module, e.g. ``golden_script("make_golden")``."""
    spec = importlib.util.spec_from_file_location(name, GOLDEN / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def require_tool(*names: str) -> str:
    """The path of the first of ``names`` on PATH; skip (or fail when CI requires them) if none is found."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    reason = f"{' / '.join(names)} not found on PATH (apt-get install libreoffice-calc-nogui poppler-utils)"
    if os.environ.get("KASET_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(f"KASET_REQUIRE_LIBREOFFICE=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def all_values(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's values of a workbook, read with python-calamine (an independent reader)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    try:
        return {s: wb.get_sheet_by_name(s).to_python() for s in wb.sheet_names}
    finally:
        wb.close()
