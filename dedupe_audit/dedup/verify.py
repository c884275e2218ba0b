"""Turn LSH candidates into verified findings: exact groups, near pairs, containment.

Nothing is reported on MinHash estimates alone: every near pair is checked with the
exact Jaccard of its shingle sets and a rapidfuzz ratio, and every containment with the
exact share of shingles found in the container plus a rapidfuzz alignment (the span).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

import numpy as np
import xxhash
from rapidfuzz import fuzz, process

from ..model import Cluster, ClusterMember, Containment, ParagraphRef, Related, SegmentedDocument
from .fingerprint import Fingerprint
from .fingerprint_table import FingerprintRows, FingerprintTable, expand_ranges, fingerprint_rows, rows_of


@dataclass(frozen=True, slots=True)
class NearPair:
    first: ParagraphRef
    second: ParagraphRef
    jaccard: float
    fuzz: float
    # The two normal forms compared, when the verifier kept them: ``build_clusters`` compares
    # the same texts again and need not make them anew. Not part of the pair's value.
    normals: tuple[str, str] | None = field(default=None, compare=False, repr=False)


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
    ``fingerprints``: the checks run vectorised and no ref is hashed. A size bound, then a
    bound on the shared count (``RowSets.shared_bounds``) rule out most pairs before the exact
    count; only the shingles of rows left in some pair are gathered."""
    if not len(pairs):
        return []
    fingerprints = fingerprint_rows(fingerprints)
    sizes = fingerprints.sizes
    a_size, b_size = sizes[pairs[:, 0]], sizes[pairs[:, 1]]
    small, large = np.minimum(a_size, b_size), np.maximum(a_size, b_size)
    pairs = pairs[~(small < threshold * large * _MARGIN)]
    if not len(pairs):
        return []
    used = np.zeros(len(fingerprints), dtype=bool)
    used[pairs.ravel()] = True
    rows = np.flatnonzero(used)
    position = np.cumsum(used, dtype=np.int32 if len(rows) < 2**31 else np.int64) - 1
    local = position[pairs]  # pairs as positions in ``rows``, kept instead of the pairs
    del used, position, pairs
    sets = RowSets.laid_out(*fingerprints.shingle_sets(rows))
    verified: list[NearPair] = []
    normal: dict[int, str] = {}  # normal forms are made on demand: once per row here

    def normal_form(row: int) -> str:
        found = normal.get(row)
        if found is None:
            found = normal[row] = fingerprints[row].normalized
        return found

    for lo in range(0, len(local), PAIRS_PER_CHUNK):
        chunk = local[lo : lo + PAIRS_PER_CHUNK]
        total = sets.sizes[chunk[:, 0]] + sets.sizes[chunk[:, 1]]
        chunk, total = _may_pass(chunk, total, sets.shared_bounds(chunk), threshold)
        scores = _jaccards(sets.shared_counts(chunk), total)
        passed = scores >= threshold
        firsts, seconds = rows[chunk[passed, 0]].tolist(), rows[chunk[passed, 1]].tolist()
        ratios = _ratios(firsts, seconds, normal_form)
        for first, second, score, ratio in zip(firsts, seconds, scores[passed].tolist(), ratios, strict=True):
            if ratio >= min_fuzz:
                verified.append(NearPair(refs[first], refs[second], score, ratio,
                                         (normal_form(first), normal_form(second))))
    return verified


