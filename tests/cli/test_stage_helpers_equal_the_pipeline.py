"""The test helpers that run the provenance and dating stages over a list of pages
(``helpers.date_pages``, ``trace_pages``, ``assess_pages``) find what the pipeline finds.

Why: those stages have one API, the per-page one the pipeline calls; tests reach it through
these helpers. If the helpers composed it otherwise than ``pipeline._run`` (other blocks, other
copied paragraphs, other page dates), the stage tests would check something the tool never does.
"""

from __future__ import annotations

from helpers import SAMPLES, assess_pages, date_pages, trace_pages

from dedupe_audit.api import config_of, run
from dedupe_audit.dating.eras import load_eras
from dedupe_audit.pipeline import load_corpus
from dedupe_audit.provenance.blocks import find_blocks
from dedupe_audit.provenance.outlets import load_registry
from dedupe_audit.segment.paragraphs import segment


def test_helpers_date_trace_and_assess_as_the_pipeline_does():
    # the samples: pages with and without sidecar metadata, in three languages, sharing text
    # across outlets, so copies' provenance, copied blocks, recycled text (every gap counts at
    # --recycled-days 0) and era conflicts all have work to do
    config = config_of(recycled_days=0)
    result = run([str(SAMPLES)], config)
    documents, _ = load_corpus([str(SAMPLES)], config)
    pages = [segment(document, config) for document in documents]
    assert [page.document.path for page in pages] == [report.path for report in result.documents]
    assert result.clusters and result.recycled and result.conflicts

    page_dates = date_pages(pages)
    assert page_dates == tuple(report.page_date for report in result.documents)
    assert trace_pages(pages, result.clusters, load_registry(), page_dates) == result.provenance
    blocks = [find_blocks(page, doc, result.clusters) for doc, page in enumerate(pages)]
    found = assess_pages(pages, page_dates, result.clusters, blocks, load_eras(), recycled_days=0)
    assert found.per_paragraph == result.staleness
    assert (found.conflicts, found.recycled) == (result.conflicts, result.recycled)
