"""Recalculate workbooks and render decks with LibreOffice headless (one ``soffice`` call for many files).

``soffice --headless --convert-to xlsx`` loads each workbook, recalculates every formula and
saves the values, which ``openpyxl.load_workbook(data_only=True)`` then reads. A private
profile (``-env:UserInstallation``) keeps the run independent of any desktop LibreOffice and
sets "recalculate on load: always" for Excel files.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:  # fail, not skip: the recalculation check is what proves the workbook is a model
        pytest.fail("LibreOffice (soffice) is not installed; `make test` installs it (scripts/system-deps.sh)")
    return exe


def convert(files: list[Path], workdir: Path, fmt: str, *, impress: bool = False) -> dict[Path, Path]:
    """``files`` converted by LibreOffice to ``fmt`` (``pdf`` for a deck or a workbook), keyed by the original."""
    exe = soffice()
    profile = workdir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS)
    out = workdir / f"converted-{fmt}"
    out.mkdir(exist_ok=True)
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--impress" if impress else "--calc", "--convert-to", fmt, "--outdir", str(out), *map(str, files)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=400)
    result = {f: out / (f.stem + "." + fmt) for f in files}
    missing = [str(f) for f, o in result.items() if not o.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {proc.stdout}\n{proc.stderr}"
    return result


def recalculate(files: list[Path], workdir: Path) -> dict[Path, Path]:
    """Recalculated copies of ``files`` (all names distinct), keyed by the original path."""
    exe = soffice()
    profile = workdir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS)
    out = workdir / "recalculated"
    out.mkdir(exist_ok=True)
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--calc",
           "--convert-to", "xlsx", "--outdir", str(out), *map(str, files)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    result = {f: out / f.name for f in files}
    missing = [str(f) for f, o in result.items() if not o.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {proc.stdout}\n{proc.stderr}"
    return result
