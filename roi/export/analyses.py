"""Value tables of the analyses other modules provide, for the workbook, the CSV files and the deck.

Each analysis is optional: when its module is not importable in this installation its table
is left out (the exports still work). These functions only call the analyses' public functions
with the dashboard's defaults; they compute nothing themselves.

* Prioritization — :func:`roi.prioritization.score_table` (value per effort, impact = NPV,
  resource = effort) with :func:`roi.delay.cost_of_delay_per_month`;
* Roadmap — :func:`roi.prioritization.roadmap` under :data:`CAPACITY_FTE` FTEs per quarter
  (the Prioritization page's default);
* Test plan — :func:`roi.experiments.plan_tests` with its defaults (6-week horizon, α = 0.05,
  power 0.8).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..model import BusinessCase
from ..schema import Scenario

CAPACITY_FTE = 6.0  # FTEs per quarter, as the Prioritization page's default


@dataclass(frozen=True)
class Analyses:
    scores: pd.DataFrame | None = None  # roi.prioritization.score_table
    roadmap: Any = None  # roi.prioritization.Roadmap
    test_plan: Any = None  # roi.experiments.TestPlan
    missing: tuple[str, ...] = ()  # analyses left out, with the reason


def run_analyses(scenario: Scenario, case: BusinessCase) -> Analyses:
    scores = roadmap = plan = None
    missing: list[str] = []
    try:
        from .. import prioritization as pr
        from ..delay import cost_of_delay_per_month
    except ImportError as exc:
        missing.append(f"prioritization ({exc})")
    else:
        scores = pr.score_table(case, cost_of_delay_per_month(scenario))
        roadmap = pr.roadmap(case, scores, CAPACITY_FTE)
    try:
        from ..experiments import plan_tests
    except ImportError as exc:
        missing.append(f"test plan ({exc})")
    else:
        plan = plan_tests(scenario)
    return Analyses(scores, roadmap, plan, tuple(missing))


PRIORITY_COLUMNS = ["rank", "initiative", "quadrant", "outcome", "evidence", "npv", "incremental_profit",
                    "total_cost", "effort_fte_months", "reach", "uplift", "confidence", "cost_of_delay",
                    "duration_months", "score"]
TEST_COLUMNS = ["initiative", "lever", "evidence", "metric", "unit", "eligible", "baseline", "expected_uplift",
                "testable", "n_per_variant", "days", "weeks", "within_horizon", "mde_2_weeks", "mde_4_weeks",
                "start_day", "readout_day", "reason"]


def analysis_tables(scenario: Scenario, case: BusinessCase,
                    analyses: Analyses | None = None) -> dict[str, tuple[pd.DataFrame, str]]:
    """Sheet title → (DataFrame, note) for every analysis available."""
    a = run_analyses(scenario, case) if analyses is None else analyses
    out: dict[str, tuple[pd.DataFrame, str]] = {}
    if a.scores is not None:
        cols = [c for c in PRIORITY_COLUMNS if c in a.scores.columns]
        out["Prioritization"] = (a.scores[cols], "Ranked by value per effort (NPV per FTE-month); quadrant from the "
                                 "portfolio medians. Values as exported, not formulas.")
    if a.roadmap is not None:
        out["Roadmap"] = (a.roadmap.table(), f"Greedy schedule in rank order under {CAPACITY_FTE:g} FTEs per "
                          "quarter; quarters count from 0 (the first quarter of year 1). Values as exported.")
    if a.test_plan is not None:
        df = a.test_plan.to_frame()
        cols = [c for c in TEST_COLUMNS if c in df.columns]
        out["Test plan"] = (df[cols], f"A/B test per initiative (generic vs personalized), α = {a.test_plan.alpha:g}, "
                            f"power {a.test_plan.power:g}, longest acceptable test {a.test_plan.horizon_days:g} days. "
                            "Values as exported.")
    return out
