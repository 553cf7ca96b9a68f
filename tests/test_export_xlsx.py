"""The exported workbook is a live model: recalculated by LibreOffice it gives roi's numbers.

Expected values come from ``roi.evaluate`` (the app's own model); the workbook's values come
from LibreOffice Calc recalculating the formulas from scratch (the export writes no cached
values), so a wrong formula anywhere on the path from Assumptions to a figure fails here.
Every sample case is checked as exported, and again after assumptions are changed in the
workbook with openpyxl (compared with roi evaluating the same changes). A generated 50-initiative case
(many overlap groups, retention and cost-saving initiatives, 5 years) and two hand-built cases
cover what the samples do not: overlapping retention initiatives hitting the retention cap,
negative uplifts sharing a group with positive ones, an initiative launched after the horizon,
zero ramp, and zero-cost / never-negative cash flows (ROI, IRR and payback degenerate).

All workbooks are recalculated in one ``soffice`` call (module fixture).
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import roi
from roi.export.xlsx import ASSUMPTIONS, CASH, INI_COL, INITIATIVES, workbook_bytes

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


def _edit_workbook(src: bytes, dst: Path, values: dict[str, Any]) -> None:
    wb = openpyxl.load_workbook(__import__("io").BytesIO(src))
    ws = wb[ASSUMPTIONS]
    rows = {ws.cell(row=r, column=9).value: r for r in range(2, ws.max_row + 1)}
    for key, value in values.items():
        ws.cell(row=rows[key], column=4).value = value
    wb.save(dst)


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
    out = recalculate([p for _, p in files.values()], tmp)
    return {name: (case, out[path]) for name, (case, path) in files.items()}


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
    for sheet in ("Summary", "Assumptions", "Segments", "Initiatives", "Cash flow", "Calc"):
        assert sheet in wb.sheetnames
        ws = wb[sheet]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.freeze_panes
    assert wb["_roi"].sheet_state == "hidden"
    for name in ("DiscountRate", "BenefitRiskAssumed", "BenefitRiskBenchmark", "BenefitRiskMeasured", "CostRisk",
                 "Realisation", "RetentionTiming", "LeverCombination", "IncludeBeyondHorizon", "Case_NPV", "Case_IRR",
                 "Case_ROI", "Case_BeyondHorizonValue"):
        assert name in wb.defined_names
    assert len(wb["Summary"]._charts) == 2
    # every NPV follows the year-0 convention: CF0 + NPV(rate, CF1:CFn)
    assert wb["Summary"]["B5"].value.startswith("='Cash flow'!B6+NPV(DiscountRate,'Cash flow'!C6:")
    # every input is on its own row with its field key
    keys = [wb[ASSUMPTIONS].cell(row=r, column=9).value for r in range(2, wb[ASSUMPTIONS].max_row + 1)]
    assert len(keys) == len(set(keys))
    assert "segments[2].consent_share" in keys and "initiatives[5].cost_base" in keys
