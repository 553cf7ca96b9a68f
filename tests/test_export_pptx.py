"""The meeting deck opens with python-pptx, has the slides the issue lists, and a picture
(the app's Altair chart rendered by vl-convert) on every chart slide. The Risk slide's figures
are checked against ``roi.uncertainty.simulate`` in ``test_export_risk.py``."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

import roi
from roi.export.pptx import CHART_SLIDE_NAMES, _money, chart_slides, deck_bytes, headline_range

EXPECTED = ["Title", "Executive summary", "Business case by component", "Risk", "What to do first",
            "Roadmap: the recommended plan", "Test plan", "Key assumptions and sources"]


@pytest.fixture(scope="module")
def deck() -> Presentation:
    return Presentation(io.BytesIO(deck_bytes(roi.load_sample("european_retailer"))))


def _text(slide) -> str:
    return "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)


def test_slides_in_order(deck):
    assert [s.name for s in deck.slides] == EXPECTED


def test_picture_on_every_chart_slide(deck):
    slides = chart_slides(deck)
    assert {s.name for s in slides} == set(CHART_SLIDE_NAMES)
    for s in slides:
        pics = [sh for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert pics, s.name
        for p in pics:
            assert p.image.content_type == "image/png" and len(p.image.blob) > 5_000
            assert p.left >= 0 and p.top >= 0 and p.left + p.width <= deck.slide_width
            assert p.top + p.height <= deck.slide_height


def test_executive_summary_has_headline_and_range(deck):
    scenario = roi.load_sample("european_retailer")
    case, rng = roi.evaluate(scenario), headline_range(scenario)
    text = _text(deck.slides[1])
    assert f"NPV {_money(case.npv, 'EUR')}  (range {_money(rng.low.npv, 'EUR')} … {_money(rng.high.npv, 'EUR')})" \
        in text
    assert _money(433_697.2, "EUR") == "434k EUR" and _money(-15.94e6, "EUR") == "-15.9M EUR"
    assert rng.low.npv < case.npv < rng.high.npv


def test_assumptions_slide_names_sources(deck):
    table = next(sh.table for sh in deck.slides[-1].shapes if sh.has_table)
    cells = [table.cell(r, 2).text for r in range(1, len(table.rows))]
    assert any("Forrester" in c for c in cells)
    assert any(c.startswith("benchmark: McKinsey") for c in cells)


@pytest.mark.parametrize("name", sorted(roi.sample_paths()))
def test_every_sample_builds_a_deck(name):
    prs = Presentation(io.BytesIO(deck_bytes(roi.load_sample(name))))
    assert len(prs.slides) == len(EXPECTED)
