"""Attribution cues ("X reports", "з посиланням на X", "(Reuters) -") matched in paragraphs.

The phrases live in ``data/cues.toml`` with ``{outlet}``/``{via}`` placeholders that expand
to every registry alias, so adding an outlet or a phrasing is a data change. Rules compile
once per registry; matches come back with spans in document coordinates.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from ..model import Evidence, Paragraph
from ..rules.datafiles import data_file, named_entry, parse_toml, read_user_file
from ..rules.knowledge_cache import compile_pattern
from ..rules.literals import WordProbe, required_words
from ..rules.saferegex import (
    IGNORECASE,
    LazyPattern,
    RuleFileError,
    SafePattern,
    compile_rule,
    is_shipped,
    line_of,
    located,
)
from ..rules.screens import (
    LiteralFinder,
    NeedleScreen,
    lookahead_needles,
    lowered,
    required_needles,
    start_lookahead,
)
from .outlets import KINDS as OUTLET_KINDS
from .outlets import OutletRegistry

SHIPPED = "dedupe_audit/data/cues.toml"
KINDS = frozenset({"attribution", "publication", "own"})
# reported: the outlet wrote the text (a credit, a dateline, a relay formula); teaser: it wrote
# the article a teaser line points to; source: it is where a fact came from ("according to X",
# "X reported") - the author only on a relay's page, where nobody else is; interview: someone
# spoke to it ("told CBS", "in an interview with Fox News") - never the author; contributor: it
# contributed to a story someone else wrote ("AP contributed to this report") - never the author.
ROLES = frozenset({"reported", "teaser", "source", "interview", "contributor"})
AUTHOR_ROLES = frozenset({"reported", "teaser"})
_KEYS = frozenset(
    {"name", "lang", "kind", "pattern", "confidence", "role", "starts_block", "at_start",
     "marks_relay", "story", "outlet", "glued", "source", "open_world", "slot", "gallery_text",
     "byline", "author_kinds"}
)


_LEAD_IN_KEYS = frozenset({"name", "pattern", "source"})
LEAD_IN_GROUPS = ("head", "tail")
# Where on the page a rule's credit counts and what it speaks for: anywhere (the default);
# "head" - only in the page head, before the story's first sentence (the byline slot: a line
# that is just an outlet's name under the headline); "embed" - it signs the embedded post
# just above it ("— CNN Newsroom (@CNNnewsroom) July 16, 2018"): that post and itself only.
SLOTS = frozenset({"", "head", "embed"})  # where a lead-in's pattern puts the words naming the outlet


class CueError(RuleFileError):
    """A cue file that cannot be used; the message names the file, line and rule."""


@dataclass(frozen=True, slots=True)
class LeadIn:
    """A phrasing that opens a paragraph with another outlet's name before its text ("CBS
    News reports:", "As NBC News reported,", "Як пише CNN,"): data (``[[lead_in]]`` in
    cues.toml) so users can add their outlets' house phrasings. Staleness reads the block
    such a paragraph opens as another text pasted in."""

    name: str
    pattern: SafePattern  # matched at the paragraph's start, case-sensitive
    source: str  # the file it came from
    basis: str = ""  # where the phrasing comes from

    def head(self, text: str) -> str:
        """The words that should begin with an outlet's name: the ``head`` group, else the
        ``tail`` one; "" when ``text`` does not open with this lead-in."""
        found = (self.pattern.program or self.pattern).match(text)  # shipped: `re` directly
        if found is None:
            return ""
        groups = found.groupdict()
        return next((groups[g] for g in LEAD_IN_GROUPS if groups.get(g)), "")


@dataclass(frozen=True, slots=True)
class CueRule:
    name: str
    lang: str
    kind: str  # attribution | publication | own
    pattern: SafePattern | LazyPattern  # matched under a time budget (saferegex)
    confidence: float
    role: str = "reported"
    starts_block: bool = False
    at_start: bool = False
    marks_relay: bool = False
    source: str = SHIPPED
    # The credit speaks for its whole story wherever it stands (a copyright line, "Reporting
    # by ...", a source link at the end); datelines and bylines (starts_block) do too.
    story: bool = False
    # The outlet a rule names without a placeholder: a house style ("(Reporting by ...;
    # Editing by ...)" is Reuters').
    outlet: str | None = None
    # {outlet} may be glued to the word before it ("Vladimir IsachenkovAssociated Press").
    glued: bool = False
    # Where the knowledge behind the rule comes from (documentation, shown in `config`).
    basis: str = ""
    # {name} instead of {outlet}: any capitalised name, so a strong credit pattern names an
    # outlet the registry lacks (reported by name, flagged as not in the registry).
    open_world: bool = False
    # Where the credit counts and what it speaks for (see SLOTS); "" anywhere.
    slot: str = ""
    # A text credit closing a paragraph ("... square. (AFP)") that the furniture rules may take
    # for a caption line: on a page with no own outlet (an aggregator's gallery) it still speaks
    # for the story there. Any other credit in a caption speaks for the picture only.
    gallery_text: bool = False
    # A byline ("Jill Colvin, Associated Press"): the furniture rules may take the line for a
    # picture's credit; it still speaks for the story under it.
    byline: bool = False
    # Registry kinds ("wire", "agency") for which the credit names the author; for an outlet of
    # another kind (or not registered) it names a contributor only. Empty: any outlet. "Associated
    # Press writer Jane Doe contributed to this report" is how a wire credits its own staff on its
    # own story; "Fox News' Jane Doe contributed" on another paper's story says nothing so sure.
    author_kinds: frozenset[str] = frozenset()
    # Words one of which every match contains ("reports", "повідомля"); empty when unknown.
    keywords: frozenset[str] = frozenset()
    # Lower-cased literals one of which every match holds, outlet names aside (see screens);
    # None when unknown.
    needles: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class CueMatch:
    """One cue found in a paragraph; spans are offsets into the document text."""

    rule: CueRule
    paragraph: int
    start: int
    end: int
    phrase: str
    outlet: str | None  # the alias as written, resolved to an outlet by the tracer
    via: str | None
    quoted: bool  # the cue follows a closing quotation mark: the outlet is quoted verbatim

    @property
    def evidence(self) -> Evidence:
        return Evidence(rule=self.rule.name, phrase=self.phrase, start=self.start, end=self.end)


@dataclass(frozen=True, slots=True)
class BlockSettings:
    headline_max_words: int = 30
    headline_terminal: str = ".!?…:;,"
    story_boilerplate: tuple[str, ...] = ("dateline",)
    # Boilerplate rules whose line is a picture's caption or credit: a credit there (a
    # copyright, "(AP Photo/...)", "Jane Doe (AP)") speaks for the picture, not the story.
    caption_boilerplate: tuple[str, ...] = ()
    # A picture credit inside a paragraph the furniture rules kept as body ("(AP Photo/Name,
    # File)", "Photo: Name/Agency"): the paragraph is a caption, its credits the picture's.
    photo_credit: str = ""
    # The signature line under an embedded social-media post ("— Jane Doe (@janedoe) July 16,
    # 2018"): the post above it is the account's words, quoted wherever it is copied.
    post_signature: str = ""
    # Words a paper's name ends with ("Journal", "Courier"): a byline "By The Jersey Journal"
    # names an outlet the registry may lack (the tracer's byline-open-world).
    paper_title_words: tuple[str, ...] = ()
    # Words by which a quote's introduction refers back to an outlet it named ("But as the
    # network pointed out:"): the quoted paragraph under it is that outlet's text.
    quote_referents: tuple[str, ...] = ()
    # Lines that stand for a picture in scraped text ("Modal Trigger", "Enlarge this image"),
    # lower-cased: a lone outlet name right under one is the picture's credit, not a byline.
    picture_markers: frozenset[str] = frozenset()
    # A lead summary under the headline (key points, 2+ lines of sentence length, in
    # characters): the page's own story, not a list of other stories' titles.
    summary_line_chars: tuple[int, int] = (60, 200)


@dataclass(frozen=True, slots=True)
class CueScreen:
    """Picks the rules that may match a paragraph without running the others, as most
    paragraphs carry no cue: a rule naming an outlet needs an alias (found by one scan for
    all of them) and, like a rule naming none, one of its needles (see ``screens``)."""

    rules: tuple[CueRule, ...]  # the rules it screens, in order
    aliases: re.Pattern[str]  # found in every text that some alias matches
    every: NeedleScreen  # over ``rules``
    free: NeedleScreen  # over those of ``rules`` that name no outlet
    # the plain starts of ``aliases``' paths: where to try it (None: scan the text with it)
    alias_starts: LiteralFinder | None = None

    def alias_spans(self, text: str) -> list[tuple[int, int]]:
        """``aliases.finditer`` spans of ``text``: tried only where one of its paths' plain
        starts stands (one Aho-Corasick pass), so the same matches at a fraction of the cost
        of `re` trying the tree of ~1,500 aliases at every character of the page."""
        starts = self.alias_starts.starts(text) if self.alias_starts is not None else None
        if starts is None:
            return [m.span() for m in self.aliases.finditer(text)]
        spans: list[tuple[int, int]] = []
        end = 0  # finditer goes on after each match
        match = self.aliases.match
        for start in starts:
            if start >= end:
                found = match(text, start)
                if found is not None:
                    spans.append(found.span())
                    end = found.end()
        return spans


class _DocumentMemo:
    """Answers about whole documents, by identity of their paragraphs and text. Kept while
    they cover at most ``limit`` paragraphs: enough for the blocks and the tracer of a big
    run to share them; the references also keep those documents alive until evicted."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: dict[int, tuple[Sequence[Paragraph], str, Any]] = {}
        self._size = 0

    def get(self, paragraphs: Sequence[Paragraph], text: str) -> Any:
        known = self._items.get(id(paragraphs))
        return known[2] if known is not None and known[0] is paragraphs and known[1] is text else None

    def put(self, paragraphs: Sequence[Paragraph], text: str, value: Any) -> None:
        if self._size + len(paragraphs) > self.limit:
            self._items.clear()
            self._size = 0
        self._items[id(paragraphs)] = (paragraphs, text, value)
        self._size += len(paragraphs)


