"""The same baseline SQL inside the client's warehouse, through SQLAlchemy: only aggregates leave it.

Supported dialects: **PostgreSQL** (``postgresql+psycopg://user@host/db``; tested in CI against a
real server). The statements are those of :mod:`roi.baselines.sql` — temporary tables, window
functions, ``CASE`` — so a warehouse whose SQL accepts them needs only a branch in
:func:`roi.baselines.sql.parse_expr`; any other dialect is refused with a message, never guessed.
The user needs ``SELECT`` on the tables and the right to create temporary tables; nothing is
written to the warehouse's own schemas. Text dates must be ISO (``YYYY-MM-DD``, optionally with a
time); ``date``/``timestamp`` and numeric columns are used as they are.

``sqlalchemy`` is imported inside the functions: the CLI's other commands start without it.
"""

from __future__ import annotations

import re

from datetime import date
from typing import Any

from . import sql
from .errors import BaselineError
from .mapping import CustomersMapping, OrdersMapping, VisitsMapping
from .result import BaselineResult
from .run import Source, compute

SUPPORTED = ("postgresql",)


class SqlAlchemyExecutor:
    """Runs text SQL on one SQLAlchemy connection (temporary tables live as long as it does)."""

    def __init__(self, conn: Any, dialect: str):
        self.conn = conn
        self.dialect = dialect

    def execute(self, statement: str) -> None:
        self.conn.exec_driver_sql(self._escape(statement))
        created = re.match(r"\s*CREATE TEMPORARY TABLE (\w+)", statement)
        if created and self.dialect == "postgresql":
            # Autovacuum never analyses temporary tables: without statistics the planner guesses a
            # handful of rows and joins 100,000-row tables by nested loops (minutes, not seconds).
            self.conn.exec_driver_sql(f"ANALYZE {created[1]}")

    def fetch(self, statement: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.conn.exec_driver_sql(self._escape(statement)).fetchall()]

    def _escape(self, statement: str) -> str:
        # drivers with the "format"/"pyformat" paramstyle read % as a placeholder marker
        if self.conn.dialect.paramstyle in ("format", "pyformat"):
            return statement.replace("%", "%%")
        return statement


def _kind(sa_type: Any) -> str:
    from sqlalchemy import types

    if isinstance(sa_type, (types.Date, types.DateTime)):
        return "date"
    if isinstance(sa_type, (types.Numeric, types.Integer, types.Float)):
        return "number"
    return "text"


def table_source(engine: Any, table: str, *, where: str) -> Source:
    """The columns of ``table`` (``name`` or ``schema.name``) as a :class:`~roi.baselines.run.Source`."""
    from sqlalchemy import inspect

    schema, _, name = table.rpartition(".")
    inspector = inspect(engine)
    if not inspector.has_table(name, schema=schema or None):
        known = inspector.get_table_names(schema=schema or None)
        listing = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
        raise BaselineError([f"{where}: no table {table!r} in the database (tables: {listing or 'none'})"])
    columns = {c["name"]: _kind(c["type"]) for c in inspector.get_columns(name, schema=schema or None)}
    return Source(sql.ident(table), table, columns)


def _engine(url: str) -> Any:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise BaselineError([f"--database-url: not a usable SQLAlchemy URL ({str(exc).splitlines()[0][:200]})"]) \
            from None
    if engine.dialect.name not in SUPPORTED:
        engine.dispose()
        raise BaselineError([f"--database-url: the {engine.dialect.name} dialect is not supported "
                             f"(supported: {', '.join(SUPPORTED)})"])
    return engine


def baselines_from_database(
    url: str,
    table: str,
    mapping: OrdersMapping,
    *,
    period_end: date | None = None,
    segmentation: str = "auto",
    visits_table: str | None = None,
    visits_mapping: VisitsMapping | None = None,
    customers_table: str | None = None,
    customers_mapping: CustomersMapping | None = None,
    names: dict[str, str] | None = None,
) -> BaselineResult:
    """Audience baselines computed inside the warehouse at ``url`` from ``table`` (and optional
    visits and customers tables in the same database). See :func:`roi.baselines.run.compute`."""
    from sqlalchemy.exc import SQLAlchemyError

    engine = _engine(url)
    try:
        src = table_source(engine, table, where="--table")
        vsrc = table_source(engine, visits_table, where="--visits") if visits_table else None
        csrc = table_source(engine, customers_table, where="--customers") if customers_table else None
        with engine.connect() as conn:
            try:
                return compute(SqlAlchemyExecutor(conn, engine.dialect.name), src, mapping, period_end=period_end,
                               segmentation=segmentation, visits=vsrc, visits_mapping=visits_mapping,
                               customers=csrc, customers_mapping=customers_mapping, names=names,
                               engine=engine.dialect.name)
            finally:
                conn.rollback()  # nothing to keep: temporary tables only
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0][:300]
        raise BaselineError([f"--database-url: the warehouse refused the query ({detail})"]) from None
    finally:
        engine.dispose()
