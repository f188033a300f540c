"""Budget lines: amounts, totals per activity, rate caps and the model group's materials cap.

A line whose item is in the rate table must not exceed the cap in force on the line's date
(BUDGET_RATE_EXCEEDED; BUDGET_RATE_NOT_VALID when no rate of that item is in force that day).
Materials (5.1.4) are only for the model group and at most ``materials_cap`` baht per group:
7,000.00 is within, 7,000.01 is over.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from kaset_xl.criteria import Criteria
from kaset_xl.domain.numbers import round2

__all__ = ["BudgetLine", "BudgetReport", "line_amount", "check_budget", "MATERIALS"]

MATERIALS = "materials"


@dataclass(frozen=True)
class BudgetLine:
    key: int  # the worksheet row
    activity: str | None  # activity code (phase1, phase2, materials, seminar)
    item: str | None
    quantity: float | None
    unit_price: float | None
    group: str | None = None
    date: dt.date | None = None


@dataclass
class BudgetReport:
    by_activity: dict[str, float] = field(default_factory=dict)
    materials_by_group: dict[str, float] = field(default_factory=dict)
    total: float = 0.0
    violations: list[tuple[int, str, dict[str, object]]] = field(default_factory=list)  # (row, code, params)


def line_amount(line: BudgetLine) -> float | None:
    if line.quantity is None or line.unit_price is None:
        return None
    q, p = float(line.quantity), float(line.unit_price)
    if not (math.isfinite(q) and math.isfinite(p)):
        return None
    with localcontext() as ctx:  # room for any product of two floats: quantize never runs out of digits
        ctx.prec = 700
        amount = float((Decimal(repr(q)) * Decimal(repr(p))).quantize(Decimal("0.01"), ROUND_HALF_UP))
    return amount if math.isfinite(amount) else None  # beyond any float: not an amount


def check_budget(lines: Iterable[BudgetLine], crit: Criteria, *, model_groups: Iterable[str] = (),
                 default_date: dt.date | None = None) -> BudgetReport:
    report = BudgetReport()
    models = set(model_groups)
    cap = crit.programme.materials_cap
    amounts: list[float] = []
    last_materials_row: dict[str, int] = {}
    for line in lines:
        amount = line_amount(line)
        if amount is not None and line.activity:
            report.by_activity[line.activity] = round2(report.by_activity.get(line.activity, 0.0) + amount)
            amounts.append(amount)
        rates = crit.budget.rates_for(line.item) if line.item else ()
        if rates and line.unit_price is not None:
            day = line.date or default_date
            in_force = [r for r in rates if day is None or r.valid_on(day)]
            if not in_force:
                report.violations.append((line.key, "BUDGET_RATE_NOT_VALID", {"item": line.item}))
            elif line.unit_price > max(r.cap for r in in_force):
                rate = max(in_force, key=lambda r: r.cap)
                report.violations.append((line.key, "BUDGET_RATE_EXCEEDED", {
                    "item": line.item, "value": line.unit_price, "cap": rate.cap, "unit": rate.unit,
                    "reference": rate.reference}))
        if line.activity == MATERIALS:
            if not line.group or line.group not in models:
                report.violations.append((line.key, "MATERIALS_NOT_MODEL_GROUP", {"group": line.group or ""}))
            if line.group and amount is not None:
                report.materials_by_group[line.group] = round2(
                    report.materials_by_group.get(line.group, 0.0) + amount)
                last_materials_row[line.group] = line.key
    for group, total in report.materials_by_group.items():
        if total > cap:
            report.violations.append((last_materials_row[group], "MATERIALS_OVER_CAP",
                                      {"group": group, "value": total, "cap": cap}))
    report.total = round2(math.fsum(amounts))
    return report
