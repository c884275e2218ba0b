"""No scraped text crashes the time and era readers, whatever case or script it is in.

The date patterns match month names ignoring case, and `re` then accepts spellings that
``str.lower`` does not map to the listed word ("ſeptember" with a long s, "ᲂктября" with a
narrow o, a Kelvin sign for "k"). Whatever the patterns match must be looked up as they
matched it. The case variants of every letter come from `re` itself, not from ``fold``.
"""

import re
import tomllib
from datetime import date

import pytest
from helpers import assess_pages, date_pages
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe_audit.dating.eras import find_mentions, load_eras, screened_facts
from dedupe_audit.dating.staleness import DatingKnowledge, paragraph_markers
from dedupe_audit.dating.time_expressions import (
    find_dates,
    find_time_expressions,
    month_number,
    parse_time_language,
    time_language,
)
from dedupe_audit.model import BODY, Document, DocumentMeta, Paragraph, SegmentedDocument
from dedupe_audit.rules.datafiles import data_file
from dedupe_audit.rules.literals import fold

LANG = time_language()
ERAS = load_eras()
SHIPPED_MONTHS = [(word, int(num)) for num, words in tomllib.loads(data_file("dates.toml"))
                  ["months"].items() for word in words]
EVERY_CHAR = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _variants(letters: set[str]) -> dict[str, list[str]]:
    """Every character `re` matches to each letter under IGNORECASE: the ground truth."""
    return {ch: sorted(set(re.findall(re.escape(ch), EVERY_CHAR, re.IGNORECASE))) for ch in letters}


MONTH_LETTERS = _variants({ch for word, _ in SHIPPED_MONTHS for ch in word})
SHAPES = ["{w} 2024", "in {w} 2024.", "3 {w} 2024", "{w} 3, 2024", "Опубліковано 3 {w}. 2024, 10:15"]


def _spelling(data, word: str, variants: dict[str, list[str]]) -> str:
    return "".join(data.draw(st.sampled_from(variants[ch])) for ch in word)


def test_the_letters_have_variants_lower_does_not_know():
    """The cases this file is about exist: else it would prove nothing."""
    assert "ſ" in MONTH_LETTERS["s"] and "\u1c82" in MONTH_LETTERS["о"] and "İ" in MONTH_LETTERS["i"]
    assert any(v.lower() != ch for ch, vs in MONTH_LETTERS.items() for v in vs if v != ch.upper())


@pytest.mark.parametrize("shape", SHAPES)
def test_every_variant_of_every_letter_of_every_month_reads_as_that_month(shape):
    """Exhaustive for one odd letter at a time; the test below mixes them."""
    for word, month in SHIPPED_MONTHS:
        for at, ch in enumerate(word):
            for variant in MONTH_LETTERS[ch]:
                spelled = word[:at] + variant + word[at + 1:]
                hits = [h for h in find_dates(shape.format(w=spelled), LANG) if spelled in h.phrase]
                assert [h.first.month for h in hits] == [month], (spelled, hits)


@pytest.mark.parametrize(("word", "month"), SHIPPED_MONTHS, ids=[w for w, _ in SHIPPED_MONTHS])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_case_spelling_of_a_month_reads_as_that_month(word, month, data):
    spelled = _spelling(data, word, MONTH_LETTERS)
    text = data.draw(st.sampled_from(SHAPES)).format(w=spelled)
    hits = [h for h in find_dates(text, LANG) if spelled in h.phrase]
    assert len(hits) == 1, (text, hits)
    assert hits[0].first.month == month and hits[0].first.year == 2024, text
    assert month_number(spelled, LANG.months) == month


def test_the_reported_crash():
    (hit,) = find_dates("in ſeptember 2024", LANG)
    assert (hit.phrase, hit.first, hit.last) == ("ſeptember 2024", date(2024, 9, 1), date(2024, 9, 30))


USER_MONTHS = ["Straße", "KELVIN", "İzmir", "ΣΕΠΤ"]  # a user's words, in any case and script
USER_LANG = parse_time_language({**tomllib.loads(data_file("dates.toml")), "months": {"1": USER_MONTHS}},
                                "user-dates.toml")
USER_LETTERS = _variants({ch for word in USER_MONTHS for ch in fold(word)})


@FAST
@given(data=st.data())
def test_a_users_month_words_are_read_in_any_case_too(data):
    """A dates file may list words in any case and script; they are folded as listed."""
    word = fold(data.draw(st.sampled_from(USER_MONTHS)))
    spelled = _spelling(data, word, USER_LETTERS)
    hits = find_dates(f"{spelled} 2024", USER_LANG)
    assert [h.first for h in hits] == [date(2024, 1, 1)], (spelled, hits)


# --------------------------------------------------------------------------- era names

PHRASES = ["President Joe Biden", "Secretary of State Antony Blinken", "the Biden administration",
           "президент Зеленський", "госсекретарь Энтони Блинкен", "прем'єр-міністр Шмигаль",
           "Vice President Kamala Harris", "канцлер Шольц", "Генсек НАТО Столтенберг"]
PHRASE_LETTERS = _variants({ch for phrase in PHRASES for ch in phrase if ch.isalpha()})
SCREEN = screened_facts(ERAS)
DATING = DatingKnowledge.of(ERAS, LANG)  # built once, as a run builds it


@FAST
@given(data=st.data())
def test_any_case_spelling_of_an_era_phrase_passes_the_screen_and_is_found(data):
    """The era screen looks literals up in folded text: no spelling may slip past it."""
    phrase = data.draw(st.sampled_from(PHRASES))
    spelled = "".join(data.draw(st.sampled_from(PHRASE_LETTERS[ch])) if ch.isalpha() else ch
                      for ch in phrase)
    text = f"He said {spelled} on Monday."
    matching = [f for f in ERAS.facts if f.pattern.search(text)]
    assert matching, text
    assert set(matching) <= set(SCREEN.for_text(text)), text
    assert find_mentions(text, ERAS), text


# --------------------------------------------------------------------------- fuzz

PAGES = st.one_of(st.none(), st.dates(), st.sampled_from([date.min, date.max]))
TEXT = st.text(max_size=80) | st.text(alphabet="0123456789./-:T ſKİı年月SsEePpTt", max_size=40)


@FUZZ
@given(text=TEXT, page=PAGES)
def test_no_text_crashes_the_time_readers(text, page):
    find_dates(text, LANG)
    find_time_expressions(text, page, LANG)
    find_mentions(text, ERAS)


@FUZZ
@given(before=TEXT, stamp=st.sampled_from(["31.12.9999", "01.01.0001", "9999-12-31", "1.1.00"]),
       word=st.sampled_from(["tomorrow", "yesterday", "next week", "last month", "next year",
                             "this year's 2024", "President Biden"]), page=PAGES)
def test_no_paragraph_crashes_staleness_even_at_the_ends_of_the_calendar(before, stamp, word, page):
    text = f"{before} {stamp} {word}"
    paragraph_markers(Paragraph(0, 0, len(text), 1, 1, text, BODY, None), page, DATING)


def test_a_page_stamped_at_the_end_of_the_calendar_is_assessed():
    """Found by the fuzz above: "tomorrow" on a page stamped 31.12.9999 overflowed."""
    lines = ["31.12.9999", "Talks resume tomorrow, next year's 2024 vote looms, says President Biden."]
    text = "\n".join(lines)
    paragraphs = (Paragraph(0, 0, 10, 1, 1, text, BODY, None),
                  Paragraph(1, 11, len(text), 2, 2, text, BODY, None))
    seg = SegmentedDocument(Document("page.txt", text, DocumentMeta(), "hash", False), paragraphs)
    (day,) = date_pages([seg])
    assert day.date == "9999-12-31"
    verdict = assess_pages([seg], [day], (), [(0, 1)], ERAS).per_paragraph[0][1]
    assert verdict.verdict == "stale"
    assert [m.valid_from for m in verdict.markers if "tomorrow" in m.phrase] == [None]
