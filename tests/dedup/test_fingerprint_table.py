"""The columnar fingerprint table answers what the dict of Fingerprint objects answered."""

from __future__ import annotations

import random

import numpy as np
import pytest

from dedupe_audit.dedup import fingerprint_table
from dedupe_audit.dedup.fingerprint import Fingerprint, Fingerprinter
from dedupe_audit.dedup.fingerprint_table import (
    FingerprintTable,
    TableBuilder,
    expand_ranges,
    fingerprint_rows,
    rows_of,
)
from dedupe_audit.dedup.near_pairs import exact_groups
from dedupe_audit.model import Paragraph, ParagraphRef

_WORD_TEXT = "the council said budget transport roads shops wages talks Geneva weather north “fuel” délivery"
WORDS = _WORD_TEXT.split()


def _pages(seed: int) -> list[tuple[str, list[Paragraph]]]:
    """Pages of random paragraphs, some of them copies of others (same text, other page)."""
    rng = random.Random(seed)
    made: list[str] = []
    pages = []
    for _ in range(40):
        texts = []
        for _ in range(rng.randint(0, 6)):
            fresh = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 25)))
            texts.append(rng.choice(made) if made and rng.random() < 0.3 else fresh)
            made.append(texts[-1])
        page, paragraphs, at = "", [], 0
        for i, text in enumerate(texts):
            page += text + "\n\n"
            paragraphs.append(Paragraph(i, at, at + len(text), i + 1, i + 1, page=""))
            at = len(page)
        pages.append((page, [Paragraph(p.index, p.start, p.end, p.line, p.end_line, page=page)
                             for p in paragraphs]))
    return pages


def _built(seed: int, batch: int) -> tuple[FingerprintTable, dict[ParagraphRef, Fingerprint]]:
    """A table built a batch at a time from Fingerprinter.arrays, skipping every third
    paragraph as detection skips short ones, and the same fingerprints as objects."""
    rows = [(ParagraphRef(doc, p.index), p) for doc, (_, paragraphs) in enumerate(_pages(seed))
            for p in paragraphs]
    builder, expect = TableBuilder(), {}
    for lo in range(0, len(rows), batch):
        chunk = rows[lo : lo + batch]
        found = Fingerprinter(3).arrays([p.text for _, p in chunk])
        kept = np.array([n for n in range(len(chunk)) if (lo + n) % 3], dtype=np.int64)
        sizes = np.diff(found.offsets)
        refs = [chunk[n][0] for n in kept.tolist()]
        builder.add(np.array([r.doc for r in refs]), np.array([r.index for r in refs]),
                    [chunk[n][1] for n in kept.tolist()],
                    np.array(found.content_hashes, dtype=np.uint64)[kept], np.array(found.words)[kept],
                    found.shingles, found.offsets[kept], sizes[kept])
        for n in kept.tolist():
            ref, para = chunk[n]
            expect[ref] = Fingerprint(para.page, found.content_hashes[n], found.words[n],
                                      found.shingles[found.offsets[n] : found.offsets[n + 1]],
                                      para.start, para.end)
    return builder.build(), expect


def _same(a: Fingerprint, b: Fingerprint) -> bool:
    return (a.text, a.content_hash, a.words) == (b.text, b.content_hash, b.words) and np.array_equal(
        a.shingles, b.shingles)


@pytest.mark.parametrize(("batch", "release_every"), [(1, 1), (5, 64 * 2**20), (1_000, 1)])
def test_table_is_the_mapping_it_replaces(batch, release_every, monkeypatch):
    """Built a batch at a time (the parts joined with heap trims in between, or none)."""
    trims = []
    monkeypatch.setattr(fingerprint_table, "RELEASE_EVERY", release_every)
    monkeypatch.setattr(fingerprint_table, "release_free_memory", lambda: trims.append(1))
    table, expect = _built(1, batch)
    assert bool(trims) == (release_every == 1)
    assert len(table) == len(expect) > 20
    assert list(table) == sorted(expect)
    assert all(_same(table[ref], fp) for ref, fp in expect.items())
    assert all(ref in table for ref in expect)
    missing = ParagraphRef(0, 10**6)
    assert missing not in table and "a ref" not in table
    with pytest.raises(KeyError):
        table[missing]
    with pytest.raises(KeyError):
        table.rows([next(iter(expect)), missing])


def test_copies_are_exact_groups_of_two_or_more():
    table, expect = _built(2, 7)
    groups = [group for group in exact_groups(expect) if len(group) > 1]
    assert len(groups) >= 8
    assert table.copies() == groups


def test_rows_views_and_gathered_shingles():
    table, expect = _built(3, 4)
    refs = sorted(expect)[::-2]  # any order, any subset
    view = table.take(refs)
    assert table.refs(view.rows) == refs
    assert all(_same(view[n], expect[ref]) for n, ref in enumerate(refs))
    assert np.array_equal(view.sizes, [len(expect[ref].shingles) for ref in refs])
    assert view.words.tolist() == [expect[ref].words for ref in refs]
    assert view.content_hashes.tolist() == [expect[ref].content_hash for ref in refs]
    flat, sizes = view.shingle_sets(np.array([2, 0]))
    assert np.array_equal(flat, np.concatenate([expect[refs[2]].shingles, expect[refs[0]].shingles]))
    assert sizes.tolist() == [len(expect[refs[2]].shingles), len(expect[refs[0]].shingles)]
    assert view[1:3].rows.tolist() == view.rows[1:3].tolist()
    from_objects = rows_of(expect, refs)  # the same rows from objects, copied into a table
    assert all(_same(from_objects[n], expect[ref]) for n, ref in enumerate(refs))
    assert fingerprint_rows(view) is view


def test_table_of_objects_keeps_whole_text_fingerprints():
    fps = Fingerprinter(3).many(["one two three four", "", "one two three four"])
    table = FingerprintTable.of({ParagraphRef(0, i): fp for i, fp in enumerate(fps)})
    texts = [table[ParagraphRef(0, i)].text for i in range(3)]
    assert texts == ["one two three four", "", "one two three four"]
    assert table.copies() == [[ParagraphRef(0, 0), ParagraphRef(0, 2)]]
    empty = FingerprintTable.of({})
    assert len(empty) == 0 and empty.copies() == [] and ParagraphRef(0, 0) not in empty


def test_rows_must_ascend():
    one = np.array([1, 0], dtype=np.int32)
    with pytest.raises(ValueError, match="ascending"):
        FingerprintTable(one, np.zeros(2, dtype=np.int32), np.zeros(2, dtype=np.uint64),
                         np.zeros(2, dtype=np.int32), np.empty(0, dtype=np.uint64),
                         np.zeros(3, dtype=np.int64), ["", ""], np.zeros(2), np.zeros(2))


def test_expand_ranges():
    got = expand_ranges(np.array([5, 0, 9]), np.array([2, 0, 3]))
    assert got.tolist() == [5, 6, 9, 10, 11]
    assert expand_ranges(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == []
