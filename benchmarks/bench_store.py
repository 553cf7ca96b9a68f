"""Time the scenario store with 1,000 scenarios × 10 versions, on SQLite and on PostgreSQL.

Run: ``.venv/bin/python benchmarks/bench_store.py`` (``ROI_PG_PORT`` picks the port of the throwaway
PostgreSQL server that ``scripts/postgres.sh`` starts; ``ROI_BENCH_PG_URL`` names an existing one).
Aim (issue 13): save and load under 50 ms, list and history under 200 ms.

The library is filled in bulk (one multi-row insert per batch of scenario rows, each version a real
sample scenario JSON with its real change log), then the store's own API is timed:

* **save** — a new version on a scenario that has 10 (validation, diff against the parent, the
  transaction with its unique-constraint check);
* **load** — open a version (read, JSON parse, schema validation);
* **history** — every version of one scenario with its change log;
* **list** — all 1,000 scenarios, newest first; **search** — names containing a text.

Medians and 95th percentiles of repeated calls after a warm-up; SQLite is a file in a temporary
folder (WAL), PostgreSQL a local server (fsync off, as in the tests).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert  # noqa: E402

import roi  # noqa: E402
from roi.paths import set_value_at  # noqa: E402
from roi.store import ScenarioStore, diff  # noqa: E402
from roi.store.models import ScenarioRow, VersionRow  # noqa: E402
from roi.store.records import name_key  # noqa: E402
from roi.store.scratch import scratch_schema  # noqa: E402

SCENARIOS, VERSIONS = 1_000, 10
AIMS_MS = {"save": 50, "load": 50, "history": 200, "list": 200, "search": 200}


def _versions() -> list[tuple[str, str, int]]:
    """``(body, changes JSON, change count)`` of 10 successive versions of the retailer sample."""
    base = roi.load_sample("european_retailer")
    out, previous = [], base
    for k in range(VERSIONS):
        data = base.model_dump(mode="json")
        set_value_at(data, "settings.discount_rate", round(0.08 + k / 1000, 4))
        set_value_at(data, "initiatives[1].uplift.base", round(0.02 + k / 2000, 5))
        scenario = roi.parse_scenario(data)
        changes = [] if k == 0 else [c.to_dict() for c in diff(previous, scenario)]
        out.append((roi.dumps_scenario(scenario), json.dumps(changes), len(changes)))
        previous = scenario
    return out


def fill(store: ScenarioStore) -> list[str]:
    """1,000 scenarios of 10 versions each, inserted in bulk; returns their ids."""
    bodies = _versions()
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    ids = []
    with store.engine.begin() as conn:
        for batch in range(0, SCENARIOS, 100):
            rows, versions = [], []
            for i in range(batch, batch + 100):
                sid, when = uuid.uuid4().hex[:12], start + dt.timedelta(minutes=i)
                ids.append(sid)
                rows.append({"id": sid, "name": f"Case {i:04d}", "name_key": name_key(f"Case {i:04d}"),
                             "latest_version": VERSIONS, "created_at": when, "created_by": "bench",
                             "updated_at": when, "updated_by": "bench"})
                versions += [{"scenario_id": sid, "version": k + 1, "parent_version": k or None,
                              "schema_version": 1, "body": body, "author": "bench", "reason": f"step {k + 1}",
                              "changes": changes, "change_count": n, "created_at": when}
                             for k, (body, changes, n) in enumerate(bodies)]
            conn.execute(insert(ScenarioRow), rows)
            conn.execute(insert(VersionRow), versions)
    return ids


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def bench(label: str, url: str) -> list[tuple[str, str, float, float]]:
    store = ScenarioStore.open(url)
    t0 = time.perf_counter()
    ids = fill(store)
    print(f"{label}: filled {SCENARIOS:,} scenarios × {VERSIONS} versions in {time.perf_counter() - t0:.1f} s",
          flush=True)
    rng = random.Random(1)
    edited = roi.load_sample("european_retailer").model_dump(mode="json")
    targets = iter(rng.sample(ids, 200))

    def save() -> None:
        sid = next(targets)
        set_value_at(edited, "settings.benefit_risk_assumed", rng.randint(0, 50) / 100)
        store.save(sid, roi.parse_scenario(edited), base_version=store.get(sid).latest_version, author="bench")

    results = [
        ("save", *timed(save, 100)),
        ("load", *timed(lambda: store.load(rng.choice(ids), rng.randint(1, VERSIONS)), 200)),
        ("history", *timed(lambda: store.history(rng.choice(ids)), 200)),
        ("list", *timed(lambda: store.list(), 30)),
        ("search", *timed(lambda: store.list("case 09"), 30)),
    ]
    store.close()
    return [(label, op, med, p95) for op, med, p95 in results]


def _postgres() -> tuple[str | None, Callable[[], None], str]:
    """URL of a fresh schema on a PostgreSQL server, its clean-up, or ``None`` and why not."""
    url = os.environ.get("ROI_BENCH_PG_URL")
    started = False
    if not url:
        known = subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "url"], capture_output=True,
                               text=True, timeout=30).stdout.strip()
        try:  # a server already running (a test session's) is used and left running
            create_engine(known).connect().close()
            url = known
        except Exception:  # noqa: BLE001 - any failure means: start our own
            url = None
    if not url:
        out = subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "start"], capture_output=True,
                             text=True, timeout=600)
        if out.returncode != 0:
            return None, lambda: None, out.stderr.strip()[-300:]
        url, started = out.stdout.strip().splitlines()[-1], True
    scratch, drop = scratch_schema(url, "bench")

    def cleanup() -> None:
        drop()
        if started:
            subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "stop"], capture_output=True, timeout=120)

    return scratch, cleanup, ""


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += bench("SQLite", f"sqlite:///{tmp}/bench.db")
    url, cleanup, why = _postgres()
    if url is None:
        print(f"PostgreSQL skipped: {why}")
    else:
        try:
            rows += bench("PostgreSQL", url)
        finally:
            cleanup()
    print(f"\n{'database':<11} {'operation':<9} {'median ms':>10} {'p95 ms':>8} {'aim ms':>7}")
    slow = 0
    for label, op, med, p95 in rows:
        ok = med < AIMS_MS[op]
        slow += not ok
        print(f"{label:<11} {op:<9} {med:>10.1f} {p95:>8.1f} {AIMS_MS[op]:>7}{'' if ok else '  over the aim'}")
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
