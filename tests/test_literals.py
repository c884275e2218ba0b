"""The word pre-check must never say "no" to a text a pattern matches."""

import re
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe_audit.cues import load_cues
from dedupe_audit.datafiles import data_file
from dedupe_audit.eras import _screen, load_eras
from dedupe_audit.literals import WordProbe, required_words
from dedupe_audit.outlets import load_registry


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
SCREEN = _screen(ERAS)


def test_most_shipped_facts_are_screened_by_words():
    assert len(SCREEN.keyed) >= 0.9 * len(ERAS.facts)


@pytest.mark.parametrize("fact", SCREEN.keyed, ids=lambda f: f.fact_id)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_text_a_fact_matches_passes_the_screen(fact, data):
    text = data.draw(st.from_regex(re.compile(fact.pattern.pattern, re.IGNORECASE), fullmatch=True))
    context = data.draw(st.sampled_from(["{}", "He met {} on Monday.", "«{}», — сказав він.", "({})"]))
    sentence = context.format(text)
    if fact.pattern.search(sentence):
        assert SCREEN.probe.may_match(sentence), (fact.fact_id, sentence)
        assert fact in SCREEN.facts_for(sentence), (fact.fact_id, sentence)


def test_probe_rejects_text_without_any_word():
    probe = WordProbe({"biden", "трамп"})
    assert probe.may_match("Президент Трампа") and probe.may_match("BIDEN said")
    assert not probe.may_match("The weather was fine in Kyiv today.")


CUES = load_cues(load_registry())
RAW_CUES = {entry["name"]: entry["pattern"] for entry in tomllib.loads(data_file("cues.toml"))["cue"]}
SCREENED_CUES = [rule for rule in CUES.rules if rule.keywords]


def test_most_cue_rules_are_screened_by_keywords():
    assert len(SCREENED_CUES) >= 0.7 * len(CUES.rules)


@pytest.mark.parametrize("rule", SCREENED_CUES, ids=lambda r: r.name)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_text_a_cue_pattern_matches_holds_one_of_its_keywords(rule, data):
    # the rule's own pattern text with a real outlet in place of the placeholders (generating
    # from the expanded pattern, with every alias, is far too slow)
    raw = RAW_CUES[rule.name].replace("{outlet}", "Reuters").replace("{via}", "UNN")
    text = data.draw(st.from_regex(re.compile(raw, re.IGNORECASE), fullmatch=True))
    if rule.pattern.search(text):
        assert CUES.keyword_probe.matching(text) & rule.keywords, (rule.name, text)
