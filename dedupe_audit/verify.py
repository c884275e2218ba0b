"""Turn LSH candidates into verified findings: exact groups, near pairs, containment.

Nothing is reported on MinHash estimates alone: every near pair is checked with the
exact Jaccard of its shingle sets and a rapidfuzz ratio, and every containment with the
exact share of shingles found in the container plus a rapidfuzz alignment (the span).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xxhash
from rapidfuzz import fuzz

from .fingerprint import Fingerprint
from .model import Cluster, ClusterMember, Containment, ParagraphRef, SegmentedDocument


@dataclass(frozen=True, slots=True)
class NearPair:
    first: ParagraphRef
    second: ParagraphRef
    jaccard: float
    fuzz: float


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard of two sorted unique shingle arrays."""
    if len(a) == 0 and len(b) == 0:
        return 1.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def contained_share(inner: np.ndarray, outer: np.ndarray) -> float:
    """Share of ``inner``'s shingles that also occur in ``outer``."""
    if len(inner) == 0:
        return 0.0
    return len(np.intersect1d(inner, outer, assume_unique=True)) / len(inner)


def exact_groups(fingerprints: Mapping[ParagraphRef, Fingerprint]) -> list[list[ParagraphRef]]:
    """Paragraphs identical after normalization, grouped; each group sorted, groups too."""
    groups: dict[int, list[ParagraphRef]] = defaultdict(list)
    for ref in sorted(fingerprints):
        groups[fingerprints[ref].content_hash].append(ref)
    return sorted(groups.values())


def verify_near(
    pairs: Iterable[tuple[ParagraphRef, ParagraphRef]],
    fingerprints: Mapping[ParagraphRef, Fingerprint],
    threshold: float,
    min_fuzz: float,
) -> list[NearPair]:
    """Candidate pairs that really are near-duplicates (both checks pass)."""
    verified: list[NearPair] = []
    for first, second in pairs:
        a, b = fingerprints[first], fingerprints[second]
        score = jaccard(a.shingles, b.shingles)
        if score < threshold:
            continue
        ratio = fuzz.ratio(a.normalized, b.normalized)
        if ratio >= min_fuzz:
            verified.append(NearPair(first, second, score, ratio))
    return verified


class ContainerIndex:
    """Shingles of long paragraphs, to ask "which long block holds this text?".

    A paragraph mostly contained in a block shares its smallest shingle hashes with it
    with high probability (each is a uniform pick among its shingles), so looking up a
    few of them finds candidate containers without comparing against every block.
    """

    def __init__(self, containers: Mapping[ParagraphRef, Fingerprint], anchors: int = 6) -> None:
        self.anchors = anchors
        self.refs = sorted(containers)
        self.fingerprints = containers
        if self.refs:
            hashes = [containers[ref].shingles for ref in self.refs]
            owners = np.repeat(np.arange(len(self.refs)), [len(h) for h in hashes])
            flat = np.concatenate(hashes)
            order = np.argsort(flat, kind="stable")
            self.hashes, self.owners = flat[order], owners[order]
        else:
            self.hashes = np.empty(0, dtype=np.uint64)
            self.owners = np.empty(0, dtype=np.int64)

    def candidates(self, fingerprint: Fingerprint) -> list[ParagraphRef]:
        probes = fingerprint.shingles[: self.anchors]
        lo = np.searchsorted(self.hashes, probes, side="left")
        hi = np.searchsorted(self.hashes, probes, side="right")
        owners = {int(o) for start, end in zip(lo, hi, strict=True) for o in self.owners[start:end]}
        return [self.refs[o] for o in sorted(owners)]


