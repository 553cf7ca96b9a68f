"""Uploads and open tabs that survive a visit to another tab or page.

Streamlit forgets a widget's state at the end of any run that does not draw it: a visit to another
page, or — since the Experiments page draws only its open tab — to another tab. The pages' value
widgets keep theirs with Streamlit's ``persist_state="session"``; a file uploader and a set of
tabs cannot, so :func:`file_uploader` keeps the last file uploaded and :func:`tabs` the tab
last opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from ui import md

_FORGET, _FILE, _OPEN = "__forget", "__kept", "__open"  # key suffixes: "Forget" button, kept file, open tab


@dataclass(frozen=True)
class KeptFile:
    """An uploaded file's name and bytes, as :func:`file_uploader` keeps them."""

    name: str
    data: bytes
    file_id: str = ""  # the upload it came from (Streamlit's id): a new upload replaces it

    def getvalue(self) -> bytes:
        """The file's bytes (as an ``UploadedFile`` gives them)."""
        return self.data


def file_uploader(label: str, key: str, where: Any = None, **kwargs: Any) -> KeptFile | None:
    """``st.file_uploader`` whose file stays after a visit to another tab or page.

    The last file uploaded is kept in the session (``key + "__kept"``) until the user removes it
    from the uploader, uploads another, or presses "Forget" beside the note that says which file
    is in use; ``where`` is the container to draw in (default: the page).
    """
    ss, where = st.session_state, where or st
    store = key + _FILE

    def removed() -> None:  # the user's own change: a removed file is forgotten
        if ss.get(key) is None:
            ss.pop(store, None)

    uploaded = where.file_uploader(label, key=key, on_change=removed, **kwargs)
    if uploaded is not None:
        current = ss.get(store)
        file_id = str(getattr(uploaded, "file_id", ""))
        if (current is None or current.file_id != file_id or current.name != uploaded.name
                or not file_id and current.data != uploaded.getvalue()):
            ss[store] = KeptFile(uploaded.name, uploaded.getvalue(), file_id)
        return ss[store]
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
