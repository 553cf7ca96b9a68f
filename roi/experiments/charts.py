"""Altair charts of experiment planning (pure functions of DataFrames; no Streamlit here).

Colours come from the Okabe–Ito palette of :mod:`roi.charts`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..charts import OKABE_ITO

WITHIN = OKABE_ITO["blue"]
BEYOND = OKABE_ITO["vermillion"]
HORIZON = "#4D4D4D"


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
        ).encode(x="rel_effect:Q", tooltip=[alt.Tooltip("rel_effect:Q", title="Your MDE", format="+.1%")])
        layers.append(rule)
    return alt.layer(*layers).properties(
        title=alt.TitleParams("Sample size falls with the square of the effect you want to detect",
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
    df["status"] = df["within_horizon"].map({True: "reads out within horizon", False: "beyond horizon"})
    df["run_weeks"] = df["run_days"] / 7
    bars = alt.Chart(df).mark_bar().encode(
        y=alt.Y("initiative:N", title=None, sort=alt.EncodingSortField("run_days", order="ascending"),
                  axis=alt.Axis(labelLimit=280)),
        x=alt.X("run_days:Q", title="Days to read out"),
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=["reads out within horizon", "beyond horizon"], range=[WITHIN, BEYOND]),
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
    line = rule.mark_rule(color=HORIZON, strokeDash=[6, 3], size=2).encode(x="horizon:Q")
    text = rule.mark_text(align="left", dx=4, dy=-6, color=HORIZON).encode(x="horizon:Q", y=alt.value(0), text="label:N")
    return alt.layer(bars, line, text).properties(
        title=alt.TitleParams("Days to read out each initiative's test",
                              subtitle="Time to collect the sample for the expected uplift (at least a full week)"),
        height=alt.Step(28),
    )


def schedule_chart(plan: pd.DataFrame, horizon_days: float) -> alt.LayerChart:
    """When each test runs (start → read-out, days from today) under the team's test capacity."""
    df = plan.dropna(subset=["start_day", "readout_day"]).copy()
    if df.empty:
        raise ValueError("plan: no test is scheduled (no testable initiative, or no test capacity)")
    df["status"] = df["within_horizon"].map({True: "reads out within horizon", False: "beyond horizon"})
    bars = alt.Chart(df).mark_bar(height=14).encode(
        y=alt.Y("initiative:N", title=None, sort=alt.EncodingSortField("readout_day", order="ascending"),
                  axis=alt.Axis(labelLimit=280)),
        x=alt.X("start_day:Q", title="Days from today"),
        x2="readout_day:Q",
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=["reads out within horizon", "beyond horizon"], range=[WITHIN, BEYOND]),
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
