"""What an ``--index`` run keeps of each page so that a re-run skips the page's own work.

Why: with one page added to a corpus of thousands, a re-run used to segment every page again,
load every text's fingerprint one by one and date, trace and assess every page again; that
cost as much as the first run. What one page yields depends only on that page and on the run's
settings and knowledge, so it is stored under a digest of exactly those inputs:

- ``segmented``: the page's paragraphs and windows (spans, lines, furniture verdicts), keyed by
  the page text;
- ``signed``: its eligible paragraphs' fingerprints (content hash, words, shingles) and the
  MinHash signatures of those paragraphs and their windows, keyed as ``segmented``;
- ``page``: its page date, its own provenance claims, its staleness verdicts, its era conflicts
  and its low-content evidence, keyed by the page text, path, metadata, its furniture as the
  run's site templates leave it and which of its paragraphs have copies on other pages (the only
  things from other pages those stages read).

Every key also holds the *run digest*: the package's code and shipped data, the settings that
shape results, the contents of the user's rule/outlet/era files and the ``as_of`` date in force.
Any change there gives new keys, so nothing computed under other settings or knowledge is ever
reused (it is dropped at the next save). Everything across pages (LSH candidates, verification,
clusters, site templates, copies' provenance, recycled text, the summary) is recomputed each run
from these per-page results: a re-run's report equals a fresh run's.

Entries live in the index's SQLite file (table ``page_memo``) and are written in the same
transaction as the fingerprints (``FingerprintCache.save``); entries no run used are removed then.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
import sqlite3
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TypeVar

import numpy as np
import xxhash

from ..config import Config
from ..model import Document, EraConflict, PageDate, Paragraph, SegmentedDocument, Staleness, Window

T = TypeVar("T")
StoredSegments = tuple[SegmentedDocument, tuple[str, ...]]  # a page as segmented, its text hashes

MEMO_SCHEMA = "CREATE TABLE IF NOT EXISTS page_memo (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID"

# Config fields that never change a finding (where things run, what the gate fails on, how
# reports are cut): left out of the run digest so changing them keeps the memo. Every other
# field, including ones added later, is in it.
NOT_SHAPING = frozenset({
    "jobs", "index", "engine", "scheduler", "spool_after_mb", "spool_dir", "report_rows",
    "fail_on", "max_duplicated_share", "max_clusters", "max_stale", "min_similarity", "baseline",
})


@cache
def code_digest() -> bytes:
    """The package's Python sources and shipped data files: a changed rule, table or function
    (even without a new version number) makes every stored result unusable."""
    here = Path(__file__).resolve().parents[1]  # the package root: every stage's sources
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(here.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".so"):
            digest.update(str(path.relative_to(here)).encode())
            digest.update(path.read_bytes())
    return digest.digest()


def _file_digest(path: str) -> bytes:
    try:
        return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).digest()
    except OSError as err:  # the run itself reports the file; here it only must not match
        return f"unreadable:{err}".encode()


def run_digest(config: Config, as_of: str | None) -> bytes:
    """Digest of everything besides a page that its results depend on."""
    values = {key: value for key, value in config.flat().items() if key not in NOT_SHAPING}
    named = (*config.segment.boilerplate_rules, *config.provenance.outlets, *config.dating.eras)
    user_files = [(path, _file_digest(path)) for path in named]
    parts = (code_digest(), sorted(values.items()), user_files, as_of)
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def text_digest(text: str) -> bytes:
    return xxhash.xxh3_128_digest(text.encode("utf-8", "surrogatepass"))


# --------------------------------------------------------------------------- what is stored


# What the stored entries are made of beyond Python's own containers: numpy arrays (rebuilt by
# these functions) and dates. Everything else the entries name must be one of this package's
# result dataclasses.
_ALLOWED = frozenset({
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
    ("builtins", "frozenset"), ("builtins", "set"), ("datetime", "date"),
})


class _StoredEntry(pickle.Unpickler):
    """Reads back only what this module writes. An index file is data a user may receive from
    elsewhere (a CI cache): a plain ``pickle.loads`` would call any function the file names; this
    loader refuses every name but numpy's array builders, dates and this package's dataclasses."""

    def find_class(self, module: str, name: str) -> object:
        found = super().find_class(module, name)
        if (module, name) in _ALLOWED or (
                module.startswith("dedupe_audit.") and isinstance(found, type)
                and dataclasses.is_dataclass(found)):
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not something dedupe-audit stores")


def _loads(value: bytes) -> object:
    return _StoredEntry(io.BytesIO(value)).load()



def _packed_segment(seg: SegmentedDocument, hashes: tuple[str, ...]) -> bytes:
    paragraphs = tuple((p.index, p.start, p.end, p.line, p.end_line, p.kind, p.boilerplate_rule, p.words)
                       for p in seg.paragraphs)
    windows = tuple((w.paragraph, w.start, w.end) for w in seg.windows)
    return pickle.dumps((paragraphs, windows, hashes), protocol=5)


def _unpacked_segment(document: Document, value: bytes) -> tuple[SegmentedDocument, tuple[str, ...]]:
    paragraphs, windows, hashes = _loads(value)  # type: ignore[misc]
    text = document.text
    return SegmentedDocument(
        document=document,
        paragraphs=tuple(Paragraph(i, s, e, line, end_line, text, kind, rule, words)
                         for i, s, e, line, end_line, kind, rule, words in paragraphs),
        windows=tuple(Window(p, s, e, text) for p, s, e in windows),
    ), hashes


@dataclasses.dataclass(frozen=True, slots=True)
class PageResults:
    """What the per-page stages found on one page, with its position in the run left out
    (conflicts carry ``doc``, furniture evidence is keyed by paragraph index)."""

    page_date: PageDate
    trace: object  # provenance.PageTrace (not imported: this module stays light)
    verdicts: tuple[Staleness, ...]
    conflicts: tuple[EraConflict, ...]
    furniture: dict[int, dict[str, object]]


@dataclasses.dataclass(frozen=True, slots=True)
class SignedPage:
    """A page's detection input: per eligible paragraph its content hash, words and shingles
    (``sizes`` of them, concatenated), then the signatures of those paragraphs and of the
    windows of theirs that are indexed."""

    content_hashes: np.ndarray  # uint64
    words: np.ndarray  # int64
    sizes: np.ndarray  # int64
    shingles: np.ndarray  # uint64
    paragraph_signatures: np.ndarray  # uint32 (paragraphs, num_perm)
    window_signatures: np.ndarray  # uint32 (windows, num_perm)


_SIGNED_MAGIC = b"DASP1"  # a packed SignedPage, format 1
_SIGNED_HEADER = np.dtype("<i8")  # paragraphs, shingles, windows, signature length


def packed_signed(page: SignedPage) -> bytes:
    """A page's detection input as one buffer: a header of four counts, then its arrays' bytes
    in field order (little-endian, fixed types). Why not pickle: a re-run reads back every page's
    record, and ten thousand pickles of six arrays each took a third of a second; these are
    read as views of the stored bytes."""
    width = page.paragraph_signatures.shape[1]  # (paragraphs, num_perm), even with no paragraph
    counts = (len(page.content_hashes), len(page.shingles), len(page.window_signatures), width)
    parts = (np.array(counts, dtype=_SIGNED_HEADER), page.content_hashes.astype("<u8", copy=False),
             page.words.astype("<i8", copy=False), page.sizes.astype("<i8", copy=False),
             page.shingles.astype("<u8", copy=False), page.paragraph_signatures.astype("<u4", copy=False),
             page.window_signatures.astype("<u4", copy=False).reshape(-1, width))
    return _SIGNED_MAGIC + b"".join(np.ascontiguousarray(part).tobytes() for part in parts)


def unpacked_signed(value: bytes) -> SignedPage:
    """``packed_signed`` read back (read-only views of ``value``); a record of another format or
    cut short raises ValueError, and the page is then signed again."""
    if not value.startswith(_SIGNED_MAGIC):
        raise ValueError("not a packed detection input")
    at = len(_SIGNED_MAGIC)
    header = np.frombuffer(value, dtype=_SIGNED_HEADER, count=4, offset=at)
    paragraphs, shingles, windows, width = header.tolist()
    at += 4 * 8
    if min(paragraphs, shingles, windows, width) < 0:
        raise ValueError("negative counts in a packed detection input")
    expected = at + 8 * (3 * paragraphs + shingles) + 4 * width * (paragraphs + windows)
    if len(value) != expected:
        raise ValueError("a packed detection input of the wrong length")

    def take(dtype: str, count: int) -> np.ndarray:
        nonlocal at
        found = np.frombuffer(value, dtype=dtype, count=count, offset=at)
        at += found.nbytes
        return found

    hashes, words, sizes = take("<u8", paragraphs), take("<i8", paragraphs), take("<i8", paragraphs)
    found = take("<u8", shingles)
    own, of_windows = take("<u4", paragraphs * width), take("<u4", windows * width)
    return SignedPage(  # native types (no copy on a little-endian machine)
        content_hashes=hashes.astype(np.uint64, copy=False), words=words.astype(np.int64, copy=False),
        sizes=sizes.astype(np.int64, copy=False), shingles=found.astype(np.uint64, copy=False),
        paragraph_signatures=own.astype(np.uint32, copy=False).reshape(paragraphs, width),
        window_signatures=of_windows.astype(np.uint32, copy=False).reshape(windows, width),
    )


def _page_results(value: bytes) -> PageResults:
    """A stored ``page`` entry, refused unless it is a ``PageResults``: an entry written by
    another version of the package may name classes that still import (an older module path
    found through a second install on the path) and decode to something else entirely."""
    found = _loads(value)
    if not isinstance(found, PageResults):
        raise pickle.UnpicklingError(f"a page entry holds a {type(found).__name__}, not PageResults")
    return found


def _decoded(value: bytes | None, decode: Callable[[bytes], T]) -> T | None:
    """``decode(value)``, or None when there is no entry or it cannot be read (a damaged blob
    SQLite's check does not see): the page is then worked on again and its entry replaced, so a
    bad entry costs time, never the run."""
    if value is None:
        return None
    try:
        return decode(value)
    except Exception:  # noqa: BLE001 - any failure to decode means "not stored"
        return None


class PageMemo:
    """Per-page results read from and added to an index's ``page_memo`` table."""

    def __init__(self, conn: sqlite3.Connection, config: Config) -> None:
        from ..dating.page_date import as_of_date

        conn.execute(MEMO_SCHEMA)
        self._conn = conn
        self.digest = run_digest(config, as_of_date(config.dating.as_of))
        self._new: dict[bytes, bytes] = {}
        self._used: set[bytes] = set()
        self.hits: dict[str, int] = {"segmented": 0, "signed": 0, "page": 0}
        self.misses: dict[str, int] = {"segmented": 0, "signed": 0, "page": 0}

    def _key(self, kind: str, *parts: object) -> bytes:
        return hashlib.blake2b(repr((kind, self.digest, parts)).encode("utf-8", "surrogatepass"),
                               digest_size=16).digest()

    def _get(self, kind: str, key: bytes) -> bytes | None:
        self._used.add(key)
        value = self._new.get(key)
        if value is None:
            row = self._conn.execute("SELECT value FROM page_memo WHERE key = ?", (key,)).fetchone()
            value = row[0] if row else None
        (self.hits if value is not None else self.misses)[kind] += 1
        return value

    def _get_many(self, kind: str, keys: Sequence[bytes]) -> list[bytes | None]:
        """``_get`` of many keys, a few hundred to a query."""
        found: dict[bytes, bytes] = {}
        wanted = [key for key in dict.fromkeys(keys) if key not in self._new]
        for at in range(0, len(wanted), 500):
            chunk = wanted[at : at + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, value FROM page_memo WHERE key IN ({marks})"  # noqa: S608 - only marks
            found.update(self._conn.execute(query, chunk))
        values = [self._new.get(key) or found.get(key) for key in keys]
        self._used.update(keys)
        self.hits[kind] += sum(value is not None for value in values)
        self.misses[kind] += sum(value is None for value in values)
        return values

    def _put(self, key: bytes, value: bytes) -> None:
        self._used.add(key)
        self._new[key] = value

    # ------------------------------------------------------------------ segmentation

    def _segment_key(self, document: Document) -> bytes:
        return self._key("segmented", text_digest(document.text))

    def segmented(self, document: Document) -> StoredSegments | None:
        """The page as segmented, with its paragraphs' ``findings.text_hash``, when stored."""
        value = self._get("segmented", self._segment_key(document))
        return _decoded(value, lambda raw: _unpacked_segment(document, raw))

    def segmented_many(self, documents: Sequence[Document]) -> list[StoredSegments | None]:
        """``segmented`` of many pages at once."""
        values = self._get_many("segmented", [self._segment_key(document) for document in documents])
        return [_decoded(value, lambda raw, document=document: _unpacked_segment(document, raw))
                for document, value in zip(documents, values, strict=True)]

    def keep_segmented(self, seg: SegmentedDocument) -> tuple[str, ...]:
        """Store the page as segmented with its paragraphs' text hashes (worked out here: an
        --index run keeps them so that a re-run's findings need not); return the hashes."""
        from ..ci.findings import text_hash

        hashes = tuple(text_hash(p.text) for p in seg.paragraphs)
        self._put(self._segment_key(seg.document), _packed_segment(seg, hashes))
        return hashes

    # ------------------------------------------------------------------ detection input

    def _signed_key(self, text: str) -> bytes:
        return self._key("signed", text_digest(text))

    def signed(self, text: str) -> SignedPage | None:
        """The stored detection input of the page whose text is ``text``."""
        return _decoded(self._get("signed", self._signed_key(text)), unpacked_signed)

    def signed_many(self, texts: Sequence[str]) -> list[SignedPage | None]:
        """``signed`` of many pages at once."""
        values = self._get_many("signed", [self._signed_key(text) for text in texts])
        return [_decoded(value, unpacked_signed) for value in values]

    def keep_signed(self, text: str, page: SignedPage) -> None:
        self._put(self._signed_key(text), packed_signed(page))

    # ------------------------------------------------------------------ per-page stages

    def _page_key(self, seg: SegmentedDocument, copied: frozenset[int]) -> bytes:
        doc = seg.document
        furniture = tuple((p.kind, p.boilerplate_rule) for p in seg.paragraphs)
        return self._key("page", text_digest(doc.text), doc.path, repr(doc.meta), doc.content_hash,
                         doc.reference, furniture, sorted(copied))

    def page(self, seg: SegmentedDocument, copied: frozenset[int]) -> tuple[bytes, PageResults | None]:
        """The key of page ``seg``'s results and the results when stored."""
        key = self._page_key(seg, copied)
        value = self._get("page", key)
        return key, _decoded(value, _page_results)

    def pages_many(self, pages: Sequence[tuple[SegmentedDocument, frozenset[int]]],
                   ) -> list[tuple[bytes, PageResults | None]]:
        """``page`` of many pages at once."""
        keys = [self._page_key(seg, copied) for seg, copied in pages]
        return [(key, _decoded(value, _page_results))
                for key, value in zip(keys, self._get_many("page", keys), strict=True)]

    def keep_page(self, key: bytes, results: PageResults) -> None:
        self._put(key, pickle.dumps(results, protocol=5))

    # ------------------------------------------------------------------ saving

    def save(self, conn: sqlite3.Connection) -> None:
        """Add this run's new entries and drop those it did not use (removed pages, other
        settings); called inside the index's write transaction."""
        conn.executemany("INSERT OR REPLACE INTO page_memo VALUES (?, ?)", self._new.items())
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS memo_used (key BLOB PRIMARY KEY) WITHOUT ROWID")
        conn.execute("DELETE FROM memo_used")
        conn.executemany("INSERT OR IGNORE INTO memo_used VALUES (?)", ((key,) for key in self._used))
        conn.execute("DELETE FROM page_memo WHERE key NOT IN (SELECT key FROM memo_used)")
        conn.execute("DELETE FROM memo_used")


def with_doc(results: PageResults, doc: int) -> tuple[tuple[EraConflict, ...], dict[int, dict[str, object]]]:
    """The stored conflicts placed at position ``doc`` of this run, and the furniture evidence."""
    conflicts = tuple(c if c.doc == doc else dataclasses.replace(c, doc=doc) for c in results.conflicts)
    return conflicts, results.furniture


def page_results(page_date: PageDate, trace: object, verdicts: Sequence[Staleness],
                 conflicts: Sequence[EraConflict], furniture: dict) -> PageResults:
    """Results as stored: conflicts at doc 0, furniture by paragraph index."""
    return PageResults(page_date, trace, tuple(verdicts),
                       tuple(dataclasses.replace(c, doc=0) for c in conflicts),
                       {ref.index: evidence for ref, evidence in furniture.items()})
