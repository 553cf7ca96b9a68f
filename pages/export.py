"""Export: the live Excel model, the meeting deck, CSV tables, and an edited workbook back in."""

from __future__ import annotations

import io

import streamlit as st

from ui import exports, state

scenario = state.get_scenario()
case = state.get_case()
key = scenario.model_dump_json()
stem = exports.slug(scenario.settings.name)

st.title("Export")
st.caption("Hand the case to a finance team as a live spreadsheet, take their edits back, or present it.")

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Excel model")
    st.markdown(
        "A **live model**: cash flow, NPV, IRR, ROI, payback and every initiative's figures are formulas "
        "that lead back to the **Assumptions** sheet (one input per row, with unit, source and evidence). "
        "Change an assumption in Excel or LibreOffice and the case recalculates; the *Calc* sheet shows "
        "each step of the model. The analyses — prioritization, roadmap, test plan, sensitivity, Monte Carlo, "
        "breakeven and cost of delay — follow as **values** on grey-tabbed sheets, computed with the Risk "
        "page's defaults (each sheet says how to reproduce it with `python -m roi`).")
    st.download_button("Download Excel model (.xlsx)", data=exports._deferred(lambda: exports.workbook(key)),
                       file_name=f"{stem}.xlsx", mime=exports.XLSX_MIME, type="primary",
                       icon=":material/table_view:", key="dl_xlsx", on_click="ignore")
with right:
    st.subheader("Meeting deck")
    st.markdown(
        "Title, executive summary with the range, business case by component, risk (tornado and Monte Carlo "
        "with P10 / P50 / P90 and the chance of losing money), prioritization matrix and roadmap, test plan "
        "and key assumptions with sources — with the same charts as on screen.")
    st.download_button("Download deck (.pptx)", data=exports._deferred(lambda: exports.deck(key)),
                       file_name=f"{stem}.pptx", mime=exports.PPTX_MIME, icon=":material/slideshow:",
                       key="dl_pptx", on_click="ignore")

st.subheader("Bring back an edited workbook")
st.markdown("Upload a workbook exported here (and edited in a spreadsheet program). Values are read back "
            "from its **Assumptions** sheet; a workbook that is not ours, or is damaged, is refused and "
            "the current scenario stays.")


def _on_workbook() -> None:
    uploaded = st.session_state.get("workbook_upload")
    if uploaded is not None:
        exports.import_workbook(uploaded.getvalue(), uploaded.name)


st.file_uploader("Exported workbook (.xlsx)", type=["xlsx"], key="workbook_upload", on_change=_on_workbook)
exports.import_feedback()

st.subheader("Tables as CSV")
st.caption("UTF-8 with a byte-order mark, so Excel opens accents and currency symbols correctly. Text that a "
           "spreadsheet would run as a formula is prefixed with ' . The risk tables (sensitivity, Monte Carlo, "
           "breakeven, cost of delay) use the Risk page's defaults.")
# The risk tables need a Monte Carlo run: build them on demand, not on every rerun of the page.
st.download_button("Download every table (.zip)", data=exports._deferred(lambda: exports.csv_zip(key)),
                   file_name=f"{stem}_tables.zip", mime="application/zip", icon=":material/folder_zip:",
                   key="dl_csv_zip", on_click="ignore")
if st.toggle("Show the tables one by one", key="csv_one_by_one"):
    with st.spinner("Preparing the tables…"):
        files = exports.csv_files(key)
    cols = st.columns(4)
    for k, (name, blob) in enumerate(files.items()):
        cols[k % 4].download_button(name, data=io.BytesIO(blob), file_name=f"{stem}_{name}", mime="text/csv",
                                    key=f"dl_csv_{name}", icon=":material/download:", on_click="ignore",
                                    width="stretch")

st.subheader("Presenting")
st.markdown("**Presentation mode** (toggle in the sidebar) widens the page, enlarges the figures and hides "
            "the inputs, for showing the app itself on a screen. Every chart has PNG and SVG downloads.")
