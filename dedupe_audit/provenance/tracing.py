"""Trace where each paragraph comes from: the original outlet, the relays, the evidence.

Three sources of evidence, weakest last: a cue in the paragraph itself ("CNN reports",
"(Reuters) -", "з посиланням на Bloomberg"); the attribution of its block, inherited at lower
confidence; and copies of the paragraph in other documents (a reference original, the copy on
the outlet's own site, the earliest dated copy). A paragraph none of them speaks for is
``unknown``: the tracer never guesses. Disagreements are kept as ``conflict:...`` evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import urlsplit

from ..model import (
    Cluster,
    Document,
    Evidence,
    PageDate,
    Paragraph,
    ParagraphRef,
    Provenance,
    SegmentedDocument,
)
from .blocks import block_members, story_ids
from .cues import CueMatch, CueSet, is_author_cue
from .outlets import Outlet, OutletRegistry

INHERIT = 0.75  # an inherited attribution is this much weaker than its source...
DECAY = 0.97  # ...and weakens further with each paragraph of distance
FLOOR = 0.3
MIXED = 0.9  # a paragraph citing several outlets is less clearly any one's
AMBIGUOUS = {"block": 0.95, "page": 0.9, "default": 0.85}
DUPLICATE = {"reference": 0.95, "outlet-site": 0.85, "earliest-cue": 0.6, "earliest-site": 0.45}
TEASER_EXTRA_WORDS = 8  # a teaser line may be a headline plus a credit and a timestamp
# Words that stand in a dateline's brackets without naming an outlet: "(Updated) -".
NOT_OUTLETS = frozenset({
    "update", "updated", "updates", "video", "videos", "photo", "photos", "opinion", "analysis",
    "live", "watch", "exclusive", "breaking", "file", "corrected", "correction", "editorial",
    "commentary", "review", "listen", "audio", "graphic", "graphics", "map", "sponsored",
})
# "TEHRAN (Press TV) —": a dateline in capitals names its outlet even when the registry does
# not know it. Tried on paragraphs no cue speaks for (a cue rule with no word to screen by
# would run on every paragraph of every page).
_OPEN_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'’ -]{1,30}(?:,\s*[^()\n]{1,40}?)?\s*"
    r"\(([A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,3})\)\s*[-–—]+\s*"
)
OPEN_WORLD = 0.85
RETELLING_KINDS = frozenset({"wire", "agency", "aggregator"})
OWN_SITE = 0.7  # a news outlet's page with no other credit: its own reporting
SOURCE_LINK = 0.85  # a bare link to a registered outlet's article under an excerpt of it
# A paragraph that is only a link to an article: "nytimes.com/2018/07/14/us/politics/x.html".
_LINK = re.compile(r"^\s*(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:/\S*)?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Claim:
    """An attribution of one paragraph before relays are added."""

    outlet: str | None
    via: tuple[str, ...]
    role: str
    confidence: float
    explanation: str
    evidence: tuple[Evidence, ...]
    origin: str  # cue | inherited | teaser | furniture | duplicate:<kind>


@dataclass(frozen=True, slots=True)
class Resolved:
    """A cue match read as a canonical outlet."""

    match: CueMatch
    outlet: str | None
    via: str | None
    confidence: float
    ambiguous: bool = False
    note: str = ""
    # The rule credits authors of some kinds only (``CueRule.author_kinds``) and this outlet
    # is of another: it names a contributor, never the author.
    demoted: bool = False

    @property
    def evidence(self) -> Evidence:
        detail = self.note or (f"outlet: {self.outlet}" if self.outlet else "")
        match = self.match  # built directly: dataclasses.replace costs more on a hot path
        return Evidence(match.rule.name, match.phrase, match.start, match.end, detail)


@dataclass(frozen=True, slots=True)
class _Named:
    """An outlet named by an attribution, for 'the publication' and ambiguity context."""

    start: int
    outlet: str
    block: int
    ambiguous: bool


# ------------------------------------------------------------------ relay


def site_of(document: Document, registry: OutletRegistry) -> str | None:
    """The site that carried the page, from metadata only (site field, then URL)."""
    meta = document.meta
    if meta.site and meta.site.strip():
        found = registry.resolve_site(meta.site)
        return found.name if found else meta.site.strip()
    if meta.url:
        found = registry.by_domain(meta.url)
        if found:
            return found.name
        host = urlsplit(meta.url).hostname
        return host.removeprefix("www.") if host else None
    return None


def relay_of(
    document: Document, matches: Sequence[Sequence[CueMatch]], registry: OutletRegistry
) -> str | None:
    """The carrying site: metadata first, else the relay most named in the text
    ("writes UNN", "Kyiv • UNN"), the first named on a tie."""
    site = site_of(document, registry)
    if site:
        return site
    votes: Counter[str] = Counter()
    for match in (m for found in matches for m in found):
        alias = match.via or (match.outlet if match.rule.marks_relay else None)
        outlet = registry.lookup(alias) if alias else None
        if outlet:
            votes[outlet.name] += 1
    return votes.most_common(1)[0][0] if votes else None


# ------------------------------------------------------------------ resolving cues


def _pick(
    alias: str, paragraph: Paragraph, block: int, named: Sequence[_Named], reg: OutletRegistry
) -> tuple[str, float, bool, str]:
    """Outlet an alias means here (see data/outlets.toml, "Ambiguous names")."""
    options = reg.candidates(alias)
    if len(options) == 1:
        return options[0], 1.0, False, ""
    clear = [n for n in reversed(named) if not n.ambiguous and n.outlet in options]
    if not paragraph.is_body:
        why = f"ambiguous '{alias}' in a {paragraph.boilerplate_rule} line: default reading"
        return options[0], AMBIGUOUS["default"], True, why
    in_block = [n.outlet for n in clear if n.block == block]
    if in_block:
        why = f"ambiguous '{alias}': {in_block[0]} named earlier in this block"
        return in_block[0], AMBIGUOUS["block"], True, why
    on_page = {n.outlet for n in clear}
    if len(on_page) == 1:
        only = on_page.pop()
        return only, AMBIGUOUS["page"], True, f"ambiguous '{alias}': {only} named earlier on the page"
    why = f"ambiguous '{alias}': nothing in context, default reading"
    return options[0], AMBIGUOUS["default"], True, why


def _publication(match: CueMatch, named: Sequence[_Named], relay: str | None) -> Resolved:
    """'The publication writes' means the outlet most recently named before it."""
    earlier = [n for n in named if n.start < match.start and n.outlet != relay]
    if not earlier:
        return Resolved(match, None, None, 0.0, note="no outlet named earlier")
    outlet = earlier[-1].outlet
    note = f"the outlet most recently named before it: {outlet}"
    return Resolved(match, outlet, None, match.rule.confidence, note=note)


def _resolve(
    match: CueMatch, paragraph: Paragraph, block: int, named: Sequence[_Named],
    relay: str | None, registry: OutletRegistry,
) -> Resolved:
    if match.rule.kind == "publication":
        return _publication(match, named, relay)
    if match.rule.kind == "own":
        note = f"the page's own text: {relay}" if relay else "own text of an unknown site"
        return Resolved(match, relay, None, match.rule.confidence if relay else 0.0, note=note)
    if match.rule.open_world and not registry.candidates(match.outlet or ""):
        name = " ".join((match.outlet or "").split())
        if not name or name.casefold() in NOT_OUTLETS:
            return Resolved(match, None, None, 0.0, note=f"'{name}' is not an outlet")
        note = f"outlet: {name} (not in the registry)"
        demoted = bool(match.rule.author_kinds)
        return Resolved(match, name, None, match.rule.confidence, note=note, demoted=demoted)
    outlet, factor, ambiguous, note = _pick(match.outlet or "", paragraph, block, named, registry)
    via = registry.lookup(match.via) if match.via else None
    confidence = round(match.rule.confidence * factor, 3)
    demoted = False
    if match.rule.author_kinds:
        found = registry.get(outlet)
        demoted = found is None or found.kind not in match.rule.author_kinds
    return Resolved(match, outlet, via.name if via else None, confidence, ambiguous, note, demoted)


def resolve_document(
    seg: SegmentedDocument, matches: Sequence[Sequence[CueMatch]], blocks: Sequence[int],
    relay: str | None, registry: OutletRegistry,
) -> list[list[Resolved]]:
    """Every cue of a document read as an outlet, in document order (context grows)."""
    named: list[_Named] = []
    out: list[list[Resolved]] = []
    for paragraph, found in zip(seg.paragraphs, matches, strict=True):
        if not found:  # most paragraphs: nothing to read
            out.append([])
            continue
        block = blocks[paragraph.index]
        resolved = []
        for match in found:
            item = _resolve(match, paragraph, block, named, relay, registry)
            resolved.append(item)
            if item.outlet and paragraph.is_body and match.rule.kind == "attribution":
                named.append(_Named(match.start, item.outlet, block, item.ambiguous))
        out.append(resolved)
    return out


# ------------------------------------------------------------------ claims in one document


def _primary(usable: Sequence[Resolved], relay: str | None) -> Resolved:
    """The cue that speaks for the paragraph: a dateline/byline, else the outlet with the
    most weight (first named on a tie), preferring its match that names a relay. The
    carrier's own marks ("МОСКВА — РИА Новости.", "Нагадаємо") yield to a named source."""
    foreign = [r for r in usable if r.outlet != relay]
    usable = foreign or usable
    openers = [r for r in usable if r.match.rule.starts_block]
    if openers:
        return openers[0]
    weight: Counter[str] = Counter()
    for r in usable:
        weight[r.outlet or ""] += r.confidence
    best = max(weight.values())
    outlet = next(r.outlet for r in usable if weight[r.outlet or ""] == best)
    mine = [r for r in usable if r.outlet == outlet]
    return next((r for r in mine if r.via), mine[0])


