"""Write a huge single-line text file for the bounded-memory runs of docs/clusters.md.

Run: ``python benchmarks/huge_line.py low 148.8 low.txt`` (a 20-word vocabulary, 24M words:
every paragraph resembles every other) or ``python benchmarks/huge_line.py prose 150 prose.txt``
(words of the real articles of ../shared/corpora/helsinki-2018, punctuation removed, drawn with
their frequencies: ordinary vocabulary, no sentence ends). Then audit it with
``--split-large-text`` under ``/usr/bin/time -v``. Seeded: the same file every time.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

ARTICLES = (Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "helsinki-2018"
            / "helsinki_articles.csv")
VOCABULARY = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
              "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"]
WORDS_PER_MB = 1_000_000 / 6.2  # the 20-word line: 24M words make 148.8 MB


def article_words(path: Path) -> list[str]:
    """Every word of every article, in order (``\\w+`` runs: punctuation and sentence ends gone)."""
    csv.field_size_limit(2**31 - 1)
    with path.open(newline="", encoding="utf-8") as handle:
        return [word for row in csv.DictReader(handle) for word in re.findall(r"\w+", row["text"])]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=("low", "prose"))
    parser.add_argument("megabytes", type=float)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    rng = random.Random(1)
    if args.kind == "low":  # the recipe of docs/clusters.md: one choices() call
        args.out.write_text(" ".join(rng.choices(VOCABULARY, k=round(args.megabytes * WORDS_PER_MB))))
        return 0
    words, target, written = article_words(ARTICLES), int(args.megabytes * 1e6), 0
    with args.out.open("w", encoding="utf-8") as out:
        while written < target:
            chunk = " ".join(rng.choices(words, k=100_000)) + " "
            out.write(chunk)
            written += len(chunk.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
