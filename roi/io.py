"""Reading and writing scenarios as JSON, with problems reported one line per field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .bounded import MAX_PROBLEMS, InputError, check_data, read_json
from .migrate import Migration, MigrationError, migrate
from .schema import Scenario

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


_NAMED = re.compile(r"^([A-Za-z_][\w.\[\]]*): (.*)$", re.S)


class ScenarioError(InputError):
    """Invalid scenario input. ``problems`` holds one ``field.path: message`` line per problem."""


def _field_path(loc: tuple[Any, ...]) -> str:
    """``('initiatives', 2, 'uplift', 'base')`` → ``initiatives[2].uplift.base``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part:
            path += ("." if path else "") + str(part)
    return path


def _message(err: dict[str, Any]) -> str:
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    if err["type"] == "missing":
        return "is required"
    if err["type"] == "extra_forbidden":
        return "is not a known field"
    return msg


def format_errors(exc: ValidationError) -> list[str]:
    """One ``field.path: message`` line per problem, as the CLI and the pages show them.

    At most :data:`~roi.bounded.MAX_PROBLEMS` lines, then one that counts the rest: a list of a
    thousand bad rows is one mistake repeated, and listing each would flood the page.
    """
    lines = []
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    for err in errors[:MAX_PROBLEMS]:
        path = _field_path(tuple(err["loc"]))
        msg = _message(err)
        # Model-level validators name their field relative to the model ("segments: ...").
        named = _NAMED.match(msg) if err["type"] == "value_error" else None
        if named:
            path = f"{path}.{named[1]}" if path else named[1]
            msg = named[2]
        lines.append(f"{path}: {msg}" if path else msg)
    if len(errors) > MAX_PROBLEMS:
        lines.append(f"… and {len(errors) - MAX_PROBLEMS:,} more problems")
    return lines


def parse_scenario(data: dict[str, Any]) -> Scenario:
    """Validate a decoded JSON object (migrating an older schema version first); raises
    :class:`ScenarioError` naming every bad field."""
    return parse_scenario_migrated(data)[0]


def parse_scenario_migrated(data: dict[str, Any]) -> tuple[Scenario, Migration]:
    """:func:`parse_scenario`, also saying what migration (if any) was applied."""
    if not isinstance(data, dict):
        raise ScenarioError(["scenario: must be a JSON object"])
    problems = check_data(data, where="scenario")
    if problems:
        raise ScenarioError(problems)
    try:
        data, migration = migrate(data)
    except MigrationError as exc:
        raise ScenarioError([str(exc)]) from None
    try:
        return Scenario.model_validate(data), migration
    except ValidationError as exc:
        raise ScenarioError(format_errors(exc)) from None


def loads_scenario(text: str | bytes) -> Scenario:
    """Parse scenario JSON text."""
    return loads_scenario_migrated(text)[0]


def loads_scenario_migrated(text: str | bytes) -> tuple[Scenario, Migration]:
    """:func:`loads_scenario`, also saying what migration (if any) was applied."""
    try:
        data = read_json(text, where="file")
    except InputError as exc:
        raise ScenarioError(exc.problems) from None
    return parse_scenario_migrated(data)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario JSON file."""
    return load_scenario_migrated(path)[0]


def load_scenario_migrated(path: str | Path) -> tuple[Scenario, Migration]:
    """:func:`load_scenario`, also saying what migration (if any) was applied."""
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise ScenarioError([f"file: cannot read {path} ({exc.strerror})"]) from None
    return loads_scenario_migrated(text)


def dumps_scenario(scenario: Scenario) -> str:
    """Scenario as pretty JSON text (the format of the files in ``data/``)."""
    return scenario.model_dump_json(indent=2, exclude_defaults=False)


def sample_paths() -> dict[str, Path]:
    """Sample scenarios shipped in ``data/``, keyed by their file stem."""
    return {p.stem: p for p in sorted(DATA_DIR.glob("*.json"))}


def load_sample(key: str) -> Scenario:
    return load_scenario(sample_paths()[key])
