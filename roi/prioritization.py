"""Which initiatives first: impact vs resource cost, four ranking methods, and a roadmap.

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
from dataclasses import dataclass, replace
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


# --------------------------------------------------------------------------- roadmap

@dataclass(frozen=True)
class RoadmapItem:
    """One initiative on the roadmap. Quarters count from 0 (the first quarter of year 1)."""

    name: str
    rank: int
    start_quarter: int
    build_quarters: int  # quarters of build, launch at the end of the last one
    fte: float  # average FTEs while building
    effort_fte_months: float

    @property
    def start_month(self) -> float:
        return 3.0 * self.start_quarter

    @property
    def launch_quarter(self) -> int:
        return self.start_quarter + self.build_quarters


@dataclass(frozen=True)
class Roadmap:
    capacity_fte: float  # FTEs available per quarter
    items: list[RoadmapItem]
    load: np.ndarray  # FTEs used per quarter
    curve: pd.DataFrame  # month, plan, cumulative_benefit, cumulative_net (currency)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "rank": it.rank,
                    "initiative": it.name,
                    "start_quarter": it.start_quarter,
                    "launch_quarter": it.launch_quarter,
                    "fte": it.fte,
                    "effort_fte_months": it.effort_fte_months,
                }
                for it in self.items
            ]
        )


def build_quarters(months_to_launch: float) -> int:
    """Quarters an initiative's build occupies: ``ceil(months to launch / 3)``, at least 1."""
    return max(1, math.ceil(months_to_launch / 3 - 1e-9))


def schedule(
    order: list[str],
    effort_fte_months: dict[str, float],
    months_to_launch: dict[str, float],
    capacity_fte: float,
) -> list[RoadmapItem]:
    """Greedy list scheduling in rank order under a capacity limit.

    Notes
    -----
    An initiative needs ``effort`` FTE-months over ``q = ceil(months_to_launch / 3)`` quarters,
    i.e. ``f = effort / (3 q)`` FTEs in each of them. In rank order, each starts in the earliest
    quarter from which ``q`` consecutive quarters still have ``f`` FTEs free. One that needs more
    than the whole capacity is stretched: ``q = ceil(effort / (3 × capacity))``, ``f = capacity``.
    Zero-effort initiatives start at once.
    """
    if not (capacity_fte > 0 and math.isfinite(capacity_fte)):
        raise ValueError("capacity_fte: must be more than 0 FTEs per quarter")
    load = np.zeros(0)
    items = []
    for rank, name in enumerate(order, start=1):
        effort = max(float(effort_fte_months[name]), 0.0)
        q = build_quarters(months_to_launch[name])
        fte = effort / (3 * q)
        if fte > capacity_fte:
            q = math.ceil(effort / (3 * capacity_fte) - 1e-9)
            fte = effort / (3 * q)
        start = _first_fit(load, fte, q, capacity_fte)
        if len(load) < start + q:
            load = np.concatenate([load, np.zeros(start + q - len(load))])
        load[start:start + q] += fte
        items.append(RoadmapItem(name, rank, start, q, fte, effort))
    return items


def _first_fit(load: np.ndarray, fte: float, q: int, capacity_fte: float) -> int:
    """Earliest quarter from which ``q`` consecutive quarters have ``fte`` FTEs free.

    Quarters beyond ``load`` are empty. One pass over ``load`` (a run-length scan), so the work
    is bounded by the roadmap's length whatever the effort.
    """
    if q <= 0:
        return 0
    fits = load + fte <= capacity_fte + 1e-9
    # Length of the run of fitting quarters ending at each quarter.
    idx = np.arange(len(fits))
    last_bad = np.maximum.accumulate(np.where(fits, -1, idx)) if len(fits) else idx
    run = idx - last_bad
    hit = np.flatnonzero(run >= q)
    if len(hit):
        return int(hit[0] - q + 1)
    # No room inside: start after the last quarter that does not fit (the tail is empty).
    return int(last_bad[-1] + 1) if len(fits) else 0


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


def roadmap(
    case: BusinessCase,
    ranked: pd.DataFrame,
    capacity_fte: float,
    *,
    step_months: float = 3.0,
    include_money_pits: bool = False,
) -> Roadmap:
    """Sequence the ranked initiatives under ``capacity_fte`` and their cumulative benefit.

    Money pits (``ranked["quadrant"]``) are left out unless ``include_money_pits``: the
    prioritization says to drop them, so they neither take capacity nor drag the cumulative
    benefit down. Both plans in ``curve`` hold the same initiatives.

    Each initiative's flows (from the business case, which already include its months to
    launch and ramp) are shifted by its start month; the horizon stays fixed, so a later start
    loses benefit at the end, as in :mod:`roi.delay`. ``curve`` holds, every ``step_months``,
    the cumulative benefit and net benefit (benefit − initiative costs) of the capacity-limited
    plan and of an unconstrained plan that starts everything at once.
    """
    kept = ranked if include_money_pits or "quadrant" not in ranked else ranked[
        ranked["quadrant"] != Quadrant.money_pit.value]
    order = list(kept.sort_values("rank")["initiative"])
    by_name = {ic.name: ic for ic in case.initiatives}
    items = schedule(
        order,
        {n: by_name[n].effort_fte_months for n in order},
        {n: by_name[n].months_to_launch for n in order},
        capacity_fte,
    )
    ranks = dict(zip(kept["initiative"], kept["rank"]))  # the ranking's numbers, gaps and all
    items = [replace(it, rank=int(ranks[it.name])) for it in items]
    horizon_months = 12.0 * (len(case.years) - 1)
    months = np.arange(0.0, horizon_months + 1e-9, step_months)
    frames = []
    for plan, starts in (
        ("Capacity-limited plan", {it.name: it.start_month for it in items}),
        ("Everything at once", {n: 0.0 for n in order}),
    ):
        zero = np.zeros(len(months))
        benefit = sum((cumulative_at(by_name[n].benefit, months - starts[n]) for n in order), zero)
        net = sum((cumulative_at(by_name[n].net, months - starts[n]) for n in order), zero)
        frames.append(pd.DataFrame({"month": months, "plan": plan,
                                    "cumulative_benefit": benefit, "cumulative_net": net}))
    n_q = max((it.launch_quarter for it in items), default=0)
    load = np.zeros(n_q)
    for it in items:
        load[it.start_quarter:it.launch_quarter] += it.fte
    return Roadmap(capacity_fte, items, load, pd.concat(frames, ignore_index=True))
