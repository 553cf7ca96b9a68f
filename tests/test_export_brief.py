"""The PDF executive brief: 2–4 pages whose text (pdftotext) holds the verdict, the plan and the sources."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import roi
from roi.cli import main
from roi.export.analyses import risk_analyses
from roi.export.brief import brief_bytes
from roi.plan import recommend
from roi.verdict import verdict

SAMPLES = sorted(roi.sample_paths())


def _text(pdf: Path) -> tuple[str, int]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    n = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    return " ".join(text.split()), n


@pytest.mark.parametrize("name", SAMPLES)
def test_brief_states_the_verdict_and_the_plan(tmp_path, name):
    scenario = roi.load_sample(name)
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(brief_bytes(scenario))
    text, pages = _text(pdf)
    assert 2 <= pages <= 4
    case = roi.evaluate(scenario)
    v = verdict(case.npv, risk_analyses(scenario).simulation.prob_npv_negative)
    assert v.label in text
    plan = recommend(scenario)
    for first in plan.first():
        assert " ".join(first.split()) in text
    assert "Assumptions and sources" in text and "Forrester" in text
    if scenario.settings.currency in ("EUR", "GBP"):
        assert "$" not in text
    # negative amounts and percentages print with the minus sign, as in the deck and the charts
    # (the brief printed "-€1M", "-7%"); the embedded Liberation Sans has the glyph
    import re

    assert "\u2212" in text and not re.search(r"(?<![0-9A-Za-z])-[\d€£$]", text)


def test_cli_writes_the_brief(tmp_path, capsys):
    out = tmp_path / "brief.pdf"
    assert main(["export", str(roi.sample_paths()["retail_bank"]), "--pdf", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["export", str(roi.sample_paths()["retail_bank"]), "--pdf", str(tmp_path / "b.txt")]) == 2
    assert "--pdf: the output file name must end in .pdf" in capsys.readouterr().err


def test_brief_of_the_50_initiative_case_stays_within_4_pages(tmp_path):
    """50 initiatives, 20 segments: the plan table lists the first rows and counts the rest, the
    assumptions take one page, each pointing to the workbook for every row."""
    from roi.synthetic import generate_scenario

    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(brief_bytes(generate_scenario(50, 20, 5, seed=1)))
    text, pages = _text(pdf)
    assert 2 <= pages <= 4
    assert "more initiatives" in text and "Plan sheet lists every one" in text
    assert "more assumptions; the workbook's Assumptions sheet" in text


def _rows_that_fit_one_table_per_try(heights: list[float], room: float) -> int:
    """The brief's loop as it was: the whole table's height for each try (here the sum of its rows)."""
    n = len(heights) - 1
    while n > 1 and sum(heights[: n + 1]) > room:
        n -= max(1, (n - 1) // 8)
    return n


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(1, 80), min_size=2, max_size=400), st.floats(10, 800))
def test_rows_that_fit_keeps_what_a_table_per_try_kept(heights, room):
    """The assumptions table keeps the same rows as when each try laid out a new table: all if they
    fit, else the first count (stepping down by an eighth) whose table fits, else one."""
    from roi.export.brief import rows_that_fit

    assert rows_that_fit(heights, room) == _rows_that_fit_one_table_per_try(heights, room)


def test_a_tables_height_is_the_sum_of_its_rows():
    """What rows_that_fit rests on: a ReportLab table of the first n rows is as tall as those rows
    were in the whole table (a row's height depends on its own cells only; padding included)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    style = ParagraphStyle("cell", fontSize=9, leading=11.5)
    texts = ["short", "a longer value that wraps onto a second line in a narrow column " * 2, "x" * 5,
             "three " * 30]
    data = [[Paragraph(texts[(r + k) % 4], style) for k in range(3)] for r in range(40)]
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#BFBFBF"),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    whole = Table(data, colWidths=[120, 100, 160])
    whole.setStyle(TableStyle(commands))
    whole.wrap(380, 10_000)
    for n in (1, 2, 7, 25, 40):
        part = Table(data[:n], colWidths=[120, 100, 160])
        part.setStyle(TableStyle(commands))
        assert part.wrap(380, 10_000)[1] == pytest.approx(sum(whole._rowHeights[:n]), abs=1e-9)


def test_the_tornado_renders_early_only_when_it_is_the_analyses_chart(monkeypatch):
    """The brief renders the tornado while the Monte Carlo runs (computed here), and uses it only
    if the analyses give the very same chart; otherwise it renders theirs."""
    from roi.export import brief

    rendered: list[dict] = []
    png = brief._png
    monkeypatch.setattr(brief, "_png", lambda spec: rendered.append(spec) or png(spec))
    scenario = roi.load_sample("retail_bank")
    brief_bytes(scenario)
    assert len(rendered) == 4  # waterfall, cash flow, tornado (early), histogram: none twice

    rendered.clear()
    fake = {"mark": "bar", "data": {"values": []}}
    monkeypatch.setattr(brief, "_early_specs", lambda s: {"tornado": fake})
    brief_bytes(scenario)
    from roi.export.content import gather

    real = brief._spec(brief._risk_specs(gather(scenario, None, None))["tornado"])
    assert real != fake and rendered.count(real) == 1  # the analyses' own tornado, rendered once


def test_an_early_chart_that_fails_leaves_the_brief_to_the_analyses(monkeypatch):
    """If computing the early tornado fails, the brief renders the analyses' own and is whole."""
    from roi.export import brief

    def fail(scenario):
        raise ValueError("no early charts")

    monkeypatch.setattr(brief, "_early_specs", fail)
    assert brief_bytes(roi.load_sample("retail_bank")).startswith(b"%PDF")
