"""Smart Farmer self-assessment: the class of each member.

Classes (settings in the criteria file): Smart Farmer ต้นแบบ — every indicator passed (and, by
default, the income test); Existing Smart Farmer — at least ``existing_min_per_qualification``
indicators passed in each of the basic qualifications and household farm income at or above the
threshold (180,000 baht a year); Developing Smart Farmer — everyone else.  "Passed the Smart Farmer
assessment" (needed for phase 2) means Existing or ต้นแบบ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kaset_xl.criteria import SmartFarmerCriteria

__all__ = ["SmartFarmerResult", "classify"]


@dataclass(frozen=True)
class SmartFarmerResult:
    cls: str
    passed: bool  # Existing or ต้นแบบ
    per_qualification: dict[str, int]  # qualification code → indicators passed
    income_ok: bool
    complete: bool  # every indicator answered and the income given


def classify(passes: Mapping[str, bool | None], income: float | None,
             crit: SmartFarmerCriteria) -> SmartFarmerResult:
    per_q: dict[str, int] = {}
    answered = all_pass = True  # every indicator answered / passed
    for q in crit.qualifications:  # one pass over the indicators (crit.indicators is this order)
        n = 0
        for i in q.indicators:
            v = passes.get(i.code)
            if v:
                n += 1
            else:
                all_pass = False
                answered = answered and v is not None
        per_q[q.code] = n
    income_ok = income is not None and income >= crit.income_threshold
    each_q = all(n >= crit.existing_min_per_qualification for n in per_q.values())
    if all_pass and (income_ok or not crit.model_requires_income):
        cls = crit.class_model
    elif each_q and income_ok:
        cls = crit.class_existing
    else:
        cls = crit.class_developing
    return SmartFarmerResult(cls=cls, passed=cls != crit.class_developing, per_qualification=per_q,
                             income_ok=income_ok, complete=answered and income is not None)
