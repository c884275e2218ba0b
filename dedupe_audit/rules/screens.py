"""Exact pre-checks that let a rule be skipped on a text it cannot match.

Why: every paragraph of a corpus meets every boilerplate rule and every cue rule, and
almost all of them match none. Running each regex costs far more than asking first whether
a match is possible at all. Two screens, both read from the rule's own parsed pattern (so
the knowledge stays in the data files), and both only for trusted (shipped) patterns, which
run on `re`, whose parser we read them with; user patterns run on `regex` and get no screen:

* :class:`EdgeScreen`, for whole-paragraph rules (``fullmatch``): the characters a match
  can begin and end with, and its length bounds. "26.04.25, 09:55" must start with a digit.
* :class:`NeedleScreen`, for searched rules: literals one of which every match holds
  ("publication", "newspaper", ...), all found by one scan of the lower-cased text.

:func:`start_lookahead` guards a pattern of our own making (the alias alternation) with a
lookahead for its first characters, and :func:`trie_pattern` writes many literals as one
tree: both change no match, only how fast `re` rejects a position.

A screen never says "no" to a text its rule matches (see tests/rules/test_screens.py); a pattern
we cannot read gets no screen, and then the rule simply always runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .knowledge_cache import compile_pattern, remembered
from .literals import sre_constants, sre_parse, trie_of_pieces

try:  # Rust Aho-Corasick (a dependency): a literal scan in one call, far faster than a `re` tree
    import ahocorasick_rs
except ImportError:  # pragma: no cover - the `re` tree answers alike without it
    ahocorasick_rs = None

MIN_NEEDLE = 3  # shorter needles would let almost every paragraph through
MAX_STRINGS = 32  # exact strings tracked for one run of a pattern ("report", "reports", ...)

_LITERAL = sre_constants.LITERAL
_NOT_LITERAL = sre_constants.NOT_LITERAL
_IN = sre_constants.IN
_NEGATE = sre_constants.NEGATE
_RANGE = sre_constants.RANGE
_CATEGORY = sre_constants.CATEGORY
_BRANCH = sre_constants.BRANCH
_SUBPATTERN = sre_constants.SUBPATTERN
_ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)
_REPEATS = tuple(
    op for op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
                  getattr(sre_constants, "POSSESSIVE_REPEAT", None)) if op is not None
)
_ATOMIC = getattr(sre_constants, "ATOMIC_GROUP", None)
_CLASS_FLAGS = re.IGNORECASE | re.ASCII | re.UNICODE  # the flags that change what a class matches
_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: r"\d", sre_constants.CATEGORY_NOT_DIGIT: r"\D",
    sre_constants.CATEGORY_SPACE: r"\s", sre_constants.CATEGORY_NOT_SPACE: r"\S",
    sre_constants.CATEGORY_WORD: r"\w", sre_constants.CATEGORY_NOT_WORD: r"\W",
}


def _parse(pattern: str, flags: int) -> sre_parse.SubPattern | None:
    try:
        return sre_parse.parse(pattern, flags)
    except (re.error, RecursionError, OverflowError):
        return None


def trie_pattern(paths: Iterable[Sequence[str]]) -> str:
    """One regex for "any of these sequences of regex pieces occurs" (see
    :func:`~dedupe_audit.rules.literals.trie_of_pieces`): a sequence that holds a shorter one as its
    start adds nothing (the shorter one is found first) and is cut there."""
    return trie_of_pieces(paths, longest=False)


# --------------------------------------------------------------------------- edges


@dataclass(frozen=True, slots=True)
class EdgeScreen:
    """What a text must look like for a whole-text rule to match it at all."""

    min_len: int
    max_len: int
    first: re.Pattern[str] | None  # matches the first character of every match
    last: re.Pattern[str] | None  # ...and this the last one

    def admits(self, text: str) -> bool:
        """Whether the rule may match ``text`` as a whole."""
        if not self.min_len <= len(text) <= self.max_len:
            return False
        return not text or self.edges_admit(text[0], text[-1])

    def edges_admit(self, first: str, last: str) -> bool:
        """Whether a match may start with character ``first`` and end with ``last``."""
        if self.first is not None and self.first.match(first) is None:
            return False
        return self.last is None or self.last.match(last) is not None


# A screen as the knowledge cache keeps it: (min_len, max_len, first, last), each edge the
# (source, flags) of its class regex or None. Screens are read from the pattern's text alone,
# so they are remembered between runs by it (``knowledge_cache``): parsing the ~90 furniture
# patterns and the alias alternation again cost every small run ~0.1 s.
_EdgeParts = tuple[int, int, tuple[str, int] | None, tuple[str, int] | None]


def edge_screen(pattern: str, flags: int) -> EdgeScreen | None:
    """The screen of a pattern used with ``fullmatch`` on `re`, or None if unreadable."""
    flags = int(flags)
    parts = remembered("edge-screen", (pattern, flags), lambda: _edge_parts(pattern, flags), _is_edge_parts)
    if parts is None:
        return None
    low, high, first, last = parts
    return EdgeScreen(low, high, _class_program(first), _class_program(last))


def _edge_parts(pattern: str, flags: int) -> _EdgeParts | None:
    parsed = _parse(pattern, flags)
    if parsed is None:
        return None
    low, high = parsed.getwidth()
    class_flags = int(parsed.state.flags & _CLASS_FLAGS)  # a plain int: marshal keeps no enum
    first = _class_source(_edges(list(parsed), from_end=False), class_flags)
    last = _class_source(_edges(list(parsed), from_end=True), class_flags)
    return (low, high, first, last)


def _is_edge_parts(value: object) -> bool:
    """Whether a value read back from the cache has the shape ``_edge_parts`` gives."""
    def is_edge(edge: object) -> bool:
        return edge is None or (isinstance(edge, tuple) and len(edge) == 2
                                and isinstance(edge[0], str) and isinstance(edge[1], int))
    return value is None or (isinstance(value, tuple) and len(value) == 4 and isinstance(value[0], int)
                             and isinstance(value[1], int) and is_edge(value[2]) and is_edge(value[3]))


def _class_program(edge: tuple[str, int] | None) -> re.Pattern[str] | None:
    return None if edge is None else compile_pattern(*edge)


def start_lookahead(pattern: str, flags: int) -> str:
    """A lookahead for the characters every match of ``pattern`` (on `re`) starts with, to
    put before it: the same matches, but `re` rejects most positions with one class check
    instead of trying a long alternation there. Empty when unreadable. Remembered between
    runs by the pattern's text: the pattern is the alternation of every outlet alias."""
    flags = int(flags)
    return remembered("start-lookahead", (pattern, flags), lambda: _start_lookahead(pattern, flags),
                      lambda value: isinstance(value, str))


