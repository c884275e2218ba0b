"""Archives read as folders of documents: ``.zip``, ``.tar`` (also gzip/bzip2/xz), ``.gz``, ``.zst``, WARC.

Why this shape: a scrape often arrives packed, and a packed input is the classic way to hurt a
tool (zip bombs, ``../`` names, links, truncated downloads). So nothing is ever extracted to
disk: members are read as streams into memory, each at most ``max_member_bytes``, and every
decompressed byte of one top-level input (nested archives included) is counted against one
:class:`Budget`. Declared sizes are never trusted for reading; a tar's declared sizes are only
used to charge the bytes the stream must pass through. Anything refused becomes a ``Skipped``
with the reason; members read before a corrupt spot are kept.

Display paths: ``archive.zip!inner/path.html``, nested ``a.zip!b.tar!c.txt``, WARC records
``crawl.warc.gz#7`` (7th record of the file), a single gzip or zstd file keeps its own name.
``.zst`` (``pages.jsonl.zst`` as data-processing tools write them) needs the ``zstandard``
package (the ``tables`` extra); without it such a file is skipped with that reason.
"""

from __future__ import annotations

import gzip
import io
import posixpath
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..model import Skipped

CHUNK = 1 << 20  # bytes read from a decompressing stream at a time
ZSTD_FEED = 512  # compressed bytes given to the zstd decompressor at a time (at most ~16 MB out)
# Longest suffix first: ".tar.gz" is a tar, ".warc.gz" a WARC, a bare ".gz" one gzipped file.
_KINDS = (
    (".warc.gz", "warc"),
    (".warc", "warc"),
    (".tar.gz", "tar"),
    (".tgz", "tar"),
    (".tar.bz2", "tar"),
    (".tar.xz", "tar"),
    (".tar", "tar"),
    (".zip", "zip"),
    (".gz", "gzip"),
    (".zst", "zstd"),
)
SUFFIXES = frozenset(suffix.rsplit(".", 1)[-1] for suffix, _ in _KINDS)
# WARC payloads read as pages; other media (images, scripts, CSS) are not documents.
WARC_MEDIA = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}
_READ_ERRORS = (OSError, EOFError, zlib.error, ValueError, RuntimeError, NotImplementedError,
                tarfile.TarError, zipfile.BadZipFile, gzip.BadGzipFile)


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int  # decompressed bytes read from one top-level input, nested archives included
    max_members: int  # members (files, records) of one top-level input
    max_depth: int  # archives inside archives: 1 = no nesting
    max_member_bytes: int  # one member (as max_file_bytes for a file)


@dataclass(frozen=True, slots=True)
class Member:
    """One file (or WARC record) read from an archive. ``fmt`` None = decide by ``name``."""

    display: str
    name: str  # path inside the archive (for the format and the include/exclude filters)
    data: bytes
    fmt: str | None = None
    url: str | None = None  # WARC-Target-URI
    date: str | None = None  # WARC-Date (capture time, ISO 8601)


class _Refused(Exception):
    """A limit of the whole input was reached: stop reading, report why."""


