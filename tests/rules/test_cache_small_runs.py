"""The knowledge cache on a small run: its keys do not depend on the order a caller's set of
words comes in, and a screen index read back decodes only the keys a text holds.

Why: a set of strings iterates in another order in each process (string hashing); a key
built from that order missed on every run, so every warm run computed the entry again and
rewrote the whole cache file at exit (~0.05 s of CPU of a small run). The index of the
era/time screen holds ~190,000 objects; decoding all of it cost a small run ~0.03 s."""

import marshal
import pickle
import re

import pytest
from helpers import reloaded_store

from dedupe_audit.rules import knowledge_cache
from dedupe_audit.rules.literals import (
    LiteralScreen,
    Screened,
    required_literals_of,
    trie_of_pieces,
    trie_pattern,
)

WORDS = ["sept", "sep", "september", "січня", "січень", "января", "янв", "mar.", "ma"]


def test_a_trie_of_the_same_words_in_another_order_is_one_entry(knowledge_store):
    first = trie_pattern(WORDS)
    assert knowledge_store.added == 1
    again = [trie_pattern(list(reversed(WORDS))), trie_pattern(sorted(WORDS)), trie_pattern(set(WORDS)),
             trie_pattern([*WORDS, *WORDS])]  # repeated words change nothing either
    assert again == [first] * 4
    assert knowledge_store.added == 1  # every later order was answered by the first entry


@pytest.mark.parametrize("longest", [True, False])
def test_the_trie_matches_the_same_in_any_order_of_the_paths(knowledge_store, monkeypatch, longest):
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


def test_other_words_are_another_entry(knowledge_store):
    assert trie_pattern(["sep"]) != trie_pattern(["sept"])
    assert knowledge_store.added == 2


# --------------------------------------------------------------------------- screen index

SCREENED = [(r"\bPresident\s+(?:Joe\s+)?Biden\b", re.IGNORECASE),
            (r"\bпрем'єр(?:-міністр)?\b", re.IGNORECASE), (r"\bпремьер-министр\w*", re.IGNORECASE),
            (r"(?:19|20)\d\d", 0), (r"\bin\s+office\b", 0), (r"\w+", 0)]
SCREENED_TEXTS = ["President Joe Biden said", "прем'єр-міністр заявив", "премьер-министра нет",
                  "in 2019", "still in office", "nothing here", ""]


def _screen(patterns) -> LiteralScreen:
    return Screened(range(len(patterns)), required_literals_of([(p, f, True) for p, f in patterns])).screen


def _read_back(knowledge_store, monkeypatch) -> LiteralScreen:
    """The screen as the next run gets it: its index from the file."""
    _screen(SCREENED).may_match("")  # builds the index and keeps it
    reloaded_store(knowledge_store, monkeypatch)
    return _screen(SCREENED)


def test_a_screen_read_back_decodes_only_the_keys_texts_hold_and_answers_alike(knowledge_store, monkeypatch):
    monkeypatch.setenv(knowledge_cache.ENV_OFF, "1")
    built = _screen(SCREENED)
    answers = [built.may_match(t) for t in SCREENED_TEXTS]
    assert 0 in answers[0] and 1 in answers[1] and 2 in answers[2] and 3 in answers[3] and 4 in answers[4]
    assert answers[5] == built.unscreened == {5}
    monkeypatch.delenv(knowledge_cache.ENV_OFF)
    again = _read_back(knowledge_store, monkeypatch)
    assert len(again._index.by_key) == 0  # nothing decoded yet
    assert again.may_match(SCREENED_TEXTS[0]) == answers[0]
    assert 0 < len(again._index.by_key) < len(again._index.by_key._packed)
    assert [again.may_match(t) for t in SCREENED_TEXTS] == answers
    assert knowledge_cache.STORE.added == 0  # needs and index came from the file
    copied = pickle.loads(pickle.dumps(again._index.by_key))  # plain data: a worker may get it
    assert {key: copied[key] for key in again._index.by_key._packed} == built._index.by_key


def test_damaged_ways_are_built_again_from_the_needs(knowledge_store, monkeypatch):
    monkeypatch.setenv(knowledge_cache.ENV_OFF, "1")
    answers = [_screen(SCREENED).may_match(t) for t in SCREENED_TEXTS]
    monkeypatch.delenv(knowledge_cache.ENV_OFF)
    again = _read_back(knowledge_store, monkeypatch)
    packed = again._index.by_key._packed
    for key in packed:  # undecodable bytes, and a value of the wrong shape
        packed[key] = b"\xff" if len(key) % 2 else marshal.dumps(("not", "ways"))
    assert [again.may_match(t) for t in SCREENED_TEXTS] == answers


# --------------------------------------------------------------------------- shared strings

def test_values_read_back_are_equal_and_of_the_same_types_with_strings_shared(knowledge_store, monkeypatch):
    def word() -> str:  # a new string object each time, as computed needs hold them
        return "".join(["presi", "dent"])

    value = [frozenset({frozenset({word(), "biden"}), frozenset({"президент"})}), None,
             (word(), ["biden", b"bytes", 3, 2.5, True]), {word(): {"біден", "biden"}},
             {("a", "b"): frozenset()}]
    assert value[0] and value[2][0] is not next(iter(next(w for w in value[0] if "biden" in w) - {"biden"}))
    knowledge_cache.remembered("test", ("k",), lambda: value, lambda _: True)
    knowledge_store.save()
    again = knowledge_cache.KnowledgeStore()
    monkeypatch.setattr(knowledge_cache, "STORE", again)
    got = knowledge_cache.remembered("test", ("k",), lambda: pytest.fail("computed again"), lambda _: True)
    assert got == value and again.added == 0
    kinds = [type(part) for part in value]
    assert [type(part) for part in got] == kinds
    assert type(got[2][1]) is list and type(got[3]["president"]) is set
    # one object for every equal string: the file holds references, not copies
    words = [word for way in got[0] for word in way if word == "president"] + [got[2][0]]
    assert len(words) == 2 and words[0] is words[1]
