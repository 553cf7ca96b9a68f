"""The deck's slides, in order, from the shared content (:mod:`roi.export.content`).

Title (with the verdict); executive summary (verdict, NPV with its range, the plan's first moves,
what would change our mind); business case by component; impact vs resource cost; roadmap; risk;
test plan; the assumptions the case rests on, with sources (costs too); appendix (per-initiative
figures, cash flow by year, every initiative's and segment's assumptions, every test when the
Test plan slide shows only the first). Every figure slide has
a source footer and speaker notes that state the assumptions behind it.
"""

from __future__ import annotations

from collections.abc import Sequence

from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from ... import format as fmt
from .. import textfit
from ..content import RISK_NOTE, Content
from . import charts
from .template import (BODY_BOTTOM, BODY_TOP, GREY, HEIGHT, INSET_Y, LAYOUT_TITLE, LEAD_H, LEAD_TOP, MARGIN, NAVY,
                       WIDTH, Deck, pt)

FULL_W = WIDTH - 2 * MARGIN
BODY_H = BODY_BOTTOM - BODY_TOP
VERDICT_FILL = {"worth_it": "E2F0D9", "marginal": "FFF2CC", "not_worth_it": "FBE5D6"}


def _rows_that_fit(labels: list[str], height: int, label_width_pt: float) -> int:
    """How many bars of a horizontal bar chart ``height`` tall can carry their (wrapped) labels."""
    lines = max((len(textfit.wrap(t, label_width_pt, charts.TEXT_PT)) for t in labels), default=1)
    return min(len(labels), charts.max_steps(height, lines))


def _lead(d: Deck, s, text: str) -> None:
    d.text(s, text, MARGIN, LEAD_TOP, FULL_W, LEAD_H, max_size=18, min_size=13, color=GREY)


def _figure(d: Deck, c: Content, name: str, title: str, lead: str, notes: str):
    s = d.new_slide(name, title, footer=c.source_line(), figure=True)
    _lead(d, s, lead)
    d.notes(s, notes)
    return s


def title_slide(d: Deck, c: Content) -> None:
    from pptx.dml.color import RGBColor

    s = d.new_slide("Title", c.name, layout=LAYOUT_TITLE)
    st = c.scenario.settings
    title = s.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, Inches(1.2), FULL_W, Inches(2.0)
    d.fill(title, c.name, max_size=40, min_size=24, bold=True, color=NAVY, notes_slide=s, anchor=MSO_ANCHOR.BOTTOM)
    sub = next(p for p in s.placeholders if p.placeholder_format.idx == 1)
    sub.left, sub.top, sub.width, sub.height = MARGIN, Inches(3.5), FULL_W, Inches(2.6)
    f = d.fill(sub, f"{c.verdict_line()}\n{c.verdict_reason()}\nPersonalization business case — "
                    f"{st.horizon_years}-year "
                f"horizon, {fmt.pct(st.discount_rate, 0)} discount rate, {st.currency}, risk-adjusted (TEI). "
                f"{c.made_on.isoformat()}", max_size=22, min_size=14, color=GREY, notes_slide=s)
    # the coloured box as tall as its text (not a half-empty 2.6 in block)
    sub.height = min(sub.height, int(Pt(textfit.height(len(f.lines), f.size))) + 2 * INSET_Y + int(Pt(8)))
    sub.fill.solid()
    sub.fill.fore_color.rgb = RGBColor.from_string(VERDICT_FILL[c.verdict.kind])
    d.notes(s, f"Verdict rule (roi.verdict): not worth it when the risk-adjusted NPV is zero or less; marginal when "
               f"positive but the chance of losing money is 10% or more; worth it otherwise. {RISK_NOTE}")


