"""``simulate``, ``sensitivity``, ``breakeven`` and ``delay``: uncertainty and the cost of waiting.

JSON contracts (keys relied on by scripts): ``simulate --json`` prints one object with at least
``draws``, ``seed``, ``npv_p10``, ``npv_p50``, ``npv_p90``, ``prob_npv_negative``;
``sensitivity --json`` prints the tornado rows, a list of objects with at least ``driver``,
``npv_low``, ``npv_high``, ``swing`` (largest swing first). The Monte Carlo and the tornado run on
the model before risk adjustment (the ranges are the risk); ``simulate --json`` also says where the
headline risk-adjusted NPV sits (``risk_adjusted_npv_percentile``) and echoes ``correlation``.
"""

from __future__ import annotations

import argparse

from ..format import clip
from ..io import load_scenario
from ..uncertainty import DEFAULT_DRAWS, DEFAULT_SEED, DISTRIBUTIONS
from ..uncertainty.defaults import MAX_DELAY_MONTHS, MAX_DRAWS, MAX_SEED
from .core import print_json
from .experiments import guard
from .flags import whole


def _ranges(args: argparse.Namespace):  # -> Ranges | None
    from ..uncertainty import Ranges

    return Ranges.none() if args.stated_ranges_only else None


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1 (got {text!r})") from None
    if not (0.0 <= value <= 1.0):
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (got {text})")
    return value


def add_commands(sub: argparse._SubParsersAction) -> None:
    ranges_help = "vary only the ranges stated in the scenario (uplifts), not the assumed ±ranges"

    p = sub.add_parser("simulate", help="Monte Carlo: NPV distribution, P10/P50/P90, odds of losing money")
    p.add_argument("file")
    p.add_argument("--draws", type=whole(1, MAX_DRAWS), default=DEFAULT_DRAWS,
                   help=f"number of draws, 1 to {MAX_DRAWS:,} (default {DEFAULT_DRAWS:,}; fewer for a large case: "
                        "the draws must fit the memory budget)")
    p.add_argument("--seed", type=whole(0, MAX_SEED), default=DEFAULT_SEED,
                   help=f"random seed, 0 to {MAX_SEED:,} (default {DEFAULT_SEED}); same seed, same answer")
    p.add_argument("--distribution", choices=DISTRIBUTIONS, default="pert", help="distribution over low/base/high")
    p.add_argument("--stated-ranges-only", action="store_true", help=ranges_help)
    p.add_argument("--correlation", type=_fraction, default=None,
                   help="correlation ρ (0–1) between uplifts, drawn through a common factor "
                   "(default: the scenario's settings.uplift_correlation)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=guard(_simulate))

    p = sub.add_parser("sensitivity", help="tornado: NPV swing per driver, largest first")
    p.add_argument("file")
    p.add_argument("--metric", choices=("npv", "roi"), default="npv", help="sort by the swing of NPV or ROI")
    p.add_argument("--stated-ranges-only", action="store_true", help=ranges_help)
    p.add_argument("--json", action="store_true", help="the tornado rows as a JSON list")
    p.set_defaults(handler=_sensitivity)

    p = sub.add_parser("breakeven", help="uplift and cost at which NPV = 0, per initiative and programme")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="one JSON list on stdout")
    p.set_defaults(handler=_breakeven)

    p = sub.add_parser("delay", help="cost of delay: NPV forgone per month, and NPV by start month")
    p.add_argument("file")
    p.add_argument("--months", type=whole(1, MAX_DELAY_MONTHS), default=24,
                   help=f"longest delay shown, 1 to {MAX_DELAY_MONTHS} months (default 24)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=guard(_delay))


def _simulate(args: argparse.Namespace) -> int:
    from ..uncertainty import simulate

    scenario = load_scenario(args.file)
    sim = simulate(scenario, draws=args.draws, seed=args.seed, distribution=args.distribution, ranges=_ranges(args),
                   correlation=args.correlation)
    s = sim.summary()
    if args.json:
        print_json(s)
        return 0
    cur = s["currency"]
    print(f"{scenario.settings.name}: {s['draws']:,} draws, seed {s['seed']}, {s['distribution']}, uplifts correlated "
          f"ρ = {s['correlation']:g}; before risk adjustment (the ranges are the risk)")
    print(f"  NPV P10 / P50 / P90   {cur} {s['npv_p10']:,.0f} / {s['npv_p50']:,.0f} / {s['npv_p90']:,.0f}")
    print(f"  Base-case NPV         {cur} {s['base_npv']:,.0f}")
    print(f"  Headline (TEI) NPV    {cur} {s['risk_adjusted_npv']:,.0f}, at percentile "
          f"{s['risk_adjusted_npv_percentile']:.0f} of the distribution")
    print(f"  P(NPV < 0)            {s['prob_npv_negative']:.1%}")
    print(f"  P(payback in horizon) {s['prob_payback_within_horizon']:.1%}")
    print(f"  Variance explained by (linear R² {s['r_squared']:.2f}):")
    for c in s["variance_contributions"][:8]:
        print(f"    {c['share']:6.1%}  {c['label']}")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    from ..uncertainty import tornado

    t = tornado(load_scenario(args.file), ranges=_ranges(args), metric=args.metric)
    if args.json:
        print_json([r.as_dict() for r in t.rows])
        return 0
    print(f"Base NPV {t.base_npv:,.0f}; swing of {t.metric.upper()} when each driver moves low → high:")
    for r in t.rows:
        print(f"  {r.label[:48]:<48} {r.npv_low:>14,.0f} {r.npv_high:>14,.0f}  swing {r.swing:>13,.0f}")
    return 0


def _breakeven(args: argparse.Namespace) -> int:
    from ..uncertainty import breakeven

    rows = breakeven(load_scenario(args.file))
    if args.json:
        print_json([r.as_dict() for r in rows])
        return 0
    print(f"  {'':<34} {'NPV':>13} {'uplift':>8} {'breakeven':>10} {'margin':>8} {'cost ×':>7}")
    for r in rows:
        be = "—" if r.breakeven_uplift is None else f"{r.breakeven_uplift:.4g}"
        mg = "—" if r.uplift_margin is None else f"{r.uplift_margin:.0%}"
        cm = "—" if r.breakeven_cost_multiplier is None else f"{r.breakeven_cost_multiplier:.2f}"
        print(f"  {r.name[:34]:<34} {r.npv:>13,.0f} {r.base_uplift:>8.4g} {be:>10} {mg:>8} {cm:>7}")
    print("  (programme: uplift is a multiplier on every initiative's uplift)")
    return 0


def _delay(args: argparse.Namespace) -> int:
    import numpy as np

    from ..uncertainty import delay_curve

    curve = delay_curve(load_scenario(args.file), np.arange(0, args.months + 1, dtype=float))
    if args.json:
        print_json(curve.summary())
        return 0
    print(f"  Programme: {curve.programme_cost_per_month:,.0f} of NPV forgone per month of delay")
    for name, v in sorted(curve.cost_per_month.items(), key=lambda kv: -kv[1]):
        print(f"  {clip(name, 40):<40} {v:>12,.0f} per month")
    return 0
