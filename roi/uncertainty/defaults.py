"""The default risk run — draws, seed, distribution — and its limits, used by the pages, the CLI and the exports alike."""

from __future__ import annotations

DEFAULT_DRAWS = 100_000  # the full Monte Carlo (Risk page, CLI, exports)
QUICK_DRAWS = 20_000  # the Overview's range: the first 20,000 of the same draws (same seed)
MAX_DRAWS = 1_000_000  # as the Risk page; a large case is held to fewer by the memory budget (roi.budget)
DEFAULT_SEED = 1  # the same seed, the same answer
MAX_SEED = 2**31 - 1  # as the Risk page's seed box
MAX_DELAY_MONTHS = 120  # the longest start delay a delay curve shows: ten years, the longest horizon
DISTRIBUTIONS: tuple[str, ...] = ("pert", "triangular")
DEFAULT_DISTRIBUTION = "pert"
