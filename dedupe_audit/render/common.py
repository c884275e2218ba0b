"""Small lookups shared by renderers (they only read the AuditResult, never compute findings)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence

from ..model import AuditResult, Occurrence, Paragraph, ParagraphRef

DEFAULT_ROWS = 500  # rows of one report table before the rest is left to the JSON report


def paragraph(result: AuditResult, ref: ParagraphRef) -> Paragraph:
    return result.documents[ref.doc].paragraphs[ref.index]


def location(result: AuditResult, ref: ParagraphRef) -> str:
    """``file:line`` (or ``file:line-end_line`` for a paragraph spanning lines)."""
    para = paragraph(result, ref)
    path = result.documents[ref.doc].path
    if para.end_line != para.line:
        return f"{path}:{para.line}-{para.end_line}"
    return f"{path}:{para.line}"


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def row_limit(result: AuditResult) -> int:
    """How many rows one table may show (``report_rows``): a report on 200,000 pages that
    lists every paragraph is a file nobody opens; the JSON report keeps everything."""
    value = result.settings.get("report_rows", DEFAULT_ROWS)
    return value if isinstance(value, int) and value > 0 else DEFAULT_ROWS


def omitted(count: int, what: str) -> str:
    return f"{count} more {what} not shown here (limit `report_rows`); the JSON report has all of them."


def table(
    rows: Sequence[Sequence[object]], headers: Sequence[str], limit: int = 0, what: str = "rows"
) -> str:
    """A GitHub-flavoured table; past ``limit`` rows (0 = no limit) a note says how many were left out."""
    # imported on the first table: tabulate pulls in wcwidth, csv, email and importlib.metadata
    # (~0.03 s of a start), which a run writing only JSON never needs
    from tabulate import tabulate

    shown = rows[:limit] if limit else rows
    text = tabulate(shown, headers=headers, tablefmt="github", disable_numparse=True)
    if len(shown) < len(rows):
        text += "\n\n" + omitted(len(rows) - len(shown), what)
    return text


def word_changes(old: str, new: str) -> list[tuple[str, str, str]]:
    """The two copies word by word, as ``(kind, old_words, new_words)`` runs: ``kind`` is
    ``equal`` (the same words in both) or ``changed`` (words only in one or both, either may be
    empty). Each renderer marks the changed runs in its own markup."""
    a, b = old.split(), new.split()
    return [("equal" if op == "equal" else "changed", " ".join(a[i1:i2]), " ".join(b[j1:j2]))
            for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()]


def locator(result: AuditResult) -> Callable[[Occurrence], tuple[str, int, int]]:
    """Maps an occurrence to (file, line, end_line) on disk: a JSONL record ``f.jsonl#N`` is line
    N of f.jsonl (its paragraphs' lines are lines of the record's text, which no editor shows)."""
    jsonl = {doc.path for doc in result.documents if doc.meta.source_format == "jsonl"}

    def physical(occurrence: Occurrence) -> tuple[str, int, int]:
        if occurrence.path in jsonl:
            file, _, number = occurrence.path.rpartition("#")
            if file and number.isdigit():
                return file, int(number), int(number)
        return occurrence.path, occurrence.line, occurrence.end_line

    return physical
