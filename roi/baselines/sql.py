"""The one SQL text behind the audience baselines, run by DuckDB on a file or inside a warehouse.

Every statement here is plain SQL that DuckDB and PostgreSQL both accept (``CREATE TEMPORARY
TABLE … AS``, ``CASE``, window functions, ``DATE 'YYYY-MM-DD'`` literals, double-quoted
identifiers). The only dialect difference — turning text into a date or a number without
failing on a bad row — is isolated in :func:`parse_expr`; nothing else looks at the dialect.

The pipeline:

1. :func:`order_rows_sql` — one row per input row: typed values and, for a bad row, the
   reason it is left out (the first that applies, so each excluded row is counted once).
2. :func:`summary_sql`, :func:`examples_sql` — counts per reason, date range, examples.
3. :func:`segments_sql` — per customer and window (this period / the 12 months before), the
   customer's segment, then per segment the sums of :class:`~roi.baselines.result.SegmentBaseline`.

Identifiers and literals are quoted by :func:`ident` and :func:`literal`; no user value other
than column/table names and dates is ever put into the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .result import Period

DIALECTS = ("duckdb", "postgresql")  # the warehouse path supports PostgreSQL (tested in CI)

# Reasons a row is left out, in the order they are checked.
ORDER_REASONS = ("missing_customer_id", "missing_order_id", "unparsable_date", "unparsable_value",
                 "non_positive_value", "duplicate_order_id")
VISIT_REASONS = ("missing_customer_id", "unparsable_date", "unparsable_visits", "negative_visits")

RFM_SEGMENTS = ("Champions", "Loyal", "Recent", "At risk", "Occasional")
BLANK_SEGMENT = "(blank)"
NOT_IN_CUSTOMERS = "(not in customers file)"
ONE_SEGMENT = "All customers"
TRUE_WORDS = ("1", "1.0", "true", "t", "yes", "y")
FALSE_WORDS = ("0", "0.0", "false", "f", "no", "n")

ROWS, VISITS, CUSTOMERS = "roi_order_rows", "roi_visit_rows", "roi_customer_rows"
DUPLICATES = "roi_duplicates"


def ident(name: str) -> str:
    """A double-quoted identifier (``a"b`` → ``"a""b"``); ``schema.table`` quotes each part.

    >>> ident('order date'), ident('sales.orders')
    ('"order date"', '"sales"."orders"')
    """
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


def column(name: str) -> str:
    """A column identifier (a dot is part of the name, unlike :func:`ident`)."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str | date) -> str:
    """A SQL literal: ``DATE '2025-01-01'`` for a date, a single-quoted string otherwise."""
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Col:
    """A source column: its name and kind — ``"text"``, ``"number"`` or ``"date"`` (from the source's type)."""

    name: str
    kind: str = "text"


_PG_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T].*)?$"
_PG_NUMBER = "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]{1,2})?$"


