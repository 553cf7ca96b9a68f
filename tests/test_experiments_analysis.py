"""Result analysis (roi.experiments.analysis): z-test, intervals, SRM, shrinkage, decision."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from roi.experiments.analysis import analyze_ab, results_from_table, srm_check, z_test


def _wilson(c: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval written out by hand (independent of statsmodels)."""
    p = c / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z / d * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_z_test_by_hand():
    # A 500/10,000, B 600/10,000. Pooled p̄ = 1,100/20,000 = 0.055.
    # se = √(0.055 × 0.945 × (1/10,000 + 1/10,000)) = √1.0395e-5 = 0.00322413
    # z = 0.01 / 0.00322413 = 3.10161; p = 2 (1 − Φ(3.10161)) = 0.0019247
    r = analyze_ab(10_000, 500, 10_000, 600)
    assert r.z == pytest.approx(3.10161, abs=1e-5)
    assert r.p_value == pytest.approx(0.0019247, abs=1e-7)
    assert r.significant
    assert r.abs_diff == pytest.approx(0.01) and r.rel_lift == pytest.approx(0.20)
    assert r.p_value == pytest.approx(2 * norm.sf(0.01 / math.sqrt(0.055 * 0.945 * 2e-4)))


def test_one_sided_p_value_is_half_for_a_positive_effect():
    two = analyze_ab(10_000, 500, 10_000, 560)
    one = analyze_ab(10_000, 500, 10_000, 560, alternative="one-sided")
    assert one.p_value == pytest.approx(two.p_value / 2)
    assert one.confidence == pytest.approx(0.90)  # its lower bound is the one-sided 95% bound
    assert not two.significant and one.significant  # p = 0.058 two-sided, 0.029 one-sided


def test_newcomb_interval_matches_hand_wilson():
    # Newcomb (1998) hybrid score: L = d − √((p_b − l_b)² + (u_a − p_a)²), U = d + √((u_b − p_b)² + (p_a − l_a)²)
    # with Wilson bounds (l, u) of each arm; here = (0.0036819, 0.0163333).
    z = norm.ppf(0.975)
    la, ua = _wilson(500, 10_000, z)
    lb, ub = _wilson(600, 10_000, z)
    low = 0.01 - math.sqrt((0.06 - lb) ** 2 + (ua - 0.05) ** 2)
    high = 0.01 + math.sqrt((ub - 0.06) ** 2 + (0.05 - la) ** 2)
    r = analyze_ab(10_000, 500, 10_000, 600)
    assert r.ci_abs_diff == pytest.approx((low, high), abs=1e-10)
    assert r.ci_abs_diff == pytest.approx((0.0036819, 0.0163333), abs=1e-7)


def test_relative_interval_contains_the_lift_and_matches_the_decision():
    r = analyze_ab(10_000, 500, 10_000, 600)
    lo, hi = r.ci_rel_lift
    assert lo < r.rel_lift < hi and lo > 0  # significant → interval above zero
    flat = analyze_ab(10_000, 500, 10_000, 510)
    assert flat.ci_rel_lift[0] < 0 < flat.ci_rel_lift[1] and not flat.significant


def test_srm_by_hand():
    # 5,000 vs 5,200 against 50/50: expected 5,100 each; χ² = 2 × 100² / 5,100 = 3.92157;
    # with 1 df, p = 2 (1 − Φ(√3.92157)) = 2 (1 − Φ(1.98029)) = 0.047670
    assert srm_check(5_000, 5_200) == pytest.approx(2 * norm.sf(math.sqrt(2 * 100**2 / 5_100)), rel=1e-9)
    assert srm_check(5_000, 5_200) == pytest.approx(0.047670, abs=1e-6)
    r = analyze_ab(50_000, 2_500, 52_000, 2_700)  # χ² = 39.2: broken split
    assert r.srm_detected and "sample ratio mismatch" in r.decision
    assert not analyze_ab(10_000, 500, 10_000, 600).srm_detected
    # a planned 90/10 split is not a mismatch
    assert not analyze_ab(90_000, 4_500, 10_000, 550, expected_share_b=0.1).srm_detected


