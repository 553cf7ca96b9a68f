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


CURRENCY_SYMBOLS: dict[str, str] = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "CNY": "¥",
                                    "KRW": "₩"}


def currency_symbol(currency: str) -> str:
    """``€`` for EUR, ``$`` for USD …; other ISO codes are followed by a space (``CHF ``)."""
    return CURRENCY_SYMBOLS.get(currency, f"{currency} ")


def money_text(value: float, currency: str) -> str:
    """Compact money as on the dashboard's cards, for tooltips and labels: ``€434k``, ``-£1.2M``.

    >>> money_text(433_697.4, "EUR"), money_text(-1_234_567, "GBP"), money_text(950, "USD"), money_text(9_480, "EUR")
    ('€434k', '-£1.2M', '$950', '€9.5k')
    """
    v = abs(float(value))
    sign = "-" if value < 0 and v >= 0.5 else ""
    sym = currency_symbol(currency)
    if v >= 999_950_000:
        return f"{sign}{sym}{v / 1e9:,.1f}B"
    if v >= 999_500:
        return f"{sign}{sym}{v / 1e6:,.1f}M"
    if v >= 9_950:
        return f"{sign}{sym}{v / 1e3:,.0f}k"
    if v >= 999.5:
        return f"{sign}{sym}{v / 1e3:,.1f}k"
    return f"{sign}{sym}{v:,.0f}"


def _money_texts(values, currency: str) -> list[str]:
    return [money_text(v, currency) for v in values]


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


def impact_effort(
    scores: pd.DataFrame,
    *,
    impact_title: str,
    resource_title: str,
    impact_split: float,
    resource_split: float,
    currency: str,
    resource_is_money: bool = False,
) -> alt.LayerChart:
    """Impact (y) vs resource cost (x) scatter with labelled quadrant lines and tooltips.

    ``scores`` is :func:`roi.prioritization.score_table`'s frame (``impact`` in currency,
    ``resource`` in FTE-months or currency, ``quadrant``, ``rank``).
    """
    data = scores.assign(impact_m=scores.impact / 1e6,
                         resource_x=scores.resource / (1e6 if resource_is_money else 1.0),
                         impact_text=_money_texts(scores.impact, currency),
                         resource_text=_money_texts(scores.resource, currency) if resource_is_money
                         else [f"{v:,.1f}" for v in scores.resource])
    r_split = resource_split / (1e6 if resource_is_money else 1.0)
    i_split = impact_split / 1e6
    xmax = float(max(data.resource_x.max(), r_split) * 1.15 or 1.0)
    ymin = float(min(data.impact_m.min(), 0.0))
    ymax = float(max(data.impact_m.max(), i_split, 0.0))
    pad = (ymax - ymin) * 0.15 or 1.0
    ydom = [ymin - pad, ymax + pad]
    x = alt.X("resource_x:Q", title=resource_title, scale=alt.Scale(domain=[0, xmax], nice=False))
    y = alt.Y("impact_m:Q", title=impact_title, scale=alt.Scale(domain=ydom, nice=False))
    points = alt.Chart(data).mark_circle(size=220, opacity=0.9, stroke="white", strokeWidth=1).encode(
        x=x, y=y,
        color=alt.Color("quadrant:N", scale=alt.Scale(domain=list(QUADRANT_COLOURS),
                                                      range=list(QUADRANT_COLOURS.values())),
                        legend=alt.Legend(title="Quadrant", orient="top")),
        tooltip=[alt.Tooltip("initiative:N", title="Initiative"),
                 alt.Tooltip("quadrant:N", title="Quadrant"),
                 alt.Tooltip("rank:Q", title="Rank"),
                 alt.Tooltip("impact_text:N", title=impact_title.split(" (")[0]),
                 alt.Tooltip("resource_text:N", title=resource_title.split(" (")[0] if resource_is_money
                             else resource_title),
                 alt.Tooltip("evidence:N", title="Evidence")],
    )
    # Names sit right of their point, or left of it in the right part of the chart so that they
    # are never cut off at the edge.
    label = ("datum.rank + '. ' + (length(datum.initiative) > 28 ? "
             "slice(datum.initiative, 0, 27) + '…' : datum.initiative)")
    right_side = f"datum.resource_x > {xmax * 0.55!r}"
    names = alt.layer(
        alt.Chart(data).mark_text(align="left", dx=10, fontSize=11).encode(x=x, y=y, text="label:N")
        .transform_filter(f"!({right_side})").transform_calculate(label=label),
        alt.Chart(data).mark_text(align="right", dx=-10, fontSize=11).encode(x=x, y=y, text="label:N")
        .transform_filter(right_side).transform_calculate(label=label),
    )
    vline = alt.Chart(pd.DataFrame({"x": [r_split]})).mark_rule(strokeDash=[4, 4], color=TOTAL).encode(x="x:Q")
    hline = alt.Chart(pd.DataFrame({"y": [i_split]})).mark_rule(strokeDash=[4, 4], color=TOTAL).encode(y="y:Q")
    corners = pd.DataFrame([
        {"x": xmax * 0.02, "y": ydom[1], "text": "Quick wins", "align": "left"},
        {"x": xmax * 0.98, "y": ydom[1], "text": "Big bets", "align": "right"},
        {"x": xmax * 0.02, "y": ydom[0], "text": "Fill-ins", "align": "left"},
        {"x": xmax * 0.98, "y": ydom[0], "text": "Money pits", "align": "right"},
    ])
    quad_labels = []
    for align in ("left", "right"):
        for top in (True, False):
            part = corners[(corners["align"] == align) & ((corners["y"] == ydom[1]) == top)]
            quad_labels.append(alt.Chart(part).mark_text(
                align=align, baseline="top" if top else "bottom", dy=6 if top else -6,
                fontSize=13, fontWeight="bold", color="#555555").encode(x="x:Q", y="y:Q", text="text:N"))
    chart = points + names + vline + hline
    for layer in quad_labels:
        chart = chart + layer
    return chart.properties(
        title=alt.Title("Impact vs resource cost",
                        subtitle="Dashed lines: portfolio medians (impact never below zero)"),
        height=440,
    )


