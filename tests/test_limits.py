"""Each stated limit has a test at the limit and one past it: CLI flags, draws, delays, workbooks, memory.

The limits and their reasons are listed in the README's "Limits"; past a limit the message names
the field (or flag) and the limit, the CLI exits 2, and nothing is computed.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import numpy as np
import pytest

import roi
from roi.budget import MEMORY_BUDGET_BYTES
from roi.cli import main
from roi.experiments import options as opt
from roi.experiments import power as pw
from roi.export import xlsx_import
from roi.uncertainty import breakeven, delay_curve, simulate, tornado
from roi.uncertainty.defaults import MAX_DELAY_MONTHS, MAX_DRAWS
from roi.uncertainty.montecarlo import max_draws, memory_needed, varying_drivers

SAMPLE = str(roi.sample_paths()["european_retailer"])
HUGE = str(10**400)


def _cli(capsys, argv: list[str]) -> tuple[int, str]:
    """Exit code and stderr of ``python -m roi ARGV`` run in-process (argparse exits via SystemExit)."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


# --------------------------------------------------------------------------- CLI flags

@pytest.mark.parametrize("argv, flag, limit", [
    (["simulate", SAMPLE, "--draws", str(MAX_DRAWS + 1)], "--draws", "from 1 to 1,000,000"),
    (["simulate", SAMPLE, "--draws", "0"], "--draws", "from 1 to 1,000,000"),
    (["simulate", SAMPLE, "--draws", "1e9"], "--draws", "must be a whole number"),
    (["simulate", SAMPLE, "--seed", str(2**31)], "--seed", "from 0 to 2,147,483,647"),
    (["delay", SAMPLE, "--months", str(MAX_DELAY_MONTHS + 1)], "--months", "from 1 to 120"),
    (["delay", SAMPLE, "--months", "1000000000"], "--months", "from 1 to 120"),
    (["plan-test", "--baseline", "0.02", "--mde", "0.1", "--variants", HUGE], "--variants", "at most 30 are allowed"),
    (["plan-test", "--baseline", "0.02", "--mde", "0.1", "--variants", str(opt.MAX_VARIANTS + 1)], "--variants",
     f"from 2 (a control and a treatment) to {opt.MAX_VARIANTS}"),
    (["analyze-test", "--visitors-a", HUGE, "--conversions-a", "1", "--visitors-b", "10", "--conversions-b", "1"],
     "--visitors-a", "at most 30 are allowed"),
    (["analyze-test", "--visitors-a", "1000", "--conversions-a", "10", "--visitors-b", "1000",
      "--conversions-b", "20", "--shrinkage-prior-sd", "1e308"], "--shrinkage-prior-sd", "at most 10"),
])
def test_a_flag_past_its_limit_exits_2_naming_the_flag_and_the_limit(capsys, argv, flag, limit):
    code, err = _cli(capsys, argv)
    assert code == 2
    line = err.strip().splitlines()[-1]
    assert flag in line and limit in line, line
    assert len(line) < 300  # a 401-digit argument is not echoed back whole


def test_flags_at_their_limits_are_accepted(capsys):
    assert _cli(capsys, ["delay", SAMPLE, "--months", str(MAX_DELAY_MONTHS), "--json"])[0] == 0
    assert _cli(capsys, ["plan-test", "--baseline", "0.02", "--mde", "0.1", "--variants", str(opt.MAX_VARIANTS),
                         "--json"])[0] == 0
    assert _cli(capsys, ["simulate", SAMPLE, "--draws", "1", "--seed", str(2**31 - 1), "--json"])[0] == 0


def test_a_tiny_baseline_is_blamed_on_the_baseline_not_the_effect(capsys):
    # At 1e-300 any relative change is ~1e-301 in absolute terms: the baseline is the culprit,
    # since the same +10% on an ordinary rate is testable.
    code, err = _cli(capsys, ["plan-test", "--baseline", "1e-300", "--mde", "0.1"])
    assert code == 2
    assert "--baseline:" in err and "--mde" not in err


