"""The Risk page's analyses in the exports: value sheets, CSV files and the deck's Risk slide.

Expected values come from :mod:`roi.uncertainty` and from the CLI (``python -m roi simulate |
sensitivity | breakeven | delay --json``) at their defaults — the numbers a reader reproduces
with the command written on each sheet. JSON and CSV carry floats exactly (shortest ``repr``);
openpyxl writes 16 significant digits (``%.16g``), so sheet values are compared to 1e-15
relative (:func:`_same`). Also: user text in these sheets stays text, the
import ignores them, and the Monte Carlo runs once for a workbook, a deck and the CSV files.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np
import openpyxl
import pytest
from openpyxl.utils.escape import unescape
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

import roi
from roi import uncertainty as unc
from roi.cli import build_parser, main
from roi.export import all_csv, workbook_bytes
from roi.export.analyses import (MULTIPLIER, RISK_DISTRIBUTION, RISK_SEED, VALUES_NOTE, clear_risk_memo,
                                 risk_analyses)
from roi.export.assumptions import PERCENT, money_format
from roi.export.pptx import deck_bytes
from roi.export.xlsx import VALUES_TAB
from roi.export.xlsx_import import scenario_from_workbook

from .factories import SEGMENT, initiative, scenario_dict
from .test_export_injection import ATTACKS

RETAILER = str(roi.sample_paths()["european_retailer"])
RISK_SHEETS = ["Sensitivity", "Monte Carlo", "Breakeven", "Cost of delay"]
TORNADO = "Tornado: NPV swing per driver, low → high"


@pytest.fixture(scope="module")
def scenario() -> roi.Scenario:
    return roi.load_scenario(RETAILER)


@pytest.fixture(scope="module")
def wb(scenario) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(scenario)))


def _cli_json(capsys, *argv: str) -> Any:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def _fields() -> dict[str, str]:
    """Header → field name over every column of the value sheets (the workbook writes headers in
    words, the CSV files and the CLI the field names); no two fields share a header."""
    from roi.export.analyses import analysis_sheets, risk_sheets
    from roi.export.xlsx.analysis import header_label

    sc = roi.load_sample("european_retailer")
    names = {str(c) for sheet in analysis_sheets(sc, roi.evaluate(sc)) + risk_sheets(risk_analyses(sc), "EUR")
             for t in sheet.tables for c in t.frame.columns}
    back = {header_label(n): n for n in names}
    assert len(back) == len(names), "two fields share a header"
    return back


def _table(ws, heading: str | None = None) -> list[dict[str, Any]]:
    """Rows of the table under ``heading`` (no heading: the table starting on row 4, under the note and
    the staleness flag) as dicts by field name."""
    top = 4 if heading is None else next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == heading) + 1
    back = _fields()
    cols = []
    while ws.cell(top, len(cols) + 1).value is not None:
        cols.append(back[ws.cell(top, len(cols) + 1).value])
    rows, r = [], top + 1
    while ws.cell(r, 1).value is not None:
        rows.append({c: ws.cell(r, k + 1).value for k, c in enumerate(cols)})
        r += 1
    return rows


def _same(got: Any, want: Any) -> bool:
    """Equal, numbers to 1e-15 relative (the 16 digits openpyxl writes); recursive over lists and dicts."""
    if isinstance(got, dict) and isinstance(want, dict):
        return got.keys() == want.keys() and all(_same(got[k], want[k]) for k in got)
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(_same(a, b) for a, b in zip(got, want))
    if isinstance(got, (int, float)) and isinstance(want, (int, float)) and not isinstance(want, bool):
        return got == pytest.approx(want, rel=1e-15, abs=1e-300)
    return got == want


def _blank_is_none(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if v == "" else v) for k, v in row.items()}


def test_defaults_are_the_cli_and_risk_page_defaults(scenario):
    args = build_parser().parse_args(["simulate", RETAILER])
    assert (args.draws, args.seed, args.distribution) == (unc.DEFAULT_DRAWS, RISK_SEED, RISK_DISTRIBUTION)
    assert not args.stated_ranges_only
    r = risk_analyses(scenario)
    assert (r.draws, r.seed, r.distribution, r.ranges) == (unc.DEFAULT_DRAWS, 1, "pert", unc.Ranges())


def test_value_sheets_are_labelled_and_laid_out(wb):
    names = wb.sheetnames
    assert names[names.index("Test plan") + 1:names.index("Calc")] == RISK_SHEETS
    for name in ["Plan", "Prioritization", "Test plan"] + RISK_SHEETS:
        ws = wb[name]
        assert ws["A1"].value.startswith(VALUES_NOTE), name
        assert ws.sheet_properties.tabColor.rgb.endswith(VALUES_TAB), name
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth in (None, 1), name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.freeze_panes, name
        # values only, but for the live staleness flag in C2
        assert [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"] == ["C2"], name
    for name in ("Summary", "Cash flow"):  # the case itself stays live
        assert wb[name].sheet_properties.tabColor is None
    # headers in words for the finance reader: no field name (start_month, npv_low …) as a header
    coded = {n for n in _fields().values() if "_" in n}
    for name in ["Plan", "Prioritization", "Test plan"] + RISK_SHEETS:
        assert not coded & {c.value for row in wb[name].iter_rows() for c in row}, name


def test_sensitivity_rows_equal_cli_and_roi(wb, scenario, capsys):
    ws = wb["Sensitivity"]
    rows = [_blank_is_none(r) for r in _table(ws, TORNADO)]
    assert _same(rows, _cli_json(capsys, "sensitivity", RETAILER, "--json"))
    assert _same(rows, [r.as_dict() for r in unc.tornado(scenario).rows])
    cases = _table(ws, next(ws.cell(r, 1).value for r in range(1, ws.max_row + 1)
                            if str(ws.cell(r, 1).value).startswith("Pessimistic")))
    assert _same([_blank_is_none(r) for r in cases], unc.cases(scenario).summary())
    # number formats follow each driver's unit; money in the scenario's currency
    header = 1 + next(r for r in range(1, 10) if ws.cell(r, 1).value == TORNADO)
    for k, row in enumerate(rows):
        fmt = ws.cell(header + 1 + k, 4).number_format
        assert fmt == {"uplift": PERCENT, "multiplier": MULTIPLIER}.get(row["unit"], fmt)
        assert ws.cell(header + 1 + k, 7).number_format == money_format("EUR")


def test_monte_carlo_equals_simulate_with_the_same_seed_and_draws(wb, scenario, capsys):
    ws = wb["Monte Carlo"]
    summary = _table(ws, "Programme NPV, ROI and payback over the draws")
    got = {r["key"]: r["value"] for r in summary}
    want = _cli_json(capsys, "simulate", RETAILER, "--draws", str(unc.DEFAULT_DRAWS), "--seed", "1", "--json")
    assert _same(got, {k: want[k] for k in got})
    assert set(got) >= {"draws", "seed", "distribution", "npv_p10", "npv_p50", "npv_p90", "prob_npv_negative",
                        "roi_p50", "payback_months_p50", "prob_payback_within_horizon"}
    sim = unc.simulate(scenario, draws=unc.DEFAULT_DRAWS, seed=1)
    assert _same(got["npv_p50"], sim.quantile(0.5)) and _same(got["prob_npv_negative"], sim.prob_npv_negative)
    shares = _table(ws, next(ws.cell(r, 1).value for r in range(1, ws.max_row + 1)
                             if str(ws.cell(r, 1).value).startswith("Share of NPV variance")))
    assert _same(shares, want["variance_contributions"])
    assert "python -m roi simulate FILE --draws 100000 --seed 1 --distribution pert" in ws["A1"].value
    p50 = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "npv_p50")
    assert ws.cell(p50, 3).number_format == money_format("EUR")


def test_breakeven_and_cost_of_delay_equal_cli(wb, scenario, capsys):
    rows = [_blank_is_none(r) for r in _table(wb["Breakeven"])]
    assert _same(rows, _cli_json(capsys, "breakeven", RETAILER, "--json"))
    assert rows[-1]["name"] == unc.PROGRAMME and len(rows) == len(scenario.initiatives) + 1
    ws = wb["Cost of delay"]
    delay = _cli_json(capsys, "delay", RETAILER, "--json")
    per_month = _table(ws, "NPV forgone by the first month of delay, per initiative")
    assert _same([{"name": r["initiative"], "cost_per_month": r["cost_per_month"]} for r in per_month[:-1]],
                 delay["initiatives"])
    assert _same(per_month[-1], {"initiative": unc.PROGRAMME, "cost_per_month": delay["programme_cost_per_month"]})
    curve = _table(ws, next(ws.cell(r, 1).value for r in range(1, ws.max_row + 1)
                            if str(ws.cell(r, 1).value).startswith("NPV by the month")))
    assert _same([r["months_delay"] for r in curve], delay["months"])
    assert _same([r["programme_npv"] for r in curve], delay["programme_npv"])
    names = [i.name for i in scenario.initiatives]
    assert list(curve[0])[2:] == names
    ini = unc.delay_curve(scenario).initiative_npv
    assert _same([[r[n] for n in names] for r in curve], ini.tolist())


def test_csv_files_of_the_risk_tables(scenario):
    files = all_csv(scenario, roi.evaluate(scenario))
    risk = ["sensitivity_tornado.csv", "sensitivity_cases.csv", "sensitivity_case_drivers.csv",
            "monte_carlo_summary.csv", "monte_carlo_variance_shares.csv", "breakeven.csv", "cost_of_delay.csv",
            "cost_of_delay_npv_by_start_month.csv"]
    assert set(risk) <= set(files)

    def read(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"), newline="")))

    tornado = read("sensitivity_tornado.csv")
    assert [(r["driver"], float(r["npv_low"]), float(r["npv_high"]), float(r["swing"])) for r in tornado] == \
        [(r.driver, r.npv_low, r.npv_high, r.swing) for r in unc.tornado(scenario).rows]
    mc = {r["key"]: r["value"] for r in read("monte_carlo_summary.csv")}
    sim = unc.simulate(scenario, draws=unc.DEFAULT_DRAWS, seed=RISK_SEED)
    assert (int(mc["draws"]), int(mc["seed"]), mc["distribution"]) == (unc.DEFAULT_DRAWS, 1, "pert")
    assert float(mc["npv_p50"]) == sim.quantile(0.5)
    be = read("breakeven.csv")
    assert [float(r["npv"]) for r in be] == [b.npv for b in unc.breakeven(scenario)]
    assert [float(r["cost_per_month"]) for r in read("cost_of_delay.csv")][:-1] == \
        list(unc.delay_curve(scenario).cost_per_month.values())


@pytest.fixture(scope="module")
def attacked() -> roi.Scenario:
    segs = [{**SEGMENT, "name": "Everyone"}]
    inis = [initiative(name=a, uplift={"low": 0.1, "base": 0.3 + 0.1 * k, "high": 0.9}) for k, a in enumerate(ATTACKS)]
    return roi.parse_scenario(scenario_dict(inis, segs))


def test_initiative_names_in_risk_sheets_stay_text(attacked):
    blob = workbook_bytes(attacked)
    wb = openpyxl.load_workbook(io.BytesIO(blob))
    be = wb["Breakeven"]
    cells = [be.cell(5 + k, 1) for k in range(len(ATTACKS))]
    assert [unescape(c.value) for c in cells] == ATTACKS
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    delay = wb["Cost of delay"]
    header = 1 + next(r for r in range(1, delay.max_row + 1)
                      if str(delay.cell(r, 1).value).startswith("NPV by the month"))
    heads = [delay.cell(header, 3 + k) for k in range(len(ATTACKS))]
    assert [unescape(c.value) for c in heads] == ATTACKS and all(c.data_type == "s" for c in heads)
    sens = wb["Sensitivity"]
    drivers = {unescape(str(sens.cell(r, 1).value)): sens.cell(r, 1) for r in range(1, sens.max_row + 1)}
    for a in ATTACKS:
        assert drivers[f"uplift:{a}"].data_type == "s"
    for name in RISK_SHEETS:
        assert [c.coordinate for row in wb[name].iter_rows() for c in row if c.data_type == "f"] == ["C2"], name
    files = all_csv(attacked, roi.evaluate(attacked))
    rows = list(csv.reader(io.StringIO(files["cost_of_delay.csv"].decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:1 + len(ATTACKS)]] == ["'" + a for a in ATTACKS]
    head = next(csv.reader(io.StringIO(files["cost_of_delay_npv_by_start_month.csv"].decode("utf-8-sig"))))
    assert head[2:] == ["'" + a for a in ATTACKS]


def test_import_ignores_value_sheets(scenario):
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(scenario)))
    wb["Monte Carlo"]["C5"].value = "edited in Excel"
    wb["Breakeven"]["B4"].value = -1
    del wb["Sensitivity"]
    buf = io.BytesIO()
    wb.save(buf)
    assert scenario_from_workbook(buf.getvalue()) == scenario


def test_deck_risk_slide_has_native_charts_and_headline(scenario):
    """The Risk slide: a native tornado and histogram inside the slide, P10 / P50 / P90 and P(NPV < 0) of
    ``roi.uncertainty.simulate`` with the same seed and draws (formatted by roi.format), and the note that
    the ranges are before risk adjustment; the executive summary gives the pessimistic … optimistic range."""
    from roi import format as fmt
    from roi.export.deck.template import nobreak

    prs = Presentation(io.BytesIO(deck_bytes(scenario)))
    slide = next(s for s in prs.slides if s.name == "Risk")
    charts = [sh for sh in slide.shapes if sh.has_chart]
    assert len(charts) == 2
    for p in charts:
        assert p.left >= 0 and p.top >= 0 and p.left + p.width <= prs.slide_width
        assert p.top + p.height <= prs.slide_height
    sim = unc.simulate(scenario, draws=unc.DEFAULT_DRAWS, seed=RISK_SEED)
    money = lambda v: nobreak(fmt.money(v, "EUR"))  # noqa: E731
    text = " ".join(" ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame).split())
    assert (f"Monte Carlo NPV P10 {money(sim.quantile(0.1))} · P50 {money(sim.quantile(0.5))} · "
            f"P90 {money(sim.quantile(0.9))}; chance of losing money {fmt.pct(sim.prob_npv_negative)}") in text
    assert "before risk adjustment" in text and "risk-adjusted" in text
    summary = " ".join("\n".join(sh.text_frame.text for sh in prs.slides[1].shapes if sh.has_text_frame).split())
    c = unc.cases(scenario)  # the Risk page's pessimistic / optimistic cases
    assert f"Range {money(c.pessimistic.npv)} (pessimistic) … {money(c.optimistic.npv)} (optimistic)" in summary
    assert "python -m roi" not in text  # the command line lives in the speaker notes
    assert "python -m roi simulate" in slide.notes_slide.notes_text_frame.text


def test_monte_carlo_runs_once_for_workbook_deck_and_csv(monkeypatch):
    scenario = roi.load_sample("retail_bank")
    calls = []
    real = unc.simulate
    monkeypatch.setenv("ROI_MONTE_CARLO_HELPER", "0")  # in this process, where the count is kept
    monkeypatch.setattr(unc, "simulate", lambda *a, **k: calls.append(k) or real(*a, **k))
    clear_risk_memo()
    workbook_bytes(scenario)
    deck_bytes(scenario)
    all_csv(scenario, roi.evaluate(scenario))
    assert len(calls) == 1 and calls[0]["draws"] == unc.DEFAULT_DRAWS and calls[0]["seed"] == RISK_SEED
    r = risk_analyses(scenario)
    assert r is risk_analyses(scenario) and not r.simulation.npv.flags.writeable


def test_remembered_risk_analyses_are_read_only(scenario):
    """The memo is shared by every caller: no array reachable from it may be written to."""
    r = risk_analyses(scenario)
    arrays = [r.simulation.npv, r.simulation.roi, r.simulation.payback_months, r.delay.months,
              r.delay.initiative_npv, r.delay.programme_npv, r.cases.pessimistic_values,
              r.cases.optimistic_values, r.cases.base.cash_flows, r.cases.base.programme_cost,
              r.cases.optimistic.initiatives[0].benefit]
    for a in arrays:
        assert not a.flags.writeable
    with pytest.raises(ValueError):
        r.delay.programme_npv[0] = 0.0


def test_deck_histogram_bands_are_round_and_even(scenario):
    """The Risk slide's histogram: bands of one round width (1, 2 or 5 × 10ᵏ, in millions) whose
    midpoints label them evenly, zero never inside a band (red bars are losses only), at most 16
    bands, and the shares of draws adding up to 1."""
    prs = Presentation(io.BytesIO(deck_bytes(scenario)))
    slide = next(s for s in prs.slides if s.name == "Risk")
    chart = next(sh.chart for sh in slide.shapes if sh.has_chart and sh.chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED)
    labels = [str(c) for c in chart.plots[0].categories]
    assert not any("-" in c for c in labels)  # a negative midpoint has a true minus sign (U+2212)
    mids = [float(c.replace(",", "").replace("\u2212", "-")) for c in labels]
    steps = np.diff(mids)
    assert 1 < len(mids) <= 16 and np.allclose(steps, steps[0])
    mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
    assert any(np.isclose(mantissa, m) for m in (1, 2, 5))
    assert all(abs(m) >= steps[0] / 2 - 1e-12 for m in mids)  # zero is an edge, never a midpoint's band
    assert sum(chart.plots[0].series[0].values) == pytest.approx(1.0)
