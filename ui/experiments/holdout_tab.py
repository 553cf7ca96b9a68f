"""*Programme holdout* tab: plan a global holdout, read it out, apply it to the case.

Every figure comes from :mod:`roi.experiments.holdout`.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from roi.experiments import charts as xcharts
from roi.experiments import holdout as ho
from roi.experiments import uploads
from roi.model import BusinessCase
from roi.schema import Scenario
from ui import exports
from ui import format as fmt
from ui import kept, md, state

from .common import ALPHAS, CSV_MB, refused
from .winners import render as render_debiased

EXAMPLE_DAYS = 91  # a quarter
CUSTOMER_TEMPLATE = "customer,arm,revenue,pre_revenue\nC1,exposed,12.50,10.00\nC2,holdout,0.00,3.20\n"


def _money(value: float, cur: str, digits: int = 2) -> str:
    return f"{'-' if value < 0 else ''}{fmt.currency_symbol(cur)}{abs(value):,.{digits}f}"


# Inputs whose defaults come from the case: a new case (another sample, an upload, an applied
# result) must show its own figures, not the last case's.
CASE_DEFAULTS = ("exp_h_mean", "exp_h_sd", "exp_h_weeks", "exp_h_days", "exp_h_n_e", "exp_h_mean_e", "exp_h_sd_e",
                 "exp_h_n_h", "exp_h_mean_h", "exp_h_sd_h")


@st.cache_data(show_spinner=False, max_entries=4)
def _customer_file(data: bytes) -> uploads.CustomerData:
    return uploads.customer_data(uploads.read_csv(data))


def _plan(scenario: Scenario, population: ho.HoldoutPopulation) -> ho.HoldoutDesign | None:
    st.subheader("Plan the holdout")
    cur = scenario.settings.currency
    max_weeks = min(ho.MAX_HOLDOUT_WEEKS, int(scenario.settings.horizon_years * ho.DAYS_PER_YEAR // 7))
    c1, c2, c3, c4 = st.columns(4)
    share = c1.number_input("Held out (%)", min_value=0.1, max_value=50.0, value=5.0, step=0.5,
                            persist_state="session", key="exp_h_share",
                            help="Share of the customers the programme can reach who never see personalization.") / 100
    weeks = c2.number_input("Longest run (weeks)", min_value=1, max_value=max_weeks, value=min(52, max_weeks),
                            step=1, persist_state="session", key="exp_h_weeks", help="At most the case's horizon.")
    alpha = c3.selectbox("Significance α", ALPHAS, index=1, persist_state="session", key="exp_h_alpha")
    power = c4.slider("Power", 0.5, 0.99, 0.8, 0.01, persist_state="session", key="exp_h_power")
    source = st.radio("Revenue per customer", ["From the case", "From last year's customer data"], horizontal=True,
                      persist_state="session", key="exp_h_rev_source", help="The case's baseline, or the mean and spread of a customer-level "
                      "export (one row per customer, `revenue`).")
    from_data = _revenue_from_data() if source != "From the case" else None
    c1, c2, c3 = st.columns(3)
    if from_data is not None:
        mean, sd = from_data
        c1.metric(f"Revenue per customer a year ({cur})", f"{mean:,.2f}", help="From the uploaded customer data.")
        c2.metric(f"Its standard deviation ({cur})", f"{sd:,.2f}", help="From the uploaded customer data.")
    else:
        mean, sd = _revenue_inputs(population, cur, c1, c2)
    rho = c3.number_input("Correlation with last year (CUPED ρ)", min_value=0.0, max_value=0.99, value=0.0,
                          step=0.05, persist_state="session", key="exp_h_rho",
                          help="Adjusting for each customer's revenue last year removes variance: × (1 − ρ²).")
    st.caption(f"Population: {fmt.number(population.customers)} customers of "
               f"{md.escape(', '.join(population.segments))}; revenue per customer is {md.escape(population.basis)}. "
               "Revenue is assumed to accrue as independent purchases (sd grows with √time).")
    try:
        design = ho.plan_holdout(scenario, holdout_share=share, revenue_mean=mean, revenue_sd=sd, alpha=alpha,
                                 power=power, horizon_days=7 * weeks, cuped_rho=rho or None)
    except ValueError as exc:
        refused("Cannot plan this holdout", exc)
        return None
    _plan_figures(design, share, alpha, power, cur)
    return design


def _revenue_from_data() -> tuple[float, float] | None:
    c1, c2 = st.columns([3, 1])
    uploaded = kept.file_uploader("Customer revenue (CSV)", "exp_h_rev_upload", c1, type=["csv"], max_upload_size=CSV_MB)
    days = c2.number_input("Days it covers", min_value=1, max_value=3_660, value=365, step=1,
                           persist_state="session", key="exp_h_rev_days")
    if uploaded is None:
        st.info("Upload a customer-level revenue file; until then the case's figures are used.")
        return None
    try:
        df = uploads.read_csv(uploaded.getvalue())
        values = uploads.numbers(df, uploads.column(df, uploads.OUTCOME_COLUMNS), minimum=None)
        return ho.revenue_per_year(values, days)
    except ValueError as exc:
        refused(f"{md.escape(uploaded.name)} was not read", exc)
        return None


def _revenue_inputs(population: ho.HoldoutPopulation, cur: str, c1, c2) -> tuple[float, float]:
    mean = c1.number_input(f"Revenue per customer a year ({cur})", min_value=0.01, max_value=1e9,
                           value=round(population.revenue_per_customer, 2), step=1.0, persist_state="session", key="exp_h_mean",
                           help=f"Default from the case: {population.basis}.")
    sd = c2.number_input(f"Its standard deviation ({cur})", min_value=0.01, max_value=1e10,
                         value=round(ho.DEFAULT_REVENUE_CV * population.revenue_per_customer, 2), step=1.0,
                         persist_state="session", key="exp_h_sd", help=f"Default {ho.DEFAULT_REVENUE_CV:g} × the mean (an assumption: many "
                         "customers buy nothing in a year, a few a lot). Take it from last year's data if you can.")
    return mean, sd


def _plan_figures(design: ho.HoldoutDesign, share: float, alpha: float, power: float, cur: str) -> None:
    m = st.columns(4)
    m[0].metric("Held-out customers", fmt.number(design.holdout_customers), border=True,
                help=f"{fmt.number(design.exposed_customers)} stay exposed.")
    m[1].metric("Detectable lift", fmt.pct(design.mde_relative, 2), border=True,
                help=f"Smallest programme lift the holdout detects in {design.horizon_days // 7} weeks: "
                f"{_money(design.mde_per_customer, cur)} per customer over the period, at α = {alpha:g} and "
                f"{power:.0%} power.")
    m[2].metric("Reads out the claim", fmt.DASH if design.days is None else f"month {design.months:.1f}",
                border=True, help="First whole week at which the case's claimed programme lift is detectable"
                + ("" if design.days is None else f": day {design.days}."))
    m[3].metric("Cost of holding out", fmt.money(design.cost_of_holdout, cur), border=True,
                help=f"The held-out share of the case's incremental benefit (gross profit, risk-adjusted) over "
                f"{design.duration_days} days.")
    claim = fmt.money(design.claimed.incremental_revenue, cur)
    if design.days is not None:
        st.success(f"**The holdout will prove or refute the {claim} claim by month {math.ceil(design.months)}** "
                   f"(day {design.days}): over those days the case claims a programme lift of "
                   f"{fmt.pct(design.claimed.lift, 2)}, and {fmt.pct(share, 1)} held out detects "
                   f"{fmt.pct(design.weeks[design.days // 7 - 1].mde_relative, 2)}. Holding out costs "
                   f"{fmt.money(design.cost_of_holdout, cur)} of benefit.")
    else:
        st.warning(f"Within {design.horizon_days // 7} weeks this holdout cannot detect the lift the case claims "
                   f"({fmt.pct(design.claimed.lift, 2)} over the period; it detects {fmt.pct(design.mde_relative, 2)}"
                   "): hold out more customers, run longer or use CUPED.")
    weeks_df = pd.DataFrame([{"week": w.week, "mde_relative": w.mde_relative, "claimed_lift": w.claimed_lift}
                             for w in design.weeks])
    exports.chart(xcharts.holdout_chart(weeks_df, readout_week=None if design.days is None else design.days // 7),
                  "Holdout readout")


def _read(scenario: Scenario, design: ho.HoldoutDesign | None) -> tuple[ho.HoldoutReadout, float] | None:
    st.subheader("Read the holdout")
    cur = scenario.settings.currency
    source = st.radio("Holdout result", ["Summary figures", "Customer-level CSV"], horizontal=True,
                      persist_state="session", key="exp_h_source")
    c1, c2, c3 = st.columns(3)
    limit = int(scenario.settings.horizon_years * ho.DAYS_PER_YEAR)
    days = c1.number_input("Days measured (from the programme's start)", min_value=1, max_value=limit,
                           value=min(EXAMPLE_DAYS, limit), step=7, persist_state="session", key="exp_h_days",
                           help="The case's claim is computed over the same days.")
    alpha = c2.selectbox("Significance α", ALPHAS, index=1, persist_state="session", key="exp_h_r_alpha")
    alternative = c3.radio("Test", ["two-sided", "one-sided"], persist_state="session", key="exp_h_r_sided",
                           help="One-sided: H₁ is 'exposed customers bring more revenue'.")
    try:
        if source == "Summary figures":
            readout = ho.analyze_holdout(*_summary_inputs(scenario, design, days), alpha=alpha, alternative=alternative)
        else:
            st.caption("One row per customer: `arm` (exposed / holdout), `revenue` over the measured days and, "
                       "optionally, `pre_revenue` (the same days before) for a CUPED-adjusted readout.")
            st.download_button("Download a template", CUSTOMER_TEMPLATE, file_name="holdout_customers.csv",
                               mime="text/csv", key="exp_h_template")
            uploaded = kept.file_uploader("Holdout customers (CSV)", "exp_h_upload", type=["csv"], max_upload_size=CSV_MB)
            if uploaded is None:
                st.info("Upload the customer-level file (a sample is in `data/holdout_customers.csv`).")
                return None
            try:
                data = _customer_file(uploaded.getvalue())
            except ValueError as exc:
                refused(f"{md.escape(uploaded.name)} was not read", exc)
                return None
            readout = ho.analyze_holdout_customers(data, alpha=alpha, alternative=alternative)
    except ValueError as exc:
        refused("Cannot read this holdout", exc)
        return None
    good = readout.significant and readout.incremental_revenue_per_customer > 0
    (st.success if good else st.warning)(readout.decision)
    m = st.columns(4)
    lo, hi = readout.ci
    m[0].metric("Per customer", _money(readout.incremental_revenue_per_customer, cur), border=True,
                help=f"Incremental revenue per customer; {readout.confidence:.0%} interval {_money(lo, cur)} to "
                f"{_money(hi, cur)}.")
    m[1].metric("Programme lift", fmt.pct(readout.lift), border=True,
                help=fmt.DASH if readout.ci_lift is None else
                f"{readout.confidence:.0%} interval {fmt.pct(readout.ci_lift[0])} to {fmt.pct(readout.ci_lift[1])}.")
    m[2].metric("p-value", f"{readout.p_value:.3g}", border=True, help=f"Welch z-test, {readout.method}.")
    m[3].metric("Measured in total", fmt.money(readout.measured_incremental_revenue, cur), border=True,
                help=f"Incremental revenue: per customer × {fmt.number(readout.exposed.n)} exposed customers over "
                f"{days} days.")
    return readout, float(days)


def _summary_inputs(scenario: Scenario, design: ho.HoldoutDesign | None,
                    days: float) -> tuple[ho.ArmSummary, ho.ArmSummary]:
    """Customers, mean and sd of each group; they start as what the case predicts (the claim)."""
    share, sd = (0.05, None) if design is None else (design.holdout_share, design.revenue_sd)
    exposed, held = ho.predicted_readout(scenario, holdout_share=share, days=days, revenue_sd=sd)
    st.caption("Revenue per customer over the measured days: customers, mean and standard deviation of each group. "
               "The figures start as what the case predicts (its claim) — replace them with your holdout's.")
    arms = []
    for (name, label, key), arm in zip((("exposed", "Exposed", "e"), ("holdout", "Held-out", "h")), (exposed, held)):
        c = st.columns(3)  # a row a group: customer counts run to tens of millions
        arms.append(ho.arm_summary(
            c[0].number_input(f"{label} customers", min_value=2, value=arm.n, step=100,
                              persist_state="session", key=f"exp_h_n_{key}"),
            c[1].number_input(f"{label} mean", value=round(arm.mean, 4), step=0.01, format="%.4f",
                              persist_state="session", key=f"exp_h_mean_{key}"),
            c[2].number_input(f"{label} sd", min_value=0.0, value=round(arm.sd, 2), step=0.5,
                              persist_state="session", key=f"exp_h_sd_{key}"),
            name=name))
    return arms[0], arms[1]


def _claim(scenario: Scenario, readout: ho.HoldoutReadout, days: float) -> ho.ClaimCheck | None:
    cur = scenario.settings.currency
    try:
        claimed = ho.claimed_revenue(scenario, days)
        check = ho.check_claim(readout, claimed.per_customer, cur)
    except ValueError as exc:
        refused("Cannot compare with the case", exc)
        return None
    lo, hi = readout.ci
    half = (hi - lo) / 2
    st.markdown(f"**Measured: {_money(readout.incremental_revenue_per_customer, cur)} ± {_money(half, cur)} per "
                f"customer** over {days:g} days ({readout.confidence:.0%} interval); the case claims "
                f"{_money(check.claimed_per_customer, cur)} ({fmt.money(claimed.incremental_revenue, cur)} for the "
                f"whole population). {check.verdict} Calibration: revenue benefits × **{check.factor:.2f}**.")
    return check


def _apply(scenario: Scenario, case: BusinessCase, readout: ho.HoldoutReadout, days: float,
           check: ho.ClaimCheck) -> None:
    st.subheader("Apply to the case")
    if not check.conclusive:
        st.info("Inconclusive: the interval holds both zero and the claim, so the point estimate would move the case "
                "on noise. Run the holdout longer or hold out more customers before applying it.")
        return
    c1, c2 = st.columns(2)
    name = c1.text_input("Holdout name",
                         persist_state="session", key="exp_h_name", placeholder="e.g. Global holdout 2025 H1")
    note = c2.text_input("Note (optional)", persist_state="session", key="exp_h_note")
    if not name.strip():
        st.caption("Name the holdout to apply it (it is kept with the calibration and in the change log).")
    if st.button("Apply as programme calibration", type="primary", key="exp_h_apply", disabled=not name.strip()):
        try:
            new = ho.apply_holdout(scenario, readout, test_name=name, period_days=days, note=note)
        except ValueError as exc:
            refused("Not applied", exc)
        else:
            state.set_scenario(new, note=f"Holdout {md.escape(name)} applied to the case.")
            st.session_state["exp_h_applied"] = {"npv_before": case.npv, "version": state.version()}
            st.rerun()


def _programme_log(scenario: Scenario, case: BusinessCase) -> None:
    applied = st.session_state.get("exp_h_applied")
    if applied and applied["version"] == state.version():
        st.success(f"Holdout applied: programme NPV {fmt.money(applied['npv_before'], case.currency)} → "
                   f"**{fmt.money(case.npv, case.currency)}**.")
    records = [c for c in scenario.changes if c.scope == "programme"]
    if records:
        st.dataframe(pd.DataFrame([{
            "Date": c.date, "Factor before": f"{c.factor_before:.2f}", "Factor after": f"{c.factor_after:.2f}",
            "Reason": c.reason,
        } for c in reversed(records)]), hide_index=True, width="stretch")


def render(scenario: Scenario, case: BusinessCase) -> None:
    """Draw the tab."""
    st.markdown("A **global holdout** keeps a random share of customers away from all personalization, so the "
                "programme as a whole — what the business case claims — is measured, not the sum of test wins.")
    try:
        population = ho.holdout_population(scenario)
    except ValueError as exc:
        refused("No holdout is possible", exc)
        return
    kept.follow_the_case("exp_h_case", CASE_DEFAULTS)
    design = _plan(scenario, population)
    result = _read(scenario, design)
    if result is not None:
        readout, days = result
        check = _claim(scenario, readout, days)
        if check is not None:
            _apply(scenario, case, readout, days, check)
    _programme_log(scenario, case)
    render_debiased(scenario, case)
