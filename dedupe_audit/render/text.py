"""Terminal summary: a short table a person reads after a run."""

from __future__ import annotations

from ..model import AuditResult
from .common import percent
from .escape import terminal


def render(result: AuditResult) -> str:
    s = result.summary
    rows = [
        ["files", s.files, "skipped", s.skipped],
        ["paragraphs", s.paragraphs, "boilerplate", s.boilerplate],
        ["body", s.body, "unique", s.unique],
        ["in clusters", s.in_clusters, "duplicated share", percent(s.duplicated_share)],
        ["clusters", s.clusters, "exact/near/contained",
         f"{s.exact_clusters}/{s.near_clusters}/{s.contained_clusters}"],
    ]
    if result.staleness:
        rows.append(["stale paragraphs", s.stale, "era conflicts", s.conflicts])
    from tabulate import tabulate  # here: see render.common.table

    lines = [tabulate(rows, tablefmt="simple", disable_numparse=True)]
    if s.outlets:
        top = ", ".join(f"{terminal(name)} {count}" for name, count in s.outlets[:6])
        lines.append(f"outlets: {top}")
    for warning in result.warnings:
        lines.append(f"warning: {terminal(warning)}")
    for item in result.skipped:
        lines.append(f"skipped {terminal(item.path)}: {terminal(item.reason)}")
    return "\n".join(lines) + "\n"
