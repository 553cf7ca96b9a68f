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
        ws.header(row, [header_label(c) for c in cols])  # the CSV files keep the field names
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
            widths[k] = max(widths[k], min(len(header_label(col)) + 2, 40))
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


# Headers a finance reader reads; a field not named here is written out from its name
# (``npv_low`` → "NPV low", ``mde_2_weeks`` → "MDE 2 weeks").
_HEADERS = {
    "driver": "Driver key", "label": "Driver", "unit": "Unit", "key": "Key",
    "effort_fte_months": "Effort (FTE-months)", "payback_months": "Payback (months)",
    "start_month": "Build starts (month)", "launch_month": "Launches (month)",
    "quarter": "Launch quarter (1 = first of year 1)", "duration_months": "Duration (months)",
    "months_delay": "Delay (months)", "cost_per_month": "NPV forgone per month of delay",
    "cost_of_delay": "Cost of delay (per month)", "pv_benefits": "PV of benefits", "pv_costs": "PV of costs",
    "breakeven_cost_multiplier": "Costs may be multiplied by", "cost_margin": "Cost headroom",
    "uplift_margin": "Uplift headroom", "base_uplift": "Base uplift", "breakeven_uplift": "Breakeven uplift",
    "n_per_variant": "Visitors per variant", "src": "Standardised coefficient (SRC)", "share": "Share",
    "within_horizon": "Within the horizon", "reach": "Reach (customers a year)", "value_low": "Value at low",
    "value_base": "Value at base", "value_high": "Value at high", "roi_swing": "ROI swing",
    "programme_npv": "Programme NPV", "readout_day": "Reads out (day)", "start_day": "Starts (day)",
}
_ACRONYMS = {"npv": "NPV", "roi": "ROI", "irr": "IRR", "fte": "FTE", "mde": "MDE", "pv": "PV"}


def header_label(name: str) -> str:
    """A column's header in the workbook: ``effort_fte_months`` → "Effort (FTE-months)".

    >>> header_label("npv_low"), header_label("mde_2_weeks"), header_label("initiative"), header_label("#")
    ('NPV low', 'MDE 2 weeks', 'Initiative', '#')
    """
    if name in _HEADERS:
        return _HEADERS[name]
    if "_" not in name and not name.islower():
        return name  # already words (an initiative's name as a column)
    text = " ".join(_ACRONYMS.get(w, w) for w in name.split("_"))
    return text[:1].upper() + text[1:]


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


__all__ = ["CURRENT", "FLAG_ROW", "STALE", "column_format", "header_label", "plain", "stale_formula",
           "write_value_sheet"]
