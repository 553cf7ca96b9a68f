"""The meeting deck: ``deck_bytes(scenario) -> bytes`` (python-pptx, 16:9, native charts).

Slides (:mod:`.slides`): title with the verdict; executive summary (verdict, NPV and its range,
the recommended plan's first moves, what would change our mind); business case by component;
impact vs resource cost; roadmap; risk; test plan; assumptions with sources; appendix. Charts are
native, editable PowerPoint charts (:mod:`.charts`); every text is fitted with the font's metrics
(:mod:`roi.export.textfit`), and the template gives real title placeholders, slide numbers, a
source footer on every figure slide and speaker notes (:mod:`.template`). The content comes from
:mod:`roi.export.content`, shared with the PDF brief.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ...model import BusinessCase, evaluate
from ...schema import Scenario
from ..analyses import Analyses, risk_analyses, run_analyses
from ..content import Content, gather, with_risk
from .slides import RISK_SLIDES, SLIDES
from .template import Deck


def build_deck(content: Content) -> Deck:
    d = Deck(content.name)
    for make in SLIDES:
        make(d, content)
    return d


def deck_bytes(scenario: Scenario, case: BusinessCase | None = None, *, analyses: Analyses | None = None) -> bytes:
    """The meeting deck as ``.pptx`` bytes.

    Without ``analyses`` they run here, and the slides that do not show the risk analyses
    (:data:`~.slides.RISK_SLIDES` do: the verdict, the range, the Monte Carlo) are made while the
    Monte Carlo runs in its helper process; the slides are then put in their order. The deck is
    the one :func:`build_deck` makes of :func:`~roi.export.content.gather` (tested slide by slide)."""
    if analyses is not None:
        return build_deck(gather(scenario, case, analyses)).bytes()
    case = evaluate(scenario) if case is None else case
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        pending = pool.submit(risk_analyses, scenario)
        first = gather(scenario, case, run_analyses(scenario, case, risk=False))
        d = Deck(first.name)
        made: dict[Any, list[Any]] = {}  # slide function → the slide ids it added
        for make in SLIDES:
            if make not in RISK_SLIDES:
                made[make] = _adding(d, make, first)
        content = with_risk(first, pending.result())
    finally:  # after an error, the risk analyses are not waited for
        pool.shutdown(wait=False, cancel_futures=True)
    for make in SLIDES:
        if make in RISK_SLIDES:
            made[make] = _adding(d, make, content)
    _order(d, [sid for make in SLIDES for sid in made[make]])
    return d.bytes()


def _adding(d: Deck, make: Any, content: Content) -> list[Any]:
    """``make(d, content)``; the slide ids (``p:sldId`` elements) it added."""
    ids = d.prs.slides._sldIdLst
    before = len(ids)
    make(d, content)
    return list(ids)[before:]


def _order(d: Deck, slide_ids: list[Any]) -> None:
    """Put the slides in the order of ``slide_ids`` (every one of them), their parts renamed to match
    (``slide1.xml`` is the first shown). Slide numbers are PowerPoint's own fields: they follow."""
    lst = d.prs.slides._sldIdLst
    for sid in slide_ids:
        lst.remove(sid)
    for sid in slide_ids:
        lst.append(sid)
    d.prs.part.rename_slide_parts([sid.rId for sid in slide_ids])


def figure_slides(prs: Any) -> list[Any]:
    """Slides with a figure (a chart or a table) and so a source footer."""
    return [s for s in prs.slides if s.name != "Title"]


__all__ = ["build_deck", "deck_bytes", "figure_slides"]
