from helpers import SEED_000, SEED_001, document, seed, segmented
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe_audit.config import Config
from dedupe_audit.segment.boilerplate import load_rules
from dedupe_audit.segment.page_context import CONTEXT_RULES
from dedupe_audit.segment.paragraphs import is_hard_wrapped, segment, sentence_spans


def test_one_paragraph_per_line():
    seg = seed(SEED_000)
    assert len(seg.paragraphs) == 24
    assert [p.line for p in seg.paragraphs] == list(range(1, 25))
    assert seg.paragraphs[2].text.startswith("CNN — While US officials")


def test_blank_line_separated_paragraphs_keep_line_numbers():
    seg = seed(SEED_001)
    lines = {p.line for p in seg.paragraphs}
    assert {1, 2, 3, 5, 7, 9, 11}.issubset(lines)
    assert all(p.line == p.end_line for p in seg.paragraphs)


def test_spans_point_into_the_text():
    for path in (SEED_000, SEED_001):
        seg = seed(path)
        for p in seg.paragraphs:
            assert seg.document.text[p.start : p.end] == p.text
            assert p.text == p.text.strip()
        for w in seg.windows:
            assert seg.document.text[w.start : w.end] == w.text


def test_hard_wrapped_prose_is_one_paragraph():
    text = (
        "The committee met on Tuesday to discuss the proposal that had been\n"
        "circulated among members the week before, and several of them raised\n"
        "objections about its cost.\n"
        "\n"
        "A second paragraph follows here.\n"
    )
    seg = segmented(text)
    assert len(seg.paragraphs) == 2
    assert (seg.paragraphs[0].line, seg.paragraphs[0].end_line) == (1, 3)
    assert seg.paragraphs[1].line == 5


def test_crlf_free_list_items_stay_separate():
    seg = segmented("- first item of a list that is long enough\n- second item of the list here\n")
    assert len(seg.paragraphs) == 2


def test_long_block_is_windowed_and_windows_cover_each_paragraph():
    seg = seed(SEED_001)
    long_line = next(p for p in seg.paragraphs if p.line == 5)
    assert len(long_line.text.split()) > Config().segment.long_paragraph_words
    windows = [w.text for w in seg.windows if w.paragraph == long_line.index]
    assert windows, "the long first line must be cut into sentence windows"
    para = (
        "One of the main stumbling blocks, sources say, is the issue of what might constitute a "
        "victory for Ukraine – and, conversely, what might be seen as an unacceptable outcome that "
        "prolongs the conflict."
    )
    assert para in windows


def test_sentence_split_respects_abbreviations():
    spans = sentence_spans("Mr. Smith met U.S. officials. They agreed. \"Yes,\" he said.")
    assert len(spans) == 3


def test_cyrillic_sentences():
    text = "Київ заявив про переговори. Москва відповіла відмовою. Що далі?"
    assert len(sentence_spans(text)) == 3


def test_short_paragraphs_are_not_windowed():
    seg = segment(document("Short one. Another short sentence."), Config())
    assert seg.windows == ()


# ------------------------------------------------------------------ the fast paths


def _reference_spans(text: str) -> list[tuple[int, int, int, int]]:
    """The paragraph spans as first written (a line at a time), to check the fast one against."""
    spans, run, start = [], [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            run.append((number, start, start + len(line)))
        else:
            spans += _reference_flush(text, run)
            run = []
        start += len(line) + 1
    return spans + _reference_flush(text, run)


def _trimmed(text: str, start: int, end: int, first: int, last: int) -> tuple[int, int, int, int]:
    """A span with the whitespace at its ends left out (a paragraph's text is stripped)."""
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip()), first, last


def _reference_flush(text, run):
    if run and is_hard_wrapped([text[s:e] for _, s, e in run]):
        return [(run[0][1], run[-1][2], run[0][0], run[-1][0])]
    return [(s, e, number, number) for number, s, e in run]


_LINES = st.sampled_from([
    "", " ", "\t", "A short line.", "Kyiv • UNN", "- a list item", "26.04.25, 09:55",
    "The committee met on Tuesday to discuss the proposal that had been",
    "circulated among members the week before, and several of them raised",
    "objections about its cost and the time it would take to complete it",
])


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(_LINES, max_size=12), limit=st.sampled_from([20_000, 40, 12]))
def test_segments_match_the_line_by_line_reading(lines, limit):
    text = "\n".join(lines)
    whole = segment(document(text), Config())  # no block is cut at the default limit here
    assert [(p.start, p.end, p.line, p.end_line) for p in whole.paragraphs] == [
        _trimmed(text, *span) for span in _reference_spans(text)]
    seg = segment(document(text), Config(max_paragraph_chars=limit))
    for p in seg.paragraphs:
        assert text[p.start:p.end] == p.text and p.text == p.text.strip()
        assert p.line == text.count("\n", 0, p.start) + 1
        assert p.end_line == text.count("\n", 0, p.end) + 1
        stripped = p.text.strip()
        rule = next((r.name for r in load_rules() if r.matches(stripped)), None)
        # a paragraph no rule names may still be furniture by its neighbours (page_context)
        assert p.boilerplate_rule == rule or (rule is None and p.boilerplate_rule in CONTEXT_RULES)
