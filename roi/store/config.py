"""Where the scenario store lives: ``ROI_DATABASE_URL``, or SQLite in the local ``.roi/`` folder."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DATABASE_ENV = "ROI_DATABASE_URL"
# The repository root's ``.roi/`` folder (git-ignored), beside ``data/``: created on first use,
# so ``make run`` needs nothing installed or configured.
DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / ".roi"
DEFAULT_FILE = "scenarios.db"


def default_url() -> str:
    """SQLite file ``.roi/scenarios.db`` at the repository root."""
    return f"sqlite:///{DEFAULT_DIR / DEFAULT_FILE}"


def database_url(url: str | None = None) -> URL:
    """The store's SQLAlchemy URL: ``url``, else ``$ROI_DATABASE_URL``, else :func:`default_url`.

    ``postgresql://`` and ``postgres://`` URLs are given the psycopg 3 driver (the one installed);
    a URL naming a driver keeps it. Raises ``ValueError("database: …")`` for a malformed URL.

    >>> database_url("postgres://roi@db:5432/roi").render_as_string()
    'postgresql+psycopg://roi@db:5432/roi'
    >>> database_url("sqlite:///x.db").drivername
    'sqlite'
    """
    text = (url or os.environ.get(DATABASE_ENV) or "").strip() or default_url()
    if text.startswith("postgres://"):  # the scheme many hosting providers hand out
        text = "postgresql://" + text[len("postgres://"):]
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError):
        # never echo the URL: it may hold a password
        raise ValueError(f"database: {DATABASE_ENV} is not a database URL (e.g. postgresql://user@host/db)") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def safe_url(url: URL) -> str:
    """The URL with any password masked, for messages and logs."""
    return url.render_as_string(hide_password=True)
