"""Time ``roi.evaluate`` on the samples and on a generated 50-initiative × 20-segment case.

Run: ``.venv/bin/python benchmarks/bench_model.py``. Aim (issue 2): under 20 ms per evaluation
of the 50 × 20 case on a 2-core machine. Prints the median and best of repeated runs.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import roi  # noqa: E402
from roi import engine  # noqa: E402
from roi.synthetic import generate_scenario  # noqa: E402


def timeit(fn, repeat: int = 50) -> tuple[float, float]:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, min(times) * 1e3


def main() -> None:
    cases = {key: roi.load_sample(key) for key in roi.sample_paths()}
    for years in (3, 5):
        cases[f"generated 50×20×{years}y"] = generate_scenario(50, 20, years, seed=1)
    print(f"{'case':<32} {'evaluate median':>16} {'best':>8} {'engine only':>12}")
    for name, sc in cases.items():
        med, best = timeit(lambda: roi.evaluate(sc))
        structure, x = engine.build(sc)
        eng, _ = timeit(lambda: engine.compute(structure, x))
        print(f"{name:<32} {med:>13.2f} ms {best:>5.2f} ms {eng:>9.2f} ms")


if __name__ == "__main__":
    main()
