"""*Analyse a result* tab: an A/B test read out (or one interim look), CUPED, measured lift applied.

A finished test's figures, a customer-level CUPED comparison, and the measured lift fed back
into the business case.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi.experiments import analyze_ab, apply_result, compare_means, results_from_table, uploads
from roi.experiments import sequential as sq
from roi.experiments.analysis import ABResult
from roi.experiments.cuped import CupedComparison
from roi.experiments.feedback import CONVERSION_LEVERS
from roi.model import BusinessCase
from roi.schema import Scenario
from ui import format as fmt
from ui import inputs, kept, md, state

from .common import ALPHAS, CSV_MB, refused
from .plan_tab import SPENDING_LABELS

SOURCES = ["Enter figures", "Upload CSV", "Customer-level CSV (CUPED)"]
EXAMPLE = (10_000, 500, 10_000, 560)
CUSTOMER_TEMPLATE = "arm,revenue,pre_revenue\nA,12.50,10.00\nB,0.00,3.20\nA,40.10,35.00\nB,18.00,15.50\n"


def _figures(source: str) -> dict | None:
    """Conversion figures typed or uploaded (``None`` until a file is read)."""
    if source == "Enter figures":
        now = tuple(st.session_state.get(k, d) for k, d in zip(("exp_va", "exp_ca", "exp_vb", "exp_cb"), EXAMPLE))
        if now == EXAMPLE:
            st.info("The figures below are an **example** (A 500/10,000 vs B 560/10,000) — replace them with "
                    "your test's.", icon=":material/science:")
        c1, c2, c3, c4 = st.columns(4)
        return {
            "visitors_a": int(c1.number_input("Visitors A", min_value=0, value=10_000, step=100,
                                              persist_state="session", key="exp_va")),
            "conversions_a": int(c2.number_input("Conversions A", min_value=0, value=500, step=10,
                                                 persist_state="session", key="exp_ca")),
            "visitors_b": int(c3.number_input("Visitors B", min_value=0, value=10_000, step=100,
                                              persist_state="session", key="exp_vb")),
            "conversions_b": int(c4.number_input("Conversions B", min_value=0, value=560, step=10,
                                                 persist_state="session", key="exp_cb")),
        }
    st.caption("CSV with one row per arm and columns `arm, visitors, conversions` (optional `revenue`); "
               "the row labelled A or control is the control, otherwise the first row.")
    st.download_button("Download a template", "arm,visitors,conversions,revenue\nA,10000,500,50000\n"
                       "B,10000,560,55000\n", file_name="ab_result.csv", mime="text/csv")
    uploaded = kept.file_uploader("A/B result (CSV)", "exp_upload", type=["csv"], max_upload_size=CSV_MB)
    if uploaded is None:
        return None
    try:
        return results_from_table(uploads.read_csv(uploaded.getvalue(), max_rows=10))
    except ValueError as exc:
        refused(f"{md.escape(uploaded.name)} was not read", exc)
        return None


def _settings(conversion: bool = True) -> dict:
    """α and sidedness; for a conversion test also the planned split and the winner's-curse prior."""
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1.3])  # the toggle's label needs the room at 1280 px
    out = {
        "alpha": c1.selectbox("Significance α", ALPHAS, index=1, persist_state="session", key="exp_r_alpha"),
        "alternative": c2.radio("Test", ["two-sided", "one-sided"], persist_state="session", key="exp_r_sided",
                                help="One-sided: H₁ is 'B is better than A'."),
        "share_b": 0.5, "prior_sd": None,
    }
    if not conversion:
        return out
    out |= {
        "share_b": c3.number_input("Planned share in B (%)", min_value=1.0, max_value=99.0, value=50.0, step=1.0,
                                   persist_state="session", key="exp_share_b", help="For the sample-ratio-mismatch check.") / 100,
    }
    if c4.toggle("Winner's-curse shrinkage", persist_state="session", key="exp_shrink",
                 help="Aggregate test wins overstate production wins: shrink the lift toward zero."):
        out["prior_sd"] = st.number_input("Typical size of true lifts (sd, %)", min_value=0.1, max_value=100.0,
                                          value=5.0, step=0.5, persist_state="session", key="exp_prior_sd",
                                          help="Spread of true relative lifts across your tests; smaller shrinks "
                                          "more.") / 100
    return out


