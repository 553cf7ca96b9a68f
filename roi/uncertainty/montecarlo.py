"""Monte Carlo: the distribution of NPV, ROI and payback when every driver is uncertain.

Each driver with a range is drawn independently from a PERT (default) or triangular
distribution over its low / base / high — except the discount rate and the risk adjustment
(:data:`POLICY_KINDS`): they are the finance team's choices, not uncertain quantities, and the
risk haircut already stands for the uncertainty drawn here, so drawing it too would count it
twice (the tornado still shows what they do); the whole programme is evaluated for every draw with
the vectorised engine (:func:`roi.engine.programme_cash`), in chunks of draws so memory stays
bounded, spread over a few threads (numpy releases the GIL). Draws are reproducible: driver
``k`` always uses the ``k``-th child of ``numpy.random.SeedSequence(seed)``, so the answer does
not depend on chunking or threads.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .. import engine
from ..schema import Scenario
from .drivers import Driver, Ranges, apply, drivers
from .metrics import outcomes

Distribution = Literal["pert", "triangular"]
DISTRIBUTIONS: tuple[str, ...] = ("pert", "triangular")
DEFAULT_DRAWS = 100_000
POLICY_KINDS = frozenset({"discount_rate", "risk"})  # settings the Monte Carlo holds at base
PERT_LAMBDA = 4.0  # weight of the mode in the classic PERT
_ELEMENTS_PER_CHUNK = 1 << 19  # ≈ 4 MB per [pairs, years, draws] float64 temporary


def sample(driver: Driver, n: int, rng: np.random.Generator, distribution: Distribution = "pert") -> np.ndarray:
    """``n`` draws of one driver.

    Notes
    -----
    PERT(a, m, b): ``a + (b − a) × Beta(α, β)`` with ``α = 1 + 4 (m − a)/(b − a)``,
    ``β = 1 + 4 (b − m)/(b − a)`` (mean ``(a + 4m + b)/6``). Triangular(a, m, b): numpy's
    ``Generator.triangular``. A zero-width driver (``a = b``) is the constant ``m``.
    """
    a, m, b = driver.low, driver.base, driver.high
    if b <= a:
        return np.full(n, m)
    if distribution == "pert":
        alpha = 1 + PERT_LAMBDA * (m - a) / (b - a)
        beta = 1 + PERT_LAMBDA * (b - m) / (b - a)
        return a + (b - a) * rng.beta(alpha, beta, size=n)
    if distribution == "triangular":
        return rng.triangular(a, m, b, size=n)
    raise ValueError(f"distribution: must be one of {', '.join(DISTRIBUTIONS)} (got {distribution!r})")


@dataclass(frozen=True)
class Contribution:
    """How much of the NPV variance one driver explains."""

    driver: str  # Driver.key
    label: str
    src: float  # standardised regression coefficient of NPV on the driver
    share: float  # SRC² / Σ SRC², fraction 0–1 of the linearly explained variance


@dataclass(frozen=True)
class Simulation:
    """Monte Carlo results. Money in the scenario's currency, ROI a fraction, payback months."""

    draws: int
    seed: int
    distribution: str
    currency: str
    npv: np.ndarray  # [draws]
    roi: np.ndarray  # [draws], NaN where undefined (no cost)
    payback_months: np.ndarray  # [draws], NaN where not within the horizon
    base_npv: float  # deterministic case (every driver at base)
    contributions: list[Contribution]  # largest share first
    r_squared: float  # share of NPV variance a linear model in the drivers explains
    horizon_years: int

    def quantile(self, q: float, what: str = "npv") -> float | None:
        """``q``-quantile (0–1) of ``npv``/``roi``; ``payback_months`` counts "never" as longest."""
        v = getattr(self, what)
        if what == "payback_months":
            v = np.where(np.isnan(v), np.inf, v)
            out = float(np.quantile(v, q, method="inverted_cdf"))
            return None if not np.isfinite(out) else out
        v = v[~np.isnan(v)]
        return float(np.quantile(v, q)) if v.size else None

    @property
    def prob_npv_negative(self) -> float:
        """Share of draws with NPV < 0: the odds of losing money."""
        return float(np.mean(self.npv < 0))

    @property
    def prob_payback(self) -> float:
        """Share of draws that pay back within the horizon."""
        return float(np.mean(~np.isnan(self.payback_months)))

    def summary(self) -> dict[str, Any]:
        """JSON contract of ``python -m roi simulate --json`` (keys are relied on)."""
        return {
            "draws": self.draws,
            "seed": self.seed,
            "distribution": self.distribution,
            "currency": self.currency,
            "base_npv": self.base_npv,
            "npv_mean": float(self.npv.mean()),
            "npv_std": float(self.npv.std()),
            "npv_p10": self.quantile(0.10),
            "npv_p50": self.quantile(0.50),
            "npv_p90": self.quantile(0.90),
            "prob_npv_negative": self.prob_npv_negative,
            "roi_p10": self.quantile(0.10, "roi"),
            "roi_p50": self.quantile(0.50, "roi"),
            "roi_p90": self.quantile(0.90, "roi"),
            "payback_months_p10": self.quantile(0.10, "payback_months"),
            "payback_months_p50": self.quantile(0.50, "payback_months"),
            "payback_months_p90": self.quantile(0.90, "payback_months"),
            "prob_payback_within_horizon": self.prob_payback,
            "r_squared": self.r_squared,
            "variance_contributions": [
                {"driver": c.driver, "label": c.label, "src": c.src, "share": c.share} for c in self.contributions
            ],
        }


