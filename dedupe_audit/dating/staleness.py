"""Is a paragraph's text from the era of the page that carries it?

A paragraph's *markers* say when it was written: an office holder named as sitting
("President Biden", "the Biden administration") or a relative phrase tied to a year ("next
year's 2024 elections"). Their windows intersect into a writing window; the paragraph is
``stale`` when the page date lies outside it, ``current`` when inside, ``undetermined``
without markers or page date. Rules that keep retrospective text from being flagged:

* a cue from the era data ("former", "then-", "колишній", "бывший", "-era", "який тоді
  був") makes a mention retrospective: it names the holder, it does not assert the era;
* a mention whose own sentence carries a date before the page date that falls in the
  holder's tenure is about that date ("the Biden administration's 2023 decision"), unless
  the year names an event that may still be ahead ("the 2018 midterms");
* an apposition ("Dan Coats, the director of national intelligence") names the role as
  the writer knows it, whatever the tense around it;
* when a paragraph's markers cannot all hold at once, the older ones are read as
  mentioned in retrospect: text naming Trump's second term as current can mention the
  Biden administration, but not the other way round;
* bare years and "since the 2022 invasion" never decide: they are true on any later page.

Paragraphs with no marker of their own take their block's markers (consecutive paragraphs
of one story), at lower confidence. Boilerplate is never judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dedupe_audit.dating import surnames
from dedupe_audit.dating.ages import AgeReader, load_ages
from dedupe_audit.dating.eras import (
    EraRegistry,
    Fact,
    Mention,
    Term,
    cue_for,
    find_mentions,
    load_eras,
    screened_facts,
)
from dedupe_audit.dating.tense import (
    BARE,
    CURRENT,
    PAST,
    PAST_PERFECT,
    REPORTING,
    SPEECH_STEMS,
    SPEECH_VERBS,
    Tense,
    clause_tense,
    future_clause,
    recent_before,
    recent_in_clause,
    sentence_bounds,
    sentence_of,
    words,
)
from dedupe_audit.dating.time_expressions import (
    AnchoredRule,
    DateHit,
    RelativeRule,
    TimeHit,
    TimeLanguage,
    find_dates,
    find_time_expressions,
)
from dedupe_audit.dating.time_expressions import time_language as _time_language
from dedupe_audit.model import (
    Cluster,
    EraConflict,
    EraMarker,
    PageDate,
    Paragraph,
    ParagraphRef,
    Recycled,
    SegmentedDocument,
    Staleness,
)
from dedupe_audit.provenance.cues import CueMatch, CueSet, LeadIn
from dedupe_audit.rules.literals import JointScreen

if TYPE_CHECKING:
    from dedupe_audit.provenance.outlets import Outlet, OutletRegistry

__all__ = ["DatingKnowledge", "assess_page", "foreign_blocks", "lead_in_outlet",
           "load_eras", "paragraph_markers", "recycled"]

OFFICE_CONFIDENCE = 0.85
WEAK_CONFIDENCE = 0.7  # a bare title or past-tense news verb: no tense says "now"
ANCHORED_CONFIDENCE = 0.75
INHERITED_FACTOR = 0.7  # a marker elsewhere in the block speaks less for this paragraph
NEAR_EDGE_DAYS = 14  # text this close to an era's edge may be late publication, not staleness
NEAR_EDGE_FACTOR = 0.6
# whether past-tense narration other than news verbs still counts, weakly, as speaking
# from the era when the holder is its subject ("Defense Secretary Lloyd Austin convened");
# as an object or in a phrase ("served in the Clinton administration") it never does
PAST_NARRATION_COUNTS = True
# what kind of block a paragraph lies in (foreign_blocks); LEAD_IN: from a paragraph opened
# mid-page by another outlet's lead-in ("CBS News reports:", "From The New York Times:")
OWN, COPIED, DATELINED, LEAD_IN = 0, 1, 2, 3
SURNAME_FACTOR = 0.9  # a bare surname speaks a little less surely than the titled mention
AGE_CONFIDENCE = 0.8  # "Trump, 72,": the writer's own description of the day, to the year


@dataclass(frozen=True, slots=True)
class Clue:
    """A marker that decides the writing window: [first, until), None = open."""

    marker: EraMarker
    first: date | None
    until: date | None
    confidence: float
    office: str | None = None
    holder: str | None = None
    # strong: the clause presents the holder as current (present, perfect, future, a recent
    # day) or the marker is a time expression; weak: a bare title or a past-tense news verb,
    # read as retrospective when the page (or foreign block) shows a later holder sitting
    strong: bool = True
    terms: tuple[Term, ...] = ()  # all tenures of the holder in the office (one for most)
    # the holder is the subject of a verb of saying ("Stoltenberg said", "Шольц заявив"): the
    # news of the holder's own time (see ``_reported``)
    speaks: bool = False
    # the titled holder is the subject of a past act ("Attorney General William Barr put
    # ... in charge") and the office keeps no courtesy title: written while they held it,
    # however the page names a later holder (see ``_reported``)
    acts: bool = False
    # read off the page date ("this year's midterms", see ``TimeHit.page_relative``): it gives
    # way to the other clues when they cannot hold together (``_resolve``)
    yields: bool = False


@dataclass(frozen=True, slots=True)
class Named:
    """A titled mention of a known holder ("Secretary of State Mike Pompeo"): a later bare
    surname in the page ("Pompeo said") may refer to it (see ``_surname_clues``)."""

    keys: frozenset[str]  # the surname as ``surname_key`` folds it ("pompeo", "шольц")
    person: str  # the holder without the state of a member of Congress
    office: str  # the office the title names ("Putin" may be a president or a premier)
    start: int  # span of the mention in the document
    end: int
    clue: Clue | None  # the clue it gave; None when it was read in retrospect


@dataclass(frozen=True, slots=True)
class Findings:
    """What one paragraph says about its own time."""

    clues: tuple[Clue, ...]  # deciding markers that survived contradiction resolution
    dropped: tuple[Clue, ...]  # deciding markers outvoted by newer ones
    context: tuple[EraMarker, ...]  # markers shown but not deciding (relative, dates)
    retrospective: tuple[str, ...]  # why mentions were not read as asserting an era
    named: tuple[Named, ...] = ()  # titled mentions a later bare surname may refer to


# --------------------------------------------------------------------------- markers


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _term_for(terms: Sequence[Term], page: date | None) -> Term:
    """The holder's tenure the mention means: the one holding the page date, else the
    nearest to it (undated pages: the latest)."""
    if page is None:
        return terms[-1]
    return min(terms, key=lambda t: (t.gap_days(page), -t.start.toordinal()))


def _office_marker(mention: Mention, term: Term, tense: Tense | None = None,
                   fact: str | None = None) -> EraMarker:
    return EraMarker(mention.phrase, mention.start, mention.end, fact or mention.fact.label,
                     _iso(term.start), _iso(term.end), "office",
                     tense.describe() if tense else "")


def _sentence_dates(mention: Mention, para: Paragraph, lang: TimeLanguage) -> tuple[DateHit, ...]:
    """The dates of the mention's sentence (document offsets), read once for the readings
    that look at them (``_dated_present``, ``_dated_in_past``)."""
    sentence = para.text[mention.sentence_start - para.start : mention.sentence_end - para.start]
    return find_dates(sentence, lang, offset=mention.sentence_start)


def _dated_in_past(mention: Mention, term: Term, page: date | None, text: str,
                   para: Paragraph, lang: TimeLanguage,
                   dates: tuple[DateHit, ...] | None = None) -> str | None:
    """A date in the mention's sentence, before the page and inside the tenure, makes the
    mention a retrospective one ("the Biden administration's 2023 decision")."""
    return _dated_sentence(mention.phrase, mention.start, mention.end, mention.sentence_start,
                           mention.sentence_end, term, page, text, para, lang, dates)


def _dated_sentence(phrase: str, start: int, end: int, sentence_start: int, sentence_end: int,
                    term: Term, page: date | None, text: str, para: Paragraph,
                    lang: TimeLanguage, dates: tuple[DateHit, ...] | None = None) -> str | None:
    """``_dated_in_past`` for any span (document offsets) in its sentence; ``dates``: the
    sentence's dates when the caller has read them already."""
    if page is None:
        return None
    sentence = text[sentence_start - para.start : sentence_end - para.start]
    if dates is None:
        dates = find_dates(sentence, lang, offset=sentence_start)
    for hit in dates:
        if _names_event(hit, sentence, sentence_start, lang):
            continue
        inside_mention = start <= hit.start < end
        in_tenure = term.start <= hit.last and (term.end is None or hit.first < term.end)
        if not inside_mention and hit.last < page and in_tenure:
            return f"'{phrase}' is dated by '{hit.phrase}' in its sentence"
    return None