def executive_summary(d: Deck, c: Content) -> None:
    s = _figure(d, c, "Executive summary", "Executive summary", c.verdict_line() + ". " + c.verdict_reason(),
                f"{RISK_NOTE} Range: the Risk page's pessimistic and optimistic cases (every driver at its worse / "
                f"better end at once). Plan: roi.plan.recommend under the scenario's capacity and budgets. What would "
                f"change our mind: roi.whatif.what_ifs, each one change re-evaluated with the same model.")
    col_w = (FULL_W - Inches(0.4)) // 2
    left, right = MARGIN, MARGIN + col_w + Inches(0.4)
    y = BODY_TOP
    numbers = [f"NPV {c.money(c.case.npv)} (risk-adjusted)", c.range_line()]
    mc = c.monte_carlo_line()
    if mc:
        numbers.append(mc)
    numbers += [f"{label}: {value}" for label, value in c.figures()[1:4]]
    d.text(s, "The case", left, y, col_w, Inches(0.45), max_size=18, min_size=16, bold=True, color=NAVY)
    d.text(s, "\n".join(numbers), left, y + Inches(0.45), col_w, BODY_H - Inches(0.45), max_size=18, min_size=12,
           gap=0.4)
    plan = c.analyses.plan
    first = c.first_moves()
    moves = (["Do first: " + "; ".join(f"{k}. {n}" for k, n in enumerate(first, start=1))] if first
             else ["No plan covers the shared programme costs."])
    if plan.dropped:
        moves.append("Drop: " + "; ".join(plan.dropped))
    moves.append(f"Recommended plan NPV {c.money(plan.plan_npv)} vs {c.money(plan.as_planned_npv)} as planned")
    half = (BODY_H - Inches(0.9)) // 2
    d.text(s, "The recommended plan", right, y, col_w, Inches(0.45), max_size=18, min_size=16, bold=True, color=NAVY)
    d.text(s, "\n".join(moves), right, y + Inches(0.45), col_w, half, max_size=18, min_size=12, gap=0.4)
    y2 = y + Inches(0.45) + half
    d.text(s, "What would change our mind", right, y2, col_w, Inches(0.45), max_size=18, min_size=16, bold=True,
           color=NAVY)
    d.text(s, "\n".join(c.what_if_lines(4)), right, y2 + Inches(0.45), col_w, BODY_BOTTOM - y2 - Inches(0.45),
           max_size=16, min_size=12, gap=0.4)


def business_case(d: Deck, c: Content) -> None:
    case = c.case
    s = _figure(d, c, "Business case by component", "Business case by component",
                f"Each initiative's NPV after the shared programme costs; the programme NPV is "
                f"{c.money(case.npv)} (present values, risk-adjusted, {c.currency})",
                f"Shared programme costs (team, platform) belong to the programme, not to any initiative: programme "
                f"NPV = Σ initiative NPVs − PV(shared costs) = {c.money(case.npv)}. Benefits are incremental gross "
                f"profit plus savings, each reduced by the risk of the evidence behind its uplift; costs raised by "
                f"{fmt.pct(c.scenario.settings.cost_risk, 0)}.")
    others = charts.waterfall(s, case, (MARGIN, BODY_TOP, FULL_W, BODY_H), label_width_pt=pt(FULL_W) * 0.28)
    if others:
        d.notes(s, f"Other {len(others)} initiatives (one bar on the slide; each in the appendix): "
                   + "; ".join(others))