# --------------------------------------------------------------------------- power at extreme sizes

def test_detectable_effect_at_extreme_sizes_scales_exactly():
    """statsmodels' root finder once failed far from n ≈ 1,000 ("f(a) and f(b) must have different
    signs"); the standardised effect scales as 1/√n, so d(1e16) = d(1e4) / 1e6 exactly."""
    big = pw.standardised_effect(1e16, 0.05, 0.8, "two-sided")
    small = pw.standardised_effect(1e4, 0.05, 0.8, "two-sided")
    assert big == pytest.approx(small / 1e6, rel=1e-9)
    # d for n = 1,000 per arm at α 0.05 two-sided, power 0.8: (1.959964 + 0.841621) √(2/1000) = 0.125291
    assert pw.standardised_effect(1_000, 0.05, 0.8, "two-sided") == pytest.approx(0.125291, abs=2e-6)
    assert pw.detectable_effect(0.02, 1e16).abs_effect > 0


def test_a_minute_effect_has_no_finite_sample_and_says_so():
    with pytest.raises(ValueError, match="^mde: too small to detect"):
        pw.sample_size(0.5, 1e-200)


# --------------------------------------------------------------------------- Monte Carlo draws

def test_max_draws_is_the_most_that_fit_the_budget():
    for k in (1, 13, 107, 400):
        n = max_draws(k)
        assert n % 1000 == 0 and 1000 <= n <= MAX_DRAWS
        assert n == MAX_DRAWS or memory_needed(n, k) <= MEMORY_BUDGET_BYTES < memory_needed(n + 1000, k)


@pytest.mark.parametrize("workers, draws", [(1, 20_000), (4, 20_000), (4, 100_000)])
def test_a_run_holds_no_more_than_its_memory_estimate(workers, draws):
    """What max_draws relies on: a run's peak (tracemalloc) stays within memory_needed, with one
    thread and with the most threads a run uses (the chunks' temporaries are split between them),
    at few draws (the fixed part dominates) and at the default 100,000 (measured 155–159 MiB
    against an estimate of 165 MiB)."""
    from roi.synthetic import generate_scenario
    from roi.uncertainty.montecarlo import clear_draw_cache

    sc = generate_scenario(50, 20, 5, seed=0)
    clear_draw_cache()  # a run that draws every driver, the most it holds
    tracemalloc.start()
    try:
        simulate(sc, draws=draws, seed=1, workers=workers)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= memory_needed(draws, len(varying_drivers(sc)))


def test_simulate_refuses_draws_past_the_budget_saying_how_many_fit():
    sc = roi.load_sample("european_retailer")
    k = len(varying_drivers(sc))
    limit = max_draws(k)
    with pytest.raises(ValueError, match=rf"^draws: .* run at most {limit:,} draws"):
        simulate(sc, draws=limit + 1, seed=1)


# --------------------------------------------------------------------------- workbooks

def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


def _sheet(cells: int) -> bytes:
    return b"<worksheet><sheetData><row>" + b'<c r="A1"/>' * cells + b"</row></sheetData></worksheet>"


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it():
    """A small file that unpacks past 100 MB: refused from the zip's directory, in milliseconds."""
    bomb = _zip({"[Content_Types].xml": b"<Types/>",
                 "xl/worksheets/sheet1.xml": b" " * (xlsx_import.MAX_UNPACKED_BYTES + 1)})
    assert len(bomb) < 1_000_000
    with pytest.raises(roi.ScenarioError) as exc:
        xlsx_import.scenario_from_workbook(bomb)
    assert exc.value.problems[0].startswith("file: unpacks to 100 MB, more than the 100 MB")


