"""Screens (dedupe_audit/rules/screens.py) must never say "no" to a text a rule matches.

Each shipped pattern generates its own matches (hypothesis ``from_regex``); the screened
answer must equal the answer of running every rule.
"""

import dataclasses
import pickle
import re
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe_audit.model import Paragraph
from dedupe_audit.provenance.cues import CueRule, load_cues
from dedupe_audit.provenance.outlets import alias_key, load_registry
from dedupe_audit.rules.datafiles import data_file
from dedupe_audit.rules.screens import (
    NEEDLE_CHARS,
    UNFOLDED,
    LiteralFinder,
    NeedleScreen,
    edge_screen,
    lowered,
    required_needles,
    start_lookahead,
    trie_pattern,
)
from dedupe_audit.segment.boilerplate import checks_for, load_rules

REGISTRY = load_registry()
CUES = load_cues(REGISTRY)
RAW_CUES = {entry["name"]: entry["pattern"] for entry in tomllib.loads(data_file("cues.toml"))["cue"]}
RULES = load_rules()
RAW_RULE_LIST = tomllib.loads(data_file("boilerplate.toml"))["rule"]
RAW_RULES = {e["name"]: e for e in RAW_RULE_LIST if "pattern" in e}
# Rule names may repeat (one kind of furniture in several shapes): each pattern rule by its
# position in the file, which is its position in RULES (no user rules are loaded here).
PATTERN_RULES = {f"{e['name']}@{n}": n for n, e in enumerate(RAW_RULE_LIST) if "pattern" in e}
CONTEXTS = ["{}", "He met {} on Monday.", "«{}», — сказав він.", "({})", "{} 25.04.25", "Kyiv • {}"]
OUTLETS = ["Reuters", "UNN", "The New York Times", "the Times", "Бі-бі-сі", "AP"]
# Generating a text from a rule's pattern costs tens of milliseconds, so each property below is
# checked on a fixed, seeded sample of (rule, text) pairs rather than 20 texts for every rule:
# `derandomize` keeps every run of the suite the same, the sample is spread over all the rules.
def sampled(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


def _unscreened(cues=CUES):
    """The same rules with no screen: every paragraph runs them all (the reference)."""
    return dataclasses.replace(cues, screen=None)


def _document(*texts: str) -> tuple[str, tuple[Paragraph, ...]]:
    """A document of paragraphs, one per line."""
    text, paragraphs, start = "".join(body + "\n" for body in texts), [], 0
    for i, body in enumerate(texts):
        paragraphs.append(Paragraph(i, start, start + len(body), i + 1, i + 1, text))
        start += len(body) + 1
    return text, tuple(paragraphs)


# --------------------------------------------------------------------------- cues


@sampled(150)
@given(name=st.sampled_from(sorted(RAW_CUES)), data=st.data())
def test_screened_cues_equal_running_every_rule(name, data):
    outlet = data.draw(st.sampled_from(OUTLETS))
    via = data.draw(st.sampled_from(OUTLETS))
    # outlets are matched case-sensitively: generate them so, the rest in any case
    raw = RAW_CUES[name].replace("{outlet}", f"(?-i:{re.escape(outlet)})")
    raw = raw.replace("{via}", f"(?-i:{re.escape(via)})")
    found = data.draw(st.from_regex(re.compile(raw, re.IGNORECASE), fullmatch=True))
    sentence = data.draw(st.sampled_from(CONTEXTS)).format(found)
    text, paragraphs = _document("Nothing to see here.", sentence, "The end.")
    expected = [_unscreened().find(p) for p in paragraphs]
    screened = dataclasses.replace(CUES)  # fresh caches
    assert screened.find_all(paragraphs, text) == expected, sentence
    assert [dataclasses.replace(CUES).find(p) for p in paragraphs] == expected, sentence


def test_most_cue_rules_have_needles():
    # Credits shaped by punctuation around an outlet's name (datelines, bylines, "(AFP)" closing
    # a paragraph, an outlet's name alone on its line) have no word to screen by; the alias scan
    # screens them. Every rule naming no outlet must have needles: it would run everywhere.
    assert sum(rule.needles is not None for rule in CUES.rules) >= 0.75 * len(CUES.rules)
    assert [rule.name for rule in CUES.rules if rule.needles is None and not _names_outlet(rule)] == []


def _names_outlet(rule: CueRule) -> bool:
    """Whether the rule can only match where a registered outlet's alias stands ({outlet} or
    {via}, not read open-world)."""
    return not rule.open_world and bool({"outlet", "via"} & set(rule.pattern.groupindex))


def test_a_paragraph_without_cues_runs_no_rule():
    text = "The weather was fine in Kyiv on Monday."
    # no alias, so only the rules naming no outlet are screened, and none of their needles is there
    assert CUES.screen.aliases.search(text) is None
    assert CUES.screen.free.passing(lowered(text)) == frozenset()
    assert CUES.find_all(*reversed(_document("Nothing here.", "Nor here."))) == [(), ()]


def test_a_screen_made_for_other_rules_is_dropped():
    fewer = dataclasses.replace(CUES, rules=CUES.rules[:3])
    assert fewer.screen is None and CUES.screen is not None


def test_user_rule_naming_no_outlet_runs_unscreened(tmp_path):
    extra = tmp_path / "cues.toml"
    extra.write_text('[[cue]]\nname = "mine"\nkind = "own"\npattern = "(?:foo|bar)baz"\n', encoding="utf-8")
    cues = load_cues(REGISTRY, (str(extra),))
    mine = next(rule for rule in cues.rules if rule.name == "mine")
    assert mine.needles is None  # runs on `regex`: not read with `re`'s parser
    text, paragraphs = _document("Nothing here.", "So barbaz it is.", "CNN reports rain.")
    found = cues.find_all(paragraphs, text)
    assert found == [_unscreened(cues).find(p) for p in paragraphs]
    assert [m.rule.name for m in found[1]] == ["mine"]


@pytest.mark.parametrize(
    ("pattern", "needles"),
    [
        (r"\bthe\s+(?:publication|newspaper)\s+writes", {"publication", "newspaper"}),
        (r"reports?\s+\w+", {"report", "reports"}),
        (r"(?:повідомляє|пише)\s+\w+", {"повідомляє", "пише"}),
        (r"з['’]ясувало", {"з'ясувало", "з’ясувало"}),
        (r"Source\s*:", {"source"}),
    ],
)
def test_needles_are_read_from_the_pattern(pattern, needles):
    assert required_needles(pattern, re.IGNORECASE) == needles


@pytest.mark.parametrize("pattern", [r"a|\d+", r"(?:ab)?c", r"\w+", "(", r"µ-law", r"Ελλάδα"])
def test_unreadable_or_unsafe_patterns_have_no_needles(pattern):
    assert required_needles(pattern, re.IGNORECASE) is None


def test_lowering_matches_ignorecase_for_every_needle_character():
    """Every character `re` matches (IGNORECASE) to a character needles may hold lowers
    to the same, or marks the text as not screenable (UNFOLDED)."""
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    allowed = "".join(c for c in everything[:0x2100] if NEEDLE_CHARS.fullmatch(c))
    assert all(len(c.lower()) == 1 for c in allowed)
    partners = re.compile("[" + re.escape(allowed) + "]", re.IGNORECASE).findall(everything)
    for char in set(partners):
        for needle_char in re.compile(re.escape(char), re.IGNORECASE).findall(allowed):
            # boilerplate searches case-folded text for literals: folding agrees, but for the
            # characters it marks as not screenable: dotless i and the combining dot above
            assert char.casefold() == needle_char.casefold() or any(
                u in char.casefold() for u in ("\u0131", "\u0307")), (char, needle_char)
        if any(u in char.lower() for u in UNFOLDED):
            continue
        for needle_char in re.compile(re.escape(char), re.IGNORECASE).findall(allowed):
            assert char.lower() == needle_char.lower(), (char, needle_char)
    assert all(c.lower().casefold() == c.casefold() for c in allowed)  # a literal folds as it lowers


def test_lowered_refuses_unfolded_text():
    assert lowered("PUBLİCATION") is None and lowered("publıcation") is None
    assert lowered("The Publication") == "the publication"


def test_needle_screen_finds_every_needle_even_overlapping():
    screen = NeedleScreen([frozenset({"newspaper"}), frozenset({"spa", "xyz"}), None])
    assert screen.passing("a newspaper") == {0, 1, 2}
    assert screen.passing("a spa") == {0, 1, 2}  # "spa" stands for "newspaper" in the scan
    assert screen.passing("xyz") == {1, 2}
    assert screen.passing("nothing") == {2}
    assert screen.passing(None) == {0, 1, 2}


def test_needle_screen_spans_are_the_regex_scans(monkeypatch):
    """The Aho-Corasick scan answers as the `re` tree it stands in for (and as it does when
    the Rust automaton is missing), surrogates and Cyrillic offsets included."""
    screen = NeedleScreen([frozenset({"according"}), frozenset({"видання", "paper"}), None])
    texts = ["as the paper said, according to the видання, papers", "nothing here",
             "broken \ud800 paper", "видання"]
    for low in texts:
        regex = [m.span() for m in screen._finder.finditer(low)]
        assert screen.spans(low) == regex, low
    assert screen.spans(texts[0]) == [(7, 12), (19, 28), (36, 43), (45, 50)]
    assert screen.passing("broken \ud800 according") == {0, 2}
    monkeypatch.setattr(screen, "_literals", None)  # the `re` fallback
    assert screen.spans(texts[0]) == [(7, 12), (19, 28), (36, 43), (45, 50)]
    assert screen.passing("broken \ud800 according") == {0, 2}


def test_literal_finder_overlaps_and_offsets():
    finder = LiteralFinder(["AP", "APA", "Times"])
    assert finder.starts("the APA and Times of AP") == [4, 12, 21]
    assert finder.every("the APA, no times") == {"AP", "APA"}
    assert finder.every("lower-case ap") == set()
    assert finder.starts("Ёжик AP") == [5]  # characters, not UTF-8 bytes
    copy = pickle.loads(pickle.dumps(finder))  # a cue set may go to a worker process
    assert copy.starts("the APA and Times of AP") == [4, 12, 21]


def test_alias_spans_equal_the_alias_screen_scan():
    """The alias screen is tried only where a plain start of an alias stands: the same spans
    as scanning the page with it (flexible spaces and dashes, 'The' leads, overlaps)."""
    screen = load_cues(REGISTRY).screen
    assert screen.alias_starts is not None
    texts = [
        "By Jane Roe, The Associated\n\nPress. Reuters and the New York Times reported; APA AP.",
        "Agence France-Presse said. Agence France Presse. BBCNews, CNN\u2019s and CNNMoney",
        "nothing to see", "Blomberg, Bloomberg, РИА Новости и ТАСС \ud800 Reuters",
    ]
    for text in texts:
        assert screen.alias_spans(text) == [m.span() for m in screen.aliases.finditer(text)], text
    assert screen.alias_spans("nothing to see") == []


def test_trie_pattern_finds_the_same_as_a_flat_alternation():
    words = ["AP", "APA", "Reuters", "Re", "NYT", "N.Y. Times"]
    trie = re.compile(trie_pattern([[re.escape(c) for c in w] for w in words]))
    for text in ["x APA y", "the Re", "N.Y. Times", "NY", "nothing"]:
        assert bool(trie.search(text)) == any(w in text for w in words), text


# --------------------------------------------------------------------------- lookaheads


def test_alias_lookahead_keeps_every_alias():
    aliases = REGISTRY.alias_pattern()
    plain, guarded = re.compile(aliases), re.compile(start_lookahead(aliases, 0) + aliases)
    for alias in REGISTRY.all_aliases():
        key = alias_key(alias)
        for text in (f"x {key} y", f"x {key.replace('The ', 'the ', 1)}25.04 y"):
            found = plain.search(text)
            assert found is not None, text
            assert guarded.search(text).span() == found.span(), text


def test_descriptor_lookahead_keeps_every_descriptor(tmp_path):
    """An {outlet} may follow a descriptor ("the news agency Reuters"); the lookahead guarding the
    descriptors (on their first letters) lets each shipped one through, in any case."""
    data = tomllib.loads(data_file("cues.toml"))["placeholders"]["descriptors"]
    extra = tmp_path / "cues.toml"
    extra.write_text('[[cue]]\nname = "per"\nkind = "attribution"\npattern = "per\\\\s+{outlet}"\n',
                     encoding="utf-8")
    cues = load_cues(REGISTRY, (str(extra),))
    for descriptor in data:
        for written in (descriptor, descriptor.upper(), descriptor.title()):
            text, (paragraph,) = _document(f"Per {written} Reuters, talks went on.")
            found = [(m.phrase, m.outlet) for m in cues.find(paragraph)]  # "per" or a shipped rule alike
            assert found == [(f"Per {written} Reuters", "Reuters")], text


# each pattern with the flags it runs with: a case-sensitive furniture rule read without case
# would be another (and far more ambiguous) pattern than the one shipped
START_PATTERNS = [*((e["pattern"], 0 if e.get("case_sensitive") else re.IGNORECASE)
                    for e in RAW_RULE_LIST if "pattern" in e),
                  *((p, re.IGNORECASE) for p in RAW_CUES.values() if "{" not in p)]


@sampled(150)
@given(shipped=st.sampled_from(START_PATTERNS), data=st.data())
def test_start_lookahead_finds_the_same_matches(shipped, data):
    pattern, flags = shipped
    plain = re.compile(pattern, flags)
    guarded = re.compile(start_lookahead(pattern, flags) + pattern, flags)
    found = data.draw(st.from_regex(plain, fullmatch=True))
    text = data.draw(st.sampled_from(CONTEXTS)).format(found)
    assert [m.span() for m in guarded.finditer(text)] == [m.span() for m in plain.finditer(text)]


# --------------------------------------------------------------------------- boilerplate


def _every_rule(text: str) -> str | None:
    stripped = text.strip()
    return next((rule.name for rule in RULES if rule.matches(stripped)), None)


@sampled(150)
@given(name=st.sampled_from(sorted(PATTERN_RULES)), data=st.data())
def test_edge_screen_admits_every_match(name, data):
    rule = RULES[PATTERN_RULES[name]]
    assert rule.pattern is not None and name.startswith(f"{rule.name}@")
    screen = edge_screen(rule.pattern.pattern, rule.pattern.flags)
    assert screen is not None
    text = data.draw(st.from_regex(re.compile(rule.pattern.pattern, rule.pattern.flags), fullmatch=True))
    if rule.pattern.fullmatch(text):
        assert screen.admits(text), text
    for variant in (text, text.strip(), f"{text}.", f"A {text}", text[1:], text[:-1]):
        fresh = checks_for(list(RULES))  # a list: no remembered plans
        stripped = variant.strip()
        assert fresh.first_match(stripped, len(stripped.split())) == _every_rule(variant), variant


def test_edge_screens_read_first_and_last_characters():
    stamp = edge_screen(RAW_RULES["timestamp"]["pattern"], re.IGNORECASE)
    assert stamp.admits("26.04.25, 09:55") and stamp.admits("2025-04-26")
    assert not stamp.admits("On 26.04.25") and not stamp.admits("26.04.25 x")
    assert edge_screen(r"(?:a|b)+c?", 0).edges_admit("b", "a")
    assert not edge_screen(r"(?:a|b)+c?", 0).edges_admit("c", "c")
    assert edge_screen(r"(a)\1", 0).last is None  # a backreference: not read
    assert edge_screen("(", 0) is None
