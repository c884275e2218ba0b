"""Degenerate input finishes in bounded work and the report says what was left out.

A single line of a tiny vocabulary makes every paragraph a candidate of every other: before the
caps (``detect.MAX_CANDIDATES``, ``containment.MAX_COMMON_SPAN``) an 18 MB such line took 185 s, most
of it verifying all pairs. The test checks the outcome (it finishes, the truncation is reported,
ordinary copies are still found), not the time.
"""

from __future__ import annotations

import random

import numpy as np
from helpers import document

from dedupe_audit.config import Config
from dedupe_audit.dedup import detect
from dedupe_audit.dedup.banding import cap_candidates
from dedupe_audit.pipeline import run_audit
from dedupe_audit.segment.paragraphs import segment

VOCABULARY = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
              "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango")


def _low_entropy_line(size: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    words = rng.choices(VOCABULARY, k=size // 6)
    return " ".join(words)


def test_a_low_entropy_line_is_audited_in_parts_and_the_truncation_is_reported(tmp_path):
    line = _low_entropy_line(5_000_000)
    (tmp_path / "line.txt").write_text(line, encoding="utf-8")
    config = Config(max_file_bytes=1_000_000, split_large_text=True)
    result = run_audit([str(tmp_path)], config)
    assert len(result.documents) >= 5  # audited in parts, none skipped
    assert not result.skipped
    assert any("more LSH candidates than their limit" in w and "left unchecked" in w for w in result.warnings)
    # the notes travel with the detection's result, not in module state a later run could read
    assert not hasattr(detect, "TRUNCATED")


def test_ordinary_pages_report_no_truncation(tmp_path):
    text = ("The regional council approved the budget for public transport on Tuesday after long talks. "
            "Unions welcomed the decision while business groups asked for lower fares next year.")
    openings = ("Snow closed two mountain passes overnight, police said.",
                "A new museum of maritime history opens its doors in the harbour district.",
                "Local farmers expect a record apple harvest after a warm and wet summer.")
    for n, opening in enumerate(openings):
        (tmp_path / f"page{n}.txt").write_text(f"{opening}\n\n{text}\n", encoding="utf-8")
    result = run_audit([str(tmp_path)], Config())
    assert not result.warnings
    assert [len(c.members) for c in result.clusters] == [3]


def test_cap_keeps_the_most_similar_candidates_of_each_hub():
    # nodes 0..5 all pairwise candidates; each may keep 2: the most shared bands win
    pairs = np.array([(a, b) for a in range(6) for b in range(a + 1, 6)], dtype=np.int64)
    shared = np.array([10 if b == a + 1 else 1 for a, b in pairs.tolist()], dtype=np.int64)
    kept, lost = cap_candidates(pairs, shared, pairs, np.full(6, 2))
    assert {tuple(p) for p in kept.tolist()} >= {(a, a + 1) for a in range(5)}
    assert len(kept) <= 2 * 2 * 6
    left = {tuple(p) for p in pairs.tolist()} - {tuple(p) for p in kept.tolist()}
    assert left and lost.tolist() == sorted({node for pair in left for node in pair})
    # under the limit nothing is cut
    kept, lost = cap_candidates(pairs, shared, pairs, np.full(6, 5))
    assert len(kept) == len(pairs) and not len(lost)


def test_the_truncation_notes_come_with_the_detection_that_made_them(monkeypatch):
    """Each detection returns its own notes: a capped run's notes are on its result and a later
    ordinary run's result has none (no module state carries them from one run to the next)."""
    config = Config()
    rng = random.Random(3)
    flood = [" ".join(rng.choices(VOCABULARY[:4], k=60)) for _ in range(120)]  # all alike
    pages = [segment(document("\n\n".join(flood[i : i + 10]), f"f{i}.txt"), config)
             for i in range(0, 120, 10)]
    monkeypatch.setattr(detect, "MAX_CANDIDATES", 4)
    monkeypatch.setattr(detect, "MIN_CANDIDATES", 4)
    capped = detect.detect_duplicates(pages, config)
    assert any("more LSH candidates than their limit" in note for note in detect.warnings_of(capped))
    ordinary = [segment(document(text, f"o{n}.txt"), config) for n, text in enumerate((
        "The harbour authority reopened the northern pier after repairs to its wooden deck.",
        "Volunteers planted four hundred oak trees along the river bank on Saturday morning.",
    ))]
    assert detect.warnings_of(detect.detect_duplicates(ordinary, config)) == ()
    assert detect.warnings_of(capped) == capped.warnings  # the first result's notes are intact
    assert list(capped) == list(tuple(capped))  # to callers the result is a plain tuple of clusters


def test_an_oversized_bucket_is_paired_in_blocks_not_dropped_nor_expanded():
    """Rows that all share four bands (a template) and nothing else: the four buckets are far
    over ``max_bucket``. They are neither expanded into all pairs (quadratic) nor dropped (no
    candidates at all): each row pairs only within its block of ``OVERSIZED_BLOCK``."""
    from dedupe_audit.dedup.banding import OVERSIZED_BLOCK, CandidateIndex

    index = CandidateIndex(0.4, 128, 1)
    bands, rows_per_band = index.params
    count = 600
    rng = np.random.default_rng(5)
    width = bands * rows_per_band
    signatures = rng.integers(0, 2**32, size=(count, width), dtype=np.uint64).astype(np.uint32)
    signatures[:, : 4 * rows_per_band] = 7  # bands 0-3 the same for every row
    index.add(range(count), signatures)
    pairs = index.candidate_array(max_bucket=100)
    assert index.oversized_buckets == 4 and index.oversized_members == 4 * count
    assert len(pairs)  # not dropped
    partners = np.bincount(pairs.ravel(), minlength=count)
    assert partners.max() <= 4 * (OVERSIZED_BLOCK - 1)  # not every other row
    assert len(pairs) < count * (count - 1) // 2 // 4
