"""The Checks sheet: reconciliations a finance reviewer runs, each a live formula that reads TRUE.

Each row compares two figures reached by different paths through the workbook (left, right), with
the difference and a scale; it passes when ``|left − right| ≤ CheckTolerance × MAX(1, scale)``.
Row 3 says whether every check passes. Conditional formats colour a failure red.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...schema import Outcome, Scenario
from ..assumptions import money_format
from .book import Sheet, col_name, ref
from .layout import CASH, CASH_ROW, INI_COL, INITIATIVES, SUMMARY, TEI, Layout, cash_col
from .results import CashValues
from .tei import TeiSheet

FIRST = 6  # first check row


@dataclass(frozen=True)
class Check:
    label: str
    left: str  # formula text without "="
    right: str
    scale: str
    left_value: float
    right_value: float
    scale_value: float


def _sum_abs_diff(a: str, b: str) -> str:
    """Σ |a − b| over two ranges of equal shape (per-year reconciliations)."""
    return f"SUMPRODUCT(ABS({a}-({b})))"


def write_checks(ws: Sheet, scenario: Scenario, lay: Layout, tei: TeiSheet, cash: CashValues,
                 headline: dict[str, object], ini: dict[str, np.ndarray]) -> list[Check]:
    T, sc = lay.horizon, scenario
    money = money_format(sc.settings.currency)
    J = len(sc.initiatives)
    last_ini = 1 + J
    tr = tei.rows
    u = lambda t: col_name(tei.u0 + t)  # noqa: E731
    rr = lambda t: col_name(tei.r0 + t)  # noqa: E731
    cash_rng = lambda key: ref(CASH, f"{cash_col(0)}{CASH_ROW[key]}:{cash_col(T)}{CASH_ROW[key]}")  # noqa: E731
    tei_rng = lambda c, row: ref(TEI, f"{c(0)}{row}:{c(T)}{row}")  # noqa: E731
    ini_rng = lambda key: ref(INITIATIVES, f"{INI_COL[key]}2:{INI_COL[key]}{last_ini}")  # noqa: E731
    npv = float(headline["Case_NPV"])  # type: ignore[arg-type]
    pv_b, pv_c = float(headline["Case_PVBenefits"]), float(headline["Case_PVCosts"])  # type: ignore[arg-type]
    gp = float(headline["Case_IncrementalGrossProfit"])  # type: ignore[arg-type]
    recon = float(tei.values["recon_sum"])
    net = cash["net"]
    tei_net = tei.values["net"]
    outcome_first = lay.summary["_outcomes"]
    outcome_rng = ref(SUMMARY, f"B{outcome_first}:B{outcome_first + len(Outcome) - 1}")
    checks = [
        Check("Σ initiative NPVs − PV of shared programme costs = the case's NPV (TEI reconciliation)",
              ref(TEI, f"{u(0)}{tr['recon_sum']}"), "Case_NPV", "ABS(Case_NPV)", recon, npv, abs(npv)),
        Check("PV of benefits − PV of costs = NPV (Summary)", "Case_PVBenefits-Case_PVCosts", "Case_NPV",
              "MAX(ABS(Case_PVBenefits),ABS(Case_PVCosts))", pv_b - pv_c, npv, max(abs(pv_b), abs(pv_c))),
        Check("PV of benefits on the TEI sheet = PV of benefits on the Summary",
              ref(TEI, f"{col_name(tei.r0 + T + 2)}{tr['pv_benefits']}"), "Case_PVBenefits", "ABS(Case_PVBenefits)",
              float(tei.values["pv_benefits"]), pv_b, abs(pv_b)),
        Check("PV of costs on the TEI sheet = PV of costs on the Summary",
              ref(TEI, f"{col_name(tei.r0 + T + 2)}{tr['cost_total']}"), "Case_PVCosts", "ABS(Case_PVCosts)",
              float(tei.values["pv_costs"]), pv_c, abs(pv_c)),
        Check("Σ initiatives' incremental revenue = incremental revenue of the cash flow",
              f"SUM({ini_rng('incremental_revenue')})", "Case_IncrementalRevenue", "ABS(Case_IncrementalRevenue)",
              float(ini["incremental_revenue"].sum()), float(cash["revenue"].sum()), abs(float(cash["revenue"].sum()))),
        Check("Σ initiatives' gross profit + savings = benefits of the cash flow",
              f"SUM({ini_rng('incremental_gross_profit')})", "Case_IncrementalGrossProfit",
              "ABS(Case_IncrementalGrossProfit)", float(ini["incremental_gross_profit"].sum()), gp, abs(gp)),
        Check("Σ benefit by outcome (Summary) = gross profit + savings", f"SUM({outcome_rng})",
              "Case_IncrementalGrossProfit", "ABS(Case_IncrementalGrossProfit)",
              float(ini["incremental_gross_profit"].sum()), gp, abs(gp)),
        Check("Cash flow = benefits − costs, every year (Σ |difference| over the years)",
              _sum_abs_diff(cash_rng("net"), f"{cash_rng('benefit')}+{cash_rng('ini_cost')}+{cash_rng('prog_cost')}"),
              "0", f"SUMPRODUCT(ABS({cash_rng('benefit')}))", 0.0, 0.0, float(np.abs(cash["benefit"]).sum())),
        Check("Net cash flow (Cash flow sheet) = TEI benefits − TEI costs, every year",
              _sum_abs_diff(cash_rng("net"), tei_rng(u, tr["cf_net"])), "0", f"SUMPRODUCT(ABS({cash_rng('net')}))",
              float(np.abs(net - tei_net).sum()), 0.0, float(np.abs(net).sum())),
        Check("Σ initiatives' benefits (TEI) = benefits of the cash flow, every year",
              _sum_abs_diff(tei_rng(rr, tr["benefit_total"]), cash_rng("benefit")), "0",
              f"SUMPRODUCT(ABS({cash_rng('benefit')}))",
              0.0, 0.0,
              float(np.abs(cash["benefit"]).sum())),
        Check("Σ costs by type = total costs of the cash flow, every year",
              _sum_abs_diff(tei_rng(rr, tr["type_total"]), cash_rng("total_cost")), "0",
              f"SUMPRODUCT(ABS({cash_rng('total_cost')}))", 0.0, 0.0, float(np.abs(cash["total_cost"]).sum())),
        Check("Σ costs by initiative and shared = Σ costs by type, every year",
              _sum_abs_diff(tei_rng(rr, tr["cost_total"]), tei_rng(rr, tr["type_total"])), "0",
              f"SUMPRODUCT(ABS({cash_rng('total_cost')}))", 0.0, 0.0, float(np.abs(cash["total_cost"]).sum())),
        Check("Cumulative cash flow at the horizon = Σ net cash flow",
              ref(CASH, f"{cash_col(T)}{CASH_ROW['cum']}"), f"SUM({cash_rng('net')})",
              f"SUMPRODUCT(ABS({cash_rng('net')}))", float(cash["cum"][-1]), float(net.sum()),
              float(np.abs(net).sum())),
    ]
    ws.text(1, 1, "Checks: the workbook reconciles", "title")
    ws.note(2, "Each check compares two figures reached by different paths through the workbook. It passes when "
               "|left − right| ≤ CheckTolerance (Assumptions sheet, model constants) × the larger of 1 and the "
               "scale. Every check is a live formula: it must read TRUE after any edit.", 6, 130)
    last = FIRST + len(checks) - 1
    ws.text(3, 1, "All checks pass", "bold")
    ws.formula(3, 6, f"=AND(F{FIRST}:F{last})", True, "flag")
    ws.header(FIRST - 1, ["Check", "Left", "Right", "Difference", "Scale", "Passes"])
    for k, c in enumerate(checks):
        r = FIRST + k
        ws.text(r, 1, c.label, "wrap")
        ws.formula(r, 2, "=" + c.left, c.left_value, num=money)
        ws.formula(r, 3, "=" + c.right, c.right_value, num=money)
        ws.formula(r, 4, f"=B{r}-C{r}", c.left_value - c.right_value, num=money)
        ws.formula(r, 5, "=" + c.scale, c.scale_value, num=money)
        ws.formula(r, 6, f"=ABS(D{r})<=CheckTolerance*MAX(1,E{r})", True, "flag")
    good, bad = ws.book.fmt("ok"), ws.book.fmt("stale")
    for rng in ("F3:F3", f"F{FIRST}:F{last}"):
        ws.call("conditional_format", rng, {"type": "cell", "criteria": "==", "value": "FALSE", "format": bad})
        ws.call("conditional_format", rng, {"type": "cell", "criteria": "==", "value": "TRUE", "format": good})
    ws.widths({1: 70, 2: 18, 3: 18, 4: 14, 5: 18, 6: 10})
    ws.setup((FIRST - 1, 1))
    return checks


__all__ = ["FIRST", "Check", "write_checks"]