def align(inner_text: str, container_text: str) -> tuple[int, int, float]:
    """Offsets in the container where the inner text aligns best, and the score."""
    found = fuzz.partial_ratio_alignment(inner_text, container_text)
    if found is None:
        return 0, 0, 0.0
    return found.dest_start, found.dest_end, found.score


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[ParagraphRef, ParagraphRef] = {}

    def find(self, item: ParagraphRef) -> ParagraphRef:
        parent = self.parent.setdefault(item, item)
        if parent != item:
            parent = self.parent[item] = self.find(parent)
        return parent

    def union(self, a: ParagraphRef, b: ParagraphRef) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            # The smaller ref becomes the root: deterministic whatever the edge order.
            low, high = sorted((root_a, root_b))
            self.parent[high] = low

    def groups(self) -> list[list[ParagraphRef]]:
        out: dict[ParagraphRef, list[ParagraphRef]] = defaultdict(list)
        for item in sorted(self.parent):
            out[self.find(item)].append(item)
        return sorted(out.values())


def _containment(
    inner: ParagraphRef,
    container: ParagraphRef,
    fingerprints: Mapping[ParagraphRef, Fingerprint],
    segmented: Sequence[SegmentedDocument],
    share: float,
) -> Containment:
    inner_text = segmented[inner.doc].paragraphs[inner.index].text
    outer = segmented[container.doc].paragraphs[container.index]
    start, end, score = align(inner_text, outer.text)
    return Containment(
        container=container,
        contained=inner,
        start=outer.start + start,
        end=outer.start + end,
        share=round(share, 4),
        fuzz=round(score, 2),
    )


MAX_HITS = 10_000_000  # (inner shingle, container) hits expanded at once in find_containment


def find_containment(
    inners: Iterable[ParagraphRef],
    fingerprints: Mapping[ParagraphRef, Fingerprint],
    containers: ContainerIndex,
    segmented: Sequence[SegmentedDocument],
    min_share: float,
    extra_candidates: Mapping[ParagraphRef, Iterable[ParagraphRef]] | None = None,
    batch: int = 2_000,
) -> list[Containment]:
    """Each inner paragraph found inside a clearly longer container paragraph.

    Candidates are the containers holding one of the inner's anchor shingles (or given in
    ``extra_candidates``); the exact shared-shingle counts of a batch of inners against all
    containers come from one pass over the container index instead of one set
    intersection per candidate (common trigrams make those candidates numerous).
    """
    if not containers.refs:
        return []
    position = {ref: i for i, ref in enumerate(containers.refs)}
    inner_list = list(inners)
    found: list[Containment] = []
    for lo in range(0, len(inner_list), batch):
        chunk = inner_list[lo : lo + batch]
        for inner_at, owner, share in _shares(chunk, fingerprints, containers, position,
                                              extra_candidates):
            inner, container = chunk[inner_at], containers.refs[owner]
            fp, outer = fingerprints[inner], containers.fingerprints[container]
            if container == inner or outer.words < 1.5 * fp.words or share < min_share:
                continue
            found.append(_containment(inner, container, fingerprints, segmented, share))
    return found