def _show(result: ABResult, currency: str) -> None:
    if result.srm_detected:
        st.error(result.decision)
    elif result.significant and result.abs_diff > 0:
        st.success(result.decision)
    else:
        st.warning(result.decision)
    m = st.columns(5)
    m[0].metric("Conversion A", fmt.pct(result.rate_a, 2), border=True)
    m[1].metric("Conversion B", fmt.pct(result.rate_b, 2), border=True)
    m[2].metric("Relative lift", fmt.pct(result.rel_lift), border=True,
                help=f"{result.confidence:.0%} interval: " + (fmt.DASH if result.ci_rel_lift is None else
                                                              f"{fmt.pct(result.ci_rel_lift[0])} to "
                                                              f"{fmt.pct(result.ci_rel_lift[1])}"))
    m[3].metric("p-value", f"{result.p_value:.3g}", border=True,
                help="Two-proportion z-test with the pooled rate under H₀.")
    m[4].metric("Sample ratio", "mismatch" if result.srm_detected else "ok", border=True,
                help=f"Sample-ratio-mismatch check: chi-square p = {result.srm_p_value:.3g} (mismatch below 0.001).")
    if result.revenue is not None:
        rv, sym = result.revenue, fmt.currency_symbol(currency)
        st.markdown(f"Revenue per visitor: A {sym}{rv.per_visitor_a:,.2f}, B {sym}{rv.per_visitor_b:,.2f} "
                    f"({fmt.pct(rv.rel_diff)}); no test without per-visitor standard deviations.")


def _interim(result: ABResult, settings: dict) -> None:
    """Which boundary the current figures cross, when the test was planned with interim looks."""
    with st.expander("Interim look of a sequential test", icon=":material/timeline:"):
        st.caption("Planned with several looks (see *Plan a test*)? Read this result as look *k*: the earlier "
                   "looks are taken as on plan and not stopped; this one gets the boundary its actual sample "
                   "allows (Lan–DeMets spending).")
        c1, c2, c3, c4 = st.columns(4)
        looks = int(c1.number_input("Planned looks", min_value=2, max_value=sq.MAX_LOOKS, value=4,
                                    persist_state="session", key="exp_r_looks"))
        look = int(c2.number_input("This look", min_value=1, max_value=looks, value=min(2, looks),
                                   persist_state="session", key="exp_r_look"))
        spending = c3.selectbox("Alpha spending", sq.SPENDING, persist_state="session", key="exp_r_spending",
                                format_func=lambda x: SPENDING_LABELS.get(x, x))
        planned = c4.number_input("Planned maximum per variant", min_value=1, value=max(
            2 * min(result.visitors_a, result.visitors_b), 1), step=100, persist_state="session", key="exp_r_max_n")
        information = min(result.visitors_a, result.visitors_b) / planned
        try:
            read = sq.read_look(result.z, information, look=look, looks=looks, alpha=settings["alpha"],
                                alternative=settings["alternative"], spending=spending)
        except ValueError as exc:
            refused("Cannot read this look", exc)
            return
        where = f"look {read.number} of {looks} at {read.information:.0%} of the maximum sample"
        bound = f"±{read.boundary:.2f}" if settings["alternative"] == "two-sided" else f"{read.boundary:.2f}"
        if read.crossed == "efficacy":
            st.success(f"At {where}, z = {read.z:.2f} crossed the boundary {bound}: stop — B is better.")
        elif read.crossed == "harm":
            st.error(f"At {where}, z = {read.z:.2f} crossed the boundary {bound}: stop — B is worse.")
        else:
            st.info(f"At {where}, z = {read.z:.2f} is inside the boundary {bound}: keep the test running "
                    "(its p-value alone must not stop it).")


