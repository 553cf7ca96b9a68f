"""Schema migrations: a scenario of an older schema version, rewritten so it means what it meant.

Every scenario file, share link and workbook record made before schema version 2 is version 1
(files without ``schema_version`` are version 1: every writer since version 2 states it). On
load it is rewritten to version 2 with the *model rules it was made under*, so its business case
is unchanged:

==================================== ============================== ==========================
version 1                            version 2                      why
==================================== ============================== ==========================
``settings.benefit_risk`` = b        ``benefit_risk_assumed`` =     one flat rate for every
                                     ``…_benchmark`` = ``…_measured``  uplift, as it was
                                     = b
(rule)                               ``retention_timing =           retained customers earned
                                     "start_of_year"``              a full year
(rule)                               ``lever_combination =          levers on a segment added
                                     "additive"``
(rule)                               ``realise_measured_uplift =    measured uplifts were
                                     true``                         scaled by maturity
(Monte Carlo)                        ``uplift_correlation = 0``     uplifts drawn independently
==================================== ============================== ==========================

The new inputs with no version-1 counterpart take values that change nothing: every initiative
needs identity, no effect decay, no risk override, no FTE-month cost, no value beyond the
horizon. :func:`migrate` says in words what it did, for ``python -m roi validate``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .schema import SCHEMA_VERSION

V1_RULES: dict[str, Any] = {
    "retention_timing": "start_of_year",
    "lever_combination": "additive",
    "realise_measured_uplift": True,
    "uplift_correlation": 0.0,
    "include_beyond_horizon": False,
}


@dataclass(frozen=True)
class Migration:
    """What :func:`migrate` did: the version read, the version written, and each step in words."""

    from_version: int
    to_version: int
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.from_version != self.to_version

    def message(self) -> str:
        """One line: ``migrated from schema version 1 to 2 (…)``."""
        return (f"migrated from schema version {self.from_version} to {self.to_version} ("
                + "; ".join(self.notes) + ")")


class MigrationError(ValueError):
    """A scenario whose ``schema_version`` this tool cannot read."""


def version_of(data: dict[str, Any]) -> int:
    """The schema version a decoded scenario says it has (missing means 1)."""
    v = data.get("schema_version", 1)
    if isinstance(v, bool) or not isinstance(v, int):
        raise MigrationError(f"schema_version: must be a whole number such as {SCHEMA_VERSION}, not {v!r}")
    return v


def migrate(data: dict[str, Any]) -> tuple[dict[str, Any], Migration]:
    """``data`` rewritten to the current schema version (a copy when anything changes).

    Raises :class:`MigrationError` for a version this tool does not know (newer, or below 1).
    Only the keys a migration needs are read; everything else is left for validation to judge.
    """
    version = version_of(data)
    if version == SCHEMA_VERSION:
        return data, Migration(version, version)
    if version > SCHEMA_VERSION:
        raise MigrationError(f"schema_version: {version} is newer than this tool, which reads versions 1 to "
                             f"{SCHEMA_VERSION}; update the tool")
    if version < 1:
        raise MigrationError(f"schema_version: must be 1 or {SCHEMA_VERSION}, not {version}")
    _refuse_newer_fields(data)
    out = copy.deepcopy(data)
    notes = _v1_to_v2(out)
    out["schema_version"] = SCHEMA_VERSION
    return out, Migration(version, SCHEMA_VERSION, notes)


def _refuse_newer_fields(data: dict[str, Any]) -> None:
    """A version-1 scenario cannot hold the version-2 benefit risks: the migration would overwrite
    them with the flat version-1 rate (0 when absent), silently. Most often the file is version 2
    with its ``schema_version`` deleted, so say so."""
    settings = data.get("settings")
    if not isinstance(settings, dict):
        return
    newer = [f"benefit_risk_{kind}" for kind in ("assumed", "benchmark", "measured")
             if f"benefit_risk_{kind}" in settings]
    if newer:
        said = "is missing" if "schema_version" not in data else "is 1"
        raise MigrationError(f"schema_version: {said}, but settings.{newer[0]} is a version-{SCHEMA_VERSION} "
                             f"field; set \"schema_version\": {SCHEMA_VERSION} (a file without it is read as version 1)")


def _v1_to_v2(data: dict[str, Any]) -> list[str]:
    settings = data.get("settings")
    if not isinstance(settings, dict):
        return ["no settings to migrate"]
    notes = []
    flat = settings.pop("benefit_risk", 0.0)
    for kind in ("assumed", "benchmark", "measured"):
        settings[f"benefit_risk_{kind}"] = flat
    sources = settings.get("sources")
    if isinstance(sources, dict) and "benefit_risk" in sources:
        src = sources.pop("benefit_risk")
        for kind in ("assumed", "benchmark", "measured"):
            sources.setdefault(f"benefit_risk_{kind}", src)
    shown = f"{flat:.0%}" if isinstance(flat, (int, float)) and not isinstance(flat, bool) else repr(flat)
    notes.append(f"benefit risk {shown} for every evidence kind, as before")
    for key, value in V1_RULES.items():
        settings.setdefault(key, value)
    notes.append("version-1 rules kept: retention from the start of the year, levers added, measured uplifts "
                 "scaled by maturity, uplifts drawn independently")
    return notes
