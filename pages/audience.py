"""Audience: who can be reached and what they are worth today, segment by segment."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi.tables import rows_to_segments, segment_rows
from ui import format as fmt
from ui import inputs, state

scenario = state.get_scenario()
case = state.get_case()
cur = case.currency

st.title("Audience")
st.caption("Measurement area 1 — who can be reached and what they are worth today. Only customers "
           "who are identifiable **and** have consented can be personalized for; everyone else gets "
           "the default experience (data collected without consent must not be used).")
inputs.headline(case)

st.subheader("Segments")
st.caption("Edit cells directly; add or delete rows at the bottom of the table. Rates are fractions "
           "shown as %. Every value is per year. Invalid cells are named below the table and the results "
           "stay on the last valid scenario until they are fixed.")
N = st.column_config.NumberColumn
P = {"format": "percent", "step": 0.001}
columns = {
    "name": st.column_config.TextColumn("Segment", required=True, help="Unique segment name."),
    "customers": N("Customers", format="localized", min_value=0, help="Active customers (count)."),
    "visits_per_customer": N("Visits / customer / yr", format="%.1f", help="Visits, sessions or contacts per customer per year."),
    "baseline_conversion_rate": N("Conversion (orders/visit)", help="Baseline orders per visit, fraction 0–1.", **P),
    "average_order_value": N(f"Order value ({cur})", format="%.2f", help=f"Revenue per order, {cur}."),
    "gross_margin": N("Gross margin", help="Gross profit per unit of revenue, fraction 0–1.", **P),
    "retention_rate": N("Retention (yr)", help="Share of customers still active a year later, fraction 0–1.", **P),
    "identifiable_share": N("Identifiable", help="Share of customers we can recognise, fraction 0–1.", **P),
    "consent_share": N("Consented", help="Share of identifiable customers who consented to personalization.", **P),
}
labels = {k: v["label"] for k, v in columns.items()}
inputs.table_editor(
    "segments",
    scenario.model_dump(mode="json")["segments"],
    segment_rows,
    rows_to_segments,
    columns,
    labels,
    percent_columns=["baseline_conversion_rate", "gross_margin", "retention_rate",
                     "identifiable_share", "consent_share"],
)

st.subheader("What the audience is worth today")
rows = []
for seg in scenario.segments:
    srcs = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in seg.sources.items()) or "assumption"
    rows.append({
        "Segment": seg.name,
        f"Baseline revenue / yr ({cur})": fmt.money(seg.baseline_revenue, cur, compact=False),
        "Personalizable share": fmt.pct(seg.personalizable_share),
        "Personalizable customers": fmt.number(seg.customers * seg.personalizable_share),
        "Sources": srcs,
    })
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
total = sum(s.baseline_revenue for s in scenario.segments)
reach = sum(s.customers * s.personalizable_share for s in scenario.segments)
st.caption(f"Baseline revenue = customers × visits × conversion × order value: "
           f"{fmt.money(total, cur)} per year in total; {fmt.number(reach)} customers can be personalized for. "
           "Values without a stated source are assumptions.")
