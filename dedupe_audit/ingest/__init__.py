"""Ingest: what the user names becomes documents.

Takes paths (files, folders, globs, ``-`` for stdin, archives, JSONL/CSV/Parquet tables) and a
``Config``; yields ``model.Document`` (text plus ``DocumentMeta``: URL, site, title, date) and
``model.Skipped`` (an input that could not be read, with the reason), in display-path order.
``inputs`` finds and reads the inputs (paths, globs, stdin, JSONL records, sidecar metadata),
``decoding`` turns bytes into text (or says they are binary), ``html_text`` takes an HTML page's
main text and metadata, ``metadata`` reads dates and sites from records and pages, ``archives``
reads packed inputs as streams under one byte budget, ``tables`` reads CSV/TSV/Parquet rows.
Nothing here knows about paragraphs.
"""

from __future__ import annotations

from ..exports import lazy_exports

HOMES = {
    "iter_inputs": "inputs",
    "collect_sources": "inputs",
    "read_listed": "inputs",
}
__all__ = sorted(HOMES)
__getattr__, __dir__ = lazy_exports(__name__, HOMES)
