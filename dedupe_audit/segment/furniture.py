"""Furniture no single rule names: a site's own template, learned from the corpus, and
paragraphs jusText's measures call boilerplate by their context.

Why two more layers beside the rules of ``data/boilerplate.toml``: a rule names a shape that
furniture has on any site ("Sign up for ...", "(AP Photo/...)"), but every site also repeats
its own lines (a subscription pitch, a comment-policy note, a "powered by" widget) in its own
wording. Those are found from the corpus itself: the duplicate index already groups the copies,
and a short paragraph whose copies stand on several pages of the *same* site is that site's
template. A wire story carried verbatim by many sites, or by one site on several pages, is
content: the copies must be on one site, and the paragraph must not sit beside a long paragraph
the same pages share (a story's run of paragraphs repeats together; a template's neighbours
differ from page to page).

The second layer uses jusText's ideas (Pomikálek 2011, the ``justext`` package: stopword
density per language, length classes, link-like text, neighbours' classes) on the paragraphs
of one page that no rule named. Scraped text has no markup, so link density is not available;
the separators of a link list stand for it. jusText alone would call every headline and
subheading of an article boilerplate, so only what its context classification calls bad *and*
what stands after the article's last good paragraph, or reads as a list of links, is furniture.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import urlsplit

from ..model import BOILERPLATE, Cluster, Document, Paragraph, ParagraphRef, SegmentedDocument
from .page_context import context_evidence

SITE_TEMPLATE = "site-template"
LOW_CONTENT = "low-content"

# A template is short: a pitch, a note, a widget line. Longer paragraphs repeated on one site
# are more likely a story it ran twice than furniture.
TEMPLATE_MAX_WORDS = 40
# Copies on at least this many pages of one site make a template.
TEMPLATE_MIN_PAGES = 3
# A copy longer than this many words must stand on at least LONG_SHARE of its site's pages.
SHORT_WORDS = 8
LONG_SHARE = 1 / 3
# A run of consecutive paragraphs copied between the same pages of a site that holds this many
# words is a story carried twice (or an aggregator's story list), not a template: a template
# line stands alone or in a short block of other template lines.
STORY_RUN_WORDS = 80


@dataclass(frozen=True, slots=True)
class SiteTemplate:
    """Why a paragraph is its site's template: the site and how many of its pages carry it."""

    site: str
    pages: int
    cluster: str

    def evidence(self) -> dict[str, object]:
        return {"rule": SITE_TEMPLATE, "site": self.site, "pages": self.pages, "cluster": self.cluster}


def page_site(document: Document) -> str | None:
    """The site that carried a page, from its metadata only (site field, else URL host);
    a page with neither has no site and never joins a template."""
    meta = document.meta
    if meta.site and meta.site.strip():
        return meta.site.strip().casefold().removeprefix("www.")
    if meta.url:
        host = urlsplit(meta.url).hostname
        return host.removeprefix("www.") if host else None
    return None


