"""Drivers: the inputs the uncertainty analyses move, with their low / base / high values.

A driver is one number per draw that perturbs the engine's inputs. Each initiative's uplift has
the range the scenario states (``uplift.low/base/high``). The other drivers are given as single
values in a scenario, so this module assumes a range for them — documented defaults in
:class:`Ranges`, which the user can change (or set to zero with :meth:`Ranges.none` to use only
the stated ranges):

============== ================================================= ====================
driver          moves                                             default range
============== ================================================= ====================
costs           every cost (initiatives and programme) × m        m = 0.8 … 1.2
reach           each initiative's channel reach × m (≤ 1)         m = 0.8 … 1.2
conversion      baseline conversion of every segment × m (≤ 1)    m = 0.9 … 1.1
order_value     average order value of every segment × m          m = 0.9 … 1.1
maturity        all four process maturity scores + δ (1 … 5)      δ = −1 … +1 point
ramp            months from launch to full effect × m             m = 0.5 … 1.5
discount_rate   the discount rate (fraction per year)             base ± 0.02
============== ================================================= ====================

``uplift_scale`` (every uplift × m, 0.5 … 1.5) is offered for the two-way grid only: in the
tornado and the Monte Carlo the individual uplifts already move.

The analyses run on the model *before* the TEI risk adjustment: the ranges are the risk, so the
haircut is not stacked under them (there is no "risk" driver any more). The headline stays the
risk-adjusted NPV, and :mod:`roi.uncertainty.montecarlo` says where it sits in the distribution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from ..engine import Inputs
from ..maturity import SCORE_FIELDS
from ..schema import UPLIFT_MAX, UPLIFT_MIN, Scenario

# Order in which drivers are applied: uplifts are set before they are scaled, and maturity sets the
# ramp before the ramp driver scales it.
KINDS = ("uplift", "uplift_scale", "costs", "reach", "conversion", "order_value", "maturity", "ramp", "discount_rate")


@dataclass(frozen=True)
class Driver:
    """One uncertain input, in its own unit (``unit``), with low ≤ base ≤ high."""

    key: str  # stable identifier: "uplift:<initiative>", "costs", "reach", …
    label: str  # for people
    kind: str  # one of KINDS
    low: float
    base: float
    high: float
    unit: str  # "uplift" (fraction), "multiplier", "rate" (fraction per year), "points" (maturity)
    lower_bound: float  # smallest meaningful value (grids stop here)
    upper_bound: float  # largest meaningful value
    index: int = -1  # initiative index for uplift drivers
    params: tuple[float, ...] = ()  # maturity: the four scores, realisation floor, slowest and fastest ramp

    @property
    def width(self) -> float:
        """``high − low``; zero means the driver does not vary."""
        return self.high - self.low

    def grid(self, n: int = 21) -> np.ndarray:
        """``n`` values from ``low − (base − low)`` to ``high + (high − base)`` (twice the range,
        clipped to the bounds), for two-way sensitivity grids. A zero-width driver gets the
        single value ``base`` repeated."""
        lo = max(self.low - (self.base - self.low), self.lower_bound)
        hi = min(self.high + (self.high - self.base), self.upper_bound)
        return np.linspace(lo, hi, n)


@dataclass(frozen=True)
class Ranges:
    """Assumed ± ranges for the drivers a scenario gives as single values.

    Multipliers are fractions (0.2 → × 0.8 … × 1.2); ``discount_rate`` is an absolute shift
    (0.02 → rate ± 2 points); ``maturity`` is in score points (1 → every score ± 1, within 1–5).
    Defaults are this tool's assumptions, shown to the user as such.
    """

    costs: float = 0.20
    reach: float = 0.20
    conversion: float = 0.10
    order_value: float = 0.10
    ramp: float = 0.50
    discount_rate: float = 0.02
    maturity: float = 1.0

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            top = 4.0 if f.name == "maturity" else 1.0
            if not (0 <= v <= top):
                raise ValueError(f"ranges.{f.name}: must be between 0 and {top:g} (got {v!r})")

    @classmethod
    def none(cls) -> "Ranges":
        """No assumed ranges: only the ranges stated in the scenario (uplifts) vary."""
        return cls(**{f.name: 0.0 for f in fields(cls)})


def uplift_drivers(scenario: Scenario) -> list[Driver]:
    """One driver per initiative: its uplift low / base / high as stated in the scenario."""
    return [
        Driver(
            key=f"uplift:{ini.name}",
            label=f"Uplift: {ini.name}",
            kind="uplift",
            low=ini.uplift.low,
            base=ini.uplift.base,
            high=ini.uplift.high,
            unit="uplift",
            lower_bound=UPLIFT_MIN,
            upper_bound=UPLIFT_MAX,
            index=j,
        )
        for j, ini in enumerate(scenario.initiatives)
    ]


def _multiplier(key: str, label: str, r: float) -> Driver:
    return Driver(key, label, key, 1 - r, 1.0, 1 + r, "multiplier", 0.0, 10.0)


def maturity_driver(scenario: Scenario, points: float) -> Driver:
    """Every process maturity score shifted by −points … +points (each kept within 1–5)."""
    p = scenario.process
    params = tuple(float(getattr(p, f)) for f in SCORE_FIELDS) + (
        p.realisation_floor, p.ramp_months_slowest, p.ramp_months_fastest)
    return Driver("maturity", "Process maturity (every score, ± points)", "maturity", -points, 0.0, points,
                  "points", -4.0, 4.0, params=params)


def maturity_at(d: Driver, shift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(realisation, ramp months)`` with every score of ``d.params`` shifted by ``shift`` points
    (the rule of :mod:`roi.maturity`, vectorised)."""
    scores = np.asarray(d.params[:4])[:, None]
    floor, slowest, fastest = d.params[4:]
    index = ((np.clip(scores + shift[None, :], 1.0, 5.0) - 1.0) / 4.0).mean(axis=0)
    return floor + (1 - floor) * index, slowest - (slowest - fastest) * index


