"""The knowledge cache answers exactly what computing again answers, or is not used."""

import marshal
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import reloaded_store

from dedupe_audit.rules import knowledge_cache
from dedupe_audit.rules.literals import NEWER, read_literals, required_literals

PATTERNS = [
    (r"(?<!\w)(?:(?:President|Prez\.)\s+(?:Joe\s+)?Biden|Байден\w*)(?!\w)", re.IGNORECASE),
    (r"(?P<outlet>(?-i:Reuters|AP|Укрінформ))\s+(?:reports|повідомляє)", re.IGNORECASE),
    (r"^\d{1,2}\.\d{2}\.\d{4}$", 0),
]
TEXTS = ["President BIDEN said", "президент Байдена", "AP reports", "Укрінформ повідомляє",
         "25.04.2025", "reuters reports", "prez. joe biden", "nothing"]


def _same(made: re.Pattern, pattern: str, flags: int) -> None:
    reference = re.compile(pattern, flags)
    assert (made.pattern, made.flags, made.groups, made.groupindex) == (
        reference.pattern, reference.flags, reference.groups, reference.groupindex)
    for text in TEXTS:
        found = [(m.span(), m.groupdict()) for m in made.finditer(text)]
        assert found == [(m.span(), m.groupdict()) for m in reference.finditer(text)]


def test_a_pattern_rebuilt_from_the_cache_matches_as_re_compiles_it(knowledge_store, monkeypatch, tmp_path):
    for pattern, flags in PATTERNS:
        _same(knowledge_cache.compile_pattern(pattern, flags), pattern, flags)
    assert knowledge_store.added == len(PATTERNS)
    again = reloaded_store(knowledge_store, monkeypatch)
    assert len(list(tmp_path.glob("knowledge-*.marshal"))) == 1
    for pattern, flags in PATTERNS:
        _same(knowledge_cache.compile_pattern(pattern, flags), pattern, flags)
    assert again.added == 0  # every program came from the file


def test_a_bad_pattern_raises_what_re_raises(knowledge_store):
    with pytest.raises(re.error):
        knowledge_cache.compile_pattern("(unclosed", 0)


def test_damaged_files_and_entries_are_ignored(knowledge_store, monkeypatch, tmp_path):
    pattern, flags = PATTERNS[0]
    knowledge_cache.compile_pattern(pattern, flags)
    required_literals.__wrapped__(pattern, flags)
    again = reloaded_store(knowledge_store, monkeypatch)
    path = next(tmp_path.glob("knowledge-*.marshal"))
    tables = marshal.loads(path.read_bytes())
    for entries in tables.values():  # wrong program bytes, a need of the wrong shape
        for key in entries:
            program = isinstance(marshal.loads(entries[key]), tuple)
            broken = (1, b"\xff\xff\xff\xff" * 3, 0, ()) if program else frozenset({1})
            entries[key] = marshal.dumps(broken)
    path.write_bytes(marshal.dumps(tables))
    _same(knowledge_cache.compile_pattern(pattern, flags), pattern, flags)
    assert required_literals.__wrapped__(pattern, flags) == read_literals(pattern, flags)
    assert again.added == 2  # both computed again
    path.write_bytes(b"not a marshal file")
    third = reloaded_store(knowledge_cache.KnowledgeStore(), monkeypatch)
    _same(knowledge_cache.compile_pattern(pattern, flags), pattern, flags)
    assert third.added == 1


def test_switched_off_nothing_is_read_or_written(knowledge_store, monkeypatch, tmp_path):
    monkeypatch.setenv(knowledge_cache.ENV_OFF, "1")
    pattern, flags = PATTERNS[1]
    _same(knowledge_cache.compile_pattern(pattern, flags), pattern, flags)
    assert required_literals.__wrapped__(pattern, flags) == read_literals(pattern, flags)
    knowledge_store.save()
    assert list(tmp_path.iterdir()) == []


