"""Text normalization, word shingles and MinHash signatures computed in batches.

Signatures are bit-identical to ``datasketch.MinHash`` (scheme ``affine32``, same
``num_perm`` and ``seed``) fed with the same shingle hashes, so they can be handed to
``LeanMinHash``/``MinHashLSH`` unchanged; we only avoid its one-call-per-shingle loop.

A batch is folded (NFKC, casefold, quotes and dashes) as one joined string; its code
points go to numpy, where word tokens are found with a ``\\w`` lookup table and hashed
(``scan_tokens``): no Python string or dict lookup per token. A k-shingle's 64-bit hash is
a wrapping polynomial combination of its token hashes followed by a murmur-style
finalizer. The 64-bit values are kept (sorted, unique) for exact Jaccard during
verification; their top 32 bits feed MinHash.

The loops run compiled (``kernels``, numba) for big batches when numba is installed, as it
is by default; the numpy functions here are their reference, run for small batches and
where numba has no build (a new CPython, PyPy). Both give the same bits.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import numpy as np

from ..rules.knowledge_cache import remembered

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

_MULT = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_S32 = np.uint64(32)


def normalize(text: str) -> str:
    """NFKC, case-folded, quotes and dashes unified, whitespace collapsed (idempotent)."""
    return " ".join(_fold(text).split())  # str.split and re's \\s agree on what is space


def tokenize(normalized: str) -> list[str]:
    """Word tokens of normalized text: letters/digits of any script, inner apostrophes kept."""
    return _TOKEN.findall(normalized)


def _fold(text: str) -> str:
    """NFKC, casefold, quotes and dashes unified; whitespace left as it is."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _unify(text.casefold())


def _nfkc_all(texts: Sequence[str]) -> list[str]:
    """NFKC of each text, run only on the texts that need it: one changed character
    anywhere makes NFKC of a whole batch rebuild all of it (4x slower). ASCII is NFKC."""
    normal, nfkc = unicodedata.is_normalized, unicodedata.normalize
    return [t if t.isascii() or normal("NFKC", t) else nfkc("NFKC", t) for t in texts]


def fold_all(texts: Sequence[str]) -> str:
    """``_fold`` of the texts joined by U+0000: the reference the compiled fold is checked against."""
    return _unify("\0".join(_nfkc_all(texts)).casefold())


def folded_codes(texts: Sequence[str]) -> np.ndarray:
    """The code points of ``fold_all(texts)`` (uint32). Compiled: a text made only of
    characters NFKC leaves alone everywhere (``fold_table``) is folded by one table lookup
    per code point; the others (a combining mark, a ligature, "ß", an emoji) by Python."""
    compiled = kernels_for()
    if compiled is None:
        return _codes(fold_all(texts))
    return _fold_joined(compiled, _codes("\0".join(texts)), len(texts))


def _fold_joined(compiled: ModuleType, codes: np.ndarray, count: int) -> np.ndarray:
    """``folded_codes`` of the ``count`` texts whose code points, joined by U+0000, are ``codes``."""
    folded, unfolded, bounds, folded_bounds = compiled.fold_codes(codes, *fold_table(), count)
    if not unfolded.any():
        return folded
    pieces, at = [], 0
    for i in np.flatnonzero(unfolded).tolist():  # splice in Python's fold of each of them
        text = codes[bounds[i] : bounds[i + 1] - 1].tobytes().decode("utf-32-le", "surrogatepass")
        pieces += [folded[at : folded_bounds[i]], _codes(_fold(text))]
        at = folded_bounds[i + 1] - 1  # its separator
    pieces.append(folded[at:])
    return np.concatenate(pieces)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


EXPANDS = 0x80000000  # in a fold table: ``EXPANDS | i``, the code point folds to expansion i