def _dated_present(mention: Mention, page: date | None, para: Paragraph,
                   lang: TimeLanguage, dates: tuple[DateHit, ...]) -> Clue | None:
    """A holder in a present-tense clause whose sentence names one day before the page
    ("President Donald Trump walks in with Defense Secretary Jim Mattis ... on July 11,
    2018", the caption shape; "Трамп встречается с Меркель ... 11 июля 2018 года"): the
    sentence's present is that day, so the holder is read in the tenure holding that day,
    as sitting then (a past clause there is history: ``_dated_in_past``); so is a sentence
    with no verb at all (the verbless caption: "Merkel and Trump at the summit in Brussels,
    July 11, 2018"). A caption of an older day whose holders still sit ("Trump meets
    Putin ... on July 7, 2017" on a 2018 page) therefore fits the page. The words that
    make a date a period's edge or an archive's are data (``PresentDay``, dates.toml)."""
    rule = lang.present_day
    if rule is None or page is None:
        return None
    text = para.text
    start, end = mention.start - para.start, mention.end - para.start
    lo, hi = mention.sentence_start - para.start, mention.sentence_end - para.start
    sentence = text[lo:hi]
    if rule.frames.search(sentence):
        return None
    for hit in dates:
        at = hit.start - para.start  # ``dates`` hold document offsets
        if (hit.first != hit.last or not _YEAR.search(hit.phrase) or start <= at < end
                or (page - hit.last).days <= MIN_GAP_DAYS
                or len(text[lo:at].split()) < rule.lead_words
                or rule.not_after.search(text, max(lo, at - 20), at)):
            continue
        terms = [t for t in mention.fact.terms if t.contains(hit.first)]
        tense = clause_tense(text, start, end)
        if not terms or "+" in tense.verb or not (
                tense.frame == CURRENT or (tense.frame == BARE and _verbless(sentence))):
            continue
        verb = tense.verb or "a caption without a verb"
        reading = Tense(CURRENT, f"{verb}' on '{hit.phrase}")
        term = terms[0]
        return Clue(_office_marker(mention, term, reading), term.start, term.end,
                    OFFICE_CONFIDENCE, mention.fact.office, mention.fact.holder, True, (term,))
    return None


_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")


def _verbless(sentence: str) -> bool:
    """Whether no word of the sentence reads as a verb of any tense (the caption shape
    "Chancellor Angela Merkel and President Donald Trump at the summit in Brussels, July 11,
    2018"): checked word by word with the tense reader, so "met", "зустрілися" count."""
    for match in re.finditer(r"[^\W\d_][\w’'-]*", sentence):
        if clause_tense(sentence, match.start(), match.end()).frame != BARE:
            return False
    return True


def _names_event(hit: DateHit, sentence: str, sentence_start: int, lang: TimeLanguage) -> bool:
    """Whether a bare year names an event that is still ahead or going on in its own clause
    ("Russia is targeting the 2018 midterms", "will attend the 2024 NATO summit", "ahead of the
    2020 election"): such a year does not date the sentence as history. The same event in
    past narration ("no evidence of fraud in the 2020 election", "negotiated the 2019
    budget") still does. ``hit`` spans are document offsets, ``sentence`` starts at
    ``sentence_start``."""
    start, end = hit.start - sentence_start, hit.end - sentence_start
    if (lang.scheduled is None or not hit.phrase.isdigit()
            or lang.scheduled.match(sentence, end) is None):
        return False
    if _AHEAD.search(sentence, max(0, start - 40), start):
        return True
    return (clause_tense(sentence, start, end).frame == CURRENT
            or future_clause(sentence, start, end) is not None)


# words right before an event's year that place it ahead ("in the run-up to the 2020 election")
_AHEAD = re.compile(r"\b(?:ahead\s+of|heading\s+into|run-?up\s+to|upcoming|coming|before|"
                    r"напередодні|перед|накануне)\s+(?:the\s+)?$", re.IGNORECASE)


def _successor(mention: Mention, term: Term, eras: EraRegistry) -> tuple[Term, str] | None:
    """The tenure that followed ``term`` in the mention's office, and its holder: "his
    predecessor, President Barack Obama" is written while Obama's successor sits."""
    if term.end is None:
        return None
    later = [(t.start, t, f.holder) for f in eras.facts if f.office == mention.fact.office
             and f.holder != mention.fact.holder for t in f.terms if t.start >= term.end]
    if not later:
        return None
    _, nxt, holder = min(later, key=lambda item: item[0])
    return nxt, holder


_PREDECESSOR = "predecessor"


def _clause_reading(text: str, start: int, end: int, sentence_start: int, term: Term,
                    page: date | None) -> tuple[Tense, bool, bool]:
    """How the clause around ``text[start:end]`` (a holder's mention, or a surname that
    refers to one) presents the holder: its tense, whether it counts strongly, and whether
    it is past narration that does not count at all. Only a subject in a present, perfect
    or future clause (or a past one tied to a recent day) is presented as sitting now: "has
    repeatedly blamed the Obama administration" speaks about it; past narration of a holder
    called "incumbent" or "sitting" counts weakly; past narration of an administration
    ("the Obama administration did take action") does not count."""
    tense = clause_tense(text, start, end)
    holds = page is None or term.contains(page)
    strong = holds or (tense.frame == CURRENT and tense.subject)
    recent = (not strong and tense.frame in (PAST, REPORTING)
              and recent_in_clause(text, start, end))
    if recent and tense.subject:
        tense = Tense(tense.frame, tense.verb + " + a recent day", True)
        strong = True
    elif recent or (not strong and tense.frame in (PAST, REPORTING) and not tense.subject
                    and recent_before(text, sentence_start)):
        # "Он встречался с президентом Финляндии ... за несколько часов до саммита": the
        # holder took part in the day's news, titled as of that day (weakly: not its subject)
        return Tense(tense.frame, tense.verb + " + a recent day"), False, False
    past = not strong and (tense.frame == PAST_PERFECT or (tense.frame == PAST and not (
        PAST_NARRATION_COUNTS and tense.subject and not _INSTITUTION.search(text[start:end]))))
    sitting = _INCUMBENT.search(text, max(0, start - 40), start) if past else None
    if sitting:
        # "beat incumbent Gov. Matt Bevin": the narration is past, the holder is named as
        # sitting when it was written (weakly: counter-evidence still applies)
        return Tense(CURRENT, sitting.group(1).lower()), False, False
    return tense, bool(strong), past


# the comma of "name, the title" (``eras._fact_pattern``): names and free phrases hold none
_APPOSITION = re.compile(r",\s+(?:the\s+)?", re.IGNORECASE)
# what names the era of the role right after it: "the national-security adviser for George W.
# Bush", "the ambassador under Obama", "директор ... за часів Обами"
_ERA_OF = re.compile(r"\s+(?:for|under|to|during|in\s+the|за\s+(?:часів|времён|времен)|при|до)\s",
                     re.IGNORECASE)

