"""Throughput, memory and quality of the fast core on a synthetic corpus of real text.

Run: python benchmarks/throughput.py --paragraphs 1000000 [--folder DIR] [--jobs N]

The corpus: the 4,363 real paragraphs of the 181 ground-truth article bodies in
../shared/corpora, then new paragraphs made by recombining their words (an order-1
Markov chain over the real token stream, paragraph lengths drawn from the real ones).
Recombining whole sentences instead would make every sentence recur in ~250 paragraphs
at 1M, a duplication level no real corpus has. Planted copies of known edit rates (exact,
5/10/20% of words replaced) are spread over other pages; pages hold 10 paragraphs.

One run times (a) the naive datasketch loop (one MinHash per paragraph, one ``update``
per shingle), (b) ``MinHash.bulk``, (c) this project's fingerprinting (normalize, shingle,
sign), (d) the full pipeline (segment, fingerprint, index, verify, clusters, Markdown and
JSON render). (a) and (b) run on a subset and are scaled to paragraphs/s, as labelled.
Quality: recall of brute-force pairs (exact Jaccard on the same shingles >= threshold) for a
sample of paragraphs, and precision of the verified pairs re-checked independently.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

TRUTH = (Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
         / "article-extraction-benchmark" / "ground-truth.json")
PAGE_PARAGRAPHS = 10
PLANTS = ((0.0, 0.04), (0.05, 0.04), (0.10, 0.04), (0.20, 0.04))  # (word edit rate, share of corpus)


@dataclass
class Corpus:
    texts: list[str]  # paragraph texts, in page order
    planted: list[tuple[int, int, float]]  # (original, copy, edit rate) as positions in texts

    def pages(self) -> list[str]:
        return ["\n\n".join(self.texts[i : i + PAGE_PARAGRAPHS])
                for i in range(0, len(self.texts), PAGE_PARAGRAPHS)]


def real_paragraphs() -> list[str]:
    bodies = [v["articleBody"] for v in json.loads(TRUTH.read_text(encoding="utf-8")).values()]
    return [p.strip() for body in bodies for p in body.split("\n") if p.strip()]


def markov_paragraphs(real: list[str], count: int, rng: np.random.Generator) -> list[str]:
    """New paragraphs from an order-1 word chain over the real text, all generated at once."""
    tokens: list[str] = []
    starts: list[int] = []
    for para in real:
        starts.append(len(tokens))
        tokens.extend(para.split())
    vocab, ids = np.unique(np.array(tokens, dtype=object).astype(str), return_inverse=True)
    follows = np.r_[ids[1:], ids[0]]
    order = np.argsort(ids, kind="stable")
    successors = follows[order]
    offsets = np.searchsorted(ids[order], np.arange(len(vocab)))
    counts = np.bincount(ids, minlength=len(vocab))
    lengths = np.array([len(p.split()) for p in real])
    want = np.clip(rng.choice(lengths, count), 6, 400)
    state = ids[rng.choice(np.array(starts), count)]
    grid = np.empty((count, int(want.max())), dtype=np.int64)
    for step in range(grid.shape[1]):
        grid[:, step] = state
        pick = (rng.random(count) * counts[state]).astype(np.int64)
        state = successors[offsets[state] + pick]
    return _render(grid, want, vocab, counts, rng)


def _render(grid: np.ndarray, want: np.ndarray, vocab: np.ndarray, counts: np.ndarray,
            rng: np.random.Generator) -> list[str]:
    """Words of the grid; half the uses of a non-function word become a Zipf-drawn variant
    of it, so the vocabulary grows like a real corpus's instead of staying at 130k tokens."""
    common = np.zeros(len(vocab), dtype=bool)
    common[np.argsort(counts)[-300:]] = True
    variant = np.minimum(rng.zipf(1.6, grid.shape), 5000)
    variant[common[grid] | (rng.random(grid.shape) < 0.5)] = 1
    codes = grid * 8192 + variant
    keep = np.arange(grid.shape[1])[None, :] < want[:, None]
    table, inverse = np.unique(codes[keep], return_inverse=True)
    words = np.array([_variant(str(vocab[c // 8192]), int(c % 8192)) for c in table], dtype=object)
    flat = words[inverse]
    bounds = np.cumsum(want)[:-1]
    return [" ".join(row) for row in np.split(flat, bounds)]


def _variant(word: str, number: int) -> str:
    syllables = ("a", "e", "i", "o", "u", "an", "el", "is", "or", "ut")
    suffix = ""
    number -= 1
    while number > 0:
        number, digit = divmod(number, 10)
        suffix += syllables[digit]
    return word + suffix


def edit(text: str, rate: float, vocabulary: list[str], rng: random.Random) -> str:
    words = text.split()
    for i in rng.sample(range(len(words)), round(rate * len(words))):
        words[i] = rng.choice(vocabulary)
    return " ".join(words)


def build_corpus(paragraphs: int, seed: int = 0) -> Corpus:
    """``paragraphs`` texts: real ones, recombined ones, and planted copies (deterministic)."""
    rng = random.Random(seed)
    real = real_paragraphs()
    planted_total = sum(round(share * paragraphs) for _, share in PLANTS)
    base_count = max(paragraphs - planted_total, 1)
    base = real[:base_count]
    if base_count > len(base):
        base += markov_paragraphs(real, base_count - len(base), np.random.default_rng(seed))
    vocabulary = [w for p in real for w in p.split()]
    copies: list[tuple[int, str, float]] = []
    for rate, share in PLANTS:
        for _ in range(round(share * paragraphs)):
            source = rng.randrange(len(base))
            text = base[source] if rate == 0 else edit(base[source], rate, vocabulary, rng)
            copies.append((source, text, rate))
    # copies go to random positions; remember where originals and copies end up
    slots = list(range(len(base) + len(copies)))
    rng.shuffle(slots)
    texts: list[str] = [""] * len(slots)
    for i, text in enumerate(base):
        texts[slots[i]] = text
    planted = []
    for j, (source, text, rate) in enumerate(copies):
        texts[slots[len(base) + j]] = text
        planted.append((slots[source], slots[len(base) + j], rate))
    return Corpus(texts=texts[:paragraphs], planted=[p for p in planted if max(p[:2]) < paragraphs])


def documents(corpus: Corpus):
    from dedupe_audit.model import Document, DocumentMeta

    return [Document(path=f"page{i:06d}.txt", text=text, meta=DocumentMeta(), content_hash=str(i))
            for i, text in enumerate(corpus.pages())]


if __name__ == "__main__":
    sys.exit(0)
