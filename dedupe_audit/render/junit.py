"""JUnit XML: one test case per gate rule, so any CI test-report viewer shows the gate.

Scraped text is in messages, and XML 1.0 cannot carry most control characters at all (not even
as references), so they are written as visible ``\\xNN`` escapes; ElementTree escapes the rest.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..model import CATEGORIES, AuditResult, Finding, GateOutcome, Listed
from .escape import terminal

_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
EXCERPT = 120
DETAILS = 20


def xml_text(value: str) -> str:
    """Text XML 1.0 can hold: forbidden characters become visible \\xNN / \\uNNNN escapes."""
    def visible(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _FORBIDDEN.sub(visible, value)


def _details(findings: tuple[Finding, ...]) -> str:
    lines = []
    for finding in findings[:DETAILS]:
        places = ", ".join(o.location for o in finding.occurrences[:5])
        lines.append(f"{finding.rule} at {places}: {terminal(finding.excerpt, EXCERPT)}")
    if len(findings) > DETAILS:
        lines.append(f"... and {len(findings) - DETAILS} more")
    return "\n".join(lines)


def _case(suite: ET.Element, name: str, failure: str | None, details: str) -> None:
    case = ET.SubElement(suite, "testcase", classname="dedupe-audit.gate", name=xml_text(name), time="0")
    if failure is not None:
        node = ET.SubElement(case, "failure", message=xml_text(failure), type="gate")
        node.text = xml_text(details)


def render(result: AuditResult, listed: Sequence[Listed], outcome: GateOutcome | None = None) -> str:
    """The gate's rules as test cases; without a gate, one case per category of the ``listed``
    findings (``ci.gate.listing``, built once by the caller)."""
    suite = ET.Element("testsuite", name="dedupe-audit", time="0", errors="0", skipped="0")
    if outcome is not None:
        for rule in outcome.rules:
            failure = None
            if not rule.passed:
                failure = f"{rule.rule}: measured {rule.measured}, threshold {rule.threshold}"
                if rule.offenders:
                    failure += " (" + ", ".join(rule.offenders) + ")"
            _case(suite, rule.rule, failure, _details(rule.findings))
    else:  # no gate configured: one case per finding category, failing when it has findings
        findings = [item.finding for item in listed]
        for category in CATEGORIES:
            hits = tuple(f for f in findings if f.category == category)
            failure = f"{len(hits)} {category} finding(s)" if hits else None
            _case(suite, category, failure, _details(hits))
    cases = len(suite)
    failures = sum(1 for case in suite if case.find("failure") is not None)
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    root = ET.Element("testsuites", name="dedupe-audit", tests=str(cases), failures=str(failures))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
