"""Segment: a document becomes paragraphs, windows and furniture verdicts.

Takes a ``model.Document`` and the run's ``Config``; returns a ``model.SegmentedDocument``: its
``Paragraph``s (character spans, line numbers, word counts, ``body`` or ``boilerplate`` with
the rule that said so) and the sentence ``Window``s cut from long body paragraphs.
``paragraphs`` cuts the text, ``boilerplate`` holds the furniture rules of
``data/boilerplate.toml`` (and a user's), ``furniture`` the furniture no single rule names: a
site's own template learnt from the corpus's duplicate clusters, and low-content paragraphs.
"""

from __future__ import annotations

from ..exports import lazy_exports

HOMES = {
    "segment": "paragraphs",
    "load_rules": "boilerplate",
    "RuleError": "boilerplate",
    "BoilerplateRule": "boilerplate",
    "TemplatedPages": "furniture",
    "learn_templates": "furniture",
    "low_content_evidence": "furniture",
    "page_site": "furniture",
    "without_templates": "furniture",
}
__all__ = sorted(HOMES)
__getattr__, __dir__ = lazy_exports(__name__, HOMES)
