"""What the baselines are: the analysis period, per-segment sums and the ratios derived from them.

A segment's baseline is kept as **sums** (buyers, orders, revenue, visits, last year's buyers and
how many returned) so that two segments can be merged exactly (:func:`merge`); every ratio the
model uses is a property computed from those sums, with the formula in its docstring.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any


def _year_before(day: date) -> date:
    """The same calendar day one year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    """A 12-month analysis period ending on ``end`` (inclusive) and the 12 months before it.

    ``start`` is the day after the same date one year earlier, so the period holds 365 days
    (366 across a 29 February). Retention compares the buyers of the previous period
    (``previous_start`` … ``previous_end``) with those of this one.

    >>> p = Period.ending(date(2025, 12, 31))
    >>> p.start, p.previous_start, p.previous_end
    (datetime.date(2025, 1, 1), datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    >>> Period.ending(date(2024, 2, 29)).start
    datetime.date(2023, 3, 1)
    """

    start: date
    end: date
    previous_start: date
    previous_end: date

    @classmethod
    def ending(cls, end: date) -> "Period":
        start = _year_before(end) + timedelta(days=1)
        previous_end = start - timedelta(days=1)
        return cls(start, end, _year_before(previous_end) + timedelta(days=1), previous_end)

    def label(self) -> str:
        """``2025-01-01 – 2025-12-31``."""
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def to_json(self) -> dict[str, str]:
        return {k: v.isoformat() for k, v in asdict(self).items()}


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def lifetime_value(revenue_per_customer: float, retention_rate: float | None, *, gross_margin: float = 1.0,
                   discount_rate: float = 0.0) -> float | None:
    """A simple customer lifetime value: this year's value and the expected years that follow.

    Notes
    -----
    With an annual value *v* per customer (revenue × ``gross_margin``), a retention rate *r* and
    a discount rate *d*, a customer active this year is still active *t* years later with
    probability *rᵗ*, so

        CLV = Σₜ₌₀^∞ v · rᵗ / (1 + d)ᵗ = v · (1 + d) / (1 + d − r)

    (``v / (1 − r)`` undiscounted). ``None`` when the retention is unknown or the sum diverges
    (*r* = 1 with no discounting).

    >>> lifetime_value(100.0, 0.5)          # 100 + 50 + 25 + … = 200
    200.0
    >>> round(lifetime_value(100.0, 0.5, gross_margin=0.4, discount_rate=0.1), 6)  # 40 · 1.1 / 0.6
    73.333333
    """
    if retention_rate is None or 1 + discount_rate - retention_rate <= 0:
        return None
    return revenue_per_customer * gross_margin * (1 + discount_rate) / (1 + discount_rate - retention_rate)


@dataclass(frozen=True)
class SegmentBaseline:
    """Sums for one segment over the analysis period (counts are customers or orders, money in
    the file's currency). ``None`` means the input needed for that figure was not given."""

    name: str
    customers: int  # distinct buyers in the period
    orders: int  # orders in the period
    revenue: float  # sum of order values in the period
    cohort: int = 0  # buyers of the previous 12 months whose segment then was this one
    retained: int = 0  # of the cohort, those who bought again in the period
    identified: int | None = None  # buyers flagged identified (no identified flag: None)
    consented: int | None = None  # buyers flagged consented — among the identified when that flag exists
    visits: float | None = None  # visits in the period by this segment's buyers (no visits file: None)
    buyers_without_visits: int | None = None  # buyers with no visit recorded in the period

    @property
    def orders_per_customer(self) -> float | None:
        """Orders per buyer in the period = orders ÷ customers (per year: the period is 12 months)."""
        return _ratio(self.orders, self.customers)

    @property
    def average_order_value(self) -> float | None:
        """Revenue per order = revenue ÷ orders."""
        return _ratio(self.revenue, self.orders)

    @property
    def revenue_per_customer(self) -> float | None:
        """Revenue per buyer per year = revenue ÷ customers."""
        return _ratio(self.revenue, self.customers)

    @property
    def retention_rate(self) -> float | None:
        """Annual retention = previous period's buyers who bought again ÷ previous period's buyers."""
        return _ratio(self.retained, self.cohort)

    @property
    def conversion_rate(self) -> float | None:
        """Orders per visit = orders ÷ visits by the segment's buyers (``None`` without visits)."""
        return None if self.visits is None else _ratio(self.orders, self.visits)

    @property
    def visits_per_customer(self) -> float | None:
        """Visits per buyer per year = visits ÷ customers (``None`` without visits)."""
        return None if self.visits is None else _ratio(self.visits, self.customers)

    @property
    def identifiable_share(self) -> float | None:
        """Share of buyers flagged identified."""
        return None if self.identified is None else _ratio(self.identified, self.customers)

    @property
    def consent_share(self) -> float | None:
        """Share of identified buyers who consented (of all buyers when there is no identified flag)."""
        if self.consented is None:
            return None
        return _ratio(self.consented, self.customers if self.identified is None else self.identified)

    @property
    def customer_lifetime_value(self) -> float | None:
        """Lifetime revenue per customer, undiscounted: :func:`lifetime_value` with margin 1, d = 0."""
        rpc = self.revenue_per_customer
        return None if rpc is None else lifetime_value(rpc, self.retention_rate)

    def to_json(self, *, with_visits: bool = False) -> dict[str, Any]:
        """The CLI's per-segment object (``conversion_rate`` only when visits were given)."""
        out: dict[str, Any] = {
            "name": self.name, "customers": self.customers, "orders": self.orders,
            "orders_per_customer": self.orders_per_customer, "average_order_value": self.average_order_value,
            "revenue": self.revenue, "revenue_per_customer": self.revenue_per_customer,
            "retention_rate": self.retention_rate, "retention_cohort": self.cohort, "retained": self.retained,
            "customer_lifetime_value": self.customer_lifetime_value,
        }
        if self.identified is not None:
            out["identifiable_share"] = self.identifiable_share
        if self.consented is not None:
            out["consent_share"] = self.consent_share
        if with_visits:
            out.update(conversion_rate=self.conversion_rate, visits=self.visits,
                       visits_per_customer=self.visits_per_customer,
                       buyers_without_visits=self.buyers_without_visits)
        return out


