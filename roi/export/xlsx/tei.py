"""The TEI sheet: the tables a finance reviewer of a Forrester Total Economic Impact study looks for.

1. Benefits by initiative by year — before risk adjustment and risk-adjusted side by side, each
   with its total and present value (year 0 undiscounted), and the value beyond the horizon;
2. Costs by initiative by year, the shared programme costs, the same two blocks;
3. Costs by type (one-time, effort, running, content, variable campaign, platform, team);
4. The risk-adjusted cash flow with cumulative, discounted and cumulative discounted lines, the
   payback and the discounted payback;
5. The reconciliation: initiative NPVs + shared programme costs (PV) = the case's NPV.

Every cell is a live formula over the Calc and Cash flow sheets, written with its value; the
Checks sheet verifies that the tables add up.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...schema import Scenario
from ..assumptions import DECIMAL, PERCENT, money_format
from .book import Sheet, col_name, ref
from .calc import Calc, crossing_formula, crossings, payback_formula, payback_value
from .layout import CALC, INI_COL, INITIATIVES, Layout
from .results import CashValues, npv_value

COST_TYPES = [  # (key, label, Calc section of initiatives or None for a programme cost)
    ("i_one", "One-time (initiatives' implementation)", "one_time_cost"),
    ("i_effort", "Effort (FTE-months × cost of an FTE-month)", None),
    ("i_run", "Running", None),
    ("i_content", "Content production", None),
    ("i_var", "Variable campaign", None),
    ("platform_one", "Platform implementation (shared)", None),
    ("platform", "Platform licences and hosting (shared)", None),
    ("team", "Programme team (shared)", None),
]


class TeiSheet:
    """Writes the TEI sheet; ``rows`` keeps where each total sits (for the Checks sheet)."""

    def __init__(self, ws: Sheet, scenario: Scenario, lay: Layout, calc: Calc, cash: CashValues):
        self.ws, self.sc, self.lay, self.calc, self.cash = ws, scenario, lay, calc, cash
        self.T = lay.horizon
        self.rate = scenario.settings.discount_rate
        self.money = money_format(scenario.settings.currency)
        self.rows: dict[str, int] = {}
        self.values: dict[str, np.ndarray | float] = {}
        # column layout: A label, B risk adjustment, then two blocks (years 0…T, Total, PV)
        self.u0 = 3
        self.r0 = self.u0 + self.T + 4  # one empty column between the blocks

    def ycol(self, block: int, t: int) -> str:
        return col_name(block + t)

    def calc_ref(self, section: str, j: int, t: int) -> str:
        return ref(CALC, f"{self.lay.ycol(t)}{self.lay.calc[section][0] + j}")

    def block(self, row: int, start: int, values: np.ndarray, formula: Callable[[int], str], style: str = "plain",
              pv: bool = True) -> None:
        """Years 0 … T from ``formula(t)``, then Total and (``pv``) PV = year 0 + NPV(rate, years 1…T)."""
        ws, T = self.ws, self.T
        for t in range(T + 1):
            ws.formula(row, start + t, formula(t), float(values[t]), style, self.money)
        first, last = self.ycol(start, 0), self.ycol(start, T)
        ws.formula(row, start + T + 1, f"=SUM({first}{row}:{last}{row})", float(values.sum()), style, self.money)
        if pv:
            ws.formula(row, start + T + 2, f"={first}{row}+NPV(DiscountRate,{self.ycol(start, 1)}{row}:{last}{row})",
                       npv_value(self.rate, values), style, self.money)

    def headers(self, row: int, title: str, left: str, blocks: tuple[str, str]) -> None:
        ws, T = self.ws, self.T
        ws.text(row, 1, title, "section")
        years = [("Initial" if t == 0 else f"Year {t}") for t in range(T + 1)] + ["Total", "Present value"]
        ws.text(row + 1, self.u0, blocks[0], "bold")
        ws.text(row + 1, self.r0, blocks[1], "bold")
        ws.header(row + 2, [left, "Risk adjustment"])
        ws.header(row + 2, years, self.u0)
        ws.header(row + 2, years, self.r0)

    def write(self) -> None:
        ws, sc, T, v = self.ws, self.sc, self.T, self.calc.v
        cur = sc.settings.currency
        ws.text(1, 1, f"Total Economic Impact tables — {T}-year horizon, {cur}, discount rate as on the Assumptions "
                      "sheet", "title")
        ws.note(2, "Benefits are incremental gross profit plus cost savings. Each benefit is reduced by the risk of the "
                   "evidence behind its uplift (or the initiative's override); costs are raised by the cost risk. "
                   "Present value: year 0 undiscounted, later years discounted at the discount rate. Every figure is "
                   "a live formula; the Checks sheet shows that the tables reconcile with the case's NPV.",
                12, 150)
        row = 4
        # 1. Benefits
        self.headers(row, "Benefits by initiative", "Initiative", ("Before risk adjustment", "Risk-adjusted"))
        row += 3
        first = row
        unadj = np.nan_to_num(v["i_gp"]) + np.nan_to_num(v["i_sav"])
        for j, ini in enumerate(sc.initiatives):
            ws.text(row, 1, ini.name)
            ws.formula(row, 2, "=" + self.lay.ini(j, "risk_rate"), float(v["_risk"][j]), num=PERCENT)
            self.block(row, self.u0, unadj[j], lambda t, j=j: f"={self.calc_ref('i_gp', j, t)}+"
                                                               f"{self.calc_ref('i_sav', j, t)}")
            self.block(row, self.r0, v["i_benefit"][j], lambda t, j=j: f"={self.calc_ref('i_benefit', j, t)}")
            row += 1
        self.rows["benefit_first"], self.rows["benefit_last"] = first, row - 1
        self._total(row, "Total benefits", first, row - 1, unadj.sum(axis=0), v["i_benefit"].sum(axis=0))
        self.rows["benefit_total"] = row
        row += 1
        # value beyond the horizon: PV only, counted in NPV only when the scenario says so
        bhv_u = float(np.nansum(v["i_term"][:, T])) / (1 + self.rate) ** T
        bhv_r = float(np.nansum(v["i_term_adj"][:, T])) / (1 + self.rate) ** T
        counted = sc.settings.include_beyond_horizon
        ws.text(row, 1, "Value beyond the horizon (PV; counted in NPV only when set on the Assumptions sheet)")
        pv_u, pv_r = self.u0 + T + 2, self.r0 + T + 2
        ws.formula(row, pv_u, "=IF(IncludeBeyondHorizon," + f"{ref('Cash flow', self._cash_cell('beyond_unadj', T))}"
                   "/(1+DiscountRate)^HorizonYears,0)", bhv_u if counted else 0.0, num=self.money)
        ws.formula(row, pv_r, "=IF(IncludeBeyondHorizon,Case_BeyondHorizonValue,0)", bhv_r if counted else 0.0,
                   num=self.money)
        self.rows["beyond"] = row
        row += 1
        ws.text(row, 1, "PV of benefits", "total")
        pvb_u = npv_value(self.rate, unadj.sum(axis=0)) + (bhv_u if counted else 0.0)
        pvb_r = npv_value(self.rate, v["i_benefit"].sum(axis=0)) + (bhv_r if counted else 0.0)
        c = col_name(pv_u)
        ws.formula(row, pv_u, f"={c}{row - 2}+{c}{row - 1}", pvb_u, "total", self.money)
        c = col_name(pv_r)
        ws.formula(row, pv_r, f"={c}{row - 2}+{c}{row - 1}", pvb_r, "total", self.money)
        self.rows["pv_benefits"] = row
        self.values["pv_benefits"] = pvb_r
        row += 3
        # 2. Costs by initiative and shared
        self.headers(row, "Costs by initiative and shared programme costs", "Cost", ("Before risk adjustment",
                                                                                      "Risk-adjusted"))
        row += 3
        first = row
        cu = (v["i_one"] + v["i_effort"] + v["i_run"] + v["i_content"] + v["i_var"])
        cr = 1 + sc.settings.cost_risk
        for j, ini in enumerate(sc.initiatives):
            ws.text(row, 1, ini.name)
            ws.formula(row, 2, "=CostRisk", sc.settings.cost_risk, num=PERCENT)
            self.block(row, self.u0, cu[j], lambda t, j=j: "=" + "+".join(
                self.calc_ref(s, j, t) for s in ("i_one", "i_effort", "i_run", "i_content", "i_var")))
            self.block(row, self.r0, v["i_cost"][j], lambda t, j=j: f"={self.calc_ref('i_cost', j, t)}")
            row += 1
        p = sc.process
        shared = {
            "platform_one": ("Platform implementation (shared)", "PlatformOneTimeCost", True,
                             p.platform_one_time_cost),
            "platform": ("Platform licences and hosting (shared)", "PlatformAnnualCost", False,
                         p.platform_annual_cost),
            "team": ("Programme team (shared)", "TeamAnnualCost", False, p.team_annual_cost),
        }
        shared_u = {}
        for key, (label, name, at0, amount) in shared.items():
            vals = np.zeros(T + 1)
            if at0:
                vals[0] = amount
            else:
                vals[1:] = amount
            shared_u[key] = vals
            ws.text(row, 1, label)
            ws.formula(row, 2, "=CostRisk", sc.settings.cost_risk, num=PERCENT)
            self.block(row, self.u0, vals, lambda t, name=name, at0=at0: f"={name}" if (t == 0) == at0 else "=0")
            self.block(row, self.r0, vals * cr, lambda t, name=name, at0=at0: (f"={name}*(1+CostRisk)"
                                                                                if (t == 0) == at0 else "=0"))
            self.rows[key] = row
            row += 1
        shared_total_u = sum(shared_u.values())
        self.rows["cost_first"], self.rows["cost_last"] = first, row - 1
        total_u = cu.sum(axis=0) + shared_total_u
        total_r = v["i_cost"].sum(axis=0) + shared_total_u * cr
        self._total(row, "Total costs", first, row - 1, total_u, total_r)
        self.rows["cost_total"] = row
        self.values["pv_costs"] = npv_value(self.rate, total_r)
        self.values["pv_shared"] = npv_value(self.rate, shared_total_u * cr)
        row += 3
        # 3. Costs by type
        self.headers(row, "Costs by type", "Type of cost", ("Before risk adjustment", "Risk-adjusted"))
        row += 3
        first = row
        for key, label, _ in COST_TYPES:
            ws.text(row, 1, label)
            ws.formula(row, 2, "=CostRisk", sc.settings.cost_risk, num=PERCENT)
            if key.startswith("i_"):
                a, b = self.lay.calc[key]
                vals = v[key].sum(axis=0)
                f = lambda t, a=a, b=b: f"=SUM({ref(CALC, f'{self.lay.ycol(t)}{a}:{self.lay.ycol(t)}{b}')})"  # noqa: E731
                self.block(row, self.u0, vals, f)
                self.block(row, self.r0, vals * cr, lambda t, f=f: f(t) + "*(1+CostRisk)")
            else:
                src = self.rows[key]
                self.block(row, self.u0, shared_u[key], lambda t, src=src: f"={self.ycol(self.u0, t)}{src}")
                self.block(row, self.r0, shared_u[key] * cr, lambda t, src=src: f"={self.ycol(self.r0, t)}{src}")
            row += 1
        self.rows["type_first"], self.rows["type_last"] = first, row - 1
        self._total(row, "Total costs", first, row - 1, total_u, total_r)
        self.rows["type_total"] = row
        row += 3
        # 4. Cash flow, risk-adjusted: payback and discounted payback
        ws.text(row, 1, "Cash flow, risk-adjusted", "section")
        years = [("Initial" if t == 0 else f"Year {t}") for t in range(T + 1)] + ["Total"]
        ws.header(row + 1, ["Line", ""])
        ws.header(row + 1, years, self.u0)
        row += 2
        bt, ct = self.rows["benefit_total"], self.rows["cost_total"]
        net = v["i_benefit"].sum(axis=0) - total_r
        df = (1 + self.rate) ** -np.arange(T + 1.0)
        lines = [
            ("benefits", "Total benefits", v["i_benefit"].sum(axis=0),
             lambda t: f"={self.ycol(self.r0, t)}{bt}"),
            ("costs", "Total costs", total_r, lambda t: f"={self.ycol(self.r0, t)}{ct}"),
            ("net", "Net cash flow = benefits − costs", net,
             lambda t: f"={self.ycol(self.u0, t)}{row}-{self.ycol(self.u0, t)}{row + 1}"),
            ("cum", "Cumulative net cash flow", np.cumsum(net),
             lambda t: (f"={self.ycol(self.u0, t)}{row + 2}" if t == 0
                        else f"={self.ycol(self.u0, t - 1)}{row + 3}+{self.ycol(self.u0, t)}{row + 2}")),
            ("discount", "Discount factor", df,
             lambda t: f"=1/(1+DiscountRate)^{ref('Cash flow', self._cash_cell('year', t, absolute_row=True))}"),
            ("disc_net", "Discounted net cash flow", net * df,
             lambda t: f"={self.ycol(self.u0, t)}{row + 2}*{self.ycol(self.u0, t)}{row + 4}"),
            ("disc_cum", "Cumulative discounted net cash flow", np.cumsum(net * df),
             lambda t: (f"={self.ycol(self.u0, t)}{row + 5}" if t == 0
                        else f"={self.ycol(self.u0, t - 1)}{row + 6}+{self.ycol(self.u0, t)}{row + 5}")),
        ]
        for k, (key, label, vals, f) in enumerate(lines):
            r = row + k
            self.rows["cf_" + key] = r
            ws.text(r, 1, label, "bold" if key == "net" else "plain")
            for t in range(T + 1):
                ws.formula(r, self.u0 + t, f(t), float(vals[t]), "bold" if key == "net" else "plain",
                           "0.0000" if key == "discount" else self.money)
            if key in ("benefits", "costs", "net", "disc_net"):
                ws.formula(r, self.u0 + T + 1, f"=SUM({self.ycol(self.u0, 0)}{r}:{self.ycol(self.u0, T)}{r})",
                           float(vals.sum()), num=self.money)
        self.values["net"] = net
        row += len(lines)
        disc_net = net * df
        cross = crossings(np.cumsum(disc_net), disc_net)
        r = row
        ws.text(r, 1, "Discounted payback crossing (months)")
        for t in range(1, T + 1):
            prev_year = ref("Cash flow", self._cash_cell("year", t - 1, absolute_row=True))
            ws.formula(r, self.u0 + t, crossing_formula(f"{self.ycol(self.u0, t - 1)}{self.rows['cf_disc_cum']}",
                                                        f"{self.ycol(self.u0, t)}{self.rows['cf_disc_cum']}",
                                                        f"{self.ycol(self.u0, t)}{self.rows['cf_disc_net']}",
                                                        prev_year),
                       None if np.isnan(cross[t]) else float(cross[t]), num=DECIMAL)
        row += 1
        cum_rng = lambda key: (f"{self.ycol(self.u0, 0)}{self.rows[key]}:"  # noqa: E731
                               f"{self.ycol(self.u0, T)}{self.rows[key]}")
        cross_rng = f"{self.ycol(self.u0, 1)}{r}:{self.ycol(self.u0, T)}{r}"
        ws.text(row, 1, "Payback (months, undiscounted)", "bold")
        ws.formula(row, self.u0, "=Case_PaybackMonths", payback_value(np.cumsum(self.cash["net"]),
                                                                        self.cash["cross"]), "bold", DECIMAL)
        self.rows["payback"] = row
        row += 1
        ws.text(row, 1, "Discounted payback (months)", "bold")
        value = payback_value(np.cumsum(disc_net), cross)
        ws.formula(row, self.u0, payback_formula(cum_rng("cf_disc_cum"), cross_rng), value, "bold", DECIMAL)
        self.rows["discounted_payback"] = row
        self.values["discounted_payback"] = value
        row += 3
        # 5. Reconciliation
        ws.text(row, 1, "NPV reconciliation: initiative NPVs + shared programme costs = the case's NPV", "section")
        ws.header(row + 1, ["Line", "", "NPV (PV)"])
        row += 2
        first = row
        for j, ini in enumerate(sc.initiatives):
            ws.text(row, 1, ini.name)
            ws.formula(row, self.u0, "=" + ref(INITIATIVES, f"{INI_COL['npv']}{2 + j}"), float(v["_npv"][j]),
                       num=self.money)
            row += 1
        ws.text(row, 1, "Shared programme costs (team, platform), PV, risk-adjusted")
        pv_shared_cells = "+".join(f"{col_name(self.r0 + T + 2)}{self.rows[k]}" for k in ("platform_one", "platform",
                                                                                         "team"))
        ws.formula(row, self.u0, f"=-({pv_shared_cells})", -self.values["pv_shared"], num=self.money)
        self.rows["recon_shared"] = row
        row += 1
        ws.text(row, 1, "Sum = NPV of the case", "total")
        total = float(v["_npv"].sum()) - float(self.values["pv_shared"])
        c = col_name(self.u0)
        ws.formula(row, self.u0, f"=SUM({c}{first}:{c}{row - 1})", total, "total", self.money)
        self.rows["recon_sum"] = row
        self.values["recon_sum"] = total
        row += 1
        ws.text(row, 1, "NPV on the Summary sheet")
        ws.formula(row, self.u0, "=Case_NPV", float(v["_case_npv"]), num=self.money)
        self.rows["recon_case"] = row
        ws.widths({1: 44, 2: 16, **{self.u0 + k: 14 for k in range(T + 3)}, self.u0 + T + 3: 3,
                   **{self.r0 + k: 14 for k in range(T + 3)}})
        ws.setup((0, 2))

    def _total(self, row: int, label: str, first: int, last: int, unadj: np.ndarray, adj: np.ndarray) -> None:
        self.ws.text(row, 1, label, "total")
        for start, vals in ((self.u0, unadj), (self.r0, adj)):
            self.block(row, start, vals, lambda t, start=start: (f"=SUM({self.ycol(start, t)}{first}:"
                                                                 f"{self.ycol(start, t)}{last})"), "total")

    def _cash_cell(self, key: str, t: int, absolute_row: bool = False) -> str:
        from .layout import CASH_ROW, cash_col

        return f"{cash_col(t)}{'$' if absolute_row else ''}{CASH_ROW[key]}"


__all__ = ["TeiSheet"]
