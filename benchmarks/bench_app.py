"""Time a full rerun of each dashboard page after an input change (Streamlit AppTest).

Usage: ``.venv/bin/python benchmarks/bench_app.py [--repeat N]``

For each case (the samples in ``data/`` and a generated 50-initiative case) and each page, the
page is opened once, then the scenario's discount rate is changed before every timed rerun, so
each rerun re-evaluates the business case (no cache hit), as after a user's edit. Reported: the
median and worst of N reruns, in milliseconds. Aims (issue 11): under 200 ms for the samples, under
500 ms for the 50 × 20 × 5 case.

The server compiles each script once (one ``ScriptCache`` per runtime) and reuses the bytecode on
every rerun; ``AppTest`` makes a new cache per run, so it would also time compiling ``app.py`` and
the page with Streamlit's magic transform on every rerun (4–32 ms here, not paid by a user).
By default the runs share one cache, as the server's do; ``--compile-each-run`` times AppTest's
default instead.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import logging  # noqa: E402

from streamlit.testing.v1 import AppTest  # noqa: E402

# AppTest outside a server logs "missing ScriptRunContext" on every rerun: noise, not news.
logging.disable(logging.WARNING)

import roi  # noqa: E402
from roi.synthetic import generate_scenario  # noqa: E402

from machine import reference  # noqa: E402  (benchmarks/machine.py: how fast the machine is now)

APP = str(ROOT / "app.py")


def pages() -> list[str]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("dashboard_app", APP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [path for _, path, _, _ in module.PAGES]


def compile_once() -> None:
    """Give every AppTest run one shared script cache, as the server's runtime has (see above)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    # AppTest constructs ScriptCache() by these module-level names; a Streamlit that stops doing so
    # makes this a no-op (the figures then include compiling again, i.e. err on the slow side).
    app_test.ScriptCache = lambda: shared  # type: ignore[assignment]
    local_script_runner.ScriptCache = lambda: shared  # type: ignore[assignment]


def time_page(scenario: roi.Scenario, page: str, repeat: int) -> list[float]:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["scenario"] = scenario
    at.run()
    at.switch_page(page)
    at.run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    times = []
    for k in range(repeat):
        rate = round(0.05 + 0.001 * (k + 1), 4)  # a new value each time: no cache hit
        at.session_state["scenario"] = scenario.model_copy(
            update={"settings": scenario.settings.model_copy(update={"discount_rate": rate})})
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].message}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--compile-each-run", action="store_true",
                        help="compile the app and the page on every rerun (AppTest's default; the server does not)")
    parser.add_argument("--case", action="append", help="only this case (a sample key or 'generated'); repeatable")
    parser.add_argument("--page", action="append", help="only this page (e.g. pages/overview.py); repeatable")
    args = parser.parse_args()
    if not args.compile_each_run:
        compile_once()
    cases = {key: roi.load_sample(key) for key in roi.sample_paths()}
    cases["generated 50 initiatives"] = generate_scenario(initiatives=50, segments=20, seed=0)
    if args.case:
        cases = {k: v for k, v in cases.items() if any(k.startswith(c) for c in args.case)}
    page_list = [p for p in pages() if not args.page or p in args.page]
    if not cases or not page_list:
        parser.error(f"nothing to time: cases {sorted(cases) or 'none'}; pages are named as in app.py, e.g. "
                     "pages/overview.py")
    print(reference(), flush=True)
    width = max(len(p) for p in page_list)
    print(f"{'case':<26} {'page':<{width}} {'median ms':>10} {'max ms':>8}")
    worst = {"sample": 0.0, "generated": 0.0}
    for name, scenario in cases.items():
        for page in page_list:
            t = time_page(scenario, page, args.repeat)
            med = statistics.median(t)
            kind = "generated" if name.startswith("generated") else "sample"
            worst[kind] = max(worst[kind], med)
            print(f"{name:<26} {page:<{width}} {med:>10.0f} {max(t):>8.0f}", flush=True)
    print(reference())
    print()
    if any(not name.startswith("generated") for name in cases):
        print(f"slowest sample page (median): {worst['sample']:.0f} ms — aim < 200 ms")
    if any(name.startswith("generated") for name in cases):
        print(f"slowest page of the 50-initiative case (median): {worst['generated']:.0f} ms — aim < 500 ms")


if __name__ == "__main__":
    main()
