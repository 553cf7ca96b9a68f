"""The meeting deck, as a board sees it: every sample's deck rendered by LibreOffice Impress.

Rendered to PDF and PNG (every slide renders); parsed with python-pptx: real title placeholders,
a source footer and a slide number on every figure slide, speaker notes on every slide, native
charts (no pictures), the verdict (``roi.verdict``) and the plan's first initiatives
(``roi.plan.recommend``) in the text, no "$" in a EUR or GBP deck, and no text frame whose text —
measured with the font's metrics — needs more room than its box. The PDF's words all lie on the page.
"""

from __future__ import annotations

import io
import subprocess
import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.util import Emu

import roi
from roi import format as fmt
from roi.export import textfit
from roi.export.analyses import risk_analyses
from roi.export.deck import deck_bytes, figure_slides
from roi.export.deck.template import CELL_X, CELL_Y, INSET_X, INSET_Y
from roi.plan import recommend
from roi.verdict import verdict

from .libreoffice import convert

SAMPLES = sorted(roi.sample_paths())


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, tuple[Presentation, Path]]:
    """name → (the deck, the PDF LibreOffice Impress rendered from it)."""
    tmp = tmp_path_factory.mktemp("decks")
    files = {}
    for name in SAMPLES:
        path = tmp / f"{name}.pptx"
        path.write_bytes(deck_bytes(roi.load_sample(name)))
        files[name] = path
    pdfs = convert(list(files.values()), tmp, "pdf", impress=True)
    return {name: (Presentation(str(path)), pdfs[path]) for name, path in files.items()}


def _texts(prs) -> list[str]:
    out = []
    for s in prs.slides:
        for sh in s.shapes:
            if sh.has_text_frame:
                out.append(sh.text_frame.text)
            if sh.has_table:
                out += [c.text for row in sh.table.rows for c in row.cells]
            if sh.has_chart:
                ch = sh.chart
                out += [str(c) for c in ch.plots[0].categories] + [s.name for s in ch.plots[0].series]
    return out


@pytest.mark.parametrize("name", SAMPLES)
def test_every_slide_renders(decks, tmp_path, name):
    prs, pdf = decks[name]
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:          {len(prs.slides)}" in pages.replace("Pages:           ", "Pages:          ")
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "s")], check=True)
    pngs = sorted(tmp_path.glob("s-*.png"))
    assert len(pngs) == len(prs.slides) and all(p.stat().st_size > 1_000 for p in pngs)


