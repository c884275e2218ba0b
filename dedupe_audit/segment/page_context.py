"""Furniture told by its neighbours: lines no rule names, judged by what stands around them.

Why: the rules of ``data/boilerplate.toml`` name shapes that have a wording ("Sign up for ...",
"(AP Photo/...)"). A caption without a date or credit ("People march towards the Senate
Square."), a video title, a related-story headline or a teaser under a timestamp has none:
its words are a news sentence's. What gives it away is where it stands: between a photo
credit and a byline, between two timestamps of a story list, among other furniture. That is
jusText's context revision (Pomikalek 2011; ``justext.core.revise_paragraph_classification``),
applied to the verdicts the rules gave: a short paragraph whose nearest neighbours are both
furniture is furniture, one with article text beside it stays text.

Scraped text has no markup, so the classes come from the rules and from shape:

* neutral: a line of one or two words (an ad slot, a share button, scraper debris); stepped
  over when neighbours are looked for, as jusText steps over its 'short' paragraphs;
* furniture: what a rule (or an earlier pass of this one) named;
* headline: a short line without sentence punctuation at its end (a title, a link);
* text: anything else.

Verdicts (each with its features as evidence, see :class:`ContextVerdict`):

* ``between-furniture``: a body paragraph of at most ``max_words`` words whose nearest
  neighbours are furniture on both sides (or furniture and the page's end);
* ``headline-among-furniture``: a headline-shaped line whose neighbours are furniture or
  other headlines, at least one furniture (a related link, a stray headline, a list title);
* ``link-after-label``: the headline-shaped lines right after a line that announces links
  ("Related Articles", "Read more", "Trending in Politics", "Читайте також");
* ``teaser-page``: an aggregator's page (most text paragraphs stand alone between one- or
  two-word debris lines of varied wording, each a teaser of a story elsewhere; an article's ad
  slots and section labels are stepped over): every paragraph of it;
* ``caption-by-credit``: a headline-shaped line right beside a picture's credit line (a
  caption without a full stop: "Trump and Putin in Helsinki" above "Name/Agency"; under a
  credit and over article text it is a subheading, except above the page's first text or a
  dateline);
* ``dek``: the one line between the page's title and its first byline, with the story's text
  under the byline: the summary a site prints under its headline ("Tensions are high as the two
  leaders meet"), which repeats the story rather than telling it;
* ``player-under-title``: a second title and a one-sentence blurb right under the page's title,
  above its article (a video player's title and description, or a dek under the title printed
  twice): the second title when it differs from the page's, and the blurb;
* ``story-list-item``: on a page that shows a story list's rhythm (a headline followed by a
  furniture line, a timestamp or a credit, at least twice), the text between such a line
  and the next headline: the list item's teaser.

The page's first paragraph is never judged, nor its first headline-shaped line when no text
stands above it: that is the page's title (under a menu or a ticker; under a ticker's link
label, the last line of the label's links) or its lead, both the page's own. Nor is the text
right under the page's first byline, its lead, dateline or not. Passes repeat (``passes``) so
that a list's items, found one by one, make their neighbours' context. Thresholds are data
(``data/page_context.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from operator import attrgetter

from ..model import BODY, BOILERPLATE, Paragraph
from ..rules.datafiles import data_file, parse_toml
from ..rules.saferegex import RuleFileError

BETWEEN_FURNITURE = "between-furniture"
HEADLINE_AMONG_FURNITURE = "headline-among-furniture"
STORY_LIST_ITEM = "story-list-item"
LINK_AFTER_LABEL = "link-after-label"
TEASER_PAGE = "teaser-page"
CAPTION_BY_CREDIT = "caption-by-credit"
DEK = "dek"
PLAYER_UNDER_TITLE = "player-under-title"
CONTEXT_RULES = frozenset({BETWEEN_FURNITURE, HEADLINE_AMONG_FURNITURE, STORY_LIST_ITEM, LINK_AFTER_LABEL,
                           TEASER_PAGE, CAPTION_BY_CREDIT, DEK,
                           PLAYER_UNDER_TITLE})

_RULE_OF = attrgetter("boilerplate_rule")  # None for body text, a rule's name for furniture
_WORDS_OF = attrgetter("words")

# Roles a paragraph plays as a neighbour.
NEUTRAL, FURNITURE, HEADLINE, TEXT, EDGE = "neutral", "furniture", "headline", "text", "edge"
LABEL = "link-label"  # a line announcing a list of links (evidence only)

# What ends a sentence (or a quoted one); a line ending otherwise reads as a title or a link.
# A question mark is left out: a headline may ask ("Is X the one to take on Y?").
_SENTENCE_END = frozenset('.!:;"\'”’»)…')

# A story's opening: a dateline ("HELSINKI —", "WASHINGTON (AP) —", "15 July, 2018 ( RT )* —",
# "(CNN) ...", "КИЇВ —"). A paragraph that opens so is a story's lead, kept whatever stands
# around it: a lead between a byline and a picture is the commonest short paragraph among
# furniture.
_DATELINE = re.compile(
    r"(?:\w[\w.,'’ -]{0,60}?\s*)?\(\s*[A-ZА-ЯІЇЄҐ][\w .-]{0,24}?\s*\)\*?\s*(?:[—–-]|(?=[A-ZА-ЯІЇЄҐ]))"
    r"|[A-ZА-ЯІЇЄҐ][A-ZА-ЯІЇЄҐ.,'’ -]{1,40}(?:,\s*\d{1,2}\s+\w+\.?)?\s+[—–-]\s")

# How a snippet of prose ends: a sentence's end, a quotation's, or the ellipsis of a cut one.
_PROSE_END = frozenset('.!?"”’…')

# A dateline on a line of its own: a place in capitals, perhaps the agency ("HELSINKI",
# "NEW YORK (AP)", "КИЇВ").
_PLACE_LINE = re.compile(r"[A-ZА-ЯІЇЄҐ][A-ZА-ЯІЇЄҐ.'’ -]{1,30}(?:\s*\([\w .-]{1,20}\))?\s*[—–:-]?")

# A byline the rules left as text: one naming only an agency ("By The Associated Press", "BY
# REUTERS"), which the provenance stage reads as the story's credit. Context never takes it for a
# caption or a link, whatever stands around it.
_BY_LINE = re.compile(r"(?:By|BY|by)\s+\S")

# A full stop, then a capital: a second sentence ("U.S. election" and "Donald J. Trump" are not:
# the stop follows a capital letter).
_SENTENCE_BREAK = re.compile(r"(?<![A-ZА-ЯІЇЄҐ])[.!?]\s+[A-ZА-ЯІЇЄҐ]")
# The same, but a title's abbreviation before a name ("Dr. Jane Roe", "Gen. Jack Keane (Ret.)")
# ends no sentence either: a blurb naming its guests by rank is one sentence.
_ONE_SENTENCE_BREAK = re.compile(
    r"(?<![A-ZА-ЯІЇЄҐ])(?<!\bDr)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bGen)(?<!\bSen)(?<!\bRep)(?<!\bGov)"
    r"(?<!\bCol)(?<!\bLt)(?<!\bSt)(?<!\bJr)(?<!\bSr)(?<!\bRet)(?<!\bProf)(?<!\bAmb)[.!?]\s+[A-ZА-ЯІЇЄҐ]")


@dataclass(frozen=True, slots=True)
class ContextSettings:
    """The thresholds of ``data/page_context.toml`` (see the comments there)."""

    neutral_max_words: int = 2
    max_words: int = 60
    headline_min_words: int = 3
    headline_max_words: int = 16
    passes: int = 3
    edge_max_words: int = 30
    inflow_min_words: int = 8
    inflow_rules: frozenset[str] = frozenset(
        {"photo-caption", "video-title", "label-teaser", "bracketed-teaser"})
    teaser_page_min_items: int = 6
    teaser_page_percent: int = 60
    teaser_min_words: int = 8
    teaser_debris_kinds: int = 3
    slot_rules: frozenset[str] = frozenset({"section-label"})
    lead_rules: frozenset[str] = frozenset({"byline"})
    list_article_paragraphs: int = 3
    list_run: int = 3
    dek_min_words: int = 8
    player_title_min_words: int = 5
    player_blurb_max_words: int = 35
    debris_rules: frozenset[str] = frozenset()
    anchor_rules: frozenset[str] = frozenset(
        {"photo-credit", "byline", "written-timestamp", "posted-at", "timestamp"})
    credit_rules: frozenset[str] = frozenset({"photo-credit"})
    stamp_rules: frozenset[str] = frozenset({"written-timestamp", "posted-at", "timestamp"})
    link_labels: frozenset[str] = frozenset()
    link_prefixes: tuple[str, ...] = ()
    prefix_max_words: int = 5


@lru_cache(maxsize=1)
def load_settings() -> ContextSettings:
    """The shipped thresholds (read once)."""
    source = "dedupe_audit/data/page_context.toml"
    data = parse_toml(data_file("page_context.toml"), source, RuleFileError)
    table = data.get("context", {})
    if not isinstance(table, dict):
        raise RuleFileError(f"{source}: [context] must be a table")
    known = ContextSettings.__dataclass_fields__
    values: dict[str, object] = {}
    for key, value in table.items():
        if key not in known or key.startswith("link_"):
            raise RuleFileError(f"{source}: unknown setting {key!r} in [context]")
        if key in _RULE_LISTS:
            values[key] = frozenset(_names(value, source, key))
            continue
        values[key] = _whole_number(value, source, f"[context] {key}")
    links = data.get("links", {})
    if not isinstance(links, dict):
        raise RuleFileError(f"{source}: [links] must be a table")
    labels, prefixes = links.get("labels", []), links.get("prefixes", [])
    values["link_labels"] = frozenset(_label_key(label) for label in _names(labels, source, "labels"))
    values["link_prefixes"] = tuple(prefix.casefold() for prefix in _names(prefixes, source, "prefixes"))
    if "prefix_max_words" in links:
        values["prefix_max_words"] = _whole_number(
            links["prefix_max_words"], source, "[links] prefix_max_words")
    return ContextSettings(**values)  # type: ignore[arg-type]


# The settings that hold lists of rule names (every other [context] setting is a count).
_RULE_LISTS = frozenset({"inflow_rules", "anchor_rules", "debris_rules", "credit_rules", "stamp_rules",
                         "slot_rules", "lead_rules"})


def _whole_number(value: object, source: str, key: str) -> int:
    """A count setting as read from the file: a whole number >= 0 (a bool is no number, though
    Python counts it as one)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise RuleFileError(f"{source}: {key} must be a whole number >= 0")
    return value


