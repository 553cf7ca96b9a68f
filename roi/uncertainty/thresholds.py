"""Breakeven: the uplift (and the cost) at which NPV = 0, and how far the base case is from it.

For an initiative, "NPV" is its own risk-adjusted NPV (shared programme costs excluded, as in
:func:`roi.evaluate`) with every other initiative at base; the uplift is its own uplift. For the
programme, NPV is the headline risk-adjusted NPV, shared costs included, and the uplift is a
multiplier on every initiative's uplift (1 = base). Breakeven is measured against the headline
(risk-adjusted) NPV on purpose: it answers "how wrong can we be before the case we present turns
negative".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq
from scipy.optimize.elementwise import find_root

from typing import NamedTuple

from .. import engine
from ..engine.chunks import by_chunks, chunk_draws
from ..schema import UPLIFT_MAX, Scenario

PROGRAMME = "Programme"
_RTOL = 1e-7  # |NPV| at the solution, relative to the larger of PV benefits and PV costs


class _Programme(NamedTuple):
    """Risk-adjusted programme NPV, PV of benefits and PV of costs per evaluated multiplier."""

    npv: np.ndarray
    pv_benefits: np.ndarray
    pv_costs: np.ndarray


@dataclass(frozen=True)
class Breakeven:
    """Where one initiative (or the programme) breaks even. Money in the scenario's currency."""

    name: str  # initiative name, or "Programme"
    npv: float  # base-case NPV
    base_uplift: float  # initiative: its base uplift (fraction); programme: 1.0 (multiplier)
    breakeven_uplift: float | None  # uplift (multiplier for the programme) giving NPV = 0;
    #                                 None when not reachable within the schema's uplift bound
    uplift_margin: float | None  # (base − breakeven) / base: share of the uplift that may be
    #                              lost before NPV < 0 (negative: it must rise); None if undefined
    pv_benefits: float
    pv_costs: float
    breakeven_cost_multiplier: float | None  # costs × this give NPV = 0 (= PV benefits / PV costs);
    #                                          None without costs
    cost_margin: float | None  # multiplier − 1: cost overrun absorbed before NPV < 0
    method: str  # "linear" (NPV linear in uplift, verified), "brentq" (the programme) or "chandrupatla"
    #              (initiatives, solved together) when not linear, "none" (no solution)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _finish(name: str, npv: float, base: float, be: float | None, pvb: float, pvc: float, method: str) -> Breakeven:
    margin = None if be is None or base == 0 else (base - be) / base
    mult = pvb / pvc if pvc > 0 else None
    return Breakeven(name, npv, base, be, margin, pvb, pvc, mult, None if mult is None else mult - 1, method)


def _solve(f, lo: float, hi: float, f_lo: float, f_base: float, base: float, scale: float) -> tuple[float | None, str]:
    """Root of the non-decreasing ``f`` on ``[lo, hi]``: linear guess from ``f(lo)`` and
    ``f(base)``, verified, else :func:`scipy.optimize.brentq`."""
    tol = _RTOL * max(scale, 1.0)
    if abs(f_lo) <= tol:
        return lo, "linear"
    if f_base != f_lo and base != lo:
        guess = lo + (base - lo) * (-f_lo) / (f_base - f_lo)
        if lo <= guess <= hi and abs(f(guess)) <= tol:
            return guess, "linear"
    f_hi = f(hi)
    if f_lo > 0 or f_hi < 0:
        return None, "none"
    return brentq(f, lo, hi, xtol=1e-12, rtol=1e-12, maxiter=200), "brentq"


