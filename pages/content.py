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
    inputs.number_field("content.cost_per_asset_generic", "Generic asset", f"{cur} per asset",
                        "Cost of one asset shown to everyone.", step=50.0, money=True)
    inputs.number_field("content.cost_per_asset_segment", "Segment-level asset", f"{cur} per asset per segment",
                        "Cost of one asset made for one segment; multiplied by the segments an initiative targets.",
                        step=50.0, money=True)
    inputs.number_field("content.cost_per_asset_one_to_one", "1:1 template", f"{cur} per modular template",
                        "Cost of one modular template that feeds 1:1 assembly from the product database.",
                        step=100.0, money=True)
with right:
    st.subheader("Volume and reuse")
    inputs.number_field("content.variants_per_asset", "Variants per asset", "versions, 1–1000",
                        "Versions of each asset (A/B variants, sizes, languages).", step=1.0)
    inputs.number_field("content.refreshes_per_year", "Refreshes per year", "times per year, 0–365",
                        "How often the content is renewed.", step=1.0)
    inputs.number_field("content.reuse_rate", "Reuse rate", "% of assets from the library", percent=True,
                        help="Share of assets taken from the content library instead of made new.", step=5.0)

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
