"""Value tables of the analyses other modules provide, for the workbook, the CSV files and the deck.

These functions only call the analyses' public functions with the dashboard's defaults; they
compute nothing themselves.

* Prioritization — :func:`roi.prioritization.score_table` (value per effort, impact = NPV,
  resource = effort) with :func:`roi.delay.cost_of_delay_per_month`;
* Plan — :func:`roi.plan.recommend` under the scenario's plan settings (capacity, budgets, pins):
  the same plan as the Prioritization page and the Overview;
* Test plan — :func:`roi.experiments.plan_tests` with its defaults (6-week horizon, α = 0.05,
  power 0.8);
* Risk — :mod:`roi.uncertainty` at the Risk page's and the CLI's defaults (:func:`risk_analyses`):
  the tornado and the pessimistic / base / optimistic cases over the default
  :class:`~roi.uncertainty.Ranges`, the Monte Carlo (:data:`~roi.uncertainty.DEFAULT_DRAWS`
  draws, seed :data:`RISK_SEED`, PERT), breakeven and cost of delay (start delayed 0–24 months).

The Monte Carlo is the slow part (about a second for 50 initiatives), and the workbook, the deck
and the CSV files all show it, so :func:`risk_analyses` remembers its last few results, keyed by
the scenario JSON and the Monte Carlo settings. The key is the whole input and every array of
the result is read-only, so sharing it between users of the app is safe. The risk analyses run
in the helper process (:mod:`roi.helper`, :func:`compute_risk`), where the export's
own Python work beside them cannot starve their numpy calls of the GIL.
"""

from __future__ import annotations

import dataclasses
import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..model import BusinessCase
from ..schema import Scenario
from .assumptions import NUMBER, PERCENT, PERCENT_FINE, money_format

if TYPE_CHECKING:  # pragma: no cover
    from ..uncertainty import Breakeven, Cases, DelayCurve, Ranges, Simulation, Tornado

RISK_SEED = 1  # as the Risk page's and `python -m roi simulate`'s default seed
RISK_DISTRIBUTION = "pert"  # as the Risk page's and the CLI's default
_RISK_MEMO = 4  # scenarios whose risk analyses are remembered
# The Monte Carlo's threads (the answer is the same with any number). Two: the helper runs below the
# export's priority (roi.helper.NICENESS), so a workbook being written keeps its core,
# and a deck or a brief waiting for the draws gets them on both cores.
MC_WORKERS = 2

VALUES_NOTE = ("Values computed by the tool when the case was exported — not live formulas: editing the "
               "Assumptions sheet does not change them (re-export the case instead).")
MULTIPLIER = '"×"0.00'
SHIFT = '+0.0%;-0.0%;0.0%'
UNIT_FORMAT = {"uplift": PERCENT, "multiplier": MULTIPLIER, "rate": PERCENT_FINE, "shift": SHIFT,
               "points": '+0.0;-0.0;0.0'}


@dataclass(frozen=True)
class Risk:
    """The Risk page's analyses at its defaults; money in the scenario's currency."""

    draws: int
    seed: int
    distribution: str
    ranges: Ranges
    tornado: Tornado  # sorted by NPV swing
    cases: Cases
    simulation: Simulation
    breakeven: list[Breakeven]  # initiatives, then the programme
    delay: DelayCurve

    @property
    def simulate_command(self) -> str:
        return (f"python -m roi simulate FILE --draws {self.draws} --seed {self.seed} "
                f"--distribution {self.distribution} --json")

    def ranges_text(self) -> str:
        """The assumed ± ranges, for people: "costs ±20%, …, discount rate ±2 points, …"."""
        r = self.ranges
        return (f"costs ±{r.costs:.0%}, reach ±{r.reach:.0%}, baseline conversion ±{r.conversion:.0%}, "
                f"order value ±{r.order_value:.0%}, maturity ±{r.maturity:g} points, ramp time ±{r.ramp:.0%}, "
                f"discount rate ±{r.discount_rate * 100:g} points; uplifts correlated ρ = "
                f"{self.simulation.correlation:g}; before risk adjustment (the ranges are the risk)")


