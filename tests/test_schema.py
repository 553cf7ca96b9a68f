"""Validation at the boundary: every problem reported once, naming its field."""

from __future__ import annotations

import json

import pytest

import roi

from .factories import initiative, scenario_dict


def problems(data) -> list[str]:
    with pytest.raises(roi.ScenarioError) as exc:
        roi.parse_scenario(data)
    return exc.value.problems


def test_uplift_out_of_range_names_the_field():
    inis = [initiative(name=f"I{k}") for k in range(3)]
    inis[2]["uplift"] = {"low": 0.1, "base": 12, "high": 13}
    out = problems(scenario_dict(inis))
    assert "initiatives[2].uplift.base: must be between -1 and 10" in out
    assert "initiatives[2].uplift.high: must be between -1 and 10" in out


def test_rate_above_one_and_negative_cost():
    data = scenario_dict()
    data["segments"][0]["baseline_conversion_rate"] = 1.5
    data["initiatives"][0]["one_time_cost"] = -5
    out = problems(data)
    assert "segments[0].baseline_conversion_rate: must be between 0 and 1" in out
    assert "initiatives[0].one_time_cost: must be zero or more" in out


def test_missing_and_unknown_fields():
    data = scenario_dict()
    del data["segments"][0]["average_order_value"]
    data["initiatives"][0]["upflit"] = 3
    out = problems(data)
    assert "segments[0].average_order_value: is required" in out
    assert "initiatives[0].upflit: is not a known field" in out


def test_empty_segment_list():
    data = scenario_dict()
    data["segments"] = []
    assert any(p.startswith("segments:") for p in problems(data))


def test_initiative_needs_known_segments():
    data = scenario_dict([initiative(segments=["Nobody"])])
    assert problems(data) == ["initiatives[0].segments: unknown segment 'Nobody' (known: Everyone)"]


def test_initiative_without_segments():
    data = scenario_dict([initiative(segments=[])])
    assert problems(data) == ["initiatives[0].segments: must name at least one target segment"]


def test_unordered_range_duplicate_names_and_currency():
    inis = [initiative(uplift={"low": 0.3, "base": 0.1, "high": 0.2}), initiative()]
    data = scenario_dict(inis, currency="euro")
    out = problems(data)
    assert "initiatives[0].uplift: must satisfy low <= base <= high" in out
    data = scenario_dict([initiative(), initiative()])
    assert problems(data) == ["initiatives[1].name: duplicate name 'Recommendations'"]
    assert problems(scenario_dict(currency="euro")) == [
        "settings.currency: must be a three-letter ISO 4217 code such as EUR or USD"
    ]


def test_bad_json_text_and_non_object():
    with pytest.raises(roi.ScenarioError) as exc:
        roi.loads_scenario("{not json")
    assert exc.value.problems[0].startswith("file: not valid JSON")
    assert problems([1, 2]) == ["scenario: must be a JSON object"]


def test_json_round_trip():
    sc = roi.parse_scenario(scenario_dict())
    assert roi.loads_scenario(roi.dumps_scenario(sc)) == sc
    assert json.loads(roi.dumps_scenario(sc))["schema_version"] == 2


def test_sources_default_to_assumption():
    sc = roi.load_sample("european_retailer")
    assert sc.settings.source_of("discount_rate").startswith("Forrester")
    assert sc.segments[0].source_of("customers") == "assumption"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(value):
    text = json.dumps(scenario_dict()).replace('"customers": 10000', f'"customers": {value}')
    text = text.replace('"one_time_cost": 20000', f'"one_time_cost": {value}')
    with pytest.raises(roi.ScenarioError) as exc:
        roi.loads_scenario(text)
    fields = sorted(p.split(":")[0] for p in exc.value.problems)
    assert fields == ["initiatives[0].one_time_cost", "segments[0].customers"]


def test_absurdly_large_amounts_are_refused():
    data = scenario_dict()
    data["segments"][0]["visits_per_customer"] = 1e300
    assert problems(data) == ["segments[0].visits_per_customer: must be at most 10,000,000,000,000"]


def test_initiative_segment_listed_twice():
    data = scenario_dict([initiative(segments=["Everyone", "Everyone"])])
    assert problems(data) == ["initiatives[0].segments: 'Everyone' is listed twice"]
