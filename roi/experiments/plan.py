"""A test plan for a scenario: which initiatives' uplifts can be proven by an A/B test, and when.

For every initiative the plan takes the eligible traffic of its segments (the personalizable
customers its channel reaches), the metric its lever moves, and its expected (base-case)
uplift, then asks: how many days does a test need to detect that uplift, can it read out
within the user's horizon, what could it detect in 2 and 4 weeks, and — given the team's test
capacity (``process.tests_per_month``) — on which day can it start and read out?

Assumptions, stated to the user: a test gets all the eligible traffic of its segments times
``allocation`` (tests running at the same time on the same segments would share it); a test
cannot start before the initiative launches (``months_to_launch``); the uplift in the test
population is the initiative's base uplift (maturity realisation and reach dilute it only
in the business case, not among the customers the test treats).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..schema import Initiative, Lever, Scenario
from . import power as pw

DAYS_PER_YEAR = 365.0
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
RETENTION_DAYS = DAYS_PER_YEAR  # a retention rate is read a year after assignment


@dataclass(frozen=True)
class InitiativeTest:
    """The test that would prove one initiative's uplift."""

    initiative: str
    lever: str
    evidence: str  # assumed | benchmark | measured
    metric: str  # what the test measures
    unit: str  # what ``eligible`` counts: "visits/day", "orders/day" or "customers" (a stock)
    eligible: float  # eligible traffic of the initiative's segments, in ``unit``
    baseline: float | None  # control rate (fraction) or mean (currency) of the metric
    expected_uplift: float  # relative base-case uplift to detect
    testable: bool  # False when no A/B test of the metric can detect the uplift at all
    reason: str  # why not testable, or what limits the test; "" when nothing to say
    n_per_variant: int | None = None  # units per variant
    days: float | None = None  # days to read out (collect the sample, or observe retention)
    within_horizon: bool = False  # reads out within the user's horizon
    mde_2_weeks: float | None = None  # relative effect detectable with 14 days of traffic
    mde_4_weeks: float | None = None  # relative effect detectable with 28 days of traffic
    run_days: float | None = None  # days the test runs: max(days, min_days) — whole weekly cycles
    start_day: float | None = None  # days from today the test can start under test capacity
    readout_day: float | None = None  # start_day + run_days

    @property
    def weeks(self) -> float | None:
        return None if self.days is None else self.days / 7.0


@dataclass(frozen=True)
class TestPlan:
    """Tests for every initiative of a scenario, with the settings they were planned under."""

    __test__ = False  # not a pytest test class, despite the name

    tests: list[InitiativeTest]
    horizon_days: float
    alpha: float
    power: float
    method: str
    allocation: float
    tests_per_month: float
    min_days: float
    notes: list[str] = field(default_factory=list)

    def test(self, initiative: str) -> InitiativeTest:
        """The test of ``initiative``; ``KeyError`` naming it when the plan has none."""
        for t in self.tests:
            if t.initiative == initiative:
                return t
        raise KeyError(f"initiative: no test planned for {initiative!r}")

    def to_frame(self) -> pd.DataFrame:
        """One row per initiative (``days``/``start_day``/``readout_day`` NaN where undefined)."""
        df = pd.DataFrame([asdict(t) for t in self.tests])
        df["weeks"] = df["days"].astype(float) / 7.0
        return df

    def to_dict(self) -> dict[str, Any]:
        return {
            "horizon_days": self.horizon_days,
            "alpha": self.alpha,
            "power": self.power,
            "method": self.method,
            "allocation": self.allocation,
            "tests_per_month": self.tests_per_month,
            "min_days": self.min_days,
            "notes": self.notes,
            "tests": [asdict(t) | {"weeks": t.weeks} for t in self.tests],
        }


