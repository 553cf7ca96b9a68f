"""Hypothesis strategies for valid scenarios (kept in one place, as numpy-financial does).

:func:`scenario_dicts` draws version-2 scenarios with every model rule and input varied;
:func:`v1_scenario_dicts` draws the version-1 shape (no ``schema_version``, one flat benefit risk),
as files made before version 2 look.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

import roi
from roi.schema import Scenario

fractions = st.floats(0, 1, allow_nan=False)
money = st.floats(0, 1e6, allow_nan=False)
uplifts = st.floats(-0.5, 2.0, allow_nan=False)
LEVERS = ["conversion_rate", "order_value", "purchase_frequency", "retention", "cost_saving"]
EVIDENCE = ["assumed", "benchmark", "measured"]


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
def initiatives(draw: st.DrawFn, k: int, segment_names: list[str], v2: bool = True) -> dict[str, Any]:
    lever = draw(st.sampled_from(LEVERS))
    base = draw(uplifts)
    out = {
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
        "effort_fte_months": draw(st.floats(0, 100)),
        "evidence": {"kind": draw(st.sampled_from(EVIDENCE))},
    }
    if v2:
        out["requires_identity"] = draw(st.booleans())
        out["effect_decay"] = draw(st.floats(0, 0.9))
        out["benefit_risk"] = draw(st.one_of(st.none(), fractions))
    return out


def _process(draw: st.DrawFn, v2: bool) -> dict[str, Any]:
    score = st.integers(1, 5)
    out = {
        "alignment": draw(score),
        "test_and_learn": draw(score),
        "feedback_loop": draw(score),
        "governance": draw(score),
        "team_annual_cost": draw(money),
        "platform_one_time_cost": draw(money),
    }
    if v2:
        out["fte_month_cost"] = draw(st.floats(0, 20_000))
    return out


@st.composite
def scenario_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A valid version-2 scenario: every rule and new input drawn too."""
    segs = [draw(segments(k)) for k in range(draw(st.integers(1, 3)))]
    names = [s["name"] for s in segs]
    inis = [draw(initiatives(k, names)) for k in range(draw(st.integers(1, 4)))]
    out = {
        "schema_version": 2,
        "settings": {
            "name": "generated",
            "currency": "USD",
            "horizon_years": draw(st.integers(1, 6)),
            "discount_rate": draw(st.floats(0, 0.3)),
            "benefit_risk_assumed": draw(st.floats(0, 0.5)),
            "benefit_risk_benchmark": draw(st.floats(0, 0.5)),
            "benefit_risk_measured": draw(st.floats(0, 0.5)),
            "cost_risk": draw(st.floats(0, 0.5)),
            "retention_timing": draw(st.sampled_from(["mid_year", "start_of_year"])),
            "lever_combination": draw(st.sampled_from(["multiplicative", "additive"])),
            "include_beyond_horizon": draw(st.booleans()),
            "realise_measured_uplift": draw(st.booleans()),
        },
        "segments": segs,
        "process": _process(draw, True),
        "initiatives": inis,
    }
    if draw(st.booleans()):
        out["calibration"] = {
            "factor": draw(st.floats(0, 2)), "test_name": "holdout", "exposed_customers": 1000,
            "holdout_customers": 100, "incremental_revenue_per_customer": 1.0, "ci": [0.5, 1.5],
            "confidence": 0.95, "p_value": 0.01, "claimed_revenue_per_customer": 1.2,
        }
    return out


@st.composite
def v1_scenario_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A valid version-1 scenario as files made before version 2 were (no ``schema_version``)."""
    segs = [draw(segments(k)) for k in range(draw(st.integers(1, 3)))]
    names = [s["name"] for s in segs]
    inis = [draw(initiatives(k, names, v2=False)) for k in range(draw(st.integers(1, 4)))]
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
        "process": _process(draw, False),
        "initiatives": inis,
    }


def scenarios() -> st.SearchStrategy[Scenario]:
    return scenario_dicts().map(roi.parse_scenario)
