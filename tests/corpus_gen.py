"""Generated corpora for index tests: varied pseudo-words, a few shared paragraphs."""

from __future__ import annotations

import random
from pathlib import Path

VOCAB = [a + b + c for a in ("ba", "ko", "mi", "ru", "te", "sa", "lo", "ne", "di", "fu")
         for b in ("r", "n", "l", "s", "t", "m", "k", "v") for c in ("a", "o", "e", "in", "us", "er")]


def paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(rng.randint(25, 60))).capitalize() + "."


def make_corpus(folder: Path, pages: int, seed: int = 7) -> list[str]:
    """Write ``pages`` pages; every 10th carries one of 5 shared paragraphs. Returns them."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    shared = [paragraph(rng) for _ in range(5)]
    for i in range(pages):
        paras = [paragraph(rng) for _ in range(rng.randint(3, 8))]
        if i % 10 == 0:
            paras.insert(1, shared[(i // 10) % 5])
        (folder / f"page_{i:04d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    return shared