def simulate(
    scenario: Scenario,
    draws: int = DEFAULT_DRAWS,
    seed: int = 1,
    distribution: Distribution = "pert",
    ranges: Ranges | None = None,
    *,
    chunk_draws: int | None = None,
    workers: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> Simulation:
    """Run ``draws`` Monte Carlo draws of the programme; see the module docstring.

    ``progress`` (optional) is called from the calling thread with the fraction done (0–1).
    ``workers`` threads evaluate chunks (default: CPU count, at most 4).
    """
    if draws < 1:
        raise ValueError(f"draws: must be at least 1 (got {draws})")
    if seed < 0:
        raise ValueError(f"seed: must be zero or more (got {seed})")
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution: must be one of {', '.join(DISTRIBUTIONS)} (got {distribution!r})")
    structure, x = engine.build(scenario)
    ds = drivers(scenario, ranges)
    varying = [k for k, d in enumerate(ds) if d.width > 0 and d.kind not in POLICY_KINDS]
    vd = [ds[k] for k in varying]
    children = np.random.SeedSequence(seed).spawn(len(ds))  # child k belongs to driver k
    n_workers = max(1, min(workers or os.cpu_count() or 1, 4))

    values = np.empty((draws, len(vd))[::-1])  # [K,draws]: one contiguous row per driver

    def draw_driver(i: int) -> None:
        k = varying[i]
        values[i] = sample(ds[k], draws, np.random.default_rng(children[k]), distribution)

    per_draw = (len(structure.pair_initiative) + len(structure.lever)) * structure.horizon
    chunk = chunk_draws or int(np.clip(_ELEMENTS_PER_CHUNK // max(per_draw, 1), 16, 16_384))
    npv, roi, payback = np.empty(draws), np.empty(draws), np.empty(draws)

    def run(start: int) -> int:
        stop = min(start + chunk, draws)
        xs = apply(x, vd, values[:, start:stop].T, skip_base=False)
        b, c = engine.programme_cash(structure, xs)
        o = outcomes(b, c, xs.discount_rate)
        n = stop - start
        npv[start:stop] = np.broadcast_to(o.npv, (n,))
        roi[start:stop] = np.broadcast_to(o.roi, (n,))
        payback[start:stop] = np.broadcast_to(o.payback_months, (n,))
        return n

    with ThreadPoolExecutor(max_workers=n_workers) as pool:
        list(pool.map(draw_driver, range(len(vd))))
        done = 0
        for n in pool.map(run, range(0, draws, chunk)):
            done += n
            if progress is not None:
                progress(done / draws)

    b0, c0 = engine.programme_cash(structure, x)
    base = float(outcomes(b0, c0, x.discount_rate).npv[0])
    contributions, r2 = variance_contributions(vd, values, npv)
    return Simulation(
        draws=draws,
        seed=seed,
        distribution=distribution,
        currency=scenario.settings.currency,
        npv=npv,
        roi=roi,
        payback_months=payback,
        base_npv=base,
        contributions=contributions,
        r_squared=r2,
        horizon_years=structure.horizon,
    )


def variance_contributions(ds: list[Driver], values: np.ndarray, y: np.ndarray) -> tuple[list[Contribution], float]:
    """Standardised regression coefficients (SRC) of ``y`` ``[n]`` on the drivers' sampled
    ``values`` ``[K,n]``.

    Notes
    -----
    With standardised inputs ``z_k`` and output ``z_y``, least squares gives ``z_y ≈ Σ SRC_k z_k``;
    for independent inputs ``Σ SRC_k² = R²``, the share of variance a linear model explains, so
    ``SRC_k² / Σ SRC²`` is driver *k*'s share of it. Solved from the correlation matrix
    (``C β = r``), one pass over the draws. Degenerate cases: no varying driver, or ``y``
    constant, give no contributions and ``R² = 0``.
    """
    n = values.shape[1]
    if not ds or n < 3:
        return [], 0.0
    sy = y.std()
    if not np.isfinite(sy) or sy == 0:
        return [], 0.0
    mu = values.mean(axis=1)
    cov = values @ values.T / n - np.outer(mu, mu)  # [K,K]
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    keep = sd > 1e-12 * np.maximum(np.abs(mu), 1.0)
    sd_k = sd[keep]
    C = cov[np.ix_(keep, keep)] / np.outer(sd_k, sd_k)
    r = (values[keep] @ y / n - mu[keep] * y.mean()) / (sd_k * sy)
    beta = np.linalg.lstsq(C, r, rcond=None)[0]
    r2 = float(np.clip(beta @ r, 0.0, 1.0))
    sq = beta**2
    total = sq.sum()
    kept = [d for d, k in zip(ds, keep) if k]
    out = [
        Contribution(d.key, d.label, float(b), float(s / total) if total > 0 else 0.0)
        for d, b, s in zip(kept, beta, sq)
    ]
    out.sort(key=lambda c: -c.share)
    return out, r2
