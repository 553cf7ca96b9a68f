"""Input widgets bound to scenario fields, with units, help, source and per-field validation.

Every widget edits one field path of the scenario through :func:`ui.state.stage_edit`: a valid
value updates the scenario at once; an invalid one is kept (so nothing typed is lost), its
message is shown under the field, and every result on screen is marked stale.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from roi.references import REVENUE_PER_CAMPAIGN_DOLLAR, REVENUE_PER_CAMPAIGN_DOLLAR_SOURCE
from roi import fields
from roi.evidence import evidence_source
from roi.model import BusinessCase
from roi.schema import Evidence
from roi.tables import from_percent, to_percent
from ui import format as fmt
from ui import md, messages, state

_percent_message = messages.percent_message
PRESENTATION_KEY = "presentation_mode"  # ui.exports.PRESENTATION_KEY (not imported: exports draws widgets)


def presenting() -> bool:
    """Presentation mode is on: fields show read-only values instead of widgets."""
    return bool(st.session_state.get(PRESENTATION_KEY))


def source_of(path: str) -> str:
    """Source of the field at ``path`` in the current scenario (``assumption`` if unstated), as
    Markdown: the source is user text, escaped (:func:`ui.md.escape`)."""
    parent, _, field = path.rpartition(".")
    model = state.value_at(state.get_scenario(), parent) if parent else state.get_scenario()
    return md.escape(model.source_of(field))


def field_problems(path: str, label: str, *, percent: bool = False, parent: bool = False) -> None:
    """Show the problems of ``path`` right under its widget, naming the field.

    ``parent``: also show problems reported on the enclosing model (``initiatives[0].uplift:
    must satisfy low <= base <= high``) — set it on one field of such a group.
    """
    lines = messages.problems_for(path)
    owner = path.rpartition(".")[0]
    if owner:
        # a problem of the enclosing model (the uplift order) shows at the field just edited,
        # or at the ``parent`` field when the edit was elsewhere
        last = state.last_edit() or ""
        edited_sibling = last.startswith(owner + ".") and last.rpartition(".")[0] == owner
        if (edited_sibling and last == path) or (parent and not edited_sibling):
            lines += [ln for ln in state.problems() if ln.split(":", 1)[0] == owner]
    for line in lines:
        where, _, msg = line.partition(": ")
        msg = messages.human_message(where, _percent_message(msg) if percent else msg)
        name = label if where in (path, owner) else messages.human_where(where)
        st.error(f"**{md.escape(name)}**: {md.escape(msg)} :gray[· {md.escape(where)}]")


def _current(path: str) -> Any:
    pending = state.draft()
    if path in pending:
        return pending[path]
    return state.value_at(state.get_scenario().model_dump(mode="json"), path)


def _key(path: str) -> str:
    return f"in:{path}:{state.version()}"


def _on_number(path: str, key: str, scale: float, integer: bool) -> None:
    value = st.session_state[key]
    if value is not None:
        value = round(value / scale, 12) if scale != 1 else value
        value = int(value) if integer and float(value).is_integer() else value
    state.stage_edit(path, value)


def _registered(path: str, label: str | None, unit: str | None, help: str | None, percent: bool | None,
                money: bool, step: float | None) -> tuple[str, str, str, bool, float | None, bool]:
    """Label, unit, help, percent-ness and step of ``path``: given ones, else the field registry's
    (:mod:`roi.fields`), so a field is written once on its model. Money units get the currency."""
    spec = fields.spec(path)
    percent = spec.percent if percent is None else percent
    money = money or spec.money
    if unit is None:
        unit = f"{state.currency()} {spec.unit}".strip() if money else (
            f"% {spec.unit}".strip() if percent else spec.unit)
    return (spec.title if label is None else label, unit, spec.help if help is None else help, percent,
            step if step is not None else spec.step, money)


def number_field(
    path: str,
    label: str | None = None,
    unit: str | None = None,
    help: str | None = None,
    *,
    percent: bool | None = None,
    integer: bool = False,
    step: float | None = None,
    show_source: bool = True,
    money: bool = False,
    parent_problems: bool = False,
    source: str | None = None,
) -> None:
    """A number input for ``path``; ``percent`` shows a fraction 0–1 as 0–100 %.

    ``label``, ``unit``, ``help`` and ``percent`` default to the field registry's. ``source``
    (Markdown) replaces the field's own ``sources`` entry — e.g. an uplift, whose provenance is
    its initiative's evidence. Plain numbers show without trailing zeros (``18``, ``2.5``); money
    without decimals; percentages with two. An optional field (``None`` allowed) starts empty.
    """
    label, unit, help, percent, step, money = _registered(path, label, unit, help, percent, money, step)
    key = _key(path)
    scale = 100.0 if percent else 1.0
    if source is None:
        source = source_of(path) if show_source else ""
    if presenting():
        value = _current(path)
        shown = fmt.DASH if not isinstance(value, (int, float)) else (
            f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%" if percent
            else f"{value:,.0f}" if money else f"{value:,g}")
        st.markdown(f"**{md.escape(label)}**: {shown}" + ("" if percent else f" {md.escape(unit)}"))
        return
    if key not in st.session_state:
        value = _current(path)
        if value is not None and not isinstance(value, (int, float)):
            value = None
        if value is not None:
            value = int(value) if integer else round(float(value) * scale, 10)
        st.session_state[key] = value
    st.number_input(
        f"{label} ({unit})",
        # None: a cleared box stays empty and is reported as missing (the default, the minimum,
        # silently turned a cleared discount rate into 0 % and recomputed the case)
        value=None,
        key=key,
        step=step if step is not None else (1 if integer else None),
        format="%d" if integer else ("%.0f" if money else ("%.2f" if percent else "%g")),
        help=help + (f"\n\n**Source:** {source}" if source else ""),
        on_change=_on_number,
        args=(path, key, scale, integer),
    )
    field_problems(path, label, percent=percent, parent=parent_problems)
    if show_source:
        st.caption(f"Source: {source}")


def _on_value(path: str, key: str) -> None:
    state.stage_edit(path, st.session_state[key])


def toggle_field(path: str, label: str | None = None, help: str | None = None) -> None:
    """An on/off switch for a boolean field; label and help from the field registry by default."""
    spec = fields.spec(path)
    label, help = label or spec.title, help if help is not None else spec.help
    key = _key(path)
    if presenting():
        st.markdown(f"**{md.escape(label)}**: {'on' if _current(path) else 'off'}")
        return
    if key not in st.session_state:
        st.session_state[key] = bool(_current(path))
    st.toggle(label, key=key, help=help + f"\n\n**Source:** {source_of(path)}", on_change=_on_value,
              args=(path, key))
    field_problems(path, label)


def select_field(
    path: str, label: str | None = None, options: Sequence[str] = (), help: str | None = None, *,
    format_func: Callable[[str], str] = str
) -> None:
    """A choice among ``options`` (the field's enum values when empty); label and help from the
    field registry by default."""
    spec = fields.spec(path)
    label, help = label or spec.title, help if help is not None else spec.help
    if not options:
        options = [str(v) for v in _enum_values(path)]
    key = _key(path)
    if presenting():
        st.markdown(f"**{md.escape(label)}**: {md.escape(format_func(_current(path)))}")
        return
    if key not in st.session_state:
        st.session_state[key] = _current(path)
    st.selectbox(label, list(options), key=key, help=help, format_func=format_func,
                 on_change=_on_value, args=(path, key))
    field_problems(path, label)


def _enum_values(path: str) -> list[str]:
    value = state.value_at(state.get_scenario(), path)
    return [e.value for e in type(value)] if hasattr(value, "value") else []


def text_field(path: str, label: str | None = None, help: str | None = None, *, area: bool = False) -> None:
    """A text input for ``path``; label and help from the field registry by default."""
    spec = fields.spec(path)
    label, help = label or spec.title, help if help is not None else spec.help
    key = _key(path)
    if presenting():
        st.markdown(f"**{md.escape(label)}**: {md.escape(_current(path) or fmt.DASH)}")
        return
    if key not in st.session_state:
        st.session_state[key] = _current(path) or ""
    widget = st.text_area if area else st.text_input
    widget(label, key=key, help=help, on_change=_on_value, args=(path, key))
    field_problems(path, label)


def multiselect_field(path: str, label: str | None = None, options: Sequence[str] = (),
                      help: str | None = None) -> None:
    """A choice of several ``options`` for a list field; label and help from the field registry by default."""
    spec = fields.spec(path)
    label, help = label or spec.title, help if help is not None else spec.help
    key = _key(path)
    if presenting():
        st.markdown(f"**{md.escape(label)}**: {md.escape(', '.join(_current(path) or []) or fmt.DASH)}")
        return
    if key not in st.session_state:
        st.session_state[key] = [v for v in (_current(path) or []) if v in options]
    st.multiselect(label, list(options), key=key, help=help, on_change=_on_value, args=(path, key))
    field_problems(path, label)


def score_field(path: str, label: str, help: str, *, low: int = 1, high: int = 5) -> None:
    """A whole-number score ``low``–``high`` as a slider (a fractional score in the file is kept
    until the slider is moved; it is shown rounded)."""
    key = _key(path)
    value = _current(path)
    if presenting():
        st.markdown(f"**{md.escape(label)}**: {fmt.DASH if value is None else f'{value:g}'} of {high}")
        return
    if key not in st.session_state:
        st.session_state[key] = int(round(value)) if isinstance(value, (int, float)) else low
    st.slider(label, low, high, step=1, key=key, help=help + f"\n\n**Source:** {source_of(path)}",
              on_change=_on_value, args=(path, key))
    field_problems(path, label)
    if isinstance(value, float) and not value.is_integer():
        st.caption(f"The scenario holds {value:g}; moving the slider sets a whole number.")


# --------------------------------------------------------------------------- tables

def apply_editor_delta(rows: list[dict[str, Any]], delta: dict[str, Any]) -> list[dict[str, Any]]:
    """Apply ``st.data_editor``'s edit state (edited/added/deleted rows) to the base rows."""
    out = [dict(r) for r in rows]
    for idx, changes in (delta.get("edited_rows") or {}).items():
        i = int(idx)
        if 0 <= i < len(out):
            out[i].update(changes)
    deleted = {int(i) for i in delta.get("deleted_rows") or []}
    out = [r for i, r in enumerate(out) if i not in deleted]
    columns = list(rows[0]) if rows else []
    for added in delta.get("added_rows") or []:
        new = {c: None for c in columns}
        new.update(added)
        out.append(new)
    return out


def column(path: str, **overrides: Any) -> Any:
    """A ``st.column_config`` column for the field at ``path`` (``initiatives[0].one_time_cost``),
    from the field registry: its short header (the currency after money), help, and for
    percentages a 0–100 % format with the field's bounds. ``overrides`` win (width, format…)."""
    spec = fields.spec(path)
    label = spec.short or spec.title
    options: dict[str, Any] = {"help": spec.help or None}
    if spec.money:
        label = f"{label} ({state.currency()})"
        options.update(format="localized", step=1000, min_value=spec.lower)
    elif spec.percent:
        options.update(format="%.1f%%", step=0.1,
                       min_value=None if spec.lower is None else spec.lower * 100,
                       max_value=None if spec.upper is None else spec.upper * 100)
    else:
        options.update(min_value=spec.lower, max_value=spec.upper)
        if spec.step:
            options["step"] = spec.step
    options.update(overrides)
    return st.column_config.NumberColumn(label, **options)


def table_editor(
    path: str,
    model_rows: list[dict[str, Any]],
    to_rows: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    to_model: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    column_config: dict[str, Any],
    labels: dict[str, str],
    *,
    percent_columns: Sequence[str] = (),
    percent_cells: Sequence[str] = (),
    column_order: Sequence[str] | None = None,
    num_rows: str = "dynamic",
) -> None:
    """Edit a list field (``segments``, ``initiatives``) as a table, validated per cell.

    The editor starts from the pending draft of the table if there is one (so invalid cells
    survive navigation), otherwise from the current scenario. ``labels`` maps a model sub-path
    (``"uplift.base"``) to the column label used in messages. ``percent_cells`` are the row
    columns holding fractions: the editor shows and takes them as percentages (80 = 80%), like
    the form fields. In presentation mode the table is read-only.
    """
    pending = state.draft().get(path)
    cells = list(percent_cells)
    rows = to_percent(to_rows(pending if pending is not None else model_rows), cells)
    digest = hashlib.sha1(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()[:12]
    key = f"tbl:{path}:{digest}"
    df = pd.DataFrame(rows)
    if presenting():
        st.dataframe(df, hide_index=True, column_config={"_extra": None, **column_config}, width="stretch",
                     column_order=column_order)
        return
    st.data_editor(
        df,
        key=key,
        num_rows=num_rows,
        hide_index=True,
        column_config={"_extra": None, **column_config},
        column_order=column_order,
        width="stretch",
    )
    delta = st.session_state.get(key) or {}
    if any(delta.get(k) for k in ("edited_rows", "added_rows", "deleted_rows")):
        # The editor's key follows its starting rows, so after this edit is staged (valid or
        # not) the next run starts a fresh editor from the new rows: no edit is applied twice.
        edited = to_model(from_percent(apply_editor_delta(rows, delta), cells))
        if edited != to_model(from_percent(rows, cells)):
            state.stage_edit(path, edited)
            st.rerun()
    names = [r.get("name") or f"row {i + 1}" for i, r in enumerate(rows)]
    for line in messages.problems_for(path):
        where, _, msg = line.partition(": ")
        m = re.match(rf"{re.escape(path)}\[(\d+)\]\.?(.*)", where)
        if m:
            i, sub = int(m[1]), m[2]
            row = names[i] if i < len(names) else f"row {i + 1}"
            col = labels.get(sub, sub or "row")
            msg = _percent_message(msg) if sub in percent_columns else messages.human_message(where, msg)
            st.error(f"**Row {i + 1} ({md.escape(row)}) › {md.escape(col)}**: {md.escape(msg)} "
                     f":gray[· {md.escape(where)}]")
        else:
            st.error(messages.describe(line) if where not in labels else
                     f"**{md.escape(labels[where])}**: {md.escape(messages.human_message(where, msg))} "
                     f":gray[· {md.escape(where)}]")


# --------------------------------------------------------------------------- results

def headline(case: BusinessCase, *, border: bool = True) -> None:
    """NPV, ROI, payback, IRR and revenue per campaign unit in one row (stale-aware).

    Values are short (``€585k``, ``—``, ``12.5%``) so no card truncates at 1280 px or in
    presentation mode; the full figure or the reason for a dash is in the card's help.
    """
    cur = case.currency
    stale = " (stale)" if state.is_stale() else ""
    years = len(case.years) - 1
    if st.session_state.get(PRESENTATION_KEY):  # figures 50% larger
        cols = st.columns(3) + st.columns(3)[:2]  # two rows, so no value is cut off at 1280 px
    else:  # the last card's label is the longest ("Revenue per €1 campaign"): give it the room
        cols = st.columns([1.1, 0.8, 0.95, 0.95, 1.6])
    cols[0].metric(f"NPV{stale}", fmt.money(case.npv, cur), border=border,
                   help=f"Net present value of the programme over the horizon, risk-adjusted: "
                   f"{fmt.money(case.npv, cur, compact=False)}. "
                   "Σ net cash flow / (1 + discount rate)^year, year 0 undiscounted.")
    cols[1].metric(f"ROI{stale}", fmt.pct(case.roi, 0), border=border,
                   help="(PV of benefits − PV of costs) / PV of costs. Undefined (—) with no cost.")
    payback = case.payback_months
    cols[2].metric(f"Payback{stale}", "—" if payback is None else f"{payback:.0f} mo",
                   border=border,
                   help="Undiscounted payback: months until cumulative net cash flow turns positive"
                   + (f" — here not within the {years}-year horizon." if payback is None
                      else f": {fmt.months(payback)}."))
    cols[3].metric(f"IRR{stale}", fmt.irr(case.irr, case.irr_unique), border=border,
                   help="Internal rate of return per year; — when undefined (the flows never change sign, or no "
                   "rate makes NPV zero). A “?” means several rates make NPV zero, so any single IRR is "
                   "ambiguous: judge the case on NPV.")
    sym = fmt.currency_symbol(cur)
    ratio = case.revenue_per_campaign_dollar
    # a ratio, as the Overview's card and the exports print it ("4.9 : 1", not "€4.9" beside it)
    cols[4].metric(f"Revenue per {sym}1 campaign{stale}", fmt.ratio(ratio), border=border,
                   help=f"Incremental revenue per {sym}1 of variable campaign cost. "
                   f"Benchmark: about {fmt.ratio(REVENUE_PER_CAMPAIGN_DOLLAR)} "
                   f"({REVENUE_PER_CAMPAIGN_DOLLAR_SOURCE}).")


def evidence_badge(kind: str) -> str:
    """Markdown badge for an uplift's evidence: assumed (orange), benchmark (blue), measured (green)."""
    colour = {"assumed": "orange", "benchmark": "blue", "measured": "green"}.get(kind, "gray")
    return f":{colour}-badge[{kind}]"


def evidence_line(ev: Evidence) -> str:
    """Markdown: the evidence badge and where the uplift comes from (source or test figures), the
    user's text escaped."""
    if not ev.source and ev.note and not (ev.kind.value == "measured" and ev.measured is not None):
        return f"{evidence_badge(ev.kind.value)} Assumed — note: {md.escape(ev.note)}"
    return f"{evidence_badge(ev.kind.value)} {md.escape(evidence_source(ev))}"
