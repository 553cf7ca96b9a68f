"""Vectorised core of the business-case model.

Every input is a numpy array with a leading *draw* axis ``D`` (``D = 1`` for the deterministic
case), so Monte Carlo, sensitivity and cost-of-delay analyses call the very same arithmetic as
``roi.evaluate``. Shapes: ``S`` segments, ``J`` initiatives, ``T`` years (1 … horizon),
``P`` (initiative, segment) pairs an initiative targets, ``K`` (lever, segment) overlap groups.

All money is per year in the scenario's currency; rates and shares are fractions 0–1;
launch and ramp are in months. Results are *before* risk adjustment (see :func:`risk_adjust`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from .maturity import assess
from .schema import Depth, Lever, Scenario

LEVERS = list(Lever)
RETENTION = LEVERS.index(Lever.retention)
COST_SAVING = LEVERS.index(Lever.cost_saving)


@dataclass(frozen=True)
class Structure:
    """What does not vary between draws: who targets whom, and which pairs overlap."""

    horizon: int  # years
    lever: np.ndarray  # [J] index into LEVERS
    pair_initiative: np.ndarray  # [P]
    pair_segment: np.ndarray  # [P]
    pair_group: np.ndarray  # [P] overlap group (same lever on the same segment)
    group_lever: np.ndarray  # [K]
    group_segment: np.ndarray  # [K]
    group_size: np.ndarray  # [K] number of initiatives in the group

    @cached_property
    def fast_index(self) -> "_FastIndex":
        """Index sets for :func:`programme_cash`, computed once per structure."""
        return _FastIndex.of(self)


@dataclass(frozen=True)
class Inputs:
    """Numbers that may vary per draw. Every array has the draw axis first."""

    customers: np.ndarray  # [D,S]
    visits: np.ndarray  # [D,S] per customer per year
    conversion: np.ndarray  # [D,S] orders per visit
    order_value: np.ndarray  # [D,S] revenue per order
    margin: np.ndarray  # [D,S] gross margin
    retention: np.ndarray  # [D,S] annual retention rate
    personalizable: np.ndarray  # [D,S] identifiable × consented share
    uplift: np.ndarray  # [D,J] relative uplift of the lever
    channel_reach: np.ndarray  # [D,J]
    launch_months: np.ndarray  # [D,J]
    one_time_cost: np.ndarray  # [D,J] at year 0
    running_cost: np.ndarray  # [D,J] per year at full run-rate
    content_cost: np.ndarray  # [D,J] per year at full run-rate
    variable_cost: np.ndarray  # [D,J] per year at full run-rate
    cost_base: np.ndarray  # [D,J] annual cost addressed by cost-saving initiatives
    realisation: np.ndarray  # [D] share of theoretical uplift realised
    ramp_months: np.ndarray  # [D] months from launch to full effect
    programme_one_time: np.ndarray  # [D] platform implementation, year 0
    programme_annual: np.ndarray  # [D] team + platform per year
    discount_rate: np.ndarray  # [D]
    benefit_risk: np.ndarray  # [D]
    cost_risk: np.ndarray  # [D]

    @property
    def draws(self) -> int:
        """Number of draws ``D``. :func:`programme_cash` also accepts arrays whose draw axis has
        length 1 (the same value in every draw); ``D`` is then the longest draw axis."""
        return max(np.shape(getattr(self, name))[0] for name in self.__dataclass_fields__)

    def with_(self, **changes: np.ndarray) -> "Inputs":
        return replace(self, **changes)


@dataclass(frozen=True)
class Flows:
    """Per-initiative yearly flows before risk adjustment. Year axis is 0 … horizon."""

    revenue: np.ndarray  # [D,J,T+1] incremental revenue (after overlap correction)
    standalone_revenue: np.ndarray  # [D,J,T+1] as if no other initiative pulled the same lever
    gross_profit: np.ndarray  # [D,J,T+1] incremental gross profit
    savings: np.ndarray  # [D,J,T+1] cost savings (efficiency initiatives)
    one_time_cost: np.ndarray  # [D,J,T+1]
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
        return self.one_time_cost + self.running_cost + self.content_cost + self.variable_cost


def content_cost_per_year(scenario: Scenario) -> np.ndarray:
    """Annual content production cost per initiative at full run-rate.

    Notes
    -----
    ``assets × variants × depth multiplier × refreshes per year × (1 − reuse) × cost per asset``,
    where the depth multiplier is the number of target segments for segment-level depth and 1
    otherwise (1:1 content is assembled from modular templates, priced per template).
    """
    c = scenario.content
    out = []
    for ini in scenario.initiatives:
        mult = max(len(ini.segments), 1) if ini.depth == Depth.segment else 1
        out.append(
            ini.content_assets
            * c.variants_per_asset
            * mult
            * c.refreshes_per_year
            * (1 - c.reuse_rate)
            * c.cost_per_asset(ini.depth)
        )
    return np.array(out, dtype=float)


def build(scenario: Scenario) -> tuple[Structure, Inputs]:
    """Turn a validated scenario into the engine's structure and its one-draw inputs."""
    segs, inis = scenario.segments, scenario.initiatives
    seg_index = {s.name: k for k, s in enumerate(segs)}
    lever = np.array([LEVERS.index(Lever(i.lever)) for i in inis], dtype=np.int64)
    pj, ps = [], []
    for j, ini in enumerate(inis):
        if lever[j] == COST_SAVING:
            continue
        for name in dict.fromkeys(ini.segments):  # a segment listed twice counts once
            pj.append(j)
            ps.append(seg_index[name])
    pj_a, ps_a = np.array(pj, dtype=np.int64), np.array(ps, dtype=np.int64)
    keys = lever[pj_a] * len(segs) + ps_a
    uniq, group = np.unique(keys, return_inverse=True)
    structure = Structure(
        horizon=scenario.settings.horizon_years,
        lever=lever,
        pair_initiative=pj_a,
        pair_segment=ps_a,
        pair_group=group.reshape(-1),
        group_lever=uniq // len(segs),
        group_segment=uniq % len(segs),
        group_size=np.bincount(group.reshape(-1), minlength=len(uniq)),
    )

    def seg(attr: str) -> np.ndarray:
        return np.array([[getattr(s, attr) for s in segs]], dtype=float)

    def ini(attr: str) -> np.ndarray:
        return np.array([[getattr(i, attr) for i in inis]], dtype=float)

    m = assess(scenario.process)
    p, st = scenario.process, scenario.settings
    inputs = Inputs(
        customers=seg("customers"),
        visits=seg("visits_per_customer"),
        conversion=seg("baseline_conversion_rate"),
        order_value=seg("average_order_value"),
        margin=seg("gross_margin"),
        retention=seg("retention_rate"),
        personalizable=seg("personalizable_share"),
        uplift=np.array([[i.uplift.base for i in inis]], dtype=float),
        channel_reach=ini("channel_reach"),
        launch_months=ini("months_to_launch"),
        one_time_cost=ini("one_time_cost"),
        running_cost=ini("annual_running_cost"),
        content_cost=content_cost_per_year(scenario)[None, :],
        variable_cost=ini("variable_campaign_cost"),
        cost_base=ini("cost_base"),
        realisation=np.array([m.realisation]),
        ramp_months=np.array([m.ramp_months]),
        programme_one_time=np.array([p.platform_one_time_cost]),
        programme_annual=np.array([p.team_annual_cost + p.platform_annual_cost]),
        discount_rate=np.array([st.discount_rate]),
        benefit_risk=np.array([st.benefit_risk]),
        cost_risk=np.array([st.cost_risk]),
    )
    return structure, inputs


