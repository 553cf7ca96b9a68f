"""The business-case model, vectorised over draws: build inputs, compute flows, adjust for risk.

* :mod:`roi.engine.build` — a scenario as fixed :class:`Structure` and per-draw :class:`Inputs`;
* :mod:`roi.engine.timing` — when each initiative acts (launch, ramp, decay, realisation);
* :mod:`roi.engine.flows` — per-initiative yearly flows, overlap and lever interaction, risk
  adjustment and PVs (what ``roi.evaluate`` reports);
* :mod:`roi.engine.programme` — the same programme totals for many draws at once, before risk
  adjustment (the uncertainty analyses' fast path).
"""

from .build import COST_SAVING, LEVERS, RETENTION, Inputs, Structure, build, content_cost_per_year
from .flows import (
    Flows,
    RiskAdjusted,
    adjust_benefit,
    beyond_horizon_factor,
    beyond_horizon_pv,
    compute,
    discount_factors,
    initiative_npv,
    initiative_pv,
    programme_npv,
    risk_adjust,
)
from .programme import ProgrammeCash, programme_cash
from .timing import effect_integral, timing

__all__ = [
    "COST_SAVING",
    "LEVERS",
    "RETENTION",
    "Flows",
    "Inputs",
    "ProgrammeCash",
    "RiskAdjusted",
    "Structure",
    "adjust_benefit",
    "beyond_horizon_factor",
    "beyond_horizon_pv",
    "build",
    "compute",
    "content_cost_per_year",
    "discount_factors",
    "effect_integral",
    "initiative_npv",
    "initiative_pv",
    "programme_cash",
    "programme_npv",
    "risk_adjust",
    "timing",
]
