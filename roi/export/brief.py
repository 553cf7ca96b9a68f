"""The executive brief: ``brief_bytes(scenario) -> bytes``, a 2–4 page PDF (ReportLab, no browser).

The same content as the deck (:mod:`roi.export.content`): the verdict, the headline figures with
their range, the recommended plan, what would change our mind, the app's charts (rendered by
:mod:`roi.render`) and the assumptions with their sources. Text is set in Liberation Sans (the deck's
metrics, shipped in ``roi/export/fonts``) and wrapped by ReportLab's paragraphs — never cut; every
page carries the source line and its number.

ReportLab is pure Python with wheels on PyPI: it needs no browser and no system library, so the
brief builds anywhere the app runs (WeasyPrint would need Pango from the system).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from .. import format as fmt
from ..model import BusinessCase, evaluate
from ..schema import Scenario
from .analyses import Analyses
from .content import RISK_NOTE, Content, gather
from .textfit import FONT_FILES

BODY, BOLD = "LiberationSans", "LiberationSans-Bold"
NAVY, GREY = "#1F4E78", "#595959"
PLAN_ROWS = 10  # rows of the plan table on page 1; the rest are counted, not listed
VERDICT_FILL = {"worth_it": "#E2F0D9", "marginal": "#FFF2CC", "not_worth_it": "#FBE5D6"}


@lru_cache(maxsize=1)
def _fonts() -> None:
    from reportlab import rl_config
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(BODY, str(FONT_FILES[False])))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_FILES[True])))
    addMapping(BODY, 0, 0, BODY)
    addMapping(BODY, 1, 0, BOLD)
    # Images as compressed binary, not ASCII85 text: a quarter smaller, and the pure-Python encoder
    # was a sixth of the brief's time. PDF readers take either; only this module uses ReportLab.
    rl_config.useA85 = 0


def _charts(c: Content) -> dict[str, bytes]:
    """The app's charts as PNG: the business case's and the risk analyses'."""
    return {k: _png(_spec(chart)) for k, chart in {**_case_specs(c.case), **_risk_specs(c)}.items()}


def _case_specs(case: BusinessCase) -> dict[str, Any]:
    """The business case's charts (they need no risk analysis: rendered while it runs)."""
    from .. import charts

    # the waterfall lying down: every name in full on one line, at most 12 rows on a page
    return {"waterfall": _sized(charts.case.waterfall_across(case, max_steps=12), 330),
            "cash_flow": _sized(charts.cash_flow(case), 540, 200)}


def _risk_specs(c: Content) -> dict[str, Any]:
    """The risk analyses' charts (none without them)."""
    r = c.analyses.risk
    if r is None:
        return {}
    return _risk_charts(r.tornado, r.simulation, c.currency)


def _risk_charts(tornado: Any, simulation: Any, currency: str) -> dict[str, Any]:
    """The tornado's chart, and the Monte Carlo histogram's when ``simulation`` is given."""
    from ..uncertainty import charts as risk_charts

    out = {"tornado": _sized(risk_charts.tornado(tornado, currency, "npv", top=8), 400)}
    if simulation is not None:
        out["histogram"] = _sized(risk_charts.histogram(simulation, currency), 500, 220)
    return out


EARLY = ("tornado",)  # the charts of _early_specs


