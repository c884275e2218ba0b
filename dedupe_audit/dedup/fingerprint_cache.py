"""Incremental index: each page's own results (``page_memo``) in an SQLite file.

Why: a corpus that gained a few pages should not pay again for the thousands it already had.
What one page yields on its own (segments, fingerprints and signatures, page date, claims,
verdicts, text hashes) is kept per page under a digest of the page and of everything else it
depends on (see ``page_memo``); what crosses pages (LSH candidates, verification, clusters,
copies' provenance, recycled text) is recomputed each run from all pages, so new text is still
compared with the whole corpus and results equal a fresh run. The ``documents`` table lists the
last run's documents, for the counts a run reports. The per-text tables of earlier versions
(``texts``, ``signatures``, ``document_texts``, a fingerprint keyed by the text's 128-bit hash)
stay in the schema so older files open, but are no longer written: a run with an index
fingerprints the pages its page memo lacks and stores them there.

The index is trusted only if its schema version, shingle size, MinHash parameters and a probe
fingerprint (which changes if the fingerprint code changes) all match; otherwise, or if SQLite
finds it damaged, it is rebuilt with a warning. Each run writes in one transaction, so a killed
run leaves the previous index as it was.

Two guards keep a user's data safe. The file carries an SQLite ``application_id``; a file that
is not SQLite, or another program's SQLite database, is refused (never rebuilt over). And a run
holds an exclusive lock (``INDEX.lock``) from opening to closing, so concurrent runs on one index
take turns; a run that cannot get the lock in time stops with a message naming the holder.
"""

from __future__ import annotations

import fcntl
import glob
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

import numpy as np
import xxhash

from ..config import Config
from ..model import SegmentedDocument
from ..runtime.atomic import current_umask
from ..runtime.safefiles import FileRefused, open_regular
from .fingerprint import Fingerprint, Fingerprinter, signatures
from .page_memo import PageMemo

