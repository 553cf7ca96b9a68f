"""Put derived baselines into a scenario's audience, with provenance, after a before/after review.

Each derived segment is assigned to a scenario segment (merged exactly when several go to one),
added as a new segment, or skipped. For each filled segment:

================================ ============================================================
field                            value
================================ ============================================================
customers                        distinct buyers in the period
average_order_value              revenue ÷ orders
retention_rate                   previous period's buyers who bought again ÷ those buyers
identifiable_share, consent_share from the flags, when they were mapped
baseline_conversion_rate,        with visits: orders ÷ visits and visits ÷ customers. Without
visits_per_customer              visits the data says how often customers *buy*, not how often
                                 they visit: the scenario's conversion is kept and visits set
                                 to orders per customer ÷ conversion, so visits × conversion =
                                 the orders per customer in the data
gross_margin                     kept: orders do not hold costs
================================ ============================================================

So a segment's baseline revenue (customers × visits × conversion × order value) equals the
revenue in the data. Every filled field names the import in ``segment.sources``; the import
itself is recorded once in ``scenario.data_sources``. Nothing changes until the caller stores
the returned scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..io import parse_scenario
from ..schema import Scenario
from .result import BaselineResult, SegmentBaseline, merge

NEW = "(new segment)"
SKIP = "(skip)"
FIELDS = ("customers", "visits_per_customer", "baseline_conversion_rate", "average_order_value", "retention_rate",
          "identifiable_share", "consent_share", "gross_margin")
LABELS = {"customers": "Customers", "visits_per_customer": "Visits per customer / yr",
          "baseline_conversion_rate": "Conversion (orders per visit)", "average_order_value": "Order value",
          "retention_rate": "Retention / yr", "identifiable_share": "Identifiable", "consent_share": "Consented",
          "gross_margin": "Gross margin"}
PERCENT = {"baseline_conversion_rate", "retention_rate", "identifiable_share", "consent_share", "gross_margin"}


@dataclass(frozen=True)
class ReviewRow:
    """One line of the before/after table: a segment's field, its value before and after, and why."""

    segment: str
    field: str
    before: float | None  # None: a new segment
    after: float
    how: str  # "from the data", "kept", "adjusted: …", "no data: …"

    @property
    def changed(self) -> bool:
        return self.before is None or abs(self.after - self.before) > 1e-12 * max(1.0, abs(self.before))


@dataclass(frozen=True)
class Applied:
    """The scenario with the baselines in it, the review table and notes on what was not filled."""

    scenario: Scenario
    rows: tuple[ReviewRow, ...]
    notes: tuple[str, ...]


def default_assignment(result: BaselineResult, scenario: Scenario) -> dict[str, str]:
    """Each derived segment to the scenario segment of the same name, or to a new segment."""
    names = {s.name for s in scenario.segments}
    return {s.name: s.name if s.name in names else NEW for s in result.segments}


def provenance(result: BaselineResult, derived_on: date) -> str:
    """The line every filled field carries, e.g.
    ``orders.csv: 98,312 orders used, 1,204 excluded; 2025-01-01 – 2025-12-31; derived 2026-12-01``."""
    return (f"{result.source}: {result.rows_used:,} orders used, {result.rows_excluded:,} excluded; "
            f"{result.period.label()}; derived {derived_on.isoformat()}")


def _weighted(scenario: Scenario, field: str) -> float:
    """Customer-weighted mean of ``field`` over the scenario's segments (plain mean with no customers)."""
    total = sum(s.customers for s in scenario.segments)
    if total <= 0:
        return sum(getattr(s, field) for s in scenario.segments) / len(scenario.segments)
    return sum(getattr(s, field) * s.customers for s in scenario.segments) / total


def _fill(base: dict[str, Any], b: SegmentBaseline, visits: str = "visits"
          ) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """New values, their ``how`` and notes for one segment (``base`` = values before)."""
    vals: dict[str, Any] = {"customers": float(b.customers), "average_order_value": b.average_order_value}
    how = {"customers": "from the data: distinct buyers", "average_order_value": "from the data: revenue ÷ orders"}
    notes: list[str] = []
    if b.retention_rate is not None:
        vals["retention_rate"] = b.retention_rate
        how["retention_rate"] = f"from the data: {b.retained:,} of {b.cohort:,} last-period buyers returned"
    else:
        notes.append(f"{b.name}: retention kept — no buyers in the 12 months before the period")
    if b.identifiable_share is not None:
        vals["identifiable_share"] = b.identifiable_share
        how["identifiable_share"] = "from the data: identified buyers"
    if b.consent_share is not None:
        vals["consent_share"] = b.consent_share
        how["consent_share"] = "from the data: " + ("identified buyers who consented" if b.identified is not None
                                                   else "buyers who consented")
    opc = b.orders_per_customer or 0.0
    conv = b.conversion_rate
    if conv is not None and 0 < conv <= 1:
        vals["baseline_conversion_rate"], vals["visits_per_customer"] = conv, b.visits_per_customer
        how["baseline_conversion_rate"] = f"from the data: orders ÷ visits in {visits}"
        how["visits_per_customer"] = f"from the data: visits in {visits} ÷ customers"
    elif base["baseline_conversion_rate"] > 0:
        vals["visits_per_customer"] = opc / base["baseline_conversion_rate"]
        how["visits_per_customer"] = f"adjusted: {opc:.2f} orders per customer ÷ kept conversion"
        if conv is not None:
            notes.append(f"{b.name}: conversion from visits ({conv:.0%}) is not a rate 0–100%; conversion kept")
    elif base["visits_per_customer"] > 0 and opc / base["visits_per_customer"] <= 1:
        vals["baseline_conversion_rate"] = opc / base["visits_per_customer"]
        how["baseline_conversion_rate"] = "adjusted: orders per customer ÷ the kept visits (conversion was 0)"
    else:
        notes.append(f"{b.name}: orders per customer not applied — conversion is 0 and visits cannot carry it")
    return vals, how, notes


