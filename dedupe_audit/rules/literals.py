"""Cheap pre-checks for big rule sets: the words a regex cannot match without.

Why: matching dozens of name patterns ("(?:Joe\\s+)?Biden", "Байден\\w*") against every
paragraph of a large corpus is slow in ``re``, yet almost every paragraph names none of
them. Each pattern alternative needs some literal word start ("biden", "байден"), so a
paragraph none of whose words begins with one of those literals cannot match at all. We
read the literals from the parsed pattern itself, so the knowledge stays in the data files.

Two screens: :class:`WordProbe` (words a match starts a word with) and
:class:`LiteralScreen` (substrings every match holds, with "and"/"or" between them, read by
:func:`required_literals`; it needs no word boundaries, so it also screens patterns like
``наступн\\w*\\s+20\\d\\d`` that may start inside a word).
"""

from __future__ import annotations

import marshal
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from re import _casefix  # type: ignore[attr-defined]
from typing import Generic, TypeVar

import ahocorasick  # C Aho-Corasick: one pass over a paragraph finds every screen key

try:  # Rust Aho-Corasick, faster when present (a dependency; pyahocorasick is the fallback)
    import ahocorasick_rs
except ImportError:  # pragma: no cover - the fallback is tested by switching it off
    ahocorasick_rs = None

from .knowledge_cache import enabled as cache_enabled
from .knowledge_cache import knowledge_digest, remembered

try:  # Python 3.11+ keeps the parser here
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older layouts
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

MIN_LITERAL = 3  # shorter literals would let almost every paragraph through
T = TypeVar("T")
U = TypeVar("U")
_WORD = re.compile(r"\w+")
_LITERAL = sre_constants.LITERAL
_BRANCH = sre_constants.BRANCH
_SUBPATTERN = sre_constants.SUBPATTERN
_AT = sre_constants.AT
_IN = sre_constants.IN
_CATEGORY = sre_constants.CATEGORY
_SPACE = sre_constants.CATEGORY_SPACE
_NOT_WORD = sre_constants.CATEGORY_NOT_WORD
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
_LOOKS = (sre_constants.ASSERT, sre_constants.ASSERT_NOT)


def _nonword_char(value: int) -> bool:
    char = chr(value)
    return not (char.isalnum() or char == "_")


def _is_separator(item: tuple) -> bool:
    """Matches only non-word characters (spaces, punctuation): what the probe splits words at."""
    op, arg = item
    if op in _REPEATS:
        return bool(arg[2]) and arg[0] > 0 and all(_is_separator(sub) for sub in arg[2])
    if op == _IN:
        return all(
            (kind == _LITERAL and _nonword_char(value))
            or (kind == _CATEGORY and value in (_SPACE, _NOT_WORD))
            for kind, value in arg
        )
    return op == _LITERAL and _nonword_char(arg)


def _letters(item: tuple) -> list[str] | None:
    """The word characters one item can match, if it is a literal or a small class of them."""
    op, arg = item
    if op == _LITERAL and not _nonword_char(arg):
        return [chr(arg)]
    if op == _IN and 0 < len(arg) <= 4 and all(k == _LITERAL and not _nonword_char(v) for k, v in arg):
        return [chr(v) for _, v in arg]
    return None


def _ends_in_separator(items: list) -> bool:
    """True when every way through the sequence ends with a separator (or is empty before one)."""
    if not items:
        return False
    op, arg = items[-1]
    if op == _BRANCH:
        return all(_ends_in_separator(list(branch)) for branch in arg[1])
    if op == _SUBPATTERN:
        return _ends_in_separator(list(arg[-1]))
    if op in _REPEATS and arg[0] == 0:  # optional tail: both with and without it
        return _ends_in_separator(list(arg[2])) and _ends_in_separator(items[:-1])
    return _is_separator(items[-1])


def _continue_word(prefixes: list[str], branches: list) -> set[str] | None:
    """Each prefix followed by each branch's leading letters, if all are long enough."""
    words: set[str] = set()
    for branch in branches:
        lead = [""]
        for item in branch:
            letters = _letters(item)
            if letters is None or len(lead) * len(letters) > 16:
                break
            lead = [head + letter for head in lead for letter in letters]
        for prefix in prefixes:
            for tail in lead:
                if len(prefix + tail) < MIN_LITERAL:
                    return None
                words.add((prefix + tail).casefold())
    return words


def _pick(candidates: list[list[str]]) -> list[str]:
    """The most telling literal: a capitalised one (a name) before a common word, then the longest."""
    return max(candidates, key=lambda words: (words[0][0].isupper(), len(words[0])))


