"""Individual Farm Production Plans (IFPP): completeness and the plan's profit.

A plan is complete when every section is filled: goal, production, marketing, management,
social/environment, finance (cost and revenue), contingency plan, and the group activity it links to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kaset_xl.domain.numbers import round2

__all__ = ["IFPP_SECTIONS", "IfppStatus", "ifpp_status"]

IFPP_SECTIONS = ("goal", "production", "marketing", "management", "social_env", "cost", "revenue",
                 "contingency", "linked_activity")


@dataclass(frozen=True)
class IfppStatus:
    complete: bool
    missing: tuple[str, ...]
    profit: float | None


def ifpp_status(plan: Mapping[str, Any]) -> IfppStatus:
    missing = tuple(k for k in IFPP_SECTIONS if plan.get(k) in (None, ""))
    cost, revenue = plan.get("cost"), plan.get("revenue")
    profit = None
    if isinstance(cost, (int, float)) and isinstance(revenue, (int, float)):
        profit = round2(revenue - cost)
    return IfppStatus(complete=not missing, missing=missing, profit=profit)