@pytest.mark.parametrize("name", SAMPLES)
def test_titles_footers_numbers_and_notes(decks, name):
    prs, _ = decks[name]
    figures = {s.name for s in figure_slides(prs)}
    assert len(figures) >= 8
    for s in prs.slides:
        assert s.shapes.title is not None and s.shapes.title.text_frame.text.strip(), s.name
        kinds = {p.placeholder_format.type: p for p in s.placeholders}
        assert PP_PLACEHOLDER.SLIDE_NUMBER in kinds, s.name
        assert s.has_notes_slide and len(s.notes_slide.notes_text_frame.text) > 40, s.name
        if s.name in figures:
            assert kinds[PP_PLACEHOLDER.FOOTER].text_frame.text.startswith("Source: roi "), s.name
    charts = [sh for s in prs.slides for sh in s.shapes if sh.has_chart]
    assert len(charts) >= 6  # native, editable charts
    assert not [sh for s in prs.slides for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    for ch in charts:  # no chart text below 11 pt (it is projected at 13.33 in wide)
        assert ch.chart.font.size.pt >= 11


@pytest.mark.parametrize("name", SAMPLES)
def test_verdict_plan_and_currency(decks, name):
    prs, _ = decks[name]
    scenario = roi.load_sample(name)
    case = roi.evaluate(scenario)
    v = verdict(case.npv, risk_analyses(scenario).simulation.prob_npv_negative)
    title_slide = "\n".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert title_slide.startswith(scenario.settings.name) or scenario.settings.name in title_slide
    assert v.label in title_slide
    summary = "\n".join(sh.text_frame.text for sh in prs.slides[1].shapes if sh.has_text_frame)
    assert v.label in summary
    for k, first in enumerate(recommend(scenario).first(), start=1):
        assert f"{k}. {first}" in summary
    text = "\n".join(_texts(prs))
    if scenario.settings.currency in ("EUR", "GBP"):
        assert "$" not in text
        assert {"EUR": "€", "GBP": "£"}[scenario.settings.currency] in text


def _frames(prs):
    """(slide, what, text, size in pt, bold, box width pt, box height pt) of every text frame and table cell."""
    for s in prs.slides:
        for sh in s.shapes:
            if sh.is_placeholder and sh.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER:
                continue  # a field PowerPoint fills in: "7"
            if sh.has_text_frame and sh.text_frame.text.strip():
                runs = [r for p in sh.text_frame.paragraphs for r in p.runs if r.font.size is not None]
                size = max(r.font.size.pt for r in runs)
                yield (s.name, sh.name, sh.text_frame.text, size, any(r.font.bold for r in runs),
                       Emu(sh.width - 2 * INSET_X).pt, Emu(sh.height - 2 * INSET_Y).pt)
            if sh.has_table:
                t = sh.table
                for r, row in enumerate(t.rows):
                    for c, cell in enumerate(row.cells):
                        runs = [x for p in cell.text_frame.paragraphs for x in p.runs]
                        if runs:
                            yield (s.name, f"{sh.name} r{r}c{c}", cell.text, runs[0].font.size.pt, r == 0,
                                   Emu(t.columns[c].width - 2 * CELL_X).pt, Emu(row.height - 2 * CELL_Y).pt)


@pytest.mark.parametrize("name", SAMPLES)
def test_no_text_exceeds_its_box(decks, name):
    """Every text frame and table cell: its text, wrapped at its width with Liberation Sans's advance
    widths (Arial's), needs no more height than the box has. Text is never cut mid-word: a long word
    breaks only between characters, which this check would show as an extra line."""
    prs, _ = decks[name]
    n = 0
    for slide, what, text, size, bold, w, h in _frames(prs):
        n += 1
        lines = sum(len(textfit.wrap(p, w, size, bold)) for p in text.split("\n"))
        assert lines * size * 1.15 <= h + 0.5, f"{slide} / {what}: {lines} lines at {size} pt in {h:.0f} pt: {text!r}"
        assert size >= 10, f"{slide} / {what}: {size} pt"
    assert n > 50


@pytest.mark.parametrize("name", SAMPLES)
def test_rendered_words_stay_on_the_slide(decks, name):
    """In LibreOffice's rendering, no word runs off the slide (nothing overflows past its edges)."""
    _, pdf = decks[name]
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    import re

    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out)
    pw, ph = float(page.group(1)), float(page.group(2))
    words = re.findall(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)"', out)
    assert len(words) > 200
    for x0, y0, x1, y1 in words:
        assert -0.5 <= float(x0) and float(x1) <= pw + 0.5 and -0.5 <= float(y0) and float(y1) <= ph + 0.5


@pytest.mark.parametrize("name", SAMPLES)
def test_no_rendered_line_ends_in_a_minus_sign(decks, name):
    """A negative amount stays whole on a line: LibreOffice broke "NPV −$447K (−" / "$919K)" between
    the minus and the currency symbol (the consumer-goods deck's what-ifs)."""
    _, pdf = decks[name]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "\u2212" in text  # the decks have negative amounts (and true minus signs)
    bad = [line for line in text.splitlines() if line.rstrip().endswith(("\u2212", "-", "(\u2212"))]
    assert not bad, bad


