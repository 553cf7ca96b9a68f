"""The cost of not doing it: NPV forgone when initiatives start later.

Delaying an initiative by *m* months moves its launch (and with it its benefits, running and
campaign costs) *m* months later; its one-time cost stays at year 0 and the horizon stays
fixed, so benefit that would have fallen inside the horizon is lost. The one-time cost stays
put on purpose: the question is what a decision taken now loses by starting later, so cost of
delay is the net run-rate benefit forgone — positive even for an initiative whose NPV is
negative over a short horizon (its build cost is what sinks it, not its running).
"""

from __future__ import annotations

import numpy as np

from . import engine
from .schema import Scenario


def npv_by_start_delay(scenario: Scenario, delays_months: np.ndarray) -> np.ndarray:
    """Risk-adjusted initiative NPVs when every initiative starts ``delay`` months later.

    Returns ``[len(delays), J]`` in the scenario's currency; one engine call with one draw per
    delay (no Python loop over delays).
    """
    structure, x = engine.build(scenario)
    delays = np.asarray(delays_months, dtype=float)
    xs = x.tiled(len(delays))
    xs = xs.with_(launch_months=xs.launch_months + delays[:, None])
    return engine.initiative_npv(structure, xs)


def cost_of_delay_per_month(scenario: Scenario, months: float = 1.0) -> dict[str, float]:
    """NPV forgone per month of delay, per initiative (currency per month).

    Notes
    -----
    ``(NPV(start now) − NPV(start ``months`` later)) / months``. Non-negative for an
    initiative whose yearly net benefit is positive once it runs.
    """
    npvs = npv_by_start_delay(scenario, np.array([0.0, months]))
    lost = (npvs[0] - npvs[1]) / months
    return {ini.name: float(v) for ini, v in zip(scenario.initiatives, lost)}
