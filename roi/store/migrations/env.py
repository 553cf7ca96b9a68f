"""Alembic environment of the scenario store.

Run on start by :func:`roi.store.migrate.upgrade` (which hands over its connection in
``config.attributes["connection"]``), or by hand for a new revision::

    .venv/bin/alembic -c roi/store/alembic.ini revision -m "what changes"   # then edit the file
    ROI_DATABASE_URL=… .venv/bin/alembic -c roi/store/alembic.ini upgrade head
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from roi.store.config import database_url
from roi.store.engine import make_engine, write_connection
from roi.store.models import Base

VERSION_TABLE = "roi_store_alembic_version"  # not alembic's default name: the database may be shared
ADVISORY_LOCK = 7_301_913  # PostgreSQL advisory lock key held while migrating (any constant)


def _configure_and_run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, version_table=VERSION_TABLE,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # several app replicas may start at once: one migrates, the others wait and then find
            # the schema current (alembic reads the version after this point)
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=database_url().render_as_string(hide_password=False), target_metadata=Base.metadata,
                      version_table=VERSION_TABLE, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = context.config.attributes.get("connection")
    if given is not None:
        _configure_and_run(given)
        return
    engine = make_engine(database_url())
    try:
        with write_connection(engine) as conn, conn.begin():
            _configure_and_run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
