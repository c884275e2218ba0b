"""Turn what the user names (files, folders, globs, ``-``) into ``Document``s.

Everything that can go wrong with one input becomes a ``Skipped`` with a reason, so a run
over a messy scrape always finishes. Output order is sorted by display path so that the
same inputs give the same report byte for byte.

Text layout: text/markdown files keep their own lines; HTML main text comes out as one
paragraph per line (trafilatura's plain-text layout, blank lines dropped).
"""

from __future__ import annotations

import codecs
import copy
import dataclasses
import email.utils
import fnmatch
import glob
import html as html_lib
import io
import json
import logging
import os
import posixpath
import re
import stat
import sys
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import xxhash
from charset_normalizer import from_bytes

from ..config import Config, JsonlFields, TableFields
from ..model import Document, DocumentMeta, Skipped
from ..runtime.parallel import map_offloaded, resolve_jobs
from . import archives as containers
from . import tables

LOG = logging.getLogger(__name__)

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    # tables: one document a row (tables.py); .csv.gz and the like are read as gzip members
    ".csv": "table",
    ".tsv": "table",
    ".tab": "table",
    ".parquet": "parquet",
    # archives are read as folders of documents (containers.py); ".gz" covers .tar.gz/.warc.gz
    ".zip": "archive",
    ".tar": "archive",
    ".tgz": "archive",
    ".gz": "archive",
    ".zst": "archive",
    ".warc": "archive",
}
RECORD_FORMATS = frozenset({"jsonl", "table", "parquet", "archive"})  # not limited as a whole file
SIDECAR_SUFFIX = ".meta.json"
STDIN_PATH = "<stdin>"
SNIFF_BYTES = 8192  # binary check and HTML sniffing look at this much of the start
MAX_CONTROL_SHARE = 0.05  # more C0 control characters than this in the head = binary
MAX_SIDECAR_BYTES = 1_000_000
# favor_precision drops furniture but on a few pages (3 of 181 in the benchmark) keeps
# almost nothing; then the balanced extraction is used. Measured in tests/ingest/test_inputs.py.
PRECISION_MIN_SHARE = 0.2
# Among near-equally plausible detections, prefer the encodings scraped pages really use.
PREFERRED_ENCODINGS = ("cp1252", "cp1251", "cp1250", "iso8859_15", "latin_1", "koi8_r", "koi8_u")
DETECTION_MARGIN = 0.1
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)
MAX_BAD_UTF8 = 16  # invalid sequences a UTF-8 file may hold and still be read as UTF-8
UTF8_MAJORITY = 20  # ... if its valid multi-byte bytes outnumber the invalid ones this many to one
_HIGH_BYTES = bytes(range(128, 256))
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\b\x1b")
_NOT_CONTROLS = bytes(b for b in range(256) if b >= 0x20 or b in _TEXT_CONTROLS)  # deleted to count the rest
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(rb"<(?:html|body|head|p|div|article)[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_DATE_FORMATS = ("%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y%m%d")
# fmt: off
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "blockquote", "pre", "header", "footer", "aside", "nav", "main",
    "figure", "figcaption", "dd", "dt",
})
# fmt: on


@dataclass(frozen=True, slots=True)
class _Source:
    """One input to read: where it is, how the report names it, how to read it."""

    display: str
    fs_path: str | None  # None = stdin
    fmt: str  # text | markdown | html | jsonl | sniff
    key: tuple[object, ...]  # identity, so a file reached twice is read once


@dataclass(frozen=True, slots=True)
class _Parse:
    """A file's bytes still to become a Document. Decoding and HTML extraction are the
    costly part of ingest (~20 ms an HTML page), so this step may run in a worker process;
    what finishes the document (sidecar, crawl record) is data here, not a callback."""

    display: str
    data: bytes
    fmt: str
    sidecar_of: str | None = None  # the file's path: a sidecar beside it may add metadata
    crawl: tuple[str | None, str | None] | None = None  # WARC record (URL, capture date)


@dataclass(frozen=True, slots=True)
class _Decoded:
    text: str
    encoding: str
    fallback: bool


# --------------------------------------------------------------------------- public


def iter_inputs(
    paths: Sequence[str],
    config: Config,
    *,
    stdin: BinaryIO | None = None,
    reference: bool = False,
) -> Iterator[Document | Skipped]:
    """Yield one Document per readable input (per line for JSONL), Skipped for the rest.

    Paths are listed (cheap) before anything is read, so the order is fully sorted;
    reading stays lazy so a large corpus is never held in memory at once. HTML pages are
    extracted in ``config.jobs`` worker processes once there are more than a few
    (``HTML_INLINE``); the order and the output are the same as in one process.
    """
    entries = (
        item
        for entry in collect_sources(paths, config)
        for item in ((entry,) if isinstance(entry, Skipped) else _read_source(entry, config, stdin))
    )
    jobs = resolve_jobs(config.jobs)
    for items in map_offloaded(_settle, entries, jobs, offload=_costly, on_crash=_crashed,
                               inline_first=HTML_INLINE):
        for item in items:
            if reference and isinstance(item, Document):
                item = dataclasses.replace(item, reference=True)
            yield item


