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

from .. import engine
from ..engine.chunks import by_chunks, chunk_draws
from ..schema import UPLIFT_MAX, Scenario

PROGRAMME = "Programme"
_RTOL = 1e-7  # |NPV| at the solution, relative to the larger of PV benefits and PV costs


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
    method: str  # "linear" (NPV linear in uplift, verified); when not linear, "chandrupatla" (several
    #              unknowns searched together) or "brentq" (one left); "none" (no solution)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def breakeven_table(rows: list[Breakeven], currency: str) -> list[dict[str, str]]:
    """The breakeven table as the Risk page shows it, one dict (column → text) per row.

    Uplifts: an initiative's as a percentage; the programme's as its multiplier, "% of base";
    "not reachable" when no uplift within the schema's bound breaks even. Headroom: a margin
    ``m ≥ 0`` reads "may fall m" (uplift) or "may rise m" (costs) before NPV < 0; a negative one
    means the base case is below breakeven — "needs +|m| to break even" (uplift) or "must fall
    |m| to break even" (costs); no margin (no uplift, no costs) gives a dash.
    """
    from ..format import DASH, money, pct

    def uplift(r: Breakeven, v: float | None) -> str:
        if v is None:
            return "not reachable"
        return pct(v) if r.name != PROGRAMME else f"{v:.0%} of base"

    def headroom(margin: float | None, fall: str, rise: str) -> str:
        if margin is None:
            return DASH
        return f"{fall} {margin:.0%}" if margin >= 0 else rise.format(f"{-margin:.0%}")

    return [{"": r.name, f"NPV ({currency})": money(r.npv, currency, compact=False),
             "Base uplift": uplift(r, r.base_uplift), "Breakeven uplift": uplift(r, r.breakeven_uplift),
             "Uplift headroom": headroom(r.uplift_margin, "may fall", "needs +{} to break even"),
             "Cost headroom": headroom(r.cost_margin, "may rise", "must fall {} to break even")}
            for r in rows]


def _finish(name: str, npv: float, base: float, be: float | None, pvb: float, pvc: float, method: str) -> Breakeven:
    margin = None if be is None or base == 0 else (base - be) / base
    mult = pvb / pvc if pvc > 0 else None
    return Breakeven(name, npv, base, be, margin, pvb, pvc, mult, None if mult is None else mult - 1, method)


