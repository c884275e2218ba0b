"""Site furniture rules, loaded from TOML so a user can add their own.

A rule matches a whole paragraph, never a part of one: furniture is a line of its own on a
scraped page, and matching inside article text would hide real content.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .datafiles import data_file, named_entry, parse_toml, read_user_file
from .saferegex import IGNORECASE, RuleFileError, SafePattern, compile_rule
from .screens import EdgeScreen, edge_screen, required_needles

try:  # C Aho-Corasick: one pass finds every needle of many rules
    import ahocorasick
except ImportError:  # pragma: no cover - needle by needle then, the same answers
    ahocorasick = None

# A rule file that cannot be used; the message names the file, the line and the rule. One name
# for every loader's error (cues, eras, outlets derive from it), so callers catch them all.
RuleError = RuleFileError


@dataclass(frozen=True)
class BoilerplateRule:
    name: str
    description: str
    pattern: SafePattern | None  # matched under a time budget (saferegex)
    phrases: frozenset[str]
    max_words: int | None
    source: str
    # Case-folded substrings one of which a paragraph must contain for the pattern to be tried
    # (empty: always tried). Why: a pattern that may match anywhere in a paragraph ('.*\bpoll\b.*')
    # costs a scan of every paragraph; a substring test first costs a fraction of that.
    needles: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        if self.max_words is not None and len(text.split()) > self.max_words:
            return False
        if self.phrases and _phrase_key(text) in self.phrases:
            return True
        if self.needles and not _has_needle(text.casefold(), self.needles):
            return False
        return bool(self.pattern is not None and self.pattern.fullmatch(text))


def _has_needle(folded: str, needles: tuple[str, ...]) -> bool:
    return _needle_search(needles)(folded) is not None


@lru_cache(maxsize=256)
def _needle_search(needles: tuple[str, ...]) -> Callable[[str], object]:
    """A test for any of a rule's needles: substring tests, one per needle until one is found
    (on paragraph-sized texts faster than a regex alternation, which tries every needle at
    every position). Returns something true when a needle is present, else None."""
    if len(needles) == 1:
        needle = needles[0]
        return lambda folded: True if needle in folded else None

    def any_needle(folded: str) -> bool | None:
        for needle in needles:
            if needle in folded:
                return True
        return None

    return any_needle


def _phrase_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.strip(" \t:.-–—•·|>»").split())


_KEYS = frozenset({"name", "description", "pattern", "phrases", "max_words", "case_sensitive", "needles"})


def _parse_rule(raw: object, source: str, position: int, text: str = "") -> BoilerplateRule:
    raw, name, where = named_entry(raw, source, position, "rule", _KEYS, RuleError, text)
    pattern_text = raw.get("pattern")
    phrases = raw.get("phrases", [])
    if pattern_text is None and not phrases:
        raise RuleError(f"{where}: needs 'pattern' or 'phrases'")
    if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
        raise RuleError(f"{where}: 'phrases' must be a list of strings")
    pattern = None
    if pattern_text is not None:
        if not isinstance(pattern_text, str):
            raise RuleError(f"{where}: 'pattern' must be a string")
        flags = 0 if raw.get("case_sensitive") else IGNORECASE
        try:
            pattern = compile_rule(pattern_text, flags, rule=name, source=source)
        except ValueError as err:
            raise RuleError(f"{where}: bad pattern: {err}") from err
    needles = raw.get("needles", [])
    if not isinstance(needles, list) or not all(isinstance(n, str) and n for n in needles):
        raise RuleError(f"{where}: 'needles' must be a list of non-empty strings")
    max_words = raw.get("max_words")
    if max_words is not None and (not isinstance(max_words, int) or max_words < 1):
        raise RuleError(f"{where}: 'max_words' must be a positive integer")
    return BoilerplateRule(
        name=name,
        description=str(raw.get("description", "")),
        pattern=pattern,
        phrases=frozenset(_phrase_key(p) for p in phrases),
        max_words=max_words,
        source=source,
        needles=tuple(n.casefold() for n in needles),
    )


def parse_rules(text: str, source: str) -> tuple[BoilerplateRule, ...]:
    data = parse_toml(text, source, RuleError)
    rules = data.get("rule", [])
    if not isinstance(rules, list):
        raise RuleError(f"{source}: 'rule' must be an array of tables ([[rule]])")
    return tuple(_parse_rule(raw, source, i + 1, text) for i, raw in enumerate(rules))


@lru_cache(maxsize=8)
def load_rules(extra_files: tuple[str, ...] = ()) -> tuple[BoilerplateRule, ...]:
    """User rules first (they take precedence), then the shipped ones."""
    user: list[BoilerplateRule] = []
    for path in extra_files:
        user.extend(parse_rules(read_user_file(path, RuleError, "rule"), path))
    shipped = data_file("boilerplate.toml")
    return (*user, *parse_rules(shipped, "dedupe_audit/data/boilerplate.toml"))


def classify(text: str, rules: Sequence[BoilerplateRule]) -> str | None:
    """Name of the first rule that matches the whole paragraph, or None for body text."""
    stripped = text.strip()
    return checks_for(rules).first_match(stripped, len(stripped.split()))


# ------------------------------------------------------------------ many paragraphs


@dataclass(frozen=True, slots=True)
class RuleCheck:
    """One rule made ready for many paragraphs: what :meth:`BoilerplateRule.matches` asks,
    with an :class:`EdgeScreen` and the literals read from the pattern before the regex of a
    shipped rule."""

    name: str
    max_words: int | None
    phrases: frozenset[str]
    pattern: SafePattern | None
    screen: EdgeScreen | None  # None: the pattern always runs (a user's rule, or no pattern)
    # The pattern's fullmatch: `re`'s own for a shipped rule (what SafePattern runs for it,
    # minus the wrapper's cost), else the SafePattern's, under its time budget.
    fullmatch: Callable[[str], object] | None = None
    needles: tuple[str, ...] = ()  # the rule's needles (case-folded): one must be present
    find_needle: Callable[[str], object] | None = None  # their compiled search, None without
    # Case-folded literals read from a shipped pattern (``screens.required_needles``), one of
    # which every match holds; () when none can be read (a user's pattern is never read).
    literals: tuple[str, ...] = ()

    def edges_allow(self, first: str, last: str) -> bool:
        """Whether the pattern may match a text that starts and ends so."""
        return self.pattern is not None and (self.screen is None or self.screen.edges_admit(first, last))


# Characters that `re` (IGNORECASE) matches to a letter a literal may hold but that case-fold
# to something else ("ı" ~ "i"; "İ" folds to "i" + U+0307): a folded text holding one passes
# every rule screened by its literals (tests/test_screens.py checks the list over Unicode).
_FOLD_MISMATCH = ("\u0131", "\u0307")
# Up to this many needles a paragraph is searched needle by needle (`str.__contains__` skips
# through a text faster than an automaton steps through it, ~0.18 us a needle against ~19 ns a
# character); more are found by one Aho-Corasick pass for every rule's needles.
_FEW_NEEDLES = 16


class _NeedleTest:
    """Which needles and literals a case-folded text holds, as bits (bit ``n``: a needle of
    rule ``n``; bit ``n + count``: a literal of rule ``n``): needle by needle for a few, or one
    pass of the rule set's automaton (which finds them all; the caller keeps the bits it asked
    about)."""

    __slots__ = ("_automaton", "_keys")

    def __init__(self, key_bits: dict[str, int], automaton: object | None) -> None:
        self._keys = tuple(sorted(key_bits.items()))
        self._automaton = automaton if len(self._keys) > _FEW_NEEDLES else None

    def hits(self, folded: str) -> int:
        found = 0
        if self._automaton is not None:
            for _, bits in self._automaton.iter(folded):  # type: ignore[attr-defined]
                found |= bits
            return found
        for key, bits in self._keys:
            if key in folded:
                found |= bits
        return found


class RuleChecks:
    """A rule set made ready for many paragraphs. Most paragraphs fail most patterns on
    their first or last character, or lack every literal a pattern needs: which rules a first
    character leaves, and which a last one leaves, is worked out once per character (a bit
    per rule); the needles and literals of the rules that a pair of those sets and a word
    count leave are found by one search of the paragraph (made once per such set); and which
    checks the rules left then need, once per (set, word-limit bucket) (a corpus has a few
    hundred). A paragraph runs only those. The answer is :func:`classify`'s, rule by rule."""

    def __init__(self, checks: Sequence[RuleCheck]) -> None:
        self.checks = tuple(checks)
        self._plans: dict[tuple[int, int], tuple[tuple[RuleCheck, bool], ...]] = {}
        self._tests: dict[tuple[int, int], tuple[int, int, _NeedleTest | None]] = {}
        self._firsts: dict[str, int] = {}  # character -> rules whose matches may start with it
        self._lasts: dict[str, int] = {}  # character -> rules whose matches may end with it
        # The rules' distinct word limits, ascending: a paragraph's bucket is where its word
        # count falls among them, and every paragraph of a bucket faces the same rules.
        self._limits = sorted({c.max_words for c in self.checks if c.max_words is not None})
        self._with_pattern = sum(1 << n for n, c in enumerate(self.checks) if c.pattern is not None)
        count = len(self.checks)
        self._count = count
        self._all = (1 << count) - 1
        # rule n's needles set bit n of a search's answer, its literals bit n + count
        self._key_bits: dict[str, int] = {}
        for n, check in enumerate(self.checks):
            if check.pattern is None:
                continue
            for needle in check.needles:
                self._key_bits[needle] = self._key_bits.get(needle, 0) | 1 << n
            for literal in check.literals:
                self._key_bits[literal] = self._key_bits.get(literal, 0) | 1 << (n + count)
        self._needled = sum(1 << n for n, c in enumerate(self.checks) if c.pattern is not None and c.needles)
        self._read = sum(1 << n for n, c in enumerate(self.checks) if c.pattern is not None and c.literals)
        self._automaton: object | None = None  # every key's bits, built on first need

    def first_match(self, stripped: str, words: int) -> str | None:
        """Name of the first rule matching a paragraph already stripped, given its word count."""
        if stripped:
            first, last = stripped[0], stripped[-1]
            admitted = self._firsts.get(first)
            if admitted is None:
                admitted = self._edge_mask(first, from_end=False)
            at_end = self._lasts.get(last)
            if at_end is None:
                at_end = self._edge_mask(last, from_end=True)
            admitted &= at_end
        else:
            admitted = self._with_pattern
        bucket = bisect_left(self._limits, words)
        test_key = (admitted, bucket)
        test = self._tests.get(test_key)
        if test is None:
            test = self._test(admitted, bucket)
        needled, read, needle_test = test
        if needle_test is not None:  # some rule left needs a needle or a literal
            folded = stripped.casefold()
            found = needle_test.hits(folded)
            if read and not folded.isascii() and any(c in folded for c in _FOLD_MISMATCH):
                found |= read << self._count  # literals cannot be trusted on this text
            admitted &= ~needled | found
            admitted &= ~read | found >> self._count
        plan_key = (admitted, bucket)
        plan = self._plans.get(plan_key)
        if plan is None:
            plan = self._plan(*plan_key)
        size = len(stripped)
        key = None
        for check, possible in plan:  # the plan holds only checks whose max_words admit `words`
            if check.phrases:
                if key is None:
                    key = _phrase_key(stripped)
                if key in check.phrases:
                    return check.name
            if not possible:
                continue
            screen = check.screen
            if screen is not None and not screen.min_len <= size <= screen.max_len:
                continue
            if check.fullmatch(stripped):  # type: ignore[misc]
                return check.name
        return None

    def _edge_mask(self, char: str, *, from_end: bool) -> int:
        """The rules (a bit each, in order) whose pattern may start (or end) with ``char``."""
        mask = 0
        for n, check in enumerate(self.checks):
            if check.pattern is None:
                continue
            screen = check.screen
            edge = None if screen is None else (screen.last if from_end else screen.first)
            if edge is None or edge.match(char) is not None:
                mask |= 1 << n
        table = self._lasts if from_end else self._firsts
        if len(table) >= 65536:
            table.clear()
        table[char] = mask
        return mask

    def _allowed(self, bucket: int, check: RuleCheck) -> bool:
        """Whether a rule's word limit admits the paragraphs of a word-count bucket."""
        least = self._limits[bucket] if bucket < len(self._limits) else None
        return check.max_words is None or (least is not None and check.max_words >= least)

    def _test(self, admitted: int, bucket: int) -> tuple[int, int, _NeedleTest | None]:
        """For texts whose edges leave the rules in ``admitted`` and whose word count falls in
        this bucket: (the rules left that need a needle, those screened by their literals, the
        search for all of those rules' needles and literals; None when no rule left needs one)."""
        count = self._count
        left = sum(1 << n for n, check in enumerate(self.checks)
                   if admitted >> n & 1 and self._allowed(bucket, check))
        needled, read = self._needled & left, self._read & left
        keys = {key: bits & (needled | read << count) for key, bits in self._key_bits.items()}
        keys = {key: bits for key, bits in keys.items() if bits}
        if len(keys) > _FEW_NEEDLES and self._automaton is None and ahocorasick is not None:
            automaton = ahocorasick.Automaton()
            for key, bits in sorted(self._key_bits.items()):
                automaton.add_word(key, bits)
            automaton.make_automaton()
            self._automaton = automaton
        test = (needled, read, _NeedleTest(keys, self._automaton) if keys else None)
        if len(self._tests) >= 16384:
            self._tests.clear()
        self._tests[(admitted, bucket)] = test
        return test

    def _plan(self, admitted: int, bucket: int) -> tuple[tuple[RuleCheck, bool], ...]:
        """The checks to run on a text whose edges (and needles) leave the rules in
        ``admitted`` and whose word count falls in this bucket (``bisect_left`` of the
        rules' ``max_words``): (check, whether its pattern may match); rules with nothing
        left to ask, or only for shorter paragraphs, dropped."""
        plan = tuple(
            (check, bool(admitted >> n & 1)) for n, check in enumerate(self.checks)
            if (admitted >> n & 1 or check.phrases) and self._allowed(bucket, check)
        )
        if len(self._plans) >= 16384:
            self._plans.clear()
        self._plans[(admitted, bucket)] = plan
        return plan


