"""Cost of delay: NPV forgone per month, and the NPV by start month curve."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import roi
from roi.delay import cost_of_delay_per_month
from roi.uncertainty import delay_curve

from .factories import initiative, scenario

SAMPLES = list(roi.sample_paths())


@pytest.mark.parametrize("name", SAMPLES)
def test_curve_starts_at_the_business_case(name):
    sc = roi.load_sample(name)
    case = roi.evaluate(sc)
    d = delay_curve(sc, np.arange(0, 13))
    assert d.programme_npv[0] == pytest.approx(case.npv, rel=1e-9)
    assert d.initiative_npv[0] == pytest.approx([i.npv for i in case.initiatives], rel=1e-9)
    assert d.cost_per_month == cost_of_delay_per_month(sc)
    assert d.programme_cost_per_month == pytest.approx(d.programme_npv[0] - d.programme_npv[1], rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.floats(0.05, 1.0), st.floats(0, 12), st.integers(1, 6), st.floats(0, 0.3))
def test_cost_of_delay_non_negative_for_a_profitable_initiative(uplift, launch, horizon, rate):
    """An initiative whose yearly benefit exceeds its running costs loses NPV with every month."""
    ini = initiative(uplift={"low": uplift, "base": uplift, "high": uplift}, months_to_launch=launch,
                     annual_running_cost=1_000, variable_campaign_cost=0, one_time_cost=5_000)
    sc = scenario([ini], horizon_years=horizon, discount_rate=rate)
    d = delay_curve(sc, np.arange(0, 25))
    assert d.cost_per_month["Recommendations"] >= 0
    assert (np.diff(d.initiative_npv[:, 0]) <= 1e-9).all()  # NPV never rises with delay


def test_delay_validates_months():
    with pytest.raises(ValueError, match="months"):
        delay_curve(scenario(), np.array([-1.0]))
