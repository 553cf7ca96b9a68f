"""AppTest for every page of the dashboard, with every sample case.

Note: with ``st.navigation``, AppTest (1.67) keeps the entry point's own elements (sidebar,
banners) only on the first run of an ``AppTest``; later runs show the page's elements only. The
sidebar and banners are therefore also tested through a small app without navigation. Shared
helpers: ``tests/apptest_helpers.py``.
"""

from __future__ import annotations

import json

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema
from streamlit.testing.v1 import AppTest

import roi
from roi.plan import recommend
from roi.share import encode_scenario

from .apptest_helpers import (APP, ROOT, SAMPLES, chart_downloads, errors, metric, money_to_float, open_app,
                              table_frame)

VEGA_LITE_SCHEMA = load_schema()  # pages draw charts unvalidated: the tests validate them


def _pages() -> list[str]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("dashboard_app", APP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines PAGES; run() is only called as __main__
    return [path for _, path, _, _ in module.PAGES]


PAGES = _pages()


def test_every_page_is_registered_and_exists():
    assert "pages/overview.py" in PAGES and "pages/prioritization.py" in PAGES
    for page in PAGES:
        assert (ROOT / page).exists(), page


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_each_sample(page, sample):
    at = open_app(page, sample)
    assert at.title, f"{page} has no title"
    assert not at.error, [e.value for e in at.error]
    # pages send charts without Altair's validation (ui.exports.chart): every spec drawn must be valid
    for element in at.get("vega_lite_chart"):
        validate_jsonschema(json.loads(element.proto.spec), VEGA_LITE_SCHEMA)


@pytest.mark.parametrize("sample", SAMPLES)
def test_overview_headline_matches_the_model(sample):
    at = open_app(sample=sample)
    case = roi.evaluate(roi.load_sample(sample))
    from ui.format import money

    assert metric(at, "NPV") == money(case.npv, case.currency)
    # the benchmark is labelled as a consultancy figure
    assert any("consultancy figure" in c.value.lower() for c in at.caption)
    # revenue outside the ratio is attributed to this case's initiatives without campaign cost, by
    # name (every case once read "site-wide CRO, automation", initiatives of the retailer only)
    (note,) = [c.value for c in at.caption if c.value.startswith("Over the initiatives that carry campaign cost")]
    names = case.without_campaign_cost
    assert {i.name for i in case.initiatives if i.name in note} == set(names)
    assert ("every initiative here does" in note) == (not names)


def test_overview_lists_the_largest_components_in_a_table_that_wraps():
    """"Largest components" is a static table (it wraps long names where a grid cut them off at
    1280 px): every initiative of a sample, by NPV; of a 12-initiative case the largest eight, with
    a caption pointing to the full list."""
    from roi.synthetic import generate_scenario
    from ui.format import money_column

    for sc in (roi.load_sample("european_retailer"), generate_scenario(initiatives=12, segments=3, seed=0)):
        at = open_app(sample=sc)
        case = roi.evaluate(sc)
        by_npv = sorted(case.initiatives, key=lambda i: -i.npv)[:8]  # pages/overview.py LARGEST_SHOWN
        table = next(table_frame(t) for t in at.table if "Evidence" in table_frame(t).columns)
        assert table["Initiative"].tolist() == [i.name for i in by_npv]
        assert table[f"NPV ({case.currency})"].tolist() == money_column([i.npv for i in by_npv], case.currency)
        more = [c.value for c in at.caption if c.value.startswith("The 8 largest")]
        assert more == ([] if len(case.initiatives) <= 8 else
                        [f"The 8 largest of {len(case.initiatives)}; every initiative is on *Business case*."])


def test_changing_an_uplift_changes_npv_everywhere():
    at = open_app("pages/initiatives.py")
    before = metric(at, "NPV")
    key = "in:initiatives[0].uplift.base:0"
    assert at.number_input(key=key).value == pytest.approx(7.0)
    at.number_input(key=key).set_value(10.0).run()
    assert not at.exception
    after = metric(at, "NPV")
    assert after != before and "stale" not in next(m.label for m in at.metric)
    # the model agrees: uplift 0.07 → 0.10 on the first initiative
    s = roi.load_sample("european_retailer")
    data = s.model_dump(mode="json")
    data["initiatives"][0]["uplift"]["base"] = 0.10
    from ui.format import money

    assert after == money(roi.evaluate(roi.parse_scenario(data)).npv, "EUR")
    assert money_to_float(after) > money_to_float(before)  # more uplift, more NPV
    at.switch_page("pages/overview.py").run()
    assert metric(at, "NPV") == after


def test_invalid_input_shows_error_at_field_and_keeps_last_result():
    at = open_app("pages/initiatives.py")
    before = metric(at, "NPV")
    key = "in:initiatives[0].uplift.base:0"
    at.number_input(key=key).set_value(50.0).run()  # above the high case (12%)
    assert not at.exception
    assert any("Uplift, base" in e.value and "low ≤ base ≤ high" in e.value for e in at.error)
    assert metric(at, "NPV") == before
    assert any("stale" in m.label for m in at.metric)
    assert at.number_input(key=key).value == 50.0  # what was typed is kept
    # …also after visiting another page and coming back
    at.switch_page("pages/overview.py").run()
    assert any("stale" in m.label for m in at.metric)
    at.switch_page("pages/initiatives.py").run()
    assert at.number_input(key=key).value == 50.0
    # fixing the high case makes the draft valid and results fresh again
    at.number_input(key="in:initiatives[0].uplift.high:0").set_value(60.0).run()
    assert not at.error
    assert "stale" not in next(m.label for m in at.metric)
    assert metric(at, "NPV") != before


def test_out_of_range_percentage_is_named_in_percent():
    at = open_app("pages/content.py")
    at.number_input(key="in:content.reuse_rate:0").set_value(150.0).run()
    errs = errors(at)
    assert any("Reuse rate" in e and "between 0% and 100%" in e for e in errs), errs


def test_table_edit_is_validated_per_cell():
    at = open_app("pages/audience.py")
    editor = at.data_editor[0]
    key = editor.key
    before = metric(at, "NPV")
    at.session_state[key] = {"edited_rows": {1: {"gross_margin": 170.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    errs = errors(at)
    assert any("Row 2 (Registered non-members)" in e and "Gross margin" in e and "100%" in e for e in errs), errs
    assert metric(at, "NPV") == before


def test_table_edit_of_initiative_uplift_changes_npv():
    at = open_app("pages/initiatives.py")
    before = metric(at, "NPV")
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {0: {"uplift_base": 10.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not at.error
    assert money_to_float(metric(at, "NPV")) > money_to_float(before)


def test_table_edit_keeps_the_measured_result_of_an_applied_test():
    from roi.experiments import analyze_ab, apply_result

    target = "Triggered journeys (abandoned cart, browse)"
    measured = apply_result(roi.load_sample("european_retailer"), target,
                            analyze_ab(10_000, 500, 10_000, 600), test_name="Cart reminder A/B")
    at = open_app("pages/initiatives.py", measured)
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {0: {"one_time_cost": 500_000}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not at.error
    after = at.session_state["scenario"]
    assert after.initiatives[0].one_time_cost == 500_000
    ini = next(i for i in after.initiatives if i.name == target)
    assert ini.evidence == next(i for i in measured.initiatives if i.name == target).evidence
    assert ini.evidence.measured.test_name == "Cart reminder A/B"


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_can_be_downloaded(page):
    at = open_app(page)
    charts, buttons = chart_downloads(at)
    assert buttons == ["PNG", "SVG"] * charts, page


def test_headline_names_revenue_per_unit_of_campaign_cost_in_the_currency():
    at = open_app("pages/business_case.py", "retail_bank")
    case = roi.evaluate(roi.load_sample("retail_bank"))
    # a ratio, as the Overview's card says it (the card once read "£4.9" beside "4.9 : 1")
    assert metric(at, "Revenue per £1 campaign") == f"{case.revenue_per_campaign_dollar:,.1f} : 1"
    overview = open_app("pages/overview.py", "retail_bank")
    assert metric(overview, "Revenue per £1 of variable campaign cost") == metric(at, "Revenue per £1 campaign")


def test_uplift_fields_show_the_initiatives_evidence_as_their_source():
    data = json.loads(roi.dumps_scenario(roi.load_sample("european_retailer")))
    data["initiatives"][0]["evidence"] = {"kind": "benchmark", "source": "McKinsey, Nov 2021", "year": 2021}
    benchmarked = roi.parse_scenario(data)
    ev = benchmarked.initiatives[0].evidence
    at = open_app("pages/initiatives.py", benchmarked)
    help_text = at.number_input(key="in:initiatives[0].uplift.base:0").help
    assert "benchmark" in help_text and ev.source in help_text and "assumption" not in help_text
    (line,) = [c.value for c in at.caption if c.value.startswith("Source of the uplift range")]
    assert ":blue-badge[benchmark]" in line and ev.source in line
    # a measured uplift names its test and figures
    target = "Triggered journeys (abandoned cart, browse)"
    from roi.experiments import analyze_ab, apply_result

    measured = apply_result(roi.load_sample("european_retailer"), target,
                            analyze_ab(10_000, 500, 10_000, 600), test_name="Cart reminder A/B")
    at = open_app("pages/initiatives.py", measured)
    at.selectbox(key="initiative_pick").set_value(1).run()
    (line,) = [c.value for c in at.caption if c.value.startswith("Source of the uplift range")]
    assert ":green-badge[measured]" in line and "Cart reminder A/B" in line and "600/10,000" in line


def test_process_maturity_raises_realised_benefit():
    at = open_app("pages/process.py")
    before = money_to_float(metric(at, "NPV"))
    at.slider(key="in:process.feedback_loop:0").set_value(5).run()
    assert not at.exception and not at.error
    assert money_to_float(metric(at, "NPV")) > before


def _field(at, kind: str, path: str):
    return next(w for w in getattr(at, kind) if w.key and w.key.startswith(f"in:{path}:"))


def test_prioritization_leads_with_the_plan_and_keeps_the_lenses():
    at = open_app("pages/prioritization.py", "european_retailer")
    plan = recommend(at.session_state["scenario"])
    shown = " ".join(m.value for m in at.markdown)
    assert f"Do first: {', '.join(plan.first())}" in shown
    for lens in ("rice", "ice", "wsjf", "value_per_effort"):
        _field(at, "selectbox", "plan.lens").set_value(lens).run()
        assert not at.exception
    _field(at, "selectbox", "plan.impact").set_value("profit").run()
    _field(at, "selectbox", "plan.cost_axis").set_value("cost").run()
    assert not at.exception
    assert any("before the shared programme costs" in c.value for c in at.caption)
    # the view settings are part of the scenario, so a link carries them
    assert (at.session_state["scenario"].plan.lens, at.session_state["scenario"].plan.cost_axis) == ("value_per_effort", "cost")
    _field(at, "number_input", "plan.capacity_fte").set_value(2.0).run()
    assert not at.exception
    assert any("with 2 FTEs per quarter" in m.value for m in at.markdown)


def test_prioritization_ranks_by_cost_when_no_effort_is_estimated():
    """Every effort 0 (as in a generated case): the page says so and the lens uses total cost,
    so the scores are defined (roi.prioritization.resource_axis); one effort entered → effort again."""
    sc = roi.load_sample("european_retailer")
    sc = sc.model_copy(update={"initiatives": [i.model_copy(update={"effort_fte_months": 0.0})
                                               for i in sc.initiatives]})
    at = open_app("pages/prioritization.py", sc)
    from roi.prioritization import NO_EFFORT_NOTE

    assert [i.value for i in at.info if i.value == NO_EFFORT_NOTE]
    frames = [df.value for df in at.dataframe] + [table_frame(t) for t in at.table]
    cells = [str(v) for df in frames for col in df.columns for v in df[col]]
    assert len(cells) > 30 and not [c for c in cells if c.startswith("undefined")]
    sc2 = sc.model_copy(update={"initiatives": [sc.initiatives[0].model_copy(update={"effort_fte_months": 2.0})]
                                + sc.initiatives[1:]})
    at = open_app("pages/prioritization.py", sc2)
    assert not [i for i in at.info if i.value == NO_EFFORT_NOTE]


def test_applying_the_plan_timing_moves_launch_months():
    at = open_app("pages/prioritization.py", "european_retailer")
    plan = recommend(at.session_state["scenario"])
    at.button(key="prio_apply_timing").click().run()
    assert not at.exception
    timed = {i.name: i.months_to_launch for i in at.session_state["scenario"].initiatives}
    for p in plan.do:
        assert timed[p.name] == pytest.approx(p.launch_month)


# ---------------------------------------------------------------- sidebar and banners
# A minimal host for the sidebar and banners (no st.navigation, see module docstring).

def _sidebar_app() -> None:
    import streamlit as st

    from ui import messages, sidebar, state

    sidebar.scenario_sidebar()
    messages.banner()
    case = state.get_case()
    st.metric("NPV", f"{case.npv:.0f}")
    st.text(state.get_scenario().settings.name)


def _host() -> AppTest:
    at = AppTest.from_function(_sidebar_app, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def test_malformed_upload_is_refused_and_scenario_stays():
    at = _host()
    name = at.text[0].value
    npv = at.metric[0].value
    at.file_uploader[0].set_value(("broken.json", b"{not json", "application/json")).run()
    assert not at.exception
    assert at.text[0].value == name and at.metric[0].value == npv
    assert any("broken.json was not loaded" in e.value and "not valid JSON" in e.value for e in at.error)
    # a well-formed file with an invalid field names the field
    bad = json.loads(roi.dumps_scenario(roi.load_sample("retail_bank")))
    bad["initiatives"][0]["uplift"]["base"] = 99
    at.file_uploader[0].set_value(("bad.json", json.dumps(bad).encode(), "application/json")).run()
    assert any("initiatives[0].uplift.base" in e.value for e in at.error)
    assert at.text[0].value == name


def test_valid_upload_replaces_scenario():
    at = _host()
    text = roi.dumps_scenario(roi.load_sample("retail_bank")).encode()
    at.file_uploader[0].set_value(("bank.json", text, "application/json")).run()
    assert not at.exception and not at.error
    assert at.text[0].value == roi.load_sample("retail_bank").settings.name


def test_sample_picker_and_reset():
    at = _host()
    at.selectbox(key="sample_picker").set_value("consumer_goods_brand").run()
    assert at.text[0].value == roi.load_sample("consumer_goods_brand").settings.name
    assert at.query_params["s"] == encode_scenario(roi.load_sample("consumer_goods_brand"))
    at.button[0].click().run()  # reset
    assert at.text[0].value == roi.load_sample("consumer_goods_brand").settings.name


def test_shared_link_names_its_sample_or_none():
    at = AppTest.from_function(_sidebar_app, default_timeout=60)
    at.query_params["s"] = encode_scenario(roi.load_sample("retail_bank"))
    at.run()
    assert at.selectbox(key="sample_picker").value == "retail_bank"
    data = json.loads(roi.dumps_scenario(roi.load_sample("retail_bank")))
    data["settings"]["name"] = "Our bank"
    at = AppTest.from_function(_sidebar_app, default_timeout=60)
    at.query_params["s"] = encode_scenario(roi.parse_scenario(data))
    at.run()
    assert not at.exception
    assert at.selectbox(key="sample_picker").value is None  # a custom case, not "European retailer"
    assert at.text[0].value == "Our bank"


def test_corrupted_shared_link_falls_back_with_message():
    at = AppTest.from_function(_sidebar_app, default_timeout=60)
    at.query_params["s"] = "v1.this-is-not-a-scenario"
    at.run()
    assert not at.exception
    assert any("shared link could not be opened" in e.value for e in at.error)
    assert at.text[0].value == roi.load_sample("european_retailer").settings.name


def test_stale_banner_names_the_field():
    at = _host()
    at.session_state["scenario_draft"] = {"process.alignment": 9}
    at.session_state["scenario_problems"] = ["process.alignment: must be between 1 and 5"]
    at.run()
    assert any("Results are stale" in w.value and "process.alignment" in w.value for w in at.warning)


def test_charts_in_a_column_set_long_titles_on_short_lines():
    """Vega cuts a title longer than its chart: in the Business case page's half-width column at
    1280 px, "Incremental revenue per unit of variable campaign cost" lost its last word. Charts
    drawn in a column get their title (and subtitle) as lines instead; full-width ones keep theirs."""
    at = open_app("pages/business_case.py")
    specs = [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]
    titles = [s.get("title", {}) for s in specs]
    narrow = next(t for t in titles if isinstance(t.get("text"), list))
    assert " ".join(narrow["text"]) == "Incremental revenue per unit of variable campaign cost"
    assert all(len(line) <= 44 for line in narrow["text"])
    assert any(isinstance(t.get("text"), str) and len(t["text"]) > 44 for t in titles)  # the full-width waterfall
    # its horizontal axis title, centred under a plot narrowed by the initiatives' names, ran past
    # the chart's edge ("Revenue ÷ campaign cost (EUR per EU"): set on short lines as well
    spec = next(s for s, t in zip(specs, titles) if t is narrow)

    def x_titles(node: dict) -> list:
        own = [node["encoding"]["x"].get("title")] if "x" in node.get("encoding", {}) else []
        return own + [t for part in node.get("layer", []) for t in x_titles(part)]

    wrapped = [t for t in x_titles(spec) if isinstance(t, list)]
    assert wrapped and " ".join(wrapped[0]) == "Revenue ÷ campaign cost (EUR per EUR)"
    assert all(len(line) <= 20 for line in wrapped[0])
