"""Compiled knowledge kept between runs: what reading and compiling rule patterns produces.

Why: the shipped knowledge is large (~1,300 era facts, cue rules holding every outlet alias,
~800), and a small run (a CI gate, a pre-commit hook) spent most of its seconds turning the
same pattern texts into the same results on every start: the literals each era pattern needs
(``literals.required_literals``, ~0.8 s) and the `re` programs of the cue rules a paragraph
reaches (a few dozen alternations of every alias, ~2.5 s). Both are pure functions of a
pattern's text and flags, so they are kept *by content*: an entry's key is a digest of the
pattern text itself. A changed data file, a user's rule file, a new pattern simply has other
keys (nothing needs invalidating, and a user's pattern can never be answered by another's).

The file's own name carries what the answers also depend on: the package version, the Python
version and its regex engine (``_sre.MAGIC``, code size), and the source of the modules that
compute them; a file with another name belongs to another version and is removed when the
cache is next written, once unused for a day (``STALE_AFTER``).

* Where: ``$DEDUPE_AUDIT_CACHE_DIR``, else the user cache folder (``platformdirs`` if
  installed, else ``$XDG_CACHE_HOME`` or ``~/.cache``) under ``dedupe-audit``.
* ``DEDUPE_AUDIT_NO_CACHE=1`` (or any value but ``0``/empty): nothing is read or written.
* Stored with ``marshal`` (plain values only, nothing in it can run code), written atomically
  once, at exit, only when a run added entries; a file that cannot be read or holds a value of
  the wrong shape is ignored entry by entry (the value is computed again), never an error.
* Each entry is kept as its own marshalled bytes and decoded only when asked for: the file
  holds every pattern version it ever met (~25 MB after a day of edits), and decoding all of
  it cost a small run ~0.06 s, copying its bytes ~0.005 s. Each ask decodes a fresh value, so
  a caller that changes what it got (a parsed TOML table) changes no one else's.
* Past ``KEEP_BYTES`` the file is rewritten with only the entries the writing run used or
  added: old versions of edited patterns do not pile up to be read by every run.
* An `re` program read back is checked by `re`'s own code validator before use.
"""

from __future__ import annotations

import atexit
import hashlib
import marshal
import os
import re
import sys
import tempfile
import time
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .first_chars import with_first_chars

ENV_OFF = "DEDUPE_AUDIT_NO_CACHE"
ENV_DIR = "DEDUPE_AUDIT_CACHE_DIR"
PREFIX = "knowledge-"
MAX_BYTES = 64 * 1024 * 1024  # a cache never grows past this (new entries are then not kept)
KEEP_BYTES = 16 * 1024 * 1024  # past this, a write keeps only the entries its run used
# another version's file is removed once unused this long (two installs side by side, e.g. a
# checkout and a release, would otherwise delete each other's file on every run)
STALE_AFTER = 24 * 3600
# modules whose code decides the cached answers: a change to one makes a new cache file
# (screens.py: the literals of furniture patterns, boilerplate._literals)
# (first_chars.py: the lookahead in front of every compiled program)
_SOURCES = ("knowledge_cache.py", "literals.py", "screens.py", "first_chars.py")


def enabled() -> bool:
    """Whether the cache is used (``DEDUPE_AUDIT_NO_CACHE`` unset, empty or ``0``)."""
    return os.environ.get(ENV_OFF, "") in ("", "0")


def cache_dir() -> Path:
    """The folder holding the cache file."""
    own = os.environ.get(ENV_DIR)
    if own:
        return Path(own)
    try:
        from platformdirs import user_cache_dir
    except ImportError:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "dedupe-audit"
    return Path(user_cache_dir("dedupe-audit", appauthor=False))


def _tag() -> str:
    """What every answer depends on besides the pattern: package, Python, engine, code."""
    from .. import __version__

    digest = hashlib.sha256()
    try:
        import _sre

        engine = f"{_sre.MAGIC}:{_sre.CODESIZE}"
    except (ImportError, AttributeError):  # pragma: no cover - another implementation
        engine = "no-sre"
    digest.update(f"{__version__}|{sys.version}|{sys.implementation.name}|{engine}".encode())
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:  # pragma: no cover - a zipped install: the version must do
            digest.update(name.encode())
    return digest.hexdigest()[:20]


