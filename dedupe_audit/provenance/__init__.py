"""Provenance: which outlet wrote a paragraph and which relay carried it.

Takes a ``model.SegmentedDocument`` (with its page's metadata) and, across pages, the dedup
stage's ``Cluster``s; returns a ``model.Provenance`` per paragraph (original outlet, relay,
the cue or credit line that says so, confidence, or ``unknown``). ``outlets`` is the registry of
outlets and their names (``data/outlets.toml``), ``cues`` the attribution cues and lead-ins
(``data/cues.toml``), ``blocks`` the runs of consecutive paragraphs of one story (also used by
the staleness check), ``tracing`` the claims of one page and their spread to the copies.
"""

from __future__ import annotations

from ..exports import lazy_exports

HOMES = {
    "PageTrace": "tracing",
    "trace_page": "tracing",
    "trace_across": "tracing",
    "find_blocks": "blocks",
    "duplicated_by_doc": "blocks",
    "CueSet": "cues",
    "load_cues": "cues",
    "Outlet": "outlets",
    "OutletRegistry": "outlets",
    "load_registry": "outlets",
}
__all__ = sorted(HOMES)
__getattr__, __dir__ = lazy_exports(__name__, HOMES)