def impact(d: Deck, c: Content) -> None:
    a = c.analyses
    if a.scores is None or a.plan is None:
        return
    table = a.plan.table()
    numbers = dict(zip(table["initiative"], table["#"]))
    effort = a.resource == "effort"
    impact_text = {"npv": "risk-adjusted NPV of the initiative on its own",
                   "profit": "incremental profit over the horizon, before the shared programme costs"}
    s = _figure(d, c, "Impact vs resource cost", "Impact vs resource cost",
                f"Which initiatives bring the most value for the least {'effort' if effort else 'cost'}; "
                "numbers are the plan's rows",
                f"Impact = {impact_text[c.scenario.plan.impact]}; resource cost = "
                f"{'effort in FTE-months' if effort else 'total cost over the horizon'}. "
                + (f"{a.resource_note} " if a.resource_note else "")
                + "Quadrants split at the portfolio medians: quick wins, big bets, fill-ins, money pits. An initiative "
                "that loses money is always a money pit.")
    chart_w = int(FULL_W * 0.58)
    unlabelled = charts.impact_effort(s, a.scores, numbers, c.currency,
                                      (MARGIN, BODY_TOP, chart_w, BODY_H - Inches(0.45)),
                                      impact=c.scenario.plan.impact, resource=a.resource)
    if unlabelled:
        d.notes(s, f"Points too crowded to number on the chart ({len(unlabelled)}): " + "; ".join(
            f"{numbers.get(n, '')}. {n}" for n in unlabelled))
    present = [q for q in charts.QUADRANT_COLOURS if (a.scores["quadrant"] == q).any()]
    charts.quadrant_legend(s, present, (MARGIN, BODY_BOTTOM - Inches(0.45), chart_w, Inches(0.45)))
    # the value each point is plotted at (not the plan's NPV, which re-times the initiative): the
    # table is the chart's key, so a number and its point must agree
    plotted = dict(zip(a.scores["initiative"], a.scores["impact"]))
    rows = [[str(r["#"]), r["initiative"], fmt.label(r["status"]), c.money(plotted[r["initiative"]])]
            for _, r in table.iterrows()]
    left = MARGIN + chart_w + Inches(0.25)
    value_head = "NPV alone" if c.scenario.plan.impact == "npv" else "Profit"
    rest = d.table(s, ["#", "Initiative", "Plan", value_head], rows, left, BODY_TOP, FULL_W - chart_w - Inches(0.25),
                   BODY_H, [0.5, 3.6, 1.0, 1.3], size=13, min_size=10, money_cols=(3,))
    if rest:
        d.notes(s, "Rows not shown: " + "; ".join(f"{r[0]}. {r[1]} ({r[2]}, {r[3]})" for r in rest))


def roadmap(d: Deck, c: Content) -> None:
    plan = c.analyses.plan
    if plan is None:
        return
    do = sorted(plan.do, key=lambda p: (p.launch_month, p.order))
    T = c.scenario.settings.horizon_years
    s = _figure(d, c, "Roadmap", "Roadmap: the recommended plan",
                f"Plan NPV {c.money(plan.plan_npv)} vs {c.money(plan.as_planned_npv)} as planned; "
                f"{plan.constraints.capacity_fte:g} FTEs build one initiative after another",
                f"The team builds the plan in order at full capacity ({plan.constraints.capacity_fte:g} FTEs); each "
                f"initiative launches at the later of its own months to launch and the month it is built. "
                f"Search: {plan.method}. Deferred: {', '.join(plan.deferred) or 'none'}. Dropped: "
                f"{', '.join(plan.dropped) or 'none'}.")
    side_w = Inches(3.3)
    chart_w = FULL_W - side_w - Inches(0.2)
    shown = do
    if do:
        label_w = pt(chart_w) * 0.3
        labels = [f"{p.order}. {p.name}" for p in do]
        n = _rows_that_fit(labels, BODY_H - charts.KEY_H, label_w)
        shown, labels = do[:n], labels[:n]
        build = [max((p.launch_month or 0) - (p.start_month or 0), 0.0) for p in shown]
        live = [max(12 * T - (p.launch_month or 0), 0.0) for p in shown]
        charts.gantt(s, labels, [p.start_month or 0 for p in shown], [build, live],
                     ["Build and wait to launch", "Live"], [charts.OKABE_ITO["orange"], charts.OKABE_ITO["blue"]],
                     "Months from the start of year 1", (MARGIN, BODY_TOP, chart_w, BODY_H), label_width_pt=label_w,
                     maximum=12 * T)
    lines = [f"{p.name}: launch month {p.launch_month:.0f}, NPV {c.money(p.npv)}" for p in shown] or ["Nothing to do."]
    if len(shown) < len(do):
        lines.append(f"… and {len(do) - len(shown)} more, launching by month "
                     f"{max(p.launch_month or 0 for p in do):.0f} (all in the notes)")
        d.notes(s, "The plan in order: " + "; ".join(f"{p.order}. {p.name}: launch month {p.launch_month:.0f}, "
                                                     f"NPV {c.money(p.npv)}" for p in do))
    for word, names in (("Deferred", plan.deferred), ("Dropped", plan.dropped)):
        if names:  # a long list would push the plan off the slide: the notes name them all
            listed = "; ".join(names) if len(names) <= 4 else f"{len(names)} initiatives (in the notes)"
            lines.append(f"{word}: {listed}")
    d.text(s, "\n".join(lines), MARGIN + chart_w + Inches(0.2), BODY_TOP, side_w, BODY_H, max_size=14, min_size=11,
           gap=0.4)


