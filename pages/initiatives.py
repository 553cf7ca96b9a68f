"""Initiatives: the components of the case, edited as a table or one at a time."""

from __future__ import annotations

import streamlit as st

from roi.schema import Depth, EvidenceKind, Lever, Outcome
from roi.tables import INITIATIVE_PERCENT_COLUMNS, initiative_rows, rows_to_initiatives
from ui import format as fmt
from ui import inputs, state

scenario = state.get_scenario()
case = state.get_case()
cur = case.currency
segment_names = [s.name for s in scenario.segments]

st.title("Initiatives")
st.caption("The components the case is broken into — each with its own lever, uplift, costs and effort. "
           "This is the one place initiatives are edited; the Business case and Prioritization pages "
           "show the results.")
inputs.headline(case)

st.subheader("Edit one initiative")
names = [i.name for i in scenario.initiatives]
pick_key = "initiative_pick"
if st.session_state.get(pick_key, 0) >= len(names):
    st.session_state[pick_key] = 0
k = st.selectbox("Initiative", range(len(names)), format_func=lambda j: names[j], key=pick_key)
ini = scenario.initiatives[k]
ic = case.initiatives[k]
p = f"initiatives[{k}]"
st.markdown(
    f"{inputs.evidence_badge(ini.evidence.kind.value)} NPV **{fmt.money(ic.npv, cur)}** · ROI "
    f"**{fmt.pct(ic.roi, 0)}** · payback **{fmt.months(ic.payback_months)}** · incremental revenue "
    f"**{fmt.money(ic.incremental_revenue, cur)}** over the horizon"
)
c1, c2, c3 = st.columns(3, gap="large")
with c1:
    st.markdown("**Uplift** (relative change of the lever; +5% = 5)")
    # An uplift's provenance is the initiative's evidence (assumed / benchmark / measured).
    evidence = inputs.evidence_line(ini.evidence)
    for field in ("low", "base", "high"):
        inputs.number_field(f"{p}.uplift.{field}", parent_problems=field == "base", source=evidence,
                            show_source=False)
    st.caption(f"Source of the uplift range: {evidence}")
    inputs.select_field(f"{p}.evidence.kind")
    inputs.text_field(f"{p}.evidence.source")
    inputs.number_field(f"{p}.benefit_risk", step=1.0)
    st.caption(f"Risk adjustment applied: **{fmt.pct(ic.benefit_risk, 0)}** of its benefits"
               + ("" if ini.benefit_risk is not None else f" (the rate for {ini.evidence.kind.value} uplifts)")
               + (". A measured uplift is not cut again by maturity realisation."
                  if ini.evidence.kind == EvidenceKind.measured and not scenario.settings.realise_measured_uplift
                  else "."))
    inputs.number_field(f"{p}.effect_decay", step=5.0)
with c2:
    st.markdown("**Costs**")
    inputs.number_field(f"{p}.one_time_cost")
    inputs.number_field(f"{p}.annual_running_cost")
    inputs.number_field(f"{p}.variable_campaign_cost")
    if ini.lever == Lever.cost_saving:
        inputs.number_field(f"{p}.cost_base")
    inputs.number_field(f"{p}.content_assets")
with c3:
    st.markdown("**Reach and delivery**")
    inputs.multiselect_field(f"{p}.segments", options=segment_names)
    inputs.toggle_field(f"{p}.requires_identity")
    # the unit says who is eligible, which depends on the identity switch above
    inputs.number_field(f"{p}.channel_reach", unit="% of " + ("personalizable customers" if ini.requires_identity
                                                               else "all customers"))
    inputs.number_field(f"{p}.effort_fte_months")
    inputs.number_field(f"{p}.months_to_launch")

st.subheader("All initiatives")
st.caption("Edit any cell; add or delete rows at the bottom. Uplifts and reach are typed in percent (5 = +5%), "
           "like the fields above. "
           "Problems are named below the table; results stay on the last valid scenario until fixed.")
S = st.column_config.SelectboxColumn
ROW = "initiatives[0]."  # the registry's field of every row
columns = {
    "name": st.column_config.TextColumn("Initiative", required=True, width="medium", pinned=True),
    "outcome": S("Outcome", options=[o.value for o in Outcome], required=True),
    "lever": S("Lever", options=[v.value for v in Lever], required=True),
    "segments": st.column_config.MultiselectColumn("Segments", options=segment_names),
    "requires_identity": st.column_config.CheckboxColumn(
        "Needs identity", help="On: identified and consented customers only. Off: by context, everyone."),
    "channel_reach": inputs.column(ROW + "channel_reach"),
    "uplift_low": inputs.column(ROW + "uplift.low", min_value=None, max_value=None),
    "uplift_base": inputs.column(ROW + "uplift.base", min_value=None, max_value=None),
    "uplift_high": inputs.column(ROW + "uplift.high", min_value=None, max_value=None),
    "effect_decay": inputs.column(ROW + "effect_decay"),
    "depth": S("Depth", options=[d.value for d in Depth]),
    "content_assets": inputs.column(ROW + "content_assets", format="%d", step=None),
    "one_time_cost": inputs.column(ROW + "one_time_cost"),
    "annual_running_cost": inputs.column(ROW + "annual_running_cost"),
    "variable_campaign_cost": inputs.column(ROW + "variable_campaign_cost"),
    "cost_base": inputs.column(ROW + "cost_base"),
    "effort_fte_months": inputs.column(ROW + "effort_fte_months", format="%.1f", step=None),
    "months_to_launch": inputs.column(ROW + "months_to_launch", format="%.1f", step=None),
    "evidence_kind": S("Evidence", options=[e.value for e in EvidenceKind]),
    "evidence_source": st.column_config.TextColumn("Evidence source"),
}
labels = {"name": "Initiative", "uplift.low": "Uplift low", "uplift.base": "Uplift base",
          "uplift.high": "Uplift high", "uplift": "Uplift", "evidence.kind": "Evidence",
          "evidence.source": "Evidence source",
          **{k: v["label"] for k, v in columns.items() if "_" not in k or k not in ("uplift_low",)}}
inputs.table_editor(
    "initiatives",
    scenario.model_dump(mode="json")["initiatives"],
    initiative_rows,
    rows_to_initiatives,
    columns,
    labels,
    percent_columns=["channel_reach", "uplift.low", "uplift.base", "uplift.high", "effect_decay"],
    percent_cells=INITIATIVE_PERCENT_COLUMNS,
)