def test_the_cell_limit_is_exact():
    at = _zip({"xl/worksheets/sheet1.xml": _sheet(xlsx_import.MAX_CELLS // 2),
               "xl/worksheets/sheet2.xml": _sheet(xlsx_import.MAX_CELLS - xlsx_import.MAX_CELLS // 2)})
    xlsx_import.check_unpacked_size(at)  # at the limit: passes the check
    past = _zip({"xl/worksheets/sheet1.xml": _sheet(xlsx_import.MAX_CELLS + 1)})
    with pytest.raises(roi.ScenarioError) as exc:
        xlsx_import.check_unpacked_size(past)
    assert exc.value.problems == ["file: more than 500,000 cells, more than an exported business case has; "
                                  "not an exported business case"]


def test_too_many_parts_are_refused():
    many = _zip({f"xl/media/p{k}.xml": b"" for k in range(xlsx_import.MAX_PARTS + 1)})
    with pytest.raises(roi.ScenarioError, match="parts"):
        xlsx_import.check_unpacked_size(many)


def test_a_damaged_deflate_stream_is_a_message():
    good = _zip({"xl/worksheets/sheet1.xml": _sheet(1000)})
    broken = good.replace(good[60:90], bytes(30))  # inside the deflated part
    with pytest.raises(roi.ScenarioError) as exc:
        xlsx_import.check_unpacked_size(broken)
    assert exc.value.problems[0].startswith("file: not an Excel .xlsx workbook")


# --------------------------------------------------------------------------- memory at the largest case

@pytest.fixture(scope="module")
def largest():
    """100 initiatives on every one of 100 segments over ten years: the most the schema admits."""
    from roi.synthetic import generate_scenario

    data = generate_scenario(100, 100, 10, seed=1).model_dump(mode="json")
    names = [s["name"] for s in data["segments"]]
    for ini in data["initiatives"]:
        if ini["lever"] != "cost_saving":
            ini["segments"] = names
    return roi.parse_scenario(data)


@pytest.mark.parametrize("analysis", ["tornado", "breakeven", "delay", "simulate"])
def test_each_analysis_of_the_largest_case_stays_within_the_memory_budget(largest, analysis):
    """Peak traced memory (tracemalloc) of one analysis stays under the 512 MB budget: once a
    625-draw grid took 1.4 GB and breakeven 6.4 GB."""
    run = {"tornado": lambda: tornado(largest), "breakeven": lambda: breakeven(largest),
           "delay": lambda: delay_curve(largest, np.arange(0, MAX_DELAY_MONTHS + 1, dtype=float)),
           "simulate": lambda: simulate(largest, draws=2_000, seed=1)}[analysis]
    tracemalloc.start()
    try:
        run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BUDGET_BYTES, f"{analysis} took {peak / 2**20:.0f} MB"


# --------------------------------------------------------------------------- a measured result's figures

@pytest.mark.parametrize("path, value, message", [
    ("visitors_a", 10**15, None),
    ("visitors_a", 10**15 + 1, "less than or equal to 1000000000000000"),
    ("rel_lift", 1e6, None),
    ("rel_lift", 1e6 * 1.000001, "must be between -1 and 1,000,000"),
    ("ci_rel_lift", [0.5, -0.5], "the interval's low end must not exceed its high end"),
])
def test_a_measured_results_figures_are_bounded(path, value, message):
    """A measured A/B result stored on an initiative: counts up to 10¹⁵ (no test is larger), a
    relative lift and its interval within ±10⁶, the interval in order."""
    from tests.corpus.json_cases import enriched_sample

    data = enriched_sample()
    ini = next(i for i in data["initiatives"] if i["evidence"].get("measured"))
    ini["evidence"]["measured"][path] = value
    if message is None:
        roi.parse_scenario(data)
        return
    with pytest.raises(roi.ScenarioError) as exc:
        roi.parse_scenario(data)
    assert any(".evidence.measured" in p and message in p for p in exc.value.problems), exc.value.problems
