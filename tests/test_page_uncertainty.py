"""AppTest of the Risk & sensitivity page, reached through app.py as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import roi
from roi.uncertainty import simulate, tornado
from ui import format as fmt

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/uncertainty.py"


def _open(sample: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if sample is not None:
        at.selectbox(key="sample_picker").set_value(sample).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("sample", sorted(roi.sample_paths()))
def test_page_renders_every_sample_with_the_cli_numbers(sample):
    at = _open(sample)
    assert at.title[0].value == "Risk & sensitivity"
    assert not [e.value for e in at.error]
    at.number_input(key="unc_draws").set_value(5_000).run()
    assert not at.exception
    scenario = at.session_state["scenario"]
    cur = scenario.settings.currency
    sim = simulate(scenario, draws=5_000, seed=1)  # what `python -m roi simulate --draws 5000` prints
    assert _metric(at, "Chance of losing money") == fmt.pct(sim.prob_npv_negative)
    assert _metric(at, "P50 NPV (median)") == fmt.money(sim.quantile(0.5), cur)
    assert _metric(at, "Base NPV") == fmt.money(roi.evaluate(scenario).npv, cur)
    top = tornado(scenario).rows[0]
    assert _metric(at, "Assumption that decides most") == top.label


def test_controls_change_the_answer():
    at = _open()
    at.number_input(key="unc_draws").set_value(2_000).run()
    before = _metric(at, "P50 NPV (median)")
    at.number_input(key="unc_seed").set_value(99).run()
    assert not at.exception
    assert _metric(at, "P50 NPV (median)") != before
    at.radio(key="unc_distribution").set_value("triangular").run()
    at.radio(key="unc_tornado_metric").set_value("roi").run()
    at.selectbox(key="unc_grid_x").set_value("reach").run()
    at.selectbox(key="unc_grid_y").set_value("reach").run()
    assert not at.exception
    assert any("two different drivers" in i.value for i in at.info)
    at.toggle(key="unc_stated_only").set_value(True).run()
    assert not at.exception
