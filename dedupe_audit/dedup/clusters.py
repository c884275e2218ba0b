"""Clusters: verified pairs become groups of copies, each a star around one paragraph.

Why stars, not connected components: chains of verified pairs (A~B, B~C) join texts that are
not copies of each other; a cluster keeps the members close to its centre, and pairs left
outside are reported as related clusters. Exact copies join through ``UnionFind``; cluster ids
are content fingerprints, so the same text gets the same id in every run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter

import numpy as np
import xxhash
from rapidfuzz import fuzz

from ..model import Cluster, ClusterMember, Containment, ParagraphRef, Related
from . import near_pairs
from .fingerprint import Fingerprint
from .fingerprint_table import FingerprintRows, rows_of
from .near_pairs import NearPair, RowSets, jaccard_scores, ref_key


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
        for item in sorted(self.parent, key=ref_key):
            out[self.find(item)].append(item)
        return sorted(out.values(), key=lambda group: ref_key(group[0]))  # roots are firsts


def content_fingerprint(fingerprints: Iterable[Fingerprint]) -> str:
    """Stable id of a cluster's content: independent of file order and line numbers."""
    return _content_id(min(fp.content_hash for fp in fingerprints))


def _content_id(smallest: int) -> str:
    """``content_fingerprint`` from the smallest content hash of the cluster."""
    return xxhash.xxh3_64_hexdigest(smallest.to_bytes(8, "little"))


def build_clusters(
    groups: Sequence[Sequence[ParagraphRef]],
    near: Sequence[NearPair],
    containment: Sequence[Containment],
    fingerprints: Mapping[ParagraphRef, Fingerprint],
    threshold: float = 0.0,
) -> tuple[Cluster, ...]:
    """Clusters of copies: exact groups joined by verified near pairs into stars; containers
    attached; numbered in order of their first member.

    A cluster is not a connected component of the verified pairs: chains of pairs (A~B, B~C)
    join text that is not alike (at a million paragraphs, 3% of the member pairs of components
    were above the threshold). Each cluster is a star (``star_leaders``): its first member, the
    representative, is verified near every other member (or an exact copy of one that is),
    and with ``threshold`` > 0 the members' shingle Jaccard with each other reaches it too. A
    verified pair split over two clusters is kept as evidence: each side lists the other
    paragraph under ``related``.

    Refs are numbered in their own order and handled as numbers with numpy; members are scored
    against their cluster's first in batches. Hashing a ParagraphRef runs Python code, and one
    numpy call per member added up to most of this stage.
    """
    multi = [group for group in groups if len(group) > 1]  # lone paragraphs only matter with a container
    sizes = np.fromiter(map(len, multi), dtype=np.int64, count=len(multi))
    items = [ref for group in multi for ref in group]
    items += [pair.first for pair in near]
    items += [pair.second for pair in near]
    items += [item.contained for item in containment]
    refs, ids = _numbered(items)
    in_groups, n_near = int(sizes.sum()), len(near)
    heads = np.zeros(in_groups, dtype=bool)
    heads[np.cumsum(sizes) - sizes] = True
    head = np.arange(len(refs))  # each id's exact group's first (itself outside groups)
    head[ids[:in_groups]] = np.repeat(ids[:in_groups][heads], sizes)
    near_a, near_b = ids[in_groups : in_groups + n_near], ids[in_groups + n_near : in_groups + 2 * n_near]
    known: dict[int, str] = {}  # normal forms the near pairs carry, by id
    for pair, a, b in zip(near, near_a.tolist(), near_b.tolist(), strict=True):
        if pair.normals is not None:
            known[a], known[b] = pair.normals
    weights = np.fromiter((pair.jaccard for pair in near), dtype=np.float64, count=n_near)
    star = star_leaders(len(refs), head[near_a], head[near_b], weights,
                  _pair_jaccards(refs, fingerprints), threshold)
    lead = np.where(star[head] >= 0, star[head], head)  # each id's cluster, as its first id
    by_lead: dict[int, list[Containment]] = defaultdict(list)
    for item, at in zip(containment, lead[ids[in_groups + 2 * n_near :]].tolist(), strict=True):
        by_lead[at].append(item)
    related: dict[int, list[Related]] = defaultdict(list)
    apart = np.flatnonzero(lead[near_a] != lead[near_b]).tolist()
    for k in apart:  # a verified pair split over two clusters: each side names the other
        pair = near[k]
        score, ratio = round(pair.jaccard, 4), round(pair.fuzz, 2)
        related[int(lead[near_a[k]])].append(Related(pair.second, pair.first, score, ratio))
        related[int(lead[near_b[k]])].append(Related(pair.first, pair.second, score, ratio))

    order = np.argsort(lead, kind="stable")  # clusters in order of their first, members ascending
    starts = np.flatnonzero(np.r_[True, lead[order][1:] != lead[order][:-1]]) if len(order) else order
    bounds = np.r_[starts, len(order)].tolist()
    members = order.tolist()
    kept: list[tuple[list[int], list[Containment], list[Related]]] = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        held: list[Containment] = []
        if members[lo] in by_lead:
            inside = {refs[i] for i in members[lo:hi]}
            held = [c for c in by_lead[members[lo]] if c.container not in inside]
        if hi - lo > 1 or held:
            kept.append((members[lo:hi], held, sorted(related.get(members[lo], ()), key=_related_key)))
    clusters: list[Cluster] = []
    at = 0
    while at < len(kept):  # blocks of whole clusters, ~near_pairs.PAIRS_PER_CHUNK members each
        end, count = at, 0
        while end < len(kept) and (end == at or count + len(kept[end][0]) <= near_pairs.PAIRS_PER_CHUNK):
            count += len(kept[end][0])
            end += 1
        clusters.extend(_clusters(kept[at:end], refs, fingerprints, known, start=len(clusters) + 1))
        at = end
    return tuple(clusters)