def test_a_stale_file_is_replaced_when_the_cache_is_next_written(knowledge_store, monkeypatch, tmp_path):
    stale = tmp_path / "knowledge-0000.marshal"
    stale.write_bytes(marshal.dumps({"re": {}}))
    recent = tmp_path / "knowledge-1111.marshal"  # another install's, in use
    recent.write_bytes(marshal.dumps({"re": {}}))
    day_old = time.time() - knowledge_cache.STALE_AFTER - 60
    os.utime(stale, (day_old, day_old))
    keep = tmp_path / "someone-else.txt"
    keep.write_text("x")
    knowledge_cache.compile_pattern(*PATTERNS[2])
    knowledge_store.save()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "knowledge-0000.marshal" not in names and len(names) == 3
    assert {"someone-else.txt", "knowledge-1111.marshal"} <= set(names)


def test_entries_are_kept_by_content_so_another_pattern_is_never_answered_by_them(knowledge_store):
    # a user's rule file is covered: its patterns are keys of their own
    first = required_literals.__wrapped__(r"(?:Joe\s+)?Biden", re.IGNORECASE)
    other = required_literals.__wrapped__(r"(?:Joe\s+)?Bidet", re.IGNORECASE)
    untrusted = required_literals.__wrapped__(r"(?:Joe\s+)?Biden", re.IGNORECASE, trusted=False)
    assert first == {frozenset({"biden"})} and other == {frozenset({"bidet"})}
    assert untrusted == {frozenset({"biden"}), frozenset({NEWER})}


def test_minhash_permutations_from_the_cache_are_datasketch_s(knowledge_store, monkeypatch):
    from datasketch import MinHash

    from dedupe_audit.dedup.fingerprint import permutations

    made = MinHash(num_perm=64, seed=7, scheme="affine32")
    expected = tuple(p.astype(np.uint32) for p in made.permutations)
    first = permutations.__wrapped__(64, 7)
    reloaded_store(knowledge_store, monkeypatch)
    again = permutations.__wrapped__(64, 7)
    for got in (first, again):
        assert all(g.dtype == e.dtype and (g == e).all() for g, e in zip(got, expected, strict=True))
    assert knowledge_cache.STORE.added == 0  # the second came from the file


def test_importing_the_cli_imports_no_pipeline_and_no_heavy_library():
    # a fresh interpreter: this one has imported everything already
    probe = ("import sys, dedupe_audit.cli; print(sorted({m.split('.')[0] for m in sys.modules} & "
             "{'numpy', 'scipy', 'datasketch', 'redis', 'numba', 'trafilatura', 'pymorphy3'}))")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert found.stdout.strip() == "[]"


# --------------------------------------------------------------------------- parsed TOML

TOML = """\
# a knowledge file of our own: tables, arrays of tables, dates, numbers, three languages
[placeholders]
descriptors = ["correspondent", "кореспондент", "корреспондент"]

[[people]]
person = "Ann Example"
born = 1950-01-31
weight = 0.25
known = true
names = ['(?:Ann\\\\s+)?Example', 'Приклад\\\\w*']

[[people]]
person = "Іван Приклад"
born = 1961-12-01
weight = -1e-7
known = false
"""


def test_parsed_toml_read_back_from_the_cache_equals_a_fresh_parse(knowledge_store, monkeypatch):
    import tomllib

    from dedupe_audit.rules.datafiles import parse_toml

    expected = tomllib.loads(TOML)
    first = parse_toml(TOML, "own.toml", ValueError)
    assert first == expected and knowledge_store.added == 1  # kept, dates and all
    again = reloaded_store(knowledge_store, monkeypatch)
    read = parse_toml(TOML, "own.toml", ValueError)
    assert read == expected and again.added == 0  # from the file, not parsed again
    assert type(read["people"][0]["born"]).__name__ == "date"
    assert list(read["people"][0]) == list(expected["people"][0])  # key order kept
    read["people"].clear()  # a caller changing what it got changes no later answer
    assert parse_toml(TOML, "own.toml", ValueError) == expected


def test_a_changed_toml_text_is_parsed_again(knowledge_store, monkeypatch):
    import tomllib

    from dedupe_audit.rules.datafiles import parse_toml

    parse_toml(TOML, "own.toml", ValueError)
    again = reloaded_store(knowledge_store, monkeypatch)
    edited = TOML.replace("1950-01-31", "1950-02-01")
    assert parse_toml(edited, "own.toml", ValueError) == tomllib.loads(edited)
    assert again.added == 1  # the edited file is another entry: nothing stale is answered


