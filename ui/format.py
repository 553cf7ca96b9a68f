"""Number formats and colours for the pages: re-exported from :mod:`roi.format` and :mod:`roi.charts`,
so a page, a chart, the deck and the CLI print one figure the same way."""

from __future__ import annotations

from roi.charts import BENEFIT, COST, OKABE_ITO, OUTCOME_COLOURS, PALETTE, TOTAL
from roi.format import (
    DASH,
    currency_symbol,
    label,
    money,
    money_column,
    months,
    multiple,
    number,
    pct,
    per_unit,
    ratio,
    significant,
)

__all__ = [
    "BENEFIT", "COST", "DASH", "OKABE_ITO", "OUTCOME_COLOURS", "PALETTE", "TOTAL",
    "currency_symbol", "label", "money", "money_column", "months", "multiple", "number", "pct", "per_unit",
    "ratio", "significant",
]
