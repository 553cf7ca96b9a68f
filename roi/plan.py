"""The recommended plan: which initiatives to do, in what order, when each launches, and what it is worth.

One function, :func:`recommend`, answers "what do we do first?" for every page, the deck, the
workbook and ``python -m roi plan``.

The planning model
------------------
* **Capacity.** A delivery team of ``C`` FTEs works through the plan in order. An initiative's
  build effort ``E`` (FTE-months) is done when the team reaches it, at full capacity: it is
  finished ``(effort of it and everything before it) / C`` months after the start. It launches at
  the later of that month and its own months to launch ``m`` (its lead time). An initiative
  without effort needs no capacity and launches at ``m``.
* **Value.** ``V_j(L)`` is initiative *j*'s own risk-adjusted NPV (its benefits and costs, as the
  business case attributes them) when it launches at month ``L``: from
  :func:`roi.delay.npv_by_start_delay` on a monthly grid of delays, linear between grid months. An
  initiative launched after the horizon still pays its one-time cost. The plan's value is
  ``Σ V_j(L_j)`` over the chosen initiatives minus the PV of the shared programme costs (team,
  platform), which any non-empty plan carries.
* **Constraints.** Pinned-in initiatives are in, pinned-out ones out; an optional cap on one-time
  cost (initiatives' one-time and effort cost plus the platform implementation) and on year-1 cost
  (running, content and campaign cost of each initiative as if launched at its earliest — a plan
  that queues it later spends less, never more — plus the programme's yearly cost), at planned
  (not risk-adjusted) amounts.
* **Search.** Initiatives that lose money whenever they launch (money pits) never help and are
  dropped first. Over the rest, the best order of every subset is found by dynamic
  programming over subsets (the last initiative of a subset launches when the subset's whole
  effort is done), then the best subset under the constraints — exact for up to
  :data:`EXACT_LIMIT` candidates. Above that a greedy insertion with pairwise improvement is used
  and its gap to an upper bound (every candidate at its earliest launch, constraints relaxed) is
  reported.
* **The plan's NPV** is then computed by the full model (:func:`roi.evaluate`) on the scenario
  restricted to the plan's initiatives, each launched at its planned month — so overlaps and
  cross terms between the initiatives kept are counted exactly.

Each initiative gets a status — ``do``, ``defer`` (worth doing, but the capacity or a budget
leaves no room) or ``drop`` (a money pit, or pinned out) — and the reason in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import engine
from .delay import npv_by_start_delay
from .io import parse_scenario
from .model import BusinessCase, evaluate
from .schema import CAPACITY_FTE, MAX_AMOUNT, Scenario, bound

EXACT_LIMIT = 20  # candidates searched exactly (2^20 subsets)
Status = Literal["do", "defer", "drop"]


@dataclass(frozen=True)
class Constraints:
    """What the plan must respect: capacity (FTEs per quarter), optional budgets (currency), pins."""

    capacity_fte: float
    budget_one_time: float | None = None
    budget_year1: float | None = None
    pinned_in: frozenset[str] = frozenset()
    pinned_out: frozenset[str] = frozenset()

    @classmethod
    def of(cls, scenario: Scenario, *, capacity_fte: float | None = None, budget_one_time: float | None = None,
           budget_year1: float | None = None) -> "Constraints":
        """The scenario's plan settings, with any of them overridden (e.g. by CLI flags)."""
        p = scenario.plan
        out = cls(
            capacity_fte=p.capacity_fte if capacity_fte is None else float(capacity_fte),
            budget_one_time=p.budget_one_time if budget_one_time is None else float(budget_one_time),
            budget_year1=p.budget_year1 if budget_year1 is None else float(budget_year1),
            pinned_in=frozenset(p.pinned_in),
            pinned_out=frozenset(p.pinned_out),
        )
        lo, hi = CAPACITY_FTE
        if not (math.isfinite(out.capacity_fte) and lo <= out.capacity_fte <= hi):
            raise ValueError(f"capacity: must be between {bound(lo)} and {bound(hi)} FTEs per quarter "
                             f"(got {out.capacity_fte:g})")
        for name in ("budget_one_time", "budget_year1"):
            v = getattr(out, name)
            if v is not None and not (math.isfinite(v) and 0 <= v <= MAX_AMOUNT):
                raise ValueError(f"{name.replace('_one_time', '')}: must be between 0 and {bound(MAX_AMOUNT)} "
                                 f"(got {v:g})")
        return out


