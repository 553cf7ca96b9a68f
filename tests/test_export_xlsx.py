"""The exported workbook is a live model: recalculated by LibreOffice it gives roi's numbers.

Expected values come from ``roi.evaluate`` (the app's own model); the workbook's values come
from LibreOffice Calc recalculating every formula from scratch ("recalculate on load: always"),
so a wrong formula anywhere on the path from Assumptions to a figure fails here. The values the
export caches with each formula are checked twice: read without any recalculation they equal
``roi.evaluate`` too, and they equal LibreOffice's recalculation cell by cell.
Every sample case is checked as exported, again after assumptions are changed in the
workbook with openpyxl (compared with roi evaluating the same changes), and with the Summary's
uplift case switch at Low and at High (compared with roi evaluating every uplift at its low / high). A generated 50-initiative case
(many overlap groups, retention and cost-saving initiatives, 5 years) and two hand-built cases
cover what the samples do not: overlapping retention initiatives hitting the retention cap,
negative uplifts sharing a group with positive ones, an initiative launched after the horizon,
zero ramp, and zero-cost / never-negative cash flows (ROI, IRR and payback degenerate).

All workbooks are recalculated in one ``soffice`` call (module fixture).
"""

from __future__ import annotations

import copy
import io
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import roi
from roi.export.xlsx import ASSUMPTIONS, CASH, INI_COL, INITIATIVES, SUMMARY, workbook_bytes
from roi.export.xlsx.analysis import CURRENT, STALE
from roi.export.xlsx.summary import SWITCH_ROW

from roi.synthetic import generate_scenario

from roi.paths import set_value_at

from .factories import INSTANT_PROCESS, SEGMENT, initiative, scenario_dict
from .libreoffice import recalculate

SAMPLES = sorted(roi.sample_paths())


def _edge_cases() -> dict[str, dict[str, Any]]:
    seg_b = {**SEGMENT, "name": "Occasional", "retention_rate": 0.5, "customers": 40_000,
             "identifiable_share": 0.6, "consent_share": 0.5}
    segs = [{**SEGMENT, "retention_rate": 0.9}, seg_b]
    inis = [
        initiative(name="Retain everyone", outcome="retention", lever="retention",
                   segments=["Everyone", "Occasional"], uplift={"low": 0.1, "base": 0.3, "high": 0.4},
                   depth="segment", content_assets=3),
        initiative(name="Retain more", outcome="retention", lever="retention", segments=["Everyone"],
                   uplift={"low": 0.1, "base": 0.2, "high": 0.3}, depth="one_to_one", content_assets=1),
        initiative(name="=Risky test", segments=["Everyone", "Occasional"],
                   uplift={"low": -0.2, "base": -0.05, "high": 0.0}, channel_reach=0.6),
        initiative(name="Convert occasional", segments=["Occasional"], uplift={"low": 0, "base": 0.1, "high": 0.2},
                   months_to_launch=5),
        initiative(name="Too late", lever="order_value", segments=["Everyone"], months_to_launch=40),
        initiative(name="Free saver", outcome="efficiency", lever="cost_saving", segments=[], cost_base=100_000,
                   uplift={"low": 0.1, "base": 0.1, "high": 0.1}, one_time_cost=0, annual_running_cost=0,
                   variable_campaign_cost=0),
    ]
    overlap = scenario_dict(inis, segs, INSTANT_PROCESS, horizon_years=3, benefit_risk=0.15, cost_risk=0.05)
    overlap["process"] = {**INSTANT_PROCESS, "team_annual_cost": 10_000, "platform_one_time_cost": 30_000}
    gains_only = scenario_dict([initiative(one_time_cost=0, annual_running_cost=0, variable_campaign_cost=0)],
                               horizon_years=2)
    generated = generate_scenario(initiatives=50, segments=20, horizon_years=5, seed=3).model_dump(mode="json")
    return {"edge_overlap": overlap, "edge_gains_only": gains_only, "generated_50": generated, "edge_v2": _v2_case()}