def _jaccards(common: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Jaccard from shared counts and summed sizes; 1.0 for two empty sets (as ``jaccard``)."""
    empty = total == 0
    return np.where(empty, 1.0, common / np.where(empty, 1, total - common))


def _may_pass(pairs: np.ndarray, total: np.ndarray, bound: np.ndarray,
              threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (and their summed sizes) whose Jaccard may reach ``threshold`` given an upper
    bound of their shared count. Jaccard grows with the shared count and rounding keeps that
    order, so a pair left out would fail the exact check too."""
    keep = _jaccards(bound, total) >= threshold
    return pairs[keep], total[keep]


def _ratios(firsts: list[int], seconds: list[int], normal_form: Callable[[int], str]) -> list[float]:
    """``fuzz.ratio`` of the normal forms of each (first, second), pairs grouped by first.

    Pairs come sorted by first row; a run of pairs with one first is scored by one ``cdist``
    call, which prepares the first's text once (~25% less time; same scores as ``fuzz.ratio``).
    """
    out: list[float] = []
    lo = 0
    while lo < len(firsts):
        hi = lo + 1
        while hi < len(firsts) and firsts[hi] == firsts[lo]:
            hi += 1
        query = normal_form(firsts[lo])
        if hi - lo == 1:
            out.append(fuzz.ratio(query, normal_form(seconds[lo])))
        else:
            choices = [normal_form(row) for row in seconds[lo:hi]]
            out.extend(process.cdist([query], choices, scorer=fuzz.ratio, dtype=np.float64)[0].tolist())
        lo = hi
    return out


# Candidate pairs checked together in ``verify_near_rows``, and members scored together in
# ``build_clusters``: bounds the arrays gathered per step (~50 MB at 50 shingles a row).
PAIRS_PER_CHUNK = 100_000


class RowSets:
    """Sorted unique shingle sets (rows) laid end to end, for exact intersection counts of many
    pairs of rows in a few numpy passes instead of a numpy call per pair."""

    def __init__(self, sets: Sequence[np.ndarray]) -> None:
        sizes = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
        self._lay_out(np.concatenate(sets) if sets else np.empty(0, dtype=np.uint64), sizes)

    @classmethod
    def laid_out(cls, flat: np.ndarray, sizes: np.ndarray) -> RowSets:
        """Rows already end to end in ``flat``, row i ``sizes[i]`` values long."""
        self = cls.__new__(cls)
        self._lay_out(flat, sizes)
        return self

    def _lay_out(self, flat: np.ndarray, sizes: np.ndarray) -> None:
        rows = len(sizes)
        self.offsets = np.zeros(rows + 1, dtype=np.int64)
        np.cumsum(sizes, out=self.offsets[1:])
        self.flat = flat
        self.sizes = self.offsets[1:] - self.offsets[:-1]
        # Each shingle keyed by (row, top bits of its hash) in one integer: ascending as laid out.
        self._bits = max(1, (rows - 1).bit_length())
        self._keys = np.empty(len(flat), dtype=np.uint64)
        for lo, hi in _row_chunks(self.offsets):  # in chunks: no temporary the size of all shingles
            chunk = self._keys[self.offsets[lo] : self.offsets[hi]]
            chunk[:] = np.repeat(np.arange(lo, hi, dtype=np.uint64) << np.uint64(64 - self._bits),
                                 self.sizes[lo:hi])
            chunk |= self.flat[self.offsets[lo] : self.offsets[hi]] >> np.uint64(self._bits)
        # Rows where two hashes share their top bits (~1 in 10**7 rows): counted one by one.
        clashing = self._keys[1:][self._keys[1:] == self._keys[:-1]] >> np.uint64(64 - self._bits)
        self._clashing = np.unique(clashing).astype(np.int64)
        self._histogram: np.ndarray | None = None

    def row(self, at: int) -> np.ndarray:
        return self.flat[self.offsets[at] : self.offsets[at + 1]]

    def shared_counts(self, pairs: np.ndarray) -> np.ndarray:
        """Exact ``shared_count`` of each (row, row) pair of an (m, 2) array.

        The second row's shingles, keyed with the first row's number, are looked up among the
        keys with ``searchsorted``; a hit must match the whole hash. Pairs go in blocks, each
        searching only the keys of the rows between its smallest and largest first row: when
        pairs come sorted by first row, that slice stays in cache (3x faster at 1M paragraphs).
        """
        out = np.zeros(len(pairs), dtype=np.int64)
        if not len(pairs) or not len(self.flat):
            return out
        for lo in range(0, len(pairs), SEARCH_BLOCK):
            out[lo : lo + SEARCH_BLOCK] = self._block_counts(pairs[lo : lo + SEARCH_BLOCK])
        if len(self._clashing):  # searchsorted finds the first hash of a clashing key only
            for pair in np.flatnonzero(np.isin(pairs[:, 0], self._clashing)).tolist():
                a, b = pairs[pair].tolist()
                out[pair] = shared_count(self.row(a), self.row(b))
        return out

    def shared_bounds(self, pairs: np.ndarray) -> np.ndarray:
        """An upper bound of each pair's shared count, ~5x cheaper than the count: the hashes
        are split into ``BUCKETS`` ranges by their top bits, and two rows share at most the
        smaller of their counts in each range. At a million paragraphs it rules out ~3/4 of
        the candidate pairs that pass the size bound."""
        histogram = self._buckets()
        out = np.empty(len(pairs), dtype=np.int64)
        for lo in range(0, len(pairs), SEARCH_BLOCK):
            block = pairs[lo : lo + SEARCH_BLOCK]
            smaller = np.minimum(histogram[block[:, 0]], histogram[block[:, 1]])
            out[lo : lo + SEARCH_BLOCK] = smaller.sum(axis=1, dtype=np.uint16)  # < 128 * 256
        big = self.sizes > np.iinfo(np.uint8).max  # counts of these may not fit: no bound
        if big.any():
            unbounded = big[pairs[:, 0]] | big[pairs[:, 1]]
            out[unbounded] = np.minimum(self.sizes[pairs[unbounded, 0]], self.sizes[pairs[unbounded, 1]])
        return out

    def _buckets(self) -> np.ndarray:
        """Shingles of each row per range of top bits (uint8, exact for rows of < 256)."""
        if self._histogram is None:
            self._histogram = np.zeros((len(self.sizes), BUCKETS), dtype=np.uint8)
            cells_of = self._histogram.ravel()
            for lo, hi in _row_chunks(self.offsets):  # in chunks, as the keys
                rows = np.repeat(np.arange(lo, hi), self.sizes[lo:hi])
                # ascending, as rows are laid out in order and each is sorted
                top = (self.flat[self.offsets[lo] : self.offsets[hi]] >> np.uint64(64 - _BUCKET_BITS))
                cells, counts = _run_lengths_sorted(rows * BUCKETS + top.astype(np.int64))
                cells_of[cells] = np.minimum(counts, np.iinfo(np.uint8).max)
        return self._histogram

    def _block_counts(self, pairs: np.ndarray) -> np.ndarray:
        first, second = pairs[:, 0], pairs[:, 1]
        low, high = self.offsets[first.min()], self.offsets[first.max() + 1]
        if low == high:
            return np.zeros(len(pairs), dtype=np.int64)
        counts = self.sizes[second]
        values = self.flat[expand_ranges(self.offsets[second], counts)]
        wanted = np.repeat(first.astype(np.uint64) << np.uint64(64 - self._bits), counts)
        wanted |= values >> np.uint64(self._bits)  # keyed as ``_keys``
        at = np.minimum(np.searchsorted(self._keys[low:high], wanted), high - low - 1) + low
        shared = (self._keys[at] == wanted) & (self.flat[at] == values)
        return np.bincount(np.repeat(np.arange(len(pairs)), counts)[shared], minlength=len(pairs))


SEARCH_BLOCK = 2_048  # pairs looked up together in ``RowSets.shared_counts``
SHINGLES_PER_CHUNK = 4_000_000  # ``RowSets`` builds its keys and bounds this many at a time
_BUCKET_BITS = 7
BUCKETS = 1 << _BUCKET_BITS  # hash ranges of ``RowSets.shared_bounds``: 128 bytes a row


def _row_chunks(offsets: np.ndarray) -> Iterator[tuple[int, int]]:
    """Ranges [lo, hi) of rows (laid out at ``offsets``) of about ``SHINGLES_PER_CHUNK``
    shingles each; a longer row is a range of its own."""
    rows = len(offsets) - 1
    lo = 0
    while lo < rows:
        hi = int(np.searchsorted(offsets, offsets[lo] + SHINGLES_PER_CHUNK, side="right")) - 1
        hi = min(max(hi, lo + 1), rows)
        yield lo, hi
        lo = hi


def _pair_shared_counts(pairs: np.ndarray, flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Exact ``shared_count`` of each pair of rows of ``flat`` (rows start at ``offsets``)."""
    return RowSets.laid_out(flat[offsets[0] : offsets[-1]], np.diff(offsets)).shared_counts(pairs)


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
        for lo in range(0, len(self.hashes), SHINGLES_PER_CHUNK):  # a chunk's temporaries at a time
            low = self.hashes[lo : lo + SHINGLES_PER_CHUNK] & self._mask
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
            found.append(_containment(inner, container, fingerprints, segmented, share))
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
    heavy = (sizes > 0) & (n_common >= min_share * sizes)  # the bound rules out nothing for these
    # heavy inners are counted over all their shingles: in template or low-entropy text every
    # shingle sits in most containers, and that count is quadratic; such inners are left out
    flooded = heavy & (np.bincount(inner_of, weights=spans, minlength=len(sizes)) > MAX_COMMON_SPAN * sizes)
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
    pairs, shared = _run_lengths(np.repeat(inner_of, counted) * width + containers.owners[hit])
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


def _run_lengths(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct codes, ascending, and how often each occurs (``np.unique`` with counts, ~3x
    faster: it sorts, then only finds the run edges)."""
    return _run_lengths_sorted(np.sort(codes))


def _run_lengths_sorted(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_run_lengths`` of codes already in ascending order."""
    edges = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else codes
    return codes[edges], np.diff(np.r_[edges, len(codes)])


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
    were above the threshold). Each cluster is a star (``_stars``): its first member, the
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
    star = _stars(len(refs), head[near_a], head[near_b], weights,
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
    while at < len(kept):  # blocks of whole clusters, ~PAIRS_PER_CHUNK members each
        end, count = at, 0
        while end < len(kept) and (end == at or count + len(kept[end][0]) <= PAIRS_PER_CHUNK):
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
        for lo in range(0, len(local), PAIRS_PER_CHUNK):
            chunk = local[lo : lo + PAIRS_PER_CHUNK]
            total = sets.sizes[chunk[:, 0]] + sets.sizes[chunk[:, 1]]
            out[lo : lo + PAIRS_PER_CHUNK] = _jaccards(sets.shared_counts(chunk), total)
        return out

    return jaccards


def _stars(count: int, a: np.ndarray, b: np.ndarray, weights: np.ndarray,
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
    root = _components(count, a, b)
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


def _components(count: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
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
    return _jaccards(common, sets.sizes[heads] + sets.sizes)


def _best_containers(held: Sequence[Containment]) -> tuple[Containment, ...]:
    """Per container, the containment with the highest share (then the first member)."""
    best: dict[ParagraphRef, Containment] = {}
    for item in sorted(held, key=lambda c: (c.container, -c.share, c.contained)):
        best.setdefault(item.container, item)
    return tuple(best[ref] for ref in sorted(best))


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
    codes, hits = _run_lengths(inner * width + outer)
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


def containment_candidates(flat: np.ndarray, sizes: np.ndarray, words: np.ndarray,
                           min_share: float) -> np.ndarray:
    """(inner, container) rows of paragraphs given as shingle sets (``flat``/``sizes``) where
    the inner may lie inside the container, a paragraph of at least ``LONGER`` times its words."""
    width = max(len(sizes), 1)
    shingles, rows = sampled_shingles(flat, sizes)
    codes, hits, usable = sampled_hits(shingles, rows, np.asarray(words), width)
    return chosen_candidates(codes, hits, usable, width, min_share)


def containment_candidates_of(rows: FingerprintRows, min_share: float) -> np.ndarray:
    """``containment_candidates`` of the paragraphs at ``rows``, their sampled shingles
    gathered ``SHINGLES_PER_CHUNK`` shingles at a time: only a quarter of the shingles are
    sampled, and a copy of all of them (with their row numbers, 16 bytes a shingle) is not
    made at once."""
    sizes = rows.sizes
    width = max(len(sizes), 1)
    shingles, owners = [], []
    for lo, hi in _row_chunks(np.r_[0, np.cumsum(sizes)]):
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
    if not len(pairs):
        return []
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    used = np.unique(pairs)
    used_refs = [refs[i] for i in used.tolist()]
    rows = rows_of(fingerprints, used_refs)
    sets = RowSets.laid_out(*rows.shingle_sets())
    local = np.searchsorted(used, pairs)
    words = rows.words
    found: list[Containment] = []
    for lo in range(0, len(local), PAIRS_PER_CHUNK):
        chunk = local[lo : lo + PAIRS_PER_CHUNK]
        sizes = sets.sizes[chunk[:, 0]]
        shares = sets.shared_counts(chunk) / np.maximum(sizes, 1)
        keep = (sizes > 0) & (shares >= min_share) & (words[chunk[:, 1]] >= LONGER * words[chunk[:, 0]])
        for (inner, outer), share in zip(chunk[keep].tolist(), shares[keep].tolist(), strict=True):
            found.append(_containment(used_refs[inner], used_refs[outer], fingerprints, segmented, share))
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
