"""Personalization ROI: the business-case model behind the dashboard (no Streamlit here).

Typical use::

    import roi
    scenario = roi.load_scenario("data/european_retailer.json")
    case = roi.evaluate(scenario)
    case.npv, case.summary()
"""

from .io import ScenarioError, dumps_scenario, load_sample, load_scenario, loads_scenario, parse_scenario, sample_paths
from .model import BusinessCase, InitiativeCase, evaluate
from .schema import Scenario

__all__ = [
    "BusinessCase",
    "InitiativeCase",
    "Scenario",
    "ScenarioError",
    "dumps_scenario",
    "evaluate",
    "load_sample",
    "load_scenario",
    "loads_scenario",
    "parse_scenario",
    "sample_paths",
]
