"""``plan-test``, ``analyze-test`` and ``test-plan``: experiment planning from the command line.

Impossible inputs exit 2 with one line on stderr naming the flag, never a traceback. The flag
checks and the guard are shared with :mod:`roi.commands.holdout`.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from ..experiments import options as opt
from ..format import clip
from ..io import load_scenario
from ..schema import MAX_AMOUNT, UPLIFT_MAX
from .core import print_json
from .flags import whole_number

# Parameter names used in roi.experiments error messages → the flags users typed.
_FLAGS = {
    "baseline": "--baseline", "mde": "--mde", "alpha": "--alpha", "power": "--power",
    "variants": "--variants", "method": "--method", "correction": "--correction",
    "daily_traffic": "--daily-traffic", "allocation": "--allocation", "mean": "--mean", "sd": "--sd",
    "visitors_a": "--visitors-a", "conversions_a": "--conversions-a", "visitors_b": "--visitors-b",
    "conversions_b": "--conversions-b", "expected_share_b": "--expected-share-b",
    "shrinkage_prior_sd": "--shrinkage-prior-sd", "horizon_days": "--horizon-weeks",
    "order_value_cv": "--order-value-cv", "looks": "--looks", "spending": "--spending",
    "cuped_rho": "--cuped-rho", "design_effect": "--design-effect", "holdout_share": "--holdout-share",
    "revenue_sd": "--revenue-sd", "revenue_mean": "--revenue-mean", "exposed": "--exposed", "holdout": "--holdout",
    "days": "--period-days", "draws": "--draws", "seed": "--seed", "correlation": "--correlation",
    "months": "--months",
}


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan-test", help="sample size (and duration) of an A/B test")
    metric = p.add_mutually_exclusive_group(required=True)
    metric.add_argument("--baseline", type=float, help="control conversion rate, fraction (0.05 = 5%%)")
    metric.add_argument("--mean", type=float, help="control mean of a continuous metric (needs --sd)")
    p.add_argument("--sd", type=float, help="standard deviation per unit of the continuous metric")
    p.add_argument("--mde", type=float, required=True,
                   help="minimum detectable effect, relative (0.10 = +10%%) unless --absolute")
    p.add_argument("--absolute", action="store_true", help="--mde is absolute (0.01 = +1 point)")
    p.add_argument("--alpha", type=float, default=0.05, help="family-wise significance level (default 0.05)")
    p.add_argument("--power", type=float, default=0.8, help="statistical power (default 0.8)")
    p.add_argument("--variants", type=whole_number, default=2, help="arms including the control (default 2)")
    p.add_argument("--correction", choices=opt.CORRECTIONS, default="sidak",
                   help="multiple-comparison correction for more than one treatment (default sidak)")
    p.add_argument("--one-sided", action="store_true", help="one-sided test (treatment better than control)")
    p.add_argument("--method", choices=opt.METHODS, default="evan-miller", help="sample-size formula")
    p.add_argument("--daily-traffic", type=float, help="eligible visitors per day: adds days and weeks")
    p.add_argument("--allocation", type=float, default=1.0, help="share of traffic in the test (default 1)")
    p.add_argument("--looks", type=whole_number, default=1,
                   help=f"analyses including the final one, 1 to {opt.MAX_LOOKS} (group-sequential; default 1)")
    p.add_argument("--spending", choices=opt.SPENDING, default="obrien-fleming",
                   help="Lan-DeMets alpha-spending function for --looks above 1 (default obrien-fleming)")
    p.add_argument("--cuped-rho", type=float,
                   help="correlation of the metric with its pre-period value: CUPED shrinks the sample by 1 - rho^2")
    p.add_argument("--design-effect", type=float, default=1.0,
                   help="variance inflation when customers are randomised but visits counted (default 1)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=guard(_plan_test))

    p = sub.add_parser("analyze-test", help="z-test of A/B test results (A = control)")
    for arm in ("a", "b"):
        p.add_argument(f"--visitors-{arm}", type=whole_number, required=True, help=f"visitors in arm {arm.upper()}")
        p.add_argument(f"--conversions-{arm}", type=whole_number, required=True, help=f"conversions in arm {arm.upper()}")
    p.add_argument("--alpha", type=float, default=0.05, help="significance threshold (default 0.05)")
    p.add_argument("--one-sided", action="store_true", help="H1: B converts better than A")
    p.add_argument("--expected-share-b", type=float, default=0.5,
                   help="planned share of visitors in B, for the sample-ratio-mismatch check (default 0.5)")
    p.add_argument("--shrinkage-prior-sd", type=float,
                   help="sd of true relative lifts across tests (e.g. 0.05): winner's-curse shrinkage")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=guard(_analyze_test))

    p = sub.add_parser("test-plan", help="which initiatives of a scenario a test can prove, and when")
    p.add_argument("file")
    p.add_argument("--horizon-weeks", type=float, default=6.0, help="longest acceptable test (default 6)")
    p.add_argument("--alpha", type=float, default=0.05)
    p.add_argument("--power", type=float, default=0.8)
    p.add_argument("--method", choices=opt.METHODS, default="evan-miller")
    p.add_argument("--allocation", type=float, default=1.0)
    p.add_argument("--order-value-cv", type=float, default=1.0,
                   help="assumed sd / mean of order value for order-value tests (default 1)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=guard(_test_plan))


def _between(lo: float, hi: float, *, open_lo: bool = False, open_hi: bool = False) -> tuple[Any, str]:
    def ok(v: float) -> bool:
        return (lo < v if open_lo else lo <= v) and (v < hi if open_hi else v <= hi)

    return ok, f"must be between {lo:g} and {hi:g}" + (" (exclusive)" if open_lo and open_hi else "")


def _positive_up_to(hi: float) -> tuple[Any, str]:
    return (lambda v: 0 < v <= hi), f"must be greater than 0 and at most {hi:g}"


def _counts_up_to(hi: float) -> tuple[Any, str]:
    return (lambda v: 0 <= v <= hi), f"must be zero or more and at most {hi:g}"


# Simple range checks on flags, run first so that every bad flag is reported at once (the roi
# functions stop at the first problem). Deeper checks (e.g. conversions ≤ visitors) stay in roi.
_CHECKS: dict[str, tuple[Any, str]] = {
    "baseline": _between(0, 1, open_lo=True, open_hi=True),
    "mde": _positive_up_to(MAX_AMOUNT),
    "alpha": _between(0, 1, open_lo=True, open_hi=True),
    "power": _between(0, 1, open_lo=True, open_hi=True),
    "variants": (lambda v: 2 <= v <= opt.MAX_VARIANTS,
                 f"must be a whole number from 2 (a control and a treatment) to {opt.MAX_VARIANTS}"),
    "allocation": _between(0, 1, open_lo=True),
    "daily_traffic": _positive_up_to(MAX_AMOUNT),
    "sd": _positive_up_to(MAX_AMOUNT),
    "mean": _positive_up_to(MAX_AMOUNT),
    "visitors_a": _counts_up_to(MAX_AMOUNT),
    "visitors_b": _counts_up_to(MAX_AMOUNT),
    "conversions_a": _counts_up_to(MAX_AMOUNT),
    "conversions_b": _counts_up_to(MAX_AMOUNT),
    "expected_share_b": _between(0, 1, open_lo=True, open_hi=True),
    "shrinkage_prior_sd": _positive_up_to(UPLIFT_MAX),
    "horizon_weeks": _positive_up_to(opt.MAX_HORIZON_WEEKS),
    "order_value_cv": _positive_up_to(opt.MAX_ORDER_VALUE_CV),
    "looks": (lambda v: 1 <= v <= opt.MAX_LOOKS, f"must be a whole number from 1 to {opt.MAX_LOOKS}"),
    "cuped_rho": (lambda v: -1 < v < 1, "must be between -1 and 1 (exclusive)"),
    "design_effect": (lambda v: 0 < v <= opt.MAX_DESIGN_EFFECT, f"must be greater than 0 and at most {opt.MAX_DESIGN_EFFECT:g}"),
    "holdout_share": _between(0, 1, open_lo=True, open_hi=True),
    "revenue_sd": _positive_up_to(MAX_AMOUNT),
    "revenue_mean": _positive_up_to(MAX_AMOUNT),
    "period_days": _positive_up_to(opt.MAX_PERIOD_DAYS),
}


def _flag_problems(args: argparse.Namespace) -> list[str]:
    problems = []
    for name, (ok, message) in _CHECKS.items():
        value = getattr(args, name, None)
        # an int is compared exactly (10**400 would overflow a float); a float must be finite
        finite = not isinstance(value, float) or math.isfinite(value)
        if isinstance(value, (int, float)) and not (finite and ok(value)):
            problems.append(f"{_FLAGS.get(name, '--' + name.replace('_', '-'))}: {message}")
    return problems


def guard(handler: Any) -> Any:
    """Turn bad flags and a ValueError from roi into exit 2, one line per problem naming the flag."""

    def run(args: argparse.Namespace) -> int:
        problems = _flag_problems(args)
        if problems:
            for line in problems:
                print(f"python -m roi {args.command}: error: {line}", file=sys.stderr)
            return 2
        try:
            return handler(args)
        except ValueError as exc:
            if hasattr(exc, "problems"):  # ScenarioError: let the CLI print its problems
                raise
            name, sep, rest = str(exc).partition(": ")
            message = f"{_FLAGS[name]}: {rest}" if sep and name in _FLAGS else str(exc)
            print(f"python -m roi {args.command}: error: {message.splitlines()[0]}", file=sys.stderr)
            return 2

    return run


def _plan_test(args: argparse.Namespace) -> int:
    from ..experiments import power as pw
    from ..experiments.planner import plan_test

    common = dict(relative=not args.absolute, alpha=args.alpha, power=args.power,
                  alternative="one-sided" if args.one_sided else "two-sided",
                  variants=args.variants, correction=args.correction)
    if args.mean is not None:
        if args.sd is None:
            raise ValueError("sd: is required with --mean")
        size = pw.sample_size_continuous(args.mean, args.sd, args.mde, **common)
    else:
        if args.sd is not None:
            raise ValueError("sd: only applies to a continuous metric given with --mean")
        size = pw.sample_size(args.baseline, args.mde, method=args.method, **common)
    plan = plan_test(size, cuped_rho=args.cuped_rho, design_effect=args.design_effect, looks=args.looks,
                     spending=args.spending, daily_traffic=args.daily_traffic, allocation=args.allocation)
    out = plan.to_dict()
    out["mde"], out["mde_relative"] = args.mde, not args.absolute
    out["days"] = out["weeks"] = None
    if plan.duration is not None:  # to the maximum sample: the longest the test can run
        dur = plan.duration
        out.update(days=dur.days_exact, days_whole=dur.days, weeks=dur.weeks,
                   daily_traffic=args.daily_traffic, allocation=dur.allocation)
    if args.json:
        print_json(out)
        return 0
    unit = "visitors" if size.metric == "conversion" else "units"
    effect = (f"{size.baseline:.2%} → {size.treatment:.2%}" if size.metric == "conversion"
              else f"{size.baseline:,.2f} → {size.treatment:,.2f}")
    print(f"{size.method}: {effect} ({size.rel_effect:+.1%} relative), α = {size.design.alpha:g} "
          f"{size.design.alternative}, power {size.design.power:.0%}, {size.design.variants} variants")
    if plan.variance_factor != 1 or plan.design_effect != 1:
        print(f"  CUPED (rho = {plan.cuped_rho:g}) × {plan.variance_factor:.3g}, design effect × {plan.design_effect:.3g}")
    print(f"  {plan.n_per_variant:,} {unit} per variant, {out['total_n']:,} in total")
    if plan.looks > 1:
        bounds = ", ".join(f"{z:.3f}" for z in plan.boundaries)
        print(f"  {plan.looks} looks ({args.spending} spending), z boundaries {bounds}; maximum "
              f"{plan.max_n_per_variant:,} per variant (× {plan.sequential.inflation:.3f})")
    print(f"  {plan.unit}")
    if out["days"] is not None:
        print(f"  {out['days']:.1f} days ({out['weeks']:.1f} weeks) at {args.daily_traffic:,.0f} per day "
              f"× {out['allocation']:.0%} allocation")
    return 0


def _analyze_test(args: argparse.Namespace) -> int:
    from ..experiments.analysis import analyze_ab

    r = analyze_ab(args.visitors_a, args.conversions_a, args.visitors_b, args.conversions_b, alpha=args.alpha,
                   alternative="one-sided" if args.one_sided else "two-sided",
                   expected_share_b=args.expected_share_b, shrinkage_prior_sd=args.shrinkage_prior_sd)
    if args.json:
        print_json(r.to_dict())
        return 0
    print(r.decision)
    return 0


def _test_plan(args: argparse.Namespace) -> int:
    from ..experiments.plan import plan_tests

    scenario = load_scenario(args.file)
    plan = plan_tests(scenario, horizon_days=args.horizon_weeks * 7, alpha=args.alpha, power=args.power,
                      method=args.method, allocation=args.allocation, order_value_cv=args.order_value_cv)
    if args.json:
        print_json(plan.to_dict())
        return 0
    print(f"{scenario.settings.name}: tests to prove each uplift (horizon {args.horizon_weeks:g} weeks, "
          f"{plan.tests_per_month:g} tests per month)")
    print(f"  {'initiative':<40} {'metric':<22} {'run wks':>7} {'starts':>7} {'reads out':>10}")
    for t in plan.tests:
        weeks = "—" if t.run_days is None else f"{t.run_days / 7:.1f}" + ("" if t.within_horizon else "!")
        start = "—" if t.start_day is None else f"d{t.start_day:.0f}"
        readout = "—" if t.readout_day is None else f"d{t.readout_day:.0f}"
        print(f"  {clip(t.initiative, 40):<40} {clip(t.metric, 22):<22} {weeks:>7} {start:>7} {readout:>10}")
        if t.reason:
            print(f"      {t.reason}")
    print("  (! = beyond the horizon; days counted from today)")
    for note in plan.notes:
        print(f"  {note}")
    return 0
