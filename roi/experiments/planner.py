"""One test plan: a fixed-design sample with CUPED, design effect, interim looks and duration.

The sample of :mod:`roi.experiments.power` adjusted for CUPED and the unit of randomisation,
the group-sequential maximum with its boundaries, and the duration — one function for the
page and the CLI.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from . import power as pw
from . import sequential as sq
from .cuped import variance_factor
from .design_effect import check_design_effect, unit_description
from .history import TrafficHistory, WeeklyDuration, weekly_duration

MAX_UNITS = 1e15  # per variant: a million visitors a day for 2,700 years; beyond, no test reads out


@dataclass(frozen=True)
class TestDesignPlan:
    """Everything a test needs before it starts (sample sizes in units per variant)."""

    __test__ = False  # not a pytest test class, despite the name

    size: pw.SampleSize  # the fixed design before adjustments (statsmodels-checked formulas)
    cuped_rho: float  # pre-period correlation used, 0 when none
    variance_factor: float  # 1 − ρ²: share of the variance CUPED leaves
    design_effect: float  # ≥ 1 typically; 1 when the randomised unit is the counted unit
    unit: str  # the sentence saying which unit the plan counts
    n_fixed_exact: float  # size.n_exact × variance_factor × design_effect
    n_per_variant: int  # ⌈n_fixed_exact⌉: a single analysis at the end
    sequential: sq.SequentialDesign  # one look is the fixed design (inflation 1)
    max_n_per_variant: int  # ⌈n_fixed_exact × inflation⌉: the sample if no look stops early
    duration: pw.Duration | None  # from a typed daily traffic, to the maximum sample
    weekly: WeeklyDuration | None  # from a traffic history: whole weeks to the maximum sample

    @property
    def looks(self) -> int:
        return self.sequential.boundaries.looks

    @property
    def boundaries(self) -> list[float]:
        """z boundary per look (the fixed critical value with one look)."""
        return list(self.sequential.boundaries.z)

    @property
    def n_per_look(self) -> list[int]:
        """Cumulative units per variant at each look (rounded up)."""
        return [math.ceil(self.n_fixed_exact * self.sequential.inflation * t - 1e-9)
                for t in self.sequential.boundaries.information]

    @property
    def expected_n_per_variant(self) -> float:
        """Expected units per variant when the effect is real (early stops included)."""
        return self.n_fixed_exact * self.sequential.inflation * self.sequential.expected_fraction_h1

    def to_dict(self) -> dict[str, Any]:
        """The plan-test JSON: the fixed design's keys plus the adjustments and the sequential design."""
        out = self.size.to_dict()
        out.update(
            n_exact=self.n_fixed_exact,
            n_per_variant=self.n_per_variant,
            total_n=self.n_per_variant * self.size.design.variants,
            n_per_variant_unadjusted=self.size.n_per_variant,
            cuped_rho=self.cuped_rho,
            variance_factor=self.variance_factor,
            design_effect=self.design_effect,
            unit=self.unit,
            looks=self.looks,
            spending=self.sequential.boundaries.spending if self.looks > 1 else None,
            boundaries=self.boundaries,
            information=list(self.sequential.boundaries.information),
            alpha_spent=list(self.sequential.boundaries.alpha_spent),
            nominal_p=list(self.sequential.boundaries.nominal_p),
            inflation_factor=self.sequential.inflation,
            max_n_per_variant=self.max_n_per_variant,
            max_total_n=self.max_n_per_variant * self.size.design.variants,
            n_per_look=self.n_per_look,
            expected_n_per_variant=self.expected_n_per_variant,
        )
        return out


def plan_test(
    size: pw.SampleSize,
    *,
    cuped_rho: float | None = None,
    design_effect: float = 1.0,
    unit: str = "visitor",
    looks: int = 1,
    spending: str = "obrien-fleming",
    daily_traffic: float | None = None,
    allocation: float = 1.0,
    history: TrafficHistory | None = None,
    start_weekday: int = 0,
) -> TestDesignPlan:
    """Adjust a fixed-design sample size and plan its looks and duration.

    Parameters
    ----------
    size : from :func:`roi.experiments.power.sample_size` or ``sample_size_continuous``.
    cuped_rho : correlation of the metric with its pre-period value (CUPED), −1 < ρ < 1.
    design_effect : variance inflation from counting visits of randomised customers (≥ 1
        typically; see :mod:`roi.experiments.design_effect`), at most 1,000.
    unit : ``visitor`` (visits are the randomised unit) or ``customer``.
    looks, spending : group-sequential design (1 look = the fixed design).
    daily_traffic, allocation : eligible units per day and the share in the test → days.
    history : a traffic history: duration in whole weeks following its weekly pattern.

    Notes
    -----
    ``n = n_fixed × (1 − ρ²) × D``, ``n_per_variant = ⌈n⌉``;
    ``max_n_per_variant = ⌈n × R⌉`` with ``R`` the inflation of :func:`roi.experiments.sequential.design`
    at the design's per-comparison α (the multiple-comparison correction comes first) and power.
    Durations run to the maximum sample. With ``ρ = 0``, ``D = 1`` and one look the plan is the
    fixed design unchanged.
    """
    factor = variance_factor(cuped_rho)
    d = check_design_effect(design_effect)
    k = sq.check_looks(looks)
    seq = sq.design(k, alpha=size.design.alpha_per_comparison, power=size.design.power,
                    alternative=size.design.alternative, spending=spending)
    n = size.n_exact * factor * d
    n_max = n * seq.inflation
    if not math.isfinite(n_max) or n_max > MAX_UNITS:
        if size.metric == "conversion" and pw.culprit(size.baseline, size.rel_effect, True, size.design,
                                                       MAX_UNITS)[0] == "baseline":
            raise ValueError(f"baseline: at {size.baseline:g} the test needs more than 1e15 units per variant; "
                             "a rate this small cannot be tested")
        raise ValueError("mde: the test needs more than 1e15 units per variant; no traffic can read it out "
                         "(raise the effect to detect)")
    n_per_variant = math.ceil(n - 1e-9)
    max_n = max(math.ceil(n_max - 1e-9), n_per_variant)
    variants = size.design.variants
    duration = weekly = None
    if history is not None:
        weekly = weekly_duration(max_n * variants, history, allocation=allocation, start_weekday=start_weekday)
    elif daily_traffic is not None:
        duration = pw.duration(max_n, daily_traffic, allocation=allocation, variants=variants)
    return TestDesignPlan(
        size=size, cuped_rho=0.0 if cuped_rho is None else float(cuped_rho), variance_factor=factor,
        design_effect=d, unit=unit_description(d, unit), n_fixed_exact=n, n_per_variant=n_per_variant,
        sequential=seq, max_n_per_variant=max_n, duration=duration, weekly=weekly,
    )
