"""Ranking lenses and the plan's queue: hand-computed reference values and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import roi
from roi import prioritization as pr
from roi.delay import cost_of_delay_per_month
from roi.plan import schedule

CASE = roi.evaluate(roi.load_sample("european_retailer"))
COD = cost_of_delay_per_month(CASE.scenario)


def test_rice_impact_scale():
    # Intercom's scale: 3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal
    assert [pr.rice_impact_score(u) for u in (0.25, 0.10, 0.099, 0.05, 0.02, 0.01, 0.001, -0.1)] == [
        3, 3, 2, 2, 1, 0.5, 0.25, 0]


def test_rescale_reference():
    # by hand: 0 → 1, 5 → 1 + 9 × 0.5 = 5.5, 10 → 10; inverted: 10, 5.5, 1
    assert pr._rescale(np.array([0.0, 5.0, 10.0])).tolist() == [1.0, 5.5, 10.0]
    assert pr._rescale(np.array([0.0, 5.0, 10.0]), invert=True).tolist() == [10.0, 5.5, 1.0]
    assert pr._rescale(np.array([3.0, 3.0])).tolist() == [10.0, 10.0]  # degenerate: all equal


def test_value_per_effort_is_npv_over_fte_months():
    t = pr.score_table(CASE, COD, method="value_per_effort")
    row = t.set_index("initiative").loc["Testing and CRO programme"]
    # NPV from the model ÷ 12 FTE-months of effort in the sample file
    assert row.score == pytest.approx(CASE.initiative("Testing and CRO programme").npv / 12)
    assert list(t["rank"]) == list(range(1, len(t) + 1))
    assert t["score"].is_monotonic_decreasing


def test_rice_reference_for_one_initiative():
    t = pr.score_table(CASE, COD, method="rice").set_index("initiative")
    ic = CASE.initiative("Product recommendations")
    # uplift 7% → impact 2 (high); evidence assumed → confidence 0.5; effort 18 FTE-months
    assert t.loc["Product recommendations", "score"] == pytest.approx(ic.reachable_customers * 2 * 0.5 / 18)


def test_wsjf_is_cost_of_delay_over_duration():
    t = pr.score_table(CASE, COD, method="wsjf").set_index("initiative")
    # Testing and CRO launches in 2 months
    assert t.loc["Testing and CRO programme", "score"] == pytest.approx(COD["Testing and CRO programme"] / 2)


def test_ice_reference():
    t = pr.score_table(CASE, COD, method="ice").set_index("initiative")
    # Product recommendations: highest NPV → impact 10; assumed → confidence 5;
    # highest effort (18 FTE-months) → ease 1: 10 × 5 × 1 = 50
    assert t.loc["Product recommendations", "score"] == pytest.approx(50.0)


def test_quadrants():
    assert pr.quadrant(10, 1, 5, 5) == pr.Quadrant.quick_win
    assert pr.quadrant(10, 9, 5, 5) == pr.Quadrant.big_bet
    assert pr.quadrant(1, 1, 5, 5) == pr.Quadrant.fill_in
    assert pr.quadrant(1, 9, 5, 5) == pr.Quadrant.money_pit
    # a loss is a money pit however cheap: never high impact, never a fill-in
    assert pr.quadrant(-1, 1, -5, 5) == pr.Quadrant.money_pit
    assert pr.quadrant(-1, 0, 5, 5) == pr.Quadrant.money_pit
    assert pr.quadrant(0, 1, 5, 5) == pr.Quadrant.fill_in
    t = pr.score_table(CASE, COD)
    assert set(t[t.npv < 0].quadrant) == {"Money pit"}


def test_zero_effort_ranks_first_when_positive():
    s = CASE.scenario
    inis = [i.model_copy(update={"effort_fte_months": 0.0}) if k == 5 else i for k, i in enumerate(s.initiatives)]
    case = roi.evaluate(s.model_copy(update={"initiatives": inis}))
    t = pr.score_table(case, COD)
    first = t.iloc[0]
    assert first.initiative == s.initiatives[5].name and np.isnan(first.score)  # undefined


def _with_efforts(efforts):
    s = CASE.scenario
    inis = [i.model_copy(update={"effort_fte_months": e}) for i, e in zip(s.initiatives, efforts)]
    return roi.evaluate(s.model_copy(update={"initiatives": inis}))


def test_resource_axis_falls_back_to_cost_only_when_no_effort_is_estimated():
    """Every effort 0 → total cost, with the note; one effort given → effort; cost chosen → cost."""
    n = len(CASE.scenario.initiatives)
    none = _with_efforts([0.0] * n)
    assert pr.resource_axis(none, "effort") == (pr.Resource.cost, pr.NO_EFFORT_NOTE)
    assert pr.resource_axis(none, "cost") == (pr.Resource.cost, None)
    one = _with_efforts([0.0] * (n - 1) + [3.0])
    assert pr.resource_axis(one, pr.Resource.effort) == (pr.Resource.effort, None)
    assert pr.resource_axis(CASE, "effort") == (pr.Resource.effort, None)
    # with the fallback the lens ranks: value ÷ cost is defined for every initiative (each costs something)
    t = pr.score_table(none, COD, resource=pr.resource_axis(none, "effort")[0])
    assert t["score"].notna().all() and (t["resource"] == t["total_cost"]).all()


def test_schedule_hand_example():
    # The team (4 FTEs) works through the queue in order at full capacity.
    # A: 12 FTE-months → built in 3 months; own lead time 3 → launches month 3.
    # B: 6 → built by month 4.5; own lead time 6 → launches month 6 (its lead time is longer).
    # C: 9 → built by month 6.75 → launches 6.75 (waits 3.75 months beyond its own 3).
    # D: no effort → needs no capacity, launches at its own month 2.
    got = schedule([0, 1, 2, 3], np.array([12.0, 6.0, 9.0, 0.0]), np.array([3.0, 6.0, 3.0, 2.0]), 4.0)
    assert got == {0: (0.0, 3.0), 1: (3.0, 6.0), 2: (4.5, 6.75), 3: (0.0, 2.0)}


def test_cumulative_at_reference():
    # year 0: -100 at month 0; year 1: +120 spread over months 0–12 → +10 per month
    got = pr.cumulative_at(np.array([-100.0, 120.0]), np.array([-3.0, 0.0, 3.0, 12.0, 30.0]))
    assert got.tolist() == [0.0, -100.0, -70.0, 20.0, 20.0]


# ---------------------------------------------------------------- invariants (Hypothesis)

efforts = st.lists(st.floats(0, 60, allow_nan=False), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(efforts=efforts, data=st.data(), capacity=st.floats(0.5, 20))
def test_schedule_keeps_lead_times_and_the_team_busy_at_capacity(efforts, data, capacity):
    """No initiative launches before its own lead time; the queue's builds follow each other with
    no gap and no overlap, so the team never works beyond its capacity and all effort is done."""
    months = np.array([data.draw(st.floats(0, 24)) for _ in efforts])
    effort = np.array(efforts)
    got = schedule(list(range(len(efforts))), effort, months, capacity)
    done = 0.0
    for j in range(len(efforts)):
        start, launch = got[j]
        assert launch >= months[j]
        if effort[j] > 0:
            assert start == pytest.approx(done)
            done += effort[j] / capacity
            assert launch >= done - 1e-9
    assert done == pytest.approx(effort.sum() / capacity)


@settings(max_examples=40, deadline=None)
@given(method=st.sampled_from(list(pr.Method)), impact=st.sampled_from(list(pr.Impact)),
       resource=st.sampled_from(list(pr.Resource)))
def test_ranks_are_a_permutation(method, impact, resource):
    t = pr.score_table(CASE, COD, method=method, impact=impact, resource=resource)
    assert sorted(t["rank"]) == list(range(1, len(CASE.initiatives) + 1))
    assert set(t["quadrant"]) <= {q.value for q in pr.Quadrant}


@settings(max_examples=30, deadline=None)
@given(extra=st.floats(0.0, 0.05))
def test_more_uplift_never_lowers_value_per_effort_rank(extra):
    """Raising one initiative's uplift never moves it down a value ÷ effort ranking."""
    s = CASE.scenario
    name = "Triggered journeys (abandoned cart, browse)"
    k = [i.name for i in s.initiatives].index(name)
    u = s.initiatives[k].uplift
    bigger = u.model_copy(update={"base": u.base + extra, "high": max(u.high, u.base + extra)})
    inis = list(s.initiatives)
    inis[k] = inis[k].model_copy(update={"uplift": bigger})
    case2 = roi.evaluate(s.model_copy(update={"initiatives": inis}))
    r1 = pr.score_table(CASE, COD).set_index("initiative").loc[name, "rank"]
    r2 = pr.score_table(case2, COD).set_index("initiative").loc[name, "rank"]
    assert r2 <= r1


def test_confidence_from_evidence():
    assert pr.CONFIDENCE == {"assumed": 0.5, "benchmark": 0.8, "measured": 1.0}
    assert not math.isnan(pr.score_table(CASE, COD).confidence.sum())
