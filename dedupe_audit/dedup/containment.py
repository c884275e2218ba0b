"""Containment: a paragraph held whole (or nearly) inside a longer paragraph or block.

Why apart from near pairs: a relay pastes a wire paragraph into a longer one of its own, so the
two are far apart by Jaccard yet one holds the other. Candidates come from a paragraph's
smallest shingle hashes looked up among long blocks' shingles (``ContainerIndex``,
``find_containment``) and from sampled shingles shared with any longer paragraph
(``containment_candidates_of``); each is verified by the exact share of its shingles inside the
container and located with a rapidfuzz alignment (``align``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from ..model import Containment, Paragraph, ParagraphRef, SegmentedDocument
from . import near_pairs
from .fingerprint import Fingerprint
from .fingerprint_table import FingerprintRows, FingerprintTable, expand_ranges, rows_of
from .near_pairs import RowSets, row_chunks, run_lengths


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
        # Every shingle of every container, sorted, and the container of each (ascending inside
        # a run of equal shingles: the sort is stable). Built so that at most three arrays of
        # the shingles' size are alive at once, and kept as two (8 + 4 bytes a shingle): a
        # 150 MB single line cut into 20,000-character paragraphs makes every paragraph a
        # container (24M shingles), and the index's build used to peak at ~48 bytes a shingle.
        if self.refs:
            hashes = [containers[ref].shingles for ref in self.refs]
            sizes = np.fromiter((len(h) for h in hashes), dtype=np.int64, count=len(hashes))
            flat = np.concatenate(hashes)
            del hashes
            order = np.argsort(flat, kind="stable")
            self.hashes = flat[order]
            del flat
            self.owners = np.repeat(np.arange(len(self.refs), dtype=np.int32), sizes)[order]
            del order
        else:
            self.hashes = np.empty(0, dtype=np.uint64)
            self.owners = np.empty(0, dtype=np.int32)
        # One bit per value of the low hash bits: most shingles of a paragraph are in no long
        # block, and a bit test rules them out ~5x faster than two binary searches.
        bits = max(16, min(27, 2 * int(len(self.hashes)).bit_length()))  # at most 16 MB
        self._mask = np.uint64((1 << bits) - 1)
        self._bits = np.zeros(1 << (bits - 3), dtype=np.uint8)
        # a chunk's temporaries at a time
        for lo in range(0, len(self.hashes), near_pairs.SHINGLES_PER_CHUNK):
            low = self.hashes[lo : lo + near_pairs.SHINGLES_PER_CHUNK] & self._mask
            np.bitwise_or.at(self._bits, (low >> np.uint64(3)).astype(np.int64),
                             np.left_shift(1, (low & np.uint64(7)).astype(np.uint8)).astype(np.uint8))

    def maybe_held(self, values: np.ndarray) -> np.ndarray:
        """Whether each value may be a shingle of some container: never false when it is one."""
        low = values & self._mask
        byte = self._bits[(low >> np.uint64(3)).astype(np.int64)]
        return ((byte >> (low & np.uint64(7)).astype(np.uint8)) & 1).astype(bool)

    def lookup(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(first position, count) in ``hashes`` of each value; count 0 when absent (the
        position is then where it would stand: callers read no owner there).

        The values that pass the bit test are sorted first: a binary search of sorted values
        finds its path in cache, ~3x faster than in the values' own order (sort included).
        Two searches of ``hashes`` itself, not one of its distinct values: a table of those
        (values, run starts, run lengths) cost 24 bytes a shingle more, and in prose nearly
        every shingle is distinct.
        """
        where = np.flatnonzero(self.maybe_held(values))
        lo = np.zeros(len(values), dtype=np.int64)
        spans = np.zeros(len(values), dtype=np.int64)
        if len(where):
            where = where[np.argsort(values[where])]
            probes = values[where]
            first = np.searchsorted(self.hashes, probes, side="left")
            lo[where] = first
            spans[where] = np.searchsorted(self.hashes, probes, side="right") - first
        return lo, spans


