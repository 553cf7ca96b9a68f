"""Altair charts of the uncertainty analyses (no Streamlit): tornado, two-way heatmap with the
NPV = 0 contour, NPV histogram with its cumulative curve, variance shares and NPV by start
month. Money axes are in millions of the scenario's currency; colours are the Okabe–Ito ones of
:mod:`roi.charts`.
"""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt
import numpy as np
import pandas as pd

from ..charts.text import layered, zero_line
from ..palette import BENEFIT, COST, OKABE_ITO, TOTAL
from ..delay import DelayCurve
from ..format import money
from .montecarlo import Simulation
from .sensitivity import Grid, Tornado

M = 1e6  # money axes in millions


def _axis(currency: str, what: str) -> alt.Axis:
    return alt.Axis(title=f"{what} ({currency} M)", format=",.1f", labelSeparation=6)  # as roi.charts.text.money_axis


def _value_text(unit: str, v: float) -> str:
    if unit == "multiplier":
        return f"×{v:.2f}"
    if unit == "shift":
        return f"{v * 100:+.0f} pts"
    return f"{v:.1%}"


def tornado_frame(t: Tornado, top: int = 15) -> pd.DataFrame:
    """Two rows per driver (its low and its high end), the ``top`` largest swings."""
    rows = []
    for rank, r in enumerate(t.rows[:top]):
        for end, value, npv, roi in (("low", r.value_low, r.npv_low, r.roi_low), ("high", r.value_high, r.npv_high, r.roi_high)):
            rows.append({"rank": rank, "driver": r.label, "end": f"{end} ({_value_text(r.unit, value)})", "which": end,
                         "npv": npv, "roi": roi, "swing": r.swing, "roi_swing": r.roi_swing})
    return pd.DataFrame(rows)


def tornado(t: Tornado, currency: str, metric: str = "npv", top: int = 15) -> alt.LayerChart:
    """Bars from the base case to each end of every driver's range, largest swing on top."""
    df = tornado_frame(t, top)
    base = t.base_npv / M if metric == "npv" else (t.base_roi if t.base_roi is not None else 0.0)
    if metric == "npv":
        df["value"] = df["npv"] / M
        axis = _axis(currency, "Programme NPV")
    else:
        df["value"] = df["roi"].astype(float)
        axis = alt.Axis(title="Programme ROI", format=".0%")
    df["base"] = base
    order = list(dict.fromkeys(df["driver"]))
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("driver:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("base:Q", axis=axis),
            x2=alt.X2("value:Q"),
            color=alt.Color("which:N", scale=alt.Scale(domain=["low", "high"], range=[COST, BENEFIT]),
                            legend=alt.Legend(title="Driver at its", orient="bottom")),
            tooltip=[alt.Tooltip("driver:N"), alt.Tooltip("end:N", title="value"),
                     alt.Tooltip("value:Q", title="NPV (M)" if metric == "npv" else "ROI", format=",.2f" if metric == "npv" else ".1%")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"base": [base]})).mark_rule(color=TOTAL, strokeDash=[4, 3]).encode(x=alt.X("base:Q"))
    title = "Which assumption decides the case: " + ("NPV" if metric == "npv" else "ROI") + " swing, low → high"
    return layered(bars, rule, title=title, height=alt.Step(22))


def heatmap_frame(g: Grid) -> pd.DataFrame:
    """One row per grid cell with its edges (cells are centred on the grid values)."""

    def edges(v: np.ndarray) -> np.ndarray:
        if len(v) == 1:
            return np.array([v[0] - 0.5, v[0] + 0.5])
        mid = (v[1:] + v[:-1]) / 2
        return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])

    ex, ey = edges(g.x_values), edges(g.y_values)
    iy, ix = np.indices(g.npv.shape)
    return pd.DataFrame({
        "x": g.x_values[ix.ravel()], "y": g.y_values[iy.ravel()],
        "x0": ex[ix.ravel()], "x1": ex[ix.ravel() + 1], "y0": ey[iy.ravel()], "y1": ey[iy.ravel() + 1],
        "npv": g.npv.ravel() / M,
    })


