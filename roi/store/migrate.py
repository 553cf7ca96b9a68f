"""Schema migrations, run when a store opens: the database is brought to the newest revision.

Alembic's migration scripts live in ``roi/store/migrations``; the configuration is built here in
code (``alembic.ini`` beside it is only for maintainers writing a new revision).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from .engine import write_connection
from .records import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "roi_store_alembic_version"  # keep equal to migrations/env.py


def alembic_config() -> Config:
    """Alembic configuration pointing at the package's migration scripts."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current(engine: Engine) -> str | None:
    """The database's revision (``None`` for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the database to :func:`head` in one transaction (nothing to do when it is there).

    A database newer than the code (written by a later release) is refused with a clear message
    rather than used: the code would not know its tables.
    """
    now, newest = current(engine), head()
    if now == newest:
        return
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if now is not None and now not in known:
        raise StoreError(f"database: the scenario store is at schema revision {now}, newer than this "
                         f"app knows ({newest}); upgrade the app")
    cfg = alembic_config()
    # one transaction, begun here: on SQLite it holds the write lock (BEGIN IMMEDIATE), so two
    # processes starting at once migrate one after the other; alembic joins it
    with write_connection(engine) as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