@lru_cache(maxsize=1)
def fold_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How each code point of the BMP folds wherever it stands, for the compiled fold:
    (table, starts, codes). ``table[c]`` is the one code point ``_unify(c.casefold())`` gives
    when NFKC leaves ``c`` alone in any text; ``EXPANDS | i`` when ``c`` folds to the code
    points ``codes[starts[i]:starts[i + 1]]`` wherever it stands; 0xFFFFFFFF for the others,
    whose texts Python folds.

    Left alone means NFKC's quick check says yes (UAX #15): the character is NFKC by itself,
    has combining class 0 and never composes with one before it (it is not the second half of
    a canonical decomposition, nor a Hangul vowel or final jamo). A text of such characters
    is NFKC as it stands. Folding to several code points wherever it stands ("…" -> "...",
    "ﬁ" -> "fi", "№" -> "no", "ß" -> "ss", "½"): NFKC's own result for the character, then
    casefolded and unified, provided its decomposition starts with such a character (a
    starter that composes with nothing before it); what follows it in a text the table
    folds is a starter that composes with nothing before it either, so NFKC of the text is
    NFKC of each character in turn (texts with other characters go to Python whole).
    """
    is_nfkc, combining, decomposition, normalize = (unicodedata.is_normalized, unicodedata.combining,
                                                    unicodedata.decomposition, unicodedata.normalize)
    second_halves = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V and T jamo
    for c in range(0x10000):
        parts = decomposition(chr(c)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            second_halves.add(int(parts[1], 16))

    def opens_freely(char: str) -> bool:  # a starter that composes with nothing before it
        return ord(char) < 0x10000 and ord(char) not in second_halves and not combining(char)

    table = np.full(0x110000, 0xFFFFFFFF, dtype=np.uint32)
    expansions: list[str] = []
    for c in range(0x10000):
        char = chr(c)
        folded = char.casefold()
        if len(folded) == 1 and c not in second_halves and not combining(char) and is_nfkc("NFKC", char):
            table[c] = ord(folded)
        elif not 0xD800 <= c < 0xE000 and opens_freely(char) and opens_freely(normalize("NFKD", char)[0]):
            table[c] = EXPANDS | len(expansions)
            expansions.append(_unify(normalize("NFKC", char).casefold()))
    for char, replacement in _REPLACEMENTS:
        table[table == ord(char)] = ord(replacement)
    starts = np.zeros(len(expansions) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in expansions], out=starts[1:])
    return table, starts, _codes("".join(expansions)).copy()


# Below this many texts in a batch the numpy path runs unless the kernels are loaded already:
# loading them (importing numba, ~0.4 s; compiling, ~4 s once after install) costs more
# than they save on a small run.
COMPILED_MIN_TEXTS = 20_000
# The kernels once loaded, or None if numba is missing; empty until a batch makes loading pay.
# Loaded once a process (a run never empties it); a test empties it to act as a fresh process.
loaded_kernels: list[ModuleType | None] = []


def kernels_for(texts: int = 0) -> ModuleType | None:
    """The compiled kernels, loaded now if a batch of ``texts`` makes it pay; None while they
    are not loaded and where numba cannot be imported: numpy does the work.

    The one place the compiled or the numpy path is chosen (every step asks here): tests and
    ``benchmarks/throughput.py`` replace it with one returning None to run the numpy
    references and compare results and speed."""
    if not loaded_kernels and texts >= COMPILED_MIN_TEXTS:
        try:
            from . import kernels
        except ImportError as error:
            warnings.warn(f"numba cannot be imported ({error}): fingerprinting runs its numpy "
                          "reference, about 3x slower, with the same results", RuntimeWarning, stacklevel=2)
            kernels = None
        loaded_kernels.append(kernels)
    return loaded_kernels[0] if loaded_kernels else None


def load_kernels() -> bool:
    """Load the compiled kernels and build their lookup tables now (before threads share
    them); whether they are in use (numba could be imported)."""
    if kernels_for(COMPILED_MIN_TEXTS) is None:
        return False
    word_chars(), fold_table(), _edge_chars()
    return True


def _unify(folded: str) -> str:
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


def minhash_input(shingles: np.ndarray) -> np.ndarray:
    """The 32-bit values MinHash sees for each shingle: the top half of its 64-bit hash."""
    return (shingles >> _S32).astype(np.uint32)


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's own affine32 permutation parameters, so signatures match it exactly.
    Kept in the knowledge cache by datasketch's MinHash source: importing datasketch pulls in
    scipy (~0.5 s of every start), and a run needs nothing else from it."""
    source = _minhash_source()
    if source is None:
        return _datasketch_permutations(num_perm, seed)
    packed = remembered("minhash-permutations", (num_perm, seed, source),
                        lambda: tuple(p.tobytes() for p in _datasketch_permutations(num_perm, seed)),
                        lambda value: isinstance(value, tuple) and len(value) == 2 and all(
                            isinstance(p, bytes) and len(p) == 4 * num_perm for p in value))
    a, b = (np.frombuffer(p, dtype=np.uint32).copy() for p in packed)
    return a, b


def _datasketch_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    return a.astype(np.uint32), b.astype(np.uint32)