def _related_key(item: Related) -> tuple[int, int, int, int]:
    return item.ref.doc, item.ref.index, item.member.doc, item.member.index


# A star's representative takes at most this many of its neighbours in one round (the most
# similar first); they are checked pairwise, so a star costs at most this squared over two
# Jaccards, and a paragraph near thousands of others (template text) costs linear work. The
# neighbours left wait for a later round. After STAR_ROUNDS rounds the rest form stars unchecked.
STAR_CANDIDATES = 64
STAR_ROUNDS = 8


def _pair_jaccards(refs: Sequence[ParagraphRef], fingerprints: Mapping[ParagraphRef, Fingerprint]
                   ) -> Callable[[np.ndarray], np.ndarray]:
    """A function giving the exact Jaccard of (m, 2) pairs of ids (positions in ``refs``); the
    shingle sets of the ids asked for are gathered on each call."""

    def jaccards(pairs: np.ndarray) -> np.ndarray:
        used = np.unique(pairs)
        sets = RowSets.laid_out(*rows_of(fingerprints, [refs[i] for i in used.tolist()]).shingle_sets())
        local = np.searchsorted(used, pairs)
        out = np.empty(len(local), dtype=np.float64)
        for lo in range(0, len(local), near_pairs.PAIRS_PER_CHUNK):
            chunk = local[lo : lo + near_pairs.PAIRS_PER_CHUNK]
            total = sets.sizes[chunk[:, 0]] + sets.sizes[chunk[:, 1]]
            out[lo : lo + near_pairs.PAIRS_PER_CHUNK] = jaccard_scores(sets.shared_counts(chunk), total)
        return out

    return jaccards