def test_shrinkage_formula_by_hand():
    r = analyze_ab(10_000, 500, 10_000, 560, shrinkage_prior_sd=0.05)
    z = norm.ppf(0.975)
    se = (r.ci_rel_lift[1] - r.ci_rel_lift[0]) / (2 * z)
    k = 0.05**2 / (0.05**2 + se**2)
    assert r.shrinkage_factor == pytest.approx(k)
    assert r.shrunk_rel_lift == pytest.approx(k * r.rel_lift)
    assert r.shrunk_ci_rel_lift == pytest.approx((k * r.rel_lift - z * math.sqrt(k) * se,
                                                  k * r.rel_lift + z * math.sqrt(k) * se))
    assert r.measured_uplift == pytest.approx((r.shrunk_ci_rel_lift[0], r.shrunk_rel_lift, r.shrunk_ci_rel_lift[1]))
    assert "winner's curse" in r.decision


def test_more_data_shrinks_less():
    small = analyze_ab(5_000, 250, 5_000, 300, shrinkage_prior_sd=0.05)
    large = analyze_ab(500_000, 25_000, 500_000, 30_000, shrinkage_prior_sd=0.05)
    assert small.shrinkage_factor < large.shrinkage_factor < 1


# ------------------------------------------------------------------ degenerate cases


def test_zero_conversions_in_both_arms():
    r = analyze_ab(1_000, 0, 1_000, 0)
    assert r.z == 0 and r.p_value == 1.0 and not r.significant
    assert r.rel_lift is None and r.ci_rel_lift is None
    assert r.ci_abs_diff[0] < 0 < r.ci_abs_diff[1]  # Newcomb stays a real interval
    assert "cannot reject" in r.decision


def test_zero_conversions_in_control_only():
    r = analyze_ab(1_000, 0, 1_000, 12)
    assert r.rel_lift is None and r.ci_rel_lift is None and r.measured_uplift is None
    assert r.abs_diff == pytest.approx(0.012) and r.significant
    assert 0 < r.ci_abs_diff[0] < 0.012 < r.ci_abs_diff[1]


def test_zero_conversions_in_treatment_only():
    r = analyze_ab(1_000, 12, 1_000, 0)
    assert r.rel_lift == pytest.approx(-1.0)
    assert r.ci_rel_lift[0] >= -1 and r.ci_rel_lift[1] < 0
    assert "worse" in r.decision


def test_identical_arms():
    r = analyze_ab(2_000, 100, 2_000, 100)
    assert r.z == pytest.approx(0) and r.p_value == pytest.approx(1.0)
    assert r.abs_diff == 0 and r.rel_lift == 0
    assert r.ci_abs_diff[0] == pytest.approx(-r.ci_abs_diff[1], abs=1e-12)


def test_everyone_converts():
    r = analyze_ab(10, 10, 10, 10)
    assert r.p_value == 1.0 and r.rel_lift == 0


def test_tiny_traffic_is_not_significant():
    r = analyze_ab(3, 0, 3, 1)
    assert not r.significant and r.p_value > 0.2


@pytest.mark.parametrize(
    "args, field",
    [
        ((0, 0, 10, 1), "visitors_a"),
        ((10, 11, 10, 1), "conversions_a"),
        ((10, 1, 10, 12), "conversions_b"),
        ((10, -1, 10, 1), "conversions_a"),
        ((10.5, 1, 10, 1), "visitors_a"),
    ],
)
def test_impossible_counts_name_the_field(args, field):
    with pytest.raises(ValueError, match=rf"^{field}:"):
        analyze_ab(*args)


def test_z_test_refuses_bad_alternative():
    with pytest.raises(ValueError, match="^alternative:"):
        z_test(10, 1, 10, 2, "less")


# ------------------------------------------------------------------ revenue and tables


