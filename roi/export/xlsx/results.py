"""The results the Calc sheet adds up to: each initiative's figures and the programme's cash flow.

Every cell is a formula written with its value (from the Calc sheet's arrays, :mod:`.calc`).
Excel's ``NPV()`` discounts its first value one period, so every NPV is written
``=CF0 + NPV(rate, CF1:CFn)`` (year 0 undiscounted, as :func:`roi.finance.npv`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...evidence import evidence_text
from ...schema import Scenario
from ..assumptions import DECIMAL, money_format
from .book import Sheet, col_index, ref
from .calc import Calc, crossing_formula, crossings, payback_formula, payback_value
from .layout import CALC, CASH_LINES, CASH_ROW, INI_COL, INI_RESULTS, Layout, cash_col


def npv_value(rate: float, flows: np.ndarray) -> float:
    """``CF0 + NPV(rate, CF1:CFn)``."""
    return float(flows[0] + sum(flows[t] / (1 + rate) ** t for t in range(1, len(flows))))



def write_initiative_results(ws: Sheet, scenario: Scenario, lay: Layout, calc: Calc) -> dict[str, np.ndarray]:
    """The result columns of the Initiatives sheet and its totals row; returns the values by key."""
    T, y, v = lay.horizon, lay.ycol, calc.v
    s = scenario.settings
    money = money_format(s.currency)
    rate, include = s.discount_rate, s.include_beyond_horizon
    J = len(scenario.initiatives)
    num = {key: (money if fmt == "money" else fmt) for key, _, fmt in INI_RESULTS}

    def c(section: str, j: int, t: int) -> str:
        return ref(CALC, f"{y(t)}{lay.calc[section][0] + j}")

    def rng(section: str, j: int, t0: int, t1: int) -> str:
        row = lay.calc[section][0] + j
        return ref(CALC, f"{y(t0)}{row}:{y(t1)}{row}")

    total = lambda sec: np.nansum(v[sec], axis=1)  # noqa: E731
    reach_by_ini = np.zeros(J)
    np.add.at(reach_by_ini, calc.st.pair_initiative, v["reach"][:, 0])
    out: dict[str, np.ndarray] = {
        "reachable_customers": reach_by_ini,
        "incremental_revenue": total("i_rev_adj"),
        "incremental_gross_profit": total("i_benefit"),
        "overlap_correction": total("i_rev_solo_adj") - total("i_rev_mid_adj"),
        "lever_interaction": total("i_rev_adj") - total("i_rev_mid_adj"),
        "beyond_horizon_value": v["i_term_adj"][:, T] / (1 + rate) ** T,
        "total_cost": total("i_cost"),
        "variable_campaign_cost_total": total("i_var_adj"),
    }
    counted = out["beyond_horizon_value"] if include else np.zeros(J)
    pv_b = np.array([npv_value(rate, v["i_benefit"][j]) for j in range(J)]) + counted
    pv_c = np.array([npv_value(rate, v["i_cost"][j]) for j in range(J)])
    out["npv"] = pv_b - pv_c
    a, b = lay.calc["reach"]
    for j, ini in enumerate(scenario.initiatives):
        r = lay.ini_row[j]
        col = {key: f"{INI_COL[key]}{r}" for key in INI_COL}

        def put(key: str, formula: str, value: object) -> None:
            ws.formula(r, col_index(INI_COL[key]), formula, value, num=num[key])

        put("reachable_customers",
            f"=SUMIF({ref(CALC, f'$A${a}:$A${b}')},{j + 1},{ref(CALC, f'${y(0)}${a}:${y(0)}${b}')})" if b >= a
            else "=0", out["reachable_customers"][j])
        put("incremental_revenue", f"=SUM({rng('i_rev_adj', j, 0, T)})", out["incremental_revenue"][j])
        put("incremental_gross_profit", f"=SUM({rng('i_benefit', j, 0, T)})", out["incremental_gross_profit"][j])
        put("overlap_correction", f"=SUM({rng('i_rev_solo_adj', j, 0, T)})-SUM({rng('i_rev_mid_adj', j, 0, T)})",
            out["overlap_correction"][j])
        put("lever_interaction", f"=SUM({rng('i_rev_adj', j, 0, T)})-SUM({rng('i_rev_mid_adj', j, 0, T)})",
            out["lever_interaction"][j])
        bhv = col["beyond_horizon_value"]
        put("beyond_horizon_value", f"={c('i_term_adj', j, T)}/(1+DiscountRate)^HorizonYears",
            out["beyond_horizon_value"][j])
        counted_f = f"IF(IncludeBeyondHorizon,{bhv},0)"
        put("total_cost", f"=SUM({rng('i_cost', j, 0, T)})", out["total_cost"][j])
        put("variable_campaign_cost_total", f"=SUM({rng('i_var_adj', j, 0, T)})", out["variable_campaign_cost_total"][j])
        put("npv", f"={c('i_net', j, 0)}+NPV(DiscountRate,{rng('i_net', j, 1, T)})+{counted_f}", out["npv"][j])
        pvb_f = f"({c('i_benefit', j, 0)}+NPV(DiscountRate,{rng('i_benefit', j, 1, T)})+{counted_f})"
        pvc_f = f"({c('i_cost', j, 0)}+NPV(DiscountRate,{rng('i_cost', j, 1, T)}))"
        put("roi", f'=IF({pvc_f}<=0,"undefined",({pvb_f}-{pvc_f})/{pvc_f})',
            "undefined" if pv_c[j] <= 0 else (pv_b[j] - pv_c[j]) / pv_c[j])
        put("payback_months", payback_formula(rng("i_cum", j, 0, T), rng("i_cross", j, 1, T)),
            payback_value(v["i_cum"][j], v["i_cross"][j]))
        rev, var = out["incremental_revenue"][j], out["variable_campaign_cost_total"][j]
        put("revenue_per_campaign_dollar", f'=IF({col["variable_campaign_cost_total"]}>0,'
            f'{col["incremental_revenue"]}/{col["variable_campaign_cost_total"]},"n/a")', rev / var if var > 0 else "n/a")
        ws.text(r, col_index(INI_COL["evidence"]), evidence_text(ini.evidence))
    last = 1 + J
    tr = last + 1
    ws.text(tr, 1, "Total (initiatives, before programme costs)", "total")
    effort = float(sum(i.effort_fte_months for i in scenario.initiatives))
    for key in ("incremental_revenue", "incremental_gross_profit", "overlap_correction", "lever_interaction",
                "beyond_horizon_value", "total_cost", "variable_campaign_cost_total", "npv", "effort_fte_months"):
        letter = INI_COL[key]
        value = effort if key == "effort_fte_months" else float(out[key].sum())
        ws.formula(tr, col_index(letter), f"=SUM({letter}2:{letter}{last})", value, "total",
                   DECIMAL if key == "effort_fte_months" else money)
    from .layout import INI_INPUTS

    ws.header(1, ["Initiative"] + [h for _, h, _ in INI_INPUTS + INI_RESULTS])
    ws.widths({1: 34, **{k: 15 for k in range(2, 2 + len(INI_COL))}, col_index(INI_COL["evidence"]): 50})
    ws.row_height(1, 45)
    ws.setup((1, 1))
    return out


@dataclass(frozen=True)
class CashValues:
    """The Cash flow sheet's lines by key, years 0 … T (currency; the discount line a factor)."""

    lines: dict[str, np.ndarray]

    def __getitem__(self, key: str) -> np.ndarray:
        return self.lines[key]