# a government named by its head ("the Obama administration", "адміністрація Байдена"): what
# it did is history; only what it says or does now speaks from its time
_INSTITUTION = re.compile(r"(?:administration|White\s+House)$|^(?:адміністраці|администраци)",
                          re.IGNORECASE)
# a sentence that tells history around an apposition ("During his first term, Trump fired Rex
# Tillerson, the secretary of state", "the book recounts how ..."): the role is the one of then
# ("the most successful alliance in history", "its history" are no such frame)
_HISTORY_FRAME = re.compile(
    r"\b(?:first|second|previous|earlier)\s+(?:term|administration|tenure)|\bat\s+the\s+time\b|"
    r"\bback\s+then\b|\byears\s+(?:ago|earlier|before)\b|\brecount(?:s|ed)?\b|\brecall(?:s|ed)\b|"
    r"\bmemoir\b|\bhistorian|(?<!\bin\s)(?<!\bits\s)(?<!\bour\s)(?<!\btheir\s)\bhistory\b|першого\s+терміну|на\s+той\s+час|тоді|первого\s+срока|"
    r"в\s+то\s+время|тогда|мемуар", re.IGNORECASE)

# a word that names the holder as sitting at the time of writing, right before the mention
# (at most two words between: "incumbent Kentucky Gov."); "then-incumbent" is a cue first
_INCUMBENT = re.compile(
    r"(?<![\w-])(incumbent|sitting|чинн\w*|нинішн\w*|действующ\w*|нынешн\w*)\s+(?:[\w.’'-]+\s+){0,2}$",
    re.IGNORECASE)


def _office_clues(para: Paragraph, page: date | None, eras: EraRegistry, lang: TimeLanguage,
                  facts: Sequence[Fact]) -> tuple[list[Clue], list[str], list[Named]]:
    """Clues from office-holder mentions, each with the frame of its clause (see tense):
    retrospective cues and dated-past sentences drop a mention; "his predecessor, X" dates
    the text to X's successor's tenure; a holder whose tenure does not hold the page date
    counts strongly only when its clause presents it as current. Every mention is also
    returned as ``Named``, with its clue (None when read in retrospect), for the bare
    surnames after it."""
    clues: list[Clue] = []
    retro: list[str] = []
    named: list[Named] = []
    for mention in find_mentions(para.text, eras, offset=para.start, facts=facts):
        found = _mention_clue(mention, para, page, eras, lang)
        if isinstance(found, str):
            retro.append(found)
        else:
            clues.append(found)
        predecessor = bool(mention.cue and mention.cue.startswith(_PREDECESSOR))
        named.append(Named(surnames.holder_keys(mention.fact.holder, mention.phrase),
                           surnames.person_of(mention.fact.holder), mention.fact.office,
                           mention.start, mention.end,
                           None if isinstance(found, str) or predecessor
                           or (found.office or "").endswith(_FORMER_OFFICE) else found))
    return clues, retro, named


def _mention_clue(mention: Mention, para: Paragraph, page: date | None, eras: EraRegistry,
                  lang: TimeLanguage) -> Clue | str:
    """The clue one mention gives, or why it is read in retrospect."""
    term = _term_for(mention.fact.terms, page)
    if mention.cue and mention.cue.startswith(_PREDECESSOR):
        follows = _successor(mention, term, eras)
        if follows is None:
            return f"'{mention.phrase}' ({mention.cue})"
        nxt, holder = follows
        fact = f"{mention.fact.label} as predecessor: {holder} sitting"
        return Clue(_office_marker(mention, nxt, Tense(CURRENT, mention.cue), fact),
                    nxt.start, nxt.end, OFFICE_CONFIDENCE)
    if mention.cue:
        later = _before_later_office(mention, term, page, eras, para, lang)
        return later or f"'{mention.phrase}' ({mention.cue})"
    dates = _sentence_dates(mention, para, lang) if page is not None else ()
    on_day = _dated_present(mention, page, para, lang, dates)
    if on_day is not None:
        return on_day
    why = _dated_in_past(mention, term, page, para.text, para, lang, dates)
    if why:
        return why
    start, end = mention.start - para.start, mention.end - para.start
    role = _APPOSITION.search(mention.phrase)
    era_of = _ERA_OF.match(para.text, end) if role else None
    if era_of:
        served = para.text[era_of.end():era_of.end() + 40].split(",")[0].strip()
        return f"'{mention.phrase}' (its era named by whom it served:{era_of.group(0)}{served})"
    if (role or mention.fact.describes) and not _HISTORY_FRAME.search(_sentence_text(mention, para)):
        # "Dan Coats, the director of national intelligence, sounded the alarm": the
        # apposition is the writer's own description of the person at the time of writing,
        # whatever the tense of the story around it (a past role is written "the former
        # director" or "then the director", which the title does not match); so is a
        # description such as "the 29-nation alliance" (an office with ``describes``)
        tense = Tense(CURRENT, "apposition '" + mention.phrase[role.end():] + "'" if role
                      else "the writer's description '" + mention.phrase + "'")
        return Clue(_office_marker(mention, term, tense), term.start, term.end,
                    OFFICE_CONFIDENCE, mention.fact.office, mention.fact.holder, True,
                    mention.fact.terms)
    tense, strong, past = _clause_reading(para.text, start, end,
                                          mention.sentence_start - para.start, term, page)
    if past:
        return f"'{mention.phrase}' (past narration: {tense.describe()})"
    if mention.fact.for_life and not strong:
        # "the crown worn by Queen Elizabeth II", "Pope Francis's call": how the person is
        # remembered; only a clause presenting them as sitting dates the text
        return f"'{mention.phrase}' (a title kept for life, not presented as sitting: {tense.describe()})"
    acts = (tense.subject and tense.frame in (PAST, REPORTING) and not mention.fact.courtesy
            and not _INSTITUTION.search(mention.phrase)
            and not (set(tense.verb.lower().split()) & _STATES))
    return Clue(_office_marker(mention, term, tense), term.start, term.end,
                OFFICE_CONFIDENCE if strong else WEAK_CONFIDENCE, mention.fact.office,
                mention.fact.holder, strong, mention.fact.terms, _speaks(tense), acts)


# past verbs of a state of mind or being ("Stoltenberg believed the alliance would grow",
# "Hadley was wary"): a description of a period, not an act reported as the day's news
_STATES = words("""
was were had been believed thought felt knew wanted hoped wished feared liked disliked loved
hated seemed appeared remained understood considered preferred doubted trusted enjoyed
""")


def _sentence_text(mention: Mention, para: Paragraph) -> str:
    """The text of the mention's sentence (its bounds are document offsets)."""
    return para.text[mention.sentence_start - para.start : mention.sentence_end - para.start]


def _speaks(tense: Tense) -> bool:
    """Whether the clause reports the mention's holder saying something."""
    verb = tense.verb.split()[0].lower() if tense.verb else ""
    return (tense.frame == REPORTING and tense.subject
            and (verb in SPEECH_VERBS or verb.startswith(SPEECH_STEMS)))


