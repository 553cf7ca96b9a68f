"""Tornado, pessimistic/base/optimistic cases and the two-way grid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
from roi.uncertainty import Grid, Ranges, cases, grid, grid_drivers, tornado
from roi.synthetic import generate_scenario
from roi.whatif import without_risk

from .factories import initiative, scenario

SAMPLES = list(roi.sample_paths())


def _with(name: str, edit) -> roi.Scenario:
    data = roi.load_sample(name).model_dump(mode="json")
    edit(data)
    return roi.parse_scenario(data)


def _plain_npv(sc: roi.Scenario) -> float:
    """NPV before risk adjustment: what the tornado, cases and grid report (the ranges are the risk)."""
    return roi.evaluate(without_risk(sc)).npv


def _assert_sorted_non_negative(t) -> None:
    swings = [r.swing for r in t.rows]
    assert all(s >= 0 for s in swings)
    assert swings == sorted(swings, reverse=True)


@pytest.mark.parametrize("name", SAMPLES)
def test_tornado_swings_non_negative_and_sorted(name):
    sc = roi.load_sample(name)
    t = tornado(sc)
    _assert_sorted_non_negative(t)
    assert t.base_npv == pytest.approx(_plain_npv(sc), rel=1e-9)
    keys = {r.driver for r in t.rows}
    assert {f"uplift:{i.name}" for i in sc.initiatives} <= keys
    assert {"costs", "reach", "conversion", "order_value", "maturity", "ramp", "discount_rate"} <= keys
    assert "risk" not in keys  # the ranges are the risk: no haircut driver on top
    roi_t = tornado(sc, metric="roi")
    defined = [r.roi_swing for r in roi_t.rows if r.roi_swing is not None]
    assert defined == sorted(defined, reverse=True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 12), st.integers(1, 6), st.integers(1, 6), st.integers(0, 1000))
def test_tornado_invariants_on_generated_scenarios(n_ini, n_seg, horizon, seed):
    """Swings are ≥ 0 and sorted; more uplift never lowers NPV; higher costs never raise it."""
    t = tornado(generate_scenario(n_ini, n_seg, horizon, seed))
    _assert_sorted_non_negative(t)
    for r in t.rows:
        if r.driver.startswith("uplift:"):
            assert r.npv_high >= r.npv_low - 1e-6 * max(abs(r.npv_low), 1)
        if r.driver == "costs":
            assert r.npv_high <= r.npv_low


@pytest.mark.parametrize("name", SAMPLES)
def test_tornado_ends_equal_edited_scenarios(name):
    """Each end of a bar is the NPV of the scenario edited by hand and evaluated by roi.evaluate."""
    sc = roi.load_sample(name)
    rows = {r.driver: r for r in tornado(sc).rows}
    ini = sc.initiatives[0]

    def low_uplift(d):
        d["initiatives"][0]["uplift"]["base"] = ini.uplift.low

    assert rows[f"uplift:{ini.name}"].npv_low == pytest.approx(_plain_npv(_with(name, low_uplift)), rel=1e-9)

    def costs_up(d):  # every cost × 1.2: initiatives, content, programme
        for i in d["initiatives"]:
            for f in ("one_time_cost", "annual_running_cost", "variable_campaign_cost"):
                i[f] *= 1.2
        d["process"]["fte_month_cost"] *= 1.2
        for f in ("cost_per_asset_generic", "cost_per_asset_segment", "cost_per_asset_one_to_one"):
            d["content"][f] *= 1.2
        for f in ("team_annual_cost", "platform_annual_cost", "platform_one_time_cost"):
            d["process"][f] *= 1.2

    assert rows["costs"].npv_high == pytest.approx(_plain_npv(_with(name, costs_up)), rel=1e-9)

    def rate_up(d):
        d["settings"]["discount_rate"] = sc.settings.discount_rate + 0.02

    assert rows["discount_rate"].npv_high == pytest.approx(_plain_npv(_with(name, rate_up)), rel=1e-9)

    def maturity_down(d):  # every score one point lower, kept within 1–5
        for f in ("alignment", "test_and_learn", "feedback_loop", "governance"):
            d["process"][f] = max(1, d["process"][f] - 1)

    assert rows["maturity"].npv_low == pytest.approx(_plain_npv(_with(name, maturity_down)), rel=1e-9)


def test_stated_ranges_only_moves_only_uplifts():
    sc = roi.load_sample(SAMPLES[0])
    t = tornado(sc, ranges=Ranges.none())
    for r in t.rows:
        if not r.driver.startswith("uplift:"):
            assert r.swing == 0


@pytest.mark.parametrize("name", SAMPLES)
def test_cases_are_ordered_and_base_is_evaluate(name):
    sc = roi.load_sample(name)
    c = cases(sc)
    assert c.pessimistic.npv <= c.base.npv <= c.optimistic.npv
    assert c.base.npv == pytest.approx(_plain_npv(sc), rel=1e-12)
    # pessimistic case with stated ranges only = every uplift at its low value
    c0 = cases(sc, Ranges.none())
    data = sc.model_dump(mode="json")
    for i in data["initiatives"]:
        i["uplift"]["base"] = i["uplift"]["low"]
    assert c0.pessimistic.npv == pytest.approx(_plain_npv(roi.parse_scenario(data)), rel=1e-9)


def test_grid_and_zero_contour_on_a_linear_case():
    """NPV = m × B − c × C over (uplift multiplier m, cost multiplier c): the contour is c = m B / C."""
    sc = scenario([initiative(uplift={"low": 0.1, "base": 0.2, "high": 0.3})], horizon_years=3)
    g = grid(sc, "uplift_scale", "costs", np.linspace(0, 2, 11), np.linspace(0.5, 1.5, 9))
    assert g.npv.shape == (9, 11)
    case = roi.evaluate(sc)
    B, C = case.pv_benefits, case.pv_costs
    expected = np.outer(np.ones(9), np.linspace(0, 2, 11)) * B - np.outer(np.linspace(0.5, 1.5, 9), np.ones(11)) * C
    np.testing.assert_allclose(g.npv, expected, rtol=1e-9, atol=1e-6)
    segs = g.zero_contour()
    assert len(segs) > 0
    for x0, y0, x1, y1 in segs:  # NPV is linear along each cell edge, so crossings are exact
        assert x0 * B - y0 * C == pytest.approx(0, abs=1e-6 * C)
        assert x1 * B - y1 * C == pytest.approx(0, abs=1e-6 * C)


@pytest.mark.parametrize("centre, expected", [
    # centre ≥ 0, as the positive corners (0,0) and (1,1): they join through it, the line cuts off
    # the negative corners (x=1, y=0) and (x=0, y=1)
    (1.0, [(0.5, 0.0, 1.0, 0.5), (0.5, 1.0, 0.0, 0.5)]),
    # centre < 0: the positive corners are cut off instead, (0,0) and (1,1)
    (-1.0, [(0.5, 0.0, 0.0, 0.5), (1.0, 0.5, 0.5, 1.0)]),
])
def test_zero_contour_of_a_saddle_cuts_off_the_corners_the_centre_does_not_join(centre, expected):
    """One cell, NPV +2 at (0,0) and (1,1), −2 at (1,0) and (0,1) plus ``centre`` on every corner
    (so the cell's mean is ``centre``); crossings at the edges' midpoints (by hand: equal and
    opposite ends). The two segments are the standard marching-squares saddle cases."""
    d = grid_drivers(scenario([initiative()]))[0]
    z = np.array([[2.0, -2.0], [-2.0, 2.0]]) + centre * 1e-9  # signs as shown; mean = centre × 1e-9
    segs = Grid(d, d, np.array([0.0, 1.0]), np.array([0.0, 1.0]), z, 0.0).zero_contour()
    np.testing.assert_allclose(segs, np.array(expected), atol=1e-9)


def test_grid_validates_drivers_and_contains_base():
    sc = roi.load_sample(SAMPLES[0])
    keys = [d.key for d in grid_drivers(sc)]
    assert keys[0] == "uplift_scale"
    with pytest.raises(ValueError, match="unknown 'nope'"):
        grid(sc, "nope", "costs")
    with pytest.raises(ValueError, match="two different drivers"):
        grid(sc, "costs", "costs")
    g = grid(sc, "reach", "discount_rate", n=5)
    assert g.npv[2, 2] == pytest.approx(_plain_npv(sc), rel=1e-9)  # middle of the grid = base
    cheap = scenario([initiative(one_time_cost=1, annual_running_cost=0, variable_campaign_cost=0)])
    always_positive = grid(cheap, "reach", "costs", n=5)
    assert (always_positive.npv > 0).all()
    assert always_positive.zero_contour().shape == (0, 4)  # NPV never changes sign: no contour
