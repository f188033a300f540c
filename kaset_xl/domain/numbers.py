"""Rounding as the workbook rounds: Excel's ROUND takes halves away from zero (2.5 → 3, 25.625 → 25.63),
where Python's round() takes them to even.  Every money amount and percentage goes through here."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["round2"]

_CENT = Decimal("0.01")


def round2(x: float) -> float:
    """``x`` rounded to 2 decimals, halves away from zero, from its shortest decimal form.

    A float of 10^15 or more has no cents to round (and Decimal's 28-digit context would refuse to
    quantize 1e26): it is returned as it is, as are infinities and NaN."""
    x = float(x)
    if not math.isfinite(x) or abs(x) >= 1e15:
        return x
    text = repr(x)  # below 1e15 never '1e+15'; a tiny number is '1e-05' (then rounded below)
    if "e" not in text and len(text) - text.index(".") <= 3:
        return x  # at most 2 decimals already (12.0, 1234.5, -0.25): rounding gives x back
    return float(Decimal(text).quantize(_CENT, ROUND_HALF_UP))
