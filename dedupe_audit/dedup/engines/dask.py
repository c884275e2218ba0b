"""Duplicate detection on a ``dask.distributed`` cluster, with the same clusters as the local engine.

Why: one machine fingerprints ~10^5 paragraphs a second; a corpus of 10^8 wants a cluster. The
pages live on the workers, a partition each: the run's pages sent there (``detect_dask_pages``,
what the CLI's ``--engine dask`` does: the run reads and segments its input once), or read and
segmented there through the public ingest API (``detect_dask``, for a corpus the client does
not read). Only small things reach the client: per paragraph its content hash, shingle count
and position (to group exact copies, number keys and set candidate limits), candidate and
verified edges, containments, and the finished clusters.

    sign (per partition) -> band values shuffled by band -> buckets and pairs per band (shared
    bands counted in a second shuffle by pair) -> candidate limits on the client -> near pairs
    verified on the partition of the first paragraph (the second's fingerprint is fetched
    worker-to-worker) -> containment candidates by a shuffle joining paragraphs' shingles with
    long blocks' shingles (anchors, and how many blocks hold each shingle) and one of sampled
    shingles, checked on the block's partition -> connected components on the client ->
    ``build_clusters`` per group of components on workers -> merged and numbered on the client.

Every step is the local engine's function, run where the data is: selection and signing
(``detect.signed_here``, ``detect.taking_part``), exact groups (``fingerprint_table.FirstCopies``,
``copy_groups``), bucketing (``banding.band_buckets``, ``bucket_pairs``: a reducer holds every
key of its bands), candidate limits (``detect.candidate_limits``, ``banding.cap_candidates``),
the near-pair check (``verify_near_rows``), containment (``containment.heavy_and_flooded``,
``sampled_hits``, ``chosen_candidates``, ``contained_shares``, ``located``) and
``build_clusters``. This engine's own part is only the shuffles that bring each step its data.
"""

from __future__ import annotations

import dataclasses
import math
import operator
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from distributed import Client, Future, LocalCluster

from ...config import Config
from ...ingest import collect_sources, read_listed
from ...model import Cluster, Containment, Document, ParagraphRef, SegmentedDocument, Skipped
from ...runtime.timing import Laps
from ...segment.boilerplate import load_rules
from ...segment.paragraphs import segment
from .. import detect
from ..banding import (
    band_buckets,
    band_keys,
    bucket_pairs,
    cap_candidates,
    choose_bands,
    choose_min_bands,
    tiebreak_band,
)
from ..clusters import UnionFind, build_clusters
from ..containment import (
    COMMON_SHINGLE,
    ContainerIndex,
    chosen_candidates,
    contained_shares,
    heavy_and_flooded,
    located,
    sampled_hits,
    sampled_shingles,
)
from ..detect import WINDOW_KEYS, Clusters, candidate_limits, signed_here, taking_part
from ..fingerprint import Fingerprint
from ..fingerprint_table import FirstCopies, copy_groups
from ..near_pairs import NearPair, verify_near_rows
from . import EngineError

ANCHORS = ContainerIndex({}).anchors  # smallest shingles looked up per paragraph (containment.py)
Taken = dict[ParagraphRef, tuple[Fingerprint, str | None]]  # fingerprints (and texts) sent between workers


@dataclass
class Part:
    """One partition, living on a worker: its documents and their fingerprints."""

    segmented: list[SegmentedDocument]
    skipped: list[Skipped]
    refs: list[tuple[int, int]]  # (local doc, paragraph index) of each fingerprinted paragraph
    fingerprints: list[Fingerprint]
    signatures: np.ndarray  # one row per fingerprinted paragraph
    window_owners: list[int]  # position in ``refs`` of each window's paragraph
    window_signatures: np.ndarray


@dataclass(frozen=True)
class DaskResult:
    documents: tuple[tuple[str, str], ...]  # (path, content hash), in the local engine's order
    skipped: tuple[Skipped, ...]
    clusters: tuple[Cluster, ...]


# --------------------------------------------------------------------------- on workers