def _v2_case() -> dict[str, Any]:
    """Every version-2 rule at once: three revenue levers and a retention pair on one segment (cross
    terms), a contextual initiative, decay, a measured uplift exempt from maturity, a risk override,
    priced effort, a programme calibration and the value beyond the horizon counted."""
    seg_b = {**SEGMENT, "name": "Occasional", "identifiable_share": 0.6, "consent_share": 0.5, "retention_rate": 0.6}
    inis = [
        initiative(name="Convert", uplift={"low": 0.05, "base": 0.1, "high": 0.2}, segments=["Everyone", "Occasional"],
                   requires_identity=False, evidence={"kind": "benchmark"}),
        initiative(name="Basket", lever="order_value", uplift={"low": 0.1, "base": 0.2, "high": 0.3},
                   segments=["Everyone"], effect_decay=0.3, evidence={"kind": "measured"}, effort_fte_months=6),
        initiative(name="Often", lever="purchase_frequency", uplift={"low": -0.05, "base": 0.05, "high": 0.1},
                   segments=["Everyone", "Occasional"], benefit_risk=0.4, months_to_launch=4),
        initiative(name="Also often", lever="purchase_frequency", uplift={"low": 0.0, "base": 0.08, "high": 0.1},
                   segments=["Everyone"], effort_fte_months=3),
        initiative(name="Keep", outcome="retention", lever="retention", segments=["Everyone", "Occasional"],
                   uplift={"low": 0.05, "base": 0.15, "high": 0.2}, effect_decay=0.1),
    ]
    process = {"alignment": 2, "test_and_learn": 3, "feedback_loop": 4, "governance": 2, "fte_month_cost": 9_000,
               "team_annual_cost": 20_000}
    return {
        "schema_version": 2,
        "settings": {"name": "Every v2 rule", "currency": "GBP", "horizon_years": 4, "discount_rate": 0.08,
                     "benefit_risk_assumed": 0.25, "benefit_risk_benchmark": 0.15, "benefit_risk_measured": 0.05,
                     "cost_risk": 0.1, "include_beyond_horizon": True},
        "segments": [SEGMENT, seg_b],
        "process": process,
        "initiatives": inis,
        "calibration": {"factor": 0.85, "test_name": "Global holdout", "exposed_customers": 9_000,
                        "holdout_customers": 1_000, "incremental_revenue_per_customer": 0.85, "ci": [0.3, 1.4],
                        "confidence": 0.95, "p_value": 0.02, "claimed_revenue_per_customer": 1.0},
    }


# Edits that flip each version-2 rule in the workbook: the workbook must follow them live.
V2_EDITS = {
    "settings.retention_timing": "start_of_year",
    "settings.lever_combination": "additive",
    "settings.include_beyond_horizon": False,
    "settings.benefit_risk_benchmark": 0.3,
    "initiatives[0].requires_identity": True,
    "initiatives[1].evidence.kind": "assumed",
    "initiatives[2].benefit_risk": 0.1,
    "initiatives[3].effect_decay": 0.5,
    "process.fte_month_cost": 4_000,
    "calibration.factor": 1.1,
}


def _edits(data: dict[str, Any]) -> dict[str, Any]:
    """Two (three) assumption changes a finance team might make: an uplift, a cost, a maturity score."""
    ini0 = data["initiatives"][0]
    ini0["uplift"]["base"] = (ini0["uplift"]["base"] + ini0["uplift"]["high"]) / 2
    data["initiatives"][-1]["one_time_cost"] = data["initiatives"][-1]["one_time_cost"] * 2 + 12_345
    data["process"]["alignment"] = 5 if data["process"].get("alignment", 3) != 5 else 2
    return data


EDITED_KEYS = ["initiatives[0].uplift.base", "initiatives[{last}].one_time_cost", "process.alignment"]


def _key_values(data: dict[str, Any]) -> dict[str, Any]:
    last = len(data["initiatives"]) - 1
    return {
        "initiatives[0].uplift.base": data["initiatives"][0]["uplift"]["base"],
        f"initiatives[{last}].one_time_cost": data["initiatives"][last]["one_time_cost"],
        "process.alignment": data["process"]["alignment"],
    }


def _edit_workbook(src: bytes, dst: Path, values: dict[str, Any], switch: str | None = None) -> None:
    wb = openpyxl.load_workbook(__import__("io").BytesIO(src))
    ws = wb[ASSUMPTIONS]
    rows = {ws.cell(row=r, column=9).value: r for r in range(2, ws.max_row + 1)}
    for key, value in values.items():
        ws.cell(row=rows[key], column=4).value = value
    if switch is not None:
        wb[SUMMARY].cell(row=SWITCH_ROW, column=2).value = switch
    wb.save(dst)


def _at_uplift(data: dict[str, Any], end: str) -> dict[str, Any]:
    """The scenario with every initiative's base uplift at its ``end`` ("low" or "high")."""
    out = copy.deepcopy(data)
    for ini in out["initiatives"]:
        ini["uplift"]["base"] = ini["uplift"][end]
    return out


