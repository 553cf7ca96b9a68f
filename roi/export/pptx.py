"""The meeting deck: ``deck_bytes(scenario) -> bytes`` (python-pptx, 16:9).

Slides: title; executive summary (headline figures with their range, cash-flow chart);
business case by component (waterfall); risk (tornado and Monte Carlo histogram with the
P10 / P50 / P90 and P(NPV < 0)); prioritization matrix (impact vs effort); roadmap; test plan
(table and schedule chart); key assumptions with sources. Charts are the app's own Altair charts
(:mod:`roi.charts`, :mod:`roi.uncertainty.charts`, :mod:`roi.experiments.charts`) rendered to
PNG with vl-convert, so the deck and the screen agree. Slides whose analysis is not available in this
installation (see :mod:`roi.export.analyses`) are left out.

The range on the executive summary is the pessimistic … optimistic case of
:func:`roi.uncertainty.cases` at the Risk page's default ranges when that module is installed
(with the Monte Carlo P10 … P90 of the Risk slide next to it), otherwise the case evaluated
with every initiative at its *low* and at its *high* uplift — see :func:`headline_range`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import altair as alt
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from .. import charts, render
from ..format import currency_symbol
from ..io import parse_scenario
from ..model import BusinessCase, evaluate
from ..schema import Scenario
from .analyses import Analyses, Risk, risk_analyses, run_analyses
from ..evidence import evidence_text
from .assumptions import NO_SOURCE

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
NAVY = RGBColor(0x1F, 0x4E, 0x78)
GREY = RGBColor(0x59, 0x59, 0x59)
CHART_SLIDE_NAMES = ("Executive summary", "Business case by component", "Risk", "What to do first",
                     "Roadmap: the recommended plan", "Test plan")


def render_png(chart: alt.TopLevelMixin, *, width: int | None = None, scale: float = 2.0) -> bytes:
    """PNG bytes of an Altair chart (vl-convert; no browser needed)."""
    if width is not None:
        try:
            chart = chart.properties(width=width)
        except Exception:  # concatenated charts take no top-level width; keep their own
            pass
    return render.to_png(chart, scale=scale)


CASES_LABEL = "pessimistic … optimistic case (every driver at its worse / better end)"


@dataclass(frozen=True)
class Range:
    low: BusinessCase
    high: BusinessCase
    label: str = "every initiative at its low … high uplift"


def _with_uplift(scenario: Scenario, which: str) -> Scenario:
    data = scenario.model_dump(mode="json")
    for ini in data["initiatives"]:
        ini["uplift"]["base"] = ini["uplift"][which]
    return parse_scenario(data)


def uplift_range(scenario: Scenario) -> Range:
    """The case with every initiative at its low, and at its high, uplift."""
    return Range(evaluate(_with_uplift(scenario, "low")), evaluate(_with_uplift(scenario, "high")))


def headline_range(scenario: Scenario) -> Range:
    """Pessimistic … optimistic cases from :func:`roi.uncertainty.cases` when available, else
    :func:`uplift_range`."""
    try:
        from ..uncertainty import cases
    except ImportError:
        return uplift_range(scenario)
    c = cases(scenario)
    return Range(c.pessimistic, c.optimistic, CASES_LABEL)


def _money(v: float | None, cur: str) -> str:
    if v is None:
        return "—"
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:,.1f}M {cur}"
    if a >= 1e3:
        return f"{v / 1e3:,.0f}k {cur}"
    return f"{v:,.0f} {cur}"


def _pct(v: float | None) -> str:
    return "undefined" if v is None else f"{v:.0%}"


def _months(v: float | None) -> str:
    return "not within horizon" if v is None else f"{v:.0f} months"


class _Deck:
    def __init__(self, title: str):
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.prs.core_properties.title = title[:200]
        self.blank = self.prs.slide_layouts[6]

    def slide(self, title: str, subtitle: str = ""):
        s = self.prs.slides.add_slide(self.blank)
        s.name = title
        tb = s.shapes.add_textbox(MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.8))
        p = tb.text_frame.paragraphs[0]
        p.text = title
        p.font.size, p.font.bold, p.font.color.rgb = Pt(30), True, NAVY
        if subtitle:
            tf = s.shapes.add_textbox(MARGIN, Inches(1.0), WIDTH - 2 * MARGIN, Inches(0.5)).text_frame
            tf.word_wrap = True
            tf.paragraphs[0].text = subtitle
            tf.paragraphs[0].font.size, tf.paragraphs[0].font.color.rgb = Pt(14), GREY
        return s

    def bullets(self, s, lines: list[str], left, top, width, height, size: int = 18) -> None:
        tf = s.shapes.add_textbox(left, top, width, height).text_frame
        tf.word_wrap = True
        for k, line in enumerate(lines):
            p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
            p.text = line
            p.font.size = Pt(size)
            p.space_after = Pt(8)

    def picture(self, s, png: bytes, left, top, max_w, max_h) -> None:
        from PIL import Image

        w, h = Image.open(io.BytesIO(png)).size
        k = min(max_w / w, max_h / h)
        pw, ph = int(w * k), int(h * k)
        s.shapes.add_picture(io.BytesIO(png), left + (max_w - pw) // 2, top, Emu(pw), Emu(ph))

    def table(self, s, header: list[str], rows: list[list[str]], left, top, width, size: int = 11,
              widths: list[float] | None = None) -> None:
        shape = s.shapes.add_table(len(rows) + 1, len(header), left, top, width, Inches(0.3) * (len(rows) + 1))
        t = shape.table
        if widths:
            total = sum(widths)
            for k, w in enumerate(widths):
                t.columns[k].width = int(width * w / total)
        for c, h in enumerate(header):
            t.cell(0, c).text = h
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                t.cell(r, c).text = str(v)
        for r in range(len(rows) + 1):
            for c in range(len(header)):
                for p in t.cell(r, c).text_frame.paragraphs:
                    p.font.size = Pt(size)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


def _case_charts(case: BusinessCase) -> dict[str, tuple[alt.TopLevelMixin, int]]:
    """The app's charts of the case itself: name → (chart, width in pixels)."""
    return {"cash_flow": (charts.cash_flow(case), 560), "waterfall": (charts.waterfall(case), 1000)}


