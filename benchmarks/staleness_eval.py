"""Quality of the staleness verdicts over the labelled cases in
``tests/data/staleness_labels.json``: precision and recall of ``stale`` (the finding an
auditor acts on) and per verdict, plus the cases that disagree.

Run: ``python benchmarks/staleness_eval.py`` (``--quiet`` hides the disagreements).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dedupe_audit.dating.eras import EraRegistry, load_eras  # noqa: E402
from dedupe_audit.dating.staleness import DatingKnowledge, assess_page  # noqa: E402
from dedupe_audit.model import (  # noqa: E402
    Document,
    DocumentMeta,
    PageDate,
    Paragraph,
    SegmentedDocument,
)

LABELS = ROOT / "tests" / "data" / "staleness_labels.json"
VERDICTS = ("stale", "current", "undetermined")


@dataclass(frozen=True)
class Score:
    verdict: str
    precision: float
    recall: float
    support: int


def load_cases(path: Path = LABELS) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


def _single(text: str) -> SegmentedDocument:
    """The case as a one-paragraph page: labels judge a paragraph on its own."""
    doc = Document(path="case.txt", text=text, meta=DocumentMeta(), content_hash="case")
    return SegmentedDocument(doc, (Paragraph(0, 0, len(text), 1, 1, text),))


def predict(cases: Sequence[dict], eras: EraRegistry | None = None) -> list[str]:
    """The verdict the pipeline's ``assess_page`` gives each case, as a page of its own (no
    copies, one block) dated by its labelled page date."""
    knowledge = DatingKnowledge.of(eras or load_eras())
    predicted = []
    for i, case in enumerate(cases):
        page = PageDate(case["page_date"], "metadata", 0.9)
        verdicts, _ = assess_page(_single(case["text"]), i, page, (0,), knowledge)
        predicted.append(verdicts[0].verdict)
    return predicted


def score(expected: Sequence[str], predicted: Sequence[str], verdict: str) -> Score:
    hits = sum(e == p == verdict for e, p in zip(expected, predicted, strict=True))
    called = sum(p == verdict for p in predicted)
    actual = sum(e == verdict for e in expected)
    return Score(verdict, hits / called if called else 1.0, hits / actual if actual else 1.0,
                 actual)


def evaluate(cases: Sequence[dict]) -> tuple[list[Score], float, list[tuple[dict, str]]]:
    """Per-verdict scores, overall accuracy and the disagreeing cases."""
    expected = [c["expected"] for c in cases]
    predicted = predict(cases)
    scores = [score(expected, predicted, v) for v in VERDICTS]
    accuracy = sum(e == p for e, p in zip(expected, predicted, strict=True)) / len(cases)
    misses = [(c, p) for c, p in zip(cases, predicted, strict=True) if c["expected"] != p]
    return scores, accuracy, misses


def main(argv: Sequence[str]) -> int:
    cases = load_cases()
    scores, accuracy, misses = evaluate(cases)
    print(f"{len(cases)} labelled cases ({LABELS.relative_to(ROOT)})")
    for s in scores:
        print(f"  {s.verdict:<13} precision {s.precision:.3f}  recall {s.recall:.3f}  "
              f"(n={s.support})")
    print(f"  accuracy      {accuracy:.3f}")
    if "--quiet" not in argv:
        for case, got in misses:
            print(f"  MISS {case['id']}: expected {case['expected']}, got {got}: "
                  f"{case['text'][:80]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
