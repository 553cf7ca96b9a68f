"""Where everything sits in the workbook: sheet names, columns, and the addresses formulas refer to."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..assumptions import DECIMAL, NUMBER, PERCENT
from .book import col_name, ref

FORMAT_VERSION = 3  # 3: cached values, uplift case switch, TEI and Checks sheets; 1 and 2 are still read
MARKER = "roi-personalization-business-case"
META_SHEET = "_roi"

SUMMARY, ASSUMPTIONS, SEGMENTS, INITIATIVES, CASH, TEI, CHECKS, CALC = (
    "Summary", "Assumptions", "Segments", "Initiatives", "Cash flow", "TEI", "Checks", "Calc")

# Assumptions columns (1-based): A area, B item, C assumption, D value, E unit, F source, G evidence,
# H what a change does, I field key (what the import reads back).
A_VALUE_COL = 4  # D
A_SOURCE_COL = 6  # F
A_KEY_COL = 9  # I
A_HEADERS = ["Area", "Segment / initiative", "Assumption", "Value", "Unit", "Source", "Evidence",
             "Changing it", "Field key"]

# Calc: year t lives in column CALC_YEAR0 + t (G = year 0)
CALC_YEAR0 = 7

UPLIFT_CASES = ("Low", "Base", "High")  # the switch on the Summary sheet (defined name UpliftCase)

# Segments sheet columns
SEG_COLS = {
    "customers": "B", "visits_per_customer": "C", "baseline_conversion_rate": "D",
    "average_order_value": "E", "gross_margin": "F", "retention_rate": "G",
    "identifiable_share": "H", "consent_share": "I",
}
SEG_PERSONALIZABLE, SEG_PER_CUSTOMER, SEG_BASELINE = "J", "K", "L"

# Initiatives sheet columns: inputs (references to Assumptions, and quantities derived from them),
# then results (from Calc). Each: (key, header, number format; "money" = the scenario's currency).
INI_INPUTS = [
    ("outcome", "Outcome", None), ("lever", "Lever", None), ("depth", "Content depth", None),
    ("n_segments", "Target segments (count)", NUMBER), ("channel_reach", "Channel reach", PERCENT),
    ("requires_identity", "Needs identity", None),
    ("uplift.low", "Uplift low", PERCENT), ("uplift.base", "Uplift base", PERCENT),
    ("uplift.high", "Uplift high", PERCENT), ("uplift.used", "Uplift in use (Summary switch)", PERCENT),
    ("effect_decay", "Effect decay / yr", PERCENT),
    ("evidence.kind", "Evidence kind", None), ("benefit_risk", "Benefit risk override", PERCENT),
    ("content_assets", "Content assets", DECIMAL),
    ("one_time_cost", "One-time cost", "money"), ("annual_running_cost", "Running cost / yr", "money"),
    ("variable_campaign_cost", "Variable campaign cost / yr", "money"), ("cost_base", "Cost base", "money"),
    ("effort_fte_months", "Effort (FTE-months)", DECIMAL), ("months_to_launch", "Months to launch", DECIMAL),
    ("content_cost", "Content cost / yr", "money"), ("effort_cost", "Effort cost (year 0)", "money"),
    ("risk_rate", "Benefit risk applied", PERCENT), ("realised_share", "Share of uplift realised", PERCENT),
    ("decay_rate", "Decay rate λ (per month)", "0.000000"),
]
INI_RESULTS = [
    ("reachable_customers", "Reachable customers", NUMBER),
    ("incremental_revenue", "Incremental revenue", "money"),
    ("incremental_gross_profit", "Incremental gross profit + savings", "money"),
    ("overlap_correction", "Overlap correction (revenue)", "money"),
    ("lever_interaction", "Lever interaction (revenue)", "money"),
    ("beyond_horizon_value", "Value beyond the horizon (PV)", "money"),
    ("total_cost", "Total cost", "money"),
    ("variable_campaign_cost_total", "Variable campaign cost (total)", "money"),
    ("npv", "NPV", "money"),
    ("roi", "ROI", PERCENT),
    ("payback_months", "Payback (months)", DECIMAL),
    ("revenue_per_campaign_dollar", "Revenue per unit of campaign cost", DECIMAL),
    ("evidence", "Evidence", None),
]
INI_COL = {key: col_name(2 + k) for k, (key, _, _) in enumerate(INI_INPUTS + INI_RESULTS)}

# Cash flow lines (row = 2 + position; columns B = year 0 … then Total)
CASH_LINES = [
    ("revenue", "Incremental revenue"),
    ("benefit", "Benefit (gross profit + savings)"),
    ("ini_cost", "Initiative costs"),
    ("prog_cost", "Programme costs (team, platform)"),
    ("net", "Net cash flow"),
    ("cum", "Cumulative net cash flow"),
    ("cross", "Payback crossing (months)"),
    ("total_cost", "Total costs (initiatives + programme)"),
    ("variable", "Variable campaign cost"),
    ("net_unadj", "Net cash flow before risk adjustment"),
    ("discount", "Discount factor 1 / (1 + rate)^year"),
    ("beyond", "Value beyond the horizon, risk-adjusted (at its end)"),
    ("net_irr", "Net cash flow with the value beyond the horizon when counted (for IRR)"),
    ("benefit_unadj", "Benefit before risk adjustment"),
    ("beyond_unadj", "Value beyond the horizon before risk adjustment (at its end)"),
    ("year", "Year number"),
]
CASH_ROW = {key: 2 + k for k, (key, _) in enumerate(CASH_LINES)}


def cash_col(t: int) -> str:
    """Cash flow sheet column of year t (B = year 0)."""
    return col_name(2 + t)


@dataclass
class Layout:
    """Addresses of the cells formulas refer to, filled in while sheets are written (rows 1-based)."""

    horizon: int
    assumption: dict[str, str] = field(default_factory=dict)  # field key -> 'Assumptions'!$D$n
    assumption_row: dict[str, int] = field(default_factory=dict)  # field key -> row on Assumptions
    seg_row: dict[str, int] = field(default_factory=dict)  # segment name -> row on Segments
    ini_row: list[int] = field(default_factory=list)  # initiative j -> row on Initiatives
    calc: dict[str, tuple[int, int]] = field(default_factory=dict)  # section -> (first, last) row
    summary: dict[str, int] = field(default_factory=dict)  # defined name -> row on Summary

    def ycol(self, t: int) -> str:
        """Calc column letter of year t."""
        return col_name(CALC_YEAR0 + t)

    def ini(self, j: int, key: str) -> str:
        """Absolute reference to initiative j's ``key`` column on the Initiatives sheet."""
        return ref(INITIATIVES, f"${INI_COL[key]}${self.ini_row[j]}")

    def cash(self, key: str, t: int) -> str:
        return ref(CASH, f"{cash_col(t)}{CASH_ROW[key]}")

    def cash_range(self, key: str, t0: int, t1: int) -> str:
        r = CASH_ROW[key]
        return ref(CASH, f"{cash_col(t0)}{r}:{cash_col(t1)}{r}")

    def cash_total(self, key: str) -> str:
        return ref(CASH, f"{cash_col(self.horizon + 1)}{CASH_ROW[key]}")
