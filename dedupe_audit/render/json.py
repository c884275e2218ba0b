"""JSON report: the AuditResult as documented in the README (``schema_version`` first)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from ..model import AuditResult, Cluster, ParagraphRef


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
        if ref in result.furniture:  # learned furniture: the evidence behind its rule
            row["boilerplate_evidence"] = result.furniture[ref]
        if result.provenance:
            row["provenance"] = asdict(result.provenance[doc][para.index])
        if result.staleness:
            row["staleness"] = asdict(result.staleness[doc][para.index])
        rows.append(row)
    return rows


def _file(result: AuditResult, doc: int) -> dict[str, Any]:
    report = result.documents[doc]
    return {
        "file": report.path,
        "reference": report.reference,
        "content_hash": report.content_hash,
        "meta": asdict(report.meta),
        "page_date": asdict(report.page_date) if report.page_date else None,
        "paragraphs": _paragraphs(result, doc),
    }


def _cluster(result: AuditResult, cluster: Cluster) -> dict[str, Any]:
    return {
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
        # verified near a member but not a copy of the cluster's first: listed, not counted
        "related": [
            {**_ref(result, r.ref), "member": _ref(result, r.member), "jaccard": r.jaccard, "fuzz": r.fuzz}
            for r in cluster.related
        ],
    }


def _sections(result: AuditResult) -> dict[str, Any]:
    """The report's top-level keys in order; the two long lists as generators."""
    return {
        "schema_version": result.schema_version,
        "tool": {"name": "dedupe-audit", "version": result.tool_version},
        "settings": result.settings,
        "summary": asdict(result.summary),
        "files": (_file(result, doc) for doc in range(len(result.documents))),
        "clusters": (_cluster(result, cluster) for cluster in result.clusters),
        "conflicts": [asdict(c) for c in result.conflicts],
        "recycled": [asdict(r) for r in result.recycled],
        "skipped": [{"file": s.path, "reason": s.reason} for s in result.skipped],
        "warnings": list(result.warnings),
    }


def to_data(result: AuditResult) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, Iterator) else value
            for key, value in _sections(result).items()}


def _dumps(value: Any, level: int) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it nested ``level`` deep (its
    first line unindented): JSON strings hold no raw newline, so every newline is layout."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * level)


def chunks(result: AuditResult) -> Iterator[str]:
    """The report in pieces, one file or cluster at a time, so a million paragraphs are
    never one string or one tree of dicts; ``"".join`` of them is ``render``."""
    sections = list(_sections(result).items())
    yield "{"
    for i, (key, value) in enumerate(sections):
        yield f"\n  {json.dumps(key)}: "
        if isinstance(value, Iterator):
            first = True
            for item in value:
                yield ("[\n    " if first else ",\n    ") + _dumps(item, 2)
                first = False
            yield "[]" if first else "\n  ]"
        else:
            yield _dumps(value, 1)
        if i < len(sections) - 1:
            yield ","
    yield "\n}\n"


def render(result: AuditResult) -> str:
    return "".join(chunks(result))