SWITCHED = SAMPLES + ["edge_overlap", "edge_v2"]  # Low / High recalculated for these


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, tuple[roi.BusinessCase, Path]]:
    """name → (roi's case, path of the LibreOffice-recalculated workbook)."""
    tmp = tmp_path_factory.mktemp("xlsx")
    cases: dict[str, dict[str, Any]] = {k: roi.load_sample(k).model_dump(mode="json") for k in SAMPLES}
    cases.update(_edge_cases())
    files: dict[str, tuple[roi.BusinessCase, Path]] = {}
    for name, data in cases.items():
        scenario = roi.parse_scenario(copy.deepcopy(data))
        blob = workbook_bytes(scenario)
        path = tmp / f"{name}.xlsx"
        path.write_bytes(blob)
        files[name] = (roi.evaluate(scenario), path)
        files[f"{name}__cached"] = (files[name][0], path)  # read as written: no recalculation
        edited = _edits(copy.deepcopy(data))
        edited_path = tmp / f"{name}__edited.xlsx"
        _edit_workbook(blob, edited_path, _key_values(edited))
        files[f"{name}__edited"] = (roi.evaluate(roi.parse_scenario(edited)), edited_path)
        if name == "edge_v2":
            flipped = copy.deepcopy(data)
            for key, value in V2_EDITS.items():
                set_value_at(flipped, key, value)
            flipped_path = tmp / f"{name}__flipped.xlsx"
            _edit_workbook(blob, flipped_path, V2_EDITS)
            files[f"{name}__flipped"] = (roi.evaluate(roi.parse_scenario(flipped)), flipped_path)
        if name in SWITCHED:
            for end, label in (("low", "Low"), ("high", "High")):
                switched_path = tmp / f"{name}__{end}.xlsx"
                _edit_workbook(blob, switched_path, {}, switch=label)
                files[f"{name}__{end}"] = (roi.evaluate(roi.parse_scenario(_at_uplift(data, end))), switched_path)
    out = recalculate([p for k, (_, p) in files.items() if not k.endswith("__cached")], tmp)
    return {name: (case, path if name.endswith("__cached") else out[path]) for name, (case, path) in files.items()}


def _close(got: Any, want: float | None, none_text: str, what: str) -> None:
    if want is None:
        assert got == none_text, f"{what}: workbook {got!r}, roi None ({none_text!r})"
        return
    assert isinstance(got, (int, float)), f"{what}: workbook {got!r}, roi {want!r}"
    assert math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-6), f"{what}: workbook {got!r}, roi {want!r}"


def _named(wb: openpyxl.Workbook, name: str) -> Any:
    sheet, coord = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][coord.replace("$", "")].value


def _check(case: roi.BusinessCase, path: Path) -> None:
    wb = openpyxl.load_workbook(path, data_only=True)
    _close(_named(wb, "Case_NPV"), case.npv, "", "NPV")
    _close(_named(wb, "Case_IRR"), case.irr, "undefined", "IRR")
    _close(_named(wb, "Case_ROI"), case.roi, "undefined", "ROI")
    _close(_named(wb, "Case_PaybackMonths"), case.payback_months, "not within horizon", "payback")
    _close(_named(wb, "Case_PVBenefits"), case.pv_benefits, "", "PV benefits")
    _close(_named(wb, "Case_PVCosts"), case.pv_costs, "", "PV costs")
    _close(_named(wb, "Case_IncrementalRevenue"), case.incremental_revenue, "", "incremental revenue")
    _close(_named(wb, "Case_RevenuePerCampaignDollar"), case.revenue_per_campaign_dollar, "n/a", "rev per $1")
    _close(_named(wb, "Case_OverlapCorrection"), case.overlap_correction, "", "overlap correction")
    _close(_named(wb, "Case_UnadjustedNPV"), case.unadjusted_npv, "", "unadjusted NPV")
    cash = wb[CASH]
    for t, v in enumerate(case.cash_flows):
        _close(cash.cell(row=6, column=2 + t).value, float(v), "", f"net cash flow year {t}")
    ws = wb[INITIATIVES]
    for j, ini in enumerate(case.initiatives):
        r = 2 + j
        assert ws[f"A{r}"].value == ini.name

        def get(key: str) -> Any:
            return ws[f"{INI_COL[key]}{r}"].value

        what = f"{ini.name}: "
        _close(get("npv"), ini.npv, "", what + "NPV")
        _close(get("roi"), ini.roi, "undefined", what + "ROI")
        _close(get("payback_months"), ini.payback_months, "not within horizon", what + "payback")
        _close(get("incremental_revenue"), ini.incremental_revenue, "", what + "revenue")
        _close(get("incremental_gross_profit"), ini.incremental_gross_profit, "", what + "gross profit")
        _close(get("overlap_correction"), ini.overlap_correction, "", what + "overlap correction")
        _close(get("total_cost"), ini.total_cost, "", what + "total cost")
        _close(get("variable_campaign_cost_total"), ini.variable_campaign_cost, "", what + "variable cost")
        _close(get("revenue_per_campaign_dollar"), ini.revenue_per_campaign_dollar, "n/a", what + "rev per $1")
        _close(get("reachable_customers"), ini.reachable_customers, "", what + "reach")
        _close(get("lever_interaction"), ini.lever_interaction, "", what + "lever interaction")
        _close(get("beyond_horizon_value"), ini.beyond_horizon_value, "", what + "value beyond the horizon")
    _close(_named(wb, "Case_BeyondHorizonValue"), case.beyond_horizon_value, "", "value beyond the horizon")
    _close(_named(wb, "Case_RevenueWithoutCampaignCost"), case.revenue_without_campaign_cost, "",
           "revenue without campaign cost")
    _close(_named(wb, "Case_LeverInteraction"), case.lever_interaction, "", "lever interaction")
    _close(_named(wb, "Case_EffectiveBenefitRisk"), case.effective_benefit_risk, "n/a", "effective benefit risk")


