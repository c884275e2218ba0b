"""Fingerprints of a whole run as columns: one row per paragraph, no object per paragraph.

Detection keeps every eligible paragraph's content hash, word count and shingles until the
clusters are built. Kept as a ``Fingerprint`` object each (with a numpy view of its shingles,
a ``ParagraphRef`` key and a dict entry) that was ~0.4 GB at a million paragraphs, beside the
shingles themselves; as columns it is ~50 bytes a row. A row becomes a ``Fingerprint`` only
when asked, so code written against ``Mapping[ParagraphRef, Fingerprint]`` works unchanged,
while the verifier gathers whole columns (``FingerprintRows``) for its vectorised checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from operator import attrgetter
from typing import overload

import numpy as np

from ..model import Paragraph, ParagraphRef
from ..runtime.heap import release_free_memory
from .fingerprint import Fingerprint


def expand_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Positions starts[i] .. starts[i] + counts[i] - 1 of every i, concatenated."""
    return np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))


def _ref_keys(docs: np.ndarray, indexes: np.ndarray) -> np.ndarray:
    """One int64 per ref, ordered as the refs are."""
    return (docs.astype(np.int64) << 32) | indexes.astype(np.int64)


class FirstCopies:
    """The exact-copy rule of every engine, over content hashes arriving in run order: the
    first paragraph of a content hash represents its group (only it is banded and verified;
    its copies join it in ``copy_groups``). Kept as the hashes seen, so batches can arrive one
    at a time (the local engine indexes each batch as it is signed)."""

    def __init__(self) -> None:
        self.seen: set[int] = set()

    def firsts(self, hashes: np.ndarray) -> np.ndarray:
        """Whether each of the next ``hashes`` (in run order) is the first of its content hash."""
        seen, out = self.seen, []
        for content in np.asarray(hashes, dtype=np.uint64).tolist():
            first = content not in seen
            if first:
                seen.add(content)
            out.append(first)
        return np.array(out, dtype=bool)


