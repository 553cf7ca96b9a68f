"""Number formats for the pages, re-exported from :mod:`roi.format`, so a page, a chart, the deck
and the CLI print one figure the same way."""

from __future__ import annotations

from roi.format import (
    DASH,
    currency_symbol,
    irr,
    label,
    money,
    money_column,
    months,
    multiple,
    number,
    pct,
    per_unit,
    plain,
    quarter,
    ratio,
    significant,
)

__all__ = [
    "DASH",
    "currency_symbol", "irr", "label", "money", "money_column", "months", "multiple", "number", "pct", "per_unit",
    "plain", "quarter", "ratio", "significant",
]
