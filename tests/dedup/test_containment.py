"""Containment of a paragraph inside any longer paragraph (not only inside long blocks).

A relay prints a wire paragraph whole; the wire's own paragraph holds it with one more sentence.
That longer paragraph is well under ``long_paragraph_words`` (no sentence windows), so only the
sampled-shingle candidates (``containment.containment_candidates_of``) find it; each is verified by the
exact share of shingles and located with a span.
"""

from __future__ import annotations

import json

import pytest
from helpers import CORPORA, segmented

from dedupe_audit.config import Config
from dedupe_audit.dedup.detect import detect_duplicates

QUOTE = ("“We will not sign any deal that leaves our farmers without water for the summer, and we have told "
         "the ministry so in writing,” the association’s chair said on Monday.")
CONTAINER = ("Talks on the reservoir stalled again this week as both sides dug in over the spring quotas, "
             "and growers in the lower valley began drilling private wells without waiting for permits. "
             "\"We will not sign any deal that leaves our farmers without water for the summer, and we have "
             "told the ministry so in writing,\" the association's chair said on Monday. The ministry "
             "replied that the quotas follow the drought plan adopted last year and that a hearing is "
             "set for May, when engineers will present new figures on the aquifer.")
PARAPHRASE = ("Talks on the reservoir stalled again this week as both sides dug in over the spring quotas. "
              "The farmers' association says it refuses any agreement that would cut off summer irrigation "
              "and has written to the ministry to say so, its chair told reporters. The ministry replied "
              "that the quotas follow the drought plan adopted last year and that a hearing is set for May.")
UK_QUOTE = ("«Ми не підпишемо жодної угоди, яка залишить наших фермерів без води на літо, і ми письмово "
            "повідомили про це міністерство», — заявив у понеділок голова асоціації.")
UK_CONTAINER = ("Переговори щодо водосховища знову зайшли в глухий кут цього тижня, а фермери в нижній "
                "частині долини почали бурити власні свердловини, не чекаючи дозволів. " + UK_QUOTE
                + " У міністерстві відповіли, що квоти відповідають плану на випадок посухи, "
                  "ухваленому минулого року, а слухання призначено на травень, коли інженери покажуть "
                  "нові дані про підземні води.")
OPENINGS = ("Weather: a cold front brings rain to the coast and snow to the hills by the weekend.",
            "Sport: the city's rowing club won both of its finals at the national regatta on Sunday.")


def _pages(*bodies: str):
    return [segmented(f"{OPENINGS[n]}\n\n{body}\n", f"page{n}.txt") for n, body in enumerate(bodies)]


def _contained(pages):
    clusters = detect_duplicates(pages, Config())
    return [(c, item) for c in clusters for item in c.containers]


def test_a_quote_inside_an_ordinary_paragraph_is_one_cluster_with_a_span():
    pages = _pages(QUOTE, CONTAINER)
    found = _contained(pages)
    assert len(found) == 1
    cluster, item = found[0]
    assert [m.ref.doc for m in cluster.members] == [0] and item.container.doc == 1
    assert item.share >= 0.8 and item.fuzz >= 90
    located = pages[1].document.text[item.start : item.end]
    assert "We will not sign any deal" in located and "the association's chair said on Monday" in located
    assert "Talks on the reservoir" not in located


def test_a_paraphrase_is_not_contained():
    assert _contained(_pages(QUOTE, PARAPHRASE)) == []


def test_a_container_must_be_clearly_longer():
    # the quote with a few words more is a near copy, not a container (under 1.5x the words)
    longer = QUOTE + " Talks resume next week."
    clusters = detect_duplicates(_pages(QUOTE, longer), Config())
    assert [c.kind for c in clusters] == ["near"] and not clusters[0].containers
    assert [m.ref.doc for m in clusters[0].members] == [0, 1]


def test_a_ukrainian_quote_inside_a_longer_paragraph():
    pages = _pages(UK_QUOTE, UK_CONTAINER)
    found = _contained(pages)
    assert len(found) == 1
    _, item = found[0]
    assert "Ми не підпишемо жодної угоди" in pages[1].document.text[item.start : item.end]


