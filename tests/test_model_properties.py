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
def test_more_uplift_never_lowers_npv(sc, data):
    k = data.draw(st.integers(0, len(sc.initiatives) - 1))
    extra = data.draw(st.floats(0, 3))
    before = roi.evaluate(sc).npv
    new = min(sc.initiatives[k].uplift.base + extra, 10)
    after = roi.evaluate(_with_uplift(sc, k, new)).npv
    assert after >= before - _tol(before, after)


@SETTINGS
@given(scenarios(), st.floats(0, 0.5), st.floats(0, 0.5))
def test_higher_risk_adjustment_never_raises_npv(sc, more_benefit_risk, more_cost_risk):
    s = sc.settings
    riskier = sc.model_copy(update={"settings": s.model_copy(update={
        "benefit_risk": min(1.0, s.benefit_risk + more_benefit_risk),
        "cost_risk": min(1.0, s.cost_risk + more_cost_risk)})})
    before, after = roi.evaluate(sc).npv, roi.evaluate(riskier).npv
    assert after <= before + _tol(before, after)


@SETTINGS
@given(scenarios())
def test_programme_npv_equals_npv_of_cash_flows_and_sum_of_parts(sc):
    case = roi.evaluate(sc)
    rate = sc.settings.discount_rate
    # Year 0 undiscounted, year t divided by (1 + rate)^t — written out, not the model's npv().
    discounted = [cf / (1 + rate) ** t for t, cf in enumerate(case.cash_flows)]
    assert case.npv == pytest.approx(sum(discounted), rel=1e-9, abs=_tol(sum(map(abs, discounted))))
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
