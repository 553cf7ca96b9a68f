"""Scenario test plan (roi.experiments.plan): traffic, days to read out, horizon flag, schedule."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import roi
from roi.experiments import plan_tests
from roi.experiments import power as pw
from roi.experiments.plan import DAYS_PER_MONTH, eligible_traffic

from .factories import SEGMENT, initiative, scenario


def test_eligible_traffic_by_hand():
    # 10,000 customers × 10 visits × (0.8 identifiable × 0.5 consent) × 0.5 reach / 365 = 54.79 visits a day
    seg = SEGMENT | {"identifiable_share": 0.8, "consent_share": 0.5}
    s = scenario([initiative(channel_reach=0.5)], segments=[seg])
    t = eligible_traffic(s).iloc[0]
    assert t.visits_per_day == pytest.approx(10_000 * 10 * 0.4 * 0.5 / 365)
    assert t.orders_per_day == pytest.approx(t.visits_per_day * 0.02)
    assert t.customers == pytest.approx(2_000) and t.conversion == pytest.approx(0.02)


def test_days_to_detect_by_hand():
    # Factory: 100,000 visits a year = 273.97 a day, conversion 2%, uplift +50% → p2 = 3%.
    # Evan Miller: σ0 = √(2×0.02×0.98) = 0.197990, σ1 = √(0.0196 + 0.0291) = 0.220681,
    # n = (1.959964×0.197990 + 0.841621×0.220681)² / 0.01² = (0.388053 + 0.185731)² / 1e-4 = 3292.3 → 3,293
    # days = 3,293 × 2 / 273.97 = 24.04 → within a 6-week horizon.
    t = plan_tests(scenario()).tests[0]
    assert t.n_per_variant == 3293
    assert t.days == pytest.approx(3293 * 2 / (100_000 / 365))
    assert t.days == pytest.approx(24.04, abs=0.01)
    assert t.testable and t.within_horizon and t.reason == ""
    # In two weeks only a larger effect is detectable, in four a smaller one than in two.
    assert t.mde_2_weeks > 0.5 > t.mde_4_weeks
    n14 = 14 * (100_000 / 365) / 2
    assert t.mde_2_weeks == pytest.approx(pw.detectable_effect(0.02, n14).rel_effect)


def test_horizon_flag():
    t = plan_tests(scenario(), horizon_days=14).tests[0]
    assert not t.within_horizon and "beyond the 2-week horizon" in t.reason


def test_short_tests_run_a_full_week():
    big = SEGMENT | {"customers": 1_000_000}
    t = plan_tests(scenario(segments=[big])).tests[0]
    assert t.days < 1 and t.run_days == 7 and "weekly cycle" in t.reason
    assert plan_tests(scenario(segments=[big]), min_days=0).tests[0].run_days == pytest.approx(t.days)


def test_levers_map_to_metrics():
    inis = [
        initiative(name="conv"),
        initiative(name="aov", lever="order_value", uplift={"low": 0.1, "base": 0.1, "high": 0.1}),
        initiative(name="ret", lever="retention", outcome="retention", uplift={"low": 0.05, "base": 0.05, "high": 0.05}),
        initiative(name="save", lever="cost_saving", outcome="efficiency", segments=[], cost_base=1e5),
        initiative(name="flat", uplift={"low": -0.1, "base": 0.0, "high": 0.1}),
    ]
    plan = plan_tests(scenario(inis))
    aov = plan.test("aov")
    # revenue per order: 2,000 orders a year = 5.479 a day; sd = 1.0 × 50; n = 2 (2.801585)² / 0.1² = 1569.8 → 1,570
    assert aov.metric == "revenue per order" and aov.unit == "orders/day"
    assert aov.n_per_variant == pw.sample_size_continuous(50, 50, 0.1).n_per_variant == 1570
    assert aov.days == pytest.approx(1570 * 2 / (2_000 / 365))
    ret = plan.test("ret")
    assert ret.metric == "12-month retention" and ret.days == 365 and not ret.within_horizon
    assert ret.mde_2_weeks is None
    assert not plan.test("save").testable and plan.test("save").days is None
    assert not plan.test("flat").testable and "not positive" in plan.test("flat").reason
    with pytest.raises(KeyError, match="'nope'"):
        plan.test("nope")


def test_retention_needs_enough_customers():
    small = SEGMENT | {"customers": 500}
    ini = initiative(lever="retention", outcome="retention", uplift={"low": 0.01, "base": 0.01, "high": 0.01})
    t = plan_tests(scenario([ini], segments=[small])).tests[0]
    assert not t.testable and "only 500 eligible" in t.reason


def test_no_personalizable_customer_means_no_traffic():
    seg = SEGMENT | {"consent_share": 0.0}
    t = plan_tests(scenario(segments=[seg])).tests[0]
    assert not t.testable and t.eligible == 0 and "no eligible traffic" in t.reason


def test_schedule_respects_capacity_and_launch():
    inis = [initiative(name=f"I{k}", uplift={"low": u, "base": u, "high": u}) for k, u in enumerate([0.5, 0.3, 0.4])]
    inis.append(initiative(name="late", months_to_launch=5.5))
    plan = plan_tests(scenario(inis, process={"tests_per_month": 1}))
    # I0 (+50%) reads out in 24 days and I2 (+40%) in 36; I1 (+30%) needs more than 6 weeks.
    assert plan.test("I0").within_horizon and plan.test("I2").within_horizon
    assert not plan.test("I1").within_horizon
    # One start a month. Order: within-horizon first (I0, I2 at launch 0, then "late"), then I1.
    # I0 → month 0, I2 → month 1, late → first free slot from its launch month 5, starting at 5.5 months;
    # I1 → the earliest free slot, month 2.
    starts = {t.initiative: t.start_day for t in plan.tests}
    assert starts == pytest.approx({"I0": 0.0, "I2": DAYS_PER_MONTH, "late": 5.5 * DAYS_PER_MONTH,
                                    "I1": 2 * DAYS_PER_MONTH})
    for t in plan.tests:
        assert t.readout_day == pytest.approx(t.start_day + t.run_days)


def test_fractional_capacity_spaces_tests_out():
    inis = [initiative(name=f"I{k}") for k in range(3)]
    plan = plan_tests(scenario(inis, process={"tests_per_month": 0.5}))
    assert sorted(t.start_day for t in plan.tests) == pytest.approx([0, 2 * DAYS_PER_MONTH, 4 * DAYS_PER_MONTH])


def test_no_capacity_schedules_nothing():
    plan = plan_tests(scenario(process={"tests_per_month": 0}))
    assert plan.tests[0].start_day is None and plan.notes


def test_invalid_settings():
    with pytest.raises(ValueError, match="^horizon_days:"):
        plan_tests(scenario(), horizon_days=0)
    with pytest.raises(ValueError, match="^allocation:"):
        plan_tests(scenario(), allocation=1.5)
    with pytest.raises(ValueError, match="^method:"):
        plan_tests(scenario(), method="magic")


@pytest.mark.parametrize("key", sorted(roi.sample_paths()))
def test_every_sample_case_plans(key):
    s = roi.load_sample(key)
    plan = plan_tests(s)
    assert [t.initiative for t in plan.tests] == [i.name for i in s.initiatives]
    df = plan.to_frame()
    assert len(df) == len(s.initiatives)
    assert any(t.testable for t in plan.tests)
    assert plan.to_dict()["tests"][0]["initiative"] == s.initiatives[0].name


@settings(max_examples=30, deadline=None)
@given(st.floats(1_000, 1e7), st.floats(1.01, 100))
def test_more_customers_never_lengthen_the_test(customers, factor):
    small = plan_tests(scenario(segments=[SEGMENT | {"customers": customers}])).tests[0]
    large = plan_tests(scenario(segments=[SEGMENT | {"customers": customers * factor}])).tests[0]
    assert large.days <= small.days


def test_contextual_initiatives_reach_everyone_in_their_segments():
    # 10,000 customers × 10 visits, only 40% personalizable; a contextual initiative (no identity
    # needed) reaches all of them: 100,000 visits a year, not 40,000.
    seg = SEGMENT | {"identifiable_share": 0.8, "consent_share": 0.5}
    s = scenario([initiative(name="Profile"), initiative(name="Context", requires_identity=False)], segments=[seg])
    t = eligible_traffic(s).set_index("initiative")
    assert t.loc["Profile", "visits_per_day"] == pytest.approx(10_000 * 10 * 0.4 / 365)
    assert t.loc["Context", "visits_per_day"] == pytest.approx(10_000 * 10 / 365)
    assert t.loc["Context", "customers"] == pytest.approx(10_000)
