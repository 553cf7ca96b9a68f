"""Overview: is this worth it? Headline figures, benchmark, outcomes, cash flow and drivers."""

from __future__ import annotations

import streamlit as st

from roi import charts
from roi import uncertainty as unc
from roi.references import REVENUE_PER_CAMPAIGN_DOLLAR, REVENUE_PER_CAMPAIGN_DOLLAR_SOURCE
from roi.verdict import MATERIAL_LOSS, verdict
from ui import format as fmt
from ui import analyses, exports, inputs, md, state

LARGEST_SHOWN = 8  # rows of "Largest components": the rest are on the Business case page

scenario = state.get_scenario()
case = state.get_case()
cur = case.currency
s = scenario.settings
sj = scenario.model_dump_json()
run = analyses.RiskRun.begin(scenario, sj)  # the Risk page's default run: one verdict everywhere

st.title("Is personalization worth it?")
st.caption(f"**{md.escape(s.name)}** · {s.horizon_years}-year horizon · {fmt.pct(s.discount_rate, 0)} discount "
           f"rate · benefits −{fmt.pct(case.effective_benefit_risk, 0)} on average (by evidence), costs "
           f"+{fmt.pct(s.cost_risk, 0)} risk adjustment")
inputs.headline(case)

verdict_slot = st.container()  # the verdict and its range: written when the Monte Carlo is in (below)
plan = analyses.plan(sj)
st.markdown(
    f"**{md.escape(plan.sentence(cur))}**",
    help="The recommended plan (Prioritization): the initiatives, order and launch months with the highest "
    "risk-adjusted NPV under the delivery capacity and budgets, shared programme costs included. The same plan "
    "is in the deck and the workbook.",
)

left, right = st.columns([3, 2], gap="large")
with left:
    exports.chart(charts.cash_flow(case), "Cash flow", narrow=True)
with right:
    exports.chart(charts.benefits_by_outcome(case), "Benefits by outcome", narrow=True)
    ratio = case.revenue_per_campaign_dollar
    sym = fmt.currency_symbol(cur).strip()
    st.markdown("##### Incremental revenue per unit of campaign cost")
    if ratio is None:
        st.info(f"No variable campaign cost in this case, so revenue per {sym}1 of campaign cost is undefined.")
    else:
        gap = ratio - REVENUE_PER_CAMPAIGN_DOLLAR
        st.metric(
            f"Revenue per {fmt.currency_symbol(cur).strip()}1 of variable campaign cost",
            fmt.ratio(ratio),
            delta=f"{gap:+.1f} vs benchmark ≈ {fmt.ratio(REVENUE_PER_CAMPAIGN_DOLLAR)}",
            border=True,
        )
        others = case.without_campaign_cost
        st.caption("Over the initiatives that carry campaign cost"
                   + (f"; {fmt.money(case.revenue_without_campaign_cost, cur)} of revenue comes from "
                      f"{md.escape(', '.join(others))}, which carr{'ies' if len(others) == 1 else 'y'} none"
                      if others else " (every initiative here does)")
                   + f". Benchmark, not a measurement of this business — {REVENUE_PER_CAMPAIGN_DOLLAR_SOURCE}.")

st.subheader("What drives the case")
d1, d2 = st.columns([3, 2], gap="large")
with d1:
    st.markdown("**What would change our mind** — programme NPV if one thing were different:")
    rows = analyses.whatifs(scenario.model_dump_json())
    # static tables (st.table) here and below: they wrap a long name in a half-width column
    # where a data grid cuts it off
    st.table(
        md.table({
            "What if…": [w.label for w in rows],
            f"NPV ({cur})": fmt.money_column([w.npv for w in rows], cur),
            f"Change ({cur})": [("+" if w.change >= 0 else "") + t
                                for w, t in zip(rows, fmt.money_column([w.change for w in rows], cur))],
        }),
        hide_index=True,
    )
with d2:
    st.markdown("**Largest components** by NPV:")
    by_npv = sorted(case.initiatives, key=lambda i: -i.npv)
    shown = by_npv[:LARGEST_SHOWN]
    st.table(
        md.table({
            "Initiative": [i.name for i in shown],
            f"NPV ({cur})": fmt.money_column([i.npv for i in shown], cur),
            "Evidence": [fmt.label(i.evidence) for i in shown],
        }),
        hide_index=True,
    )
    if len(by_npv) > len(shown):
        st.caption(f"The {len(shown)} largest of {len(by_npv)}; every initiative is on *Business case*.")

