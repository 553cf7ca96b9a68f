"""UI helpers for the exports: cached builders, chart downloads, workbook round trip, presentation mode.

Everything that computes lives in :mod:`roi.export`; this module only caches it per scenario
JSON (``st.cache_data``) and draws buttons. Download buttons get ``io.BytesIO`` objects; the
slow ones (the workbook, the deck, chart images) are built only when clicked (a callable ``data``).
The workbook, the deck and the CSV files share one Monte Carlo run per scenario
(:func:`roi.export.analyses.risk_analyses` remembers it).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from roi.charts.text import wrap_titles
from ui import md

import roi
from roi.export import assumptions as assumption_rows_module
from roi.export.xlsx_import import scenario_from_workbook
from ui import state

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PDF_MIME = "application/pdf"
PRESENTATION_KEY = "presentation_mode"
_IMPORT_RESULT = "_workbook_import"  # (file name, problems or None, changed rows)


def start_renderer() -> None:
    """Start the charts' helper process (:mod:`roi.helper`) if it is not running, without waiting:
    the Export page asks for it, so the brief's first charts find vl-convert ready (about 1 s in a
    fresh process); sessions that never export or download a chart never start it."""
    from roi import helper

    helper.start(helper.CHARTS)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:60] or "business_case"


@st.cache_data(show_spinner="Building the Excel model…", max_entries=16)
def workbook(scenario_json: str) -> bytes:
    from roi.export.xlsx import workbook_bytes

    return workbook_bytes(state.parsed(scenario_json))


@st.cache_data(show_spinner=False, max_entries=8)
def deck(scenario_json: str) -> bytes:
    from roi.export.deck import deck_bytes

    return deck_bytes(state.parsed(scenario_json))


@st.cache_data(show_spinner=False, max_entries=8)
def brief(scenario_json: str) -> bytes:
    from roi.export.brief import brief_bytes

    return brief_bytes(state.parsed(scenario_json))


@st.cache_data(show_spinner=False, max_entries=16)
def csv_files(scenario_json: str) -> dict[str, bytes]:
    from roi.export.csv import all_csv

    scenario = state.parsed(scenario_json)
    return all_csv(scenario, roi.evaluate(scenario))


def csv_zip(scenario_json: str) -> bytes:
    from roi.export.csv import zip_bytes

    return zip_bytes(csv_files(scenario_json))


@st.cache_data(show_spinner=False, max_entries=128)
def _chart_image(spec_json: str, fmt: str) -> bytes:
    from roi import render

    if fmt == "svg":
        return render.to_svg(spec_json).encode("utf-8")
    return render.to_png(spec_json, scale=2)


def _deferred(build: Callable[[], bytes]) -> Callable[[], io.BytesIO]:
    return lambda: io.BytesIO(build())


def chart_download_buttons(chart: alt.TopLevelMixin, name: str) -> None:
    """PNG and SVG download buttons under a chart (rendered with vl-convert when clicked)."""
    if st.session_state.get(PRESENTATION_KEY):
        return
    stem = slug(name)

    def image(fmt: str) -> bytes:  # serialised only when a button is clicked: keeps reruns fast
        return _chart_image(chart.to_json(), fmt)

    # a horizontal row of content-wide buttons: they keep their labels even in a narrow column
    row = st.container(horizontal=True, gap="small")
    row.download_button("PNG", data=_deferred(lambda: image("png")), file_name=f"{stem}.png",
                       mime="image/png", key=f"png_{stem}", icon=":material/image:", on_click="ignore",
                       help=f"Download “{name}” as a PNG image")
    row.download_button("SVG", data=_deferred(lambda: image("svg")), file_name=f"{stem}.svg",
                       mime="image/svg+xml", key=f"svg_{stem}", icon=":material/draw:", on_click="ignore",
                       help=f"Download “{name}” as an SVG (vector) image")


def _named_frames(node: alt.SchemaBase, datasets: dict[str, bytes], names: dict[int, str],
                  swapped: list[tuple[alt.SchemaBase, pd.DataFrame]]) -> None:
    """Replace the data frames of a chart and of its layers, in place, by references to
    ``datasets``: Arrow tables named by a hash of their bytes, as ``st.altair_chart`` names them.
    ``names`` maps a frame already stored (by ``id``) to its name, so a shared frame is sent once;
    ``swapped`` records each replacement so the caller can put the frames back."""
    data = node._get("data")
    if isinstance(data, pd.DataFrame):
        if id(data) not in names:
            # without the index, as Altair's records are: a filtered frame's would be an extra column
            arrow = dataframe_util.convert_anything_to_arrow_bytes(data.reset_index(drop=True))
            names[id(data)] = "data-" + hashlib.md5(arrow, usedforsecurity=False).hexdigest()
            datasets[names[id(data)]] = arrow
        swapped.append((node, data))
        node.data = alt.NamedData(name=names[id(data)])
    for key in ("layer", "hconcat", "vconcat", "concat"):
        parts = node._get(key)
        if isinstance(parts, list):
            for part in parts:
                if isinstance(part, alt.SchemaBase):
                    _named_frames(part, datasets, names, swapped)


def vega_lite_spec(chart_: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec as the page sends it: its data as Arrow tables in ``datasets``.

    Altair would turn each frame into a list of records (sanitising every value) that Streamlit then
    turns back into a frame to send it as Arrow; that round trip was half the time of turning a chart
    into its spec (``benchmarks/bench_load.py``). The browser gets the same rows and the same spec
    (``tests/test_charts.py`` compares the two). The frames are swapped for references in place,
    not in a copy (copying a layered chart re-runs Altair's layer merging, which costs more than the
    round trip), and put back before returning: the download buttons serialise the chart later.

    The spec is built without Altair's schema validation: the test suite validates every chart
    the pages draw (``tests/test_charts.py``), and on a page rerun validation cost about 40% of the
    time spent turning each chart into its spec.
    """
    datasets: dict[str, bytes] = {}
    swapped: list[tuple[alt.SchemaBase, pd.DataFrame]] = []
    try:
        _named_frames(chart_, datasets, {}, swapped)
        spec = chart_.to_dict(validate=False)
    finally:
        for node, frame in swapped:
            node.data = frame
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    if "autosize" not in spec and not any(k in spec for k in ("hconcat", "vconcat", "concat", "facet", "repeat")):
        # Fit the width only. Streamlit's default ("fit") made the spec's height the whole chart's,
        # so the plot shrank under its title, legend and axes (the maturity curve's plot to half of
        # its 280 px, its title cut off at the top); the height is the plot's, as in the exports.
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return spec


