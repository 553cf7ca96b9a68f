"""The input sheets: Assumptions (every input on its own row), Segments and the Initiatives inputs.

Colours say what a cell does. **Yellow** cells are live inputs: each one feeds a formula, carries a
data validation with an error alert (ranges from the schema, :mod:`roi.fields`), and is one of the
few unlocked cells of the protected sheet. **Pale blue** cells are text (names, notes, sources) that
the import reads back into the app but that change no figure. **Grey** cells are set in the app:
structural inputs (the horizon, an initiative's lever, outcome and target segments) decide the
workbook's rows and columns, and a few inputs feed only the app's analyses (the Monte Carlo's uplift
correlation, test capacity); column H says where to change them.
"""

from __future__ import annotations

import math

import numpy as np

from ...engine import content_cost_per_year
from ...fields import spec
from ...format import pct
from ...schema import Scenario
from ..assumptions import PERCENT, Row, assumption_rows, money_format
from .book import Book, Sheet, cell, col_index, ref
from .layout import (A_HEADERS, A_KEY_COL, A_SOURCE_COL, A_VALUE_COL, ASSUMPTIONS, INI_COL, INI_INPUTS, SEG_BASELINE, SEG_COLS, SEG_PER_CUSTOMER, SEG_PERSONALIZABLE, Layout)

STYLE_OF_ROLE = {"live": "input", "text": "text_input", "structural": "fixed", "reference": "fixed"}
WHERE = {  # where a grey (set in the app) input is changed, by field key suffix
    "horizon_years": "Business case page (finance settings)",
    "outcome": "Initiatives page", "lever": "Initiatives page", "segments": "Initiatives page",
    "uplift_correlation": "Risk & sensitivity page", "tests_per_month": "Experiments page / Process page",
}
CONSTANTS = [  # (defined name, label, value, unit, why): model constants, not inputs
    ("BeyondHorizonYears", "Years of customer life followed beyond the horizon", None, "years",
     "model constant (roi.engine.flows.BEYOND_HORIZON_YEARS)"),
    ("CheckTolerance", "Tolerance of the Checks sheet's reconciliations", 1e-9, "relative (× the larger side, "
     "at least 1)", "rounding of 15-digit arithmetic; a real error is far larger"),
]


def changing_text(row: Row) -> str:
    """Column H: what changing the row does, and for a grey row where to change it."""
    if row.role == "live":
        return "recalculates the case"
    if row.role == "text":
        return "text: read back into the app on import; changes no figure"
    where = WHERE.get(row.key.rsplit(".", 1)[-1], "the app")
    if row.role == "structural":
        return (f"set in the app ({where}), then export again: the workbook's rows and columns depend on it; "
                "the import reads it back")
    return f"used only by the app's analyses ({where}); not by this workbook's formulas"


def _is_money(row: Row, currency: str) -> bool:
    return row.fmt is not None and f'"{currency}"' in row.fmt


def label_with_unit(row: Row, currency: str) -> str:
    """The assumption's label with its unit in brackets: ``Discount rate (%)``, ``Running cost (EUR)``."""
    try:
        percent = spec(row.key).percent
    except KeyError:
        percent = False
    if percent or row.fmt == PERCENT:
        return f"{row.label} (%)"
    if _is_money(row, currency):
        return f"{row.label} ({currency})"
    return row.label


def _validation(row: Row, currency: str) -> dict | None:
    """XlsxWriter data validation for the row's value cell: a list for choices, else the schema's range."""
    if row.choices:
        return {"validate": "list", "source": list(row.choices), "error_title": "Not an allowed value",
                "error_message": ("Choose one of: " + ", ".join(row.choices))[:255]}
    if row.kind not in ("number", "optional", "int", "year"):
        return None
    try:
        f = spec(row.key)
    except KeyError:
        return None
    if f.lower is None or f.upper is None:
        return None
    lo, hi = float(f.lower), float(f.upper)
    whole = row.kind in ("int", "year")
    if f.percent:
        msg = (f"Type a percentage between {pct(lo, 0)} and {pct(hi, 0)}: 8% (or 0.08) for eight percent, "
               "not 8. Press Cancel to keep the previous value.")
    else:
        unit = currency if _is_money(row, currency) else (f.unit or row.unit)
        msg = (f"Type {'a whole number' if whole else 'a number'} from {lo:,.15g} to {hi:,.15g}"
               f"{f' ({unit})' if unit else ''}. Press Cancel to keep the previous value.")
    return {"validate": "integer" if whole else "decimal", "criteria": "between", "minimum": lo, "maximum": hi,
            "ignore_blank": row.kind in ("optional", "year"), "error_type": "stop",
            "error_title": "Outside the allowed range", "error_message": msg[:255],
            "input_title": label_with_unit(row, currency)[:32], "input_message": msg[:255]}


