"""Every sample case in data/ validates, evaluates and tells a coherent story."""

from __future__ import annotations

import math

import pytest

import roi
from roi.references import load_benchmarks

SAMPLES = roi.sample_paths()


def test_there_are_at_least_three_samples():
    assert {"european_retailer", "consumer_goods_brand", "retail_bank"} <= set(SAMPLES)


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_sample_validates_and_evaluates(key):
    sc = roi.load_sample(key)
    case = roi.evaluate(sc)
    assert math.isfinite(case.npv)
    assert len(case.cash_flows) == sc.settings.horizon_years + 1
    assert case.incremental_revenue > 0
    for ini in sc.initiatives:  # every uplift says where it came from, or that it is assumed
        assert ini.evidence.kind.value in {"assumed", "benchmark", "measured"}
        if ini.evidence.kind.value == "benchmark":
            assert ini.evidence.source


def test_retailer_case_has_six_components():
    assert len(roi.load_sample("european_retailer").initiatives) == 6


def test_benchmark_library_is_well_formed():
    df = load_benchmarks()
    assert set(df.lever) >= {"conversion_rate", "order_value", "retention", "cost_saving"}
    assert (df.source.str.len() > 0).all()
