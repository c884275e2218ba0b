"""Access to the knowledge files shipped in ``dedupe_audit/data``."""

from __future__ import annotations

from importlib import resources


def data_file(name: str) -> str:
    """Text of a shipped data file (works from a wheel, a zip or a source tree)."""
    return resources.files("dedupe_audit").joinpath("data", name).read_text(encoding="utf-8")