def test_deck_of_the_50_initiative_case_builds():
    from roi.synthetic import generate_scenario

    scenario = generate_scenario(initiatives=50, segments=20, horizon_years=5, seed=0)
    prs = Presentation(io.BytesIO(deck_bytes(scenario)))
    names = [s.name for s in prs.slides]
    assert names[0] == "Title" and "Appendix 2" in names  # tables continue
    samples = [s.name for s in Presentation(io.BytesIO(deck_bytes(roi.load_sample(SAMPLES[0])))).slides]
    assert not [n for n in samples if n.startswith("Appendix tests")]  # every test fits the slide: no repeat
    # the body states what the case rests on in one slide; every initiative's and segment's assumptions
    # continue in the appendix, each exactly once
    assert [n for n in names if n.startswith("Assumptions")] == ["Assumptions 1"]
    assert "Appendix assumptions 2" in names and "Appendix audience 2" in names

    def first_column(prefix):
        return [sh.table.cell(r, 0).text for s in prs.slides if s.name.startswith(prefix) for sh in s.shapes
                if sh.has_table for r in range(1, len(sh.table.rows))]

    assert first_column("Appendix assumptions") == [i.name for i in scenario.initiatives]
    assert first_column("Appendix audience") == [g.name for g in scenario.segments]
    # the Test plan slide has room for the first tests only: every test is in the appendix, once, in the
    # plan's order, and the slide's table and chart show the first of them in that order
    plan_order = list(recommend(scenario).table()["initiative"])
    assert first_column("Appendix tests") == plan_order  # every generated initiative has a test row
    body = first_column("Test plan")
    assert 3 <= len(body) < len(plan_order) and body == plan_order[:len(body)]
    (chart,) = [sh.chart for s in prs.slides if s.name == "Test plan" for sh in s.shapes if sh.has_chart]
    bars = [str(c) for c in chart.plots[0].categories]
    assert bars == [n for n in body if n in bars]


def _scatter(prs):
    (slide,) = [s for s in prs.slides if s.name == "Impact vs resource cost"]
    (chart,) = [sh.chart for sh in slide.shapes if sh.has_chart]
    return slide, chart


def test_scatter_plots_the_axes_the_quadrants_were_drawn_on():
    """The deck's scatter uses the lens's impact and resource cost: total cost (in millions, money
    axis titled so) when the scenario asks for it, or when no initiative has an effort estimate (the
    generated case) — then the notes say why; effort in FTE-months otherwise. Negative tick labels
    use a true minus sign."""
    from roi.export.analyses import run_analyses
    from roi.synthetic import generate_scenario

    generated = generate_scenario(initiatives=8, segments=3, horizon_years=3, seed=2)
    assert all(i.effort_fte_months == 0 for i in generated.initiatives)
    sample = roi.load_sample(SAMPLES[0])
    by_cost = sample.model_copy(update={"plan": sample.plan.model_copy(update={"cost_axis": "cost"})})
    for scenario, resource, fallback in ((generated, "cost", True), (sample, "effort", False),
                                         (by_cost, "cost", False)):
        prs = Presentation(io.BytesIO(deck_bytes(scenario)))
        slide, chart = _scatter(prs)
        x_title = chart.category_axis.axis_title.text_frame.text
        assert x_title.startswith("Total cost over the horizon" if resource == "cost" else "Effort (FTE-months)")
        assert chart.value_axis.axis_title.text_frame.text.startswith("NPV")
        assert ("no initiative has an effort estimate" in slide.notes_slide.notes_text_frame.text.lower()) == fallback
        assert "\u2212" in chart.value_axis.tick_labels.number_format
        a = run_analyses(scenario, roi.evaluate(scenario), risk=False)
        assert a.resource == resource
        # the plotted x values are the scores' resource (millions for money), point for point
        want = sorted(a.scores["resource"] / (1e6 if resource == "cost" else 1.0))
        xml = chart._chartSpace.xml
        got = sorted(float(v) for ser in re.findall(r"<c:xVal>(.*?)</c:xVal>", xml, re.S)
                     for v in re.findall(r"<c:v>([^<]*)</c:v>", ser))
        assert got == pytest.approx(want)
        # the table beside it is its key: each row's value is the one its point is plotted at
        # (the European retailer's table showed the plan's re-timed NPV: €308K beside a point at €0.43M)
        plotted = dict(zip(a.scores["initiative"], a.scores["impact"]))
        ys = sorted(float(v) for ser in re.findall(r"<c:yVal>(.*?)</c:yVal>", xml, re.S)
                    for v in re.findall(r"<c:v>([^<]*)</c:v>", ser))
        assert ys == pytest.approx(sorted(v / 1e6 for v in plotted.values()))
        table = next(sh.table for sh in slide.shapes if sh.has_table)
        assert table.cell(0, 3).text == "NPV alone"
        rows = list(table.rows)[1:]
        assert rows
        for row in rows:
            name, value = row.cells[1].text, row.cells[3].text
            shown = value.replace("\u2212\u2060", "-").replace("\u2212", "-")  # the deck's minus → the app's
            assert shown == fmt.money(plotted[name], scenario.settings.currency), name


