"""An ``--index`` re-run reuses each unchanged page's own results and reports what a fresh run
reports: pages added, removed, changed or moved, settings and knowledge files changed, and an
index that is damaged or not ours."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import dedupe_audit.pipeline as pipeline
from dedupe_audit import api

# A story carried by two outlets (one copy credited), a page asserting two sitting presidents
# (an era conflict), a page naming an office holder of a user's era file, and filler pages.
SHARED = ("The city council voted on Tuesday to extend the night bus routes across the river, "
          "a change residents had asked for since the old bridge closed to traffic last spring.")
PAGES = {
    "a_wire.txt": f"Night buses return\n\n{SHARED}\n\nThe first routes start next month, officials said.\n",
    "b_relay.txt": (f"(Reuters) — {SHARED}\n\nSubscribe to our newsletter\n\n"
                    "Local readers welcomed the plan.\n"),
    "c_conflict.txt": ("President Joe Biden said on Tuesday the talks would go on for another week.\n\n"
                       "Negotiators met again in Geneva without an agreement on the main points.\n\n"
                       "US President Donald Trump said on Friday the deal was close to done.\n"),
    "d_mayor.txt": ("Mayor Ivo Brandt said on Tuesday the harbour would reopen after the storm repairs.\n\n"
                    "Fishing crews have waited three weeks to go back to sea with their boats.\n"),
    "e_filler.txt": ("Гарячий чай з м'ятою допомагає зігрітися холодного вечора після довгої прогулянки.\n\n"
                     "Весною в парку знову висадять молоді липи вздовж головної алеї міста.\n"),
}
# A user's era file: a made-up office and holder, so a changed end date changes a verdict.
ERAS = """
[offices.harbour-mayor]
label = "Harbour mayor"
titles = ['Mayor']

[[facts]]
id = "harbour-mayor-brandt"
office = "harbour-mayor"
holder = "Ivo Brandt"
start = "2001-01-01"
end = "{end}"
names = ['(?:Ivo\\s+)?Brandt']
"""
AS_OF = "2024-05-01"


def _write(folder: Path, pages: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _report(folder: Path, **settings: object) -> dict:
    """The JSON report, without the counts that say what the index reused."""
    report = json.loads(api.render(api.audit(folder, as_of=AS_OF, **settings), "json"))
    for key in ("fingerprinted", "reused"):
        report["summary"].pop(key, None)
    return report


_ERAS_LOADED: dict[tuple, object] = {}


@pytest.fixture(autouse=True)
def eras_loaded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """``load_eras`` (about 0.2 s) once per distinct content of the user's era files: the
    tests run many small audits; a changed file is still loaded again."""
    original = pipeline.load_eras

    def remembered(paths=()):  # type: ignore[no-untyped-def]
        key = tuple((str(path), Path(path).read_bytes()) for path in paths)
        if key not in _ERAS_LOADED:
            _ERAS_LOADED[key] = original(paths)
        return _ERAS_LOADED[key]

    monkeypatch.setattr(pipeline, "load_eras", remembered)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return _write(tmp_path / "corpus", PAGES)


@pytest.fixture
def eras_file(tmp_path: Path) -> Path:
    path = tmp_path / "eras.toml"
    path.write_text(ERAS.replace("{end}", "2005-01-01"), encoding="utf-8")
    return path


@pytest.fixture
def segmented(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the pipeline segments (a page whose stored segments were used is not)."""
    seen: list[str] = []
    original = pipeline.segment

    def counting(document, config, rules=None):  # type: ignore[no-untyped-def]
        seen.append(Path(document.path).name)
        return original(document, config, rules)

    monkeypatch.setattr(pipeline, "segment", counting)
    return seen


def test_an_unchanged_corpus_reuses_every_page_and_reports_the_same(corpus, tmp_path, segmented):
    index = tmp_path / "index.sqlite"
    (corpus / "c_empty.txt").write_bytes(b"")  # skipped, between pages
    first = _report(corpus, index=index)
    assert first["summary"]["stale"] >= 1 and first["conflicts"] and first["clusters"]  # the cases are there
    assert [item["reason"] for item in first["skipped"]] == ["empty file"]
    segmented.clear()
    assert _report(corpus, index=index) == first
    assert segmented == []  # nothing segmented again
    with sqlite3.connect(index) as conn:
        kinds = conn.execute("SELECT COUNT(*) FROM page_memo").fetchone()[0]
    assert kinds == 3 * len(PAGES)  # segments, detection input and page results of each page


