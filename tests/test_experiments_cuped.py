"""CUPED (roi.experiments.cuped): the variance identity on simulated data, statsmodels and scipy
references for the adjusted and unadjusted comparisons, and the (1 − ρ²) planning factor."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from roi.experiments.cuped import compare_means, difference, variance_factor


def _simulate(n: int = 20_000, rho: float = 0.6, effect: float = 0.5, seed: int = 3):
    """Customers with pre-period x and test-period y, corr(x, y) = rho, and a treatment effect."""
    rng = np.random.default_rng(seed)
    x = rng.normal(10, 4, n)
    noise = rng.normal(0, 4, n)
    y = 10 + rho * (x - 10) + math.sqrt(1 - rho**2) * noise
    treated = rng.random(n) < 0.5
    return x, y + effect * treated, treated


def test_variance_factor():
    assert variance_factor(0.5) == 0.75 and variance_factor(-0.5) == 0.75
    assert variance_factor(r_squared=0.25) == 0.75
    assert variance_factor() == variance_factor(0.0) == 1.0


@pytest.mark.parametrize("kwargs, field", [
    (dict(rho=1.0), "cuped_rho"), (dict(rho=-1.0), "cuped_rho"), (dict(rho=math.nan), "cuped_rho"),
    (dict(r_squared=1.0), "cuped_r_squared"), (dict(rho=0.5, r_squared=0.25), "cuped_rho"),
])
def test_variance_factor_refuses(kwargs, field):
    with pytest.raises(ValueError, match=rf"^{field}:"):
        variance_factor(**kwargs)


def test_cuped_variance_identity_on_simulated_data():
    # With the pooled θ = cov(X, Y)/var(X): var(Y − θX) = var(Y)(1 − ρ̂²) exactly (sample moments).
    x, y, treated = _simulate()
    r = compare_means(y, treated, x)
    theta = np.cov(x, y, ddof=1)[0, 1] / x.var(ddof=1)
    rho_hat = np.corrcoef(x, y)[0, 1]
    assert r.theta == pytest.approx(theta, rel=1e-12) and r.rho == pytest.approx(rho_hat, rel=1e-12)
    assert np.var(y - theta * x, ddof=1) == pytest.approx(np.var(y, ddof=1) * (1 - rho_hat**2), rel=1e-10)
    # Per arm the same holds up to the arms' own correlations: the adjusted standard error shrinks by
    # about √(1 − ρ²) (ρ ≈ 0.6 → 0.8; ρ̂ is a little lower because the effect adds variance to y).
    assert r.variance_reduction == pytest.approx(rho_hat**2, abs=0.01)
    assert r.adjusted.se / r.unadjusted.se == pytest.approx(math.sqrt(1 - rho_hat**2), abs=0.01)


def test_adjusted_effect_matches_statsmodels_ancova():
    # Independent estimator: OLS of y on the treatment indicator and the centred covariate
    # (statsmodels, HC2 errors). With a randomised arm the common slope ≈ the pooled θ, so both
    # effects agree to a small fraction of their standard error.
    x, y, treated = _simulate(seed=11)
    r = compare_means(y, treated, x)
    X = sm.add_constant(np.column_stack([treated.astype(float), x - x.mean()]))
    fit = sm.OLS(y, X).fit(cov_type="HC2")
    assert r.adjusted.abs_effect == pytest.approx(fit.params[1], abs=0.05 * r.adjusted.se)
    assert r.adjusted.se == pytest.approx(fit.bse[1], rel=0.02)
    assert r.adjusted.abs_effect == pytest.approx(0.5, abs=4 * r.adjusted.se)  # unbiased for the true effect


def test_unadjusted_comparison_is_welch():
    # scipy's Welch t statistic is the same formula as our z; with 20,000 customers t ≈ normal.
    x, y, treated = _simulate(seed=5)
    r = compare_means(y, treated)
    t = stats.ttest_ind(y[treated], y[~treated], equal_var=False)
    assert r.unadjusted.z == pytest.approx(t.statistic, rel=1e-10)
    assert r.unadjusted.p_value == pytest.approx(t.pvalue, rel=1e-3)
    assert r.adjusted is None and r.theta is None and r.best is r.unadjusted


def test_difference_by_hand():
    # control 50 ± 118 (n 5,000), treatment 52 ± 120 (n 95,000):
    # se = √(120²/95,000 + 118²/5,000) = √(0.151579 + 2.784800) = √2.936379 = 1.713587,
    # z = 2 / 1.713587 = 1.167143, p = 2(1 − Φ(1.167143)) = 0.243153; interval 2 ± 1.959964 × 1.713587.
    d = difference(50, 118**2, 5_000, 52, 120**2, 95_000)
    assert d.se == pytest.approx(1.713587, abs=1e-6) and d.z == pytest.approx(1.167143, abs=1e-6)
    assert d.p_value == pytest.approx(0.243153, abs=1e-6)
    assert d.ci_abs == pytest.approx((2 - 1.959964 * 1.713587, 2 + 1.959964 * 1.713587), abs=1e-5)
    # relative: 52/50 − 1 = 0.04; se = √(120²/(95,000 × 50²) + 52² × 118²/(5,000 × 50⁴)) = 0.035400
    assert d.rel_effect == pytest.approx(0.04)
    se_rel = math.sqrt(120**2 / (95_000 * 50**2) + 52**2 * 118**2 / (5_000 * 50**4))
    assert d.ci_rel == pytest.approx((0.04 - 1.959964 * se_rel, 0.04 + 1.959964 * se_rel), abs=1e-6)


def test_one_sided_p_value_agrees_with_the_interval():
    # The one-sided p is 1 − Φ(z) and the interval is at 1 − 2α, so p < α ⇔ lower bound > 0.
    for mean_t in (50.5, 52.0, 53.0, 54.0):
        d = difference(50, 118**2, 5_000, mean_t, 120**2, 95_000, alternative="one-sided")
        assert d.p_value == pytest.approx(stats.norm.sf(d.z))
        assert (d.p_value < 0.05) == (d.ci_abs[0] > 0)


def test_degenerate_comparisons():
    flat = difference(10, 0, 100, 10, 0, 100)
    assert flat.p_value == 1.0 and flat.z == 0
    certain = difference(10, 0, 100, 11, 0, 100)
    assert certain.p_value == 0.0 and certain.rel_effect == pytest.approx(0.1)
    zero_control = difference(0, 1, 100, 1, 1, 100)
    assert zero_control.rel_effect is None and zero_control.ci_rel is None
    constant_covariate = compare_means(np.array([1.0, 2, 3, 4]), np.array([0, 1, 0, 1], bool), np.ones(4))
    assert constant_covariate.theta == 0.0
    assert constant_covariate.adjusted.abs_effect == pytest.approx(constant_covariate.unadjusted.abs_effect)


@pytest.mark.parametrize("args, field", [
    ((np.ones(3), np.array([True, False, False])), "treated"),
    ((np.array([1.0, np.nan, 2, 3]), np.array([True, True, False, False])), "outcome"),
    ((np.ones(4), np.array([True, True, False]),), "outcome"),
])
def test_compare_means_refuses(args, field):
    with pytest.raises(ValueError, match=rf"^{field}:"):
        compare_means(*args)


def test_compare_means_refuses_a_bad_covariate():
    with pytest.raises(ValueError, match="^covariate:"):
        compare_means(np.ones(4), np.array([True, True, False, False]), np.array([1.0, 2.0, np.inf, 3.0]))
