"""Altair charts of the business case, the plan and the process, shared by the pages and the brief.

Every builder is a pure function of a :class:`~roi.model.BusinessCase` or a DataFrame and returns
an ``alt.Chart`` (or layer) whose title and axis titles carry units; colours come from
:mod:`roi.palette`. By subject: :mod:`.case`, :mod:`.plan`, :mod:`.process`; shared pieces in
:mod:`.text`. Charts of other subjects live with them (``roi.uncertainty.charts``,
``roi.experiments.charts``, ``roi.compare.charts``, ``roi.baselines.charts``). No Streamlit here.
"""

from ..palette import BENEFIT, COST, OKABE_ITO, OUTCOME_COLOURS, OUTCOME_LABELS, PALETTE, QUADRANT_COLOURS, TOTAL
from .case import (
    WATERFALL_KINDS,
    benefits_by_outcome,
    benefits_by_outcome_frame,
    cash_flow,
    cash_flow_frame,
    revenue_per_campaign_dollar,
    waterfall,
    waterfall_frame,
)
from .plan import MATRIX_HEIGHT, MATRIX_MIN_WIDTH, impact_effort, place_labels, plan_cumulative, plan_gantt
from .process import maturity_curve
from .text import MULTILINE_LABELS, money_axis, money_texts, wrap_label

__all__ = [
    "BENEFIT", "COST", "MATRIX_HEIGHT", "MATRIX_MIN_WIDTH", "MULTILINE_LABELS", "OKABE_ITO", "OUTCOME_COLOURS",
    "OUTCOME_LABELS", "PALETTE", "QUADRANT_COLOURS", "TOTAL", "WATERFALL_KINDS", "benefits_by_outcome",
    "benefits_by_outcome_frame", "cash_flow", "cash_flow_frame", "impact_effort", "maturity_curve",
    "money_axis", "money_texts", "place_labels", "plan_cumulative", "plan_gantt", "revenue_per_campaign_dollar",
    "waterfall", "waterfall_frame", "wrap_label",
]
