"""AppTest of the Compare page: headline deltas against the first scenario, per initiative, charts,
and the inputs that differ — checked against ``roi.compare`` and ``roi.evaluate``."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import roi
from ui import format as fmt

from .apptest_helpers import APP, assert_no_exception, table_frame
from .store_helpers import app_store, with_value

PAGE = "pages/compare.py"


@pytest.fixture
def store(monkeypatch, tmp_path):
    yield from app_store(monkeypatch, tmp_path)



def _table(at: AppTest, k: int):
    """The k-th table on the page as the user reads it, its index (the first column) back as a column."""
    return table_frame(at.table[k]).reset_index()


def _open() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    return at


def test_fewer_than_two_asks_for_more(store):
    at = _open()
    assert at.title[0].value == "Compare scenarios"
    # one message (a second, lower-case one once asked to choose among nothing)
    assert [i.value for i in at.info] == [
        "No saved scenarios yet: save some on the **Scenarios** page, then compare them here."]
    assert not at.table


def test_current_against_a_saved_scenario_shows_deltas_charts_and_inputs(store):
    conservative = with_value(roi.load_sample("european_retailer"), "initiatives[2].uplift.base", 0.015)
    saved = store.create("Conservative", conservative, author="Ada")
    at = _open()
    at.multiselect(key="cmp_pick").set_value([saved.scenario_id]).run()
    assert_no_exception(at)
    assert any("**B · Conservative v1** — Conservative (saved version 1)" in m.value for m in at.markdown)
    headline = _table(at, 0)
    current = roi.evaluate(roi.load_sample("european_retailer"))
    other = roi.evaluate(conservative)
    label = "B · Conservative v1"
    npv = headline[headline.Figure == "NPV (risk-adjusted)"].iloc[0]
    assert npv.iloc[1] == fmt.money(current.npv, "EUR") and npv[label] == fmt.money(other.npv, "EUR")
    assert npv[f"Δ {label}"] == fmt.money(other.npv - current.npv, "EUR")  # negative: '-€…'
    assert npv[f"Δ {label}"].startswith("-")
    by_initiative = _table(at, 1)
    row = by_initiative[by_initiative.Initiative == "Audience targeting and segmentation"].iloc[0]
    assert row[label] == fmt.money(other.initiative("Audience targeting and segmentation").npv, "EUR")
    assert len(at.get("vega_lite_chart")) == 2
    inputs = _table(at, 2)
    assert inputs.Path.tolist() == ["initiatives[2].uplift.base"]
    assert inputs.iloc[0]["Field"] == "Uplift, base" and inputs.iloc[0][label] == "0.015"


def test_two_versions_of_one_scenario_without_the_current_one(store):
    sample = roi.load_sample("retail_bank")
    v = store.create("Bank", sample, author="Ada")
    store.save(v.scenario_id, with_value(sample, "settings.discount_rate", 0.12), base_version=1, author="Bob")
    at = _open()
    at.toggle(key="cmp_current").set_value(False).run()
    at.multiselect(key="cmp_pick").set_value([v.scenario_id]).run()
    assert any("Pick 2 to 4" in i.value for i in at.info)
    at.multiselect(key="cmp_extra").set_value([v.scenario_id]).run()
    assert_no_exception(at)
    headline = _table(at, 0)
    assert list(headline.columns) == ["Figure", "A · Bank v2", "B · Bank v1", "Δ B · Bank v1"]
    assert _table(at, 2).Path.tolist() == ["settings.discount_rate"]


def test_different_currencies_leave_money_deltas_out(store):
    data = roi.load_sample("retail_bank").model_dump(mode="json")
    data["settings"]["currency"] = "CHF"
    swiss = store.create("Swiss bank", roi.parse_scenario(data), author="Ada")
    at = _open()
    at.multiselect(key="cmp_pick").set_value([swiss.scenario_id]).run()
    assert_no_exception(at)
    assert any("different currencies" in w.value for w in at.warning)
    headline = _table(at, 0)
    assert headline[headline.Figure == "NPV (risk-adjusted)"].iloc[0]["Δ B · Swiss bank v1"] == "—"
    assert headline[headline.Figure == "ROI"].iloc[0]["Δ B · Swiss bank v1"].endswith("pts")