def _literals(pattern: SafePattern) -> tuple[str, ...]:
    """Case-folded literals one of which every match of a shipped pattern holds (read by
    ``screens.required_needles``, which lower-cases them; every character a needle may hold
    folds as it lowers, see tests/test_screens.py), () when none can be read."""
    found = required_needles(pattern.pattern, pattern.flags)
    return tuple(sorted({literal.casefold() for literal in found})) if found else ()


def _check(rule: BoilerplateRule) -> RuleCheck:
    known = _RULE_CHECKS.get(id(rule))
    if known is not None and known[0] is rule:
        return known[1]
    pattern = rule.pattern
    trusted = pattern is not None and pattern.trusted  # user patterns run on `regex`: no screen
    screen = edge_screen(pattern.pattern, pattern.flags) if trusted else None  # type: ignore[union-attr]
    literals = _literals(pattern) if trusted else ()  # type: ignore[arg-type]
    fullmatch = pattern.fullmatch if pattern is not None else None
    program = pattern.program if pattern is not None else None
    if program is not None:  # shipped: the `re` program SafePattern built, called directly
        fullmatch = program.fullmatch
    find = _needle_search(rule.needles) if rule.needles else None
    check = RuleCheck(rule.name, rule.max_words, rule.phrases, pattern, screen, fullmatch, rule.needles, find,
                      literals)
    if len(_RULE_CHECKS) >= 1024:
        _RULE_CHECKS.clear()
    _RULE_CHECKS[id(rule)] = (rule, check)
    return check


_RULE_CHECKS: dict[int, tuple[BoilerplateRule, RuleCheck]] = {}
_CHECKS: dict[int, tuple[tuple[BoilerplateRule, ...], RuleChecks]] = {}


def checks_for(rules: Sequence[BoilerplateRule]) -> RuleChecks:
    """The checks of a rule set, in its order (remembered for the last few rule tuples)."""
    known = _CHECKS.get(id(rules))
    if known is not None and known[0] is rules:
        return known[1]
    checks = RuleChecks([_check(rule) for rule in rules])
    if isinstance(rules, tuple):  # a list may change under the same id
        if len(_CHECKS) >= 16:
            _CHECKS.clear()
        _CHECKS[id(rules)] = (rules, checks)
    return checks
