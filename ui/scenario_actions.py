"""The Scenarios page's forms and panels: save, conflict choice, timeline, scenario actions.

Every action runs in a widget callback (before the page and the sidebar are drawn again), calls
:class:`roi.store.ScenarioStore`, and leaves one message for the next run (:func:`flash`). Store
errors are shown with their field-named message, never as a traceback.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

from roi.schema import Scenario
from roi.store import ConflictError, ScenarioInfo, ScenarioStore, StoreError, VersionInfo, diff
from roi.store.diff import plain
from ui import exports, library, md, state

_FLASH = "lib_flash"  # (kind, markdown) shown once on the next run
_CONFLICT = "lib_conflict"  # Conflict awaiting the user's choice
TIMELINE_SHOWN = 20  # newest versions drawn before "show all"
T = TypeVar("T")


@dataclass(frozen=True)
class Conflict:
    """A save refused because others saved since its base: what they changed, and the user's reason."""

    scenario_id: str
    name: str
    base: int
    latest: int
    since: list[VersionInfo]
    reason: str


def flash() -> None:
    """Show (once) the message the last action left."""
    message = st.session_state.pop(_FLASH, None)
    if message:
        kind, text = message
        (st.success if kind == "success" else st.error)(text)


def _say(kind: str, text: str) -> None:
    st.session_state[_FLASH] = (kind, text)


def _failed(what: str, exc: Exception) -> None:
    _say("error", f"**{what}** — nothing was changed.\n\n" + md.bullets(library.problems_of(exc)))


def _need_author() -> str | None:
    who = library.author()
    if not who:
        _say("error", "**Your name is needed** (above) so the change log can say who saved. Nothing was saved.")
        return None
    return who


def _as_author(what: str, action: Callable[[str], T]) -> T | None:
    """``action(author)``, or ``None`` with a message when the name is missing or the store refuses."""
    who = _need_author()
    if who is None:
        return None
    try:
        return action(who)
    except StoreError as exc:
        _failed(what, exc)
        return None


def conflict() -> Conflict | None:
    return st.session_state.get(_CONFLICT)


def scenario_label(info: ScenarioInfo) -> str:
    """``Version 3 · saved 2025-12-01 14:02 UTC by Ada · created … by …`` (Markdown)."""
    return (f"Version {info.latest_version} · saved {library.when(info.updated_at)} by {md.escape(info.updated_by)}"
            f" · created {library.when(info.created_at)} by {md.escape(info.created_by)}")


def _version_title(v: VersionInfo) -> str:
    reason = f" — {md.escape(v.reason[:120])}" if v.reason else ""
    count = len(v.changes)
    what = "first version" if v.parent_version is None else f"{count} change{'s' * (count != 1)}"
    return f"**Version {v.version}** · {library.when(v.created_at)} · {md.escape(v.author)} · {what}{reason}"


# --------------------------------------------------------------------------- saving

def _on_save_new() -> None:
    scenario = state.get_scenario()
    ss = st.session_state
    saved = _as_author("Not saved", lambda who: library.store().create(
        ss.get("lib_new_name", ""), scenario, author=who, reason=ss.get("lib_reason", "")))
    if saved is None:
        return
    info = library.store().get(saved.scenario_id)
    library.remember(info.id, info.name, saved.version, scenario)
    ss["lib_reason"] = ""
    ss.pop("lib_new_name", None)  # the next scenario saved as new starts from its own name, not this one's
    ss["lib_pick"] = info.id
    _say("success", f"Saved **{md.escape(info.name)}** as version 1.")


def save_new_form(scenario: Scenario) -> None:
    """Name + reason + save, for a scenario not opened from the library."""
    st.markdown("This scenario is not in the library yet (it came from a sample, a link or a file).")
    if "lib_new_name" not in st.session_state:
        st.session_state["lib_new_name"] = scenario.settings.name
    library.kept_text_input("Name in the library", "lib_new_name", max_chars=200)
    library.kept_text_input("Reason (optional)", "lib_reason", max_chars=2000,
                            placeholder="e.g. first draft with the CFO")
    st.button("Save to the library", type="primary", on_click=_on_save_new, key="lib_save_new",
              icon=":material/save:")


