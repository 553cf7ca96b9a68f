"""The default risk run — draws, seed, distribution — used by the pages, the CLI and the exports alike."""

from __future__ import annotations

DEFAULT_DRAWS = 100_000  # the full Monte Carlo (Risk page, CLI, exports)
QUICK_DRAWS = 20_000  # the Overview's range: the first 20,000 of the same draws (same seed)
DEFAULT_SEED = 1  # the same seed, the same answer
DISTRIBUTIONS: tuple[str, ...] = ("pert", "triangular")
DEFAULT_DISTRIBUTION = "pert"
