"""Uncertainty and the cost of waiting: ranges, sensitivity, Monte Carlo, breakeven, delay.

Everything here runs on the vectorised engine (:mod:`roi.engine`): a variant of the scenario is
one *draw* of the drivers, and many variants are evaluated in one engine call. No Streamlit.

* :func:`cases` — pessimistic / base / optimistic business cases;
* :func:`tornado` — NPV (and ROI) swing per driver, sorted;
* :func:`grid` — NPV over two drivers, with the NPV = 0 contour;
* :func:`simulate` — Monte Carlo (PERT or triangular), P10/P50/P90, P(NPV < 0), variance shares;
* :func:`breakeven` — uplift and cost at which NPV = 0 (:func:`breakeven_table`: as the page shows it);
* :func:`delay_curve` — NPV by start month and NPV forgone per month of delay.
"""

from typing import Any

from .defaults import DEFAULT_DISTRIBUTION, DEFAULT_DRAWS, DEFAULT_SEED, DISTRIBUTIONS

# name → submodule, loaded on first use so the CLI's argument parser stays light. No submodule
# may share a name it exports: importing a submodule binds its name on this package, which
# would hide the function (tests/test_uncertainty_engine.py checks every name).
_WHERE = {
    "PROGRAMME": "thresholds", "Breakeven": "thresholds", "breakeven": "thresholds",
    "breakeven_table": "thresholds",
    "DelayCurve": "roi.delay", "delay_curve": "roi.delay",  # cost of delay lives in roi.delay
    "Driver": "ranges", "Ranges": "ranges", "drivers": "ranges", "grid_drivers": "ranges",
    "Contribution": "montecarlo", "Simulation": "montecarlo", "simulate": "montecarlo",
    "Cases": "sensitivity", "Grid": "sensitivity", "Tornado": "sensitivity", "TornadoRow": "sensitivity",
    "cases": "sensitivity", "grid": "sensitivity", "tornado": "sensitivity",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        where = _WHERE[name]
        return getattr(importlib.import_module(where if "." in where else f"{__name__}.{where}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_DISTRIBUTION",
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "DISTRIBUTIONS",
    "PROGRAMME",
    "Breakeven",
    "Cases",
    "Contribution",
    "DelayCurve",
    "Driver",
    "Grid",
    "Ranges",
    "Simulation",
    "Tornado",
    "TornadoRow",
    "breakeven",
    "breakeven_table",
    "cases",
    "delay_curve",
    "drivers",
    "grid",
    "grid_drivers",
    "simulate",
    "tornado",
]