def _names(value: object, source: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(name, str) and name for name in value):
        raise RuleFileError(f"{source}: {key} must be a list of non-empty strings")
    return value


def _label_key(text: str) -> str:
    """A line as a link label is compared: case-folded, spaces collapsed, end punctuation off."""
    return " ".join(text.casefold().split()).strip(" :.-–—•|>»")


def link_label(text: str, words: int, settings: ContextSettings) -> bool:
    """Whether a line announces a list of links ("Related Articles", "Читайте також")."""
    if words > settings.prefix_max_words:
        return False
    key = _label_key(text)
    return key in settings.link_labels or key.startswith(settings.link_prefixes)


@dataclass(frozen=True, slots=True)
class ContextVerdict:
    """Why a paragraph is furniture by its context: the rule, its shape and its neighbours
    (index and role of the nearest paragraph on each side that is not neutral)."""

    rule: str
    words: int
    shape: str  # headline | text
    before: tuple[int, str]  # (index or -1, role)
    after: tuple[int, str]

    def evidence(self, paragraphs: Sequence[Paragraph] = ()) -> dict[str, object]:
        """The verdict as report evidence; given the page's paragraphs, each neighbour's rule
        (the furniture it was named by) too."""

        def side(neighbour: tuple[int, str]) -> dict[str, object]:
            index, role = neighbour
            found: dict[str, object] = {"index": index, "role": role}
            if 0 <= index < len(paragraphs) and not paragraphs[index].is_body:
                found["rule"] = paragraphs[index].boilerplate_rule
            return found

        return {"rule": self.rule, "words": self.words, "shape": self.shape,
                "before": side(self.before), "after": side(self.after)}


