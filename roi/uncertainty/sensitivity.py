"""One-way and two-way sensitivity, and the pessimistic / base / optimistic cases.

All three evaluate many variants of the scenario in one engine call: each variant is one
"draw" of the drivers (:func:`roi.uncertainty.ranges.apply`). Like the Monte Carlo they run on
the model *before* the TEI risk adjustment: the ranges are the risk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .. import engine
from ..engine.chunks import by_chunks, chunk_draws
from ..model import BusinessCase, evaluate_inputs
from ..schema import Scenario
from .ranges import Driver, Ranges, apply, base_values, by_key, drivers, grid_drivers
from .metrics import Outcomes, outcomes

Metric = Literal["npv", "roi"]


def _evaluate(scenario: Scenario, ds: list[Driver], values: np.ndarray) -> Outcomes:
    """Programme outcomes (before risk adjustment) of each row of driver ``values`` ``[n,K]``,
    evaluated a memory-bounded chunk of rows at a time (:mod:`roi.engine.chunks`)."""
    structure, x = engine.build(scenario)

    def part(start: int, stop: int) -> tuple[np.ndarray, ...]:
        xs = apply(x, ds, values[start:stop])
        cash = engine.programme_cash(structure, xs)
        n = stop - start
        b = np.broadcast_to(cash.benefit, (n, cash.benefit.shape[1]))
        c = np.broadcast_to(cash.cost, (n, cash.cost.shape[1]))
        terminal = np.broadcast_to(cash.terminal, (n,)) if structure.include_beyond_horizon else None
        o = outcomes(b, c, np.broadcast_to(xs.discount_rate, (n,)), terminal)
        return o.npv, o.roi, o.payback_months, o.pv_benefits, o.pv_costs

    return Outcomes(*by_chunks(values.shape[0], chunk_draws(structure), part))


def _none(v: float) -> float | None:
    return None if math.isnan(v) else float(v)


@dataclass(frozen=True)
class TornadoRow:
    """One driver moved from its low to its high value, every other driver at base."""

    driver: str  # Driver.key
    label: str
    unit: str
    value_low: float
    value_base: float
    value_high: float
    npv_low: float  # programme NPV with the driver at its low value (currency)
    npv_high: float
    swing: float  # |npv_high − npv_low| (currency), ≥ 0
    roi_low: float | None  # programme ROI (fraction), None when undefined (no cost)
    roi_high: float | None
    roi_swing: float | None  # |roi_high − roi_low|

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Tornado:
    base_npv: float
    base_roi: float | None
    metric: str  # what the rows are sorted by: "npv" or "roi"
    rows: list[TornadoRow]  # largest swing first


def tornado(scenario: Scenario, ranges: Ranges | None = None, metric: Metric = "npv") -> Tornado:
    """Swing of programme NPV and ROI per driver (low → high, others at base), sorted by the
    swing of ``metric``, largest first; undefined ROI swings sort last.

    Notes
    -----
    ``swing = |metric(driver at high) − metric(driver at low)|``; one engine call with
    ``1 + 2K`` draws (the base case, then each driver at low and at high).
    """
    if metric not in ("npv", "roi"):
        raise ValueError(f"metric: must be one of npv, roi (got {metric!r})")
    ds = drivers(scenario, ranges)
    K = len(ds)
    values = np.tile(base_values(ds), (1 + 2 * K, 1))
    for k, d in enumerate(ds):
        values[1 + 2 * k, k] = d.low
        values[2 + 2 * k, k] = d.high
    o = _evaluate(scenario, ds, values)
    rows = []
    for k, d in enumerate(ds):
        lo, hi = 1 + 2 * k, 2 + 2 * k
        roi_lo, roi_hi = _none(o.roi[lo]), _none(o.roi[hi])
        rows.append(
            TornadoRow(
                driver=d.key,
                label=d.label,
                unit=d.unit,
                value_low=d.low,
                value_base=d.base,
                value_high=d.high,
                npv_low=float(o.npv[lo]),
                npv_high=float(o.npv[hi]),
                swing=abs(float(o.npv[hi] - o.npv[lo])),
                roi_low=roi_lo,
                roi_high=roi_hi,
                roi_swing=None if roi_lo is None or roi_hi is None else abs(roi_hi - roi_lo),
            )
        )

    def key(r: TornadoRow) -> tuple[int, float]:
        s = r.swing if metric == "npv" else r.roi_swing
        return (s is None, -(s or 0.0))

    rows.sort(key=key)
    return Tornado(float(o.npv[0]), _none(o.roi[0]), metric, rows)


@dataclass(frozen=True)
class Cases:
    """Pessimistic, base and optimistic business cases (before risk adjustment), and the driver
    values behind them."""

    pessimistic: BusinessCase
    base: BusinessCase
    optimistic: BusinessCase
    drivers: list[Driver]
    pessimistic_values: np.ndarray  # [K] value of each driver in the pessimistic case
    optimistic_values: np.ndarray  # [K]

    def summary(self) -> list[dict[str, Any]]:
        return [
            {"case": name, "npv": c.npv, "roi": c.roi, "payback_months": c.payback_months, "irr": c.irr}
            for name, c in (("pessimistic", self.pessimistic), ("base", self.base), ("optimistic", self.optimistic))
        ]


def cases(scenario: Scenario, ranges: Ranges | None = None) -> Cases:
    """Every driver with a range at its worse end (pessimistic) or better end (optimistic).

    Notes
    -----
    "Worse" is the end of the driver's range that gives the lower programme NPV when it moves
    alone (from :func:`tornado`); for the usual case that is low uplift, reach, conversion and
    order value and maturity, and high costs, ramp time and discount rate. Ties keep the low end
    for the pessimistic case. The cases combine all drivers at once, so they are deliberately
    extreme — the Monte Carlo says how likely values in between are. Each is a whole business
    case with no risk adjustment (benefit and cost risk 0): the ranges are the risk.
    """
    ds = drivers(scenario, ranges)
    t = {r.driver: r for r in tornado(scenario, ranges).rows}
    low, high = np.array([d.low for d in ds]), np.array([d.high for d in ds])
    high_better = np.array([t[d.key].npv_high > t[d.key].npv_low for d in ds])
    pess = np.where(high_better, low, high)
    opt = np.where(high_better, high, low)
    structure, x = engine.build(scenario)
    x = x.with_(benefit_risk=np.zeros_like(x.benefit_risk), cost_risk=np.zeros_like(x.cost_risk))
    xs = apply(x, ds, np.stack([pess, base_values(ds), opt]), skip_base=False).tiled()
    p, b, o = (evaluate_inputs(scenario, structure, xs.draw(k)) for k in range(3))
    return Cases(p, b, o, ds, pess, opt)


@dataclass(frozen=True)
class Grid:
    """Programme NPV over a grid of two drivers (every other driver at base)."""

    x: Driver
    y: Driver
    x_values: np.ndarray  # [nx]
    y_values: np.ndarray  # [ny]
    npv: np.ndarray  # [ny,nx] currency
    base_npv: float

    def zero_contour(self) -> np.ndarray:
        """Segments ``[n,4]`` (x0, y0, x1, y1) of the NPV = 0 line, by marching squares.

        Notes
        -----
        Along each cell edge whose ends have opposite signs (``NPV ≥ 0`` vs ``< 0``) the crossing
        is interpolated linearly; a cell with two crossings gives one segment, a saddle (four)
        gives two, paired by the sign of the cell's mean. Empty when NPV never changes sign.
        """
        z, xs, ys = self.npv, self.x_values, self.y_values
        segs: list[tuple[float, float, float, float]] = []
        pos = z >= 0

        def cross(i0: int, j0: int, i1: int, j1: int) -> tuple[float, float]:
            a, b = z[i0, j0], z[i1, j1]
            t = a / (a - b) if a != b else 0.5
            return (xs[j0] + t * (xs[j1] - xs[j0]), ys[i0] + t * (ys[i1] - ys[i0]))

        # only the cells whose corners differ in sign hold a piece of the line (row by row, as a
        # loop over every cell would find them); the rest are skipped without a Python step each
        corner = pos[:-1, :-1]
        mixed = (corner != pos[:-1, 1:]) | (corner != pos[1:, 1:]) | (corner != pos[1:, :-1])
        for i, j in np.argwhere(mixed).tolist():
            corners = ((i, j), (i, j + 1), (i + 1, j + 1), (i + 1, j))
            pts = [
                cross(*corners[e], *corners[(e + 1) % 4])
                for e in range(4)
                if pos[corners[e]] != pos[corners[(e + 1) % 4]]
            ]
            if len(pts) == 2:
                segs.append((*pts[0], *pts[1]))
            elif len(pts) == 4:
                # a saddle: the corners of the centre's sign join through the middle, so the line
                # cuts off the other two — corner 1 (between crossings 0 and 1) and corner 3 (2, 3)
                # when the centre has corner 0's sign, else corners 0 (3, 0) and 2 (1, 2)
                centre_pos = z[i : i + 2, j : j + 2].mean() >= 0
                if centre_pos == pos[corners[0]]:
                    segs += [(*pts[0], *pts[1]), (*pts[2], *pts[3])]
                else:
                    segs += [(*pts[0], *pts[3]), (*pts[1], *pts[2])]
        return np.array(segs, dtype=float).reshape(-1, 4)


def grid(
    scenario: Scenario,
    x_driver: str = "uplift_scale",
    y_driver: str = "costs",
    x_values: np.ndarray | None = None,
    y_values: np.ndarray | None = None,
    ranges: Ranges | None = None,
    n: int = 21,
) -> Grid:
    """Programme NPV for every pair of ``x_values × y_values`` (defaults: :meth:`Driver.grid`).

    Driver keys are those of :func:`~roi.uncertainty.ranges.grid_drivers`; one engine call with
    ``nx × ny`` draws.
    """
    ds = grid_drivers(scenario, ranges)
    dx, dy = by_key(ds, x_driver), by_key(ds, y_driver)
    if dx.key == dy.key:
        raise ValueError("drivers: choose two different drivers for the grid")
    xv = dx.grid(n) if x_values is None else np.asarray(x_values, dtype=float)
    yv = dy.grid(n) if y_values is None else np.asarray(y_values, dtype=float)
    kx, ky = ds.index(dx), ds.index(dy)
    gx, gy = np.meshgrid(xv, yv)  # [ny,nx]
    values = np.tile(base_values(ds), (gx.size + 1, 1))
    values[1:, kx] = gx.ravel()
    values[1:, ky] = gy.ravel()
    o = _evaluate(scenario, ds, values)
    return Grid(dx, dy, xv, yv, o.npv[1:].reshape(gx.shape).copy(), float(o.npv[0]))
