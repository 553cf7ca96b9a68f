"""AppTest of the Experiments page's *Programme holdout* tab, through app.py as a user reaches it."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

import roi
from roi.experiments import analyze_ab, apply_result
from roi.experiments import holdout as ho
from roi.experiments.portfolio import cumulative_measured_lift

from .apptest_helpers import ROOT, SAMPLES, errors, metric, open_app, open_tab

PAGE = "pages/experiments.py"


def _open(sample: str | roi.Scenario = "european_retailer") -> AppTest:
    """The page with its holdout tab open (only the open tab is drawn)."""
    return open_tab(open_app(PAGE, sample), "Programme holdout")


def _tab(at: AppTest):
    """The holdout tab (its elements only: labels like "p-value" are on other tabs too)."""
    tab = at.tabs[3]
    assert tab.label == "Programme holdout"
    return tab


@pytest.mark.parametrize("sample", SAMPLES)
def test_holdout_plan_renders_for_every_sample(sample):
    at = _open(sample)
    assert not errors(at)
    scenario = at.session_state["scenario"]
    design = ho.plan_holdout(scenario, holdout_share=0.05,
                             revenue_mean=round(ho.holdout_population(scenario).revenue_per_customer, 2),
                             revenue_sd=round(2 * ho.holdout_population(scenario).revenue_per_customer, 2))
    assert metric(_tab(at), "Held-out customers") == f"{design.holdout_customers:,.0f}"
    assert metric(_tab(at), "Detectable lift") == f"{design.mde_relative * 100:,.2f}%"
    if design.days is None:
        assert metric(_tab(at), "Reads out the claim") == "—"
        assert any("cannot detect the lift the case claims" in w.value for w in _tab(at).warning)
    else:
        assert metric(_tab(at), "Reads out the claim") == f"month {design.months:.1f}"
        assert any(f"by month {math.ceil(design.months)}" in s.value for s in _tab(at).success)


def test_plan_inputs_drive_the_design():
    at = _open()
    at.number_input(key="exp_h_share").set_value(10.0).run()
    at.number_input(key="exp_h_sd").set_value(30.0).run()
    at.number_input(key="exp_h_rho").set_value(0.5).run()
    scenario = at.session_state["scenario"]
    design = ho.plan_holdout(scenario, holdout_share=0.10, revenue_mean=round(
        ho.holdout_population(scenario).revenue_per_customer, 2), revenue_sd=30.0, cuped_rho=0.5)
    assert metric(_tab(at), "Held-out customers") == f"{design.holdout_customers:,.0f}"
    assert metric(_tab(at), "Detectable lift") == f"{design.mde_relative * 100:,.2f}%"
    assert not errors(at)


def _predicted(scenario: roi.Scenario) -> tuple[ho.ArmSummary, ho.ArmSummary]:
    """The readout's starting figures: what the case predicts over 91 days with 5% held out."""
    e, h = ho.predicted_readout(scenario, holdout_share=0.05, days=91)
    return (ho.arm_summary(e.n, round(e.mean, 4), round(e.sd, 2), name="exposed"),
            ho.arm_summary(h.n, round(h.mean, 4), round(h.sd, 2), name="holdout"))


def test_the_readout_starts_from_the_claim_and_compares_with_it():
    at = _open()
    scenario = at.session_state["scenario"]
    exposed, held = _predicted(scenario)
    claim = ho.claimed_revenue(scenario, 91)
    check = ho.check_claim(ho.analyze_holdout(exposed, held), claim.per_customer, "EUR")
    assert check.within_interval and check.factor == pytest.approx(1.0, abs=0.01)  # the case's own prediction
    # the exposed customers brought 0.03 less each than the case says: the measurement refutes the claim
    at.number_input(key="exp_h_mean_e").set_value(round(exposed.mean - 0.03, 4)).run()
    r = ho.analyze_holdout(ho.arm_summary(exposed.n, round(exposed.mean - 0.03, 4), exposed.sd, name="exposed"), held)
    check = ho.check_claim(r, claim.per_customer, "EUR")
    assert metric(_tab(at), "Per customer") == f"€{r.incremental_revenue_per_customer:,.2f}"
    assert metric(_tab(at), "p-value") == f"{r.p_value:.3g}"
    sentence = next(m.value for m in _tab(at).markdown if m.value.startswith("**Measured:"))
    assert f"€{claim.per_customer:,.2f}" in sentence and f"× **{check.factor:.2f}**" in sentence
    assert "refutes" in sentence and not check.within_interval


