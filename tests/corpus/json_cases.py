"""Scenario JSON files with one field mutated (every leaf of every sample), and broken whole files."""

from __future__ import annotations

import copy
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import roi
from roi.bounded import MAX_DEPTH, MAX_ITEMS, MAX_JSON_BYTES
from roi.schema import MAX_TEXT_CHARS

from . import Case, Expect
from .leaves import Leaf, leaves

PER_LEAF = 2  # mutations per occurrence of a field (more when a field occurs too rarely to get them all)
UNKNOWN_KEY = "corpus_unknown"
_RAW = "@@CORPUS_RAW@@"  # placeholder replaced by raw JSON text (NaN, 1e400, a key given twice …)


# --------------------------------------------------------------------------- samples

def enriched_sample() -> dict[str, Any]:
    """The European retailer with every optional part filled in (plan, calibration, a change record,
    a measured result, a data source), so the corpus reaches the fields no shipped sample uses."""
    data = json.loads(roi.sample_paths()["european_retailer"].read_text(encoding="utf-8"))
    names = [i["name"] for i in data["initiatives"]]
    measured = {
        "test_name": "Recs A/B", "date": "2025-03-01", "visitors_a": 10_000, "conversions_a": 300,
        "visitors_b": 10_000, "conversions_b": 345, "p_value": 0.04, "alpha": 0.05, "significant": True,
        "rel_lift": 0.15, "ci_rel_lift": [0.01, 0.29], "confidence": 0.95, "shrinkage_factor": 0.8,
    }
    ini = data["initiatives"][0]
    ini["evidence"] = {"kind": "measured", "source": "Recs A/B", "year": 2025, "note": "our test",
                       "measured": measured}
    data["plan"] = {"capacity_fte": 4.0, "budget_one_time": 2_000_000.0, "budget_year1": 1_500_000.0,
                    "pinned_in": [names[0]], "pinned_out": [names[-1]], "lens": "rice", "impact": "profit",
                    "cost_axis": "cost"}
    data["calibration"] = {
        "factor": 0.9, "test_name": "Global holdout", "date": "2025-06-30", "exposed_customers": 90_000,
        "holdout_customers": 10_000, "incremental_revenue_per_customer": 4.5, "ci": [1.0, 8.0],
        "confidence": 0.95, "p_value": 0.01, "claimed_revenue_per_customer": 5.0, "note": "Q2 holdout",
    }
    data["changes"] = [
        {"date": "2025-03-01", "scope": "initiative", "initiative": names[0],
         "before": {"low": 0.01, "base": 0.03, "high": 0.06}, "after": dict(ini["uplift"]),
         "evidence_before": "assumed", "evidence_after": "measured", "reason": "measured", "result": measured,
         "note": ""},
        {"date": "2025-06-30", "scope": "programme", "factor_before": 1.0, "factor_after": 0.9,
         "reason": "holdout"},
    ]
    data["data_sources"] = [{
        "name": "orders.csv", "engine": "duckdb", "rows_read": 1000, "rows_used": 990, "rows_excluded": 10,
        "excluded": {"negative amount": 10}, "period_start": "2024-01-01", "period_end": "2024-12-31",
        "derived_on": "2025-01-15", "mapping": {"customers": "customer_id"}, "segmentation": "rfm",
        "segments": [data["segments"][0]["name"]], "visits": "visits.csv", "customers_file": "", "note": "",
    }]
    return data


@lru_cache(maxsize=1)
def samples() -> dict[str, str]:
    """Sample name → its JSON text (the shipped samples and :func:`enriched_sample`)."""
    out = {k: p.read_text(encoding="utf-8") for k, p in roi.sample_paths().items()}
    out["enriched"] = json.dumps(enriched_sample(), indent=2, ensure_ascii=False)
    return out


# --------------------------------------------------------------------------- mutations

@dataclass(frozen=True)
class Edit:
    """How a mutation changes the leaf: set a value, put raw JSON text, delete it, add a key beside
    it, or give its key twice (``bad`` first or last)."""

    op: str  # "set" | "raw" | "delete" | "unknown" | "dup_first" | "dup_last"
    value: Any = None
    expect: Expect = "refuse"


Mutation = Callable[[Leaf], Edit | None]
_NUMERIC = ("number", "int")


def _refuse_unless(ok: bool) -> Expect:
    return "either" if ok else "refuse"


