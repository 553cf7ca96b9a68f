"""AppTest of the Experiments page, run through app.py as a user would reach it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import roi
from roi.experiments import plan_tests

from .apptest_helpers import SAMPLES, chart_downloads, errors, metric, open_app

PAGE = "pages/experiments.py"


def _open(sample: str | None = None) -> AppTest:
    return open_app(PAGE, sample, via="picker")


@pytest.mark.parametrize("sample", SAMPLES)
def test_page_renders_every_sample_case(sample):
    at = _open(sample)
    assert at.title[0].value == "Experiments"
    assert not errors(at)
    scenario = at.session_state["scenario"]
    plan = plan_tests(scenario)
    provable = sum(t.within_horizon for t in plan.tests)
    assert metric(at, "Provable within 6 weeks") == f"{provable} of {len(scenario.initiatives)}"
    table = at.dataframe[1].value  # [0] "what could this traffic detect", [1] the scenario plan
    assert list(table["Initiative"]) == [i.name for i in scenario.initiatives]


def test_planner_defaults_match_the_reference_value():
    at = _open()
    assert metric(at, "Visitors per variant") == "30,245"  # evan-miller, 5% → +10% (test_experiments_power)
    assert metric(at, "Duration") == "13 days"  # 60,490 / 5,000 a day = 12.1 → 13 whole days
    at.selectbox(key="exp_method").set_value("pooled").run()
    assert metric(at, "Visitors per variant") == "31,234"


def test_planner_shows_an_error_for_an_impossible_mde():
    at = _open()
    at.number_input(key="exp_mde").set_value(0.0).run()
    assert not at.exception
    assert any("mde" in e for e in errors(at))


def test_analysis_refuses_more_conversions_than_visitors():
    at = _open()
    at.number_input(key="exp_ca").set_value(20_000).run()
    assert not at.exception
    assert any("conversions_a" in e for e in errors(at))


def test_apply_result_moves_the_business_case_and_records_why():
    at = _open("european_retailer")
    before = at.session_state["scenario"]
    npv_before = roi.evaluate(before).npv
    target = "Triggered journeys (abandoned cart, browse)"
    at.number_input(key="exp_cb").set_value(600).run()  # A 500/10,000 vs B 600/10,000: +20%, p = 0.0019
    assert any("reject the null" in s.value for s in at.success)
    at.selectbox(key="exp_target").set_value(target).run()
    # no test name → the button is disabled with a hint, scenario unchanged
    assert at.button(key="exp_apply").disabled
    assert any("Name the test" in c.value for c in at.caption)
    assert at.session_state["scenario"].changes == []
    at.text_input(key="exp_test_name").input("Cart reminder A/B").run()
    at.button(key="exp_apply").click().run()
    assert not at.exception
    after = at.session_state["scenario"]
    ini = next(i for i in after.initiatives if i.name == target)
    assert ini.evidence.kind.value == "measured" and ini.uplift.base == pytest.approx(0.2)
    (change,) = after.changes
    assert change.initiative == target and change.result.test_name == "Cart reminder A/B"
    npv_after = roi.evaluate(after).npv
    assert npv_after != pytest.approx(npv_before)
    assert any("NPV" in s.value and target in s.value for s in at.success)
    assert at.button(key="exp_apply").disabled  # applied once: not again by accident
    log = at.dataframe[-1].value
    assert list(log["Initiative"]) == [target] and "Cart reminder A/B" in log["Test"].iloc[0]


def test_csv_upload_is_analysed_and_bad_files_are_refused():
    at = _open()
    at.radio(key="exp_source").set_value("Upload CSV").run()
    at.file_uploader(key="exp_upload").set_value(
        ("result.csv", b"arm,visitors,conversions,revenue\nB,10000,600,56000\nA,10000,500,50000\n", "text/csv")
    ).run()
    assert not at.exception and not errors(at)
    assert metric(at, "Conversion A") == "5.00%" and metric(at, "Conversion B") == "6.00%"
    assert metric(at, "Relative lift") == "20.0%"
    at.file_uploader(key="exp_upload").set_value(("bad.csv", b"arm,visits\nA,1\nB,2\n", "text/csv")).run()
    assert not at.exception
    assert any("bad.csv was not read" in e and "conversions" in e for e in errors(at))


def test_every_chart_has_png_and_svg_downloads():
    at = _open()  # all three tabs are rendered: sample size, readout and schedule charts
    charts, buttons = chart_downloads(at)
    assert charts == 3
    assert buttons == ["PNG", "SVG"] * charts
