import gc
import os
import platform
import subprocess
import sys
import weakref

import pytest

from dedupe_audit.runtime import heap
from dedupe_audit.runtime.heap import frozen, long_lived_heap, release_free_memory


class _Node:
    pass


def test_survivors_of_a_full_collection_are_frozen_and_cycles_still_collected():
    assert gc.get_freeze_count() == 0
    with long_lived_heap():
        kept = [_Node() for _ in range(1_000)]
        gc.collect()
        assert gc.get_freeze_count() >= len(kept)  # walked once, not again
        cycle = _Node()
        cycle.self = cycle
        dead = weakref.ref(cycle)
        del cycle
        gc.collect()
        assert dead() is None
        with long_lived_heap():  # nested: the outer block stays in charge
            pass
        assert len([c for c in gc.callbacks if c.__module__ == "dedupe_audit.runtime.heap"]) == 1
    assert gc.get_freeze_count() == 0
    assert not [c for c in gc.callbacks if c.__module__ == "dedupe_audit.runtime.heap"]


def test_an_audit_gives_the_collector_back_as_it_was(tmp_path):
    from dedupe_audit.config import Config
    from dedupe_audit.pipeline import run_audit

    (tmp_path / "a.txt").write_text("One paragraph of a page that is long enough to count here.\n",
                                    encoding="utf-8")
    callbacks = list(gc.callbacks)
    result = run_audit([str(tmp_path)], Config())
    assert len(result.documents) == 1
    assert gc.callbacks == callbacks and gc.get_freeze_count() == 0


def test_freezing_for_workers_keeps_a_long_lived_heap_frozen():
    with frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    with long_lived_heap():
        with frozen():
            pass
        assert gc.get_freeze_count() > 0  # not rescanned after the workers are done
    assert gc.get_freeze_count() == 0


# In a fresh process: after a freed 16 MB array glibc takes 1 MB arrays from its heap; freeing
# every other one leaves 100 MB of holes between live arrays, held by the process until trimmed.
_HELD_AFTER_FREE = """
import os, numpy as np
from dedupe_audit.runtime.heap import release_free_memory
def rss(): return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20
big = np.ones(16 << 20, dtype=np.uint8); del big
chunks = [np.ones(1 << 20, dtype=np.uint8) for _ in range(200)]
del chunks[::2]
freed = rss()
release_free_memory()
print(freed, rss())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's")
def test_freed_heap_pages_go_back_to_the_system():
    # glibc's MALLOC_* settings fix its thresholds (Dask's workers set MALLOC_TRIM_THRESHOLD_ in
    # os.environ, so it is there after the Dask tests): the default allocator is tested here
    env = {key: value for key, value in os.environ.items() if not key.startswith("MALLOC_")}
    out = subprocess.run([sys.executable, "-c", _HELD_AFTER_FREE], capture_output=True, text=True,
                         check=True, env=env)
    freed, trimmed = map(int, out.stdout.split())
    assert freed - trimmed >= 80  # MB of the 100 freed


def test_release_is_a_no_op_without_glibc(monkeypatch):
    heap.malloc_trim.cache_clear()
    monkeypatch.setattr(sys, "platform", "darwin")
    try:
        assert heap.malloc_trim() is None
        release_free_memory()
    finally:
        heap.malloc_trim.cache_clear()
