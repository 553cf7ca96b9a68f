"""The business-case model against values worked out by hand (arithmetic in the comments)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

import roi
from roi.maturity import assess
from roi.schema import Process

from .factories import SEGMENT, initiative, scenario

# Annuity factor at 10% for years 1–3: 1/1.1 + 1/1.21 + 1/1.331
AF3 = 1 / 1.1 + 1 / 1.21 + 1 / 1.331  # 2.486851990984222


def test_one_segment_case_by_hand():
    # Baseline revenue 100,000/yr; +50% conversion → +50,000 revenue, ×0.5 margin = 25,000 GP.
    # Costs: 20,000 at year 0; 5,000 running + 2,000 campaign a year → net 18,000 a year.
    case = roi.evaluate(scenario())
    np.testing.assert_allclose(case.cash_flows, [-20_000, 18_000, 18_000, 18_000])
    assert case.npv == pytest.approx(-20_000 + 18_000 * AF3)  # 24,763.34
    assert case.npv == pytest.approx(24_763.335837716)
    # ROI = (PV benefits − PV costs) / PV costs = (25,000·AF − (20,000 + 7,000·AF)) / (20,000 + 7,000·AF)
    pv_b, pv_c = 25_000 * AF3, 20_000 + 7_000 * AF3
    assert case.roi == pytest.approx((pv_b - pv_c) / pv_c)  # 0.66198
    assert case.payback_months == pytest.approx(12 * 20_000 / 18_000)  # 13.33 months
    # IRR checked against an independent root finder on the same cash flows.
    assert case.irr == pytest.approx(brentq(lambda r: -20_000 + 18_000 * sum((1 + r) ** -t for t in (1, 2, 3)), 0, 5))
    ini = case.initiatives[0]
    assert ini.incremental_revenue == pytest.approx(150_000)
    assert ini.incremental_gross_profit == pytest.approx(75_000)
    assert ini.variable_campaign_cost == pytest.approx(6_000)
    assert ini.revenue_per_campaign_dollar == pytest.approx(25.0)  # 150,000 / 6,000
    assert ini.reachable_customers == pytest.approx(10_000)
    assert case.benefits_by_outcome["growth"] == pytest.approx(75_000)
    assert case.initiative(ini.name) is ini
    with pytest.raises(KeyError, match="'No such initiative'"):
        case.initiative("No such initiative")


def test_programme_npv_of_cash_flows_by_hand_and_sum_of_parts():
    case = roi.evaluate(scenario(process={**_instant(), "team_annual_cost": 3_000, "platform_one_time_cost": 1_000}))
    # Shared programme costs sit outside the initiatives: 18,000 − 3,000 a year, −21,000 at year 0.
    np.testing.assert_allclose(case.cash_flows, [-21_000, 15_000, 15_000, 15_000])
    assert case.npv == pytest.approx(-21_000 + 15_000 * AF3)  # 16,302.78
    assert case.pv_programme_cost == pytest.approx(1_000 + 3_000 * AF3)  # 8,460.56
    assert case.npv == pytest.approx(sum(i.npv for i in case.initiatives) - (1_000 + 3_000 * AF3))


def test_risk_adjustment_reduces_benefits_and_raises_costs():
    # Benefits ×0.9 = 22,500; costs ×1.2: 24,000 at year 0 and 8,400 a year.
    case = roi.evaluate(scenario(benefit_risk=0.1, cost_risk=0.2))
    np.testing.assert_allclose(case.cash_flows, [-24_000, 14_100, 14_100, 14_100])
    assert case.unadjusted_npv == pytest.approx(24_763.335837716)
    assert case.incremental_revenue == pytest.approx(0.9 * 150_000)


def test_launch_delay_and_linear_ramp():
    # Launch at month 6, ramp over 6 months, full realisation. Year 1: live 6 months, effect
    # rising 0→1 over them: average effect 3/12 = 0.25 → revenue 50,000 × 0.25 = 12,500.
    # Year 2 onwards: full effect → 50,000. Running + campaign costs are paid for 6 of 12 months.
    proc = {**_instant(), "ramp_months_fastest": 6, "ramp_months_slowest": 6}
    case = roi.evaluate(scenario([initiative(months_to_launch=6)], process=proc))
    ini = case.initiatives[0]
    np.testing.assert_allclose(ini.revenue, [0, 12_500, 50_000, 50_000])
    np.testing.assert_allclose(ini.cost, [20_000, 3_500, 7_000, 7_000])


def test_maturity_rule():
    assert assess(Process(alignment=1, test_and_learn=1, feedback_loop=1, governance=1)).realisation == 0.5
    m5 = assess(Process(alignment=5, test_and_learn=5, feedback_loop=5, governance=5))
    assert (m5.realisation, m5.ramp_months) == (1.0, 3.0)
    m3 = assess(Process())
    assert (m3.index, m3.realisation, m3.ramp_months) == (0.5, 0.75, 7.5)


def test_maturity_curve_frame_is_the_rule_at_each_index_then_yours():
    # Scores 2, 3, 4, 5 → index (1 + 2 + 3 + 4) / 16 = 0.625; floor 0.5 → realised 0.8125;
    # ramp 12 − 9 × 0.625 = 6.375 months. The curve: 21 points 0, 0.05, … 1, then yours.
    from roi.maturity import curve_frame

    f = curve_frame(Process(alignment=2, test_and_learn=3, feedback_loop=4, governance=5))
    assert len(f) == 22 and list(f.current) == [False] * 21 + [True]
    assert f.maturity_index.iloc[10] == pytest.approx(0.5) and f.realisation.iloc[10] == pytest.approx(0.75)
    assert tuple(f.iloc[-1][["maturity_index", "realisation", "ramp_months"]]) == pytest.approx((0.625, 0.8125, 6.375))


def test_same_lever_same_segment_combines_multiplicatively():
    # Two +10% conversion initiatives on one segment: 1 − 0.9 × 0.9 = 19%, not 20%.
    # Each keeps half: 9.5% of 100,000 = 9,500 a year; 500 a year removed from each.
    two = [
        initiative(name="A", uplift={"low": 0.1, "base": 0.1, "high": 0.1}),
        initiative(name="B", uplift={"low": 0.1, "base": 0.1, "high": 0.1}),
    ]
    case = roi.evaluate(scenario(two))
    for ini in case.initiatives:
        np.testing.assert_allclose(ini.revenue, [0, 9_500, 9_500, 9_500])
        assert ini.overlap_correction == pytest.approx(1_500)
    assert case.overlap_correction == pytest.approx(3_000)


def test_different_levers_do_not_overlap():
    two = [
        initiative(name="A", uplift={"low": 0.1, "base": 0.1, "high": 0.1}),
        initiative(name="B", lever="order_value", uplift={"low": 0.1, "base": 0.1, "high": 0.1}),
    ]
    case = roi.evaluate(scenario(two))
    assert case.overlap_correction == 0
    assert case.incremental_revenue == pytest.approx(2 * 30_000)


def test_retention_lever_by_hand():
    # r = 0.8, +10% → 0.88: each year a further 10,000 × 0.8 × 0.1 = 800 customers stay, and
    # earlier extras survive at 0.8: 800, 1,440, 1,952. Each is worth 10 × 2% × 50 = 10 a year.
    ret = initiative(lever="retention", outcome="retention", uplift={"low": 0.1, "base": 0.1, "high": 0.1})
    case = roi.evaluate(scenario([ret]))
    np.testing.assert_allclose(case.initiatives[0].revenue, [0, 8_000, 14_400, 19_520])


def test_retention_uplift_cannot_push_retention_above_one():
    # r = 0.8: at most +25% (to 1.0). +100% is capped to +25%: 10,000 × 0.8 × 0.25 = 2,000 a year.
    ret = initiative(lever="retention", uplift={"low": 1.0, "base": 1.0, "high": 1.0})
    case = roi.evaluate(scenario([ret], horizon_years=1))
    np.testing.assert_allclose(case.initiatives[0].revenue, [0, 20_000])


def test_cost_saving_lever():
    # 20% of a 100,000 cost base saved a year; no revenue, so no revenue per campaign dollar ratio.
    saver = initiative(lever="cost_saving", outcome="efficiency", segments=[], cost_base=100_000,
                       uplift={"low": 0.2, "base": 0.2, "high": 0.2}, variable_campaign_cost=0)
    ini = roi.evaluate(scenario([saver])).initiatives[0]
    np.testing.assert_allclose(ini.benefit, [0, 20_000, 20_000, 20_000])
    assert ini.incremental_revenue == 0
    assert ini.revenue_per_campaign_dollar is None


def test_only_identifiable_and_consented_customers_are_reached():
    # 60% identifiable × 50% consented × 80% channel reach = 24% of 10,000 customers.
    seg = {**SEGMENT, "identifiable_share": 0.6, "consent_share": 0.5}
    case = roi.evaluate(scenario([initiative(channel_reach=0.8)], segments=[seg]))
    ini = case.initiatives[0]
    assert ini.reachable_customers == pytest.approx(2_400)
    assert ini.incremental_revenue == pytest.approx(3 * 100_000 * 0.5 * 0.24)


def test_content_cost_by_depth():
    # Segment depth on 2 segments: 3 assets × 2 variants × 2 segments × 4 refreshes × (1 − 0.25)
    # reuse × 1,000 per asset = 36,000 a year.
    segs = [SEGMENT, {**SEGMENT, "name": "Other"}]
    ini = initiative(segments=["Everyone", "Other"], depth="segment", content_assets=3,
                     annual_running_cost=0, variable_campaign_cost=0, one_time_cost=0)
    sc = scenario([ini], segments=segs)
    sc = sc.model_copy(update={"content": sc.content.model_copy(update={
        "cost_per_asset_segment": 1_000, "variants_per_asset": 2, "refreshes_per_year": 4, "reuse_rate": 0.25})})
    np.testing.assert_allclose(roi.evaluate(sc).initiatives[0].cost, [0, 36_000, 36_000, 36_000])


def test_zero_cost_roi_is_undefined_not_infinite():
    free = initiative(one_time_cost=0, annual_running_cost=0, variable_campaign_cost=0)
    case = roi.evaluate(scenario([free]))
    assert case.roi is None and case.initiatives[0].roi is None
    assert case.revenue_per_campaign_dollar is None
    assert case.irr is None  # all flows ≥ 0: no sign change
    assert case.payback_months == 0.0


def test_no_payback_within_horizon_and_no_irr_when_all_negative():
    loss = initiative(uplift={"low": 0, "base": 0, "high": 0})
    case = roi.evaluate(scenario([loss]))
    assert case.payback_months is None
    assert case.irr is None
    assert case.npv == pytest.approx(-(20_000 + 7_000 * AF3))


def test_zero_reach_gives_zero_benefit():
    seg = {**SEGMENT, "consent_share": 0.0}
    case = roi.evaluate(scenario([initiative()], segments=[seg]))
    assert case.initiatives[0].reachable_customers == 0
    assert case.incremental_revenue == 0


def test_zero_customers_segment_is_fine():
    seg = {**SEGMENT, "customers": 0}
    case = roi.evaluate(scenario([initiative()], segments=[seg]))
    assert case.incremental_revenue == 0
    assert np.isfinite(case.npv)


def test_tables_and_summary_agree():
    case = roi.evaluate(scenario())
    table = case.cash_flow_table()
    np.testing.assert_allclose(table.loc["Net cash flow"].iloc[:-1], case.cash_flows)
    s = case.summary()
    assert s["npv"] == case.npv
    assert case.initiative_table().loc[0, "npv"] == pytest.approx(s["initiatives"][0]["npv"])


def _instant() -> dict:
    from .factories import INSTANT_PROCESS

    return dict(INSTANT_PROCESS)
