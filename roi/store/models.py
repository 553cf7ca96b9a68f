"""Tables of the scenario store (SQLAlchemy 2 typed ORM): scenarios and their immutable versions.

The migrations in ``migrations/versions`` create exactly these tables; a test compares them.
Table names start with ``roi_`` so the store can share a database with other applications.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
MAX_NAME = 200  # characters of a scenario's name in the library
MAX_AUTHOR = 100
MAX_REASON = 2_000
ID_LENGTH = 16
LIVE = text("deleted_at IS NULL")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ScenarioRow(Base):
    """One scenario in the library. ``latest_version`` mirrors the highest version row, so listing
    needs no join; the versions' unique constraint, not this column, decides concurrent saves."""

    __tablename__ = "roi_scenarios"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)  # random, URL-safe (?s=<id>)
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    name_key: Mapped[str] = mapped_column(String(MAX_NAME))  # case-folded name: unique among live rows
    latest_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(MAX_AUTHOR))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # when the latest version was saved
    updated_by: Mapped[str] = mapped_column(String(MAX_AUTHOR))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # soft delete
    deleted_by: Mapped[str | None] = mapped_column(String(MAX_AUTHOR))
    branched_from_id: Mapped[str | None] = mapped_column(ForeignKey("roi_scenarios.id"))
    branched_from_version: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        # a name is unique among the scenarios not deleted (a deleted one frees its name)
        Index("uq_roi_scenarios_live_name", "name_key", unique=True, sqlite_where=LIVE, postgresql_where=LIVE),
        Index("ix_roi_scenarios_updated_at", "updated_at"),
    )


class VersionRow(Base):
    """One saved version: the scenario JSON as saved, and what changed against its parent."""

    __tablename__ = "roi_scenario_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("roi_scenarios.id"))
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, … per scenario
    parent_version: Mapped[int | None] = mapped_column(Integer)  # the version this save was based on
    schema_version: Mapped[int] = mapped_column(Integer)  # the scenario JSON's schema_version
    body: Mapped[str] = mapped_column(Text)  # roi.dumps_scenario(scenario)
    author: Mapped[str] = mapped_column(String(MAX_AUTHOR))
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(Text)  # JSON list of {path, old, new} against the parent
    change_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # optimistic concurrency: two saves on the same base both try version n + 1; the database
        # lets exactly one of them in
        UniqueConstraint("scenario_id", "version"),
    )