def _words(para: Paragraph) -> int:
    return para.words if para.words is not None else len(para.text.split())


def headline_shaped(text: str, words: int, settings: ContextSettings) -> bool:
    """Whether a line reads as a title or a link: a few words, starting with a capital (or a
    digit or a quote), with no sentence punctuation at its end and no sentence break inside."""
    if not settings.headline_min_words <= words <= settings.headline_max_words:
        return False
    stripped = text.strip()
    first, last = stripped[0], stripped[-1]
    if last in _SENTENCE_END or last == ",":
        return False
    if not (first.isupper() or first.isdigit() or first in "\"“‘'«"):
        return False
    return _SENTENCE_BREAK.search(stripped) is None


def roles(paragraphs: Sequence[Paragraph], settings: ContextSettings, *, inflow: str = NEUTRAL) -> list[str]:
    """Each paragraph's role as a neighbour (see the module's docstring); furniture that stands
    in an article's flow (a caption, an inline teaser) takes the role ``inflow``."""
    found: list[str] = []
    for para in paragraphs:
        words = _words(para)
        if words <= settings.neutral_max_words and para.boilerplate_rule not in settings.anchor_rules:
            found.append(NEUTRAL)
        elif not para.is_body:
            in_flow = para.boilerplate_rule in settings.inflow_rules and words >= settings.inflow_min_words
            found.append(inflow if in_flow else FURNITURE)
        elif headline_shaped(para.text, words, settings):
            found.append(HEADLINE)
        else:
            found.append(TEXT)
    return found


def _neighbour(kinds: Sequence[str], at: int, step: int) -> tuple[int, str]:
    """The nearest paragraph from ``at`` in direction ``step`` that is not neutral."""
    at += step
    while 0 <= at < len(kinds):
        if kinds[at] != NEUTRAL:
            return at, kinds[at]
        at += step
    return -1, EDGE