def test_toml_errors_and_values_the_cache_cannot_keep(knowledge_store):
    import tomllib

    from dedupe_audit.rules.datafiles import parse_toml

    with pytest.raises(ValueError, match="bad.toml: not valid TOML"):
        parse_toml("a = [", "bad.toml", ValueError)
    stamped = 'at = 2025-04-26T09:55:00+03:00\nwhen = 09:55:00\nname = "x"\n'
    assert parse_toml(stamped, "stamped.toml", ValueError) == tomllib.loads(stamped)
    assert knowledge_store.added == 0  # a datetime is parsed on every run, never kept


def test_toml_cache_switched_off_or_unreadable(knowledge_store, monkeypatch, tmp_path):
    import tomllib

    from dedupe_audit.rules.datafiles import parse_toml

    monkeypatch.setenv(knowledge_cache.ENV_OFF, "1")
    assert parse_toml(TOML, "own.toml", ValueError) == tomllib.loads(TOML)
    knowledge_store.save()
    assert list(tmp_path.iterdir()) == []  # nothing written
    monkeypatch.setenv(knowledge_cache.ENV_OFF, "0")
    parse_toml(TOML, "own.toml", ValueError)
    reloaded_store(knowledge_store, monkeypatch)
    path = next(tmp_path.glob("knowledge-*.marshal"))
    tables = marshal.loads(path.read_bytes())
    for key in tables["toml"]:  # a damaged entry: the wrong shape, then bytes no one can read
        tables["toml"][key] = marshal.dumps(("toml-with-dates", {"born": ("toml-date", "not a date")}))
    path.write_bytes(marshal.dumps(tables))
    assert parse_toml(TOML, "own.toml", ValueError) == tomllib.loads(TOML)
    path.write_bytes(b"\x00garbage")
    third = reloaded_store(knowledge_cache.KnowledgeStore(), monkeypatch)
    assert parse_toml(TOML, "own.toml", ValueError) == tomllib.loads(TOML)
    assert third.added == 1


def test_shipped_toml_read_back_equals_a_fresh_parse(knowledge_store, monkeypatch):
    import tomllib

    from dedupe_audit.rules.datafiles import data_file, data_folder, parse_toml

    texts = [data_file("outlets.toml"), *(text for _, text in data_folder("births"))]
    for text in texts:
        parse_toml(text, "shipped", ValueError)
    again = reloaded_store(knowledge_store, monkeypatch)
    for text in texts:
        assert parse_toml(text, "shipped", ValueError) == tomllib.loads(text)
    assert again.added == 0


# --------------------------------------------------------------------------- screens


def test_a_screen_index_read_back_answers_as_one_built_afresh(knowledge_store, monkeypatch):
    from dedupe_audit.rules.literals import LiteralScreen, Screened, required_literals_of

    patterns = [(p, f, True) for p, f in PATTERNS]
    patterns += [(r"\b(?:Prime\s+Minister|прем'єр)\b", re.IGNORECASE, True), (r"(?:19|20)\d\d", 0, True),
                 (r"\w+", 0, True)]
    texts = [*TEXTS, "Prime Minister May", "прем'єр заявив", "in 2019", "19", ""]
    needs = required_literals_of(patterns)
    built = LiteralScreen(list(needs))  # no digest: built here, as before
    kept = Screened(range(len(patterns)), needs).screen
    answers = [built.may_match(t) for t in texts]
    assert [kept.may_match(t) for t in texts] == answers
    assert 3 in answers[texts.index("Prime Minister May")] and 4 in answers[texts.index("in 2019")]
    assert answers[texts.index("nothing")] == built.unscreened == {5}  # "\w+" needs nothing
    reloaded_store(knowledge_store, monkeypatch)
    again = Screened(range(len(patterns)), required_literals_of(patterns)).screen
    assert [again.may_match(t) for t in texts] == answers
    assert knowledge_cache.STORE.added == 0  # needs and index came from the file