STORE_VERSION = 2  # 2: tokens hashed from their code points (fingerprint.scan_tokens)
APPLICATION_ID = 0x44415544  # "DAUD": marks an SQLite file as a dedupe-audit index
SQLITE_MAGIC = b"SQLite format 3\x00"
MMAP_BYTES = 2**30
LOCK_TIMEOUT = 600.0  # seconds a run waits for another run's lock on the same index
PROBE = "Probe text: the quick brown fox — “jumps” over the lazy dog, 12 times in 2024."

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (content_hash TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE document_texts (
    document TEXT NOT NULL, text BLOB NOT NULL, PRIMARY KEY (document, text)
) WITHOUT ROWID;
CREATE TABLE texts (
    key BLOB PRIMARY KEY, normalized TEXT NOT NULL, content_hash BLOB NOT NULL,
    words INTEGER NOT NULL, shingles BLOB NOT NULL, sig_key BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE signatures (key BLOB PRIMARY KEY, signature BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE page_memo (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
"""


def text_key(text: str) -> bytes:
    return xxhash.xxh3_128_digest(text.encode("utf-8", "surrogatepass"))


def shingles_key(shingles: np.ndarray) -> bytes:
    return xxhash.xxh3_128_digest(np.ascontiguousarray(shingles, dtype=np.uint64).tobytes())


def expected_meta(config: Config) -> dict[str, str]:
    """What an index must have been built with to be trusted for this run."""
    probe = Fingerprinter(config.dedup.shingle_size)(PROBE)
    signature = signatures([probe.shingles], config.dedup.num_perm, config.dedup.seed)[0]
    digest = xxhash.xxh3_64_hexdigest(
        probe.normalized.encode() + probe.content_hash.to_bytes(8, "little")
        + probe.shingles.tobytes() + signature.tobytes()
    )
    return {
        "version": str(STORE_VERSION),
        "shingle_size": str(config.dedup.shingle_size),
        "num_perm": str(config.dedup.num_perm),
        "seed": str(config.dedup.seed),
        "probe": digest,
    }


class IndexUnusable(Exception):
    """The index file cannot be used as it is (damaged or built with other settings): rebuilt."""


class IndexRefused(Exception):
    """The file named as the index must not be touched (another program's file) or is
    locked by another run for too long. The CLI stops with this message (exit 2)."""


def file_kind(path: Path) -> str:
    """missing | empty | ours | damaged | foreign, from the first 100 bytes (SQLite's header).

    Anything but a regular file (a FIFO would block the read, a device is never ours) is
    refused with ``IndexRefused``."""
    try:
        with os.fdopen(open_regular(path, "--index"), "rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return "missing"
    except FileRefused as err:
        raise IndexRefused(str(err)) from None
    if not header:
        return "empty"
    if not header.startswith(SQLITE_MAGIC[: len(header)]):
        return "foreign"
    if len(header) < 100:
        return "damaged"  # our magic, cut short
    return "ours" if int.from_bytes(header[68:72], "big") == APPLICATION_ID else "foreign"


class IndexLock:
    """An exclusive advisory lock on ``INDEX.lock`` held for a whole run."""

    def __init__(self, path: Path, timeout: float, warn: Callable[[str], None]) -> None:
        self.path = Path(f"{path}.lock")
        try:
            fd = open_regular(self.path, "--index lock file", os.O_RDWR | os.O_CREAT)
        except FileRefused as err:
            raise IndexRefused(str(err)) from None
        self.handle: IO[str] | None = os.fdopen(fd, "r+", encoding="utf-8")
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = self._holder()
                if time.monotonic() >= deadline:
                    self.release()
                    raise IndexRefused(
                        f"index {path} is in use by another run ({holder}) and stayed locked for "
                        f"{timeout:g} s; try again when it has finished"
                    ) from None
                if not waited:
                    warn(f"index {path} is in use by another run ({holder}); waiting for it")
                    waited = True
                time.sleep(0.05)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}\n")
        self.handle.flush()

    def _holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "pid unknown"
        except OSError:
            return "pid unknown"

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()  # closing the file drops the lock
            self.handle = None


class FingerprintCache:
    """Fingerprints for ``detect_duplicates``, reused from and saved to an optional SQLite file.

    Without a path it only counts (every document is fingerprinted), so the CLI can report the
    same numbers with or without ``--index``. ``progress`` is called with (done, total) texts.
    """

    def __init__(
        self,
        path: str | None,
        config: Config,
        *,
        warn: Callable[[str], None] = lambda message: None,
        progress: Callable[[int, int], None] | None = None,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        self.path = path
        self.config = config
        self.warn = warn
        self.progress = progress
        self.fingerprinted = 0  # documents whose content was not in the index
        self.reused = 0  # documents whose fingerprints came from the index
        self.forgotten = 0  # documents in the index that are gone from the corpus
        self.texts_computed = 0
        self.texts_reused = 0
        self._fingerprinter = Fingerprinter(config.dedup.shingle_size)
        self._known: dict[bytes, Fingerprint] = {}
        self._new: dict[bytes, Fingerprint] = {}
        self._signatures: dict[bytes, bytes] = {}
        self._new_signatures: dict[bytes, bytes] = {}
        self._documents: dict[str, SegmentedDocument] = {}
        self._new_documents: set[str] = set()
        self._gone: list[str] = []
        self._calls = 0
        self._total = 0
        self._lock: IndexLock | None = None
        self._conn: sqlite3.Connection | None = None
        # each page's own results (segments, fingerprints, dates, claims, verdicts), see page_memo
        self.memo: PageMemo | None = None
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._lock = IndexLock(Path(path), lock_timeout, warn)
            try:
                self._conn = self._open()
                # the page memo's blobs read through a memory map: a third less time than reads
                self._conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
                self.memo = PageMemo(self._conn, config)
            except BaseException:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None
                self._lock.release()
                raise

    # ------------------------------------------------------------------ opening

    def _open(self) -> sqlite3.Connection:
        assert self.path is not None
        target = Path(self.path)
        kind = file_kind(target)
        if kind == "foreign":
            raise IndexRefused(
                f"{self.path} is not a dedupe-audit index (another program's file?); "
                "refusing to overwrite it: name a new file for --index"
            )
        if kind in ("ours", "damaged"):
            try:
                return self._check(sqlite3.connect(target, isolation_level=None))
            except (sqlite3.DatabaseError, IndexUnusable) as err:
                self.warn(f"index {self.path} is not usable ({err}); rebuilding it")
                # its journals belong to the file being replaced: a hot one would be replayed
                # into the new file
                for suffix in ("-journal", "-wal", "-shm"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
        self._create(target)
        return sqlite3.connect(target, isolation_level=None)

    def _create(self, target: Path) -> None:
        """Build a complete index (schema, settings, then the ``application_id`` tag, all in one
        transaction) under a temporary name beside ``target`` and rename it into place.

        Why: the path then holds either what it held before or a whole tagged index, never a
        tagged file without tables, whatever moment the run is killed at. A run killed while
        building leaves only the temporary file (``.NAME.*.building``), never the target; the
        next run removes it."""
        for stale in target.parent.glob(f".{glob.escape(target.name)}.*.building*"):
            if stale.is_file() and not stale.is_symlink():
                stale.unlink(missing_ok=True)  # left by a run killed while building (we hold the lock)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".building", dir=target.parent)
        os.close(fd)
        building = Path(temporary)
        try:
            os.chmod(building, 0o666 & ~current_umask())  # the mode a plain new file would get
            conn = sqlite3.connect(building, isolation_level=None)
            try:
                with _transaction(conn):
                    for statement in SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.executemany("INSERT INTO meta VALUES (?, ?)", expected_meta(self.config).items())
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # the tag goes last
            finally:
                conn.close()
            os.replace(building, target)
        except BaseException:
            building.unlink(missing_ok=True)
            Path(f"{building}-journal").unlink(missing_ok=True)
            raise

    def _check(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        try:
            status = conn.execute("PRAGMA quick_check").fetchone()
            if not status or status[0] != "ok":
                raise IndexUnusable(f"integrity check failed: {status[0] if status else 'no answer'}")
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except BaseException:
            conn.close()
            raise
        expected = expected_meta(self.config)
        if meta != expected:
            conn.close()
            changed = sorted(k for k in expected.keys() | meta.keys() if meta.get(k) != expected.get(k))
            raise IndexUnusable("built with other settings or another version: " + ", ".join(changed))
        return conn

    # ------------------------------------------------------------------ the detect hook

    def bind(self, segmented: Sequence[SegmentedDocument], config: Config,
             served: frozenset[int] = frozenset()) -> FingerprintCache:
        """Preload the fingerprints of documents already indexed, except those only at the
        positions in ``served`` (their fingerprints come from the page memo); return self
        (``many`` fingerprints)."""
        if config.dedup.shingle_size != self.config.dedup.shingle_size:
            raise ValueError("FingerprintCache bound with another shingle size")
        current: dict[str, SegmentedDocument] = {}
        wanted: set[str] = set()
        for doc, seg in enumerate(segmented):
            current.setdefault(seg.document.content_hash, seg)
            if doc not in served:
                wanted.add(seg.document.content_hash)
        self._documents = current
        self._total = sum(len(seg.paragraphs) + len(seg.windows) for seg in current.values())
        known = self._indexed_documents()
        self._new_documents = set(current) - known
        self._gone = sorted(known - set(current))
        self.fingerprinted = len(self._new_documents)
        self.reused = len(current) - self.fingerprinted
        self.forgotten = len(self._gone)
        self._load(sorted(wanted & known))
        return self

    @property
    def shingle_size(self) -> int:
        return self.config.dedup.shingle_size

    def many(self, texts: Sequence[str]) -> list[Fingerprint]:
        """The fingerprint of each text, from the index when it has it; the texts it lacks are
        fingerprinted together."""
        keys = [text_key(text) for text in texts]
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in self._known and key not in self._new:
                missing.setdefault(key, text)
        if missing:
            self._new.update(zip(missing, self._fingerprinter.many(list(missing.values())), strict=True))
        self.texts_computed += len(missing)
        self.texts_reused += len(texts) - len(missing)
        self._calls += len(texts)
        if self.progress:
            self.progress(min(self._calls, self._total), self._total)
        return [self._known.get(key) or self._new[key] for key in keys]

    def signatures(self, shingle_sets: Sequence[np.ndarray], num_perm: int, seed: int) -> np.ndarray:
        """Like ``fingerprint.signatures``, computing only the sets not already signed."""
        keys = [shingles_key(s) for s in shingle_sets]
        missing = [i for i, key in enumerate(keys) if key not in self._signatures]
        if missing:
            fresh = signatures([shingle_sets[i] for i in missing], num_perm, seed)
            for row, i in enumerate(missing):
                self._signatures[keys[i]] = self._new_signatures[keys[i]] = fresh[row].tobytes()
        out = np.empty((len(keys), num_perm), dtype=np.uint32)
        for row, key in enumerate(keys):
            out[row] = np.frombuffer(self._signatures[key], dtype=np.uint32)
        if self.progress:
            self.progress(self._total, self._total)
        return out

    # ------------------------------------------------------------------ reading and saving

    def _indexed_documents(self) -> set[str]:
        if self._conn is None:
            return set()
        return {row[0] for row in self._conn.execute("SELECT content_hash FROM documents")}

    def _load(self, documents: Sequence[str]) -> None:
        if self._conn is None or not documents:
            return
        conn = self._conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (content_hash TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM wanted")
        conn.executemany("INSERT INTO wanted VALUES (?)", ((d,) for d in documents))
        rows = conn.execute(
            "SELECT t.key, t.normalized, t.content_hash, t.words, t.shingles, t.sig_key,"
            " s.signature FROM wanted w JOIN document_texts d ON d.document = w.content_hash"
            " JOIN texts t ON t.key = d.text LEFT JOIN signatures s ON s.key = t.sig_key"
        )
        known = self._known
        for key, normalized, content_hash, words, shingles, sig_key, signature in rows:
            if key in known:  # a text several documents hold (no DISTINCT: it sorted every blob)
                continue
            known[key] = Fingerprint(
                page=normalized,  # its normal form is itself
                content_hash=int.from_bytes(content_hash, "little"),
                words=words,
                shingles=np.frombuffer(shingles, dtype=np.uint64).copy(),
            )
            if signature is not None:
                self._signatures[sig_key] = signature

    def save(self) -> None:
        """Write this run's new fingerprints and forget removed documents, in one transaction."""
        if self._conn is None:
            return
        conn = self._conn
        fingerprints = {**self._known, **self._new}
        with _transaction(conn):
            for document in self._gone:
                conn.execute("DELETE FROM document_texts WHERE document = ?", (document,))
                conn.execute("DELETE FROM documents WHERE content_hash = ?", (document,))
            conn.executemany(
                "INSERT OR IGNORE INTO texts VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (key, fp.normalized, fp.content_hash.to_bytes(8, "little"), fp.words,
                     fp.shingles.astype(np.uint64).tobytes(), shingles_key(fp.shingles))
                    for key, fp in self._new.items()
                ),
            )
            conn.executemany("INSERT OR IGNORE INTO signatures VALUES (?, ?)", self._new_signatures.items())
            conn.executemany("INSERT OR IGNORE INTO documents VALUES (?)",
                             ((document,) for document in sorted(self._documents)))
            # the per-text tables are filled only by runs without a page memo: with one (every
            # index made now) there is nothing to list, and hashing every paragraph and window
            # of every page to find that out cost a re-run about a second at 100,000 paragraphs
            for document in sorted(self._documents) if fingerprints else ():
                seg = self._documents[document]
                keys = {text_key(part.text) for part in (*seg.paragraphs, *seg.windows)}
                keys &= fingerprints.keys()
                conn.executemany(
                    "INSERT OR IGNORE INTO document_texts VALUES (?, ?)", ((document, k) for k in keys)
                )
            if self._gone:
                conn.execute("DELETE FROM texts WHERE key NOT IN (SELECT text FROM document_texts)")
                conn.execute("DELETE FROM signatures WHERE key NOT IN (SELECT sig_key FROM texts)")
            if self.memo is not None:
                self.memo.save(conn)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def counts(self) -> dict[str, int]:
        return {
            "documents_fingerprinted": self.fingerprinted,
            "documents_reused": self.reused,
            "documents_forgotten": self.forgotten,
            "texts_computed": self.texts_computed,
            "texts_reused": self.texts_reused,
        }


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (autocommit connection)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: object, *_: object) -> None:
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")

