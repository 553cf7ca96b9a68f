"""A throwaway PostgreSQL schema: an empty store on a shared server, for tests and benchmarks."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import create_engine, text


def scratch_schema(server_url: str, prefix: str = "store") -> tuple[str, Callable[[], None]]:
    """Create an empty schema on ``server_url``'s database; return a URL that puts it first on the
    search path (so the store's tables and migrations land there) and a function that drops it."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in server_url else "?"
    return f"{server_url}{sep}options=-csearch_path%3D{schema}", drop
