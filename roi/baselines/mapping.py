"""Which column of a client's export holds which field, checked against the file's columns.

Three inputs can be mapped: the **orders** (required), a **visits/sessions** file (for conversion)
and a **customers** file (segment and flags per customer, overriding those on the orders). Each
mapping is a small frozen dataclass of column names; :func:`check_mapping` names every problem
with the field, how the user set it (a CLI flag or a page label) and the columns that exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

# How a field is named in messages: the CLI flag, and the label on the Audience data page.
FLAGS: dict[str, str] = {
    "customer_id": "--customer-id", "order_id": "--order-id", "order_date": "--order-date",
    "order_value": "--order-value", "segment": "--segment", "identified": "--identified",
    "consent": "--consent", "visit_date": "--visits-date", "visits": "--visits-count",
}
LABELS: dict[str, str] = {
    "customer_id": "Customer id", "order_id": "Order id", "order_date": "Order date",
    "order_value": "Order value", "segment": "Segment", "identified": "Identified flag",
    "consent": "Consent flag", "visit_date": "Visit date", "visits": "Visits (count)",
}

# Lower-case column names a field is often called in exports, best first (for suggestions only).
_HINTS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer_id", "customerid", "customer", "client_id", "member_id", "user_id", "cust_id"),
    "order_id": ("order_id", "orderid", "order_number", "order_no", "transaction_id", "invoice_id", "receipt_id"),
    "order_date": ("order_date", "orderdate", "date", "order_datetime", "created_at", "transaction_date",
                   "purchase_date"),
    "order_value": ("order_value", "ordervalue", "amount", "revenue", "total", "order_total", "net_sales",
                    "sales", "value"),
    "segment": ("segment", "customer_segment", "customer_type", "loyalty_tier", "tier"),
    "identified": ("identified", "is_identified", "known", "logged_in", "registered"),
    "consent": ("consent", "marketing_consent", "opt_in", "optin", "gdpr_consent", "consented"),
    "visit_date": ("visit_date", "session_date", "date", "visit_start", "session_start", "timestamp"),
    "visits": ("visits", "sessions", "visit_count", "session_count", "count"),
}


@dataclass(frozen=True)
class OrdersMapping:
    """Columns of the orders export. Required: who bought, which order, when, for how much.

    ``segment``, ``identified`` and ``consent`` are optional: without a segment the customers are
    grouped into RFM segments; without the flags the shares stay as the scenario has them.
    """

    customer_id: str
    order_id: str
    order_date: str  # ISO date or date-time (YYYY-MM-DD…), or a date column
    order_value: str  # revenue per order, in the scenario's currency
    segment: str | None = None
    identified: str | None = None  # yes/no, true/false or 1/0 per row
    consent: str | None = None  # yes/no, true/false or 1/0 per row

    def as_dict(self) -> dict[str, str]:
        """Mapped fields only: ``{"customer_id": "cust", …}`` (for provenance and JSON)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


@dataclass(frozen=True)
class VisitsMapping:
    """Columns of a visits/sessions export: one row per visit, or per period with a ``visits`` count."""

    customer_id: str
    visit_date: str
    visits: str | None = None  # a count per row; without it each row is one visit

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


@dataclass(frozen=True)
class CustomersMapping:
    """Columns of a customers file: one row per customer with a segment and/or flags."""

    customer_id: str
    segment: str | None = None
    identified: str | None = None
    consent: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


Mapping = OrdersMapping | VisitsMapping | CustomersMapping


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def suggest(columns: list[str], kind: type[Any] = OrdersMapping) -> dict[str, str | None]:
    """A best guess of the mapping from column names (exact hint match first, then containment).

    >>> suggest(["Order ID", "Customer", "Date", "Amount", "Tier"])
    {'customer_id': 'Customer', 'order_id': 'Order ID', 'order_date': 'Date', 'order_value': 'Amount', 'segment': 'Tier', 'identified': None, 'consent': None}
    """
    normalized = {_norm(c): c for c in reversed(columns)}  # first column wins on a clash
    taken: set[str] = set()
    out: dict[str, str | None] = {}
    for f in fields(kind):
        choice = None
        for hint in _HINTS.get(f.name, ()):
            col = normalized.get(hint)
            if col is not None and col not in taken:
                choice = col
                break
        out[f.name] = choice
        if choice:
            taken.add(choice)
    return out


def check_mapping(mapping: Mapping, columns: list[str], *, file: str, names: dict[str, str] | None = None) -> list[str]:
    """Problems of ``mapping`` against the ``columns`` of ``file``, one line each.

    ``names`` says how a field is named to the user (default: the CLI flags). A column that does
    not exist, a required field left empty, and one column mapped to two fields are refused.

    >>> check_mapping(OrdersMapping("cust", "id", "day", "id"), ["cust", "id", "date"], file="orders.csv")
    ["--order-date: no column 'day' in orders.csv (columns: cust, id, date)", '--order-id and --order-value: both use the column id']
    """
    names = names or FLAGS
    problems: list[str] = []
    listing = ", ".join(columns[:30]) + (", …" if len(columns) > 30 else "")
    used: dict[str, str] = {}
    required = {f.name for f in fields(mapping) if f.default is not None}
    for f in fields(mapping):
        col = getattr(mapping, f.name)
        label = names.get(f.name, f.name)
        if not col:
            if f.name in required:
                problems.append(f"{label}: required; choose the column that holds it (columns: {listing})")
            continue
        if col not in columns:
            problems.append(f"{label}: no column {col!r} in {file} (columns: {listing})")
            continue
        if col in used:
            problems.append(f"{names.get(used[col], used[col])} and {label}: both use the column {col}")
        used.setdefault(col, f.name)
    return problems