def apply_baselines(scenario: Scenario, result: BaselineResult, assignment: dict[str, str] | None = None, *,
                    derived_on: date | None = None) -> Applied:
    """The scenario with ``result`` applied per ``assignment`` (derived segment → scenario segment,
    :data:`NEW` or :data:`SKIP`; default :func:`default_assignment`). Raises
    :class:`~roi.io.ScenarioError` naming the field if the result is not a valid scenario."""
    derived_on = derived_on or date.today()
    assignment = assignment if assignment is not None else default_assignment(result, scenario)
    existing = {s.name: s for s in scenario.segments}
    groups: dict[str, list[SegmentBaseline]] = {}
    for b in result.segments:
        target = assignment.get(b.name, SKIP)
        if target == SKIP:
            continue
        groups.setdefault(b.name if target == NEW else target, []).append(b)
    data = scenario.model_dump(mode="json")
    line = provenance(result, derived_on)
    template = {f: _weighted(scenario, f) for f in FIELDS}
    rows: list[ReviewRow] = []
    notes: list[str] = []
    for name, parts in groups.items():
        b = merge(name, parts) if len(parts) > 1 else parts[0]
        b = SegmentBaseline(**{**vars(b), "name": name})
        if b.customers == 0:  # only last year's cohort fell here: no buyer, nothing to size
            notes.append(f"{name}: not applied — no buyers in the period (only {b.cohort:,} in the 12 months before)")
            continue
        old = existing.get(name)
        base = {f: getattr(old, f) for f in FIELDS} if old else dict(template)
        vals, how, seg_notes = _fill(base, b, result.visits.name if result.visits else "visits")
        notes += seg_notes
        merged_from = " + ".join(p.name for p in parts)
        suffix = f" [{merged_from}]" if merged_from != name else ""
        sources = dict(old.sources) if old else {}
        hows: dict[str, str] = {}
        for f in FIELDS:
            if f in vals:
                hows[f] = how[f]
                sources[f] = f"{line}{suffix} — {how[f]}"[:1000]
            elif old:
                hows[f] = "kept: orders hold no costs" if f == "gross_margin" else "kept: not in the data"
            else:
                hows[f] = "no data: the scenario's customer-weighted average"
                sources[f] = hows[f]
        new = {**base, **vals, "name": name, "sources": sources}
        rows += [ReviewRow(name, f, base[f] if old else None, new[f], hows[f]) for f in FIELDS]
        if old:
            k = next(i for i, s in enumerate(data["segments"]) if s["name"] == name)
            data["segments"][k] = new
        else:
            data["segments"].append(new)
            notes.append(f"{name}: added as a new segment; no initiative targets it yet")
    filled = list(dict.fromkeys(r.segment for r in rows))
    data["data_sources"] = data.get("data_sources", []) + [_record(result, derived_on, filled)]
    return Applied(parse_scenario(data), tuple(rows), tuple(notes))


def _record(result: BaselineResult, derived_on: date, segments: list[str]) -> dict[str, Any]:
    """The ``scenario.data_sources`` entry of this import."""
    excluded = {f"{e.input}: {e.reason}": e.rows for e in result.exclusions}
    return {
        "name": result.source[:300], "engine": result.engine, "rows_read": result.rows_read,
        "rows_used": result.rows_used, "rows_excluded": result.rows_excluded, "excluded": excluded,
        "period_start": result.period.start.isoformat(), "period_end": result.period.end.isoformat(),
        "derived_on": derived_on.isoformat(), "mapping": dict(result.mapping),
        "segmentation": result.segmentation, "segments": segments,
        "visits": result.visits.name if result.visits else "",
        "customers_file": result.customers_file.name if result.customers_file else "",
        "note": f"{result.rows_previous:,} orders of the 12 months before used for retention; "
                f"{result.rows_outside:,} outside both periods",
    }
