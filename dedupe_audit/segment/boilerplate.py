"""Site furniture rules, loaded from TOML so a user can add their own.

A rule matches a whole paragraph, never a part of one: furniture is a line of its own on a
scraped page, and matching inside article text would hide real content.
"""

from __future__ import annotations

import sys
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..rules.datafiles import data_file, named_entry, parse_toml, read_user_file
from ..rules.knowledge_cache import remembered
from ..rules.saferegex import IGNORECASE, RuleFileError, SafePattern, compile_rule
from ..rules.screens import EdgeScreen, edge_screen, lookahead_needles, required_needles

try:  # Aho-Corasick: one pass finds every needle of many rules
    import ahocorasick_rs
except ImportError:  # pragma: no cover - pyahocorasick, or needle by needle: the same answers
    ahocorasick_rs = None
try:
    import ahocorasick
except ImportError:  # pragma: no cover
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
def load_rules(extra_files: tuple[str, ...] = ()) -> RuleSet:
    """User rules first (they take precedence), then the shipped ones: a ``RuleSet``, which
    carries the checks built from the rules for as long as the rules are in use."""
    user: list[BoilerplateRule] = []
    for path in extra_files:
        user.extend(parse_rules(read_user_file(path, RuleError, "rule"), path))
    shipped = data_file("boilerplate.toml")
    return RuleSet((*user, *parse_rules(shipped, "dedupe_audit/data/boilerplate.toml")))


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
    # Case-folded literals read from a shipped pattern (``screens.required_needles``), one of
    # which every match holds; () when none can be read (a user's pattern is never read).
    literals: tuple[str, ...] = ()

    def edges_allow(self, first: str, last: str) -> bool:
        """Whether the pattern may match a text that starts and ends so."""
        return self.pattern is not None and (self.screen is None or self.screen.edges_admit(first, last))


# Characters that `re` (IGNORECASE) matches to a letter a literal may hold but that case-fold
# to something else ("ı" ~ "i"; "İ" folds to "i" + U+0307): a folded text holding one passes
# every rule screened by its literals (tests/rules/test_screens.py checks the list over Unicode).
_DOTLESS_I, _DOT_ABOVE = "\u0131", "\u0307"
_FOLD_MISMATCH = (_DOTLESS_I, _DOT_ABOVE)
# Up to this many needles a paragraph is searched needle by needle (`str.__contains__`, ~0.18 us
# a needle on a paragraph of ~200 characters); more are found by one Aho-Corasick pass over
# every rule's needles (~1.1 us with ahocorasick_rs, ~3.4 us with pyahocorasick).
FEW_NEEDLES = 6


def _key_finder(keys: Sequence[str]) -> Callable[[str, bool], Iterable[str]] | None:
    """A search for every occurrence of any of ``keys`` in a text (overlapping ones too: a
    needle inside another is found), answering with the keys found; None without an
    Aho-Corasick package (then every search is needle by needle)."""
    if not keys:
        return None
    if ahocorasick_rs is not None:  # Rust, a DFA: about three times pyahocorasick's speed here
        automaton = ahocorasick_rs.AhoCorasick(
            list(keys), implementation=ahocorasick_rs.Implementation.DFA, store_patterns=True)
        return automaton.find_matches_as_strings  # called with overlapping=True, positionally
    if ahocorasick is not None:
        tree = ahocorasick.Automaton()
        for key in keys:
            tree.add_word(key, key)
        tree.make_automaton()
        return lambda folded, _overlapping=True: [key for _, key in tree.iter(folded)]
    return None


class _Stage:
    """What is known of the texts whose edges leave one set of rules and whose word count falls
    in one bucket: which of those rules need a needle or are screened by their literals, the
    search for those (None when no rule left needs one), and the plans to run by what the
    search found (``found``: bit ``n`` a needle of rule ``n``, bit ``n + count`` a literal of
    rule ``n``, bit ``2 * count``: the text holds a character literals cannot be trusted on)."""

    __slots__ = ("admitted", "bucket", "keys", "find", "mask", "plan", "plans", "read")

    def __init__(self, admitted: int, bucket: int, key_bits: dict[str, int], read: int,
                 find: Callable[[str, bool], Iterable[str]] | None) -> None:
        self.admitted = admitted
        self.bucket = bucket
        self.read = read  # the rules left screened by their literals
        # the rule set's search for every key (None: key by key); it answers with keys of
        # other stages' rules too, so `mask` holds the bits this stage asks about
        self.find = find if len(key_bits) > FEW_NEEDLES else None
        # this stage's keys and their bits, for a search key by key (kept only then: a stage
        # searched at once needs its mask alone, and sorting hundreds of keys for each of a
        # corpus's thousands of stages cost more than its paragraphs' searches)
        self.keys = tuple(sorted(key_bits.items())) if self.find is None else ()
        self.mask = 0
        for bits in key_bits.values():
            self.mask |= bits
        self.plan: tuple[_Step, ...] | None = None  # the plan when no search is needed
        self.plans: dict[int, tuple[_Step, ...]] = {}  # found -> plan