def parse_expr(dialect: str, col: Col, target: str) -> str:
    """SQL turning ``col`` into a ``"date"`` or a ``"number"``, NULL where a value does not parse.

    The only dialect-specific SQL. DuckDB has ``TRY_CAST``. PostgreSQL raises on a bad cast, so a
    text value is checked first (ISO ``YYYY-MM-DD`` dates with a real calendar day; plain decimal
    numbers) inside nested ``CASE`` expressions, which PostgreSQL evaluates in order. A column
    already of the target kind is cast directly; one of the other kind gives NULL (a number is
    not a date). Text is trimmed first.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"dialect: {dialect!r} is not supported (supported: {', '.join(DIALECTS)})")
    c = column(col.name)
    sql_type = {"date": "DATE", "number": "DOUBLE" if dialect == "duckdb" else "DOUBLE PRECISION"}[target]
    if col.kind == target:
        return f"CAST({c} AS {sql_type})"
    if col.kind != "text":
        return f"CAST(NULL AS {sql_type})"
    t = f"TRIM(CAST({c} AS VARCHAR))"
    if dialect == "duckdb":
        # TRIM also keeps DuckDB from pushing the cast into its CSV reader, where it would fail hard
        return f"TRY_CAST({t} AS {sql_type})"
    if target == "number":
        return f"CASE WHEN {t} ~ '{_PG_NUMBER}' THEN CAST({t} AS DOUBLE PRECISION) END"
    y, m, d = (f"CAST(SUBSTR({t}, {a}, {n}) AS INTEGER)" for a, n in ((1, 4), (6, 2), (9, 2)))
    last_day = f"EXTRACT(DAY FROM MAKE_DATE({y}, {m}, 1) + INTERVAL '1 month' - INTERVAL '1 day')"
    return (f"CASE WHEN {t} ~ '{_PG_DATE}' THEN CASE WHEN {y} >= 1 AND {m} BETWEEN 1 AND 12 THEN "
            f"CASE WHEN {d} BETWEEN 1 AND {last_day} THEN MAKE_DATE({y}, {m}, {d}) END END END")


def _text(col: Col | None) -> str:
    """Trimmed text of a column; empty text is NULL."""
    return "CAST(NULL AS VARCHAR)" if col is None else f"NULLIF(TRIM(CAST({column(col.name)} AS VARCHAR)), '')"


def _flag(col: Col | None) -> str:
    """1 for yes/true/1, 0 for no/false/0 and for no column, NULL for anything else (reported)."""
    if col is None:
        return "0"
    v = f"LOWER(TRIM(CAST({column(col.name)} AS VARCHAR)))"
    yes = ", ".join(literal(w) for w in TRUE_WORDS)
    no = ", ".join(literal(w) for w in FALSE_WORDS)
    return f"CASE WHEN {v} IN ({yes}) THEN 1 WHEN {v} IN ({no}) THEN 0 END"


def order_rows_sql(dialect: str, source: str, cols: dict[str, Col | None]) -> list[str]:
    """Statements that build ``roi_order_rows``: one row per order row, typed, with its reason.

    ``cols`` maps ``customer_id``, ``order_id``, ``order_date``, ``order_value`` (required) and
    ``segment``, ``identified``, ``consent`` (optional) to source columns. Columns of the table:
    ``cid, oid, d, v, seg, ident, cons, reason, detail, copy`` — ``detail`` is the raw offending
    value.

    Of several valid rows sharing an order id, the first by date, value, customer, segment and
    flags counts (an order exported twice is one order). Ranking every row by order id would be
    the slowest step at 10M rows, so only the rows of repeated ids are ranked (in
    ``roi_duplicates``): all of them are marked ``duplicate_order_id`` and the first is added
    back as a valid row with ``copy = 1``. Counts of rows read use ``copy = 0`` rows only, and
    the duplicates left out are the marked rows less the copies (:func:`duplicates_kept_sql`).
    """
    d, v = parse_expr(dialect, cols["order_date"], "date"), parse_expr(dialect, cols["order_value"], "number")
    raw_d = f"CAST({column(cols['order_date'].name)} AS VARCHAR)"
    raw_v = f"CAST({column(cols['order_value'].name)} AS VARCHAR)"
    typed = (f"SELECT {_text(cols['customer_id'])} AS cid, {_text(cols['order_id'])} AS oid, {d} AS d, "
             f"{v} AS v, {_text(cols.get('segment'))} AS seg, {_flag(cols.get('identified'))} AS ident, "
             f"{_flag(cols.get('consent'))} AS cons, {raw_d} AS raw_d, {raw_v} AS raw_v FROM {source}")
    checked = (
        "SELECT cid, oid, d, v, seg, ident, cons, "
        "CASE WHEN cid IS NULL THEN 'missing_customer_id' WHEN oid IS NULL THEN 'missing_order_id' "
        "WHEN d IS NULL THEN 'unparsable_date' "
        "WHEN v IS NULL OR NOT (v - v = 0) THEN 'unparsable_value' "  # v − v = 0 is false for NaN and ±inf
        "WHEN v <= 0 THEN 'non_positive_value' END AS reason, "
        "CASE WHEN d IS NULL THEN raw_d ELSE raw_v END AS raw "
        f"FROM ({typed}) typed"
    )
    cols_out = "cid, oid, d, v, seg, ident, cons"
    return [
        f"CREATE TEMPORARY TABLE {ROWS} AS SELECT {cols_out}, reason, "
        "CASE WHEN reason IN ('unparsable_date', 'unparsable_value', 'non_positive_value') THEN raw END AS detail, "
        f"0 AS copy FROM ({checked}) checked",
        f"CREATE TEMPORARY TABLE {DUPLICATES} AS SELECT {cols_out}, ROW_NUMBER() OVER (PARTITION BY oid "
        "ORDER BY d, v, cid, seg NULLS LAST, ident NULLS LAST, cons NULLS LAST) AS k "
        f"FROM {ROWS} WHERE reason IS NULL AND oid IN "
        f"(SELECT oid FROM {ROWS} WHERE reason IS NULL GROUP BY oid HAVING COUNT(*) > 1)",
        f"UPDATE {ROWS} SET reason = 'duplicate_order_id' WHERE reason IS NULL AND oid IN (SELECT oid FROM {DUPLICATES})",
        f"INSERT INTO {ROWS} ({cols_out}, reason, detail, copy) SELECT {cols_out}, NULL, NULL, 1 "
        f"FROM {DUPLICATES} WHERE k = 1",
    ]


def duplicates_kept_sql() -> str:
    """How many repeated order ids were kept once (the copies added back as valid rows)."""
    return f"SELECT COUNT(*) FROM {DUPLICATES} WHERE k = 1"


def visit_rows_sql(dialect: str, source: str, cols: dict[str, Col | None]) -> str:
    """``CREATE TEMPORARY TABLE roi_visit_rows`` (``cid, d, n, reason, detail``): visits per row
    (the ``visits`` count column, or 1 per row without one)."""
    d = parse_expr(dialect, cols["visit_date"], "date")
    count = cols.get("visits")
    n = parse_expr(dialect, count, "number") if count else "1"
    raw_n = f"CAST({column(count.name)} AS VARCHAR)" if count else "CAST(NULL AS VARCHAR)"
    raw_d = f"CAST({column(cols['visit_date'].name)} AS VARCHAR)"
    typed = f"SELECT {_text(cols['customer_id'])} AS cid, {d} AS d, {n} AS n, {raw_d} AS raw_d, {raw_n} AS raw_n FROM {source}"
    return (
        f"CREATE TEMPORARY TABLE {VISITS} AS SELECT cid, d, n, reason, "
        "CASE WHEN reason = 'unparsable_date' THEN raw_d WHEN reason IN ('unparsable_visits', 'negative_visits') "
        "THEN raw_n END AS detail FROM (SELECT cid, d, n, raw_d, raw_n, "
        "CASE WHEN cid IS NULL THEN 'missing_customer_id' WHEN d IS NULL THEN 'unparsable_date' "
        "WHEN n IS NULL OR NOT (n - n = 0) THEN 'unparsable_visits' WHEN n < 0 THEN 'negative_visits' END AS reason "
        f"FROM ({typed}) typed) checked"
    )


def customer_rows_sql(source: str, cols: dict[str, Col | None]) -> str:
    """``CREATE TEMPORARY TABLE roi_customer_rows`` (``cid, seg, ident, cons, reason``): one row per
    customer file row; a repeated customer id keeps its first row by segment and flags."""
    typed = (f"SELECT {_text(cols['customer_id'])} AS cid, {_text(cols.get('segment'))} AS seg, "
             f"{_flag(cols.get('identified'))} AS ident, {_flag(cols.get('consent'))} AS cons FROM {source}")
    return (
        f"CREATE TEMPORARY TABLE {CUSTOMERS} AS SELECT cid, seg, ident, cons, "
        "CASE WHEN cid IS NULL THEN 'missing_customer_id' WHEN ROW_NUMBER() OVER (PARTITION BY cid "
        "ORDER BY seg NULLS LAST, ident NULLS LAST, cons NULLS LAST) > 1 THEN 'duplicate_customer_id' END AS reason "
        f"FROM ({typed}) typed"
    )


def summary_sql(table: str = ROWS) -> str:
    """Rows per reason (NULL = valid), the valid rows' date range and their unknown flag values."""
    if table == ROWS:
        return ("SELECT reason, SUM(1 - copy), MIN(d), MAX(d), SUM(CASE WHEN ident IS NULL THEN 1 - copy ELSE 0 END), "
                f"SUM(CASE WHEN cons IS NULL THEN 1 - copy ELSE 0 END) FROM {table} GROUP BY reason")
    if table == VISITS:
        return f"SELECT reason, COUNT(*), MIN(d), MAX(d), 0, 0 FROM {table} GROUP BY reason"
    return (f"SELECT reason, COUNT(*), NULL, NULL, SUM(CASE WHEN ident IS NULL THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN cons IS NULL THEN 1 ELSE 0 END) FROM {table} GROUP BY reason")


