"""The one error the baselines raise for bad input: a list of problems, one line each."""

from __future__ import annotations

from ..bounded import InputError


class BaselineError(InputError):
    """Input the baselines cannot use (a missing file, a wrong type, an unknown column, no usable
    rows). ``problems`` holds one line each, naming the flag, field or column; the CLI prints
    them and exits 2, the page shows them and keeps the scenario as it was."""
