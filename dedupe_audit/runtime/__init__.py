"""Runtime: where and how the stages run, not what they compute.

Used by every stage; holds no knowledge of text. ``page_store`` keeps the segmented pages
between stages (in memory, beyond a size in one temporary file), ``parallel`` maps work over
processes and threads in input order, ``heap`` returns freed memory to the system, ``timing``
and ``progress`` measure and show a run, ``atomic`` and ``safefiles`` write and read files
without following a planted link or leaving half a file.
"""

from __future__ import annotations

from ..exports import lazy_exports

HOMES = {
    "PageStore": "page_store",
    "SpoolError": "page_store",
    "map_ordered": "parallel",
    "map_offloaded": "parallel",
    "resolve_jobs": "parallel",
    "long_lived_heap": "heap",
    "release_free_memory": "heap",
    "Laps": "timing",
    "Progress": "progress",
    "write_atomic": "atomic",
    "FileRefused": "safefiles",
    "read_regular": "safefiles",
    "require_regular": "safefiles",
}
__all__ = sorted(HOMES)
__getattr__, __dir__ = lazy_exports(__name__, HOMES)
