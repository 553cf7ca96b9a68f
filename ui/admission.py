"""Admission to the server's Python: at most a few page runs compute at once; the others queue.

Streamlit runs each session's script in its own thread of one process, and one thread at a time
runs Python (the GIL). With 25 sessions rerunning at once, 25 threads take turns every few
milliseconds: each run is stretched by all the others, the processor's caches are shared 25 ways,
and every message a run sends waits for the GIL again. ``benchmarks/bench_load.py`` measured it at
25 sessions: a rerun cost 0.15–0.17 CPU-seconds against 0.10 for one session alone, and the p95
rerun took 3.6–5.6 s. Letting :data:`DEFAULT_LIMIT` runs compute at once and queueing the rest
(roughly in the order they came) gives each run the GIL for longer stretches: fewer CPU-seconds per
rerun, more reruns per second, a lower p95 and less memory (README, "Load").

A run gives its place up only while it waits seconds for work done outside Python — DuckDB
reading a client's file — with :func:`aside`, so one import does not halve everyone's share. The
Risk page's short waits for its Monte Carlo (at most 0.4 s) keep their place: given up, the run
queued again behind every other and the Risk page's p95 rose from 3.9–4.4 s to 6.1–7.3 s.

Admission is about speed, never correctness: a run that has queued for :data:`MAX_QUEUE_SECONDS`
goes ahead anyway (so a stuck run can never stall the server), and code running outside a page
run (a background thread, a test) is never held.

Settings: ``ROI_CONCURRENT_RUNS`` (default :data:`DEFAULT_LIMIT`; ``0`` turns admission off).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Two runs at once: one computes in Python while the other is in numpy, Arrow or a socket (which
# release the GIL). Measured at 25 sessions on 2 cores, limits of 1, 2 and 3 all beat no limit, 2
# and 3 by about as much (README, "Load"). More cores do not change it: one process has one GIL.
DEFAULT_LIMIT = 2
MAX_QUEUE_SECONDS = 10.0  # then a run goes ahead regardless: admission may slow a run, never stop it


def configured_limit() -> int:
    """``ROI_CONCURRENT_RUNS`` if set to a whole number ≥ 0 (0: no limit), else :data:`DEFAULT_LIMIT`."""
    raw = os.environ.get("ROI_CONCURRENT_RUNS", "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_LIMIT


class Admission:
    """At most ``limit`` holders at once (``limit`` 0: no limit). Each thread holds at most one
    place; :meth:`turn` takes it for a page run and :meth:`aside` gives it up while the run waits."""

    def __init__(self, limit: int, max_queue_seconds: float = MAX_QUEUE_SECONDS) -> None:
        self.limit = limit
        self.max_queue_seconds = max_queue_seconds
        self._slots = threading.BoundedSemaphore(limit) if limit > 0 else None
        self._held = threading.local()  # whether this thread holds a place

    def _holds(self) -> bool:
        return getattr(self._held, "yes", False)

    def _take(self) -> None:
        # a place if one frees within the queue limit; else go ahead without one (never stall)
        self._held.yes = self._slots is not None and self._slots.acquire(timeout=self.max_queue_seconds)

    def _give(self) -> None:
        if self._holds():
            self._held.yes = False
            self._slots.release()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold a place for the block (a page run), queueing for it first. Re-entrant: a thread
        that already holds a place keeps it and does not queue again."""
        if self._holds():
            yield
            return
        self._take()
        try:
            yield
        finally:  # also when Streamlit stops the run (a new rerun raises inside the block)
            self._give()

    @contextmanager
    def aside(self) -> Iterator[None]:
        """Give this thread's place up for the block (waiting on another process or a thread) and
        queue for it again after. Nothing for a thread that holds none."""
        if not self._holds():
            yield
            return
        self._give()
        try:
            yield
        finally:
            self._take()


ADMISSION = Admission(configured_limit())  # one per server process, shared by every session
turn = ADMISSION.turn
aside = ADMISSION.aside
