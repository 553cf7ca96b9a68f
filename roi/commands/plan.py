"""``plan``: the recommended plan — what to do first, when each launches, what it is worth.

JSON contract (keys relied on by scripts): ``initiatives`` (each ``name``, ``status`` in
``do`` / ``defer`` / ``drop``, ``reason``, ``launch_month``, ``quarter``, ``npv``), ``plan_npv``
(shared costs included), ``as_planned_npv`` and ``method`` (``exact`` or the heuristic's name, with
``gap`` when not exact).
"""

from __future__ import annotations

import argparse

from ..format import clip, money, quarter
from ..io import load_scenario
from ..schema import CAPACITY_FTE, MAX_AMOUNT, bound
from .core import print_json
from .flags import finite_number


def _amount(text: str) -> float:
    value = finite_number(text)
    if not 0 <= value <= MAX_AMOUNT:
        raise argparse.ArgumentTypeError(f"must be between 0 and {bound(MAX_AMOUNT)} (got {value:g})")
    return value


def _capacity(text: str) -> float:
    value = finite_number(text)  # its own range in the message, whatever the value (not the amounts')
    lo, hi = CAPACITY_FTE
    if not lo <= value <= hi:
        raise argparse.ArgumentTypeError(f"must be between {bound(lo)} and {bound(hi)} FTEs per quarter (got {value:g})")
    return value


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="the recommended plan: what to do first, when, and what it is worth")
    p.add_argument("file")
    p.add_argument("--capacity", type=_capacity, help="delivery capacity, FTEs per quarter (default: the "
                   "scenario's plan.capacity_fte, 6 unless set)")
    p.add_argument("--budget", type=_amount, help="cap on the plan's one-time cost (initiatives' one-time and "
                   "effort cost, platform implementation)")
    p.add_argument("--budget-year1", type=_amount, help="cap on the plan's year-1 running and programme cost")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=_plan)


def _plan(args: argparse.Namespace) -> int:
    from ..plan import recommend

    scenario = load_scenario(args.file)
    plan = recommend(scenario, capacity_fte=args.capacity, budget_one_time=args.budget,
                     budget_year1=args.budget_year1)
    if args.json:
        print_json(plan.summary())
        return 0
    cur = scenario.settings.currency
    print(plan.sentence(cur))
    print(f"{scenario.settings.name}: recommended plan NPV {money(plan.plan_npv, cur)} "
          f"(as planned {money(plan.as_planned_npv, cur)}); {plan.constraints.capacity_fte:g} FTEs per quarter; "
          f"search {plan.method}" + (f", gap to upper bound {money(plan.gap, cur)}" if plan.gap is not None else ""))
    print(f"  {'':<5} {'initiative':<40} {'launch':>10} {'NPV':>9}  reason")
    for p in plan.initiatives:
        when = "—" if p.launch_month is None else f"{quarter(p.quarter)} m{p.launch_month:.0f}"
        print(f"  {p.status:<5} {clip(p.name, 40):<40} {when:>10} {money(p.npv, cur):>9}  {p.reason}")
    return 0
