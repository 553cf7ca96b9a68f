"""Every input of a scenario as one row: the Assumptions sheet, shared by export and import.

Each :class:`Row` names the scenario field it holds by a path (``segments[0].customers``), the
kind of value it takes (how the import reads it back), its unit, where the value came from
(the owning model's ``sources`` entry) and, for uplifts, the evidence behind it.

``live`` rows drive the workbook's formulas: change one in a spreadsheet program and the case
recalculates (an uplift's low and high through the Summary's Low / Base / High switch). Structural rows (horizon, lever, outcome, target segments) decide the shape of
the workbook (its year columns and calculation rows); they are read back on import, and the app
recalculates with them, but the workbook itself cannot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .. import fields
from ..evidence import evidence_text
from ..maturity import SCORE_FIELDS
from ..schema import Depth, EvidenceKind, LeverCombination, Lever, Outcome, RetentionTiming, Scenario

NO_SOURCE = "assumption (no source given)"
BOOL_CHOICES = ("TRUE", "FALSE")

# Number formats (currency formats are built per scenario, see money_format()).
PERCENT = "0.0%"
PERCENT_FINE = "0.00%"
NUMBER = "#,##0"
DECIMAL = "#,##0.00"
SCORE = "0.0"


def money_format(currency: str) -> str:
    """``#,##0 "EUR"`` with negatives in parentheses-free minus form; currency is an ISO code."""
    return f'#,##0 "{currency}";-#,##0 "{currency}"'


@dataclass(frozen=True)
class Row:
    area: str  # Settings, Segment, Content, Process, Initiative
    item: str  # the segment or initiative the row belongs to ("" for scenario-wide rows)
    label: str
    key: str  # field path in the scenario JSON, e.g. "segments[0].customers"
    value: Any
    kind: str  # number | optional (a number or empty) | int | year | text | enum | list | bool
    unit: str = ""
    fmt: str | None = None
    owner: str | None = None  # path of the model whose ``sources`` holds this row's source
    source_field: str | None = None
    source: str = ""
    evidence: str = ""
    role: str = "live"  # live | reference | structural | text (see ROLE_TEXT)
    name: str | None = None  # workbook defined name for the value cell
    choices: tuple[str, ...] = ()


ROLE_TEXT = {
    "live": "recalculates the case",
    "reference": "shown in tables and charts; not in the cash flow",
    "structural": "structural: applied when imported into the app; the workbook does not recalculate it",
    "text": "text",
}


def _src(model: Any, field: str) -> str:
    return model.sources.get(field, "") or NO_SOURCE


