"""``plan-holdout`` and ``analyze-holdout``: a global holdout that proves the programme.

Impossible inputs exit 2 with one line on stderr naming the flag, never a traceback (the flag
checks and the guard of :mod:`roi.commands.experiments`).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..experiments import options as opt
from ..io import load_scenario
from .core import print_json
from .experiments import guard


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan-holdout", help="what a global holdout can detect, when it proves the case, what it costs")
    p.add_argument("file", help="scenario JSON")
    p.add_argument("--holdout-share", type=float, required=True,
                   help="share of the personalizable customers held out, fraction (0.05 = 5%%)")
    p.add_argument("--revenue-sd", type=float,
                   help=f"sd of revenue per customer per year (default {opt.DEFAULT_REVENUE_CV:g} × the mean)")
    p.add_argument("--revenue-mean", type=float,
                   help="revenue per customer per year (default: the scenario's baseline revenue per personalizable customer)")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    p.add_argument("--power", type=float, default=0.8, help="statistical power (default 0.8)")
    p.add_argument("--horizon-weeks", type=float, default=opt.DEFAULT_HORIZON_DAYS / 7,
                   help="longest the holdout may run, in weeks (default 52, at most the case's horizon)")
    p.add_argument("--cuped-rho", type=float, help="correlation with last year's revenue per customer (CUPED)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=guard(_plan_holdout))

    p = sub.add_parser("analyze-holdout", help="the measured programme effect: exposed vs held-out revenue per customer")
    p.add_argument("--exposed", required=True, metavar="N,MEAN,SD",
                   help="exposed customers, their mean and sd of revenue per customer over the period")
    p.add_argument("--holdout", required=True, metavar="N,MEAN,SD", help="held-out customers, mean and sd")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    p.add_argument("--one-sided", action="store_true", help="H1: exposed customers bring more revenue")
    p.add_argument("--scenario", help="scenario JSON: compare the measurement with what the case claims")
    p.add_argument("--period-days", type=float,
                   help="with --scenario: days the holdout measured, from the programme's start (default 365)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=guard(_analyze_holdout))


def _plan_holdout(args: argparse.Namespace) -> int:
    from ..experiments import holdout as ho

    scenario = load_scenario(args.file)
    design = ho.plan_holdout(scenario, holdout_share=args.holdout_share, revenue_mean=args.revenue_mean,
                             revenue_sd=args.revenue_sd, alpha=args.alpha, power=args.power,
                             horizon_days=args.horizon_weeks * 7, cuped_rho=args.cuped_rho)
    if args.json:
        print_json(design.to_dict())
        return 0
    cur = design.currency
    print(f"{scenario.settings.name}: global holdout of {design.holdout_share:.1%} "
          f"({design.holdout_customers:,.0f} of {design.customers:,.0f} personalizable customers)")
    print(f"  revenue per customer: {design.revenue_mean:,.2f} {cur} a year ({design.mean_source}); "
          f"sd {design.revenue_sd:,.2f} ({design.sd_source})")
    print(f"  detectable programme lift after {design.horizon_days // 7} weeks: {design.mde_relative:.2%}")
    if design.days is None:
        print(f"  the case's claimed lift ({design.claimed.lift:.2%}) is not detectable within "
              f"{design.horizon_days // 7} weeks: hold out more customers or run longer")
    else:
        print(f"  proves or refutes the claim of {design.claimed.incremental_revenue:,.0f} {cur} "
              f"({design.claimed.lift:.2%} lift) by day {design.days} (month {design.months:.1f})")
    print(f"  cost of holding out: {design.cost_of_holdout:,.0f} {cur} of incremental benefit forgone over "
          f"{design.duration_days} days")
    return 0


def _arm(text: str, name: str) -> Any:  # roi.experiments.holdout.ArmSummary
    from ..experiments import holdout as ho

    parts = [v.strip() for v in str(text).split(",")]
    if len(parts) != 3:
        raise ValueError(f"{name}: give N,MEAN,SD (customers, mean and sd of revenue per customer), got {text!r}")
    return ho.arm_summary(*parts, name=name)


def _analyze_holdout(args: argparse.Namespace) -> int:
    from ..experiments import holdout as ho

    if args.period_days is not None and args.scenario is None:
        raise ValueError("days: --period-days needs --scenario (the case whose claim it checks)")
    exposed, holdout = _arm(args.exposed, "exposed"), _arm(args.holdout, "holdout")
    readout = ho.analyze_holdout(exposed, holdout, alpha=args.alpha,
                                 alternative="one-sided" if args.one_sided else "two-sided")
    out: dict[str, Any] = readout.to_dict()
    check = None
    if args.scenario is not None:
        scenario = load_scenario(args.scenario)
        claim = ho.claimed_revenue(scenario, 365.0 if args.period_days is None else args.period_days)
        check = ho.check_claim(readout, claim.per_customer, scenario.settings.currency)
        out.update(claimed_revenue_per_customer=check.claimed_per_customer, calibration_factor=check.factor,
                   claim_within_interval=check.within_interval, conclusive=check.conclusive, verdict=check.verdict,
                   period_days=claim.days)
    if args.json:
        print_json(out)
        return 0
    print(readout.decision)
    if check is not None:
        print(check.verdict)
    return 0
