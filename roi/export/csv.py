"""CSV files of the business case's tables, UTF-8 with a byte-order mark so Excel opens them cleanly.

One file per table: the case's own (assumptions, segments, initiatives, cash flow) and every table
of the value sheets (:func:`roi.export.analyses.analysis_sheets`: prioritization, roadmap, test
plan, and the risk tables — tornado, cases, Monte Carlo summary and variance shares, breakeven,
cost of delay).

User text is guarded against formula injection (:func:`roi.export.safe.csv_text`): a field
beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``.
Numbers are written with full precision (``repr``), missing values as empty fields.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from typing import Any

import pandas as pd

from ..model import BusinessCase
from ..schema import Scenario
from .analyses import Analyses, analysis_tables
from .assumptions import ROLE_TEXT, assumption_rows
from .safe import csv_text

BOM = "\ufeff"


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float) and not math.isfinite(v):
        return ""
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalars
        v = v.item()
        if isinstance(v, float) and not math.isfinite(v):
            return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (list, tuple)):
        v = "; ".join(map(str, v))
    return csv_text(v) if isinstance(v, str) else v


def csv_bytes(table: pd.DataFrame, *, index: bool = False) -> bytes:
    """``table`` as CSV bytes: UTF-8 with BOM, comma-separated, injection-guarded text."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    cols = ([table.index.name or ""] if index else []) + [str(c) for c in table.columns]
    w.writerow([_cell(c) for c in cols])
    for key, rec in zip(table.index, table.itertuples(index=False)):
        w.writerow(([_cell(key)] if index else []) + [_cell(v) for v in rec])
    return (BOM + buf.getvalue()).encode("utf-8")


def assumptions_table(scenario: Scenario) -> pd.DataFrame:
    return pd.DataFrame([
        {"area": r.area, "item": r.item, "assumption": r.label, "value": r.value, "unit": r.unit,
         "source": r.source, "evidence": r.evidence, "changing_it": ROLE_TEXT[r.role], "field_key": r.key}
        for r in assumption_rows(scenario)
    ])


def segments_table(scenario: Scenario) -> pd.DataFrame:
    return pd.DataFrame([
        {**s.model_dump(exclude={"sources"}), "personalizable_share": s.personalizable_share,
         "baseline_revenue": s.baseline_revenue}
        for s in scenario.segments
    ])


def tables(scenario: Scenario, case: BusinessCase, analyses: Analyses | None = None) -> dict[str, pd.DataFrame]:
    """File stem → table, for every table the exports offer as CSV."""
    cash = case.cash_flow_table()
    cash.index.name = "line_item"
    out = {
        "assumptions": assumptions_table(scenario),
        "segments": segments_table(scenario),
        "initiatives": case.initiative_table(),
        "cash_flow": cash.reset_index(),
    }
    out.update(analysis_tables(scenario, case, analyses))
    return out


def all_csv(scenario: Scenario, case: BusinessCase, analyses: Analyses | None = None) -> dict[str, bytes]:
    """File name → CSV bytes for every table."""
    return {f"{k}.csv": csv_bytes(df) for k, df in tables(scenario, case, analyses).items()}


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """The CSV files in one ZIP archive (for a single download of every table)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in files.items():
            archive.writestr(name, blob)
    return buf.getvalue()
