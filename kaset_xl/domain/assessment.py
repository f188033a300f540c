"""3ก group potential assessment: area subtotals, total, level, and the change between rounds.

The areas, indicators, points and level thresholds come from the fiscal year's criteria.  A group
must rise at least one level between round 1 and round 2 (seed 000 §5.1.1).  A group already at the
top level cannot rise: with ``top_level_rule = "maintain"`` (the default) it meets the goal by staying
at the top level without losing points; with ``"strict"`` it never meets it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from kaset_xl.criteria import AssessmentCriteria
from kaset_xl.domain.numbers import round2

__all__ = ["AssessmentScore", "LevelChange", "score_assessment", "level_for", "level_change"]


@dataclass(frozen=True)
class AssessmentScore:
    areas: dict[str, float]  # area code → subtotal of the indicators given
    total: float
    level: str
    complete: bool  # every indicator has a score
    missing: tuple[str, ...]  # indicator codes without a score


@dataclass(frozen=True)
class LevelChange:
    steps: int  # levels risen (negative: fell)
    met: bool  # the "rise at least one level" goal


def _round(x: float) -> float:
    return round2(x)


def level_for(total: float, crit: AssessmentCriteria) -> str:
    """The level of a total: the highest level whose min_score the total reaches (on the line counts)."""
    t = _round(total)
    for lv in crit.levels:
        if t >= lv.min_score:
            return lv.name
    return crit.levels[-1].name


def score_assessment(scores: Mapping[str, float | None], crit: AssessmentCriteria) -> AssessmentScore:
    """Subtotals per area, the total and the level, from indicator code → points given."""
    areas: dict[str, float] = {}
    missing: list[str] = []
    for area in crit.areas:
        values = []
        for ind in area.indicators:
            v = scores.get(ind.code)
            if v is None:
                missing.append(ind.code)
            else:
                values.append(float(v))
        areas[area.code] = _round(math.fsum(values))
    total = _round(math.fsum(areas.values()))
    return AssessmentScore(areas=areas, total=total, level=level_for(total, crit), complete=not missing,
                           missing=tuple(missing))


def level_change(before: AssessmentScore, after: AssessmentScore, crit: AssessmentCriteria) -> LevelChange:
    names = crit.level_names
    steps = names.index(before.level) - names.index(after.level)
    met = steps >= 1
    if not met and crit.top_level_rule == "maintain" and before.level == names[0] == after.level:
        met = after.total >= before.total
    return LevelChange(steps=steps, met=met)