def _before_later_office(mention: Mention, term: Term, page: date | None, eras: EraRegistry,
                         para: Paragraph, lang: TimeLanguage) -> Clue | None:
    """"former Vice President Joe Biden" names the person by the office they held last
    when it was written: before they took up the office they hold at the page date
    ("President Biden" on a 2022 page), which news then names them by. A clue (weak: the
    title's holder, not a sitting one) for the time between the two offices, when the person
    holds that later office at the page date; None once they have left it too (the old title
    is again a normal way to name them: "Former Prime Minister David Cameron"), for "then-",
    "the late" and other cues, for candidacies and nominations (no office held, on either
    side), for an office taken up within a month of the last ("former Sen. Joe Biden" became
    vice president five days later), and for sentences that carry a date or say the career
    went on ("later", "now", "went on to")."""
    if (page is None or term.end is None or not _FORMER.match(mention.cue or "")
            or _NOT_HELD.search(mention.fact.office)):
        return None
    later = [(t.start, t, fact) for fact in eras.same_person.get(mention.fact.fact_id, ())
             if not _NOT_HELD.search(fact.office) for t in fact.terms if t.start >= term.end]
    if not later:
        return None
    start, _, _ = min(later, key=lambda item: item[0])
    if start < term.end + timedelta(days=MIN_GAP_DAYS):
        return None  # the next office followed at once: the title was never their last
    # the later office must be held at the page date, unless it heads the same country's
    # government and the title named does not: a president stays "former President Biden"
    holding = [(t.start, fact) for _, t, fact in later
               if t.contains(page) or (t.start <= page and _rose_to(mention.fact.office, fact.office))]
    if not holding:
        return None
    start, fact = min(holding, key=lambda item: item[0])
    sentence = _sentence_text(mention, para)
    after = para.text[mention.end - para.start : mention.end - para.start + _CAREER_REACH]
    if _CAREER_ON.search(sentence) or _CAREER_ON.search(after) or find_dates(sentence, lang):
        return None  # (the words after it too: "Gov." may end the sentence the splitter sees)
    marker = EraMarker(mention.phrase, mention.start, mention.end,
                       f"{mention.fact.label} until {_iso(term.end)}, named so before becoming "
                       f"{fact.office_label} on {_iso(start)}", _iso(term.end), _iso(start),
                       "office", f"former title: '{mention.cue}'")
    # its own office name: no later holder of the title makes it history (counter-evidence),
    # and a holder of several tenures named beside it is read in the tenure that fits
    return Clue(marker, term.end, start, WEAK_CONFIDENCE * SURNAME_FACTOR,
                mention.fact.office + _FORMER_OFFICE, mention.fact.holder, False,
                (Term(term.end, start),))


# the cues that make a title the person's own past one: the word alone, or with one name
# before the title ("former Texas Gov."); not a role beside it ("a former adviser to", caught
# by former-role-en), not "then-", "the late", "previous"
_FORMER = re.compile(
    r"former-(?:en|uk|ru): (?i:former|ex-|колишн\w*|екс-|бывш\w*|экс-)(?:\s+[A-ZА-ЯІЇЄҐЁ][\w.’'-]*)?$")
# offices a person runs for or waits to take up: not offices held
_NOT_HELD = re.compile(r"candidate|nominee|-elect\b")


def _rose_to(office: str, later: str) -> bool:
    """Whether ``later`` heads the government of ``office``'s country and ``office`` does
    not (ids: "us-vice-president" -> "us-president"): news names such a person by the head
    office for good, unlike a later lesser post ("former Prime Minister David Cameron")."""
    head = _HEAD_OFFICE.match(later)
    return bool(head) and not _HEAD_OFFICE.match(office) and office.startswith(head.group(1) + "-")


# a head of state or government's office id: country, then the office
_HEAD_OFFICE = re.compile(r"^([a-z]+)-(?:president|prime-minister|chancellor|premier)$")
_CAREER_REACH = 120  # characters after the mention looked at for them
# words that say the person's career went on after the title named ("who later served as")
_CAREER_ON = re.compile(r"\b(?:later|now|went\s+on\s+to|subsequently|потім|згодом|нині|тепер|"
                        r"позже|впоследствии|ныне|теперь)\b", re.IGNORECASE)
MIN_GAP_DAYS = 30
_FORMER_OFFICE = " (former title)"


def _time_marker(hit: TimeHit) -> EraMarker:
    if hit.deciding:
        fact = f"written {_iso(hit.first) or '...'}..{_iso(hit.last) or '...'} ({hit.rule})"
    else:
        fact = f"{hit.rule} = {_iso(hit.first)}..{_iso(hit.last)}" if hit.first else hit.rule
    return EraMarker(hit.phrase, hit.start, hit.end, fact, _iso(hit.first), _iso(hit.last),
                     "relative")


def _day_after(day: date | None) -> date | None:
    """Where a window ending on ``day`` stops; open when ``day`` ends the calendar (a
    user's rule may read the year 9999)."""
    return day + timedelta(days=1) if day is not None and day < date.max else None


def _time_clues(para: Paragraph, page: date | None, lang: TimeLanguage,
                rules: Sequence[AnchoredRule | RelativeRule], dates: Sequence[DateHit]
                ) -> tuple[list[Clue], list[EraMarker]]:
    """Time expressions, and the dates (``dates``: the paragraph's, spans in it) that are
    no part of one."""
    clues, context = [], []
    for hit in find_time_expressions(para.text, page, lang, offset=para.start, rules=rules):
        marker = _time_marker(hit)
        if hit.deciding:
            until = _day_after(hit.last)
            clues.append(Clue(marker, hit.first, until, ANCHORED_CONFIDENCE,
                              yields=hit.page_relative))
        else:
            context.append(marker)
    taken = [(m.start, m.end) for m in context] + [(c.marker.start, c.marker.end) for c in clues]
    for hit in dates:
        start, end = hit.start + para.start, hit.end + para.start
        if all(end <= s or start >= e for s, e in taken):
            context.append(EraMarker(hit.phrase, start, end, "date mentioned",
                                     _iso(hit.first), _iso(hit.last), "date"))
    return clues, context


def _retermed(clues: list[Clue], beside: Sequence[Clue] = ()) -> list[Clue]:
    """A holder of several tenures ("President Trump") named beside single-tenure holders of
    other offices ("Secretary of State Mike Pompeo") is read in the tenure that holds together
    with the most of them: the paragraph speaks from one time. "President Trump", "Senate
    Majority Leader Mitch McConnell has ..." and "House Speaker Paul Ryan" agree on Trump's
    first term, though a senator sitting in both terms fits the second too; a tie keeps the
    reading nearest the page date. ``beside``: single-tenure clues of the rest of the
    paragraph's pasted block, which speaks from one time too; they move a reading only when
    it fits none of them (a block may hold the page's own lines after the pasted ones).
    A time expression that dates the writing to a bounded window ("the 2018 NATO summit has
    drawn to a close") votes like a single-tenure holder; one read off the page date does not."""
    own = [c for c in clues if _votes(c)]
    near = [c for c in beside if len(c.terms) == 1 and c.office is not None]
    if not (own or near) or not any(len(c.terms) > 1 for c in clues):
        return clues
    out = []
    for clue in clues:
        if len(clue.terms) > 1:
            mine = [o for o in own if o.office != clue.office]
            block = mine + [o for o in near if o.office != clue.office]
            # the paragraph's own holders vote; the block's only when nothing fits today's
            others = block if not any(_overlap(clue, o) for o in block) else mine
            agree = [(sum(_holds_with(t, o) for o in others), t) for t in clue.terms]
            now = sum(_overlap(clue, o) for o in others)
            best, term = max(agree, key=lambda item: (item[0], item[1].start))
            if best > now:
                marker = replace(clue.marker, valid_from=_iso(term.start), valid_to=_iso(term.end))
                clue = replace(clue, marker=marker, first=term.start, until=term.end)
        out.append(clue)
    return out


def _votes(clue: Clue) -> bool:
    """Whether a clue fixes one writing window that a several-tenure holder's reading can
    agree with: a single-tenure office holder, or a bounded time expression not read off the
    page date."""
    if clue.office is not None:
        return len(clue.terms) == 1
    return not clue.yields and clue.first is not None and clue.until is not None


def _holds_with(term: Term, clue: Clue) -> bool:
    """Whether a tenure overlaps a clue's window."""
    return ((term.end is None or clue.first is None or clue.first < term.end)
            and (clue.until is None or term.start < clue.until))


