"""Two speed-ups of the era facts and time rules must change no match and drop no text a
pattern matches: the lookahead of a pattern's first characters (``first_chars``, every
trusted pattern's program) and the word-start check behind the literal screen
(``literals.word_start_literals``)."""

import functools
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe_audit.dating.eras import load_eras, screened_facts
from dedupe_audit.dating.time_expressions import time_language
from dedupe_audit.rules.first_chars import first_class, with_first_chars
from dedupe_audit.rules.knowledge_cache import compile_pattern
from dedupe_audit.rules.literals import (
    JointScreen,
    LiteralScreen,
    Screened,
    required_literals,
    word_start_literals,
)

try:  # Python 3.11+ keeps the parser here
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

ERAS = load_eras()
LANG = time_language()
FACTS = screened_facts(ERAS)
JOINT = JointScreen(LANG.rules, FACTS)
# (item, its pattern): every shipped time rule and a fixed spread of the era facts (compiling
# a fact's pattern costs ~10 ms: all ~1,800 would take the suite half a minute), with the
# facts whose first words are Cyrillic or short names among them
SAMPLED_FACTS = FACTS.items[:: max(1, len(FACTS.items) // 20)]
ITEMS = [*((f, f.pattern) for f in SAMPLED_FACTS), *((r, r.pattern) for r in LANG.rules.items)]
# what may stand right before and after a match: nothing, a space, a word character glued
# to it ("urban" before "Ban"), Cyrillic words, punctuation, digits
BEFORE = ["", " ", "x", "ur", "Іспанія ", "Іспа", "«", "(", "1", "he said ", "_"]
AFTER = ["", " ", "s", ".", "’s", " said.", "ів", "2024"]
PROPERTY = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _a_match(items, pick: random.Random, depth: int = 0) -> str:
    """A text the parsed sequence may match: each alternation's branch and each optional
    part picked, the first character of each class (lookarounds are left to chance: the
    properties only look at texts the pattern does match)."""
    out = []
    for op, arg in items:
        if op is C.LITERAL:
            out.append(chr(arg))
        elif op is C.IN:
            kind, value = arg[0]
            out.append(chr(value) if kind is C.LITERAL else chr(value[0]) if kind is C.RANGE
                       else {C.CATEGORY_DIGIT: "7", C.CATEGORY_SPACE: " "}.get(value, "a"))
        elif op is C.ANY:
            out.append("a")
        elif op is C.BRANCH:
            out.append(_a_match(list(pick.choice(arg[1])), pick, depth))
        elif op is C.SUBPATTERN:
            out.append(_a_match(list(arg[-1]), pick, depth))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, high = arg[0], min(arg[1], arg[0] + 1)
            times = pick.randint(low, high) if depth < 6 else low
            out.append("".join(_a_match(list(arg[2]), pick, depth + 1) for _ in range(times)))
    return "".join(out)


@functools.cache
def _parsed(pattern: str, flags: int) -> list:
    return list(P.parse(pattern, flags))


@functools.cache
def _programs(pattern: str, flags: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The pattern as `re` compiles it and as the project does (behind its lookahead)."""
    return re.compile(pattern, flags), compile_pattern(pattern, flags)


def _text(pattern, data) -> str:
    # one draw picks every branch (a draw per choice cost hypothesis ~1 ms each)
    pick = random.Random(data.draw(st.integers(0, 2**32)))
    match = _a_match(_parsed(pattern.pattern, int(pattern.flags)), pick)
    return data.draw(st.sampled_from(BEFORE)) + match + data.draw(st.sampled_from(AFTER))


@PROPERTY
@given(item=st.sampled_from(ITEMS), data=st.data())
def test_the_screen_never_drops_a_text_a_fact_or_rule_matches(item, data):
    thing, pattern = item
    text = _text(pattern, data)
    if pattern.search(text):
        rules, facts = JOINT.for_text(text)
        assert thing in rules or thing in facts, (text, pattern.pattern[:80])


@PROPERTY
@given(item=st.sampled_from(ITEMS), data=st.data())
def test_a_pattern_behind_its_first_characters_matches_alike(item, data):
    _, pattern = item
    text = _text(pattern, data)
    plain, fronted = _programs(pattern.pattern, int(pattern.flags))
    assert [(m.span(), m.groups()) for m in fronted.finditer(text)] == [
        (m.span(), m.groups()) for m in plain.finditer(text)], text


def test_most_shipped_facts_get_a_lookahead_and_keep_their_text_and_groups():
    fronted = sum(first_class(f.pattern.pattern, int(f.pattern.flags)) is not None for f in SAMPLED_FACTS)
    assert fronted > 0.9 * len(SAMPLED_FACTS)
    rule = next(r for r in LANG.rules.items if r.pattern.program.groupindex)
    program = compile_pattern(rule.pattern.pattern, int(rule.pattern.flags))
    assert program.pattern == rule.pattern.pattern  # as written, not the fronted text
    assert program.groupindex == re.compile(rule.pattern.pattern, int(rule.pattern.flags)).groupindex


@pytest.mark.parametrize(("pattern", "flags", "first"), [
    (r"(?<!\w)(?:President|Прем[’']єр)\s+Biden", re.I, "[PП]"),
    (r"\bby\s+20\d\d|до\s+кінця", re.I, "[bд]"),
    (r"(?:the\s+)?Kremlin|Кремл\w*", re.I, "[tKК]"),
    (r"\d{4}\s+год", 0, r"[\d]"),
])
def test_the_first_characters_are_read_from_the_pattern(pattern, flags, first):
    assert first_class(pattern, flags) == first


@pytest.mark.parametrize(("pattern", "flags"), [
    (r"(?:the\s+)?", re.I),  # may match the empty string
    (r"[^a]bc", 0),  # a negated class
    (r"\w+\s+said", 0),  # a wide category: the lookahead would refuse nothing
    (r".*Biden", 0),  # any character
    (r"(?i:biden)", 0),  # case-insensitive inside a case-sensitive pattern
    (r"(?x) biden", 0),  # verbose, global flags
    (r"(?P<x>a)?(?(x)b|c)", 0),  # a conditional on a group
])
def test_no_lookahead_where_the_first_characters_cannot_be_read(pattern, flags):
    assert first_class(pattern, flags) is None
    assert with_first_chars(pattern, flags) == pattern


@pytest.mark.parametrize(("pattern", "text"), [
    (r"(?<!\w)(?:sen\.|senator)\s+\w+", "SENATOR McCain and ſenator Graham"),  # long s folds to s
    (r"\bkelvin\b|\bstraße\b", "\u212aELVIN, STRASSE, Straße"),
    (r"(?<!\w)(?:Президент|Прем’єр)\s+\w+", "Президент Зеленський; ПРЕМ’ЄР Свириденко; президент Путин"),
])
def test_case_variants_match_behind_the_lookahead_as_without_it(pattern, text):
    plain = re.compile(pattern, re.I)
    fronted = re.compile(with_first_chars(pattern, re.I), re.I)
    assert [m.span() for m in fronted.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert plain.search(text)


# --------------------------------------------------------------------------- word starts


@pytest.mark.parametrize(("pattern", "words"), [
    (r"(?<!\w)(?:Ban(?:\s+Ki[\s-]?moon)?|Пан\s+Гі\s*Мун\w*)(?!\w)", {"ban", "пан"}),
    (r"\b(?:next|this)\s+week\b", {"week"}),
    (r"\bнаступного\s+тижня\b|\bследующей\s+недели\b", {"наступного", "следующей"}),
    (r"(?:\bnext|\bthis)\s+(?:week|month)", {"next", "this"}),
])
def test_word_start_literals_are_read_from_patterns_that_start_at_a_word(pattern, words):
    assert word_start_literals(pattern, re.I) == words


@pytest.mark.parametrize(("pattern", "flags", "trusted"), [
    (r"Ban(?:\s+Ki-moon)?", re.I, True),  # may start inside a word
    (r"\bby\s+the\s+end|до\s+кінця", re.I, True),  # one branch has no word boundary
    (r"\Bban", re.I, True),
    (r"(?<!\w)straße", re.I, True),  # lower-casing and case folding disagree on "ß"
    (r"(?<!\w)Ban\s+Ki", re.I, False),  # a user's pattern runs on `regex`
    (r"(?<!\w)Ban \s+Ki", re.I | re.X, True),
])
def test_no_word_start_literals_where_they_cannot_be_relied_on(pattern, flags, trusted):
    assert word_start_literals(pattern, flags, trusted) is None


BAN = r"(?<!\w)(?:(?:UN\s+chief|Secretary-General)\s+)?(?:Ban(?:\s+Ki[\s-]?moon)?|Пан\s+Гі\s*Мун\w*)(?!\w)"
KREMLIN = r"(?<!\w)(?:Kremlin|Кремл\w*)"


def _screened() -> Screened[str]:
    patterns = [(BAN, re.I, True), (KREMLIN, re.I, True)]
    return Screened(["ban", "kremlin"], [required_literals(p, f) for p, f, _ in patterns], patterns)


@pytest.mark.parametrize(("text", "passing"), [
    ("UN chief Ban Ki-moon said on Monday", ("ban",)),
    ("Генсек ООН Пан Гі Мун заявив", ("ban",)),
    ("«Ban» was his answer", ("ban",)),
    ("urban planning in the suburbs", ()),  # "ban" only inside words
    ("Іспанія та Японія", ()),  # "пан" inside "Іспанія"
    ("The Kremlin said; Кремль заявил", ("kremlin",)),
    ("pre-Kremlin era", ("kremlin",)),  # a hyphen is no word character
    ("underbank", ()),
])
def test_the_screen_passes_a_literal_only_at_a_word_start(text, passing):
    assert _screened().for_text(text) == passing


def test_without_patterns_the_screen_passes_substrings_as_before():
    needs = [required_literals(BAN, re.I), required_literals(KREMLIN, re.I)]
    assert Screened(["ban", "kremlin"], needs).for_text("urban planning") == ("ban",)
    with pytest.raises(ValueError):
        LiteralScreen(needs, [(BAN, re.I, True)])
