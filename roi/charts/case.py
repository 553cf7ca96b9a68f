"""Charts of the business case: the NPV waterfall, cash flow by year, benefits by outcome,
revenue per campaign dollar (pages Overview and Business case, and the PDF brief)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..model import BusinessCase
from ..palette import BENEFIT, COST, OKABE_ITO, OUTCOME_COLOURS, OUTCOME_LABELS, TOTAL
from .text import MULTILINE_LABELS, layered, money_axis, money_texts, wrap_label, zero_line


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


WATERFALL_KINDS: dict[str, str] = {
    "cost": "Programme costs",
    "benefit": "Initiative adds value",
    "loss": "Initiative loses value",
    "total": "Programme NPV",
}


def collapse_steps(frame: pd.DataFrame, limit: int) -> tuple[pd.DataFrame, list[str]]:
    """A waterfall frame of at most ``limit`` steps: the programme costs, the initiatives with the
    largest NPVs either way (in their order), one "Other n initiatives" step with the rest's sum, and
    the programme NPV (which does not change). Returns the frame and the initiatives collapsed.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"label": ["Costs", "A", "B", "C", "NPV"], "kind": ["cost", "benefit", "loss", "benefit",
    ...                   "total"], "value": [-5.0, 4.0, -0.5, 0.2, -1.3]})
    >>> g, others = collapse_steps(f, 4)
    >>> list(g.label), others, list(g.end.round(2))
    (['Costs', 'A', 'Other 2 initiatives', 'NPV'], ['B', 'C'], [-5.0, -1.0, -1.3, -1.3])
    """
    middle = frame[~frame["kind"].isin(["cost", "total"])]
    if len(frame) <= limit:
        return frame, []
    keep = set(middle["value"].abs().sort_values(ascending=False).index[: max(limit - 3, 1)])
    rest = middle[~middle.index.isin(keep)]
    steps = [r for _, r in frame.iterrows() if r["kind"] == "cost" or r.name in keep]
    total = frame[frame["kind"] == "total"].iloc[0]
    other = float(rest["value"].sum())
    rows, running = [], 0.0
    for r in steps:
        rows.append({"label": r["label"], "kind": r["kind"], "value": float(r["value"])})
    rows.append({"label": f"Other {len(rest)} initiatives", "kind": "benefit" if other >= 0 else "loss",
                 "value": other})
    for r in rows:
        r["start"], r["end"] = running, running + r["value"]
        running += r["value"]
    rows.append({"label": total["label"], "kind": "total", "value": float(total["value"]), "start": 0.0,
                 "end": float(total["value"])})
    return pd.DataFrame(rows), list(rest["label"])


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
                       kind_label=data.kind.map(WATERFALL_KINDS), value_text=money_texts(data.value, cur))
    colours = alt.Scale(domain=list(WATERFALL_KINDS.values()),
                        range=[OKABE_ITO["orange"], BENEFIT, COST, TOTAL])
    base = alt.Chart(data).encode(
        x=alt.X("step:N", sort=list(data.step), title=None,
                axis=alt.Axis(labelAngle=0, labelOverlap=False, labelExpr=MULTILINE_LABELS,
                              labelLimit=0, labelFontSize=11, labelLineHeight=13, labelPadding=6)),
    )
    bars = base.mark_bar(size=38).encode(
        y=alt.Y("start_m:Q", axis=money_axis(cur, "Net present value")),
        y2=alt.Y2("end_m:Q"),
        color=alt.Color("kind_label:N", scale=colours, legend=alt.Legend(title=None, orient="top")),
        tooltip=[alt.Tooltip("label:N", title="Step"),
                 alt.Tooltip("value_text:N", title="NPV")],
    )
    labels = base.mark_text(dy=-8, fontSize=11).encode(
        y=alt.Y("hi:Q"), text=alt.Text("value_m:Q", format="+,.2f"),
    ).transform_calculate(hi="max(datum.start_m, datum.end_m)")
    zero = zero_line()
    return layered(
        bars, labels, zero,
        title=alt.Title(f"From programme costs to NPV ({cur} millions, risk-adjusted)",
                        subtitle="Each bar is an initiative's NPV; shared programme costs first"),
        height=380,
    )


def waterfall_across(case: BusinessCase, *, max_steps: int = 12) -> alt.LayerChart:
    """The waterfall of :func:`waterfall` lying down, for print: one row per step, its name in full
    on one line at the left, the bars running from left to right (currency millions). At most
    ``max_steps`` rows, the smallest initiatives as one "Other n initiatives" row."""
    cur = case.currency
    data, _ = collapse_steps(waterfall_frame(case), max_steps)
    data = data.assign(start_m=data.start / 1e6, end_m=data.end / 1e6, value_m=data.value / 1e6,
                       kind_label=data.kind.map(WATERFALL_KINDS), value_text=money_texts(data.value, cur))
    colours = alt.Scale(domain=list(WATERFALL_KINDS.values()), range=[OKABE_ITO["orange"], BENEFIT, COST, TOTAL])
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=list(data.label), title=None, axis=alt.Axis(labelLimit=300, labelFontSize=12)))
    bars = base.mark_bar(size=16).encode(
        x=alt.X("start_m:Q", axis=money_axis(cur, "Net present value")),
        x2=alt.X2("end_m:Q"),
        color=alt.Color("kind_label:N", scale=colours, legend=alt.Legend(title=None, orient="top", labelFontSize=12)),
    )
    # the value just right of each bar's right end
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(
        x=alt.X("hi:Q"), text=alt.Text("value_m:Q", format="+,.2f"),
    ).transform_calculate(hi="max(datum.start_m, datum.end_m)")
    zero = zero_line("x")
    return layered(bars, labels, zero,
                   title=alt.Title(f"From programme costs to NPV ({cur} millions, risk-adjusted)", fontSize=14),
                   height=alt.Step(26))


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
                       value_text=money_texts(data.value, cur), cumulative_text=money_texts(data.cumulative, cur))
    bars = alt.Chart(data[data.series != "Net cash flow"]).mark_bar(size=34).encode(
        x=alt.X("year:N", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value_m:Q", axis=money_axis(cur, "Cash flow per year")),
        color=alt.Color("series:N", scale=alt.Scale(domain=["Benefits", "Costs", "Cumulative net"],
                                                    range=[BENEFIT, COST, TOTAL]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=[alt.Tooltip("year:N"), alt.Tooltip("series:N"),
                 alt.Tooltip("value_text:N", title="Amount")],
    )
    net = data[data.series == "Net cash flow"].assign(series="Cumulative net")
    line = alt.Chart(net).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("year:N"), y=alt.Y("cumulative_m:Q"),
        color=alt.Color("series:N"),
        tooltip=[alt.Tooltip("year:N"),
                 alt.Tooltip("cumulative_text:N", title="Cumulative net")],
    )
    zero = zero_line()
    return layered(
        bars, line, zero,
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
    data = data.assign(value_m=data.value / 1e6, value_text=money_texts(data.value, cur))
    shown = [v for v in OUTCOME_LABELS.values() if v in set(data.outcome)]
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("outcome:N", sort=shown, title=None),
        x=alt.X("value_m:Q", axis=money_axis(cur, "Gross profit + savings")),
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
    line = rule.mark_rule(color=OKABE_ITO["orange"], strokeWidth=2, strokeDash=[6, 3]).encode(x=alt.X("x:Q"))
    text = rule.mark_text(align="left", dx=4, dy=-6, color=OKABE_ITO["orange"]).encode(
        x=alt.X("x:Q"), text=alt.Text("label:N"), y=alt.YValue(0))
    return layered(
        bars, line, text,
        title=alt.Title("Incremental revenue per unit of variable campaign cost",
                        subtitle=f"Benchmark: consultancy figure quoted by MarTech (about {benchmark:g} : 1)"),
        height=alt.Step(28),
    )