def _analysis_charts(case: BusinessCase, a: Analyses) -> dict[str, tuple[alt.TopLevelMixin, int]]:
    """The app's charts of the analyses (prioritization, roadmap, test plan, risk)."""
    cur = case.currency
    out: dict[str, tuple[alt.TopLevelMixin, int]] = {}
    markers = dict(zip(a.plan.table()["initiative"], a.plan.table()["#"])) if a.plan is not None else None
    if a.scores is not None:
        from .. import prioritization as pr

        imp, res = a.scores["impact"].to_numpy(float), a.scores["resource"].to_numpy(float)
        i_split, r_split = pr.splits(imp, res)
        out["impact_effort"] = (charts.impact_effort(
            a.scores, impact_title=f"NPV ({cur} M)", resource_title="Effort (FTE-months)",
            impact_split=i_split, resource_split=r_split, currency=cur, markers=markers), 640)
    if a.plan is not None and a.plan.do:
        out["plan"] = (charts.plan_gantt(a.plan.table(), a.plan.constraints.capacity_fte), 1000)
    if a.test_plan is not None:
        try:
            from ..experiments.charts import schedule_chart

            out["test_schedule"] = (schedule_chart(a.test_plan.to_frame(), a.test_plan.horizon_days), 520)
        except ValueError:  # no test can be scheduled: the slide keeps its table only
            pass
    return out


def _risk_charts(case: BusinessCase, r: Risk | None) -> dict[str, tuple[alt.TopLevelMixin, int]]:
    """The Risk page's tornado (NPV) and Monte Carlo histogram."""
    if r is None:
        return {}
    from ..uncertainty import charts as risk_charts

    return {"tornado": (risk_charts.tornado(r.tornado, case.currency, "npv"), 420),
            "histogram": (risk_charts.histogram(r.simulation, case.currency), 560)}


def _deck_charts(case: BusinessCase, a: Analyses) -> dict[str, tuple[alt.TopLevelMixin, int]]:
    """The app's charts the deck shows: name → (chart, width in pixels)."""
    return _case_charts(case) | _analysis_charts(case, a) | _risk_charts(case, a.risk)


def _render_charts(specs: dict[str, tuple[alt.TopLevelMixin, int]], max_workers: int = 4) -> dict[str, bytes]:
    """Render charts to PNG in parallel (vl-convert works outside the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        futures = {k: pool.submit(render_png, c, width=w) for k, (c, w) in specs.items()}
        return {k: f.result() for k, f in futures.items()}


def _prepare(scenario: Scenario, case: BusinessCase, analyses: Analyses | None) -> tuple[Analyses, dict[str, bytes]]:
    """Analyses and chart PNGs. The risk analyses (Monte Carlo, numpy) run in the background while
    the other analyses are computed and their charts rendered (vl-convert renders one chart at a
    time, outside the GIL); the tornado and the histogram render last."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        risk = pool.submit(risk_analyses, scenario) if analyses is None else None
        futures = {k: pool.submit(render_png, c, width=w) for k, (c, w) in _case_charts(case).items()}
        a = run_analyses(scenario, case, risk=False) if analyses is None else analyses
        futures |= {k: pool.submit(render_png, c, width=w) for k, (c, w) in _analysis_charts(case, a).items()}
        if risk is not None:
            a = replace(a, risk=risk.result())
        futures |= {k: pool.submit(render_png, c, width=w) for k, (c, w) in _risk_charts(case, a.risk).items()}
        return a, {k: f.result() for k, f in futures.items()}


