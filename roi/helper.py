"""Helper processes for work that must not queue for the caller's GIL: Monte Carlo runs (and the
analyses built on them), and chart rendering.

A run makes thousands of short numpy calls; each releases Python's GIL and must take it back.
Beside a thread running pure Python — XlsxWriter writing a workbook, Streamlit drawing a page —
taking it back waits for that thread's switch interval (5 ms) every time: the 50-initiative
case's 100,000 draws took 26–38 s beside a busy thread instead of 0.9 s alone
(``benchmarks/bench_uncertainty.py --contended``). vl-convert is the other way round: it holds
the GIL for most of a chart's render (0.2–0.3 s), and a thread of pure Python beside a stream of
renders ran 50 times slower — the PDF brief's page layout waited on its own charts, and every
session of the app on a chart download. So each kind of work goes to its own helper process
(:data:`MONTE_CARLO`, :data:`CHARTS`), started on first use and kept: it has its own GIL, and
the Monte Carlo's keeps its drivers' draws between runs
(:class:`~roi.uncertainty.montecarlo._DrawCache`); the caller's thread only waits.

:func:`simulate` is :func:`~roi.uncertainty.montecarlo.simulate` of a scenario given as JSON,
with the same answer to the last bit (the draws depend only on the seed; tested); :func:`call`
runs any module-level function in the Monte Carlo's helper (the exports' risk analyses, which are
numpy calls too), :func:`call_in` in a named one (:func:`roi.render.to_png` in :data:`CHARTS`). A
``progress`` callback is called in the caller's thread about every :data:`POLL_SECONDS` while it
waits; if it raises, the helper stops the run after its current chunk of draws and the exception
propagates — as with ``simulate``. If a helper cannot start or dies (killed, out of memory),
the call runs in the calling process instead — unless the caller says a call that ended its helper
must not run here (``rerun_here=False``: a chart render, which may abort the process) — and the
next call starts a new helper. A helper
runs its calls one at a time, in the order asked. ``ROI_MONTE_CARLO_HELPER=0`` turns the
helpers off (every call in the calling process).

The parent and a helper exchange pickles over the helper's own stdin and stdout (a private
pipe between a process and the child it started); the helper's other output goes to stderr.
"""

from __future__ import annotations

import atexit
import os
import pickle
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, BinaryIO

MONTE_CARLO, CHARTS = "monte-carlo", "charts"  # the helpers, by name
NICENESS = 5  # the helper's scheduling priority below its parent (os.nice)
POLL_SECONDS = 0.05  # how often a waiting caller's progress callback is heard
CLOSE_SECONDS = 0.2  # how long shutdown() lets the helper end on its own before ending it
_HEADER = struct.Struct("<Q")  # each message: its length, then a pickle
_ROOT = str(Path(__file__).resolve().parents[1])  # the folder holding the roi package
_BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); "
         "from roi.helper import serve; serve()")


class HelperGone(RuntimeError):
    """The helper process could not start or has ended; the run falls back to this process."""


class HelperDied(HelperGone):
    """The helper process ended during the call (killed, out of memory — or the call itself ended
    it). :func:`call_in` runs the call here again unless told not to (``rerun_here=False``)."""


class HelperTimeout(RuntimeError):
    """A call took longer than its ``timeout``: its helper was ended (the calls queued behind it fail
    with :class:`HelperDied`, and the next call starts a new helper). Not run here again."""


class Stopped(Exception):
    """Raised in the helper when the caller asked it to stop a run (its progress callback raised)."""


def enabled() -> bool:
    """Whether runs go to a helper process (``ROI_MONTE_CARLO_HELPER`` is not ``0``)."""
    return os.environ.get("ROI_MONTE_CARLO_HELPER", "1").strip() not in ("0", "false", "no", "off")


