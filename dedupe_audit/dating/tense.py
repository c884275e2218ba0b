"""How a clause presents the office holder it names: speaking FROM an era, or ABOUT it.

"Defense Secretary Jim Mattis has been critical" presents Mattis as sitting at the time of
writing; "President Obama failed very badly with Crimea" narrates a past era. The era
detector asks this module for the *frame* of a mention's clause:

* ``current``: present, present perfect, progressive or future ("says", "has been",
  "will meet", "is expected", "is defending"): the text speaks from the holder's era;
* ``reporting``: a past-tense news verb with the holder as speaker or actor ("said",
  "announced", "told"): ordinary news narration of the day, which speaks from the era
  unless the page shows a later holder of the same office sitting;
* ``past``: other past-tense narration ("failed", "sought", "kept ... waiting"): about the
  era, not from it;
* ``bare``: no verb reaches the mention (a caption, a list, a noun phrase).

English is read with a closed list of auxiliaries, irregular past forms and suffix rules
(no tagger: nothing to download, a few microseconds a clause). Ukrainian and Russian verbs
are read with pymorphy3 and its uk/ru dictionaries (PyPI packages), loaded once on the
first Cyrillic clause; without them a Cyrillic clause is ``bare``.

Clauses end at ``; : — –``, at quotation marks and at sentence ends; looking backwards
for a governing verb also stops at a comma, so "tension ..., dating back to the last days
of the Obama administration" does not borrow the main clause's "comes".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..rules.knowledge_cache import remembered, source_digest

CURRENT, REPORTING, PAST, BARE = "current", "reporting", "past", "bare"
# "had been", "would have been influenced": a time before the narrated past, or a
# hypothetical one; never the time of writing
PAST_PERFECT = "past perfect"

def words(text: str) -> frozenset[str]:
    """A closed word list written as text, one or more words a line."""
    return frozenset(text.split())


_WORD = re.compile(r"[A-Za-zА-Яа-яІіЇїЄєҐґЁё’'\-]+|[,;:—–“”\"«»()\[\]]|\d+")
_HARD = frozenset(";:—–“”\"«»")
_CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґЁё]")
_WINDOW = 12  # words looked at on either side of a mention
_REACH = 300  # characters of a long paragraph tokenised on either side of a mention

# --------------------------------------------------------------------------- English

_AUX = {
    "is": CURRENT, "are": CURRENT, "am": CURRENT, "has": CURRENT, "have": CURRENT,
    "will": CURRENT, "shall": CURRENT, "'ll": CURRENT, "can": CURRENT, "may": CURRENT,
    "must": CURRENT, "does": CURRENT, "do": CURRENT, "isn't": CURRENT, "aren't": CURRENT,
    "hasn't": CURRENT, "haven't": CURRENT, "won't": CURRENT, "doesn't": CURRENT,
    "don't": CURRENT, "can't": CURRENT, "cannot": CURRENT,
    "was": PAST, "were": PAST, "had": PAST, "did": PAST, "would": PAST, "could": PAST,
    "might": PAST, "should": PAST, "wasn't": PAST, "weren't": PAST, "hadn't": PAST,
    "didn't": PAST, "wouldn't": PAST, "couldn't": PAST,
}
# Past forms of news verbs: the holder speaking or acting in the day's news.
_REPORTING = words("""
said told announced stated added wrote tweeted declared warned urged insisted noted claimed
argued explained cast called asked praised criticized criticised accused welcomed confirmed
acknowledged emphasized emphasised stressed pledged promised vowed threatened responded
replied suggested predicted dismissed rejected denied defended condemned thanked met spoke
signed visited ordered unveiled arrived landed travelled traveled returned hosted attended
joined launched issued proposed questioned blasted slammed lashed hailed lauded
expressed raised revealed disclosed admitted conceded agreed discussed described
""")
# Verbs of saying among them: a holder reported saying something speaks from their own time
# (see staleness); English past forms, and Ukrainian/Russian stems of the same verbs.
SPEECH_VERBS = words("""
said told announced stated added wrote tweeted declared warned urged insisted noted claimed
argued explained stressed emphasized emphasised pledged promised vowed threatened responded
replied suggested predicted acknowledged confirmed denied
""")
SPEECH_STEMS = ("заяв", "сказа", "повідом", "сообщ", "наголос", "подчеркн", "підкресли", "зазнач",
                "отмети", "отметил", "додав", "добави", "написа", "попереди", "предупреди", "заклика",
                "призва", "пообіця", "пообеща")
_IRREGULAR_PAST = words("""
said told met went took made gave sought led held left thought brought kept spoke wrote came
became began won lost ran saw knew felt found sent spent stood understood meant paid sold
built fought taught caught bought drove rode rose fell flew grew threw drew broke chose froze
stole woke wore tore swore shook forgave forbade overcame undertook withdrew withheld upheld
struck hung sat lay laid bore beat bit hid slid sprang sang rang swam shot lit fled dealt
cast put hit cut quit shut spread bid
""")
_PRESENT_3SG = words("""
says tells wants calls meets urges asks thanks praises accuses criticizes warns stands remains
holds leads heads faces plans hopes needs seeks insists argues believes thinks knows sees
insists backs supports opposes rejects denies admits speaks writes tweets visits travels
addresses hosts chairs runs oversees serves represents continues expects intends vows
""")
_ADVERBS = words("""
also still now then once first again repeatedly recently previously already never often long
later himself herself itself reportedly allegedly just even further meanwhile however too
""")
_DAYS = words("monday tuesday wednesday thursday friday saturday sunday")
_PRONOUNS = words("he she it who which that they we i you")
_PLURAL_PRONOUNS = words("they we i you")
_PREPOSITIONS = words("""
by with to from of for against than on at about under over into onto toward towards between
among amid like unlike as after before without within behind beside besides including via
""")
# prepositions whose object a mention is; "as", "after", "before", "like", "than" also open
# clauses the mention is the subject of ("as President Biden said")
_OBJECT_PREPOSITIONS = _PREPOSITIONS - words("as after before like than")
_FUTURE_WORDS = frozenset(("expected", "due", "set", "scheduled", "slated", "poised", "going",
                           "planning", "preparing", "about"))
_DETERMINERS = words("the a an this that these those his her its their our")
# lower-case words after a coordinated subject that are not its verb ("Trump and Pompeo and
# ...", "Trump and Pompeo both ...")
_NOT_VERBS = _ADVERBS | _PREPOSITIONS | _DETERMINERS | words("and or but nor both who whom whose")
# conjunctions that open a clause setting the time of another event
_TEMPORAL = words("after when since before once until while whenever")


@dataclass(frozen=True, slots=True)
class Tense:
    """A clause's frame and the words that decided it (``verb`` is empty for ``bare``)."""

    frame: str
    verb: str = ""
    subject: bool = False  # the mention is the verb's subject (it acts or speaks)

    def describe(self) -> str:
        if self.frame == BARE:
            return "no verb: bare title"
        return f"{self.frame}: '{self.verb}'"