class Budget:
    """What one top-level input may still cost (bytes and members), shared by nested archives."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.bytes_left = limits.max_bytes
        self.members = 0

    def spend(self, count: int) -> None:
        self.bytes_left -= count
        if self.bytes_left < 0:
            raise _Refused(
                f"refused: more than {self.limits.max_bytes} bytes decompressed (max_archive_bytes); "
                "the rest was not read"
            )

    def member(self) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise _Refused(
                f"refused: more than {self.limits.max_members} members (max_archive_members); "
                "the rest was not read"
            )


def archive_kind(name: str) -> str | None:
    """``zip``, ``tar``, ``gzip`` or ``warc`` from a file name, None if not an archive."""
    lower = name.lower()
    return next((kind for suffix, kind in _KINDS if lower.endswith(suffix)), None)


def read_archive(display: str, stream: BinaryIO, kind: str, limits: Limits) -> Iterator[Member | Skipped]:
    """Every member of one top-level archive, or why not; never raises on bad data."""
    budget = Budget(limits)
    try:
        yield from _read(display, stream, kind, budget, depth=1)
    except _Refused as refused:
        yield Skipped(display, str(refused))


def _read(
    display: str, stream: BinaryIO, kind: str, budget: Budget, depth: int
) -> Iterator[Member | Skipped]:
    readers = {"zip": _zip, "tar": _tar, "gzip": _gzip, "zstd": _zstd, "warc": _warc}
    yield from readers[kind](display, stream, budget, depth)


def _capped(handle: BinaryIO, display: str, budget: Budget, *, charge: bool = True) -> bytes | Skipped:
    """Read a member stream, at most ``max_member_bytes``; every byte charged to the budget."""
    limit = budget.limits.max_member_bytes
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = handle.read(min(CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if charge:
            budget.spend(len(chunk))
        if total > limit:
            return Skipped(display, f"too large: more than {limit} bytes decompressed (max_file_bytes)")
        chunks.append(chunk)


def unsafe_name(name: str) -> str | None:
    """Why a member name must not be used, or None. Nothing is extracted, but a name that
    would climb out of its folder is refused outright rather than shown as if it were safe."""
    path = name.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return "unsafe member name (absolute path): not read"
    if ".." in path.split("/"):
        return "unsafe member name ('..' leads outside the archive): not read"
    if "\x00" in path:
        return "unsafe member name (NUL character): not read"
    return None


def _hidden(name: str) -> bool:
    """Dot files and folders (``.git/``, macOS ``__MACOSX/._x``) are ignored, as in a folder walk."""
    return any(part.startswith(".") or part == "__MACOSX" for part in name.split("/") if part)


def _member(display: str, name: str, data: bytes, budget: Budget, depth: int) -> Iterator[Member | Skipped]:
    """A member's bytes: a nested archive is opened (within the depth limit), a file returned."""
    kind = archive_kind(name)
    if kind is None:
        yield Member(display, name, data)
    elif depth >= budget.limits.max_depth:
        limit = budget.limits.max_depth
        yield Skipped(display, f"nested archive deeper than max_archive_depth {limit}: not read")
    else:
        yield from _read(display, io.BytesIO(data), kind, budget, depth + 1)


# --------------------------------------------------------------------------- zip


def _zip(display: str, stream: BinaryIO, budget: Budget, depth: int) -> Iterator[Member | Skipped]:
    declared = _zip_entries(stream)
    if declared is not None and declared > budget.limits.max_members:
        yield Skipped(display, f"refused: declares {declared} members > max_archive_members "
                               f"{budget.limits.max_members}; nothing was read")
        return
    try:
        archive = zipfile.ZipFile(stream)
    except _READ_ERRORS as err:
        yield Skipped(display, f"corrupt zip: {_reason(err)}")
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            yield from _zip_member(archive, info, display, budget, depth)


def _zip_entries(stream: BinaryIO) -> int | None:
    """Entries the central directory declares, read before zipfile loads it all into memory."""
    try:
        record = zipfile._EndRecData(stream)  # type: ignore[attr-defined]  # stable since Python 2
        stream.seek(0)
    except (OSError, AttributeError, ValueError):
        return None
    return int(record[zipfile._ECD_ENTRIES_TOTAL]) if record else None  # type: ignore[attr-defined]


def _zip_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, budget: Budget, depth: int
) -> Iterator[Member | Skipped]:
    where = f"{display}!{info.filename}"
    problem = unsafe_name(info.filename)
    if problem is None and _hidden(info.filename):
        return
    budget.member()
    if problem is None and stat.S_ISLNK(info.external_attr >> 16):
        problem = "symbolic link member: not followed"
    if problem is not None:
        yield Skipped(where, problem)
        return
    try:
        with archive.open(info) as handle:
            data = _capped(handle, where, budget)
    except _READ_ERRORS as err:
        yield Skipped(where, f"unreadable member: {_reason(err)}")
        return
    if isinstance(data, Skipped):
        yield data
    else:
        yield from _member(where, info.filename, data, budget, depth)


# --------------------------------------------------------------------------- tar


