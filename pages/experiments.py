"""Experiments: plan a test, see which uplifts the scenario can prove and when, analyse a result,
and feed the measured lift back into the business case."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import streamlit as st

from roi.experiments import analyze_ab, apply_result, plan_tests, results_from_table
from roi.experiments import charts as xcharts
from roi.experiments import power as pw
from roi.experiments.feedback import CONVERSION_LEVERS
from ui import format as fmt
from ui import exports, inputs, state

scenario = state.get_scenario()
case = state.get_case()
cur = case.currency

st.title("Experiments")
st.caption(
    "Every uplift in the case is a hypothesis. Before a test: state the null (no effect), set the "
    "significance threshold, and compute the minimum detectable effect (MDE), the traffic and the "
    "duration. After it: measured lift replaces assumed lift, and the change is recorded."
)
inputs.headline(case)

ALPHAS = [0.01, 0.05, 0.10]
CORRECTION_LABELS = {"sidak": "Šidák", "bonferroni": "Bonferroni"}
METHOD_LABELS = {"evan-miller": "Evan Miller", "pooled": "Pooled",
                 "arcsine": "Arcsine"}
TODAY = dt.date.today()


def _pct_input(label: str, key: str, value: float, help: str, *, max_value: float = 100.0) -> float:
    """A percentage input returning a fraction 0–1."""
    return st.number_input(label, min_value=0.0, max_value=max_value, value=value, step=0.1,
                           format="%.2f", key=key, help=help) / 100.0


def _date(days: float | None) -> str:
    if days is None or not np.isfinite(days):
        return fmt.DASH
    return (TODAY + dt.timedelta(days=float(np.ceil(days)))).isoformat()


plan_tab, scenario_tab, result_tab = st.tabs(["Plan a test", "Scenario test plan", "Analyse a result"])

# ----------------------------------------------------------------------------- plan a test
with plan_tab:
    st.markdown("How many visitors does a test need, and how long will it run?")
    left, right = st.columns([2, 3], gap="large")
    with left:
        metric = st.radio("Metric", ["Conversion rate", "Continuous (e.g. revenue per visitor)"],
                          horizontal=True, key="exp_metric")
        conversion = metric == "Conversion rate"
        if conversion:
            baseline = _pct_input("Baseline conversion rate (%)", "exp_baseline", 5.0,
                                  "Control's conversions per visitor today.")
            mean = sd = None
        else:
            c1, c2 = st.columns(2)
            mean = c1.number_input("Mean per visitor", min_value=0.0, value=5.0, key="exp_mean",
                                   help=f"Control mean of the metric, e.g. revenue per visitor ({cur}).")
            sd = c2.number_input("Standard deviation", min_value=0.0, value=20.0, key="exp_sd",
                                 help="Spread of the metric per visitor (revenue is usually very skewed).")
            baseline = None
        c1, c2 = st.columns(2)
        with c1:
            mde = _pct_input("Minimum detectable effect (%)", "exp_mde", 10.0,
                             "Smallest uplift worth acting on.", max_value=1000.0)
        kind = "relative"
        if conversion:
            kind = c2.radio("MDE is", ["relative", "absolute"], key="exp_mde_kind",
                            help="Relative: 10 means 5% → 5.5%. Absolute: 1 means 5% → 6% (percentage points).")
        else:
            c2.caption("Relative to the mean.")
        c1, c2, c3 = st.columns(3)
        alpha = c1.selectbox("Significance α", ALPHAS, index=1, key="exp_alpha",
                             help="False-positive rate you accept across all comparisons.")
        power = c2.slider("Power", 0.5, 0.99, 0.8, 0.01, key="exp_power",
                          help="Chance of detecting a true effect of the MDE.")
        sided = c3.radio("Test", ["two-sided", "one-sided"], key="exp_sided",
                         help="One-sided only asks whether the treatment is better.")
        c1, c2, c3 = st.columns(3)
        variants = int(c1.number_input("Variants (incl. control)", min_value=2, max_value=20, value=2,
                                       step=1, key="exp_variants"))
        correction = c2.selectbox("Correction", pw.CORRECTIONS, key="exp_correction",
                                  format_func=lambda v: CORRECTION_LABELS.get(v, v),
                                  help="Multiple-comparison correction when several treatments share α.")
        method = c3.selectbox("Method", pw.METHODS, key="exp_method", disabled=not conversion,
                              format_func=lambda v: METHOD_LABELS.get(v, v),
                              help="Evan Miller: null variance from the baseline (Evan Miller's calculator). "
                              "Pooled: pooled rate under the null. Arcsine: Cohen's h (statsmodels).")
        c1, c2 = st.columns(2)
        traffic = c1.number_input("Eligible visitors per day", min_value=0.0, value=5_000.0, step=500.0,
                                  format="%.0f", key="exp_traffic")
        allocation = c2.slider("Share of traffic in the test (%)", 5, 100, 100, 5, format="%d%%",
                               key="exp_allocation") / 100

    design = dict(alpha=alpha, power=power, alternative=sided, variants=variants, correction=correction)
    relative = kind == "relative"
    try:
        if conversion:
            size = pw.sample_size(baseline, mde, relative=relative, method=method, **design)
        else:
            size = pw.sample_size_continuous(mean, sd, mde, relative=relative, **design)
        dur = pw.duration(size.n_per_variant, traffic, allocation=allocation, variants=variants) if traffic > 0 else None
    except ValueError as exc:
        size = dur = None
        left.error(f"Cannot size this test — {exc}")
    with right:
        if size is not None:
            m1, m2, m3 = st.columns(3)
            m1.metric("Visitors per variant", fmt.number(size.n_per_variant), border=True)
            m2.metric("Visitors in total", fmt.number(size.total_n), border=True)
            m3.metric("Duration", "—" if dur is None else f"{dur.days} days", border=True,
                      help="Total sample ÷ (eligible visitors per day × share in the test).")
            effect = (f"{fmt.pct(size.baseline, 2)} → {fmt.pct(size.treatment, 2)}" if conversion
                      else f"{size.baseline:,.2f} → {size.treatment:,.2f}")
            st.markdown(
                f"**H₀**: the treatment does not change the metric. **H₁**: it moves it by at least "
                f"{effect} ({size.rel_effect:+.1%} relative). Reject H₀ at α = {alpha:g} "
                f"({size.design.alpha_per_comparison:.4g} per comparison, {size.design.comparisons} "
                f"comparison{'s' if size.design.comparisons > 1 else ''}), with {power:.0%} power."
                + ("" if dur is None else f" At {traffic:,.0f} visitors a day × {allocation:.0%}, the test "
                   f"runs **{dur.weeks:.1f} weeks**.")
            )
            if dur is None:
                st.info("Enter the eligible visitors per day to see the duration.")
            if conversion:
                grid = np.unique(np.concatenate([np.geomspace(max(size.rel_effect / 5, 0.005),
                                                              size.rel_effect * 5, 40), [size.rel_effect]]))
                curve = pw.sample_size_curve(size.baseline, grid, method=method, relative=True,
                                             daily_traffic=traffic if traffic > 0 else None,
                                             allocation=allocation, **design)
                if not curve.empty:
                    exports.chart(xcharts.sample_size_chart(curve, chosen_rel_effect=size.rel_effect),
                                  "Sample size by effect")
                if traffic > 0:
                    rows = []
                    for weeks in (1, 2, 4, 8):
                        n = pw.n_per_variant_in(7 * weeks, traffic, allocation=allocation, variants=variants)
                        eff = pw.detectable_effect(size.baseline, n, method=method, **design)
                        rows.append({"Test length": f"{weeks} week{'s' if weeks > 1 else ''}",
                                     "Visitors per variant": fmt.number(n),
                                     "Detectable uplift (relative)": fmt.pct(eff.rel_effect),
                                     "Detectable uplift (points)": fmt.pct(eff.abs_effect, 2)})
                    st.markdown("**What could this traffic detect?**")
                    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

# ----------------------------------------------------------------------------- scenario plan
with scenario_tab:
    st.markdown(
        "For each initiative: the eligible traffic of its segments (personalizable customers its "
        "channel reaches), the days a two-arm test needs to detect its **base** uplift, and when the "
        f"team's capacity of **{scenario.process.tests_per_month:g} tests a month** lets it run."
    )
    c1, c2, c3, c4 = st.columns(4)
    horizon_weeks = c1.number_input("Horizon (weeks)", min_value=1.0, max_value=104.0, value=6.0, step=1.0,
                                    key="exp_horizon", help="Longest test you are willing to run.")
    plan_alpha = c2.selectbox("Significance α", ALPHAS, index=1, key="exp_plan_alpha")
    plan_power = c3.slider("Power", 0.5, 0.99, 0.8, 0.01, key="exp_plan_power")
    plan_allocation = c4.slider("Share of traffic in each test (%)", 5, 100, 100, 5, format="%d%%",
                                key="exp_plan_allocation") / 100
    try:
        plan = plan_tests(scenario, horizon_days=horizon_weeks * 7, alpha=plan_alpha, power=plan_power,
                          allocation=plan_allocation)
    except ValueError as exc:
        plan = None
        st.error(f"Cannot plan the tests — {exc}")
    if plan is not None:
        frame = plan.to_frame()
        provable = frame[frame["within_horizon"]]
        m1, m2, m3 = st.columns(3)
        m1.metric(f"Provable within {horizon_weeks:g} weeks", f"{len(provable)} of {len(frame)}", border=True)
        m2.metric("Testable at all", f"{int(frame['testable'].sum())} of {len(frame)}", border=True)
        last = provable["readout_day"].max() if len(provable) else None
        m3.metric("Last of those reads out", _date(last) if last is not None else fmt.DASH, border=True,
                  help="Under the team's tests per month, no test before its initiative launches.")
        for note in plan.notes:
            st.warning(note)
        table = pd.DataFrame({
            "Initiative": frame["initiative"],
            "Evidence": frame["evidence"],
            "Metric": frame["metric"],
            "Eligible": [fmt.DASH if u == "—" else f"{fmt.number(v)} {u}" for v, u in zip(frame["eligible"], frame["unit"])],
            "Uplift": frame["expected_uplift"].map(fmt.pct),
            "n / variant": frame["n_per_variant"].map(lambda v: fmt.number(None if pd.isna(v) else v)),
            "Weeks": frame["run_days"].map(lambda v: fmt.DASH if pd.isna(v) else f"{v / 7:.1f}"),
            "In horizon": frame["within_horizon"],
            "MDE 2 wk": frame["mde_2_weeks"].map(lambda v: fmt.pct(None if pd.isna(v) else v)),
            "MDE 4 wk": frame["mde_4_weeks"].map(lambda v: fmt.pct(None if pd.isna(v) else v)),
            "Starts": frame["start_day"].map(lambda v: _date(None if pd.isna(v) else v)),
            "Reads out": frame["readout_day"].map(lambda v: _date(None if pd.isna(v) else v)),
        })
        T = st.column_config.TextColumn
        st.dataframe(table, hide_index=True, width="stretch", column_order=[
            "Initiative", "Uplift", "Weeks", "In horizon", "Starts", "Reads out", "MDE 2 wk", "MDE 4 wk",
            "n / variant", "Evidence", "Metric", "Eligible"], column_config={
            "Initiative": T("Initiative", pinned=True, width=190),
            "Evidence": T("Evidence", width="small"),
            "Metric": T("Metric", width="small"),
            "Eligible": T("Eligible", width="small", help="Eligible traffic of the initiative's segments."),
            "Uplift": T("Uplift", width="small", help="Base uplift the test must detect (relative)."),
            "n / variant": T("n / variant", width="small", help="Sample per variant to detect the uplift."),
            "Weeks": T("Weeks", width="small", help="Weeks the test runs to collect the sample."),
            "In horizon": st.column_config.CheckboxColumn("In horizon", width="small",
                                                          help="Reads out within the horizon above."),
            "MDE 2 wk": T("MDE 2 wk", width="small", help="Smallest relative uplift a 2-week test could detect."),
            "MDE 4 wk": T("MDE 4 wk", width="small", help="Smallest relative uplift a 4-week test could detect."),
            "Starts": T("Starts", width="small"),
            "Reads out": T("Reads out", width="small"),
        })
        notes = [f"- **{r.initiative}** — {r.reason}" for r in frame.itertuples() if r.reason]
        if notes:
            st.markdown("\n".join(notes))
        if frame["run_days"].notna().any():
            c1, c2 = st.columns(2, gap="large")
            with c1:
                exports.chart(xcharts.readout_chart(frame, plan.horizon_days), "Test readout")
            if frame["start_day"].notna().any():
                with c2:
                    exports.chart(xcharts.schedule_chart(frame, plan.horizon_days), "Test schedule")
        st.caption(
            "Assumptions: each test gets all eligible traffic of its segments × the share above (tests on "
            "the same segments at the same time would share it); conversion and frequency initiatives are "
            "tested on orders per visit, order value on revenue per order (sd = mean, an assumption), "
            "retention on 12-month retention; tests run at least a full week. Significance is two-sided."
        )

# ----------------------------------------------------------------------------- result analysis
with result_tab:
    st.markdown("Enter or upload the result of an A/B test — **A is the control** (generic experience), "
                "**B the treatment** (personalized).")
    example_note = ("The figures below are an **example** (A 500/10,000 vs B 560/10,000) — replace them "
                    "with your test's.")
    source = st.radio("Result", ["Enter figures", "Upload CSV"], horizontal=True, key="exp_source")
    figures: dict | None = None
    if source == "Enter figures":
        figures_now = tuple(st.session_state.get(k, d) for k, d in
                            (("exp_va", 10_000), ("exp_ca", 500), ("exp_vb", 10_000), ("exp_cb", 560)))
        if figures_now == (10_000, 500, 10_000, 560):
            st.info(example_note, icon=":material/science:")
        c1, c2, c3, c4 = st.columns(4)
        figures = {
            "visitors_a": int(c1.number_input("Visitors A", min_value=0, value=10_000, step=100, key="exp_va")),
            "conversions_a": int(c2.number_input("Conversions A", min_value=0, value=500, step=10, key="exp_ca")),
            "visitors_b": int(c3.number_input("Visitors B", min_value=0, value=10_000, step=100, key="exp_vb")),
            "conversions_b": int(c4.number_input("Conversions B", min_value=0, value=560, step=10, key="exp_cb")),
        }
    else:
        st.caption("CSV with one row per arm and columns `arm, visitors, conversions` (optional `revenue`); "
                   "the row labelled A or control is the control, otherwise the first row.")
        st.download_button("Download a template", "arm,visitors,conversions,revenue\nA,10000,500,50000\n"
                           "B,10000,560,55000\n", file_name="ab_result.csv", mime="text/csv")
        uploaded = st.file_uploader("A/B result (CSV)", type=["csv"], key="exp_upload")
        if uploaded is not None:
            try:
                figures = results_from_table(pd.read_csv(io.BytesIO(uploaded.getvalue())))
            except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
                st.error(f"{uploaded.name} was not read — {exc}")
    c1, c2, c3, c4 = st.columns(4)
    r_alpha = c1.selectbox("Significance α", ALPHAS, index=1, key="exp_r_alpha")
    r_sided = c2.radio("Test", ["two-sided", "one-sided"], key="exp_r_sided",
                       help="One-sided: H₁ is 'B converts better than A'.")
    share_b = c3.number_input("Planned share in B (%)", min_value=1.0, max_value=99.0, value=50.0, step=1.0,
                              key="exp_share_b", help="For the sample-ratio-mismatch check.") / 100
    shrink = c4.toggle("Winner's-curse shrinkage", key="exp_shrink",
                       help="Aggregate test wins overstate production wins: shrink the lift toward zero.")
    prior_sd = None
    if shrink:
        prior_sd = st.number_input("Typical size of true lifts (sd, %)", min_value=0.1, max_value=100.0,
                                   value=5.0, step=0.5, key="exp_prior_sd",
                                   help="Spread of true relative lifts across your tests; smaller shrinks more.") / 100
    result = None
    if figures is not None:
        try:
            result = analyze_ab(**figures, alpha=r_alpha, alternative=r_sided, expected_share_b=share_b,
                                shrinkage_prior_sd=prior_sd)
        except ValueError as exc:
            st.error(f"Cannot analyse these figures — {exc}")
    if result is not None:
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
                    help=f"{result.confidence:.0%} interval: "
                    + (fmt.DASH if result.ci_rel_lift is None
                       else f"{fmt.pct(result.ci_rel_lift[0])} to {fmt.pct(result.ci_rel_lift[1])}"))
        m[3].metric("p-value", f"{result.p_value:.3g}", border=True,
                    help="Two-proportion z-test with the pooled rate under H₀.")
        m[4].metric("Sample ratio check", "mismatch" if result.srm_detected else "ok", border=True,
                    help=f"Chi-square p = {result.srm_p_value:.3g} (mismatch below 0.001).")
        if result.revenue is not None:
            rv = result.revenue
            sym = fmt.currency_symbol(cur)
            st.markdown(f"Revenue per visitor: A {sym}{rv.per_visitor_a:,.2f}, B {sym}{rv.per_visitor_b:,.2f} "
                        f"({fmt.pct(rv.rel_diff)}); no test without per-visitor standard deviations.")

        st.subheader("Apply to an initiative")
        eligible = [i.name for i in scenario.initiatives if i.lever in CONVERSION_LEVERS]
        if not eligible:
            st.info("No initiative in this scenario pulls conversion rate or purchase frequency, which is "
                    "what a conversion test measures.")
        elif result.measured_uplift is None:
            st.info("The control has no conversions, so the relative lift is undefined: run the test longer.")
        else:
            low, point, high = result.measured_uplift
            c1, c2 = st.columns(2)
            target = c1.selectbox("Initiative", eligible, key="exp_target")
            test_name = c2.text_input("Test name", value="", key="exp_test_name",
                                      placeholder="e.g. Cart reminder A/B, March")
            note = st.text_input("Note (optional)", key="exp_note")
            current = next(i for i in scenario.initiatives if i.name == target)
            if point > current.uplift.high:
                st.warning(
                    f"The measured lift ({fmt.pct(point)}) is above the assumed high case "
                    f"({fmt.pct(current.uplift.high)}). Test wins usually overstate the production effect "
                    "(winner's curse): consider turning on **Winner's-curse shrinkage** above before applying."
                    if result.shrunk_rel_lift is None else
                    f"Even shrunk, the measured lift ({fmt.pct(point)}) is above the assumed high case "
                    f"({fmt.pct(current.uplift.high)}): check the test before relying on it.")
            st.markdown(
                f"{inputs.evidence_badge(current.evidence.kind.value)} uplift low / base / high "
                f"{fmt.pct(current.uplift.low)} / {fmt.pct(current.uplift.base)} / {fmt.pct(current.uplift.high)}"
                f" → {inputs.evidence_badge('measured')} {fmt.pct(low)} / {fmt.pct(point)} / {fmt.pct(high)}"
                + (" (shrunk)" if result.shrunk_rel_lift is not None else "")
            )
            applied_now = st.session_state.get("exp_applied")
            already = bool(applied_now and applied_now["version"] == state.version()
                           and applied_now["initiative"] == target)
            named = bool(test_name.strip())
            if not named:
                st.caption("Name the test to apply its lift (it becomes the uplift's evidence source).")
            if st.button("Apply measured lift", type="primary", key="exp_apply", disabled=already or not named,
                         help="Already applied to this initiative — see the change log below." if already
                         else None):
                try:
                    new = apply_result(scenario, target, result, test_name=test_name, note=note)
                except ValueError as exc:
                    st.error(f"Not applied — {exc}")
                else:
                    state.set_scenario(new, note=f"Measured lift applied to {target}.")
                    st.session_state["exp_applied"] = {"initiative": target, "npv_before": case.npv,
                                                       "version": state.version()}
                    st.rerun()
    applied = st.session_state.get("exp_applied")
    if applied and applied["version"] == state.version():  # only right after the change
        st.success(f"Measured lift applied to **{applied['initiative']}**: programme NPV "
                   f"{fmt.money(applied['npv_before'], cur)} → **{fmt.money(case.npv, cur)}**.")

    st.subheader("Why numbers moved")
    if not scenario.changes:
        st.caption("No test result has been applied to this scenario yet.")
    else:
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
        } for c in reversed(scenario.changes)]), hide_index=True, width="stretch")
