"""Uploads and open tabs that survive a visit to another tab or page.

Streamlit forgets a widget's state at the end of any run that does not draw it: a visit to another
page, or — since the Experiments page draws only its open tab — to another tab. The pages' value
widgets keep theirs with Streamlit's ``persist_state="session"``; a file uploader and a set of
tabs cannot, so :func:`file_uploader` keeps the last file uploaded and :func:`tabs` the tab
last opened. A setting whose default depends on the case is forgotten when the scenario is
replaced as a whole (:func:`follow_the_case`), so a new case starts from its own defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from ui import md, state

_FORGET, _FILE, _OPEN = "__forget", "__kept", "__open"  # key suffixes: "Forget" button, kept file, open tab


def file_uploader(label: str, key: str, where: Any = None, **kwargs: Any) -> UploadedFile | None:
    """``st.file_uploader`` whose file stays after a visit to another tab or page.

    The last file uploaded (Streamlit's ``UploadedFile`` itself, not a second copy of its bytes)
    is kept in the session (``key + "__kept"``) until the user removes it from the uploader,
    uploads another, or presses "Forget" beside the note that says which file is in use — so a
    session holds at most one file per uploader, within the uploader's ``max_upload_size``;
    ``where`` is the container to draw in (default: the page).
    """
    ss, where = st.session_state, where or st
    store = key + _FILE

    def removed() -> None:  # the user's own change: a removed file is forgotten
        if ss.get(key) is None:
            ss.pop(store, None)

    uploaded = where.file_uploader(label, key=key, on_change=removed, **kwargs)
    if uploaded is not None:
        ss[store] = uploaded
        return uploaded
    current = ss.get(store)
    if current is None:
        return None
    note, forget = where.columns([4, 1], vertical_alignment="center")
    note.caption(f"Using **{md.escape(current.name)}**, uploaded earlier. Upload another file to replace it.")
    if forget.button("Forget", key=key + _FORGET, help="Stop using this file."):
        ss.pop(store, None)
        st.rerun()
    return current


def tabs(labels: Sequence[str], key: str) -> Sequence[Any]:
    """``st.tabs`` that run only the open tab's content (each tab's ``.open``; a switch reruns the
    page) and open, on a return to the page, the tab last open (kept as ``key + "__open"``)."""
    ss = st.session_state
    last = ss.get(key + _OPEN)
    if key not in ss and last in labels:  # back on the page: Streamlit forgot the tabs' state
        ss[key] = last
    out = st.tabs(list(labels), key=key, on_change="rerun")
    ss[key + _OPEN] = next((label for label, tab in zip(labels, out) if tab.open), None)
    return out


def follow_the_case(marker: str, keys: Iterable[str]) -> None:
    """Forget the settings ``keys`` (their widgets then start from their defaults) when the
    scenario has been replaced as a whole — another sample, an upload, a library version — since
    the last run that called this with ``marker``; edits to the scenario keep them."""
    ss = st.session_state
    if ss.get(marker) != state.version():
        for key in keys:
            ss.pop(key, None)
        ss[marker] = state.version()