CASES = SAMPLES + ["edge_overlap", "edge_gains_only", "generated_50", "edge_v2"]


@pytest.mark.parametrize("name", CASES)
def test_recalculated_workbook_matches_roi(recalculated, name):
    _check(*recalculated[name])


@pytest.mark.parametrize("name", CASES)
def test_cached_values_match_roi_without_recalculation(recalculated, name):
    """What a file preview, pandas or Power Query reads (no spreadsheet program involved) is roi's case."""
    _check(*recalculated[f"{name}__cached"])


@pytest.mark.parametrize("name", CASES)
def test_every_cached_value_equals_libreoffice(recalculated, name):
    """Every formula cell of every sheet: the value cached at export = LibreOffice's recalculation."""
    _, original = recalculated[f"{name}__cached"]
    _, recalc = recalculated[name]
    formulas = openpyxl.load_workbook(original)
    cached, again = openpyxl.load_workbook(original, data_only=True), openpyxl.load_workbook(recalc, data_only=True)
    n = 0
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                n += 1
                a, b = cached[ws.title][c.coordinate].value, again[ws.title][c.coordinate].value
                if a in ("", None) and b in ("", None):
                    continue
                where = f"{ws.title}!{c.coordinate} {c.value[:80]}"
                if isinstance(b, (int, float)) and not isinstance(b, bool):
                    assert isinstance(a, (int, float)), (where, a, b)
                    assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6), (where, a, b)
                else:
                    assert a == b, (where, a, b)
    assert n > 500


@pytest.mark.parametrize("name", SWITCHED)
@pytest.mark.parametrize("end", ["low", "high"])
def test_uplift_switch_drives_the_whole_model(recalculated, name, end):
    """Summary's switch at Low / High = roi with every initiative's uplift at its low / high."""
    case, path = recalculated[f"{name}__{end}"]
    base, _ = recalculated[name]
    assert not math.isclose(case.npv, base.npv, rel_tol=1e-9), "the switch must move the case"
    _check(case, path)
    _all_checks_true(path)


def _all_checks_true(path: Path) -> None:
    ws = openpyxl.load_workbook(path, data_only=True)["Checks"]
    rows = [r for r in range(6, ws.max_row + 1) if ws.cell(row=r, column=1).value]
    assert len(rows) >= 10
    assert ws["F3"].value is True, "All checks pass"
    for r in rows:
        assert ws.cell(row=r, column=6).value is True, (ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value,
                                                        ws.cell(row=r, column=3).value)


@pytest.mark.parametrize("name", CASES)
def test_every_check_reads_true(recalculated, name):
    for variant in ("", "__cached", "__edited"):
        _all_checks_true(recalculated[name + variant][1])


VALUE_SHEETS = ["Plan", "Prioritization", "Test plan", "Sensitivity", "Monte Carlo", "Breakeven", "Cost of delay"]


