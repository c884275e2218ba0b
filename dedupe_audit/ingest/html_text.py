"""An HTML page's main text and metadata (title, site, URL, date, language).

Why trafilatura twice: its ``favor_precision`` extraction drops most furniture but on a few
pages keeps almost nothing, so the balanced extraction is used when the precise one keeps too
little of the page; when the page cannot hold enough words to change that choice, the second
pass is skipped. Main text comes out one paragraph per line; a page trafilatura cannot read
falls back to its text with the tags stripped.
"""

from __future__ import annotations

import copy
import dataclasses
import html as html_lib
import logging
import re
from typing import Any

from ..model import DocumentMeta
from .metadata import clean_str, iso_date, site_from_url

LOG = logging.getLogger(__name__)

# favor_precision drops furniture but on a few pages (3 of 181 in the benchmark) keeps
# almost nothing; then the balanced extraction is used. Measured in tests/ingest/test_inputs.py.
PRECISION_MIN_SHARE = 0.2
# fmt: off
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "blockquote", "pre", "header", "footer", "aside", "nav", "main",
    "figure", "figcaption", "dd", "dt",
})
# fmt: on


# --------------------------------------------------------------------------- HTML


def from_html(html: str, base: DocumentMeta) -> tuple[str, DocumentMeta]:
    """Main text and what the page says about itself. Works on a parsed tree, never
    on the string: htmldate would fetch a string that looks like a URL."""
    import trafilatura

    try:
        tree = trafilatura.load_html(html)
    except Exception as exc:  # hostile markup must not stop the run
        LOG.debug("HTML parse failed: %s", exc)
        tree = None
    if tree is None:
        return _strip_tags_regex(html), base
    text = _main_text(tree) or _strip_tags_tree(copy.deepcopy(tree))
    return text, _html_meta(tree, base)


def _main_text(tree: Any) -> str:
    """favor_precision keeps less furniture; fall back when it keeps almost nothing (less
    than PRECISION_MIN_SHARE of the balanced extraction's words).

    The balanced pass costs as much as the precise one (~11 ms a page); it runs only when
    it could change the choice, i.e. when the precise text falls short of that share of
    ``_most_words``, which no extraction of the page can exceed. On 181 real news pages
    it was skipped on 156, with the same text chosen on every page.
    """
    precise = _trafilatura_text(tree, favor_precision=True)
    if precise and len(precise.split()) >= PRECISION_MIN_SHARE * _most_words(tree):
        return precise
    balanced = _trafilatura_text(tree, favor_precision=False)
    if precise and len(precise.split()) >= PRECISION_MIN_SHARE * len(balanced.split()):
        return precise
    return balanced


def _most_words(tree: Any) -> int:
    """More words than any text extraction of the page can hold: those of all its text
    outside scripts and styles, plus one per list item (the "- " a text extraction puts
    before each)."""
    texts = tree.xpath("//text()[not(ancestor::script) and not(ancestor::style)]")
    return sum(len(text.split()) for text in texts) + len(tree.xpath("//li"))


def _trafilatura_text(tree: Any, *, favor_precision: bool) -> str:
    import trafilatura

    try:
        text = trafilatura.extract(
            tree,  # trafilatura copies a tree it is given, the caller's stays intact
            output_format="txt",
            include_comments=False,
            include_tables=False,
            favor_precision=favor_precision,
            with_metadata=False,
        )
    except Exception as exc:  # a library bug on one page must not stop the run
        LOG.debug("trafilatura failed: %s", exc)
        return ""
    return _tidy_lines(text or "")


def _tidy_lines(text: str) -> str:
    """One paragraph per line: collapse inner whitespace, drop blank lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _strip_tags_tree(tree: Any) -> str:
    """Last resort: all body text, one line per block element."""
    for element in tree.xpath("//script|//style|//noscript|//template|//head"):
        element.drop_tree()
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    return _tidy_lines(tree.text_content())


def _strip_tags_regex(html: str) -> str:
    """For fragments lxml/trafilatura reject; good enough to keep their text."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html)
    html = re.sub(r"(?i)<(?:br|/p|/div|/li|/h\d)\b[^>]*>", "\n", html)
    return _tidy_lines(html_lib.unescape(re.sub(r"<[^>]*>", " ", html)))


def _html_meta(tree: Any, base: DocumentMeta) -> DocumentMeta:
    from trafilatura.metadata import extract_metadata

    try:
        found = extract_metadata(
            copy.deepcopy(tree),
            date_config={"original_date": True, "extensive_search": False},
        )
    except Exception as exc:  # metadata is a bonus; never lose the text over it
        LOG.debug("metadata extraction failed: %s", exc)
        found = None
    url = clean_str(getattr(found, "url", None)) or _canonical_url(tree)
    published = iso_date(getattr(found, "date", None))
    return dataclasses.replace(
        base,
        url=url,
        site=clean_str(getattr(found, "sitename", None)) or site_from_url(url),
        title=clean_str(getattr(found, "title", None)),
        published=published,
        published_source="html-meta" if published else None,
        language=_html_language(tree),
    )


def _canonical_url(tree: Any) -> str | None:
    """trafilatura reads these only inside <head>; broken markup often pushes them to <body>."""
    candidates = tree.xpath('//link[@rel="canonical"]/@href | //meta[@property="og:url"]/@content')
    for candidate in candidates:
        url = clean_str(str(candidate))
        if url and url.lower().startswith(("http://", "https://")) and site_from_url(url):
            return url
    return None


def _html_language(tree: Any) -> str | None:
    root = tree.getroottree().getroot()
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        values = root.xpath("//meta[@http-equiv][@content]")
        lang = next(
            (m.get("content") for m in values if m.get("http-equiv").lower() == "content-language"),
            None,
        )
    return clean_str(lang)
