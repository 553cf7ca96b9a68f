"""``validate`` and ``summary``: check a scenario file and print its business case."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from ..io import load_scenario
from ..model import evaluate


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check a scenario JSON file")
    p.add_argument("file")
    p.set_defaults(handler=_validate)

    p = sub.add_parser("summary", help="print the business case of a scenario")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=_summary)


def _validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.file)
    print(
        f"OK: {scenario.settings.name} — {len(scenario.segments)} segments, "
        f"{len(scenario.initiatives)} initiatives"
    )
    return 0


def print_json(obj: Any) -> None:
    """Print strict JSON: NaN and infinities become null."""
    print(json.dumps(_finite(obj), indent=2, ensure_ascii=False))


def _finite(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def _summary(args: argparse.Namespace) -> int:
    case = evaluate(load_scenario(args.file))
    if args.json:
        print_json(case.summary())
        return 0
    s = case.summary()
    cur = s["currency"]

    def money(v: float) -> str:
        return f"{cur} {v:,.0f}"

    def opt(v: float | None, fmt: str, none: str) -> str:
        return none if v is None else format(v, fmt)

    print(f"{s['scenario']}  ({s['horizon_years']}-year horizon, {s['discount_rate']:.0%} discount, risk-adjusted)")
    print(f"  NPV                      {money(s['npv'])}")
    irr = opt(s["irr"], ".1%", "undefined (no rate makes NPV zero)")
    if s["irr"] is not None and not s["irr_unique"]:
        irr += " (ambiguous: several rates make NPV zero)"
    print(f"  IRR                      {irr}")
    print(f"  ROI                      {opt(s['roi'], '.0%', 'undefined (no cost)')}")
    pb = s["payback_months"]
    print(f"  Payback                  {'not within horizon' if pb is None else f'{pb:.1f} months'}")
    print(f"  Incremental revenue      {money(s['incremental_revenue'])}")
    print(f"  Revenue per campaign $1  {opt(s['revenue_per_campaign_dollar'], '.2f', 'n/a (no campaign cost)')}")
    print(f"  Overlap correction       {money(s['overlap_correction'])}")
    print("  Cash flow by year        " + "  ".join(money(v) for v in s["cash_flows"]))
    print()
    print(f"  {'initiative':<32} {'NPV':>14} {'ROI':>8} {'rev/$1':>7} {'payback':>9}")
    for i in s["initiatives"]:
        pbm = "—" if i["payback_months"] is None else f"{i['payback_months']:.0f} mo"
        print(
            f"  {i['name'][:32]:<32} {i['npv']:>14,.0f} {opt(i['roi'], '.0%', '—'):>8} "
            f"{opt(i['revenue_per_campaign_dollar'], '.1f', '—'):>7} {pbm:>9}"
        )
    return 0