def _resolve(clues: list[Clue]) -> tuple[list[Clue], list[Clue]]:
    """Keep the clues that can hold together; when they cannot, the ones that ended
    before the newest began are read as retrospective and dropped (after reading a
    several-tenure holder in the tenure that fits the others, see ``_retermed``). A clue
    read off the page date ("this year's midterms") never outvotes the others: it is kept
    only when it holds together with what they leave."""
    clues = _retermed(clues)
    firm = [c for c in clues if not c.yields]
    starts = [c.first for c in firm if c.first]
    newest = max(starts) if starts else None
    ends = [c.until for c in firm if c.until]
    if newest is None or not ends or newest < min(ends):
        kept_firm = firm
    else:
        kept_firm = [c for c in firm if c.until is None or c.until > newest]
    first, until = _window(kept_firm)
    kept = [c for c in clues if c in kept_firm or (c.yields and (
        not kept_firm or ((until is None or c.first is None or c.first < until)
                          and (c.until is None or first is None or first < c.until))))]
    return kept, [c for c in clues if c not in kept]


@dataclass(frozen=True, slots=True)
class DatingKnowledge:
    """What the staleness stage reads paragraphs with: the era facts, the time-expression rules
    and the joint literal screen of both (one scan of each paragraph answers which rules and
    facts it may match). Built once per run (``of``) and handed to every page, so the screen is
    carried by the knowledge it was built from, not remembered in a module cache."""

    eras: EraRegistry
    lang: TimeLanguage
    screen: JointScreen[AnchoredRule | RelativeRule, Fact]
    ages: AgeReader | None = None  # birth dates: "Trump, 72," dates the text (``ages``)

    @classmethod
    def of(cls, eras: EraRegistry, lang: TimeLanguage | None = None) -> DatingKnowledge:
        """``eras`` with ``lang`` (the shipped time language when None) and their joint screen,
        built once per registry and language and kept on the registry (``joint_screens``)."""
        lang = lang or _time_language()
        ages = _ages_of(eras)
        for known, screen in eras.joint_screens:
            if known is lang:
                return cls(eras, lang, screen, ages)  # type: ignore[arg-type]
        built = JointScreen(lang.rules, screened_facts(eras))
        eras.joint_screens.append((lang, built))
        return cls(eras, lang, built, ages)


def _ages_of(eras: EraRegistry) -> AgeReader:
    """The birth dates read with ``eras`` (loaded once per registry, kept beside its screens)."""
    for known, reader in eras.joint_screens:
        if known == "ages":
            return reader  # type: ignore[return-value]
    reader = load_ages(eras)
    eras.joint_screens.append(("ages", reader))
    return reader


_NOTHING = Findings((), (), (), ())


def paragraph_markers(para: Paragraph, page: date | None, knowledge: DatingKnowledge) -> Findings:
    """Everything one paragraph says about when it was written."""
    return _markers(para, page, knowledge.eras, knowledge.lang, knowledge.screen,
                    ages=knowledge.ages)


def _markers(para: Paragraph, page: date | None, eras: EraRegistry, lang: TimeLanguage,
             screen: JointScreen[AnchoredRule | RelativeRule, Fact],
             dates: tuple[DateHit, ...] | None = None, ages: AgeReader | None = None) -> Findings:
    rules, facts = screen.for_text(para.text)
    if dates is None:
        dates = find_dates(para.text, lang)
    aged, age_retro = ages.find(para.text, para.start) if ages is not None else ([], [])
    if not (rules or facts or dates or aged or age_retro):
        return _NOTHING  # most paragraphs: no rule or fact can match, no date
    office, retro, named = _office_clues(para, page, eras, lang, facts)
    timed, context = _time_clues(para, page, lang, rules, dates)
    # an age is a one-tenure clue of its own "office" (the person's age that year), so a
    # holder of several tenures named beside it is read in the tenure that fits (_retermed)
    by_age = [Clue(hit.marker, hit.first, hit.until, AGE_CONFIDENCE, f"age:{hit.person.person}",
                   hit.person.person, True, (Term(hit.first, hit.until),)) for hit in aged]
    retro += age_retro
    kept, dropped = _resolve(office + timed + by_age)
    return Findings(tuple(kept), tuple(dropped), tuple(context), tuple(retro), tuple(named))


# --------------------------------------------------------------------------- verdicts


def _window(clues: Iterable[Clue]) -> tuple[date | None, date | None]:
    starts = [c.first for c in clues if c.first]
    ends = [c.until for c in clues if c.until]
    return (max(starts) if starts else None, min(ends) if ends else None)


def _gap(page: date, first: date | None, until: date | None) -> int:
    if first and page < first:
        return (first - page).days
    if until and page >= until:
        return (page - until).days
    return 0


def _phrases(clues: Iterable[Clue]) -> str:
    """Each phrase once, however often the paragraph or block repeats it."""
    named = dict.fromkeys(
        f"'{c.marker.phrase}' ({c.marker.fact}" + (f"; {c.marker.tense})" if c.marker.tense else ")")
        for c in clues)
    return ", ".join(named)


def _explain(verdict: str, clues: Sequence[Clue], page: PageDate, gap: int,
             window: tuple[date | None, date | None], inherited_from: str) -> str:
    span = f"{_iso(window[0]) or '...'}..{_iso(window[1]) or 'now'}"
    source = f"its block ({inherited_from}) names" if inherited_from else "it names"
    head = f"{source} {_phrases(clues)}: written {span}"
    if verdict == "current":
        return f"{head}; fits the page date {page.date} ({page.source})"
    side = "after that era ended" if window[1] and gap and _day(page) >= window[1] else (
        "before that era began")
    return f"{head}; the page date {page.date} ({page.source}) lies {gap} days {side}"


def _day(page: PageDate) -> date:
    return date.fromisoformat(page.date)


def _confidence(clues: Sequence[Clue], page: PageDate, gap: int, inherited: bool) -> float:
    value = max(c.confidence for c in clues) * (0.5 + 0.5 * page.confidence)
    if inherited:
        value *= INHERITED_FACTOR
    if 0 < gap < NEAR_EDGE_DAYS:
        value *= NEAR_EDGE_FACTOR
    return round(value, 2)


def _judge(clues: Sequence[Clue], context: Sequence[EraMarker], page: PageDate,
           inherited_from: str = "", notes: str = "") -> Staleness:
    """The verdict for a paragraph given the clues that decide it."""
    markers = tuple(c.marker for c in clues) + tuple(context)
    if not clues:
        why = "no era marker in the paragraph or its block" + notes
        return Staleness("undetermined", page.date, None, 0.0, why, markers)
    if page.date is None:
        return Staleness("undetermined", None, None, 0.0,
                         "the page is undated: nothing to compare its markers with", markers)
    window = _window(clues)
    gap = _gap(_day(page), *window)
    verdict = "stale" if gap else "current"
    return Staleness(verdict, page.date, gap, _confidence(clues, page, gap, bool(inherited_from)),
                     _explain(verdict, clues, page, gap, window, inherited_from) + notes, markers)


def _notes(findings: Findings) -> str:
    parts = []
    if findings.retrospective:
        parts.append("retrospective, not counted: " + "; ".join(findings.retrospective))
    if findings.dropped:
        parts.append("older era read as retrospective: " + _phrases(findings.dropped))
    return "".join(f". {p}" for p in parts)


def _boilerplate(para: Paragraph, page: PageDate) -> Staleness:
    why = f"boilerplate ({para.boilerplate_rule or 'site furniture'}): never judged stale"
    return Staleness("undetermined", page.date, None, 0.0, why)


