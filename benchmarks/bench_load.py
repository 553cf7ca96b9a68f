"""Load test of the server: N concurrent websocket sessions edit an uplift and rerun pages; latency, errors, memory.

Usage: ``.venv/bin/python benchmarks/bench_load.py [--sessions 1,10,25] [--seconds 60] [--think 1]``

For each level N, a fresh ``streamlit run app.py`` is started on a free loopback port (as
``make run`` starts it, file watcher off) and warmed up by one session's journey; then N sessions
connect to ``/_stcore/stream`` and speak Streamlit's protocol as the browser does: a ``BackMsg``
``rerun_script`` (page hash, query string, widget states, cached message hashes) per action, and
every ``ForwardMsg`` read until the run's ``script_finished``. Each session repeats one journey:

    Overview → Initiatives → edit the first initiative's base uplift → Overview → Prioritization
    → Risk & sensitivity

The uplift takes a value never used before in the level, so each edit is a new scenario for the
whole server (no cache hit: the business case, plan, what-ifs, the Overview's 20,000-draw range
and the Risk page's 100,000-draw Monte Carlo, tornado, grid, breakeven and cost of delay are all
computed afresh). Between actions a session "reads the page" for ``--think`` seconds (uniform in
±50 %; ``--think 0`` is a stress test with no pause at all).

Reported per level: reruns completed, p50 / p95 / max rerun latency (sending the rerun to
receiving ``script_finished``), errors (exceptions or error boxes shown in the app, "page not
found", disconnects, reruns over ``--timeout``), throughput (reruns per second of wall time) and
the peak RSS of the server's process tree (psutil, sampled every 0.1 s), and that tree's CPU
seconds per rerun (what a rerun costs, whatever the queueing). A second table splits the latency
by step. Aim (issue 16): 25 sessions, p95 under 2 s, no errors, on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
UPLIFT = "Uplift, {} (% relative)"  # the Initiatives page's number inputs (pages/initiatives.py)
JOURNEY = ("Overview", "Initiatives", "edit uplift", "Overview", "Prioritization", "Risk & sensitivity")
_FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


# --------------------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(timeout: float = 60) -> Iterator[tuple[str, int]]:
    """``streamlit run app.py`` on a free loopback port, with a throwaway scenario store (never the
    repository's ``.roi/``); yields the app's URL and the server's process id."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        env = {**os.environ, "ROI_DATABASE_URL": f"sqlite:///{tmp}/scenarios.db"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        proc.kill()
                        raise RuntimeError(f"streamlit did not start: {proc.stderr.read().decode()[-2000:]}")
                    time.sleep(0.2)
            yield url, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stderr.close()


class PeakRSS:
    """Samples the resident memory of a process and its children in a thread; ``peak`` in bytes,
    ``cpu`` the CPU seconds (user + system) the process and its children used between enter and exit."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self._proc = psutil.Process(pid)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak = 0
        self.cpu = 0.0

    def _sample(self) -> int:
        total = 0
        for p in [self._proc, *self._proc.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                total += p.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(psutil.NoSuchProcess):
                self.peak = max(self.peak, self._sample())
            self._stop.wait(self._interval)

    def _cpu(self) -> float:
        total = 0.0  # the server and its children (the Monte Carlo's helper process)
        for p in [self._proc, *self._proc.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                t = p.cpu_times()
                total += t.user + t.system
        return total

    def __enter__(self) -> PeakRSS:
        self.peak = self._sample()
        self.cpu = -self._cpu()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu += self._cpu()
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------- the client

@dataclass
class Run:
    """What one rerun showed: its latency and the elements a test or the journey needs."""

    page: str
    seconds: float
    exceptions: list[str] = field(default_factory=list)  # delta.new_element.exception messages
    error_boxes: list[str] = field(default_factory=list)  # st.error bodies
    page_not_found: bool = False
    metrics: dict[str, str] = field(default_factory=dict)  # label → shown value, first of each label
    number_inputs: dict[str, tuple[str, float | None]] = field(default_factory=dict)  # label → (id, value)

    @property
    def problems(self) -> list[str]:
        return self.exceptions + self.error_boxes + (["page not found"] if self.page_not_found else [])


class RerunTimeout(Exception):
    """The server did not finish a rerun in time."""


class Session:
    """One browser tab's conversation with the server over ``/_stcore/stream``.

    As the frontend does: page changes send the page's hash and drop the query string; a rerun on
    the same page sends the query string the app last set (``page_info_changed``); widget values the
    user set are sent with every rerun while their widget is on screen; the hashes of cacheable
    messages received are sent back, so the server replaces repeats by references.
    """

    def __init__(self, url: str, timeout: float = 120) -> None:
        self.url = url
        self.timeout = timeout
        self.pages: dict[str, str] = {}  # page title → page_script_hash (from the navigation message)
        self.page = ""  # the current page's hash ("" before the first run: the default page)
        self.query_string = ""
        self.widgets: dict[str, WidgetState] = {}  # widget id → value set by the "user"
        self._cache: dict[str, ForwardMsg] = {}  # hash → cacheable message, as the browser keeps them
        self._ws: ClientConnection | None = None

    async def __aenter__(self) -> Session:
        ws_url = self.url.replace("http://", "ws://", 1) + "/_stcore/stream"
        # the browser's subprotocol list: "streamlit", then the XSRF token and a session id to resume
        # (both empty for a new tab without a cookie; XSRF is only checked when an Origin is sent)
        self._ws = await connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def open(self, page: str | None = None) -> Run:
        """Open ``page`` (a sidebar title), or rerun the current page when ``None``."""
        target = self.page if page is None else self.pages[page]
        msg = BackMsg()
        cs = msg.rerun_script
        cs.page_script_hash = target
        # a page change clears the address bar's query; a rerun keeps the one the app set
        cs.query_string = self.query_string if target == self.page else ""
        cs.widget_states.widgets.extend(self.widgets.values())
        cs.cached_message_hashes.extend(self._cache)
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-GB"
        cs.context_info.url = self.url + "/"
        return await self._run(msg, page or self._title(target))

    async def set_number(self, widget_id: str, value: float) -> Run:
        """Type ``value`` into a number input on the current page and press Enter (its rerun)."""
        state = WidgetState(id=widget_id, double_value=value)
        self.widgets[widget_id] = state
        return await self.open()

    def _title(self, page_hash: str) -> str:
        return next((t for t, h in self.pages.items() if h == page_hash), page_hash or "default page")

    async def _run(self, msg: BackMsg, label: str) -> Run:
        assert self._ws is not None
        start = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        run = Run(label, 0.0)
        seen: set[str] = set()  # widget ids on screen in this run
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    fwd = ForwardMsg()
                    fwd.ParseFromString(await self._ws.recv())
                    if fwd.metadata.cacheable:
                        self._cache[fwd.hash] = fwd
                    kind = fwd.WhichOneof("type")
                    if kind == "ref_hash":
                        fwd = self._cache[fwd.ref_hash]
                        kind = fwd.WhichOneof("type")
                    if kind == "navigation":
                        self.pages = {p.page_name: p.page_script_hash for p in fwd.navigation.app_pages}
                        self.page = fwd.navigation.page_script_hash
                    elif kind == "page_info_changed":
                        self.query_string = fwd.page_info_changed.query_string
                    elif kind == "page_not_found":
                        run.page_not_found = True
                    elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                        self._element(fwd.delta.new_element, run, seen)
                    elif kind == "script_finished" and fwd.script_finished in _FINISHED:
                        break
        except TimeoutError as exc:
            raise RerunTimeout(f"{label}: no script_finished within {self.timeout:g} s") from exc
        run.seconds = time.perf_counter() - start
        # the frontend forgets the values of widgets that are no longer on screen
        self.widgets = {k: v for k, v in self.widgets.items() if k in seen}
        return run

    @staticmethod
    def _element(el, run: Run, seen: set[str]) -> None:
        kind = el.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        elif kind == "alert" and el.alert.format == Alert.ERROR:
            run.error_boxes.append(el.alert.body)
        elif kind == "metric":
            run.metrics.setdefault(el.metric.label, el.metric.body)
        elif kind == "number_input":
            ni = el.number_input
            value = ni.value if ni.HasField("value") else (ni.default if ni.HasField("default") else None)
            run.number_inputs.setdefault(ni.label, (ni.id, value))
        widget_id = getattr(getattr(el, kind), "id", "") if kind else ""
        if widget_id:
            seen.add(widget_id)


# --------------------------------------------------------------------------- the journey

def next_uplift(run: Run, serial: int) -> tuple[str, float]:
    """The base uplift's widget id and a value (in %) between its low and high, distinct for each
    ``serial`` and never the current one: each edit is a scenario the server has not seen."""
    widget_id, base = run.number_inputs[UPLIFT.format("base")]
    low = run.number_inputs[UPLIFT.format("low")][1]
    high = run.number_inputs[UPLIFT.format("high")][1]
    if low is None or high is None or base is None:
        raise ValueError(f"uplift inputs without values: {run.number_inputs}")
    steps = round((high - low) * 100) - 1  # hundredths of a percent strictly inside (low, high)
    value = round(low + (serial % steps + 1) / 100, 2)
    if abs(value - base) < 1e-9:
        value = round(low + ((serial + 1) % steps + 1) / 100, 2)
    return widget_id, value


@dataclass
class Tally:
    """Everything a level's sessions recorded."""

    latencies: dict[str, list[float]] = field(default_factory=dict)  # step → seconds
    errors: dict[str, int] = field(default_factory=dict)  # kind → count
    examples: list[str] = field(default_factory=list)  # a few error texts, to say what went wrong

    def record(self, step: str, run: Run) -> None:
        self.latencies.setdefault(step, []).append(run.seconds)
        for kind, items in (("exception", run.exceptions), ("error box", run.error_boxes),
                            ("page not found", [run.page] if run.page_not_found else [])):
            if items:
                self.error(kind, f"{step}: {items[0][:300]}", len(items))

    def error(self, kind: str, text: str, count: int = 1) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + count
        if len(self.examples) < 5:
            self.examples.append(text)

    @property
    def all(self) -> list[float]:
        return [s for v in self.latencies.values() for s in v]


async def journey(url: str, until: float, tally: Tally, serials: Iterator[int], think: float,
                  rng: random.Random, timeout: float, once: bool = False) -> None:
    """One session: connect, then repeat the journey until ``until`` (monotonic), pausing ``think``
    seconds (±50 %) between actions; every rerun is recorded in ``tally``."""

    async def pause() -> None:
        if think > 0:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))

    try:
        async with Session(url, timeout) as s:
            last = await s.open()
            tally.record("open app", last)
            while time.monotonic() < until:
                for step in JOURNEY:
                    await pause()
                    if step == "edit uplift":
                        run = await s.set_number(*next_uplift(last, next(serials)))
                    else:
                        run = await s.open(step)
                    tally.record(step, run)
                    last = run
                    if time.monotonic() >= until:
                        break
                if once:
                    break
    except ConnectionClosed as exc:
        tally.error("disconnect", f"disconnect: {exc}")
    except RerunTimeout as exc:
        tally.error("timeout", str(exc))
    except OSError as exc:  # refused or reset before the websocket was up
        tally.error("disconnect", f"connect: {exc}")