def align(inner_text: str, container_text: str) -> tuple[int, int, float]:
    """Offsets in the container where the inner text aligns best, and the score."""
    found = fuzz.partial_ratio_alignment(inner_text, container_text)
    if found is None:
        return 0, 0, 0.0
    return found.dest_start, found.dest_end, found.score


def containment_of(
    inner: ParagraphRef,
    container: ParagraphRef,
    fingerprints: Mapping[ParagraphRef, Fingerprint],
    segmented: Sequence[SegmentedDocument],
    share: float,
) -> Containment:
    inner_text = segmented[inner.doc].paragraphs[inner.index].text
    return located(inner, container, inner_text, segmented[container.doc].paragraphs[container.index], share)


def located(inner: ParagraphRef, container: ParagraphRef, inner_text: str, outer: Paragraph,
            share: float) -> Containment:
    """A verified containment with where the inner's text aligns best in its container (the
    container's paragraph ``outer``): the one way every engine records one, wherever the two
    texts live."""
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
# A heavy inner (mostly common shingles) whose shingles sit in more containers than this on
# average is not checked (``find_containment``): counting it is quadratic in degenerate text.
MAX_COMMON_SPAN = 64


def find_containment(
    inners: Iterable[ParagraphRef],
    fingerprints: Mapping[ParagraphRef, Fingerprint],
    containers: ContainerIndex,
    segmented: Sequence[SegmentedDocument],
    min_share: float,
    extra_candidates: Mapping[ParagraphRef, Iterable[ParagraphRef]] | None = None,
    batch: int = 20_000,
    skipped: list[int] | None = None,
) -> list[Containment]:
    """Each inner paragraph found inside a clearly longer container paragraph.

    Candidates are the containers holding one of the inner's anchor shingles (or given in
    ``extra_candidates``); a candidate is kept when the exact share of the inner's shingles
    found in it reaches ``min_share``. Only candidates that can reach it are checked
    (``_shares`` bounds the share, then checks the few left, in vectorised passes over a
    batch of inners: no numpy call per pair). Given candidates shorter than 1.5x the inner are
    dropped before any count. Inners whose shingles sit in very many containers (template or
    low-entropy text, see ``MAX_COMMON_SPAN``) are not checked: their count is appended to
    ``skipped`` when given.
    """
    if not containers.refs:
        return []
    position = {ref: i for i, ref in enumerate(containers.refs)}
    container_words = [containers.fingerprints[ref].words for ref in containers.refs]
    extra_of = {(ref.doc, ref.index): [position[c] for c in found]  # tuples hash in C, refs in Python
                for ref, found in (extra_candidates or {}).items()}
    skipped = [] if skipped is None else skipped
    inner_list = list(inners)
    if isinstance(fingerprints, FingerprintTable):
        sizes = fingerprints.take(inner_list).sizes
    else:
        sizes = np.fromiter((len(fingerprints[ref].shingles) for ref in inner_list), dtype=np.int64,
                            count=len(inner_list))
    found: list[Containment] = []
    for lo, hi in _inner_chunks(sizes, batch):
        chunk = inner_list[lo:hi]
        fps = rows_of(fingerprints, chunk)
        words = fps.words.tolist()
        extra = _extra_codes(chunk, extra_of, len(containers.refs), words, container_words)
        for inner_at, owner, share in _shares(*fps.shingle_sets(), containers, extra, min_share, skipped):
            inner, container = chunk[inner_at], containers.refs[owner]
            outer = containers.fingerprints[container]
            if container == inner or outer.words < 1.5 * words[inner_at] or share < min_share:
                continue
            found.append(containment_of(inner, container, fingerprints, segmented, share))
    return found


