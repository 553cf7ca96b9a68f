"""Content: what must be produced to personalize, and what it costs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi.engine import content_cost_per_year
from ui import format as fmt
from ui import inputs, state

scenario = state.get_scenario()
case = state.get_case()
cur = case.currency

st.title("Content")
st.caption("Measurement area 2 — offers, products and creative to produce. Cost grows with depth: "
           "generic < segment-level < 1:1. Database-driven assembly is cheap once rules exist; a "
           "central library with good metadata raises reuse and lowers cost.")
inputs.headline(case)

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Cost per asset")
    inputs.number_field("content.cost_per_asset_generic")
    inputs.number_field("content.cost_per_asset_segment")
    inputs.number_field("content.cost_per_asset_one_to_one")
with right:
    st.subheader("Volume and reuse")
    inputs.number_field("content.variants_per_asset")
    inputs.number_field("content.refreshes_per_year")
    inputs.number_field("content.reuse_rate")

st.subheader("Content cost by initiative")
costs = content_cost_per_year(scenario)
rows = [{
    "Initiative": ini.name,
    "Depth": ini.depth.value.replace("_", " "),
    "Assets per refresh": fmt.number(ini.content_assets),
    "Target segments": len(ini.segments),
    f"Content cost / yr at full run-rate ({cur})": fmt.money(c, cur, compact=False),
} for ini, c in zip(scenario.initiatives, costs)]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
st.caption("Content cost per year = assets × variants × segments (segment depth only) × refreshes × "
           f"(1 − reuse) × cost per asset. Total {fmt.money(float(costs.sum()), cur)} per year. "
           "Assets and depth are set per initiative on the Initiatives page.")
