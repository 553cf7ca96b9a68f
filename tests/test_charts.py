"""Chart builders: valid Vega-Lite, titled, units on axes, data that matches the model."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

import roi
from roi import charts, render
from roi import prioritization as pr
from roi.references import REVENUE_PER_CAMPAIGN_DOLLAR
from roi.delay import cost_of_delay_per_month
from roi.plan import recommend

SAMPLES = list(roi.sample_paths())


def _all_charts(case):
    cod = cost_of_delay_per_month(case.scenario)
    t = pr.score_table(case, cod)
    i, r = pr.splits(t.impact.to_numpy(float), t.resource.to_numpy(float))
    plan = recommend(case.scenario, case=case)
    return {
        "waterfall": charts.waterfall(case),
        "waterfall_across": charts.case.waterfall_across(case),
        "cash_flow": charts.cash_flow(case),
        "outcomes": charts.benefits_by_outcome(case),
        "per_dollar": charts.revenue_per_campaign_dollar(case, REVENUE_PER_CAMPAIGN_DOLLAR),
        "matrix": charts.impact_effort(t, impact_title="NPV (EUR M)", resource_title="Effort (FTE-months)",
                                       impact_split=i, resource_split=r, currency=case.currency),
        "gantt": charts.plan_gantt(plan.table(), 6),
        "cumulative": charts.plan_cumulative(plan.curve(), case.currency),
    }


def _titles(spec: dict) -> list[str]:
    """Every axis title in a (layered) Vega-Lite spec."""
    out = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("x", "y") and isinstance(v, dict) and "title" in v and v["title"]:
                    out.append(v["title"])
                if k in ("x", "y") and isinstance(v, dict) and isinstance(v.get("axis"), dict) and v["axis"].get("title"):
                    out.append(v["axis"]["title"])
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return out


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_chart_is_valid_and_titled(sample):
    case = roi.evaluate(roi.load_sample(sample))
    for name, chart in _all_charts(case).items():
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert spec.get("title"), name
        json.dumps(spec)
        assert _titles(spec), f"{name} has no axis title"


def test_money_axes_state_the_currency():
    case = roi.evaluate(roi.load_sample("retail_bank"))
    for name in ("waterfall", "cash_flow", "outcomes", "cumulative"):
        titles = _titles(_all_charts(case)[name].to_dict())
        assert any(case.currency in t for t in titles), (name, titles)


def test_waterfall_ends_at_programme_npv():
    case = roi.evaluate(roi.load_sample("european_retailer"))
    frame = charts.waterfall_frame(case)
    assert frame.iloc[-1]["label"] == "Programme NPV"
    assert frame.iloc[-1]["value"] == pytest.approx(case.npv)  # Σ initiative NPV − PV(programme costs)
    assert frame.iloc[-2]["end"] == pytest.approx(case.npv)
    assert len(frame) == len(case.initiatives) + 2


def test_cash_flow_frame_matches_the_table():
    case = roi.evaluate(roi.load_sample("consumer_goods_brand"))
    frame = charts.cash_flow_frame(case)
    net = frame[frame.series == "Net cash flow"].value.to_numpy()
    assert net == pytest.approx(case.cash_flows)
    assert frame[frame.series == "Costs"].value.le(0).all()


def test_outcome_colours_are_okabe_ito():
    assert set(charts.OUTCOME_COLOURS.values()) <= set(charts.PALETTE)
    assert set(charts.QUADRANT_COLOURS.values()) <= set(charts.PALETTE)


def test_revenue_per_dollar_without_campaign_cost():
    s = roi.load_sample("european_retailer")
    inis = [i.model_copy(update={"variable_campaign_cost": 0.0}) for i in s.initiatives]
    case = roi.evaluate(s.model_copy(update={"initiatives": inis}))
    spec = charts.revenue_per_campaign_dollar(case, 6).to_dict()
    assert spec["title"]


def test_roi_never_imports_streamlit():
    import subprocess
    import sys

    code = ("import sys, roi, roi.charts, roi.prioritization, roi.share, roi.tables, roi.whatif; "
            "print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_impact_effort_data_has_tooltips():
    case = roi.evaluate(roi.load_sample("european_retailer"))
    spec = _all_charts(case)["matrix"].to_dict()
    points = spec["layer"][0]
    assert points["mark"]["type"] == "circle"
    assert {t["field"] for t in points["encoding"]["tooltip"]} >= {"initiative", "quadrant", "marker"}
    rows = next(v for v in spec["datasets"].values() if v and "quadrant" in v[0])
    assert len(rows) == len(case.initiatives)


def test_quadrants_are_labelled():
    case = roi.evaluate(roi.load_sample("european_retailer"))
    spec = _all_charts(case)["matrix"].to_dict()
    texts = [row.get("text") for rows in spec["datasets"].values() for row in rows]
    assert {"Quick wins", "Big bets", "Fill-ins (or money pits below zero)", "Money pits"} <= set(texts)


def _axis_labels(svg: str) -> set[str]:
    """Every axis label a rendered SVG draws, lines of a multi-line label joined by spaces."""
    import re

    out = set()
    for group in re.findall(r'role-axis-label"[^>]*>(.*?)</g>', svg, flags=re.S):
        for text in re.findall(r"<text[^>]*>(.*?)</text>", group, flags=re.S):
            lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", text) or [text]
            out.add(" ".join(lines).replace("&amp;", "&"))
    return out


@pytest.mark.parametrize("sample", SAMPLES)
def test_waterfall_shows_every_step_name(sample):
    """Rendered, not just specified: Vega drops overlapping axis labels unless told not to."""
    import vl_convert as vlc

    case = roi.evaluate(roi.load_sample(sample))
    svg = vlc.vegalite_to_svg(charts.waterfall(case).properties(width=800).to_json())
    drawn = _axis_labels(svg)
    missing = [label for label in charts.waterfall_frame(case).label if label not in drawn]
    assert not missing, (missing, drawn)


def _text_boxes(svg: str) -> list[tuple[str, float, float, float, float]]:
    """(text, x0, y0, x1, y1) of every drawn mark text in a rendered SVG (font-size from the element,
    0.62 em per character, 1 em tall: the layout's own estimate is checked against the render)."""
    import re

    out = []
    svg = re.sub(r'<g class="mark-text role-axis[^"]*".*?</g>', "", svg, flags=re.S)  # axis ticks, titles
    for attrs, body in re.findall(r'<text([^>]*)>([^<]+)</text>', svg):
        m = re.search(r'transform="translate\(([-\d.]+),([-\d.]+)\)"', attrs)
        size = re.search(r'font-size="([\d.]+)', attrs)
        if not m or not size:
            continue
        x, y, f = float(m[1]), float(m[2]), float(size[1])
        w = 0.62 * f * len(body)
        anchor = re.search(r'text-anchor="(\w+)"', attrs)
        x0 = x - w / 2 if anchor and anchor[1] == "middle" else (x - w if anchor and anchor[1] == "end" else x)
        out.append((body, x0, y - 0.8 * f, x0 + w, y + 0.2 * f))
    return out


@pytest.mark.parametrize("sample", SAMPLES)
def test_matrix_markers_never_overlap(sample):
    """Rendered at its narrowest width, no two numbered markers' labels overlap."""
    import re

    case = roi.evaluate(roi.load_sample(sample))
    chart = _all_charts(case)["matrix"].properties(width=charts.MATRIX_MIN_WIDTH)
    svg = render.to_svg(chart)
    numbers = [b for b in _text_boxes(svg) if re.fullmatch(r"\d+", b[0])]
    assert len(numbers) == len(case.initiatives)
    for a, b in itertools.combinations(numbers, 2):
        assert a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2], (a, b)


