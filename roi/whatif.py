"""What drives the case: the programme NPV under a few executive what-ifs.

Each what-if changes one thing in a copy of the scenario and re-evaluates it with the same
model as the headline figures (risk-adjusted NPV, scenario currency). They answer "what would
change our mind": an uplift half of what the vendor says, a six-month delay, costs overrunning,
a more mature process.
"""

from __future__ import annotations

from dataclasses import dataclass

from .maturity import SCORE_FIELDS, assess
from .model import evaluate
from .schema import Scenario


@dataclass(frozen=True)
class WhatIf:
    label: str  # what changes, in words
    npv: float  # programme NPV under the what-if (currency)
    change: float  # npv − base NPV (currency)


def _scaled_uplifts(s: Scenario, factor: float) -> Scenario:
    inis = [
        i.model_copy(update={"uplift": i.uplift.model_copy(update={
            "low": i.uplift.low * factor, "base": i.uplift.base * factor, "high": i.uplift.high * factor})})
        for i in s.initiatives
    ]
    return s.model_copy(update={"initiatives": inis})


def _delayed(s: Scenario, months: float) -> Scenario:
    inis = [i.model_copy(update={"months_to_launch": min(i.months_to_launch + months, 120)})
            for i in s.initiatives]
    return s.model_copy(update={"initiatives": inis})


def _costs(s: Scenario, factor: float) -> Scenario:
    fields = ("one_time_cost", "annual_running_cost", "variable_campaign_cost")
    inis = [i.model_copy(update={f: getattr(i, f) * factor for f in fields}) for i in s.initiatives]
    p, c = s.process, s.content
    process = p.model_copy(update={f: getattr(p, f) * factor for f in
                                   ("team_annual_cost", "platform_annual_cost", "platform_one_time_cost")})
    content = c.model_copy(update={f: getattr(c, f) * factor for f in
                                   ("cost_per_asset_generic", "cost_per_asset_segment", "cost_per_asset_one_to_one")})
    return s.model_copy(update={"initiatives": inis, "process": process, "content": content})


def without_risk(s: Scenario) -> Scenario:
    """The scenario with no TEI risk adjustment: every benefit risk (by evidence and override) and
    the cost risk at 0 — the model the uncertainty analyses run on."""
    settings = s.settings.model_copy(update={"benefit_risk_assumed": 0.0, "benefit_risk_benchmark": 0.0,
                                             "benefit_risk_measured": 0.0, "cost_risk": 0.0})
    inis = [i.model_copy(update={"benefit_risk": None}) for i in s.initiatives]
    return s.model_copy(update={"settings": settings, "initiatives": inis})


def _maturity_up(s: Scenario) -> Scenario:
    p = s.process
    return s.model_copy(update={"process": p.model_copy(update={f: min(getattr(p, f) + 1, 5) for f in SCORE_FIELDS})})


def what_ifs(scenario: Scenario) -> list[WhatIf]:
    """Programme NPV under each what-if, largest absolute change first.

    * every uplift (low, base, high) halved;
    * every initiative launched 6 months later;
    * every cost (initiative and programme) 20% higher;
    * every process maturity score one point higher (capped at 5);
    * benefits and costs not risk-adjusted.
    """
    base = evaluate(scenario).npv
    variants = [
        ("Uplifts half of what is assumed", _scaled_uplifts(scenario, 0.5)),
        ("Every initiative launches 6 months later", _delayed(scenario, 6)),
        ("All costs 20% higher", _costs(scenario, 1.2)),
        ("Process maturity one point higher", _maturity_up(scenario)),
        ("No risk adjustment", without_risk(scenario)),
    ]
    out = [WhatIf(label, npv := evaluate(v).npv, npv - base) for label, v in variants]
    return sorted(out, key=lambda w: -abs(w.change))


def maturity_sweep(scenario: Scenario) -> list[dict[str, float]]:
    """Realised share, ramp and programme NPV with all four process scores at 1 … 5.

    Returns one dict per level: ``level`` (score 1–5), ``maturity_index`` (0–1), ``realisation``
    (fraction of the theoretical uplift realised), ``ramp_months`` and ``npv`` (currency).
    """
    out = []
    for level in range(1, 6):
        process = scenario.process.model_copy(update={f: float(level) for f in SCORE_FIELDS})
        m = assess(process)
        npv = evaluate(scenario.model_copy(update={"process": process})).npv
        out.append({"level": level, "maturity_index": m.index, "realisation": m.realisation,
                    "ramp_months": m.ramp_months, "npv": npv})
    return out
