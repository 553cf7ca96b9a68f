"""Altair charts of the business case, the plan and the process, shared by the pages and the brief.

Every builder is a pure function of a :class:`~roi.model.BusinessCase` or a DataFrame and returns
an ``alt.Chart`` (or layer) whose title and axis titles carry units; colours come from
:mod:`roi.palette`. By subject: :mod:`.case`, :mod:`.plan`, :mod:`.process`; shared pieces in
:mod:`.text`. Charts of other subjects live with them (``roi.uncertainty.charts``,
``roi.experiments.charts``, ``roi.compare.charts``, ``roi.baselines.charts``). No Streamlit here.
"""

import altair as alt

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

# Altair's debug mode (on by default) validates every mark, axis and scale object against the
# Vega-Lite schema as it is made, so that a mistake points at the line that made it: 3–5 ms a
# chart, a third of making one and ~20 ms of every Risk page rerun, on every page of a server
# whose one GIL all users share. The whole spec is still validated where it matters: by
# ``to_dict()`` (validate by default; the exports' renders) and by ``tests/test_charts.py`` for
# every chart the pages and exports draw. Every chart module imports this package first.
alt.utils.schemapi.disable_debug_mode()

__all__ = [
    "BENEFIT", "COST", "MATRIX_HEIGHT", "MATRIX_MIN_WIDTH", "MULTILINE_LABELS", "OKABE_ITO", "OUTCOME_COLOURS",
    "OUTCOME_LABELS", "PALETTE", "QUADRANT_COLOURS", "TOTAL", "WATERFALL_KINDS", "benefits_by_outcome",
    "benefits_by_outcome_frame", "cash_flow", "cash_flow_frame", "impact_effort", "maturity_curve",
    "money_axis", "money_texts", "place_labels", "plan_cumulative", "plan_gantt", "revenue_per_campaign_dollar",
    "waterfall", "waterfall_frame", "wrap_label",
]
