"""``python -m roi plan-holdout|analyze-holdout``: JSON contracts and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import roi
from roi.cli import main
from roi.experiments import holdout as ho

from .factories import scenario_dict

RETAILER = str(roi.sample_paths()["european_retailer"])
ROOT = Path(__file__).resolve().parent.parent


def _json(capsys, argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def hand_case(tmp_path) -> str:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(scenario_dict()))
    return str(path)


def test_plan_holdout_contract(capsys, hand_case):
    # The hand-worked case of test_experiments_holdout: 10% held out reads out at day 56, costing
    # 10% × 25,000 × 56/365 = 383.56.
    out = _json(capsys, ["plan-holdout", hand_case, "--holdout-share", "0.1", "--json"])
    assert {"mde_relative", "days", "cost_of_holdout"} <= set(out)
    assert out["days"] == 56 and out["cost_of_holdout"] == pytest.approx(383.5616, abs=1e-3)
    assert out["mde_relative"] == pytest.approx(ho.detectable_lift(10_000, 0.1, 10, 20, 364), rel=1e-9)
    assert out["currency"] == "EUR" and out["revenue_sd"] == pytest.approx(20)


def test_plan_holdout_options(capsys, hand_case):
    out = _json(capsys, ["plan-holdout", hand_case, "--holdout-share", "0.1", "--revenue-sd", "10",
                         "--revenue-mean", "12", "--horizon-weeks", "10", "--cuped-rho", "0.5", "--json"])
    assert out["revenue_sd"] == 10 and out["revenue_mean"] == 12 and out["sd_source"] == "given"
    assert out["horizon_days"] == 70 and len(out["weeks"]) == 10
    assert out["mde_relative"] == pytest.approx(
        ho.detectable_lift(10_000, 0.1, 12, 10, 70, cuped_rho=0.5), rel=1e-9)


def test_plan_holdout_text(capsys):
    assert main(["plan-holdout", RETAILER, "--holdout-share", "0.05"]) == 0
    text = capsys.readouterr().out
    assert "global holdout of 5.0%" in text and "cost of holding out" in text


def test_analyze_holdout_contract(capsys):
    # Welch z-test by hand (test_experiments_cuped): +2 per customer, p = 0.243153
    out = _json(capsys, ["analyze-holdout", "--exposed", "95000,52,120", "--holdout", "5000,50,118", "--json"])
    assert {"lift", "ci", "p_value", "incremental_revenue_per_customer"} <= set(out)
    assert out["incremental_revenue_per_customer"] == 2 and out["lift"] == pytest.approx(0.04)
    assert out["p_value"] == pytest.approx(0.243153, abs=1e-6) and len(out["ci"]) == 2
    one = _json(capsys, ["analyze-holdout", "--exposed", "95000,52,120", "--holdout", "5000,50,118",
                         "--one-sided", "--json"])
    assert one["p_value"] == pytest.approx(0.243153 / 2, abs=1e-6)


def test_analyze_holdout_against_the_claim(capsys, hand_case):
    # claim over 182.5 days: 2.5 per customer; measured 2.0 ± 0.28 → factor 0.8, claim outside the interval
    out = _json(capsys, ["analyze-holdout", "--exposed", "10000,12,10", "--holdout", "10000,10,10",
                         "--scenario", hand_case, "--period-days", "182.5", "--json"])
    assert out["claimed_revenue_per_customer"] == pytest.approx(2.5)
    assert out["calibration_factor"] == pytest.approx(0.8) and out["claim_within_interval"] is False
    assert "refutes" in out["verdict"] and out["conclusive"] is True


def test_analyze_holdout_text(capsys):
    assert main(["analyze-holdout", "--exposed", "95000,52,120", "--holdout", "5000,50,118"]) == 0
    assert "not proven" in capsys.readouterr().out


@pytest.mark.parametrize("argv, flag", [
    (["plan-holdout", RETAILER, "--holdout-share", "0"], "--holdout-share"),
    (["plan-holdout", RETAILER, "--holdout-share", "1.5"], "--holdout-share"),
    (["plan-holdout", RETAILER, "--holdout-share", "0.05", "--revenue-sd", "0"], "--revenue-sd"),
    (["plan-holdout", RETAILER, "--holdout-share", "0.05", "--revenue-sd", "1e308"], "--revenue-sd"),
    (["plan-holdout", RETAILER, "--holdout-share", "0.05", "--revenue-mean", "-3"], "--revenue-mean"),
    (["plan-holdout", RETAILER, "--holdout-share", "0.05", "--horizon-weeks", "0"], "--horizon-weeks"),
    (["plan-holdout", RETAILER, "--holdout-share", "0.05", "--horizon-weeks", "0.5"], "--horizon-weeks"),
    (["plan-holdout", RETAILER, "--holdout-share", "0.05", "--cuped-rho", "2"], "--cuped-rho"),
    (["plan-holdout", RETAILER, "--holdout-share", "1e-9"], "--holdout-share"),
    (["analyze-holdout", "--exposed", "95000,52", "--holdout", "5000,50,118"], "--exposed"),
    (["analyze-holdout", "--exposed", "95000,52,120", "--holdout", "1,50,118"], "--holdout"),
    (["analyze-holdout", "--exposed", "1e400,52,120", "--holdout", "5000,50,118"], "--exposed"),
    (["analyze-holdout", "--exposed", "95000,nan,120", "--holdout", "5000,50,118"], "--exposed"),
    (["analyze-holdout", "--exposed", "95000,52,-1", "--holdout", "5000,50,118"], "--exposed"),
    (["analyze-holdout", "--exposed", "95000,52,120", "--holdout", "5000,50,118", "--alpha", "0"], "--alpha"),
    (["analyze-holdout", "--exposed", "95000,52,120", "--holdout", "5000,50,118", "--period-days", "30"],
     "--period-days"),
    (["analyze-holdout", "--exposed", "95000,52,120", "--holdout", "5000,50,118", "--scenario", RETAILER,
      "--period-days", "5000"], "--period-days"),
])
def test_impossible_inputs_exit_2_naming_the_flag(capsys, argv, flag):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert flag in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_bad_scenario_file_exits_2(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert main(["plan-holdout", str(bad), "--holdout-share", "0.05"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_real_process_exit_code():
    proc = subprocess.run([sys.executable, "-m", "roi", "analyze-holdout", "--exposed", "x,1,2", "--holdout",
                           "5,1,1"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--exposed" in proc.stderr and "Traceback" not in proc.stderr
