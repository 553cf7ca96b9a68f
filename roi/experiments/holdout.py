"""A global holdout: a share of customers who never see personalization, to prove the programme.

Single A/B tests prove single initiatives, and their wins overstate the total (winner's curse,
overlap). A global holdout measures what the business case claims — the incremental revenue
of the whole programme — by comparing the revenue per customer of the exposed customers with
that of a randomly held-out share. This module plans it (what lift it can detect, when it
proves or refutes the case's claim, what holding out costs), reads it out (summary figures or
a customer-level file, CUPED-adjusted when a pre-period covariate is given), and applies the
measured figure to the case as a programme-level calibration with a change record.

Units: revenue per customer is in the scenario's currency **per year** unless a name says
``period``; shares are fractions 0–1; days are calendar days from the programme's start
(day 0 = the start of model year 1).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..io import ScenarioError, parse_scenario
from ..model import evaluate
from ..schema import Lever, Scenario
from .options import DEFAULT_HORIZON_DAYS, DEFAULT_REVENUE_CV  # noqa: F401  (defined once, light to import)
from .power import standardised_effect
from .cuped import CupedComparison, MeanDifference, check_alternative, compare_means, difference, variance_factor
from .uploads import CustomerData

DAYS_PER_YEAR = 365.0
MAX_HOLDOUT_WEEKS = 520
CALIBRATION_MAX = 10.0  # the schema's bound on the programme calibration factor
POPULATION_BASIS = ("baseline revenue ÷ customers the programme can reach in the segments its customer-facing "
                    "initiatives target — identified and consented customers, or everyone in a segment that a "
                    "contextual initiative targets — per year")


# ---------------------------------------------------------------------------------------------
# The population and the claim, from the business case


@dataclass(frozen=True)
class HoldoutPopulation:
    """Who a global holdout is drawn from, and what they are worth today."""

    customers: float  # personalizable customers of the targeted segments
    revenue_per_customer: float  # baseline revenue per customer per year (currency)
    segments: tuple[str, ...]
    basis: str = POPULATION_BASIS


def _customer_facing(scenario: Scenario) -> list[int]:
    return [j for j, i in enumerate(scenario.initiatives) if i.lever != Lever.cost_saving]


def holdout_population(scenario: Scenario) -> HoldoutPopulation:
    """The customers the programme can reach in the segments its customer-facing initiatives target.

    Notes
    -----
    Per targeted segment the eligible share ``e_s`` is 1 when a contextual initiative
    (``requires_identity`` off: it needs no identity) targets it, else the personalizable share
    (identifiable × consented). ``customers = Σ_s customers_s × e_s`` and
    ``revenue_per_customer = Σ_s baseline revenue_s × e_s ÷ customers`` (baseline revenue =
    customers × visits × conversion × order value, per year). Cost-saving initiatives reach no
    customer and add no segment. A segment reached by context includes anonymous visitors: the
    holdout then has to hold out by device or cookie, not only by customer account.
    """
    contextual: dict[str, bool] = {}
    for j in _customer_facing(scenario):
        ini = scenario.initiatives[j]
        for name in ini.segments:
            contextual[name] = contextual.get(name, False) or not ini.requires_identity
    segs = [s for s in scenario.segments if s.name in contextual]
    share = [1.0 if contextual[s.name] else s.personalizable_share for s in segs]
    customers = sum(s.customers * e for s, e in zip(segs, share))
    revenue = sum(s.baseline_revenue * e for s, e in zip(segs, share))
    if customers <= 0 or revenue <= 0:
        raise ValueError("scenario: no personalizable customer with revenue in the targeted segments, so there "
                         "is nobody to hold out")
    return HoldoutPopulation(customers=customers, revenue_per_customer=revenue / customers,
                             segments=tuple(s.name for s in segs))


def _uncalibrated(scenario: Scenario) -> Scenario:
    """The scenario without its programme calibration, so the claim is the case's own."""
    if scenario.calibration is None:
        return scenario
    return scenario.model_copy(update={"calibration": None})


