"""The helper processes (roi.helper): the same answer as a run in this process, a stop that is
heard, errors that come back as raised, a dead helper that costs no answer, and charts rendered
beside busy Python without stalling it.

Why it exists, measured: a run beside a thread busy in Python waits for the GIL after each of its
numpy calls (the 50-initiative case: 0.9 s alone, 26–38 s beside a busy thread; see
``benchmarks/bench_uncertainty.py --contended``).
"""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

import roi
from roi import helper
from roi.export.analyses import Risk, compute_risk, risk_analyses
from roi.io import dumps_scenario
from roi.uncertainty.montecarlo import simulate

SAMPLE = "retail_bank"


@pytest.fixture(autouse=True)
def _helper_on(monkeypatch):
    monkeypatch.delenv("ROI_MONTE_CARLO_HELPER", raising=False)


def _same(a, b) -> None:
    for what in ("npv", "roi", "payback_months"):
        np.testing.assert_array_equal(getattr(a, what), getattr(b, what))
    assert a.summary() == b.summary()


def test_a_run_in_the_helper_is_the_run_here_to_the_last_bit():
    """Same seed, same draws: every draw's NPV, ROI and payback equal, and the whole JSON summary."""
    scenario = roi.load_sample(SAMPLE)
    text = dumps_scenario(scenario)
    there = helper.simulate(text, draws=3_000, seed=7, distribution="triangular", correlation=0.3)
    _same(there, simulate(scenario, draws=3_000, seed=7, distribution="triangular", correlation=0.3))
    assert helper.running() is not None and helper.running().alive  # it did run there
    assert helper.running().proc.pid != os.getpid()


def test_a_run_from_the_helper_arrives_with_its_percentiles_computed(monkeypatch):
    """The helper sorts the draws for P10 / P50 / P90 of NPV, ROI and payback before sending the run
    back, so the page receiving it does not sort 100,000 draws under the server's GIL: here, with
    numpy's quantile made to fail, the summary and the histogram's percentiles still come out, and
    they equal a run made here."""
    scenario = roi.load_sample(SAMPLE)
    there = helper.simulate(dumps_scenario(scenario), draws=3_000, seed=7)
    here = simulate(scenario, draws=3_000, seed=7).summary()

    def no_sorting(*_a, **_k):
        raise AssertionError("sorted the draws again")

    monkeypatch.setattr(np, "quantile", no_sorting)
    assert there.summary() == here
    assert there.quantiles((0.1, 0.5, 0.9)) == [here["npv_p10"], here["npv_p50"], here["npv_p90"]]


def test_the_exports_risk_analyses_come_from_the_helper_unchanged():
    """``risk_analyses`` (the workbook's, the deck's and the brief's) asks the helper; the answer equals
    :func:`compute_risk` run here, and the memo's arrays are read-only as before."""
    from roi.export.analyses import clear_risk_memo

    scenario = roi.load_sample(SAMPLE)
    clear_risk_memo()
    r = risk_analyses(scenario, draws=2_000)
    here = compute_risk(scenario.model_dump_json(), 2_000, r.seed, r.distribution)
    assert isinstance(r, Risk)
    _same(r.simulation, here.simulation)
    assert [b.breakeven_uplift for b in r.breakeven] == [b.breakeven_uplift for b in here.breakeven]
    assert r.tornado == here.tornado and r.delay.months.tolist() == here.delay.months.tolist()
    assert not r.simulation.npv.flags.writeable
    clear_risk_memo()


def test_an_error_comes_back_as_raised():
    """What ``simulate`` raises in the helper is raised here, with its message (naming the field)."""
    text = dumps_scenario(roi.load_sample(SAMPLE))
    with pytest.raises(ValueError, match="distribution: must be one of"):
        helper.simulate(text, draws=100, distribution="uniform")
    assert helper.simulate(text, draws=100).draws == 100  # and the helper goes on


