"""SQLAlchemy engines for the store: SQLite tuned for several writers, any other URL as given.

SQLite takes one writer at a time. A plain ``BEGIN`` starts a reader that fails with "database is
locked" when it later tries to write after another writer has committed, and no timeout helps.
So every write transaction starts with ``BEGIN IMMEDIATE`` (the write lock up front, waiting up to
:data:`SQLITE_BUSY_SECONDS` for it) while reads keep a deferred ``BEGIN``; WAL lets readers run
beside the writer. The pysqlite driver's own transaction handling is switched off so that these
statements are the ones sent (SQLAlchemy's documented recipe for "serializable isolation").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL

SQLITE_BUSY_SECONDS = 30  # how long a writer waits for another writer to finish
WRITE = "roi_write"  # execution option: this connection's next transaction writes


def make_engine(url: URL, **kwargs: Any) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created first."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    # pre-ping: a pooled connection the server dropped (restart, failover) is replaced, not raised
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_engine(url: URL, **kwargs: Any) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False},
                           **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we send BEGIN ourselves (see the module docstring)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; safe with WAL
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

    return engine


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """A connection whose transaction takes the write lock at once on SQLite (no-op elsewhere).

    Use as ``with write_connection(engine) as conn, conn.begin(): …``.
    """
    with engine.connect() as conn:
        yield conn.execution_options(**{WRITE: True})
