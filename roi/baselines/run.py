"""Run the baseline SQL on any engine that executes text SQL, and turn the rows into a result.

:func:`compute` is engine-agnostic: it takes an :class:`Executor` (DuckDB on files, in
:mod:`roi.baselines.duck`; a SQLAlchemy connection to a warehouse, in
:mod:`roi.baselines.warehouse`) and the sources' columns, sends the statements of
:mod:`roi.baselines.sql`, and builds a :class:`~roi.baselines.result.BaselineResult`. Only
aggregates come back: counts, sums, a few example rows per problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from ..schema import MAX_SEGMENTS
from . import sql
from .errors import BaselineError
from .mapping import FLAGS, CustomersMapping, OrdersMapping, VisitsMapping, check_mapping
from .result import BaselineResult, Exclusion, InputSummary, Period, SegmentBaseline


class Executor(Protocol):
    """Something that runs SQL text: ``execute`` for statements, ``fetch`` for rows."""

    dialect: str

    def execute(self, statement: str) -> None: ...

    def fetch(self, statement: str) -> list[tuple[Any, ...]]: ...


@dataclass(frozen=True)
class Source:
    """A table-like source as the SQL sees it: ``relation`` (quoted name or view), the name the
    user knows (``label``) and its columns with their kinds (``text``/``number``/``date``)."""

    relation: str
    label: str
    columns: dict[str, str] = field(default_factory=dict)

    def col(self, name: str | None) -> sql.Col | None:
        return None if not name else sql.Col(name, self.columns.get(name, "text"))


# What each reason means, per input; {col} is the column it concerns.
_MESSAGES: dict[str, tuple[str, str]] = {
    "missing_customer_id": ("customer_id", "rows without a customer id"),
    "missing_order_id": ("order_id", "rows without an order id"),
    "unparsable_date": ("order_date", "rows whose date is not a date (use YYYY-MM-DD)"),
    "unparsable_value": ("order_value", "rows whose value is not a number (use a plain number such as 1234.50)"),
    "non_positive_value": ("order_value", "rows with a zero or negative value (returns and cancellations "
                                          "are not orders)"),
    "duplicate_order_id": ("order_id", "rows repeat an order id already counted (the order counts once)"),
    "unparsable_visits": ("visits", "rows whose visit count is not a number"),
    "negative_visits": ("visits", "rows with a negative visit count"),
    "duplicate_customer_id": ("customer_id", "rows repeat a customer id (the first row counts)"),
}
_VISIT_FIELDS = {"unparsable_date": "visit_date", "missing_customer_id": "customer_id"}
_VISIT_TEXT = {"missing_customer_id": "visits without a customer id (anonymous: they cannot be attributed "
                                      "to a segment)",
               "unparsable_date": "rows whose visit date is not a date (use YYYY-MM-DD)"}


def _int(v: Any) -> int:
    return int(v or 0)


def _num(v: Any) -> float:
    return float(v) if isinstance(v, Decimal) else float(v or 0)


def _example(row: tuple[Any, ...], table: str) -> str:
    if table == sql.ROWS:
        oid, cid, detail = row
        who = f"order {oid}" if oid is not None else f"customer {cid}" if cid is not None else "a row without ids"
        return who if detail is None else f"{who}: {detail!r}"
    cid, detail = row
    who = f"customer {cid}" if cid is not None else "a row without a customer id"
    return who if detail is None else f"{who}: {detail!r}"


def _exclusions(ex: Executor, table: str, counts: dict[str, int], rows_read: int, *, input: str,
                mapping: dict[str, str], names: dict[str, str]) -> list[Exclusion]:
    out = []
    for reason, n in counts.items():
        fld, text = _MESSAGES.get(reason, ("", reason.replace("_", " ")))
        if input == "visits":
            fld = _VISIT_FIELDS.get(reason, fld)
            text = _VISIT_TEXT.get(reason, text)
        col = mapping.get(fld)
        where = f"{names.get(fld, fld)} ({col})" if col else input
        examples = tuple(_example(r, table) for r in ex.fetch(sql.examples_sql(table, reason)))
        msg = f"{input}: {where}: {n:,} {text}"
        if examples:
            msg += "; e.g. " + ", ".join(examples)
        if rows_read and n / rows_read > 0.5 and col and reason not in ("missing_customer_id", "duplicate_order_id"):
            msg += f" — more than half the rows: is {col!r} the right column?"
        out.append(Exclusion(input, reason, n, msg, examples))
    return out


def _summary(ex: Executor, table: str) -> tuple[int, dict[str, int], date | None, date | None, int, int]:
    """rows read, rows per reason, valid date range, unknown identified/consent values (valid rows)."""
    read, counts, lo, hi, bad_ident, bad_cons = 0, {}, None, None, 0, 0
    for reason, n, dmin, dmax, bi, bc in ex.fetch(sql.summary_sql(table)):
        read += _int(n)
        if reason is None:
            lo, hi, bad_ident, bad_cons = dmin, dmax, _int(bi), _int(bc)
        else:
            counts[reason] = _int(n)
    order = list(sql.ORDER_REASONS) + list(sql.VISIT_REASONS) + ["duplicate_customer_id"]
    return read, dict(sorted(counts.items(), key=lambda kv: order.index(kv[0]))), lo, hi, bad_ident, bad_cons


def _check(mapping: Any, source: Source, names: dict[str, str]) -> list[str]:
    return check_mapping(mapping, list(source.columns), file=source.label, names=names)


def compute(
    ex: Executor,
    orders: Source,
    mapping: OrdersMapping,
    *,
    period_end: date | None = None,
    segmentation: str = "auto",
    visits: Source | None = None,
    visits_mapping: VisitsMapping | None = None,
    customers: Source | None = None,
    customers_mapping: CustomersMapping | None = None,
    names: dict[str, str] | None = None,
    engine: str | None = None,
) -> BaselineResult:
    """Baselines per segment for the 12 months ending ``period_end`` (default: the last order date).

    ``segmentation``: ``"auto"`` (the mapped segment column, else RFM), ``"rfm"`` or ``"one"``.
    ``names`` say how fields are named in messages (CLI flags by default). Raises
    :class:`BaselineError` for input that cannot give baselines (unknown columns, no rows, no
    valid order in the period, more than 100 segments); rows with problems are left out and
    reported in ``exclusions``, never silently.
    """
    names = names or FLAGS
    problems = _check(mapping, orders, names)
    if visits is not None and visits_mapping is not None:
        problems += [f"visits {p}" for p in _check(visits_mapping, visits, names)]
    if customers is not None and customers_mapping is not None:
        problems += [f"customers {p}" for p in _check(customers_mapping, customers, names)]
    if segmentation not in ("auto", "rfm", "one"):
        problems.append(f"segmentation: {segmentation!r} is not one of auto, rfm, one")
    if problems:
        raise BaselineError(problems)
    try:
        return _compute(ex, orders, mapping, period_end, segmentation, visits, visits_mapping, customers,
                        customers_mapping, names, engine or ex.dialect)
    finally:
        for statement in sql.drop_sql():
            try:
                ex.execute(statement)
            except Exception:  # noqa: BLE001 - cleanup must not hide the error being raised; the
                pass  # temporary tables go with the connection anyway


def _compute(ex: Executor, orders: Source, mapping: OrdersMapping, period_end: date | None, segmentation: str,
             visits: Source | None, visits_mapping: VisitsMapping | None, customers: Source | None,
             customers_mapping: CustomersMapping | None, names: dict[str, str], engine: str) -> BaselineResult:
    cols = {f: orders.col(c) for f, c in vars(mapping).items()}
    for statement in sql.order_rows_sql(ex.dialect, orders.relation, cols):
        ex.execute(statement)
    read, counts, first, last, bad_ident, bad_cons = _summary(ex, sql.ROWS)
    if "duplicate_order_id" in counts:  # the first row of each repeated id counts: it is not left out
        counts["duplicate_order_id"] -= _int(ex.fetch(sql.duplicates_kept_sql())[0][0])
    if read == 0:
        raise BaselineError([f"orders: {orders.label} has no rows (only a header, or nothing)"])
    exclusions = _exclusions(ex, sql.ROWS, counts, read, input="orders", mapping=mapping.as_dict(), names=names)
    if first is None or last is None:
        raise BaselineError([f"orders: no usable row among the {read:,} rows of {orders.label}"]
                            + [e.message for e in exclusions])
    period = Period.ending(period_end or last)
    used, previous = (_int(v) for v in ex.fetch(sql.windows_sql(period))[0])
    if used == 0:
        raise BaselineError([f"--period-end: no valid order in the period {period.label()}; the orders run from "
                             f"{first.isoformat()} to {last.isoformat()}"])
    notes = _notes(mapping, period, first, previous, bad_ident, bad_cons, names)

    visits_summary = None
    if visits is not None and visits_mapping is not None:
        vcols = {f: visits.col(c) for f, c in vars(visits_mapping).items()}
        ex.execute(sql.visit_rows_sql(ex.dialect, visits.relation, vcols))
        vread, vcounts, _, _, _, _ = _summary(ex, sql.VISITS)
        if vread == 0:
            raise BaselineError([f"--visits: {visits.label} has no rows"])
        exclusions += _exclusions(ex, sql.VISITS, vcounts, vread, input="visits", mapping=visits_mapping.as_dict(),
                                  names=names)
        in_period = _num(ex.fetch(sql.visits_in_period_sql(period))[0][0])
        visits_summary = (visits.label, vread, sum(vcounts.values()), in_period)

    customers_summary = None
    overrides: frozenset[str] = frozenset()
    if customers is not None and customers_mapping is not None:
        ccols = {f: customers.col(c) for f, c in vars(customers_mapping).items()}
        ex.execute(sql.customer_rows_sql(ex.dialect, customers.relation, ccols))
        cread, ccounts, _, _, cbi, cbc = _summary(ex, sql.CUSTOMERS)
        exclusions += _exclusions(ex, sql.CUSTOMERS, ccounts, cread, input="customers",
                                  mapping=customers_mapping.as_dict(), names=names)
        overrides = frozenset(f for f in ("segment", "identified", "consent") if getattr(customers_mapping, f))
        customers_summary = InputSummary(customers.label, cread, cread - sum(ccounts.values()), sum(ccounts.values()))
        notes += _flag_notes(customers_mapping, cbi, cbc, names, "customers")

    seg_from_column = bool(mapping.segment) or "segment" in overrides
    mode = segmentation if segmentation != "auto" else ("column" if seg_from_column else "rfm")
    if mode == "column" and not seg_from_column:
        mode = "rfm"
    rows = ex.fetch(sql.segments_sql(period, mode, visits=visits_summary is not None, customers=overrides,
                                     limit=MAX_SEGMENTS + 1))
    if len(rows) > MAX_SEGMENTS:
        col = customers_mapping.segment if "segment" in overrides and customers_mapping else mapping.segment
        raise BaselineError([f"{names.get('segment', 'segment')}: the column {col!r} has more than {MAX_SEGMENTS} "
                             "distinct values; choose a column with fewer segments (or none, for RFM segments)"])
    has_ident = bool(mapping.identified) or "identified" in overrides
    has_cons = bool(mapping.consent) or "consent" in overrides
    segments = []
    for seg, cust, n_orders, revenue, ident, cons_ident, cons, cohort, retained, nvisits, no_visits in rows:
        segments.append(SegmentBaseline(
            name=str(seg), customers=_int(cust), orders=_int(n_orders), revenue=_num(revenue),
            cohort=_int(cohort), retained=_int(retained),
            identified=_int(ident) if has_ident else None,
            consented=(_int(cons_ident) if has_ident else _int(cons)) if has_cons else None,
            visits=_num(nvisits) if visits_summary else None,
            buyers_without_visits=_int(no_visits) if visits_summary else None,
        ))
    segments = [s for s in segments if s.customers > 0 or s.cohort > 0]
    segments.sort(key=_segment_order(mode))
    visits_input = None
    if visits_summary is not None:
        label, vread, vexcl, in_period = visits_summary
        by_buyers = sum(s.visits or 0 for s in segments)
        visits_input = InputSummary(label, vread, vread - vexcl, vexcl, in_period, by_buyers)
        notes += _visit_notes(segments, in_period, by_buyers)
    if mode == "rfm":
        notes.append("Segments are RFM groups (recency, frequency and monetary terciles of the period's buyers); "
                     "map a segment column to use your own.")
    return BaselineResult(
        source=orders.label, engine=engine,
        segmentation={"column": f"column {customers_mapping.segment if 'segment' in overrides and customers_mapping else mapping.segment}",
                      "rfm": "rfm", "one": "one segment"}[mode],
        period=period, segments=tuple(segments), rows_read=read, rows_used=used, rows_previous=previous,
        rows_outside=read - sum(counts.values()) - used - previous, rows_excluded=sum(counts.values()),
        first_order_date=first, last_order_date=last, mapping=mapping.as_dict(), exclusions=tuple(exclusions),
        notes=tuple(notes), visits=visits_input, customers_file=customers_summary,
        flags=tuple(f for f, on in (("identified", has_ident), ("consent", has_cons)) if on),
    )


def _segment_order(mode: str):
    rank = {name: k for k, name in enumerate(sql.RFM_SEGMENTS)} if mode == "rfm" else {}
    return lambda s: (rank.get(s.name, len(rank)), -s.customers, s.name)


def _flag_notes(mapping: Any, bad_ident: int, bad_cons: int, names: dict[str, str], input: str) -> list[str]:
    notes = []
    for fld, n in (("identified", bad_ident), ("consent", bad_cons)):
        col = getattr(mapping, fld, None)
        if col and n:
            notes.append(f"{input}: {names.get(fld, fld)} ({col}): {n:,} rows hold a value that is not yes/no, "
                         "true/false or 1/0; they count as no (only flagged customers may be personalized for)")
    return notes


def _notes(mapping: OrdersMapping, period: Period, first: date, previous: int, bad_ident: int, bad_cons: int,
           names: dict[str, str]) -> list[str]:
    notes = _flag_notes(mapping, bad_ident, bad_cons, names, "orders")
    if first > period.start:
        days = (period.end - first).days + 1
        span = (period.end - period.start).days + 1
        notes.append(f"The orders start on {first.isoformat()}, so they cover {days} of the period's {span} days: "
                     "per-year figures (orders per customer, revenue, customers) are understated.")
    if previous == 0:
        notes.append(f"No order in the 12 months before the period ({period.previous_start.isoformat()} – "
                     f"{period.previous_end.isoformat()}): retention cannot be derived and is left as it is.")
    elif first > period.previous_start:
        notes.append(f"The orders start on {first.isoformat()}, after the start of the retention look-back "
                     f"({period.previous_start.isoformat()}): retention is measured on a partial cohort.")
    return notes


def _visit_notes(segments: list[SegmentBaseline], in_period: float, by_buyers: float) -> list[str]:
    notes = []
    if in_period > by_buyers:
        notes.append(f"visits: {in_period - by_buyers:,.0f} of the period's {in_period:,.0f} visits are by people "
                     "who did not buy in the period; conversion counts only the segment buyers' visits, so "
                     "customers × visits × conversion = orders.")
    for s in segments:
        if s.conversion_rate is not None and s.conversion_rate > 1:
            notes.append(f"visits: segment {s.name!r} has more orders ({s.orders:,}) than visits ({s.visits:,.0f}); "
                         "conversion above 100% is not applied — check the visits file and its mapping.")
        if s.buyers_without_visits:
            notes.append(f"visits: {s.buyers_without_visits:,} buyers in segment {s.name!r} have no visit recorded "
                         "(store or phone orders?); their orders still count, which raises the conversion rate.")
    return notes
