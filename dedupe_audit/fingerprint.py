"""Text normalization, word shingles and MinHash signatures computed in batches.

Signatures are bit-identical to ``datasketch.MinHash`` (scheme ``affine32``, same
``num_perm`` and ``seed``) fed with the same shingle hashes, so they can be handed to
``LeanMinHash``/``MinHashLSH`` unchanged; we only avoid its one-call-per-shingle loop.

Shingle hashing: each distinct token is hashed once (xxh3-64, cached); a k-shingle's
64-bit hash is a wrapping polynomial combination of its token hashes followed by a
murmur-style finalizer, all in numpy. The 64-bit values are kept (sorted, unique) for
exact Jaccard during verification; their top 32 bits feed MinHash.
"""

from __future__ import annotations

import re
import unicodedata
from collections import ChainMap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np
import xxhash
from datasketch import MinHash

_QUOTES = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "ʼ": "'", "`": "'", "´": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
        "ё": "е",
    }
)
_REPLACEMENTS = tuple((chr(k), v) for k, v in _QUOTES.items())
_TOKEN = re.compile(r"\w+(?:'\w+)*")
_SPACE = re.compile(r"\s+")

_MULT = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_S32 = np.uint64(32)


def normalize(text: str) -> str:
    """NFKC, case-folded, quotes and dashes unified, whitespace collapsed (idempotent)."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    return _SPACE.sub(" ", text).strip()


def tokenize(normalized: str) -> list[str]:
    """Word tokens of normalized text: letters/digits of any script, inner apostrophes kept."""
    return _TOKEN.findall(normalized)


class TokenHasher:
    """Hashes each distinct token once; corpora repeat their vocabulary endlessly."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def __call__(self, tokens: Sequence[str]) -> np.ndarray:
        cache = self._cache
        out = np.empty(len(tokens), dtype=np.uint64)
        for i, token in enumerate(tokens):
            value = cache.get(token)
            if value is None:
                value = xxhash.xxh3_64_intdigest(token.encode("utf-8"))
                if len(cache) < 2_000_000:
                    cache[token] = value
            out[i] = value
        return out

    def flat(self, token_lists: Sequence[Sequence[str]], total: int) -> np.ndarray:
        """Hashes of all tokens of all lists, concatenated; unknown tokens hashed once."""
        cache = self._cache
        distinct = set().union(*token_lists)
        local = {t: xxhash.xxh3_64_intdigest(t.encode("utf-8")) for t in distinct if t not in cache}
        if len(local) <= 2_000_000 - len(cache):
            cache.update(local)
            local = {}
        lookup = cache.__getitem__ if not local else ChainMap(local, cache).__getitem__
        return np.fromiter(map(lookup, chain.from_iterable(token_lists)), dtype=np.uint64, count=total)


def normalize_many(texts: Sequence[str]) -> list[str]:
    """``normalize`` of each text, run over one joined string (NUL separates: it is a
    starter that composes with nothing, is not whitespace and no rule maps it)."""
    if not texts:
        return []
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:
        return [normalize(text) for text in texts]
    folded = unicodedata.normalize("NFKC", joined).casefold()
    for char, replacement in _REPLACEMENTS:  # str.translate is ~10x slower than a few scans
        if char in folded:
            folded = folded.replace(char, replacement)
    return [" ".join(part.split()) for part in folded.split("\0")]


def batch_shingles(
    token_lists: Sequence[Sequence[str]], hasher: TokenHasher, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """``shingle_hashes`` of many token lists at once: (flat hashes, offsets of each list).

    Shingles of all lists are combined in one pass (a list shorter than k gives one shingle
    of its own width), then sorted by (list, hash) and deduplicated within each list.
    """
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    hashes = hasher.flat(token_lists, int(lengths.sum()))
    widths = np.minimum(lengths, k)
    counts = np.where(lengths > 0, lengths - widths + 1, 0)
    owners = np.repeat(np.arange(len(token_lists)), counts)
    starts = np.repeat(np.cumsum(lengths) - lengths, counts)
    positions = starts + np.arange(len(owners)) - np.repeat(np.cumsum(counts) - counts, counts)
    width = widths[owners]
    padded = np.r_[hashes, np.zeros(k, dtype=np.uint64)]
    with np.errstate(over="ignore"):
        acc = padded[positions]
        for j in range(1, k):
            grown = acc * _MULT + padded[positions + j]
            acc = np.where(j < width, grown, acc)
        values = _mix64(acc + width.astype(np.uint64))
    order = np.lexsort((values, owners))
    values, owners = values[order], owners[order]
    keep = np.ones(len(values), dtype=bool)
    keep[1:] = (values[1:] != values[:-1]) | (owners[1:] != owners[:-1])
    values, owners = values[keep], owners[keep]
    offsets = np.zeros(len(token_lists) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owners, minlength=len(token_lists)), out=offsets[1:])
    return values, offsets


