"""Charts of the plan: impact versus resource cost (numbered, never overlapping markers), the plan's
schedule and its cumulative net cash (the Prioritization page and the deck)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..palette import BENEFIT, QUADRANT_COLOURS, TOTAL
from .text import layered, money_axis, money_texts


MATRIX_MIN_WIDTH, MATRIX_HEIGHT = 420, 440  # px: the matrix is laid out for its narrowest width
_MARK_RADIUS = 11  # px: a size-380 circle
_LABEL_OFFSETS = [(0, 0), (16, -14), (-16, -14), (16, 14), (-16, 14), (0, -24), (0, 24), (26, 0), (-26, 0),
                  (28, -26), (-28, -26), (28, 26), (-28, 26), (0, -40), (0, 40)]


def place_labels(x_px: np.ndarray, y_px: np.ndarray, texts: list[str], font_px: float = 12) -> list[tuple[int, int]]:
    """Offsets (dx, dy in px) for each marker's number so no two label boxes overlap.

    A label sits on its marker when nothing else is there, else at the first of a fixed list of
    nearby offsets whose box (≈ 0.62 em per digit wide, 1.2 em tall, 2 px apart) clears every
    label already placed. Markers are placed from the top down, left to right.

    >>> place_labels(np.array([10.0, 10.0]), np.array([10.0, 10.0]), ["1", "2"])
    [(0, 0), (16, -14)]
    """
    boxes: list[tuple[float, float, float, float]] = []
    out: list[tuple[int, int]] = [(0, 0)] * len(texts)
    for k in sorted(range(len(texts)), key=lambda k: (y_px[k], x_px[k])):
        w, h = 0.62 * font_px * len(texts[k]) + 2, 1.2 * font_px + 2
        for dx, dy in _LABEL_OFFSETS:
            cx, cy = x_px[k] + dx, y_px[k] + dy
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if all(box[2] <= b[0] or b[2] <= box[0] or box[3] <= b[1] or b[3] <= box[1] for b in boxes):
                break
        boxes.append(box)
        out[k] = (dx, dy)
    return out


def impact_effort(
    scores: pd.DataFrame,
    *,
    impact_title: str,
    resource_title: str,
    impact_split: float,
    resource_split: float,
    currency: str,
    resource_is_money: bool = False,
    markers: dict[str, int] | None = None,
) -> alt.LayerChart:
    """Impact (y) vs resource cost (x): numbered markers keyed to a table, quadrant lines, tooltips.

    ``scores`` is :func:`roi.prioritization.score_table`'s frame (``impact`` in currency,
    ``resource`` in FTE-months or currency, ``quadrant``, ``rank``). ``markers`` maps each
    initiative to the number shown on its marker (default: its rank) — the plan's row numbers,
    so the chart reads with the plan's table. Numbers are placed by :func:`place_labels`, so they
    never overlap; names are in the tooltip and the table, not on the chart.
    """
    number = [int((markers or {}).get(n, r)) for n, r in zip(scores.initiative, scores["rank"])]
    data = scores.assign(impact_m=scores.impact / 1e6,
                         resource_x=scores.resource / (1e6 if resource_is_money else 1.0),
                         impact_text=money_texts(scores.impact, currency),
                         resource_text=money_texts(scores.resource, currency) if resource_is_money
                         else [f"{v:,.1f}" for v in scores.resource],
                         marker=[str(n) for n in number])
    r_split = resource_split / (1e6 if resource_is_money else 1.0)
    i_split = impact_split / 1e6
    xmax = float(max(data.resource_x.max(), r_split) * 1.15 or 1.0)
    ymin = float(min(data.impact_m.min(), 0.0))
    ymax = float(max(data.impact_m.max(), i_split, 0.0))
    pad = (ymax - ymin) * 0.15 or 1.0
    ydom = [ymin - pad, ymax + pad]
    x_px = data.resource_x.to_numpy(float) / xmax * MATRIX_MIN_WIDTH
    y_px = (ydom[1] - data.impact_m.to_numpy(float)) / (ydom[1] - ydom[0]) * MATRIX_HEIGHT
    offsets = place_labels(x_px, y_px, list(data.marker))
    data = data.assign(dx=[o[0] for o in offsets], dy=[o[1] for o in offsets])
    x = alt.X("resource_x:Q", title=resource_title, scale=alt.Scale(domain=[0, xmax], nice=False))
    y = alt.Y("impact_m:Q", title=impact_title, scale=alt.Scale(domain=ydom, nice=False))
    tooltip = [alt.Tooltip("marker:N", title="#"), alt.Tooltip("initiative:N", title="Initiative"),
               alt.Tooltip("quadrant:N", title="Quadrant"),
               alt.Tooltip("impact_text:N", title=impact_title.split(" (")[0]),
               alt.Tooltip("resource_text:N", title=resource_title.split(" (")[0] if resource_is_money
                           else resource_title),
               alt.Tooltip("evidence:N", title="Evidence")]
    points = alt.Chart(data).mark_circle(size=380, opacity=0.9, stroke="white", strokeWidth=1).encode(
        x=x, y=y,
        color=alt.Color("quadrant:N", scale=alt.Scale(domain=list(QUADRANT_COLOURS),
                                                      range=list(QUADRANT_COLOURS.values())),
                        legend=alt.Legend(title="Quadrant", orient="top")),
        tooltip=tooltip,
    )
    on_mark = data[(data.dx == 0) & (data.dy == 0)]
    off_mark = data[(data.dx != 0) | (data.dy != 0)]
    labels = [alt.Chart(on_mark).mark_text(fontSize=12, fontWeight="bold", color="white").encode(
        x=x, y=y, text=alt.Text("marker:N"), tooltip=tooltip)]
    for (dx, dy), part in off_mark.groupby(["dx", "dy"]):
        labels.append(alt.Chart(part).mark_text(fontSize=12, fontWeight="bold", color=TOTAL, dx=int(dx),
                                                dy=int(dy)).encode(x=x, y=y, text=alt.Text("marker:N"), tooltip=tooltip))
    vline = alt.Chart(pd.DataFrame({"x": [r_split]})).mark_rule(strokeDash=[4, 4], color=TOTAL).encode(x=alt.X("x:Q"))
    hline = alt.Chart(pd.DataFrame({"y": [i_split]})).mark_rule(strokeDash=[4, 4], color=TOTAL).encode(y=alt.Y("y:Q"))
    corners = pd.DataFrame([
        {"x": xmax * 0.02, "y": ydom[1], "text": "Quick wins", "align": "left"},
        {"x": xmax * 0.98, "y": ydom[1], "text": "Big bets", "align": "right"},
        {"x": xmax * 0.02, "y": ydom[0], "text": "Fill-ins (or money pits below zero)", "align": "left"},
        {"x": xmax * 0.98, "y": ydom[0], "text": "Money pits", "align": "right"},
    ])
    quad_labels = []
    for align in ("left", "right"):
        for top in (True, False):
            part = corners[(corners["align"] == align) & ((corners["y"] == ydom[1]) == top)]
            quad_labels.append(alt.Chart(part).mark_text(
                align=align, baseline="top" if top else "bottom", dy=6 if top else -6,
                fontSize=12, fontWeight="bold", color="#555555").encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("text:N")))
    return layered(
        points, vline, hline, *labels, *quad_labels,
        title=alt.Title("Impact vs resource cost",
                        subtitle="Numbers are the plan's rows; dashed lines: portfolio medians (impact never "
                                 "below zero); on a line counts as high impact / low cost"),
        height=MATRIX_HEIGHT,
    )


def plan_gantt(table: pd.DataFrame, capacity_fte: float) -> alt.Chart:
    """The recommended plan over time (``roi.plan.Plan.table()``): for each initiative done, the
    team's build (start → effort done) and the rest of its lead time, ending at launch."""
    do = table[table.status == "do"].copy()
    do["label"] = do["#"].astype(str) + ". " + do["initiative"].map(lambda n: n if len(n) <= 34 else n[:33] + "…")
    do["built"] = do["start_month"] + do["effort_fte_months"] / capacity_fte
    do["built"] = do[["built", "launch_month"]].min(axis=1)
    do["launch_text"] = do["launch_month"].map(lambda m: f"month {m:.0f}")
    end = float(do["launch_month"].max()) if len(do) else 12.0
    base = alt.Chart(do).encode(
        y=alt.Y("label:N", sort=list(do.label), title=None, axis=alt.Axis(labelLimit=260, labelFontSize=12)),
    )
    x = alt.X("start_month:Q", title="Months from programme start",
              scale=alt.Scale(domain=[0, end * 1.15 + 1]), axis=alt.Axis(tickMinStep=3, labelFontSize=12))
    tooltip = [alt.Tooltip("initiative:N"), alt.Tooltip("start_month:Q", title="Team starts (month)", format=".1f"),
               alt.Tooltip("launch_month:Q", title="Launches (month)", format=".1f"),
               alt.Tooltip("effort_fte_months:Q", title="Effort (FTE-months)", format=",.1f")]
    build = base.mark_bar(color=BENEFIT, cornerRadius=3, height=alt.RelativeBandSize(0.7)).encode(
        x=x, x2=alt.X2("built:Q"), tooltip=tooltip)
    wait = base.mark_bar(color="#BBD4EA", cornerRadius=3, height=alt.RelativeBandSize(0.7)).encode(
        x=alt.X("built:Q"), x2=alt.X2("launch_month:Q"), tooltip=tooltip)
    text = base.mark_text(align="left", dx=4, color=TOTAL, fontSize=12).encode(x=alt.X("launch_month:Q"), text=alt.Text("launch_text:N"))
    return layered(
        build, wait, text,
        title=alt.Title(f"The recommended plan under {capacity_fte:g} FTEs per quarter",
                        subtitle="Dark: the team builds it; light: the rest of its lead time; each bar ends at launch"),
        height=alt.Step(34),
    )


