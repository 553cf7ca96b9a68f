"""Shared Streamlit ``AppTest`` helpers for the page tests.

Every page is opened through ``app.py`` as a user would reach it (navigation, sidebar, the
scenario in session state), then read through small helpers so each test says what it checks.

Note: with ``st.navigation``, AppTest (1.67) keeps the entry point's own elements (sidebar,
banners) only on the first run of an ``AppTest``; later runs show the page's elements only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import pandas as pd
from streamlit.testing.v1 import AppTest

import roi
from roi.schema import Scenario
from roi.share import encode_scenario
from ui.md import JOINER

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SAMPLES = sorted(roi.sample_paths())


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def open_app(
    page: str | None = None,
    sample: str | Scenario | None = None,
    *,
    via: Literal["link", "picker"] = "link",
    timeout: float = 60,
) -> AppTest:
    """Run ``app.py``, load ``sample`` and switch to ``page`` (``"pages/….py"``).

    ``sample`` is a sample key (``"retail_bank"``) or a whole :class:`~roi.schema.Scenario`.
    ``via="link"`` opens it as a shared link (``?s=…``) on the first run; ``via="picker"``
    picks a sample key in the sidebar's sample picker, as a user would.
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    if isinstance(sample, Scenario):
        at.query_params["s"] = encode_scenario(sample)
    elif sample is not None and via == "link":
        at.query_params["s"] = encode_scenario(roi.load_sample(sample))
    at.run()
    assert_no_exception(at)
    if isinstance(sample, str) and via == "picker":
        at.selectbox(key="sample_picker").set_value(sample).run()
        assert_no_exception(at)
    if page is not None:
        at.switch_page(page).run()
        assert_no_exception(at)
    return at


def open_tab(at: AppTest, label: str, key: str = "exp_tab") -> AppTest:
    """Open the tab ``label`` of the page's tabs ``key`` (the Experiments page draws only the open
    tab), as a click on it does: the page reruns with that tab open."""
    at.session_state[key] = label
    at.run()
    assert_no_exception(at)
    return at


def metric(at: AppTest, label: str) -> str:
    """Value of the first metric labelled ``label`` (or ``label (stale)``)."""
    for m in at.metric:
        if m.label in (label, f"{label} (stale)"):
            return m.value
    raise AssertionError(f"no metric {label!r}; metrics: {[m.label for m in at.metric]}")


def errors(at: AppTest) -> list[str]:
    """Text of every ``st.error`` on the page."""
    return [e.value for e in at.error]


def money_to_float(text: str) -> float:
    """'€1.2M' / '-€434k' / '-€433,697' → float (compact figures are rounded; used for comparisons)."""
    sign = -1 if text.startswith("-") else 1
    digits = "".join(ch for ch in text if ch.isdigit() or ch in ".kMB")
    mult = {"k": 1e3, "M": 1e6, "B": 1e9}.get(digits[-1:], 1)
    return sign * float(digits.rstrip("kMB")) * mult


def elements(at: AppTest, kind: str) -> list:
    """Every element of one kind (``"vega_lite_chart"``, ``"download_button"`` …) on the page."""
    return list(at.get(kind))


def chart_downloads(at: AppTest) -> tuple[int, list[str]]:
    """``(number of charts, labels of the PNG/SVG download buttons)`` on the page."""
    labels = [b.proto.label for b in at.get("download_button") if b.proto.label in ("PNG", "SVG")]
    return len(at.get("vega_lite_chart")), labels


def table_text(value: object) -> object:
    """A static table's header or cell as the user reads it: :func:`ui.md.cell` undone (its
    backslash escapes and word joiners); numbers as they are."""
    if not isinstance(value, str):
        return value
    return re.sub(r"\\(.)", r"\1", value.replace(JOINER, ""))


def table_frame(element) -> pd.DataFrame:  # noqa: ANN001 - an AppTest table element
    """The frame of an AppTest ``st.table`` element (``at.table[k]``) as the user reads it."""
    frame = element.value.copy()
    frame.columns = [table_text(c) for c in frame.columns]
    frame.index = frame.index.map(table_text).rename(table_text(frame.index.name))
    return frame.map(table_text)