def test_place_labels_separates_coincident_markers():
    xs, ys = np.array([100.0] * 6), np.array([100.0] * 6)
    offsets = charts.place_labels(xs, ys, [str(k) for k in range(1, 7)])
    assert len(set(offsets)) == 6


def _risk_charts(sample: str) -> dict:
    from roi import uncertainty as unc
    from roi.uncertainty import charts as uch

    s = roi.load_sample(sample)
    cur = s.settings.currency
    sim = unc.simulate(s, draws=2_000)
    return {"tornado": uch.tornado(unc.tornado(s, unc.Ranges(), "npv"), cur),
            "heatmap": uch.heatmap(unc.grid(s, "uplift_scale", "costs", ranges=unc.Ranges(), n=9), cur),
            "histogram": uch.histogram(sim, cur), "contributions": uch.contributions(sim),
            "delay": uch.delay(unc.delay_curve(s), cur)}


def test_layered_builds_the_spec_of_adding_layers():
    """``layered`` skips Altair's copying, not its rule: a frame the first layers share becomes the
    chart's data up to the first layer with other data; later layers keep theirs."""
    import altair as alt
    import pandas as pd

    from roi.charts.text import layered

    a = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    b = pd.DataFrame({"x": [0], "y": [0]})
    base = alt.Chart(a).encode(x="x:Q", y="y:Q")
    bar, dot, line = base.mark_bar(), base.mark_point(), base.mark_line()
    rule = alt.Chart(b).mark_rule().encode(y="y:Q")
    blank = alt.Chart().mark_text(text="t")
    for parts in ((bar, dot), (bar, dot, rule, line), (bar, blank, dot, rule), (rule, bar, dot)):
        stepwise = parts[0]
        for part in parts[1:]:
            stepwise = stepwise + part
        assert layered(*parts, title="T", height=100).to_dict() == stepwise.properties(title="T", height=100).to_dict()
    # one layer; a layered chart as a layer (``+`` would flatten it, ``alt.layer`` nests it)
    assert layered(bar, title="T").to_dict() == alt.layer(bar).properties(title="T").to_dict()
    assert (layered(layered(bar, rule), dot, resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent"))).to_dict()
            == alt.layer(bar + rule, dot).resolve_scale(y="independent").to_dict())
    # Layers(layer=…) is alt.layer(…): a frame moves up only when every layer shares it
    from roi.charts.text import Layers

    for parts in ((bar, dot), (bar, rule, line), (bar, dot, line)):
        assert (Layers(layer=list(parts), title="T", height=alt.Step(20)).to_dict()
                == alt.layer(*parts).properties(title="T", height=alt.Step(20)).to_dict())
    # a layer with a selection or a size: Altair's own merging runs (lifting them to the top)
    picked, sized = bar.add_params(alt.selection_point(name="pick")), dot.properties(height=50)
    for parts in ((picked, dot), (bar, sized)):
        chart = layered(*parts, title="T")
        assert chart.to_dict() == (parts[0] + parts[1]).properties(title="T").to_dict()
        assert chart.copy().to_dict() == chart.to_dict()


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_pages_send_each_chart_with_the_rows_altair_would(sample):
    """``ui.exports.vega_lite_spec`` hands Streamlit the frames as Arrow instead of Altair's records:
    what reaches the browser — the spec, and each dataset's rows and column types after Streamlit
    turned them into Arrow — is the same, and the chart (serialised again by the downloads) is
    unchanged."""
    import pyarrow as pa
    from streamlit.elements.vega_charts import _marshall_chart_data
    from streamlit.proto.VegaLiteChart_pb2 import VegaLiteChart

    from ui.exports import vega_lite_spec

    def sent(spec: dict) -> tuple[str, list]:
        proto = VegaLiteChart()
        _marshall_chart_data(proto, spec)  # what st.vega_lite_chart does with the spec
        tables = {d.name: pa.ipc.open_stream(d.data.data).read_all() for d in proto.datasets}
        order = {name: k for k, name in enumerate(tables)}  # names differ: refer to datasets by order

        def plain(node):
            if isinstance(node, dict):
                if set(node) == {"name"} and node["name"] in order:
                    return {"dataset": order[node["name"]]}
                return {k: plain(v) for k, v in node.items()}
            return [plain(v) for v in node] if isinstance(node, list) else node

        rows = [(str(t.schema), t.to_pylist()) for t in tables.values()]
        return json.dumps(plain(spec), sort_keys=True), rows

    case = roi.evaluate(roi.load_sample(sample))
    for name, chart in {**_all_charts(case), **_risk_charts(sample)}.items():
        before = chart.to_dict(validate=False)
        ours = sent(vega_lite_spec(chart))
        expected = chart.to_dict(validate=False)
        if not {"hconcat", "vconcat", "concat", "facet", "repeat"} & set(expected):
            # one addition: the width fits the column, the height is the plot's (Streamlit's
            # default "fit" made it the whole chart's and squeezed the plot under its title)
            expected["autosize"] = {"type": "fit-x", "contains": "padding"}
        assert ours == sent(expected), name
        assert chart.to_dict(validate=False) == before, name


def test_the_lying_waterfall_keeps_every_step_up_to_its_limit_and_the_total():
    """The brief's waterfall: at most ``max_steps`` rows; the programme costs first and the
    programme NPV last, unchanged; the collapsed initiatives' NPVs sum into the "Other" row."""
    from roi.synthetic import generate_scenario

    case = roi.evaluate(generate_scenario(50, 20, 5, seed=1))
    rows = charts.case.waterfall_across(case, max_steps=12).data  # the frame its layers share
    full = charts.waterfall_frame(case)
    assert len(rows) == 12 and rows.label.iloc[0] == full.label.iloc[0] and rows.label.iloc[-1] == "Programme NPV"
    assert rows.value.iloc[-1] == pytest.approx(full.value.iloc[-1])
    assert rows.value.iloc[:-1].sum() == pytest.approx(full.value.iloc[-1])  # the steps still add up to the NPV
    retailer = roi.evaluate(roi.load_sample("european_retailer"))  # 8 steps: none collapsed
    assert list(charts.case.waterfall_across(retailer).data.label) == list(charts.waterfall_frame(retailer).label)


def test_histogram_marker_labels_close_together_take_separate_rows():
    """The retailer's P10 (−€0.33M) sits a few pixels from the zero line: their labels printed over
    each other ("P1̶0"). Labels within 7% of the axis of one another now take separate rows; the
    far ones stay on the first."""
    from roi import uncertainty as unc
    from roi.uncertainty.charts import LABEL_ROW_PX, histogram

    sim = unc.simulate(roi.load_sample("european_retailer"), draws=20_000, seed=1)
    spec = histogram(sim, "EUR").to_dict(validate=False)
    text = next(layer for outer in spec["layer"] for layer in outer.get("layer", [])
                if layer["mark"]["type"] == "text")
    rows = {r["label"]: (r["x"], r["y"]) for r in spec["datasets"][text["data"]["name"]]}
    assert abs(rows["P10"][0] - rows["0"][0]) < 1  # within €1M of each other on a ~€40M axis
    assert rows["P10"][1] != rows["0"][1] and {rows["P10"][1], rows["0"][1]} == {8, 8 + LABEL_ROW_PX}
    assert rows["P50"][1] == rows["P90"][1] == 8


def test_delay_chart_draws_the_programme_line_thick():
    """The cost-of-delay chart: line width 3.5 for the programme's series, 1.5 for each
    initiative's — a size value with a condition on the series (the spec ``alt.condition`` makes,
    which Altair matches against every candidate class of the schema: 12–15 ms a chart)."""
    from roi import uncertainty as unc
    from roi.uncertainty import charts as uch

    spec = uch.delay(unc.delay_curve(roi.load_sample(SAMPLES[0])), "EUR").to_dict()
    line = next(layer for layer in spec["layer"] if "size" in layer.get("encoding", {}))
    assert line["encoding"]["size"] == {"condition": {"test": "(datum.series === 'Programme')", "value": 3.5},
                                        "value": 1.5}


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_risk_pages_charts_are_valid_vega_lite(sample):
    """The Risk page's charts against the Vega-Lite schema (the page sends them unvalidated; the
    server turns Altair's per-object checks off)."""
    for name, chart in _risk_charts(sample).items():
        assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/"), name
