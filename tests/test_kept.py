"""What is typed or uploaded on the Experiments and Risk pages outlives a visit to another tab or page."""

from __future__ import annotations

import re

import roi

from .apptest_helpers import ROOT, errors, metric, open_app, open_tab

EXPERIMENTS, RISK = "pages/experiments.py", "pages/uncertainty.py"
RESULT = b"arm,visitors,conversions,revenue\nB,10000,600,56000\nA,10000,500,50000\n"
VALUE_WIDGETS = re.compile(r"\.(number_input|selectbox|radio|slider|text_input|toggle|text_area|checkbox|"
                           r"multiselect|select_slider|segmented_control|date_input)\(")


def _calls(text: str):
    """The argument text of each value widget's call in ``text``."""
    for match in VALUE_WIDGETS.finditer(text):
        depth, i = 1, match.end()
        while depth:
            depth += text[i] == "("
            depth -= text[i] == ")"
            i += 1
        yield text[match.end(): i - 1]


def test_every_setting_of_the_two_pages_persists_for_the_session():
    """Streamlit forgets a widget a run does not draw unless it is created with
    persist_state="session": every keyed value widget of the Experiments tabs and the Risk page
    is (read from the source, so a new one cannot be missed)."""
    paths = [*ROOT.glob("ui/experiments/*.py"), ROOT / "pages" / "uncertainty.py"]
    keyed = [args for p in paths for args in _calls(p.read_text()) if "key=" in args]
    assert len(keyed) > 60  # the pattern still finds them
    missing = [args[:80] for args in keyed if 'persist_state="session"' not in args]
    assert not missing, missing


def test_a_setting_outlives_a_tab_switch_and_a_page_visit():
    at = open_app(EXPERIMENTS, "retail_bank")
    at.number_input(key="exp_traffic").set_value(12_000.0).run()
    open_tab(at, "Programme holdout")
    at.number_input(key="exp_h_share").set_value(10.0).run()
    at.switch_page("pages/overview.py").run()
    at.switch_page(EXPERIMENTS).run()
    assert at.number_input(key="exp_h_share").value == 10.0  # the tab last open is open again
    open_tab(at, "Plan a test")
    assert at.number_input(key="exp_traffic").value == 12_000.0
    assert not errors(at)


def test_the_risk_pages_settings_outlive_a_page_visit():
    at = open_app(RISK, "retail_bank")
    at.number_input(key="unc_r_costs").set_value(40).run()
    at.number_input(key="unc_draws").set_value(20_000).run()
    at.switch_page("pages/overview.py").run()
    at.switch_page(RISK).run()
    assert at.number_input(key="unc_r_costs").value == 40 and at.number_input(key="unc_draws").value == 20_000
    assert not errors(at)


def test_an_upload_outlives_a_tab_switch_until_forgotten():
    at = open_tab(open_app(EXPERIMENTS, "retail_bank"), "Analyse a result")
    at.radio(key="exp_source").set_value("Upload CSV").run()
    at.file_uploader(key="exp_upload").set_value(("result.csv", RESULT, "text/csv")).run()
    assert metric(at, "Relative lift") == "20.0%"
    open_tab(at, "Programme holdout")
    open_tab(at, "Analyse a result")  # the uploader is empty again: Streamlit forgot it
    assert metric(at, "Relative lift") == "20.0%"  # the kept file is used, and the page says which
    assert any("Using **result.csv**, uploaded earlier" in c.value for c in at.caption)
    at.button(key="exp_upload__forget").click().run()
    assert not any(m.label == "Relative lift" for m in at.metric)
    assert not any("uploaded earlier" in c.value for c in at.caption)
    assert not errors(at)


def test_removing_the_file_forgets_it():
    at = open_tab(open_app(EXPERIMENTS, "retail_bank"), "Analyse a result")
    at.radio(key="exp_source").set_value("Upload CSV").run()
    at.file_uploader(key="exp_upload").set_value(("result.csv", RESULT, "text/csv")).run()
    assert "exp_upload__kept" in at.session_state
    at.file_uploader(key="exp_upload").set_value(None).run()  # the user removes the file
    assert "exp_upload__kept" not in at.session_state
    assert not any(m.label == "Relative lift" for m in at.metric)


def test_settings_whose_default_depends_on_the_case_follow_a_new_case():
    """The Risk page's "every initiative" toggle (on by default for at most 8 initiatives) and its
    draws box (which stops at what fits) start from the new case's defaults when a case is loaded
    as a whole; a tool setting such as a range is kept."""
    at = open_app(RISK, "retail_bank", via="picker")
    at.toggle(key="unc_delay_all").set_value(False).run()
    at.number_input(key="unc_draws").set_value(20_000).run()
    at.number_input(key="unc_r_costs").set_value(30).run()
    at.switch_page("pages/overview.py").run()
    at.switch_page(RISK).run()
    assert at.toggle(key="unc_delay_all").value is False and at.number_input(key="unc_draws").value == 20_000
    # a new case as a whole, as ui.state.set_scenario makes it (the sample picker, an upload, the library)
    at.session_state["scenario"] = roi.load_sample("european_retailer")
    at.session_state["scenario_version"] += 1
    at.run()
    assert at.toggle(key="unc_delay_all").value is True  # 6 initiatives
    assert at.number_input(key="unc_draws").value == 100_000
    assert at.number_input(key="unc_r_costs").value == 30
    assert not errors(at)