def _anchored(paragraphs: Sequence[Paragraph], sides: tuple[tuple[int, str], ...],
              settings: ContextSettings) -> bool:
    """Whether a neighbour is a line of the page's own furniture that never stands inside an
    article's text (a credit or a byline: ``anchor_rules`` less ``stamp_rules``). A sentence
    between a sign-up box and a related-links block is an article paragraph those widgets were
    dropped around, and one between two time stamps a live blog's entry; one beside a credit or
    a byline is a caption or a list's teaser."""
    for at, _ in sides:
        if not 0 <= at < len(paragraphs):
            continue
        rule = paragraphs[at].boilerplate_rule
        if rule in settings.anchor_rules and rule not in settings.stamp_rules:
            return True
        # a caption rule's short line is a credit ("NAME, AFP/Getty Images", "(Photo: Name/AP)")
        if rule in settings.inflow_rules and _words(paragraphs[at]) < settings.inflow_min_words:
            return True
    return False


def _credit_beside(paragraphs: Sequence[Paragraph], sides: tuple[tuple[int, str], ...],
                   settings: ContextSettings) -> bool:
    """Whether a neighbour is a picture's credit line (a short line of ``credit_rules`` or of a
    caption rule): a title-shaped line beside one is the picture's caption."""
    for at, _ in sides:
        if 0 <= at < len(paragraphs):
            rule = paragraphs[at].boilerplate_rule
            if (rule in settings.credit_rules or rule in settings.inflow_rules) and (
                    _words(paragraphs[at]) < settings.inflow_min_words):
                return True  # short: a caption that ends in its credit is no credit line
    return False


def _byline_lead(paragraphs: Sequence[Paragraph], kinds: Sequence[str], settings: ContextSettings) -> int:
    """The index of the text paragraph right under the page's first byline (``lead_rules``;
    neutral lines and captions stepped over), or -1: the story's lead, never furniture by its
    context, whatever stands under it (a picture's credit often does). A lead needs no dateline
    (the Guardian's, the BBC's and most Ukrainian sites' have none); a caption between a byline
    and a credit looks the same and is left as text (unknown beats a guess). Only the first
    byline leads the page's story, and only when no other byline follows among the furniture
    under its paragraph: a story list prints a byline over each teaser ("by Name - Jul 14, 2018
    7:00 am", teaser, time stamp, "by Other Name - ...", teaser, ...)."""
    byline = next((at for at, para in enumerate(paragraphs)
                   if para.boilerplate_rule in settings.lead_rules), -1)
    if byline < 0:
        return -1
    lead, role = _neighbour(kinds, byline, 1)
    if role != TEXT:
        return -1
    at, role = _neighbour(kinds, lead, 1)
    while role == FURNITURE:
        if paragraphs[at].boilerplate_rule in settings.lead_rules:
            return -1 if _neighbour(kinds, at, 1)[1] in (TEXT, HEADLINE) else lead
        at, role = _neighbour(kinds, at, 1)
    return lead


def _caption_sides(paragraphs: Sequence[Paragraph], before: tuple[int, str], after: tuple[int, str],
                   above_lead: bool) -> tuple[tuple[int, str], ...]:
    """The sides of a headline-shaped line where a credit makes it a caption. A caption sits
    above its credit; a headline-shaped line under a credit with article text right after it is
    a subheading (the picture ends a section, the subheading opens the next): no side counts
    there, as the credit would have to stand after the line, where the text does. No subheading
    stands above the page's first text paragraph (``above_lead``) nor above a story's dateline:
    there a credit before the line counts too (the lead picture's credit, then its caption,
    under the title and the byline)."""
    if after[1] == TEXT and not above_lead and not _opens_story(paragraphs, after[0]):
        return ()
    return (before, after)


def _link_run(paragraphs: Sequence[Paragraph], kinds: Sequence[str], at: int,
              settings: ContextSettings) -> list[tuple[int, str]]:
    """The lines under the link label at ``at`` that read as links (index, role): headline-shaped
    ones, or as short and unclosed as one (:func:`_link_like`), until a line of another shape
    (neutral lines stepped over)."""
    run: list[tuple[int, str]] = []
    link = _neighbour(kinds, at, 1)
    while link[1] == HEADLINE or (link[1] == TEXT and _link_like(paragraphs[link[0]], settings)):
        run.append(link)
        link = _neighbour(kinds, link[0], 1)
    return run


