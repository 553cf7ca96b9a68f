"""Monte Carlo: the distribution of NPV, ROI and payback when every driver is uncertain.

Each driver with a range is drawn from a PERT (default) or triangular distribution over its
low / base / high — except the discount rate (:data:`POLICY_KINDS`), the finance team's choice,
not an uncertain quantity (the tornado still shows what it does). The draws run on the model
*before* the TEI risk adjustment: the ranges are the risk, and the haircut stands for the same
uncertainty, so stacking it under the distribution would count it twice. The headline stays the
risk-adjusted NPV; :attr:`Simulation.risk_adjusted_npv_percentile` says where it sits in the
distribution.

Uplifts share causes (the same team, data and platform), so they are drawn with correlation
``ρ`` through one common factor — a Gaussian copula: uplift *j*'s normal score is
``√ρ Z₀ + √(1 − ρ) Z_j`` and its value is the PERT (or triangular) quantile of that score. The
other drivers are drawn independently. The whole programme is evaluated for every draw with the
vectorised engine (:func:`roi.engine.programme_cash`), in chunks of draws so memory stays
bounded, spread over a few threads (numpy releases the GIL). Draws are reproducible: driver
``k`` always uses the ``k``-th child of ``numpy.random.SeedSequence(seed)`` (the common factor
the child after the last driver), so the answer does not depend on chunking or threads — and a
driver whose range did not change since an earlier run reuses that run's draws (common random
numbers, kept in a bounded cache), so a rerun after one edit draws only what the edit changed.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from threading import Lock
from typing import Any, Literal

import numpy as np
from scipy import special

from .. import engine
from ..allocator import keep_freed_memory
from ..budget import MEMORY_BUDGET_BYTES, mib
from ..engine.chunks import ELEMENTS_PER_CHUNK
from ..model import evaluate
from ..schema import Scenario
from ..threads import single_blas_thread
from .defaults import DEFAULT_DISTRIBUTION, DEFAULT_DRAWS, DEFAULT_SEED, DISTRIBUTIONS, MAX_DRAWS
from .ranges import Driver, Ranges, apply, drivers
from .metrics import outcomes

Distribution = Literal["pert", "triangular"]
POLICY_KINDS = frozenset({"discount_rate"})  # settings the Monte Carlo holds at base
PERT_LAMBDA = 4.0  # weight of the mode in the classic PERT
_Z_MAX, _Z_POINTS = 8.5, 2049  # quantile table over normal scores: |z| ≤ 8.5 holds all but 2e-17

# Elements of one chunk's [draws, pairs + initiatives, years] arrays, summed over the threads: each
# of n threads takes 1/n of it, so the temporaries held at once (and the peak) do not grow with
# the threads, and fewer threads take bigger chunks — with two threads, chunks of ≈ 16 MB
# temporaries took 8–12% less CPU than ≈ 8 MB ones (fewer hand-overs of the GIL between threads).
_ELEMENTS_PER_RUN = 8 * ELEMENTS_PER_CHUNK
_MAX_WORKERS = 4
# A small case (the samples: ~55 elements a draw) is bounded by draws instead: 100,000 draws in
# four chunks of 25,000 on two threads took 6–8 ms (7%) less than in seven of 16,384; in two
# halves, more (the arrays no longer fit the cache).
_MAX_CHUNK_DRAWS = 32_768


def _even_chunk(draws: int, per_draw: int, n_workers: int) -> int:
    """Draws per chunk: within the thread's share of :data:`_ELEMENTS_PER_RUN` (``per_draw`` elements
    a draw) and :data:`_MAX_CHUNK_DRAWS`, sized so the draws split into a multiple of the threads'
    number of chunks, all of one size but the last (shorter by less than the number of chunks) —
    rather than full chunks and a last, short one that leaves the other threads waiting. With fewer
    draws than that, the chunks are as even as whole draws allow.

    >>> _even_chunk(100_000, 55, 2), _even_chunk(100_000, 1175, 2), _even_chunk(10, 1175, 4)
    (25000, 1725, 3)
    """
    limit = int(np.clip(_ELEMENTS_PER_RUN // n_workers // max(per_draw, 1), 16, _MAX_CHUNK_DRAWS))
    pieces = -(-draws // limit)
    pieces = -(-pieces // n_workers) * n_workers
    return max(1, -(-draws // pieces))


# Memory of a run (tracemalloc, tests/test_limits.py): the drivers' draws ``[K, draws]`` are kept
# for the variance shares, plus NPV, ROI, payback, the common factor and the threads' temporaries
# — about 24 more floats a draw — plus a fixed part (the chunks' temporaries, _ELEMENTS_PER_RUN
# whatever the threads, and the case's arrays). Measured with 1, 2 and 4 threads: 73–88 MiB for
# 20,000 draws of the largest case (estimate 124 MiB), 155–159 MiB for 100,000 draws of the
# 50 × 20 × 5 case (estimate 165 MiB); tested in tests/test_limits.py. Drivers' draws kept between
# runs (_DrawCache) are process-wide, at most DRAW_CACHE_BYTES whatever the number of runs.
_OVERHEAD_FLOATS_PER_DRAW = 24
_FIXED_BYTES = 104 * 2**20


def memory_needed(draws: int, n_drivers: int) -> int:
    """Bytes a run of ``draws`` with ``n_drivers`` varying drivers holds at its peak (an upper estimate)."""
    return _FIXED_BYTES + 8 * draws * (n_drivers + _OVERHEAD_FLOATS_PER_DRAW)


def max_draws(n_drivers: int) -> int:
    """The most draws (a multiple of 1,000, at most :data:`~roi.uncertainty.defaults.MAX_DRAWS`)
    whose run fits :data:`~roi.budget.MEMORY_BUDGET_BYTES` with ``n_drivers`` varying drivers.

    >>> max_draws(13), max_draws(107)
    (1000000, 408000)
    """
    fits = (MEMORY_BUDGET_BYTES - _FIXED_BYTES) // (8 * (n_drivers + _OVERHEAD_FLOATS_PER_DRAW))
    return int(min(MAX_DRAWS, max(fits // 1000 * 1000, 1000)))


# CPU seconds of a draw: a fixed part and a part per element of the engine's [pairs + initiatives,
# years] arrays, fitted to benchmarks/bench_uncertainty.py on this project's 2-core machine: 100,000
# draws take 0.15 s for the retailer (~80 elements a draw), 0.5 s for a 20 × 10 × 5 case (~420) and
# 1.2 s for the 50 × 20 × 5 case (1,175).
SECONDS_PER_DRAW = 7e-7
SECONDS_PER_ELEMENT = 1e-8


def estimated_seconds(scenario: Scenario, draws: int) -> float:
    """A rough forecast of a run's CPU time, ``draws × (``:data:`SECONDS_PER_DRAW` ``+ elements ×``
    :data:`SECONDS_PER_ELEMENT` ``)`` with ``elements = (pairs + initiatives) × years``. Good to a
    factor of about two across cases and machines: enough for a page to decide whether to wait for
    a run or show a quicker answer first."""
    structure, _ = engine.build(scenario)
    elements = (len(structure.pair_initiative) + len(structure.lever)) * structure.horizon
    return draws * (SECONDS_PER_DRAW + elements * SECONDS_PER_ELEMENT)


def varying_drivers(scenario: Scenario, ranges: Ranges | None = None) -> list[Driver]:
    """The drivers a Monte Carlo run draws: those with a range, but not the policy settings."""
    return [d for d in drivers(scenario, ranges) if d.width > 0 and d.kind not in POLICY_KINDS]


def _pert_shape(driver: Driver) -> tuple[float, float]:
    a, m, b = driver.low, driver.base, driver.high
    return 1 + PERT_LAMBDA * (m - a) / (b - a), 1 + PERT_LAMBDA * (b - m) / (b - a)


def sample(driver: Driver, n: int, rng: np.random.Generator, distribution: Distribution = "pert") -> np.ndarray:
    """``n`` independent draws of one driver.

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
        alpha, beta = _pert_shape(driver)
        return a + (b - a) * rng.beta(alpha, beta, size=n)
    if distribution == "triangular":
        return rng.triangular(a, m, b, size=n)
    raise ValueError(f"distribution: must be one of {', '.join(DISTRIBUTIONS)} (got {distribution!r})")


