"""Synthetic order (and visit) exports with a fixed seed: the sample in ``data/`` and benchmark files.

Usage::

    python scripts/make_orders.py                       # data/sample_orders.csv.gz + data/sample_visits.csv.gz
    python scripts/make_orders.py --rows 10000000 --out /tmp/orders_10m.parquet --no-visits

The orders look like a European omnichannel retailer's export over two calendar years
(2024-01-01 – 2025-12-31): ``order_id, customer_id, order_date, order_value, channel, region,
customer_type, identified, consent``. ``customer_type`` uses the segment names of
``data/european_retailer.json`` so the sample applies to that case by name. About 1% of the rows
are deliberately bad — a missing customer id, an unparsable date or value, a zero or negative
value, a repeated order row — so the import's exclusion report has something to show.

The visits file has one row per customer and quarter with at least one visit
(``customer_id, visit_date, visits``), consistent with each type's conversion rate.
Same ``--seed`` and ``--rows``, same bytes (gzip timestamps are fixed to 0).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
START = date(2024, 1, 1)
DAYS = 731  # 2024-01-01 … 2025-12-31 (2024 is a leap year)
ORDERS_PER_CUSTOMER = 4.0  # over the two years, on average

# name, share of customers, relative order rate, mean order value (EUR), identified, consent | identified,
# retention (chance a customer active in year 1 still buys in year 2), conversion per visit
TYPES = [
    ("Loyalty members", 0.25, 2.2, 68.0, 0.95, 0.80, 0.78, 0.045),
    ("Registered non-members", 0.35, 1.0, 61.0, 0.85, 0.60, 0.55, 0.030),
    ("Anonymous visitors", 0.40, 0.5, 55.0, 0.15, 0.50, 0.35, 0.012),
]
CHANNELS = np.array(["web", "app", "store"])
REGIONS = np.array(["North", "South", "East", "West", "Central"])
BAD_SHARE = 0.01


def _customers(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    shares = np.array([t[1] for t in TYPES])
    kind = rng.choice(len(TYPES), size=n, p=shares / shares.sum())
    ident = rng.random(n) < np.array([t[4] for t in TYPES])[kind]
    consent = ident & (rng.random(n) < np.array([t[5] for t in TYPES])[kind])
    # active in year 1, year 2, or both (retention decides whether a year-1 buyer returns)
    in_y1 = rng.random(n) < 0.6
    keep = rng.random(n) < np.array([t[6] for t in TYPES])[kind]
    in_y2 = np.where(in_y1, keep, True)
    return {"kind": kind, "ident": ident, "consent": consent, "in_y1": in_y1, "in_y2": in_y2,
            "region": rng.integers(0, len(REGIONS), n)}


CHUNK = 1_000_000  # rows generated and written at a time: 10M rows never sit in memory at once


def make_orders(rows: int, seed: int = 7) -> tuple[Iterator[pa.Table], dict[str, np.ndarray]]:
    """``rows`` order rows (including ~1% bad ones) as Arrow tables of up to :data:`CHUNK` rows,
    and the customers behind them (``orders`` per customer is filled as the chunks are drawn)."""
    rng = np.random.default_rng(seed)
    n_cust = max(1, int(rows / ORDERS_PER_CUSTOMER))
    cust = _customers(n_cust, rng)
    weight = np.array([t[2] for t in TYPES])[cust["kind"]] * (cust["in_y1"].astype(float) + cust["in_y2"])
    cust["orders"] = np.zeros(n_cust, dtype=np.int64)

    def chunks() -> Iterator[pa.Table]:
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            who = rng.choice(n_cust, size=n, p=weight / weight.sum())
            cust["orders"] += np.bincount(who, minlength=n_cust)
            yield _chunk(cust, who, start, rng)

    return chunks(), cust


def _chunk(cust: dict[str, np.ndarray], who: np.ndarray, start: int, rng: np.random.Generator) -> pa.Table:
    n = len(who)
    # a year the customer is active in, then a day in that year
    both = cust["in_y1"][who] & cust["in_y2"][who]
    year2 = np.where(both, rng.random(n) < 0.5, cust["in_y2"][who])
    day = np.where(year2, 366 + rng.integers(0, 365, n), rng.integers(0, 366, n))
    dates = (np.datetime64(START.isoformat()) + day.astype("timedelta64[D]")).astype(str)
    mean = np.array([t[3] for t in TYPES])[cust["kind"][who]]
    value = np.round(rng.lognormal(np.log(mean) - 0.18, 0.6), 2)  # lognormal mean = mean (σ²/2 = 0.18)
    value = np.maximum(value, 0.5)
    names = np.array([t[0] for t in TYPES])
    table = {
        "order_id": np.char.add("O", np.char.zfill(np.arange(start + 1, start + n + 1).astype(str), 9)),
        "customer_id": np.char.add("C", np.char.zfill(who.astype(str), 8)).astype("U12"),
        "order_date": dates.astype("U12"),
        "order_value": np.char.mod("%.2f", value).astype("U12"),
        "channel": CHANNELS[rng.integers(0, 3, n)],
        "region": REGIONS[cust["region"][who]],
        "customer_type": names[cust["kind"][who]],
        "identified": np.where(cust["ident"][who], "true", "false"),
        "consent": np.where(cust["consent"][who], "true", "false"),
    }
    _spoil(table, rng, n)
    return pa.table({k: pa.array(v, type=pa.string()) for k, v in table.items()})


def _spoil(table: dict[str, np.ndarray], rng: np.random.Generator, rows: int) -> None:
    """Make ~1% of the rows bad, in five kinds, so the exclusion report is exercised."""
    bad = rng.choice(rows, size=int(rows * BAD_SHARE), replace=False)
    kinds = np.array_split(bad, 6)
    table["customer_id"][kinds[0]] = ""  # written as an empty field
    table["order_date"][kinds[1]] = rng.choice(["31/12/2025", "not a date", "2025-02-30"], len(kinds[1]))
    table["order_value"][kinds[2]] = rng.choice(["n/a", "1.234,50", ""], len(kinds[2]))
    table["order_value"][kinds[3]] = rng.choice(["0", "0.00", "-12.50", "-59.90"], len(kinds[3]))
    # duplicates: a row exported twice (same order id and content as another row)
    src = kinds[4]
    dst = kinds[5][: len(src)]
    for col in table:
        table[col][dst] = table[col][src]


def make_visits(cust: dict[str, np.ndarray], seed: int = 7) -> pa.Table:
    """One row per customer and quarter with visits: buyers' visits ≈ orders ÷ their conversion rate."""
    rng = np.random.default_rng(seed + 1)
    n_cust = len(cust["kind"])
    quarters = [str(np.datetime64(f"{y}-{m:02d}-01")) for y in (2024, 2025) for m in (1, 4, 7, 10)]
    conv = np.array([t[7] for t in TYPES])[cust["kind"]]
    # expected visits per active customer-year: orders per year ÷ conversion, spread over 4 quarters
    orders = cust["orders"] / np.maximum(cust["in_y1"].astype(int) + cust["in_y2"], 1)
    ids, dates, counts = [], [], []
    for q, qdate in enumerate(quarters):
        active = cust["in_y1"] if q < 4 else cust["in_y2"]
        lam = np.where(active, orders / conv / 4, 0.3)
        n = rng.poisson(lam)
        keep = np.nonzero(n > 0)[0]
        ids.append(np.char.add("C", np.char.zfill(keep.astype(str), 8)))
        dates.append(np.full(len(keep), qdate))
        counts.append(n[keep].astype(str))
    return pa.table({"customer_id": np.concatenate(ids), "visit_date": np.concatenate(dates),
                     "visits": np.concatenate(counts)})


