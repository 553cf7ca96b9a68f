"""*Scenario test plan* tab: which initiatives' uplifts a test can prove, and when."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi.experiments import charts as xcharts
from roi.experiments import plan_tests
from roi.schema import Scenario
from ui import exports
from ui import format as fmt
from ui import md

from .common import ALPHAS, date_in, refused


def render(scenario: Scenario) -> None:
    """Draw the tab for ``scenario``."""
    st.markdown(
        "For each initiative: the eligible traffic of its segments (personalizable customers its "
        "channel reaches), the days a two-arm test needs to detect its **base** uplift, and when the "
        f"team's capacity of **{scenario.process.tests_per_month:g} tests a month** lets it run."
    )
    c1, c2, c3, c4 = st.columns(4)
    horizon_weeks = c1.number_input("Horizon (weeks)", min_value=1.0, max_value=104.0, value=6.0, step=1.0,
                                    persist_state="session", key="exp_horizon", help="Longest test you are willing to run.")
    plan_alpha = c2.selectbox("Significance α", ALPHAS, index=1, persist_state="session", key="exp_plan_alpha")
    plan_power = c3.slider("Power", 0.5, 0.99, 0.8, 0.01, persist_state="session", key="exp_plan_power")
    plan_allocation = c4.slider("Share of traffic in each test (%)", 5, 100, 100, 5, format="%d%%",
                                persist_state="session", key="exp_plan_allocation") / 100
    try:
        plan = plan_tests(scenario, horizon_days=horizon_weeks * 7, alpha=plan_alpha, power=plan_power,
                          allocation=plan_allocation)
    except ValueError as exc:
        plan = None
        refused("Cannot plan the tests", exc)
    if plan is not None:
        frame = plan.to_frame()
        provable = frame[frame["within_horizon"]]
        m1, m2, m3 = st.columns(3)
        m1.metric(f"Provable within {horizon_weeks:g} weeks", f"{len(provable)} of {len(frame)}", border=True)
        m2.metric("Testable at all", f"{int(frame['testable'].sum())} of {len(frame)}", border=True)
        last = provable["readout_day"].max() if len(provable) else None
        m3.metric("Last of those reads out", date_in(last) if last is not None else fmt.DASH, border=True,
                  help="Under the team's tests per month, no test before its initiative launches.")
        for note in plan.notes:
            st.warning(note)
        table = pd.DataFrame({
            "Initiative": frame["initiative"],
            "Evidence": frame["evidence"],
            "Metric": frame["metric"],
            "Eligible": [fmt.DASH if u == "—" else f"{fmt.number(v)} {u}" for v, u in zip(frame["eligible"], frame["unit"])],
            "Uplift": frame["expected_uplift"].map(fmt.pct),
            "n / variant": frame["n_per_variant"].map(lambda v: fmt.number(None if pd.isna(v) else v)),
            "Weeks": frame["run_days"].map(lambda v: fmt.DASH if pd.isna(v) else f"{v / 7:.1f}"),
            "In horizon": frame["within_horizon"],
            "MDE 2 wk": frame["mde_2_weeks"].map(lambda v: fmt.pct(None if pd.isna(v) else v)),
            "MDE 4 wk": frame["mde_4_weeks"].map(lambda v: fmt.pct(None if pd.isna(v) else v)),
            "Starts": frame["start_day"].map(lambda v: date_in(None if pd.isna(v) else v)),
            "Reads out": frame["readout_day"].map(lambda v: date_in(None if pd.isna(v) else v)),
        })
        T = st.column_config.TextColumn
        st.dataframe(table, hide_index=True, width="stretch", column_order=[
            "Initiative", "Uplift", "Weeks", "In horizon", "Starts", "Reads out", "MDE 2 wk", "MDE 4 wk",
            "n / variant", "Evidence", "Metric", "Eligible"], column_config={
            "Initiative": T("Initiative", pinned=True, width=280),  # a long name whole; the rest scrolls
            "Evidence": T("Evidence", width="small"),
            "Metric": T("Metric", width="small"),
            "Eligible": T("Eligible", width="small", help="Eligible traffic of the initiative's segments."),
            "Uplift": T("Uplift", width="small", help="Base uplift the test must detect (relative)."),
            "n / variant": T("n / variant", width="small", help="Sample per variant to detect the uplift."),
            "Weeks": T("Weeks", width="small", help="Weeks the test runs to collect the sample."),
            "In horizon": st.column_config.CheckboxColumn("In horizon", width="small",
                                                          help="Reads out within the horizon above."),
            "MDE 2 wk": T("MDE 2 wk", width="small", help="Smallest relative uplift a 2-week test could detect."),
            "MDE 4 wk": T("MDE 4 wk", width="small", help="Smallest relative uplift a 4-week test could detect."),
            "Starts": T("Starts", width="small"),
            "Reads out": T("Reads out", width="small"),
        })
        notes = [f"- **{md.escape(r.initiative)}** — {md.escape(r.reason)}" for r in frame.itertuples() if r.reason]
        if notes:
            st.markdown("\n".join(notes))
        if frame["run_days"].notna().any():
            c1, c2 = st.columns(2, gap="large")
            with c1:
                exports.chart(xcharts.readout_chart(frame, plan.horizon_days), "Test readout")
            if frame["start_day"].notna().any():
                with c2:
                    exports.chart(xcharts.schedule_chart(frame, plan.horizon_days), "Test schedule")
        st.caption(
            "Assumptions: each test gets all eligible traffic of its segments × the share above (tests on "
            "the same segments at the same time would share it); conversion and frequency initiatives are "
            "tested on orders per visit, order value on revenue per order (sd = mean, an assumption), "
            "retention on 12-month retention; tests run at least a full week. Significance is two-sided."
        )
