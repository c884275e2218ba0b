"""Segmented pages kept for the later stages: in memory while small, in a temporary file after.

Why: every stage after segmentation reads the pages again (detection's verification, dates,
cues, staleness, the reports), so a run used to hold all of them until its report was written,
~0.65 KB a paragraph (0.65 GB at a million paragraphs) beside the index. ``PageStore`` holds
them in memory up to a budget, like ``tempfile.SpooledTemporaryFile``; past it, every page
goes to one unlinked temporary file (its text in UTF-8, its fields pickled beside it) and is
rebuilt as the same frozen objects when asked. What stays in memory is 16 bytes a page and a
few recently read pages. Nothing is read from the inputs again and nothing is re-segmented.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import struct
import sys
import tempfile
import threading
import weakref
from array import array
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import overload

from ..model import Document, DocumentMeta, Paragraph, SegmentedDocument, Window
from .heap import release_free_memory

_HEAD = struct.Struct("<QQ")  # bytes of the text, bytes of the pickled fields
_META_FIELDS = tuple(field.name for field in dataclasses.fields(DocumentMeta))  # in __init__ order
OBJECT_BYTES = 120  # what a paragraph or window object costs in memory beside the text, roughly
RECENT_PAGES = 8  # pages kept rebuilt (stages go page by page; verification jumps between few)
RECENT_TEXT_CHARS = 8_000_000  # page texts kept for verification's random reads, in characters


class SpoolError(OSError):
    """The temporary file could not be made, written or read back (no such folder, full disk)."""


def pack(seg: SegmentedDocument) -> bytes:
    """One page: its text once, the fields of its document, paragraphs and windows beside it."""
    doc = seg.document
    # the meta as a plain tuple: the dataclass's own unpickling (a setattr per field) was ~20% of a read
    meta = tuple(getattr(doc.meta, name) for name in _META_FIELDS)
    fields = (doc.path, meta, doc.content_hash, doc.reference,
              [(p.index, p.start, p.end, p.line, p.end_line, p.kind, p.boilerplate_rule, p.words)
               for p in seg.paragraphs],
              [(w.paragraph, w.start, w.end) for w in seg.windows])
    text, packed = doc.text.encode("utf-8", "surrogatepass"), pickle.dumps(fields, 5)
    return _HEAD.pack(len(text), len(packed)) + text + packed


def unpack(record: bytes) -> SegmentedDocument:
    """The page ``pack`` packed, equal to it field for field (the text shared, as segmenting does)."""
    size, _ = _HEAD.unpack_from(record)
    text = record[_HEAD.size : _HEAD.size + size].decode("utf-8", "surrogatepass")
    path, meta, content_hash, reference, paragraphs, windows = pickle.loads(record[_HEAD.size + size :])
    return SegmentedDocument(
        Document(path, text, DocumentMeta(*meta), content_hash, reference),
        tuple([Paragraph(i, s, e, line, end_line, text, kind, rule, words)
               for i, s, e, line, end_line, kind, rule, words in paragraphs]),
        tuple([Window(p, s, e, text) for p, s, e in windows]),
    )


def held_bytes(seg: SegmentedDocument) -> int:
    """Roughly what a page costs in memory: its text and an object per paragraph and window."""
    return sys.getsizeof(seg.document.text) + OBJECT_BYTES * (len(seg.paragraphs) + len(seg.windows))


class PageStore(Sequence[SegmentedDocument]):
    """The run's segmented pages in order, as a sequence; ``text(doc)`` reads a page's text alone.

    ``budget`` is how many bytes of pages (``held_bytes``) stay in memory; the first page
    beyond it moves them all to a temporary file in ``folder`` (the system's default when
    None). ``None`` keeps everything in memory, ``0`` spools from the first page. The file is
    unlinked when made, so nothing is left behind, whatever ends the run.
    """

    def __init__(self, budget: int | None = None, folder: str | None = None) -> None:
        if folder is not None and not os.path.isdir(folder):  # said now, not after an hour of reading
            raise SpoolError(f"spool folder {folder} does not exist or is not a folder "
                             "(set spool-dir to one that does)")
        self.budget, self.folder = budget, folder
        self._held: list[SegmentedDocument] | None = []
        self._held_bytes = 0
        self._fd = -1
        self._offsets = array("q", [0])  # record i is bytes offsets[i]..offsets[i + 1] of the file
        self._parts = array("q")  # paragraphs and windows of each page (progress needs no page)
        self._total_parts = 0
        self._recent: OrderedDict[int, SegmentedDocument] = OrderedDict()
        self._texts: OrderedDict[int, str] = OrderedDict()
        self._text_chars = 0  # characters in ``_texts``
        self._lock = threading.Lock()  # fingerprinting threads and the main one may read at once

    @classmethod
    def of(cls, pages: Sequence[SegmentedDocument]) -> PageStore:
        """The pages as a store (returned as they are when they already are one), in memory."""
        if isinstance(pages, PageStore):
            return pages
        store = cls()
        for seg in pages:
            store.append(seg)
        return store

    @property
    def spooled(self) -> bool:
        return self._held is None

    def append(self, seg: SegmentedDocument) -> None:
        """Add the next page (a failed write raises ``SpoolError`` and leaves the store as it was)."""
        size = held_bytes(seg)
        if self._held is None:
            self._write(seg)
        elif self.budget is not None and self._held_bytes + size > self.budget:
            self._spool([*self._held, seg])
        else:
            self._held.append(seg)
            self._held_bytes += size
        self._parts.append(len(seg.paragraphs) + len(seg.windows))
        self._total_parts += self._parts[-1]

    def _spool(self, pages: list[SegmentedDocument]) -> None:
        """Write the pages held so far and the next one to a new temporary file; later pages
        go there directly. Until all are written the pages stay held (a failure loses none)."""
        try:
            with tempfile.TemporaryFile(prefix="dedupe-audit-pages-", dir=self.folder) as handle:
                self._fd = os.dup(handle.fileno())  # keeps the (unlinked) file open after the with
        except OSError as err:
            raise SpoolError(f"cannot make a temporary file for pages in "
                             f"{self.folder or tempfile.gettempdir()}: {err.strerror or err}") from err
        try:
            for seg in pages:
                self._write(seg)
        except SpoolError:
            os.close(self._fd)
            self._fd = -1
            del self._offsets[1:]
            raise
        weakref.finalize(self, os.close, self._fd)
        self._held = None
        del pages[:]
        release_free_memory()  # the texts held so far were large blocks: give them back

    def _write(self, seg: SegmentedDocument) -> None:
        record = pack(seg)
        try:
            written = os.pwrite(self._fd, record, self._offsets[-1])
        except OSError as err:
            raise SpoolError(f"cannot write pages to a temporary file in "
                             f"{self.folder or tempfile.gettempdir()}: {err.strerror or err} "
                             "(set spool-dir to a folder with room)") from err
        if written != len(record):
            raise SpoolError("short write to the temporary page file (disk full?)")
        self._offsets.append(self._offsets[-1] + written)

    def _record(self, doc: int) -> bytes:
        start, end = self._offsets[doc], self._offsets[doc + 1]
        record = os.pread(self._fd, end - start, start)
        if len(record) != end - start:
            raise SpoolError(f"the temporary page file ended early at page {doc}")
        return record

    @property
    def file_bytes(self) -> int:
        """Bytes written to the temporary file (0 while the pages are held in memory)."""
        return self._offsets[-1]

    def parts(self, doc: int) -> int:
        """Paragraphs and windows of page ``doc``, without reading it."""
        return self._parts[doc]

    @property
    def total_parts(self) -> int:
        """Paragraphs and windows of all pages so far."""
        return self._total_parts

    def text(self, doc: int) -> str:
        """The text of page ``doc``, read without rebuilding its paragraphs."""
        if self._held is not None:
            return self._held[doc].document.text
        with self._lock:
            found = self._texts.get(doc)
            if found is not None:
                self._texts.move_to_end(doc)
                return found
            seg = self._recent.get(doc)
        if seg is not None:
            return seg.document.text
        start = self._offsets[range(len(self))[doc]]
        size = _HEAD.unpack(os.pread(self._fd, _HEAD.size, start))[0]
        text = os.pread(self._fd, size, start + _HEAD.size).decode("utf-8", "surrogatepass")
        with self._lock:
            if doc not in self._texts:
                self._texts[doc] = text
                self._text_chars += len(text)
            while self._text_chars > RECENT_TEXT_CHARS and len(self._texts) > 1:
                self._text_chars -= len(self._texts.popitem(last=False)[1])
        return text

    def __len__(self) -> int:
        return len(self._parts)

    @overload
    def __getitem__(self, at: int) -> SegmentedDocument: ...
    @overload
    def __getitem__(self, at: slice) -> list[SegmentedDocument]: ...
    def __getitem__(self, at: int | slice) -> SegmentedDocument | list[SegmentedDocument]:
        if isinstance(at, slice):
            return [self[doc] for doc in range(*at.indices(len(self)))]
        if self._held is not None:
            return self._held[at]
        doc = range(len(self))[at]  # negative indexes and IndexError as a list gives them
        with self._lock:
            seg = self._recent.get(doc)
            if seg is not None:
                self._recent.move_to_end(doc)
                return seg
        seg = unpack(self._record(doc))
        with self._lock:
            self._recent[doc] = seg
            if len(self._recent) > RECENT_PAGES:
                self._recent.popitem(last=False)
        return seg

    def __iter__(self) -> Iterator[SegmentedDocument]:
        if self._held is not None:
            return iter(self._held)
        return (self[doc] for doc in range(len(self)))