def examples_sql(table: str, reason: str, limit: int = 3) -> str:
    """A few rows left out for ``reason``: the id and the offending value (deterministic order)."""
    if table == ROWS:
        what = "oid, cid, detail"
        order = "oid NULLS FIRST, cid NULLS FIRST, detail NULLS FIRST"
    elif table == VISITS:
        what, order = "cid, detail", "cid NULLS FIRST, detail NULLS FIRST"
    else:
        what, order = "cid, seg", "cid NULLS FIRST, seg NULLS FIRST"
    return f"SELECT {what} FROM {table} WHERE reason = {literal(reason)} ORDER BY {order} LIMIT {limit}"


def windows_sql(period: Period) -> str:
    """Valid order rows in the period and in the 12 months before it."""
    return (f"SELECT SUM(CASE WHEN d BETWEEN {literal(period.start)} AND {literal(period.end)} THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN d BETWEEN {literal(period.previous_start)} AND {literal(period.previous_end)} "
            f"THEN 1 ELSE 0 END) FROM {ROWS} WHERE reason IS NULL")


def visits_in_period_sql(period: Period) -> str:
    """All valid visits in the period (buyers' or not)."""
    return (f"SELECT SUM(n) FROM {VISITS} WHERE reason IS NULL "
            f"AND d BETWEEN {literal(period.start)} AND {literal(period.end)}")


