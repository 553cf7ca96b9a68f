"""The scenario sidebar on every page: sample picker, reset, JSON upload and download, the link."""

from __future__ import annotations

import re

import streamlit as st

import roi
from roi.bounded import MAX_JSON_BYTES, upload_megabytes
from roi.io import ScenarioError
from ui import md, state

_UPLOAD_ERROR = "scenario_upload_error"  # (file name, problems) of the last refused upload
_UPLOAD_NONCE = "scenario_upload_nonce"  # bumped after an upload: a fresh uploader widget
_PICKER = "sample_picker"


def _forget_library() -> None:
    from ui import library

    library.forget()  # a sample or an upload is not the saved version the session opened


def _on_sample_change() -> None:
    key = st.session_state[_PICKER]
    if key is None:
        return
    state.start_from_sample(key, f"Loaded the sample case “{state.sample_label(key)}”.")
    _forget_library()


def _on_reset() -> None:
    key = st.session_state.get(_PICKER) or state.DEFAULT_SAMPLE
    state.start_from_sample(key, f"Reset to the sample case “{state.sample_label(key)}”.")
    _forget_library()


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
    state.set_scenario(scenario, note=f"Loaded “{md.escape(scenario.settings.name)}” from {md.escape(uploaded.name)}.")
    state.forget_sample()
    _forget_library()
    ss[_UPLOAD_ERROR] = None
    ss[_UPLOAD_NONCE] += 1  # a fresh uploader, so the same file can be loaded again later


def slug(name: str) -> str:
    """A file-name stem for a scenario name: ``Retail bank (2027)`` → ``retail_bank_2027``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:60] or "scenario"


def scenario_sidebar() -> None:
    """Sample picker, JSON upload/download, shareable link and reset, on every page."""
    scenario = state.get_scenario()
    ss = st.session_state
    ss.setdefault(_UPLOAD_NONCE, 0)
    started = state.sample_started_from()  # None after a shared link or an upload: no sample shown
    if _PICKER not in ss or ss[_PICKER] != started:
        ss[_PICKER] = started
    with st.sidebar:
        st.markdown("### Scenario")
        st.caption(md.escape(scenario.settings.name))
        st.selectbox(
            "Sample case",
            state.sample_names(),
            key=_PICKER,
            format_func=state.sample_label,
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
            max_upload_size=upload_megabytes(MAX_JSON_BYTES),
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
            file_name=f"{slug(scenario.settings.name)}.json",
            mime="application/json",
            width="stretch",
            help="The current (last valid) scenario, to edit offline or share as a file.",
        )
        from ui import library

        token = state.share_token(scenario)
        saved = library.link_params(scenario)
        state.sync_url(*(saved if saved else (token, None)))
        library.sidebar_status(scenario)
        if token is None:
            st.caption("This scenario is too large for a link; share the JSON file instead.")
        else:
            link = state.share_link(token)
            st.markdown(f"[Shareable link to this scenario]({link})", help="Opens the same case "
                        "for whoever follows it. The address bar always holds this link too.")
            with st.expander("Copy link"):
                st.code(link, language=None, wrap_lines=True)