def _dek(paragraphs: Sequence[Paragraph], kinds: Sequence[str], title: int,
         settings: ContextSettings) -> int:
    """The index of the page's dek (its headline's summary line), or -1.

    A dek stands alone between the page's title (a headline-shaped line) and the first byline
    (``lead_rules``), with furniture or neutral lines at most around it, and the story's text
    under the byline. A lead paragraph printed above its byline is no dek: it is the page's
    first text with no title above it (the title is then the page's first line, never judged),
    or it opens with a dateline."""
    if not 0 <= title < len(kinds) or kinds[title] != HEADLINE:
        return -1
    at, role = _neighbour(kinds, title, 1)
    if role not in (TEXT, HEADLINE):
        return -1
    byline, role = _neighbour(kinds, at, 1)
    if role != FURNITURE or paragraphs[byline].boilerplate_rule not in settings.lead_rules:
        return -1
    under = _neighbour(kinds, byline, 1)
    while under[1] == FURNITURE:  # the byline's time stamp, the lead picture's caption and credit
        under = _neighbour(kinds, under[0], 1)
    if under[1] != TEXT:  # a story under the byline
        return -1
    if not settings.dek_min_words <= _words(paragraphs[at]) <= settings.max_words:
        return -1
    return -1 if _opens_story(paragraphs, at) else at


def _player_block(paragraphs: Sequence[Paragraph], kinds: Sequence[str], title: int,
                  settings: ContextSettings) -> tuple[list[int], int]:
    """The lines of a block under the page's title that is not its story (indexes; [] for
    none), and the page's title printed again over them (-1 for none), a line never judged.

    Pages with a video player at the top print, under the page's title, the player's own title
    (a second headline-shaped line) and its one-sentence blurb ("X and Y debate on 'Show.'",
    "What to know about ..."), then the article; a page that prints its title twice prints its
    dek there. The second title must have ``player_title_min_words`` words (a shorter line there
    is a byline or a section: "The Associated Press", "Newser — Rob Quinn"), the blurb is one
    sentence of at most ``player_blurb_max_words`` words that opens no story (no dateline), and
    article text follows it. The second title is judged only when it is not the page's title
    printed again."""
    none: tuple[list[int], int] = ([], -1)
    if not 0 <= title < len(kinds) or kinds[title] != HEADLINE:
        return none
    second, role = _neighbour(kinds, title, 1)
    if role != HEADLINE or _words(paragraphs[second]) < settings.player_title_min_words:
        return none
    blurb, role = _neighbour(kinds, second, 1)
    if role != TEXT or _words(paragraphs[blurb]) > settings.player_blurb_max_words:
        return none
    if _ONE_SENTENCE_BREAK.search(paragraphs[blurb].text.strip()) or _opens_story(paragraphs, blurb):
        return none
    under = _neighbour(kinds, blurb, 1)
    while under[1] == FURNITURE:  # a byline, a time stamp, a picture's credit
        under = _neighbour(kinds, under[0], 1)
    if under[1] != TEXT:
        return none
    if _label_key(paragraphs[second].text) == _label_key(paragraphs[title].text):
        return [blurb], second  # the title printed again: kept
    return [second, blurb], -1


def _two_titles(paragraphs: Sequence[Paragraph], counts: Sequence[int], settings: ContextSettings) -> bool:
    """Whether a page opens with two headline-shaped lines and a one-sentence line of a blurb's
    length (neutral lines stepped over), the second long enough for a player's title
    (:func:`_player_block`): on a page no rule named a line, the one shape the context still
    reads. Word counts and two regex tests: most pages are answered here."""
    if len(paragraphs) < 4:
        return False
    neutral = settings.neutral_max_words
    lines: list[int] = []
    for at in range(min(len(counts), _PLAYER_TOP)):
        if counts[at] > neutral:
            lines.append(at)
            if len(lines) == 3:
                break
    if len(lines) < 3:
        return False
    title, second, blurb = lines
    return (settings.player_title_min_words <= counts[second] <= settings.headline_max_words
            and counts[blurb] <= settings.player_blurb_max_words
            and counts[title] <= settings.headline_max_words
            and headline_shaped(paragraphs[second].text, counts[second], settings)
            and headline_shaped(paragraphs[title].text, counts[title], settings)
            and _ONE_SENTENCE_BREAK.search(paragraphs[blurb].text) is None)


def _player_at_top(paragraphs: Sequence[Paragraph], settings: ContextSettings) -> bool:
    """Whether a page no rule named a line of holds a player's block under its title, read from
    the roles of its first lines only (the block stands in the first few)."""
    top = paragraphs[:_PLAYER_TOP]
    kinds = roles(top, settings)
    first = next((at for at, kind in enumerate(kinds) if kind != NEUTRAL), len(kinds))
    return bool(_player_block(top, kinds, _title(top, kinds, [], first, settings), settings)[0])


# How many of a page's first lines hold the title, a player's title and blurb, neutral lines
# between them and the article's first paragraph.
_PLAYER_TOP = 12


