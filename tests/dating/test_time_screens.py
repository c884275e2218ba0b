"""The screens and faster date patterns of ``timeexpr`` find exactly what running every
rule and the original date patterns on every text finds."""

import calendar
import re
import tomllib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe_audit.dating.time_expressions import (
    DateHit,
    find_dates,
    find_time_expressions,
    month_number,
    parse_time_language,
    time_language,
)
from dedupe_audit.rules import saferegex
from dedupe_audit.rules.datafiles import data_file

LANG = time_language()
RULES = LANG.anchored + LANG.relative
PAGE = date(2025, 4, 26)
CONTEXTS = ["{}", "He said {} on Monday.", "«{}», — сказав він.", "({})", "x{}y", "7{}8", "{} {}"]
# A text generated from a rule's pattern costs tens of milliseconds: each property over the rules
# is checked on a fixed, seeded sample of (rule, text) pairs spread over all of them (`derandomize`
# keeps every run of the suite the same) rather than 40 texts for every rule.
SAMPLED = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                          HealthCheck.data_too_large])


YEAR = r"(?:19|20)\d\d"  # the years a date pattern reads


def _flat(words):
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


def _reference_shapes(month_alt: str) -> dict[str, re.Pattern[str]]:
    """The date patterns as first written: a flat month alternation, no lookahead guards."""
    clock = r"(?:,?\s+(?P<hh>\d{1,2}):(?P<mm>\d{2}))?"
    shapes = {
        "numeric": r"(?<![\d.])(?P<d>\d{1,2})(?P<sep>[./])(?P<m>\d{1,2})(?P=sep)"
        r"(?P<y>\d{4}|\d{2})(?![\d])" + clock,
        "iso": r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)"
        r"(?:T(?P<hh>\d{2}):(?P<mm>\d{2}))?",
        "day-month-year": rf"(?<!\d)(?P<d>\d{{1,2}})\s+(?P<mon>{month_alt})\.?,?\s+"
        rf"(?P<y>{YEAR})(?!\d)" + clock,
        "month-day-year": rf"\b(?P<mon>{month_alt})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>{YEAR})(?!\d)"
        + clock,
        "month-year": rf"\b(?P<mon>{month_alt})\.?\s+(?P<y>{YEAR})(?!\d)",
        "year": rf"(?<![\d$€£.,])(?P<y>{YEAR})(?![\d%])",
    }
    return {name: re.compile(p, re.IGNORECASE) for name, p in shapes.items()}


REFERENCE = _reference_shapes(_flat(LANG.months))