@dataclass(frozen=True)
class PlannedInitiative:
    """One initiative's place in the plan. Months count from the start of the programme."""

    name: str
    status: Status
    reason_code: str  # value | pinned_in | money_pit | pinned_out | no_capacity | over_budget | shared_costs
    reason: str  # in words
    order: int | None  # 1 = first in the delivery queue; None when not done
    start_month: float | None  # when the team starts its build
    launch_month: float | None  # when it goes live (≥ its own months to launch)
    npv: float  # do: its NPV in the plan; otherwise its NPV in the case as planned
    earliest_npv: float  # its own NPV at its earliest launch (what it adds on its own)
    effort_fte_months: float

    @property
    def quarter(self) -> int | None:
        """Quarter of launch, 0 = the first quarter of year 1."""
        return None if self.launch_month is None else int(self.launch_month // 3)


@dataclass(frozen=True)
class Plan:
    """The recommended plan. Money in the scenario's currency, risk-adjusted."""

    initiatives: list[PlannedInitiative]  # the plan's order first, then the rest
    plan_npv: float  # roi.evaluate of the scenario restricted to the plan and re-timed (shared costs in)
    as_planned_npv: float  # roi.evaluate of the scenario as it is
    method: str  # "exact" or the heuristic's name
    gap: float | None  # heuristic only: upper bound − the plan's planning value
    constraints: Constraints
    case: BusinessCase | None  # the plan's business case (None when the plan is empty)
    planning_value: float  # Σ V_j(L_j) − PV(shared costs): what the search maximised
    as_planned_cash: np.ndarray = field(default_factory=lambda: np.zeros(1))  # the scenario's yearly net cash

    @property
    def do(self) -> list[PlannedInitiative]:
        return [p for p in self.initiatives if p.status == "do"]

    def first(self, k: int = 3) -> list[str]:
        """The first ``k`` initiatives to do, in launch order."""
        return [p.name for p in sorted(self.do, key=lambda p: (p.launch_month, p.order))][:k]

    @property
    def dropped(self) -> list[str]:
        return [p.name for p in self.initiatives if p.status == "drop"]

    @property
    def deferred(self) -> list[str]:
        return [p.name for p in self.initiatives if p.status == "defer"]

    def initiative(self, name: str) -> PlannedInitiative:
        for p in self.initiatives:
            if p.name == name:
                return p
        raise KeyError(f"initiative: no initiative named {name!r}")

    def load(self) -> np.ndarray:
        """FTEs busy per quarter (the team works through the queue at full capacity)."""
        ends = [p.start_month + p.effort_fte_months / self.constraints.capacity_fte
                for p in self.do if p.start_month is not None and p.effort_fte_months > 0]
        quarters = int(math.ceil(max(ends, default=0.0) / 3))
        out = np.zeros(quarters)
        busy_until = max(ends, default=0.0)
        for q in range(quarters):
            covered = min(3.0, max(busy_until - 3 * q, 0.0))  # months of the quarter the queue is busy
            out[q] = self.constraints.capacity_fte * covered / 3.0
        return out

    def sentence(self, currency: str) -> str:
        """The plan in one line, as the Overview, the deck and the CLI say it: ``As planned: NPV −€1.0M;
        recommended plan: NPV €1.2M — do A, B, C first; drop D.``"""
        from .format import money

        first = self.first()
        text = (f"As planned: NPV {money(self.as_planned_npv, currency)}; recommended plan: NPV "
                f"{money(self.plan_npv, currency)}")
        text += f" — do {', '.join(first)} first" if first else " — no plan covers the shared programme costs"
        if self.dropped:
            text += f"; drop {', '.join(self.dropped)}"
        if self.deferred:
            text += f"; defer {', '.join(self.deferred)}"
        return text + "."

    def table(self) -> pd.DataFrame:
        """One row per initiative, in the plan's order then the rest: ``#`` (the row number the
        charts use as a marker), ``initiative, status, order, start_month, launch_month, quarter``
        (1-based for people), ``npv`` (currency), ``effort_fte_months, reason``."""
        return pd.DataFrame([{
            "#": k + 1, "initiative": p.name, "status": p.status, "order": p.order,
            "start_month": p.start_month, "launch_month": p.launch_month,
            "quarter": None if p.quarter is None else p.quarter + 1, "npv": p.npv,
            "effort_fte_months": p.effort_fte_months, "reason": p.reason,
        } for k, p in enumerate(self.initiatives)])

    def curve(self, step_months: float = 1.0) -> pd.DataFrame:
        """Cumulative programme net cash (shared costs included) month by month, for the recommended
        plan and for the scenario as planned: ``month, plan, cumulative_net`` (currency)."""
        from .prioritization import cumulative_at

        horizon = 12.0 * (len(self.as_planned_cash) - 1)
        months = np.arange(0.0, horizon + 1e-9, step_months)
        frames = [pd.DataFrame({"month": months, "plan": "As planned",
                                "cumulative_net": cumulative_at(self.as_planned_cash, months)})]
        if self.case is not None:
            frames.insert(0, pd.DataFrame({"month": months, "plan": "Recommended plan",
                                           "cumulative_net": cumulative_at(self.case.cash_flows, months)}))
        return pd.concat(frames, ignore_index=True)

    def summary(self) -> dict[str, Any]:
        """The JSON contract of ``python -m roi plan --json`` (keys are relied on by scripts)."""
        return {
            "initiatives": [{
                "name": p.name, "status": p.status, "reason": p.reason, "reason_code": p.reason_code,
                "order": p.order, "start_month": p.start_month, "launch_month": p.launch_month,
                "quarter": p.quarter, "npv": p.npv, "earliest_npv": p.earliest_npv,
            } for p in self.initiatives],
            "plan_npv": self.plan_npv,
            "as_planned_npv": self.as_planned_npv,
            "method": self.method,
            "gap": self.gap,
            "capacity_fte": self.constraints.capacity_fte,
            "budget_one_time": self.constraints.budget_one_time,
            "budget_year1": self.constraints.budget_year1,
            "first": self.first(),
            "drop": self.dropped,
            "defer": self.deferred,
        }


# --------------------------------------------------------------------------- inputs of the search

@dataclass(frozen=True)
class _Inputs:
    names: list[str]
    months: np.ndarray  # [J] own months to launch
    effort: np.ndarray  # [J] FTE-months
    value_grid: np.ndarray  # [G,J] own NPV by whole months of delay 0 … G−1
    one_time: np.ndarray  # [J] planned one-time + effort cost
    year1: np.ndarray  # [J] planned year-1 cost at the earliest launch
    shared_pv: float  # PV of shared programme costs, risk-adjusted
    shared_one_time: float  # planned platform implementation
    shared_year1: float  # planned programme cost in year 1
    as_planned: list[float] = field(default_factory=list)  # NPV of each in the case as it is

    def value(self, j: int, delay: np.ndarray | float) -> np.ndarray:
        """``V_j`` at ``delay`` months (linear between whole months; beyond the grid, its last value)."""
        g = self.value_grid[:, j]
        d = np.clip(np.asarray(delay, dtype=float), 0.0, len(g) - 1.0)
        i = np.minimum(d.astype(np.int64), len(g) - 2)
        return g[i] + (d - i) * (g[i + 1] - g[i])


def _inputs(scenario: Scenario, case: BusinessCase) -> _Inputs:
    T = scenario.settings.horizon_years
    delays = np.arange(0.0, 12.0 * T + 2.0)  # one month past the horizon: nothing left to launch
    grid = npv_by_start_delay(scenario, delays)
    structure, x = engine.build(scenario)
    flows = engine.compute(structure, x)
    active1 = np.clip(12.0 - x.launch_months[0], 0.0, 12.0) / 12.0
    year1 = (x.running_cost[0] + x.content_cost[0] + x.variable_cost[0]) * active1
    p = scenario.process
    return _Inputs(
        names=[i.name for i in scenario.initiatives],
        months=np.array([i.months_to_launch for i in scenario.initiatives]),
        effort=np.array([i.effort_fte_months for i in scenario.initiatives]),
        value_grid=grid,
        one_time=(flows.one_time_cost[0, :, 0] + flows.effort_cost[0, :, 0]),
        year1=year1,
        shared_pv=case.pv_programme_cost,
        shared_one_time=p.platform_one_time_cost,
        shared_year1=p.team_annual_cost + p.platform_annual_cost,
        as_planned=[i.npv for i in case.initiatives],
    )


# --------------------------------------------------------------------------- the schedule

def schedule(order: list[int], effort: np.ndarray, months: np.ndarray, capacity: float) -> dict[int, tuple[float, float]]:
    """``{initiative: (start month, launch month)}`` for initiatives done in ``order``.

    Notes
    -----
    The queue holds the initiatives with effort: ``start_j = Σ_{i before j} E_i / C``,
    ``launch_j = max(m_j, start_j + E_j / C)``. An initiative without effort starts at 0 and
    launches at ``m_j``.

    >>> schedule([0, 1], np.array([6.0, 6.0]), np.array([1.0, 1.0]), 3.0)
    {0: (0.0, 2.0), 1: (2.0, 4.0)}
    """
    out: dict[int, tuple[float, float]] = {}
    done = 0.0
    for j in order:
        if effort[j] <= 0:
            out[j] = (0.0, float(months[j]))
            continue
        start = float(done)
        done += float(effort[j]) / capacity
        out[j] = (start, float(max(months[j], done)))
    return out


def in_launch_order(order: list[int], effort: np.ndarray, times: dict[int, tuple[float, float]]) -> list[int]:
    """The same plan with its initiatives without effort placed by launch month.

    An initiative without effort takes no place in the team's queue (:func:`schedule`): where
    the search happened to put it changes no start or launch, but its number in the plan would
    then disagree with when it launches ("22. Initiative 21" launching first). The initiatives
    with effort keep their order (it decides their timing); each one without effort goes before
    the first initiative with effort that launches no earlier than it (those without effort by
    launch, then by the search's order). Every start and launch month is unchanged.

    >>> in_launch_order([0, 1, 2], np.array([6.0, 0.0, 0.0]), {0: (0.0, 4.0), 1: (0.0, 6.0), 2: (0.0, 1.0)})
    [2, 0, 1]
    """
    queue = [j for j in order if effort[j] > 0]
    free = sorted((j for j in order if effort[j] <= 0), key=lambda j: (times[j][1], order.index(j)))
    out: list[int] = []
    for j in queue:
        while free and times[free[0]][1] <= times[j][1]:
            out.append(free.pop(0))
        out.append(j)
    return out + free


# --------------------------------------------------------------------------- exact search

def _subset_sums(values: np.ndarray) -> np.ndarray:
    """``out[mask] = Σ_{j in mask} values[j]`` for every mask of ``len(values)`` bits."""
    out = np.zeros(1 << len(values))
    for j, v in enumerate(values):
        width = 1 << j
        out[width:2 * width] = out[:width] + v
    return out


def _best_orders(inp: _Inputs, queue: list[int], capacity: float) -> tuple[np.ndarray, np.ndarray]:
    """For every subset (bitmask over ``queue``) the best planning value of doing it in some
    order, and the initiative last in that order (dynamic programming over subsets).

    ``best[T] = max_{j ∈ T} best[T − j] + V_j(max(m_j, W(T) / C) − m_j)`` with ``W(T)`` the
    subset's effort: the last initiative launches when the whole subset's effort is done.
    """
    n = len(queue)
    size = 1 << n
    W = _subset_sums(inp.effort[queue]) / capacity  # months of work in each subset
    best = np.full(size, -np.inf)
    best[0] = 0.0
    last = np.full(size, -1, dtype=np.int64)
    masks = np.arange(size, dtype=np.int64)
    by_size = np.argsort(np.bitwise_count(masks), kind="stable")  # masks ordered by popcount
    edges = np.searchsorted(np.bitwise_count(masks)[by_size], np.arange(n + 2))
    top = inp.value_grid.shape[0] - 1
    for k in range(1, n + 1):
        layer = by_size[edges[k]:edges[k + 1]]
        w = W[layer]
        layer_best = np.full(len(layer), -np.inf)
        layer_last = np.full(len(layer), -1, dtype=np.int64)
        for b, j in enumerate(queue):
            idx = np.flatnonzero(layer & (1 << b))
            sub = layer[idx]
            g = inp.value_grid[:, j]
            delay = w[idx] - inp.months[j]
            np.clip(delay, 0.0, float(top), out=delay)
            i = delay.astype(np.int64)
            np.minimum(i, top - 1, out=i)
            delay -= i  # the fraction between grid months
            cand = g[i]
            cand += delay * (g[i + 1] - cand)
            cand += best[sub ^ (1 << b)]
            better = cand > layer_best[idx]
            idx = idx[better]
            layer_best[idx] = cand[better]
            layer_last[idx] = b
        best[layer] = layer_best
        last[layer] = layer_last
    return best, last


def _order_of(mask: int, last: np.ndarray, queue: list[int]) -> list[int]:
    order: list[int] = []
    while mask:
        b = int(last[mask])
        order.append(queue[b])
        mask ^= 1 << b
    return order[::-1]


def _exact(inp: _Inputs, cons: Constraints, candidates: list[int], pinned: set[int]) -> tuple[list[int], float]:
    """The best (order, planning value) over every subset of ``candidates`` that holds ``pinned``
    and fits the budgets (see the module docstring)."""
    # An initiative the whole plan's work cannot delay (all candidates' effort done before its own
    # lead time) is never late at the end of the queue, where it delays nobody: order-free, like one
    # without effort.
    all_work = inp.effort[candidates].sum() / cons.capacity_fte
    queue = [j for j in candidates if inp.effort[j] > 0 and all_work > inp.months[j]]
    free = [j for j in candidates if j not in queue]
    best, last = _best_orders(inp, queue, cons.capacity_fte)
    allc = queue + free  # bit b of a full mask is allc[b]
    n_q = len(queue)
    size = 1 << len(allc)
    masks = np.arange(size)
    free_value = _subset_sums(np.array([float(inp.value(j, 0.0)) for j in allc]) * (np.arange(len(allc)) >= n_q))
    value = best[masks & ((1 << n_q) - 1)] + free_value - inp.shared_pv * (masks != 0)
    ok = np.ones(size, dtype=bool)
    pin_mask = sum(1 << b for b, j in enumerate(allc) if j in pinned)
    ok &= (masks & pin_mask) == pin_mask
    if cons.budget_one_time is not None:
        ok &= _subset_sums(inp.one_time[allc]) + inp.shared_one_time * (masks != 0) <= cons.budget_one_time + 1e-6
    if cons.budget_year1 is not None:
        ok &= _subset_sums(inp.year1[allc]) + inp.shared_year1 * (masks != 0) <= cons.budget_year1 + 1e-6
    nonempty = ok & (masks != 0)
    if not nonempty.any():
        return [], 0.0
    value = np.where(nonempty, value, -np.inf)
    # the best non-empty plan; ties go to the smaller plan
    top = value.max()
    tied = np.flatnonzero(value >= top - 1e-9 * max(1.0, abs(top)))
    pick = int(tied[np.argmin(np.bitwise_count(tied.astype(np.uint64)))])
    order = _order_of(pick & ((1 << n_q) - 1), last, queue) + [allc[b] for b in range(n_q, len(allc)) if pick >> b & 1]
    return order, float(value[pick])


# --------------------------------------------------------------------------- heuristic search

def planning_value(inp: _Inputs, order: list[int], capacity: float) -> float:
    """``Σ V_j(L_j) − PV(shared costs)`` of doing ``order`` (0 for an empty plan)."""
    if not order:
        return 0.0
    times = schedule(order, inp.effort, inp.months, capacity)
    js = np.asarray(order, dtype=np.int64)
    delay = np.array([times[j][1] for j in order]) - inp.months[js]
    # :meth:`_Inputs.value` for every initiative at once (the greedy search asks thousands of
    # times); summed in plan order as before, so every comparison of plans is unchanged
    g = inp.value_grid
    d = np.clip(delay, 0.0, len(g) - 1.0)
    i = np.minimum(d.astype(np.int64), len(g) - 2)
    values = g[i, js] + (d - i) * (g[i + 1, js] - g[i, js])
    return float(sum(values.tolist())) - inp.shared_pv


def _fits(inp: _Inputs, cons: Constraints, chosen: list[int]) -> bool:
    if not chosen:
        return True
    if cons.budget_one_time is not None and inp.one_time[chosen].sum() + inp.shared_one_time > cons.budget_one_time + 1e-6:
        return False
    return not (cons.budget_year1 is not None
                and inp.year1[chosen].sum() + inp.shared_year1 > cons.budget_year1 + 1e-6)


def _greedy(inp: _Inputs, cons: Constraints, candidates: list[int], pinned: set[int]) -> tuple[list[int], float]:
    """Greedy insertion by value per month of the team's time, then pairwise improvement: each
    step tries every insertion position for every candidate left, then swapping neighbours and
    dropping each unpinned initiative, until nothing improves."""
    cap = cons.capacity_fte

    def density(j: int) -> float:
        return float(inp.value(j, 0.0)) / max(inp.effort[j] / cap, 1e-9)

    order = sorted(pinned, key=density, reverse=True)
    rest = sorted((j for j in candidates if j not in pinned), key=density, reverse=True)
    current = planning_value(inp, order, cap) if order else -math.inf
    for j in rest:
        best_here, best_val = None, current
        for pos in range(len(order) + 1):
            trial = order[:pos] + [j] + order[pos:]
            if _fits(inp, cons, trial):
                v = planning_value(inp, trial, cap)
                if v > best_val + 1e-9:
                    best_here, best_val = trial, v
        if best_here is not None:
            order, current = best_here, best_val
    improved = True
    while improved:
        improved = False
        for a in range(len(order) - 1):
            trial = order[:a] + [order[a + 1], order[a]] + order[a + 2:]
            v = planning_value(inp, trial, cap)
            if v > current + 1e-9:
                order, current, improved = trial, v, True
        for j in [j for j in order if j not in pinned]:
            trial = [i for i in order if i != j]
            if trial and (v := planning_value(inp, trial, cap)) > current + 1e-9:
                order, current, improved = trial, v, True
    return order, (current if order else 0.0)


# --------------------------------------------------------------------------- the recommendation

def restricted(scenario: Scenario, launch: dict[str, float]) -> Scenario:
    """The scenario with only the initiatives in ``launch``, each at that launch month (the plan's
    business case). Shared costs, segments and settings are unchanged."""
    data = scenario.model_dump(mode="json")
    kept = [dict(ini, months_to_launch=min(float(launch[ini["name"]]), 120.0))
            for ini in data["initiatives"] if ini["name"] in launch]
    data["initiatives"] = kept
    data["plan"]["pinned_in"] = [n for n in data["plan"]["pinned_in"] if n in launch]
    data["plan"]["pinned_out"] = [n for n in data["plan"]["pinned_out"] if n in launch]
    return parse_scenario(data)


def follow_renames(before: Scenario, data: dict[str, Any]) -> None:
    """Keep the plan's pins on the same initiatives after an edit of ``data`` (a dumped scenario):
    an initiative renamed in place keeps its pin under its new name; a pin on an initiative that no
    longer exists is dropped. Edits ``data`` in place; anything malformed is left to validation."""
    plan, inis = data.get("plan"), data.get("initiatives")
    if not isinstance(plan, dict) or not isinstance(inis, list):
        return
    new_names = [i.get("name") if isinstance(i, dict) else None for i in inis]
    old_names = [i.name for i in before.initiatives]
    renamed = dict(zip(old_names, new_names)) if len(new_names) == len(old_names) else {}
    for key in ("pinned_in", "pinned_out"):
        pins = plan.get(key)
        if isinstance(pins, list):
            moved = [renamed.get(n, n) for n in pins]
            plan[key] = [n for n in moved if n in new_names]


def apply_timing(scenario: Scenario, plan: Plan) -> Scenario:
    """The scenario with each planned initiative's months to launch set to the plan's launch month
    (the others unchanged), so the business case follows the plan's timing."""
    data = scenario.model_dump(mode="json")
    when = {p.name: p.launch_month for p in plan.do}
    for ini in data["initiatives"]:
        if ini["name"] in when:
            ini["months_to_launch"] = round(min(float(when[ini["name"]]), 120.0), 6)
    return parse_scenario(data)


def recommend(scenario: Scenario, *, capacity_fte: float | None = None, budget_one_time: float | None = None,
              budget_year1: float | None = None, case: BusinessCase | None = None) -> Plan:
    """The recommended plan for ``scenario`` (see the module docstring); the scenario's own plan
    settings unless overridden."""
    cons = Constraints.of(scenario, capacity_fte=capacity_fte, budget_one_time=budget_one_time,
                          budget_year1=budget_year1)
    case = evaluate(scenario) if case is None else case
    inp = _inputs(scenario, case)
    J = len(inp.names)
    index = {n: j for j, n in enumerate(inp.names)}
    pinned = {index[n] for n in cons.pinned_in}
    out_pins = {index[n] for n in cons.pinned_out}
    earliest = [float(inp.value(j, 0.0)) for j in range(J)]
    # A money pit loses money whenever it launches (its best NPV over every delay is ≤ 0): adding it
    # to a plan can only lower the value and delay the others, so it is dropped before the search.
    best_any = inp.value_grid.max(axis=0)
    pits = {j for j in range(J) if best_any[j] <= 0 and j not in pinned}
    candidates = [j for j in range(J) if j not in out_pins and (j not in pits or j in pinned)]
    if len(candidates) <= EXACT_LIMIT:
        order, value = _exact(inp, cons, candidates, pinned)
        method, gap = "exact", None
    else:
        order, value = _greedy(inp, cons, candidates, pinned)
        bound = sum(max(earliest[j], 0.0) for j in candidates) - inp.shared_pv
        method, gap = "greedy insertion with pairwise improvement", max(bound - value, 0.0)
    times = schedule(order, inp.effort, inp.months, cons.capacity_fte)
    order = in_launch_order(order, inp.effort, times)
    plan_case = evaluate(restricted(scenario, {inp.names[j]: times[j][1] for j in order})) if order else None
    plan_npvs = {ic.name: ic.npv for ic in plan_case.initiatives} if plan_case else {}
    rows = [_row(inp, cons, j, k + 1, times[j], plan_npvs[inp.names[j]], earliest[j], j in pinned, scenario)
            for k, j in enumerate(order)]
    chosen = set(order)
    for j in range(J):
        if j in chosen:
            continue
        rows.append(_left_out(inp, cons, j, earliest[j], j in out_pins, j in pits, order, scenario))
    return Plan(
        initiatives=rows,
        plan_npv=plan_case.npv if plan_case else 0.0,
        as_planned_npv=case.npv,
        method=method,
        gap=gap,
        constraints=cons,
        case=plan_case,
        planning_value=value,
        as_planned_cash=case.cash_flows,
    )


def _money(v: float, scenario: Scenario) -> str:
    from .format import money

    return money(v, scenario.settings.currency)


def _row(inp: _Inputs, cons: Constraints, j: int, order: int, when: tuple[float, float], npv: float,
         earliest: float, pinned: bool, scenario: Scenario) -> PlannedInitiative:
    start, launch = when
    late = launch - inp.months[j]
    if pinned:
        code, reason = "pinned_in", "pinned in: always do"
    else:
        code = "value"
        reason = f"adds {_money(earliest, scenario)} NPV on its own"
    if late > 0.05:
        reason += f"; waits {late:.1f} months for the team"
    return PlannedInitiative(inp.names[j], "do", code, reason, order, start, launch, npv, earliest,
                             float(inp.effort[j]))


def _left_out(inp: _Inputs, cons: Constraints, j: int, earliest: float, pinned_out: bool, pit: bool,
              order: list[int], scenario: Scenario) -> PlannedInitiative:
    name, as_planned = inp.names[j], inp.as_planned[j]
    if pinned_out:
        status, code, reason = "drop", "pinned_out", "pinned out: never do"
    elif pit:
        status, code = "drop", "money_pit"
        reason = f"money pit: {_money(earliest, scenario)} NPV at its earliest launch, and no better later"
    elif not _fits(inp, cons, order + [j]):
        status, code, reason = "defer", "over_budget", "over budget: the plan's budget has no room for it"
    elif not order:
        status, code, reason = "defer", "shared_costs", "no plan covers the shared programme costs"
    else:
        status, code = "defer", "no_capacity"
        with_it = planning_value(inp, order + [j], cons.capacity_fte)
        without = planning_value(inp, order, cons.capacity_fte)
        reason = (f"no capacity: queued behind the plan it adds {_money(with_it - without, scenario)}"
                  if with_it <= without else "no capacity: it would delay initiatives worth more")
    return PlannedInitiative(name, status, code, reason, None, None, None, as_planned, earliest,
                             float(inp.effort[j]))
