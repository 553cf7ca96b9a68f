"""Field-path diffs (``roi.store.diff``): reference cases worked out from the samples, and invariants.

Expected values come from the sample files in ``data/`` (read with the JSON module, independently
of the diff code): e.g. the European retailer's third initiative has a base uplift of 0.03.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import roi
from roi.experiments import analyze_ab, apply_result
from roi.paths import set_value_at, value_at
from roi.store.diff import Change, applied_tests, describe, diff, format_value, is_applied_test

RETAILER = json.loads(roi.sample_paths()["european_retailer"].read_text())


def _data(name: str = "european_retailer") -> dict[str, Any]:
    return roi.load_sample(name).model_dump(mode="json")


def test_one_edited_field_is_one_change_with_old_and_new():
    a = _data()
    b = copy.deepcopy(a)
    b["initiatives"][2]["uplift"]["base"] = 0.05
    assert RETAILER["initiatives"][2]["uplift"]["base"] == 0.03
    assert diff(a, b) == [Change("initiatives[2].uplift.base", 0.03, 0.05)]


def test_reordering_named_items_is_not_a_change():
    a = _data()
    b = copy.deepcopy(a)
    b["initiatives"].reverse()
    b["segments"].reverse()
    assert diff(a, b) == []


def test_removing_one_of_six_initiatives_is_one_removal():
    a = _data()
    assert len(a["initiatives"]) == 6
    b = copy.deepcopy(a)
    gone = b["initiatives"].pop(1)
    changes = diff(a, b)
    assert changes == [Change("initiatives[1]", gone, None)]
    assert changes[0].kind == "removed"
    assert describe(changes[0]) == f"initiatives[1]: removed {gone['name']}"


def test_an_added_initiative_is_one_addition_at_its_new_index():
    a = _data()
    b = copy.deepcopy(a)
    new = copy.deepcopy(b["initiatives"][0]) | {"name": "Loyalty app offers"}
    b["initiatives"].insert(0, new)
    assert diff(a, b) == [Change("initiatives[0]", None, new)]


def test_renaming_an_item_in_place_is_a_name_change_not_remove_and_add():
    a = _data()
    b = copy.deepcopy(a)
    old = b["initiatives"][3]["name"]
    b["initiatives"][3]["name"] = "Renamed"
    b["initiatives"][3]["one_time_cost"] = 1.0
    assert diff(a, b) == [Change("initiatives[3].name", old, "Renamed"),
                          Change("initiatives[3].one_time_cost", a["initiatives"][3]["one_time_cost"], 1.0)]


def test_maps_of_free_keys_and_lists_of_values_are_compared_whole():
    a = _data()
    b = copy.deepcopy(a)
    b["settings"]["sources"] = {"discount rate (CFO)": "finance memo"}  # not a field name: one value
    b["initiatives"][0]["segments"] = b["initiatives"][0]["segments"][:1]
    changes = diff(a, b)
    assert [c.path for c in changes] == ["settings.sources", "initiatives[0].segments"]
    assert changes[0].new == {"discount rate (CFO)": "finance memo"}


def test_true_is_not_one_but_one_is_one_point_zero():
    assert diff({"x": 1}, {"x": 1.0}) == []
    assert diff({"x": 1}, {"x": True}) == [Change("x", 1, True)]


def test_an_applied_test_result_reads_as_such_and_gives_the_reason():
    scenario = roi.load_sample("european_retailer")
    result = analyze_ab(20_000, 400, 20_000, 480)
    after = apply_result(scenario, "Triggered journeys (abandoned cart, browse)", result, test_name="Journeys A/B")
    changes = diff(scenario, after)
    paths = [c.path for c in changes]
    assert "initiatives[1].uplift.base" in paths and "initiatives[1].evidence.kind" in paths
    log = [c for c in changes if is_applied_test(c)]
    assert [c.path for c in log] == ["changes[0]"]
    assert applied_tests(changes) == [after.changes[0].reason]
    assert describe(log[0]).startswith("changes[0]: applied test result — Test 'Journeys A/B'")


def test_values_are_written_exactly_and_readably():
    assert format_value(0.1 + 0.2) == "0.30000000000000004"  # exact: nothing is rounded away
    assert format_value(1e16) == "1e+16"
    assert format_value("x" * 300, limit=10) == "x" * 9 + "…"
    assert format_value({"a": 1}) == '{"a": 1}'


# --------------------------------------------------------------------------- invariants

def _numeric_paths(data: Any, path: str = "") -> list[str]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _numeric_paths(v, f"{path}.{k}" if path else k)
                if "sources" not in p]
    if isinstance(data, list) and all(isinstance(x, dict) for x in data):
        return [p for j, v in enumerate(data) for p in _numeric_paths(v, f"{path}[{j}]")]
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return [path]
    return []


SAMPLES = sorted(roi.sample_paths())


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SAMPLES), st.data())
def test_a_scenario_never_differs_from_itself_nor_from_a_reordering(sample, data):
    """No change between a scenario and itself, whatever order its named items are in."""
    a = _data(sample)
    b = copy.deepcopy(a)
    rng = random.Random(data.draw(st.integers(0, 10**6)))
    rng.shuffle(b["initiatives"])
    rng.shuffle(b["segments"])
    assert diff(a, a) == [] and diff(a, b) == []


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SAMPLES), st.data())
def test_one_edited_number_is_exactly_one_change_found_at_its_path(sample, data):
    """Editing any one number gives one change, at that path, holding the old and the new value —
    and the path leads to the new value in the edited scenario."""
    a = _data(sample)
    path = data.draw(st.sampled_from(_numeric_paths(a)))
    new = data.draw(st.floats(-1e9, 1e9, allow_nan=False).filter(lambda v: v != value_at(a, path)))
    b = copy.deepcopy(a)
    set_value_at(b, path, new)
    assert diff(a, b) == [Change(path, value_at(a, path), new)]
    assert value_at(b, diff(a, b)[0].path) == new


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SAMPLES), st.data())
def test_removing_an_item_and_reordering_the_rest_is_one_removal(sample, data):
    """Dropping one initiative among shuffled others is reported as that one removal."""
    a = _data(sample)
    b = copy.deepcopy(a)
    k = data.draw(st.integers(0, len(b["initiatives"]) - 1))
    gone = b["initiatives"].pop(k)
    random.Random(data.draw(st.integers(0, 10**6))).shuffle(b["initiatives"])
    changes = diff(a, b)
    assert len(changes) == 1 and changes[0].kind == "removed" and changes[0].old == gone