def _cue_claim(
    paragraph: Paragraph, resolved: Sequence[Resolved], cues: CueSet, relay: str | None,
    relay_page: bool = True,
) -> Claim | None:
    """The paragraph's own author claim from its cues. Cues naming a quote's or a fact's
    source ("told CBS", "according to Reuters" on a news outlet's page) are left out: they
    say where something came from, not who wrote this text (see ``is_author_cue``)."""
    usable = [r for r in resolved if r.outlet and _names_author(paragraph, r, relay_page, relay)]
    if not usable:
        return None
    primary = _primary(usable, relay)
    others = sorted({r.outlet or "" for r in usable} - {primary.outlet or ""})
    confidence = primary.confidence * (MIXED if others else 1.0)
    role = "quote" if primary.match.quoted else "reported"
    limit = cues.blocks.headline_max_words + TEASER_EXTRA_WORDS
    if primary.match.rule.role == "teaser" and len(paragraph.text.split()) <= limit:
        role = "teaser"
    explanation = f"Cue '{primary.match.phrase}' ({primary.match.rule.name}) names {primary.outlet}"
    explanation += f"; also names {', '.join(others)}." if others else "."
    via = (primary.via,) if primary.via and primary.via != primary.outlet else ()
    evidence = tuple(r.evidence for r in usable)
    return Claim(primary.outlet, via, role, round(confidence, 3), explanation, evidence, "cue")


def _names_author(paragraph: Paragraph, resolved: Resolved, relay_page: bool, relay: str | None) -> bool:
    """Whether a cue names who wrote the paragraph (an author cue, a source framing the whole
    paragraph on a retelling page, the site's own interview) rather than where a quote or a
    fact came from: the one test that splits a paragraph's outlets into author and sources."""
    if resolved.demoted:
        return False
    return (is_author_cue(resolved.match.rule, relay_page) or (relay_page and _frames(paragraph, resolved))
            or _own_interview(resolved, relay))


FRAME_WORDS = 4  # a source named within this many words of a paragraph's start frames it


def _frames(paragraph: Paragraph, resolved: Resolved) -> bool:
    """Whether a fact-source cue frames the whole paragraph - it opens it ("According to
    Reuters, ...", "Ранее ТАСС сообщал, что") or closes it ("..., Bloomberg reports.") - and
    so names whose report the paragraph retells; mid-sentence it names a source only. Only
    on a retelling page (an agency, an aggregator, an unknown site) does a frame name the
    author: a newspaper's writer who cites a wire for one fact still wrote the paragraph."""
    if resolved.match.rule.role != "source":
        return False
    start = resolved.match.start - paragraph.start
    end = resolved.match.end - paragraph.start
    text = paragraph.text
    return len(text[:start].split()) <= FRAME_WORDS or not text[end:].strip(" .»\"”'’)")


def _own_interview(resolved: Resolved, relay: str | None) -> bool:
    """"Peskov told RIA Novosti" on RIA Novosti's page: the site's own interview."""
    return resolved.match.rule.role == "interview" and relay is not None and resolved.outlet == relay


def _source_evidence(paragraph: Paragraph, resolved: Sequence[Resolved], relay_page: bool,
                     relay: str | None = None) -> tuple[Evidence, ...]:
    """Outlets a paragraph names as where a quote or fact came from, kept as evidence."""
    found = []
    for r in resolved:
        if r.outlet and not _names_author(paragraph, r, relay_page, relay):
            role = "contributor" if r.demoted else r.match.rule.role
            what = {"interview": "interviewed by", "contributor": "contributed to the report"}.get(
                role, "source of a fact or quote")
            match = r.match
            found.append(Evidence(f"source:{match.rule.name}", match.phrase, match.start, match.end,
                                  f"{what}: {r.outlet} (not the author)"))
    return tuple(found)


def _link_claim(paragraph: Paragraph, text: str, registry: OutletRegistry, relay: str | None
                ) -> Claim | None:
    """A paragraph that is only a link to a registered outlet's article: the source line of
    an excerpt ("nytimes.com/2018/07/14/..."), crediting the story above it."""
    if len(text) > 300 or "/" not in text:
        return None
    found = _LINK.match(text)
    outlet = registry.by_domain(found.group(1)) if found else None
    if outlet is None or outlet.name == relay or outlet.kind == "aggregator":
        return None
    evidence = Evidence("source-link", text.strip()[:80], paragraph.start, paragraph.end,
                        f"outlet: {outlet.name}")
    why = f"A link to {outlet.name}'s article ('{text.strip()[:60]}') credits the excerpt it closes."
    return Claim(outlet.name, (), "reported", SOURCE_LINK, why, (evidence,), "cue")


