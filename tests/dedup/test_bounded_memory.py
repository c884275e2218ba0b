"""Huge single lines are audited in bounded memory, and bounding it changes nothing found.

A 150 MB line cut into 20,000-character paragraphs used to need 4.6-5.4 GB: one fingerprinting
batch held the whole file's code points, every LSH candidate pair of a 20-word vocabulary was
made before the cap dropped most of them, and the containment index kept ~48 bytes a shingle.
Each bound below is checked against the unbounded computation on small input (the limits are
made tiny here), so that the results on ordinary corpora stay byte for byte what they were.
"""

from __future__ import annotations

import random

import numpy as np
from helpers import document

from dedupe_audit.config import Config
from dedupe_audit.dedup import banding as index
from dedupe_audit.dedup import containment, detect, near_pairs
from dedupe_audit.dedup.banding import CandidateIndex, StreamedCap, cap_candidates
from dedupe_audit.dedup.detect import detect_duplicates
from dedupe_audit.dedup.fingerprint import Fingerprint, Fingerprinter, signatures
from dedupe_audit.model import ParagraphRef
from dedupe_audit.segment.paragraphs import segment

VOCABULARY = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet")
WORDS = ("council", "budget", "transport", "unions", "decision", "business", "fares", "harbour", "museum",
         "farmers", "harvest", "summer", "police", "passes", "snow", "minister", "election", "court",
         "ruling", "appeal", "bridge", "river", "storm", "schools", "teachers", "hospital", "doctors",
         "strike", "market", "prices", "energy", "winter")


def _line(words: tuple[str, ...], count: int, seed: int) -> str:
    return " ".join(random.Random(seed).choices(words, k=count))


