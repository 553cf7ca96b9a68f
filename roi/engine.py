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

    def tiled(self, n: int | None = None) -> "Inputs":
        """The same inputs with every array's draw axis of length ``n`` (default :attr:`draws`).

        An array whose draw axis has length 1 repeats its value in every draw (a read-only
        view, no copy); one with ``n`` draws is kept. :func:`compute` needs every array at the
        full draw count; :func:`programme_cash` does not.
        """
        n = self.draws if n is None else n
        return replace(self, **{
            name: np.broadcast_to(a, (n,) + a.shape[1:])
            for name in self.__dataclass_fields__
            if (a := getattr(self, name)).shape[0] != n
        })


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
        for name in ini.segments:  # unique: the schema refuses a segment listed twice
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
    """Sum ``values[:, p, :]`` into ``n`` groups along axis 1: ``out[:, index[p], :] += values[:, p, :]``.

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
    A negative benefit (an initiative expected to lose revenue) is a loss, and risk makes a
    loss larger, not smaller: so risk adjustment never makes a case look better.
    """
    b = adjust_benefit(flows.benefit, x.benefit_risk[:, None, None])
    c = flows.cost * (1 + x.cost_risk)[:, None, None]
    p = flows.programme_cost * (1 + x.cost_risk)[:, None]
    return b, c, p


def adjust_benefit(values: np.ndarray, benefit_risk: np.ndarray | float) -> np.ndarray:
    """Gains × (1 − benefit risk), losses × (1 + benefit risk): risk never flatters a case."""
    return np.where(values >= 0, values * (1 - benefit_risk), values * (1 + benefit_risk))


def discount_factors(rate: np.ndarray, horizon: int) -> np.ndarray:
    """``(1 + rate) ** −t`` for t = 0 … horizon, ``[D,T+1]`` (year 0 undiscounted)."""
    return (1.0 + rate[:, None]) ** -np.arange(horizon + 1)


def _initiative_pv(structure: Structure, x: Inputs, values: np.ndarray) -> np.ndarray:
    """``Σ_t values[d,j,t] (1 + rate_d)^−t``, ``[D,J]``: ``values`` is ``[D,J,T+1]``."""
    df = discount_factors(np.broadcast_to(x.discount_rate, (x.draws,)), structure.horizon)
    return np.einsum("djt,dt->dj", values, df)