def _ingest(sources: Sequence[tuple[object, bool]], config: Config) -> Part:
    rules = load_rules(tuple(config.segment.boilerplate_rules))
    segs: list[SegmentedDocument] = []
    skipped: list[Skipped] = []
    for source, reference in sources:
        if isinstance(source, Skipped):
            skipped.append(source)
            continue
        for item in read_listed(source, config):  # type: ignore[arg-type]
            if isinstance(item, Skipped):
                skipped.append(item)
            else:
                document: Document = dataclasses.replace(item, reference=True) if reference else item
                segs.append(segment(document, config, rules))
    return _signed_part(segs, skipped, config)


def _signed_part(segs: list[SegmentedDocument], skipped: list[Skipped], config: Config) -> Part:
    """A partition's pages signed by the local engine's step functions (``detect.signed_here``,
    ``detect.taking_part``), kept as this engine's per-paragraph fingerprints."""
    refs: list[tuple[int, int]] = []
    fingerprints: list[Fingerprint] = []
    paragraph_signatures: list[np.ndarray] = []
    window_owners: list[int] = []
    window_signatures: list[np.ndarray] = []
    for batch, found, sigs in signed_here(segs, config):
        kept, windows, owner_rows = taking_part(batch, found, config)
        position = np.full(len(batch.paragraphs), -1, dtype=np.int64)
        position[kept] = np.arange(len(refs), len(refs) + len(kept))
        pieces = found.pieces()
        for row in kept.tolist():
            paragraph = batch.paragraphs[row]
            refs.append((batch.docs[row], batch.indexes[row]))
            fingerprints.append(Fingerprint(paragraph.text, content_hash=found.content_hashes[row],
                                            words=found.words[row], shingles=pieces[row]))
        paragraph_signatures.append(sigs[kept])
        window_owners.extend(position[owner_rows].tolist())
        window_signatures.append(sigs[len(batch.paragraphs) + windows])
    empty = np.empty((0, config.dedup.num_perm), dtype=np.uint32)
    return Part(
        segmented=segs, skipped=skipped, refs=refs, fingerprints=fingerprints,
        signatures=np.concatenate(paragraph_signatures) if paragraph_signatures else empty,
        window_owners=window_owners,
        window_signatures=np.concatenate(window_signatures) if window_signatures else empty,
    )


def _summary(part: Part) -> tuple[list[tuple[str, str]], list[Skipped], np.ndarray, list[tuple[int, int]],
                                  list[int], np.ndarray]:
    """What the client may know of a partition: names, hashes, positions and shingle counts
    (for the candidate limits), never text."""
    docs = [(s.document.path, s.document.content_hash) for s in part.segmented]
    hashes = np.array([fp.content_hash for fp in part.fingerprints], dtype=np.uint64)
    sizes = np.fromiter((len(fp.shingles) for fp in part.fingerprints), dtype=np.int64, count=len(hashes))
    return docs, part.skipped, hashes, part.refs, part.window_owners, sizes


Banded = tuple[int, np.ndarray, np.ndarray, np.ndarray | None]  # band, keys, its values, tiebreak values


def band_items(part: Part, reps: np.ndarray, par_offset: int, win_offset: int, bands: int, rows: int,
                reducers: int) -> list[list[Banded]]:
    """For each reducer, each band of its share (band number modulo reducers) as (band, keys,
    the band's values, the values of its ``tiebreak_band``) of this partition's representatives
    and windows: a reducer then holds every key of its bands, as ``band_buckets`` needs."""
    keys = np.r_[par_offset + np.flatnonzero(reps),
                 WINDOW_KEYS + win_offset + np.arange(len(part.window_owners))].astype(np.uint64)
    sigs = np.concatenate([part.signatures[reps], part.window_signatures]) if len(keys) else \
        np.empty((0, bands * rows), dtype=np.uint32)
    out: list[list[Banded]] = [[] for _ in range(reducers)]
    for band in range(bands):
        tie = tiebreak_band(band)
        out[band % reducers].append((band, keys, sigs[:, band * rows : (band + 1) * rows],
                                     sigs[:, tie * rows : (tie + 1) * rows] if tie < bands else None))
    return out


ByPair = list[tuple[np.ndarray, np.ndarray]]  # (pair codes, shared bands) for each reducer


