from helpers import SEED_000, SEED_001, document, seed, segmented

from dedupe_audit.config import Config
from dedupe_audit.segment import segment, sentence_spans


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
    assert len(long_line.text.split()) > Config().long_paragraph_words
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
