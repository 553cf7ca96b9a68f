"""Prioritization: the recommended plan — what first, when, why — and the lenses that explain it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi import charts
from roi import prioritization as pr
from roi.delay import cost_of_delay_per_month
from roi.plan import apply_timing
from ui import format as fmt
from ui import analyses, exports, inputs, md, state


@st.cache_data(show_spinner=False, max_entries=32)
def _cost_of_delay(scenario_json: str) -> dict[str, float]:
    return cost_of_delay_per_month(state.parsed(scenario_json))


def _apply_timing() -> None:
    scenario = state.get_scenario()
    state.set_scenario(apply_timing(scenario, analyses.plan(scenario.model_dump_json())),
                       note="Launch months set to the recommended plan's.")


scenario = state.get_scenario()
case = state.get_case()
cur = case.currency
names = [i.name for i in scenario.initiatives]

st.title("Prioritization")
st.caption("What to do first: the plan with the highest risk-adjusted NPV under your delivery capacity and "
           "budgets — quick wins first, big bets planned, money pits dropped. The ranking lenses below explain it.")
inputs.headline(case)

with st.expander("Plan settings — capacity, budgets, always / never", expanded=False):
    c1, c2, c3 = st.columns(3)
    with c1:
        inputs.number_field("plan.capacity_fte", show_source=False)
    with c2:
        inputs.number_field("plan.budget_one_time", money=True, step=50_000.0, show_source=False)
    with c3:
        inputs.number_field("plan.budget_year1", money=True, step=50_000.0, show_source=False)
    p1, p2 = st.columns(2)
    with p1:
        inputs.multiselect_field("plan.pinned_in", "Always do", names, "The plan must include these.")
    with p2:
        inputs.multiselect_field("plan.pinned_out", "Never do", names, "The plan must leave these out.")

try:
    plan = analyses.plan(scenario.model_dump_json())
except ValueError as exc:
    st.error(f"Cannot plan this scenario: {md.escape(exc)}")
    st.stop()

st.subheader("The recommended plan")
gain = plan.plan_npv - plan.as_planned_npv
first = plan.first()
st.markdown(
    f"**Do first: {md.escape(', '.join(first)) if first else 'nothing'}.** "
    f"The recommended plan is worth **{fmt.money(plan.plan_npv, cur)}** NPV "
    f"({'+' if gain >= 0 else ''}{fmt.money(gain, cur)} against the case as planned, "
    f"{fmt.money(plan.as_planned_npv, cur)}), shared programme costs included, with "
    f"{plan.constraints.capacity_fte:g} FTEs per quarter."
    + (f" Drop: {md.escape(', '.join(plan.dropped))}." if plan.dropped else "")
    + (f" Defer: {md.escape(', '.join(plan.deferred))}." if plan.deferred else ""),
    help="The plan queues the chosen initiatives through the delivery team in order: each launches at the later "
    "of its own months to launch and the month the team has built it. It keeps the initiatives and order that "
    "give the highest NPV (exact search up to 20 initiatives). Its NPV is the full model's on the plan.",
)
table = plan.table()
status_label = {"do": "Do", "defer": "Defer", "drop": "Drop"}
# Static tables on this page (st.table): the plan's reasons and the initiatives' names wrap, where
# a data grid cut them off at 1280 px.
st.table(
    md.table(pd.DataFrame({
        "#": table["#"],
        "Initiative": table["initiative"],
        "Status": [status_label[s] for s in table["status"]],
        "Launch": [fmt.DASH if pd.isna(q) else f"{fmt.quarter(int(q) - 1)} · month\u00a0{m:.0f}"
                   for q, m in zip(table["quarter"], table["launch_month"])],
        f"NPV ({cur})": fmt.money_column(table["npv"], cur),
        "Why": table["reason"],
    })),
    hide_index=True,
)
st.caption(("Found by exact search over every choice and order of the initiatives" if plan.method == "exact"
            else f"Found by {plan.method}")
           + (f", within {fmt.money(plan.gap, cur)} of the best any plan could reach" if plan.gap is not None else "")
           + ". NPV of a planned initiative is its NPV in the plan; of the others, in the case as planned.")
if plan.do:
    st.button("Apply the plan's timing to the scenario", on_click=_apply_timing, key="prio_apply_timing",
              help="Set each planned initiative's months to launch to the plan's launch month, so every page, "
              "the deck and the workbook follow the plan's timing.", disabled=inputs.presenting())
    g1, g2 = st.columns(2, gap="large")
    with g1:
        exports.chart(charts.plan_gantt(table, plan.constraints.capacity_fte), "Recommended plan", narrow=True)
    with g2:
        exports.chart(charts.plan_cumulative(plan.curve(), cur), "Cumulative net cash", narrow=True)

st.subheader("Lenses that explain the plan")
st.caption("Ranking scores are lenses, not decisions: each answers one question (value per effort, reach × "
           "impact × confidence, ease, cost of delay). The plan above is what to do.")
settings = scenario.plan
c1, c2, c3 = st.columns([1, 1, 2])
with c1:
    inputs.select_field("plan.impact", "Impact", ["npv", "profit"],
                        "NPV: risk-adjusted, net of the initiative's costs. Incremental profit: gross profit + "
                        "savings over the horizon, before its costs and before the shared programme costs.",
                        format_func=lambda v: {"npv": "NPV", "profit": "Incremental profit"}[v])
with c2:
    inputs.select_field("plan.cost_axis", "Resource cost", ["effort", "cost"], "What an initiative takes.",
                        format_func=lambda v: {"effort": "Effort (FTE-months)", "cost": "Total cost"}[v])
with c3:
    inputs.select_field("plan.lens", "Lens", [m.value for m in pr.Method],
                        "Value ÷ effort = impact ÷ resource cost. RICE = reach × impact score × confidence ÷ effort. "
                        "ICE = impact × confidence × ease (1–10 each). WSJF = cost of delay per month ÷ months to "
                        "launch.", format_func=lambda v: pr.METHOD_LABELS[pr.Method(v)])

impact, method = settings.impact, settings.lens
resource, resource_note = pr.resource_axis(case, settings.cost_axis)
if resource_note:
    st.info(resource_note)
cod = _cost_of_delay(scenario.model_dump_json())
scores = pr.score_table(case, cod, method=method, impact=impact, resource=resource)
i_split, r_split = pr.splits(scores["impact"].to_numpy(float), scores["resource"].to_numpy(float))
impact_label = f"{pr.IMPACT_TITLES[pr.Impact(impact)]} ({cur} M)"
money_resource = resource == pr.Resource.cost
resource_label = f"{pr.RESOURCE_TITLES[resource]} ({cur} M)" if money_resource else pr.RESOURCE_TITLES[resource]
markers = dict(zip(table["initiative"], table["#"]))

left, right = st.columns([4, 3], gap="large")
with left:
    exports.chart(
        charts.impact_effort(scores, impact_title=impact_label, resource_title=resource_label,
                             impact_split=i_split, resource_split=r_split, currency=cur,
                             resource_is_money=money_resource, markers=markers),
        "Impact vs resource cost", narrow=True,
    )
unit = {"value_per_effort": f"{cur} per {'FTE-month' if not money_resource else cur}",
        "rice": "customers × score ÷ FTE-month", "ice": "1–1000",
        "wsjf": f"{cur} per month of delay ÷ month"}[method]
score_text = [fmt.significant(v) if pd.notna(v) else "undefined (no resource cost)" for v in scores["score"]]
with right:
    st.markdown(f"##### Lens: {pr.METHOD_LABELS[pr.Method(method)]}")
    st.table(
        md.table(pd.DataFrame({"#": [markers[n] for n in scores["initiative"]], "Initiative": scores["initiative"],
                               "Quadrant": scores["quadrant"], f"Score ({unit})": score_text,
                               "Lens rank": scores["rank"]})),
        hide_index=True,
    )
    st.caption("Numbers are the plan's rows. Quadrant lines are the portfolio medians; an initiative exactly on a "
               "line counts as high impact / low cost. An initiative that loses money is a money pit however little "
               "it costs." + (" Profit is before the shared programme costs." if impact == "profit" else ""))

st.markdown("##### The figures behind the lens")
st.table(
    md.table(pd.DataFrame({
        "#": [markers[n] for n in scores["initiative"]],
        "Initiative": scores["initiative"],
        f"Score ({unit})": score_text,
        "Quadrant": scores["quadrant"],
        impact_label.replace(" M)", ")"): fmt.money_column(scores["impact"], cur),
        resource_label.replace(" M)", ")"): fmt.money_column(scores["resource"], cur) if money_resource
        else [fmt.number(v, 1) for v in scores["resource"]],
        "Evidence": [fmt.label(v) for v in scores["evidence"]],
        "Confidence": [fmt.pct(v, 0) for v in scores["confidence"]],
        f"Cost of delay ({cur} per month)": fmt.money_column(scores["cost_of_delay"], cur),
    })),
    hide_index=True,
)
st.caption("Confidence comes from the evidence: assumed 50%, benchmark 80%, measured 100%. Cost of delay: "
           "NPV forgone per month the initiative launches later.")
