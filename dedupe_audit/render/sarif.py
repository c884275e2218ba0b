"""SARIF 2.1.0 log: findings as results for code-scanning dashboards (GitHub, Azure DevOps).

Rule ids are the stable names in ``findings.RULES``; ``partialFingerprints`` carry the content
fingerprint so dashboards track a finding across line shifts. URIs are relative (to the working
folder) and percent-encoded; scraped text only ever goes into plain ``message.text``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..model import RULES, AuditResult, GateOutcome, Listed, Occurrence
from .common import locator
from .escape import terminal

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "dedupeAudit/v1"
RULE_IDS = tuple(RULES)
EXCERPT = 120


def uri(path: str) -> str:
    """A relative URI reference for a display path (absolute paths under the cwd made relative)."""
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:
            relative = path
        if relative.startswith(".."):
            return Path(path).as_uri()
        path = relative
    posix = path.replace(os.sep, "/")
    while posix.startswith("./"):
        posix = posix[2:]
    # ':' is encoded too, so "a:b.txt" is never read as a URI scheme.
    return quote(posix, safe="/-._~!$&'()*+,;=@")


def _location(physical: tuple[str, int, int], message: str | None = None, ident: int | None = None):
    file, line, end_line = physical
    out: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": uri(file)},
            "region": {"startLine": max(line, 1), "endLine": max(end_line, line, 1)},
        }
    }
    if ident is not None:
        out["id"] = ident
    if message:
        out["message"] = {"text": message}
    return out


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": rule_id,
            "name": "".join(part.capitalize() for part in rule_id.split("-")),
            "shortDescription": {"text": description},
            "fullDescription": {"text": f"{description} (category: {category})."},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"category": category, "tags": ["dedupe-audit", category]},
        }
        for rule_id, (category, description) in RULES.items()
    ]


def render(result: AuditResult, listed: Sequence[Listed], outcome: GateOutcome | None = None) -> str:
    """The SARIF log of the ``listed`` findings (``ci.gate.listing``, built once by the caller)."""
    physical = locator(result)
    results = []
    for item in listed:
        finding = item.finding
        first, *others = finding.occurrences
        text = f"{finding.message}: \"{terminal(finding.excerpt, EXCERPT)}\""
        if others:
            text += f" (also at {len(others)} other place(s))"
        entry: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": RULE_IDS.index(finding.rule),
            "level": item.level,
            "message": {"text": text},
            "locations": [_location(physical(first))],
            "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
            "properties": {"category": finding.category, "copies": len(finding.occurrences)},
        }
        if others:
            entry["relatedLocations"] = [
                _location(physical(o), _related(o), i) for i, o in enumerate(others, start=1)
            ]
        if finding.similarity is not None:
            entry["properties"]["similarity"] = finding.similarity
        if item.state:
            entry["baselineState"] = item.state
        results.append(entry)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "dedupe-audit",
                "version": result.tool_version,
                "semanticVersion": result.tool_version,
                "rules": _rules(),
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"settings": result.settings},
    }
    if outcome is not None:
        run["invocations"] = [{"executionSuccessful": True, "exitCode": 0 if outcome.passed else 1}]
        run["properties"]["gate"] = {
            "passed": outcome.passed,
            "rules": [
                {"rule": r.rule, "threshold": r.threshold, "measured": r.measured, "passed": r.passed}
                for r in outcome.rules
            ],
        }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _related(occurrence: Occurrence) -> str:
    return "copy" if occurrence.member else "block holding a copy"
