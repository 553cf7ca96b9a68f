"""One BLAS thread: numpy's linear algebra must not compete with the app's own threads.

OpenBLAS starts a thread per core for every matrix product. On a 2-core server whose cores are
already busy with users' sessions (or with the Monte Carlo's own worker threads), those threads
spin and wait for each other: a 52 × 100,000 covariance took 4 s instead of 25 ms. The app and
the CLI call :func:`limit_blas_threads` once at start; the Monte Carlo also holds the limit while
it runs (:func:`single_blas_thread`), so library callers get the same behaviour.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from threadpoolctl import ThreadpoolController

_found: tuple[int, ThreadpoolController] | None = None  # (len(sys.modules) when found, controller)


def _blas() -> ThreadpoolController:
    """The thread-pool libraries loaded in the process, found again only after a new import.

    Finding them walks every loaded shared library: about 5 ms of CPU in the app's server, paid on
    every rerun and every simulation before this was kept (a tenth of a small page's rerun). A new
    BLAS library is only ever loaded by importing an extension module, so the number of imported
    modules says when to look again. Two threads racing here both build a correct controller.
    """
    global _found
    from threadpoolctl import ThreadpoolController

    imported = len(sys.modules)
    if _found is None or _found[0] != imported:
        _found = (imported, ThreadpoolController())
    return _found[1]


def single_blas_thread() -> AbstractContextManager:
    """A context in which BLAS (OpenBLAS, MKL …) uses one thread."""
    return _blas().limit(limits=1, user_api="blas")


def limit_blas_threads() -> None:
    """Limit BLAS to one thread for the rest of the process (the app's and the CLI's start-up)."""
    _blas().limit(limits=1, user_api="blas")