def breakeven(scenario: Scenario) -> list[Breakeven]:
    """Breakeven of every initiative, then of the programme (last row).

    Notes
    -----
    Uplift: NPV rises with uplift and equals ``−PV(costs)`` at zero uplift, so the breakeven
    lies in ``[0, 10]`` (the schema's bound) if anywhere. When NPV is linear in the uplift (no
    overlap) the root is ``u* = base × PV(costs) / (NPV(base) + PV(costs))``; the root is always
    checked by evaluating NPV there, and found with Brent's method when the check fails
    (overlapping initiatives make NPV non-linear). Cost: NPV = PV(benefits) − m × PV(costs) is
    linear in a cost multiplier ``m``, so ``m* = PV(benefits) / PV(costs)``.
    """
    structure, x = engine.build(scenario)
    J = len(scenario.initiatives)
    base_u = x.uplift[0].copy()
    # draw 0: base case; draw 1 + j: initiative j at zero uplift
    U = np.tile(base_u, (1 + J, 1))
    U[np.arange(1, J + 1), np.arange(J)] = 0.0
    pvb, pvc = by_chunks(1 + J, chunk_draws(structure),
                         lambda a, b: engine.initiative_pv(structure, x.tiled(b - a).with_(uplift=U[a:b])))
    npv = pvb - pvc

    def npv_at(js: np.ndarray, us: np.ndarray) -> np.ndarray:
        """NPV of initiative ``js[k]`` with its uplift at ``us[k]`` (the others at base), in one
        engine call of ``len(js)`` draws rather than one call each."""
        rows_u = np.tile(base_u, (len(js), 1))
        rows_u[np.arange(len(js)), js] = us
        b, c = by_chunks(len(js), chunk_draws(structure),
                         lambda a, z: engine.initiative_pv(structure, x.tiled(z - a).with_(uplift=rows_u[a:z])))
        return b[np.arange(len(js)), js] - c[np.arange(len(js)), js]

    # _solve's first steps for every initiative at once: the linear guess and its check, and NPV
    # at the top of the range (both only needed when the guess fails, but one batched call costs
    # about what one single-draw call does); Brent's method only for the initiatives left.
    idx = np.arange(J)
    f0_all, fb_all = npv[1 + idx, idx], npv[0, :J]
    tol = _RTOL * np.maximum(np.maximum(pvb[0], pvc[0]), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        guess = base_u * (-f0_all) / (fb_all - f0_all)
    try_guess = (np.abs(f0_all) > tol) & (fb_all != f0_all) & (base_u != 0) & (guess >= 0) & (guess <= UPLIFT_MAX)
    g_js = idx[try_guess]
    f_at = npv_at(np.concatenate([g_js, idx]), np.concatenate([guess[try_guess], np.full(J, UPLIFT_MAX)]))
    f_guess = dict(zip(g_js.tolist(), f_at[:len(g_js)]))
    f_top = f_at[len(g_js):]

    found: dict[int, tuple[float | None, str]] = {}
    for j in range(J):
        if abs(f0_all[j]) <= tol[j]:
            found[j] = (0.0, "linear")
        elif j in f_guess and abs(f_guess[j]) <= tol[j]:
            found[j] = (float(guess[j]), "linear")
        elif f0_all[j] > 0 or f_top[j] < 0:
            found[j] = (None, "none")
    left = np.array([j for j in range(J) if j not in found], dtype=np.int64)
    if len(left):
        # every remaining initiative's root at once: Chandrupatla's bracketing method (as robust as
        # Brent's) on arrays, one engine call per iteration for the initiatives not yet converged
        res = find_root(lambda u, js: npv_at(js.astype(np.int64), u), (np.zeros(len(left)), np.full(len(left), UPLIFT_MAX)),
                        args=(left.astype(float),), tolerances={"xatol": 1e-12, "xrtol": 1e-12},
                        maxiter=200)
        for k, j in enumerate(left):
            found[int(j)] = (float(res.x[k]), "chandrupatla") if res.success[k] else (None, "none")

    rows = []
    for j, ini in enumerate(scenario.initiatives):
        be, method = found[j]
        rows.append(_finish(ini.name, float(fb_all[j]), float(base_u[j]), be, float(pvb[0, j]), float(pvc[0, j]),
                            method))

    def programme(m: float | np.ndarray) -> _Programme:
        m = np.atleast_1d(np.asarray(m, dtype=float))
        xm = x.tiled(len(m)).with_(uplift=base_u[None, :] * m[:, None])
        flows = engine.compute(structure, xm)
        pv_b, pv_c = engine.initiative_pv(structure, xm, flows)
        df = engine.discount_factors(xm.discount_rate, structure.horizon)
        shared = (engine.risk_adjust(flows, xm).programme_cost * df).sum(axis=1)
        b, c = pv_b.sum(axis=1), pv_c.sum(axis=1) + shared
        return _Programme(b - c, b, c)

    o = programme(np.array([1.0, 0.0]))
    top = float(np.abs(base_u).max(initial=0.0))
    if top == 0:
        be, method = (0.0, "linear") if abs(o.npv[0]) <= _RTOL * max(o.pv_costs[0], 1.0) else (None, "none")
    else:
        be, method = _solve(
            lambda m: float(programme(m).npv[0]), 0.0, UPLIFT_MAX / top, float(o.npv[1]), float(o.npv[0]), 1.0,
            max(o.pv_benefits[0], o.pv_costs[0]),
        )
    rows.append(_finish(PROGRAMME, float(o.npv[0]), 1.0, be, float(o.pv_benefits[0]), float(o.pv_costs[0]), method))
    return rows
