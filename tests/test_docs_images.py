"""The guides' pictures: every image a page of docs/ links exists, and docs/images holds exactly what
docs/make_images.py makes (no rendering here: run ``python docs/make_images.py`` to regenerate them)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
_IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)|<img\s[^>]*src=\"([^\"]+)\"")


def _make_images() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_images", DOCS / "make_images.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _linked_images() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for page in sorted(DOCS.rglob("*.md")):
        for match in _IMAGE_LINK.finditer(page.read_text(encoding="utf-8")):
            target = match.group(1) or match.group(2)
            if "://" not in target:
                found[f"{page.relative_to(ROOT)}: {target}"] = (page.parent / target).resolve()
    return found


def test_every_linked_image_exists() -> None:
    linked = _linked_images()
    assert linked, "the guides link no picture at all"
    assert [where for where, path in linked.items() if not path.is_file()] == []


def test_images_folder_is_what_make_images_makes() -> None:
    assert sorted(p.name for p in (DOCS / "images").iterdir()) == _make_images().outputs()


def test_every_made_image_is_used() -> None:
    used = {path.name for path in _linked_images().values() if path.parent == (DOCS / "images").resolve()}
    assert sorted(set(_make_images().outputs()) - used) == []


def test_images_stay_small() -> None:
    sizes = {p.name: p.stat().st_size for p in (DOCS / "images").glob("*.png")}
    assert all(size < 160_000 for size in sizes.values()), sizes
    assert sum(sizes.values()) < 2_000_000