def read_listed(src: _Source, config: Config) -> Iterator[Document | Skipped]:
    """The items of one listed source, read in this process (the Dask engine's workers
    read their share of the listing this way)."""
    for entry in _read_source(src, config, None):
        yield from _settle(entry)


HTML_INLINE = 4  # the first HTML pages of a run are extracted here: a pool for fewer does not pay


def _costly(entry: Document | Skipped | _Parse) -> bool:
    return isinstance(entry, _Parse) and entry.fmt == "html"


def _settle(entry: Document | Skipped | _Parse) -> tuple[Document | Skipped, ...]:
    """What an entry of the reading stream comes to (in a worker for ``_costly`` ones)."""
    if not isinstance(entry, _Parse):
        return (entry,)
    item = _parse_bytes(entry.display, entry.data, entry.fmt)
    if isinstance(item, Skipped):
        return (item,)
    if entry.crawl is not None:
        item = dataclasses.replace(item, meta=_warc_meta(item.meta, *entry.crawl))
    if entry.sidecar_of is None:
        return (item,)
    document, sidecar_problem = _apply_sidecar(item, entry.sidecar_of)
    return (document,) if sidecar_problem is None else (document, sidecar_problem)


def _crashed(entry: Document | Skipped | _Parse) -> tuple[Document | Skipped, ...]:
    display = entry.display if isinstance(entry, _Parse) else entry.path
    return (Skipped(display, "the reader process died on this file (a crash in the HTML parser, "
                             "or out of memory); the run went on without it"),)


# --------------------------------------------------------------------------- listing


def collect_sources(paths: Sequence[str], config: Config) -> list[_Source | Skipped]:
    """Expand every path, sort by display path, keep the first sight of each file."""
    found: list[_Source | Skipped] = []
    for raw in paths:
        found.extend(_expand(raw, config))
    found.sort(key=_sort_key)
    return list(_dedupe(found))


def _sort_key(entry: _Source | Skipped) -> tuple[str, str]:
    if isinstance(entry, Skipped):
        return entry.path, entry.reason
    return entry.display, ""


def _dedupe(entries: Iterable[_Source | Skipped]) -> Iterator[_Source | Skipped]:
    seen: set[tuple[object, ...]] = set()
    for entry in entries:
        key = ("skip", entry.path, entry.reason) if isinstance(entry, Skipped) else entry.key
        if key not in seen:
            seen.add(key)
            yield entry


def _expand(raw: str, config: Config) -> Iterator[_Source | Skipped]:
    """One user argument: stdin, an existing path, or a glob pattern."""
    if raw == "-":
        yield _Source(STDIN_PATH, None, "sniff", ("stdin",))
        return
    display = _display_root(raw) or "."
    if os.path.lexists(raw):
        yield from _expand_named(raw, display, config)
    elif glob.has_magic(raw):
        yield from _expand_glob(raw, config)
    else:
        yield Skipped(display, "not found")


def _expand_named(fs_path: str, display: str, config: Config) -> Iterator[_Source | Skipped]:
    """A path the user typed: folders are walked, any file is read (unknown type = text)."""
    try:
        st = os.stat(fs_path)
    except OSError as exc:
        yield Skipped(display, _stat_error(exc))
        return
    if stat.S_ISDIR(st.st_mode):
        yield from _walk(fs_path, _display_root(fs_path), st, config)
    elif fs_path.endswith(SIDECAR_SUFFIX):
        yield Skipped(display, "sidecar metadata file: read together with its document")
    else:
        fmt = "archive" if containers.archive_kind(fs_path) else FORMATS.get(_suffix(fs_path), "text")
        yield _Source(display, fs_path, fmt, (st.st_dev, st.st_ino))


def _expand_glob(pattern: str, config: Config) -> Iterator[_Source | Skipped]:
    """Glob matches are filtered like folder contents: supported, included, not excluded."""
    count = 0
    for match in sorted(glob.glob(pattern, recursive=True)):
        display = _display_root(match)
        name = os.path.basename(match)
        try:
            st = os.stat(match)
        except OSError as exc:
            if _wanted(display, name, config):
                count += 1
                yield Skipped(display, _stat_error(exc))
            continue
        if stat.S_ISDIR(st.st_mode):
            for entry in _walk(match, display, st, config):
                count += 1
                yield entry
        elif _wanted(display, name, config):
            count += 1
            yield _Source(display, match, FORMATS[_suffix(name)], (st.st_dev, st.st_ino))
    if not count:
        yield Skipped(_display_root(pattern), "not found: the pattern matches no supported file")


def _walk(
    fs_dir: str, display_root: str, st: os.stat_result, config: Config
) -> Iterator[_Source | Skipped]:
    yield from _walk_dir(fs_dir, "", display_root, config, frozenset({(st.st_dev, st.st_ino)}))


