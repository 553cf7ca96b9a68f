"""One test plan (roi.experiments.planner): CUPED, design effect, looks and duration on top of
the statsmodels-checked fixed design (see test_experiments_power for its reference values)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi.experiments import power as pw
from roi.experiments import sequential as sq
from roi.experiments.history import read_history
from roi.experiments.planner import plan_test

from .test_experiments_history import _csv

BASE = pw.sample_size(0.05, 0.10)  # n_exact = 30,244.40, n_per_variant = 30,245 (Evan Miller, by hand)


def test_defaults_are_the_fixed_design():
    p = plan_test(BASE)
    assert p.n_per_variant == BASE.n_per_variant == 30_245 and p.max_n_per_variant == 30_245
    assert p.boundaries == pytest.approx([1.959964], abs=1e-6) and p.looks == 1
    assert p.variance_factor == 1.0 and p.design_effect == 1.0 and "Visitors are randomised" in p.unit
    assert p.duration is None and p.weekly is None


def test_cuped_and_design_effect_by_hand():
    # ρ = 0.5 → × 0.75: ⌈30,244.40 × 0.75⌉ = ⌈22,683.30⌉ = 22,684; D = 1.3 → ⌈39,317.73⌉ = 39,318;
    # both → ⌈30,244.40 × 0.975⌉ = ⌈29,488.29⌉ = 29,489.
    assert plan_test(BASE, cuped_rho=0.5).n_per_variant == 22_684
    assert plan_test(BASE, design_effect=1.3).n_per_variant == 39_318
    both = plan_test(BASE, cuped_rho=0.5, design_effect=1.3)
    assert both.n_per_variant == 29_489 and "design effect 1.3" in both.unit


def test_looks_inflate_the_maximum_sample():
    p = plan_test(BASE, looks=5)
    d = sq.design(5)  # Lan–DeMets O'Brien–Fleming, checked in test_experiments_sequential
    assert p.boundaries == pytest.approx(list(d.boundaries.z))
    assert p.max_n_per_variant == math.ceil(BASE.n_exact * d.inflation)
    # Lan–DeMets spending stays close to, and below, the classic O'Brien–Fleming inflation R_B(5) = 1.028
    # (Jennison & Turnbull 2000, Table 2.4); Pocock-type spending costs far more.
    assert 1.0 < d.inflation < 1.028
    assert plan_test(BASE, looks=5, spending="pocock").max_n_per_variant > p.max_n_per_variant
    assert p.n_per_look[-1] == p.max_n_per_variant and p.n_per_look[0] == math.ceil(p.max_n_per_variant / 5 - 1e-6)
    assert p.expected_n_per_variant < p.max_n_per_variant


def test_duration_runs_to_the_maximum_sample():
    p = plan_test(BASE, looks=3, daily_traffic=5_000)
    assert p.duration.days_exact == pytest.approx(p.max_n_per_variant * 2 / 5_000)


def test_duration_from_history_is_whole_weeks():
    # 60,490 visitors at 6,000 a week (see test_experiments_history): 10 full weeks = 60,000, then
    # 490 more on the Monday → day 71, rounded up to 11 weeks.
    h = read_history(_csv())
    p = plan_test(BASE, history=h)
    assert p.weekly.days_to_sample == 71 and p.weekly.weeks == 11 and p.weekly.days == 77
    assert p.duration is None


def test_multiple_variants_use_the_corrected_alpha():
    size = pw.sample_size(0.05, 0.10, variants=3, correction="bonferroni")
    p = plan_test(size, looks=2)
    assert p.sequential.boundaries.alpha == pytest.approx(0.025)
    assert p.to_dict()["max_total_n"] == 3 * p.max_n_per_variant


def test_to_dict_keeps_the_fixed_keys_and_adds_the_sequential_ones():
    d = plan_test(BASE, looks=4, cuped_rho=0.3).to_dict()
    for key in ("n_per_variant", "total_n", "method", "alpha_per_comparison", "boundaries", "max_n_per_variant",
                "cuped_rho", "design_effect", "unit", "looks", "spending", "inflation_factor"):
        assert key in d
    assert len(d["boundaries"]) == 4 and d["n_per_variant_unadjusted"] == 30_245


@pytest.mark.parametrize("kwargs, field", [
    (dict(cuped_rho=1.0), "cuped_rho"), (dict(design_effect=0), "design_effect"),
    (dict(design_effect=1e308), "design_effect"), (dict(looks=0), "looks"), (dict(looks=10**400), "looks"),
    (dict(spending="peto"), "spending"), (dict(daily_traffic=0), "daily_traffic"),
])
def test_impossible_plans_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=rf"^{field}:"):
        plan_test(BASE, **kwargs)


def test_an_unreadable_test_is_refused_not_overflowed():
    tiny = pw.sample_size(0.05, 1e-7)
    with pytest.raises(ValueError, match="^mde: the test needs more than 1e15"):
        plan_test(tiny, design_effect=1000)


# ------------------------------------------------------------------ properties

baselines = st.floats(0.001, 0.5)
mdes = st.floats(0.02, 0.5)


@settings(max_examples=60, deadline=None)
@given(baselines, mdes, st.sampled_from(pw.METHODS), st.sampled_from(pw.ALTERNATIVES), st.integers(1, 6))
def test_rho_zero_leaves_the_plan_unchanged(p, m, method, alternative, looks):
    if p * (1 + m) >= 1:
        return
    size = pw.sample_size(p, m, method=method, alternative=alternative)
    plain, zero = plan_test(size, looks=looks), plan_test(size, looks=looks, cuped_rho=0.0)
    assert zero.n_per_variant == plain.n_per_variant and zero.max_n_per_variant == plain.max_n_per_variant
    if looks == 1:
        assert zero.n_per_variant == size.n_per_variant


@settings(max_examples=25, deadline=None)
@given(baselines, mdes, st.integers(1, 7), st.sampled_from(sq.SPENDING))
def test_more_looks_never_lower_the_maximum_sample_size(p, m, looks, spending):
    if p * (1 + m) >= 1:
        return
    size = pw.sample_size(p, m)
    assert (plan_test(size, looks=looks + 1, spending=spending).max_n_per_variant
            >= plan_test(size, looks=looks, spending=spending).max_n_per_variant)


@settings(max_examples=40, deadline=None)
@given(baselines, mdes, st.floats(-0.99, 0.99), st.floats(1.0, 5.0))
def test_cuped_never_adds_and_the_design_effect_never_removes_sample(p, m, rho, d):
    if p * (1 + m) >= 1:
        return
    size = pw.sample_size(p, m)
    assert plan_test(size, cuped_rho=rho).n_per_variant <= size.n_per_variant
    assert plan_test(size, design_effect=d).n_per_variant >= size.n_per_variant
