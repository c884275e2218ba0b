"""A progress bar on stderr for long runs, and silence everywhere else.

Why this small: CI logs and pipes must stay clean (no bar when stderr is not a terminal or with
--quiet), and a quick run should not flash a bar, so nothing is drawn before ``delay`` seconds.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Call with (done, total); draws at most ``rate`` times a second after ``delay`` seconds."""

    def __init__(
        self,
        label: str,
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
        delay: float = 0.5,
        rate: float = 10.0,
        width: int = 30,
    ) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.delay = delay
        self.interval = 1.0 / rate
        self.width = width
        self.started = time.monotonic()
        self.last = 0.0
        self.drawn = False

    @classmethod
    def for_terminal(cls, label: str, quiet: bool = False, stream: TextIO | None = None) -> Progress:
        stream = stream or sys.stderr
        return cls(label, enabled=not quiet and _isatty(stream), stream=stream)

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < self.delay or (now - self.last < self.interval and done < total):
            return
        self.last = now
        share = done / total if total else 1.0
        filled = int(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {share:4.0%} {done}/{total}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Erase the bar so the summary that follows starts on a clean line."""
        if self.drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.drawn = False


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