def write_cash_flow(ws: Sheet, scenario: Scenario, lay: Layout, calc: Calc) -> CashValues:
    T, v = lay.horizon, calc.v
    s, p = scenario.settings, scenario.process
    money = money_format(s.currency)
    cr, rate = 1 + s.cost_risk, s.discount_rate
    R = CASH_ROW
    total_col = 3 + T
    ws.header(1, ["Line item"] + [f"Year {t}" for t in range(T + 1)] + ["Total"])

    def calc_sum(section: str, t: int) -> str:
        a, b = lay.calc[section]
        return f"SUM({ref(CALC, f'{lay.ycol(t)}{a}:{lay.ycol(t)}{b}')})"

    col_sum = lambda sec: np.nansum(v[sec], axis=0)  # noqa: E731
    prog = np.full(T + 1, (p.team_annual_cost + p.platform_annual_cost) * cr)
    prog[0] = p.platform_one_time_cost * cr
    prog_unadj = prog / cr
    L: dict[str, np.ndarray] = {}
    L["revenue"] = col_sum("i_rev_adj")
    L["benefit"] = col_sum("i_benefit")
    L["ini_cost"] = -col_sum("i_cost")
    L["prog_cost"] = -prog
    L["net"] = L["benefit"] + L["ini_cost"] + L["prog_cost"]
    L["cum"] = np.cumsum(L["net"])
    L["cross"] = crossings(L["cum"], L["net"])
    L["total_cost"] = -(L["ini_cost"] + L["prog_cost"])
    L["variable"] = col_sum("i_var_adj")
    L["net_unadj"] = (col_sum("i_gp") + col_sum("i_sav") - col_sum("i_one") - col_sum("i_effort") - col_sum("i_run")
                      - col_sum("i_content") - col_sum("i_var") - prog_unadj)
    L["discount"] = (1 + rate) ** -np.arange(T + 1.0)
    L["beyond"] = np.zeros(T + 1)
    L["beyond"][T] = np.nansum(v["i_term_adj"][:, T])
    L["net_irr"] = L["net"] + (L["beyond"] if s.include_beyond_horizon else 0.0)
    L["benefit_unadj"] = col_sum("i_gp") + col_sum("i_sav")
    L["beyond_unadj"] = np.zeros(T + 1)
    L["beyond_unadj"][T] = np.nansum(v["i_term"][:, T])
    L["year"] = np.arange(T + 1.0)
    for key, label in CASH_LINES:
        r = R[key]
        ws.text(r, 1, label, "bold" if key == "net" else "plain")
        for t in range(T + 1):
            col = cash_col(t)
            if key == "revenue":
                f = "=" + calc_sum("i_rev_adj", t)
            elif key == "benefit":
                f = "=" + calc_sum("i_benefit", t)
            elif key == "ini_cost":
                f = "=-" + calc_sum("i_cost", t)
            elif key == "prog_cost":
                f = "=-PlatformOneTimeCost*(1+CostRisk)" if t == 0 else "=-(TeamAnnualCost+PlatformAnnualCost)*(1+CostRisk)"
            elif key == "net":
                f = f"={col}{R['benefit']}+{col}{R['ini_cost']}+{col}{R['prog_cost']}"
            elif key == "cum":
                f = f"={col}{R['net']}" if t == 0 else f"={cash_col(t - 1)}{r}+{col}{R['net']}"
            elif key == "cross":
                if t == 0:
                    continue
                f = crossing_formula(f"{cash_col(t - 1)}{R['cum']}", f"{col}{R['cum']}", f"{col}{R['net']}",
                                     f"{cash_col(t - 1)}${R['year']}")
            elif key == "total_cost":
                f = f"=-({col}{R['ini_cost']}+{col}{R['prog_cost']})"
            elif key == "variable":
                f = "=" + calc_sum("i_var_adj", t)
            elif key == "net_unadj":
                pc = "PlatformOneTimeCost" if t == 0 else "(TeamAnnualCost+PlatformAnnualCost)"
                f = (f"={calc_sum('i_gp', t)}+{calc_sum('i_sav', t)}-{calc_sum('i_one', t)}-{calc_sum('i_effort', t)}"
                     f"-{calc_sum('i_run', t)}-{calc_sum('i_content', t)}-{calc_sum('i_var', t)}-{pc}")
            elif key == "discount":
                f = f"=1/(1+DiscountRate)^{col}${R['year']}"
            elif key in ("beyond", "beyond_unadj"):
                f = ("=" + calc_sum("i_term_adj" if key == "beyond" else "i_term", t)) if t == T else "=0"
            elif key == "net_irr":
                f = f"={col}{R['net']}+IF(IncludeBeyondHorizon,{col}{R['beyond']},0)"
            elif key == "year":  # the year number counts the columns from year 0
                f = f"=COLUMN()-COLUMN($B${r})"
            else:  # benefit_unadj
                f = f"={calc_sum('i_gp', t)}+{calc_sum('i_sav', t)}"
            num = {"cross": DECIMAL, "discount": "0.0000", "year": "0"}.get(key, money)
            value = L[key][t]
            ws.formula(r, 2 + t, f, None if np.isnan(value) else float(value), "bold" if key == "net" else "plain",
                       num)
        if key not in ("cum", "cross", "discount", "net_irr", "year"):
            ws.formula(r, total_col, f"=SUM(B{r}:{cash_col(T)}{r})", float(L[key].sum()),
                       "bold" if key == "net" else "plain", money)
    note = max(R.values()) + 2
    ws.note(note, "Costs are negative. Year 0 is the initial investment and is not discounted: NPV = year 0 + "
                  "NPV(rate, years 1…n), because Excel's NPV() discounts its first value one period. Shared "
                  "programme costs belong to the programme, not to an initiative. The TEI sheet shows the same "
                  "figures by initiative and by type of cost, before and after risk adjustment.", 3 + T, 140)
    ws.widths({1: 44, **{2 + t: 16 for t in range(T + 1)}, total_col: 18})
    ws.setup((1, 1))
    return CashValues(L)


__all__ = ["CashValues", "npv_value", "write_cash_flow", "write_initiative_results"]