def test_edge_screens_are_kept_and_read_back_alike(knowledge_store, monkeypatch):
    from dedupe_audit.rules.screens import edge_screen

    pattern = r"(?:\d{1,2}\.\d{2}\.\d{2,4}|Фото|Photo):?\s+\w+"
    made = edge_screen(pattern, re.IGNORECASE)
    assert len(knowledge_store.tables["edge-screen"]) == 1  # its flags are a plain int: marshal keeps it
    reloaded_store(knowledge_store, monkeypatch)
    read = edge_screen(pattern, re.IGNORECASE)
    assert knowledge_cache.STORE.added == 0
    for first, last in [("2", "x"), ("ф", "ї"), ("P", "s"), ("x", "y"), (":", "a")]:
        assert read.edges_admit(first, last) == made.edges_admit(first, last)
    assert (read.min_len, read.max_len) == (made.min_len, made.max_len)


def test_a_big_file_keeps_only_what_its_run_used(knowledge_store, monkeypatch, tmp_path):
    pattern, flags = PATTERNS[0]
    knowledge_cache.compile_pattern(pattern, flags)
    knowledge_cache.compile_pattern(*PATTERNS[1])
    again = reloaded_store(knowledge_store, monkeypatch)
    monkeypatch.setattr(knowledge_cache, "KEEP_BYTES", 1)  # every file is "big" now
    knowledge_cache.compile_pattern(pattern, flags)  # used (read back)
    knowledge_cache.compile_pattern(*PATTERNS[2])  # added
    assert again.added == 1
    again.save()
    kept = marshal.loads(next(tmp_path.glob("knowledge-*.marshal")).read_bytes())
    assert len(kept["re"]) == 2  # the unused PATTERNS[1] program was dropped


# --------------------------------------------------------------------------- Slavic verbs


def test_slavic_verb_readings_are_kept_and_read_back_alike(knowledge_store, monkeypatch):
    from dedupe_audit.dating import tense

    asked = [("заявив", True), ("сказал", False), ("президент", True), ("Помпео", False)]
    first = [tense.verb_reading.__wrapped__(word, uk) for word, uk in asked]
    assert first[0] == ("past", "заявити") and first[1] == ("past", "сказать")
    assert first[2] is None and knowledge_store.added == len(asked)  # "not a verb" is kept too
    reloaded_store(knowledge_store, monkeypatch)
    monkeypatch.setattr(tense, "slavic_analysers", lambda: pytest.fail("the dictionaries were loaded"))
    assert [tense.verb_reading.__wrapped__(word, uk) for word, uk in asked] == first
    assert knowledge_cache.STORE.added == 0


def test_without_the_analysers_no_verb_and_nothing_kept(knowledge_store, monkeypatch):
    from dedupe_audit.dating import tense

    monkeypatch.setattr(tense, "slavic_analysers", lambda: None)
    assert tense.verb_reading.__wrapped__("заявив", True) is None
    assert knowledge_store.added == 0


def test_word_character_table_read_back_equals_a_fresh_scan(knowledge_store, monkeypatch):
    from dedupe_audit.dedup.fingerprint import word_chars

    scanned = np.zeros(0x110000, dtype=bool)  # what ``\w`` matches, scanned over all of Unicode here
    every = "".join(map(chr, range(0x110000)))
    for match in re.finditer(r"\w+", every):
        scanned[match.start() : match.end()] = True
    made = word_chars.__wrapped__()
    reloaded_store(knowledge_store, monkeypatch)
    read = word_chars.__wrapped__()
    assert knowledge_cache.STORE.added == 0
    for table in (made, read):
        assert table.dtype == scanned.dtype and (table == scanned).all()
    assert read[ord("ї")] and read[ord("_")] and not read[ord("-")] and not read[ord("’")]


def test_needs_keep_their_digest_through_pickling(knowledge_store):
    import pickle

    from dedupe_audit.rules.literals import required_literals_of

    needs = required_literals_of([(p, f, True) for p, f in PATTERNS])
    copied = pickle.loads(pickle.dumps(needs))
    assert copied == needs and copied.digest == needs.digest
    other = required_literals_of([(p, f, True) for p, f in PATTERNS[:2]])
    assert other.digest != needs.digest  # another list of patterns: another index entry
