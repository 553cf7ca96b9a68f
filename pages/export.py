"""Export: the live Excel model, the meeting deck, CSV tables, and an edited workbook back in."""

from __future__ import annotations

import io

import streamlit as st

from roi.bounded import upload_megabytes
from roi.export.xlsx_import import MAX_BYTES
from ui import exports, state

scenario = state.get_scenario()
case = state.get_case()
key = scenario.model_dump_json()
stem = exports.slug(scenario.settings.name)
exports.start_renderer()

st.title("Export")
st.caption("Hand the case to a finance team as a live spreadsheet, take their edits back, or present it.")

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Excel model")
    st.markdown(
        "A **live model** a finance team can audit: cash flow, NPV, IRR, ROI, payback, every initiative's "
        "figures and the **TEI tables** (benefits and costs by initiative by year, before and after risk "
        "adjustment, PVs, costs by type, discounted payback) are formulas that lead back to the **Assumptions** "
        "sheet. Yellow cells are live, validated inputs; a **Low / Base / High** switch on the Summary moves every "
        "uplift; the **Checks** sheet shows the reconciliations reading TRUE. Values are saved with the formulas, "
        "so previews and Power Query read them at once. The analyses follow as values on grey-tabbed sheets, each "
        "flagged red when the case has changed since export.")
    st.download_button("Download Excel model (.xlsx)", data=exports._deferred(lambda: exports.workbook(key)),
                       file_name=f"{stem}.xlsx", mime=exports.XLSX_MIME, type="primary",
                       icon=":material/table_view:", key="dl_xlsx", on_click="ignore")
with right:
    st.subheader("Meeting deck and brief")
    st.markdown(
        "The **deck**: the verdict on the title slide, an executive summary (verdict, NPV and its range, the "
        "recommended plan's first moves, what would change our mind), the business case by component, impact vs "
        "resource cost, the roadmap, risk, the test plan, assumptions with sources and an appendix — native, "
        "editable charts, a source footer and speaker notes on every slide. The **brief**: the same in a 2–4 page "
        "PDF for a board pack.")
    st.download_button("Download deck (.pptx)", data=exports._deferred(lambda: exports.deck(key)),
                       file_name=f"{stem}.pptx", mime=exports.PPTX_MIME, icon=":material/slideshow:",
                       key="dl_pptx", on_click="ignore")
    st.download_button("Download executive brief (.pdf)", data=exports._deferred(lambda: exports.brief(key)),
                       file_name=f"{stem}_brief.pdf", mime=exports.PDF_MIME, icon=":material/picture_as_pdf:",
                       key="dl_pdf", on_click="ignore",
                       help="2–4 pages: the verdict, the range, the plan, the charts and the assumptions with sources")

st.subheader("Bring back an edited workbook")
st.markdown("Upload a workbook exported here (and edited in a spreadsheet program). Values are read back "
            "from its **Assumptions** sheet; a workbook that is not ours, or is damaged, is refused and "
            "the current scenario stays.")


def _on_workbook() -> None:
    uploaded = st.session_state.get("workbook_upload")
    if uploaded is not None:
        exports.import_workbook(uploaded.getvalue(), uploaded.name)


st.file_uploader("Exported workbook (.xlsx)", type=["xlsx"], key="workbook_upload", on_change=_on_workbook,
                 max_upload_size=upload_megabytes(MAX_BYTES))
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
