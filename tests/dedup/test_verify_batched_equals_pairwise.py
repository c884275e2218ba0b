"""The batched verification stages give what the one-pair-at-a-time checks give.

Each vectorised path of ``verify`` is compared with a plain reference: ``verify_near`` (one
pair at a time), a brute-force containment check, the union-find clustering it replaced,
and ``shared_count``/``fuzz.ratio`` themselves.
"""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np
import pytest
from helpers import document
from rapidfuzz import fuzz

from dedupe_audit.config import Config
from dedupe_audit.dedup import clusters, containment, near_pairs
from dedupe_audit.dedup.clusters import UnionFind, build_clusters, content_fingerprint
from dedupe_audit.dedup.containment import ContainerIndex, find_containment
from dedupe_audit.dedup.fingerprint import Fingerprint, Fingerprinter
from dedupe_audit.dedup.fingerprint_table import FingerprintTable
from dedupe_audit.dedup.near_pairs import (
    NearPair,
    RowSets,
    exact_groups,
    jaccard,
    shared_count,
    verify_near,
    verify_near_rows,
)
from dedupe_audit.model import Cluster, ClusterMember, Containment, ParagraphRef
from dedupe_audit.segment.paragraphs import segment

_WORD_TEXT = ("the council said on Tuesday that a new budget for public transport and road repairs would "
              "raise spending while business groups argued it hurts local shops délivery fírms “fuel” wages "
              "officials talks ceasefire Geneva agenda round meetings weather football north country")
WORDS = _WORD_TEXT.split()


