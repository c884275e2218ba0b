"""The cheap paths of furniture classification give the answers of the plain ones.

`RuleChecks` finds every rule's needles and the literals read from shipped patterns with one
search per paragraph and runs only the patterns left; the jusText layer tests links with
substring checks and skips pages where no line can be found. Each is checked here against
the reference it replaces: a rule's own ``matches`` tried in order, the regex the link test
stands for, the letter counts by ``findall``, ``low_content`` without the caller's hints.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe_audit.model import BODY, BOILERPLATE, Paragraph
from dedupe_audit.rules.saferegex import SHIPPED_PREFIX
from dedupe_audit.rules.screens import lookahead_needles
from dedupe_audit.segment import boilerplate
from dedupe_audit.segment.boilerplate import checks_for, load_rules, parse_rules
from dedupe_audit.segment.furniture import LINK_PROBES, letter_counts, link_marks, low_content, may_link

# What the cheap tests stand for, written as the regexes they replace.
LINK_HINT = re.compile(r"[|•·»›@]|\s/\s|::|www\.")  # what may_link answers
SEPARATORS = re.compile(r"\s[|•·»›/]\s|\s::\s")  # list separators ("Home | News")
LATIN, CYRILLIC, UKRAINIAN = re.compile(r"[a-zA-Z]"), re.compile(r"[а-яёА-ЯЁ]"), re.compile(r"[іїєґІЇЄҐ]")

RULES = load_rules()
SETTINGS = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Words that the shipped rules' needles and literals are made of, and words they are not, in
# English, Ukrainian and Russian, with the punctuation the edge screens look at.
WORDS = [
    "Sign", "up", "for", "our", "newsletter", "By", "by", "John", "Smith", "CNN", "Reuters", "AP",
    "Photo", "photo:", "(AP", "Photo/Evan", "Vucci)", "walks", "arrives", "left,", "July", "16,",
    "2018", "Monday,", "subscribe", "app", "podcast", "comment", "poll", "views", "©", "Copyright",
    "teaches", "law", "at", "Georgetown.", "is", "a", "professor", "|", "•", "@handle", "www.x.com",
    "::", "/", "the", "said", "Ukraine", "war", "Підпишіться", "на", "наш", "Telegram-канал",
    "Читайте", "також:", "Подпишитесь", "рассылку", "READ", "MORE:", "(Reporting", "Editing",
    "contributed", "to", "this", "report.", "5:43", "a.m.", "ET,", "ago", "ıs", "İs", "ß",
]
TEXTS = st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(" ".join)


def _reference(text: str, rules) -> str | None:  # type: ignore[no-untyped-def]
    """The first rule whose own ``matches`` accepts the text: what the checks must answer."""
    stripped = text.strip()
    return next((rule.name for rule in rules if rule.matches(stripped)), None)


@SETTINGS
@given(text=TEXTS)
def test_searched_checks_answer_as_every_rule_in_order(text: str) -> None:
    checks = checks_for(RULES, LINK_PROBES)
    name, probed = checks.probe_match(text, len(text.split()))
    assert name == _reference(text, RULES), text
    assert checks.first_match(text, len(text.split())) == name
    if probed is not None:  # the probes' answer is the folded text's, when given
        assert probed == any(probe in text.casefold() for probe in LINK_PROBES)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Sign up for our newsletter", "sign-up"),
        ("By John Smith CNN July 16, 2018", "byline"),
        ("Підпишіться на наш Telegram-канал", "share-prompt"),  # the seed's rule comes first
        ("Подпишитесь на нашу рассылку", "share-prompt"),
        ("Все новости дня — в нашем Telegram-канале", "promo"),
        ("John Smith teaches law at Georgetown and is a professor of ethics there.", "author-bio"),
        ("Sen. John Smith is a senator from Ohio.", None),  # the bio's lookahead words are absent
        ("Ukraine war said the minister by the river.", None),
    ],
)
def test_searched_checks_name_the_same_rules(text: str, rule: str | None) -> None:
    assert checks_for(RULES).first_match(text, len(text.split())) == rule == _reference(text, RULES)


def test_text_with_a_lone_surrogate_is_searched_key_by_key() -> None:
    """Scraped text may hold a lone surrogate, which the Rust search cannot encode."""
    for text in ("\ud800 Sign up for our newsletter \udfff", "\ud800 plain words of a story \udfff"):
        name, probed = checks_for(RULES, LINK_PROBES).probe_match(text, len(text.split()))
        assert name == _reference(text, RULES)


def test_few_needles_and_no_automaton_give_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key by key (no Aho-Corasick package, or a stage with few keys) answers alike."""
    texts = ["Sign up for our newsletter", "By John Smith CNN July 16, 2018", "Photo: Name/AFP",
             "He walks to the car.", "Читайте також: новина дня", "5:43 a.m. ET, July 16, 2018"]
    searched = [checks_for(RULES).first_match(t, len(t.split())) for t in texts]
    monkeypatch.setattr(boilerplate, "ahocorasick_rs", None)
    monkeypatch.setattr(boilerplate, "ahocorasick", None)
    plain = checks_for(list(RULES))  # a plain list: checks built now, not the set's own
    assert [plain.first_match(t, len(t.split())) for t in texts] == searched
    assert searched == [_reference(t, RULES) for t in texts]
    monkeypatch.setattr(boilerplate, "FEW_NEEDLES", 10_000)  # every stage key by key
    few = checks_for(list(RULES))
    assert [few.first_match(t, len(t.split())) for t in texts] == searched


