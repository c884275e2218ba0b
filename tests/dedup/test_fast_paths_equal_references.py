import dataclasses
import random

import numpy as np
import pytest
from helpers import document

from dedupe_audit.config import Config
from dedupe_audit.dedup import detect
from dedupe_audit.dedup.banding import CandidateIndex
from dedupe_audit.dedup.detect import detect_duplicates
from dedupe_audit.dedup.fingerprint import Fingerprinter, signatures
from dedupe_audit.dedup.near_pairs import jaccard
from dedupe_audit.segment.paragraphs import segment

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


@pytest.mark.parametrize("compiled", [True, False])  # threads with the compiled kernels, else processes
def test_parallel_and_serial_fingerprinting_give_identical_clusters(pages, monkeypatch, compiled):
    serial = detect_duplicates(pages, Config(jobs=1))
    monkeypatch.setattr(detect, "PARALLEL_MIN_TEXTS", 0)
    monkeypatch.setattr(detect, "COMPILED_MIN_TEXTS", 0 if compiled else 10**9)
    monkeypatch.setattr(detect, "BATCH_TEXTS", 40)
    ordered = detect.map_ordered
    pools: list[tuple[int, bool]] = []
    monkeypatch.setattr(detect, "map_ordered", lambda func, items, n, threads: pools.append((n, threads))
                        or ordered(func, items, n, threads=threads))
    parallel = detect_duplicates(pages, Config(jobs=2))
    assert pools == [(3, True)] if compiled else [(2, False)]
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
    fp = Fingerprinter(config.dedup.shingle_size)
    refs = [(d, p.index) for d, seg in enumerate(pages) for p in seg.paragraphs
            if len(p.text.split()) >= config.dedup.min_words]
    shingles = {ref: fp(pages[ref[0]].paragraphs[ref[1]].text).shingles for ref in refs}
    truth = [(a, b) for i, a in enumerate(refs) for b in refs[i + 1 :]
             if jaccard(shingles[a], shingles[b]) >= config.dedup.threshold]
    assert len(truth) > 50
    # a pair is found in one cluster, or split over two with one named as related to the other's
    # (clusters are stars of copies, not chains: ``clusters.build_clusters``)
    related = {(c.cluster_id, r.ref) for c in clusters for r in c.related}
    found = together = 0
    for a, b in truth:
        first, second = detect.ParagraphRef(*a), detect.ParagraphRef(*b)
        ca, cb = cluster_of.get(first), cluster_of.get(second)
        together += ca is not None and ca == cb
        found += (ca is not None and ca == cb) or (ca, second) in related or (cb, first) in related
    assert found / len(truth) >= 0.99
    assert together / len(truth) >= 0.8  # most pairs are copies of one representative


def test_window_shingles_equal_fingerprints_of_the_window_texts():
    """Windows cut from their paragraph's tokens (marks at their edges) give the shingles of
    the window text fingerprinted on its own, safe edges or not."""
    texts = [
        "He said. 'Yes.' Then x\u0301 went. Fine",
        "Ａｂｃ ﬁne “Quote.” Next — one. ① two",
        "a\u0301 b. \u0301c d. e",
        "no\x01mark here. Second one",
        "",
        " ".join(_planted(7, 12)),
    ]
    windows = [(0, 0, 8), (0, 9, 15), (0, 16, 30), (0, 0, 15), (0, 3, 12), (0, 17, 18), (0, 0, 35),
               (1, 0, 3), (1, 9, 22), (1, 23, 33), (1, 0, 33), (2, 0, 5), (2, 6, 11), (2, 12, 13),
               (3, 0, 13), (3, 14, 24), (4, 0, 0), (5, 0, 40), (5, 41, 200), (5, 0, len(texts[5]))]
    one, fingerprinter = Fingerprinter(3), Fingerprinter(3)
    for batch in (texts, texts[:3], texts[4:]):
        offset = texts.index(batch[0])
        spans = [(t - offset, a, b) for t, a, b in windows if offset <= t < offset + len(batch)]
        fps, shingles = fingerprinter.with_windows(batch, spans)
        for text, fp in zip(batch, fps, strict=True):
            single = one(text)
            assert (fp.normalized, fp.content_hash, fp.words) == (single.normalized, single.content_hash,
                                                                  single.words)
            assert np.array_equal(fp.shingles, single.shingles)
        for (t, a, b), got in zip(spans, shingles, strict=True):
            assert np.array_equal(np.unique(got), one(batch[t][a:b]).shingles), (t, a, b)


