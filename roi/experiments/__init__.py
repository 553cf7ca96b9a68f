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

from typing import Any

# name → submodule, loaded on first use (scipy and statsmodels are heavy; the CLI's parser and the
# pages that do not test anything should not pay for them). No submodule may share a name it
# exports (tests/test_experiments_package.py).
_WHERE = {
    "ABResult": "analysis",
    "CupedComparison": "cuped",
    "DetectableEffect": "power",
    "Duration": "power",
    "HoldoutDesign": "holdout",
    "HoldoutReadout": "holdout",
    "InitiativeTest": "plan",
    "METHODS": "power",
    "SampleSize": "power",
    "TestDesignPlan": "planner",
    "TestPlan": "plan",
    "TrafficHistory": "history",
    "analyze_ab": "analysis",
    "analyze_holdout": "holdout",
    "analyze_holdout_customers": "holdout",
    "apply_holdout": "holdout",
    "apply_result": "feedback",
    "check_claim": "holdout",
    "claimed_revenue": "holdout",
    "cluster_design_effect": "design_effect",
    "compare_means": "cuped",
    "cumulative_measured_lift": "portfolio",
    "debias_applied": "portfolio",
    "detectable_effect": "power",
    "detectable_effect_continuous": "power",
    "duration": "power",
    "plan_holdout": "holdout",
    "plan_test": "planner",
    "plan_tests": "plan",
    "power_at": "power",
    "ratio_design_effect": "design_effect",
    "read_history": "history",
    "results_from_table": "analysis",
    "sample_size": "power",
    "sample_size_continuous": "power",
    "sample_size_curve": "power",
    "variance_factor": "cuped",
    "weekly_duration": "history",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_WHERE)