@lru_cache(maxsize=1)
def _minhash_source() -> str | None:
    """A digest of datasketch's MinHash module (found, not imported); None if unreadable."""
    try:
        spec = importlib.util.find_spec("datasketch")
        origin = spec.origin if spec is not None else None
        if origin is None:
            return None
        return hashlib.sha256(Path(origin).with_name("minhash.py").read_bytes()).hexdigest()
    except (ImportError, OSError, ValueError):
        return None


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
    chunk_rows: int = 8_192,
) -> np.ndarray:
    """MinHash signatures (n, num_perm) uint32 for many shingle sets at once.

    Compiled (``kernels.signatures_of``) once the kernels are loaded; otherwise numpy:
    all shingles of a batch are permuted together, one permutation per row of a
    (num_perm, chunk) block, and reduced per set with ``np.minimum.reduceat`` along the
    rows: reducing along the contiguous axis is ~3x faster than along the other one.
    Chunks of 8,192 shingles keep a block (4 MB) near the cache. A set cut by a chunk
    edge is finished in the next chunk. An empty set gets the all-max signature, as an
    empty datasketch MinHash has.
    """
    sizes = np.fromiter((len(s) for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
    values = np.concatenate([s for s in shingle_sets if len(s)]) if sizes.any() else np.empty(0, np.uint64)
    return signatures_of(values, sizes, num_perm, seed, chunk_rows)


def signatures_of(
    values: np.ndarray, sizes: np.ndarray, num_perm: int = 128, seed: int = 1, chunk_rows: int = 8_192
) -> np.ndarray:
    """``signatures`` of sets given as one flat array of shingle hashes and each set's size."""
    a, b = permutations(num_perm, seed)
    compiled = kernels_for(len(sizes))
    if compiled is not None:
        offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        return compiled.signatures_of(values, offsets, a, b)
    return signatures_numpy(values, sizes, a, b, chunk_rows)


def signatures_numpy(
    values: np.ndarray, sizes: np.ndarray, a: np.ndarray, b: np.ndarray, chunk_rows: int
) -> np.ndarray:
    """``signatures_of`` in numpy (see ``signatures``): the reference of the compiled kernel,
    public so tests and benchmarks can compare the two."""
    count, num_perm = len(sizes), len(a)
    out = np.full((num_perm, count), np.iinfo(np.uint32).max, dtype=np.uint32)
    if sizes.any():
        values = _fmix32(minhash_input(values))
        owners = np.repeat(np.arange(count), sizes)
        block = np.empty((num_perm, min(chunk_rows, len(values))), dtype=np.uint32)
        a_col, b_col = a[:, None], b[:, None]
        for lo in range(0, len(values), chunk_rows):
            hi = min(lo + chunk_rows, len(values))
            permuted = block[:, : hi - lo]
            np.multiply(a_col, values[None, lo:hi], out=permuted)  # wraps: the modulo 2**32
            permuted += b_col
            chunk_owners = owners[lo:hi]
            starts = np.flatnonzero(np.r_[True, chunk_owners[1:] != chunk_owners[:-1]])
            mins = np.minimum.reduceat(permuted, starts, axis=1)
            rows = chunk_owners[starts]
            if lo and rows[0] == owners[lo - 1]:  # the set began in the previous chunk
                np.minimum(mins[:, 0], out[:, rows[0]], out=mins[:, 0])
            out[:, rows] = mins
    return np.ascontiguousarray(out.T)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What later stages need of a text: its content hash, words, shingles and the text.

    The text is ``page``, or ``page[start:end]`` when ``end`` is set: a paragraph's
    fingerprint points into its document's text instead of holding a copy of it.
    """

    page: str  # the text, or any text with the same normal form (an index keeps that)
    content_hash: int  # of the token sequence (``_content_hashes``): equal means exact duplicate
    words: int
    shingles: np.ndarray  # sorted unique uint64
    start: int = 0
    end: int | None = None

    @property
    def text(self) -> str:
        return self.page if self.end is None else self.page[self.start : self.end]

    @property
    def normalized(self) -> str:
        """The normal form, made when asked: only verified pairs need it, and keeping one
        per paragraph would copy the corpus."""
        return normalize(self.text)


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """Fingerprints of many texts as lists and arrays (see ``Fingerprinter.arrays``)."""

    content_hashes: list[int]
    words: list[int]
    shingles: np.ndarray  # every text's sorted unique shingles, one after the other
    offsets: np.ndarray  # text i's are shingles[offsets[i]:offsets[i + 1]]
    windows: list[np.ndarray]  # each window's shingle hashes (for MinHash only)

    def pieces(self) -> list[np.ndarray]:
        bounds = self.offsets.tolist()
        return [self.shingles[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


class Fingerprinter:
    """Turns texts into Fingerprints: a batch is folded as one string and its tokens are
    found and hashed in numpy, over the code points (see ``scan_tokens``)."""

    def __init__(self, shingle_size: int = 3) -> None:
        self.shingle_size = shingle_size

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
        are cut from their text's tokens (a mark at each window edge, see ``marked_texts``)
        instead of being normalized and tokenized again. A window whose edges are not
        plainly between words is fingerprinted on its own.
        """
        found = self.arrays(texts, windows)
        fps = [
            Fingerprint(text, content_hash=content, words=count, shingles=piece)
            for text, content, count, piece in zip(texts, found.content_hashes, found.words,
                                                   found.pieces(), strict=True)
        ]
        return fps, found.windows

    def arrays(self, texts: Sequence[str], windows: Sequence[tuple[int, int, int]] = ()) -> Fingerprints:
        """What ``with_windows`` finds, as lists and arrays: no object per text, for callers
        that keep their own (detection keeps the text as a span of its page) or send them
        between processes."""
        joined = "\0".join(texts)  # scanned here, then encoded (compiled path)
        if joined.count("\0") >= len(texts) or "\1" in joined:
            # U+0000/U+0001 separate texts and mark windows here: any other non-word will do
            texts = [text.replace("\0", "\2").replace("\1", "\2") for text in texts]
            joined = "\0".join(texts)
        compiled = kernels_for(len(texts) + len(windows))  # loaded for a big batch, then used below
        if compiled is None:
            marked, cuts, loose = marked_texts(texts, windows)
            codes = folded_codes(marked + [texts[t][a:b] for t, a, b in loose])
        else:  # the same marks put in the code points: no string built per marked text
            joined_marked, cuts, loose = marked_codes(texts, windows, joined)
            codes = _fold_joined(compiled, joined_marked, len(texts) + len(loose))
        del joined
        n, total = len(texts), len(texts) + len(loose)
        token_at, hashes, words = _tokens(codes)
        starts = np.cumsum(words) - words
        # windows: token spans between the marks at their edges (tokens starting before each)
        mark_at = np.searchsorted(token_at, np.flatnonzero(codes == 1)).tolist()
        spans = [(mark_at[cuts[i][0]], mark_at[cuts[i][1]]) for i in range(len(windows)) if i in cuts]
        win_starts = np.array([a for a, _ in spans], dtype=np.int64)
        win_lengths = np.array([b - a for a, b in spans], dtype=np.int64)
        values, offsets = _shingle_values(hashes, np.r_[starts, win_starts], np.r_[words, win_lengths],
                                          self.shingle_size, sorted_below=total)
        # loose windows were appended as texts after the real ones
        order = np.r_[np.arange(total, total + len(spans)), np.arange(n, total)].tolist()
        window_shingles: list[np.ndarray] = [np.empty(0, dtype=np.uint64)] * len(windows)
        cut_order = [i for i in range(len(windows)) if i in cuts]
        loose_order = [i for i in range(len(windows)) if i not in cuts]
        for i, piece in zip(cut_order + loose_order, order, strict=True):
            window_shingles[i] = values[offsets[piece] : offsets[piece + 1]]
        return Fingerprints(
            content_hashes=_content_hashes(hashes, starts, words)[:n],
            words=words[:n].tolist(),
            shingles=values[: offsets[n]],
            offsets=offsets[: n + 1],
            windows=window_shingles,
        )

    def __call__(self, text: str) -> Fingerprint:
        return self.many([text])[0]


@lru_cache(maxsize=1)
def _every_code_point() -> str:
    """All of Unicode as one string, decoded from its UTF-32 code units: joining 1.1 million
    ``chr`` calls cost a small run ~0.12 s, this ~0.01 s (the same string, surrogates too)."""
    return np.arange(0x110000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=1)
def word_chars() -> np.ndarray:
    """Which code points ``\\w`` matches (Python's own definition), as a lookup table.
    Kept in the knowledge cache (its file is per Python version) as packed bits, under the
    Unicode version: scanning all of Unicode cost every run ~0.03 s."""
    packed = remembered("word-chars", (unicodedata.unidata_version,),
                        lambda: np.packbits(_scan_word_chars()).tobytes(),
                        lambda value: isinstance(value, bytes) and len(value) == 0x110000 // 8)
    return np.unpackbits(np.frombuffer(packed, dtype=np.uint8)).astype(bool)


def _scan_word_chars() -> np.ndarray:
    table = np.zeros(0x110000, dtype=bool)
    for match in re.finditer(r"\w+", _every_code_point()):
        table[match.start() : match.end()] = True
    return table


def scan_tokens(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start offsets and 64-bit hashes of the word tokens of a folded text's code points.

    A token is what ``tokenize`` finds: a run of word characters, apostrophes inside it
    kept. Its hash sums a mixed (code point, position in token) value per character
    and mixes the sum with the length: order-sensitive, and no Python string or dict
    lookup per token.
    """
    return _tokens(codes)[:2]


def _tokens(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``scan_tokens`` and the number of tokens of each text (texts separated by U+0000)."""
    compiled = kernels_for()
    if compiled is not None:
        return compiled.scan_tokens(codes, word_chars())
    starts, hashes = scan_tokens_numpy(codes)
    text_of = np.searchsorted(np.flatnonzero(codes == 0), starts)  # separators before
    return starts, hashes, np.bincount(text_of, minlength=int(np.count_nonzero(codes == 0)) + 1)


def scan_tokens_numpy(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``scan_tokens`` as one numpy pass per step: the reference of the compiled kernel,
    public so tests and benchmarks can compare the two."""
    word = word_chars()[codes]
    inside = word.copy()
    inside[1:-1] |= (codes[1:-1] == _APOSTROPHE) & word[:-2] & word[2:]
    edges = np.diff(inside.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    lengths = np.flatnonzero(edges == -1) - starts
    if not len(starts):
        return starts, np.empty(0, dtype=np.uint64)
    firsts = np.cumsum(lengths) - lengths  # where each token begins among the token characters
    position = np.arange(int(lengths.sum())) - np.repeat(firsts, lengths)
    with np.errstate(over="ignore"):
        mixed = _mix64((codes[inside].astype(np.uint64) << _S32) ^ position.astype(np.uint64))
        sums = np.add.reduceat(mixed, firsts)
        return starts, _mix64(sums + lengths.astype(np.uint64) * _MULT)


_APOSTROPHE = ord("'")


def _content_hashes(hashes: np.ndarray, starts: np.ndarray, words: np.ndarray) -> list[int]:
    """One 64-bit hash per text of its token sequence (order and count matter): a sum of
    mixed (token hash, position) values, mixed with the count. Equal means exact duplicate."""
    compiled = kernels_for()
    if compiled is not None:
        return compiled.content_hashes(hashes, starts, words).tolist()
    return content_hashes_numpy(hashes, starts, words)


def content_hashes_numpy(hashes: np.ndarray, starts: np.ndarray, words: np.ndarray) -> list[int]:
    """``_content_hashes`` in numpy: the reference of the compiled kernel, public so tests and
    benchmarks can compare the two."""
    with np.errstate(over="ignore"):
        position = np.arange(len(hashes)) - np.repeat(starts, words)
        mixed = _mix64(hashes ^ (position.astype(np.uint64) * _MULT))
        totals = np.r_[np.uint64(0), np.cumsum(mixed, dtype=np.uint64)]
        sums = totals[starts + words] - totals[starts]
        return _mix64(sums + words.astype(np.uint64) * _M2).tolist()


_CLOSING = frozenset("\"'»”’)]")


def _safe_edge(text: str, at: int) -> bool:
    """Whether a mark at ``at`` leaves normalization and tokens unchanged: it must stand at
    the text's edge, next to whitespace, or between a sentence end and a closing quote."""
    if at <= 0 or at >= len(text):
        return 0 <= at <= len(text)
    before, after = text[at - 1], text[at]
    return before.isspace() or after.isspace() or (before in ".!?…" and after in _CLOSING)


def marked_texts(
    texts: Sequence[str], windows: Sequence[tuple[int, int, int]]
) -> tuple[list[str], dict[int, tuple[int, int]], list[tuple[int, int, int]]]:
    """Texts with a mark (U+0001) at every window edge; for each window cut this way, the
    numbers of the marks at its edges (counted over the batch); the windows left loose.
    The numpy path marks texts so, and tests check ``marked_codes`` (the compiled path's) against it."""
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


@lru_cache(maxsize=1)
def _edge_chars() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lookup tables over all code points for ``_safe_edge``: whitespace, sentence ends,
    closing marks."""
    space = np.zeros(0x110000, dtype=bool)
    space[[c for c in range(0x110000) if chr(c).isspace()]] = True
    ends = np.zeros(0x110000, dtype=bool)
    ends[[ord(c) for c in ".!?…"]] = True
    closing = np.zeros(0x110000, dtype=bool)
    closing[[ord(c) for c in _CLOSING]] = True
    return space, ends, closing


def marked_codes(
    texts: Sequence[str], windows: Sequence[tuple[int, int, int]], joined_text: str | None = None
) -> tuple[np.ndarray, dict[int, tuple[int, int]], list[tuple[int, int, int]]]:
    """``marked_texts`` done on code points: the code points of the marked texts then the loose
    windows' texts, all joined by U+0000, and the same cuts and loose windows. The marks
    are inserted into one array and edges are judged by table lookups (``_edge_chars``):
    building a string per marked text held the interpreter for ~15% of fingerprinting.
    ``joined_text``: ``"\\0".join(texts)`` if the caller has it."""
    joined = _codes("\0".join(texts) if joined_text is None else joined_text)
    if not windows or (joined == 1).any():
        loose = list(windows)
        if not loose:
            return joined, {}, []
        return _codes("\0".join([*texts, *(texts[t][a:b] for t, a, b in loose)])), {}, loose
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    base = np.cumsum(lengths + 1) - (lengths + 1)  # where each text starts in ``joined``
    spans = np.asarray(windows, dtype=np.int64).reshape(-1, 3)
    owner = np.r_[spans[:, 0], spans[:, 0]]
    at = np.r_[spans[:, 1], spans[:, 2]]  # both edges of every window
    size = lengths[owner]
    inside = (at > 0) & (at < size)
    point = base[owner] + at
    probe = joined if len(joined) else np.zeros(1, dtype=np.uint32)  # all texts empty
    before = probe[np.where(inside, point - 1, 0)]
    after = probe[np.where(inside, point, 0)]
    space, ends, closing = _edge_chars()
    safe = np.where(inside, space[before] | space[after] | (ends[before] & closing[after]),
                    (at >= 0) & (at <= size))
    unsafe = np.zeros(len(texts), dtype=bool)
    unsafe[owner[~safe]] = True
    cut = ~unsafe[spans[:, 0]]  # a text is marked only where all its window edges are safe
    points = np.unique(np.r_[point[: len(spans)][cut], point[len(spans) :][cut]])
    starts = np.searchsorted(points, point[: len(spans)][cut]).tolist()
    ends_at = np.searchsorted(points, point[len(spans) :][cut]).tolist()
    cuts = dict(zip(np.flatnonzero(cut).tolist(), zip(starts, ends_at, strict=True), strict=True))
    marked = np.insert(joined, points, np.uint32(1))
    loose = [w for w, keep in zip(windows, cut.tolist(), strict=True) if not keep]
    if loose:
        marked = np.r_[marked, _codes("\0" + "\0".join(texts[t][a:b] for t, a, b in loose))]
    return marked, cuts, loose


def _shingle_values(
    hashes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, k: int, sorted_below: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of token spans of ``hashes`` (as ``shingle_hashes``), flat, with offsets.

    Spans before ``sorted_below`` get their sorted unique shingles; the later ones (windows,
    which only feed MinHash) keep them in token order, repeats included: no sort to pay.
    """
    compiled = kernels_for()
    if compiled is not None:
        return compiled.shingle_values(hashes, starts.astype(np.int64), lengths.astype(np.int64), k,
                                       sorted_below)
    return shingle_values_numpy(hashes, starts, lengths, k, sorted_below)


def shingle_values_numpy(
    hashes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, k: int, sorted_below: int
) -> tuple[np.ndarray, np.ndarray]:
    """``_shingle_values`` in numpy: the reference of the compiled kernel, public so tests and
    benchmarks can compare the two."""
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
    order = owner_value_order(head, owned)
    head, owned = head[order], owned[order]
    keep = np.ones(len(head), dtype=bool)
    keep[1:] = (head[1:] != head[:-1]) | (owned[1:] != owned[:-1])
    values = np.r_[head[keep], values[split:]]
    owners = np.r_[owned[keep], owners[split:]]
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owners, minlength=len(lengths)), out=offsets[1:])
    return values, offsets


def owner_value_order(values: np.ndarray, owners: np.ndarray) -> np.ndarray:
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
