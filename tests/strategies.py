"""Hypothesis strategies for valid scenarios (kept in one place, as numpy-financial does)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

import roi
from roi.schema import Scenario

fractions = st.floats(0, 1, allow_nan=False)
money = st.floats(0, 1e6, allow_nan=False)
uplifts = st.floats(-0.5, 2.0, allow_nan=False)
LEVERS = ["conversion_rate", "order_value", "purchase_frequency", "retention", "cost_saving"]


@st.composite
def segments(draw: st.DrawFn, k: int) -> dict[str, Any]:
    return {
        "name": f"S{k}",
        "customers": draw(st.floats(0, 1e6)),
        "visits_per_customer": draw(st.floats(0, 50)),
        "baseline_conversion_rate": draw(fractions),
        "average_order_value": draw(st.floats(0, 500)),
        "gross_margin": draw(fractions),
        "retention_rate": draw(fractions),
        "identifiable_share": draw(fractions),
        "consent_share": draw(fractions),
    }


@st.composite
def initiatives(draw: st.DrawFn, k: int, segment_names: list[str]) -> dict[str, Any]:
    lever = draw(st.sampled_from(LEVERS))
    base = draw(uplifts)
    return {
        "name": f"I{k}",
        "outcome": "growth",
        "lever": lever,
        "segments": []
        if lever == "cost_saving"
        else draw(st.lists(st.sampled_from(segment_names), min_size=1, max_size=3, unique=True)),
        "channel_reach": draw(fractions),
        "uplift": {"low": base, "base": base, "high": base},
        "cost_base": draw(st.floats(1, 1e6)),
        "one_time_cost": draw(money),
        "annual_running_cost": draw(money),
        "variable_campaign_cost": draw(money),
        "months_to_launch": draw(st.floats(0, 30)),
    }


@st.composite
def scenario_dicts(draw: st.DrawFn) -> dict[str, Any]:
    segs = [draw(segments(k)) for k in range(draw(st.integers(1, 3)))]
    names = [s["name"] for s in segs]
    inis = [draw(initiatives(k, names)) for k in range(draw(st.integers(1, 4)))]
    score = st.integers(1, 5)
    return {
        "settings": {
            "name": "generated",
            "currency": "USD",
            "horizon_years": draw(st.integers(1, 6)),
            "discount_rate": draw(st.floats(0, 0.3)),
            "benefit_risk": draw(st.floats(0, 0.5)),
            "cost_risk": draw(st.floats(0, 0.5)),
        },
        "segments": segs,
        "process": {
            "alignment": draw(score),
            "test_and_learn": draw(score),
            "feedback_loop": draw(score),
            "governance": draw(score),
            "team_annual_cost": draw(money),
            "platform_one_time_cost": draw(money),
        },
        "initiatives": inis,
    }


def scenarios() -> st.SearchStrategy[Scenario]:
    return scenario_dicts().map(roi.parse_scenario)
