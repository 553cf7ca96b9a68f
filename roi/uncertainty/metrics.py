"""Finance metrics for many draws at once: NPV, ROI and payback as ``[D]`` arrays.

The same conventions as :mod:`roi.finance` (year 0 undiscounted, ROI undefined at zero cost,
payback interpolated inside the year), vectorised over the draw axis. "Undefined" is NaN here;
the summaries turn it into ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import engine


@dataclass(frozen=True)
class Outcomes:
    """Programme results per draw (currency; ROI a fraction; payback in months)."""

    npv: np.ndarray  # [D]
    roi: np.ndarray  # [D], NaN where PV of costs is zero
    payback_months: np.ndarray  # [D], NaN where not paid back within the horizon
    pv_benefits: np.ndarray  # [D]
    pv_costs: np.ndarray  # [D]


def outcomes(benefit: np.ndarray, cost: np.ndarray, rate: np.ndarray,
             terminal: np.ndarray | None = None) -> Outcomes:
    """From programme ``benefit`` and ``cost`` ``[D,T+1]``, ``rate`` ``[D or 1]`` and, when the
    scenario counts it, the value beyond the horizon ``terminal`` ``[D]`` (at the end of the horizon).

    Notes
    -----
    ``PV = Σ_t flow_t (1 + rate)^−t``; ``PV(benefit)`` includes ``terminal × (1 + rate)^−T``;
    ``NPV = PV(benefit) − PV(cost)``; ``ROI = (PV(benefit) − PV(cost)) / PV(cost)``, NaN when
    ``PV(cost) ≤ 0``; payback on the yearly flows alone (the value beyond the horizon is not cash
    within it).
    """
    df = engine.discount_factors(np.asarray(rate, dtype=float), benefit.shape[1] - 1).T  # [T+1, D or 1]
    # Years first: each sum over years adds whole rows of draws, at a fraction of the cost of summing
    # each draw's short row (a Monte Carlo chunk is tens of thousands of draws of 2–11 years).
    # (copies, except for one draw: then views of the caller's arrays, so nothing here writes to them)
    b, c = np.ascontiguousarray(benefit.T), np.ascontiguousarray(cost.T)
    pv_b = _sum_years(b, df)
    if terminal is not None:
        pv_b = pv_b + terminal * df[-1]
    pv_c = _sum_years(c, df)
    npv = pv_b - pv_c
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = np.where(pv_c > 0, npv / np.where(pv_c > 0, pv_c, 1.0), np.nan)
    return Outcomes(npv, roi, _payback_years_first(b - c), pv_b, pv_c)


def _sum_years(flows: np.ndarray, df: np.ndarray) -> np.ndarray:
    """``Σ_t flows[t] × df[t]`` over the years of ``[T+1,D]`` flows, added in year order.

    Year by year on purpose: the same additions in the same order whatever the number of draws
    (numpy's pairwise sum of one draw's row groups 8 or more years differently), so a draw's NPV
    does not depend on how the draws were chunked — and equals, up to a 6-year horizon, the sum of
    each draw's row that this replaced.
    """
    out = flows[0] * df[0]
    for t in range(1, flows.shape[0]):
        out += flows[t] * df[t]
    return out


def payback_months(cash: np.ndarray) -> np.ndarray:
    """Months until cumulative cash ``[D,T+1]`` is back at zero for good, ``[D]``; NaN if never.

    Notes
    -----
    As :func:`roi.finance.payback_months`: 0 when the cumulative cash is never negative; NaN
    when it is negative in the last year; otherwise, with ``u`` the last year it is negative,
    ``12 × (u + −cum[u] / cash[u+1])``.
    """
    return _payback_years_first(np.ascontiguousarray(np.asarray(cash, dtype=float).T))


def _payback_years_first(net: np.ndarray) -> np.ndarray:
    """:func:`payback_months` of the net cash laid out years first, ``[T+1,D]``."""
    cum = np.cumsum(net, axis=0)
    T1 = net.shape[0]
    last = np.full(net.shape[1], -1, dtype=np.intp)  # last negative year per draw (−1: never under water)
    for t in range(T1):
        last[cum[t] < 0] = t
    u = np.clip(last, 0, T1 - 2)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # np.choose picks row u[d] of column d (at most 11 years: well within its limit of choices)
        months = 12.0 * (u + -np.choose(u, cum) / np.choose(u + 1, net))
    return np.where(last < 0, 0.0, np.where(last == T1 - 1, np.nan, months))
