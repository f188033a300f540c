"""The package ships what runs: every package folder is listed in pyproject.toml, the sample workbooks are its
package data, and nothing only the tests use is inside kaset_xl/."""

from __future__ import annotations

import importlib.resources
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_folder_is_listed() -> None:
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kaset_xl").rglob("__init__.py")}
    listed = set(_setuptools()["packages"])
    assert folders <= listed
    assert listed - folders == {"kaset_xl.sample_workbooks", "kaset_xl.macros", "kaset_xl.templates"}


def test_the_samples_are_package_data() -> None:
    assert _setuptools()["package-dir"] == {"kaset_xl.sample_workbooks": "workbooks", "kaset_xl.macros": "macros",
                                            "kaset_xl.templates": "templates"}
    shipped = sorted(p.name for p in importlib.resources.files("kaset_xl.sample_workbooks").iterdir()
                     if p.name.endswith(".xlsx"))
    assert shipped == sorted(p.name for p in (ROOT / "workbooks").glob("*.xlsx")) and len(shipped) == 4


def test_no_test_only_code_in_the_package() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "kaset_xl").rglob("*.py"))
    for name in ("def read_vba_modules", "def read_cfb", "def decompress", "def sample_data", "def make_samples"):
        assert name not in source


def test_the_vba_sources_are_package_data() -> None:
    shipped = sorted(p.name for p in importlib.resources.files("kaset_xl.macros").iterdir() if p.name.endswith(".bas"))
    assert shipped == sorted(p.name for p in (ROOT / "macros").glob("*.bas")) == ["KasetButtons.bas",
                                                                                  "KasetServerButtons.bas"]


def test_the_report_templates_are_package_data() -> None:
    assert _setuptools()["package-data"]["kaset_xl.templates"] == ["*.xlsx"]
    shipped = sorted(p.name for p in importlib.resources.files("kaset_xl.templates").iterdir()
                     if p.name.endswith(".xlsx"))
    in_repository = sorted(p.name for p in (ROOT / "templates").glob("*.xlsx"))
    assert shipped == in_repository == ["certificate.xlsx", "provincial.xlsx"]
