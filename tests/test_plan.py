"""The recommended plan: equal to a brute-force search, its NPV the model's, its reasons stated.

The oracle below is written independently of roi.plan: it enumerates every subset and every order
(itertools.permutations), schedules the queue by hand (an initiative launches at the later of its
own months to launch and the month the team has done its and all earlier effort), values each
initiative with numpy's np.interp over its NPV-by-delay curve (roi.delay.npv_by_start_delay, the
same input the plan uses), and applies pins and budgets as the planning model states them.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import roi
from roi import engine
from roi.delay import npv_by_start_delay
from roi.plan import Constraints, apply_timing, recommend
from roi.synthetic import generate_scenario


def _oracle(scenario: roi.Scenario, cons: Constraints) -> tuple[float, tuple[str, ...]]:
    """Best planning value and its order, by brute force over every subset and order."""
    inis = scenario.initiatives
    T = scenario.settings.horizon_years
    delays = np.arange(0.0, 12.0 * T + 2.0)
    grid = npv_by_start_delay(scenario, delays)
    case = roi.evaluate(scenario)
    structure, x = engine.build(scenario)
    flows = engine.compute(structure, x)
    one_time = flows.one_time_cost[0, :, 0] + flows.effort_cost[0, :, 0]
    live1 = np.clip(12.0 - x.launch_months[0], 0, 12) / 12
    year1 = (x.running_cost[0] + x.content_cost[0] + x.variable_cost[0]) * live1
    p = scenario.process
    names = [i.name for i in inis]
    pinned = {names.index(n) for n in cons.pinned_in}
    banned = {names.index(n) for n in cons.pinned_out}
    # Money pits (NPV ≤ 0 at every delay) only lower a plan's value and delay the rest; leaving them
    # out of the enumeration keeps it small (documented in roi.plan and checked below).
    pool = [j for j in range(len(inis)) if j not in banned and (grid[:, j].max() > 0 or j in pinned)]
    best, best_order = -math.inf, ()
    for k in range(1, len(pool) + 1):
        for subset in itertools.combinations(pool, k):
            if not pinned <= set(subset):
                continue
            if cons.budget_one_time is not None and one_time[list(subset)].sum() + p.platform_one_time_cost > \
                    cons.budget_one_time + 1e-6:
                continue
            if cons.budget_year1 is not None and year1[list(subset)].sum() + p.team_annual_cost + \
                    p.platform_annual_cost > cons.budget_year1 + 1e-6:
                continue
            for order in itertools.permutations(subset):
                work, value = 0.0, 0.0
                for j in order:
                    ini = inis[j]
                    if ini.effort_fte_months > 0:
                        work += ini.effort_fte_months / cons.capacity_fte
                        launch = max(ini.months_to_launch, work)
                    else:
                        launch = ini.months_to_launch
                    value += float(np.interp(launch - ini.months_to_launch, delays, grid[:, j]))
                value -= case.pv_programme_cost
                if best == -math.inf or value > best + 1e-9 * max(1, abs(best)):
                    best, best_order = value, tuple(names[j] for j in order)
    return best, best_order


def _check_against_oracle(scenario: roi.Scenario, **overrides) -> None:
    plan = recommend(scenario, **overrides)
    cons = plan.constraints
    best, order = _oracle(scenario, cons)
    assert plan.method == "exact"
    assert plan.planning_value == pytest.approx(best, rel=1e-9, abs=1e-6), (order, [p.name for p in plan.do])
    # the plan's NPV is the model's, on the scenario restricted and re-timed by hand
    data = scenario.model_dump(mode="json")
    when = {p.name: p.launch_month for p in plan.do}
    data["initiatives"] = [dict(i, months_to_launch=when[i["name"]]) for i in data["initiatives"] if i["name"] in when]
    data["plan"]["pinned_in"] = [n for n in data["plan"]["pinned_in"] if n in when]
    data["plan"]["pinned_out"] = []
    assert plan.plan_npv == pytest.approx(roi.evaluate(roi.parse_scenario(data)).npv, rel=1e-12)


@pytest.mark.parametrize("name", sorted(roi.sample_paths()))
@pytest.mark.parametrize("capacity", [1.0, 6.0])
def test_samples_equal_brute_force(name, capacity):
    _check_against_oracle(roi.load_sample(name), capacity_fte=capacity)


@pytest.mark.parametrize("n, seed", [(6, 1), (8, 2), (10, 3), (12, 4)])
def test_generated_cases_equal_brute_force(n, seed):
    data = generate_scenario(n, 4, 3, seed=seed).model_dump(mode="json")
    for k, ini in enumerate(data["initiatives"]):  # up to 7 made worthwhile: enough for capacity to bind
        ini["uplift"] = {key: v * (4 if k < 7 else 0.05) for key, v in ini["uplift"].items()}
        ini["effort_fte_months"] = 3.0 + 4 * (k % 5)
    sc = roi.parse_scenario(data)
    pool = sum(npv_by_start_delay(sc, np.arange(0.0, 38.0)).max(axis=0) > 0)
    assert pool <= 8, "the brute force enumerates every order of the worthwhile initiatives"
    _check_against_oracle(sc, capacity_fte=2.0)


def test_pins_and_budgets_equal_brute_force():
    sc = roi.load_sample("european_retailer")
    data = sc.model_dump(mode="json")
    data["plan"].update(pinned_in=["Loyalty retention programme"], pinned_out=["Product recommendations"])
    pinned = roi.parse_scenario(data)
    _check_against_oracle(pinned)
    plan = recommend(pinned)
    assert plan.initiative("Loyalty retention programme").status == "do"
    assert plan.initiative("Loyalty retention programme").reason_code == "pinned_in"
    assert plan.initiative("Product recommendations").reason_code == "pinned_out"
    # a one-time budget that cannot hold everything worthwhile
    _check_against_oracle(sc, budget_one_time=1_500_000)
    tight = recommend(sc, budget_one_time=1_500_000)
    assert any(p.reason_code == "over_budget" for p in tight.initiatives)
    _check_against_oracle(sc, budget_year1=2_500_000)


def test_retailer_plan_says_what_to_do_first_and_why():
    sc = roi.load_sample("european_retailer")
    plan = recommend(sc)
    assert plan.as_planned_npv == pytest.approx(roi.evaluate(sc).npv)
    assert plan.plan_npv > 0 > plan.as_planned_npv  # not worth it as planned, worth it as recommended
    assert set(plan.dropped) == {"Audience targeting and segmentation", "Loyalty retention programme"}
    for p in plan.initiatives:
        assert p.reason and p.status in ("do", "defer", "drop")
        if p.status == "drop":
            assert p.reason.startswith("money pit")
    # launch months come from the queue and are never earlier than each initiative's own
    for p in plan.do:
        assert p.launch_month >= sc.initiatives[[i.name for i in sc.initiatives].index(p.name)].months_to_launch
    # applying the timing moves the scenario's launch months to the plan's
    timed = apply_timing(sc, plan)
    for p in plan.do:
        assert next(i for i in timed.initiatives if i.name == p.name).months_to_launch == pytest.approx(p.launch_month)


def test_capacity_delays_launches():
    """With one FTE the queue is the bottleneck: launches come later, and the plan is worth less."""
    sc = roi.load_sample("european_retailer")
    wide, narrow = recommend(sc, capacity_fte=50.0), recommend(sc, capacity_fte=0.5)
    assert narrow.planning_value <= wide.planning_value
    wide_launch = {p.name: p.launch_month for p in wide.do}
    for p in narrow.do:
        if p.name in wide_launch:
            assert p.launch_month >= wide_launch[p.name] - 1e-9


def test_plan_json_contract():
    s = recommend(roi.load_sample("retail_bank")).summary()
    assert {"initiatives", "plan_npv", "as_planned_npv", "method"} <= set(s)
    for p in s["initiatives"]:
        assert {"name", "status", "reason", "launch_month", "quarter", "npv"} <= set(p)
        assert p["status"] in ("do", "defer", "drop")
        assert (p["quarter"] is None) == (p["launch_month"] is None)


def test_large_cases_use_the_heuristic_and_report_its_gap():
    data = generate_scenario(30, 10, 5, seed=3).model_dump(mode="json")
    for k, ini in enumerate(data["initiatives"]):
        ini["uplift"] = {key: v * 30 if key != "low" else v for key, v in ini["uplift"].items()}
        ini["uplift"]["high"] = max(ini["uplift"]["high"], ini["uplift"]["base"])
        ini["effort_fte_months"] = 6.0 + k
    plan = recommend(roi.parse_scenario(data))
    assert plan.method != "exact" and plan.gap is not None and plan.gap >= 0
    assert plan.planning_value + plan.gap >= plan.planning_value


def test_initiatives_without_effort_are_numbered_in_launch_order():
    """Without effort an initiative takes no place in the team's queue, so where the search put it
    says nothing; the plan numbers it by launch (the generated case has no effort estimates: its
    plan read "1. Initiative 33" launching in month 6 while Initiative 21, launching in month 0,
    was number 22 and the first move). With effort, the queue's order decides the timing and is
    kept. Either way every start and launch equals the schedule of the numbered order."""
    from roi.plan import schedule

    big = generate_scenario(initiatives=50, segments=20, seed=0)
    plan = recommend(big)
    launches = [p.launch_month for p in plan.do]
    assert [p.order for p in plan.do] == list(range(1, len(plan.do) + 1))
    assert launches == sorted(launches)
    assert plan.first(3) == [p.name for p in plan.do[:3]]

    data = generate_scenario(8, 4, 3, seed=2).model_dump(mode="json")
    for k, ini in enumerate(data["initiatives"]):
        ini["uplift"] = {key: v * 4 for key, v in ini["uplift"].items()}
        ini["effort_fte_months"] = 9.0 if k % 2 else 0.0  # every other one needs the team
        ini["months_to_launch"] = [7, 1, 5, 0, 2, 3, 6, 4][k]
    mixed = roi.parse_scenario(data)
    plan = recommend(mixed, capacity_fte=3.0)
    effort = np.array([i.effort_fte_months for i in mixed.initiatives])
    index = {i.name: j for j, i in enumerate(mixed.initiatives)}
    order = [index[p.name] for p in plan.do]
    times = schedule(order, effort, np.array([float(i.months_to_launch) for i in mixed.initiatives]), 3.0)
    assert [(p.start_month, p.launch_month) for p in plan.do] == [times[j] for j in order]
    free = [p.launch_month for p in plan.do if p.effort_fte_months == 0]
    assert free == sorted(free) and len(free) >= 2
    for k, p in enumerate(plan.do):  # no initiative without effort after one with effort launching later
        if p.effort_fte_months == 0:
            assert all(q.launch_month < p.launch_month for q in plan.do[:k] if q.effort_fte_months > 0)


def test_constraints_are_validated():
    sc = roi.load_sample("retail_bank")
    with pytest.raises(ValueError, match="capacity"):
        recommend(sc, capacity_fte=0)
    with pytest.raises(ValueError, match="budget"):
        recommend(sc, budget_one_time=-5)
    data = sc.model_dump(mode="json")
    data["plan"]["pinned_in"] = ["No such initiative"]
    with pytest.raises(roi.ScenarioError, match="plan.pinned_in"):
        roi.parse_scenario(data)


@pytest.mark.parametrize("override, message", [
    ({"capacity_fte": 0.25}, "capacity: must be between 0.5 and 1,000 FTEs per quarter (got 0.25)"),
    ({"budget_one_time": 1e14}, "budget: must be between 0 and 10,000,000,000,000 (got 1e+14)"),
    ({"budget_year1": -1.0}, "budget_year1: must be between 0 and 10,000,000,000,000 (got -1)"),
])
def test_constraints_out_of_range_name_the_schema_bounds(override, message):
    """Overrides from outside the schema (library callers) meet the schema's own bounds and wording
    (roi.schema.CAPACITY_FTE, MAX_AMOUNT); a budget above the cap once read "must be zero or more"."""
    from roi.plan import Constraints

    with pytest.raises(ValueError) as exc:
        Constraints.of(roi.load_sample("retail_bank"), **override)
    assert str(exc.value) == message
