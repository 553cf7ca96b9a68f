"""The Summary sheet: the uplift case switch, the headline figures, benefit by outcome, what the
model is (date, tool and scenario version), how to read the colours, and two native charts.

Headline cells have defined names (``Case_NPV``, ``Case_IRR``, ``Case_ROI``, ``Case_PaybackMonths``,
``Case_PVBenefits``, ``Case_PVCosts`` …); the switch is ``UpliftCase`` (Low / Base / High: every
initiative's uplift at its low, base or high value, live through the whole model).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ... import finance
from ...format import currency_symbol
from ...maturity import assess
from ...schema import Outcome, Scenario
from ...version import __version__
from ..assumptions import DECIMAL, PERCENT, money_format
from .book import Book, Sheet, col_index, ref
from .calc import payback_formula, payback_value
from .layout import (CASH, CASH_ROW, FORMAT_VERSION, INI_COL, INITIATIVES, SUMMARY, UPLIFT_CASES, Layout)
from .results import CashValues, npv_value

SWITCH_ROW = 5
HEADLINE_ROW = 8  # first headline figure (the header is the row above)


def irr_formula(net: str) -> str:
    """``IRR`` of the range ``net``, ``undefined`` when the flows never change sign.

    Excel's and LibreOffice's ``IRR`` iterate from a guess (10% by default) and can fail to
    converge when the rate is far from it (e.g. −40%); the formula then retries from the
    estimate ``(Σ inflows / Σ outflows)^(1/n) − 1``, and from −50% and +100% (solver starting
    points, not model numbers).
    """
    guess = f'(SUMIF({net},">0")/-SUMIF({net},"<0"))^(1/(COUNT({net})-1))-1'
    return (f'=IF(AND(COUNTIF({net},">0")>0,COUNTIF({net},"<0")>0),IFERROR(IRR({net}),IFERROR(IRR({net},{guess}),'
            f'IFERROR(IRR({net},-0.5),IFERROR(IRR({net},1),"undefined")))),"undefined")')


def write_summary(book: Book, ws: Sheet, scenario: Scenario, lay: Layout, cash: CashValues,
                  ini: dict[str, np.ndarray], *, fingerprint: str, library_version: int | None) -> dict[str, object]:
    """Write the sheet; returns the headline values by defined name (what the cells cache)."""
    sc, s = scenario, scenario.settings
    T, cur, rate = lay.horizon, s.currency, s.discount_rate
    money = money_format(cur)
    L = cash
    last_ini = 1 + len(sc.initiatives)
    total_row = last_ini + 1
    ini_rng = lambda key: ref(INITIATIVES, f"${INI_COL[key]}$2:${INI_COL[key]}${last_ini}")  # noqa: E731

    ws.text(1, 1, s.name, "title")
    ws.note(2, f"Personalization business case — {T}-year horizon, risk-adjusted (TEI), in {cur}. Yellow cells "
               "are live inputs (here and on the Assumptions sheet); every figure recalculates.", 2, 90)
    ws.header(SWITCH_ROW - 1, ["Uplift case (switch)", "Value"])
    ws.text(SWITCH_ROW, 1, "Every initiative's uplift at its Low, Base or High value (Assumptions sheet); drives the "
                           "whole model", "wrap")
    ws.text(SWITCH_ROW, 2, "Base", "input")
    ws.validate(SWITCH_ROW, 2, {
        "validate": "list", "source": list(UPLIFT_CASES), "error_title": "Not an uplift case",
        "error_message": "Choose Low, Base or High.", "input_title": "Uplift case",
        "input_message": "Low / Base / High: every initiative's uplift at that value. The analysis sheets were "
                         "computed for Base."})
    book.name("UpliftCase", SUMMARY, SWITCH_ROW, 2)
    ws.row_height(SWITCH_ROW, 30)

    counted = float(L["beyond"][T] / (1 + rate) ** T) if s.include_beyond_horizon else 0.0
    pv_b = npv_value(rate, L["benefit"]) + counted
    pv_c = npv_value(rate, L["total_cost"])
    var_total = float(L["variable"].sum())
    with_campaign = ini["variable_campaign_cost_total"] > 0
    pv_b_unadj = npv_value(rate, L["benefit_unadj"])
    irr = finance.irr(L["net_irr"])
    m = assess(sc.process)
    unadj_counted = float(L["beyond_unadj"][T] / (1 + rate) ** T) if s.include_beyond_horizon else 0.0
    cash_ = lambda key, t: lay.cash(key, t)  # noqa: E731
    rng = lambda key, t0, t1: lay.cash_range(key, t0, t1)  # noqa: E731
    total = lambda key: lay.cash_total(key)  # noqa: E731
    disc_T = "(1+DiscountRate)^HorizonYears"
    counted_f = "IF(IncludeBeyondHorizon,Case_BeyondHorizonValue,0)"
    sym = currency_symbol(cur)
    lines: list[tuple[str, str, object, str, str | None, str | None]] = [
        ("NPV (risk-adjusted)", f"={cash_('net', 0)}+NPV(DiscountRate,{rng('net', 1, T)})+{counted_f}",
         npv_value(rate, L["net"]) + counted, "headline", money, "Case_NPV"),
        ("IRR", irr_formula(rng("net_irr", 0, T)), "undefined" if irr is None else irr, "plain", PERCENT, "Case_IRR"),
        ("PV of benefits", f"={cash_('benefit', 0)}+NPV(DiscountRate,{rng('benefit', 1, T)})+{counted_f}", pv_b,
         "plain", money, "Case_PVBenefits"),
        ("PV of costs", f"={cash_('total_cost', 0)}+NPV(DiscountRate,{rng('total_cost', 1, T)})", pv_c, "plain",
         money, "Case_PVCosts"),
        ("ROI = (PV benefits − PV costs) / PV costs", '=IF(Case_PVCosts<=0,"undefined",'
         '(Case_PVBenefits-Case_PVCosts)/Case_PVCosts)', "undefined" if pv_c <= 0 else (pv_b - pv_c) / pv_c,
         "plain", PERCENT, "Case_ROI"),
        ("Payback (months, cash inside the horizon)", payback_formula(rng("cum", 0, T), rng("cross", 1, T)),
         payback_value(L["cum"], L["cross"]), "plain", DECIMAL, "Case_PaybackMonths"),
        ("Value beyond the horizon (PV; in NPV only when counted)", f"={cash_('beyond', T)}/{disc_T}",
         float(L["beyond"][T] / (1 + rate) ** T), "plain", money, "Case_BeyondHorizonValue"),
        ("Incremental revenue", f"={total('revenue')}", float(L["revenue"].sum()), "plain", money,
         "Case_IncrementalRevenue"),
        ("Incremental gross profit + savings", f"={total('benefit')}", float(L["benefit"].sum()), "plain", money,
         "Case_IncrementalGrossProfit"),
        ("Variable campaign cost", f"={total('variable')}", var_total, "plain", money, "Case_VariableCampaignCost"),
        (f"Incremental revenue per {sym}1 of campaign cost, initiatives that carry it (benchmark ≈ 6)",
         f'=IF(Case_VariableCampaignCost=0,"n/a",SUMIF({ini_rng("variable_campaign_cost_total")},">0",'
         f'{ini_rng("incremental_revenue")})/Case_VariableCampaignCost)',
         "n/a" if var_total == 0 else float(ini["incremental_revenue"][with_campaign].sum()) / var_total, "plain",
         DECIMAL, "Case_RevenuePerCampaignDollar"),
        ("Revenue of initiatives with no campaign cost",
         f'=SUMIF({ini_rng("variable_campaign_cost_total")},0,{ini_rng("incremental_revenue")})',
         float(ini["incremental_revenue"][ini["variable_campaign_cost_total"] == 0].sum()), "plain", money,
         "Case_RevenueWithoutCampaignCost"),
        ("Overlap correction (revenue not double counted)",
         "=" + ref(INITIATIVES, f"{INI_COL['overlap_correction']}{total_row}"),
         float(ini["overlap_correction"].sum()), "plain", money, "Case_OverlapCorrection"),
        ("Lever interaction (revenue from cross terms of levers)",
         "=" + ref(INITIATIVES, f"{INI_COL['lever_interaction']}{total_row}"),
         float(ini["lever_interaction"].sum()), "plain", money, "Case_LeverInteraction"),
        ("NPV before risk adjustment", f"={cash_('net_unadj', 0)}+NPV(DiscountRate,{rng('net_unadj', 1, T)})"
         f"+IF(IncludeBeyondHorizon,{cash_('beyond_unadj', T)}/{disc_T},0)",
         npv_value(rate, L["net_unadj"]) + unadj_counted, "plain", money, "Case_UnadjustedNPV"),
        ("Effective benefit risk = 1 − PV(risk-adjusted benefits) / PV(benefits)",
         f'=IF({cash_("benefit_unadj", 0)}+NPV(DiscountRate,{rng("benefit_unadj", 1, T)})>0,1-({cash_("benefit", 0)}+'
         f'NPV(DiscountRate,{rng("benefit", 1, T)}))/({cash_("benefit_unadj", 0)}+NPV(DiscountRate,'
         f'{rng("benefit_unadj", 1, T)})),"n/a")',
         (1 - npv_value(rate, L["benefit"]) / pv_b_unadj) if pv_b_unadj > 0 else "n/a", "plain", PERCENT,
         "Case_EffectiveBenefitRisk"),
        ("Process maturity index (0–1)", "=MaturityIndex", m.index, "plain", "0.0000", None),
        ("Share of uplift realised", "=Realisation", m.realisation, "plain", PERCENT, None),
        ("Months from launch to full effect", "=RampMonths", m.ramp_months, "plain", DECIMAL, None),
    ]
    ws.header(HEADLINE_ROW - 1, ["Headline figure", "Value"])
    values: dict[str, object] = {}
    for k, (label, f, value, style, num, name) in enumerate(lines):
        r = HEADLINE_ROW + k
        ws.text(r, 1, label, "bold" if style == "headline" else "plain")
        ws.formula(r, 2, f, value, style, num)
        if name:
            book.name(name, SUMMARY, r, 2)
            lay.summary[name] = r
            values[name] = value
    r = HEADLINE_ROW + len(lines) + 1
    ws.header(r, ["Benefit by outcome (gross profit + savings)", "Value"])
    out_rng, gp_rng = ini_rng("outcome"), ini_rng("incremental_gross_profit")
    for k, o in enumerate(Outcome):
        value = float(sum(ini["incremental_gross_profit"][j] for j, i in enumerate(sc.initiatives) if i.outcome == o))
        ws.text(r + 1 + k, 1, o.value)
        ws.formula(r + 1 + k, 2, f'=SUMIF({out_rng},"{o.value}",{gp_rng})', value, num=money)
    lay.summary["_outcomes"] = r + 1
    r += len(Outcome) + 2
    about = [
        ("Model date (exported on)", dt.date.today().isoformat()),
        ("Tool", f"roi (personalization ROI dashboard) {__version__}; workbook format {FORMAT_VERSION}"),
        ("Scenario version", (f"version {library_version} in the scenario library" if library_version
                              else "not saved in the scenario library") + f"; schema version {sc.schema_version}"),
        ("Scenario fingerprint (SHA-256 of its JSON, first 16 hex digits)", fingerprint[:16]),
        ("Analysis sheets (grey tabs)", "values computed for the Base uplift case at export; each says when the "
                                        "case has changed since (a red flag in its row 2)"),
    ]
    ws.header(r, ["About this model", ""])
    for k, (label, text) in enumerate(about, start=1):
        ws.text(r + k, 1, label)
        ws.text(r + k, 2, text, "wrap")
        ws.row_height(r + k, 15 * (1 + len(text) // 50))
    lay.summary["_about"] = r + 1
    r += len(about) + 2
    ws.header(r, ["Colours", ""])
    legend = [("input", "Yellow: a live input — change it and the case recalculates (validated; other cells are "
                        "protected, without a password)"),
              ("text_input", "Blue: text (names, sources, notes) read back into the app on import; changes no figure"),
              ("fixed", "Grey: set in the app (the horizon, levers, target segments, the Monte Carlo's correlation); "
                        "column H of the Assumptions sheet says where"),
              ("plain", "Grey tabs: analyses as values, computed at export (not live)")]
    for k, (style, text) in enumerate(legend, start=1):
        ws.text(r + k, 1, "(example)" if style != "plain" else "", "legend_" + style if style != "plain" else "plain")
        ws.text(r + k, 2, text, "wrap")
        ws.row_height(r + k, 30)
    ws.widths({1: 72, 2: 50})
    _cash_chart(book, ws, lay, cur)
    _impact_chart(book, ws, lay, len(sc.initiatives), cur)
    ws.setup((HEADLINE_ROW - 1, 0))
    return values


def _cash_chart(book: Book, ws: Sheet, lay: Layout, currency: str) -> None:
    T = lay.horizon
    chart = book.chart({"type": "column"})
    for key, colour in (("benefit", "#0072B2"), ("ini_cost", "#D55E00"), ("prog_cost", "#E69F00"),
                        ("net", "#4D4D4D")):
        r = CASH_ROW[key] - 1
        chart.add_series({"name": [CASH, r, 0], "categories": [CASH, 0, 1, 0, 1 + T],
                          "values": [CASH, r, 1, r, 1 + T], "fill": {"color": colour}})
    chart.set_title({"name": "Cash flow by year (risk-adjusted)", "name_font": {"size": 12}})
    chart.set_y_axis({"name": currency, "num_format": "#,##0", "major_gridlines": {"visible": True}})
    chart.set_x_axis({"name": "Year", "label_position": "low"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 340})
    ws.call("insert_chart", "D4", chart)


def _impact_chart(book: Book, ws: Sheet, lay: Layout, n: int, currency: str) -> None:
    chart = book.chart({"type": "scatter"})
    ecol = col_index(INI_COL["effort_fte_months"]) - 1
    ncol = col_index(INI_COL["npv"]) - 1
    for j in range(n):
        r = lay.ini_row[j] - 1
        chart.add_series({"name": [INITIATIVES, r, 0], "categories": [INITIATIVES, r, ecol, r, ecol],
                          "values": [INITIATIVES, r, ncol, r, ncol], "marker": {"type": "circle", "size": 8}})
    chart.set_title({"name": "Impact (NPV) vs effort", "name_font": {"size": 12}})
    chart.set_x_axis({"name": "Effort (FTE-months)", "major_gridlines": {"visible": True}})
    chart.set_y_axis({"name": f"NPV ({currency})", "num_format": "#,##0"})
    chart.set_legend({"position": "right"} if n <= 12 else {"none": True})
    chart.set_size({"width": 720, "height": 380})
    ws.call("insert_chart", "D23", chart)



__all__ = ["HEADLINE_ROW", "SWITCH_ROW", "irr_formula", "write_summary"]