def _required(items: list) -> set[str] | None:
    """Literals, one of which starts a word in every match of the parsed sequence ``items``
    (which itself starts at a word start), or None if none can be read."""
    if len(items) == 1 and items[0][0] == _BRANCH:
        found: set[str] = set()
        for branch in items[0][1][1]:
            part = _required(list(branch))
            if not part:
                return None
            found |= part
        return found
    literals: list[list[str]] = []  # mandatory words (with spelling variants) at a word start
    groups: list[set[str]] = []
    run: list[str] = []
    run_at_start = False
    word_start = True
    for item in [*items, None]:
        letters = _letters(item) if item is not None else None
        if letters is not None and len(run) * len(letters) <= 16:
            if not run:
                run_at_start, run = word_start, [""]
            run = [prefix + letter for prefix in run for letter in letters]
            word_start = False
            continue
        if item is not None and item[0] == _BRANCH:
            if run and run_at_start:  # a factored alternation continues the word: sa(?:id|ys)
                merged = _continue_word(run, item[1][1])
            elif not run and word_start:  # an inlined (?:a|b) group starting a word
                merged = _required([item])
            else:
                merged = None
            if merged:
                groups.append(merged)
        if run and run_at_start and len(run[0]) >= MIN_LITERAL:
            literals.append(run)
        run = []
        if item is None:
            break
        op, arg = item
        if op in _LOOKS or op == _AT:
            continue  # zero-width
        if _is_separator(item):
            word_start = True
        elif op in _REPEATS and arg[0] == 0:  # optional: absent, or present and ending in a separator
            word_start = word_start and _ends_in_separator(list(arg[2]))
        elif op == _BRANCH:
            word_start = all(_ends_in_separator(list(branch)) for branch in arg[1])
        elif op == _SUBPATTERN:
            inner = _required(list(arg[-1])) if word_start else None
            if inner:
                groups.append(inner)
            word_start = _ends_in_separator(list(arg[-1]))
        else:
            word_start = False
    if literals:
        return {word.casefold() for word in _pick(literals)}
    return groups[0] if groups else None


def required_words(pattern: str) -> set[str] | None:
    """Lower-case literals one of which starts a word in every match of ``pattern``.

    None when no such literal can be read (the pattern must then always be run).
    Remembered between runs by the pattern's text (``knowledge_cache``): the cue rules'
    patterns hold every outlet alias, and reading them cost every run ~0.03 s.
    """
    return remembered("words", (pattern,), lambda: _required_words(pattern), _is_words)


def _is_words(value: object) -> bool:
    return value is None or (type(value) is set and {type(word) for word in value} <= _TOKEN_TYPES)


def _required_words(pattern: str) -> set[str] | None:
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError):
        return None
    return _required(list(parsed))


class WordProbe:
    """Says quickly whether a text may match any of many patterns (never a false "no")."""

    def __init__(self, literals: Iterable[str]) -> None:
        self.by_head: dict[str, tuple[str, ...]] = {}
        grouped: dict[str, set[str]] = {}
        for literal in literals:
            grouped.setdefault(literal[:MIN_LITERAL], set()).add(literal)
        self.by_head = {head: tuple(sorted(group)) for head, group in grouped.items()}

    def may_match(self, text: str) -> bool:
        for word in _WORD.findall(text.casefold()):
            for literal in self.by_head.get(word[:MIN_LITERAL], ()):
                if word.startswith(literal):
                    return True
        return False

    def matching(self, text: str) -> set[str]:
        """The literals that begin some word of ``text``."""
        found: set[str] = set()
        for word in _WORD.findall(text.casefold()):
            for literal in self.by_head.get(word[:MIN_LITERAL], ()):
                if word.startswith(literal):
                    found.add(literal)
        return found


# A pattern's way of saying that every match starts at a word start: ``\b`` or ``(?<!\w)``
# before all else (a top-level alternation: before each branch)
_WORD_START_ITEMS = (
    (_AT, sre_constants.AT_BOUNDARY),
    (sre_constants.ASSERT_NOT, (-1, [(_IN, [(_CATEGORY, sre_constants.CATEGORY_WORD)])])),
)
Start = tuple[str, int, bool]  # a pattern as a word-start screen reads it: (text, flags, trusted)


def _starts_at_word(items: list) -> bool:
    r"""Whether every match of the parsed sequence starts where ``\b`` or ``(?<!\w)`` holds
    (what :func:`required_words` takes for granted of a pattern's start)."""
    if not items:
        return False
    first = items[0]
    if first[0] == _BRANCH:
        return all(_starts_at_word(list(b)) for b in first[1][1])
    if first[0] == _SUBPATTERN:
        return _starts_at_word(list(first[1][-1]))
    return (first[0], _plain(first[1])) in _WORD_START_ITEMS


def _plain(arg: object) -> object:
    r"""A parsed argument as plain tuples and lists (``SubPattern`` compares by identity)."""
    if isinstance(arg, tuple):
        return tuple(_plain(a) for a in arg)
    if isinstance(arg, list) or type(arg).__name__ == "SubPattern":
        return [_plain(a) for a in arg]
    return arg


@lru_cache(maxsize=16384)
def word_start_literals(pattern: str, flags: int = re.IGNORECASE, trusted: bool = True
                        ) -> frozenset[str] | None:
    r"""Folded literals one of which begins a word of the text (a position ``\w`` does not
    precede) in every match of ``pattern``; None when that cannot be relied on.

    Why: the substring screen (:class:`LiteralScreen`) lets "ban" through in "urban" and
    "wever" in "however", so an era fact of Ban Ki-moon or Bart De Wever ran its regex on
    one paragraph in five of a news corpus, finding nothing. Read by :func:`required_words`
    for shipped (`re`) patterns that start every match at a word start, with no flags beside
    IGNORECASE, and only when lower-casing and case folding agree on every character of the
    pattern and the literals are already folded (``fold``), so that the literal stands in
    ``fold(text)`` wherever a match does (":class:`LiteralScreen`: never a false no").
    Remembered between runs by the pattern (``knowledge_cache``): parsing the ~1,800 era
    patterns a big corpus reaches cost a run ~2 s.
    """
    if not trusted or int(flags) & ~(re.IGNORECASE | re.UNICODE):
        return None
    return remembered("word-starts", (pattern, int(flags)),
                      lambda: _word_start_literals(pattern),
                      _is_word_starts)


