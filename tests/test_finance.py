"""Finance helpers against numpy-financial and hand arithmetic."""

from __future__ import annotations

import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from roi import finance


def test_npv_uses_year_zero_convention():
    # Hand: −100 + 60/1.1 + 60/1.21 = 4.1322; Excel's =−100+NPV(10%,60,60) gives the same.
    assert finance.npv(0.1, [-100, 60, 60]) == pytest.approx(4.132231405)


def test_irr_matches_numpy_financial_and_none_without_sign_change():
    assert finance.irr([-100, 60, 60]) == pytest.approx(npf.irr([-100, 60, 60]))
    assert finance.irr([100, 60]) is None
    assert finance.irr([-100, -60]) is None


def test_roi_undefined_at_zero_cost():
    assert finance.roi(150, 100) == 0.5
    assert finance.roi(150, 0) is None


@pytest.mark.parametrize(
    "flows, months",
    [
        ([-100, 60, 60], 12 * (1 + 40 / 60)),  # 20 months: 40 left after year 1, paid in 8 of year 2
        ([-100, 100], 12.0),
        ([0, 10], 0.0),
        ([-100, 10, 10], None),
        ([50, -100, 100], 12 * (1 + 50 / 100)),  # under water in year 1, back at month 18
    ],
)
def test_payback_months(flows, months):
    assert finance.payback_months(flows) == (pytest.approx(months) if months is not None else None)


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=8), st.floats(0, 0.5))
def test_npv_matches_numpy_financial(flows, rate):
    assert finance.npv(rate, flows) == pytest.approx(npf.npv(rate, flows), rel=1e-12, abs=1e-6)
