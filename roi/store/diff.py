"""Field-path differences between two scenarios: what changed, from what, to what.

Paths use the grammar of :mod:`roi.paths` (``initiatives[2].uplift.base``). The walk is generic —
it knows no field of the schema — so new optional fields (schema version 2 …) are diffed as they
come. Three rules make a diff read like what a person did:

* **Lists of named items** (every item an object with a unique ``name``: initiatives, segments)
  are matched by name, so reordering them is not a change and removing the second of six items
  is one removal, not five changed items. An unmatched old item and an unmatched new item at the
  same position are the same item renamed. Paths carry the item's index in the *new* scenario
  (in the old one for a removed item). The order of named items is not itself a change.
* Other lists of objects (the ``changes`` log) are matched by position; lists of plain values
  (an initiative's target segments) and maps whose keys are not field names (``sources``) are
  compared whole.
* An added item has ``old`` ``None``; a removed one has ``new`` ``None``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_FIELD = re.compile(r"[A-Za-z_]\w*\Z")
_LOG_ENTRY = re.compile(r"changes\[\d+\]\Z")  # the scenario's own log of applied test results


@dataclass(frozen=True)
class Change:
    """One changed field: ``path``, its ``old`` and ``new`` values (JSON values)."""

    path: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "old": self.old, "new": self.new}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        return cls(str(data["path"]), data.get("old"), data.get("new"))

    @property
    def kind(self) -> str:
        """``added``, ``removed`` (a whole list item) or ``changed``."""
        if self.old is None and isinstance(self.new, dict):
            return "added"
        if self.new is None and isinstance(self.old, dict):
            return "removed"
        return "changed"


def plain(scenario: Any) -> Any:
    """A scenario model as its JSON data; data passes unchanged."""
    return scenario.model_dump(mode="json") if hasattr(scenario, "model_dump") else scenario


def diff(old: Any, new: Any) -> list[Change]:
    """Changes that turn ``old`` into ``new`` (scenarios, or their JSON data), in document order.

    >>> a = {"initiatives": [{"name": "A", "uplift": 0.05}, {"name": "B", "uplift": 0.1}]}
    >>> b = {"initiatives": [{"name": "B", "uplift": 0.1}, {"name": "A", "uplift": 0.07}]}
    >>> diff(a, b)
    [Change(path='initiatives[1].uplift', old=0.05, new=0.07)]
    """
    out: list[Change] = []
    _walk(plain(old), plain(new), "", out)
    return out


def _walk(a: Any, b: Any, path: str, out: list[Change]) -> None:
    if isinstance(a, dict) and isinstance(b, dict) and _fields(a) and _fields(b):
        for key in [*a, *(k for k in b if k not in a)]:
            sub = f"{path}.{key}" if path else key
            if key not in b:
                out.append(Change(sub, a[key], None))
            elif key not in a:
                out.append(Change(sub, None, b[key]))
            else:
                _walk(a[key], b[key], sub, out)
    elif isinstance(a, list) and isinstance(b, list) and _objects(a) and _objects(b) and (a or b):
        _walk_list(a, b, path, out)
    elif not same(a, b):
        out.append(Change(path, a, b))


def _fields(d: dict[str, Any]) -> bool:
    return all(isinstance(k, str) and _FIELD.match(k) for k in d)


def _objects(items: list[Any]) -> bool:
    return all(isinstance(x, dict) for x in items)


def names(items: list[Any]) -> list[str] | None:
    """The items' names when every item is an object with a unique string ``name``, else ``None``."""
    found = [x.get("name") for x in items if isinstance(x, dict)]
    if len(found) != len(items) or not all(isinstance(n, str) for n in found) or len(set(found)) != len(found):
        return None
    return found  # type: ignore[return-value]