def breakeven(scenario: Scenario) -> list[Breakeven]:
    """Breakeven of every initiative, then of the programme (last row).

    Notes
    -----
    Uplift: NPV rises with uplift and equals ``−PV(costs)`` at zero uplift, so the breakeven
    lies in ``[0, 10]`` (the schema's bound) if anywhere. When NPV is linear in the uplift (no
    overlap) the root is ``u* = base × PV(costs) / (NPV(base) + PV(costs))``; the root is always
    checked by evaluating NPV there, and searched for when the check fails (overlapping
    initiatives make NPV non-linear): with Chandrupatla's bracketing method (as robust as Brent's)
    on all the unknowns left at once, or Brent's when one is left. The programme is
    one more unknown of the same search: a multiplier ``m`` on every uplift, in
    ``[0, 10 / largest absolute base uplift]``, with the shared programme costs (which no uplift moves)
    subtracted. Cost: NPV = PV(benefits) − m × PV(costs) is linear in a cost multiplier ``m``,
    so ``m* = PV(benefits) / PV(costs)``.

    Every step evaluates all the unknowns still open in one engine call (one row per unknown):
    the base case and each at zero, then each linear guess and the top of each range, then one
    call per iteration of the search, in a bracket narrowed by the guess — 8 to 12 calls on the
    samples, 13 on 50 initiatives, where solving the programme on its own took 4 to 11 more.
    """
    structure, x = engine.build(scenario)
    J = len(scenario.initiatives)
    base_u = x.uplift[0].copy()
    top = float(np.abs(base_u).max(initial=0.0))
    P = J  # the programme's index among the unknowns 0 … J
    solve_programme = top > 0  # no uplift to scale: the programme's NPV does not move

    def rows(es: np.ndarray, us: np.ndarray) -> np.ndarray:
        """Uplift rows: unknown ``es[k]`` at value ``us[k]`` — an initiative's own uplift (the
        others at base), or the programme's multiplier on every uplift."""
        out = np.tile(base_u, (len(es), 1))
        own = es < J
        out[np.flatnonzero(own), es[own]] = us[own]
        out[~own] = base_u[None, :] * us[~own, None]
        return out

    def pv(U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """PV benefits and PV costs of every initiative, ``[n,J]`` each, with uplift rows ``U``."""
        return by_chunks(len(U), chunk_draws(structure),
                         lambda a, b: engine.initiative_pv(structure, x.tiled(b - a).with_(uplift=U[a:b])))

    def npv_of(es: np.ndarray, us: np.ndarray) -> np.ndarray:
        """NPV of each unknown ``es[k]`` at ``us[k]``, all in one engine call."""
        if not len(es):
            return np.zeros(0)
        b, c = pv(rows(es, us))
        out = b.sum(axis=1) - c.sum(axis=1) - shared  # the programme's rows
        own = np.flatnonzero(es < J)
        out[own] = b[own, es[own]] - c[own, es[own]]
        return out

    # the shared programme costs: no uplift moves them (PV, risk-adjusted)
    flows = engine.compute(structure, x)
    df = engine.discount_factors(x.discount_rate, structure.horizon)
    shared = float((engine.risk_adjust(flows, x).programme_cost * df).sum())

    # call 1: the base case (row 0), each initiative at zero, and the programme at zero
    first = np.concatenate([np.arange(J), [P]])
    pvb, pvc = pv(np.vstack([base_u[None, :], rows(first, np.zeros(J + 1))]))
    npv0 = pvb - pvc
    prog_b, prog_c = float(pvb[0].sum()), float(pvc[0].sum() + shared)
    idx = np.arange(J + 1)
    f_lo = np.concatenate([npv0[1 + np.arange(J), np.arange(J)], [pvb[J + 1].sum() - pvc[J + 1].sum() - shared]])
    f_base = np.concatenate([npv0[0, :J], [prog_b - prog_c]])
    base = np.concatenate([base_u, [1.0]])
    hi = np.concatenate([np.full(J, UPLIFT_MAX), [UPLIFT_MAX / top if top > 0 else 0.0]])
    scale = np.concatenate([np.maximum(pvb[0], pvc[0]), [max(prog_b, prog_c)]])
    tol = _RTOL * np.maximum(scale, 1.0)
    active = np.ones(J + 1, dtype=bool)
    active[P] = solve_programme

    # call 2: each linear guess and the top of each range (the top only needed when the guess
    # fails, but one batched call costs about what a single row does)
    with np.errstate(divide="ignore", invalid="ignore"):
        guess = base * (-f_lo) / (f_base - f_lo)
    try_guess = active & (np.abs(f_lo) > tol) & (f_base != f_lo) & (base != 0) & (guess >= 0) & (guess <= hi)
    g_es = idx[try_guess]
    t_es = idx[active]
    f_at = npv_of(np.concatenate([g_es, t_es]), np.concatenate([guess[try_guess], hi[active]]))
    f_guess = dict(zip(g_es.tolist(), f_at[:len(g_es)]))
    f_top = dict(zip(t_es.tolist(), f_at[len(g_es):]))

    found: dict[int, tuple[float | None, str]] = {}
    for e in range(J + 1):
        if not active[e]:  # the programme with no uplift to scale: breaks even only if NPV is 0
            found[e] = (0.0, "linear") if abs(f_base[e]) <= tol[e] else (None, "none")
        elif abs(f_lo[e]) <= tol[e]:
            found[e] = (0.0, "linear")
        elif e in f_guess and abs(f_guess[e]) <= tol[e]:
            found[e] = (float(guess[e]), "linear")
        elif f_lo[e] > 0 or f_top[e] < 0:
            found[e] = (None, "none")
    left = np.array([e for e in range(J + 1) if e not in found], dtype=np.int64)
    # each bracket narrowed by its guess: NPV rises with the uplift, so the root lies on the
    # guess's side where NPV changes sign
    lo_b, hi_b = np.zeros(J + 1), hi.copy()
    for e, f in f_guess.items():
        if f < 0:
            lo_b[e] = guess[e]
        else:
            hi_b[e] = guess[e]
    if len(left) == 1:  # one unknown (often the programme alone): Brent's method, without the
        e = int(left[0])  # array machinery's fixed cost (about 3 ms, five engine calls' worth here)
        root = brentq(lambda u: float(npv_of(np.array([e]), np.array([u]))[0]), lo_b[e], hi_b[e],
                      xtol=1e-12, rtol=1e-12, maxiter=200)
        found[e] = (float(root), "brentq")
    elif len(left):
        # every remaining root at once: Chandrupatla's bracketing method (as robust as Brent's) on
        # arrays, one engine call per iteration for the unknowns not yet converged
        res = find_root(lambda u, es: npv_of(es.astype(np.int64), u), (lo_b[left], hi_b[left]),
                        args=(left.astype(float),), tolerances={"xatol": 1e-12, "xrtol": 1e-12},
                        maxiter=200)
        for k, e in enumerate(left):
            found[int(e)] = (float(res.x[k]), "chandrupatla") if res.success[k] else (None, "none")

    out = []
    for j, ini in enumerate(scenario.initiatives):
        be, method = found[j]
        out.append(_finish(ini.name, float(f_base[j]), float(base_u[j]), be, float(pvb[0, j]), float(pvc[0, j]),
                           method))
    be, method = found[P]
    out.append(_finish(PROGRAMME, float(f_base[P]), 1.0, be, prog_b, prog_c, method))
    return out
