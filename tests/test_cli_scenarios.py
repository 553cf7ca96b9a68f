"""``python -m roi scenarios …``: the JSON contracts, exit codes 0 / 2 / 3 and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import roi
from roi.cli import main
from roi.store import DATABASE_ENV

ROOT = Path(__file__).resolve().parent.parent
RETAILER = str(roi.sample_paths()["european_retailer"])


@pytest.fixture(autouse=True)
def store_env(monkeypatch, tmp_path):
    monkeypatch.setenv(DATABASE_ENV, f"sqlite:///{tmp_path / 'cli.db'}")


def _edited(tmp_path: Path, base: float) -> str:
    data = json.loads(Path(RETAILER).read_text())
    data["initiatives"][2]["uplift"]["base"] = base
    path = tmp_path / f"edited_{base}.json"
    path.write_text(json.dumps(data))
    return str(path)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_save_history_show_diff_contract(capsys, tmp_path):
    assert _run(capsys, "scenarios", "save", RETAILER, "--name", "Vendor case", "--author", "Ada",
                "--reason", "vendor figures") == (0, "saved 'Vendor case' version 1 (0 changes)\n", "")
    code, out, _ = _run(capsys, "scenarios", "save", _edited(tmp_path, 0.015), "--name", "Vendor case",
                        "--author", "Bob", "--reason", "uplift halved", "--base-version", "1")
    assert (code, out) == (0, "saved 'Vendor case' version 2 (1 change)\n")

    code, out, _ = _run(capsys, "scenarios", "history", "Vendor case", "--json")
    history = json.loads(out)
    assert code == 0 and [set(v) >= {"version", "author", "reason", "created_at", "changes"} for v in history]
    assert [(v["version"], v["author"], v["reason"]) for v in history] == [(1, "Ada", "vendor figures"),
                                                                           (2, "Bob", "uplift halved")]
    assert history[1]["changes"] == [{"path": "initiatives[2].uplift.base", "old": 0.03, "new": 0.015}]
    assert history[1]["created_at"].endswith("Z")

    code, out, _ = _run(capsys, "scenarios", "show", "vendor CASE", "--version", "1")
    assert code == 0 and roi.loads_scenario(out) == roi.load_scenario(RETAILER)

    code, out, _ = _run(capsys, "scenarios", "diff", "Vendor case", "1", "2", "--json")
    assert json.loads(out) == [{"path": "initiatives[2].uplift.base", "old": 0.03, "new": 0.015}]
    code, out, _ = _run(capsys, "scenarios", "diff", "Vendor case", "1", "2")
    assert out == "initiatives[2].uplift.base: 0.03 → 0.015\n"

    code, out, _ = _run(capsys, "scenarios", "list", "--json")
    listed = json.loads(out)
    assert [(i["name"], i["version"], i["updated_by"]) for i in listed] == [("Vendor case", 2, "Bob")]


def test_a_stale_base_version_exits_3_naming_the_latest(capsys, tmp_path):
    main(["scenarios", "save", RETAILER, "--name", "Case", "--author", "Ada"])
    main(["scenarios", "save", _edited(tmp_path, 0.02), "--name", "Case", "--author", "Bob", "--base-version", "1"])
    capsys.readouterr()
    code, out, err = _run(capsys, "scenarios", "save", _edited(tmp_path, 0.05), "--name", "Case", "--author", "Cy",
                          "--base-version", "1")
    assert code == 3 and out == ""
    assert "is at version 2 (latest)" in err and "Bob" in err and "--base-version 2" in err
    assert len(json.loads(_run(capsys, "scenarios", "history", "Case", "--json")[1])) == 2  # nothing written


@pytest.mark.parametrize("argv, message", [
    (["scenarios", "history", "Nope"], "name: no saved scenario named 'Nope'"),
    (["scenarios", "show", "Case", "--version", "9"], "version: 'Case' has no version 9 (versions 1 to 1)"),
    (["scenarios", "save", "missing.json", "--name", "X"], "file: cannot read missing.json"),
    (["scenarios", "save", RETAILER, "--name", "New", "--base-version", "1"],
     "--base-version: no saved scenario named 'New'"),
    (["scenarios", "save", RETAILER, "--name", "", "--author", "A"], "name: must not be empty"),
    (["scenarios", "diff", "Case", "1", "5"], "version: 'Case' has no version 5"),
])
def test_bad_input_exits_2_with_one_line_naming_the_field(capsys, argv, message):
    main(["scenarios", "save", RETAILER, "--name", "Case", "--author", "Ada"])
    capsys.readouterr()
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_rename_duplicate_delete_restore(capsys):
    main(["scenarios", "save", RETAILER, "--name", "A", "--author", "Ada"])
    assert main(["scenarios", "duplicate", "A", "B", "--author", "Bob"]) == 0
    assert main(["scenarios", "rename", "B", "B2"]) == 0
    assert main(["scenarios", "delete", "A", "--author", "Cy"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("deleted 'A'")
    assert main(["scenarios", "delete", "A", "--author", "Cy"]) == 0  # again: said, not done twice
    assert capsys.readouterr().out.startswith("'A' was already deleted on ")
    assert [i["name"] for i in json.loads(_run(capsys, "scenarios", "list", "--json")[1])] == ["B2"]
    assert [i["name"] for i in json.loads(_run(capsys, "scenarios", "list", "--deleted", "--json")[1])] == ["A"]
    assert main(["scenarios", "restore", "A"]) == 0
    capsys.readouterr()
    assert sorted(i["name"] for i in json.loads(_run(capsys, "scenarios", "list", "--json")[1])) == ["A", "B2"]


def test_export_writes_the_change_log_sheet(capsys, tmp_path):
    main(["scenarios", "save", RETAILER, "--name", "Case", "--author", "Ada"])
    main(["scenarios", "save", _edited(tmp_path, 0.02), "--name", "Case", "--author", "=Bob", "--reason", "@CFO"])
    out = tmp_path / "case.xlsx"
    assert main(["scenarios", "export", "Case", "--xlsx", str(out)]) == 0
    ws = openpyxl.load_workbook(out)["Change log"]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert [r[0] for r in rows] == [1, 2]
    assert rows[1][2:] == ("=Bob", "@CFO", "initiatives[2].uplift.base", 0.03, 0.02)
    assert ws.cell(row=6, column=3).data_type == "s"  # user text is never a formula


def test_a_corrupt_stored_row_exits_2_from_a_real_process(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    env = {"PATH": "/usr/bin:/bin", DATABASE_ENV: url}
    run = lambda *a: subprocess.run([sys.executable, "-m", "roi", *a], cwd=ROOT, env=env, capture_output=True,
                                    text=True, timeout=120)
    assert run("scenarios", "save", RETAILER, "--name", "Case", "--author", "Ada").returncode == 0
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE roi_scenario_versions SET body = 'garbage'"))
    engine.dispose()
    out = run("scenarios", "show", "Case")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("'Case' version 1: the stored scenario cannot be read — not valid JSON")
