"""Charts to PNG and SVG with vl-convert, safely: the one place that calls the renderer.

vl-convert aborts the whole Python process (a Rust panic across the FFI boundary, exit 134)
when a chart's text holds a character XML forbids, taking every user's session with it. The
schema refuses such characters in user text; this module removes them again from the spec
before rendering, so no text — from any source — can reach the renderer with them.
"""

from __future__ import annotations

import json
from typing import Any

from .bounded import XML_ILLEGAL as _XML_ILLEGAL


def xml_safe(value: Any) -> Any:
    """``value`` with every string (keys too) stripped of XML-illegal characters, recursively.

    >>> xml_safe({"a\\x01": ["x\\x01y", 1]})
    {'a': ['xy', 1]}
    """
    stack: list[Any] = []
    root = _clean(value, stack)
    while stack:  # iterative: a spec is nested, but never trust depth to the call stack
        container = stack.pop()
        items = container.items() if isinstance(container, dict) else enumerate(container)
        for k, v in list(items):
            container[k] = _clean(v, stack)
        if isinstance(container, dict):
            for k in [k for k in container if isinstance(k, str) and _XML_ILLEGAL.search(k)]:
                container[_XML_ILLEGAL.sub("", k)] = container.pop(k)
    return root


def _clean(v: Any, stack: list[Any]) -> Any:
    if isinstance(v, str):
        return _XML_ILLEGAL.sub("", v)
    if isinstance(v, dict):
        v = dict(v)
        stack.append(v)
    elif isinstance(v, (list, tuple)):
        v = list(v)
        stack.append(v)
    return v


def spec_json(chart: Any) -> str:
    """The Vega-Lite JSON of an Altair chart (or a spec dict / JSON text), made XML-safe."""
    if isinstance(chart, str):
        spec = json.loads(chart)
    elif isinstance(chart, dict):
        spec = chart
    else:
        spec = chart.to_dict()
    return json.dumps(xml_safe(spec))


# A render takes 0.1–0.4 s: one still unanswered after this long (queue included) has hung, and
# would hold every chart download and brief behind it (roi.helper.HelperTimeout ends it).
RENDER_SECONDS = 60.0


def to_png(chart: Any, *, scale: float = 2.0) -> bytes:
    """PNG bytes of a chart (Altair object, spec dict or spec JSON), rendered in the charts' helper
    process (:mod:`roi.helper`): vl-convert holds the GIL for most of a render, which stalled every
    other thread of this process meanwhile. A render that ends the helper raises
    :class:`roi.helper.HelperDied`; it is not tried again here, where it could end this process."""
    from . import helper

    return helper.call_in(helper.CHARTS, png_of_json, spec_json(chart), scale, rerun_here=False,
                          timeout=RENDER_SECONDS)


def to_svg(chart: Any) -> str:
    """SVG text of a chart (Altair object, spec dict or spec JSON), rendered as :func:`to_png` is."""
    from . import helper

    return helper.call_in(helper.CHARTS, svg_of_json, spec_json(chart), rerun_here=False, timeout=RENDER_SECONDS)


def png_of_json(spec: str, scale: float = 2.0) -> bytes:
    """PNG bytes of an XML-safe Vega-Lite JSON text (:func:`spec_json`), rendered here."""
    import vl_convert as vlc  # imported on use: it is large, and most commands never render

    return vlc.vegalite_to_png(spec, scale=scale)


def svg_of_json(spec: str) -> str:
    """SVG text of an XML-safe Vega-Lite JSON text (:func:`spec_json`), rendered here."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec)


_WARM_SPEC = json.dumps({"data": {"values": [{"x": 1}]}, "mark": "bar", "encoding": {"x": {"field": "x"}}})


def warm() -> None:
    """Render one small chart: vl-convert starts its JavaScript engine on its first chart (about
    0.5 s), which the charts' helper does as it starts rather than on a user's first chart."""
    png_of_json(_WARM_SPEC, 1.0)