@pytest.mark.parametrize("name", SAMPLES)
def test_no_word_is_broken_in_a_cell(decks, name):
    """Every word of every text frame and table cell fits its column on one line: a table header
    never splits a word between characters ("Week" / "s")."""
    prs, _ = decks[name]
    for slide, what, text, size, bold, w, _h in _frames(prs):
        for word in text.split():
            assert textfit.width(word, size, bold) <= w * 0.96 + 0.5, f"{slide} / {what}: {word!r} at {size} pt"


def test_point_labels_never_overlap():
    """Crowded scatter points: every label kept clears every other label and every marker."""
    import numpy as np

    from roi.export.deck.charts import MARKER_PT, place_point_labels

    rng = np.random.default_rng(3)
    x, y = rng.uniform(60, 300, 60), rng.uniform(10, 200, 60)
    x[:20] = 62.0  # a column of points at the same effort, as when no effort is estimated
    texts = [str(k + 1) for k in range(60)]
    boxes = place_point_labels(list(x), list(y), texts)
    kept = [b for b in boxes if b is not None]
    assert boxes[0] is not None and 5 < len(kept) < 60
    r = MARKER_PT / 2
    markers = [(a - r, b - r, a + r, b + r) for a, b in zip(x, y)]

    def apart(a, b):
        return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]

    for i, a in enumerate(kept):
        assert all(apart(a, b) for b in kept[i + 1:])
        assert all(apart(a, m) for m in markers)


def test_charts_of_the_50_initiative_case_stay_legible():
    """With 50 initiatives: the waterfall collapses the smallest into one "Other n initiatives" bar,
    the roadmap and test schedule show no more bars than their labels have room for, the scatter
    numbers only points with room for a label (the rest are named in the notes), and no chart uses a
    legend that would have to hide a helper series."""
    from roi.export.deck.charts import max_steps
    from roi.synthetic import generate_scenario

    prs = Presentation(io.BytesIO(deck_bytes(generate_scenario(initiatives=50, segments=20, horizon_years=5, seed=1))))
    by_name = {s.name: s for s in prs.slides}
    for name in ("Business case by component", "Roadmap", "Test plan"):
        (chart,) = [sh.chart for sh in by_name[name].shapes if sh.has_chart]
        cats = list(chart.plots[0].categories)
        assert 3 <= len(cats) <= max_steps(Emu(int(4.9 * 914400)), lines=1), name
        assert not chart.has_legend, name if name != "Business case by component" else True
    cats = [str(c) for c in [sh.chart for sh in by_name["Business case by component"].shapes if sh.has_chart][0]
            .plots[0].categories]
    assert any(c.startswith("Other ") for c in cats) and cats[-1] == "Programme NPV"
    impact = by_name["Impact vs resource cost"]
    assert "too crowded to number" in impact.notes_slide.notes_text_frame.text


def test_fit_leaves_room_for_the_gaps_between_paragraphs():
    """Text with space between its paragraphs: what :func:`textfit.fit` keeps whole, gaps included,
    fits the box; what does not goes to the notes (the roadmap's list ran past the footer)."""
    text = "\n".join(["Initiative 21: launch month 0, NPV €76K"] * 14
                     + ["Dropped: " + "; ".join(f"Initiative {k}" for k in range(35))])
    for box_h in (200, 347, 500):
        f = textfit.fit(text, 217, box_h, max_size=14, min_size=11, gap=0.4)
        if not f.overflow:
            assert textfit.height(len(f.lines), f.size) + text.count("\n") * 0.4 * f.size <= box_h + 1e-6
        else:
            assert textfit.height(len(f.lines), f.size) <= box_h and f.lines[-1].endswith("…")


def _slides_xml(deck) -> list[bytes]:
    from lxml import etree

    return [etree.tostring(s._element, method="c14n") for s in deck.prs.slides]


@pytest.mark.parametrize("scenario", ["retail_bank", "generated"])
def test_tables_written_as_xml_equal_python_pptx_tables(monkeypatch, scenario):
    """``template.fill_cells`` writes a table as one XML string; python-pptx's objects
    (``fill_cells_slowly``) are the reference: every slide of the deck is the same XML (canonical
    form) either way — a sample, and the 50-initiative case, whose appendix tables continue over
    several slides."""
    from roi.export.content import gather
    from roi.export.deck import build_deck, template
    from roi.synthetic import generate_scenario

    s = generate_scenario(initiatives=50, segments=20, horizon_years=5, seed=0) if scenario == "generated" \
        else roi.load_sample(scenario)
    content = gather(s, None, None)
    fast = _slides_xml(build_deck(content))
    monkeypatch.setattr(template, "fill_cells", template.fill_cells_slowly)
    assert fast == _slides_xml(build_deck(content))