def test_staleness_flag_turns_on_after_an_edit(recalculated):
    """Row 2 of every analysis sheet: current as exported (cached, and recalculated), stale after an
    edit or with the uplift switch away from Base."""
    for variant, expected in (("__cached", CURRENT), ("", CURRENT), ("__edited", STALE), ("__low", STALE)):
        wb = openpyxl.load_workbook(recalculated["european_retailer" + variant][1], data_only=True)
        flags = {name: wb[name]["C2"].value for name in VALUE_SHEETS}
        assert all(str(v).startswith(expected) for v in flags.values()), (variant, flags)


def test_tei_tables_reconcile_with_roi(recalculated):
    """The TEI sheet's PV columns and discounted payback, recalculated, against roi (independently
    discounted here)."""
    import numpy as np

    from roi import finance

    for name in ("european_retailer", "edge_v2"):
        case, path = recalculated[name]
        ws = openpyxl.load_workbook(path, data_only=True)["TEI"]
        labels: dict[Any, int] = {}
        for r in range(1, ws.max_row + 1):
            labels.setdefault(ws.cell(row=r, column=1).value, r)  # an initiative's first row: its benefits
        T = case.scenario.settings.horizon_years
        df = (1 + case.scenario.settings.discount_rate) ** -np.arange(T + 1.0)
        pv_col = 3 + (T + 4) + T + 2  # the risk-adjusted block's present value column
        ini = case.initiatives[0]
        assert math.isclose(ws.cell(row=labels[ini.name], column=pv_col).value, float(ini.benefit @ df), rel_tol=1e-9)
        discounted = finance.payback_months(case.cash_flows * df)
        got = ws.cell(row=labels["Discounted payback (months)"], column=3).value
        _close(got, discounted, "not within horizon", "discounted payback")
        assert ws.cell(row=labels["Sum = NPV of the case"], column=3).value == pytest.approx(case.npv, rel=1e-9)

def test_every_version_2_rule_recalculates_live(recalculated):
    """Flipping each v2 rule in the Assumptions sheet (timing, lever combination, the value beyond the
    horizon, evidence, identity, an override, decay, effort cost, calibration) recalculates to roi."""
    case, path = recalculated["edge_v2__flipped"]
    before, _ = recalculated["edge_v2"]
    assert not math.isclose(case.npv, before.npv, rel_tol=1e-6)
    _check(case, path)


@pytest.mark.parametrize("name", CASES)
def test_recalculates_after_assumptions_change(recalculated, name):
    case, path = recalculated[f"{name}__edited"]
    before, _ = recalculated[name]
    assert not math.isclose(case.npv, before.npv, rel_tol=1e-6), "the edits must move the case"
    _check(case, path)


def test_edge_cases_exercise_degenerate_branches(recalculated):
    """The hand-built cases do reach the branches they are meant to cover (guards the test itself)."""
    overlap, _ = recalculated["edge_overlap"]
    assert overlap.initiative("Too late").payback_months is None
    assert overlap.initiative("Free saver").roi is None
    assert overlap.initiative("Retain more").overlap_correction > 0
    gains, _ = recalculated["edge_gains_only"]
    assert gains.irr is None and gains.roi is None and gains.payback_months == 0.0


def test_workbook_structure():
    """Sheets, defined names, frozen headers, landscape fit-to-width and the native charts."""
    scenario = roi.load_sample("european_retailer")
    wb = openpyxl.load_workbook(__import__("io").BytesIO(workbook_bytes(scenario)))
    assert wb.sheetnames[:7] == ["Summary", "Assumptions", "Segments", "Initiatives", "Cash flow", "TEI", "Checks"]
    assert wb.sheetnames[-2:] == ["Calc", "_roi"]
    for sheet in ("Summary", "Assumptions", "Segments", "Initiatives", "Cash flow", "TEI", "Checks", "Calc"):
        assert sheet in wb.sheetnames
        ws = wb[sheet]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth in (None, 1)  # 1: the default
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.freeze_panes
    assert wb["_roi"].sheet_state == "hidden"
    for name in ("DiscountRate", "BenefitRiskAssumed", "BenefitRiskBenchmark", "BenefitRiskMeasured", "CostRisk",
                 "Realisation", "RetentionTiming", "LeverCombination", "IncludeBeyondHorizon", "Case_NPV", "Case_IRR",
                 "Case_ROI", "Case_BeyondHorizonValue"):
        assert name in wb.defined_names
    assert len(wb["Summary"]._charts) == 2
    # every NPV follows the year-0 convention: CF0 + NPV(rate, CF1:CFn)
    sheet, coord = next(iter(wb.defined_names["Case_NPV"].destinations))
    assert wb[sheet][coord.replace("$", "")].value.startswith("='Cash flow'!B6+NPV(DiscountRate,'Cash flow'!C6:")
    # every input is on its own row with its field key
    keys = [wb[ASSUMPTIONS].cell(row=r, column=9).value for r in range(2, wb[ASSUMPTIONS].max_row + 1)]
    keys = [k for k in keys if k]  # the model constants below the table have no field key
    assert len(keys) == len(set(keys))
    assert "segments[2].consent_share" in keys and "initiatives[5].cost_base" in keys


