"""A known person's age beside their name dates the text that gives it.

News gives a public figure's age as of the day it is written: "Trump, 72, said ...",
"President Paul Biya, 85, has ruled since 1982", "the 77-year-old Sanders", "Sen. Bernie
Sanders (I-Vt.), 77,", "72-річний Трамп", "72-летний Трамп", "Трампу 72 роки". With the
person's birth date, "Name, 72," can only have been written between their 72nd and 73rd
birthdays: a paragraph of 2018 naming "Trump, 72," pasted into a 2025 page is stale even
though Trump is president again in 2025.

Birth dates are data: ``[[people]]`` tables in ``dedupe_audit/data/births/*.toml`` and in any
era file the user passes (``--eras``), each with its ``source``. A person is matched to the
era facts by name (``person`` = a fact's holder without a member of Congress's state), whose
``names`` and office titles recognise the mention; an entry may carry its own ``names`` (and
``titles``) for someone the era data does not know. A bad entry raises ``EraDataError``
naming the file, the line and the entry.

What is not an age: a year ("Trump, 2016,"), numbers in a row ("Trump, 45, 47"), a count
("Ryan, 48 percent"), another person's age ("Fred Trump, 93," is not Donald's; "Trump's son,
12," never matches), a poll or a score in the sentence, an age outside the person's public
life. What is retrospective: "then 70", "then-70-year-old", "at the time", or a year in the
sentence before the age's window ("In 2016, Trump, 70, won"). The tense does not matter: the
age is the writer's own description of the day, like an apposition.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..model import EraMarker
from ..rules.datafiles import data_folder, parse_toml, read_user_file
from ..rules.literals import Screened, required_literals_of
from ..rules.saferegex import (
    IGNORECASE,
    LazyPattern,
    SafePattern,
    compile_rule,
    is_shipped,
    line_of,
    located,
)
from .eras import EraDataError, EraRegistry
from .surnames import NOT_SURNAMES, person_of
from .tense import sentence_bounds, sentence_of

_PERSON_KEYS = {"person", "born", "source", "names", "titles"}
# writers often keep an age for a while after a birthday (a profile not yet updated) and a
# page may be dated by when it was scraped, days after it was written: the window is widened
# by this much on each side before it decides anything (the marker still shows the exact one)
GRACE_BEFORE = timedelta(days=7)
GRACE_AFTER = timedelta(days=45)
MIN_AGE, MAX_AGE = 20, 105
# an age earlier than this many years before the person's first known office is not one
# news of them gives ("Trump (45)" is the 45th president, not Trump at 45 in 1991)
CAREER_LEAD_YEARS = 15
# a name may carry a party-and-state tag before the age: "Sanders (I-Vt.), 77,",
# "Nancy Pelosi, D-Calif., 78,"
_TAG = (r"(?:\s*\((?:[RDI]|[RDI]-[A-Z][\w.]{0,14}(?:\s[A-Z][\w.]{0,10})?)\)"
        r"|,\s*[RDI]-[A-Z][\w.]{0,14}(?:\s[A-Z][\w.]{0,10})?)?")
_HONORIFIC = r"(?:(?:Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Sir|Dame|пан|пані|господин|госпожа)\s+)?"
_YEARS_WORD = r"(?:рік|роки|років|год|года|лет)"
# a cheap first look: most paragraphs hold no age shape at all
# where an age may stand: a two-digit number and what follows it ("72," "72)" "72-year-old"
# "72-річний" "72 роки"); one digit-led pattern lets ``re`` skip quickly to candidates, and
# what stands before the number is checked on the few it finds (see ``_windows``)
_AGE_SHAPE = re.compile(rf"[0-9][0-9](?:(?P<old>[-\s](?:year[-\s]old|річн|летн|Year[-\s]Old))"
                        rf"|(?P<dative>\s+{_YEARS_WORD}(?!\w))|\s*[,;—–)])")
_BEFORE_AGE = re.compile(r"(?:,\s*(?:aged\s+)?|\()$")
_WHO_AGE = re.compile(r"who\s+(?:is|turns|turned)\s+[0-9][0-9](?![0-9])")  # "Trump, who turns 73"
_REACH = 160  # characters between an age and the start or end of its name and title
# the sentence counts or polls: the number beside the name is a share or a score
_COUNT = re.compile(r"%|\b(?:percent|per\s+cent|polls?|polling|points|відсот\w*|процент\w*|"
                    r"опитуван\w*|опрос\w*)\b", re.IGNORECASE)
# the sentence tells of an earlier time
_HISTORY = re.compile(r"\b(?:at\s+the\s+time|back\s+then|тоді|тогда|на\s+той\s+час|"
                      r"на\s+тот\s+момент)\b", re.IGNORECASE)
# "then" before the age or the title it follows ("then-70-year-old", "Then-President Donald
# Trump, 72,", "тодішній 64-річний Путін"); "former" is no such word: "former President Barack
# Obama, 57," gives his age on the day of writing
_THEN_BEFORE = re.compile(r"(?:\bthen|тодішн\w*|тогдашн\w*|тоді|тогда)[\s-]+(?:[\w.]+[\s-]+){0,3}$|"
                          r"\bthen-?$", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# words that may stand before a bare surname without naming another person ("But Trump,
# 72, said"); any other capitalised word is read as a first name ("Fred Trump, 93,")
_FREE_BEFORE = frozenset((
    "the", "but", "and", "or", "so", "when", "while", "as", "if", "after", "before", "now",
    "still", "yet", "also", "even", "meanwhile", "then", "though", "although", "because",
    "since", "with", "for", "by", "of", "to", "from", "at", "in", "on", "said", "says",
    "mr", "mrs", "ms", "dr", "sir", "dame", "а", "і", "й", "та", "але", "и", "но", "однак",
    "однако", "пан", "пані", "господин", "госпожа", "що", "что", "як", "как",
))
_SINCE = re.compile(r"(?:\bsince|\bfrom|\bз|\bіз|\bвід|\bс|\bсо|\bот)\s+(?:(?:the|early|late|mid-?)\s+)?$",
                    re.IGNORECASE)
# words opening a clause of its own between the age and a year
_OWN_CLAUSE = re.compile(r"\b(?:who|whose|which|that|after|when|before|який|яка|які|що|коли|"
                         r"котор\w*|что|когда|после)\b", re.IGNORECASE)
_NUMBERED = re.compile(r"\(\d{1,3}\)")
_WORD_BEFORE = re.compile(r"([\w’'.-]+)\s+$")


@dataclass(frozen=True, slots=True)
class Person:
    """One person whose age in a text dates it."""

    person: str
    born: date
    source: str  # where the birth date can be checked
    pattern: SafePattern | LazyPattern
    # the surname alone names them ("Trump, 72,"): not for members of Congress (surnames
    # repeat in a chamber) nor for a surname two known people share
    bare: bool
    known_since: date | None  # start of their first known office (None: no era fact)
    # the names alone, what the literal screen reads (the full pattern's titles cost seconds
    # to read for ~1,000 people; the 2-digit number is ``_AGE_SHAPE``'s to find)
    screen_text: str = ""


@dataclass(frozen=True, slots=True)
class AgeHit:
    """An age beside a known person's name, with the window it dates the text to."""

    person: Person
    age: int
    phrase: str
    start: int  # span in the document
    end: int
    first: date  # the window with grace: [first, until)
    until: date
    marker: EraMarker