def star_leaders(count: int, a: np.ndarray, b: np.ndarray, weights: np.ndarray,
           pair_jaccards: Callable[[np.ndarray], np.ndarray], threshold: float) -> np.ndarray:
    """Leader clustering of the verified graph (ids 0..count-1, edges a[k] - b[k] of Jaccard
    ``weights[k]``): the id of each node's star's leader, -1 for ids on no edge.

    In rounds: the smallest node not yet placed leads a star and takes its unplaced neighbours,
    most similar first (at most ``STAR_CANDIDATES``); a neighbour stays only when its exact
    Jaccard with each neighbour kept before it reaches ``threshold``. Those refused, and
    leaders left alone, are placed in the next round among the nodes still unplaced. Leaders
    are taken in ascending order, so a leader is the smallest id of its star, and the result
    depends on the graph alone (not on the order edges come in)."""
    star = np.full(count, -1, dtype=np.int64)
    keep = a != b
    a, b, weights = a[keep], b[keep], weights[keep]
    if not len(a):
        return star
    # stars form per connected component; a component of two nodes (most of them) is one star,
    # set here at once: only larger components go through the rounds below (Python per node)
    root = component_roots(count, a, b)
    pair = (np.bincount(root, minlength=count) == 2)[root[a]]
    star[a[pair]] = star[b[pair]] = np.minimum(a[pair], b[pair])
    a, b, weights = a[~pair], b[~pair], weights[~pair]
    if not len(a):
        return star
    source, target, weight = np.r_[a, b], np.r_[b, a], np.r_[weights, weights]
    order = np.lexsort((target, -weight, source))  # by node, then most similar, then smallest
    source, target = source[order], target[order]
    nodes = np.unique(source)
    first = np.searchsorted(source, nodes).tolist()
    last = np.searchsorted(source, nodes, side="right").tolist()
    span = dict(zip(nodes.tolist(), zip(first, last, strict=True), strict=True))
    neighbours = target.tolist()
    placed = star.tolist()  # the pairs' stars are set; their nodes are on none of these edges
    pending = nodes.tolist()
    for round_ in range(STAR_ROUNDS):
        check = threshold > 0 and round_ < STAR_ROUNDS - 1
        taken: set[int] = set()
        stars: list[tuple[int, list[int]]] = []
        for node in pending:
            if node in taken:
                continue
            taken.add(node)
            lo, hi = span[node]
            chosen: list[int] = []
            for other in neighbours[lo:hi]:
                if placed[other] < 0 and other not in taken:
                    chosen.append(other)
                    taken.add(other)
                    if len(chosen) == STAR_CANDIDATES:
                        break
            stars.append((node, chosen))
        scores: dict[tuple[int, int], float] = {}
        if check:
            pairs = [(x, y) for _, chosen in stars for i, x in enumerate(chosen) for y in chosen[i + 1 :]]
            if pairs:
                found = pair_jaccards(np.array(pairs, dtype=np.int64)).tolist()
                scores = dict(zip(pairs, found, strict=True))
        refused: list[int] = []
        alone: list[int] = []
        for leader, chosen in stars:
            members = chosen[:1]
            for other in chosen[1:]:
                if not check or all(scores.get((m, other), scores.get((other, m), 0.0)) >= threshold
                                    for m in members):
                    members.append(other)
                else:
                    refused.append(other)
            if members:
                placed[leader] = leader
                for member in members:
                    placed[member] = leader
            else:
                alone.append(leader)
        if not refused:
            for leader in alone:
                placed[leader] = leader
            break
        pending = sorted(refused + alone)
    return np.asarray(placed, dtype=np.int64)


