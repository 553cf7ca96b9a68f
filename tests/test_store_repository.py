"""The scenario store on SQLite and on a real PostgreSQL server (``store_url`` runs each test on both).

Versions, change log, conflicts, library operations, unreadable rows, crash safety and migrations.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

import roi
from roi.store import (
    ConflictError,
    NameTakenError,
    NotFoundError,
    ScenarioStore,
    StoredScenarioError,
    StoreError,
    diff,
)
from roi.store import repository
from roi.store.migrate import VERSION_TABLE, current, head

from .store_helpers import with_value

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(roi.sample_paths())




@pytest.fixture
def store(store_url):
    s = ScenarioStore.open(store_url)
    yield s
    s.close()


def test_every_sample_saved_and_loaded_is_equal(store):
    for key in SAMPLES:
        sample = roi.load_sample(key)
        saved = store.create(key, sample, author="Ada")
        assert saved.version == 1 and saved.changes == []
        assert store.load(saved.scenario_id).scenario == sample
        assert store.load(saved.scenario_id, 1).version.schema_version == sample.schema_version


def test_each_save_is_a_new_version_with_who_when_why_and_what(store):
    sample = roi.load_sample("european_retailer")
    v1 = store.create("Vendor case", sample, author="Ada", reason="vendor's figures")
    halved = with_value(sample, "initiatives[2].uplift.base", 0.015)
    v2 = store.save(v1.scenario_id, halved, base_version=1, author="Bob", reason="uplift halved")
    assert (v2.version, v2.parent_version) == (2, 1)
    history = store.history(v1.scenario_id)
    assert [(v.version, v.author, v.reason) for v in history] == [(1, "Ada", "vendor's figures"),
                                                                     (2, "Bob", "uplift halved")]
    assert [c.to_dict() for c in history[1].changes] == [
        {"path": "initiatives[2].uplift.base", "old": 0.03, "new": 0.015}]
    assert history[1].created_at.tzinfo is not None and history[1].created_at >= history[0].created_at
    # every version stays as saved
    assert store.load(v1.scenario_id, 1).scenario == sample
    assert store.load(v1.scenario_id).scenario == halved
    assert store.get(v1.scenario_id).latest_version == 2
    assert store.diff(v1.scenario_id, 1, 2) == diff(sample, halved)


def test_a_save_on_an_old_base_is_refused_with_what_was_saved_since(store):
    sample = roi.load_sample("retail_bank")
    v1 = store.create("Bank", sample, author="Ada")
    store.save(v1.scenario_id, with_value(sample, "settings.discount_rate", 0.08), base_version=1, author="Bob",
               reason="CFO rate")
    with pytest.raises(ConflictError) as caught:
        store.save(v1.scenario_id, with_value(sample, "settings.benefit_risk_assumed", 0.3), base_version=1, author="Cy")
    exc = caught.value
    assert (exc.base_version, exc.latest) == (1, 2)
    assert [(v.version, v.author, v.reason) for v in exc.since] == [(2, "Bob", "CFO rate")]
    assert "version 2" in str(exc) and "Bob" in str(exc)
    assert store.get(v1.scenario_id).latest_version == 2  # nothing was written
    # save on top, after seeing theirs: the change log lists what differs from version 2
    v3 = store.save(v1.scenario_id, with_value(sample, "settings.benefit_risk_assumed", 0.3), base_version=2, author="Cy")
    assert sorted(c.path for c in v3.changes) == ["settings.benefit_risk_assumed", "settings.discount_rate"]


def test_base_versions_that_do_not_exist_are_named(store):
    v1 = store.create("A", roi.load_sample("retail_bank"), author="Ada")
    for base in (0, 2, -1):
        with pytest.raises(StoreError, match=r"base_version: 'A' has no version"):
            store.save(v1.scenario_id, roi.load_sample("retail_bank"), base_version=base, author="Ada")


def test_branch_rename_delete_restore_list_and_search(store):
    sample = roi.load_sample("consumer_goods_brand")
    a = store.create("Conservative case", sample, author="Ada")
    b = store.branch(a.scenario_id, 1, "Vendor case", author="Bob")
    assert b.reason == "Branched from 'Conservative case' version 1"
    info = store.get(b.scenario_id)
    assert (info.branched_from_id, info.branched_from_version) == (a.scenario_id, 1)
    assert [i.name for i in store.list()] == ["Vendor case", "Conservative case"]  # newest first
    assert [i.name for i in store.list("VENDOR")] == ["Vendor case"]
    assert store.list("100%_") == []  # wildcards are literal
    with pytest.raises(NameTakenError, match="name: a scenario named 'vendor CASE' already exists"):
        store.create("vendor  CASE", sample, author="Ada")
    store.rename(b.scenario_id, "Vendor case (Q3)")
    assert store.find("vendor case (q3)").id == b.scenario_id
    store.delete(a.scenario_id, author="Cy")
    assert [i.name for i in store.list()] == ["Vendor case (Q3)"]
    assert [i.name for i in store.list(deleted=True)] == ["Conservative case"]
    again = store.create("Conservative case", sample, author="Dee")  # a deleted scenario frees its name
    with pytest.raises(NameTakenError, match="rename it before restoring"):
        store.restore(a.scenario_id)
    store.rename(again.scenario_id, "Conservative case 2")
    assert not store.restore(a.scenario_id).deleted
    assert store.load(a.scenario_id).scenario == sample  # versions survive a delete


def test_a_branch_with_edits_lists_them_against_its_source(store):
    sample = roi.load_sample("consumer_goods_brand")
    a = store.create("Base", sample, author="Ada")
    mine = with_value(sample, "process.alignment", 5)
    b = store.branch(a.scenario_id, 1, "Mine", author="Bob", scenario=mine)
    assert [c.path for c in b.changes] == ["process.alignment"]
    assert store.load(b.scenario_id).scenario == mine


def test_restoring_a_version_saves_it_again_as_the_newest(store):
    sample = roi.load_sample("european_retailer")
    v1 = store.create("R", sample, author="Ada")
    store.save(v1.scenario_id, with_value(sample, "settings.horizon_years", 5), base_version=1, author="Ada")
    v3 = store.restore_version(v1.scenario_id, 1, base_version=2, author="Bob")
    assert (v3.version, v3.reason) == (3, "Restored version 1")
    assert [c.to_dict() for c in v3.changes] == [{"path": "settings.horizon_years", "old": 5, "new": 3}]
    assert store.load(v1.scenario_id).scenario == sample
    assert len(store.history(v1.scenario_id)) == 3  # history is never rewritten


def test_unknown_names_versions_and_bad_fields_are_named(store):
    with pytest.raises(NotFoundError, match="name: no saved scenario named 'Nope'"):
        store.find("Nope")
    v1 = store.create("A", roi.load_sample("retail_bank"), author="Ada")
    with pytest.raises(NotFoundError, match=r"version: 'A' has no version 7 \(versions 1 to 1\)"):
        store.load(v1.scenario_id, 7)
    # a link may carry any id or version: past what a row can hold, not found (never a database error)
    with pytest.raises(NotFoundError, match="scenario: no saved scenario with id 'xxxxxxxx"):
        store.load("x" * 100_000)
    with pytest.raises(NotFoundError, match=r"version: 'A' has no version 1{30}"):
        store.load(v1.scenario_id, int("1" * 30))
    with pytest.raises(StoreError, match="name: must not be empty"):
        store.create("   ", roi.load_sample("retail_bank"), author="Ada")
    with pytest.raises(StoreError, match="author: must not be empty"):
        store.save(v1.scenario_id, roi.load_sample("retail_bank"), base_version=1, author="")
    with pytest.raises(StoreError, match="name: 201 characters, more than the 200 allowed"):
        store.create("x" * 201, roi.load_sample("retail_bank"), author="Ada")
    with pytest.raises(StoreError, match="control characters"):
        store.create("a\x00b", roi.load_sample("retail_bank"), author="Ada")


def _raw(store: ScenarioStore, sql: str, **params) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_a_corrupt_row_or_an_unknown_schema_version_is_a_clear_error(store):
    v1 = store.create("Broken", roi.load_sample("retail_bank"), author="Ada")
    store.save(v1.scenario_id, with_value(roi.load_sample("retail_bank"), "settings.cost_risk", 0.2), base_version=1,
               author="Ada")
    _raw(store, "UPDATE roi_scenario_versions SET body = :b WHERE scenario_id = :i AND version = 1",
         b='{"settings": {"name": "x"', i=v1.scenario_id)
    with pytest.raises(StoredScenarioError, match=r"'Broken' version 1: the stored scenario cannot be read — "
                                                  r"not valid JSON"):
        store.load(v1.scenario_id, 1)
    _raw(store, "UPDATE roi_scenario_versions SET schema_version = 99 WHERE scenario_id = :i AND version = 2",
         i=v1.scenario_id)
    with pytest.raises(StoredScenarioError, match="schema version 99, which this app does not know"):
        store.load(v1.scenario_id)
    assert [v.version for v in store.history(v1.scenario_id)] == [1, 2]  # the log still lists them
    # saving over an unreadable version repairs the scenario, and says it could not diff
    v3 = store.save(v1.scenario_id, roi.load_sample("retail_bank"), base_version=2, author="Ada")
    assert v3.changes[0].old == "version 2 could not be read"
    assert store.load(v1.scenario_id).scenario == roi.load_sample("retail_bank")


def test_a_crash_mid_save_loses_nothing_and_leaves_nothing_half_written(store, monkeypatch):
    sample = roi.load_sample("retail_bank")
    v1 = store.create("Safe", sample, author="Ada")

    def crash(*args, **kwargs):
        raise RuntimeError("power cut between the two statements of the save")

    with monkeypatch.context() as m:
        m.setattr(repository, "update", crash)  # the version row is inserted, then the save dies
        with pytest.raises(RuntimeError):
            store.save(v1.scenario_id, with_value(sample, "settings.cost_risk", 0.2), base_version=1, author="Ada")
    assert [v.version for v in store.history(v1.scenario_id)] == [1]
    assert store.get(v1.scenario_id).latest_version == 1
    assert store.save(v1.scenario_id, with_value(sample, "settings.cost_risk", 0.2), base_version=1,
                      author="Ada").version == 2


KILLED_MID_SAVE = """
import os, sys
from sqlalchemy import insert
from roi.store import ScenarioStore
from roi.store.engine import write_connection
from roi.store.models import VersionRow
store = ScenarioStore.open(sys.argv[1])
with write_connection(store.engine) as conn:
    conn.begin()
    conn.execute(insert(VersionRow).values(scenario_id=sys.argv[2], version=2, parent_version=1, schema_version=1,
                 body="{}", author="x", reason="", changes="[]", change_count=0,
                 created_at=__import__("datetime").datetime.now()))
    os._exit(9)  # the process dies with the transaction open: no commit, no rollback