_NO_VERB = Tense(BARE)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


def _is_past_word(word: str, before: str) -> bool:
    if word in _IRREGULAR_PAST:
        return True
    return (len(word) > 4 and word.endswith("ed") and before not in _DETERMINERS)


def _with_aux(words: list[str], at: int) -> Tense | None:
    """A participle or bare form at ``at`` read with the auxiliaries just before it
    ("has been", "was expected", "will meet")."""
    chain = []
    j = at - 1
    while j >= 0 and len(chain) < 3 and (words[j] in _AUX or words[j] in ("be", "been", "being",
                                                                         "not", "n't", "have")
                                         or words[j] in _ADVERBS):
        chain.append(words[j])
        j -= 1
    finite = next((w for w in reversed(chain) if w in _AUX), None)
    if finite is None:
        return None
    frame = _AUX[finite]
    if finite == "had" or (frame == PAST and "have" in chain):
        frame = PAST_PERFECT
    return Tense(frame, " ".join([*reversed(chain), words[at]]))


def _classify_en(words: list[str], at: int, subject: bool) -> Tense | None:
    """The verb at ``at`` with its auxiliaries, or None when the word is no verb.
    ``subject``: the word directly follows its subject (so an -s form is a verb)."""
    word = words[at]
    before = words[at - 1] if at else ""
    if word in _AUX:
        follow = words[at + 1] if at + 1 < len(words) else ""
        if word == "had" or (_AUX[word] == PAST and follow == "have"):
            return Tense(PAST_PERFECT, f"{word} {follow}".strip())
        if word in ("is", "are", "was", "were") and follow in _FUTURE_WORDS:
            return Tense(CURRENT, f"{word} {follow}") if word in ("is", "are") else Tense(
                PAST, f"{word} {follow}")
        return Tense(_AUX[word], f"{word} {follow}".strip())
    aux = _with_aux(words, at)
    if aux is not None and (word.endswith(("ed", "en", "ing")) or word in _IRREGULAR_PAST
                            or word.isalpha()):
        return aux
    if _is_past_word(word, before):
        return Tense(REPORTING if word in _REPORTING else PAST, word)
    if word in _PRESENT_3SG or (subject and len(word) > 3 and word.endswith("s")
                                and not word.endswith(("ss", "us", "is", "'s", "’s"))):
        return Tense(CURRENT, word)
    if before in _PRONOUNS and len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return Tense(CURRENT, word)
    if (before in _PLURAL_PRONOUNS and word.isalpha() and len(word) > 2
            and word not in _ADVERBS and word not in _PREPOSITIONS and word not in _DETERMINERS):
        return Tense(CURRENT, word)
    return None


