"""A pattern's possible first characters, put in front of it as a lookahead.

Why: `re` tries a pattern at every position of a text, and when the pattern opens with an
alternation under IGNORECASE ("(?<!\\w)(?:(?:US|U\\.S\\.|American)[\\s-]+)?President|...",
"\\bby\\s+...|до\\s+кінця ...") it has no literal prefix to scan for, so every position
walks into the alternation's branches. ``(?=[TUAPпDДТ])`` in front of the same pattern
turns most positions into one set test in C: the era facts and time rules ran about twice as
fast on news paragraphs (``benchmarks/staleness_speed.py``). The lookahead holds every
character a match can start with (read from the parsed pattern: literals, small classes,
digits), so it never refuses a position the pattern could match at, and it captures nothing:
groups, spans and ``.pattern`` stay those of the pattern as written.
"""

from __future__ import annotations

import re

try:  # Python 3.11+ keeps the parser here
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older layouts
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

# categories a class may hold; wider ones (\w, \s, their negations, \D) let most positions
# through, and a lookahead that refuses none only costs
_NARROW_CATEGORIES = {sre_constants.CATEGORY_DIGIT: r"\d"}
_ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)
_REPEATS = tuple(op for op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
                               getattr(sre_constants, "POSSESSIVE_REPEAT", None)) if op is not None)
_ATOMIC = getattr(sre_constants, "ATOMIC_GROUP", None)
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux-]+\)")
MAX_FIRST = 64  # class items past which the lookahead is left out (it would refuse little)

# one item of the class: ("c", code point), ("r", (low, high)) or ("k", category)
_Part = tuple[str, object]


def _sequence(items: list, flags: int) -> tuple[list[_Part], bool] | None:
    """The first characters of a parsed sequence and whether it can match the empty string;
    None when they cannot be read (any character, a back reference, a negated class)."""
    first: list[_Part] = []
    for item in items:
        found = _item(item, flags)
        if found is None:
            return None
        parts, empty = found
        first += parts
        if not empty:
            return first, False
    return first, True


def _item(item: tuple, flags: int) -> tuple[list[_Part], bool] | None:
    op, arg = item
    if op is sre_constants.LITERAL:
        return [("c", arg)], False
    if op is sre_constants.IN:
        parts: list[_Part] = []
        for kind, value in arg:
            if kind is sre_constants.LITERAL:
                parts.append(("c", value))
            elif kind is sre_constants.RANGE:
                parts.append(("r", value))
            elif kind is sre_constants.CATEGORY and value in _NARROW_CATEGORIES:
                parts.append(("k", value))
            else:
                return None  # a negated class, a wide category
        return parts, False
    if op in _ZERO_WIDTH:
        return [], True
    if op is sre_constants.BRANCH:
        first: list[_Part] = []
        empty = False
        for branch in arg[1]:
            found = _sequence(list(branch), flags)
            if found is None:
                return None
            first += found[0]
            empty = empty or found[1]
        return first, empty
    if op is sre_constants.SUBPATTERN:
        _, add_flags, _, sub = arg
        if add_flags & re.IGNORECASE and not flags & re.IGNORECASE:
            return None  # "(?i:...)" in a case-sensitive pattern: the class would be narrower
        return _sequence(list(sub), flags)
    if op in _REPEATS:
        found = _sequence(list(arg[2]), flags)
        return None if found is None else (found[0], found[1] or arg[0] == 0)
    if _ATOMIC is not None and op is _ATOMIC:
        return _sequence(list(arg), flags)
    return None


def _char(code: int) -> str:
    return re.escape(chr(code))


def first_class(pattern: str, flags: int = 0, parsed: object = None) -> str | None:
    """A character class holding every character a match of ``pattern`` (compiled with
    ``flags``; IGNORECASE applies to the class alike) can start with; None when it cannot
    be read, when a match may be empty, or when the class would hold more than
    ``MAX_FIRST`` items. Verbose patterns and leading global flags are left alone.
    ``parsed``: the pattern as ``sre_parse.parse(pattern, flags)`` read it, when the caller has."""
    if flags & re.VERBOSE or _GLOBAL_FLAGS.match(pattern):
        return None
    try:
        found = _sequence(list(parsed if parsed is not None else sre_parse.parse(pattern, flags)), flags)
    except (re.error, RecursionError, OverflowError):
        return None
    if found is None or found[1] or not found[0]:
        return None
    parts = list(dict.fromkeys(found[0]))
    if len(parts) > MAX_FIRST:
        return None
    written = []
    for kind, value in parts:
        if kind == "c":
            written.append(_char(value))  # type: ignore[arg-type]
        elif kind == "r":
            low, high = value  # type: ignore[misc]
            written.append(f"{_char(low)}-{_char(high)}")
        else:
            written.append(_NARROW_CATEGORIES[value])  # type: ignore[index]
    return "[" + "".join(written) + "]"


def with_first_chars(pattern: str, flags: int = 0, parsed: object = None) -> str:
    """``pattern`` behind a lookahead of its first characters (``first_class``), or as it is
    when they cannot be read. Same matches, spans and groups (the wrapper captures nothing)."""
    first = first_class(pattern, flags, parsed)
    return pattern if first is None else f"(?={first})(?:{pattern})"