def initiative_pv(
    structure: Structure, x: Inputs, flows: Flows | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Risk-adjusted ``(PV benefits, PV costs)`` of every initiative, ``[D,J]`` each.

    Shared programme costs are excluded (they belong to no initiative). ``flows`` are
    :func:`compute`'s for ``x`` when the caller has them already.

    Notes
    -----
    ``PV_j = Σ_t flow_jt (1 + rate)^−t`` for t = 0 … horizon (year 0 undiscounted), of the
    benefit and the cost after :func:`risk_adjust`.
    """
    flows = compute(structure, x) if flows is None else flows
    b, c, _ = risk_adjust(flows, x)
    return _initiative_pv(structure, x, b), _initiative_pv(structure, x, c)


def initiative_npv(structure: Structure, x: Inputs, flows: Flows | None = None) -> np.ndarray:
    """Risk-adjusted NPV of every initiative, ``[D,J]`` (shared programme costs excluded).

    Notes
    -----
    ``NPV_j = Σ_t (benefit_jt − cost_jt) (1 + rate)^−t`` (see :func:`initiative_pv`).
    """
    flows = compute(structure, x) if flows is None else flows
    b, c, _ = risk_adjust(flows, x)
    return _initiative_pv(structure, x, b - c)


@dataclass(frozen=True)
class _FastIndex:
    """Pairs split for :func:`programme_cash`.

    *Linear* pairs are alone in their overlap group and do not pull retention: their revenue is
    linear in the uplift and collapses onto initiatives. Pairs of *shared* groups are stored
    slot-major: the first pair of every group (groups sorted by size, largest first), then the
    second pair of every group that has one, and so on — so a group product is a few in-place
    multiplications of contiguous slices. *Lone retention* pairs are alone in their group but
    need the retention stock recursion.
    """

    linear_pairs: np.ndarray  # [P1] pair indices
    linear_onehot: np.ndarray  # [P1,J] pair → initiative
    shared_pairs: np.ndarray  # [P2] pair indices, slot-major
    slot_sizes: tuple[int, ...]  # groups having a pair in slot 0, 1, 2, …
    shared_segment: np.ndarray  # [K2] segment of each shared group (slot-0 order)
    shared_retention: np.ndarray  # [K2] bool, the group pulls retention
    lone_retention: np.ndarray  # [P3] pair indices
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
        groups = np.flatnonzero(structure.group_size > 1)
        groups = groups[np.argsort(-structure.group_size[groups], kind="stable")]
        members = [np.flatnonzero(pg == k) for k in groups]
        width = int(structure.group_size[groups].max(initial=0))
        slots = [[m[s] for m in members if len(m) > s] for s in range(width)]
        return cls(
            linear_pairs=linear,
            linear_onehot=onehot,
            shared_pairs=np.array([p for slot in slots for p in slot], dtype=np.int64),
            slot_sizes=tuple(len(slot) for slot in slots),
            shared_segment=structure.group_segment[groups],
            shared_retention=structure.group_lever[groups] == RETENTION,
            lone_retention=np.flatnonzero(single & retention),
            saving_initiatives=np.flatnonzero(structure.lever == COST_SAVING),
        )


def _slot_product(values: np.ndarray, slot_sizes: tuple[int, ...]) -> np.ndarray:
    """Product over each group of slot-major ``values`` ``[P2,…]`` → ``[K2,…]`` (a view of
    ``values``, which is overwritten)."""
    out = values[: slot_sizes[0]]
    at = slot_sizes[0]
    for n in slot_sizes[1:]:
        out[:n] *= values[at : at + n]
        at += n
    return out


def _scaled_take(effect: np.ndarray, rows: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``effect[rows] × scale[:, None, :]`` (``[R,T,·]``), in place when the draw axes agree."""
    g = np.take(effect, rows, axis=0)
    if g.shape[2] == scale.shape[1]:
        g *= scale[:, None, :]
        return g
    return g * scale[:, None, :]


def _ramp_area(y: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    """Closed form of :func:`_ramp_integral` for ``y`` months since launch (``y`` ≥ 0, overwritten):
    ``min(y, ramp)² / (2 ramp) + max(y − ramp, 0)``."""
    tail = y - ramp
    np.maximum(tail, 0.0, out=tail)
    np.minimum(y, ramp, out=y)
    y *= y
    if (ramp > 0).all():
        y /= 2.0 * ramp
    else:
        ramp_b = np.broadcast_to(ramp, y.shape)
        np.divide(y, 2.0 * ramp_b, out=y, where=ramp_b > 0)
        y[ramp_b <= 0] = 0.0
    y += tail
    return y


def _effect_by_year(structure: Structure, x: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """:func:`timing` laid out ``[J,T,·]`` (draws last, so numpy works on long contiguous rows).

    Years before launch (effect 0) and years wholly after launch + ramp in every draw (effect =
    realisation) are filled directly; only the years that ramp are integrated, with the closed
    form of :func:`_ramp_integral` — equal to it to rounding.
    """
    T = structure.horizon
    ends = 12.0 * np.arange(T + 1)  # [T+1] months since start
    launch = x.launch_months.T  # [J,·]
    ramp = x.ramp_months  # [·]
    J, n = launch.shape[0], np.broadcast_shapes(launch.shape[1:], ramp.shape, x.realisation.shape)[0]
    active = np.clip(ends[None, 1:, None] - launch[:, None, :], 0.0, 12.0)
    active /= 12.0
    l_min, l_max = launch.min(axis=1), launch.max(axis=1)  # [J]
    before = ends[None, 1:] <= l_min[:, None]  # [J,T]: not launched in any draw
    steady = ends[None, :-1] - l_max[:, None] >= float(ramp.max())  # full effect all year
    effect = np.empty((J, T, n))
    effect[before] = 0.0
    effect[steady & ~before] = np.broadcast_to(x.realisation, (n,))
    ramping = ~(before | steady)
    if ramping.any():
        jj, tt = np.nonzero(ramping)
        lj = launch[jj]  # [R,·]
        y1 = np.maximum(ends[tt + 1][:, None] - lj, 0.0)
        y0 = np.maximum(ends[tt][:, None] - lj, 0.0)
        part = _ramp_area(np.broadcast_to(y1, (len(jj), n)).copy(), ramp)
        part -= _ramp_area(np.broadcast_to(y0, (len(jj), n)).copy(), ramp)
        part *= x.realisation / 12.0
        effect[jj, tt] = part
    return active, effect


def programme_cash(structure: Structure, x: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """Risk-adjusted programme ``(benefit, cost)`` per year, ``[D,T+1]`` each: the fast path.

    Gives the same numbers as summing :func:`risk_adjust` of :func:`compute` over initiatives
    (``cost`` includes the shared programme cost) — to rounding — without forming the split of
    an overlap group between its initiatives, which only the per-initiative view needs. Used by
    Monte Carlo and sensitivity sweeps over many draws. Any ``Inputs`` array may have a draw
    axis of length 1, meaning the same value in every draw (saves memory and time). Internally
    the draw axis is last, so numpy works on long contiguous rows.

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
    active, effect = _effect_by_year(structure, x)  # [J,T,·]
    customers, retention = x.customers.T, x.retention.T  # [S,·]
    per_customer = (x.visits * x.conversion * x.order_value).T  # [S,·] revenue per customer
    margin, pers = x.margin.T, x.personalizable.T
    reach_uplift = (x.channel_reach * x.uplift).T  # [J,·]
    # Gains and losses are kept apart because risk adjustment shrinks gains and grows losses.
    # An initiative's benefit has the sign of its uplift in every year, so each term below is
    # one or the other.
    gain, loss = np.zeros((T, D)), np.zeros((T, D))

    if len(ix.linear_pairs):
        p1 = ix.linear_pairs
        w = (customers * per_customer * margin * pers)[ps[p1]] * reach_uplift[pj[p1]]  # [P1,·]
        coef = ix.linear_onehot.T @ w  # [J,·]
        gain += np.einsum("jtd,jd->td", effect, np.maximum(coef, 0.0))
        loss += np.einsum("jtd,jd->td", effect, np.minimum(coef, 0.0))

    ret_G = []  # (positive, negative, segments) of retention groups, [K,T,·]
    if len(ix.shared_pairs):
        p2 = ix.shared_pairs
        gj, gs = pj[p2], ps[p2]
        a = pers[gs] * reach_uplift[gj]  # [P2,·]
        has_neg = bool((a < 0).any())
        g = _scaled_take(effect, gj, a)  # [P2,T,·]
        neg = None
        if has_neg:
            neg = np.minimum(g, 0.0)
            np.maximum(neg, -1 + 1e-9, out=neg)
            neg += 1.0
            neg = _slot_product(neg, ix.slot_sizes)
            neg -= 1.0
            np.maximum(g, 0.0, out=g)
        if a.max(initial=0.0) * max(float(np.max(x.realisation)), 1.0) >= 1 - 1e-9:
            np.minimum(g, 1 - 1e-9, out=g)  # effect ≤ realisation ≤ 1, so usually not needed
        np.subtract(1.0, g, out=g)
        comb = _slot_product(g, ix.slot_sizes)
        np.subtract(1.0, comb, out=comb)  # [K2,T,·]
        seg, ret = ix.shared_segment, ix.shared_retention
        if not ret.all():
            w_k = (customers * per_customer * margin)[seg] * (~ret)[:, None]
            gain += np.einsum("ktd,kd->td", comb, w_k)
            if neg is not None:
                loss += np.einsum("ktd,kd->td", neg, w_k)
        if ret.any():
            ret_G.append((comb[ret], neg[ret] if neg is not None else None, seg[ret]))
    if len(ix.lone_retention):
        p3 = ix.lone_retention
        g = _scaled_take(effect, pj[p3], pers[ps[p3]] * reach_uplift[pj[p3]])
        ret_G.append((np.maximum(g, 0.0), np.minimum(g, 0.0), ps[p3]))
    for pos, neg_r, seg in ret_G:
        r = retention[seg][:, None, :]  # [Kr,1,·]
        cap = 1.0 / np.maximum(r, 1e-12) - 1.0
        w_ret = (per_customer * margin)[seg]  # [Kr,·]
        n_r = (customers[seg] * retention[seg])[:, None, :]
        if neg_r is None:
            parts = [(np.minimum(pos, np.maximum(cap, 0.0)), gain)]
        else:
            parts = [(np.minimum(pos, np.maximum(cap - neg_r, 0.0)), gain), (neg_r, loss)]
        for G, into in parts:
            added = n_r * G  # [Kr,T,·] extra customers retained each year
            stock = np.zeros(np.broadcast_shapes(r[:, 0].shape, added[:, 0].shape))
            for t in range(T):
                stock = stock * r[:, 0] + added[:, t]
                into[t] += np.einsum("kd,kd->d", stock, np.broadcast_to(w_ret, stock.shape))

    if len(ix.saving_initiatives):
        js = ix.saving_initiatives
        coef = (x.cost_base * x.uplift).T[js]  # [J',·]
        gain += np.einsum("jtd,jd->td", effect[js], np.maximum(coef, 0.0))
        loss += np.einsum("jtd,jd->td", effect[js], np.minimum(coef, 0.0))

    annual = (x.running_cost + x.content_cost + x.variable_cost).T  # [J,·]
    out_b, out_c = np.zeros((D, T + 1)), np.empty((D, T + 1))
    out_b[:, 1:] = (gain * (1 - x.benefit_risk) + loss * (1 + x.benefit_risk)).T
    out_c[:, 0] = x.one_time_cost.sum(axis=1) + x.programme_one_time
    out_c[:, 1:] = np.einsum("jtd,jd->dt", active, annual) + x.programme_annual[:, None]
    out_c *= (1 + x.cost_risk)[:, None]
    return out_b, out_c
