"""The business case as a live Excel model: ``workbook_bytes(scenario) -> bytes``.

Every figure of the cash flow, NPV, IRR, ROI, payback and the per-initiative results is a
formula that leads back to the Assumptions sheet, so a finance team can audit the case and
change an assumption in Excel or LibreOffice and see it recalculate. The formulas reproduce
:mod:`roi.engine` and :mod:`roi.model` step by step; ``tests/test_export_xlsx.py`` recalculates
the workbook with LibreOffice and compares it with ``roi.evaluate`` to 1e-6.

Sheets and layout
-----------------
``Summary``
    Headline figures (defined names ``Case_NPV``, ``Case_IRR``, ``Case_ROI``,
    ``Case_PaybackMonths``, ``Case_PVBenefits``, ``Case_PVCosts``), benefits by outcome,
    maturity, and two native charts: cash flow by year and impact (NPV) vs effort.
``Assumptions``
    Every input on its own row: A area, B segment/initiative, C assumption, D **value**
    (yellow: edit here), E unit, F source, G evidence, H what a change does, I field key (the
    scenario path the import reads it back into). Key cells have defined names
    (``DiscountRate``, ``BenefitRisk``, ``CostRisk``, ``Realisation`` …).
``Segments``
    One row per segment: inputs (referencing Assumptions), personalizable share =
    identifiable × consent, revenue per customer = visits × conversion × order value, baseline
    revenue = customers × revenue per customer.
``Initiatives``
    One row per initiative: inputs (referencing Assumptions), content cost per year, then the
    results (reach, revenue, gross profit, overlap correction, cost, NPV, ROI, payback,
    revenue per campaign dollar) computed from Calc.
``Cash flow``
    Programme cash flow by year (columns B = year 0 … horizon, then Total): revenue, benefit,
    initiative costs, programme costs, net cash flow, cumulative, payback crossing, total
    costs, variable campaign cost, net before risk adjustment, discount factor.
``Calc``
    The model, one section per quantity, each with one column per year (column G = year 0,
    H = year 1, …). Columns A–F say what a row is: A initiative no., B initiative, C segment,
    D lever, E overlap group no., F group size. Sections: maturity; per initiative — share of
    the year live, ramp integral, realised effect; per (initiative, segment) pair — uplift g,
    its positive and negative parts and their logs, group sums (``SUMIF`` on the group no.),
    combined group uplift ``1 − EXP(Σ LN(1 − g⁺))`` (singletons keep g), retention cap,
    overlap ratio, uplift after overlap, extra retained customers
    ``E_t = r·E_{t−1} + customers·r·g``, revenue, standalone revenue, gross profit, reach; per
    initiative — revenue, gross profit, savings, costs, risk-adjusted benefit and cost, net,
    cumulative net and payback crossing.
Value sheets (values computed at export, not formulas; grey tabs)
    ``Prioritization``, ``Roadmap``, ``Test plan``, and the Risk page's analyses at its defaults:
    ``Sensitivity`` (tornado rows and the pessimistic / base / optimistic cases), ``Monte Carlo``
    (draws, seed, distribution, P10/P50/P90 of NPV, ROI and payback, P(NPV < 0), variance shares;
    the reproducing ``python -m roi simulate`` command in the note), ``Breakeven`` and ``Cost of
    delay`` — each when its module is available (:func:`roi.export.analyses.analysis_sheets`). The
    import ignores them.
``_roi`` (hidden)
    Marker, format version, SHA-256 and the scenario JSON (split in chunks below Excel's
    32,767-character cell limit) that :mod:`roi.export.xlsx_import` reads back.

Notes
-----
Excel's ``NPV()`` discounts its first value one period, so every NPV is written
``=CF0 + NPV(rate, CF1:CFn)`` (year 0 undiscounted, as :func:`roi.finance.npv`). IRR shows
``undefined`` when the flows never change sign (as :func:`roi.finance.irr` returns ``None``);
ROI shows ``undefined`` at zero cost; payback shows ``not within horizon``.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.marker import Marker
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..engine import LEVERS, build
from ..engine.flows import BEYOND_HORIZON_YEARS
from ..evidence import evidence_text
from ..io import dumps_scenario
from ..model import BusinessCase, evaluate
from ..schema import REVENUE_LEVERS, Lever, Outcome, Scenario
from ..format import currency_symbol
from . import safe
from .analyses import Analyses, Sheet, analysis_sheets, run_analyses
from .changelog import VersionInfo, write_change_log
from .assumptions import DECIMAL, NUMBER, PERCENT, ROLE_TEXT, Row, assumption_rows, money_format

FORMAT_VERSION = 2  # 2: schema version 2 (risk by evidence, model rules); 1 is still read
MARKER = "roi-personalization-business-case"
META_SHEET = "_roi"
CHUNK = 30_000  # characters of scenario JSON per cell (Excel's limit is 32,767)
VALUES_TAB = "A6A6A6"  # grey tab: a sheet of values computed at export, not formulas

SUMMARY, ASSUMPTIONS, SEGMENTS, INITIATIVES, CASH, CALC = (
    "Summary", "Assumptions", "Segments", "Initiatives", "Cash flow", "Calc")

# Assumptions columns
A_VALUE_COL = 4  # D
A_KEY_COL = 9  # I
A_HEADERS = ["Area", "Segment / initiative", "Assumption", "Value", "Unit", "Source", "Evidence",
             "Changing it", "Field key"]

# Calc: year t lives in column CALC_YEAR0 + t (G = year 0)
CALC_YEAR0 = 7


def _ref(sheet: str, cell: str) -> str:
    return f"{quote_sheetname(sheet)}!{cell}"


def _abs(col: int, row: int) -> str:
    return f"${get_column_letter(col)}${row}"


def _styles(wb: Workbook, currency: str) -> None:
    """Register the workbook's named styles once."""
    thin = Side(style="thin", color="B7B7B7")
    styles = [
        NamedStyle("roi title", font=Font(bold=True, size=14)),
        NamedStyle("roi header", font=Font(bold=True, color="FFFFFF"),
                   fill=PatternFill("solid", fgColor="1F4E78"),
                   alignment=Alignment(wrap_text=True, vertical="top"), border=Border(bottom=thin)),
        NamedStyle("roi section", font=Font(bold=True, color="1F4E78")),
        NamedStyle("roi input", fill=PatternFill("solid", fgColor="FFF2CC"), border=Border(bottom=thin)),
        NamedStyle("roi money", number_format=money_format(currency)),
        NamedStyle("roi percent", number_format=PERCENT),
        NamedStyle("roi number", number_format=NUMBER),
        NamedStyle("roi decimal", number_format=DECIMAL),
        NamedStyle("roi ratio", number_format="0.0000"),
        NamedStyle("roi headline", font=Font(bold=True, size=12), number_format=money_format(currency)),
        NamedStyle("roi note", font=Font(italic=True, color="595959"), alignment=Alignment(wrap_text=True)),
    ]
    for st in styles:
        wb.add_named_style(st)


