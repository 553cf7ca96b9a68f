"""Per-initiative yearly flows: revenue, gross profit, savings and costs, then risk adjustment.

This is the model that ``roi.evaluate`` reports, split by initiative; the Monte Carlo uses the
programme-level twin in :mod:`roi.engine.programme`, which gives the same totals without the
split. Results of :func:`compute` are *before* risk adjustment (see :func:`risk_adjust`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .build import COST_SAVING, RETENTION, REVENUE, Inputs, Structure
from .timing import timing

BEYOND_HORIZON_YEARS = 100  # years after the horizon the extra retained customers are followed


@dataclass(frozen=True)
class Flows:
    """Per-initiative yearly flows before risk adjustment. Year axis is 0 … horizon."""

    revenue: np.ndarray  # [D,J,T+1] incremental revenue (after overlap, lever interaction, calibration)
    standalone_revenue: np.ndarray  # [D,J,T+1] as if no other initiative pulled any lever on its segments
    overlap_revenue: np.ndarray  # [D,J,T+1] after same-lever overlap, before lever interaction
    gross_profit: np.ndarray  # [D,J,T+1] incremental gross profit
    savings: np.ndarray  # [D,J,T+1] cost savings (efficiency initiatives)
    terminal: np.ndarray  # [D,J] value at the end of the horizon of the gross profit that extra
    #                       retained customers still on the books bring in later years
    one_time_cost: np.ndarray  # [D,J,T+1]
    effort_cost: np.ndarray  # [D,J,T+1] effort × cost of an FTE-month, at year 0
    running_cost: np.ndarray  # [D,J,T+1]
    content_cost: np.ndarray  # [D,J,T+1]
    variable_cost: np.ndarray  # [D,J,T+1]
    programme_cost: np.ndarray  # [D,T+1] shared team and platform costs
    reachable_customers: np.ndarray  # [D,J]

    @property
    def benefit(self) -> np.ndarray:
        return self.gross_profit + self.savings

    @property
    def cost(self) -> np.ndarray:
        return self.one_time_cost + self.effort_cost + self.running_cost + self.content_cost + self.variable_cost


def pair_reach_share(structure: Structure, x: Inputs) -> np.ndarray:
    """``[D,P]`` share of a pair's segment the initiative may reach before channel reach: the
    identifiable × consented share when it needs identity, everyone when it works by context."""
    return np.where(structure.pair_identity[None, :], x.personalizable[:, structure.pair_segment], 1.0)


def compute(structure: Structure, x: Inputs) -> Flows:
    """Yearly flows for every initiative and draw.

    Notes
    -----
    For a pair (initiative *j*, segment *s*) the relative uplift felt by an average customer of
    the segment in year *t* is ``g = eligible_s × reach_j × uplift_j × effect_jt``, where
    ``eligible`` is the personalizable share (or 1 for a contextual initiative) and ``effect``
    is the ramp, decay and realisation of :func:`roi.engine.timing.timing`.

    * **Same lever, same segment** (overlap): initiatives combine as ``G = 1 − Π(1 − g)``; each
      keeps the share ``g / Σ g`` of ``G`` (:func:`overlap_ratio`).
    * **Different revenue levers on one segment** (conversion, order value, frequency), when
      the scenario combines them multiplicatively: the segment's revenue rises by
      ``Π_l (1 + G_l) − 1``, and each lever gets its Shapley share of the cross terms
      (:func:`interaction_multiplier`); additively, by ``Σ_l G_l``.
    * conversion, order value, frequency: revenue ``= baseline revenue_s × g × overlap ratio ×
      interaction multiplier``;
    * retention: extra retained customers ``E_t = r E_{t−1} + customers × r × g_t`` (after
      overlap); a year's revenue is ``(E_{t−1} + E_t) / 2 × revenue per customer`` mid-year,
      or ``E_t ×`` it at the start of the year; the customers still on the books at the end of
      the horizon are worth :func:`beyond_horizon_factor` × ``E_T`` × gross profit per customer;
    * cost saving: savings ``= cost base × uplift × effect``;
    * every revenue is × the programme calibration (1 unless a global holdout measured it).
    """
    D, J, T = x.draws, len(structure.lever), structure.horizon
    active, effect = timing(structure, x)
    pj, ps = structure.pair_initiative, structure.pair_segment

    g = (pair_reach_share(structure, x) * x.channel_reach[:, pj] * x.uplift[:, pj])[:, :, None] * effect[:, pj, :]
    g_eff = g * overlap_ratio(structure, x, g)
    g_int = g_eff * interaction_multiplier(structure, x, g_eff) if structure.multiplicative else g_eff

    per_customer = (x.visits * x.conversion * x.order_value)[:, ps, None]  # [D,P,1]
    baseline = x.customers[:, ps, None] * per_customer
    rev, mid, solo = baseline * g_int, baseline * g_eff, baseline * g
    terminal = np.zeros((D, len(pj)))
    pair_ret = structure.lever[pj] == RETENTION
    if pair_ret.any():
        r = x.retention[:, ps][:, pair_ret, None]
        n = x.customers[:, ps][:, pair_ret, None]
        pc = per_customer[:, pair_ret]
        stock = retained(r, n * r * g_eff[:, pair_ret])
        rev[:, pair_ret] = mid[:, pair_ret] = year_revenue(stock, structure.retention_mid_year) * pc
        solo[:, pair_ret] = year_revenue(retained(r, n * r * g[:, pair_ret]), structure.retention_mid_year) * pc
        k = beyond_horizon_factor(r[:, :, 0], x.discount_rate[:, None], structure.retention_mid_year)
        terminal[:, pair_ret] = stock[:, :, -1] * pc[:, :, 0] * x.margin[:, ps][:, pair_ret] * k
    cal = x.calibration[:, None, None]
    rev, mid, solo = rev * cal, mid * cal, solo * cal
    terminal *= x.calibration[:, None]
    gp = rev * x.margin[:, ps, None]

    def to_initiatives(pair_values: np.ndarray) -> np.ndarray:
        out = np.zeros((D, J, T + 1))
        out[:, :, 1:] = group_sum(pair_values, pj, J)
        return out

    saving = np.zeros((D, J, T + 1))
    saving[:, :, 1:] = (x.cost_base * x.uplift)[:, :, None] * effect
    saving[:, structure.lever != COST_SAVING] = 0.0

    def yearly(annual: np.ndarray) -> np.ndarray:
        out = np.zeros((D, J, T + 1))
        out[:, :, 1:] = annual[:, :, None] * active
        return out

    def at_year0(amount: np.ndarray) -> np.ndarray:
        out = np.zeros((D, J, T + 1))
        out[:, :, 0] = amount
        return out

    programme = np.empty((D, T + 1))
    programme[:, 0] = x.programme_one_time
    programme[:, 1:] = x.programme_annual[:, None]
    reach = group_sum((x.customers[:, ps] * pair_reach_share(structure, x) * x.channel_reach[:, pj])[:, :, None],
                      pj, J)[:, :, 0]
    return Flows(
        revenue=to_initiatives(rev),
        standalone_revenue=to_initiatives(solo),
        overlap_revenue=to_initiatives(mid),
        gross_profit=to_initiatives(gp),
        savings=saving,
        terminal=group_sum(terminal[:, :, None], pj, J)[:, :, 0],
        one_time_cost=at_year0(x.one_time_cost),
        effort_cost=at_year0(x.effort_cost),
        running_cost=yearly(x.running_cost),
        content_cost=yearly(x.content_cost),
        variable_cost=yearly(x.variable_cost),
        programme_cost=programme,
        reachable_customers=reach,
    )


def overlap_ratio(structure: Structure, x: Inputs, g: np.ndarray) -> np.ndarray:
    """Factor ``[D,P,T]`` that turns each pair's standalone uplift into its share of the group's.

    Positive uplifts in a group combine as ``1 − Π(1 − g)``: each initiative wins a share of the
    customers the others did not already win, so the sum never double counts (uplifts above
    100% count as 100% inside a group). Negative uplifts combine as ``Π(1 + g) − 1``. Singletons
    keep their uplift exactly. A combined retention uplift is capped so retention stays ≤ 1.
    """
    pg, K = structure.pair_group, len(structure.group_lever)
    shared = (structure.group_size[pg] > 1)[None, :, None]
    pos, neg = np.maximum(g, 0.0), np.minimum(g, 0.0)
    pos_sum, neg_sum = group_sum(pos, pg, K), group_sum(neg, pg, K)
    pos_comb = -np.expm1(group_sum(np.log1p(-np.minimum(pos, 1 - 1e-9)) * shared, pg, K))
    neg_comb = np.expm1(group_sum(np.log1p(np.maximum(neg, -1 + 1e-9)) * shared, pg, K))
    single = (structure.group_size == 1)[None, :, None]
    pos_comb = np.where(single, pos_sum, pos_comb)
    neg_comb = np.where(single, neg_sum, neg_comb)
    is_ret = (structure.group_lever == RETENTION)[None, :, None]
    if is_ret.any():
        cap = (1.0 / np.maximum(x.retention[:, structure.group_segment], 1e-12) - 1.0)[:, :, None]
        pos_comb = np.where(is_ret, np.minimum(pos_comb, np.maximum(cap - neg_comb, 0.0)), pos_comb)
    pos_ratio = np.divide(pos_comb, pos_sum, out=np.ones_like(pos_sum), where=pos_sum != 0)
    neg_ratio = np.divide(neg_comb, neg_sum, out=np.ones_like(neg_sum), where=neg_sum != 0)
    return np.where(g >= 0, pos_ratio[:, pg, :], neg_ratio[:, pg, :])


def shapley_multipliers(G: np.ndarray) -> np.ndarray:
    """``M[..., l]`` such that ``Σ_l G_l M_l = Π_l (1 + G_l) − 1`` for the three revenue levers.

    Notes
    -----
    Lever *l*'s Shapley share of ``f(S) = Π_{k∈S}(1 + G_k) − 1`` is ``G_l`` times the average,
    over the orders in which the levers could be added, of ``Π(1 + G_k)`` over the levers added
    before it. With three levers (the others *a*, *b*):
    ``M_l = 1/3 + ((1 + G_a) + (1 + G_b)) / 6 + (1 + G_a)(1 + G_b) / 3``. A lever not pulled on
    the segment has ``G = 0``; with two levers this is ``M_a = 1 + G_b / 2``.

    >>> G = np.array([0.1, 0.2, 0.0])
    >>> M = shapley_multipliers(G)
    >>> round(float((G * M).sum()), 12), round(1.1 * 1.2 - 1, 12)
    (0.32, 0.32)
    """
    one = 1.0 + G
    out = np.empty_like(G)
    for l in range(3):
        a, b = one[..., (l + 1) % 3], one[..., (l + 2) % 3]
        out[..., l] = 1.0 / 3.0 + (a + b) / 6.0 + a * b / 3.0
    return out


def interaction_multiplier(structure: Structure, x: Inputs, g_eff: np.ndarray) -> np.ndarray:
    """``[D,P,T]`` multiplier of each pair's uplift for the cross terms of revenue levers.

    Each revenue-lever group's combined uplift ``G`` (the sum of its pairs after overlap) is
    placed on its segment's row of the three revenue levers; :func:`shapley_multipliers` gives
    each lever's multiplier, which its pairs take. Retention pairs keep 1.
    """
    S = x.customers.shape[1]
    pg, gl, gs = structure.pair_group, structure.group_lever, structure.group_segment
    lever_slot = np.full(len(gl), -1)
    for k, lev in enumerate(REVENUE):
        lever_slot[gl == lev] = k
    revenue_groups = lever_slot >= 0
    if not revenue_groups.any():
        return np.ones_like(g_eff)
    G = group_sum(g_eff, pg, len(gl))  # [D,K,T]
    table = np.zeros((g_eff.shape[0], S, 3, g_eff.shape[2]))
    table[:, gs[revenue_groups], lever_slot[revenue_groups], :] = G[:, revenue_groups, :]
    M = np.moveaxis(shapley_multipliers(np.moveaxis(table, 2, -1)), -1, 1)  # [D,3,S,T]
    out = np.ones_like(g_eff)
    pair_rev = revenue_groups[pg]
    out[:, pair_rev, :] = M[:, lever_slot[pg[pair_rev]], structure.pair_segment[pair_rev]]  # [D,R,T]
    return out


def group_sum(values: np.ndarray, index: np.ndarray, n: int) -> np.ndarray:
    """Sum ``values[:, p, …]`` into ``n`` groups along axis 1: ``out[:, index[p]] += values[:, p]``.

    Sorted by group and summed with ``np.add.reduceat`` — memory stays that of ``values``
    (a dense one-hot matrix would be groups × pairs, gigabytes for a large case).
    """
    out = np.zeros((values.shape[0], n) + values.shape[2:])
    if len(index) == 0:
        return out
    order = np.argsort(index, kind="stable")
    sorted_index = index[order]
    starts = np.flatnonzero(np.r_[True, sorted_index[1:] != sorted_index[:-1]])
    out[:, sorted_index[starts]] = np.add.reduceat(values[:, order], starts, axis=1)
    return out


def retained(rate: np.ndarray, added: np.ndarray) -> np.ndarray:
    """Stock of extra customers at the end of each year: ``E_t = rate × E_{t−1} + added_t``
    (``rate`` ``[…,1]``, ``added`` ``[…,T]``; a loop over ≤ 10 years)."""
    out = np.empty_like(added)
    stock = np.zeros_like(added[..., 0])
    for t in range(added.shape[-1]):
        stock = stock * rate[..., 0] + added[..., t]
        out[..., t] = stock
    return out


def year_revenue(stock: np.ndarray, mid_year: bool) -> np.ndarray:
    """Customer-years of extra customers in each year from the end-of-year stock ``[…,T]``:
    ``(E_{t−1} + E_t) / 2`` mid-year (``E_0 = 0``), or ``E_t`` at the start of the year."""
    if not mid_year:
        return stock
    prev = np.concatenate([np.zeros_like(stock[..., :1]), stock[..., :-1]], axis=-1)
    return (prev + stock) / 2.0


def beyond_horizon_factor(rate: np.ndarray, discount: np.ndarray, mid_year: bool) -> np.ndarray:
    """Value at the end of the horizon, per extra customer then on the books, of a unit of yearly
    gross profit in the following :data:`BEYOND_HORIZON_YEARS` years.

    Notes
    -----
    With ``q = r / (1 + d)`` and ``N`` years: at the start of the year, year ``T + k`` holds
    ``r^k`` of them, worth ``Σ_{k=1..N} q^k = q (1 − q^N) / (1 − q)``; mid-year it holds
    ``r^{k−1} (1 + r) / 2``, worth ``(1 + r) / (2 (1 + d)) × (1 − q^N) / (1 − q)``
    (``N`` terms of the geometric series; ``N`` when ``q = 1``).

    >>> round(float(beyond_horizon_factor(np.array(0.5), np.array(0.0), False)), 12)  # 0.5 + 0.25 + …
    1.0
    """
    q = rate / (1.0 + discount)
    n = BEYOND_HORIZON_YEARS
    near_one = np.abs(1.0 - q) < 1e-12
    series = np.where(near_one, float(n), (1.0 - q**n) / np.where(near_one, 1.0, 1.0 - q))  # Σ_{k=0}^{N−1} q^k
    if mid_year:
        return (1.0 + rate) / (2.0 * (1.0 + discount)) * series
    return q * series


class RiskAdjusted(NamedTuple):
    """Risk-adjusted flows: benefit and cost ``[D,J,T+1]``, programme cost ``[D,T+1]``, and the
    value beyond the horizon ``[D,J]`` (at the end of the horizon)."""

    benefit: np.ndarray
    cost: np.ndarray
    programme_cost: np.ndarray
    terminal: np.ndarray


def risk_adjust(flows: Flows, x: Inputs) -> RiskAdjusted:
    """Benefits reduced by each initiative's benefit risk, costs raised by the cost risk (TEI).

    A negative benefit (an initiative expected to lose revenue) is a loss, and risk makes a
    loss larger, not smaller: so risk adjustment never makes a case look better.
    """
    risk = x.benefit_risk
    return RiskAdjusted(
        adjust_benefit(flows.benefit, risk[:, :, None]),
        flows.cost * (1 + x.cost_risk)[:, None, None],
        flows.programme_cost * (1 + x.cost_risk)[:, None],
        adjust_benefit(flows.terminal, risk),
    )


def adjust_benefit(values: np.ndarray, benefit_risk: np.ndarray | float) -> np.ndarray:
    """Gains × (1 − benefit risk), losses × (1 + benefit risk): risk never flatters a case."""
    return np.where(values >= 0, values * (1 - benefit_risk), values * (1 + benefit_risk))


def discount_factors(rate: np.ndarray, horizon: int) -> np.ndarray:
    """``(1 + rate) ** −t`` for t = 0 … horizon, ``[D,T+1]`` (year 0 undiscounted)."""
    return (1.0 + rate[:, None]) ** -np.arange(horizon + 1)


def _pv(structure: Structure, x: Inputs, values: np.ndarray) -> np.ndarray:
    """``Σ_t values[d,j,t] (1 + rate_d)^−t``, ``[D,J]``: ``values`` is ``[D,J,T+1]``."""
    df = discount_factors(np.broadcast_to(x.discount_rate, (x.draws,)), structure.horizon)
    return np.einsum("djt,dt->dj", values, df)


def beyond_horizon_pv(structure: Structure, x: Inputs, terminal: np.ndarray) -> np.ndarray:
    """``[D,J]`` PV at year 0 of a value at the end of the horizon: ``terminal × (1 + rate)^−T``."""
    return terminal * (1.0 + np.broadcast_to(x.discount_rate, (x.draws,)))[:, None] ** -structure.horizon


def initiative_pv(structure: Structure, x: Inputs, flows: Flows | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Risk-adjusted ``(PV benefits, PV costs)`` of every initiative, ``[D,J]`` each.

    Shared programme costs are excluded (they belong to no initiative). PV benefits include the
    value beyond the horizon when the scenario counts it. ``flows`` are :func:`compute`'s for
    ``x`` when the caller has them already.

    Notes
    -----
    ``PV_j = Σ_t flow_jt (1 + rate)^−t`` for t = 0 … horizon (year 0 undiscounted), of the
    benefit and the cost after :func:`risk_adjust`.
    """
    flows = compute(structure, x) if flows is None else flows
    adj = risk_adjust(flows, x)
    pv_b = _pv(structure, x, adj.benefit)
    if structure.include_beyond_horizon:
        pv_b = pv_b + beyond_horizon_pv(structure, x, adj.terminal)
    return pv_b, _pv(structure, x, adj.cost)


def initiative_npv(structure: Structure, x: Inputs, flows: Flows | None = None) -> np.ndarray:
    """Risk-adjusted NPV of every initiative, ``[D,J]`` (shared programme costs excluded).

    Notes
    -----
    ``NPV_j = PV benefits_j − PV costs_j`` (see :func:`initiative_pv`).
    """
    pv_b, pv_c = initiative_pv(structure, x, flows)
    return pv_b - pv_c


def programme_npv(structure: Structure, x: Inputs, flows: Flows | None = None) -> np.ndarray:
    """Risk-adjusted programme NPV per draw, ``[D]``: Σ initiative NPVs − PV(programme costs)."""
    flows = compute(structure, x) if flows is None else flows
    adj = risk_adjust(flows, x)
    df = discount_factors(np.broadcast_to(x.discount_rate, (x.draws,)), structure.horizon)
    return initiative_npv(structure, x, flows).sum(axis=1) - (adj.programme_cost * df).sum(axis=1)