def _open_world_claim(paragraph: Paragraph, text: str, registry: OutletRegistry) -> Claim | None:
    """An outlet named by a capitals dateline but absent from the registry, by its name."""
    found = _OPEN_DATELINE.match(text)
    if found is None:
        return None
    name = " ".join(found.group(1).split())
    if name.casefold() in NOT_OUTLETS or registry.candidates(name):
        return None
    start = paragraph.start + found.start()
    evidence = Evidence("dateline-open-world", found.group().strip(), start, paragraph.start + found.end(),
                        f"outlet: {name} (not in the registry)")
    why = f"Dateline '{found.group().strip()}' names {name}, an outlet not in the registry."
    return Claim(name, (), "reported", OPEN_WORLD, why, (evidence,), "cue")


@lru_cache(maxsize=8)
def _byline_pattern(title_words: tuple[str, ...]) -> re.Pattern[str] | None:
    """A byline line naming a paper by a name ending in one of ``title_words``: "By The Jersey
    Journal", "By Jane Doe | The Hudson Sentinel", "BY JANE DOE, Valley Courier" (names
    before the separator are the writers'; a role such as "Staff Writer" ends in no title word)."""
    if not title_words:
        return None
    titles = "|".join(map(re.escape, sorted(title_words, key=lambda w: (-len(w), w))))
    cap = r"[A-Z][\w.'’-]*"
    return re.compile(
        rf"^\s*(?:By|BY)\s+(?:(?P<writers>{cap}(?:\s+{cap}){{0,3}})\s*(?P<separator>[,|/–—-])\s*)?"
        rf"(?P<outlet>(?:The\s+)?(?:[A-Z][\w&.'’-]*\s+){{0,3}}(?:[A-Z][\w&.'’]*-)?(?:{titles}))\s*$"
    )


def _names_a_paper(found: re.Match[str]) -> bool:
    """Whether a byline's last name is a paper's, not a writer's whose surname is a title
    word ("By Tim Post", "By Jane Doe, Tim Post"): after a bar, slash or dash it is; alone or
    after a comma only with its article ("By The Jersey Journal", "By Jane Doe, The Valley
    Courier") or set apart from writers in capitals ("BY JANE DOE, Valley Courier")."""
    outlet = found.group("outlet")
    if outlet.startswith("The "):
        return True
    separator, writers = found.group("separator"), found.group("writers")
    if separator is None:
        return False
    return separator != "," or (writers.isupper() and not outlet.isupper())


OPEN_BYLINE = 0.8


def _open_byline_claim(paragraph: Paragraph, text: str, registry: OutletRegistry, cues: CueSet
                       ) -> Claim | None:
    """A byline naming a paper the registry lacks ("By The Jersey Journal": a sister paper's
    story on a group's site), by its name; a registered name is left to the cue rules."""
    if len(text) > 120:
        return None
    pattern = _byline_pattern(cues.blocks.paper_title_words)
    found = pattern.match(text) if pattern is not None else None
    if found is None or not _names_a_paper(found):
        return None
    name = " ".join(found.group("outlet").split())
    if registry.candidates(name) or registry.candidates(name.removeprefix("The ")):
        return None
    start = paragraph.start + found.start()
    evidence = Evidence("byline-open-world", found.group().strip(), start, paragraph.start + found.end(),
                        f"outlet: {name} (not in the registry)")
    why = f"Byline '{found.group().strip()}' names {name}, an outlet not in the registry."
    return Claim(name, (), "reported", OPEN_BYLINE, why, (evidence,), "cue")


QUOTE_INTRO = 0.7  # the paragraph under "Per Axios:" is Axios's text, quoted
QUOTE_RUN = 6  # paragraphs a quotation opened by a quotation mark may run over
INTRO_WORDS = 30  # a quotation's introduction is one short sentence
_SENTENCE_END = re.compile(r"[.!?…][\"”’»)]*\s+(?=\S)")
_OPENS_QUOTE = ("“", '"', "«", "„", "‘")
_CLOSES_QUOTE = re.compile(r"[”\"»“’][.,!?…]?\s*$|[.,!?…][”\"»’]\s*$")
# "Per Axios:", "As CNN reported:": a source named by the introduction; not "told CBS:" (the
# speaker's words follow), a contributor, nor a credit of the introducing paragraph itself
# ("WASHINGTON (AP) — The White House said:" goes on with AP's story, not a quotation of AP)
INTRO_ROLES = frozenset({"source"})


