"""Admission to the server's Python (ui/admission.py): a few page runs at once, the rest queue."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from .apptest_helpers import APP, assert_no_exception
from ui import admission
from ui.admission import Admission


def _busy(adm: Admission, threads: int, expect_inside: int) -> int:
    """Start ``threads`` runs that each hold their turn until told to go; wait (up to 10 s) until
    ``expect_inside`` are inside, give any extra run a moment to get in too (it should not), let
    them all go, and return the most that were ever inside at once."""
    inside = peak = 0
    lock, go = threading.Lock(), threading.Event()

    def work() -> None:
        nonlocal inside, peak
        with adm.turn():
            with lock:
                inside += 1
                peak = max(peak, inside)
            go.wait(timeout=30)
            with lock:
                inside -= 1

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    deadline = time.monotonic() + 10
    while peak < expect_inside and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # a run let in past the limit would be inside by now
    go.set()
    for t in pool:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in pool), "a run never got its turn"
    return peak


@contextmanager
def _held_elsewhere(adm: Admission) -> Iterator[None]:
    """Another thread holds a place for the block (a run stuck in its page), and gives it back after."""
    release, held = threading.Event(), threading.Event()

    def elsewhere() -> None:
        with adm.turn():
            held.set()
            release.wait(timeout=60)

    t = threading.Thread(target=elsewhere)
    t.start()
    try:
        assert held.wait(5)
        yield
    finally:
        release.set()
        t.join(5)


def test_at_most_the_limit_of_runs_compute_at_once():
    # six runs held inside until told to go, two places: two get in, never a third — and once let
    # go, every run gets its turn
    assert _busy(Admission(2), 6, expect_inside=2) == 2


def test_no_limit_lets_every_run_in():
    # 0 turns admission off: five runs held inside are all inside together
    assert _busy(Admission(0), 5, expect_inside=5) == 5


def test_a_run_waiting_aside_lets_another_compute():
    # one place: run A holds it, then waits aside for B's signal; B must get in while A waits,
    # or A would wait for ever (bounded here by the queue limit, 5 s, which the join beats)
    adm = Admission(1, max_queue_seconds=5)
    signal, order = threading.Event(), []

    def a() -> None:
        with adm.turn():
            order.append("A in")
            with adm.aside():
                assert signal.wait(timeout=5)
            order.append("A back")

    def b() -> None:
        with adm.turn():
            order.append("B in")
            signal.set()

    ta = threading.Thread(target=a)
    ta.start()
    deadline = time.monotonic() + 10
    while not order and time.monotonic() < deadline:
        time.sleep(0.005)
    tb = threading.Thread(target=b)
    tb.start()
    t0 = time.monotonic()
    ta.join(10), tb.join(10)
    assert order == ["A in", "B in", "A back"]
    assert time.monotonic() - t0 < 4  # B did not get in by the queue limit's way round


def test_a_run_that_fails_gives_its_place_back():
    adm = Admission(1, max_queue_seconds=5)
    with pytest.raises(ValueError):
        with adm.turn():
            raise ValueError("a page run stopped by an exception (Streamlit's rerun is one)")
    t0 = time.monotonic()
    with adm.turn():
        pass
    assert time.monotonic() - t0 < 1  # the place was free: no wait for the queue limit


class _RunEnding(BaseException):
    """Like Streamlit's RerunException and StopException: a BaseException, not an Exception."""


def test_aside_takes_the_place_back_after_an_error_but_not_when_the_run_ends():
    adm = Admission(1, max_queue_seconds=5)
    with adm.turn():
        with pytest.raises(ValueError):
            with adm.aside():
                raise ValueError("DuckDB refused the file: the page shows the message, in its place")
        assert adm._holds()
        with pytest.raises(_RunEnding):
            with adm.aside():
                raise _RunEnding  # a new rerun stops this one while it waits
        assert not adm._holds()  # not queued again for a place it would give up at once
    assert adm._slots.acquire(blocking=False)  # and nothing was released twice or kept
    assert not adm._slots.acquire(blocking=False)


def test_a_run_queued_past_the_limit_goes_ahead_without_a_place(caplog):
    # a stuck run holds the only place; another goes ahead after the queue limit (0.2 s), and
    # leaving it does not free a place it never had: the stuck run's place is still taken
    adm = Admission(1, max_queue_seconds=0.2)
    with _held_elsewhere(adm), caplog.at_level(logging.WARNING, logger="ui.admission"):
        t0 = time.monotonic()
        with adm.turn():
            waited = time.monotonic() - t0
        assert waited >= 0.2
        assert "went ahead without one" in caplog.text  # an operator can see it happen
        assert not adm._slots.acquire(blocking=False)  # still the stuck run's
    assert adm._slots.acquire(blocking=False)  # given back once, exactly: BoundedSemaphore would raise on a second
    adm._slots.release()