def _title(paragraphs: Sequence[Paragraph], kinds: Sequence[str], labels: Sequence[int], first: int,
           settings: ContextSettings) -> int:
    """The index of the page's title, never judged (``len(kinds)``: none).

    The title is the page's first headline-shaped line with no text above it (a menu or a
    ticker may stand above it; a caption or a video title under it is judged as any line), or
    its first paragraph when a text stands first. When a link label stands above that line with
    no text above it ("Trending Now" over a ticker of topics), the line is the ticker's first
    link: the title is the last line of the label's run of links, the one the article's byline
    or lead follows (a ticker that ran on into it would take the title for a link)."""
    title = next((at for at, kind in enumerate(kinds) if kind in (HEADLINE, TEXT)), len(kinds))
    if title < len(kinds) and kinds[title] != HEADLINE:
        return first
    opener = max((label for label in labels if label <= title), default=None)
    if opener is None:
        return title
    run = _link_run(paragraphs, kinds, opener, settings)
    return run[-1][0] if run else title


def _opens_story(paragraphs: Sequence[Paragraph], at: int) -> bool:
    """Whether the paragraph opens a story: it starts with a dateline, or the line before it is
    one on its own ("HELSINKI", "WASHINGTON (AP)": a scraper split it off)."""
    if _DATELINE.match(paragraphs[at].text):
        return True
    if at == 0:
        return False
    before = paragraphs[at - 1].text.strip()
    return len(before.split()) <= 3 and _PLACE_LINE.fullmatch(before) is not None


def _link_like(para: Paragraph, settings: ContextSettings) -> bool:
    """Whether a line under a link label still reads as a link though it is not headline-shaped:
    as short as a headline and without a sentence's end ("Son of Clinton Twp. Detective ..."
    fails the shape only on the abbreviation's full stop)."""
    text = para.text.rstrip()
    return _words(para) <= settings.headline_max_words and text[-1] not in _SENTENCE_END


def _headline_runs(kinds: Sequence[str], least: int) -> frozenset[int]:
    """The headline-shaped lines that stand in a run of ``least`` or more (neutral lines stepped
    over) with article text right before or after the run: an article's bullet list ("Free
    parking at the stations", ...). Context never judges them, so a list's first item beside a
    caption or a share bar is not taken for a caption; a run among furniture only (a gallery's
    "Image 2 of 5" and "1 / 5" lines, a widget's titles) is judged as any line."""
    runs: set[int] = set()
    run: list[int] = []
    before = EDGE  # the role of the line before the current run
    for at, kind in enumerate([*kinds, EDGE]):
        if kind == NEUTRAL:
            continue
        if kind == HEADLINE:
            run.append(at)
            continue
        if len(run) >= least and TEXT in (before, kind):
            runs.update(run)
        run, before = [], kind
    return frozenset(runs)


def _list_item(kinds: Sequence[str], at: int) -> bool:
    """Whether the text at ``at`` is a story list's teaser: a headline (or another furniture
    line), then a furniture line (its timestamp or credit), then this text, then the next
    item's headline or the page's end (neutral lines stepped over)."""
    if kinds[at] != TEXT:
        return False
    before, after = _neighbour(kinds, at, -1), _neighbour(kinds, at, 1)
    if before[1] != FURNITURE or after[1] not in (HEADLINE, EDGE):
        return False
    return _neighbour(kinds, before[0], -1)[1] in (HEADLINE, FURNITURE)


