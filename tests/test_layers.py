"""Imports run one way: no import cycle between the package's modules, lazy imports inside functions included
(imports under ``if TYPE_CHECKING:`` are for the type checker only and are left out)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "kaset_xl"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            for alias in node.names:  # "from kaset_xl.workbook import layout" imports a module
                found.add(f"{target}.{alias.name}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {name for name in found if name in known and name != module}


def import_graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(paths)
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Only the imports written in the module: a package's __init__ that re-exports its modules is a facade
        # above them, not a cycle with each (Python runs it first, and it imports them in order).
        graph[name] = _imports(tree, name, path.name == "__init__.py", known)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def strong(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                strong(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            strong(node)
    return found


def test_the_graph_is_found() -> None:
    graph = import_graph()
    assert "kaset_xl.cli" in graph and "kaset_xl.issues" in graph["kaset_xl.cli"]


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# The layers, lowest first (docs/developer.md names them): a module may import from its own layer or a lower one.
# A module is placed by the longest prefix listed; a new module that matches none fails the test until placed.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("kaset_xl", "kaset_xl.issues", "kaset_xl.normalize", "kaset_xl.memo", "kaset_xl.areas",
              "kaset_xl.fileio", "kaset_xl.textcell", "kaset_xl.domain", "kaset_xl.domain.numbers",
              "kaset_xl.domain.models",
              "kaset_xl.workbook", "kaset_xl.workbook.sheetscan", "kaset_xl.workbook.package",
              "kaset_xl.workbook.vba", "kaset_xl.workbook.fontmetrics", "kaset_xl.workbook.textfit")),
    ("spec", ("kaset_xl.workbook.spec", "kaset_xl.workbook.establish_sheets", "kaset_xl.workbook.printing")),
    ("criteria", ("kaset_xl.criteria",)),
    ("sheets", ("kaset_xl.workbook.programme_sheets", "kaset_xl.workbook.layout")),
    ("reader and rules", ("kaset_xl.workbook.guard", "kaset_xl.workbook.sniff", "kaset_xl.workbook.reader",
                          "kaset_xl.workbook.editing", "kaset_xl.workbook.macros", "kaset_xl.domain.")),
    ("use cases", ("kaset_xl.validate", "kaset_xl.scoring", "kaset_xl.certificate", "kaset_xl.establish_register",
                   "kaset_xl.consolidate", "kaset_xl.workbook.builder")),
    ("shells", ("kaset_xl.cli", "kaset_xl.__main__", "kaset_xl.xl", "kaset_xl.remote", "kaset_xl.server")),
)


def layer_of(module: str) -> int | None:
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for level, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or (prefix.endswith(".") and module.startswith(prefix)) or \
                module.startswith(prefix + ".") and prefix != "kaset_xl" and prefix not in _EXACT_ONLY
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), level)
    return None if best is None else best[1]


# Packages whose modules are placed one by one (their __init__ alone is named).
_EXACT_ONLY = {"kaset_xl.domain", "kaset_xl.workbook"}


def test_every_module_has_a_layer() -> None:
    assert [m for m in sorted(import_graph()) if layer_of(m) is None] == []


def test_imports_go_down_the_layers() -> None:
    graph = import_graph()
    upward = [f"{a} ({LAYERS[layer_of(a) or 0][0]}) imports {b} ({LAYERS[layer_of(b) or 0][0]})"
              for a, targets in sorted(graph.items()) for b in sorted(targets)
              if (layer_of(b) or 0) > (layer_of(a) or 0)]
    assert upward == []