class RuleChecks:
    """A rule set made ready for many paragraphs. Most paragraphs fail most patterns on
    their first or last character, or lack every literal a pattern needs: which rules a first
    character leaves, and which a last one leaves, is worked out once per character (a bit
    per rule); the needles and literals of the rules that a pair of those sets and a word
    count leave are found by one search of the paragraph; and which checks the rules left
    then need, once per (set, word-limit bucket, what the search found) (a corpus has a few
    thousand). A paragraph runs only those. The answer is :func:`classify`'s, rule by rule."""

    def __init__(self, checks: Sequence[RuleCheck], probes: Sequence[str] = ()) -> None:
        self.checks = tuple(checks)
        self._plans: dict[tuple[int, int], tuple[_Step, ...]] = {}
        self._stages: dict[int, _Stage] = {}  # keyed by the rules the edges leave and the word bucket
        self._narrowed_plans = 0  # plans kept in all stages (see _narrowed)
        self._firsts: dict[str, int] = {}  # character -> rules whose matches may start with it
        self._lasts: dict[str, int] = {}  # character -> rules whose matches may end with it
        # The rules' distinct word limits, ascending: a paragraph's bucket is where its word
        # count falls among them, and every paragraph of a bucket faces the same rules.
        self._limits = sorted({c.max_words for c in self.checks if c.max_words is not None})
        self._bucket_bits = (len(self._limits) + 1).bit_length()  # a bucket is 0 .. len(limits)
        self._with_pattern = sum(1 << n for n, c in enumerate(self.checks) if c.pattern is not None)
        count = len(self.checks)
        self._count = count
        self._untrusted = 1 << (2 * count)  # in `found`: the literals cannot be trusted
        # rule n's needles set bit n of a search's answer, its literals bit n + count
        self._key_bits: dict[str, int] = {}
        for n, check in enumerate(self.checks):
            if check.pattern is None:
                continue
            for needle in check.needles:
                self._key_bits[needle] = self._key_bits.get(needle, 0) | 1 << n
            for literal in check.literals:
                self._key_bits[literal] = self._key_bits.get(literal, 0) | 1 << (n + count)
        # each rule's keys with the bit each sets (its needles: bit n, its literals: bit n + count):
        # a stage gathers the keys of the rules it leaves, rather than masking every key of the
        # set, since a corpus meets thousands of stages and the set holds ~900 keys
        self._rule_keys: tuple[tuple[tuple[str, int], ...], ...] = tuple(
            () if check.pattern is None else (
                *((needle, 1 << n) for needle in check.needles),
                *((literal, 1 << (n + count)) for literal in check.literals))
            for n, check in enumerate(self.checks))
        # Probes: strings a caller wants to know about (case-folded), found by the same search.
        self._probe = 1 << (2 * count + 1)
        for probe in probes:
            self._key_bits[probe] = self._key_bits.get(probe, 0) | self._probe
        self._needled = sum(1 << n for n, c in enumerate(self.checks) if c.pattern is not None and c.needles)
        self._read = sum(1 << n for n, c in enumerate(self.checks) if c.pattern is not None and c.literals)
        self._finder: Callable[[str, bool], Iterable[str]] | None = None  # every key, built on first need

    def first_match(self, stripped: str, words: int) -> str | None:
        """Name of the first rule matching a paragraph already stripped, given its word count."""
        return self.probe_match(stripped, words)[0]

    def probe_match(self, stripped: str, words: int) -> tuple[str | None, bool | None]:
        """:meth:`first_match`'s answer, and whether the paragraph case-folded holds one of the
        set's ``probes``: known (True or False) when the paragraph was searched for needles
        anyway, None when it was not (then the caller asks for itself)."""
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
        stage = self._stages.get(admitted << self._bucket_bits | bucket)  # an int key: no tuple to build
        if stage is None:
            stage = self._stage(admitted, bucket)
        plan = stage.plan
        probed = None
        if plan is None:  # some rule left needs a needle or a literal
            folded = stripped.casefold()
            find = stage.find
            if find is not None:  # every key searched at once: the probes' answer comes free
                bits = self._key_bits
                found = 0
                try:
                    keys_found = find(folded, True)  # every occurrence, overlapping ones too
                except UnicodeEncodeError:  # a lone surrogate: the Rust search reads UTF-8 only
                    keys_found = [key for key in bits if key in folded]
                for found_key in keys_found:
                    found |= bits[found_key]
                probed = found & self._probe != 0
                found &= stage.mask
            else:
                found = 0
                for found_key, key_bits in stage.keys:
                    if found_key in folded:
                        found |= key_bits
            if stage.read and not folded.isascii() and (_DOTLESS_I in folded or _DOT_ABOVE in folded):
                found |= self._untrusted
            plan = stage.plans.get(found)
            if plan is None:
                plan = self._narrowed(stage, found)
        size = len(stripped)
        key = None
        for name, phrases, fullmatch, shortest, longest in plan:  # rules whose max_words admit `words`
            if phrases is not None:
                if key is None:
                    key = _phrase_key(stripped)
                if key in phrases:
                    return name, probed
            if fullmatch is not None and shortest <= size <= longest and fullmatch(stripped):
                return name, probed
        return None, probed

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

    def _stage(self, admitted: int, bucket: int) -> _Stage:
        """The :class:`_Stage` of texts whose edges leave the rules in ``admitted`` and whose
        word count falls in this bucket."""
        count = self._count
        left = sum(1 << n for n, check in enumerate(self.checks)
                   if admitted >> n & 1 and self._allowed(bucket, check))
        needled, read = self._needled & left, self._read & left
        wanted, searched = needled | read << count, needled | read
        keys: dict[str, int] = {}  # each key of the rules left, with the bits it sets for them
        for n, rule_keys in enumerate(self._rule_keys):
            if searched >> n & 1:
                for key, bit in rule_keys:
                    if wanted & bit:
                        keys[key] = keys.get(key, 0) | bit
        if len(keys) > FEW_NEEDLES and self._finder is None:
            self._finder = _key_finder(sorted(self._key_bits))
        stage = _Stage(admitted, bucket, keys, read, self._finder)
        if not keys:
            stage.plan = self._plan(admitted, bucket)
        if len(self._stages) >= 16384:
            self._stages.clear()
        self._stages[admitted << self._bucket_bits | bucket] = stage
        return stage

    def _narrowed(self, stage: _Stage, found: int) -> tuple[_Step, ...]:
        """The plan of a stage's text whose search found ``found``: its rules left less those
        whose needles, or literals (when they can be trusted), the text lacks."""
        count = self._count
        needled, read = self._needled, stage.read
        # on a text literals cannot be trusted on, every literal-screened rule stays
        held = found | read << count if found & self._untrusted else found
        admitted = stage.admitted & (~needled | held) & (~read | held >> count)
        plan = self._plan(admitted, stage.bucket)
        self._narrowed_plans += 1
        if self._narrowed_plans > 65536:  # bounded memory on any corpus: forget, rebuild as met
            for known in self._stages.values():
                known.plans.clear()
            self._narrowed_plans = 1
        stage.plans[found] = plan
        return plan

    def _plan(self, admitted: int, bucket: int) -> tuple[_Step, ...]:
        """The checks to run on a text whose edges (and needles) leave the rules in
        ``admitted`` and whose word count falls in this bucket (``bisect_left`` of the
        rules' ``max_words``), as steps (see :data:`_Step`); rules with nothing left to ask,
        or only for shorter paragraphs, dropped."""
        steps: list[_Step] = []
        for n, check in enumerate(self.checks):
            possible = bool(admitted >> n & 1)
            if not (possible or check.phrases) or not self._allowed(bucket, check):
                continue
            screen = check.screen
            steps.append((check.name, check.phrases or None, check.fullmatch if possible else None,
                          screen.min_len if screen is not None else 0,
                          screen.max_len if screen is not None else sys.maxsize))
        plan = tuple(steps)
        if len(self._plans) >= 16384:
            self._plans.clear()
        self._plans[(admitted, bucket)] = plan
        return plan