# --------------------------------------------------------------------------- inputs: live, validated, protected

YELLOW = "FFFFF2CC"


def _workbook(name: str = "european_retailer") -> openpyxl.Workbook:
    return openpyxl.load_workbook(__import__("io").BytesIO(workbook_bytes(roi.load_sample(name), analyses=False)))


def _validation(ws, coord: str):
    return next((dv for dv in ws.data_validations.dataValidation if coord in dv.sqref), None)


def _allows(dv, value: float) -> bool:
    """Whether a decimal/whole "between" validation lets ``value`` in (as Excel's error alert would)."""
    assert dv.type in ("decimal", "whole") and dv.operator in (None, "between"), (dv.type, dv.operator)
    return float(dv.formula1) <= value <= float(dv.formula2)


def test_every_yellow_cell_is_live_and_validated():
    """A yellow cell feeds a formula (by its address or its defined name) and has a validation with an
    error alert; the Monte Carlo correlation, the horizon and an initiative's lever are not yellow."""
    import re

    wb = _workbook()
    formulas = " ".join(c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f")
    tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*|\$?[A-Z]+\$?[0-9]+", formulas))
    names = {}
    for name, dn in wb.defined_names.items():
        for sheet, coord in dn.destinations:
            names[(sheet, coord.replace("$", ""))] = name
    yellow = [(ws.title, c) for ws in wb.worksheets for row in ws.iter_rows() for c in row
              if c.fill is not None and c.fill.fgColor is not None and c.fill.fgColor.rgb == YELLOW
              and c.value != "(example)"]  # the Summary's colour legend shows a locked sample
    assert len(yellow) > 100
    keys = {wb[ASSUMPTIONS].cell(row=r, column=9).value: r for r in range(2, wb[ASSUMPTIONS].max_row + 1)}
    for sheet, c in yellow:
        live = (f"'{sheet}'!${c.column_letter}${c.row}" in formulas or f"{sheet}!${c.column_letter}${c.row}" in formulas
                or names.get((sheet, c.coordinate)) in tokens)
        assert live, f"{sheet}!{c.coordinate} is yellow but no formula reads it"
        assert c.protection.locked is False, f"{sheet}!{c.coordinate}"
        dv = _validation(wb[sheet], c.coordinate)
        assert dv is not None and dv.showErrorMessage and dv.errorStyle in (None, "stop"), f"{sheet}!{c.coordinate}"
    grey = [keys[k] for k in ("settings.horizon_years", "settings.uplift_correlation", "initiatives[0].lever",
                              "initiatives[0].segments", "process.tests_per_month")]
    for r in grey:
        c = wb[ASSUMPTIONS].cell(row=r, column=4)
        assert c.fill.fgColor.rgb != YELLOW and c.protection.locked is not False
        assert "set in the app" in wb[ASSUMPTIONS].cell(row=r, column=8).value or \
            "only by the app" in wb[ASSUMPTIONS].cell(row=r, column=8).value
    for key in ("initiatives[0].uplift.low", "initiatives[0].uplift.high"):  # live through the switch now
        assert wb[ASSUMPTIONS].cell(row=keys[key], column=4).fill.fgColor.rgb == YELLOW
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password, ws.title


def test_a_discount_rate_of_8_is_refused():
    wb = _workbook()
    ws = wb[ASSUMPTIONS]
    r = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=9).value == "settings.discount_rate")
    dv = _validation(ws, f"D{r}")
    assert not _allows(dv, 8) and _allows(dv, 0.08)
    assert "8%" in dv.error and "not 8" in dv.error
    assert ws.cell(row=r, column=3).value == "Discount rate (%)"
    customers = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=9).value == "segments[0].customers")
    assert not _allows(_validation(ws, f"D{customers}"), -5)
    switch = _validation(wb[SUMMARY], f"B{SWITCH_ROW}")
    assert switch.type == "list" and switch.formula1 == '"Low,Base,High"'


