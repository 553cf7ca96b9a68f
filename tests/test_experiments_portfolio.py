"""The winner's curse across applied results (roi.experiments.portfolio)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from scipy import stats

import roi
from roi.experiments import analyze_ab, apply_result
from roi.experiments.portfolio import (
    DEFAULT_PRIOR_SD,
    cumulative_measured_lift,
    debias_applied,
    estimate_prior_sd,
    shrinkage_factor,
)

from .factories import SEGMENT, initiative, scenario

DAY = dt.date(2025, 3, 14)


def _case_with_results(results: dict[str, tuple[int, int, int, int]]):
    """One initiative per result, each on its own segment (no overlap), results applied."""
    segs = [SEGMENT | {"name": f"S{k}"} for k in range(len(results))]
    inis = [initiative(name=name, segments=[f"S{k}"], uplift={"low": 0.0, "base": 0.1, "high": 0.3})
            for k, name in enumerate(results)]
    s = scenario(inis, segments=segs)
    for name, counts in results.items():
        s = apply_result(s, name, analyze_ab(*counts), test_name=f"{name} test", date=DAY)
    return s


def test_estimate_prior_sd_by_hand():
    # lifts 0.10, −0.02, 0.06 with se 0.03 each: mean(l²) = (0.01 + 0.0004 + 0.0036)/3 = 0.0046667,
    # minus se² 0.0009 → τ̂² = 0.0037667, τ̂ = 0.061373.
    assert estimate_prior_sd([0.10, -0.02, 0.06], [0.03] * 3) == pytest.approx(math.sqrt(0.0046667 - 0.0009), abs=1e-6)
    assert estimate_prior_sd([0.01, -0.01], [0.05, 0.05]) == 0.0  # no spread beyond the noise
    assert shrinkage_factor(0.03, 0.04) == pytest.approx(0.64) and shrinkage_factor(0.0, 0.0) == 1.0


def test_cumulative_lift_by_hand_with_a_given_prior():
    s = _case_with_results({"A": (10_000, 500, 10_000, 600), "B": (10_000, 500, 10_000, 560)})
    cum = cumulative_measured_lift(s, prior_sd=0.05)
    assert cum.prior_source == "given" and len(cum.results) == 2
    for r, ini in zip(cum.results, [i for i in s.initiatives]):
        m = ini.evidence.measured
        se = (m.ci_rel_lift[1] - m.ci_rel_lift[0]) / (2 * stats.norm.isf(0.025))
        k = 0.05**2 / (0.05**2 + se**2)
        assert r.se == pytest.approx(se) and r.shrinkage_factor == pytest.approx(k)
        assert r.shrunk_lift == pytest.approx(k * m.rel_lift)
    # one segment each, worth 100,000 a year for 3 years: revenue = 300,000 × lift per initiative
    naive = sum(300_000 * r.observed_lift for r in cum.results)
    debiased = sum(300_000 * r.shrunk_lift for r in cum.results)
    assert cum.naive_revenue == pytest.approx(naive, rel=1e-9)
    assert cum.debiased_revenue == pytest.approx(debiased, rel=1e-9)
    assert cum.applied_revenue == pytest.approx(naive, rel=1e-9)  # applied without shrinkage
    assert cum.overstatement == pytest.approx(naive / debiased - 1)


def test_default_prior_with_few_results_and_estimate_with_many():
    few = cumulative_measured_lift(_case_with_results({"A": (10_000, 500, 10_000, 600)}))
    assert few.prior_sd == DEFAULT_PRIOR_SD and "default" in few.prior_source
    many = cumulative_measured_lift(_case_with_results({
        "A": (10_000, 500, 10_000, 600), "B": (10_000, 500, 10_000, 560), "C": (10_000, 500, 10_000, 520)}))
    assert "estimated from the 3" in many.prior_source
    lifts = [r.observed_lift for r in many.results]
    assert many.prior_sd == pytest.approx(estimate_prior_sd(lifts, [r.se for r in many.results]))


def test_nothing_measured_gives_none():
    assert cumulative_measured_lift(scenario()) is None
    with pytest.raises(ValueError, match="^scenario: no initiative has a measured uplift"):
        debias_applied(scenario())
    with pytest.raises(ValueError, match="^prior_sd:"):
        cumulative_measured_lift(_case_with_results({"A": (10_000, 500, 10_000, 600)}), prior_sd=0)


def test_debias_applied_shrinks_every_measured_uplift_and_records_why():
    s = _case_with_results({"A": (10_000, 500, 10_000, 600), "B": (10_000, 500, 10_000, 560)})
    new = debias_applied(s, prior_sd=0.05, date=DAY)
    cum = cumulative_measured_lift(s, prior_sd=0.05)
    for r in cum.results:
        ini = next(i for i in new.initiatives if i.name == r.initiative)
        assert ini.uplift.base == pytest.approx(r.shrunk_lift)
        assert ini.evidence.measured.shrinkage_factor == pytest.approx(r.shrinkage_factor)
    records = new.changes[-2:]
    assert [c.initiative for c in records] == ["A", "B"] and all("Winner's curse across the 2" in c.reason for c in records)
    assert roi.evaluate(new).incremental_revenue < roi.evaluate(s).incremental_revenue


def test_shrinkage_across_the_set_corrects_the_winners_curse_by_simulation():
    # 400 tests whose true lifts are N(0, 3%²), each measured with se 2%; the ones applied are the
    # significant winners (z > 1.96). The sum of their observed lifts overstates the sum of their true
    # lifts; the sum after shrinkage with τ estimated from the applied set is closer to the truth.
    rng = np.random.default_rng(5)
    true = rng.normal(0, 0.03, 400)
    se = np.full(400, 0.02)
    observed = true + rng.normal(0, se)
    won = observed / se > 1.96
    tau = estimate_prior_sd(list(observed[won]), list(se[won]))
    shrunk = np.array([shrinkage_factor(s, tau) for s in se[won]]) * observed[won]
    truth = true[won].sum()
    assert observed[won].sum() > truth * 1.2  # the winner's curse: > 20% overstated
    assert abs(shrunk.sum() - truth) < abs(observed[won].sum() - truth)
