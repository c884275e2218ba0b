"""Process pools for the CPU-bound stages, used only where measured to pay.

Measured on 2 cores: extracting HTML pages pays (a page costs ~20 ms of parsing and a
few kB to send back), so ingest sends HTML to a pool (``map_offloaded``); fingerprinting
pays once workers send back arrays, not an object per text, and with the compiled kernels
(which release the GIL) it runs in threads instead, sending nothing (see ``detect``). Segmentation
does not: rebuilding the segmented pages in the parent (a frozen dataclass per paragraph,
~4 us each) costs about as much as segmenting them, so it stays in the parent. Few items
are in flight at once, so memory is bounded by them, not by the corpus.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from .heap import frozen

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


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes forked where the platform can (they start fast and share the
    parent's loaded data), spawned elsewhere."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method))


def map_ordered(
    func: Callable[[T], R], items: Iterable[T], jobs: int, *, threads: bool = False
) -> Iterator[R]:
    """``map(func, items)`` over ``jobs`` processes, results in order, few items in flight.
    With ``threads``, over threads of this process instead: for work that releases the GIL
    (compiled kernels), nothing is pickled and the items need not be copied."""
    if jobs <= 1:
        yield from map(func, items)
        return
    with contextlib.ExitStack() as stack:
        if threads:
            pool: Executor = stack.enter_context(ThreadPoolExecutor(max_workers=jobs))
        else:
            stack.enter_context(frozen())  # forked workers must not copy the parent's objects
            pool = stack.enter_context(_pool(jobs))
        pending: deque[Future[R]] = deque()
        # Threads need one item waiting, processes one more each (an item crosses a pipe).
        # Each item in flight holds a batch's arrays: 2 per thread peaked ~0.1 GB higher at 1M.
        in_flight = jobs + 1 if threads else 2 * jobs
        for item in items:
            pending.append(pool.submit(func, item))
            if len(pending) >= in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def map_offloaded(
    func: Callable[[T], R],
    items: Iterable[T],
    jobs: int,
    *,
    offload: Callable[[T], bool],
    on_crash: Callable[[T], R],
    inline_first: int = 0,
) -> Iterator[R]:
    """``map(func, items)`` in order; the items ``offload`` picks run in a pool of ``jobs``
    processes, the others here.

    Why mixed: only some items are costly (an HTML page to extract, not a text file to
    decode), and sending a cheap item to a worker costs more than doing it. The pool starts
    at the costly item after the first ``inline_first``, so a run with a few pays no fork.
    A worker that dies (a crash in a C parser, the out-of-memory killer) takes none of the
    run with it: each item it may have held is retried alone in a fresh worker, and an
    item that kills that one too becomes ``on_crash(item)``.
    """
    if jobs <= 1:
        yield from map(func, items)
        return
    pending: deque[tuple[T, Future[R] | None, R | None]] = deque()
    pool: ProcessPoolExecutor | None = None
    costly = 0
    limit = 2 * jobs

    def head() -> R:
        nonlocal pool
        item, future, result = pending.popleft()
        if future is None:
            return result  # type: ignore[return-value]
        try:
            return future.result()
        except BrokenProcessPool:
            pool.shutdown(wait=True, cancel_futures=True)  # type: ignore[union-attr]
            pool = None
            for i, (other, waiting, _) in enumerate(pending):  # all lost with the pool
                if waiting is not None:
                    pending[i] = (other, None, _alone(func, other, on_crash))
            return _alone(func, item, on_crash)

    try:
        for item in items:
            if offload(item) and (costly := costly + 1) > inline_first:
                try:
                    pool = pool or _pool(jobs)
                    future = pool.submit(func, item)
                except BrokenProcessPool:  # broke under an earlier item: settle those first
                    while pending:
                        yield head()
                    if pool is not None:
                        pool.shutdown(wait=True, cancel_futures=True)
                    pool = _pool(jobs)
                    future = pool.submit(func, item)
                pending.append((item, future, None))
            else:
                pending.append((item, None, func(item)))
            while pending and (sum(f is not None for _, f, _ in pending) >= limit
                               or len(pending) > 16 * limit or pending[0][1] is None):
                yield head()
        while pending:
            yield head()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _alone(func: Callable[[T], R], item: T, on_crash: Callable[[T], R]) -> R:
    """``func(item)`` in a worker of its own: whether this item is what kills workers."""
    with _pool(1) as pool:
        try:
            return pool.submit(func, item).result()
        except BrokenProcessPool:
            return on_crash(item)
