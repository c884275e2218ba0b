import random
import re

import numpy as np
from datasketch import LeanMinHash, MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe_audit.dedup.fingerprint import (
    Fingerprinter,
    minhash_input,
    normalize,
    scan_tokens,
    signatures,
    tokenize,
)


def test_normalize_unifies_quotes_dashes_case_and_space():
    assert normalize("“Hello”  —\u00a0WORLD’s") == "\"hello\" - world's"


@given(st.text())
@settings(max_examples=200, deadline=None)
def test_normalize_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


def test_cyrillic_tokens():
    assert tokenize(normalize("Київ, м'ясо та «Укрінформ» — 2025")) == [
        "київ", "м'ясо", "та", "укрінформ", "2025",
    ]


def test_exact_hash_ignores_case_punctuation_and_spacing():
    fp = Fingerprinter(3)
    assert fp("The plan, they said.").content_hash == fp("the  plan they said").content_hash
    assert fp("The plan they said").content_hash != fp("The plan we said").content_hash


def test_short_text_gets_one_shingle_and_empty_gets_none():
    fp = Fingerprinter(3)
    assert len(fp("two words").shingles) == 1
    assert len(fp("…").shingles) == 0


def _random_text(rng: random.Random) -> str:
    words = ["alpha", "beta", "Київ", "мир", "war", "peace", "talks", "2025", "США", "plan"]
    return " ".join(rng.choice(words) for _ in range(rng.randint(0, 60)))


def test_signatures_are_bit_identical_to_datasketch():
    rng = random.Random(7)
    fp = Fingerprinter(3)
    texts = [_random_text(rng) for _ in range(200)]
    sets = [fp(t).shingles for t in texts]
    for num_perm, seed in ((128, 1), (64, 42)):
        ours = signatures(sets, num_perm, seed, chunk_rows=97)  # small chunks cross set borders
        for shingles, row in zip(sets, ours, strict=True):
            reference = MinHash(num_perm=num_perm, seed=seed, hashfunc=int)
            reference.update_batch([int(v) for v in minhash_input(shingles)])
            assert np.array_equal(reference.hashvalues, row)


def test_signatures_feed_lean_minhash_unchanged():
    fp = Fingerprinter(3)
    a = fp("the quick brown fox jumps over the lazy dog near the river bank")
    b = fp("the quick brown fox jumps over the lazy dog near the river")
    sig = signatures([a.shingles, b.shingles], 128, 1)
    lean = [LeanMinHash(seed=1, hashvalues=row, scheme="affine32") for row in sig]
    assert 0.6 < lean[0].jaccard(lean[1]) <= 1.0


_TRICKY = st.sampled_from(list("'’ _-.\t\n\u00a0\u0301\u0300ſﬁẞΣςİ①²½\u2028") + ["д", "ё", "ß", "x", "9"])


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)) | _TRICKY, max_size=60))
@settings(max_examples=400, deadline=None)
def test_token_scan_finds_the_tokens_tokenize_finds(text):
    """The numpy scanner (word table + inner apostrophes) is ``tokenize``'s regex."""
    folded = normalize(text)
    codes = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    starts, hashes = scan_tokens(codes)
    tokens = tokenize(folded)
    assert starts.tolist() == [m.start() for m in re.finditer(r"\w+(?:'\w+)*", folded)]
    by_hash: dict[int, str] = {}
    for token, value in zip(tokens, hashes.tolist(), strict=True):
        assert by_hash.setdefault(value, token) == token  # one hash, one token


def test_token_hashes_are_distinct_over_a_large_vocabulary():
    rng = random.Random(3)
    alphabet = "abcdefghijklmnopqrstuvwxyzабвгдеєжзиіїйклмнопрстуфхцчшщьюя'"
    words = sorted({"".join(rng.choice(alphabet[:-1]) for _ in range(rng.randint(1, 12)))
                    for _ in range(200_000)})
    codes = np.frombuffer(" ".join(words).encode("utf-32-le"), dtype=np.uint32)
    starts, hashes = scan_tokens(codes)
    assert len(starts) == len(words)
    assert len(np.unique(hashes)) == len(words)


def test_word_order_and_repeats_change_the_hash():
    fp = Fingerprinter(3)
    assert fp("ab ba").content_hash != fp("ba ab").content_hash
    assert fp("aab").content_hash != fp("aba").content_hash != fp("baa").content_hash
    assert fp("a a").content_hash != fp("a").content_hash


def test_control_characters_inside_texts_change_nothing_else():
    fp = Fingerprinter(3)
    texts = ["one two\0three four", "five\1six seven", "eight nine ten"]
    together = fp.many(texts)
    for text, got in zip(texts, together, strict=True):
        assert got.normalized == normalize(text)
        assert got.words == len(tokenize(normalize(text)))
    assert together[0].content_hash == fp("one two three four").content_hash
    assert np.array_equal(together[2].shingles, fp("eight nine ten").shingles)