def test_revenue_per_visitor_by_hand():
    # RPV A = 50,000 / 10,000 = 5.0, B = 56,000 / 10,000 = 5.6; with sd 20 in both arms
    # se = √(400/10,000 × 2) = 0.282843, z = 0.6 / 0.282843 = 2.12132, p = 0.033895
    r = analyze_ab(10_000, 500, 10_000, 600, revenue_a=50_000, revenue_b=56_000, revenue_sd_a=20, revenue_sd_b=20)
    assert r.revenue.per_visitor_a == 5.0 and r.revenue.per_visitor_b == pytest.approx(5.6)
    assert r.revenue.rel_diff == pytest.approx(0.12)
    assert r.revenue.p_value == pytest.approx(0.033895, abs=1e-6)


def test_results_from_table_puts_the_control_first():
    table = pd.DataFrame({"Arm": ["B", "A"], "Visitors": [10_000, 10_000], "Conversions": [600, 500],
                          "Revenue": [56_000, 50_000]})
    kwargs = results_from_table(table)
    assert kwargs["conversions_a"] == 500 and kwargs["conversions_b"] == 600
    assert kwargs["revenue_a"] == 50_000
    assert analyze_ab(**kwargs).rel_lift == pytest.approx(0.2)


@pytest.mark.parametrize(
    "table, field",
    [
        (pd.DataFrame({"visitors": [1, 2]}), "conversions"),
        (pd.DataFrame({"visitors": [1, 2, 3], "conversions": [0, 1, 1]}), "rows"),
        (pd.DataFrame({"visitors": ["x", 2], "conversions": [0, 1]}), "visitors"),
    ],
)
def test_results_from_table_errors(table, field):
    with pytest.raises(ValueError, match=rf"^{field}:"):
        results_from_table(table)


# ------------------------------------------------------------------ properties


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 100_000), st.data())
def test_interval_brackets_the_difference_and_p_is_a_probability(n_a, data):
    n_b = data.draw(st.integers(1, 100_000))
    c_a = data.draw(st.integers(0, n_a))
    c_b = data.draw(st.integers(0, n_b))
    r = analyze_ab(n_a, c_a, n_b, c_b, shrinkage_prior_sd=0.05)
    assert 0 <= r.p_value <= 1
    assert r.ci_abs_diff[0] - 1e-12 <= r.abs_diff <= r.ci_abs_diff[1] + 1e-12
    assert -1 <= r.ci_abs_diff[0] <= r.ci_abs_diff[1] <= 1
    if r.shrunk_rel_lift is not None:  # shrinkage never exaggerates a lift
        assert abs(r.shrunk_rel_lift) <= abs(r.rel_lift) + 1e-12


def test_one_sided_revenue_p_value_agrees_with_its_interval():
    # Regression: a one-sided revenue test reported 2 × sf(|z|) beside a one-sided (1 − 2α) interval,
    # so one result read significant from the interval and not from the p-value.
    # RPV 5.0 vs 5.5 with sd 20: se = 0.282843, z = 1.767767; one-sided p = 1 − Φ(1.767767) = 0.038550
    # (< 0.05) and the 90% interval 0.5 ± 1.644854 × 0.282843 = (0.034765, 0.965235) excludes zero.
    r = analyze_ab(10_000, 500, 10_000, 560, revenue_a=50_000, revenue_b=55_000, revenue_sd_a=20, revenue_sd_b=20,
                   alternative="one-sided")
    assert r.revenue.p_value == pytest.approx(0.038550, abs=1e-6)
    assert r.revenue.ci_abs_diff == pytest.approx((0.034765, 0.965235), abs=1e-6)
    two = analyze_ab(10_000, 500, 10_000, 560, revenue_a=50_000, revenue_b=55_000, revenue_sd_a=20, revenue_sd_b=20)
    assert two.revenue.p_value == pytest.approx(2 * 0.038550, abs=2e-6)
    assert two.revenue.ci_abs_diff[0] < 0  # the 95% interval includes zero, as p = 0.077 says
    # a negative effect tested one-sided is far from significant
    worse = analyze_ab(10_000, 500, 10_000, 560, revenue_a=55_000, revenue_b=50_000, revenue_sd_a=20, revenue_sd_b=20,
                       alternative="one-sided")
    assert worse.revenue.p_value == pytest.approx(1 - 0.038550, abs=1e-6)