def _walk_list(a: list[Any], b: list[Any], path: str, out: list[Change]) -> None:
    na, nb = names(a), names(b)
    if na is not None and nb is not None:
        where_b = {n: j for j, n in enumerate(nb)}
        pairs = [(i, where_b[n]) for i, n in enumerate(na) if n in where_b]
        lost = [i for i, n in enumerate(na) if n not in where_b]
        known_a = set(na)
        new = {j for j, n in enumerate(nb) if n not in known_a}
        renamed = [(i, i) for i in lost if i in new]  # same place, new name: the item was renamed
        pairs = sorted(pairs + renamed, key=lambda p: p[1])
        removed = [i for i in lost if i not in new]
        added = sorted(new - {j for _, j in renamed})
    else:
        pairs = [(i, i) for i in range(min(len(a), len(b)))]
        removed, added = list(range(len(b), len(a))), list(range(len(a), len(b)))
    for i, j in pairs:
        _walk(a[i], b[j], f"{path}[{j}]", out)
    out.extend(Change(f"{path}[{i}]", a[i], None) for i in removed)
    out.extend(Change(f"{path}[{j}]", None, b[j]) for j in added)


def same(a: Any, b: Any) -> bool:
    """Equal as JSON values: ``1 == 1.0``, but ``true`` is not ``1``."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)


# --------------------------------------------------------------------------- reading a change

def is_applied_test(change: Change) -> bool:
    """True for an entry the feedback loop appended to the scenario's log (a test result applied)."""
    return (_LOG_ENTRY.match(change.path) is not None and change.old is None
            and isinstance(change.new, dict) and isinstance(change.new.get("reason"), str))


def applied_tests(changes: list[Change]) -> list[str]:
    """Reasons of the test results applied by these changes (the version's default reason)."""
    return [str(c.new["reason"]) for c in changes if is_applied_test(c)]


def item_name(path: str, new: Any, old: Any = None) -> str | None:
    """Name of the named list item a path lies in (``initiatives[2]…`` → its ``name``), looked up in
    ``new`` and then ``old`` (a removed item); ``None`` when the path is not inside one.

    >>> item_name("initiatives[0].uplift.base", {"initiatives": [{"name": "Recs"}]})
    'Recs'
    """
    m = re.match(r"([A-Za-z_]\w*)\[(\d+)\]", path)
    if not m:
        return None
    for data in (new, old):
        items = plain(data).get(m[1]) if isinstance(plain(data), dict) else None
        k = int(m[2])
        if isinstance(items, list) and k < len(items) and isinstance(items[k], dict):
            name = items[k].get("name")
            if isinstance(name, str):
                return name
    return None


def format_value(value: Any, limit: int = 120) -> str:
    """A JSON value in a line of text: numbers exact and grouped, items by their name.

    >>> format_value(1250000.0), format_value(0.05), format_value(None), format_value(["A", "B"])
    ('1,250,000', '0.05', '—', 'A, B')
    >>> format_value({"name": "Recs", "uplift": {}}), format_value(True)
    ('Recs', 'true')
    """
    if value is None:
        text = "—"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float):
        text = f"{int(value):,}" if value.is_integer() and abs(value) < 1e15 else repr(value)
    elif isinstance(value, str):
        text = " ".join(value.split())
    elif isinstance(value, list) and all(not isinstance(x, (dict, list)) for x in value):
        text = ", ".join(format_value(x, limit) for x in value) or "(none)"
    elif isinstance(value, dict) and isinstance(value.get("name"), str):
        text = value["name"]
    elif isinstance(value, dict) and isinstance(value.get("reason"), str) and value["reason"]:
        text = value["reason"]
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(change: Change, limit: int = 120) -> str:
    """One line for a change: ``path: old → new``, ``path: added Recs``, ``path: removed Recs``,
    ``changes[3]: applied test result — <reason>``.

    >>> describe(Change("initiatives[2].uplift.base", 0.05, 0.07))
    'initiatives[2].uplift.base: 0.05 → 0.07'
    """
    if is_applied_test(change):
        return f"{change.path}: applied test result — {format_value(change.new['reason'], limit)}"
    if change.kind == "added":
        return f"{change.path}: added {format_value(change.new, limit)}"
    if change.kind == "removed":
        return f"{change.path}: removed {format_value(change.old, limit)}"
    return f"{change.path}: {format_value(change.old, limit)} → {format_value(change.new, limit)}"
