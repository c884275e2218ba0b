"""Duplicate detection in this process: on its own, or against a shared Redis index.

Both run ``detect.detect_signed``, the one flow after signing; only where the signed batches come
from differs. On its own, pages are signed by worker threads or processes (or read from the
SQLite cache); with a shared index, the fingerprints and signatures of documents another run
already indexed come from Redis (``sync_documents``), new ones are signed by ``detect.signed_here``
and written there, and ``stored_batches`` hands them to the flow in the local engine's batches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from ...config import Config
from ...model import Cluster, SegmentedDocument, Window
from ...runtime.page_store import PageStore
from ..detect import (
    SignedBatch,
    batches,
    detect_arriving,
    detect_duplicates,
    detect_signed,
    selected,
    signed_here,
    taking_part,
)
from ..fingerprint import Fingerprint, Fingerprinter, Fingerprints
from ..fingerprint_cache import FingerprintCache
from . import Arriving

if TYPE_CHECKING:  # the Redis client (~0.3 s to import) only for runs with a shared index
    from ..redis_index import DocEntry, SharedIndex

def detect_local(
    segmented: Sequence[SegmentedDocument], config: Config, *, cache: FingerprintCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Cluster, ...]:
    """The local engine: ``detect_duplicates`` (with the optional SQLite fingerprint cache)."""
    return detect_duplicates(segmented, config, cache=cache, progress=progress)


@dataclass(frozen=True)
class LocalDetector:
    """The local engine as ``open_detector`` yields it: called with all pages, or given them as
    they arrive (``arriving``, see ``detect.detect_arriving``) when no SQLite fingerprint cache
    is used (the cache needs every page before it can tell which are new)."""

    cache: FingerprintCache | None = None
    progress: Callable[[int, int], None] | None = None

    def __call__(self, segmented: Sequence[SegmentedDocument], config: Config) -> tuple[Cluster, ...]:
        return detect_local(segmented, config, cache=self.cache, progress=self.progress)

    @property
    def arriving(self) -> Arriving | None:
        return None if self.cache is not None else partial(detect_arriving, progress=self.progress)


def doc_entries(
    segmented: Sequence[SegmentedDocument], config: Config, docs: set[str] | None = None
) -> dict[str, DocEntry]:
    """Fingerprints and signatures of each distinct document (optionally only of ``docs``)."""
    from ..redis_index import PARAGRAPH, WINDOW, DocEntry, text_key

    chosen: dict[str, SegmentedDocument] = {}
    for seg in segmented:
        doc = seg.document.content_hash
        if (docs is None or doc in docs) and doc not in chosen:
            chosen[doc] = seg
    hashes = list(chosen)
    paragraphs: dict[str, list[tuple[int, bytes, Fingerprint, np.ndarray]]] = defaultdict(list)
    owners: dict[str, list[int]] = defaultdict(list)  # paragraph index of each window
    window_texts: dict[str, list[str]] = defaultdict(list)
    window_signatures: dict[str, list[np.ndarray]] = defaultdict(list)
    for batch, found, sigs in signed_here(list(chosen.values()), config):
        kept, windows, owner_rows = taking_part(batch, found, config)
        pieces = found.pieces()
        for row in kept.tolist():
            fp = Fingerprint(batch.paragraphs[row].text, content_hash=found.content_hashes[row],
                             words=found.words[row], shingles=pieces[row])
            paragraphs[hashes[batch.docs[row]]].append(
                (batch.indexes[row], text_key(PARAGRAPH, fp.content_hash), fp, sigs[row]))
        for window, row in zip(windows.tolist(), owner_rows.tolist(), strict=True):
            doc = hashes[batch.docs[row]]
            owners[doc].append(batch.indexes[row])
            window_texts[doc].append(batch.windows[window].text)
            window_signatures[doc].append(sigs[len(batch.paragraphs) + window])
    # windows are keyed by their own text's content hash (signing cuts them from their paragraph's tokens)
    every_window = [text for doc in hashes for text in window_texts[doc]]
    found_windows = Fingerprinter(config.dedup.shingle_size).arrays(every_window) if every_window else None
    contents = iter(found_windows.content_hashes if found_windows else ())
    out: dict[str, DocEntry] = {}
    for doc in hashes:
        keys = [text_key(WINDOW, next(contents)) for _ in window_texts[doc]]
        sigs_of_windows = (np.array(window_signatures[doc], dtype=np.uint32) if window_signatures[doc]
                           else np.empty((0, config.dedup.num_perm), dtype=np.uint32))
        out[doc] = DocEntry(doc, paragraphs[doc], list(zip(owners[doc], keys, strict=True)), sigs_of_windows)
    return out


def sync_documents(segmented: Sequence[SegmentedDocument], config: Config, index: SharedIndex,
                   max_rounds: int = 100) -> dict[str, DocEntry]:
    """Every document of the run in the index (written here or by another worker), with its entry."""
    docs = sorted({seg.document.content_hash for seg in segmented})
    complete = index.complete(docs)
    todo = [doc for doc in docs if doc not in complete]
    computed = doc_entries(segmented, config, set(todo)) if todo else {}
    for _ in range(max_rounds):
        if not todo:
            break
        states = index.claim(todo)
        index.write([computed[doc] for doc in todo if states[doc] == "mine"])
        todo = index.wait_for([doc for doc in todo if states[doc] == "busy"])
    else:  # pragma: no cover - writers dying over and over
        raise RuntimeError("gave up waiting for other writers of the shared index")
    loaded = index.load(sorted(complete))
    # documents written before the index kept windows' signatures: signed here, not rewritten
    unsigned = {doc for doc, entry in loaded.items() if entry.window_signatures is None}
    if unsigned:
        computed.update(doc_entries(segmented, config, unsigned))
    return {**loaded, **computed}


def detect_shared(
    segmented: Sequence[SegmentedDocument], config: Config, index: SharedIndex
) -> tuple[Cluster, ...]:
    """``detect_duplicates`` with the Redis index as the store of fingerprints and signatures:
    documents another run already indexed are not fingerprinted again. From there the run's own
    steps are the local engine's (``detect.detect_signed``: exact groups, LSH candidates among
    the run's texts, verification, containment, clusters), fed the stored batches. The Redis
    band buckets hold every run's texts; among this run's texts they hold exactly the buckets
    its signatures make, so the run bands those in memory rather than reading them back, and
    the buckets serve ``SharedIndex.query`` (copies anywhere in the shared corpus)."""
    entries = sync_documents(segmented, config, index)
    pages = PageStore.of(segmented)
    return detect_signed(pages, stored_batches(pages, entries, config), config)


def stored_batches(segmented: Sequence[SegmentedDocument], entries: Mapping[str, DocEntry],
                   config: Config) -> Iterator[SignedBatch]:
    """The run's pages as signed batches (``detect.batches``) made of what the index holds of
    each document (its entry: the fingerprints and signatures of the paragraphs that take part
    and of their windows), in the order the local engine signs them. A page's entry must list
    the windows its page has for those paragraphs (same settings, checked by the index's meta)."""
    held = {doc: {i for i, _, _, _ in entry.paragraphs} for doc, entry in entries.items()}

    def select(seg: SegmentedDocument, cfg: Config) -> list[tuple[int, Sequence[Window]]]:
        mine = held[seg.document.content_hash]
        return [(i, windows) for i, windows in selected(seg, cfg) if i in mine]

    cursor: dict[int, tuple[int, int]] = {}  # page -> next paragraph and window of its entry
    for batch in batches(enumerate(segmented), config, select):
        fps: list[Fingerprint] = []
        paragraph_sigs: list[np.ndarray] = []
        window_sigs: list[np.ndarray] = []
        windows_of_row = np.bincount([row for row, _, _ in batch.spans], minlength=len(batch.docs)).tolist()
        for row, (doc, count) in enumerate(zip(batch.docs, windows_of_row, strict=True)):
            entry = entries[segmented[doc].document.content_hash]
            at, window_at = cursor.get(doc, (0, 0))
            index, _, fp, sig = entry.paragraphs[at]
            owners = {owner for owner, _ in entry.windows[window_at : window_at + count]}
            if (index != batch.indexes[row] or owners - {index} or window_at + count > len(entry.windows)
                    or entry.window_signatures is None):
                raise RuntimeError(f"the index's entry of document {entry.doc} does not match its page")
            fps.append(fp)
            paragraph_sigs.append(sig)
            window_sigs.extend(entry.window_signatures[window_at : window_at + count])
            cursor[doc] = (at + 1, window_at + count)
        sizes = np.fromiter((len(fp.shingles) for fp in fps), dtype=np.int64, count=len(fps))
        found = Fingerprints(
            content_hashes=[fp.content_hash for fp in fps], words=[fp.words for fp in fps],
            shingles=np.concatenate([fp.shingles for fp in fps]) if fps else np.empty(0, dtype=np.uint64),
            offsets=np.r_[0, np.cumsum(sizes)].astype(np.int64), windows=[])
        sigs = np.array(paragraph_sigs + window_sigs, dtype=np.uint32).reshape(-1, config.dedup.num_perm)
        yield batch, found, sigs