def heatmap(g: Grid, currency: str) -> alt.LayerChart:
    """NPV over two drivers (diverging colours, white at 0), the NPV = 0 contour in black and the
    base case as a point."""
    df = heatmap_frame(g)
    lim = float(np.abs(df["npv"]).max()) or 1.0
    cells = alt.Chart(df).mark_rect().encode(
        x=alt.X("x0:Q", title=g.x.label, scale=alt.Scale(zero=False, nice=False)),
        x2=alt.X2("x1:Q"),
        y=alt.Y("y0:Q", title=g.y.label, scale=alt.Scale(zero=False, nice=False), axis=alt.Axis(titleLimit=0)),
        y2=alt.Y2("y1:Q"),
        color=alt.Color("npv:Q", title=f"NPV ({currency} M)",
                        scale=alt.Scale(scheme="redblue", domain=[-lim, lim], domainMid=0)),
        tooltip=[alt.Tooltip("x:Q", title=g.x.label, format=".3g"), alt.Tooltip("y:Q", title=g.y.label, format=".3g"),
                 alt.Tooltip("npv:Q", title=f"NPV ({currency} M)", format=",.2f")],
    )
    segs = g.zero_contour()
    contour = alt.Chart(pd.DataFrame(segs, columns=["x", "y", "x2", "y2"])).mark_rule(
        color=OKABE_ITO["black"], strokeWidth=2.5).encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), x2=alt.X2("x2:Q"), y2=alt.Y2("y2:Q"))
    base = alt.Chart(pd.DataFrame({"x": [g.x.base], "y": [g.y.base], "label": ["base case"]})).mark_point(
        shape="diamond", size=120, filled=True, color=OKABE_ITO["yellow"], stroke="black").encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), tooltip=[alt.Tooltip("label:N")])
    return layered(cells, contour, base, title="NPV over two drivers; black line: NPV = 0", height=380)


def histogram_frame(sim: Simulation, bins: int = 60) -> pd.DataFrame:
    """Histogram of NPV (share of draws per bin) and the cumulative share, precomputed so the chart
    carries ``bins`` rows, not one per draw."""
    counts, edges = np.histogram(sim.npv, bins=bins)
    share = counts / sim.draws
    return pd.DataFrame({"x0": edges[:-1] / M, "x1": edges[1:] / M, "share": share, "cumulative": np.cumsum(share)})


LABEL_ROW_PX = 13  # one row of marker labels (11 px text and a gap)


def marker_label_rows(xs: Iterable[float], lo: float, hi: float, width_share: float = 0.07) -> list[int]:
    """Pixel heights (from the top of the plot) for labels at ``xs`` on an axis from ``lo`` to
    ``hi``: a label goes one row lower than another whenever it starts within ``width_share`` of
    the axis after it (35 px on a 500-px plot: "P10" and a gap), so "P10" and "0" a few thousand
    apart no longer print over each other.

    >>> marker_label_rows([-0.3, 5.2, 11.7, 0.0], -10.0, 30.0)
    [8, 8, 8, 21]
    """
    xs = [float(v) for v in xs]
    span = max(hi - lo, 1e-12)
    order = sorted(range(len(xs)), key=lambda k: (xs[k], k))
    last: dict[int, float] = {}  # row → x of the last label placed in it
    out = [0] * len(order)
    for k in order:
        x = xs[k]
        row = 0
        while row in last and x - last[row] < width_share * span:
            row += 1
        last[row] = x
        out[k] = 8 + LABEL_ROW_PX * row
    return out


