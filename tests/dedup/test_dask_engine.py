"""The Dask engine on a real LocalCluster gives exactly the local engine's clusters."""

import random
import sys

import pytest
from helpers import ROOT, SAMPLES

from dedupe_audit.config import Config
from dedupe_audit.dedup.detect import detect_duplicates, seconds_of, warnings_of
from dedupe_audit.pipeline import load_corpus
from dedupe_audit.segment.boilerplate import load_rules
from dedupe_audit.segment.paragraphs import segment

distributed = pytest.importorskip("distributed")
from dedupe_audit.dedup.engines.dask import (  # noqa: E402
    Part,
    band_items,
    band_pairs,
    capped_pairs,
    count_pairs,
    detect_dask,
    detect_dask_pages,
    detector,
)

sys.path.insert(0, str(ROOT / "benchmarks"))
from scale import make_corpus  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


def _local(paths, config):
    docs, skipped = load_corpus([str(p) for p in paths], config)
    rules = load_rules(())
    segs = [segment(doc, config, rules) for doc in docs]
    return segs, skipped, detect_duplicates(segs, config)


def test_samples_with_a_reference_equal_the_local_engine(client):
    config = Config(reference=(str(SAMPLES / "reuters_en_2025-03-11_jeddah-ceasefire-proposal.txt"),))
    segs, skipped, clusters = _local([SAMPLES], config)
    result = detect_dask([str(SAMPLES)], config, client, partitions=3)
    assert result.documents == tuple((s.document.path, s.document.content_hash) for s in segs)
    assert result.skipped == tuple(skipped)
    assert result.clusters == clusters and len(clusters) > 10


@pytest.mark.parametrize("partitions", [None, 7])
def test_generated_corpus_equals_the_local_engine(client, tmp_path_factory, partitions):
    folder = tmp_path_factory.getbasetemp() / "scale5k"
    if not folder.exists():
        make_corpus(folder, 5_000)
    config = Config()
    segs, _, clusters = _local([folder], config)
    assert {c.kind for c in clusters} == {"exact", "near", "contained"}
    assert any(c.containers for c in clusters)
    result = detect_dask([str(folder)], config, client, partitions=partitions)
    assert result.clusters == clusters


def test_detector_for_run_audit_detects_on_the_pages_it_is_given(client):
    """The run's detector sends the pages the run read to the workers (no second read of the
    corpus): any pages, in any number of partitions, give the local engine's clusters."""
    config = Config(reference=(str(SAMPLES / "reuters_en_2025-03-11_jeddah-ceasefire-proposal.txt"),))
    segs, _, clusters = _local([SAMPLES], config)
    assert detector(client)(segs, config) == clusters and len(clusters) > 10
    some = segs[1:-1]
    assert detect_dask_pages(some, config, client, partitions=4) == detect_duplicates(some, config)
    assert detect_dask_pages([], config, client) == ()

def test_the_band_step_over_partitions_keeps_the_local_candidates_of_oversized_buckets_and_hubs():
    """The Dask band step (partitions -> reducers by band -> counts by pair -> caps on the
    client), run here in process, gives exactly ``CandidateIndex``'s pairs when buckets are over
    the limit (paired in blocks ordered by the tiebreak band) and every key is over its candidate
    limit (long texts: 4 candidates each), with keys numbered differently (positions in the run)."""
    import numpy as np

    from dedupe_audit.dedup.banding import CandidateIndex
    from dedupe_audit.dedup.detect import candidate_limits

    index = CandidateIndex(0.4, 128, 1)
    bands, rows = index.params
    count = 300
    rng = np.random.default_rng(11)
    sigs = rng.integers(0, 2**32, size=(count, bands * rows), dtype=np.uint64).astype(np.uint32)
    sigs[:, : 3 * rows] = 5  # three bands shared by every key: buckets far over the limit
    sigs[::7, 3 * rows : 6 * rows] = 9  # three more shared by every seventh key
    sizes = np.full(count, 20_000, dtype=np.int64)  # long texts: a limit of 4 candidates each
    index.add(range(count), sigs)
    expected = index.candidate_array(max_bucket=40, min_bands=2, below=count,
                                     most=candidate_limits(sizes, np.empty(0, dtype=np.int64)))
    assert len(index.capped_keys) and index.oversized_buckets

    empty = np.empty((0, bands * rows), dtype=np.uint32)
    cut, reducers = 170, 3
    parts = [Part([], [], [(0, i) for i in range(lo, hi)], [], sigs[lo:hi], [], empty)
             for lo, hi in ((0, cut), (cut, count))]
    banded = [band_items(part, np.ones(len(part.refs), dtype=bool), offset, 0, bands, rows, reducers)
              for part, offset in zip(parts, (0, cut), strict=True)]
    by_pair = [band_pairs(reducers, 40, *[items[r] for items in banded]) for r in range(reducers)]
    counted = [count_pairs(2, *[out[0][r] for out in by_pair]) for r in range(reducers)]
    codes, shared = np.concatenate([c for c, _ in counted]), np.concatenate([n for _, n in counted])
    no_windows = np.empty(0, dtype=np.int64)
    firsts, seconds, capped = capped_pairs(codes, shared, np.ones(count, dtype=bool), sizes, no_windows)
    got = sorted(zip(firsts.tolist(), seconds.tolist(), strict=True))
    assert got == sorted(map(tuple, expected.tolist())) and len(got)
    assert (capped, len(codes)) == (len(index.capped_keys), index.pairs_found)  # the same truncation note
    oversized = np.array([out[1] for out in by_pair]).sum(axis=0).tolist()
    assert oversized == [index.oversized_buckets, index.oversized_members]


def test_paragraphs_flooded_with_common_shingles_are_skipped_as_the_local_engine_skips_them(client, tmp_path):
    """Pages of a four-word vocabulary: every shingle sits in every long block, so the local
    engine does not look these paragraphs up inside long blocks (``heavy_and_flooded``, with a
    note). The Dask engine counts the blocks holding each shingle in its shingle shuffle and
    skips the same paragraphs: it finds no containment the local engine left out."""
    rng = random.Random(5)
    words = ("ember", "quay", "lantern", "moss")

    def sentence() -> str:
        return " ".join(rng.choices(words, k=rng.randint(8, 12))).capitalize() + "."

    for page in range(8):
        paragraphs = [" ".join(sentence() for _ in range(14)) for _ in range(10)]
        paragraphs += [f"{sentence()} {sentence()}" for _ in range(2)]
        (tmp_path / f"p{page}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    config = Config()
    _, _, clusters = _local([tmp_path], config)
    assert any("very many long blocks" in note for note in warnings_of(clusters))
    found = detect_dask([str(tmp_path)], config, client, partitions=3).clusters
    assert found == clusters and warnings_of(found) == warnings_of(clusters)
    assert [step for step, _ in seconds_of(found)] == [step for step, _ in seconds_of(clusters)]
