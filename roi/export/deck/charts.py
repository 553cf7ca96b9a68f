"""Native, editable PowerPoint charts of the deck (python-pptx chart objects).

Cash flow (clustered columns), the business case by component (a waterfall drawn as stacked bars
with an invisible base), impact vs effort (scatter, labelled with the plan's row numbers), the
roadmap and the test schedule (Gantt charts as stacked bars), the tornado (overlapping bars) and
the Monte Carlo histogram (columns). Money axes are in millions of the scenario's currency, with
its symbol (:func:`roi.format.currency_symbol`); no chart text is smaller than 11 pt.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE,
                             XL_TICK_LABEL_POSITION)
from pptx.util import Emu, Inches, Pt

from .. import textfit
from ...charts.case import collapse_steps, waterfall_frame
from ...palette import OKABE_ITO, QUADRANT_COLOURS, TOTAL
from ...format import currency_symbol, true_minus
from ...model import BusinessCase
from ...prioritization import IMPACT_TITLES, RESOURCE_TITLES, Impact, Resource
from .template import FONT, nobreak, pt

TEXT_PT = 12  # axis labels, legends, data labels
TITLE_PT = 14
LABEL_CHARS_PT = 230.0  # width (points) a category label may take before it wraps


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def wrap_label(text: str, width_pt: float = LABEL_CHARS_PT, size: float = TEXT_PT) -> str:
    """A category label wrapped at word boundaries with the font's metrics (line breaks, never cut)."""
    return "\n".join(textfit.wrap(nobreak(text), width_pt, size))


def _qn(tag: str) -> str:
    from pptx.oxml.ns import qn

    return qn(tag)


def every_label(axis) -> None:
    """Draw every category label (no renderer may skip one to save room): ``c:tickLblSkip = 1``."""
    from lxml import etree

    ax = axis._element
    if ax.find(_qn("c:tickLblSkip")) is not None:
        return
    el = etree.SubElement(ax, _qn("c:tickLblSkip"))
    el.set("val", "1")
    after = ax.find(_qn("c:lblOffset")) if ax.find(_qn("c:lblOffset")) is not None else ax.find(_qn("c:lblAlgn"))
    if after is not None:
        after.addnext(el)


def value_axis_at_end(chart) -> None:
    """With the categories reversed (first on top), put the value axis under the last one, at the
    bottom, rather than above the first: ``c:valAx/c:crosses = max``."""
    crosses = chart.value_axis._element.find(_qn("c:crosses"))
    if crosses is not None:
        crosses.set("val", "max")


def hide_legend_entry(chart, index: int) -> None:
    """Leave series ``index`` (an invisible base) out of the legend."""
    from lxml import etree

    legend = chart.legend._element
    entry = etree.Element(_qn("c:legendEntry"))
    etree.SubElement(entry, _qn("c:idx")).set("val", str(index))
    etree.SubElement(entry, _qn("c:delete")).set("val", "1")
    legend.find(_qn("c:legendPos")).addnext(entry)


def _style(chart, *, legend: bool, title: str | None = None) -> None:
    chart.font.size, chart.font.name = Pt(TEXT_PT), FONT
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(TEXT_PT)
    if title:
        chart.has_title = True
        chart.chart_title.text_frame.text = title
        p = chart.chart_title.text_frame.paragraphs[0]
        p.runs[0].font.size, p.runs[0].font.bold = Pt(TITLE_PT), True
    else:
        chart.has_title = False


def _axis_title(axis, text: str) -> None:
    axis.has_title = True
    axis.axis_title.text_frame.text = text
    axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(TEXT_PT)


def _money_axis(axis, currency: str, title: str) -> None:
    # a true minus sign (U+2212), as in every figure the deck prints, not the hyphen Excel's "-" gives
    axis.tick_labels.number_format = '#,##0.0;"\u2212"#,##0.0;0'
    axis.tick_labels.number_format_is_linked = False
    axis.tick_labels.font.size = Pt(TEXT_PT)
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = rgb("#D9D9D9")
    _axis_title(axis, f"{title} ({currency_symbol(currency)} millions)")