def _random_pairs(rng: np.random.Generator, nodes: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (a < b) pairs as sorted codes, and a shared-band count of each."""
    a = rng.integers(0, nodes, count)
    b = rng.integers(0, nodes, count)
    keep = a != b
    first, second = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    codes = np.unique((first.astype(np.uint64) << np.uint64(32)) | second.astype(np.uint64))
    return codes, rng.integers(1, 9, len(codes)).astype(np.int64)


def test_the_streamed_cap_keeps_what_capping_all_pairs_at_once_keeps():
    rng = np.random.default_rng(3)
    cut = 0
    for nodes, count, budget in ((40, 600, 50), (200, 5_000, 300), (30, 100, 10)):
        codes, counts = _random_pairs(rng, nodes, count)
        most = rng.integers(1, 12, nodes).astype(np.int64)
        pairs = np.stack([(codes >> np.uint64(32)).astype(np.int64),
                          (codes & np.uint64(0xFFFFFFFF)).astype(np.int64)], axis=1)
        want, want_lost = cap_candidates(codes, counts, pairs, most)
        cap = StreamedCap(most)
        cap.keys = np.arange(nodes, dtype=np.uint64)
        cap.budget = budget  # prune many times on the way
        for part in np.array_split(np.arange(len(codes)), 7):  # passes arrive in code order
            cap.add(codes[part], counts[part])
        got, got_counts, lost, found = cap.result()
        assert np.array_equal(got, want)
        assert np.array_equal(got_counts, counts[np.searchsorted(codes, want)])
        assert np.array_equal(lost, want_lost)
        assert found == len(codes)
        cut += len(codes) - len(want)
    assert cut > 0  # the limits did cut pairs


def test_pairs_dropped_without_ranking_are_none_that_ranking_keeps():
    rng = np.random.default_rng(11)
    codes, counts = _random_pairs(rng, 60, 2_000)
    most = rng.integers(1, 10, 60).astype(np.int64)
    cap = StreamedCap(most)
    cap.keys = np.arange(60, dtype=np.uint64)
    cap.budget = 10**9
    cap.add(codes, counts)
    nodes = cap._nodes(codes)
    out = cap._surely_out(nodes, counts, cap.degree > most)
    want, _ = cap_candidates(codes, counts, nodes.astype(np.int64), most)
    assert out.sum() > len(codes) // 4  # most pairs go without a sort
    assert not np.isin(codes[out], want).any()


def test_ordinary_pairs_under_their_limits_are_all_kept_unranked():
    codes, counts = _random_pairs(np.random.default_rng(5), 500, 300)
    cap = StreamedCap(np.full(500, 1_000, dtype=np.int64))
    cap.keys = np.arange(500, dtype=np.uint64)
    cap.budget = 20
    cap.add(codes, counts)
    got, got_counts, lost, found = cap.result()
    assert np.array_equal(got, codes) and np.array_equal(got_counts, counts)
    assert len(lost) == 0 and found == len(codes)


def test_candidate_passes_cut_by_pairs_give_the_same_capped_candidates(monkeypatch):
    """A 4-word vocabulary: every paragraph is a candidate of many; passes of 50 raw pairs
    (tens of them) give what one pass gives, capped or not."""
    texts = [_line(VOCABULARY[:4], 40, seed) for seed in range(60)]
    fingerprinter = Fingerprinter(3)
    shingles = [fingerprinter(text).shingles for text in texts]

    def candidates(most: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        built = CandidateIndex(0.4, 128, 1)
        built.add(range(len(texts)), signatures(shingles, 128, 1))
        pairs, shared = built.candidate_array(min_bands=2, below=50, with_counts=True, most=most)
        return pairs, shared, built.capped_keys, built.pairs_found

    most = np.full(len(texts), 5, dtype=np.int64)
    one_pass, one_capped = candidates(None), candidates(most)
    monkeypatch.setattr(index, "PAIRS_PER_PASS", 2_000)
    passes = []
    edges_of = index.pass_edges
    monkeypatch.setattr(index, "pass_edges", lambda *args: passes.append(edges_of(*args)) or passes[-1])
    many_passes, many_capped = candidates(None), candidates(most)
    assert np.array_equal(one_pass[0], many_passes[0]) and np.array_equal(one_pass[1], many_passes[1])
    assert len(one_pass[0]) > 500  # degenerate: far more than the cap keeps
    assert min(len(edges) for edges in passes) > 4  # the passes were several
    for a, b in zip(one_capped, many_capped, strict=True):
        assert np.array_equal(a, b)
    assert 0 < len(one_capped[0]) <= 2 * most.sum() and len(one_capped[2]) > 0
    assert one_capped[3] == len(one_pass[0])  # pairs found before the cap, as counted uncapped


def test_pass_edges_hold_about_the_pass_budget_each(monkeypatch):
    monkeypatch.setattr(index, "PAIRS_PER_PASS", 100)
    keys = np.arange(0, 400, 2, dtype=np.uint64)  # 200 keys in one bucket: key i pairs with all after it
    bucket = (np.array([0], dtype=np.int32), np.array([200], dtype=np.int32), np.arange(200, dtype=np.int32))
    edges = index.pass_edges([bucket], keys, 400)
    assert edges[0] == 0 and edges[-1] == 400 and np.all(np.diff(edges) > 0)
    per_key = np.arange(199, -1, -1)  # raw pairs of each key as first
    held = [int(per_key[(keys >= lo) & (keys < hi)].sum())
            for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    assert sum(held) == per_key.sum()
    assert max(held) <= 2 * 100 + 199  # a range ends once it passes the budget (one key at most beyond)
    assert len(held) > 50  # even ranges of key values would have put most pairs in the first


def _long_pages() -> list:
    """Pages of long unpunctuated paragraphs (as a huge single line cut into paragraphs), with
    a paragraph reused whole on another page and a short passage quoted inside one."""
    config = Config(max_paragraph_chars=2_000)
    prose = [_line(WORDS, 1_200, seed) for seed in range(4)]
    quoted = _line(WORDS, 40, 99)
    pages = [segment(document(prose[0] + " " + quoted + " " + prose[1], "a.txt"), config),
             segment(document(prose[2] + "\n\n" + prose[3][:1_500], "b.txt"), config),
             segment(document("A short note.\n\n" + quoted + "\n\n" + prose[3][:1_500], "c.txt"), config)]
    assert max(len(p.paragraphs) for p in pages) >= 4  # the cut made several long paragraphs a page
    return pages


def test_fingerprint_batches_cut_inside_a_page_keep_windows_with_their_paragraph(monkeypatch):
    pages = _long_pages()
    whole = detect_duplicates(pages, Config(max_paragraph_chars=2_000, jobs=1))
    monkeypatch.setattr(detect, "BATCH_CHARS", 2_500)  # about one long paragraph a batch
    batches = list(detect.batches(enumerate(pages), Config()))
    assert len(batches) > len(pages)
    for batch in batches:
        for (row, start, end), window in zip(batch.spans, batch.windows, strict=True):
            paragraph = batch.paragraphs[row]
            assert window.paragraph == paragraph.index and 0 <= start < end <= paragraph.end - paragraph.start
    assert sum(batch.parts for batch in batches) == sum(len(p.paragraphs) + len(p.windows) for p in pages)
    assert detect_duplicates(pages, Config(max_paragraph_chars=2_000, jobs=1)) == whole
    assert any(c.kind == "contained" for c in whole)  # the quote, found inside the long paragraph
    assert any(len(c.members) == 2 for c in whole)  # the reused paragraph


def test_containment_counted_in_small_chunks_finds_the_same(monkeypatch):
    pages = _long_pages()
    whole = detect_duplicates(pages, Config(max_paragraph_chars=2_000, jobs=1))
    monkeypatch.setattr(containment, "SHINGLES_PER_INNER_CHUNK", 50)
    monkeypatch.setattr(near_pairs, "SHINGLES_PER_CHUNK", 300)
    assert detect_duplicates(pages, Config(max_paragraph_chars=2_000, jobs=1)) == whole


def test_the_container_index_finds_each_shingle_where_a_scan_does():
    rng = np.random.default_rng(7)
    sets = [np.unique(rng.integers(0, 400, size, dtype=np.uint64)) for size in (50, 120, 80, 5, 200)]
    built = containment.ContainerIndex({ParagraphRef(0, i): Fingerprint("", i, len(shingles), shingles)
                                   for i, shingles in enumerate(sets)})
    assert built.owners.dtype == np.int32
    probes = np.arange(0, 450, dtype=np.uint64)
    lo, spans = built.lookup(probes)
    for value, first, count in zip(probes.tolist(), lo.tolist(), spans.tolist(), strict=True):
        holders = [i for i, s in enumerate(sets) if value in s]
        assert count == len(holders)
        assert built.owners[first : first + count].tolist() == holders  # ascending owners
    assert not spans[400:].any()  # values no container holds
