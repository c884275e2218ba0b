"""Keeps Python's cyclic garbage collector from rescanning a corpus held in memory, and
hands memory freed between stages back to the system.

An audit builds tens of millions of long-lived objects (pages, paragraphs, fingerprints,
findings). CPython runs a full collection each time the heap has grown by a quarter, and
each one walks every object: at a million paragraphs that was ~20 s of a 109 s run. While
``long_lived_heap`` is active, whatever survives a full collection is frozen
(``gc.freeze``), so the next full collection walks only what is newer. Cyclic garbage is
still collected as before (it is found before its survivors are frozen); objects frozen
and later dropped are freed by reference counting as usual. On exit everything is
unfrozen, so callers of ``run_audit`` get their collector back as it was.

What the process holds when the block starts (the imported modules, ~45,000 objects in the
CLI) is frozen at once: the first full collection of a small run came while its knowledge
was being loaded and walked all of it (~0.02 s of a ~0.8 s samples run, for nothing found).
Cyclic garbage made before the block is then collected after it, not during it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any


def _freeze_survivors(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


@contextmanager
def long_lived_heap() -> Iterator[None]:
    """Within this block, survivors of each full collection are not walked again."""
    if _freeze_survivors in gc.callbacks:  # already active (a nested run)
        yield
        return
    gc.callbacks.append(_freeze_survivors)
    gc.freeze()  # what lives before the run (modules, settings) is long-lived too
    try:
        yield
    finally:
        gc.callbacks.remove(_freeze_survivors)
        gc.unfreeze()


@contextmanager
def frozen() -> Iterator[None]:
    """Everything now in memory frozen for the block: forked workers inherit the parent's
    objects, and their collector must not touch them, or each page of them is copied into
    every worker. Unfrozen after, unless ``long_lived_heap`` keeps it so."""
    gc.freeze()
    try:
        yield
    finally:
        if _freeze_survivors not in gc.callbacks:
            gc.unfreeze()


@cache
def malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None on other C libraries and systems (looked up once a
    process). Public so a caller (or a test, after ``cache_clear``) can tell whether
    ``release_free_memory`` does anything here."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release_free_memory() -> None:
    """Return the heap's free pages to the system after a stage has dropped its arrays.

    Why: once numpy frees a large array, glibc raises its mmap threshold (up to 32 MB), so
    later arrays below it come from the heap, and what they leave free there stays with the
    process. At a million paragraphs that was ~1 GB held after detection (2.27 GB resident
    instead of 1.2 GB) and ~0.4 GB more at the peak; a trim takes 10-40 ms. No-op where glibc
    is absent. Nothing a run computes depends on it.
    """
    trim = malloc_trim()
    if trim is not None:
        trim(0)