def _negative(leaf: Leaf) -> Edit | None:
    if leaf.kind not in _NUMERIC or isinstance(leaf.value, bool):
        return None
    v = -(abs(leaf.value or 0) + 1)  # a null optional number counts as 0
    return Edit("set", v, _refuse_unless(leaf.lower is None or v >= leaf.lower))


def _above(leaf: Leaf) -> Edit | None:
    if leaf.kind not in _NUMERIC or leaf.upper is None:
        return None
    v = leaf.upper + 1 if leaf.kind == "int" else (1.5 if leaf.upper == 1 else leaf.upper * 1.5 + 1)
    return Edit("set", int(v) if leaf.kind == "int" else float(v))


def _below(leaf: Leaf) -> Edit | None:
    if leaf.kind not in _NUMERIC or leaf.lower is None or leaf.lower <= 0:
        return None  # a lower bound of 0 is :func:`_negative`'s
    return Edit("set", int(leaf.lower) - 1 if leaf.kind == "int" else leaf.lower - 0.5)


def _huge(leaf: Leaf) -> Edit | None:  # finite, within the digit limit, above every bound the schema has
    if leaf.kind not in _NUMERIC:
        return None
    return Edit("set", 10**29 if leaf.kind == "int" else 1e300, _refuse_unless(leaf.upper is None))


def _raw(text: str) -> Mutation:
    return lambda leaf: Edit("raw", text)


def _value(value: Any, *, ok_kinds: tuple[str, ...] = (), only: tuple[str, ...] = ()) -> Mutation:
    """Set ``value``: refused unless the leaf's kind is one of ``ok_kinds``; only for ``only`` kinds."""
    def mutate(leaf: Leaf) -> Edit | None:
        if only and leaf.kind not in only:
            return None
        return Edit("set", value, _refuse_unless(leaf.kind in ok_kinds))
    return mutate


def _null(leaf: Leaf) -> Edit | None:
    return Edit("set", None, _refuse_unless(leaf.optional))


def _missing(leaf: Leaf) -> Edit | None:
    if leaf.path == "schema_version":  # read as version 1, whose migration would overwrite the version-2 risks
        return Edit("delete")
    return Edit("delete", expect=_refuse_unless(leaf.parent != "model" or not leaf.required))


def _unknown_key(leaf: Leaf) -> Edit | None:
    if leaf.parent == "list":
        return None
    # a free dict (sources, excluded) takes any key; a model refuses one it does not know
    return Edit("unknown", 1, _refuse_unless(leaf.parent == "dict"))


def _duplicate(first_bad: bool) -> Mutation:
    def mutate(leaf: Leaf) -> Edit | None:
        if leaf.parent == "list":
            return None
        return Edit("dup_first" if first_bad else "dup_last", "[]")
    return mutate


def _as_string(leaf: Leaf) -> Edit | None:  # "0.1" for 0.1, "true" for true: text is not a number or a boolean
    if leaf.kind in _NUMERIC or leaf.kind == "bool":
        return Edit("set", json.dumps(leaf.value))
    return None


def _fraction(leaf: Leaf) -> Edit | None:
    return Edit("set", 2.5) if leaf.kind == "int" else None


def _text_edit(make: Callable[[str], Any], expect: Expect = "refuse", raw: bool = False) -> Mutation:
    def mutate(leaf: Leaf) -> Edit | None:
        if leaf.kind != "text":
            return None
        return Edit("raw" if raw else "set", make(str(leaf.value)), expect)
    return mutate


MUTATIONS: dict[str, Mutation] = {
    "negative": _negative,
    "above_range": _above,
    "below_range": _below,
    "huge": _huge,
    "nan": _raw("NaN"),
    "infinity": _raw("Infinity"),
    "-infinity": _raw("-Infinity"),
    "1e400": _raw("1e400"),
    "5000_digits": _raw("9" * 5000),
    "bigint": _raw(str(10**40)),
    "numeric_string": _as_string,
    "fractional_int": _fraction,
    "true": _value(True, ok_kinds=("bool",)),
    "false": _value(False, ok_kinds=("bool",), only=("number", "int", "bool")),
    "one": _value(1, only=("bool", "text", "enum", "object")),
    "half": _value(0.5, only=("bool",)),
    "string": _value("corpus", ok_kinds=("text",), only=("number", "int", "bool", "enum", "object")),
    "list": _value([]),
    "object": _value({}),
    "null": _null,
    "missing": _missing,
    "unknown_key": _unknown_key,
    "duplicate_bad_first": _duplicate(True),
    "duplicate_bad_last": _duplicate(False),
    "control_character": _text_edit(lambda s: s[:1] + "\x01" + s[1:]),
    "lone_surrogate": _text_edit(lambda s: '"a\\ud800b"', raw=True),
    "too_long": _text_edit(lambda s: "x" * (MAX_TEXT_CHARS + 1)),
    "empty_text": _text_edit(lambda s: "", "either"),
    "other_text": _text_edit(lambda s: "Corpus text é ✓", "either"),
    "upper_case_choice": lambda leaf: Edit("set", str(leaf.value).upper()) if leaf.kind == "enum" else None,
}


