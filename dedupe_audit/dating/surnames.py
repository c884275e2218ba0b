"""Bare surnames that may refer back to a titled mention of an office holder.

News names a holder once with the title ("Secretary of State Mike Pompeo said ...") and
then by surname alone ("Pompeo said", "Gowdy noted", "Шольца", "Помпео заявив"). The era
data matches only the titled form, so without this every later paragraph of such a story
has no marker. This module only finds and folds surnames; which mention a surname refers
to (one known holder on the page with that surname, named before it) is decided in
``staleness``.

Ukrainian and Russian surnames decline ("Шольц", "Шольца", "Шольцем"; "Байден",
"Байдена"): ``surname_key`` folds a word to a stem by cutting one case ending, the same
way for the titled mention and for the bare surname, so both meet on one key. Cutting is
deliberately crude (a few endings, a stem of at least 3 letters kept): a key is only ever
compared with the keys of holders the page itself has named with a title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# case endings of Ukrainian and Russian nouns and adjectival surnames, longest first
_ENDINGS = ("ого", "ому", "ими", "ова", "ові", "еві", "ою", "ею", "ем", "ом", "ой", "ей",
            "ий", "ій", "им", "их", "ая", "а", "у", "ю", "е", "і", "и", "я", "ы")
_CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґЁё]")
# a capitalised word (a hyphenated double name stays one word); possessive endings apart
_CAPITALISED = re.compile(r"(?<![\w’'-])[A-ZА-ЯІЇЄҐЁ][\w’'-]*[\w]|(?<![\w’'-])[A-ZА-ЯІЇЄҐЁ]\w")
_POSSESSIVE = re.compile(r"[’']s?$")
# capitalised words that are dates far more often than names ("In May, ..." is not Theresa
# May): never read as a surname
NOT_SURNAMES = frozenset((
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
))
# what may stand between a capitalised word and a surname without naming another person
_HONORIFICS = frozenset((
    "mr", "mrs", "ms", "dr", "sir", "пан", "пані", "господин", "госпожа", "the", "then", "but",
    "and", "so", "when", "while", "as", "if", "after", "before", "now", "still", "yet", "also",
    "in", "on", "at", "for", "with", "meanwhile", "however", "instead", "later", "earlier", "і",
    "й", "и", "а", "але", "но", "тоді", "тогда", "коли", "когда", "також", "также",
))
_BEFORE = re.compile(r"([A-ZА-ЯІЇЄҐЁ][\w’'.-]*)\s+$")


def surname_key(word: str) -> str:
    """The form a surname is compared in: case-folded, without accents or an English
    possessive ("Pompeo's" -> "pompeo", "Kitarović" -> "kitarovic"), and for a Cyrillic
    word without one case ending ("Шольцем" -> "шольц")."""
    word = _POSSESSIVE.sub("", word).casefold()
    if _CYRILLIC.search(word):
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[: -len(ending)]
        return word
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def person_of(holder: str) -> str:
    """The holder's name without the state a member of Congress is listed with
    ("Trey Gowdy (SC)" -> "Trey Gowdy")."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", holder).strip()


def holder_keys(holder: str, phrase: str) -> frozenset[str]:
    """The keys a titled mention offers to later surnames: the holder's last name in the
    data ("Mike Pompeo" -> "pompeo"), and the name as the mention spells it in its own
    language, which is the last capitalised word of a "title + name" phrase ("Канцлер Олаф
    Шольц" -> "шольц", "адміністрація Байдена" -> "байден") or of the part before the
    comma of a "name, the title" one ("Stephen Hadley, the adviser" -> "hadley", never the
    first name)."""
    keys = {surname_key(person_of(holder).split()[-1])} if holder.strip() else set()
    name_part = phrase.split(",")[0] if "," in phrase else phrase
    words = [m.group(0) for m in _CAPITALISED.finditer(name_part)]
    if words:
        keys.add(surname_key(words[-1]))
    return frozenset(k for k in keys if len(k) >= 3)


def other_person_before(text: str, start: int, person: str) -> bool:
    """Whether the word right before a surname at ``start`` is a capitalised word that is
    not part of ``person``'s name, an honorific or a word that opens sentences: "Bernie Sanders" is not "Sarah
    Sanders", "Mike Pompeo" and "Mr. Pompeo" are Pompeo."""
    found = _BEFORE.search(text, max(0, start - 40), start)
    if found is None:
        return False
    word = found.group(1)
    if word.rstrip(".").casefold() in _HONORIFICS:
        return False
    return surname_key(word.rstrip(".")) not in {surname_key(w) for w in person.split()}


def capitalised_words(text: str, starts: frozenset[str] | None = None
                      ) -> Iterator[tuple[str, int, int]]:
    """Each capitalised word of ``text`` with its key and span (offsets into ``text``);
    ``starts``: when given, only words whose first three letters (case-folded, accents
    kept) are among them (a cheap test before folding the word)."""
    for match in _CAPITALISED.finditer(text):
        word = match.group(0)
        if starts is None or word[:3].casefold() in starts:
            yield surname_key(word), match.start(), match.end()


def key_starts(keys: frozenset[str]) -> frozenset[str]:
    """The first three letters of each key, for ``capitalised_words``; a key with letters
    that lost an accent in folding ("kitarovic") starts as the written word may ("kit")."""
    return frozenset(k[:3] for k in keys)