def _shares(
    chunk: Sequence[ParagraphRef],
    fingerprints: Mapping[ParagraphRef, Fingerprint],
    containers: ContainerIndex,
    position: Mapping[ParagraphRef, int],
    extra_candidates: Mapping[ParagraphRef, Iterable[ParagraphRef]] | None,
) -> list[tuple[int, int, float]]:
    """(inner position, container position, contained share) of each candidate, in order."""
    sets = [fingerprints[ref].shingles for ref in chunk]
    sizes = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
    if not sizes.any():
        return []
    flat = np.concatenate(sets)
    inner_of = np.repeat(np.arange(len(chunk)), sizes)
    rank = np.arange(len(flat)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    lo = np.searchsorted(containers.hashes, flat, side="left")
    hi = np.searchsorted(containers.hashes, flat, side="right")
    spans = hi - lo
    if spans.sum() > MAX_HITS and len(chunk) > 1:  # common shingles: halve to bound memory
        half = len(chunk) // 2
        first = _shares(chunk[:half], fingerprints, containers, position, extra_candidates)
        second = _shares(chunk[half:], fingerprints, containers, position, extra_candidates)
        return first + [(at + half, owner, share) for at, owner, share in second]
    hit = np.repeat(lo, spans) + np.arange(int(spans.sum())) - np.repeat(np.cumsum(spans) - spans, spans)
    width = np.uint64(len(containers.refs))
    codes = np.repeat(inner_of, spans).astype(np.uint64) * width + containers.owners[hit].astype(np.uint64)
    pairs, common = np.unique(codes, return_counts=True)
    anchored = np.unique(codes[np.repeat(rank < containers.anchors, spans)])
    candidates = set(anchored.tolist())
    if extra_candidates:
        for at, ref in enumerate(chunk):
            candidates.update(at * int(width) + position[c] for c in extra_candidates.get(ref, ()))
    counts = dict(zip(pairs.tolist(), common.tolist(), strict=True))
    out = []
    for code in sorted(candidates):
        at, owner = divmod(code, int(width))
        size = int(sizes[at])
        out.append((at, owner, counts.get(code, 0) / size if size else 0.0))
    return out


def content_fingerprint(fingerprints: Iterable[Fingerprint]) -> str:
    """Stable id of a cluster's content: independent of file order and line numbers."""
    smallest = min(fp.content_hash for fp in fingerprints)
    return xxhash.xxh3_64_hexdigest(smallest.to_bytes(8, "little"))


def build_clusters(
    groups: Sequence[Sequence[ParagraphRef]],
    near: Sequence[NearPair],
    containment: Sequence[Containment],
    fingerprints: Mapping[ParagraphRef, Fingerprint],
) -> tuple[Cluster, ...]:
    """Union exact groups and verified near pairs; attach containers; number them."""
    uf = UnionFind()
    for group in groups:
        for ref in group:
            uf.union(group[0], ref)
    for pair in near:
        uf.union(pair.first, pair.second)
    by_root: dict[ParagraphRef, list[Containment]] = defaultdict(list)
    for item in containment:
        by_root[uf.find(item.contained)].append(item)

    clusters: list[Cluster] = []
    for members in uf.groups():
        root = uf.find(members[0])
        member_set = set(members)
        held = [c for c in by_root.get(root, []) if c.container not in member_set]
        if len(members) < 2 and not held:
            continue
        clusters.append(_cluster(members, held, fingerprints))
    clusters.sort(key=lambda c: c.members[0].ref)
    return tuple(
        Cluster(
            cluster_id=f"C{i:04d}",
            kind=c.kind,
            members=c.members,
            containers=c.containers,
            similarity=c.similarity,
            fingerprint=c.fingerprint,
        )
        for i, c in enumerate(clusters, start=1)
    )


def _cluster(
    members: Sequence[ParagraphRef],
    held: Sequence[Containment],
    fingerprints: Mapping[ParagraphRef, Fingerprint],
) -> Cluster:
    first = fingerprints[members[0]]
    rows = []
    for ref in members:
        fp = fingerprints[ref]
        rows.append(
            ClusterMember(
                ref=ref,
                jaccard=round(jaccard(first.shingles, fp.shingles), 4),
                fuzz=round(fuzz.ratio(first.normalized, fp.normalized), 2),
            )
        )
    hashes = {fingerprints[ref].content_hash for ref in members}
    if len(members) < 2:
        kind = "contained"
    elif len(hashes) == 1:
        kind = "exact"
    else:
        kind = "near"
    best: dict[ParagraphRef, Containment] = {}
    for item in sorted(held, key=lambda c: (c.container, -c.share, c.contained)):
        best.setdefault(item.container, item)
    return Cluster(
        cluster_id="",
        kind=kind,
        members=tuple(rows),
        containers=tuple(best[ref] for ref in sorted(best)),
        similarity=min(row.jaccard for row in rows),
        fingerprint=content_fingerprint(fingerprints[ref] for ref in members),
    )