def _score(lower: str) -> str:
    """Quantile score 1–3 = 1 + ⌊3 · (customers with a lower value) ÷ n⌋, in integers (ties share a score)."""
    return f"CASE WHEN 3 * {lower} < n THEN 1 WHEN 3 * {lower} < 2 * n THEN 2 ELSE 3 END"


def rfm_segment_expr(r: str = "r", f: str = "f", m: str = "m") -> str:
    """The RFM segment of scores ``r``, ``f``, ``m`` (1–3); first rule that matches wins:

    ============ =========================== ==========================================
    segment      rule                        meaning
    ============ =========================== ==========================================
    Champions    R = 3 and F + M ≥ 5         bought lately, often and for a lot
    Loyal        R ≥ 2 and F + M ≥ 4         regular buyers of good value
    Recent       R = 3                       bought lately, but little so far
    At risk      R = 1 and F + M ≥ 4         good customers who have not bought lately
    Occasional   everyone else               few, small, not recent purchases
    ============ =========================== ==========================================
    """
    return (f"CASE WHEN {r} = 3 AND {f} + {m} >= 5 THEN 'Champions' WHEN {r} >= 2 AND {f} + {m} >= 4 THEN 'Loyal' "
            f"WHEN {r} = 3 THEN 'Recent' WHEN {r} = 1 AND {f} + {m} >= 4 THEN 'At risk' ELSE 'Occasional' END")


