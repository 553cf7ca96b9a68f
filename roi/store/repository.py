"""The scenario store: one small interface over SQLAlchemy for the pages and the CLI.

Every save writes a new immutable version; nothing is ever updated in place but the scenario's
name, its soft-delete mark and the ``latest_version`` mirror. Concurrency is optimistic: a save
names the version it was based on and tries to insert ``base + 1``; the unique constraint on
``(scenario_id, version)`` lets exactly one of several simultaneous saves in, and the others get
a :class:`~roi.store.records.ConflictError` listing what was saved since their base. Each write is
one transaction: a crash mid-save leaves the database as it was before that save.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from ..schema import Scenario
from .codec import decode, encode
from .config import database_url, safe_url
from .diff import Change, applied_tests, diff, plain
from .engine import make_engine, write_connection
from .migrate import upgrade
from .models import ID_LENGTH, MAX_REASON, ScenarioRow, VersionRow
from .records import (
    ConflictError,
    NameTakenError,
    NotFoundError,
    ScenarioInfo,
    StoredScenarioError,
    StoreError,
    StoredVersion,
    VersionInfo,
    clean_author,
    clean_name,
    clean_reason,
    name_key,
)

_SCENARIO_COLUMNS = (ScenarioRow.id, ScenarioRow.name, ScenarioRow.latest_version, ScenarioRow.created_at,
                     ScenarioRow.created_by, ScenarioRow.updated_at, ScenarioRow.updated_by, ScenarioRow.deleted_at,
                     ScenarioRow.branched_from_id, ScenarioRow.branched_from_version)
_VERSION_COLUMNS = (VersionRow.scenario_id, VersionRow.version, VersionRow.parent_version, VersionRow.schema_version,
                    VersionRow.author, VersionRow.reason, VersionRow.created_at, VersionRow.changes)


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    # SQLite keeps no time zone: the store writes UTC, so a naive value read back is UTC
    if when is None:
        return None
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _scenario_info(row: Any) -> ScenarioInfo:
    return ScenarioInfo(id=row.id, name=row.name, latest_version=row.latest_version,
                        created_at=_utc(row.created_at), created_by=row.created_by,  # type: ignore[arg-type]
                        updated_at=_utc(row.updated_at), updated_by=row.updated_by,  # type: ignore[arg-type]
                        deleted_at=_utc(row.deleted_at), branched_from_id=row.branched_from_id,
                        branched_from_version=row.branched_from_version)


def _changes(text: str) -> list[Change]:
    try:
        return [Change.from_dict(c) for c in json.loads(text)]
    except (ValueError, TypeError, KeyError, AttributeError):  # a damaged log must not hide the version
        return [Change("", "the change log of this version is unreadable", None)]


def _version_info(row: Any) -> VersionInfo:
    return VersionInfo(scenario_id=row.scenario_id, version=row.version, parent_version=row.parent_version,
                       schema_version=row.schema_version, author=row.author, reason=row.reason,
                       created_at=_utc(row.created_at), changes=_changes(row.changes))  # type: ignore[arg-type]


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its wildcards taken literally (escape ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ScenarioStore:
    """Saved scenarios and their versions in one database (see the module docstring).

    Open with :meth:`open` (the URL from ``ROI_DATABASE_URL`` or the local SQLite file; migrations
    are applied). Every method raises :class:`~roi.store.records.StoreError` subclasses with a
    message naming the field, never a driver exception.
    """

    def __init__(self, engine: Engine, *, clock: Callable[[], dt.datetime] = _now):
        self.engine = engine
        self._clock = clock

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True) -> ScenarioStore:
        """The store at ``url`` (default: ``$ROI_DATABASE_URL``, else ``.roi/scenarios.db``), migrated."""
        parsed = database_url(url)
        try:
            engine = make_engine(parsed)
        except (SQLAlchemyError, ImportError, OSError) as exc:
            raise StoreError(f"database: cannot open {safe_url(parsed)} ({type(exc).__name__})") from None
        store = cls(engine)
        with store._errors():
            if migrate:
                upgrade(engine)
        return store

    @property
    def url(self) -> str:
        """The database URL, password masked."""
        return safe_url(self.engine.url)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Driver errors become a :class:`StoreError` naming the database, not a traceback."""
        try:
            yield
        except (StoreError, IntegrityError):  # a refused write is decided by the caller (name taken, conflict)
            raise
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0][:200] if exc.orig else type(exc).__name__
            raise StoreError(f"database: {self.url} is not available ({reason})") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"database: {type(exc).__name__} on {self.url}") from None

    # ------------------------------------------------------------------ reading

    def list(self, search: str = "", *, deleted: bool = False, limit: int | None = None) -> list[ScenarioInfo]:
        """Scenarios, most recently saved first; ``search`` matches names (any case, anywhere);
        ``deleted=True`` lists the deleted ones instead."""
        query = select(*_SCENARIO_COLUMNS).where(
            ScenarioRow.deleted_at.is_not(None) if deleted else ScenarioRow.deleted_at.is_(None))
        if search.strip():
            query = query.where(ScenarioRow.name_key.like(_like(name_key(search)), escape="\\"))
        query = query.order_by(ScenarioRow.updated_at.desc(), ScenarioRow.name_key).limit(limit)
        with self._errors(), self.engine.connect() as conn:
            return [_scenario_info(r) for r in conn.execute(query)]

    def get(self, scenario_id: str) -> ScenarioInfo:
        """The scenario with this id (deleted or not)."""
        row = None
        if len(str(scenario_id)) <= ID_LENGTH:  # else not asked: no id is longer (a link may carry anything)
            with self._errors(), self.engine.connect() as conn:
                row = conn.execute(select(*_SCENARIO_COLUMNS).where(ScenarioRow.id == str(scenario_id))).first()
        if row is None:
            raise NotFoundError(f"scenario: no saved scenario with id {str(scenario_id)[:40]!r}")
        return _scenario_info(row)

    def find(self, name: str) -> ScenarioInfo:
        """The scenario called ``name`` (any case and spacing), or with that id.

        A live scenario wins over deleted ones; among deleted ones the most recently deleted.
        """
        key = name_key(str(name))
        query = (select(*_SCENARIO_COLUMNS).where(ScenarioRow.name_key == key)
                 .order_by(ScenarioRow.deleted_at.is_not(None), ScenarioRow.deleted_at.desc()))
        with self._errors(), self.engine.connect() as conn:
            row = conn.execute(query).first()
            if row is None:
                row = conn.execute(select(*_SCENARIO_COLUMNS).where(ScenarioRow.id == str(name))).first()
        if row is None:
            raise NotFoundError(f"name: no saved scenario named {str(name)[:200]!r}")
        return _scenario_info(row)

    def history(self, scenario_id: str, *, after: int = 0) -> list[VersionInfo]:
        """Versions (later than ``after``), oldest first, each with what it changed."""
        query = (select(*_VERSION_COLUMNS)
                 .where(VersionRow.scenario_id == scenario_id, VersionRow.version > after)
                 .order_by(VersionRow.version))
        with self._errors(), self.engine.connect() as conn:
            return [_version_info(r) for r in conn.execute(query)]

    def load(self, scenario_id: str, version: int | None = None) -> StoredVersion:
        """Open a version (default: the latest) as a validated scenario.

        Raises :class:`NotFoundError` for an unknown version and
        :class:`~roi.store.records.StoredScenarioError` for a row that cannot be read.
        """
        info = self.get(scenario_id)
        number = info.latest_version if version is None else int(version)
        row = None
        if 1 <= number <= info.latest_version:  # else not asked: 10**30 overflows the database's integer
            with self._errors(), self.engine.connect() as conn:
                row = conn.execute(select(*_VERSION_COLUMNS, VersionRow.body).where(
                    VersionRow.scenario_id == info.id, VersionRow.version == number)).first()
        if row is None:
            raise NotFoundError(f"version: {info.name!r} has no version {number} "
                                f"(versions 1 to {info.latest_version})")
        scenario = decode(row.body, row.schema_version, where=f"{info.name!r} version {number}")
        return StoredVersion(info=info, version=_version_info(row), scenario=scenario)

    def diff(self, scenario_id: str, a: int, b: int) -> list[Change]:
        """What changed from version ``a`` to version ``b`` (either order)."""
        return diff(self.load(scenario_id, a).scenario, self.load(scenario_id, b).scenario)

    # ------------------------------------------------------------------ writing

    def create(self, name: str, scenario: Scenario, *, author: str, reason: str = "") -> VersionInfo:
        """A new scenario called ``name`` whose version 1 is ``scenario``.

        Raises :class:`NameTakenError` when a scenario (not deleted) already has the name.
        """
        return self._insert_new(name, scenario, author=author, reason=reason, changes=[])

    def save(self, scenario_id: str, scenario: Scenario, *, base_version: int, author: str,
             reason: str = "") -> VersionInfo:
        """Save ``scenario`` as the version after ``base_version`` (the one the user started from).

        Raises :class:`ConflictError` when ``base_version`` is not the latest any more — another
        save landed since — so nothing is ever overwritten silently. Without a ``reason``, the
        reasons of test results applied in this save are used.
        """
        author, reason = clean_author(author), clean_reason(reason)
        info = self.get(scenario_id)
        if info.deleted:
            raise StoreError(f"scenario: {info.name!r} is deleted; restore it before saving")
        base = int(base_version)
        if not 1 <= base <= info.latest_version:
            raise StoreError(f"base_version: {info.name!r} has no version {base} (versions 1 to {info.latest_version})")
        if base != info.latest_version:
            raise self._conflict(info, base)
        changes = self._changes_from(info, base, scenario)
        reason = reason or "; ".join(applied_tests(changes))[:MAX_REASON]
        body, schema_version = encode(scenario)
        now = self._clock().astimezone(dt.UTC)
        row = {"scenario_id": info.id, "version": base + 1, "parent_version": base, "schema_version": schema_version,
               "body": body, "author": author, "reason": reason, "changes": json.dumps([c.to_dict() for c in changes]),
               "change_count": len(changes), "created_at": now}
        try:
            with self._errors(), write_connection(self.engine) as conn, conn.begin():
                conn.execute(insert(VersionRow).values(**row))
                moved = conn.execute(
                    update(ScenarioRow)
                    .where(ScenarioRow.id == info.id, ScenarioRow.latest_version == base,
                           ScenarioRow.deleted_at.is_(None))
                    .values(latest_version=base + 1, updated_at=now, updated_by=author)).rowcount
                if moved != 1:
                    raise _Lost
        except (IntegrityError, _Lost):
            fresh = self.get(info.id)
            if fresh.deleted:
                raise StoreError(f"scenario: {info.name!r} was deleted meanwhile; restore it before saving") from None
            raise self._conflict(fresh, base) from None
        return VersionInfo(scenario_id=info.id, version=base + 1, parent_version=base, schema_version=schema_version,
                           author=author, reason=reason, created_at=now, changes=changes)

    def restore_version(self, scenario_id: str, version: int, *, base_version: int, author: str,
                        reason: str = "") -> VersionInfo:
        """Save an old version's scenario again, as the newest version (history is never rewritten)."""
        old = self.load(scenario_id, version)
        return self.save(scenario_id, old.scenario, base_version=base_version, author=author,
                         reason=reason or f"Restored version {old.version.version}")

    def branch(self, scenario_id: str, version: int, name: str, *, author: str, reason: str = "",
               scenario: Scenario | None = None) -> VersionInfo:
        """A new scenario ``name`` branched from ``version`` of another (duplicate).

        ``scenario`` (optional) is the branch's first version — someone's unsaved edits when a save
        conflicted; its change log then lists them against the version branched from.
        """
        source = self.load(scenario_id, version)
        body = source.scenario if scenario is None else scenario
        changes = [] if scenario is None else diff(source.scenario, scenario)
        why = reason or f"Branched from {source.info.name!r} version {source.version.version}"
        return self._insert_new(name, body, author=author, reason=why, changes=changes,
                                branched_from=(source.info.id, source.version.version))

    def rename(self, scenario_id: str, name: str) -> ScenarioInfo:
        """Give a scenario a new name (its versions are unchanged)."""
        name = clean_name(name)
        info = self.get(scenario_id)
        try:
            with self._errors(), write_connection(self.engine) as conn, conn.begin():
                conn.execute(update(ScenarioRow).where(ScenarioRow.id == info.id)
                             .values(name=name, name_key=name_key(name)))
        except IntegrityError:
            raise NameTakenError(f"name: a scenario named {name!r} already exists") from None
        return self.get(info.id)

    def delete(self, scenario_id: str, *, author: str) -> ScenarioInfo:
        """Soft-delete: the scenario leaves the list (its versions stay and it can be restored)."""
        author = clean_author(author)
        info = self.get(scenario_id)
        with self._errors(), write_connection(self.engine) as conn, conn.begin():
            conn.execute(update(ScenarioRow).where(ScenarioRow.id == info.id, ScenarioRow.deleted_at.is_(None))
                         .values(deleted_at=self._clock().astimezone(dt.UTC), deleted_by=author))
        return self.get(info.id)

    def restore(self, scenario_id: str) -> ScenarioInfo:
        """Undo a soft delete. Raises :class:`NameTakenError` when another scenario took its name."""
        info = self.get(scenario_id)
        try:
            with self._errors(), write_connection(self.engine) as conn, conn.begin():
                conn.execute(update(ScenarioRow).where(ScenarioRow.id == info.id)
                             .values(deleted_at=None, deleted_by=None))
        except IntegrityError:
            raise NameTakenError(f"name: another scenario is now called {info.name!r}; rename it before "
                                 "restoring this one") from None
        return self.get(info.id)

    def count(self) -> int:
        """Number of scenarios, deleted ones included."""
        with self._errors(), self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(ScenarioRow)).scalar_one())

    # ------------------------------------------------------------------ helpers

    def _conflict(self, info: ScenarioInfo, base: int) -> ConflictError:
        return ConflictError(info.name, base, info.latest_version, self.history(info.id, after=base))

    def _changes_from(self, info: ScenarioInfo, base: int, scenario: Scenario) -> list[Change]:
        try:
            parent = self.load(info.id, base).scenario
        except StoredScenarioError:  # saving over an unreadable version is how one repairs it
            return [Change("", f"version {base} could not be read", "whole scenario saved")]
        return diff(plain(parent), plain(scenario))

    def _insert_new(self, name: str, scenario: Scenario, *, author: str, reason: str, changes: list[Change],
                    branched_from: tuple[str, int] | None = None) -> VersionInfo:
        name, author, reason = clean_name(name), clean_author(author), clean_reason(reason)
        body, schema_version = encode(scenario)
        now = self._clock().astimezone(dt.UTC)
        scenario_id = secrets.token_urlsafe(9)  # 12 URL-safe characters, never starting "v1." (no dots)
        try:
            with self._errors(), write_connection(self.engine) as conn, conn.begin():
                conn.execute(insert(ScenarioRow).values(
                    id=scenario_id, name=name, name_key=name_key(name), latest_version=1, created_at=now,
                    created_by=author, updated_at=now, updated_by=author,
                    branched_from_id=branched_from[0] if branched_from else None,
                    branched_from_version=branched_from[1] if branched_from else None))
                conn.execute(insert(VersionRow).values(
                    scenario_id=scenario_id, version=1, parent_version=None, schema_version=schema_version,
                    body=body, author=author, reason=reason, changes=json.dumps([c.to_dict() for c in changes]),
                    change_count=len(changes), created_at=now))
        except IntegrityError:
            raise NameTakenError(f"name: a scenario named {name!r} already exists; pick another name "
                                 "or save a new version of it") from None
        return VersionInfo(scenario_id=scenario_id, version=1, parent_version=None, schema_version=schema_version,
                           author=author, reason=reason, created_at=now, changes=changes)


class _Lost(Exception):
    """The scenario row moved on between the insert and the update: treated as a conflict."""
