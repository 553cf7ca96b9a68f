"""Experiments page: the four tabs of :mod:`ui.experiments`, built over the current case.

Plan a test, see which uplifts the scenario can prove and when, analyse a result, prove the
programme with a global holdout — and feed what is measured back into the case.
"""

from __future__ import annotations

import streamlit as st

from ui import inputs, kept, state
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

# Only the open tab runs (a tab switch reruns the page): an edit answers in the time of one tab,
# not four. What is typed in the others is kept (persist_state), what is uploaded too (ui.kept).
TABS = {
    "Plan a test": plan_tab.render,
    "Scenario test plan": lambda: scenario_tab.render(scenario),
    "Analyse a result": lambda: result_tab.render(scenario, case),
    "Programme holdout": lambda: holdout_tab.render(scenario, case),
}
for tab, render in zip(kept.tabs(list(TABS), "exp_tab"), TABS.values()):
    if tab.open:
        with tab:
            render()
