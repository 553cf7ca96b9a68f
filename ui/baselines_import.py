"""Helpers of the Audience data page: where uploads are kept, cached runs, the tables it shows.

Uploads are written once to a content-addressed file (``$TMPDIR/roi-uploads/<sha256>.<ext>``) so
DuckDB reads them from disk like any export, and the same bytes are never stored twice; files
older than a day are removed on the next upload. The computation is cached by the file's hash
and the mapping (``st.cache_data``), so reruns of the page do not re-read the file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from roi.baselines import BaselineResult, CustomersMapping, OrdersMapping, VisitsMapping, baselines_from_files
from roi.baselines.apply import LABELS, PERCENT, ReviewRow
from roi.baselines.files import kind_of, max_upload_bytes
from roi.baselines.mapping import LABELS as FIELD_LABELS
from ui import admission

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_ORDERS = ROOT / "data" / "sample_orders.csv.gz"
SAMPLE_VISITS = ROOT / "data" / "sample_visits.csv.gz"
_UPLOADS = "roi-uploads"
_MAX_AGE_S = 24 * 3600


@dataclass(frozen=True)
class StoredFile:
    """A file ready for DuckDB: where it is on disk and the name the user knows."""

    path: str
    name: str


def _cleanup(folder: Path) -> None:
    now = time.time()
    for old in folder.glob("*"):
        try:
            if now - old.stat().st_mtime > _MAX_AGE_S:
                old.unlink()
        except OSError:
            pass  # another session removed it first


def store_upload(uploaded: Any) -> StoredFile:
    """Write an ``UploadedFile`` to its content-addressed path (once) and return it.

    The caller has checked the size; the extension is kept so DuckDB knows a ``.gz`` file.
    """
    data = uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:40]
    lower = uploaded.name.lower()
    suffix = ".csv.gz" if lower.endswith(".gz") else Path(lower).suffix[:10]
    folder = Path(tempfile.gettempdir()) / _UPLOADS
    folder.mkdir(exist_ok=True)
    path = folder / f"{digest}{suffix}"
    if not path.exists():
        _cleanup(folder)
        tmp = path.with_name(f".{digest}.{os.getpid()}.part")
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a concurrent reader never sees half a file
    return StoredFile(str(path), uploaded.name)


def upload_problem(uploaded: Any) -> str | None:
    """Why an upload is refused before it is stored (size, extension), or ``None``."""
    limit = max_upload_bytes()
    if uploaded.size > limit:
        return (f"{uploaded.name} is {uploaded.size / 1e6:,.1f} MB, larger than the {limit / 1e6:,.0f} MB allowed "
                "here (ROI_MAX_UPLOAD_MB); run python -m roi baselines on the file instead")
    if kind_of(uploaded.name) is None:
        return f"{uploaded.name} is not a supported file type (CSV, CSV.GZ, Parquet or XLSX)"
    return None


@st.cache_data(show_spinner=False, max_entries=32)
def columns_of(path: str, name: str, where: str) -> list[str]:
    """Column names of a stored file (cached: the file is content-addressed)."""
    from roi.baselines import file_columns

    return file_columns(path, where=where, name=name, max_bytes=max_upload_bytes())


def compute(orders: StoredFile, mapping: OrdersMapping, period_end: date | None, segmentation: str,
            visits: StoredFile | None, visits_mapping: VisitsMapping | None,
            customers: StoredFile | None, customers_mapping: CustomersMapping | None) -> BaselineResult:
    """:func:`roi.baselines.baselines_from_files` with the page's names for the fields (cached), the
    run's place in the queue (:mod:`ui.admission`) given up meanwhile.

    DuckDB reads outside Python's lock, for seconds on a large file, and another session asking
    for the same baselines (the sample orders, say) waits on the cache's lock for this input. Both
    wait without a place, so neither holds back a run that could compute. The place is given up
    here, outside the cached function: given up inside it, the run would queue for its place again
    while holding the cache's lock, and runs waiting on that lock would hold both places — each
    side waiting for the other until the queue's time limit."""
    with admission.aside():
        return _computed(orders, mapping, period_end, segmentation, visits, visits_mapping, customers,
                         customers_mapping)


@st.cache_data(show_spinner=False, max_entries=16)
def _computed(orders: StoredFile, mapping: OrdersMapping, period_end: date | None, segmentation: str,
              visits: StoredFile | None, visits_mapping: VisitsMapping | None,
              customers: StoredFile | None, customers_mapping: CustomersMapping | None) -> BaselineResult:
    """The cached work behind :func:`compute` (cached by every input: the files are content-addressed)."""
    return baselines_from_files(
        orders.path, mapping, orders_name=orders.name, period_end=period_end, segmentation=segmentation,
        visits=visits.path if visits else None, visits_mapping=visits_mapping,
        visits_name=visits.name if visits else None, customers=customers.path if customers else None,
        customers_mapping=customers_mapping, customers_name=customers.name if customers else None,
        max_bytes=max_upload_bytes(), names=FIELD_LABELS)


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _num(v: float | None, digits: int = 2) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


def baselines_tables(result: BaselineResult, currency: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two tables that each fit a 1280-px page: value per segment, then retention, reach and visits."""
    value, reach = [], []
    for s in list(result.segments) + [result.total()]:
        value.append({
            "Segment": s.name, "Customers": f"{s.customers:,}", "Orders/cust.": _num(s.orders_per_customer),
            f"Order value ({currency})": _num(s.average_order_value), f"Revenue ({currency})": _num(s.revenue, 0),
            "Retention / yr": _pct(s.retention_rate), f"CLV ({currency})": _num(s.customer_lifetime_value, 0),
        })
        row = {"Segment": s.name, "Last-year buyers": f"{s.cohort:,}", "Returned": f"{s.retained:,}"}
        if s.identified is not None:
            row["Identifiable"] = _pct(s.identifiable_share)
        if s.consented is not None:
            row["Consented"] = _pct(s.consent_share)
        if result.has_visits:
            row["Conversion"] = _pct(s.conversion_rate)
            row["Visits/cust."] = _num(s.visits_per_customer, 1)
        reach.append(row)
    return pd.DataFrame(value), pd.DataFrame(reach)


def _value(field: str, v: float | None) -> str:
    if v is None:
        return "—"
    if field in PERCENT:
        return _pct(v)
    if field == "customers":
        return f"{v:,.0f}"
    return _num(v, 2)


def review_tables(rows: tuple[ReviewRow, ...]) -> dict[str, pd.DataFrame]:
    """The before/after table of each filled segment: field, before, after (● when changed), how."""
    out: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        out.setdefault(r.segment, []).append({
            "Field": LABELS[r.field], "Before": "new" if r.before is None else _value(r.field, r.before),
            "After": _value(r.field, r.after) + (" ●" if r.changed else ""), "How": r.how})
    return {seg: pd.DataFrame(v) for seg, v in out.items()}
