"""The engine's fast path for many draws (programme_cash) gives the per-initiative path's totals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
from roi import engine
from roi.engine.timing import effect_cells
from roi.synthetic import generate_scenario

from .strategies import scenario_dicts


def _reference(structure: engine.Structure, x: engine.Inputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Programme benefit, cost per year and value beyond the horizon from engine.compute (the path
    roi.evaluate uses), before risk adjustment, as the fast path reports them."""
    flows = engine.compute(structure, x)
    return flows.benefit.sum(axis=1), flows.cost.sum(axis=1) + flows.programme_cost, flows.terminal.sum(axis=1)


def _check(structure: engine.Structure, xs: engine.Inputs, rtol: float = 1e-9) -> None:
    cash = engine.programme_cash(structure, xs)
    rb, rc, rt = _reference(structure, xs.tiled())
    scale = max(np.abs(rb).max(), np.abs(rc).max(), np.abs(rt).max(), 1.0)
    np.testing.assert_allclose(cash.benefit, rb, rtol=rtol, atol=rtol * scale)
    np.testing.assert_allclose(cash.cost, rc, rtol=rtol, atol=rtol * scale)
    np.testing.assert_allclose(cash.terminal, rt, rtol=rtol, atol=rtol * scale)


def _perturbed(x: engine.Inputs, seed: int, n: int = 6, *, shared_timing: bool = False) -> engine.Inputs:
    """``n`` draws: uplifts (some negative, some large), reach and ramp vary; the rest broadcast.
    Decay varies too unless ``shared_timing`` (the Monte Carlo's case: launch months and decay the
    same in every draw, so the engine takes its per-timing-class path)."""
    rng = np.random.default_rng(seed)
    J = x.uplift.shape[1]
    decay = np.clip(x.decay + rng.uniform(0, 0.5, (n, J)) * (rng.random((n, J)) < 0.5), 0, 0.9)
    return x.with_(
        uplift=x.uplift * rng.uniform(-1.0, 3.0, (n, J)) + rng.uniform(-0.3, 0.6, (n, J)),
        channel_reach=np.clip(x.channel_reach * rng.uniform(0.5, 1.5, (n, J)), 0, 1),
        ramp_months=rng.choice([0.0, 3.0, 14.0], size=n),
        discount_rate=rng.uniform(0, 0.3, n),
        decay=x.decay if shared_timing else decay,
        realisation=rng.uniform(0.3, 1.0, n),
        calibration=rng.uniform(0.5, 1.5, n),
    )




@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_dicts(), st.integers(0, 2**16))
def test_programme_cash_equals_summed_compute(data, seed):
    """Fast path = Σ over initiatives of compute(), for any valid scenario (every model rule drawn:
    timing, lever combination, identity, decay, calibration) and perturbation."""
    structure, x = engine.build(roi.parse_scenario(data))
    _check(structure, _perturbed(x, seed))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_dicts(), st.integers(0, 2**16))
def test_programme_cash_with_timing_shared_by_every_draw(data, seed):
    """With launch months and decay the same in every draw (as in the Monte Carlo), the fast path
    computes the effect curve once per (launch, decay) class and gathers it per pair; it still
    equals Σ over initiatives of compute(), for any valid scenario and perturbation."""
    structure, x = engine.build(roi.parse_scenario(data))
    xs = _perturbed(x, seed, shared_timing=True)
    assert effect_cells(structure, xs) is not None  # the path under test
    _check(structure, xs)


@pytest.mark.parametrize("name", list(roi.sample_paths()))
def test_programme_cash_on_samples_and_broadcast_inputs(name):
    structure, x = engine.build(roi.load_sample(name))
    _check(structure, x, 1e-10)  # one draw
    _check(structure, _perturbed(x, 1, n=9))  # draw axes of length 1 and 9 mixed
    _check(structure, _perturbed(x, 2, n=9, shared_timing=True))


def test_programme_cash_large_generated_scenario():
    structure, x = engine.build(generate_scenario(50, 20, 5, seed=2))
    _check(structure, _perturbed(x, 5, n=4))
    _check(structure, _perturbed(x, 6, n=4, shared_timing=True))


def test_inputs_draws_is_the_longest_draw_axis():
    _, x = engine.build(roi.load_sample(next(iter(roi.sample_paths()))))
    assert x.draws == 1
    assert x.with_(ramp_months=np.ones(5)).draws == 5


# --------------------------------------------------------------------------- outcomes per draw

def test_outcomes_of_one_read_only_row_leave_the_callers_arrays_alone():
    """One draw broadcast read-only (the sensitivity analyses' chunk of one row): the outcomes are
    computed without writing to the caller's arrays (a chunk of one row failed with "output array
    is read-only" when the net cash was taken in place)."""
    from roi.uncertainty.metrics import outcomes

    benefit = np.array([[0.0, 60.0, 80.0, 80.0]])
    cost = np.array([[100.0, 10.0, 10.0, 10.0]])
    b, c = np.broadcast_to(benefit, (1, 4)), np.broadcast_to(cost, (1, 4))
    assert not b.flags.writeable
    o = outcomes(b, c, np.array([0.1]))
    assert benefit.tolist() == [[0.0, 60.0, 80.0, 80.0]] and cost.tolist() == [[100.0, 10.0, 10.0, 10.0]]
    # by hand: net −100, 50, 70, 70; NPV = −100 + 50/1.1 + 70/1.21 + 70/1.331
    assert o.npv[0] == pytest.approx(-100 + 50 / 1.1 + 70 / 1.21 + 70 / 1.331, rel=1e-12)
    assert o.payback_months[0] == pytest.approx(12 * (1 + 50 / 70))  # −50 after year 1, +70 in year 2


@pytest.mark.parametrize("years", [1, 6, 7, 10])
def test_a_draws_outcomes_do_not_depend_on_the_draws_beside_it(years):
    """Each draw's NPV, ROI and payback are the same to the last bit whether it is evaluated alone
    or among others (so a Monte Carlo's answer does not depend on its chunks) — including horizons
    of 7 years or more, where a pairwise sum of one row would group the additions differently."""
    from roi.uncertainty.metrics import outcomes

    rng = np.random.default_rng(years)
    benefit, cost = rng.normal(50, 60, (64, years + 1)), rng.normal(40, 30, (64, years + 1))
    rate, terminal = rng.uniform(0.0, 0.2, 64), rng.random(64)
    together = outcomes(benefit, cost, rate, terminal)
    for d in (0, 17, 63):
        alone = outcomes(benefit[d:d + 1], cost[d:d + 1], rate[d:d + 1], terminal[d:d + 1])
        for field in ("npv", "roi", "payback_months", "pv_benefits", "pv_costs"):
            assert np.array_equal(getattr(alone, field), getattr(together, field)[d:d + 1], equal_nan=True), field
