"""Field paths into a scenario: ``"initiatives[2].uplift.base"``.

One grammar for every place that names a scenario field by a string — the dashboard's draft
edits (``ui/state.py``), the workbook's Assumptions sheet (column I, read back by
:mod:`roi.export.xlsx_import`) and the validation messages of :func:`roi.parse_scenario`.

A path is a sequence of attribute names (a letter or ``_``, then letters, digits or ``_``)
separated by dots, each optionally followed by ``[index]`` list subscripts.
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")

PathPart = str | int


def split_path(path: str) -> list[PathPart]:
    """The parts of ``path``: names as ``str``, list indices as ``int``.

    >>> split_path("initiatives[2].uplift.base")
    ['initiatives', 2, 'uplift', 'base']
    >>> split_path("settings.p90_share")  # digits inside a name belong to it
    ['settings', 'p90_share']
    """
    return [name if name else int(idx) for name, idx in _TOKEN.findall(path)]


def value_at(data: Any, path: str) -> Any:
    """The value at ``path`` in a scenario: a model (attributes) or its dumped dict (keys).

    ``KeyError``, ``IndexError`` or ``AttributeError`` when the path does not exist.

    >>> value_at({"initiatives": [{"uplift": {"base": 0.05}}]}, "initiatives[0].uplift.base")
    0.05
    """
    for part in split_path(path):
        data = data[part] if isinstance(part, int) or isinstance(data, dict) else getattr(data, part)
    return data


def set_value_at(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at ``path`` in a dumped scenario dict, in place (its parent must exist).

    >>> d = {"initiatives": [{"uplift": {"base": 0.05}}]}
    >>> set_value_at(d, "initiatives[0].uplift.base", 0.07)
    >>> d["initiatives"][0]["uplift"]["base"]
    0.07
    """
    parts = split_path(path)
    target: Any = data
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value