def _walk_dir(
    fs_dir: str,
    rel_dir: str,
    display_root: str,
    config: Config,
    ancestors: frozenset[tuple[int, int]],
) -> Iterator[_Source | Skipped]:
    """Recursive walk that follows symlinks but reports a link back to a parent folder."""
    try:
        with os.scandir(fs_dir) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        yield Skipped(_join(display_root, rel_dir) or ".", f"unreadable folder: {_os_reason(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
        yield from _walk_entry(entry, rel, display_root, config, ancestors)


def _walk_entry(
    entry: os.DirEntry[str],
    rel: str,
    display_root: str,
    config: Config,
    ancestors: frozenset[tuple[int, int]],
) -> Iterator[_Source | Skipped]:
    display = _join(display_root, rel)
    try:
        st = os.stat(entry.path)
    except OSError as exc:
        if _wanted(rel, entry.name, config):
            yield Skipped(display, _stat_error(exc))
        return
    if stat.S_ISDIR(st.st_mode):
        ident = (st.st_dev, st.st_ino)
        if _excluded(rel, entry.name, config):
            return
        if ident in ancestors:
            yield Skipped(display, "directory loop: symlink back to a parent folder")
            return
        yield from _walk_dir(entry.path, rel, display_root, config, ancestors | {ident})
    elif _wanted(rel, entry.name, config):
        fmt = FORMATS[_suffix(entry.name)]
        yield _Source(display, entry.path, fmt, (st.st_dev, st.st_ino))


def _wanted(rel: str, name: str, config: Config) -> bool:
    """A file found by walking or globbing: supported, not a sidecar, passes the filters."""
    if name.endswith(SIDECAR_SUFFIX) or _suffix(name) not in FORMATS:
        return False
    if config.include and not _matches(rel, name, config.include):
        return False
    return not _excluded(rel, name, config)


def _excluded(rel: str, name: str, config: Config) -> bool:
    return bool(config.exclude) and _matches(rel, name, config.exclude)


def _matches(rel: str, name: str, patterns: Iterable[str]) -> bool:
    """fnmatch semantics: ``*`` also crosses ``/``, so ``drafts/*`` covers a whole subtree."""
    return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(name, p) for p in patterns)


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _display_root(raw: str) -> str:
    """The path as the user gave it, POSIX separators, no trailing slash, '.' as empty."""
    path = raw.replace(os.sep, "/") if os.sep != "/" else raw
    if path.strip("/"):
        path = path.rstrip("/")
    return "" if path in (".", "./") else path


def _join(root: str, rel: str) -> str:
    if not root:
        return rel
    if not rel:
        return root
    return f"{root}{rel}" if root.endswith("/") else f"{root}/{rel}"


def _stat_error(exc: OSError, path: str | None = None) -> str:
    if isinstance(exc, FileNotFoundError):
        if path is not None and not os.path.lexists(path):
            return "vanished: deleted after it was listed"
        return "broken symlink"
    if exc.errno == 40:  # ELOOP
        return "symlink loop"
    return f"unreadable: {_os_reason(exc)}"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or type(exc).__name__).lower()


# --------------------------------------------------------------------------- reading


def _read_source(
    src: _Source, config: Config, stdin: BinaryIO | None
) -> Iterator[Document | Skipped | _Parse]:
    if src.fs_path is None:
        yield _read_stdin(src, config, stdin)
        return
    problem = _check_file(src, config)
    if problem is not None:
        yield problem
    elif src.fmt == "jsonl":
        yield from _read_jsonl(src, config)
    elif src.fmt in ("table", "parquet"):
        yield from _read_table(src, config)
    elif src.fmt == "archive":
        yield from _read_archive(src, config)
    else:
        yield from _read_single(src, config)


def _check_file(src: _Source, config: Config) -> Skipped | None:
    """Refuse what must not be opened: FIFOs would block, devices never end."""
    assert src.fs_path is not None
    try:
        st = os.stat(src.fs_path)
    except OSError as exc:
        return Skipped(src.display, _stat_error(exc, src.fs_path))
    if not stat.S_ISREG(st.st_mode):
        return Skipped(src.display, "not a regular file")
    splits = config.split_large_text and src.fmt != "html"
    if src.fmt not in RECORD_FORMATS and not splits and st.st_size > config.max_file_bytes:
        return _too_large(src.display, st.st_size, config)
    return None  # JSONL and tables are limited per record, archives by their budget


def _too_large(display: str, size: int, config: Config) -> Skipped:
    """Nothing of the file is read; the reason says how to get it audited."""
    return Skipped(
        display,
        f"too large: {size} bytes > max_file_bytes {config.max_file_bytes} "
        "(raise max_file_bytes, or set split_large_text to audit text in parts)",
    )


def _open_binary(path: str) -> BinaryIO:
    """All file reads go through here, so one place maps OS errors to reasons."""
    return open(path, "rb")  # noqa: SIM115 - callers close it