"""


def test_a_process_killed_mid_save_loses_nothing(store, store_url):
    sample = roi.load_sample("retail_bank")
    v1 = store.create("Killed", sample, author="Ada")
    out = subprocess.run([sys.executable, "-c", KILLED_MID_SAVE, store_url, v1.scenario_id], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 9, out.stderr
    assert [v.version for v in store.history(v1.scenario_id)] == [1]
    assert store.load(v1.scenario_id).scenario == sample
    assert store.save(v1.scenario_id, sample, base_version=1, author="Ada").version == 2


def test_migrations_create_the_models_tables_and_run_once(store, store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from roi.store.models import Base

    assert current(store.engine) == head() == "0001"
    ScenarioStore.open(store_url).close()  # opening again is a no-op
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        assert compare_metadata(ctx, Base.metadata) == []  # the migrations build exactly the models
        count = conn.execute(text(f"SELECT count(*) FROM {VERSION_TABLE}")).scalar_one()
    assert count == 1


def test_a_database_from_a_newer_release_is_refused(store, store_url):
    _raw(store, f"UPDATE {VERSION_TABLE} SET version_num = 'f00d'")
    with pytest.raises(StoreError, match="newer than this app knows"):
        ScenarioStore.open(store_url)


def test_an_unreachable_database_is_a_one_line_error():
    with pytest.raises(StoreError, match=r"database: postgresql\+psycopg://roi:\*\*\*@127.0.0.1:1/x\?connect_timeout=2 is not available"):
        ScenarioStore.open("postgresql://roi:secret@127.0.0.1:1/x?connect_timeout=2")
    with pytest.raises(ValueError, match="database: ROI_DATABASE_URL is not a database URL"):
        ScenarioStore.open("not a url")


def test_times_are_utc(store):
    fixed = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    store._clock = lambda: fixed
    v1 = store.create("Clock", roi.load_sample("retail_bank"), author="Ada")
    assert store.history(v1.scenario_id)[0].to_dict()["created_at"] == "2025-03-01T07:30:00Z"


def test_a_row_saved_under_an_older_schema_is_migrated_when_opened(store):
    """The store keeps the JSON as saved; opening goes through roi.loads_scenario, so a version-1 row
    (a flat benefit risk) opens as the current schema with that risk on every evidence kind."""
    import json

    from roi.schema import SCHEMA_VERSION

    from .factories import scenario_dict

    v1 = store.create("Old", roi.parse_scenario(scenario_dict()), author="Ada")
    old = scenario_dict()
    old["schema_version"] = 1
    old["settings"]["benefit_risk"] = 0.2
    _raw(store, "UPDATE roi_scenario_versions SET body = :b, schema_version = 1 WHERE scenario_id = :i",
         b=json.dumps(old), i=v1.scenario_id)
    opened = store.load(v1.scenario_id)
    assert opened.version.schema_version == 1 and opened.scenario.schema_version == SCHEMA_VERSION
    s = opened.scenario.settings
    assert (s.benefit_risk_assumed, s.benefit_risk_benchmark, s.benefit_risk_measured) == (0.2, 0.2, 0.2)
    saved = store.save(v1.scenario_id, opened.scenario, base_version=1, author="Ada")  # saved as current
    assert store.load(v1.scenario_id).version.schema_version == SCHEMA_VERSION
    assert saved.changes == []  # diffs compare scenarios after migration: nothing the user changed
