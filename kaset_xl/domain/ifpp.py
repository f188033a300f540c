"""Individual Farm Production Plans (IFPP): completeness and the plan's profit.

A plan is complete when every section is filled: goal, production, marketing, management,
social/environment, finance (cost and revenue), contingency plan, and the group activity it links to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
    profit = round(revenue - cost, 2) if cost is not None and revenue is not None else None
    return IfppStatus(complete=not missing, missing=missing, profit=profit)