@pytest.mark.parametrize("common", [0, 1, 3])
def test_containment_bound_changes_nothing(pages, monkeypatch, common):
    """The share bound of ``containment._shares`` only skips pairs that cannot pass: whatever
    counts as a common shingle, the clusters are those of counting every shingle."""
    from dedupe_audit.dedup import containment

    sentence = "Sentence {0} tells about topic {0} with enough distinct words to count."
    extra = [" ".join(sentence.format(i % 9) for i in range(j, j + 30)) for j in range(6)]
    docs = pages + _pages(extra + [sentence.format(3) + " " + sentence.format(4), sentence.format(5)])
    monkeypatch.setattr(containment, "COMMON_SHINGLE", 10**9)
    every = detect_duplicates(docs, Config())
    monkeypatch.setattr(containment, "COMMON_SHINGLE", common)
    assert detect_duplicates(docs, Config()) == every
    assert sum(len(c.containers) for c in every) >= 3


def test_packed_sort_equals_lexsort_even_on_shared_top_bits():
    from dedupe_audit.dedup.fingerprint import owner_value_order

    rng = np.random.default_rng(4)
    owners = np.sort(rng.integers(0, 50, 2_000))
    values = rng.integers(0, 2**63, 2_000).astype(np.uint64)
    values[::7] = values[1::7][: len(values[::7])]  # repeats
    for tweak in (False, True):
        if tweak:  # two values of one owner differing only in the low 20 bits
            values[10] = values[11] ^ np.uint64(1)
            owners[10] = owners[11]
            owners = np.sort(owners)
        order = owner_value_order(values, owners)
        expect = np.lexsort((values, owners))
        assert np.array_equal(values[order], values[expect]) and np.array_equal(owners[order], owners[expect])


def testpair_shared_counts_are_exact_even_when_top_bits_collide():
    from dedupe_audit.dedup.near_pairs import pair_shared_counts, shared_count

    rng = np.random.default_rng(5)
    sets = [np.unique(rng.integers(0, 2**64 - 1, rng.integers(0, 40), dtype=np.uint64)) for _ in range(60)]
    sets[1] = np.unique(np.r_[sets[0][:10], sets[1]])  # overlaps
    sets[2] = np.unique(np.r_[sets[0] ^ np.uint64(1), sets[0][:3]])  # same top bits, other hashes
    offsets = np.r_[0, np.cumsum([len(s) for s in sets])]
    pairs = np.array([(a, b) for a in range(60) for b in range(a + 1, 60)], dtype=np.int64)
    got = pair_shared_counts(pairs, np.concatenate(sets), offsets)
    assert got.tolist() == [shared_count(sets[a], sets[b]) for a, b in pairs.tolist()]
    assert got[0] >= 10 and got[1] >= 3


@pytest.mark.parametrize(("jobs", "cores", "processes", "threads"),
                         [(0, 1, 1, 1), (0, 2, 2, 3), (2, 1, 2, 3), (1, 8, 1, 1), (0, 4, 4, 5)])
@pytest.mark.parametrize("compiled", [True, False])
def test_the_pool_starts_when_cores_are_to_spare_or_asked_for(pages, monkeypatch, jobs, cores, processes,
                                                              threads, compiled):
    """One worker process per core from two cores on (measured to pay on 2), or with the
    compiled kernels one thread more than cores; an explicit --jobs is obeyed."""
    used = []
    monkeypatch.setattr(detect, "PARALLEL_MIN_TEXTS", 0)
    monkeypatch.setattr(detect, "COMPILED_MIN_TEXTS", 0 if compiled else 10**9)
    monkeypatch.setattr(detect, "resolve_jobs", lambda setting: setting or cores)
    monkeypatch.setattr(detect, "map_ordered",
                        lambda func, items, n, threads: used.append((n, threads)) or map(func, items))
    detect_duplicates(pages, Config(jobs=jobs))
    assert used == [(threads, True) if compiled else (processes, False)]


def test_progress_is_told_every_batch_up_to_the_total(pages, monkeypatch):
    monkeypatch.setattr(detect, "BATCH_TEXTS", 50)
    calls: list[tuple[int, int]] = []
    told = detect_duplicates(pages, Config(jobs=1), progress=lambda done, total: calls.append((done, total)))
    assert told == detect_duplicates(pages, Config(jobs=1))
    assert len(calls) > 2 and calls == sorted(calls) and calls[-1][0] == calls[-1][1] == calls[0][1]


@pytest.mark.parametrize("min_words", [0, 1, 5, 12])
def test_eligibility_from_the_segmenters_word_count_equals_splitting_the_text(min_words):
    texts = ["one", "two words", "  spaced\u00a0out\u2003words  here ", "U.S.-China trade-war talks", "",
             "a b c d e", "a b c d", "¨ diaeresis counts as a word"] + _planted(2, 20)
    pages = _pages(texts, per_page=3)
    config = Config(min_words=min_words)
    for seg in pages:
        assert all(p.words == len(p.text.split()) for p in seg.paragraphs)
        uncounted = dataclasses.replace(seg, paragraphs=tuple(dataclasses.replace(p, words=None)
                                                             for p in seg.paragraphs))
        assert detect.eligible(seg, config) == detect.eligible(uncounted, config)
