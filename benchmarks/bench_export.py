"""Time the exports: the live xlsx workbook, the pptx deck and the PDF brief, for each sample and a
50-initiative case.

Run: ``.venv/bin/python benchmarks/bench_export.py``. Aim (issues 6 and 12): under 2 s each, cold. The
generated case is :func:`roi.synthetic.generate_scenario` (50 initiatives × 20
segments × 5 years). Times are end to end from a validated scenario (evaluation, analyses —
including the 100,000-draw Monte Carlo —, formulas, chart rendering and saving);
medians of a few runs after a warm-up. *Cold* runs start with the risk analyses forgotten
(:func:`roi.export.analyses.clear_risk_memo`, and the drivers' remembered draws), so they include the
whole Monte Carlo; *warm* runs find
it remembered (:func:`roi.export.analyses.risk_analyses`), as the second export of the same
scenario does. ``all`` is the workbook, the deck and the brief one after another (both downloads
and the brief in the app), which share one Monte Carlo run.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import roi  # noqa: E402
from roi import helper  # noqa: E402
from roi.export.analyses import clear_risk_memo  # noqa: E402
from roi.uncertainty.montecarlo import clear_draw_cache  # noqa: E402
from roi.export.brief import brief_bytes  # noqa: E402
from roi.export.deck import deck_bytes  # noqa: E402
from roi.export.xlsx import workbook_bytes  # noqa: E402
from roi.synthetic import generate_scenario  # noqa: E402

from machine import reference  # noqa: E402  (benchmarks/machine.py: how fast the machine is now)

AIM_S = 2.0


def timeit(fn, repeat: int = 3) -> tuple[float, float, int]:
    """Median time of ``fn()`` with the risk analyses forgotten first (cold) and remembered (warm), and
    the size of its output."""
    size = len(fn())  # warm up (imports, caches)
    cold, warm = [], []
    for _ in range(repeat):
        clear_risk_memo()
        clear_draw_cache()  # and the drivers' draws: a first export draws every one —
        helper.call(clear_draw_cache)  # here and in the helper process, which runs the Monte Carlo
        t0 = time.perf_counter()
        fn()
        cold.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        fn()
        warm.append(time.perf_counter() - t0)
    return statistics.median(cold), statistics.median(warm), size


def main() -> int:
    cases = {k: roi.load_sample(k) for k in roi.sample_paths()}
    cases["generated 50 × 20 × 5y"] = generate_scenario(initiatives=50, segments=20, horizon_years=5, seed=0)
    print(reference(), flush=True)
    print(f"{'case':<28} {'export':<6} {'cold s':>7} {'warm s':>7} {'size KB':>8}")
    worst_cold = worst_warm = 0.0
    for name, scenario in cases.items():
        every = lambda s: workbook_bytes(s) + deck_bytes(s) + brief_bytes(s)  # noqa: E731
        for what, fn in (("xlsx", workbook_bytes), ("pptx", deck_bytes), ("pdf", brief_bytes), ("all", every)):
            cold, warm, size = timeit(lambda: fn(scenario))
            if what != "all":
                worst_cold, worst_warm = max(worst_cold, cold), max(worst_warm, warm)
            print(f"{name:<28} {what:<6} {cold:>7.3f} {warm:>7.3f} {size / 1024:>8.0f}")
    print("cold: the first export of a scenario (its Monte Carlo included); warm: the Monte Carlo remembered")
    for label, worst in (("cold", worst_cold), ("warm", worst_warm)):
        print(f"slowest single export, {label} (median) {worst:.3f} s — aim < {AIM_S:g} s: "
              f"{'met' if worst < AIM_S else 'NOT met'}")
    print(reference())
    return 0


if __name__ == "__main__":
    sys.exit(main())
