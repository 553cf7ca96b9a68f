"""Benchmark of the uncertainty analyses: ``python benchmarks/bench_uncertainty.py [--repeat 5]``.

Times (median of ``--repeat`` runs, wall clock and CPU) and peak memory of 100,000 Monte Carlo
draws for a generated 50-initiative × 20-segment, 5-year scenario and for each sample case, plus
tornado, grid, breakeven and delay on the large case, and the time of drawing the large case's
random numbers alone (one normal score per uplift, one PERT draw per other driver, one thread)
with the Monte Carlo's ratio to it, and a run after an edit of one uplift, when the other drivers'
draws are remembered (every other row forgets them before each run). The large case runs at uplift correlation
ρ = 0 and ρ = 0.5 so the cost of the copula shows (aim: at most 20% more). CPU time is printed
because wall time on a shared 2-core machine depends on what else runs.
Peak memory is tracemalloc's peak of numpy allocations during one run; the process's max RSS
(resource.getrusage) is printed at the end.

``--contended`` times instead the large case's run (one thread) alone, beside a thread busy in
Python — as an export writing its workbook, or a server drawing pages — and the same run in the
helper process (:mod:`roi.helper`) beside that busy thread: why the app and the exports
run it there.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import roi  # noqa: E402
from roi.uncertainty import breakeven, delay_curve, grid, simulate, tornado  # noqa: E402
from roi.synthetic import generate_scenario  # noqa: E402
from roi.uncertainty.montecarlo import clear_draw_cache, sample, varying_drivers  # noqa: E402


def raw_draws(scenario: roi.Scenario, draws: int) -> None:
    """Only the random numbers a run draws: a normal score per uplift, a PERT draw per other
    driver — no quantile table, no engine. The floor a Monte Carlo's time is compared with."""
    rng = np.random.default_rng(1)
    for d in varying_drivers(scenario):
        if d.kind == "uplift":
            rng.standard_normal(draws)
        else:
            sample(d, draws, rng)


def measure(fn: Callable[[], object], repeat: int, fresh: bool = True) -> tuple[float, float, float]:
    """(median wall seconds and median CPU seconds over ``repeat`` runs, peak MB traced in one extra run).
    ``fresh``: the drivers' remembered draws are forgotten before each run, so a run draws them all."""
    fn()  # warm-up
    times, cpu = [], []
    for _ in range(repeat):
        if fresh:
            clear_draw_cache()
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    if fresh:
        clear_draw_cache()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), statistics.median(cpu), peak / 1e6


def contended(scenario: roi.Scenario, draws: int, repeat: int) -> None:
    """The run alone, beside a busy Python thread, and in the helper beside that thread (median s)."""
    import threading

    from roi.io import dumps_scenario
    from roi import helper

    text = dumps_scenario(scenario)
    helper.simulate(text, draws=1_000)  # the helper started and warm

    def here() -> None:
        clear_draw_cache()
        simulate(scenario, draws, workers=1)

    def there() -> None:
        helper.call(clear_draw_cache)
        helper.simulate(text, draws=draws, workers=1)

    def timed(fn: Callable[[], None]) -> float:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    alone = timed(here)
    stop = threading.Event()

    def busy() -> None:  # pure Python, as XlsxWriter or a page script
        n = 0
        while not stop.is_set():
            for k in range(1_000):
                n += k * k

    worker = threading.Thread(target=busy, daemon=True)
    worker.start()
    try:
        beside, helped = timed(here), timed(there)
    finally:
        stop.set()
        worker.join()
    print(f"Monte Carlo {draws:,} draws, 50×20×5, one thread (median of {repeat}, s):")
    print(f"  alone                                  {alone:8.3f}")
    print(f"  beside a busy Python thread            {beside:8.3f}  ({beside / alone:.0f}× alone)")
    print(f"  in the helper, beside that thread      {helped:8.3f}  ({helped / alone:.1f}× alone)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--contended", action="store_true", help="the run beside a busy Python thread, here and "
                                                               "in the helper process")
    args = ap.parse_args()
    big = generate_scenario(50, 20, 5, seed=0)
    if args.contended:
        contended(big, args.draws, args.repeat)
        return
    print(f"{'case':<52} {'median s':>9} {'CPU s':>7} {'peak MB':>8}")
    rows = [(f"Monte Carlo {args.draws:,} draws, 50×20×5, ρ = {rho}",
             lambda rho=rho: simulate(big, args.draws, correlation=rho)) for rho in (0.0, 0.5)]
    rows += [(f"Monte Carlo {args.draws:,} draws, {name}", lambda s=roi.load_sample(name): simulate(s, args.draws))
             for name in roi.sample_paths()]
    rows += [
        ("tornado, 50×20×5", lambda: tornado(big)),
        ("two-way grid 25×25, 50×20×5", lambda: grid(big, n=25)),
        ("breakeven, 50×20×5", lambda: breakeven(big)),
        ("cost of delay 0–24 months, 50×20×5", lambda: delay_curve(big)),
    ]
    rows.append((f"random numbers alone, 50×20×5 ({len(varying_drivers(big))} drivers)",
                 lambda: raw_draws(big, args.draws)))
    # after an edit of one uplift: the other drivers' draws are remembered (common random numbers)
    ini = big.initiatives[0]
    edits = iter(range(1, 10**6))
    rows.append((f"Monte Carlo {args.draws:,} draws, 50×20×5, after one uplift edit",
                 lambda: simulate(big.model_copy(update={"initiatives": [ini.model_copy(update={"uplift": ini.uplift.model_copy(
                     update={"high": ini.uplift.high * (1 + next(edits) / 1e6)})})] + big.initiatives[1:]}), args.draws)))
    seconds = {}
    for label, fn in rows:
        t, c, mb = measure(fn, args.repeat, fresh="after one uplift edit" not in label)
        seconds[label] = t
        print(f"{label:<52} {t:>9.3f} {c:>7.3f} {mb:>8.1f}", flush=True)
    print(f"Monte Carlo of the 50×20×5 case (ρ = 0) ÷ drawing its random numbers alone: "
          f"{seconds[rows[0][0]] / seconds[rows[-2][0]]:.1f}×")
    print(f"max RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