def _save_on(scenario_id: str, base: int, reason: str) -> None:
    """Save the session's scenario on ``base``; a conflict is kept for the user to resolve."""
    scenario = state.get_scenario()
    store = library.store()

    def save(who: str) -> VersionInfo | None:
        try:
            return store.save(scenario_id, scenario, base_version=base, author=who, reason=reason)
        except ConflictError as exc:
            st.session_state[_CONFLICT] = Conflict(scenario_id, exc.name, exc.base_version, exc.latest,
                                                   exc.since, reason)
            return None

    saved = _as_author("Not saved", save)
    if saved is None:
        return
    st.session_state.pop(_CONFLICT, None)
    info = store.get(scenario_id)
    library.remember(info.id, info.name, saved.version, scenario)
    st.session_state["lib_reason"] = ""
    _say("success", f"Saved **{md.escape(info.name)}** version {saved.version} "
         f"({len(saved.changes)} change{'s' * (len(saved.changes) != 1)}).")


def _on_save_version() -> None:
    o = library.opened()
    if o is not None:
        _save_on(o.scenario_id, o.version, st.session_state.get("lib_reason", ""))


def _on_branch(scenario_id: str, base: int, name_key: str, reason: str) -> None:
    scenario = state.get_scenario()
    store = library.store()
    saved = _as_author("No branch created", lambda who: store.branch(
        scenario_id, base, st.session_state.get(name_key, ""), author=who, reason=reason, scenario=scenario))
    if saved is None:
        return
    st.session_state.pop(_CONFLICT, None)
    info = store.get(saved.scenario_id)
    library.remember(info.id, info.name, 1, scenario)
    st.session_state["lib_pick"] = info.id
    _say("success", f"Saved your scenario as the new scenario **{md.escape(info.name)}** (branched from "
         f"version {base}).")


def _changes_table(changes: list, new: Any = None, old: Any = None) -> None:
    frame = library.changes_frame(changes, new, old)
    st.dataframe(frame, hide_index=True, width="stretch",
                 height=min(38 + 35 * len(frame), 400),
                 column_config={"Path": st.column_config.TextColumn("Field path", width="medium")})


def save_version_form(store: ScenarioStore, opened: library.Opened, scenario: Scenario) -> None:
    """What changed since the opened version, a reason, and save (or branch)."""
    try:
        base = store.load(opened.scenario_id, opened.version).scenario
        changes = diff(base, scenario)
    except StoreError as exc:  # an unreadable base: the save may still repair it
        st.warning(f"Version {opened.version} cannot be read, so its changes cannot be listed.\n\n"
                   + md.bullets(library.problems_of(exc)))
        base, changes = None, None
    st.markdown(f"Opened from **{md.escape(opened.name)}** version {opened.version}. "
                + ("No changes since." if changes == [] else
                   f"**{len(changes)} change{'s' * (len(changes) != 1)}** since:" if changes else ""))
    if changes:
        _changes_table(changes, plain(scenario), plain(base))
    library.kept_text_input("Reason (optional)", "lib_reason", max_chars=2000,
                            placeholder="e.g. uplift halved after the CFO review")
    st.button(f"Save as version {opened.version + 1}", type="primary", on_click=_on_save_version,
              key="lib_save_version", icon=":material/save:", disabled=changes == [],
              help="Saved on top of the version you opened. If a colleague saved in the meantime you are "
                   "asked what to do; nothing is overwritten.")
    with st.expander("Save as a new scenario instead (branch)"):
        if "lib_branch_name" not in st.session_state:
            st.session_state["lib_branch_name"] = f"{opened.name} (branch)"
        st.text_input("Name of the new scenario", key="lib_branch_name", max_chars=200)
        st.button("Save as a new scenario", key="lib_branch", on_click=_on_branch,
                  args=(opened.scenario_id, opened.version, "lib_branch_name",
                        st.session_state.get("lib_reason", "")))


def _on_cancel_conflict() -> None:
    st.session_state.pop(_CONFLICT, None)


