"""Sample size, minimum detectable effect (MDE) and duration of an A/B test.

A test compares a control (A, the generic experience) with ``variants − 1`` treatments
(B, C, … personalized). Each treatment is compared with the control, so ``variants − 1``
comparisons share the family-wise significance level ``alpha`` (Šidák or Bonferroni correction).

Conventions: rates are fractions 0–1 per visitor; ``mde`` is relative (0.10 = +10% on the
baseline) unless ``relative=False``, when it is absolute (0.01 = +1 percentage point);
sample sizes are visitors per variant; durations are in days. Quantiles come from
``scipy.stats.norm``; the ``arcsine`` method and continuous metrics use statsmodels'
``NormalIndPower``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from .options import METHODS, CORRECTIONS  # noqa: F401  (defined once, light to import)

ALTERNATIVES = ("two-sided", "one-sided")
MAX_DAYS = 1e8  # 270,000 years: a longer "duration" says only that the test cannot read out


@dataclass(frozen=True)
class Design:
    """Error rates of a test after the multiple-comparison correction."""

    alpha: float  # family-wise false-positive rate, fraction
    power: float  # probability of detecting a true effect of the MDE, fraction
    alternative: str  # "two-sided" or "one-sided" (treatment better than control)
    variants: int  # arms including the control
    correction: str  # "sidak" or "bonferroni"
    comparisons: int  # variants − 1 treatment-vs-control comparisons
    alpha_per_comparison: float  # corrected significance level of each comparison
    z_alpha: float  # critical value of each comparison
    z_power: float  # Φ⁻¹(power)


@dataclass(frozen=True)
class SampleSize:
    """Visitors (or units) each variant needs to detect ``abs_effect`` with the design's power."""

    metric: str  # "conversion" or "continuous"
    method: str  # evan-miller | pooled | arcsine | z-test (continuous)
    baseline: float  # control conversion rate (fraction) or mean of a continuous metric
    sd: float | None  # standard deviation per unit (continuous metrics only)
    treatment: float  # rate or mean to detect in each treatment
    abs_effect: float  # treatment − baseline (percentage points as a fraction, or metric units)
    rel_effect: float  # abs_effect / baseline
    n_exact: float  # per variant, before rounding up
    n_per_variant: int  # per variant, rounded up
    design: Design

    @property
    def total_n(self) -> int:
        """Visitors over all variants."""
        return self.n_per_variant * self.design.variants

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        design = d.pop("design")
        d.update({k: design[k] for k in ("alpha", "power", "alternative", "variants", "correction",
                                         "comparisons", "alpha_per_comparison")})
        d["total_n"] = self.total_n
        return d


@dataclass(frozen=True)
class Duration:
    """How long a test runs to collect its sample."""

    days_exact: float  # total sample / (daily eligible traffic × allocation share)
    days: int  # whole days, rounded up
    daily_traffic: float  # eligible visitors per day
    allocation: float  # share of eligible traffic put into the test, fraction 0–1

    @property
    def weeks(self) -> float:
        return self.days_exact / 7.0


@dataclass(frozen=True)
class DetectableEffect:
    """The smallest effect a test of ``n_per_variant`` detects with the design's power.

    ``abs_effect``/``rel_effect``/``treatment`` are ``None`` when no effect that keeps the
    treatment rate below 100% is detectable (too little traffic).
    """

    baseline: float
    n_per_variant: float
    abs_effect: float | None
    rel_effect: float | None
    treatment: float | None
    design: Design

    @property
    def detectable(self) -> bool:
        return self.abs_effect is not None


# ---------------------------------------------------------------------------------------------
# Validation


def _check_fraction(name: str, value: float, *, open_low: bool = True, open_high: bool = True) -> float:
    value = float(value)
    lo_ok = value > 0 if open_low else value >= 0
    hi_ok = value < 1 if open_high else value <= 1
    if not (math.isfinite(value) and lo_ok and hi_ok):
        lo, hi = ("(" if open_low else "["), (")" if open_high else "]")
        raise ValueError(f"{name}: must be in {lo}0, 1{hi} as a fraction (e.g. 0.05 for 5%), got {value:g}")
    return value


