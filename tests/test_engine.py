"""The vectorised engine: many draws at once give the same numbers as one draw at a time."""

from __future__ import annotations

import numpy as np
import pytest

import roi
from roi import engine
from roi.schema import UpliftRange


def _with_uplifts(sc, uplifts):
    inis = [i.model_copy(update={"uplift": UpliftRange(low=u, base=u, high=u)})
            for i, u in zip(sc.initiatives, uplifts)]
    return sc.model_copy(update={"initiatives": inis})


@pytest.mark.parametrize("key", sorted(roi.sample_paths()))
def test_draw_axis_matches_one_scenario_at_a_time(key):
    sc = roi.load_sample(key)
    structure, x = engine.build(sc)
    rng = np.random.default_rng(7)
    draws = rng.uniform(-0.05, 0.3, size=(4, len(sc.initiatives)))
    xs = x.tiled(len(draws)).with_(uplift=draws)
    npvs = engine.programme_npv(structure, xs)
    for d, uplifts in enumerate(draws):
        assert npvs[d] == pytest.approx(roi.evaluate(_with_uplifts(sc, uplifts)).npv, rel=1e-9)


@pytest.mark.parametrize("key", sorted(roi.sample_paths()))
def test_fast_path_npv_before_risk_equals_the_unadjusted_npv(key):
    sc = roi.load_sample(key)
    structure, x = engine.build(sc)
    cash = engine.programme_cash(structure, x)
    df = engine.discount_factors(x.discount_rate, structure.horizon)
    npv = ((cash.benefit - cash.cost) * df).sum() + (cash.terminal * df[:, -1]).sum() * structure.include_beyond_horizon
    assert npv == pytest.approx(roi.evaluate(sc).unadjusted_npv, rel=1e-10)


def test_ramp_integral_by_hand():
    # Launch at 2 months, 4-month ramp: by month 6 the effect has built up 4²/(2·4) = 2 months;
    # by month 12, 2 + 6 full months = 8.
    f = engine.effect_integral(np.array([2.0, 6.0, 12.0]), np.array(2.0), np.array(4.0), np.array(0.0))
    np.testing.assert_allclose(f, [0.0, 2.0, 8.0])
    # No ramp: a step at launch.
    np.testing.assert_allclose(engine.effect_integral(np.array([12.0]), np.array(3.0), np.array(0.0), np.array(0.0)),
                               [9.0])


def test_decay_integral_by_hand():
    # No ramp, launch at 0, 50% decay a year: the effect is 0.5^(m/12); its integral over the
    # first year is 12 (1 − 0.5) / ln 2 = 8.656 months, over the second 12 × 0.25 / ln 2 = 4.328.
    lam = -np.log(0.5) / 12
    f = engine.effect_integral(np.array([12.0, 24.0]), np.array(0.0), np.array(0.0), np.array(lam))
    np.testing.assert_allclose(f, [6 / np.log(2), 9 / np.log(2)])
