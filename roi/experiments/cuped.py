"""CUPED: variance reduction with a pre-period covariate, for planning and for analysis.

CUPED (Deng, Xu, Kohavi & Walker 2013) subtracts ``θ (X − X̄)`` from each customer's metric
``Y``, where ``X`` is the same metric before the test. Randomisation makes ``X`` independent of
the arm, so the effect estimate stays unbiased while its variance shrinks by ``1 − ρ²``
(``ρ`` = correlation of ``X`` and ``Y``): the same test needs ``(1 − ρ²)`` times the sample.
``θ`` is pooled over both arms, as in GrowthBook's gbstats; variances are per arm (Welch).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALTERNATIVES = ("two-sided", "one-sided")


def variance_factor(rho: float | None = None, *, r_squared: float | None = None) -> float:
    """Share of the variance (and of the sample) left after CUPED: ``1 − ρ²``.

    Give the pre-period correlation ``rho`` (−1 < ρ < 1) or the share of variance it explains,
    ``r_squared`` (0 ≤ R² < 1); neither means no covariate (factor 1).

    >>> variance_factor(0.5)
    0.75
    """
    if rho is not None and r_squared is not None:
        raise ValueError("cuped_rho: give the correlation or R², not both")
    if r_squared is not None:
        r2 = float(r_squared)
        if not (math.isfinite(r2) and 0 <= r2 < 1):
            raise ValueError(f"cuped_r_squared: must be at least 0 and below 1, got {r2:g}")
        return 1.0 - r2
    if rho is None:
        return 1.0
    r = float(rho)
    if not (math.isfinite(r) and -1 < r < 1):
        raise ValueError(f"cuped_rho: must be between -1 and 1, exclusive (a correlation of ±1 would "
                         f"leave no variance to test), got {r:g}")
    return 1.0 - r * r


@dataclass(frozen=True)
class MeanDifference:
    """Treatment − control difference of a per-customer metric, with its test and interval."""

    control_mean: float  # metric units per customer (e.g. currency over the test period)
    treatment_mean: float
    abs_effect: float  # treatment − control, metric units per customer
    ci_abs: tuple[float, float]
    rel_effect: float | None  # treatment / control − 1; None when the control mean is 0
    ci_rel: tuple[float, float] | None  # delta-method interval of the relative effect
    se: float  # standard error of abs_effect
    z: float
    p_value: float


@dataclass(frozen=True)
class CupedComparison:
    """A comparison of means, unadjusted and (with a covariate) CUPED-adjusted."""

    n_control: int
    n_treatment: int
    alpha: float
    alternative: str
    confidence: float  # level of the intervals (1 − α two-sided, 1 − 2α one-sided)
    unadjusted: MeanDifference
    adjusted: MeanDifference | None  # None without a covariate
    theta: float | None  # pooled cov(X, Y) / var(X)
    rho: float | None  # pooled correlation of covariate and metric
    variance_reduction: float | None  # 1 − se_adjusted² / se_unadjusted²

    @property
    def best(self) -> MeanDifference:
        """The adjusted comparison when there is one, else the unadjusted."""
        return self.adjusted or self.unadjusted


def check_alternative(alpha: float, alternative: str) -> tuple[float, float]:
    """Validated ``alpha`` and the critical value of the (two-sided) intervals it implies."""
    a = float(alpha)
    if not (math.isfinite(a) and 0 < a < 1):
        raise ValueError(f"alpha: must be in (0, 1) as a fraction (e.g. 0.05), got {a:g}")
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative: must be one of {', '.join(ALTERNATIVES)}, got {alternative!r}")
    ci_alpha = a if alternative == "two-sided" else min(2 * a, 0.999)
    return ci_alpha, float(stats.norm.isf(ci_alpha / 2))


def difference(
    mean_c: float, var_c: float, n_c: int, mean_t: float, var_t: float, n_t: int,
    *, alpha: float = 0.05, alternative: str = "two-sided",
) -> MeanDifference:
    """z-test and intervals for ``mean_t − mean_c`` from per-arm means and variances.

    Notes
    -----
    ``se = √(var_t/n_t + var_c/n_c)``, ``z = (mean_t − mean_c)/se``; two-sided
    ``p = 2(1 − Φ(|z|))``, one-sided (H₁: treatment better) ``p = 1 − Φ(z)``. Intervals are
    two-sided at ``1 − α`` for a two-sided test and at ``1 − 2α`` for a one-sided one, so their
    lower bound is the one-sided bound and they agree with the p-value. Relative effect
    ``mean_t/mean_c − 1`` with the delta-method variance
    ``var_t/(n_t mean_c²) + mean_t² var_c/(n_c mean_c⁴)`` (as GrowthBook's gbstats).
    When both variances are zero the arms cannot differ by chance: ``p`` is 0 for a difference,
    else 1 (0.5 one-sided).
    """
    ci_alpha, zc = check_alternative(alpha, alternative)
    diff = mean_t - mean_c
    se = math.sqrt(max(var_t, 0.0) / n_t + max(var_c, 0.0) / n_c)
    if se > 0:
        z = diff / se
        p = float(2 * stats.norm.sf(abs(z))) if alternative == "two-sided" else float(stats.norm.sf(z))
    elif diff == 0:
        z, p = 0.0, (1.0 if alternative == "two-sided" else 0.5)
    else:  # no noise at all: any difference is certain
        z = math.copysign(math.inf, diff)
        p = 0.0 if (diff > 0 or alternative == "two-sided") else 1.0
    rel = ci_rel = None
    if mean_c != 0:
        rel = mean_t / mean_c - 1
        se_rel = math.sqrt(max(var_t, 0.0) / (n_t * mean_c**2) + mean_t**2 * max(var_c, 0.0) / (n_c * mean_c**4))
        ci_rel = (rel - zc * se_rel, rel + zc * se_rel)
    return MeanDifference(control_mean=mean_c, treatment_mean=mean_t, abs_effect=diff,
                          ci_abs=(diff - zc * se, diff + zc * se), rel_effect=rel, ci_rel=ci_rel,
                          se=se, z=z, p_value=p)


def compare_means(
    outcome: np.ndarray,
    treated: np.ndarray,
    covariate: np.ndarray | None = None,
    *,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> CupedComparison:
    """Compare a per-customer metric between arms, unadjusted and CUPED-adjusted.

    Parameters
    ----------
    outcome : metric per customer over the test period (e.g. revenue).
    treated : True for customers in the treatment (exposed) group.
    covariate : the same metric per customer before the test, or ``None``.

    Notes
    -----
    ``θ = cov(X, Y) / var(X)`` over both arms together; adjusted arm mean
    ``Ȳ_i − θ (X̄_i − X̄)`` and adjusted arm variance ``s²_Y + θ² s²_X − 2θ s_XY`` (within the
    arm), fed to :func:`difference`. With the pooled ``θ`` the pooled variance identity
    ``var(Y − θX) = var(Y)(1 − ρ²)`` holds exactly, which the tests check. A covariate with no
    variance cannot adjust anything: ``θ = 0``.
    """
    y = np.asarray(outcome, dtype=float)
    g = np.asarray(treated, dtype=bool)
    if y.ndim != 1 or g.shape != y.shape:
        raise ValueError("outcome: give one value and one group per customer")
    if not np.all(np.isfinite(y)):
        raise ValueError("outcome: every value must be a finite number")
    n_t, n_c = int(g.sum()), int((~g).sum())
    if n_t < 2 or n_c < 2:
        raise ValueError(f"treated: each group needs at least 2 customers (control {n_c}, treatment {n_t})")
    ci_alpha, _ = check_alternative(alpha, alternative)

    def arm(values: np.ndarray) -> tuple[float, float]:
        return float(values.mean()), float(values.var(ddof=1))

    (mc, vc), (mt, vt) = arm(y[~g]), arm(y[g])
    unadjusted = difference(mc, vc, n_c, mt, vt, n_t, alpha=alpha, alternative=alternative)
    adjusted = theta = rho = reduction = None
    if covariate is not None:
        x = np.asarray(covariate, dtype=float)
        if x.shape != y.shape or not np.all(np.isfinite(x)):
            raise ValueError("covariate: give one finite pre-period value per customer")
        var_x = float(x.var(ddof=1))
        cov_xy = float(np.cov(x, y, ddof=1)[0, 1])
        theta = cov_xy / var_x if var_x > 0 else 0.0
        var_y = float(y.var(ddof=1))
        rho = cov_xy / math.sqrt(var_x * var_y) if var_x > 0 and var_y > 0 else 0.0
        x_bar = float(x.mean())

        def adjusted_arm(mask: np.ndarray) -> tuple[float, float]:
            ya, xa = y[mask], x[mask]
            c = float(np.cov(xa, ya, ddof=1)[0, 1])
            v = float(ya.var(ddof=1) + theta**2 * xa.var(ddof=1) - 2 * theta * c)
            return float(ya.mean() - theta * (xa.mean() - x_bar)), max(v, 0.0)

        (ac, avc), (at, avt) = adjusted_arm(~g), adjusted_arm(g)
        adjusted = difference(ac, avc, n_c, at, avt, n_t, alpha=alpha, alternative=alternative)
        if unadjusted.se > 0:
            reduction = 1.0 - (adjusted.se / unadjusted.se) ** 2
    return CupedComparison(n_control=n_c, n_treatment=n_t, alpha=float(alpha), alternative=alternative,
                           confidence=1.0 - ci_alpha, unadjusted=unadjusted, adjusted=adjusted, theta=theta,
                           rho=rho, variance_reduction=reduction)
