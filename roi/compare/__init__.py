"""Side-by-side comparison of 2–4 scenarios or saved versions (no Streamlit here).

:mod:`.figures` — headline figures and per-initiative figures with deltas against the first;
:mod:`.inputs` — the inputs that differ; :mod:`.charts` — overlaid cash-flow and matrix charts.
"""

from .figures import (
    HEADLINES,
    INITIATIVE_METRICS,
    MAX_ITEMS,
    MIN_ITEMS,
    Entry,
    MetricRow,
    check_count,
    entries,
    headline_rows,
    initiative_rows,
    unique_labels,
)
from .inputs import InputDifference, differing_inputs

__all__ = [
    "HEADLINES",
    "INITIATIVE_METRICS",
    "MAX_ITEMS",
    "MIN_ITEMS",
    "Entry",
    "InputDifference",
    "MetricRow",
    "check_count",
    "differing_inputs",
    "entries",
    "headline_rows",
    "initiative_rows",
    "unique_labels",
]
