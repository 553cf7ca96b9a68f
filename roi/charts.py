"""Altair chart builders shared by the dashboard and the slide-deck export.

Every builder is a pure function of a :class:`~roi.model.BusinessCase` or a DataFrame and
returns an ``alt.Chart`` (or layer) with a title and axis titles that carry units. Colours come
from the Okabe–Ito palette, which stays distinguishable for the common colour-vision
deficiencies. No Streamlit here.
"""

from __future__ import annotations

import textwrap

import altair as alt
import numpy as np
import pandas as pd

from .format import currency_symbol, money
from .model import BusinessCase

# Okabe & Ito (2008), "Color Universal Design": safe for deuteranopia, protanopia, tritanopia.
OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
PALETTE: list[str] = list(OKABE_ITO.values())
BENEFIT = OKABE_ITO["blue"]
COST = OKABE_ITO["vermillion"]
TOTAL = "#4D4D4D"
OUTCOME_COLOURS: dict[str, str] = {
    "growth": OKABE_ITO["blue"],
    "retention": OKABE_ITO["green"],
    "efficiency": OKABE_ITO["orange"],
    "lifetime_value": OKABE_ITO["purple"],
}


OUTCOME_LABELS: dict[str, str] = {
    "growth": "Growth",
    "retention": "Retention",
    "efficiency": "Efficiency",
    "lifetime_value": "Lifetime value",
}
QUADRANT_COLOURS: dict[str, str] = {
    "Quick win": OKABE_ITO["green"],
    "Big bet": OKABE_ITO["blue"],
    "Fill-in": OKABE_ITO["orange"],
    "Money pit": OKABE_ITO["vermillion"],
}


def _money_texts(values, currency: str) -> list[str]:
    return [money(v, currency) for v in values]


def _money_axis(currency: str, what: str) -> alt.Axis:
    return alt.Axis(title=f"{what} ({currency} M)", format=",.1f", grid=True)


def waterfall_frame(case: BusinessCase) -> pd.DataFrame:
    """Waterfall steps from programme costs to programme NPV (currency, present values).

    First the shared programme costs (negative), then each initiative's NPV, then the total.
    Columns: ``step, label, kind`` (cost/benefit/loss/total), ``value, start, end``, ``order``.
    """
    steps = [("Programme costs (team, platform)", -case.pv_programme_cost, "cost")]
    steps += [(i.name, i.npv, "benefit" if i.npv >= 0 else "loss") for i in case.initiatives]
    rows, running = [], 0.0
    for k, (label, value, kind) in enumerate(steps):
        rows.append({"order": k, "label": label, "kind": kind, "value": value,
                     "start": running, "end": running + value})
        running += value
    rows.append({"order": len(steps), "label": "Programme NPV", "kind": "total",
                 "value": running, "start": 0.0, "end": running})
    return pd.DataFrame(rows)


