"""The pipeline: ingest -> segment -> detect duplicates -> blocks -> trace -> date -> AuditResult.

Each stage is one module with one public function taking the previous stage's plain data;
this module only wires them together and counts. Renderers take the AuditResult.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from typing import BinaryIO

from . import __version__
from .boilerplate import load_rules
from .config import Config
from .detect import detect_duplicates
from .ingest import iter_inputs
from .model import (
    SCHEMA_VERSION,
    AuditResult,
    Cluster,
    Document,
    DocumentReport,
    ParagraphRef,
    SegmentedDocument,
    Skipped,
    Summary,
)
from .segment import segment


def load_corpus(
    paths: Sequence[str], config: Config, stdin: BinaryIO | None = None
) -> tuple[list[Document], list[Skipped]]:
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for item in iter_inputs(paths, config, stdin=stdin):
        (skipped if isinstance(item, Skipped) else documents).append(item)
    for path in config.reference:
        for item in iter_inputs([path], config, reference=True):
            (skipped if isinstance(item, Skipped) else documents).append(item)
    return documents, skipped


def paragraph_clusters(clusters: Sequence[Cluster]) -> dict[ParagraphRef, str]:
    """Which cluster each member paragraph belongs to."""
    return {member.ref: c.cluster_id for c in clusters for member in c.members}


def summarize(
    segmented: Sequence[SegmentedDocument],
    skipped: Sequence[Skipped],
    clusters: Sequence[Cluster],
    membership: dict[ParagraphRef, str],
) -> Summary:
    audited = [(doc, seg) for doc, seg in enumerate(segmented) if not seg.document.reference]
    paragraphs = sum(len(seg.paragraphs) for _, seg in audited)
    body = sum(1 for _, seg in audited for p in seg.paragraphs if p.is_body)
    in_clusters = sum(
        1
        for doc, seg in audited
        for p in seg.paragraphs
        if p.is_body and ParagraphRef(doc, p.index) in membership
    )
    kinds = Counter(c.kind for c in clusters)
    return Summary(
        files=len(audited),
        skipped=len(skipped),
        paragraphs=paragraphs,
        boilerplate=paragraphs - body,
        body=body,
        unique=body - in_clusters,
        in_clusters=in_clusters,
        duplicated_share=round(in_clusters / body, 4) if body else 0.0,
        clusters=len(clusters),
        exact_clusters=kinds["exact"],
        near_clusters=kinds["near"],
        contained_clusters=kinds["contained"],
    )


def settings_of(config: Config) -> dict[str, object]:
    """The settings that shape findings, recorded in every report."""
    keep = ("shingle_size", "num_perm", "seed", "threshold", "min_fuzz", "containment",
            "min_words", "long_paragraph_words", "window_sentences", "include_boilerplate")
    values = asdict(config)
    return {key: values[key] for key in keep}


def run_audit(
    paths: Sequence[str], config: Config, *, stdin: BinaryIO | None = None
) -> AuditResult:
    documents, skipped = load_corpus(paths, config, stdin)
    rules = load_rules(tuple(config.boilerplate_rules))
    segmented = [segment(document, config, rules) for document in documents]
    clusters = detect_duplicates(segmented, config)
    membership = paragraph_clusters(clusters)
    summary = summarize(segmented, skipped, clusters, membership)
    reports = tuple(
        DocumentReport(
            path=seg.document.path,
            meta=seg.document.meta,
            content_hash=seg.document.content_hash,
            paragraphs=seg.paragraphs,
            reference=seg.document.reference,
        )
        for seg in segmented
    )
    return AuditResult(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        settings=settings_of(config),
        documents=reports,
        skipped=tuple(skipped),
        clusters=clusters,
        summary=summary,
        paragraph_cluster=membership,
    )
