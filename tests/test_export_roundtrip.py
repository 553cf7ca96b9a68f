"""Scenario JSON → xlsx → scenario: equal; assumptions edited in the workbook come back;
a workbook that is not ours, or is damaged, is refused with a reason naming what is wrong."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

import roi
from roi.export.xlsx import ASSUMPTIONS, META_SHEET, workbook_bytes
from roi.export.xlsx_import import scenario_from_workbook

from .factories import initiative, scenario_dict

SAMPLES = sorted(roi.sample_paths())


def _rows(wb: openpyxl.Workbook) -> dict[str, int]:
    ws = wb[ASSUMPTIONS]
    return {ws.cell(row=r, column=9).value: r for r in range(2, ws.max_row + 1)}


def _edited(blob: bytes, edit) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(blob))
    edit(wb, wb[ASSUMPTIONS], _rows(wb))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name", SAMPLES)
def test_round_trip_is_identity(name):
    scenario = roi.load_sample(name)
    back = scenario_from_workbook(workbook_bytes(scenario))
    assert back == scenario
    assert roi.dumps_scenario(back) == roi.dumps_scenario(scenario)


def test_round_trip_keeps_awkward_text():
    """Names and notes that look like formulas, error values or JSON survive unchanged."""
    data = scenario_dict([initiative(name="=HYPERLINK(\"http://x\",\"y\")", description="#N/A",
                                     evidence={"kind": "measured", "source": "+1+1", "year": 2024,
                                               "note": "\tindented\r\nnote"})],
                         description="-2+3 @SUM(A1)")
    data["settings"]["sources"] = {"discount_rate": "=finance team"}
    scenario = roi.parse_scenario(data)
    assert scenario_from_workbook(workbook_bytes(scenario)) == scenario


def test_edited_assumptions_are_restored():
    scenario = roi.load_sample("european_retailer")

    def edit(wb, ws, rows):
        ws.cell(row=rows["initiatives[0].uplift.base"], column=4).value = 0.1
        ws.cell(row=rows["initiatives[1].one_time_cost"], column=4).value = 333_000
        ws.cell(row=rows["segments[0].customers"], column=6).value = "CRM extract, March"  # a new source
        ws.cell(row=rows["content.reuse_rate"], column=6).value = None  # source removed
        ws.cell(row=rows["initiatives[2].depth"], column=4).value = "one_to_one"

    back = scenario_from_workbook(_edited(workbook_bytes(scenario), edit))
    assert back.initiatives[0].uplift.base == 0.1
    assert back.initiatives[1].one_time_cost == 333_000
    assert back.initiatives[2].depth.value == "one_to_one"
    assert back.segments[0].sources["customers"] == "CRM extract, March"
    assert "reuse_rate" not in back.content.sources
    expected = scenario.model_dump()
    expected["initiatives"][0]["uplift"]["base"] = 0.1
    expected["initiatives"][1]["one_time_cost"] = 333_000
    expected["initiatives"][2]["depth"] = "one_to_one"
    expected["segments"][0]["sources"] = {"customers": "CRM extract, March"}
    expected["content"]["sources"] = {}
    assert back == roi.parse_scenario(expected)
    assert roi.evaluate(back).npv != roi.evaluate(scenario).npv


def test_rows_may_be_sorted_in_excel():
    """The import finds each value by its field key, not by its row number."""
    scenario = roi.load_sample("retail_bank")
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(scenario)))
    ws = wb[ASSUMPTIONS]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    rows.reverse()
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            ws.cell(row=r, column=c).value = v
            ws.cell(row=r, column=c).data_type = "n" if isinstance(v, (int, float)) else "s"
    buf = io.BytesIO()
    wb.save(buf)
    assert scenario_from_workbook(buf.getvalue()) == scenario


def _refused(blob: bytes) -> list[str]:
    with pytest.raises(roi.ScenarioError) as info:
        scenario_from_workbook(blob)
    return info.value.problems


def test_invalid_edit_is_refused_naming_the_cell():
    scenario = roi.load_sample("european_retailer")

    def edit(wb, ws, rows):
        ws.cell(row=rows["segments[1].consent_share"], column=4).value = 1.7
        ws.cell(row=rows["settings.discount_rate"], column=4).value = "ten percent"

    problems = _refused(_edited(workbook_bytes(scenario), edit))
    assert any("settings.discount_rate" in p and "must be a number" in p and p.startswith("Assumptions!D")
               for p in problems)
    # the type error is reported first; fix it and the range error is named with its cell
    def edit2(wb, ws, rows):
        ws.cell(row=rows["segments[1].consent_share"], column=4).value = 1.7

    problems = _refused(_edited(workbook_bytes(scenario), edit2))
    assert problems == [f"Assumptions!D{_rows(openpyxl.load_workbook(io.BytesIO(workbook_bytes(scenario))))['segments[1].consent_share']} "
                        "segments[1].consent_share: must be between 0 and 1"]


def test_foreign_workbook_is_refused():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "quarterly numbers"
    buf = io.BytesIO()
    wb.save(buf)
    assert _refused(buf.getvalue()) == [
        "workbook: not exported by this tool (no scenario record); export a case from the app or with "
        "`python -m roi export` and edit that"]


def test_not_a_workbook_is_refused():
    assert _refused(b"name,value\nx,1\n")[0].startswith("file: not an Excel .xlsx workbook")
    blob = workbook_bytes(roi.load_sample("retail_bank"))
    assert _refused(blob[: len(blob) // 2])[0].startswith("file: not an Excel .xlsx workbook")


def test_damaged_record_is_refused():
    blob = workbook_bytes(roi.load_sample("retail_bank"))

    def tamper(wb, ws, rows):
        meta = wb[META_SHEET]
        meta["A5"].value = meta["A5"].value.replace("Affluent", "Afluent")

    assert _refused(_edited(blob, tamper)) == [
        "workbook: the scenario record is damaged (checksum mismatch); re-export the case"]

    def drop_row(wb, ws, rows):
        ws.delete_rows(rows["process.governance"])

    problems = _refused(_edited(blob, drop_row))
    assert problems == ["Assumptions: the row for process.governance is missing (column I holds each row's field key)"]

    def drop_sheet(wb, ws, rows):
        del wb[ASSUMPTIONS]

    assert _refused(_edited(blob, drop_sheet)) == ["workbook: the Assumptions sheet is missing"]


def test_damaged_zip_part_is_refused():
    blob = workbook_bytes(roi.load_sample("retail_bank"))
    src = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    problems = _refused(out.getvalue())
    assert len(problems) == 1 and problems[0].startswith(("file: the workbook is damaged", "file: not an Excel"))


def test_every_bad_cell_is_reported_at_once():
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(roi.load_sample("retail_bank"))))
    ws = wb[ASSUMPTIONS]
    rows = {ws.cell(row=r, column=9).value: r for r in range(2, ws.max_row + 1)}
    ws[f"D{rows['segments[0].consent_share']}"] = "abc"  # unreadable
    ws[f"D{rows['segments[1].customers']}"] = -5  # out of range
    ws[f"D{rows['initiatives[0].uplift.base']}"] = 50  # out of range
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(roi.ScenarioError) as exc:
        scenario_from_workbook(buf.getvalue())
    text = "\n".join(exc.value.problems)
    assert len(exc.value.problems) == 3, text
    for field in ("segments[0].consent_share", "segments[1].customers", "initiatives[0].uplift.base"):
        assert field in text
