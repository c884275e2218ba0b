"""Pages kept in a temporary file past a memory budget: read back equal, and the run unchanged."""

from __future__ import annotations

import errno
import random
import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from corpus_gen import make_corpus
from helpers import CORPORA, SAMPLES, document

from dedupe_audit.cli import main
from dedupe_audit.config import Config
from dedupe_audit.dedup import detect
from dedupe_audit.dedup.detect import detect_duplicates
from dedupe_audit.dedup.fingerprint_table import RowPages, TableBuilder
from dedupe_audit.model import DocumentMeta, SegmentedDocument
from dedupe_audit.pipeline import run_audit
from dedupe_audit.render import json as json_report
from dedupe_audit.render import markdown
from dedupe_audit.runtime import page_store as spool
from dedupe_audit.runtime.page_store import PageStore, SpoolError, pack, unpack
from dedupe_audit.segment.paragraphs import segment

# Long enough to be cut into sentence windows; Cyrillic, an emoji (4 bytes in UTF-8), a lone
# surrogate (a mis-decoded byte kept by ingest), a boilerplate line.
TRICKY = (
    "Київ, 12 березня (Укрінформ). "
    + " ".join(f"Речення номер {i} про переговори 🇺🇦 у Джидді." for i in range(40))
    + "\n\nShare this article on Facebook\n\n"
    + "A broken byte \udcff stays. The second paragraph has enough words to take part in detection."
)


def pages(count: int, seed: int = 3) -> list[SegmentedDocument]:
    rng = random.Random(seed)
    words = ["ceasefire", "talks", "Jeddah", "delegation", "proposal", "Kyiv", "Moscow", "sanctions", "envoy"]
    out = [segment(document(TRICKY, "tricky.txt", url="https://example.org/a", language="uk",
                            encoding="cp1251", encoding_fallback=True), Config())]
    for n in range(count - 1):
        text = "\n\n".join(" ".join(rng.choice(words) for _ in range(rng.randint(8, 60))) + "."
                           for _ in range(rng.randint(1, 6)))
        out.append(segment(document(text, f"p{n}.txt", published="2025-03-12"), Config()))
    return out


def test_pack_round_trip_is_equal_field_for_field():
    for seg in pages(40):
        back = unpack(pack(seg))
        assert back == seg
        assert back.document.meta == seg.document.meta and isinstance(back.document.meta, DocumentMeta)
        assert [p.text for p in back.paragraphs] == [p.text for p in seg.paragraphs]
        assert [w.text for w in back.windows] == [w.text for w in seg.windows]
        assert all(p.page is back.document.text for p in back.paragraphs)  # one text, shared
    assert unpack(pack(pages(1)[0])).windows  # the tricky page has windows to carry


@pytest.mark.parametrize("budget", [0, 20_000])
def test_store_reads_back_what_it_was_given(budget):
    given = pages(60)
    store = PageStore(budget)
    for seg in given:
        store.append(seg)
    assert store.spooled
    assert len(store) == len(given)
    assert list(store) == given
    assert store[-1] == given[-1] and store[7] == given[7]
    assert store[3:9] == given[3:9] and store[::-7] == given[::-7]
    assert [store.text(d) for d in range(len(given))] == [s.document.text for s in given]
    assert [store.parts(d) for d in range(len(given))] == [len(s.paragraphs) + len(s.windows) for s in given]
    with pytest.raises(IndexError):
        store[len(given)]


def test_store_under_budget_keeps_the_pages_themselves():
    given = pages(10)
    store = PageStore(10**9)
    for seg in given:
        store.append(seg)
    assert not store.spooled
    assert all(a is b for a, b in zip(store, given, strict=True))
    assert PageStore.of(store) is store
    assert not PageStore.of(given).spooled


