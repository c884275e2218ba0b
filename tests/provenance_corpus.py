"""Load the labelled sample pages and score the tracer against their labels.

Shared by ``tests/provenance/test_tracing.py`` and ``benchmarks/provenance_eval.py``. Sample files
are named ``<site>_<lang>_<YYYY-MM-DD>_<slug>.txt``; the name stands in for the metadata a
scraper keeps beside a page (site and date), which ingest would read from a sidecar/JSONL.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from helpers import trace_pages

from dedupe_audit.config import Config
from dedupe_audit.dedup.detect import detect_duplicates
from dedupe_audit.model import Document, DocumentMeta, PageDate, Provenance, SegmentedDocument
from dedupe_audit.provenance.outlets import load_registry
from dedupe_audit.segment.paragraphs import segment

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
LABELS = ROOT / "tests" / "data" / "provenance_labels.json"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def meta_from_name(path: Path) -> DocumentMeta:
    """Site and date from a sample file name (the stand-in for scraper metadata)."""
    found = _DATE.search(path.name)
    return DocumentMeta(
        site=path.name.split("_", 1)[0],
        published=found.group() if found else None,
        published_source="sidecar" if found else None,
    )


def load_document(path: Path, *, with_meta: bool = True) -> Document:
    raw = path.read_bytes()
    meta = meta_from_name(path) if with_meta else DocumentMeta()
    return Document(path.name, raw.decode("utf-8"), meta, hashlib.sha256(raw).hexdigest())


@dataclass(frozen=True)
class Corpus:
    segmented: list[SegmentedDocument]
    provenance: tuple[tuple[Provenance, ...], ...]


def run_corpus(names: Sequence[str], *, with_meta: bool = True) -> Corpus:
    """Segment, cluster and trace the named sample files with the real pipeline stages."""
    config = Config()
    documents = [load_document(SAMPLES / name, with_meta=with_meta) for name in names]
    segmented = [segment(document, config) for document in documents]
    clusters = detect_duplicates(segmented, config)
    dates = [
        PageDate(d.meta.published, "sidecar", 1.0) if d.meta.published else None
        for d in documents
    ]
    provenance = trace_pages(segmented, clusters, load_registry(), dates if with_meta else None)
    return Corpus(segmented, provenance)


def load_labels() -> dict[str, dict[str, dict[str, object]]]:
    return json.loads(LABELS.read_text(encoding="utf-8"))["files"]


@dataclass(frozen=True)
class Scores:
    total: int
    outlet_correct: int
    via_correct: int
    per_outlet: dict[str, tuple[int, int, int]]  # outlet -> (true pos, predicted, expected)
    misses: list[str]

    @property
    def accuracy(self) -> float:
        return self.outlet_correct / self.total if self.total else 0.0

    @property
    def via_accuracy(self) -> float:
        return self.via_correct / self.total if self.total else 0.0

    def precision(self, outlet: str | None = None) -> float:
        tp, predicted, _ = self._counts(outlet)
        return tp / predicted if predicted else 0.0

    def recall(self, outlet: str | None = None) -> float:
        tp, _, expected = self._counts(outlet)
        return tp / expected if expected else 0.0

    def _counts(self, outlet: str | None) -> tuple[int, int, int]:
        if outlet is not None:
            return self.per_outlet.get(outlet, (0, 0, 0))
        rows = self.per_outlet.values()
        return tuple(sum(r[i] for r in rows) for i in range(3))  # type: ignore[return-value]


def score(corpus: Corpus) -> Scores:
    """Compare outlet and via per labelled paragraph. Precision/recall count attributed
    paragraphs only (outlet not None); `accuracy` also counts correct unknowns."""
    labels = load_labels()
    tp: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    total = outlet_ok = via_ok = 0
    misses: list[str] = []
    for seg, provenance in zip(corpus.segmented, corpus.provenance, strict=True):
        wanted = labels.get(seg.document.path, {})
        for index, label in wanted.items():
            paragraph = seg.paragraphs[int(index)]
            assert paragraph.text.startswith(str(label["text"])), (seg.document.path, index)
            got = provenance[int(index)]
            total += 1
            want_outlet, want_via = label["outlet"], tuple(label["via"])  # type: ignore[arg-type]
            if got.outlet:
                predicted[got.outlet] += 1
            if want_outlet:
                expected[str(want_outlet)] += 1
            if got.outlet == want_outlet:
                outlet_ok += 1
                tp[str(want_outlet)] += bool(want_outlet)
            else:
                misses.append(f"{seg.document.path}#{index}: want {want_outlet}, got {got.outlet}")
            via_ok += got.via == want_via
    outlets = sorted(set(predicted) | set(expected))
    per_outlet = {o: (tp[o], predicted[o], expected[o]) for o in outlets}
    return Scores(total, outlet_ok, via_ok, per_outlet, misses)
