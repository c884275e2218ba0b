"""Paths the tool reads or writes must be regular files (or, for outputs, not exist yet).

Why: opening a FIFO blocks until another program opens its other end (a run that hangs for
ever), a device never ends or swallows what is written, and renaming a new file over a device
node or socket destroys it (as root, ``--index /dev/null`` once put an SQLite file where the
null device was). So every file named by an option is looked at before it is opened, and
anything but a regular file is refused with the path and what it is named. Reads open with
``O_NONBLOCK`` and check the opened descriptor too, so a path swapped between the look and the
open still cannot block.
"""

from __future__ import annotations

import fcntl
import os
import stat


class FileRefused(Exception):
    """A path names something other than a regular file; the message names path and kind."""


def kind_name(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words."""
    for test, name in ((stat.S_ISREG, "a regular file"), (stat.S_ISDIR, "a folder"),
                       (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def require_regular(path: str | os.PathLike[str], role: str, *, may_be_missing: bool = True) -> None:
    """Refuse ``path`` unless it is a regular file (following symlinks) or, when
    ``may_be_missing``, does not exist. ``role`` says what the path is for (``--index``)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if may_be_missing:
            return
        raise FileRefused(f"{role} {os.fspath(path)}: not found") from None
    except OSError as err:
        raise FileRefused(f"{role} {os.fspath(path)}: {err.strerror or err}") from None
    if not stat.S_ISREG(mode):
        raise FileRefused(f"{role} {os.fspath(path)} is {kind_name(mode)}, not a regular file; "
                          "refusing to use it")


def require_folder(path: str | os.PathLike[str], role: str) -> None:
    """Refuse ``path`` if it exists and is not a folder."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise FileRefused(f"{role} {os.fspath(path)}: {err.strerror or err}") from None
    if not stat.S_ISDIR(mode):
        raise FileRefused(f"{role} {os.fspath(path)} is {kind_name(mode)}, not a folder; refusing to use it")


def open_regular(path: str | os.PathLike[str], role: str, flags: int = os.O_RDONLY, mode: int = 0o666) -> int:
    """A descriptor of ``path`` opened with ``flags``, only if it is a regular file.

    The open itself cannot block (``O_NONBLOCK``, cleared again once the file is known to be
    regular); anything else is closed and refused."""
    fd = os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC, mode)
    try:
        found = os.fstat(fd).st_mode
        if not stat.S_ISREG(found):
            raise FileRefused(f"{role} {os.fspath(path)} is {kind_name(found)}, not a regular file; "
                              "refusing to use it")
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: str | os.PathLike[str], role: str) -> bytes:
    """The bytes of a regular file (``FileNotFoundError`` if it is missing; ``FileRefused`` if
    it is anything else)."""
    with os.fdopen(open_regular(path, role), "rb") as handle:
        return handle.read()


def is_regular_or_missing(path: str | os.PathLike[str]) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False