def learn_templates(
    pages: Sequence[SegmentedDocument],
    sites: Sequence[str | None],
    clusters: Sequence[Cluster],
    membership: Mapping[ParagraphRef, str],
    *,
    min_pages: int = TEMPLATE_MIN_PAGES,
    max_words: int = TEMPLATE_MAX_WORDS,
) -> dict[ParagraphRef, SiteTemplate]:
    """The body paragraphs that are a site's template furniture, with their evidence.

    ``sites`` holds each page's site (:func:`page_site`; None for a reference page or a page
    with no site). A candidate is a cluster's copies on ``min_pages`` or more pages of one
    site; each copy must be short (``max_words``) and stand outside a story run (see
    :data:`STORY_RUN_WORDS`); a copy longer than :data:`SHORT_WORDS` words must also stand on
    at least :data:`LONG_SHARE` of the site's pages, as a template does and a story rarely
    does. Reads only the pages that hold a candidate, once each, in order.
    """
    site_pages = Counter(name for name in sites if name)
    candidates: list[tuple[Cluster, str, list[ParagraphRef]]] = []
    for cluster in clusters:
        by_site: dict[str, list[ParagraphRef]] = defaultdict(list)
        for member in cluster.members:
            name = sites[member.ref.doc]
            if name:
                by_site[name].append(member.ref)
        for name, refs in sorted(by_site.items()):
            if len({ref.doc for ref in refs}) >= min_pages:
                candidates.append((cluster, name, refs))
    if not candidates:
        return {}
    cluster_docs = {c.cluster_id: frozenset(m.ref.doc for m in c.members) for c in clusters}
    pages_of = {id(cluster): frozenset(ref.doc for ref in refs) for cluster, _, refs in candidates}
    wanted_refs = {ref: pages_of[id(cluster)] for cluster, _, refs in candidates for ref in refs}
    kept: set[ParagraphRef] = set()
    for doc in sorted({ref.doc for ref in wanted_refs}):
        paragraphs = pages[doc].paragraphs
        for para in paragraphs:
            ref = ParagraphRef(doc, para.index)
            others = wanted_refs.get(ref)
            if others is None or not para.is_body or _words(para) > max_words:
                continue
            if _words(para) > SHORT_WORDS and len(others) < LONG_SHARE * site_pages[sites[doc] or ""]:
                continue  # a sentence or two on a few of many pages: more likely a story's
            run = _run_words(paragraphs, doc, para.index, others - {doc}, membership, cluster_docs)
            if run < STORY_RUN_WORDS:
                kept.add(ref)
    found: dict[ParagraphRef, SiteTemplate] = {}
    for cluster, name, refs in candidates:
        short = [ref for ref in refs if ref in kept]
        if len({ref.doc for ref in short}) < min_pages:
            continue
        evidence = SiteTemplate(name, len({ref.doc for ref in short}), cluster.cluster_id)
        for ref in short:
            found.setdefault(ref, evidence)
    return found


def _words(para: Paragraph) -> int:
    return para.words if para.words is not None else len(para.text.split())


def _run_words(
    paragraphs: Sequence[Paragraph],
    doc: int,
    index: int,
    others: frozenset[int],
    membership: Mapping[ParagraphRef, str],
    cluster_docs: Mapping[str, frozenset[int]],
) -> int:
    """Words of the run of body paragraphs around ``index`` that are copied on one of the
    ``others`` pages too (boilerplate in between is stepped over, not counted)."""
    total = _words(paragraphs[index])
    for step in (-1, 1):
        at = index + step
        while 0 <= at < len(paragraphs) and total < STORY_RUN_WORDS:
            para = paragraphs[at]
            at += step
            if not para.is_body:
                continue
            cluster_id = membership.get(ParagraphRef(doc, para.index))
            if cluster_id is None or not cluster_docs.get(cluster_id, frozenset()) & others:
                break
            total += _words(para)
    return total


def with_templates(
    seg: SegmentedDocument, doc: int, templates: Mapping[ParagraphRef, object]
) -> SegmentedDocument:
    """The page with its template paragraphs turned into boilerplate (the same object when
    it has none)."""
    if not templates:
        return seg
    hits = [p.index for p in seg.paragraphs if ParagraphRef(doc, p.index) in templates]
    if not hits:
        return seg
    paragraphs = list(seg.paragraphs)
    for index in hits:
        paragraphs[index] = replace(paragraphs[index], kind=BOILERPLATE, boilerplate_rule=SITE_TEMPLATE)
    return replace(seg, paragraphs=tuple(paragraphs))


def without_templates(
    clusters: Sequence[Cluster], templates: Mapping[ParagraphRef, object]
) -> tuple[Cluster, ...]:
    """Clusters with their template members taken out (furniture is not duplicated content);
    a cluster left with fewer than two members and no container is dropped."""
    if not templates:
        return tuple(clusters)
    kept: list[Cluster] = []
    for cluster in clusters:
        members = tuple(m for m in cluster.members if m.ref not in templates)
        if len(members) == len(cluster.members):
            kept.append(cluster)
            continue
        containers = tuple(c for c in cluster.containers if c.contained not in templates)
        if len(members) >= 2 or (members and containers):
            kept.append(replace(cluster, members=members, containers=containers))
    return tuple(kept)


# ------------------------------------------------------------------ jusText on one page