def _start_lookahead(pattern: str, flags: int) -> str:
    parsed = _parse(pattern, flags)
    if parsed is None or _min_width(list(parsed)) == 0:
        return ""
    first = _class_source(_edges(list(parsed), from_end=False), parsed.state.flags & _CLASS_FLAGS)
    return f"(?={first[0]})" if first is not None else ""


def _min_width(items: Sequence[tuple]) -> int:
    """Fewest characters the items can match; 0 where unsure (that only widens a screen)."""
    total = 0
    for op, arg in items:
        if op in (_LITERAL, _NOT_LITERAL, _IN, sre_constants.ANY):
            total += 1
        elif op == _SUBPATTERN:
            total += _min_width(arg[-1])
        elif op == _BRANCH:
            total += min(_min_width(branch) for branch in arg[1])
        elif op in _REPEATS:
            total += arg[0] * _min_width(arg[2])
        elif op == _ATOMIC:
            total += _min_width(arg)
    return total


def _edges(items: list, *, from_end: bool) -> list[tuple] | None:
    """Character-class items one of which matches the first (or last) character of every
    non-empty match of the sequence; None when some item is not understood."""
    found: list[tuple] = []
    for op, arg in reversed(items) if from_end else items:
        if op in (_LITERAL, _NOT_LITERAL, _IN):
            found.append((op, arg))
            return found
        if op in _ZERO_WIDTH:
            continue
        if op == _SUBPATTERN and not arg[1] and not arg[2]:  # no scoped flags
            inner = [list(arg[-1])]
        elif op == _ATOMIC:
            inner = [list(arg)]
        elif op == _BRANCH:
            inner = [list(branch) for branch in arg[1]]
        elif op in _REPEATS:
            inner = [list(arg[2])] if arg[1] > 0 else []
        else:
            return None
        for sequence in inner:
            edge = _edges(sequence, from_end=from_end)
            if edge is None:
                return None
            found += edge
        if _min_width([(op, arg)]) > 0:
            return found
    return found  # everything before could match empty: still every non-empty match


