"""The Risk page's background runs under load: finished runs are forgotten first, a run sessions
wait on is not dropped while the queue has room, and a dropped run is asked for again, never an error.

The load test (benchmarks/bench_load.py, 25 sessions) once showed ``CancelledError`` on the Risk
page: with more than eight sessions' runs queued, the oldest — which a session was waiting on —
was cancelled. A run nobody wants any more (its session has asked for another) stops early.
"""

from __future__ import annotations

import threading

import pytest

from ui import analyses


@pytest.fixture
def gated(monkeypatch):
    """Background runs that wait for a gate (opened at the end), returning their draws."""
    gate = threading.Event()

    def run(scenario_json, draws, seed, distribution, ranges, correlation, progress=None):
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


@pytest.fixture
def chunked(monkeypatch):
    """Background runs of 200 chunks that report progress after each (as roi.uncertainty.simulate
    does) until stopped; returns the list of chunks each run did."""
    import time

    done: dict[int, int] = {}

    def run(scenario_json, draws, seed, distribution, ranges, correlation, progress=None):
        done[draws] = 0
        for k in range(200):
            time.sleep(0.01)  # 2 s a run: long enough that a stalled test thread still sees it under way
            done[draws] = k + 1
            if progress is not None:
                progress((k + 1) / 200)
        return draws

    monkeypatch.setattr(analyses, "_run", run)
    return done


def _ask(bg: analyses._Background, k: int, session: str | None):
    return bg.start((k,), session, scenario_json="{}", draws=k, seed=1, distribution="pert", ranges=None,
                    correlation=None)


def test_a_run_its_session_has_moved_on_from_stops_and_starts_again_when_asked(chunked):
    import time

    bg = analyses._Background()
    old = _ask(bg, 1, "alice")
    while chunked.get(1, 0) < 3:  # under way
        time.sleep(0.001)
    new = _ask(bg, 2, "alice")  # alice edited her scenario: run 1 is wanted by nobody now
    with pytest.raises(analyses.Superseded):
        old.result(timeout=30)
    assert chunked[1] < 200  # stopped early, the cores went to run 2
    assert new.result(timeout=30) == 2 and chunked[2] == 200
    again = _ask(bg, 1, "alice")  # she undid the edit: run 1 starts again, from the start
    assert again is not old and again.result(timeout=30) == 1 and chunked[1] == 200


def test_a_run_another_session_still_wants_runs_to_the_end(chunked):
    bg = analyses._Background()
    shared = _ask(bg, 1, "alice")
    _ask(bg, 1, "bob")
    _ask(bg, 2, "alice")  # alice moved on, bob did not
    assert shared.result(timeout=30) == 1 and chunked[1] == 200
    outside = _ask(bg, 3, None)  # a caller outside any session (no script run): never superseded
    _ask(bg, 4, None)
    assert outside.result(timeout=30) == 3


def test_simulation_later_answers_none_for_a_superseded_run(chunked, monkeypatch):
    bg = analyses._Background()
    monkeypatch.setattr(analyses, "_background", lambda: bg)
    monkeypatch.setattr(analyses, "_session", lambda: "alice")
    key = ("{}", 5, 1, "pert", None, None)
    first = bg.start(key, "alice", scenario_json="{}", draws=5, seed=1, distribution="pert", ranges=None,
                     correlation=None)
    _ask(bg, 6, "alice")
    with pytest.raises(analyses.Superseded):
        first.result(timeout=30)
    assert analyses.ready(*key) is None and analyses.finished(*key)  # the page's poll reruns it
    assert analyses.simulation_later(*key, wait=30) == 5  # asked again: run again to the end


def test_a_claim_stops_the_sessions_earlier_run_without_starting_the_new_one(chunked):
    """A page of a large case claims its run at the top and starts it only after its first draws:
    the claim alone stops the earlier edit's run, and starts nothing."""
    import time

    bg = analyses._Background()
    old = _ask(bg, 1, "alice")
    while chunked.get(1, 0) < 3:
        time.sleep(0.001)
    bg.claim((2,), "alice")
    with pytest.raises(analyses.Superseded):
        old.result(timeout=30)
    assert (2,) not in bg.jobs and 2 not in chunked
    assert _ask(bg, 2, "alice").result(timeout=30) == 2