def band_pairs(reducers: int, max_bucket: int, *items: list[Banded]) -> tuple[ByPair, tuple[int, int]]:
    """Pairs sharing a bucket in this reducer's bands, with how many bands, split by pair over
    reducers: each band bucketed by the local engine's ``band_buckets`` (bucket limit, oversized
    buckets paired in blocks ordered by the tiebreak band) and paired by ``bucket_pairs``; a
    window is never a pair's first key. Also the oversized buckets met and their members."""
    by_band: dict[int, list[Banded]] = defaultdict(list)
    for chunk in items:
        for banded in chunk:
            by_band[banded[0]].append(banded)
    found = [np.empty(0, dtype=np.uint64)]
    oversized = [0, 0]

    def count_oversized(sizes: np.ndarray) -> None:  # as CandidateIndex counts them
        oversized[0] += len(sizes)
        oversized[1] += int(sizes.sum())

    for band in sorted(by_band):
        pieces = by_band[band]
        keys = np.concatenate([keys for _, keys, _, _ in pieces])
        values = np.concatenate([values for _, _, values, _ in pieces])
        ties = [tie for _, _, _, tie in pieces]
        order = np.argsort(keys, kind="stable")
        tiebreak = None if ties[0] is None else band_keys(np.concatenate(ties))[order]  # type: ignore[arg-type]
        buckets = band_buckets(values, order, max_bucket, count_oversized, tiebreak)
        found.append(bucket_pairs(buckets, keys[order], 0, WINDOW_KEYS))
    codes, counts = np.unique(np.concatenate(found), return_counts=True)
    where = codes % np.uint64(reducers)
    return [(codes[where == r], counts[where == r]) for r in range(reducers)], (oversized[0], oversized[1])


def _for_reducer(band_out: tuple[ByPair, tuple[int, int]], reducer: int) -> tuple[np.ndarray, np.ndarray]:
    return band_out[0][reducer]


def _oversized(band_out: tuple[ByPair, tuple[int, int]]) -> tuple[int, int]:
    return band_out[1]