def _forward_en(words: list[str], raw: list[str], start: int, plural: bool = False) -> Tense | None:
    """The mention as subject: the verb right after it, past an apposition (", the South
    Carolina Republican who heads ...,"), a parenthesis ("(R)") or adverbs. ``plural``: the
    mention closes a coordinated subject ("Trump and Trade Representative Robert Lighthizer
    recognize"), whose present verb has no -s."""
    i = start
    if i < len(raw) and raw[i] in ("'s", "’s", "'", "’"):
        return None  # a genitive ("Obama's policy"): not the subject
    if i < len(raw) and raw[i] == "(":
        while i < len(raw) and raw[i] != ")" and i - start < 6:
            i += 1
        i += 1
    if i < len(raw) and raw[i] == ",":
        j = i + 1
        while j < len(raw) and raw[j] != "," and raw[j] not in _HARD and j - i < 14:
            if words[j] in ("who", "which") and j + 1 < len(raw):
                k = j + 1
                while k < len(raw) - 1 and k - j < 5 and (
                        words[k] in _ADVERBS or words[k] in _DAYS or words[k] == "on"):
                    k += 1  # "who just on Friday compared"
                relative = _classify_en(words, k, subject=True)
                if relative is not None:
                    return Tense(relative.frame, "who " + relative.verb, True)
            j += 1
        if j >= len(raw) or raw[j] != ",":
            return None
        i = j + 1
    while i < len(raw) and (words[i] in _ADVERBS or (words[i].endswith("ly") and len(words[i]) > 4)):
        i += 1
    if i >= len(raw) or raw[i] in _HARD or raw[i] == ",":
        return None
    found = _classify_en(words, i, subject=True)
    if (found is None and plural and raw[i][:1].islower() and raw[i].isalpha() and len(raw[i]) > 2
            and words[i] not in _NOT_VERBS):
        found = Tense(CURRENT, words[i])
    return Tense(found.frame, found.verb, True) if found else None


