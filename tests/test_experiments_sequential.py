"""Group-sequential designs (roi.experiments.sequential) against published tables.

References, each named in its test:

* Jennison & Turnbull (2000), *Group Sequential Methods with Applications to Clinical Trials*,
  ch. 2: Table 2.1 (Pocock constants C_P(K, α)), Table 2.2 (R_P(K, α, β), the maximum-sample
  inflation of Pocock tests), Table 2.3 (O'Brien & Fleming constants C_B(K, α)) and Table 2.4
  (R_B(K, α, β)). Two-sided tests, equally spaced looks. The tables print three decimals.
  (Page numbers could not be checked through the project's search tools; the tables are cited
  by number and chapter.)
* gsDesign's documentation (``gsDesign(alpha = .025, k = 3, test.type = 1, sfu = sfLDOF,
  timing = c(.5, .75, 1))$upper$bound``, printed in the gsDesign2 ``gs_b`` reference page).
* rpact: its design summary for ``typeOfDesign = "asOF"``, kMax = 3, one-sided α = 0.025
  (rpact MCP 2025 slides), and its unit test ``x6b`` (``typeOfDesign = "asP"``,
  ``informationRates = c(0.4, 0.7)``) in tests/testthat/test-f_design_group_sequential.R.
* The Lan–DeMets tables of the ldbounds convention (Reboussin, DeMets, Kim & Lan 2000), K = 4
  equally spaced looks, two-sided α = 0.05 split evenly over both sides.

Where no table exists (the Lan–DeMets designs' power), a Monte Carlo simulation with a fixed
seed is the independent method, with its tolerance stated.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from roi.experiments import sequential as sq


def _classic_constant(looks: int, shape, alpha: float) -> float:
    """The constant c with boundaries c × shape(t) and two-sided size α, solved with our recursion."""
    t = np.arange(1, looks + 1) / looks

    def size(c: float) -> float:
        up, low = sq.exit_probabilities(c * shape(t), t, 0.0, two_sided=True)
        return float(up.sum() + low.sum()) - alpha

    return optimize.brentq(size, 1.0, 5.0, xtol=1e-10)


def _inflation(upper: np.ndarray, t: np.ndarray, alpha: float, power: float) -> float:
    fixed = stats.norm.isf(alpha / 2) + stats.norm.ppf(power)
    eta = optimize.brentq(lambda e: sq.exit_probabilities(upper, t, e, two_sided=True)[0].sum() - power, 0.1, 10)
    return (eta / fixed) ** 2


POCOCK = lambda t: np.ones_like(t)  # noqa: E731 - boundary shapes of J&T ch. 2
OBF = lambda t: 1 / np.sqrt(t)  # noqa: E731


# ------------------------------------------------------------------ the recursion vs J&T tables


@pytest.mark.parametrize("alpha, looks, c_p, c_b", [
    # Jennison & Turnbull (2000), Table 2.1 (C_P) and Table 2.3 (C_B), two-sided α
    (0.05, 2, 2.178, 1.977), (0.05, 3, 2.289, 2.004), (0.05, 4, 2.361, 2.024), (0.05, 5, 2.413, 2.040),
    (0.05, 10, 2.555, 2.087),
    (0.01, 2, 2.772, 2.580), (0.01, 5, 2.986, 2.621),
    (0.10, 2, 1.875, 1.678), (0.10, 5, 2.122, 1.751),
])
def test_classic_constants_match_jennison_turnbull_tables_2_1_and_2_3(alpha, looks, c_p, c_b):
    assert _classic_constant(looks, POCOCK, alpha) == pytest.approx(c_p, abs=6e-4)
    assert _classic_constant(looks, OBF, alpha) == pytest.approx(c_b, abs=6e-4)


@pytest.mark.parametrize("looks, r_p_80, r_b_80, r_p_90, r_b_90", [
    # Jennison & Turnbull (2000), Table 2.2 (R_P) and Table 2.4 (R_B), α = 0.05, β = 0.2 and 0.1
    (2, 1.110, 1.008, 1.100, 1.007),
    (3, 1.166, 1.017, 1.151, 1.016),
    (4, 1.202, 1.024, 1.183, 1.022),
    (5, 1.229, 1.028, 1.207, 1.026),
])
def test_inflation_factors_match_jennison_turnbull_tables_2_2_and_2_4(looks, r_p_80, r_b_80, r_p_90, r_b_90):
    t = np.arange(1, looks + 1) / looks
    c_p = _classic_constant(looks, POCOCK, 0.05)
    c_b = _classic_constant(looks, OBF, 0.05)
    assert _inflation(c_p * POCOCK(t), t, 0.05, 0.8) == pytest.approx(r_p_80, abs=6e-4)
    assert _inflation(c_b * OBF(t), t, 0.05, 0.8) == pytest.approx(r_b_80, abs=6e-4)
    assert _inflation(c_p * POCOCK(t), t, 0.05, 0.9) == pytest.approx(r_p_90, abs=6e-4)
    assert _inflation(c_b * OBF(t), t, 0.05, 0.9) == pytest.approx(r_b_90, abs=6e-4)


def test_recursion_agrees_with_scipy_multivariate_normal():
    # An independent method for the joint probability: P(Z1 < 2.2, Z2 < 2.1, Z3 < 2.0) under H0,
    # corr(Z_i, Z_j) = √(t_i/t_j), from scipy's multivariate normal CDF (Genz's algorithm).
    t = np.array([0.3, 0.6, 1.0])
    b = np.array([2.2, 2.1, 2.0])
    cov = np.sqrt(np.minimum.outer(t, t) / np.maximum.outer(t, t))
    ref = stats.multivariate_normal.cdf(b, mean=np.zeros(3), cov=cov, maxpts=1_000_000, abseps=1e-8, releps=1e-8,
                                        rng=np.random.default_rng(7))  # quasi-Monte Carlo: seeded
    up, _ = sq.exit_probabilities(b, t)
    assert 1 - up.sum() == pytest.approx(ref, abs=2e-6)


# ------------------------------------------------------------------ Lan–DeMets boundaries


def test_obrien_fleming_spending_matches_gsdesign_documentation():
    # gsDesign(alpha = .025, k = 3, test.type = 1, sfu = sfLDOF, timing = c(.5, .75, 1))$upper$bound
    # → 2.962588 2.359018 2.014084 (gsDesign2 documentation, gs_b example).
    b = sq.boundaries(3, alpha=0.025, alternative="one-sided", information=(0.5, 0.75, 1.0))
    assert b.z == pytest.approx((2.962588, 2.359018, 2.014084), abs=2e-6)


def test_obrien_fleming_spending_matches_rpact_design_summary():
    # rpact getDesignGroupSequential(typeOfDesign = "asOF", kMax = 3, alpha = 0.025, sided = 1):
    # efficacy boundaries 3.710, 2.511, 1.993; cumulative alpha spent 0.0001, 0.0060, 0.0250.
    b = sq.boundaries(3, alpha=0.025, alternative="one-sided")
    assert b.z == pytest.approx((3.710, 2.511, 1.993), abs=6e-4)
    assert b.alpha_spent == pytest.approx((0.0001, 0.0060, 0.0250), abs=6e-5)


def test_pocock_spending_matches_rpact_unit_test():
    # rpact test x6b: getDesignGroupSequential(informationRates = c(0.4, 0.7), typeOfDesign = "asP")
    # (alpha = 0.025 one-sided): alphaSpent 0.013078429, 0.0197432; criticalValues 2.223875, 2.3050796.
    b = sq.boundaries(2, alpha=0.025, alternative="one-sided", spending="pocock", information=(0.4, 0.7))
    assert b.alpha_spent == pytest.approx((0.013078429, 0.0197432), abs=1e-8)
    assert b.z == pytest.approx((2.223875, 2.3050796), abs=2e-6)


@pytest.mark.parametrize("spending, expected", [
    # Lan–DeMets tables, ldbounds convention: K = 4 equally spaced, two-sided α = 0.05 (0.025 a side)
    ("obrien-fleming", (4.333, 2.963, 2.359, 2.014)),
    ("pocock", (2.368, 2.368, 2.358, 2.350)),
])
def test_two_sided_design_spends_half_on_each_side(spending, expected):
    two = sq.boundaries(4, alpha=0.05, spending=spending)
    assert two.z == pytest.approx(expected, abs=6e-4)
    one = sq.boundaries(4, alpha=0.025, alternative="one-sided", spending=spending)
    assert two.z == pytest.approx(one.z, abs=2e-5)  # crossing one side after the other is negligible
    assert two.alpha_spent[-1] == pytest.approx(0.05)


def test_one_look_is_the_fixed_design():
    d = sq.design(1, alpha=0.05, power=0.8)
    assert d.boundaries.z == pytest.approx((stats.norm.isf(0.025),))
    assert d.inflation == 1.0 and d.expected_fraction_h1 == 1.0
    assert d.drift == pytest.approx(1.959964 + 0.841621, abs=1e-6)


def test_spending_functions_by_hand():
    # O'Brien–Fleming type at t = 0.5, one-sided 0.025: 2 − 2Φ(2.241403/√0.5) = 2 − 2Φ(3.169822) = 0.0015253
    assert float(sq.alpha_spent(0.5, 0.025, "obrien-fleming")) == pytest.approx(0.0015253, abs=1e-7)
    # Pocock type: 0.025 × ln(1 + (e − 1) × 0.5) = 0.025 × ln(1.859141) = 0.025 × 0.620115 = 0.0155029
    assert float(sq.alpha_spent(0.5, 0.025, "pocock")) == pytest.approx(0.0155029, abs=1e-7)
    for s in sq.SPENDING:
        assert float(sq.alpha_spent(0.0, 0.05, s)) == 0 and float(sq.alpha_spent(1.0, 0.05, s)) == pytest.approx(0.05)


def test_monte_carlo_size_and_power_of_a_five_look_design():
    # Independent check of the design's size and power (no published table for Lan–DeMets power):
    # 200,000 Brownian paths with a fixed seed. Tolerance: 4 standard errors of a proportion
    # (√(p(1 − p)/200,000) ≈ 0.00049 at p = 0.05, 0.00089 at p = 0.8).
    d = sq.design(5, alpha=0.05, power=0.8, spending="pocock")
    t = np.asarray(d.boundaries.information)
    rng = np.random.default_rng(20240611)
    n = 200_000
    steps = rng.standard_normal((n, t.size)) * np.sqrt(np.diff(np.concatenate([[0.0], t])))
    b = np.asarray(d.boundaries.z)
    for drift, target, se in ((0.0, 0.05, 0.00049), (d.drift, 0.8, 0.00089)):
        s = np.cumsum(steps + drift * np.diff(np.concatenate([[0.0], t])), axis=1)
        z = s / np.sqrt(t)
        crossed = (np.abs(z) >= b).any(axis=1) if drift == 0 else (z >= b).any(axis=1)
        assert crossed.mean() == pytest.approx(target, abs=4 * se)


# ------------------------------------------------------------------ properties


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 8), st.sampled_from(sq.SPENDING), st.floats(0.01, 0.2), st.floats(0.5, 0.95),
       st.sampled_from(sq.ALTERNATIVES))
def test_more_looks_never_lower_the_maximum_sample(looks, spending, alpha, power, alternative):
    fewer = sq.design(looks, alpha=alpha, power=power, spending=spending, alternative=alternative)
    more = sq.design(looks + 1, alpha=alpha, power=power, spending=spending, alternative=alternative)
    assert more.inflation >= fewer.inflation - 1e-9
    assert fewer.inflation >= 1 - 1e-9


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 10), st.sampled_from(sq.SPENDING), st.floats(0.005, 0.2))
def test_the_design_spends_exactly_alpha(looks, spending, alpha):
    b = sq.boundaries(looks, alpha=alpha, spending=spending)
    up, low = sq.exit_probabilities(b.z, b.information, two_sided=True)
    assert up.sum() + low.sum() == pytest.approx(alpha, rel=1e-6)
    assert np.all(np.diff(b.alpha_spent) >= 0)


# ------------------------------------------------------------------ reading looks


def test_monitor_reports_the_first_crossing_and_stops():
    # planned boundaries of 4 equal looks, one-sided 0.025: 4.333, 2.963, 2.359, 2.014
    m = sq.monitor([1.0, 3.1, 4.0], [0.25, 0.5, 0.75], alpha=0.025, alternative="one-sided")
    assert m.stopped_at == 2 and len(m.looks) == 2
    assert m.looks[1].crossed == "efficacy" and m.looks[1].boundary == pytest.approx(2.963, abs=6e-4)
    assert "crossed" in m.decision and "stop" in m.decision


def test_monitor_recomputes_boundaries_at_the_actual_information():
    # A look later than planned (60% instead of 50%) spends more alpha, so its boundary is lower.
    planned = sq.boundaries(2, alpha=0.05, information=(0.25, 0.5))
    late = sq.monitor([1.0, 2.0], [0.25, 0.6], alpha=0.05)
    assert late.looks[1].boundary < planned.z[1]
    assert not late.stopped_at and not late.final and "continue" in late.decision


def test_monitor_two_sided_harm_and_final_look():
    harm = sq.monitor([-5.0], [0.3], alpha=0.05)
    assert harm.looks[0].crossed == "harm" and "worse" in harm.decision
    final = sq.monitor([0.5, 1.0], [0.5, 1.2], alpha=0.05)
    assert final.final and final.stopped_at is None and "without proving" in final.decision
    assert final.looks[1].information == 1.0


@pytest.mark.parametrize("kwargs, field", [
    (dict(looks=0), "looks"), (dict(looks=21), "looks"), (dict(looks=2.5), "looks"), (dict(looks=True), "looks"),
    (dict(looks="3"), "looks"), (dict(looks=10**400), "looks"), (dict(looks=math.inf), "looks"),
    (dict(alpha=0), "alpha"), (dict(alpha=1.5), "alpha"), (dict(spending="haybittle"), "spending"),
    (dict(alternative="less"), "alternative"), (dict(information=(0.5, 0.4)), "information"),
    (dict(information=(0.0, 1.0)), "information"), (dict(information=tuple(np.linspace(0.01, 1, 21))), "information"),
])
def test_impossible_designs_name_the_field(kwargs, field):
    args = dict(looks=kwargs.pop("looks", 2)) if "information" not in kwargs else {}
    with pytest.raises(ValueError, match=rf"^{field}:"):
        sq.boundaries(**args, **kwargs)


@pytest.mark.parametrize("z, t, field", [
    ([1.0], [1.0, 2.0], "z_values"), ([math.nan], [0.5], "z_values"), ([1.0, 2.0], [0.5, 0.4], "information"),
    ([1.0, 2.0], [1.0, 1.5], "information"), ([1.0] * 21, list(np.linspace(0.01, 1, 21)), "looks"),
])
def test_monitor_refuses_impossible_looks(z, t, field):
    with pytest.raises(ValueError, match=rf"^{field}:"):
        sq.monitor(z, t)


def test_design_refuses_bad_power():
    with pytest.raises(ValueError, match="^power:"):
        sq.design(3, power=1.0)


def test_read_look_on_plan_matches_the_planned_boundary():
    # Look 2 of 4 at exactly half the maximum sample: the planned boundary 2.963 (two-sided 0.05).
    look = sq.read_look(3.0, 0.5, look=2, looks=4)
    assert look.boundary == pytest.approx(2.963, abs=6e-4) and look.crossed == "efficacy"
    assert sq.read_look(2.9, 0.5, look=2, looks=4).crossed == ""
    assert sq.read_look(-3.0, 0.5, look=2, looks=4).crossed == "harm"
    # a final look beyond the maximum sample spends what is left: planned final boundary 2.014
    assert sq.read_look(2.1, 1.3, look=4, looks=4).boundary == pytest.approx(2.014, abs=6e-4)


@pytest.mark.parametrize("kwargs, field", [
    (dict(look=5, looks=4), "look"), (dict(look=3, looks=4, information=0.4), "information"),
    (dict(look=1, looks=4, information=0), "information"), (dict(look=1, looks=4, z=math.inf), "z"),
])
def test_read_look_refuses(kwargs, field):
    args = dict(z=1.0, information=0.5) | kwargs
    with pytest.raises(ValueError, match=rf"^{field}:"):
        sq.read_look(**args)
