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

import re
from typing import Any
from urllib.parse import urlsplit

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

import roi
from roi import fields
from roi.io import ScenarioError, parse_scenario
from roi.model import BusinessCase
from roi.paths import set_value_at as _assign
from roi.plan import follow_renames
from roi.paths import split_path, value_at  # noqa: F401  (state.value_at is used by ui/inputs.py)
from roi.schema import Scenario
from roi.share import PREFIX as SHARE_PREFIX
from roi.share import V1_PREFIX
from roi.share import LinkTooLongError, decode_scenario, encode_scenario
from ui import md

DEFAULT_SAMPLE = "european_retailer"
SHARE_PARAM = "s"  # URL query parameter: the scenario ("v2.…"/"v1.…" token) or a saved scenario's id (with "v")

_SCENARIO = "scenario"  # last valid Scenario
_SAMPLE = "scenario_sample"  # sample key the scenario started from (None after an upload)
_VERSION = "scenario_version"  # bumped whenever the scenario is replaced; input keys include it
_DRAFT = "scenario_draft"  # dict[path, raw value] of edits not yet valid
_PROBLEMS = "scenario_problems"  # list of "field.path: message" for the draft
_NOTE = "scenario_note"  # one-off message about the last replacement
_LINK_ERROR = "scenario_link_error"  # problems of a shared link that could not be opened
_UPLOAD_ERROR = "scenario_upload_error"
_UPLOAD_NONCE = "scenario_upload_nonce"
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
    if not ss.get(_ENTRY) and PagesManager.uses_pages_directory:
        # Streamlit's legacy multipage mode (a ``pages/`` folder next to app.py) runs a page on
        # its own when the first request of a fresh server is a deep link (e.g. /prioritization),
        # bypassing app.py's navigation, sidebar and layout. Switch to st.navigation and rerun.
        PagesManager.uses_pages_directory = False
        st.rerun()
    for key, default in ((_VERSION, 0), (_DRAFT, {}), (_PROBLEMS, []), (_UPLOAD_NONCE, 0)):
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


@st.cache_data(show_spinner=False, max_entries=64)
def _evaluate(scenario_json: str) -> BusinessCase:
    return roi.evaluate(roi.loads_scenario(scenario_json))


def forget_sample() -> None:
    """The scenario no longer comes from a sample (an upload, an imported workbook)."""
    _init()
    st.session_state[_SAMPLE] = None


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


# --------------------------------------------------------------------------- human messages

# Field name (last part of a path, or a dotted sub-path) → the label the pages use.
FIELD_LABELS: dict[str, str] = {
    "segments": "Segments", "initiatives": "Initiatives", "process": "Process", "content": "Content",
    "settings": "Settings", "name": "Name", "customers": "Customers",
    "visits_per_customer": "Visits per customer", "baseline_conversion_rate": "Conversion",
    "average_order_value": "Order value", "gross_margin": "Gross margin", "retention_rate": "Retention",
    "identifiable_share": "Identifiable", "consent_share": "Consented",
    "channel_reach": "Channel reach", "uplift": "Uplift range", "uplift.low": "Uplift, low",
    "uplift.base": "Uplift, base", "uplift.high": "Uplift, high", "one_time_cost": "One-time cost",
    "annual_running_cost": "Running cost", "variable_campaign_cost": "Variable campaign cost",
    "cost_base": "Cost base addressed", "content_assets": "Content assets", "effort_fte_months": "Effort",
    "months_to_launch": "Months to launch", "evidence.kind": "Evidence", "evidence.source": "Evidence source",
    "alignment": "Cross-team alignment", "test_and_learn": "Test-and-learn culture",
    "feedback_loop": "Feedback loop", "governance": "Governance", "team_annual_cost": "Programme team",
    "platform_annual_cost": "Platform licences and hosting",
    "platform_one_time_cost": "Platform implementation", "tests_per_month": "Test capacity",
    "realisation_floor": "Realised at maturity 1", "ramp_months_slowest": "Ramp at maturity 1",
    "ramp_months_fastest": "Ramp at maturity 5", "reuse_rate": "Reuse rate",
    "cost_per_asset_generic": "Generic asset", "cost_per_asset_segment": "Segment-level asset",
    "cost_per_asset_one_to_one": "1:1 template", "variants_per_asset": "Variants per asset",
    "refreshes_per_year": "Refreshes per year", "horizon_years": "Horizon", "discount_rate": "Discount rate",
    "cost_risk": "Cost risk",
}
# Fields stored as fractions but typed as percentages: their bounds are said in %.
PERCENT_FIELDS = {"baseline_conversion_rate", "gross_margin", "retention_rate", "identifiable_share",
                  "consent_share", "channel_reach", "low", "base", "high", "reuse_rate", "realisation_floor",
                  "discount_rate", "cost_risk"}
