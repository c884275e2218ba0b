"""Index integrity: foreign files are never overwritten, concurrent runs take turns, and a run
killed at any moment leaves an index that holds each document completely or not at all."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus_gen import make_corpus

from dedupe_audit.cli import main
from dedupe_audit.config import Config
from dedupe_audit.store import FingerprintCache, IndexRefused, file_kind


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


def _documents_complete(index: Path, expected: dict[str, int]) -> None:
    """Every document the index lists has all of its texts, and nothing else is half there."""
    with sqlite3.connect(index) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        listed = [row[0] for row in conn.execute("SELECT content_hash FROM documents")]
        for document in listed:
            count = conn.execute(
                "SELECT COUNT(*) FROM document_texts WHERE document = ?", (document,)
            ).fetchone()[0]
            assert count == expected[document], document
        orphans = conn.execute(
            "SELECT COUNT(*) FROM document_texts WHERE document NOT IN (SELECT content_hash FROM documents)"
        ).fetchone()[0]
        assert orphans == 0


def test_killing_runs_at_random_moments_never_leaves_half_a_document(tmp_path):
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 40)
    index = tmp_path / "i.sqlite"
    command = [sys.executable, "-m", "dedupe_audit", "audit", str(corpus), "-q", "-f", "json",
               "--index", str(index)]
    # what a complete index holds: run once to the end on a separate file
    full = tmp_path / "full.sqlite"
    fresh = tmp_path / "fresh.json"
    subprocess.run([*command[:-1], str(full), "-o", str(fresh)], check=True, capture_output=True, timeout=120)
    with sqlite3.connect(full) as conn:
        expected = dict(conn.execute(
            "SELECT document, COUNT(*) FROM document_texts GROUP BY document"
        ).fetchall())
    rng = random.Random(11)
    for attempt in range(5):
        if attempt == 2:  # change the corpus between kills: new and removed documents
            (corpus / "page_0003.txt").unlink()
            make_corpus(corpus / "more", 3, seed=attempt)
            subprocess.run([*command[:-1], str(full), "-o", str(fresh)], check=True, capture_output=True,
                           timeout=120)
            with sqlite3.connect(full) as conn:
                expected.update(conn.execute(
                    "SELECT document, COUNT(*) FROM document_texts GROUP BY document"
                ).fetchall())
        run = subprocess.Popen([*command, "-o", str(tmp_path / f"r{attempt}.json")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.5))
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
        if index.exists() and file_kind(index) == "ours":
            _documents_complete(index, expected)
    final = tmp_path / "final.json"
    subprocess.run([*command, "-o", str(final)], check=True, capture_output=True, timeout=120)
    _documents_complete(index, expected)
    assert _clusters(final) == _clusters(fresh)