def _sum_opt(values: list[Any]) -> Any:
    return None if any(v is None for v in values) else sum(values)


def merge(name: str, parts: list[SegmentBaseline]) -> SegmentBaseline:
    """One segment from several: every sum added, so each ratio is the pooled one (exact)."""
    return SegmentBaseline(
        name=name,
        customers=sum(p.customers for p in parts),
        orders=sum(p.orders for p in parts),
        revenue=sum(p.revenue for p in parts),
        cohort=sum(p.cohort for p in parts),
        retained=sum(p.retained for p in parts),
        identified=_sum_opt([p.identified for p in parts]),
        consented=_sum_opt([p.consented for p in parts]),
        visits=_sum_opt([p.visits for p in parts]),
        buyers_without_visits=_sum_opt([p.buyers_without_visits for p in parts]),
    )


@dataclass(frozen=True)
class Exclusion:
    """Rows of one input left out for one reason, with a message naming the column and examples."""

    input: str  # "orders", "visits" or "customers"
    reason: str  # machine key, e.g. "non_positive_value"
    rows: int
    message: str  # one line: "order_value (column amount): 12 rows with a zero or negative value; …"
    examples: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"input": self.input, "reason": self.reason, "rows": self.rows, "message": self.message,
                "examples": list(self.examples)}


@dataclass(frozen=True)
class InputSummary:
    """How many rows of one input were read, used and left out (visits also count visits)."""

    name: str  # file name or table
    rows_read: int
    rows_used: int
    rows_excluded: int
    visits_in_period: float | None = None  # visits file: all visits in the period
    visits_by_buyers: float | None = None  # of those, by customers who bought in the period


@dataclass(frozen=True)
class BaselineResult:
    """Audience baselines of one import: the segments, the period and what was left out and why."""

    source: str  # orders file name or database table
    engine: str  # "duckdb" or the warehouse's SQLAlchemy dialect name ("postgresql")
    segmentation: str  # "column <name>", "customers file <name>", "rfm" or "one segment"
    period: Period
    segments: tuple[SegmentBaseline, ...]
    rows_read: int  # order rows read
    rows_used: int  # valid order rows in the period (orders counted)
    rows_previous: int  # valid order rows in the 12 months before (retention only)
    rows_outside: int  # valid order rows outside both (not used)
    rows_excluded: int  # order rows with a data problem (see exclusions)
    first_order_date: date
    last_order_date: date
    mapping: dict[str, str]
    exclusions: tuple[Exclusion, ...] = ()
    notes: tuple[str, ...] = ()  # warnings that do not exclude rows (unknown flags, short coverage …)
    visits: InputSummary | None = None
    customers_file: InputSummary | None = None
    flags: tuple[str, ...] = field(default=())  # "identified" / "consent" when mapped

    @property
    def has_visits(self) -> bool:
        return self.visits is not None

    def total(self) -> SegmentBaseline:
        """All segments pooled (retention over every previous-period buyer)."""
        return merge("All customers", list(self.segments))

    def to_json(self) -> dict[str, Any]:
        """The CLI's ``--json`` object (keys are a contract; see README)."""
        out: dict[str, Any] = {
            "source": self.source, "engine": self.engine, "segmentation": self.segmentation,
            "period": self.period.to_json(),
            "segments": [s.to_json(with_visits=self.has_visits) for s in self.segments],
            "total": self.total().to_json(with_visits=self.has_visits),
            "rows_read": self.rows_read, "rows_used": self.rows_used,
            "rows_previous_period": self.rows_previous, "rows_outside_period": self.rows_outside,
            "rows_excluded": {
                "total": self.rows_excluded,
                "reasons": [e.to_json() for e in self.exclusions if e.input == "orders"],
            },
            "first_order_date": self.first_order_date.isoformat(),
            "last_order_date": self.last_order_date.isoformat(),
            "mapping": self.mapping, "notes": list(self.notes),
        }
        for key, summary in (("visits", self.visits), ("customers", self.customers_file)):
            if summary is not None:
                out[key] = {**asdict(summary), "rows_excluded": {
                    "total": summary.rows_excluded,
                    "reasons": [e.to_json() for e in self.exclusions if e.input == key]}}
        return out
