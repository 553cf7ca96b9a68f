"""The scenario a user is working on, kept in ``st.session_state``.

Two layers:

* the **scenario** — the last *valid* :class:`~roi.schema.Scenario`; every result on screen is
  computed from it (:func:`get_case`);
* the **draft** — edits the user has typed that have not yet produced a valid scenario, keyed
  by field path (``"initiatives[2].uplift.base"``, or ``"segments"`` for a whole table). While the
  draft is not empty the results are *stale* and every page says so; nothing typed is lost.

Any page may read the scenario with :func:`get_scenario` and replace it with
:func:`set_scenario` (for example when a measured lift replaces an assumed one).
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

import roi
from roi.io import ScenarioError, parse_scenario
from roi.model import BusinessCase
from roi.paths import set_value_at as _assign
from roi.plan import follow_renames
from roi.paths import split_path, value_at  # noqa: F401  (state.value_at is used by ui/inputs.py)
from roi.schema import Scenario
from roi.share import PREFIX as SHARE_PREFIX
from roi.share import V1_PREFIX
from roi.share import LinkTooLongError, decode_scenario, encode_scenario
from ui import streamlit_compat

DEFAULT_SAMPLE = "european_retailer"
SHARE_PARAM = "s"  # URL query parameter: the scenario ("v2.…"/"v1.…" token) or a saved scenario's id (with "v")

_SCENARIO = "scenario"  # last valid Scenario
_SAMPLE = "scenario_sample"  # sample key the scenario started from (None after an upload)
_VERSION = "scenario_version"  # bumped whenever the scenario is replaced; input keys include it
_DRAFT = "scenario_draft"  # dict[path, raw value] of edits not yet valid
_PROBLEMS = "scenario_problems"  # list of "field.path: message" for the draft
_NOTE = "scenario_note"  # one-off message about the last replacement
_LINK_ERROR = "scenario_link_error"  # problems of a shared link that could not be opened
_LAST_EDIT = "scenario_last_edit"  # field path of the most recent edit (to show its problems there)
_ENTRY = "entrypoint_seen"  # set by app.py; missing means a page ran without it (see _init)


# --------------------------------------------------------------------------- scenario

@st.cache_data(show_spinner=False, max_entries=16)
def _sample_json(key: str) -> str:
    """Sample scenario as JSON text (cached: the files do not change while the app runs)."""
    return roi.load_sample(key).model_dump_json()


def sample_names() -> list[str]:
    """Keys of the sample cases in ``data/`` (file stems)."""
    return list(roi.sample_paths())


def sample_label(key: str) -> str:
    """``european_retailer`` → ``European retailer``."""
    return key.replace("_", " ").capitalize()


def _load_sample(key: str) -> Scenario:
    return roi.loads_scenario(_sample_json(key))


def mark_entrypoint() -> None:
    """Called by ``app.py`` on every run, before the page runs."""
    st.session_state[_ENTRY] = True


def _init() -> None:
    ss = st.session_state
    if not ss.get(_ENTRY) and streamlit_compat.in_legacy_multipage_mode():
        streamlit_compat.leave_legacy_multipage()  # a deep link ran a page without app.py
    for key, default in ((_VERSION, 0), (_DRAFT, {}), (_PROBLEMS, [])):
        if key not in ss:
            ss[key] = default
    if _SCENARIO in ss:
        return
    token = st.query_params.get(SHARE_PARAM)
    if token and not token.startswith((SHARE_PREFIX, V1_PREFIX)):  # ?s=<id>&v=<n>: a library version
        from ui import library

        try:
            ss[_SCENARIO] = library.open_link(token, st.query_params.get(library.VERSION_PARAM))
            ss[_SAMPLE] = None
            ss[_NOTE] = "Opened the saved version from the link."
            return
        except ScenarioError as exc:
            ss[_LINK_ERROR] = exc.problems
            token = None
    if token:
        try:
            ss[_SCENARIO] = decode_scenario(token)
            # a link to an unedited sample names it in the picker; anything else is custom
            ss[_SAMPLE] = next((k for k in sample_names() if _load_sample(k) == ss[_SCENARIO]), None)
            ss[_NOTE] = "Opened the scenario from a shared link."
            return
        except ScenarioError as exc:
            ss[_LINK_ERROR] = exc.problems
    keys = sample_names()
    key = DEFAULT_SAMPLE if DEFAULT_SAMPLE in keys else keys[0]
    ss[_SCENARIO] = _load_sample(key)
    ss[_SAMPLE] = key


def get_scenario() -> Scenario:
    """The current valid scenario (the default sample, or the shared link's, on first use)."""
    _init()
    return st.session_state[_SCENARIO]


def set_scenario(scenario: Scenario, note: str | None = None) -> None:
    """Replace the current scenario; pending edits are discarded and inputs re-read it.

    ``note`` is shown to the user once (e.g. "Measured lift applied to Product recommendations").
    """
    _init()
    ss = st.session_state
    ss[_SCENARIO] = scenario
    ss[_VERSION] += 1
    ss[_DRAFT] = {}
    ss[_PROBLEMS] = []
    ss[_NOTE] = note


@functools.lru_cache(maxsize=16)
def parsed(scenario_json: str) -> Scenario:
    """The scenario of JSON the app wrote itself (``model_dump_json``), parsed once per text and
    shared by every cached analysis that takes the JSON as its key: validating a 50-initiative
    case costs about 30 ms, and one rerun of the Risk page asked for it seven times. Read-only, as
    every ``roi`` analysis treats its scenario (edits are copies)."""
    return roi.loads_scenario(scenario_json)


@st.cache_data(show_spinner=False, max_entries=64)
def _evaluate(scenario_json: str) -> BusinessCase:
    return roi.evaluate(parsed(scenario_json))


def forget_sample() -> None:
    """The scenario no longer comes from a sample (an upload, an imported workbook)."""
    _init()
    st.session_state[_SAMPLE] = None


def start_from_sample(key: str, note: str) -> None:
    """Replace the scenario with the sample case ``key`` (a file stem in ``data/``)."""
    set_scenario(_load_sample(key), note=note)
    st.session_state[_SAMPLE] = key


def sample_started_from() -> str | None:
    """The sample the scenario started from; ``None`` after a link or an upload."""
    _init()
    return st.session_state.get(_SAMPLE)


def take_note() -> str | None:
    """The one-off note about the last replacement, once (then it is gone)."""
    _init()
    return st.session_state.pop(_NOTE, None)


def take_link_error() -> list[str] | None:
    """The problems of a shared link that could not be opened, once."""
    _init()
    return st.session_state.pop(_LINK_ERROR, None)


def get_case() -> BusinessCase:
    """The business case of the current scenario (cached by the scenario's JSON)."""
    return _evaluate(get_scenario().model_dump_json())


def version() -> int:
    """Changes whenever the scenario is replaced as a whole; input widget keys include it."""
    _init()
    return st.session_state[_VERSION]


def currency() -> str:
    return get_scenario().settings.currency


# --------------------------------------------------------------------------- draft edits

def draft() -> dict[str, Any]:
    """Pending (not yet valid) edits by field path."""
    _init()
    return st.session_state[_DRAFT]


def problems() -> list[str]:
    """Problems of the pending edits, one ``field.path: message`` line each."""
    _init()
    return st.session_state[_PROBLEMS]


def is_stale() -> bool:
    """True while typed edits are invalid, so results shown are the last valid ones."""
    return bool(problems())


def stage_edit(path: str, value: Any) -> list[str]:
    """Apply an edit to the scenario if the result is valid, otherwise keep it as a draft.

    All pending edits are applied together: the scenario changes only when all of them make a
    valid scenario. Returns the remaining problems (empty when the edit was committed).
    """
    _init()
    ss = st.session_state
    pending: dict[str, Any] = dict(ss[_DRAFT])
    pending.pop(path, None)  # re-insert at the end: later edits win over earlier ones
    if "[" not in path and "." not in path:
        # a whole table replaces any earlier per-field edits inside it
        pending = {k: v for k, v in pending.items() if not k.startswith(path + "[")}
    pending[path] = value
    ss[_LAST_EDIT] = path
    data = ss[_SCENARIO].model_dump(mode="json")
    try:
        for p, v in pending.items():
            _assign(data, p, v)
        follow_renames(ss[_SCENARIO], data)  # a renamed or deleted initiative keeps or loses its pin
        scenario = parse_scenario(data)
    except ScenarioError as exc:
        ss[_DRAFT], ss[_PROBLEMS] = pending, exc.problems
        return exc.problems
    except (KeyError, IndexError, TypeError) as exc:  # a path that no longer exists
        ss[_DRAFT], ss[_PROBLEMS] = pending, [f"{path}: cannot be applied ({exc})"]
        return ss[_PROBLEMS]
    ss[_SCENARIO], ss[_DRAFT], ss[_PROBLEMS] = scenario, {}, []
    return []


def discard_edits() -> None:
    """Drop pending edits; inputs show the last valid scenario again."""
    set_scenario(get_scenario(), note="Invalid edits discarded; showing the last valid scenario.")


def last_edit() -> str | None:
    """Field path of the user's most recent edit, if any."""
    return st.session_state.get(_LAST_EDIT)


# --------------------------------------------------------------------------- sharing

def share_link(token: str) -> str:
    """Full URL that opens the scenario of ``token`` on the Overview."""
    return f"{app_root_url()}?{SHARE_PARAM}={token}"


def share_token(scenario: Scenario) -> str | None:
    """URL token of the scenario, or ``None`` when it is too large for a link."""
    try:
        return encode_scenario(scenario)
    except LinkTooLongError:
        return None


def app_root_url() -> str:
    """URL of the app's first page (the Overview), whatever page the user is on."""
    parts = urlsplit(st.context.url or "")
    if not parts.netloc:
        return ""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}/{base + '/' if base else ''}"


def sync_url(token: str | None, saved_version: int | None = None) -> None:
    """Keep the address bar equal to the shareable link, so a reload keeps the scenario: the token,
    or a saved scenario's id and ``saved_version`` while the scenario is exactly that version."""
    if token is None:
        if SHARE_PARAM in st.query_params:
            del st.query_params[SHARE_PARAM]
    elif st.query_params.get(SHARE_PARAM) != token:
        st.query_params[SHARE_PARAM] = token
    if saved_version is None or token is None:
        if "v" in st.query_params:
            del st.query_params["v"]
    elif st.query_params.get("v") != str(saved_version):
        st.query_params["v"] = str(saved_version)
