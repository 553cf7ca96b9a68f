"""Experiment planning, result analysis and the feedback loop (no Streamlit here).

* :mod:`.power` — sample size, minimum detectable effect and duration of an A/B test;
* :mod:`.analysis` — two-proportion z-test of a finished test, sample-ratio-mismatch check,
  winner's-curse shrinkage;
* :mod:`.plan` — which initiatives of a scenario can be proven by a test, and when;
* :mod:`.feedback` — a measured result replaces an assumed uplift, with a change record;
* :mod:`.sequential` — group-sequential designs: Lan–DeMets boundaries, maximum sample size;
* :mod:`.cuped` — variance reduction with a pre-period covariate, for planning and analysis;
* :mod:`.design_effect` — the unit of randomisation: customers randomised, visits counted;
* :mod:`.history` — baseline, traffic and weekly pattern from a daily traffic CSV;
* :mod:`.planner` — one test plan: the above applied to a fixed-design sample size;
* :mod:`.holdout` — a global holdout that measures the whole programme, and its calibration;
* :mod:`.portfolio` — the winner's curse across the set of applied results;
* :mod:`.uploads` — bounded CSV reading with messages that count and show bad rows;
* :mod:`.charts` — Altair charts of the above.

Rates are fractions 0–1, effects are relative (0.10 = +10%) unless a name says ``abs``,
durations are in days unless a name says weeks.
"""

from .analysis import ABResult, analyze_ab, results_from_table
from .cuped import CupedComparison, compare_means, variance_factor
from .design_effect import cluster_design_effect, ratio_design_effect
from .history import TrafficHistory, read_history, weekly_duration
from .holdout import (
    HoldoutDesign,
    HoldoutReadout,
    analyze_holdout,
    analyze_holdout_customers,
    apply_holdout,
    check_claim,
    claimed_revenue,
    plan_holdout,
)
from .planner import TestDesignPlan, plan_test
from .portfolio import cumulative_measured_lift, debias_applied
from .feedback import apply_result
from .plan import InitiativeTest, TestPlan, plan_tests
from .power import (
    METHODS,
    Duration,
    SampleSize,
    DetectableEffect,
    detectable_effect,
    detectable_effect_continuous,
    duration,
    power_at,
    sample_size,
    sample_size_continuous,
    sample_size_curve,
)

__all__ = [
    "ABResult",
    "CupedComparison",
    "Duration",
    "HoldoutDesign",
    "HoldoutReadout",
    "TestDesignPlan",
    "TrafficHistory",
    "analyze_holdout",
    "analyze_holdout_customers",
    "apply_holdout",
    "check_claim",
    "claimed_revenue",
    "cluster_design_effect",
    "compare_means",
    "cumulative_measured_lift",
    "debias_applied",
    "plan_holdout",
    "plan_test",
    "ratio_design_effect",
    "read_history",
    "variance_factor",
    "weekly_duration",
    "InitiativeTest",
    "METHODS",
    "SampleSize",
    "TestPlan",
    "analyze_ab",
    "apply_result",
    "DetectableEffect",
    "detectable_effect",
    "detectable_effect_continuous",
    "duration",
    "plan_tests",
    "power_at",
    "results_from_table",
    "sample_size",
    "sample_size_continuous",
    "sample_size_curve",
]