def _block_clues(findings: Sequence[Findings | None], blocks: Sequence[int], index: int,
                 foreign: Sequence[int]) -> tuple[list[Clue], str]:
    """Deciding markers a paragraph without its own takes from its block: only inside a
    foreign block (another text pasted in), and only from the nearest paragraph on each
    side that carries evidence of its own; a paragraph with its own current, retrospective
    or outvoted evidence stops the flow (it is never crossed)."""
    if foreign[index] in (OWN, LEAD_IN):
        # a lead-in block may run on into the page's own story (nothing marks where the
        # pasted text ends): it is a scope for counter-evidence and surnames, no more
        return [], ""
    block = blocks[index]
    donors = []
    for step in (-1, 1):
        j = index + step
        while 0 <= j < len(findings) and blocks[j] == block:
            found = findings[j]
            if found is not None and (found.clues or found.retrospective or found.dropped):
                # a copied run may be the page's own syndicated story: there only a
                # holder presented as sitting by its tense speaks for the neighbours
                if found.clues and not found.retrospective and (
                        foreign[index] == DATELINED or all(c.strong for c in found.clues)):
                    donors.append(j)
                break
            j += step
    clues = [c for j in sorted(donors) for c in findings[j].clues]
    kept, _ = _resolve(clues)
    label = "paragraph" + ("s " if len(donors) > 1 else " ") + ", ".join(map(str, sorted(donors)))
    return kept, label if donors and kept else ""


def _knows_later(para: Paragraph, context: Sequence[EraMarker], clues: Sequence[Clue],
                 page: date | None) -> EraMarker | None:
    """A date the paragraph names that lies after the era its block would lend it ended and
    before the page's date, and not as a plan ("faster than in 2024", "since 2021"; not
    "will be done by 2030"): the paragraph was written after that era, so it is no part of
    the old text pasted around it (a writer's own paragraph between pasted ones). Returns
    that date's marker."""
    until = _window(clues)[1]
    if until is None or page is None:
        return None
    for marker in context:
        if marker.kind != "date" or marker.valid_from is None:
            continue
        if not until <= date.fromisoformat(marker.valid_from) <= page:
            continue
        start, end = marker.start - para.start, marker.end - para.start
        if (_BEHIND.search(para.text, max(0, start - 30), start)
                or future_clause(para.text, start, end) is None):
            return marker
    return None


# words before a date that put it behind the writer even in a future clause ("will be faster
# than in 2024", "the first time since 2021")
_BEHIND = re.compile(r"(?:\bthan|\bsince|\bcompared\s+(?:with|to)|\bніж|порівняно\s+з|\bчем|"
                     r"по\s+сравнению\s+с)\s+(?:(?:in|у|в)\s+)?$", re.IGNORECASE)


def _first_reading(clue: Clue, page: date) -> Clue:
    """A several-tenure clue back in the tenure its mention was first read in."""
    if len(clue.terms) < 2:
        return clue
    term = _term_for(clue.terms, page)
    marker = replace(clue.marker, valid_from=_iso(term.start), valid_to=_iso(term.end))
    return replace(clue, marker=marker, first=term.start, until=term.end)


def _later_holder(clue: Clue, candidates: Iterable[Clue]) -> Clue | None:
    """A clue naming a later holder of the clue's office as sitting (same office, another
    holder, a tenure that began when the clue's ended)."""
    if clue.until is None or clue.office is None:
        return None
    for other in candidates:
        if (other.office == clue.office and other.holder != clue.holder and other.first
                and other.first >= clue.until):
            return other
    return None


def _named_later(clue: Clue, text: str, eras: EraRegistry) -> str | None:
    """The name of a later holder of the clue's office written in ``text`` without a title
    ("Trump on Saturday blamed the Obama administration")."""
    if clue.until is None:
        return None
    for fact in eras.facts:
        if (fact.office == clue.office and fact.holder != clue.holder
                and any(t.start >= clue.until for t in fact.terms)):
            surname = fact.holder.split()[-1]
            at = text.find(surname)
            if at >= 0 and (at == 0 or not text[at - 1].isalnum()):
                return surname
    return None


_OWN_SCOPE = (DATELINED, LEAD_IN)  # blocks that are their own scope for counter-evidence


def _reported(clue: Clue) -> bool:
    """Whether the clue's holder is reported saying something ("Stoltenberg said Georgia will
    become a member") or, titled, doing something ("Attorney General William Barr put her
    in charge": a title without "then-" or "former" is the one of the day): that is the
    news of the holder's own time, and a later holder named elsewhere on the page does not
    turn it into history, as it does a bare title, a courtesy title's past narration or a
    past meeting ("President Obama", "met with President Barack Obama")."""
    return clue.speaks or clue.acts


def _counter_evidence(findings: list[Findings | None], blocks: Sequence[int],
                      foreign: Sequence[int], page: date | None,
                      paragraphs: Sequence[Paragraph], eras: EraRegistry,
                      only: frozenset[int] | None = None) -> None:
    """Weak clues (bare titles, past narration; not a reported statement, see ``_reported``)
    of an ended tenure are read as retrospective when their scope names a later holder of
    the same office as sitting
    (the block for a paragraph in a block opened by another outlet's dateline or lead-in,
    else the page), or when their own paragraph names that later holder at all. ``only``:
    the paragraphs to look at (all when None)."""
    if page is None:
        return
    scopes: dict[object, list[Clue]] = {}
    for j, found in enumerate(findings):
        if found is not None:
            scopes.setdefault(blocks[j] if foreign[j] in _OWN_SCOPE else "own", []).extend(found.clues)
    for j, found in enumerate(findings):
        if found is None or not any(not c.strong for c in found.clues) or (
                only is not None and j not in only):
            continue
        scope = scopes.get(blocks[j] if foreign[j] in _OWN_SCOPE else "own", [])
        kept, retro = [], list(found.retrospective)
        for clue in found.clues:
            later = None if clue.strong or _reported(clue) else _later_holder(clue, scope)
            if later is not None:
                retro.append(f"'{clue.marker.phrase}' ({clue.marker.tense}): "
                             f"'{later.marker.phrase}' is named sitting ({later.marker.tense})")
                continue
            named = None if clue.strong else _named_later(clue, paragraphs[j].text, eras)
            if named is not None:
                retro.append(f"'{clue.marker.phrase}' ({clue.marker.tense}): its paragraph "
                             f"names the later holder '{named}'")
                continue
            kept.append(clue)
        if len(kept) < len(found.clues):
            # a holder of several tenures was read in the tenure that fit the clues now
            # dropped (``_retermed``): read it afresh before resolving what is left
            kept, dropped = _resolve([_first_reading(c, page) for c in kept])
            findings[j] = Findings(tuple(kept), found.dropped + tuple(dropped), found.context,
                                   tuple(retro), found.named)


def _block_terms(findings: list[Findings | None], blocks: Sequence[int],
                 foreign: Sequence[int]) -> None:
    """Inside a pasted block (copied, datelined or opened by a lead-in), a holder of several
    tenures is read in the tenure that fits the single-tenure holders named elsewhere in the
    block ("President Trump" in a block that names "incumbent Gov. Matt Bevin" is the first
    Trump administration): the pasted text speaks from one time. Only weak readings (a bare
    title, past narration) are moved: "President Donald Trump has said" speaks from today's
    tenure wherever it stands (the tense, not whether the page date falls in the tenure).
    The page's own story is left alone."""
    singles: dict[int, list[tuple[int, Clue]]] = {}
    for j, found in enumerate(findings):
        if found is not None and foreign[j] != OWN:
            singles.setdefault(blocks[j], []).extend(
                (j, c) for c in found.clues if len(c.terms) == 1 and c.office is not None)
    for j, found in enumerate(findings):
        several = [c for c in found.clues if len(c.terms) > 1] if found is not None else []
        if not several or foreign[j] == OWN or any(
                c.marker.tense.startswith(CURRENT) for c in several):
            continue  # a holder its clause presents as sitting now stays in today's tenure
        beside = [c for k, c in singles.get(blocks[j], ()) if k != j]
        if not beside:
            continue
        clues = _retermed(list(found.clues), beside)
        if clues != list(found.clues):
            kept, dropped = _resolve(clues)
            findings[j] = Findings(tuple(kept), found.dropped + tuple(dropped), found.context,
                                   found.retrospective, found.named)


