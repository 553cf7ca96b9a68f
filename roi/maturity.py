"""Process maturity: how much of the theoretical benefit is realised, and how fast it ramps.

The rule (an assumption of this tool, stated to the user on the Process page):

* maturity index ``m = mean((score - 1) / 4)`` over the four process scores, so 0 at all-1 and
  1 at all-5;
* realised share of the theoretical uplift ``= floor + (1 - floor) * m`` (``floor`` defaults to
  0.5: an ad-hoc organisation realises half of what a leading one does);
* months from launch to full effect ``= slowest - (slowest - fastest) * m`` (12 → 3 by default),
  with the effect rising linearly over those months.
"""

from __future__ import annotations

from dataclasses import dataclass

from .schema import Process

SCORE_FIELDS = ("alignment", "test_and_learn", "feedback_loop", "governance")


@dataclass(frozen=True)
class Maturity:
    index: float  # 0 (all scores 1) … 1 (all scores 5)
    realisation: float  # fraction 0–1 of the theoretical uplift that is realised
    ramp_months: float  # months from launch to full effect


def maturity_index(process: Process) -> float:
    """Mean of the four scores rescaled from 1–5 to 0–1."""
    return sum((getattr(process, f) - 1) / 4 for f in SCORE_FIELDS) / len(SCORE_FIELDS)


def at_index(process: Process, index: float) -> Maturity:
    """The rule in the module docstring at a given maturity index (0–1), with the process's ends."""
    return Maturity(
        index=index,
        realisation=process.realisation_floor + (1 - process.realisation_floor) * index,
        ramp_months=process.ramp_months_slowest
        - (process.ramp_months_slowest - process.ramp_months_fastest) * index,
    )


def assess(process: Process) -> Maturity:
    """Apply the maturity rule in the module docstring to the process's own scores."""
    return at_index(process, maturity_index(process))
