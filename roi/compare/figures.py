"""Headline and per-initiative figures of several scenarios, with deltas against the first.

The first entry is the baseline; each other entry's delta is its value minus the baseline's, in
the metric's own unit (money in the currency, ROI and IRR in percentage points as fractions,
payback in months). A delta is ``None`` when either value is undefined (no IRR, no payback within
the horizon, an initiative one scenario lacks) or when money is compared across currencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import BusinessCase, evaluate
from ..schema import Scenario

MIN_ITEMS, MAX_ITEMS = 2, 4

# (attribute of BusinessCase, label, kind); kind decides formatting and whether currency matters
HEADLINES: list[tuple[str, str, str]] = [
    ("npv", "NPV (risk-adjusted)", "money"),
    ("roi", "ROI", "percent"),
    ("irr", "IRR", "percent"),
    ("payback_months", "Payback", "months"),
    ("incremental_revenue", "Incremental revenue", "money"),
    ("pv_benefits", "PV of benefits", "money"),
    ("pv_costs", "PV of costs", "money"),
    ("revenue_per_campaign_dollar", "Revenue per unit of campaign cost", "ratio"),
]
# (attribute of InitiativeCase, label, kind)
INITIATIVE_METRICS: list[tuple[str, str, str]] = [
    ("npv", "NPV", "money"),
    ("incremental_revenue", "Incremental revenue", "money"),
    ("total_cost", "Total cost", "money"),
    ("roi", "ROI", "percent"),
    ("effort_fte_months", "Effort (FTE-months)", "number"),
]


@dataclass(frozen=True)
class Entry:
    """One column of a comparison: a label (``Vendor case · v3``), the scenario and its case."""

    label: str
    scenario: Scenario
    case: BusinessCase

    @property
    def currency(self) -> str:
        return self.scenario.settings.currency


@dataclass(frozen=True)
class MetricRow:
    """One compared figure: ``values`` per entry, ``deltas`` against the first (``deltas[0]`` is None)."""

    key: str
    label: str
    kind: str  # money | percent | months | ratio | number
    values: list[float | None]
    deltas: list[float | None]


def check_count(n: int) -> None:
    """Raise ``ValueError("compare: …")`` unless 2–4 items are picked."""
    if not MIN_ITEMS <= n <= MAX_ITEMS:
        raise ValueError(f"compare: pick {MIN_ITEMS} to {MAX_ITEMS} scenarios or versions (now {n})")


def unique_labels(labels: list[str]) -> list[str]:
    """Labels made distinct by a counter, so each column can be told apart.

    >>> unique_labels(["A", "B", "A"])
    ['A', 'B', 'A (2)']
    """
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def entries(items: list[tuple[str, Scenario]]) -> list[Entry]:
    """Evaluate each ``(label, scenario)``; labels made unique. Raises ``ValueError`` outside 2–4."""
    check_count(len(items))
    labels = unique_labels([label for label, _ in items])
    return [Entry(label, s, evaluate(s)) for label, (_, s) in zip(labels, items)]


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _deltas(values: list[float | None], kind: str, currencies: list[str]) -> list[float | None]:
    base = values[0]
    out: list[float | None] = [None]
    for value, cur in zip(values[1:], currencies[1:]):
        if base is None or value is None or (kind in ("money", "ratio") and cur != currencies[0]):
            out.append(None)
        else:
            out.append(value - base)
    return out


def headline_rows(items: list[Entry]) -> list[MetricRow]:
    """NPV, ROI, IRR, payback, revenue, PV of benefits and costs, revenue per campaign unit."""
    currencies = [e.currency for e in items]
    rows = []
    for key, label, kind in HEADLINES:
        values = [_number(getattr(e.case, key)) for e in items]
        rows.append(MetricRow(key, label, kind, values, _deltas(values, kind, currencies)))
    return rows


def initiative_rows(items: list[Entry], metric: str = "npv") -> list[MetricRow]:
    """One row per initiative (matched by name, in order of first appearance) for ``metric``
    (a key of :data:`INITIATIVE_METRICS`); an initiative a scenario lacks has ``None`` there."""
    kinds = {k: (label, kind) for k, label, kind in INITIATIVE_METRICS}
    if metric not in kinds:
        raise ValueError(f"metric: must be one of {', '.join(kinds)}")
    _, kind = kinds[metric]
    names = list(dict.fromkeys(i.name for e in items for i in e.case.initiatives))
    currencies = [e.currency for e in items]
    rows = []
    for name in names:
        values = []
        for e in items:
            found = next((i for i in e.case.initiatives if i.name == name), None)
            values.append(None if found is None else _number(getattr(found, metric)))
        rows.append(MetricRow(name, name, kind, values, _deltas(values, kind, currencies)))
    return rows
