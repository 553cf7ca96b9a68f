"""Shared pieces of the Altair charts: money axes and tooltips, wrapped category labels."""

from __future__ import annotations

import textwrap
from typing import Any

import altair as alt

from ..format import money


def money_texts(values, currency: str) -> list[str]:
    """Each value as the pages print money (tooltips)."""
    return [money(v, currency) for v in values]


def money_axis(currency: str, what: str) -> alt.Axis:
    """An axis of currency millions titled ``what (EUR M)``."""
    return alt.Axis(title=f"{what} ({currency} M)", format=",.1f", grid=True)


def wrap_label(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (at spaces), joined by ``\\n``.

    Axis labels split on ``\\n`` (``labelExpr``), so long category names stay readable without
    angling, truncation or Vega dropping every other label.

    >>> wrap_label("Triggered journeys (abandoned cart, browse)", 18)
    'Triggered journeys\\n(abandoned cart,\\nbrowse)'
    """
    return "\n".join(textwrap.wrap(text, width, break_long_words=True)) or text


MULTILINE_LABELS = "split(datum.label, '\\n')"  # Vega draws a text array as lines


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
    if shared is alt.Undefined or parts[1]._get("data") is not shared:
        return alt.LayerChart(layer=parts, **properties)
    for k, part in enumerate(parts):
        data = part._get("data")
        if data is not shared and data is not alt.Undefined:
            break
        if data is shared:
            parts[k] = part.copy(deep=False)
            parts[k].data = alt.Undefined
    return alt.LayerChart(data=shared, layer=parts, **properties)
