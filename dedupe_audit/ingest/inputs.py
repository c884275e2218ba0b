"""Turn what the user names (files, folders, globs, ``-``) into ``Document``s.

Everything that can go wrong with one input becomes a ``Skipped`` with a reason, so a run
over a messy scrape always finishes. Output order is sorted by display path so that the
same inputs give the same report byte for byte.

Text layout: text/markdown files keep their own lines; HTML main text comes out as one
paragraph per line (trafilatura's plain-text layout, blank lines dropped). Bytes become text in
``decoding``, an HTML page becomes its main text and metadata in ``html_text``, and record and
page metadata values (dates, sites) are read in ``metadata``.
"""

from __future__ import annotations

import codecs
import dataclasses
import fnmatch
import glob
import io
import json
import os
import posixpath
import re
import stat
import sys
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

import xxhash

from ..config import Config, JsonlFields, TableFields
from ..model import Document, DocumentMeta, Skipped
from ..runtime.parallel import map_offloaded, resolve_jobs
from . import archives, tables
from .decoding import BOMS, SNIFF_BYTES, Decoded, binary_reason, decode, detect_encoding, looks_binary
from .html_text import from_html
from .metadata import clean_str, iso_date, site_from_url

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
    # archives are read as folders of documents (archives.py); ".gz" covers .tar.gz/.warc.gz
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
MAX_SIDECAR_BYTES = 1_000_000
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(rb"<(?:html|body|head|p|div|article)[\s>]", re.IGNORECASE)


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
    extracted in ``config.runtime.jobs`` worker processes once there are more than a few
    (``HTML_INLINE``); the order and the output are the same as in one process.
    """
    entries = (
        item
        for entry in collect_sources(paths, config)
        for item in ((entry,) if isinstance(entry, Skipped) else _read_source(entry, config, stdin))
    )
    jobs = resolve_jobs(config.runtime.jobs)
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
        fmt = "archive" if archives.archive_kind(fs_path) else FORMATS.get(_suffix(fs_path), "text")
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
    if config.ingest.include and not _matches(rel, name, config.ingest.include):
        return False
    return not _excluded(rel, name, config)


def _excluded(rel: str, name: str, config: Config) -> bool:
    return bool(config.ingest.exclude) and _matches(rel, name, config.ingest.exclude)


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
    splits = config.ingest.split_large_text and src.fmt != "html"
    if src.fmt not in RECORD_FORMATS and not splits and st.st_size > config.ingest.max_file_bytes:
        return _too_large(src.display, st.st_size, config)
    return None  # JSONL and tables are limited per record, archives by their budget


def _too_large(display: str, size: int, config: Config) -> Skipped:
    """Nothing of the file is read; the reason says how to get it audited."""
    return Skipped(
        display,
        f"too large: {size} bytes > max_file_bytes {config.ingest.max_file_bytes} "
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
            data = handle.read(config.ingest.max_file_bytes + 1)
            if (len(data) > config.ingest.max_file_bytes and config.ingest.split_large_text
                    and src.fmt != "html"):
                handle.seek(0)
                yield from _read_parts(src.display, handle, src.fmt, config)
                return
    except OSError as exc:
        yield Skipped(src.display, _open_error(exc, src.fs_path))
        return
    if len(data) > config.ingest.max_file_bytes:
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
    kind = archives.archive_kind(src.fs_path)
    if kind is None:
        yield Skipped(src.display, "unsupported compressed file (not .zip/.tar/.tgz/.gz/.zst/.warc)")
        return
    limits = archives.Limits(
        config.ingest.max_archive_bytes, config.ingest.max_archive_members, config.ingest.max_archive_depth,
        config.ingest.max_file_bytes,
    )
    try:
        with _open_binary(src.fs_path) as handle:
            for item in archives.read_archive(src.display, handle, kind, limits):
                yield from _from_member(item, config) if isinstance(item, archives.Member) else (item,)
    except OSError as exc:
        yield Skipped(src.display, _open_error(exc, src.fs_path))


def _from_member(member: archives.Member, config: Config) -> Iterator[Document | Skipped | _Parse]:
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
    url = clean_str(target_url)
    fields: dict[str, Any] = {"url": url or meta.url, "site": site_from_url(url) or meta.site}
    captured = iso_date(captured_at)
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
    chunk_size = max(config.ingest.max_file_bytes // 2, 1)
    first = handle.read(chunk_size)
    decoded = _stream_encoding(first)
    if decoded is None:
        yield Skipped(display, binary_reason(first[:SNIFF_BYTES]) or "binary file")
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
    for bom, codec, name in BOMS:
        if head.startswith(bom):
            return codec, name, False
    if looks_binary(head[:SNIFF_BYTES]):
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", "utf-8", False
    except UnicodeDecodeError:
        pass
    guess = detect_encoding(head[: 1 << 20])
    return guess.encoding, guess.encoding, True


def _read_stdin(src: _Source, config: Config, stdin: BinaryIO | None) -> Document | Skipped:
    stream = stdin if stdin is not None else sys.stdin.buffer
    try:
        data = stream.read(config.ingest.max_file_bytes + 1)
    except OSError as exc:
        return Skipped(src.display, f"unreadable: {_os_reason(exc)}")
    if len(data) > config.ingest.max_file_bytes:
        return _too_large(src.display, len(data), config)
    return _parse_bytes(src.display, data, "html" if _looks_like_html(data) else "text")


def _looks_like_html(data: bytes) -> bool:
    head = data[:SNIFF_BYTES]
    for bom, codec, _ in BOMS:
        if head.startswith(bom):
            head = head.decode(codec, errors="ignore").encode("utf-8")
            break
    return bool(_HTML_START.match(head) or _HTML_TAG.search(head[:1024]))


def _parse_bytes(display: str, data: bytes, fmt: str) -> Document | Skipped:
    """Bytes of one single-document file to a Document, or why not."""
    if not data:
        return Skipped(display, "empty file")
    decoded = decode(data, html=fmt == "html")
    if decoded is None:
        return Skipped(display, binary_reason(data[:SNIFF_BYTES]) or "binary file")
    text = _normalise_newlines(decoded.text)
    if not text.strip():
        return Skipped(display, "empty: whitespace only")
    base = DocumentMeta(
        source_format=fmt, encoding=decoded.encoding, encoding_fallback=decoded.fallback
    )
    if fmt == "html":
        text, base = from_html(text, base)
        if not text:
            return Skipped(display, "no text: the HTML has no readable body text")
    return Document(display, text, base, _hash(data))


def _hash(data: bytes) -> str:
    return xxhash.xxh3_128_hexdigest(data)


def _normalise_newlines(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- JSONL


def _read_jsonl(src: _Source, config: Config) -> Iterator[Document | Skipped]:
    """Stream records; ``max_file_bytes`` applies per record, since one JSONL is a corpus."""
    assert src.fs_path is not None
    try:
        with _open_binary(src.fs_path) as handle:
            reason = binary_reason(handle.read(SNIFF_BYTES))
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
    for number, (line, size) in enumerate(_bounded_lines(handle, config.ingest.max_file_bytes), start=1):
        line = line.rstrip(b"\n").rstrip(b"\r")
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if size <= config.ingest.max_file_bytes and not line.strip():
            continue
        count += 1
        path = f"{display}#{number}"
        if size > config.ingest.max_file_bytes:
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
    decoded = decode(line)
    if decoded is None:
        return Skipped(path, "binary data, not a JSON line")
    try:
        obj = json.loads(decoded.text)
    except (ValueError, RecursionError) as exc:
        return Skipped(path, f"bad JSON: {_json_error(exc)}")
    if not isinstance(obj, dict):
        return Skipped(path, f"not a JSON object (a {type(obj).__name__})")
    return _record_document(path, obj, line, config.ingest.jsonl, "jsonl",
                            config.ingest.paragraph_separator, decoded)


def _record_document(
    path: str,
    obj: dict[str, Any],
    raw: bytes,
    fields: JsonlFields | TableFields,
    fmt: str,
    separator: str | None,
    decoded: Decoded,
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
    obj: dict[str, Any], fields: JsonlFields | TableFields, decoded: Decoded, fmt: str
) -> DocumentMeta:
    url = clean_str(_dig(obj, fields.url))
    published = iso_date(_dig(obj, fields.date))
    return DocumentMeta(
        url=url,
        site=clean_str(_dig(obj, fields.site)) or site_from_url(url),
        title=clean_str(_dig(obj, fields.title)),
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
        rows = tables.parquet_rows(src.display, src.fs_path, id_column=config.ingest.csv.id)
        yield from _table_documents(rows,
                                    "parquet", config)
        return
    try:
        with _open_binary(src.fs_path) as handle:
            if looks_binary(handle.read(SNIFF_BYTES)):
                yield Skipped(src.display, "binary file (NUL bytes or control characters)")
                return
            handle.seek(0)
            yield from _table_records(src.display, handle, config)
    except OSError as exc:
        yield Skipped(src.display, f"unreadable: {_os_reason(exc)}")


def _table_records(display: str, handle: BinaryIO, config: Config) -> Iterator[Document | Skipped]:
    rows = tables.csv_rows(display, handle, delimiter=tables.delimiter_of(display),
                           id_column=config.ingest.csv.id,
                           max_row_bytes=config.ingest.max_file_bytes)
    yield from _table_documents(rows, "csv", config)


def _table_documents(
    rows: Iterable[tables.Row | tables.BadRow], fmt: str, config: Config
) -> Iterator[Document | Skipped]:
    decoded = Decoded("", "utf-8", False)
    count = 0
    for row in rows:
        if isinstance(row, tables.BadRow):
            yield Skipped(row.name, row.reason)
            continue
        count += 1
        if len(row.raw) > config.ingest.max_file_bytes:
            yield _too_large(row.name, len(row.raw), config)
            continue
        yield _record_document(row.name, row.record, row.raw, config.ingest.csv, fmt,
                               config.ingest.paragraph_separator, decoded)


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
        if (value := clean_str(obj.get(key))) is not None
    }
    published = iso_date(obj.get("published", obj.get("date")))
    if published:
        fields.update(published=published, published_source="sidecar")
    if "site" not in fields and not meta.site and (site := site_from_url(fields.get("url"))):
        fields["site"] = site
    return fields
