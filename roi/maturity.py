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
from typing import TYPE_CHECKING

from .schema import Process

if TYPE_CHECKING:
    import pandas as pd

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


def curve(process: Process, points: int = 21) -> list[Maturity]:
    """The rule at ``points`` evenly spaced indices from 0 to 1, then at the process's own index
    (last): what the Process page draws, the current organisation marked."""
    return [at_index(process, k / (points - 1)) for k in range(points)] + [assess(process)]


def curve_frame(process: Process, points: int = 21) -> "pd.DataFrame":
    """:func:`curve` as a table: ``maturity_index``, ``realisation`` (0–1), ``ramp_months`` and
    ``current`` (true on the last row only) — the input of :func:`roi.charts.maturity_curve`."""
    import pandas as pd  # the model's hot path imports this module; only the page needs pandas

    rows = curve(process, points)
    return pd.DataFrame({
        "maturity_index": [c.index for c in rows],
        "realisation": [c.realisation for c in rows],
        "ramp_months": [c.ramp_months for c in rows],
        "current": [False] * (len(rows) - 1) + [True],
    })