def _day(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _reference_period(shape: str, g: dict[str, str]) -> tuple[date, date] | None:
    """The days a date shape covers, written out again here as the oracle: a year or month is all
    its days; two-digit years are this century's; a numeric date is day-first, a slash date that
    cannot be day-first is month-first."""
    year = int(g["y"]) + (2000 if len(g["y"]) == 2 else 0)
    if shape == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if shape == "numeric":
        a, b = int(g["d"]), int(g["m"])
        day = _day(year, b, a) or (_day(year, a, b) if g["sep"] == "/" else None)
    else:
        month = month_number(g["mon"], LANG.months) if "mon" in g else int(g["m"])
        if shape == "month-year":
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        day = _day(year, month, int(g["d"]))
    return (day, day) if day else None


def _longest(hits: list) -> tuple:
    """Hits overlapping a longer one dropped ("25 April 2025" beats its own "2025"), in text order."""
    kept: list = []
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    return tuple(sorted(kept, key=lambda h: h.start))


def _reference_dates(text: str) -> tuple[DateHit, ...]:
    """Every reference pattern on the whole text, no screen and no pre-check."""
    hits = []
    for shape, pattern in REFERENCE.items():
        for match in pattern.finditer(text):
            groups = {k: v for k, v in match.groupdict().items() if v is not None}
            bounds = _reference_period(shape, groups)
            if bounds:
                hits.append(DateHit(match.start(), match.end(), match.group(0), *bounds, "hh" in groups))
    return _longest(hits)


def _reference_expressions(text: str, lang=LANG):
    """Every rule of ``lang`` on the text, no literal screen (``rules`` given)."""
    return find_time_expressions(text, PAGE, lang, rules=lang.anchored + lang.relative)


def _sentence(data, pattern: re.Pattern[str]) -> str:
    text = data.draw(st.from_regex(pattern, fullmatch=True))
    return data.draw(st.sampled_from(CONTEXTS)).format(text, text)


def test_every_shipped_rule_is_screened():
    assert LANG.rules.unscreened == ()


@SAMPLED
@given(rule=st.sampled_from(RULES), data=st.data())
def test_every_text_a_rule_matches_passes_the_screen(rule, data):
    sentence = _sentence(data, re.compile(rule.pattern.pattern, re.IGNORECASE))
    if rule.pattern.search(sentence):
        assert rule in LANG.rules.for_text(sentence), (rule.rule_id, sentence)
    assert find_time_expressions(sentence, PAGE, LANG) == _reference_expressions(sentence)


@SAMPLED
@given(shape=st.sampled_from(list(REFERENCE)), data=st.data())
def test_date_patterns_find_what_the_original_ones_find(shape, data):
    sentence = _sentence(data, REFERENCE[shape])
    new = dict(LANG.date_patterns)[shape]
    spans = [(m.span(), m.groupdict()) for m in new.finditer(sentence)]
    assert spans == [(m.span(), m.groupdict()) for m in REFERENCE[shape].finditer(sentence)]
    assert find_dates(sentence, LANG) == _reference_dates(sentence)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(text=st.text(alphabet="0129./-T: a", max_size=16))
def test_the_cheap_prechecks_miss_no_date(text):
    """``find_dates`` skips texts (and shapes) by a scan for digits first; whatever digits and
    separators a text holds, it finds what every pattern run on the whole text finds."""
    assert find_dates(text, LANG) == _reference_dates(text)


@pytest.mark.parametrize("text", [
    "Published 25.04.25, 15:31", "on 2024-06-01T10:00", "25 квітня 2025 року", "Sept. 3, 2024",
    "in March 2022", "since 2014", "SEPTEMBER 2019 and 1.2.2020", "мая 2021", "no date here",
])
def test_known_dates_are_found_as_before(text):
    assert find_dates(text, LANG) == _reference_dates(text)


def _user_language(tmp_rules: list[dict]):
    data = tomllib.loads(data_file("dates.toml"))
    data["relative"] = [*data["relative"], *tmp_rules]
    return parse_time_language(data, "user-dates.toml")


def test_user_rules_run_on_regex_and_are_screened_only_when_plainly_written():
    lang = _user_language([{"id": "fuzzy", "pattern": r"\b(?:tomorow){e<=1}\b", "unit": "day",
                            "offset": 1}])
    assert not any(rule.pattern.trusted for rule in lang.anchored + lang.relative)
    # a user's file runs on `regex`, whose reading screens only what is plainly written: the
    # fuzzy rule is not, and most of the shipped rules read again from the file still are
    unscreened = [r.rule_id for r in lang.rules.unscreened]
    assert "fuzzy" in unscreened and len(unscreened) <= 0.1 * len(lang.anchored + lang.relative)
    assert find_time_expressions("See you tomorrow.", PAGE, lang) == _reference_expressions(
        "See you tomorrow.", lang)
    assert "fuzzy" in {h.rule for h in find_time_expressions("Back tomorov.", PAGE, lang)}


def test_hostile_user_rules_keep_their_time_budget():
    lang = _user_language([{"id": "slow", "pattern": "(a|aa)+$", "unit": "day", "offset": 0}])
    with saferegex.collecting_timeouts() as timeouts:
        for _ in range(2):
            assert find_time_expressions("a" * 40 + "!", PAGE, lang) == ()
    assert [t.rule for t in timeouts.events] == ["slow", "slow"]