def _print_setup(ws: Worksheet, freeze: str | None = None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    if freeze:
        ws.freeze_panes = freeze


def _widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for col, w in widths.items():
        ws.column_dimensions[col].width = w


def _header(ws: Worksheet, row: int, headers: list[str], start_col: int = 1) -> None:
    for k, h in enumerate(headers):
        c = ws.cell(row=row, column=start_col + k)
        safe.write_text(c, h)
        c.style = "roi header"


@dataclass
class _Layout:
    """Addresses of the cells formulas refer to, filled in while sheets are written."""

    horizon: int
    assumption: dict[str, str] = field(default_factory=dict)  # field key -> 'Assumptions'!$D$n
    seg_row: dict[str, int] = field(default_factory=dict)  # segment name -> row on Segments
    ini_row: list[int] = field(default_factory=list)  # initiative j -> row on Initiatives
    calc: dict[str, tuple[int, int]] = field(default_factory=dict)  # section -> (first, last) row
    cash: dict[str, int] = field(default_factory=dict)  # cash-flow line -> row

    def ycol(self, t: int) -> str:
        """Calc column letter of year t."""
        return get_column_letter(CALC_YEAR0 + t)


# Segments sheet columns
SEG_COLS = {
    "customers": "B", "visits_per_customer": "C", "baseline_conversion_rate": "D",
    "average_order_value": "E", "gross_margin": "F", "retention_rate": "G",
    "identifiable_share": "H", "consent_share": "I",
}
SEG_PERSONALIZABLE, SEG_PER_CUSTOMER, SEG_BASELINE = "J", "K", "L"

# Initiatives sheet columns: inputs then results
INI_INPUTS = [
    ("outcome", "Outcome", None), ("lever", "Lever", None), ("depth", "Content depth", None),
    ("n_segments", "Target segments", NUMBER), ("channel_reach", "Channel reach", PERCENT),
    ("requires_identity", "Needs identity", None),
    ("uplift.low", "Uplift low", PERCENT), ("uplift.base", "Uplift base", PERCENT),
    ("uplift.high", "Uplift high", PERCENT), ("effect_decay", "Effect decay / yr", PERCENT),
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
INI_COL = {key: get_column_letter(2 + k) for k, (key, _, _) in enumerate(INI_INPUTS + INI_RESULTS)}


def _style_for(fmt: str | None) -> str | None:
    return {"money": "roi money", PERCENT: "roi percent", NUMBER: "roi number", DECIMAL: "roi decimal",
            "0.000000": "roi ratio"}.get(fmt or "")


def _write_assumptions(wb: Workbook, scenario: Scenario, lay: _Layout) -> list[Row]:
    ws = wb.create_sheet(ASSUMPTIONS)
    rows = assumption_rows(scenario)
    _header(ws, 1, A_HEADERS)
    validations: dict[tuple[str, ...], DataValidation] = {}
    for r, row in enumerate(rows, start=2):
        for col, text in ((1, row.area), (2, row.item), (3, row.label), (5, row.unit), (6, row.source),
                          (7, row.evidence), (8, ROLE_TEXT[row.role]), (9, row.key)):
            safe.write_text(ws.cell(row=r, column=col), text)
        c = ws.cell(row=r, column=A_VALUE_COL)
        safe.write_value(c, row.value)
        c.style = "roi input"
        if row.fmt:
            c.number_format = row.fmt
        if row.choices:
            dv = validations.get(row.choices)
            if dv is None:
                dv = DataValidation(type="list", formula1='"' + ",".join(row.choices) + '"', allow_blank=False)
                dv.error, dv.errorTitle = "Choose one of: " + ", ".join(row.choices), "Not an allowed value"
                ws.add_data_validation(dv)
                validations[row.choices] = dv
            dv.add(c.coordinate)
        addr = _ref(ASSUMPTIONS, _abs(A_VALUE_COL, r))
        lay.assumption[row.key] = addr
        if row.name:
            wb.defined_names[row.name] = DefinedName(row.name, attr_text=addr)
    _widths(ws, {"A": 11, "B": 26, "C": 32, "D": 16, "E": 30, "F": 44, "G": 44, "H": 28, "I": 30})
    for col in "FGH":
        for cell in ws[col][1:]:
            cell.alignment = Alignment(wrap_text=False)
    ws.auto_filter.ref = f"A1:I{len(rows) + 1}"
    _print_setup(ws, "D2")
    return rows


def _write_segments(wb: Workbook, scenario: Scenario, lay: _Layout) -> None:
    ws = wb.create_sheet(SEGMENTS)
    cur = scenario.settings.currency
    _header(ws, 1, ["Segment", "Customers", "Visits / customer / yr", "Baseline conversion", "Average order value",
                    "Gross margin", "Retention rate", "Identifiable share", "Consent share",
                    "Personalizable share", f"Revenue per customer / yr ({cur})",
                    f"Baseline revenue / yr ({cur})"])
    fmts = {"B": "roi number", "C": "roi decimal", "D": "roi percent", "E": "roi money", "F": "roi percent",
            "G": "roi percent", "H": "roi percent", "I": "roi percent", "J": "roi percent",
            "K": "roi money", "L": "roi money"}
    for k, seg in enumerate(scenario.segments):
        r = 2 + k
        lay.seg_row[seg.name] = r
        safe.write_text(ws.cell(row=r, column=1), seg.name)
        for fld, col in SEG_COLS.items():
            ws[f"{col}{r}"] = "=" + lay.assumption[f"segments[{k}].{fld}"]
        ws[f"J{r}"] = f"=H{r}*I{r}"
        ws[f"K{r}"] = f"=C{r}*D{r}*E{r}"
        ws[f"L{r}"] = f"=B{r}*K{r}"
        for col, st in fmts.items():
            ws[f"{col}{r}"].style = st
        ws[f"D{r}"].number_format = "0.00%"
    last = 1 + len(scenario.segments)
    total = last + 1
    safe.write_text(ws.cell(row=total, column=1), "Total")
    ws[f"B{total}"] = f"=SUM(B2:B{last})"
    ws[f"L{total}"] = f"=SUM(L2:L{last})"
    ws[f"B{total}"].style, ws[f"L{total}"].style = "roi number", "roi money"
    ws[f"A{total}"].font = Font(bold=True)
    _widths(ws, {"A": 30, **{c: 15 for c in "BCDEFGHIJ"}, "K": 18, "L": 20})
    ws.row_dimensions[1].height = 32
    _print_setup(ws, "B2")


class _Calc:
    """Writes the Calc sheet section by section; see the module docstring."""

    def __init__(self, wb: Workbook, scenario: Scenario, lay: _Layout):
        self.ws = wb.create_sheet(CALC)
        self.sc, self.lay = scenario, lay
        self.T = lay.horizon
        self.row = 1
        structure, _ = build(scenario)
        self.st = structure
        self.levers = [Lever(i.lever) for i in scenario.initiatives]

    # -- helpers ---------------------------------------------------------------------------
    def _other_revenue_groups(self) -> dict[int, tuple[int | None, int | None]]:
        """Pair → the group numbers (1-based, as in column E) of the two other revenue levers on
        its segment, ``None`` where no initiative pulls that lever there; retention pairs absent."""
        st = self.st
        revenue = [LEVERS.index(lv) for lv in REVENUE_LEVERS]
        group_of = {(int(st.group_lever[k]), int(st.group_segment[k])): k + 1 for k in range(len(st.group_lever))}
        out: dict[int, tuple[int | None, int | None]] = {}
        for p in range(len(st.pair_initiative)):
            lever, seg = int(st.lever[st.pair_initiative[p]]), int(st.pair_segment[p])
            if lever not in revenue:
                continue
            others = [lv for lv in revenue if lv != lever]
            out[p] = (group_of.get((others[0], seg)), group_of.get((others[1], seg)))
        return out

    def y(self, t: int) -> str:
        return self.lay.ycol(t)

    def ini(self, j: int, key: str) -> str:
        return _ref(INITIATIVES, f"${INI_COL[key]}${self.lay.ini_row[j]}")

    def seg(self, s: int, col: str) -> str:
        name = self.sc.segments[s].name
        return _ref(SEGMENTS, f"${col}${self.lay.seg_row[name]}")

    def at(self, section: str, k: int, t: int) -> str:
        """Cell of row k (initiative j or pair p) of ``section`` in year t."""
        return f"{self.y(t)}{self.lay.calc[section][0] + k}"

    def col_range(self, section: str, t: int) -> str:
        a, b = self.lay.calc[section]
        return f"{self.y(t)}${a}:{self.y(t)}${b}"

    def key_range(self, section: str, col: str) -> str:
        a, b = self.lay.calc[section]
        return f"${col}${a}:${col}${b}"

    def section(self, name: str, title: str, kind: str, formula: Callable[[int, int], Any],
                years: range, fmt: str = "roi ratio") -> None:
        """Write a section: title, header, then one row per initiative (``kind='ini'``) or pair."""
        ws = self.ws
        c = ws.cell(row=self.row, column=1)
        safe.write_text(c, title)
        c.style = "roi section"
        self.row += 1
        _header(ws, self.row, ["#", "Initiative", "Segment", "Lever", "Group", "Group size"]
                + [f"Year {t}" for t in range(self.T + 1)])
        self.row += 1
        n = len(self.sc.initiatives) if kind == "ini" else len(self.st.pair_initiative)
        first = self.row
        self.lay.calc[name] = (first, first + n - 1)
        for k in range(n):
            r = first + k
            j = k if kind == "ini" else int(self.st.pair_initiative[k])
            ws.cell(row=r, column=1, value=j + 1)
            safe.write_text(ws.cell(row=r, column=2), self.sc.initiatives[j].name)
            safe.write_text(ws.cell(row=r, column=4), self.levers[j].value)
            if kind == "pair":
                s = int(self.st.pair_segment[k])
                safe.write_text(ws.cell(row=r, column=3), self.sc.segments[s].name)
                g = int(self.st.pair_group[k])
                ws.cell(row=r, column=5, value=g + 1)
                ws.cell(row=r, column=6, value=f"=COUNTIF({self.key_range(name, 'E')},E{r})")
            for t in years:
                value = formula(k, t)
                if value is None:
                    continue
                cell = ws.cell(row=r, column=CALC_YEAR0 + t, value=value)
                cell.style = fmt
        self.row = first + n + 1

    # -- the model -------------------------------------------------------------------------
    def write(self) -> None:
        ws, T, lay = self.ws, self.T, self.lay
        A = lay.assumption
        safe.write_text(ws.cell(row=1, column=1), "Calculation: the model, step by step (see the module "
                                                  "docstring of roi/export/xlsx.py)")
        ws["A1"].style = "roi title"
        # Maturity
        safe.write_text(ws["A3"], "Maturity index (0–1) = mean((score − 1) / 4)")
        ws["G3"] = "=((ScoreAlignment-1)/4+(ScoreTestAndLearn-1)/4+(ScoreFeedbackLoop-1)/4+(ScoreGovernance-1)/4)/4"
        safe.write_text(ws["A4"], "Realised share of uplift = floor + (1 − floor) × index")
        ws["G4"] = "=RealisationFloor+(1-RealisationFloor)*MaturityIndex"
        safe.write_text(ws["A5"], "Months from launch to full effect = slowest − (slowest − fastest) × index")
        ws["G5"] = "=RampMonthsSlowest-(RampMonthsSlowest-RampMonthsFastest)*MaturityIndex"
        for cell, name in (("G3", "MaturityIndex"), ("G4", "Realisation"), ("G5", "RampMonths")):
            ws.parent.defined_names[name] = DefinedName(name, attr_text=_ref(CALC, "$" + cell[0] + "$" + cell[1:]))
            ws[cell].style = "roi ratio"
        safe.write_text(ws["A6"], "Months since the start of year 1, at the end of each year")
        safe.write_text(ws["A7"], "Year")
        self.months_row, self.year_row = 6, 7
        for t in range(T + 1):
            ws.cell(row=7, column=CALC_YEAR0 + t, value=t)
            ws.cell(row=6, column=CALC_YEAR0 + t, value=f"=12*{self.y(t)}7")
        safe.write_text(ws["A8"], "Years of customer life followed beyond the horizon (a model constant)")
        ws["G8"] = BEYOND_HORIZON_YEARS
        safe.write_text(ws["A9"], "Programme calibration: measured ÷ claimed revenue (1 = no global holdout measured)")
        ws["G9"] = "=CalibrationInput" if self.sc.calibration is not None else 1
        for cell, name in (("G8", "BeyondHorizonYears"), ("G9", "CalibrationFactor")):
            ws.parent.defined_names[name] = DefinedName(name, attr_text=_ref(CALC, "$" + cell[0] + "$" + cell[1:]))
            ws[cell].style = "roi ratio"
        self.row = 11
        years0, years1 = range(T + 1), range(1, T + 1)
        M = lambda t: f"{self.y(t)}${self.months_row}"  # noqa: E731
        pj = lambda p: int(self.st.pair_initiative[p])  # noqa: E731
        ps = lambda p: int(self.st.pair_segment[p])  # noqa: E731

        def launch(j: int) -> str:
            return self.ini(j, "months_to_launch")

        self.section("active", "Share of the year the initiative is live = MIN(MAX(months − launch, 0), 12) / 12",
                     "ini", lambda j, t: f"=MIN(MAX({M(t)}-{launch(j)},0),12)/12", years1)

        def integral(j: int, t: int) -> str:
            y = f"MAX({M(t)}-{launch(j)},0)"
            lam = self.ini(j, "decay_rate")
            return (f"=IF(RampMonths>0,MIN({y},RampMonths)^2/(2*RampMonths),0)"
                    f"+IF({lam}>0,(1-EXP(-{lam}*MAX({y}-RampMonths,0)))/{lam},MAX({y}-RampMonths,0))")

        self.section("ramp", "Months of full effect accumulated by the end of the year: linear ramp after launch, "
                             "then exp(−λ × months) with λ = −LN(1 − decay) / 12", "ini", integral, years0)
        self.section("effect", "Realised effect in the year = (integral now − a year ago) / 12 × share realised",
                     "ini", lambda j, t: (f"=({self.at('ramp', j, t)}-{self.at('ramp', j, t - 1)})/12*"
                                          f"{self.ini(j, 'realised_share')}"), years1)
        # Pairs
        self.section("g", "Uplift per (initiative, segment) g = eligible share × reach × uplift × effect; eligible = "
                          "personalizable when the initiative needs identity, else everyone", "pair",
                     lambda p, t: f"=IF({self.ini(pj(p), 'requires_identity')},{self.seg(ps(p), SEG_PERSONALIZABLE)},1)*"
                                  f"{self.ini(pj(p), 'channel_reach')}*"
                                  f"{self.ini(pj(p), 'uplift.base')}*{self.at('effect', pj(p), t)}", years1)
        self.section("gpos", "Positive part g⁺ = MAX(g, 0)", "pair",
                     lambda p, t: f"=MAX({self.at('g', p, t)},0)", years1)
        self.section("gneg", "Negative part g⁻ = MIN(g, 0)", "pair",
                     lambda p, t: f"=MIN({self.at('g', p, t)},0)", years1)
        self.section("lnpos", "LN(1 − MIN(g⁺, 1 − 1E−9))", "pair",
                     lambda p, t: f"=LN(1-MIN({self.at('gpos', p, t)},1-1E-9))", years1)
        self.section("lnneg", "LN(1 + MAX(g⁻, −1 + 1E−9))", "pair",
                     lambda p, t: f"=LN(1+MAX({self.at('gneg', p, t)},-1+1E-9))", years1)

        def group_sum(src: str) -> Callable[[int, int], str]:
            def f(p: int, t: int) -> str:
                r = self.lay.calc["g"][0] + p
                return f"=SUMIF({self.key_range('g', 'E')},$E{r},{self.col_range(src, t)})"
            return f

        self.section("pos_sum", "Group sum of g⁺ (same lever on the same segment)", "pair", group_sum("gpos"), years1)
        self.section("neg_sum", "Group sum of g⁻", "pair", group_sum("gneg"), years1)

        def size(p: int) -> str:
            return f"$F{self.lay.calc['g'][0] + p}"

        def pos_comb(p: int, t: int) -> str:
            r = self.lay.calc["g"][0] + p
            return (f"=IF({size(p)}>1,1-EXP(SUMIF({self.key_range('g', 'E')},$E{r},{self.col_range('lnpos', t)})),"
                    f"{self.at('pos_sum', p, t)})")

        def neg_comb(p: int, t: int) -> str:
            r = self.lay.calc["g"][0] + p
            return (f"=IF({size(p)}>1,EXP(SUMIF({self.key_range('g', 'E')},$E{r},{self.col_range('lnneg', t)}))-1,"
                    f"{self.at('neg_sum', p, t)})")

        self.section("pos_comb", "Combined positive group uplift = 1 − Π(1 − g⁺) (a singleton keeps its g)", "pair",
                     pos_comb, years1)
        self.section("neg_comb", "Combined negative group uplift = Π(1 + g⁻) − 1 (a singleton keeps its g)", "pair",
                     neg_comb, years1)

        def capped(p: int, t: int) -> str:
            if self.levers[pj(p)] != Lever.retention:
                return f"={self.at('pos_comb', p, t)}"
            cap = f"1/MAX({self.seg(ps(p), SEG_COLS['retention_rate'])},1E-12)-1"
            return f"=MIN({self.at('pos_comb', p, t)},MAX({cap}-{self.at('neg_comb', p, t)},0))"

        self.section("pos_cap", "Combined positive uplift, capped for retention so retention stays ≤ 1", "pair",
                     capped, years1)

        def ratio(p: int, t: int) -> str:
            g, ps_, ns = self.at("g", p, t), self.at("pos_sum", p, t), self.at("neg_sum", p, t)
            return (f"=IF({g}>=0,IF({ps_}<>0,{self.at('pos_cap', p, t)}/{ps_},1),"
                    f"IF({ns}<>0,{self.at('neg_comb', p, t)}/{ns},1))")

        self.section("ratio", "Overlap ratio = combined / sum of the group (1 when alone)", "pair", ratio, years1)
        self.section("geff", "Uplift after overlap = g × overlap ratio", "pair",
                     lambda p, t: f"={self.at('g', p, t)}*{self.at('ratio', p, t)}", years1)

        other_groups = self._other_revenue_groups()

        def interaction(p: int, t: int) -> str:
            others = other_groups.get(p)
            if others is None:  # retention: its customers are counted, not multiplied
                return "=1"
            terms = [f"(1+SUMIF({self.key_range('geff', 'E')},{gid},{self.col_range('geff', t)}))" if gid else "1"
                     for gid in others]
            a, b = terms
            return f'=IF(LeverCombination="multiplicative",1/3+({a}+{b})/6+{a}*{b}/3,1)'

        self.section("mult", "Lever interaction multiplier (Shapley share of (1 + G₁)(1 + G₂)(1 + G₃) − 1 with the "
                             "other revenue levers' group uplifts G on the segment; 1 when levers add)", "pair",
                     interaction, years1)
        self.section("gint", "Uplift after overlap and lever interaction = g after overlap × multiplier", "pair",
                     lambda p, t: f"={self.at('geff', p, t)}*{self.at('mult', p, t)}", years1)

        def is_ret(p: int) -> bool:
            return self.levers[pj(p)] == Lever.retention

        def stock(src: str, name: str) -> Callable[[int, int], str | None]:
            def f(p: int, t: int) -> str | None:
                if not is_ret(p):
                    return None
                r = self.seg(ps(p), SEG_COLS["retention_rate"])
                n = self.seg(ps(p), SEG_COLS["customers"])
                prev = "0" if t == 1 else self.at(name, p, t - 1)
                return f"={prev}*{r}+{n}*{r}*{self.at(src, p, t)}"
            return f

        self.section("stock", "Extra retained customers at the end of the year E = r × E(previous year) + customers × "
                              "r × g after overlap (retention initiatives only)", "pair", stock("geff", "stock"),
                     years1, "roi number")
        self.section("stock_solo", "Extra retained customers without overlap (retention initiatives only)", "pair",
                     stock("g", "stock_solo"), years1, "roi number")

        def customer_years(stk: str, p: int, t: int) -> str:
            prev = "0" if t == 1 else self.at(stk, p, t - 1)
            return f'IF(RetentionTiming="mid_year",({prev}+{self.at(stk, p, t)})/2,{self.at(stk, p, t)})'

        def revenue(src: str, stk: str) -> Callable[[int, int], str]:
            def f(p: int, t: int) -> str:
                if is_ret(p):
                    return f"={customer_years(stk, p, t)}*{self.seg(ps(p), SEG_PER_CUSTOMER)}*CalibrationFactor"
                return f"={self.seg(ps(p), SEG_BASELINE)}*{self.at(src, p, t)}*CalibrationFactor"
            return f

        self.section("rev", "Incremental revenue = baseline revenue × uplift after overlap and interaction × "
                            "calibration (retention: customer-years of extra customers, mid-year or start of year, × "
                            "revenue per customer)", "pair", revenue("gint", "stock"), years1, "roi money")
        self.section("rev_mid", "Revenue after overlap, before lever interaction", "pair", revenue("geff", "stock"),
                     years1, "roi money")
        self.section("rev_solo", "Standalone revenue (as if no other initiative pulled any lever on the segment)",
                     "pair", revenue("g", "stock_solo"), years1, "roi money")
        self.section("gp", "Incremental gross profit = revenue × gross margin", "pair",
                     lambda p, t: f"={self.at('rev', p, t)}*{self.seg(ps(p), SEG_COLS['gross_margin'])}", years1,
                     "roi money")

        def terminal(p: int, t: int) -> str | None:
            if not is_ret(p) or t != T:
                return None
            r = self.seg(ps(p), SEG_COLS["retention_rate"])
            q = f"({r}/(1+DiscountRate))"
            series = f"IF(ABS(1-{q})<1E-12,BeyondHorizonYears,(1-{q}^BeyondHorizonYears)/(1-{q}))"
            k = f'IF(RetentionTiming="mid_year",(1+{r})/(2*(1+DiscountRate))*{series},{q}*{series})'
            return (f"={self.at('stock', p, t)}*{self.seg(ps(p), SEG_PER_CUSTOMER)}*"
                    f"{self.seg(ps(p), SEG_COLS['gross_margin'])}*{k}*CalibrationFactor")

        self.section("term", "Value beyond the horizon, at its end: extra customers then on the books × gross profit "
                             "per customer × Σ of their later years (surviving at the retention rate, discounted)",
                     "pair", terminal, years1, "roi money")
        self.section("reach", "Reachable customers = customers × eligible share × channel reach (column G)",
                     "pair", lambda p, t: (f"={self.seg(ps(p), SEG_COLS['customers'])}*"
                                           f"IF({self.ini(pj(p), 'requires_identity')},"
                                           f"{self.seg(ps(p), SEG_PERSONALIZABLE)},1)*{self.ini(pj(p), 'channel_reach')}"),
                     range(0, 1), "roi number")

        # Per initiative
        def per_ini(src: str, only_last: bool = False) -> Callable[[int, int], str | None]:
            def f(j: int, t: int) -> str | None:
                if only_last and t != T:
                    return None
                if t == 0:
                    return "=0"
                return f"=SUMIF({self.key_range(src, 'A')},{j + 1},{self.col_range(src, t)})"
            return f

        self.section("i_rev", "Initiative revenue (sum over its segments)", "ini", per_ini("rev"), years0, "roi money")
        self.section("i_rev_mid", "Initiative revenue after overlap, before lever interaction", "ini",
                     per_ini("rev_mid"), years0, "roi money")
        self.section("i_rev_solo", "Initiative standalone revenue", "ini", per_ini("rev_solo"), years0, "roi money")
        self.section("i_gp", "Initiative gross profit", "ini", per_ini("gp"), years0, "roi money")
        self.section("i_term", "Initiative value beyond the horizon (at its end)", "ini", per_ini("term", True),
                     years0, "roi money")

        def savings(j: int, t: int) -> str:
            if t == 0 or self.levers[j] != Lever.cost_saving:
                return "=0"
            return f"={self.ini(j, 'cost_base')}*{self.ini(j, 'uplift.base')}*{self.at('effect', j, t)}"

        self.section("i_sav", "Cost savings = cost base × uplift × effect (cost-saving initiatives)", "ini", savings,
                     years0, "roi money")
        self.section("i_one", "One-time cost (year 0)", "ini",
                     lambda j, t: f"={self.ini(j, 'one_time_cost')}" if t == 0 else "=0", years0, "roi money")
        self.section("i_effort", "Effort cost = effort × cost of an FTE-month (year 0)", "ini",
                     lambda j, t: f"={self.ini(j, 'effort_cost')}" if t == 0 else "=0", years0, "roi money")

        def yearly(key: str) -> Callable[[int, int], str]:
            return lambda j, t: "=0" if t == 0 else f"={self.ini(j, key)}*{self.at('active', j, t)}"

        self.section("i_run", "Running cost = annual running cost × share of year live", "ini",
                     yearly("annual_running_cost"), years0, "roi money")
        self.section("i_content", "Content cost = content cost per year × share of year live", "ini",
                     yearly("content_cost"), years0, "roi money")
        self.section("i_var", "Variable campaign cost = annual variable cost × share of year live", "ini",
                     yearly("variable_campaign_cost"), years0, "roi money")
        # Risk shrinks a gain and grows a loss (roi.engine.risk_adjust), hence the IF on the sign.
        risk = lambda j: self.ini(j, "risk_rate")  # noqa: E731
        self.section("i_benefit", "Benefit, risk-adjusted = (gross profit + savings) × (1 ∓ the initiative's benefit "
                                  "risk)", "ini",
                     lambda j, t: _risk_benefit(f"({self.at('i_gp', j, t)}+{self.at('i_sav', j, t)})", risk(j)),
                     years0, "roi money")
        self.section("i_cost", "Cost, risk-adjusted = (one-time + effort + running + content + variable) × "
                               "(1 + cost risk)", "ini",
                     lambda j, t: (f"=({self.at('i_one', j, t)}+{self.at('i_effort', j, t)}+{self.at('i_run', j, t)}+"
                                   f"{self.at('i_content', j, t)}+{self.at('i_var', j, t)})*(1+CostRisk)"),
                     years0, "roi money")
        for name, src, title in (("i_rev_adj", "i_rev", "Revenue"), ("i_rev_mid_adj", "i_rev_mid", "Revenue after "
                                 "overlap"), ("i_rev_solo_adj", "i_rev_solo", "Standalone revenue")):
            self.section(name, f"{title}, risk-adjusted (× (1 ∓ benefit risk))", "ini",
                         lambda j, t, src=src: _risk_benefit(self.at(src, j, t), risk(j)), years0, "roi money")
        self.section("i_term_adj", "Value beyond the horizon, risk-adjusted", "ini",
                     lambda j, t: _risk_benefit(self.at("i_term", j, t), risk(j)) if t == T else None, years0,
                     "roi money")
        self.section("i_var_adj", "Variable campaign cost, risk-adjusted", "ini",
                     lambda j, t: f"={self.at('i_var', j, t)}*(1+CostRisk)", years0, "roi money")
        self.section("i_net", "Net cash flow = benefit − cost", "ini",
                     lambda j, t: f"={self.at('i_benefit', j, t)}-{self.at('i_cost', j, t)}", years0, "roi money")
        self.section("i_cum", "Cumulative net cash flow", "ini",
                     lambda j, t: (f"={self.at('i_net', j, t)}" if t == 0
                                   else f"={self.at('i_cum', j, t - 1)}+{self.at('i_net', j, t)}"), years0, "roi money")
        self.section("i_cross", "Payback crossing: months when the cumulative flow turns ≥ 0 within the year",
                     "ini", lambda j, t: _crossing(self.at("i_cum", j, t - 1), self.at("i_cum", j, t),
                                                   self.at("i_net", j, t), t), years1, "roi decimal")
        _widths(ws, {"A": 5, "B": 30, "C": 24, "D": 16, "E": 7, "F": 7,
                     **{self.y(t): 15 for t in range(T + 1)}})
        _print_setup(ws, "G8")


def _risk_benefit(value: str, risk: str) -> str:
    """Formula for a risk-adjusted benefit: gains × (1 − risk), losses × (1 + risk)."""
    return f"=IF({value}>=0,{value}*(1-{risk}),{value}*(1+{risk}))"


def _crossing(cum_prev: str, cum: str, flow: str, t: int) -> str:
    """``12 × (t − 1 + (−cum[t−1]) / cf[t])`` when ``cum[t−1] < 0 ≤ cum[t]`` (finance.payback_months)."""
    return f'=IF(AND({cum_prev}<0,{cum}>=0),12*({t - 1}+(-{cum_prev})/{flow}),"")'


def _payback(cum_range: str, cross_range: str) -> str:
    """Payback as :func:`roi.finance.payback_months`: 0 if never under water, none if still under
    water in the last year, else the last crossing (crossings grow with the year, hence MAX)."""
    last = f"INDEX({cum_range},1,COLUMNS({cum_range}))"
    return f'=IF(MIN({cum_range})>=0,0,IF({last}<0,"not within horizon",MAX({cross_range})))'


def _write_initiatives(wb: Workbook, scenario: Scenario, lay: _Layout) -> Worksheet:
    """Initiatives sheet; result formulas are filled in by :func:`_initiative_results` after Calc."""
    ws = wb.create_sheet(INITIATIVES)
    _header(ws, 1, ["Initiative"] + [h for _, h, _ in INI_INPUTS + INI_RESULTS])
    for j, ini in enumerate(scenario.initiatives):
        r = 2 + j
        lay.ini_row.append(r)
        o = f"initiatives[{j}]"
        safe.write_text(ws.cell(row=r, column=1), ini.name)
        for key, _, fmt in INI_INPUTS:
            c = ws[f"{INI_COL[key]}{r}"]
            if key == "n_segments":
                c.value = len(ini.segments)  # structural: the depth multiplier counts listed segments
            elif key == "effort_cost":
                c.value = f"={INI_COL['effort_fte_months']}{r}*FteMonthCost"
            elif key == "risk_rate":  # the override, else the rate for the evidence kind
                kind, over = f"{INI_COL['evidence.kind']}{r}", f"{INI_COL['benefit_risk']}{r}"
                c.value = (f'=IF(ISNUMBER({over}),{over},IF({kind}="measured",BenefitRiskMeasured,'
                           f'IF({kind}="benchmark",BenefitRiskBenchmark,BenefitRiskAssumed)))')
            elif key == "realised_share":  # a measured uplift is not cut again by maturity
                kind = f"{INI_COL['evidence.kind']}{r}"
                c.value = f'=IF(AND({kind}="measured",NOT(RealiseMeasuredUplift)),1,Realisation)'
            elif key == "decay_rate":
                c.value = f"=-LN(1-{INI_COL['effect_decay']}{r})/12"
            elif key == "benefit_risk":  # empty when the initiative has no override
                override = lay.assumption[f"{o}.benefit_risk"]
                c.value = f'=IF(ISNUMBER({override}),{override},"")'
            elif key == "content_cost":
                d = f"{INI_COL['depth']}{r}"
                c.value = (f"={INI_COL['content_assets']}{r}*VariantsPerAsset*"
                           f"IF({d}=\"segment\",MAX({INI_COL['n_segments']}{r},1),1)*RefreshesPerYear*(1-ReuseRate)*"
                           f"IF({d}=\"generic\",CostPerAssetGeneric,IF({d}=\"segment\",CostPerAssetSegment,"
                           f"CostPerAssetOneToOne))")
            else:
                c.value = "=" + lay.assumption[f"{o}.{key}"]
            if _style_for(fmt):
                c.style = _style_for(fmt)
    _widths(ws, {"A": 34, **{INI_COL[k]: 15 for k, _, _ in INI_INPUTS + INI_RESULTS}, INI_COL["evidence"]: 50})
    ws.row_dimensions[1].height = 45
    _print_setup(ws, "B2")
    return ws


def _initiative_results(ws: Worksheet, scenario: Scenario, lay: _Layout) -> None:
    T = lay.horizon
    y = lay.ycol

    def c(section: str, j: int, t: int) -> str:
        return _ref(CALC, f"{y(t)}{lay.calc[section][0] + j}")

    def rng(section: str, j: int, t0: int, t1: int) -> str:
        row = lay.calc[section][0] + j
        return _ref(CALC, f"{y(t0)}{row}:{y(t1)}{row}")

    for j, ini in enumerate(scenario.initiatives):
        r = lay.ini_row[j]
        a, b = lay.calc["reach"]
        pair_rows = [a + p for p in range(b - a + 1)]
        ws[f"{INI_COL['reachable_customers']}{r}"] = (
            f"=SUMIF({_ref(CALC, f'$A${a}:$A${b}')},{j + 1},{_ref(CALC, f'${y(0)}${a}:${y(0)}${b}')})"
            if pair_rows else "=0")
        ws[f"{INI_COL['incremental_revenue']}{r}"] = f"=SUM({rng('i_rev_adj', j, 0, T)})"
        ws[f"{INI_COL['incremental_gross_profit']}{r}"] = f"=SUM({rng('i_benefit', j, 0, T)})"
        ws[f"{INI_COL['overlap_correction']}{r}"] = (
            f"=SUM({rng('i_rev_solo_adj', j, 0, T)})-SUM({rng('i_rev_mid_adj', j, 0, T)})")
        ws[f"{INI_COL['lever_interaction']}{r}"] = (
            f"=SUM({rng('i_rev_adj', j, 0, T)})-SUM({rng('i_rev_mid_adj', j, 0, T)})")
        bhv = f"{INI_COL['beyond_horizon_value']}{r}"
        ws[bhv] = f"={c('i_term_adj', j, T)}/(1+DiscountRate)^{T}"
        counted = f"IF(IncludeBeyondHorizon,{bhv},0)"
        ws[f"{INI_COL['total_cost']}{r}"] = f"=SUM({rng('i_cost', j, 0, T)})"
        ws[f"{INI_COL['variable_campaign_cost_total']}{r}"] = f"=SUM({rng('i_var_adj', j, 0, T)})"
        ws[f"{INI_COL['npv']}{r}"] = f"={c('i_net', j, 0)}+NPV(DiscountRate,{rng('i_net', j, 1, T)})+{counted}"
        pv_b = f"({c('i_benefit', j, 0)}+NPV(DiscountRate,{rng('i_benefit', j, 1, T)})+{counted})"
        pv_c = f"({c('i_cost', j, 0)}+NPV(DiscountRate,{rng('i_cost', j, 1, T)}))"
        ws[f"{INI_COL['roi']}{r}"] = f'=IF({pv_c}<=0,"undefined",({pv_b}-{pv_c})/{pv_c})'
        ws[f"{INI_COL['payback_months']}{r}"] = _payback(rng("i_cum", j, 0, T), rng("i_cross", j, 1, T))
        rev, var = f"{INI_COL['incremental_revenue']}{r}", f"{INI_COL['variable_campaign_cost_total']}{r}"
        ws[f"{INI_COL['revenue_per_campaign_dollar']}{r}"] = f'=IF({var}>0,{rev}/{var},"n/a")'
        safe.write_text(ws[f"{INI_COL['evidence']}{r}"], evidence_text(ini.evidence))
        for key, _, fmt in INI_RESULTS:
            if _style_for(fmt):
                ws[f"{INI_COL[key]}{r}"].style = _style_for(fmt)
    last = 1 + len(scenario.initiatives)
    total = last + 1
    safe.write_text(ws.cell(row=total, column=1), "Total (initiatives, before programme costs)")
    ws.cell(row=total, column=1).font = Font(bold=True)
    for key in ("incremental_revenue", "incremental_gross_profit", "overlap_correction", "lever_interaction",
                "beyond_horizon_value", "total_cost", "variable_campaign_cost_total", "npv", "effort_fte_months"):
        col = INI_COL[key]
        ws[f"{col}{total}"] = f"=SUM({col}2:{col}{last})"
        ws[f"{col}{total}"].style = "roi decimal" if key == "effort_fte_months" else "roi money"


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
]


def _write_cash_flow(wb: Workbook, scenario: Scenario, lay: _Layout) -> None:
    ws = wb.create_sheet(CASH)
    T = lay.horizon
    cy = lambda t: get_column_letter(2 + t)  # noqa: E731  year t in column B + t
    total_col = get_column_letter(3 + T)
    _header(ws, 1, ["Line item"] + [f"Year {t}" for t in range(T + 1)] + ["Total"])
    J = len(scenario.initiatives)

    def calc_sum(section: str, t: int) -> str:
        a, b = lay.calc[section]
        return f"SUM({_ref(CALC, f'{lay.ycol(t)}{a}:{lay.ycol(t)}{b}')})"

    for k, (key, label) in enumerate(CASH_LINES):
        lay.cash[key] = 2 + k
    R = lay.cash
    for key, label in CASH_LINES:
        r = R[key]
        safe.write_text(ws.cell(row=r, column=1), label)
        for t in range(T + 1):
            col = cy(t)
            if key == "revenue":
                f = "=" + calc_sum("i_rev_adj", t)
            elif key == "benefit":
                f = "=" + calc_sum("i_benefit", t)
            elif key == "ini_cost":
                f = "=-" + calc_sum("i_cost", t)
            elif key == "prog_cost":
                f = ("=-PlatformOneTimeCost*(1+CostRisk)" if t == 0
                     else "=-(TeamAnnualCost+PlatformAnnualCost)*(1+CostRisk)")
            elif key == "net":
                f = f"={col}{R['benefit']}+{col}{R['ini_cost']}+{col}{R['prog_cost']}"
            elif key == "cum":
                f = f"={col}{R['net']}" if t == 0 else f"={cy(t - 1)}{r}+{col}{R['net']}"
            elif key == "cross":
                if t == 0:
                    continue
                f = _crossing(f"{cy(t - 1)}{R['cum']}", f"{col}{r - 1}", f"{col}{R['net']}", t)
            elif key == "total_cost":
                f = f"=-({col}{R['ini_cost']}+{col}{R['prog_cost']})"
            elif key == "variable":
                f = "=" + calc_sum("i_var_adj", t)
            elif key == "net_unadj":
                prog = "PlatformOneTimeCost" if t == 0 else "(TeamAnnualCost+PlatformAnnualCost)"
                f = (f"={calc_sum('i_gp', t)}+{calc_sum('i_sav', t)}-{calc_sum('i_one', t)}-{calc_sum('i_effort', t)}"
                     f"-{calc_sum('i_run', t)}-{calc_sum('i_content', t)}-{calc_sum('i_var', t)}-{prog}")
            elif key == "discount":
                f = f"=1/(1+DiscountRate)^{t}"
            elif key in ("beyond", "beyond_unadj"):
                f = "=" + calc_sum("i_term_adj" if key == "beyond" else "i_term", t) if t == T else "=0"
            elif key == "net_irr":
                f = f"={col}{R['net']}+IF(IncludeBeyondHorizon,{col}{R['beyond']},0)"
            else:  # benefit_unadj
                f = f"={calc_sum('i_gp', t)}+{calc_sum('i_sav', t)}"
            ws[f"{col}{r}"] = f
            ws[f"{col}{r}"].style = {"cross": "roi decimal", "discount": "roi ratio"}.get(key, "roi money")
        if key not in ("cum", "cross", "discount", "net_irr"):
            ws[f"{total_col}{r}"] = f"=SUM(B{r}:{cy(T)}{r})"
            ws[f"{total_col}{r}"].style = "roi money"
    for cell in ws[R["net"]]:
        cell.font = Font(bold=True)
    note = max(R.values()) + 2
    safe.write_text(ws.cell(row=note, column=1),
                    "Costs are negative. Year 0 is the initial investment and is not discounted: NPV = year 0 + "
                    "NPV(rate, years 1…n), because Excel's NPV() discounts its first value one period. "
                    f"{J} initiatives; shared programme costs belong to the programme, not to an initiative.")
    ws.cell(row=note, column=1).style = "roi note"
    ws.merge_cells(start_row=note, start_column=1, end_row=note, end_column=3 + T)
    ws.row_dimensions[note].height = 45
    _widths(ws, {"A": 40, **{cy(t): 16 for t in range(T + 1)}, total_col: 18})
    _print_setup(ws, "B2")
    chart = _cash_chart(ws, lay, scenario.settings.currency)
    ws.add_chart(chart, f"A{note + 2}")


def _cash_chart(ws: Worksheet, lay: _Layout, currency: str) -> BarChart:
    T, R = lay.horizon, lay.cash
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = "Cash flow by year (risk-adjusted)"
    chart.y_axis.title = currency
    chart.y_axis.numFmt = "#,##0"
    chart.x_axis.title = "Year"
    for key in ("benefit", "ini_cost", "prog_cost", "net"):
        r = R[key]
        data = Reference(ws, min_col=1, max_col=2 + T, min_row=r, max_row=r)
        chart.add_data(data, titles_from_data=True, from_rows=True)
    chart.set_categories(Reference(ws, min_col=2, max_col=2 + T, min_row=1, max_row=1))
    chart.height, chart.width = 8, 18
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def _impact_chart(ini_ws: Worksheet, n: int, currency: str) -> ScatterChart:
    chart = ScatterChart()
    chart.title = "Impact (NPV) vs effort"
    chart.style = 13
    chart.x_axis.title = "Effort (FTE-months)"
    chart.y_axis.title = f"NPV ({currency})"
    chart.y_axis.numFmt = "#,##0"
    ecol = ini_ws[f"{INI_COL['effort_fte_months']}1"].column
    ncol = ini_ws[f"{INI_COL['npv']}1"].column
    for j in range(n):
        r = 2 + j
        xs = Reference(ini_ws, min_col=ecol, min_row=r, max_row=r)
        ys = Reference(ini_ws, min_col=ncol, min_row=r, max_row=r)
        s = Series(ys, xs, title_from_data=False)
        s.tx = SeriesLabel(strRef=StrRef(f"{quote_sheetname(INITIATIVES)}!$A${r}"))
        s.marker = Marker(symbol="circle", size=9)
        s.graphicalProperties.line.noFill = True
        chart.series.append(s)
    chart.height, chart.width = 9, 18
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def _write_summary(ws: Worksheet, wb: Workbook, case: BusinessCase, lay: _Layout) -> None:
    sc = case.scenario
    T, R = lay.horizon, lay.cash
    cur = sc.settings.currency
    cash = lambda key, t: _ref(CASH, f"{get_column_letter(2 + t)}{R[key]}")  # noqa: E731
    rng = lambda key, t0, t1: _ref(CASH, f"{get_column_letter(2 + t0)}{R[key]}:{get_column_letter(2 + t1)}{R[key]}")  # noqa: E731
    total = lambda key: _ref(CASH, f"{get_column_letter(3 + T)}{R[key]}")  # noqa: E731

    safe.write_text(ws["A1"], sc.settings.name)
    ws["A1"].style = "roi title"
    safe.write_text(ws["A2"], f"Personalization business case — {T}-year horizon, risk-adjusted, in {cur}. "
                              "Yellow cells on the Assumptions sheet are inputs; everything here recalculates.")
    ws["A2"].style = "roi note"
    sym = currency_symbol(cur)
    last_ini = 1 + len(sc.initiatives)
    ini_rng = lambda key: _ref(INITIATIVES, f"${INI_COL[key]}$2:${INI_COL[key]}${last_ini}")  # noqa: E731
    disc_T = f"(1+DiscountRate)^{T}"
    counted = "IF(IncludeBeyondHorizon,Case_BeyondHorizonValue,0)"
    lines: list[tuple[str, str, str, str | None]] = [
        ("NPV", f"={cash('net', 0)}+NPV(DiscountRate,{rng('net', 1, T)})+{counted}", "roi headline", "Case_NPV"),
        ("IRR", _irr(rng("net_irr", 0, T)), "roi percent", "Case_IRR"),
        ("PV of benefits", f"={cash('benefit', 0)}+NPV(DiscountRate,{rng('benefit', 1, T)})+{counted}", "roi money",
         "Case_PVBenefits"),
        ("PV of costs", f"={cash('total_cost', 0)}+NPV(DiscountRate,{rng('total_cost', 1, T)})", "roi money",
         "Case_PVCosts"),
        ("ROI = (PV benefits − PV costs) / PV costs", '=IF(Case_PVCosts<=0,"undefined",'
         '(Case_PVBenefits-Case_PVCosts)/Case_PVCosts)', "roi percent", "Case_ROI"),
        ("Payback (months, cash inside the horizon)", _payback(rng("cum", 0, T), rng("cross", 1, T)), "roi decimal",
         "Case_PaybackMonths"),
        ("Value beyond the horizon (PV; in NPV only when counted)", f"={cash('beyond', T)}/{disc_T}", "roi money",
         "Case_BeyondHorizonValue"),
        ("Incremental revenue", f"={total('revenue')}", "roi money", "Case_IncrementalRevenue"),
        ("Incremental gross profit + savings", f"={total('benefit')}", "roi money", "Case_IncrementalGrossProfit"),
        ("Variable campaign cost", f"={total('variable')}", "roi money", "Case_VariableCampaignCost"),
        (f"Incremental revenue per {sym}1 of campaign cost, initiatives that carry it (benchmark ≈ 6)",
         f'=IF(Case_VariableCampaignCost=0,"n/a",SUMIF({ini_rng("variable_campaign_cost_total")},">0",'
         f'{ini_rng("incremental_revenue")})/Case_VariableCampaignCost)', "roi decimal",
         "Case_RevenuePerCampaignDollar"),
        ("Revenue of initiatives with no campaign cost",
         f'=SUMIF({ini_rng("variable_campaign_cost_total")},0,{ini_rng("incremental_revenue")})', "roi money",
         "Case_RevenueWithoutCampaignCost"),
        ("Overlap correction (revenue not double counted)",
         "=" + _ref(INITIATIVES, f"{INI_COL['overlap_correction']}{2 + len(sc.initiatives)}"), "roi money",
         "Case_OverlapCorrection"),
        ("Lever interaction (revenue from cross terms of levers)",
         "=" + _ref(INITIATIVES, f"{INI_COL['lever_interaction']}{2 + len(sc.initiatives)}"), "roi money",
         "Case_LeverInteraction"),
        ("NPV before risk adjustment", f"={cash('net_unadj', 0)}+NPV(DiscountRate,{rng('net_unadj', 1, T)})"
         f"+IF(IncludeBeyondHorizon,{cash('beyond_unadj', T)}/{disc_T},0)", "roi money", "Case_UnadjustedNPV"),
        ("Effective benefit risk = 1 − PV(risk-adjusted benefits) / PV(benefits)",
         f'=IF({cash("benefit_unadj", 0)}+NPV(DiscountRate,{rng("benefit_unadj", 1, T)})>0,1-({cash("benefit", 0)}+'
         f'NPV(DiscountRate,{rng("benefit", 1, T)}))/({cash("benefit_unadj", 0)}+NPV(DiscountRate,'
         f'{rng("benefit_unadj", 1, T)})),"n/a")', "roi percent", "Case_EffectiveBenefitRisk"),
        ("Process maturity index (0–1)", "=MaturityIndex", "roi ratio", None),
        ("Share of uplift realised", "=Realisation", "roi percent", None),
        ("Months from launch to full effect", "=RampMonths", "roi decimal", None),
    ]
    _header(ws, 4, ["Headline figure", "Value"])
    for k, (label, f, style, name) in enumerate(lines):
        r = 5 + k
        safe.write_text(ws.cell(row=r, column=1), label)
        ws.cell(row=r, column=2, value=f).style = style
        if name:
            wb.defined_names[name] = DefinedName(name, attr_text=_ref(SUMMARY, f"$B${r}"))
    r = 5 + len(lines) + 1
    _header(ws, r, ["Benefit by outcome (gross profit + savings)", "Value"])
    last = 1 + len(sc.initiatives)
    out_rng = _ref(INITIATIVES, f"${INI_COL['outcome']}$2:${INI_COL['outcome']}${last}")
    gp_rng = _ref(INITIATIVES, f"${INI_COL['incremental_gross_profit']}$2:${INI_COL['incremental_gross_profit']}${last}")
    for k, o in enumerate(Outcome):
        rr = r + 1 + k
        safe.write_text(ws.cell(row=rr, column=1), o.value)
        ws.cell(row=rr, column=2, value=f'=SUMIF({out_rng},"{o.value}",{gp_rng})').style = "roi money"
    _widths(ws, {"A": 52, "B": 20})
    ws.add_chart(_cash_chart(wb[CASH], lay, cur), "D4")
    ws.add_chart(_impact_chart(wb[INITIATIVES], len(sc.initiatives), cur), "D22")
    _print_setup(ws, "A5")


def _irr(net: str) -> str:
    """``IRR`` of the range ``net``, ``undefined`` when the flows never change sign.

    Excel's and LibreOffice's ``IRR`` iterate from a guess (10% by default) and can fail to
    converge when the rate is far from it (e.g. −40%); the formula then retries from the
    estimate ``(Σ inflows / Σ outflows)^(1/n) − 1``, and from −50% and +100%.
    """
    guess = f'(SUMIF({net},">0")/-SUMIF({net},"<0"))^(1/(COUNT({net})-1))-1'
    return (f'=IF(AND(COUNTIF({net},">0")>0,COUNTIF({net},"<0")>0),IFERROR(IRR({net}),IFERROR(IRR({net},{guess}),'
            f'IFERROR(IRR({net},-0.5),IFERROR(IRR({net},1),"undefined")))),"undefined")')


def _write_meta(wb: Workbook, scenario: Scenario) -> None:
    ws = wb.create_sheet(META_SHEET)
    text = dumps_scenario(scenario)
    chunks = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]
    ws["A1"] = MARKER
    ws["A2"] = FORMAT_VERSION
    ws["A3"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    ws["A4"] = len(chunks)
    for k, chunk in enumerate(chunks):
        safe.write_text(ws.cell(row=5 + k, column=1), chunk)
    ws["B1"] = "Scenario stored by python -m roi export: do not edit (the import checks it)."
    ws.sheet_state = "hidden"


def _values_sheet(wb: Workbook, sheet: Sheet, currency: str) -> Worksheet:
    """A sheet of values (analyses that are not live formulas): its note, then each table under its
    heading; grey tab, frozen first header, the print setup of every sheet."""
    ws = wb.create_sheet(sheet.title[:31])
    ws.sheet_properties.tabColor = VALUES_TAB
    ncols = max([len(t.frame.columns) for t in sheet.tables] + [1])
    widths = [12.0] * ncols
    row, freeze = 3, None
    for table in sheet.tables:
        if table.heading:
            safe.write_text(ws.cell(row=row, column=1), table.heading).style = "roi section"
            row += 1
        cols = [str(c) for c in table.frame.columns]
        _header(ws, row, cols)
        freeze = freeze or f"A{row + 1}"
        for i, rec in enumerate(table.frame.itertuples(index=False, name=None)):
            for k, v in enumerate(rec):
                v = _plain(v)
                c = safe.write_value(ws.cell(row=row + 1 + i, column=k + 1), v)
                fmt = table.formats.get(cols[k])
                if isinstance(fmt, list):
                    fmt = fmt[i]
                if isinstance(v, (int, float)) and not isinstance(v, bool) and (fmt or isinstance(v, float)):
                    c.number_format = fmt or _column_format(cols[k], v, currency)
                elif isinstance(v, str):
                    widths[k] = max(widths[k], min(len(v) + 2, 40))
        for k, col in enumerate(cols):
            widths[k] = max(widths[k], min(len(col) + 2, 40))
        row += 1 + len(table.frame) + 2
    _widths(ws, {get_column_letter(k + 1): w for k, w in enumerate(widths)})
    span = max(ncols, 6)
    _note(ws, 1, sheet.note, span, sum(widths) + 12 * (span - ncols))
    _print_setup(ws, freeze)
    return ws


def _note(ws: Worksheet, row: int, text: str, ncols: int, chars: float) -> None:
    """A wrapped note merged across ``ncols`` columns (about ``chars`` characters wide), tall enough."""
    if not text:
        return
    safe.write_text(ws.cell(row=row, column=1), text).style = "roi note"
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.row_dimensions[row].height = 15 * (1 + len(text) // max(int(chars), 20))


def _column_format(name: str, v: float, currency: str) -> str:
    """Number format of an analysis column from its name (fractions as %, money in the currency)."""
    name = name.lower()
    if any(w in name for w in ("uplift", "confidence", "mde_", "share", "rate", "probability")):
        return PERCENT
    if any(w in name for w in ("npv", "profit", "cost", "revenue", "benefit")):
        return money_format(currency)
    return "#,##0" if abs(v) >= 1000 else "#,##0.00"


def _plain(v: Any) -> Any:
    """numpy scalars, NaN and odd types → values openpyxl can write."""
    import math

    import numpy as np

    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if not math.isfinite(f) else f
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (int, str)):
        return v
    if hasattr(v, "value") and isinstance(getattr(v, "value"), str):  # enums
        return v.value
    return str(v)


def build_workbook(scenario: Scenario, case: BusinessCase | None = None, *,
                   analyses: bool | Analyses = True, history: Sequence[VersionInfo] | None = None) -> Workbook:
    """The live workbook of ``scenario`` (see the module docstring for its layout).

    ``analyses``: ``True`` runs them (:func:`roi.export.analyses.run_analyses`, in a background
    thread while the formula sheets are written), an :class:`Analyses` uses those, ``False``
    leaves the value sheets out. ``history``: the saved versions (:mod:`roi.store`) for a Change log sheet.
    """
    case = evaluate(scenario) if case is None else case
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(run_analyses, scenario, case) if analyses is True else None
        wb = Workbook()
        wb.calculation.fullCalcOnLoad = True  # no cached values: spreadsheet programs compute on open
        _styles(wb, scenario.settings.currency)
        summary = wb.active
        summary.title = SUMMARY
        lay = _Layout(horizon=scenario.settings.horizon_years)
        _write_assumptions(wb, scenario, lay)
        _write_segments(wb, scenario, lay)
        ini_ws = _write_initiatives(wb, scenario, lay)
        calc = _Calc(wb, scenario, lay)
        calc.write()
        _initiative_results(ini_ws, scenario, lay)
        _write_cash_flow(wb, scenario, lay)
        _write_summary(summary, wb, case, lay)
        done = pending.result() if pending is not None else analyses
    # Sheet order: Summary, Assumptions, Segments, Initiatives, Cash flow, value sheets, Calc, _roi
    if isinstance(done, Analyses):
        for sheet in analysis_sheets(scenario, case, done):
            _values_sheet(wb, sheet, scenario.settings.currency)
    if history:
        write_change_log(wb, history)
    wb.move_sheet(CALC, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(CALC))
    _write_meta(wb, scenario)
    wb.properties.title = scenario.settings.name[:200]
    wb.properties.creator = "roi (personalization ROI dashboard)"
    return wb


def workbook_bytes(scenario: Scenario, case: BusinessCase | None = None, *,
                   analyses: bool | Analyses = True, history: Sequence[VersionInfo] | None = None) -> bytes:
    """The workbook as ``.xlsx`` bytes (for a download button or a file)."""
    buf = io.BytesIO()
    build_workbook(scenario, case, analyses=analyses, history=history).save(buf)
    return buf.getvalue()


__all__ = ["FORMAT_VERSION", "MARKER", "META_SHEET", "build_workbook", "workbook_bytes"]