def test_customer_level_holdout_upload_and_refusal():
    at = _open()
    at.radio(key="exp_h_source").set_value("Customer-level CSV").run()
    data = (ROOT / "data" / "holdout_customers.csv").read_bytes()
    at.file_uploader(key="exp_h_upload").set_value(("holdout.csv", data, "text/csv")).run()
    assert not at.exception and not errors(at)
    assert any("CUPED removed" in w.value for w in [*_tab(at).warning, *_tab(at).success])
    bad = b"arm,revenue\nexposed,1\nexposed,2\nholdout,3\n"
    at.file_uploader(key="exp_h_upload").set_value(("tiny.csv", bad, "text/csv")).run()
    assert not at.exception
    assert any("tiny.csv was not read" in e and "control group 'holdout' has 1 customer" in e for e in errors(at))


def test_apply_holdout_calibrates_the_case_and_records_why():
    at = _open()
    exposed, _ = _predicted(at.session_state["scenario"])
    at.number_input(key="exp_h_mean_e").set_value(round(exposed.mean - 0.03, 4)).run()
    assert at.button(key="exp_h_apply").disabled  # no name yet
    at.text_input(key="exp_h_name").input("Global holdout Q1").run()
    at.button(key="exp_h_apply").click().run()
    assert not at.exception
    after = at.session_state["scenario"]
    assert after.calibration is not None and after.calibration.test_name == "Global holdout Q1"
    assert after.calibration.factor < 1 and after.changes[-1].scope == "programme"
    assert any("Holdout applied" in s.value for s in _tab(at).success)
    log = next(d.value for d in _tab(at).dataframe if "Factor after" in d.value.columns)
    assert log["Factor after"].iloc[0] == f"{after.calibration.factor:.2f}"


def test_an_inconclusive_holdout_cannot_be_applied():
    at = _open()
    at.radio(key="exp_h_source").set_value("Customer-level CSV").run()
    data = (ROOT / "data" / "holdout_customers.csv").read_bytes()  # 6,000 customers: far too few
    at.file_uploader(key="exp_h_upload").set_value(("holdout.csv", data, "text/csv")).run()
    assert any("Inconclusive" in i.value for i in _tab(at).info)
    assert not any(b.key == "exp_h_apply" for b in _tab(at).button)


def test_applied_results_are_de_biased_as_a_set():
    s = roi.load_sample("european_retailer")
    for name, counts in (("Triggered journeys (abandoned cart, browse)", (10_000, 500, 10_000, 600)),
                         ("Audience targeting and segmentation", (20_000, 1_000, 20_000, 1_080))):
        s = apply_result(s, name, analyze_ab(*counts), test_name=f"{name[:10]} test")
    at = _open(s)
    cum = cumulative_measured_lift(s)
    assert metric(_tab(at), "Winners overstate by") == f"{cum.overstatement * 100:,.1f}%"
    at.button(key="exp_h_debias").click().run()
    assert not at.exception
    after = at.session_state["scenario"]
    assert len(after.changes) == len(s.changes) + 2
    assert "Winner's curse across the 2 applied results" in after.changes[-1].reason


def test_defaults_follow_a_new_case():
    # A typed figure belongs to the case it was typed for: once the case changes (here a measured
    # lift is applied in *Analyse a result*), the inputs show the new case's defaults again.
    at = _open("european_retailer")
    default = at.number_input(key="exp_h_mean").value
    at.number_input(key="exp_h_mean").set_value(99.0).run()
    assert at.number_input(key="exp_h_mean").value == 99.0
    open_tab(at, "Analyse a result")
    at.number_input(key="exp_cb").set_value(600).run()
    at.text_input(key="exp_test_name").input("Cart reminder A/B").run()
    at.button(key="exp_apply").click().run()
    assert not at.exception and at.session_state["scenario"].changes
    open_tab(at, "Programme holdout")
    assert at.number_input(key="exp_h_mean").value == default


def test_revenue_figures_from_customer_data():
    at = _open()
    at.radio(key="exp_h_rev_source").set_value("From last year's customer data").run()
    data = (ROOT / "data" / "holdout_customers.csv").read_bytes()
    at.file_uploader(key="exp_h_rev_upload").set_value(("last_quarter.csv", data, "text/csv")).run()
    at.number_input(key="exp_h_rev_days").set_value(91).run()
    assert not at.exception and not errors(at)
    from roi.experiments import uploads
    df = uploads.read_csv(data)
    mean, sd = ho.revenue_per_year(uploads.numbers(df, "revenue", minimum=None), 91)
    assert metric(_tab(at), "Revenue per customer a year (EUR)") == f"{mean:,.2f}"
    design = ho.plan_holdout(at.session_state["scenario"], holdout_share=0.05, revenue_mean=mean, revenue_sd=sd)
    assert metric(_tab(at), "Detectable lift") == f"{design.mde_relative * 100:,.2f}%"
