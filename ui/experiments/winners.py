"""The applied test results de-biased as a set (:mod:`roi.experiments.portfolio`), beside the holdout."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi.experiments.portfolio import cumulative_measured_lift, debias_applied
from roi.model import BusinessCase
from roi.schema import Scenario
from ui import format as fmt
from ui import state

from .common import refused


def render(scenario: Scenario, case: BusinessCase) -> None:
    """Draw the section: the sum of winners against the de-biased cumulative lift."""
    st.subheader("Applied test results, de-biased")
    try:
        cum = cumulative_measured_lift(scenario)
    except ValueError as exc:
        refused("Cannot de-bias the applied results", exc)
        return
    if cum is None:
        st.caption("No measured uplift in this case yet: apply a test result in *Analyse a result*.")
        return
    cur = case.currency
    over = cum.overstatement
    m = st.columns(3)
    m[0].metric("Sum of winners", fmt.money(cum.naive_revenue, cur), border=True,
                help="Incremental revenue of the measured initiatives over the horizon with the lifts as observed.")
    m[1].metric("De-biased", fmt.money(cum.debiased_revenue, cur), border=True,
                help=f"The same with every lift shrunk toward zero (τ = {cum.prior_sd:.3g}, {cum.prior_source}).")
    m[2].metric("Winners overstate by", fmt.DASH if over is None else fmt.pct(over), border=True)
    st.dataframe(pd.DataFrame([{
        "Initiative": r.initiative, "Test": r.test_name, "Observed lift": fmt.pct(r.observed_lift),
        "Kept": fmt.pct(r.shrinkage_factor, 0), "De-biased lift": fmt.pct(r.shrunk_lift),
        "Significant": r.significant,
    } for r in cum.results]), hide_index=True, width="stretch")
    if st.button("Apply de-biased lifts", key="exp_h_debias",
                 help="Replace every measured uplift with its de-biased value; each change is recorded."):
        try:
            new = debias_applied(scenario)
        except ValueError as exc:
            refused("Not applied", exc)
        else:
            state.set_scenario(new, note="Measured uplifts de-biased as a set.")
            st.rerun()
