"""Text normalization, word shingles and MinHash signatures computed in batches.

Signatures are bit-identical to ``datasketch.MinHash`` (scheme ``affine32``, same
``num_perm`` and ``seed``) fed with the same shingle hashes, so they can be handed to
``LeanMinHash``/``MinHashLSH`` unchanged; we only avoid its one-call-per-shingle loop.

Shingle hashing: each distinct token is hashed once (xxh3-64, cached); a k-shingle's
64-bit hash is a wrapping polynomial combination of its token hashes followed by a
murmur-style finalizer, all in numpy. The 64-bit values are kept (sorted, unique) for
exact Jaccard during verification; their top 32 bits feed MinHash.

A batch is normalized as one joined string and tokenized with one ``re.findall``; tokens get
run-wide ids (a dict) and their hashes come from an id -> hash array, so each distinct token is
hashed once per run and shingles of the whole batch are computed in numpy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

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


def _fold(text: str) -> str:
    """NFKC, casefold, quotes and dashes unified; whitespace left as it is."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    for char, replacement in _REPLACEMENTS:  # str.translate is ~10x slower than a few scans
        if char in folded:
            folded = folded.replace(char, replacement)
    return folded


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
    """Turns texts into Fingerprints, reusing token ids and hashes across the whole run."""

    def __init__(self, shingle_size: int = 3) -> None:
        self.shingle_size = shingle_size
        self._hash_tokens = TokenHasher()
        self._vocab: dict[str, int] = {}
        self._hashes = np.empty(0, dtype=np.uint64)  # token id -> xxh3-64 of the token

    def many(self, texts: Sequence[str]) -> list[Fingerprint]:
        """Fingerprints of many texts, identical to calling this on each, in a few numpy passes."""
        return self.with_windows(texts, ())[0]

    def with_windows(
        self, texts: Sequence[str], windows: Sequence[tuple[int, int, int]]
    ) -> tuple[list[Fingerprint], list[np.ndarray]]:
        """Fingerprints of ``texts`` and the shingle hashes of ``windows`` (text index, start,
        end: spans of those texts) for MinHash: unsorted and possibly repeated, but the same
        set as ``self(text[start:end]).shingles``.

        Why: windows of long paragraphs hold a third of a corpus's characters; here they
        are cut from their text's tokens (a mark at each window edge, see ``_marked``)
        instead of being normalized and tokenized again. A window whose edges are not
        plainly between words is fingerprinted on its own.
        """
        if any("\0" in text for text in texts):
            fps = [self(text) for text in texts]
            return fps, [self(texts[t][a:b]).shingles for t, a, b in windows]
        marked, cuts, loose = _marked(texts, windows)
        folded = _fold("\0".join(marked + [texts[t][a:b] for t, a, b in loose]))
        # normal forms of the texts: marks out, whitespace runs collapsed (as ``normalize``)
        plain = folded.replace("\1", "") if cuts else folded
        parts = [" ".join(part.split()) for part in plain.split("\0")[: len(texts)]]  # 3x faster than a sub
        tokens = (_TOKEN_OR_MARK if cuts else _TOKEN_OR_SEP).findall(folded)
        ids = self._ids(tokens)
        is_word = ids >= 2
        word_rank = np.cumsum(is_word) - is_word  # index among word tokens of each token
        text_ends = word_rank[ids == 0].tolist() + [int(is_word.sum())]
        words = np.diff(np.r_[0, text_ends])
        starts = np.r_[0, text_ends[:-1]].astype(np.int64)
        hashes = self._hashes[ids[is_word]]
        n = len(texts)
        # windows: token spans between the marks at their edges, then the loose ones as texts
        mark_at = word_rank[ids == 1]
        spans = [(mark_at[cuts[i][0]], mark_at[cuts[i][1]]) for i in range(len(windows)) if i in cuts]
        win_starts = np.array([a for a, _ in spans], dtype=np.int64)
        win_lengths = np.array([b - a for a, b in spans], dtype=np.int64)
        all_starts = np.r_[starts, win_starts]
        all_lengths = np.r_[words, win_lengths]
        values, offsets = _shingle_values(hashes, all_starts, all_lengths, self.shingle_size,
                                          sorted_below=n + len(loose))
        # loose windows were appended as texts after the real ones
        order = np.r_[np.arange(n), np.arange(n + len(loose), n + len(loose) + len(spans)),
                      np.arange(n, n + len(loose))]
        pieces = [values[offsets[i] : offsets[i + 1]] for i in order.tolist()]
        joined = " ".join(tokens)  # tokens hold no spaces: marks go with the space after them
        contents = (joined.replace("\1 ", "").replace("\1", "") if cuts else joined).split("\0")
        fps = [
            Fingerprint(
                normalized=part,
                content_hash=xxhash.xxh3_64_intdigest(content.strip(" ").encode("utf-8")),
                words=count,
                shingles=piece,
            )
            for part, content, count, piece in zip(parts, contents[:n], words[:n].tolist(),
                                                   pieces[:n], strict=True)
        ]
        window_shingles: list[np.ndarray] = [np.empty(0, dtype=np.uint64)] * len(windows)
        cut_order = [i for i in range(len(windows)) if i in cuts]
        loose_order = [i for i in range(len(windows)) if i not in cuts]
        for i, piece in zip(cut_order + loose_order, pieces[n:], strict=True):
            window_shingles[i] = piece
        return fps, window_shingles

    def _ids(self, tokens: list[str]) -> np.ndarray:
        """Token ids (0: text separator, 1: window mark); new tokens are hashed once."""
        vocab = self._vocab
        if len(vocab) > 4_000_000:  # bound memory on endless vocabularies; hashes do not change
            vocab.clear()
        if not vocab:
            vocab.update({"\0": 0, "\1": 1})
            self._hashes = np.zeros(2, dtype=np.uint64)
        new = set(tokens).difference(vocab)
        if new:
            fresh = sorted(new)
            base = len(vocab)
            vocab.update(zip(fresh, range(base, base + len(fresh)), strict=True))
            added = np.fromiter((xxhash.xxh3_64_intdigest(t.encode("utf-8")) for t in fresh),
                                dtype=np.uint64, count=len(fresh))
            self._hashes = np.r_[self._hashes, added]
        return np.fromiter(map(vocab.__getitem__, tokens), dtype=np.int64, count=len(tokens))

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