def _apply(source: str, leaf: Leaf, edit: Edit) -> tuple[str, str]:
    """``(JSON text, expected field)`` of the scenario ``source`` with ``edit`` applied at ``leaf``."""
    data = json.loads(source)  # a fresh copy, at C speed (deepcopy took most of the generation time)
    parent: Any = data
    for part in leaf.parts[:-1]:
        parent = parent[part]
    key = leaf.parts[-1]
    field = leaf.path
    raw = None
    if edit.op == "set":
        parent[key] = edit.value
    elif edit.op == "raw":
        parent[key], raw = _RAW, edit.value
    elif edit.op == "delete":
        del parent[key]
        if isinstance(key, int):  # a list item removed: the list itself is what changed
            field = leaf.path.rsplit("[", 1)[0]
    elif edit.op == "unknown":
        parent[UNKNOWN_KEY] = edit.value
        field = f"{leaf.path.rsplit('.', 1)[0]}.{UNKNOWN_KEY}" if len(leaf.parts) > 1 else UNKNOWN_KEY
    else:  # a duplicate key: the same key twice in one object, the bad value first or last
        orig = json.dumps(leaf.value, ensure_ascii=False)
        pair = (edit.value, orig) if edit.op == "dup_first" else (orig, edit.value)
        parent[key], raw = _RAW, f"{pair[0]}, {json.dumps(key)}: {pair[1]}"
    text = json.dumps(data, ensure_ascii=False)  # no indent: the C encoder
    if raw is not None:
        text = text.replace(json.dumps(_RAW), raw, 1)
    return text, field


def field_cases() -> Iterator[Case]:
    """Every leaf of every sample, each with a rotating :data:`PER_LEAF` of the applicable mutations."""
    found: list[tuple[str, str, Leaf]] = []
    for name, text in samples().items():
        found += [(name, text, lf) for lf in leaves(json.loads(text))]
    seen: dict[str, int] = defaultdict(int)
    occurrences: dict[str, int] = defaultdict(int)
    for _, _, lf in found:
        occurrences[lf.pattern] += 1
    for name, source, lf in found:
        applicable = [(m, e) for m, f in MUTATIONS.items() if (e := f(lf)) is not None]
        j = seen[lf.pattern]
        seen[lf.pattern] += 1
        per = max(PER_LEAF, math.ceil(len(applicable) / occurrences[lf.pattern]))
        chosen = sorted({(j * per + t) % len(applicable) for t in range(per)})
        for k in chosen:
            mname, edit = applicable[k]
            text, field = _apply(source, lf, edit)
            yield Case(f"json/{name}@{lf.path}/{mname}", "json", text.encode("utf-8"), field, edit.expect)


# --------------------------------------------------------------------------- whole files

def _nest(depth: int) -> str:
    return "[" * depth + "]" * depth