def test_no_typed_numbers_in_calculation_sheets():
    """Calculation sheets hold formulas; the only typed numbers are Calc's row keys (initiative and
    overlap group numbers in columns A and E)."""
    wb = _workbook("retail_bank")
    for sheet in ("Segments", "Initiatives", "Cash flow", "TEI", "Checks", "Calc", "Summary"):
        for row in wb[sheet].iter_rows():
            for c in row:
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                    assert sheet == "Calc" and c.column_letter in "AE", f"{sheet}!{c.coordinate} = {c.value}"


def test_summary_states_model_date_tool_and_scenario_version():
    from roi.version import __version__

    ws = _workbook()[SUMMARY]
    text = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)}
    assert text["Model date (exported on)"] == __import__("datetime").date.today().isoformat()
    assert __version__ in text["Tool"] and "schema version 2" in text["Scenario version"]


def test_the_fast_formula_path_writes_what_xlsxwriter_writes():
    """roi.export.xlsx.book._Worksheet skips XlsxWriter's 29 substitutions when no dynamic-array
    function appears; for every formula — with or without one — the text written is XlsxWriter's own."""
    import xlsxwriter
    from xlsxwriter.worksheet import Worksheet

    from roi.export.xlsx.book import _Worksheet

    wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    fast, plain = wb.add_worksheet("a", worksheet_class=_Worksheet), wb.add_worksheet("b")
    formulas = ["=SUM(A1:A3)", "{=SUM(A1:A3*B1:B3)}", "=NPV(Inputs!$B$2,C5:G5)+C4", "=SORT(A1:A9)",
                "=XLOOKUP(1,A:A,B:B)", "=IF(A1>0,FILTER(A:A,B:B),0)", "=_xlfn.SINGLE(A1)", "=ASINGLE(A1)",
                "=MYSORTED(A1)", "=\"SORT(\"&A1", "=CONCAT(A1,B1)"]
    for f in formulas:
        assert fast._prepare_formula(f) == Worksheet._prepare_formula(plain, f), f
        assert fast._prepare_formula(f, True) == Worksheet._prepare_formula(plain, f, True), f
    wb.close()


@pytest.mark.parametrize("scenario", ["european_retailer", "generated"])
def test_the_fast_cell_writer_writes_what_xlsxwriter_writes(monkeypatch, scenario):
    """roi.export.xlsx.book writes a number, text, formula or blank cell as one string and replays
    cell writes by XlsxWriter's undecorated methods; with XlsxWriter's own ``_write_cell`` and its
    public methods instead, every file in the package is the same, byte for byte (the creation time
    in ``docProps/core.xml`` aside) — a sample, and the 50-initiative case (73,000 cells)."""
    import zipfile

    from xlsxwriter.worksheet import Worksheet

    from roi.export.xlsx import book, build_workbook
    from roi.synthetic import generate_scenario

    s = generate_scenario(initiatives=50, segments=20, horizon_years=5, seed=0) if scenario == "generated" \
        else roi.load_sample(scenario)
    case = roi.evaluate(s)
    from roi.export.analyses import run_analyses

    a = run_analyses(s, case)

    def parts(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}

    fast = parts(build_workbook(s, case, analyses=a).data)
    monkeypatch.setattr(book._Worksheet, "_write_cell", Worksheet._write_cell)

    def replay(self, ws):
        self.replayed = True
        for method, args, kw in self.ops:
            getattr(ws, method)(*args, **kw)

    monkeypatch.setattr(book.Sheet, "replay", replay)
    plain = parts(build_workbook(s, case, analyses=a).data)
    assert fast.keys() == plain.keys()
    assert [n for n in fast if fast[n] != plain[n]] == []


def test_the_fast_cell_writer_escapes_as_xlsxwriter_does(monkeypatch):
    """Formulas and cached text with ``&``, ``<``, ``>``, quotes and error values; boolean and
    string results: the sheet's XML is XlsxWriter's own."""
    import xlsxwriter
    from xlsxwriter.worksheet import Worksheet

    from roi.export.xlsx import book

    def sheet_xml(cls) -> str:
        wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
        ws = wb.add_worksheet("a", worksheet_class=cls)
        f = wb.add_format({"bold": True})
        cells = [("=IF(A1<B1,\"a&b\",\"<c>\")", "a&b <c> \"q\""), ("=A1>0", True), ("=A1=0", False),
                 ("=1/0", "#DIV/0!"), ("=A1", ""), ("=A2*2", 2.5), ("=A3", 1e-300), ("=TEXT(A1,\"0\")", "x\ny")]
        for r, (formula, value) in enumerate(cells):
            ws.write_formula(r, 0, formula, f, value)
            ws.write_string(r, 1, f"t{r} & <{r}>", f)
            ws.write_number(r, 2, r * 1.1, f)
            ws.write_blank(r, 3, None, f)
            ws.write_boolean(r, 4, r % 2 == 0, f)  # through XlsxWriter's own code
            ws.write_number(r, 5, r)  # no format: through XlsxWriter's own code
        out = io.StringIO()
        ws._set_filehandle(out)
        ws._write_sheet_data()
        wb.close()
        return out.getvalue()

    assert sheet_xml(book._Worksheet) == sheet_xml(Worksheet)