def _apply(scenario: Scenario, case: BusinessCase, result: ABResult) -> None:
    st.subheader("Apply to an initiative")
    eligible = [i.name for i in scenario.initiatives if i.lever in CONVERSION_LEVERS]
    if not eligible:
        st.info("No initiative in this scenario pulls conversion rate or purchase frequency, which is what a "
                "conversion test measures.")
        return
    if result.measured_uplift is None:
        st.info("The control has no conversions, so the relative lift is undefined: run the test longer.")
        return
    low, point, high = result.measured_uplift
    c1, c2 = st.columns(2)
    target = c1.selectbox("Initiative", eligible, persist_state="session", key="exp_target")
    test_name = c2.text_input("Test name", value="",
                              persist_state="session", key="exp_test_name", placeholder="e.g. Cart reminder A/B, March")
    note = st.text_input("Note (optional)", persist_state="session", key="exp_note")
    current = next(i for i in scenario.initiatives if i.name == target)
    if point > current.uplift.high:
        st.warning(
            f"The measured lift ({fmt.pct(point)}) is above the assumed high case ({fmt.pct(current.uplift.high)}). "
            "Test wins usually overstate the production effect (winner's curse): consider turning on "
            "**Winner's-curse shrinkage** above before applying." if result.shrunk_rel_lift is None else
            f"Even shrunk, the measured lift ({fmt.pct(point)}) is above the assumed high case "
            f"({fmt.pct(current.uplift.high)}): check the test before relying on it.")
    st.markdown(
        f"{inputs.evidence_badge(current.evidence.kind.value)} uplift low / base / high "
        f"{fmt.pct(current.uplift.low)} / {fmt.pct(current.uplift.base)} / {fmt.pct(current.uplift.high)}"
        f" → {inputs.evidence_badge('measured')} {fmt.pct(low)} / {fmt.pct(point)} / {fmt.pct(high)}"
        + (" (shrunk)" if result.shrunk_rel_lift is not None else ""))
    applied_now = st.session_state.get("exp_applied")
    already = bool(applied_now and applied_now["version"] == state.version() and applied_now["initiative"] == target)
    named = bool(test_name.strip())
    if not named:
        st.caption("Name the test to apply its lift (it becomes the uplift's evidence source).")
    if st.button("Apply measured lift", type="primary", key="exp_apply", disabled=already or not named,
                 help="Already applied to this initiative — see the change log below." if already else None):
        try:
            new = apply_result(scenario, target, result, test_name=test_name, note=note)
        except ValueError as exc:
            refused("Not applied", exc)
        else:
            state.set_scenario(new, note=f"Measured lift applied to {md.escape(target)}.")
            st.session_state["exp_applied"] = {"initiative": target, "npv_before": case.npv,
                                               "version": state.version()}
            st.rerun()


def _customer_level(currency: str, settings: dict) -> None:
    st.caption("One row per customer: `arm` (A/control or B/treatment), `revenue` over the test and, for CUPED, "
               "`pre_revenue` — the same metric before the test. The adjusted comparison removes the variance the "
               "pre-period explains.")
    st.download_button("Download a template", CUSTOMER_TEMPLATE, file_name="customers.csv", mime="text/csv",
                       key="exp_customer_template")
    uploaded = kept.file_uploader("Customer-level result (CSV)", "exp_customer_upload", type=["csv"], max_upload_size=CSV_MB)
    if uploaded is None:
        return
    try:
        data = uploads.customer_data(uploads.read_csv(uploaded.getvalue()))
        cmp = compare_means(data.outcome, data.treated, data.covariate, alpha=settings["alpha"],
                            alternative=settings["alternative"])
    except ValueError as exc:
        refused(f"{md.escape(uploaded.name)} was not read", exc)
        return
    _cuped_table(cmp, currency, data.covariate_column is not None)


