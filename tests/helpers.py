"""Small builders shared by tests: documents and segmented documents from literal text."""

from __future__ import annotations

from pathlib import Path

from dedupe_audit.config import Config
from dedupe_audit.model import Document, DocumentMeta, SegmentedDocument
from dedupe_audit.segment.paragraphs import segment

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SEED_000 = SAMPLES / "unn_2025-04-26_nyt-counterproposal_000_09e3b7beadd31f34.txt"
SEED_001 = SAMPLES / "unn_2025-04-25_cnn-stumbling-blocks_001_da529d315f73cbbb.txt"
CORPORA = ROOT.parent / "shared" / "corpora"


def document(text: str, path: str = "doc.txt", **meta: object) -> Document:
    return Document(path=path, text=text, meta=DocumentMeta(**meta), content_hash=path)


def segmented(text: str, path: str = "doc.txt", config: Config | None = None) -> SegmentedDocument:
    return segment(document(text, path), config or Config())


def seed(path: Path) -> SegmentedDocument:
    return segmented(path.read_text(encoding="utf-8"), path.name)
