"""The one SQL text behind the audience baselines, run by DuckDB on a file or inside a warehouse.

Every statement here is plain SQL that DuckDB and PostgreSQL both accept (``CREATE TEMPORARY
TABLE … AS``, ``CASE``, window functions, ``DATE 'YYYY-MM-DD'`` literals, double-quoted
identifiers). The dialect differences are isolated in three functions: turning text into a date
or a number without failing on a bad row (:func:`parse_expr`), DuckDB's shortcut past ``TRIM``
for text that needs none (:func:`trim_expr`, the same value), and the key repeated order ids
are found by (:func:`dedupe_key`); nothing else looks at the dialect.

The pipeline:

1. :func:`order_rows_sql` — one row per input row: typed values and, for a bad row, the
   reason it is left out (the first that applies, so each excluded row is counted once).
2. :func:`summary_sql`, :func:`examples_sql` — counts per reason, date range, examples.
3. :func:`segments_sql` — per customer and window (this period / the 12 months before), the
   customer's segment, then per segment the sums of :class:`~roi.baselines.result.SegmentBaseline`.

At 10M rows the cost is in reading and parsing the rows once and in two hash aggregations of
millions of groups (order ids for repeats; customers per window); the statements are written so
that each row's parse is evaluated once and those aggregations carry few, numeric aggregates
(``benchmarks/bench_baselines.py`` measures them).

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
    t = trim_expr(dialect, f"CAST({c} AS VARCHAR)")
    if dialect == "duckdb":
        # the trim also keeps DuckDB from pushing the cast into its CSV reader, where it would fail hard
        return f"TRY_CAST({t} AS {sql_type})"
    if target == "number":
        return f"CASE WHEN {t} ~ '{_PG_NUMBER}' THEN CAST({t} AS DOUBLE PRECISION) END"
    y, m, d = (f"CAST(SUBSTR({t}, {a}, {n}) AS INTEGER)" for a, n in ((1, 4), (6, 2), (9, 2)))
    last_day = f"EXTRACT(DAY FROM MAKE_DATE({y}, {m}, 1) + INTERVAL '1 month' - INTERVAL '1 day')"
    return (f"CASE WHEN {t} ~ '{_PG_DATE}' THEN CASE WHEN {y} >= 1 AND {m} BETWEEN 1 AND 12 THEN "
            f"CASE WHEN {d} BETWEEN 1 AND {last_day} THEN MAKE_DATE({y}, {m}, {d}) END END END")


def trim_expr(dialect: str, text: str) -> str:
    """``TRIM(text)``, written so that DuckDB skips the work for text that needs none.

    DuckDB's ``TRIM`` removes Unicode space separators (U+0020, U+00A0, U+3000 …) by decoding
    every character of every value, about a third of the cost of reading a 10M-row CSV. Text
    whose bytes are all ASCII (byte length = character count) can only start or end with the one
    ASCII space separator, U+0020, so when it neither starts nor ends with one it is returned as
    it is — the same value ``TRIM`` would give, at a fraction of the cost. PostgreSQL's ``TRIM``
    removes only spaces and is cheap (and has no ``strlen``): it keeps the plain call.
    """
    if dialect != "duckdb":
        return f"TRIM({text})"
    return (f"CASE WHEN strlen({text}) = length({text}) AND NOT starts_with({text}, ' ') "
            f"AND NOT ends_with({text}, ' ') THEN {text} ELSE TRIM({text}) END")


def _text(col: Col | None, dialect: str) -> str:
    """Trimmed text of a column; empty text is NULL. A number or a date cast to text has no
    surrounding spaces, so only text columns are trimmed."""
    if col is None:
        return "CAST(NULL AS VARCHAR)"
    t = f"CAST({column(col.name)} AS VARCHAR)"
    return f"NULLIF({trim_expr(dialect, t) if col.kind == 'text' else t}, '')"


def _words(col: Col | None, dialect: str) -> str:
    """A flag column's text as :func:`_flag_of` compares it (lower case, trimmed); NULL for no column."""
    if col is None:
        return "CAST(NULL AS VARCHAR)"
    return f"LOWER({trim_expr(dialect, f'CAST({column(col.name)} AS VARCHAR)')})"


