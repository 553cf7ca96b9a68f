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
import io
import sys
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


def make_orders(rows: int, seed: int = 7) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """``rows`` order rows (including ~1% bad ones) and the customers behind them."""
    rng = np.random.default_rng(seed)
    n_cust = max(1, int(rows / ORDERS_PER_CUSTOMER))
    cust = _customers(n_cust, rng)
    weight = np.array([t[2] for t in TYPES])[cust["kind"]] * (cust["in_y1"].astype(float) + cust["in_y2"])
    who = rng.choice(n_cust, size=rows, p=weight / weight.sum())
    # a year the customer is active in, then a day in that year
    both = cust["in_y1"][who] & cust["in_y2"][who]
    year2 = np.where(both, rng.random(rows) < 0.5, cust["in_y2"][who])
    day = np.where(year2, 366 + rng.integers(0, 365, rows), rng.integers(0, 366, rows))
    dates = (np.datetime64(START.isoformat()) + day.astype("timedelta64[D]")).astype(str)
    mean = np.array([t[3] for t in TYPES])[cust["kind"][who]]
    value = np.round(rng.lognormal(np.log(mean) - 0.18, 0.6), 2)  # lognormal mean = mean (σ²/2 = 0.18)
    value = np.maximum(value, 0.5)
    names = np.array([t[0] for t in TYPES])
    table = {
        "order_id": np.char.add("O", np.char.zfill(np.arange(1, rows + 1).astype(str), 9)),
        "customer_id": np.char.add("C", np.char.zfill(who.astype(str), 8)),
        "order_date": dates,
        "order_value": np.char.mod("%.2f", value),
        "channel": CHANNELS[rng.integers(0, 3, rows)],
        "region": REGIONS[cust["region"][who]],
        "customer_type": names[cust["kind"][who]],
        "identified": np.where(cust["ident"][who], "true", "false"),
        "consent": np.where(cust["consent"][who], "true", "false"),
    }
    table = {k: v.astype(object) for k, v in table.items()}
    _spoil(table, rng, rows)
    return pa.table({k: pa.array(v, type=pa.string()) for k, v in table.items()}), {**cust, "who": who}


def _spoil(table: dict[str, np.ndarray], rng: np.random.Generator, rows: int) -> None:
    """Make ~1% of the rows bad, in five kinds, so the exclusion report is exercised."""
    bad = rng.choice(rows, size=int(rows * BAD_SHARE), replace=False)
    kinds = np.array_split(bad, 6)
    table["customer_id"][kinds[0]] = None
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
    who = cust["who"]
    n_cust = len(cust["kind"])
    quarters = [str(np.datetime64(f"{y}-{m:02d}-01")) for y in (2024, 2025) for m in (1, 4, 7, 10)]
    conv = np.array([t[7] for t in TYPES])[cust["kind"]]
    # expected visits per active customer-year: orders per year ÷ conversion, spread over 4 quarters
    orders = np.bincount(who, minlength=n_cust) / np.maximum(cust["in_y1"].astype(int) + cust["in_y2"], 1)
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


def write(table: pa.Table, out: Path) -> None:
    """CSV (``.csv``), gzip CSV with a fixed header timestamp (``.csv.gz``) or Parquet (``.parquet``)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    name = out.name.lower()
    if name.endswith(".parquet"):
        pq.write_table(table, out, compression="zstd")
    elif name.endswith(".csv.gz"):
        buf = io.BytesIO()
        pacsv.write_csv(table, buf, pacsv.WriteOptions(quoting_style="needed"))
        with open(out, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
            gz.write(buf.getvalue())
    elif name.endswith(".csv"):
        pacsv.write_csv(table, out, pacsv.WriteOptions(quoting_style="needed"))
    else:
        raise SystemExit(f"--out: {out} must end in .csv, .csv.gz or .parquet")


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
    write(orders, args.out)
    print(f"{args.out}: {orders.num_rows:,} orders")
    if not args.no_visits:
        visits = make_visits(cust, args.seed)
        write(visits, args.visits_out)
        print(f"{args.visits_out}: {visits.num_rows:,} visit rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
