"""Small lookups shared by renderers (they only read the AuditResult, never compute findings)."""

from __future__ import annotations

from ..model import AuditResult, Paragraph, ParagraphRef


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
