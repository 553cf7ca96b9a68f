"""pytest collects doctests from ``roi/``: Alembic's ``env.py`` and revision scripts run only
inside Alembic, so they are not imported as modules."""

collect_ignore = ["migrations"]
