"""Small scenarios built in code, for tests whose expected values are worked out by hand."""

from __future__ import annotations

import copy
from typing import Any

import roi
from roi.schema import Scenario

# One segment worth 10,000 × 10 visits × 2% × 50 = 100,000 of revenue a year.
SEGMENT: dict[str, Any] = {
    "name": "Everyone",
    "customers": 10_000,
    "visits_per_customer": 10,
    "baseline_conversion_rate": 0.02,
    "average_order_value": 50,
    "gross_margin": 0.5,
    "retention_rate": 0.8,
    "identifiable_share": 1.0,
    "consent_share": 1.0,
}

# Maturity 5 everywhere and no ramp: the full uplift from day one, so hand arithmetic is easy.
INSTANT_PROCESS: dict[str, Any] = {
    "alignment": 5,
    "test_and_learn": 5,
    "feedback_loop": 5,
    "governance": 5,
    "ramp_months_fastest": 0,
}


def initiative(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "Recommendations",
        "outcome": "growth",
        "lever": "conversion_rate",
        "segments": ["Everyone"],
        "uplift": {"low": 0.5, "base": 0.5, "high": 0.5},
        "one_time_cost": 20_000,
        "annual_running_cost": 5_000,
        "variable_campaign_cost": 2_000,
    }
    base.update(overrides)
    return base


def scenario_dict(
    initiatives: list[dict[str, Any]] | None = None,
    segments: list[dict[str, Any]] | None = None,
    process: dict[str, Any] | None = None,
    **settings: Any,
) -> dict[str, Any]:
    return {
        "settings": {"name": "Hand-checked case", "currency": "EUR", **settings},
        "segments": copy.deepcopy(segments or [SEGMENT]),
        "process": dict(process if process is not None else INSTANT_PROCESS),
        "initiatives": copy.deepcopy(initiatives or [initiative()]),
    }


def scenario(
    initiatives: list[dict[str, Any]] | None = None,
    segments: list[dict[str, Any]] | None = None,
    process: dict[str, Any] | None = None,
    **settings: Any,
) -> Scenario:
    return roi.parse_scenario(scenario_dict(initiatives, segments, process, **settings))
