"""A scenario as the store keeps it: its JSON text and schema version, and back with clear errors.

The store knows nothing of the schema beyond ``schema_version``: reading goes through
:func:`roi.loads_scenario`, so the schema's own migrations (v1 → v2 …) apply to old rows.
"""

from __future__ import annotations

from ..io import ScenarioError, dumps_scenario, loads_scenario
from ..schema import SCHEMA_VERSION, Scenario
from .records import StoredScenarioError


def encode(scenario: Scenario) -> tuple[str, int]:
    """``(JSON text, schema_version)`` of a validated scenario."""
    return dumps_scenario(scenario), int(scenario.schema_version)


def decode(body: str, schema_version: int, *, where: str) -> Scenario:
    """The scenario stored in a row; ``where`` names the row in messages (``'Vendor case' version 3``).

    Raises :class:`~roi.store.records.StoredScenarioError` when the row was written by a newer
    app (a schema version this code does not know), or its JSON is corrupt or not a valid scenario.
    """
    if not 1 <= schema_version <= SCHEMA_VERSION:
        raise StoredScenarioError([
            f"{where}: saved with scenario schema version {schema_version}, which this app does not know "
            f"(it reads versions 1 to {SCHEMA_VERSION}); open it with a newer release"])
    try:
        return loads_scenario(body)
    except ScenarioError as exc:
        lines = [p[len("file: "):] if p.startswith("file: ") else p for p in exc.problems]
        raise StoredScenarioError([f"{where}: the stored scenario cannot be read — {lines[0]}"]
                                  + [f"{where}: {line}" for line in lines[1:]]) from None
