"""LSH candidate index over MinHash signatures.

Banding is chosen from the verification threshold so that a pair at the threshold
becomes a candidate with probability >= ``target_recall``; every candidate is verified
exactly later, so false candidates cost time, never correctness.

Two engines give identical candidate pairs: ``numpy`` groups equal band keys of all
signatures with one sort per band (fast at a million paragraphs), ``datasketch`` inserts
each signature into a ``MinHashLSH`` (one key at a time; the storage backend a persistent
or Redis index would use).

At threshold 0.4 the banding is 64 bands x 2 rows, and a band of 2 rows is shared by
unrelated paragraphs that only have common trigrams ("one of the") far too often: false
candidates per paragraph grow with the corpus (measured ~6 at 100k, ~60 at 1M). Asking
for ``min_bands`` shared bands instead of one keeps recall at the threshold >= 0.995
(see ``choose_min_bands``) while cutting those candidates ~10x.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from math import comb

import numpy as np

from ..runtime.heap import release_free_memory


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Chance that two sets of Jaccard ``similarity`` share at least one band."""
    return 1.0 - (1.0 - similarity**rows) ** bands


def choose_bands(threshold: float, num_perm: int, target_recall: float = 0.995) -> tuple[int, int]:
    """(bands, rows): the most selective banding that still finds pairs at the threshold.

    More rows per band means fewer false candidates; we take the largest row count whose
    recall at ``threshold`` reaches ``target_recall`` (falling back to one row per band).
    """
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if bands < 1:
            break
        if candidate_probability(threshold, bands, rows) >= target_recall:
            best = (bands, rows)
    return best


def choose_min_bands(threshold: float, bands: int, rows: int, target_recall: float = 0.995) -> int:
    """Most shared bands a pair at ``threshold`` still reaches with chance >= target_recall."""
    p = threshold**rows
    best, below = 1, 0.0  # below: chance of sharing fewer than m bands
    for m in range(1, bands + 1):
        below += comb(bands, m - 1) * p ** (m - 1) * (1 - p) ** (bands - m + 1)
        if 1.0 - below < target_recall:
            break
        best = m
    return best


ENGINES = ("numpy", "datasketch")
# Raw band pairs counted at once (~0.2 GB); at a million paragraphs 20M per pass peaked 0.33 GB
# higher and was no faster.
PAIRS_PER_PASS = 8_000_000


def _minhash_lsh(threshold: float, num_perm: int, params: tuple[int, int]):
    from datasketch import MinHashLSH

    return MinHashLSH(threshold=threshold, num_perm=num_perm, params=params)


