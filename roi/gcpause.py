"""Python's cyclic garbage collector paused while an export builds its hundred thousand objects.

CPython runs a full collection whenever the objects that survived earlier collections have grown
by a quarter, and a full collection visits every tracked object of the process. A workbook of the
50-initiative case records 70,000 cells (each a tuple holding a format object), and XlsxWriter
copies them into its own tables: that growth triggered full collections over the app's 400,000
objects again and again, and they were 40% of the export (``benchmarks/bench_export.py``: a warm
workbook 1.6–2.0 s with the collector, 1.0–1.2 s without). None of the export's objects is
garbage before it ends, so the pause loses nothing of its own; reference counting still frees
everything that is not in a cycle, other threads' cyclic garbage waits for the pause to end (a
second or two: the workbook pauses while it writes cells, not while it waits for its analyses),
and the collector runs normally again as soon as the last pause ends.

The collector is process-wide: the pause is counted, so two exports in two threads (two users of
the app) keep it paused until both are done, and a collector someone else disabled stays disabled.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # exports inside collector_paused() now
_resume = False  # whether the last one out turns the collector back on


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the ``with`` block (nested and concurrent blocks
    resume it only when the last one ends; a collector that was off stays off)."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()


def paused_depth() -> int:
    """How many blocks hold the pause now (for tests)."""
    return _depth
