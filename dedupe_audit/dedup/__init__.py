"""Dedup: which paragraphs repeat across the corpus, exactly or nearly, and which sit inside
longer text.

Takes the ``model.SegmentedDocument``s (from the run's page store) and the ``Config``; returns
``model.Cluster``s (members as ``ParagraphRef``s, similarity, containments). ``fingerprint`` and
``kernels`` turn texts into shingle hashes and MinHash signatures, ``fingerprint_table`` keeps
them in flat arrays, ``banding`` groups signatures into LSH candidate pairs, ``near_pairs``
checks candidates exactly, ``containment`` finds paragraphs held inside longer text,
``clusters`` groups copies into stars, ``detect`` runs those steps over the corpus. Where the
work lives: ``engines`` (in process, a shared Redis index through ``redis_index``, Dask
workers), ``fingerprint_cache`` (the SQLite file of ``--index``) and ``page_memo`` (each page's
own results kept in that file so a re-run skips them).
"""

from __future__ import annotations

from ..exports import lazy_exports

HOMES = {
    "detect_duplicates": "detect",
    "detect_arriving": "detect",
    "warnings_of": "detect",
    "Arriving": "engines",
    "Detector": "engines",
    "ENGINES": "engines",
    "EngineError": "engines",
    "is_redis_url": "engines",
    "open_detector": "engines",
    "FingerprintCache": "fingerprint_cache",
    "IndexRefused": "fingerprint_cache",
    "PageMemo": "page_memo",
    "PageResults": "page_memo",
    "StoredSegments": "page_memo",
    "page_results": "page_memo",
    "with_doc": "page_memo",
}
__all__ = sorted(HOMES)
__getattr__, __dir__ = lazy_exports(__name__, HOMES)
