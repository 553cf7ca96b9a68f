"""Shared pieces of the Altair charts: money axes and tooltips, wrapped category labels."""

from __future__ import annotations

import textwrap
from typing import Any

import altair as alt
from altair.vegalite.v6.api import _combine_subchart_data  # Altair 6's own rule, pinned

import pandas as pd

from ..format import money
from ..palette import TOTAL


def money_texts(values, currency: str) -> list[str]:
    """Each value as the pages print money (tooltips)."""
    return [money(v, currency) for v in values]


def money_axis(currency: str, what: str) -> alt.Axis:
    """An axis of currency millions titled ``what (EUR M)``."""
    # labelSeparation: Vega drops a label that would come closer than this to its neighbour
    # (touching labels read as one number: "−5.0−4.5")
    return alt.Axis(title=f"{what} ({currency} M)", format=",.1f", grid=True, labelSeparation=6)


def wrap_titles(spec: dict[str, Any], title_chars: int = 44, subtitle_chars: int = 62,
                axis_chars: int = 20) -> dict[str, Any]:
    """``spec`` (a Vega-Lite dict, changed in place and returned) with its title and subtitle
    broken into lines of at most ``title_chars`` / ``subtitle_chars`` characters, and each
    horizontal axis title (the ``x`` channel's, in every layer) into lines of ``axis_chars``.

    Vega cuts a title longer than its chart with an ellipsis: in a page's half-width column at
    1280 px (about 380 px) "Incremental revenue per unit of variable campaign cost" lost its last
    word. An axis title is centred under the plot, which labels on the left can leave narrower
    than the title: "Revenue ÷ campaign cost (EUR per EUR)" and "Months from programme start"
    ran past the chart's right edge. Vega draws a list of lines as lines.

    >>> wrap_titles({"title": {"text": "Incremental revenue per unit of variable campaign cost"}})["title"]
    {'text': ['Incremental revenue per unit of variable', 'campaign cost']}
    >>> wrap_titles({"layer": [{"encoding": {"x": {"title": "Months from programme start"}}}]})["layer"]
    [{'encoding': {'x': {'title': ['Months from', 'programme start']}}}]
    """
    title = spec.get("title")
    if isinstance(title, str):
        title = {"text": title}
    if isinstance(title, dict):
        title = dict(title)
        for key, width in (("text", title_chars), ("subtitle", subtitle_chars)):
            value = title.get(key)
            if isinstance(value, str) and len(value) > width:
                title[key] = textwrap.wrap(value, width)
        spec["title"] = title
    _wrap_x_titles(spec, axis_chars)
    return spec


def _wrap_x_titles(node: dict[str, Any], width: int) -> None:
    """Break the ``x`` channel's title (or its axis's) into lines, in ``node`` and its layers."""
    encoding = node.get("encoding")
    x = encoding.get("x") if isinstance(encoding, dict) else None
    if isinstance(x, dict):
        for holder in (x, x.get("axis")):
            if isinstance(holder, dict) and isinstance(holder.get("title"), str) and len(holder["title"]) > width:
                holder["title"] = textwrap.wrap(holder["title"], width)
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for part in node.get(key, []) or []:
            if isinstance(part, dict):
                _wrap_x_titles(part, width)


def wrap_label(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (at spaces), joined by ``\\n``.

    Axis labels split on ``\\n`` (``labelExpr``), so long category names stay readable without
    angling, truncation or Vega dropping every other label.

    >>> wrap_label("Triggered journeys (abandoned cart, browse)", 18)
    'Triggered journeys\\n(abandoned cart,\\nbrowse)'
    """
    return "\n".join(textwrap.wrap(text, width, break_long_words=True)) or text


MULTILINE_LABELS = "split(datum.label, '\\n')"  # Vega draws a text array as lines


def zero_line(axis: str = "y", dash: tuple[int, int] = (2, 2)) -> alt.Chart:
    """A dashed grey rule at zero across a chart: horizontal on the ``"y"`` axis, vertical on ``"x"``."""
    channel = alt.Y("y:Q") if axis == "y" else alt.X("x:Q")
    return alt.Chart(pd.DataFrame({axis: [0.0]})).mark_rule(color=TOTAL, strokeDash=list(dash)).encode(
        **{axis: channel})


def layered(*layers: alt.TopLevelMixin, **properties: Any) -> alt.LayerChart:
    """``layers`` drawn on one another with the chart's ``properties`` (title, height, resolve …):
    the chart ``(a + b + c).properties(...)`` builds, built in one step.

    Altair copies every layer, deeply, at each ``+``, ``alt.layer``, ``.properties`` and
    ``.resolve_scale`` — each mark and encoding with its hundred unset options — so a chart built
    by steps spent most of its time copying (half of the NPV histogram's, more for the matrix's
    dozen layers). The spec is the same: as ``a + b`` does, a frame the first layers share becomes
    the chart's data, up to the first layer with other data (``tests/test_charts.py``).
    """
    parts = list(layers)
    shared = parts[0]._get("data") if len(parts) > 1 else alt.Undefined
    if shared is not alt.Undefined and parts[1]._get("data") is shared:
        for k, part in enumerate(parts):
            data = part._get("data")
            if data is not shared and data is not alt.Undefined:
                break
            if data is shared:
                parts[k] = part.copy(deep=False)
                parts[k].data = alt.Undefined
    else:
        shared = alt.Undefined
    return Layers(data=shared, layer=parts, **properties)


def _merging_needed(layers: list[Any]) -> bool:
    """Whether a layer has what ``alt.LayerChart`` merges into the parent: selection parameters, or
    a size or view (Vega-Lite allows those only at the top)."""
    return any(layer._get(key) is not alt.Undefined for layer in layers
               for key in ("params", "height", "width", "view"))


class Layers(alt.LayerChart):
    """``alt.LayerChart`` that skips its merging of the layers' parameters and sizes when no layer
    has any. That merging copies every layer deeply, twice, and Altair runs it again at every
    ``copy`` — which ``to_dict`` makes — so a layered chart cost several deep copies per
    serialisation for nothing. With parameters or sizes on a layer, Altair's own code runs."""

    def __init__(self, data: Any = alt.Undefined, layer: Any = (), **kwargs: Any) -> None:
        layer = list(layer)
        if _merging_needed(layer):
            super().__init__(data=data, layer=layer, **kwargs)
            return
        super().__init__(data=data, **kwargs)
        # the one merge that can apply: data every layer shares moves up (copying only those layers)
        self.data, self.layer = _combine_subchart_data(self.data, layer)
