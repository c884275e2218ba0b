"""When was each page published? Metadata first, then the page's own date stamps, then
the dates of its related-article teasers, then the user's ``--as-of``; else undated.

Teaser dates, and why they are weak. A teaser card ("Headline - Reuters 25.04.25, 15:31 •
3643 views") dates *another* article. Related-article cards point to older articles, so they
suggest "page date >= teaser date"; "latest news" widgets are filled when the page is
rendered or scraped, so they suggest "page date <= teaser date", possibly by months for an
old page scraped late. Scraped text cannot tell the two widgets apart, so neither bound
holds in general. What does hold in practice is that a news site fills both from the news
cycle the page belongs to when the page is fresh. So teaser dates are a noisy estimate of
the page date: their median (robust to one old related link or one late widget) dates an
otherwise undated page at low confidence, and they corroborate or question a stamp the page
carries itself. They never date a page alone with high confidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from dedupe_audit.dating.time_expressions import (
    DateHit,
    TimeLanguage,
    page_paragraph_dates,
    time_language,
)
from dedupe_audit.model import Evidence, PageDate, Paragraph, SegmentedDocument

TEASER = "teaser"
METADATA_CONFIDENCE = {"sidecar": 0.95, "html-meta": 0.9, "jsonl": 0.9}
METADATA_SOURCE = {"html-meta": "metadata", "jsonl": "jsonl", "sidecar": "sidecar"}
STAMP_CONFIDENCE = {"published": 0.85, "timestamp": 0.8, "dateline": 0.7, "updated": 0.6}
TEASER_CONFIDENCE = 0.4  # one teaser; several that agree reach TEASER_AGREED
TEASER_AGREED = 0.5
AS_OF_CONFIDENCE = 0.3
AGREE_DAYS = 2  # stamps this close corroborate each other
STAMP_MAX_WORDS = 2  # a stamp line holds the date and at most this many other words
_WORD = re.compile(r"[^\W\d_]{2,}")
_TRAILER = re.compile(r"^\s*(?:[•·|,\-–—]\s*)?(?:\d[\d\s.,]*\s*[^\W\d_]+)?\s*$")
_DASH_AFTER = re.compile(r"^\s*[—–-]")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One date the page offers for itself, with the rule that read it."""

    day: date
    rule: str
    confidence: float
    evidence: Evidence


# --------------------------------------------------------------------------- candidates


def _evidence(hit: DateHit, rule: str, para: Paragraph, detail: str) -> Evidence:
    return Evidence(rule, hit.phrase, para.start + hit.start, para.start + hit.end, detail)


def _other_words(text: str, hit: DateHit) -> int:
    return len(_WORD.findall(text[: hit.start] + " " + text[hit.end :]))


def _stamp_rule(text: str, hit: DateHit, lang: TimeLanguage) -> str | None:
    """Which own-stamp rule reads this date, "teaser" if it is a teaser card's stamp glued
    after a headline, None if it is a date in running prose (an event, not the page)."""
    before, after = text[: hit.start], text[hit.end :]
    if lang.published.search(before):
        return "published"
    if lang.updated.search(before):
        return "updated"
    if _other_words(text, hit) <= STAMP_MAX_WORDS:
        return "timestamp" if hit.has_time else "dateline"
    if hit.has_time and _TRAILER.match(after):
        return TEASER
    if hit.start <= 40 and _DASH_AFTER.match(after):
        return "dateline"
    return None


def _paragraph_candidates(para: Paragraph, lang: TimeLanguage,
                          hits: tuple[DateHit, ...]) -> list[Candidate]:
    found = []
    for hit in hits:
        if hit.first != hit.last:
            continue  # a month or a year does not date a page
        rule = TEASER if para.boilerplate_rule == TEASER else _stamp_rule(para.text, hit, lang)
        if rule is None:
            continue
        if rule == TEASER:
            detail = "date of a related-article teaser: weak evidence of the page's date"
            found.append(Candidate(hit.first, "teaser-date", TEASER_CONFIDENCE,
                                   _evidence(hit, "teaser-date", para, detail)))
        else:
            detail = f"the page's own {rule} stamp (paragraph {para.index})"
            found.append(Candidate(hit.first, rule, STAMP_CONFIDENCE[rule],
                                   _evidence(hit, rule, para, detail)))
    return found


def _candidates(seg: SegmentedDocument, lang: TimeLanguage,
                dates: Sequence[tuple[DateHit, ...]]) -> list[Candidate]:
    return [c for p, hits in zip(seg.paragraphs, dates, strict=True)
            for c in _paragraph_candidates(p, lang, hits)]


