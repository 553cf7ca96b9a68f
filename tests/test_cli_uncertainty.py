"""``python -m roi simulate|sensitivity|breakeven|delay``: JSON contracts and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import roi
from roi.cli import main
from roi.uncertainty import breakeven, delay_curve, simulate, tornado

SAMPLE = str(roi.sample_paths()["european_retailer"])
SIM_KEYS = {"draws", "seed", "npv_p10", "npv_p50", "npv_p90", "prob_npv_negative"}
ROW_KEYS = {"driver", "npv_low", "npv_high", "swing"}


def _json(capsys, argv: list[str]):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_simulate_json_contract_and_same_numbers_as_the_library(capsys):
    out = _json(capsys, ["simulate", SAMPLE, "--draws", "4000", "--seed", "5", "--json"])
    assert SIM_KEYS <= set(out)
    assert out["draws"] == 4000 and out["seed"] == 5
    sim = simulate(roi.load_scenario(SAMPLE), draws=4000, seed=5)
    assert out["npv_p10"] == pytest.approx(sim.quantile(0.1))
    assert out["npv_p50"] == pytest.approx(sim.quantile(0.5))
    assert out["npv_p90"] == pytest.approx(sim.quantile(0.9))
    assert out["prob_npv_negative"] == pytest.approx(sim.prob_npv_negative)
    assert out["npv_p10"] <= out["npv_p50"] <= out["npv_p90"]
    again = _json(capsys, ["simulate", SAMPLE, "--draws", "4000", "--seed", "5", "--json"])
    assert again == out


def test_simulate_defaults_and_distribution(capsys):
    out = _json(capsys, ["simulate", SAMPLE, "--json"])
    assert out["draws"] == 100_000 and out["seed"] == 1 and out["distribution"] == "pert"
    tri = _json(capsys, ["simulate", SAMPLE, "--draws", "2000", "--distribution", "triangular", "--json"])
    assert tri["distribution"] == "triangular"
    only = _json(capsys, ["simulate", SAMPLE, "--draws", "2000", "--stated-ranges-only", "--json"])
    assert all(c["driver"].startswith("uplift:") for c in only["variance_contributions"])


def test_sensitivity_json_rows(capsys):
    rows = _json(capsys, ["sensitivity", SAMPLE, "--json"])
    assert isinstance(rows, list) and rows
    assert all(ROW_KEYS <= set(r) for r in rows)
    swings = [r["swing"] for r in rows]
    assert swings == sorted(swings, reverse=True) and min(swings) >= 0
    expected = tornado(roi.load_scenario(SAMPLE)).rows
    assert [r["driver"] for r in rows] == [r.driver for r in expected]
    assert rows[0]["npv_low"] == pytest.approx(expected[0].npv_low)


def test_breakeven_and_delay_json(capsys):
    rows = _json(capsys, ["breakeven", SAMPLE, "--json"])
    sc = roi.load_scenario(SAMPLE)
    assert [r["name"] for r in rows] == [r.name for r in breakeven(sc)]
    out = _json(capsys, ["delay", SAMPLE, "--months", "6", "--json"])
    assert out["programme_cost_per_month"] == pytest.approx(delay_curve(sc).programme_cost_per_month)
    assert len(out["programme_npv"]) == 7


def test_text_output(capsys):
    for cmd in (["simulate", SAMPLE, "--draws", "1000"], ["sensitivity", SAMPLE], ["breakeven", SAMPLE], ["delay", SAMPLE]):
        assert main(cmd) == 0
        assert capsys.readouterr().out.strip()


def test_bad_input_exits_2_with_one_line_per_problem(tmp_path: Path, capsys):
    assert main(["simulate", str(tmp_path / "missing.json"), "--json"]) == 2
    assert "file: cannot read" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    data = json.loads(Path(SAMPLE).read_text())
    data["initiatives"][0]["uplift"]["low"] = 0.5
    bad.write_text(json.dumps(data))
    assert main(["sensitivity", str(bad), "--json"]) == 2
    assert "initiatives[0].uplift" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["simulate", SAMPLE, "--draws", "0"])
    assert exc.value.code == 2


def test_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "roi", "simulate", SAMPLE, "--draws", "1000", "--json"],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent, check=False)
    assert proc.returncode == 0, proc.stderr
    assert SIM_KEYS <= set(json.loads(proc.stdout))
