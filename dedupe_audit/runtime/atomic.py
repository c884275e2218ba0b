"""Atomic file writes: a report or index is either the old file or the new one, never half."""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .safefiles import require_regular

SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_surrogates(error: UnicodeError) -> tuple[bytes, int]:
    if isinstance(error, UnicodeEncodeError):  # bytes: the UTF-8 encoder takes only ASCII text back
        return "\ufffd".encode() * (error.end - error.start), error.end
    raise error


codecs.register_error("dedupe_audit.surrogates", _replace_surrogates)


def utf8(text: str) -> bytes:
    """``text`` in UTF-8, each lone surrogate written as U+FFFD.

    Why: scraped text reaches reports with lone surrogates (a JSON ``"\\ud800"`` escape, a file
    name holding bytes that are not UTF-8), which UTF-8 cannot encode: strict encoding ended the
    run with a traceback after the audit. The handler runs only on such characters, so clean
    text costs nothing extra."""
    return text.encode("utf-8", "dedupe_audit.surrogates")


def scrub(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (for text printed, not written)."""
    return SURROGATE.sub("\ufffd", text)


def write_atomic(path: str | os.PathLike[str], data: str | bytes | Iterable[str]) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename over.

    ``data`` may be pieces of text (a streamed report): they are written as they come, and
    a failure half-way leaves the old file in place."""
    target = Path(path)
    require_regular(target, "output")  # never rename over a device, FIFO, socket or folder
    target.parent.mkdir(parents=True, exist_ok=True)
    pieces = [data] if isinstance(data, (str, bytes)) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "wb") as handle:
            for piece in pieces:
                handle.write(utf8(piece) if isinstance(piece, str) else piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    """The permission bits the written file gets: those of the file it replaces, else what
    ``open(path, "w")`` would give (0666 less the umask). ``mkstemp`` alone made every
    report 0600, unreadable to the group a CI job shares it with."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process's umask (read by setting it and putting it back: there is no getter).

    Why: files written through a temporary name are created 0600 by ``mkstemp``; they are
    given the mode a plain ``open(path, "w")`` would have given them instead."""
    try:  # Linux shows it without changing it, which is safe with other threads running
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
