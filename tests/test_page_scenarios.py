"""AppTest of the Scenarios page: save, versions, conflicts, unreadable rows, identity, library actions.

Each test has its own SQLite store (``ROI_DATABASE_URL``); edits are made by replacing the session's
scenario as the input pages do (the browser journey types them for real).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

import roi
from roi.store import DATABASE_ENV, ScenarioStore

from .apptest_helpers import APP, assert_no_exception
from .store_helpers import app_store, with_value

PAGE = "pages/scenarios.py"


@pytest.fixture
def store(monkeypatch, tmp_path):
    yield from app_store(monkeypatch, tmp_path)



def _open(query: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if user is not None:
        at.user = user
    at.run()
    assert_no_exception(at)
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    return at


def _texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def test_empty_library_then_first_save_needs_a_name(store):
    at = _open()
    assert at.title[0].value == "Scenarios"
    assert "No saved scenarios yet" in " ".join(_texts(at, "info"))
    at.button(key="lib_save_new").click().run()
    assert_no_exception(at)
    assert any("Your name is needed" in e for e in _texts(at, "error"))
    assert store.list() == []
    at.text_input(key="library_author_input").set_value("Ada").run()
    at.text_input(key="lib_reason_input").set_value("first draft").run()
    at.button(key="lib_save_new").click().run()
    assert_no_exception(at)
    [saved] = store.list()
    assert (saved.name, saved.latest_version, saved.created_by) == (
        roi.load_sample("european_retailer").settings.name, 1, "Ada")
    assert store.history(saved.id)[0].reason == "first draft"
    assert any("as version 1" in s for s in _texts(at, "success"))
    assert any(md.startswith("Opened from **") for md in _texts(at, "markdown"))


def test_a_typed_name_is_not_offered_again_for_the_next_new_scenario(store):
    """Saved under a typed name, then "Reset to sample": the form offered the typed name again for
    what is now a different, unsaved scenario. The name is dropped once saved, so the form starts
    from the next scenario's own name (as the first save above shows it does)."""
    at = _open()
    at.text_input(key="library_author_input").set_value("Ada").run()
    at.text_input(key="lib_new_name_input").set_value("Reviewer").run()
    at.button(key="lib_save_new").click().run()
    assert_no_exception(at)
    assert [s.name for s in store.list()] == ["Reviewer"]
    assert "lib_new_name" not in at.session_state


def test_edit_then_save_records_the_change_and_the_link_reopens_it(store):
    sample = roi.load_sample("european_retailer")
    v1 = store.create("Vendor case", sample, author="Ada")
    at = _open({"s": v1.scenario_id, "v": "1"})
    assert at.session_state["library_opened"].version == 1
    at.session_state["scenario"] = with_value(sample, "initiatives[2].uplift.base", 0.015)  # an edit
    at.session_state["library_author"] = "Bob"
    at.run()
    assert_no_exception(at)
    assert any("**1 change** since" in m for m in _texts(at, "markdown"))
    at.text_input(key="lib_reason_input").set_value("uplift halved").run()
    at.button(key="lib_save_version").click().run()
    assert_no_exception(at)
    history = store.history(v1.scenario_id)
    assert [(v.version, v.author, v.reason) for v in history][-1] == (2, "Bob", "uplift halved")
    assert [c.path for c in history[-1].changes] == ["initiatives[2].uplift.base"]
    assert at.session_state["library_opened"].version == 2
    assert any(f"?s={v1.scenario_id}&v=2" in c.value for c in at.code)  # the version's short link
    # the short link opens the saved version in a fresh session
    other = _open({"s": v1.scenario_id, "v": "2"})
    assert other.session_state["scenario"].initiatives[2].uplift.base == 0.015


def _conflicted(store: ScenarioStore) -> tuple[AppTest, str]:
    """Cy opens version 1 and edits it; Bob saves version 2 meanwhile; Cy clicks save."""
    sample = roi.load_sample("retail_bank")
    v1 = store.create("Bank", sample, author="Ada")
    at = _open({"s": v1.scenario_id, "v": "1"})
    at.session_state["library_author"] = "Cy"
    at.session_state["scenario"] = with_value(sample, "settings.benefit_risk_assumed", 0.3)
    at.run()
    store.save(v1.scenario_id, with_value(sample, "settings.discount_rate", 0.08), base_version=1, author="Bob",
               reason="CFO rate")
    at.button(key="lib_save_version").click().run()
    assert_no_exception(at)
    return at, v1.scenario_id


def test_a_concurrent_save_is_never_overwritten_and_mine_can_go_on_top(store):
    at, sid = _conflicted(store)
    assert store.get(sid).latest_version == 2  # mine was not written over theirs
    [conflict] = [e for e in _texts(at, "error") if "since you opened version 1" in e]
    assert "Bob" in conflict and "version 2" in conflict
    assert any("CFO rate" in m for m in _texts(at, "markdown"))  # what they changed, with why
    at.button(key="lib_on_top").click().run()
    assert_no_exception(at)
    latest = store.load(sid)
    assert latest.version.version == 3 and latest.scenario.settings.benefit_risk_assumed == 0.3
    assert sorted(c.path for c in latest.version.changes) == ["settings.benefit_risk_assumed", "settings.discount_rate"]


