"""The compiled kernels compute exactly what their numpy references compute."""

import random
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe_audit.dedup import fingerprint, kernels
from dedupe_audit.dedup.fingerprint import Fingerprinter

_TRICKY = st.sampled_from(
    list("'’ _-.\t\n\u00a0\u0301\u0300ſﬁẞßΣςİŉ①²½\u2028«»—ё") + ["𐐀", "🙂", "д", "x", "9", "Ǆ", "ﬀ"]
)
_TEXTS = st.lists(
    st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\0\1") | _TRICKY,
             max_size=80),
    min_size=1, max_size=12,
)


def _codes(text: str) -> np.ndarray:
    """The code points of ``text`` (uint32), surrogates kept."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _numpy_codes(texts: list[str]) -> np.ndarray:
    return _codes(fingerprint.fold_all(texts))


def _numpy_path(texts: int = 0) -> None:
    """Stands in for ``fingerprint.kernels_for``: no kernels, every step runs its numpy reference."""


@given(_TEXTS)
@settings(max_examples=300, deadline=None)
def test_folded_code_points_match_python_folding(texts):
    fingerprint.load_kernels()
    assert fingerprint.kernels_for() is kernels
    assert np.array_equal(fingerprint.folded_codes(texts), _numpy_codes(texts))


def test_folding_matches_python_over_every_code_point():
    """Each code point of Unicode (but the surrogates and the separators) in texts of 512."""
    points = [c for c in range(2, 0x110000) if not 0xD800 <= c < 0xE000]
    texts = ["".join(map(chr, points[i : i + 512])) for i in range(0, len(points), 512)]
    fingerprint.load_kernels()
    assert fingerprint.kernels_for() is kernels
    assert np.array_equal(fingerprint.folded_codes(texts), _numpy_codes(texts))


def test_folding_matches_python_where_nfkc_composes_two_characters():
    """Each canonical pair of Unicode (a letter and its accent, Indic vowel parts, Hangul
    jamo) written decomposed: NFKC composes it, so the table must leave such texts to Python."""
    pairs = []
    for c in range(0x110000):
        parts = unicodedata.decomposition(chr(c)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            pairs.append(chr(int(parts[0], 16)) + chr(int(parts[1], 16)))
    pairs += ["\u1100\u1161", "\uac00\u11a8", "\u1100\u1161\u11a8", "e\u0301\u0323"]
    texts = [f"x {pair} y" for pair in pairs]
    fingerprint.load_kernels()
    assert np.array_equal(fingerprint.folded_codes(texts), _numpy_codes(texts))
    assert not np.array_equal(_numpy_codes(texts), _codes("\0".join(texts)))  # NFKC did work


@given(_TEXTS)
@settings(max_examples=300, deadline=None)
def test_token_scan_matches_numpy(texts):
    codes = _numpy_codes(texts)
    starts, hashes, words = kernels.scan_tokens(codes, fingerprint.word_chars())
    ref_starts, ref_hashes = fingerprint.scan_tokens_numpy(codes)
    assert np.array_equal(starts, ref_starts)
    assert np.array_equal(hashes, ref_hashes)
    assert words.tolist() == [len(fingerprint.tokenize(fingerprint.normalize(t))) for t in texts]


def _token_hashes(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.integers(0, 2**64 - 1, size=count, dtype=np.uint64, endpoint=True)


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_shingles_and_content_hashes_match_numpy(k):
    rng = np.random.default_rng(k)
    lengths = rng.integers(0, 70, size=300)
    lengths[:5] = [0, 1, k - 1 if k > 1 else 0, k, k + 1]
    hashes = _token_hashes(rng, int(lengths.sum()) + 10)
    few = _token_hashes(rng, 4)  # the first half from four tokens: shingles repeat, in and across sets
    hashes[: len(hashes) // 2] = few[rng.integers(0, 4, size=len(hashes) // 2)]
    starts = np.cumsum(lengths) - lengths
    # the last 100 spans are windows inside earlier spans: kept in token order, repeats included
    windows = rng.integers(0, 200, size=100)
    win_starts = starts[windows] + lengths[windows] // 3
    win_lengths = lengths[windows] // 2
    all_starts, all_lengths = np.r_[starts, win_starts], np.r_[lengths, win_lengths]
    got = kernels.shingle_values(hashes, all_starts, all_lengths, k, len(lengths))
    want = fingerprint.shingle_values_numpy(hashes, all_starts, all_lengths, k, len(lengths))
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    tokens = hashes[: int(lengths.sum())]
    assert kernels.content_hashes(tokens, starts, lengths).tolist() == fingerprint.content_hashes_numpy(
        tokens, starts, lengths)


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 42), (7, 3)])
def test_signatures_match_numpy(num_perm, seed):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 90, size=400)
    values = _token_hashes(rng, int(sizes.sum()))
    a, b = fingerprint.permutations(num_perm, seed)
    offsets = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    got = kernels.signatures_of(values, offsets, a, b)
    want = fingerprint.signatures_numpy(values, sizes, a, b, chunk_rows=97)  # sets cut by chunks
    assert got.shape == (400, num_perm) and np.array_equal(got, want)
    assert (got[sizes == 0] == np.iinfo(np.uint32).max).all()  # an empty set: datasketch's empty MinHash


def test_fingerprints_are_the_same_without_numba(monkeypatch):
    """The numpy fallback (no numba build for this Python) gives the same fingerprints."""
    rng = random.Random(5)
    words = ["Straße", "İstanbul", "don't", "«Київ»", "🙂", "war", "peace", "talks", "2025", "США",
             "a\0b", "c\1d", "\udc80x", "e\u0301", "ﬁne", "ЁЖИК", "Ǆemal", "x" * 300]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 50))) for _ in range(300)]
    windows = [(t, 0, len(texts[t]) // 2) for t in range(0, 300, 7)]
    monkeypatch.setattr(fingerprint, "COMPILED_MIN_TEXTS", 1)
    assert fingerprint.kernels_for(300) is kernels
    compiled = Fingerprinter(3).arrays(texts, windows)
    compiled_sigs = fingerprint.signatures_of(compiled.shingles, np.diff(compiled.offsets), 128, 1)
    monkeypatch.setattr(fingerprint, "kernels_for", _numpy_path)
    reference = Fingerprinter(3).arrays(texts, windows)
    reference_sigs = fingerprint.signatures_of(reference.shingles, np.diff(reference.offsets), 128, 1)
    assert compiled.content_hashes == reference.content_hashes
    assert compiled.words == reference.words
    assert np.array_equal(compiled.shingles, reference.shingles)
    assert np.array_equal(compiled.offsets, reference.offsets)
    assert all(np.array_equal(x, y) for x, y in zip(compiled.windows, reference.windows, strict=True))
    assert np.array_equal(compiled_sigs, reference_sigs)


def _add(a, b):
    return a + b


def test_kernels_compile_without_a_writable_cache_location(monkeypatch):
    """A read-only install with no home directory: numba finds nowhere to cache, and the
    kernels are compiled in the process instead of failing."""
    import numba.core.caching

    impl = getattr(numba.core.caching, "CacheImpl", None) or numba.core.caching._CacheImpl  # older numba
    monkeypatch.setattr(impl, "_locator_classes", [])  # nowhere to cache
    with pytest.raises(RuntimeError, match="no locator"):
        numba.njit(cache=True)(_add)
    assert kernels.compile_kernel(_add)(2, 3) == 5


def test_a_large_run_without_numba_says_so_and_gives_the_same_fingerprints(monkeypatch):
    import sys

    import dedupe_audit.dedup

    texts = [f"paragraph {i} about the talks in Kyiv and what was said" for i in range(50)]
    compiled = Fingerprinter(3).arrays(texts)
    monkeypatch.setattr(fingerprint, "loaded_kernels", [])  # as in a fresh process
    monkeypatch.setitem(sys.modules, "dedupe_audit.dedup.kernels", None)  # numba has no build here
    monkeypatch.delattr(dedupe_audit.dedup, "kernels")
    monkeypatch.setattr(fingerprint, "COMPILED_MIN_TEXTS", 10)
    with pytest.warns(RuntimeWarning, match="numba cannot be imported"):
        fallback = Fingerprinter(3).arrays(texts)
    assert fingerprint.kernels_for() is None
    assert fallback.content_hashes == compiled.content_hashes
    assert np.array_equal(fallback.shingles, compiled.shingles)


_EDGY = list(" .!?…\"'»”’)]\u00a0\u2028\u0301xa\1\t\n🙂ß")


@st.composite
def _texts_and_windows(draw):
    texts = draw(st.lists(st.text(alphabet=_EDGY, max_size=30), min_size=1, max_size=6))
    windows = []
    for _ in range(draw(st.integers(0, 8))):
        t = draw(st.integers(0, len(texts) - 1))
        a = draw(st.integers(-1, len(texts[t]) + 1))
        windows.append((t, a, draw(st.integers(a, len(texts[t]) + 1))))
    return texts, windows


@given(_texts_and_windows())
@settings(max_examples=400, deadline=None)
def test_marks_put_in_code_points_match_marked_strings(case):
    """``marked_codes`` (compiled path) marks exactly the texts ``marked_texts`` marks, at the same
    places, with the same numbering and the same loose windows: edges next to spaces, sentence
    ends before closing quotes, text edges, edges outside the text, texts holding U+0001."""
    texts, windows = case
    marked, cuts, loose = fingerprint.marked_texts(texts, windows)
    codes, got_cuts, got_loose = fingerprint.marked_codes(texts, windows)
    want = _codes("\0".join(marked + [texts[t][a:b] for t, a, b in loose]))
    assert np.array_equal(codes, want)
    assert (got_cuts, got_loose) == (cuts, loose)


def test_window_fingerprints_are_the_same_compiled_and_in_numpy(monkeypatch):
    """Windows at safe and unsafe edges, in texts folded by table and by Python (ligatures,
    combining marks, "…"): the compiled path's window shingles are the numpy reference's."""
    rng = random.Random(11)
    words = ["Straße", "don't", "«Київ»", "said.", "“Yes.”", "e\u0301", "ﬁne", "…", "war", "peace", "2025"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 40))) for _ in range(200)]
    windows = [(t, a, rng.randint(a, len(texts[t]))) for t in range(0, 200, 3)
               for a in [rng.randint(0, len(texts[t]))]]
    windows += [(t, 0, len(texts[t])) for t in range(1, 200, 5)]
    monkeypatch.setattr(fingerprint, "COMPILED_MIN_TEXTS", 1)
    assert fingerprint.kernels_for(200) is kernels
    compiled = Fingerprinter(3).arrays(texts, windows)
    monkeypatch.setattr(fingerprint, "kernels_for", _numpy_path)
    reference = Fingerprinter(3).arrays(texts, windows)
    assert len(compiled.windows) == len(windows) and any(len(w) for w in compiled.windows)
    assert all(np.array_equal(x, y) for x, y in zip(compiled.windows, reference.windows, strict=True))
    assert np.array_equal(compiled.shingles, reference.shingles)


def test_characters_that_fold_to_several_match_python_beside_any_neighbour():
    """Each code point the table expands ("…", "ﬁ", "№", "ß", fullwidth forms, compatibility
    jamo) between neighbours NFKC could compose with (a letter taking accents, Hangul L
    jamo and syllables, an Oriya vowel's first half) and other expanding code points: folded
    as Python folds the whole text, and all of them by the table, not by Python."""
    table, _, _ = fingerprint.fold_table()
    expanding = [chr(c) for c in range(0x10000) if table[c] != 0xFFFFFFFF and table[c] & fingerprint.EXPANDS]
    assert {"…", "ﬁ", "№", "ß", "½", "（", "ㄱ"} <= set(expanding)
    rng = random.Random(2)
    neighbours = ["e", "A", "\u1100", "\uac00", "\u0b47", "\u0915", "ㄱ", "가", " ", ".", "1", "ß", "'"]
    texts = [f"{n}{c}{m}" for c in expanding
             for n, m in [*zip(neighbours, reversed(neighbours), strict=True),
                          *((rng.choice(expanding), rng.choice(expanding)) for _ in range(4))]]
    fingerprint.load_kernels()
    codes = _codes("\0".join(texts))
    folded, unfolded, _, _ = kernels.fold_codes(codes, *fingerprint.fold_table(), len(texts))
    assert not unfolded.any()  # the table folded every text: Python did not
    assert np.array_equal(folded, _numpy_codes(texts))