def test_text_literals_cannot_be_trusted_on_still_runs_the_rule() -> None:
    """`re` (IGNORECASE) matches "ı" to "i", which case-folding keeps apart: a text holding it
    runs every literal-screened rule instead of being screened out."""
    rule_text = "[[rule]]\nname = 'x'\npattern = '.*\\bsubscription\\b.*'\n"
    [trusted] = parse_rules(rule_text, SHIPPED_PREFIX + "test.toml")
    assert trusted.pattern is not None and trusted.pattern.trusted  # read like a shipped rule
    checks = checks_for([trusted])
    assert checks.checks[0].literals == ("subscription",)
    assert checks.first_match("Your subscrıption", 2) == _reference("Your subscrıption", [trusted])
    assert checks.first_match("Your subscription", 2) == "x"
    assert checks.first_match("Your account", 2) is None


def test_user_rules_keep_their_needles_and_run_unscreened_without() -> None:
    text = '''
[[rule]]
name = "needled"
pattern = '.*promo.*'
needles = ["PROMO code"]

[[rule]]
name = "plain"
pattern = '.*special offer.*'
'''
    user = parse_rules(text, "user.toml")
    checks = checks_for(user)
    assert checks.checks[0].literals == () and checks.checks[1].literals == ()  # user patterns are not read
    assert checks.first_match("Use this Promo Code today", 5) == "needled"
    assert checks.first_match("A promo for you", 4) is None  # its needle is absent
    assert checks.first_match("A Special Offer now", 4) == "plain"


def test_lookahead_literals_are_read() -> None:
    bio = r"[A-Z]\w+ is(?=.{0,40}\b(?:professor|fellow)\b).*"
    assert lookahead_needles(bio, 0) == {"professor", "fellow"}
    assert lookahead_needles(r"(?!.*\bsaid\b).*", 0) is None  # a negative lookahead asks for nothing
    assert lookahead_needles(r"(?:(?=.*\bpoll\b)x|y)", 0) is None  # not at the top level


@SETTINGS
@given(text=st.text(alphabet="ab /|•·»›@:w.\t\nhtps", max_size=30))
def test_link_tests_answer_as_their_regexes(text: str) -> None:
    assert may_link(text) == (LINK_HINT.search(text) is not None)
    assert link_marks(text) == len(SEPARATORS.findall(text)) + len(
        re.findall(r"https?://\S+|www\.\S+|@\w{2,}", text))


@SETTINGS
@given(text=st.text(alphabet="abzXYZ ёЁіІїЇєЄґҐабвяАЯé—«»ўЎ\u0400\u045f\u00c0ß", max_size=40))
def test_letter_counts_answer_as_findall(text: str) -> None:
    assert letter_counts(text) == (len(LATIN.findall(text)),
                                   len(CYRILLIC.findall(text)) + len(UKRAINIAN.findall(text)))


def _page(*lines: str) -> list[Paragraph]:
    page = "\n".join(lines)
    paragraphs, start = [], 0
    for n, line in enumerate(lines):
        end = start + len(line)
        paragraphs.append(Paragraph(n, start, end, n + 1, n + 1, page, BODY, None, len(line.split())))
        start += len(line) + 1
    return paragraphs


ARTICLE = ("The council met on Tuesday and agreed that the new bridge will be built over the next two "
           "years, and the mayor said that the work would start as soon as the money was there for it, "
           "which she expects to be in the spring when the budget of the city is voted on by them.")


@pytest.mark.parametrize(
    "lines",
    [
        (ARTICLE, ARTICLE, "Home | News | Sport | Weather"),  # two marks: classified, found
        (ARTICLE, "Follow the reporter @reporter on the platform for all the latest from the town hall "
                  "meeting today", ARTICLE),  # one mark, a good paragraph after it: skipped
        (ARTICLE, ARTICLE, "See https://example.com/a and https://example.com/b for it"),  # URLs only
        ("Короткий рядок", "Головна | Новини | Спорт", ARTICLE.replace("the", "та")),
    ],
)
def test_low_content_with_hints_answers_as_without(lines: tuple[str, ...]) -> None:
    paragraphs = _page(*lines)
    body = [True] * len(paragraphs)
    linked = [p.index for p in paragraphs if (p.words or 0) <= 40 and may_link(p.text)]
    assert low_content(paragraphs, body, linked).keys() == low_content(paragraphs, body).keys()
    if len(lines) == 3 and "|" in lines[2]:
        assert 2 in low_content(paragraphs, body)


def test_low_content_skips_a_page_with_nothing_to_find() -> None:
    paragraphs = _page(ARTICLE, "Write to me @reporter", ARTICLE)
    assert low_content(paragraphs, [True, True, True]) == {}
    ruled = [replace(p, kind=BOILERPLATE) if p.index == 1 else p for p in paragraphs]
    assert low_content(ruled, [True, False, True]) == {}