def _early_specs(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """The risk charts that need no Monte Carlo — the tornado of the Risk page's default ranges,
    computed here (a few milliseconds) — so they render while the Monte Carlo runs. They are
    used only where the analyses give the very same chart (:func:`brief_bytes` compares them)."""
    from ..uncertainty import Ranges, tornado

    return {k: _spec(chart) for k, chart in
            _risk_charts(tornado(scenario, Ranges(), "npv"), None, scenario.settings.currency).items()}


def _spec(chart: Any) -> dict[str, Any]:
    """A chart's Vega-Lite spec as the page prints it.

    The page prints a chart at ≈ 0.7–0.8 pt a pixel: axis and legend text one size up from
    Vega's 10–11 px, so it prints at 8 pt or more (the waterfall's ticks were 6.7 pt). Set in
    the spec's config, not with Altair's configure_*: those copy the whole chart, deeply."""
    spec = chart.to_dict()
    config = spec.setdefault("config", {})
    for part in ("axis", "legend"):
        config[part] = {"labelFontSize": 12, "titleFontSize": 12, **config.get(part, {})}
    return spec


def _png(spec: dict[str, Any]) -> bytes:
    """A chart's spec (:func:`_spec`) as PNG for the page, rendered in the charts' helper process
    (:func:`roi.render.to_png`), one at a time: the Python work of the brief goes on meanwhile."""
    from .. import render

    return render.to_png(spec, scale=2.0)


def _sized(chart: Any, width: int, height: int | None = None) -> Any:
    """The chart's plot at ``width`` (× ``height``) pixels: with its axes, labels and legend it is then
    about 640 px wide, which the page's 180 mm frame prints at ≈ 0.8 pt a pixel, so its 10–11 px text
    is 8–9 pt (at 900 px it was 5 pt). A composed chart that takes no top-level size keeps its own."""
    try:
        return chart.properties(width=width) if height is None else chart.properties(width=width, height=height)
    except Exception:  # noqa: BLE001 - Altair raises assorted errors for concatenated charts
        return chart


def rows_that_fit(heights: Sequence[float], room: float) -> int:
    """How many rows of a table the brief keeps, ``heights`` in points with the header's first:
    all of them if the table's height (their sum) is within ``room``, else fewer, an eighth at a
    time (one at a time near the end), down to the first that fits, or 1."""
    total = list(itertools.accumulate(heights))
    n = len(heights) - 1
    while n > 1 and total[n] > room:
        n -= max(1, (n - 1) // 8)
    return n


def _esc(text: str) -> str:
    """Text for a ReportLab paragraph (its markup is XML-like), with true minus signs (the deck's
    and the charts' too; ReportLab breaks lines only at spaces, so a minus stays with its number)."""
    return fmt.true_minus(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_brief(c: Content, pngs: Mapping[str, bytes | Future] | None = None) -> bytes:
    """The brief of ``c`` as PDF bytes; ``pngs`` the charts by name (:func:`_charts`), each as PNG bytes
    or a future of them (read when the layout reaches the chart)."""
    _fonts()
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (Flowable, Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer,
                                    Table, TableStyle)

    pngs = _charts(c) if pngs is None else pngs

    class Chart(Flowable):
        """A chart's PNG at the largest size within ``max_w`` × ``max_h``, read (waited for, if it
        is still rendering) when the layout first asks for its size."""

        def __init__(self, png: Callable[[], bytes], max_w: float, max_h: float) -> None:
            super().__init__()
            self.png, self.max_w, self.max_h = png, max_w, max_h
            self.hAlign = "CENTER"  # as ReportLab's Image
            self.image: Image | None = None

        def _image(self) -> Image:
            if self.image is None:
                from PIL import Image as PILImage

                data = self.png()
                w, h = PILImage.open(io.BytesIO(data)).size
                k = min(self.max_w / w, self.max_h / h)
                self.image = Image(io.BytesIO(data), width=w * k, height=h * k)
            return self.image

        def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
            return self._image().wrap(avail_w, avail_h)

        def draw(self) -> None:
            self._image().drawOn(self.canv, 0, 0)
    width, height = A4
    margin = 16 * mm
    frame_w = width - 2 * margin
    base = ParagraphStyle("body", fontName=BODY, fontSize=10, leading=13)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor(GREY))
    h1 = ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=20, leading=24, textColor=colors.HexColor(NAVY))
    h2 = ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=13, leading=17, spaceBefore=8, spaceAfter=4,
                        textColor=colors.HexColor(NAVY))
    verdict_style = ParagraphStyle("verdict", parent=base, fontName=BOLD, fontSize=14, leading=18)
    cell = ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5)
    cell_b = ParagraphStyle("cellb", parent=cell, fontName=BOLD)
    st = c.scenario.settings
    P = lambda text, style=base: Paragraph(_esc(text), style)  # noqa: E731

    cell_r = ParagraphStyle("cellr", parent=cell, alignment=TA_RIGHT)

    def table(rows: list[list[str]], widths: list[float], header: bool = True, right: tuple[int, ...] = ()) -> Table:
        data = [[Paragraph(_esc(str(v)), cell_b if header and r == 0 else cell_r if k in right else cell)
                 for k, v in enumerate(row)] for r, row in enumerate(rows)]
        t = Table(data, colWidths=[frame_w * w / sum(widths) for w in widths], repeatRows=1 if header else 0)
        style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#BFBFBF")),
                 ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")))
        t.setStyle(TableStyle(style))
        return t

    def image(key: str, max_w: float, max_h: float) -> Flowable | None:
        if key not in pngs:
            return None
        png = pngs[key]
        return Chart((lambda: png.result()) if isinstance(png, Future) else (lambda: png), max_w, max_h)

    story: list[Any] = [
        P(c.name, h1),
        P(f"Personalization business case — executive brief · {st.horizon_years}-year horizon, "
          f"{fmt.pct(st.discount_rate, 0)} discount rate, {st.currency}, risk-adjusted (TEI) · "
          f"{c.made_on.isoformat()}", small),
        Spacer(1, 8),
    ]
    box = Table([[Paragraph(_esc(c.verdict_line()), verdict_style)], [P(c.verdict_reason())]], colWidths=[frame_w])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(VERDICT_FILL[c.verdict.kind])),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 5),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    story += [box, Spacer(1, 6), P("The case", h2)]
    figures = [[label, value] for label, value in c.figures()]
    figures.insert(1, ["Range (pessimistic … optimistic, before risk adjustment)",
                       f"{c.money(c.low.npv)} … {c.money(c.high.npv)}"])
    mc = c.monte_carlo_line()
    if mc:
        figures.insert(2, ["Monte Carlo", mc.replace("Monte Carlo ", "")])
    story += [table(figures, [2.2, 3.8], header=False), P(RISK_NOTE, small)]
    plan = c.analyses.plan
    story += [P("The recommended plan", h2), P(c.plan_sentence())]
    rows = [["#", "Initiative", "Plan", "Launch", "NPV", "Why"]]  # launch: quarter, Q1 = the first of year 1
    for k, p in enumerate(plan.initiatives[:PLAN_ROWS], start=1):
        rows.append([str(k), p.name, fmt.label(p.status), fmt.quarter(p.quarter),
                     c.money(p.npv), p.reason])
    story += [Spacer(1, 4), table(rows, [0.4, 2.0, 0.6, 0.75, 0.8, 2.9], right=(4,))]
    more = plan.initiatives[PLAN_ROWS:]
    if more:  # a brief stays 2–4 pages: the workbook's Plan sheet has every row
        words = (("do", "to do"), ("defer", "deferred"), ("drop", "dropped"))
        counts = ", ".join(f"{sum(p.status == k for p in more)} {word}" for k, word in words
                           if any(p.status == k for p in more))
        story.append(P(f"… and {len(more)} more initiatives ({counts}); the workbook's Plan sheet lists every one.",
                       small))
    story += [P("What would change our mind", h2)]
    story += [P("• " + line) for line in c.what_if_lines(5)]
    story.append(PageBreak())
    story.append(P("The business case by component", h2))
    for key, caption in (("waterfall", "NPV by initiative after the shared programme costs (present values, "
                                       "risk-adjusted)"), ("cash_flow", "Cash flow by year (risk-adjusted)")):
        img = image(key, frame_w, 95 * mm)
        if img is not None:
            story.append(KeepTogether([img, P(caption, small), Spacer(1, 6)]))
    if "tornado" in pngs:
        story.append(PageBreak())
        story.append(P("Risk: what decides the case, and the range", h2))
        for key in ("tornado", "histogram"):
            img = image(key, frame_w, 100 * mm)
            if img is not None:
                story.append(img)
        story.append(P(RISK_NOTE, small))
    story.append(PageBreak())
    story.append(P("Assumptions and sources", h2))
    # what the case rests on first (as on the deck's slide), then each initiative and segment while the page has room
    rows = [list(r) for r in c.key_assumptions() + c.detail_assumptions(shown=c.first_moves(3))]
    room = height - margin - 18 * mm - 60  # the page under its heading, with a line for the note
    head, widths = [["Assumption", "Value", "Source / evidence"]], [2.4, 2.0, 3.4]
    whole = table(head + rows, widths)  # every row's height from one layout (not a new table per try)
    whole.wrap(frame_w, room)
    n = rows_that_fit(whole._rowHeights, room)  # a brief stays 2–4 pages: one page of assumptions
    story.append(whole if n == len(rows) else table(head + rows[:n], widths))
    if n < len(rows):
        story.append(P(f"… and {len(rows) - n} more assumptions; the workbook's Assumptions sheet holds every input "
                       "with its unit and source.", small))

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(BODY, 8)
        canvas.setFillColor(colors.HexColor(GREY))
        canvas.drawString(margin, 12 * mm, c.source_line())
        canvas.drawRightString(width - margin, 7 * mm, f"Page {doc.page}")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=18 * mm, title=c.name[:200], author="roi (personalization ROI dashboard)",
                            subject=c.verdict_line())
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def brief_bytes(scenario: Scenario, case: BusinessCase | None = None, *, analyses: Analyses | None = None) -> bytes:
    """The executive brief as PDF bytes."""
    case = evaluate(scenario) if case is None else case
    # The charts render in the charts' helper process (roi.render), one at a time, while this
    # thread works: the business case's and the tornado while the analyses run (the risk analyses
    # in the Monte Carlo's helper, roi.helper), the histogram while the pages are laid out — the
    # layout waits for a chart only when it reaches it.
    pool, gathering = ThreadPoolExecutor(max_workers=1), ThreadPoolExecutor(max_workers=1)
    try:
        gathered = gathering.submit(gather, scenario, case, analyses)  # first: the Monte Carlo is the longest
        early_specs = pool.submit(_early_specs, scenario)
        pngs: dict[str, Future] = {k: pool.submit(_png, _spec(chart)) for k, chart in _case_specs(case).items()}
        early = {k: pool.submit(lambda k=k: _png(early_specs.result()[k])) for k in EARLY}
        content = gathered.result()
        for k, chart in _risk_specs(content).items():
            spec = _spec(chart)
            # the chart rendering already is this one (the early one may have failed: then not)
            if k in early and early_specs.exception() is None and early_specs.result().get(k) == spec:
                pngs[k] = early.pop(k)
            else:
                pngs[k] = pool.submit(_png, spec)
        for unused in early.values():  # analyses of other ranges (or none): not wanted
            unused.cancel()
        return build_brief(content, pngs)
    finally:  # after an error, charts not yet begun are not rendered, nor the analyses waited for
        gathering.shutdown(wait=False, cancel_futures=True)
        pool.shutdown(cancel_futures=True)


__all__ = ["brief_bytes", "build_brief"]