def write_assumptions(book: Book, ws: Sheet, scenario: Scenario, lay: Layout) -> list[Row]:
    cur = scenario.settings.currency
    rows = assumption_rows(scenario)
    ws.header(1, A_HEADERS)
    for r, row in enumerate(rows, start=2):
        ws.text(r, 1, row.area)
        ws.text(r, 2, row.item)
        ws.text(r, 3, label_with_unit(row, cur))
        ws.text(r, 5, ("% " + row.unit).strip() if label_with_unit(row, cur).endswith("(%)") else row.unit)
        reads_source = bool(row.owner and row.source_field)
        ws.text(r, A_SOURCE_COL, row.source, "text_input" if reads_source else "plain")
        ws.text(r, 7, row.evidence)
        ws.text(r, 8, changing_text(row))
        ws.text(r, A_KEY_COL, row.key)
        style = STYLE_OF_ROLE[row.role]
        value = row.value
        if row.kind == "year" and value is not None:
            value = int(value)
        ws.value(r, A_VALUE_COL, value, style, row.fmt)
        dv = _validation(row, cur) if style == "input" or row.kind == "year" else None
        if dv:
            ws.validate(r, A_VALUE_COL, dv)
        lay.assumption[row.key] = ref(ASSUMPTIONS, cell(r, A_VALUE_COL, absolute=True))
        lay.assumption_row[row.key] = r
        if row.name:
            book.name(row.name, ASSUMPTIONS, r, A_VALUE_COL)
    last = len(rows) + 1
    ws.call("autofilter", 0, 0, last - 1, A_KEY_COL - 1)
    # Model constants: named, labelled, not inputs (no hard-coded numbers in the calculation sheets).
    from ...engine.flows import BEYOND_HORIZON_YEARS

    r = last + 2
    ws.text(r, 1, "Model constants (not inputs; the calculation sheets refer to them by name)", "section")
    for k, (name, label, value, unit, why) in enumerate(CONSTANTS, start=1):
        v = BEYOND_HORIZON_YEARS if name == "BeyondHorizonYears" else value
        ws.text(r + k, 1, "Constant")
        ws.text(r + k, 3, label)
        ws.value(r + k, A_VALUE_COL, v, "fixed", "0" if name == "BeyondHorizonYears" else "0.0E+00")
        ws.text(r + k, 5, unit)
        ws.text(r + k, 8, why)
        book.name(name, ASSUMPTIONS, r + k, A_VALUE_COL)
    ws.widths({1: 11, 2: 26, 3: 36, 4: 16, 5: 30, 6: 44, 7: 44, 8: 40, 9: 30})
    ws.setup((1, 4))
    return rows


def write_segments(ws: Sheet, scenario: Scenario, lay: Layout) -> None:
    cur = scenario.settings.currency
    ws.header(1, ["Segment", "Customers", "Visits / customer / yr", "Baseline conversion", "Average order value",
                  "Gross margin", "Retention rate", "Identifiable share", "Consent share",
                  "Personalizable share", f"Revenue per customer / yr ({cur})", f"Baseline revenue / yr ({cur})"])
    money = money_format(cur)
    nums = {"B": "#,##0", "C": "#,##0.00", "D": "0.00%", "E": money, "F": PERCENT, "G": PERCENT, "H": PERCENT,
            "I": PERCENT}
    total_customers = total_baseline = 0.0
    for k, seg in enumerate(scenario.segments):
        r = 2 + k
        lay.seg_row[seg.name] = r
        ws.text(r, 1, seg.name)
        for fld, col in SEG_COLS.items():
            ws.formula(r, col_index(col), "=" + lay.assumption[f"segments[{k}].{fld}"], getattr(seg, fld), num=nums[col])
        per_customer = seg.visits_per_customer * seg.baseline_conversion_rate * seg.average_order_value
        ws.formula(r, col_index(SEG_PERSONALIZABLE), f"=H{r}*I{r}", seg.identifiable_share * seg.consent_share,
                   num=PERCENT)
        ws.formula(r, col_index(SEG_PER_CUSTOMER), f"=C{r}*D{r}*E{r}", per_customer, num=money)
        ws.formula(r, col_index(SEG_BASELINE), f"=B{r}*K{r}", seg.customers * per_customer, num=money)
        total_customers += seg.customers
        total_baseline += seg.customers * per_customer
    last = 1 + len(scenario.segments)
    total = last + 1
    ws.text(total, 1, "Total", "bold")
    ws.formula(total, 2, f"=SUM(B2:B{last})", total_customers, num="#,##0")
    ws.formula(total, 12, f"=SUM(L2:L{last})", total_baseline, num=money)
    ws.widths({1: 30, **{c: 15 for c in range(2, 11)}, 11: 18, 12: 20})
    ws.row_height(1, 32)
    ws.setup((1, 1))