def _read_single(src: _Source, config: Config) -> Iterator[Document | Skipped | _Parse]:
    """Read a file whole (at most max_file_bytes); a larger text file is read in parts."""
    assert src.fs_path is not None
    try:
        with _open_binary(src.fs_path) as handle:
            data = handle.read(config.max_file_bytes + 1)
            if len(data) > config.max_file_bytes and config.split_large_text and src.fmt != "html":
                handle.seek(0)
                yield from _read_parts(src.display, handle, src.fmt, config)
                return
    except OSError as exc:
        yield Skipped(src.display, _open_error(exc, src.fs_path))
        return
    if len(data) > config.max_file_bytes:
        yield _too_large(src.display, len(data), config)
        return
    yield _Parse(src.display, data, src.fmt, sidecar_of=src.fs_path)


def _open_error(exc: OSError, path: str) -> str:
    if isinstance(exc, FileNotFoundError) and not os.path.lexists(path):
        return "vanished: deleted after it was listed"
    return f"unreadable: {_os_reason(exc)}"


# --------------------------------------------------------------------------- archives


def _read_archive(src: _Source, config: Config) -> Iterator[Document | Skipped | _Parse]:
    """An archive as a folder: its members in archive order, each a document or a skip."""
    assert src.fs_path is not None
    kind = containers.archive_kind(src.fs_path)
    if kind is None:
        yield Skipped(src.display, "unsupported compressed file (not .zip/.tar/.tgz/.gz/.zst/.warc)")
        return
    limits = containers.Limits(
        config.max_archive_bytes, config.max_archive_members, config.max_archive_depth, config.max_file_bytes
    )
    try:
        with _open_binary(src.fs_path) as handle:
            for item in containers.read_archive(src.display, handle, kind, limits):
                yield from _from_member(item, config) if isinstance(item, containers.Member) else (item,)
    except OSError as exc:
        yield Skipped(src.display, _open_error(exc, src.fs_path))


def _from_member(member: containers.Member, config: Config) -> Iterator[Document | Skipped | _Parse]:
    """Documents from one archive member; members a folder walk would skip are skipped too."""
    name = posixpath.basename(member.name)
    fmt = member.fmt or FORMATS.get(_suffix(name))
    if member.fmt is None and not _wanted(member.name, name, config):
        return
    if fmt == "jsonl":
        yield from _jsonl_records(member.display, io.BytesIO(member.data), config)
        return
    if fmt == "table":
        yield from _table_records(member.display, io.BytesIO(member.data), config)
        return
    crawl = (member.url, member.date) if member.url is not None else None
    yield _Parse(member.display, member.data, fmt or "text", crawl=crawl)


def _warc_meta(meta: DocumentMeta, target_url: str | None, captured_at: str | None) -> DocumentMeta:
    """The crawl's own record: the URL fetched, its domain as the site, the capture date
    when the page states no publication date of its own."""
    url = _clean_str(target_url)
    fields: dict[str, Any] = {"url": url or meta.url, "site": _site_from_url(url) or meta.site}
    captured = _iso_date(captured_at)
    if meta.published is None and captured:
        fields.update(published=captured, published_source="warc-date")
    return dataclasses.replace(meta, **fields)


# --------------------------------------------------------------------------- large text files


