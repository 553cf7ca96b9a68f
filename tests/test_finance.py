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
        ([-100, 150, -100], None),  # back above water in year 1, under again for good in year 2
        ([-100, 150, -100, 100], 12 * (2 + 50 / 100)),  # the crossing that lasts: month 30
    ],
)
def test_payback_months(flows, months):
    assert finance.payback_months(flows) == (pytest.approx(months) if months is not None else None)


def test_irr_uniqueness():
    # −100 + 230x − 132x² = 0 at x = 1/1.1 and x = 1/1.2: both 10% and 20% are IRRs.
    assert finance.irr_is_unique([-100, 60, 60])
    assert not finance.irr_is_unique([-100, 230, -132])
    assert not finance.irr_is_unique([100, 50])


@given(st.lists(st.floats(1, 1e6), min_size=1, max_size=6), st.floats(1, 1e6))
def test_irr_of_a_conventional_investment_zeroes_the_npv(returns, investment):
    # One sign change (pay, then receive): exactly one IRR, and the NPV at that rate is zero.
    flows = [-investment, *returns]
    rate = finance.irr(flows)
    assert finance.irr_is_unique(flows)
    assert rate is not None
    assert finance.npv(rate, flows) == pytest.approx(0, abs=1e-6 * max(investment, sum(returns)))
