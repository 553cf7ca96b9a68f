"""Process: how the organisation runs personalization, and what maturity does to the benefit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi import charts, maturity
from roi.whatif import maturity_sweep
from ui import format as fmt
from ui import exports, inputs, state


@st.cache_data(show_spinner=False, max_entries=32)
def _sweep(scenario_json: str) -> list[dict[str, float]]:
    return maturity_sweep(state.parsed(scenario_json))


scenario = state.get_scenario()
case = state.get_case()
cur = case.currency

st.title("Process")
st.caption("Measurement area 3 — cross-team alignment, a test-and-learn culture, feedback loops that "
           "turn results into changes, and governance at the right speed. Maturity decides how much of "
           "the theoretical benefit is realised, and how fast.")
inputs.headline(case)

SCORE = "score 1 = ad hoc … 5 = leading"
left, mid, right = st.columns(3, gap="large")
with left:
    st.subheader("Maturity scores")
    inputs.score_field("process.alignment", "Cross-team alignment",
                       "E-commerce, CRM, data and engineering working to one plan. " + SCORE + ".")
    inputs.score_field("process.test_and_learn", "Test-and-learn culture",
                       "Uplifts treated as hypotheses and tested before they count. " + SCORE + ".")
    inputs.score_field("process.feedback_loop", "Feedback loop",
                       "Test results flow back into the plan: measured lift replaces assumed lift. " + SCORE + ".")
    inputs.score_field("process.governance", "Governance",
                       "Decisions made at the right speed. " + SCORE + ".")
with mid:
    st.subheader("Programme costs")
    inputs.number_field("process.team_annual_cost")
    inputs.number_field("process.platform_annual_cost")
    inputs.number_field("process.platform_one_time_cost")
    inputs.number_field("process.fte_month_cost")
    inputs.number_field("process.tests_per_month")
with right:
    st.subheader("Maturity rule")
    inputs.number_field("process.realisation_floor")
    inputs.number_field("process.ramp_months_slowest")
    inputs.number_field("process.ramp_months_fastest")

st.subheader("How maturity changes the realised benefit and ramp")
m = case.maturity
st.markdown(
    f"Your maturity index is **{m.index:.2f}** (mean of (score − 1) / 4). You realise "
    f"**{fmt.pct(m.realisation, 0)}** of each assumed or benchmark uplift (a measured uplift was measured as "
    f"the organisation runs, so it is not cut again) and reach full effect "
    f"**{m.ramp_months:.1f} months** after launch (the effect rises linearly until then). "
    "Rule (a stated assumption of this tool): realised = floor + (1 − floor) × index; "
    "ramp = slowest − (slowest − fastest) × index."
)
sweep = _sweep(scenario.model_dump_json())
c1, c2 = st.columns([3, 2], gap="large")
with c1:
    exports.chart(charts.maturity_curve(maturity.curve_frame(scenario.process)), "Maturity curve", narrow=True)
with c2:
    st.dataframe(
        pd.DataFrame({
            "Scores": [f"all {r['level']}" for r in sweep],
            "Realised": [fmt.pct(r["realisation"], 0) for r in sweep],
            "Ramp": [f"{r['ramp_months']:.1f} months" for r in sweep],
            f"NPV ({cur})": [fmt.money(r["npv"], cur) for r in sweep],
        }),
        hide_index=True, width="stretch",
    )
    st.caption(f"Programme NPV with all four scores at each level — same case, only the process scores changed. Your scores give NPV {fmt.money(case.npv, cur)}.")
