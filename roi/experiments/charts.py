"""Altair charts of experiment planning (pure functions of DataFrames; no Streamlit here).

Colours come from the Okabe–Ito palette of :mod:`roi.charts`.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..charts.text import Layers
from ..palette import OKABE_ITO

WITHIN = OKABE_ITO["blue"]
BEYOND = OKABE_ITO["vermillion"]
HORIZON = "#4D4D4D"
WITHIN_LABEL, BEYOND_LABEL = "within horizon", "beyond horizon"  # short: legends sit in half-width columns


def sample_size_chart(curve: pd.DataFrame, *, chosen_rel_effect: float | None = None) -> alt.LayerChart:
    """Visitors per variant against the relative MDE (log scale), from
    :func:`roi.experiments.power.sample_size_curve`; with a ``days`` column, days are in the tooltip.

    ``chosen_rel_effect`` marks the user's MDE with a vertical rule.
    """
    if curve.empty:
        raise ValueError("curve: no MDE in the grid keeps the treatment rate below 100%")
    tooltip = [
        alt.Tooltip("rel_effect:Q", title="MDE (relative)", format="+.1%"),
        alt.Tooltip("abs_effect:Q", title="MDE (absolute)", format=".3~f"),
        alt.Tooltip("n_per_variant:Q", title="Visitors per variant", format=",.0f"),
        alt.Tooltip("total_n:Q", title="Visitors in total", format=",.0f"),
    ]
    if "days" in curve:
        tooltip.append(alt.Tooltip("days:Q", title="Days at this traffic", format=",.1f"))
    base = alt.Chart(curve)
    line = base.mark_line(color=WITHIN, point=alt.OverlayMarkDef(size=20, color=WITHIN)).encode(
        x=alt.X("rel_effect:Q", title="Minimum detectable effect (relative uplift)", axis=alt.Axis(format="%")),
        y=alt.Y("n_per_variant:Q", title="Visitors per variant (log scale)", scale=alt.Scale(type="log")),
        tooltip=tooltip,
    )
    layers: list[alt.Chart] = [line]
    if chosen_rel_effect is not None:
        rule = alt.Chart(pd.DataFrame({"rel_effect": [chosen_rel_effect]})).mark_rule(
            color=BEYOND, strokeDash=[4, 3]
        ).encode(x=alt.X("rel_effect:Q"), tooltip=[alt.Tooltip("rel_effect:Q", title="Your MDE", format="+.1%")])
        layers.append(rule)
    return Layers(layer=layers,
        title=alt.TitleParams("Sample size falls with the square of the effect",
                              subtitle="Smaller effects need far more visitors: pick the smallest uplift worth acting on"),
        height=300,
    )


def readout_chart(plan: pd.DataFrame, horizon_days: float) -> alt.LayerChart:
    """Days each initiative's test runs, against the horizon (``TestPlan.to_frame()`` input).

    Untestable initiatives (no ``run_days``) are left out; bars beyond the horizon are vermillion.
    """
    df = plan.dropna(subset=["run_days"]).copy()
    if df.empty:
        raise ValueError("plan: no initiative can be tested, so there is nothing to chart")
    df["status"] = df["within_horizon"].map({True: WITHIN_LABEL, False: BEYOND_LABEL})
    df["run_weeks"] = df["run_days"] / 7
    bars = alt.Chart(df).mark_bar().encode(
        y=alt.Y("initiative:N", title=None, sort=alt.EncodingSortField("run_days", order="ascending"),
                  axis=alt.Axis(labelLimit=280)),
        x=alt.X("run_days:Q", title="Days to read out"),
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=[WITHIN_LABEL, BEYOND_LABEL], range=[WITHIN, BEYOND]),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0)),
        tooltip=[
            alt.Tooltip("initiative:N", title="Initiative"),
            alt.Tooltip("metric:N", title="Metric"),
            alt.Tooltip("run_days:Q", title="Days", format=",.1f"),
            alt.Tooltip("run_weeks:Q", title="Weeks", format=",.1f"),
            alt.Tooltip("n_per_variant:Q", title="Sample per variant", format=",.0f"),
            alt.Tooltip("expected_uplift:Q", title="Uplift to detect", format="+.1%"),
        ],
    )
    rule = alt.Chart(pd.DataFrame({"horizon": [horizon_days], "label": [f"horizon: {horizon_days / 7:g} weeks"]}))
    line = rule.mark_rule(color=HORIZON, strokeDash=[6, 3], size=2).encode(x=alt.X("horizon:Q"))
    text = rule.mark_text(align="left", dx=4, dy=-6, color=HORIZON).encode(x=alt.X("horizon:Q"), y=alt.YValue(0), text=alt.Text("label:N"))
    return Layers(layer=[bars, line, text],
        title=alt.TitleParams("Days to read out each initiative's test",
                              subtitle="To collect the sample for the uplift (a full week at least)"),
        height=alt.Step(28),
    )


def schedule_chart(plan: pd.DataFrame, horizon_days: float) -> alt.LayerChart:
    """When each test runs (start → read-out, days from today) under the team's test capacity."""
    df = plan.dropna(subset=["start_day", "readout_day"]).copy()
    if df.empty:
        raise ValueError("plan: no test is scheduled (no testable initiative, or no test capacity)")
    df["status"] = df["within_horizon"].map({True: WITHIN_LABEL, False: BEYOND_LABEL})
    bars = alt.Chart(df).mark_bar(height=14).encode(
        y=alt.Y("initiative:N", title=None, sort=alt.EncodingSortField("readout_day", order="ascending"),
                  axis=alt.Axis(labelLimit=280)),
        x=alt.X("start_day:Q", title="Days from today"),
        x2=alt.X2("readout_day:Q"),
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=[WITHIN_LABEL, BEYOND_LABEL], range=[WITHIN, BEYOND]),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0)),
        tooltip=[
            alt.Tooltip("initiative:N", title="Initiative"),
            alt.Tooltip("start_day:Q", title="Starts (day)", format=",.0f"),
            alt.Tooltip("readout_day:Q", title="Reads out (day)", format=",.0f"),
        ],
    )
    return bars.properties(
        title=alt.TitleParams("When each uplift can be proven",
                              subtitle="Tests start no earlier than launch, within the team's tests per month"),
        height=alt.Step(28),
    )


