"""``baselines``: audience baselines per segment from a client's orders (a file, or a warehouse table).

Two shapes, the same flags::

    python -m roi baselines ORDERS --customer-id C --order-id O --order-date D --order-value V [...]
    python -m roi baselines --database-url URL --table NAME --customer-id C ... [--visits TABLE]

With ``--database-url`` there is no ORDERS file: ``--table`` names the orders table and
``--visits``/``--customers`` name tables in the same database. Bad input exits 2 with one line
per problem naming the flag or column; rows with data problems are left out and reported.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from .core import print_json


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("baselines", help="audience baselines per segment from an orders export or warehouse table",
                       description="Customers, orders per customer, order value, revenue, retention (and conversion "
                       "with visits) per segment for the 12 months ending --period-end.")
    p.add_argument("orders", nargs="?", metavar="ORDERS", help="orders file: CSV, CSV.GZ, Parquet or XLSX "
                   "(omit with --database-url)")
    p.add_argument("--customer-id", required=True, metavar="COL", help="column of the customer id")
    p.add_argument("--order-id", required=True, metavar="COL", help="column of the order id")
    p.add_argument("--order-date", required=True, metavar="COL", help="column of the order date (YYYY-MM-DD…)")
    p.add_argument("--order-value", required=True, metavar="COL", help="column of the order value (revenue)")
    p.add_argument("--segment", metavar="COL", help="column of the segment (default: RFM segments)")
    p.add_argument("--identified", metavar="COL", help="column flagging identified customers (yes/no, 1/0)")
    p.add_argument("--consent", metavar="COL", help="column flagging consent to personalization (yes/no, 1/0)")
    p.add_argument("--one-segment", action="store_true", help="all customers in one segment instead of RFM")
    p.add_argument("--visits", metavar="FILE", help="visits/sessions file (a table with --database-url): "
                   "adds conversion = orders ÷ visits")
    p.add_argument("--visits-customer-id", metavar="COL", help="its customer id column (default: --customer-id)")
    p.add_argument("--visits-date", metavar="COL", default="visit_date", help="its date column (default visit_date)")
    p.add_argument("--visits-count", metavar="COL", help="its visit count column (default: one visit per row)")
    p.add_argument("--customers", metavar="FILE", help="customers file (a table with --database-url) whose segment "
                   "and flags override those on the orders")
    p.add_argument("--customers-id", metavar="COL", help="its customer id column (default: --customer-id)")
    p.add_argument("--customers-segment", metavar="COL", help="its segment column")
    p.add_argument("--customers-identified", metavar="COL", help="its identified flag column")
    p.add_argument("--customers-consent", metavar="COL", help="its consent flag column")
    p.add_argument("--period-end", metavar="YYYY-MM-DD", help="last day of the 12-month period (default: the last "
                   "order date)")
    p.add_argument("--database-url", metavar="URL", help="SQLAlchemy URL of the warehouse (PostgreSQL): the SQL "
                   "runs there and only aggregates come back")
    p.add_argument("--table", metavar="NAME", help="orders table (schema.table) with --database-url")
    p.add_argument("--max-size-mb", type=float, metavar="MB", help="refuse input files larger than this")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=_baselines)


def _problems(args: argparse.Namespace) -> tuple[list[str], date | None]:
    problems = []
    if args.database_url:
        if args.orders:
            problems.append("ORDERS: give either an orders file or --database-url with --table, not both")
        if not args.table:
            problems.append("--table: required with --database-url (the orders table)")
    else:
        if not args.orders:
            problems.append("ORDERS: an orders file is required (or --database-url with --table)")
        if args.table:
            problems.append("--table: only with --database-url")
    if args.one_segment and (args.segment or args.customers_segment):
        problems.append("--one-segment: cannot be combined with --segment or --customers-segment")
    if args.max_size_mb is not None and not args.max_size_mb > 0:
        problems.append("--max-size-mb: must be more than 0")
    if args.customers is None and any((args.customers_id, args.customers_segment, args.customers_identified,
                                       args.customers_consent)):
        problems.append("--customers: the --customers-* columns need a customers file")
    end = None
    if args.period_end:
        try:
            end = date.fromisoformat(args.period_end)
        except ValueError:
            problems.append(f"--period-end: {args.period_end!r} is not a date YYYY-MM-DD")
    return problems, end


def _baselines(args: argparse.Namespace) -> int:
    from ..baselines import BaselineError, CustomersMapping, OrdersMapping, VisitsMapping

    problems, end = _problems(args)
    if problems:
        raise BaselineError(problems)
    mapping = OrdersMapping(args.customer_id, args.order_id, args.order_date, args.order_value,
                            segment=args.segment, identified=args.identified, consent=args.consent)
    visits_mapping = VisitsMapping(args.visits_customer_id or args.customer_id, args.visits_date,
                                   args.visits_count) if args.visits else None
    customers_mapping = CustomersMapping(args.customers_id or args.customer_id, args.customers_segment,
                                         args.customers_identified, args.customers_consent) if args.customers else None
    common: dict[str, Any] = dict(period_end=end, segmentation="one" if args.one_segment else "auto",
                                  visits_mapping=visits_mapping, customers_mapping=customers_mapping)
    if args.database_url:
        from ..baselines.warehouse import baselines_from_database

        result = baselines_from_database(args.database_url, args.table, mapping, visits_table=args.visits,
                                         customers_table=args.customers, **common)
    else:
        from ..baselines import baselines_from_files

        max_bytes = int(args.max_size_mb * 1e6) if args.max_size_mb else None
        result = baselines_from_files(args.orders, mapping, visits=args.visits, customers=args.customers,
                                      max_bytes=max_bytes, **common)
    if args.json:
        print_json(result.to_json())
    else:
        _print_text(result)
    return 0


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


def _num(v: float | None, fmt: str = ",.2f") -> str:
    return "—" if v is None else format(v, fmt)


def _print_text(r: Any) -> None:
    print(f"{r.source} — period {r.period.label()} ({r.engine}; segments: {r.segmentation})")
    print(f"  order rows read {r.rows_read:,}: {r.rows_used:,} in the period, {r.rows_previous:,} in the 12 months "
          f"before (retention), {r.rows_outside:,} outside, {r.rows_excluded:,} excluded")
    for e in r.exclusions:
        print(f"  excluded  {e.message}")
    print()
    conv = r.has_visits
    head = f"  {'segment':<28} {'customers':>10} {'orders/cust':>11} {'order value':>12} {'revenue':>14} {'retention':>9}"
    print(head + (f" {'conversion':>10}" if conv else "") + f" {'CLV':>10}")
    for s in list(r.segments) + [r.total()]:
        line = (f"  {s.name[:28]:<28} {s.customers:>10,} {_num(s.orders_per_customer):>11} "
                f"{_num(s.average_order_value):>12} {_num(s.revenue, ',.0f'):>14} {_pct(s.retention_rate):>9}")
        if conv:
            line += f" {_pct(s.conversion_rate):>10}"
        print(line + f" {_num(s.customer_lifetime_value, ',.0f'):>10}")
    for note in r.notes:
        print(f"  note: {note}")
