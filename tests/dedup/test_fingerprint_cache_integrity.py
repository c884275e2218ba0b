"""Index integrity: foreign files are never overwritten, concurrent runs take turns, and a run
killed at any moment leaves an index that holds each document completely or not at all."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus_gen import make_corpus

import dedupe_audit
from dedupe_audit.cli import main
from dedupe_audit.config import Config
from dedupe_audit.dedup.fingerprint_cache import APPLICATION_ID, FingerprintCache, IndexRefused, file_kind


def test_a_non_sqlite_file_is_refused_and_left_untouched(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("my precious notes\n")
    with pytest.raises(IndexRefused, match="not a dedupe-audit index"):
        FingerprintCache(str(target), Config())
    assert target.read_text() == "my precious notes\n"


def test_another_programs_sqlite_database_is_refused(tmp_path):
    target = tmp_path / "app.db"
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TABLE users (name TEXT)")
        conn.execute("INSERT INTO users VALUES ('ada')")
    before = target.read_bytes()
    with pytest.raises(IndexRefused):
        FingerprintCache(str(target), Config())
    assert target.read_bytes() == before


def test_foreign_index_is_a_clear_exit_2_from_the_cli(tmp_path):
    (tmp_path / "a.txt").write_text("A paragraph long enough to be audited by the tool here.\n")
    foreign = tmp_path / "index.json"
    foreign.write_text("{}")
    result = CliRunner().invoke(main, ["audit", str(tmp_path / "a.txt"), "-q", "-o", str(tmp_path / "r.md"),
                                       "--index", str(foreign)])
    assert result.exit_code == 2
    assert "not a dedupe-audit index" in result.output
    assert foreign.read_text() == "{}"


def test_truncated_index_is_detected_and_rebuilt(tmp_path):
    index = tmp_path / "i.sqlite"
    FingerprintCache(str(index), Config()).close()
    assert file_kind(index) == "ours"
    index.write_bytes(index.read_bytes()[:60])  # cut inside the header
    assert file_kind(index) == "damaged"
    warnings: list[str] = []
    FingerprintCache(str(index), Config(), warn=warnings.append).close()
    assert warnings and "rebuilding" in warnings[0]
    assert file_kind(index) == "ours"


def test_concurrent_runs_take_turns_with_a_message(tmp_path):
    index = str(tmp_path / "i.sqlite")
    first = FingerprintCache(index, Config())
    with pytest.raises(IndexRefused, match="in use by another run"):
        FingerprintCache(index, Config(), lock_timeout=0.3)
    messages: list[str] = []
    opened: list[float] = []

    def second_run() -> None:
        cache = FingerprintCache(index, Config(), warn=messages.append, lock_timeout=10)
        opened.append(time.monotonic())
        cache.close()

    waiter = threading.Thread(target=second_run)
    waiter.start()
    time.sleep(0.3)
    assert not opened  # still waiting for the first run
    released = time.monotonic()
    first.close()
    waiter.join(timeout=10)
    assert opened and opened[0] >= released
    assert any("waiting" in m for m in messages)


def _clusters(path: Path) -> list[list[tuple[str, int]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [[(m["file"], m["index"]) for m in c["members"]] for c in data["clusters"]]


HERE = Path(__file__).resolve().parents[1]  # tests/: kill_points.py and the shared helpers


def _kill_points(tmp_path: Path, args: list[str], start: Path | None, report: Path) -> list[dict]:
    """Run ``kill_points.py``: the run once whole, then once SIGKILLed before each chosen database
    step, then once more whole; one JSON state a run."""
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"args": args, "start": str(start) if start else None, "report": str(report)}),
                    encoding="utf-8")
    package_root = Path(dedupe_audit.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package_root), str(HERE)])}
    done = subprocess.run([sys.executable, str(HERE / "kill_points.py"), str(spec)], capture_output=True,
                          text=True, env=env, timeout=240, check=True)
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _assert_whole(state: dict, wholes: list[dict]) -> None:
    """The path holds no index or a whole one: tagged, with its tables, and the documents and
    per-page entries (``page_memo``, written in the same transaction) of no run or of one of
    the ``wholes`` runs. (Per-page entries replaced per-text rows: an index made now holds its
    fingerprints there, so whole-ness is counted on them.)"""
    assert state["kind"] in ("missing", "ours"), state
    if state["kind"] == "missing":
        return
    assert state["quick_check"] == "ok", state
    assert {"meta", "documents", "page_memo"} <= set(state["tables"]), state
    found = (sorted(state["documents"]), state["memo"])
    assert found == ([], 0) or found in [(sorted(w["documents"]), w["memo"]) for w in wholes], state


def test_killing_runs_at_every_database_step_never_leaves_half_an_index(tmp_path):
    """A run SIGKILLed before any step of creating or updating its index leaves either no index or
    a whole one, and the next run finishes and reports what an uninterrupted run reports. Each
    step is a kill point (not a timer), so the test checks the same moments every time."""
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 16)
    work = tmp_path / "work"
    work.mkdir()
    index = work / "i.sqlite"
    args = ["audit", str(corpus), "-q", "-f", "json", "-o", str(tmp_path / "killed.json"),
            "--index", str(index)]

    whole, *killed, recovered = _kill_points(tmp_path, args, None, tmp_path / "whole.json")
    assert whole["steps"] > 20 and len(whole["documents"]) == 16  # creating (about 10 steps) and saving
    assert whole["memo"] == 3 * 16  # segments, detection input and page results of each page
    assert killed and all(state["killed"] for state in killed)  # every point was reached
    for state in killed:
        _assert_whole(state, [whole])
    assert any(state["kind"] == "missing" for state in killed)
    assert any(state["kind"] == "ours" and not state["documents"] for state in killed)
    assert any(state["kind"] == "ours" and state["documents"] for state in killed)
    _assert_whole(recovered, [whole])
    assert sorted(recovered["documents"]) == sorted(whole["documents"])
    assert recovered["strays"] == []  # what killed builds left is removed
    assert _clusters(tmp_path / "killed.json") == _clusters(tmp_path / "whole.json")

    # the corpus changes (a page removed, three added); kill runs updating the complete index
    complete = tmp_path / "complete.sqlite"
    shutil.copyfile(index, complete)
    (corpus / "page_0003.txt").unlink()
    make_corpus(corpus / "more", 3, seed=5)
    before = whole
    whole, *killed, recovered = _kill_points(tmp_path, args, complete, tmp_path / "whole.json")
    assert killed and all(state["killed"] for state in killed)
    for state in killed:
        _assert_whole(state, [before, whole])
        assert state["kind"] == "ours"  # an index that was whole stays whole
    assert len(whole["documents"]) == 18 and whole["memo"] == 3 * 18
    assert sorted(recovered["documents"]) == sorted(whole["documents"])
    _assert_whole(recovered, [whole])
    assert _clusters(tmp_path / "killed.json") == _clusters(tmp_path / "whole.json")


def test_a_tagged_file_without_tables_is_rebuilt(tmp_path):
    """What a run killed between tagging and creating tables left before the tag went last:
    recognised as ours, found unusable, rebuilt with a warning, not refused."""
    index = tmp_path / "i.sqlite"
    with sqlite3.connect(index) as conn:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    assert file_kind(index) == "ours"
    warnings: list[str] = []
    cache = FingerprintCache(str(index), Config(), warn=warnings.append)
    cache.close()
    assert len(warnings) == 1 and "rebuilding" in warnings[0]
    with sqlite3.connect(index) as conn:
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone() == (0,)


def test_a_new_index_is_built_under_a_temporary_name_and_renamed(tmp_path, monkeypatch):
    """A failure while building leaves no file at the index path (and no temporary file)."""
    index = tmp_path / "i.sqlite"

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("dedupe_audit.dedup.fingerprint_cache.os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        FingerprintCache(str(index), Config())
    assert not index.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.sqlite.lock"]