# A low-content line is short: credits, tag lists, follow-us lines. Longer text is left to the
# rules (and keeps the classification off most pages).
LOW_CONTENT_MAX_WORDS = 40
# jusText's defaults (justext.core): length classes and stopword densities.
LENGTH_LOW = 70
LENGTH_HIGH = 200
STOPWORDS_LOW = 0.30
STOPWORDS_HIGH = 0.32
# Separators of a link list or breadcrumb printed as text ("Home | News | Sport").
_SEPARATORS = re.compile(r"\s[|•·»›/]\s|\s::\s")
# A URL, or an "@" before a name: a handle or an e-mail address (each has one; looking for the
# "@" first keeps the scan linear).
_LINK = re.compile(r"https?://\S+|www\.\S+|@\w{2,}")
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_LATIN = re.compile(r"[a-zA-Z]")


def link_marks(text: str) -> int:
    """List separators, URLs, handles and addresses in a text: what stands for jusText's link
    density in text that has no markup."""
    if not may_link(text) and "://" not in text:
        return 0  # neither regex can match (each needs one of these): most paragraphs
    return _count_marks(text)


def _count_marks(text: str) -> int:
    """:func:`link_marks` without its quick test (for a text known to pass it)."""
    return len(_SEPARATORS.findall(text)) + len(_LINK.findall(text))


# What a list separator (:data:`_SEPARATORS`) or a handle or address (:data:`_LINK`) must hold:
# one of these characters, "::" or "www." (a URL needs "://" as well, see :func:`link_marks`).
_LINK_CHARS = ("@", "|", "\u2022", "\u00b7", "\u00bb", "\u203a")


def may_link(text: str) -> bool:
    r"""Whether a text may hold a list separator, a handle or a "www." address (what the regex
    ``[|•·»›@]|\s/\s|::|www\.`` finds; tests check it): substring tests, several times faster
    than the regex, rule most paragraphs out; a slash is then checked for the whitespace around it."""
    for char in _LINK_CHARS:
        if char in text:
            return True
    if "::" in text or "www." in text:
        return True
    return "/" in text and _SLASH.search(text) is not None


# Strings one of which a text that may_link holds once case-folded (the rules' needle search in
# segment looks for them too, so most paragraphs need no link test of their own).
LINK_PROBES = (*_LINK_CHARS, "::", "www.", "/")
_SLASH = re.compile(r"\s/\s")


@lru_cache(maxsize=4)
def stoplist(language: str) -> frozenset[str]:
    """jusText's stoplist for a language (English, Ukrainian, Russian), case-folded."""
    import justext  # imported when first needed: most runs classify with the rules alone

    return frozenset(word.casefold() for word in justext.get_stoplist(language))


def page_language(texts: Iterable[str]) -> str | None:
    """English, Ukrainian or Russian by the letters of a page's first paragraphs; None for
    any other script (jusText's stopword measure is then not used)."""
    sample = " ".join(text for _, text in zip(range(12), texts, strict=False))[:4000]
    if _CYRILLIC.search(sample) is None and _UKRAINIAN.search(sample) is None:
        return "English" if _LATIN.search(sample) else None  # the usual case, without counting
    latin, cyrillic = letter_counts(sample)
    if cyrillic > latin:
        return "Ukrainian" if _UKRAINIAN.search(sample) else "Russian"
    return "English" if latin else None


# The letters page_language counts, as bytes: ASCII letters (_LATIN), and in Windows-1251 the
# letters of _CYRILLIC (А-я at 0xC0-0xFF, Ё ё) and of _UKRAINIAN (І і Ї ї Є є Ґ ґ). A codec
# maps one character to one byte and drops what it cannot encode ("ignore"), so counting bytes
# counts the letters: a C pass over the text instead of a list of every letter (findall).
_NOT_LATIN = bytes(b for b in range(256) if not chr(b).isascii() or not chr(b).isalpha())
_NOT_CYRILLIC = bytes(b for b in range(256) if b not in set(
    "\u0410\u044f\u0401\u0451\u0406\u0456\u0407\u0457\u0404\u0454\u0490\u0491".encode("cp1251"))
    and b < 0xC0)