def _contents(data: bytes) -> dict[str, Any]:
    """What a reader sees in a workbook: sheets in order with their state, every cell's value or
    formula with its number format, font, fill, protection and alignment; the defined names, each
    sheet's autofilter, merged ranges and data validations."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    out: dict[str, Any] = {"sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets],
                           "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items())}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": [(c.coordinate, c.value, c.number_format, c.font.b, c.font.color and c.font.color.rgb,
                       c.fill.fgColor.rgb, c.protection.locked, c.alignment.wrap_text)
                      for row in ws.iter_rows() for c in row],
            "filter": ws.auto_filter.ref, "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "local names": sorted((n, d.attr_text) for n, d in ws.defined_names.items()),
            "validations": sorted((str(v.sqref), v.type, v.formula1) for v in ws.data_validations.dataValidation),
        }
    return out


def test_sheets_replayed_and_written_early_take_their_places(monkeypatch):
    """The formula sheets are replayed, and the Calc sheet's XML written, while the analyses run
    (roi.export.xlsx.book.Book.replay, _Worksheet.prebuild); the workbook a reader opens is the one
    written without either — every sheet in its place and state, every cell, format, name, filter
    and validation the same — and the Assumptions sheet's filter is still its own."""
    import zipfile

    from roi.export.xlsx import CALC, book, build_workbook

    s = roi.load_sample("european_retailer")
    early = build_workbook(s)
    with zipfile.ZipFile(io.BytesIO(early.data)) as z:
        workbook_xml = z.read("xl/workbook.xml").decode()
    assert f'localSheetId="{early.sheetnames.index(ASSUMPTIONS)}"' in workbook_xml
    assert early.sheetnames.index(CALC) == len(early.sheetnames) - 2

    monkeypatch.setattr(book._Worksheet, "prebuild", lambda self: False)
    replay = book.Book.replay  # the early call (the one naming a sheet to prebuild) does nothing: all at close
    monkeypatch.setattr(book.Book, "replay", lambda self, names, prebuild=(): None if prebuild else replay(self, names))
    late = build_workbook(s)
    assert late.sheetnames == early.sheetnames
    a, b = _contents(early.data), _contents(late.data)
    assert a["sheets"] == [(n, "hidden" if n == "_roi" else "visible") for n in early.sheetnames]
    assert [k for k in a if a[k] != b[k]] == []


def test_a_sheet_takes_no_calls_once_replayed():
    from roi.export.xlsx.book import Book

    book = Book(io.BytesIO(), "EUR")
    sheet = book.sheet("A")
    sheet.text(1, 1, "before")
    book.replay(["A"])
    with pytest.raises(RuntimeError, match="already replayed"):
        sheet.text(2, 1, "after")
    book.close(["A"])


def test_a_sheet_that_ends_up_first_is_written_at_close():
    """A prebuilt sheet that ends up first is selected by XlsxWriter's close: its early XML is
    dropped, and what writing it changed (frozen panes rewrite their selections) is undone, so every
    part of the file is the one written without the early write (found by review: the pane's
    selection came out with an active cell)."""
    import zipfile

    from roi.export.xlsx.book import Book

    def build(prebuild: bool) -> dict[str, bytes]:
        buf = io.BytesIO()
        book = Book(buf, "EUR")
        for name in ("A", "B"):
            sheet = book.sheet(name)
            sheet.text(1, 1, name)
            sheet.call("freeze_panes", 7, 6)
        if prebuild:
            book.replay(["A"], prebuild=("A",))
        book.close(["A", "B"])
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
            return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}

    early, late = build(True), build(False)
    assert 'tabSelected="1"' in early["xl/worksheets/sheet1.xml"].decode()
    assert [n for n in late if early.get(n) != late[n]] == []


def test_calls_that_keep_the_sheet_index_are_refused():
    from roi.export.xlsx.book import Book

    sheet = Book(io.BytesIO(), "EUR").sheet("A")
    for method in ("activate", "set_first_sheet"):
        with pytest.raises(ValueError, match="index"):
            sheet.call(method)