def _read_parts(display: str, handle: BinaryIO, fmt: str, config: Config) -> Iterator[Document | Skipped]:
    """A text file over max_file_bytes becomes documents ``path@part1``, ``path@part2``...

    Why parts, not a skip: nothing is lost, and each part is bounded. A part holds about
    max_file_bytes (read in halves, cut after the last line end, else the last space, so no
    line or word is split when avoidable); line numbers count from the part's first line.
    """
    chunk_size = max(config.max_file_bytes // 2, 1)
    first = handle.read(chunk_size)
    decoded = _stream_encoding(first)
    if decoded is None:
        yield Skipped(display, _binary_reason(first[:SNIFF_BYTES]) or "binary file")
        return
    codec, name, fallback = decoded
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    meta = DocumentMeta(source_format=fmt, encoding=name, encoding_fallback=fallback)
    carry, number, chunk = "", 0, first
    while chunk:
        buffer = carry + decoder.decode(chunk)
        chunk = handle.read(chunk_size)
        cut = len(buffer) if not chunk else _cut_point(buffer)
        part, carry = buffer[:cut], buffer[cut:]
        if part.strip():
            number += 1
            yield _part_document(display, number, part, meta)
    tail = carry + decoder.decode(b"", final=True)
    if tail.strip():
        yield _part_document(display, number + 1, tail, meta)


def _part_document(display: str, number: int, text: str, meta: DocumentMeta) -> Document:
    text = _normalise_newlines(text) if number == 1 else text.replace("\r\n", "\n").replace("\r", "\n")
    return Document(f"{display}@part{number}", text, meta, _hash(text.encode("utf-8", "surrogatepass")))


def _cut_point(buffer: str) -> int:
    """After the last newline, else after the last whitespace, else everything."""
    cut = buffer.rfind("\n") + 1
    if cut:
        return cut
    match = re.search(r"\s\S*\Z", buffer)
    return match.start() + 1 if match else len(buffer)


def _stream_encoding(head: bytes) -> tuple[str, str, bool] | None:
    """(codec, reported name, guessed) for a file read in parts, decided on its first part."""
    for bom, codec, name in _BOMS:
        if head.startswith(bom):
            return codec, name, False
    if _looks_binary(head[:SNIFF_BYTES]):
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", "utf-8", False
    except UnicodeDecodeError:
        pass
    guess = _detect(head[: 1 << 20])
    return guess.encoding, guess.encoding, True


def _read_stdin(src: _Source, config: Config, stdin: BinaryIO | None) -> Document | Skipped:
    stream = stdin if stdin is not None else sys.stdin.buffer
    try:
        data = stream.read(config.max_file_bytes + 1)
    except OSError as exc:
        return Skipped(src.display, f"unreadable: {_os_reason(exc)}")
    if len(data) > config.max_file_bytes:
        return _too_large(src.display, len(data), config)
    return _parse_bytes(src.display, data, "html" if _looks_like_html(data) else "text")


def _looks_like_html(data: bytes) -> bool:
    head = data[:SNIFF_BYTES]
    for bom, codec, _ in _BOMS:
        if head.startswith(bom):
            head = head.decode(codec, errors="ignore").encode("utf-8")
            break
    return bool(_HTML_START.match(head) or _HTML_TAG.search(head[:1024]))


def _parse_bytes(display: str, data: bytes, fmt: str) -> Document | Skipped:
    """Bytes of one single-document file to a Document, or why not."""
    if not data:
        return Skipped(display, "empty file")
    decoded = _decode(data, html=fmt == "html")
    if decoded is None:
        return Skipped(display, _binary_reason(data[:SNIFF_BYTES]) or "binary file")
    text = _normalise_newlines(decoded.text)
    if not text.strip():
        return Skipped(display, "empty: whitespace only")
    base = DocumentMeta(
        source_format=fmt, encoding=decoded.encoding, encoding_fallback=decoded.fallback
    )
    if fmt == "html":
        text, base = _from_html(text, base)
        if not text:
            return Skipped(display, "no text: the HTML has no readable body text")
    return Document(display, text, base, _hash(data))


def _hash(data: bytes) -> str:
    return xxhash.xxh3_128_hexdigest(data)


def _normalise_newlines(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- encodings


def _decode(data: bytes, *, html: bool = False) -> _Decoded | None:
    """Decode bytes without ever raising; None means the bytes are not text.

    Order: BOM, UTF-8, UTF-8 with a few invalid bytes replaced, the charset an HTML page
    declares, detection, cp1252, latin-1. ``fallback`` is True when the encoding was guessed
    (detection or last resort) or bytes were replaced.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return _Decoded(data.decode(codec), name, False)
            except UnicodeDecodeError:
                break
    if _looks_binary(data[:SNIFF_BYTES]):
        return None
    try:
        return _Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    declared = _declared_charset(data) if html else None
    if declared is not None:
        try:
            return _Decoded(data.decode(declared), declared, False)
        except (UnicodeDecodeError, LookupError):
            pass
    return _detect(data)


def _mostly_utf8(data: bytes) -> _Decoded | None:
    """UTF-8 with its few invalid sequences replaced by U+FFFD, when the rest is UTF-8.

    Why: one stray byte (a truncated copy, a mis-pasted character) made a whole UTF-8 page fail
    strict decoding, and detection then read all of it as latin-1: every Cyrillic or accented
    word became mojibake and the page's exact copies elsewhere were no longer found. A page is
    taken as UTF-8 when at most ``MAX_BAD_UTF8`` sequences are invalid and its valid multi-byte
    characters outnumber the invalid bytes ``UTF8_MAJORITY`` to one (a real cp1252 or cp1251
    page has almost no valid multi-byte sequences, so it still goes to detection). The report
    says how many bytes were replaced and where the first was."""
    pieces: list[str] = []
    view = memoryview(data)  # slices without copying the rest of the file at each bad byte
    position = bad_bytes = bad_sequences = 0
    first_bad = -1
    while True:
        try:
            pieces.append(codecs.utf_8_decode(view[position:], "strict", True)[0])
            break
        except UnicodeDecodeError as err:
            bad_sequences += 1
            if bad_sequences > MAX_BAD_UTF8:
                return None
            start, end = position + err.start, position + err.end
            first_bad = start if first_bad < 0 else first_bad
            pieces.append(codecs.utf_8_decode(view[position:start], "strict", True)[0])
            pieces.append("\ufffd")
            bad_bytes += end - start
            position = end
    high_bytes = len(data) - len(data.translate(None, _HIGH_BYTES))  # bytes >= 0x80
    if high_bytes - bad_bytes < UTF8_MAJORITY * bad_bytes:
        return None
    name = f"utf-8 ({bad_bytes} invalid byte(s) replaced, first at byte {first_bad})"
    return _Decoded("".join(pieces), name, True)


def _binary_reason(head: bytes) -> str | None:
    """Why the start of a file is not text, naming where, or None if it looks like text."""
    nul = head.find(b"\x00")
    if nul >= 0:
        return f"binary file (NUL byte at byte {nul})"
    controls = len(head.translate(None, _NOT_CONTROLS))  # C speed: a byte loop cost 40 µs a file
    if head and controls / len(head) > MAX_CONTROL_SHARE:
        return f"binary file ({controls} control characters in its first {len(head)} bytes)"
    return None


def _looks_binary(head: bytes) -> bool:
    return _binary_reason(head) is not None


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:SNIFF_BYTES])
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _detect(data: bytes) -> _Decoded:
    """charset-normalizer's guess; short texts tie between code pages, so break ties
    toward the common ones (a French cp1252 page is not Baltic cp1257)."""
    matches = list(from_bytes(data))
    if matches:
        best = matches[0]
        close = [
            m
            for m in matches
            if m.chaos <= best.chaos + DETECTION_MARGIN
            and m.coherence >= best.coherence - DETECTION_MARGIN
        ]
        chosen = next((m for enc in PREFERRED_ENCODINGS for m in close if m.encoding == enc), best)
        return _Decoded(str(chosen), chosen.encoding, True)
    try:
        return _Decoded(data.decode("cp1252"), "cp1252", True)
    except UnicodeDecodeError:
        return _Decoded(data.decode("latin-1"), "latin_1", True)


# --------------------------------------------------------------------------- HTML


def _from_html(html: str, base: DocumentMeta) -> tuple[str, DocumentMeta]:
    """Main text and what the page says about itself. Works on a parsed tree, never
    on the string: htmldate would fetch a string that looks like a URL."""
    import trafilatura

    try:
        tree = trafilatura.load_html(html)
    except Exception as exc:  # hostile markup must not stop the run
        LOG.debug("HTML parse failed: %s", exc)
        tree = None
    if tree is None:
        return _strip_tags_regex(html), base
    text = _main_text(tree) or _strip_tags_tree(copy.deepcopy(tree))
    return text, _html_meta(tree, base)


def _main_text(tree: Any) -> str:
    """favor_precision keeps less furniture; fall back when it keeps almost nothing (less
    than PRECISION_MIN_SHARE of the balanced extraction's words).

    The balanced pass costs as much as the precise one (~11 ms a page); it runs only when
    it could change the choice, i.e. when the precise text falls short of that share of
    ``_most_words``, which no extraction of the page can exceed. On 181 real news pages
    it was skipped on 156, with the same text chosen on every page.
    """
    precise = _trafilatura_text(tree, favor_precision=True)
    if precise and len(precise.split()) >= PRECISION_MIN_SHARE * _most_words(tree):
        return precise
    balanced = _trafilatura_text(tree, favor_precision=False)
    if precise and len(precise.split()) >= PRECISION_MIN_SHARE * len(balanced.split()):
        return precise
    return balanced


def _most_words(tree: Any) -> int:
    """More words than any text extraction of the page can hold: those of all its text
    outside scripts and styles, plus one per list item (the "- " a text extraction puts
    before each)."""
    texts = tree.xpath("//text()[not(ancestor::script) and not(ancestor::style)]")
    return sum(len(text.split()) for text in texts) + len(tree.xpath("//li"))


def _trafilatura_text(tree: Any, *, favor_precision: bool) -> str:
    import trafilatura

    try:
        text = trafilatura.extract(
            tree,  # trafilatura copies a tree it is given, the caller's stays intact
            output_format="txt",
            include_comments=False,
            include_tables=False,
            favor_precision=favor_precision,
            with_metadata=False,
        )
    except Exception as exc:  # a library bug on one page must not stop the run
        LOG.debug("trafilatura failed: %s", exc)
        return ""
    return _tidy_lines(text or "")


def _tidy_lines(text: str) -> str:
    """One paragraph per line: collapse inner whitespace, drop blank lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _strip_tags_tree(tree: Any) -> str:
    """Last resort: all body text, one line per block element."""
    for element in tree.xpath("//script|//style|//noscript|//template|//head"):
        element.drop_tree()
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    return _tidy_lines(tree.text_content())


def _strip_tags_regex(html: str) -> str:
    """For fragments lxml/trafilatura reject; good enough to keep their text."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html)
    html = re.sub(r"(?i)<(?:br|/p|/div|/li|/h\d)\b[^>]*>", "\n", html)
    return _tidy_lines(html_lib.unescape(re.sub(r"<[^>]*>", " ", html)))


def _html_meta(tree: Any, base: DocumentMeta) -> DocumentMeta:
    from trafilatura.metadata import extract_metadata

    try:
        found = extract_metadata(
            copy.deepcopy(tree),
            date_config={"original_date": True, "extensive_search": False},
        )
    except Exception as exc:  # metadata is a bonus; never lose the text over it
        LOG.debug("metadata extraction failed: %s", exc)
        found = None
    url = _clean_str(getattr(found, "url", None)) or _canonical_url(tree)
    published = _iso_date(getattr(found, "date", None))
    return dataclasses.replace(
        base,
        url=url,
        site=_clean_str(getattr(found, "sitename", None)) or _site_from_url(url),
        title=_clean_str(getattr(found, "title", None)),
        published=published,
        published_source="html-meta" if published else None,
        language=_html_language(tree),
    )


def _canonical_url(tree: Any) -> str | None:
    """trafilatura reads these only inside <head>; broken markup often pushes them to <body>."""
    candidates = tree.xpath('//link[@rel="canonical"]/@href | //meta[@property="og:url"]/@content')
    for candidate in candidates:
        url = _clean_str(str(candidate))
        if url and url.lower().startswith(("http://", "https://")) and _site_from_url(url):
            return url
    return None


def _html_language(tree: Any) -> str | None:
    root = tree.getroottree().getroot()
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        values = root.xpath("//meta[@http-equiv][@content]")
        lang = next(
            (m.get("content") for m in values if m.get("http-equiv").lower() == "content-language"),
            None,
        )
    return _clean_str(lang)


# --------------------------------------------------------------------------- JSONL


def _read_jsonl(src: _Source, config: Config) -> Iterator[Document | Skipped]:
    """Stream records; ``max_file_bytes`` applies per record, since one JSONL is a corpus."""
    assert src.fs_path is not None
    try:
        with _open_binary(src.fs_path) as handle:
            reason = _binary_reason(handle.read(SNIFF_BYTES))
            if reason:
                yield Skipped(src.display, reason)
                return
            handle.seek(0)
            records = yield from _jsonl_records(src.display, handle, config)
    except OSError as exc:
        yield Skipped(src.display, f"unreadable: {_os_reason(exc)}")
        return
    if not records:
        yield Skipped(src.display, "empty: no JSONL records")


def _jsonl_records(
    display: str, handle: BinaryIO, config: Config
) -> Generator[Document | Skipped, None, int]:
    """Yield each record; return how many non-blank lines there were."""
    count = 0
    for number, (line, size) in enumerate(_bounded_lines(handle, config.max_file_bytes), start=1):
        line = line.rstrip(b"\n").rstrip(b"\r")
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if size <= config.max_file_bytes and not line.strip():
            continue
        count += 1
        path = f"{display}#{number}"
        if size > config.max_file_bytes:
            yield _too_large(path, size, config)
        else:
            yield _jsonl_record(path, line, config)
    return count


def _bounded_lines(handle: BinaryIO, limit: int) -> Iterator[tuple[bytes, int]]:
    """(line, size without its newline), holding at most ``limit`` + 2 bytes of a line: an
    over-long line is read through and returned empty, with its true size."""
    while True:
        line = handle.readline(limit + 2)
        if not line:
            return
        if line.endswith(b"\n") or len(line) < limit + 2:
            yield line, len(line) - line.endswith(b"\n")
            continue
        size = len(line)
        while line and not line.endswith(b"\n"):
            line = handle.readline(1 << 20)
            size += len(line) - line.endswith(b"\n")
        yield b"", size


def _jsonl_record(path: str, line: bytes, config: Config) -> Document | Skipped:
    decoded = _decode(line)
    if decoded is None:
        return Skipped(path, "binary data, not a JSON line")
    try:
        obj = json.loads(decoded.text)
    except (ValueError, RecursionError) as exc:
        return Skipped(path, f"bad JSON: {_json_error(exc)}")
    if not isinstance(obj, dict):
        return Skipped(path, f"not a JSON object (a {type(obj).__name__})")
    return _record_document(path, obj, line, config.jsonl, "jsonl", config.paragraph_separator, decoded)


def _record_document(
    path: str,
    obj: dict[str, Any],
    raw: bytes,
    fields: JsonlFields | TableFields,
    fmt: str,
    separator: str | None,
    decoded: _Decoded,
) -> Document | Skipped:
    """A JSONL object or a table row as a document: the same fields, checks and metadata."""
    what = "key" if fmt == "jsonl" else "column"
    text = _dig(obj, fields.text)
    if text is None:
        return Skipped(path, f"no text: {what} {fields.text!r} is missing")
    if not isinstance(text, str):
        return Skipped(path, f"no text: {what} {fields.text!r} is a {type(text).__name__}")
    if separator:  # paragraphs joined by a marker (" ### ") become blank-line separated
        text = "\n\n".join(part.strip() for part in text.split(separator))
    text = _normalise_newlines(text)
    if not text.strip():
        return Skipped(path, f"empty: {what} {fields.text!r} is blank")
    return Document(path, text, _record_meta(obj, fields, decoded, fmt), _hash(raw))


def _record_meta(
    obj: dict[str, Any], fields: JsonlFields | TableFields, decoded: _Decoded, fmt: str
) -> DocumentMeta:
    url = _clean_str(_dig(obj, fields.url))
    published = _iso_date(_dig(obj, fields.date))
    return DocumentMeta(
        url=url,
        site=_clean_str(_dig(obj, fields.site)) or _site_from_url(url),
        title=_clean_str(_dig(obj, fields.title)),
        published=published,
        published_source=fmt if published else None,
        source_format=fmt,
        encoding=decoded.encoding,
        encoding_fallback=decoded.fallback,
    )


def _read_table(src: _Source, config: Config) -> Iterator[Document | Skipped]:
    """A CSV/TSV or Parquet file, a document a row; ``max_file_bytes`` applies per row."""
    assert src.fs_path is not None
    if src.fmt == "parquet":
        yield from _table_documents(tables.parquet_rows(src.display, src.fs_path, id_column=config.csv.id),
                                    "parquet", config)
        return
    try:
        with _open_binary(src.fs_path) as handle:
            if _looks_binary(handle.read(SNIFF_BYTES)):
                yield Skipped(src.display, "binary file (NUL bytes or control characters)")
                return
            handle.seek(0)
            yield from _table_records(src.display, handle, config)
    except OSError as exc:
        yield Skipped(src.display, f"unreadable: {_os_reason(exc)}")


def _table_records(display: str, handle: BinaryIO, config: Config) -> Iterator[Document | Skipped]:
    rows = tables.csv_rows(display, handle, delimiter=tables.delimiter_of(display), id_column=config.csv.id,
                           max_row_bytes=config.max_file_bytes)
    yield from _table_documents(rows, "csv", config)


def _table_documents(
    rows: Iterable[tables.Row | tables.BadRow], fmt: str, config: Config
) -> Iterator[Document | Skipped]:
    decoded = _Decoded("", "utf-8", False)
    count = 0
    for row in rows:
        if isinstance(row, tables.BadRow):
            yield Skipped(row.name, row.reason)
            continue
        count += 1
        if len(row.raw) > config.max_file_bytes:
            yield _too_large(row.name, len(row.raw), config)
            continue
        yield _record_document(row.name, row.record, row.raw, config.csv, fmt, config.paragraph_separator,
                               decoded)


def _json_error(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)


def _dig(obj: dict[str, Any], key: str) -> Any:
    """``a.b.c`` reaches into nested objects; a literal key with dots wins if present."""
    if key in obj:
        return obj[key]
    value: Any = obj
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


# --------------------------------------------------------------------------- sidecars


def _apply_sidecar(document: Document, fs_path: str) -> tuple[Document, Skipped | None]:
    """``X.meta.json`` beside ``X`` fills or overrides what X says about itself."""
    sidecar = fs_path + SIDECAR_SUFFIX
    if not os.path.isfile(sidecar):
        return document, None
    display = document.path + SIDECAR_SUFFIX
    try:
        with _open_binary(sidecar) as handle:
            obj = json.loads(handle.read(MAX_SIDECAR_BYTES).decode("utf-8-sig"))
    except OSError as exc:
        return document, Skipped(display, f"sidecar unreadable: {_os_reason(exc)}")
    except (ValueError, RecursionError) as exc:
        return document, Skipped(display, f"sidecar ignored, bad JSON: {_json_error(exc)}")
    if not isinstance(obj, dict):
        return document, Skipped(display, "sidecar ignored: not a JSON object")
    meta = dataclasses.replace(document.meta, **_sidecar_fields(obj, document.meta))
    return dataclasses.replace(document, meta=meta), None


def _sidecar_fields(obj: dict[str, Any], meta: DocumentMeta) -> dict[str, str]:
    fields = {
        key: value
        for key in ("url", "site", "title", "language")
        if (value := _clean_str(obj.get(key))) is not None
    }
    published = _iso_date(obj.get("published", obj.get("date")))
    if published:
        fields.update(published=published, published_source="sidecar")
    if "site" not in fields and not meta.site and (site := _site_from_url(fields.get("url"))):
        fields["site"] = site
    return fields


# --------------------------------------------------------------------------- values


def _clean_str(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _site_from_url(url: str | None) -> str | None:
    """The URL's host without ``www.``: the best site name when the page gives none."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _iso_date(value: object) -> str | None:
    """A date as written (no timezone shift) as YYYY-MM-DD; None when not a date."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, datetime):  # typed columns (Parquet) hold dates as objects
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return _epoch_date(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for parse in (_parse_iso, _parse_rfc2822, _parse_formats):
        found = parse(text)
        if found is not None:
            return found.isoformat()
    return None


def _epoch_date(value: float) -> str | None:
    seconds = value / 1000 if abs(value) > 1e11 else value  # milliseconds are common
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def _parse_iso(text: str) -> date | None:
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    if re.match(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    return None


def _parse_rfc2822(text: str) -> date | None:
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def _parse_formats(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
