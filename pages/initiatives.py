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
    for field, label, text in (("low", "Uplift, low", "Pessimistic relative uplift of the lever."),
                               ("base", "Uplift, base", "Expected relative uplift used in the headline case."),
                               ("high", "Uplift, high", "Optimistic relative uplift of the lever.")):
        inputs.number_field(f"{p}.uplift.{field}", label, "% relative", percent=True, step=0.5, help=text,
                            parent_problems=field == "base", source=evidence, show_source=False)
    st.caption(f"Source of the uplift range: {evidence}")
    inputs.select_field(f"{p}.evidence.kind", "Evidence", [e.value for e in EvidenceKind],
                        "assumed: nobody has shown it; benchmark: published elsewhere; measured: our own test. It "
                        "sets the benefit's risk adjustment.")
    inputs.text_field(f"{p}.evidence.source", "Evidence source", "Publication or test name.")
    inputs.number_field(f"{p}.benefit_risk", step=1.0)
    st.caption(f"Risk adjustment applied: **{fmt.pct(ic.benefit_risk, 0)}** of its benefits"
               + ("" if ini.benefit_risk is not None else f" (the rate for {ini.evidence.kind.value} uplifts)")
               + (". A measured uplift is not cut again by maturity realisation."
                  if ini.evidence.kind == EvidenceKind.measured and not scenario.settings.realise_measured_uplift
                  else "."))
    inputs.number_field(f"{p}.effect_decay", step=5.0)
with c2:
    st.markdown("**Costs**")
    inputs.number_field(f"{p}.one_time_cost", "One-time cost", f"{cur}, at year 0",
                        "Implementation cost of the initiative.", step=10_000.0, money=True)
    inputs.number_field(f"{p}.annual_running_cost", "Running cost", f"{cur} per year",
                        "Licences, operations once launched.", step=10_000.0, money=True)
    inputs.number_field(f"{p}.variable_campaign_cost", "Variable campaign cost", f"{cur} per year",
                        "Sends, media and incentives at full run-rate (the denominator of revenue per "
                        "campaign dollar).", step=10_000.0, money=True)
    if ini.lever == Lever.cost_saving:
        inputs.number_field(f"{p}.cost_base", "Cost base addressed", f"{cur} per year",
                            "Annual cost this efficiency initiative saves on.", step=10_000.0, money=True)
    inputs.number_field(f"{p}.content_assets", "Content assets", "assets per refresh",
                        "Distinct assets needed per refresh (priced on the Content page).", step=1.0)
with c3:
    st.markdown("**Reach and delivery**")
    inputs.multiselect_field(f"{p}.segments", "Target segments", segment_names,
                             "Segments the initiative personalizes for (none for cost saving).")
    inputs.toggle_field(f"{p}.requires_identity")
    inputs.number_field(f"{p}.channel_reach", "Channel reach",
                        "% of " + ("personalizable customers" if ini.requires_identity else "all customers"),
                        percent=True, step=5.0,
                        help="Share of the eligible customers the channel reaches: identified and consented ones "
                        "for personalization by profile, everyone for personalization by context.")
    inputs.number_field(f"{p}.effort_fte_months", "Effort", "FTE-months",
                        "Delivery effort: people × months to build and launch.", step=1.0)
    inputs.number_field(f"{p}.months_to_launch", "Months to launch", "months, 0–120",
                        "Months from programme start until the initiative goes live.", step=1.0)

st.subheader("All initiatives")
st.caption("Edit any cell; add or delete rows at the bottom. Uplifts and reach are typed in percent (5 = +5%), "
           "like the fields above. "
           "Problems are named below the table; results stay on the last valid scenario until fixed.")
N = st.column_config.NumberColumn
S = st.column_config.SelectboxColumn
PCT = {"format": "%.1f%%", "step": 0.1}
MONEY = {"format": "localized", "step": 1000}
columns = {
    "name": st.column_config.TextColumn("Initiative", required=True, width="medium", pinned=True),
    "outcome": S("Outcome", options=[o.value for o in Outcome], required=True),
    "lever": S("Lever", options=[v.value for v in Lever], required=True),
    "segments": st.column_config.MultiselectColumn("Segments", options=segment_names),
    "requires_identity": st.column_config.CheckboxColumn(
        "Needs identity", help="On: identified and consented customers only. Off: by context, everyone."),
    "channel_reach": N("Reach", help="% of eligible customers the channel reaches, 0–100.",
                       min_value=0.0, max_value=100.0, **PCT),
    "uplift_low": N("Uplift low", help="Pessimistic relative uplift, in % (5 = +5%).", **PCT),
    "uplift_base": N("Uplift base", help="Expected relative uplift, in % (5 = +5%).", **PCT),
    "uplift_high": N("Uplift high", help="Optimistic relative uplift, in % (5 = +5%).", **PCT),
    "effect_decay": N("Decay/yr", help="% of the effect lost each year after full ramp.", min_value=0.0,
                      max_value=90.0, **PCT),
    "depth": S("Depth", options=[d.value for d in Depth]),
    "content_assets": N("Assets", format="%d"),
    "one_time_cost": N(f"One-time ({cur})", **MONEY),
    "annual_running_cost": N(f"Running/yr ({cur})", **MONEY),
    "variable_campaign_cost": N(f"Campaign/yr ({cur})", **MONEY),
    "cost_base": N(f"Cost base/yr ({cur})", **MONEY),
    "effort_fte_months": N("Effort (FTE-mo)", format="%.1f"),
    "months_to_launch": N("Launch (months)", format="%.1f"),
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