def _texts(seed: int, bases: int = 60) -> list[str]:
    """Random texts, copies of them with 0-30% of words replaced, and exact repeats."""
    rng = random.Random(seed)
    texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 50))) for _ in range(bases)]
    for rate in (0.0, 0.05, 0.1, 0.2, 0.3):
        for _ in range(bases // 4):
            words = rng.choice(texts[:bases]).split()
            for i in rng.sample(range(len(words)), round(rate * len(words))):
                words[i] = rng.choice(WORDS)
            texts.append(" ".join(words))
    texts += [texts[3], texts[3], "", texts[7].upper()]  # exact copies, an empty text, same tokens
    rng.shuffle(texts)
    return texts


def _fingerprints(texts: list[str]) -> dict[ParagraphRef, Fingerprint]:
    fps = Fingerprinter(3).many(texts)
    return {ParagraphRef(i // 5, i % 5): fp for i, fp in enumerate(fps)}


def _key(pair: NearPair) -> tuple:
    return pair.first, pair.second, pair.jaccard, pair.fuzz


@pytest.mark.parametrize("chunk", [3, 100_000])
def test_verify_near_rows_equals_pair_by_pair(monkeypatch, chunk):
    monkeypatch.setattr(near_pairs, "PAIRS_PER_CHUNK", chunk)
    fingerprints = _fingerprints(_texts(1))
    refs = sorted(fingerprints)
    fps = [fingerprints[ref] for ref in refs]
    pairs = np.array([(a, b) for a in range(len(refs)) for b in range(a + 1, len(refs))], dtype=np.int64)
    for threshold, min_fuzz in ((0.4, 50.0), (0.0, 0.0), (0.8, 90.0)):
        as_refs = [(refs[a], refs[b]) for a, b in pairs.tolist()]
        expect = verify_near(as_refs, fingerprints, threshold, min_fuzz)
        got = verify_near_rows(pairs, refs, fps, threshold, min_fuzz)
        assert list(map(_key, got)) == list(map(_key, expect))
        assert got and all(p.normals == (fingerprints[p.first].normalized, fingerprints[p.second].normalized)
                           for p in got)
    odd = refs[1::2]  # rows of a table, as detection passes its representatives
    odd_pairs = np.array([(a, b) for a in range(len(odd)) for b in range(a + 1, len(odd))], dtype=np.int64)
    expect = verify_near([(odd[a], odd[b]) for a, b in odd_pairs.tolist()], fingerprints, 0.4, 50.0)
    got = verify_near_rows(odd_pairs, odd, FingerprintTable.of(fingerprints).take(odd), 0.4, 50.0)
    assert expect and list(map(_key, got)) == list(map(_key, expect))
    shuffled = pairs[np.random.default_rng(0).permutation(len(pairs))]  # any order works
    expect = verify_near([(refs[a], refs[b]) for a, b in shuffled.tolist()], fingerprints, 0.4, 50.0)
    assert list(map(_key, verify_near_rows(shuffled, refs, fps, 0.4, 50.0))) == list(map(_key, expect))


@pytest.mark.parametrize("chunk", [1, 50, 4_000_000])
def test_row_sets_counts_and_bounds(monkeypatch, chunk):
    monkeypatch.setattr(near_pairs, "SEARCH_BLOCK", 7)
    monkeypatch.setattr(near_pairs, "SHINGLES_PER_CHUNK", chunk)  # keys and bounds built in chunks of rows
    rng = np.random.default_rng(5)
    sets = [np.unique(rng.integers(0, 2**64 - 1, rng.integers(0, 40), dtype=np.uint64)) for _ in range(60)]
    sets[1] = np.unique(np.r_[sets[0][:10], sets[1]])  # overlaps
    sets[2] = np.unique(np.r_[sets[0] ^ np.uint64(1), sets[0][:3]])  # same top bits, other hashes
    top = np.uint64(3) << np.uint64(60)  # 600 hashes in one bucket: counts past a byte
    sets[3] = np.unique(top | rng.integers(0, 2**50, 600, dtype=np.uint64))
    sets[4] = np.unique(np.r_[sets[3][:300], top | rng.integers(0, 2**50, 400, dtype=np.uint64)])
    rows = RowSets(sets)
    pairs = np.array([(a, b) for a in range(60) for b in range(60)], dtype=np.int64)
    pairs = pairs[rng.permutation(len(pairs))]
    counts = rows.shared_counts(pairs)
    assert counts.tolist() == [shared_count(sets[a], sets[b]) for a, b in pairs.tolist()]
    assert np.all(rows.shared_bounds(pairs) >= counts)
    assert counts.max() >= 300
    monkeypatch.setattr(near_pairs, "SHINGLES_PER_CHUNK", 10**12)  # one chunk: the same keys and bounds
    whole = RowSets(sets)
    assert np.array_equal(rows._keys, whole._keys)
    assert np.array_equal(rows.shared_bounds(pairs), whole.shared_bounds(pairs))


def test_components_equal_union_find():
    rng = random.Random(3)
    for count in (1, 10, 300):
        many = count // 2 + rng.randrange(count)
        edges = [(rng.randrange(count), rng.randrange(count)) for _ in range(many)]
        uf = UnionFind()
        for a, b in edges:
            uf.union(ParagraphRef(0, a), ParagraphRef(0, b))
        root = clusters.component_roots(count, np.array([a for a, _ in edges], dtype=np.int64),
                                  np.array([b for _, b in edges], dtype=np.int64))
        for i in range(count):
            ref = ParagraphRef(0, i)
            assert root[i] == (uf.find(ref).index if ref in uf.parent else i)


def test_grouped_ratios_equal_fuzz_ratio():
    rng = random.Random(9)
    texts = ["", "a", "ё"] + [" ".join(rng.choices(WORDS, k=rng.randint(0, 90))) for _ in range(40)]
    firsts = sorted(rng.randrange(len(texts)) for _ in range(300))
    seconds = [rng.randrange(len(texts)) for _ in firsts]
    got = near_pairs.fuzz_ratios(firsts, seconds, texts.__getitem__)
    assert got == [fuzz.ratio(texts[a], texts[b]) for a, b in zip(firsts, seconds, strict=True)]


def _reference_clusters(groups, near, containment, fingerprints) -> tuple[Cluster, ...]:
    """``build_clusters`` as it was: union-find over refs, one member at a time."""
    uf = UnionFind()
    for group in groups:
        for ref in group[1:]:
            uf.union(group[0], ref)
    for pair in near:
        uf.union(pair.first, pair.second)
    by_root = defaultdict(list)
    for item in containment:
        by_root[uf.find(item.contained)].append(item)
    clusters = []
    for members in uf.groups():
        held = [c for c in by_root.get(uf.find(members[0]), []) if c.container not in set(members)]
        if len(members) < 2 and not held:
            continue
        first = fingerprints[members[0]]
        rows = tuple(ClusterMember(ref, round(jaccard(first.shingles, fingerprints[ref].shingles), 4),
                                   round(fuzz.ratio(first.normalized, fingerprints[ref].normalized), 2))
                     for ref in members)
        hashes = {fingerprints[ref].content_hash for ref in members}
        best: dict[ParagraphRef, Containment] = {}
        for item in sorted(held, key=lambda c: (c.container, -c.share, c.contained)):
            best.setdefault(item.container, item)
        clusters.append(Cluster(
            cluster_id=f"C{len(clusters) + 1:04d}",
            kind="contained" if len(members) < 2 else "exact" if len(hashes) == 1 else "near",
            members=rows,
            containers=tuple(best[ref] for ref in sorted(best)),
            similarity=min(row.jaccard for row in rows),
            fingerprint=content_fingerprint(fingerprints[ref] for ref in members),
        ))
    return tuple(clusters)


@pytest.mark.parametrize("columns", [False, True])
@pytest.mark.parametrize("chunk", [1, 4, 100_000])
def test_build_clusters_equals_union_find_clustering(monkeypatch, chunk, columns):
    monkeypatch.setattr(near_pairs, "PAIRS_PER_CHUNK", chunk)
    fingerprints = _fingerprints(_texts(2))
    refs = sorted(fingerprints)
    groups = exact_groups(fingerprints)
    reps = [group[0] for group in groups]
    pairs = np.array([(a, b) for a in range(len(reps)) for b in range(a + 1, len(reps))], dtype=np.int64)
    near = verify_near_rows(pairs, reps, [fingerprints[ref] for ref in reps], 0.4, 50.0)
    plain = [NearPair(p.first, p.second, p.jaccard, p.fuzz) for p in near]  # no normal forms carried
    rng = random.Random(4)
    containment = [Containment(container=rng.choice(refs), contained=rng.choice(refs), start=i, end=i + 5,
                               share=rng.choice((0.8, 0.9, 1.0)), fuzz=90.0) for i in range(40)]
    expect = _reference_clusters(groups, near, containment, fingerprints)
    assert any(c.kind == "near" for c in expect) and any(c.kind == "exact" for c in expect)
    assert any(c.kind == "contained" for c in expect) and any(c.containers for c in expect)
    given = FingerprintTable.of(fingerprints) if columns else fingerprints  # as detection keeps them
    assert build_clusters(groups, near, containment, given) == expect
    assert build_clusters(groups, plain, containment, given) == expect
    assert build_clusters([], [], [], {}) == ()


SENTENCE = "Sentence {0} tells about topic {1} with plenty of distinct words {2} to count."


def _containment_corpus(seed: int):
    rng = random.Random(seed)
    pool = [SENTENCE.format(i, i % 7, rng.choice(WORDS)) for i in range(40)]
    texts = [" ".join(rng.sample(pool, rng.randint(12, 25))) for _ in range(12)]  # long blocks
    texts += [" ".join(rng.sample(pool, rng.randint(1, 3))) for _ in range(40)]  # held in some blocks
    texts += [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 30))) for _ in range(20)]  # in none
    texts += [texts[0], texts[13]]
    segmented = [segment(document(text, f"p{i}.txt"), Config()) for i, text in enumerate(texts)]
    fingerprints = {ParagraphRef(d, p.index): fp for d, seg in enumerate(segmented) for p in seg.paragraphs
                    for fp in Fingerprinter(3).many([p.text])}
    containers = sorted(ref for ref, fp in fingerprints.items() if fp.words >= 60)
    inners = sorted(fingerprints)
    extra = {inners[i]: set(rng.sample(containers, 2)) for i in range(0, len(inners), 3)}
    return segmented, fingerprints, containers, inners, extra