@dataclass(frozen=True)
class CueSet:
    rules: tuple[CueRule, ...]
    blocks: BlockSettings
    # Matches any outlet alias. Most paragraphs name no outlet, and then no rule with an
    # {outlet}/{via} placeholder can match: one probe saves running dozens of patterns.
    alias_probe: re.Pattern[str] | None = None
    # The rules' keywords: a rule whose keyword no word of the paragraph begins with is skipped.
    keyword_probe: WordProbe | None = None
    # Skips every rule at once on a paragraph none can match; None: always run them.
    screen: CueScreen | None = field(default=None, compare=False, hash=False, repr=False)
    # Blocks and the tracer both ask for every paragraph's cues: remember recent answers,
    # by what the answer depends on (text, start, index; hashing a Paragraph costs more).
    _seen: dict[tuple[str, int, int], tuple[CueMatch, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    # find_all: per document, the paragraphs some rule may match (blocks, then the tracer).
    _documents: _DocumentMemo = field(
        default_factory=lambda: _DocumentMemo(262_144), compare=False, hash=False, repr=False
    )
    # Phrasings that open a paragraph with another outlet's name (staleness.foreign_blocks).
    lead_ins: tuple[LeadIn, ...] = field(default=(), compare=False)
    # The rules that name no outlet: all that can match a paragraph without an alias.
    _outlet_free: tuple[CueRule, ...] = field(init=False, compare=False, hash=False, repr=False)
    # Names of the rules that open a story (datelines, bylines): the tracer asks on every page.
    story_rules: frozenset[str] = field(init=False, compare=False, hash=False, repr=False)
    # Names of the byline rules and of the gallery text credits (see CueRule): the tracer asks
    # on pages with a caption.
    byline_rules: frozenset[str] = field(init=False, compare=False, hash=False, repr=False)
    gallery_rules: frozenset[str] = field(init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_outlet_free", tuple(r for r in self.rules if not _names_outlet(r)))
        object.__setattr__(self, "story_rules",
                           frozenset(rule.name for rule in self.rules if rule.starts_block or rule.story))
        object.__setattr__(self, "byline_rules", frozenset(r.name for r in self.rules if r.byline))
        object.__setattr__(self, "gallery_rules", frozenset(r.name for r in self.rules if r.gallery_text))
        if self.screen is not None and self.screen.rules != self.rules:
            object.__setattr__(self, "screen", None)  # a screen made for other rules

    def find(self, paragraph: Paragraph) -> tuple[CueMatch, ...]:
        """Every cue in a paragraph, overlaps resolved (the longest match wins)."""
        key = (paragraph.text, paragraph.start, paragraph.index)
        known = self._seen.get(key)
        if known is None:
            known = self._remember(key, self._find(paragraph))
        return known

    def find_all(self, paragraphs: Sequence[Paragraph], text: str) -> list[tuple[CueMatch, ...]]:
        """:meth:`find` of every paragraph of one document whose text is ``text``: one scan
        of the whole document tells which paragraphs no rule can match (most of them)."""
        loud = self._loud(paragraphs, text)
        if loud is None:
            return [self.find(p) for p in paragraphs]
        return [self.find(p) if i in loud else () for i, p in enumerate(paragraphs)]

    def _remember(self, key: tuple[str, int, int], found: tuple[CueMatch, ...]) -> tuple[CueMatch, ...]:
        if len(self._seen) >= 65_536:
            self._seen.clear()
        self._seen[key] = found
        return found

    def _loud(self, paragraphs: Sequence[Paragraph], text: str) -> frozenset[int] | None:
        """Positions of the paragraphs some rule may match, remembered per document (the
        blocks and the tracer both ask); None when the document cannot be screened whole."""
        known = self._documents.get(paragraphs, text)
        if known is not None:
            return known[0]
        loud = self._screen_document(paragraphs, text)
        self._documents.put(paragraphs, text, (loud,))
        return loud

    def _screen_document(self, paragraphs: Sequence[Paragraph], text: str) -> frozenset[int] | None:
        """Positions of the paragraphs that hold an alias or a needle of a rule naming no
        outlet; None when the screen cannot say (a user's rule, an unusual text)."""
        screen = self.screen
        if screen is None or self.alias_probe is None or screen.free.unscreened:
            return None
        low = lowered(text)
        if low is None or len(low) != len(text) or not _in_order(paragraphs, text):
            return None
        hits = screen.alias_spans(text) + screen.free.spans(low)
        return frozenset(_overlapping(paragraphs, hits, text))

    def _find(self, paragraph: Paragraph) -> tuple[CueMatch, ...]:
        text = paragraph.text
        rules = self.rules_for(text) if self.screen is None else self._screened(text)
        if not rules:
            return ()
        return _without_overlaps([m for rule in rules for m in _matches(rule, paragraph)])

    def _screened(self, text: str) -> tuple[CueRule, ...]:
        """The rules that may match ``text`` by the screen: the same matches as
        :meth:`rules_for`'s, found running far fewer rules on far fewer paragraphs."""
        screen = self.screen
        assert screen is not None
        if self.alias_probe is None or (
            screen.aliases.search(text) is not None and self.alias_probe.search(text) is not None
        ):
            rules, needles = self.rules, screen.every
        else:
            rules, needles = self._outlet_free, screen.free
        if not rules:
            return ()
        passing = needles.passing(lowered(text))
        return tuple(rule for i, rule in enumerate(rules) if i in passing)

    def rules_for(self, text: str) -> tuple[CueRule, ...]:
        """The rules that can match ``text`` at all."""
        rules = self.rules
        if self.alias_probe is not None and not self.alias_probe.search(text):
            rules = self._outlet_free
        if self.keyword_probe is not None and rules:
            found = self.keyword_probe.matching(text)
            rules = tuple(rule for rule in rules if not rule.keywords or rule.keywords & found)
        return rules

    def opens_story(self, paragraph: Paragraph) -> bool:
        """True when the paragraph begins with a dateline or byline."""
        return any(m.rule.starts_block for m in self.find(paragraph))


def _in_order(paragraphs: Sequence[Paragraph], text: str) -> bool:
    """Whether the paragraphs are spans of ``text`` in order, as the segmenter makes them."""
    end = 0
    size = len(text)
    for p in paragraphs:
        if p.page is text:  # cut from this text: only the order is left to check
            if p.start < end:
                return False
            end = max(p.start, min(p.end, size))
        elif p.start < end or not text.startswith(p.text, p.start):
            return False
        else:
            end = p.start + len(p.text)
    return True


def _overlapping(paragraphs: Sequence[Paragraph], spans: Sequence[tuple[int, int]], text: str) -> set[int]:
    """Positions of the paragraphs (spans of ``text``, in order) that overlap some span."""
    size = len(text)
    ends = [max(p.start, min(p.end, size)) if p.page is text else p.start + len(p.text) for p in paragraphs]
    found: set[int] = set()
    for start, end in spans:
        i = bisect_right(ends, start)
        while i < len(paragraphs) and paragraphs[i].start < end:
            found.add(i)
            i += 1
    return found


def _names_outlet(rule: CueRule) -> bool:
    """Whether the rule needs a registry alias in the text (an open-world rule does not)."""
    return not rule.open_world and bool({"outlet", "via"} & set(rule.pattern.groupindex))


def is_author_cue(rule: CueRule, relay_page: bool) -> bool:
    """Whether a cue of ``rule`` may name the paragraph's author: credits always; a fact's
    source only on a relay's page (an aggregator's, or one whose site is unknown), where the
    outlet it names is the best reading of whose text it is; an interview partner never."""
    return rule.role in AUTHOR_ROLES or (relay_page and rule.role == "source")


# A cue right after a quotation that ends with punctuation: '"...," the publication writes'.
_QUOTE_BEFORE = re.compile(r"(?:[,.!?…][\"”»“]|[\"”»“]\s*,)\s*$")


def _matches(rule: CueRule, paragraph: Paragraph) -> list[CueMatch]:
    text = paragraph.text
    out = []
    if rule.at_start and not text[:1].isspace():
        # only a match at the start counts: one attempt there, not a scan of the paragraph
        first = rule.pattern.match(text)
        found_all = (first,) if first is not None else ()
    else:
        found_all = rule.pattern.finditer(text)
    for found in found_all:
        if rule.at_start and text[: found.start()].strip():
            continue
        groups = found.groupdict()
        out.append(
            CueMatch(
                rule=rule,
                paragraph=paragraph.index,
                start=paragraph.start + found.start(),
                end=paragraph.start + found.end(),
                phrase=found.group().strip(),
                outlet=_group(groups, "outlet") or rule.outlet,
                via=_group(groups, "via"),
                quoted=bool(_QUOTE_BEFORE.search(text[: found.start()])),
            )
        )
    return out


def _without_overlaps(found: list[CueMatch]) -> tuple[CueMatch, ...]:
    kept: list[CueMatch] = []
    # on a tie a rule naming a registered outlet beats an open-world one
    for match in sorted(found, key=lambda m: (-(m.end - m.start), m.start, m.rule.open_world, m.rule.name)):
        if all(match.end <= k.start or match.start >= k.end for k in kept):
            kept.append(match)
    return tuple(sorted(kept, key=lambda m: (m.start, m.end)))


# ------------------------------------------------------------------ loading


def _placeholder(group: str, aliases: str, descriptors: Sequence[str], alias_start: str = "") -> str:
    """Regex for {outlet}/{via}: an optional descriptor word, then a case-sensitive alias.
    Each long alternation is guarded by a lookahead for how its words start (it asks for
    nothing they do not): `re` would try every alternative at every position."""
    words = "|".join(r"\s+".join(map(re.escape, d.split())) for d in descriptors)
    lead = rf"(?:{_word_starts(descriptors)}(?:{words})\s+)?" if words else ""
    return rf"{lead}(?P<{group}>(?-i:{alias_start}{aliases}))"


def _word_starts(words: Sequence[str]) -> str:
    """Lookahead for the first letters of the first word of some of ``words``."""
    firsts = [w.split()[0] if w.split() else "" for w in words]
    depth = min(3, *map(len, firsts))
    if not depth:
        return ""  # an empty descriptor: the alternation may match with no letter at all
    classes = ("".join(sorted({re.escape(w[i]) for w in firsts})) for i in range(depth))
    return "(?=" + "".join(f"[{chars}]" for chars in classes) + ")"


# {name}: an outlet's name as a credit writes it, registered or not ("Kyodo", "Press TV").
OPEN_NAME = r"(?P<outlet>(?-i:[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,3}))"


def _expand(pattern: str, aliases: str, descriptors: Sequence[str], alias_start: str = "") -> str:
    """Fill the placeholders; a second {outlet} (in another alternative) gets outlet_2."""
    pattern = pattern.replace("{name}", OPEN_NAME, 1)
    for group in ("outlet", "via"):
        pieces = pattern.split("{" + group + "}")
        out = pieces[0]
        for n, piece in enumerate(pieces[1:], start=1):
            name = group if n == 1 else f"{group}_{n}"
            out += _placeholder(name, aliases, descriptors, alias_start) + piece
        pattern = out
    return pattern


def _group(groups: Mapping[str, str | None], base: str) -> str | None:
    """The alias captured by any numbered copy of a placeholder group."""
    return next((v for k, v in groups.items() if k.split("_")[0] == base and v), None)


def _number(raw: Mapping[str, object], where: str) -> float:
    value = raw.get("confidence", 0.8)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise CueError(f"{where}: 'confidence' must be a number from 0 to 1")
    return float(value)




def _compile(raw: Mapping[str, object], where: str, aliases: str, descr: Sequence[str],
             alias_start: str = ""):
    text = raw.get("pattern")
    if not isinstance(text, str) or not text.strip():
        raise CueError(f"{where}: missing 'pattern'")
    kind = raw.get("kind", "attribution")
    if kind == "attribution" and "{outlet}" not in text and "{name}" not in text and not raw.get("outlet"):
        raise CueError(f"{where}: an attribution pattern needs the {{outlet}} placeholder"
                       " or a fixed 'outlet'")
    try:
        compile_rule(text, IGNORECASE, rule=where, source=where)  # the user's own text, unexpanded
        name = str(raw.get("name"))
        expanded = _expand(text, aliases, descr, alias_start)
        if is_shipped(where) and expanded != text:
            return LazyPattern(expanded, IGNORECASE, name, where)
        return compile_rule(expanded, IGNORECASE, rule=name, source=where)
    except ValueError as err:
        raise CueError(f"{where}: bad pattern: {err}") from err


def _parse_rule(
    raw: object, source: str, position: int, aliases: str, descriptors: Sequence[str],
    alias_start: str = "", glued_aliases: str = "",
) -> CueRule:
    raw, name, where = named_entry(raw, source, position, "cue", _KEYS, CueError)
    kind = raw.get("kind", "attribution")
    if kind not in KINDS:
        raise CueError(f"{where}: kind '{kind}' is not one of {', '.join(sorted(KINDS))}")
    role = raw.get("role", "reported")
    if role not in ROLES:
        raise CueError(f"{where}: role '{role}' is not one of {', '.join(sorted(ROLES))}")
    glued = bool(raw.get("glued", False))
    pattern = _compile(raw, where, glued_aliases if glued and glued_aliases else aliases, descriptors,
                       alias_start)
    slot = raw.get("slot", "")
    if slot not in SLOTS:
        raise CueError(f"{where}: slot '{slot}' is not one of {', '.join(sorted(SLOTS - {''}))}")
    fixed = raw.get("outlet")
    if fixed is not None and not (isinstance(fixed, str) and fixed.strip()):
        raise CueError(f"{where}: 'outlet' must be a non-empty string")
    return CueRule(
        name=name,
        lang=str(raw.get("lang", "")),
        kind=kind,
        pattern=pattern,
        confidence=_number(raw, where),
        role=role,
        starts_block=bool(raw.get("starts_block", False)),
        at_start=bool(raw.get("at_start", False)),
        marks_relay=bool(raw.get("marks_relay", False)),
        source=source,
        story=bool(raw.get("story", False)) or bool(raw.get("starts_block", False)),
        outlet=fixed,
        glued=glued,
        basis=str(raw.get("source", "")),
        open_world="{name}" in str(raw.get("pattern", "")),
        slot=str(slot),
        gallery_text=bool(raw.get("gallery_text", False)),
        byline=bool(raw.get("byline", False)),
        author_kinds=_kinds(raw, where),
        keywords=_keywords(str(raw.get("pattern", ""))),
        needles=_needles(str(raw.get("pattern", "")), pattern),
    )


def _kinds(raw: Mapping[str, object], where: str) -> frozenset[str]:
    """The rule's ``author_kinds``: registry kinds (outlets.KINDS) a list of strings."""
    value = raw.get("author_kinds", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v in OUTLET_KINDS for v in value):
        raise CueError(f"{where}: 'author_kinds' must be a list of outlet kinds "
                       f"({', '.join(sorted(OUTLET_KINDS))})")
    return frozenset(value)


def _parse_lead_in(raw: object, source: str, position: int) -> LeadIn:
    raw, name, where = named_entry(raw, source, position, "lead_in", _LEAD_IN_KEYS, CueError)
    try:
        pattern = compile_rule(raw.get("pattern"), 0, rule=name, source=source)
    except ValueError as err:
        raise CueError(f"{where}: {err}") from err
    if not any(group in pattern.groupindex for group in LEAD_IN_GROUPS):
        raise CueError(f"{where}: the pattern needs a group (?P<head>...) or (?P<tail>...) "
                       "holding the words that name the outlet")
    return LeadIn(name, pattern, source, str(raw.get("source", "")))


def _keywords(pattern: str) -> frozenset[str]:
    """Words the rule cannot match without, read from its pattern with the outlet names
    left out (they are screened by the alias probe)."""
    bare = pattern.replace("{outlet}", r"\w+").replace("{via}", r"\w+").replace("{name}", r"\w+")
    return frozenset(required_words(bare) or ())


def _blocks(data: Mapping[str, object], source: str) -> BlockSettings:
    raw = data.get("blocks", {})
    if not isinstance(raw, dict):
        raise CueError(f"{source}: [blocks] must be a table")
    default = BlockSettings()
    try:
        return BlockSettings(
            headline_max_words=int(raw.get("headline_max_words", default.headline_max_words)),
            headline_terminal=str(raw.get("headline_terminal", default.headline_terminal)),
            story_boilerplate=tuple(raw.get("story_boilerplate", default.story_boilerplate)),
            caption_boilerplate=tuple(raw.get("caption_boilerplate", default.caption_boilerplate)),
            photo_credit=str(raw.get("photo_credit", default.photo_credit)),
            post_signature=str(raw.get("post_signature", default.post_signature)),
            paper_title_words=tuple(str(w) for w in raw.get("paper_title_words", ())),
            quote_referents=tuple(str(w) for w in raw.get("quote_referents", ())),
            picture_markers=frozenset(str(w).strip().lower() for w in raw.get("picture_markers", ())),
            summary_line_chars=_pair(raw.get("summary_line_chars", default.summary_line_chars)),
        )
    except (TypeError, ValueError) as err:
        raise CueError(f"{source}: bad [blocks] setting: {err}") from err


def _pair(value: object) -> tuple[int, int]:
    """A ``[low, high]`` range of two whole numbers, low first."""
    if not isinstance(value, list | tuple) or len(value) != 2 or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ) or value[0] > value[1]:
        raise ValueError(f"expected [low, high] whole numbers, got {value!r}")
    return int(value[0]), int(value[1])


Named = TypeVar("Named", CueRule, LeadIn)


def _named_entries(files: list[tuple[str, dict[str, Any]]], key: str,
                   parse: Callable[[object, str, int], Named]) -> dict[str, Named]:
    """Every ``[[key]]`` table of the files in order, parsed and keyed by name: a user's entry
    replaces the shipped one of the same name; an error names the file and the entry's line."""
    parsed: dict[str, Named] = {}
    for source, data in files:
        entries = data.get(key, [])
        if not isinstance(entries, list):
            raise CueError(f"{source}: '{key}' must be an array of tables ([[{key}]])")
        for i, raw in enumerate(entries):
            try:
                entry = parse(raw, source, i + 1)
            except CueError as err:
                raise _with_line(err, source, raw) from err
            parsed[entry.name] = entry
    return parsed


def _with_line(err: CueError, source: str, raw: object) -> CueError:
    """The same error with the line of the bad rule in its file, found by the rule's name."""
    name = raw.get("name") if isinstance(raw, dict) else None
    if not isinstance(name, str):
        return err
    try:
        text = data_file("cues.toml") if source == SHIPPED else Path(source).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return err
    line = line_of(text, f'"{name}"', f"'{name}'")
    return CueError(str(err).replace(f"{source}:", f"{located(source, line)}:", 1))


@lru_cache(maxsize=8)
def load_cues(registry: OutletRegistry, extra_files: tuple[str, ...] = ()) -> CueSet:
    """Shipped cue rules and lead-ins, then the user's (same name replaces), compiled for a
    registry."""
    files = [(SHIPPED, parse_toml(data_file("cues.toml"), SHIPPED, CueError))]
    files += [(p, parse_toml(read_user_file(p, CueError, "cue"), p, CueError)) for p in extra_files]
    descriptors: list[str] = []
    for _, data in files:
        placeholders = data.get("placeholders", {})
        descriptors += placeholders.get("descriptors", []) if isinstance(placeholders, dict) else []
    descriptors = sorted(set(descriptors), key=lambda d: (-len(d), d))
    aliases = registry.alias_pattern()
    glued_aliases = registry.alias_pattern(glued=True)
    alias_start = start_lookahead(aliases, 0)
    rules = _named_entries(files, "cue", lambda raw, source, position: _parse_rule(
        raw, source, position, aliases, descriptors, alias_start, glued_aliases))
    lead_ins = _named_entries(files, "lead_in", _parse_lead_in)
    keywords = {word for rule in rules.values() for word in rule.keywords}
    return CueSet(
        rules=tuple(rules.values()),
        blocks=_blocks(files[0][1], SHIPPED),
        # glued: a byline may run its last name into the outlet's ("IsachenkovAssociated Press")
        alias_probe=compile_pattern(alias_start + glued_aliases),
        keyword_probe=WordProbe(keywords) if keywords else None,
        screen=_screen(tuple(rules.values()), registry),
        lead_ins=tuple(lead_ins.values()),
    )


def _screen(rules: Sequence[CueRule], registry: OutletRegistry) -> CueScreen | None:
    """The screen of a rule set; None when some alias has no plain character to find."""
    alias_screen = registry.alias_screen()
    if alias_screen is None:
        return None
    free = [rule.needles for rule in rules if not _names_outlet(rule)]
    every = NeedleScreen([rule.needles for rule in rules])
    starts = registry.alias_screen_starts()
    return CueScreen(tuple(rules), compile_pattern(alias_screen), every, NeedleScreen(free),
                     LiteralFinder(starts) if starts else None)


def _needles(pattern: str, compiled: SafePattern) -> frozenset[str] | None:
    """Needles of a shipped rule, read from its own text with the outlet names left out
    (they are screened by the alias scan); None for a user's rule, which runs on `regex`."""
    if not compiled.trusted:
        return None
    bare = pattern.replace("{outlet}", r"\w+").replace("{via}", r"\w+").replace("{name}", r"\w+")
    # a rule with no literal of its own may ask for one ahead ("(?=... (?:Journal|Times))")
    return required_needles(bare, compiled.flags) or lookahead_needles(bare, compiled.flags)
