"""Validation problems in the user's words, and the banner of notes and stale results on every page.

Labels come from the field registry (:mod:`roi.fields`), so a field's label is written once, on
its schema model; items are named by their own name (``Product recommendations › Channel reach``).
"""

from __future__ import annotations

import re

import streamlit as st

from roi import fields
from ui import md, state

_BETWEEN = re.compile(r"between (-?[\d.,]*\d) and (-?[\d.,]*\d)")  # bounds as roi.schema.bound writes them
_ITEM = re.compile(r"^(segments|initiatives)\[(\d+)\]\.?(.*)$")


def percent_message(msg: str) -> str:
    """Fractions are typed as percentages, so say ``between 0% and 100%``, not ``0 and 1``.

    >>> percent_message("must be between 0 and 1")
    'must be between 0% and 100%'
    """
    return _BETWEEN.sub(lambda m: f"between {_number(m[1]) * 100:g}% and {_number(m[2]) * 100:g}%", msg)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _item_name(kind: str, index: int) -> str:
    noun = "Segment" if kind == "segments" else "Initiative"
    rows = state.draft().get(kind)
    try:
        if isinstance(rows, list):
            name = rows[index].get("name")
        else:
            name = state.value_at(state.get_scenario(), f"{kind}[{index}]").name
    except (IndexError, KeyError, AttributeError, TypeError):
        name = None
    return str(name) if name else f"{noun} {index + 1}"


def human_message(path: str, msg: str) -> str:
    """A validation message in the user's words: bounds of percentages in %, the uplift order."""
    between = _BETWEEN.search(msg)
    # a fraction's bounds are 0 and 1 exactly ("between 0 and 120" is months, not 0%–12,000%)
    if fields.is_percent(path) or between and _number(between[1]) == 0 and _number(between[2]) == 1:
        msg = percent_message(msg)
    if msg.startswith(("Input should be a valid number", "Input should be a valid integer")):
        msg = "needs a number (it is empty)"  # a box or a table cell gives a number or, cleared, nothing
    if msg == "must satisfy low <= base <= high":
        msg = "low, base and high must be in order (low ≤ base ≤ high)"
    return msg


def human_where(path: str) -> str:
    """``initiatives[0].channel_reach`` → ``Product recommendations › Channel reach``."""
    m = _ITEM.match(path)
    if m:
        return f"{_item_name(m[1], int(m[2]))} › {fields.label(path) if m[3] else 'Row'}"
    head, _, rest = path.partition(".")
    if rest:
        return f"{fields.label(head)} › {fields.label(path)}"
    return fields.label(path)


def describe(line: str) -> str:
    """Markdown for one problem: the human label and message, the field path in grey after it.

    >>> describe("process.alignment: must be between 1 and 5")
    '**Process › Cross-team alignment**: must be between 1 and 5 :gray[· process.alignment]'
    """
    path, _, msg = line.partition(": ")
    if not msg:
        return line
    return f"**{md.escape(human_where(path))}**: {md.escape(human_message(path, msg))} :gray[· {md.escape(path)}]"


def problems_for(prefix: str) -> list[str]:
    """Problems whose field path is ``prefix`` or lies inside it."""
    out = []
    for line in state.problems():
        path = line.split(":", 1)[0]
        if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
            out.append(line)
    return out


def banner() -> None:
    """One-off notes, link errors and the stale-result banner, at the top of every page.

    Always exactly one element in the page's flow, whatever it shows: Streamlit knows an element by
    its place, so a banner that came and went shifted every element below it, and an expander the
    user had open (the one holding the field just made invalid, or valid again) closed under them.
    """
    note = state.take_note()
    if note:
        st.toast(note)
    link_error = state.take_link_error()
    with st.container():
        if link_error:
            st.error(
                "**The shared link could not be opened**, so the sample case is shown instead.\n\n"
                + md.bullets(link_error)
            )
        if state.is_stale():
            lines = state.problems()
            with st.container(border=True):
                st.warning(
                    "**Results are stale.** Some inputs are invalid, so every figure below is from "
                    "the last valid scenario. Fix:\n\n"
                    + "\n".join(f"- {describe(line)}" for line in lines[:10])
                    + ("\n- …" if len(lines) > 10 else ""),
                    icon="⚠️",
                )
                st.button("Discard invalid edits", on_click=state.discard_edits, key="discard_edits")
