"""The private Streamlit attribute :mod:`ui.streamlit_compat` writes still means what it did.

If a Streamlit upgrade renames ``PagesManager.uses_pages_directory`` or stops reading it, these
fail, and ``ui/streamlit_compat.py`` must be revisited (perhaps deleted, if Streamlit then offers
a supported switch). The behaviour itself — a deep link as a fresh server's first request opens
inside the app's navigation — is checked in a real browser (tests/test_browser.py).
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import streamlit.commands.navigation as navigation
import streamlit.runtime.scriptrunner.script_runner as script_runner
from streamlit.runtime.pages_manager import PagesManager

from ui import streamlit_compat

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_flag():
    saved = PagesManager.uses_pages_directory
    PagesManager.uses_pages_directory = None  # as in a fresh server process
    yield
    PagesManager.uses_pages_directory = saved


def test_streamlit_turns_legacy_mode_on_for_our_pages_folder(fresh_flag):
    PagesManager(str(ROOT / "app.py"))
    assert PagesManager.uses_pages_directory is True
    assert streamlit_compat.in_legacy_multipage_mode()


def test_the_script_runner_reads_the_flag_and_navigation_clears_it():
    runner = inspect.getsource(script_runner)
    assert "if PagesManager.uses_pages_directory:" in runner and "_mpa_v1(" in runner
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(navigation.navigation)


def test_leaving_sets_the_flag_and_reruns(fresh_flag, monkeypatch):
    reruns = []
    monkeypatch.setattr(streamlit_compat.st, "rerun", lambda: reruns.append(True))
    PagesManager.uses_pages_directory = True
    streamlit_compat.leave_legacy_multipage()
    assert PagesManager.uses_pages_directory is False and reruns == [True]
    assert not streamlit_compat.in_legacy_multipage_mode()
