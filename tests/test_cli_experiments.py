"""``python -m roi plan-test|analyze-test|test-plan``: JSON contracts and exit codes."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import roi
from roi.cli import main
from roi.experiments import sample_size, sequential

RETAILER = str(roi.sample_paths()["european_retailer"])
ROOT = Path(__file__).resolve().parent.parent


def _json(capsys, argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_plan_test_contract(capsys):
    out = _json(capsys, ["plan-test", "--baseline", "0.05", "--mde", "0.10", "--json"])
    assert {"n_per_variant", "total_n", "days"} <= set(out)
    assert out["n_per_variant"] == 30245 and out["total_n"] == 60490  # see test_evan_miller_by_hand
    assert out["days"] is None and out["method"] == "evan-miller"


def test_plan_test_with_traffic_gives_days(capsys):
    out = _json(capsys, ["plan-test", "--baseline", "0.05", "--mde", "0.10", "--daily-traffic", "5000", "--json"])
    assert out["days"] == pytest.approx(60490 / 5000) and out["weeks"] == pytest.approx(60490 / 5000 / 7)


def test_plan_test_options(capsys):
    out = _json(capsys, ["plan-test", "--baseline", "0.2", "--mde", "0.05", "--absolute", "--method", "pooled",
                         "--variants", "3", "--correction", "bonferroni", "--one-sided", "--alpha", "0.1",
                         "--power", "0.9", "--json"])
    ref = sample_size(0.2, 0.05, relative=False, method="pooled", variants=3,
                                      correction="bonferroni", alternative="one-sided", alpha=0.1, power=0.9)
    assert out["n_per_variant"] == ref.n_per_variant and out["total_n"] == 3 * ref.n_per_variant
    assert out["alpha_per_comparison"] == pytest.approx(0.05)


def test_plan_test_sequential_contract(capsys):
    # --looks 4 (two-sided α 0.05, O'Brien–Fleming spending): boundaries 4.333, 2.963, 2.359, 2.014
    # (Lan–DeMets tables, see test_experiments_sequential); maximum sample ⌈30,244.40 × inflation⌉.
    out = _json(capsys, ["plan-test", "--baseline", "0.05", "--mde", "0.10", "--looks", "4", "--json"])
    assert out["boundaries"] == pytest.approx([4.333, 2.963, 2.359, 2.014], abs=6e-4)
    assert out["n_per_variant"] == 30245 and out["max_n_per_variant"] > 30245
    assert out["max_n_per_variant"] == math.ceil(30244.40474805514 * sequential.design(4).inflation)
    pocock = _json(capsys, ["plan-test", "--baseline", "0.05", "--mde", "0.10", "--looks", "4", "--spending",
                            "pocock", "--json"])
    assert pocock["boundaries"] == pytest.approx([2.368, 2.368, 2.358, 2.350], abs=6e-4)
    assert pocock["max_n_per_variant"] > out["max_n_per_variant"]


def test_plan_test_single_look_keeps_the_fixed_contract(capsys):
    out = _json(capsys, ["plan-test", "--baseline", "0.05", "--mde", "0.10", "--json"])
    assert out["boundaries"] == pytest.approx([1.959964], abs=1e-6) and out["max_n_per_variant"] == 30245


def test_plan_test_cuped_and_design_effect(capsys):
    # ⌈30,244.40 × (1 − 0.5²) × 1.3⌉ = ⌈29,488.29⌉ = 29,489 (test_experiments_planner)
    out = _json(capsys, ["plan-test", "--baseline", "0.05", "--mde", "0.10", "--cuped-rho", "0.5",
                         "--design-effect", "1.3", "--daily-traffic", "5000", "--json"])
    assert out["n_per_variant"] == 29489 and out["total_n"] == 2 * 29489
    assert out["variance_factor"] == pytest.approx(0.75) and out["design_effect"] == 1.3
    assert out["days"] == pytest.approx(2 * 29489 / 5000) and "design effect 1.3" in out["unit"]


def test_plan_test_continuous(capsys):
    out = _json(capsys, ["plan-test", "--mean", "10", "--sd", "20", "--mde", "0.05", "--json"])
    assert out["metric"] == "continuous" and out["n_per_variant"] == 25117


def test_plan_test_text(capsys):
    assert main(["plan-test", "--baseline", "0.05", "--mde", "0.1", "--daily-traffic", "5000"]) == 0
    text = capsys.readouterr().out
    assert "30,245 visitors per variant" in text and "12.1 days" in text


def test_analyze_test_contract(capsys):
    out = _json(capsys, ["analyze-test", "--visitors-a", "10000", "--conversions-a", "500",
                         "--visitors-b", "10000", "--conversions-b", "600", "--json"])
    assert {"p_value", "abs_diff", "rel_lift", "ci_abs_diff", "significant"} <= set(out)
    assert out["p_value"] == pytest.approx(0.0019247, abs=1e-7)  # see test_z_test_by_hand
    assert out["abs_diff"] == pytest.approx(0.01) and out["rel_lift"] == pytest.approx(0.2)
    assert len(out["ci_abs_diff"]) == 2 and out["significant"] is True


def test_analyze_test_rel_lift_null_when_undefined(capsys):
    out = _json(capsys, ["analyze-test", "--visitors-a", "1000", "--conversions-a", "0",
                         "--visitors-b", "1000", "--conversions-b", "5", "--json"])
    assert out["rel_lift"] is None and out["ci_rel_lift"] is None
    assert all(isinstance(v, float) for v in out["ci_abs_diff"])


def test_analyze_test_text_is_the_decision(capsys):
    assert main(["analyze-test", "--visitors-a", "10000", "--conversions-a", "500",
                 "--visitors-b", "10000", "--conversions-b", "510"]) == 0
    assert "cannot reject" in capsys.readouterr().out


def test_test_plan_json(capsys):
    out = _json(capsys, ["test-plan", RETAILER, "--horizon-weeks", "4", "--json"])
    assert out["horizon_days"] == 28
    names = [i.name for i in roi.load_scenario(RETAILER).initiatives]
    assert [t["initiative"] for t in out["tests"]] == names


def test_test_plan_text(capsys):
    assert main(["test-plan", RETAILER]) == 0
    assert "12-month retention" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, flag",
    [
        (["plan-test", "--baseline", "1.5", "--mde", "0.1"], "--baseline"),
        (["plan-test", "--baseline", "-0.1", "--mde", "0.1"], "--baseline"),
        (["plan-test", "--baseline", "0.05", "--mde", "0"], "--mde"),
        (["plan-test", "--baseline", "0.6", "--mde", "1"], "--mde"),
        (["plan-test", "--baseline", "0.05", "--mde", "0.1", "--alpha", "2"], "--alpha"),
        (["plan-test", "--baseline", "0.05", "--mde", "0.1", "--variants", "1"], "--variants"),
        (["plan-test", "--baseline", "0.05", "--mde", "0.1", "--daily-traffic", "0"], "--daily-traffic"),
        (["plan-test", "--mean", "10", "--mde", "0.1"], "--sd"),
        (["analyze-test", "--visitors-a", "100", "--conversions-a", "101", "--visitors-b", "100",
          "--conversions-b", "1"], "--conversions-a"),
        (["analyze-test", "--visitors-a", "0", "--conversions-a", "0", "--visitors-b", "100",
          "--conversions-b", "1"], "--visitors-a"),
        (["analyze-test", "--visitors-a", "100", "--conversions-a", "1", "--visitors-b", "100",
          "--conversions-b", "1", "--alpha", "0"], "--alpha"),
        (["test-plan", RETAILER, "--horizon-weeks", "0"], "--horizon-weeks"),
        (["plan-test", "--baseline", "0.05", "--mde", "0.1", "--looks", "21"], "--looks"),
        (["plan-test", "--baseline", "0.05", "--mde", "0.1", "--looks", "0"], "--looks"),
        (["plan-test", "--baseline", "0.05", "--mde", "0.1", "--cuped-rho", "1"], "--cuped-rho"),
        (["plan-test", "--baseline", "0.05", "--mde", "0.1", "--cuped-rho", "nan"], "--cuped-rho"),
        (["plan-test", "--baseline", "0.05", "--mde", "0.1", "--design-effect", "1e308"], "--design-effect"),
        (["plan-test", "--baseline", "0.05", "--mde", "0.1", "--design-effect", "0"], "--design-effect"),
        (["plan-test", "--baseline", "0.05", "--mde", "1e-9", "--design-effect", "1000"], "--mde"),
        (["plan-test", "--baseline", "0.05", "--mde", "0.1", "--daily-traffic", "1e-300"], "--daily-traffic"),
    ],
)
def test_impossible_inputs_exit_2_naming_the_flag(capsys, argv, flag):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert flag in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_required_flag_exits_2():
    with pytest.raises(SystemExit) as exc:
        main(["plan-test", "--baseline", "0.05"])
    assert exc.value.code == 2


def test_real_process_exit_code():
    # One end-to-end run through `python -m roi` (the entry point, not main()).
    proc = subprocess.run([sys.executable, "-m", "roi", "plan-test", "--baseline", "0.05", "--mde", "0"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--mde" in proc.stderr and "Traceback" not in proc.stderr


def test_every_bad_flag_is_reported_at_once(capsys):

    code = main(["plan-test", "--baseline", "1.2", "--mde", "0", "--alpha", "2", "--power", "1.5", "--json"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert [line.split(": error: ")[1].split(":")[0] for line in err] == ["--baseline", "--mde", "--alpha", "--power"]
    assert "Traceback" not in "\n".join(err)