def risk_analyses(scenario: Scenario, *, draws: int | None = None, seed: int = RISK_SEED,
                  distribution: str = RISK_DISTRIBUTION) -> Risk:
    """Tornado, cases, Monte Carlo, breakeven and cost of delay of ``scenario`` at the Risk page's
    defaults (``draws`` default :data:`roi.uncertainty.DEFAULT_DRAWS`); remembered per scenario JSON,
    seed, draws and distribution (the last :data:`_RISK_MEMO`)."""
    from ..uncertainty import DEFAULT_DRAWS

    return _risk(scenario.model_dump_json(), DEFAULT_DRAWS if draws is None else int(draws), int(seed),
                 distribution)


@functools.lru_cache(maxsize=_RISK_MEMO)
def _risk(scenario_json: str, draws: int, seed: int, distribution: str) -> Risk:
    from .. import helper

    # In the helper process (roi.helper): the exports ask for this while they write
    # formulas or render charts in Python, which would starve these numpy calls of the GIL here.
    risk = helper.call(compute_risk, scenario_json, draws, seed, distribution)
    _freeze(risk)  # shared through the memo by every caller (and every user of the app)
    return risk


def compute_risk(scenario_json: str, draws: int, seed: int, distribution: str) -> Risk:
    """:func:`risk_analyses` computed, of a scenario given as JSON (what the helper process runs)."""
    from .. import uncertainty as unc
    from ..io import loads_scenario

    scenario = loads_scenario(scenario_json)
    ranges = unc.Ranges()
    with ThreadPoolExecutor(max_workers=1) as pool:  # the deterministic analyses run meanwhile
        pending = pool.submit(unc.simulate, scenario, draws=draws, seed=seed, distribution=distribution,
                              ranges=ranges, workers=MC_WORKERS)
        tornado, cases = unc.tornado(scenario, ranges, "npv"), unc.cases(scenario, ranges)
        be, delay = unc.breakeven(scenario), unc.delay_curve(scenario)
        sim = pending.result()
    return Risk(draws, seed, distribution, ranges, tornado, cases, sim, be, delay)


