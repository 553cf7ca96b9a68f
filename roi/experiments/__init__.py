"""Experiment planning, result analysis and the feedback loop (no Streamlit here).

* :mod:`.power` — sample size, minimum detectable effect and duration of an A/B test;
* :mod:`.analysis` — two-proportion z-test of a finished test, sample-ratio-mismatch check,
  winner's-curse shrinkage;
* :mod:`.plan` — which initiatives of a scenario can be proven by a test, and when;
* :mod:`.feedback` — a measured result replaces an assumed uplift, with a change record;
* :mod:`.charts` — Altair charts of the above.

Rates are fractions 0–1, effects are relative (0.10 = +10%) unless a name says ``abs``,
durations are in days unless a name says weeks.
"""

from .analysis import ABResult, analyze_ab, results_from_table
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
    "Duration",
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
