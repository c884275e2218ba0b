import random

import numpy as np
import pytest
from helpers import document

from dedupe_audit import detect
from dedupe_audit.config import Config
from dedupe_audit.detect import detect_duplicates
from dedupe_audit.fingerprint import Fingerprinter, signatures
from dedupe_audit.index import CandidateIndex
from dedupe_audit.segment import segment
from dedupe_audit.verify import jaccard

_WORD_TEXT = (
    "the council said on Tuesday that a new budget for public transport and road repairs would raise "
    "spending while business groups argued it hurts local shops delivery firms fuel wages officials "
    "talks ceasefire Geneva agenda round meetings weather football north country"
)
WORDS = _WORD_TEXT.split()


def _planted(seed: int, bases: int = 120) -> list[str]:
    rng = random.Random(seed)
    texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))) for _ in range(bases)]
    for rate in (0.0, 0.05, 0.1, 0.2):
        for _ in range(bases // 6):
            words = rng.choice(texts[:bases]).split()
            for i in rng.sample(range(len(words)), round(rate * len(words))):
                words[i] = rng.choice(WORDS)
            texts.append(" ".join(words))
    rng.shuffle(texts)
    return texts


def _pages(texts: list[str], per_page: int = 7) -> list:
    config = Config()
    return [segment(document("\n\n".join(texts[i : i + per_page]), f"p{i}.txt"), config)
            for i in range(0, len(texts), per_page)]


def test_numpy_engine_gives_datasketch_candidates():
    fps = Fingerprinter(3).many(_planted(1, 200))
    sig = signatures([fp.shingles for fp in fps], 128, 1)
    keys = random.Random(2).sample(range(10_000), len(fps))  # arbitrary, unordered keys
    fast, slow = CandidateIndex(0.4, 128, 1), CandidateIndex(0.4, 128, 1, engine="datasketch")
    fast.add(keys[:100], sig[:100])  # in two batches
    fast.add(keys[100:], sig[100:])
    slow.add(keys, sig)
    assert list(fast.candidate_pairs()) == list(slow.candidate_pairs())
    assert len(list(fast.candidate_pairs())) > 50
    for min_bands in (1, 3):
        assert np.array_equal(fast.candidate_array(min_bands=min_bands, below=5_000),
                              slow.candidate_array(min_bands=min_bands, below=5_000))


def test_batch_fingerprints_equal_single_ones():
    texts = _planted(3, 60) + ["", "…", "two words", "x\u0301 y  Z", "“Quote” — ‘dash’ ё", "a\0b"]
    one, many = Fingerprinter(3), Fingerprinter(3)
    for a, b in zip(map(one, texts), many.many(texts), strict=True):
        assert (a.normalized, a.content_hash, a.words) == (b.normalized, b.content_hash, b.words)
        assert np.array_equal(a.shingles, b.shingles)


@pytest.fixture
def pages():
    sentence = "Sentence {0} tells about topic {0} with enough distinct words to count."
    long = " ".join(sentence.format(i) for i in range(25))
    inner = sentence.format(7) + " " + sentence.format(8)
    return _pages(_planted(5) + [long, inner])


def test_parallel_and_serial_fingerprinting_give_identical_clusters(pages, monkeypatch):
    serial = detect_duplicates(pages, Config(jobs=1))
    monkeypatch.setattr(detect, "PARALLEL_MIN_TEXTS", 0)
    monkeypatch.setattr(detect, "BATCH_TEXTS", 40)
    parallel = detect_duplicates(pages, Config(jobs=2))
    assert parallel == serial
    assert any(c.kind == "contained" for c in serial) and any(c.kind == "near" for c in serial)


def test_streaming_batches_equal_one_batch(pages, monkeypatch):
    whole = detect_duplicates(pages, Config(jobs=1))
    monkeypatch.setattr(detect, "BATCH_TEXTS", 3)
    assert detect_duplicates(pages, Config(jobs=1)) == whole


def test_recall_against_brute_force(pages):
    config = Config()
    clusters = detect_duplicates(pages, config)
    cluster_of = {m.ref: c.cluster_id for c in clusters for m in c.members}
    fp = Fingerprinter(config.shingle_size)
    refs = [(d, p.index) for d, seg in enumerate(pages) for p in seg.paragraphs
            if len(p.text.split()) >= config.min_words]
    shingles = {ref: fp(pages[ref[0]].paragraphs[ref[1]].text).shingles for ref in refs}
    truth = [(a, b) for i, a in enumerate(refs) for b in refs[i + 1 :]
             if jaccard(shingles[a], shingles[b]) >= config.threshold]
    assert len(truth) > 50
    found = 0
    for a, b in truth:
        ca = cluster_of.get(detect.ParagraphRef(*a))
        found += ca is not None and ca == cluster_of.get(detect.ParagraphRef(*b))
    assert found / len(truth) >= 0.99