def boundaries_chart(plan: pd.DataFrame, fixed_z: float) -> alt.LayerChart:
    """Efficacy boundary (z) per look against the share of the maximum sample.

    ``plan`` has one row per look: ``look``, ``information`` (0–1), ``z`` and ``n_per_variant``;
    ``fixed_z`` draws the single-analysis critical value for comparison. Infinite boundaries (a
    look that may not reject) are left out.
    """
    df = plan[np.isfinite(plan["z"])].copy()
    if df.empty:
        raise ValueError("plan: no look has a finite boundary")
    line = alt.Chart(df).mark_line(color=WITHIN, point=alt.OverlayMarkDef(size=60, color=WITHIN)).encode(
        # short axis titles: Streamlit fits the chart to its box, and an axis title longer than the plot
        # pushes the chart's title out of view
        x=alt.X("information:Q", title="Share of maximum sample",
                axis=alt.Axis(format="%", values=[0, 0.2, 0.4, 0.6, 0.8, 1.0]),
                scale=alt.Scale(domain=[0, 1.04])),  # room for the last look's point at 100%
        y=alt.Y("z:Q", title="z boundary", scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("look:Q", title="Look"),
            alt.Tooltip("information:Q", title="Share of maximum sample", format=".0%"),
            alt.Tooltip("n_per_variant:Q", title="Sample per variant", format=",.0f"),
            alt.Tooltip("z:Q", title="Boundary (z)", format=".3f"),
        ],
    )
    rule_df = pd.DataFrame({"z": [fixed_z], "label": [f"single analysis: z = {fixed_z:.2f}"]})
    rule = alt.Chart(rule_df).mark_rule(color=HORIZON, strokeDash=[6, 3]).encode(y=alt.Y("z:Q"))
    text = alt.Chart(rule_df).mark_text(align="left", dx=4, dy=-6, color=HORIZON).encode(
        x=alt.XValue(0), y=alt.Y("z:Q"), text=alt.Text("label:N"))
    return Layers(layer=[line, rule, text],
        title=alt.TitleParams("Boundaries per look",
                              subtitle="Stop for a win when z reaches the line; early looks need stronger evidence"),
        height=260,
    )


def holdout_chart(weeks: pd.DataFrame, *, readout_week: int | None = None) -> alt.LayerChart:
    """Detectable programme lift falling week by week against the lift the case claims.

    ``weeks`` has columns ``week``, ``mde_relative`` and ``claimed_lift`` (fractions); the holdout
    reads the claim out where the falling line meets the claim (``readout_week`` marks it).
    """
    if weeks.empty:
        raise ValueError("weeks: the holdout plan has no week to chart")
    long = weeks.melt(id_vars="week", value_vars=["mde_relative", "claimed_lift"], var_name="series", value_name="lift")
    long["series"] = long["series"].map({"mde_relative": "smallest lift the holdout detects",
                                         "claimed_lift": "programme lift the case claims"})
    long = long[long["lift"] > 0]  # a log scale has no zero: weeks before any launch claim nothing
    lines = alt.Chart(long).mark_line(strokeWidth=2).encode(
        x=alt.X("week:Q", title="Week"),  # short axis titles: see boundaries_chart
        y=alt.Y("lift:Q", title="Programme lift", axis=alt.Axis(format="%"),
                scale=alt.Scale(type="log")),
        color=alt.Color("series:N", title=None,
                        scale=alt.Scale(domain=["smallest lift the holdout detects", "programme lift the case claims"],
                                        range=[WITHIN, BEYOND]),
                        # on the right: a legend below would take its height out of the plot (Streamlit fits it)
                        legend=alt.Legend(orient="right", labelLimit=0)),
        tooltip=[alt.Tooltip("week:Q", title="Week"), alt.Tooltip("series:N", title="Line"),
                 alt.Tooltip("lift:Q", title="Lift", format=".2%")],
    )
    layers: list[alt.Chart] = [lines]
    if readout_week is not None:
        mark = pd.DataFrame({"week": [readout_week], "label": [f"reads out: week {readout_week}"]})
        layers.append(alt.Chart(mark).mark_rule(color=HORIZON, strokeDash=[6, 3]).encode(x=alt.X("week:Q")))
        layers.append(alt.Chart(mark).mark_text(align="left", dx=4, dy=8, color=HORIZON).encode(
            x=alt.X("week:Q"), y=alt.YValue(0), text=alt.Text("label:N")))
    return Layers(layer=layers,
        title=alt.TitleParams("When the holdout can prove the case's claim",
                              subtitle="Weeks since the programme started; lift as a share of revenue (log scale)"),
        height=280,
    )


def weekday_chart(index: pd.DataFrame) -> alt.Chart:
    """Traffic by weekday relative to the average day (``weekday``, ``index`` columns)."""
    return alt.Chart(index).mark_bar(color=WITHIN).encode(
        x=alt.X("weekday:N", title=None, sort=list(index["weekday"])),
        y=alt.Y("index:Q", title="vs average", axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("weekday:N", title="Weekday"), alt.Tooltip("index:Q", title="vs average", format=".0%")],
    ).properties(title=alt.TitleParams("Weekly pattern of the traffic",
                                       subtitle="Each weekday against the average day"),
                 height=200)