def segments_sql(period: Period, segmentation: str, *, visits: bool = False,
                 customers: frozenset[str] = frozenset(), limit: int = 101) -> str:
    """Per segment: the sums of :class:`~roi.baselines.result.SegmentBaseline`, in that order:

    ``seg, customers, orders, revenue, identified, consented_identified, consented, cohort,
    retained, visits, buyers_without_visits``.

    ``segmentation`` is ``"column"`` (a segment column), ``"rfm"`` or ``"one"``; ``customers`` names
    the attributes (``segment``, ``identified``, ``consent``) a customers file overrides. A customer belongs to one segment per window: with a column,
    the segment (and flags) on their latest order in that window, ties broken by the larger
    segment value and the smaller flags (so a tie never invents consent); with RFM, the scores of
    that window. The previous window's segment decides which cohort a customer counts in for
    retention. At most ``limit`` segments are returned (the caller refuses more than 100).
    """
    win = (f"CASE WHEN d BETWEEN {literal(period.start)} AND {literal(period.end)} THEN 1 ELSE 0 END")
    w = (f"SELECT cid, COALESCE(seg, {literal(BLANK_SEGMENT)}) AS seg, COALESCE(ident, 0) AS ident, "
         f"COALESCE(cons, 0) AS cons, d, v, {win} AS win FROM {ROWS} WHERE reason IS NULL "
         f"AND d BETWEEN {literal(period.previous_start)} AND {literal(period.end)}")
    parts = [
        f"w AS ({w})",
        "cs AS MATERIALIZED (SELECT cid, win, seg, ident, cons, COUNT(*) AS orders, SUM(v) AS revenue, "
        "MAX(d) AS last_d "
        "FROM w GROUP BY cid, win, seg, ident, cons)",
        # a customer with one segment and one set of flags in a window (nearly all) needs no ranking
        "agg AS MATERIALIZED (SELECT cid, win, COUNT(*) AS variants, MAX(seg) AS seg, MAX(ident) AS ident, "
        "MAX(cons) AS cons, SUM(orders) AS orders, SUM(revenue) AS revenue, MAX(last_d) AS last_d "
        "FROM cs GROUP BY cid, win)",
        "pick AS (SELECT cid, win, seg, ident, cons FROM (SELECT cs.cid, cs.win, cs.seg, cs.ident, cs.cons, "
        "ROW_NUMBER() OVER (PARTITION BY cs.cid, cs.win ORDER BY cs.last_d DESC, cs.seg DESC, cs.ident, cs.cons) "
        "AS k FROM cs JOIN agg ON agg.cid = cs.cid AND agg.win = cs.win AND agg.variants > 1) r WHERE k = 1)",
        "cust AS (SELECT a.cid, a.win, COALESCE(p.seg, a.seg) AS seg, COALESCE(p.ident, a.ident) AS ident, "
        "COALESCE(p.cons, a.cons) AS cons, a.orders, a.revenue, a.last_d FROM agg a "
        "LEFT JOIN pick p ON p.cid = a.cid AND p.win = a.win)",
    ]
    source = "cust"
    if customers:
        # a customers file overrides the attributes it maps; a buyer missing from it gets none
        parts.append(
            f"attr AS (SELECT cid, COALESCE(seg, {literal(BLANK_SEGMENT)}) AS seg, COALESCE(ident, 0) AS ident, "
            f"COALESCE(cons, 0) AS cons FROM {CUSTOMERS} WHERE reason IS NULL)")
        seg = f"COALESCE(a.seg, {literal(NOT_IN_CUSTOMERS)})" if "segment" in customers else "c.seg"
        idf = "COALESCE(a.ident, 0)" if "identified" in customers else "c.ident"
        cons = "COALESCE(a.cons, 0)" if "consent" in customers else "c.cons"
        parts.append(
            f"cust2 AS (SELECT c.cid, c.win, {seg} AS seg, {idf} AS ident, {cons} AS cons, c.orders, c.revenue, "
            "c.last_d FROM cust c LEFT JOIN attr a ON a.cid = c.cid)")
        source = "cust2"
    if segmentation == "rfm":
        parts.append(
            "scored AS (SELECT cid, win, ident, cons, orders, revenue, "
            "RANK() OVER (PARTITION BY win ORDER BY last_d) - 1 AS r_lt, "
            "RANK() OVER (PARTITION BY win ORDER BY orders) - 1 AS f_lt, "
            "RANK() OVER (PARTITION BY win ORDER BY ROUND(revenue * 100)) - 1 AS m_lt, "  # cents: ties exact
            f"COUNT(*) OVER (PARTITION BY win) AS n FROM {source})")
        parts.append(
            f"rfm AS (SELECT cid, win, ident, cons, orders, revenue, {_score('r_lt')} AS r, {_score('f_lt')} AS f, "
            f"{_score('m_lt')} AS m FROM scored)")
        parts.append(f"segd AS (SELECT cid, win, {rfm_segment_expr()} AS seg, ident, cons, orders, revenue FROM rfm)")
    elif segmentation == "one":
        parts.append(f"segd AS (SELECT cid, win, {literal(ONE_SEGMENT)} AS seg, ident, cons, orders, revenue "
                     f"FROM {source})")
    elif segmentation == "column":
        parts.append(f"segd AS (SELECT cid, win, seg, ident, cons, orders, revenue FROM {source})")
    else:
        raise ValueError(f"segmentation: {segmentation!r} is not one of column, rfm, one")
    parts.append("both_windows AS (SELECT cid FROM agg GROUP BY cid HAVING COUNT(*) = 2)")
    parts.append("fin AS (SELECT cid, win, seg, ident, cons, orders, revenue, CASE WHEN cid IN "
                 "(SELECT cid FROM both_windows) THEN 2 ELSE 1 END AS windows FROM segd)")
    visit_cols = "CAST(NULL AS INTEGER), CAST(NULL AS INTEGER)"
    join = ""
    if visits:
        parts.append(
            f"vc AS (SELECT cid, SUM(n) AS n FROM {VISITS} WHERE reason IS NULL "
            f"AND d BETWEEN {literal(period.start)} AND {literal(period.end)} GROUP BY cid)")
        join = " LEFT JOIN vc ON vc.cid = fin.cid AND fin.win = 1"
        visit_cols = ("SUM(CASE WHEN win = 1 THEN COALESCE(vc.n, 0) ELSE 0 END), "
                      "SUM(CASE WHEN win = 1 AND vc.n IS NULL THEN 1 ELSE 0 END)")
    return (
        "WITH " + ",\n".join(parts) + "\n"
        "SELECT seg, SUM(CASE WHEN win = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN win = 1 THEN orders ELSE 0 END), "
        "SUM(CASE WHEN win = 1 THEN revenue ELSE 0 END), SUM(CASE WHEN win = 1 THEN ident ELSE 0 END), "
        "SUM(CASE WHEN win = 1 AND ident = 1 THEN cons ELSE 0 END), SUM(CASE WHEN win = 1 THEN cons ELSE 0 END), "
        "SUM(CASE WHEN win = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN win = 0 AND windows = 2 THEN 1 ELSE 0 END), "
        f"{visit_cols} FROM fin{join} GROUP BY seg LIMIT {limit}"
    )


def drop_sql() -> list[str]:
    """Statements that remove the temporary tables (also gone when the connection closes)."""
    return [f"DROP TABLE IF EXISTS {t}" for t in (ROWS, DUPLICATES, VISITS, CUSTOMERS)]