def _char(code: int) -> str:
    return f"\\U{code:08x}"


def _members(op: int, arg: object) -> tuple[bool, list[str]] | None:
    """(negated, class members as regex source) of one class item, or None if unknown."""
    if op == _LITERAL:
        return False, [_char(arg)]  # type: ignore[arg-type]
    if op == _NOT_LITERAL:
        return True, [_char(arg)]  # type: ignore[arg-type]
    negated, members = False, []
    for kind, value in arg:  # type: ignore[attr-defined]
        if kind == _NEGATE:
            negated = True
        elif kind == _LITERAL:
            members.append(_char(value))
        elif kind == _RANGE:
            members.append(_char(value[0]) + "-" + _char(value[1]))
        elif kind == _CATEGORY and value in _CATEGORIES:
            members.append(_CATEGORIES[value])
        else:
            return None
    return negated, members


def _class_source(items: list[tuple] | None, flags: int) -> tuple[str, int] | None:
    """(source, flags) of one regex for "a character some item matches", under the
    pattern's flags: the plain items as one class, each negated one on its own."""
    if items is None:
        return None
    read = [_members(op, arg) for op, arg in items]
    if any(r is None for r in read):
        return None
    plain = dict.fromkeys(m for negated, members in read if not negated for m in members)  # type: ignore[misc]
    parts = ["[" + "".join(plain) + "]"] if plain else []
    parts += dict.fromkeys("[^" + "".join(m) + "]" for negated, m in read if negated)  # type: ignore[misc]
    if not parts:
        return (r"(?!)", 0)  # only the empty text matches: no first character fits
    return (parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")", flags)


# --------------------------------------------------------------------------- needles

# Lower-casing keeps these characters apart from letters `re` matches them to under
# IGNORECASE ("ı" ~ "i", "ſ" ~ "s", "ᲂ" ~ "о"; "İ" lowers to "i" plus U+0307): a text holding
# one is not screened. Needles keep to Latin, Cyrillic and punctuation, but for the letters
# whose IGNORECASE partners lower to another letter ("µ" ~ "μ"); for those characters this
# list is complete (checked against every Unicode character in tests/rules/test_screens.py).
UNFOLDED = "\u0131\u017f\u0307\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85\u1c86\u1c87"
_UNFOLDED = re.compile(f"[{UNFOLDED}]")
NEEDLE_CHARS = re.compile(
    r"[\x20-\x7e\xa0-\xb4\xb6-\u012f\u0132-\u017e\u0180-\u024f\u0400-\u04ff\u2000-\u206f]+"
)


def lowered(text: str) -> str | None:
    """``text`` lower-cased for a needle scan, or None when it holds a character that
    lower-casing does not match up with the letter `re` sees in it."""
    low = text.lower()
    return None if not low.isascii() and _UNFOLDED.search(low) else low


@dataclass(frozen=True, slots=True)
class _Info:
    exact: frozenset[str] | None  # every string the part can match, when few and known
    need: frozenset[str] | None  # strings one of which every match holds, when known


_UNKNOWN = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None)


def required_needles(pattern: str, flags: int) -> frozenset[str] | None:
    """Lower-cased literals one of which every match of ``pattern`` (on `re`) holds, or None.
    Remembered between runs by the pattern's text (``knowledge_cache``)."""
    flags = int(flags)
    return remembered("needles", (pattern, flags), lambda: _required_needles(pattern, flags), _is_needles)


def _is_needles(value: object) -> bool:
    return value is None or (isinstance(value, frozenset) and all(isinstance(n, str) for n in value))


def _required_needles(pattern: str, flags: int) -> frozenset[str] | None:
    parsed = _parse(pattern, flags)
    if parsed is None:
        return None
    need = _best(_sequence(list(parsed)))
    if need is None or not all(NEEDLE_CHARS.fullmatch(n) for n in need):
        return None
    return frozenset(n.lower() for n in need)