def _num(fmt: str | None, currency: str) -> str | None:
    return money_format(currency) if fmt == "money" else fmt


def write_initiative_inputs(ws: Sheet, scenario: Scenario, lay: Layout, realisation: float) -> dict[str, np.ndarray]:
    """The Initiatives sheet's input columns; returns the values of the derived ones by key ([J] arrays)."""
    cur = scenario.settings.currency
    content = content_cost_per_year(scenario)
    fte = scenario.process.fte_month_cost
    derived: dict[str, list[float]] = {k: [] for k in ("uplift.used", "content_cost", "effort_cost", "risk_rate",
                                                       "realised_share", "decay_rate")}
    for j, ini in enumerate(scenario.initiatives):
        r = 2 + j
        lay.ini_row.append(r)
        o = f"initiatives[{j}]"
        ws.text(r, 1, ini.name)
        col = {key: f"{INI_COL[key]}{r}" for key in INI_COL}
        values = {
            "outcome": ini.outcome.value, "lever": ini.lever.value, "depth": ini.depth.value,
            "n_segments": len(ini.segments), "channel_reach": ini.channel_reach,
            "requires_identity": ini.requires_identity, "uplift.low": ini.uplift.low,
            "uplift.base": ini.uplift.base, "uplift.high": ini.uplift.high, "uplift.used": ini.uplift.base,
            "effect_decay": ini.effect_decay, "evidence.kind": ini.evidence.kind.value,
            "benefit_risk": "" if ini.benefit_risk is None else ini.benefit_risk,
            "content_assets": ini.content_assets, "one_time_cost": ini.one_time_cost,
            "annual_running_cost": ini.annual_running_cost, "variable_campaign_cost": ini.variable_campaign_cost,
            "cost_base": ini.cost_base, "effort_fte_months": ini.effort_fte_months,
            "months_to_launch": ini.months_to_launch, "content_cost": float(content[j]),
            "effort_cost": ini.effort_fte_months * fte, "risk_rate": scenario.benefit_risk(ini),
            "realised_share": realisation if scenario.realised_by_maturity(ini) else 1.0,
            "decay_rate": -math.log1p(-ini.effect_decay) / 12,
        }
        for key in derived:
            derived[key].append(values[key])
        for key, _, fmt in INI_INPUTS:
            if key == "n_segments":  # counted from the JSON list (json.dumps separates items with '", "')
                seg = lay.assumption[f"{o}.segments"]
                f = f'=IF({seg}="[]",0,(LEN({seg})-LEN(SUBSTITUTE({seg},""", ""","")))/4+1)'
            elif key == "uplift.used":  # the Summary's Low / Base / High switch
                f = (f'=IF(UpliftCase="Low",{col["uplift.low"]},IF(UpliftCase="High",{col["uplift.high"]},'
                     f'{col["uplift.base"]}))')
            elif key == "effort_cost":
                f = f"={col['effort_fte_months']}*FteMonthCost"
            elif key == "risk_rate":  # the override, else the rate for the evidence kind
                kind, over = col["evidence.kind"], col["benefit_risk"]
                f = (f'=IF(ISNUMBER({over}),{over},IF({kind}="measured",BenefitRiskMeasured,'
                     f'IF({kind}="benchmark",BenefitRiskBenchmark,BenefitRiskAssumed)))')
            elif key == "realised_share":  # a measured uplift is not cut again by maturity
                f = f'=IF(AND({col["evidence.kind"]}="measured",NOT(RealiseMeasuredUplift)),1,Realisation)'
            elif key == "decay_rate":
                f = f"=-LN(1-{col['effect_decay']})/12"
            elif key == "benefit_risk":  # empty when the initiative has no override
                over = lay.assumption[f"{o}.benefit_risk"]
                f = f'=IF(ISNUMBER({over}),{over},"")'
            elif key == "content_cost":
                d = col["depth"]
                f = (f"={col['content_assets']}*VariantsPerAsset*IF({d}=\"segment\",MAX({col['n_segments']},1),1)*"
                     f"RefreshesPerYear*(1-ReuseRate)*IF({d}=\"generic\",CostPerAssetGeneric,IF({d}=\"segment\","
                     f"CostPerAssetSegment,CostPerAssetOneToOne))")
            else:
                f = "=" + lay.assumption[f"{o}.{key}"]
            ws.formula(r, col_index(INI_COL[key]), f, values[key], num=_num(fmt, cur))
    return {k: np.array(v, dtype=float) for k, v in derived.items()}



__all__ = ["write_assumptions", "write_initiative_inputs", "write_segments"]