_BETWEEN = re.compile(r"between (-?[\d.]+) and (-?[\d.]+)")
_ITEM = re.compile(r"^(segments|initiatives)\[(\d+)\]\.?(.*)$")


def percent_message(msg: str) -> str:
    """Fractions are typed as percentages, so say ``between 0% and 100%``, not ``0 and 1``.

    >>> percent_message("must be between 0 and 1")
    'must be between 0% and 100%'
    """
    return _BETWEEN.sub(lambda m: f"between {float(m[1]) * 100:g}% and {float(m[2]) * 100:g}%", msg)


def field_label(sub: str) -> str:
    """Label of a field path inside an item or section: ``uplift.low`` → ``Uplift, low``."""
    if sub in FIELD_LABELS:
        return FIELD_LABELS[sub]
    last = sub.rpartition(".")[2].split("[")[0]
    return FIELD_LABELS.get(last) or fields.label(sub)


def _item_name(kind: str, index: int) -> str:
    noun = "Segment" if kind == "segments" else "Initiative"
    rows = draft().get(kind)
    try:
        name = rows[index].get("name") if isinstance(rows, list) else value_at(get_scenario(), f"{kind}[{index}]").name
    except (IndexError, KeyError, AttributeError, TypeError):
        name = None
    return str(name) if name else f"{noun} {index + 1}"


def human_message(path: str, msg: str) -> str:
    """A validation message in the user's words: bounds of percentages in %, the uplift order."""
    last = path.rpartition(".")[2]
    if last in PERCENT_FIELDS or fields.is_percent(path) or _BETWEEN.search(msg) and "between 0 and 1" in msg:
        msg = percent_message(msg)
    if msg == "must satisfy low <= base <= high":
        msg = "low, base and high must be in order (low ≤ base ≤ high)"
    return msg


def human_where(path: str) -> str:
    """``initiatives[0].channel_reach`` → ``Product recommendations › Channel reach``."""
    m = _ITEM.match(path)
    if m:
        return f"{_item_name(m[1], int(m[2]))} › {field_label(m[3]) if m[3] else 'Row'}"
    head, _, rest = path.partition(".")
    if rest:
        return f"{FIELD_LABELS.get(head, head.capitalize())} › {field_label(rest)}"
    return field_label(path)


def describe(line: str) -> str:
    """Markdown for one problem: the human label and message, the field path in grey after it.

    >>> describe("process.alignment: must be between 1 and 5")
    '**Process › Cross-team alignment**: must be between 1 and 5 :gray[· process.alignment]'
    """
    path, _, msg = line.partition(": ")
    if not msg:
        return line
    return f"**{md.escape(human_where(path))}**: {md.escape(human_message(path, msg))} :gray[· {md.escape(path)}]"


def problems_for(prefix: str) -> list[str]:
    """Problems whose field path is ``prefix`` or lies inside it."""
    out = []
    for line in problems():
        path = line.split(":", 1)[0]
        if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
            out.append(line)
    return out


# --------------------------------------------------------------------------- sharing

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


def share_link(scenario: Scenario) -> str | None:
    """Full URL that opens this scenario on the Overview, or ``None`` when it is too large."""
    token = share_token(scenario)
    if token is None:
        return None
    return f"{app_root_url()}?{SHARE_PARAM}={token}"


def _sync_url(token: str | None, saved_version: int | None = None) -> None:
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


# --------------------------------------------------------------------------- sidebar

def _on_sample_change() -> None:
    key = st.session_state["sample_picker"]
    if key is None:
        return
    set_scenario(_load_sample(key), note=f"Loaded the sample case “{sample_label(key)}”.")
    st.session_state[_SAMPLE] = key
    _forget_library()