def risk(d: Deck, c: Content) -> None:
    r = c.analyses.risk
    if r is None:
        return
    sim = r.simulation
    dist = "PERT" if r.distribution == "pert" else r.distribution
    s = _figure(d, c, "Risk", "Risk: what decides the case, and the range",
                f"{c.monte_carlo_line()}. The headline NPV {c.money(c.case.npv)} is risk-adjusted; these ranges are "
                "before risk adjustment (they are the risk)",
                f"{RISK_NOTE} Monte Carlo: {r.draws:,} draws, seed {r.seed}, {dist} distributions, uplifts "
                f"correlated ρ = {sim.correlation:g}. Ranges: {r.ranges_text()}. Reproduce: {r.simulate_command}. "
                f"The headline risk-adjusted NPV sits at percentile {sim.risk_adjusted_npv_percentile:.0f}.")
    half = (FULL_W - Inches(0.3)) // 2
    charts.tornado(s, r.tornado.rows, r.tornado.base_npv, c.currency, (MARGIN, BODY_TOP, half, BODY_H),
                   label_width_pt=pt(half) * 0.45)
    charts.histogram(s, sim.npv, c.currency, (MARGIN + half + Inches(0.3), BODY_TOP, half, BODY_H))


def test_plan(d: Deck, c: Content) -> None:
    tp = c.analyses.test_plan
    if tp is None:
        return
    s = _figure(d, c, "Test plan", "Test plan: prove each uplift before it counts",
                f"An A/B test per initiative (generic vs personalized), α = {tp.alpha:g}, power {tp.power:g}; "
                f"longest acceptable test {tp.horizon_days:g} days; in the plan's order",
                "Every claimed uplift is a hypothesis until a test measures it. Sample size from the baseline, the "
                "expected uplift as the minimum detectable effect, α and power (roi.experiments.plan_tests); the "
                "schedule respects the team's tests per month. Tests are listed in the plan's order, so the first "
                "moves' tests come first.")
    frame = tp.to_frame()
    rows = _test_rows(c)
    table_w = int(FULL_W * 0.56)
    rest = d.table(s, TEST_HEADER, rows, MARGIN, BODY_TOP, table_w, BODY_H, [3.2, 2.0, 1.0, 1.4, 0.9, 0.9],
                   size=12, min_size=10)
    if rest:
        d.carried["tests"] = rows
        d.notes(s, f"The first {len(rows) - len(rest)} of {len(rows)} tests; every test is in the appendix "
                   "(Appendix: test plan). Not on this slide: " + "; ".join(r[0] for r in rest))
    sched = frame[frame["start_day"].notna() & frame["readout_day"].notna()] if "start_day" in frame else frame[:0]
    shown_tests = [r[0] for r in rows[: len(rows) - len(rest)]]
    rank = {name: k for k, name in enumerate(shown_tests)}
    sched = sched[sched["initiative"].isin(rank)]  # the chart's rows are the table's, in its order
    sched = sched.iloc[sorted(range(len(sched)), key=lambda k: rank[sched["initiative"].iloc[k]])]
    label_w = pt(FULL_W - table_w) * 0.35
    sched = sched[: _rows_that_fit(list(sched["initiative"]), BODY_H, label_w)]
    if len(sched):
        left = MARGIN + table_w + Inches(0.25)
        charts.gantt(s, list(sched["initiative"]), list(sched["start_day"]),
                     [list(sched["readout_day"] - sched["start_day"])], ["Test running"], [charts.OKABE_ITO["green"]],
                     "Days from the start", (left, BODY_TOP, FULL_W - table_w - Inches(0.25), BODY_H),
                     label_width_pt=label_w)


