"""The CI gate: compare findings with the configured thresholds and say pass or fail.

Why its own module: the verdict must be the same whatever the output format, and testable on
hand-built results. Each rule names its threshold, the measured value and the top offending
locations, so a failed CI run says what to look at without opening a report.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..config import Config
from ..model import CATEGORIES, Finding, GateOutcome, Listed, RuleOutcome, Summary
from .baseline import Comparison

TOP = 3


def _offenders(findings: Sequence[Finding], members_only: bool = False) -> tuple[str, ...]:
    out: list[str] = []
    for finding in findings:
        for occurrence in finding.occurrences:
            if members_only and not occurrence.member:
                continue
            if occurrence.location not in out:
                out.append(occurrence.location)
            if len(out) == TOP:
                return tuple(out)
    return tuple(out)


def counts(finding: Finding, config: Config) -> bool:
    """Whether the gate counts this finding (clusters below ``min_similarity`` do not)."""
    return finding.similarity is None or finding.similarity >= config.gate.min_similarity


def evaluate(
    findings: Sequence[Finding],
    summary: Summary,
    config: Config,
    comparison: Comparison | None = None,
) -> GateOutcome:
    """Apply every configured rule. With a baseline comparison only its new findings count."""
    pool = comparison.new if comparison is not None else tuple(findings)
    counted = tuple(f for f in pool if counts(f, config))
    rules: list[RuleOutcome] = []
    for category in CATEGORIES:
        if category not in config.gate.fail_on:
            continue
        hits = tuple(f for f in counted if f.category == category)
        rules.append(
            RuleOutcome(f"fail-on {category}", "0 findings", f"{len(hits)} findings", not hits,
                        _offenders(hits), hits)
        )
    copies = tuple(f for f in counted if f.category in ("duplicate", "contained"))
    if config.gate.max_duplicated_share is not None:
        members = sum(1 for f in copies for o in f.occurrences if o.member)
        share = members / summary.body if summary.body else 0.0
        rules.append(
            RuleOutcome("max-duplicated-share", f"{config.gate.max_duplicated_share:.1%}", f"{share:.1%}",
                        share <= config.gate.max_duplicated_share, _offenders(copies, True), copies)
        )
    if config.gate.max_clusters is not None:
        clusters = tuple(f for f in counted if f.category == "duplicate")
        rules.append(
            RuleOutcome("max-clusters", str(config.gate.max_clusters), str(len(clusters)),
                        len(clusters) <= config.gate.max_clusters, _offenders(clusters), clusters)
        )
    if config.gate.max_stale is not None:
        stale = tuple(f for f in counted if f.category == "stale")
        paragraphs = sum(len(f.occurrences) for f in stale)
        rules.append(
            RuleOutcome("max-stale", str(config.gate.max_stale), str(paragraphs),
                        paragraphs <= config.gate.max_stale, _offenders(stale), stale)
        )
    return GateOutcome(
        rules=tuple(rules),
        counted=counted,
        known=comparison.known if comparison else (),
        gone=comparison.gone if comparison else (),
        baseline=comparison is not None,
    )


def listing(findings: Sequence[Finding], outcome: GateOutcome | None) -> list[Listed]:
    """Findings to report: without a gate all are warnings; with one, failing ones are errors,
    accepted (baseline) and uncounted ones notes. New findings carry only their new copies."""
    if outcome is None:
        return [Listed(finding, "warning") for finding in findings]
    failing = outcome.failing_findings()
    state = "new" if outcome.baseline else None
    out = [
        Listed(f, "error" if f.fingerprint in failing else "warning", state) for f in outcome.counted
    ]
    out += [Listed(f, "note", "unchanged") for f in outcome.known]
    shown = {f.fingerprint for f in (*outcome.counted, *outcome.known)}
    out += [Listed(f, "note", state) for f in findings if f.fingerprint not in shown]
    return out
