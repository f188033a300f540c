"""Eligibility of a selected group (seed 000 §5.1.1).

Category 1 (to become a Smart Group): joined the farmer-organisation programme of 2559–2563, is not
yet a Smart Group or Smart Group Model, and its 3ก level is ปานกลาง or better.
Category 2 (basic group management): joined the Smart Farmer programme of 2562–2563, or joined the
2559–2563 programme, is not yet a Smart Group or Smart Group Model and is at level ปรับปรุง or ปานกลาง.
The years and levels are settings of the criteria file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kaset_xl.criteria import Criteria

__all__ = ["SelectionInput", "Eligibility", "eligibility"]


@dataclass(frozen=True)
class SelectionInput:
    category: int | None  # 1 or 2
    past_programme_years: tuple[int, ...] = ()
    smart_farmer_years: tuple[int, ...] = ()
    past_level: str | None = None
    smart_group: bool = False
    smart_group_model: bool = False


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...]  # issue codes of the unmet conditions (empty when eligible)


def _within(years: Iterable[int], low: int, high: int) -> bool:
    return any(low <= y <= high for y in years)


def eligibility(sel: SelectionInput, crit: Criteria) -> Eligibility:
    rules = crit.selection
    levels = crit.assessment.level_names  # highest first
    past = _within(sel.past_programme_years, rules.past_programme_from, rules.past_programme_to)
    not_smart = not (sel.smart_group or sel.smart_group_model)
    reasons: list[str] = []
    if sel.category == 1:
        if not past:
            reasons.append("SELECTION_NOT_PAST_PROGRAMME")
        if not not_smart:
            reasons.append("SELECTION_ALREADY_SMART_GROUP")
        if sel.past_level is None or sel.past_level not in levels:
            reasons.append("SELECTION_LEVEL_MISSING")
        elif levels.index(sel.past_level) > levels.index(rules.category1_min_level):
            reasons.append("SELECTION_LEVEL_TOO_LOW")
    elif sel.category == 2:
        smart_farmer = _within(sel.smart_farmer_years, rules.smart_farmer_from, rules.smart_farmer_to)
        via_past = past and not_smart and sel.past_level in rules.category2_levels
        if not (smart_farmer or via_past):
            reasons.append("SELECTION_CATEGORY2_SOURCE")
    else:
        reasons.append("SELECTION_CATEGORY_MISSING")
    return Eligibility(eligible=not reasons, reasons=tuple(reasons))