def letter_counts(sample: str) -> tuple[int, int]:
    """(Latin, Cyrillic) letters of a text, as ``len(_LATIN.findall(sample))`` and
    ``len(_CYRILLIC.findall(sample)) + len(_UKRAINIAN.findall(sample))`` count them: what
    ``page_language`` weighs (public so tests can hold it to those counts)."""
    latin = len(sample.encode("ascii", "ignore").translate(None, _NOT_LATIN))
    cyrillic = len(sample.encode("cp1251", "ignore").translate(None, _NOT_CYRILLIC))
    return latin, cyrillic


@dataclass(slots=True)
class JusParagraph:
    """What ``justext.core.revise_paragraph_classification`` reads of a paragraph."""

    text: str
    cf_class: str
    class_type: str = ""
    heading: bool = False
    stopword_density: float = 0.0

    def __len__(self) -> int:
        return len(self.text)


def context_free(text: str, stop: frozenset[str]) -> JusParagraph:
    """jusText's context-free class (short, neargood, good, bad) of one paragraph's text."""
    words = text.casefold().split()  # as jusText counts them (its Paragraph.stopwords_count)
    density = sum(map(stop.__contains__, words)) / len(words) if words else 0.0
    length = len(text)
    if "©" in text:
        cls = "bad"
    elif length < LENGTH_LOW:
        cls = "short"
    elif density >= STOPWORDS_HIGH:
        cls = "good" if length > LENGTH_HIGH else "neargood"
    elif density >= STOPWORDS_LOW:
        cls = "neargood"
    else:
        cls = "bad"
    return JusParagraph(text, cls, stopword_density=round(density, 3))


def classify_page(texts: Sequence[str], language: str | None) -> list[JusParagraph] | None:
    """jusText's final classes of a page's paragraphs (context revised), or None when the
    page's language has no stoplist."""
    if language is None:
        return None
    from justext.core import revise_paragraph_classification

    stop = stoplist(language)
    classified = [context_free(text, stop) for text in texts]
    revise_paragraph_classification(classified)
    return classified


def low_content(
    paragraphs: Sequence[Paragraph], body: Sequence[bool], linked: Sequence[int] | None = None
) -> dict[int, JusParagraph]:
    """Paragraphs (index -> jusText measures) of one page that are furniture by jusText's
    measures: classed bad in context and link-like (two or more list separators, URLs,
    handles or addresses; one is enough after the article's last good paragraph). ``body`` says which
    paragraphs no rule named; the others are never re-judged. ``linked``, when the caller
    knows it: the short body paragraphs that :func:`may_link` (saves a pass over the page)."""
    short = [i for i, (p, is_body) in enumerate(zip(paragraphs, body, strict=True))
             if is_body and _words(p) <= LOW_CONTENT_MAX_WORDS]
    if linked is None:
        linked = [i for i in short if may_link(paragraphs[i].text)]
    counted = {i: _count_marks(paragraphs[i].text) for i in linked}  # link_marks of those
    if not any(counted.values()):
        return {}  # no short link-like line on the page: nothing to classify (most pages)
    texts = [p.text for p in paragraphs]
    language = page_language(t for t, is_body in zip(texts, body, strict=True) if is_body)
    if language is None:
        return {}
    marks: dict[int, int] = {}  # link_marks of every short body line that has one
    for i in short:
        if i in counted:
            links = counted[i]
        elif "://" in texts[i]:  # a URL alone: may_link does not look for it
            links = _count_marks(texts[i])
        else:
            continue
        if links:
            marks[i] = links
    if all(links < 2 for links in marks.values()) and not _may_follow(texts, body, marks, stoplist(language)):
        return {}
    classified = classify_page(texts, language)
    if classified is None:
        return {}
    good = [i for i, item in enumerate(classified) if item.class_type == "good" and body[i]]
    if not good:
        return {}  # no article found on the page: nothing to set furniture against
    last_good = good[-1]
    found: dict[int, JusParagraph] = {}
    for i, item in enumerate(classified):
        if not body[i] or item.class_type != "bad" or _words(paragraphs[i]) > LOW_CONTENT_MAX_WORDS:
            continue
        # Text has no links: a list's separators, a URL, a handle or an address stand for them.
        links = marks.get(i, 0)  # link_marks of every short body line, counted above
        if links >= 2 or (i > last_good and links and item.cf_class == "bad"):
            found[i] = item
    return found


