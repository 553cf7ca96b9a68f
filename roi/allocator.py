"""Keep freed memory in the process for reuse, so chunked analyses do not page-fault every chunk.

The Monte Carlo and the sensitivity analyses work in chunks of draws: each chunk allocates and
frees the same few arrays of a few MB, hundreds of times a run. glibc's allocator serves blocks
that large with ``mmap`` and returns them to the system on ``free`` (and trims the top of its heap
above a small threshold), so every chunk page-faults its arrays back in: measured with
``benchmarks/bench_uncertainty.py`` on the 50 × 20 × 5 case, 100,000 draws took 2.5 CPU-seconds
on one thread with glibc's defaults and 1.1 with the settings below. They keep blocks up to
:data:`MMAP_THRESHOLD_BYTES` on the heap and let up to :data:`TRIM_THRESHOLD_BYTES` of freed heap
stay in the process — within the memory budget a run may use (:mod:`roi.budget`), so a process
holds at most that much more than it needs between runs.

Only glibc has ``mallopt``; elsewhere :func:`keep_freed_memory` does nothing and says so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading

from .budget import MEMORY_BUDGET_BYTES

M_TRIM_THRESHOLD = -1  # glibc's malloc.h parameter numbers
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 64 * 2**20  # blocks up to this come from the heap (glibc's largest dynamic threshold is 32 MB)
TRIM_THRESHOLD_BYTES = MEMORY_BUDGET_BYTES  # freed heap kept for reuse before it goes back to the system

_lock = threading.Lock()
_done: bool | None = None


def keep_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds once per process; ``True`` when they are set, ``False``
    where the C library has no ``mallopt`` (not glibc). Safe to call from any thread, any number
    of times."""
    global _done
    with _lock:
        if _done is None:
            _done = _set_thresholds()
        return _done


def _set_thresholds() -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
