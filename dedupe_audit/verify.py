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
    common = shared_count(a, b)
    return common / (len(a) + len(b) - common)


def shared_count(a: np.ndarray, b: np.ndarray) -> int:
    """Size of the intersection of two sorted unique arrays: a binary search of the smaller
    in the larger is ~3x faster than ``np.intersect1d`` (which concatenates and sorts)."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    found = np.searchsorted(b, a)
    found[found == len(b)] = 0
    return int(np.count_nonzero(b[found] == a))


def exact_groups(fingerprints: Mapping[ParagraphRef, Fingerprint]) -> list[list[ParagraphRef]]:
    """Paragraphs identical after normalization, grouped; each group sorted, groups too."""
    groups: dict[int, list[ParagraphRef]] = defaultdict(list)
    for ref in sorted(fingerprints, key=_ref_key):
        groups[fingerprints[ref].content_hash].append(ref)
    return list(groups.values())  # refs ascend, so the groups come in order of their first ref


def _ref_key(ref: ParagraphRef) -> tuple[int, int]:
    """Sort key equal to ParagraphRef's own order; tuples compare in C, refs in Python."""
    return ref.doc, ref.index


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
        small, large = sorted((len(a.shingles), len(b.shingles)))
        if small < threshold * large * _MARGIN:  # Jaccard <= small / large: cannot pass
            continue
        score = jaccard(a.shingles, b.shingles)
        if score < threshold:
            continue
        ratio = fuzz.ratio(a.normalized, b.normalized)
        if ratio >= min_fuzz:
            verified.append(NearPair(first, second, score, ratio))
    return verified


_MARGIN = 1 - 1e-9  # a size bound skips a pair only when float rounding cannot matter


def verify_near_rows(
    pairs: np.ndarray,
    refs: Sequence[ParagraphRef],
    fingerprints: Sequence[Fingerprint],
    threshold: float,
    min_fuzz: float,
) -> list[NearPair]:
    """``verify_near`` for candidate pairs given as an (m, 2) array of rows of ``refs`` and
    ``fingerprints``: the size bound runs vectorised and no ref is hashed, which at a million
    paragraphs (4M candidates) saves more than half of the verification time."""
    sizes = np.fromiter((len(fp.shingles) for fp in fingerprints), dtype=np.int64, count=len(fingerprints))
    if not len(pairs):
        return []
    a_size, b_size = sizes[pairs[:, 0]], sizes[pairs[:, 1]]
    small, large = np.minimum(a_size, b_size), np.maximum(a_size, b_size)
    pairs = pairs[~(small < threshold * large * _MARGIN)]
    flat = np.concatenate([fp.shingles for fp in fingerprints])
    offsets = np.r_[0, np.cumsum(sizes)]
    verified: list[NearPair] = []
    normal: dict[int, str] = {}  # normal forms are made on demand: once per row here

    def normal_form(row: int) -> str:
        found = normal.get(row)
        if found is None:
            found = normal[row] = fingerprints[row].normalized
        return found

    for lo in range(0, len(pairs), PAIRS_PER_CHUNK):
        chunk = pairs[lo : lo + PAIRS_PER_CHUNK]
        common = _pair_shared_counts(chunk, flat, offsets)
        total = sizes[chunk[:, 0]] + sizes[chunk[:, 1]]
        empty = total == 0
        scores = np.where(empty, 1.0, common / np.where(empty, 1, total - common))
        passed = scores >= threshold
        for (first, second), score in zip(chunk[passed].tolist(), scores[passed].tolist(), strict=True):
            ratio = fuzz.ratio(normal_form(first), normal_form(second))
            if ratio >= min_fuzz:
                verified.append(NearPair(refs[first], refs[second], score, ratio))
    return verified


PAIRS_PER_CHUNK = 100_000  # candidate pairs whose shingles are sorted together (~150 MB)


