"""Why shingle_size=3 and threshold=0.4: measured on the real news paragraphs in ../shared/corpora.

For each shingle size, prints the Jaccard that a 60-80 word paragraph keeps after 10% and 20%
of its words are replaced at random (what a near-duplicate must still reach), and how many
pairs of different paragraphs of one article (same topic, same author) reach 0.3/0.4/0.5
(what a near-duplicate must not be). Run: python benchmarks/shingle_defaults.py
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import numpy as np

from dedupe_audit.dedup.fingerprint import Fingerprinter
from dedupe_audit.dedup.near_pairs import jaccard

TRUTH = (Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
         / "article-extraction-benchmark" / "ground-truth.json")


def main() -> None:
    bodies = [v["articleBody"] for v in json.loads(TRUTH.read_text(encoding="utf-8")).values()]
    paragraphs = [p for body in bodies for p in body.split("\n") if 55 <= len(p.split()) <= 80]
    vocabulary = [w for p in paragraphs for w in p.split()]
    print(f"{len(paragraphs)} paragraphs of 55-80 words from {len(bodies)} articles")
    for k in (2, 3, 4, 5):
        fp = Fingerprinter(k)
        rng = random.Random(0)
        cells = [f"k={k}"]
        for rate in (0.1, 0.2):
            scores = []
            for text in paragraphs[:300]:
                words = text.split()
                for i in rng.sample(range(len(words)), round(rate * len(words))):
                    words[i] = rng.choice(vocabulary)
                scores.append(jaccard(fp(text).shingles, fp(" ".join(words)).shingles))
            cells.append(f"{rate:.0%} edits: min {min(scores):.2f} p5 {np.percentile(scores, 5):.2f}")
        same_article = []
        for body in bodies:
            paras = [p for p in body.split("\n") if len(p.split()) >= 20][:15]
            for a, b in itertools.combinations(paras, 2):
                same_article.append(jaccard(fp(a).shingles, fp(b).shingles))
        counts = ", ".join(
            f">={t}: {sum(s >= t for s in same_article)}" for t in (0.3, 0.4, 0.5)
        )
        cells.append(f"same-article pairs ({len(same_article)}) {counts}")
        print(" | ".join(cells))


if __name__ == "__main__":
    main()