def histogram(sim: Simulation, currency: str, bins: int = 60) -> alt.LayerChart:
    """NPV distribution (bars: losses vermillion, gains blue), its cumulative curve (right axis)
    and the P10 / P50 / P90 and zero lines."""
    df = histogram_frame(sim, bins)
    df["sign"] = np.where(df["x1"] <= 0, "loss", np.where(df["x0"] >= 0, "gain", "either"))
    x = alt.X("x0:Q", axis=_axis(currency, "Programme NPV"), bin="binned")
    bars = alt.Chart(df).mark_bar(opacity=0.85).encode(
        x=x, x2=alt.X2("x1:Q"),
        y=alt.Y("share:Q", axis=alt.Axis(title="Share of draws", format=".1%")),
        color=alt.Color("sign:N", scale=alt.Scale(domain=["loss", "either", "gain"], range=[COST, TOTAL, BENEFIT]), legend=None),
        tooltip=[alt.Tooltip("x0:Q", title="from (M)", format=",.2f"), alt.Tooltip("x1:Q", title="to (M)", format=",.2f"),
                 alt.Tooltip("share:Q", format=".2%")],
    )
    cum = alt.Chart(df).mark_line(color=OKABE_ITO["black"]).encode(
        x=alt.X("x1:Q"), y=alt.Y("cumulative:Q", axis=alt.Axis(title="Cumulative share (P(NPV ≤ x))", format=".0%"),
                                   scale=alt.Scale(domain=[0, 1])))
    p10, p50, p90 = sim.quantiles((0.1, 0.5, 0.9))
    q = pd.DataFrame({"label": ["P10", "P50", "P90", "0"], "x": [p10 / M, p50 / M, p90 / M, 0.0]})
    q["y"] = marker_label_rows(q["x"], float(df["x0"].min()), float(df["x1"].max()))
    rules = alt.Chart(q).mark_rule(strokeDash=[4, 3], color=TOTAL).encode(x=alt.X("x:Q"), tooltip=[alt.Tooltip("label:N"), alt.Tooltip("x:Q", format=",.2f")])
    labels = alt.Chart(q).mark_text(align="left", dx=3, dy=-5, color=TOTAL).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q", scale=None), text=alt.Text("label:N"))
    return layered(layered(bars, rules, labels), cum, resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent")),
                   title=f"NPV over {sim.draws:,} draws: P(NPV < 0) = {sim.prob_npv_negative:.1%}", height=320)


def contributions(sim: Simulation, top: int = 10) -> alt.Chart:
    """Share of NPV variance each driver explains (standardised regression, SRC²)."""
    df = pd.DataFrame([{"driver": c.label, "share": c.share} for c in sim.contributions[:top]])
    if df.empty:
        df = pd.DataFrame({"driver": pd.Series(dtype=str), "share": pd.Series(dtype=float)})
    return alt.Chart(df).mark_bar(color=BENEFIT).encode(
        y=alt.Y("driver:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("share:Q", axis=alt.Axis(title="Share of NPV variance", format=".0%")),
        tooltip=[alt.Tooltip("driver:N"), alt.Tooltip("share:Q", format=".1%")],
    ).properties(title=f"Which inputs explain the spread (linear R² = {sim.r_squared:.2f})", height=alt.Step(22))


def delay_frame(curve: DelayCurve, initiatives: bool = True) -> pd.DataFrame:
    rows = [{"month": m, "series": "Programme", "npv": v / M} for m, v in zip(curve.months, curve.programme_npv)]
    if initiatives:
        for j, name in enumerate(curve.names):
            rows += [{"month": m, "series": name, "npv": v / M} for m, v in zip(curve.months, curve.initiative_npv[:, j])]
    return pd.DataFrame(rows)


def delay(curve: DelayCurve, currency: str, initiatives: bool = True) -> alt.LayerChart:
    """NPV against the month the programme starts (0 = now); the programme line is thick."""
    df = delay_frame(curve, initiatives)
    series = list(dict.fromkeys(df["series"]))
    others = [c for k, c in OKABE_ITO.items() if k != "black"]
    colours = [TOTAL] + [others[k % len(others)] for k in range(len(series) - 1)]
    lines = alt.Chart(df).mark_line(point=False).encode(
        x=alt.X("month:Q", title="Start delayed by (months)"),
        y=alt.Y("npv:Q", axis=_axis(currency, "NPV")),
        # legend on the right: below the plot it would take the plot's height in a fitted chart
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=series, range=colours),
                        legend=alt.Legend(orient="right", labelLimit=0)),
        # the value object, not alt.condition(…): Altair matches a bare condition dict against the
        # schema's every candidate class, 12–15 ms a chart, a twentieth of the Risk page's rerun
        size=alt.SizeValue(1.5, condition={"test": alt.datum.series == "Programme", "value": 3.5}),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("month:Q"), alt.Tooltip("npv:Q", title=f"NPV ({currency} M)", format=",.2f")],
    )
    zero = zero_line(dash=(4, 3))
    return layered(
        lines, zero,
        title=alt.Title(f"What waiting costs: {money(curve.programme_cost_per_month, currency)} of programme NPV "
                        "per month of delay",
                        subtitle="Programme NPV (thick line) and each initiative's NPV by start month"),
        height=320)
