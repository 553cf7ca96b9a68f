"""Analysis of a finished A/B test: is B's conversion rate different from A's?

A is the control (generic experience), B the treatment (personalized). Rates are conversions
per visitor, fractions 0–1; the relative lift is ``rate_b / rate_a − 1`` (0.10 = +10%).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

ALTERNATIVES = ("two-sided", "one-sided")
SRM_ALPHA = 0.001  # a split this unlikely under the planned allocation is treated as broken


@dataclass(frozen=True)
class RevenueComparison:
    """Revenue per visitor in each arm (currency per visitor), with a z-test when sds are known."""

    per_visitor_a: float
    per_visitor_b: float
    abs_diff: float  # currency per visitor, B − A
    rel_diff: float | None  # B / A − 1; None when A has no revenue
    p_value: float | None  # Welch-type z-test (one-sided when the test is); None without per-visitor sds
    ci_abs_diff: tuple[float, float] | None


@dataclass(frozen=True)
class ABResult:
    """Result of a two-arm conversion test (see :func:`analyze_ab` for the formulas)."""

    visitors_a: int
    conversions_a: int
    visitors_b: int
    conversions_b: int
    rate_a: float  # conversions per visitor in the control
    rate_b: float  # conversions per visitor in the treatment
    abs_diff: float  # rate_b − rate_a, fraction (0.005 = +0.5 percentage points)
    rel_lift: float | None  # rate_b / rate_a − 1; None when the control has no conversions
    z: float
    p_value: float
    alpha: float  # significance threshold, fraction
    alternative: str  # "two-sided", or "one-sided" (H₁: B better than A)
    significant: bool  # p_value < alpha
    confidence: float  # level of the (two-sided) intervals below
    ci_abs_diff: tuple[float, float]
    ci_rel_lift: tuple[float, float] | None
    expected_share_b: float  # planned share of visitors sent to B
    srm_p_value: float  # chi-square test of the observed split against the planned one
    srm_detected: bool  # srm_p_value < SRM_ALPHA
    shrinkage_prior_sd: float | None  # sd of true relative lifts across tests (prior), if used
    shrinkage_factor: float | None  # share of the observed lift kept after shrinkage, 0–1
    shrunk_rel_lift: float | None
    shrunk_ci_rel_lift: tuple[float, float] | None
    revenue: RevenueComparison | None
    decision: str  # the plain-sentence conclusion

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, tuple):
                d[k] = list(v)
        if d["revenue"] is not None:
            d["revenue"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in d["revenue"].items()}
        return d

    @property
    def measured_uplift(self) -> tuple[float, float, float] | None:
        """``(low, point, high)`` relative lift to carry into a business case; shrunk if computed."""
        if self.shrunk_rel_lift is not None and self.shrunk_ci_rel_lift is not None:
            return (self.shrunk_ci_rel_lift[0], self.shrunk_rel_lift, self.shrunk_ci_rel_lift[1])
        if self.rel_lift is None or self.ci_rel_lift is None:
            return None
        return (self.ci_rel_lift[0], self.rel_lift, self.ci_rel_lift[1])


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise ValueError(f"{name}: must be a whole number, got {value!r}")
    if not math.isfinite(float(value)) or float(value) != int(value):
        raise ValueError(f"{name}: must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name}: must be zero or more, got {int(value)}")
    return int(value)


def _validate(visitors_a: Any, conversions_a: Any, visitors_b: Any, conversions_b: Any) -> tuple[int, int, int, int]:
    na, ca = _count("visitors_a", visitors_a), _count("conversions_a", conversions_a)
    nb, cb = _count("visitors_b", visitors_b), _count("conversions_b", conversions_b)
    for arm, n, c in (("a", na, ca), ("b", nb, cb)):
        if n == 0:
            raise ValueError(f"visitors_{arm}: must be at least 1 (an arm without visitors cannot be compared)")
        if c > n:
            raise ValueError(f"conversions_{arm}: {c} conversions cannot exceed {n} visitors")
    return na, ca, nb, cb


def z_test(visitors_a: int, conversions_a: int, visitors_b: int, conversions_b: int,
           alternative: str = "two-sided") -> tuple[float, float]:
    """Two-proportion z-test of H₀: rate_b = rate_a; returns ``(z, p_value)``.

    Notes
    -----
    ``z = (p_b − p_a) / √(p̄(1 − p̄)(1/n_a + 1/n_b))`` with the pooled rate
    ``p̄ = (c_a + c_b)/(n_a + n_b)`` (statsmodels ``proportions_ztest``). Two-sided
    ``p = 2(1 − Φ(|z|))``; one-sided (H₁: B better) ``p = 1 − Φ(z)``.
    When no visitor or every visitor converted (``p̄`` is 0 or 1) the arms cannot differ:
    ``z = 0`` and ``p = 1`` (two-sided) or 0.5 (one-sided), an explicit branch instead of 0/0.
    """
    na, ca, nb, cb = _validate(visitors_a, conversions_a, visitors_b, conversions_b)
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative: must be one of {', '.join(ALTERNATIVES)}, got {alternative!r}")
    pooled = (ca + cb) / (na + nb)
    if pooled in (0.0, 1.0):
        return 0.0, 1.0 if alternative == "two-sided" else 0.5
    z, p = proportions_ztest(count=[cb, ca], nobs=[nb, na],
                             alternative="two-sided" if alternative == "two-sided" else "larger")
    return float(z), float(p)


def srm_check(visitors_a: int, visitors_b: int, expected_share_b: float = 0.5) -> float:
    """p-value of a sample-ratio-mismatch chi-square test (1 degree of freedom).

    Notes
    -----
    ``χ² = Σ (observed − expected)² / expected`` over the two arms, with expected counts
    ``N(1 − s)`` and ``N s`` for the planned share ``s`` of B (scipy ``chisquare``). A tiny
    p-value (below :data:`SRM_ALPHA`) means the assignment is broken and the result is not to
    be trusted, whatever it says.
    """
    if not 0 < expected_share_b < 1:
        raise ValueError(f"expected_share_b: must be in (0, 1), got {expected_share_b:g}")
    total = visitors_a + visitors_b
    expected = [total * (1 - expected_share_b), total * expected_share_b]
    return float(stats.chisquare([visitors_a, visitors_b], f_exp=expected).pvalue)


def analyze_ab(
    visitors_a: int,
    conversions_a: int,
    visitors_b: int,
    conversions_b: int,
    *,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    expected_share_b: float = 0.5,
    shrinkage_prior_sd: float | None = None,
    revenue_a: float | None = None,
    revenue_b: float | None = None,
    revenue_sd_a: float | None = None,
    revenue_sd_b: float | None = None,
) -> ABResult:
    """Analyse a two-arm conversion test (A = control, B = treatment).

    Parameters
    ----------
    visitors_*, conversions_* : whole numbers; every arm needs a visitor, conversions ≤ visitors.
    alpha : significance threshold, fraction in (0, 1).
    alternative : ``two-sided`` (default) or ``one-sided`` (H₁: B converts better than A).
    expected_share_b : planned share of visitors in B, for the sample-ratio-mismatch check.
    shrinkage_prior_sd : if given, the standard deviation of true relative lifts across tests
        (e.g. 0.05); the observed lift is shrunk toward zero to correct the winner's curse.
    revenue_* : optional total revenue per arm (currency); with ``revenue_sd_*`` (per-visitor
        standard deviations) revenue per visitor is tested too.

    Notes
    -----
    * test: :func:`z_test` (pooled two-proportion z-test);
    * interval for ``p_b − p_a``: Newcomb's hybrid score interval (statsmodels
      ``confint_proportions_2indep(method="newcomb")``), which stays valid with zero conversions;
    * interval for the relative lift ``p_b/p_a − 1``: log ratio with a 0.5 adjustment
      (``method="log-adjusted"``), minus 1; undefined (``None``) when A has no conversions;
    * intervals are two-sided at ``1 − α`` for a two-sided test and at ``1 − 2α`` for a
      one-sided test (so their lower bound is the one-sided bound);
    * winner's-curse shrinkage (normal–normal): with the prior ``N(0, τ²)`` on true lifts and
      the standard error ``se`` of the observed lift (half-width of its interval / z), the
      posterior mean is ``k × lift`` with ``k = τ² / (τ² + se²)`` and the posterior interval
      ``k × lift ± z √k se``. Significant results from many tests overstate production wins;
      shrinkage pulls noisy wins back more than precise ones.
    """
    na, ca, nb, cb = _validate(visitors_a, conversions_a, visitors_b, conversions_b)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha: must be in (0, 1) as a fraction (e.g. 0.05), got {alpha:g}")
    z, p = z_test(na, ca, nb, cb, alternative)
    ra, rb = ca / na, cb / nb
    ci_alpha = alpha if alternative == "two-sided" else min(2 * alpha, 0.999)
    zc = float(stats.norm.isf(ci_alpha / 2))
    lo, hi = confint_proportions_2indep(cb, nb, ca, na, method="newcomb", compare="diff", alpha=ci_alpha)
    ci_abs = (max(float(lo), -1.0), min(float(hi), 1.0))  # clip rounding just outside [−1, 1]
    if ca == 0:
        rel, ci_rel = None, None
    else:
        rel = rb / ra - 1.0
        rlo, rhi = confint_proportions_2indep(cb, nb, ca, na, method="log-adjusted", compare="ratio", alpha=ci_alpha)
        ci_rel = (max(float(rlo) - 1.0, -1.0), float(rhi) - 1.0)

    k = shrunk = shrunk_ci = None
    if shrinkage_prior_sd is not None:
        tau = float(shrinkage_prior_sd)
        if not (math.isfinite(tau) and tau > 0):
            raise ValueError(f"shrinkage_prior_sd: must be greater than 0 (e.g. 0.05), got {tau:g}")
        if rel is not None and ci_rel is not None:
            se = (ci_rel[1] - ci_rel[0]) / (2 * zc)
            k = tau**2 / (tau**2 + se**2)
            shrunk = k * rel
            shrunk_ci = (shrunk - zc * math.sqrt(k) * se, shrunk + zc * math.sqrt(k) * se)

    share = float(expected_share_b)
    srm_p = srm_check(na, nb, share)
    revenue = _revenue(na, nb, revenue_a, revenue_b, revenue_sd_a, revenue_sd_b, zc, alternative)
    result = dict(
        visitors_a=na, conversions_a=ca, visitors_b=nb, conversions_b=cb,
        rate_a=ra, rate_b=rb, abs_diff=rb - ra, rel_lift=rel, z=z, p_value=p,
        alpha=float(alpha), alternative=alternative, significant=bool(p < alpha),
        confidence=1.0 - ci_alpha, ci_abs_diff=ci_abs, ci_rel_lift=ci_rel,
        expected_share_b=share, srm_p_value=srm_p, srm_detected=bool(srm_p < SRM_ALPHA),
        shrinkage_prior_sd=shrinkage_prior_sd, shrinkage_factor=k, shrunk_rel_lift=shrunk,
        shrunk_ci_rel_lift=shrunk_ci, revenue=revenue,
    )
    return ABResult(**result, decision=_decision(result))


def _revenue(na: int, nb: int, rev_a: float | None, rev_b: float | None,
             sd_a: float | None, sd_b: float | None, zc: float, alternative: str) -> RevenueComparison | None:
    """Revenue per visitor in each arm, tested like the conversion rate: the p-value follows
    ``alternative`` (one-sided ``1 − Φ(z)``, H₁: B earns more) and the interval uses the same
    ``zc`` as the conversion intervals, so p < α exactly when the interval excludes zero on the
    tested side."""
    if rev_a is None and rev_b is None:
        return None
    if rev_a is None or rev_b is None:
        raise ValueError("revenue_a, revenue_b: give the revenue of both arms or of neither")
    for name, v in (("revenue_a", rev_a), ("revenue_b", rev_b)):
        if not (math.isfinite(v) and v >= 0):
            raise ValueError(f"{name}: must be zero or more, got {v:g}")
    a, b = rev_a / na, rev_b / nb
    p_value = ci = None
    if sd_a is not None and sd_b is not None:
        if sd_a < 0 or sd_b < 0:
            raise ValueError("revenue_sd_a, revenue_sd_b: must be zero or more")
        se = math.sqrt(sd_a**2 / na + sd_b**2 / nb)
        if se > 0:
            z = (b - a) / se
            p_value = float(2 * stats.norm.sf(abs(z)) if alternative == "two-sided" else stats.norm.sf(z))
            ci = (b - a - zc * se, b - a + zc * se)
    return RevenueComparison(per_visitor_a=a, per_visitor_b=b, abs_diff=b - a,
                             rel_diff=None if a == 0 else b / a - 1, p_value=p_value, ci_abs_diff=ci)


def _decision(r: dict[str, Any]) -> str:
    """The conclusion in one or two plain sentences."""
    pts = lambda v: f"{v * 100:+.2f} pts"  # noqa: E731 - percentage points
    rel = "" if r["rel_lift"] is None else f", {r['rel_lift']:+.1%} relative"
    lo, hi = r["ci_abs_diff"]
    head = (
        f"B converted at {r['rate_b']:.2%} vs {r['rate_a']:.2%} for A ({pts(r['abs_diff'])}{rel}; "
        f"{r['confidence']:.0%} interval {pts(lo)} to {pts(hi)})."
    )
    p, a = r["p_value"], r["alpha"]
    null = "no difference" if r["alternative"] == "two-sided" else "B no better than A"
    if r["significant"]:
        direction = "better" if r["abs_diff"] > 0 else "worse"
        verdict = f" p = {p:.3g} < {a:g}: reject the null hypothesis of {null} — B converts {direction} than A."
    else:
        verdict = (f" p = {p:.3g} ≥ {a:g}: the test cannot reject the null hypothesis of {null}; "
                   "the uplift is not proven.")
    if r["shrunk_rel_lift"] is not None:
        verdict += (f" Corrected for the winner's curse, the expected lift in production is "
                    f"{r['shrunk_rel_lift']:+.1%}.")
    if r["srm_detected"]:
        verdict += (f" Warning: sample ratio mismatch (p = {r['srm_p_value']:.2g}) — the split differs from "
                    f"the planned {1 - r['expected_share_b']:.0%}/{r['expected_share_b']:.0%}; "
                    "fix the assignment before trusting this result.")
    return head + verdict


_COLUMNS = ("visitors", "conversions")


def results_from_table(table: pd.DataFrame) -> dict[str, Any]:
    """Keyword arguments for :func:`analyze_ab` from a two-row table (e.g. an uploaded CSV).

    Columns (case-insensitive): ``visitors``, ``conversions``, optional ``revenue`` and an
    optional ``arm`` (or ``variant``) label. The control is the row labelled ``A``/``control``
    if there is a label column, else the first row.
    """
    df = table.rename(columns={c: str(c).strip().lower() for c in table.columns})
    missing = [c for c in _COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{missing[0]}: column is missing (need visitors and conversions, one row per arm)")
    if len(df) != 2:
        raise ValueError(f"rows: need exactly 2 rows (control A and treatment B), got {len(df)}")
    label = next((c for c in ("arm", "variant", "group") if c in df.columns), None)
    if label is not None:
        names = df[label].astype(str).str.strip().str.lower()
        is_control = names.isin(["a", "control", "generic"])
        if is_control.sum() == 1 and not is_control.iloc[0]:
            df = df.iloc[::-1]
    cols = list(_COLUMNS) + (["revenue"] if "revenue" in df.columns else [])
    values = df[cols].apply(pd.to_numeric, errors="coerce")
    if values.isna().any().any():
        bad = values.columns[values.isna().any()][0]
        raise ValueError(f"{bad}: every row needs a number")
    (a, b) = values.to_dict("records")
    out: dict[str, Any] = {
        "visitors_a": a["visitors"], "conversions_a": a["conversions"],
        "visitors_b": b["visitors"], "conversions_b": b["conversions"],
    }
    if "revenue" in values:
        out["revenue_a"], out["revenue_b"] = float(a["revenue"]), float(b["revenue"])
    return out
