import numpy as np
import pytest

from dedupe_audit.dedup.banding import CandidateIndex, candidate_probability, choose_bands
from dedupe_audit.dedup.fingerprint import Fingerprinter, signatures


def test_banding_reaches_target_recall_at_threshold():
    for threshold in (0.3, 0.4, 0.5, 0.7, 0.9):
        bands, rows = choose_bands(threshold, 128)
        assert bands * rows <= 128
        assert candidate_probability(threshold, bands, rows) >= 0.995
        # and is the most selective such banding: one more row would miss the target
        more = 128 // (rows + 1)
        assert more == 0 or candidate_probability(threshold, more, rows + 1) < 0.995


def test_similar_texts_become_candidates_and_unrelated_do_not():
    fp = Fingerprinter(3)
    base = ("officials said the talks on a ceasefire would resume next week in Geneva after "
            "both delegations agreed on an agenda for the first round of meetings")
    texts = [base, base.replace("next week", "on Monday"), "completely different words about "
             "football scores and the weather in the north of the country this weekend"]
    sig = signatures([fp(t).shingles for t in texts], 128, 1)
    index = CandidateIndex(0.4, 128, 1)
    index.add(range(3), sig)
    pairs = list(index.candidate_pairs())
    assert (0, 1) in pairs
    assert all(2 not in pair for pair in pairs)
    assert pairs == sorted(pairs)


def test_empty_index_has_no_pairs():
    index = CandidateIndex(0.5, 128, 1)
    index.add([], np.empty((0, 128), dtype=np.uint32))
    assert list(index.candidate_pairs()) == []


def test_released_index_gives_the_same_pairs_once_and_keeps_no_signatures():
    """``release=True`` drops each band's values once bucketed (memory at scale): the pairs are
    those of an index that keeps them, at any banding, and the index refuses to answer again."""
    rng = np.random.default_rng(3)
    base = rng.integers(0, 2**32, size=(40, 128), dtype=np.uint32)
    sig = np.concatenate([base, base])  # each row has a copy with some values changed
    sig[40:, :40] = rng.integers(0, 2**32, size=(40, 40), dtype=np.uint32)  # later bands kept
    for threshold in (0.4, 0.7):  # 2 rows per band, then more (band keys by np.unique)
        kept, released = CandidateIndex(threshold, 128, 1), CandidateIndex(threshold, 128, 1)
        for index in (kept, released):
            index.add(range(50), sig[:50])  # in two chunks
            index.add(range(50, 80), sig[50:])
        want = kept.candidate_array(min_bands=2, below=60)
        got = released.candidate_array(min_bands=2, below=60, release=True)
        assert len(want) >= 30 and np.array_equal(got, want)
        assert np.array_equal(kept.candidate_array(min_bands=2, below=60), want)  # kept: asked again
        assert all(chunks == [] for chunks in released._bands)
        with pytest.raises(RuntimeError, match="answers once"):
            released.candidate_array()
        with pytest.raises(RuntimeError, match="takes no more"):
            released.add([99], sig[:1])
