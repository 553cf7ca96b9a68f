"""Many draws through the engine a chunk at a time, so one call's memory stays within the budget.

An engine call holds several ``[draws, pairs, years]`` temporaries; at the largest case the
schema admits (100 initiatives on 100 segments, ten years) one draw is about 100,000 elements,
so a grid of 625 draws in one call took 1.4 GB. The analyses that evaluate a list of variants
(tornado, cases, grid, breakeven, cost of delay) pass it through :func:`by_chunks`, which
evaluates at most :func:`chunk_draws` draws at a time; the results are the same, row by row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np

from .build import Structure

ELEMENTS_PER_CHUNK = 1 << 19  # ≈ 4 MB per [draws, pairs, years] float64 temporary

T = TypeVar("T", np.ndarray, tuple[np.ndarray, ...])


def chunk_draws(structure: Structure, *, elements: int = ELEMENTS_PER_CHUNK, at_least: int = 1) -> int:
    """Draws per engine call so a ``[draws, pairs + initiatives, years]`` array stays within
    ``elements`` (but at least ``at_least`` draws)."""
    per_draw = (len(structure.pair_initiative) + len(structure.lever)) * structure.horizon
    return max(at_least, elements // max(per_draw, 1))


def by_chunks(n: int, size: int, evaluate: Callable[[int, int], T]) -> T:
    """``evaluate(start, stop)`` over ``[0, n)`` in chunks of ``size``, its row results joined.

    ``evaluate`` returns an array (or a tuple of arrays) with ``stop − start`` rows; the
    result has ``n`` rows, in order.

    >>> by_chunks(5, 2, lambda a, b: np.arange(a, b) * 10)
    array([ 0, 10, 20, 30, 40])
    """
    parts = [evaluate(a, min(a + size, n)) for a in range(0, n, max(size, 1))] or [evaluate(0, 0)]
    if isinstance(parts[0], tuple):
        return tuple(np.concatenate(p) for p in zip(*parts))  # type: ignore[return-value]
    return np.concatenate(parts)  # type: ignore[return-value]
