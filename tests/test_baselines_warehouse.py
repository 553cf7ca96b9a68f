"""The warehouse path: the same SQL inside PostgreSQL gives the same baselines as DuckDB on the file."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from roi.baselines import BaselineError, OrdersMapping, VisitsMapping, baselines_from_files
from roi.baselines.warehouse import baselines_from_database

from .baseline_data import HEADER, ORDERS, orders_csv

ROOT = Path(__file__).resolve().parent.parent
SAMPLE, SAMPLE_VISITS = ROOT / "data" / "sample_orders.csv.gz", ROOT / "data" / "sample_visits.csv.gz"
SAMPLE_COLUMNS = ["order_id", "customer_id", "order_date", "order_value", "channel", "region", "customer_type",
                  "identified", "consent"]
FULL = OrdersMapping("customer_id", "order_id", "order_date", "order_value", segment="customer_type",
                     identified="identified", consent="consent")
RFM = OrdersMapping("customer_id", "order_id", "order_date", "order_value")
VISITS = VisitsMapping("customer_id", "visit_date", "visits")


def _copy(conn, table: str, columns: str, data: bytes) -> None:
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(f"CREATE TABLE {table} ({columns})")
    with conn.cursor().copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)") as cp:
        cp.write(data)


@pytest.fixture(scope="module")
def warehouse(postgres_url):
    """The sample as a raw landing table (every column text) and visits with typed columns."""
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(postgres_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        _copy(conn, "bl_sample_orders", ", ".join(f"{c} text" for c in SAMPLE_COLUMNS),
              gzip.decompress(SAMPLE.read_bytes()))
        _copy(conn, "bl_sample_visits", "customer_id text, visit_date date, visits integer",
              gzip.decompress(SAMPLE_VISITS.read_bytes()))
        hand = "\n".join([",".join(HEADER)] + [",".join(r) for r in ORDERS]).encode()
        _copy(conn, "bl_hand_orders", ", ".join(f'"{c}" text' for c in HEADER), hand)
        # the same hand data with typed columns, as a modelled warehouse table would hold it
        conn.execute("DROP TABLE IF EXISTS bl_hand_typed")
        conn.execute("CREATE TABLE bl_hand_typed AS SELECT order_id, customer_id, "
                     "CASE WHEN order_date ~ '^2025-13' THEN NULL ELSE order_date::date END AS order_date, "
                     "CASE WHEN order_value ~ '^-?[0-9]+$' THEN order_value::numeric(12,2) END AS order_value, "
                     "tier, known, optin FROM bl_hand_orders")
    return postgres_url


def _same(a, b) -> None:
    assert [s.name for s in a.segments] == [s.name for s in b.segments]
    for x, y in zip(a.segments, b.segments):
        assert (x.customers, x.orders, x.cohort, x.retained, x.identified, x.consented, x.visits) == \
            (y.customers, y.orders, y.cohort, y.retained, y.identified, y.consented, y.visits), x.name
        assert x.revenue == pytest.approx(y.revenue, rel=1e-12)  # sums in another order
    assert (a.rows_read, a.rows_used, a.rows_previous, a.rows_outside, a.rows_excluded, a.period) == \
        (b.rows_read, b.rows_used, b.rows_previous, b.rows_outside, b.rows_excluded, b.period)
    assert [(e.reason, e.rows, e.examples) for e in a.exclusions] == [(e.reason, e.rows, e.examples)
                                                                      for e in b.exclusions]


@pytest.mark.parametrize("mapping", [FULL, RFM], ids=["segment column", "rfm"])
def test_postgres_and_duckdb_give_the_same_baselines_on_the_sample(warehouse, mapping):
    pg = baselines_from_database(warehouse, "bl_sample_orders", mapping, visits_table="bl_sample_visits",
                                 visits_mapping=VISITS)
    duck = baselines_from_files(SAMPLE, mapping, visits=SAMPLE_VISITS, visits_mapping=VISITS)
    assert pg.engine == "postgresql" and duck.engine == "duckdb"
    _same(pg, duck)
    assert pg.rows_excluded == 834 and len(pg.segments) >= 3


@pytest.mark.parametrize("table", ["bl_hand_orders", "public.bl_hand_typed"])
def test_hand_dataset_in_postgres_matches_the_hand_values(warehouse, tmp_path, table):
    m = OrdersMapping("customer_id", "order_id", "order_date", "order_value", segment="tier",
                      identified="known", consent="optin")
    pg = baselines_from_database(warehouse, table, m)
    gold = next(s for s in pg.segments if s.name == "Gold")
    assert (gold.customers, gold.orders, gold.revenue, gold.cohort, gold.retained) == (2, 4, 200.0, 2, 1)
    if table == "bl_hand_orders":  # the text table keeps the raw values for the examples
        _same(pg, baselines_from_files(orders_csv(tmp_path), m))


def test_unknown_table_and_unsupported_dialect_are_messages(warehouse):
    with pytest.raises(BaselineError) as exc:
        baselines_from_database(warehouse, "no_such_table", RFM)
    assert exc.value.problems[0].startswith("--table: no table 'no_such_table' in the database (tables: ")
    with pytest.raises(BaselineError) as exc:
        baselines_from_database("sqlite://", "orders", RFM)
    assert exc.value.problems == ["--database-url: the sqlite dialect is not supported (supported: postgresql)"]
    with pytest.raises(BaselineError) as exc:
        baselines_from_database("not a url", "orders", RFM)
    assert exc.value.problems[0].startswith("--database-url: not a usable SQLAlchemy URL")
