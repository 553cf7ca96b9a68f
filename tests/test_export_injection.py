"""User text that a spreadsheet would evaluate is stored as text, in xlsx and in CSV.

Checked at the file level: in the xlsx XML the cell is a string cell (``t="s"`` or
``t="inlineStr"``) with no ``<f>`` formula element; in the CSV the field starts with ``'``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

import roi
from roi.export import all_csv, workbook_bytes
from roi.export.safe import csv_text, is_risky

from .factories import SEGMENT, initiative, scenario_dict

ATTACKS = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "\t=1+1", "\r=1+1"]


@pytest.fixture(scope="module")
def scenario() -> roi.Scenario:
    segs = [{**SEGMENT, "name": a, "sources": {"customers": a}} for a in ATTACKS]
    inis = [initiative(name=f"{a} (initiative)" if k % 2 else a, segments=[a],
                       evidence={"kind": "benchmark", "source": a, "note": a}, description=a)
            for k, a in enumerate(ATTACKS)]
    return roi.parse_scenario(scenario_dict(inis, segs, name=ATTACKS[0], description=ATTACKS[1]))


def test_guard_rules():
    assert all(is_risky(a) for a in ATTACKS)
    assert [csv_text(a) for a in ATTACKS] == ["'" + a for a in ATTACKS]
    assert csv_text(-2.5) == -2.5 and csv_text("Loyalty members") == "Loyalty members"


def test_xlsx_stores_attacks_as_text(scenario):
    blob = workbook_bytes(scenario)
    wb = openpyxl.load_workbook(io.BytesIO(blob))
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and any(a in c.value for a in ATTACKS) and c.data_type != "f":
                    seen += 1
                    assert c.data_type == "s", (ws.title, c.coordinate, c.value)
                if c.data_type == "f":
                    # our own formulas never embed user text
                    assert not any(a in c.value for a in ATTACKS), (ws.title, c.coordinate, c.value)
    assert seen >= 4 * len(ATTACKS)
    # the raw XML: no formula element contains an attack string
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode("utf-8")
                for f in re.findall(r"<f>(.*?)</f>", xml, re.S):
                    assert "HYPERLINK" not in f and "SUM(A1)" not in f and "+1+1" not in f, f


def test_xlsx_names_match_what_was_typed(scenario):
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(scenario)))
    # OOXML stores a CR as _x000D_ (Excel and LibreOffice read it back as CR; openpyxl leaves it escaped)
    names = [unescape(wb["Segments"].cell(row=2 + k, column=1).value) for k in range(len(ATTACKS))]
    assert names == ATTACKS
    assert wb["Summary"]["A1"].value == ATTACKS[0] and wb["Summary"]["A1"].data_type == "s"
    assert wb["Segments"]["A2"].quotePrefix  # editing the cell in Excel keeps it text
    # every place user text lands: the title, the Assumptions' text inputs (pale blue, editable), the sources
    ws = wb["Assumptions"]
    rows = {ws.cell(row=r, column=9).value: r for r in range(2, ws.max_row + 1)}
    for key, col in (("settings.name", 4), ("settings.description", 4), ("initiatives[0].evidence.note", 4),
                     ("segments[0].customers", 6)):
        c = ws.cell(row=rows[key], column=col)
        assert c.data_type == "s" and c.quotePrefix and unescape(c.value) in ATTACKS, (key, c.value)


def test_csv_prefixes_attacks(scenario):
    files = all_csv(scenario, roi.evaluate(scenario))
    seen = 0
    for name, blob in files.items():
        assert blob.startswith(b"\xef\xbb\xbf"), name
        for row in csv.reader(io.StringIO(blob.decode("utf-8-sig"), newline="")):
            for field in row:
                assert not is_risky(field) or _is_number(field), (name, field)
                if field.startswith("'") and field[1:] in ATTACKS:
                    seen += 1
    assert seen >= 2 * len(ATTACKS)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_csv_keeps_negative_numbers_as_numbers(scenario):
    text = all_csv(scenario, roi.evaluate(scenario))["cash_flow.csv"].decode("utf-8-sig")
    year0 = next(csv.reader(io.StringIO(text.splitlines()[3])))  # initiative costs (negative)
    assert float(year0[1]) < 0 and year0[1].startswith("-")
