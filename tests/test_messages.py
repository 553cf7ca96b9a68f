"""Validation messages in the user's words (ui.messages): percentages only for fractions, limits in full."""

from __future__ import annotations

import pytest

import roi
from roi.schema import bound
from ui.messages import human_message


@pytest.mark.parametrize("path, msg, shown", [
    # a fraction typed as a percentage: its 0–1 bounds read as 0%–100%
    ("settings.discount_rate", "must be between 0 and 1", "must be between 0% and 100%"),
    # months: "between 0 and 120" once read as a fraction because it starts "between 0 and 1"
    ("initiatives[0].months_to_launch", "must be between 0 and 120", "must be between 0 and 120"),
    ("plan.capacity_fte", "must be between 0.5 and 1,000", "must be between 0.5 and 1,000"),
    ("process.alignment", "must be between 1 and 5", "must be between 1 and 5"),
])
def test_only_a_fractions_bounds_become_percentages(path, msg, shown):
    assert human_message(path, msg) == shown


def test_the_schemas_limits_are_written_in_full():
    """A one-time cost of 10^15 is refused naming the limit as a person writes it (10^13), not
    ``1e+13``; the months-to-launch bound reaches the page as months."""
    data = roi.load_sample("european_retailer").model_dump(mode="json")
    data["initiatives"][0]["one_time_cost"] = 1e15
    data["initiatives"][0]["months_to_launch"] = 500
    with pytest.raises(roi.ScenarioError) as err:
        roi.parse_scenario(data)
    lines = dict(line.split(": ", 1) for line in err.value.problems)
    assert lines["initiatives[0].one_time_cost"] == "must be at most 10,000,000,000,000"
    months = lines["initiatives[0].months_to_launch"]
    assert human_message("initiatives[0].months_to_launch", months) == months
    assert "%" not in months and months.startswith("must be between 0 and ")
    assert bound(1e13) == "10,000,000,000,000" and bound(0.9) == "0.9"


def test_an_empty_box_says_so():
    """A cleared box (or table cell) reaches the schema as nothing: pydantic's "valid number"."""
    assert human_message("settings.discount_rate", "Input should be a valid number") == "needs a number (it is empty)"
    assert human_message("settings.horizon_years", "Input should be a valid integer") == "needs a number (it is empty)"