# One check of a plan: (rule name, its phrases or None, the pattern's fullmatch or None when
# the pattern cannot match, the shortest and longest text the pattern may match).
_Step = tuple[str, "frozenset[str] | None", "Callable[[str], object] | None", int, int]


def _literals(pattern: SafePattern) -> tuple[str, ...]:
    """Case-folded literals one of which every match of a shipped pattern holds (read by
    ``screens.required_needles``, else from the pattern's lookaheads; both lower-case them, and
    every character a needle may hold folds as it lowers, see tests/rules/test_screens.py), () when
    none can be read. Remembered between runs by the pattern's text (``knowledge_cache``):
    reading the ~50 shipped patterns again cost ~0.15 s on every start."""
    text, flags = pattern.pattern, int(pattern.flags)
    return remembered("furniture-literals", (text, flags), lambda: _read_literals(text, flags), _is_literals)


def _read_literals(text: str, flags: int) -> tuple[str, ...]:
    found = required_needles(text, flags) or lookahead_needles(text, flags)
    return tuple(sorted({literal.casefold() for literal in found})) if found else ()


def _is_literals(value: object) -> bool:
    """Whether a value read back from the cache has the shape of literals."""
    return isinstance(value, tuple) and all(isinstance(literal, str) and literal for literal in value)


