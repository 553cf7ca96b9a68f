"""Benchmark of the recommended plan: ``python benchmarks/bench_plan.py [--repeat 5]``.

Times ``roi.plan.recommend`` (median of ``--repeat`` runs, wall and CPU) for the samples, generated
cases of 20 and 50 initiatives, and a worst case for the exact search: 20 initiatives that are all
worth doing, each with effort, on a team small enough that the order matters (every one of the
2^20 subsets is searched). Aims: under 200 ms for 20 initiatives, under 1 s for 50.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import roi  # noqa: E402
from roi.plan import recommend  # noqa: E402
from roi.synthetic import generate_scenario  # noqa: E402


def worst_case(n: int = 20) -> roi.Scenario:
    """``n`` initiatives all worth doing, each with effort: the exact search's hardest case."""
    data = generate_scenario(n, 10, 5, seed=3).model_dump(mode="json")
    for k, ini in enumerate(data["initiatives"]):
        u = ini["uplift"]
        ini["uplift"] = {"low": u["low"], "base": u["base"] * 30, "high": max(u["high"] * 30, u["base"] * 30)}
        ini["effort_fte_months"] = 6.0 + k
    return roi.parse_scenario(data)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    cases = {name: roi.load_sample(name) for name in roi.sample_paths()}
    cases["generated 20×10×5"] = generate_scenario(20, 10, 5, seed=20)
    cases["generated 50×20×5"] = generate_scenario(50, 20, 5, seed=50)
    cases["worst case: 20 worthwhile, effortful"] = worst_case()
    print(f"{'case':<40} {'median ms':>10} {'CPU ms':>8}  method, do / defer / drop")
    for name, sc in cases.items():
        recommend(sc)  # warm-up
        wall, cpu = [], []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            plan = recommend(sc)
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        print(f"{name:<40} {statistics.median(wall) * 1e3:>10.0f} {statistics.median(cpu) * 1e3:>8.0f}  "
              f"{plan.method}, {len(plan.do)} / {len(plan.deferred)} / {len(plan.dropped)}", flush=True)


if __name__ == "__main__":
    main()
