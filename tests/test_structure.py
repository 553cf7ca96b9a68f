"""The house rules a newcomer relies on, checked on every file.

* every module and package opens with a docstring saying what it is for;
* ``roi/`` never imports Streamlit (the CLI, the exports and the tests use it without a browser);
* pages stay thin: no page is longer than :data:`MAX_PAGE_LINES` lines of layout (a page that
  grows is a sign a rule is living in it — move the rule to ``roi``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*ROOT.glob("roi/**/*.py"), *ROOT.glob("ui/**/*.py"), *ROOT.glob("pages/*.py"),
                  ROOT / "app.py", *ROOT.glob("benchmarks/*.py"), *ROOT.glob("scripts/*.py")])
MAX_PAGE_LINES = 260  # the Risk page, the longest, is ~250 lines of layout and captions


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_opens_with_a_docstring(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and doc.strip().splitlines()[0].strip(), f"{path.relative_to(ROOT)} has no docstring"


def test_roi_never_imports_streamlit():
    offenders = []
    for path in ROOT.glob("roi/**/*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize("path", sorted(ROOT.glob("pages/*.py")), ids=lambda p: p.name)
def test_pages_stay_thin(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_PAGE_LINES