def _is_word_starts(value: object) -> bool:
    return value is None or (type(value) is frozenset and {type(word) for word in value} <= _TOKEN_TYPES)


def _word_start_literals(pattern: str) -> frozenset[str] | None:
    if not pattern.isascii() and any(ch.casefold() != ch.lower() for ch in pattern):
        return None
    try:
        if not _starts_at_word(list(sre_parse.parse(pattern, re.IGNORECASE))):
            return None
    except (re.error, RecursionError, OverflowError):
        return None
    words = required_words(pattern)
    if not words or any(fold(word) != word or len(word) < MIN_LITERAL for word in words):
        return None
    return frozenset(words)


def _is_word_char(char: str) -> bool:
    r"""``\w`` of `re` on a str pattern: alphanumeric (``str.isalnum``) or the underscore."""
    return char.isalnum() or char == "_"


def starts_a_word(literal: str, folded: str, text: str) -> bool:
    r"""Whether ``literal`` stands in ``folded`` (``fold(text)``, one character for one) at a
    position where no word character of ``text`` precedes it."""
    at = folded.find(literal)
    while at >= 0:
        if at == 0 or not _is_word_char(text[at - 1]):
            return True
        at = folded.find(literal, at + 1)
    return False


# --------------------------------------------------------------------------- substrings

