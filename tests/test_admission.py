"""Admission to the server's Python (ui/admission.py): a few page runs at once, the rest queue."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from .apptest_helpers import APP, assert_no_exception
from ui import admission
from ui.admission import Admission


def _busy(adm: Admission, threads: int, hold: float = 0.05) -> int:
    """Run ``threads`` threads that each hold a turn for ``hold`` seconds; the most inside at once."""
    inside = peak = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal inside, peak
        with adm.turn():
            with lock:
                inside += 1
                peak = max(peak, inside)
            time.sleep(hold)
            with lock:
                inside -= 1

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
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
    # six runs of 0.2 s each, two places: never more than two inside, and (the sleeps overlapping
    # freely without a limit) as many as two — every run got in
    assert _busy(Admission(2), 6, hold=0.2) == 2


def test_no_limit_lets_every_run_in():
    # 0 turns admission off: five runs sleeping 0.3 s overlap, all five inside together
    assert _busy(Admission(0), 5, hold=0.3) == 5


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
    while not order:
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


def test_a_run_queued_past_the_limit_goes_ahead_without_a_place():
    # a stuck run holds the only place; another goes ahead after the queue limit (0.2 s), and
    # leaving it does not free a place it never had: the stuck run's place is still taken
    adm = Admission(1, max_queue_seconds=0.2)
    with _held_elsewhere(adm):
        t0 = time.monotonic()
        with adm.turn():
            waited = time.monotonic() - t0
        assert waited >= 0.2
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
                                        ("1.5", admission.DEFAULT_LIMIT)])
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


def test_a_baselines_import_gives_its_place_up_while_duckdb_reads(monkeypatch):
    """The Audience data page's import (seconds of DuckDB, outside Python's lock) waits aside:
    while it reads, the run's place is free for another session's run; after, it is held again."""
    from roi.baselines import OrdersMapping
    from ui import baselines_import

    adm = Admission(1, max_queue_seconds=5)
    monkeypatch.setattr(admission, "aside", adm.aside)
    seen = {}

    def reading(*args, **kwargs):
        seen["free while reading"] = adm._slots.acquire(blocking=False)
        if seen["free while reading"]:
            adm._slots.release()
        return "baselines"

    monkeypatch.setattr(baselines_import, "baselines_from_files", reading)
    mapping = OrdersMapping(customer_id="c", order_id="o", order_date="d", order_value="v")
    with adm.turn():
        out = baselines_import.compute(baselines_import.StoredFile("/nowhere/admission-test.csv", "x.csv"),
                                       mapping, None, "auto", None, None, None, None)
        assert adm._holds() and not adm._slots.acquire(blocking=False)  # held again after
    assert out == "baselines" and seen == {"free while reading": True}
