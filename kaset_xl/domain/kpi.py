"""Project indicators (ตัวชี้วัด): the share of members able to run group activities in each of the
five areas, and the number of model learning centres developed.

The denominator is the members evaluated (those with at least one answer in the capability columns,
normally the seminar participants of §5.1.5); a member counts in an area when marked capable there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kaset_xl.domain.numbers import round2

__all__ = ["Kpi", "compute_kpis"]


@dataclass(frozen=True)
class Kpi:
    evaluated: int
    capable: tuple[int, ...]  # per area
    percent: tuple[float | None, ...]  # per area, 2 decimals; None when nobody was evaluated
    learning_centres: int


def compute_kpis(capabilities: Iterable[Sequence[bool | None]], learning_centres: int, *, areas: int = 5) -> Kpi:
    rows = [tuple(r) for r in capabilities if any(v is not None for v in r)]
    capable = tuple(sum(1 for r in rows if k < len(r) and r[k]) for k in range(areas))
    n = len(rows)
    percent = tuple(round2(100.0 * c / n) if n else None for c in capable)
    return Kpi(evaluated=n, capable=capable, percent=percent, learning_centres=learning_centres)
