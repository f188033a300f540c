"""Rounding as the workbook rounds: Excel's ROUND takes halves away from zero (2.5 → 3, 25.625 → 25.63),
where Python's round() takes them to even.  Every money amount and percentage goes through here."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["round2"]


def round2(x: float) -> float:
    """``x`` rounded to 2 decimals, halves away from zero, from its shortest decimal form.

    A float of 10^15 or more has no cents to round (and Decimal's 28-digit context would refuse to
    quantize 1e26): it is returned as it is, as are infinities and NaN."""
    x = float(x)
    if not math.isfinite(x) or abs(x) >= 1e15:
        return x
    return float(Decimal(repr(float(x))).quantize(Decimal("0.01"), ROUND_HALF_UP))