def conflict_panel(store: ScenarioStore, c: Conflict) -> None:
    """What others saved since the user's base, and the two safe choices: on top, or branch."""
    who = ", ".join(dict.fromkeys(v.author for v in c.since)) or "someone"
    st.error(f"**“{md.escape(c.name)}” was saved by {md.escape(who)} since you opened version {c.base}.** "
             f"It is now at version {c.latest}. Nothing was saved or overwritten: look at what they changed, "
             "then save yours on top of theirs or as a new scenario.", icon=":material/merge_type:")
    for v in c.since:
        st.markdown(_version_title(v))
        if v.changes:
            _changes_table(v.changes)
    left, right = st.columns(2)
    with left:
        st.button(f"Save mine on top as version {c.latest + 1}", type="primary", key="lib_on_top",
                  on_click=_save_on, args=(c.scenario_id, c.latest, c.reason),
                  help="Your scenario becomes the newest version; its change log lists what differs from "
                  f"version {c.latest}, including anything of theirs that yours undoes.")
    with right:
        if "lib_conflict_branch" not in st.session_state:
            st.session_state["lib_conflict_branch"] = f"{c.name} ({library.author() or 'my'} branch)"[:200]
        st.text_input("Or save mine as a new scenario named", key="lib_conflict_branch", max_chars=200)
        st.button(f"Save as a new scenario (from version {c.base})", key="lib_conflict_branch_go",
                  on_click=_on_branch, args=(c.scenario_id, c.base, "lib_conflict_branch", c.reason))
    st.button("Cancel (keep editing, save later)", key="lib_conflict_cancel", on_click=_on_cancel_conflict)


# --------------------------------------------------------------------------- one scenario

def _on_open(scenario_id: str, version: int) -> None:
    try:
        stored = library.store().load(scenario_id, version)
    except StoreError as exc:
        _failed(f"Version {version} could not be opened", exc)
        return
    library.open_version(stored)
    st.session_state.pop(_CONFLICT, None)
    _say("success", f"Opened **{md.escape(stored.info.name)}** version {version}: every page now shows it.")


def _on_restore_version(scenario_id: str, version: int, base: int) -> None:
    store = library.store()
    saved = _as_author(f"Version {version} was not restored", lambda who: store.restore_version(
        scenario_id, version, base_version=base, author=who))
    if saved is None:
        return
    try:
        stored = store.load(scenario_id, saved.version)
    except StoreError as exc:
        _failed(f"Version {saved.version} could not be opened", exc)
        return
    library.open_version(stored)
    _say("success", f"Restored version {version} as version {saved.version} (now open).")


def _on_rename(scenario_id: str) -> None:
    try:
        info = library.store().rename(scenario_id, st.session_state.get(f"lib_rename_{scenario_id}", ""))
    except StoreError as exc:
        _failed("Not renamed", exc)
        return
    o = library.opened()
    if o is not None and o.scenario_id == scenario_id:
        st.session_state["library_opened"] = library.Opened(o.scenario_id, info.name, o.version, o.scenario_json)
    st.session_state.pop(f"lib_dup_{scenario_id}", None)  # its default name follows the new name
    _say("success", f"Renamed to **{md.escape(info.name)}**.")


def _on_duplicate(scenario_id: str, version: int) -> None:
    saved = _as_author("Not duplicated", lambda who: library.store().branch(
        scenario_id, version, st.session_state.get(f"lib_dup_{scenario_id}", ""), author=who))
    if saved is None:
        return
    st.session_state["lib_pick"] = saved.scenario_id
    _say("success", f"Duplicated version {version} as a new scenario.")


def _on_delete(scenario_id: str) -> None:
    info = _as_author("Not deleted", lambda who: library.store().delete(scenario_id, author=who))
    if info is None:
        return
    _say("success", f"Deleted **{md.escape(info.name)}**; restore it under *Deleted scenarios* below.")


def _on_restore(scenario_id: str) -> None:
    try:
        info = library.store().restore(scenario_id)
    except StoreError as exc:
        _failed("Not restored", exc)
        return
    st.session_state["lib_pick"] = info.id
    _say("success", f"Restored **{md.escape(info.name)}**.")


def _workbook(store: ScenarioStore, scenario_id: str) -> Callable[[], io.BytesIO]:
    def build() -> io.BytesIO:
        from roi.export.xlsx import workbook_bytes

        opened = store.load(scenario_id)
        return io.BytesIO(workbook_bytes(opened.scenario, history=store.history(scenario_id)))

    return build


def scenario_panel(store: ScenarioStore, info: ScenarioInfo, current: Scenario) -> None:
    """Actions on one saved scenario and its timeline of versions, newest first."""
    try:
        history = store.history(info.id)
    except StoreError as exc:
        st.error("**The versions could not be read.**\n\n" + md.bullets(library.problems_of(exc)))
        return
    o = library.opened()
    if o is not None and library.is_edited(current):
        st.caption("You have unsaved changes: opening a version replaces them, so save them first.")
    cols = st.columns([1, 1, 2])
    cols[0].button(f"Open version {info.latest_version}", key=f"lib_open_latest_{info.id}", type="primary",
                   on_click=_on_open, args=(info.id, info.latest_version), icon=":material/file_open:")
    cols[1].download_button("Excel with change log", data=_workbook(store, info.id),
                            file_name=f"{exports.slug(info.name)}_v{info.latest_version}.xlsx",
                            mime=exports.XLSX_MIME, key=f"lib_xlsx_{info.id}", on_click="ignore",
                            icon=":material/table_view:")
    with cols[2].expander("Rename, duplicate or delete"):
        st.text_input("New name", value=info.name, key=f"lib_rename_{info.id}", max_chars=200)
        st.button("Rename", key=f"lib_rename_go_{info.id}", on_click=_on_rename, args=(info.id,))
        st.text_input("Name of the copy", value=f"{info.name} (copy)", key=f"lib_dup_{info.id}", max_chars=200)
        st.button(f"Duplicate version {info.latest_version}", key=f"lib_dup_go_{info.id}", on_click=_on_duplicate,
                  args=(info.id, info.latest_version))
        st.button("Delete (can be restored)", key=f"lib_delete_{info.id}", on_click=_on_delete, args=(info.id,))
    if info.branched_from_id:
        st.caption(f"Branched from version {info.branched_from_version} of another scenario.")

    st.markdown("**Change log**, newest first")
    shown = history[::-1]
    if len(shown) > TIMELINE_SHOWN and not st.toggle(f"Show all {len(shown)} versions", key=f"lib_all_{info.id}"):
        shown = shown[:TIMELINE_SHOWN]
    for v in shown:
        _version_entry(store, info, v)


def _version_entry(store: ScenarioStore, info: ScenarioInfo, v: VersionInfo) -> None:
    latest = v.version == info.latest_version
    with st.expander(_version_title(v), expanded=latest):
        try:
            data = plain(store.load(info.id, v.version).scenario)
            parent = plain(store.load(info.id, v.parent_version).scenario) if v.parent_version else None
        except StoreError as exc:
            st.error(f"**Version {v.version} cannot be opened.** Its change log is listed; to repair, open a "
                     "readable version and save it.\n\n" + md.bullets(library.problems_of(exc)))
            data = parent = None
        if v.changes:
            _changes_table(v.changes, data, parent)
        elif v.parent_version is None:
            st.caption("First version" + (" (a branch of another scenario)." if info.branched_from_id else "."))
        else:
            st.caption("Saved without changing any field.")
        left, mid, right = st.columns([1, 1, 2])
        left.button("Open", key=f"lib_open_{info.id}_{v.version}", on_click=_on_open, args=(info.id, v.version),
                    disabled=data is None)
        if not latest:
            mid.button("Restore as new version", key=f"lib_restore_{info.id}_{v.version}",
                       on_click=_on_restore_version, args=(info.id, v.version, info.latest_version),
                       disabled=data is None,
                       help=f"Saves version {v.version} again as version {info.latest_version + 1}; "
                       "nothing is deleted.")
        right.code(library.version_link(info.id, v.version), language=None, wrap_lines=True)


def deleted_panel(store: ScenarioStore) -> None:
    """Deleted scenarios, each with a restore button."""
    try:
        gone = store.list(deleted=True)
    except StoreError:
        return
    if not gone:
        return
    with st.expander(f"Deleted scenarios ({len(gone)})"):
        for info in gone:
            left, right = st.columns([3, 1])
            left.markdown(f"**{md.escape(info.name)}** · v{info.latest_version} · deleted "
                          f"{library.when(info.deleted_at)}")
            right.button("Restore", key=f"lib_undelete_{info.id}", on_click=_on_restore, args=(info.id,))
