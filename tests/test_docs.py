"""The generated references in docs/ are current, and every code and command is documented."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from kaset_xl.cli import cli
from kaset_xl.issues import catalogue

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kaset_xl"
_CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
# The callables that take a message code as their first argument.
_REPORTERS = {"KasetError", "ParseError", "make_issue", "_issue", "add"}


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_reference", ROOT / "docs" / "make_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["messages.md", "commands.md"])
def test_reference_is_current(name: str) -> None:
    generated = {path.name: text for path, text in _generator().generated().items()}
    on_disk = (ROOT / "docs" / "reference" / name).read_text(encoding="utf-8")
    assert on_disk == generated[name], f"docs/reference/{name} is stale: run python docs/make_reference.py"


def _reported_codes() -> dict[str, str]:
    """Every literal code passed to a reporter anywhere in the package, with one place it is used."""
    codes: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in _REPORTERS and isinstance(first, ast.Constant) and isinstance(first.value, str) \
                    and _CODE.match(first.value):
                codes.setdefault(first.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return codes


def test_every_reported_code_is_in_the_catalogue() -> None:
    codes = _reported_codes()
    assert len(codes) > 50  # the scan finds the reporters at all
    missing = {code: where for code, where in codes.items() if code not in catalogue()}
    assert not missing


def test_every_code_is_in_the_reference() -> None:
    text = (ROOT / "docs" / "reference" / "messages.md").read_text(encoding="utf-8")
    assert [code for code in catalogue() if f"| `{code}` |" not in text] == []


def test_every_command_is_in_the_reference() -> None:
    text = (ROOT / "docs" / "reference" / "commands.md").read_text(encoding="utf-8")
    visible = [name for name, command in cli.commands.items() if not command.hidden]
    assert visible and [name for name in visible if f"## kaset-xl {name}\n" not in text] == []


def test_docs_cite_no_paths_outside_the_repository() -> None:
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text and "DOMAIN.md" not in text and "DESIGN.md" not in text, path


def test_docs_links_resolve() -> None:
    """Relative links and images in README and docs/ point at files that exist."""
    link = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for target in link.findall(path.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (path.parent / target).exists(), f"{path.relative_to(ROOT)} links to missing {target}"