def test_spooled_pages_do_not_stay_in_memory(monkeypatch):
    monkeypatch.setattr(spool, "RECENT_TEXT_CHARS", 100_000)  # ten pages' texts
    text = "\n\n".join(f"Paragraph {i} " + "word " * 400 for i in range(5))  # ~10 KB a page
    tracemalloc.start()
    try:
        store = PageStore(0)
        before = tracemalloc.get_traced_memory()[0]
        for n in range(400):
            store.append(segment(document(text + str(n), f"p{n}.txt"), Config()))
        read = sum(len(seg.paragraphs) for seg in store) + sum(len(store.text(d)) for d in range(400))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(store) == 400 and store.text(399).endswith("399") and read > 400 * len(text)
    # ~4 MB of text given and read back; what stays is offsets, a few pages and recent texts
    assert held < 400 * len(text) / 10, held


def test_threads_read_the_same_pages():
    given = pages(80, seed=9)
    store = PageStore(0)
    for seg in given:
        store.append(seg)
    wrong: list[int] = []

    def read(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(400):
            doc = rng.randrange(len(given))
            if store[doc] != given[doc] or store.text(doc) != given[doc].document.text:
                wrong.append(doc)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_missing_spool_folder_is_a_clear_error(tmp_path):
    missing = tmp_path / "no" / "such"
    with pytest.raises(SpoolError, match="no/such"):
        PageStore(0, str(missing))
    result = CliRunner().invoke(main, ["audit", str(SAMPLES), "--no-config", "-q", "--spool-after-mb", "0",
                                       "--spool-dir", str(missing), "-o", str(tmp_path / "a.md")])
    assert result.exit_code == 2, result.output
    assert "no/such" in result.output and "Traceback" not in result.output


def test_full_disk_is_a_clear_error(monkeypatch, tmp_path):
    store = PageStore(0, str(tmp_path))
    store.append(pages(1)[0])

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spool.os, "pwrite", full)
    with pytest.raises(SpoolError) as raised:
        store.append(pages(2)[1])
    assert "No space left on device" in str(raised.value) and str(tmp_path) in str(raised.value)
    monkeypatch.undo()
    assert len(store) == 1 and store[0] == pages(1)[0]  # what was written stays readable


def test_failing_to_spool_keeps_the_held_pages(monkeypatch, tmp_path):
    given = pages(12)
    store = PageStore(sum(map(spool.held_bytes, given[:10])), str(tmp_path))
    for seg in given[:10]:
        store.append(seg)
    assert not store.spooled

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spool.os, "pwrite", full)
    with pytest.raises(SpoolError):
        store.append(given[10])  # over the budget: the switch to the file fails
    monkeypatch.undo()
    assert not store.spooled and list(store) == given[:10]
    store.append(given[10])
    store.append(given[11])
    assert store.spooled and list(store) == given


def test_table_reads_page_texts_through_the_store():
    given = _copies(pages(30))
    store = PageStore(0)
    for seg in given:
        store.append(seg)
    kept = detect_duplicates(given, Config())
    assert kept and detect_duplicates(store, Config()) == kept  # texts of candidates read back
    builder, plain = TableBuilder(page_text=store.text), TableBuilder()
    for doc, seg in enumerate(given):
        paras = list(seg.paragraphs)
        n = len(paras)
        args = (np.full(n, doc), np.arange(n), paras, np.arange(n, dtype=np.uint64), np.ones(n),
                np.arange(n, dtype=np.uint64), np.arange(n), np.ones(n, dtype=np.int64))
        builder.add(*args)
        plain.add(*args)
    spooled, held = builder.build(), plain.build()
    assert isinstance(spooled.pages, RowPages)
    assert [spooled.fingerprint(r).text for r in range(len(held))] == [
        held.fingerprint(r).text for r in range(len(held))]


def _reports(paths: list[str], config: Config) -> tuple[str, str, bool]:
    result = run_audit(paths, config)
    spooled = getattr(result.documents, "pages", None)
    return (json_report.render(result), markdown.render(result),
            bool(spooled is not None and spooled.spooled))