def roadmap_gantt(plan: pd.DataFrame, capacity_fte: float) -> alt.Chart:
    """Bars from start to launch quarter per initiative (``Roadmap.table()``), labelled with FTEs."""
    data = plan.assign(label=plan["rank"].astype(str) + ". " + plan["initiative"],
                       fte_text=plan["fte"].map(lambda v: f"{v:,.1f} FTE"))
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=list(data.label), title=None, axis=alt.Axis(labelLimit=220)),
    )
    end = float(data["launch_quarter"].max()) if len(data) else 1.0
    bars = base.mark_bar(color=BENEFIT, cornerRadius=3, height=alt.RelativeBandSize(0.7)).encode(
        x=alt.X("start_quarter:Q", title="Quarter from programme start",
                scale=alt.Scale(domain=[0, end + 1]),  # room for the FTE label after the last bar
                axis=alt.Axis(tickMinStep=1, format="d")),
        x2="launch_quarter:Q",
        tooltip=[alt.Tooltip("initiative:N"), alt.Tooltip("start_quarter:Q", title="Starts (quarter)"),
                 alt.Tooltip("launch_quarter:Q", title="Launches (quarter)"),
                 alt.Tooltip("fte:Q", title="FTEs while building", format=",.1f")],
    )
    # the FTEs follow the bar's end, in dark text: a one-quarter bar is too short to hold them
    text = base.mark_text(align="left", dx=4, color=TOTAL, fontSize=11).encode(
        x="launch_quarter:Q", text="fte_text:N")
    return (bars + text).properties(
        title=alt.Title(f"Roadmap under {capacity_fte:g} FTEs per quarter",
                        subtitle="What starts when, in rank order; each bar ends at launch"),
        height=alt.Step(30),
    )


def cumulative_benefit(curve: pd.DataFrame, currency: str, *, net: bool = True) -> alt.Chart:
    """Cumulative (net) benefit over months for each plan in ``Roadmap.curve`` (currency millions)."""
    col = "cumulative_net" if net else "cumulative_benefit"
    what = "Cumulative net benefit" if net else "Cumulative benefit"
    data = curve.assign(value_m=curve[col] / 1e6, value_text=_money_texts(curve[col], currency))
    plans = list(dict.fromkeys(data.plan))
    return alt.Chart(data).mark_line(point=True, strokeWidth=2.5).encode(
        x=alt.X("month:Q", title="Months from programme start", axis=alt.Axis(tickMinStep=3)),
        y=alt.Y("value_m:Q", axis=_money_axis(currency, what)),
        color=alt.Color("plan:N", scale=alt.Scale(domain=plans, range=[BENEFIT, TOTAL][: len(plans)]),
                        legend=alt.Legend(title=None, orient="top")),
        strokeDash=alt.StrokeDash("plan:N", scale=alt.Scale(domain=plans, range=[[1, 0], [5, 4]][: len(plans)]),
                                  legend=None),
        tooltip=[alt.Tooltip("plan:N"), alt.Tooltip("month:Q", title="Month"),
                 alt.Tooltip("value_text:N", title=what)],
    ).properties(
        title=alt.Title(f"{what} of the roadmap ({currency} millions)",
                        subtitle="Initiative benefit less initiative costs; shared programme costs excluded"
                        if net else "Gross profit + savings"),
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
