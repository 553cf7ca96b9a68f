"""Numeric command-line flags read within bounds: a message naming the flag, never an overflow.

argparse's own ``type=int`` echoes a 5,000-digit argument back whole ("invalid int value: …")
and accepts 10**400, which later overflows a float; ``type=float`` accepts ``nan`` and ``inf``.
These types refuse them at the parser, which prints ``argument --flag: …`` and exits 2. Each
numeric flag's range is stated where the flag is defined, and in the README's "Limits".
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from ..bounded import MAX_DIGITS, MAX_FLOAT_DIGITS, digit_count


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else f"{text[:20]!r}… ({len(text):,} characters)"


def whole_number(text: str) -> int:
    """``text`` as an integer of at most :data:`~roi.bounded.MAX_DIGITS` digits.

    >>> whole_number("42")
    42
    >>> whole_number("9" * 31)
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: a number with 31 digits; at most 30 are allowed
    """
    body = text.strip().lstrip("+-")
    if body.isdigit() and len(body) > MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"a number with {len(body):,} digits; at most {MAX_DIGITS} are allowed")
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {_shown(text)})") from None


def finite_number(text: str) -> float:
    """``text`` as a finite float (``nan``, ``inf``, overflowing literals and more than
    :data:`~roi.bounded.MAX_FLOAT_DIGITS` digits refused).

    >>> finite_number("0." + "1" * 199)
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: a number with 200 digits; at most 100 are allowed
    """
    if digit_count(text) > MAX_FLOAT_DIGITS:
        raise argparse.ArgumentTypeError(f"a number with {digit_count(text):,} digits; at most {MAX_FLOAT_DIGITS} are allowed")
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number (got {_shown(text)})") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number (got {_shown(text)})")
    return value


def whole(lo: int, hi: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``lo`` to ``hi``.

    >>> whole(1, 120)("24")
    24
    >>> whole(1, 120)("1000000000")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a whole number from 1 to 120 (got 1,000,000,000)
    """

    def parse(text: str) -> int:
        value = whole_number(text)
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be a whole number from {lo:,} to {hi:,} (got {value:,})")
        return value

    parse.__name__ = "whole number"  # argparse names the type in some messages
    return parse
