"""What the store returns and raises: small typed records and errors with messages naming the field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..bounded import XML_ILLEGAL
from ..schema import Scenario
from .diff import Change
from .models import MAX_AUTHOR, MAX_NAME, MAX_REASON


class StoreError(ValueError):
    """A store operation refused or failed; the message names the field (``name: …``)."""


class NotFoundError(StoreError):
    """No such scenario or version."""


class NameTakenError(StoreError):
    """Another scenario (not deleted) already has this name."""


class StoredScenarioError(StoreError):
    """A stored version cannot be read: corrupt JSON, an invalid scenario or an unknown schema version.

    ``problems`` holds one line per problem, as :class:`roi.ScenarioError` does.
    """

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class ConflictError(StoreError):
    """A save was based on ``base_version`` but ``latest`` has been saved since (by someone else).

    ``since`` holds the versions saved after the base, oldest first, with who, when, why and what
    they changed — what the user needs to see before choosing to save on top or to branch.
    """

    def __init__(self, name: str, base_version: int, latest: int, since: list[VersionInfo]):
        self.name, self.base_version, self.latest, self.since = name, base_version, latest, since
        who = ", ".join(dict.fromkeys(v.author for v in since)) or "someone"
        super().__init__(
            f"base_version: {name!r} is at version {latest}, saved by {who} since version {base_version} "
            f"that this save was based on; save on top of version {latest} or branch"
        )


@dataclass(frozen=True)
class ScenarioInfo:
    """A scenario in the library (without its versions)."""

    id: str
    name: str
    latest_version: int
    created_at: dt.datetime  # UTC
    created_by: str
    updated_at: dt.datetime  # UTC, when the latest version was saved
    updated_by: str
    deleted_at: dt.datetime | None = None
    branched_from_id: str | None = None
    branched_from_version: int | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``python -m roi scenarios list --json``)."""
        return {"id": self.id, "name": self.name, "version": self.latest_version,
                "created_at": iso(self.created_at), "created_by": self.created_by,
                "updated_at": iso(self.updated_at), "updated_by": self.updated_by,
                "deleted": self.deleted, "branched_from_id": self.branched_from_id,
                "branched_from_version": self.branched_from_version}


@dataclass(frozen=True)
class VersionInfo:
    """One saved version: who saved it, when, why, and what changed against its parent."""

    scenario_id: str
    version: int
    parent_version: int | None
    schema_version: int
    author: str
    reason: str
    created_at: dt.datetime  # UTC
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``python -m roi scenarios history --json``)."""
        return {"version": self.version, "parent_version": self.parent_version, "author": self.author,
                "reason": self.reason, "created_at": iso(self.created_at),
                "schema_version": self.schema_version, "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class StoredVersion:
    """A version opened from the store: its record and the validated scenario."""

    info: ScenarioInfo
    version: VersionInfo
    scenario: Scenario


def iso(when: dt.datetime | None) -> str | None:
    """``2025-12-01T09:30:00Z`` (UTC, seconds)."""
    return None if when is None else when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: object, field_name: str, limit: int, *, required: bool) -> str:
    text = " ".join(str(value or "").split()) if field_name != "reason" else str(value or "").strip()
    if required and not text:
        raise StoreError(f"{field_name}: must not be empty")
    if len(text) > limit:
        raise StoreError(f"{field_name}: {len(text):,} characters, more than the {limit:,} allowed")
    bad = XML_ILLEGAL.search(text)
    if bad:
        raise StoreError(f"{field_name}: must not contain control characters (U+{ord(bad[0]):04X})")
    return text


def clean_name(name: object) -> str:
    """A scenario's library name: spaces collapsed, 1–200 characters, no control characters."""
    return _text(name, "name", MAX_NAME, required=True)


def clean_author(author: object) -> str:
    """Who saves: 1–100 characters (the change log must say who)."""
    return _text(author, "author", MAX_AUTHOR, required=True)


def clean_reason(reason: object) -> str:
    """Why (optional): up to 2,000 characters."""
    return _text(reason, "reason", MAX_REASON, required=False)


def name_key(name: str) -> str:
    """What two names must differ in to both exist: case and spacing ignored.

    >>> name_key("  Vendor   CASE ") == name_key("vendor case")
    True
    """
    return " ".join(name.split()).casefold()[:MAX_NAME]
