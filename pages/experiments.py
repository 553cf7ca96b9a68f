"""Experiments page: the four tabs of :mod:`ui.experiments`, built over the current case.

Plan a test, see which uplifts the scenario can prove and when, analyse a result, prove the
programme with a global holdout — and feed what is measured back into the case.
"""

from __future__ import annotations

import streamlit as st

from ui import inputs, state
from ui.experiments import holdout_tab, plan_tab, result_tab, scenario_tab

scenario = state.get_scenario()
case = state.get_case()

st.title("Experiments")
st.caption(
    "Every uplift in the case is a hypothesis. Before a test: state the null (no effect), set the "
    "significance threshold, and compute the minimum detectable effect (MDE), the traffic and the "
    "duration. After it: measured lift replaces assumed lift, and the change is recorded."
)
inputs.headline(case)

plan, scenario_plan, result, holdout = st.tabs(
    ["Plan a test", "Scenario test plan", "Analyse a result", "Programme holdout"])
with plan:
    plan_tab.render()
with scenario_plan:
    scenario_tab.render(scenario)
with result:
    result_tab.render(scenario, case)
with holdout:
    holdout_tab.render(scenario, case)