def _tar(display: str, stream: BinaryIO, budget: Budget, depth: int) -> Iterator[Member | Skipped]:
    """Streamed ("r|*"): members in order, no seeking, compression detected from the bytes."""
    count = 0
    try:
        archive = tarfile.open(fileobj=stream, mode="r|*")  # noqa: SIM115 - closed below
    except _READ_ERRORS as err:
        yield Skipped(display, f"corrupt tar: {_reason(err)}")
        return
    with archive:
        try:
            for info in archive:
                count += 1
                yield from _tar_member(archive, info, display, budget, depth)
        except _Refused:
            raise
        except _READ_ERRORS as err:
            yield Skipped(display, f"corrupt or truncated tar after {count} member(s): {_reason(err)}; "
                                   "the rest was not read")


def _tar_member(
    archive: tarfile.TarFile, info: tarfile.TarInfo, display: str, budget: Budget, depth: int
) -> Iterator[Member | Skipped]:
    budget.spend(info.size)  # the stream passes these bytes whether read or skipped
    problem = unsafe_name(info.name)
    if info.isdir() or (problem is None and _hidden(info.name)):
        return
    where = f"{display}!{info.name}"
    budget.member()
    if problem is None and (info.issym() or info.islnk()):
        problem = f"link member (to {info.linkname!r}): not followed"
    if problem is None and not info.isreg():
        problem = "not a regular file"
    if problem is not None:
        yield Skipped(where, problem)
        return
    handle = archive.extractfile(info)
    data = _capped(handle, where, budget, charge=False) if handle is not None else b""
    if isinstance(data, Skipped):
        yield data
    else:
        yield from _member(where, info.name, data, budget, depth)


# --------------------------------------------------------------------------- gzip


def _gzip(display: str, stream: BinaryIO, budget: Budget, depth: int) -> Iterator[Member | Skipped]:
    """One gzipped file; its document keeps the archive's display path."""
    budget.member()
    try:
        with gzip.GzipFile(fileobj=stream) as handle:
            data = _capped(handle, display, budget)
    except _READ_ERRORS as err:
        yield Skipped(display, f"corrupt or truncated gzip: {_reason(err)}")
        return
    yield from _unpacked(display, ".gz", data, budget, depth)


def _unpacked(
    display: str, suffix: str, data: bytes | Skipped, budget: Budget, depth: int
) -> Iterator[Member | Skipped]:
    """What one compressed file held (``data``, or why not), named as the file less ``suffix``:
    a document, or an archive read on (``pages.tar.gz`` holds a tar)."""
    if isinstance(data, Skipped):
        yield data
        return
    name = posixpath.basename(display.replace("\\", "/"))
    inner = name[: -len(suffix)] if name.lower().endswith(suffix) else name
    kind = archive_kind(inner)
    if kind is None:
        yield Member(display, inner, data)
    else:
        yield from _member(display, inner, data, budget, depth)


class _ZstdStream:
    """A zstd stream's decompressed bytes, frame after frame, as ``read(size)``.

    Why not zstandard's own stream reader: a stream cut inside a frame reads as a shorter file
    there, silently; here it raises EOFError. Compressed input is fed ``ZSTD_FEED`` bytes at a
    time because one zstd block of a few bytes may expand to 128 KB: what one call can produce
    stays bounded (a few MB) before ``_capped`` charges it to the budget."""

    def __init__(self, zstandard: Any, source: BinaryIO) -> None:
        self._zstandard, self._source = zstandard, source
        self._frame = zstandard.ZstdDecompressor().decompressobj()
        self._pending = bytearray()
        self._input = memoryview(b"")
        self._started = False  # bytes of the current frame were fed

    def read(self, size: int) -> bytes:
        while len(self._pending) < size:
            if not self._input:
                self._input = memoryview(self._source.read(CHUNK))
                if not self._input:
                    if self._started:
                        raise EOFError("zstd stream ends inside a frame")
                    break
            piece, self._input = self._input[:ZSTD_FEED], self._input[ZSTD_FEED:]
            self._started = True
            self._pending += self._frame.decompress(piece.tobytes())
            if self._frame.eof:  # the frame ended: what follows is the next frame
                self._input = memoryview(self._frame.unused_data + self._input.tobytes())
                self._frame = self._zstandard.ZstdDecompressor().decompressobj()
                self._started = False
        out = bytes(self._pending[:size])
        del self._pending[:size]
        return out


