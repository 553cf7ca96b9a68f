"""The bad-input corpus: every field of every sample scenario mutated, plus whole-file, link and workbook cases.

:func:`cases` yields :class:`Case` tuples ``(case_id, kind, payload, expected_field, expect)``:

* ``kind`` — ``"json"`` (``payload`` is the bytes of a scenario file, as uploaded or given to
  ``python -m roi validate``), ``"link"`` (a share-link token, as in ``?s=…``) or ``"xlsx"`` (the
  bytes of a workbook given to the import);
* ``expected_field`` — the field path a refusal must name (the mutated field; ``file``, ``link``,
  ``workbook`` or ``scenario`` for a case about the whole input);
* ``expect`` — ``"refuse"`` (a :class:`roi.ScenarioError` naming the field), ``"load"`` (valid after
  the mutation, e.g. a UTF-8 BOM) or ``"either"`` (the schema may accept the value — a negative
  uplift, a null optional field — but a refusal must still name the field).

The corpus is deterministic (no randomness: the same cases, in the same order, on every run)
and small enough to run in CI in seconds: each field gets a rotating handful of the mutations
in :mod:`tests.corpus.json_cases`, so that across a field's occurrences in the samples every
applicable mutation is applied at least once.

Decisions the corpus pins down (see :mod:`roi.bounded`): a key given twice in one JSON object
is refused naming it (standard ``json`` keeps the last silently, so an edit to the first copy
would be lost); a UTF-8 byte-order mark is accepted (Windows editors write one).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Literal, NamedTuple

import pytest

# Where tests/test_corpus.py leaves its counts (cases per kind and per way in) for the session
# summary printed by tests/conftest.py.
COUNTS_KEY: pytest.StashKey[Counter[str]] = pytest.StashKey()

Expect = Literal["refuse", "load", "either"]


class Case(NamedTuple):
    """One bad (or deliberately borderline) input and what the loaders must do with it."""

    case_id: str
    kind: Literal["json", "link", "xlsx"]
    payload: bytes | str
    expected_field: str
    expect: Expect = "refuse"


def cases() -> Iterator[Case]:
    """Every case of the corpus, JSON files first, then links, then workbooks."""
    from . import json_cases, link_cases, xlsx_cases

    yield from json_cases.cases()
    yield from link_cases.cases()
    yield from xlsx_cases.cases()


def counts(all_cases: list[Case]) -> Counter[str]:
    """Number of cases per kind."""
    return Counter(c.kind for c in all_cases)