def count_pairs(min_bands: int, *parts: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The pairs sharing at least ``min_bands`` bands, with how many they share."""
    codes = np.concatenate([p[0] for p in parts])
    counts = np.concatenate([p[1] for p in parts])
    unique, inverse = np.unique(codes, return_inverse=True)
    total = np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.int64)
    return unique[total >= min_bands], total[total >= min_bands]


def capped_pairs(codes: np.ndarray, counts: np.ndarray, is_rep: np.ndarray, sizes: np.ndarray,
            window_sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """(firsts, seconds) of the candidate pairs (codes: first << 32 | second) left by the local
    engine's candidate limits (``detect.candidate_limits``, ``banding.cap_candidates``), keys
    numbered as the local engine numbers them: representatives in run order, then windows; and
    how many keys lost candidates."""
    firsts = (codes >> np.uint64(32)).astype(np.int64)
    seconds = (codes & np.uint64(0xFFFFFFFF)).astype(np.int64)
    reps = np.flatnonzero(is_rep)
    node_of = np.full(len(is_rep), -1, dtype=np.int64)
    node_of[reps] = np.arange(len(reps))
    window = seconds >= WINDOW_KEYS
    second_nodes = np.where(window, len(reps) + seconds - WINDOW_KEYS, node_of[np.where(window, 0, seconds)])
    nodes = np.stack([node_of[firsts], second_nodes], axis=1)
    most = candidate_limits(sizes[reps], window_sizes)
    kept, lost = cap_candidates(np.arange(len(codes)), counts, nodes, most)
    return firsts[kept], seconds[kept], len(lost)


def _take(part: Part, doc_offset: int, wanted: Sequence[ParagraphRef], text: bool = False
          ) -> dict[ParagraphRef, tuple[Fingerprint, str | None]]:
    """Fingerprints (and paragraph texts) of some of this partition's paragraphs, for another one."""
    position = {(doc_offset + d, i): n for n, (d, i) in enumerate(part.refs)}
    out = {}
    for ref in wanted:
        fp = part.fingerprints[position[(ref.doc, ref.index)]]
        body = part.segmented[ref.doc - doc_offset].paragraphs[ref.index].text if text else None
        out[ref] = (fp, body)
    return out


def _local(part: Part, doc_offset: int) -> dict[ParagraphRef, Fingerprint]:
    pairs = zip(part.refs, part.fingerprints, strict=True)
    return {ParagraphRef(doc_offset + d, i): fp for (d, i), fp in pairs}


def _verify(part: Part, doc_offset: int, pairs: Sequence[tuple[ParagraphRef, ParagraphRef]], threshold: float,
            min_fuzz: float, *taken: dict[ParagraphRef, tuple[Fingerprint, str | None]]) -> list[NearPair]:
    """The local engine's near-pair check (``verify_near_rows``) of candidates whose first paragraph
    is here; the second's fingerprint may come from another partition (``taken``)."""
    fps = _local(part, doc_offset)
    for more in taken:
        fps.update({ref: fp for ref, (fp, _) in more.items()})
    refs = sorted({ref for pair in pairs for ref in pair})
    row = {ref: n for n, ref in enumerate(refs)}
    rows = np.array([(row[a], row[b]) for a, b in pairs], dtype=np.int64).reshape(-1, 2)
    return verify_near_rows(rows, refs, [fps[ref] for ref in refs], threshold, min_fuzz)


ANCHOR, CONTAINER, OTHER = np.uint64(0), np.uint64(1), np.uint64(2)  # kinds of rows in the anchor join


def _anchor_items(part: Part, doc_offset: int, reps: np.ndarray, containers: np.ndarray, codes: np.ndarray,
                  reducers: int) -> list[np.ndarray]:
    """(shingle, paragraph code, kind) of every shingle of representatives (``ANCHOR`` for the
    smallest ``ANCHORS``, else ``OTHER``) and of long blocks (``CONTAINER``), split by shingle
    over reducers: the join finds blocks holding a paragraph's anchor, and how many blocks hold
    each of its shingles (``containment.heavy_and_flooded``)."""
    rows = []
    for n in np.flatnonzero(reps).tolist():
        shingles = part.fingerprints[n].shingles
        kinds = np.full(len(shingles), OTHER, dtype=np.uint64)
        kinds[:ANCHORS] = ANCHOR
        rows.append(np.stack([shingles, np.full(len(shingles), codes[n], dtype=np.uint64), kinds], axis=1))
    for n in np.flatnonzero(containers).tolist():
        shingles = part.fingerprints[n].shingles
        rows.append(np.stack([shingles, np.full(len(shingles), codes[n], dtype=np.uint64),
                              np.full(len(shingles), CONTAINER, dtype=np.uint64)], axis=1))
    data = np.concatenate(rows) if rows else np.empty((0, 3), dtype=np.uint64)
    where = data[:, 0] % np.uint64(reducers)
    return [data[where == r] for r in range(reducers)]


def _anchor_join(*items: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(inner code, container code) pairs sharing an anchor shingle, unique; and, per inner code
    seen here, how many of its shingles more than ``COMMON_SHINGLE`` blocks hold and how many
    blocks hold its shingles in all (summed over the reducers by the client)."""
    data = np.concatenate(items) if items else np.empty((0, 3), dtype=np.uint64)
    inner, outer = data[data[:, 2] != CONTAINER], data[data[:, 2] == CONTAINER]
    outer = outer[np.argsort(outer[:, 0], kind="stable")]
    lo = np.searchsorted(outer[:, 0], inner[:, 0], side="left")
    spans = np.searchsorted(outer[:, 0], inner[:, 0], side="right") - lo
    codes, at = np.unique(inner[:, 1].astype(np.int64), return_inverse=True)
    n_common = np.bincount(at[spans > COMMON_SHINGLE], minlength=len(codes))
    span_sums = np.bincount(at, weights=spans, minlength=len(codes)).astype(np.int64)
    anchors = inner[:, 2] == ANCHOR
    lo, spans, inner = lo[anchors], spans[anchors], inner[anchors]
    hit = np.repeat(lo, spans) + np.arange(int(spans.sum())) - np.repeat(np.cumsum(spans) - spans, spans)
    pairs = np.stack([np.repeat(inner[:, 1], spans), outer[hit, 1]], axis=1) if len(hit) else \
        np.empty((0, 2), dtype=np.uint64)
    return np.unique(pairs, axis=0), codes, n_common, span_sums


def _sampled_items(part: Part, reps: np.ndarray, codes: np.ndarray, reducers: int) -> list[np.ndarray]:
    """(shingle, paragraph code, words) of the sampled shingles of representatives
    (``containment.sampled_shingles``), split by shingle over reducers."""
    rows = []
    for n in np.flatnonzero(reps).tolist():
        fp = part.fingerprints[n]
        sampled, _ = sampled_shingles(fp.shingles, np.array([len(fp.shingles)]))
        rows.append(np.stack([sampled, np.full(len(sampled), codes[n], dtype=np.uint64),
                              np.full(len(sampled), fp.words, dtype=np.uint64)], axis=1))
    data = np.concatenate(rows) if rows else np.empty((0, 3), dtype=np.uint64)
    where = data[:, 0] % np.uint64(reducers)
    return [data[where == r] for r in range(reducers)]


def _sampled_join(width: int, *items: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``containment.sampled_hits`` of one reducer's shingles (each shingle's every holder is here), as
    global pair codes (inner * width + container), their hits, and usable counts per paragraph."""
    data = np.concatenate(items) if items else np.empty((0, 3), dtype=np.uint64)
    known, local = np.unique(data[:, 1].astype(np.int64), return_inverse=True)
    words = np.zeros(len(known), dtype=np.int64)
    words[local] = data[:, 2].astype(np.int64)
    codes, hits, usable = sampled_hits(data[:, 0], local.astype(np.int64), words, max(len(known), 1))
    inner, outer = np.divmod(codes, max(len(known), 1))
    return known[inner] * width + known[outer], hits, known, usable


def _contain(part: Part, doc_offset: int, pairs: Sequence[tuple[ParagraphRef, ParagraphRef]],
             min_share: float, *taken: Taken) -> list[Containment]:
    """The containment checks (``containment.contained_shares``, as the local engine's
    ``verify_contained``) for (inner, container) candidates whose container is here; the inners'
    fingerprints and texts come from their partitions (``taken``)."""
    inners: dict[ParagraphRef, tuple[Fingerprint, str | None]] = {}
    for more in taken:
        inners.update(more)
    fingerprints = {**_local(part, doc_offset), **{ref: fp for ref, (fp, _) in inners.items()}}
    refs = sorted({ref for pair in pairs for ref in pair})
    row = {ref: n for n, ref in enumerate(refs)}
    rows = np.array([(row[inner], row[container]) for inner, container in pairs],
                    dtype=np.int64).reshape(-1, 2)
    return [located(inner, container, inners[inner][1] or "",
                    part.segmented[container.doc - doc_offset].paragraphs[container.index], share)
            for inner, container, share in contained_shares(rows, refs, fingerprints, min_share)]


def _clusters(groups: list[list[ParagraphRef]], near: list[NearPair], containment: list[Containment],
              threshold: float, *taken: dict[ParagraphRef, tuple[Fingerprint, str | None]],
              ) -> tuple[Cluster, ...]:
    fps: dict[ParagraphRef, Fingerprint] = {}
    for more in taken:
        fps.update({ref: fp for ref, (fp, _) in more.items()})
    return build_clusters(groups, near, containment, fps, threshold)


# --------------------------------------------------------------------------- on the client


def _sources(paths: Sequence[str], config: Config) -> list[tuple[object, bool]]:
    """Inputs in the order ``audit.load_corpus`` reads them (listing only: nothing is read)."""
    if "-" in paths:
        raise EngineError("the dask engine reads files on the workers; standard input ('-') is not supported")
    out: list[tuple[object, bool]] = [(s, False) for s in collect_sources(paths, config)]
    for path in config.provenance.reference:
        out.extend((s, True) for s in collect_sources([path], config))
    return out


def _split(items: Sequence[object], parts: int) -> list[Sequence[object]]:
    size = max(1, math.ceil(len(items) / max(parts, 1)))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _workers(client: Client) -> int:
    return max(len(client.scheduler_info().get("workers", {})), 1)


def detect_dask(paths: Sequence[str], config: Config, client: Client,
                partitions: int | None = None) -> DaskResult:
    """Ingest ``paths`` on the workers (the public ingest API, partition by partition) and find
    their duplicates on the cluster behind ``client``: for a corpus the client does not read."""
    sources = _sources(paths, config)
    chunks = _split(sources, partitions or max(4 * _workers(client), len(sources) // 500))
    parts = [client.submit(_ingest, chunk, config, pure=False) for chunk in chunks]
    return _detect_parts(client, parts, config)


def detect_dask_pages(segmented: Sequence[SegmentedDocument], config: Config, client: Client,
                      partitions: int | None = None) -> tuple[Cluster, ...]:
    """The duplicates of the pages given (read and segmented by the caller, as the CLI's run
    does), found on the cluster: the pages are sent to the workers in partitions, a partition
    at a time (a spooled page store is read once), and signed there by the local steps."""
    total = len(segmented)
    size = max(1, math.ceil(total / max(partitions or max(4 * _workers(client), total // 500), 1)))
    parts: list[Future] = []
    chunk: list[SegmentedDocument] = []

    def sent(pages: list[SegmentedDocument]) -> Future:
        [held] = client.scatter([pages], hash=False)  # one object per partition, not one per page
        return client.submit(_signed_part, held, [], config, pure=False)

    for seg in segmented:
        chunk.append(seg)
        if len(chunk) == size:
            parts.append(sent(chunk))
            chunk = []
    if chunk or not parts:
        parts.append(sent(chunk))
    return _detect_parts(client, parts, config).clusters


def _detect_parts(client: Client, parts: list[Future], config: Config) -> DaskResult:
    """Detection over signed partitions (``Part``s on the workers), the steps in the module
    docstring."""
    reducers = 2 * _workers(client)
    step_seconds: dict[str, float] = {}  # per step as the client waits for it (the local engine's names)
    clock = Laps(step_seconds)
    summaries = client.gather([client.submit(_summary, p) for p in parts])
    clock.lap("fingerprint+sign")  # with ingest and segmentation when the workers read the files

    # numbering: documents, fingerprinted paragraphs and windows, partition by partition
    doc_offsets, par_offsets, win_offsets = [], [], []
    documents: list[tuple[str, str]] = []
    skipped: list[Skipped] = []
    refs: list[ParagraphRef] = []
    hashes: list[np.ndarray] = []
    sizes: list[np.ndarray] = []
    window_owner: list[ParagraphRef] = []
    for docs, skips, part_hashes, part_refs, owners, part_sizes in summaries:
        doc_offsets.append(len(documents))
        par_offsets.append(len(refs))
        win_offsets.append(len(window_owner))
        base = len(documents)
        part_global = [ParagraphRef(base + d, i) for d, i in part_refs]
        refs.extend(part_global)
        window_owner.extend(part_global[n] for n in owners)
        documents.extend(docs)
        skipped.extend(skips)
        hashes.append(part_hashes)
        sizes.append(part_sizes)
    all_hashes = np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint64)
    all_sizes = np.concatenate(sizes) if sizes else np.empty(0, dtype=np.int64)
    part_of_gid = np.repeat(np.arange(len(parts)), [len(s[3]) for s in summaries])
    gid_of = {ref: gid for gid, ref in enumerate(refs)}

    # exact copies: the local engine's grouping (the first paragraph of a content hash represents it)
    is_rep = FirstCopies().firsts(all_hashes)
    groups = [[refs[gid] for gid in group.tolist()] for group in copy_groups(all_hashes)]

    # candidate pairs: band keys shuffled by band, then pair counts shuffled by pair
    bands, rows = choose_bands(config.dedup.threshold, config.dedup.num_perm)
    min_bands = choose_min_bands(config.dedup.threshold, bands, rows)
    rep_masks = [is_rep[par_offsets[p] : par_offsets[p] + len(summaries[p][3])] for p in range(len(parts))]
    banded = [client.submit(band_items, part, rep_masks[p], par_offsets[p], win_offsets[p], bands, rows,
                            reducers) for p, part in enumerate(parts)]
    band_out = [client.submit(band_pairs, reducers, detect.MAX_BUCKET,
                              *[client.submit(operator.getitem, b, r) for b in banded])
                for r in range(reducers)]
    counted = [client.submit(count_pairs, min_bands,
                             *[client.submit(_for_reducer, o, r) for o in band_out])
               for r in range(reducers)]
    counted_pairs = client.gather(counted)
    oversized = np.array(client.gather([client.submit(_oversized, o) for o in band_out]),
                         dtype=np.int64).reshape(-1, 2).sum(axis=0).tolist()
    found = np.concatenate([c for c, _ in counted_pairs])
    window_sizes = all_sizes[np.array([gid_of[ref] for ref in window_owner], dtype=np.int64)]
    firsts, seconds, capped = capped_pairs(found, np.concatenate([n for _, n in counted_pairs]), is_rep,
                                           all_sizes, window_sizes)
    notes = [detect.oversized_note(*oversized), detect.cap_note(capped, len(found), len(firsts))]
    clock.lap("exact groups+LSH candidates")
    within = seconds < WINDOW_KEYS

    # near pairs, verified on the partition of the first paragraph
    by_part: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b in zip(firsts[within].tolist(), seconds[within].tolist(), strict=True):
        by_part[int(part_of_gid[a])].append((a, b))
    near_futures = []
    for p, gid_pairs in sorted(by_part.items()):
        foreign = _foreign([b for _, b in gid_pairs], part_of_gid, refs, p)
        taken = [client.submit(_take, parts[q], doc_offsets[q], wanted) for q, wanted in foreign.items()]
        pairs = [(refs[a], refs[b]) for a, b in gid_pairs]
        near_futures.append(client.submit(_verify, parts[p], doc_offsets[p], pairs, config.dedup.threshold,
                                          config.dedup.min_fuzz, *taken))
    near: list[NearPair] = [pair for chunk in client.gather(near_futures) for pair in chunk]
    clock.lap("verify near")

    # containment: window matches plus anchors joined with long blocks' shingles (find_containment's
    # candidates), then sampled shingles (containment_candidates_of's)
    candidates: set[tuple[int, int]] = set()
    for a, b in zip(firsts[~within].tolist(), seconds[~within].tolist(), strict=True):
        candidates.add((a, gid_of[window_owner[b - WINDOW_KEYS]]))
    is_container = np.zeros(len(refs), dtype=bool)
    is_container[[gid_of[ref] for ref in set(window_owner)]] = True
    gid_codes = np.arange(len(refs), dtype=np.uint64)
    anchored = [client.submit(_anchor_items, part, doc_offsets[p], rep_masks[p],
                              is_container[par_offsets[p] : par_offsets[p] + len(summaries[p][3])],
                              gid_codes[par_offsets[p] : par_offsets[p] + len(summaries[p][3])], reducers)
                for p, part in enumerate(parts)]
    joined = [client.submit(_anchor_join, *[client.submit(operator.getitem, a, r) for a in anchored])
              for r in range(reducers)]
    n_common = np.zeros(len(refs), dtype=np.int64)
    span_sums = np.zeros(len(refs), dtype=np.int64)
    for pairs_array, codes_seen, common_seen, spans_seen in client.gather(joined):
        candidates.update(map(tuple, pairs_array.astype(np.int64).tolist()))
        np.add.at(n_common, codes_seen, common_seen)
        np.add.at(span_sums, codes_seen, spans_seen)
    # as find_containment: a flooded inner is not looked up inside long blocks
    _, flooded = heavy_and_flooded(all_sizes, n_common, span_sums, config.dedup.containment)
    flooded &= is_rep & is_container.any()  # find_containment looks up representatives, if blocks exist
    candidates = {pair for pair in candidates if not flooded[pair[0]]}
    notes.append(detect.flooded_note(int(flooded.sum())))
    # any paragraph inside a longer one: sampled shingles joined by shingle (as containment_candidates_of)
    sampled = [client.submit(_sampled_items, part, rep_masks[p],
                             gid_codes[par_offsets[p] : par_offsets[p] + len(summaries[p][3])], reducers)
               for p, part in enumerate(parts)]
    sampled_out = client.gather([client.submit(_sampled_join, len(refs),
                                               *[client.submit(operator.getitem, a, r) for a in sampled])
                                 for r in range(reducers)])
    usable = np.zeros(len(refs), dtype=np.int64)
    for _, _, known, counts in sampled_out:
        np.add.at(usable, known, counts)
    pair_codes = np.concatenate([c for c, _, _, _ in sampled_out]) if sampled_out else np.empty(0, np.int64)
    pair_hits = np.concatenate([h for _, h, _, _ in sampled_out]) if sampled_out else np.empty(0, np.int64)
    pair_codes, inverse = np.unique(pair_codes, return_inverse=True)
    pair_hits = np.bincount(inverse, weights=pair_hits, minlength=len(pair_codes)).astype(np.int64)
    inside = chosen_candidates(pair_codes, pair_hits, usable, len(refs), config.dedup.containment)
    candidates.update(map(tuple, inside.tolist()))  # verified as the others, not added as long blocks
    by_container: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for inner, outer in sorted(candidates):
        by_container[int(part_of_gid[outer])].append((inner, outer))
    contain_futures = []
    for p, gid_pairs in sorted(by_container.items()):
        wanted: dict[int, list[ParagraphRef]] = defaultdict(list)
        for inner in sorted({a for a, _ in gid_pairs}):
            wanted[int(part_of_gid[inner])].append(refs[inner])
        taken = [client.submit(_take, parts[q], doc_offsets[q], w, True) for q, w in wanted.items()]
        contain_futures.append(client.submit(_contain, parts[p], doc_offsets[p],
                                             [(refs[a], refs[b]) for a, b in gid_pairs],
                                             config.dedup.containment,
                                             *taken))
    containment = [c for chunk in client.gather(contain_futures) for c in chunk]
    clock.lap("containment")

    clusters = _assemble(client, parts, doc_offsets, refs, part_of_gid, gid_of, groups, near, containment,
                         reducers, config.dedup.threshold)
    del parts  # released with the last reference: the corpus leaves the workers' memory
    clock.lap("clusters")
    return DaskResult(tuple(documents), tuple(skipped), Clusters(clusters, filter(None, notes), step_seconds))


def _foreign(gids: Sequence[int], part_of_gid: np.ndarray, refs: Sequence[ParagraphRef], here: int
             ) -> dict[int, list[ParagraphRef]]:
    wanted: dict[int, list[ParagraphRef]] = defaultdict(list)
    for gid in sorted(set(gids)):
        q = int(part_of_gid[gid])
        if q != here:
            wanted[q].append(refs[gid])
    return wanted


def _assemble(client: Client, parts: list[Future], doc_offsets: list[int], refs: list[ParagraphRef],
              part_of_gid: np.ndarray, gid_of: dict[ParagraphRef, int], groups: list[list[ParagraphRef]],
              near: list[NearPair], containment: list[Containment], reducers: int,
              threshold: float) -> tuple[Cluster, ...]:
    """Components from the edges on the client; each reducer builds the clusters of its components
    with ``build_clusters`` (fingerprints fetched from the partitions); numbered here."""
    uf = UnionFind()
    for group in groups:
        if len(group) > 1:
            for ref in group:
                uf.union(group[0], ref)
    for pair in near:
        uf.union(pair.first, pair.second)
    for item in containment:
        uf.find(item.contained)
    reducer_of = {root: n % reducers for n, root in enumerate(sorted({uf.find(r) for r in uf.parent}))}
    work: list[tuple[list, list, list, set[ParagraphRef]]] = [([], [], [], set()) for _ in range(reducers)]
    for group in groups:
        if group[0] in uf.parent:
            r = reducer_of[uf.find(group[0])]
            work[r][0].append(group)
            work[r][3].update(group)
    for pair in near:
        r = reducer_of[uf.find(pair.first)]
        work[r][1].append(pair)
        work[r][3].update((pair.first, pair.second))
    for item in containment:
        r = reducer_of[uf.find(item.contained)]
        work[r][2].append(item)
        work[r][3].add(item.contained)
    futures = []
    for r_groups, r_near, r_containment, members in work:
        if not members:
            continue
        wanted: dict[int, list[ParagraphRef]] = defaultdict(list)
        for ref in sorted(members):
            wanted[int(part_of_gid[gid_of[ref]])].append(ref)
        taken = [client.submit(_take, parts[q], doc_offsets[q], w) for q, w in wanted.items()]
        futures.append(client.submit(_clusters, r_groups, r_near, r_containment, threshold, *taken))
    merged = sorted((c for chunk in client.gather(futures) for c in chunk), key=lambda c: c.members[0].ref)
    return tuple(dataclasses.replace(c, cluster_id=f"C{i:04d}") for i, c in enumerate(merged, start=1))


# --------------------------------------------------------------------------- the CLI's entry point


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Client]:
    """A client of the cluster at ``scheduler``, or of a local cluster of ``workers`` processes."""
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as err:
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from err
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, Client(cluster) as client:
        yield client


def detector(client: Client) -> Callable[[Sequence[SegmentedDocument], Config], tuple[Cluster, ...]]:
    """A ``(segmented, config) -> clusters`` function for ``run_audit`` backed by the cluster.

    The run reads and segments the corpus once (its later stages need the text) and the
    workers detect on those pages (``detect_dask_pages``): the same input as the local engine by
    construction, from any source the run reads (standard input included)."""

    def detect(segmented: Sequence[SegmentedDocument], config: Config) -> tuple[Cluster, ...]:
        return detect_dask_pages(segmented, config, client)

    return detect
