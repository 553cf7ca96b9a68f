"""What the deck and the PDF brief say, gathered once from the named ``roi`` functions.

Nothing here decides anything: the verdict is :func:`roi.verdict.verdict` (risk-adjusted NPV and
the Monte Carlo's chance of losing money), the plan is :func:`roi.plan.recommend` (carried by the
analyses), what would change our mind is :func:`roi.whatif.what_ifs`, the range is the Risk
page's pessimistic … optimistic cases (:func:`roi.uncertainty.cases`). Every figure is formatted by
:mod:`roi.format` in the scenario's currency.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from .. import format as fmt
from ..evidence import evidence_text
from ..model import BusinessCase, evaluate
from ..schema import Initiative, Scenario
from ..verdict import MATERIAL_LOSS, Verdict, verdict
from ..version import __version__
from ..whatif import WhatIf, what_ifs
from .analyses import Analyses, Risk, run_analyses

RISK_NOTE = ("The Monte Carlo and the pessimistic … optimistic cases run on the model before the TEI risk "
             "adjustment (their ranges are the risk); the headline NPV is risk-adjusted.")


@dataclass(frozen=True)
class Content:
    """The shared content of the deck and the brief. Money in the scenario's currency."""

    scenario: Scenario
    case: BusinessCase
    analyses: Analyses
    verdict: Verdict
    what_ifs: list[WhatIf]
    low: BusinessCase  # pessimistic case (every driver at its worse end, before risk adjustment)
    high: BusinessCase  # optimistic case
    made_on: date

    @property
    def currency(self) -> str:
        return self.scenario.settings.currency

    def money(self, value: float | None) -> str:
        return fmt.money(value, self.currency)

    @property
    def name(self) -> str:
        return self.scenario.settings.name

    def verdict_line(self) -> str:
        """``Not worth it as planned: risk-adjusted NPV -€1.0M`` (the verdict word first)."""
        return f"{self.verdict.label}: risk-adjusted NPV {self.money(self.case.npv)}"

    def verdict_reason(self) -> str:
        """Why, in one sentence, with the rule."""
        v = self.verdict
        p = v.prob_loss
        # the draws vary the ranges before the TEI haircut (the ranges are the risk): said at once,
        # or a CFO reads an 88% chance of making money beside "not worth it" as a contradiction
        chance = "" if p is None else f"; chance of losing money {fmt.pct(p)} (Monte Carlo, before risk adjustment)"
        if v.kind == "not_worth_it":
            rule = "the risk-adjusted NPV is zero or less"
        elif v.kind == "marginal":
            rule = f"positive, but the chance of losing money is {fmt.pct(MATERIAL_LOSS, 0)} or more"
        else:
            rule = f"positive, and the chance of losing money is under {fmt.pct(MATERIAL_LOSS, 0)}"
        return f"Rule: {rule}{chance}."

    def range_line(self) -> str:
        return (f"Range {self.money(self.low.npv)} (pessimistic) … {self.money(self.high.npv)} (optimistic), "
                "before risk adjustment")

    def monte_carlo_line(self) -> str | None:
        r = self.analyses.risk
        if r is None:
            return None
        sim = r.simulation
        p10, p50, p90 = sim.quantiles((0.1, 0.5, 0.9))
        return (f"Monte Carlo NPV P10 {self.money(p10)} · P50 {self.money(p50)} · "
                f"P90 {self.money(p90)}; chance of losing money {fmt.pct(sim.prob_npv_negative)} "
                "(before risk adjustment)")

    def plan_sentence(self) -> str:
        return self.analyses.plan.sentence(self.currency)

    def first_moves(self, k: int = 3) -> list[str]:
        return self.analyses.plan.first(k)

    def figures(self) -> list[tuple[str, str]]:
        """Headline figures as (label, value) pairs."""
        c, T = self.case, self.scenario.settings.horizon_years
        return [
            ("NPV, risk-adjusted", self.money(c.npv)),
            ("ROI", fmt.pct(c.roi, 0) if c.roi is not None else "undefined (no cost)"),
            ("IRR", fmt.irr(c.irr, c.irr_unique) if c.irr is not None else "undefined"),
            ("Payback", fmt.months(c.payback_months)),
            (f"Incremental revenue over {T} years", self.money(c.incremental_revenue)),
            (f"Revenue {fmt.per_unit(self.currency)} of campaign cost", fmt.ratio(c.revenue_per_campaign_dollar)
             + " (benchmark ≈ 6 : 1)"),
        ]

    def what_if_lines(self, k: int = 4) -> list[str]:
        return [f"{w.label}: NPV {self.money(w.npv)} ({'+' if w.change >= 0 else ''}{self.money(w.change)})"
                for w in self.what_ifs[:k]]

    def source_line(self) -> str:
        s = self.scenario.settings
        return (f"Source: roi {__version__} model of “{s.name}”, {s.horizon_years}-year horizon, "
                f"{fmt.pct(s.discount_rate, 0)} discount rate, {s.currency}; {self.made_on.isoformat()}")

    def _case_wide(self) -> list[tuple[str, str, str]]:
        s, p, m = self.scenario.settings, self.scenario.process, self.money
        return [
            ("Discount rate", fmt.pct(s.discount_rate, 0), s.source_of("discount_rate")),
            ("Benefit risk (assumed / benchmark / measured uplifts)",
             f"−{fmt.pct(s.benefit_risk_assumed, 0)} / −{fmt.pct(s.benefit_risk_benchmark, 0)} / "
             f"−{fmt.pct(s.benefit_risk_measured, 0)}", s.source_of("benefit_risk_assumed")),
            ("Cost risk", f"+{fmt.pct(s.cost_risk, 0)}", s.source_of("cost_risk")),
            ("Programme team per year", m(p.team_annual_cost), p.source_of("team_annual_cost")),
            ("Platform per year / implementation", f"{m(p.platform_annual_cost)} / {m(p.platform_one_time_cost)}",
             p.source_of("platform_annual_cost")),
        ]

    def key_assumptions(self, first: int = 3) -> list[tuple[str, str, str]]:
        """(assumption, value, source or evidence) rows the case rests on, short enough for one slide:
        the finance settings and shared costs; the uplifts of the plan's ``first`` moves; every
        initiative's uplifts and costs and the audience as totals, with how many are sourced (each
        one by one in :meth:`initiative_assumptions` and :meth:`segment_assumptions`)."""
        sc, m = self.scenario, self.money
        inis, segs = sc.initiatives, sc.segments
        rows = self._case_wide()
        by_name = {i.name: i for i in inis}
        rows += [_uplift_row(by_name[name], "Do first — ") for name in self.first_moves(first)]
        if inis:
            kinds = [i.evidence.kind.value for i in inis]
            mix = ", ".join(f"{kinds.count(k)} {k}" for k in ("measured", "benchmark", "assumed") if kinds.count(k))
            base = [i.uplift.base for i in inis]
            rows.append((f"Uplifts of all {len(inis)} initiatives", f"{fmt.pct(min(base))} … {fmt.pct(max(base))} "
                         "(base)", mix))
            sourced = sum(1 for i in inis if i.source_of("one_time_cost") != "assumption")
            rows.append((f"Costs of all {len(inis)} initiatives",
                         f"{m(sum(i.one_time_cost for i in inis))} one-time; "
                         f"{m(sum(i.annual_running_cost for i in inis))} running and "
                         f"{m(sum(i.variable_campaign_cost for i in inis))} campaign per year",
                         _sourced(sourced, len(inis))))
        if segs:
            reach = sum(seg.customers * seg.personalizable_share for seg in segs)
            sourced = sum(1 for seg in segs if self._segment_source(seg) != "assumption")
            rows.append((f"Audience: {len(segs)} segment{'s' if len(segs) != 1 else ''}",
                         f"{fmt.number(reach)} personalizable of {fmt.number(sum(seg.customers for seg in segs))} "
                         "customers", _sourced(sourced, len(segs))))
        return rows

    def initiative_assumptions(self) -> list[list[str]]:
        """One row per initiative: name, lever, base uplift, low … high, one-time cost, running and
        campaign cost per year, evidence (kind, source, note) — the appendix's table."""
        m = self.money
        return [[ini.name, fmt.label(ini.lever), fmt.pct(ini.uplift.base),
                 f"{fmt.pct(ini.uplift.low)} … {fmt.pct(ini.uplift.high)}", m(ini.one_time_cost),
                 m(ini.annual_running_cost), m(ini.variable_campaign_cost), evidence_text(ini.evidence)]
                for ini in self.scenario.initiatives]

    @staticmethod
    def _segment_source(seg) -> str:  # noqa: ANN001 - a roi.schema.Segment
        return seg.sources.get("identifiable_share") or seg.sources.get("customers") or seg.source_of("customers")

    def segment_assumptions(self) -> list[list[str]]:
        """One row per segment: name, customers, personalizable share, source — the appendix's table."""
        return [[seg.name, fmt.number(seg.customers), fmt.pct(seg.personalizable_share, 0), self._segment_source(seg)]
                for seg in self.scenario.segments]

    def detail_assumptions(self, shown: Collection[str] = ()) -> list[tuple[str, str, str]]:
        """(assumption, value, source or evidence) rows of each initiative (uplift, costs) and segment;
        the uplifts of the initiatives named in ``shown`` are left out (already shown, as the
        first moves' rows of :meth:`key_assumptions`)."""
        sc, m = self.scenario, self.money
        rows: list[tuple[str, str, str]] = []
        for ini in sc.initiatives:
            if ini.name not in shown:
                rows.append(_uplift_row(ini))
            rows.append((f"{ini.name}: costs", f"{m(ini.one_time_cost)} one-time; {m(ini.annual_running_cost)} running "
                         f"and {m(ini.variable_campaign_cost)} campaign per year", ini.source_of("one_time_cost")))
        for seg in sc.segments:
            rows.append((f"{seg.name}: personalizable customers",
                         f"{fmt.pct(seg.personalizable_share, 0)} of {fmt.number(seg.customers)}",
                         self._segment_source(seg)))
        return rows