def wrap_label(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (at spaces), joined by ``\\n``.

    Axis labels split on ``\\n`` (``labelExpr``), so long category names stay readable without
    angling, truncation or Vega dropping every other label.

    >>> wrap_label("Triggered journeys (abandoned cart, browse)", 18)
    'Triggered journeys\\n(abandoned cart,\\nbrowse)'
    """
    return "\n".join(textwrap.wrap(text, width, break_long_words=True)) or text


MULTILINE_LABELS = "split(datum.label, '\\n')"  # Vega draws a text array as lines


WATERFALL_KINDS: dict[str, str] = {
    "cost": "Programme costs",
    "benefit": "Initiative adds value",
    "loss": "Initiative loses value",
    "total": "Programme NPV",
}


def waterfall(case: BusinessCase) -> alt.LayerChart:
    """Waterfall from programme costs to NPV by initiative (currency millions, present value).

    Every step is labelled: names wrap onto up to a few lines under their bar (no angled,
    overlapping or dropped labels), however many initiatives there are.
    """
    cur = case.currency
    data = waterfall_frame(case)
    # characters per line: narrower with more bars (about 1,000 px of chart shared by the steps)
    per_line = max(10, min(24, int(1000 / len(data) / 6.5)))
    data = data.assign(start_m=data.start / 1e6, end_m=data.end / 1e6, value_m=data.value / 1e6,
                       step=[wrap_label(t, per_line) for t in data.label],
                       kind_label=data.kind.map(WATERFALL_KINDS), value_text=_money_texts(data.value, cur))
    colours = alt.Scale(domain=list(WATERFALL_KINDS.values()),
                        range=[OKABE_ITO["orange"], BENEFIT, COST, TOTAL])
    base = alt.Chart(data).encode(
        x=alt.X("step:N", sort=list(data.step), title=None,
                axis=alt.Axis(labelAngle=0, labelOverlap=False, labelExpr=MULTILINE_LABELS,
                              labelLimit=0, labelFontSize=11, labelLineHeight=13, labelPadding=6)),
    )
    bars = base.mark_bar(size=38).encode(
        y=alt.Y("start_m:Q", axis=_money_axis(cur, "Net present value")),
        y2="end_m:Q",
        color=alt.Color("kind_label:N", scale=colours, legend=alt.Legend(title=None, orient="top")),
        tooltip=[alt.Tooltip("label:N", title="Step"),
                 alt.Tooltip("value_text:N", title="NPV")],
    )
    labels = base.mark_text(dy=-8, fontSize=11).encode(
        y=alt.Y("hi:Q"), text=alt.Text("value_m:Q", format="+,.2f"),
    ).transform_calculate(hi="max(datum.start_m, datum.end_m)")
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=TOTAL, strokeDash=[2, 2]).encode(y="y:Q")
    return (bars + labels + zero).properties(
        title=alt.Title(f"From programme costs to NPV ({cur} millions, risk-adjusted)",
                        subtitle="Each bar is an initiative's NPV; shared programme costs first"),
        height=380,
    )


def cash_flow_frame(case: BusinessCase) -> pd.DataFrame:
    """Benefits, costs and net cash flow per year (currency, risk-adjusted), long format."""
    benefit = sum(i.benefit for i in case.initiatives)
    cost = sum(i.cost for i in case.initiatives) + case.programme_cost
    rows = []
    for y, b, c, n, cum in zip(case.years, benefit, cost, case.cash_flows, np.cumsum(case.cash_flows)):
        rows.append({"year": f"Year {y}", "series": "Benefits", "value": float(b), "cumulative": float(cum)})
        rows.append({"year": f"Year {y}", "series": "Costs", "value": -float(c), "cumulative": float(cum)})
        rows.append({"year": f"Year {y}", "series": "Net cash flow", "value": float(n), "cumulative": float(cum)})
    return pd.DataFrame(rows)


def cash_flow(case: BusinessCase) -> alt.LayerChart:
    """Benefits (up), costs (down) and cumulative net cash flow (line) by year, currency millions."""
    cur = case.currency
    data = cash_flow_frame(case)
    data = data.assign(value_m=data.value / 1e6, cumulative_m=data.cumulative / 1e6,
                       value_text=_money_texts(data.value, cur), cumulative_text=_money_texts(data.cumulative, cur))
    bars = alt.Chart(data[data.series != "Net cash flow"]).mark_bar(size=34).encode(
        x=alt.X("year:N", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value_m:Q", axis=_money_axis(cur, "Cash flow per year")),
        color=alt.Color("series:N", scale=alt.Scale(domain=["Benefits", "Costs", "Cumulative net"],
                                                    range=[BENEFIT, COST, TOTAL]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=[alt.Tooltip("year:N"), alt.Tooltip("series:N"),
                 alt.Tooltip("value_text:N", title="Amount")],
    )
    net = data[data.series == "Net cash flow"].assign(series="Cumulative net")
    line = alt.Chart(net).mark_line(point=True, strokeWidth=2).encode(
        x="year:N", y="cumulative_m:Q",
        color=alt.Color("series:N"),
        tooltip=[alt.Tooltip("year:N"),
                 alt.Tooltip("cumulative_text:N", title="Cumulative net")],
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=TOTAL, strokeDash=[2, 2]).encode(y="y:Q")
    return (bars + line + zero).properties(
        title=alt.Title(f"Cash flow by year ({cur} millions, risk-adjusted)",
                        subtitle="Payback is where the cumulative line crosses zero"),
        height=320,
    )


def benefits_by_outcome_frame(case: BusinessCase) -> pd.DataFrame:
    """Incremental gross profit + savings over the horizon by outcome (currency)."""
    return pd.DataFrame(
        [{"outcome": OUTCOME_LABELS.get(k, k), "key": k, "value": float(v)}
         for k, v in case.benefits_by_outcome.items()]
    )


def benefits_by_outcome(case: BusinessCase) -> alt.Chart:
    """Horizontal bars: benefit by outcome over the horizon (currency millions).

    Outcomes with no benefit in this case (no initiative filed under them) are left out, so
    an empty row does not suggest a zero result.
    """
    cur = case.currency
    data = benefits_by_outcome_frame(case)
    data = data[data.value.abs() >= 0.5]
    data = data.assign(value_m=data.value / 1e6, value_text=_money_texts(data.value, cur))
    shown = [v for v in OUTCOME_LABELS.values() if v in set(data.outcome)]
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("outcome:N", sort=shown, title=None),
        x=alt.X("value_m:Q", axis=_money_axis(cur, "Gross profit + savings")),
        color=alt.Color("outcome:N", legend=None,
                        scale=alt.Scale(domain=list(OUTCOME_LABELS.values()),
                                        range=[OUTCOME_COLOURS[k] for k in OUTCOME_LABELS])),
        tooltip=[alt.Tooltip("outcome:N", title="Outcome"), alt.Tooltip("value_text:N", title="Benefit")],
    ).properties(
        title=alt.Title("Benefits by outcome", subtitle=[f"{cur} millions over the horizon, risk-adjusted",
                                                         "Outcomes with no initiative are not shown"]),
        height=alt.Step(34),
    )


def revenue_per_campaign_dollar(case: BusinessCase, benchmark: float) -> alt.LayerChart:
    """Incremental revenue per unit of variable campaign cost, by initiative, vs the benchmark."""
    cur = case.currency
    rows = [{"initiative": i.name, "ratio": i.revenue_per_campaign_dollar}
            for i in case.initiatives if i.revenue_per_campaign_dollar is not None]
    rows.append({"initiative": "Whole programme", "ratio": case.revenue_per_campaign_dollar})
    data = pd.DataFrame([r for r in rows if r["ratio"] is not None])
    if data.empty:
        data = pd.DataFrame({"initiative": pd.Series(dtype=str), "ratio": pd.Series(dtype=float)})
    data["kind"] = np.where(data.initiative == "Whole programme", "Programme", "Initiative")
    data["ratio_text"] = [f"{v:,.1f} : 1" for v in data.ratio]
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("initiative:N", sort="-x", title=None, axis=alt.Axis(labelLimit=200)),
        x=alt.X("ratio:Q", title=f"Revenue ÷ campaign cost ({cur} per {cur})"),
        color=alt.Color("kind:N", scale=alt.Scale(domain=["Initiative", "Programme"],
                                                  range=[BENEFIT, TOTAL]), legend=None),
        tooltip=[alt.Tooltip("initiative:N"), alt.Tooltip("ratio_text:N", title="Revenue : campaign cost")],
    )
    rule = alt.Chart(pd.DataFrame({"x": [benchmark], "label": [f"Benchmark ≈ {benchmark:g} : 1"]}))
    line = rule.mark_rule(color=OKABE_ITO["orange"], strokeWidth=2, strokeDash=[6, 3]).encode(x="x:Q")
    text = rule.mark_text(align="left", dx=4, dy=-6, color=OKABE_ITO["orange"]).encode(
        x="x:Q", text="label:N", y=alt.value(0))
    return (bars + line + text).properties(
        title=alt.Title("Incremental revenue per unit of variable campaign cost",
                        subtitle=f"Benchmark: consultancy figure quoted by MarTech (about {benchmark:g} : 1)"),
        height=alt.Step(28),
    )


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
                         impact_text=_money_texts(scores.impact, currency),
                         resource_text=_money_texts(scores.resource, currency) if resource_is_money
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
        x=x, y=y, text="marker:N", tooltip=tooltip)]
    for (dx, dy), part in off_mark.groupby(["dx", "dy"]):
        labels.append(alt.Chart(part).mark_text(fontSize=12, fontWeight="bold", color=TOTAL, dx=int(dx),
                                                dy=int(dy)).encode(x=x, y=y, text="marker:N", tooltip=tooltip))
    vline = alt.Chart(pd.DataFrame({"x": [r_split]})).mark_rule(strokeDash=[4, 4], color=TOTAL).encode(x="x:Q")
    hline = alt.Chart(pd.DataFrame({"y": [i_split]})).mark_rule(strokeDash=[4, 4], color=TOTAL).encode(y="y:Q")
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
                fontSize=12, fontWeight="bold", color="#555555").encode(x="x:Q", y="y:Q", text="text:N"))
    chart = points + vline + hline
    for layer in labels + quad_labels:
        chart = chart + layer
    return chart.properties(
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
        x=x, x2="built:Q", tooltip=tooltip)
    wait = base.mark_bar(color="#BBD4EA", cornerRadius=3, height=alt.RelativeBandSize(0.7)).encode(
        x="built:Q", x2="launch_month:Q", tooltip=tooltip)
    text = base.mark_text(align="left", dx=4, color=TOTAL, fontSize=12).encode(x="launch_month:Q", text="launch_text:N")
    return (build + wait + text).properties(
        title=alt.Title(f"The recommended plan under {capacity_fte:g} FTEs per quarter",
                        subtitle="Dark: the team builds it; light: the rest of its lead time; each bar ends at launch"),
        height=alt.Step(34),
    )


def plan_cumulative(curve: pd.DataFrame, currency: str) -> alt.Chart:
    """Cumulative programme net cash month by month, recommended plan vs as planned
    (``roi.plan.Plan.curve()``, currency millions)."""
    data = curve.assign(value_m=curve.cumulative_net / 1e6, value_text=_money_texts(curve.cumulative_net, currency))
    plans = list(dict.fromkeys(data.plan))
    return alt.Chart(data).mark_line(strokeWidth=2.5).encode(
        x=alt.X("month:Q", title="Months from programme start", axis=alt.Axis(tickMinStep=3)),
        y=alt.Y("value_m:Q", axis=_money_axis(currency, "Cumulative net cash")),
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


def maturity_curve(frame: pd.DataFrame) -> alt.Chart:
    """Realised share of benefit (%) against process maturity index, marking the current one.

    ``frame``: columns ``maturity_index`` (0–1), ``realisation`` (0–1), ``ramp_months``,
    ``current`` (bool).
    """
    data = frame.assign(realised_pct=frame.realisation * 100, maturity_pct=frame.maturity_index * 100)
    line = alt.Chart(data).mark_line(color=BENEFIT, strokeWidth=2.5).encode(
        x=alt.X("maturity_pct:Q", title="Process maturity index (% of the way from all-1 to all-5)"),
        y=alt.Y("realised_pct:Q", title="Benefit realised (% of theoretical)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("maturity_pct:Q", title="Maturity (%)", format=".0f"),
                 alt.Tooltip("realised_pct:Q", title="Realised (%)", format=".0f"),
                 alt.Tooltip("ramp_months:Q", title="Ramp (months)", format=".1f")],
    )
    dot = alt.Chart(data[data.current]).mark_point(size=200, filled=True, color=COST).encode(
        x="maturity_pct:Q", y="realised_pct:Q",
        tooltip=[alt.Tooltip("realised_pct:Q", title="You: realised (%)", format=".0f"),
                 alt.Tooltip("ramp_months:Q", title="You: ramp (months)", format=".1f")])
    return (line + dot).properties(
        title=alt.Title("How maturity changes the benefit you realise",
                        subtitle="Large dot: your process scores", offset=12),
        height=280,
    )
