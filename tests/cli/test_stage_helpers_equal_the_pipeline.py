"""The test helpers that run the provenance and dating stages over a list of pages
(``helpers.date_pages``, ``trace_pages``, ``assess_pages``) find what the pipeline finds.

Why: those stages have one API, the per-page one the pipeline calls; tests reach it through
these helpers. If the helpers composed it otherwise than ``pipeline._run`` (other blocks, other
cue matches, other page dates), the stage tests would check something the tool never does.
"""

from __future__ import annotations

from helpers import SAMPLES, assess_pages, date_pages, seed, trace_pages

from dedupe_audit.api import config_of, run
from dedupe_audit.dating.eras import load_eras
from dedupe_audit.provenance.blocks import find_blocks
from dedupe_audit.provenance.outlets import load_registry

# two pages of one story from two outlets: shared paragraphs make clusters, so the copies'
# provenance and the blocks of copied runs are exercised, not only each page alone
# (in the order the run lists them: by path)
PAIR = ("unn_2025-04-25_cnn-stumbling-blocks_001_da529d315f73cbbb.txt",
        "unn_2025-04-26_nyt-counterproposal_000_09e3b7beadd31f34.txt")


def test_helpers_date_trace_and_assess_as_the_pipeline_does():
    paths = [SAMPLES / name for name in PAIR]
    result = run([str(path) for path in paths], config_of(recycled_days=0))
    pages = [seed(path) for path in paths]
    assert [len(page.paragraphs) for page in pages] == [len(d.paragraphs) for d in result.documents]
    assert result.clusters  # the pair shares text: the cross-page steps have work to do

    page_dates = date_pages(pages)
    assert page_dates == tuple(document.page_date for document in result.documents)
    assert trace_pages(pages, result.clusters, load_registry(), page_dates) == result.provenance
    blocks = [find_blocks(page, doc, result.clusters) for doc, page in enumerate(pages)]
    found = assess_pages(pages, page_dates, result.clusters, blocks, load_eras(), recycled_days=0)
    assert found.per_paragraph == result.staleness
    assert (found.conflicts, found.recycled) == (result.conflicts, result.recycled)
