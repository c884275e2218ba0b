"""Knowledge cache keys do not depend on the order a caller's set of words comes in.

Why: a set of strings iterates in another order in each process (string hashing); a key
built from that order missed on every run, so every warm run computed the entry again and
rewrote the whole cache file at exit (~0.05 s of CPU of a small run)."""

import re

import pytest

from dedupe_audit.rules import knowledge_cache
from dedupe_audit.rules.literals import trie_of_pieces, trie_pattern

WORDS = ["sept", "sep", "september", "січня", "січень", "января", "янв", "mar.", "ma"]


@pytest.fixture()
def store(tmp_path, monkeypatch):
    """A fresh, empty cache in a folder of its own."""
    monkeypatch.setenv(knowledge_cache.ENV_DIR, str(tmp_path))
    monkeypatch.delenv(knowledge_cache.ENV_OFF, raising=False)
    fresh = knowledge_cache._Store()
    monkeypatch.setattr(knowledge_cache, "_STORE", fresh)
    return fresh


def test_a_trie_of_the_same_words_in_another_order_is_one_entry(store):
    first = trie_pattern(WORDS)
    assert store.added == 1
    again = [trie_pattern(list(reversed(WORDS))), trie_pattern(sorted(WORDS)), trie_pattern(set(WORDS)),
             trie_pattern([*WORDS, *WORDS])]  # repeated words change nothing either
    assert again == [first] * 4
    assert store.added == 1  # every later order was answered by the first entry


@pytest.mark.parametrize("longest", [True, False])
def test_the_trie_matches_the_same_in_any_order_of_the_paths(store, monkeypatch, longest):
    paths = [[re.escape(c) for c in word] for word in WORDS]
    monkeypatch.setenv(knowledge_cache.ENV_OFF, "1")  # computed afresh each time
    computed = {trie_of_pieces(order, longest=longest)
                for order in (paths, paths[::-1], sorted(paths), paths[3:] + paths[:3])}
    assert len(computed) == 1
    found = re.compile(computed.pop())
    for word in WORDS:
        hit = found.search(f"on {word} 5")
        assert hit is not None and hit.start() == 3
    assert found.search("on oct 5") is None


def test_other_words_are_another_entry(store):
    assert trie_pattern(["sep"]) != trie_pattern(["sept"])
    assert store.added == 2