def lookahead_needles(pattern: str, flags: int) -> frozenset[str] | None:
    """Lower-cased literals one of which every match of ``pattern`` (on `re`) holds, read from
    its top-level positive lookaheads ("(?=.{0,160}\\b(?:professor|fellow)\\b)"), which
    :func:`required_needles` passes over as zero-width: what a lookahead asks for stands in
    the text all the same. The best of them (see :func:`required_needles`), or None."""
    parsed = _parse(pattern, flags)
    if parsed is None:
        return None
    found: list[frozenset[str]] = []
    for op, arg in parsed:
        if op == sre_constants.ASSERT and arg[0] == 1:  # (direction, pattern): 1 looks ahead
            need = _best(_sequence(list(arg[1])))
            if need is not None and all(NEEDLE_CHARS.fullmatch(n) for n in need):
                found.append(frozenset(n.lower() for n in need))
    return max(found, key=_score) if found else None


def _best(info: _Info) -> frozenset[str] | None:
    candidates = [c for c in (info.need, info.exact) if c and min(map(len, c)) >= MIN_NEEDLE]
    return max(candidates, key=_score) if candidates else None


def _score(needles: frozenset[str]) -> tuple[int, int]:
    """Longer needles pass fewer texts; fewer needles scan faster."""
    return min(map(len, needles)), -len(needles)


def _item(op: int, arg: object) -> _Info:
    if op == _LITERAL:
        return _Info(frozenset({chr(arg)}), None)  # type: ignore[arg-type]
    if op == _IN:
        chars = [chr(v) for k, v in arg if k == _LITERAL]  # type: ignore[attr-defined]
        if len(chars) == len(arg) <= 4:  # type: ignore[arg-type]
            return _Info(frozenset(chars), None)
        return _UNKNOWN
    if op in _ZERO_WIDTH:
        return _EMPTY
    if op == _SUBPATTERN:
        return _sequence(list(arg[-1]))  # type: ignore[index]
    if op == _ATOMIC:
        return _sequence(list(arg))  # type: ignore[call-overload]
    if op == _BRANCH:
        return _branch([_sequence(list(b)) for b in arg[1]])  # type: ignore[index]
    if op in _REPEATS:
        low, high, body = arg  # type: ignore[misc]
        inner = _sequence(list(body))
        if low == 0:
            optional = high == 1 and inner.exact is not None
            return _Info(inner.exact | {""} if optional else None, None)  # type: ignore[operator]
        return _Info(inner.exact if low == high == 1 else None, _best(inner))
    return _UNKNOWN


def _branch(infos: list[_Info]) -> _Info:
    exact = None
    if all(i.exact is not None for i in infos):
        exact = frozenset().union(*(i.exact for i in infos))  # type: ignore[misc]
        exact = exact if len(exact) <= MAX_STRINGS else None
    needs = [_best(i) for i in infos]
    need = frozenset().union(*needs) if all(needs) else None  # type: ignore[misc]
    return _Info(exact, need)


def _sequence(items: list) -> _Info:
    """Runs of exactly known parts are strings one of which every match holds; the best of
    those and of the parts' own needs is the sequence's need."""
    run: frozenset[str] = frozenset({""})
    candidates: list[frozenset[str]] = []
    whole = True
    for op, arg in items:
        info = _item(op, arg)
        if info.exact is not None and len(run) * len(info.exact) <= MAX_STRINGS:
            run = frozenset(a + b for a in run for b in info.exact)
            continue
        whole = False
        candidates += [c for c in (run, info.need) if c]
        run = info.exact if info.exact is not None else frozenset({""})
    candidates.append(run)
    useful = [c for c in candidates if min(map(len, c)) >= MIN_NEEDLE]
    return _Info(run if whole else None, max(useful, key=_score) if useful else None)


