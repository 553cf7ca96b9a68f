"""DuckDB on one machine: the baseline SQL over CSV, Parquet or Excel files, out of core.

DuckDB reads CSV and Parquet straight from disk (every CSV column as text, so a bad value is a
reported row, not a failed import), keeps its working set under a memory limit and spills to a
temporary directory beyond it. Settings, each overridable by an environment variable:

==================== ============================ =========================================
setting              default                      environment variable
==================== ============================ =========================================
memory limit         ``2GB``                      ``ROI_DUCKDB_MEMORY_LIMIT``
threads              the machine's cores          ``ROI_DUCKDB_THREADS``
temporary directory  a fresh one under $TMPDIR    ``ROI_DUCKDB_TEMP_DIR`` (its parent)
==================== ============================ =========================================

``duckdb`` is imported inside the functions: the CLI's other commands start without it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from . import sql
from .errors import BaselineError
from .files import check_file, read_xlsx
from .mapping import CustomersMapping, OrdersMapping, VisitsMapping
from .result import BaselineResult
from .run import Source, compute

DEFAULT_MEMORY_LIMIT = "2GB"


class DuckExecutor:
    """Runs text SQL on a DuckDB connection (the :class:`~roi.baselines.run.Executor` protocol)."""

    dialect = "duckdb"

    def __init__(self, con: Any):
        self.con = con

    def execute(self, statement: str) -> None:
        self.con.execute(statement)

    def fetch(self, statement: str) -> list[tuple[Any, ...]]:
        return self.con.execute(statement).fetchall()


@contextmanager
def connect(memory_limit: str | None = None, threads: int | None = None) -> Iterator[Any]:
    """An in-memory DuckDB connection with a memory limit and its own spill directory (removed after)."""
    import duckdb

    parent = os.environ.get("ROI_DUCKDB_TEMP_DIR") or None
    spill = tempfile.mkdtemp(prefix="roi-duckdb-", dir=parent)
    threads = threads or int(os.environ.get("ROI_DUCKDB_THREADS") or 0) or os.cpu_count() or 2
    config = {
        "memory_limit": memory_limit or os.environ.get("ROI_DUCKDB_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT,
        "threads": threads,
        "temp_directory": spill,
        "preserve_insertion_order": False,  # no row order is needed; lets large scans stream
        "autoinstall_known_extensions": False,  # never reach for the network
    }
    con = duckdb.connect(config=config)
    try:
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _reader(path: Path, kind: str, gz: bool) -> str:
    p = sql.literal(str(path))
    if kind == "parquet":
        return f"read_parquet({p})"
    options = "header = true, all_varchar = true, sample_size = 20480"
    if gz and not str(path).lower().endswith(".gz"):
        options += ", compression = 'gzip'"
    return f"read_csv({p}, {options})"


_TYPE_KINDS = {"DATE": "date", "TIMESTAMP": "date", "TIMESTAMP WITH TIME ZONE": "date", "TIMESTAMP_NS": "date",
               "TIMESTAMP_MS": "date", "TIMESTAMP_S": "date"}
_NUMBER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "FLOAT", "DOUBLE", "REAL", "DECIMAL")


def _kind(duck_type: str) -> str:
    t = duck_type.upper()
    if t in _TYPE_KINDS:
        return _TYPE_KINDS[t]
    return "number" if t.startswith(_NUMBER_TYPES) else "text"


def register(con: Any, path: str | Path, *, view: str, where: str, name: str | None = None,
             max_bytes: int | None = None) -> Source:
    """Check the file and expose it to SQL as ``view``; returns its :class:`~roi.baselines.run.Source`."""
    import duckdb

    path = Path(path)
    label = name or path.name
    kind = check_file(path, where=where, name=label, max_bytes=max_bytes)
    try:
        if kind == "xlsx":
            con.register(f"{view}_arrow", read_xlsx(path, where=where, name=label))
            con.execute(f"CREATE OR REPLACE TEMPORARY VIEW {view} AS SELECT * FROM {view}_arrow")
        else:
            with path.open("rb") as fh:
                gz = fh.read(2) == b"\x1f\x8b"
            con.execute(f"CREATE OR REPLACE TEMPORARY VIEW {view} AS SELECT * FROM {_reader(path, kind, gz)}")
        described = con.execute(f"DESCRIBE SELECT * FROM {view}").fetchall()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0][:300]
        raise BaselineError([f"{where}: {label} could not be read as {kind.upper()} ({first})"]) from None
    return Source(view, label, {row[0]: _kind(str(row[1])) for row in described})


def file_columns(path: str | Path, *, where: str = "orders", name: str | None = None,
                 max_bytes: int | None = None) -> list[str]:
    """The column names of a file (for the mapping step); :class:`BaselineError` if unreadable."""
    with connect(memory_limit="512MB", threads=1) as con:
        return list(register(con, path, view="roi_peek", where=where, name=name, max_bytes=max_bytes).columns)


def baselines_from_files(
    orders: str | Path,
    mapping: OrdersMapping,
    *,
    orders_name: str | None = None,
    period_end: date | None = None,
    segmentation: str = "auto",
    visits: str | Path | None = None,
    visits_mapping: VisitsMapping | None = None,
    visits_name: str | None = None,
    customers: str | Path | None = None,
    customers_mapping: CustomersMapping | None = None,
    customers_name: str | None = None,
    max_bytes: int | None = None,
    names: dict[str, str] | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> BaselineResult:
    """Audience baselines from an orders file (and optional visits and customers files) with DuckDB.

    ``*_name`` is the file name shown to the user (an upload is stored under another);
    ``max_bytes`` refuses larger files. See :func:`roi.baselines.run.compute` for the rest.
    """
    import duckdb

    with connect(memory_limit, threads) as con:
        src = register(con, orders, view="roi_src_orders", where="orders", name=orders_name, max_bytes=max_bytes)
        vsrc = csrc = None
        if visits is not None:
            vsrc = register(con, visits, view="roi_src_visits", where="--visits", name=visits_name,
                            max_bytes=max_bytes)
        if customers is not None:
            csrc = register(con, customers, view="roi_src_customers", where="--customers", name=customers_name,
                            max_bytes=max_bytes)
        try:
            return compute(DuckExecutor(con), src, mapping, period_end=period_end, segmentation=segmentation,
                           visits=vsrc, visits_mapping=visits_mapping, customers=csrc,
                           customers_mapping=customers_mapping, names=names)
        except duckdb.OutOfMemoryException as exc:
            raise BaselineError([f"orders: DuckDB ran out of memory ({str(exc).splitlines()[0][:200]}); raise "
                                 "ROI_DUCKDB_MEMORY_LIMIT or point ROI_DUCKDB_TEMP_DIR at a larger disk"]) from None
        except duckdb.Error as exc:
            raise BaselineError([f"orders: {src.label} could not be read ({str(exc).strip().splitlines()[0][:300]})"]) \
                from None
