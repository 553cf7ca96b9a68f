"""The corpus's invariants on a loader's answer: only ScenarioError, every line led by a field path, the field named."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import roi
from roi.io import ScenarioError

from . import Case

# A problem line starts with where it is: a field path (``initiatives[2].uplift.base``), the whole
# input (``file``, ``link``, ``workbook``, ``scenario``), or a workbook cell
# (``Assumptions!D12 (settings.discount_rate)`` / ``Assumptions!D12 settings.discount_rate``).
# After the first name, a part may be a free dict's key ("excluded.negative amount").
_PATH = r"[A-Za-z_]\w*(?:\[\d+\])*(?:\.[^\s:.\[\]][^:.\[\]]*?(?:\[\d+\])*)*"
_HEAD = re.compile(rf"^(?:(?P<cell>Assumptions(?:!\$?[A-Z]+\$?\d+)?)(?: \((?P<key>{_PATH})\)| (?P<key2>{_PATH}))?"
                   rf"|(?P<path>{_PATH})): \S")
_MORE = re.compile(r"^… and [\d,]+ more ")
# Inside "workbook: the scenario record is damaged (<problem>)": the record's own problem.
_RECORD = re.compile(r"^workbook: the scenario record is damaged \((?P<inner>.*)\)$", re.S)

# Renaming a segment or an initiative breaks the references to it: the refusal names the
# reference (``initiatives[1].segments: unknown segment …``), which is the right message.
_REFERENCES = {
    "segments": ("initiatives", "data_sources"),
    "initiatives": ("plan.pinned_in", "plan.pinned_out", "changes"),
}


def field_of(line: str) -> str | None:
    """The field path (or ``file``/``link``/… or a workbook key) a problem line leads with, if any."""
    record = _RECORD.match(line)
    if record:  # the record's own problem names the field; "(not a JSON object)" is the record's
        return field_of(record["inner"]) or "workbook"
    m = _HEAD.match(line)
    if not m:
        return None
    return m["key"] or m["key2"] or m["path"] or m["cell"]


def related(a: str, b: str) -> bool:
    """``a`` is ``b``, an ancestor of it or a descendant of it (``x.y`` and ``x.y[2].z``)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and long[len(short)] in ".["


# Fields whose value decides which of their siblings are required: taking one away may rightly be
# reported on the sibling it makes required ("changes[1].before: is required for an initiative's
# change" when the scope "programme" is gone and the default "initiative" applies).
_DECIDERS = re.compile(r"^(changes\[\d+\])\.scope$|^(initiatives\[\d+\])\.(?:lever|segments)$")


def _referenced(expected: str, field: str) -> bool:
    """Whether ``field`` may stand for ``expected``: a reference to its name (:data:`_REFERENCES`),
    or a sibling its value makes required (:data:`_DECIDERS`)."""
    m = re.match(r"^(segments|initiatives)\[\d+\]\.name$", expected)
    if m:
        return any(related(field, ref) or field.startswith(ref) for ref in _REFERENCES[m[1]])
    d = _DECIDERS.match(expected)
    return bool(d) and related(field, d[1] or d[2])


def complaints(case: Case, problems: list[str]) -> list[str]:
    """What is wrong with ``problems`` as the refusal of ``case`` (empty when all is well)."""
    out = []
    fields = []
    for line in problems:
        if _MORE.match(line):
            continue
        field = field_of(line)
        if field is None:
            out.append(f"no field path at the start of {line[:200]!r}")
            continue
        fields.append(field)
    if not problems:
        out.append("refused with no problem listed")
    expected = case.expected_field
    if not expected or not fields:
        return out
    # A workbook line may name the field inside it: "Assumptions: the row for settings.x is missing".
    inside = case.kind == "xlsx" and any(re.search(rf"(?<![\w.\[]){re.escape(expected)}(?![\w\[])", line)
                                         for line in problems)
    if not inside and not any(related(f, expected) or _referenced(expected, f) for f in fields):
        out.append(f"no problem names {expected!r}: {problems[:5]!r}")
    elif "@" in case.case_id:  # a per-field mutation ("json/<sample>@<path>/<how>"): nothing else is blamed
        stray = [f for f in fields if not related(f, expected) and not _referenced(expected, f)]
        if stray:
            out.append(f"problems about other fields than {expected!r}: {problems[:5]!r}")
    return out


def run(case: Case, load: Callable[[Any], Any]) -> tuple[Any, list[str]]:
    """``(loaded scenario or None, complaints)``: ``load`` may only raise :class:`roi.ScenarioError`."""
    try:
        scenario = load(case.payload)
    except ScenarioError as exc:
        if case.expect == "load":
            return None, [f"refused a valid input: {exc.problems[:5]!r}"]
        return None, complaints(case, exc.problems)
    except Exception as exc:  # noqa: BLE001 - the invariant: nothing but ScenarioError escapes
        return None, [f"raised {type(exc).__name__}: {str(exc)[:300]}"]
    if case.expect == "refuse":
        return scenario, ["accepted an input that must be refused"]
    if not isinstance(scenario, roi.Scenario):
        return scenario, [f"returned {type(scenario).__name__}, not a Scenario"]
    return scenario, []
