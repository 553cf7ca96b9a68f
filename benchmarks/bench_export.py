"""Time the exports: the live xlsx workbook and the pptx deck, for each sample and a 50-initiative case.

Run: ``.venv/bin/python benchmarks/bench_export.py``. Aim (issue 6): under 2 s each. The
generated case is :func:`roi.uncertainty.synthetic.generate_scenario` (50 initiatives × 20
segments × 5 years). Times are end to end from a validated scenario (evaluation, analyses,
formulas, chart rendering and saving); the median and best of a few runs after a warm-up.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import roi  # noqa: E402
from roi.export.pptx import deck_bytes  # noqa: E402
from roi.export.xlsx import workbook_bytes  # noqa: E402
from roi.uncertainty.synthetic import generate_scenario  # noqa: E402

AIM_S = 2.0


def timeit(fn, repeat: int = 3) -> tuple[float, float, int]:
    size = len(fn())  # warm up (imports, caches)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), size


def main() -> int:
    cases = {k: roi.load_sample(k) for k in roi.sample_paths()}
    cases["generated 50 × 20 × 5y"] = generate_scenario(initiatives=50, segments=20, horizon_years=5, seed=0)
    print(f"{'case':<28} {'export':<6} {'median s':>9} {'best s':>8} {'size KB':>8}")
    worst = 0.0
    for name, scenario in cases.items():
        for what, fn in (("xlsx", workbook_bytes), ("pptx", deck_bytes)):
            med, best, size = timeit(lambda: fn(scenario))
            worst = max(worst, med)
            print(f"{name:<28} {what:<6} {med:>9.3f} {best:>8.3f} {size / 1024:>8.0f}")
    print(f"slowest median {worst:.3f} s — aim < {AIM_S:g} s: {'met' if worst < AIM_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