class CandidateIndex:
    """Signatures in, candidate key pairs out. Keys are distinct integers chosen by the
    caller (below 2**32 for the numpy engine)."""

    def __init__(self, threshold: float, num_perm: int, seed: int, engine: str = "numpy") -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown index engine {engine!r}; expected one of {ENGINES}")
        self.params = choose_bands(threshold, num_perm)
        self.seed = seed
        self.num_perm = num_perm
        self.engine = engine
        # datasketch (and the scipy it imports, ~0.5 s) only for the engine that uses it
        self.lsh = _minhash_lsh(threshold, num_perm, self.params) if engine == "datasketch" else None
        self._keys: list[np.ndarray] = []
        # band-major: each band's columns of every added chunk, so a band's values can be
        # dropped as soon as it is bucketed (``release``) rather than held with all the rest
        self._bands: list[list[np.ndarray]] = [[] for _ in range(self.params[0])]
        self._released = False
        # Band buckets left out for holding more than ``max_bucket`` keys, and the keys in them,
        # by the last numpy ``candidate_array`` call (a report says what was truncated).
        self.oversized_buckets = 0
        self.oversized_members = 0

    def add(self, keys: Iterable[int], signatures: np.ndarray) -> None:
        if self.engine == "numpy":
            rows = self.params[1]
            key_array = np.fromiter(keys, dtype=np.int64)
            if len(key_array) != len(signatures):
                raise ValueError("keys and signatures differ in length")
            if len(key_array) and (key_array.min() < 0 or key_array.max() >= 2**32):
                raise ValueError("the numpy engine takes keys in [0, 2**32)")
            if self._released:
                raise RuntimeError("this index released its signatures: it takes no more")
            self._keys.append(key_array)
            values = np.asarray(signatures, dtype=np.uint32)
            for band, chunks in enumerate(self._bands):
                chunks.append(np.ascontiguousarray(values[:, band * rows : (band + 1) * rows]))
            return
        from datasketch import LeanMinHash

        with self.lsh.insertion_session() as session:
            for key, signature in zip(keys, signatures, strict=True):
                lean = LeanMinHash(seed=self.seed, hashvalues=signature, scheme="affine32")
                session.insert(key, lean, check_duplication=False)

    def candidate_pairs(self, max_bucket: int = 2_000) -> Iterator[tuple[int, int]]:
        """Each pair of keys sharing a band bucket, once, smaller key first, sorted.

        Buckets larger than ``max_bucket`` (degenerate text such as lists of numbers)
        are skipped rather than expanded quadratically.
        """
        yield from map(tuple, self.candidate_array(max_bucket).tolist())

    def candidate_array(
        self, max_bucket: int = 2_000, min_bands: int = 1, below: int | None = None, *,
        release: bool = False, with_counts: bool = False, most: np.ndarray | None = None,
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Candidate pairs as a sorted (m, 2) int64 array, smaller key first.

        ``min_bands``: pairs must share at least this many band buckets. ``below``: only
        pairs whose smaller key is below it (e.g. skip window-window pairs). ``release``:
        drop each band's signature values once it is bucketed (the numpy engine; at a
        million paragraphs they are 0.65 GB, held beside all bands' buckets otherwise);
        the index answers once. ``with_counts``: also the number of bands each pair shares.
        ``most``: the candidate limit of each key, in ascending key order (``cap_candidates``
        over all the pairs, applied while they are made so that degenerate text, where every
        key is a candidate of thousands, never holds all its pairs at once); the keys that
        lost pairs are left in ``capped_keys`` and the pairs found before the cap in
        ``pairs_found``.
        """
        self.capped_keys, self.pairs_found = np.empty(0, dtype=np.int64), 0
        if self.engine == "numpy":
            cap = None if most is None else StreamedCap(np.asarray(most, dtype=np.int64))
            codes, counts = self._numpy_codes(max_bucket, below, min_bands, release, cap)
            if cap is not None:
                codes, counts, self.capped_keys, self.pairs_found = cap.result()
        elif most is not None:
            raise ValueError("candidate limits (most) are applied by the numpy engine only")
        else:
            codes, counts = self._datasketch_codes(max_bucket, below)
        wanted = counts >= min_bands
        codes = codes[wanted]
        pairs = np.stack([(codes >> np.uint64(32)).astype(np.int64),
                          (codes & np.uint64(0xFFFFFFFF)).astype(np.int64)], axis=1)
        return (pairs, counts[wanted]) if with_counts else pairs

    def _numpy_codes(
        self, max_bucket: int, below: int | None, min_bands: int = 1, release: bool = False,
        cap: StreamedCap | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        if self._released:
            raise RuntimeError("this index released its signatures: it answers once")
        self._released = release
        keys = np.concatenate(self._keys) if self._keys else np.empty(0, dtype=np.int64)
        if not len(keys):
            return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
        order = np.argsort(keys, kind="stable")  # rows in key order: groups list keys ascending
        keys = keys[order].astype(np.uint64)
        if cap is not None:
            cap.keys = keys
        buckets = []
        self.oversized_buckets = self.oversized_members = 0
        # members of an oversized bucket are ordered by another band's key (band 1's for band 0,
        # band 0's for the rest) and paired only within blocks of that order (``_buckets``)
        others = [band_keys(np.concatenate(self._bands[b]))[order] if len(self._bands) > b else None
                  for b in (0, 1)]
        for number, chunks in enumerate(self._bands):  # one band at a time: no copy of all signatures
            band = np.concatenate(chunks)
            if release:
                chunks.clear()
            tiebreak = others[tiebreak_band(number)]
            buckets.append(band_buckets(band, order, max_bucket, self._count_oversized, tiebreak))
            del band
        del others
        if release:  # the bands' values were many small arrays: their pages stay with the
            release_free_memory()  # process unless handed back (0.6 GB at a million)
        limit = 2**32 if below is None else max(below, 0)
        # Pairs are counted per range of first keys so memory holds one range's raw pairs,
        # not all of them (hundreds of millions at a million paragraphs).
        raw = sum(int((sizes.astype(np.int64) * (sizes - 1) // 2).sum()) for _, sizes, _ in buckets)
        end = min(limit, int(keys[-1]) + 1)
        edges = (np.array([0, end], dtype=np.int64) if raw <= PAIRS_PER_PASS
                 else pass_edges(buckets, keys, end))
        found_codes, found_counts = [], []
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            codes = np.concatenate([bucket_pairs(bucket, keys, int(lo), int(hi)) for bucket in buckets])
            unique, counts = np.unique(codes, return_counts=True)
            del codes
            wanted = counts >= min_bands
            if cap is not None:  # held capped: never all the pairs of degenerate text at once
                cap.add(unique[wanted], counts[wanted])
                continue
            found_codes.append(unique[wanted])
            found_counts.append(counts[wanted])
        if cap is not None:
            return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
        return np.concatenate(found_codes), np.concatenate(found_counts)

    def _count_oversized(self, sizes: np.ndarray) -> None:
        self.oversized_buckets += len(sizes)
        self.oversized_members += int(sizes.sum())

    def _datasketch_codes(self, max_bucket: int, below: int | None) -> tuple[np.ndarray, np.ndarray]:
        counts: Counter[tuple[int, int]] = Counter()
        for table in self.lsh.hashtables:
            seen: set[tuple[int, int]] = set()
            for bucket_key in table.keys():  # noqa: SIM118 - a datasketch storage, not a dict
                members = sorted(table.get(bucket_key))
                if len(members) < 2 or len(members) > max_bucket:
                    continue
                for i, first in enumerate(members):
                    if below is not None and first >= below:
                        break
                    seen.update((first, second) for second in members[i + 1 :])
            counts.update(seen)
        pairs = sorted(counts)
        codes = np.array([(a << 32) | b for a, b in pairs], dtype=np.uint64)
        return codes, np.array([counts[p] for p in pairs], dtype=np.int64)


def pass_edges(buckets: list[tuple[np.ndarray, np.ndarray, np.ndarray]], keys: np.ndarray, end: int
                ) -> np.ndarray:
    """Edges of ranges of first keys in [0, end) holding about ``PAIRS_PER_PASS`` raw pairs
    each (a key with more is a range of its own), from each key's raw pairs as first key
    (public: tests check the ranges against the budget and count the passes made).
    Even ranges of key values were uneven: a key pairs with the keys after it, so the first
    ranges held most pairs (in a 75 MB line of a 20-word vocabulary, 8.1M of 9.7M in the first
    of two passes). Where the ranges end changes nothing found: a pair is made in the range of
    its first key."""
    per_row = np.zeros(len(keys), dtype=np.int64)
    for starts, sizes, rows in buckets:
        if len(starts):
            partners = np.repeat(starts + sizes, sizes) - np.arange(len(rows)) - 1  # rows after it
            per_row += np.bincount(rows, weights=partners, minlength=len(keys)).astype(np.int64)
    per_row[keys >= np.uint64(end)] = 0
    total = np.cumsum(per_row)
    targets = PAIRS_PER_PASS * np.arange(1, int(total[-1]) // PAIRS_PER_PASS + 1, dtype=np.int64)
    cuts = np.searchsorted(total, targets, side="right")  # the first row past each target
    cut_keys = keys[cuts[cuts < len(keys)]].astype(np.int64)
    return np.unique(np.r_[0, cut_keys[(cut_keys > 0) & (cut_keys < end)], end])


Buckets = tuple[np.ndarray, np.ndarray, np.ndarray]  # (starts, sizes, member rows) of one band


def tiebreak_band(band: int) -> int:
    """Which band orders the members of an oversized bucket of ``band`` (``_buckets``): band 1's
    key for band 0, band 0's for the others."""
    return 1 if band == 0 else 0


def band_buckets(band: np.ndarray, order: np.ndarray, max_bucket: int,
                 oversized: Callable[[np.ndarray], None] | None = None,
                 tiebreak: np.ndarray | None = None) -> Buckets:
    """The LSH bucketing of one band, the one step every engine runs on a band: ``band`` holds
    each key's values of the band (keys in any order), ``order`` puts the keys in ascending
    order, ``tiebreak`` (already in that order) is ``tiebreak_band``'s ``band_keys`` of each. A
    band's keys must all be here: for bands of more than two rows, ``band_keys`` numbers values
    by their rank among all of the band's values, which orders the tiebreak."""
    return _buckets(band_keys(band)[order], max_bucket, oversized, tiebreak)


def band_keys(band: np.ndarray) -> np.ndarray:
    """One integer per row, equal exactly when the band's values are equal."""
    if band.shape[1] == 1:
        return band[:, 0].astype(np.uint64)
    if band.shape[1] == 2:
        return (band[:, 0].astype(np.uint64) << np.uint64(32)) | band[:, 1].astype(np.uint64)
    return np.unique(band, axis=0, return_inverse=True)[1].reshape(-1).astype(np.uint64)


# Members of a band bucket over ``max_bucket`` are paired only within blocks of this many,
# consecutive in the order of another band's key: linear work, and members alike enough to
# share that band too stay together.
OVERSIZED_BLOCK = 64


def _buckets(band_keys: np.ndarray, max_bucket: int, oversized: Callable[[np.ndarray], None] | None = None,
             tiebreak: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(bucket starts, sizes, member rows) of the buckets with 2..max_bucket rows in one band;
    rows ascend inside each bucket, and only rows in such buckets are kept (memory: most
    rows share no band bucket, and 64 bands of full orders took ~0.7 GB at a million).

    A bucket over ``max_bucket`` (a phrase or template shared by thousands of paragraphs) is
    not expanded into all its pairs, which is quadratic: given ``tiebreak`` (a key per row,
    e.g. another band's), its rows are sorted by it and cut into blocks of
    ``OVERSIZED_BLOCK``, each a bucket of its own; without it the bucket is dropped.

    The unstable sort is ~5x faster than a stable one here (SIMD quicksort); the order inside
    buckets is restored by sorting the few members by (bucket, row) packed in one integer.
    """
    order = np.argsort(band_keys)
    ordered = band_keys[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, len(ordered)])
    wanted = (sizes >= 2) & (sizes <= max_bucket)
    big = sizes > max_bucket
    if oversized is not None:
        oversized(sizes[big])
    big_starts, big_sizes = starts[big], sizes[big]
    starts, sizes = starts[wanted], sizes[wanted]
    members = order[np.repeat(starts, sizes) + _ranks(sizes)].astype(np.uint64)
    bucket = np.repeat(np.arange(len(sizes), dtype=np.uint64), sizes)
    if tiebreak is not None and len(big_sizes):
        big_rows = order[np.repeat(big_starts, big_sizes) + _ranks(big_sizes)]
        big_bucket = np.repeat(np.arange(len(big_sizes)), big_sizes)
        by_key = np.lexsort((big_rows, tiebreak[big_rows], big_bucket))
        big_rows = big_rows[by_key]  # grouped by bucket still, each in tiebreak order
        blocks = -(-big_sizes // OVERSIZED_BLOCK)
        block = np.repeat(np.cumsum(blocks) - blocks, big_sizes) + _ranks(big_sizes) // OVERSIZED_BLOCK
        members = np.r_[members, big_rows.astype(np.uint64)]
        bucket = np.r_[bucket, (block + len(sizes)).astype(np.uint64)]
        sizes = np.r_[sizes, np.bincount(block, minlength=int(blocks.sum()))]
    # int32: every band's buckets are kept until pairs are made (~0.2 GB less at a million)
    rows = (np.sort((bucket << np.uint64(32)) | members) & np.uint64(0xFFFFFFFF)).astype(np.int32)
    return (np.cumsum(sizes) - sizes).astype(np.int32), sizes.astype(np.int32), rows


def bucket_pairs(bucket: Buckets, keys: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Pair codes (first << 32 | second) of rows sharing a bucket, first key in [lo, hi).

    Rows come in ascending key order and ascend inside a bucket, so the keys do too: each
    row pairs with the rows after it in its bucket.
    """
    starts, sizes, rows = bucket
    if not len(starts):
        return np.empty(0, dtype=np.uint64)
    position = np.arange(len(rows))
    partners = np.repeat(starts + sizes, sizes) - position - 1  # rows after it in its bucket
    member_keys = keys[rows]
    partners[(member_keys < np.uint64(lo)) | (member_keys >= np.uint64(hi))] = 0
    firsts = np.repeat(position, partners)
    seconds = firsts + 1 + _ranks(partners)
    return (member_keys[firsts] << np.uint64(32)) | member_keys[seconds]


def _ranks(sizes: np.ndarray) -> np.ndarray:
    """0..size-1 for each size, concatenated."""
    total = int(sizes.sum())
    return np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)


def cap_candidates(pairs: np.ndarray, counts: np.ndarray, nodes: np.ndarray, most: np.ndarray,
                   degree: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs left once each node keeps at most ``most[node]`` of them, and the nodes
    that lost some (sorted). ``nodes``: the (m, 2) pairs as node numbers (0..len(most)-1).
    ``degree``: each node's candidates among all pairs, when ``pairs`` holds only some of them
    (``StreamedCap``: each node's best ``most`` among all, and the pairs arriving after them).

    Why: in degenerate text (a tiny vocabulary, one template on every page) every paragraph
    is a candidate of every other, and checking all pairs is quadratic. A pair is kept when it
    is among the ``most`` of either node, ranked by shared bands (the most similar by estimate),
    then by the other node; so at most ``2 * most.sum()`` pairs stay. Only pairs between two
    nodes over their limit are ranked: ordinary text has none, and the pass costs two counts.
    """
    if degree is None:
        degree = np.bincount(nodes.ravel(), minlength=len(most))
    over = degree > most
    both = np.flatnonzero(over[nodes[:, 0]] & over[nodes[:, 1]])
    if not len(both):
        return pairs, np.empty(0, dtype=np.int64)
    keep = np.ones(len(pairs), dtype=bool)
    keep[both] = False
    sub, shared = nodes[both], counts[both]
    for side in (0, 1):
        key, other = sub[:, side], sub[:, 1 - side]
        order = np.lexsort((other, -shared, key))
        ordered = key[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        keep[both[order[rank < most[ordered]]]] = True
    lost = np.unique(nodes[~keep].ravel())
    return pairs[keep], lost


class StreamedCap:
    """``cap_candidates`` over pair codes (first key << 32 | second) that arrive in passes,
    holding only what can still be kept: degenerate text (a 150 MB line of a 20-word
    vocabulary) made ~40M candidate pairs, ~5 GB with their arrays, of which ~0.3M were kept.

    Why the result is the same as capping all pairs at once: a pair is kept when it is among
    the ``most`` best of either of its keys. Once a key has ``most`` better pairs, later pairs
    only push a pair further down its ranking, so a pair in neither key's best ``most`` so far
    can never be kept, and every pair that can is still held. ``prune`` drops the others
    whenever the held pairs pass ``budget``; ``result`` makes the last cut with each key's full
    count of candidates. Ordinary text never passes its limits: nothing is ranked then.
    Public: tests hold it to ``cap_candidates`` over pairs arriving in any passes.
    """

    def __init__(self, most: np.ndarray) -> None:
        self.most = most  # each key's limit, keys in ascending order
        self.keys = np.empty(0, dtype=np.uint64)  # the index's keys, ascending (set before ``add``)
        self.degree = np.zeros(len(most), dtype=np.int64)
        self.lost = np.zeros(len(most), dtype=bool)
        self.codes: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []
        self.held = 0
        self.found = 0  # pairs added (before the cap)
        self.budget = PAIRS_PER_PASS // 4  # pairs held before a prune (doubled while pruning gains little)

    def _nodes(self, codes: np.ndarray) -> np.ndarray:
        """Each pair as the positions of its two keys among all keys (int32: fewer than 2**32 keys)."""
        first = np.searchsorted(self.keys, codes >> np.uint64(32)).astype(np.int32)
        second = np.searchsorted(self.keys, codes & np.uint64(0xFFFFFFFF)).astype(np.int32)
        return np.stack([first, second], axis=1)

    def add(self, codes: np.ndarray, counts: np.ndarray) -> None:
        """One pass's pairs (none held already) with the bands each shares."""
        if not len(codes):
            return
        self.degree += np.bincount(self._nodes(codes).ravel(), minlength=len(self.most))
        self.found += len(codes)
        self.codes.append(codes)
        self.counts.append(counts)
        self.held += len(codes)
        if self.held > self.budget:
            self.prune()
            if self.held > self.budget // 2:  # little to drop: prune less often
                self.budget *= 2

    def prune(self) -> None:
        """Keep only the pairs among the best ``most`` so far of either key."""
        codes = np.concatenate(self.codes) if self.codes else np.empty(0, dtype=np.uint64)
        counts = np.concatenate(self.counts) if self.counts else np.empty(0, dtype=np.int64)
        over = self.degree > self.most
        if over.any():  # else every pair is kept: nothing to rank
            nodes = self._nodes(codes)
            out = self._surely_out(nodes, counts, over)
            if out.any():  # dropped without ranking: the rest rank as they would with them
                self.lost[nodes[out].ravel()] = True
                codes, counts, nodes = codes[~out], counts[~out], nodes[~out]
            kept, lost = cap_candidates(np.arange(len(codes)), counts, nodes, self.most, self.degree)
            codes, counts = codes[kept], counts[kept]
            self.lost[lost] = True
        self.codes, self.counts, self.held = [codes], [counts], len(codes)

    def _surely_out(self, nodes: np.ndarray, counts: np.ndarray, over: np.ndarray) -> np.ndarray:
        """Pairs that neither key can rank among its best ``most``, found without sorting.
        ``cap_candidates`` ranks a key's pairs with other keys over their limit, its pairs as
        the first key apart from those as the second; if at least ``most`` of one such list
        share ``t`` or more bands, a pair of it sharing fewer than ``t`` has ``most`` pairs
        ranked before it. Sorting the held pairs was most of the cap's time on degenerate text,
        where most pairs share few bands. The pairs left keep their ranks (every pair dropped
        here ranks after them)."""
        both = over[nodes[:, 0]] & over[nodes[:, 1]]
        width = int(counts.max()) + 1 if len(counts) else 1
        slot = np.cumsum(over) - 1  # each key over its limit numbered 0..
        keys_over = int(over.sum())
        if not both.any() or keys_over * width > 2**25:  # a table too large: rank them all
            return np.zeros(len(counts), dtype=bool)
        shared = counts[both]
        out = both.copy()
        for side in (0, 1):
            table = np.bincount(slot[nodes[both, side]] * width + shared, minlength=keys_over * width)
            at_least = np.cumsum(table.reshape(keys_over, width)[:, ::-1], axis=1)[:, ::-1]  # sharing >= t
            reach = at_least >= self.most[over][:, None]
            least = np.where(reach.any(axis=1), width - 1 - np.argmax(reach[:, ::-1], axis=1), -1)
            threshold = np.full(len(over), -1, dtype=np.int64)
            threshold[over] = least
            out &= counts < threshold[nodes[:, side]]
        return out

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """(codes, counts) of the pairs kept, in code order (passes come in order of their
        first keys, each sorted, and pruning keeps the order); the keys that lost pairs; the
        pairs found before the cap."""
        self.prune()
        lost_keys = self.keys[np.flatnonzero(self.lost)].astype(np.int64)
        return self.codes[0], self.counts[0], lost_keys, self.found