def test_table_cells_keep_markup_characters_and_control_characters_as_python_pptx_does(monkeypatch):
    """Text that looks like XML is text (``&``, ``<``, quotes); a control character, which python-pptx
    escapes its own way, sends the table through python-pptx (the same XML as its reference)."""
    from pptx.util import Inches

    from roi.export.deck import template

    def table(rows):
        d = template.Deck("t")
        slide = d.new_slide("x", "Title")
        d.table(slide, ["Name", "Value"], rows, Inches(1), Inches(1), Inches(6), Inches(5), [2, 1], money_cols=[1])
        return _slides_xml(d), [c.text for r in next(s for s in slide.shapes if s.has_table).table.rows for c in r.cells]

    hostile = [['a & b <c> "d" \'e\' ]]>', "-€1,000"], ["<a:t>x</a:t>", "2"]]
    for rows in (hostile, [["tab\there", "bell\x07"]]):
        fast, texts = table(rows)
        monkeypatch.setattr(template, "fill_cells", template.fill_cells_slowly)
        assert (fast, texts) == table(rows)
        monkeypatch.undo()
    assert texts[2] == "tab\there" and texts[3] == "bell_x0007_"  # python-pptx's escape, read back as written
    assert table(hostile)[1][2:] == ['a & b <c> "d" \'e\' ]]>', "\u2212\u2060€1,000", "<a:t>x</a:t>", "2"]


@pytest.mark.parametrize("name", ["european_retailer", "generated"])
def test_slides_made_while_the_monte_carlo_runs_make_the_same_deck(name):
    """deck_bytes makes the slides that do not show the risk analyses while the Monte Carlo runs,
    then the others, then puts them in order: slide for slide (its XML, its charts' XML, its notes)
    the deck build_deck makes of the gathered content, and slide1.xml is the first slide."""
    from roi.export.content import gather
    from roi.export.deck import build_deck
    from roi.synthetic import generate_scenario

    s = generate_scenario(initiatives=50, segments=20, horizon_years=5, seed=0) if name == "generated" \
        else roi.load_sample(name)
    two_phase = Presentation(io.BytesIO(deck_bytes(s)))
    one_phase = Presentation(io.BytesIO(build_deck(gather(s)).bytes()))

    def slides(prs: Presentation) -> list[tuple]:
        out = []
        for slide in prs.slides:
            charts = [sh.chart.part.blob for sh in slide.shapes if sh.has_chart]
            notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else None
            out.append((slide.name, slide.part.blob, charts, notes))
        return out

    a, b = slides(two_phase), slides(one_phase)
    assert [x[0] for x in a] == [x[0] for x in b]
    assert [s1[0] for s1, s2 in zip(a, b) if s1 != s2] == []
    assert a[0][0] == "Title" and [sl.part.partname for sl in two_phase.slides] == \
        [f"/ppt/slides/slide{k}.xml" for k in range(1, len(a) + 1)]


def test_with_risk_is_gather_with_the_risk_analyses_and_keeps_the_date():
    """The deck's second phase: content gathered without the risk analyses, then given them, says what
    gathering with them says (verdict, range, Monte Carlo line) and keeps its made-on date."""
    import dataclasses
    from datetime import date

    from roi.export.analyses import run_analyses
    from roi.export.content import gather, with_risk

    s = roi.load_sample("retail_bank")
    case = roi.evaluate(s)
    first = dataclasses.replace(gather(s, case, run_analyses(s, case, risk=False)), made_on=date(2020, 1, 1))
    later, whole = with_risk(first, risk_analyses(s)), gather(s, case)
    assert later.made_on == date(2020, 1, 1)
    assert (later.verdict, later.low.npv, later.high.npv, later.monte_carlo_line()) == \
        (whole.verdict, whole.low.npv, whole.high.npv, whole.monte_carlo_line())
