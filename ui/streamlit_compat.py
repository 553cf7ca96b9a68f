"""The one place the app relies on a private Streamlit attribute: leaving legacy multipage mode.

Streamlit decides once per server process, when the first session starts, whether the app uses
the legacy ``pages/`` folder (``PagesManager.uses_pages_directory``). Our pages live in ``pages/``
(the project's layout names it) but are listed by ``st.navigation`` in ``app.py``, which sets the
flag to ``False`` — yet only once ``app.py`` has run. When the very first request of a fresh
server is a deep link (``/prioritization``), Streamlit 1.67 runs that page on its own in legacy
mode: no navigation, no sidebar, no layout. The pinned Streamlit offers no supported switch
(``st.navigation`` itself writes the same attribute), so :func:`leave_legacy_multipage` writes it
and reruns, through ``app.py``. ``tests/test_streamlit_compat.py`` fails when Streamlit renames
or stops reading the attribute, and a browser test opens a deep link on a fresh server.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def in_legacy_multipage_mode() -> bool:
    """Whether Streamlit would run a ``pages/`` script on its own, bypassing ``app.py``."""
    return bool(PagesManager.uses_pages_directory)


def leave_legacy_multipage() -> None:
    """Switch the process to ``st.navigation`` mode (what ``app.py`` does on its first run)
    and rerun, so this session's page runs inside ``app.py``'s navigation."""
    PagesManager.uses_pages_directory = False
    st.rerun()
