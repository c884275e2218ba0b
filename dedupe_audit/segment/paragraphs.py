"""Cut a document into paragraphs (with spans and line numbers) and long ones into windows.

Scraped text comes in two shapes: one paragraph per line (most scrapers), and prose
hard-wrapped at a fixed width (e-mail, some Markdown). Blank lines always separate
paragraphs; inside a run of non-blank lines we decide per run which shape it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from ..config import Config
from ..model import BODY, BOILERPLATE, Document, Paragraph, SegmentedDocument, Window
from .boilerplate import BoilerplateRule, RuleChecks, checks_for, load_rules
from .furniture import LINK_PROBES, LOW_CONTENT, LOW_CONTENT_MAX_WORDS, low_content, may_link
from .page_context import with_context

_TERMINAL = tuple('.!?…:;"»”’)')
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]\s|\d{1,3}[.)]\s|#{1,6}\s|>\s?)")
# A sentence ends at . ! ? … (optionally followed by closing quotes/brackets) before
# whitespace and an opening quote, capital letter or digit.
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])[\"'»”’)\]]*\s+(?=[\"'«“„(\[]?[A-ZА-ЯЁІЇЄҐ0-9])",
)
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gen|Lt|Col|Gov|St|Jr|Sr|No|vs|etc|Inc|Ltd|Co|Corp|Jan|Feb|"
    r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|U\.N|E\.U|т|ст|ім|им|р|гг|г|млн|млрд|тис|"
    r"тыс|див|см)\.|\b[A-ZА-Я]\.)$"
)


def is_hard_wrapped(lines: Sequence[str]) -> bool:
    """True when a run of lines is one paragraph hard-wrapped at a fixed width (then the run
    is one paragraph, else each line is one): the rule a reader of plain text may want to
    know, and tests check the paragraphs ``segment`` finds against it."""
    if len(lines) < 2 or any(_LIST_ITEM.match(line) for line in lines):
        return False
    body = [line.rstrip() for line in lines[:-1]]
    if not all(30 <= len(line) <= 100 for line in body):
        return False
    lengths = sorted(len(line) for line in body)
    if lengths[-1] - lengths[0] > 40:
        return False
    ended = sum(line.endswith(_TERMINAL) for line in body)
    return ended <= len(body) // 2


def _paragraph_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(start, end, first line, last line) of each paragraph (a run of non-blank lines, or
    each line of a run that is not hard-wrapped prose); whitespace not yet trimmed."""
    spans: list[tuple[int, int, int, int]] = []
    run: list[tuple[int, int, int]] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        end = start + len(line)
        if line.strip():
            run.append((number, start, end))
        elif run:
            _flush(text, run, spans)
            run = []
        start = end + 1
    if run:
        _flush(text, run, spans)
    return spans


def _flush(text: str, run: list[tuple[int, int, int]], spans: list[tuple[int, int, int, int]]) -> None:
    """The paragraphs of one run of non-blank lines (number, start, end)."""
    if len(run) > 1 and is_hard_wrapped([text[s:e] for _, s, e in run]):
        spans.append((run[0][1], run[-1][2], run[0][0], run[-1][0]))
    else:
        spans.extend((s, e, number, number) for number, s, e in run)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+")
_SPACE = re.compile(r"\s+")


def _last(pattern: re.Pattern[str], text: str, start: int, end: int) -> int | None:
    """Start of the last match of ``pattern`` in ``text[start:end]``, as an offset into text."""
    found = None
    for found in pattern.finditer(text, start, end):  # noqa: B007 - we want the last one
        pass
    return found.start() if found else None


