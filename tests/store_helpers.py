"""Helpers shared by the scenario-store tests: an edited copy of a scenario, and a page's own store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import roi
from roi.paths import set_value_at
from roi.store import DATABASE_ENV, ScenarioStore


def with_value(scenario: roi.Scenario, path: str, value) -> roi.Scenario:
    """A validated copy of ``scenario`` with the field at ``path`` set to ``value``."""
    data = scenario.model_dump(mode="json")
    set_value_at(data, path, value)
    return roi.parse_scenario(data)


def app_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ScenarioStore]:
    """A fresh SQLite store that the app run by ``AppTest`` in this test uses too (``ROI_DATABASE_URL``)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv(DATABASE_ENV, url)
    store = ScenarioStore.open(url)
    yield store
    store.close()