def _zstd(display: str, stream: BinaryIO, budget: Budget, depth: int) -> Iterator[Member | Skipped]:
    """One zstd-compressed file, read as ``_gzip`` reads a gzipped one (same limits, same names)."""
    try:
        import zstandard
    except ImportError:
        yield Skipped(display, "a .zst file needs the zstandard package: pip install 'dedupe-audit[tables]'")
        return
    budget.member()
    try:
        data = _capped(_ZstdStream(zstandard, stream), display, budget)  # type: ignore[arg-type]
    except (*_READ_ERRORS, zstandard.ZstdError) as err:
        yield Skipped(display, f"corrupt or truncated zstd: {_reason(err)}")
        return
    yield from _unpacked(display, ".zst", data, budget, depth)


# --------------------------------------------------------------------------- WARC


class _Counted:
    """A read-only stream that counts the bytes it hands out and turns a decompression error
    into an early end (kept in ``error``): warcio reads ahead, and records already read
    whole must not be lost to a broken tail."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        if self.error is not None:
            return b""
        try:
            # read1: what one underlying read gives, so data before a broken spot is kept
            data = self.raw.read1(size) if hasattr(self.raw, "read1") else self.raw.read(size)
        except (EOFError, zlib.error, gzip.BadGzipFile) as err:
            self.error = err
            return b""
        self.count += len(data)
        return data


def _warc(display: str, stream: BinaryIO, budget: Budget, depth: int) -> Iterator[Member | Skipped]:
    """Response/resource records with an HTML or plain-text payload, each a page.

    The gzip layer is undone here (not by warcio), so a truncated download raises instead of
    ending quietly; bytes left after the last whole record are reported, not dropped."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    head = stream.read(2)
    stream.seek(0)
    counted = _Counted(gzip.GzipFile(fileobj=stream) if head == b"\x1f\x8b" else stream)  # type: ignore[arg-type]
    number, end = 0, 0
    try:
        records = ArchiveIterator(counted)
        for record in records:
            number += 1
            budget.spend(int(record.length or 0))  # the stream passes the record either way
            yield from _warc_record(record, f"{display}#{number}", budget)
            records.read_to_end()
            end = records.get_record_offset() + records.get_record_length()
        while counted.read(CHUNK):
            pass
    except _Refused:
        raise
    except (ArchiveLoadFailed, *_READ_ERRORS) as err:
        yield Skipped(display, f"corrupt or truncated WARC after record {number}: {_reason(err)}; "
                               "the rest was not read")
        return
    if counted.error is not None:
        yield Skipped(display, f"corrupt or truncated WARC after record {number}: {_reason(counted.error)}; "
                               "the rest was not read")
    elif counted.count > end + 4:  # a whole file ends with at most the CRLFs of its last record
        yield Skipped(display, f"corrupt or truncated WARC after record {number}: "
                               f"{counted.count - end} bytes are not a whole record")


def _warc_record(record: object, where: str, budget: Budget) -> Iterator[Member | Skipped]:
    rec_type = getattr(record, "rec_type", "")
    if rec_type not in ("response", "resource"):
        return
    headers = record.http_headers or record.rec_headers  # type: ignore[attr-defined]
    media = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    fmt = WARC_MEDIA.get(media)
    if fmt is None:
        return
    budget.member()
    status = record.http_headers.get_statuscode() if record.http_headers else "200"  # type: ignore[attr-defined]
    if not str(status).startswith("2"):
        yield Skipped(where, f"HTTP status {status}: not a page")
        return
    url = record.rec_headers.get_header("WARC-Target-URI")  # type: ignore[attr-defined]
    data = _capped(record.content_stream(), where, budget, charge=False)  # type: ignore[attr-defined]
    if isinstance(data, Skipped):
        yield data
        return
    date = record.rec_headers.get_header("WARC-Date")  # type: ignore[attr-defined]
    yield Member(where, posixpath.basename(url or "") or "record", data, fmt, url, date)


def _reason(err: BaseException) -> str:
    text = " ".join(str(err).split())[:200]
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
