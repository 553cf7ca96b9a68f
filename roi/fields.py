"""The field registry: label, unit, help, percent-ness and bounds of any scenario field path.

Each field is written once, on its pydantic model in :mod:`roi.schema` (``title``,
``description``, and ``unit`` / ``percent`` / ``step`` in ``json_schema_extra``; bounds from
its range validator). The input pages, validation messages, tables and the workbook's
Assumptions sheet read them here, by the path grammar of :mod:`roi.paths`
(``initiatives[2].uplift.base``).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .paths import split_path
from .schema import Scenario


@dataclass(frozen=True)
class FieldSpec:
    """What a field is, for people: ``title`` (label), ``unit``, ``help``, whether it is a
    share typed as a percentage or an amount of money, its natural step, and its bounds (in the
    stored unit)."""

    name: str
    title: str
    unit: str = ""
    help: str = ""
    percent: bool = False
    money: bool = False
    short: str = ""  # a table column's header when the title is too long; "" → the title
    step: float | None = None
    lower: float | None = None
    upper: float | None = None


def _inner_model(annotation: object) -> type[BaseModel] | None:
    """The model inside ``X``, ``list[X]``, ``X | None`` or ``Annotated[X, …]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType) or origin is typing.Annotated:
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def _bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    for meta in info.metadata:
        bounds = getattr(getattr(meta, "func", None), "bounds", None)
        if bounds is not None:
            return bounds
    annotation = info.annotation
    for arg in typing.get_args(annotation):  # Fraction | None and the like
        for meta in getattr(arg, "__metadata__", ()):
            bounds = getattr(getattr(meta, "func", None), "bounds", None)
            if bounds is not None:
                return bounds
    return None, None


@lru_cache(maxsize=512)
def _spec(model: type[BaseModel], name: str) -> FieldSpec:
    info = model.model_fields[name]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    lower, upper = _bounds(info)
    return FieldSpec(
        name=name,
        title=info.title or name.replace("_", " ").capitalize(),
        unit=str(extra.get("unit", "")),
        help=info.description or "",
        percent=bool(extra.get("percent", False)),
        money=bool(extra.get("money", False)),
        short=str(extra.get("short", "")),
        step=extra.get("step"),  # type: ignore[arg-type]
        lower=lower,
        upper=upper,
    )


@lru_cache(maxsize=8192)  # the workbook asks for every initiative's and segment's fields: thousands of calls
def spec(path: str) -> FieldSpec:
    """The :class:`FieldSpec` of the field at ``path``; ``KeyError`` naming it when there is none.

    >>> spec("initiatives[3].uplift.base").title
    'Uplift, base'
    >>> spec("settings.discount_rate").percent, spec("settings.discount_rate").upper
    (True, 1)
    """
    model: type[BaseModel] = Scenario
    names = [p for p in split_path(path) if isinstance(p, str)]
    for k, name in enumerate(names):
        if name not in model.model_fields:
            raise KeyError(f"field: no field {name!r} in {path!r}")
        if k == len(names) - 1:
            return _spec(model, name)
        inner = _inner_model(model.model_fields[name].annotation)
        if inner is None:
            raise KeyError(f"field: {name!r} in {path!r} has no fields")
        model = inner
    raise KeyError(f"field: empty path {path!r}")


def label(path: str) -> str:
    """The field's label, or a readable form of its name when the path is not a field."""
    try:
        return spec(path).title
    except KeyError:
        last = path.rpartition(".")[2].split("[")[0]
        return last.replace("_", " ").capitalize() or "Row"


def is_percent(path: str) -> bool:
    """Whether the field is a share typed and shown as a percentage."""
    try:
        return spec(path).percent
    except KeyError:
        return False
