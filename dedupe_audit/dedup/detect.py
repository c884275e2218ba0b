"""Duplicate detection over a whole run: fingerprint -> index -> verify.

Exact copies are grouped by content hash, so only one representative of each group is
indexed. Sentence windows of long paragraphs are indexed beside paragraphs: a paragraph
matching a window is a candidate for containment in the window's block. A window's
shingles are cut from its paragraph's tokens (``Fingerprinter.arrays``), not normalized
and tokenized again.

Texts are fingerprinted and signed in batches of whole documents (by threads running the
compiled kernels, or worker processes without them, see ``parallel``), made while the
earlier ones are signed (``detect_arriving``: from pages as ingest delivers them, while later
ones are still read); each batch's signatures go straight into the index and its
fingerprints into columns (``FingerprintTable``: content hash, words, shingles and the text's
span per paragraph, no object per paragraph), so memory is the index, that table and a few
batches.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import chain

import numpy as np

from ..config import Config
from ..model import Cluster, Containment, Paragraph, ParagraphRef, SegmentedDocument, Window
from ..runtime.heap import release_free_memory
from ..runtime.page_store import PageStore
from ..runtime.parallel import map_ordered, resolve_jobs
from ..runtime.timing import Laps
from .banding import OVERSIZED_BLOCK, CandidateIndex, choose_min_bands
from .clusters import build_clusters
from .containment import (
    MAX_COMMON_SPAN,
    ContainerIndex,
    containment_candidates_of,
    find_containment,
    merged_containment,
    verify_contained,
)
from .fingerprint import (
    COMPILED_MIN_TEXTS,
    Fingerprint,
    Fingerprinter,
    Fingerprints,
    load_kernels,
    signatures_of,
)
from .fingerprint_cache import FingerprintCache
from .fingerprint_table import FingerprintRows, FirstCopies, TableBuilder, rows_of
from .near_pairs import verify_near_rows
from .page_memo import SignedPage


def eligible(seg: SegmentedDocument, config: Config) -> list[int]:
    """Indexes of the paragraphs that take part in duplicate detection."""
    least = max(config.dedup.min_words, 0)
    return [  # the segmenter's word count; else split at most ``least`` times
        p.index
        for p in seg.paragraphs
        if (p.is_body or config.segment.include_boilerplate)
        and (p.words if p.words is not None else len(p.text.split(None, least))) >= least
    ]


def selected(seg: SegmentedDocument, config: Config) -> list[tuple[int, Sequence[Window]]]:
    """The texts of a page that take part in duplicate detection: each eligible paragraph's
    index (``eligible``) with the sentence windows cut from it, in page order. Every engine
    selects through this (local batches, the Redis index's entries, Dask partitions), so they
    index the same texts in the same order by construction."""
    windows_of: dict[int, list[Window]] = defaultdict(list)
    for window in seg.windows:
        windows_of[window.paragraph].append(window)
    return [(index, windows_of.get(index, ())) for index in eligible(seg, config)]


BATCH_TEXTS = 20_000  # texts per fingerprinting batch
# ... and characters of paragraph text per batch: fingerprinting holds ~33 bytes a character
# while it runs (code points, token positions and hashes, shingles; numpy path), so a batch of
# 20,000 texts of 20,000 characters each (a 150 MB single line cut into paragraphs) would have
# needed ~5 GB at once. 8M characters is ~20,000 paragraphs of ordinary news (400 characters).
BATCH_CHARS = 8_000_000
# Threads or workers fingerprint and sign batches; the caller indexes. With the compiled
# kernels (they release the GIL), threads: a list of 300k paragraphs, one thread 243-255k/s,
# 2 threads 362-392k/s, 3 threads 400-406k/s; two worker processes 291k/s (each batch's
# fingerprints and signatures, ~15 MB, pickled back). Without numba, worker processes, once
# workers send lists and arrays back (``Fingerprinter.arrays``), not an object per text:
# a million paragraphs 111.8 s -> 107.9 s for the whole audit; below PARALLEL_MIN_TEXTS
# starting them costs more than it saves.
PARALLEL_MIN_TEXTS = 100_000  # paragraphs and windows of all pages
WINDOW_KEYS = 2**31  # index keys of windows start here, above every paragraph key


@dataclass
class Batch:
    """Some whole documents' eligible paragraphs, then windows of those. Their texts are cut
    from the pages only when the batch is fingerprinted (``texts``): only the batches in
    flight hold copies, not a list of all batches. Paragraphs are numbered by ints, not
    ParagraphRefs: a frozen ref per paragraph held the GIL for a quarter of fingerprinting."""

    docs: list[int]  # document of each eligible paragraph
    indexes: list[int]  # its index in that document
    paragraphs: list[Paragraph]
    windows: list[Window]
    spans: list[tuple[int, int, int]]  # each window as (row of its paragraph, start, end in its text)
    parts: int = 0  # paragraphs and windows of its pages, eligible or not (the progress unit)

    @property
    def size(self) -> int:
        return len(self.paragraphs) + len(self.windows)

    def texts(self, windows: bool = True) -> list[str]:
        """Paragraph texts, then (``windows``) window texts."""
        texts = [p.page[p.start : p.end] for p in self.paragraphs]  # ``p.text``, without a call
        return texts + [w.text for w in self.windows] if windows else texts


# A batch, its paragraphs' fingerprints, and the signatures of its paragraphs then its windows.
SignedBatch = tuple[Batch, Fingerprints, np.ndarray]
Selection = Callable[[SegmentedDocument, Config], list[tuple[int, Sequence[Window]]]]


def batches(numbered: Iterable[tuple[int, SegmentedDocument]], config: Config,
            select: Selection = selected) -> Iterator[Batch]:
    """Batches of pages, given as (position in the run, page) in order, of the texts ``select``
    takes from each (``selected``; a backend holding some pages' signatures already narrows it
    to the paragraphs it holds): a batch ends after
    ``BATCH_TEXTS`` texts or ``BATCH_CHARS`` characters of paragraphs, even inside a page (a
    paragraph stays with its windows), so a page of thousands of 20,000-character paragraphs
    (a huge single-line file cut by ``max_paragraph_chars``) is not fingerprinted at once.
    Where a batch ends changes nothing found: paragraphs and windows are numbered in run
    order whatever the batches, and the index orders its rows by key."""
    batch = Batch([], [], [], [], [])
    chars = 0
    for doc, seg in numbered:
        batch.parts += len(seg.paragraphs) + len(seg.windows)
        for index, windows in select(seg, config):
            paragraph = seg.paragraphs[index]
            row = len(batch.indexes)
            batch.docs.append(doc)
            batch.indexes.append(index)
            batch.paragraphs.append(paragraph)
            for window in windows:
                batch.windows.append(window)
                batch.spans.append((row, window.start - paragraph.start, window.end - paragraph.start))
            chars += paragraph.end - paragraph.start
            if batch.size >= BATCH_TEXTS or chars >= BATCH_CHARS:
                yield batch
                batch, chars = Batch([], [], [], [], []), 0
    if batch.size:
        yield batch


_Work = tuple[list[str], list[tuple[int, int, int]], int, int, int]


def sign(args: _Work) -> tuple[Fingerprints, np.ndarray]:
    """Fingerprints of a batch's paragraphs and MinHash signatures of paragraphs then
    windows; windows are cut from their paragraph's tokens (``spans``). Plain lists and
    arrays, no object per text: they pickle fast from a worker, and detection keeps its
    own (the text as a span of its page). The signing step of every engine (one definition);
    public so ``benchmarks/throughput.py`` times it alone."""
    texts, spans, shingle_size, num_perm, seed = args
    found = Fingerprinter(shingle_size).arrays(texts, spans)
    sizes = np.r_[np.diff(found.offsets), [len(w) for w in found.windows]].astype(np.int64)
    values = np.concatenate([found.shingles, *found.windows])
    return replace(found, windows=[]), signatures_of(values, sizes, num_perm, seed)


def _work(batch: Batch, config: Config) -> _Work:
    """What ``sign`` needs of a batch: its paragraph texts, window spans and the MinHash settings."""
    dedup = config.dedup
    return batch.texts(windows=False), batch.spans, dedup.shingle_size, dedup.num_perm, dedup.seed


def signed_here(segmented: Sequence[SegmentedDocument],
                config: Config) -> Iterator[tuple[Batch, Fingerprints, np.ndarray]]:
    """The signing step run in this process, one batch after another: what a Redis index writer
    or a Dask partition signs. The batches and ``sign`` are the local engine's, so every engine
    fingerprints and signs the same texts the same way (no worker pool: a Dask worker is one)."""
    for batch in batches(enumerate(segmented), config):
        found, sigs = sign(_work(batch, config))
        yield batch, found, sigs


def taking_part(batch: Batch, found: Fingerprints,
                config: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which signed texts of a batch are indexed: the rows of paragraphs of at least
    ``min_words`` words (counted by the fingerprinter, as the segmenter may count otherwise),
    then the windows of those paragraphs and each one's paragraph row. One definition for
    every engine: a window of a paragraph too short to take part is never indexed."""
    words = np.asarray(found.words, dtype=np.int64)
    enough = words >= config.dedup.min_words
    owner_rows = np.fromiter((row for row, _, _ in batch.spans), dtype=np.int64, count=len(batch.spans))
    windows = np.flatnonzero(enough[owner_rows])
    return np.flatnonzero(enough), windows, owner_rows[windows]


def _cached(cache: FingerprintCache, pages: PageStore, config: Config,
            batches: Sequence[Batch]) -> Iterator[tuple[Fingerprints, np.ndarray]]:
    """Fingerprints and signatures through the incremental store: a page whose text the page
    memo knows takes its stored arrays; the other pages of a batch are signed together by
    ``sign``, as a run without the index signs them, and stored. (Without a page memo, texts
    are looked up in the per-text tables of older indexes.)"""
    memo = cache.memo
    if memo is None:
        yield from _cached_texts(cache.bind(pages, config), config, batches)
        return
    runs_of = [list(_page_runs(batch)) for batch in batches]
    # a page cut across batches (one larger than a batch) is signed in its parts, as a run
    # without the index signs it, and never stored or read as a whole page's record
    parts = Counter(run[0] for runs in runs_of for run in runs)
    firsts = {doc: batch.paragraphs[lo] for batch, runs in zip(batches, runs_of, strict=True)
              for doc, lo, _, _, _ in runs if parts[doc] == 1}
    stored = dict(zip(firsts, memo.signed_many([p.page for p in firsts.values()]), strict=True))
    fingerprinter = cache.bind(pages, config, served=frozenset(parts))
    work = [(batch, [run for run in runs if stored.get(run[0]) is None])
            for batch, runs in zip(batches, runs_of, strict=True)]
    to_sign = sum(hi - lo + whi - wlo for _, missing in work for _, lo, hi, wlo, whi in missing)
    jobs, threads = _signers(to_sign, config)
    # pages not stored are signed as a run without the index signs them: by threads running the
    # compiled kernels when there are enough of them, else here
    made = map_ordered(partial(_signed_pages, config=config), work, jobs if threads else 1, threads=threads)
    for (batch, missing), runs, fresh in zip(work, runs_of, made, strict=True):
        signed_now: dict[int, SignedPage] = {}
        for run, page in zip(missing, fresh, strict=True):
            signed_now[run[0]] = page
            if parts[run[0]] == 1:
                memo.keep_signed(batch.paragraphs[run[1]].page, page)
            fingerprinter.texts_computed += len(page.paragraph_signatures) + len(page.window_signatures)
        # held only until its batch is indexed
        signed = [signed_now[doc] if doc in signed_now else stored.pop(doc) for doc, _, _, _, _ in runs]
        sizes = np.concatenate([page.sizes for page in signed])  # a batch holds at least one page
        found = Fingerprints(
            content_hashes=np.concatenate([page.content_hashes for page in signed]).tolist(),
            words=np.concatenate([page.words for page in signed]).tolist(),
            shingles=np.concatenate([page.shingles for page in signed]),
            offsets=np.r_[0, np.cumsum(sizes, dtype=np.int64)], windows=[])
        sigs = np.concatenate([page.paragraph_signatures for page in signed]
                              + [page.window_signatures for page in signed])
        yield found, sigs


def _page_runs(batch: Batch) -> Iterator[tuple[int, int, int, int, int]]:
    """Each page of a batch as (its position in the run, first and end row of its paragraphs,
    first and end row of its windows): pages are contiguous in both lists."""
    window_doc = [batch.docs[row] for row, _, _ in batch.spans]
    lo = w = 0
    while lo < len(batch.docs):
        doc = batch.docs[lo]
        hi = lo
        while hi < len(batch.docs) and batch.docs[hi] == doc:
            hi += 1
        wlo = w
        while w < len(window_doc) and window_doc[w] == doc:
            w += 1
        yield doc, lo, hi, wlo, w
        lo = hi


def _signed_pages(work: tuple[Batch, Sequence[tuple[int, int, int, int, int]]],
                  config: Config) -> list[SignedPage]:
    """The fingerprints and signatures of some pages of a batch (``_page_runs`` items), made by
    ``sign`` as a run without the index makes them, one record per page."""
    batch, runs = work
    if not runs:
        return []
    texts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    for _, lo, hi, wlo, whi in runs:
        spans.extend((len(texts) + row - lo, start, end) for row, start, end in batch.spans[wlo:whi])
        texts.extend(p.page[p.start : p.end] for p in batch.paragraphs[lo:hi])
    found, sigs = sign((texts, spans, config.dedup.shingle_size, config.dedup.num_perm, config.dedup.seed))
    paragraphs = len(texts)
    sizes = np.diff(found.offsets)
    hashes = np.asarray(found.content_hashes, dtype=np.uint64)
    words = np.asarray(found.words, dtype=np.int64)
    out: list[SignedPage] = []
    row = window = 0
    for _, lo, hi, wlo, whi in runs:
        end, window_end = row + hi - lo, window + whi - wlo
        out.append(SignedPage(
            content_hashes=hashes[row:end].copy(), words=words[row:end].copy(), sizes=sizes[row:end].copy(),
            shingles=found.shingles[found.offsets[row] : found.offsets[end]].copy(),
            paragraph_signatures=sigs[row:end].copy(),
            window_signatures=sigs[paragraphs + window : paragraphs + window_end].copy()))
        row, window = end, window_end
    return out


def _cached_texts(fingerprinter: FingerprintCache, config: Config,
                  batches: Iterable[Batch]) -> Iterator[tuple[Fingerprints, np.ndarray]]:
    """Fingerprints and signatures of whole batches through the text index."""
    for batch in batches:
        fps = fingerprinter.many(batch.texts())
        sigs = fingerprinter.signatures([fp.shingles for fp in fps], config.dedup.num_perm, config.dedup.seed)
        mine = fps[: len(batch.paragraphs)]
        sizes = [len(fp.shingles) for fp in mine]
        yield Fingerprints(
            content_hashes=[fp.content_hash for fp in mine], words=[fp.words for fp in mine],
            shingles=np.concatenate([fp.shingles for fp in mine]) if mine else np.empty(0, dtype=np.uint64),
            offsets=np.r_[0, np.cumsum(sizes, dtype=np.int64)], windows=[]), sigs


def _signers(total: int, config: Config) -> tuple[int, bool]:
    """How many workers sign batches of a run of ``total`` texts (or more), and whether they
    are threads (compiled kernels, which release the GIL) rather than processes."""
    jobs = resolve_jobs(config.runtime.jobs)
    # compiled kernels release the GIL: threads (one more than cores, so one thread's Python
    # part overlaps the others' kernels) share the batches and send nothing back
    threads = total >= COMPILED_MIN_TEXTS and load_kernels()
    if threads:
        jobs = jobs + 1 if jobs > 1 else 1
    elif total < PARALLEL_MIN_TEXTS:
        jobs = 1
    return jobs, threads


# Public, as ``sign`` is: ``benchmarks/throughput.py`` times signing at a run's parallelism alone.
def signed_batches(
    pages: PageStore, numbered: Iterable[tuple[int, SegmentedDocument]], config: Config,
    cache: FingerprintCache | None, progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[Batch, Fingerprints, np.ndarray]]:
    """Each batch of the ``numbered`` pages with its paragraphs' fingerprints and the
    signatures of its paragraphs then windows, in document order. The workers are chosen for
    the texts of the pages stored when it starts: the run's, or a lower bound while pages
    still arrive (``detect_arriving`` reads ahead enough for the same choice)."""
    signed: Iterable[tuple[Batch, tuple[Fingerprints, np.ndarray]]]
    if cache is not None:  # ``_cached`` chooses its signers for the pages the index lacks: a
        # re-run that signs one new page need not load the compiled kernels (numba, ~1 s)
        made_all = list(batches(numbered, config))
        signed = zip(made_all, _cached(cache, pages, config, made_all), strict=True)
    else:  # batches are made while workers sign the ones before: only those in flight are held
        jobs, threads = _signers(pages.total_parts, config)  # read before any page is pulled
        made: deque[Batch] = deque()

        def work() -> Iterator[_Work]:
            for batch in batches(numbered, config):
                made.append(batch)
                yield _work(batch, config)

        signed = ((made.popleft(), result) for result in map_ordered(sign, work(), jobs, threads=threads))
    done = 0
    for batch, (found, sigs) in signed:
        done += batch.parts
        if progress is not None:  # of the texts read so far (all of them unless pages still arrive)
            progress(done, max(done, pages.total_parts))
        yield batch, found, sigs
    if progress is not None and done < pages.total_parts:  # pages after the last batch had nothing to sign
        progress(pages.total_parts, pages.total_parts)


class Clusters(tuple):  # noqa: SLOT001 - holds ``warnings`` beside the items
    """A detection's clusters (a plain tuple of ``Cluster`` to every caller), with ``warnings``:
    what it left out to keep its work bounded (degenerate input), one line each, which the
    audit reports. They travel with the result, not in module state, so a run never reads
    another run's notes (engines that make plain tuples simply have none)."""

    warnings: tuple[str, ...]
    seconds: tuple[tuple[str, float], ...]  # seconds per detection step, in the order they ran

    def __new__(cls, clusters: Iterable[Cluster] = (), warnings: Iterable[str] = (),
                seconds: dict[str, float] | None = None) -> Clusters:
        made = super().__new__(cls, clusters)
        made.warnings = tuple(warnings)
        made.seconds = tuple((seconds or {}).items())
        return made


def warnings_of(clusters: Sequence[Cluster]) -> tuple[str, ...]:
    """The truncation notes a detection returned with its clusters (none from other engines)."""
    return tuple(getattr(clusters, "warnings", ()))


def seconds_of(clusters: Sequence[Cluster]) -> tuple[tuple[str, float], ...]:
    """Seconds per step a detection returned with its clusters (none from other engines)."""
    return tuple(getattr(clusters, "seconds", ()))


# LSH band buckets larger than this are not expanded into all their pairs but paired in blocks
# (``banding.OVERSIZED_BLOCK``, ordered by another band): linear work on a phrase or template
# shared by thousands of paragraphs. The throughput corpus has 4 such buckets at a million.
MAX_BUCKET = 2_000
# A paragraph's candidates are verified while they cost at most this many shingles (its own
# size each), between MIN_CANDIDATES and MAX_CANDIDATES of them, the most similar first
# (``banding.cap_candidates``), so work stays linear in degenerate text. Set far above what an
# ordinary corpus produces: on the throughput corpus (news plus recipe and template lines) at
# 200k paragraphs the most candidates of one paragraph were 456 (99th percentile 105), mostly
# 3-6-shingle template lines; with the old limits (16,384 shingles, 4-64) 1,358 nodes went
# over and 11,634 at a million (1.59M pairs unchecked, recall of brute-force pairs 0.9951);
# with these, 4 at 200k and 664 at a million, and the only pairs missed at a million were
# candidates whose fuzz ratio is below ``min_fuzz``.
CANDIDATE_SHINGLES = 65_536
MIN_CANDIDATES = 4
MAX_CANDIDATES = 1_024


def candidate_limits(rep_sizes: np.ndarray, window_sizes: np.ndarray) -> np.ndarray:
    """Each indexed text's candidate limit, representatives (keys below ``n``, ``rep_sizes``
    shingles) then windows (keys from ``WINDOW_KEYS``, sized as their paragraph, which bounds
    them): ascending key order, as ``CandidateIndex.candidate_array`` takes them."""
    sizes = np.r_[rep_sizes, window_sizes]
    return np.clip(CANDIDATE_SHINGLES // np.maximum(sizes, 1), MIN_CANDIDATES, MAX_CANDIDATES)


def oversized_note(buckets: int, members: int) -> str | None:
    """What the bucket limit cut (``MAX_BUCKET``: buckets paired in blocks), if anything."""
    if not buckets:
        return None
    return (f"duplicate detection: {buckets:,} LSH band buckets held more than "
            f"{MAX_BUCKET:,} paragraphs each ({members:,} places in all: "
            "low-entropy or template text): their members were paired only within blocks of "
            f"{OVERSIZED_BLOCK} ordered by another band, so pairs found only there may be "
            "missed (exact copies are still grouped)")


def cap_note(capped: int, found: int, kept: int) -> str | None:
    """What the candidate limits cut (``banding.cap_candidates``: ``capped`` keys lost some of
    the ``found`` pairs, ``kept`` were left), if anything."""
    if not capped:
        return None
    return (f"duplicate detection: {capped:,} paragraphs or sentence windows had more LSH "
            f"candidates than their limit ({MIN_CANDIDATES}-{MAX_CANDIDATES}, fewer for longer "
            f"text); only the most similar were verified ({found - kept:,} candidate "
            "pairs left unchecked)")


def flooded_note(skipped: int) -> str | None:
    """What containment left out (``containment.heavy_and_flooded``), if anything."""
    if not skipped:
        return None
    return (f"containment: {skipped:,} paragraphs made of text found in very many long "
            f"blocks (over {MAX_COMMON_SPAN} a shingle on average: template or low-entropy "
            "text) were not looked up inside longer paragraphs")


def contained(
    representatives: Sequence[ParagraphRef], rep_rows: FingerprintRows,
    fingerprints: Mapping[ParagraphRef, Fingerprint], container_refs: Sequence[ParagraphRef],
    pages: Sequence[SegmentedDocument], via_window: Mapping[ParagraphRef, Iterable[ParagraphRef]],
    min_share: float, skipped: list[int] | None = None,
) -> list[Containment]:
    """The containment step, for every engine whose fingerprints are in this process (a table or
    objects): each representative inside a long block (a paragraph cut into windows, given by
    ``container_refs``) that holds one of its anchor shingles or one of whose windows it matched
    (``via_window``), then any representative inside any clearly longer one (sampled-shingle
    candidates), merged. ``rep_rows`` are the representatives' fingerprints in their order."""
    containers = ContainerIndex(dict(zip(container_refs, rows_of(fingerprints, container_refs), strict=True)))
    found = find_containment(representatives, fingerprints, containers, pages, min_share, via_window,
                             skipped=skipped)
    inside = containment_candidates_of(rep_rows, min_share)
    return merged_containment(found,
                              verify_contained(inside, representatives, fingerprints, pages, min_share))


def detect_duplicates(
    segmented: Sequence[SegmentedDocument], config: Config, *, cache: FingerprintCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Cluster, ...]:
    """Clusters of exact, near and contained duplicates. ``progress(done, total)`` is told the
    texts fingerprinted so far (a cache reports its own progress). Pages are read in order once
    to fingerprint them; after that only the texts of candidate pairs and containers are."""
    pages = PageStore.of(segmented)
    return _detect(pages, enumerate(pages), config, cache, progress)


def detect_arriving(
    arriving: Iterable[tuple[int, SegmentedDocument]], pages: PageStore, config: Config, *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Cluster, ...]:
    """``detect_duplicates`` of pages fingerprinted as they arrive: ``arriving`` yields each
    page as (its position in ``pages``, the page) once the caller has put it there, so its
    paragraphs are signed while it is still at hand and later pages are still being read.
    Pages are pulled ahead until the run is known to be large enough for worker threads or
    processes (``PARALLEL_MIN_TEXTS``), so a small run is signed as ``detect_duplicates``
    would sign it. Time spent producing pages is left out of this stage's timings."""
    waited = [0.0]

    def timed() -> Iterator[tuple[int, SegmentedDocument]]:
        source = iter(arriving)
        while True:
            start = time.perf_counter()
            item = next(source, None)
            waited[0] += time.perf_counter() - start
            if item is None:
                return
            yield item

    stream = timed()
    ahead: list[tuple[int, SegmentedDocument]] = []
    for item in stream:
        ahead.append(item)
        if pages.total_parts >= PARALLEL_MIN_TEXTS:
            break
    waited[0] = 0.0  # the stage's clock starts now: only later reading is to be left out
    return _detect(pages, chain(ahead, stream), config, None, progress, waited)


def _detect(
    pages: PageStore, numbered: Iterable[tuple[int, SegmentedDocument]], config: Config,
    cache: FingerprintCache | None, progress: Callable[[int, int], None] | None,
    waited: list[float] | None = None,
) -> tuple[Cluster, ...]:
    return detect_signed(pages, signed_batches(pages, numbered, config, cache, progress), config, waited)


def detect_signed(
    pages: PageStore, signed: Iterable[SignedBatch], config: Config, waited: list[float] | None = None,
) -> Clusters:
    """The detection flow after signing, the same for every backend that brings its signed
    batches here: exact groups (the first paragraph of a content hash represents it), LSH
    candidates among representatives and windows (``CandidateIndex``, the bucket limits and
    candidate caps), near pairs (``verify_near_rows``), containment (``contained``) and clusters
    (``build_clusters``). What differs between backends is only where ``signed`` comes from:
    worker threads or processes (``signed_batches``), the SQLite cache (``_cached``), or the
    fingerprints and signatures a shared Redis index holds (``engines.local.stored_batches``).
    ``waited`` (seconds spent producing arriving pages) is left out of the first step's time."""
    seconds: dict[str, float] = {}  # per step, returned with the clusters
    notes: list[str] = []  # what was left out to bound the work (returned with the clusters)
    clock = Laps(seconds)
    index = CandidateIndex(config.dedup.threshold, config.dedup.num_perm, config.dedup.seed)
    table = TableBuilder(page_text=pages.text)
    representatives: list[int] = []  # table row of each content hash's first paragraph
    first_copies = FirstCopies()
    window_owner: list[int] = []  # table row of each indexed window's paragraph
    rows_before = 0
    for batch, found, sigs in signed:
        words = np.asarray(found.words, dtype=np.int64)
        kept, windows, owner_rows = taking_part(batch, found, config)
        hashes = np.asarray(found.content_hashes, dtype=np.uint64)[kept]
        sizes = np.diff(found.offsets)
        docs, indexes = np.asarray(batch.docs, dtype=np.int32), np.asarray(batch.indexes, dtype=np.int32)
        table.add(docs[kept], indexes[kept], [batch.paragraphs[i] for i in kept.tolist()], hashes,
                  words[kept], found.shingles, found.offsets[kept], sizes[kept])
        indexed = kept[first_copies.firsts(hashes)].tolist()  # batch rows of the representatives
        keys = list(range(len(representatives), len(representatives) + len(indexed)))
        table_row = np.full(len(words), -1, dtype=np.int64)  # batch row -> table row
        table_row[kept] = np.arange(rows_before, rows_before + len(kept))
        representatives.extend(table_row[indexed].tolist())
        rows_before += len(kept)
        indexed.extend((len(batch.paragraphs) + windows).tolist())
        keys.extend(range(WINDOW_KEYS + len(window_owner), WINDOW_KEYS + len(window_owner) + len(windows)))
        window_owner.extend(table_row[owner_rows].tolist())
        index.add(keys, sigs[indexed])
    fingerprints = table.build()
    del table, first_copies
    release_free_memory()  # the batches' arrays
    clock.exclude(waited[0] if waited else 0.0)  # reading and segmenting arriving pages
    clock.lap("fingerprint+sign")
    groups = fingerprints.copies()

    n = len(representatives)
    bands, rows_per_band = index.params
    rep_rows = fingerprints.view(np.asarray(representatives, dtype=np.int64))
    window_sizes = fingerprints.sizes[np.asarray(window_owner, dtype=np.int64)]
    min_bands = choose_min_bands(config.dedup.threshold, bands, rows_per_band)
    pairs, shared = index.candidate_array(min_bands=min_bands,
                                          below=n, release=True, with_counts=True, max_bucket=MAX_BUCKET,
                                          most=candidate_limits(rep_rows.sizes, window_sizes))
    notes.extend(filter(None, (oversized_note(index.oversized_buckets, index.oversized_members),
                               cap_note(len(index.capped_keys), index.pairs_found, len(pairs)))))
    del index, shared
    release_free_memory()
    clock.lap("exact groups+LSH candidates")
    within = pairs[:, 1] < n
    rep_refs = fingerprints.refs(rep_rows.rows)
    near = verify_near_rows(pairs[within], rep_refs, rep_rows, config.dedup.threshold, config.dedup.min_fuzz)
    via_window: dict[ParagraphRef, set[ParagraphRef]] = defaultdict(set)
    owner_refs = fingerprints.refs(np.asarray(window_owner, dtype=np.int64))
    for first, second in pairs[~within].tolist():
        via_window[rep_refs[first]].add(owner_refs[second - WINDOW_KEYS])
    release_free_memory()  # the shingle sets gathered for verification
    clock.lap("verify near")

    skipped: list[int] = []
    containment = contained(rep_refs, rep_rows, fingerprints, sorted(set(owner_refs)), pages, via_window,
                            config.dedup.containment, skipped)
    notes.extend(filter(None, (flooded_note(sum(skipped)),)))
    release_free_memory()
    clock.lap("containment")
    clusters = build_clusters(groups, near, containment, fingerprints, config.dedup.threshold)
    clock.lap("clusters")
    return Clusters(clusters, notes, seconds)
