"""The analyses the pages show, computed once per scenario and shared by every page (UI-side cache).

Each wrapper takes the scenario as JSON (the cache key) and calls the one ``roi`` function that
computes it, so the Overview and Prioritization show the same plan, and the Overview and the Risk
page the same draws, without computing them twice. Cached values are results, never mutated.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import streamlit as st

import roi
from roi import helper
from roi import uncertainty as unc
from roi.plan import Plan, recommend
from roi.uncertainty.defaults import QUICK_DRAWS
from roi.whatif import WhatIf, what_ifs
from ui import state

Ranges = tuple[tuple[str, float], ...]  # unc.Ranges by field name (hashable, order-proof)


@st.cache_data(show_spinner=False, max_entries=32)
def plan(scenario_json: str) -> Plan:
    """:func:`roi.plan.recommend` of the scenario."""
    return recommend(state.parsed(scenario_json))


@st.cache_data(show_spinner=False, max_entries=32)
def whatifs(scenario_json: str) -> list[WhatIf]:
    """:func:`roi.whatif.what_ifs` of the scenario."""
    return what_ifs(state.parsed(scenario_json))


def ranges_key(ranges: unc.Ranges | None = None) -> Ranges:
    """A :class:`roi.uncertainty.Ranges` as a cache key (by field name)."""
    return tuple(vars(ranges or unc.Ranges()).items())


@st.cache_data(show_spinner=False, max_entries=16)
def simulation(scenario_json: str, draws: int = unc.DEFAULT_DRAWS, seed: int = unc.DEFAULT_SEED,
               distribution: str = unc.DEFAULT_DISTRIBUTION, ranges: Ranges | None = None,
               correlation: float | None = None) -> unc.Simulation:
    """:func:`roi.uncertainty.simulate` — ``ranges`` by name (default: the tool's), ``correlation``
    the scenario's unless given."""
    return unc.simulate(state.parsed(scenario_json), **_settings(draws, seed, distribution, ranges, correlation))


class RiskRun:
    """The Risk page's Monte Carlo — and the Overview's range, the same run with the default ranges,
    so the Overview, the Risk page and the exports give one verdict from the same draws: its full
    run in the background, answered in one of two ways.

    When the run is forecast to take a moment (:func:`risk_wait`: the samples), :meth:`begin`
    starts it, the page's other analyses run meanwhile, and :meth:`result` waits for it. When it
    takes longer (large cases, many draws), :meth:`begin` only claims it (an earlier edit's run
    stops), :meth:`result` computes the first :data:`QUICK_DRAWS` draws of the same run — same seed
    and streams: the same draws, fewer — and only then asks for the full run, queued
    :data:`START_DELAY` later (on two cores a run started earlier would slow this page down); the
    page refreshes itself when it is in.
    """

    def __init__(self, args: tuple[Any, ...], wait: float, compare: bool = False) -> None:
        self.args, self.wait, self.compare = args, wait, compare

    @classmethod
    def begin(cls, scenario: roi.Scenario, scenario_json: str, draws: int = unc.DEFAULT_DRAWS,
              seed: int = unc.DEFAULT_SEED, distribution: str = unc.DEFAULT_DISTRIBUTION,
              ranges: Ranges | None = None, *, compare: bool = False) -> "RiskRun":
        """Start (or claim) the run; ``ranges`` by name, the tool's defaults when ``None``.
        ``compare``: the Risk page will want :meth:`independent` too — queued now in the helper
        behind a quick full run, so it is computed while the page draws its other parts."""
        ranges = ranges_key() if ranges is None else ranges
        wait = risk_wait(scenario, draws)
        run = cls((scenario_json, draws, seed, distribution, ranges), wait,
                  compare and bool(wait) and scenario.settings.uplift_correlation > 0)
        if run.wait:
            simulation_later(*run.args)
        else:
            claim(*run.args)
        if run.compare:
            comparison_later(scenario_json, min(draws, QUICK_DRAWS), seed, distribution, ranges)
        elif compare and (session := _session()) is not None:
            # made here this time, if at all: an earlier edit's queued comparison is not wanted
            _background().release(_COMPARISON.format(session))
        return run

    def result(self) -> tuple[unc.Simulation, bool]:
        """The simulation to show, and whether it is the first draws only (the full run pending)."""
        full = simulation_later(*self.args, wait=self.wait) if self.wait else ready(*self.args)
        if full is not None:
            return full, False
        scenario_json, draws, seed, distribution, ranges = self.args
        first = simulation(scenario_json, min(draws, QUICK_DRAWS), seed, distribution, ranges)
        simulation_later(*self.args, delay=START_DELAY)
        return first, True

    def independent(self, sim: unc.Simulation, refining: bool) -> unc.Simulation | None:
        """The same draws with independent uplifts (ρ = 0; the first :data:`QUICK_DRAWS`): what
        shared causes do to the odds, beside :meth:`result`'s ``sim``. ``sim`` itself when its ρ is
        0; ``None`` while the full run is pending (its first draws have this core); else the run
        :meth:`begin` queued — ``None`` if it is not in within the wait (a busy server: the page
        shows the full run without it rather than make it twice) — or one made here; ``None`` if
        the comparison fails."""
        if sim.correlation == 0:
            return sim
        if refining:
            return None
        scenario_json, draws, seed, distribution, ranges = self.args
        quick = min(draws, QUICK_DRAWS)
        if self.compare:  # queued: not in by the wait (a busy server), the page goes without it
            return comparison_later(scenario_json, quick, seed, distribution, ranges, wait=wait_seconds())
        try:
            return simulation(scenario_json, quick, seed, distribution, ranges, 0.0)
        except ValueError:  # a comparison, not the headline: its failure never hides the full run
            return None


def ready(scenario_json: str, draws: int = unc.DEFAULT_DRAWS, seed: int = unc.DEFAULT_SEED,
          distribution: str = unc.DEFAULT_DISTRIBUTION, ranges: Ranges | None = None,
          correlation: float | None = None) -> unc.Simulation | None:
    """The background run of these inputs if it has finished without error, else ``None`` (never
    waits, never starts it)."""
    job = _background().get((scenario_json, draws, seed, distribution, ranges, correlation))
    if job is None or not job.done() or job.cancelled() or job.exception() is not None:
        return None
    return job.result()


# ------------------------------------------------------------------ full runs in the background

class Superseded(Exception):
    """A background run stopped because every session that asked for it has since asked for another."""


class _Background:
    """Full Monte Carlo runs computed off the script thread — in the helper process
    (:mod:`roi.helper`) — one at a time (the app's sessions share the cores),
    remembered by their inputs for every session; the oldest are forgotten.

    A session that edits its scenario asks for a new run; the run it asked for before is then
    wanted by nobody (unless another session asked for it too) and stops after its current chunk
    of draws (:class:`Superseded`) instead of taking the cores from the run now wanted — an
    executive editing three inputs in a row waits for one run, not three. A superseded run asked for
    again starts again.
    """

    KEEP = 8  # runs remembered, finished or not
    MAX_PENDING = 32  # beyond KEEP, runs not yet finished are kept up to this many before any is dropped

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roi-monte-carlo")
        self.jobs: OrderedDict[tuple[Any, ...], Future] = OrderedDict()
        self.wanted: dict[tuple[Any, ...], set[str]] = {}  # run → sessions whose latest ask it is
        self.latest: dict[str, tuple[Any, ...]] = {}  # session → the run it asked for last
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Future | None:
        with self.lock:
            return self.jobs.get(key)

    def start(self, key: tuple[Any, ...], session: str | None = None, *, delay: float = 0.0,
              **kwargs: Any) -> Future:
        """The run of ``key`` (started if new, or again if it was superseded), asked for by
        ``session`` (``None``: a caller outside a session, whose runs are never superseded). With
        ``delay`` (seconds) a new run is queued only that much later, and only if still wanted."""
        with self.lock:
            self._ask(key, session)
            job = self.jobs.get(key)
            if job is None or (job.done() and not job.cancelled() and isinstance(job.exception(), Superseded)):
                job = self.jobs[key] = self._later(key, kwargs, delay) if delay > 0 else \
                    self.pool.submit(self._run, key, kwargs)
                self._forget()
            else:
                self.jobs.move_to_end(key)
            return job

    def _later(self, key: tuple[Any, ...], kwargs: dict[str, Any], delay: float) -> Future:
        """A future for a run queued ``delay`` seconds from now if it is still wanted then (else it
        ends :class:`Superseded` without drawing anything)."""
        job: Future = Future()

        def launch() -> None:
            with self.lock:
                if self.jobs.get(key) is not job or job.done():  # dropped (and cancelled) meanwhile
                    return
                if not self.wanted.get(key):
                    job.set_exception(Superseded())
                    return
                inner = self.pool.submit(self._run, key, kwargs)
            inner.add_done_callback(lambda f: _settle(job, f))

        timer = threading.Timer(delay, launch)
        timer.daemon = True
        timer.start()
        return job

    def claim(self, key: tuple[Any, ...], session: str | None) -> None:
        """``session`` will want the run of ``key`` (not started here): the run it wanted before
        stops now unless another session wants it."""
        with self.lock:
            self._ask(key, session)

    def release(self, session: str) -> None:
        """``session`` wants none of its runs any more: the last one it asked for stops unless
        another session wants it (as when it asks for another)."""
        with self.lock:
            self._leave(session)

    def _leave(self, session: str) -> None:
        """``session`` no longer wants the run it asked for last (lock held)."""
        before = self.latest.pop(session, None)
        if before is not None and before in self.wanted:
            self.wanted[before].discard(session)

    def _ask(self, key: tuple[Any, ...], session: str | None) -> None:
        if session is None:  # a caller outside a session ("") wants its runs for good
            self.wanted.setdefault(key, set()).add("")
            return
        if self.latest.get(session) != key:
            self._leave(session)
        self.wanted.setdefault(key, set()).add(session)
        self.latest[session] = key

    def _run(self, key: tuple[Any, ...], kwargs: dict[str, Any]) -> unc.Simulation:
        def still_wanted(_done: float) -> None:
            with self.lock:
                if not self.wanted.get(key):
                    raise Superseded()

        return _run(**kwargs, progress=still_wanted)

    def _forget(self) -> None:
        """Down to :attr:`KEEP` runs: the oldest finished ones first. A run not yet finished is
        dropped (cancelled if not started) only past :attr:`MAX_PENDING` — under load, sessions
        wait on many at once, and one dropped is asked for again by the page that needs it."""
        while len(self.jobs) > self.KEEP:
            done = next((k for k, j in self.jobs.items() if j.done()), None)
            if done is not None:
                self._drop(done)
            elif len(self.jobs) > self.MAX_PENDING:
                self._drop(next(iter(self.jobs))).cancel()
            else:
                return

    def _drop(self, key: tuple[Any, ...]) -> Future:
        self.wanted.pop(key, None)
        for who in [w for w, k in self.latest.items() if k == key]:
            del self.latest[who]
        return self.jobs.pop(key)


def _settle(outer: Future, inner: Future) -> None:
    """Give ``outer`` the outcome of ``inner`` (unless ``outer`` was cancelled meanwhile)."""
    if outer.done():
        return
    if inner.cancelled():
        outer.cancel()
    elif inner.exception() is not None:
        outer.set_exception(inner.exception())
    else:
        outer.set_result(inner.result())


def _settings(draws: int, seed: int, distribution: str, ranges: Ranges | None,
              correlation: float | None) -> dict[str, Any]:
    """:func:`roi.uncertainty.simulate`'s keyword arguments from a run's cache key."""
    return {"draws": draws, "seed": seed, "distribution": distribution,
            "ranges": unc.Ranges(**dict(ranges)) if ranges else None, "correlation": correlation}


def _run(scenario_json: str, draws: int, seed: int, distribution: str, ranges: Ranges | None,
         correlation: float | None, progress: Any = None) -> unc.Simulation:
    """A background run, in the helper process (:mod:`roi.helper`): beside this server's
    page scripts, a run here would wait for the GIL after each of its numpy calls."""
    return helper.simulate(scenario_json, progress=progress,
                           **_settings(draws, seed, distribution, ranges, correlation))


def _session() -> str | None:
    """The asking session's id (``None`` outside a script run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


@st.cache_resource(show_spinner=False)
def _background() -> _Background:
    return _Background()


WAIT_SECONDS = 0.4  # how long a page waits for a full run before showing its first draws
# A full run no page waits for (a large case, after its first draws) is queued this long after it
# is asked for: the page finishes drawing on both cores first (measured: the 50-initiative Risk page
# 450–575 → 390–440 ms a rerun), and a burst of edits queues one run, not one per edit.
START_DELAY = 0.25


def wait_seconds() -> float:
    """:data:`WAIT_SECONDS`, or ``ROI_RISK_WAIT_SECONDS`` (the tests wait for every run)."""
    try:
        return max(0.0, float(os.environ.get("ROI_RISK_WAIT_SECONDS", WAIT_SECONDS)))
    except ValueError:
        return WAIT_SECONDS


def risk_wait(scenario: roi.Scenario, draws: int) -> float:
    """How long the Risk page waits for its full run: :data:`WAIT_SECONDS`, or nothing when the run
    is forecast to take longer than that (:func:`roi.uncertainty.montecarlo.estimated_seconds`) —
    the page then shows its first draws at once instead of after a wait that cannot be enough."""
    from roi.uncertainty.montecarlo import estimated_seconds

    if "ROI_RISK_WAIT_SECONDS" in os.environ:  # set: exactly that (the tests wait for every run)
        return wait_seconds()
    return WAIT_SECONDS if estimated_seconds(scenario, draws) <= WAIT_SECONDS else 0.0


def simulation_later(scenario_json: str, draws: int = unc.DEFAULT_DRAWS, seed: int = unc.DEFAULT_SEED,
                     distribution: str = unc.DEFAULT_DISTRIBUTION, ranges: Ranges | None = None,
                     correlation: float | None = None, *, wait: float = 0.0,
                     delay: float = 0.0) -> unc.Simulation | None:
    """The run of :func:`simulation`, computed in a background thread (started once, whichever
    session asks first): the result if it finishes within ``wait`` seconds, else ``None`` — ask
    again later. ``delay``: queue a new run only after that many seconds, if still wanted then
    (:data:`START_DELAY`). Errors of the run are raised."""
    key = (scenario_json, draws, seed, distribution, ranges, correlation)
    job = _background().start(key, _session(), delay=delay, scenario_json=scenario_json, draws=draws, seed=seed,
                              distribution=distribution, ranges=ranges, correlation=correlation)
    try:
        return job.result(timeout=wait)
    except (FutureTimeout, CancelledError, Superseded):  # dropped or superseded: asked again on the next poll
        return None


def comparison_later(scenario_json: str, draws: int, seed: int = unc.DEFAULT_SEED,
                     distribution: str = unc.DEFAULT_DISTRIBUTION, ranges: Ranges | None = None, *,
                     wait: float = 0.0) -> unc.Simulation | None:
    """The Risk page's comparison run — the same draws with independent uplifts (ρ = 0) — in the
    background like :func:`simulation_later`, queued behind the session's full run: its result if it
    finishes within ``wait`` seconds, else ``None``. It holds its own place among the session's asks,
    so asking for it never stops the full run; the next edit's comparison stops this one."""
    key = (scenario_json, draws, seed, distribution, ranges, 0.0)
    session = _session()
    job = _background().start(key, None if session is None else _COMPARISON.format(session),
                              scenario_json=scenario_json, draws=draws, seed=seed, distribution=distribution,
                              ranges=ranges, correlation=0.0)
    try:
        return job.result(timeout=wait)
    except (FutureTimeout, CancelledError, Superseded):
        return None
    except Exception:  # a comparison, not the headline: its failure never hides the full run
        logging.getLogger(__name__).warning("the ρ = 0 comparison run failed", exc_info=True)
        return None


_COMPARISON = "{}/independent"  # who asks for a session's comparison runs (beside the session itself)


def claim(scenario_json: str, draws: int = unc.DEFAULT_DRAWS, seed: int = unc.DEFAULT_SEED,
          distribution: str = unc.DEFAULT_DISTRIBUTION, ranges: Ranges | None = None,
          correlation: float | None = None) -> None:
    """Say, at the top of a page, which background run this session will want, without starting it:
    the run it wanted before (an earlier edit's) stops at once unless another session wants it, so
    the page's own work does not share the cores with it."""
    _background().claim((scenario_json, draws, seed, distribution, ranges, correlation), _session())


def finished(scenario_json: str, draws: int = unc.DEFAULT_DRAWS, seed: int = unc.DEFAULT_SEED,
             distribution: str = unc.DEFAULT_DISTRIBUTION, ranges: Ranges | None = None,
             correlation: float | None = None) -> bool:
    """Whether the background run of these inputs has finished (or failed)."""
    job = _background().get((scenario_json, draws, seed, distribution, ranges, correlation))
    return job is None or job.done()