def _coordinated_subject(raw: list[str], first: int) -> bool:
    """Whether the mention starting at token ``first`` closes a coordinated subject that
    opens its clause: "Trump and Trade Representative Robert Lighthizer recognize", not "He
    met Merkel and President Macron yesterday" (an object)."""
    if first < 2 or raw[first - 1].lower() != "and":
        return False
    k = first - 2
    while k >= 0 and (raw[k][:1].isupper() or raw[k] == "."):
        k -= 1  # the first conjunct: a name ("President Trump", "Trump", "U.S.")
    if k == first - 2:
        return False
    return k < 0 or raw[k] in _HARD or raw[k] == "," or raw[k].lower() in ("both", "the")


def _backward_en(words: list[str], raw: list[str], end: int) -> Tense | None:
    """The mention as object or complement: the nearest verb before it in its clause."""
    i = end - 1
    while i >= 0 and words[i] in _DETERMINERS:
        i -= 1
    if i >= 0 and words[i] in ("of", "that"):
        return None  # "the policies of the Obama administration": no verb reaches it
    agent = i >= 1 and words[i] == "by"  # "indicted by special counsel Robert Mueller"
    steps = 0
    while i >= 0 and steps < _WINDOW and raw[i] not in _HARD and raw[i] != ",":
        if words[i] == "that" and steps:
            return None  # a verb before "that" governs the clause, not the mention
        found = _classify_en(words, i, subject=False)
        if found is not None:
            return Tense(found.frame, found.verb, agent) if agent else found
        i -= 1
        steps += 1
    return None


def _clause_words(text: str, start: int, end: int) -> tuple[list[str], list[str], int, int]:
    """Tokens of the clause holding ``text[start:end]`` (quote-aware), lower-cased and raw,
    and the token positions where the mention starts and ends."""
    base = max(0, start - _REACH)  # a clause never needs more than this either side
    tokens = _tokens(text[base:end + _REACH])
    start, end = start - base, end - base
    first = next((k for k, t in enumerate(tokens) if t[2] > start), len(tokens))
    last = next((k for k, t in enumerate(tokens) if t[1] >= end), len(tokens))
    lo = first
    while lo > 0 and tokens[lo - 1][0] not in _HARD and first - lo < 40:
        lo -= 1
    hi = last
    while hi < len(tokens) and tokens[hi][0] not in _HARD and hi - last < 40:
        hi += 1
    raw = [t[0] for t in tokens[lo:hi]]
    return [w.lower() for w in raw], raw, first - lo, last - lo


def clause_tense(text: str, start: int, end: int) -> Tense:
    """The frame of the clause in which ``text[start:end]`` (a mention) stands."""
    if _CYRILLIC.search(text[max(0, start - 150):end + 150]):
        return _slavic_tense(text, start, end)
    words, raw, first, last = _clause_words(text, start, end)
    genitive = text[end:end + 1] in ("'", "’")  # "President Trump’s actions": not a subject
    # "the allegations against Vice President Biden are ...": the object of a preposition
    # is not the subject of the verb after it
    governed = first > 0 and words[first - 1] in _OBJECT_PREPOSITIONS
    plural = _coordinated_subject(raw, first)
    if (first and not genitive and words[first - 1] in SPEECH_VERBS
            and (first == 1 or raw[first - 2] in _HARD or raw[first - 2] == ",")):
        # '"...," said Secretary of State Mike Pompeo': a quote's speaker after the verb
        return Tense(REPORTING, words[first - 1], True)
    found = (None if genitive or governed else _forward_en(words, raw, last, plural)) or _backward_en(
        words, raw, first)
    if found is not None and found.frame == REPORTING and first and words[first - 1] in _TEMPORAL:
        # "After President George W. Bush declared ...": a clause that places another event
        # after (or when, since) the statement narrates it; it is not the day's news
        return Tense(PAST, f"{words[first - 1]} ... {found.verb}", found.subject)
    return found or _NO_VERB



