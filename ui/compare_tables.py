"""Tables of the Compare page: figures and deltas formatted as on the other pages (``ui.format``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from roi.compare import Entry, InputDifference, MetricRow
from roi.store.diff import format_value
from ui import format as fmt
from ui import state


LETTERS = "ABCD"
SHORT_NAME = 14  # characters of a name in a column header or a chart legend


def short_label(index: int, name: str, version: int | None) -> str:
    """``B · Vendor case v3``: a letter, the name (cut to fit a column), the version if saved.

    >>> short_label(1, "European retailer — six-component case", 2)
    'B · European reta… v2'
    """
    cut = name if len(name) <= SHORT_NAME else name[: SHORT_NAME - 1].rstrip() + "…"
    return f"{LETTERS[index]} · {cut}" + ("" if version is None else f" v{version}")


def value_text(value: float | None, kind: str, currency: str) -> str:
    """A compared figure: money compact in its currency, percent, months, ratio or number."""
    if kind == "money":
        return fmt.money(value, currency)
    if kind == "percent":
        return fmt.pct(value)
    if kind == "months":
        return fmt.months(value)
    if kind == "ratio":
        return fmt.ratio(value)
    return fmt.number(value, 1)


def delta_text(delta: float | None, kind: str, currency: str) -> str:
    """A signed difference: ``+€1.2M``, ``-3.1 pts``, ``+2.5 months``; ``—`` when undefined.

    >>> delta_text(1_234_567, "money", "EUR"), delta_text(-0.031, "percent", "EUR"), delta_text(None, "months", "EUR")
    ('+€1.2M', '-3.1 pts', '—')
    """
    if delta is None:
        return "—"
    sign = "+" if delta > 0 else ""
    if kind == "money":
        return sign + fmt.money(delta, currency)
    if kind == "percent":
        return f"{sign}{delta * 100:,.1f} pts"
    if kind == "months":
        return f"{sign}{delta:,.1f} months"
    return f"{sign}{delta:,.1f}"


def metric_frame(rows: list[MetricRow], items: list[Entry], first_column: str) -> pd.DataFrame:
    """One row per figure: the value in each scenario, then Δ against the first for the others."""
    records = []
    for r in rows:
        rec: dict[str, Any] = {first_column: r.label}
        for k, (e, value) in enumerate(zip(items, r.values)):
            rec[e.label] = value_text(value, r.kind, e.currency)
            if k:
                rec[f"Δ {e.label}"] = delta_text(r.deltas[k], r.kind, e.currency)
        records.append(rec)
    columns = [first_column] + [c for k, e in enumerate(items) for c in ([e.label] + ([f"Δ {e.label}"] if k else []))]
    return pd.DataFrame(records, columns=columns)


def inputs_frame(rows: list[InputDifference], items: list[Entry]) -> pd.DataFrame:
    """One row per differing input: item, field (labelled as on the input pages), each value."""
    records = []
    for r in rows:
        if r.item is not None and r.field == "":
            field = "(present)"
            values = ["yes" if v is not None else "no" for v in r.values]
        else:
            field = state.field_label(r.field) if r.item is not None else state.human_where(r.path)
            values = [format_value(v) for v in r.values]
        rec: dict[str, Any] = {"Item": r.item or "", "Field": field}
        rec.update({e.label: v for e, v in zip(items, values)})
        rec["Path"] = r.path
        records.append(rec)
    return pd.DataFrame(records, columns=["Item", "Field", *[e.label for e in items], "Path"])
