"""Shared fixtures: a real PostgreSQL server on loopback for the tests that need one."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_SCRIPT = ROOT / "scripts" / "postgres.sh"


# Pages wait for every Monte Carlo run, so a test sees the full run's figures whatever the
# machine's load (the page's own "first draws, then all" path is tested with a wait of 0).
os.environ.setdefault("ROI_RISK_WAIT_SECONDS", "600")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of an empty-enough PostgreSQL database, ``roi_test``.

    ``ROI_TEST_DATABASE_URL`` names an existing server; otherwise ``scripts/postgres.sh`` starts
    a private one on 127.0.0.1 (installing Debian's postgresql if missing) and stops it after
    the session. When no server can be started the tests that need one fail with the reason: the
    store and the warehouse must be checked against real PostgreSQL, never silently skipped.
    """
    given = os.environ.get("ROI_TEST_DATABASE_URL")
    if given:
        yield given
        return
    try:
        out = subprocess.run(["bash", str(PG_SCRIPT), "start"], capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"PostgreSQL could not be started: {exc}")
    if out.returncode != 0:
        pytest.fail(f"PostgreSQL could not be started: {out.stderr.strip()[-500:]}")
    url = out.stdout.strip().splitlines()[-1]
    try:
        yield url
    finally:
        subprocess.run(["bash", str(PG_SCRIPT), "stop"], capture_output=True, timeout=120)


@pytest.fixture(scope="session", autouse=True)
def _scenario_store_outside_the_repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test (and every app server a test starts) uses a throwaway SQLite scenario store, never
    the repository's ``.roi/`` folder nor a database named in the developer's environment."""
    from roi.store import DATABASE_ENV

    before = os.environ.get(DATABASE_ENV)
    os.environ[DATABASE_ENV] = f"sqlite:///{tmp_path_factory.mktemp('store') / 'scenarios.db'}"
    yield
    if before is None:
        os.environ.pop(DATABASE_ENV, None)
    else:
        os.environ[DATABASE_ENV] = before


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty scenario store, once on SQLite and once on a real PostgreSQL server (its own
    schema, dropped afterwards). The PostgreSQL run is skipped, with the reason, only when no
    server can be started."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scenarios.db'}"
        return
    from roi.store.scratch import scratch_schema

    url, drop = scratch_schema(request.getfixturevalue("postgres_url"))
    try:
        yield url
    finally:
        drop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int,
                            config: pytest.Config) -> None:
    """The bad-input corpus's case counts (tests/test_corpus.py), when it ran."""
    from tests.corpus import COUNTS_KEY

    counted = config.stash.get(COUNTS_KEY, None)
    if counted:
        terminalreporter.section("bad-input corpus")
        for what, n in sorted(counted.items()):
            terminalreporter.write_line(f"{what:<22} {n:>6,} cases")
        terminalreporter.write_line(f"{'in-process total':<22} "
                                    f"{sum(n for w, n in counted.items() if w.startswith('in-process')):>6,} cases")
