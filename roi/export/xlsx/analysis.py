"""Sheets of values (analyses that are not live formulas), with a live staleness flag.

Each sheet: its note (row 1), the flag (row 2) — a formula comparing the case's NPV now with the NPV
the values were computed for, red when they differ (after an edit, or with the Low / High uplift
case) — then each table under its heading. Grey tab, frozen first header, protected.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..analyses import Sheet as ValueSheet
from ..assumptions import PERCENT, money_format
from .book import Book, Sheet

STALE = "STALE"
CURRENT = "Current: computed for this case (Base uplift case)"
FLAG_ROW = 2


def stale_formula(npv_cell: str) -> str:
    """The flag: current while the case's NPV equals the NPV in ``npv_cell`` (within the checks' tolerance)."""
    return (f'=IF(ABS(Case_NPV-{npv_cell})<=CheckTolerance*MAX(1,ABS({npv_cell})),"{CURRENT}",'
            f'"{STALE}: the case has changed since these values were computed (NPV then in column B) — export '
            f'the case again")')


def write_value_sheet(book: Book, sheet: ValueSheet, currency: str, npv: float) -> Sheet:
    ws = book.sheet(sheet.title[:31], values_tab=True)
    ncols = max([len(t.frame.columns) for t in sheet.tables] + [1])
    widths = [12.0] * max(ncols, 3)
    row, freeze = 4, None
    for table in sheet.tables:
        if table.heading:
            ws.text(row, 1, table.heading, "section")
            row += 1
        cols = [str(c) for c in table.frame.columns]
        ws.header(row, cols)
        freeze = freeze or (row, 0)
        for i, rec in enumerate(table.frame.itertuples(index=False, name=None)):
            for k, v in enumerate(rec):
                v = plain(v)
                fmt = table.formats.get(cols[k])
                if isinstance(fmt, list):
                    fmt = fmt[i]
                if isinstance(v, (int, float)) and not isinstance(v, bool) and (fmt or isinstance(v, float)):
                    ws.value(row + 1 + i, k + 1, v, num=fmt or column_format(cols[k], v, currency))
                else:
                    ws.value(row + 1 + i, k + 1, v)
                    if isinstance(v, str):
                        widths[k] = max(widths[k], min(len(v) + 2, 40))
        for k, col in enumerate(cols):
            widths[k] = max(widths[k], min(len(col) + 2, 40))
        row += 1 + len(table.frame) + 2
    ws.widths({k + 1: w for k, w in enumerate(widths)})
    span = max(ncols, 6)
    if sheet.note:
        ws.note(1, sheet.note, span, sum(widths) + 12 * (span - ncols))
    ws.text(FLAG_ROW, 1, "Computed for the case with NPV", "bold")
    ws.value(FLAG_ROW, 2, npv, "bold", money_format(currency))
    ws.formula(FLAG_ROW, 3, stale_formula("$B$2"), CURRENT, "flag")
    ws.call("conditional_format", FLAG_ROW - 1, 2, FLAG_ROW - 1, 2,
            {"type": "text", "criteria": "begins with", "value": STALE, "format": book.fmt("stale")})
    ws.setup(freeze)
    return ws


def column_format(name: str, v: float, currency: str) -> str:
    """Number format of an analysis column from its name (fractions as %, money in the currency)."""
    name = name.lower()
    if any(w in name for w in ("uplift", "confidence", "mde_", "share", "rate", "probability")):
        return PERCENT
    if any(w in name for w in ("npv", "profit", "cost", "revenue", "benefit")):
        return money_format(currency)
    return "#,##0" if abs(v) >= 1000 else "#,##0.00"


def plain(v: Any) -> Any:
    """numpy scalars, NaN and odd types → values a cell can hold."""
    if v is None:
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if not math.isfinite(f) else f
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (int, str)):
        return v
    if hasattr(v, "value") and isinstance(getattr(v, "value"), str):  # enums
        return v.value
    return str(v)


__all__ = ["CURRENT", "FLAG_ROW", "STALE", "column_format", "plain", "stale_formula", "write_value_sheet"]