def drivers(scenario: Scenario, ranges: Ranges | None = None) -> list[Driver]:
    """The tornado / Monte Carlo drivers: each initiative's uplift, then the assumed ranges."""
    r = Ranges() if ranges is None else ranges
    rate = scenario.settings.discount_rate
    return uplift_drivers(scenario) + [
        _multiplier("costs", "Costs (all, × multiplier)", r.costs),
        _multiplier("reach", "Reach (channel reach, × multiplier)", r.reach),
        _multiplier("conversion", "Baseline conversion (× multiplier)", r.conversion),
        _multiplier("order_value", "Average order value (× multiplier)", r.order_value),
        maturity_driver(scenario, r.maturity),
        _multiplier("ramp", "Ramp time to full effect (× multiplier)", r.ramp),
        Driver(
            "discount_rate",
            "Discount rate",
            "discount_rate",
            max(rate - r.discount_rate, 0.0),
            rate,
            min(rate + r.discount_rate, 1.0),
            "rate",
            0.0,
            1.0,
        ),
    ]


def grid_drivers(scenario: Scenario, ranges: Ranges | None = None) -> list[Driver]:
    """Drivers offered in the two-way grid: ``uplift_scale`` (all uplifts × m) first, then
    :func:`drivers`."""
    scale = Driver("uplift_scale", "Uplift (all initiatives, × multiplier)", "uplift_scale", 0.5, 1.0, 1.5, "multiplier", 0.0, 10.0)
    return [scale] + drivers(scenario, ranges)


def base_values(ds: Sequence[Driver]) -> np.ndarray:
    """``[K]`` base value of each driver."""
    return np.array([d.base for d in ds], dtype=float)


def apply(x: Inputs, ds: Sequence[Driver], values: np.ndarray, *, skip_base: bool = True) -> Inputs:
    """Engine inputs for ``n`` draws of the drivers: ``values`` is ``[n,K]``.

    ``x`` is the one-draw base case from :func:`roi.engine.build`. Arrays no driver moves keep a
    draw axis of length 1 (the engine's fast path broadcasts them); a column equal to the
    driver's base everywhere is skipped (``skip_base``), so the base case is reproduced exactly.

    Notes
    -----
    ``uplift_j = v``; then ``uplift × v`` (uplift_scale); costs (one-time, effort, running,
    content, variable, programme) ``× v``; ``reach = min(reach × v, 1)``;
    ``conversion = min(conv × v, 1)``; ``order value × v``; maturity: realisation and ramp from
    the scores + v (:func:`maturity_at`); ``ramp months × v``; ``discount rate = v``.
    """
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    if values.ndim != 2 or values.shape[1] != len(ds):
        raise ValueError(f"values: expected shape (n, {len(ds)}), got {values.shape}")
    order = sorted(range(len(ds)), key=lambda k: KINDS.index(ds[k].kind))
    ch: dict[str, np.ndarray] = {}

    def get(name: str) -> np.ndarray:
        return ch[name] if name in ch else getattr(x, name)

    moved = [k for k in order if not (skip_base and np.all(values[:, k] == ds[k].base))]  # identities
    set_uplift = [k for k in moved if ds[k].kind == "uplift"]
    if set_uplift:
        u = np.array(np.broadcast_to(x.uplift, (n, x.uplift.shape[1])))
        u[:, [ds[k].index for k in set_uplift]] = values[:, set_uplift]
        ch["uplift"] = u
    for k in moved:
        d, v = ds[k], values[:, k]
        if d.kind == "uplift":
            continue  # done above, all at once
        elif d.kind == "uplift_scale":
            ch["uplift"] = get("uplift") * v[:, None]
        elif d.kind == "costs":
            for name in ("one_time_cost", "effort_cost", "running_cost", "content_cost", "variable_cost"):
                ch[name] = get(name) * v[:, None]
            for name in ("programme_one_time", "programme_annual"):
                ch[name] = get(name) * v
        elif d.kind == "reach":
            ch["channel_reach"] = np.clip(get("channel_reach") * v[:, None], 0.0, 1.0)
        elif d.kind == "conversion":
            ch["conversion"] = np.clip(get("conversion") * v[:, None], 0.0, 1.0)
        elif d.kind == "order_value":
            ch["order_value"] = get("order_value") * v[:, None]
        elif d.kind == "maturity":
            ch["realisation"], ch["ramp_months"] = maturity_at(d, v)
        elif d.kind == "ramp":
            ch["ramp_months"] = np.maximum(get("ramp_months") * v, 0.0)
        elif d.kind == "discount_rate":
            ch["discount_rate"] = np.clip(v, 0.0, 1.0)
        else:  # pragma: no cover - KINDS is closed
            raise ValueError(f"driver kind: unknown {d.kind!r}")
    return x.with_(**ch)


def by_key(ds: Sequence[Driver], key: str) -> Driver:
    """The driver named ``key``; ``ValueError`` naming the allowed keys otherwise."""
    for d in ds:
        if d.key == key:
            return d
    raise ValueError(f"driver: unknown {key!r} (allowed: {', '.join(d.key for d in ds)})")
