"""GitHub Actions output: workflow-command annotations and the job summary Markdown.

Annotation values are escaped as the runner decodes them (data: ``%``, CR, LF; properties also
``:`` and ``,``), so a scraped paragraph or a file name can neither end the command early nor
start a new one. The job summary is capped below GitHub's 1 MiB per step.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import AuditResult, Finding, GateOutcome, Listed
from . import markdown
from .common import locator
from .escape import md, md_code, plain, terminal, visible

STEP_SUMMARY_LIMIT = 1024 * 1024  # bytes GitHub accepts per step
LEVELS = {"error": "error", "warning": "warning", "note": "notice"}
EXCERPT = 160
ALSO = 5
TRUNCATED = "\n\n> **Note:** report truncated to stay under GitHub's 1 MiB job-summary limit; "\
    "see the full report artifact.\n"


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A property value (``file=``, ``title=``): CR and LF are escaped by ``escape_data``, every
    other control character, bidi override or lone surrogate is shown as U+FFFD first."""
    return escape_data(visible(value)).replace(":", "%3A").replace(",", "%2C")


def _message(finding: Finding, others: list[str]) -> str:
    lines = [plain(finding.message), f'"{terminal(finding.excerpt, EXCERPT)}"']
    if others:
        more = f" and {len(others) - ALSO} more" if len(others) > ALSO else ""
        lines.append("Also at: " + ", ".join(plain(o) for o in others[:ALSO]) + more)
    return "\n".join(lines)


def render(result: AuditResult, listed: Sequence[Listed], outcome: GateOutcome | None = None) -> str:
    """One annotation per listed finding, at its first place; the other places are named in the
    text. ``listed`` is ``ci.gate.listing`` of the run's findings, built once by the caller."""
    physical = locator(result)
    lines = []
    for item in listed:
        finding = item.finding
        file, line, end_line = physical(finding.occurrences[0])
        others = [o.location for o in finding.occurrences[1:]]
        props = {
            "file": file,
            "line": str(line),
            "endLine": str(max(end_line, line)),
            "title": f"dedupe-audit {finding.rule}",
        }
        joined = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
        lines.append(f"::{LEVELS[item.level]} {joined}::{escape_data(_message(finding, others))}")
    return "\n".join(lines) + ("\n" if lines else "")


def gate_markdown(outcome: GateOutcome) -> str:
    """The gate verdict as Markdown: one row per rule, failing rules first."""
    verdict = "passed" if outcome.passed else "**failed**"
    rows = ["| Rule | Threshold | Measured | Result | Top locations |", "| --- | --- | --- | --- | --- |"]
    for rule in sorted(outcome.rules, key=lambda r: r.passed):
        places = "<br>".join(md_code(o) for o in rule.offenders) or "-"
        result = "pass" if rule.passed else "**FAIL**"
        rows.append(f"| {md(rule.rule)} | {md(rule.threshold)} | {md(rule.measured)} | {result} | {places} |")
    lines = [f"## dedupe-audit gate: {verdict}", "", *rows, ""]
    if outcome.baseline:
        lines.append(
            f"Baseline: {len(outcome.counted)} new finding(s), {len(outcome.known)} accepted, "
            f"{len(outcome.gone)} no longer found."
        )
        for entry in outcome.gone[:20]:
            lines.append(f"- gone: {md(entry.rule)} {md(entry.excerpt, 80)}")
        lines.append("")
    return "\n".join(lines) + "\n"


def step_summary(result: AuditResult, outcome: GateOutcome | None = None) -> str:
    head = gate_markdown(outcome) + "\n" if outcome is not None else ""
    return head + markdown.render(result)


def fit(text: str, budget: int) -> str:
    """``text`` cut at a line boundary so that its UTF-8 size stays within ``budget`` bytes."""
    data = text.encode("utf-8")
    if len(data) <= budget:
        return text
    note = TRUNCATED.encode("utf-8")
    room = max(budget - len(note), 0)
    cut = data[:room].decode("utf-8", "ignore")
    if "\n" in cut:
        cut = cut[: cut.rindex("\n")]
    return cut + TRUNCATED if len(note) <= budget else ""
