"""A shared duplicate index in Redis: several runners and scraper workers add and query one corpus.

Why Redis: the SQLite file (``fingerprint_cache``) serves one machine; a fleet of CI runners or scrapers needs
one index they all write to and read from at once. The LSH buckets are datasketch's own Redis
storage (``MinHashLSH(storage_config={'type': 'redis', ...})``, written through
``insertion_session`` so each storage's commands go out as one pipelined MULTI/EXEC); beside them
live what verification needs, so a document indexed by one worker is never fingerprinted again:

    {prefix}:meta               settings the index was built with (a run with others stops, exit 2)
    {prefix}:lsh_keys, _bucket_ datasketch's MinHashLSH tables; LSH keys are text keys (below)
    {prefix}:t:{key}            a paragraph's fingerprint (normalized text, hash, words, shingles)
                                and MinHash signature
    {prefix}:o:{key}            documents (content hashes) holding the text
    {prefix}:d:{doc}            the document's paragraphs and sentence windows as text keys,
                                and its windows' MinHash signatures
    {prefix}:docs:complete      documents written completely; :texts:complete the same for texts
    {prefix}:docs:writing       document -> writer holding it; {prefix}:lease:{writer} expires
                                unless the living writer renews it

Text keys are content keys: ``p`` or ``w`` (paragraph, sentence window) + the 8-byte hash of the
normalized words, so a paragraph shared by many pages is one LSH entry.

Consistency: a writer claims a document (atomically, only if no living writer holds it), writes
its record and ownership, then the LSH entries, then marks texts and finally the document
complete. Readers use only complete documents. A writer that dies leaves its claim with an
expiring lease; whoever claims the document next first removes what the dead writer left (a text
is deleted only when no document owns it any more, atomically in a Lua script), so a killed run
leaves no phantom entries once the document is written again or ``recover()`` runs.
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import numpy as np
import redis
import xxhash
from rapidfuzz import fuzz
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from ..config import Config
from ..rules.datafiles import data_file
from .banding import choose_bands, choose_min_bands
from .engines import is_redis_url  # noqa: F401 - asked of this module by its users
from .fingerprint import Fingerprint, Fingerprinter, signatures
from .fingerprint_cache import expected_meta
from .near_pairs import jaccard

INDEX_VERSION = "2"  # 2: tokens hashed from their code points (fingerprint.scan_tokens)
PARAGRAPH, WINDOW = b"p", b"w"
RETRIES = 2  # a call is tried again this many times after a timeout or a dropped connection
REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

_CLAIM = """
local out = {}
for i = 3, #ARGV do
  local doc = ARGV[i]
  if redis.call('SISMEMBER', KEYS[2], doc) == 1 then
    out[#out + 1] = 'complete'
  else
    local holder = redis.call('HGET', KEYS[1], doc)
    if holder and holder ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. holder) == 1 then
      out[#out + 1] = 'busy'
    else
      redis.call('HSET', KEYS[1], doc, ARGV[1])
      out[#out + 1] = holder or ''
    end
  end
end
return out
"""

# datasketch's MinHashLSH._insert for many keys, server-side: the keys table gets key -> list of
# band hashes, each band table hash -> set of keys. Same keys and values as an insertion_session
# (tests compare the two), at ~20x the rate: the client sends one blob per text, not 130 commands.
_INSERT = """
local base, bands, width = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local keyhash = base .. '_keys'
for i = 4, #ARGV, 2 do
  local key, sig = ARGV[i], ARGV[i + 1]
  local hs = {}
  for b = 0, bands - 1 do hs[b + 1] = string.sub(sig, b * width + 1, (b + 1) * width) end
  redis.call('HSET', keyhash, key, keyhash .. key)
  redis.call('RPUSH', keyhash .. key, unpack(hs))
  for b = 0, bands - 1 do
    local name = base .. '_bucket_' .. string.char(math.floor(b / 256), b % 256)
    redis.call('HSET', name, hs[b + 1], name .. hs[b + 1])
    redis.call('SADD', name .. hs[b + 1], key)
  end
end
return 0
"""

# Other members of every band bucket of each (key, signature): a flat list per signature of
# band number, member count, members, for the bands where the bucket holds anything else.
_BUCKETS = """
local base, bands, width = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
for i = 4, #ARGV, 2 do
  local self, sig, row = ARGV[i], ARGV[i + 1], {}
  for b = 0, bands - 1 do
    local name = base .. '_bucket_' .. string.char(math.floor(b / 256), b % 256)
    local members = redis.call('SMEMBERS', name .. string.sub(sig, b * width + 1, (b + 1) * width))
    local others = {}
    for _, m in ipairs(members) do if m ~= self then others[#others + 1] = m end end
    if #others > 0 then
      row[#row + 1] = b
      row[#row + 1] = #others
      for _, m in ipairs(others) do row[#row + 1] = m end
    end
  end
  out[#out + 1] = row
end
return out
"""

# Remove a document as owner of its texts; a text nobody owns any more loses its fingerprint,
# completeness mark and every LSH entry (datasketch's layout: {base}_keys hash + list of band
# hashes; {base}_bucket_{>H band} hash + one set per band hash).
_RELEASE = """
local prefix, base, bands, doc = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local removed = 0
for i = 5, #ARGV do
  local t = ARGV[i]
  local owners = prefix .. ':o:' .. t
  redis.call('SREM', owners, doc)
  if redis.call('SCARD', owners) == 0 then
    redis.call('SREM', prefix .. ':texts:complete', t)
    redis.call('DEL', prefix .. ':t:' .. t)
    local keyhash = base .. '_keys'
    local listkey = keyhash .. t
    for j, h in ipairs(redis.call('LRANGE', listkey, 0, -1)) do
      local b = (j - 1) % bands
      local name = base .. '_bucket_' .. string.char(math.floor(b / 256), b % 256)
      redis.call('SREM', name .. h, t)
      if redis.call('SCARD', name .. h) == 0 then redis.call('HDEL', name, h) end
    end
    redis.call('DEL', listkey)
    redis.call('HDEL', keyhash, t)
    removed = removed + 1
  end
end
return removed
"""


class SharedIndexError(Exception):
    """The Redis index cannot be used (unreachable, lost, or built with other settings)."""




def text_key(kind: bytes, content_hash: int) -> bytes:
    return kind + content_hash.to_bytes(8, "little")


@dataclass(frozen=True)
class Endpoint:
    """Where the index lives: ``redis://[user:password@]host:port/db?prefix=NAME&lease=SECONDS``,
    optionally ``&timeout=SECONDS`` (a reply) and ``&connect_timeout=SECONDS`` (a connection).

    Why timeouts: a server that stops answering (``kill -STOP``, a network that drops packets
    without resetting) would otherwise hold a run for ever; with them the run stops with exit 2
    and one line naming the server. Each call is tried at most ``1 + RETRIES`` times."""

    url: str
    host: str
    port: int
    db: int
    username: str | None
    password: str | None
    prefix: str
    lease: float
    ssl: bool
    timeout: float = 30.0  # seconds to wait for one reply
    connect_timeout: float = 5.0  # seconds to wait for a connection

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss"):
            raise SharedIndexError(f"{url}: expected redis://host:port/db")
        query = parse_qs(parts.query)
        try:
            db = int(parts.path.strip("/") or 0)
            port = parts.port or 6379
            lease = _seconds(query, "lease", 30.0)
            timeout = _seconds(query, "timeout", 30.0)
            connect_timeout = _seconds(query, "connect_timeout", 5.0)
        except ValueError as err:
            raise SharedIndexError(f"{url}: {err}") from err
        return cls(
            url=url, host=parts.hostname or "localhost", port=port, db=db,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            prefix=query.get("prefix", ["dedupe-audit"])[0], lease=lease, ssl=parts.scheme == "rediss",
            timeout=timeout, connect_timeout=connect_timeout,
        )

    def redacted(self) -> str:
        return f"{'rediss' if self.ssl else 'redis'}://{self.host}:{self.port}/{self.db}"

    def client_kwargs(self) -> dict[str, object]:
        return {"host": self.host, "port": self.port, "db": self.db, "username": self.username,
                "password": self.password, "ssl": self.ssl, "socket_timeout": self.timeout,
                "socket_connect_timeout": self.connect_timeout,
                "retry": Retry(ExponentialBackoff(cap=1.0, base=0.05), RETRIES)}


def _seconds(query: dict[str, list[str]], name: str, default: float) -> float:
    """A positive, finite number of seconds from the URL's query (``ValueError`` otherwise)."""
    value = float(query.get(name, [str(default)])[0])
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
    return value


@dataclass
class DocEntry:
    """What one document contributes: its clustered paragraphs and the windows of those."""

    doc: str  # Document.content_hash
    paragraphs: list[tuple[int, bytes, Fingerprint, np.ndarray]]  # (index, key, fingerprint, signature)
    windows: list[tuple[int, bytes]]  # (owner paragraph index, key)
    # one row per window; None when loaded from an index that does not hold them
    window_signatures: np.ndarray | None = None


def settings_meta(config: Config) -> dict[str, str]:
    """Everything that decides what a document contributes; all writers must agree on it."""
    rules = [data_file("boilerplate.toml").encode()]
    for path in config.segment.boilerplate_rules:
        try:
            rules.append(Path(path).read_bytes())
        except OSError as err:
            raise SharedIndexError(f"{path}: cannot read rule file: {err.strerror or err}") from err
    bands, rows = choose_bands(config.dedup.threshold, config.dedup.num_perm)
    return {
        **expected_meta(config),
        "index_version": INDEX_VERSION,
        "bands": f"{bands}x{rows}",
        "min_words": str(config.dedup.min_words),
        "include_boilerplate": str(config.segment.include_boilerplate),
        "long_paragraph_words": str(config.segment.long_paragraph_words),
        "window_sentences": str(config.segment.window_sentences),
        "max_paragraph_chars": str(config.segment.max_paragraph_chars),
        "rules": xxhash.xxh3_64_hexdigest(b"\0".join(rules)),
    }


class SharedIndex:
    """One Redis-backed index; ``with SharedIndex(url, config) as index: ...``."""

    def __init__(self, url: str, config: Config, *, writer: str = "lua",
                 warn: Callable[[str], None] = lambda m: None) -> None:
        if writer not in ("lua", "datasketch"):
            raise ValueError(f"unknown LSH writer {writer!r}")
        self.lsh_writer = writer
        self.endpoint = Endpoint.parse(url)
        self.config = config
        self.warn = warn
        self.prefix = self.endpoint.prefix
        self.base = f"{self.prefix}:lsh".encode()
        self.bands, self.rows = choose_bands(config.dedup.threshold, config.dedup.num_perm)
        self.min_bands = choose_min_bands(config.dedup.threshold, self.bands, self.rows)
        self.writer = uuid.uuid4().hex
        self._lease_key = f"{self.prefix}:lease:"
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None
        with self.guard("connect to"):
            self.redis = redis.Redis(**self.endpoint.client_kwargs())  # type: ignore[arg-type]
            self.redis.ping()
            self._check_meta()
            self._claim = self.redis.register_script(_CLAIM)
            self._release = self.redis.register_script(_RELEASE)
            self._buckets = self.redis.register_script(_BUCKETS)
            self._insert = self.redis.register_script(_INSERT)
            from datasketch import MinHashLSH  # with scipy, ~0.5 s: only for a shared index

            self.lsh = MinHashLSH(
                threshold=config.dedup.threshold, num_perm=config.dedup.num_perm,
                params=(self.bands, self.rows),
                storage_config={"type": "redis", "basename": self.base,
                                "redis": self.endpoint.client_kwargs()},
                prepickle=False,
            )

    # ------------------------------------------------------------------ plumbing

    def __enter__(self) -> SharedIndex:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=2)
            self._heartbeat = None
        with suppress(REDIS_ERRORS):
            self.redis.delete(self._lease_key + self.writer)
        self.redis.close()

    @contextmanager
    def guard(self, action: str) -> Iterator[None]:
        """Turn Redis failures into one clear SharedIndexError (the CLI exits 2 with it)."""
        try:
            yield
        except REDIS_ERRORS as err:
            reason = str(err).rstrip(".")
            kept = "" if action == "connect to" else (
                " Documents written completely are kept; incomplete ones are cleaned up by the next run.")
            where = self.endpoint.redacted()
            raise SharedIndexError(f"cannot {action} the index at {where}: {reason}.{kept}") from err
        except redis.exceptions.ResponseError as err:
            where = self.endpoint.redacted()
            raise SharedIndexError(f"the index at {where} refused a command: {err}") from err

    def _k(self, *parts: str | bytes) -> bytes:
        out = self.prefix.encode()
        for part in parts:
            out += b":" + (part.encode() if isinstance(part, str) else part)
        return out

    def _check_meta(self) -> None:
        wanted = settings_meta(self.config)
        key = self._k("meta")
        self.redis.hsetnx(key, "settings", json.dumps(wanted, sort_keys=True))
        found = json.loads(self.redis.hget(key, "settings") or "{}")
        if found != wanted:
            changed = sorted(k for k in wanted.keys() | found.keys() if found.get(k) != wanted.get(k))
            raise SharedIndexError(
                f"the index at {self.endpoint.redacted()} (prefix {self.prefix!r}) was built with other "
                f"settings or another version ({', '.join(changed)}); use another ?prefix= or db"
            )

    def _start_lease(self) -> None:
        """Hold a lease while writing; a killed writer's claims expire with it."""
        ttl = max(int(self.endpoint.lease * 1000), 200)
        self.redis.set(self._lease_key + self.writer, b"1", px=ttl)
        if self._heartbeat is not None:
            return
        beat = redis.Redis(**self.endpoint.client_kwargs())  # type: ignore[arg-type]

        def renew() -> None:
            while not self._stop.wait(ttl / 3000):
                with suppress(REDIS_ERRORS):
                    beat.set(self._lease_key + self.writer, b"1", px=ttl)
            beat.close()

        self._heartbeat = threading.Thread(target=renew, name="dedupe-audit-lease", daemon=True)
        self._heartbeat.start()

    # ------------------------------------------------------------------ documents

    def complete(self, docs: Sequence[str]) -> set[str]:
        """Which of these documents are in the index completely."""
        if not docs:
            return set()
        with self.guard("read"):
            flags = self.redis.smismember(self._k("docs:complete"), list(docs))
        return {doc for doc, flag in zip(docs, flags, strict=True) if flag}

    def claim(self, docs: Sequence[str]) -> dict[str, str]:
        """Claim documents for writing: 'mine', 'busy' (a living writer has it) or 'complete'.

        A document claimed from a dead writer (or never finished) is cleaned first."""
        with self.guard("write to"):
            self._start_lease()
            out: dict[str, str] = {}
            for lo in range(0, len(docs), 1_000):
                chunk = list(docs[lo : lo + 1_000])
                answers = self._claim(keys=[self._k("docs:writing"), self._k("docs:complete")],
                                      args=[self.writer, self._lease_key, *chunk])
                for doc, answer in zip(chunk, answers, strict=True):
                    answer = answer.decode()
                    if answer in ("busy", "complete"):
                        out[doc] = answer
                    else:
                        out[doc] = "mine"
                        self._clean(doc)
            return out

    def _clean(self, doc: str) -> int:
        """Remove what an unfinished write of ``doc`` left behind (no-op for a fresh document)."""
        record = self.redis.hgetall(self._k("d", doc))
        keys = _split_keys(record.get(b"p_keys", b"")) + _split_keys(record.get(b"w_keys", b""))
        removed = 0
        for lo in range(0, len(keys), 500):
            args = [self.prefix, self.base, self.bands, doc, *keys[lo : lo + 500]]
            removed += int(self._release(args=args))
        self.redis.delete(self._k("d", doc))
        return removed

    def recover(self) -> int:
        """Clean every document left unfinished by a writer that is gone; returns how many."""
        with self.guard("recover"):
            stale = [doc.decode() for doc in self.redis.hkeys(self._k("docs:writing"))]
            mine = [doc for doc, state in self.claim(stale).items() if state == "mine"]
            if mine:
                self.redis.hdel(self._k("docs:writing"), *mine)
            return len(mine)

    def write(self, entries: Sequence[DocEntry], batch_texts: int = 5_000) -> None:
        """Write claimed documents: record and owners, LSH entries, then completeness marks."""
        with self.guard("write to"):
            for batch in _batches_of(entries, batch_texts):
                self._write_batch(batch)

    def _write_batch(self, entries: Sequence[DocEntry]) -> None:
        pipe = self.redis.pipeline(transaction=False)
        texts: dict[bytes, np.ndarray] = {}
        for entry in entries:
            p_keys = [key for _, key, _, _ in entry.paragraphs]
            w_keys = [key for _, key in entry.windows]
            pipe.hset(self._k("d", entry.doc), mapping={
                "p_idx": np.array([i for i, _, _, _ in entry.paragraphs], dtype=np.int64).tobytes(),
                "p_keys": b"".join(p_keys),
                "w_idx": np.array([i for i, _ in entry.windows], dtype=np.int64).tobytes(),
                "w_keys": b"".join(w_keys),
                # the windows' signatures, so a reader runs the run's LSH step without signing them
                "w_sig": np.ascontiguousarray(entry.window_signatures, dtype=np.uint32).tobytes(),
            })
            for key in {*p_keys, *w_keys}:
                pipe.sadd(self._k("o", key), entry.doc)
            for _, key, fp, sig in entry.paragraphs:
                if key not in texts:
                    texts[key] = sig
                    pipe.hset(self._k("t", key), mapping={
                        "n": fp.normalized.encode("utf-8", "surrogatepass"),
                        "h": fp.content_hash.to_bytes(8, "little"), "w": fp.words,
                        "s": np.ascontiguousarray(fp.shingles, dtype=np.uint64).tobytes(),
                        "g": np.ascontiguousarray(sig, dtype=np.uint32).tobytes(),
                    })
            assert entry.window_signatures is not None
            for (_, key), sig in zip(entry.windows, entry.window_signatures, strict=True):
                texts.setdefault(key, sig)
        pipe.execute()  # owners are in place before any LSH entry: cleaners keep these texts
        keys = list(texts)
        done = self._are_complete(keys)
        todo = [key for key, flag in zip(keys, done, strict=True) if not flag]
        if todo:
            self._insert_lsh(todo, [texts[key] for key in todo])
        pipe = self.redis.pipeline(transaction=True)
        if keys:
            pipe.sadd(self._k("texts:complete"), *keys)
        docs = [entry.doc for entry in entries]
        pipe.sadd(self._k("docs:complete"), *docs)
        pipe.hdel(self._k("docs:writing"), *docs)
        pipe.execute()

    def _insert_lsh(self, keys: Sequence[bytes], sigs: Sequence[np.ndarray], chunk: int = 500) -> None:
        """LSH entries of these texts, in datasketch's layout (``lsh.query`` reads them)."""
        if self.lsh_writer == "datasketch":  # one flush per storage when the session ends
            from datasketch import LeanMinHash

            with self.lsh.insertion_session(buffer_size=2 * len(keys) + 2) as session:
                for key, sig in zip(keys, sigs, strict=True):
                    lean = LeanMinHash(seed=self.config.dedup.seed, hashvalues=sig, scheme="affine32")
                    session.insert(key, lean, check_duplication=False)
            return
        width = 4 * self.rows
        for lo in range(0, len(keys), chunk):
            args: list[bytes | int] = [self.base, self.bands, width]
            for key, sig in zip(keys[lo : lo + chunk], sigs[lo : lo + chunk], strict=True):
                args += [key, np.ascontiguousarray(sig[: self.bands * self.rows], dtype=">u4").tobytes()]
            self._insert(args=args)

    def _are_complete(self, keys: Sequence[bytes]) -> list[bool]:
        out: list[bool] = []
        for lo in range(0, len(keys), 10_000):
            flags = self.redis.smismember(self._k("texts:complete"), keys[lo : lo + 10_000])
            out.extend(bool(f) for f in flags)
        return out

    def load(self, docs: Sequence[str]) -> dict[str, DocEntry]:
        """Records and paragraph fingerprints of complete documents."""
        with self.guard("read"):
            pipe = self.redis.pipeline(transaction=False)
            for doc in docs:
                pipe.hgetall(self._k("d", doc))
            records = dict(zip(docs, pipe.execute(), strict=True))
            wanted = sorted({k for r in records.values() for k in _split_keys(r.get(b"p_keys", b""))})
            texts: dict[bytes, tuple[Fingerprint, np.ndarray]] = {}
            for lo in range(0, len(wanted), 5_000):
                chunk = wanted[lo : lo + 5_000]
                pipe = self.redis.pipeline(transaction=False)
                for key in chunk:
                    pipe.hmget(self._k("t", key), "n", "h", "w", "s", "g")
                for key, (n, h, w, s, g) in zip(chunk, pipe.execute(), strict=True):
                    if n is None:
                        raise SharedIndexError(f"the index lost the text {key.hex()} of a complete document")
                    # its normal form stands for the text (normalize is idempotent)
                    fp = Fingerprint(n.decode("utf-8", "surrogatepass"), int.from_bytes(h, "little"), int(w),
                                     np.frombuffer(s, dtype=np.uint64).copy())
                    texts[key] = (fp, np.frombuffer(g, dtype=np.uint32).copy())
        out: dict[str, DocEntry] = {}
        for doc, record in records.items():
            p_idx = np.frombuffer(record.get(b"p_idx", b""), dtype=np.int64).tolist()
            p_keys = _split_keys(record.get(b"p_keys", b""))
            w_idx = np.frombuffer(record.get(b"w_idx", b""), dtype=np.int64).tolist()
            windows = list(zip(w_idx, _split_keys(record.get(b"w_keys", b"")), strict=True))
            stored = record.get(b"w_sig")  # absent in an index written before windows' signatures were kept
            width = self.config.dedup.num_perm
            out[doc] = DocEntry(
                doc,
                [(i, k, *texts[k]) for i, k in zip(p_idx, p_keys, strict=True)],
                windows,
                None if stored is None
                else np.frombuffer(stored, dtype=np.uint32).reshape(len(windows), width).copy(),
            )
        return out

    def wait_for(self, docs: Sequence[str], poll: float = 0.2) -> list[str]:
        """Wait until other writers finish these documents; returns those whose writer died."""
        pending = set(docs)
        while pending:
            done = self.complete(sorted(pending))
            pending -= done
            if not pending:
                return []
            with self.guard("read"):
                holders = self.redis.hmget(self._k("docs:writing"), sorted(pending))
                leases = {self._lease_key.encode() + h for h in holders if h}
                alive = self.redis.exists(*leases) if leases else 0
            if not alive:
                return sorted(pending)
            time.sleep(poll)
        return []

    # ------------------------------------------------------------------ reading the LSH

    def buckets(self, keys: Sequence[bytes], sigs: np.ndarray, chunk: int = 512
                ) -> Iterator[list[list[bytes]]]:
        """For each (key, signature), the other members of each of its band buckets.

        One Lua call per chunk reads all their buckets on the server and returns only members
        other than the key itself: a pipeline of one SMEMBERS per band costs ~10x more."""
        width = 4 * self.rows
        with self.guard("query"):
            for lo in range(0, len(sigs), chunk):
                part = np.ascontiguousarray(sigs[lo : lo + chunk, : self.bands * self.rows], dtype=">u4")
                args: list[bytes | int] = [self.base, self.bands, width]
                for key, row in zip(keys[lo : lo + chunk], part, strict=True):
                    args += [key, row.tobytes()]
                for flat in self._buckets(args=args):
                    per_band: list[list[bytes]] = [[] for _ in range(self.bands)]
                    at = 0
                    while at < len(flat):
                        band, count = int(flat[at]), int(flat[at + 1])
                        per_band[band] = flat[at + 2 : at + 2 + count]
                        at += 2 + count
                    yield per_band

    def query(self, texts: Sequence[str]) -> list[list[Match]]:
        """Paragraphs of complete documents in the index that each text near-duplicates (verified)."""
        fps = Fingerprinter(self.config.dedup.shingle_size).many(texts)
        sigs = signatures([fp.shingles for fp in fps], self.config.dedup.num_perm, self.config.dedup.seed)
        counted: list[dict[bytes, int]] = []
        for per_band in self.buckets([b""] * len(fps), sigs):
            counts: dict[bytes, int] = {}
            for members in per_band:
                for key in members:
                    if key[:1] == PARAGRAPH:
                        counts[key] = counts.get(key, 0) + 1
            counted.append({k: c for k, c in counts.items() if c >= self.min_bands})
        keys = sorted({k for c in counted for k in c})
        with self.guard("query"):
            complete = dict(zip(keys, self._are_complete(keys), strict=True))
            pipe = self.redis.pipeline(transaction=False)
            for key in keys:
                pipe.hmget(self._k("t", key), "n", "s")
                pipe.smembers(self._k("o", key))
            answers = pipe.execute()
        stored = {key: (answers[2 * i], answers[2 * i + 1]) for i, key in enumerate(keys)}
        out: list[list[Match]] = []
        for fp, counts in zip(fps, counted, strict=True):
            matches = []
            for key in sorted(counts):
                (n, s), owners = stored[key]
                if not complete[key] or n is None:
                    continue  # written by a writer that has not finished (or cleaned meanwhile)
                score = jaccard(fp.shingles, np.frombuffer(s, dtype=np.uint64))
                ratio = fuzz.ratio(fp.normalized, n.decode("utf-8", "surrogatepass"))
                if score >= self.config.dedup.threshold and ratio >= self.config.dedup.min_fuzz:
                    matches.append(Match(key.hex(), round(score, 4), round(ratio, 2),
                                         tuple(sorted(o.decode() for o in owners))))
            out.append(matches)
        return out

    def stats(self) -> dict[str, int]:
        with self.guard("read"):
            return {
                "documents": int(self.redis.scard(self._k("docs:complete"))),
                "texts": int(self.redis.scard(self._k("texts:complete"))),
                "writing": int(self.redis.hlen(self._k("docs:writing"))),
                "lsh_keys": int(self.redis.hlen(self.base + b"_keys")),
            }


@dataclass(frozen=True)
class Match:
    """A verified near-duplicate found in the shared index."""

    key: str
    jaccard: float
    fuzz: float
    documents: tuple[str, ...]  # content hashes of the documents holding it

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _split_keys(blob: bytes) -> list[bytes]:
    return [blob[i : i + 9] for i in range(0, len(blob), 9)]


def _batches_of(entries: Iterable[DocEntry], texts: int) -> Iterator[list[DocEntry]]:
    batch: list[DocEntry] = []
    size = 0
    for entry in entries:
        batch.append(entry)
        size += len(entry.paragraphs) + len(entry.windows)
        if size >= texts:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch

