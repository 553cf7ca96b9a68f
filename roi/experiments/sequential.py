"""Group-sequential tests: Lan–DeMets alpha spending, boundaries per look, maximum sample size.

A group-sequential test looks at the data ``K`` times (at information fractions
``t₁ < … < t_K = 1`` of the maximum sample) and stops at the first look whose z-statistic
crosses the boundary. Alpha spending (Lan & DeMets 1983) decides how much of the false-positive
rate each look may use; the boundaries follow from the joint normal distribution of the
z-statistics, computed by the recursive numerical integration of Armitage, McPherson & Rowe
(1969) on the grid of Jennison & Turnbull (2000, ch. 19). No maintained Python library does
this, so it is written out here and tested against published tables.

Conventions: ``alpha`` is the family-wise false-positive rate of the whole design. One-sided
designs spend ``alpha`` on the upper boundary; two-sided designs are symmetric and spend
``alpha / 2`` on each side with the one-sided spending function (the convention of gsDesign,
ldbounds and Reboussin et al. 2000), so a two-sided α = 0.05 design has the boundaries of a
one-sided α = 0.025 design. Information fractions are shares of the maximum sample, 0–1.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import optimize, stats

from .options import SPENDING, MAX_LOOKS  # noqa: F401  (defined once, light to import)

ALTERNATIVES = ("two-sided", "one-sided")
GRID_R = 32  # Jennison & Turnbull's grid parameter r: 6r − 1 points, ~1e-7 accuracy in the tails
_NO_BOUNDARY = math.inf  # a look that may spend nothing cannot reject


@dataclass(frozen=True)
class Boundaries:
    """Efficacy boundaries of a group-sequential design, one entry per look."""

    spending: str  # "obrien-fleming" or "pocock" (Lan–DeMets spending functions)
    alternative: str  # "two-sided" (symmetric) or "one-sided" (treatment better)
    alpha: float  # family-wise false-positive rate of the design, fraction
    information: tuple[float, ...]  # information fraction of each look, 0–1, increasing
    z: tuple[float, ...]  # reject H₀ at look k when z_k ≥ z[k] (or |z_k| ≥ z[k], two-sided)
    alpha_spent: tuple[float, ...]  # cumulative false-positive rate spent up to each look
    nominal_p: tuple[float, ...]  # the p-value each boundary corresponds to on its own

    @property
    def looks(self) -> int:
        return len(self.z)


@dataclass(frozen=True)
class SequentialDesign:
    """A group-sequential design sized for a given power: boundaries and sample-size inflation."""

    boundaries: Boundaries
    power: float  # probability of crossing the upper boundary at the design's effect, fraction
    drift_fixed: float  # z_α + z_β: expected final z of the fixed design at the effect to detect
    drift: float  # the same for the sequential design at its maximum sample
    inflation: float  # maximum sample ÷ fixed-design sample, ≥ 1
    expected_fraction_h1: float  # expected sample ÷ maximum sample when the effect is real
    expected_fraction_h0: float  # the same when there is no effect
    stop_probability_h1: tuple[float, ...]  # chance of stopping for efficacy at each look, effect real


# ---------------------------------------------------------------------------------------------
# Validation


def _check_alpha(alpha: float) -> float:
    alpha = float(alpha)
    if not (math.isfinite(alpha) and 0 < alpha < 1):
        raise ValueError(f"alpha: must be in (0, 1) as a fraction (e.g. 0.05), got {alpha:g}")
    return alpha


def _check_choice(name: str, value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ValueError(f"{name}: must be one of {', '.join(allowed)}, got {value!r}")
    return value


def check_looks(looks: object) -> int:
    """``looks`` as a whole number from 1 to :data:`MAX_LOOKS`, or ``ValueError`` naming it."""
    if isinstance(looks, bool) or not isinstance(looks, (int, float, np.integer, np.floating)):
        raise ValueError(f"looks: must be a whole number from 1 to {MAX_LOOKS}, got {looks!r}")
    try:
        value = float(looks)
    except OverflowError:  # an int like 10**400
        value = math.inf
    if not math.isfinite(value) or value != int(value) or not 1 <= int(value) <= MAX_LOOKS:
        raise ValueError(f"looks: must be a whole number from 1 to {MAX_LOOKS} (interim looks plus the "
                         f"final one), got {looks!r}")
    return int(value)


def equally_spaced(looks: int) -> tuple[float, ...]:
    """Information fractions ``k / K`` of ``K`` equally spaced looks."""
    k = check_looks(looks)
    return tuple((i + 1) / k for i in range(k))


def _check_information(information: Sequence[float]) -> np.ndarray:
    t = np.asarray(information, dtype=float)
    if t.ndim != 1 or not 1 <= t.size <= MAX_LOOKS:
        raise ValueError(f"information: give 1 to {MAX_LOOKS} information fractions, got {t.size}")
    if not np.all(np.isfinite(t)) or t[0] <= 0 or t[-1] > 1 + 1e-12 or np.any(np.diff(t) <= 0):
        raise ValueError("information: fractions must increase strictly within (0, 1]")
    return np.minimum(t, 1.0)


# ---------------------------------------------------------------------------------------------
# Spending functions


def alpha_spent(t: np.ndarray | float, alpha: float, spending: str) -> np.ndarray:
    """Cumulative false-positive rate a Lan–DeMets spending function allows by fraction ``t``.

    Notes
    -----
    * O'Brien–Fleming type: ``α(t) = 2 − 2 Φ(Φ⁻¹(1 − α/2) / √t)``;
    * Pocock type: ``α(t) = α ln(1 + (e − 1) t)``.

    Both give 0 at ``t = 0`` and ``α`` at ``t = 1`` (Lan & DeMets 1983; gsDesign's ``sfLDOF`` and
    ``sfLDPocock``). ``alpha`` here is the one-sided level of one boundary.

    >>> round(float(alpha_spent(0.5, 0.025, "pocock")), 6)
    0.015503
    """
    _check_choice("spending", spending, SPENDING)
    t = np.clip(np.asarray(t, dtype=float), 0.0, 1.0)
    if spending == "pocock":
        return alpha * np.log1p((math.e - 1.0) * t)
    z = stats.norm.isf(alpha / 2)
    with np.errstate(divide="ignore"):
        return np.where(t > 0, 2.0 * stats.norm.sf(z / np.sqrt(np.where(t > 0, t, 1.0))), 0.0)


# ---------------------------------------------------------------------------------------------
# Recursive numerical integration (Jennison & Turnbull 2000, §19.2)


def _grid(mean: float, lower: float, upper: float, r: int = GRID_R) -> tuple[np.ndarray, np.ndarray]:
    """Points and Simpson weights for integrating over ``z ∈ [lower, upper]`` near ``mean``.

    Notes
    -----
    Jennison & Turnbull's points: ``μ − 3 − 4 ln(r/i)`` for ``i < r``, ``μ − 3 + 3(i − r)/(2r)``
    for ``r ≤ i ≤ 5r`` and ``μ + 3 + 4 ln(r/(6r − i))`` above, trimmed to the continuation
    region (whose ends become points), then midpoints between neighbours so that Simpson's rule
    applies to every pair of intervals.
    """
    i = np.arange(1, 6 * r)
    x = np.where(
        i < r, mean - 3 - 4 * np.log(r / i),
        np.where(i <= 5 * r, mean - 3 + 3 * (i - r) / (2 * r), mean + 3 + 4 * np.log(r / np.maximum(6 * r - i, 1))),
    )
    lo, hi = max(lower, x[0]), min(upper, x[-1])
    if lo >= hi:  # the continuation region lies where the density is negligible
        return np.array([lo]), np.array([0.0])
    x = np.concatenate([[lo], x[(x > lo) & (x < hi)], [hi]])
    z = np.empty(2 * x.size - 1)
    z[0::2], z[1::2] = x, (x[:-1] + x[1:]) / 2
    d = np.diff(x)
    w = np.zeros_like(z)
    w[1::2] = 4 * d / 6
    w[0:-1:2] += d / 6
    w[2::2] += d / 6
    return z, w


class _Recursion:
    """Sub-densities of the z-statistic at successive looks, given no earlier crossing.

    With ``S_k = Z_k √t_k`` (a Brownian motion with drift ``η`` in information time),
    ``Z₁ ~ N(η√t₁, 1)`` and, between looks, ``S_k − S_{k−1} ~ N(η Δt, Δt)``. ``η`` is the
    expected z-statistic at full information (0 under H₀).
    """

    def __init__(self, information: np.ndarray, drift: float) -> None:
        self.t = information
        self.drift = drift
        self.k = 0  # looks integrated so far
        self.z: np.ndarray | None = None
        self.h: np.ndarray | None = None  # density × Simpson weight at the grid points

    def _shift(self, k: int) -> tuple[np.ndarray, float, float]:
        """For look ``k`` (0-based, k ≥ 1): √t_{k−1} z_j, √t_k and the increment's sd."""
        assert self.z is not None
        dt = self.t[k] - self.t[k - 1]
        return self.z * math.sqrt(self.t[k - 1]) + self.drift * dt, math.sqrt(self.t[k]), math.sqrt(dt)

    def exit_upper(self, b: float) -> float:
        """P(no crossing before look ``self.k``, ``Z ≥ b`` at it)."""
        if self.k == 0:
            return float(stats.norm.sf(b - self.drift * math.sqrt(self.t[0])))
        assert self.h is not None
        m, st, sd = self._shift(self.k)
        return float(self.h @ stats.norm.sf((b * st - m) / sd))

    def exit_lower(self, a: float) -> float:
        """P(no crossing before look ``self.k``, ``Z ≤ a`` at it)."""
        if self.k == 0:
            return float(stats.norm.cdf(a - self.drift * math.sqrt(self.t[0])))
        assert self.h is not None
        m, st, sd = self._shift(self.k)
        return float(self.h @ stats.norm.cdf((a * st - m) / sd))

    def advance(self, lower: float, upper: float) -> None:
        """Condition on ``lower < Z < upper`` at look ``self.k`` and move to the next look."""
        k = self.k
        mean = self.drift * math.sqrt(self.t[k])
        z, w = _grid(mean, lower, upper)
        if k == 0:
            dens = stats.norm.pdf(z - mean)
        else:
            m, st, sd = self._shift(k)
            dens = (st / sd) * (stats.norm.pdf((z[:, None] * st - m[None, :]) / sd) @ self.h)
        self.z, self.h, self.k = z, dens * w, k + 1