def test_a_page_added_is_the_only_one_worked_on_and_equals_a_fresh_run(corpus, tmp_path, segmented):
    index = tmp_path / "index.sqlite"
    _report(corpus, index=index)
    # sorts first: every other page moves one place down (positions are not part of what is kept)
    new_page = f"{SHARED}\n\nA new page copies the story word for word.\n"
    (corpus / "0_new.txt").write_text(new_page, encoding="utf-8")
    segmented.clear()
    again = _report(corpus, index=index)
    assert segmented == ["0_new.txt"]
    fresh = _report(corpus)
    assert again == fresh
    cluster = next(c for c in fresh["clusters"] if len(c["members"]) == 3)
    assert cluster  # the new copy joined the cluster
    assert [c["doc"] for c in fresh["conflicts"]] == [3]  # the conflict page moved from 2 to 3


def test_a_page_removed_changes_its_former_copies_as_a_fresh_run(corpus, tmp_path):
    index = tmp_path / "index.sqlite"
    before = _report(corpus, index=index)
    (corpus / "a_wire.txt").unlink()
    again = _report(corpus, index=index)
    assert again == _report(corpus)
    assert len(again["clusters"]) < len(before["clusters"])  # the copy lost its partner
    with sqlite3.connect(index) as conn:  # the removed page's entries are gone
        assert conn.execute("SELECT COUNT(*) FROM page_memo").fetchone()[0] == 3 * (len(PAGES) - 1)


def test_a_changed_page_is_worked_on_again(corpus, tmp_path, segmented):
    index = tmp_path / "index.sqlite"
    _report(corpus, index=index)
    (corpus / "c_conflict.txt").write_text("President Joe Biden said on Tuesday the talks went on.\n",
                                           encoding="utf-8")
    segmented.clear()
    again = _report(corpus, index=index)
    assert segmented == ["c_conflict.txt"]
    assert again == _report(corpus) and again["conflicts"] == []


@pytest.mark.parametrize("setting", [{"threshold": 0.9}, {"min_words": 30}, {"as_of": "2003-01-01"}])
def test_a_changed_setting_invalidates_what_it_shapes(corpus, tmp_path, setting, segmented):
    index = tmp_path / "index.sqlite"
    base = _report(corpus, index=index)
    as_of = setting.get("as_of", AS_OF)
    others = {k: v for k, v in setting.items() if k != "as_of"}
    segmented.clear()
    again = json.loads(api.render(api.audit(corpus, index=index, as_of=as_of, **others), "json"))
    assert sorted(segmented) == sorted(PAGES)  # nothing stored under other settings was used
    fresh = json.loads(api.render(api.audit(corpus, as_of=as_of, **others), "json"))
    for report in (again, fresh):
        report["summary"].pop("fingerprinted"), report["summary"].pop("reused")
    assert again == fresh and again != base


def test_a_gate_setting_keeps_what_is_stored(corpus, tmp_path, segmented):
    index = tmp_path / "index.sqlite"
    _report(corpus, index=index)
    segmented.clear()
    api.check(corpus, index=index, as_of=AS_OF, fail_on=("stale",), max_clusters=5)
    assert segmented == []


def test_a_changed_knowledge_file_invalidates(corpus, tmp_path, eras_file):
    index = tmp_path / "index.sqlite"
    stale = _report(corpus, index=index, eras=(eras_file,))
    eras_file.write_text(ERAS.replace("{end}", "2030-01-01"), encoding="utf-8")
    again = _report(corpus, index=index, eras=(eras_file,))
    assert again == _report(corpus, eras=(eras_file,))
    # the holder is now in office: the verdict changed
    assert again["summary"]["stale"] < stale["summary"]["stale"]