def _uplift_row(ini: Initiative, prefix: str = "") -> tuple[str, str, str]:
    """An initiative's uplift assumption: base (low … high) and its evidence."""
    return (f"{prefix}{ini.name}: uplift ({fmt.label(ini.lever)})",
            f"{fmt.pct(ini.uplift.base)} ({fmt.pct(ini.uplift.low)} … {fmt.pct(ini.uplift.high)})",
            evidence_text(ini.evidence))


def _sourced(k: int, n: int) -> str:
    """How many of ``n`` values name a source: "assumption" when none does."""
    if k == 0:
        return "assumption"
    return "every one sourced" if k == n else f"{k} of {n} sourced; the rest assumption"


def gather(scenario: Scenario, case: BusinessCase | None = None, analyses: Analyses | None = None) -> Content:
    """Everything the deck and the brief show (runs the analyses unless given)."""
    case = evaluate(scenario) if case is None else case
    a = run_analyses(scenario, case) if analyses is None else analyses
    return _content(scenario, case, a, what_ifs(scenario))


def with_risk(c: Content, risk: Risk) -> Content:
    """``c`` with the risk analyses ``risk`` (:func:`roi.export.analyses.risk_analyses`): the verdict,
    the range and the Monte Carlo from them — what :func:`gather` gives with them in its analyses."""
    return _content(c.scenario, c.case, dataclasses.replace(c.analyses, risk=risk), c.what_ifs, c.made_on)


def _content(scenario: Scenario, case: BusinessCase, a: Analyses, wi: list[WhatIf],
             made_on: date | None = None) -> Content:
    prob = a.risk.simulation.prob_npv_negative if a.risk is not None else None
    if a.risk is not None:
        low, high = a.risk.cases.pessimistic, a.risk.cases.optimistic
    else:
        from ..uncertainty import cases

        c = cases(scenario)
        low, high = c.pessimistic, c.optimistic
    return Content(scenario, case, a, verdict(case.npv, prob), wi, low, high, made_on or date.today())
