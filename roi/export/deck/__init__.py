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

from typing import Any

from ...model import BusinessCase
from ...schema import Scenario
from ..analyses import Analyses
from ..content import Content, gather
from .slides import SLIDES
from .template import Deck


def build_deck(content: Content) -> Deck:
    d = Deck(content.name)
    for make in SLIDES:
        make(d, content)
    return d


def deck_bytes(scenario: Scenario, case: BusinessCase | None = None, *, analyses: Analyses | None = None) -> bytes:
    """The meeting deck as ``.pptx`` bytes."""
    return build_deck(gather(scenario, case, analyses)).bytes()


def figure_slides(prs: Any) -> list[Any]:
    """Slides with a figure (a chart or a table) and so a source footer."""
    return [s for s in prs.slides if s.name != "Title"]


__all__ = ["build_deck", "deck_bytes", "figure_slides"]
