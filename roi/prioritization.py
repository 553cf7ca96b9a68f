"""Lenses on which initiatives first: impact vs resource cost and four ranking methods.

The decision itself — what to do, in what order, when each launches — is :mod:`roi.plan`'s; these
scores explain it from different angles (the Prioritization page shows them as such).

Impact is an initiative's risk-adjusted NPV or its incremental gross profit over the horizon
(scenario currency). Resource cost is its effort (FTE-months) or its total cost over the
horizon (scenario currency). All functions are pure; the dashboard, the CLI and the exports
call the same ones.

Ranking methods (higher score = do first)
-----------------------------------------
``value_per_effort``
    ``impact ÷ resource cost``.
``rice`` (Intercom's RICE)
    ``reach × impact score × confidence ÷ effort`` with reach in customers per year (the
    initiative's reachable customers; a cost-saving initiative acts on every campaign and is
    given the scenario's personalizable customers), impact score on Intercom's scale from the
    base uplift (≥ 10% → 3 massive, ≥ 5% → 2 high, ≥ 2% → 1 medium, ≥ 1% → 0.5 low, else 0.25
    minimal; a non-positive uplift scores 0), confidence from the evidence kind
    (:data:`CONFIDENCE`) and effort in FTE-months.
``ice``
    ``impact × confidence × ease``, each on 1–10: impact and ease are the initiative's impact
    and resource cost rescaled linearly over the portfolio (highest impact → 10, lowest resource
    cost → 10), confidence is :data:`CONFIDENCE` × 10.
``wsjf`` (weighted shortest job first)
    ``cost of delay per month ÷ duration`` with the cost of delay from
    :func:`roi.delay.cost_of_delay_per_month` (currency per month) and the duration in months
    to launch, floored at :data:`MIN_DURATION_MONTHS`.

A zero resource cost makes a ratio undefined: such an initiative ranks first if its impact is
positive, last otherwise (its score is reported as NaN).
"""

from __future__ import annotations

import math
from enum import Enum

import numpy as np
import pandas as pd

from . import finance
from .model import BusinessCase

CONFIDENCE: dict[str, float] = {"assumed": 0.5, "benchmark": 0.8, "measured": 1.0}
MIN_DURATION_MONTHS = 1.0


class Impact(str, Enum):
    npv = "npv"  # risk-adjusted NPV, currency
    profit = "profit"  # incremental gross profit + savings over the horizon, currency


class Resource(str, Enum):
    effort = "effort"  # FTE-months
    cost = "cost"  # total cost over the horizon, currency


class Method(str, Enum):
    value_per_effort = "value_per_effort"
    rice = "rice"
    ice = "ice"
    wsjf = "wsjf"


METHOD_LABELS: dict[Method, str] = {
    Method.value_per_effort: "Value ÷ effort",
    Method.rice: "RICE",
    Method.ice: "ICE",
    Method.wsjf: "Cost of delay ÷ duration (WSJF)",
}


class Quadrant(str, Enum):
    quick_win = "Quick win"  # high impact, low resource cost
    big_bet = "Big bet"  # high impact, high resource cost
    fill_in = "Fill-in"  # low impact, low resource cost
    money_pit = "Money pit"  # low impact, high resource cost


def rice_impact_score(uplift: float) -> float:
    """Intercom's impact scale from a relative uplift (0.05 = +5%).

    >>> [rice_impact_score(u) for u in (0.15, 0.07, 0.03, 0.01, 0.005, 0.0)]
    [3.0, 2.0, 1.0, 0.5, 0.25, 0.0]
    """
    if uplift <= 0:
        return 0.0
    for threshold, score in ((0.10, 3.0), (0.05, 2.0), (0.02, 1.0), (0.01, 0.5)):
        if uplift >= threshold:
            return score
    return 0.25


def _rescale(values: np.ndarray, *, invert: bool = False) -> np.ndarray:
    """Linear map of ``values`` onto 1–10 (all equal → 10). ``invert``: lowest → 10."""
    lo, hi = float(values.min()), float(values.max())
    if hi == lo:
        return np.full(len(values), 10.0)
    scaled = (values - lo) / (hi - lo)
    return 1 + 9 * ((1 - scaled) if invert else scaled)


def quadrant(impact: float, resource: float, impact_split: float, resource_split: float) -> Quadrant:
    """Quadrant of one initiative; on a split line counts as high impact / low cost.

    An initiative that loses money (``impact < 0``) is a money pit whatever its resource cost:
    cheap or not, doing it makes the programme worse.

    >>> [quadrant(i, r, 5, 5).value for i, r in ((10, 1), (10, 9), (1, 1), (1, 9), (-1, 1))]
    ['Quick win', 'Big bet', 'Fill-in', 'Money pit', 'Money pit']
    """
    if impact < 0:
        return Quadrant.money_pit
    high = impact >= impact_split and impact > 0
    cheap = resource <= resource_split
    if high:
        return Quadrant.quick_win if cheap else Quadrant.big_bet
    return Quadrant.fill_in if cheap else Quadrant.money_pit


IMPACT_TITLES: dict[Impact, str] = {Impact.npv: "NPV", Impact.profit: "Incremental profit, before programme costs"}
RESOURCE_TITLES: dict[Resource, str] = {Resource.effort: "Effort (FTE-months)",
                                        Resource.cost: "Total cost over the horizon"}