def _pack(message: Any) -> bytes:
    """A message as sent: its length, then its pickle (raises what pickling raises)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _write(stream: BinaryIO, packed: bytes) -> None:
    stream.write(packed)
    stream.flush()


def _receive(stream: BinaryIO) -> Any:
    """The next message, or ``None`` at the end of the stream."""
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    size = _HEADER.unpack(head)[0]
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


class _Helper:
    """One helper process and the runs it owes this process (futures by job number)."""

    def __init__(self, name: str = MONTE_CARLO) -> None:
        self.name = name
        env = dict(os.environ, ROI_MONTE_CARLO_HELPER="0")  # the helper never starts one itself
        try:
            # its own session: a terminal's Ctrl-C (or a notebook's interrupt) goes to the caller, which
            # stops waiting, not to the helper; -P: the working directory's modules never shadow ours
            self.proc = subprocess.Popen([sys.executable, "-P", "-c", _BOOT, _ROOT], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, env=env, close_fds=True, start_new_session=True)
        except OSError as exc:
            raise HelperGone(f"could not start the {name} helper ({exc})") from None
        self.lock = threading.Lock()  # the jobs and the state; never held while writing to the pipe
        self.write_lock = threading.Lock()  # one message at a time into the pipe
        self.jobs: dict[int, Future] = {}
        self.next_job = 0
        self.alive = True
        self.warming = False  # start() has asked it to import its modules
        threading.Thread(target=self._read, name=f"roi-{name}-helper", daemon=True).start()

    def submit(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
               stoppable: bool) -> tuple[int, Future]:
        job: Future = Future()
        try:  # the call inside its own pickle: the helper reads the job's number even if it cannot read the call
            call = pickle.dumps((fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # not picklable: this call runs here, the helper stays
            raise HelperGone(f"the call could not be sent to the helper ({exc})") from None
        with self.lock:
            if not self.alive:
                raise HelperGone(f"the {self.name} helper has ended")
            number = self.next_job = self.next_job + 1
            self.jobs[number] = job
        self._send(("call", number, stoppable, call))
        return number, job

    def _send(self, message: tuple[Any, ...]) -> None:
        """Write a message; a broken pipe ends the helper (its runs then fall back, as any failure)."""
        try:
            with self.write_lock:
                _write(self.proc.stdin, _pack(message))  # type: ignore[arg-type]
        except (OSError, ValueError):
            with self.lock:
                self._end()

    def stop(self, number: int) -> None:
        with self.lock:
            wanted = self.alive and number in self.jobs
        if wanted:
            self._send(("stop", number))

    def _read(self) -> None:
        while True:
            try:
                message = _receive(self.proc.stdout)  # type: ignore[arg-type]
            except Exception:  # a broken pickle is as good as a dead helper
                message = None
            if message is None:
                break
            number, ok, payload = message
            with self.lock:
                job = self.jobs.pop(number, None)
            if job is not None:
                (job.set_result if ok else job.set_exception)(payload)
        with self.lock:
            self._end()
        try:  # reap it (no zombie left behind)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # its output broke but it runs on: end it
            self.proc.kill()
            self.proc.wait()

    def _end(self) -> None:
        """Mark the helper gone (lock held): every run it owed fails with :class:`HelperGone`."""
        self.alive = False
        jobs, self.jobs = self.jobs, {}
        for job in jobs.values():
            if not job.done():
                job.set_exception(HelperDied(f"the {self.name} helper ended during the run"))

    def close(self) -> None:
        with self.lock:
            self.alive = False
        try:  # the helper ends at the end of its input; it holds nothing worth waiting for
            if self.write_lock.acquire(timeout=CLOSE_SECONDS):  # not in the middle of a message
                try:
                    self.proc.stdin.close()  # type: ignore[union-attr]
                finally:
                    self.write_lock.release()
            self.proc.wait(timeout=CLOSE_SECONDS)
        except Exception:
            self.proc.kill()
            self.proc.wait()


_lock = threading.Lock()
_helpers: dict[str, _Helper] = {}  # the live helper processes by name


def _current(name: str = MONTE_CARLO) -> _Helper:
    """The live helper ``name``, started (again) if there is none."""
    with _lock:
        helper = _helpers.get(name)
        if helper is None or not helper.alive:
            helper = _helpers[name] = _Helper(name)
        return helper


def running(name: str = MONTE_CARLO) -> _Helper | None:
    """The helper ``name`` if one was started (alive or not), else ``None`` (for tests)."""
    return _helpers.get(name)


def shutdown() -> None:
    """End the helper processes (each starts again on its next call)."""
    with _lock:
        helpers = list(_helpers.values())
        _helpers.clear()
    for helper in helpers:
        helper.close()


atexit.register(shutdown)


# what each helper's calls import: loaded as it starts, so a first call does not wait for them
WARM_MODULES = {MONTE_CARLO: ("roi.uncertainty.montecarlo", "roi.uncertainty.sensitivity",
                              "roi.uncertainty.thresholds", "roi.delay", "roi.export.analyses"),
                CHARTS: ("roi.render",)}
# and what each runs once first: the chart renderer starts its JavaScript engine on its first chart
WARM_CALLS = {CHARTS: "roi.render:warm"}


def start(name: str = MONTE_CARLO) -> None:
    """Start the helper ``name`` now, if helpers are on and it is not running, and have it import
    what its calls use (1–2 s in a fresh process; the charts' helper also renders a first chart),
    without waiting: the app at start-up, the Export page and ``python -m roi export`` before their
    own work, so a first call finds it ready."""
    if not enabled():
        return
    try:
        helper = _current(name)
        with helper.lock:
            if helper.warming:
                return
            helper.warming = True
        helper.submit(_warm, (name,), {}, False)
    except HelperGone:
        pass  # the first call runs in this process


def _warm(name: str = MONTE_CARLO) -> None:
    import importlib

    for module in WARM_MODULES[name]:
        importlib.import_module(module)
    if name in WARM_CALLS:
        module, fn = WARM_CALLS[name].split(":")
        getattr(importlib.import_module(module), fn)()


def call(fn: Callable[..., Any], *args: Any, progress: Callable[[float], None] | None = None,
         **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` in the Monte Carlo's helper process — with ``progress=`` a callback of
    the helper's own when ``progress`` is given (see the module docstring). ``fn`` is a module-level
    function; arguments and answer are pickled."""
    return call_in(MONTE_CARLO, fn, *args, progress=progress, **kwargs)


def call_in(name: str, fn: Callable[..., Any], *args: Any, progress: Callable[[float], None] | None = None,
            rerun_here: bool = True, timeout: float | None = None, **kwargs: Any) -> Any:
    """:func:`call` in the helper process ``name`` (:data:`MONTE_CARLO` or :data:`CHARTS`).

    ``rerun_here=False``: if the helper ends during the call, raise :class:`HelperDied` rather than
    run the call here — for calls that may themselves end the process (a renderer that aborts).
    ``timeout``: seconds from asking to answer (time queued behind other calls included); past it
    the helper is ended and :class:`HelperTimeout` raised, so a call that hangs cannot hold every
    later call of its helper."""
    if enabled():
        try:
            helper = _current(name)
            return _wait(helper, *helper.submit(fn, args, kwargs, progress is not None), progress, timeout)
        except HelperDied:
            if not rerun_here:
                raise
        except HelperGone:
            pass  # below: in this process
    return fn(*args, **kwargs) if progress is None else fn(*args, progress=progress, **kwargs)


def simulate(scenario_json: str, progress: Callable[[float], None] | None = None, **kwargs: Any) -> Any:
    """:func:`~roi.uncertainty.montecarlo.simulate` of the scenario ``scenario_json`` with ``kwargs``,
    in the helper process; returns the :class:`~roi.uncertainty.montecarlo.Simulation`."""
    return call(simulate_json, scenario_json, progress=progress, **kwargs)


def _wait(helper: _Helper, number: int, job: Future, progress: Callable[[float], None] | None,
          timeout: float | None = None) -> Any:
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            return job.result(timeout=POLL_SECONDS)
        except FutureTimeout:
            pass
        if deadline is not None and time.monotonic() > deadline:
            helper.proc.kill()
            with helper.lock:  # gone now: what it owed fails, and the next call starts a new one
                helper._end()
            raise HelperTimeout(f"the {helper.name} helper took more than {timeout:g} s; it was ended")
        if progress is None:
            continue
        try:
            progress(0.0)
        except BaseException:
            helper.stop(number)  # it ends the run after its current chunk (or skips it if not started)
            raise


def simulate_json(scenario_json: str, **kwargs: Any) -> Any:
    """:func:`~roi.uncertainty.montecarlo.simulate` of a scenario given as JSON (what the helper runs)."""
    from .io import loads_scenario
    from .uncertainty.montecarlo import simulate

    return simulate(loads_scenario(scenario_json), **kwargs).prepare()


# ------------------------------------------------------------------------------- in the helper

def serve() -> None:
    """The helper's main loop: read calls and stop requests from stdin, answer on stdout, one call at
    a time in the order asked (a run's own threads share its draws), until stdin ends."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller is interrupted, not its helper
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the answers
    sys.stdout = sys.stderr
    from .threads import limit_blas_threads

    limit_blas_threads()
    try:  # a page or an export the caller is working on goes first; the helper takes what is left
        os.nice(NICENESS)
    except OSError:  # pragma: no cover - not permitted: same priority
        pass
    state = _Queue()
    worker = threading.Thread(target=_work, args=(state, out), name="roi-helper-call", daemon=True)
    worker.start()
    try:
        source = sys.stdin.buffer
        while (message := _receive(source)) is not None:
            state.put(message)
    finally:  # end of input (the caller has gone or shut it down): what is queued is not wanted
        state.end()
    worker.join()


class _Queue:
    """The helper's calls waiting to run, and the stop requests heard (under one condition)."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.calls: list[tuple[int, bool, bytes]] = []
        self.stops: set[int] = set()
        self.done = 0  # calls are numbered in the order sent: every number up to this one has run
        self.ended = False

    def put(self, message: tuple[Any, ...]) -> None:
        with self.cond:
            if message[0] == "call":
                self.calls.append(message[1:])
                self.cond.notify()
            elif message[0] == "stop" and message[1] > self.done:  # a stop after the answer is moot
                self.stops.add(message[1])

    def end(self) -> None:
        with self.cond:
            self.ended = True
            self.calls.clear()
            self.cond.notify()

    def next(self) -> tuple[int, bool, bytes] | None:
        with self.cond:
            while not self.calls and not self.ended:
                self.cond.wait()
            return self.calls.pop(0) if self.calls else None

    def stopped(self, number: int) -> bool:
        with self.cond:
            return number in self.stops

    def finished(self, number: int) -> None:
        with self.cond:
            self.stops.discard(number)
            self.done = max(self.done, number)


def _work(state: _Queue, out: BinaryIO) -> None:
    """Run the queued calls one after another and send each answer (or what it raised)."""
    while (item := state.next()) is not None:
        number, stoppable, call = item

        def heard(_done: float, number: int = number) -> None:
            if state.stopped(number):
                raise Stopped()

        try:
            if state.stopped(number):  # stopped before it started
                raise Stopped()
            try:
                fn, args, kwargs = pickle.loads(call)
            except Exception as exc:  # e.g. a function of the caller's __main__: the caller runs it itself
                raise HelperGone(f"the helper could not read the call ({exc})") from None
            answer: tuple[Any, ...] = (number, True, fn(*args, progress=heard, **kwargs) if stoppable
                                       else fn(*args, **kwargs))
        except BaseException as exc:  # every failure goes back to the caller, as fn raised it
            answer = (number, False, _picklable(exc))
        state.finished(number)
        try:
            packed = _pack(answer)
        except Exception as exc:  # an answer that does not pickle fails the call, not the helper
            packed = _pack((number, False, RuntimeError(f"the answer could not be sent back ({exc})")))
        _write(out, packed)


def _picklable(exc: BaseException) -> BaseException:
    """``exc`` if it comes back from pickling as itself (its type and message), else a RuntimeError
    with its text."""
    try:
        back = pickle.loads(pickle.dumps(exc))
        if type(back) is type(exc) and str(back) == str(exc):
            return exc
    except Exception:
        pass
    return RuntimeError(f"{type(exc).__name__}: {exc}")
