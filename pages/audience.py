"""Audience: who can be reached and what they are worth today, segment by segment."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi.tables import SEGMENT_PERCENT_COLUMNS, rows_to_segments, segment_rows
from ui import format as fmt
from ui import inputs, md, state

scenario = state.get_scenario()
case = state.get_case()
cur = case.currency

st.title("Audience")
st.caption("Measurement area 1 — who can be reached and what they are worth today. Only customers "
           "who are identifiable **and** have consented can be personalized for; everyone else gets "
           "the default experience (data collected without consent must not be used).")
inputs.headline(case)

st.subheader("Segments")
st.caption("Edit cells directly; add or delete rows at the bottom of the table. Rates are typed in percent "
           "(80 = 80%), like the other fields. Visits and retention are per year; order value is per order; "
           "customers is a count. Invalid cells are named below the table and the results stay on the last "
           "valid scenario until they are fixed.")
ROW = "segments[0]."  # the registry's field of every row
columns = {
    "name": st.column_config.TextColumn("Segment", required=True, pinned=True, width=175,
                                        help="Unique segment name."),
    "customers": inputs.column(ROW + "customers", format="localized", width=98, step=None),
    "identifiable_share": inputs.column(ROW + "identifiable_share", width=98),
    "consent_share": inputs.column(ROW + "consent_share", width=98),
    "visits_per_customer": inputs.column(ROW + "visits_per_customer", format="%.1f", width=98),
    "baseline_conversion_rate": inputs.column(ROW + "baseline_conversion_rate", width=98),
    "average_order_value": inputs.column(ROW + "average_order_value", format="%.2f", width=98, step=None),
    "gross_margin": inputs.column(ROW + "gross_margin", width=98),
    "retention_rate": inputs.column(ROW + "retention_rate", width=98),
}
labels = {k: v["label"] for k, v in columns.items()}
inputs.table_editor(
    "segments",
    scenario.model_dump(mode="json")["segments"],
    segment_rows,
    rows_to_segments,
    columns,
    labels,
    percent_columns=SEGMENT_PERCENT_COLUMNS,
    percent_cells=SEGMENT_PERCENT_COLUMNS,
    column_order=list(columns),
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
st.table(md.table(rows), hide_index=True)  # static: a long list of sources wraps instead of being cut off
total = sum(s.baseline_revenue for s in scenario.segments)
reach = sum(s.customers * s.personalizable_share for s in scenario.segments)
st.caption(f"Baseline revenue = customers × visits × conversion × order value: "
           f"{fmt.money(total, cur)} per year in total; {fmt.number(reach)} customers can be personalized for. "
           "Values without a stated source are assumptions.")

st.subheader("Data behind the audience")
if scenario.data_sources:
    st.dataframe(pd.DataFrame([{
        "File or table": d.name, "Period": f"{d.period_start} – {d.period_end}", "Orders used": f"{d.rows_used:,}",
        "Rows excluded": f"{d.rows_excluded:,}", "Derived on": d.derived_on, "Engine": d.engine,
    } for d in scenario.data_sources]), hide_index=True, width="stretch")
    for d in scenario.data_sources:  # the long parts, wrapped rather than cut off in a table cell
        why = "; ".join(f"{k.partition(': ')[2].replace('_', ' ')} {v:,}" for k, v in d.excluded.items()) or "none"
        st.caption(f"{md.escape(d.name)} — excluded: {md.escape(why)}. Segments filled: "
                   f"{md.escape(', '.join(d.segments))}.")
    st.caption("Imports of the client's own data, oldest first; each field they filled names the import in Sources.")
else:
    st.caption("No client data imported: the figures above are typed in or assumptions.")
st.page_link("pages/audience_data.py", label="Derive the audience from an orders export", icon=":material/upload_file:")
