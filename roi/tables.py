"""Flat, one-row-per-item tables of segments and initiatives, and back.

Spreadsheet-style editors (the dashboard's tables, an Excel sheet) work with flat rows; the
schema nests some fields (``uplift.low``, ``evidence.kind``). These functions convert both ways
without validating, so a half-typed row survives the round trip and the schema can name the
bad cell. Every field a table does not show (``sources``, ``description``, the evidence's year,
note and measured test result …) travels in the ``_extra`` column as JSON text, so editing a
cell never loses what the table does not display.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .schema import Scenario

SEGMENT_COLUMNS: list[str] = [
    "name",
    "customers",
    "visits_per_customer",
    "baseline_conversion_rate",
    "average_order_value",
    "gross_margin",
    "retention_rate",
    "identifiable_share",
    "consent_share",
]

# Flat column → path inside an initiative (dotted for nested fields).
INITIATIVE_COLUMNS: dict[str, str] = {
    "name": "name",
    "outcome": "outcome",
    "lever": "lever",
    "segments": "segments",
    "requires_identity": "requires_identity",
    "channel_reach": "channel_reach",
    "uplift_low": "uplift.low",
    "uplift_base": "uplift.base",
    "uplift_high": "uplift.high",
    "effect_decay": "effect_decay",
    "depth": "depth",
    "content_assets": "content_assets",
    "one_time_cost": "one_time_cost",
    "annual_running_cost": "annual_running_cost",
    "variable_campaign_cost": "variable_campaign_cost",
    "cost_base": "cost_base",
    "effort_fte_months": "effort_fte_months",
    "months_to_launch": "months_to_launch",
    "evidence_kind": "evidence.kind",
    "evidence_source": "evidence.source",
}
EXTRA = "_extra"


def _clean(value: Any) -> Any:
    """Empty cells (``None``, NaN) become ``None`` so the schema reports them as missing."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict, str)):
        return value.item()  # numpy scalar → Python
    return value


def _hidden(item: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """The fields of ``item`` that no column shows (one level of nesting: ``evidence.note``)."""
    shown: dict[str, set[str]] = {}
    for path in paths:
        head, _, rest = path.partition(".")
        shown.setdefault(head, set())
        if rest:
            shown[head].add(rest)
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key not in shown:
            out[key] = value
        elif shown[key] and isinstance(value, dict):
            rest = {k: v for k, v in value.items() if k not in shown[key]}
            if rest:
                out[key] = rest
    return out


def segment_rows(segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Segment dicts (as dumped from the schema) → flat table rows."""
    rows = []
    for seg in segments:
        row = {c: seg.get(c) for c in SEGMENT_COLUMNS}
        row[EXTRA] = json.dumps(_hidden(seg, SEGMENT_COLUMNS))
        rows.append(row)
    return rows


def rows_to_segments(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat table rows → segment dicts for validation (the hidden fields come back from ``_extra``)."""
    out = []
    for row in rows:
        seg: dict[str, Any] = {c: _clean(row.get(c)) for c in SEGMENT_COLUMNS}
        seg.update(_extra(row))
        out.append(seg)
    return out


def initiative_rows(initiatives: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Initiative dicts (as dumped from the schema) → flat table rows."""
    rows = []
    for ini in initiatives:
        row = {col: _get(ini, path) for col, path in INITIATIVE_COLUMNS.items()}
        row[EXTRA] = json.dumps(_hidden(ini, list(INITIATIVE_COLUMNS.values())))
        rows.append(row)
    return rows


def rows_to_initiatives(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat table rows → initiative dicts for validation.

    Hidden fields (``_extra``) come back unchanged — the evidence's ``measured`` test result
    included, so a table edit keeps what the Experiments feedback loop attached.
    """
    out = []
    for row in rows:
        ini: dict[str, Any] = {"uplift": {}, "evidence": {}}
        extra = _extra(row)
        for col, path in INITIATIVE_COLUMNS.items():
            value = _clean(row.get(col))
            if col == "segments":
                value = [] if value is None else [str(v) for v in value]
            if col == "evidence_source" and value is None:
                value = ""
            if value is None and col in {"outcome", "lever", "depth", "evidence_kind"}:
                value = None
            _set(ini, path, value)
        for key in [k for k, v in extra.items() if isinstance(v, dict) and isinstance(ini.get(k), dict)]:
            # hidden sub-fields (evidence year, note, measured result) join the shown ones
            ini[key].update({k: v for k, v in extra.pop(key).items() if v not in (None, "")})
        # Optional numeric cells left empty take the schema default rather than failing.
        for col in ("content_assets", "one_time_cost", "annual_running_cost", "variable_campaign_cost",
                    "cost_base", "effort_fte_months", "months_to_launch", "channel_reach", "depth",
                    "evidence_kind"):
            path = INITIATIVE_COLUMNS[col]
            if "." not in path and ini.get(path) is None:
                ini.pop(path, None)
        if ini["evidence"].get("kind") is None:
            ini["evidence"].pop("kind", None)
        ini.update(extra)
        out.append(ini)
    return out


def scenario_tables(scenario: Scenario) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(segment rows, initiative rows)`` of a scenario."""
    data = scenario.model_dump(mode="json")
    return segment_rows(data["segments"]), initiative_rows(data["initiatives"])


def _get(obj: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        obj = (obj or {}).get(part)
    return obj


def _set(obj: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        obj = obj.setdefault(part, {})
    obj[parts[-1]] = value


def _extra(row: dict[str, Any]) -> dict[str, Any]:
    text = row.get(EXTRA)
    if not text or not isinstance(text, str):
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


SEGMENT_PERCENT_COLUMNS: list[str] = [
    "baseline_conversion_rate", "gross_margin", "retention_rate", "identifiable_share", "consent_share",
]
INITIATIVE_PERCENT_COLUMNS: list[str] = ["channel_reach", "uplift_low", "uplift_base", "uplift_high", "effect_decay"]


def to_percent(rows: list[dict[str, Any]], columns: list[str]) -> list[dict[str, Any]]:
    """Copies of ``rows`` with the fraction cells of ``columns`` as percentages (0.8 → 80).

    Editors show and take percentages, like the form fields; :func:`from_percent` undoes it.
    Empty and non-numeric cells pass through unchanged.

    >>> to_percent([{"gross_margin": 0.35, "name": "A"}], ["gross_margin"])
    [{'gross_margin': 35.0, 'name': 'A'}]
    """
    return _scaled(rows, columns, 100.0)


def from_percent(rows: list[dict[str, Any]], columns: list[str]) -> list[dict[str, Any]]:
    """Copies of ``rows`` with the percentage cells of ``columns`` back as fractions (80 → 0.8).

    >>> from_percent([{"consent_share": 30}], ["consent_share"])
    [{'consent_share': 0.3}]
    """
    return _scaled(rows, columns, 0.01)


def _scaled(rows: list[dict[str, Any]], columns: list[str], factor: float) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        new = dict(row)
        for col in columns:
            value = _clean(new.get(col))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                new[col] = round(float(value) * factor, 10)
        out.append(new)
    return out
