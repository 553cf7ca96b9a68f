"""The business case: ``evaluate(scenario)`` → per-initiative and programme results.

All money is in the scenario's currency. Headline figures are risk-adjusted (benefits reduced,
costs raised, as set in the scenario) unless a name says ``unadjusted``. Totals are over the
whole horizon and undiscounted unless the name says ``npv`` or ``pv``.

Shared programme costs (team, platform) belong to the programme, not to any initiative:
programme NPV = Σ initiative NPV − PV(programme costs).

Each benefit carries its own risk adjustment, from the evidence behind its uplift (or the
initiative's override); costs carry the scenario's cost risk. The value beyond the horizon —
what extra retained customers still on the books at its end bring later — is always reported
and counted in NPV, PV of benefits, ROI and IRR only when the scenario says so (payback stays on
the cash inside the horizon).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import engine, finance
from .maturity import Maturity, assess
from .schema import EvidenceKind, Outcome, Scenario


@dataclass(frozen=True)
class InitiativeCase:
    """One component of the case. Yearly arrays run from year 0 to the horizon."""

    name: str
    outcome: str
    lever: str
    evidence: str
    reachable_customers: float
    revenue: np.ndarray  # incremental revenue per year, risk-adjusted
    benefit: np.ndarray  # incremental gross profit + savings per year, risk-adjusted
    cost: np.ndarray  # one-time + effort + running + content + variable campaign, risk-adjusted
    variable_cost: np.ndarray  # variable campaign cost per year, risk-adjusted
    incremental_revenue: float
    incremental_gross_profit: float  # includes cost savings of efficiency initiatives
    overlap_correction: float  # revenue removed because other initiatives pull the same lever
    total_cost: float
    variable_campaign_cost: float
    npv: float  # includes the value beyond the horizon when the scenario counts it
    roi: float | None
    payback_months: float | None
    revenue_per_campaign_dollar: float | None  # None when the initiative carries no campaign cost
    effort_fte_months: float
    months_to_launch: float
    benefit_risk: float  # the TEI risk adjustment of its benefits (fraction)
    lever_interaction: float  # revenue from the cross terms with other levers on its segments
    beyond_horizon_value: float  # PV at year 0 of its extra retained customers after the horizon
    requires_identity: bool

    @property
    def net(self) -> np.ndarray:
        return self.benefit - self.cost


# Per-initiative headline figures. Both orders are contracts — the keys of
# ``summary()["initiatives"]`` (``python -m roi summary --json``, relied on by scripts) and the
# columns of ``initiative_table()`` (CSV and workbook exports) — so names and order must not
# change; new figures are appended.
INITIATIVE_SUMMARY_KEYS: tuple[str, ...] = (
    "name", "outcome", "lever", "evidence", "incremental_revenue", "incremental_gross_profit",
    "overlap_correction", "total_cost", "variable_campaign_cost", "npv", "roi",
    "revenue_per_campaign_dollar", "effort_fte_months", "payback_months", "reachable_customers",
    "benefit_risk", "lever_interaction", "beyond_horizon_value", "requires_identity",
)
INITIATIVE_TABLE_COLUMNS: tuple[str, ...] = (
    "initiative", "outcome", "lever", "evidence", "reachable_customers", "incremental_revenue",
    "incremental_gross_profit", "overlap_correction", "total_cost", "variable_campaign_cost", "npv", "roi",
    "payback_months", "revenue_per_campaign_dollar", "effort_fte_months", "months_to_launch",
    "benefit_risk", "lever_interaction", "beyond_horizon_value", "requires_identity",
)
_ATTRIBUTE = {"initiative": "name"}  # output key → InitiativeCase attribute, where they differ


def _headline(case: InitiativeCase, keys: tuple[str, ...]) -> dict[str, Any]:
    """``{key: figure}`` of one initiative for ``keys``, in that order."""
    return {key: getattr(case, _ATTRIBUTE.get(key, key)) for key in keys}


@dataclass(frozen=True)
class BusinessCase:
    scenario: Scenario
    maturity: Maturity
    years: np.ndarray  # 0 … horizon
    initiatives: list[InitiativeCase]
    programme_cost: np.ndarray  # shared team and platform cost per year, risk-adjusted
    cash_flows: np.ndarray  # programme net cash flow per year, risk-adjusted (inside the horizon)
    npv: float
    irr: float | None
    irr_unique: bool  # False when several rates zero the NPV (the IRR quoted is ambiguous)
    roi: float | None
    payback_months: float | None
    pv_benefits: float  # includes the value beyond the horizon when it is counted
    pv_costs: float  # initiative and programme costs
    pv_programme_cost: float  # shared team and platform costs alone, risk-adjusted
    incremental_revenue: float
    incremental_gross_profit: float
    variable_campaign_cost: float
    revenue_per_campaign_dollar: float | None  # over initiatives that carry campaign cost
    overlap_correction: float
    unadjusted_npv: float
    benefits_by_outcome: dict[str, float] = field(default_factory=dict)
    revenue_without_campaign_cost: float = 0.0  # revenue of initiatives with no campaign cost
    lever_interaction: float = 0.0  # revenue from cross terms of levers on the same segments
    beyond_horizon_value: float = 0.0  # PV at year 0, risk-adjusted; in NPV only when counted
    include_beyond_horizon: bool = False
    effective_benefit_risk: float | None = None  # 1 − PV(risk-adjusted benefits) / PV(benefits)
    calibration_factor: float = 1.0

    @property
    def currency(self) -> str:
        return self.scenario.settings.currency

    @property
    def without_campaign_cost(self) -> list[str]:
        """Initiatives that carry no variable campaign cost: left out of revenue per campaign
        dollar, their revenue is :attr:`revenue_without_campaign_cost`."""
        return [i.name for i in self.initiatives if not i.variable_campaign_cost > 0]

    def initiative(self, name: str) -> InitiativeCase:
        """The initiative called ``name``; ``KeyError`` naming it when there is none."""
        for i in self.initiatives:
            if i.name == name:
                return i
        raise KeyError(f"initiative: no initiative named {name!r}")

    def cash_flow_table(self) -> pd.DataFrame:
        """Programme cash flow by year (rows: line items, columns: years 0 … horizon)."""
        rows = {
            "Incremental revenue": sum(i.revenue for i in self.initiatives),
            "Benefit (gross profit + savings)": sum(i.benefit for i in self.initiatives),
            "Initiative costs": -sum(i.cost for i in self.initiatives),
            "Programme costs (team, platform)": -self.programme_cost,
            "Net cash flow": self.cash_flows,
        }
        df = pd.DataFrame(rows, index=[f"Year {y}" for y in self.years]).T
        df["Total"] = df.sum(axis=1)
        return df

    def initiative_table(self) -> pd.DataFrame:
        """One row per initiative with its headline figures."""
        return pd.DataFrame([_headline(i, INITIATIVE_TABLE_COLUMNS) for i in self.initiatives])

    def summary(self) -> dict[str, Any]:
        """The JSON contract of ``python -m roi summary --json`` (keys are relied on by scripts)."""
        s = self.scenario.settings
        return {
            "scenario": s.name,
            "currency": s.currency,
            "horizon_years": s.horizon_years,
            "discount_rate": s.discount_rate,
            "risk_adjusted": True,
            "benefit_risk": self.effective_benefit_risk,
            "cost_risk": s.cost_risk,
            "cash_flows": [float(v) for v in self.cash_flows],
            "npv": self.npv,
            "unadjusted_npv": self.unadjusted_npv,
            "irr": self.irr,
            "irr_unique": self.irr_unique,
            "roi": self.roi,
            "payback_months": self.payback_months,
            "pv_benefits": self.pv_benefits,
            "pv_costs": self.pv_costs,
            "incremental_revenue": self.incremental_revenue,
            "incremental_gross_profit": self.incremental_gross_profit,
            "variable_campaign_cost": self.variable_campaign_cost,
            "revenue_per_campaign_dollar": self.revenue_per_campaign_dollar,
            "overlap_correction": self.overlap_correction,
            "benefits_by_outcome": self.benefits_by_outcome,
            "maturity": {
                "index": self.maturity.index,
                "realisation": self.maturity.realisation,
                "ramp_months": self.maturity.ramp_months,
            },
            "initiatives": [_headline(i, INITIATIVE_SUMMARY_KEYS) for i in self.initiatives],
            "schema_version": self.scenario.schema_version,
            "benefit_risk_by_evidence": {k.value: s.benefit_risk(k) for k in EvidenceKind},
            "revenue_without_campaign_cost": self.revenue_without_campaign_cost,
            "lever_interaction": self.lever_interaction,
            "beyond_horizon_value": self.beyond_horizon_value,
            "include_beyond_horizon": self.include_beyond_horizon,
            "retention_timing": s.retention_timing.value,
            "lever_combination": s.lever_combination.value,
            "uplift_correlation": s.uplift_correlation,
            "calibration_factor": self.calibration_factor,
        }


def evaluate(scenario: Scenario) -> BusinessCase:
    """Evaluate a validated scenario into a :class:`BusinessCase` (base-case uplifts)."""
    structure, x = engine.build(scenario)
    return evaluate_inputs(scenario, structure, x)


def evaluate_inputs(
    scenario: Scenario, structure: engine.Structure, x: engine.Inputs
) -> BusinessCase:
    """Evaluate one draw of engine inputs (used for what-if variants of a scenario)."""
    flows = engine.compute(structure, x)
    adj = engine.risk_adjust(flows, x)
    benefit, cost, programme, terminal = adj.benefit[0], adj.cost[0], adj.programme_cost[0], adj.terminal[0]
    rate = float(x.discount_rate[0])
    risk = x.benefit_risk[0][:, None]  # [J,1]
    cr = 1 + float(x.cost_risk[0])

    def adjusted(values: np.ndarray) -> np.ndarray:
        return engine.adjust_benefit(values, risk)

    revenue = adjusted(flows.revenue[0])
    mid = adjusted(flows.overlap_revenue[0])
    solo = adjusted(flows.standalone_revenue[0])
    variable = flows.variable_cost[0] * cr
    df = engine.discount_factors(x.discount_rate, structure.horizon)[0]
    horizon_df = float(df[-1])
    included = structure.include_beyond_horizon

    cases = []
    for j, ini in enumerate(scenario.initiatives):
        bhv = float(terminal[j]) * horizon_df
        net = benefit[j] - cost[j]
        pv_b = float(benefit[j] @ df) + (bhv if included else 0.0)
        pv_c = float(cost[j] @ df)
        total_rev, total_var = float(revenue[j].sum()), float(variable[j].sum())
        cases.append(InitiativeCase(
            name=ini.name,
            outcome=ini.outcome.value,
            lever=ini.lever.value,
            evidence=ini.evidence.kind.value,
            reachable_customers=float(flows.reachable_customers[0, j]),
            revenue=revenue[j],
            benefit=benefit[j],
            cost=cost[j],
            variable_cost=variable[j],
            incremental_revenue=total_rev,
            incremental_gross_profit=float(benefit[j].sum()),
            overlap_correction=float((solo[j] - mid[j]).sum()),
            total_cost=float(cost[j].sum()),
            variable_campaign_cost=total_var,
            npv=pv_b - pv_c,
            roi=finance.roi(pv_b, pv_c),
            payback_months=finance.payback_months(net),
            revenue_per_campaign_dollar=finance.ratio(total_rev, total_var) if total_var > 0 else None,
            effort_fte_months=ini.effort_fte_months,
            months_to_launch=ini.months_to_launch,
            benefit_risk=float(x.benefit_risk[0, j]),
            lever_interaction=float((revenue[j] - mid[j]).sum()),
            beyond_horizon_value=bhv,
            requires_identity=ini.requires_identity,
        ))

    cash = (benefit - cost).sum(axis=0) - programme
    bhv_total = sum(c.beyond_horizon_value for c in cases)
    counted = bhv_total if included else 0.0
    pv_b_operating = float(benefit.sum(axis=0) @ df)
    pv_b = pv_b_operating + counted
    pv_c = float((cost.sum(axis=0) + programme) @ df)
    irr_flows = cash.copy()
    irr_flows[-1] += counted / horizon_df  # the value beyond the horizon, as at its end
    unadj_cash = (flows.benefit[0] - flows.cost[0]).sum(axis=0) - flows.programme_cost[0]
    unadj_counted = float(flows.terminal[0].sum()) * horizon_df if included else 0.0
    unadj_pv_b = float(flows.benefit[0].sum(axis=0) @ df)
    with_campaign = np.array([c.variable_campaign_cost > 0 for c in cases], dtype=bool)
    rev_by = np.array([c.incremental_revenue for c in cases])
    total_var = float(variable.sum())
    by_outcome = {o.value: 0.0 for o in Outcome}
    for c in cases:
        by_outcome[c.outcome] += c.incremental_gross_profit
    return BusinessCase(
        scenario=scenario,
        maturity=assess(scenario.process),
        years=np.arange(structure.horizon + 1),
        initiatives=cases,
        programme_cost=programme,
        cash_flows=cash,
        npv=finance.npv(rate, cash) + counted,
        irr=finance.irr(irr_flows),
        irr_unique=finance.irr_is_unique(irr_flows),
        roi=finance.roi(pv_b, pv_c),
        payback_months=finance.payback_months(cash),
        pv_benefits=pv_b,
        pv_costs=pv_c,
        pv_programme_cost=float(programme @ df),
        incremental_revenue=float(revenue.sum()),
        incremental_gross_profit=float(benefit.sum()),
        variable_campaign_cost=total_var,
        revenue_per_campaign_dollar=finance.ratio(float(rev_by[with_campaign].sum()), total_var),
        overlap_correction=sum(c.overlap_correction for c in cases),
        unadjusted_npv=finance.npv(rate, unadj_cash) + unadj_counted,
        benefits_by_outcome=by_outcome,
        revenue_without_campaign_cost=float(rev_by[~with_campaign].sum()),
        lever_interaction=sum(c.lever_interaction for c in cases),
        beyond_horizon_value=bhv_total,
        include_beyond_horizon=included,
        effective_benefit_risk=1.0 - pv_b_operating / unadj_pv_b if unadj_pv_b > 0 else None,
        calibration_factor=float(x.calibration[0]),
    )
