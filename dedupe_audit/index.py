"""LSH candidate index over MinHash signatures (datasketch ``MinHashLSH``).

Banding is chosen from the verification threshold so that a pair at the threshold
becomes a candidate with probability >= ``target_recall``; every candidate is verified
exactly later, so false candidates cost time, never correctness.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from datasketch import LeanMinHash, MinHashLSH


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


class CandidateIndex:
    """Signatures in, candidate key pairs out. Keys are integers chosen by the caller."""

    def __init__(self, threshold: float, num_perm: int, seed: int) -> None:
        self.params = choose_bands(threshold, num_perm)
        self.seed = seed
        self.num_perm = num_perm
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, params=self.params)

    def add(self, keys: Iterable[int], signatures: np.ndarray) -> None:
        with self.lsh.insertion_session() as session:
            for key, signature in zip(keys, signatures, strict=True):
                lean = LeanMinHash(seed=self.seed, hashvalues=signature, scheme="affine32")
                session.insert(key, lean, check_duplication=False)

    def candidate_pairs(self, max_bucket: int = 2_000) -> Iterator[tuple[int, int]]:
        """Each pair of keys sharing a band bucket, once, smaller key first, sorted.

        Buckets larger than ``max_bucket`` (degenerate text such as lists of numbers)
        are skipped rather than expanded quadratically.
        """
        seen: set[tuple[int, int]] = set()
        for table in self.lsh.hashtables:
            bucket_keys = table.keys()  # a datasketch storage, not a dict
            for bucket_key in bucket_keys:
                members = sorted(table.get(bucket_key))
                if len(members) < 2 or len(members) > max_bucket:
                    continue
                for i, first in enumerate(members):
                    for second in members[i + 1 :]:
                        seen.add((first, second))
        yield from sorted(seen)
