"""Renderers: each turns an AuditResult into text and computes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..model import AuditResult
from . import github, html, json, junit, markdown, sarif, text

RENDERERS: dict[str, Callable[[AuditResult], str]] = {
    "text": text.render,
    "markdown": markdown.render,
    "json": json.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
    "html": html.render,
}

# Formats written piece by piece (a large corpus's JSON report is never one string).
STREAMED: dict[str, Callable[[AuditResult], Iterator[str]]] = {"json": json.chunks}

# Formats that list findings and show the CI gate's verdict: called as render(result, listed,
# outcome), ``listed`` being ``ci.gate.listing`` of the run's findings, built once by the caller
# (renderers compute no findings: ``render`` imports nothing from ``ci`` or ``dedup``).
GATE_AWARE = frozenset({"sarif", "github", "junit"})

DEFAULT_OUTPUTS: dict[str, str] = {
    "markdown": "reports/audit.md",
    "json": "reports/audit.json",
    "text": "-",
    "sarif": "reports/audit.sarif",
    "github": "-",
    "junit": "reports/audit.junit.xml",
    "html": "reports/audit.html",
}
