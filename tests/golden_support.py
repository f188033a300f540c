"""Load the golden-workbook scripts of tests/golden/ by path (that folder is not a package)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

GOLDEN = Path(__file__).parent / "golden"


def golden_script(name: str) -> ModuleType:
    """``tests/golden/<name>.py`` as a module, e.g. ``golden_script("make_golden")``."""
    spec = importlib.util.spec_from_file_location(name, GOLDEN / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