def _key(*parts: object) -> bytes:
    """A digest of plain values; a text part (a whole TOML file) is hashed as it is encoded,
    not through its ``repr`` (which escapes and copies it first)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        if isinstance(part, str):
            encoded = part.encode("utf-8", "surrogatepass")
            digest.update(b"s%d:" % len(encoded))
            digest.update(encoded)
        else:
            shown = repr(part).encode("utf-8", "surrogatepass")
            digest.update(b"r%d:" % len(shown))
            digest.update(shown)
    return digest.digest()


def source_digest(path: str | Path) -> str:
    """A digest of a module's source file, for entries computed by code outside the
    modules the cache file's name already covers (``_SOURCES``); "" when unreadable."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:20]
    except OSError:  # pragma: no cover - a zipped install: the package version must do
        return ""


def knowledge_digest(*parts: object) -> bytes:
    """A digest of plain values (str, bytes, int, bool, None, tuples of them), for a key
    naming many inputs at once (every era pattern a screen is read from)."""
    return _key(*parts)


class KnowledgeStore:
    """Tables of digest -> marshalled value, read from the file on first use, written at exit."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[bytes, bytes]] | None = None
        self.used: dict[str, set[bytes]] = {}  # entries this process read or added
        self.added = 0
        self.path: Path | None = None

    def table(self, name: str) -> dict[bytes, bytes] | None:
        """The table ``name`` (None when the cache is off)."""
        if not enabled():
            return None
        if self.tables is None:
            self.tables = {}
            try:
                self.path = cache_dir() / f"{PREFIX}{_tag()}.marshal"
                loaded = marshal.loads(self.path.read_bytes())
            except (OSError, ValueError, EOFError, TypeError, RuntimeError):
                loaded = None
            self.tables = _tables_of(loaded)
            atexit.register(self.save)
        return self.tables.setdefault(name, {})

    def get(self, name: str, digest: bytes) -> Any:
        """The value stored under ``digest`` in table ``name``, decoded; ``_ABSENT`` when
        there is none or it cannot be decoded."""
        entries = self.table(name)
        blob = None if entries is None else entries.get(digest)
        if not isinstance(blob, bytes):
            return _ABSENT
        try:
            value = marshal.loads(blob)
        except (ValueError, EOFError, TypeError):
            return _ABSENT
        self.used.setdefault(name, set()).add(digest)
        return value

    def put(self, name: str, digest: bytes, value: Any) -> None:
        """Keep ``value`` (if the cache is on and ``marshal`` can store it)."""
        entries = self.table(name)
        if entries is None:
            return
        try:
            blob = marshal.dumps(_shared(value, {}))
        except ValueError:  # not a plain value (a TOML date): simply not kept
            return
        entries[digest] = blob
        self.used.setdefault(name, set()).add(digest)
        self.added += 1

    def save(self) -> None:
        """Write the tables if this process added entries: merged with what another process
        wrote meanwhile, atomically (a reader sees the old file or the new one). Past
        ``KEEP_BYTES``, only the entries this process used or added are written."""
        if not self.added or self.tables is None or self.path is None or not enabled():
            return
        self.added = 0
        try:
            folder = self.path.parent
            folder.mkdir(parents=True, exist_ok=True)
            try:
                theirs = marshal.loads(self.path.read_bytes())
            except (OSError, ValueError, EOFError, TypeError):
                theirs = {}
            tables = _tables_of(theirs)
            for name, entries in self.tables.items():
                tables.setdefault(name, {}).update(entries)
            data = marshal.dumps(tables)
            if len(data) > KEEP_BYTES:
                tables = {name: {d: entries[d] for d in self.used.get(name, ()) if d in entries}
                          for name, entries in tables.items()}
                data = marshal.dumps(tables)
            if len(data) > MAX_BYTES:
                return
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=folder)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
            for stale in folder.glob(f"{PREFIX}*.marshal"):
                if stale != self.path and time.time() - stale.stat().st_mtime > STALE_AFTER:
                    stale.unlink(missing_ok=True)
        except (OSError, ValueError):  # a read-only home, a full disk: the next run recomputes
            return


_ABSENT = object()  # no usable entry


def _shared(value: Any, seen: dict[str, str]) -> Any:
    """``value`` with each distinct string one object (an equal value of the same types).

    Why: ``marshal`` writes an object met twice as a reference to the first, and reading a
    reference back costs nothing, where each copy of a string is decoded, allocated and hashed
    again when put in a set. The needs of ~1,600 era patterns name the same few thousand
    literals ~110,000 times: decoded ~40% faster with their strings shared."""
    kind = type(value)
    if kind is str:
        return seen.setdefault(value, value)
    if kind is tuple:
        return tuple(_shared(item, seen) for item in value)
    if kind is list:
        return [_shared(item, seen) for item in value]
    if kind is frozenset:
        return frozenset(_shared(item, seen) for item in value)
    if kind is set:
        return {_shared(item, seen) for item in value}
    if kind is dict:
        return {_shared(key, seen): _shared(item, seen) for key, item in value.items()}
    return value  # bytes, numbers, None, and anything marshal refuses as it did before


def _tables_of(loaded: object) -> dict[str, dict[bytes, bytes]]:
    """The well-formed tables of a file's contents (anything else is left out)."""
    if not isinstance(loaded, dict):
        return {}
    return {name: {d: blob for d, blob in entries.items() if isinstance(d, bytes) and isinstance(blob, bytes)}
            for name, entries in loaded.items() if isinstance(name, str) and isinstance(entries, dict)}