def _colour(series, hex_colour: str | None) -> None:
    fill = series.format.fill
    if hex_colour is None:
        fill.background()
        series.format.line.fill.background()
    else:
        fill.solid()
        fill.fore_color.rgb = rgb(hex_colour)


def cash_flow(slide, case: BusinessCase, box: tuple[int, int, int, int]):
    """Benefits, initiative costs, programme costs and net cash flow by year (millions)."""
    table = case.cash_flow_table().drop(columns="Total")
    data = CategoryChartData(number_format="0.00")
    data.categories = [("Initial" if k == 0 else f"Year {k}") for k in range(len(table.columns))]
    colours = {"Benefit (gross profit + savings)": OKABE_ITO["blue"], "Initiative costs": OKABE_ITO["vermillion"],
               "Programme costs (team, platform)": OKABE_ITO["orange"], "Net cash flow": TOTAL}
    for name in colours:
        data.add_series(name.replace(" (gross profit + savings)", ""), [float(v) / 1e6 for v in table.loc[name]])
    gf = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, *map(Emu, box), data)
    chart = gf.chart
    _style(chart, legend=True)
    for series, colour in zip(chart.plots[0].series, colours.values()):
        _colour(series, colour)
    chart.plots[0].gap_width = 60
    _money_axis(chart.value_axis, case.currency, "Cash flow")
    # the plotted rows' range on a round unit, a label every ≥ 22 pt (the 50-initiative case's overlapped)
    values = table.loc[list(colours)].to_numpy(dtype=float) / 1e6
    ticks = int(max(2, min(8, (pt(box[3]) - 70) // 22)))
    lo, hi, unit = nice_range(min(values.min(), 0.0), max(values.max(), 0.0), ticks)
    v = chart.value_axis
    v.minimum_scale, v.maximum_scale, v.major_unit = lo, hi, unit
    chart.category_axis.tick_labels.font.size = Pt(TEXT_PT)
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    return gf


def max_steps(height: int, lines: int = 2) -> int:
    """How many horizontal bars a chart ``height`` (EMU) tall can label, each label on up to ``lines``
    lines of :data:`TEXT_PT` text, with the value axis and its title (≈ 60 pt) taking the rest."""
    return max(int((pt(height) - 60) // (lines * TEXT_PT * 1.2 + 4)), 4)


def waterfall(slide, case: BusinessCase, box: tuple[int, int, int, int], label_width_pt: float) -> list[str]:
    """Shared programme costs, each initiative's NPV, then the programme NPV, as horizontal bars:
    an invisible base carries each bar to where the previous step ended (millions). With more
    initiatives than the chart can label, the smallest are one "Other n initiatives" bar
    (:func:`collapse_steps`); returns their names."""
    frame, others = collapse_steps(waterfall_frame(case), max_steps(box[3]))
    kinds = {"cost": ("Programme costs", OKABE_ITO["orange"]), "benefit": ("Adds value", OKABE_ITO["blue"]),
             "loss": ("Loses value", OKABE_ITO["vermillion"]), "total": ("Programme NPV", TOTAL)}
    lo = np.minimum(frame["start"], frame["end"]).to_numpy() / 1e6
    hi = np.maximum(frame["start"], frame["end"]).to_numpy() / 1e6
    base = np.where(lo >= 0, lo, np.where(hi <= 0, hi, 0.0))
    data = CategoryChartData(number_format="0.00")
    data.categories = [wrap_label(t, label_width_pt) for t in frame["label"]]
    data.add_series("base", [float(b) for b in base])
    series_colours: list[str | None] = [None]
    for kind, (label, colour) in kinds.items():
        mine = (frame["kind"] == kind).to_numpy()
        above = np.where(lo >= 0, hi - lo, np.where(hi <= 0, lo - hi, hi))
        data.add_series(label, [float(v) if m else 0.0 for v, m in zip(above, mine)])
        series_colours.append(colour)
        crossing = mine & (lo < 0) & (hi > 0)
        if crossing.any():  # the part below zero of a bar that crosses it
            data.add_series(f"{label} (below zero)", [float(v) if c else 0.0 for v, c in zip(lo, crossing)])
            series_colours.append(colour)
    chart = _horizontal_bars(slide, XL_CHART_TYPE.BAR_STACKED, box, data, series_colours, legend=False)
    _money_axis(chart.value_axis, case.currency, "NPV, present value")
    return others


def _horizontal_bars(slide, kind, box: tuple[int, int, int, int], data: CategoryChartData,
                     colours: Sequence[str | None], *, legend: bool):
    """A horizontal bar chart of ``data`` (series coloured in order; ``None`` = invisible), first
    category at the top, every category labelled at the left and the value axis at the bottom."""
    chart = slide.shapes.add_chart(kind, *map(Emu, box), data).chart
    _style(chart, legend=legend)
    for series, colour in zip(chart.plots[0].series, colours):
        _colour(series, colour)
    chart.plots[0].gap_width = 40
    chart.plots[0].overlap = 100
    cat = chart.category_axis
    cat.reverse_order = True
    value_axis_at_end(chart)
    cat.tick_labels.font.size = Pt(TEXT_PT)
    cat.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    every_label(cat)
    return chart


def nice_range(lo: float, hi: float, ticks: int = 6) -> tuple[float, float, float]:
    """Axis (minimum, maximum, major unit) on a 1-2-2.5-5 step that holds ``lo`` … ``hi`` in at most
    ``ticks`` intervals.

    >>> nice_range(6, 18)
    (6.0, 18.0, 2.0)
    >>> nice_range(0, 0)
    (0.0, 1.0, 0.2)
    """
    lo, hi = float(min(lo, hi)), float(max(lo, hi))
    if hi - lo < 1e-12:
        lo, hi = (lo, lo + 1.0) if lo == 0 else (lo - abs(lo) * 0.5, hi + abs(hi) * 0.5)
    raw = (hi - lo) / ticks
    mag = 10 ** np.floor(np.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw - 1e-12)
    return float(np.floor(lo / step + 1e-9) * step), float(np.ceil(hi / step - 1e-9) * step), float(step)


# the plot area inside a chart's frame, as python-pptx's charts lay it out (points; approximate, on
# the safe side): value-axis title and tick labels on the left, category axis and its title below
PLOT_INSET = {"left": 62.0, "right": 12.0, "top": 10.0, "bottom": 48.0}
MARKER_PT = 12  # marker size (points)


def place_point_labels(x_pt: Sequence[float], y_pt: Sequence[float], texts: Sequence[str],
                       size: float = TEXT_PT) -> list[tuple[float, float, float, float] | None]:
    """Boxes (x0, y0, x1, y1 in points, y down) of the labels drawn right of their markers, in the
    order given (the first has priority); ``None`` for a label left off because its box would cover
    another label or a marker. Nothing overlaps, however crowded the points.

    >>> place_point_labels([100, 101, 300], [100, 100, 100], ["1", "2", "3"])[1] is None
    True
    """
    r = MARKER_PT / 2
    markers = [(x - r, y - r, x + r, y + r) for x, y in zip(x_pt, y_pt)]
    placed: list[tuple[float, float, float, float]] = []
    out: list[tuple[float, float, float, float] | None] = []

    def clear(a, b) -> bool:
        return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]

    for k, (x, y, t) in enumerate(zip(x_pt, y_pt, texts)):
        w, h = textfit.width(t, size, True) + 2, size * 1.2
        box = (x + r + 1, y - h / 2, x + r + 1 + w, y + h / 2)
        others = [m for j, m in enumerate(markers) if j != k]
        if t and all(clear(box, b) for b in placed + others):
            placed.append(box)
            out.append(box)
        else:
            out.append(None)
    return out


def impact_effort(slide, scores, numbers: dict[str, int], currency: str, box: tuple[int, int, int, int],
                  impact: str = "npv", resource: str = "effort") -> list[str]:
    """Impact (``scores.impact``, millions) against resource cost (``scores.resource``: FTE-months, or
    millions for ``resource="cost"``) — the axes the quadrants were drawn on: a series per quadrant
    (its colour; LibreOffice ignores per-point marker colours), each point labelled with its plan
    row number where the label has room (see :func:`place_point_labels`). Axes have fixed, round
    limits, so LibreOffice cannot mis-scale them and label positions can be computed. Returns the
    initiatives whose number was left off."""
    money_x = resource == "cost"
    x = scores["resource"].astype(float).to_numpy() / (1e6 if money_x else 1.0)
    y = scores["impact"].astype(float).to_numpy() / 1e6
    x_lo, x_hi, x_unit = nice_range(min(x.min(), 0.0), x.max())
    y_lo, y_hi, y_unit = nice_range(min(y.min(), 0.0), max(y.max(), 0.0))
    left, top, width, height = box
    pw = pt(width) - PLOT_INSET["left"] - PLOT_INSET["right"]
    ph = pt(height) - PLOT_INSET["top"] - PLOT_INSET["bottom"]
    x_pt = PLOT_INSET["left"] + (x - x_lo) / (x_hi - x_lo) * pw
    y_pt = PLOT_INSET["top"] + (y_hi - y) / (y_hi - y_lo) * ph
    names = list(scores["initiative"])
    texts = [str(numbers.get(n, "")) for n in names]
    order = sorted(range(len(names)), key=lambda k: (numbers.get(names[k], 10**9), k))
    boxes = place_point_labels([x_pt[k] for k in order], [y_pt[k] for k in order], [texts[k] for k in order])
    shown = {k: b is not None for k, b in zip(order, boxes)}
    quadrants = [q for q in QUADRANT_COLOURS if (scores["quadrant"] == q).any()]
    quadrants += sorted(set(scores["quadrant"]) - set(quadrants))
    members = {q: [k for k in range(len(names)) if scores["quadrant"].iloc[k] == q] for q in quadrants}
    quadrants.sort(key=lambda q: -len(members[q]))  # LibreOffice mis-scales when the first series has one point
    data = XyChartData()
    for q in quadrants:
        s = data.add_series(q)
        for k in members[q]:
            s.add_data_point(float(x[k]), float(y[k]))
    gf = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, *map(Emu, box), data)
    chart = gf.chart
    _style(chart, legend=False)
    for q, series in zip(quadrants, chart.plots[0].series):
        series.format.line.fill.background()
        series.marker.size = MARKER_PT
        series.marker.style = XL_MARKER_STYLE.CIRCLE  # the legend's "●"
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = rgb(QUADRANT_COLOURS.get(q, TOTAL))
        series.marker.format.line.fill.background()
        for j, k in enumerate(members[q]):
            if not shown[k]:
                continue
            dl = series.points[j].data_label
            dl.has_text_frame = True
            dl.text_frame.text = texts[k]
            dl.position = XL_LABEL_POSITION.RIGHT
            dl.font.size, dl.font.bold = Pt(TEXT_PT), True
    _money_axis(chart.value_axis, currency, IMPACT_TITLES[Impact(impact)])
    for axis, (lo, hi, unit) in ((chart.value_axis, (y_lo, y_hi, y_unit)), (chart.category_axis, (x_lo, x_hi, x_unit))):
        axis.minimum_scale, axis.maximum_scale, axis.major_unit = lo, hi, unit
    xa = chart.category_axis
    if money_x:
        _money_axis(xa, currency, RESOURCE_TITLES[Resource.cost])
    else:
        xa.tick_labels.font.size = Pt(TEXT_PT)
        _axis_title(xa, RESOURCE_TITLES[Resource.effort])
    xa.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    xa.has_major_gridlines = False
    return [names[k] for k in order if not shown[k] and texts[k]]


def key(slide, items: Sequence[tuple[str, str]], box: tuple[int, int, int, int], mark: str = "\u25cf") -> None:
    """A colour key as a text box: "● label  ● label …", each mark in its colour. Used where a
    native legend would list an invisible helper series (LibreOffice hides the wrong entry when
    told to leave one out) or could not show per-quadrant colours."""
    tb = slide.shapes.add_textbox(*map(Emu, box))
    tf = tb.text_frame
    tf.word_wrap = True
    p = tf.paragraphs[0]
    for label_text, colour in items:
        dot = p.add_run()
        dot.text = mark + " "
        dot.font.color.rgb = rgb(colour)
        dot.font.size, dot.font.name = Pt(TEXT_PT + 2), FONT
        label = p.add_run()
        label.text = f"{label_text}    "
        label.font.size, label.font.name = Pt(TEXT_PT), FONT


def quadrant_legend(slide, quadrants: list[str], box: tuple[int, int, int, int]) -> None:
    """The colour key of :func:`impact_effort`: "● Quick win  ● Big bet …" in the quadrants' colours."""
    key(slide, [(q, QUADRANT_COLOURS[q]) for q in quadrants], box)


KEY_H = Emu(Inches(0.45))  # the height of a key under a chart


def gantt(slide, labels: Sequence[str], starts: Sequence[float], spans: Sequence[Sequence[float]],
          span_names: Sequence[str], colours: Sequence[str], axis_title: str, box: tuple[int, int, int, int],
          label_width_pt: float, maximum: float | None = None):
    """Horizontal bars starting at ``starts`` (an invisible base) and running through each of ``spans``;
    with more than one span, a colour key under the chart (not a native legend, which would show or
    mis-hide the invisible base)."""
    left, top, width, height = box
    if len(span_names) > 1:
        height -= KEY_H
        key(slide, list(zip(span_names, colours)), (left, top + height, width, KEY_H), mark="\u25a0")
    data = CategoryChartData(number_format="0.0")
    data.categories = [wrap_label(t, label_width_pt) for t in labels]
    data.add_series(" ", [float(v) for v in starts])  # the invisible base
    for name, values in zip(span_names, spans):
        data.add_series(name, [float(v) for v in values])
    gf = slide.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED, *map(Emu, (left, top, width, height)), data)
    chart = gf.chart
    _style(chart, legend=False)
    for series, colour in zip(chart.plots[0].series, [None, *colours]):
        _colour(series, colour)
    chart.plots[0].gap_width = 50
    cat = chart.category_axis
    cat.reverse_order = True
    value_axis_at_end(chart)
    cat.tick_labels.font.size = Pt(TEXT_PT)
    every_label(cat)
    v = chart.value_axis
    end = max([float(a) + sum(float(sp[k]) for sp in spans) for k, a in enumerate(starts)] or [1.0])
    top_value = maximum if maximum is not None else end
    # as many ticks as the labels have room for (a label ≈ 5 digits wide), never crowded
    plot_w = pt(width) - label_width_pt - 20
    ticks = int(max(2, min(8, plot_w // (textfit.width("00000", TEXT_PT) + 8))))
    lo, hi, unit = nice_range(0.0, top_value, ticks)
    v.minimum_scale, v.maximum_scale, v.major_unit = 0, (maximum if maximum is not None else hi), unit
    v.tick_labels.font.size = Pt(TEXT_PT)
    v.tick_labels.number_format, v.tick_labels.number_format_is_linked = "#,##0", False
    v.has_major_gridlines = True
    v.major_gridlines.format.line.color.rgb = rgb("#D9D9D9")
    _axis_title(v, axis_title)
    return gf


def tornado(slide, rows, base_npv: float, currency: str, box: tuple[int, int, int, int], label_width_pt: float,
            top: int = 8):
    """NPV change (millions) with each driver at its low and at its high value, largest swing first."""
    rows = list(rows)[:top]
    data = CategoryChartData(number_format="0.00")
    data.categories = [wrap_label(r.label, label_width_pt) for r in rows]
    data.add_series("Driver at its low value", [(r.npv_low - base_npv) / 1e6 for r in rows])
    data.add_series("Driver at its high value", [(r.npv_high - base_npv) / 1e6 for r in rows])
    chart = _horizontal_bars(slide, XL_CHART_TYPE.BAR_CLUSTERED, box, data,
                             (OKABE_ITO["vermillion"], OKABE_ITO["blue"]), legend=True)
    _money_axis(chart.value_axis, currency, "Change in NPV")
    return chart


def nice_bands(values: np.ndarray, target: int = 16) -> tuple[np.ndarray, int]:
    """Edges of bands of a round width — 1, 2 or 5 × 10ᵏ, the smallest giving at most ``target``
    bands over the values' range — starting at a multiple of it, so zero is an edge (no band mixes
    losses and gains) and the midpoints that label the bands are evenly spaced round numbers; and
    the decimals those midpoints need.

    >>> edges, digits = nice_bands(np.array([-1.37, 0.2, 4.9]))
    >>> float(edges[1] - edges[0]), float(edges[0]), digits
    (0.5, -1.5, 2)
    """
    lo, hi = float(np.min(values)), float(np.max(values))
    if not hi > lo:  # one value: one band of width 1 around it
        lo, hi = lo - 0.5, lo + 0.5
    raw = (hi - lo) / target
    k = int(np.floor(np.log10(raw)))
    step, m = next((f * 10.0**k, f) for f in (1, 2, 5, 10) if f * 10.0**k * target >= hi - lo)
    if m == 10:
        step, m, k = 10.0 ** (k + 1), 1, k + 1
    start = np.floor(lo / step) * step
    n = max(int(np.ceil((hi - start) / step - 1e-9)), 1)
    # the midpoint of a band of width 1·10ᵏ or 5·10ᵏ has one more decimal than 10ᵏ; of 2·10ᵏ, none
    digits = max(0, -k + (0 if m == 2 else 1))
    return start + step * np.arange(n + 1), digits


def histogram(slide, npv: np.ndarray, currency: str, box: tuple[int, int, int, int], bins: int = 16):
    """Share of Monte Carlo draws by NPV band (millions; the band's midpoint labels it): at most
    ``bins`` bands of a round width (:func:`nice_bands`)."""
    millions = np.asarray(npv) / 1e6
    edges, digits = nice_bands(millions, bins)
    counts, _ = np.histogram(millions, bins=edges)
    mids = (edges[:-1] + edges[1:]) / 2
    data = CategoryChartData(number_format="0%")
    data.categories = [true_minus(f"{m:,.{digits}f}") for m in mids]
    data.add_series("Share of draws", [float(c) / max(counts.sum(), 1) for c in counts])
    gf = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, *map(Emu, box), data)
    chart = gf.chart
    _style(chart, legend=False)
    s = chart.plots[0].series[0]
    chart.plots[0].gap_width = 15
    _colour(s, OKABE_ITO["sky"])
    for k, m in enumerate(mids):
        if m < 0:
            s.points[k].format.fill.solid()
            s.points[k].format.fill.fore_color.rgb = rgb(OKABE_ITO["vermillion"])
    v = chart.value_axis
    v.tick_labels.number_format, v.tick_labels.number_format_is_linked = "0%", False
    v.tick_labels.font.size = Pt(TEXT_PT)
    v.has_major_gridlines = True
    v.major_gridlines.format.line.color.rgb = rgb("#D9D9D9")
    _axis_title(v, "Share of draws")
    c = chart.category_axis
    c.tick_labels.font.size = Pt(TEXT_PT)
    c.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    _axis_title(c, f"NPV before risk adjustment ({currency_symbol(currency)} millions; red: a loss)")
    return gf
