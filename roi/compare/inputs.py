"""The inputs that differ between 2–4 scenarios, one row per field.

Named items (initiatives, segments) are matched by name, as in :mod:`roi.store.diff`; an item that
some scenarios lack is one row ("present" / absent), not a row per field of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..store.diff import names, plain, same

_FIELD = re.compile(r"[A-Za-z_]\w*\Z")
_ITEM = "#item"  # key part marking a whole named item
_ABSENT = object()


@dataclass(frozen=True)
class InputDifference:
    """One input that is not the same everywhere.

    ``path`` is the field path in the first scenario that has it (``initiatives[2].uplift.base``);
    ``item`` the named item it lies in (or ``None``), ``field`` the path inside that item (``""`` for
    a row about the whole item); ``values`` one per scenario, ``None`` where it is absent.
    """

    path: str
    item: str | None
    field: str
    values: list[Any]


def _flatten(data: Any, key: tuple[str, ...], path: str, item: tuple[str | None, str],
             out: dict[tuple[str, ...], tuple[str, str | None, str, Any]]) -> None:
    name, inner = item
    if isinstance(data, dict) and data and all(isinstance(k, str) and _FIELD.match(k) for k in data):
        for k, v in data.items():
            _flatten(v, key + (k,), f"{path}.{k}" if path else k, (name, f"{inner}.{k}" if inner else k), out)
        return
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        labels = names(data)
        for j, x in enumerate(data):
            sub = f"{path}[{j}]"
            if labels is not None:
                out[key + (labels[j], _ITEM)] = (sub, labels[j], "", labels[j])
                _flatten(x, key + (labels[j],), sub, (labels[j], ""), out)
            else:
                _flatten(x, key + (str(j),), sub, (name, f"{inner}[{j}]"), out)
        return
    out[key] = (path, name, inner, data)


def differing_inputs(scenarios: list[Any]) -> list[InputDifference]:
    """Rows for every input whose value is not the same in all ``scenarios`` (in document order of
    the first scenario that has it).

    >>> a = {"settings": {"discount_rate": 0.1, "currency": "EUR"}}
    >>> b = {"settings": {"discount_rate": 0.08, "currency": "EUR"}}
    >>> differing_inputs([a, b])
    [InputDifference(path='settings.discount_rate', item=None, field='settings.discount_rate', values=[0.1, 0.08])]
    """
    flats = []
    for s in scenarios:
        flat: dict[tuple[str, ...], tuple[str, str | None, str, Any]] = {}
        _flatten(plain(s), (), "", (None, ""), flat)
        flats.append(flat)
    keys = list(dict.fromkeys(k for flat in flats for k in flat))
    partial = {k[:-1] for k in keys if k[-1] == _ITEM and any(k not in flat for flat in flats)}
    rows = []
    for k in keys:
        if k[-1] == _ITEM and k[:-1] not in partial:
            continue  # the item is everywhere: its fields speak for it
        if any(k[: n] in partial for n in range(1, len(k))) and k[-1] != _ITEM:
            continue  # a field of an item some scenarios lack: the item's own row says it
        values = [flat[k][3] if k in flat else _ABSENT for flat in flats]
        if all(v is not _ABSENT for v in values) and all(same(values[0], v) for v in values[1:]):
            continue
        path, item, field, _ = next(flat[k] for flat in flats if k in flat)
        rows.append(InputDifference(path, item, field, [None if v is _ABSENT else v for v in values]))
    return rows
