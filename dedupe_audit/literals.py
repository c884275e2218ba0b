"""Cheap pre-checks for big rule sets: the words a regex cannot match without.

Why: matching dozens of name patterns ("(?:Joe\\s+)?Biden", "Байден\\w*") against every
paragraph of a large corpus is slow in ``re``, yet almost every paragraph names none of
them. Each pattern alternative needs some literal word start ("biden", "байден"), so a
paragraph none of whose words begins with one of those literals cannot match at all. We
read the literals from the parsed pattern itself, so the knowledge stays in the data files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

try:  # Python 3.11+ keeps the parser here
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older layouts
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

MIN_LITERAL = 3  # shorter literals would let almost every paragraph through
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
    """
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