def _risk_headline(r: Risk, cur: str) -> str:
    sim = r.simulation
    return (f"NPV P10 {_money(sim.quantile(0.1), cur)} · P50 {_money(sim.quantile(0.5), cur)} · "
            f"P90 {_money(sim.quantile(0.9), cur)} · chance of losing money P(NPV < 0) {sim.prob_npv_negative:.1%}")


def deck_bytes(scenario: Scenario, case: BusinessCase | None = None, *,
               analyses: Analyses | None = None, range_: Range | None = None) -> bytes:
    """The meeting deck as ``.pptx`` bytes."""
    case = evaluate(scenario) if case is None else case
    a, pngs = _prepare(scenario, case, analyses)
    if range_ is not None:
        rng = range_
    elif a.risk is not None:  # the same cases as the Risk page (and the Sensitivity sheet)
        rng = Range(a.risk.cases.pessimistic, a.risk.cases.optimistic, CASES_LABEL)
    else:
        rng = headline_range(scenario)
    st, cur, T = scenario.settings, scenario.settings.currency, scenario.settings.horizon_years
    d = _Deck(st.name)
    full_w = WIDTH - 2 * MARGIN
    body_top = Inches(1.6)
    body_h = HEIGHT - body_top - Inches(0.4)

    # 1. Title
    s = d.prs.slides.add_slide(d.blank)
    s.name = "Title"
    tf = s.shapes.add_textbox(MARGIN, Inches(2.4), full_w, Inches(1.5)).text_frame
    tf.word_wrap = True
    tf.paragraphs[0].text = st.name
    tf.paragraphs[0].font.size, tf.paragraphs[0].font.bold = Pt(40), True
    tf.paragraphs[0].font.color.rgb = NAVY
    p = tf.add_paragraph()
    p.text = (f"Personalization business case — {T}-year horizon, {st.discount_rate:.0%} discount rate, "
              f"risk-adjusted by evidence (benefits −{case.effective_benefit_risk or 0:.0%} overall, "
              f"costs +{st.cost_risk:.0%})")
    p.font.size, p.font.color.rgb = Pt(18), GREY
    p = tf.add_paragraph()
    p.text = date.today().isoformat()
    p.font.size, p.font.color.rgb = Pt(14), GREY

    # 2. Executive summary
    s = d.slide("Executive summary", f"Headline figures, risk-adjusted; range: {rng.label}")
    lo, hi = rng.low, rng.high
    lines = [
        f"NPV {_money(case.npv, cur)}  (range {_money(lo.npv, cur)} … {_money(hi.npv, cur)})",
        f"ROI {_pct(case.roi)}  (range {_pct(lo.roi)} … {_pct(hi.roi)})",
        f"IRR {_pct(case.irr)}  (range {_pct(lo.irr)} … {_pct(hi.irr)})",
        f"Payback {_months(case.payback_months)}  (range {_months(hi.payback_months)} … "
        f"{_months(lo.payback_months)})",
        f"Incremental revenue {_money(case.incremental_revenue, cur)} over {T} years"
        + (f"; customers kept beyond the horizon worth {_money(case.beyond_horizon_value, cur)} more"
           + (" (in NPV)" if case.include_beyond_horizon else " (not in NPV)") if case.beyond_horizon_value > 0 else ""),
        f"Revenue per {currency_symbol(cur)}1 of campaign cost: "
        + ("n/a (no campaign cost)" if case.revenue_per_campaign_dollar is None
           else f"{case.revenue_per_campaign_dollar:.1f} (scalable benchmark ≈ 6)"),
        f"{len(scenario.initiatives)} components; process maturity realises {case.maturity.realisation:.0%} of "
        f"the uplift, full effect {case.maturity.ramp_months:.0f} months after launch",
    ]
    if a.risk is not None:
        sim = a.risk.simulation
        lines.insert(4, f"Monte Carlo NPV P10 … P90 {_money(sim.quantile(0.1), cur)} … "
                        f"{_money(sim.quantile(0.9), cur)}; chance of losing money {sim.prob_npv_negative:.0%}")
    d.bullets(s, lines, MARGIN, body_top, Inches(5.6), body_h, size=17)
    d.picture(s, pngs["cash_flow"], MARGIN + Inches(5.9), body_top,
              full_w - Inches(5.9), body_h)

    # 3. Business case by component
    s = d.slide("Business case by component", f"NPV by initiative and shared programme costs ({cur})")
    d.picture(s, pngs["waterfall"], MARGIN, body_top, full_w, body_h)

    # 4. Risk: tornado and Monte Carlo histogram, as on the Risk page
    if a.risk is not None:
        r = a.risk
        dist = "PERT" if r.distribution == "pert" else r.distribution
        s = d.slide("Risk", f"{r.draws:,} Monte Carlo draws (seed {r.seed}, {dist}) over the Risk page's ranges; "
                    f"reproduce with {r.simulate_command}")
        d.bullets(s, [_risk_headline(r, cur)], MARGIN, Inches(1.5), full_w, Inches(0.5), size=18)
        top = Inches(2.1)
        half = (full_w - Inches(0.2)) // 2
        d.picture(s, pngs["tornado"], MARGIN, top, half, HEIGHT - top - Inches(0.3))
        d.picture(s, pngs["histogram"], MARGIN + half + Inches(0.2), top, half, HEIGHT - top - Inches(0.3))

    # 5–6. Prioritization matrix and roadmap
    if a.scores is not None:
        s = d.slide("What to do first", "The recommended plan, and impact (NPV) vs effort; numbers are the plan's rows")
        d.picture(s, pngs["impact_effort"], MARGIN, body_top, Inches(7.6), body_h)
        if a.plan is not None:
            rows = [[str(k + 1), p.name[:38], p.status.capitalize(),
                     "—" if p.quarter is None else f"Q{p.quarter + 1}", _money(p.npv, cur)]
                    for k, p in enumerate(a.plan.initiatives)]
            d.table(s, ["#", "Initiative", "Status", "Launch", "NPV"], rows[:12], MARGIN + Inches(7.8), body_top,
                    full_w - Inches(7.8), size=11, widths=[0.4, 3.3, 0.9, 0.8, 1.3])
    if a.plan is not None and "plan" in pngs:
        p = a.plan
        s = d.slide("Roadmap: the recommended plan", f"Plan NPV {_money(p.plan_npv, cur)} vs {_money(p.as_planned_npv, cur)} "
                    f"as planned; {p.constraints.capacity_fte:g} FTEs per quarter")
        d.picture(s, pngs["plan"], MARGIN, body_top, full_w, body_h)

    # 7. Test plan
    if a.test_plan is not None:
        s = d.slide("Test plan", "An A/B test per initiative (generic vs personalized) before its uplift counts")
        rows = []
        for t in a.test_plan.tests:
            weeks = "—" if t.weeks is None else f"{t.weeks:.1f}"
            n = "—" if t.n_per_variant is None else f"{t.n_per_variant:,}"
            rows.append([t.initiative[:34], t.metric, f"{t.expected_uplift:+.1%}", n, weeks,
                         "yes" if t.within_horizon else "no"])
        d.table(s, ["Initiative", "Metric", "Uplift", "n per variant", "Weeks", "In time"], rows[:12], MARGIN,
                body_top, Inches(6.6), size=10, widths=[3.2, 2.2, 1, 1.3, 0.9, 0.8])
        if "test_schedule" in pngs:
            d.picture(s, pngs["test_schedule"], MARGIN + Inches(6.8), body_top, full_w - Inches(6.8), body_h)

    # 8. Key assumptions with sources
    s = d.slide("Key assumptions and sources", "Every uplift is a hypothesis until a test measures it")
    rows = [
        ["Discount rate", f"{st.discount_rate:.0%}", st.source_of("discount_rate")],
        ["Risk adjustment", f"benefits −{st.benefit_risk_assumed:.0%} assumed / −{st.benefit_risk_benchmark:.0%} "
         f"benchmark / −{st.benefit_risk_measured:.0%} measured; costs +{st.cost_risk:.0%}",
         st.source_of("benefit_risk_assumed")],
    ]
    for ini in scenario.initiatives:
        rows.append([f"Uplift: {ini.name}"[:48], f"{ini.uplift.base:+.1%} ({ini.uplift.low:+.1%} … "
                     f"{ini.uplift.high:+.1%})", evidence_text(ini.evidence)[:110]])
    for seg in scenario.segments:
        share = seg.personalizable_share
        src = seg.sources.get("identifiable_share") or seg.sources.get("consent_share") or NO_SOURCE
        rows.append([f"Personalizable: {seg.name}"[:48], f"{share:.0%} of {seg.customers:,.0f}", src[:110]])
    d.table(s, ["Assumption", "Value", "Source / evidence"], rows[:16], MARGIN, body_top, full_w, size=10,
            widths=[3.2, 2.4, 6.6])
    return d.bytes()


def chart_slides(prs: Any) -> list[Any]:
    """Slides expected to carry a chart picture (used by the tests)."""
    return [s for s in prs.slides if s.name in CHART_SLIDE_NAMES]
