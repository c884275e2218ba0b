"""The pipeline: ingest -> segment -> detect duplicates -> date pages -> blocks -> trace -> staleness.

Each stage is one module taking the previous stage's plain data; this module only wires them
together and counts. Pages are kept in a ``runtime.page_store.PageStore`` (in memory while
small, else in a temporary file), so after detection everything that needs one page alone is done in one read
of each page, and what crosses pages (copies' provenance, recycled text, the summary) works
from those per-page results. Renderers take the AuditResult.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, overload

from . import __version__
from .config import Config
from .dating.eras import load_eras
from .dating.page_date import as_of_date, date_page
from .dating.staleness import DatingKnowledge, assess_page, foreign_blocks, recycled
from .dating.time_expressions import page_paragraph_dates, time_language
from .dedup.detect import detect_arriving, detect_duplicates, seconds_of
from .dedup.detect import warnings_of as detection_warnings
from .dedup.engines import Arriving, Detector
from .dedup.fingerprint_cache import FingerprintCache
from .dedup.page_memo import PageMemo, PageResults, StoredSegments, page_results, with_doc
from .ingest.inputs import iter_inputs
from .model import (
    SCHEMA_VERSION,
    AuditResult,
    Cluster,
    Document,
    DocumentReport,
    EraConflict,
    PageDate,
    ParagraphRef,
    Provenance,
    RuleTimeout,
    RunStats,
    SegmentedDocument,
    Skipped,
    Staleness,
    Summary,
)
from .provenance.blocks import duplicated_by_doc, find_blocks
from .provenance.cues import CueSet, load_cues
from .provenance.outlets import OutletRegistry, load_registry
from .provenance.tracing import PageTrace, trace_across, trace_page
from .rules.saferegex import RuleTimeouts, collecting_timeouts
from .runtime.heap import long_lived_heap, release_free_memory
from .runtime.page_store import PageStore
from .runtime.timing import Laps
from .segment.boilerplate import load_rules
from .segment.furniture import (
    TemplatedPages,
    learn_templates,
    low_content_evidence,
    page_site,
    without_templates,
)
from .segment.paragraphs import segment


def read_inputs(
    paths: Sequence[str], config: Config, stdin: BinaryIO | None = None
) -> Iterator[Document | Skipped]:
    """The audited inputs, then the ``--reference`` ones, as ``iter_inputs`` reads them."""
    yield from iter_inputs(paths, config, stdin=stdin)
    for path in config.provenance.reference:
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


@dataclass(frozen=True, slots=True)
class PageCounts:
    """What the summary needs of one page, noted while the page is at hand."""

    reference: bool
    content_hash: str
    body: bytes  # 1 for each body paragraph, 0 for each boilerplate one, in paragraph order
    rules: tuple[str, ...]  # the rule of each boilerplate paragraph ("?" when none is named)
    in_clusters: int  # body paragraphs that are members of a cluster


def page_counts(seg: SegmentedDocument, clustered: Iterable[int]) -> PageCounts:
    """A page's counts; ``clustered`` holds the indexes of its paragraphs that are cluster
    members (``clustered_by_doc``)."""
    body = bytes(p.is_body for p in seg.paragraphs)
    rules = tuple(p.boilerplate_rule or "?" for p in seg.paragraphs if not p.is_body)
    in_clusters = sum(body[index] for index in clustered)
    return PageCounts(seg.document.reference, seg.document.content_hash, body, rules, in_clusters)


def clustered_by_doc(membership: dict[ParagraphRef, str]) -> dict[int, list[int]]:
    """The indexes of each page's clustered paragraphs, from the cluster of each member: one
    pass over the members, instead of a ref made and looked up for every paragraph of every
    page (a third of a second at 100,000 paragraphs, most of it on a re-run's reused pages)."""
    by_doc: dict[int, list[int]] = {}
    for ref in membership:
        by_doc.setdefault(ref.doc, []).append(ref.index)
    return by_doc


def summarize(
    pages: Sequence[PageCounts],
    skipped: Sequence[Skipped],
    clusters: Sequence[Cluster],
    provenance: Sequence[Sequence[Provenance]],
    staleness: Sequence[Sequence[Staleness]],
    conflicts: int,
    indexed: tuple[int, int] | None = None,
) -> Summary:
    """The run's counts, from what each page's counts, provenance and verdicts say; ``indexed``
    is (documents fingerprinted, documents reused) as the ``--index`` counted them, None
    without an index (then every distinct page was fingerprinted)."""
    files = paragraphs = body = in_clusters = stale = 0
    outlets: Counter[str] = Counter()
    relays: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    for page, per_paragraph, verdicts in zip(pages, provenance, staleness, strict=True):
        if page.reference:
            continue
        files += 1
        paragraphs += len(page.body)
        body += sum(page.body)
        in_clusters += page.in_clusters
        rules.update(page.rules)
        stale += sum(1 for item in verdicts if item.verdict == "stale")
        for is_body, item in zip(page.body, per_paragraph, strict=True):
            if is_body:  # body paragraphs per likely original outlet, and per outlet -> relay chain
                outlets[item.outlet or "unknown"] += 1
                if item.outlet and item.via:
                    relays[" → ".join((item.outlet, *item.via))] += 1
    kinds = Counter(c.kind for c in clusters)
    return Summary(
        files=files,
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
        outlets=_counted(outlets),
        relays=_counted(relays),
        boilerplate_rules=tuple(sorted(rules.items())),
        fingerprinted=indexed[0] if indexed else len({page.content_hash for page in pages}),
        reused=indexed[1] if indexed else 0,
    )


class DocumentReports(Sequence[DocumentReport]):
    """``AuditResult.documents`` made from the pages when asked: with the pages spooled, a
    report's documents are read back one at a time instead of all held until it is written."""

    def __init__(self, pages: Sequence[SegmentedDocument], page_dates: Sequence[PageDate]) -> None:
        if len(pages) != len(page_dates):
            raise ValueError("one page date per page")
        self.pages, self.page_dates = pages, page_dates

    def __len__(self) -> int:
        return len(self.pages)

    @overload
    def __getitem__(self, at: int) -> DocumentReport: ...
    @overload
    def __getitem__(self, at: slice) -> tuple[DocumentReport, ...]: ...
    def __getitem__(self, at: int | slice) -> DocumentReport | tuple[DocumentReport, ...]:
        if isinstance(at, slice):
            return tuple(self[doc] for doc in range(*at.indices(len(self))))
        seg = self.pages[at]
        return DocumentReport(
            path=seg.document.path,
            meta=seg.document.meta,
            content_hash=seg.document.content_hash,
            paragraphs=seg.paragraphs,
            reference=seg.document.reference,
            page_date=self.page_dates[at],
        )

    def __iter__(self) -> Iterator[DocumentReport]:
        return (self[doc] for doc in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DocumentReports | tuple | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def settings_of(config: Config) -> dict[str, object]:
    """The settings that shape findings, recorded in every report."""
    keep = ("shingle_size", "num_perm", "seed", "threshold", "min_fuzz", "containment",
            "min_words", "long_paragraph_words", "window_sentences", "include_boilerplate",
            "report_rows")
    values = config.flat()
    return {key: values[key] for key in keep}


def rule_timeout_warnings(events: Iterable[RuleTimeout]) -> list[str]:
    """One line per rule that ran out of time (its matches on that text were skipped)."""
    counted = Counter((t.rule, t.source) for t in events)
    switched_off = {(t.rule, t.source) for t in events if t.disabled}
    return [
        f"rule '{rule}' ({source}) timed out {count} time(s); "
        + ("switched off for the rest of the run" if (rule, source) in switched_off
           else "no match assumed where it timed out")
        for (rule, source), count in sorted(counted.items())
    ]


def _arriving_detector(detect: Detector | None, cache: FingerprintCache | None) -> Arriving | None:
    """The detection that takes pages as they arrive, when this run's detector can."""
    if detect is None:
        return None if cache is not None else detect_arriving
    return getattr(detect, "arriving", None)


MEMO_CHUNK = 256  # pages looked up in the --index's page memo with one query
_Arrived = tuple[Document | Skipped, StoredSegments | None]  # an input and its stored segments


def _with_stored_segments(
    items: Iterable[Document | Skipped], memo: PageMemo | None,
) -> Iterator[_Arrived]:
    """Each input with its stored segments (None when not stored or not a page). With a memo,
    inputs are read ``MEMO_CHUNK`` at a time (the detector then needs every page first anyway);
    without one, each is handed on as it arrives."""
    if memo is None:
        yield from ((item, None) for item in items)
        return

    def looked_up(chunk: list[Document | Skipped]) -> Iterator[_Arrived]:
        documents = [one for one in chunk if isinstance(one, Document)]
        found = dict(zip(map(id, documents), memo.segmented_many(documents), strict=True))
        return ((one, found.get(id(one))) for one in chunk)

    chunk: list[Document | Skipped] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == MEMO_CHUNK:
            yield from looked_up(chunk)
            chunk = []
    yield from looked_up(chunk)


def _with_stored_results(
    pages: Sequence[SegmentedDocument], copied: dict[int, frozenset[int]], memo: PageMemo | None,
) -> Iterator[tuple[int, SegmentedDocument, frozenset[int], bytes, PageResults | None]]:
    """Each page with its position, its paragraphs copied on other pages, the key of its
    results in the memo and those results when stored, looked up ``MEMO_CHUNK`` pages a query."""
    chunk: list[tuple[int, SegmentedDocument, frozenset[int]]] = []
    for doc, seg in enumerate(pages):
        chunk.append((doc, seg, copied.get(doc, frozenset())))
        if len(chunk) == MEMO_CHUNK or doc == len(pages) - 1:
            if memo is None:
                yield from ((doc, seg, here, b"", None) for doc, seg, here in chunk)
            else:
                found = memo.pages_many([(seg, here) for _, seg, here in chunk])
                yield from ((doc, seg, here, key, stored)
                            for (doc, seg, here), (key, stored) in zip(chunk, found, strict=True))
            chunk = []


def run_audit(
    paths: Sequence[str],
    config: Config,
    *,
    stdin: BinaryIO | None = None,
    cache: FingerprintCache | None = None,
    detect: Detector | None = None,
) -> AuditResult:
    """The whole audit; ``detect`` replaces the in-process duplicate detection (shared index, Dask).

    What the run measured (seconds per stage, rule timeouts) comes back in ``result.stats``."""
    # the corpus stays in memory: the collector need not rescan it; rule timeouts are this run's
    with long_lived_heap(), collecting_timeouts() as timeouts:
        return _run(paths, config, stdin, cache, detect, timeouts)


def _run(
    paths: Sequence[str],
    config: Config,
    stdin: BinaryIO | None,
    cache: FingerprintCache | None,
    detect: Detector | None,
    timeouts: RuleTimeouts,
) -> AuditResult:
    stage_seconds: dict[str, float] = {}  # returned in the result's stats
    clock = Laps(stage_seconds)
    rules = load_rules(tuple(config.segment.boilerplate_rules))
    as_of = as_of_date(config.dating.as_of)
    pages = PageStore(config.runtime.spool_after_mb * 2**20, config.runtime.spool_dir)  # memory, then a file
    skipped: list[Skipped] = []
    sites: list[str | None] = []  # each page's site, for the templates learned after detection
    memo = cache.memo if cache is not None else None  # each page's own results, from the --index
    text_hashes: list[tuple[str, ...]] = []  # of each page's paragraphs, kept with an --index

    def arriving() -> Iterator[tuple[int, SegmentedDocument]]:
        """Each page segmented as it arrives (here, while worker processes extract the next HTML
        pages), put in the store and handed on with its position."""
        for item, stored in _with_stored_segments(read_inputs(paths, config, stdin), memo):
            clock.lap("ingest")
            if isinstance(item, Skipped):
                skipped.append(item)
                continue
            if stored is not None:
                seg, hashes = stored
                text_hashes.append(hashes)
            else:
                seg = segment(item, config, rules)
                if memo is not None:
                    text_hashes.append(memo.keep_segmented(seg))
            pages.append(seg)
            sites.append(None if item.reference else page_site(item))
            clock.lap("segment")
            yield len(pages) - 1, seg  # this object, not one read back from a spooled store
            clock.lap("detect duplicates")  # what detection did between pages

    streamed = _arriving_detector(detect, cache)
    if streamed is not None:  # pages fingerprinted as they arrive, later ones still being read
        clusters = streamed(arriving(), pages, config)
    else:  # the detector needs every page first
        for _ in arriving():
            pass
        clusters = detect(pages, config) if detect else detect_duplicates(pages, config, cache=cache)
    release_free_memory()  # what detection held besides its clusters
    membership = paragraph_clusters(clusters)
    clock.lap("detect duplicates")
    detected_warnings = detection_warnings(clusters)  # what detection cut, before clusters are re-made
    detection_seconds = seconds_of(clusters)
    # A site's own template lines (short copies on several of its pages) are furniture: every
    # later stage reads the pages with them as boilerplate, and they leave the clusters.
    templates = learn_templates(pages, sites, clusters, membership)
    if templates:
        clusters = without_templates(clusters, templates)
        membership = paragraph_clusters(clusters)
    learned: Sequence[SegmentedDocument] = TemplatedPages(pages, templates) if templates else pages
    furniture = {ref: found.evidence() for ref, found in sorted(templates.items())}
    clock.lap("site templates")
    # loaded at the first page whose results are not in the --index: a re-run of an unchanged
    # corpus needs none of them
    knowledge: list[tuple[OutletRegistry, CueSet, DatingKnowledge]] = []
    copied = duplicated_by_doc(clusters)
    clustered = clustered_by_doc(membership)
    # One read of each page for everything that needs only that page: its paragraphs' dates
    # (for page dating and staleness), its cues (for blocks and the tracer), its blocks, its
    # own provenance claims, its staleness verdicts and its counts. With the pages spooled,
    # each read rebuilds the page; then only what crosses pages is left to do.
    page_dates: list[PageDate] = []
    traced: list[PageTrace] = []
    verdicts: list[tuple[Staleness, ...]] = []
    conflicts: list[EraConflict] = []
    counts: list[PageCounts] = []
    for doc, seg, copied_here, memo_key, stored in _with_stored_results(learned, copied, memo):
        if stored is not None:  # the page, its furniture and its copied paragraphs as last run
            page_dates.append(stored.page_date)
            traced.append(stored.trace)  # type: ignore[arg-type]
            verdicts.append(stored.verdicts)
            page_conflicts, low_content = with_doc(stored, doc)
            conflicts.extend(page_conflicts)
            counts.append(page_counts(seg, clustered.get(doc, ())))
            furniture.update({ParagraphRef(doc, index): found for index, found in low_content.items()})
            clock.lap("page results reused")
            continue
        if not knowledge:
            registry = load_registry(config.provenance.outlets)
            dating = DatingKnowledge.of(load_eras(config.dating.eras), time_language())
            knowledge.append((registry, load_cues(registry), dating))
            clock.lap("load outlets, cues, eras")
        registry, cues, dating = knowledge[0]
        lang = dating.lang
        hits = page_paragraph_dates(seg, lang)
        page_date = date_page(seg, as_of, lang, hits)
        page_dates.append(page_date)
        clock.lap("page dates")
        found = cues.find_all(seg.paragraphs, seg.document.text)
        block = find_blocks(seg, doc, clusters, cues=cues, duplicated_paragraphs=copied_here, matches=found)
        clock.lap("blocks")
        trace = trace_page(seg, registry, cues, found, block)
        traced.append(trace)
        clock.lap("provenance")
        foreign = foreign_blocks(seg, block, found, copied_here, registry, cues)
        page_verdicts, page_conflicts = assess_page(seg, doc, page_date, block, dating, hits, foreign)
        verdicts.append(page_verdicts)
        conflicts.extend(page_conflicts)
        clock.lap("staleness")
        counts.append(page_counts(seg, clustered.get(doc, ())))
        low_content = low_content_evidence(seg, doc)
        furniture.update(low_content)
        if memo is not None:
            stored_now = page_results(page_date, trace, page_verdicts, page_conflicts, low_content)
            memo.keep_page(memo_key, stored_now)
        clock.lap("summary")
    provenance = trace_across(learned, traced, clusters, page_dates)
    del traced
    clock.lap("provenance")
    copies = recycled([page.reference for page in counts], page_dates, clusters, config.dating.recycled_days)
    clock.lap("staleness")
    indexed = (cache.fingerprinted, cache.reused) if cache is not None else None  # counted at its bind
    summary = summarize(counts, skipped, clusters, provenance, verdicts, len(conflicts), indexed)
    clock.lap("summary")
    reports = DocumentReports(learned, tuple(page_dates))
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
        staleness=tuple(verdicts),
        conflicts=tuple(conflicts),
        recycled=copies,
        warnings=(*rule_timeout_warnings(timeouts.events), *detected_warnings),
        furniture=furniture,
        text_hashes=tuple(text_hashes) if memo is not None else (),
        stats=RunStats(tuple(stage_seconds.items()), detection_seconds, timeouts.events),
    )
