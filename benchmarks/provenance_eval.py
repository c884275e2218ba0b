"""Precision and recall of the provenance tracer over the labelled sample pages.

    python benchmarks/provenance_eval.py [--misses]

Runs the real pipeline stages (segment -> detect_duplicates -> trace_page/trace_across, through
``tests/helpers.trace_pages``) over samples/ and
compares with tests/data/provenance_labels.json. Precision/recall count attributed
paragraphs (expected or predicted outlet not null); accuracy also counts correct unknowns.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tabulate import tabulate

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from provenance_corpus import load_labels, run_corpus, score  # noqa: E402


def main(argv: list[str]) -> int:
    scores = score(run_corpus(sorted(load_labels())))
    rows = [
        (outlet, expected, predicted, tp, f"{scores.precision(outlet):.3f}",
         f"{scores.recall(outlet):.3f}")
        for outlet, (tp, predicted, expected) in sorted(scores.per_outlet.items())
    ]
    tp, predicted, expected = (sum(r[i] for r in scores.per_outlet.values()) for i in range(3))
    rows.append(("ALL (micro)", expected, predicted, tp, f"{scores.precision():.3f}",
                 f"{scores.recall():.3f}"))
    headers = ("outlet", "expected", "predicted", "correct", "precision", "recall")
    print(tabulate(rows, headers=headers))
    print()
    print(f"paragraphs: {scores.total}  outlet accuracy (incl. unknown): {scores.accuracy:.3f}"
          f"  via accuracy: {scores.via_accuracy:.3f}")
    bare = score(run_corpus(sorted(load_labels()), with_meta=False))
    print(f"without site/date metadata (text only): outlet accuracy {bare.accuracy:.3f}"
          f"  precision {bare.precision():.3f}  recall {bare.recall():.3f}")
    if "--misses" in argv:
        print("\n".join(["", "misses:", *scores.misses]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