@lru_cache(maxsize=8)
def _referent_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """The referent words of ``[blocks] quote_referents`` ("the network", "видання") as one
    pattern, compiled once: how an introduction points back at an outlet it named."""
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?:\bthe\s+)?(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _quote_intro(paragraph: Paragraph, found: Sequence[Resolved], cues: CueSet) -> Resolved | None:
    """The outlet whose text a paragraph introduces: it ends with a colon, and its last
    sentence names the outlet ("Per Axios:", "According to Vox's tally:") or refers back by a
    referent word ("But as the network pointed out:") to the last one it named before."""
    text = paragraph.text.rstrip()
    if not text.endswith(":"):
        return None
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    last = ends[-1] if ends else 0
    if len(text[last:].split()) > INTRO_WORDS:
        return None
    named = [r for r in found if r.outlet and not r.demoted and r.match.rule.role in INTRO_ROLES
             and r.match.rule.kind != "own"]
    inside = [r for r in named if r.match.start - paragraph.start >= last]
    if inside:
        return inside[-1]
    referents = _referent_pattern(cues.blocks.quote_referents)
    if named and referents is not None and referents.search(text, last):
        return named[-1]
    return None


def _quoted_run(paragraphs: Sequence[Paragraph], intro: int) -> list[int]:
    """The body paragraphs a quotation introduced by paragraph ``intro`` covers: the next
    one, and when it opens with a quotation mark, each next one that opens with one too up to
    the one that closes it (at most ``QUOTE_RUN``). Furniture between them is skipped."""
    run: list[int] = []
    for p in paragraphs[intro + 1:]:
        if not p.is_body:
            continue
        text = p.text.strip()
        if run and not text.startswith(_OPENS_QUOTE):
            break
        run.append(p.index)
        if not text.startswith(_OPENS_QUOTE) or _CLOSES_QUOTE.search(text) or len(run) >= QUOTE_RUN:
            break
    return run


def _quote_claims(paragraphs: Sequence[Paragraph], resolved: Sequence[Sequence[Resolved]],
                  cues: CueSet) -> dict[int, Claim]:
    """Claims of the paragraphs quoted under an introduction naming an outlet ("Per Axios:"):
    the quoted text is that outlet's, whoever's page quotes it."""
    found: dict[int, Claim] = {}
    for p, here in zip(paragraphs, resolved, strict=True):
        if not (here and p.is_body and p.text.rstrip().endswith(":")):
            continue
        intro = _quote_intro(p, here, cues)
        if intro is None:
            continue
        phrase = p.text.rstrip()[-80:].lstrip()
        evidence = Evidence("quote-intro", phrase, p.start, p.end,
                            f"outlet: {intro.outlet} (quoted under paragraph {p.index})")
        why = (f"Quoted under '{phrase}' (paragraph {p.index}), which names {intro.outlet}"
               f" ('{intro.match.phrase}'): {intro.outlet}'s text, quoted on this page.")
        claim = Claim(intro.outlet, (), "quote", QUOTE_INTRO, why, (evidence,), "quote")
        for index in _quoted_run(paragraphs, p.index):
            found.setdefault(index, claim)
    return found


def _own_claim(own: Outlet, site: str) -> Claim:
    """One claim for every paragraph a page's own site speaks for (the site is the evidence)."""
    evidence = Evidence("own-site", site, detail=f"outlet: {own.name}")
    why = (f"No credit of another outlet in its story: the page's site {site} ({own.name},"
           f" {own.kind} in the registry) is taken as its author.")
    return Claim(own.name, (), "own", OWN_SITE, why, (evidence,), "own")


def _boilerplate_claim(paragraph: Paragraph, resolved: Sequence[Resolved]) -> Claim:
    rule = paragraph.boilerplate_rule or "boilerplate"
    marker = Evidence(f"boilerplate:{rule}", paragraph.text[:80], paragraph.start, paragraph.end)
    if rule != "teaser":
        return Claim(None, (), "furniture", 0.9, f"Site furniture ({rule}).", (marker,), "furniture")
    credit = next((r for r in resolved if r.outlet and r.match.rule.role == "teaser"), None)
    credit = credit or next((r for r in resolved if r.outlet), None)
    if credit is None:
        return Claim(None, (), "teaser", 0.5, "Teaser with no credited outlet.", (marker,), "teaser")
    why = f"Teaser credited '{credit.match.phrase}' ({credit.outlet})."
    evidence = (credit.evidence, marker)
    return Claim(credit.outlet, (), "teaser", credit.confidence, why, evidence, "teaser")


def _seeds(
    paragraphs: Sequence[Paragraph], resolved: Sequence[Sequence[Resolved]],
    blocks: Sequence[int], cues: CueSet,
) -> dict[int, tuple[int, Resolved]]:
    """Blocks opened by a story line kept as boilerplate ("Kyiv • UNN"): block -> source.
    The seed skips furniture between it and the next body paragraph; a teaser drops it."""
    seeds: dict[int, tuple[int, Resolved]] = {}
    pending: tuple[int, Resolved] | None = None
    for p, found in zip(paragraphs, resolved, strict=True):
        if p.is_body:
            if pending:
                seeds.setdefault(blocks[p.index], pending)
            pending = None
        elif p.boilerplate_rule in cues.blocks.story_boilerplate:
            opener = next((r for r in found if r.outlet and r.match.rule.starts_block), None)
            pending = (p.index, opener) if opener else pending
        elif p.boilerplate_rule == "teaser":
            pending = None
    return seeds


def inherited_claim(index: int, source: int, claim: Claim,
               shared: dict[int, tuple[str, tuple[Evidence, ...]]] | None = None) -> Claim:
    """``claim`` of paragraph ``source`` handed down to paragraph ``index``; ``shared`` (one
    document's, by source) lets the paragraphs inheriting from one source share the same
    explanation and evidence objects."""
    distance = abs(index - source)
    confidence = max(FLOOR, claim.confidence * INHERIT * DECAY ** (distance - 1))
    known = shared.get(source) if shared is not None else None
    if known is None:
        first = claim.evidence[0]
        evidence = Evidence(
            f"inherited:{first.rule}", first.phrase, first.start, first.end, f"paragraph {source}"
        )
        why = (
            f"No cue of its own; inherits {claim.outlet} from paragraph {source} of the same block"
            f" ('{first.phrase}')."
        )
        known = (why, (evidence,))
        if shared is not None:
            shared[source] = known
    return Claim(claim.outlet, claim.via, "reported", round(confidence, 3), known[0], known[1], "inherited")


def seed_claim(index: int, resolved: Resolved) -> Claim:
    first = resolved.evidence
    claim = Claim(resolved.outlet, (), "reported", resolved.confidence, "", (first,), "cue")
    return inherited_claim(index, resolved.match.paragraph, claim)


LEAD_PARAGRAPHS = 3  # body paragraphs at the head of a block whose cues speak for the block


def speaks_for_story(claim: Claim | None, in_lead: bool, story_rules: frozenset[str]) -> bool:
    if claim is None or claim.origin != "cue":
        return False
    return in_lead or bool(claim.via) or any(e.rule in story_rules for e in claim.evidence)


def inherit_claims(
    claims: list[Claim | None], blocks: Sequence[int], seeds: dict[int, tuple[int, Resolved]],
    story_rules: frozenset[str] = frozenset(), credits: dict[int, Claim] | None = None,
    pictures: frozenset[int] = frozenset(),
) -> None:
    """Fill paragraphs without a cue from the nearest story cue before them in their block
    (or the block's seed), else the nearest after; never across a block edge.

    A story cue is one that speaks for the story: a dateline or byline (``story_rules``), a
    relay chain ("X reports, writes UNN"), or any cue in the block's lead (its first
    ``LEAD_PARAGRAPHS`` body paragraphs, so a section label and a headline may come first).
    A passing "according to Reuters" in the middle of a site's own article attributes that
    paragraph only; letting it spread would hand the whole article to the outlet it quotes.
    ``credits`` are story credits held by furniture (a copyright line, a production line),
    by paragraph: they speak for the block they stand in but are never filled in themselves.
    ``pictures``: caption lines kept as body ("... (AP Photo/Name)"): their credits are the
    picture's and speak for the caption alone.
    """
    credits = credits or {}
    shared: dict[int, tuple[str, tuple[Evidence, ...]]] = {}
    speaking = [credits.get(i) or c for i, c in enumerate(claims)] if credits else list(claims)

    for block, members in block_members(blocks).items():
        lead = set([i for i in members if i not in credits][:LEAD_PARAGRAPHS])
        anchors = [
            i for i in members
            if (i not in pictures or i in credits)
            and speaks_for_story(speaking[i], i in lead and i not in credits, story_rules)
        ]
        if not anchors and block not in seeds:
            continue  # nothing to inherit from
        passed = 0  # anchors[:passed] come before the paragraph; anchors are never filled in
        for i in members:
            while passed < len(anchors) and anchors[passed] < i:
                passed += 1
            if claims[i] is not None or i in credits:
                continue
            if passed:
                source = anchors[passed - 1]
                claims[i] = inherited_claim(i, source, speaking[source], shared)  # type: ignore[arg-type]
            elif block in seeds:
                claims[i] = seed_claim(i, seeds[block][1])
            elif anchors:
                claims[i] = inherited_claim(i, anchors[0], speaking[anchors[0]], shared)  # type: ignore[arg-type]


def _story_of_furniture(
    paragraphs: Sequence[Paragraph], blocks: Sequence[int],
) -> tuple[list[int | None], list[int | None]]:
    """For each furniture paragraph, the blocks of the nearest body paragraph before it and
    after it (None when there is none, and for body paragraphs): a closing credit belongs to
    the story above it, an opening one (a byline kept as furniture) to the story below."""
    before: list[int | None] = [None] * len(paragraphs)
    after: list[int | None] = [None] * len(paragraphs)
    last: int | None = None
    for p in paragraphs:
        if p.is_body:
            last = blocks[p.index]
        else:
            before[p.index] = last
    last = None
    for p in reversed(paragraphs):
        if p.is_body:
            last = blocks[p.index]
        else:
            after[p.index] = last
    return before, after


def trace_document(
    seg: SegmentedDocument, resolved: Sequence[Sequence[Resolved]], blocks: Sequence[int],
    cues: CueSet, relay: str | None, registry: OutletRegistry | None = None,
    matches: Sequence[tuple[CueMatch, ...]] | None = None,
) -> list[Claim | None]:
    """Claims from this document alone: credits and cues, then inheritance inside stories,
    then the page's own site for what is left (a news outlet's page, never an aggregator's).
    Quote and fact sources are kept as evidence beside whatever the paragraph's author is."""
    own = _own_outlet(relay, registry)
    # Agencies and aggregators retell others' reports ("повідомляє Bloomberg", "X reports"):
    # on their pages, and where the site is unknown, a named source speaks for its paragraph.
    relay_page = own is None or own.kind in RETELLING_KINDS
    paragraphs = seg.paragraphs
    # captions matter only where some cue stands (a link line is not a caption's credit)
    pictures = _captions(paragraphs, resolved, cues)
    resolved, embeds = _placed(paragraphs, resolved, cues, registry, relay)
    claims: list[Claim | None] = []
    sources: dict[int, tuple[Evidence, ...]] = {}
    credits: dict[int, Claim] = {}
    for paragraph, found in zip(paragraphs, resolved, strict=True):
        text = paragraph.text
        link = _link_claim(paragraph, text, registry, relay) if registry is not None and "/" in text else None
        if paragraph.is_body:
            claim = _cue_claim(paragraph, found, cues, relay, relay_page) if found else None
            if claim is None and registry is not None and text.find("(", 0, 80) >= 0:
                claim = _open_world_claim(paragraph, text, registry)
            if claim is None and registry is not None and text[:3] in ("By ", "BY "):
                claim = _open_byline_claim(paragraph, text, registry, cues)
            claims.append(claim or link)
            quoted = _source_evidence(paragraph, found, relay_page, relay) if found else ()
            if quoted:
                sources[paragraph.index] = quoted
        else:
            claims.append(_boilerplate_claim(paragraph, found))
            credit = _cue_claim(paragraph, found, cues, relay, relay_page) if found else None
            credit = credit if credit and _is_story_credit(credit, cues) else link
            if credit is None and registry is not None and text[:3] in ("By ", "BY "):
                credit = _open_byline_claim(paragraph, text, registry, cues)
            if credit is not None and paragraph.index in pictures and not (
                _is_byline(credit, cues) or (own is None and _is_gallery_text(credit, cues))
            ):
                credit = None  # a picture's credit: the picture's, not the story's
            if credit is not None and paragraph.boilerplate_rule not in (
                "teaser", *cues.blocks.story_boilerplate
            ):
                credits[paragraph.index] = credit
    posts = _embedded_posts(paragraphs, embeds) if embeds else {}
    for index, claim in _account_posts(paragraphs, cues, registry, embeds).items():
        posts.setdefault(index, claim)
    for index, claim in posts.items():
        if claims[index] is None:
            claims[index] = claim
    for index, claim in _quote_claims(paragraphs, resolved, cues).items():
        if claims[index] is None:
            claims[index] = claim
    named = frozenset(i for i, c in enumerate(claims) if c is not None and c.origin == "cue")
    if own is not None and named and cues.gallery_rules:  # a gallery's text credit: relay pages only
        muted = {i for i in named if _is_gallery_text(claims[i], cues, every=True)}  # type: ignore[arg-type]
        pictures = pictures | muted if muted else pictures
    if not named and not credits and own is None and not sources and not posts:
        seeds = _seeds(paragraphs, resolved, blocks, cues)
        if not seeds:
            return claims  # no credit, cue, seed or own site: nothing to hand down
    blocks = story_ids(seg, blocks, cues, matches, named)
    body_blocks = [b if p.is_body else -1 - p.index for p, b in zip(paragraphs, blocks, strict=True)]
    before, after = _story_of_furniture(paragraphs, blocks) if credits else ([], [])
    for index, credit in credits.items():
        opens = any(e.rule in _opening_rules(cues) for e in credit.evidence)
        story = (after[index] if after[index] is not None else before[index]) if opens else (
            before[index] if before[index] is not None else after[index])
        if story is not None:
            body_blocks[index] = story
    inherit_claims(claims, body_blocks, _seeds(paragraphs, resolved, blocks, cues), _story_rules(cues),
             credits, pictures)
    tail = _trailing_titles(paragraphs, cues)
    for p in paragraphs[tail:]:
        claim = claims[p.index]
        if p.is_body and claim is not None and claim.origin == "inherited":
            claims[p.index] = None  # links and labels after the last story, not its text
    if own is not None:
        mine = _own_claim(own, _site_label(seg.document) or own.name)
        for p in paragraphs[:tail]:
            if claims[p.index] is None and p.is_body:
                claims[p.index] = mine
    for index, evidence in sources.items():
        claim = claims[index]
        if claim is None:
            why = "Names only where a quote or fact came from, not who wrote it: unknown."
            claims[index] = Claim(None, (), "unknown", 0.0, why, evidence, "source")
        else:
            claims[index] = Claim(claim.outlet, claim.via, claim.role, claim.confidence,
                                  claim.explanation, claim.evidence + evidence, claim.origin)
    return claims


HEAD_SENTENCE_WORDS = 8  # the story's first sentence paragraph, which ends the page head


def _captions(paragraphs: Sequence[Paragraph], resolved: Sequence[Sequence[Resolved]], cues: CueSet
              ) -> frozenset[int]:
    """The paragraphs holding a cue that are a picture's caption or credit (see
    :func:`is_caption`): their credits speak for the picture only. Only they matter: a
    caption without a credit has nothing to hand down."""
    if not any(resolved):
        return frozenset()  # most pages: no cue at all
    markers = cues.blocks.picture_markers
    return frozenset(p.index for p, found in zip(paragraphs, resolved, strict=True)
                     if found and (is_caption(p, cues) or _under_picture(paragraphs, p.index, markers)))


def _under_picture(paragraphs: Sequence[Paragraph], index: int, markers: frozenset[str]) -> bool:
    """Whether paragraph ``index`` is a short line (a credit: fewer than
    ``HEAD_SENTENCE_WORDS`` words) right under what a scraper leaves of a picture ("Modal
    Trigger", "Enlarge this image": ``[blocks] picture_markers``): the picture's credit, so a
    lone "Reuters" there credits the photo only. A sentence under a marker whose caption was
    lost ("WASHINGTON (Reuters) - The Senate ...") is the story's and keeps its dateline."""
    if index == 0 or not markers or paragraphs[index - 1].text.strip().lower() not in markers:
        return False
    return len(paragraphs[index].text.split()) < HEAD_SENTENCE_WORDS


def is_caption(paragraph: Paragraph, cues: CueSet) -> bool:
    """Whether a paragraph is a picture's caption or credit: furniture of a caption rule, or
    a body paragraph holding a picture credit ("(AP Photo/Name, File)"). Its credits speak for
    the picture: an agency's photo over an op-ed does not make the op-ed the agency's."""
    settings = cues.blocks
    if not paragraph.is_body:
        return paragraph.boilerplate_rule in settings.caption_boilerplate
    marker = _photo_credit(settings.photo_credit)
    text = paragraph.text
    return marker is not None and ("(" in text or " via " in text or " Photo" in text) and (
        marker.search(text) is not None)


@lru_cache(maxsize=8)
def _photo_credit(pattern: str) -> re.Pattern[str] | None:
    """A shipped ``[blocks]`` pattern (picture credit, post signature), compiled once
    (``[blocks]`` is read from the shipped cue file only)."""
    return re.compile(pattern) if pattern else None


def _head_end(paragraphs: Sequence[Paragraph], cues: CueSet) -> int:
    """Index of the story's first paragraph (a body paragraph, not a caption, of at least
    ``HEAD_SENTENCE_WORDS`` words ending a sentence, or longer than a headline may be): the
    page head is what stands above it. A title cut short ("... amid Russian...") ends no
    sentence; a story cut short by the scraper is still a story. ``len(paragraphs)`` when
    there is none (no story under the head)."""
    settings = cues.blocks
    first = True  # the page's first body line: its title, when it is one
    for p in paragraphs:
        if not p.is_body:
            continue
        text = p.text.rstrip().rstrip("\"'”’»)]")
        words = len(text.split())
        title, first = first and _title_question(text, words, settings.headline_max_words), False
        if title or (words >= HEAD_SENTENCE_WORDS and is_caption(p, cues)):
            continue
        if words > settings.headline_max_words or (
            words >= HEAD_SENTENCE_WORDS and text[-1:] in settings.headline_terminal
            and not text.endswith(("...", "…"))
        ):
            return p.index
    return len(paragraphs)


def _title_question(text: str, words: int, most_words: int) -> bool:
    """Whether a page's first body line is its title asked as a question or exclaimed ("Will
    Putin use his old routine on Trump?", "Why is he so enthralled? What does Putin have on
    him?"): one line of headline length ending in "?" or "!". Such a line ends no page head
    (a provider's label under it is still in the byline slot): a story seldom opens with a
    question standing alone on the page's first line, a syndicated title often does."""
    return words <= most_words and text[-1:] in "?!" and "\n" not in text


def _placed(
    paragraphs: Sequence[Paragraph], resolved: Sequence[Sequence[Resolved]], cues: CueSet,
    registry: OutletRegistry | None, relay: str | None = None,
) -> tuple[list[Sequence[Resolved]], dict[int, Resolved]]:
    """The cues that count where they stand: a head-slot credit (an outlet's name alone on
    its line) only in the page head, not under a caption, not the page's own masthead and not
    an aggregator's label;
    embedded-post signatures are taken apart (they speak for the post above them only)."""
    if not any(r.match.rule.slot for found in resolved if found for r in found):
        return list(resolved), {}
    head = _head_end(paragraphs, cues)
    kept: list[Sequence[Resolved]] = []
    embeds: dict[int, Resolved] = {}
    for p, found in zip(paragraphs, resolved, strict=True):
        here = []
        for r in found:
            slot = r.match.rule.slot
            if slot == "embed":
                if r.outlet and p.index not in embeds:
                    embeds[p.index] = r
                continue
            if slot == "head" and not _in_head_slot(p.index, head, r, paragraphs, cues, registry,
                                                    relay):
                continue
            here.append(r)
        kept.append(here if len(here) != len(found) else found)
    return kept, embeds


def _in_head_slot(index: int, head: int, credit: Resolved, paragraphs: Sequence[Paragraph],
                  cues: CueSet, registry: OutletRegistry | None, relay: str | None) -> bool:
    """Whether a lone outlet line stands in the byline slot: above the story's first
    sentence, with a story under it, not right under a caption (a lone "AP" there is the
    picture's credit), naming an outlet that writes (an aggregator's name is its label) and
    is not the page's own site (its name on its own page is the masthead: the site's own
    text is told by own-site attribution, which copies elsewhere may outweigh)."""
    if index >= head or head >= len(paragraphs) or credit.outlet in (None, relay):
        return False
    if index > 0 and is_caption(paragraphs[index - 1], cues):
        return False
    outlet = registry.get(credit.outlet) if registry is not None else None
    return outlet is None or outlet.kind != "aggregator"


def quoted_posts(paragraphs: Sequence[Paragraph], cues: CueSet) -> frozenset[int]:
    """Embedded social-media posts and their signature lines ("— Jane Doe (@janedoe) July
    16, 2018" and the paragraph right above it): an account's words, quoted by every page
    that shows them, so their copies elsewhere decide nothing about who wrote a page."""
    page = paragraphs[0].page if paragraphs else ""
    if "@" not in page or "(@" not in page:
        return frozenset()  # one scan of the page ("@" is rare in prose): most embed no post
    pattern = _photo_credit(cues.blocks.post_signature)  # the same compile-once cache
    if pattern is None:
        return frozenset()
    found: set[int] = set()
    for p in paragraphs:
        text = p.text
        if "(@" in text and len(text) < 160 and pattern.match(text):
            found.add(p.index)
            if p.index > 0:
                found.add(p.index - 1)
    return frozenset(found)


def _embedded_posts(paragraphs: Sequence[Paragraph], embeds: dict[int, Resolved]) -> dict[int, Claim]:
    """Claims of embedded posts: a signature line "— CBS News (@CBSNews) July 15, 2018"
    speaks for itself and the body paragraph right above it (the post), and for nothing
    else: the page's story around an embedded tweet is still the page's."""
    found: dict[int, Claim] = {}
    for index, credit in sorted(embeds.items()):
        evidence = credit.evidence
        why = (f"Embedded post signed '{credit.match.phrase}' ({credit.match.rule.name}): "
               f"{credit.outlet}'s post, quoted on this page.")
        claim = Claim(credit.outlet, (), "reported", credit.confidence, why, (evidence,), "embed")
        if paragraphs[index].is_body:
            found[index] = claim
        post = index - 1
        if post >= 0 and paragraphs[post].is_body and post not in embeds:
            found.setdefault(post, claim)
    return found


_HANDLE = re.compile(r"\(@(\w{1,30})\)")
ACCOUNT_POST = 0.85


def _account_posts(paragraphs: Sequence[Paragraph], cues: CueSet, registry: OutletRegistry | None,
                   embeds: dict[int, Resolved]) -> dict[int, Claim]:
    """Claims of embedded posts signed by an outlet's account under another display name
    ("— This Week (@ThisWeekABC) July 15, 2018": ABC News's show): the registry's ``handles``
    name the outlet; like a signature naming it, it speaks for the post above and itself."""
    page = paragraphs[0].page if paragraphs else ""
    if registry is None or "@" not in page or "(@" not in page:  # "@" alone is the faster scan
        return {}
    pattern = _photo_credit(cues.blocks.post_signature)  # the same compile-once cache
    found: dict[int, Claim] = {}
    for p in paragraphs:
        text = p.text
        if p.index in embeds or "(@" not in text or len(text) >= 160 or pattern is None:
            continue
        handle = _HANDLE.search(text) if pattern.match(text) else None
        outlet = registry.by_handle(handle.group(1)) if handle else None
        if handle is None or outlet is None:
            continue
        evidence = Evidence("embedded-post-account", text.strip(), p.start, p.end,
                            f"outlet: {outlet.name} (its account @{handle.group(1)})")
        why = (f"Embedded post signed by @{handle.group(1)}, an account of {outlet.name}:"
               f" {outlet.name}'s post, quoted on this page.")
        claim = Claim(outlet.name, (), "reported", ACCOUNT_POST, why, (evidence,), "embed")
        if p.is_body:
            found[p.index] = claim
        post = p.index - 1
        if post >= 0 and paragraphs[post].is_body and post not in embeds:
            found.setdefault(post, claim)
    return found


def _is_byline(claim: Claim, cues: CueSet) -> bool:
    """Whether a credit is a byline ("Jill Colvin, Associated Press"), which the furniture
    rules may take for a picture's credit: it speaks for the story all the same. A name with
    a wire in brackets ("Carl Bernstein (AP)") is not one: on a caption line it credits the
    picture."""
    names = cues.byline_rules
    return any(e.rule in names for e in claim.evidence)


def _is_gallery_text(claim: Claim, cues: CueSet, every: bool = False) -> bool:
    """Whether a credit is a text credit closing a paragraph ("... square. (AFP)"), which
    speaks for its story on a relay's page (an aggregator's gallery) even from a caption
    line. On a news outlet's own page the same shape closes a caption ("... in Finland.
    (CBS)"): the paragraph keeps the credit, the story does not inherit it. ``every``: all
    the claim's evidence is of that kind (else any of it)."""
    names = cues.gallery_rules
    found = (e.rule in names for e in claim.evidence)
    return all(found) if every else any(found)


def _trailing_titles(paragraphs: Sequence[Paragraph], cues: CueSet) -> int:
    """Index from which the page's body ends in title-like lines only (short, no final
    punctuation): links to other articles ("Читайте также" lists), not the site's story."""
    end = len(paragraphs)
    terminal = cues.blocks.headline_terminal
    for p in reversed(paragraphs):
        if not p.is_body:
            continue
        text = p.text.rstrip().rstrip("\"'”’»)]")
        if text and text[-1] not in terminal and len(p.text.split()) <= cues.blocks.headline_max_words:
            end = p.index
        else:
            break
    if end < len(paragraphs) and _lead_summary(paragraphs, end, cues):
        return len(paragraphs)
    return end


NAVIGATION_WORDS = 3  # "Next", "Home", "Back to top": a line this short above a headline


def _lead_summary(paragraphs: Sequence[Paragraph], start: int, cues: CueSet) -> bool:
    """Whether the title-like lines from ``start`` on are the summary bullets under the page's
    headline (Daily Mail's key points: "Campaigners have taken to the streets in Helsinki to
    protest both leaders"), the page's own story, not other stories' titles: the page's body
    is a headline (its first line of ``HEAD_SENTENCE_WORDS`` words or more; only short
    navigation lines such as "Next" above it) and then two or more lines, all in the run and
    each of sentence length (``[blocks] summary_line_chars``). Other stories' titles follow a
    story's text, not its headline."""
    low, high = cues.blocks.summary_line_chars
    body = [p for p in paragraphs if p.is_body]
    first = 0
    while first < len(body) and len(body[first].text.split()) <= NAVIGATION_WORDS:
        first += 1
    if first >= len(body) or len(body[first].text.split()) < HEAD_SENTENCE_WORDS:
        return False
    lines = body[first + 1:]
    return len(lines) >= 2 and lines[0].index >= start and all(
        low <= len(p.text.strip()) <= high for p in lines)


def _opening_rules(cues: CueSet) -> frozenset[str]:
    return frozenset(rule.name for rule in cues.rules if rule.starts_block) | ALWAYS_OPENING


def _is_story_credit(claim: Claim, cues: CueSet) -> bool:
    return any(e.rule in _story_rules(cues) for e in claim.evidence)


def _own_outlet(relay: str | None, registry: OutletRegistry | None) -> Outlet | None:
    """The registered news outlet whose own page this is (never an aggregator or portal)."""
    if relay is None or registry is None:
        return None
    outlet = registry.get(relay)
    return outlet if outlet is not None and outlet.kind != "aggregator" else None


def _site_label(document: Document) -> str | None:
    meta = document.meta
    if meta.site and meta.site.strip():
        return meta.site.strip()
    host = urlsplit(meta.url).hostname if meta.url else None
    return host.removeprefix("www.") if host else None


# matches that open a story though no rule file marks them so (made by the tracer itself)
ALWAYS_STORY = frozenset({"source-link", "dateline-open-world", "byline-open-world"})
ALWAYS_OPENING = frozenset({"dateline-open-world", "byline-open-world"})


def _story_rules(cues: CueSet) -> frozenset[str]:
    """Names of the rules that open a story (datelines, bylines): those the cue set read from
    its rules when it was built, and the tracer's own."""
    return cues.story_rules | ALWAYS_STORY


# ------------------------------------------------------------------ copies in other documents


@dataclass(frozen=True, slots=True)
class _Run:
    """What the cross-document step needs to know about the run."""

    segmented: Sequence[SegmentedDocument]
    claims: Sequence[Sequence[Claim | None]]
    sites: Sequence[str | None]
    dates: Sequence[str | None]
    references: Sequence[bool]  # read in the per-page pass: the pages may be read back from a spool
    posts: Sequence[frozenset[int]] = ()  # per page, its quoted social-media posts

    def claim(self, ref: ParagraphRef) -> Claim | None:
        return self.claims[ref.doc][ref.index]

    def where(self, ref: ParagraphRef) -> str:
        seg = self.segmented[ref.doc]
        return f"{seg.document.path}:{seg.paragraphs[ref.index].line}"


def _copies(cluster: Cluster) -> list[ParagraphRef]:
    refs = {m.ref for m in cluster.members} | {c.container for c in cluster.containers}
    return sorted(refs)


def _claimed(run: _Run, ref: ParagraphRef) -> str | None:
    claim = run.claim(ref)
    return claim.outlet if claim and claim.origin in ("cue", "inherited") else None


def _by_date(run: _Run, refs: Sequence[ParagraphRef]) -> list[ParagraphRef]:
    """Refs ordered by page date (undated last), then by position in the run."""
    return sorted(refs, key=lambda r: (run.dates[r.doc] is None, run.dates[r.doc] or "", r))


def _original(run: _Run, refs: Sequence[ParagraphRef]) -> tuple[ParagraphRef, str, str] | None:
    """(copy, outlet, kind) of the likely original among copies, or None."""
    for ref in refs:
        outlet = run.sites[ref.doc] or _claimed(run, ref)
        if run.references[ref.doc] and outlet:
            return ref, outlet, "reference"
    claimed = {o for o in (_claimed(run, r) for r in refs) if o}
    own_site = [r for r in _by_date(run, refs) if run.sites[r.doc] in claimed]
    if own_site:
        return own_site[0], run.sites[own_site[0].doc] or "", "outlet-site"
    dated = [r for r in _by_date(run, refs) if run.dates[r.doc]]
    if not dated or sum(run.dates[r.doc] == run.dates[dated[0].doc] for r in dated) > 1:
        return None  # undated, or several copies share the earliest date: no earliest copy
    first = dated[0]
    if _claimed(run, first):
        return first, _claimed(run, first) or "", "earliest-cue"
    site = run.sites[first.doc]
    return (first, site, "earliest-site") if site else None


def _duplicate_claim(run: _Run, copy: ParagraphRef, outlet: str, kind: str) -> Claim:
    seg = run.segmented[copy.doc]
    text = seg.paragraphs[copy.index].text
    label = kind.split("-")[0] if kind.startswith("earliest") else kind
    evidence = Evidence(f"duplicate:{label}", text[:80], detail=run.where(copy))
    reasons = {
        "reference": "a copy in a reference original",
        "outlet-site": f"a copy on {outlet}'s own site",
        "earliest-cue": f"the earliest dated copy, attributed there to {outlet}",
        "earliest-site": f"the earliest dated copy, on {outlet}'s site",
    }
    reason = reasons[kind]
    why = f"{reason[0].upper()}{reason[1:]} ({run.where(copy)}) decides: {outlet}."
    return Claim(outlet, (), "reported", DUPLICATE[kind], why, (evidence,), f"duplicate:{label}")


def cross_document(run: _Run, clusters: Sequence[Cluster]) -> dict[ParagraphRef, Claim]:
    """For each paragraph with copies elsewhere, the claim its likely original makes."""
    found: dict[ParagraphRef, Claim] = {}
    for cluster in sorted(clusters, key=lambda c: c.cluster_id):
        refs = _copies(cluster)
        if len({r.doc for r in refs}) < 2:
            continue
        if run.posts and any(r.index in run.posts[r.doc] for r in refs):
            continue  # a quoted post: every copy quotes the account, none wrote it
        decided = _original(run, refs)
        if decided is None:
            continue
        copy, outlet, kind = decided
        claim = _duplicate_claim(run, copy, outlet, kind)
        for ref in refs:
            old = found.get(ref)
            if ref.doc != copy.doc and (old is None or claim.confidence > old.confidence):
                found[ref] = claim
    return found


# ------------------------------------------------------------------ combining


def _conflict(local: Claim, dup: Claim) -> Evidence:
    kind = dup.origin.split(":", 1)[1]
    phrase = f"{local.outlet} from {local.origin} here; {dup.outlet} from the copy"
    return Evidence(f"conflict:{kind}", phrase, detail=dup.evidence[0].detail)


def combine(local: Claim | None, dup: Claim | None) -> Claim | None:
    """One claim from the paragraph's own and its copies' evidence; conflicts are kept."""
    if dup is None or (local is not None and local.origin in ("furniture", "teaser")):
        return local
    if local is None:
        return dup
    if local.outlet is None:  # only quote/fact sources named here: the copy decides
        return replace(dup, evidence=dup.evidence + local.evidence)
    if local.outlet == dup.outlet:
        confidence = round(min(0.99, max(local.confidence, dup.confidence) + 0.05), 3)
        why = local.explanation + " A copy elsewhere agrees."
        return replace(local, confidence=confidence, explanation=why,
                       evidence=local.evidence + dup.evidence)
    conflict = _conflict(local, dup)
    dup_wins = dup.origin == "duplicate:reference" or (
        local.origin in ("inherited", "own") and dup.confidence > local.confidence
    )
    winner, loser = (dup, local) if dup_wins else (local, dup)
    why = f"{winner.explanation} Overrides {loser.outlet} ({loser.origin})."
    if not dup_wins:
        why = f"{winner.explanation} A copy elsewhere says {loser.outlet} (kept as a conflict)."
    evidence = winner.evidence + loser.evidence[:1] + (conflict,)
    return replace(winner, explanation=why, evidence=evidence)


def finalize(claim: Claim | None, relay: str | None) -> Provenance:
    """Add the relay chain and settle the role ('own' when the carrier wrote it)."""
    carried = (relay,) if relay else ()
    if claim is None:
        why = "No cue, no attribution in its block and no copy elsewhere: unknown."
        return Provenance(None, carried, "unknown", 0.0, why)
    if claim.outlet is None:
        return Provenance(None, carried, claim.role, claim.confidence, claim.explanation,
                          claim.evidence)
    chain = tuple(dict.fromkeys(v for v in claim.via + carried if v != claim.outlet))
    role = claim.role
    if claim.outlet == relay and role in ("reported", "quote"):
        role = "own"
    return Provenance(claim.outlet, chain, role, claim.confidence, claim.explanation,
                      claim.evidence)


# ------------------------------------------------------------------ public entry point


@dataclass(frozen=True, slots=True)
class PageTrace:
    """What one page alone says: the relay carrying it and each paragraph's own claim.
    Made while the page is at hand (``trace_page``); the run's copies are weighed later
    (``trace_across``) from these, the page dates and the clusters."""

    relay: str | None
    claims: tuple[Claim | None, ...]
    reference: bool
    posts: frozenset[int] = frozenset()  # quoted social-media posts (``quoted_posts``)


def trace_page(
    seg: SegmentedDocument, registry: OutletRegistry, cues: CueSet,
    matches: Sequence[tuple[CueMatch, ...]], blocks: Sequence[int],
) -> PageTrace:
    """One page's relay and local claims, from its cues (``cues.find_all``) and blocks."""
    relay = relay_of(seg.document, matches, registry)
    resolved = resolve_document(seg, matches, blocks, relay, registry)
    return PageTrace(relay, tuple(trace_document(seg, resolved, blocks, cues, relay, registry, matches)),
                     seg.document.reference, quoted_posts(seg.paragraphs, cues))


def trace_across(
    segmented: Sequence[SegmentedDocument], pages: Sequence[PageTrace], clusters: Sequence[Cluster],
    page_dates: Sequence[PageDate] | None = None,
) -> tuple[tuple[Provenance, ...], ...]:
    """Every page's provenance: its own claims combined with what its copies elsewhere say.
    ``segmented`` is read only for the copies that decide a cluster (their place and text)."""
    relays = [page.relay for page in pages]
    dates = [d.date if d else None for d in page_dates] if page_dates else [None] * len(pages)
    run = _Run(segmented, [page.claims for page in pages], relays, dates,
               [page.reference for page in pages], [page.posts for page in pages])
    copied: list[dict[int, Claim]] = [{} for _ in range(len(pages))]
    for ref, claim in cross_document(run, clusters).items():
        copied[ref.doc][ref.index] = claim
    return tuple(
        _finalized(page.claims, found, page.relay) for page, found in zip(pages, copied, strict=True)
    )


def _finalized(claims: Sequence[Claim | None], copied: dict[int, Claim], relay: str | None
               ) -> tuple[Provenance, ...]:
    """One document's provenance; its many unknown paragraphs share one (immutable) value."""
    unknown = finalize(None, relay)
    return tuple(
        unknown if claim is None and i not in copied else finalize(combine(claim, copied.get(i)), relay)
        for i, claim in enumerate(claims)
    )
