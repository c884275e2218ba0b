"""A process pool for the CPU-bound stages, used only when the input is large enough to pay.

Measured on 2 cores: segmentation does not pay (pickling the segmented pages back costs
more than segmenting them), so it stays serial; since tokens are scanned in numpy neither
does fingerprinting (300k paragraphs: 5.0 s in one process, 6.3 s with two workers), so
``detect`` starts this pool by itself only from 3 cores (``AUTO_POOL_MIN_CORES``) or when
``--jobs`` asks. Batches keep memory bounded by the batches in flight, not by the corpus.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")



def resolve_jobs(jobs: int) -> int:
    """Worker processes for ``Config.jobs``: 0 means one per core this process may use."""
    if jobs > 0:
        return jobs
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not Linux
        return max(os.cpu_count() or 1, 1)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def map_ordered(func: Callable[[T], R], items: Iterable[T], jobs: int) -> Iterator[R]:
    """``map(func, items)`` over ``jobs`` processes, results in order, few items in flight."""
    if jobs <= 1:
        yield from map(func, items)
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_context()) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(func, item))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
