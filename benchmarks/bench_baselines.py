"""Audience baselines at scale: DuckDB against a straightforward pandas groupby, 1M and 10M rows.

Run: ``.venv/bin/python benchmarks/bench_baselines.py`` (add ``--rows 1000000`` for a quick run;
``--rows 10000000 --no-pandas --formats parquet`` times one case).
Synthetic orders (``scripts/make_orders.py``, seed 7, ~1% bad rows) are written once to
``--dir`` (default ``$TMPDIR/roi-bench``) as CSV and Parquet. Each measurement runs in a fresh
process, so its peak memory (``ru_maxrss``) is its own. Both engines compute the same baselines
(segment column, flags, the 12 months ending on the last order date, retention against the 12
months before) and the script checks they agree. Aim (issue 14): 10M rows under 10 s, peak memory
under 4 GB, faster than pandas. Timings are printed, never asserted, each with the DuckDB run's CPU
time and the machine's 1-minute load average before it: on a shared machine the wall time says as
much about the neighbours as about the code.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLUMNS = dict(customer_id="customer_id", order_id="order_id", order_date="order_date", order_value="order_value",
               segment="customer_type", identified="identified", consent="consent")


def ensure_files(rows: int, folder: Path) -> dict[str, Path]:
    """The benchmark's CSV and Parquet files for ``rows`` orders (generated once, in a child process
    so this process stays small: a child's peak memory is measured from its own start)."""
    paths = {"csv": folder / f"orders_{rows}.csv", "parquet": folder / f"orders_{rows}.parquet"}
    for fmt, path in paths.items():
        if not path.exists():
            t0 = time.perf_counter()
            part = path.with_name(f"part_{path.name}")
            subprocess.run([sys.executable, str(ROOT / "scripts" / "make_orders.py"), "--rows", str(rows),
                            "--out", str(part), "--no-visits"], check=True, capture_output=True)
            part.replace(path)
            print(f"  wrote {path} ({path.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - t0:.0f} s",
                  flush=True)
    return paths


def run_duckdb(path: str) -> dict:
    from roi.baselines import OrdersMapping, baselines_from_files

    r = baselines_from_files(path, OrdersMapping(**COLUMNS))
    return {s.name: [s.customers, s.orders, round(s.revenue, 2), s.cohort, s.retained] for s in r.segments}


def run_pandas(path: str) -> dict:
    """The same baselines the obvious pandas way: parse, drop bad rows, dedupe, group."""
    import pandas as pd

    cols = list(COLUMNS.values())
    df = pd.read_parquet(path, columns=cols) if path.endswith(".parquet") else pd.read_csv(path, usecols=cols,
                                                                                           dtype=str)
    df["d"] = pd.to_datetime(df["order_date"], format="%Y-%m-%d", errors="coerce")
    df["v"] = pd.to_numeric(df["order_value"], errors="coerce")
    ok = df["customer_id"].notna() & (df["customer_id"] != "") & df["order_id"].notna() & df["d"].notna() \
        & df["v"].notna() & (df["v"] > 0)
    df = df[ok].sort_values(["order_id", "d", "v", "customer_id"]).drop_duplicates("order_id")
    end = df["d"].max()
    start = end - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    prev_start = start - pd.DateOffset(years=1)
    df = df[df["d"] >= prev_start]
    df["win"] = (df["d"] >= start).astype(int)
    df = df.sort_values(["customer_id", "win", "d", "customer_type"])
    cust = df.groupby(["customer_id", "win"], sort=False).agg(
        seg=("customer_type", "last"), orders=("v", "size"), revenue=("v", "sum")).reset_index()
    both = cust.groupby("customer_id")["win"].transform("size") == 2
    cur, prev = cust[cust["win"] == 1], cust[cust["win"] == 0].assign(back=both[cust["win"] == 0])
    a = cur.groupby("seg").agg(customers=("customer_id", "size"), orders=("orders", "sum"), revenue=("revenue", "sum"))
    b = prev.groupby("seg").agg(cohort=("customer_id", "size"), retained=("back", "sum"))
    out = a.join(b, how="outer").fillna(0)
    return {k: [int(r.customers), int(r.orders), round(float(r.revenue), 2), int(r.cohort), int(r.retained)]
            for k, r in out.iterrows()}


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not carry the parent's over
    fork and exec); ru_maxrss where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """User + system CPU time of this process, all threads."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _load() -> float | None:
    """The 1-minute load average (None where /proc is missing)."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def child(engine: str, path: str) -> None:
    t0, c0 = time.perf_counter(), _cpu_seconds()
    result = (run_duckdb if engine == "duckdb" else run_pandas)(path)
    seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    peak_mb = _peak_rss_mb()
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "result": result}))


def measure(engine: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", engine, str(path)], capture_output=True, text=True,
                         cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"{engine} on {path} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _agree(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[k][:2] == b[k][:2] and a[k][3:] == b[k][3:] and abs(a[k][2] - b[k][2]) <= 1e-6 * max(1, a[k][2]) for k in a)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    p.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "roi-bench")
    p.add_argument("--no-pandas", action="store_true", help="time DuckDB only")
    p.add_argument("--formats", nargs="+", choices=["csv", "parquet"], default=["csv", "parquet"])
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(*args.child)
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"{'rows':>11} {'format':>8} {'load':>5} {'duckdb s':>9} {'cpu s':>6} {'peak MB':>8} {'pandas s':>9} "
          f"{'peak MB':>8} {'pandas/duckdb':>13}  same result")
    for rows in args.rows:
        for fmt, path in ensure_files(rows, args.dir).items():
            if fmt not in args.formats:
                continue
            load = _load()
            d = measure("duckdb", path)
            line = (f"{rows:>11,} {fmt:>8} {'?' if load is None else f'{load:.2f}':>5} {d['seconds']:>9.2f} "
                    f"{d['cpu']:>6.1f} {d['peak_mb']:>8,.0f}")
            if not args.no_pandas:
                pd_ = measure("pandas", path)
                line += (f" {pd_['seconds']:>9.2f} {pd_['peak_mb']:>8,.0f} {pd_['seconds'] / d['seconds']:>12.1f}×  "
                         f"{'yes' if _agree(d['result'], pd_['result']) else 'NO'}")
            print(line, flush=True)


if __name__ == "__main__":
    main()