def _year_overlap(start_day: float, days: float, horizon: int) -> np.ndarray:
    """Share of each model year 1 … horizon that the window [start, start + days) covers."""
    ends = DAYS_PER_YEAR * np.arange(1, horizon + 1)
    starts = ends - DAYS_PER_YEAR
    covered = np.clip(np.minimum(ends, start_day + days) - np.maximum(starts, start_day), 0.0, None)
    return covered / DAYS_PER_YEAR


def _check_window(scenario: Scenario, start_day: float, days: float) -> tuple[float, float]:
    start, span = float(start_day), float(days)
    horizon_days = scenario.settings.horizon_years * DAYS_PER_YEAR
    if not (math.isfinite(start) and 0 <= start < horizon_days):
        raise ValueError(f"start_day: must be between 0 and the case's horizon ({horizon_days:g} days), got {start:g}")
    if not (math.isfinite(span) and 0 < span):
        raise ValueError(f"days: must be greater than 0, got {span:g}")
    if start + span > horizon_days + 1e-9:
        raise ValueError(f"days: the period ends after the case's {scenario.settings.horizon_years}-year horizon "
                         f"(day {start + span:g} > {horizon_days:g}); the case says nothing beyond it")
    return start, span


@dataclass(frozen=True)
class ClaimedRevenue:
    """What the business case claims the programme adds over a period."""

    start_day: float
    days: float
    incremental_revenue: float  # whole population, risk-adjusted, currency
    benefit: float  # incremental gross profit of the same initiatives (risk-adjusted), currency
    customers: float  # the holdout population
    per_customer: float  # incremental revenue per customer over the period (currency)
    lift: float  # per_customer ÷ baseline revenue per customer over the period