def _flag_of(words: str, present: bool = True) -> str:
    """1 for yes/true/1, 0 for no/false/0, NULL for anything else (reported), from the lower-cased
    text ``words``; 0 when there is no column (``present`` false)."""
    if not present:
        return "0"
    # equalities, not IN (…): DuckDB turns a list of six into a join that copies every column of
    # every row through it (four of them were a tenth of reading a 10M-row CSV)
    yes = " OR ".join(f"{words} = {literal(w)}" for w in TRUE_WORDS)
    no = " OR ".join(f"{words} = {literal(w)}" for w in FALSE_WORDS)
    return f"CASE WHEN {yes} THEN 1 WHEN {no} THEN 0 END"


def _flag(col: Col | None, dialect: str) -> str:
    """1 for yes/true/1, 0 for no/false/0 and for no column, NULL for anything else (reported)."""
    return _flag_of(_words(col, dialect), col is not None)


_PLAIN = {"true": 1, "1": 1, "false": 0, "0": 0}  # flag values most exports write, exactly so


def _plain_flag(col: Col | None) -> str:
    """A flag column's value when written exactly as in :data:`_PLAIN` (1 or 0), else NULL; 0 for
    no column. With :func:`_other_words` it reads a flag as :func:`_flag` does, but lower-cases and
    trims only the values that need it (two columns of every one of 10 million rows otherwise)."""
    if col is None:
        return "0"
    raw = f"CAST({column(col.name)} AS VARCHAR)"
    ones = " OR ".join(f"{raw} = {literal(w)}" for w, v in _PLAIN.items() if v == 1)
    zeros = " OR ".join(f"{raw} = {literal(w)}" for w, v in _PLAIN.items() if v == 0)
    return f"CASE WHEN {ones} THEN 1 WHEN {zeros} THEN 0 END"


def _other_words(col: Col | None, dialect: str) -> str:
    """:func:`_words` of a flag value not written as in :data:`_PLAIN`; NULL for those that are."""
    if col is None:
        return "CAST(NULL AS VARCHAR)"
    raw = f"CAST({column(col.name)} AS VARCHAR)"
    plain = " OR ".join(f"{raw} = {literal(w)}" for w in _PLAIN)
    return f"CASE WHEN {plain} THEN NULL ELSE {_words(col, dialect)} END"


def dedupe_key(dialect: str, text: str) -> str:
    """A value equal for equal ``text``, cheaper to group by: DuckDB's 64-bit ``hash`` (an order id
    repeated gives the same hash; a hash repeated is checked against the ids themselves), the text
    itself in PostgreSQL."""
    return f"hash({text})" if dialect == "duckdb" else text