def test_a_delayed_run_is_queued_later_and_answers_like_any_run(chunked):
    import time

    bg = analyses._Background()
    job = bg.start((7,), "alice", delay=1.0, scenario_json="{}", draws=7, seed=1, distribution="pert",
                   ranges=None, correlation=None)
    assert 7 not in chunked and not job.done()  # nothing drawn yet
    time.sleep(0.05)
    assert 7 not in chunked
    assert job.result(timeout=30) == 7 and chunked[7] == 200


def test_a_delayed_run_superseded_before_its_start_never_starts(chunked):
    """A burst of edits queues one run: the runs asked for and left within the delay draw nothing."""
    import time

    bg = analyses._Background()
    first = bg.start((8,), "alice", delay=1.0, scenario_json="{}", draws=8, seed=1, distribution="pert",
                     ranges=None, correlation=None)
    last = bg.start((9,), "alice", delay=1.0, scenario_json="{}", draws=9, seed=1, distribution="pert",
                    ranges=None, correlation=None)
    with pytest.raises(analyses.Superseded):
        first.result(timeout=30)
    assert last.result(timeout=30) == 9
    time.sleep(0.05)
    assert 8 not in chunked  # never drawn


def test_a_delayed_run_dropped_before_its_start_stays_cancelled(chunked):
    import time

    bg = analyses._Background()
    job = bg.start((10,), "alice", delay=1.0, scenario_json="{}", draws=10, seed=1, distribution="pert",
                   ranges=None, correlation=None)
    with bg.lock:
        bg._drop((10,)).cancel()
    time.sleep(1.3)
    assert job.cancelled() and 10 not in chunked


def test_the_comparison_run_never_stops_the_full_run_and_the_next_edit_stops_it(chunked, monkeypatch):
    """The Risk page queues its ρ = 0 comparison behind the full run (one worker: they run in that
    order). Asking for the comparison leaves the full run wanted — it runs to the end — and the
    session's next edit's comparison stops the earlier one, as an edit stops an earlier full run."""
    import time

    bg = analyses._Background()
    monkeypatch.setattr(analyses, "_background", lambda: bg)
    monkeypatch.setattr(analyses, "_session", lambda: "alice")
    full = analyses.simulation_later("{}", 11, 1, "pert", None, None, wait=0)
    assert full is None  # started, not finished
    assert analyses.comparison_later("{}", 3, 1, "pert", None) is None  # queued behind it
    assert analyses.simulation_later("{}", 11, 1, "pert", None, None, wait=30) == 11 and chunked[11] == 200
    while chunked.get(3, 0) < 3:  # the comparison is under way once the full run is done
        time.sleep(0.001)
    assert analyses.comparison_later("{}", 4, 1, "pert", None, wait=30) == 4  # the next edit's
    assert chunked[3] < 200  # the earlier comparison stopped early
    assert bg.wanted[("{}", 11, 1, "pert", None, None)] == {"alice"}  # the full run: still hers


def test_a_page_that_makes_its_comparison_itself_releases_the_queued_one(chunked, monkeypatch):
    """After an edit whose comparison is not queued (a long run, or ρ = 0), the comparison an
    earlier edit queued is wanted by nobody and stops; a comparison that fails answers None (the
    page shows the full run without it) instead of raising."""
    import time

    import roi

    bg = analyses._Background()
    monkeypatch.setattr(analyses, "_background", lambda: bg)
    monkeypatch.setattr(analyses, "_session", lambda: "alice")
    assert analyses.comparison_later("{}", 3, 1, "pert", None) is None
    while chunked.get(3, 0) < 3:
        time.sleep(0.001)
    scenario = roi.load_sample("retail_bank")
    monkeypatch.setattr(analyses, "risk_wait", lambda *_: 0.0)  # a long run: nothing queued
    run = analyses.RiskRun.begin(scenario, "{}", 5, 1, "pert", None, compare=True)
    assert not run.compare
    with pytest.raises(analyses.Superseded):
        bg.jobs[("{}", 3, 1, "pert", None, 0.0)].result(timeout=30)
    assert chunked[3] < 200

    def fails(*_a, **_k):
        raise ValueError("no")

    monkeypatch.setattr(analyses, "_run", fails)
    assert analyses.comparison_later("{}", 4, 1, "pert", None, wait=30) is None
