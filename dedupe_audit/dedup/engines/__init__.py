"""Where duplicate detection runs: this process (``local``), against a shared Redis index, or on a
Dask cluster (``dask``). Every way gives the same clusters for the same input.

``open_detector`` is what the CLI calls: it picks the way from the settings and yields a
``(segmented, config) -> clusters`` callable for ``audit.run_audit`` (the local one can also be
given pages as they arrive: its ``arriving``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ...config import Config
from ...model import Cluster, SegmentedDocument

if TYPE_CHECKING:  # the store pulls in numpy: not for --help/--version
    from ...runtime.page_store import PageStore
    from ..fingerprint_cache import FingerprintCache

ENGINES = ("local", "dask")
Detector = Callable[[Sequence[SegmentedDocument], Config], tuple[Cluster, ...]]
# Detection given pages as they arrive, each as (position in the store, page) once stored there:
# a detector that can work so has it as its ``arriving`` attribute (see ``detect.detect_arriving``).
Arriving = Callable[[Iterable[tuple[int, SegmentedDocument]], "PageStore", Config], tuple[Cluster, ...]]


def is_redis_url(value: str | None) -> bool:
    """Whether an ``index`` setting names a shared Redis index rather than a SQLite file (here,
    not in ``redis_index``, so that asking does not import the Redis client)."""
    return bool(value) and value.startswith(("redis://", "rediss://", "unix://"))  # type: ignore[union-attr]


class EngineError(Exception):
    """The chosen engine or index cannot run (the CLI exits 2 with this message)."""


@contextmanager
def open_detector(
    paths: Sequence[str],
    config: Config,
    *,
    cache: FingerprintCache | None = None,
    warn: Callable[[str], None] = lambda message: None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Detector]:
    """The duplicate detector the settings ask for (``engine``, ``scheduler``, ``index``)."""
    engine = config.dedup.engine
    scheduler = config.dedup.scheduler
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if engine == "dask":
        if is_redis_url(config.dedup.index):
            raise EngineError("--engine dask does not use a Redis --index yet; run the local engine with it")
        try:
            from . import dask as dask_engine
        except ImportError as err:
            raise EngineError(
                f"--engine dask needs the 'scale' extra (pip install 'dedupe-audit[scale]'): {err}"
            ) from err
        from ...runtime.parallel import resolve_jobs

        with dask_engine.dask_client(scheduler, resolve_jobs(config.runtime.jobs)) as client:
            yield dask_engine.detector(client)
        return
    if is_redis_url(config.dedup.index):
        from ..redis_index import SharedIndex, SharedIndexError  # the Redis client: ~0.3 s to import
        from .local import detect_shared

        try:
            with SharedIndex(config.dedup.index, config, warn=warn) as index:  # type: ignore[arg-type]
                yield lambda segmented, cfg: detect_shared(segmented, cfg, index)
        except SharedIndexError as err:
            raise EngineError(str(err)) from err
        return
    from .local import LocalDetector

    yield LocalDetector(cache, progress)
