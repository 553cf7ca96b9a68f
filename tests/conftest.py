"""Shared fixtures: a real PostgreSQL server on loopback for the tests that need one."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_SCRIPT = ROOT / "scripts" / "postgres.sh"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of an empty-enough PostgreSQL database, ``roi_test``.

    ``ROI_TEST_DATABASE_URL`` names an existing server; otherwise ``scripts/postgres.sh`` starts
    a private one on 127.0.0.1 (installing Debian's postgresql if missing) and stops it after
    the session. The tests are skipped, with the reason, only when no server can be started.
    """
    given = os.environ.get("ROI_TEST_DATABASE_URL")
    if given:
        yield given
        return
    try:
        out = subprocess.run(["bash", str(PG_SCRIPT), "start"], capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"PostgreSQL could not be started: {exc}")
    if out.returncode != 0:
        pytest.skip(f"PostgreSQL could not be started: {out.stderr.strip()[-500:]}")
    url = out.stdout.strip().splitlines()[-1]
    try:
        yield url
    finally:
        subprocess.run(["bash", str(PG_SCRIPT), "stop"], capture_output=True, timeout=120)
