"""Unit of randomisation (roi.experiments.design_effect): the design effect by simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from roi.experiments.design_effect import (
    MAX_DESIGN_EFFECT,
    check_design_effect,
    cluster_design_effect,
    ratio_design_effect,
    unit_description,
)


def _customers(rng: np.random.Generator, n: int, visits, icc: float, mean_rate: float = 0.1):
    """Beta-binomial customers: each has a propensity p_i ~ Beta(a, b) with mean ``mean_rate`` and
    intra-customer correlation ICC = 1/(a + b + 1); conversions ~ Binomial(visits, p_i)."""
    total = 1 / icc - 1
    a, b = mean_rate * total, (1 - mean_rate) * total
    p = rng.beta(a, b, n)
    v = np.broadcast_to(np.asarray(visits), (n,)) if np.ndim(visits) == 0 else np.asarray(visits)
    return v.astype(float), rng.binomial(v.astype(int), p).astype(float)


def test_cluster_design_effect_by_hand():
    assert cluster_design_effect(3, 0.1) == pytest.approx(1.2)  # 1 + (3 − 1) × 0.1
    assert cluster_design_effect(4, 0.05, cv=0.5) == pytest.approx(1.2)  # 1 + (1.25 × 4 − 1) × 0.05
    assert cluster_design_effect(1, 0.9) == 1.0 and cluster_design_effect(10, 0.0) == 1.0


def test_design_effect_by_simulation():
    # 2,000 replicate tests of 2,000 customers × 5 visits, ICC 0.05: the variance of the per-visit
    # rate over the replicates ÷ the binomial variance p(1 − p)/10,000 should be 1 + 4 × 0.05 = 1.2.
    # The variance ratio of 2,000 replicates has a relative standard error of √(2/1,999) ≈ 3.2%:
    # tolerance 0.1 (about 2.6 standard errors).
    rng = np.random.default_rng(42)
    rates = []
    for _ in range(2_000):
        v, y = _customers(rng, 2_000, 5, 0.05)
        rates.append(y.sum() / v.sum())
    empirical = np.var(rates, ddof=1) / (0.1 * 0.9 / 10_000)
    assert empirical == pytest.approx(cluster_design_effect(5, 0.05), abs=0.1)


def test_delta_method_recovers_the_design_effect_from_one_dataset():
    # One large customer-level file (200,000 customers × 5 visits, ICC 0.05): the delta-method design
    # effect ≈ 1.2 (its sampling error is about 0.01 here) and the implied ICC ≈ 0.05.
    rng = np.random.default_rng(7)
    v, y = _customers(rng, 200_000, 5, 0.05)
    r = ratio_design_effect(v, y)
    assert r.design_effect == pytest.approx(1.2, abs=0.03)
    assert r.icc == pytest.approx(0.05, abs=0.008)
    assert r.rate == pytest.approx(y.sum() / v.sum()) and r.visits_per_customer == pytest.approx(5)


def test_delta_method_matches_simulation_with_unequal_visits():
    # Visits per customer vary (1 + Poisson(3)); the delta-method standard error of the rate should
    # match the spread of the rate over 1,000 replicates (relative tolerance 8%: ≈ 3.5 standard errors
    # of a standard deviation estimated from 1,000 draws).
    rng = np.random.default_rng(3)
    rates, ses = [], []
    for _ in range(1_000):
        visits = 1 + rng.poisson(3, 3_000)
        v, y = _customers(rng, 3_000, visits, 0.1)
        rates.append(y.sum() / v.sum())
        ses.append(ratio_design_effect(v, y).se_delta)
    assert np.mean(ses) == pytest.approx(np.std(rates, ddof=1), rel=0.08)


def test_independent_visits_give_no_design_effect():
    rng = np.random.default_rng(1)
    v = np.full(100_000, 4.0)
    y = rng.binomial(4, 0.1, v.size).astype(float)  # every visit independent: ICC = 0
    assert ratio_design_effect(v, y).design_effect == pytest.approx(1.0, abs=0.03)


@pytest.mark.parametrize("args, field", [
    ((0.5, 0.1), "visits_per_customer"), ((3, 1.5), "icc"), ((3, -0.1), "icc"), ((math.inf, 0.1), "visits_per_customer"),
])
def test_cluster_design_effect_refuses(args, field):
    with pytest.raises(ValueError, match=rf"^{field}:"):
        cluster_design_effect(*args)


@pytest.mark.parametrize("visits, conversions, field", [
    ([1.0], [0.0], "visits"), ([0.0, 0.0], [0.0, 0.0], "visits"), ([1.0, 2.0], [2.0, 0.0], "conversions"),
    ([1.0, -2.0], [0.0, 0.0], "visits"), ([2.0, 2.0], [0.0, 0.0], "conversions"),
])
def test_ratio_design_effect_refuses(visits, conversions, field):
    with pytest.raises(ValueError, match=rf"^{field}:"):
        ratio_design_effect(np.array(visits), np.array(conversions))


@pytest.mark.parametrize("value", [0, -1, math.nan, math.inf, 1e308, MAX_DESIGN_EFFECT * 1.01])
def test_check_design_effect_bounds(value):
    with pytest.raises(ValueError, match="^design_effect:"):
        check_design_effect(value)


def test_unit_description_says_which_unit_the_plan_counts():
    assert "Visitors are randomised" in unit_description()
    assert "design effect 1.3" in unit_description(1.3)
    assert "each customer is one observation" in unit_description(1.0, "customer")
    with pytest.raises(ValueError, match="^unit:"):
        unit_description(1.0, "session")


def test_design_effect_from_a_customer_table():
    from roi.experiments import uploads
    from roi.experiments.design_effect import ratio_design_effect_from_table

    df = uploads.read_csv(b"customer,visits,conversions\nA,3,1\nB,1,0\nC,4,2\nD,2,0\n")
    r = ratio_design_effect_from_table(df)
    ref = ratio_design_effect(np.array([3.0, 1, 4, 2]), np.array([1.0, 0, 2, 0]))
    assert r == ref and r.customers == 4 and r.rate == pytest.approx(3 / 10)
    with pytest.raises(ValueError, match=r"^visits: 1 row is not a whole number \(line 3 '1.5'\)"):
        ratio_design_effect_from_table(uploads.read_csv(b"visits,conversions\n3,1\n1.5,0\n"))