TRUTH = CORPORA / "article-extraction-benchmark" / "ground-truth.json"


@pytest.mark.skipif(not TRUTH.exists(), reason="../shared/corpora is not beside the repository")
def test_the_real_quote_inside_another_outlets_paragraph():
    """Two outlets' pages of the shared corpus: one prints the patient's closing quote as its own
    paragraph, the other holds it inside a longer paragraph (typographic apostrophes differ)."""
    bodies = [v["articleBody"] for v in json.loads(TRUTH.read_text(encoding="utf-8")).values()]
    marker = "dizzy turns since recovering"
    holding = [b for b in bodies if marker in b]
    assert len(holding) == 2, "the pair is expected in the shared corpus"
    pages = [segmented(body.replace("\n", "\n\n"), f"outlet{n}.txt") for n, body in enumerate(holding)]
    words = {n: [len(p.text.split()) for p in page.paragraphs if marker in p.text][0]
             for n, page in enumerate(pages)}
    short = min(words, key=words.get)
    assert words[1 - short] >= 1.5 * words[short]
    found = [(c, item) for c, item in _contained(pages) if marker in pages[item.contained.doc].paragraphs[
        item.contained.index].text]
    assert len(found) == 1
    _, item = found[0]
    assert item.contained.doc == short and item.container.doc == 1 - short
    assert marker in pages[item.container.doc].document.text[item.start : item.end]


def test_sampled_hits_equal_counting_every_pair():
    """``sampled_hits`` pairs each holder only with holders long enough to contain it (binary
    search over holders ordered by words): the same counts as trying every pair."""
    from collections import Counter, defaultdict

    import numpy as np

    from dedupe_audit.dedup import containment

    rng = np.random.default_rng(0)
    for _ in range(20):
        n = int(rng.integers(2, 60))
        words = rng.integers(5, 60, n)
        held = sorted({(int(s), int(r)) for s, r in zip(rng.integers(0, 12, 500), rng.integers(0, n, 500),
                                                         strict=True)})
        shingles = np.array([s for s, _ in held], dtype=np.uint64)
        rows = np.array([r for _, r in held], dtype=np.int64)
        codes, hits, usable = containment.sampled_hits(shingles, rows, words, n)
        holders = defaultdict(list)
        for s, r in held:
            holders[s].append(r)
        expect, rare = Counter(), np.zeros(n, dtype=np.int64)
        for found in holders.values():
            if len(found) > containment.COMMON_SAMPLED:  # a common shingle: no pairs, not usable
                continue
            rare[found] += 1
            expect.update(a * n + b for a in found for b in found if words[b] >= 1.5 * words[a])
        assert dict(zip(codes.tolist(), hits.tolist(), strict=True)) == dict(expect)
        assert usable.tolist() == rare.tolist()


def test_contained_shares_and_located_give_what_verify_contained_records():
    """The checks a Dask partition runs (``contained_shares`` then ``located``) are the local ones:
    the quote is in the container; a paraphrase of the same length, or the container inside the
    quote, is not."""
    import numpy as np

    from dedupe_audit.dedup.containment import contained_shares, located, verify_contained
    from dedupe_audit.dedup.fingerprint import Fingerprinter
    from dedupe_audit.model import ParagraphRef

    segs = [segmented(QUOTE, "a.txt"), segmented(CONTAINER, "b.txt"), segmented(PARAPHRASE, "c.txt")]
    refs = [ParagraphRef(doc, 0) for doc in range(3)]
    fingerprints = {ref: Fingerprinter()(seg.paragraphs[0].text) for ref, seg in zip(refs, segs, strict=True)}
    pairs = np.array([(0, 1), (1, 0), (2, 1), (0, 2)], dtype=np.int64)
    found = contained_shares(pairs, refs, fingerprints, 0.85)
    assert [(inner, outer) for inner, outer, _ in found] == [(refs[0], refs[1])]
    inner, outer, share = found[0]
    record = located(inner, outer, QUOTE, segs[1].paragraphs[0], share)
    assert record == verify_contained(pairs, refs, fingerprints, segs, 0.85)[0]
    assert "farmers without water" in CONTAINER[record.start : record.end] and share > 0.85
