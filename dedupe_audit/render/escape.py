"""Make scraped text inert in reports: it must never break a table or inject markup."""

from __future__ import annotations

import re

# C0/C1 control characters (ANSI escape sequences start with ESC) except tab/newline, and the
# bidirectional overrides that make text display in another order than it reads ("Trojan source").
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# GitHub Actions reads "::cmd::" at a line start and the legacy "##[cmd]" anywhere in a log line;
# a zero-width space between the characters keeps the text readable and the runner deaf.
_WORKFLOW = re.compile(r"(?<=:)(?=:)|(?<=#)(?=#\[)")
# "$x$" and "$$" render as LaTeX math on GitHub; "$5" (a price) does not, so it stays as it is.
_MATH = re.compile(r"\$(?!\d)")
# Lone surrogates (a JSON "\\ud800" escape, a file name that is not UTF-8) cannot be written
# as UTF-8: shown as U+FFFD, the replacement character.
_SURROGATE = re.compile("[\ud800-\udfff]")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;"})


def plain(text: str) -> str:
    """Drop ANSI sequences and control characters; fold all whitespace to single spaces."""
    text = _SURROGATE.sub("\ufffd", _ANSI.sub("", text))
    text = _CONTROL.sub(" ", text)
    return _WORKFLOW.sub("\u200b", " ".join(text.split()))


def visible(text: str) -> str:
    """``text`` kept whole (a path GitHub must match), except that control characters, bidi
    overrides and lone surrogates each become U+FFFD: a name holding ESC ``[31m`` or U+202E
    can then neither colour a terminal nor reorder what a reader sees."""
    return _CONTROL.sub("\ufffd", _SURROGATE.sub("\ufffd", text))


def shorten(text: str, limit: int) -> str:
    if limit and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text


def md(text: str, limit: int = 0) -> str:
    """Inline Markdown: one line, HTML entities escaped, Markdown punctuation escaped.

    Escaping '@' stops GitHub mentions; escaping '<' and '&' stops raw HTML and
    comments; escaping '|' keeps table cells whole.
    """
    text = shorten(plain(text), limit)
    return _MATH.sub(r"\\$", _MD_SPECIAL.sub(r"\\\1", text.translate(_HTML)))


def md_code(text: str) -> str:
    """A path or location as inline code, with backticks it contains neutralised."""
    text = plain(text).replace("`", "'").replace("|", "\\|")
    return f"`{text}`"


def terminal(text: str, limit: int = 0) -> str:
    """Text safe to print to a terminal: no escape sequences, one line."""
    return shorten(plain(text), limit)