with st.container(border=True):
    st.markdown(
        f"**Risk adjustment.** Headline figures follow Forrester's Total Economic Impact convention: "
        f"each benefit is reduced by the risk of its evidence (assumed {fmt.pct(s.benefit_risk_assumed, 0)}, "
        f"benchmark {fmt.pct(s.benefit_risk_benchmark, 0)}, measured {fmt.pct(s.benefit_risk_measured, 0)}; "
        f"{fmt.pct(case.effective_benefit_risk, 0)} overall) and costs raised by "
        f"{fmt.pct(s.cost_risk, 0)}. Without it the NPV would be {fmt.money(case.unadjusted_npv, cur)}. "
        f"Process maturity (index {case.maturity.index:.2f}) means {fmt.pct(case.maturity.realisation, 0)} "
        f"of each assumed or benchmark uplift is realised (a measured one was measured as the organisation runs), "
        f"reaching full effect {case.maturity.ramp_months:.1f} months after launch. Overlapping initiatives on the same lever and segment are not double counted "
        f"({fmt.money(case.overlap_correction, cur)} of revenue removed). Most personalization "
        f"efforts fail to scale — see *Business case* for the evidence behind each uplift."
    )

# The verdict needs the Monte Carlo's chance of losing money: written last, into its place near the
# top, so the rest of the page is drawn while the run finishes in its helper process.
with verdict_slot:
    best = max(case.initiatives, key=lambda i: i.npv)
    try:
        quick, refining = run.result()
        risk = {**quick.summary(), "prob_loss": quick.prob_npv_negative}
    except ValueError:  # a scenario the simulation cannot vary: the headline still stands
        risk, refining = None, False
    p_loss = risk["prob_loss"] if risk else None
    judged = verdict(case.npv, p_loss)
    pb = case.payback_months
    if pb is None:
        payback_text = f"the undiscounted cash flow does not pay back within {s.horizon_years} years"
    elif case.npv <= 0:
        payback_text = (f"undiscounted payback comes only after {fmt.months(pb)}, too late to recover the "
                        f"{fmt.pct(s.discount_rate, 0)} cost of capital")
    else:
        payback_text = f"undiscounted payback comes after {fmt.months(pb)}"
    st.markdown(
        f"Over {s.horizon_years} years the programme {judged.phrase}. Risk-adjusted NPV is "
        f"**{fmt.money(case.npv, cur)}** on {fmt.money(case.pv_costs, cur)} of discounted cost; "
        f"{payback_text}. The biggest contributor is **{md.escape(best.name)}** ({fmt.money(best.npv, cur)} NPV)."
        + (f" Customers kept beyond the horizon add {fmt.money(case.beyond_horizon_value, cur)} of value"
           + (" (counted in NPV)." if case.include_beyond_horizon else ", not counted in NPV (the TEI convention).")
           if case.beyond_horizon_value > 0 else ""),
        help=f"The verdict's rule: not worth it when the risk-adjusted NPV is zero or less; marginal when it is "
        f"positive but the chance of losing money is {MATERIAL_LOSS:.0%} or more; worth it otherwise.",
    )
    if risk is not None:
        st.markdown(
            f"**Range:** NPV P10 **{fmt.money(risk['npv_p10'], cur)}** to P90 **{fmt.money(risk['npv_p90'], cur)}** · "
            f"chance of losing money P(NPV < 0) **{fmt.pct(p_loss)}** · the risk-adjusted NPV sits at "
            f"**P{risk['risk_adjusted_npv_percentile']:.0f}** — see *Risk & sensitivity* for what decides it.",
            help=f"{risk['draws']:,} Monte Carlo draws with the Risk page's default ranges (seed {risk['seed']}, PERT, "
            f"uplifts correlated ρ = {risk['correlation']:g}) — "
            + ("the Risk page's and the exports' run" if risk["draws"] == unc.DEFAULT_DRAWS else
               f"the first {risk['draws']:,} of the {unc.DEFAULT_DRAWS:,} the Risk page runs, while the rest run")
            + " — on the model before risk adjustment: the ranges are the risk, so the TEI haircut is not stacked "
            "under them.",
        )
        if refining:  # a large case: its first draws; the page again when the rest are in

            @st.fragment(run_every=1.0)
            def _wait_for_the_full_run() -> None:
                if analyses.finished(sj, ranges=analyses.ranges_key()):
                    st.rerun()

            _wait_for_the_full_run()
