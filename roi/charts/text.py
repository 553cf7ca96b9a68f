"""Shared pieces of the Altair charts: money axes and tooltips, wrapped category labels."""

from __future__ import annotations

import textwrap

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
