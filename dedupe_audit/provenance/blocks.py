"""Blocks: runs of consecutive paragraphs that belong to one story.

A scraped page is several voices in a row (a relay's lead, a pasted wire story, furniture,
teasers). Provenance and era evidence found anywhere in a block speak, more weakly, for the
paragraphs of the block that carry none. Both the tracer and the staleness detector use
``find_blocks``; it depends only on its arguments and the shipped data files.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import BODY, Cluster, Paragraph, SegmentedDocument
from .cues import CueMatch, CueSet, load_cues
from .outlets import load_registry

_CLOSERS = "\"'”’»)]"


def default_cues() -> CueSet:
    """Cue rules compiled for the shipped outlet registry (cached)."""
    return load_cues(load_registry())


def duplicated_by_doc(clusters: Sequence[Cluster]) -> dict[int, frozenset[int]]:
    """For every document, its paragraphs whose copies (members or containers) reach another
    document. One pass over the clusters for the whole run."""
    found: dict[int, set[int]] = {}
    for cluster in clusters:
        refs = [m.ref for m in cluster.members] + [c.container for c in cluster.containers]
        if len({ref.doc for ref in refs}) > 1:
            for ref in refs:
                found.setdefault(ref.doc, set()).add(ref.index)
    return {doc: frozenset(indexes) for doc, indexes in found.items()}


def duplicated(doc: int, clusters: Sequence[Cluster]) -> frozenset[int]:
    """Paragraphs of ``doc`` whose copies (members or containers) reach another document."""
    return duplicated_by_doc(clusters).get(doc, frozenset())


def is_headline(paragraph: Paragraph, following: Paragraph | None, cues: CueSet) -> bool:
    """A short body line without final punctuation, followed by body text."""
    if following is None or not (paragraph.is_body and following.is_body):
        return False
    settings = cues.blocks
    return _short_unpunctuated(paragraph, settings.headline_terminal, settings.headline_max_words)


def _short_unpunctuated(paragraph: Paragraph, terminal: str, most_words: int) -> bool:
    """A line of at most ``most_words`` words not ending in one of ``terminal``."""
    text = paragraph.text.rstrip().rstrip(_CLOSERS)
    # the last character first: most paragraphs end a sentence, and counting words costs more
    if not text or text[-1] in terminal:
        return False
    words = paragraph.words  # counted by the segmenter (None for a paragraph made elsewhere)
    return (len(paragraph.text.split()) if words is None else words) <= most_words


def _headlines(paragraphs: Sequence[Paragraph], cues: CueSet) -> list[bool]:
    """Whether each paragraph is a headline (over the one after it), each asked once: the
    :func:`is_headline` answers, in one loop (it runs on every paragraph of a run)."""
    settings = cues.blocks
    terminal, most_words = settings.headline_terminal, settings.headline_max_words
    out = [False] * len(paragraphs)
    body = [p.kind == BODY for p in paragraphs]
    for i in range(len(paragraphs) - 1):
        if body[i] and body[i + 1]:
            out[i] = _short_unpunctuated(paragraphs[i], terminal, most_words)
    return out


CREDIT_REACH = 2  # body paragraphs after a headline within which its story's credit must come


def _credited_headlines(paragraphs: Sequence[Paragraph], headlines: Sequence[bool],
                        stories: Sequence[bool]) -> list[bool]:
    """Headlines of another story: a headline with a dateline or byline among the next
    ``CREDIT_REACH`` body paragraphs (furniture skipped). A short unpunctuated line with no
    credit under it is a subhead, a caption or a label inside the story running through it."""
    out = [False] * len(paragraphs)
    upcoming: list[int] = []  # body positions, nearest last, of the paragraphs after i
    for i in range(len(paragraphs) - 1, -1, -1):
        if headlines[i]:
            out[i] = any(stories[j] for j in upcoming[-CREDIT_REACH:])
        if paragraphs[i].is_body:
            upcoming.append(i)
    return out


def _opens_block(
    paragraphs: Sequence[Paragraph], i: int, previous: int | None, dup: frozenset[int],
    headlines: Sequence[bool], stories: Sequence[bool], closers: frozenset[str] = frozenset({"teaser"}),
) -> bool:
    """Whether body paragraph ``i`` starts a new block (see DESIGN.md, "Blocks"), given the
    body paragraph ``previous`` before it (furniture between them is skipped: it never ends a
    story). ``headlines`` marks the headlines of another story (:func:`_credited_headlines`),
    ``stories`` the paragraphs that open one (a dateline or byline)."""
    if previous is None:
        return True
    if any(paragraphs[j].boilerplate_rule in closers for j in range(previous + 1, i)):
        return True  # a teaser (another story's headline) or a story line ("Kyiv • UNN")
    if headlines[previous]:
        return False  # a headline and the paragraph under it are one story
    if headlines[i] or stories[i]:
        return True
    return (i in dup) != (previous in dup)


def _stories(seg: SegmentedDocument, cues: CueSet,
             matches: Sequence[tuple[CueMatch, ...]] | None = None) -> list[bool]:
    """Whether each paragraph begins with a dateline or byline (cues of the whole document
    found at once, unless the caller found them: ``matches``, one tuple per paragraph)."""
    found = cues.find_all(seg.paragraphs, seg.document.text) if matches is None else matches
    return [bool(cues_here) and any(m.rule.starts_block for m in cues_here) for cues_here in found]


def find_blocks(
    seg: SegmentedDocument,
    doc: int,
    clusters: Sequence[Cluster],
    *,
    cues: CueSet | None = None,
    duplicated_paragraphs: frozenset[int] | None = None,
    matches: Sequence[tuple[CueMatch, ...]] | None = None,
) -> tuple[int, ...]:
    """Block id of each paragraph of ``seg`` (document ``doc`` of the run), from 0 upwards.

    A block is one story. It starts at a dateline or byline, at the headline of another
    story (a headline with a credit under it) and at the edge of a run of paragraphs whose
    copies reach other documents. Furniture (boilerplate) never ends a story: each
    boilerplate paragraph is a block of its own, and the story before it goes on after it
    with the same id (so ids need not be contiguous), except after a teaser (another
    story's headline). ``cues`` defaults to the shipped data; a caller
    doing every document passes ``duplicated_paragraphs`` from :func:`duplicated_by_doc`,
    and ``matches`` (``cues.find_all`` of the document) when it keeps them for the tracer.
    """
    cues = cues or default_cues()
    dup = duplicated(doc, clusters) if duplicated_paragraphs is None else duplicated_paragraphs
    paragraphs = seg.paragraphs
    stories = _stories(seg, cues, matches)
    headlines = _credited_headlines(paragraphs, _headlines(paragraphs, cues), stories)
    closers = frozenset({"teaser", *cues.blocks.story_boilerplate})
    ids: list[int] = []
    fresh = -1  # the last id given out
    story = -1  # the id of the story running through the body paragraphs
    previous: int | None = None
    for i, paragraph in enumerate(paragraphs):
        if not paragraph.is_body:
            fresh += 1
            ids.append(fresh)
            continue
        if _opens_block(paragraphs, i, previous, dup, headlines, stories, closers):
            fresh += 1
            story = fresh
        ids.append(story)
        previous = i
    return tuple(ids)


def block_members(blocks: Sequence[int]) -> dict[int, list[int]]:
    """Paragraph indexes of each block, in order."""
    members: dict[int, list[int]] = {}
    for index, block in enumerate(blocks):
        members.setdefault(block, []).append(index)
    return members



def story_ids(
    seg: SegmentedDocument, blocks: Sequence[int], cues: CueSet,
    matches: Sequence[tuple[CueMatch, ...]] | None = None, keep: frozenset[int] = frozenset(),
) -> tuple[int, ...]:
    """``blocks`` with the edges that only a copy made joined again: the stories the tracer
    inherits credits in. A run also found on another page starts a block (its own copies may
    say whose it is), but when nothing else opens a story there - no credit, no headline of
    another story, no teaser before it - it is still the same text: a wire story carried
    whole on one page and trimmed on another is one story on both. ``keep``: paragraphs
    whose own cues name an author: an edge there stays (the text after a pasted run that
    names its own source is another story)."""
    paragraphs = seg.paragraphs
    body = [p.index for p in paragraphs if p.is_body]
    edges = [k for k in range(1, len(body)) if blocks[body[k]] != blocks[body[k - 1]]]
    if not edges:
        return tuple(blocks)
    stories = _stories(seg, cues, matches)
    closers = frozenset({"teaser", *cues.blocks.story_boilerplate})
    ids = list(blocks)
    joined: dict[int, int] = {}  # a block opened by a copy's edge alone -> the story it goes on
    for k in edges:
        i, previous = body[k], body[k - 1]
        if blocks[i] in joined or stories[i] or i in keep or any(
            paragraphs[j].boilerplate_rule in closers for j in range(previous + 1, i)
        ):
            continue
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if is_headline(paragraphs[i], following, cues) and any(
            stories[j] for j in body[k + 1:k + 1 + CREDIT_REACH]
        ):
            continue  # the headline of another story
        joined[blocks[i]] = blocks[previous]
    if not joined:
        return tuple(blocks)
    for i in body:
        block = blocks[i]
        while block in joined:
            block = joined[block]
        ids[i] = block
    return tuple(ids)