def _on_reset() -> None:
    key = st.session_state.get("sample_picker") or DEFAULT_SAMPLE
    set_scenario(_load_sample(key), note=f"Reset to the sample case “{sample_label(key)}”.")
    st.session_state[_SAMPLE] = key
    _forget_library()


def _forget_library() -> None:
    from ui import library

    library.forget()  # a sample or an upload is not the saved version the session opened


def _on_upload() -> None:
    ss = st.session_state
    uploaded = ss.get(f"upload_{ss[_UPLOAD_NONCE]}")
    if uploaded is None:
        return
    try:
        scenario = roi.loads_scenario(uploaded.getvalue())
    except ScenarioError as exc:
        ss[_UPLOAD_ERROR] = (uploaded.name, exc.problems)
        return
    set_scenario(scenario, note=f"Loaded “{md.escape(scenario.settings.name)}” from {md.escape(uploaded.name)}.")
    forget_sample()
    _forget_library()
    ss[_UPLOAD_ERROR] = None
    ss[_UPLOAD_NONCE] += 1  # a fresh uploader, so the same file can be loaded again later


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:60] or "scenario"


def scenario_sidebar() -> None:
    """Sample picker, JSON upload/download, shareable link and reset, on every page."""
    scenario = get_scenario()
    ss = st.session_state
    keys = sample_names()
    started = ss.get(_SAMPLE)  # None after a shared link or an upload: the picker shows no sample
    if "sample_picker" not in ss or ss["sample_picker"] != started:
        ss["sample_picker"] = started
    with st.sidebar:
        st.markdown("### Scenario")
        st.caption(scenario.settings.name)
        st.selectbox(
            "Sample case",
            keys,
            key="sample_picker",
            format_func=sample_label,
            placeholder="Custom scenario (link or upload)",
            on_change=_on_sample_change,
            help="Load one of the sample business cases shipped in data/.",
        )
        st.button(
            "Reset to sample",
            on_click=_on_reset,
            help="Discard all edits and reload the selected sample case (the default one when the "
            "scenario came from a link or an upload).",
            width="stretch",
        )
        st.file_uploader(
            "Upload scenario (JSON)",
            type=["json"],
            key=f"upload_{ss[_UPLOAD_NONCE]}",
            on_change=_on_upload,
            help="A scenario file as downloaded below. An invalid file is refused and the "
            "current scenario stays.",
        )
        upload_error = ss.get(_UPLOAD_ERROR)
        if upload_error:
            name, lines = upload_error
            st.error(
                f"**{md.escape(name)} was not loaded** — the current scenario stays.\n\n"
                + md.bullets(lines)
            )
        st.download_button(
            "Download scenario (JSON)",
            data=roi.dumps_scenario(scenario),
            file_name=f"{_slug(scenario.settings.name)}.json",
            mime="application/json",
            width="stretch",
            help="The current (last valid) scenario, to edit offline or share as a file.",
        )
        from ui import library

        token = share_token(scenario)
        saved = library.link_params(scenario)
        _sync_url(*(saved if saved else (token, None)))
        library.sidebar_status(scenario)
        if token is None:
            st.caption("This scenario is too large for a link; share the JSON file instead.")
        else:
            link = f"{app_root_url()}?{SHARE_PARAM}={token}"
            st.markdown(f"[Shareable link to this scenario]({link})", help="Opens the same case "
                        "for whoever follows it. The address bar always holds this link too.")
            with st.expander("Copy link"):
                st.code(link, language=None, wrap_lines=True)


def messages() -> None:
    """One-off notes, link errors and the stale-result banner, at the top of every page."""
    _init()
    ss = st.session_state
    note = ss.get(_NOTE)
    if note:
        st.toast(note)
        ss[_NOTE] = None
    link_error = ss.get(_LINK_ERROR)
    if link_error:
        st.error(
            "**The shared link could not be opened**, so the sample case is shown instead.\n\n"
            + md.bullets(link_error)
        )
        ss[_LINK_ERROR] = None
    if is_stale():
        lines = problems()
        with st.container(border=True):
            st.warning(
                "**Results are stale.** Some inputs are invalid, so every figure below is from "
                "the last valid scenario. Fix:\n\n"
                + "\n".join(f"- {describe(line)}" for line in lines[:10])
                + ("\n- …" if len(lines) > 10 else ""),
                icon="⚠️",
            )
            st.button("Discard invalid edits", on_click=discard_edits, key="discard_edits")
