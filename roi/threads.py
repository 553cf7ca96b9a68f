"""One BLAS thread: numpy's linear algebra must not compete with the app's own threads.

OpenBLAS starts a thread per core for every matrix product. On a 2-core server whose cores are
already busy with users' sessions (or with the Monte Carlo's own worker threads), those threads
spin and wait for each other: a 52 × 100,000 covariance took 4 s instead of 25 ms. The app and
the CLI call :func:`limit_blas_threads` once at start; the Monte Carlo also holds the limit while
it runs (:func:`single_blas_thread`), so library callers get the same behaviour.
"""

from __future__ import annotations

from contextlib import AbstractContextManager


def single_blas_thread() -> AbstractContextManager:
    """A context in which BLAS (OpenBLAS, MKL …) uses one thread."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def limit_blas_threads() -> None:
    """Limit BLAS to one thread for the rest of the process (the app's and the CLI's start-up)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
