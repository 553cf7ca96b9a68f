"""The Risk page's background runs under load: finished runs are forgotten first, a run sessions
wait on is not dropped while the queue has room, and a dropped run is asked for again, never an error.

The load test (benchmarks/bench_load.py, 25 sessions) once showed ``CancelledError`` on the Risk
page: with more than eight sessions' runs queued, the oldest — which a session was waiting on —
was cancelled.
"""

from __future__ import annotations

import threading

import pytest

from ui import analyses


@pytest.fixture
def gated(monkeypatch):
    """Background runs that wait for a gate (opened at the end), returning their draws."""
    gate = threading.Event()

    def run(scenario_json, draws, seed, distribution, ranges, correlation):
        gate.wait(30)
        return draws

    monkeypatch.setattr(analyses, "_run", run)
    yield gate
    gate.set()


def _start(bg: analyses._Background, k: int):
    return bg.start((k,), scenario_json="{}", draws=k, seed=1, distribution="pert", ranges=None, correlation=None)


def test_finished_runs_are_forgotten_first_and_pending_ones_kept(gated):
    bg = analyses._Background()
    bg.KEEP, bg.MAX_PENDING = 2, 4
    first = _start(bg, 1)  # runs (one worker) and blocks the queue
    pending = [_start(bg, k) for k in (2, 3, 4)]
    assert len(bg.jobs) == 4 and not any(j.cancelled() for j in [first, *pending])  # past KEEP, within MAX_PENDING
    _start(bg, 5)  # past MAX_PENDING: the oldest is dropped (the running one: it finishes, forgotten)
    assert (1,) not in bg.jobs and len(bg.jobs) == 4 and not any(j.cancelled() for j in pending)
    gated.set()
    for job in list(bg.jobs.values()):
        if not job.cancelled():
            job.result(timeout=30)
    _start(bg, 6)  # everything finished: down to KEEP, finished runs first
    assert len(bg.jobs) == bg.KEEP


def test_a_dropped_run_is_no_error_and_is_asked_for_again(gated, monkeypatch):
    """A page waiting on a run that another session's start drops gets None (it shows its first
    draws), not CancelledError; its next ask starts the run again."""
    import time

    bg = analyses._Background()
    monkeypatch.setattr(analyses, "_background", lambda: bg)
    blocker = _start(bg, 0)  # the one worker is busy: the next run waits in the queue
    key = ("{}", 7, 1, "pert", None, None)
    answers = []
    waiter = threading.Thread(target=lambda: answers.append(analyses.simulation_later(*key, wait=30)))
    waiter.start()
    while key not in bg.jobs:
        time.sleep(0.01)
    with bg.lock:  # dropped, as _forget does past MAX_PENDING
        assert bg.jobs.pop(key).cancel()
    waiter.join(30)
    assert answers == [None]
    assert analyses.finished(*key)  # gone: the page's poll reruns it and asks again
    gated.set()
    blocker.result(timeout=30)
    assert analyses.simulation_later(*key, wait=30) == 7