def _pieces(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """Cut a block longer than ``limit`` characters into consecutive pieces of at most
    ``limit``: at the last sentence end in the second half of the window, else the last
    space there, else hard. Why: one unbroken megabyte "paragraph" would be shingled and
    windowed as a whole; cut, all of its text is still audited, span by span."""
    while end - start > limit:
        low, high = start + limit // 2, start + limit
        cut = _last(_SENTENCE_BREAK, text, low, high) or _last(_SPACE, text, low, high) or high
        if cut <= start:
            cut = high
        yield _trim(text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        yield start, end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text`` (offsets into it)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text[max(start, match.start() - 12) : match.start()]):
            continue
        spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def windows(paragraph: Paragraph, max_sentences: int) -> tuple[Window, ...]:
    """Every run of 1..max_sentences consecutive sentences of a long paragraph."""
    sentences = sentence_spans(paragraph.text)
    out: list[Window] = []
    for i in range(len(sentences)):
        for j in range(i, min(i + max_sentences, len(sentences))):
            start = paragraph.start + sentences[i][0]
            end = paragraph.start + sentences[j][1]
            out.append(Window(paragraph=paragraph.index, start=start, end=end, page=paragraph.page))
    return tuple(out)


def segment(
    document: Document,
    config: Config,
    rules: Sequence[BoilerplateRule] | None = None,
) -> SegmentedDocument:
    """Paragraphs of one document, classified body/boilerplate, plus windows of long ones."""
    if rules is None:
        rules = load_rules(tuple(config.segment.boilerplate_rules))
    checks = checks_for(rules, LINK_PROBES)  # the rules' search also tells who may hold a link
    text = document.text
    limit = config.segment.max_paragraph_chars
    paragraphs: list[Paragraph] = []
    cut: list[Window] = []
    linked: list[int] = []  # short body paragraphs that may hold a link mark (for jusText's layer)
    for block_start, block_end, first_line, last_line in _paragraph_spans(text):
        block_start, block_end = _trim(text, block_start, block_end)
        if 0 < block_end - block_start <= limit:  # one piece, the usual case
            span = (block_start, block_end, first_line, last_line)
            _add(paragraphs, cut, linked, text, span, checks, config)
            continue
        line, seen = first_line, block_start
        for start, end in _pieces(text, block_start, block_end, limit):
            line, seen = line + text.count("\n", seen, start), start
            end_line = line + text.count("\n", start, end)
            _add(paragraphs, cut, linked, text, (start, end, line, end_line), checks, config)
    if linked:  # a page without a short link-like line has no low-content paragraph
        paragraphs = _with_low_content(paragraphs, linked)
    paragraphs = with_context(paragraphs)  # furniture told by its neighbours (page_context)
    return SegmentedDocument(document=document, paragraphs=tuple(paragraphs), windows=tuple(cut))


def _with_low_content(paragraphs: list[Paragraph], linked: Sequence[int]) -> list[Paragraph]:
    """The page's paragraphs with those jusText's measures call furniture (and no rule named)
    turned into boilerplate (``low-content``). A long paragraph is never one (its windows were
    cut already), so only short ones change. ``linked``: the short body paragraphs that may
    hold a link mark, noted while they were classified."""
    found = low_content(paragraphs, [p.is_body for p in paragraphs], linked)
    for index in found:
        paragraphs[index] = replace(paragraphs[index], kind=BOILERPLATE, boilerplate_rule=LOW_CONTENT)
    return paragraphs


def _add(
    paragraphs: list[Paragraph],
    cut: list[Window],
    linked: list[int],
    text: str,
    span: tuple[int, int, int, int],
    checks: RuleChecks,
    config: Config,
) -> None:
    """Classify one paragraph (trimmed already), append it, and its sentence windows when
    it is long; note it in ``linked`` when it is a short body paragraph that may hold a link
    mark (what jusText's layer looks at, found here while the text is at hand)."""
    start, end, line, end_line = span
    body = text[start:end]
    words = len(body.split())
    rule, linkish = checks.probe_match(body, words)
    paragraph = Paragraph(
        len(paragraphs), start, end, line, end_line, text, BOILERPLATE if rule else BODY, rule, words
    )
    paragraphs.append(paragraph)
    if rule is None and words <= LOW_CONTENT_MAX_WORDS and linkish is not False and may_link(body):
        linked.append(paragraph.index)
    if rule is None and words > config.segment.long_paragraph_words:
        cut.extend(windows(paragraph, config.segment.window_sentences))
