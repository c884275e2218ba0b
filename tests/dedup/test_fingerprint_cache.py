import sqlite3
import time
from pathlib import Path

import pytest
from corpus_gen import make_corpus, paragraph

from dedupe_audit.config import Config
from dedupe_audit.dedup.detect import detect_duplicates
from dedupe_audit.dedup.fingerprint_cache import FingerprintCache
from dedupe_audit.pipeline import load_corpus
from dedupe_audit.segment.boilerplate import load_rules
from dedupe_audit.segment.paragraphs import segment


def _segmented(folder: Path, config: Config):
    docs, _ = load_corpus([str(folder)], config)
    rules = load_rules(())
    return [segment(doc, config, rules) for doc in docs]


def _run(segs, config, index, warnings=None):
    cache = FingerprintCache(str(index), config, warn=warnings.append if warnings is not None else print)
    try:
        clusters = detect_duplicates(segs, config, cache=cache)
        cache.save()
    finally:
        cache.close()
    return clusters, cache


def test_second_run_fingerprints_only_the_new_page_and_matches_a_fresh_run(tmp_path):
    config = Config()
    corpus = tmp_path / "corpus"
    shared = make_corpus(corpus, 200)
    index = tmp_path / "index.sqlite"
    start = time.perf_counter()
    _, first = _run(_segmented(corpus, config), config, index)
    assert (first.fingerprinted, first.reused) == (200, 0)

    # a new page copying a shared paragraph and one unique paragraph of an existing page
    existing = (corpus / "page_0003.txt").read_text(encoding="utf-8").split("\n\n")[0]
    (corpus / "page_new.txt").write_text(f"{shared[0]}\n\n{existing}\n\nFresh words here for a start.\n")
    segs = _segmented(corpus, config)
    clusters, second = _run(segs, config, index)
    assert (second.fingerprinted, second.reused, second.forgotten) == (1, 200, 0)
    assert second.texts_computed <= 3
    assert clusters == detect_duplicates(segs, config)  # identical to a fresh run
    paths = {segs[m.ref.doc].document.path for c in clusters for m in c.members}
    assert any(p.endswith("page_new.txt") for p in paths)
    assert time.perf_counter() - start < 20


def test_deleted_documents_are_forgotten(tmp_path):
    config = Config()
    corpus = tmp_path / "c"
    make_corpus(corpus, 12)
    index = tmp_path / "i.sqlite"
    _run(_segmented(corpus, config), config, index)
    (corpus / "page_0000.txt").unlink()
    _, cache = _run(_segmented(corpus, config), config, index)
    assert (cache.forgotten, cache.reused, cache.fingerprinted) == (1, 11, 0)
    with sqlite3.connect(index) as conn:
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 11


@pytest.mark.parametrize("damage", ["garbage", "version", "settings"])
def test_unusable_index_is_rebuilt_with_a_warning(tmp_path, damage):
    config = Config()
    corpus = tmp_path / "c"
    make_corpus(corpus, 5)
    index = tmp_path / "i.sqlite"
    segs = _segmented(corpus, config)
    _run(segs, config, index)
    if damage == "garbage":  # our header, damaged pages after it
        raw = index.read_bytes()
        index.write_bytes(raw[:100] + b"this is not a database" * 100)
    elif damage == "version":
        with sqlite3.connect(index) as conn:
            conn.execute("UPDATE meta SET value = '0' WHERE key = 'version'")
    else:
        config = Config(shingle_size=4)
    warnings: list[str] = []
    clusters, cache = _run(segs, config, index, warnings)
    assert warnings and "rebuilding" in warnings[0]
    assert cache.fingerprinted == 5 and cache.reused == 0
    assert clusters == detect_duplicates(segs, config)


def test_a_failed_save_leaves_the_previous_index_intact(tmp_path, monkeypatch):
    config = Config()
    corpus = tmp_path / "c"
    make_corpus(corpus, 6)
    index = tmp_path / "i.sqlite"
    _run(_segmented(corpus, config), config, index)
    with sqlite3.connect(index) as conn:
        before = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    (corpus / "page_extra.txt").write_text(paragraph(__import__("random").Random(1)) + "\n")
    (corpus / "page_0001.txt").unlink()
    cache = FingerprintCache(str(index), config)
    detect_duplicates(_segmented(corpus, config), config, cache=cache)
    original = cache._conn.executemany  # noqa: SLF001

    class Boom(Exception):
        pass

    calls = {"n": 0}

    def failing(sql, rows):
        calls["n"] += 1
        if calls["n"] == 3:
            raise Boom  # mid-transaction, after deletes and some inserts
        return original(sql, rows)

    proxy = type("Proxy", (), {"execute": cache._conn.execute, "executemany": staticmethod(failing)})  # noqa: SLF001
    cache._conn = proxy()  # noqa: SLF001
    with pytest.raises(Boom):
        cache.save()
    cache._conn = None  # noqa: SLF001  (the proxy has no close(); drop it)
    cache.close()  # releases the run's lock on the index
    with sqlite3.connect(index) as conn:
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == before
    reopened = FingerprintCache(str(index), config)
    reopened.close()