def test_turns_nest_in_one_thread_without_queueing_twice():
    adm = Admission(1, max_queue_seconds=5)
    t0 = time.monotonic()
    with adm.turn():
        with adm.turn():  # a page calling code that takes a turn itself
            pass
        assert adm._holds()  # the inner block did not give the outer one's place away
    assert time.monotonic() - t0 < 1
    assert not adm._holds()


def test_aside_outside_a_run_neither_frees_nor_takes_a_place():
    # a background thread (the Monte Carlo's queue, a test) holds no place: aside is a no-op
    adm = Admission(1)
    with adm.aside():
        assert not adm._holds()
    assert not adm._holds()
    assert adm._slots.acquire(blocking=False)  # the one place is still free, and no extra one appeared
    assert not adm._slots.acquire(blocking=False)


@pytest.mark.parametrize("raw, limit", [("", admission.DEFAULT_LIMIT), ("3", 3), (" 1 ", 1), ("0", 0),
                                        ("-1", admission.DEFAULT_LIMIT), ("two", admission.DEFAULT_LIMIT),
                                        ("1.5", admission.DEFAULT_LIMIT), ("²", admission.DEFAULT_LIMIT)])
def test_the_limit_comes_from_roi_concurrent_runs(monkeypatch, raw, limit):
    monkeypatch.setenv("ROI_CONCURRENT_RUNS", raw)
    assert admission.configured_limit() == limit


def test_the_app_takes_a_turn_for_its_page_run(monkeypatch):
    """app.py runs its page inside a turn: with the only place held elsewhere, a new session's
    first run waits the queue limit (5 s here; with the imports paid, the Overview takes a
    fraction of a second) before it goes ahead — and then shows the page as usual. (AppTest's
    later runs of a session run the page without app.py, so each run here is a new session.)"""
    from streamlit.testing.v1 import AppTest

    adm = Admission(1, max_queue_seconds=5.0)
    monkeypatch.setattr(admission, "turn", adm.turn)
    warm = AppTest.from_file(APP, default_timeout=60)
    warm.run()  # the first session pays the imports, with the place free
    assert_no_exception(warm)
    with _held_elsewhere(adm):
        at = AppTest.from_file(APP, default_timeout=60)
        t0 = time.monotonic()
        at.run()
        assert time.monotonic() - t0 >= 5.0
    assert_no_exception(at)
    assert [t.value for t in at.title] == ["Is personalization worth it?"]  # the Overview, as usual


_MAPPING_COLUMNS = dict(customer_id="c", order_id="o", order_date="d", order_value="v")


def _import(baselines_import, name: str):
    """The Audience data page's call: ``compute`` of a stored file (which need not exist: the
    reading is faked) with a plain mapping."""
    from roi.baselines import OrdersMapping

    return baselines_import.compute(baselines_import.StoredFile(f"/nowhere/{name}.csv", f"{name}.csv"),
                                    OrdersMapping(**_MAPPING_COLUMNS), None, "auto", None, None, None, None)


def test_a_baselines_import_gives_its_place_up_while_duckdb_reads(monkeypatch):
    """The Audience data page's import (seconds of DuckDB, outside Python's lock) waits aside:
    while it reads, the run's place is free for another session's run; after, it is held again."""
    from ui import baselines_import

    baselines_import._computed.clear()  # a cached result would skip the reading
    adm = Admission(1, max_queue_seconds=5)
    monkeypatch.setattr(admission, "aside", adm.aside)
    seen = {}

    def reading(*args, **kwargs):
        seen["free while reading"] = adm._slots.acquire(blocking=False)
        if seen["free while reading"]:
            adm._slots.release()
        return "baselines"

    monkeypatch.setattr(baselines_import, "baselines_from_files", reading)
    with adm.turn():
        out = _import(baselines_import, "alone")
        assert adm._holds() and not adm._slots.acquire(blocking=False)  # held again after
    assert out == "baselines" and seen == {"free while reading": True}


def test_sessions_importing_the_same_file_do_not_hold_each_other_up(monkeypatch):
    """Three sessions ask for the same baselines at once (the sample orders, say), two places. The
    first reads (0.5 s) while the others wait on the cache's lock for that input — all without a
    place, so when the reading ends each takes a place back at once. Had a run given its place up
    inside the cached function, it would queue again holding the cache's lock while the two waiting
    on that lock held both places: stuck until the queue's limit (5 s here)."""
    from ui import baselines_import

    baselines_import._computed.clear()
    adm = Admission(2, max_queue_seconds=5)
    monkeypatch.setattr(admission, "aside", adm.aside)
    reads = []

    def reading(*args, **kwargs):
        reads.append(1)
        time.sleep(0.5)
        return "baselines"

    monkeypatch.setattr(baselines_import, "baselines_from_files", reading)
    results = []

    def session() -> None:
        with adm.turn():
            results.append(_import(baselines_import, "shared"))

    pool = [threading.Thread(target=session) for _ in range(3)]
    t0 = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=30)
    took = time.monotonic() - t0
    assert results == ["baselines"] * 3 and len(reads) == 1  # read once, shared by the cache
    assert took < 4, f"{took:.1f} s: a session waited out the queue's limit"