TEST_HEADER = ["Initiative", "Metric", "Uplift", "n per variant", "Weeks", "In time"]


def _test_rows(c: Content) -> list[list[str]]:
    """One row per A/B test, in the plan's order (the plan's initiatives, then the rest)."""
    order = {name: k for k, name in enumerate(c.analyses.plan.table()["initiative"])} if c.analyses.plan else {}
    tests = sorted(c.analyses.test_plan.tests, key=lambda t: order.get(t.initiative, len(order)))
    return [[t.initiative, t.metric, fmt.pct(t.expected_uplift), "—" if t.n_per_variant is None
             else fmt.number(t.n_per_variant), "—" if t.weeks is None else f"{t.weeks:.1f}",
             "yes" if t.within_horizon else "no"] for t in tests]


def _continued(d: Deck, c: Content, name: str, title: str, lead: str, notes: str, header: Sequence[str],
               rows: list[list[str]], widths: Sequence[float], money_cols: Sequence[int] = ()) -> None:
    """A table over as many slides as it needs: "title", then "title (2)", "title (3)" …"""
    k = 1
    while rows:
        s = _figure(d, c, f"{name} {k}", title + (f" ({k})" if k > 1 else ""), lead, notes)
        rows = d.table(s, header, rows, MARGIN, BODY_TOP, FULL_W, BODY_H, widths, size=12, min_size=10,
                       money_cols=money_cols)
        k += 1


def assumptions(d: Deck, c: Content) -> None:
    """The assumptions the case rests on, on one slide (:meth:`Content.key_assumptions`); each
    initiative's and segment's are in the appendix (:func:`appendix_assumptions`)."""
    _continued(d, c, "Assumptions", "Assumptions and sources",
               "Every uplift is a hypothesis until a test measures it; costs are planned amounts before the cost risk",
               "Values as in the scenario. Every initiative's uplift, range, costs and evidence, and every segment's "
               "audience, are in the appendix; the workbook's Assumptions sheet holds every input with its unit and "
               "source. A source 'assumption' means nobody said where the value came from.",
               ["Assumption", "Value", "Source / evidence"], [list(r) for r in c.key_assumptions()], [3.6, 3.0, 5.6])


def appendix_assumptions(d: Deck, c: Content) -> None:
    """Every initiative's uplift, range, costs and evidence; every segment's audience and source."""
    per_year = f"{fmt.currency_symbol(c.currency)} per year"
    _continued(d, c, "Appendix assumptions", "Appendix: assumptions by initiative",
               f"Uplift base and low … high; costs before the cost risk ({c.currency})",
               "The low … high range is what the Risk page and the Monte Carlo draw from; the evidence kind sets the "
               "benefit's risk adjustment (assumed, benchmark, measured).",
               ["Initiative", "Lever", "Uplift", "Low … high", "One-time", f"Running ({per_year})",
                f"Campaign ({per_year})", "Evidence"],
               c.initiative_assumptions(), [2.6, 1.6, 0.9, 1.5, 1.0, 1.2, 1.2, 3.2], money_cols=(2, 4, 5, 6))
    _continued(d, c, "Appendix audience", "Appendix: audience by segment",
               "Customers per year and the share that can be personalized (identifiable and consented)",
               "Personalizable customers = customers × personalizable share; only they receive the initiatives.",
               ["Segment", "Customers", "Personalizable", "Source"], c.segment_assumptions(), [3.6, 1.6, 1.6, 5.4],
               money_cols=(1, 2))


