"""The memory budget of one request: what a single analysis may hold at once, in bytes.

Every analysis a page, an export or a CLI command runs keeps its working set under
:data:`MEMORY_BUDGET_BYTES`, whatever the case size the schema admits (at most 100 initiatives
on 100 segments over ten years): the engine's variant lists go through it a chunk at a time
(:mod:`roi.engine.chunks`), and the Monte Carlo, whose draws must all be kept, refuses more
draws than fit (:func:`roi.uncertainty.montecarlo.max_draws`) with a message saying how many
do. ``tests/test_hostile_input.py`` measures each analysis at the largest case with tracemalloc.
"""

from __future__ import annotations

MEMORY_BUDGET_BYTES = 512 * 2**20  # 512 MiB: several users' requests fit a 2–4 GB app server


def mib(n_bytes: float) -> str:
    """``n_bytes`` as whole MiB for messages: ``mib(3 * 2**20)`` → ``'3 MB'``."""
    return f"{n_bytes / 2**20:,.0f} MB"
