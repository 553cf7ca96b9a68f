"""Chart of the process: how maturity changes the share of benefit realised (the Process page)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..palette import BENEFIT, COST
from .text import layered


def maturity_curve(frame: pd.DataFrame) -> alt.Chart:
    """Realised share of benefit (%) against process maturity index, marking the current one.

    ``frame``: columns ``maturity_index`` (0–1), ``realisation`` (0–1), ``ramp_months``,
    ``current`` (bool).
    """
    data = frame.assign(realised_pct=frame.realisation * 100, maturity_pct=frame.maturity_index * 100)
    line = alt.Chart(data).mark_line(color=BENEFIT, strokeWidth=2.5).encode(
        x=alt.X("maturity_pct:Q", title="Process maturity index (% of the way from all-1 to all-5)"),
        y=alt.Y("realised_pct:Q", title="Benefit realised (% of theoretical)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("maturity_pct:Q", title="Maturity (%)", format=".0f"),
                 alt.Tooltip("realised_pct:Q", title="Realised (%)", format=".0f"),
                 alt.Tooltip("ramp_months:Q", title="Ramp (months)", format=".1f")],
    )
    dot = alt.Chart(data[data.current]).mark_point(size=200, filled=True, color=COST).encode(
        x=alt.X("maturity_pct:Q"), y=alt.Y("realised_pct:Q"),
        tooltip=[alt.Tooltip("realised_pct:Q", title="You: realised (%)", format=".0f"),
                 alt.Tooltip("ramp_months:Q", title="You: ramp (months)", format=".1f")])
    return layered(
        line, dot,
        title=alt.Title("How maturity changes the benefit you realise",
                        subtitle="Large dot: your process scores", offset=12),
        height=280,
    )
