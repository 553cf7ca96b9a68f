"""The engine's inputs: a validated scenario turned into fixed structure and per-draw arrays.

Every per-draw input is a numpy array with a leading *draw* axis ``D`` (``D = 1`` for the
deterministic case), so Monte Carlo, sensitivity and cost-of-delay analyses call the very same
arithmetic as ``roi.evaluate``. Shapes: ``S`` segments, ``J`` initiatives, ``T`` years
(1 … horizon), ``P`` (initiative, segment) pairs an initiative targets, ``K`` (lever, segment)
overlap groups. Money is per year in the scenario's currency; rates and shares are fractions
0–1; launch and ramp are in months.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ..maturity import assess
from ..schema import REVENUE_LEVERS, Depth, LeverCombination, Lever, RetentionTiming, Scenario

if TYPE_CHECKING:
    from .programme import FastIndex

LEVERS = list(Lever)
RETENTION = LEVERS.index(Lever.retention)
COST_SAVING = LEVERS.index(Lever.cost_saving)
REVENUE = np.array([LEVERS.index(lv) for lv in REVENUE_LEVERS])


@dataclass(frozen=True)
class Structure:
    """What does not vary between draws: who targets whom, which pairs overlap, the model rules."""

    horizon: int  # years
    lever: np.ndarray  # [J] index into LEVERS
    pair_initiative: np.ndarray  # [P]
    pair_segment: np.ndarray  # [P]
    pair_group: np.ndarray  # [P] overlap group (same lever on the same segment)
    pair_identity: np.ndarray  # [P] bool: the pair needs identity (reach × personalizable share)
    group_lever: np.ndarray  # [K]
    group_segment: np.ndarray  # [K]
    group_size: np.ndarray  # [K] number of initiatives in the group
    realised: np.ndarray  # [J] bool: maturity realisation scales the uplift (not a measured one)
    retention_mid_year: bool  # a year's revenue of extra customers = (E_{t−1} + E_t) / 2 × value
    multiplicative: bool  # revenue levers on one segment combine as Π(1 + G) − 1
    include_beyond_horizon: bool  # NPV counts the value of extra customers beyond the horizon

    @cached_property
    def fast_index(self) -> "FastIndex":
        """Index sets for :func:`roi.engine.programme_cash`, computed once per structure."""
        from .programme import FastIndex

        return FastIndex.of(self)


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
    decay: np.ndarray  # [D,J] share of the effect lost per year after full ramp
    one_time_cost: np.ndarray  # [D,J] at year 0
    effort_cost: np.ndarray  # [D,J] at year 0: effort (FTE-months) × cost of an FTE-month
    running_cost: np.ndarray  # [D,J] per year at full run-rate
    content_cost: np.ndarray  # [D,J] per year at full run-rate
    variable_cost: np.ndarray  # [D,J] per year at full run-rate
    cost_base: np.ndarray  # [D,J] annual cost addressed by cost-saving initiatives
    benefit_risk: np.ndarray  # [D,J] TEI benefit risk adjustment of each initiative
    realisation: np.ndarray  # [D] share of theoretical uplift realised (maturity)
    ramp_months: np.ndarray  # [D] months from launch to full effect
    programme_one_time: np.ndarray  # [D] platform implementation, year 0
    programme_annual: np.ndarray  # [D] team + platform per year
    discount_rate: np.ndarray  # [D]
    cost_risk: np.ndarray  # [D]
    calibration: np.ndarray  # [D] measured ÷ claimed revenue (global holdout); 1 when none

    @property
    def draws(self) -> int:
        """Number of draws ``D``. :func:`roi.engine.programme_cash` also accepts arrays whose draw
        axis has length 1 (the same value in every draw); ``D`` is then the longest draw axis."""
        return max(np.shape(getattr(self, name))[0] for name in self.__dataclass_fields__)

    def with_(self, **changes: np.ndarray) -> "Inputs":
        return replace(self, **changes)

    def tiled(self, n: int | None = None) -> "Inputs":
        """The same inputs with every array's draw axis of length ``n`` (default :attr:`draws`).

        An array whose draw axis has length 1 repeats its value in every draw (a read-only
        view, no copy); one with ``n`` draws is kept. :func:`roi.engine.compute` needs every
        array at the full draw count; :func:`roi.engine.programme_cash` does not.
        """
        n = self.draws if n is None else n
        return replace(self, **{
            name: np.broadcast_to(a, (n,) + a.shape[1:])
            for name in self.__dataclass_fields__
            if (a := getattr(self, name)).shape[0] != n
        })

    def draw(self, d: int) -> "Inputs":
        """Draw ``d`` alone, as one-draw inputs (an array with one draw gives that one)."""
        return replace(self, **{
            name: (a := getattr(self, name))[min(d, a.shape[0] - 1)][None] for name in self.__dataclass_fields__
        })


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
    segs, inis, st = scenario.segments, scenario.initiatives, scenario.settings
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
        horizon=st.horizon_years,
        lever=lever,
        pair_initiative=pj_a,
        pair_segment=ps_a,
        pair_group=group.reshape(-1),
        pair_identity=np.array([inis[j].requires_identity for j in pj], dtype=bool),
        group_lever=uniq // len(segs),
        group_segment=uniq % len(segs),
        group_size=np.bincount(group.reshape(-1), minlength=len(uniq)),
        realised=np.array([scenario.realised_by_maturity(i) for i in inis], dtype=bool),
        retention_mid_year=st.retention_timing == RetentionTiming.mid_year,
        multiplicative=st.lever_combination == LeverCombination.multiplicative,
        include_beyond_horizon=st.include_beyond_horizon,
    )

    def seg(attr: str) -> np.ndarray:
        return np.array([[getattr(s, attr) for s in segs]], dtype=float)

    def ini(attr: str) -> np.ndarray:
        return np.array([[getattr(i, attr) for i in inis]], dtype=float)

    m = assess(scenario.process)
    p = scenario.process
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
        decay=ini("effect_decay"),
        one_time_cost=ini("one_time_cost"),
        effort_cost=ini("effort_fte_months") * p.fte_month_cost,
        running_cost=ini("annual_running_cost"),
        content_cost=content_cost_per_year(scenario)[None, :],
        variable_cost=ini("variable_campaign_cost"),
        cost_base=ini("cost_base"),
        benefit_risk=np.array([[scenario.benefit_risk(i) for i in inis]], dtype=float),
        realisation=np.array([m.realisation]),
        ramp_months=np.array([m.ramp_months]),
        programme_one_time=np.array([p.platform_one_time_cost]),
        programme_annual=np.array([p.team_annual_cost + p.platform_annual_cost]),
        discount_rate=np.array([st.discount_rate]),
        cost_risk=np.array([st.cost_risk]),
        calibration=np.array([scenario.calibration.factor if scenario.calibration else 1.0]),
    )
    return structure, inputs