# Shingles of the inners counted together by ``find_containment`` (besides at most ``batch``
# inners): each costs ~60 bytes while it is looked up, so a batch of 20,000 paragraphs of 20,000
# characters (24M shingles, a 150 MB single line) needed ~1.4 GB at once; 2M is ~5,000 news
# paragraphs, more than a batch of ordinary text holds.
SHINGLES_PER_INNER_CHUNK = 2_000_000


def _inner_chunks(sizes: np.ndarray, batch: int) -> Iterator[tuple[int, int]]:
    """Consecutive (lo, hi) ranges of inners: at most ``batch`` inners and, unless one inner
    alone is larger, ``SHINGLES_PER_INNER_CHUNK`` shingles. Each inner is counted on its own, so
    where a chunk ends changes nothing found."""
    ends = np.cumsum(sizes)
    lo = 0
    while lo < len(sizes):
        base = int(ends[lo - 1]) if lo else 0
        hi = int(np.searchsorted(ends, base + SHINGLES_PER_INNER_CHUNK, side="right"))
        hi = min(max(hi, lo + 1), lo + batch, len(sizes))
        yield lo, hi
        lo = hi


def _extra_codes(chunk: Sequence[ParagraphRef], extra_of: Mapping[tuple[int, int], list[int]],
                 width: int, words: Sequence[int], container_words: Sequence[int]) -> np.ndarray:
    """Sorted codes (inner position * width + container position) of the given candidates
    at least 1.5x as long as their inner (``find_containment`` drops the others anyway)."""
    codes: list[int] = []
    if extra_of:
        for i, ref in enumerate(chunk):
            owners = extra_of.get((ref.doc, ref.index))
            if owners:
                least = 1.5 * words[i]
                codes.extend(i * width + owner for owner in owners if container_words[owner] >= least)
    return np.unique(np.array(codes, dtype=np.int64))


def _shares(
    flat: np.ndarray,
    sizes: np.ndarray,
    containers: ContainerIndex,
    extra: np.ndarray,
    min_share: float = 0.0,
    skipped: list[int] | None = None,
) -> list[tuple[int, int, float]]:
    """(inner position, container position, exact contained share) of the candidates whose
    share reaches ``min_share``, sorted by inner then container. Inner i's shingles are the
    ``sizes[i]`` values of ``flat`` after those of the inners before it. ``extra`` holds the sorted
    codes (inner position * container count + container position) of candidates given
    besides those sharing an anchor.

    First, inners with fewer than ``min_share`` of their shingles passing the index's bit test
    are dropped: no container can hold that share of them (the test never misses a held
    shingle). At 300k paragraphs that leaves 1 inner in 30, and the rest runs on those.
    """
    if not sizes.any():
        return []
    inner_of = np.repeat(np.arange(len(sizes)), sizes)
    bound = np.bincount(inner_of[containers.maybe_held(flat)], minlength=len(sizes))
    live = np.flatnonzero((sizes > 0) & (bound >= min_share * sizes))
    if not len(live):
        return []
    flat = flat[expand_ranges((np.cumsum(sizes) - sizes)[live], sizes[live])]
    width = len(containers.refs)
    extra_at, extra_owner = np.divmod(extra, width)
    rank = np.searchsorted(live, extra_at)
    kept = (rank < len(live)) & (live[np.minimum(rank, len(live) - 1)] == extra_at)
    extra = rank[kept] * width + extra_owner[kept]  # the same codes, inners numbered among the live
    inner_at, owner, share = _bounded_shares(flat, sizes[live], containers, extra, min_share,
                                             [] if skipped is None else skipped)
    return list(zip(live[inner_at].tolist(), owner, share, strict=True))


