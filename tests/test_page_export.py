"""AppTest of the Export page and of the workbook round trip in the app.

AppTest (1.67) cannot drive a file uploader, so the upload is exercised through the same
handler the page's uploader calls (``ui.exports.import_workbook``) in a small script app.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

import roi
from roi.export.xlsx import ASSUMPTIONS, workbook_bytes
from roi.share import encode_scenario

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def test_export_page_renders_downloads():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["s"] = encode_scenario(roi.load_sample("retail_bank"))
    at.run()
    at.switch_page("pages/export.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Export"
    assert [s.value for s in at.subheader][:2] == ["Excel model", "Meeting deck and brief"]
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"Download Excel model (.xlsx)", "Download deck (.pptx)", "Download executive brief (.pdf)",
            "Download every table (.zip)"} <= labels
    assert not any(label.endswith(".csv") for label in labels)  # the risk tables wait until asked for
    at.toggle(key="csv_one_by_one").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"sensitivity_tornado.csv", "monte_carlo_summary.csv", "breakeven.csv", "cost_of_delay.csv"} <= labels


def test_csv_zip_holds_every_table():
    import io
    import zipfile

    from roi.export.csv import all_csv, zip_bytes

    scenario = roi.load_sample("retail_bank")
    files = all_csv(scenario, roi.evaluate(scenario))
    with zipfile.ZipFile(io.BytesIO(zip_bytes(files))) as archive:
        assert sorted(archive.namelist()) == sorted(files)
        assert archive.read("cash_flow.csv") == files["cash_flow.csv"]


def _upload_app(blob: bytes | None = None, name: str = "edited.xlsx") -> AppTest:
    def script():
        import streamlit as st

        from ui import exports, state

        blob = st.session_state.get("blob")
        if blob is not None and not st.session_state.get("done"):
            st.session_state["done"] = True
            exports.import_workbook(blob, st.session_state["name"])
        exports.import_feedback()
        st.write("scenario:" + state.get_scenario().settings.name)
        st.write(f"npv:{state.get_case().npv!r}")

    at = AppTest.from_function(script, default_timeout=60)
    if blob is not None:
        at.session_state["blob"] = blob
        at.session_state["name"] = name
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_upload_of_edited_workbook_replaces_scenario(tmp_path):
    start = _upload_app()
    default_name = next(t for t in _texts(start) if t.startswith("scenario:"))
    scenario = roi.load_sample("european_retailer")
    path = tmp_path / "e.xlsx"
    path.write_bytes(workbook_bytes(scenario))
    wb = openpyxl.load_workbook(path)
    ws = wb[ASSUMPTIONS]
    rows = {ws.cell(row=r, column=9).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(row=rows["settings.name"], column=4).value = "Edited in Excel"
    ws.cell(row=rows["initiatives[0].one_time_cost"], column=4).value = 999_000
    wb.save(path)
    at = _upload_app(path.read_bytes())
    assert "scenario:Edited in Excel" in _texts(at)
    assert default_name != "scenario:Edited in Excel"
    expected = scenario.model_dump()
    expected["settings"]["name"] = "Edited in Excel"
    expected["initiatives"][0]["one_time_cost"] = 999_000
    assert f"npv:{roi.evaluate(roi.parse_scenario(expected)).npv!r}" in _texts(at)
    assert at.success and "One-time cost: 450000.0 → 999000" in at.success[0].value


@pytest.mark.parametrize("blob, reason", [
    (b"not a workbook", "file: not an Excel .xlsx workbook"),
    (None, "workbook: not exported by this tool"),
])
def test_refused_workbook_keeps_scenario(tmp_path, blob, reason):
    if blob is None:
        wb = openpyxl.Workbook()
        wb.save(tmp_path / "other.xlsx")
        blob = (tmp_path / "other.xlsx").read_bytes()
    before = _upload_app()
    at = _upload_app(blob, "other.xlsx")
    assert [t for t in _texts(at) if t.startswith("scenario:")] == \
        [t for t in _texts(before) if t.startswith("scenario:")]
    assert at.error and "other.xlsx was not loaded" in at.error[0].value and reason in at.error[0].value


def test_presentation_mode_hides_inputs():
    """Entry-point elements only survive the first run under st.navigation, so a small app is used."""
    def script():
        import streamlit as st

        from ui import exports

        on = exports.presentation_mode()
        st.number_input("An input", value=1.0)
        st.write(f"presenting:{on}")

    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    assert "presenting:False" in _texts(at)
    at.toggle(key="presentation_mode").set_value(True).run()
    assert not at.exception
    assert "presenting:True" in _texts(at)
    assert any("stSidebarUserContent" in m.value and "stNumberInput" in m.value for m in at.markdown)
    at.button(key="exit_presentation").click().run()
    assert "presenting:False" in _texts(at)
