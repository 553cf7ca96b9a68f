"""Personalization ROI: the business-case model behind the dashboard (no Streamlit here).

Typical use::

    import roi
    scenario = roi.load_scenario("data/european_retailer.json")
    case = roi.evaluate(scenario)
    case.npv, case.summary()
"""

from typing import TYPE_CHECKING, Any

from .io import ScenarioError, dumps_scenario, load_sample, load_scenario, loads_scenario, parse_scenario, sample_paths
from .schema import Scenario

if TYPE_CHECKING:  # pragma: no cover
    from .model import BusinessCase, InitiativeCase, evaluate

_LAZY = {"BusinessCase", "InitiativeCase", "evaluate"}  # the model needs numpy and pandas: load on use


def __getattr__(name: str) -> Any:
    # PEP 562: ``roi.evaluate`` imports the model the first time it is used, so commands that only
    # read and check a file (``python -m roi validate``) start without numpy and pandas.
    if name in _LAZY:
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module 'roi' has no attribute {name!r}")

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
