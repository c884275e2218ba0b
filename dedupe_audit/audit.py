"""The pipeline: ingest -> segment -> detect duplicates -> date pages -> blocks -> trace -> staleness.

Each stage is one module with one public function taking the previous stage's plain data;
this module only wires them together and counts. Renderers take the AuditResult.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from typing import BinaryIO

from . import __version__
from .blocks import duplicated_by_doc, find_blocks
from .boilerplate import load_rules
from .config import Config
from .cues import load_cues
from .detect import detect_duplicates
from .engines import Detector
from .eras import load_eras
from .heap import long_lived_heap, release_free_memory
from .ingest import iter_inputs
from .model import (
    SCHEMA_VERSION,
    AuditResult,
    Cluster,
    Document,
    DocumentReport,
    ParagraphRef,
    Provenance,
    SegmentedDocument,
    Skipped,
    Staleness,
    Summary,
)
from .outlets import load_registry
from .pagedate import date_pages
from .provenance import trace
from .saferegex import Timeout, drain_timeouts
from .segment import segment
from .staleness import assess
from .store import FingerprintCache
from .timeexpr import paragraph_dates
from .timing import Laps


def read_inputs(
    paths: Sequence[str], config: Config, stdin: BinaryIO | None = None
) -> Iterator[Document | Skipped]:
    """The audited inputs, then the ``--reference`` ones, as ``iter_inputs`` reads them."""
    yield from iter_inputs(paths, config, stdin=stdin)
    for path in config.reference:
        yield from iter_inputs([path], config, reference=True)


def load_corpus(
    paths: Sequence[str], config: Config, stdin: BinaryIO | None = None
) -> tuple[list[Document], list[Skipped]]:
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for item in read_inputs(paths, config, stdin):
        (skipped if isinstance(item, Skipped) else documents).append(item)
    return documents, skipped


def paragraph_clusters(clusters: Sequence[Cluster]) -> dict[ParagraphRef, str]:
    """Which cluster each member paragraph belongs to."""
    return {member.ref: c.cluster_id for c in clusters for member in c.members}


def _counted(pairs: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])))


def outlet_counts(
    segmented: Sequence[SegmentedDocument], provenance: Sequence[Sequence[Provenance]]
) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    """Body paragraphs per likely original outlet, and per outlet → relay chain."""
    outlets: Counter[str] = Counter()
    relays: Counter[str] = Counter()
    for seg, per_paragraph in zip(segmented, provenance, strict=True):
        if seg.document.reference:
            continue
        for para, item in zip(seg.paragraphs, per_paragraph, strict=True):
            if not para.is_body:
                continue
            outlets[item.outlet or "unknown"] += 1
            if item.outlet and item.via:
                relays[" → ".join((item.outlet, *item.via))] += 1
    return _counted(outlets), _counted(relays)


def summarize(
    segmented: Sequence[SegmentedDocument],
    skipped: Sequence[Skipped],
    clusters: Sequence[Cluster],
    membership: dict[ParagraphRef, str],
    provenance: Sequence[Sequence[Provenance]],
    staleness: Sequence[Sequence[Staleness]],
    conflicts: int,
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
    stale = sum(
        1
        for seg, per_paragraph in zip(segmented, staleness, strict=True)
        if not seg.document.reference
        for item in per_paragraph
        if item.verdict == "stale"
    )
    outlets, relays = outlet_counts(segmented, provenance)
    rules = Counter(
        p.boilerplate_rule or "?" for _, seg in audited for p in seg.paragraphs if not p.is_body
    )
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
        stale=stale,
        conflicts=conflicts,
        outlets=outlets,
        relays=relays,
        boilerplate_rules=tuple(sorted(rules.items())),
    )


def settings_of(config: Config) -> dict[str, object]:
    """The settings that shape findings, recorded in every report."""
    keep = ("shingle_size", "num_perm", "seed", "threshold", "min_fuzz", "containment",
            "min_words", "long_paragraph_words", "window_sentences", "include_boilerplate",
            "report_rows")
    values = asdict(config)
    return {key: values[key] for key in keep}


def rule_timeout_warnings(events: Iterable[Timeout]) -> list[str]:
    """One line per rule that ran out of time (its matches on that text were skipped)."""
    counted = Counter((t.rule, t.source) for t in events)
    switched_off = {(t.rule, t.source) for t in events if t.disabled}
    return [
        f"rule '{rule}' ({source}) timed out {count} time(s); "
        + ("switched off for the rest of the run" if (rule, source) in switched_off
           else "no match assumed where it timed out")
        for (rule, source), count in sorted(counted.items())
    ]


# Seconds spent in each stage by the last ``run_audit`` call (read by benchmarks).
STAGE_SECONDS: dict[str, float] = {}


def run_audit(
    paths: Sequence[str],
    config: Config,
    *,
    stdin: BinaryIO | None = None,
    cache: FingerprintCache | None = None,
    detect: Detector | None = None,
) -> AuditResult:
    """The whole audit; ``detect`` replaces the in-process duplicate detection (shared index, Dask)."""
    with long_lived_heap():  # the corpus stays in memory: the collector need not rescan it
        return _run(paths, config, stdin, cache, detect)


def _run(
    paths: Sequence[str],
    config: Config,
    stdin: BinaryIO | None,
    cache: FingerprintCache | None,
    detect: Detector | None,
) -> AuditResult:
    drain_timeouts()  # report this run's own rule timeouts only
    STAGE_SECONDS.clear()
    clock = Laps(STAGE_SECONDS)
    rules = load_rules(tuple(config.boilerplate_rules))
    segmented: list[SegmentedDocument] = []
    skipped: list[Skipped] = []
    for item in read_inputs(paths, config, stdin):  # each page is segmented as it arrives,
        clock.lap("ingest")  # here, while worker processes extract the next HTML pages
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            segmented.append(segment(item, config, rules))
            clock.lap("segment")
    clusters = detect(segmented, config) if detect else detect_duplicates(segmented, config, cache=cache)
    release_free_memory()  # what detection held besides its clusters
    membership = paragraph_clusters(clusters)
    clock.lap("detect duplicates")
    # Read once: page dating and staleness both need every paragraph's dates. (Dating in a
    # thread beside detection was measured: no gain, both hold the GIL most of the time.)
    dates = paragraph_dates(segmented)
    page_dates = date_pages(segmented, as_of=config.as_of, dates=dates)
    clock.lap("page dates")
    registry = load_registry(config.outlets)
    cues = load_cues(registry)
    eras = load_eras(config.eras)
    clock.lap("load outlets, cues, eras")
    copied = duplicated_by_doc(clusters)
    # Each page's cues are found once here, for blocks and the tracer: a memo of recent
    # paragraphs' cues was cleared many times over before the tracer asked, at 1M paragraphs.
    matches = [cues.find_all(seg.paragraphs, seg.document.text) for seg in segmented]
    blocks = [
        find_blocks(seg, doc, clusters, cues=cues, duplicated_paragraphs=copied.get(doc, frozenset()),
                    matches=found)
        for (doc, seg), found in zip(enumerate(segmented), matches, strict=True)
    ]
    clock.lap("blocks")
    provenance = trace(segmented, clusters, registry, page_dates, blocks=blocks, cues=cues, matches=matches)
    del matches
    clock.lap("provenance")
    dated = assess(segmented, page_dates, clusters, blocks, eras, recycled_days=config.recycled_days,
                   dates=dates)
    clock.lap("staleness")
    summary = summarize(segmented, skipped, clusters, membership, provenance,
                        dated.per_paragraph, len(dated.conflicts))
    reports = tuple(
        DocumentReport(
            path=seg.document.path,
            meta=seg.document.meta,
            content_hash=seg.document.content_hash,
            paragraphs=seg.paragraphs,
            reference=seg.document.reference,
            page_date=page_date,
        )
        for seg, page_date in zip(segmented, page_dates, strict=True)
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
        provenance=provenance,
        staleness=dated.per_paragraph,
        conflicts=dated.conflicts,
        recycled=dated.recycled,
        warnings=tuple(rule_timeout_warnings(drain_timeouts())),
    )
