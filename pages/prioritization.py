"""Prioritization: what first — impact vs resource cost, ranking methods and a roadmap."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import roi
from roi import charts
from roi import prioritization as pr
from roi.delay import cost_of_delay_per_month
from ui import format as fmt
from ui import exports, inputs, state


@st.cache_data(show_spinner=False, max_entries=32)
def _cost_of_delay(scenario_json: str) -> dict[str, float]:
    return cost_of_delay_per_month(roi.loads_scenario(scenario_json))


scenario = state.get_scenario()
case = state.get_case()
cur = case.currency

st.title("Prioritization")
st.caption("Which initiatives have the greatest impact on the business with the least impact on "
           "resources: quick wins first, big bets planned, money pits dropped.")
inputs.headline(case)

c1, c2, c3 = st.columns([1, 1, 2])
impact = c1.radio("Impact", list(pr.Impact), key="prio_impact", horizontal=True,
                  format_func=lambda v: {"npv": "NPV", "profit": "Incremental profit"}[pr.Impact(v).value],
                  help="NPV: risk-adjusted, net of the initiative's costs. Incremental profit: gross "
                  "profit + savings over the horizon, before costs.")
resource = c2.radio("Resource cost", list(pr.Resource), key="prio_resource", horizontal=True,
                    format_func=lambda v: {"effort": "Effort (FTE-months)", "cost": "Total cost"}[pr.Resource(v).value])
method = c3.radio("Rank by", list(pr.Method), key="prio_method", horizontal=True,
                  format_func=lambda v: pr.METHOD_LABELS[pr.Method(v)],
                  help="Value ÷ effort = impact ÷ resource cost. RICE = reach × impact score × confidence "
                  "÷ effort. ICE = impact × confidence × ease (1–10 each). WSJF = cost of delay per month "
                  "÷ months to launch.")

cod = _cost_of_delay(scenario.model_dump_json())
scores = pr.score_table(case, cod, method=method, impact=impact, resource=resource)
i_split, r_split = pr.splits(scores["impact"].to_numpy(float), scores["resource"].to_numpy(float))
impact_label = {"npv": f"NPV ({cur} M)", "profit": f"Incremental profit ({cur} M)"}[pr.Impact(impact).value]
money_resource = pr.Resource(resource) == pr.Resource.cost
resource_label = f"Total cost over the horizon ({cur} M)" if money_resource else "Effort (FTE-months)"

left, right = st.columns([4, 3], gap="large")
with left:
    exports.chart(
        charts.impact_effort(scores, impact_title=impact_label, resource_title=resource_label,
                             impact_split=i_split, resource_split=r_split, currency=cur,
                             resource_is_money=money_resource),
        "Impact vs resource cost",
    )
unit = {"value_per_effort": f"{cur} per {'FTE-month' if not money_resource else cur}",
        "rice": "customers × score ÷ FTE-month", "ice": "1–1000",
        "wsjf": f"{cur} per month of delay ÷ month"}[pr.Method(method).value]
score_text = [fmt.number(v, 2 if pr.Method(method) == pr.Method.ice else 0)
              if pd.notna(v) else "undefined (no resource cost)" for v in scores["score"]]
with right:
    st.markdown(f"##### Ranked by {pr.METHOD_LABELS[pr.Method(method)]}")
    st.dataframe(
        pd.DataFrame({"#": scores["rank"], "Initiative": scores["initiative"], "Quadrant": scores["quadrant"],
                      f"Score ({unit})": score_text}),
        hide_index=True, width="stretch",
        column_config={"#": st.column_config.NumberColumn(width=40),
                       "Initiative": st.column_config.TextColumn(width=190)},
    )
    st.caption("Quadrant lines are the portfolio medians; an initiative that loses money is a money pit "
               "however little it costs. The figures behind the ranking are below.")

st.markdown("##### The figures behind the ranking")
st.dataframe(
    pd.DataFrame({
        "#": scores["rank"],
        "Initiative": scores["initiative"],
        f"Score ({unit})": score_text,
        "Quadrant": scores["quadrant"],
        impact_label.replace(" M)", ")"): fmt.money_column(scores["impact"], cur),
        resource_label.replace(" M)", ")"): fmt.money_column(scores["resource"], cur) if money_resource
        else [fmt.number(v, 1) for v in scores["resource"]],
        "Evidence": [fmt.label(v) for v in scores["evidence"]],
        "Confidence": [fmt.pct(v, 0) for v in scores["confidence"]],
        f"Cost of delay ({cur} per month)": fmt.money_column(scores["cost_of_delay"], cur),
    }),
    hide_index=True, width="stretch",
    column_config={"#": st.column_config.NumberColumn(width="small")},
)
st.caption("Confidence comes from the evidence: assumed 50%, benchmark 80%, measured 100%. Cost of delay: "
           "NPV forgone per month the initiative launches later.")

st.subheader("Roadmap under a capacity limit")
pits = [r.initiative for r in scores.itertuples() if r.quadrant == pr.Quadrant.money_pit.value]
cap_col, pit_col = st.columns([1, 2], vertical_alignment="bottom")
include_pits = pit_col.toggle(
    f"Include money pits ({len(pits)})", key="prio_include_pits", disabled=not pits,
    help="Money pits are left out of the roadmap by default: the ranking says to drop them, so they "
    "should neither take capacity nor drag the cumulative benefit down.")
capacity = cap_col.number_input("Delivery capacity (FTEs per quarter)", min_value=0.5, max_value=500.0,
                           value=6.0, step=0.5, key="prio_capacity",
                           help="People available to build initiatives in each quarter. Initiatives start in "
                           "rank order as soon as enough capacity is free.")
plan = pr.roadmap(case, scores, capacity, include_money_pits=include_pits)
if not plan.items:
    st.info("Every initiative is a money pit: there is nothing worth scheduling. Turn on "
            "**Include money pits** to see the roadmap anyway.")
    st.stop()
table = plan.table()
total_effort = float(table["effort_fte_months"].sum())
g1, g2 = st.columns(2, gap="large")
with g1:
    exports.chart(charts.roadmap_gantt(table, capacity), "Roadmap")
with g2:
    exports.chart(charts.cumulative_benefit(plan.curve, cur), "Cumulative benefit")
end = plan.curve[plan.curve.month == plan.curve.month.max()]
limited = float(end[end.plan == "Capacity-limited plan"].cumulative_net.iloc[0])
at_once = float(end[end.plan == "Everything at once"].cumulative_net.iloc[0])
horizon_q = 4 * scenario.settings.horizon_years
late = [it.name for it in plan.items if it.start_quarter >= horizon_q]
st.markdown(
    f"With **{capacity:g} FTEs** per quarter the last initiative launches in quarter "
    f"**{int(table['launch_quarter'].max())}**; cumulative net benefit by the end of the horizon is "
    f"**{fmt.money(limited, cur)}** against {fmt.money(at_once, cur)} if everything started at once "
    f"(the capacity limit costs {fmt.money(at_once - limited, cur)}). Total effort: "
    f"{fmt.number(total_effort, 0)} FTE-months."
    + (f" Starting after the horizon: {', '.join(late)}." if late else "")
    + (f" Left out as money pits: {', '.join(pits)}." if pits and not include_pits else "")
)
