"""AppTest: the version-2 inputs have a place on the pages, and editing them moves the case."""

from __future__ import annotations

import pytest

import roi
from ui import format as fmt

from .apptest_helpers import assert_no_exception, metric, open_app


def _widget(at, kind: str, path: str):
    """The input widget bound to a scenario field path (keys are ``in:<path>:<version>``)."""
    for w in getattr(at, kind):
        if w.key and w.key.startswith(f"in:{path}:"):
            return w
    raise AssertionError(f"no {kind} for {path}")


def test_business_case_settings_edit_the_model_rules():
    at = open_app("pages/business_case.py", "european_retailer")
    before = at.session_state["scenario"]
    _widget(at, "toggle", "settings.include_beyond_horizon").set_value(True).run()
    assert_no_exception(at)
    after = roi.evaluate(at.session_state["scenario"])
    base = roi.evaluate(before)
    assert after.npv == pytest.approx(base.npv + base.beyond_horizon_value)
    assert metric(at, "NPV") == fmt.money(after.npv, after.currency)
    _widget(at, "selectbox", "settings.retention_timing").set_value("start_of_year").run()
    _widget(at, "selectbox", "settings.lever_combination").set_value("additive").run()
    _widget(at, "number_input", "settings.benefit_risk_assumed").set_value(10.0).run()  # typed in percent
    assert_no_exception(at)
    s = at.session_state["scenario"].settings
    assert (s.retention_timing.value, s.lever_combination.value, s.benefit_risk_assumed) == (
        "start_of_year", "additive", 0.10)


def test_initiative_identity_decay_and_risk_override():
    at = open_app("pages/initiatives.py", "european_retailer")
    _widget(at, "toggle", "initiatives[0].requires_identity").set_value(False).run()
    _widget(at, "number_input", "initiatives[0].effect_decay").set_value(20.0).run()
    _widget(at, "number_input", "initiatives[0].benefit_risk").set_value(40.0).run()
    assert_no_exception(at)
    ini = at.session_state["scenario"].initiatives[0]
    assert (ini.requires_identity, ini.effect_decay, ini.benefit_risk) == (False, 0.2, 0.4)
    assert any("Risk adjustment applied: **40%**" in c.value for c in at.caption)
    # a second initiative without an override shows its evidence kind's rate, and an empty box
    at.selectbox(key="initiative_pick").set_value(1).run()
    assert _widget(at, "number_input", "initiatives[1].benefit_risk").value is None
    assert any("(the rate for assumed uplifts)" in c.value for c in at.caption)


def test_process_page_prices_effort():
    at = open_app("pages/process.py", "european_retailer")
    npv = roi.evaluate(at.session_state["scenario"]).npv
    _widget(at, "number_input", "process.fte_month_cost").set_value(10_000.0).run()
    assert_no_exception(at)
    assert roi.evaluate(at.session_state["scenario"]).npv < npv