# The process's store: one file, read on first use and written at exit. Public so a test can put
# a fresh one in its place (``monkeypatch.setattr``), as the next run would start.
STORE = KnowledgeStore()


def remembered(table: str, key: tuple, compute: Callable[[], Any], valid: Callable[[Any], bool]) -> Any:
    """``compute()``'s value for ``key`` (a tuple of plain values the answer is a pure function
    of), from the cache when it holds one that ``valid`` accepts; a value ``marshal`` cannot
    store (str, bytes, int, float, None, lists, tuples, dicts, sets of them can) is returned
    and not kept. A value read back is a fresh copy: changing it changes nothing stored."""
    if not enabled():
        return compute()
    digest = _key(*key)
    known = STORE.get(table, digest)
    if known is not _ABSENT and valid(known):
        return known
    value = compute()
    STORE.put(table, digest, value)
    return value


# --------------------------------------------------------------------------- regex programs


def compile_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, the parsed and compiled program kept in the cache: a
    big alternation (every outlet alias) costs `re` tens of milliseconds to parse and compile
    in Python and ~0.3 ms to rebuild from its program. Same errors as ``re.compile``."""
    flags = int(flags)
    if not enabled() or not isinstance(pattern, str):
        return re.compile(pattern, flags)
    try:
        import _sre
        from re import _compiler, _parser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - another implementation
        return re.compile(pattern, flags)
    digest = _key(pattern, flags)
    known = STORE.get("re", digest)
    if known is not _ABSENT:
        try:
            all_flags, code_bytes, groups, names = known
            code = array("I", code_bytes).tolist()
            groupindex = dict(names)
            indexgroup = [None] * (groups + 1)
            for name, index in groupindex.items():
                indexgroup[index] = name
            return _sre.compile(pattern, all_flags, code, groups, groupindex, tuple(indexgroup))
        except (TypeError, ValueError, RuntimeError, IndexError, OverflowError):
            pass  # a damaged entry: compiled again below
    if flags & re.DEBUG:
        return re.compile(pattern, flags)
    parsed = _parser.parse(pattern, flags)  # re.error as re.compile raises it
    # the program runs behind a lookahead of the pattern's first characters (first_chars:
    # same matches and groups, most positions refused by one set test); ``.pattern`` stays
    # the text as written
    fronted = with_first_chars(pattern, flags, parsed)
    if fronted != pattern:
        parsed = _parser.parse(fronted, flags)
    try:
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        groups, all_flags = parsed.state.groups - 1, flags | parsed.state.flags
        made = _sre.compile(pattern, all_flags, code, groups, groupindex, tuple(indexgroup))
        packed = array("I", code).tobytes()
    except (TypeError, AttributeError, OverflowError):  # pragma: no cover - another Python's internals
        return re.compile(pattern, flags)
    STORE.put("re", digest, (all_flags, packed, groups, tuple(sorted(groupindex.items()))))
    return made
