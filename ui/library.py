"""The scenario library in the session: the store, who is saving, and which saved version the
current scenario was opened from (the base of the next save, and the short ``?s=<id>&v=<n>`` link).

The store itself is :class:`roi.store.ScenarioStore`; this module only keeps per-session state in
``st.session_state`` and shares one store (a connection pool) per database URL across sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from roi import fields
from roi.io import ScenarioError
from roi.schema import Scenario
from roi.share import pasted_address_problem
from roi.store import ScenarioStore, StoreError, StoredVersion, database_url
from roi.store.diff import Change, format_value, is_applied_test, item_name
from ui import md, messages, state

VERSION_PARAM = "v"  # ?s=<scenario id>&v=<version>
AUTHOR_KEY = "library_author"  # the name typed once per browser session
_OPENED = "library_opened"  # Opened: the saved version the current scenario started from


@dataclass(frozen=True)
class Opened:
    """The saved version the session's scenario came from: the base of its next save."""

    scenario_id: str
    name: str
    version: int
    scenario_json: str  # as opened or saved, to tell whether the scenario has been edited since


@st.cache_resource(show_spinner="Opening the scenario library…")
def _open_store(url: str) -> ScenarioStore:
    # one engine (connection pool) per database URL for every session; migrations run here, once
    return ScenarioStore.open(url)


def store() -> ScenarioStore:
    """The scenario store of ``$ROI_DATABASE_URL`` (default SQLite in ``.roi/``).

    Raises :class:`~roi.store.StoreError` when the database cannot be opened (not cached, so the
    next run tries again).
    """
    return _open_store(database_url().render_as_string(hide_password=False))


# --------------------------------------------------------------------------- who

def login_identity() -> str | None:
    """The signed-in user's name (or e-mail) when the deployment configures ``st.login``."""
    try:
        if st.user.get("is_logged_in") is True:
            who = st.user.get("name") or st.user.get("email")
            return str(who) if who else None
    except (AttributeError, KeyError, RuntimeError):  # no auth configured, or no session
        return None
    return None


def login_configured() -> bool:
    """True when the deployment configures ``st.login`` (an ``[auth]`` section in its secrets)."""
    try:
        return "is_logged_in" in st.user
    except (AttributeError, KeyError, RuntimeError):
        return False


def author() -> str:
    """Who saves: the signed-in identity, else the name typed on the Scenarios page (may be empty)."""
    return login_identity() or str(st.session_state.get(AUTHOR_KEY, "")).strip()


def kept_text_input(label: str, key: str, **kwargs: Any) -> str:
    """A text input whose value survives a visit to another page.

    Streamlit forgets a widget's state when a page without it runs, so the value is kept under
    ``key`` and the widget (key ``key + "_input"``) is refilled from it.
    """
    ss = st.session_state
    widget = f"{key}_input"
    if widget not in ss or ss[widget] != ss.get(key, ""):
        ss[widget] = ss.get(key, "")

    def keep() -> None:
        ss[key] = ss[widget]

    return st.text_input(label, key=widget, on_change=keep, **kwargs)


# --------------------------------------------------------------------------- opened version

def opened() -> Opened | None:
    return st.session_state.get(_OPENED)


def remember(scenario_id: str, name: str, version: int, scenario: Scenario) -> None:
    """The current scenario is (or was just saved as) this version."""
    st.session_state[_OPENED] = Opened(scenario_id, name, int(version), scenario.model_dump_json())


def forget() -> None:
    """The current scenario no longer comes from the library (a sample or an upload replaced it)."""
    st.session_state.pop(_OPENED, None)


def is_edited(scenario: Scenario) -> bool:
    """True when the scenario differs from the saved version it was opened from."""
    o = opened()
    return o is not None and o.scenario_json != scenario.model_dump_json()


def open_version(stored: StoredVersion) -> None:
    """Make a saved version the session's scenario (every page recomputes from it)."""
    state.set_scenario(stored.scenario, note=f"Opened “{md.escape(stored.info.name)}” version "
                       f"{stored.version.version} from the library.")
    state.forget_sample()
    remember(stored.info.id, stored.info.name, stored.version.version, stored.scenario)


def open_link(scenario_id: str, version: str | None) -> Scenario:
    """The scenario a ``?s=<id>&v=<n>`` link points at, remembered as the session's base.

    Raises :class:`roi.ScenarioError` with ``link: …`` lines when it cannot be opened.
    """
    problem = pasted_address_problem(scenario_id)
    if problem:
        raise ScenarioError([problem])
    try:
        number = None if version in (None, "") else int(str(version))
    except ValueError:
        raise ScenarioError([f"link: version {str(version)[:20]!r} is not a number"]) from None
    try:
        stored = store().load(scenario_id, number)
    except StoreError as exc:
        lines = getattr(exc, "problems", None) or str(exc).splitlines()
        raise ScenarioError([f"link: {line}" for line in lines]) from None
    remember(stored.info.id, stored.info.name, stored.version.version, stored.scenario)
    return stored.scenario


def link_params(scenario: Scenario) -> tuple[str, int] | None:
    """``(id, version)`` for the address bar while the scenario is exactly a saved version."""
    o = opened()
    if o is None or is_edited(scenario):
        return None
    return o.scenario_id, o.version


def version_link(scenario_id: str, version: int) -> str:
    """Short link that opens a saved version for whoever follows it."""
    return f"{state.app_root_url()}?{state.SHARE_PARAM}={scenario_id}&{VERSION_PARAM}={version}"


def sidebar_status(scenario: Scenario) -> None:
    """In the sidebar: which saved version this is, whether it has unsaved edits, and its link."""
    o = opened()
    if o is None:
        return
    edited = is_edited(scenario)
    st.caption(f"Library: **{md.escape(o.name)}** · version {o.version}"
               + (" · *unsaved changes*" if edited else ""))
    st.markdown(f"[Link to saved version {o.version}]({version_link(o.scenario_id, o.version)})",
                help="A short link to this saved version (it never changes, whatever is saved later).")


# --------------------------------------------------------------------------- change tables

def changes_frame(changes: list[Change], new: Any = None, old: Any = None) -> pd.DataFrame:
    """A table of changes for people: item, field (labelled as on the input pages), old, new.

    ``new``/``old`` (scenario JSON data) name the items the paths point into.
    """
    rows = []
    for c in changes:
        name = item_name(c.path, new, old)
        if is_applied_test(c):
            rows.append({"Item": "", "Field": "Applied test result", "Old": "",
                         "New": format_value(c.new["reason"], 300), "Path": c.path})
            continue
        if c.kind != "changed":
            field = f"({c.kind})"
        elif name is not None:
            field = fields.label(c.path)
        else:
            field = messages.human_where(c.path) if c.path else "(whole scenario)"
        rows.append({"Item": name or "", "Field": field, "Old": "" if c.kind == "added" else format_value(c.old),
                     "New": "" if c.kind == "removed" else format_value(c.new), "Path": c.path})
    return pd.DataFrame(rows, columns=["Item", "Field", "Old", "New", "Path"])


def when(moment: Any) -> str:
    """``2025-12-01 14:02 UTC``."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "—"


def problems_of(exc: Exception) -> list[str]:
    """The lines of a store or scenario error, for :func:`ui.md.bullets`."""
    return list(getattr(exc, "problems", None) or str(exc).splitlines() or [type(exc).__name__])