def _split_blocks(blocks: Sequence[int], foreign: Sequence[int]) -> list[int]:
    """Block ids with a new block wherever the kind of block changes inside one: a lead-in
    ("CBS News reports:") opens another text inside what ``find_blocks`` saw as one."""
    out: list[int] = []
    fresh = max(blocks, default=0) + 1
    for j, block in enumerate(blocks):
        if j == 0 or block != blocks[j - 1] or foreign[j] != foreign[j - 1]:
            fresh += 1
        out.append(fresh)
    return out


def _antecedent(named: Sequence[tuple[int, Named]], people: int, j: int, at: int,
                blocks: Sequence[int], foreign: Sequence[int]) -> Named | None:
    """The titled mention a surname (in paragraph ``j`` at document offset ``at``) refers
    to, among ``named`` (the page's titled mentions with that surname; ``people``: how
    many holder-office pairs they name): the only known holder with that surname on the
    page, named before it in the same block or, for the page's own story, anywhere in it
    before. None when no such
    mention precedes it, when two holders on the page share the surname, or when the page
    names the holder in two offices ("Prime Minister Putin" and "President Putin")."""
    if people != 1:
        return None  # two people, or one person in two offices: which is meant is unknown
    before = [(k, n) for k, n in named if n.end <= at and (
        blocks[k] == blocks[j] or (foreign[k] == OWN and foreign[j] == OWN))]
    return before[-1][1] if before else None


def _surname_clues(findings: list[Findings | None], paragraphs: Sequence[Paragraph],
                   blocks: Sequence[int], foreign: Sequence[int], page: date | None,
                   eras: EraRegistry, lang: TimeLanguage) -> frozenset[int]:
    """Bare surnames ("Pompeo said", "Gowdy noted", "Шольц заявив") that refer to a titled
    mention of a known holder earlier on the page (``_antecedent``) give that holder's
    clue, read in their own clause (tense, retrospective cue) like a titled mention; a
    surname whose titled mention was read in retrospect ("former Secretary of State Mike
    Pompeo") is retrospective too, and so is one dated in its sentence ("When Donilon met
    Putin in 2012"); one in other past narration ("Noem became secretary") is not counted.
    The marker names the titled mention. Returns the paragraphs that got a new clue."""
    named = [(j, n) for j, found in enumerate(findings) if found is not None for n in found.named]
    if not named:
        return frozenset()
    by_key: dict[str, list[tuple[int, Named]]] = {}
    for j, n in named:
        for key in n.keys - surnames.NOT_SURNAMES:
            by_key.setdefault(key, []).append((j, n))
    people = {key: len({(n.person, n.office) for _, n in found}) for key, found in by_key.items()}
    keys = frozenset(by_key)
    starts = surnames.key_starts(keys)
    added = set()
    for j, found in enumerate(findings):
        if found is None:
            continue
        para = paragraphs[j]
        folded = para.text.casefold()
        if not any(key in folded for key in keys):
            continue  # most paragraphs: no surname of the page's holders (as folded; a
            # surname written with an accent its key lost is missed here)
        taken = [(n.start, n.end) for n in found.named] + [
            (m.start, m.end) for c in found.clues for m in (c.marker,)]
        clues, retro, seen = [], list(found.retrospective), set()
        bounds = None
        for key, start, end in surnames.capitalised_words(para.text, starts):
            at = start + para.start
            if key not in keys or any(s <= at < e for s, e in taken):
                continue
            source = _antecedent(by_key[key], people[key], j, at, blocks, foreign)
            if source is None or source.person in seen or surnames.other_person_before(
                    para.text, start, source.person):
                continue
            seen.add(source.person)  # one reading per person and paragraph
            if any(n.person == source.person for n in found.named):
                continue  # the paragraph names them with the title itself
            word = para.text[start:end]
            if source.clue is None:
                retro.append(f"'{word}' refers to a mention read in retrospect")
                continue
            bounds = bounds or sentence_bounds(para.text)
            sentence = sentence_of(bounds, start)
            cue = cue_for(para.text, start, end, sentence, eras.cues)
            if cue:
                retro.append(f"'{word}' ({cue})")
                continue
            clue = source.clue
            if not clue.terms:
                continue
            term = _term_for(clue.terms, page)  # read afresh, as a titled mention here would be
            dated = _dated_sentence(word, at, at + end - start, sentence[0] + para.start,
                                    sentence[1] + para.start, term, page, para.text, para, lang)
            if dated:
                retro.append(dated)
                continue
            tense, strong, past = _clause_reading(para.text, start, end, sentence[0], term, page)
            if past:
                retro.append(f"'{word}' (past narration: {tense.describe()})")
                continue
            if tense.frame == PAST and not strong:
                continue  # "Noem became secretary": a surname in past narration says too little
            marker = replace(clue.marker, phrase=word, start=at, end=end + para.start,
                             fact=f"{clue.marker.fact}; the surname of '{clue.marker.phrase}' "
                                  f"named before it", tense=tense.describe(),
                             valid_from=_iso(term.start), valid_to=_iso(term.end))
            # whether it speaks is its own clause's, not its titled mention's ("Coats said");
            # a bare surname's act is no titled act
            clues.append(replace(clue, marker=marker, first=term.start, until=term.end,
                                 strong=strong, speaks=_speaks(tense), acts=False, confidence=round(
                (OFFICE_CONFIDENCE if strong else WEAK_CONFIDENCE) * SURNAME_FACTOR, 2)))
        if clues or len(retro) > len(found.retrospective):
            kept, dropped = _resolve(list(found.clues) + clues)
            findings[j] = Findings(tuple(kept), found.dropped + tuple(dropped), found.context,
                                   tuple(retro), found.named)
            if clues:
                added.add(j)
    return frozenset(added)


def _document_verdicts(seg: SegmentedDocument, page: PageDate, blocks: Sequence[int],
                       knowledge: DatingKnowledge,
                       dates: Sequence[tuple[DateHit, ...]] | None = None,
                       foreign: Sequence[int] | None = None,
                       ) -> tuple[tuple[Staleness, ...], list[Findings | None]]:
    day = date.fromisoformat(page.date) if page.date else None
    eras, lang, screen = knowledge.eras, knowledge.lang, knowledge.screen
    hits = dates if dates is not None else [None] * len(seg.paragraphs)
    findings = [_markers(p, day, eras, lang, screen, found, knowledge.ages) if p.is_body else None
                for p, found in zip(seg.paragraphs, hits, strict=True)]
    foreign = foreign if foreign is not None else [OWN] * len(seg.paragraphs)
    blocks = _split_blocks(blocks, foreign)
    _counter_evidence(findings, blocks, foreign, day, seg.paragraphs, eras)
    added = _surname_clues(findings, seg.paragraphs, blocks, foreign, day, eras, lang)
    if added:
        _counter_evidence(findings, blocks, foreign, day, seg.paragraphs, eras, added)
    _block_terms(findings, blocks, foreign)
    any_clues = any(f is not None and f.clues for f in findings)
    verdicts = []
    silent: Staleness | None = None  # most paragraphs': nothing in them or their block
    for j, para in enumerate(seg.paragraphs):
        found = findings[j]
        if found is None:
            verdicts.append(_boilerplate(para, page))
        elif found.clues:
            verdicts.append(_judge(found.clues, found.context, page, notes=_notes(found)))
        else:
            clues, donors = (_block_clues(findings, blocks, j, foreign)
                             if any_clues and not found.retrospective else ([], ""))
            later = _knows_later(para, found.context, clues, day) if clues else None
            if later is not None:
                clues, donors = [], ""
            if clues or found is not _NOTHING:
                notes = _notes(found) + (
                    f". not inherited from its block: it names '{later.phrase}', after the "
                    "block's era ended" if later is not None else "")
                verdicts.append(_judge(clues, found.context, page, donors, notes))
            else:
                silent = silent or _judge((), (), page)
                verdicts.append(silent)
    return tuple(verdicts), findings


