"""Hostile input that once crashed or hung the app: each is refused or handled, never fatal.

The three urgent findings of the hardening review: a control character in a name aborted the
server process inside vl-convert; valid inputs hung or exhausted memory (test capacity of 1e13
a month, effort of 1e13 FTE-months, 10,000 initiatives); a share link with a 5,000-digit number
or JSON nested 10,000 deep crashed the app on every load.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import tracemalloc
import zlib

import numpy as np
import pytest

import roi
from roi import render
from roi.bounded import MAX_DEPTH, MAX_DIGITS, MAX_FLOAT_DIGITS, MAX_ITEMS, read_json, InputError
from roi.experiments.plan import InitiativeTest, _schedule
from roi.plan import schedule
from roi.share import decode_scenario

from .apptest_helpers import ROOT, assert_no_exception


def _pack(text: str) -> str:
    return "v1." + base64.urlsafe_b64encode(zlib.compress(text.encode())).decode().rstrip("=")


def _sample_json() -> dict:
    return roi.load_sample("european_retailer").model_dump(mode="json")


# --------------------------------------------------------------------------- control characters

@pytest.mark.parametrize("char", ["\x01", "\x00", "\x1f", "\ufffe"])
def test_control_characters_in_names_are_refused_naming_the_field(char):
    data = _sample_json()
    data["initiatives"][1]["name"] = f"Cart{char}reminder"
    with pytest.raises(roi.ScenarioError) as exc:
        roi.parse_scenario(data)
    assert any(p.startswith("initiatives[1].name: must not contain control characters") for p in exc.value.problems)


def test_a_lone_surrogate_is_refused_naming_the_field():
    data = _sample_json()
    data["settings"]["description"] = "broken \ud800 text"
    with pytest.raises(roi.ScenarioError) as exc:
        roi.parse_scenario(data)
    assert exc.value.problems[0].startswith("settings.description:")


def test_tabs_and_line_breaks_are_legal_text():
    # XML allows them, and a name starting with a tab must survive the exports byte for byte.
    data = _sample_json()
    data["settings"]["description"] = "Line one.\nLine two.\tTabbed.\r\n"
    data["settings"]["name"] = "\tTabbed name"
    s = roi.parse_scenario(data)
    assert s.settings.name == "\tTabbed name"


def test_renderer_survives_control_characters_that_bypass_the_schema():
    # Rendered in a child process: before the fix this aborted the interpreter (exit 134).
    code = (
        "from roi import render\n"
        "spec = {'data': {'values': [{'a': 'x\\x01y\\ud800', 'b': 1}]}, 'mark': 'bar',\n"
        "        'encoding': {'x': {'field': 'a', 'type': 'nominal'}, 'y': {'field': 'b', 'type': 'quantitative'}}}\n"
        "svg = render.to_svg(spec)\n"
        "png = render.to_png(spec)\n"
        "print('xy' in svg, png[:4] == b'\\x89PNG')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "True"]


def test_xml_safe_cleans_keys_and_nested_values():
    assert render.xml_safe({"k\x02": [{"t": "a\x0bb"}, ("c\x0c",)]}) == {"k": [{"t": "ab"}, ["c"]]}


# --------------------------------------------------------------------------- bounded reading

def test_a_5000_digit_integer_is_refused_naming_the_field():
    text = json.dumps(_sample_json()).replace('"horizon_years": 3', '"horizon_years": ' + "9" * 5000)
    with pytest.raises(roi.ScenarioError) as exc:
        roi.loads_scenario(text)
    assert exc.value.problems == [f"settings.horizon_years: a number with 5,000 digits; at most {MAX_DIGITS} are allowed"]


def test_a_decimal_with_5000_digits_is_refused_naming_the_field():
    """A float keeps 17 significant digits: "0.1" followed by 4,998 more digits was accepted as 0.1,
    while the same count of integer digits was refused. Both are refused now, at their own limits
    (exactly: MAX_FLOAT_DIGITS digits read, one more refused)."""
    text = json.dumps(_sample_json())
    assert '"discount_rate": 0.1,' in text
    text = text.replace('"discount_rate": 0.1,', '"discount_rate": 0.1' + "0" * 4998 + ",", 1)
    with pytest.raises(roi.ScenarioError) as exc:
        roi.loads_scenario(text)
    assert exc.value.problems == [f"settings.discount_rate: a number with 5,000 digits; at most {MAX_FLOAT_DIGITS} are allowed"]
    at_limit = "0." + "1" * (MAX_FLOAT_DIGITS - 1)  # MAX_FLOAT_DIGITS digits, the leading 0 included
    assert read_json(f"[{at_limit}]") == [float(at_limit)]
    with pytest.raises(InputError):
        read_json(f"[{at_limit}1]")
    assert read_json("[1.2345678901234567e-05, 0.1000000000000000055511151231257827]")  # what tools write


def test_json_nested_10000_deep_is_refused():
    text = '{"settings": ' + "[" * 10_000 + "]" * 10_000 + "}"
    with pytest.raises(roi.ScenarioError) as exc:
        roi.loads_scenario(text)
    assert exc.value.problems == [f"file: nested deeper than {MAX_DEPTH} levels; not a scenario"]


def test_moderate_nesting_below_the_recursion_limit_is_refused_too():
    with pytest.raises(InputError):
        read_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert read_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


@pytest.mark.parametrize(
    "payload, expected",
    [
        ('{"settings": ' + "[" * 10_000 + "]" * 10_000 + "}", "link: nested deeper"),
        ('{"settings": {"horizon_years": ' + "1" * 5000 + "}}", "settings.horizon_years: a number with 5,000 digits"),
        ('{"settings": {"horizon_years": 1e400}}', "settings.horizon_years: Input should be a finite number"),
    ],
)
def test_hostile_share_links_give_a_message_not_a_crash(payload, expected):
    with pytest.raises(roi.ScenarioError) as exc:
        decode_scenario(_pack(payload))
    assert any(p.startswith(expected) for p in exc.value.problems), exc.value.problems


def test_a_long_list_of_non_objects_costs_little_memory():
    data = _sample_json()
    data["segments"] = [1] * (MAX_ITEMS - 1)
    tracemalloc.start()
    try:
        with pytest.raises(roi.ScenarioError) as exc:
            roi.parse_scenario(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(exc.value.problems) <= 21  # at most 20 lines and one that counts the rest
    assert peak < 50e6, f"validation took {peak / 1e6:.0f} MB"


def test_a_list_longer_than_any_container_allowed_is_refused_before_validation():
    with pytest.raises(roi.ScenarioError) as exc:
        roi.loads_scenario(json.dumps({"segments": [None] * (MAX_ITEMS + 1)}))
    assert exc.value.problems == [f"segments: {MAX_ITEMS + 1:,} items, more than the {MAX_ITEMS:,} allowed"]


# --------------------------------------------------------------------------- bounded work

def _test(name: str) -> InitiativeTest:
    return InitiativeTest(initiative=name, lever="conversion_rate", evidence="assumed", metric="orders per visit",
                          unit="visits/day", eligible=1e4, baseline=0.02, expected_uplift=0.1, testable=True,
                          reason="", n_per_variant=1000, days=10.0, run_days=10.0, within_horizon=True)


def test_schedule_with_absurd_test_capacity_returns_at_once():
    tests = [_test("a"), _test("b"), _test("c")]
    launch = {"a": 0.0, "b": 150.0, "c": 3650.0}
    start = time.perf_counter()
    out = _schedule(tests, 1e13, launch)
    assert time.perf_counter() - start < 1.0
    # every test starts when its initiative launches: capacity is never the limit
    assert [t.start_day for t in out] == [0.0, 150.0, 3650.0]


def test_plan_with_huge_effort_is_bounded():
    # 10,000 FTE-months (the schema's cap) at the smallest capacity allowed: O(1) per initiative.
    got = schedule([0, 1], np.array([10_000.0, 10_000.0]), np.array([3.0, 3.0]), 0.5)
    assert got == {0: (0.0, 20_000.0), 1: (20_000.0, 40_000.0)}


def test_effort_and_test_capacity_are_capped_by_the_schema():
    data = _sample_json()
    data["initiatives"][0]["effort_fte_months"] = 1e13
    data["process"]["tests_per_month"] = 1e13
    with pytest.raises(roi.ScenarioError) as exc:
        roi.parse_scenario(data)
    assert "initiatives[0].effort_fte_months: must be between 0 and 10,000" in exc.value.problems
    assert "process.tests_per_month: must be between 0 and 1,000" in exc.value.problems


def test_too_many_initiatives_are_refused():
    data = _sample_json()
    data["initiatives"] = [dict(data["initiatives"][0], name=f"I{k}") for k in range(101)]
    with pytest.raises(roi.ScenarioError) as exc:
        roi.parse_scenario(data)
    assert exc.value.problems[0].startswith("initiatives: List should have at most 100 items")


def test_the_largest_allowed_case_evaluates_within_the_memory_budget():
    from roi.synthetic import generate_scenario

    data = generate_scenario(100, 100, 10, seed=1).model_dump(mode="json")
    names = [s["name"] for s in data["segments"]]
    for ini in data["initiatives"]:  # every initiative on every segment: the most pairs possible
        if ini["lever"] != "cost_saving":
            ini["segments"] = names
    scenario = roi.parse_scenario(data)
    tracemalloc.start()
    try:
        case = roi.evaluate(scenario)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert np.isfinite(case.npv)
    assert peak < 512e6, f"evaluate took {peak / 1e6:.0f} MB"


# --------------------------------------------------------------------------- the app

def test_app_opens_a_hostile_link_with_a_message():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["s"] = _pack('{"settings": ' + "[" * 10_000 + "]" * 10_000 + "}")
    at.run()
    assert_no_exception(at)
    assert any("could not be opened" in e.value for e in at.error)


def test_phishing_markdown_in_a_link_stays_text():
    data = _sample_json()
    data["settings"]["`x` [Your session expired - sign in again](https://evil.example) `y`"] = 1
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["s"] = _pack(json.dumps(data))
    at.run()
    assert_no_exception(at)
    shown = " ".join(e.value for e in at.error)
    assert "could not be opened" in shown
    # the key is shown inside a code span whose fence outlasts its backticks: literal text
    assert "- `` settings.`x` [Your session expired - sign in again](https://evil.example) `y`: is not a known field ``" in shown


# --------------------------------------------------------------------------- valid extremes export

def _extreme(kind: str) -> dict:
    data = _sample_json()
    if kind == "every rate at 1":  # a 100% discount rate and every benefit risk 100%
        data["settings"]["discount_rate"] = 1
        for key in [k for k in data["settings"] if k.startswith("benefit_risk")]:
            data["settings"][key] = 1
    elif kind == "launch after the horizon":  # one year, every initiative launching at month 120
        data["settings"]["horizon_years"] = 1
        for ini in data["initiatives"]:
            ini["months_to_launch"] = 120
    else:  # every maturity score at its floor
        for key in ("alignment", "test_and_learn", "feedback_loop", "governance"):
            data["process"][key] = 1
    return data


@pytest.mark.parametrize("kind", ["every rate at 1", "launch after the horizon", "every maturity score 1"])
def test_valid_extreme_scenarios_export_a_deck_and_a_workbook(kind):
    """Valid but extreme scenarios once raised KeyError: 'rank' in the roadmap chart: every
    deliverable is produced for them (nothing ranked is simply an empty chart)."""
    from roi.export.pptx import deck_bytes
    from roi.export.xlsx import workbook_bytes

    scenario = roi.parse_scenario(_extreme(kind))
    assert deck_bytes(scenario)[:2] == b"PK"
    assert workbook_bytes(scenario)[:2] == b"PK"


def test_a_link_with_trailing_data_is_refused_not_silently_read():
    """Characters after the end of the compressed scenario (two links pasted together, a stray
    paste) once decoded as the first scenario; now the link is refused, saying why."""
    from roi.share import encode_scenario

    token = encode_scenario(roi.load_sample("european_retailer"))
    assert decode_scenario(token).settings.name
    with pytest.raises(roi.ScenarioError) as exc:
        decode_scenario(token + "AAAA")
    assert exc.value.problems == ["link: the scenario link has extra characters after its end; copy the link again"]


def test_a_whole_address_pasted_as_the_link_says_so():
    """``?s=https://…`` (a link pasted into a link) is not looked up in the library as an id: the
    message says the link holds a whole address; the app opens with its sample."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["s"] = "https://roi.example.com/?s=v2.AAAA"
    at.run()
    assert_no_exception(at)
    text = " ".join(e.value for e in at.error)
    assert "whole address" in text and "no saved scenario" not in text
