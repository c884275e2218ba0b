"""Findings: the AuditResult flattened into items a CI gate, a baseline and SARIF can name.

Why a separate view: a gate counts, a baseline remembers and SARIF lists "things wrong at a
place", while the AuditResult is organised by document and cluster. Each finding has a stable
fingerprint made from normalized text only (never line numbers or file order), so inserting lines
above it or re-ordering files does not change it; each occurrence has a key (file + text hash)
so a baseline can tell a new copy of an old finding from the copies it already accepted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache

import xxhash

from ..model import CATEGORIES, RULES, AuditResult, DocumentReport, Finding, Occurrence, ParagraphRef


def text_hash(text: str) -> str:
    """Hash of a paragraph's normalized words (the same equality as exact-duplicate detection)."""
    from ..dedup.fingerprint import normalize, tokenize  # numpy: not for --help/--version

    words = " ".join(tokenize(normalize(text)))
    return xxhash.xxh3_64_hexdigest(words.encode("utf-8", "surrogatepass"))


def _digest(*parts: str) -> str:
    return xxhash.xxh3_64_hexdigest("\x1f".join(parts).encode("utf-8", "surrogatepass"))


class _View:
    """Paragraph lookups with memoized text hashes."""

    def __init__(self, result: AuditResult) -> None:
        self.result = result
        self._hashes: dict[ParagraphRef, str] = {}
        # the last documents' reports kept: ``pipeline.DocumentReports`` makes (or reads back
        # from the spool) one on every access, 697,886 of them for 100,000 paragraphs (5 s of a
        # ``check``); a bounded cache, so spooled pages are not all held again
        self.document: Callable[[int], DocumentReport] = lru_cache(maxsize=256)(self._document)

    def _document(self, doc: int) -> DocumentReport:
        return self.result.documents[doc]

    def audited(self, ref: ParagraphRef) -> bool:
        return not self.document(ref.doc).reference

    def text(self, ref: ParagraphRef) -> str:
        return self.document(ref.doc).paragraphs[ref.index].text

    def hash(self, ref: ParagraphRef) -> str:
        if self.result.text_hashes:  # kept by the run (an --index run has them of every page)
            return self.result.text_hashes[ref.doc][ref.index]
        if ref not in self._hashes:
            self._hashes[ref] = text_hash(self.text(ref))
        return self._hashes[ref]

    def occurrence(self, ref: ParagraphRef, text: str | None = None, member: bool = True) -> Occurrence:
        document = self.document(ref.doc)
        para = document.paragraphs[ref.index]
        path = document.path
        return Occurrence(path, para.line, para.end_line, text or self.hash(ref), member)


def _clusters(view: _View) -> list[Finding]:
    out = []
    for cluster in view.result.clusters:
        rule = {"exact": "exact-duplicate", "near": "near-duplicate"}.get(cluster.kind, "contained")
        occurrences = [view.occurrence(m.ref) for m in cluster.members if view.audited(m.ref)]
        occurrences += [
            view.occurrence(c.container, view.hash(c.contained), member=False)
            for c in cluster.containers
            if view.audited(c.container)
        ]
        if not occurrences:
            continue
        first = cluster.members[0].ref
        copies = len(cluster.members) + len(cluster.containers)
        places = len({o.path for o in occurrences})
        message = (
            f"{RULES[rule][1]}: {copies} copies in {places} file(s), similarity {cluster.similarity:.2f}"
        )
        out.append(
            Finding(
                rule=rule,
                fingerprint=f"{RULES[rule][0]}:{cluster.fingerprint}",
                excerpt=view.text(first),
                message=message,
                occurrences=tuple(occurrences),
                texts=tuple(sorted({view.hash(m.ref) for m in cluster.members})),
                similarity=cluster.similarity,
            )
        )
    return out


def _per_text(view: _View, rule: str, flagged: list[tuple[ParagraphRef, str]]) -> list[Finding]:
    """One finding per distinct normalized text, with every paragraph carrying it."""
    grouped: dict[str, list[tuple[ParagraphRef, str]]] = defaultdict(list)
    for ref, explanation in flagged:
        grouped[view.hash(ref)].append((ref, explanation))
    out = []
    for text, items in grouped.items():
        first, explanation = items[0]
        out.append(
            Finding(
                rule=rule,
                fingerprint=f"{RULES[rule][0]}:{text}",
                excerpt=view.text(first),
                message=f"{RULES[rule][1]}: {explanation}" if explanation else RULES[rule][1],
                occurrences=tuple(view.occurrence(ref) for ref, _ in items),
                texts=(text,),
            )
        )
    return out


def _stale(view: _View) -> list[Finding]:
    flagged = [
        (ParagraphRef(doc, index), verdict.explanation)
        for doc, rows in enumerate(view.result.staleness)
        for index, verdict in enumerate(rows)
        if verdict.verdict == "stale" and view.audited(ParagraphRef(doc, index))
    ]
    return _per_text(view, "stale", flagged)


def _unknown(view: _View) -> list[Finding]:
    flagged = []
    for doc, rows in enumerate(view.result.provenance):
        for index, prov in enumerate(rows):
            ref = ParagraphRef(doc, index)
            para = view.document(doc).paragraphs[index]
            if para.is_body and prov.outlet is None and prov.role == "unknown" and view.audited(ref):
                flagged.append((ref, prov.explanation))
    return _per_text(view, "unknown-provenance", flagged)


def _conflicts(view: _View) -> list[Finding]:
    grouped: dict[str, list[Occurrence]] = defaultdict(list)
    first_of: dict[str, tuple[str, str, tuple[str, str]]] = {}
    for conflict in view.result.conflicts:
        one = ParagraphRef(conflict.doc, conflict.first_paragraph)
        two = ParagraphRef(conflict.doc, conflict.second_paragraph)
        if not view.audited(one):
            continue
        texts = (view.hash(one), view.hash(two))
        fingerprint = "conflict:" + _digest(*texts, conflict.first.fact, conflict.second.fact)
        a, b = view.occurrence(one), view.occurrence(two)
        grouped[fingerprint].append(
            Occurrence(a.path, min(a.line, b.line), max(a.end_line, b.end_line), _digest(*texts))
        )
        message = f"{RULES['era-conflict'][1]}: {conflict.first.fact} vs {conflict.second.fact}"
        first_of.setdefault(fingerprint, (view.text(one), message, texts))
    return [
        Finding("era-conflict", fp, first_of[fp][0], first_of[fp][1], tuple(occ), first_of[fp][2])
        for fp, occ in grouped.items()
    ]


def collect(result: AuditResult) -> tuple[Finding, ...]:
    """Every finding of the run, in a stable order (category, then first location)."""
    view = _View(result)
    found = _clusters(view) + _stale(view) + _conflicts(view) + _unknown(view)
    order = {category: i for i, category in enumerate(CATEGORIES)}
    found.sort(key=lambda f: (order[f.category], f.occurrences[0].path, f.occurrences[0].line, f.fingerprint))
    return tuple(found)