def _teaser_page(
    paragraphs: Sequence[Paragraph], kinds: Sequence[str], settings: ContextSettings
) -> dict[int, ContextVerdict]:
    """The teasers of an aggregator's page (index -> verdict), or nothing for any other page.

    An aggregator (a news search page, a topic page) prints story after story as a snippet, each
    closed by one- or two-word debris (a source name, "2 hours ago" in pieces, an icon's name):
    its text paragraphs stand alone between neutral lines. An article's paragraphs stand next to
    each other. A page is an aggregator's when ``teaser_page_min_items`` or more of its text
    paragraphs, and ``teaser_page_percent`` of them, have a neutral line (or the page's edge)
    right before and right after; then every paragraph of it is furniture.

    An article's own slot lines are no debris: an ad slot or a section label ("Advertisement",
    "РЕКЛАМА:", lines of ``slot_rules``) stands between an article's paragraphs, and is stepped
    over when a paragraph's neighbours are looked for. And debris varies where a slot repeats: an
    aggregator's lines name the sources and times of its stories ("amp", "Fox News", "today"),
    an unnamed ad slot prints the same word between every two paragraphs; the debris beside the
    lone paragraphs must hold ``teaser_debris_kinds`` different lines."""
    texts = [at for at, kind in enumerate(kinds) if kind == TEXT]
    if len(texts) < settings.teaser_page_min_items:
        return {}
    last = len(kinds) - 1
    # debris by its length (a caption stepped over is not debris), or by its rule (debris_rules:
    # none shipped; a live blog's one-paragraph entries stand between time stamps)
    short = settings.neutral_max_words
    slots = settings.slot_rules

    def beside(at: int, step: int) -> int:
        """The nearest line from ``at`` in direction ``step`` that is not a slot line (-1 or
        the page's length: its edge)."""
        at += step
        while 0 <= at <= last and paragraphs[at].boilerplate_rule in slots:
            at += step
        return at

    def debris(at: int) -> bool:
        if at < 0 or at > last:
            return True
        para = paragraphs[at]
        if para.boilerplate_rule in settings.debris_rules:
            return True
        # a short time stamp or credit ("1:05 p.m.", "Name/Agency") is no debris: a live blog's
        # entries and a gallery's captions stand between them
        return _words(para) <= short and para.boilerplate_rule not in settings.anchor_rules

    # a snippet is prose: a sentence or two, closed as one (a list of product names or links
    # with an address under each is not a page of snippets)
    alone: list[int] = []
    lines: set[str] = set()  # the debris lines beside the lone paragraphs, compared as labels are
    for at in texts:
        before, after = beside(at, -1), beside(at, 1)
        if (debris(before) and debris(after) and _words(paragraphs[at]) >= settings.teaser_min_words
                and paragraphs[at].text.rstrip()[-1] in _PROSE_END):
            alone.append(at)
            lines.update(_label_key(paragraphs[side].text) for side in (before, after) if 0 <= side <= last)
    least = settings.teaser_page_min_items
    if len(alone) < least or 100 * len(alone) < settings.teaser_page_percent * len(texts):
        return {}
    if len(lines) < settings.teaser_debris_kinds:
        return {}  # one line repeated (or two): an article's ad slots, not an aggregator's debris
    # The whole page is the aggregator's: its snippets, the debris between them, the topic's
    # title and the source names. Left as body, the debris would read as one story whose
    # paragraphs inherit the outlet of whichever snippet carries a dateline.
    found: dict[int, ContextVerdict] = {}
    for at, para in enumerate(paragraphs):
        if para.is_body:
            before, after = (at - 1, NEUTRAL if at else EDGE), (at + 1, NEUTRAL if at < last else EDGE)
            found[at] = ContextVerdict(TEASER_PAGE, _words(para), kinds[at], before, after)
    return found