def write(tables: Iterator[pa.Table] | pa.Table, out: Path) -> int:
    """Write CSV (``.csv``), gzip CSV with a fixed header timestamp (``.csv.gz``) or Parquet
    (``.parquet``) chunk by chunk; returns the rows written."""
    if isinstance(tables, pa.Table):
        tables = iter([tables])
    out.parent.mkdir(parents=True, exist_ok=True)
    name = out.name.lower()
    options = pacsv.WriteOptions(quoting_style="needed")
    rows = 0
    first = next(tables)
    if name.endswith(".parquet"):
        with pq.ParquetWriter(out, first.schema, compression="zstd") as w:
            for t in itertools.chain([first], tables):
                w.write_table(t)
                rows += t.num_rows
    elif name.endswith(".csv.gz") or name.endswith(".csv"):
        with open(out, "wb") as fh:
            sink = gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") if name.endswith(".gz") else fh
            with pacsv.CSVWriter(sink, first.schema, write_options=options) as w:
                for t in itertools.chain([first], tables):
                    w.write_table(t)
                    rows += t.num_rows
            if sink is not fh:
                sink.close()
    else:
        raise SystemExit(f"--out: {out} must end in .csv, .csv.gz or .parquet")
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=100_000, help="order rows (default 100,000)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", type=Path, default=ROOT / "data" / "sample_orders.csv.gz")
    p.add_argument("--visits-out", type=Path, default=ROOT / "data" / "sample_visits.csv.gz")
    p.add_argument("--no-visits", action="store_true", help="write the orders only")
    args = p.parse_args(argv)
    if args.rows < 1:
        print("--rows: must be at least 1", file=sys.stderr)
        return 2
    orders, cust = make_orders(args.rows, args.seed)
    print(f"{args.out}: {write(orders, args.out):,} orders")
    if not args.no_visits:
        visits = make_visits(cust, args.seed)
        write(visits, args.visits_out)
        print(f"{args.visits_out}: {visits.num_rows:,} visit rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