def _may_follow(texts: Sequence[str], body: Sequence[bool], marks: Mapping[int, int],
                stop: frozenset[str]) -> bool:
    """Whether a line with one link mark may be found: only one that jusText classes bad
    without context and that follows the article's last good paragraph can be. A body
    paragraph classed good without context stays good in context (the revision changes only
    short, near-good and bad ones), so a good one after the line rules it out: most pages
    are then not classified at all (the same answer, a few paragraphs' measures instead of the
    page's)."""
    free: dict[int, str] = {}

    def free_class(i: int) -> str:
        if i not in free:
            free[i] = context_free(texts[i], stop).cf_class
        return free[i]

    def good_after(i: int) -> bool:  # only a text over LENGTH_HIGH without "©" can be good
        return any(body[j] and len(texts[j]) > LENGTH_HIGH and "©" not in texts[j] and free_class(j) == "good"
                   for j in range(i + 1, len(texts)))

    def bad(i: int) -> bool:  # a text under LENGTH_LOW without "©" is short, never bad
        return (len(texts[i]) >= LENGTH_LOW or "©" in texts[i]) and free_class(i) == "bad"

    return any(bad(i) and not good_after(i) for i in marks)


def low_content_evidence(seg: SegmentedDocument, doc: int) -> dict[ParagraphRef, dict[str, object]]:
    """The jusText measures behind each ``low-content`` paragraph of a page, and the
    neighbours behind each paragraph a context rule named (``page_context``), for the report
    (worked out again for the few pages that have one: the spooled pages keep no features)."""
    found: dict[ParagraphRef, dict[str, object]] = {
        ParagraphRef(doc, index): evidence for index, evidence in context_evidence(seg.paragraphs).items()}
    marked = [p.index for p in seg.paragraphs if p.boilerplate_rule == LOW_CONTENT]
    if not marked:
        return found
    body = [p.is_body or p.boilerplate_rule == LOW_CONTENT for p in seg.paragraphs]
    texts = [p.text for p in seg.paragraphs]
    language = page_language(t for t, is_body in zip(texts, body, strict=True) if is_body)
    classified = classify_page(texts, language) or []
    good = [i for i, item in enumerate(classified) if item.class_type == "good" and body[i]]
    for index in marked:
        if index >= len(classified):
            continue
        item = classified[index]
        found[ParagraphRef(doc, index)] = {
            "rule": LOW_CONTENT,
            "language": language,
            "stopword_density": item.stopword_density,
            "length": len(item.text),
            "context_free_class": item.cf_class,
            "class_in_context": item.class_type,
            "link_marks": link_marks(item.text),
            "after_last_good_paragraph": bool(good) and index > good[-1],
        }
    return found


class TemplatedPages(Sequence[SegmentedDocument]):
    """The run's pages as every stage after detection sees them: a site's template paragraphs
    read as boilerplate (``site-template``). The store keeps the pages as segmented; the
    verdict is laid over each page when it is read."""

    def __init__(self, pages: Sequence[SegmentedDocument], templates: Mapping[ParagraphRef, object]) -> None:
        self.pages, self.templates = pages, templates

    def __len__(self) -> int:
        return len(self.pages)

    @property
    def spooled(self) -> bool:
        """Whether the pages underneath wait in a temporary file (``runtime.page_store.PageStore``)."""
        return bool(getattr(self.pages, "spooled", False))

    def __getitem__(self, at: int) -> SegmentedDocument:  # type: ignore[override]
        if isinstance(at, slice):
            return [self[doc] for doc in range(*at.indices(len(self)))]  # type: ignore[return-value]
        doc = at if at >= 0 else len(self) + at
        return with_templates(self.pages[doc], doc, self.templates)

    def __iter__(self):  # type: ignore[no-untyped-def]
        for doc, seg in enumerate(self.pages):
            yield with_templates(seg, doc, self.templates)