def _numbered(items: Sequence[ParagraphRef]) -> tuple[list[ParagraphRef], np.ndarray]:
    """The distinct refs in ascending order, and the number (position there) of each item."""
    docs = np.fromiter(map(attrgetter("doc"), items), dtype=np.int64, count=len(items))
    indexes = np.fromiter(map(attrgetter("index"), items), dtype=np.int64, count=len(items))
    order = np.lexsort((indexes, docs))
    docs, indexes = docs[order], indexes[order]
    new = np.r_[True, (docs[1:] != docs[:-1]) | (indexes[1:] != indexes[:-1])] if len(items) else docs > 0
    ids = np.empty(len(items), dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return [items[i] for i in order[new].tolist()], ids


def component_roots(count: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest number in each number's connected component, edges a[k] - b[k].

    Each round, every root across an edge from a smaller root hooks onto the smallest such;
    pointers then jump until all point at a root. Roots only ever get smaller, so no cycle forms.
    """
    root = np.arange(count)
    while True:
        ra, rb = root[a], root[b]
        apart = ra != rb
        if not apart.any():
            return root
        np.minimum.at(root, np.maximum(ra, rb)[apart], np.minimum(ra, rb)[apart])
        while True:
            jumped = root[root]
            if np.array_equal(jumped, root):
                break
            root = jumped


def _clusters(
    kept: Sequence[tuple[list[int], list[Containment], list[Related]]],
    refs: Sequence[ParagraphRef],
    fingerprints: Mapping[ParagraphRef, Fingerprint],
    known: Mapping[int, str],
    start: int,
) -> list[Cluster]:
    """Clusters of a block of (member ids, held containments, related), numbered from ``start``."""
    sizes = np.fromiter((len(ids) for ids, _, _ in kept), dtype=np.int64, count=len(kept))
    ids = [i for group, _, _ in kept for i in group]
    members = [refs[i] for i in ids]
    fps = rows_of(fingerprints, members)
    cut = np.cumsum(sizes) - sizes
    heads = np.repeat(cut, sizes)  # row of each member's cluster's first
    jaccards = [round(x, 4) for x in _first_jaccards(fps, heads).tolist()]
    normal: dict[str, str] = {}  # exact copies share a text: each normal form is made once

    def normal_form(row: int) -> str:
        found = known.get(ids[row])
        if found is None:
            fp = fps[row]
            found = normal.get(fp.text)
            if found is None:
                found = normal[fp.text] = fp.normalized
        return found

    ratios = [round(fuzz.ratio(normal_form(head), normal_form(row)), 2)
              for row, head in enumerate(heads.tolist())]
    hashes = fps.content_hashes
    smallest = np.minimum.reduceat(hashes, cut).tolist()
    one_hash = (np.maximum.reduceat(hashes, cut) == smallest).tolist()
    similarity = np.minimum.reduceat(np.array(jaccards), cut).tolist()
    rows = list(map(ClusterMember, members, jaccards, ratios))
    return [
        Cluster(
            cluster_id=f"C{start + n:04d}",
            kind="contained" if len(group) < 2 else "exact" if one_hash[n] else "near",
            members=tuple(rows[lo : lo + len(group)]),
            containers=_best_containers(held) if held else (),
            similarity=similarity[n],
            fingerprint=_content_id(smallest[n]),
            related=tuple(related),
        )
        for n, ((group, held, related), lo) in enumerate(zip(kept, cut.tolist(), strict=True))
    ]


def _first_jaccards(fps: FingerprintRows, heads: np.ndarray) -> np.ndarray:
    """Exact Jaccard of each fingerprint's shingles with those of its row in ``heads``."""
    sets = RowSets.laid_out(*fps.shingle_sets())
    rows = np.arange(len(fps))
    common = sets.sizes.copy()  # a first shares all its shingles with itself
    others = heads != rows
    common[others] = sets.shared_counts(np.stack([heads[others], rows[others]], axis=1))
    return jaccard_scores(common, sets.sizes[heads] + sets.sizes)


def _best_containers(held: Sequence[Containment]) -> tuple[Containment, ...]:
    """Per container, the containment with the highest share (then the first member)."""
    best: dict[ParagraphRef, Containment] = {}
    for item in sorted(held, key=lambda c: (c.container, -c.share, c.contained)):
        best.setdefault(item.container, item)
    return tuple(best[ref] for ref in sorted(best))