def quantile_of_score(driver: Driver, z: np.ndarray, distribution: Distribution = "pert") -> np.ndarray:
    """The driver's value at normal scores ``z``: its quantile at ``Φ(z)``.

    Notes
    -----
    Triangular: the closed-form inverse CDF. PERT: ``a + (b − a) × I⁻¹(Φ(z); α, β)`` (the
    inverse regularised incomplete beta) tabulated at 2,049 scores over ``|z| ≤ 8.5`` and
    interpolated linearly — the curve is smooth in ``z``, so the table is exact to 2e-5 of
    the range (see the tests) at a fraction of the cost of inverting the beta per draw.
    """
    a, m, b = driver.low, driver.base, driver.high
    if b <= a:
        return np.full(z.shape, m)
    if distribution == "triangular":
        u = special.ndtr(z)
        c = (m - a) / (b - a)
        return np.where(u < c, a + np.sqrt(u * (b - a) * (m - a)), b - np.sqrt((1 - u) * (b - a) * (b - m)))
    if distribution != "pert":
        raise ValueError(f"distribution: must be one of {', '.join(DISTRIBUTIONS)} (got {distribution!r})")
    table, slope = _unit_pert_table(*_pert_shape(driver))
    pos = np.clip(z, -_Z_MAX, _Z_MAX)  # in place from here on: this runs once per uplift per draw
    pos += _Z_MAX
    pos *= (_Z_POINTS - 1) / (2 * _Z_MAX)
    i = pos.astype(np.intp)
    np.minimum(i, _Z_POINTS - 2, out=i)
    pos -= i  # the fraction of the step
    pos *= slope[i]
    pos += table[i]
    pos *= b - a
    pos += a
    return pos