def copy_groups(hashes: np.ndarray) -> list[np.ndarray]:
    """Positions (in run order) of the paragraphs of each content hash held two or more times:
    each group ascending, groups in order of their first (``FirstCopies``' representative)."""
    members, sizes = copy_members(hashes)
    bounds = np.r_[0, np.cumsum(sizes)].tolist()
    return [members[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


def copy_members(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``copy_groups`` laid end to end: the groups' positions and each group's size. Sorted in
    numpy instead of grouped in a dict."""
    hashes = np.asarray(hashes, dtype=np.uint64)
    order = np.argsort(hashes, kind="stable")  # positions ascend within a hash
    ordered = hashes[order]
    edges = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(order) else order
    sizes = np.diff(np.r_[edges, len(order)])
    multi = sizes > 1
    starts, sizes = edges[multi], sizes[multi]
    by_first = np.argsort(order[starts], kind="stable")
    starts, sizes = starts[by_first], sizes[by_first]
    return order[expand_ranges(starts, sizes)], sizes


class RowPages(Sequence[str]):
    """The page text of each row, asked of ``text(doc)`` when needed rather than held: with
    the pages spooled (``runtime.page_store.PageStore``) the table keeps no page alive."""

    def __init__(self, docs: np.ndarray, text: Callable[[int], str]) -> None:
        self.docs, self.text = docs, text

    def __len__(self) -> int:
        return len(self.docs)

    @overload
    def __getitem__(self, row: int) -> str: ...
    @overload
    def __getitem__(self, row: slice) -> list[str]: ...
    def __getitem__(self, row: int | slice) -> str | list[str]:
        if isinstance(row, slice):
            return [self.text(doc) for doc in self.docs[row].tolist()]
        return self.text(int(self.docs[row]))


class FingerprintTable(Mapping[ParagraphRef, Fingerprint]):
    """Fingerprints in ref order: row i is the paragraph ``(docs[i], indexes[i])``; its
    shingles are ``shingles[offsets[i]:offsets[i + 1]]``, its text ``pages[i][starts[i]:ends[i]]``
    (the page is shared with the document, not copied)."""

    def __init__(self, docs: np.ndarray, indexes: np.ndarray, content_hashes: np.ndarray,
                 words: np.ndarray, shingles: np.ndarray, offsets: np.ndarray,
                 pages: Sequence[str], starts: np.ndarray, ends: np.ndarray) -> None:
        self.docs, self.indexes = docs, indexes
        self.content_hashes, self.words = content_hashes, words
        self.shingles, self.offsets = shingles, offsets
        self.pages, self.starts, self.ends = pages, starts, ends
        self.sizes = np.diff(offsets)
        self._keys = _ref_keys(docs, indexes)
        if len(self._keys) > 1 and not (self._keys[1:] > self._keys[:-1]).all():
            raise ValueError("rows of a FingerprintTable must be distinct refs in ascending order")

    @classmethod
    def of(cls, fingerprints: Mapping[ParagraphRef, Fingerprint]) -> FingerprintTable:
        """A table of the fingerprints given as objects (their shingles are copied)."""
        refs = sorted(fingerprints)
        fps = [fingerprints[ref] for ref in refs]
        builder = TableBuilder()
        builder.add_fingerprints(refs, fps)
        return builder.build()

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[ParagraphRef]:
        return map(ParagraphRef, self.docs.tolist(), self.indexes.tolist())

    def __getitem__(self, ref: ParagraphRef) -> Fingerprint:  # type: ignore[override]
        at = self._find(np.array([ref.doc]), np.array([ref.index]))[0]
        if at < 0:
            raise KeyError(ref)
        return self.fingerprint(int(at))

    def __contains__(self, ref: object) -> bool:
        if not isinstance(ref, ParagraphRef):
            return False
        return bool(self._find(np.array([ref.doc]), np.array([ref.index]))[0] >= 0)

    def _find(self, docs: np.ndarray, indexes: np.ndarray) -> np.ndarray:
        """Row of each (doc, index), -1 where the table has none."""
        keys = _ref_keys(docs, indexes)
        at = np.minimum(np.searchsorted(self._keys, keys), max(len(self._keys) - 1, 0))
        found = self._keys[at] == keys if len(self._keys) else np.zeros(len(keys), dtype=bool)
        return np.where(found, at, -1)

    def rows(self, refs: Sequence[ParagraphRef]) -> np.ndarray:
        """Row of each ref (all must be in the table), found in a few numpy passes."""
        docs = np.fromiter(map(attrgetter("doc"), refs), dtype=np.int64, count=len(refs))
        indexes = np.fromiter(map(attrgetter("index"), refs), dtype=np.int64, count=len(refs))
        at = self._find(docs, indexes)
        if (at < 0).any():
            raise KeyError(refs[int(np.flatnonzero(at < 0)[0])])
        return at

    def refs(self, rows: np.ndarray) -> list[ParagraphRef]:
        return list(map(ParagraphRef, self.docs[rows].tolist(), self.indexes[rows].tolist()))

    def fingerprint(self, row: int) -> Fingerprint:
        return Fingerprint(self.pages[row], int(self.content_hashes[row]), int(self.words[row]),
                           self.shingles[self.offsets[row] : self.offsets[row + 1]],
                           int(self.starts[row]), int(self.ends[row]))

    def view(self, rows: np.ndarray) -> FingerprintRows:
        return FingerprintRows(self, np.asarray(rows, dtype=np.int64))

    def take(self, refs: Sequence[ParagraphRef]) -> FingerprintRows:
        return self.view(self.rows(refs))

    def copies(self) -> list[list[ParagraphRef]]:
        """Groups of two or more rows with one content hash (exact copies), each ascending,
        groups in order of their first: ``copy_groups`` of the table's rows (``copy_members``),
        as refs (``near_pairs.exact_groups`` without the lone paragraphs)."""
        rows, sizes = copy_members(self.content_hashes)
        members = self.refs(rows)
        bounds = np.r_[0, np.cumsum(sizes)].tolist()
        return [members[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


class FingerprintRows(Sequence[Fingerprint]):
    """Some rows of a table, as a sequence of fingerprints with their columns at hand."""

    def __init__(self, table: FingerprintTable, rows: np.ndarray) -> None:
        self.table, self.rows = table, rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, at: int) -> Fingerprint: ...
    @overload
    def __getitem__(self, at: slice) -> FingerprintRows: ...
    def __getitem__(self, at: int | slice) -> Fingerprint | FingerprintRows:
        if isinstance(at, slice):
            return FingerprintRows(self.table, self.rows[at])
        return self.table.fingerprint(int(self.rows[at]))

    @property
    def sizes(self) -> np.ndarray:
        return self.table.sizes[self.rows]

    @property
    def words(self) -> np.ndarray:
        return self.table.words[self.rows]

    @property
    def content_hashes(self) -> np.ndarray:
        return self.table.content_hashes[self.rows]

    def shingle_sets(self, positions: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Shingles of the rows at ``positions`` (all when None) laid end to end, and their sizes."""
        rows = self.rows if positions is None else self.rows[positions]
        sizes = self.table.sizes[rows]
        return self.table.shingles[expand_ranges(self.table.offsets[rows], sizes)], sizes


def fingerprint_rows(fingerprints: Sequence[Fingerprint]) -> FingerprintRows:
    """The fingerprints as table rows: as they are when they already are, else copied into one."""
    if isinstance(fingerprints, FingerprintRows):
        return fingerprints
    refs = [ParagraphRef(0, i) for i in range(len(fingerprints))]
    builder = TableBuilder()
    builder.add_fingerprints(refs, list(fingerprints))
    return builder.build().view(np.arange(len(fingerprints)))


def rows_of(fingerprints: Mapping[ParagraphRef, Fingerprint],
            refs: Sequence[ParagraphRef]) -> FingerprintRows:
    """The fingerprints of ``refs`` as table rows (gathered from a table, copied from objects)."""
    if isinstance(fingerprints, FingerprintTable):
        return fingerprints.take(refs)
    return fingerprint_rows([fingerprints[ref] for ref in refs])


RELEASE_EVERY = 64 * 2**20  # ``TableBuilder.build``: bytes of joined parts between heap trims


class TableBuilder:
    """A ``FingerprintTable`` made a batch at a time (in ref order); columns are joined once.

    With ``page_text`` (document -> its text) the table asks for a row's page when it needs
    the text instead of keeping a reference to every page (``RowPages``)."""

    def __init__(self, page_text: Callable[[int], str] | None = None) -> None:
        self.page_text = page_text
        self._docs: list[np.ndarray] = []
        self._indexes: list[np.ndarray] = []
        self._hashes: list[np.ndarray] = []
        self._words: list[np.ndarray] = []
        self._shingles: list[np.ndarray] = []
        self._sizes: list[np.ndarray] = []
        self._starts: list[np.ndarray] = []
        self._ends: list[np.ndarray] = []
        self._pages: list[str] = []

    def add(self, docs: np.ndarray, indexes: np.ndarray, paragraphs: Sequence[Paragraph],
            content_hashes: np.ndarray, words: np.ndarray, shingles: np.ndarray, starts: np.ndarray,
            sizes: np.ndarray) -> None:
        """Rows for the paragraphs (paragraph i is paragraph ``indexes[i]`` of document
        ``docs[i]``); its shingles are ``sizes[i]`` values of ``shingles`` from ``starts[i]`` on
        (copied: the batch's arrays can then be dropped)."""
        count = len(paragraphs)
        if len(docs) != count or len(indexes) != count:
            raise ValueError("docs, indexes and paragraphs differ in length")
        self._docs.append(np.asarray(docs, dtype=np.int32))
        self._indexes.append(np.asarray(indexes, dtype=np.int32))
        self._hashes.append(np.asarray(content_hashes, dtype=np.uint64))
        self._words.append(np.asarray(words, dtype=np.int32))
        self._sizes.append(np.asarray(sizes, dtype=np.int64))
        self._shingles.append(shingles[expand_ranges(starts, sizes)])
        if self.page_text is None:
            self._pages.extend(map(attrgetter("page"), paragraphs))
        self._starts.append(np.fromiter(map(attrgetter("start"), paragraphs), dtype=np.int64, count=count))
        self._ends.append(np.fromiter(map(attrgetter("end"), paragraphs), dtype=np.int64, count=count))

    def add_fingerprints(self, refs: Sequence[ParagraphRef], fps: Sequence[Fingerprint]) -> None:
        """Rows for fingerprint objects (tests, other engines, ``FingerprintTable.of``)."""
        if self.page_text is not None:  # their pages come with them, not from ``page_text``
            raise ValueError("a TableBuilder with page_text takes paragraphs, not fingerprint objects")
        count = len(refs)
        self._docs.append(np.fromiter(map(attrgetter("doc"), refs), dtype=np.int32, count=count))
        self._indexes.append(np.fromiter(map(attrgetter("index"), refs), dtype=np.int32, count=count))
        self._hashes.append(np.fromiter(map(attrgetter("content_hash"), fps), dtype=np.uint64, count=count))
        self._words.append(np.fromiter(map(attrgetter("words"), fps), dtype=np.int32, count=count))
        self._sizes.append(np.fromiter((len(fp.shingles) for fp in fps), dtype=np.int64, count=count))
        self._shingles.extend(np.asarray(fp.shingles, dtype=np.uint64) for fp in fps)
        self._pages.extend(fp.page for fp in fps)
        self._starts.append(np.fromiter(map(attrgetter("start"), fps), dtype=np.int64, count=count))
        self._ends.append(np.fromiter((len(fp.page) if fp.end is None else fp.end for fp in fps),
                                      dtype=np.int64, count=count))

    def build(self) -> FingerprintTable:
        def joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            """The parts end to end, each dropped once copied; the freed heap goes back to the
            system every ``RELEASE_EVERY`` bytes, so the parts and the whole are not held at
            once (the shingles: 0.24 GB at a million paragraphs)."""
            out = np.empty(sum(len(part) for part in parts), dtype=dtype)
            at = freed = 0
            parts.reverse()  # popped from the end: in order, without shifting the list
            while parts:
                part = parts.pop()
                out[at : at + len(part)] = part
                at += len(part)
                freed += part.nbytes
                del part
                if freed >= RELEASE_EVERY:
                    release_free_memory()
                    freed = 0
            return out

        sizes = joined(self._sizes, np.int64)
        offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        docs = joined(self._docs, np.int32)
        return FingerprintTable(
            docs=docs, indexes=joined(self._indexes, np.int32),
            content_hashes=joined(self._hashes, np.uint64), words=joined(self._words, np.int32),
            shingles=joined(self._shingles, np.uint64), offsets=offsets,
            pages=self._pages if self.page_text is None else RowPages(docs, self.page_text),
            starts=joined(self._starts, np.int64), ends=joined(self._ends, np.int64),
        )