def design(
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: str = "two-sided",
    variants: int = 2,
    correction: str = "sidak",
) -> Design:
    """Validate the error rates and apply the multiple-comparison correction.

    Notes
    -----
    With ``m = variants − 1`` comparisons against the control:

    * Šidák: ``α_c = 1 − (1 − α)^(1/m)`` (exact for independent comparisons);
    * Bonferroni: ``α_c = α / m`` (slightly more conservative).

    Critical value ``z_α = Φ⁻¹(1 − α_c/2)`` two-sided or ``Φ⁻¹(1 − α_c)`` one-sided;
    ``z_β = Φ⁻¹(power)``.
    """
    alpha = _check_fraction("alpha", alpha)
    power = _check_fraction("power", power)
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative: must be one of {', '.join(ALTERNATIVES)}, got {alternative!r}")
    if correction not in CORRECTIONS:
        raise ValueError(f"correction: must be one of {', '.join(CORRECTIONS)}, got {correction!r}")
    if int(variants) != variants or variants < 2:
        raise ValueError(f"variants: must be a whole number of at least 2 (control + treatment), got {variants}")
    m = int(variants) - 1
    if m == 1:
        alpha_c = alpha  # one comparison: both corrections leave alpha unchanged
    elif correction == "sidak":
        alpha_c = 1.0 - (1.0 - alpha) ** (1.0 / m)
    else:
        alpha_c = alpha / m
    tail = alpha_c / 2 if alternative == "two-sided" else alpha_c
    return Design(
        alpha=alpha,
        power=power,
        alternative=alternative,
        variants=int(variants),
        correction=correction,
        comparisons=m,
        alpha_per_comparison=alpha_c,
        z_alpha=float(stats.norm.isf(tail)),
        z_power=float(stats.norm.ppf(power)),
    )


def _rates(baseline: float, mde: float, relative: bool) -> tuple[float, float]:
    """Control and treatment rates; the MDE must keep the treatment rate inside (0, 1)."""
    p1 = _check_fraction("baseline", baseline)
    mde = float(mde)
    if not math.isfinite(mde) or mde <= 0:
        raise ValueError(f"mde: must be greater than 0 (an effect of zero cannot be detected), got {mde:g}")
    p2 = p1 * (1 + mde) if relative else p1 + mde
    if p2 >= 1:
        kind = "baseline × (1 + mde)" if relative else "baseline + mde"
        raise ValueError(f"mde: {kind} = {p2:g} must stay below 1")
    return p1, p2


def _method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"method: must be one of {', '.join(METHODS)}, got {method!r}")
    return method


def _sds(p1: np.ndarray, p2: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Standard deviations (per √visitor) of the difference under the null and the alternative."""
    if method == "evan-miller":
        null = np.sqrt(2 * p1 * (1 - p1))
    else:  # pooled
        pbar = (p1 + p2) / 2
        null = np.sqrt(2 * pbar * (1 - pbar))
    alt = np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return null, alt


def _n_normal(p1: np.ndarray, p2: np.ndarray, d: Design, method: str) -> np.ndarray:
    """Visitors per variant for ``evan-miller`` and ``pooled`` (vectorised over rates)."""
    null, alt = _sds(p1, p2, method)
    with np.errstate(divide="ignore"):  # an effect that rounds to zero needs infinite traffic
        return (d.z_alpha * null + d.z_power * alt) ** 2 / (p2 - p1) ** 2


def _sm_alternative(d: Design) -> str:
    return "two-sided" if d.alternative == "two-sided" else "larger"


# statsmodels' NormalIndPower is solved at these reference values and the answer scaled (see
# :func:`standardised_effect`): its root finder fails far from them ("f(a) and f(b) must have
# different signs" for a test of 1e16 visitors, or an effect of 1e-9).
_REF_NOBS = 1_000.0
_REF_EFFECT = 0.1


def standardised_effect(nobs1: float, alpha: float, power: float, alternative: str, ratio: float = 1.0) -> float:
    """Smallest standardised effect (Cohen's d or h) a two-sample z-test detects with ``nobs1``
    units in the first arm and ``ratio × nobs1`` in the second; ``alternative`` as statsmodels'.

    Notes
    -----
    The power of statsmodels' ``NormalIndPower`` depends on the effect ``d`` and ``nobs1`` only
    through ``d √(nobs1 · r / (1 + r))``, so ``d(n) = d(n_ref) √(n_ref / n)`` exactly: it is solved
    once at ``n_ref`` = 1,000, where the root finder converges, and scaled to any ``n``.
    """
    return _effect_at_ref(float(alpha), float(power), alternative, float(ratio)) * math.sqrt(_REF_NOBS / nobs1)


# The reference solutions depend on the design only, so each is solved once per design: a test plan
# of 50 initiatives asked statsmodels' root finder the same question 50 times (10 ms each).
@lru_cache(maxsize=256)
def _effect_at_ref(alpha: float, power: float, alternative: str, ratio: float) -> float:
    return float(NormalIndPower().solve_power(effect_size=None, nobs1=_REF_NOBS, alpha=alpha, power=power,
                                              ratio=ratio, alternative=alternative))


@lru_cache(maxsize=256)
def _nobs_at_ref(alpha: float, power: float, alternative: str) -> float:
    return float(NormalIndPower().solve_power(effect_size=_REF_EFFECT, alpha=alpha, power=power, ratio=1.0,
                                              alternative=alternative))


def _nobs_for(effect: float, d: Design) -> float:
    """Units per arm a two-arm z-test needs to detect the standardised ``effect`` (inf when none).

    Notes
    -----
    The same scale as :func:`standardised_effect`: ``n(d) = n(d_ref) (d_ref / d)²``.
    """
    ref = _nobs_at_ref(float(d.alpha_per_comparison), float(d.power), _sm_alternative(d))
    with np.errstate(over="ignore", divide="ignore"):
        return float(np.float64(ref) * (np.float64(_REF_EFFECT) / np.float64(effect)) ** 2)


def _n_arcsine(p1: float, p2: float, d: Design) -> float:
    return _nobs_for(abs(float(proportion_effectsize(p2, p1))), d)


# ---------------------------------------------------------------------------------------------
# Sample size


def sample_size(
    baseline: float,
    mde: float,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: str = "two-sided",
    variants: int = 2,
    correction: str = "sidak",
    method: str = "evan-miller",
) -> SampleSize:
    """Visitors per variant for a conversion-rate test.

    Parameters
    ----------
    baseline : control conversion rate ``p₁``, fraction in (0, 1).
    mde : minimum detectable effect, > 0; relative (``p₂ = p₁(1 + mde)``) or, with
        ``relative=False``, absolute (``p₂ = p₁ + mde``).
    alpha, power, alternative, variants, correction : see :func:`design`.
    method : ``evan-miller`` (default), ``pooled`` or ``arcsine``.

    Notes
    -----
    With ``δ = p₂ − p₁`` and the corrected critical values ``z_α``, ``z_β`` of :func:`design`:

    * ``evan-miller`` — the formula of Evan Miller's sample-size calculator; the variance under
      the null comes from the baseline rate alone::

          n = (z_α √(2 p₁(1 − p₁)) + z_β √(p₁(1 − p₁) + p₂(1 − p₂)))² / δ²

    * ``pooled`` — normal approximation with the pooled rate ``p̄ = (p₁ + p₂)/2`` under the null
      (Fleiss, without continuity correction)::

          n = (z_α √(2 p̄(1 − p̄)) + z_β √(p₁(1 − p₁) + p₂(1 − p₂)))² / δ²

    * ``arcsine`` — Cohen's effect size ``h = 2 asin √p₂ − 2 asin √p₁`` solved with statsmodels
      ``NormalIndPower`` (``n ≈ 2 ((z_α + z_β)/h)²``, as R's ``pwr.2p.test``; the two-sided solve
      also counts the far tail).

    ``n_per_variant = ⌈n⌉``; ``total_n = n_per_variant × variants``.

    >>> sample_size(0.05, 0.10).n_per_variant
    30245
    """
    d = design(alpha, power, alternative, variants, correction)
    p1, p2 = _rates(baseline, mde, relative)
    method = _method(method)
    if method == "arcsine":
        n = _n_arcsine(p1, p2, d)
    else:
        n = float(_n_normal(np.float64(p1), np.float64(p2), d, method))
    return SampleSize(
        metric="conversion",
        method=method,
        baseline=p1,
        sd=None,
        treatment=p2,
        abs_effect=p2 - p1,
        rel_effect=(p2 - p1) / p1,
        n_exact=n,
        n_per_variant=_whole(n, culprit(p1, float(mde), relative, d) if not math.isfinite(n) else ("mde", "")),
        design=d,
    )


def culprit(p1: float, mde: float, relative: bool, d: Design, limit: float = math.inf) -> tuple[str, str]:
    """Which input to blame when no sample of at most ``limit`` detects the effect, and why.

    A relative MDE that an ordinary baseline (50%, or less when the MDE would push it past 1)
    detects within ``limit`` is not the problem: the baseline is — 1e-300 makes the absolute
    effect vanish whatever the MDE.
    """
    if relative:
        ref = min(0.5, 0.5 / (1 + mde))
        n_ref = float(_n_normal(np.float64(ref), np.float64(ref * (1 + mde)), d, "evan-miller"))
        if p1 < ref and math.isfinite(n_ref) and n_ref <= limit:  # an ordinary rate would do: blame this one
            return "baseline", (f"at {p1:g} a relative change of {mde:g} is {p1 * mde:g} in absolute terms, too "
                                "small to detect with any finite sample; a rate this small cannot be tested")
    return "mde", "too small to detect with any finite sample"


def _whole(n: float, blame: tuple[str, str] = ("mde", "too small to detect with any finite sample")) -> int:
    """Visitors per variant rounded up; an effect too small to detect has no finite sample size
    (``blame``: the input named in the message, and the message)."""
    if not math.isfinite(n):
        raise ValueError(f"{blame[0]}: {blame[1]}")
    return math.ceil(n - 1e-9)


def sample_size_continuous(
    mean: float,
    sd: float,
    mde: float,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: str = "two-sided",
    variants: int = 2,
    correction: str = "sidak",
) -> SampleSize:
    """Units per variant for a continuous metric (e.g. revenue per visitor, order value).

    Parameters
    ----------
    mean : control mean of the metric per unit (e.g. currency per visitor), > 0.
    sd : standard deviation of the metric per unit, > 0 (assumed equal in every arm).
    mde : relative (``δ = mean × mde``) or, with ``relative=False``, absolute effect, > 0.

    Notes
    -----
    Two-sample z-test with equal variances, solved with statsmodels ``NormalIndPower`` on the
    standardised effect ``d = δ / sd``: ``n ≈ 2 (z_α + z_β)² sd² / δ²``.
    """
    d = design(alpha, power, alternative, variants, correction)
    mean, sd, mde = float(mean), float(sd), float(mde)
    if not (math.isfinite(mean) and mean > 0):
        raise ValueError(f"mean: must be greater than 0, got {mean:g}")
    if not (math.isfinite(sd) and sd > 0):
        raise ValueError(f"sd: must be greater than 0, got {sd:g}")
    if not (math.isfinite(mde) and mde > 0):
        raise ValueError(f"mde: must be greater than 0 (an effect of zero cannot be detected), got {mde:g}")
    delta = mean * mde if relative else mde
    n = _nobs_for(delta / sd, d)
    return SampleSize(
        metric="continuous",
        method="z-test",
        baseline=mean,
        sd=sd,
        treatment=mean + delta,
        abs_effect=delta,
        rel_effect=delta / mean,
        n_exact=n,
        n_per_variant=_whole(n),
        design=d,
    )


def power_at(
    n_per_variant: float,
    baseline: float,
    mde: float,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: str = "two-sided",
    variants: int = 2,
    correction: str = "sidak",
    method: str = "evan-miller",
) -> float:
    """Power (fraction) of a test with ``n_per_variant`` visitors per arm, under the same model.

    ``power`` only enters through the validated design and is otherwise ignored.

    Notes
    -----
    ``evan-miller`` / ``pooled``: ``Φ((|δ|√n − z_α σ₀) / σ₁)`` with σ₀, σ₁ the null and
    alternative standard deviations of :func:`sample_size` (the far tail is ignored, as in
    the sample-size formula). ``arcsine``: statsmodels ``NormalIndPower.power``.
    """
    d = design(alpha, power, alternative, variants, correction)
    p1, p2 = _rates(baseline, mde, relative)
    if not n_per_variant > 0:
        raise ValueError(f"n_per_variant: must be greater than 0, got {n_per_variant:g}")
    if _method(method) == "arcsine":
        h = abs(float(proportion_effectsize(p2, p1)))
        return float(NormalIndPower().power(h, nobs1=n_per_variant, alpha=d.alpha_per_comparison,
                                            ratio=1.0, alternative=_sm_alternative(d)))
    null, alt = _sds(np.float64(p1), np.float64(p2), method)
    return float(stats.norm.cdf((abs(p2 - p1) * math.sqrt(n_per_variant) - d.z_alpha * null) / alt))


# ---------------------------------------------------------------------------------------------
# Inverse: the detectable effect


def detectable_effect(
    baseline: float,
    n_per_variant: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: str = "two-sided",
    variants: int = 2,
    correction: str = "sidak",
    method: str = "evan-miller",
) -> DetectableEffect:
    """The smallest upward effect on a conversion rate a test of ``n_per_variant`` can detect.

    Notes
    -----
    Solves ``n(δ) = n_per_variant`` for ``δ`` in ``(0, 1 − p₁)`` with Brent's method, ``n(δ)``
    being the (unrounded) formula of :func:`sample_size`. For ``arcsine``, statsmodels solves
    for ``h`` and ``p₂ = sin²(asin √p₁ + h/2)``. When even ``p₂ → 1`` needs more visitors,
    nothing is detectable and the effect is ``None``.
    """
    d = design(alpha, power, alternative, variants, correction)
    p1 = _check_fraction("baseline", baseline)
    method = _method(method)
    n = float(n_per_variant)
    if not (math.isfinite(n) and n > 0):
        raise ValueError(f"n_per_variant: must be greater than 0, got {n:g}")
    top = 1.0 - p1
    p2: float | None
    if method == "arcsine":
        h_max = math.pi - 2 * math.asin(math.sqrt(p1))  # h at p₂ = 1
        if _n_arcsine(p1, 1.0, d) > n:
            p2 = None
        else:
            h = standardised_effect(n, d.alpha_per_comparison, d.power, _sm_alternative(d))
            p2 = math.sin(math.asin(math.sqrt(p1)) + min(h, h_max) / 2) ** 2
    else:
        def gap(delta: float) -> float:
            return float(_n_normal(np.float64(p1), np.float64(p1 + delta), d, method)) - n

        hi = top * (1 - 1e-12)
        if gap(hi) > 0:
            p2 = None
        else:
            lo = min(hi / 2, 1e-12)
            for _ in range(200):  # n so large that even a tiny effect is detectable: widen the bracket
                if gap(lo) >= 0:
                    break
                lo /= 10
            p2 = p1 + optimize.brentq(gap, lo, hi, xtol=1e-15, rtol=1e-12)
    return DetectableEffect(
        baseline=p1,
        n_per_variant=n,
        abs_effect=None if p2 is None else p2 - p1,
        rel_effect=None if p2 is None else (p2 - p1) / p1,
        treatment=p2,
        design=d,
    )


def detectable_effect_continuous(
    mean: float,
    sd: float,
    n_per_variant: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: str = "two-sided",
    variants: int = 2,
    correction: str = "sidak",
) -> DetectableEffect:
    """Smallest effect on a continuous metric detectable with ``n_per_variant`` units per arm.

    Notes
    -----
    statsmodels ``NormalIndPower`` solves for ``d``; ``δ = d × sd`` (≈ ``(z_α + z_β) sd √(2/n)``).
    """
    d = design(alpha, power, alternative, variants, correction)
    if not (mean > 0 and sd > 0 and n_per_variant > 0):
        raise ValueError("mean, sd and n_per_variant: must all be greater than 0")
    es = standardised_effect(float(n_per_variant), d.alpha_per_comparison, d.power, _sm_alternative(d))
    delta = es * sd
    return DetectableEffect(baseline=mean, n_per_variant=float(n_per_variant), abs_effect=delta,
                            rel_effect=delta / mean, treatment=mean + delta, design=d)


# ---------------------------------------------------------------------------------------------
# Duration


def duration(n_per_variant: float, daily_traffic: float, *, allocation: float = 1.0, variants: int = 2) -> Duration:
    """Days to collect ``n_per_variant`` visitors in each of ``variants`` arms.

    Parameters
    ----------
    daily_traffic : eligible visitors per day, > 0.
    allocation : share of eligible traffic put into the test, in (0, 1].

    Notes
    -----
    ``days = n_per_variant × variants / (daily_traffic × allocation)``; ``days`` rounds up
    to whole days, ``weeks = days_exact / 7``. Beyond :data:`MAX_DAYS` the test cannot read
    out and a ``ValueError`` says so.
    """
    traffic = float(daily_traffic)
    if not (math.isfinite(traffic) and traffic > 0):
        raise ValueError(f"daily_traffic: must be greater than 0 visitors per day, got {traffic:g}")
    allocation = _check_fraction("allocation", allocation, open_high=False)
    if int(variants) != variants or variants < 2:
        raise ValueError(f"variants: must be a whole number of at least 2, got {variants}")
    if not n_per_variant > 0:
        raise ValueError(f"n_per_variant: must be greater than 0, got {n_per_variant:g}")
    days = n_per_variant * variants / (traffic * allocation)
    if not days <= MAX_DAYS:
        raise ValueError(f"daily_traffic: at {traffic:g} a day the test would run more than {MAX_DAYS:,.0f} days; "
                         "it cannot read out")
    return Duration(days_exact=days, days=math.ceil(days - 1e-9), daily_traffic=traffic, allocation=allocation)


def n_per_variant_in(days: float, daily_traffic: float, *, allocation: float = 1.0, variants: int = 2) -> float:
    """Visitors each arm collects in ``days``: ``days × daily_traffic × allocation / variants``."""
    if not days > 0:
        raise ValueError(f"days: must be greater than 0, got {days:g}")
    if not daily_traffic > 0:
        raise ValueError(f"daily_traffic: must be greater than 0 visitors per day, got {daily_traffic:g}")
    allocation = _check_fraction("allocation", allocation, open_high=False)
    return days * daily_traffic * allocation / variants


# ---------------------------------------------------------------------------------------------
# Curves for charts


def sample_size_curve(
    baseline: float,
    mdes: np.ndarray,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: str = "two-sided",
    variants: int = 2,
    correction: str = "sidak",
    method: str = "evan-miller",
    daily_traffic: float | None = None,
    allocation: float = 1.0,
    scale: float = 1.0,
) -> pd.DataFrame:
    """Sample size (and days, with traffic) over a grid of MDEs, one row per MDE.

    Columns: ``mde``, ``rel_effect``, ``abs_effect``, ``n_per_variant``, ``total_n`` and, with
    ``daily_traffic``, ``days``. Grid points whose treatment rate would reach 100% are dropped.
    ``evan-miller`` and ``pooled`` are computed in one vectorised call. ``scale`` multiplies the
    exact sample before rounding (CUPED's ``1 − ρ²``, a design effect, a sequential inflation:
    see :func:`roi.experiments.planner.plan_test`).
    """
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale: must be greater than 0, got {scale:g}")
    method = _method(method)
    d = design(alpha, power, alternative, variants, correction)
    p1 = _check_fraction("baseline", baseline)
    m = np.asarray(mdes, dtype=float)
    p2 = p1 * (1 + m) if relative else p1 + m
    keep = (m > 0) & (p2 < 1)
    m, p2 = m[keep], p2[keep]
    if method == "arcsine":  # statsmodels solves one effect at a time; grids are small
        n = np.array([_n_arcsine(p1, float(q), d) for q in p2])
    else:
        n = _n_normal(np.full_like(p2, p1), p2, d, method)
    n_int = np.ceil(n * scale - 1e-9)
    out = pd.DataFrame({
        "mde": m,
        "rel_effect": (p2 - p1) / p1,
        "abs_effect": p2 - p1,
        "n_per_variant": n_int,
        "total_n": n_int * d.variants,
    })
    if daily_traffic is not None:
        if not daily_traffic > 0:
            raise ValueError(f"daily_traffic: must be greater than 0 visitors per day, got {daily_traffic:g}")
        out["days"] = out["total_n"] / (daily_traffic * _check_fraction("allocation", allocation, open_high=False))
    return out
