"""What staleness shares to read each paragraph once changes no answer: the joint screen of
time rules and era facts, its one Aho-Corasick scan for every literal, and the run's dates
read once."""

import functools
import re
from datetime import date

from helpers import assess_pages, date_pages, paragraph_dates
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe_audit.dating.eras import load_eras, screened_facts
from dedupe_audit.dating.time_expressions import find_dates, time_language
from dedupe_audit.model import BODY, BOILERPLATE, Document, DocumentMeta, Paragraph, SegmentedDocument
from dedupe_audit.rules.literals import JointScreen, fold, is_class, trie_pattern

LANG = time_language()
ERAS = load_eras()
FACTS = screened_facts(ERAS)
JOINT = JointScreen(LANG.rules, FACTS)
KEYS = sorted(JOINT.screen.literals)
# every token any way needs, so texts hold whole ways, half ways and near misses
TOKENS = sorted({t for need in JOINT.screen.needs for way in need or () for t in way
                 if len(t) > 2 and not is_class(t)})
FILLER = ["", " ", ", ", " the ", " 2024 ", "’s ", " і ", "x", "і", "\u1c82", "ſ", "25.04.2025 "]
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _text(data) -> str:
    parts = data.draw(st.lists(st.sampled_from(TOKENS) | st.sampled_from(FILLER), max_size=8))
    text = "".join(parts)
    return data.draw(st.sampled_from([text, text.upper(), text.title()]))


@FAST
@given(data=st.data())
def test_the_joint_screen_gives_each_list_what_its_own_screen_gives(data):
    text = _text(data)
    assert JOINT.for_text(text) == (LANG.rules.for_text(text), FACTS.for_text(text)), text


ONE_TREE = re.compile(trie_pattern(set(KEYS)))


@functools.cache
def _inside(literal: str) -> frozenset[str]:
    return frozenset(key for key in KEYS if key in literal)


def _one_tree(text: str) -> set[str]:
    """The literals found by one regex tree of them all, each position tried: the reference."""
    folded, found = fold(text), set()
    for start in range(len(folded)):
        hit = ONE_TREE.match(folded, start)
        if hit:
            found |= _inside(hit.group())
    return found


@FAST
@given(data=st.data())
def test_the_automaton_finds_every_literal_one_tree_finds(data):
    text = _text(data)
    assert JOINT.screen.found(fold(text)) == _one_tree(text), text


def test_literals_are_found_inside_others_in_both_scripts_and_beside_astral_characters():
    screen = JOINT.screen
    found = screen.found("president biden said this year, in kyiv")
    assert {"biden", "this", "year,", "year", "president"} <= found and "трамп" not in found
    assert "трамп" in screen.found(fold("\U0001f600Президент ТРАМП\U0001f600"))
    assert not screen.found("")


# --------------------------------------------------------------------------- dates read once


def _page(lines: list[str], boilerplate: frozenset[int] = frozenset()) -> SegmentedDocument:
    paragraphs, pos, text = [], 0, "\n".join(lines)
    for n, line in enumerate(lines):
        kind, rule = (BOILERPLATE, "teaser") if n in boilerplate else (BODY, None)
        paragraphs.append(Paragraph(n, pos, pos + len(line), n + 1, n + 1, text, kind, rule))
        pos += len(line) + 1
    return SegmentedDocument(Document("p.txt", text, DocumentMeta(), "h", False), tuple(paragraphs))


def test_staleness_and_page_dating_read_the_same_from_the_run_s_dates():
    pages = [
        _page(["25.04.2025", "President Biden spoke on 3 March 2024 about next year's 2025 plans.",
               "Headline - Reuters 24.04.25, 15:31", "Talks resume tomorrow."], frozenset({2})),
        _page(["Опубліковано 1 травня 2025", "Президент Зеленський у квітні 2025 року сказав."]),
        _page(["President Biden spoke on 3 March 2024 about next year's 2025 plans."]),  # a copy
    ]
    blocks = [tuple(range(len(p.paragraphs))) for p in pages]
    dates = paragraph_dates(pages)
    assert dates == tuple(tuple(find_dates(p.text, LANG) for p in page.paragraphs) for page in pages)
    dated = date_pages(pages, dates=dates)
    assert dated == date_pages(pages)
    assert dated[0].date == "2025-04-25" and dated[1].date == "2025-05-01"
    remembered = assess_pages(pages, dated, (), blocks, ERAS, dates=dates)
    assert assess_pages(pages, dated, (), blocks, ERAS) == remembered
    assert remembered.per_paragraph[0][1].verdict == "stale"
    assert [m.kind for m in remembered.per_paragraph[0][1].markers].count("date") == 1


def test_undated_text_at_the_calendar_ends_reads_no_dates():
    assert find_dates("01.01.0000 and 9999-99-99", LANG) == ()
    assert [h.first for h in find_dates("31.12.9999", LANG)] == [date(9999, 12, 31)]
