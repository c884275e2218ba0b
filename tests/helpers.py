"""Small builders shared by tests: documents and segmented documents from literal text, and
the provenance and dating stages run over a few pages as the pipeline runs them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from dedupe_audit.config import Config
from dedupe_audit.dating.eras import EraRegistry, Fact, find_mentions
from dedupe_audit.dating.page_date import as_of_date, date_page
from dedupe_audit.dating.staleness import DatingKnowledge, assess_page, foreign_blocks, recycled
from dedupe_audit.dating.time_expressions import DateHit, TimeLanguage, page_paragraph_dates, time_language
from dedupe_audit.model import (
    BODY,
    BOILERPLATE,
    Cluster,
    Document,
    DocumentMeta,
    EraConflict,
    PageDate,
    Paragraph,
    Provenance,
    Recycled,
    SegmentedDocument,
    Staleness,
)
from dedupe_audit.provenance.blocks import duplicated_by_doc, find_blocks
from dedupe_audit.provenance.cues import CueMatch, CueSet, load_cues
from dedupe_audit.provenance.outlets import OutletRegistry
from dedupe_audit.provenance.tracing import trace_across, trace_page
from dedupe_audit.rules import knowledge_cache
from dedupe_audit.segment.paragraphs import segment

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SEED_000 = SAMPLES / "unn_2025-04-26_nyt-counterproposal_000_09e3b7beadd31f34.txt"
SEED_001 = SAMPLES / "unn_2025-04-25_cnn-stumbling-blocks_001_da529d315f73cbbb.txt"
CORPORA = ROOT.parent / "shared" / "corpora"


def document(text: str, path: str = "doc.txt", **meta: object) -> Document:
    return Document(path=path, text=text, meta=DocumentMeta(**meta), content_hash=path)


def segmented(text: str, path: str = "doc.txt", config: Config | None = None) -> SegmentedDocument:
    return segment(document(text, path), config or Config())


def seed(path: Path) -> SegmentedDocument:
    return segmented(path.read_text(encoding="utf-8"), path.name)


# ---------------------------------------------------------------- stage runs over a few pages
# The provenance and dating stages have one API, the one the pipeline calls page by page
# (``page_paragraph_dates``/``date_page``, ``trace_page``/``trace_across``,
# ``assess_page``/``recycled``). These compose it over a list of pages the way
# ``pipeline._run`` does, so a test states its pages and clusters and checks what the pipeline
# would find, with blocks, cue matches or paragraph dates fixed when it needs them.

ParagraphDates = tuple[tuple[tuple[DateHit, ...], ...], ...]  # per page, per paragraph


def paragraph_dates(segmented: Sequence[SegmentedDocument], lang: TimeLanguage | None = None
                    ) -> ParagraphDates:
    """``page_paragraph_dates`` of every page (the shipped time language when ``lang`` is None)."""
    lang = lang or time_language()
    return tuple(page_paragraph_dates(seg, lang) for seg in segmented)


def date_pages(segmented: Sequence[SegmentedDocument], *, as_of: str | None = None,
               dates: ParagraphDates | None = None) -> tuple[PageDate, ...]:
    """``date_page`` of every page; ``as_of`` is checked as the CLI checks ``--as-of``
    (``as_of_date``: ValueError when not ISO) and dates only pages nothing else dates."""
    as_of = as_of_date(as_of)
    lang = time_language()
    if dates is None:
        dates = paragraph_dates(segmented, lang)
    return tuple(date_page(seg, as_of, lang, hits) for seg, hits in zip(segmented, dates, strict=True))


def trace_pages(
    segmented: Sequence[SegmentedDocument],
    clusters: Sequence[Cluster],
    registry: OutletRegistry,
    page_dates: Sequence[PageDate] | None = None,
    *,
    blocks: Sequence[Sequence[int]] | None = None,
    cues: CueSet | None = None,
    matches: Sequence[Sequence[tuple[CueMatch, ...]]] | None = None,
) -> tuple[tuple[Provenance, ...], ...]:
    """One ``Provenance`` per paragraph per page: ``trace_page`` of every page, then
    ``trace_across`` the run. ``blocks`` and ``matches`` (one entry per page) are found here,
    as the pipeline finds them, when not given."""
    cues = cues or load_cues(registry)
    copied = duplicated_by_doc(clusters)
    pages = []
    for doc, seg in enumerate(segmented):
        found = cues.find_all(seg.paragraphs, seg.document.text) if matches is None else matches[doc]
        block = blocks[doc] if blocks is not None else find_blocks(
            seg, doc, clusters, cues=cues, duplicated_paragraphs=copied.get(doc, frozenset()),
            matches=found)
        pages.append(trace_page(seg, registry, cues, found, block))
    return trace_across(segmented, pages, clusters, page_dates)


@dataclass(frozen=True, slots=True)
class StalenessRun:
    """What the dating stage finds over a run: verdicts aligned with the pages, era conflicts
    and recycled text."""

    per_paragraph: tuple[tuple[Staleness, ...], ...]
    conflicts: tuple[EraConflict, ...]
    recycled: tuple[Recycled, ...]


def assess_pages(
    segmented: Sequence[SegmentedDocument],
    page_dates: Sequence[PageDate],
    clusters: Sequence[Cluster],
    blocks: Sequence[Sequence[int]],
    eras: EraRegistry,
    *,
    recycled_days: int = 180,
    dates: ParagraphDates | None = None,
) -> StalenessRun:
    """Staleness verdicts, era conflicts and recycled text: ``assess_page`` of every page, then
    ``recycled``. ``blocks[i]`` (when it has one id per paragraph; otherwise each paragraph is
    its own block) and ``dates[i]`` (the page's paragraph dates; found by ``assess_page`` when
    None) belong to page ``i``; pasted blocks are read with the shipped cues and outlets."""
    knowledge = DatingKnowledge.of(eras)
    copied = duplicated_by_doc(clusters)
    per_paragraph: list[tuple[Staleness, ...]] = []
    conflicts: list[EraConflict] = []
    for i, (seg, page) in enumerate(zip(segmented, page_dates, strict=True)):
        ids = blocks[i] if i < len(blocks) and len(blocks[i]) == len(seg.paragraphs) else range(
            len(seg.paragraphs))
        foreign = foreign_blocks(seg, ids, duplicated=copied.get(i, frozenset()))
        verdicts, found = assess_page(seg, i, page, ids, knowledge,
                                      dates[i] if dates is not None else None, foreign)
        per_paragraph.append(verdicts)
        conflicts.extend(found)
    references = [seg.document.reference for seg in segmented]
    return StalenessRun(tuple(per_paragraph), tuple(conflicts),
                        recycled(references, page_dates, clusters, recycled_days))


def page(lines: Sequence[str], boilerplate: dict[int, str] | None = None,
         reference: bool = False, **meta: object) -> SegmentedDocument:
    """One paragraph per line; ``boilerplate`` maps a line index to its rule."""
    boilerplate = boilerplate or {}
    text = "\n".join(lines)
    paragraphs, pos = [], 0
    for n, line in enumerate(lines):
        rule = boilerplate.get(n)
        paragraphs.append(Paragraph(n, pos, pos + len(line), n + 1, n + 1, text,
                                    BOILERPLATE if rule else BODY, rule))
        pos += len(line) + 1
    doc = Document("page.txt", text, DocumentMeta(**meta), "hash", reference)
    return SegmentedDocument(doc, tuple(paragraphs))


def dated(day: str, confidence: float = 0.9) -> PageDate:
    return PageDate(day, "metadata", confidence)


def verdicts(seg: SegmentedDocument, day: str, eras: EraRegistry,
             blocks: Sequence[int] | None = None) -> tuple[Staleness, ...]:
    """Staleness of each paragraph of one page dated ``day`` (by metadata); each paragraph is
    its own block unless ``blocks`` says otherwise."""
    blocks = blocks if blocks is not None else range(len(seg.paragraphs))
    return assess_pages([seg], [dated(day)], (), [tuple(blocks)], eras).per_paragraph[0]


def verdict(text: str, day: str, eras: EraRegistry) -> tuple[str, str]:
    """The verdict and explanation of a one-paragraph page dated ``day``."""
    (result,) = verdicts(page([text]), day, eras)
    return result.verdict, result.explanation


def mentioned_facts(text: str, eras: EraRegistry) -> list[Fact]:
    """The era facts whose holders ``text`` mentions, in order."""
    return [m.fact for m in find_mentions(text, eras)]


def holds_on(fact: Fact, day: str) -> bool:
    """Whether one of the fact's tenures holds the ISO ``day``."""
    return any(term.contains(date.fromisoformat(day)) for term in fact.terms)


def reloaded_store(store: knowledge_cache.KnowledgeStore, monkeypatch: pytest.MonkeyPatch
                   ) -> knowledge_cache.KnowledgeStore:
    """Save ``store`` and start another, as the next run would (the cache tests')."""
    store.save()
    again = knowledge_cache.KnowledgeStore()
    monkeypatch.setattr(knowledge_cache, "STORE", again)
    return again
