"""JSON report: the AuditResult as documented in the README (``schema_version`` first)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from ..model import AuditResult, ParagraphRef


def _ref(result: AuditResult, ref: ParagraphRef) -> dict[str, Any]:
    para = result.documents[ref.doc].paragraphs[ref.index]
    return {
        "file": result.documents[ref.doc].path,
        "index": ref.index,
        "line": para.line,
        "end_line": para.end_line,
    }


def _paragraphs(result: AuditResult, doc: int) -> list[dict[str, Any]]:
    report = result.documents[doc]
    rows = []
    for para in report.paragraphs:
        ref = ParagraphRef(doc, para.index)
        row: dict[str, Any] = {
            "file": report.path,
            "index": para.index,
            "line": para.line,
            "end_line": para.end_line,
            "start": para.start,
            "end": para.end,
            "text": para.text,
            "kind": para.kind,
            "boilerplate_rule": para.boilerplate_rule,
            "cluster": result.paragraph_cluster.get(ref),
        }
        if result.provenance:
            row["provenance"] = asdict(result.provenance[doc][para.index])
        if result.staleness:
            row["staleness"] = asdict(result.staleness[doc][para.index])
        rows.append(row)
    return rows


def to_data(result: AuditResult) -> dict[str, Any]:
    files = []
    for doc, report in enumerate(result.documents):
        files.append(
            {
                "file": report.path,
                "reference": report.reference,
                "content_hash": report.content_hash,
                "meta": asdict(report.meta),
                "page_date": asdict(report.page_date) if report.page_date else None,
                "paragraphs": _paragraphs(result, doc),
            }
        )
    clusters = []
    for cluster in result.clusters:
        clusters.append(
            {
                "id": cluster.cluster_id,
                "kind": cluster.kind,
                "similarity": cluster.similarity,
                "fingerprint": cluster.fingerprint,
                "members": [
                    {**_ref(result, m.ref), "jaccard": m.jaccard, "fuzz": m.fuzz}
                    for m in cluster.members
                ],
                "containers": [
                    {
                        **_ref(result, c.container),
                        "start": c.start,
                        "end": c.end,
                        "share": c.share,
                        "fuzz": c.fuzz,
                        "contained": _ref(result, c.contained),
                    }
                    for c in cluster.containers
                ],
            }
        )
    return {
        "schema_version": result.schema_version,
        "tool": {"name": "dedupe-audit", "version": result.tool_version},
        "settings": result.settings,
        "summary": asdict(result.summary),
        "files": files,
        "clusters": clusters,
        "conflicts": [asdict(c) for c in result.conflicts],
        "recycled": [asdict(r) for r in result.recycled],
        "skipped": [{"file": s.path, "reason": s.reason} for s in result.skipped],
        "warnings": list(result.warnings),
    }


def render(result: AuditResult) -> str:
    return json.dumps(to_data(result), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