def _pair_shared_counts(pairs: np.ndarray, flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Exact ``shared_count`` of each pair of rows, all pairs in one sort.

    The shingles of both sets of every pair are sorted by (pair, top 40 bits of the hash)
    packed in one integer; a shared shingle is two neighbours with equal keys and equal
    hashes. Pairs where a key repeats with different hashes (~1 in 10**8) are counted again
    one by one, so the count is exact.
    """
    sizes = offsets[1:] - offsets[:-1]
    counts = np.concatenate([sizes[pairs[:, 0]], sizes[pairs[:, 1]]])
    starts = np.concatenate([offsets[pairs[:, 0]], offsets[pairs[:, 1]]])
    owner = np.tile(np.arange(len(pairs), dtype=np.uint64), 2)
    values = flat[_expand(starts, counts)]
    keys = (np.repeat(owner, counts) << np.uint64(40)) | (values >> np.uint64(24))
    order = np.argsort(keys)
    keys, values = keys[order], values[order]
    same_key = keys[1:] == keys[:-1]
    shared = same_key & (values[1:] == values[:-1])
    owners = (keys[1:] >> np.uint64(40)).astype(np.int64)
    out = np.bincount(owners[shared], minlength=len(pairs))
    for at in np.unique(owners[same_key & ~shared]).tolist():  # top bits collide: recount
        a, b = (flat[offsets[row] : offsets[row + 1]] for row in pairs[at].tolist())
        out[at] = shared_count(a, b)
    return out


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
        # One bit per value of the low hash bits: most shingles of a paragraph are in no long
        # block, and a bit test rules them out ~5x faster than two binary searches.
        bits = max(16, min(27, 2 * int(len(self.hashes)).bit_length()))  # at most 16 MB
        self._mask = np.uint64((1 << bits) - 1)
        self._bits = np.zeros(1 << (bits - 3), dtype=np.uint8)
        low = self.hashes & self._mask
        np.bitwise_or.at(self._bits, (low >> np.uint64(3)).astype(np.int64),
                         np.left_shift(1, (low & np.uint64(7)).astype(np.uint8)).astype(np.uint8))

    def lookup(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(first position, count) in ``hashes`` of each value; count 0 when absent."""
        low = values & self._mask
        byte = self._bits[(low >> np.uint64(3)).astype(np.int64)]
        where = np.flatnonzero((byte >> (low & np.uint64(7)).astype(np.uint8)) & 1)
        lo = np.zeros(len(values), dtype=np.int64)
        spans = np.zeros(len(values), dtype=np.int64)
        probes = values[where]
        lo[where] = np.searchsorted(self.hashes, probes, side="left")
        spans[where] = np.searchsorted(self.hashes, probes, side="right") - lo[where]
        return lo, spans

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
        for item in sorted(self.parent, key=_ref_key):
            out[self.find(item)].append(item)
        return sorted(out.values(), key=lambda group: _ref_key(group[0]))  # roots are firsts


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
# Shingles held by more containers than this are not counted pair by pair (see ``_shares``): at a
# million paragraphs common trigrams sit in hundreds of long blocks, and expanding them made the
# containment check grow quadratically (92 s at 1M). 16 keeps the survivors of the bound ~5k at 200k.
COMMON_SHINGLE = 16


def find_containment(
    inners: Iterable[ParagraphRef],
    fingerprints: Mapping[ParagraphRef, Fingerprint],
    containers: ContainerIndex,
    segmented: Sequence[SegmentedDocument],
    min_share: float,
    extra_candidates: Mapping[ParagraphRef, Iterable[ParagraphRef]] | None = None,
    batch: int = 20_000,
) -> list[Containment]:
    """Each inner paragraph found inside a clearly longer container paragraph.

    Candidates are the containers holding one of the inner's anchor shingles (or given in
    ``extra_candidates``); a candidate is kept when the exact share of the inner's shingles
    found in it reaches ``min_share``. Only candidates that can reach it are checked one by
    one (``_shares`` bounds the share in one vectorised pass over a batch of inners).
    """
    if not containers.refs:
        return []
    position = {ref: i for i, ref in enumerate(containers.refs)}
    inner_list = list(inners)
    found: list[Containment] = []
    for lo in range(0, len(inner_list), batch):
        chunk = inner_list[lo : lo + batch]
        for inner_at, owner, share in _shares(chunk, fingerprints, containers, position,
                                              extra_candidates, min_share):
            inner, container = chunk[inner_at], containers.refs[owner]
            fp, outer = fingerprints[inner], containers.fingerprints[container]
            if container == inner or outer.words < 1.5 * fp.words or share < min_share:
                continue
            found.append(_containment(inner, container, fingerprints, segmented, share))
    return found


def _expand(lo: np.ndarray, spans: np.ndarray) -> np.ndarray:
    """Positions lo[i] .. lo[i] + spans[i] - 1 of every i, concatenated."""
    total = int(spans.sum())
    return np.repeat(lo, spans) + np.arange(total) - np.repeat(np.cumsum(spans) - spans, spans)


def _shares(
    chunk: Sequence[ParagraphRef],
    fingerprints: Mapping[ParagraphRef, Fingerprint],
    containers: ContainerIndex,
    position: Mapping[ParagraphRef, int],
    extra_candidates: Mapping[ParagraphRef, Iterable[ParagraphRef]] | None,
    min_share: float = 0.0,
) -> list[tuple[int, int, float]]:
    """(inner position, container position, exact contained share) of the candidates that
    may reach ``min_share``, sorted; the others cannot pass and are left out.

    Why a bound: shared shingles are counted exactly only for shingles held by at most
    ``COMMON_SHINGLE`` containers; each commoner shingle of the inner is assumed shared.
    That upper bound rules out nearly every pair at once, and the few pairs it cannot
    rule out get an exact set intersection. Inners made mostly of common shingles (the
    bound rules out nothing) are counted over all their shingles instead.
    """
    sets = [fingerprints[ref].shingles for ref in chunk]
    sizes = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
    if not sizes.any():
        return []
    flat = np.concatenate(sets)
    inner_of = np.repeat(np.arange(len(chunk)), sizes)
    rank = np.arange(len(flat)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    lo, spans = containers.lookup(flat)
    common = spans > COMMON_SHINGLE
    n_common = np.bincount(inner_of[common], minlength=len(chunk))
    heavy = (sizes > 0) & (n_common >= min_share * sizes)  # the bound rules out nothing for these
    counted = np.where(common & ~heavy[inner_of], 0, spans)
    if counted.sum() > MAX_HITS and len(chunk) > 1:  # halve to bound memory
        half = len(chunk) // 2
        args = (fingerprints, containers, position, extra_candidates, min_share)
        first = _shares(chunk[:half], *args)
        return first + [(at + half, owner, share) for at, owner, share in _shares(chunk[half:], *args)]
    width = len(containers.refs)
    hit = _expand(lo, counted)
    codes = np.repeat(inner_of, counted).astype(np.int64) * width + containers.owners[hit]
    pairs, shared = np.unique(codes, return_counts=True)
    at = pairs // width
    possible = (heavy[at] | ((shared + n_common[at]) >= min_share * sizes[at])) & (sizes[at] > 0)
    counts = dict(zip(pairs[possible].tolist(), shared[possible].tolist(), strict=True))
    extra: set[int] = set()
    if extra_candidates:
        for i, ref in enumerate(chunk):
            extra.update(i * width + position[c] for c in extra_candidates.get(ref, ()))
    anchored: set[int] = set()
    if heavy.any():  # a heavy inner's anchored containers, common anchors included
        wanted = heavy[inner_of] & (rank < containers.anchors)
        heavy_hits = _expand(lo[wanted], spans[wanted])
        anchored.update((np.repeat(inner_of[wanted], spans[wanted]) * width
                         + containers.owners[heavy_hits]).tolist())
    out = []
    for code in sorted(set(counts) | {c for c in extra if heavy[c // width]}):
        i, owner = divmod(code, width)
        inner = sets[i]
        if heavy[i]:
            if code not in anchored and code not in extra:
                continue
            common_count = counts.get(code, 0)
        else:
            outer = containers.fingerprints[containers.refs[owner]].shingles
            if code not in extra and not _shares_anchor(inner, outer, containers.anchors):
                continue
            common_count = len(np.intersect1d(inner, outer, assume_unique=True))
        out.append((i, owner, common_count / len(inner)))
    return out


def _shares_anchor(inner: np.ndarray, outer: np.ndarray, anchors: int) -> bool:
    """Whether the container holds one of the inner's anchors (``ContainerIndex.candidates``)."""
    probes = inner[:anchors]
    found = np.searchsorted(outer, probes)
    return bool(np.any(outer[np.minimum(found, len(outer) - 1)] == probes)) if len(outer) else False


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
        for ref in group[1:]:  # lone paragraphs only matter with a container (found below)
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
    first_normal = first.normalized
    rows = []
    for ref in members:
        fp = fingerprints[ref]
        rows.append(
            ClusterMember(
                ref=ref,
                jaccard=round(jaccard(first.shingles, fp.shingles), 4),
                fuzz=round(fuzz.ratio(first_normal, fp.normalized), 2),
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