def _mix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _S33)
    h = h * _M1
    h = h ^ (h >> _S33)
    h = h * _M2
    return h ^ (h >> _S33)


def shingle_hashes(token_hashes: np.ndarray, k: int) -> np.ndarray:
    """Sorted unique 64-bit hashes of the k-word shingles (one shingle if fewer words)."""
    n = len(token_hashes)
    if n == 0:
        return np.empty(0, dtype=np.uint64)
    width = min(k, n)
    count = n - width + 1
    with np.errstate(over="ignore"):
        acc = token_hashes[:count].copy()
        for j in range(1, width):
            acc = acc * _MULT + token_hashes[j : j + count]
        acc = acc + np.uint64(width)
        return np.unique(_mix64(acc))


def minhash_input(shingles: np.ndarray) -> np.ndarray:
    """The 32-bit values MinHash sees for each shingle: the top half of its 64-bit hash."""
    return (shingles >> _S32).astype(np.uint32)


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's own affine32 permutation parameters, so signatures match it exactly."""
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signatures(
    shingle_sets: Sequence[np.ndarray],
    num_perm: int = 128,
    seed: int = 1,
    chunk_rows: int = 2_048,
) -> np.ndarray:
    """MinHash signatures (n, num_perm) uint32 for many shingle sets at once.

    All shingles of a batch are permuted together and reduced per set with
    ``np.minimum.reduceat``; work is chunked so memory stays near chunk_rows * num_perm
    (2,048 rows keep each chunk in cache: 3x faster than 65,536 on this machine).
    An empty set gets the all-max signature, as an empty datasketch MinHash has.
    """
    a, b = permutations(num_perm, seed)
    out = np.full((len(shingle_sets), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    sizes = np.fromiter((len(s) for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
    if not sizes.any():
        return out
    values = _fmix32(minhash_input(np.concatenate([s for s in shingle_sets if len(s)])))
    owners = np.repeat(np.arange(len(shingle_sets)), sizes)
    with np.errstate(over="ignore"):
        for lo in range(0, len(values), chunk_rows):
            hi = min(lo + chunk_rows, len(values))
            permuted = values[lo:hi, None] * a[None, :] + b[None, :]
            chunk_owners = owners[lo:hi]
            starts = np.flatnonzero(np.r_[True, chunk_owners[1:] != chunk_owners[:-1]])
            mins = np.minimum.reduceat(permuted, starts, axis=0)
            rows = chunk_owners[starts]
            out[rows] = np.minimum(out[rows], mins)
    return out


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What later stages need of a text: its normal form, content hash and shingles."""

    normalized: str
    content_hash: int  # xxh3-64 of the normalized text: equal means exact duplicate
    words: int
    shingles: np.ndarray  # sorted unique uint64


class Fingerprinter:
    """Turns texts into Fingerprints, reusing token hashes across the whole run."""

    def __init__(self, shingle_size: int = 3) -> None:
        self.shingle_size = shingle_size
        self._hash_tokens = TokenHasher()

    def many(self, texts: Sequence[str]) -> list[Fingerprint]:
        """Fingerprints of many texts, identical to calling this on each, in a few numpy passes."""
        normalized = normalize_many(texts)
        token_lists = [_TOKEN.findall(text) for text in normalized]
        flat, offsets = batch_shingles(token_lists, self._hash_tokens, self.shingle_size)
        return [
            Fingerprint(
                normalized=text,
                content_hash=xxhash.xxh3_64_intdigest(" ".join(tokens).encode("utf-8")),
                words=len(tokens),
                shingles=flat[offsets[i] : offsets[i + 1]],
            )
            for i, (text, tokens) in enumerate(zip(normalized, token_lists, strict=True))
        ]

    def __call__(self, text: str) -> Fingerprint:
        normalized = normalize(text)
        tokens = tokenize(normalized)
        shingles = shingle_hashes(self._hash_tokens(tokens), self.shingle_size)
        return Fingerprint(
            normalized=normalized,
            content_hash=xxhash.xxh3_64_intdigest(" ".join(tokens).encode("utf-8")),
            words=len(tokens),
            shingles=shingles,
        )
