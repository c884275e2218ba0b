"""The word and literal pre-checks must never say "no" to a text a pattern matches."""

import re
import tomllib
import unicodedata
from re import _casefix

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe_audit.dating.eras import load_eras, screened_facts
from dedupe_audit.provenance.cues import load_cues
from dedupe_audit.provenance.outlets import load_registry
from dedupe_audit.rules.datafiles import data_file
from dedupe_audit.rules.literals import (
    DIGIT,
    DIGIT_RUN,
    NEWER,
    LiteralScreen,
    WordProbe,
    fold,
    required_literals,
    required_words,
    trie_pattern,
)


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"(?:Barack\s+)?Obama", {"obama"}),
        (r"(?:Donald\s+(?:J\.\s+)?)?Trump", {"trump"}),
        (r"(?:Рекс\w*\s+)?Т[іи]ллерсон\w*", {"тіллерсон", "тиллерсон"}),
        (r"the\s+Biden\s+administration", {"biden"}),
        (r"(?:Joe|Joseph)\s+Biden", {"biden"}),
        (r"(?:Robert\s+)?O[’']Brien", {"brien"}),
        (r"Scholz|Merz", {"scholz", "merz"}),
    ],
)
def test_required_words_are_read_from_the_pattern(pattern, words):
    assert required_words(pattern) == words


@pytest.mark.parametrize("pattern", [r"\w*Biden", r"Ab", r"(?:Joe|Jo)\s+X", r"О[’ʼ']?Брайен", "(", r"a|\d+"])
def test_unreadable_patterns_give_none(pattern):
    assert required_words(pattern) is None


ERAS = load_eras()
SCREEN = screened_facts(ERAS)
KEYED = tuple(fact for fact in SCREEN.items if fact not in SCREEN.unscreened)  # facts a literal keys


def test_every_shipped_fact_is_screened_by_literals():
    assert len(KEYED) == len(ERAS.facts)


# Generating texts from a fact's pattern costs ~30 ms a text, so the property is checked on a fixed,
# seeded sample of the facts (every fact kind and language is among the shipped ones sampled) rather
# than 25 texts for each of the ~1,300 facts; `derandomize` keeps every run of the suite the same.
SCREEN_PROPERTY = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@SCREEN_PROPERTY
@given(fact=st.sampled_from(KEYED), data=st.data())
def test_every_text_a_fact_matches_passes_the_screen(fact, data):
    text = data.draw(st.from_regex(re.compile(fact.pattern.pattern, re.IGNORECASE), fullmatch=True))
    context = data.draw(st.sampled_from(["{}", "He met {} on Monday.", "«{}», — сказав він.", "({})"]))
    sentence = context.format(text)
    if fact.pattern.search(sentence):
        assert fact in SCREEN.for_text(sentence), (fact.fact_id, sentence)


def test_a_text_naming_nobody_runs_no_fact():
    assert SCREEN.for_text("The weather was fine in Kyiv today, 25 April 2025.") == ()
    # a screen passes candidates: a fact keyed on its title word (a two-letter name is no key) may
    # come along, a fact whose every key is absent may not
    holders = {f.holder for f in SCREEN.for_text("President Joe BIDEN said")}
    assert "Joe Biden" in holders and "Barack Obama" not in holders and "Donald Trump" not in holders


def test_probe_rejects_text_without_any_word():
    probe = WordProbe({"biden", "трамп"})
    assert probe.may_match("Президент Трампа") and probe.may_match("BIDEN said")
    assert not probe.may_match("The weather was fine in Kyiv today.")


CUES = load_cues(load_registry())
RAW_CUES = {entry["name"]: entry["pattern"] for entry in tomllib.loads(data_file("cues.toml"))["cue"]}
SCREENED_CUES = [rule for rule in CUES.rules if rule.keywords]


def test_most_cue_rules_are_screened_by_keywords():
    # credit shapes around an outlet's name (datelines, bylines, the byline slot, "(AFP)"
    # closing a paragraph, an embedded post's signature) have no keyword: the alias probe
    # screens them
    assert len(SCREENED_CUES) >= 0.65 * len(CUES.rules)


