"""``roi.compare``: deltas against the first scenario, initiatives matched by name, differing inputs,
chart frames; and the workbook's Change log sheet (``roi.export.changelog``)."""

from __future__ import annotations

import copy
import io

import openpyxl
import pytest

import roi
from roi import compare
from roi.compare import charts
from roi.experiments import analyze_ab, apply_result
from roi.export.xlsx import build_workbook, workbook_bytes
from roi.store import Change, VersionInfo, diff
from roi.store.records import iso


def _data(name: str = "european_retailer") -> dict:
    return roi.load_sample(name).model_dump(mode="json")


def test_deltas_are_each_value_minus_the_first():
    a = roi.load_sample("european_retailer")
    d = _data()
    d["settings"]["discount_rate"] = 0.05
    b = roi.parse_scenario(d)
    items = compare.entries([("A", a), ("B", b), ("A", a)])
    assert [e.label for e in items] == ["A", "B", "A (2)"]
    rows = {r.key: r for r in compare.headline_rows(items)}
    ca, cb = roi.evaluate(a), roi.evaluate(b)
    assert rows["npv"].values == [pytest.approx(ca.npv), pytest.approx(cb.npv), pytest.approx(ca.npv)]
    assert rows["npv"].deltas == [None, pytest.approx(cb.npv - ca.npv), 0.0]
    assert rows["npv"].deltas[1] > 0  # a lower discount rate raises the NPV of a positive case
    assert rows["roi"].deltas[1] == pytest.approx(cb.roi - ca.roi)


def test_undefined_figures_and_missing_initiatives_have_no_delta():
    a = roi.load_sample("european_retailer")
    d = _data()
    gone = d["initiatives"].pop(2)["name"]
    d["settings"]["horizon_years"] = 1  # no payback within one year
    b = roi.parse_scenario(d)
    items = compare.entries([("A", a), ("B", b)])
    rows = {r.key: r for r in compare.headline_rows(items)}
    assert rows["payback_months"].values[1] is None and rows["payback_months"].deltas == [None, None]
    by_name = {r.label: r for r in compare.initiative_rows(items)}
    assert by_name[gone].values[1] is None and by_name[gone].deltas == [None, None]
    with pytest.raises(ValueError, match="metric: must be one of"):
        compare.initiative_rows(items, "nope")


def test_two_to_four_items():
    for n in (2, 3, 4):
        compare.check_count(n)
    for n in (0, 1, 5):
        with pytest.raises(ValueError, match=r"compare: pick 2 to 4 scenarios or versions \(now"):
            compare.check_count(n)


def test_an_item_one_scenario_lacks_is_one_row_not_one_per_field():
    a = _data()
    b = copy.deepcopy(a)
    removed = b["initiatives"].pop(4)["name"]
    b["initiatives"][0]["uplift"]["base"] = 0.06
    c = copy.deepcopy(a)
    c["initiatives"].reverse()  # order is not a difference
    rows = compare.differing_inputs([a, b, c])
    assert [(r.item, r.field) for r in rows] == [("Product recommendations", "uplift.base"), (removed, "")]
    assert rows[0].values == [a["initiatives"][0]["uplift"]["base"], 0.06, a["initiatives"][0]["uplift"]["base"]]
    assert rows[1].values == [removed, None, removed]
    assert compare.differing_inputs([a, c]) == []


def test_chart_frames_hold_every_scenario_and_year():
    a, b = roi.load_sample("european_retailer"), roi.load_sample("retail_bank")
    items = compare.entries([("A", a), ("B", b)])
    flows = charts.cash_flow_frame(items)
    assert len(flows) == (a.settings.horizon_years + 1) + (b.settings.horizon_years + 1)
    assert flows[flows.scenario == "B"].cumulative.iloc[-1] == pytest.approx(sum(roi.evaluate(b).cash_flows))
    assert len(charts.matrix_frame(items)) == len(a.initiatives) + len(b.initiatives)
    charts.cash_flows(items).to_dict()
    charts.matrix(items).to_dict()


def _history() -> tuple[roi.Scenario, list[VersionInfo]]:
    import datetime as dt

    s1 = roi.load_sample("european_retailer")
    s2 = apply_result(s1, "Triggered journeys (abandoned cart, browse)", analyze_ab(20_000, 400, 20_000, 480),
                      test_name="Journeys A/B")
    when = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)
    return s2, [VersionInfo("x", 1, None, 1, "=Ada", "", when),
                VersionInfo("x", 2, 1, 1, "Bob", "+test applied", when + dt.timedelta(days=7), diff(s1, s2))]


def test_the_change_log_sheet_lists_every_change_and_marks_applied_tests():
    scenario, history = _history()
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(scenario, analyses=False, history=history)))
    assert wb.sheetnames[-3:] == ["Change log", "Calc", "_roi"]
    ws = wb["Change log"]
    assert [c.value for c in ws[4]] == ["Version", "Saved (UTC)", "Author", "Reason", "Field", "Old value",
                                        "New value"]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert rows[0][:5] == (1, "2025-03-01 09:30:00", "=Ada", None, "(first version)")
    assert ws.cell(row=5, column=3).data_type == "s"  # "=Ada" stays text
    fields = [r[4] for r in rows[1:]]
    assert len(rows) == 1 + len(history[1].changes)
    assert "initiatives[1].uplift.base" in fields and "changes[0] (applied test result)" in fields
    applied = next(r for r in rows if r[4] == "changes[0] (applied test result)")
    assert applied[6] == scenario.changes[0].reason
    base = next(r for r in rows if r[4] == "initiatives[1].uplift.base")
    assert base[5:] == pytest.approx((roi.load_sample("european_retailer").initiatives[1].uplift.base,
                                      scenario.initiatives[1].uplift.base))
    assert iso(history[1].created_at) == "2025-03-08T09:30:00Z"


def test_no_history_no_sheet_and_the_import_ignores_it():
    from roi.export.xlsx_import import scenario_from_workbook

    scenario, history = _history()
    assert "Change log" not in build_workbook(scenario, analyses=False).sheetnames
    sample = roi.load_sample("retail_bank")
    blob = workbook_bytes(sample, analyses=False, history=history)
    assert scenario_from_workbook(blob) == sample