def order_rows_sql(dialect: str, source: str, cols: dict[str, Col | None]) -> list[str]:
    """Statements that build ``roi_order_rows``: one row per order row, typed, with its reason.

    ``cols`` maps ``customer_id``, ``order_id``, ``order_date``, ``order_value`` (required) and
    ``segment``, ``identified``, ``consent`` (optional) to source columns. Columns of the table:
    ``cid, oid, d, v, seg, ident, cons, reason, detail, copy`` — ``detail`` is the raw offending
    value.

    Of several valid rows sharing an order id, the first by date, value, customer, segment and
    flags counts (an order exported twice is one order). Ranking every row by order id would be
    the slowest step at 10M rows, so only the rows of repeated ids are ranked (in
    ``roi_duplicates``). They are found by grouping a 64-bit key of the id (:func:`dedupe_key`;
    DuckDB's profile at 10M rows: 2.4 CPU-seconds against 3.8 for the text), then kept only where
    the id itself repeats. All of them are marked ``duplicate_order_id`` and the first is added
    back as a valid row with ``copy = 1``. Counts of rows read use ``copy = 0`` rows only, and
    the duplicates left out are the marked rows less the copies (:func:`duplicates_kept_sql`).
    """
    d, v = parse_expr(dialect, cols["order_date"], "date"), parse_expr(dialect, cols["order_value"], "number")
    raw_d = f"CAST({column(cols['order_date'].name)} AS VARCHAR)"
    raw_v = f"CAST({column(cols['order_value'].name)} AS VARCHAR)"
    # Each parse appears once and the layers below only refer to its result: an expression
    # repeated inside a CASE is evaluated again for every row (DuckDB does not share it), and
    # TRIM and TRY_CAST are most of the cost of reading 10M rows.
    typed = (f"SELECT {_text(cols['customer_id'], dialect)} AS cid, {_text(cols['order_id'], dialect)} AS oid, "
             f"{d} AS d, {v} AS v, {_text(cols.get('segment'), dialect)} AS seg, "
             f"{_plain_flag(cols.get('identified'))} AS ident_p, {_other_words(cols.get('identified'), dialect)} "
             f"AS ident_w, {_plain_flag(cols.get('consent'))} AS cons_p, "
             f"{_other_words(cols.get('consent'), dialect)} AS cons_w, {raw_d} AS raw_d, {raw_v} AS raw_v FROM {source}")
    checked = (
        f"SELECT cid, oid, d, v, seg, COALESCE(ident_p, {_flag_of('ident_w')}) AS ident, "
        f"COALESCE(cons_p, {_flag_of('cons_w')}) AS cons, "
        "CASE WHEN cid IS NULL THEN 'missing_customer_id' WHEN oid IS NULL THEN 'missing_order_id' "
        "WHEN d IS NULL THEN 'unparsable_date' "
        "WHEN v IS NULL OR NOT (v - v = 0) THEN 'unparsable_value' "  # v − v = 0 is false for NaN and ±inf
        "WHEN v <= 0 THEN 'non_positive_value' END AS reason, raw_d, raw_v "
        f"FROM ({typed}) typed"
    )
    cols_out = "cid, oid, d, v, seg, ident, cons"
    key = dedupe_key(dialect, "oid")  # candidates by a 64-bit key, then the ids themselves
    return [
        f"CREATE TEMPORARY TABLE {ROWS} AS SELECT {cols_out}, reason, "
        "CASE WHEN reason = 'unparsable_date' THEN raw_d "
        "WHEN reason IN ('unparsable_value', 'non_positive_value') THEN raw_v END AS detail, "
        f"0 AS copy FROM ({checked}) checked",
        f"CREATE TEMPORARY TABLE {DUPLICATES} AS SELECT {cols_out}, k FROM (SELECT {cols_out}, "
        "ROW_NUMBER() OVER (PARTITION BY oid ORDER BY d, v, cid, seg NULLS LAST, ident NULLS LAST, "
        "cons NULLS LAST) AS k, COUNT(*) OVER (PARTITION BY oid) AS n "
        f"FROM {ROWS} WHERE reason IS NULL AND {key} IN "
        f"(SELECT {key} FROM {ROWS} WHERE reason IS NULL GROUP BY {key} HAVING COUNT(*) > 1)) candidates "
        "WHERE n > 1",
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
    typed = (f"SELECT {_text(cols['customer_id'], dialect)} AS cid, {d} AS d, {n} AS n, {raw_d} AS raw_d, "
             f"{raw_n} AS raw_n FROM {source}")
    return (
        f"CREATE TEMPORARY TABLE {VISITS} AS SELECT cid, d, n, reason, "
        "CASE WHEN reason = 'unparsable_date' THEN raw_d WHEN reason IN ('unparsable_visits', 'negative_visits') "
        "THEN raw_n END AS detail FROM (SELECT cid, d, n, raw_d, raw_n, "
        "CASE WHEN cid IS NULL THEN 'missing_customer_id' WHEN d IS NULL THEN 'unparsable_date' "
        "WHEN n IS NULL OR NOT (n - n = 0) THEN 'unparsable_visits' WHEN n < 0 THEN 'negative_visits' END AS reason "
        f"FROM ({typed}) typed) checked"
    )


def customer_rows_sql(dialect: str, source: str, cols: dict[str, Col | None]) -> str:
    """``CREATE TEMPORARY TABLE roi_customer_rows`` (``cid, seg, ident, cons, reason``): one row per
    customer file row; a repeated customer id keeps its first row by segment and flags."""
    typed = (f"SELECT {_text(cols['customer_id'], dialect)} AS cid, {_text(cols.get('segment'), dialect)} AS seg, "
             f"{_flag(cols.get('identified'), dialect)} AS ident, {_flag(cols.get('consent'), dialect)} AS cons "
             f"FROM {source}")
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


_DAY = 2 ** 40  # > any kind (4 × segments + 3)


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
    win = f"CASE WHEN d BETWEEN {literal(period.start)} AND {literal(period.end)} THEN 1 ELSE 0 END"
    since = literal(period.previous_start)
    rows = f"FROM {ROWS} WHERE reason IS NULL AND d BETWEEN {since} AND {literal(period.end)}"
    # A customer takes, per window, the segment and flags of their latest order, ties broken by
    # the larger segment and the smaller flags. Ranking each customer's orders, or grouping by
    # segment text, was the slowest part at 10M rows. Instead each segment gets a number in text
    # order (``codes``); segment and flags make one ``kind`` that grows with the segment and
    # shrinks with the flags (code × 4 + (1 − identified) × 2 + (1 − consent)); and the MAX of
    # day × 2⁴⁰ + kind over a customer's orders in a window gives the winning kind: the latest
    # day, then the largest kind. Days count from the start of the look-back (0 … 731), so it
    # never overflows. Integer arithmetic only — the same in DuckDB and PostgreSQL — and few
    # aggregates, since each is a random access into a table of millions of customers.
    parts = [
        f"codes AS (SELECT seg, ROW_NUMBER() OVER (ORDER BY seg) AS code FROM "
        f"(SELECT DISTINCT COALESCE(seg, {literal(BLANK_SEGMENT)}) AS seg {rows}) s)",
        f"w AS (SELECT r.cid, r.d, r.v, {win} AS win, CAST(r.d - {since} AS BIGINT) * {_DAY} + codes.code * 4 "
        "+ (1 - COALESCE(r.ident, 0)) * 2 + (1 - COALESCE(r.cons, 0)) AS top "
        f"FROM {ROWS} r JOIN codes ON codes.seg = COALESCE(r.seg, {literal(BLANK_SEGMENT)}) "
        f"WHERE r.reason IS NULL AND r.d BETWEEN {since} AND {literal(period.end)})",
        "agg AS MATERIALIZED (SELECT cid, win, COUNT(*) AS orders, SUM(v) AS revenue, MAX(d) AS last_d, "
        f"MAX(top) - CAST(MAX(d) - {since} AS BIGINT) * {_DAY} AS kind FROM w GROUP BY cid, win)",
        # the segment stays a number (code × 4) until the end; no join reorders the customers
        "cust AS (SELECT cid, win, kind - kind % 4 AS seg, CASE WHEN kind % 4 < 2 THEN 1 ELSE 0 END AS ident, "
        "CASE WHEN kind % 2 = 0 THEN 1 ELSE 0 END AS cons, orders, revenue, last_d FROM agg)",
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
    # a previous buyer who bought again in this period (a semi-join: cheaper than counting windows)
    parts.append("fin AS (SELECT cid, win, seg, ident, cons, orders, revenue, CASE WHEN win = 0 AND cid IN "
                 "(SELECT cid FROM agg WHERE win = 1) THEN 2 ELSE 1 END AS windows FROM segd)")
    visit_cols = "CAST(NULL AS INTEGER), CAST(NULL AS INTEGER)"
    join = ""
    if visits:
        parts.append(
            f"vc AS (SELECT cid, SUM(n) AS n FROM {VISITS} WHERE reason IS NULL "
            f"AND d BETWEEN {literal(period.start)} AND {literal(period.end)} GROUP BY cid)")
        join = " LEFT JOIN vc ON vc.cid = fin.cid AND fin.win = 1"
        visit_cols = ("SUM(CASE WHEN win = 1 THEN COALESCE(vc.n, 0) ELSE 0 END), "
                      "SUM(CASE WHEN win = 1 AND vc.n IS NULL THEN 1 ELSE 0 END)")
    sums = (
        "SELECT seg, SUM(CASE WHEN win = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN win = 1 THEN orders ELSE 0 END), "
        "SUM(CASE WHEN win = 1 THEN revenue ELSE 0 END), SUM(CASE WHEN win = 1 THEN ident ELSE 0 END), "
        "SUM(CASE WHEN win = 1 AND ident = 1 THEN cons ELSE 0 END), SUM(CASE WHEN win = 1 THEN cons ELSE 0 END), "
        "SUM(CASE WHEN win = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN win = 0 AND windows = 2 THEN 1 ELSE 0 END), "
        f"{visit_cols} FROM fin{join} GROUP BY seg LIMIT {limit}"
    )
    if segmentation == "column" and "segment" not in customers:  # the segments are still numbers: name them
        names = ", ".join(f"t.c{k}" for k in range(1, 11))
        sums = (f"SELECT codes.seg, {names} FROM ({sums}) AS t(seg, {names.replace('t.', '')}) "
                "JOIN codes ON codes.code * 4 = t.seg")
    return "WITH " + ",\n".join(parts) + "\n" + sums


def drop_sql() -> list[str]:
    """Statements that remove the temporary tables (also gone when the connection closes)."""
    return [f"DROP TABLE IF EXISTS {t}" for t in (ROWS, DUPLICATES, VISITS, CUSTOMERS)]
