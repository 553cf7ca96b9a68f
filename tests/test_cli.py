"""``python -m roi validate|summary``: exit codes, messages and the JSON contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import roi
from roi.cli import main

from .factories import initiative, scenario_dict

RETAILER = str(roi.sample_paths()["european_retailer"])
SUMMARY_KEYS = {"scenario", "currency", "horizon_years", "discount_rate", "cash_flows", "npv", "irr", "roi",
                "payback_months", "incremental_revenue", "variable_campaign_cost", "revenue_per_campaign_dollar",
                "initiatives"}
INITIATIVE_KEYS = {"name", "outcome", "lever", "incremental_revenue", "incremental_gross_profit", "total_cost",
                   "variable_campaign_cost", "npv", "roi", "revenue_per_campaign_dollar", "effort_fte_months",
                   "payback_months"}


def test_validate_ok(capsys):
    assert main(["validate", RETAILER]) == 0
    assert capsys.readouterr().out.startswith("OK:")


def test_summary_json_contract(capsys):
    assert main(["summary", RETAILER, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert SUMMARY_KEYS <= set(out)
    assert INITIATIVE_KEYS <= set(out["initiatives"][0])
    case = roi.evaluate(roi.load_scenario(RETAILER))
    assert out["npv"] == pytest.approx(case.npv)
    assert out["cash_flows"] == pytest.approx(list(case.cash_flows))


def test_summary_nulls_for_undefined(tmp_path, capsys):
    free = initiative(one_time_cost=0, annual_running_cost=0, variable_campaign_cost=0)
    path = tmp_path / "free.json"
    path.write_text(json.dumps(scenario_dict([free])))
    assert main(["summary", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["irr"] is None and out["roi"] is None and out["revenue_per_campaign_dollar"] is None


def test_summary_text(capsys):
    assert main(["summary", RETAILER]) == 0
    assert "NPV" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content, expected",
    [
        ("{broken", "file: not valid JSON"),
        (json.dumps({"settings": {"name": "x"}}), "segments: is required"),
    ],
)
def test_invalid_input_exits_2_with_field_lines(tmp_path, capsys, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err


def test_out_of_range_value_one_line_per_problem(tmp_path, capsys):
    inis = [initiative(name=f"I{k}") for k in range(3)]
    inis[2]["uplift"] = {"low": 0.1, "base": 0.2, "high": 11}
    data = scenario_dict(inis)
    data["segments"][0]["gross_margin"] = 2
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert main(["summary", str(path), "--json"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert sorted(lines) == ["initiatives[2].uplift.high: must be between -1 and 10",
                             "segments[0].gross_margin: must be between 0 and 1"]


def test_missing_file_exits_2(capsys):
    assert main(["validate", "/nonexistent/file.json"]) == 2
    assert "file: cannot read" in capsys.readouterr().err


def test_module_entry_point_runs_as_a_process():
    # The real ``python -m roi`` command line, as users' scripts call it.
    proc = subprocess.run([sys.executable, "-m", "roi", "summary", RETAILER, "--json"],
                          capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["currency"] == "EUR"
    proc = subprocess.run([sys.executable, "-m", "roi", "validate"], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent)
    assert proc.returncode == 2


@pytest.mark.parametrize("flag, value, message", [
    # each flag names its own range, whatever the value (--capacity -1 once named the budgets' 0 … 1e13)
    ("--capacity", "-1", "must be between 0.5 and 1,000 FTEs per quarter (got -1)"),
    ("--capacity", "0", "must be between 0.5 and 1,000 FTEs per quarter (got 0)"),
    ("--capacity", "nan", "must be a finite number (got 'nan')"),
    ("--budget", "-5", "must be between 0 and 10,000,000,000,000 (got -5)"),
    ("--budget-year1", "abc", "must be a number (got 'abc')"),
])
def test_plan_flags_name_their_range(flag, value, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["plan", RETAILER, flag, value])
    assert exit_.value.code == 2
    assert f"argument {flag}: {message}" in capsys.readouterr().err