Need = frozenset[frozenset[str]]  # any one of these sets of tokens, every token of it present
DIGIT = r"\d"  # a token, not a literal: the text holds a decimal digit
NEWER = r"\p{Cn}"  # a token: the text holds a character this Python's Unicode tables lack
MAX_WAYS = 256  # ways kept per need: past it a need keeps fewer, weaker ways, or none
LONG_KEY = 4  # a literal this long keys its way before any shorter one (see _key_of_ways)
MAX_LITERAL = 40  # longer literals are cut: their start is needed as well, and tries stay small
_TRUE: Need = frozenset({frozenset()})  # no need: any text may match
_DIGITS = re.compile(r"\d")
_POSSESSIVE = getattr(sre_constants, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(sre_constants, "ATOMIC_GROUP", None)
_DIGIT_CLASS = [(_CATEGORY, sre_constants.CATEGORY_DIGIT)]
# Syntax the `regex` module (user rules) reads otherwise than `re`, whose parser we use:
# braces that are no repeat count ("{e<=1}" is fuzzy matching there) and POSIX classes.
_ENGINE_SPECIFIC = re.compile(r"\\\{|\{(?!\d+(?:,\d*)?\}|,\d+\})|\[[:=.]")


@lru_cache(maxsize=1)
def _unassigned() -> re.Pattern[str]:
    """Characters this Python's Unicode tables do not know. The `regex` module (user rules)
    may have newer tables giving one of them a case (U+1DF95 ~ "ß"), which ``fold``
    cannot know: a text holding one is run against every user pattern."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x110000):
        if unicodedata.category(chr(code)) == "Cn":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")


def _holds_newer(text: str) -> bool:
    return not text.isascii() and _unassigned().search(text) is not None


def _holds_digit(text: str) -> bool:
    return _DIGITS.search(text) is not None


_CLASSES = {DIGIT: _holds_digit, NEWER: _holds_newer}  # tokens no substring search finds
# A token for a run of digits of a fixed shape every match holds: "(?:19|20)\\d\\d" needs
# DIGIT_RUN + "[12][09]\\d\\d" (each place's digits, never narrower than the pattern's). A
# year rule then runs on the paragraphs that hold a year-like number, not on every one with
# a digit ("by 2020" among them: the rule's other words are too short to be literals).
DIGIT_RUN = "digits:"
MIN_DIGIT_RUN = 2  # one digit is DIGIT
_ANY_DIGIT = r"\d"
_ASCII_DIGITS = frozenset("0123456789")


def is_class(token: str) -> bool:
    """Whether a token is looked for by a test of the text, not found as a substring."""
    return token in _CLASSES or token.startswith(DIGIT_RUN)


@lru_cache(maxsize=256)
def _digit_run(shape: str) -> re.Pattern[str]:
    return re.compile(shape)


def class_check(token: str) -> Callable[[str], bool]:
    """The test of a class token (:data:`DIGIT`, :data:`NEWER`, a digit run) on a text."""
    check = _CLASSES.get(token)
    if check is not None:
        return check
    search = _digit_run(token[len(DIGIT_RUN):]).search
    return lambda text: search(text) is not None


def class_holds(token: str, text: str) -> bool:
    """Whether ``text`` holds a class token."""
    return class_check(token)(text)


Place = frozenset[str] | None  # the ASCII digits one place of a run may be; None: any digit


def _place_set(kind: int, value: object) -> Place | bool:
    """The digits one member of a character class stands for; False when not digits only."""
    if kind == _LITERAL and chr(value) in _ASCII_DIGITS:  # type: ignore[arg-type]
        return frozenset(chr(value))  # type: ignore[arg-type]
    if kind == _CATEGORY and value == sre_constants.CATEGORY_DIGIT:
        return None
    if kind == sre_constants.RANGE:
        low, high = value  # type: ignore[misc]
        chars = {chr(c) for c in range(low, high + 1)}
        return frozenset(chars) if chars <= _ASCII_DIGITS else False
    return False


def _union(a: Place, b: Place) -> Place:
    return None if a is None or b is None else a | b


def _digit_places(item: tuple) -> list[Place] | None:
    """The places of a fixed-width, digits-only item (a digit, ``\\d``, ``[0-3]``, ``(?:19|20)``,
    ``\\d{4}``), each as the digits it may be; None for any other item."""
    op, arg = item
    if op == _LITERAL:
        return [frozenset(chr(arg))] if chr(arg) in _ASCII_DIGITS else None
    if op == _IN:
        if not arg or arg[0][0] == sre_constants.NEGATE:
            return None
        place: Place = frozenset()
        for kind, value in arg:
            member = _place_set(kind, value)
            if member is False:
                return None
            place = _union(place, member)  # type: ignore[arg-type]
        return [place]
    if op == _SUBPATTERN:
        return _sequence_places(list(arg[-1]))
    if op == _BRANCH:
        ways = [_sequence_places(list(branch)) for branch in arg[1]]
        if not ways or any(w is None or len(w) != len(ways[0]) for w in ways):  # type: ignore[arg-type]
            return None
        return [_union_all(column) for column in zip(*ways, strict=True)]  # type: ignore[misc]
    if op in _REPEATS and arg[0] == arg[1] and 1 <= arg[0] <= 8:
        body = _sequence_places(list(arg[2]))
        return None if body is None else body * arg[0]
    return None


def _union_all(places: Iterable[Place]) -> Place:
    out: Place = frozenset()
    for place in places:
        out = _union(out, place)
    return out


def _sequence_places(items: list) -> list[Place] | None:
    places: list[Place] = []
    for item in items:
        more = _digit_places(item)
        if more is None:
            return None
        places.extend(more)
    return places or None


def _run_token(places: Sequence[Place]) -> str:
    """The token of a digit run: DIGIT_RUN and a regex of its places."""
    parts = []
    for place in places:
        if place is None or place == _ASCII_DIGITS:
            parts.append(_ANY_DIGIT)
        elif len(place) == 1:
            parts.append(next(iter(place)))
        else:
            parts.append("[" + "".join(sorted(place)) + "]")
    return DIGIT_RUN + "".join(parts)


def _fold_table() -> dict[int, int]:
    """Characters `re` matches to each other under IGNORECASE though lower-casing tells them
    apart ("ſ" ~ "s", "ı" ~ "i", Cyrillic "ᲂ" ~ "о"), each mapped to one of its class."""
    table = {}
    for code, others in _casefix._EXTRA_CASES.items():
        first = min(code, *others)
        if code != first:
            table[code] = first
    return table


_FOLD = _fold_table()
_FOLD_NEEDED = re.compile("[" + "".join(re.escape(chr(code)) for code in _FOLD) + "]")


@lru_cache(maxsize=8)
def fold(text: str) -> str:
    """``text`` as an IGNORECASE pattern sees it, one character for one: characters that
    `re` (and `regex`) match to each other fold alike ("İ" ~ "i", "ſ" ~ "s", "Σ" ~ "ς").
    Cached: the screens of one paragraph fold the same text."""
    if text.isascii():  # a flag lookup, not a scan
        return text.lower()
    lowered = text.replace("İ", "i").lower()  # "İ".lower() is two characters
    return lowered.translate(_FOLD) if _FOLD_NEEDED.search(lowered) else lowered


def _minimal(ways: set[frozenset[str]]) -> Need:
    """Drop the ways that hold another way entirely (the smaller one is met first)."""
    return frozenset(w for w in ways if not any(o < w for o in ways))


def _all(a: Need, b: Need) -> Need:
    """Both needs; if that has too many ways, the one with fewer (weaker, still true)."""
    if b == _TRUE:
        return a
    if a == _TRUE:
        return b
    ways = {x | y for x in a for y in b}
    if len(ways) > MAX_WAYS:
        return a if len(a) <= len(b) else b
    return _minimal(ways)


def _any(needs: Iterable[Need]) -> Need:
    ways: set[frozenset[str]] = set()
    for need in needs:
        if need == _TRUE:
            return _TRUE
        ways |= need
    return _minimal(ways) if len(ways) <= MAX_WAYS else _TRUE


def _item_need(item: tuple, digits: bool) -> Need:
    """What one parsed item (not a literal character) needs; zero-width items need nothing,
    nor does a run of digits (its sequence keeps it as a digit-run token)."""
    if digits:
        places = _digit_places(item)
        if places is not None and len(places) >= MIN_DIGIT_RUN:
            return _TRUE
    op, arg = item
    if op == _BRANCH:
        return _any(_sequence_need(list(branch), digits) for branch in arg[1])
    if op == _SUBPATTERN:
        return _sequence_need(list(arg[-1]), digits)
    if (op in _REPEATS or op == _POSSESSIVE) and arg[0] >= 1:
        return _sequence_need(list(arg[2]), digits)
    if op == _ATOMIC:
        return _sequence_need(list(arg), digits)
    if digits and op == _IN and list(arg) == _DIGIT_CLASS:
        return frozenset({frozenset({DIGIT})})
    return _TRUE


def _sequence_need(items: list, digits: bool) -> Need:
    """Runs of literal characters are substrings of every match; groups add their own; with
    ``digits``, so are runs of fixed-width digit items (a digit-run token)."""
    need, run = _TRUE, ""
    places: list[Place] = []
    for item in [*items, None]:
        more = _digit_places(item) if digits and item is not None else None
        if more is not None:
            places.extend(more)
        else:
            if len(places) >= MIN_DIGIT_RUN:
                need = _all(need, frozenset({frozenset({_run_token(places)})}))
            places = []
        if item is not None and item[0] == _LITERAL:
            run += chr(item[1])
            continue
        if len(run) >= MIN_LITERAL:
            need = _all(need, frozenset({frozenset({fold(run[:MAX_LITERAL])})}))
        run = ""
        if item is not None:
            need = _all(need, _item_need(item, digits))
    return need


@lru_cache(maxsize=16384)  # a pure function of its text; parsing ~1,300 era patterns costs seconds
def required_literals(pattern: str, flags: int = re.IGNORECASE, *, trusted: bool = True
                      ) -> Need | None:
    """:func:`read_literals`, remembered between runs by the pattern's text (see
    ``knowledge_cache``): reading the ~1,300 era patterns cost ~0.8 s on every start."""
    return remembered("literals", (pattern, int(flags), trusted),
                      lambda: read_literals(pattern, flags, trusted=trusted), _is_need)


class Needs(tuple):  # noqa: SLOT001 - a tuple of needs carrying what they were read from
    """The needs of many patterns, in their order, with ``digest``: a digest of the patterns
    (text, flags, trusted) they were read from, so a screen over them can be kept in the
    knowledge cache under it (see ``LiteralScreen``). A plain sequence of needs has none."""

    digest: bytes

    def __new__(cls, needs: Iterable[Need | None], digest: bytes) -> Needs:
        made = super().__new__(cls, needs)
        made.digest = digest
        return made

    def __reduce__(self) -> tuple[type[Needs], tuple[tuple[Need | None, ...], bytes]]:
        """Pickled with its digest (a worker process gets the same cached index)."""
        return (Needs, (tuple(self), self.digest))


def required_literals_of(patterns: Iterable[tuple[str, int, bool]]) -> Needs:
    """:func:`required_literals` of each (pattern, flags, trusted), read back from the cache
    as one entry: ~1,600 era patterns looked up one by one cost a run ~0.05 s."""
    given = tuple((pattern, int(flags), bool(trusted)) for pattern, flags, trusted in patterns)
    digest = knowledge_digest(*given)
    found = remembered("literals-of", (digest,),
                       lambda: [required_literals(p, f, trusted=t) for p, f, t in given],
                       lambda value: isinstance(value, list) and len(value) == len(given)
                       and all(_is_need(need) for need in value))
    return Needs(found, digest)


def _is_need(value: object) -> bool:
    """Whether a value read back from the cache has the shape of a need (or None)."""
    # the types asked for by set comprehensions: a run reads ~1,600 needs of ~110,000
    # literals back, and a generator per way cost it ~0.05 s
    return value is None or (type(value) is frozenset and {type(way) for way in value} <= _WAY_TYPES
                             and {type(t) for way in value for t in way} <= _TOKEN_TYPES)


_WAY_TYPES, _TOKEN_TYPES = frozenset({frozenset}), frozenset({str})


def read_literals(pattern: str, flags: int = re.IGNORECASE, *, trusted: bool = True
                  ) -> Need | None:
    """Ways a text can hold what every match of ``pattern`` holds: sets of folded literals
    (and :data:`DIGIT`), one of which the text holds entirely; None when nothing can be read.

    ``trusted`` patterns run on `re`, whose parser reads them here. Others run on the
    `regex` module: read only when written in syntax both read alike, never asking for a
    digit, and met by any text holding a character `regex` may know better (:data:`NEWER`).
    """
    if not trusted and _ENGINE_SPECIFIC.search(pattern):
        return None
    try:
        parsed = sre_parse.parse(pattern, flags & (re.IGNORECASE | re.ASCII))
        need = _sequence_need(list(parsed), digits=trusted)
    except (re.error, RecursionError, OverflowError):
        return None
    if need == _TRUE:
        return None
    # a digit run holds a digit: DIGIT beside one says nothing more
    need = _minimal({way - {DIGIT} if any(t.startswith(DIGIT_RUN) for t in way) else way
                     for way in need})
    return need if trusted else need | {frozenset({NEWER})}


def trie_pattern(words: Iterable[str]) -> str:
    """One pattern for many literals, written as a tree: `re` tries a flat alternation
    branch by branch at every position. At each position it matches the longest literal
    first, as a flat alternation sorted longest first does."""
    return trie_of_pieces([re.escape(char) for char in word] for word in words)


def trie_of_pieces(paths: Iterable[Sequence[str]], *, longest: bool = True) -> str:
    """One regex for "any of these sequences of regex pieces occurs", written as a tree with
    plain first pieces, which `re` scans for fast. ``longest``: a position matches the
    longest sequence (for callers that read the match); otherwise a sequence that starts
    with a shorter one is cut there, which is enough to know whether any occurs.
    Remembered between runs by the paths (``knowledge_cache``): the outlet aliases' trees
    (~1,500 aliases) are written on every start. The tree is the same in any order of the
    paths (each node's branches are sorted), so the key is the sorted distinct paths: a
    caller's set of words comes in another order in each process (string hashing), and an
    order-dependent key missed on every run and rewrote the whole cache file at exit."""
    given = tuple(sorted({tuple(path) for path in paths}))
    return remembered("trie", (given, longest), lambda: _trie_of_pieces(given, longest),
                      lambda value: isinstance(value, str))


def _trie_of_pieces(paths: Iterable[Sequence[str]], longest: bool) -> str:
    root: dict = {}
    for path in paths:
        node = root
        for piece in path:
            if not longest and "" in node:
                break
            node = node.setdefault(piece, {})
        else:
            if not longest:
                node.clear()
            node[""] = {}
    return _branches(root)


def _branches(node: dict) -> str:
    alternatives = [piece + _branches(child) for piece, child in sorted(node.items()) if piece]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    return f"(?:{body})?" if "" in node else body  # greedy: the longer sequence first


def _key_of_ways(needs: Sequence[Need | None]) -> dict[frozenset[str], str]:
    """The token each way is looked for by: a literal of :data:`LONG_KEY` letters or more
    (a surname such as "lynch", not a first-name fragment such as "ste", which runs through
    most paragraphs) before a shorter one, then the literal the fewest patterns need (a
    title such as "president" serves many, a name one), the longest of those; a digit last.
    Which token keys a way changes only how often its other tokens are checked, never
    whether it passes."""
    shared = Counter(token for need in needs for token in {t for way in need or () for t in way})
    # each token's place in that order, ranked once (the order is total: the token itself is
    # its last part), so a way's key is a min over integers: ~24,000 ways keyed in ~0.02 s
    ranked = sorted(shared, key=lambda t: (is_class(t), len(t) < LONG_KEY, shared[t], -len(t), t))
    rank = {token: place for place, token in enumerate(ranked)}.__getitem__
    return {way: min(way, key=rank) for need in needs for way in need or ()}


class _KeyFinder:
    """Every literal a folded text holds, from one Aho-Corasick pass with overlapping matches
    ("year" in "years"): a regex tree of ~2,400 keys cost `re` ~4x as much per paragraph and
    most of a second to compile; an automaton of all ~4,000 literals builds in milliseconds.
    ahocorasick_rs (Rust) hands back the matched strings in one call, about half the time of
    pyahocorasick's Python-level iterator; pyahocorasick answers alike without it."""

    def __init__(self, keys: set[str]) -> None:
        ordered = sorted(keys)
        if ahocorasick_rs is not None:
            self._rust = ahocorasick_rs.AhoCorasick(ordered, store_patterns=True)
            return
        self._rust = None
        self._automaton = ahocorasick.Automaton()
        for key in ordered:
            self._automaton.add_word(key, key)
        self._automaton.make_automaton()

    def found(self, folded: str) -> set[str]:
        if self._rust is not None:
            try:
                return set(self._rust.find_matches_as_strings(folded, overlapping=True))
            except UnicodeEncodeError:
                # a lone surrogate (scraped text has them) is no UTF-8 for Rust; no literal
                # holds one, so a stand-in character changes no match
                return set(self._rust.find_matches_as_strings(
                    _SURROGATE.sub("\ufffd", folded), overlapping=True))
        return {key for _, key in self._automaton.iter(folded)}


_SURROGATE = re.compile("[\ud800-\udfff]")


def key_finder(keys: set[str]) -> _KeyFinder | None:
    """The finder of ``keys`` (None for none)."""
    return _KeyFinder(keys) if keys else None


@dataclass(frozen=True, slots=True)
class _Index:
    """A screen's lookup tables, built from its needs on first use."""

    # per key: the patterns with a way it keys, and the way's other literals and classes
    by_key: dict[str, tuple[tuple[int, frozenset[str], tuple[str, ...]], ...]]
    keys: frozenset[str]  # the literals ways are looked up by
    literals: frozenset[str]  # every literal some way needs
    classes: tuple[tuple[str, Callable[[str], bool]], ...]  # class tokens ways are looked up by
    finder: _KeyFinder | None


# An index as the knowledge cache keeps it: (each key's ways marshalled on their own, keys,
# literals, class tokens); the class checks and the literal finder are rebuilt from it (a few
# milliseconds), a key's ways are decoded when a text first holds that key.
_PlainIndex = tuple[dict, frozenset, frozenset, tuple]


def _cached_index(needs: Sequence[Need | None], digest: bytes) -> _Index:
    """``_index_of(needs)`` for needs read from the patterns ``digest`` names, kept in the
    knowledge cache: building the joint screen of ~1,600 era facts and time rules cost every
    run ~0.1 s in Python. Read back whole, its ~24,000 ways (~190,000 objects) still cost a
    small run ~0.03 s of decoding for the few hundred keys its paragraphs hold, so each key's
    ways are kept as their own bytes and decoded when first looked up (``_WaysByKey``)."""
    if not cache_enabled():
        return _index_of(needs)

    def plain() -> _PlainIndex:
        index = _index_of(needs)
        packed = {key: marshal.dumps(ways) for key, ways in index.by_key.items()}
        return (packed, index.keys, index.literals, tuple(token for token, _ in index.classes))

    packed, keys, literals, classes = remembered("screen-index", (digest, len(needs)), plain, _is_plain_index)
    return _Index(by_key=_WaysByKey(packed, needs), keys=keys, literals=literals,
                  classes=tuple((token, class_check(token)) for token in classes),
                  finder=key_finder(set(literals)))


class _WaysByKey(dict):
    """``_Index.by_key`` read back from the cache: a key's ways are decoded from their bytes
    the first time a text holds the key, then kept. Looked up only with keys of the index (the
    literals and class tokens it names). Ways that cannot be decoded (a damaged entry) make
    the whole table be built afresh from the needs, once, as a screen without the cache does."""

    def __init__(self, packed: dict[str, bytes], needs: Sequence[Need | None]) -> None:
        super().__init__()
        self._packed = packed
        self._needs = needs  # what the table is built from when an entry is damaged

    def __missing__(self, key: str) -> tuple[tuple[int, frozenset[str], tuple[str, ...]], ...]:
        try:
            ways = marshal.loads(self._packed[key])
        except (ValueError, EOFError, TypeError):
            ways = None
        if not _are_ways(ways):
            self.update(_index_of(self._needs).by_key)  # a damaged entry: everything from the needs
            return dict.__getitem__(self, key)
        self[key] = ways
        return ways


def _are_ways(value: object) -> bool:
    """Whether decoded ways have the shape ``_index_of`` makes: (position, literals, classes)."""
    return isinstance(value, tuple) and all(
        type(way) is tuple and len(way) == 3 and type(way[0]) is int and type(way[1]) is frozenset
        and type(way[2]) is tuple for way in value)


def _is_plain_index(value: object) -> bool:
    """Whether a value read back from the cache has the shape ``_cached_index`` stores (each
    key's ways are checked when decoded, see ``_WaysByKey``)."""
    return (isinstance(value, tuple) and len(value) == 4 and isinstance(value[0], dict)
            and isinstance(value[1], frozenset) and isinstance(value[2], frozenset)
            and isinstance(value[3], tuple) and all(isinstance(t, str) and is_class(t) for t in value[3])
            and all(isinstance(key, str) and isinstance(ways, bytes) for key, ways in value[0].items()))


def _index_of(needs: Sequence[Need | None]) -> _Index:
    tokens = {t for need in needs for way in need or () for t in way}
    class_tokens = frozenset(t for t in tokens if is_class(t))  # asked once per token, not per way
    by_key: dict[str, list[tuple[int, frozenset[str], tuple[str, ...]]]] = {}
    key_of = _key_of_ways(needs)
    for position, need in enumerate(needs):
        for way in need or ():
            key = key_of[way]
            others = way - {key}
            classes = others & class_tokens
            by_key.setdefault(key, []).append((
                position,
                others - classes if classes else others,
                tuple(sorted(classes)),
            ))
    literals = frozenset(tokens - class_tokens)
    return _Index(
        by_key={key: tuple(ways) for key, ways in by_key.items()},
        keys=frozenset(key for key in by_key if not is_class(key)),
        literals=literals,
        classes=tuple((key, class_check(key)) for key in sorted(by_key) if is_class(key)),
        finder=key_finder(set(literals)),
    )


class LiteralScreen:
    """Which of many patterns a text may match, from one scan for their literals (never a
    false "no": a pattern is skipped only if the text lacks a literal it needs).

    One Aho-Corasick pass finds every literal any way needs; a way is then looked at only
    when the text holds its key (its rarest-looking literal, see :func:`_key_of_ways`), and
    passes when the text holds all its other literals too (a set comparison, no rescans).
    """

    def __init__(self, needs: Sequence[Need | None],
                 starts: Sequence[Start | None] | None = None) -> None:
        self.needs = tuple(needs)
        self.digest: bytes | None = getattr(needs, "digest", None)  # see ``Needs``
        self.unscreened = frozenset(i for i, need in enumerate(needs) if need is None)
        # each position's pattern, for the word-start check of the positions a text passes
        # (``word_start_literals``, read on first use); None: no such check
        self.starts: tuple[Start | None, ...] | None = tuple(starts) if starts is not None else None
        if self.starts is not None and len(self.starts) != len(self.needs):
            raise ValueError("one pattern (or None) per need")
        self._word_needs: dict[int, frozenset[str] | None] = {}

    @cached_property
    def _index(self) -> _Index:
        """Built on the first text: a screen asked only for its needs (the era facts' own,
        when staleness screens them with the time rules) never is. Needs known by the
        patterns they were read from (``Needs``) have their index kept between runs."""
        if self.digest is not None:
            return _cached_index(self.needs, self.digest)
        return _index_of(self.needs)

    @property
    def keys(self) -> frozenset[str]:
        """The literals ways are looked up by."""
        return self._index.keys

    @property
    def literals(self) -> frozenset[str]:
        """Every literal some way needs (what the scan looks for)."""
        return self._index.literals

    def found(self, folded: str) -> set[str]:
        """The literals (of any way) a folded text holds."""
        finder = self._index.finder
        return finder.found(folded) if finder is not None else set()

    def may_match(self, text: str) -> frozenset[int]:
        """Positions of the patterns ``text`` may match."""
        index = self._index
        if index.finder is not None:
            present = index.finder.found(fold(text))
            keys = present & index.keys
        else:
            present, keys = set(), set()
        held: dict[str, bool] = {}  # class tokens looked up so far
        for token, check in index.classes:
            held[token] = check(text)
            if held[token]:
                keys.add(token)
        if not keys:
            return self.unscreened if self.starts is None else self._at_word_starts(text, self.unscreened)
        kept = set(self.unscreened)
        by_key = index.by_key
        for key in keys:
            for position, literals, classes in by_key[key]:
                if (position not in kept and literals <= present
                        and (not classes or all(self._holds(t, text, held) for t in classes))):
                    kept.add(position)
        return frozenset(kept) if self.starts is None else self._at_word_starts(text, kept)

    def _at_word_starts(self, text: str, kept: Iterable[int]) -> frozenset[int]:
        """The positions of ``kept`` whose pattern can match ``text`` by its word-start
        literals: one of them begins a word of the text (``word_start_literals``). Looked
        at only for the few positions the substring screen passed."""
        out: list[int] = []
        folded: str | None = None
        held: dict[str, bool] = {}  # literals looked up in this text
        for position in kept:
            need = self._word_need(position)
            if need is None:
                out.append(position)
                continue
            if folded is None:
                folded = fold(text)
            for literal in need:
                found = held.get(literal)
                if found is None:
                    found = held[literal] = starts_a_word(literal, folded, text)
                if found:
                    out.append(position)
                    break
        return frozenset(out)

    def _word_need(self, position: int) -> frozenset[str] | None:
        """The word-start literals of one position's pattern, read once per screen."""
        try:
            return self._word_needs[position]
        except KeyError:
            start = self.starts[position] if self.starts is not None else None
            need = word_start_literals(start[0], int(start[1]), bool(start[2])) if start else None
            self._word_needs[position] = need
            return need

    @staticmethod
    def _holds(token: str, text: str, held: dict[str, bool]) -> bool:
        """Whether the text holds a class token (looked up once per text)."""
        if token not in held:
            held[token] = class_holds(token, text)
        return held[token]


class Screened(Generic[T]):
    """Items (rules, facts) behind one :class:`LiteralScreen` over their patterns' needs:
    hands out, in their order, the items a text may match."""

    MAX_PICKED = 1024  # distinct subsets remembered (a handful occur in practice)

    def __init__(self, items: Sequence[T], needs: Sequence[Need | None],
                 starts: Sequence[Start | None] | None = None) -> None:
        self.items = tuple(items)
        self.screen = LiteralScreen(needs, starts)
        self._picked: dict[frozenset[int], tuple[T, ...]] = {}

    @property
    def unscreened(self) -> tuple[T, ...]:
        """The items every text is run against: nothing could be read from their patterns."""
        return self._pick(self.screen.unscreened)

    def for_text(self, text: str) -> tuple[T, ...]:
        """The items ``text`` may match."""
        passing = self.screen.may_match(text)
        picked = self._picked.get(passing)
        return self._pick(passing) if picked is None else picked

    def _pick(self, passing: frozenset[int]) -> tuple[T, ...]:
        picked = self._picked.get(passing)
        if picked is None:
            if len(self._picked) >= self.MAX_PICKED:
                self._picked.clear()
            picked = tuple(item for i, item in enumerate(self.items) if i in passing)
            self._picked[passing] = picked
        return picked


class JointScreen(Generic[T, U]):
    """Two :class:`Screened` lists asked about the same texts (time rules and era facts, of
    every paragraph), answered from one scan of each text instead of one per list. A way
    passes by what the text holds, not by which literal it is looked up by, so each list
    gets exactly what its own screen would give."""

    def __init__(self, first: Screened[T], second: Screened[U]) -> None:
        self._cut = len(first.items)
        needs = (*first.screen.needs, *second.screen.needs)
        digests = (first.screen.digest, second.screen.digest)
        if None not in digests:  # both read from known patterns: so are the joint needs
            needs = Needs(needs, knowledge_digest(*digests))
        starts = (first.screen.starts, second.screen.starts)
        joint_starts = None if starts == (None, None) else (
            *(starts[0] or (None,) * len(first.items)), *(starts[1] or (None,) * len(second.items)))
        self.screen = LiteralScreen(needs, joint_starts)
        self._items = (*first.items, *second.items)
        self._picked: dict[frozenset[int], tuple[tuple[T, ...], tuple[U, ...]]] = {}

    def for_text(self, text: str) -> tuple[tuple[T, ...], tuple[U, ...]]:
        """The items of each list ``text`` may match, in their order."""
        passing = self.screen.may_match(text)
        picked = self._picked.get(passing)
        if picked is None:
            if len(self._picked) >= Screened.MAX_PICKED:
                self._picked.clear()
            kept = sorted(passing)
            first = tuple(self._items[i] for i in kept if i < self._cut)
            second = tuple(self._items[i] for i in kept if i >= self._cut)
            picked = self._picked[passing] = (first, second)
        return picked
