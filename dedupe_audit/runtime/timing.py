"""Seconds per pipeline stage, kept for benchmarks and ``--verbose`` style reporting.

A stage records laps into a dict of its own call and returns it with its result (detection's
``Clusters.seconds``, the run's ``AuditResult.stats``); nothing here changes what a run computes.
"""

from __future__ import annotations

import time


class Laps:
    """Adds the seconds since the previous lap to ``into[stage]``."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into = into
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.into[stage] = self.into.get(stage, 0.0) + now - self.last
        self.last = now

    def exclude(self, seconds: float) -> None:
        """Leave ``seconds`` spent elsewhere since the last lap out of the next one."""
        self.last += seconds
