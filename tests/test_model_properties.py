"""Invariants of the model, stated in words and checked on generated scenarios (Hypothesis)."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import roi
from roi.schema import UpliftRange

from .strategies import scenarios

SETTINGS = settings(max_examples=60, deadline=None)


def _with_uplift(scenario, index: int, value: float):
    inis = list(scenario.initiatives)
    inis[index] = inis[index].model_copy(update={"uplift": UpliftRange(low=value, base=value, high=value)})
    return scenario.model_copy(update={"initiatives": inis})


def _tol(*values: float) -> float:
    return 1e-9 * max(1.0, *(abs(v) for v in values))


@SETTINGS
@given(scenarios())
def test_zero_uplift_gives_zero_revenue_and_npv_is_minus_pv_costs(sc):
    for k in range(len(sc.initiatives)):
        sc = _with_uplift(sc, k, 0.0)
    case = roi.evaluate(sc)
    assert case.incremental_revenue == 0
    assert case.npv == pytest.approx(-case.pv_costs, rel=1e-9, abs=1e-6)


@SETTINGS
@given(scenarios(), st.data())
def test_more_uplift_never_lowers_unadjusted_npv(sc, data):
    """Raising one initiative's uplift never lowers the NPV before risk adjustment (overlapping
    initiatives combine as 1 − Π(1 − g), which rises in every g)."""
    k = data.draw(st.integers(0, len(sc.initiatives) - 1))
    extra = data.draw(st.floats(0, 3))
    before = roi.evaluate(sc).unadjusted_npv
    new = min(sc.initiatives[k].uplift.base + extra, 10)
    after = roi.evaluate(_with_uplift(sc, k, new)).unadjusted_npv
    assert after >= before - _tol(before, after)


@SETTINGS
@given(scenarios(), st.data(), st.floats(0, 1))
def test_more_uplift_never_lowers_npv_when_initiatives_share_one_benefit_risk(sc, data, risk):
    """With one benefit risk for every initiative, raising an uplift never lowers the risk-adjusted
    NPV either. (With different risks it can: initiatives on the same lever and segment share the
    customers they win, so more uplift on a riskier initiative moves value to it — the README's
    "How the model works" says so.)"""
    sc = sc.model_copy(update={"initiatives": [i.model_copy(update={"benefit_risk": risk}) for i in sc.initiatives]})
    k = data.draw(st.integers(0, len(sc.initiatives) - 1))
    extra = data.draw(st.floats(0, 3))
    before = roi.evaluate(sc).npv
    new = min(sc.initiatives[k].uplift.base + extra, 10)
    after = roi.evaluate(_with_uplift(sc, k, new)).npv
    assert after >= before - _tol(before, after)


def test_more_uplift_on_a_riskier_overlapping_initiative_can_lower_npv():
    """The documented exception, by hand: one segment (1 customer, 1 visit, conversion 50 %, order
    value 1, margin 100 %), two conversion initiatives. I1 (risk 0) alone at +50 % adds
    0.5 × 0.5 = 0.25 of revenue. Add I0 (risk 100 %) at +50 %: combined 1 − 0.5² = 75 %, shared
    equally, so I1 keeps 0.375 × 0.5 = 0.1875 and I0's equal share is fully risked away."""
    seg = {"name": "S", "customers": 1, "visits_per_customer": 1, "baseline_conversion_rate": 0.5,
           "average_order_value": 1, "gross_margin": 1, "retention_rate": 0, "identifiable_share": 1,
           "consent_share": 1}
    def ini(name, uplift, risk):
        return {"name": name, "outcome": "growth", "lever": "conversion_rate", "segments": ["S"], "channel_reach": 1,
                "requires_identity": False, "uplift": {"low": uplift, "base": uplift, "high": uplift},
                "benefit_risk": risk, "one_time_cost": 0, "annual_running_cost": 0}
    base = {"schema_version": 2, "settings": {"name": "x", "horizon_years": 1, "discount_rate": 0,
                                              "retention_timing": "start_of_year"},
            "process": {"alignment": 5, "test_and_learn": 5, "feedback_loop": 5, "governance": 5,
                        "realisation_floor": 1, "ramp_months_fastest": 0, "ramp_months_slowest": 0},
            "segments": [seg]}
    alone = roi.evaluate(roi.parse_scenario({**base, "initiatives": [ini("I0", 0.0, 1.0), ini("I1", 0.5, 0.0)]}))
    both = roi.evaluate(roi.parse_scenario({**base, "initiatives": [ini("I0", 0.5, 1.0), ini("I1", 0.5, 0.0)]}))
    assert alone.unadjusted_npv == pytest.approx(0.25) and both.unadjusted_npv == pytest.approx(0.375)
    assert alone.npv == pytest.approx(0.25) and both.npv == pytest.approx(0.1875)