def _check(rule: BoilerplateRule) -> RuleCheck:
    """One rule made ready for many paragraphs (its screen, literals and match function)."""
    pattern = rule.pattern
    trusted = pattern is not None and pattern.trusted  # user patterns run on `regex`: no screen
    screen = edge_screen(pattern.pattern, pattern.flags) if trusted else None  # type: ignore[union-attr]
    # A rule that names its needles is screened by them alone: the literals read from its pattern
    # are often common words its needles already narrow ("day", "more", "monday"), and every key
    # the one search finds costs a match to report and a plan to learn (fifth round: ~+15% of the
    # segment stage on bench200k with them, none without; the same paragraphs match either way)
    literals = _literals(pattern) if trusted and not rule.needles else ()  # type: ignore[arg-type]
    fullmatch = pattern.fullmatch if pattern is not None else None
    program = pattern.program if pattern is not None else None
    if program is not None:  # shipped: the `re` program SafePattern built, called directly
        fullmatch = program.fullmatch
    return RuleCheck(rule.name, rule.max_words, rule.phrases, pattern, screen, fullmatch, rule.needles,
                     literals)


class RuleSet(tuple):  # noqa: SLOT001 - holds its checks beside the rules
    """Loaded furniture rules (a plain tuple of ``BoilerplateRule`` to every caller) carrying the
    ``RuleChecks`` built from them, one per probe set. Why on the rules: the checks learn plans
    paragraph by paragraph, so they must live as long as the rules a run segments with; held
    here, they go when the rules go, with no module cache keyed by the rules' identity."""

    _checks: dict[tuple[str, ...], RuleChecks]

    def __new__(cls, rules: Iterable[BoilerplateRule] = ()) -> RuleSet:
        made = super().__new__(cls, rules)
        made._checks = {}
        return made

    def __reduce__(self) -> tuple[type[RuleSet], tuple[tuple[BoilerplateRule, ...]]]:
        """Pickled as its rules alone (a worker builds its own checks)."""
        return (RuleSet, (tuple(self),))

    def checks(self, probes: tuple[str, ...] = ()) -> RuleChecks:
        """The checks of these rules, in their order, with ``probes`` (built on first use)."""
        found = self._checks.get(probes)
        if found is None:
            found = self._checks[probes] = RuleChecks([_check(rule) for rule in self], probes)
        return found


def checks_for(rules: Sequence[BoilerplateRule], probes: tuple[str, ...] = ()) -> RuleChecks:
    """The checks of a rule set, in its order, with ``probes`` (see
    :meth:`RuleChecks.probe_match`): those a ``RuleSet`` carries, else built for this call."""
    if isinstance(rules, RuleSet):
        return rules.checks(probes)
    return RuleChecks([_check(rule) for rule in rules], probes)