def appendix_tests(d: Deck, c: Content) -> None:
    """Every A/B test, when the Test plan slide had room for only the first ones."""
    rows = d.carried.get("tests")
    if rows:
        _continued(d, c, "Appendix tests", "Appendix: test plan",
                   f"Every A/B test, in the plan's order; {sum(r[-1] == 'yes' for r in rows)} of {len(rows)} read out "
                   "within the longest acceptable test",
                   "Weeks to read out at the planned traffic; 'In time' = within the longest acceptable test. A test "
                   "without a sample size cannot be run as planned (the workbook's Test plan sheet says why).",
                   TEST_HEADER, rows, [3.2, 2.0, 1.0, 1.4, 0.9, 0.9], money_cols=(2, 3, 4))


def appendix(d: Deck, c: Content) -> None:
    case = c.case
    rows = [[i.name, c.money(i.npv), fmt.pct(i.roi, 0) if i.roi is not None else "undefined",
             fmt.months(i.payback_months), c.money(i.incremental_revenue), c.money(i.total_cost), i.evidence]
            for i in case.initiatives]
    k = 1
    while rows:
        s = _figure(d, c, f"Appendix {k}", "Appendix: figures by initiative" + (f" ({k})" if k > 1 else ""),
                    f"Risk-adjusted, over {c.scenario.settings.horizon_years} years; NPV and ROI are present values",
                    "NPV of an initiative excludes the shared programme costs. ROI = (PV benefits − PV costs) / PV costs; "
                    "payback on the undiscounted cumulative cash flow.")
        rows = d.table(s, ["Initiative", "NPV", "ROI", "Payback", "Revenue", "Cost", "Evidence"], rows, MARGIN,
                       BODY_TOP, FULL_W, BODY_H, [3.8, 1.3, 1.0, 1.7, 1.4, 1.4, 1.3], size=12, min_size=10,
                       money_cols=(1, 2, 4, 5))
        k += 1
    table = case.cash_flow_table()
    years = [("Initial" if k == 0 else f"Year {k}") for k in range(len(table.columns) - 1)] + ["Total"]
    cf_rows = [[name] + fmt.money_column(list(table.loc[name]), c.currency) for name in table.index]
    s = _figure(d, c, "Appendix cash flow", "Appendix: cash flow by year",
                "Risk-adjusted; costs negative; year 0 is the initial investment",
                "NPV = year 0 + Σ years 1…n discounted at the discount rate (Excel: =CF0+NPV(rate, CF1:CFn)).")
    charts.cash_flow(s, case, (MARGIN, BODY_TOP + Inches(2.2), FULL_W, BODY_H - Inches(2.2)))
    d.table(s, ["Line item", *years], cf_rows, MARGIN, BODY_TOP, FULL_W, Inches(2.1),
            [3.2] + [1.2] * len(years), size=12, min_size=10, money_cols=tuple(range(1, len(years) + 1)))


SLIDES = (title_slide, executive_summary, business_case, impact, roadmap, risk, test_plan, assumptions, appendix,
          appendix_assumptions, appendix_tests)
# the slides that show the risk analyses (the verdict, the range, the Monte Carlo): the deck makes
# the others while the Monte Carlo runs (roi.export.deck.deck_bytes)
RISK_SLIDES = frozenset((title_slide, executive_summary, risk))

__all__ = ["SLIDES", "RISK_SLIDES", "HEIGHT", "PP_ALIGN"]
