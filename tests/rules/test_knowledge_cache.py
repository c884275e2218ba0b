"""The knowledge cache answers exactly what computing again answers, or is not used."""

import marshal
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dedupe_audit.rules import knowledge_cache
from dedupe_audit.rules.literals import NEWER, read_literals, required_literals

PATTERNS = [
    (r"(?<!\w)(?:(?:President|Prez\.)\s+(?:Joe\s+)?Biden|Байден\w*)(?!\w)", re.IGNORECASE),
    (r"(?P<outlet>(?-i:Reuters|AP|Укрінформ))\s+(?:reports|повідомляє)", re.IGNORECASE),
    (r"^\d{1,2}\.\d{2}\.\d{4}$", 0),
]
TEXTS = ["President BIDEN said", "президент Байдена", "AP reports", "Укрінформ повідомляє",
         "25.04.2025", "reuters reports", "prez. joe biden", "nothing"]


@pytest.fixture()
def store(tmp_path, monkeypatch):
    """A fresh, empty cache in a folder of its own."""
    monkeypatch.setenv(knowledge_cache.ENV_DIR, str(tmp_path))
    monkeypatch.delenv(knowledge_cache.ENV_OFF, raising=False)
    fresh = knowledge_cache._Store()
    monkeypatch.setattr(knowledge_cache, "_STORE", fresh)
    return fresh


def _same(made: re.Pattern, pattern: str, flags: int) -> None:
    reference = re.compile(pattern, flags)
    assert (made.pattern, made.flags, made.groups, made.groupindex) == (
        reference.pattern, reference.flags, reference.groups, reference.groupindex)
    for text in TEXTS:
        found = [(m.span(), m.groupdict()) for m in made.finditer(text)]
        assert found == [(m.span(), m.groupdict()) for m in reference.finditer(text)]


def _reload(store: knowledge_cache._Store, monkeypatch) -> knowledge_cache._Store:
    """Save ``store`` and start another, as the next run would."""
    store.save()
    again = knowledge_cache._Store()
    monkeypatch.setattr(knowledge_cache, "_STORE", again)
    return again


def test_a_pattern_rebuilt_from_the_cache_matches_as_re_compiles_it(store, monkeypatch, tmp_path):
    for pattern, flags in PATTERNS:
        _same(knowledge_cache.compile_pattern(pattern, flags), pattern, flags)
    assert store.added == len(PATTERNS)
    again = _reload(store, monkeypatch)
    assert len(list(tmp_path.glob("knowledge-*.marshal"))) == 1
    for pattern, flags in PATTERNS:
        _same(knowledge_cache.compile_pattern(pattern, flags), pattern, flags)
    assert again.added == 0  # every program came from the file


def test_a_bad_pattern_raises_what_re_raises(store):
    with pytest.raises(re.error):
        knowledge_cache.compile_pattern("(unclosed", 0)


def test_damaged_files_and_entries_are_ignored(store, monkeypatch, tmp_path):
    pattern, flags = PATTERNS[0]
    knowledge_cache.compile_pattern(pattern, flags)
    required_literals.__wrapped__(pattern, flags)
    again = _reload(store, monkeypatch)
    path = next(tmp_path.glob("knowledge-*.marshal"))
    tables = marshal.loads(path.read_bytes())
    for entries in tables.values():  # wrong program bytes, a need of the wrong shape
        for key in entries:
            program = isinstance(entries[key], tuple)
            broken = (1, b"\xff\xff\xff\xff" * 3, 0, ()) if program else frozenset({1})
            entries[key] = broken
    path.write_bytes(marshal.dumps(tables))
    _same(knowledge_cache.compile_pattern(pattern, flags), pattern, flags)
    assert required_literals.__wrapped__(pattern, flags) == read_literals(pattern, flags)
    assert again.added == 2  # both computed again
    path.write_bytes(b"not a marshal file")
    third = _reload(knowledge_cache._Store(), monkeypatch)
    _same(knowledge_cache.compile_pattern(pattern, flags), pattern, flags)
    assert third.added == 1


def test_switched_off_nothing_is_read_or_written(store, monkeypatch, tmp_path):
    monkeypatch.setenv(knowledge_cache.ENV_OFF, "1")
    pattern, flags = PATTERNS[1]
    _same(knowledge_cache.compile_pattern(pattern, flags), pattern, flags)
    assert required_literals.__wrapped__(pattern, flags) == read_literals(pattern, flags)
    store.save()
    assert list(tmp_path.iterdir()) == []


def test_a_stale_file_is_replaced_when_the_cache_is_next_written(store, monkeypatch, tmp_path):
    stale = tmp_path / "knowledge-0000.marshal"
    stale.write_bytes(marshal.dumps({"re": {}}))
    recent = tmp_path / "knowledge-1111.marshal"  # another install's, in use
    recent.write_bytes(marshal.dumps({"re": {}}))
    day_old = time.time() - knowledge_cache.STALE_AFTER - 60
    os.utime(stale, (day_old, day_old))
    keep = tmp_path / "someone-else.txt"
    keep.write_text("x")
    knowledge_cache.compile_pattern(*PATTERNS[2])
    store.save()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "knowledge-0000.marshal" not in names and len(names) == 3
    assert {"someone-else.txt", "knowledge-1111.marshal"} <= set(names)


def test_entries_are_kept_by_content_so_another_pattern_is_never_answered_by_them(store):
    # a user's rule file is covered: its patterns are keys of their own
    first = required_literals.__wrapped__(r"(?:Joe\s+)?Biden", re.IGNORECASE)
    other = required_literals.__wrapped__(r"(?:Joe\s+)?Bidet", re.IGNORECASE)
    untrusted = required_literals.__wrapped__(r"(?:Joe\s+)?Biden", re.IGNORECASE, trusted=False)
    assert first == {frozenset({"biden"})} and other == {frozenset({"bidet"})}
    assert untrusted == {frozenset({"biden"}), frozenset({NEWER})}


def test_minhash_permutations_from_the_cache_are_datasketch_s(store, monkeypatch):
    from dedupe_audit.dedup.fingerprint import _datasketch_permutations, permutations

    expected = _datasketch_permutations(64, 7)
    first = permutations.__wrapped__(64, 7)
    _reload(store, monkeypatch)
    again = permutations.__wrapped__(64, 7)
    for got in (first, again):
        assert all(g.dtype == e.dtype and (g == e).all() for g, e in zip(got, expected, strict=True))
    assert knowledge_cache._STORE.added == 0  # the second came from the file


def test_importing_the_cli_imports_no_pipeline_and_no_heavy_library():
    # a fresh interpreter: this one has imported everything already
    probe = ("import sys, dedupe_audit.cli; print(sorted({m.split('.')[0] for m in sys.modules} & "
             "{'numpy', 'scipy', 'datasketch', 'redis', 'numba', 'trafilatura', 'pymorphy3'}))")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert found.stdout.strip() == "[]"
