"""``python -m roi export|import``: outputs, exit codes and one-line reasons on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl

import roi
from roi.cli import main

RETAILER = str(roi.sample_paths()["european_retailer"])


def test_export_xlsx_then_import_json(tmp_path, capsys):
    out = tmp_path / "case.xlsx"
    assert main(["export", RETAILER, "--xlsx", str(out)]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Summary"
    capsys.readouterr()
    assert main(["import", str(out), "--json"]) == 0
    restored = roi.parse_scenario(json.loads(capsys.readouterr().out))
    assert restored == roi.load_scenario(RETAILER)


def test_export_both_at_once(tmp_path):
    x, p = tmp_path / "a.xlsx", tmp_path / "a.pptx"
    assert main(["export", RETAILER, "--xlsx", str(x), "--pptx", str(p)]) == 0
    assert x.read_bytes()[:2] == b"PK" and p.read_bytes()[:2] == b"PK"


def test_export_needs_an_output(capsys):
    assert main(["export", RETAILER]) == 2
    assert capsys.readouterr().err.strip() == "export: give at least one of --xlsx OUT.xlsx, --pptx OUT.pptx, --pdf OUT.pdf"


def test_export_wrong_suffix(tmp_path, capsys):
    assert main(["export", RETAILER, "--xlsx", str(tmp_path / "a.csv")]) == 2
    assert "must end in .xlsx" in capsys.readouterr().err


def test_export_invalid_scenario(tmp_path, capsys):
    bad = json.loads(Path(RETAILER).read_text())
    bad["segments"][0]["consent_share"] = 2
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(bad))
    assert main(["export", str(f), "--xlsx", str(tmp_path / "x.xlsx")]) == 2
    assert capsys.readouterr().err.strip() == "segments[0].consent_share: must be between 0 and 1"
    assert not (tmp_path / "x.xlsx").exists()


def test_export_unwritable_output(tmp_path, capsys):
    assert main(["export", RETAILER, "--xlsx", str(tmp_path / "missing" / "x.xlsx")]) == 2
    assert capsys.readouterr().err.startswith("output: cannot write")


def test_migrate_to_an_unwritable_output_is_a_problem_not_a_traceback(tmp_path, capsys):
    """``migrate -o`` into a missing folder or onto a folder raised FileNotFoundError /
    IsADirectoryError (exit 1); it now says so and exits 2, as ``export`` does."""
    (tmp_path / "folder.json").mkdir()
    for out, why in ((tmp_path / "missing" / "x.json", "No such file or directory"),
                     (tmp_path / "folder.json", "Is a directory")):
        assert main(["migrate", RETAILER, "-o", str(out)]) == 2
        assert capsys.readouterr().err.strip() == f"output: cannot write {out} ({why})"


def test_import_refuses_json_and_foreign_workbooks(tmp_path, capsys):
    assert main(["import", RETAILER, "--json"]) == 2
    assert capsys.readouterr().err.strip() == "file: not an Excel .xlsx workbook (BadZipFile)"
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "other.xlsx")
    assert main(["import", str(tmp_path / "other.xlsx"), "--json"]) == 2
    assert capsys.readouterr().err.startswith("workbook: not exported by this tool")
    assert main(["import", str(tmp_path / "nope.xlsx")]) == 2
    assert capsys.readouterr().err.startswith("file: cannot read")


def test_real_process_exit_code(tmp_path):
    """As a subprocess: exit status 2 and no traceback."""
    proc = subprocess.run([sys.executable, "-m", "roi", "import", RETAILER, "--json"], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stdout == ""