def exit_probabilities(
    upper: Sequence[float], information: Sequence[float], drift: float = 0.0, *, two_sided: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of first crossing the upper (and, two-sided, the lower) boundary at each look.

    Parameters
    ----------
    upper : boundary ``b_k`` on the z scale per look (``inf`` where the look cannot reject).
    information : information fraction of each look, increasing in (0, 1].
    drift : expected z-statistic at full information, ``η = θ √I_max`` (0 under H₀).
    two_sided : the lower boundary is ``−b_k`` (a symmetric two-sided test); otherwise none.

    Returns
    -------
    ``(upper_exit, lower_exit)``: arrays of length K; ``lower_exit`` is zeros when one-sided.

    Notes
    -----
    Recursive integration of the sub-density of ``Z_k`` on the continuation region
    (Armitage, McPherson & Rowe 1969; Jennison & Turnbull 2000, ch. 19), Simpson's rule on the
    grid of :func:`_grid`.
    """
    t = _check_information(information)
    b = np.asarray(upper, dtype=float)
    if b.shape != t.shape:
        raise ValueError(f"upper: give one boundary per look ({t.size}), got {b.size}")
    rec = _Recursion(t, float(drift))
    up, low = np.zeros(t.size), np.zeros(t.size)
    for k in range(t.size):
        a = -b[k] if two_sided else -math.inf
        up[k] = rec.exit_upper(b[k]) if math.isfinite(b[k]) else 0.0
        low[k] = rec.exit_lower(a) if (two_sided and math.isfinite(a)) else 0.0
        if k + 1 < t.size:
            rec.advance(a, b[k])
    return up, low


# ---------------------------------------------------------------------------------------------
# Boundaries


def boundaries(
    looks: int = 1,
    *,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    spending: str = "obrien-fleming",
    information: Sequence[float] | None = None,
) -> Boundaries:
    """Lan–DeMets efficacy boundaries for ``looks`` analyses.

    Parameters
    ----------
    looks : number of analyses including the final one, 1 to :data:`MAX_LOOKS`.
    alpha : family-wise false-positive rate, fraction (two-sided: split evenly over both sides).
    alternative : ``two-sided`` (symmetric, reject on ``|z| ≥ b_k``) or ``one-sided`` (``z ≥ b_k``).
    spending : ``obrien-fleming`` or ``pocock`` (Lan–DeMets spending functions).
    information : information fractions of the looks (default equally spaced ``k/K``). The last
        may be below 1 (an analysis so far, before the maximum sample): the design then spends
        only ``α(t_K)``.

    Notes
    -----
    Look by look, ``b_k`` solves ``P(no crossing before k, Z_k ≥ b_k | H₀) = α₁(t_k) − α₁(t_{k−1})``
    with ``α₁`` the one-sided spending function at level ``α`` (one-sided) or ``α/2`` (each side
    of a two-sided design), by Brent's method on :func:`exit_probabilities`' recursion. A look
    allowed to spend nothing gets an infinite boundary. With one look, ``b₁ = Φ⁻¹(1 − α₁)``: the
    fixed design's critical value.
    """
    alpha = _check_alpha(alpha)
    _check_choice("alternative", alternative, ALTERNATIVES)
    _check_choice("spending", spending, SPENDING)
    t = _check_information(equally_spaced(looks) if information is None else information)
    two_sided = alternative == "two-sided"
    side_alpha = alpha / 2 if two_sided else alpha
    cumulative = alpha_spent(t, side_alpha, spending)
    cumulative[-1] = side_alpha if t[-1] >= 1 else cumulative[-1]
    increments = np.diff(np.concatenate([[0.0], cumulative]))
    rec = _Recursion(t, 0.0)
    z: list[float] = []
    for k, target in enumerate(increments):
        if target <= 1e-300:
            b = _NO_BOUNDARY
        elif k == 0:
            b = float(stats.norm.isf(target))
        else:
            lo, hi = -10.0, 40.0
            if rec.exit_upper(lo) < target:  # everything left cannot reach the target: reject freely
                b = lo
            else:
                b = optimize.brentq(lambda x: rec.exit_upper(x) - target, lo, hi, xtol=1e-10, rtol=1e-12)
        z.append(b)
        if k + 1 < t.size:
            rec.advance(-b if two_sided else -math.inf, b)
    sides = 2 if two_sided else 1
    nominal = tuple(float(min(1.0, sides * stats.norm.sf(b))) for b in z)
    return Boundaries(
        spending=spending, alternative=alternative, alpha=alpha, information=tuple(float(v) for v in t),
        z=tuple(z), alpha_spent=tuple(float(sides * c) for c in cumulative), nominal_p=nominal,
    )


def power_at(bounds: Boundaries, drift: float) -> float:
    """Probability of crossing the upper boundary at some look when ``E[Z at full info] = drift``."""
    up, _ = exit_probabilities(bounds.z, bounds.information, drift, two_sided=bounds.alternative == "two-sided")
    return float(up.sum())


def design(
    looks: int = 1,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: str = "two-sided",
    spending: str = "obrien-fleming",
    information: Sequence[float] | None = None,
) -> SequentialDesign:
    """Boundaries and the maximum-sample inflation factor of a group-sequential design.

    Parameters
    ----------
    power : probability of rejecting H₀ when the effect to detect is real, fraction in (0, 1).
    Others as in :func:`boundaries`.

    Notes
    -----
    A fixed design reaches ``power`` when the final z has mean ``η_fixed = z_α + z_β``
    (``z_α = Φ⁻¹(1 − α₁)``, ``z_β = Φ⁻¹(power)``). The sequential design needs
    ``η`` with ``P(cross the upper boundary | η) = power``, solved by Brent's method. Since the
    mean of z grows with the square root of the sample, the maximum sample is
    ``R = (η / η_fixed)²`` times the fixed design's (Jennison & Turnbull 2000, §2.3–2.5:
    ``R_P``, ``R_B``). The expected sample, as a fraction of the maximum, is
    ``Σ_{k<K} t_k P(stop at k) + P(reach K)``.
    """
    power = float(power)
    if not (math.isfinite(power) and 0 < power < 1):
        raise ValueError(f"power: must be in (0, 1) as a fraction (e.g. 0.8), got {power:g}")
    info = None if information is None else tuple(float(v) for v in information)
    return _design(check_looks(looks), _check_alpha(alpha), power, _check_choice("alternative", alternative, ALTERNATIVES),
                   _check_choice("spending", spending, SPENDING), info)


@functools.lru_cache(maxsize=128)  # results are frozen: pages rerun the same design on every click
def _design(looks: int, alpha: float, power: float, alternative: str, spending: str,
            information: tuple[float, ...] | None) -> SequentialDesign:
    bounds = boundaries(looks, alpha=alpha, alternative=alternative, spending=spending, information=information)
    if bounds.information[-1] < 1:
        raise ValueError("information: a design's last look must be at the maximum sample (fraction 1)")
    side_alpha = alpha / 2 if alternative == "two-sided" else alpha
    fixed = float(stats.norm.isf(side_alpha) + stats.norm.ppf(power))
    two = alternative == "two-sided"
    if bounds.looks == 1:
        drift = fixed
    else:
        def gap(eta: float) -> float:
            return power_at(bounds, eta) - power

        hi = max(fixed, 1.0) * 2
        while gap(hi) < 0:  # very high power with many looks: widen the bracket
            hi *= 2
        drift = optimize.brentq(gap, 0.0, hi, xtol=1e-10, rtol=1e-12)
    up1, low1 = exit_probabilities(bounds.z, bounds.information, drift, two_sided=two)
    up0, low0 = exit_probabilities(bounds.z, bounds.information, 0.0, two_sided=two)
    t = np.asarray(bounds.information)
    return SequentialDesign(
        boundaries=bounds,
        power=float(up1.sum()),
        drift_fixed=fixed,
        drift=float(drift),
        inflation=(drift / fixed) ** 2,
        expected_fraction_h1=_expected_fraction(t, up1 + low1),
        expected_fraction_h0=_expected_fraction(t, up0 + low0),
        stop_probability_h1=tuple(float(v) for v in up1),
    )


def _expected_fraction(t: np.ndarray, stop: np.ndarray) -> float:
    early = stop[:-1]
    return float(t[:-1] @ early + (1.0 - early.sum()) * t[-1])


# ---------------------------------------------------------------------------------------------
# Reading looks at analysis time


@dataclass(frozen=True)
class Look:
    """One analysis of a running group-sequential test."""

    number: int  # 1-based
    information: float  # sample so far ÷ planned maximum sample, 0–1
    z: float  # observed z-statistic (treatment − control)
    boundary: float  # efficacy boundary at this look's actual information
    crossed: str  # "efficacy" (upper), "harm" (lower, two-sided) or "" (continue)


@dataclass(frozen=True)
class Monitoring:
    """The looks of a running test against boundaries recomputed at their actual information."""

    looks: tuple[Look, ...]
    stopped_at: int | None  # number of the first look that crossed, or None
    final: bool  # the last look reached the maximum sample
    decision: str


def monitor(
    z_values: Sequence[float],
    information: Sequence[float],
    *,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    spending: str = "obrien-fleming",
) -> Monitoring:
    """Which boundary each look crossed, with boundaries at the information actually reached.

    Parameters
    ----------
    z_values : observed z-statistic at each look so far (cumulative data).
    information : sample at each look ÷ the planned maximum sample (≥ 1 means the final look).

    Notes
    -----
    Lan–DeMets spending is evaluated at the actual fractions, so looks earlier or later than
    planned keep the false-positive rate (Lan & DeMets 1983). A look at or beyond the maximum
    sample is the final one and spends what is left; no look may follow it. The test stops at
    the first crossing; later looks are not read.
    """
    z = np.asarray(z_values, dtype=float)
    t_raw = np.asarray(information, dtype=float)
    if z.shape != t_raw.shape or z.ndim != 1 or z.size == 0:
        raise ValueError("z_values: give one z-statistic per look")
    if z.size > MAX_LOOKS:
        raise ValueError(f"looks: at most {MAX_LOOKS} looks can be read, got {z.size}")
    if not np.all(np.isfinite(z)):
        raise ValueError("z_values: every z-statistic must be a finite number")
    if not np.all(np.isfinite(t_raw)) or t_raw[0] <= 0 or np.any(np.diff(t_raw) <= 0):
        raise ValueError("information: the sample must grow from look to look (fractions > 0, increasing)")
    if np.any(t_raw[:-1] >= 1):
        raise ValueError("information: only the last look can reach the maximum sample")
    t = np.minimum(t_raw, 1.0)
    bounds = boundaries(len(t), alpha=alpha, alternative=alternative, spending=spending, information=t)
    two = alternative == "two-sided"
    looks, stopped = [], None
    for k, (zk, bk) in enumerate(zip(z, bounds.z)):
        crossed = "efficacy" if zk >= bk else ("harm" if two and zk <= -bk else "")
        looks.append(Look(number=k + 1, information=float(t[k]), z=float(zk), boundary=float(bk), crossed=crossed))
        if crossed:
            stopped = k + 1
            break
    final = bool(t_raw[-1] >= 1)
    last = looks[-1]
    if stopped is not None:
        what = ("the treatment is better: stop and ship it" if last.crossed == "efficacy"
                else "the treatment is worse: stop it")
        decision = (f"Look {last.number}: z = {last.z:.2f} crossed the boundary ±{last.boundary:.2f}"
                    if two else f"Look {last.number}: z = {last.z:.2f} crossed the boundary {last.boundary:.2f}")
        decision += f" — {what} (family-wise α = {alpha:g} kept)."
    elif final:
        decision = (f"Final look: z = {last.z:.2f} did not reach {last.boundary:.2f}; the test ends without "
                    "proving an effect.")
    else:
        decision = (f"Look {last.number} ({last.information:.0%} of the maximum sample): z = {last.z:.2f} is "
                    f"inside the boundary {last.boundary:.2f}; continue to the next look.")
    return Monitoring(looks=tuple(looks), stopped_at=stopped, final=final, decision=decision)


def read_look(
    z: float,
    information: float,
    *,
    look: int,
    looks: int,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    spending: str = "obrien-fleming",
) -> Look:
    """Read look ``look`` of a planned ``looks``-look design when the earlier looks were on plan.

    Parameters
    ----------
    z : the z-statistic now (cumulative data).
    information : sample now ÷ the planned maximum sample (≥ 1: the final look).
    look, looks : this look's number (1-based) and the planned number of looks.

    Notes
    -----
    The earlier looks are taken at their planned fractions ``j / K`` (and did not stop the
    test); this one at its actual fraction, where the spending function sets its boundary
    (:func:`monitor` with the earlier looks' z unknown but inside their boundaries). A look
    at or beyond the maximum sample is the final one and spends what is left.
    """
    k, n_looks = check_looks(look), check_looks(looks)
    if k > n_looks:
        raise ValueError(f"look: look {k} of a {n_looks}-look design does not exist")
    t = float(information)
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"information: the sample so far must be above 0, got {t:g}")
    zf = float(z)
    if not math.isfinite(zf):
        raise ValueError("z: must be a finite number")
    earlier = [j / n_looks for j in range(1, k)]
    if earlier and earlier[-1] >= min(t, 1.0):
        raise ValueError(f"information: look {k} at {t:.0%} of the maximum sample comes before look {k - 1}'s "
                         f"planned {earlier[-1]:.0%}")
    fractions = earlier + [min(t, 1.0)]
    b = boundaries(len(fractions), alpha=alpha, alternative=alternative, spending=spending, information=fractions).z[-1]
    two = alternative == "two-sided"
    crossed = "efficacy" if zf >= b else ("harm" if two and zf <= -b else "")
    return Look(number=k, information=min(t, 1.0), z=zf, boundary=float(b), crossed=crossed)
