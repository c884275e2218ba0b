"""Duplicate detection in this process: on its own, or against a shared Redis index.

``detect_shared`` runs the local engine's steps (``detect.selected``, ``signed_here``,
``taking_part``, ``near_pairs.verify_near_rows``, ``detect.contained``, ``build_clusters``); only
where they keep things differs: fingerprints of documents another worker already indexed come
from Redis, new ones are written there, and the Redis LSH buckets give the candidate pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from ...config import Config
from ...model import Cluster, ParagraphRef, SegmentedDocument
from ..clusters import build_clusters
from ..detect import contained, detect_arriving, detect_duplicates, signed_here, taking_part
from ..fingerprint import Fingerprint, Fingerprinter
from ..fingerprint_cache import FingerprintCache
from ..fingerprint_table import rows_of
from ..near_pairs import exact_groups, verify_near_rows
from . import Arriving

if TYPE_CHECKING:  # the Redis client (~0.3 s to import) only for runs with a shared index
    from ..redis_index import DocEntry, SharedIndex

MAX_BUCKET = 2_000  # as CandidateIndex.candidate_array: larger buckets are degenerate text


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
    return {**loaded, **computed}


def detect_shared(
    segmented: Sequence[SegmentedDocument], config: Config, index: SharedIndex
) -> tuple[Cluster, ...]:
    """``detect_duplicates`` with the Redis index as fingerprint store and LSH."""
    from ..redis_index import PARAGRAPH, text_key

    entries = sync_documents(segmented, config, index)
    fingerprints: dict[ParagraphRef, Fingerprint] = {}
    sig_of: dict[ParagraphRef, np.ndarray] = {}
    window_owners: dict[bytes, list[ParagraphRef]] = defaultdict(list)
    for doc, seg in enumerate(segmented):
        entry = entries[seg.document.content_hash]
        for i, _, fp, sig in entry.paragraphs:
            fingerprints[ParagraphRef(doc, i)] = fp
            sig_of[ParagraphRef(doc, i)] = sig
        for owner, key in entry.windows:
            window_owners[key].append(ParagraphRef(doc, owner))
    groups = exact_groups(fingerprints)
    representatives = [group[0] for group in sorted(groups, key=lambda g: g[0])]
    rep_keys = [text_key(PARAGRAPH, fingerprints[ref].content_hash) for ref in representatives]
    rep_of_key = {key: n for n, key in enumerate(rep_keys)}

    counts: dict[tuple[int, bytes], int] = defaultdict(int)
    sigs = np.array([sig_of[ref] for ref in representatives],
                    dtype=np.uint32).reshape(-1, config.dedup.num_perm)
    for n, per_band in enumerate(index.buckets(rep_keys, sigs)):
        for members in per_band:
            ours = [key for key in members if key in rep_of_key or key in window_owners]
            size = 1 + sum(1 if key in rep_of_key else len(window_owners[key]) for key in ours)
            if size < 2 or size > MAX_BUCKET:
                continue
            for key in ours:
                if key in window_owners or rep_of_key[key] > n:
                    counts[(n, key)] += 1
    paragraph_pairs = []
    via_window: dict[ParagraphRef, set[ParagraphRef]] = defaultdict(set)
    for (n, key), shared in sorted(counts.items()):
        if shared < index.min_bands:
            continue
        if key in rep_of_key:
            paragraph_pairs.append((n, rep_of_key[key]))
        else:
            via_window[representatives[n]].update(window_owners[key])
    rep_rows = rows_of(fingerprints, representatives)
    pairs = np.array(paragraph_pairs, dtype=np.int64).reshape(-1, 2)
    near = verify_near_rows(pairs, representatives, rep_rows, config.dedup.threshold, config.dedup.min_fuzz)
    owners = sorted({ref for refs in window_owners.values() for ref in refs})
    containment = contained(representatives, rep_rows, fingerprints, owners, segmented, via_window,
                            config.dedup.containment)
    return build_clusters(groups, near, containment, fingerprints, config.dedup.threshold)