class _CaseClaim:
    """The case's yearly claim, evaluated once, for any window of days."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.population = holdout_population(scenario)
        case = evaluate(_uncalibrated(scenario))
        js = _customer_facing(scenario)
        self.revenue = sum((case.initiatives[j].revenue[1:] for j in js), np.zeros(scenario.settings.horizon_years))
        self.benefit = sum((case.initiatives[j].benefit[1:] for j in js), np.zeros(scenario.settings.horizon_years))

    def over(self, days: float, start_day: float = 0.0) -> ClaimedRevenue:
        start, span = _check_window(self.scenario, start_day, days)
        share = _year_overlap(start, span, self.scenario.settings.horizon_years)
        revenue, benefit = float(self.revenue @ share), float(self.benefit @ share)
        customers = self.population.customers
        per_customer = revenue / customers
        baseline = self.population.revenue_per_customer * span / DAYS_PER_YEAR
        return ClaimedRevenue(start_day=start, days=span, incremental_revenue=revenue, benefit=benefit,
                              customers=customers, per_customer=per_customer, lift=per_customer / baseline)


def claimed_revenue(scenario: Scenario, days: float, *, start_day: float = 0.0) -> ClaimedRevenue:
    """The case's incremental revenue over ``[start_day, start_day + days)``, per customer too.

    Notes
    -----
    From ``roi.evaluate(scenario)`` (without any programme calibration): the customer-facing
    initiatives' incremental revenue of model year *y* — risk-adjusted, the case's headline
    figure — is spread evenly over its 365 days, and the window takes its share of each year. Per customer: ÷ the holdout
    population's customers (:func:`holdout_population`); ``lift`` divides by their baseline
    revenue over the same days. Within a year the model's ramp is averaged out.
    """
    return _CaseClaim(scenario).over(days, start_day)


# ---------------------------------------------------------------------------------------------
# Design


def _check_share(share: float) -> float:
    s = float(share)
    if not (math.isfinite(s) and 0 < s < 1):
        raise ValueError(f"holdout_share: must be between 0 and 1, exclusive (e.g. 0.05 for 5%), got {s:g}")
    return s


def _check_money(name: str, value: float, *, positive: bool = True) -> float:
    v = float(value)
    if not (math.isfinite(v) and (v > 0 if positive else v >= 0) and v <= 1e13):
        raise ValueError(f"{name}: must be {'greater than 0' if positive else 'zero or more'} and at most 1e13, got {v:g}")
    return v


def detectable_lift(
    customers: float,
    holdout_share: float,
    mean: float,
    sd: float,
    days: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: str = "two-sided",
    cuped_rho: float | None = None,
) -> float:
    """Smallest relative programme lift a holdout detects after ``days`` (fraction of revenue).

    Parameters
    ----------
    customers : population split between exposed and held out.
    holdout_share : share held out, in (0, 1).
    mean, sd : revenue per customer **per year** (currency) and its standard deviation.
    days : length of the measurement window.

    Notes
    -----
    Revenue accrues as independent purchases, so over ``T`` days the mean per customer is
    ``mean × T/365`` and the standard deviation ``sd × √(T/365)`` (a compound-Poisson
    assumption; a persistent spend level per customer makes it optimistic — which is what CUPED
    on last year's revenue removes, ``× √(1 − ρ²)``). With ``n_h = N s`` held out and
    ``n_e = N (1 − s)`` exposed, statsmodels ``NormalIndPower`` solves the standardised effect
    ``d`` (``≈ (z_α + z_β) √(1/n_e + 1/n_h)``), and the relative lift is
    ``d × sd_T / mean_T = d × (sd/mean) × √(365/T) × √(1 − ρ²)``.
    """
    n = _check_money("customers", customers)
    s = _check_share(holdout_share)
    mean = _check_money("revenue_mean", mean)
    sd = _check_money("revenue_sd", sd)
    t = float(days)
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"days: must be greater than 0, got {t:g}")
    factor = variance_factor(cuped_rho)
    n_h, n_e = n * s, n * (1 - s)
    if n_h < 2 or n_e < 2:
        raise ValueError(f"holdout_share: {n_h:,.0f} held out and {n_e:,.0f} exposed; each group needs at least 2 customers")
    _, _ = check_alternative(alpha, alternative)
    if not (0 < power < 1):
        raise ValueError(f"power: must be in (0, 1) as a fraction (e.g. 0.8), got {power:g}")
    es = standardised_effect(n_h, alpha, power, "two-sided" if alternative == "two-sided" else "larger", n_e / n_h)
    return es * (sd / mean) * math.sqrt(DAYS_PER_YEAR / t) * math.sqrt(factor)


def revenue_per_year(values: np.ndarray, days: float) -> tuple[float, float]:
    """Mean and standard deviation of revenue per customer per year, from one period's data.

    Parameters
    ----------
    values : revenue per customer over a past period (e.g. last year's export), currency.
    days : length of that period.

    Notes
    -----
    The scaling of :func:`detectable_lift` run backwards: ``mean × 365/days`` and
    ``sd × √(365/days)`` (independent purchases).
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size < 2 or not np.all(np.isfinite(v)):
        raise ValueError("revenue: give a finite revenue for at least 2 customers")
    t = float(days)
    if not (math.isfinite(t) and 1 <= t <= 3_660):
        raise ValueError(f"days: the period must cover 1 to 3,660 days, got {t:g}")
    mean, sd = float(v.mean()), float(v.std(ddof=1))
    if mean <= 0 or sd <= 0:
        raise ValueError("revenue: the customers must have some revenue, and not all the same")
    return mean * DAYS_PER_YEAR / t, sd * math.sqrt(DAYS_PER_YEAR / t)


@dataclass(frozen=True)
class HoldoutWeek:
    """The holdout after ``week`` whole weeks."""

    week: int
    mde_relative: float  # smallest detectable programme lift, fraction of revenue
    claimed_lift: float  # the case's programme lift over the same weeks


@dataclass(frozen=True)
class HoldoutDesign:
    """A global holdout's plan against the business case."""

    currency: str
    customers: float  # population split between exposed and held out
    holdout_share: float
    holdout_customers: float
    exposed_customers: float
    revenue_mean: float  # per customer per year (currency)
    revenue_sd: float  # per customer per year (currency)
    mean_source: str  # where the mean came from
    sd_source: str  # where the sd came from
    alpha: float
    power: float
    alternative: str
    cuped_rho: float
    horizon_days: int  # the longest the holdout may run (whole weeks)
    mde_relative: float  # lift detectable by the horizon, fraction
    mde_per_customer: float  # the same in currency per customer over the horizon
    days: int | None  # first whole week (in days) by which the claimed lift is detectable; None if not by the horizon
    claimed: ClaimedRevenue  # the case's claim over the holdout's duration (days, or the horizon)
    cost_of_holdout: float  # incremental benefit forgone on the held-out share over that duration (currency)
    weeks: tuple[HoldoutWeek, ...] = field(repr=False)  # week-by-week detectable vs claimed lift

    @property
    def duration_days(self) -> int:
        """Days the holdout runs: until it can read out the claim, else the horizon."""
        return self.days if self.days is not None else self.horizon_days

    @property
    def months(self) -> float | None:
        return None if self.days is None else self.days / (DAYS_PER_YEAR / 12)

    def to_dict(self) -> dict[str, Any]:
        """The plan-holdout JSON (``mde_relative``, ``days``, ``cost_of_holdout`` and the rest)."""
        d = {k: v for k, v in asdict(self).items() if k not in ("weeks", "claimed")}
        d.update(
            duration_days=self.duration_days,
            months=self.months,
            claimed_lift=self.claimed.lift,
            claimed_incremental_revenue=self.claimed.incremental_revenue,
            claimed_revenue_per_customer=self.claimed.per_customer,
            population_basis=POPULATION_BASIS,
            weeks=[asdict(w) for w in self.weeks],
        )
        return d


def plan_holdout(
    scenario: Scenario,
    *,
    holdout_share: float,
    revenue_mean: float | None = None,
    revenue_sd: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: str = "two-sided",
    horizon_days: float = DEFAULT_HORIZON_DAYS,
    cuped_rho: float | None = None,
) -> HoldoutDesign:
    """Plan a global holdout for ``scenario``: detectable lift, when it reads out, what it costs.

    Parameters
    ----------
    holdout_share : share of the population held out, in (0, 1) (e.g. 0.05).
    revenue_mean : revenue per customer per year; default from the scenario
        (:func:`holdout_population`).
    revenue_sd : its standard deviation per customer per year; default
        ``DEFAULT_REVENUE_CV × mean`` (an assumption: revenue per customer is very skewed).
    horizon_days : the longest the holdout may run, rounded down to whole weeks (default 52
        weeks), at most the case's horizon.

    Notes
    -----
    Week by week (``T = 7w`` days) the detectable lift (:func:`detectable_lift`) falls as
    ``1/√T`` while the case's claimed lift (:func:`claimed_revenue`) grows as initiatives launch
    and ramp; ``days`` is the first whole week at which the claim is detectable — by then the
    holdout proves it (if true) or refutes it. The cost of holding out is the held-out share of
    the customer-facing initiatives' incremental benefit (gross profit, risk-adjusted) over the
    holdout's duration (``days``, or the horizon if the claim is never detectable).
    """
    share = _check_share(holdout_share)
    population = holdout_population(scenario)
    mean_source = "given"
    if revenue_mean is None:
        revenue_mean, mean_source = population.revenue_per_customer, f"scenario: {POPULATION_BASIS}"
    mean = _check_money("revenue_mean", revenue_mean)
    sd_source = "given"
    if revenue_sd is None:
        revenue_sd, sd_source = DEFAULT_REVENUE_CV * mean, f"assumed: coefficient of variation {DEFAULT_REVENUE_CV:g} (sd = {DEFAULT_REVENUE_CV:g} × mean)"
    sd = _check_money("revenue_sd", revenue_sd)
    limit = scenario.settings.horizon_years * DAYS_PER_YEAR
    h = float(horizon_days)
    if not (math.isfinite(h) and 7 <= h):
        raise ValueError(f"horizon_days: must be at least 7 days (one week), got {h:g} days ({h / 7:g} weeks)")
    weeks_max = int(min(h, limit) // 7)
    if weeks_max > MAX_HOLDOUT_WEEKS:
        weeks_max = MAX_HOLDOUT_WEEKS
    opts = dict(alpha=alpha, power=power, alternative=alternative, cuped_rho=cuped_rho)
    d_week1 = detectable_lift(population.customers, share, mean, sd, 7.0, **opts)
    case = _CaseClaim(scenario)
    weeks = []
    found: int | None = None
    for w in range(1, weeks_max + 1):
        mde = d_week1 / math.sqrt(w)  # the 1/√T of detectable_lift, without re-solving each week
        claim = case.over(7.0 * w).lift
        weeks.append(HoldoutWeek(week=w, mde_relative=mde, claimed_lift=claim))
        if found is None and claim > 0 and claim >= mde:
            found = 7 * w
    horizon = 7 * weeks_max
    duration = found if found is not None else horizon
    claimed = case.over(duration)
    case_currency = scenario.settings.currency
    mde_h = d_week1 / math.sqrt(weeks_max)
    return HoldoutDesign(
        currency=case_currency, customers=population.customers, holdout_share=share,
        holdout_customers=population.customers * share, exposed_customers=population.customers * (1 - share),
        revenue_mean=mean, revenue_sd=sd, mean_source=mean_source, sd_source=sd_source, alpha=float(alpha),
        power=float(power), alternative=alternative, cuped_rho=0.0 if cuped_rho is None else float(cuped_rho),
        horizon_days=horizon, mde_relative=mde_h, mde_per_customer=mde_h * mean * horizon / DAYS_PER_YEAR,
        days=found, claimed=claimed, cost_of_holdout=share * claimed.benefit, weeks=tuple(weeks),
    )


# ---------------------------------------------------------------------------------------------
# Readout


@dataclass(frozen=True)
class ArmSummary:
    """Revenue per customer in one group over the holdout period."""

    n: int  # customers
    mean: float  # revenue per customer over the period (currency)
    sd: float  # its standard deviation


def arm_summary(n: Any, mean: Any, sd: Any, *, name: str) -> ArmSummary:
    """Validated figures of one group; ``ValueError`` naming ``name`` (``exposed`` / ``holdout``)."""
    def number(v: Any) -> float:
        try:
            return float(v)
        except OverflowError:  # an int like 10**400: as large as it gets
            return math.inf
        except (TypeError, ValueError):
            raise ValueError(f"{name}: give N,MEAN,SD as numbers, got {n!r},{mean!r},{sd!r}") from None

    n_f, m_f, s_f = number(n), number(mean), number(sd)
    if not (math.isfinite(n_f) and n_f == int(n_f) and 2 <= n_f <= 1e10):
        raise ValueError(f"{name}: N must be a whole number of customers from 2 to 1e10, got {n_f:g}")
    if not (math.isfinite(m_f) and abs(m_f) <= 1e13):
        raise ValueError(f"{name}: MEAN must be a finite amount of at most 1e13, got {m_f:g}")
    if not (math.isfinite(s_f) and 0 <= s_f <= 1e13):
        raise ValueError(f"{name}: SD must be zero or more and at most 1e13, got {s_f:g}")
    return ArmSummary(n=int(n_f), mean=m_f, sd=s_f)


def predicted_readout(
    scenario: Scenario,
    *,
    holdout_share: float,
    days: float,
    revenue_sd: float | None = None,
    start_day: float = 0.0,
) -> tuple[ArmSummary, ArmSummary]:
    """What the case predicts a holdout measures: ``(exposed, holdout)`` over the days.

    Notes
    -----
    With the population of :func:`holdout_population` (``N`` customers, revenue ``m`` per
    year) and the claim of :func:`claimed_revenue` over the window (``c`` per customer):
    ``n_h = round(N s)``, ``n_e = N − n_h``; held-out mean ``m × T/365``, exposed mean that plus
    ``c``; standard deviation ``sd × √(T/365)`` in both groups (``sd`` default
    ``DEFAULT_REVENUE_CV × m``). Reading these figures out gives a factor of exactly 1.
    """
    share = _check_share(holdout_share)
    claim = claimed_revenue(scenario, days, start_day=start_day)
    population = holdout_population(scenario)
    sd = _check_money("revenue_sd", DEFAULT_REVENUE_CV * population.revenue_per_customer
                      if revenue_sd is None else revenue_sd)
    n_h = max(round(population.customers * share), 2)
    n_e = max(round(population.customers) - n_h, 2)
    held_out = population.revenue_per_customer * claim.days / DAYS_PER_YEAR
    sd_t = sd * math.sqrt(claim.days / DAYS_PER_YEAR)
    return ArmSummary(n=n_e, mean=held_out + claim.per_customer, sd=sd_t), ArmSummary(n=n_h, mean=held_out, sd=sd_t)


@dataclass(frozen=True)
class HoldoutReadout:
    """The measured effect of the whole programme: exposed vs held-out revenue per customer."""

    exposed: ArmSummary
    holdout: ArmSummary
    alpha: float
    alternative: str
    confidence: float  # level of the intervals
    incremental_revenue_per_customer: float  # exposed − holdout, currency per customer over the period
    ci: tuple[float, float]  # its interval (currency per customer)
    lift: float | None  # relative: exposed ÷ holdout − 1 (None when the holdout spent nothing)
    ci_lift: tuple[float, float] | None
    p_value: float
    z: float
    significant: bool
    measured_incremental_revenue: float  # per customer × exposed customers (currency over the period)
    method: str  # "summary figures", "customer-level" or "customer-level, CUPED-adjusted"
    unadjusted: MeanDifference | None = None  # the comparison before CUPED, when adjusted
    variance_reduction: float | None = None  # share of the variance CUPED removed
    decision: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k, v in list(d.items()):
            if isinstance(v, tuple):
                d[k] = list(v)
        if d["unadjusted"] is not None:
            d["unadjusted"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in d["unadjusted"].items()}
        return d


def _readout(exposed: ArmSummary, holdout: ArmSummary, diff: MeanDifference, *, alpha: float, alternative: str,
             method: str, confidence: float, unadjusted: MeanDifference | None = None,
             reduction: float | None = None) -> HoldoutReadout:
    significant = bool(diff.p_value < alpha)
    r = dict(exposed=exposed, holdout=holdout, alpha=float(alpha), alternative=alternative, confidence=confidence,
             incremental_revenue_per_customer=diff.abs_effect, ci=diff.ci_abs, lift=diff.rel_effect,
             ci_lift=diff.ci_rel, p_value=diff.p_value, z=diff.z, significant=significant,
             measured_incremental_revenue=diff.abs_effect * exposed.n, method=method, unadjusted=unadjusted,
             variance_reduction=reduction)
    return HoldoutReadout(**r, decision=_decision(r))


def _decision(r: dict[str, Any]) -> str:
    lo, hi = r["ci"]
    lift = "" if r["lift"] is None else f", {r['lift']:+.1%}"
    diff = r["incremental_revenue_per_customer"]
    head = f"Exposed customers brought {r['exposed'].mean:,.2f} each vs {r['holdout'].mean:,.2f} held out"
    if r["unadjusted"] is not None:  # CUPED: the raw gap differs from the adjusted one; say both
        head += (f" (raw gap {r['unadjusted'].abs_effect:+,.2f}); adjusted for the pre-period (CUPED) the programme "
                 f"adds {diff:+,.2f} per customer{lift}")
    else:
        head += f": {diff:+,.2f} per customer{lift}"
    head += f" ({r['confidence']:.0%} interval {lo:+,.2f} to {hi:+,.2f})."
    null = "no programme effect" if r["alternative"] == "two-sided" else "no positive programme effect"
    if r["significant"]:
        tail = f" p = {r['p_value']:.3g} < {r['alpha']:g}: reject {null} — the programme's effect is measured."
    else:
        tail = (f" p = {r['p_value']:.3g} ≥ {r['alpha']:g}: the holdout cannot reject {null} yet; the programme's "
                "effect is not proven.")
    if r["variance_reduction"] is not None:
        tail += f" CUPED removed {r['variance_reduction']:.0%} of the variance."
    return head + tail


def analyze_holdout(exposed: ArmSummary, holdout: ArmSummary, *, alpha: float = 0.05,
                    alternative: str = "two-sided") -> HoldoutReadout:
    """Read a holdout from summary figures (customers, mean and sd of revenue per customer).

    Notes
    -----
    Welch z-test of ``mean_e − mean_h`` with ``se = √(sd_e²/n_e + sd_h²/n_h)``; the relative
    lift ``mean_e/mean_h − 1`` with its delta-method interval (:func:`roi.experiments.cuped.difference`).
    One-sided tests (H₁: exposed better) report the one-sided p-value and a ``1 − 2α`` interval.
    """
    ci_alpha, _ = check_alternative(alpha, alternative)
    diff = difference(holdout.mean, holdout.sd**2, holdout.n, exposed.mean, exposed.sd**2, exposed.n,
                      alpha=alpha, alternative=alternative)
    return _readout(exposed, holdout, diff, alpha=alpha, alternative=alternative, method="summary figures",
                    confidence=1 - ci_alpha)


def analyze_holdout_customers(data: CustomerData, *, alpha: float = 0.05,
                              alternative: str = "two-sided") -> HoldoutReadout:
    """Read a holdout from customer-level rows; CUPED-adjusted when a pre-period column is given.

    The treatment group is the exposed one, the control the holdout (see
    :func:`roi.experiments.uploads.customer_data`).
    """
    cmp: CupedComparison = compare_means(data.outcome, data.treated, data.covariate, alpha=alpha,
                                         alternative=alternative)
    y = data.outcome
    exposed = ArmSummary(n=cmp.n_treatment, mean=float(y[data.treated].mean()), sd=float(y[data.treated].std(ddof=1)))
    holdout = ArmSummary(n=cmp.n_control, mean=float(y[~data.treated].mean()), sd=float(y[~data.treated].std(ddof=1)))
    if cmp.adjusted is None:
        return _readout(exposed, holdout, cmp.unadjusted, alpha=alpha, alternative=alternative,
                        method="customer-level", confidence=cmp.confidence)
    return _readout(exposed, holdout, cmp.adjusted, alpha=alpha, alternative=alternative,
                    method="customer-level, CUPED-adjusted", confidence=cmp.confidence,
                    unadjusted=cmp.unadjusted, reduction=cmp.variance_reduction)


# ---------------------------------------------------------------------------------------------
# The claim against the measurement, and the calibration


@dataclass(frozen=True)
class ClaimCheck:
    """The measured programme effect beside what the case claims over the same period."""

    claimed_per_customer: float  # currency per customer over the period
    measured_per_customer: float
    ci: tuple[float, float]
    factor: float  # measured ÷ claimed, clipped to [0, 10]: the calibration to apply
    factor_unclipped: float
    within_interval: bool  # the claim lies inside the measured interval
    verdict: str
    conclusive: bool = True  # False when the interval holds both zero and the claim: too noisy to calibrate


def check_claim(readout: HoldoutReadout, claimed_per_customer: float, currency: str = "") -> ClaimCheck:
    """Compare a holdout's measured incremental revenue per customer with the case's claim.

    Notes
    -----
    ``factor = measured ÷ claimed`` (both per customer over the holdout period), clipped to the
    schema's range 0–10: a measured loss calibrates the revenue benefits to zero, not below.
    A measurement whose interval holds both zero and the claim is *inconclusive*: its point
    estimate is noise, and :func:`apply_holdout` refuses to calibrate the case with it.
    """
    claimed = float(claimed_per_customer)
    if not (math.isfinite(claimed) and claimed > 0):
        raise ValueError("claimed_per_customer: the case claims no incremental revenue over this period, "
                         "so there is nothing to calibrate")
    measured = readout.incremental_revenue_per_customer
    raw = measured / claimed
    factor = min(max(raw, 0.0), CALIBRATION_MAX)
    lo, hi = readout.ci
    inside = lo <= claimed <= hi
    cur = f" {currency}" if currency else ""
    if inside and readout.significant:
        verdict = (f"The claim ({claimed:,.2f}{cur} per customer) lies inside the measured interval: the holdout "
                   "confirms it.")
    elif inside:
        verdict = (f"The claim ({claimed:,.2f}{cur} per customer) lies inside the measured interval, but so does "
                   "zero: the holdout neither confirms nor refutes it yet.")
    elif claimed > hi:
        verdict = (f"The claim ({claimed:,.2f}{cur} per customer) is above the measured interval: the holdout "
                   f"refutes it — the programme delivers {raw:.0%} of what the case says.")
    else:
        verdict = (f"The claim ({claimed:,.2f}{cur} per customer) is below the measured interval: the programme "
                   f"does better than the case says ({raw:.0%} of the claim).")
    return ClaimCheck(claimed_per_customer=claimed, measured_per_customer=measured, ci=readout.ci, factor=factor,
                      factor_unclipped=raw, within_interval=inside, verdict=verdict,
                      conclusive=not inside or readout.significant)


def apply_holdout(
    scenario: Scenario,
    readout: HoldoutReadout,
    *,
    test_name: str,
    period_days: float,
    start_day: float = 0.0,
    date: dt.date | None = None,
    note: str = "",
) -> Scenario:
    """Return a copy of ``scenario`` calibrated by a holdout's measurement, with a change record.

    Parameters
    ----------
    readout : from :func:`analyze_holdout` or :func:`analyze_holdout_customers`.
    test_name : how the holdout is known, non-empty (kept with the calibration).
    period_days, start_day : the measurement window in days from the programme's start; the
        claim is computed over the same window (:func:`claimed_revenue`).

    Notes
    -----
    Refuses an inconclusive readout (:func:`check_claim`). Sets ``scenario.calibration`` (:class:`~roi.schema.ProgrammeCalibration`): ``factor`` = measured ÷
    claimed incremental revenue per customer (:func:`check_claim`), a multiplier on every
    revenue benefit of the case, with the holdout's figures; and appends a programme-level
    ``ChangeRecord`` (``scope="programme"``, ``factor_before``, ``factor_after``, ``reason``).
    The claim is always the uncalibrated case's, so applying a second holdout replaces the
    factor rather than compounding it. Since the factor multiplies revenue before the risk
    adjustment and the claim is the risk-adjusted headline, the calibrated case's headline
    revenue over the holdout's days equals the measurement. The result is validated by
    ``roi.parse_scenario``.
    """
    if not test_name.strip():
        raise ValueError("test_name: must not be empty (it names the measurement behind the calibration)")
    claim = claimed_revenue(scenario, period_days, start_day=start_day)
    check = check_claim(readout, claim.per_customer, scenario.settings.currency)
    if not check.conclusive:
        raise ValueError("readout: inconclusive — the interval holds both zero and the claim, so its point estimate "
                         "would move the case on noise; run the holdout longer or hold out more customers")
    when = (date or dt.date.today()).isoformat()
    data = scenario.model_dump(mode="json")
    before = (data["calibration"] or {}).get("factor", 1.0)
    data["calibration"] = {
        "factor": check.factor,
        "test_name": test_name.strip(),
        "date": when,
        "exposed_customers": readout.exposed.n,
        "holdout_customers": readout.holdout.n,
        "incremental_revenue_per_customer": readout.incremental_revenue_per_customer,
        "ci": list(readout.ci),
        "confidence": readout.confidence,
        "p_value": readout.p_value,
        "claimed_revenue_per_customer": claim.per_customer,
        "note": note,
    }
    clipped = "" if check.factor == check.factor_unclipped else f" (clipped from {check.factor_unclipped:.3g})"
    data["changes"].append({
        "date": when,
        "scope": "programme",
        "factor_before": before,
        "factor_after": check.factor,
        "reason": (f"Holdout {test_name.strip()!r}, days {start_day:g}–{start_day + period_days:g}: "
                   f"{readout.decision} {check.verdict} Revenue benefits × {check.factor:.3g}{clipped}."),
        "note": note,
    })
    try:
        return parse_scenario(data)
    except ScenarioError as exc:
        raise ValueError("; ".join(exc.problems)) from None
