"""Personalization ROI dashboard — entry point: ``streamlit run app.py``.

Builds the navigation once over the pages in ``pages/``; holds no model logic. To add a page,
append an entry to :data:`PAGES` (file, title, icon) in the section it belongs to.
"""

from __future__ import annotations

import altair as alt
import streamlit as st

from roi import helper
from roi.allocator import keep_freed_memory
from roi.threads import limit_blas_threads
from ui import admission, exports, messages, sidebar, state

# (section, file in pages/, title, Material icon). Order is the order in the sidebar.
PAGES: list[tuple[str, str, str, str]] = [
    ("Business case", "pages/overview.py", "Overview", ":material/dashboard:"),
    ("Business case", "pages/business_case.py", "Business case", ":material/waterfall_chart:"),
    ("Business case", "pages/prioritization.py", "Prioritization", ":material/bubble_chart:"),
    ("Business case", "pages/uncertainty.py", "Risk & sensitivity", ":material/ssid_chart:"),
    ("Business case", "pages/experiments.py", "Experiments", ":material/science:"),
    ("Business case", "pages/export.py", "Export", ":material/ios_share:"),
    ("Inputs", "pages/audience.py", "Audience", ":material/groups:"),
    ("Inputs", "pages/audience_data.py", "Audience data", ":material/upload_file:"),
    ("Inputs", "pages/content.py", "Content", ":material/photo_library:"),
    ("Inputs", "pages/process.py", "Process", ":material/settings_suggest:"),
    ("Inputs", "pages/initiatives.py", "Initiatives", ":material/list_alt:"),
    ("Library", "pages/scenarios.py", "Scenarios", ":material/folder_open:"),
    ("Library", "pages/compare.py", "Compare", ":material/compare_arrows:"),
]


def build_navigation() -> dict[str, list[st.Page]]:
    """Sections → ``st.Page`` objects, the first page being the default."""
    sections: dict[str, list[st.Page]] = {}
    for k, (section, path, title, icon) in enumerate(PAGES):
        sections.setdefault(section, []).append(st.Page(path, title=title, icon=icon, default=k == 0))
    return sections


def run() -> None:
    limit_blas_threads()  # one BLAS thread: sessions, not matrix products, share the cores
    keep_freed_memory()  # analyses free and reallocate the same arrays: keep them (roi.allocator)
    helper.start()  # the Monte Carlo's process (roi.helper), ready before a page asks for a run
    # Altair checks every axis, scale and mark against the Vega-Lite schema as it is built (its
    # "debug mode"): a third of a chart's cost on the Risk page. The test suite validates every
    # chart the pages draw (tests/test_charts.py), so the server skips the check.
    alt.utils.schemapi.disable_debug_mode()
    st.set_page_config(
        page_title="Personalization ROI",
        page_icon=":material/trending_up:",
        layout="wide",
        initial_sidebar_state="expanded",
    )
    state.mark_entrypoint()
    page = st.navigation(build_navigation(), expanded=True)  # every page listed: no "View more"
    with admission.turn():  # a few runs compute at once, the rest queue (ui/admission.py: faster under load)
        sidebar.scenario_sidebar()
        messages.banner()
        exports.presentation_mode()
        page.run()


if __name__ == "__main__":
    run()
