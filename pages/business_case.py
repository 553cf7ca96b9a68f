"""Business case: the components, from programme costs to NPV, and the evidence behind them."""

from __future__ import annotations

import streamlit as st

from roi import charts
from roi.references import REVENUE_PER_CAMPAIGN_DOLLAR, REVENUE_PER_CAMPAIGN_DOLLAR_SOURCE
from roi.evidence import evidence_source
from ui import format as fmt
from ui import exports, inputs, md, state

scenario = state.get_scenario()
case = state.get_case()
cur = case.currency

st.title("Business case")
st.caption("The case broken into components, each with its own value. Edit initiatives on the "
           "**Initiatives** page; audience, content and process on their pages.")
inputs.headline(case)

with st.expander("Finance settings and model rules — horizon, discount rate, risk adjustment by evidence"):
    f1, f2, f3 = st.columns(3)
    with f1:
        inputs.number_field("settings.horizon_years", unit="years, 1–10", integer=True)
        inputs.number_field("settings.discount_rate")
        inputs.number_field("settings.cost_risk")
    with f2:
        st.markdown("**Benefit risk by evidence** (TEI: the less an uplift is known, the larger the haircut)")
        for kind in ("assumed", "benchmark", "measured"):
            inputs.number_field(f"settings.benefit_risk_{kind}")
    with f3:
        st.markdown("**Model rules**")
        inputs.select_field("settings.retention_timing", format_func=fmt.label)
        inputs.select_field("settings.lever_combination", format_func=fmt.label)
        inputs.toggle_field("settings.include_beyond_horizon")
        inputs.toggle_field("settings.realise_measured_uplift")
    st.caption("The Monte Carlo's uplift correlation is set on *Risk & sensitivity*.")

exports.chart(charts.waterfall(case), "Business case by component")

st.subheader("Components")
sym = fmt.currency_symbol(cur)
inis = case.initiatives
# Static tables on this page (st.table, through md.table): long names and headers wrap, where a
# data grid cut them off at 1280 px.
st.table(
    md.table({
        "Initiative": [i.name for i in inis],
        f"NPV ({cur})": fmt.money_column([i.npv for i in inis], cur),
        "ROI": [fmt.pct(i.roi, 0) for i in inis],
        "Payback": ["—" if i.payback_months is None else f"{i.payback_months:.1f}\u00a0mo" for i in inis],
        "Revenue : campaign cost": [fmt.ratio(i.revenue_per_campaign_dollar) for i in inis],
        "Evidence": [fmt.label(i.evidence) for i in inis],
        "Risk": [fmt.pct(i.benefit_risk, 0) for i in inis],
    }),
    hide_index=True,
)
st.caption(f"Payback: undiscounted; — when not within the horizon. Revenue : campaign cost: incremental revenue "
           f"per {sym.strip()}1 of variable campaign cost (— with none; benchmark about "
           f"{fmt.ratio(REVENUE_PER_CAMPAIGN_DOLLAR)}). Risk: the TEI risk adjustment of the initiative's benefits, "
           "from its evidence.")
with st.expander("Revenue, benefit and cost by component"):
    st.table(
        md.table({
            "Initiative": [i.name for i in inis],
            "Outcome": [charts.OUTCOME_LABELS.get(i.outcome, fmt.label(i.outcome)) for i in inis],
            f"Incremental revenue ({cur})": fmt.money_column([i.incremental_revenue for i in inis], cur),
            f"Benefit ({cur})": fmt.money_column([i.incremental_gross_profit for i in inis], cur),
            f"Total cost ({cur})": fmt.money_column([i.total_cost for i in inis], cur),
            f"Value beyond the horizon, PV ({cur})": fmt.money_column([i.beyond_horizon_value for i in inis], cur),
        }),
        hide_index=True,
    )
st.caption("NPV discounted at the scenario's rate. Benefit = incremental gross profit + cost savings over the "
           "horizon, risk-adjusted by each initiative's evidence; revenue, benefit and cost are undiscounted totals. "
           "Value beyond the horizon: what the extra retained customers still on the books at its end are worth "
           f"later (PV, {fmt.money(case.beyond_horizon_value, cur)} in all) — "
           + ("counted in NPV." if case.include_beyond_horizon else "shown, not counted in NPV (the TEI convention; "
              "switch it on in the finance settings)."))

left, right = st.columns(2, gap="large")
with left:
    exports.chart(charts.revenue_per_campaign_dollar(case, REVENUE_PER_CAMPAIGN_DOLLAR), "Revenue per campaign cost",
                  narrow=True)
    st.caption(f"Benchmark (consultancy figure): {REVENUE_PER_CAMPAIGN_DOLLAR_SOURCE}. Initiatives with no "
               "variable campaign cost (e.g. testing, automation) have no ratio and are not shown.")
with right:
    st.markdown("##### Overlap correction")
    combined = case.incremental_revenue + case.overlap_correction
    overlapping = [i for i in case.initiatives if i.overlap_correction > 0.5]
    rule = ("Initiatives pulling the same lever on the same segment combine as 1 − Π(1 − uplift), not as a "
            "sum, so the same customer is not won twice.")
    if overlapping:
        st.markdown(
            f"{rule} This removes **{fmt.money(case.overlap_correction, cur)}** of revenue "
            f"({fmt.pct(case.overlap_correction / combined if combined else None)} of the sum of stand-alone "
            f"revenues):"
        )
        st.table(md.table({
            "Initiative": [i.name for i in overlapping],
            f"Revenue removed ({cur})": [fmt.money(i.overlap_correction, cur, compact=False) for i in overlapping],
        }), hide_index=True)
    else:
        st.markdown(f"{rule} No two initiatives here pull the same lever on the same segment, so nothing "
                    "is removed.")
    interacting = [i for i in case.initiatives if abs(i.lever_interaction) > 0.5]
    if interacting:
        st.markdown(
            f"Different levers on the same customers multiply (revenue = visits × conversion × order value): "
            f"the cross terms add **{fmt.money(case.lever_interaction, cur)}**, shared by each lever's Shapley "
            "share:")
        st.table(md.table({
            "Initiative": [i.name for i in interacting],
            f"Cross term ({cur})": [fmt.money(i.lever_interaction, cur, compact=False) for i in interacting],
        }), hide_index=True)

st.subheader("Cash flow by year")
table = case.cash_flow_table()
st.dataframe(table.map(lambda v: fmt.money(v, cur, compact=False)), width="stretch")
st.caption(f"{cur}, risk-adjusted, undiscounted; year 0 is the initial investment.")

st.subheader("Evidence behind each uplift")
st.caption("An uplift is a hypothesis until a test rejects the null hypothesis. "
           ":orange-badge[assumed] nobody has shown it · :blue-badge[benchmark] published elsewhere · "
           ":green-badge[measured] our own test.")
for ini in scenario.initiatives:
    ev = ini.evidence
    note = f" — {ev.note}" if ev.note and ev.measured is None else ""  # a test's note repeats its figures
    st.markdown(
        f"{inputs.evidence_badge(ev.kind.value)} **{md.escape(ini.name)}**: base uplift {fmt.pct(ini.uplift.base)} "
        f"on {fmt.label(ini.lever).lower()} (range {fmt.pct(ini.uplift.low)} to {fmt.pct(ini.uplift.high)}). "
        + (f"Source: {md.escape(evidence_source(ev) + note)}" if ev.source or ev.measured else
           f"No source — note: {md.escape(ev.note)}" if ev.note else "No source given.")
    )