def context_furniture(
    paragraphs: Sequence[Paragraph], settings: ContextSettings | None = None
) -> dict[int, ContextVerdict]:
    """Body paragraphs of one page that are furniture by their neighbours (index -> verdict).
    Paragraphs a rule already named are never re-judged; the page's first paragraph that is
    not neutral is never judged (its title or lead)."""
    if settings is None:
        settings = load_settings()
    if not paragraphs:
        return {}
    # C loops (map, min, any) first: on most pages of plain article text no line is short
    # enough to be a link label and no rule named any line, and nothing more is asked
    counts = list(map(_WORDS_OF, paragraphs))
    if None in counts:  # a page segmented elsewhere, without word counts
        counts = [_words(para) for para in paragraphs]
    short = settings.prefix_max_words
    furnished = any(map(_RULE_OF, paragraphs))
    two_titles = None if furnished else _two_titles(paragraphs, counts, settings)
    if not furnished and not two_titles and min(counts) > short:
        return {}  # nothing to set a paragraph against (a bare article: most benchmark pages)
    labels = [at for at, words in enumerate(counts)
              if words <= short and link_label(paragraphs[at].text, words, settings)]
    kinds = None
    least = settings.teaser_page_min_items
    if len(counts) >= 2 * least and sorted(counts)[least - 1] <= settings.neutral_max_words:
        # enough debris lines for an aggregator's page (a C sort answers for most pages)
        kinds = roles(paragraphs, settings)
        found = _teaser_page(paragraphs, kinds, settings)
        if found:
            return found
    if not labels and not furnished and not (two_titles and _player_at_top(paragraphs, settings)):
        return {}
    if kinds is None:
        kinds = roles(paragraphs, settings)  # as a sentence's neighbours: captions stepped over
    found: dict[int, ContextVerdict] = {}
    # as a headline's neighbours: a caption counts (a title beside a picture is the picture's
    # or a video's; an article's own subheading is followed by its text)
    heads = roles(paragraphs, settings, inflow=FURNITURE)
    first = next((at for at, kind in enumerate(kinds) if kind != NEUTRAL), len(kinds))
    lead = next((at for at, kind in enumerate(kinds) if kind == TEXT), len(kinds))  # first text
    title = _title(paragraphs, kinds, labels, first, settings)
    lead_text = _byline_lead(paragraphs, kinds, settings)
    kept = title  # the page's title printed again over its dek, never judged
    dek = _dek(paragraphs, kinds, title, settings)
    if dek >= 0:
        found[dek] = ContextVerdict(DEK, _words(paragraphs[dek]), kinds[dek], _neighbour(kinds, dek, -1),
                                    _neighbour(kinds, dek, 1))
        kinds[dek] = heads[dek] = FURNITURE
    else:
        block, again = _player_block(paragraphs, kinds, title, settings)
        kept = again if again >= 0 else kept
        for at in block:
            found[at] = ContextVerdict(PLAYER_UNDER_TITLE, _words(paragraphs[at]), kinds[at],
                                       _neighbour(kinds, at, -1), _neighbour(kinds, at, 1))
            kinds[at] = heads[at] = FURNITURE
    for at in labels:  # the links under a "Related Articles" label
        label = (at, LABEL)
        for link in _link_run(paragraphs, kinds, at, settings):
            if link[0] == title:
                break  # the page's title under a ticker's label: the run ends above it
            index, role = link
            found[index] = ContextVerdict(LINK_AFTER_LABEL, _words(paragraphs[index]), role, label,
                                          _neighbour(kinds, index, 1))
            kinds[index] = heads[index] = FURNITURE
            label = link
    listed_lines = _headline_runs(kinds, settings.list_run)
    for _ in range(max(settings.passes, 1)):
        # a story list needs two headlines (or furniture lines) before two teasers
        listed = kinds.count(HEADLINE) + kinds.count(FURNITURE) >= 4 and kinds.count(TEXT) >= 2
        items = {at for at in range(len(kinds)) if _list_item(kinds, at)} if listed else set()
        # one such item is a story's own title, byline and lead; and a page that is nothing but
        # items is a live blog of titled entries (or an aggregator's, found above): a story list
        # stands beside an article of its own
        rest = sum(1 for at, kind in enumerate(kinds) if kind == TEXT and at not in items)
        rhythm = len(items) >= 2 and rest >= settings.list_article_paragraphs
        changed = False
        for at, kind in enumerate(kinds):
            if kind not in (HEADLINE, TEXT) or at in (first, title, kept) or at in listed_lines:
                continue
            if _BY_LINE.match(paragraphs[at].text):
                continue  # an agency's byline, the story's credit (see _BY_LINE)
            words = _words(paragraphs[at])
            if words > settings.max_words:
                continue
            before, after = _neighbour(kinds, at, -1), _neighbour(kinds, at, 1)
            sides = {before[1], after[1]}
            if kind == HEADLINE:
                head_before, head_after = _neighbour(heads, at, -1), _neighbour(heads, at, 1)
                head_sides = {head_before[1], head_after[1]}
            rule = None
            if FURNITURE in sides and sides <= {FURNITURE, EDGE} and (
                    EDGE not in sides or words <= settings.edge_max_words
            ) and (kind == HEADLINE or (_anchored(paragraphs, (before, after), settings) and at != lead_text)
                   ) and not _opens_story(paragraphs, at):
                rule = BETWEEN_FURNITURE
            elif kind == HEADLINE and FURNITURE in head_sides and head_sides <= {FURNITURE, HEADLINE, EDGE}:
                rule, before, after = HEADLINE_AMONG_FURNITURE, head_before, head_after
            elif kind == HEADLINE and _credit_beside(
                    paragraphs, _caption_sides(paragraphs, head_before, head_after, at < lead), settings):
                rule, before, after = CAPTION_BY_CREDIT, head_before, head_after
            elif rhythm and at in items and not _opens_story(paragraphs, at):
                rule = STORY_LIST_ITEM
            if rule is None:
                continue
            found[at] = ContextVerdict(rule, words, kind, before, after)
            kinds[at] = heads[at] = FURNITURE
            changed = True
        if not changed:
            break
    return found


def with_context(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """The page's paragraphs with those furniture by their context turned into boilerplate
    (the rule's name as ``boilerplate_rule``); the same list, changed in place."""
    found = context_furniture(paragraphs)
    for index, verdict in found.items():
        paragraphs[index] = replace(paragraphs[index], kind=BOILERPLATE, boilerplate_rule=verdict.rule)
    return paragraphs


def context_evidence(paragraphs: Sequence[Paragraph]) -> dict[int, dict[str, object]]:
    """The evidence behind each paragraph of a page that a context rule named (index ->
    evidence), worked out again from the page as it was segmented: the paragraphs named by
    context, or by a site template learned later, read as body again."""
    marked = [p.index for p in paragraphs if p.boilerplate_rule in CONTEXT_RULES]
    if not marked:
        return {}
    relearned = {"site-template", *CONTEXT_RULES}
    page = [replace(p, kind=BODY, boilerplate_rule=None) if p.boilerplate_rule in relearned else p
            for p in paragraphs]
    found = context_furniture(page)
    evidence: dict[int, dict[str, object]] = {}
    for index in marked:
        verdict = found.get(index)
        evidence[index] = verdict.evidence(page) if verdict is not None else {
            "rule": paragraphs[index].boilerplate_rule}
    return evidence
