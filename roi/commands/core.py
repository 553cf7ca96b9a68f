"""``validate`` and ``summary``: check a scenario file and print its business case."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from ..format import clip, currency_symbol
from ..io import ScenarioError, dumps_scenario, load_scenario, load_scenario_migrated


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check a scenario JSON file")
    p.add_argument("file")
    p.set_defaults(handler=_validate)

    p = sub.add_parser("migrate", help="write a scenario file in the current schema version (same meaning)")
    p.add_argument("file")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(handler=_migrate)

    p = sub.add_parser("summary", help="print the business case of a scenario")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=_summary)


def _validate(args: argparse.Namespace) -> int:
    scenario, migration = load_scenario_migrated(args.file)
    print(
        f"OK: {scenario.settings.name} — {len(scenario.segments)} segments, "
        f"{len(scenario.initiatives)} initiatives"
        + (f"; {migration.message()} — `python -m roi migrate {args.file}` writes it" if migration.changed else "")
    )
    return 0


def _migrate(args: argparse.Namespace) -> int:
    scenario, migration = load_scenario_migrated(args.file)
    text = dumps_scenario(scenario) + "\n"
    if args.output:
        write_output(args.output, text.encode("utf-8"))
        print(f"{args.output}: {migration.message() if migration.changed else 'already the current schema version'}",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
        if migration.changed:
            print(migration.message(), file=sys.stderr)
    return 0


def write_output(path: str, data: bytes) -> None:
    """Write a command's output file; a path that cannot be written is a problem (exit 2), not a traceback."""
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise ScenarioError([f"output: cannot write {path} ({exc.strerror})"]) from None


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
    from ..model import evaluate  # numpy and pandas: only the commands that evaluate load them

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
    sym = currency_symbol(cur)
    print(f"  Revenue per {sym}1 campaign  {opt(s['revenue_per_campaign_dollar'], '.2f', 'n/a (no campaign cost)')}"
          f"  (initiatives with campaign cost; {money(s['revenue_without_campaign_cost'])} of revenue has none)")
    bhv = s["beyond_horizon_value"]
    if bhv:
        print(f"  Value beyond horizon     {money(bhv)} ({'counted in NPV' if s['include_beyond_horizon'] else 'not in NPV'})")
    print(f"  Overlap correction       {money(s['overlap_correction'])}")
    print("  Cash flow by year        " + "  ".join(money(v) for v in s["cash_flows"]))
    print()
    print(f"  {'initiative':<32} {'NPV':>14} {'ROI':>8} {'rev/' + sym + '1':>7} {'payback':>9}")
    for i in s["initiatives"]:
        pbm = "—" if i["payback_months"] is None else f"{i['payback_months']:.0f} mo"
        print(
            f"  {clip(i['name'], 32):<32} {i['npv']:>14,.0f} {opt(i['roi'], '.0%', '—'):>8} "
            f"{opt(i['revenue_per_campaign_dollar'], '.1f', '—'):>7} {pbm:>9}"
        )
    return 0