@SCREEN_PROPERTY
@given(rule=st.sampled_from(SCREENED_CUES), data=st.data())
def test_every_text_a_cue_pattern_matches_holds_one_of_its_keywords(rule, data):
    # the rule's own pattern text with a real outlet in place of the placeholders (generating
    # from the expanded pattern, with every alias, is far too slow)
    raw = RAW_CUES[rule.name].replace("{outlet}", "Reuters").replace("{via}", "UNN")
    text = data.draw(st.from_regex(re.compile(raw, re.IGNORECASE), fullmatch=True))
    if rule.pattern.search(text):
        assert CUES.keyword_probe.matching(text) & rule.keywords, (rule.name, text)


# --------------------------------------------------------------------------- literal screens


@pytest.mark.parametrize(
    ("pattern", "trusted", "ways"),
    [
        (r"\btoday\b|\bсьогодні\b", True, [{"today"}, {"сьогодні"}]),
        (r"\bthis\s+week\b", True, [{"this", "week"}]),
        (r"(?:Joe\s+)?BIDEN", True, [{"biden"}]),
        # a year-shaped run of digits, not any digit (updated: digit runs are read now)
        (r"наступн\w*\s+(?P<y>(?:19|20)\d\d)", True, [{"наступн", DIGIT_RUN + r"[12][09]\d\d"}]),
        (r"\bby\s+(?P<y>20\d\d)\b|\bдо\s+(?P<z>\d{4})\s+року", True,
         [{DIGIT_RUN + r"20\d\d"}, {"року", DIGIT_RUN + r"\d\d\d\d"}]),
        (r"(?:\d\d|[0-3]\d)\.\d", True, [{DIGIT_RUN + r"\d\d"}]),
        (r"[0-3]?\d\.\d", True, [{DIGIT}]),  # runs one digit long: a digit, no more
        # a user pattern runs on `regex`, which may know more digits and cases than `re`
        (r"наступн\w*\s+(?P<y>(?:19|20)\d\d)", False, [{"наступн"}, {NEWER}]),
        (r"(?:цього|поточного)\s+року", True, [{"цього", "року"}, {"поточного", "року"}]),
        (r"(?:abc)+x|(?>defg)", True, [{"abc"}, {"defg"}]),
    ],
)
def test_required_literals_are_read_from_the_pattern(pattern, trusted, ways):
    assert required_literals(pattern, re.IGNORECASE, trusted=trusted) == {frozenset(w) for w in ways}


@pytest.mark.parametrize(
    ("pattern", "trusted"),
    [(r"ab", True), (r"\w+", True), (r"a|bcd", True), ("(", True), (r"(?=abc)", True),
     (r"(?:Biden){e<=1}", False), (r"[[:alpha:]]bcd", False), (r"x\{abc", False)],
)
def test_unreadable_patterns_need_nothing(pattern, trusted):
    assert required_literals(pattern, re.IGNORECASE, trusted=trusted) is None


def test_a_digit_run_passes_only_texts_holding_digits_of_its_shape():
    screen = LiteralScreen([required_literals(r"\bby\s+(?:the\s+end\s+of\s+)?(?P<y>(?:19|20)\d\d)\b"),
                            required_literals(r"до\s+кінця\s+(?P<y>(?:19|20)\d\d)\s+року")])
    assert screen.may_match("by 2020") == {0}
    assert screen.may_match("до кінця 1999 року") == {0, 1}  # the first rule's run is there too
    assert screen.may_match("by page 7, 3 people and 30 years") == set()
    assert screen.may_match("до кінця 2120 року") == set()  # "21..": no place may be 1 then 1
    assert screen.may_match("до кінця 2\u0669\u0662\u0660 року") == set()  # [09] is ASCII here
    assert screen.may_match("рік 20\u0669\u0662 до кінця року") == {0, 1}  # \d: any digit


def test_screen_needs_every_literal_of_one_way():
    screen = LiteralScreen([required_literals(r"\bthis\s+week\b|\bnext\s+week\b"),
                            required_literals(r"\d{4}"), None])
    assert screen.may_match("This Week") == {0, 2}
    assert screen.may_match("this month, in 2025") == {1, 2}
    assert screen.may_match("weekly") == {2}
    assert screen.may_match("nextweek") == {0, 2}  # substrings: no word boundaries needed


ALL_CHARS = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
KNOWN = [c for c in ALL_CHARS if unicodedata.category(c) != "Cn"]  # to this Python's tables
CASED = [c for c in KNOWN if c.lower() != c or c.upper() != c or c.casefold() != c
         or ord(c) in _casefix._EXTRA_CASES]


