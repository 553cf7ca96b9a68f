"""How fast this machine is right now: a fixed workload, timed beside every benchmark's figures.

On a shared virtual machine wall-clock figures move by a third between identical runs — the
neighbours' load and the hypervisor's steal time, which the load average does not show (this
machine read 203 and 335 ms for the same page within 20 minutes at load ≤ 0.8). The page, export
and load benchmarks print :func:`reference` before and after their own figures: when it moved,
the machine did, and figures from two runs compare only at similar references.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def reference_ms(passes: int = 15, evaluations: int = 20) -> float:
    """Median milliseconds of one pass: ``evaluations`` business cases of the retailer sample
    (the engine: numpy on small arrays and the Python around it, as a page rerun spends its time)."""
    import roi

    scenario = roi.load_sample("european_retailer")
    roi.evaluate(scenario)  # imports and first-use costs outside the timing
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        for _ in range(evaluations):
            roi.evaluate(scenario)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def reference() -> str:
    """One line for a benchmark's output: the reference workload's time now."""
    return f"machine reference: {reference_ms():.1f} ms (20 evaluations of the retailer; lower is faster)"


if __name__ == "__main__":
    print(reference())
