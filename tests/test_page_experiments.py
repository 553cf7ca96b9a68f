"""AppTest of the Experiments page, run through app.py as a user would reach it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import roi
from roi.experiments import plan_tests
from ui import md

from roi.experiments import sample_size
from roi.experiments.history import read_history
from roi.experiments.planner import plan_test

from .apptest_helpers import ROOT, SAMPLES, chart_downloads, errors, metric, open_app, open_tab
from .test_experiments_history import _csv as _history_csv

PAGE = "pages/experiments.py"


TABS = ("Plan a test", "Scenario test plan", "Analyse a result", "Programme holdout")


def _open(sample: str | None = None, tab: str | None = None) -> AppTest:
    """The page with ``tab`` open (the first by default): only the open tab is drawn."""
    at = open_app(PAGE, sample, via="picker")
    return open_tab(at, tab) if tab else at


@pytest.mark.parametrize("sample", SAMPLES)
def test_page_renders_every_sample_case(sample):
    at = _open(sample)
    assert at.title[0].value == "Experiments"
    assert not errors(at) and [t.label for t in at.tabs] == list(TABS)
    assert metric(at, "Visitors per variant")  # the first tab is open
    open_tab(at, "Scenario test plan")
    assert not errors(at)
    scenario = at.session_state["scenario"]
    plan = plan_tests(scenario)
    provable = sum(t.within_horizon for t in plan.tests)
    assert metric(at, "Provable within 6 weeks") == f"{provable} of {len(scenario.initiatives)}"
    table = at.dataframe[0].value  # the scenario plan
    assert list(table["Initiative"]) == [i.name for i in scenario.initiatives]
    for tab in TABS[2:]:
        open_tab(at, tab)
        assert not errors(at), tab


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
    at = _open(tab="Analyse a result")
    at.number_input(key="exp_ca").set_value(20_000).run()
    assert not at.exception
    assert any("conversions_a" in e for e in errors(at))


def test_apply_result_moves_the_business_case_and_records_why():
    at = _open("european_retailer", "Analyse a result")
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
    assert any("NPV" in s.value and md.escape(target) in s.value for s in at.success)  # user text escaped
    assert at.button(key="exp_apply").disabled  # applied once: not again by accident
    log = at.dataframe[-1].value
    assert list(log["Initiative"]) == [target] and "Cart reminder A/B" in log["Test"].iloc[0]


def test_csv_upload_is_analysed_and_bad_files_are_refused():
    at = _open(tab="Analyse a result")
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
    at = _open()
    found = {}
    for tab in TABS:  # sample size; readout and schedule; none; the holdout's readout
        charts, buttons = chart_downloads(open_tab(at, tab))
        assert buttons == ["PNG", "SVG"] * charts
        found[tab] = charts
    assert found == {"Plan a test": 1, "Scenario test plan": 2, "Analyse a result": 0, "Programme holdout": 1}


# ------------------------------------------------------------------ plan: CUPED, unit, looks, history


def test_planner_applies_cuped_design_effect_and_looks():
    at = _open()
    at.number_input(key="exp_cuped_rho").set_value(0.5).run()
    assert metric(at, "Visitors per variant") == "22,684"  # ⌈30,244.40 × 0.75⌉ (test_experiments_planner)
    at.radio(key="exp_unit").set_value("Customers (visits counted)").run()
    at.number_input(key="exp_visits_per_customer").set_value(4.0).run()
    at.number_input(key="exp_icc").set_value(0.1).run()  # D = 1 + 3 × 0.1 = 1.3
    assert metric(at, "Visitors per variant") == "29,489"  # ⌈30,244.40 × 0.75 × 1.3⌉
    assert any("design effect 1.3" in c.value for c in at.caption)
    at.number_input(key="exp_looks").set_value(4).run()
    plan = plan_test(sample_size(0.05, 0.10), cuped_rho=0.5, design_effect=1.3, looks=4)
    assert metric(at, "Maximum per variant") == f"{plan.max_n_per_variant:,}"
    looks = next(d.value for d in at.dataframe if "Boundary (z)" in d.value.columns)
    assert list(looks["Boundary (z)"]) == ["4.333", "2.963", "2.359", "2.014"]  # Lan–DeMets tables, K = 4
    assert not errors(at)


def test_planner_takes_traffic_from_a_daily_csv():
    at = _open()
    at.radio(key="exp_traffic_source").set_value("From a daily CSV").run()
    assert any("Upload a daily traffic file" in i.value for i in at.info)
    at.file_uploader(key="exp_history_upload").set_value(("history.csv", _history_csv(), "text/csv")).run()
    assert not at.exception and not errors(at)
    # 28 days (test_experiments_history): baseline 2.17%, 6,000 visitors a week → 857 a day
    assert metric(at, "Visitors a day") == "857"
    assert any("2.17%" in c.value for c in at.caption)
    h = read_history(_history_csv())
    plan = plan_test(sample_size(h.baseline_conversion, 0.10), history=h)
    assert metric(at, "Duration") == f"{plan.weekly.weeks} weeks"
    assert any(f"run **{plan.weekly.weeks} whole weeks**" in m.value for m in at.markdown)
    at.file_uploader(key="exp_history_upload").set_value(("bad.csv", b"date,visitors\n2024-13-01,5\n", "text/csv")).run()
    assert not at.exception
    assert any("bad.csv was not read" in e and "2024-13-01" in e for e in errors(at))


# ------------------------------------------------------------------ result: CUPED, interim looks


def test_customer_level_csv_shows_adjusted_beside_unadjusted():
    at = _open(tab="Analyse a result")
    at.radio(key="exp_source").set_value("Customer-level CSV (CUPED)").run()
    data = (ROOT / "data" / "holdout_customers.csv").read_bytes()
    at.file_uploader(key="exp_customer_upload").set_value(("customers.csv", data, "text/csv")).run()
    assert not at.exception and not errors(at)
    table = next(d.value for d in at.dataframe if "Comparison" in d.value.columns)
    assert list(table["Comparison"]) == ["Unadjusted", "CUPED-adjusted"]
    assert any("CUPED removed" in m.value for m in at.markdown)
    at.file_uploader(key="exp_customer_upload").set_value(("x.csv", b"arm,revenue\nA,1\nB,oops\n", "text/csv")).run()
    assert any("x.csv was not read" in e and "oops" in e for e in errors(at))


def test_interim_look_says_which_boundary_was_crossed():
    at = _open(tab="Analyse a result")
    at.number_input(key="exp_cb").set_value(600).run()  # z = 3.10 (test_z_test_by_hand)
    at.number_input(key="exp_r_max_n").set_value(20_000).run()  # look 2 of 4 at 50%: boundary 2.963
    assert any("crossed the boundary ±2.96" in s.value for s in at.success)
    at.number_input(key="exp_cb").set_value(580).run()  # z = 2.5: inside
    assert any("keep the test running" in i.value for i in at.info)


def test_design_effect_from_customer_data():
    at = _open()
    at.radio(key="exp_unit").set_value("Customers, from data").run()
    data = b"customer,visits,conversions\n" + b"".join(f"C{k},{1 + k % 5},{k % 2}\n".encode() for k in range(400))
    at.file_uploader(key="exp_unit_upload").set_value(("visits.csv", data, "text/csv")).run()
    assert not at.exception and not errors(at)
    import numpy as np
    from roi.experiments.design_effect import ratio_design_effect
    k = np.arange(400)
    d = ratio_design_effect(1.0 + k % 5, (k % 2).astype(float)).design_effect
    assert any(f"design effect **{d:.3g}**" in c.value for c in at.caption)
    assert metric(at, "Visitors per variant") == f"{plan_test(sample_size(0.05, 0.10), design_effect=d).n_per_variant:,}"