def _brute_containment(segmented, fingerprints, containers, inners, extra, min_share, anchors):
    """Every (inner, container) sharing an anchor shingle or given, exact share reaching ``min_share``."""
    found = []
    for inner in inners:
        fp = fingerprints[inner]
        for container in containers:
            outer = fingerprints[container]
            anchored = np.isin(fp.shingles[:anchors], outer.shingles).any()
            candidate = container in extra.get(inner, ()) or anchored
            if not candidate or not len(fp.shingles) or container == inner or outer.words < 1.5 * fp.words:
                continue
            share = shared_count(fp.shingles, outer.shingles) / len(fp.shingles)
            if share >= min_share:
                found.append(containment.containment_of(inner, container, fingerprints, segmented, share))
    return found


@pytest.mark.parametrize("columns", [False, True])
@pytest.mark.parametrize("common", [0, 1, 3, 16, 10**9])
@pytest.mark.parametrize("min_share", [0.0, 0.5, 0.8])
def test_find_containment_equals_brute_force(monkeypatch, common, min_share, columns):
    segmented, fingerprints, containers, inners, extra = _containment_corpus(6)
    monkeypatch.setattr(containment, "COMMON_SHINGLE", common)
    index = ContainerIndex({ref: fingerprints[ref] for ref in containers})
    expect = _brute_containment(segmented, fingerprints, containers, inners, extra, min_share, index.anchors)
    assert len(expect) >= 20
    for batch, max_hits in ((20_000, 10_000_000), (7, 50)):  # small: batches, halving to bound memory
        monkeypatch.setattr(containment, "MAX_HITS", max_hits)
        given = FingerprintTable.of(fingerprints) if columns else fingerprints
        got = find_containment(inners, given, index, segmented, min_share, extra, batch=batch)
        assert sorted(got, key=lambda c: (c.contained, c.container)) == expect


