"""No lost updates: 20 threads and 4 processes saving the same scenario at once, on SQLite and on
PostgreSQL (separate connections; the processes each open their own store).

Invariant, in words: every save either lands as its own version or reports a conflict, and the
number of versions equals one (the first) plus the number of successful saves — the database's
unique constraint on (scenario, version), not Python, decides who wins.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import pytest

import roi
from roi.store import ConflictError, ScenarioStore

from .store_helpers import with_value

THREADS = 20
PROCESSES = 4
RETRIES = 500  # a save that keeps losing retries on the new base; bounded so a bug cannot hang


def _variant(k: int) -> roi.Scenario:
    """The retail bank sample with a discount rate that tells which writer saved it (k = 0…99)."""
    return with_value(roi.load_sample("retail_bank"), "settings.discount_rate", round(0.01 + k / 1000, 4))


def _save_once(store: ScenarioStore, scenario_id: str, k: int, base: int) -> str:
    try:
        store.save(scenario_id, _variant(k), base_version=base, author=f"writer {k}")
        return "saved"
    except ConflictError:
        return "conflict"


def _save_until_landed(store: ScenarioStore, scenario_id: str, k: int) -> int:
    """Save on the latest version, again on the new latest after each conflict; returns the tries."""
    for attempt in range(1, RETRIES + 1):
        base = store.get(scenario_id).latest_version
        if _save_once(store, scenario_id, k, base) == "saved":
            return attempt
    raise AssertionError(f"writer {k} never landed")


def _check_history(store: ScenarioStore, scenario_id: str, saved: int, writers: set[int] | None = None) -> None:
    history = store.history(scenario_id)
    assert len(history) == 1 + saved
    assert [v.version for v in history] == list(range(1, saved + 2))  # no gap, no duplicate
    assert all(v.parent_version == v.version - 1 for v in history[1:])
    assert store.get(scenario_id).latest_version == saved + 1
    if writers is not None:  # each writer's save is there exactly once
        assert sorted(int(v.author.split()[1]) for v in history[1:]) == sorted(writers)
        for v in history[1:]:
            k = int(v.author.split()[1])
            assert store.load(scenario_id, v.version).scenario.settings.discount_rate == round(0.01 + k / 1000, 4)


@pytest.fixture
def shared(store_url):
    store = ScenarioStore.open(store_url)
    first = store.create("Shared case", roi.load_sample("retail_bank"), author="Ada")
    yield store, first.scenario_id
    store.close()


def test_twenty_threads_on_the_same_base_one_wins_the_others_conflict(shared):
    store, sid = shared
    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(lambda k: _save_once(store, sid, k, 1), range(THREADS)))
    assert len(outcomes) == THREADS and set(outcomes) <= {"saved", "conflict"}
    assert outcomes.count("saved") == 1
    _check_history(store, sid, outcomes.count("saved"))


def test_twenty_threads_retrying_on_conflict_all_land_once(shared):
    store, sid = shared
    with ThreadPoolExecutor(THREADS) as pool:
        tries = list(pool.map(lambda k: _save_until_landed(store, sid, k), range(THREADS)))
    assert len(tries) == THREADS
    _check_history(store, sid, THREADS, writers=set(range(THREADS)))


def _process_writer(url: str, scenario_id: str, k: int, barrier, retry: bool, out) -> None:
    store = ScenarioStore.open(url)  # its own engine and connections
    barrier.wait(timeout=120)  # start together
    try:
        if retry:
            _save_until_landed(store, scenario_id, k)
            out.put((k, "saved"))
        else:
            out.put((k, _save_once(store, scenario_id, k, 1)))
    except Exception as exc:  # reported to the test, which fails with it
        out.put((k, f"error: {exc!r}"))
    finally:
        store.close()


def _run_processes(url: str, scenario_id: str, retry: bool) -> list[str]:
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=_process_writer, args=(url, scenario_id, k, barrier, retry, out))
             for k in range(PROCESSES)]
    for p in procs:
        p.start()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return [r for _, r in sorted(results)]


@pytest.mark.parametrize("retry", [False, True], ids=["same-base", "retry"])
def test_four_processes_saving_at_once_lose_nothing(shared, store_url, retry):
    store, sid = shared
    outcomes = _run_processes(store_url, sid, retry)
    assert set(outcomes) <= {"saved", "conflict"}, outcomes
    saved = outcomes.count("saved")
    assert saved == (PROCESSES if retry else 1)
    _check_history(store, sid, saved, writers=set(range(PROCESSES)) if retry else None)