@SETTINGS
@given(scenarios(), st.floats(0, 0.5), st.floats(0, 0.5))
def test_higher_risk_adjustment_never_raises_npv(sc, more_benefit_risk, more_cost_risk):
    """Raising every benefit risk (by evidence and each override) and the cost risk never raises NPV."""
    s = sc.settings
    update = {f"benefit_risk_{k}": min(1.0, getattr(s, f"benefit_risk_{k}") + more_benefit_risk)
              for k in ("assumed", "benchmark", "measured")}
    update["cost_risk"] = min(1.0, s.cost_risk + more_cost_risk)
    inis = [i.model_copy(update={"benefit_risk": None if i.benefit_risk is None
                                 else min(1.0, i.benefit_risk + more_benefit_risk)}) for i in sc.initiatives]
    riskier = sc.model_copy(update={"settings": s.model_copy(update=update), "initiatives": inis})
    before, after = roi.evaluate(sc).npv, roi.evaluate(riskier).npv
    assert after <= before + _tol(before, after)


@SETTINGS
@given(scenarios(), st.sampled_from(["assumed", "benchmark", "measured"]), st.floats(0, 1))
def test_risk_by_evidence_never_raises_npv_above_no_risk(sc, kind, rate):
    """Any benefit risk for any evidence kind leaves NPV at or below the unadjusted NPV."""
    s = sc.settings.model_copy(update={f"benefit_risk_{kind}": rate})
    case = roi.evaluate(sc.model_copy(update={"settings": s}))
    assert case.npv <= case.unadjusted_npv + _tol(case.npv, case.unadjusted_npv)


@SETTINGS
@given(scenarios())
def test_opting_out_of_value_beyond_the_horizon_never_changes_npv_otherwise(sc):
    """Not counting the value beyond the horizon gives NPV = operating NPV; counting it adds exactly
    its PV, and it never changes the cash flows or payback."""
    off = roi.evaluate(sc.model_copy(update={"settings": sc.settings.model_copy(
        update={"include_beyond_horizon": False})}))
    on = roi.evaluate(sc.model_copy(update={"settings": sc.settings.model_copy(
        update={"include_beyond_horizon": True})}))
    rate = sc.settings.discount_rate
    operating = sum(cf / (1 + rate) ** t for t, cf in enumerate(off.cash_flows))
    assert off.npv == pytest.approx(operating, rel=1e-9, abs=_tol(operating))
    assert on.npv == pytest.approx(off.npv + on.beyond_horizon_value, rel=1e-9, abs=_tol(on.npv, off.npv))
    np.testing.assert_allclose(on.cash_flows, off.cash_flows)
    assert on.payback_months == off.payback_months
    assert on.beyond_horizon_value == pytest.approx(off.beyond_horizon_value)


@SETTINGS
@given(scenarios())
def test_programme_npv_equals_npv_of_cash_flows_and_sum_of_parts(sc):
    case = roi.evaluate(sc)
    rate = sc.settings.discount_rate
    # Year 0 undiscounted, year t divided by (1 + rate)^t — written out, not the model's npv().
    discounted = [cf / (1 + rate) ** t for t, cf in enumerate(case.cash_flows)]
    counted = case.beyond_horizon_value if case.include_beyond_horizon else 0.0
    assert case.npv == pytest.approx(sum(discounted) + counted, rel=1e-9,
                                     abs=_tol(sum(map(abs, discounted)), counted))
    pv_programme = npf.npv(rate, case.programme_cost)
    assert case.pv_programme_cost == pytest.approx(pv_programme, rel=1e-9, abs=1e-6)
    assert case.npv == pytest.approx(sum(i.npv for i in case.initiatives) - pv_programme, rel=1e-9, abs=1e-6)


@SETTINGS
@given(scenarios())
def test_overlap_never_adds_revenue_for_positive_uplifts(sc):
    assume(all(ini.uplift.base >= 0 for ini in sc.initiatives))
    case = roi.evaluate(sc)
    assert case.overlap_correction >= -1e-6
    assert all(np.isfinite(i.npv) for i in case.initiatives)
