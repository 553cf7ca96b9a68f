"""Ranking methods and the roadmap: hand-computed reference values and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import roi
from roi import prioritization as pr
from roi.delay import cost_of_delay_per_month

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


def test_schedule_hand_example():
    # capacity 4 FTE. A: 12 FTE-months in 3 months → 4 FTE in Q0.
    # B: 6 in 6 months → 1 FTE in 2 quarters; Q0 is full → Q1–Q2.
    # C: 9 in 3 months → 3 FTE; Q1 has 3 free → Q1.
    # D: 30 in 3 months would need 10 FTE > 4 → stretched to ceil(30 / 12) = 3 quarters at 3.33 FTE;
    #    Q2 has 3 free (B uses 1) → first fit Q3–Q5.
    items = pr.schedule(
        ["A", "B", "C", "D"],
        {"A": 12, "B": 6, "C": 9, "D": 30},
        {"A": 3, "B": 6, "C": 3, "D": 3},
        4,
    )
    got = {it.name: (it.start_quarter, it.build_quarters, round(it.fte, 2)) for it in items}
    assert got == {"A": (0, 1, 4.0), "B": (1, 2, 1.0), "C": (1, 1, 3.0), "D": (3, 3, 3.33)}


def test_schedule_refuses_no_capacity():
    with pytest.raises(ValueError, match="capacity_fte"):
        pr.schedule(["A"], {"A": 1}, {"A": 1}, 0)


def test_cumulative_at_reference():
    # year 0: -100 at month 0; year 1: +120 spread over months 0–12 → +10 per month
    got = pr.cumulative_at(np.array([-100.0, 120.0]), np.array([-3.0, 0.0, 3.0, 12.0, 30.0]))
    assert got.tolist() == [0.0, -100.0, -70.0, 20.0, 20.0]


def test_roadmap_leaves_money_pits_out_by_default():
    scores = pr.score_table(CASE, COD)
    pits = set(scores[scores.quadrant == "Money pit"].initiative)
    assert pits  # the sample has loss-makers
    plan = pr.roadmap(CASE, scores, 1000.0)
    assert {it.name for it in plan.items} == set(scores.initiative) - pits
    end = plan.curve[plan.curve.month == plan.curve.month.max()].set_index("plan")
    kept = sum(float(i.net.sum()) for i in CASE.initiatives if i.name not in pits)
    assert end.loc["Everything at once", "cumulative_net"] == pytest.approx(kept)
    # ranks keep the ranking's numbers
    rank = dict(zip(scores.initiative, scores["rank"]))
    assert [it.rank for it in plan.items] == [rank[it.name] for it in plan.items]


def test_roadmap_of_money_pits_only_is_empty():
    scores = pr.score_table(CASE, COD).assign(quadrant="Money pit")
    plan = pr.roadmap(CASE, scores, 6.0)
    assert plan.items == [] and (plan.curve.cumulative_net == 0).all()


def test_roadmap_everything_at_once_matches_the_case():
    plan = pr.roadmap(CASE, pr.score_table(CASE, COD), 1000.0, include_money_pits=True)
    end = plan.curve[plan.curve.month == plan.curve.month.max()].set_index("plan")
    # unconstrained: cumulative net = Σ initiative (benefit − cost) over the horizon
    total = sum(float(i.net.sum()) for i in CASE.initiatives)
    assert end.loc["Everything at once", "cumulative_net"] == pytest.approx(total)
    # ample capacity: everything starts in quarter 0, so both plans agree
    assert end.loc["Capacity-limited plan", "cumulative_net"] == pytest.approx(total)


# ---------------------------------------------------------------- invariants (Hypothesis)

efforts = st.lists(st.floats(0, 60, allow_nan=False), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(efforts=efforts, data=st.data(), capacity=st.floats(0.5, 20))
def test_schedule_never_exceeds_capacity_and_delivers_all_effort(efforts, data, capacity):
    names = [f"I{k}" for k in range(len(efforts))]
    launch = {n: data.draw(st.floats(0, 24)) for n in names}
    items = pr.schedule(names, dict(zip(names, efforts)), launch, capacity)
    n_q = max(it.launch_quarter for it in items)
    load = np.zeros(n_q + 1)
    for it in items:
        load[it.start_quarter:it.launch_quarter] += it.fte
        # every FTE-month of effort is scheduled
        assert it.fte * 3 * it.build_quarters == pytest.approx(it.effort_fte_months)
    assert (load <= capacity + 1e-6).all()
    # the first-ranked initiative never waits
    assert items[0].start_quarter == 0


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