def _ramp_integral(months: np.ndarray, launch: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    """Months of full effect accumulated by ``months`` after the start of year 1.

    The effect is 0 before launch, rises linearly to 1 over ``ramp`` months, then stays at 1;
    this is the integral of that curve from 0 to ``months``.
    """
    y = np.maximum(months - launch, 0.0)
    safe = np.where(ramp > 0, ramp, 1.0)
    rising = np.where(ramp > 0, y * y / (2 * safe), y)
    return np.where(y <= ramp, rising, y - ramp / 2)


def timing(structure: Structure, x: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """Share of each year an initiative is live, and its average realised effect that year.

    Returns ``(active, effect)``, both ``[D,J,T]`` fractions 0–1 for years 1 … horizon.
    ``effect`` includes the maturity realisation share and the ramp.
    """
    ends = 12.0 * np.arange(1, structure.horizon + 1)  # [T] months since start
    launch = x.launch_months[:, :, None]
    ramp = x.ramp_months[:, None, None]
    active = np.clip(ends - launch, 0.0, 12.0) / 12.0
    cum = _ramp_integral(np.concatenate([[0.0], ends]), launch, ramp)
    effect = np.diff(cum, axis=2) / 12.0 * x.realisation[:, None, None]
    return active, effect


def compute(structure: Structure, x: Inputs) -> Flows:
    """Yearly flows for every initiative and draw.

    Notes
    -----
    For a pair (initiative *j*, segment *s*) the relative uplift felt by an average customer of
    the segment in year *t* is ``g = personalizable_s × reach_j × uplift_j × effect_jt``.
    Initiatives pulling the same lever on the same segment combine multiplicatively,
    ``G = 1 − Π(1 − g)``, instead of additively ``Σ g``; each keeps the share ``g / Σ g`` of
    ``G`` (the difference is the overlap correction, see :func:`_overlap_ratio`).

    * conversion, order value, frequency: revenue ``= baseline revenue_s × g``;
    * retention: extra retained customers ``E_t = r E_{t−1} + customers × r × g`` (each year a
      further ``r × g`` share stays, and those survive at the baseline rate), revenue
      ``= E_t × visits × conversion × order value``;
    * cost saving: savings ``= cost base × uplift × effect``.
    """
    D, J, T = x.draws, len(structure.lever), structure.horizon
    active, effect = timing(structure, x)
    pj, ps, pg = structure.pair_initiative, structure.pair_segment, structure.pair_group

    # Uplift per pair and year [D,P,T]
    g = (x.personalizable[:, ps] * x.channel_reach[:, pj] * x.uplift[:, pj])[:, :, None] * effect[
        :, pj, :
    ]
    g_eff = g * _overlap_ratio(structure, x, g)

    per_customer = (x.visits * x.conversion * x.order_value)[:, ps, None]  # [D,P,1]
    baseline = x.customers[:, ps, None] * per_customer
    pair_ret = structure.lever[pj] == RETENTION
    rev = baseline * g_eff
    solo = baseline * g
    if pair_ret.any():
        r = x.retention[:, ps][:, pair_ret, None]
        n = x.customers[:, ps][:, pair_ret, None]
        pc = per_customer[:, pair_ret]
        rev[:, pair_ret] = _retained(r, n * r * g_eff[:, pair_ret]) * pc
        solo[:, pair_ret] = _retained(r, n * r * g[:, pair_ret]) * pc
    gp = rev * x.margin[:, ps, None]

    def to_initiatives(pair_values: np.ndarray) -> np.ndarray:
        out = np.zeros((D, J, T + 1))
        out[:, :, 1:] = _group_sum(pair_values, pj, J)
        return out

    saving = np.zeros((D, J, T + 1))
    saving[:, :, 1:] = (x.cost_base * x.uplift)[:, :, None] * effect
    saving[:, structure.lever != COST_SAVING] = 0.0

    def yearly(annual: np.ndarray) -> np.ndarray:
        out = np.zeros((D, J, T + 1))
        out[:, :, 1:] = annual[:, :, None] * active
        return out

    one_time = np.zeros((D, J, T + 1))
    one_time[:, :, 0] = x.one_time_cost
    programme = np.empty((D, T + 1))
    programme[:, 0] = x.programme_one_time
    programme[:, 1:] = x.programme_annual[:, None]
    reach = _group_sum(
        (x.customers[:, ps] * x.personalizable[:, ps] * x.channel_reach[:, pj])[:, :, None], pj, J
    )[:, :, 0]
    return Flows(
        revenue=to_initiatives(rev),
        standalone_revenue=to_initiatives(solo),
        gross_profit=to_initiatives(gp),
        savings=saving,
        one_time_cost=one_time,
        running_cost=yearly(x.running_cost),
        content_cost=yearly(x.content_cost),
        variable_cost=yearly(x.variable_cost),
        programme_cost=programme,
        reachable_customers=reach,
    )


def _overlap_ratio(structure: Structure, x: Inputs, g: np.ndarray) -> np.ndarray:
    """Factor ``[D,P,T]`` that turns each pair's standalone uplift into its share of the group's.

    Positive uplifts in a group combine as ``1 − Π(1 − g)``: each initiative wins a share of the
    customers the others did not already win, so the sum never double counts (uplifts above
    100% count as 100% inside a group). Negative uplifts combine as ``Π(1 + g) − 1``. Singletons
    keep their uplift exactly. A combined retention uplift is capped so retention stays ≤ 1.
    """
    pg, K = structure.pair_group, len(structure.group_lever)
    shared = (structure.group_size[pg] > 1)[None, :, None]
    pos, neg = np.maximum(g, 0.0), np.minimum(g, 0.0)
    pos_sum, neg_sum = _group_sum(pos, pg, K), _group_sum(neg, pg, K)
    pos_comb = -np.expm1(_group_sum(np.log1p(-np.minimum(pos, 1 - 1e-9)) * shared, pg, K))
    neg_comb = np.expm1(_group_sum(np.log1p(np.maximum(neg, -1 + 1e-9)) * shared, pg, K))
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


def _group_sum(values: np.ndarray, index: np.ndarray, n: int) -> np.ndarray:
    """Sum ``values[:, p, :]`` into ``n`` groups along axis 1 (a one-hot matrix product)."""
    onehot = np.zeros((n, len(index)))
    onehot[index, np.arange(len(index))] = 1.0
    return np.einsum("kp,dpt->dkt", onehot, values, optimize=True)


def _retained(rate: np.ndarray, added: np.ndarray) -> np.ndarray:
    """Stock of extra customers: ``E_t = rate × E_{t−1} + added_t`` (a loop over ≤ 10 years)."""
    out = np.empty_like(added)
    stock = np.zeros_like(added[..., 0])
    for t in range(added.shape[-1]):
        stock = stock * rate[..., 0] + added[..., t]
        out[..., t] = stock
    return out


def risk_adjust(flows: Flows, x: Inputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Risk-adjusted ``(benefit [D,J,T+1], cost [D,J,T+1], programme cost [D,T+1])``.

    Benefits are reduced by ``benefit_risk`` and costs raised by ``cost_risk`` (Forrester TEI).
    """
    b = flows.benefit * (1 - x.benefit_risk)[:, None, None]
    c = flows.cost * (1 + x.cost_risk)[:, None, None]
    p = flows.programme_cost * (1 + x.cost_risk)[:, None]
    return b, c, p


def discount_factors(rate: np.ndarray, horizon: int) -> np.ndarray:
    """``(1 + rate) ** −t`` for t = 0 … horizon, ``[D,T+1]`` (year 0 undiscounted)."""
    return (1.0 + rate[:, None]) ** -np.arange(horizon + 1)


def programme_npv(structure: Structure, x: Inputs, flows: Flows | None = None) -> np.ndarray:
    """Risk-adjusted programme NPV per draw, ``[D]``: the quantity most analyses sweep."""
    flows = compute(structure, x) if flows is None else flows
    b, c, p = risk_adjust(flows, x)
    cash = (b - c).sum(axis=1) - p
    return (cash * discount_factors(x.discount_rate, structure.horizon)).sum(axis=1)


@dataclass(frozen=True)
class _FastIndex:
    """Pairs split for :func:`programme_cash`.

    *Linear* pairs are alone in their overlap group and do not pull retention: their revenue is
    linear in the uplift and collapses onto initiatives. The other pairs are kept sorted by group
    so that a group's product is one ``reduceat`` over contiguous pairs.
    """

    linear_pairs: np.ndarray  # [P1] pair indices
    linear_onehot: np.ndarray  # [P1,J] pair → initiative
    grouped_pairs: np.ndarray  # [P2] pair indices, sorted by group
    group_ids: np.ndarray  # [K2] group of each run of grouped pairs
    group_starts: np.ndarray  # [K2] first position of each group in grouped_pairs
    group_single: np.ndarray  # [K2] bool, the group has one pair
    group_retention: np.ndarray  # [K2] bool, the group pulls retention
    saving_initiatives: np.ndarray  # [J'] cost-saving initiatives

    @classmethod
    def of(cls, structure: Structure) -> "_FastIndex":
        pg, pj = structure.pair_group, structure.pair_initiative
        J = len(structure.lever)
        single = structure.group_size[pg] == 1
        retention = structure.group_lever[pg] == RETENTION
        linear = np.flatnonzero(single & ~retention)
        onehot = np.zeros((len(linear), J))
        onehot[np.arange(len(linear)), pj[linear]] = 1.0
        rest = np.flatnonzero(~(single & ~retention))
        rest = rest[np.argsort(pg[rest], kind="stable")]
        ids, starts = np.unique(pg[rest], return_index=True)
        return cls(
            linear_pairs=linear,
            linear_onehot=onehot,
            grouped_pairs=rest,
            group_ids=ids,
            group_starts=starts,
            group_single=structure.group_size[ids] == 1,
            group_retention=structure.group_lever[ids] == RETENTION,
            saving_initiatives=np.flatnonzero(structure.lever == COST_SAVING),
        )


def programme_cash(structure: Structure, x: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """Risk-adjusted programme ``(benefit, cost)`` per year, ``[D,T+1]`` each: the fast path.

    Gives the same numbers as summing :func:`risk_adjust` of :func:`compute` over initiatives
    (``cost`` includes the shared programme cost) — to rounding — without forming the split of
    an overlap group between its initiatives, which only the per-initiative view needs. Used by
    Monte Carlo and sensitivity sweeps over many draws. Any ``Inputs`` array may have a draw
    axis of length 1, meaning the same value in every draw (saves memory and time).

    Notes
    -----
    A group's revenue is ``baseline_s × G`` with ``G = (1 − Π(1 − g⁺)) + (Π(1 + g⁻) − 1)``
    (the product form of :func:`_overlap_ratio`'s log-sum, equal to rounding); a retention
    group's extra stock follows ``E_t = r E_{t−1} + n r G_t`` (linear in ``G``, so the sum over
    its initiatives). Pairs alone in their group and not pulling retention are linear in the
    uplift: ``Σ_p margin_s × baseline_s × personalizable_s × reach_j × uplift_j × effect_jt``
    collapses to one coefficient per initiative times ``effect``.
    """
    ix = structure.fast_index
    D, T = x.draws, structure.horizon
    pj, ps = structure.pair_initiative, structure.pair_segment
    active, effect = timing(structure, x)  # [·,J,T]
    seg_value = x.customers * x.visits * x.conversion * x.order_value  # [·,S] baseline revenue
    benefit = np.zeros((D, T + 1))

    if len(ix.linear_pairs):
        p1 = ix.linear_pairs
        w = (seg_value * x.margin * x.personalizable)[:, ps[p1]] * (x.channel_reach * x.uplift)[:, pj[p1]]
        coef = w @ ix.linear_onehot  # [·,J]
        benefit[:, 1:] += np.matmul(coef[:, None, :], effect)[:, 0, :]

    if len(ix.grouped_pairs):
        p2 = ix.grouped_pairs
        gj, gs = pj[p2], ps[p2]
        g = (x.personalizable[:, gs] * x.channel_reach[:, gj] * x.uplift[:, gj])[:, :, None] * effect[:, gj, :]
        starts, single = ix.group_starts, ix.group_single[None, :, None]
        has_neg = bool((x.uplift[:, np.unique(gj)] < 0).any())
        pos = np.maximum(g, 0.0) if has_neg else g
        comb = 1.0 - np.multiply.reduceat(1.0 - np.minimum(pos, 1 - 1e-9), starts, axis=1)
        comb = np.where(single, np.add.reduceat(pos, starts, axis=1), comb)  # [·,K2,T]
        if has_neg:
            neg = np.minimum(g, 0.0)
            neg_comb = np.multiply.reduceat(1.0 + np.maximum(neg, -1 + 1e-9), starts, axis=1) - 1.0
            neg_comb = np.where(single, np.add.reduceat(neg, starts, axis=1), neg_comb)
        else:
            neg_comb = np.zeros_like(comb[:1])
        seg = structure.group_segment[ix.group_ids]
        ret = ix.group_retention
        if ret.any():
            r = x.retention[:, seg[ret]][:, :, None]
            cap = 1.0 / np.maximum(r, 1e-12) - 1.0
            nr = neg_comb[:, ret] if has_neg else neg_comb[:, :0]
            pos_ret = np.minimum(comb[:, ret], np.maximum(cap - nr, 0.0)) if has_neg else np.minimum(
                comb[:, ret], np.maximum(cap, 0.0)
            )
            G = pos_ret + nr if has_neg else pos_ret
            stock = _retained(r, x.customers[:, seg[ret]][:, :, None] * r * G)
            w_ret = (x.visits * x.conversion * x.order_value * x.margin)[:, seg[ret]]
            benefit[:, 1:] += np.matmul(w_ret[:, None, :], stock)[:, 0, :]
        nonret = ~ret
        if nonret.any():
            G = comb[:, nonret] + (neg_comb[:, nonret] if has_neg else 0.0)
            w_k = (seg_value * x.margin)[:, seg[nonret]]
            benefit[:, 1:] += np.matmul(w_k[:, None, :], G)[:, 0, :]

    if len(ix.saving_initiatives):
        js = ix.saving_initiatives
        coef = (x.cost_base * x.uplift)[:, js]
        benefit[:, 1:] += np.matmul(coef[:, None, :], effect[:, js, :])[:, 0, :]

    cost = np.zeros((D, T + 1))
    cost[:, 0] = x.one_time_cost.sum(axis=1) + x.programme_one_time
    annual = x.running_cost + x.content_cost + x.variable_cost  # [·,J]
    cost[:, 1:] = np.matmul(annual[:, None, :], active)[:, 0, :] + x.programme_annual[:, None]
    benefit *= (1 - x.benefit_risk)[:, None]
    cost *= (1 + x.cost_risk)[:, None]
    return benefit, cost
