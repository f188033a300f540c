"""A value computed once per long-lived object: a layout per criteria, a parse plan per table …

Layouts and their tables are shared for a whole process (see ``workbook.layout.build_layout``), so
whatever depends only on them is worked out once, not per workbook.  The objects are looked up by
identity (they need not be hashable) and kept alive with their value, so that an ``id`` cannot be
reused for another object while its entry exists.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["IdentityMemo"]

V = TypeVar("V")
_MISSING = object()


class IdentityMemo(Generic[V]):
    """Values keyed by a tuple of objects (compared by identity) and an optional hashable ``extra``;
    cleared when it holds ``limit`` entries."""

    def __init__(self, limit: int = 256) -> None:
        self.limit = limit
        self._items: dict[tuple[tuple[int, ...], Hashable], tuple[tuple[object, ...], V]] = {}

    def lookup(self, owners: tuple[object, ...], extra: Hashable = None) -> V | None:
        hit = self._items.get((tuple(map(id, owners)), extra))
        if hit is not None and all(a is b for a, b in zip(hit[0], owners, strict=False)):
            return hit[1]
        return None

    def store(self, owners: tuple[object, ...], value: V, extra: Hashable = None) -> V:
        if len(self._items) >= self.limit:
            self.clear()
        self._items[(tuple(map(id, owners)), extra)] = (owners, value)
        return value

    def clear(self) -> None:
        self._items.clear()

    def get(self, owners: tuple[object, ...], build: Callable[[], V]) -> V:
        """The value for ``owners``, built by ``build()`` the first time."""
        hit = self.lookup(owners)
        return hit if hit is not None else self.store(owners, build())