class NeedleScreen:
    """Which of several patterns a lower-cased text may match, each known by the needles
    one of which its every match holds (None: not screened, always may match). One scan of
    the text finds every needle: they form one tree, first characters plain."""

    def __init__(self, needles: Sequence[frozenset[str] | None]) -> None:
        self.needles = tuple(needles)
        self.unscreened = frozenset(i for i, own in enumerate(needles) if own is None)
        # kept between runs by the needles, written in a fixed order (frozensets iterate in
        # an order that differs from run to run): comparing every needle with every other
        # is quadratic in the cue rules' ~1,000 needles
        given = tuple(None if own is None else tuple(sorted(own)) for own in self.needles)
        self._users, finder = remembered("needle-screen", given, lambda: _needle_users(self.needles),
                                         _is_needle_users)
        self._finder = compile_pattern(finder) if finder is not None else None
        self._literals = LiteralFinder(sorted(self._users)) if self._users else None

    def spans(self, low: str) -> list[tuple[int, int]]:
        """Spans of needles in a lower-cased text: every needle occurrence overlaps one."""
        if self._finder is None:
            return []
        found = self._literals.spans(low) if self._literals is not None else None
        return [m.span() for m in self._finder.finditer(low)] if found is None else found

    def passing(self, low: str | None) -> frozenset[int]:
        """Positions of the patterns that may match the text lower-cased (see
        :func:`lowered`; None, a text that could not be lowered, passes them all)."""
        if low is None:
            return frozenset(range(len(self.needles)))
        hits = self._literals.every(low) if self._literals is not None else None
        if hits is not None:
            if not hits:
                return self.unscreened
            users = self._users
            return frozenset(self.unscreened.union(*(users[hit] for hit in hits)))
        finder = self._finder
        hit = finder.search(low) if finder is not None else None
        if hit is None:
            return self.unscreened
        passing = set(self.unscreened)
        while hit is not None:
            passing |= self._users[hit.group()]
            hit = finder.search(low, hit.start() + 1)  # type: ignore[union-attr]
        return frozenset(passing)


def _needle_users(needles: Sequence[frozenset[str] | None]) -> tuple[dict[str, frozenset[int]], str | None]:
    """(needle -> positions of the patterns it stands for, the finder's regex source)."""
    given = {n for own in needles if own for n in own}
    # a needle holding another adds nothing: "paper" is found in "newspaper". After this
    # no two needles start alike, so at most one matches at any position.
    kept = {n for n in given if not any(o != n and o in n for o in given)}
    users = {
        m: frozenset(i for i, own in enumerate(needles) if own and any(m in n for n in own))
        for m in kept
    }
    paths = [[re.escape(char) for char in needle] for needle in sorted(kept)]
    return users, (trie_pattern(paths) if paths else None)


def _is_needle_users(value: object) -> bool:
    return (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict)
            and (value[1] is None or isinstance(value[1], str))
            and all(isinstance(m, str) and isinstance(users, frozenset) for m, users in value[0].items()))


_SURROGATE = re.compile("[\ud800-\udfff]")


class LiteralFinder:
    """Where plain strings occur in a text, by one Aho-Corasick pass in Rust: the same answers
    as a `re` alternation of them (``finditer`` for :meth:`spans`, every position for
    :meth:`every`), at a fraction of the cost - `re` tries the alternation at every
    character of every page. Offsets are in characters. None from a method when
    ``ahocorasick_rs`` is missing: the caller's `re` pattern answers instead."""

    def __init__(self, literals: Sequence[str]) -> None:
        self.literals = tuple(literals)
        self._automaton = ahocorasick_rs.AhoCorasick(self.literals) if ahocorasick_rs is not None else None

    def __reduce__(self) -> tuple[type[LiteralFinder], tuple[tuple[str, ...]]]:
        """Pickled as its literals (the Rust automaton is not picklable; rebuilt in ~1 ms)."""
        return (LiteralFinder, (self.literals,))

    def _found(self, text: str, overlapping: bool) -> list[tuple[int, int, int]]:
        automaton = self._automaton
        assert automaton is not None
        try:
            return automaton.find_matches_as_indexes(text, overlapping=overlapping)
        except UnicodeEncodeError:
            # a lone surrogate (scraped text has them) is no UTF-8 for Rust; no literal holds
            # one, and the stand-in keeps every offset
            return automaton.find_matches_as_indexes(_SURROGATE.sub("\ufffd", text), overlapping=overlapping)

    def spans(self, text: str) -> list[tuple[int, int]] | None:
        """Spans of the literals, left to right, none overlapping another: what ``finditer``
        of their alternation finds when no literal holds another (then the match ending first
        is the one starting first, as `re` takes it)."""
        if self._automaton is None:
            return None
        return [(start, end) for _, start, end in self._found(text, False)]

    def starts(self, text: str) -> list[int] | None:
        """Every position where some literal starts, in order (overlaps included)."""
        if self._automaton is None:
            return None
        return sorted({start for _, start, _ in self._found(text, True)})

    def every(self, text: str) -> set[str] | None:
        """Every literal the text holds (overlaps included)."""
        if self._automaton is None:
            return None
        literals = self.literals
        return {literals[index] for index, _, _ in self._found(text, True)}