@lru_cache(maxsize=1024)
def _unit_pert_table(alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Beta(α, β) quantiles at the table's normal scores, ``I⁻¹(Φ(z); α, β)`` for the 2,049 scores
    of :func:`quantile_of_score`, and the step to the next one (its last entry 0). Kept per shape
    (read-only): inverting the beta is 3 ms a driver, and a rerun after one edit meets the other
    drivers' shapes again."""
    table = special.betaincinv(alpha, beta, special.ndtr(np.linspace(-_Z_MAX, _Z_MAX, _Z_POINTS)))
    slope = np.append(np.diff(table), 0.0)
    table.flags.writeable = False
    slope.flags.writeable = False
    return table, slope


class _DrawCache:
    """Drivers' draws kept between runs — common random numbers: after an edit, the drivers whose
    range did not change draw exactly what they drew before (the same seed, stream and range), so a
    rerun after one edit draws only the edited driver. Bounded by :data:`DRAW_CACHE_BYTES`, oldest
    first; the arrays are read-only and shared by every run (and session) that meets them."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.items: OrderedDict[tuple[Any, ...], np.ndarray] = OrderedDict()
        self.bytes = 0
        self.lock = Lock()

    def get(self, key: tuple[Any, ...], make: Callable[[], np.ndarray]) -> np.ndarray:
        with self.lock:
            hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
                return hit
        value = make()  # outside the lock: drivers draw in parallel
        value.flags.writeable = False
        if value.nbytes > self.max_bytes:
            return value
        with self.lock:
            if key not in self.items:
                self.items[key] = value
                self.bytes += value.nbytes
                while self.bytes > self.max_bytes:
                    self.bytes -= self.items.popitem(last=False)[1].nbytes
        return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.bytes = 0


DRAW_CACHE_BYTES = 64 * 2**20  # 80 drivers of 100,000 draws: the 50-initiative case twice over
_DRAWS = _DrawCache(DRAW_CACHE_BYTES)


def clear_draw_cache() -> None:
    """Forget every driver's remembered draws (benchmarks time a run that draws everything)."""
    _DRAWS.clear()


@dataclass(frozen=True)
class Contribution:
    """How much of the NPV variance one driver explains."""

    driver: str  # Driver.key
    label: str
    src: float  # standardised regression coefficient of NPV on the driver
    share: float  # SRC² / Σ SRC², fraction 0–1 of the linearly explained variance


SUMMARY_QUANTILES = (0.10, 0.50, 0.90)  # P10, P50, P90: the percentiles every view of a run shows


@dataclass(frozen=True)
class Simulation:
    """Monte Carlo results, before risk adjustment. Money in the scenario's currency, ROI a
    fraction, payback months."""

    draws: int
    seed: int
    distribution: str
    currency: str
    npv: np.ndarray  # [draws]
    roi: np.ndarray  # [draws], NaN where undefined (no cost)
    payback_months: np.ndarray  # [draws], NaN where not within the horizon
    base_npv: float  # deterministic case (every driver at base), before risk adjustment
    contributions: list[Contribution]  # largest share first
    r_squared: float  # share of NPV variance a linear model in the drivers explains
    horizon_years: int
    correlation: float = 0.0  # ρ between uplifts (Gaussian copula)
    risk_adjusted_npv: float = 0.0  # the headline (TEI) NPV of roi.evaluate
    # Quantiles already computed, by (what, qs): they depend only on the arrays above, which are
    # never changed. The helper process fills it (:meth:`prepare`) before sending the run back, so
    # a page shows its percentiles without sorting 100,000 draws under the server's one GIL.
    # Not compared, not shown; ``dataclasses.replace`` starts an empty one.
    _quantiles: dict[tuple[str, tuple[float, ...]], list[float | None]] = field(
        default_factory=dict, init=False, compare=False, repr=False)

    @property
    def risk_adjusted_npv_percentile(self) -> float:
        """Where the headline risk-adjusted NPV sits in the distribution: the percentage (0–100) of
        draws with an NPV at or below it (a low value: the haircut is conservative)."""
        return float(100.0 * np.mean(self.npv <= self.risk_adjusted_npv))

    def quantile(self, q: float, what: str = "npv") -> float | None:
        """``q``-quantile (0–1) of ``npv``/``roi``; ``payback_months`` counts "never" as longest."""
        return self.quantiles((q,), what)[0]

    def quantiles(self, qs: tuple[float, ...], what: str = "npv") -> list[float | None]:
        """:meth:`quantile` at each of ``qs``, from one partial sort of the draws (the same values
        as one call each, at a third of the cost for three); remembered for the next call."""
        key = (what, tuple(float(q) for q in qs))
        known = self._quantiles.get(key)
        if known is None:
            known = self._quantiles[key] = self._compute_quantiles(key[1], what)
        return list(known)

    def _compute_quantiles(self, qs: tuple[float, ...], what: str) -> list[float | None]:
        v = getattr(self, what)
        if what == "payback_months":
            v = np.where(np.isnan(v), np.inf, v)
            out = np.quantile(v, qs, method="inverted_cdf")
            return [float(o) if np.isfinite(o) else None for o in out]
        v = v[~np.isnan(v)]
        return [float(o) for o in np.quantile(v, qs)] if v.size else [None] * len(qs)

    def prepare(self) -> "Simulation":
        """Compute now the percentiles the pages, the exports and :meth:`summary` show (P10, P50,
        P90 of NPV, ROI and payback), so that whoever receives this run does not; returns itself."""
        for what in ("npv", "roi", "payback_months"):
            self.quantiles(SUMMARY_QUANTILES, what)
        return self

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
        npv, roi, payback = (self.quantiles(SUMMARY_QUANTILES, what) for what in ("npv", "roi", "payback_months"))
        return {
            "draws": self.draws,
            "seed": self.seed,
            "distribution": self.distribution,
            "currency": self.currency,
            "base_npv": self.base_npv,
            "npv_mean": float(self.npv.mean()),
            "npv_std": float(self.npv.std()),
            "npv_p10": npv[0],
            "npv_p50": npv[1],
            "npv_p90": npv[2],
            "prob_npv_negative": self.prob_npv_negative,
            "roi_p10": roi[0],
            "roi_p50": roi[1],
            "roi_p90": roi[2],
            "payback_months_p10": payback[0],
            "payback_months_p50": payback[1],
            "payback_months_p90": payback[2],
            "prob_payback_within_horizon": self.prob_payback,
            "r_squared": self.r_squared,
            "variance_contributions": [
                {"driver": c.driver, "label": c.label, "src": c.src, "share": c.share} for c in self.contributions
            ],
            "correlation": self.correlation,
            "risk_adjusted": False,
            "risk_adjusted_npv": self.risk_adjusted_npv,
            "risk_adjusted_npv_percentile": self.risk_adjusted_npv_percentile,
        }


def simulate(
    scenario: Scenario,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    distribution: Distribution = DEFAULT_DISTRIBUTION,  # type: ignore[assignment]
    ranges: Ranges | None = None,
    *,
    correlation: float | None = None,
    chunk_draws: int | None = None,
    workers: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> Simulation:
    """Run ``draws`` Monte Carlo draws of the programme; see the module docstring.

    ``correlation`` (ρ, 0–1) between uplifts defaults to the scenario's
    ``settings.uplift_correlation``. ``progress`` (optional) is called from the calling thread
    with the fraction done (0–1); an exception it raises stops the run after the chunks already
    under way and propagates. ``workers`` threads evaluate chunks (default: CPU count, at
    most 4).
    """
    if draws < 1:
        raise ValueError(f"draws: must be at least 1 (got {draws})")
    if seed < 0:
        raise ValueError(f"seed: must be zero or more (got {seed})")
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution: must be one of {', '.join(DISTRIBUTIONS)} (got {distribution!r})")
    rho = scenario.settings.uplift_correlation if correlation is None else float(correlation)
    if not (0.0 <= rho <= 1.0):
        raise ValueError(f"correlation: must be between 0 and 1 (got {correlation!r})")
    ds = drivers(scenario, ranges)
    varying = [k for k, d in enumerate(ds) if d.width > 0 and d.kind not in POLICY_KINDS]
    vd = [ds[k] for k in varying]
    if draws > max_draws(len(vd)):
        raise ValueError(
            f"draws: {draws:,} draws of {len(vd)} uncertain drivers need about "
            f"{mib(memory_needed(draws, len(vd)))}, more than the {mib(MEMORY_BUDGET_BYTES)} a run may use; "
            f"run at most {max_draws(len(vd)):,} draws, or fewer initiatives")
    keep_freed_memory()  # each chunk frees and reallocates the same arrays (roi.allocator)
    structure, x = engine.build(scenario)
    children = np.random.SeedSequence(seed).spawn(len(ds) + 1)  # child k: driver k; last: common factor
    n_workers = max(1, min(workers or os.cpu_count() or 1, _MAX_WORKERS))

    values = np.empty((draws, len(vd))[::-1])  # [K,draws]: one contiguous row per driver
    common_lock = Lock()
    common: list[np.ndarray] = []  # the common factor, drawn once if a driver needs it

    def common_factor() -> np.ndarray:
        with common_lock:
            if not common:
                common.append(np.random.default_rng(children[-1]).standard_normal(draws))
            return common[0]

    def draw(k: int) -> np.ndarray:
        rng = np.random.default_rng(children[k])
        if ds[k].kind != "uplift":
            return sample(ds[k], draws, rng, distribution)
        z = rng.standard_normal(draws)
        if rho > 0:
            z *= np.sqrt(1.0 - rho)
            z += np.sqrt(rho) * common_factor()
        return quantile_of_score(ds[k], z, distribution)

    def draw_driver(i: int) -> None:
        k, d = varying[i], ds[varying[i]]
        # Child k's stream depends only on (seed, k); the common factor is the child after the last
        # driver, so a correlated uplift's draws depend on the number of drivers and ρ as well.
        key = (seed, k, draws, distribution, d.kind, d.low, d.base, d.high, d.params,
               (len(ds), rho) if d.kind == "uplift" and rho > 0 else None)
        values[i] = _DRAWS.get(key, lambda: draw(k))

    per_draw = (len(structure.pair_initiative) + len(structure.lever)) * structure.horizon
    chunk = chunk_draws or _even_chunk(draws, per_draw, n_workers)
    npv, roi, payback = np.empty(draws), np.empty(draws), np.empty(draws)
    counted = structure.include_beyond_horizon

    def run(start: int) -> int:
        stop = min(start + chunk, draws)
        xs = apply(x, vd, values[:, start:stop].T, skip_base=False)
        cash = engine.programme_cash(structure, xs)
        o = outcomes(cash.benefit, cash.cost, xs.discount_rate, cash.terminal if counted else None)
        n = stop - start
        npv[start:stop] = np.broadcast_to(o.npv, (n,))
        roi[start:stop] = np.broadcast_to(o.roi, (n,))
        payback[start:stop] = np.broadcast_to(o.payback_months, (n,))
        return n

    with single_blas_thread(), ThreadPoolExecutor(max_workers=n_workers) as pool:
        done = 0
        drawn, chunks = pool.map(draw_driver, range(len(vd))), None
        try:
            for _ in drawn:  # every driver drawn before any chunk reads them
                if progress is not None:
                    progress(0.0)  # none of the draws evaluated yet, but a stop is heard
            chunks = pool.map(run, range(0, draws, chunk))
            for n in chunks:
                done += n
                if progress is not None:
                    progress(done / draws)
        finally:  # a progress callback that raises stops the run: what has not started is cancelled
            drawn.close()
            if chunks is not None:
                chunks.close()

        cash0 = engine.programme_cash(structure, x)
        contributions, r2 = variance_contributions(vd, values, npv)
    base = float(outcomes(cash0.benefit, cash0.cost, x.discount_rate, cash0.terminal if counted else None).npv[0])
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
        correlation=rho,
        risk_adjusted_npv=evaluate(scenario).npv,
    )


def variance_contributions(ds: list[Driver], values: np.ndarray, y: np.ndarray) -> tuple[list[Contribution], float]:
    """Standardised regression coefficients (SRC) of ``y`` ``[n]`` on the drivers' sampled
    ``values`` ``[K,n]``.

    Notes
    -----
    With standardised inputs ``z_k`` and output ``z_y``, least squares gives ``z_y ≈ Σ SRC_k z_k``;
    for independent inputs ``Σ SRC_k² = R²``, the share of variance a linear model explains, so
    ``SRC_k² / Σ SRC²`` is driver *k*'s share of it (with correlated uplifts the shares are an
    approximation: correlated drivers share variance that no one of them owns). Solved from the correlation matrix
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
    r = ((values @ y)[keep] / n - mu[keep] * y.mean()) / (sd_k * sy)  # values[keep] would copy [K,n]
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