def _cuped_table(cmp: CupedComparison, currency: str, has_covariate: bool) -> None:
    sym = fmt.currency_symbol(currency)

    def signed(v: float) -> str:  # +€0.22, −€0.34
        return f"{'+' if v >= 0 else '−'}{sym}{abs(v):,.2f}"

    rows = [("Unadjusted", cmp.unadjusted)] + ([("CUPED-adjusted", cmp.adjusted)] if cmp.adjusted else [])
    st.dataframe(pd.DataFrame([{
        "Comparison": name,
        "A per customer": f"{sym}{d.control_mean:,.2f}",
        "B per customer": f"{sym}{d.treatment_mean:,.2f}",
        "Effect (B − A)": signed(d.abs_effect),
        f"{cmp.confidence:.0%} interval": f"{signed(d.ci_abs[0])} to {signed(d.ci_abs[1])}",
        "Relative": fmt.pct(d.rel_effect),
        "p-value": f"{d.p_value:.3g}",
    } for name, d in rows]), hide_index=True, width="stretch")
    if cmp.adjusted is not None and cmp.variance_reduction is not None:
        st.markdown(f"{cmp.n_control:,} control and {cmp.n_treatment:,} treatment customers; pre-period "
                    f"correlation ρ = {cmp.rho:.2f}: CUPED removed **{cmp.variance_reduction:.0%}** of the variance "
                    f"(θ = {cmp.theta:.3g}). Plan future tests with this ρ in *Plan a test*.")
    elif not has_covariate:
        st.info("No `pre_revenue` column: only the unadjusted comparison is possible.")


def render(scenario: Scenario, case: BusinessCase) -> None:
    """Draw the tab."""
    st.markdown("Enter or upload the result of an A/B test — **A is the control** (generic experience), "
                "**B the treatment** (personalized).")
    source = st.radio("Result", SOURCES, horizontal=True, persist_state="session", key="exp_source")
    if source == SOURCES[2]:
        settings = _settings(conversion=False)
        _customer_level(case.currency, settings)
    else:
        figures = _figures(source)
        settings = _settings()
        result = None
        if figures is not None:
            try:
                result = analyze_ab(**figures, alpha=settings["alpha"], alternative=settings["alternative"],
                                    expected_share_b=settings["share_b"], shrinkage_prior_sd=settings["prior_sd"])
            except ValueError as exc:
                refused("Cannot analyse these figures", exc)
        if result is not None:
            _show(result, case.currency)
            _interim(result, settings)
            _apply(scenario, case, result)
    applied = st.session_state.get("exp_applied")
    if applied and applied["version"] == state.version():  # only right after the change
        st.success(f"Measured lift applied to **{md.escape(applied['initiative'])}**: programme NPV "
                   f"{fmt.money(applied['npv_before'], case.currency)} → **{fmt.money(case.npv, case.currency)}**.")
    change_log(scenario)


def change_log(scenario: Scenario) -> None:
    """Why numbers moved: every applied result, newest first (initiative-level records)."""
    st.subheader("Why numbers moved")
    records = [c for c in scenario.changes if c.scope == "initiative"]
    if not records:
        st.caption("No test result has been applied to this scenario yet.")
        return
    st.dataframe(pd.DataFrame([{
        "Date": c.date,
        "Initiative": c.initiative,
        "Before (low / base / high)": " / ".join(fmt.pct(v) for v in (c.before.low, c.before.base, c.before.high)),
        "After (low / base / high)": " / ".join(fmt.pct(v) for v in (c.after.low, c.after.base, c.after.high)),
        "Evidence": f"{c.evidence_before.value} → {c.evidence_after.value}",
        "Test": "" if c.result is None else (
            f"{c.result.test_name}: A {c.result.conversions_a:,}/{c.result.visitors_a:,}, "
            f"B {c.result.conversions_b:,}/{c.result.visitors_b:,}, p = {c.result.p_value:.3g}"),
        "Reason": c.reason,
    } for c in reversed(records)]), hide_index=True, width="stretch")