def foreign_blocks(seg: SegmentedDocument, blocks: Sequence[int],
                   matches: Sequence[tuple[CueMatch, ...]] | None = None,
                   duplicated: frozenset[int] = frozenset(),
                   registry: OutletRegistry | None = None, cues: CueSet | None = None
                   ) -> tuple[int, ...]:
    """Whether each paragraph lies in a block that is another text pasted in (OWN = no):
    COPIED, a block holding a run copied from or to another document (``duplicated``), or
    DATELINED, one holding a dateline or byline (``matches``: the cues of each paragraph;
    a copied run may start with the story's lead above its dateline) of an outlet other
    than the page's own. When the page's own outlet is
    unknown, a dateline opens a foreign block only after the page's first body block (the
    first is the page's own story). Era evidence is inherited only inside either kind; a
    dated block is also its own scope for counter-evidence (a later holder named sitting).
    A block opened mid-page by another outlet's lead-in (``cues.lead_ins``) is LEAD_IN
    (``cues``: the run's cue set, the shipped one when None)."""
    if matches is None or cues is None:
        from dedupe_audit.provenance.blocks import default_cues

        if cues is None:
            cues = default_cues()
        if matches is None:
            matches = cues.find_all(seg.paragraphs, seg.document.text)
    if registry is None:
        from dedupe_audit.provenance.outlets import load_registry

        registry = load_registry()
    meta = seg.document.meta
    own = None
    for where in (meta.site, meta.url):
        if where and own is None:
            found = registry.resolve_site(where)
            own = found.name if found else None
    foreign_ids: dict[int, int] = {}
    first_body: int | None = None
    first_para = next((j for j, p in enumerate(seg.paragraphs) if p.is_body), None)
    lead_ins: dict[int, int] = {}  # block -> the paragraph whose lead-in opens a pasted text
    for j, para in enumerate(seg.paragraphs):
        if para.is_body and j != first_para and blocks[j] not in lead_ins:
            outlet = lead_in_outlet(para.text, registry, cues.lead_ins)
            if outlet is not None and outlet.name != own:
                lead_ins[blocks[j]] = j
        block = blocks[j]
        if j in duplicated and para.is_body:
            foreign_ids.setdefault(block, COPIED)
        if para.is_body and first_body is None:
            first_body = block
        if not para.is_body:
            continue
        for cue in matches[j]:
            if not cue.rule.starts_block:
                continue
            outlet = registry.lookup(cue.outlet) if cue.outlet else None
            other = outlet.name != own if (outlet and own) else block != first_body
            if other:
                foreign_ids[block] = DATELINED
    kinds = [foreign_ids.get(blocks[j], OWN) for j in range(len(seg.paragraphs))]
    for j in range(len(kinds)):
        if kinds[j] == OWN and blocks[j] in lead_ins and j >= lead_ins[blocks[j]]:
            kinds[j] = LEAD_IN
    return tuple(kinds)


_LEAD_WORDS = 3  # words a lead-in may add after the outlet ("week-ahead guide", "reports")


def lead_in_outlet(text: str, registry: OutletRegistry,
                   lead_ins: Sequence[LeadIn] | None = None) -> Outlet | None:
    """The outlet a paragraph's lead-in names, if it opens with one (``lead_ins``: the
    ``[[lead_in]]`` phrasings of the cue files, the shipped ones when None): the words the
    lead-in holds must start with a known outlet's name (a possessive allowed) followed by
    at most ``_LEAD_WORDS`` words."""
    if lead_ins is None:
        from dedupe_audit.provenance.blocks import default_cues

        lead_ins = default_cues().lead_ins
    for lead_in in lead_ins:
        words = lead_in.head(text).split()
        for k in range(min(len(words), 6), 0, -1):
            name = re.sub(r"[’']s$", "", " ".join(words[:k]))
            outlet = registry.lookup(name)
            if outlet is not None:
                if len(words) - k <= _LEAD_WORDS:
                    return outlet
                break
    return None


# --------------------------------------------------------------------------- conflicts


def _overlap(a: Clue, b: Clue) -> bool:
    return (a.until is None or b.first is None or b.first < a.until) and (
        b.until is None or a.first is None or a.first < b.until)


def _conflicts(doc: int, findings: Sequence[Findings | None]) -> list[EraConflict]:
    """First sighting of each holder per office; two holders of one office whose tenures
    do not overlap, both asserted on the page, are a conflict."""
    first_seen: dict[tuple[str, str], tuple[int, Clue]] = {}
    for j, found in enumerate(findings):
        for clue in found.clues if found else ():
            if clue.office is not None:
                first_seen.setdefault((clue.office, clue.holder), (j, clue))
    seen = sorted(first_seen.values(), key=lambda item: (item[0], item[1].marker.start))
    conflicts = []
    for n, (j, a) in enumerate(seen):
        for k, b in seen[n + 1 :]:
            if a.office == b.office and a.holder != b.holder and not _overlap(a, b):
                conflicts.append(EraConflict(doc, a.marker, j, b.marker, k))
    return conflicts


# --------------------------------------------------------------------------- recycled


def _copies(cluster: Cluster) -> list[ParagraphRef]:
    refs = {m.ref for m in cluster.members} | {c.container for c in cluster.containers}
    return sorted(refs)


def _usable(page: PageDate) -> date | None:
    """A page's own date; an ``--as-of`` date does not date another page's copy."""
    return date.fromisoformat(page.date) if page.date and page.source != "as-of" else None


def _recycled(references: Sequence[bool], page_dates: Sequence[PageDate],
              clusters: Sequence[Cluster], recycled_days: int) -> list[Recycled]:
    found = []
    for cluster in clusters:
        refs = _copies(cluster)
        dated = sorted((d, r) for r in refs if (d := _usable(page_dates[r.doc])) is not None)
        for ref in refs:
            if references[ref.doc] or not page_dates[ref.doc].date:
                continue
            page = date.fromisoformat(page_dates[ref.doc].date)
            older = [(d, r) for d, r in dated if r.doc != ref.doc]
            if older and (page - older[0][0]).days > recycled_days:
                day, other = older[0]
                found.append(Recycled(ref, other, day.isoformat(), page.isoformat(),
                                      (page - day).days))
    return sorted(set(found), key=lambda r: (r.ref, r.older))


# --------------------------------------------------------------------------- entry point


def assess_page(
    seg: SegmentedDocument, doc: int, page: PageDate, blocks: Sequence[int], knowledge: DatingKnowledge,
    dates: Sequence[tuple[DateHit, ...]] | None = None, foreign: Sequence[int] | None = None,
) -> tuple[tuple[Staleness, ...], list[EraConflict]]:
    """One page's verdicts (one per paragraph) and era conflicts, from that page alone;
    ``doc`` is its position in the run, ``knowledge`` the run's era facts and time rules
    (``DatingKnowledge.of``, built once), ``dates`` its paragraphs' dates when already found,
    ``foreign`` which paragraphs lie in a pasted block (``foreign_blocks``; read from the
    shipped cues, with no copies known, when not given)."""
    ids = blocks if len(blocks) == len(seg.paragraphs) else range(len(seg.paragraphs))
    if foreign is None or len(foreign) != len(seg.paragraphs):
        foreign = foreign_blocks(seg, ids)
    verdicts, findings = _document_verdicts(seg, page, ids, knowledge, dates, foreign)
    return verdicts, _conflicts(doc, findings)


def recycled(references: Sequence[bool], page_dates: Sequence[PageDate], clusters: Sequence[Cluster],
             recycled_days: int = 180) -> tuple[Recycled, ...]:
    """Paragraphs whose copy on an older page is more than ``recycled_days`` older; from the
    clusters and each page's date and reference flag alone (no page is read)."""
    return tuple(_recycled(references, page_dates, clusters, recycled_days))
