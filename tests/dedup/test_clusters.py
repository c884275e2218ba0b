"""Clusters are stars of copies, not chains of verified pairs (``clusters.build_clusters``).

Texts are written here: a base paragraph and edits of it whose word trigram Jaccard with each
other is known to fall above or below the threshold.
"""

from __future__ import annotations

import numpy as np

from dedupe_audit.dedup import clusters
from dedupe_audit.dedup.clusters import build_clusters
from dedupe_audit.dedup.fingerprint import Fingerprinter
from dedupe_audit.dedup.near_pairs import exact_groups, jaccard, verify_near_rows
from dedupe_audit.model import ParagraphRef

THRESHOLD = 0.4
TEXT = ("the regional council voted on tuesday to approve a revised budget for public transport "
        "after months of talks with unions and business groups about fares and repairs")
WORDS = TEXT.split(" ")


def _fingerprints(texts: list[str]):
    found = Fingerprinter(3).many(texts)
    return {ParagraphRef(doc, 0): fp for doc, fp in enumerate(found)}


def _clusters(texts: list[str], shuffle: int | None = None):
    fingerprints = _fingerprints(texts)
    groups = exact_groups(fingerprints)
    reps = [group[0] for group in groups]
    pairs = np.array([(a, b) for a in range(len(reps)) for b in range(a + 1, len(reps))], dtype=np.int64)
    near = verify_near_rows(pairs, reps, [fingerprints[ref] for ref in reps], THRESHOLD, 0.0)
    if shuffle is not None:
        near = list(reversed(near)) if shuffle else near
    return fingerprints, near, build_clusters(groups, near, [], fingerprints, THRESHOLD)


def test_a_chain_of_pairs_is_not_one_cluster():
    # A ~ B and B ~ C, but A and C share little: union-find made {A, B, C}
    texts = [" ".join(WORDS[:20]), " ".join(WORDS[6:26]), " ".join(WORDS[12:29])]
    fingerprints, near, clusters = _clusters(texts)
    fp = [fingerprints[ParagraphRef(i, 0)].shingles for i in range(3)]
    assert jaccard(fp[0], fp[1]) >= THRESHOLD and jaccard(fp[1], fp[2]) >= THRESHOLD
    assert jaccard(fp[0], fp[2]) < THRESHOLD
    assert len(near) == 2
    assert [[m.ref.doc for m in c.members] for c in clusters] == [[0, 1]]
    # the split pair B ~ C is kept as evidence: C is named as related to the cluster of A and B
    assert [(r.ref.doc, r.member.doc) for r in clusters[0].related] == [(2, 1)]
    assert clusters[0].similarity >= THRESHOLD


def test_every_member_pair_of_a_near_cluster_reaches_the_threshold():
    # a hub (the whole text) near four fragments of it that barely overlap each other
    hub = " ".join(WORDS)
    parts = [" ".join(WORDS[i : i + 14]) for i in (0, 5, 10, 15)]
    fingerprints, near, clusters = _clusters([hub, *parts])
    for cluster in clusters:
        shingles = [fingerprints[m.ref].shingles for m in cluster.members]
        assert all(jaccard(a, b) >= THRESHOLD for i, a in enumerate(shingles) for b in shingles[i + 1 :])
        assert cluster.members[0].ref == min(m.ref for m in cluster.members)
    # every verified pair is in one cluster or named as related across two
    member_of = {m.ref: c.cluster_id for c in clusters for m in c.members}
    related = {(c.cluster_id, r.ref) for c in clusters for r in c.related}
    for pair in near:
        a, b = member_of.get(pair.first), member_of.get(pair.second)
        assert (a is not None and a == b) or (a, pair.second) in related or (b, pair.first) in related


def test_exact_copies_stay_one_cluster_with_their_near_copies():
    base = " ".join(WORDS)
    edit = " ".join(WORDS[:-2] + ["fuel", "prices"])
    texts = [base, base, edit, base]
    _, _, clusters = _clusters(texts)
    assert len(clusters) == 1
    assert [m.ref.doc for m in clusters[0].members] == [0, 1, 2, 3]
    assert clusters[0].kind == "near" and not clusters[0].related


def test_stars_do_not_depend_on_the_order_pairs_come_in():
    texts = [" ".join(WORDS[:20]), " ".join(WORDS[6:26]), " ".join(WORDS[12:29]), " ".join(WORDS[3:23])]
    assert _clusters(texts, shuffle=0)[2] == _clusters(texts, shuffle=1)[2]


def test_a_paragraph_near_very_many_others_costs_bounded_stars(monkeypatch):
    # one leader near 300 paragraphs: stars take at most STAR_CANDIDATES neighbours a round
    monkeypatch.setattr(clusters, "STAR_CANDIDATES", 8)
    asked: list[int] = []

    def jaccards(pairs: np.ndarray) -> np.ndarray:
        asked.append(len(pairs))
        return np.ones(len(pairs))

    count = 301
    a = np.zeros(count - 1, dtype=np.int64)
    b = np.arange(1, count, dtype=np.int64)
    star = clusters.star_leaders(count, a, b, np.full(count - 1, 0.5), jaccards, THRESHOLD)
    assert star[0] == 0 and (star[1:9] == 0).all()  # the leader's star: its 8 most similar
    assert (star >= 0).all()  # the others are placed in later rounds (alone: no edge among them)
    assert max(asked) <= 8 * 7 // 2
