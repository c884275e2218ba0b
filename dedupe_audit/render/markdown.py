"""Markdown audit report (GitHub-flavoured tables via tabulate)."""

from __future__ import annotations

from ..model import AuditResult, Cluster, ParagraphRef
from .common import location, omitted, paragraph, percent, row_limit, table, word_changes
from .escape import md, md_code
from .md_provenance import provenance_section
from .md_staleness import staleness_section

TEXT_LIMIT = 140
# Copies named in one table cell, and members diffed per near cluster: a paragraph copied
# on thousands of pages would otherwise widen every row of its table (tabulate pads each
# column to its widest cell) and turn the report into megabytes. The JSON report lists all.
CELL_LOCATIONS = 10
DIFFS_PER_CLUSTER = 20


def _capped(parts: list[str], limit: int) -> list[str]:
    if len(parts) <= limit:
        return parts
    return [*parts[:limit], f"… and {len(parts) - limit} more (all in the JSON report)"]


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
        table([[k, str(v)] for k, v in rows], ["Measure", "Value"]),
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
    return "<br>".join(_capped(parts, CELL_LOCATIONS))


def clusters_section(result: AuditResult) -> list[str]:
    lines = ["## Duplicate clusters", ""]
    if not result.clusters:
        return [*lines, "No repeated or near-duplicate paragraphs found.", ""]
    rows = []
    limit = row_limit(result)
    for cluster in result.clusters[:limit]:
        first = cluster.members[0].ref
        locations = "<br>".join(_capped([md_code(location(result, m.ref)) for m in cluster.members],
                                        CELL_LOCATIONS))
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
    lines.append(table(rows, ["Cluster", "Kind", "Jaccard", "Copies", "Locations", "Text"]))
    if len(result.clusters) > limit:
        lines += ["", omitted(len(result.clusters) - limit, "clusters")]
    lines += ["", "Jaccard: the lowest of any member with the cluster's first (its representative); every "
              "member of a near cluster reaches the threshold with every other."]
    split = sum(1 for cluster in result.clusters if cluster.related)
    if split:
        have = "cluster has" if split == 1 else "clusters have"
        lines.append(f"{split} {have} related paragraphs: verified near a member but not copies of the "
                     "others, so kept out of the cluster (listed under `related` in the JSON report).")
    return [*lines, ""]


def word_diff(old: str, new: str) -> str:
    """Word-level difference: removed words struck through, added words in bold."""
    out: list[str] = []
    for kind, removed, added in word_changes(old, new):
        if kind == "equal":
            out.append(md(removed))
            continue
        if removed:
            out.append(f"~~{md(removed)}~~")
        if added:
            out.append(f"**{md(added)}**")
    return " ".join(out)


def differences_section(result: AuditResult) -> list[str]:
    near = [c for c in result.clusters if c.kind == "near"]
    if not near:
        return []
    lines = ["## Near-duplicate differences", "",
             "Words of the first copy ~~struck through~~ were removed, words in **bold** added.", ""]
    limit = row_limit(result)
    for cluster in near[:limit]:
        first = cluster.members[0]
        base = paragraph(result, first.ref).text
        lines.append(f"### {cluster.cluster_id}")
        lines.append("")
        words = base.split()
        differing = [m for m in cluster.members[1:] if paragraph(result, m.ref).text.split() != words]
        diffs = [
            f"- {md_code(location(result, first.ref))} → {md_code(location(result, member.ref))}"
            f" (Jaccard {member.jaccard:.2f}, fuzz {member.fuzz:.0f}): "
            f"{word_diff(base, paragraph(result, member.ref).text)}"
            for member in differing[:DIFFS_PER_CLUSTER]
        ]
        if len(differing) > DIFFS_PER_CLUSTER:
            diffs.append(f"- … and {len(differing) - DIFFS_PER_CLUSTER} more differing copies "
                         "(all in the JSON report)")
        lines += [*diffs, ""]
    if len(near) > limit:
        lines += [omitted(len(near) - limit, "near-duplicate clusters"), ""]
    return lines


def files_section(result: AuditResult) -> list[str]:
    rows = []
    limit = row_limit(result)
    for doc, report in enumerate(result.documents[:limit]):
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
    lines = ["## Files", "", table(rows, headers)]
    if len(result.documents) > limit:
        lines += ["", omitted(len(result.documents) - limit, "files")]
    return [*lines, ""]


def boilerplate_section(result: AuditResult) -> list[str]:
    if not result.summary.boilerplate_rules:
        return []
    limit = row_limit(result)
    rows = []
    for doc, report in enumerate(result.documents):
        if len(rows) >= limit:
            break  # the rest are only counted (from the summary): no need to read their pages
        for para in report.paragraphs:
            if not para.is_body and len(rows) < limit:
                rows.append([md_code(location(result, ParagraphRef(doc, para.index))),
                             md(para.boilerplate_rule or ""), md(para.text, 90)])
    by_rule = ", ".join(f"{md(rule)} {n}" for rule, n in result.summary.boilerplate_rules)
    lines = ["## Boilerplate", "", f"By rule: {by_rule}.", "", table(rows, ["Location", "Rule", "Text"])]
    if result.summary.boilerplate > len(rows):
        lines += ["", omitted(result.summary.boilerplate - len(rows), "boilerplate paragraphs")]
    return [*lines, ""]


def warnings_section(result: AuditResult) -> list[str]:
    if not result.warnings:
        return []
    return ["## Warnings", "", *(f"- {md(warning)}" for warning in result.warnings), ""]


def skipped_section(result: AuditResult) -> list[str]:
    if not result.skipped:
        return []
    rows = [[md_code(s.path), md(s.reason)] for s in result.skipped]
    return ["## Skipped files", "", table(rows, ["File", "Reason"], row_limit(result), "skipped files"), ""]


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