def assumption_rows(scenario: Scenario) -> list[Row]:
    """All inputs of ``scenario`` in sheet order."""
    st, c, p = scenario.settings, scenario.content, scenario.process
    cur = st.currency
    money = money_format(cur)
    rows: list[Row] = []

    def add(area, item, label, key, value, kind, unit="", fmt=None, owner=None, field=None,
            model=None, role="live", name=None, evidence="", choices=()):
        # label and unit None: the field registry's (roi.fields), money units after the currency
        if label is None or unit is None:
            spec = fields.spec(key)
            label = spec.title if label is None else label
            unit = (f"{cur} {spec.unit}".strip() if spec.money else spec.unit) if unit is None else unit
        source = _src(model, field) if (model is not None and field) else ""
        rows.append(Row(area, item, label, key, value, kind, unit, fmt, owner, field, source,
                        evidence, role, name, tuple(choices)))

    S = "settings"
    add("Settings", "", "Scenario name", f"{S}.name", st.name, "text", owner=S, field="name", model=st, role="text")
    add("Settings", "", "Description", f"{S}.description", st.description, "text", owner=S,
        field="description", model=st, role="text")
    add("Settings", "", "Currency", f"{S}.currency", st.currency, "text", "ISO 4217 code", owner=S,
        field="currency", model=st, role="text")
    add("Settings", "", None, f"{S}.horizon_years", st.horizon_years, "int", None, NUMBER, S,
        "horizon_years", st, role="structural", name="HorizonYears")
    add("Settings", "", None, f"{S}.discount_rate", st.discount_rate, "number", None,
        PERCENT, S, "discount_rate", st, name="DiscountRate")
    for kind in EvidenceKind:
        field = f"benefit_risk_{kind.value}"
        add("Settings", "", None, f"{S}.{field}", getattr(st, field),
            "number", None, PERCENT, S, field, st, name=f"BenefitRisk{kind.value.title()}")
    add("Settings", "", None, f"{S}.cost_risk", st.cost_risk, "number",
        None, PERCENT, S, "cost_risk", st, name="CostRisk")
    add("Settings", "", "Retention timing", f"{S}.retention_timing", st.retention_timing.value, "enum",
        "mid_year or start_of_year", None, S, "retention_timing", st, name="RetentionTiming",
        choices=[e.value for e in RetentionTiming])
    add("Settings", "", "Levers on one segment combine", f"{S}.lever_combination", st.lever_combination.value,
        "enum", "multiplicative or additive", None, S, "lever_combination", st, name="LeverCombination",
        choices=[e.value for e in LeverCombination])
    add("Settings", "", "Scale measured uplifts by maturity", f"{S}.realise_measured_uplift",
        st.realise_measured_uplift, "bool", "TRUE or FALSE", None, S, "realise_measured_uplift", st,
        name="RealiseMeasuredUplift", choices=BOOL_CHOICES)
    add("Settings", "", "Count value beyond the horizon in NPV", f"{S}.include_beyond_horizon",
        st.include_beyond_horizon, "bool", "TRUE or FALSE", None, S, "include_beyond_horizon", st,
        name="IncludeBeyondHorizon", choices=BOOL_CHOICES)
    add("Settings", "", "Uplift correlation (Monte Carlo)", f"{S}.uplift_correlation", st.uplift_correlation,
        "number", "ρ, 0–1", DECIMAL, S, "uplift_correlation", st, role="reference")

    seg_fields = [
        ("customers", NUMBER),
        ("visits_per_customer", DECIMAL),
        ("baseline_conversion_rate", PERCENT_FINE),
        ("average_order_value", money.replace("#,##0", "#,##0.00")),
        ("gross_margin", PERCENT),
        ("retention_rate", PERCENT),
        ("identifiable_share", PERCENT),
        ("consent_share", PERCENT),
    ]
    for k, seg in enumerate(scenario.segments):
        owner = f"segments[{k}]"
        for field, fmt in seg_fields:
            add("Segment", seg.name, None, f"{owner}.{field}", getattr(seg, field), "number", None, fmt,
                owner, field, seg)

    C = "content"
    content_fields = [
        ("cost_per_asset_generic", money, "CostPerAssetGeneric"),
        ("cost_per_asset_segment", money, "CostPerAssetSegment"),
        ("cost_per_asset_one_to_one", money, "CostPerAssetOneToOne"),
        ("variants_per_asset", DECIMAL, "VariantsPerAsset"),
        ("refreshes_per_year", DECIMAL, "RefreshesPerYear"),
        ("reuse_rate", PERCENT, "ReuseRate"),
    ]
    for field, fmt, name in content_fields:
        add("Content", "", None, f"{C}.{field}", getattr(c, field), "number", None, fmt, C, field, c, name=name)

    P = "process"
    for field in SCORE_FIELDS:
        add("Process", "", f"Maturity: {fields.label(f'{P}.{field}').lower()}", f"{P}.{field}", getattr(p, field),
            "number", "score 1 (ad hoc) – 5 (leading)", SCORE, P, field, p,
            name="Score" + field.title().replace("_", ""))
    process_fields = [
        ("team_annual_cost", money, "TeamAnnualCost", "number"),
        ("platform_annual_cost", money, "PlatformAnnualCost", "number"),
        ("platform_one_time_cost", money, "PlatformOneTimeCost", "number"),
        ("fte_month_cost", money, "FteMonthCost", "number"),
        ("tests_per_month", DECIMAL, None, "number"),
        ("realisation_floor", PERCENT, "RealisationFloor", "number"),
        ("ramp_months_slowest", DECIMAL, "RampMonthsSlowest", "number"),
        ("ramp_months_fastest", DECIMAL, "RampMonthsFastest", "number"),
    ]
    for field, fmt, name, kind in process_fields:
        add("Process", "", None, f"{P}.{field}", getattr(p, field), kind, None, fmt, P, field, p,
            role="reference" if field == "tests_per_month" else "live", name=name)

    for j, ini in enumerate(scenario.initiatives):
        o = f"initiatives[{j}]"
        n = ini.name
        ev = evidence_text(ini.evidence)
        add("Initiative", n, "Outcome", f"{o}.outcome", ini.outcome.value, "enum", "", None, o, "outcome", ini,
            role="structural", choices=[e.value for e in Outcome])
        add("Initiative", n, "Lever", f"{o}.lever", ini.lever.value, "enum", "", None, o, "lever", ini,
            role="structural", choices=[e.value for e in Lever])
        add("Initiative", n, "Target segments", f"{o}.segments", json.dumps(ini.segments, ensure_ascii=False),
            "list", "JSON list of segment names", None, o, "segments", ini, role="structural")
        add("Initiative", n, None, f"{o}.channel_reach", ini.channel_reach, "number",
            None, PERCENT, o, "channel_reach", ini)
        add("Initiative", n, "Needs identity", f"{o}.requires_identity", ini.requires_identity, "bool",
            "TRUE: identified and consented customers only; FALSE: everyone (by context)", None, o,
            "requires_identity", ini, choices=BOOL_CHOICES)
        add("Initiative", n, None, f"{o}.uplift.low", ini.uplift.low, "number", None,
            PERCENT, evidence=ev)  # live through the workbook's Low / Base / High switch
        add("Initiative", n, None, f"{o}.uplift.base", ini.uplift.base, "number", None,
            PERCENT, o, "uplift", ini, evidence=ev)
        add("Initiative", n, None, f"{o}.uplift.high", ini.uplift.high, "number", None,
            PERCENT, evidence=ev)
        add("Initiative", n, None, f"{o}.effect_decay", ini.effect_decay, "number",
            None, PERCENT, o, "effect_decay", ini)
        add("Initiative", n, None, f"{o}.benefit_risk", ini.benefit_risk, "optional",
            None, PERCENT, o, "benefit_risk", ini)
        add("Initiative", n, "Content depth", f"{o}.depth", ini.depth.value, "enum",
            "generic, segment or one_to_one", None, o, "depth", ini, choices=[e.value for e in Depth])
        add("Initiative", n, None, f"{o}.content_assets", ini.content_assets, "number",
            None, DECIMAL, o, "content_assets", ini)
        add("Initiative", n, None, f"{o}.one_time_cost", ini.one_time_cost, "number",
            None, money, o, "one_time_cost", ini)
        add("Initiative", n, None, f"{o}.annual_running_cost", ini.annual_running_cost, "number",
            None, money, o, "annual_running_cost", ini)
        add("Initiative", n, None, f"{o}.variable_campaign_cost", ini.variable_campaign_cost,
            "number", None, money, o, "variable_campaign_cost", ini)
        add("Initiative", n, None, f"{o}.cost_base", ini.cost_base, "number",
            None, money, o, "cost_base", ini)
        add("Initiative", n, None, f"{o}.effort_fte_months", ini.effort_fte_months, "number", None,
            DECIMAL, o, "effort_fte_months", ini)
        add("Initiative", n, None, f"{o}.months_to_launch", ini.months_to_launch, "number",
            None, DECIMAL, o, "months_to_launch", ini)
        add("Initiative", n, "Evidence kind", f"{o}.evidence.kind", ini.evidence.kind.value, "enum",
            "sets the benefit risk adjustment", None, choices=[e.value for e in EvidenceKind])
        add("Initiative", n, "Evidence source", f"{o}.evidence.source", ini.evidence.source, "text", role="text")
        add("Initiative", n, "Evidence year", f"{o}.evidence.year", ini.evidence.year, "year", "year", "0",
            role="text")
        add("Initiative", n, "Evidence note", f"{o}.evidence.note", ini.evidence.note, "text", role="text")
        add("Initiative", n, "Description", f"{o}.description", ini.description, "text", owner=o,
            field="description", model=ini, role="text")
    if scenario.calibration is not None:
        cal = scenario.calibration
        add("Programme", "", f"Calibration from the global holdout “{cal.test_name}”", "calibration.factor",
            cal.factor, "number", "× every revenue benefit (measured ÷ claimed)", "0.000", name="CalibrationInput")
    return rows
