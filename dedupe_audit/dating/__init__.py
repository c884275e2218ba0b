"""Dating: when a page was published, and whether its paragraphs speak from another era.

Takes a ``model.SegmentedDocument``, the provenance stage's blocks and the dedup stage's
clusters; returns the page's ``model.PageDate`` (with its evidence), each paragraph's
``model.Staleness`` (markers, writing window, verdict ``stale``/``current``/``undetermined``),
``EraConflict``s and ``Recycled`` text. ``time_expressions`` finds dates and relative time
phrases (words from ``data/dates.toml``), ``page_date`` dates the page, ``eras`` holds who held
which office when (``data/eras.toml``, ``data/eras/``), ``tense`` reads a clause's tense (EN, and
UK/RU through pymorphy3), ``surnames`` follows a titled name to its bare surname, and
``staleness`` decides.
"""

from __future__ import annotations

from ..exports import lazy_exports

HOMES = {
    "TimeLanguage": "time_expressions",
    "time_language": "time_expressions",
    "page_paragraph_dates": "time_expressions",
    "as_of_date": "page_date",
    "date_page": "page_date",
    "EraRegistry": "eras",
    "load_eras": "eras",
    "assess_page": "staleness",
    "foreign_blocks": "staleness",
    "recycled": "staleness",
}
__all__ = sorted(HOMES)
__getattr__, __dir__ = lazy_exports(__name__, HOMES)
