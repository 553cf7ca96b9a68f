"""Uncertainty and the cost of waiting: ranges, sensitivity, Monte Carlo, breakeven, delay.

Everything here runs on the vectorised engine (:mod:`roi.engine`): a variant of the scenario is
one *draw* of the drivers, and many variants are evaluated in one engine call. No Streamlit.

* :func:`cases` — pessimistic / base / optimistic business cases;
* :func:`tornado` — NPV (and ROI) swing per driver, sorted;
* :func:`grid` — NPV over two drivers, with the NPV = 0 contour;
* :func:`simulate` — Monte Carlo (PERT or triangular), P10/P50/P90, P(NPV < 0), variance shares;
* :func:`breakeven` — uplift and cost at which NPV = 0;
* :func:`delay_curve` — NPV by start month and NPV forgone per month of delay.
"""

from .breakeven import PROGRAMME, Breakeven, breakeven
from .delay import DelayCurve, delay_curve
from .drivers import Driver, Ranges, drivers, grid_drivers
from .montecarlo import DEFAULT_DRAWS, DISTRIBUTIONS, Contribution, Simulation, simulate
from .sensitivity import Cases, Grid, Tornado, TornadoRow, cases, grid, tornado

__all__ = [
    "DEFAULT_DRAWS",
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
    "cases",
    "delay_curve",
    "drivers",
    "grid",
    "grid_drivers",
    "simulate",
    "tornado",
]