def _bounded_shares(
    flat: np.ndarray, sizes: np.ndarray, containers: ContainerIndex, extra: np.ndarray, min_share: float,
    skipped: list[int],
) -> tuple[np.ndarray, list[int], list[float]]:
    """``_shares`` of inners with their shingles laid end to end in ``flat``, as (inner
    positions, container positions, shares).

    Why a bound: shared shingles are counted exactly only for shingles held by at most
    ``COMMON_SHINGLE`` containers; each commoner shingle of the inner is assumed shared.
    That upper bound rules out nearly every pair at once; the few pairs it cannot rule out
    are checked exactly (anchor held, common shingles held) in one vectorised pass. Inners
    made mostly of common shingles (the bound rules out nothing) are counted over all their
    shingles instead.
    """
    inner_of = np.repeat(np.arange(len(sizes)), sizes)
    lo, spans = containers.lookup(flat)
    common = spans > COMMON_SHINGLE
    n_common = np.bincount(inner_of[common], minlength=len(sizes))
    span_sums = np.bincount(inner_of, weights=spans, minlength=len(sizes))
    heavy, flooded = heavy_and_flooded(sizes, n_common, span_sums, min_share)
    if flooded.any():
        heavy &= ~flooded
        spans = np.where(flooded[inner_of], 0, spans)  # no hit left: no pair, given ones included
    counted = np.where(common & ~heavy[inner_of], 0, spans)
    width = len(containers.refs)
    if counted.sum() > MAX_HITS and len(sizes) > 1:  # halve to bound memory
        half = len(sizes) // 2
        split, cut = int(sizes[:half].sum()), np.searchsorted(extra, half * width)
        first = _bounded_shares(flat[:split], sizes[:half], containers, extra[:cut], min_share, skipped)
        second = _bounded_shares(flat[split:], sizes[half:], containers, extra[cut:] - half * width,
                                 min_share, skipped)
        return np.r_[first[0], second[0] + half], first[1] + second[1], first[2] + second[2]
    if flooded.any():  # counted here, where no halving follows
        skipped.append(int(flooded.sum()))
    hit = expand_ranges(lo, counted)
    pairs, shared = run_lengths(np.repeat(inner_of, counted) * width + containers.owners[hit])
    at = pairs // width
    possible = (heavy[at] | ((shared + n_common[at]) >= min_share * sizes[at])) & (sizes[at] > 0)
    pairs, shared = pairs[possible], shared[possible]
    runs = _Runs(containers.owners, lo, spans, np.cumsum(sizes) - sizes, sizes)
    light = ~heavy[pairs // width]
    light_codes, light_counts = _light_shares(pairs[light], shared[light], extra, runs, common, width,
                                              containers.anchors)
    heavy_codes, heavy_counts = _heavy_shares(pairs[~light], shared[~light], extra[heavy[extra // width]],
                                              runs, width, containers.anchors, min_share)
    codes, counts = np.r_[light_codes, heavy_codes], np.r_[light_counts, heavy_counts]
    order = np.argsort(codes)
    inner_at, owner = np.divmod(codes[order], width)
    shares = counts[order] / sizes[inner_at]
    reach = shares >= min_share  # the others would be dropped by ``find_containment``
    return inner_at[reach], owner[reach].tolist(), shares[reach].tolist()


def heavy_and_flooded(sizes: np.ndarray, n_common: np.ndarray, span_sums: np.ndarray,
                      min_share: float) -> tuple[np.ndarray, np.ndarray]:
    """Which inners are heavy (at least ``min_share`` of their ``sizes`` shingles are common, held
    by more than ``COMMON_SHINGLE`` long blocks: the share bound rules out nothing for them) and
    which heavy ones are flooded (their shingles sit in more than ``MAX_COMMON_SPAN`` blocks on
    average, ``span_sums`` / ``sizes``): counted over all their shingles, template or low-entropy
    text would make the check quadratic, so flooded inners are not looked up inside long blocks.
    The one rule for every engine (the Dask engine sums ``n_common`` and ``span_sums`` over its
    shingle shuffle)."""
    heavy = (sizes > 0) & (n_common >= min_share * sizes)
    return heavy, heavy & (span_sums > MAX_COMMON_SPAN * sizes)


@dataclass(frozen=True, slots=True)
class _Runs:
    """Where the shingles of a batch of inners sit in a ``ContainerIndex``: the containers
    holding shingle p (a position in the batch) are ``owners[lo[p] : lo[p] + spans[p]]``,
    ascending; inner i's shingles are ``starts[i] .. starts[i] + sizes[i] - 1``."""

    owners: np.ndarray
    lo: np.ndarray
    spans: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray

    def first(self, inners: np.ndarray, most: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The (at most ``most``) first shingles of each inner given, and the number in
        ``inners`` each comes from."""
        take = self.sizes[inners] if most is None else np.minimum(most, self.sizes[inners])
        return expand_ranges(self.starts[inners], take), np.repeat(np.arange(len(inners)), take)

    def held(self, shingle: np.ndarray, owner: np.ndarray) -> np.ndarray:
        """Whether container ``owner[k]`` holds shingle ``shingle[k]``: a binary search per k
        over its run of owners, all k at once (a numpy step per halving of the longest run)."""
        left = self.lo[shingle]
        end = left + self.spans[shingle]
        right = end.copy()
        open_ = np.flatnonzero(left < right)
        while len(open_):
            mid = (left[open_] + right[open_]) >> 1
            below = self.owners[mid] < owner[open_]
            left[open_[below]] = mid[below] + 1
            right[open_[~below]] = mid[~below]
            open_ = open_[left[open_] < right[open_]]
        inside = left < end
        return inside & (self.owners[np.where(inside, left, 0)] == owner)

    def counts(self, pick: np.ndarray, inners: np.ndarray, owner: np.ndarray,
               most: int | None = None) -> np.ndarray:
        """For each k, how many of inner ``inners[k]``'s (first ``most``) shingles marked in
        ``pick`` container ``owner[k]`` holds."""
        shingle, k = self.first(inners, most)
        chosen = pick[shingle]
        shingle, k = shingle[chosen], k[chosen]
        return np.bincount(k[self.held(shingle, owner[k])], minlength=len(inners))


def _light_shares(pairs: np.ndarray, shared: np.ndarray, extra: np.ndarray, runs: _Runs, common: np.ndarray,
                  width: int, anchors: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes and exact shared counts of the pairs of inners that are not heavy: those given in
    ``extra`` or whose container holds one of the inner's anchors. ``shared`` counts the shingles
    that are not common; the common ones the container holds are added."""
    inner, owner = np.divmod(pairs, width)
    everything = np.ones(len(common), dtype=bool)
    keep = np.isin(pairs, extra) | (runs.counts(everything, inner, owner, anchors) > 0)
    inner, owner = inner[keep], owner[keep]
    return pairs[keep], shared[keep] + runs.counts(common, inner, owner)


def _heavy_shares(pairs: np.ndarray, shared: np.ndarray, extra: np.ndarray, runs: _Runs, width: int,
                  anchors: int, min_share: float) -> tuple[np.ndarray, np.ndarray]:
    """Codes and exact shared counts of the pairs of heavy inners (``shared`` counts all their
    shingles) that reach ``min_share``: those given in ``extra`` or whose container holds one
    of the inner's anchors. Pairs that cannot reach it are dropped first: looking up anchors
    is then needed for a handful of pairs, not for the hundreds of containers of each common
    anchor."""
    inner, owner = np.divmod(pairs, width)
    reach = shared / runs.sizes[inner] >= min_share
    pairs, shared, inner, owner = pairs[reach], shared[reach], inner[reach], owner[reach]
    everything = np.ones(len(runs.lo), dtype=bool)
    keep = np.isin(pairs, extra) | (runs.counts(everything, inner, owner, anchors) > 0)
    codes, counts = pairs[keep], shared[keep]
    if min_share <= 0:  # a given candidate sharing nothing reaches it too
        alone = extra[~np.isin(extra, pairs)]
        codes, counts = np.r_[codes, alone], np.r_[counts, np.zeros(len(alone), dtype=np.int64)]
    return codes, counts


# Containment of any paragraph inside a longer one (not only inside long blocks' windows):
# candidates from a sample of shingles (those whose top SAMPLE_BITS bits are zero: 1 in 4), each
# looked up among the paragraphs holding it. A sampled shingle held by more than COMMON_SAMPLED
# distinct paragraphs (common phrases, templates) is not used: pairs per shingle grow with the
# square of its holders. Every candidate is verified by ``find_containment`` (exact share, span).
SAMPLE_BITS = 2
COMMON_SAMPLED = 32
LONGER = 1.5  # a container has at least this many times the words of what it holds
# Sampled shingles a candidate pair must share: a paragraph of ~20 words has ~4 sampled ones;
# shorter paragraphs are found inside long blocks (``find_containment``) but may be missed here.
MIN_SAMPLED = 2


def sampled_shingles(flat: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sampled shingles of rows laid end to end (``flat``, row i ``sizes[i]`` long) and
    the row each belongs to."""
    rows = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    keep = (flat >> np.uint64(64 - SAMPLE_BITS)) == 0
    return flat[keep], rows[keep]


def sampled_hits(shingles: np.ndarray, rows: np.ndarray, words: np.ndarray, width: int,
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For sampled (shingle, row) occurrences holding every occurrence of their shingles: the
    codes (inner * width + container) of pairs sharing a sampled shingle whose container has
    ``LONGER`` times the inner's words, the shared count of each, and per row (0..len(words)-1)
    how many of its sampled shingles are not common. Parts over disjoint shingles add up.

    Holders of a shingle are ordered by words, so each pairs only with those long enough to
    hold it (a binary search), not with every other holder."""
    length = np.asarray(words, dtype=np.int64)[rows]
    order = np.lexsort((length, shingles))
    shingles, rows, length = shingles[order], rows[order], length[order]
    edges = np.flatnonzero(np.r_[True, shingles[1:] != shingles[:-1]]) if len(shingles) else order
    counts = np.diff(np.r_[edges, len(shingles)])
    rare = counts <= COMMON_SAMPLED
    usable = np.bincount(rows[np.repeat(rare, counts)], minlength=len(words))
    shared = rare & (counts > 1)
    run = np.repeat(np.arange(len(edges), dtype=np.int64), counts)
    at = np.flatnonzero(shared[run])  # occurrences in runs of 2..COMMON_SAMPLED holders
    key = (run[at] << np.int64(24)) | np.minimum(length[at], (1 << 24) - 1)  # ascending
    least = np.minimum(np.ceil(LONGER * length[at]).astype(np.int64), (1 << 24) - 1)
    first = np.searchsorted(key, (run[at] << np.int64(24)) | least)  # first holder long enough
    stop = np.searchsorted(key, (run[at] + 1) << np.int64(24))  # end of its run
    take = stop - first
    inner = np.repeat(rows[at], take)
    outer = rows[at[expand_ranges(first, take)]]
    codes, hits = run_lengths(inner * width + outer)
    return codes, hits, usable


def chosen_candidates(codes: np.ndarray, hits: np.ndarray, usable: np.ndarray, width: int,
                      min_share: float) -> np.ndarray:
    """(inner, container) rows of the pairs sharing at least ``MIN_SAMPLED`` sampled shingles and
    3/4 of ``min_share`` of the inner's usable ones: a contained paragraph shares about
    ``min_share`` of them (the looser bound allows for sampling). At 100k paragraphs of the
    throughput corpus this keeps 4.7k candidates, 343 of them contained, against 347 found with
    half the share; with one shared shingle allowed, 43k candidates, mostly phrases of under ten
    words that sit in many paragraphs."""
    inner, outer = np.divmod(codes, width)
    need = np.maximum(MIN_SAMPLED, np.ceil(0.75 * min_share * usable[inner] - 1e-9))
    keep = hits >= need
    return np.stack([inner[keep], outer[keep]], axis=1)


def containment_candidates_of(rows: FingerprintRows, min_share: float) -> np.ndarray:
    """(inner, container) rows of the paragraphs at ``rows`` where the inner may lie inside the
    container, a paragraph of at least ``LONGER`` times its words; their sampled shingles
    gathered ``near_pairs.SHINGLES_PER_CHUNK`` shingles at a time: only a quarter of the shingles are
    sampled, and a copy of all of them (with their row numbers, 16 bytes a shingle) is not
    made at once."""
    sizes = rows.sizes
    width = max(len(sizes), 1)
    shingles, owners = [], []
    for lo, hi in row_chunks(np.r_[0, np.cumsum(sizes)]):
        flat, part_sizes = rows.shingle_sets(np.arange(lo, hi))
        sampled, at = sampled_shingles(flat, part_sizes)
        shingles.append(sampled)
        owners.append(at + lo)
    if not shingles:
        return np.empty((0, 2), dtype=np.int64)
    codes, hits, usable = sampled_hits(np.concatenate(shingles), np.concatenate(owners),
                                       np.asarray(rows.words), width)
    return chosen_candidates(codes, hits, usable, width, min_share)


def verify_contained(
    pairs: np.ndarray,
    refs: Sequence[ParagraphRef],
    fingerprints: Mapping[ParagraphRef, Fingerprint],
    segmented: Sequence[SegmentedDocument],
    min_share: float,
) -> list[Containment]:
    """The (inner, container) candidates (rows of ``refs``) whose inner has at least
    ``min_share`` of its shingles in the container, each located with ``align``. Shares are
    counted in one vectorised pass; the checks are ``find_containment``'s."""
    return [containment_of(inner, outer, fingerprints, segmented, share)
            for inner, outer, share in contained_shares(pairs, refs, fingerprints, min_share)]


def contained_shares(
    pairs: np.ndarray,
    refs: Sequence[ParagraphRef],
    fingerprints: Mapping[ParagraphRef, Fingerprint],
    min_share: float,
) -> list[tuple[ParagraphRef, ParagraphRef, float]]:
    """The checks of ``verify_contained`` without the alignment: (inner, container, share) of the
    candidates (rows of ``refs``) whose inner has at least ``min_share`` of its shingles in a
    container of at least ``LONGER`` times its words, ordered by (inner row, container row).
    Engines that hold the two texts apart (Dask partitions) align them where they are."""
    if not len(pairs):
        return []
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    used = np.unique(pairs)
    used_refs = [refs[i] for i in used.tolist()]
    rows = rows_of(fingerprints, used_refs)
    sets = RowSets.laid_out(*rows.shingle_sets())
    local = np.searchsorted(used, pairs)
    words = rows.words
    found: list[tuple[ParagraphRef, ParagraphRef, float]] = []
    for lo in range(0, len(local), near_pairs.PAIRS_PER_CHUNK):
        chunk = local[lo : lo + near_pairs.PAIRS_PER_CHUNK]
        sizes = sets.sizes[chunk[:, 0]]
        shares = sets.shared_counts(chunk) / np.maximum(sizes, 1)
        keep = (sizes > 0) & (shares >= min_share) & (words[chunk[:, 1]] >= LONGER * words[chunk[:, 0]])
        for (inner, outer), share in zip(chunk[keep].tolist(), shares[keep].tolist(), strict=True):
            found.append((used_refs[inner], used_refs[outer], share))
    return found


def merged_containment(*found: Sequence[Containment]) -> list[Containment]:
    """Containments found by several routes, each (contained, container) pair once."""
    seen: set[tuple[ParagraphRef, ParagraphRef]] = set()
    out: list[Containment] = []
    for items in found:
        for item in items:
            if (item.contained, item.container) not in seen:
                seen.add((item.contained, item.container))
                out.append(item)
    return out