def _slow(seconds: float, progress=None) -> str:
    """A call that reports progress for ``seconds`` (a long run)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if progress is not None:
            progress(0.5)
        time.sleep(0.01)
    return "done"


class _Enough(Exception):
    pass


def test_a_progress_callback_that_raises_stops_the_run_in_the_helper():
    """The caller's callback raising stops the helper's run (it does not go on for its full length)
    and the exception propagates; the helper then answers the next call at once."""
    asked = []

    def progress(_done: float) -> None:
        asked.append(1)
        if len(asked) >= 3:
            raise _Enough()

    t0 = time.monotonic()
    with pytest.raises(_Enough):
        helper.call(_slow, 30.0, progress=progress)
    assert time.monotonic() - t0 < 10  # stopped: not the 30 s the call would take
    t0 = time.monotonic()
    assert helper.call(_slow, 0.0) == "done" and time.monotonic() - t0 < 5


def test_a_helper_that_dies_costs_no_answer():
    """Killed mid-run (out of memory, an operator): the run is done in this process instead, and the
    next call starts a new helper."""
    helper.call(_slow, 0.0)
    first = helper.running()
    assert first is not None
    threading.Timer(0.5, lambda: os.kill(first.proc.pid, signal.SIGKILL)).start()
    assert helper.call(_slow, 2.0) == "done"  # finished here after the helper died
    assert not first.alive
    assert helper.call(_slow, 0.0) == "done"
    assert helper.running() is not first and helper.running().alive


def test_off_runs_here(monkeypatch):
    """``ROI_MONTE_CARLO_HELPER=0``: no helper process is asked."""
    monkeypatch.setenv("ROI_MONTE_CARLO_HELPER", "0")
    helper.shutdown()
    assert helper.call(os.getpid) == os.getpid()
    assert helper.running() is None
    monkeypatch.setenv("ROI_MONTE_CARLO_HELPER", "1")
    assert helper.call(os.getpid) != os.getpid()


def test_a_call_that_cannot_be_sent_runs_here():
    """Arguments that do not pickle (a lambda) run the call in this process; the helper stays."""
    helper.call(_slow, 0.0)
    before = helper.running()
    assert helper.call(_apply, lambda: os.getpid()) == os.getpid()
    assert helper.running() is before and before.alive


def _apply(fn):
    return fn()


def test_a_call_the_helper_cannot_read_runs_here_and_the_helper_goes_on(tmp_path, monkeypatch):
    """A function the helper cannot import (here: a module only this process has on its path — as a
    script's ``__main__``) is run in this process; the helper keeps answering (found by review: its
    reading thread died and every later call hung)."""
    (tmp_path / "only_here_module.py").write_text("import os\n\ndef pid():\n    return os.getpid()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import only_here_module

    helper.call(_slow, 0.0)
    before = helper.running()
    assert helper.call(only_here_module.pid) == os.getpid()  # ran here
    assert helper.running() is before and before.alive
    assert helper.call(os.getpid) == before.proc.pid  # and the helper still answers


def test_an_interrupt_goes_to_the_caller_not_the_helper():
    """The helper runs in its own session and ignores SIGINT: a terminal's Ctrl-C (or a notebook's
    interrupt) never leaves the app without its helper (found by review: the next call hung)."""
    helper.call(_slow, 0.0)
    h = helper.running()
    assert os.getsid(h.proc.pid) != os.getsid(0)
    os.kill(h.proc.pid, signal.SIGINT)
    time.sleep(0.2)
    assert helper.call(os.getpid) == h.proc.pid and h.alive


def test_a_stop_does_not_wait_for_the_calls_ahead_of_it():
    """A stoppable run queued behind another call re-raises its callback's exception at once, and the
    helper skips it when its turn comes (the next call does not wait for it)."""
    ahead = threading.Thread(target=helper.call, args=(_slow, 1.5))
    ahead.start()
    time.sleep(0.2)
    t0 = time.monotonic()
    with pytest.raises(_Enough):
        helper.call(_slow, 30.0, progress=lambda _d: (_ for _ in ()).throw(_Enough()))
    assert time.monotonic() - t0 < 1.0
    ahead.join()
    t0 = time.monotonic()
    assert helper.call(_slow, 0.0) == "done" and time.monotonic() - t0 < 5  # the stopped run was skipped


def test_a_scenario_error_comes_back_with_its_problems():
    """Input errors keep their problems through the pipe (pickled with them, not their joined text)."""
    import pickle

    from roi.io import ScenarioError, loads_scenario

    bad = '{"schema_version": 2, "settings": {"discount_rate": 7}}'
    with pytest.raises(ScenarioError) as here:
        loads_scenario(bad)
    back = pickle.loads(pickle.dumps(here.value))
    assert back.problems == here.value.problems and str(back) == str(here.value)
    with pytest.raises(ScenarioError) as there:
        helper.call(loads_scenario, bad)
    assert there.value.problems == here.value.problems


def test_shutdown_does_not_wait_for_queued_work():
    """Ending the helper (the app or the CLI exiting) drops what is queued and ends a run under way
    within :data:`~roi.helper.CLOSE_SECONDS` (an invalid file once took 2.6 s to refuse,
    waiting for the helper's warm-up)."""
    helper.call(_slow, 0.0)
    busy = threading.Thread(target=helper.call, args=(_slow, 2.0))
    busy.start()
    time.sleep(0.2)
    t0 = time.monotonic()
    helper.shutdown()
    assert time.monotonic() - t0 < helper.CLOSE_SECONDS + 1.0
    busy.join()  # its run finished here instead


def _spec() -> dict:
    return {"data": {"values": [{"a": "x", "b": 1}, {"a": "y", "b": 3}]}, "mark": "bar",
            "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}


def test_charts_render_in_their_own_helper_as_they_render_here():
    """roi.render draws in the charts' helper (vl-convert holds the GIL for most of a render): the
    same PNG and SVG bytes as vl-convert gives in this process, from a process that is neither this
    one nor the Monte Carlo's."""
    from roi import render

    spec = _spec()
    there_png, there_svg = render.to_png(spec, scale=1.0), render.to_svg(spec)
    charts = helper.running(helper.CHARTS)
    assert charts is not None and charts.alive and charts.proc.pid != os.getpid()
    helper.call(os.getpid)
    assert helper.running(helper.MONTE_CARLO).proc.pid != charts.proc.pid
    here = render.spec_json(spec)
    assert there_png == render.png_of_json(here, 1.0) and there_svg == render.svg_of_json(here)


def test_a_render_beside_busy_python_does_not_stall_it():
    """The reason for the charts' helper, measured as a ratio (not a time): pure Python in this
    process runs at most a few times slower while charts render, where a render here made it 50
    times slower (it waited for the GIL vl-convert held)."""
    from roi import render

    def work() -> float:
        t = time.perf_counter()
        x = 0
        for i in range(1_000_000):
            x += i
        return time.perf_counter() - t

    render.to_png(_spec())  # the helper started and warm
    alone = min(work() for _ in range(3))
    stop = threading.Event()

    def renders() -> None:
        while not stop.is_set():
            render.to_png(_spec())

    t = threading.Thread(target=renders)
    t.start()
    try:
        beside = min(work() for _ in range(3))
    finally:
        stop.set()
        t.join()
    assert beside < 5 * alone, (alone, beside)


def test_start_warms_the_named_helper_only():
    helper.shutdown()
    helper.start(helper.CHARTS)
    assert helper.running(helper.CHARTS) is not None and helper.running(helper.MONTE_CARLO) is None
    assert helper.call_in(helper.CHARTS, os.getpid) == helper.running(helper.CHARTS).proc.pid


def _abort_in_a_helper() -> int:
    """Ends the process it runs in if that is a helper (they run with ROI_MONTE_CARLO_HELPER=0)."""
    if os.environ.get("ROI_MONTE_CARLO_HELPER") == "0":
        os.abort()
    return os.getpid()


def test_a_call_that_ends_the_charts_helper_is_not_run_here_again():
    """A render that aborts the charts' helper (vl-convert panics abort a process) raises HelperDied:
    run again here it would end this process — the app's server. A call to a helper that ends for
    another reason (killed) still runs here by default (the Monte Carlo's)."""
    helper.call_in(helper.CHARTS, os.getpid)
    with pytest.raises(helper.HelperDied):
        helper.call_in(helper.CHARTS, _abort_in_a_helper, rerun_here=False)
    assert helper.call_in(helper.CHARTS, _abort_in_a_helper) == os.getpid()  # by default: here
    assert helper.call_in(helper.CHARTS, os.getpid) != os.getpid()  # and a new helper answers


def test_a_call_past_its_timeout_ends_its_helper_and_the_next_call_gets_a_new_one():
    """A call that hangs cannot hold its helper (every later call queues behind it): past its
    timeout the helper is ended and HelperTimeout raised — not run here again — and the next call
    is answered by a new helper."""
    helper.call_in(helper.CHARTS, os.getpid)
    first = helper.running(helper.CHARTS)
    t0 = time.monotonic()
    with pytest.raises(helper.HelperTimeout):
        helper.call_in(helper.CHARTS, _slow, 30.0, timeout=0.5)
    assert time.monotonic() - t0 < 5
    first.proc.wait(timeout=5)
    assert helper.call_in(helper.CHARTS, os.getpid) not in (os.getpid(), first.proc.pid)