def _freeze(obj: Any, seen: set[int] | None = None) -> None:
    """Make every numpy array reachable from ``obj`` read-only (through dataclass fields, lists,
    tuples and dict values), so no caller of the memo can change another's results."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        obj.flags.writeable = False
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            _freeze(getattr(obj, f.name), seen)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            _freeze(item, seen)
    elif isinstance(obj, dict):
        for item in obj.values():
            _freeze(item, seen)


def clear_risk_memo() -> None:
    """Forget remembered risk analyses (benchmarks time the first export of a scenario)."""
    _risk.cache_clear()


@dataclass(frozen=True)
class Analyses:
    scores: pd.DataFrame | None = None  # roi.prioritization.score_table
    plan: Any = None  # roi.plan.Plan: the recommended plan
    test_plan: Any = None  # roi.experiments.TestPlan
    risk: Risk | None = None  # roi.uncertainty at the Risk page's defaults
    resource: str = "effort"  # the scores' resource cost (roi.prioritization.resource_axis)
    resource_note: str | None = None  # why it is not the scenario's cost axis


def run_analyses(scenario: Scenario, case: BusinessCase, *, risk: bool = True) -> Analyses:
    """Prioritization lens, the recommended plan, test plan and (``risk``) the risk analyses."""
    from .. import prioritization as pr  # imported on use: ``import roi.export`` stays light
    from ..delay import cost_of_delay_per_month
    from ..experiments import plan_tests
    from ..plan import recommend

    with ThreadPoolExecutor(max_workers=1) as pool:  # numpy (risk) alongside pure Python (the rest)
        pending = pool.submit(risk_analyses, scenario) if risk else None
        p = scenario.plan
        resource, note = pr.resource_axis(case, p.cost_axis)
        scores = pr.score_table(case, cost_of_delay_per_month(scenario), method=p.lens, impact=p.impact,
                                resource=resource)
        plan = recommend(scenario, case=case)
        tests = plan_tests(scenario)
        r = pending.result() if pending is not None else None
    return Analyses(scores, plan, tests, r, resource.value, note)


@dataclass(frozen=True)
class Table:
    """One table of a value sheet, and one CSV file."""

    name: str  # CSV file stem
    frame: pd.DataFrame
    heading: str = ""  # shown above the table on its sheet
    formats: dict[str, str | list[str]] = field(default_factory=dict)  # column → Excel number format,
    #                                       or one format per row; other columns: see xlsx._column_format


@dataclass(frozen=True)
class Sheet:
    """A workbook sheet of values (not formulas): a note saying what it is, then its tables."""

    title: str
    note: str
    tables: list[Table]


PRIORITY_COLUMNS = ["rank", "initiative", "quadrant", "outcome", "evidence", "npv", "incremental_profit",
                    "total_cost", "effort_fte_months", "reach", "uplift", "confidence", "cost_of_delay",
                    "duration_months", "score"]
TEST_COLUMNS = ["initiative", "lever", "evidence", "metric", "unit", "eligible", "baseline", "expected_uplift",
                "testable", "n_per_variant", "days", "weeks", "within_horizon", "mde_2_weeks", "mde_4_weeks",
                "start_day", "readout_day", "reason"]


def analysis_sheets(scenario: Scenario, case: BusinessCase, analyses: Analyses | None = None) -> list[Sheet]:
    """The value sheets of every analysis available, in workbook order."""
    a = run_analyses(scenario, case) if analyses is None else analyses
    out: list[Sheet] = []
    if a.plan is not None:
        p = a.plan
        out.append(Sheet("Plan", f"{VALUES_NOTE} The recommended plan (as on the Prioritization page): the "
                         f"initiatives and order with the highest risk-adjusted NPV under {p.constraints.capacity_fte:g} "
                         f"FTEs per quarter{_budget_text(p.constraints)}; each launches at the later of its own "
                         f"months to launch and the month the team has built it. Plan NPV {p.plan_npv:,.0f}, as "
                         f"planned {p.as_planned_npv:,.0f} ({scenario.settings.currency}, shared costs included). "
                         f"Search: {p.method}. Quarters count from 1. Reproduce: python -m roi plan FILE --json.",
                         [Table("plan", p.table().drop(columns=["order"]),
                                formats={"npv": money_format(scenario.settings.currency),
                                         "start_month": "0.0", "launch_month": "0.0"})]))
    if a.scores is not None:
        cols = [c for c in PRIORITY_COLUMNS if c in a.scores.columns]
        out.append(Sheet("Prioritization", f"{VALUES_NOTE} A lens that explains the plan: ranked by "
                         f"{scenario.plan.lens.replace('_', ' ')}; quadrant from the portfolio medians (on a line "
                         "counts as high impact / low cost)." + (f" {a.resource_note}" if a.resource_note else ""),
                         [Table("prioritization", a.scores[cols])]))
    if a.test_plan is not None:
        df = a.test_plan.to_frame()
        cols = [c for c in TEST_COLUMNS if c in df.columns]
        out.append(Sheet("Test plan", f"{VALUES_NOTE} A/B test per initiative (generic vs personalized), "
                         f"α = {a.test_plan.alpha:g}, power {a.test_plan.power:g}, longest acceptable test "
                         f"{a.test_plan.horizon_days:g} days.",
                         [Table("test_plan", df[cols])]))
    if a.risk is not None:
        out += risk_sheets(a.risk, scenario.settings.currency)
    return out


def _budget_text(c: Any) -> str:
    parts = []
    if c.budget_one_time is not None:
        parts.append(f"one-time cost within {c.budget_one_time:,.0f}")
    if c.budget_year1 is not None:
        parts.append(f"year-1 cost within {c.budget_year1:,.0f}")
    return (", " + " and ".join(parts)) if parts else ""


def analysis_tables(scenario: Scenario, case: BusinessCase,
                    analyses: Analyses | None = None) -> dict[str, pd.DataFrame]:
    """CSV file stem → table, for every table of :func:`analysis_sheets`."""
    return {t.name: t.frame for s in analysis_sheets(scenario, case, analyses) for t in s.tables}


# --------------------------------------------------------------------------- risk sheets

def _mc_rows(r: Risk, currency: str) -> tuple[pd.DataFrame, list[str]]:
    """``simulate --json`` as (key, statistic, value, unit) rows, and one number format per row."""
    s = r.simulation.summary()
    money, frac, months = money_format(currency), PERCENT, "#,##0.0"
    spec = [
        ("draws", "Draws", "", NUMBER), ("seed", "Seed", "", "0"), ("distribution", "Distribution", "", ""),
        ("currency", "Currency", "", ""),
        ("base_npv", "NPV with every driver at base, before risk adjustment", currency, money),
        ("risk_adjusted_npv", "Headline NPV, risk-adjusted (TEI)", currency, money),
        ("risk_adjusted_npv_percentile", "Percentile of the distribution at the headline NPV", "percent (0–100)",
         "0.0"),
        ("correlation", "Correlation between uplifts (ρ)", "0–1", "0.00"),
        ("npv_mean", "NPV, mean of the draws", currency, money),
        ("npv_std", "NPV, standard deviation", currency, money),
        ("npv_p10", "NPV P10 (10% of draws are lower)", currency, money),
        ("npv_p50", "NPV P50 (median)", currency, money),
        ("npv_p90", "NPV P90 (10% of draws are higher)", currency, money),
        ("prob_npv_negative", "Chance of losing money, P(NPV < 0)", "fraction", frac),
        ("roi_p10", "ROI P10", "fraction; blank: undefined", frac),
        ("roi_p50", "ROI P50", "fraction; blank: undefined", frac),
        ("roi_p90", "ROI P90", "fraction; blank: undefined", frac),
        ("payback_months_p10", "Payback P10", "months; blank: not within the horizon", months),
        ("payback_months_p50", "Payback P50", "months; blank: not within the horizon", months),
        ("payback_months_p90", "Payback P90", "months; blank: not within the horizon", months),
        ("prob_payback_within_horizon", "Chance of paying back within the horizon", "fraction", frac),
        ("r_squared", "NPV variance a linear model in the drivers explains (R²)", "fraction", "0.000"),
    ]
    frame = pd.DataFrame([{"key": k, "statistic": label, "value": s[k], "unit": unit} for k, label, unit, _ in spec],
                         columns=["key", "statistic", "value", "unit"])
    return frame, [f for *_, f in spec]


def risk_sheets(r: Risk, currency: str) -> list[Sheet]:
    """Sensitivity, Monte Carlo, Breakeven and Cost of delay: the Risk page's tables as values."""
    from ..uncertainty import PROGRAMME

    money = money_format(currency)
    t = r.tornado
    tornado = pd.DataFrame([row.as_dict() for row in t.rows],
                           columns=["driver", "label", "unit", "value_low", "value_base", "value_high", "npv_low",
                                    "npv_high", "swing", "roi_low", "roi_high", "roi_swing"])
    by_unit = [UNIT_FORMAT.get(u, "0.0000") for u in tornado["unit"]]
    cases = pd.DataFrame(r.cases.summary(), columns=["case", "npv", "roi", "irr", "payback_months"])
    c = r.cases
    case_drivers = pd.DataFrame(
        [{"driver": d.key, "label": d.label, "unit": d.unit, "pessimistic": float(p), "base": d.base,
          "optimistic": float(o)} for d, p, o in zip(c.drivers, c.pessimistic_values, c.optimistic_values)],
        columns=["driver", "label", "unit", "pessimistic", "base", "optimistic"])
    sensitivity = Sheet("Sensitivity", f"{VALUES_NOTE} Programme NPV and ROI (before risk adjustment — the ranges are "
                        f"the risk; {currency}) when one "
                        "driver moves from its low to its high value, every other driver at base; largest NPV "
                        "swing first. Uplift ranges as stated on the Assumptions sheet; the other ranges are the "
                        f"tool's assumed defaults, as on the app's Risk page: {r.ranges_text()}. Reproduce: "
                        "python -m roi sensitivity FILE --json (same columns).", [
        Table("sensitivity_tornado", tornado, "Tornado: NPV swing per driver, low → high",
              {"value_low": by_unit, "value_base": by_unit, "value_high": by_unit, "npv_low": money,
               "npv_high": money, "swing": money, "roi_low": PERCENT, "roi_high": PERCENT, "roi_swing": PERCENT}),
        Table("sensitivity_cases", cases, "Pessimistic, base and optimistic cases (every driver at its worse / "
              "better end at once — deliberately extreme)",
              {"npv": money, "roi": PERCENT, "irr": PERCENT, "payback_months": "#,##0.0"}),
        Table("sensitivity_case_drivers", case_drivers, "Driver values in the cases",
              {k: [UNIT_FORMAT.get(u, "0.0000") for u in case_drivers["unit"]]
               for k in ("pessimistic", "base", "optimistic")}),
    ])

    sim = r.simulation
    summary, row_formats = _mc_rows(r, currency)
    shares = pd.DataFrame([{"driver": x.driver, "label": x.label, "src": x.src, "share": x.share}
                           for x in sim.contributions], columns=["driver", "label", "src", "share"])
    dist = "PERT" if r.distribution == "pert" else r.distribution
    monte_carlo = Sheet("Monte Carlo", f"{VALUES_NOTE} {r.draws:,} draws, seed {r.seed}, {dist} distributions over "
                        "each driver's low / base / high (the ranges on the Sensitivity sheet), before risk "
                        f"adjustment, uplifts correlated ρ = {sim.correlation:g} through a common factor, other "
                        "drivers independent — the Risk page's defaults. The headline risk-adjusted NPV sits at "
                        f"percentile {sim.risk_adjusted_npv_percentile:.0f} of this distribution. Reproduce: "
                        f"{r.simulate_command} (column key: that command's JSON keys). Payback percentiles "
                        "count 'not within the horizon' as the longest.", [
        Table("monte_carlo_summary", summary, "Programme NPV, ROI and payback over the draws",
              {"value": row_formats}),
        Table("monte_carlo_variance_shares", shares, "Share of NPV variance each input explains "
              "(standardised regression coefficient src; share = src² / Σ src²)", {"src": "0.000", "share": PERCENT}),
    ])

    be = pd.DataFrame([b.as_dict() for b in r.breakeven],
                      columns=["name", "npv", "base_uplift", "breakeven_uplift", "uplift_margin", "pv_benefits",
                               "pv_costs", "breakeven_cost_multiplier", "cost_margin", "method"])
    uplift_fmt = [MULTIPLIER if k == len(be) - 1 else PERCENT for k in range(len(be))]
    breakeven = Sheet("Breakeven", f"{VALUES_NOTE} Uplift (and cost) at which NPV = 0, every other input at base. "
                      "Initiatives: their own risk-adjusted NPV without the shared programme costs, uplift as a "
                      f"fraction. {PROGRAMME} (last row): shared costs included, uplift a multiplier on every "
                      "initiative's uplift (×1 = base). Blank breakeven: not reachable within the uplift bound. "
                      "Margins: how far the uplift may fall, or the costs rise, before NPV < 0 (negative: the "
                      "base case is below breakeven). Reproduce: python -m roi breakeven FILE --json.", [
        Table("breakeven", be, "", {"npv": money, "base_uplift": uplift_fmt, "breakeven_uplift": uplift_fmt,
                                    "uplift_margin": PERCENT, "pv_benefits": money, "pv_costs": money,
                                    "breakeven_cost_multiplier": "0.00", "cost_margin": PERCENT}),
    ])

    d = r.delay
    per_month = pd.DataFrame([{"initiative": n, "cost_per_month": v} for n, v in d.cost_per_month.items()]
                             + [{"initiative": PROGRAMME, "cost_per_month": d.programme_cost_per_month}],
                             columns=["initiative", "cost_per_month"])
    curve_cols = ["months_delay", "programme_npv"] + list(d.names)
    curve = pd.DataFrame([[float(m), float(p), *map(float, row)]
                          for m, p, row in zip(d.months, d.programme_npv, d.initiative_npv)], columns=curve_cols)
    delay = Sheet("Cost of delay", f"{VALUES_NOTE} Delaying the start moves every launch later with the horizon "
                  "fixed; one-time and shared programme costs stay where they are, so the programme loses the "
                  f"sum of its initiatives' losses. Risk-adjusted NPV in {currency}. Reproduce: "
                  "python -m roi delay FILE --json.", [
        Table("cost_of_delay", per_month, "NPV forgone by the first month of delay, per initiative",
              {"cost_per_month": money}),
        Table("cost_of_delay_npv_by_start_month", curve, "NPV by the month the start is delayed to "
              "(columns after programme_npv: each initiative)",
              {c: (NUMBER if c == "months_delay" else money) for c in curve_cols}),
    ])
    return [sensitivity, monte_carlo, breakeven, delay]
