"""The scenario library: saved scenarios, immutable versions, change log and conflict detection.

No Streamlit here: the Scenarios and Compare pages and ``python -m roi scenarios …`` share it.

    from roi.store import ScenarioStore
    store = ScenarioStore.open()             # $ROI_DATABASE_URL, else SQLite in .roi/
    v1 = store.create("Vendor case", scenario, author="Ada")
    v2 = store.save(v1.scenario_id, edited, base_version=1, author="Ada", reason="CFO's numbers")
"""

from .config import DATABASE_ENV, database_url, default_url
from .diff import Change, describe, diff, format_value
from .records import (
    ConflictError,
    NameTakenError,
    NotFoundError,
    ScenarioInfo,
    StoredScenarioError,
    StoreError,
    StoredVersion,
    VersionInfo,
)
from .repository import ScenarioStore

__all__ = [
    "DATABASE_ENV",
    "Change",
    "ConflictError",
    "NameTakenError",
    "NotFoundError",
    "ScenarioInfo",
    "ScenarioStore",
    "StoreError",
    "StoredScenarioError",
    "StoredVersion",
    "VersionInfo",
    "database_url",
    "default_url",
    "describe",
    "diff",
    "format_value",
]
