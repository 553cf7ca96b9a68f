"""Overview: is this worth it? Headline figures, benchmark, outcomes, cash flow and drivers."""

from __future__ import annotations

import streamlit as st

from roi import charts
from roi.benchmarks import REVENUE_PER_CAMPAIGN_DOLLAR, REVENUE_PER_CAMPAIGN_DOLLAR_SOURCE
from roi.whatif import what_ifs
from ui import format as fmt
from ui import exports, inputs, state


@st.cache_data(show_spinner=False, max_entries=32)
def _what_ifs(scenario_json: str) -> list:
    import roi

    return what_ifs(roi.loads_scenario(scenario_json))


scenario = state.get_scenario()
case = state.get_case()
cur = case.currency
s = scenario.settings

st.title("Is personalization worth it?")
st.caption(f"**{s.name}** · {s.horizon_years}-year horizon · {fmt.pct(s.discount_rate, 0)} discount rate · "
           f"benefits −{fmt.pct(s.benefit_risk, 0)}, costs +{fmt.pct(s.cost_risk, 0)} risk adjustment")
inputs.headline(case)

best = max(case.initiatives, key=lambda i: i.npv)
verdict = "pays back" if case.npv > 0 else "does not pay back"
st.markdown(
    f"Over {s.horizon_years} years the programme **{verdict}**: a risk-adjusted NPV of "
    f"**{fmt.money(case.npv, cur)}** on {fmt.money(case.pv_costs, cur)} of discounted cost, "
    f"paying back in **{fmt.months(case.payback_months)}**. "
    f"The biggest contributor is **{best.name}** ({fmt.money(best.npv, cur)} NPV)."
)

left, right = st.columns([3, 2], gap="large")
with left:
    exports.chart(charts.cash_flow(case), "Cash flow")
with right:
    exports.chart(charts.benefits_by_outcome(case), "Benefits by outcome")
    ratio = case.revenue_per_campaign_dollar
    st.markdown("##### Incremental revenue per campaign dollar")
    if ratio is None:
        st.info("No variable campaign cost in this case, so revenue per campaign dollar is undefined.")
    else:
        gap = ratio - REVENUE_PER_CAMPAIGN_DOLLAR
        st.metric(
            f"Revenue per {fmt.currency_symbol(cur).strip()}1 of variable campaign cost",
            fmt.multiple(ratio, cur),
            delta=f"{gap:+.1f} vs benchmark ≈ ${REVENUE_PER_CAMPAIGN_DOLLAR:g} per $1",
            border=True,
        )
        st.caption(f"Benchmark, not a measurement of this business — {REVENUE_PER_CAMPAIGN_DOLLAR_SOURCE}.")

st.subheader("What drives the case")
d1, d2 = st.columns([3, 2], gap="large")
with d1:
    st.markdown("**What would change our mind** — programme NPV if one thing were different:")
    rows = _what_ifs(scenario.model_dump_json())
    st.dataframe(
        {
            "What if…": [w.label for w in rows],
            f"NPV ({cur})": [fmt.money(w.npv, cur) for w in rows],
            f"Change ({cur})": [("+" if w.change >= 0 else "") + fmt.money(w.change, cur) for w in rows],
        },
        hide_index=True, width="stretch",
    )
with d2:
    st.markdown("**Largest components** by NPV:")
    ranked = sorted(case.initiatives, key=lambda i: -i.npv)
    st.dataframe(
        {
            "Initiative": [i.name for i in ranked],
            f"NPV ({cur})": [fmt.money(i.npv, cur) for i in ranked],
            "Evidence": [i.evidence for i in ranked],
        },
        hide_index=True, width="stretch",
        column_config={"Initiative": st.column_config.TextColumn(width="medium")},
    )

with st.container(border=True):
    st.markdown(
        f"**Risk adjustment.** Headline figures follow Forrester's Total Economic Impact convention: "
        f"benefits are reduced by {fmt.pct(s.benefit_risk, 0)} and costs raised by "
        f"{fmt.pct(s.cost_risk, 0)}. Without it the NPV would be {fmt.money(case.unadjusted_npv, cur)}. "
        f"Process maturity (index {case.maturity.index:.2f}) means {fmt.pct(case.maturity.realisation, 0)} "
        f"of each uplift is realised, reaching full effect {case.maturity.ramp_months:.1f} months after "
        f"launch. Overlapping initiatives on the same lever and segment are not double counted "
        f"({fmt.money(case.overlap_correction, cur)} of revenue removed). Most personalization "
        f"efforts fail to scale — see *Business case* for the evidence behind each uplift."
    )
