"""Overlaid charts of 2–4 scenarios: cumulative cash flow by year and the impact/effort matrix.

Pure Altair (no Streamlit); colours from the Okabe–Ito palette in the order of the entries, so a
scenario keeps its colour on every chart of the Compare page.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..charts.text import Layers, zero_line
from ..palette import PALETTE
from ..format import money as money_text
from .figures import Entry


LEGEND = alt.Legend(title=None, orient="top", labelLimit=0)  # short labels, never cut


def colours(items: list[Entry]) -> alt.Scale:
    """One palette colour per entry label, in order."""
    return alt.Scale(domain=[e.label for e in items], range=PALETTE[: len(items)])


def cash_flow_frame(items: list[Entry]) -> pd.DataFrame:
    """``scenario, year, net, cumulative`` (currency, risk-adjusted), one row per entry and year."""
    rows = []
    for e in items:
        for year, net, cum in zip(e.case.years, e.case.cash_flows, np.cumsum(e.case.cash_flows)):
            rows.append({"scenario": e.label, "year": int(year), "net": float(net), "cumulative": float(cum),
                         "currency": e.currency})
    return pd.DataFrame(rows)


def cash_flows(items: list[Entry]) -> alt.LayerChart:
    """Cumulative net cash flow by year, one line per scenario, with a zero line (payback)."""
    data = cash_flow_frame(items)
    data = data.assign(cumulative_m=data.cumulative / 1e6,
                       net_text=[money_text(v, c) for v, c in zip(data.net, data.currency)],
                       cumulative_text=[money_text(v, c) for v, c in zip(data.cumulative, data.currency)])
    currencies = sorted(set(data.currency))
    unit = f"{currencies[0]} M" if len(currencies) == 1 else "millions, own currency"
    lines = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=60), strokeWidth=2.5).encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cumulative_m:Q", title=f"Cumulative net cash flow ({unit})", axis=alt.Axis(format=",.1f")),
        color=alt.Color("scenario:N", scale=colours(items), legend=LEGEND),
        tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("net_text:N", title="Net cash flow"),
                 alt.Tooltip("cumulative_text:N", title="Cumulative")],
    )
    zero = zero_line()
    return Layers(layer=[lines, zero],
        title=alt.Title("Cumulative net cash flow", subtitle="Risk-adjusted, undiscounted; payback at zero"),
        height=340,
    )


def matrix_frame(items: list[Entry]) -> pd.DataFrame:
    """``scenario, initiative, effort_fte_months, npv`` per entry and initiative."""
    rows = []
    for e in items:
        for i in e.case.initiatives:
            rows.append({"scenario": e.label, "initiative": i.name, "effort_fte_months": float(i.effort_fte_months),
                         "npv": float(i.npv), "currency": e.currency})
    return pd.DataFrame(rows)


def matrix(items: list[Entry]) -> alt.LayerChart:
    """Impact (NPV) against effort (FTE-months) of every initiative, one colour per scenario; a grey
    line joins the same initiative across scenarios, so what moved stands out."""
    data = matrix_frame(items)
    data = data.assign(npv_m=data.npv / 1e6, npv_text=[money_text(v, c) for v, c in zip(data.npv, data.currency)])
    currencies = sorted(set(data.currency))
    unit = f"{currencies[0]} M" if len(currencies) == 1 else "millions, own currency"
    # padding: points on the domain's edge are drawn whole, not cut by the plot's border
    x = alt.X("effort_fte_months:Q", title="Effort (FTE-months)", scale=alt.Scale(padding=18))
    y = alt.Y("npv_m:Q", title=f"NPV ({unit}, risk-adjusted)", axis=alt.Axis(format=",.1f"),
              scale=alt.Scale(padding=18))
    links = alt.Chart(data).mark_line(color="#B0B0B0", strokeWidth=1).encode(x=x, y=y, detail=alt.Detail("initiative:N"),
                                                                              order=alt.Order("scenario:N"))
    points = alt.Chart(data).mark_point(size=140, filled=True, opacity=0.9).encode(
        x=x, y=y,
        color=alt.Color("scenario:N", scale=colours(items), legend=LEGEND),
        shape=alt.Shape("scenario:N", legend=None),
        tooltip=[alt.Tooltip("initiative:N", title="Initiative"), alt.Tooltip("scenario:N", title="Scenario"),
                 alt.Tooltip("npv_text:N", title="NPV"),
                 alt.Tooltip("effort_fte_months:Q", title="Effort (FTE-months)", format=",.1f")],
    )
    zero = zero_line()
    return Layers(layer=[links, zero, points],
        title=alt.Title("Impact vs effort by initiative", subtitle="Grey lines join an initiative across scenarios"),
        height=400,
    )