def file_cases() -> Iterator[Case]:
    """Broken or unusual whole files: encodings, truncation, the wrong JSON type, nesting, size."""
    for name, text in samples().items():
        raw = text.encode("utf-8")
        yield Case(f"json/{name}/as_is", "json", raw, "", "load")
        yield Case(f"json/{name}/utf8_bom", "json", b"\xef\xbb\xbf" + raw, "", "load")
        yield Case(f"json/{name}/crlf_line_ends", "json", raw.replace(b"\n", b"\r\n"), "", "load")
        yield Case(f"json/{name}/ascii_escaped", "json", json.dumps(json.loads(text)).encode(), "", "load")
        yield Case(f"json/{name}/utf16", "json", text.encode("utf-16"), "file")
        # a name typed in a Latin-1 editor: "é" as the single byte 0xE9
        yield Case(f"json/{name}/latin1", "json", raw.replace(b'"name": "', b'"name": "Caf\xe9 ', 1), "file")
        for cut in (1, 10, len(raw) // 3, len(raw) // 2, len(raw) - 2):
            yield Case(f"json/{name}/truncated_at_{cut}", "json", raw[:cut], "file")
        data = json.loads(text)
        yield Case(f"json/{name}/in_a_list", "json", json.dumps([data]).encode(), "scenario")
        # control characters in every text field at once: every problem names a text field
        bad = copy.deepcopy(data)
        for lf in leaves(data):
            if lf.kind == "text" and lf.parent != "list":
                target: Any = bad
                for part in lf.parts[:-1]:
                    target = target[part]
                target[lf.parts[-1]] = "\x07" + str(lf.value)
        yield Case(f"json/{name}/control_characters_everywhere", "json", json.dumps(bad).encode(), "", "refuse")
    for path in sorted((Path(__file__).resolve().parents[1] / "data" / "v1").glob("*.json")):
        yield Case(f"json/v1/{path.stem}", "json", path.read_bytes(), "", "load")  # old files still open
    sample = json.loads(samples()["european_retailer"])
    tops: dict[str, tuple[bytes, str]] = {
        "empty": (b"", "file"),
        "whitespace": (b" \n\t ", "file"),
        "bom_only": (b"\xef\xbb\xbf", "file"),
        "nul_bytes": (b"\x00" * 64, "file"),
        "binary": (bytes(range(256)) * 4, "file"),
        "array": (b"[]", "scenario"),
        "number": (b"42", "scenario"),
        "string": (b'"scenario"', "scenario"),
        "null": (b"null", "scenario"),
        "true": (b"true", "scenario"),
        "nan": (b"NaN", "scenario"),
        "empty_object": (b"{}", "settings"),
        "single_quotes": (b"{'settings': {}}", "file"),
        "trailing_comma": (json.dumps(sample)[:-1].encode() + b",}", "file"),
        "comment": (b"// scenario\n" + json.dumps(sample).encode(), "file"),
        "two_documents": (json.dumps(sample).encode() * 2, "file"),
        "nested_10000": (_nest(10_000).encode(), "file"),
        "nested_10000_in_a_field": (('{"settings": ' + _nest(10_000) + "}").encode(), "file"),
        f"nested_{MAX_DEPTH + 1}": (_nest(MAX_DEPTH + 1).encode(), "file"),
        f"nested_{MAX_DEPTH + 1}_in_a_field": (('{"settings": ' + _nest(MAX_DEPTH) + "}").encode(), "file"),
        "objects_nested_10000": (('{"a":' * 10_000 + "1" + "}" * 10_000).encode(), "file"),
        "huge_list": (json.dumps(dict(sample, segments=[0] * (MAX_ITEMS + 1))).encode(), "segments"),
        "huge_list_of_segments": (json.dumps(dict(sample, segments=[sample["segments"][0]] * (MAX_ITEMS + 1)))
                                  .encode(), "file"),  # over 2 MB: refused for its size first
        "long_list": (json.dumps(dict(sample, segments=[sample["segments"][0]] * 101)).encode(), "segments"),
        "list_of_nulls": (json.dumps(dict(sample, initiatives=[None] * (MAX_ITEMS - 1))).encode(), "initiatives"),
        "many_keys": (json.dumps(dict(sample, settings={f"k{k}": 0 for k in range(MAX_ITEMS + 1)})).encode(),
                      "settings"),
        "too_large": (json.dumps(sample).encode() + b" " * MAX_JSON_BYTES, "file"),
        "schema_version_1_with_v2_fields": (json.dumps(dict(sample, schema_version=1)).encode(), "schema_version"),
        "schema_version_3": (json.dumps(dict(sample, schema_version=3)).encode(), "schema_version"),
        "schema_version_0": (json.dumps(dict(sample, schema_version=0)).encode(), "schema_version"),
        "schema_version_text": (json.dumps(dict(sample, schema_version="2")).encode(), "schema_version"),
        "unknown_top_level_key": (json.dumps(dict(sample, extra={"a": 1})).encode(), "extra"),
        "key_given_twice_at_top": (json.dumps(sample)[:-1].encode() + b', "schema_version": 2}', "schema_version"),
    }
    for case_name, (payload, field) in tops.items():
        yield Case(f"json/file/{case_name}", "json", payload, field)


def cases() -> Iterator[Case]:
    """Whole-file cases first (they are few), then the per-field mutations."""
    yield from file_cases()
    yield from field_cases()