def test_a_conflict_can_be_branched_instead(store):
    at, sid = _conflicted(store)
    at.text_input(key="lib_conflict_branch").set_value("Bank (Cy)").run()
    at.button(key="lib_conflict_branch_go").click().run()
    assert_no_exception(at)
    branch = store.find("Bank (Cy)")
    assert (branch.branched_from_id, branch.branched_from_version) == (sid, 1)
    assert store.load(branch.id).scenario.settings.benefit_risk_assumed == 0.3
    assert store.get(sid).latest_version == 2


def test_corrupt_rows_and_unknown_schema_versions_are_clear_errors_not_tracebacks(store):
    v1 = store.create("Broken", roi.load_sample("retail_bank"), author="Ada")
    store.save(v1.scenario_id, with_value(roi.load_sample("retail_bank"), "settings.cost_risk", 0.2), base_version=1,
               author="Ada")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE roi_scenario_versions SET body = '{oops' WHERE version = 1"))
        conn.execute(text("UPDATE roi_scenario_versions SET schema_version = 99 WHERE version = 2"))
    at = _open()
    errors = " ".join(_texts(at, "error"))
    assert "Version 2 cannot be opened" in errors and "schema version 99" in errors
    assert "Version 1 cannot be opened" in errors and "not valid JSON" in errors
    at.button(key=f"lib_open_latest_{v1.scenario_id}").click().run()
    assert_no_exception(at)
    assert any("could not be opened" in e for e in _texts(at, "error"))
    # a link to the unreadable version falls back to the sample with the reason
    linked = AppTest.from_file(APP, default_timeout=60)
    linked.query_params["s"], linked.query_params["v"] = v1.scenario_id, "2"
    linked.run()
    assert_no_exception(linked)
    assert any("could not be opened" in e and "schema version 99" in e for e in _texts(linked, "error"))


def test_a_signed_in_user_is_the_author(store):
    at = _open(user={"is_logged_in": True, "name": "Grace Hopper", "email": "grace@example.com"})
    assert not [t for t in at.text_input if t.key == "library_author_input"]
    assert any("Signed in as **Grace Hopper**" in m for m in _texts(at, "markdown"))
    at.button(key="lib_save_new").click().run()
    assert_no_exception(at)
    assert store.list()[0].created_by == "Grace Hopper"


def test_restore_rename_duplicate_delete_and_undelete(store):
    sample = roi.load_sample("consumer_goods_brand")
    v1 = store.create("Brand", sample, author="Ada")
    store.save(v1.scenario_id, with_value(sample, "settings.horizon_years", 5), base_version=1, author="Ada")
    at = _open()
    at.text_input(key="library_author_input").set_value("Bob").run()
    at.button(key=f"lib_restore_{v1.scenario_id}_1").click().run()
    assert_no_exception(at)
    assert store.load(v1.scenario_id).version.version == 3
    assert store.load(v1.scenario_id).scenario == sample
    at.text_input(key=f"lib_rename_{v1.scenario_id}").set_value("Brand (final)").run()
    at.button(key=f"lib_rename_go_{v1.scenario_id}").click().run()
    assert store.get(v1.scenario_id).name == "Brand (final)"
    at.button(key=f"lib_dup_go_{v1.scenario_id}").click().run()
    assert sorted(i.name for i in store.list()) == ["Brand (final)", "Brand (final) (copy)"]
    assert at.selectbox(key="lib_pick").value != v1.scenario_id  # the copy is shown
    at.selectbox(key="lib_pick").set_value(v1.scenario_id).run()
    at.button(key=f"lib_delete_{v1.scenario_id}").click().run()
    assert_no_exception(at)
    assert [i.name for i in store.list(deleted=True)] == ["Brand (final)"]
    at.button(key=f"lib_undelete_{v1.scenario_id}").click().run()
    assert_no_exception(at)
    assert store.list(deleted=True) == []


def test_long_histories_show_the_newest_twenty_first(store):
    sample = roi.load_sample("retail_bank")
    v = store.create("Long", sample, author="Ada")
    for k in range(24):
        store.save(v.scenario_id, with_value(sample, "settings.discount_rate", 0.05 + k / 1000), base_version=k + 1,
                   author="Ada")
    at = _open()
    titles = [e.label for e in at.expander if e.label.startswith("**Version")]
    assert len(titles) == 20 and titles[0].startswith("**Version 25**")
    at.toggle(key=f"lib_all_{v.scenario_id}").set_value(True).run()
    assert len([e for e in at.expander if e.label.startswith("**Version")]) == 25


def test_an_unavailable_database_leaves_the_rest_of_the_app_working(monkeypatch):
    monkeypatch.setenv(DATABASE_ENV, "postgresql://roi@127.0.0.1:1/none?connect_timeout=2")
    at = _open()
    assert any("The scenario library is not available" in e for e in _texts(at, "error"))
    at.switch_page("pages/overview.py").run()
    assert_no_exception(at)


def test_a_deployment_with_sign_in_offers_it_instead_of_a_typed_name(store):
    at = _open(user={"is_logged_in": False})  # what st.user holds when [auth] is configured
    assert [b.label for b in at.button if b.key == "lib_login"] == ["Sign in"]
    assert not [t for t in at.text_input if t.key == "library_author_input"]