def test_a_damaged_index_is_rebuilt_with_the_same_report(corpus, tmp_path):
    index = tmp_path / "index.sqlite"
    expected = _report(corpus, index=index)
    raw = index.read_bytes()
    index.write_bytes(raw[:100] + b"\x00garbage" * (len(raw) // 8))
    warnings: list[str] = []
    config = api.config_of(index=index, as_of=AS_OF)
    result = api.run(corpus, config, warn=warnings.append)
    assert any("rebuilding" in w for w in warnings)
    report = json.loads(api.render(result, "json"))
    for key in ("fingerprinted", "reused"):
        report["summary"].pop(key)
    assert report == expected
    assert _report(corpus, index=index) == expected  # and the rebuilt index serves the next run


def test_a_lost_memo_table_is_made_again(corpus, tmp_path, segmented):
    index = tmp_path / "index.sqlite"
    expected = _report(corpus, index=index)
    with sqlite3.connect(index) as conn:
        conn.execute("DROP TABLE page_memo")
    segmented.clear()
    assert _report(corpus, index=index) == expected
    assert sorted(segmented) == sorted(PAGES)


def test_a_foreign_file_is_refused_and_left_as_it_was(corpus, tmp_path):
    index = tmp_path / "notes.sqlite"
    with sqlite3.connect(index) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    before = index.read_bytes()
    with pytest.raises(api.AuditError, match="not a dedupe-audit index"):
        api.audit(corpus, index=index, as_of=AS_OF)
    assert index.read_bytes() == before


def test_a_rerun_gates_on_the_same_findings_with_the_stored_text_hashes(corpus, tmp_path):
    index = tmp_path / "index.sqlite"
    api.check(corpus, index=index, as_of=AS_OF)
    stale_copy = f"{SHARED}\n\nPresident Barack Obama said on Monday.\n"
    (corpus / "0_new.txt").write_text(stale_copy, encoding="utf-8")
    again = api.check(corpus, index=index, as_of=AS_OF)
    fresh = api.check(corpus, as_of=AS_OF)
    assert len(again.result.text_hashes) == len(PAGES) + 1  # the findings used the stored hashes
    assert fresh.result.text_hashes == ()  # and a run without the index works them out
    assert again.findings == fresh.findings
    rules = {f.rule for f in fresh.findings}
    assert {"stale", "era-conflict"} <= rules and rules & {"exact-duplicate", "near-duplicate"}
    assert again.outcome == fresh.outcome


def test_a_damaged_entry_is_worked_out_again(corpus, tmp_path, segmented):
    index = tmp_path / "index.sqlite"
    expected = _report(corpus, index=index)
    with sqlite3.connect(index) as conn:  # every stored entry cut short: SQLite itself sees no damage
        conn.execute("UPDATE page_memo SET value = substr(value, 1, 20)")
    segmented.clear()
    assert _report(corpus, index=index) == expected
    assert sorted(segmented) == sorted(PAGES)
    segmented.clear()
    assert _report(corpus, index=index) == expected  # and the entries were replaced
    assert segmented == []


class _Planted:
    """A stored entry from elsewhere that would create a file if its loader ran what it names."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (Path.touch, (self.marker,))


def test_an_entry_naming_a_function_is_refused_not_run(corpus, tmp_path, segmented):
    import pickle

    index = tmp_path / "index.sqlite"
    expected = _report(corpus, index=index)
    marker = tmp_path / "ran"
    with sqlite3.connect(index) as conn:  # an index handed over from elsewhere (a CI cache)
        conn.execute("UPDATE page_memo SET value = ?", (pickle.dumps(_Planted(marker)),))
    segmented.clear()
    assert _report(corpus, index=index) == expected
    assert not marker.exists()
    assert sorted(segmented) == sorted(PAGES)  # each refused entry counts as absent


# What an index written before the stage packages names: a module that is gone (pagedate is
# dating/page_date.py now) and a package that no longer holds the name (provenance's Claim is in
# provenance/tracing.py). Pickle protocol 0: the class is looked up by that path and returned.
# Where another install of the old layout is still importable (an editable checkout beside this
# one), the old path resolves to a real dataclass: the entry must still count as absent.
_OLD_LAYOUT = (b"cdedupe_audit.pagedate\nPageDate\n.", b"cdedupe_audit.provenance\nClaim\n.")


@pytest.mark.parametrize("entry", _OLD_LAYOUT, ids=["gone-module", "moved-name"])
def test_an_entry_naming_the_old_module_layout_counts_as_absent(corpus, tmp_path, segmented, entry):
    index = tmp_path / "index.sqlite"
    expected = _report(corpus, index=index)
    with sqlite3.connect(index) as conn:
        conn.execute("UPDATE page_memo SET value = ?", (entry,))
    segmented.clear()
    assert _report(corpus, index=index) == expected
    assert sorted(segmented) == sorted(PAGES)


def test_the_run_itself_reports_what_the_index_fingerprinted_and_reused(corpus, tmp_path):
    """The summary's index counts come from the run (not patched in by the caller), so a
    pipeline caller with its own ``FingerprintCache`` reads the same counts as the CLI."""
    from dedupe_audit.config import Config
    from dedupe_audit.dedup.fingerprint_cache import FingerprintCache

    config = Config(as_of=AS_OF, index=str(tmp_path / "index.sqlite"))
    counts = []
    for _ in range(2):
        cache = FingerprintCache(config.dedup.index, config)
        try:
            summary = pipeline.run_audit([str(corpus)], config, cache=cache).summary
            cache.save()
        finally:
            cache.close()
        counts.append((summary.fingerprinted, summary.reused))
    assert counts == [(len(PAGES), 0), (0, len(PAGES))]
    without_index = pipeline.run_audit([str(corpus)], Config(as_of=AS_OF)).summary
    assert (without_index.fingerprinted, without_index.reused) == (len(PAGES), 0)


def test_a_rerun_that_signs_one_page_does_not_load_the_compiled_kernels(corpus, tmp_path, monkeypatch):
    """Loading numba and its tables costs about a second: worth it for the texts a run signs,
    not for the whole corpus an index serves. With the threshold set between the new page's
    texts and the corpus's, the first run loads them and the re-run does not."""
    import dedupe_audit.dedup.detect as detect

    loads: list[str] = []
    monkeypatch.setattr(detect, "COMPILED_MIN_TEXTS", 5)
    monkeypatch.setattr(detect, "load_kernels", lambda: loads.append("loaded") or False)
    index = tmp_path / "index.sqlite"
    _report(corpus, index=index)
    assert loads == ["loaded"]  # every page signed: more than 5 texts
    (corpus / "f_new.txt").write_text("One new paragraph of its own for the test.\n", encoding="utf-8")
    loads.clear()
    again = _report(corpus, index=index)
    assert loads == []  # one text signed; the other pages' texts came from the index
    assert again == _report(corpus)


def test_the_index_lists_the_runs_pages_and_no_per_text_rows(corpus, tmp_path):
    """``documents`` holds the content hash of each page of the last run (the counts of
    fingerprinted and reused pages come from it); the per-text tables of old indexes stay empty."""
    index = tmp_path / "index.sqlite"

    def listed() -> tuple[set[str], int]:
        with sqlite3.connect(index) as conn:
            hashes = {row[0] for row in conn.execute("SELECT content_hash FROM documents")}
            return hashes, conn.execute("SELECT COUNT(*) FROM document_texts").fetchone()[0]

    first = _report(corpus, index=index)
    assert listed() == ({doc["content_hash"] for doc in first["files"]}, 0)
    (corpus / "d_mayor.txt").unlink()
    again = _report(corpus, index=index)
    assert listed() == ({doc["content_hash"] for doc in again["files"]}, 0)
    assert len(again["files"]) == len(PAGES) - 1


def test_page_counts_count_only_body_paragraphs_among_the_clustered():
    """A boilerplate paragraph that detection clustered (``include_boilerplate``) is not a body
    paragraph in a cluster; a paragraph of another page with the same index is not this page's."""
    from helpers import page

    from dedupe_audit.model import ParagraphRef

    seg = page(["Body one.", "Subscribe now", "Body two.", "Body three."], boilerplate={1: "cta"})
    membership = {ParagraphRef(0, 1): "c1", ParagraphRef(0, 2): "c1", ParagraphRef(1, 0): "c2",
                  ParagraphRef(1, 3): "c2"}
    clustered = pipeline.clustered_by_doc(membership)
    assert sorted(clustered[0]) == [1, 2] and sorted(clustered[1]) == [0, 3]
    counts = pipeline.page_counts(seg, clustered[0])
    assert counts.in_clusters == 1  # paragraph 2; paragraph 1 is boilerplate
    assert counts.body == bytes([1, 0, 1, 1]) and counts.rules == ("cta",)
    assert pipeline.page_counts(seg, ()).in_clusters == 0


@pytest.mark.parametrize(("paragraphs", "windows"), [(1, 0), (3, 2), (0, 0)])
def test_a_packed_detection_input_reads_back_equal_and_a_cut_one_is_refused(paragraphs, windows):
    import numpy as np

    from dedupe_audit.dedup.page_memo import SignedPage, packed_signed, unpacked_signed

    rng = np.random.default_rng(paragraphs * 10 + windows)
    sizes = rng.integers(0, 9, paragraphs).astype(np.int64)
    page = SignedPage(
        content_hashes=rng.integers(0, 2**63, paragraphs, dtype=np.uint64) * np.uint64(2),  # high bit too
        words=rng.integers(0, 500, paragraphs).astype(np.int64), sizes=sizes,
        shingles=rng.integers(0, 2**64 - 1, int(sizes.sum()), dtype=np.uint64),
        paragraph_signatures=rng.integers(0, 2**32, (paragraphs, 16), dtype=np.uint32),
        window_signatures=rng.integers(0, 2**32, (windows, 16), dtype=np.uint32),
    )
    packed = packed_signed(page)
    back = unpacked_signed(packed)
    for name in ("content_hashes", "words", "sizes", "shingles", "paragraph_signatures", "window_signatures"):
        mine, theirs = getattr(page, name), getattr(back, name)
        assert (mine.dtype, mine.shape) == (theirs.dtype, theirs.shape), name
        assert np.array_equal(mine, theirs), name
    for damaged in (packed[:-1], packed + b"\0", b"DASP0" + packed[5:], packed[:20]):
        with pytest.raises(ValueError):
            unpacked_signed(damaged)
