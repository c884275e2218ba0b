"""The Dask engine on a real LocalCluster gives exactly the local engine's clusters."""

import sys

import pytest
from helpers import ROOT, SAMPLES

from dedupe_audit.config import Config
from dedupe_audit.dedup.detect import detect_duplicates
from dedupe_audit.dedup.engines import EngineError
from dedupe_audit.pipeline import load_corpus
from dedupe_audit.segment.boilerplate import load_rules
from dedupe_audit.segment.paragraphs import segment

distributed = pytest.importorskip("distributed")
from dedupe_audit.dedup.engines.dask import detect_dask, detector  # noqa: E402

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


def test_detector_for_run_audit_checks_the_documents_and_refuses_stdin(client):
    config = Config()
    segs, _, clusters = _local([SAMPLES], config)
    assert detector([str(SAMPLES)], client)(segs, config) == clusters
    with pytest.raises(EngineError, match="other documents"):
        detector([str(SAMPLES)], client)(segs[:-1], config)
    with pytest.raises(EngineError, match="standard input"):
        detector(["-"], client)(segs, config)