@dataclass
class AgeReader:
    """The people with a birth date and their screen (built on first use: most runs meet
    only a few paragraphs with an age shape)."""

    people: tuple[Person, ...]
    sources: tuple[str, ...]
    _screened: Screened[Person] | None = field(default=None, repr=False)

    def screened(self) -> Screened[Person]:
        """The people behind a literal screen of their names, built on first use."""
        if self._screened is None:
            needs = required_literals_of((p.screen_text, IGNORECASE, p.pattern.trusted) for p in self.people)
            self._screened = Screened(self.people, needs)
        return self._screened

    def find(self, text: str, offset: int = 0) -> tuple[list[AgeHit], list[str]]:
        """The ages in ``text`` that date it, and why others were read in retrospect;
        spans shifted by ``offset`` (the paragraph's start in its document)."""
        windows = _windows(text)
        if not windows:
            return [], []
        bounds: list[tuple[int, int]] | None = None
        hits: list[AgeHit] = []
        retro: list[str] = []
        seen: set[tuple[int, int, str]] = set()
        screened = self.screened()
        for start, end in windows:
            for person in screened.for_text(text[start:end]):
                for match in person.pattern.finditer(text, start, end):
                    if (match.start(), match.end(), person.person) in seen:
                        continue
                    seen.add((match.start(), match.end(), person.person))
                    bounds = bounds or sentence_bounds(text)
                    found = _read(person, match, text, bounds, offset)
                    if isinstance(found, str):
                        retro.append(found)
                    elif found is not None:
                        hits.append(found)
        hits.sort(key=lambda h: (h.start, h.person.person))
        return hits, retro


