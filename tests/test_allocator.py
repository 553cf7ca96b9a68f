"""The allocator settings that keep chunked analyses from page-faulting every chunk (roi.allocator)."""

from __future__ import annotations

import ctypes.util
import platform

import pytest

from roi import allocator


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="mallopt is glibc's")
def test_glibc_takes_the_thresholds_once_and_calls_after_that_are_free():
    assert ctypes.util.find_library("c")
    assert allocator.keep_freed_memory() is True
    assert allocator.keep_freed_memory() is True  # idempotent: the first answer is kept


def test_without_mallopt_it_says_so_instead_of_failing(monkeypatch):
    monkeypatch.setattr(allocator, "_done", None)
    monkeypatch.setattr(allocator.ctypes, "CDLL", lambda *_a, **_k: (_ for _ in ()).throw(OSError("no libc")))
    assert allocator.keep_freed_memory() is False
    monkeypatch.setattr(allocator, "_done", None)  # the next caller sets them for real again