async def drive(url: str, sessions: int, seconds: float, think: float, timeout: float,
                seed: int = 0) -> tuple[Tally, float]:
    """``sessions`` concurrent journeys for ``seconds``; the tally and the wall time they took
    (until the last in-flight rerun finished)."""
    tally = Tally()
    serials = itertools.count()  # shared: no two edits of a level give the same scenario
    start = time.monotonic()

    async def one(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        await asyncio.sleep(rng.uniform(0, min(1.0, think or 0.5)))  # tabs do not open in lock-step
        await journey(url, start + seconds, tally, serials, think, rng, timeout)

    await asyncio.gather(*(one(k) for k in range(sessions)))
    return tally, time.monotonic() - start


# --------------------------------------------------------------------------- report

def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100), linear between order statistics (numpy's default)."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


@dataclass
class Level:
    sessions: int
    tally: Tally
    wall: float
    peak_rss: int
    cpu: float  # the server's CPU seconds during the level

    @property
    def reruns(self) -> int:
        return len(self.tally.all)

    @property
    def error_count(self) -> int:
        return sum(self.tally.errors.values())


def run_level(sessions: int, seconds: float, think: float, timeout: float) -> Level:
    """A fresh server (so memory and caches start from the same place), warmed up by one journey,
    then ``sessions`` journeys for ``seconds`` while its memory is sampled."""
    with running_server() as (url, pid):
        warm = Tally()
        # imports and first-use costs (Altair, scipy, the pages) are paid once per server, not per user
        asyncio.run(journey(url, time.monotonic() + 600, warm, itertools.count(10_000), 0, random.Random(0),
                            timeout, once=True))
        if warm.errors:
            raise RuntimeError(f"the warm-up journey failed: {warm.examples}")
        with PeakRSS(pid) as rss:
            tally, wall = asyncio.run(drive(url, sessions, seconds, think, timeout))
        return Level(sessions, tally, wall, rss.peak, rss.cpu)


def table(levels: list[Level]) -> str:
    head = (f"{'sessions':>8} {'reruns':>7} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'errors':>7} {'reruns/s':>9} "
            f"{'peak RSS MiB':>13} {'CPU s/rerun':>12}")
    lines = [head]
    for lv in levels:
        xs = lv.tally.all
        lines.append(f"{lv.sessions:>8} {lv.reruns:>7} {percentile(xs, 50):>7.2f} {percentile(xs, 95):>7.2f} "
                     f"{max(xs, default=float('nan')):>7.2f} {lv.error_count:>7} {lv.reruns / lv.wall:>9.1f} "
                     f"{lv.peak_rss / 2**20:>13.0f} {lv.cpu / max(lv.reruns, 1):>12.3f}")
    return "\n".join(lines)


def step_table(levels: list[Level]) -> str:
    steps = ["open app", *dict.fromkeys(JOURNEY)]
    lines = [f"{'p50 / p95 s by step':<22}" + "".join(f"{f'{lv.sessions} sessions':>16}" for lv in levels)]
    for step in steps:
        cells = []
        for lv in levels:
            xs = lv.tally.latencies.get(step, [])
            cells.append(f"{percentile(xs, 50):.2f} / {percentile(xs, 95):.2f}" if xs else "—")
        lines.append(f"{step:<22}" + "".join(f"{c:>16}" for c in cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,10,25", help="comma-separated session counts (default 1,10,25)")
    parser.add_argument("--seconds", type=float, default=60, help="run time per level (default 60)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause between a session's actions in seconds, ±50%% (default 1; 0 = none)")
    parser.add_argument("--timeout", type=float, default=120, help="a rerun slower than this is an error")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.sessions.split(",")]
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from machine import reference  # how fast the machine is now (benchmarks/machine.py)

    load = os.getloadavg()
    print(f"bench_load: {args.seconds:g} s per level, think {args.think:g} s, {os.cpu_count()} CPUs, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
    print(reference(), flush=True)
    levels = []
    for n in counts:
        levels.append(run_level(n, args.seconds, args.think, args.timeout))
        lv = levels[-1]
        print(f"  {n} sessions: {lv.reruns} reruns, {lv.error_count} errors", flush=True)
    print(table(levels))
    print(step_table(levels))
    for lv in levels:
        if lv.tally.errors:
            print(f"errors at {lv.sessions} sessions: {lv.tally.errors}; e.g. {lv.tally.examples}")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(reference())
    return 1 if any(lv.error_count for lv in levels) else 0


if __name__ == "__main__":
    sys.exit(main())
