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
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.util import Emu, Pt

from .. import textfit
from ...charts.case import waterfall_frame
from ...palette import OKABE_ITO, QUADRANT_COLOURS, TOTAL
from ...format import currency_symbol
from ...model import BusinessCase
from .template import FONT, nobreak

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
    axis.tick_labels.number_format = '#,##0.0;-#,##0.0;0'
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
    chart.category_axis.tick_labels.font.size = Pt(TEXT_PT)
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    return gf


def waterfall(slide, case: BusinessCase, box: tuple[int, int, int, int], label_width_pt: float):
    """Shared programme costs, each initiative's NPV, then the programme NPV, as horizontal bars:
    an invisible base carries each bar to where the previous step ended (millions)."""
    frame = waterfall_frame(case)
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
    gf = slide.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED, *map(Emu, box), data)
    chart = gf.chart
    _style(chart, legend=False)
    for series, colour in zip(chart.plots[0].series, series_colours):
        _colour(series, colour)
    chart.plots[0].gap_width = 40
    chart.plots[0].overlap = 100
    cat = chart.category_axis
    cat.reverse_order = True
    cat.tick_labels.font.size = Pt(TEXT_PT)
    cat.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    every_label(cat)
    _money_axis(chart.value_axis, case.currency, "NPV, present value")
    return gf


def impact_effort(slide, scores, numbers: dict[str, int], currency: str, box: tuple[int, int, int, int]):
    """NPV against effort: one series (LibreOffice mis-scales scatter charts whose first series has a
    single point), each point coloured by its quadrant and labelled with its plan row number."""
    data = XyChartData()
    s = data.add_series("Initiatives")
    for _, row in scores.iterrows():
        s.add_data_point(float(row["effort_fte_months"]), float(row["npv"]) / 1e6)
    gf = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, *map(Emu, box), data)
    chart = gf.chart
    _style(chart, legend=False)
    series = chart.plots[0].series[0]
    series.format.line.fill.background()
    series.marker.size = 12
    for k, (_, row) in enumerate(scores.iterrows()):
        point = series.points[k]
        point.marker.format.fill.solid()
        point.marker.format.fill.fore_color.rgb = rgb(QUADRANT_COLOURS.get(row["quadrant"], TOTAL))
        point.marker.format.line.fill.background()
        dl = point.data_label
        dl.has_text_frame = True
        dl.text_frame.text = str(numbers.get(row["initiative"], ""))
        dl.position = XL_LABEL_POSITION.RIGHT
        dl.font.size, dl.font.bold = Pt(TEXT_PT), True
    _money_axis(chart.value_axis, currency, "NPV")
    x = chart.category_axis
    x.tick_labels.font.size = Pt(TEXT_PT)
    x.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    x.has_major_gridlines = False
    _axis_title(x, "Effort (FTE-months)")
    return gf


def quadrant_legend(slide, quadrants: list[str], box: tuple[int, int, int, int]) -> None:
    """The colour key of :func:`impact_effort`: "● Quick win  ● Big bet …" in the quadrants' colours."""
    tb = slide.shapes.add_textbox(*map(Emu, box))
    tf = tb.text_frame
    tf.word_wrap = True
    p = tf.paragraphs[0]
    for q in quadrants:
        dot = p.add_run()
        dot.text = "\u25cf "
        dot.font.color.rgb = rgb(QUADRANT_COLOURS[q])
        dot.font.size, dot.font.name = Pt(TEXT_PT + 2), FONT
        label = p.add_run()
        label.text = f"{q}    "
        label.font.size, label.font.name = Pt(TEXT_PT), FONT


def gantt(slide, labels: Sequence[str], starts: Sequence[float], spans: Sequence[Sequence[float]],
          span_names: Sequence[str], colours: Sequence[str], axis_title: str, box: tuple[int, int, int, int],
          label_width_pt: float, maximum: float | None = None):
    """Horizontal bars starting at ``starts`` (an invisible base) and running through each of ``spans``."""
    data = CategoryChartData(number_format="0.0")
    data.categories = [wrap_label(t, label_width_pt) for t in labels]
    data.add_series(" ", [float(v) for v in starts])  # the invisible base: no legend text
    for name, values in zip(span_names, spans):
        data.add_series(name, [float(v) for v in values])
    gf = slide.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED, *map(Emu, box), data)
    chart = gf.chart
    _style(chart, legend=len(span_names) > 1)
    for series, colour in zip(chart.plots[0].series, [None, *colours]):
        _colour(series, colour)
    chart.plots[0].gap_width = 50
    cat = chart.category_axis
    cat.reverse_order = True
    cat.tick_labels.font.size = Pt(TEXT_PT)
    every_label(cat)
    if len(span_names) > 1:
        hide_legend_entry(chart, 0)
    v = chart.value_axis
    v.minimum_scale = 0
    if maximum is not None:
        v.maximum_scale = maximum
    v.tick_labels.font.size = Pt(TEXT_PT)
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
    gf = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *map(Emu, box), data)
    chart = gf.chart
    _style(chart, legend=True)
    for series, colour in zip(chart.plots[0].series, (OKABE_ITO["vermillion"], OKABE_ITO["blue"])):
        _colour(series, colour)
    chart.plots[0].overlap = 100
    chart.plots[0].gap_width = 40
    cat = chart.category_axis
    cat.reverse_order = True
    cat.tick_labels.font.size = Pt(TEXT_PT)
    cat.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    every_label(cat)
    _money_axis(chart.value_axis, currency, "Change in NPV")
    return gf


def histogram(slide, npv: np.ndarray, currency: str, box: tuple[int, int, int, int], bins: int = 16):
    """Share of Monte Carlo draws by NPV band (millions; the band's midpoint labels it)."""
    counts, edges = np.histogram(np.asarray(npv) / 1e6, bins=bins)
    mids = (edges[:-1] + edges[1:]) / 2
    data = CategoryChartData(number_format="0%")
    step = edges[1] - edges[0]
    digits = 0 if step >= 1 else (1 if step >= 0.1 else 2)
    data.categories = [f"{m:,.{digits}f}" for m in mids]
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
