"""What each leaf of a scenario is, read from the pydantic schema: its type, bounds and whether it may be null or left out."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from roi import schema
from roi.schema import Scenario

Kind = Literal["number", "int", "bool", "text", "enum", "object"]  # "object": a null model or list
Parent = Literal["model", "list", "dict"]


@dataclass(frozen=True)
class Leaf:
    """One leaf of a scenario's JSON: its path (``initiatives[2].uplift.base``), value and schema."""

    path: str
    parts: tuple[str | int, ...]
    value: Any
    kind: Kind
    parent: Parent  # what holds it: a model (named field), a list (an item) or a free dict (sources …)
    lower: float | None = None
    upper: float | None = None
    optional: bool = False  # null accepted
    required: bool = True  # in a model: no default, so leaving it out is refused

    @property
    def pattern(self) -> str:
        """The path with list indices and free-dict keys generalised: one name per schema field."""
        out = ""
        for part, parent in zip(self.parts, _parents(self.parts)):
            if isinstance(part, int):
                out += "[*]"
            else:
                out += ("." if out else "") + ("*" if parent == "dict" else part)
        return out


def _parents(parts: tuple[str | int, ...]) -> list[Parent]:
    """The kind of container each part of a path sits in (for :attr:`Leaf.pattern`)."""
    return [_resolve(parts[: k + 1])[1] for k in range(len(parts))]


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """``(base type, constraint metadata, optional)`` of an annotation such as ``Fraction | None``."""
    metadata: list[Any] = []
    optional = False
    while True:
        if isinstance(annotation, (str, typing.ForwardRef)):  # ``list[DataSource]``: defined after Scenario
            annotation = eval(getattr(annotation, "__forward_arg__", annotation), vars(schema))  # noqa: S307 - our own schema's text
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            args = typing.get_args(annotation)
            annotation = args[0]
            metadata.extend(args[1:])
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
        else:
            return annotation, metadata, optional


@lru_cache(maxsize=4096)
def _resolve(parts: tuple[str | int, ...]) -> tuple[Any, Parent, list[Any], bool, bool]:
    """Walk the schema along ``parts``: ``(annotation, parent kind, metadata, optional, required)``."""
    annotation: Any = Scenario
    parent: Parent = "model"
    metadata: list[Any] = []
    optional = False
    required = True
    for part in parts:
        base, _, _ = _unwrap(annotation)
        origin = typing.get_origin(base)
        if isinstance(base, type) and issubclass(base, BaseModel):
            info: FieldInfo = base.model_fields[str(part)]
            annotation, parent, required = info.annotation, "model", info.is_required()
            metadata = list(info.metadata)
        elif origin in (list, tuple):
            args = typing.get_args(base)
            annotation = args[int(part)] if origin is tuple and len(args) > 1 and args[1] is not Ellipsis else args[0]
            parent, metadata, required = "list", [], True
        elif origin is dict:
            annotation, parent, metadata, required = typing.get_args(base)[1], "dict", [], False
        else:
            raise KeyError(f"no schema for {parts!r}")
        _, inner_meta, optional = _unwrap(annotation)
        metadata = metadata + inner_meta
    return annotation, parent, metadata, optional, required


def _bounds(metadata: list[Any]) -> tuple[float | None, float | None]:
    lower = upper = None
    for meta in metadata:
        for m in ([meta] + list(meta.metadata)) if isinstance(meta, FieldInfo) else [meta]:
            bounds = getattr(getattr(m, "func", None), "bounds", None)
            if bounds is not None:
                lower, upper = bounds
            elif isinstance(m, (annotated_types.Ge, annotated_types.Gt)):
                lower = float(getattr(m, "ge", getattr(m, "gt", 0)))
            elif isinstance(m, (annotated_types.Le, annotated_types.Lt)):
                upper = float(getattr(m, "le", getattr(m, "lt", 0)))
    return lower, upper


def leaf(parts: tuple[str | int, ...], value: Any) -> Leaf:
    """The :class:`Leaf` at ``parts`` holding ``value``."""
    annotation, parent, metadata, optional, required = _resolve(parts)
    base, _, _ = _unwrap(annotation)
    if base is bool:
        kind: Kind = "bool"
    elif base is int:
        kind = "int"
    elif base is float:
        kind = "number"
    elif base is str:
        kind = "text"
    elif (isinstance(base, type) and issubclass(base, Enum)) or typing.get_origin(base) is Literal:
        kind = "enum"
    elif (isinstance(base, type) and issubclass(base, BaseModel)) or typing.get_origin(base) in (list, tuple, dict):
        kind = "object"  # an optional model left null (``calibration``, ``evidence.measured``)
    else:
        raise KeyError(f"leaf {parts!r} has no scalar type ({base!r})")
    lower, upper = _bounds(metadata)
    return Leaf(path=path_of(parts), parts=parts, value=value, kind=kind, parent=parent, lower=lower,
                upper=upper, optional=optional, required=required)


def path_of(parts: tuple[str | int, ...]) -> str:
    """``('initiatives', 2, 'uplift', 'base')`` → ``initiatives[2].uplift.base`` (the messages' grammar)."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def leaves(data: Any, parts: tuple[str | int, ...] = ()) -> Iterator[Leaf]:
    """Every scalar leaf of a decoded scenario, in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, parts + (key,))
    elif isinstance(data, list):
        for k, value in enumerate(data):
            yield from leaves(value, parts + (k,))
    else:
        yield leaf(parts, data)