def test_fold_is_one_character_for_one():
    assert all(len(fold(c)) == 1 for c in ALL_CHARS)
    assert fold("İSTANBUL ſea ΣΑΣ") == "istanbul sea " + fold("σας")


@pytest.mark.parametrize("engine", [re, regex], ids=["re", "regex"])
def test_characters_an_engine_matches_ignoring_case_fold_alike(engine):
    flags = engine.IGNORECASE | (regex.VERSION0 if engine is regex else 0)
    haystack = "".join(CASED)
    for char in CASED:
        found = set(engine.findall(engine.escape(char), haystack, flags))
        assert {fold(c) for c in found} == {fold(char)}, char
    # and no other character this Python knows matches a cased one (`regex` may know newer
    # ones: the NEWER token covers them)
    matched = engine.findall("[" + "".join(engine.escape(c) for c in CASED) + "]", "".join(KNOWN), flags)
    assert set(matched) <= set(CASED)


def test_user_patterns_pass_texts_with_characters_this_python_does_not_know():
    screen = LiteralScreen([required_literals("große", trusted=False), required_literals("große")])
    newer = "gro\U0001df95e"  # a letter newer than this Python; `regex` may match it to "ß"
    if unicodedata.category(newer[3]) != "Cn":
        pytest.skip("this Python knows the letter: nothing newer to test with")
    assert screen.may_match(newer) == {0}
    assert screen.may_match("GROẞE") == {0, 1}
    assert screen.may_match("grosse") == set()


WORDS = st.lists(st.text(alphabet="abAB", min_size=1, max_size=4), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(words=WORDS, text=st.text(alphabet="abAB ", max_size=30))
def test_trie_matches_what_a_longest_first_alternation_matches(words, text):
    folded = {fold(w) for w in words}
    flat = "|".join(sorted(map(re.escape, folded), key=len, reverse=True))
    for pattern, flags in ((trie_pattern(folded), re.IGNORECASE), (trie_pattern(set(words)), 0)):
        reference = flat if flags else "|".join(sorted(map(re.escape, set(words)), key=len, reverse=True))
        found = [m.span() for m in re.finditer(rf"\b(?:{pattern})(?:a|b)?\b", text, flags)]
        assert found == [m.span() for m in re.finditer(rf"\b(?:{reference})(?:a|b)?\b", text, flags)]


def test_a_way_is_keyed_on_a_surname_rather_than_a_short_fragment_or_a_shared_title():
    lynch = frozenset({frozenset({"ste", "lynch"})})
    loretta = frozenset({frozenset({"loretta", "lynch"})})
    obama = frozenset({frozenset({"president", "обам"}), frozenset({"obama"})})
    bush = frozenset({frozenset({"president", "bush"})})
    screen = LiteralScreen([lynch, loretta, obama, bush])
    # each way is looked up by one of its literals: never "ste" (it runs through most paragraphs)
    # nor "president" (the title serves many facts), so "ste lynch" is keyed on "lynch",
    # "president обам" on "обам", "president bush" on "bush"
    assert screen.keys == {"lynch", "loretta", "обам", "obama", "bush"}
    # the key changes which ways are looked at, never which pass
    assert screen.may_match("Steve LYNCH said") == {0}
    assert screen.may_match("Stephen met Loretta Lynch") == {0, 1}
    assert screen.may_match("Президент Обама и president Bush") == {2, 3}
    assert screen.may_match("lynchpin of the presidency") == set()


def test_both_automata_find_the_same_literals(monkeypatch):
    """The Rust automaton (ahocorasick_rs) and the fallback (pyahocorasick) find the same
    literals, overlapping ones included ("year" in "years", "ear" in "year")."""
    from dedupe_audit.rules import literals

    keys = {"year", "years", "ear", "the", "трамп", "рамп", "zz"}
    text = literals.fold("The years of Трамп; the earring.")
    rust = literals.key_finder(keys).found(text)
    monkeypatch.setattr(literals, "ahocorasick_rs", None)
    fallback = literals.key_finder(keys).found(text)
    assert rust == fallback == {"the", "year", "years", "ear", "трамп", "рамп"}


def test_a_lone_surrogate_finds_the_same_literals():
    """Scraped text may hold lone surrogates, which the Rust automaton cannot take as UTF-8."""
    from dedupe_audit.rules import literals

    finder = literals.key_finder({"trump", "news"})
    assert finder.found("\ud800 trump news \udfff") == {"trump", "news"}