_TOKEN_OR_SEP = re.compile(r"\w+(?:'\w+)*|\0")
_TOKEN_OR_MARK = re.compile(r"\w+(?:'\w+)*|[\0\1]")
_CLOSING = frozenset("\"'»”’)]")


def _safe_edge(text: str, at: int) -> bool:
    """Whether a mark at ``at`` leaves normalization and tokens unchanged: it must stand at
    the text's edge, next to whitespace, or between a sentence end and a closing quote."""
    if at <= 0 or at >= len(text):
        return 0 <= at <= len(text)
    before, after = text[at - 1], text[at]
    return before.isspace() or after.isspace() or (before in ".!?…" and after in _CLOSING)


def _marked(
    texts: Sequence[str], windows: Sequence[tuple[int, int, int]]
) -> tuple[list[str], dict[int, tuple[int, int]], list[tuple[int, int, int]]]:
    """Texts with a mark (U+0001) at every window edge; for each window cut this way, the
    numbers of the marks at its edges (counted over the batch); the windows left loose."""
    if not windows or any("\1" in text for text in texts):
        return list(texts), {}, list(windows)
    edges: dict[int, set[int]] = {}
    for t, a, b in windows:
        edges.setdefault(t, set()).update((a, b))
    safe = {t for t, points in edges.items() if all(_safe_edge(texts[t], p) for p in points)}
    marked = list(texts)
    number: dict[tuple[int, int], int] = {}
    for t in sorted(safe):
        text, points = texts[t], sorted(edges[t])
        base = len(number)
        number.update(((t, p), base + i) for i, p in enumerate(points))
        bounds = [0, *points, len(text)]
        marked[t] = "\1".join(text[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True))
    cuts = {i: (number[(t, a)], number[(t, b)]) for i, (t, a, b) in enumerate(windows) if t in safe}
    loose = [w for i, w in enumerate(windows) if i not in cuts]
    return marked, cuts, loose


def _shingle_values(
    hashes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, k: int, sorted_below: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of token spans of ``hashes`` (as ``shingle_hashes``), flat, with offsets.

    Spans before ``sorted_below`` get their sorted unique shingles; the later ones (windows,
    which only feed MinHash) keep them in token order, repeats included: no sort to pay.
    """
    widths = np.minimum(lengths, k)
    counts = np.where(lengths > 0, lengths - widths + 1, 0)
    owners = np.repeat(np.arange(len(lengths)), counts)
    firsts = np.cumsum(counts) - counts
    positions = np.repeat(starts - firsts, counts) + np.arange(len(owners))
    width = widths[owners]
    padded = np.r_[hashes, np.zeros(k, dtype=np.uint64)]
    with np.errstate(over="ignore"):
        acc = padded[positions]
        for j in range(1, k):
            grown = acc * _MULT + padded[positions + j]
            acc = np.where(j < width, grown, acc)
        values = _mix64(acc + width.astype(np.uint64))
    split = int(counts[:sorted_below].sum())
    head, owned = values[:split], owners[:split]
    order = _owner_value_order(head, owned)
    head, owned = head[order], owned[order]
    keep = np.ones(len(head), dtype=bool)
    keep[1:] = (head[1:] != head[:-1]) | (owned[1:] != owned[:-1])
    values = np.r_[head[keep], values[split:]]
    owners = np.r_[owned[keep], owners[split:]]
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owners, minlength=len(lengths)), out=offsets[1:])
    return values, offsets


def _owner_value_order(values: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """``np.lexsort((values, owners))`` for ascending owners below 2**20, ~10x faster: one
    SIMD quicksort of (owner, top 44 bits of value) packed in one integer. Should two values
    of an owner share those bits and differ (~1 in 10**7 batches), the exact lexsort decides."""
    if len(owners) and int(owners[-1]) < 2**20:
        key = (owners.astype(np.uint64) << np.uint64(44)) | (values >> np.uint64(20))
        order = np.argsort(key)
        ordered_key, ordered = key[order], values[order]
        if not np.any((ordered_key[1:] == ordered_key[:-1]) & (ordered[1:] != ordered[:-1])):
            return order
    return np.lexsort((values, owners))
