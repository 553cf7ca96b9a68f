"""Sample size, detectable effect and duration (roi.experiments.power).

Reference values say where they came from. Quantiles used in the hand computations:
z_0.975 = norm.ppf(0.975) = 1.959964, z_0.95 = 1.644854, z_0.8 = norm.ppf(0.8) = 0.841621.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.power import NormalIndPower

from roi.experiments import power as pw

# ------------------------------------------------------------------ reference values


def test_evan_miller_by_hand():
    # p1 = 0.05, relative MDE 10% → p2 = 0.055, δ = 0.005.
    # σ0 = √(2 × 0.05 × 0.95) = √0.095 = 0.308221; σ1 = √(0.05×0.95 + 0.055×0.945) = √0.099475 = 0.315397
    # n = (1.959964 × 0.308221 + 0.841621 × 0.315397)² / 0.005² = (0.604103 + 0.265445)² / 2.5e-5 = 30244.4
    s = pw.sample_size(0.05, 0.10)
    assert s.method == "evan-miller"
    assert s.n_exact == pytest.approx(30244.4, abs=0.2)
    assert s.n_per_variant == 30245 and s.total_n == 60490
    assert s.treatment == pytest.approx(0.055) and s.abs_effect == pytest.approx(0.005)


def test_evan_miller_absolute_mde_by_hand():
    # p1 = 0.20, absolute MDE 0.05 → p2 = 0.25 (the default inputs of Evan Miller's calculator page).
    # σ0 = √(2×0.2×0.8) = 0.565685; σ1 = √(0.16 + 0.1875) = 0.589491
    # n = (1.959964×0.565685 + 0.841621×0.589491)² / 0.0025 = (1.108716 + 0.496128)² / 0.0025 = 1030.2
    s = pw.sample_size(0.20, 0.05, relative=False)
    assert s.n_exact == pytest.approx(1030.2, abs=0.1)
    assert s.n_per_variant == 1031


def test_pooled_by_hand():
    # p̄ = (0.05 + 0.055)/2 = 0.0525; σ0 = √(2 × 0.0525 × 0.9475) = √0.0994875 = 0.315416
    # n = (1.959964 × 0.315416 + 0.841621 × 0.315397)² / 2.5e-5 = (0.618204 + 0.265445)² / 2.5e-5 = 31233.4
    s = pw.sample_size(0.05, 0.10, method="pooled")
    assert s.n_exact == pytest.approx(31233.4, abs=0.2)
    assert s.n_per_variant == 31234


def test_pooled_needs_more_than_evan_miller_for_an_increase():
    # The pooled null variance p̄(1 − p̄) exceeds p1(1 − p1) when p1 < p̄ ≤ 0.5.
    assert pw.sample_size(0.05, 0.1, method="pooled").n_exact > pw.sample_size(0.05, 0.1).n_exact


def test_arcsine_matches_statsmodels_and_cohen_h():
    # Independent: statsmodels NormalIndPower on Cohen's h written out by hand, and the closed form
    # n = 2 (z_α + z_β)² / h² of R's pwr.2p.test (h = 2 asin √0.055 − 2 asin √0.05 = 0.0224243).
    h = 2 * math.asin(math.sqrt(0.055)) - 2 * math.asin(math.sqrt(0.05))
    assert h == pytest.approx(0.0224243, abs=1e-7)
    ref = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=1.0)
    s = pw.sample_size(0.05, 0.10, method="arcsine")
    assert s.n_exact == pytest.approx(ref, rel=1e-9)
    assert s.n_exact == pytest.approx(2 * (1.959964 + 0.841621) ** 2 / h**2, rel=1e-4)  # 31217.4
    assert s.n_per_variant == 31218


def test_one_sided_uses_the_one_sided_quantile():
    # z_α = 1.644854: n = (1.644854 × 0.308221 + 0.841621 × 0.315397)² / 2.5e-5 = (0.506978 + 0.265444)²/2.5e-5
    #   = 0.596636 / 2.5e-5 = 23865.5
    s = pw.sample_size(0.05, 0.10, alternative="one-sided")
    assert s.n_exact == pytest.approx(23865.5, abs=0.5)
    arc = pw.sample_size(0.05, 0.10, alternative="one-sided", method="arcsine")
    h = 2 * math.asin(math.sqrt(0.055)) - 2 * math.asin(math.sqrt(0.05))
    assert arc.n_exact == pytest.approx(2 * (1.644854 + 0.841621) ** 2 / h**2, rel=1e-4)  # 24590.0


def test_sidak_and_bonferroni_corrections():
    # Three variants → two comparisons. Šidák α_c = 1 − 0.95^(1/2) = 0.0253206; Bonferroni 0.025.
    sidak = pw.sample_size(0.05, 0.1, variants=3)
    bonf = pw.sample_size(0.05, 0.1, variants=3, correction="bonferroni")
    assert sidak.design.alpha_per_comparison == pytest.approx(0.0253206, abs=1e-7)
    assert bonf.design.alpha_per_comparison == pytest.approx(0.025)
    assert sidak.design.comparisons == 2 and sidak.total_n == 3 * sidak.n_per_variant
    # z_{1 − 0.0125} = 2.241403 → n = (2.241403×0.308221 + 0.841621×0.315397)²/2.5e-5
    #   = (0.690847 + 0.265444)² / 2.5e-5 = 0.914493 / 2.5e-5 = 36579.7
    assert bonf.n_exact == pytest.approx(36579.7, abs=0.5)
    assert bonf.n_per_variant > sidak.n_per_variant > pw.sample_size(0.05, 0.1).n_per_variant


def test_continuous_by_hand():
    # Revenue per visitor: mean 10, sd 20, MDE 5% → δ = 0.5, d = 0.025.
    # n = 2 (1.959964 + 0.841621)² / 0.025² = 2 × 7.848877 / 0.000625 = 25116.4
    s = pw.sample_size_continuous(10, 20, 0.05)
    assert s.n_exact == pytest.approx(25116.4, abs=0.5)
    assert s.metric == "continuous" and s.treatment == pytest.approx(10.5)


def test_duration_by_hand():
    # 30,245 per variant × 2 variants / (5,000 visitors a day × 50% allocation) = 24.196 days.
    d = pw.duration(30245, 5000, allocation=0.5)
    assert d.days_exact == pytest.approx(24.196)
    assert d.days == 25 and d.weeks == pytest.approx(24.196 / 7)


# ------------------------------------------------------------------ solve-back


@pytest.mark.parametrize("method", pw.METHODS)
@pytest.mark.parametrize("alternative", pw.ALTERNATIVES)
@pytest.mark.parametrize("baseline, mde", [(0.05, 0.10), (0.2, 0.05), (0.01, 0.3), (0.6, 0.2)])
def test_power_at_returned_n_reaches_target(method, alternative, baseline, mde):
    s = pw.sample_size(baseline, mde, method=method, alternative=alternative, power=0.8)
    assert pw.power_at(s.n_per_variant, baseline, mde, method=method, alternative=alternative) >= 0.8
    assert pw.power_at(s.n_exact, baseline, mde, method=method, alternative=alternative) == pytest.approx(0.8, abs=1e-6)
    # one visitor fewer than the rounded-up n, minus one, falls short
    assert pw.power_at(s.n_per_variant - 2, baseline, mde, method=method, alternative=alternative) < 0.8


@pytest.mark.parametrize("method", pw.METHODS)
def test_detectable_effect_inverts_sample_size(method):
    s = pw.sample_size(0.05, 0.10, method=method)
    e = pw.detectable_effect(0.05, s.n_exact, method=method)
    # statsmodels' root finder (arcsine) is accurate to about 1e-5 relative
    assert e.detectable and e.rel_effect == pytest.approx(0.10, rel=1e-4)


def test_detectable_effect_continuous_inverts():
    s = pw.sample_size_continuous(10, 20, 0.05)
    assert pw.detectable_effect_continuous(10, 20, s.n_exact).rel_effect == pytest.approx(0.05, rel=1e-4)


# ------------------------------------------------------------------ degenerate cases


@pytest.mark.parametrize("method", pw.METHODS)
def test_tiny_traffic_detects_nothing(method):
    # Two visitors per arm cannot detect even a jump of 50% → 100%.
    e = pw.detectable_effect(0.5, 2, method=method)
    assert not e.detectable and e.rel_effect is None


def test_huge_traffic_detects_tiny_effects():
    e = pw.detectable_effect(0.05, 1e12)
    assert e.detectable and 0 < e.rel_effect < 1e-3


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(baseline=0.0, mde=0.1), "baseline"),
        (dict(baseline=1.0, mde=0.1), "baseline"),
        (dict(baseline=1.5, mde=0.1), "baseline"),
        (dict(baseline=0.05, mde=0.0), "mde"),
        (dict(baseline=0.05, mde=-0.1), "mde"),
        (dict(baseline=0.6, mde=1.0), "mde"),  # 0.6 × 2 = 1.2 ≥ 1
        (dict(baseline=0.05, mde=0.1, alpha=0.0), "alpha"),
        (dict(baseline=0.05, mde=0.1, power=1.0), "power"),
        (dict(baseline=0.05, mde=0.1, variants=1), "variants"),
        (dict(baseline=0.05, mde=0.1, method="bayes"), "method"),
        (dict(baseline=0.05, mde=0.1, correction="holm"), "correction"),
    ],
)
def test_impossible_inputs_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=rf"^{field}:"):
        pw.sample_size(**kwargs)


def test_duration_refuses_zero_traffic():
    with pytest.raises(ValueError, match="^daily_traffic:"):
        pw.duration(1000, 0)
    with pytest.raises(ValueError, match="^allocation:"):
        pw.duration(1000, 100, allocation=0)


def test_tiny_traffic_duration_is_long_not_an_error():
    assert pw.duration(30245, 0.5).days_exact == pytest.approx(120980)


# ------------------------------------------------------------------ curve


@pytest.mark.parametrize("method", pw.METHODS)
def test_curve_matches_scalar_and_drops_impossible_points(method):
    curve = pw.sample_size_curve(0.3, np.array([0.05, 0.1, 0.2, 3.0]), method=method, daily_traffic=1000)
    assert list(curve["mde"]) == [0.05, 0.1, 0.2]  # 0.3 × 4 ≥ 1 is dropped
    for row in curve.itertuples():
        assert row.n_per_variant == pw.sample_size(0.3, row.mde, method=method).n_per_variant
    assert curve["days"].iloc[0] == pytest.approx(curve["total_n"].iloc[0] / 1000)
    scaled = pw.sample_size_curve(0.3, np.array([0.05, 0.1]), method=method, scale=0.75)
    for row in scaled.itertuples():  # CUPED with ρ = 0.5: ⌈n_exact × 0.75⌉
        assert row.n_per_variant == math.ceil(pw.sample_size(0.3, row.mde, method=method).n_exact * 0.75 - 1e-9)


# ------------------------------------------------------------------ properties

baselines = st.floats(0.001, 0.9)
mdes = st.floats(0.01, 0.5)


@settings(max_examples=60, deadline=None)
@given(baselines, mdes, mdes, st.sampled_from(pw.METHODS))
def test_larger_mde_never_needs_more_sample(p, m1, m2, method):
    small, large = sorted((m1, m2))
    if p * (1 + large) >= 1:
        return
    assert (pw.sample_size(p, large, method=method).n_exact
            <= pw.sample_size(p, small, method=method).n_exact * (1 + 1e-9))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 10**7), st.floats(1, 1e6), st.floats(1, 1e6))
def test_more_traffic_never_lengthens_the_test(n, t1, t2):
    low, high = sorted((t1, t2))
    assert pw.duration(n, high).days_exact <= pw.duration(n, low).days_exact


@settings(max_examples=40, deadline=None)
@given(baselines, mdes, st.sampled_from(pw.METHODS), st.integers(2, 5))
def test_more_power_or_variants_never_needs_less(p, m, method, variants):
    if p * (1 + m) >= 1:
        return
    base = pw.sample_size(p, m, method=method, variants=variants).n_exact
    assert pw.sample_size(p, m, method=method, variants=variants, power=0.9).n_exact >= base
    assert pw.sample_size(p, m, method=method, variants=variants + 1).n_exact >= base
