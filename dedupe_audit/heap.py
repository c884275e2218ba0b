"""Keeps Python's cyclic garbage collector from rescanning a corpus held in memory.

An audit builds tens of millions of long-lived objects (pages, paragraphs, fingerprints,
findings). CPython runs a full collection each time the heap has grown by a quarter, and
each one walks every object: at a million paragraphs that was ~20 s of a 109 s run. While
``long_lived_heap`` is active, whatever survives a full collection is frozen
(``gc.freeze``), so the next full collection walks only what is newer. Cyclic garbage is
still collected as before (it is found before its survivors are frozen); objects frozen
and later dropped are freed by reference counting as usual. On exit everything is
unfrozen, so callers of ``run_audit`` get their collector back as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
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
