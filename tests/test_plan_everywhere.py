"""One plan everywhere: the Overview, the Prioritization page, the deck and the workbook name the same
first initiatives, from the same roi.plan.recommend; pins follow renames."""

from __future__ import annotations

import io

import openpyxl
import pytest
from pptx import Presentation

import roi
from roi.export.pptx import deck_bytes
from roi.export.xlsx import workbook_bytes
from roi.export.xlsx.analysis import header_label
from roi.plan import follow_renames, recommend

from .apptest_helpers import assert_no_exception, open_app

SAMPLE = "european_retailer"


@pytest.fixture(scope="module")
def plan():
    return recommend(roi.load_sample(SAMPLE))


def test_overview_says_the_plan(plan):
    at = open_app("pages/overview.py", SAMPLE)
    shown = " ".join(m.value for m in at.markdown)
    assert f"do {', '.join(plan.first())} first" in shown
    assert all(name in shown for name in plan.dropped)


def test_prioritization_leads_with_the_same_plan(plan):
    at = open_app("pages/prioritization.py", SAMPLE)
    assert_no_exception(at)
    assert f"Do first: {', '.join(plan.first())}" in " ".join(m.value for m in at.markdown)


def test_deck_and_workbook_name_the_same_first_initiatives(plan):
    scenario = roi.load_sample(SAMPLE)
    deck = Presentation(io.BytesIO(deck_bytes(scenario)))
    text = "\n".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    text += "\n".join(c.text for s in deck.slides for sh in s.shapes if sh.has_table
                      for row in sh.table.rows for c in row.cells)
    for name in plan.first():
        assert name[:38] in text
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(scenario)))
    ws = wb["Plan"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    name_head, status_head = header_label("initiative"), header_label("status")  # headers in words
    header = next(k for k, r in enumerate(rows) if name_head in r and status_head in r)
    col, status = rows[header].index(name_head), rows[header].index(status_head)
    done = [r[col] for r in rows[header + 1:] if r[status] == "do"]
    assert done[: len(plan.first())] == [p.name for p in plan.do][: len(plan.first())]
    assert set(plan.first()) <= set(done)


def test_pins_follow_a_rename_and_drop_with_a_deletion():
    sc = roi.load_sample(SAMPLE)
    data = sc.model_dump(mode="json")
    data["plan"]["pinned_in"] = [sc.initiatives[2].name]
    pinned = roi.parse_scenario(data)
    edited = pinned.model_dump(mode="json")
    edited["initiatives"][2]["name"] = "Segments, renamed"
    follow_renames(pinned, edited)
    assert roi.parse_scenario(edited).plan.pinned_in == ["Segments, renamed"]
    edited = pinned.model_dump(mode="json")
    del edited["initiatives"][2]
    follow_renames(pinned, edited)
    assert roi.parse_scenario(edited).plan.pinned_in == []