@pytest.mark.parametrize("with_html", [False, True], ids=["samples+generated", "with-shared-html"])
def test_spooled_run_writes_the_same_reports(tmp_path, with_html):
    """Spooled and held runs write the same reports; the second case adds 25 real HTML pages
    from ``../shared`` and skips, saying so, where that folder is absent."""
    make_corpus(tmp_path / "gen", 40)
    html: list[Path] = []
    if with_html:
        html = sorted((CORPORA / "article-extraction-benchmark" / "html").glob("*.html.gz"))[:25]
        if len(html) < 25:
            pytest.skip(f"{CORPORA} holds no article-extraction-benchmark HTML (../shared is absent)")
    paths = [str(SAMPLES), str(tmp_path / "gen"), *map(str, html)]
    held = _reports(paths, Config())
    spooled = _reports(paths, Config(spool_after_mb=0))
    assert not held[2] and spooled[2]
    assert spooled[0] == held[0]
    assert spooled[1] == held[1]
    assert '"clusters"' in held[0] and "## Provenance" in held[1]  # findings to compare


def test_cli_spool_option_and_setting(tmp_path):
    out_a, out_b = tmp_path / "a.json", tmp_path / "b.json"
    for extra, out in (([], out_a), (["--spool-after-mb", "0", "--spool-dir", str(tmp_path)], out_b)):
        result = CliRunner().invoke(main, ["audit", str(SAMPLES), "--no-config", "-q", "-f", "json",
                                           "-o", str(out), *extra])
        assert result.exit_code == 0, result.output
    assert out_a.read_bytes() == out_b.read_bytes()
    assert list(tmp_path.glob("dedupe-audit-pages-*")) == []  # the spool file was never left behind
    bad = CliRunner().invoke(main, ["audit", str(SAMPLES), "--no-config", "--spool-after-mb", "-1"])
    assert bad.exit_code == 2 and "spool-after-mb" in bad.output


def _copies(given: list[SegmentedDocument]) -> list[SegmentedDocument]:
    """The pages, then a lightly edited copy of every fifth one (near duplicates across pages)."""
    edited = [segment(document(seg.document.text.replace("talks", "talk") + "\n\nA new closing line here.",
                               f"copy{n}.txt"), Config()) for n, seg in enumerate(given[::5])]
    return given + edited


def test_pages_are_fingerprinted_as_they_arrive(monkeypatch):
    monkeypatch.setattr(detect, "PARALLEL_MIN_TEXTS", 30)  # stop reading ahead early
    monkeypatch.setattr(detect, "BATCH_TEXTS", 25)
    given = _copies(pages(60, seed=5))
    store = PageStore(0)
    read_when_signed: list[int] = []  # pages read when each batch had been signed (its progress report)

    def arriving():
        for seg in given:
            store.append(seg)
            yield len(store) - 1, seg

    found = detect.detect_arriving(arriving(), store, Config(jobs=1),
                                   progress=lambda done, total: read_when_signed.append(len(store)))
    assert found == detect.detect_duplicates(given, Config(jobs=1))
    assert any(c.kind == "near" for c in found)
    assert len(read_when_signed) > 3 and read_when_signed[0] < len(given) // 2  # signed while reading


def test_streamed_run_equals_a_run_that_reads_everything_first(monkeypatch, tmp_path):
    monkeypatch.setattr(detect, "PARALLEL_MIN_TEXTS", 40)
    monkeypatch.setattr(detect, "BATCH_TEXTS", 30)
    make_corpus(tmp_path / "gen", 30)
    paths = [str(SAMPLES), str(tmp_path / "gen")]
    config = Config(jobs=1, spool_after_mb=0)
    streamed = run_audit(paths, config)
    collected = run_audit(paths, config, detect=lambda pages, cfg: detect.detect_duplicates(pages, cfg))
    assert json_report.render(streamed) == json_report.render(collected)
    assert markdown.render(streamed) == markdown.render(collected)
    assert streamed.summary.clusters > 0
