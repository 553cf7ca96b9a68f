"""AppTest of the Risk & sensitivity page, reached through app.py as a user would."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

import roi
from roi.uncertainty import simulate, tornado
from roi.whatif import without_risk
from ui import format as fmt
from ui import md

from .apptest_helpers import SAMPLES, chart_downloads, metric, open_app

PAGE = "pages/uncertainty.py"


def _open(sample: str | None = None) -> AppTest:
    return open_app(PAGE, sample, via="picker")


@pytest.mark.parametrize("sample", SAMPLES)
def test_page_renders_every_sample_with_the_cli_numbers(sample):
    at = _open(sample)
    assert at.title[0].value == "Risk & sensitivity"
    assert not [e.value for e in at.error]
    at.number_input(key="unc_draws").set_value(5_000).run()
    assert not at.exception
    scenario = at.session_state["scenario"]
    cur = scenario.settings.currency
    sim = simulate(scenario, draws=5_000, seed=1)  # what `python -m roi simulate --draws 5000` prints
    assert metric(at, "Chance of losing money") == fmt.pct(sim.prob_npv_negative)
    assert metric(at, "P50 NPV (median)") == fmt.money(sim.quantile(0.5), cur)
    # the cases run before risk adjustment (the ranges are the risk) …
    assert metric(at, "Base NPV") == fmt.money(roi.evaluate(without_risk(scenario)).npv, cur)
    # … and the page says where the headline risk-adjusted NPV sits, and what correlation does
    assert any(f"P{sim.risk_adjusted_npv_percentile:.0f}**" in m.value for m in at.markdown)
    independent = simulate(scenario, draws=5_000, seed=1, correlation=0.0)
    assert any(c.value.startswith(fmt.pct(independent.prob_npv_negative) + " if the uplifts were independent")
               for c in at.caption)
    top = tornado(scenario).rows[0]
    assert any(m.value == f"#### {md.escape(top.label)}" for m in at.markdown)  # wraps; the name is user text


def test_a_slow_full_run_shows_its_first_draws_then_all(monkeypatch):
    """When the full run takes longer than the page waits, the page shows the first 20,000 draws
    of the same run (each driver has its own stream: the same draws, fewer), then all of them."""
    monkeypatch.setenv("ROI_RISK_WAIT_SECONDS", "0")
    at = _open("european_retailer")
    at.number_input(key="unc_seed").set_value(4_242).run()  # a run no other test has cached
    assert not at.exception
    scenario = at.session_state["scenario"]
    cur = scenario.settings.currency
    assert any("Showing the first 20,000 of 100,000 draws" in i.value for i in at.info)
    first = simulate(scenario, draws=20_000, seed=4_242)
    assert metric(at, "P50 NPV (median)") == fmt.money(first.quantile(0.5), cur)
    deadline = time.monotonic() + 120
    while any("Showing the first" in i.value for i in at.info):
        assert time.monotonic() < deadline, "the full run never arrived"
        time.sleep(0.2)
        at.run()
    full = simulate(scenario, draws=100_000, seed=4_242)  # `python -m roi simulate FILE --seed 4242`
    assert metric(at, "P50 NPV (median)") == fmt.money(full.quantile(0.5), cur)
    assert metric(at, "Chance of losing money") == fmt.pct(full.prob_npv_negative)


def test_controls_change_the_answer():
    at = _open()
    at.number_input(key="unc_draws").set_value(2_000).run()
    before = (metric(at, "P10 NPV"), metric(at, "P50 NPV (median)"), metric(at, "Chance of losing money"))
    at.number_input(key="unc_seed").set_value(99).run()
    assert not at.exception
    after = (metric(at, "P10 NPV"), metric(at, "P50 NPV (median)"), metric(at, "Chance of losing money"))
    assert after != before
    at.radio(key="unc_distribution").set_value("triangular").run()
    at.radio(key="unc_tornado_metric").set_value("roi").run()
    at.selectbox(key="unc_grid_x").set_value("reach").run()
    at.selectbox(key="unc_grid_y").set_value("reach").run()
    assert not at.exception
    assert any("two different drivers" in i.value for i in at.info)
    at.toggle(key="unc_stated_only").set_value(True).run()
    assert not at.exception
    # the correlation is the scenario's own setting, edited here
    key = next(n.key for n in at.number_input if n.key and n.key.startswith("in:settings.uplift_correlation"))
    at.number_input(key=key).set_value(0.0).run()
    assert not at.exception
    assert at.session_state["scenario"].settings.uplift_correlation == 0.0


def test_every_chart_has_png_and_svg_downloads():
    at = _open()
    at.number_input(key="unc_draws").set_value(2_000).run()
    charts, buttons = chart_downloads(at)
    assert charts == 5  # tornado, heatmap, histogram, variance shares, cost of delay
    assert buttons == ["PNG", "SVG"] * charts


def test_the_page_waits_only_for_a_run_forecast_to_finish_within_the_wait(monkeypatch):
    """Without ROI_RISK_WAIT_SECONDS the page waits its 0.4 s only for a run forecast to take less
    (the samples' 100,000 draws); a large case's first draws show at once."""
    from roi.synthetic import generate_scenario
    from ui import analyses

    monkeypatch.delenv("ROI_RISK_WAIT_SECONDS")
    sample, large = roi.load_sample("european_retailer"), generate_scenario(50, 20, 5, seed=1)
    assert analyses.risk_wait(sample, 100_000) == analyses.WAIT_SECONDS
    assert analyses.risk_wait(large, 100_000) == 0.0
    assert analyses.risk_wait(large, 20_000) == analyses.WAIT_SECONDS  # fewer draws: worth the wait
    monkeypatch.setenv("ROI_RISK_WAIT_SECONDS", "7")
    assert analyses.risk_wait(large, 100_000) == 7.0


def test_the_forecast_of_a_run_grows_with_draws_and_case_size():
    """roi.uncertainty.montecarlo.estimated_seconds: proportional to the draws, larger for a larger
    case; within a factor of about two of the benchmark's figures (0.15 s and 1.2 s CPU)."""
    from roi.synthetic import generate_scenario
    from roi.uncertainty.montecarlo import estimated_seconds

    sample, large = roi.load_sample("european_retailer"), generate_scenario(50, 20, 5, seed=1)
    assert estimated_seconds(sample, 200_000) == pytest.approx(2 * estimated_seconds(sample, 100_000))
    assert 0.07 < estimated_seconds(sample, 100_000) < 0.3
    assert 0.6 < estimated_seconds(large, 100_000) < 2.5


def test_the_parsed_scenario_is_shared_and_left_as_it_was():
    """ui.state.parsed hands every cached analysis of a rerun the same parsed scenario; the
    analyses treat it as read-only, so after a whole Risk page and Overview it still equals a
    fresh parse of its JSON."""
    from ui import state

    sj = roi.load_sample("retail_bank").model_dump_json()
    shared = state.parsed(sj)
    assert state.parsed(sj) is shared
    at = _open("retail_bank")
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert shared.model_dump_json() == sj == roi.loads_scenario(sj).model_dump_json()


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_overview_range_is_the_risk_pages_run(sample):
    """The Overview's range and chance of losing money come from the same 100,000 draws as the
    Risk page and the exports (`python -m roi simulate FILE`), so all give one verdict."""
    at = open_app("pages/overview.py", sample, via="picker")
    assert not at.exception
    scenario = at.session_state["scenario"]
    cur = scenario.settings.currency
    full = simulate(scenario, draws=100_000, seed=1)
    line = next(m.value for m in at.markdown if m.value.startswith("**Range:**"))
    assert f"P10 **{fmt.money(full.quantile(0.1), cur)}**" in line
    assert f"P(NPV < 0) **{fmt.pct(full.prob_npv_negative)}**" in line


def test_the_overview_and_the_risk_page_share_one_run():
    """The Overview gives the default ranges by name, as the Risk page does: after both pages, the
    background holds one 100,000-draw run of the scenario, not two."""
    from ui import analyses

    at = open_app("pages/overview.py", "consumer_goods_brand", via="picker")
    at.switch_page(PAGE).run()
    assert not at.exception
    sj = at.session_state["scenario"].model_dump_json()
    runs = [k for k in analyses._background().jobs if k[0] == sj and k[1] == 100_000]
    assert len(runs) == 1, runs


def test_a_large_case_overview_shows_its_first_draws_then_the_full_run(monkeypatch):
    """A case whose run is forecast over the wait: the Overview shows the first 20,000 draws at once,
    starts the rest, and once they are in its range is the full run's (the page's timer reruns it)."""
    from roi.synthetic import generate_scenario
    from ui import analyses
    from tests.apptest_helpers import ROOT

    monkeypatch.delenv("ROI_RISK_WAIT_SECONDS")
    large = generate_scenario(50, 20, 5, seed=11)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["scenario"] = large
    at.run()
    assert not at.exception
    help_text = next(m.help for m in at.markdown if m.value.startswith("**Range:**"))
    assert "the first 20,000 of the 100,000" in help_text
    sj = large.model_dump_json()
    deadline = time.monotonic() + 120
    while analyses.ready(sj, ranges=analyses.ranges_key()) is None:
        assert time.monotonic() < deadline, "the full run never arrived"
        time.sleep(0.2)
    at.run()
    line = next(m for m in at.markdown if m.value.startswith("**Range:**"))
    full = simulate(large, draws=100_000, seed=1)
    assert f"P10 **{fmt.money(full.quantile(0.1), large.settings.currency)}**" in line.value
    assert "the Risk page's and the exports' run" in line.help


def test_a_monte_carlo_that_fails_says_why_where_its_answers_go(monkeypatch):
    """The Monte Carlo's parts are drawn last, into places kept for them: when its run fails the
    page says why in place of its answers — no traceback — and keeps the parts that do not need it
    (cases, tornado, grid, breakeven, cost of delay)."""
    from ui import analyses

    at = _open("retail_bank")

    def fails(self):
        raise ValueError("draws: the run does not fit in memory")

    monkeypatch.setattr(analyses.RiskRun, "result", fails)
    at.number_input(key="unc_seed").set_value(77).run()
    assert not at.exception
    why = md.escape("draws: the run does not fit in memory")  # user-facing text is escaped for markdown
    assert [e.value for e in at.error] == [f"Cannot analyse this scenario: {why}"]
    assert metric(at, "Base NPV") and [s.value for s in at.subheader][:3] == [
        "Pessimistic, base and optimistic", "Which assumption decides the case", "Two assumptions at once"]
    assert {"Breakeven", "What waiting costs"} <= {s.value for s in at.subheader}
    assert not any(m.label == "Chance of losing money" for m in at.metric)
    assert "How likely are we to lose money" not in {s.value for s in at.subheader}
