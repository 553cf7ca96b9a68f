"""*Plan a test* tab: sample size, duration, CUPED, unit, interim looks, traffic from history.

Inputs here; every figure from :func:`roi.experiments.planner.plan_test`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from roi.experiments import charts as xcharts
from roi.experiments import power as pw
from roi.experiments import sequential as sq
from roi.experiments import uploads
from roi.experiments.design_effect import check_design_effect, cluster_design_effect, ratio_design_effect_from_table
from roi.bounded import upload_megabytes
from roi.experiments.history import MAX_HISTORY_BYTES, WEEKDAYS, TrafficHistory, read_history
from roi.experiments.planner import TestDesignPlan, plan_test
from ui import exports
from ui import format as fmt
from ui import kept, md

from .common import ALPHAS, CSV_MB, pct_input, refused

CORRECTION_LABELS = {"sidak": "Šidák", "bonferroni": "Bonferroni"}
METHOD_LABELS = {"evan-miller": "Evan Miller", "pooled": "Pooled", "arcsine": "Arcsine"}
SPENDING_LABELS = {"obrien-fleming": "O'Brien–Fleming", "pocock": "Pocock"}
UNITS = ["Visitors", "Customers (visits counted)", "Customers, from data"]
UNIT_TEMPLATE = "customer,visits,conversions\nC1,3,1\nC2,1,0\nC3,5,0\n"
HISTORY_TEMPLATE = "date,visitors,conversions,revenue\n2025-01-06,18000,380,23500\n2025-01-07,18500,400,24900\n"


@st.cache_data(show_spinner=False, max_entries=8)
def _history(data: bytes) -> TrafficHistory:
    return read_history(data)


def _history_input() -> TrafficHistory | None:
    st.caption("A daily export for the test's audience: `date, visitors, conversions[, revenue]`, one row per day, "
               "at least a week (ISO dates, up to ten years).")
    st.download_button("Download a template", HISTORY_TEMPLATE, file_name="daily_traffic.csv", mime="text/csv",
                       key="exp_history_template")
    uploaded = kept.file_uploader("Daily traffic (CSV)", "exp_history_upload", type=["csv"],
                                  max_upload_size=upload_megabytes(MAX_HISTORY_BYTES))
    if uploaded is None:
        st.info("Upload a daily traffic file (or use `data/daily_traffic.csv`); until then the typed traffic "
                "below is used.")
        return None
    try:
        history = _history(uploaded.getvalue())
    except ValueError as exc:
        refused(f"{md.escape(uploaded.name)} was not read", exc)
        return None
    conv = "no conversions column" if history.baseline_conversion is None else \
        f"baseline {fmt.pct(history.baseline_conversion, 2)}"
    gaps = f", {history.missing_days} days missing" if history.missing_days else ""
    st.success(f"{history.days} days ({history.first_day} to {history.last_day}{gaps}): "
               f"{fmt.number(history.daily_visitors)} visitors a day, {conv}.")
    return history


def _design_effect_from_data() -> float:
    """The design effect measured on customer-level visits and conversions (delta method)."""
    st.caption("One row per customer over a past period: `visits, conversions`.")
    st.download_button("Download a template", UNIT_TEMPLATE, file_name="customer_visits.csv", mime="text/csv",
                       key="exp_unit_template")
    uploaded = kept.file_uploader("Customer visits (CSV)", "exp_unit_upload", type=["csv"], max_upload_size=CSV_MB)
    if uploaded is None:
        st.info("Until a file is read, the design effect is 1.")
        return 1.0
    try:
        r = ratio_design_effect_from_table(uploads.read_csv(uploaded.getvalue()))
        check_design_effect(r.design_effect)
    except ValueError as exc:
        refused(f"{md.escape(uploaded.name)} was not read", exc)
        return 1.0
    icc = fmt.DASH if r.icc is None else f"{r.icc:.3f}"
    st.caption(f"{r.customers:,} customers, {r.visits_per_customer:.2f} visits each, conversion "
               f"{fmt.pct(r.rate, 2)}: design effect **{r.design_effect:.3g}** (implied ICC {icc}).")
    return r.design_effect


def _inputs() -> dict:
    """The left column: every input of the plan, as a dict of plain values."""
    v: dict = {}
    metric = st.radio("Metric", ["Conversion rate", "Continuous (e.g. revenue per visitor)"], horizontal=True,
                      persist_state="session", key="exp_metric")
    v["conversion"] = metric == "Conversion rate"
    source = st.radio("Traffic", ["Typed", "From a daily CSV"], horizontal=True,
                      persist_state="session", key="exp_traffic_source",
                      help="From a daily CSV: the baseline, the traffic and its weekly pattern come from your "
                      "history, and the duration is rounded up to whole weeks.")
    v["history"] = _history_input() if source == "From a daily CSV" else None
    h: TrafficHistory | None = v["history"]
    if v["conversion"]:
        if h is not None and h.baseline_conversion is not None:
            v["baseline"] = h.baseline_conversion
            st.caption(f"Baseline conversion rate from the history: **{fmt.pct(h.baseline_conversion, 2)}**.")
        else:
            v["baseline"] = pct_input("Baseline conversion rate (%)", "exp_baseline", 5.0,
                                      "Control's conversions per visitor today.")
    else:
        c1, c2 = st.columns(2)
        v["mean"] = c1.number_input("Mean per visitor", min_value=0.0, value=5.0, persist_state="session", key="exp_mean",
                                    help="Control mean of the metric, e.g. revenue per visitor.")
        v["sd"] = c2.number_input("Standard deviation", min_value=0.0, value=20.0, persist_state="session", key="exp_sd",
                                  help="Spread of the metric per visitor (revenue is usually very skewed).")
    c1, c2 = st.columns(2)
    v["mde"] = pct_input("Minimum detectable effect (%)", "exp_mde", 10.0, "Smallest uplift worth acting on.",
                         max_value=1000.0, container=c1)
    v["relative"] = True
    if v["conversion"]:
        v["relative"] = c2.radio("MDE is", ["relative", "absolute"], persist_state="session", key="exp_mde_kind",
                                 help="Relative: 10 means 5% → 5.5%. Absolute: 1 means 5% → 6% "
                                 "(percentage points).") == "relative"
    else:
        c2.caption("Relative to the mean.")
    c1, c2, c3 = st.columns(3)
    v["alpha"] = c1.selectbox("Significance α", ALPHAS, index=1, persist_state="session", key="exp_alpha",
                              help="False-positive rate you accept across all comparisons and looks.")
    v["power"] = c2.slider("Power", 0.5, 0.99, 0.8, 0.01, persist_state="session", key="exp_power",
                           help="Chance of detecting a true effect of the MDE.")
    v["alternative"] = c3.radio("Test", ["two-sided", "one-sided"], persist_state="session", key="exp_sided",
                                help="One-sided only asks whether the treatment is better.")
    c1, c2 = st.columns(2)
    v["variants"] = int(c1.number_input("Variants (incl. control)", min_value=2, max_value=20, value=2, step=1,
                                        persist_state="session", key="exp_variants"))
    v["correction"] = c2.selectbox("Correction", pw.CORRECTIONS, persist_state="session", key="exp_correction",
                                   format_func=lambda x: CORRECTION_LABELS.get(x, x),
                                   help="Multiple-comparison correction when several treatments share α.")
    c1, c2 = st.columns(2)
    v["method"] = c1.selectbox("Method", pw.METHODS, persist_state="session", key="exp_method", disabled=not v["conversion"],
                               format_func=lambda x: METHOD_LABELS.get(x, x),
                               help="Evan Miller: null variance from the baseline (Evan Miller's calculator). "
                               "Pooled: pooled rate under the null. Arcsine: Cohen's h (statsmodels).")
    if h is None:
        v["traffic"] = c2.number_input("Eligible visitors per day", min_value=0.0, value=5_000.0, step=500.0,
                                       format="%.0f", persist_state="session", key="exp_traffic")
    else:
        v["traffic"] = h.daily_visitors
        c2.metric("Visitors a day", fmt.number(h.daily_visitors),
                  help="From the uploaded history: the mean of its seven weekday means.")
    v["allocation"] = st.slider("Share of traffic in the test (%)", 5, 100, 100, 5, format="%d%%",
                                persist_state="session", key="exp_allocation") / 100
    with st.expander("CUPED, unit of randomisation and interim looks", icon=":material/tune:"):
        v["rho"] = st.number_input("CUPED: pre-period correlation ρ", min_value=0.0, max_value=0.99, value=0.0,
                                   step=0.05, persist_state="session", key="exp_cuped_rho",
                                   help="Correlation of the metric with the same metric before the test. CUPED "
                                   "removes that part of the variance: the sample shrinks by 1 − ρ².")
        unit = st.radio("Randomised unit", UNITS, persist_state="session", key="exp_unit",
                        help="Randomising customers but counting visits makes a customer's visits alike: "
                        "the design effect 1 + (m − 1) × ICC, or measured from customer data by the delta "
                        "method, enlarges the sample.")
        v["design_effect"] = 1.0
        if unit == UNITS[2]:
            v["design_effect"] = _design_effect_from_data()
        elif unit == UNITS[1]:
            c1, c2 = st.columns(2)
            m = c1.number_input("Visits per customer in the test", min_value=1.0, max_value=1000.0, value=3.0,
                                step=0.5, persist_state="session", key="exp_visits_per_customer")
            icc = c2.number_input("Intra-customer correlation (ICC)", min_value=0.0, max_value=1.0, value=0.05,
                                  step=0.01, format="%.3f", persist_state="session", key="exp_icc",
                                  help="How alike one customer's visits are: 0 independent, 1 identical. "
                                  "Conversion data typically shows 0.01–0.1.")
            v["design_effect"] = cluster_design_effect(m, icc)
            st.caption(f"Design effect 1 + ({m:g} − 1) × {icc:g} = **{v['design_effect']:.3g}**.")
        c1, c2 = st.columns([2, 3])
        v["looks"] = int(c1.number_input("Looks", min_value=1, max_value=sq.MAX_LOOKS, value=1,
                                         step=1, persist_state="session", key="exp_looks",
                                         help="Analyses you will run, interim and final, evenly spaced in "
                                         "sample. More than one: a group-sequential design with Lan–DeMets "
                                         "alpha spending."))
        v["spending"] = c2.selectbox("Alpha spending", sq.SPENDING,
                                     persist_state="session", key="exp_spending", disabled=v["looks"] == 1,
                                     format_func=lambda x: SPENDING_LABELS.get(x, x),
                                     help="O'Brien–Fleming: strict early looks, almost no extra sample. "
                                     "Pocock: easier early stops, a larger maximum sample.")
    return v


def _plan(v: dict) -> tuple[pw.SampleSize, TestDesignPlan]:
    design = dict(alpha=v["alpha"], power=v["power"], alternative=v["alternative"], variants=v["variants"],
                  correction=v["correction"])
    if v["conversion"]:
        size = pw.sample_size(v["baseline"], v["mde"], relative=v["relative"], method=v["method"], **design)
    else:
        size = pw.sample_size_continuous(v["mean"], v["sd"], v["mde"], relative=v["relative"], **design)
    plan = plan_test(size, cuped_rho=v["rho"] or None, design_effect=v["design_effect"], looks=v["looks"],
                     spending=v["spending"], daily_traffic=v["traffic"] if v["traffic"] > 0 else None,
                     allocation=v["allocation"], history=v["history"])
    return size, plan


def _duration_text(plan: TestDesignPlan) -> tuple[str, str]:
    if plan.weekly is not None:
        w = plan.weekly
        return (f"{w.weeks} week{'s' if w.weeks != 1 else ''}",
                f"The sample is in after {w.days_to_sample} days following the history's weekly pattern "
                f"(start on a {w.start_weekday}); rounded up to whole weeks so every weekday counts equally.")
    if plan.duration is not None:
        return f"{plan.duration.days} days", "Maximum sample ÷ (eligible visitors per day × share in the test)."
    return fmt.DASH, "Enter the eligible visitors per day to see the duration."


def _results(v: dict, size: pw.SampleSize, plan: TestDesignPlan) -> None:
    seq = plan.looks > 1
    cols = st.columns(2) + st.columns(2)  # two cards a row: four in a row cut the figures at 1280 px
    cols[0].metric("Visitors per variant", fmt.number(plan.n_per_variant), border=True,
                   help="With a single analysis at the end, after CUPED and the design effect.")
    cols[1].metric("Visitors in total", fmt.number(plan.n_per_variant * size.design.variants), border=True)
    text, help_ = _duration_text(plan)
    cols[2].metric("Duration", text, border=True, help=help_ + (" To the maximum sample." if seq else ""))
    if not seq:
        cols[3].metric("Looks", "1", border=True,
                       help="Open *CUPED, unit of randomisation and interim looks* to plan interim looks.")
    else:
        cols[3].metric("Maximum per variant", fmt.number(plan.max_n_per_variant), border=True,
                       help=f"× {plan.sequential.inflation:.3f} for {plan.looks} looks; expected "
                       f"{fmt.number(plan.expected_n_per_variant)} when the effect is real (early stops).")
    effect = (f"{fmt.pct(size.baseline, 2)} → {fmt.pct(size.treatment, 2)}" if v["conversion"]
              else f"{size.baseline:,.2f} → {size.treatment:,.2f}")
    st.markdown(
        f"**H₀**: the treatment does not change the metric. **H₁**: it moves it by at least {effect} "
        f"({size.rel_effect:+.1%} relative). Reject H₀ at α = {v['alpha']:g} "
        f"({size.design.alpha_per_comparison:.4g} per comparison, {size.design.comparisons} "
        f"comparison{'s' if size.design.comparisons > 1 else ''}), with {v['power']:.0%} power."
        + ("" if plan.duration is None else f" At {v['traffic']:,.0f} visitors a day × {v['allocation']:.0%}, the "
           f"test runs **{plan.duration.weeks:.1f} weeks**.")
        + ("" if plan.weekly is None else f" With the history's weekly pattern the sample is in after "
           f"{plan.weekly.days_to_sample} days: run **{plan.weekly.weeks} whole weeks**.")
    )
    notes = []
    if plan.variance_factor != 1:
        notes.append(f"CUPED (ρ = {plan.cuped_rho:g}) needs {plan.variance_factor:.0%} of the sample")
    if plan.design_effect != 1:
        notes.append(f"the design effect adds ×{plan.design_effect:.3g}")
    if notes:
        st.markdown(f"Before adjustments: {fmt.number(size.n_per_variant)} per variant; " + "; ".join(notes) + ".")
    st.caption(plan.unit)
    if seq:
        _looks(plan)
    if plan.duration is None and plan.weekly is None:
        st.info("Enter the eligible visitors per day to see the duration.")
    if v["conversion"]:
        _curve(v, size, plan)


def _looks(plan: TestDesignPlan) -> None:
    b = plan.sequential.boundaries
    table = pd.DataFrame({
        "look": range(1, b.looks + 1), "information": b.information, "z": b.z,
        "n_per_variant": plan.n_per_look, "nominal_p": b.nominal_p, "alpha_spent": b.alpha_spent,
    })
    st.markdown(f"**{b.looks} looks, {SPENDING_LABELS[b.spending]} spending** — stop for a win at the first look "
                f"whose z reaches its boundary" + (" (or stop for harm at −boundary)." if b.alternative == "two-sided"
                                                   else "."))
    # four narrow columns: a table wider than its column scrolls, and its scrollbar covers the chart below
    st.dataframe(pd.DataFrame({
        "Look": [f"{k} ({fmt.pct(t, 0)})" for k, t in zip(table["look"], table["information"])],
        "Per variant": table["n_per_variant"].map(fmt.number),
        "Boundary (z)": table["z"].map(lambda z: f"{z:.3f}" if np.isfinite(z) else "no stop"),
        "Nominal p": table["nominal_p"].map(lambda p: f"{p:.2g}"),
    }), hide_index=True, width="stretch")
    fixed = float(plan.size.design.z_alpha)
    exports.chart(xcharts.boundaries_chart(table, fixed), "Sequential boundaries")


def _curve(v: dict, size: pw.SampleSize, plan: TestDesignPlan) -> None:
    design = dict(alpha=v["alpha"], power=v["power"], alternative=v["alternative"], variants=v["variants"],
                  correction=v["correction"])
    scale = plan.variance_factor * plan.design_effect
    grid = np.unique(np.concatenate([np.geomspace(max(size.rel_effect / 5, 0.005), size.rel_effect * 5, 40),
                                     [size.rel_effect]]))
    curve = pw.sample_size_curve(size.baseline, grid, method=v["method"], relative=True,
                                 daily_traffic=v["traffic"] if v["traffic"] > 0 else None,
                                 allocation=v["allocation"], scale=scale, **design)
    if not curve.empty:
        exports.chart(xcharts.sample_size_chart(curve, chosen_rel_effect=size.rel_effect), "Sample size by effect")
    if v["traffic"] > 0:
        rows = []
        for weeks in (1, 2, 4, 8):
            n = pw.n_per_variant_in(7 * weeks, v["traffic"], allocation=v["allocation"], variants=v["variants"])
            # what n visitors achieve after CUPED, the design effect and the looks' inflation
            effective = n / (scale * plan.sequential.inflation)
            eff = pw.detectable_effect(size.baseline, effective, method=v["method"], **design)
            rows.append({"Test length": f"{weeks} week{'s' if weeks > 1 else ''}",
                         "Per variant": fmt.number(n),
                         "Detectable uplift": fmt.pct(eff.rel_effect),
                         "In points": fmt.pct(eff.abs_effect, 2)})
        st.markdown("**What could this traffic detect?**")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render() -> None:
    """Draw the tab."""
    st.markdown("How many visitors does a test need, and how long will it run?")
    left, right = st.columns([2, 3], gap="large")
    with left:
        v = _inputs()
        if v["history"] is not None:
            h: TrafficHistory = v["history"]
            exports.chart(xcharts.weekday_chart(pd.DataFrame({"weekday": WEEKDAYS, "index": h.weekday_index})),
                          "Weekly traffic pattern")
    try:
        size, plan = _plan(v)
    except ValueError as exc:
        refused("Cannot size this test", exc, left)
        return
    with right:
        _results(v, size, plan)