# --------------------------------------------------------------------------- choosing


def _near(day: date, others: Sequence[Candidate]) -> list[Candidate]:
    return [c for c in others if abs((c.day - day).days) <= AGREE_DAYS]


def _from_stamps(own: list[Candidate], teasers: list[Candidate]) -> PageDate:
    """The earliest publication-type stamp (later ones are updates or comments); an
    "Updated" stamp only when nothing else is there. Agreement raises confidence."""
    primary = [c for c in own if c.rule != "updated"] or own
    chosen = min(primary, key=lambda c: (c.day, -c.confidence))
    support = [c for c in _near(chosen.day, own + teasers) if c is not chosen]
    confidence = min(0.9, chosen.confidence + (0.05 if support else 0.0))
    disagree = [c for c in teasers if c not in support]
    evidence = [chosen.evidence] + [c.evidence for c in support]
    evidence += [_disagreeing(c) for c in disagree]
    return PageDate(chosen.day.isoformat(), "text", round(confidence, 2), tuple(evidence))


def _disagreeing(candidate: Candidate) -> Evidence:
    e = candidate.evidence
    return Evidence(e.rule, e.phrase, e.start, e.end, e.detail + "; not used: far from the stamp")


def _from_teasers(teasers: list[Candidate]) -> PageDate:
    """Median teaser date at low confidence (see the module docstring)."""
    days = sorted(c.day for c in teasers)
    median = days[(len(days) - 1) // 2]
    agreed = len(teasers) > 1 and all(abs((d - median).days) <= AGREE_DAYS + 1 for d in days)
    confidence = TEASER_AGREED if agreed else TEASER_CONFIDENCE
    evidence = tuple(c.evidence for c in teasers)
    return PageDate(median.isoformat(), "text", confidence, evidence)


def _iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _from_metadata(seg: SegmentedDocument, stamps: list[Candidate]) -> PageDate | None:
    meta = seg.document.meta
    day = _iso(meta.published)
    if day is None:
        return None
    origin = meta.published_source or "html-meta"
    confidence = METADATA_CONFIDENCE.get(origin, 0.8)
    evidence = [Evidence(f"meta:{origin}", meta.published, detail="date from the page's metadata")]
    own = [c for c in stamps if c.rule != "teaser-date"]
    if own and not _near(day, own):
        confidence -= 0.2
        evidence += [_disagreeing(c) for c in own]
    else:
        evidence += [c.evidence for c in _near(day, own)]
    return PageDate(day.isoformat(), METADATA_SOURCE.get(origin, "metadata"),
                    round(confidence, 2), tuple(evidence))


def _fallback(as_of: str | None) -> PageDate:
    if as_of is None:
        detail = "no metadata, stamp or teaser date on the page and no --as-of given"
        return PageDate(None, "undated", 0.0, (Evidence("undated", "", detail=detail),))
    detail = "nothing on the page dates it: the --as-of date is used"
    return PageDate(as_of, "as-of", AS_OF_CONFIDENCE, (Evidence("as-of", as_of, detail=detail),))


def date_page(seg: SegmentedDocument, as_of: str | None = None,
              lang: TimeLanguage | None = None,
              dates: Sequence[tuple[DateHit, ...]] | None = None) -> PageDate:
    """One page's :class:`PageDate` with the evidence that dated it: its metadata, else its own
    stamps, else the teasers' dates, else ``as_of`` (ISO, see :func:`as_of_date`), else undated.
    ``dates``: its paragraphs' dates (``page_paragraph_dates``) when the caller keeps them for
    staleness; read here otherwise."""
    lang = lang or time_language()
    if dates is None:
        dates = page_paragraph_dates(seg, lang)
    candidates = _candidates(seg, lang, dates)
    own = [c for c in candidates if c.rule != "teaser-date"]
    teasers = [c for c in candidates if c.rule == "teaser-date"]
    from_meta = _from_metadata(seg, candidates)
    if from_meta is not None:
        return from_meta
    if own:
        return _from_stamps(own, teasers)
    if teasers:
        return _from_teasers(teasers)
    return _fallback(as_of)


def as_of_date(as_of: str | None) -> str | None:
    """``as_of`` checked and written as ``date_page`` takes it (ISO), or None."""
    if as_of is not None and _iso(as_of) is None:
        raise ValueError(f"as_of must be an ISO date (YYYY-MM-DD), got {as_of!r}")
    found = _iso(as_of)
    return found.isoformat() if found else None