def eligible_traffic(scenario: Scenario) -> pd.DataFrame:
    """Eligible units per day and traffic-weighted metrics of each initiative's segments.

    Notes
    -----
    For initiative *j* and its target segments *s*, with ``e_s`` the personalizable share
    (identifiable × consented) for an initiative that needs identity and 1 for a contextual one:
    ``visits/day = Σ_s customers_s × visits_s × e_s × reach_j / 365``;
    ``orders/day = Σ_s (eligible visits_s/day) × conversion_s``;
    ``customers = Σ_s customers_s × e_s × reach_j`` (a stock, not a flow).
    Baseline conversion is weighted by eligible visits, order value by orders, retention by
    customers. Returns one row per initiative (zeros for initiatives without segments).
    """
    segs = scenario.segments
    index = {s.name: k for k, s in enumerate(segs)}
    all_customers = np.array([s.customers for s in segs])
    personalizable = np.array([s.personalizable_share for s in segs])
    per_visit = np.array([s.visits_per_customer for s in segs]) / DAYS_PER_YEAR
    conv = np.array([s.baseline_conversion_rate for s in segs])
    aov = np.array([s.average_order_value for s in segs])
    ret = np.array([s.retention_rate for s in segs])
    # targets[j, s] = eligible share × channel reach of initiative j on segment s (0 when not targeted)
    targets = np.zeros((len(scenario.initiatives), len(segs)))
    for j, ini in enumerate(scenario.initiatives):
        k = [index[n] for n in ini.segments]
        targets[j, k] = ini.channel_reach * (personalizable[k] if ini.requires_identity else 1.0)
    cust = all_customers
    visits = cust * per_visit
    v, o, c = targets @ visits, targets @ (visits * conv), targets @ cust

    def wavg(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.divide(num, den, out=np.full_like(num, np.nan), where=den > 0)

    return pd.DataFrame({
        "initiative": [i.name for i in scenario.initiatives],
        "visits_per_day": v,
        "orders_per_day": o,
        "customers": c,
        "conversion": wavg(o, v),
        "order_value": wavg(targets @ (visits * conv * aov), o),
        "retention": wavg(targets @ (cust * ret), c),
    })


def plan_tests(
    scenario: Scenario,
    *,
    horizon_days: float = 42.0,
    alpha: float = 0.05,
    power: float = 0.8,
    method: str = "evan-miller",
    allocation: float = 1.0,
    order_value_cv: float = 1.0,
    min_days: float = 7.0,
) -> TestPlan:
    """Plan a two-arm A/B test (generic vs personalized) for every initiative of ``scenario``.

    Parameters
    ----------
    horizon_days : longest acceptable test, in days (default 42 = 6 weeks), > 0.
    alpha, power, method : as in :func:`roi.experiments.power.sample_size` (two-sided).
    allocation : share of eligible traffic put into the test, in (0, 1].
    order_value_cv : coefficient of variation (sd / mean) of order value, assumed 1.0, used to
        plan order-value tests (no per-order spread is in the scenario).
    min_days : shortest run, in days (default 7: a full weekly cycle, so weekday and weekend
        visitors are both in the sample even when traffic would fill it sooner), ≥ 0.

    Notes
    -----
    The metric follows the lever:

    * ``conversion_rate``, ``purchase_frequency`` — orders per visit (a proxy for frequency);
      ``days = n_per_variant × 2 / (visits/day × allocation)``;
    * ``order_value`` — revenue per order, a continuous metric with ``sd = cv × order value``;
      ``days = n_per_variant × 2 / (orders/day × allocation)``;
    * ``retention`` — share of customers still active after a year: the eligible customers
      are split at once, so the test needs ``2 n`` of them and reads out after 365 days;
    * ``cost_saving`` — not an A/B test of customers (measure it in operations data).

    A test runs ``run_days = max(days, min_days)``; it reads out within the horizon when
    ``run_days ≤ horizon_days``.

    Schedule: tests that read out within the horizon go first, then the rest; within each
    group, by launch month then by duration. The team has ``tests_per_month`` start slots a
    month (slot *k* falls in month ``⌊k / tests_per_month⌋``); each test takes the earliest free
    slot not in a month before its launch and starts at ``max(slot month, launch)``.
    """
    if not (math.isfinite(horizon_days) and horizon_days > 0):
        raise ValueError(f"horizon_days: must be greater than 0, got {horizon_days:g}")
    if not (math.isfinite(min_days) and min_days >= 0):
        raise ValueError(f"min_days: must be zero or more, got {min_days:g}")
    if not (math.isfinite(order_value_cv) and order_value_cv > 0):
        raise ValueError(f"order_value_cv: must be greater than 0, got {order_value_cv:g}")
    pw.design(alpha, power)  # validates alpha and power
    pw._method(method)
    allocation = pw._check_fraction("allocation", allocation, open_high=False)
    traffic = eligible_traffic(scenario)
    opts = dict(alpha=alpha, power=power, method=method, allocation=allocation,
                horizon=float(horizon_days), cv=float(order_value_cv), min_days=float(min_days))
    tests = [_plan_one(ini, row, **opts) for ini, row in zip(scenario.initiatives, traffic.itertuples())]
    tpm = float(scenario.process.tests_per_month)
    launch = {i.name: i.months_to_launch * DAYS_PER_MONTH for i in scenario.initiatives}
    tests = _schedule(tests, tpm, launch)
    notes = []
    if tpm == 0:
        notes.append("process.tests_per_month is 0: no test can be scheduled until the team has test capacity.")
    return TestPlan(tests=tests, horizon_days=float(horizon_days), alpha=alpha, power=power, method=method,
                    allocation=allocation, tests_per_month=tpm, min_days=float(min_days), notes=notes)


def _plan_one(ini: Initiative, row: Any, *, alpha: float, power: float, method: str, allocation: float,
              horizon: float, cv: float, min_days: float) -> InitiativeTest:
    uplift = ini.uplift.base
    common = dict(initiative=ini.name, lever=ini.lever.value, evidence=ini.evidence.kind.value,
                  expected_uplift=uplift)
    if ini.lever == Lever.cost_saving:
        return InitiativeTest(**common, metric="operating cost", unit="—", eligible=0.0, baseline=None,
                              testable=False, reason="cost saving: measure it in operations data, not with an A/B test of customers")
    if ini.lever == Lever.retention:
        metric, unit, traffic, base = "12-month retention", "customers", row.customers, row.retention
    elif ini.lever == Lever.order_value:
        metric, unit, traffic, base = "revenue per order", "orders/day", row.orders_per_day, row.order_value
    else:
        metric = "orders per visit" + (" (proxy for frequency)" if ini.lever == Lever.purchase_frequency else "")
        unit, traffic, base = "visits/day", row.visits_per_day, row.conversion
    common.update(metric=metric, unit=unit, eligible=float(traffic),
                  baseline=None if np.isnan(base) else float(base))

    if not traffic > 0:
        return InitiativeTest(**common, testable=False,
                              reason="no eligible traffic: no personalizable customer in its segments is reached")
    if uplift <= 0:
        return InitiativeTest(**common, testable=False, reason="expected uplift is not positive: nothing to prove")
    try:
        if ini.lever == Lever.order_value:
            n = pw.sample_size_continuous(base, cv * base, uplift, alpha=alpha, power=power).n_per_variant
        else:
            n = pw.sample_size(base, uplift, alpha=alpha, power=power, method=method).n_per_variant
    except ValueError as exc:  # e.g. baseline × (1 + uplift) ≥ 1
        return InitiativeTest(**common, testable=False, reason=f"cannot size the test: {exc}")

    if ini.lever == Lever.retention:
        if 2 * n > traffic * allocation:
            return InitiativeTest(**common, testable=False, n_per_variant=n,
                                  reason=f"needs {2 * n:,} customers, only {traffic * allocation:,.0f} eligible")
        return InitiativeTest(**common, testable=True, n_per_variant=n, days=RETENTION_DAYS,
                              run_days=RETENTION_DAYS, within_horizon=RETENTION_DAYS <= horizon,
                              reason="a retention rate reads out a year after assignment; prove it sooner with a leading proxy (e.g. 90-day activity)")

    if 2 * n / (traffic * allocation) > pw.MAX_DAYS:  # a valid case, not a bad input: say so, no error
        return InitiativeTest(**common, testable=False, n_per_variant=n,
                              reason=f"needs {2 * n:,} {unit.split('/')[0]}, more than "
                                     f"{pw.MAX_DAYS / DAYS_PER_YEAR:,.0f} years of its eligible traffic")
    days = pw.duration(n, traffic, allocation=allocation).days_exact
    mdes = []
    for d in (14.0, 28.0):
        n_d = pw.n_per_variant_in(d, traffic, allocation=allocation)
        if ini.lever == Lever.order_value:
            eff = pw.detectable_effect_continuous(base, cv * base, n_d, alpha=alpha, power=power)
        else:
            eff = pw.detectable_effect(base, n_d, alpha=alpha, power=power, method=method)
        mdes.append(eff.rel_effect)
    run = max(days, min_days)
    if run > horizon:
        reason = f"needs {run / 7:.1f} weeks, beyond the {horizon / 7:g}-week horizon"
    elif days < min_days:
        reason = f"sample collected in {days:.1f} days; run {min_days:g} days to cover a full weekly cycle"
    else:
        reason = ""
    return InitiativeTest(**common, testable=True, n_per_variant=n, days=days, run_days=run,
                          within_horizon=run <= horizon, mde_2_weeks=mdes[0], mde_4_weeks=mdes[1], reason=reason)


def _schedule(tests: list[InitiativeTest], tests_per_month: float, launch_day: dict[str, float]) -> list[InitiativeTest]:
    """Give each testable initiative a start and read-out day under the monthly test capacity."""
    if tests_per_month <= 0:
        return tests
    runnable = [t for t in tests if t.testable and t.run_days is not None]
    order = sorted(runnable, key=lambda t: (not t.within_horizon, launch_day[t.initiative], t.run_days))

    def slot_month(k: int) -> int:  # month in which the k-th start permission falls
        return math.floor(k / tests_per_month + 1e-9)

    used: set[int] = set()
    slots: dict[str, float] = {}
    for t in order:  # a handful of initiatives
        launch_month = math.floor(launch_day[t.initiative] / DAYS_PER_MONTH + 1e-9)
        # The first slot in the launch month, found directly: counting up to it one slot at a
        # time would take ~launch_month × tests_per_month steps (endless for 1e13 tests a month).
        k = max(math.ceil(launch_month * tests_per_month - 1e-9), 0)
        while slot_month(k) < launch_month:
            k += 1
        while k in used:  # at most one step per test already placed
            k += 1
        used.add(k)
        slots[t.initiative] = slot_month(k) * DAYS_PER_MONTH
    out = []
    for t in tests:
        if t.initiative in slots:
            start = max(slots[t.initiative], launch_day[t.initiative])
            t = replace(t, start_day=start, readout_day=start + (t.run_days or 0.0))
        out.append(t)
    return out