# --------------------------------------------------------------------------- reading


def _windows(text: str) -> list[tuple[int, int]]:
    """Where an age with its name may stand: beside each age-shaped number, on the side its
    name is on, merged. A person's pattern (the titles of every office they
    held: thousands of characters) runs only there, not over the whole paragraph."""
    spans = []
    for found in _AGE_SHAPE.finditer(text):
        start, end = found.span()
        if start and text[start - 1].isdigit():
            continue  # a longer number ("2018,")
        if found.group("old"):  # the name follows ("72-year-old Trump") or precedes ("Trump,
            # the 72-year-old president,")
            spans.append((max(0, start - _REACH), min(len(text), end + _REACH)))
        elif found.group("dative") or _BEFORE_AGE.search(text, max(0, start - 12), start):
            spans.append((max(0, start - _REACH), end))
    if "who " in text:
        spans += [(max(0, m.start() - _REACH), m.end()) for m in _WHO_AGE.finditer(text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def birthday(born: date, age: int) -> date:
    """The day ``born`` turns ``age`` (29 February: 1 March in a common year)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)


def _group(match: re.Match[str], *names: str) -> tuple[str | None, int]:
    """The first of the named groups that took part in the match, and where it starts (each
    shape of ``age_pattern`` has its own age and name groups)."""
    for name in names:
        if match.group(name) is not None:
            return match.group(name), match.start(name)
    return None, -1


def _read(person: Person, match: re.Match[str], text: str, bounds: list[tuple[int, int]],
          offset: int) -> AgeHit | str | None:
    """The hit one match gives, why it is retrospective, or None when it is no age."""
    age_text, _ = _group(match, "a1", "a2", "a3", "a4", "a5", "a6", "a7")
    name, name_at = _group(match, "n1", "n2", "n3")
    title = match.group("t1") or match.group("t2")
    if age_text is None or name is None or not name[:1].isupper():
        return None
    age = int(age_text)
    if not MIN_AGE <= age <= MAX_AGE:
        return None
    if match.group("n3") is not None and not name.endswith(("у", "ю")):
        return None  # "Трампу 72 роки": the dative; "Путін 20 років" is a span of time
    if not title and not _names_this_person(person, name, text, name_at):
        return None
    first, until = birthday(person.born, age), birthday(person.born, age + 1)
    if person.known_since is not None and until.year < person.known_since.year - CAREER_LEAD_YEARS:
        return None
    sentence = sentence_of(bounds, match.start())
    said = text[sentence[0]:sentence[1]]
    if _COUNT.search(said):
        return None
    if match.group("a4") is not None and len(_NUMBERED.findall(said)) > 1:
        return None  # "Obama (44), Trump (45) and Biden (46)": numbered, not aged
    phrase = match.group(0)
    if _THEN_BEFORE.search(text[max(sentence[0], match.start() - 40):match.start()]):
        return f"'{phrase}' (an age of the past: 'then')"
    history = _HISTORY.search(said)
    if history:
        return f"'{phrase}' (an age of the past: '{history.group(0)}')"
    earlier = _framing_year(said, match.end() - sentence[0], first.year)
    if earlier:
        return f"'{phrase}' (an age of the past: the sentence names {earlier})"
    fact = (f"age {age} of {person.person} (born {person.born.isoformat()}, {person.source}): "
            f"written {first.isoformat()}..{until.isoformat()}")
    marker = EraMarker(phrase, match.start() + offset, match.end() + offset, fact,
                       first.isoformat(), until.isoformat(), "age", "the writer's description: an age")
    return AgeHit(person, age, phrase, match.start() + offset, match.end() + offset,
                  first - GRACE_BEFORE, until + GRACE_AFTER, marker)


def _framing_year(sentence: str, end: int, year: int) -> str | None:
    """A year the age was reached in or before that frames the sentence ("In 2016, Trump,
    70, won"; "Trump, 70, won in 2016"): the age is of that time, not the writer's day. A
    year that starts a state still running ("has ruled since 1982", "з 2014 року") or sits
    in a clause of its own after the name ("Trump, 72, who won in 2016,") frames nothing."""
    for found in _YEAR.finditer(sentence):
        if int(found.group(0)) > year or _SINCE.search(sentence, max(0, found.start() - 14), found.start()):
            continue
        if found.start() >= end and _OWN_CLAUSE.search(sentence, end, found.start()):
            continue
        return found.group(0)
    return None


def _names_this_person(person: Person, name: str, text: str, at: int) -> bool:
    """An untitled name is this person unless it is a bare surname the person does not
    answer to alone, or another first name stands before it ("Melania Trump, 48,")."""
    if len(name.split()) > 1:
        return True
    if not person.bare or name.lower() in NOT_SURNAMES:
        return False
    before = _WORD_BEFORE.search(text, max(0, at - 40), at)
    if before is None or text[before.end():at].count("\n"):
        return True
    word = before.group(1)
    if not word[:1].isupper() or word.rstrip(".,").lower() in _FREE_BEFORE:
        return True
    # a capitalised word right before: a first name (another person) unless it ends a
    # sentence ("... said. Trump, 72, ...")
    return word.endswith((".", "!", "?"))


# --------------------------------------------------------------------------- loading


def _alternation(patterns: Sequence[str]) -> str:
    return "|".join(f"(?:{p})" for p in dict.fromkeys(patterns))


def age_pattern(names: Sequence[str], titles: Sequence[str]) -> str:
    """The three shapes of an age beside a name: before it ("72-year-old President Trump",
    "72-річний Трамп"), after it ("Trump, 72,", "Sanders (I-Vt.), 77,", "Biya (85)", "Trump,
    aged 72,", "Trump, who turns 73 on Friday,", "Sanders, the 77-year-old Vermont senator,")
    and the Ukrainian/Russian dative ("Трампу
    72 роки", "Путину исполнилось 66 лет")."""
    n = _alternation(names)
    t = _alternation([t.replace(r"\s+", r"[\s-]+") for t in titles]) if titles else r"(?!)"

    def titled(group: str) -> str:
        return rf"(?:(?P<{group}>{t})\s+{_HONORIFIC}|{_HONORIFIC})"

    before = (rf"(?:(?P<a1>\d\d)[-\s]year[-\s]old|(?P<a2>\d\d)-(?:річн|летн)\w*)\s+"
              rf"{titled('t1')}(?P<n1>{n})(?!\w)")
    after = (rf"{titled('t2')}(?P<n2>{n})(?![\w’'-]){_TAG}"
             rf"(?:,\s*(?:aged\s+)?(?P<a3>\d\d)\s*[,;—–]|\s*\((?P<a4>\d\d)\)"
             rf"|,\s+who\s+(?:is|turns|turned)\s+(?P<a6>\d\d)(?:\s+years?\s+old)?(?![\w%.,]\w)"
             rf"|,\s+(?:the|a)\s+(?P<a7>\d\d)[-\s]year[-\s]old(?!\w))"
             rf"(?!\s*\d)")
    dative = (rf"(?P<n3>{n})\s+(?:(?:вже|уже|зараз|сейчас|виповнилося|исполнилось)\s+)?"
              rf"(?P<a5>\d\d)\s+{_YEARS_WORD}(?!\w)(?!\s+(?:тому|назад|поспіль|подряд))")
    return rf"(?<![\w-])(?:{before}|{after}|{dative})"


def _fail(source: str, entry: str, problem: str) -> EraDataError:
    return EraDataError(f"{source}: person {entry!r}: {problem}", source, entry)


def _born(value: object, source: str, entry: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise _fail(source, entry, f"born {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def _list(raw: dict, key: str, source: str, entry: str) -> list[str]:
    values = raw.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise _fail(source, entry, f"{key} must be a list of regexes")
    for value in values:
        try:
            compile_rule(value, IGNORECASE, rule=entry, source=source)
        except ValueError as exc:
            raise _fail(source, entry, str(exc)) from exc
    return values


def _entries(texts: dict[str, str]) -> dict[str, tuple[dict, str]]:
    """``[[people]]`` tables of every file, later files replacing a person of the same name."""
    out: dict[str, tuple[dict, str]] = {}
    for source, text in texts.items():
        data = parse_toml(text, source, EraDataError)
        people = data.get("people", [])
        if not isinstance(people, list):
            raise EraDataError(f"{source}: [[people]] must be an array of tables")
        for index, raw in enumerate(people):
            entry = raw.get("person", f"people[{index}]") if isinstance(raw, dict) else f"people[{index}]"
            if not isinstance(raw, dict):
                raise _fail(source, str(entry), "must be a table")
            unknown = set(raw) - _PERSON_KEYS
            if unknown:
                raise _fail(source, str(entry), f"unknown keys {sorted(unknown)}")
            for key in ("person", "born", "source"):
                if key not in raw or raw[key] in ("", None):
                    raise _fail(source, str(entry), f"missing {key}")
            if not isinstance(raw["person"], str) or not isinstance(raw["source"], str):
                raise _fail(source, str(entry), "person and source must be strings")
            out[raw["person"]] = (raw, source)
    return out


def _person(raw: dict, source: str, registry: EraRegistry, by_person: dict[str, list],
            surname_count: dict[str, int]) -> Person:
    entry = raw["person"]
    born = _born(raw["born"], source, entry)
    if not date(1850, 1, 1) <= born <= date.today():
        raise _fail(source, entry, f"born {born} is not a plausible birth date")
    facts = by_person.get(entry, [])
    own_names = _list(raw, "names", source, entry)
    own_titles = _list(raw, "titles", source, entry)
    if not facts and not own_names:
        raise _fail(source, entry, "names no era fact's holder (add names = [...] to recognise them)")
    names = own_names + [n for f in facts for n in f.names]
    titles = own_titles + [t for f in facts for t in f.titles]
    congress = any(f.office in ("us-senator", "us-representative") for f in facts)
    surname = entry.split()[-1].lower()
    bare = not congress and surname_count.get(surname, 0) <= 1
    text = age_pattern(names, titles)
    if is_shipped(source):
        pattern: SafePattern | LazyPattern = LazyPattern(text, IGNORECASE, entry, source)
    else:
        try:
            pattern = compile_rule(text, IGNORECASE, rule=entry, source=source)
        except ValueError as exc:
            raise _fail(source, entry, str(exc)) from exc
    since = min((t.start for f in facts for t in f.terms), default=None)
    return Person(entry, born, raw["source"], pattern, bare, since, _alternation(names))


def load_ages(registry: EraRegistry) -> AgeReader:
    """The shipped birth dates (``data/births/``) and the ``[[people]]`` of the user's era
    files (the registry's sources outside the package), matched to the registry's facts."""
    texts = {f"dedupe_audit/data/{name}": text for name, text in data_folder("births")}
    for source in registry.sources:
        if not is_shipped(source):
            texts[source] = read_user_file(source, EraDataError, "era")
    try:
        return _load(texts, registry)
    except EraDataError as err:
        found = texts.get(err.source or "")
        line = line_of(found, f'"{err.entry}"', f"'{err.entry}'") if found else None
        if line and err.source:
            raise EraDataError(str(err).replace(f"{err.source}:", f"{located(err.source, line)}:", 1),
                               err.source, err.entry) from err
        raise


def _load(texts: dict[str, str], registry: EraRegistry) -> AgeReader:
    by_person: dict[str, list] = {}
    for fact in registry.facts:
        if fact.names:
            by_person.setdefault(person_of(fact.holder), []).append(fact)
    entries = _entries(texts)
    surname_count: dict[str, int] = {}
    for person in set(by_person) | set(entries):
        surname = person.split()[-1].lower()
        surname_count[surname] = surname_count.get(surname, 0) + 1
    people = tuple(_person(raw, source, registry, by_person, surname_count)
                   for raw, source in entries.values())
    return AgeReader(people, tuple(texts))
