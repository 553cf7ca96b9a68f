"""Admission to the server's Python: at most a few script runs compute at once; the others queue.

Streamlit runs each session's script in its own thread of one process, and one thread at a time
runs Python (the GIL). With 25 sessions rerunning at once, 25 threads take turns every few
milliseconds: each run is stretched by all the others, the processor's caches are shared 25 ways,
and every message a run sends waits for the GIL again. ``benchmarks/bench_load.py`` measured it at
25 sessions: a rerun cost 0.14–0.18 CPU-seconds against 0.11 for one session alone, and the p95
rerun took 3.6–5.6 s. Letting :data:`DEFAULT_LIMIT` runs compute at once and queueing the rest
(roughly in the order they came: a semaphore, not a ticket queue) gives each run the GIL for longer
stretches: fewer CPU-seconds per rerun, more reruns per second, a lower p95 and less memory
(README, "Load").

What queues: full script runs, which ``app.py`` wraps in :func:`turn` — the sidebar, the banner and
the page. A fragment's own reruns (the Risk page's and the Overview's polls for a background
Monte Carlo) and widget callbacks run outside it; they are short.

A run gives its place up only while it waits seconds for work done outside Python — DuckDB
reading a client's file, or another session computing the same baselines — with :func:`aside`, so
one import does not halve everyone's share. The Risk page's short waits for its Monte Carlo (at
most 0.4 s) keep their place: given up, the run queued again behind every other and the Risk
page's p95 rose from 3.9–4.4 s to 6.1–7.3 s.

Admission is about speed, never correctness: a run that has queued for :data:`MAX_QUEUE_SECONDS`
goes ahead without a place (and a warning is logged), so runs that hold places while they wait —
a slow database, say — delay the others by at most that long each time they queue, never
indefinitely. Code running outside a script run (a background thread, a test) is never held.

Settings: ``ROI_CONCURRENT_RUNS`` (default :data:`DEFAULT_LIMIT`; ``0`` turns admission off).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

# Two runs at once: one computes in Python while the other is in numpy, Arrow or a socket (which
# release the GIL). Measured at 25 sessions on 2 cores, limits of 1, 2 and 3 all did about equally
# well, and all better than no limit (README, "Load"). Machines with more cores were not measured:
# work outside Python's lock may favour a higher limit there (ROI_CONCURRENT_RUNS).
DEFAULT_LIMIT = 2
MAX_QUEUE_SECONDS = 10.0  # then a run goes ahead regardless: admission may slow a run, never stop it


def configured_limit() -> int:
    """``ROI_CONCURRENT_RUNS`` if set to a whole number ≥ 0 (0: no limit), else :data:`DEFAULT_LIMIT`."""
    try:
        limit = int(os.environ.get("ROI_CONCURRENT_RUNS", "").strip())
    except ValueError:  # unset or not a whole number: the default, never a server that cannot start
        return DEFAULT_LIMIT
    return limit if limit >= 0 else DEFAULT_LIMIT


class Admission:
    """At most ``limit`` holders at once (``limit`` 0: no limit). Each thread holds at most one
    place; :meth:`turn` takes it for a script run and :meth:`aside` gives it up while the run waits."""

    def __init__(self, limit: int, max_queue_seconds: float = MAX_QUEUE_SECONDS) -> None:
        self.limit = limit
        self.max_queue_seconds = max_queue_seconds
        self._slots = threading.BoundedSemaphore(limit) if limit > 0 else None
        self._held = threading.local()  # whether this thread holds a place

    def _holds(self) -> bool:
        return getattr(self._held, "yes", False)

    def _take(self) -> None:
        # a place if one frees within the queue limit; else go ahead without one (never stall)
        if self._slots is None:
            self._held.yes = False
            return
        self._held.yes = self._slots.acquire(timeout=self.max_queue_seconds)
        if not self._held.yes:
            log.warning("a script run queued %.0f s for one of %d places and went ahead without one: runs are "
                        "holding places while they wait (set ROI_CONCURRENT_RUNS to change the limit)",
                        self.max_queue_seconds, self.limit)

    def _give(self) -> None:
        if self._holds():
            self._held.yes = False
            self._slots.release()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold a place for the block (a script run), queueing for it first. Re-entrant: a thread
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
        queue for it again after — unless the run is ending (Streamlit's rerun and stop are
        ``BaseException``\\s, not ``Exception``\\s: a place taken back would only be given up at
        once). Nothing for a thread that holds none."""
        if not self._holds():
            yield
            return
        self._give()
        try:
            yield
        except Exception:  # an ordinary error: the page still shows it, in its place
            self._take()
            raise
        except BaseException:  # the run is ending: no place to take back
            raise
        else:
            self._take()


ADMISSION = Admission(configured_limit())  # one per server process, shared by every session
turn = ADMISSION.turn
aside = ADMISSION.aside
