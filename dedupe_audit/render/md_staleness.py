"""Markdown stale-context section: stale paragraphs, era conflicts, recycled text, timelines."""

from __future__ import annotations

from ..model import AuditResult, EraMarker, ParagraphRef
from .common import location, omitted, row_limit, table
from .escape import md, md_code


def _era(marker: EraMarker) -> str:
    return f"{md(marker.fact)} ({marker.valid_from or '…'}..{marker.valid_to or 'now'})"


def stale_table(result: AuditResult) -> list[str]:
    rows = []
    for doc, per_paragraph in enumerate(result.staleness):
        for index, item in enumerate(per_paragraph):
            if item.verdict != "stale":
                continue
            marker = item.markers[0] if item.markers else None
            rows.append([
                md_code(location(result, ParagraphRef(doc, index))),
                f"“{md(marker.phrase, 60)}”" if marker else "",
                _era(marker) if marker else "",
                item.page_date or "undated",
                str(item.gap_days) if item.gap_days is not None else "",
                f"{item.confidence:.2f}",
            ])
    if not rows:
        return ["No stale paragraphs found.", ""]
    headers = ["Location", "Marker", "Era", "Page date", "Gap (days)", "Confidence"]
    return [table(rows, headers, row_limit(result), "stale paragraphs"), ""]


def conflict_table(result: AuditResult) -> list[str]:
    if not result.conflicts:
        return []
    rows = []
    for conflict in result.conflicts:
        rows.append([
            md_code(result.documents[conflict.doc].path),
            f"{md_code(location(result, ParagraphRef(conflict.doc, conflict.first_paragraph)))} "
            f"“{md(conflict.first.phrase, 50)}” {_era(conflict.first)}",
            f"{md_code(location(result, ParagraphRef(conflict.doc, conflict.second_paragraph)))} "
            f"“{md(conflict.second.phrase, 50)}” {_era(conflict.second)}",
        ])
    return ["### Era conflicts", "", "Pages that assert two incompatible eras side by side.", "",
            table(rows, ["File", "One era", "Another era"], row_limit(result), "conflicts"), ""]


def recycled_table(result: AuditResult) -> list[str]:
    if not result.recycled:
        return []
    rows = [[md_code(location(result, item.ref)), md_code(location(result, item.older)),
             item.older_date, item.page_date, str(item.gap_days)] for item in result.recycled]
    return ["### Recycled text", "",
            table(rows, ["Location", "Older copy", "Older copy date", "Page date", "Gap (days)"],
                  row_limit(result), "recycled paragraphs"), ""]


def timelines(result: AuditResult) -> list[str]:
    """Per page: its date and source, then each era asserted and the lines asserting it."""
    lines = ["### Timeline per page", ""]
    limit = row_limit(result)
    for doc, report in enumerate(result.documents[:limit]):
        page = report.page_date
        dated = "undated"
        if page and page.date:
            dated = f"{page.date} ({md(page.source)}, confidence {page.confidence:.2f})"
        lines.append(f"- {md_code(report.path)}: page date {dated}")
        eras: dict[tuple[str, str | None, str | None], list[tuple[int, str]]] = {}
        for index, item in enumerate(result.staleness[doc]):
            for marker in item.markers:
                key = (marker.fact, marker.valid_from, marker.valid_to)
                eras.setdefault(key, []).append((report.paragraphs[index].line, item.verdict))
        for (fact, start, end), where in sorted(eras.items(), key=lambda kv: (kv[0][1] or "", kv[0][0])):
            verdicts = sorted({verdict for _, verdict in where})
            lines_text = ", ".join(str(line) for line in sorted({line for line, _ in where}))
            span = "unresolved" if not (start or end) else f"{start or '…'}..{end or 'now'}"
            lines.append(f"  - {span} {md(fact)}: lines {lines_text} ({', '.join(verdicts)})")
    if len(result.documents) > limit:
        lines += ["", omitted(len(result.documents) - limit, "pages' timelines")]
    return [*lines, ""]


def staleness_section(result: AuditResult) -> list[str]:
    if not result.staleness:
        return []
    return ["## Stale context", "", *stale_table(result), *conflict_table(result),
            *recycled_table(result), *timelines(result)]