# a sentence ends at . ! ? … after a lower-case letter, a digit or a closing quote or
# bracket, before white space ("U.S. President" goes on)
_SENTENCE_END = re.compile(r"(?<=[a-zа-яіїєґё0-9\"”»)'’][.!?…])\s+")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Where each sentence of ``text`` starts and ends: a retrospective cue is looked for only
    inside a mention's own sentence (eras), a bare surname and an age are read in theirs, and
    ``narrated_in_past`` reads the sentence of a count of years."""
    bounds, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return bounds


def sentence_of(bounds: list[tuple[int, int]], position: int) -> tuple[int, int]:
    """The bounds (from ``sentence_bounds``) of the sentence holding ``position``."""
    for start, end in bounds:
        if start <= position <= end:
            return start, end
    return 0, bounds[-1][1]


def narrated_in_past(text: str, start: int, end: int) -> bool:
    """Whether the sentence around ``text[start:end]`` narrates in the past: any past verb
    in it (English), or the clause's verb (Ukrainian, Russian). Used for phrases that date
    the writing only when told in the present ("troops remain, 18 years after the 2001
    invasion"); a sentence with any past verb may be history told later ("troops remained
    ..."), and a miss there costs less than a false flag. A closing attribution ("..., the
    board said.") is the report of the sentence, not its narration, and is left out."""
    lo, hi = sentence_of(sentence_bounds(text), start)
    if _CYRILLIC.search(text, lo, hi):
        return clause_tense(text, start, end).frame in (PAST, PAST_PERFECT, REPORTING)
    tail = text[end:hi]
    attribution = _ATTRIBUTION.search(tail)
    if attribution:
        tail = tail[:attribution.start()]
    for part in (text[lo:start], tail):
        raw = [t[0] for t in _tokens(part)]
        lowered = [w.lower() for w in raw]
        for i in range(len(lowered)):
            found = _classify_en(lowered, i, subject=False)
            if found is not None and found.frame in (PAST, PAST_PERFECT, REPORTING):
                return True
    return False


# a sentence's closing attribution: ", the board said.", ", said John Smith, a spokesman."
_SAYING = r"(?:said|says|told\s+[\w.’'-]+|added|wrote|stated|reported|announced|noted|explained)"
_ATTRIBUTION = re.compile(
    r",\s*(?:(?:[\w.’'-]+\s+){1,5}" + _SAYING + r"|" + _SAYING + r"\s+(?:[\w.’'-]+[\s,]*){1,8})"
    r"\W*$", re.IGNORECASE)


_RECENT = re.compile(
    # "today's Democratic Party" is the present day at large, not a day of news (as the
    # adjectives "сьогоднішній", "нынешний" are not matched either)
    r"\b(?:(?:yesterday|today|tonight)(?![’']s\b)|last\s+(?:week|month|night|weekend)|this\s+(?:week|month|"
    r"morning|weekend)|earlier\s+this\s+(?:week|month|year)|(?:on\s+)?(?:monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)|вчора|учора|сьогодні|минулого\s+тижня|"
    r"цього\s+тижня|минулий\s+тиждень|вчера|прошлую\s+неделю|сегодня|на\s+прошлой\s+неделе|на\s+этой\s+неделе|"
    r"(?:у|в)\s+(?:понеділок|вівторок|середу|четвер|п[’'ʼ]ятницю|суботу|неділю|понедельник|"
    r"вторник|среду|четверг|пятницу|субботу|воскресенье)|"
    # "hours before the summit", "за кілька годин до", "несколько часов назад": the same day
    r"(?:(?:a\s+few|several|just|only|mere|two|three|\d+)\s+)?hours\s+(?:before|after|earlier|later|ago)|"
    r"за\s+(?:кілька|декілька|лічені|пару|несколько|пару|считанные|\d+)\s+(?:годин\w*|часов|часа)\s+до|"
    r"(?:кілька|декілька|несколько)\s+(?:годин|часов)\s+(?:тому|назад))\b", re.IGNORECASE)


def recent_in_clause(text: str, start: int, end: int) -> bool:
    """Whether the clause of ``text[start:end]`` ties it to a day just before the writing
    ("last week", "on Friday", "вчора"): past narration of the day's news, not history."""
    lo, hi = _clause_span(text, start, end)
    return bool(_RECENT.search(text, lo, hi))


def recent_before(text: str, sentence_start: int) -> bool:
    """Whether a sentence of ``text`` before the one starting at ``sentence_start`` ties the
    paragraph to a day just before the writing ("On Friday, Trump said ... He answered
    questions at a joint news conference with Prime Minister Theresa May"): the paragraph
    tells that day. The caller has the mention's sentence already (``sentence_bounds``)."""
    return sentence_start > 0 and bool(_RECENT.search(text, 0, sentence_start))


def _clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Character bounds of the clause (quote-aware) around ``text[start:end]``."""
    lo = start
    while lo > 0 and text[lo - 1] not in _HARD and text[lo - 1] not in ".!?":
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] not in _HARD and text[hi] not in ".!?":
        hi += 1
    return lo, hi


_FUTURE = re.compile(
    r"\b(?:will|won[’']t|shall|going\s+to|expect(?:s|ed)?|due|scheduled|slated|set\s+to|"
    r"plans?|planned|planning|aims?|intends?|hopes?|wants?|prepar(?:e|es|ing)|ahead|upcoming|heading|"
    r"run-?up|"
    r"predict(?:s|ed)?|forecasts?|буде|будуть|планує|очікується|має\s+намір|будет|будут|"
    r"планирует|ожидается|намерен)\b", re.IGNORECASE)


def future_clause(text: str, start: int, end: int) -> Tense | None:
    """Whether the clause around ``text[start:end]`` (a year) speaks of it as still to come:
    a future or expectation word ("will", "is expected", "plans", "aims", "is due",
    "ahead") in a clause that is not narrated in the past; None otherwise."""
    lo, hi = _clause_span(text, start, end)
    found = _FUTURE.search(text, lo, hi)
    if found is None:
        return None
    tense = clause_tense(text, start, end)
    if tense.frame in (PAST, PAST_PERFECT, REPORTING) and not found.group(0).lower().startswith(
            ("will", "predict")):
        return None
    return Tense(CURRENT, found.group(0))


# --------------------------------------------------------------------------- Ukrainian, Russian

_SLAVIC_REPORTING = words("""
заявити сказати повідомити наголосити підкреслити зазначити додати написати попередити
закликати заявляти говорити зустрітися відвідати підписати прибути приїхати прилетіти
заявить сказать сообщить подчеркнуть отметить добавить написать предупредить призвать
заявлять говорить встретиться посетить подписать прибыть приехать прилететь
""")


@cache
def slavic_analysers() -> tuple[Any, Any] | None:
    """pymorphy3's Ukrainian and Russian analysers, or None where pymorphy3 or a dictionary is
    missing (then no Slavic verb is read). Loaded once a process, and only when a word is not
    in the knowledge cache: tests replace it to see whether the dictionaries were needed."""
    try:
        import pymorphy3
    except ImportError:
        return None
    try:
        return pymorphy3.MorphAnalyzer(lang="uk"), pymorphy3.MorphAnalyzer(lang="ru")
    except Exception:  # noqa: BLE001 - a missing dictionary package: no Slavic tenses
        return None


_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RU_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")


@cache
def verb_reading(word: str, ukrainian: bool) -> tuple[str, str] | None:
    """(tense, lemma) of a finite Ukrainian or Russian verb form, or None: what ``clause_tense``
    reads a Slavic clause's verbs by (public: tests check readings and their caching).
    Remembered between runs (see ``knowledge_cache``) under the analyser's and its
    dictionaries' versions and this module's source: loading the two dictionaries cost every
    run that meets a Ukrainian or Russian mention ~0.2 s, and a re-run over the same pages
    asks about the same words."""
    try:
        return remembered("slavic-verb", (_analyser_versions(), word, ukrainian),
                          lambda: _read_verb(word, ukrainian), _is_verb)
    except _NoAnalysers:  # nothing kept: a repaired install reads the word next time
        return None


class _NoAnalysers(Exception):
    """pymorphy3 or its dictionaries could not be loaded."""


@cache
def _analyser_versions() -> tuple[str, ...]:
    """What a word's reading depends on besides the word: pymorphy3 and its dictionaries
    (their installed versions, "" when missing) and this module's code."""
    from importlib import metadata

    versions = []
    for package in ("pymorphy3", "pymorphy3-dicts-uk", "pymorphy3-dicts-ru"):
        try:
            versions.append(metadata.version(package))
        except metadata.PackageNotFoundError:
            versions.append("")
    return (*versions, source_digest(__file__))


def _is_verb(value: object) -> bool:
    return value is None or (isinstance(value, tuple) and len(value) == 2
                             and all(isinstance(part, str) for part in value))


def _read_verb(word: str, ukrainian: bool) -> tuple[str, str] | None:
    analysers = slavic_analysers()
    if analysers is None:
        raise _NoAnalysers
    first, second = (analysers[0], analysers[1]) if ukrainian else (analysers[1], analysers[0])
    for analyser in (first, second):  # the letters may not tell the language apart
        parse = analyser.parse(word)
        if not parse:
            continue
        best = parse[0]
        if best.tag.POS == "VERB" and best.score >= 0.3 and analyser.word_is_known(word):
            return str(best.tag.tense or ""), best.normal_form
    return None


def _slavic_tense(text: str, start: int, end: int) -> Tense:
    words, raw, first, last = _clause_words(text, start, end)
    window = text[max(0, start - 200):end + 200]
    ukrainian = bool(_UK_ONLY.search(window)) or not _RU_ONLY.search(window)
    order = [k for k in range(last, min(len(raw), last + _WINDOW)) if raw[k] not in _HARD]
    order += [k for k in range(first - 1, max(-1, first - 1 - _WINDOW), -1)]
    for k in order:
        found = verb_reading(words[k], ukrainian)
        if found is None:
            continue
        tense, lemma = found
        # the verb after the mention, or right before it at the clause's start: "», — сказав
        # Помпео" (a quote's speaker follows the verb)
        subject = k >= last or (k == first - 1 and (k == 0 or raw[k - 1] in _HARD or raw[k - 1] == ","))
        if tense in ("pres", "futr"):
            return Tense(CURRENT, raw[k], subject)
        if tense == "past":
            before = " ".join(words[max(0, k - 4):k])
            perfect = _SLAVIC_PERFECT.search(before)
            if perfect:
                # "досі не ухвалила", "пока не приняла": the past form with "still not" is the
                # present perfect, a state at the time of writing; with "вже", "уже" it may
                # also be a pluperfect inside past narration ("на той момент вже підписав"),
                # so it counts only weakly there (not as the subject of a current clause)
                already = perfect.group(0).strip() in ("вже", "уже")
                return Tense(CURRENT, f"{perfect.group(0).strip()} {raw[k]}", subject and not already)
            return Tense(REPORTING if lemma in _SLAVIC_REPORTING else PAST, raw[k], subject)
    return _NO_VERB


_SLAVIC_PERFECT = re.compile(
    r"(?:^|\s)(?:досі\s+не|досі|ще\s+не|поки\s+що\s+не|поки\s+не|вже|уже|пока\s+не|"
    r"ещё\s+не|еще\s+не|до\s+сих\s+пор\s+не)$")
