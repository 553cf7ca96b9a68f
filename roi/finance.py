"""Finance conventions a CFO expects: NPV, IRR, ROI and payback, with explicit degenerate cases.

Cash flows are yearly, year 0 first (the initial investment), in the scenario's currency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy_financial as npf


def npv(rate: float, cash_flows: Sequence[float]) -> float:
    """Net present value with the year-0 convention.

    Notes
    -----
    ``NPV = Σ_t CF_t / (1 + rate)^t`` for t = 0 … n: year 0 is *not* discounted. This is
    ``numpy_financial.npv``; in Excel it is ``=CF0 + NPV(rate, CF1:CFn)`` because Excel's
    ``NPV()`` discounts its first value one period.

    >>> round(npv(0.10, [-100, 60, 60]), 4)
    4.1322
    """
    return float(npf.npv(rate, np.asarray(cash_flows, dtype=float)))


def irr(cash_flows: Sequence[float]) -> float | None:
    """Internal rate of return (fraction per year), or ``None`` when it is undefined.

    IRR is undefined when the flows never change sign (all gains or all losses) or when
    numpy-financial finds no real solution.

    >>> round(irr([-100, 60, 60]), 6)
    0.130662
    """
    cf = np.asarray(cash_flows, dtype=float)
    if not ((cf > 0).any() and (cf < 0).any()):
        return None
    value = float(npf.irr(cf))
    return None if math.isnan(value) else value


def roi(pv_benefits: float, pv_costs: float) -> float | None:
    """``(PV benefits − PV costs) / PV costs``; ``None`` (undefined, not infinite) at zero cost."""
    if pv_costs <= 0:
        return None
    return (pv_benefits - pv_costs) / pv_costs


def payback_months(cash_flows: Sequence[float]) -> float | None:
    """Months until the cumulative (undiscounted) cash flow is back at zero for good, or ``None``.

    Notes
    -----
    Year 0 is a point in time; each later year's flow is assumed to arrive evenly over its
    12 months, so the crossing is interpolated linearly inside the year. It is the crossing
    after the *last* year the cumulative flow is negative, so a case that dips under water
    again later has not paid back yet. A case that is never under water pays back at month 0;
    ``None`` means not within the horizon.

    >>> payback_months([-100, 60, 60])
    20.0
    """
    cf = np.asarray(cash_flows, dtype=float)
    under = np.flatnonzero(np.cumsum(cf) < 0)
    if len(under) == 0:
        return 0.0
    t = int(under[-1])
    if t == len(cf) - 1:
        return None
    return float(12.0 * (t + (-cf[: t + 1].sum()) / cf[t + 1]))


def irr_is_unique(cash_flows: Sequence[float]) -> bool:
    """True when exactly one rate above −100% makes the NPV zero.

    Flows that change sign more than once (an investment, a return, then a large cost) can
    have several such rates; any single IRR quoted for them is ambiguous.

    >>> irr_is_unique([-100, 60, 60]), irr_is_unique([-100, 230, -132])
    (True, False)
    """
    cf = np.asarray(cash_flows, dtype=float)
    scale = np.abs(cf).max(initial=0.0)
    if not np.isfinite(scale) or scale == 0:
        return False
    # Rounding dust in the last years would make a huge, meaningless leading coefficient.
    cf = np.trim_zeros(np.where(np.abs(cf) < 1e-12 * scale, 0.0, cf / scale), "b")
    if len(cf) < 2:
        return False
    # NPV = Σ cf_t x^t with x = 1 / (1 + r): each positive real root x is one IRR.
    roots = np.roots(cf[::-1])
    real = roots[np.abs(roots.imag) < 1e-9].real
    return len(np.unique(np.round(real[real > 0], 9))) == 1


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, ``None`` when the denominator is zero (e.g. no campaign cost)."""
    return None if denominator == 0 else numerator / denominator