def plan_cumulative(curve: pd.DataFrame, currency: str) -> alt.Chart:
    """Cumulative programme net cash month by month, recommended plan vs as planned
    (``roi.plan.Plan.curve()``, currency millions)."""
    data = curve.assign(value_m=curve.cumulative_net / 1e6, value_text=money_texts(curve.cumulative_net, currency))
    plans = list(dict.fromkeys(data.plan))
    return alt.Chart(data).mark_line(strokeWidth=2.5).encode(
        x=alt.X("month:Q", title="Months from programme start", axis=alt.Axis(tickMinStep=3)),
        y=alt.Y("value_m:Q", axis=money_axis(currency, "Cumulative net cash")),
        color=alt.Color("plan:N", scale=alt.Scale(domain=plans, range=[BENEFIT, TOTAL][: len(plans)]),
                        legend=alt.Legend(title=None, orient="top")),
        strokeDash=alt.StrokeDash("plan:N", scale=alt.Scale(domain=plans, range=[[1, 0], [5, 4]][: len(plans)]),
                                  legend=None),
        tooltip=[alt.Tooltip("plan:N"), alt.Tooltip("month:Q", title="Month"),
                 alt.Tooltip("value_text:N", title="Cumulative net cash")],
    ).properties(
        title=alt.Title(f"Cumulative net cash ({currency} millions)",
                        subtitle="Risk-adjusted, shared programme costs included, undiscounted"),
        height=320,
    )