def chart(chart_: alt.TopLevelMixin, name: str, *, narrow: bool = False, **kwargs) -> None:
    """The chart (its Vega-Lite spec, :func:`vega_lite_spec`) followed by its PNG/SVG download buttons.

    ``narrow``: the chart sits in one of a page's columns, so its title and subtitle are set on
    short lines (:func:`roi.charts.text.wrap_titles`) rather than cut by Vega at the chart's width."""
    spec = vega_lite_spec(chart_)
    if narrow:
        wrap_titles(spec)
    st.vega_lite_chart(spec, **({"width": "stretch"} | kwargs))
    chart_download_buttons(chart_, name)


# --------------------------------------------------------------------------- round trip

def _changed_rows(before: roi.Scenario, after: roi.Scenario) -> list[str]:
    old = {r.key: r for r in assumption_rows_module.assumption_rows(before)}
    lines = []
    for r in assumption_rows_module.assumption_rows(after):
        o = old.get(r.key)
        if o is not None and (o.value != r.value or o.source != r.source):
            what = f"{r.item} — {r.label}" if r.item else r.label
            lines.append(f"{what}: {o.value!r} → {r.value!r}" if o.value != r.value
                         else f"{what}: source changed")
    return lines


def import_workbook(data: bytes, name: str) -> bool:
    """Replace the scenario with an exported (edited) workbook's; on refusal keep it and remember why."""
    current = state.get_scenario()
    try:
        scenario = scenario_from_workbook(data)
    except roi.ScenarioError as exc:
        st.session_state[_IMPORT_RESULT] = (name, exc.problems, [])
        return False
    changed = _changed_rows(current, scenario)
    state.set_scenario(scenario, note=f"Loaded “{md.escape(scenario.settings.name)}” from {md.escape(name)}.")
    state.forget_sample()
    st.session_state[_IMPORT_RESULT] = (name, None, changed)
    return True


def import_feedback() -> None:
    """What the last workbook upload did: the assumptions it changed, or why it was refused."""
    result = st.session_state.get(_IMPORT_RESULT)
    if not result:
        return
    name, problems, changed = result
    if problems:
        st.error(f"**{md.escape(name)} was not loaded** — the current scenario stays.\n\n"
                 + md.bullets(problems, 10))
    elif changed:
        st.success(f"Loaded {md.escape(name)}: {len(changed)} assumption(s) differ from the previous scenario.\n\n"
                   + md.bullets(changed, 15))
    else:
        st.success(f"Loaded {md.escape(name)}: the same assumptions as before.")


# --------------------------------------------------------------------------- presentation mode

_PRESENTATION_CSS = """
<style>
[data-testid="stSidebarUserContent"] { display: none; }
[data-testid="stMainBlockContainer"], .block-container { max-width: 100%; padding-left: 2.5rem;
  padding-right: 2.5rem; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.25rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] div,
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p { font-size: 3.4rem; line-height: 1.25; }
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p { font-size: 1.3rem; }
h1 { font-size: 3rem; }
[data-testid="stNumberInput"], [data-testid="stTextInput"], [data-testid="stTextArea"],
[data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stSlider"],
[data-testid="stFileUploader"], [data-testid="stDataEditor"], [data-testid="stRadio"],
[data-testid="stDownloadButton"] { display: none; }
</style>
"""


def presentation_mode() -> bool:
    """Sidebar toggle; when on: wide layout, large figures, inputs and scenario controls hidden.

    Call once per run from ``app.py`` before the page runs. Returns whether the mode is on.
    """
    ss = st.session_state
    if PRESENTATION_KEY in ss:
        # While presenting, the toggle is not drawn, and Streamlit drops the state of a widget that
        # is not drawn in a run: re-assigning the value keeps the mode on across reruns and pages.
        ss[PRESENTATION_KEY] = ss[PRESENTATION_KEY]
    on = bool(ss.get(PRESENTATION_KEY))
    if on:
        st.markdown(_PRESENTATION_CSS, unsafe_allow_html=True)
        st.button("Exit presentation mode", icon=":material/close_fullscreen:", key="exit_presentation",
                  on_click=lambda: ss.__setitem__(PRESENTATION_KEY, False))
    else:
        with st.sidebar:
            st.toggle("Presentation mode", key=PRESENTATION_KEY,
                      help="For showing the app on a screen: wide, large figures, inputs hidden.")
    return on
