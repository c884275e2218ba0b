"""Renderers: each turns an AuditResult into text and computes nothing."""

from __future__ import annotations

from collections.abc import Callable

from ..model import AuditResult
from . import json, markdown, text

RENDERERS: dict[str, Callable[[AuditResult], str]] = {
    "text": text.render,
    "markdown": markdown.render,
    "json": json.render,
}

DEFAULT_OUTPUTS: dict[str, str] = {
    "markdown": "reports/audit.md",
    "json": "reports/audit.json",
    "text": "-",
}
