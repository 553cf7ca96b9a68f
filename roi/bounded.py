"""Bounded reading of untrusted JSON: size, nesting depth, digits and container sizes.

Every place that turns text from outside (a JSON upload, a share link, a workbook's stored
record, a CLI file) into Python data calls :func:`read_json`, so a hostile or broken input is
refused with a message naming where it went wrong — never a traceback, never unbounded work:

================== ======================== ==============================================
limit               value                    why
================== ======================== ==============================================
text size           :data:`MAX_JSON_BYTES`   a real scenario is < 200 KB; 2 MB is ten times
                                             the largest case the schema admits
nesting depth       :data:`MAX_DEPTH`        a scenario nests 6 deep; deeper is not ours
                                             (and 10,000 deep would exhaust the stack)
digits per integer  :data:`MAX_DIGITS`       a 5,000-digit integer costs quadratic time to
                                             convert and overflows every float field
digits per decimal  :data:`MAX_FLOAT_DIGITS` a float keeps 17 significant digits; 5,000
                                             of them are a broken or hostile file, not a
                                             value (refused like the integer)
items per list      :data:`MAX_ITEMS`        the schema's own caps are far lower; this stops
                                             a list of a million nulls before validation
                                             builds a message for each
================== ======================== ==============================================

A key given twice in one object is refused too, naming it (``settings.discount_rate: given
twice …``): the ``json`` module would keep the last silently, so a hand edit of the first copy
would be lost without a word.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_JSON_BYTES = 2_000_000
MAX_DEPTH = 32
MAX_DIGITS = 30
MAX_FLOAT_DIGITS = 100  # a float keeps 17 significant digits; tools write ≤ 17 (an exact expansion of one ≥ 1e-14 stays under 100)
MAX_ITEMS = 10_000
MAX_PROBLEMS = 20  # problems listed at most; the rest are counted

# Characters XML 1.0 forbids (C0 controls but tab, LF and CR; lone surrogates; U+FFFE/FFFF).
# Every renderer downstream refuses them — vl-convert even aborts the process — so the schema
# refuses them in user text and the chart renderer strips them from anything else.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class InputError(ValueError):
    """Input refused before validation. ``problems`` holds ``where: message`` lines."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled with its problems (a run in the helper process raises it back in the app)
        return type(self), (self.problems,)


class _HugeInt(str):
    """An integer literal with more than :data:`MAX_DIGITS` digits, kept as its text."""


def _parse_int(text: str) -> int | _HugeInt:
    digits = len(text) - (text[0] == "-")
    return _HugeInt(text) if digits > MAX_DIGITS else int(text)


class _HugeFloat(str):
    """A decimal literal with more than :data:`MAX_FLOAT_DIGITS` digits, kept as its text."""


def digit_count(text: str) -> int:
    """The digits in a number's text, exponent included.

    >>> digit_count("-12.50e-3")
    5
    """
    return sum(c.isdigit() for c in text)


def _parse_float(text: str) -> float | _HugeFloat:
    return _HugeFloat(text) if digit_count(text) > MAX_FLOAT_DIGITS else float(text)


class _Repeated(dict):
    """A JSON object in which a key was given more than once (the last value kept, as ``json`` does);
    ``repeated`` lists those keys, for :func:`check_data` to report with their paths."""

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    out = _Repeated(obj)
    out.repeated = []
    for key, _ in pairs:
        if key in seen and key not in out.repeated:
            out.repeated.append(key)
        seen.add(key)
    return out


def _parse_constant(name: str) -> float:
    # JSON has no NaN or Infinity; Python's json accepts them. Keep them, so the schema names the
    # field ("must be a finite number") instead of a parse error pointing at a character.
    return float(name)


def read_json(text: str | bytes, *, where: str = "file", max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Parse JSON text within the limits in the module docstring.

    Raises :class:`InputError` with lines ``where: …`` (not JSON, too large, too deep) or
    ``field.path: …`` (a number with too many digits — integer or decimal —, a list too long), at most
    :data:`MAX_PROBLEMS` of them.

    >>> read_json('{"a": [1, 2.5]}')
    {'a': [1, 2.5]}
    >>> read_json('[' * 40 + ']' * 40)
    Traceback (most recent call last):
    ...
    roi.bounded.InputError: file: nested deeper than 32 levels; not a scenario
    """
    size = len(text)
    if size > max_bytes:
        raise InputError([f"{where}: {size:,} bytes is larger than the {max_bytes:,} allowed"])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError([f"{where}: not UTF-8 text (byte {exc.start})"]) from None
    elif text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant,
                          object_pairs_hook=_object)
    except RecursionError:
        raise InputError([f"{where}: nested deeper than {MAX_DEPTH} levels; not a scenario"]) from None
    except json.JSONDecodeError as exc:
        raise InputError([f"{where}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"]) from None
    except ValueError as exc:  # any other refusal of the json module
        raise InputError([f"{where}: not valid JSON ({str(exc)[:120]})"]) from None
    problems = check_data(data, where=where)
    if problems:
        raise InputError(problems)
    return data


def check_data(data: Any, *, where: str = "file") -> list[str]:
    """Problems of already-decoded data: depth, huge integers, oversized containers, repeated keys.

    Walks the data iteratively (no recursion), so any depth is safe to check. Paths use the
    scenario's grammar (``initiatives[2].uplift.base``).
    """
    problems: list[str] = []
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    extra = 0
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return [f"{where}: nested deeper than {MAX_DEPTH} levels; not a scenario"]
        huge_int = isinstance(value, _HugeInt) or (isinstance(value, int) and not isinstance(value, bool)
                                                   and abs(value) >= 10**MAX_DIGITS)
        if huge_int or isinstance(value, _HugeFloat):
            digits, limit = (len(str(value).lstrip("-")), MAX_DIGITS) if huge_int else \
                (digit_count(value), MAX_FLOAT_DIGITS)
            if len(problems) < MAX_PROBLEMS:
                problems.append(f"{path or where}: a number with {digits:,} digits; at most {limit} are allowed")
            else:
                extra += 1
        elif isinstance(value, dict):
            if len(value) > MAX_ITEMS:
                return [f"{path or where}: {len(value):,} keys, more than the {MAX_ITEMS:,} allowed"]
            for key in getattr(value, "repeated", ()):
                if len(problems) < MAX_PROBLEMS:
                    problems.append(f"{path}.{key}: given twice in the same object; keep one" if path
                                    else f"{key}: given twice in the same object; keep one")
            for k, v in value.items():
                key = str(k)
                stack.append((v, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            if len(value) > MAX_ITEMS:
                return [f"{path or where}: {len(value):,} items, more than the {MAX_ITEMS:,} allowed"]
            for k, v in enumerate(value):
                stack.append((v, f"{path}[{k}]", depth + 1))
    if extra:
        problems.append(f"{where}: … and {extra:,} more numbers with too many digits")
    return problems


def upload_megabytes(limit_bytes: int) -> int:
    """A byte limit as the whole megabytes (MiB, as Streamlit counts them) an upload box states and
    checks in the browser before sending; the reader checks the bytes again, exactly.

    >>> upload_megabytes(2_000_000), upload_megabytes(50 * 2**20)
    (2, 50)
    """
    return max(1, -(-int(limit_bytes) // 2**20))
