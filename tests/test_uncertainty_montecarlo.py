"""Monte Carlo: reproducibility, the deterministic limit, and analytic quantiles (scipy)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import roi
from roi import finance
from roi.uncertainty import Ranges, simulate
from roi.uncertainty.ranges import Driver
from roi.uncertainty.metrics import payback_months
from roi.uncertainty.montecarlo import sample
from roi.whatif import without_risk

from .factories import initiative, scenario

SAMPLES = list(roi.sample_paths())
LOW, BASE, HIGH = 0.02, 0.05, 0.12


def _one_linear_initiative(low: float = LOW, base: float = BASE, high: float = HIGH) -> roi.Scenario:
    """One conversion initiative on one segment: no overlap, so NPV = a + b × uplift."""
    return scenario([initiative(uplift={"low": low, "base": base, "high": high})], horizon_years=3)


def _npv_at(u: float) -> float:
    return roi.evaluate(_one_linear_initiative(u, u, u)).npv


@pytest.mark.parametrize("name", SAMPLES)
def test_zero_width_ranges_equal_the_deterministic_case(name):
    data = roi.load_sample(name).model_dump(mode="json")
    for ini in data["initiatives"]:
        b = ini["uplift"]["base"]
        ini["uplift"] = {"low": b, "base": b, "high": b}
    sc = roi.parse_scenario(data)
    sim = simulate(sc, draws=500, seed=3, ranges=Ranges.none())
    case = roi.evaluate(without_risk(sc))  # the Monte Carlo runs before risk adjustment
    assert sim.npv == pytest.approx(np.full(500, case.npv), rel=1e-9, abs=1e-6)
    assert sim.base_npv == pytest.approx(case.npv, rel=1e-9, abs=1e-6)
    assert sim.prob_npv_negative == (1.0 if case.npv < 0 else 0.0)
    if case.roi is not None:
        assert sim.roi == pytest.approx(np.full(500, case.roi), rel=1e-9, abs=1e-12)
    if case.payback_months is None:
        assert np.isnan(sim.payback_months).all()
    else:
        assert sim.payback_months == pytest.approx(np.full(500, case.payback_months), rel=1e-9)
    assert sim.contributions == [] and sim.r_squared == 0.0


@pytest.mark.parametrize("name", SAMPLES)
def test_same_seed_same_answer_whatever_the_chunking(name):
    sc = roi.load_sample(name)
    a = simulate(sc, draws=3_000, seed=7)
    b = simulate(sc, draws=3_000, seed=7, chunk_draws=257, workers=1)
    np.testing.assert_array_equal(a.npv, b.npv)
    np.testing.assert_array_equal(a.payback_months, b.payback_months)
    assert a.summary() == b.summary()
    c = simulate(sc, draws=3_000, seed=8)
    assert not np.array_equal(a.npv, c.npv)


def test_base_npv_matches_evaluate_without_risk_and_the_headline_is_placed():
    for name in SAMPLES:
        sc = roi.load_sample(name)
        sim = simulate(sc, draws=2_000)
        assert sim.base_npv == pytest.approx(roi.evaluate(without_risk(sc)).npv, rel=1e-9)
        assert sim.base_npv == pytest.approx(roi.evaluate(sc).unadjusted_npv, rel=1e-9)
        assert sim.risk_adjusted_npv == pytest.approx(roi.evaluate(sc).npv, rel=1e-12)
        # the percentile is the share of draws at or below the headline, by definition
        assert sim.risk_adjusted_npv_percentile == pytest.approx(100 * np.mean(sim.npv <= roi.evaluate(sc).npv))


def _quantile_se(dist, q: float, n: int) -> float:
    """Standard error of the sample q-quantile: sqrt(q(1−q)/n) / pdf(x_q)."""
    return math.sqrt(q * (1 - q) / n) / dist.pdf(dist.ppf(q))


@pytest.mark.parametrize("distribution", ["pert", "triangular"])
def test_linear_case_quantiles_match_scipy(distribution):
    n = 100_000
    sim = simulate(_one_linear_initiative(), draws=n, seed=11, distribution=distribution, ranges=Ranges.none())
    a = _npv_at(0.0)
    b = _npv_at(1.0) - a  # NPV = a + b × uplift (checked below)
    assert _npv_at(BASE) == pytest.approx(a + b * BASE, rel=1e-9)
    if distribution == "pert":  # PERT(low, base, high) is a beta scaled to [low, high]
        alpha = 1 + 4 * (BASE - LOW) / (HIGH - LOW)
        beta = 1 + 4 * (HIGH - BASE) / (HIGH - LOW)
        dist = stats.beta(alpha, beta, loc=LOW, scale=HIGH - LOW)
    else:
        dist = stats.triang((BASE - LOW) / (HIGH - LOW), loc=LOW, scale=HIGH - LOW)
    s = sim.summary()
    for q, key in ((0.1, "npv_p10"), (0.5, "npv_p50"), (0.9, "npv_p90")):
        expected = a + b * dist.ppf(q)
        assert s[key] == pytest.approx(expected, abs=4 * b * _quantile_se(dist, q, n))
    assert s["prob_npv_negative"] == pytest.approx(dist.cdf(-a / b), abs=0.005)
    # only one driver varies, and NPV is linear in it: it explains everything
    assert [c.driver for c in sim.contributions] == ["uplift:Recommendations"]
    assert sim.contributions[0].share == pytest.approx(1.0)
    assert sim.r_squared == pytest.approx(1.0, abs=1e-9)


def test_pert_mean_is_the_classic_formula():
    d = Driver("d", "d", "costs", 1.0, 2.0, 6.0, "multiplier", 0.0, 10.0)
    x = sample(d, 200_000, np.random.default_rng(0))
    assert x.min() >= 1.0 and x.max() <= 6.0
    assert x.mean() == pytest.approx((1 + 4 * 2 + 6) / 6, abs=0.01)  # (a + 4m + b) / 6


def test_invalid_arguments_are_named():
    sc = _one_linear_initiative()
    with pytest.raises(ValueError, match="distribution: must be one of pert, triangular"):
        simulate(sc, draws=10, distribution="normal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="draws: must be at least 1"):
        simulate(sc, draws=0)
    with pytest.raises(ValueError, match="ranges.costs"):
        Ranges(costs=1.5)


def test_no_cost_gives_undefined_roi_not_infinite():
    free = initiative(one_time_cost=0, annual_running_cost=0, variable_campaign_cost=0)
    sim = simulate(scenario([free]), draws=200, ranges=Ranges.none())
    assert np.isnan(sim.roi).all()
    assert sim.summary()["roi_p50"] is None


def test_percentiles_are_remembered_per_run_and_forgotten_by_a_changed_copy(monkeypatch):
    """A run's percentiles are computed once (a second call sorts nothing), and a copy made with
    other draws (``dataclasses.replace``) computes its own rather than repeating the original's."""
    sim = simulate(roi.load_sample(SAMPLES[0]), draws=2_000, seed=3)
    first = sim.quantiles((0.1, 0.5, 0.9))
    calls = []
    real = np.quantile
    monkeypatch.setattr(np, "quantile", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert sim.quantiles((0.10, 0.50, 0.90)) == first and not calls  # the same qs, written otherwise
    shifted = dataclasses.replace(sim, npv=sim.npv + 1.0)
    assert shifted.quantiles((0.1, 0.5, 0.9)) == pytest.approx([q + 1.0 for q in first]) and calls

def test_quantiles_at_once_equal_one_call_each():
    """The summary's P10/P50/P90 come from one np.quantile call per measure; each equals
    np.quantile at that q alone (numpy's definition, the reference): linear interpolation for NPV
    and ROI without their undefined draws, the inverted CDF for payback with "never" as longest
    (None when the quantile is "never")."""
    sim = simulate(roi.load_sample(SAMPLES[0]), draws=20_000, seed=5)
    payback = sim.payback_months.copy()
    payback[: len(payback) // 2] = np.nan  # half never pay back: P50 and P90 are "never"
    sim = dataclasses.replace(sim, payback_months=payback)
    qs = (0.10, 0.50, 0.90)
    assert sim.quantiles(qs) == [float(np.quantile(sim.npv, q)) for q in qs]
    assert sim.quantiles(qs, "roi") == [float(np.quantile(sim.roi[~np.isnan(sim.roi)], q)) for q in qs]
    never_last = np.where(np.isnan(payback), np.inf, payback)
    p10 = float(np.quantile(never_last, 0.10, method="inverted_cdf"))
    assert sim.quantiles(qs, "payback_months") == [p10, None, None]
    s = sim.summary()
    assert [s["payback_months_p10"], s["payback_months_p50"], s["npv_p90"]] == [p10, None, sim.quantile(0.90)]


def test_wider_cost_range_raises_npv_spread():
    sc = roi.load_sample(SAMPLES[0])
    narrow = simulate(sc, draws=5_000, ranges=Ranges(costs=0.05))
    wide = simulate(sc, draws=5_000, ranges=Ranges(costs=0.4))
    assert wide.npv.std() > narrow.npv.std()


cash_flows = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(cash_flows, min_size=1, max_size=5).filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_vectorised_payback_matches_finance(rows):
    """Payback for many draws at once is the scalar rule of roi.finance, draw by draw."""
    got = payback_months(np.array(rows, dtype=float))
    for g, row in zip(got, rows):
        want = finance.payback_months(row)
        assert (math.isnan(g) and want is None) or g == pytest.approx(want)


def test_a_progress_callback_that_raises_stops_the_run_after_the_chunks_under_way(monkeypatch):
    """The app's background runs stop this way when nobody wants them any more: of 100 chunks, only
    those already under way when the callback raised are evaluated."""
    from roi import engine

    calls = []
    real = engine.programme_cash
    monkeypatch.setattr(engine, "programme_cash", lambda *a, **k: calls.append(1) or real(*a, **k))

    class Stop(Exception):
        pass

    def stop(_done: float) -> None:
        raise Stop

    with pytest.raises(Stop):
        simulate(roi.load_sample("european_retailer"), draws=10_000, seed=1, chunk_draws=100, workers=2, progress=stop)
    assert len(calls) <= 4, f"{len(calls)} of 100 chunks evaluated (the base case would come after them)"


@pytest.mark.parametrize("rho", [0.0, 0.5])
def test_draws_remembered_between_runs_give_the_answer_of_a_fresh_run(rho):
    """Common random numbers: after an edit, unchanged drivers reuse their draws. Whatever the
    cache holds — nothing, the draws of the case before the edit, or of a case with one initiative
    fewer (the common factor is another stream then) — the answer is bit for bit a fresh run's."""
    from roi.uncertainty import montecarlo

    sc = roi.load_sample("european_retailer")
    ini = sc.initiatives[0]
    edited = sc.model_copy(update={"initiatives": [ini.model_copy(update={"uplift": ini.uplift.model_copy(
        update={"high": ini.uplift.high * 1.5})})] + sc.initiatives[1:]})
    fewer = sc.model_copy(update={"initiatives": sc.initiatives[:-1]})  # the others keep their streams
    runs = [(s, dist) for s in (edited, fewer) for dist in ("pert", "triangular")]
    fresh = [montecarlo._DRAWS.clear() or simulate(s, draws=5_000, seed=3, distribution=dist, correlation=rho)
             for s, dist in runs]
    for before in (sc, fewer, edited):
        montecarlo._DRAWS.clear()
        simulate(before, draws=5_000, seed=3, correlation=rho)  # fills the cache
        for (s, dist), ref in zip(runs, fresh):
            again = simulate(s, draws=5_000, seed=3, distribution=dist, correlation=rho)
            np.testing.assert_array_equal(again.npv, ref.npv)
            np.testing.assert_array_equal(again.payback_months, ref.payback_months)


def test_the_draw_cache_keeps_to_its_bytes_oldest_first():
    from roi.uncertainty.montecarlo import _DrawCache

    cache = _DrawCache(max_bytes=3 * 800)
    for k in range(5):
        cache.get((k,), lambda: np.zeros(100))  # 800 bytes each
    assert list(cache.items) == [(2,), (3,), (4,)] and cache.bytes == 2400
    made = []
    assert cache.get((3,), lambda: made.append(1) or np.ones(100))[0] == 0.0 and not made  # a hit
    big = cache.get(("big",), lambda: np.zeros(1000))  # larger than the whole cache: not kept
    assert ("big",) not in cache.items and not big.flags.writeable
