"""Markdown audit report (GitHub-flavoured tables via tabulate)."""

from __future__ import annotations

import difflib
from collections import Counter

from tabulate import tabulate

from ..model import AuditResult, Cluster, ParagraphRef
from .common import location, paragraph, percent
from .escape import md, md_code
from .md_provenance import provenance_section
from .md_staleness import staleness_section

TEXT_LIMIT = 140


def _table(rows: list[list[object]], headers: list[str]) -> str:
    return tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)


def summary_section(result: AuditResult) -> list[str]:
    s = result.summary
    rows = [
        ["Files audited", s.files],
        ["Files skipped", s.skipped],
        ["Paragraphs", s.paragraphs],
        ["Boilerplate paragraphs", s.boilerplate],
        ["Body paragraphs", s.body],
        ["Unique body paragraphs", s.unique],
        ["Body paragraphs in clusters", s.in_clusters],
        ["Duplicated share of body", percent(s.duplicated_share)],
        ["Clusters (exact / near / contained)",
         f"{s.clusters} ({s.exact_clusters} / {s.near_clusters} / {s.contained_clusters})"],
    ]
    settings = ", ".join(f"{key}={value}" for key, value in result.settings.items())
    return [
        "## Summary",
        "",
        _table([[k, str(v)] for k, v in rows], ["Measure", "Value"]),
        "",
        f"Settings: {md(settings)}.",
        "",
    ]


def _containers(result: AuditResult, cluster: Cluster) -> str:
    parts = []
    for item in cluster.containers:
        parts.append(
            f"inside {md_code(location(result, item.container))} "
            f"(chars {item.start}-{item.end}, {percent(item.share)} of shingles, "
            f"fuzz {item.fuzz:.0f})"
        )
    return "<br>".join(parts)


def clusters_section(result: AuditResult) -> list[str]:
    lines = ["## Duplicate clusters", ""]
    if not result.clusters:
        return [*lines, "No repeated or near-duplicate paragraphs found.", ""]
    rows = []
    for cluster in result.clusters:
        first = cluster.members[0].ref
        locations = "<br>".join(md_code(location(result, m.ref)) for m in cluster.members)
        contained = _containers(result, cluster)
        if contained:
            locations = f"{locations}<br>{contained}" if locations else contained
        rows.append(
            [
                cluster.cluster_id,
                cluster.kind,
                f"{cluster.similarity:.2f}",
                str(len(cluster.members) + len(cluster.containers)),
                locations,
                md(paragraph(result, first).text, TEXT_LIMIT),
            ]
        )
    lines.append(_table(rows, ["Cluster", "Kind", "Jaccard", "Copies", "Locations", "Text"]))
    return [*lines, ""]


def word_diff(old: str, new: str) -> str:
    """Word-level difference: removed words struck through, added words in bold."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(md(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"~~{md(' '.join(a[i1:i2]))}~~")
        if j2 > j1:
            out.append(f"**{md(' '.join(b[j1:j2]))}**")
    return " ".join(out)


def differences_section(result: AuditResult) -> list[str]:
    near = [c for c in result.clusters if c.kind == "near"]
    if not near:
        return []
    lines = ["## Near-duplicate differences", "",
             "Words of the first copy ~~struck through~~ were removed, words in **bold** added.", ""]
    for cluster in near:
        first = cluster.members[0]
        base = paragraph(result, first.ref).text
        lines.append(f"### {cluster.cluster_id}")
        lines.append("")
        for member in cluster.members[1:]:
            other = paragraph(result, member.ref).text
            if other.split() == base.split():
                continue
            lines.append(
                f"- {md_code(location(result, first.ref))} → {md_code(location(result, member.ref))}"
                f" (Jaccard {member.jaccard:.2f}, fuzz {member.fuzz:.0f}): {word_diff(base, other)}"
            )
        lines.append("")
    return lines


def files_section(result: AuditResult) -> list[str]:
    rows = []
    for doc, report in enumerate(result.documents):
        body = [p for p in report.paragraphs if p.is_body]
        dup = sum(1 for p in body if ParagraphRef(doc, p.index) in result.paragraph_cluster)
        notes = []
        if report.reference:
            notes.append("reference")
        if report.meta.encoding_fallback:
            notes.append(f"decoded as {report.meta.encoding}")
        rows.append(
            [
                md_code(report.path),
                str(len(report.paragraphs)),
                str(len(body)),
                str(len(report.paragraphs) - len(body)),
                str(dup),
                percent(dup / len(body)) if body else "-",
                md(", ".join(notes)) or "",
            ]
        )
    headers = ["File", "Paragraphs", "Body", "Boilerplate", "Duplicated", "Share", "Notes"]
    return ["## Files", "", _table(rows, headers), ""]


def boilerplate_section(result: AuditResult) -> list[str]:
    rows = []
    counts: Counter[str] = Counter()
    for doc, report in enumerate(result.documents):
        for para in report.paragraphs:
            if para.is_body:
                continue
            counts[para.boilerplate_rule or "?"] += 1
            rows.append(
                [md_code(location(result, ParagraphRef(doc, para.index))),
                 md(para.boilerplate_rule or ""), md(para.text, 90)]
            )
    if not rows:
        return []
    by_rule = ", ".join(f"{md(rule)} {n}" for rule, n in sorted(counts.items()))
    return ["## Boilerplate", "", f"By rule: {by_rule}.", "",
            _table(rows, ["Location", "Rule", "Text"]), ""]


def warnings_section(result: AuditResult) -> list[str]:
    if not result.warnings:
        return []
    return ["## Warnings", "", *(f"- {md(warning)}" for warning in result.warnings), ""]


def skipped_section(result: AuditResult) -> list[str]:
    if not result.skipped:
        return []
    rows = [[md_code(s.path), md(s.reason)] for s in result.skipped]
    return ["## Skipped files", "", _table(rows, ["File", "Reason"]), ""]


SECTIONS = (
    summary_section,
    clusters_section,
    differences_section,
    provenance_section,
    staleness_section,
    files_section,
    boilerplate_section,
    skipped_section,
    warnings_section,
)


def render(result: AuditResult) -> str:
    lines = ["# dedupe-audit report", ""]
    for section in SECTIONS:
        lines.extend(section(result))
    return "\n".join(lines).rstrip() + "\n"