def test_container_lookup_finds_every_run():
    rng = np.random.default_rng(8)
    sets = [np.unique(rng.integers(0, 5_000, rng.integers(1, 300)).astype(np.uint64)) for _ in range(30)]
    index = ContainerIndex({ParagraphRef(0, i): Fingerprint("", i, len(s), s) for i, s in enumerate(sets)})
    values = rng.integers(0, 6_000, 3_000).astype(np.uint64)
    lo, spans = index.lookup(values)
    left = np.searchsorted(index.hashes, values, side="left")
    right = np.searchsorted(index.hashes, values, side="right")
    assert np.array_equal(spans, right - left)
    assert np.array_equal(lo[spans > 0], left[spans > 0])
    assert np.all(index.maybe_held(values)[spans > 0])


@pytest.mark.parametrize("common", [0, 16])
def test_containment_needs_a_shared_anchor_or_a_given_candidate(monkeypatch, common):
    """A share above ``min_share`` is not enough: the container must hold one of the inner's
    smallest hashes (its anchors), or be given as a candidate."""
    monkeypatch.setattr(containment, "COMMON_SHINGLE", common)

    def fp(*ranges: range, words: int = 10) -> Fingerprint:
        shingles = np.unique(np.concatenate([np.arange(r.start, r.stop) for r in ranges]))
        return Fingerprint("x", 0, words, shingles.astype(np.uint64))

    fingerprints = {
        ParagraphRef(0, 0): fp(range(100, 200), words=200),  # the container
        ParagraphRef(1, 0): fp(range(1, 7), range(100, 130)),  # anchors 1..6 are not in it
        ParagraphRef(2, 0): fp(range(100, 130), range(300, 306)),  # anchors 100..105 are
        ParagraphRef(3, 0): fp(range(7, 13), range(130, 160)),  # given as a candidate
    }
    segmented = [segment(document("Some words here, " * (20 if d == 0 else 2), f"p{d}.txt"), Config())
                 for d in range(4)]
    index = ContainerIndex({ParagraphRef(0, 0): fingerprints[ParagraphRef(0, 0)]})
    extra = {ParagraphRef(3, 0): {ParagraphRef(0, 0)}}
    got = find_containment(sorted(fingerprints), fingerprints, index, segmented, 0.8, extra)
    assert [c.contained for c in got] == [ParagraphRef(2, 0), ParagraphRef(3, 0)]
    assert [c.share for c in got] == [round(30 / 36, 4)] * 2
