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