NO_EFFORT_NOTE = ("No initiative has an effort estimate (every effort is 0 FTE-months), so resource cost is each "
                  "initiative's total cost over the horizon; enter effort on the Initiatives page to rank by effort.")


def resource_axis(case: BusinessCase, chosen: Resource | str) -> tuple[Resource, str | None]:
    """The resource cost the lenses use, and why it is not ``chosen`` (``None`` when it is).

    ``chosen`` is used unless it is effort and no initiative has an effort estimate (every
    ``effort_fte_months`` is 0): then every point would sit on the zero line and every
    value-per-effort ratio would be undefined, which ranks nothing. Total cost is used instead, and
    the note (:data:`NO_EFFORT_NOTE`) says so wherever the lens is shown (page, deck, workbook).
    """
    chosen = Resource(chosen)
    if chosen == Resource.effort and case.initiatives and all(
            ic.effort_fte_months == 0 for ic in case.initiatives):
        return Resource.cost, NO_EFFORT_NOTE
    return chosen, None


def splits(impacts: np.ndarray, resources: np.ndarray) -> tuple[float, float]:
    """Quadrant lines: median impact (but never below 0 — a loss is never high impact) and
    median resource cost of the portfolio."""
    return max(float(np.median(impacts)), 0.0), float(np.median(resources))


def score_table(
    case: BusinessCase,
    cost_of_delay: dict[str, float],
    *,
    method: Method | str = Method.value_per_effort,
    impact: Impact | str = Impact.npv,
    resource: Resource | str = Resource.effort,
) -> pd.DataFrame:
    """One row per initiative, ranked (``rank`` 1 = do first) by ``method``.

    Columns: ``initiative, outcome, evidence, impact`` (currency), ``resource`` (FTE-months or
    currency), ``npv, incremental_profit, total_cost, effort_fte_months, reach`` (customers per
    year), ``uplift, confidence`` (0–1), ``cost_of_delay`` (currency per month),
    ``duration_months, score`` (NaN when undefined: zero resource cost), ``quadrant, rank``.
    """
    method, impact, resource = Method(method), Impact(impact), Resource(resource)
    scenario = case.scenario
    all_reach = sum(s.customers * s.personalizable_share for s in scenario.segments)
    rows = []
    for ini, ic in zip(scenario.initiatives, case.initiatives):
        value = ic.npv if impact == Impact.npv else ic.incremental_gross_profit
        res = ic.effort_fte_months if resource == Resource.effort else ic.total_cost
        reach = all_reach if ini.lever.value == "cost_saving" else ic.reachable_customers
        rows.append(
            {
                "initiative": ic.name,
                "outcome": ic.outcome,
                "evidence": ic.evidence,
                "impact": value,
                "resource": res,
                "npv": ic.npv,
                "incremental_profit": ic.incremental_gross_profit,
                "total_cost": ic.total_cost,
                "effort_fte_months": ic.effort_fte_months,
                "reach": reach,
                "uplift": ini.uplift.base,
                "confidence": CONFIDENCE[ic.evidence],
                "cost_of_delay": float(cost_of_delay.get(ic.name, 0.0)),
                "duration_months": max(ic.months_to_launch, MIN_DURATION_MONTHS),
            }
        )
    df = pd.DataFrame(rows)
    imp, res = df["impact"].to_numpy(float), df["resource"].to_numpy(float)
    if method == Method.value_per_effort:
        scores = [finance.ratio(i, r) for i, r in zip(imp, res)]
    elif method == Method.rice:
        scores = [
            finance.ratio(row.reach * rice_impact_score(row.uplift) * row.confidence, row.effort_fte_months)
            for row in df.itertuples()
        ]
    elif method == Method.ice:
        ice = _rescale(imp) * (df["confidence"].to_numpy() * 10) * _rescale(res, invert=True)
        scores = [float(v) for v in ice]
    else:
        scores = [r.cost_of_delay / r.duration_months for r in df.itertuples()]
    df["score"] = scores
    # Sort key: defined scores by value; undefined (zero resource) first if impact > 0, else last.
    key = [
        (math.inf if i > 0 else -math.inf) if s is None else s for s, i in zip(scores, imp)
    ]
    i_split, r_split = splits(imp, res)
    df["quadrant"] = [quadrant(i, r, i_split, r_split).value for i, r in zip(imp, res)]
    order = sorted(range(len(df)), key=lambda k: (-key[k], -imp[k], df["initiative"][k]))
    df["rank"] = 0
    df.loc[order, "rank"] = range(1, len(df) + 1)
    return df.sort_values("rank").reset_index(drop=True)


# --------------------------------------------------------------------------- timing

def cumulative_at(yearly: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Cumulative sum of a yearly flow at given months since the start of year 1.

    Year 0's value is a point at month 0; year *k*'s arrives evenly over months 12(k−1)…12k.
    Negative months give 0; months after the horizon give the total.

    >>> cumulative_at(np.array([-100.0, 120.0]), np.array([-1.0, 0.0, 6.0, 12.0, 24.0])).tolist()
    [0.0, -100.0, -40.0, 20.0, 20.0]
    """
    knots_m = np.concatenate([[0.0], 12.0 * np.arange(1, len(yearly))])
    knots_v = np.cumsum(yearly)
    out = np.interp(months, knots_m, knots_v)
    return np.where(np.asarray(months) < 0, 0.0, out)
