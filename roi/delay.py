"""The cost of not doing it: NPV forgone per month of waiting, and NPV against start month.

Delaying an initiative by *m* months moves its launch (and with it its benefits, running and
campaign costs) *m* months later; its one-time cost stays at year 0 and the horizon stays
fixed, so benefit that would have fallen inside the horizon is lost. The one-time cost stays
put on purpose: the question is what a decision taken now loses by starting later, so cost of
delay is the net run-rate benefit forgone — positive even for an initiative whose NPV is
negative over a short horizon (its build cost is what sinks it, not its running). Shared
programme costs (team, platform) are committed and do not move, so the programme's NPV falls by
the sum of its initiatives' losses. Used by the plan, the Prioritization and Risk pages, the
CLI's ``delay`` command and the exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import engine
from .engine.chunks import by_chunks, chunk_draws
from .uncertainty.defaults import MAX_DELAY_MONTHS
from .model import evaluate
from .schema import Scenario

DEFAULT_MONTHS = np.arange(0, 25, dtype=float)  # start now … two years later


def npv_by_start_delay(scenario: Scenario, delays_months: np.ndarray) -> np.ndarray:
    """Risk-adjusted initiative NPVs when every initiative starts ``delay`` months later.

    Returns ``[len(delays), J]`` in the scenario's currency; one draw per delay, evaluated a
    memory-bounded chunk of delays at a time (:mod:`roi.engine.chunks`).
    """
    structure, x = engine.build(scenario)
    delays = np.asarray(delays_months, dtype=float)

    def part(start: int, stop: int) -> np.ndarray:
        xs = x.tiled(stop - start)
        return engine.initiative_npv(structure, xs.with_(launch_months=xs.launch_months + delays[start:stop, None]))

    return by_chunks(len(delays), chunk_draws(structure), part)


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


@dataclass(frozen=True)
class DelayCurve:
    """NPV by start delay. Money in the scenario's currency; months from today."""

    months: np.ndarray  # [M] delay of the start, months
    names: list[str]  # initiative names
    initiative_npv: np.ndarray  # [M,J] risk-adjusted NPV of each initiative
    programme_npv: np.ndarray  # [M] Σ initiatives − PV(programme costs)
    cost_per_month: dict[str, float]  # NPV forgone by the first month of delay, per initiative
    programme_cost_per_month: float  # Σ of the above

    def summary(self) -> dict[str, Any]:
        return {
            "programme_cost_per_month": self.programme_cost_per_month,
            "initiatives": [{"name": n, "cost_per_month": v} for n, v in self.cost_per_month.items()],
            "months": [float(m) for m in self.months],
            "programme_npv": [float(v) for v in self.programme_npv],
        }


def delay_curve(scenario: Scenario, months: np.ndarray | None = None) -> DelayCurve:
    """NPV of every initiative and of the programme when the start moves ``months`` later.

    Notes
    -----
    ``programme NPV(m) = Σ_j NPV_j(m) − PV(programme costs)``; cost of delay per month
    ``= (NPV(0) − NPV(1)) / 1`` (:func:`roi.delay.cost_of_delay_per_month`). One engine call
    with one draw per delay.
    """
    m = DEFAULT_MONTHS if months is None else np.asarray(months, dtype=float)
    if m.ndim != 1 or m.size == 0 or not ((m >= 0) & (m <= MAX_DELAY_MONTHS)).all():
        raise ValueError(f"months: must be a non-empty list of delays from 0 to {MAX_DELAY_MONTHS} months")
    if m.size > MAX_DELAY_MONTHS + 1:
        raise ValueError(f"months: at most {MAX_DELAY_MONTHS + 1} delays (every month from 0 to {MAX_DELAY_MONTHS})")
    ini = npv_by_start_delay(scenario, m)
    per_month = cost_of_delay_per_month(scenario)
    return DelayCurve(
        months=m,
        names=[i.name for i in scenario.initiatives],
        initiative_npv=ini,
        programme_npv=ini.sum(axis=1) - evaluate(scenario).pv_programme_cost,
        cost_per_month=per_month,
        programme_cost_per_month=float(sum(per_month.values())),
    )
