"""``python -m roi baselines``: the JSON contract, the text report and exit 2 for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from roi.cli import main

from .baseline_data import orders_csv, visits_csv

ROOT = Path(__file__).resolve().parent.parent
COLS = ["--customer-id", "customer_id", "--order-id", "order_id", "--order-date", "order_date",
        "--order-value", "order_value"]
SEGMENT_KEYS = {"name", "customers", "orders_per_customer", "average_order_value", "revenue", "retention_rate"}


def test_json_contract_on_the_hand_dataset(tmp_path, capsys):
    args = ["baselines", str(orders_csv(tmp_path)), *COLS, "--segment", "tier", "--period-end", "2025-12-31",
            "--visits", str(visits_csv(tmp_path)), "--visits-count", "visits", "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"segments", "rows_read", "rows_excluded", "period"} <= set(out)
    assert out["rows_read"] == 15 and out["rows_excluded"]["total"] == 5
    assert {r["reason"]: r["rows"] for r in out["rows_excluded"]["reasons"]} == {
        "missing_customer_id": 1, "unparsable_date": 1, "unparsable_value": 1, "non_positive_value": 1,
        "duplicate_order_id": 1}
    assert out["period"] == {"start": "2025-01-01", "end": "2025-12-31", "previous_start": "2024-01-01",
                             "previous_end": "2024-12-31"}
    gold = next(s for s in out["segments"] if s["name"] == "Gold")
    assert SEGMENT_KEYS | {"conversion_rate"} <= set(gold)
    # hand values (tests/baseline_data.py): 2 buyers, 4 orders, 200 revenue, 1 of 2 retained, 4 ÷ 100 visits
    assert (gold["customers"], gold["orders_per_customer"], gold["average_order_value"], gold["revenue"],
            gold["retention_rate"], gold["conversion_rate"]) == (2, 2.0, 50.0, 200.0, 0.5, 0.04)


def test_conversion_rate_only_with_visits(tmp_path, capsys):
    assert main(["baselines", str(orders_csv(tmp_path)), *COLS, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert all("conversion_rate" not in s for s in out["segments"])
    assert SEGMENT_KEYS <= set(out["segments"][0]) and out["segmentation"] == "rfm"


def test_text_report(tmp_path, capsys):
    assert main(["baselines", str(orders_csv(tmp_path)), *COLS, "--one-segment"]) == 0
    out = capsys.readouterr().out
    assert "period 2025-01-01 – 2025-12-31" in out and "All customers" in out and "5 excluded" in out


@pytest.mark.parametrize("extra, expected", [
    (["--period-end", "31/12/2025"], "--period-end: '31/12/2025' is not a date YYYY-MM-DD"),
    (["--table", "orders"], "--table: only with --database-url"),
    (["--database-url", "postgresql+psycopg://x@127.0.0.1:1/db"], "ORDERS: give either an orders file or "
                                                                  "--database-url with --table, not both"),
    (["--one-segment", "--segment", "tier"], "--one-segment: cannot be combined with --segment"),
    (["--customers-segment", "tier"], "--customers: the --customers-* columns need a customers file"),
])
def test_bad_flags_exit_2_with_one_line_each(tmp_path, capsys, extra, expected):
    assert main(["baselines", str(orders_csv(tmp_path)), *COLS, *extra]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_missing_orders_and_unknown_column_exit_2(tmp_path, capsys):
    assert main(["baselines", *COLS]) == 2
    assert "ORDERS: an orders file is required (or --database-url with --table)" in capsys.readouterr().err
    bad = [c if c != "order_date" else "date" for c in COLS]
    assert main(["baselines", str(orders_csv(tmp_path)), *bad]) == 2
    assert capsys.readouterr().err.startswith("--order-date: no column 'date' in orders.csv")


def test_subprocess_on_the_sample_exits_0_and_bad_file_exits_2(tmp_path):
    run = [sys.executable, "-m", "roi", "baselines", "data/sample_orders.csv.gz", *COLS, "--segment",
           "customer_type", "--json"]
    done = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["rows_read"] == 100_000 and out["rows_excluded"]["total"] == 834
    bad = tmp_path / "orders.csv"
    bad.write_bytes(b"")
    done = subprocess.run(run[:4] + [str(bad)] + run[5:], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.strip() == "orders: orders.csv is empty"
