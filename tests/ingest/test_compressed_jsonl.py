"""Compressed JSONL as data-processing tools write it: ``.jsonl.gz`` and ``.jsonl.zst`` give the
findings of the plain file, and a broken or bomb-sized ``.zst`` is skipped with the reason."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from dedupe_audit.config import Config
from dedupe_audit.pipeline import run_audit
from dedupe_audit.render import json as json_render

SHARED = "Officials said the reopened border crossing would handle up to two hundred trucks a day from May."
RECORDS = [
    {"url": "https://a.example/1", "site": "a.example", "date": "2024-04-02",
     "text": f"Morning traffic was light on the bridge.\n\n{SHARED}"},
    {"url": "https://b.example/2", "site": "b.example", "date": "2024-04-03",
     "text": f"{SHARED}\n\nЧиновники заявили, що пункт пропуску працюватиме цілодобово."},
    {"url": "https://c.example/3", "site": "c.example", "date": "2024-04-04",
     "text": "Власти сообщили, что переход будет работать круглосуточно с мая этого года."},
]


def _findings(path: Path, config: Config | None = None) -> dict:
    data = json.loads(json_render.render(run_audit([str(path)], config or Config())))
    strip = path.name
    summary = {k: v for k, v in data["summary"].items() if k != "fingerprinted"}
    clusters = [[m["file"].replace(strip, "X") for m in c["members"]] for c in data["clusters"]]
    return {"summary": summary, "clusters": clusters, "skipped": data["skipped"]}


def _plain(tmp_path: Path) -> bytes:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in RECORDS).encode("utf-8")


def test_gz_and_zst_give_the_plain_findings(tmp_path: Path) -> None:
    zstandard = pytest.importorskip("zstandard", reason="zstd is read with the 'tables' extra")
    data = _plain(tmp_path)
    (tmp_path / "pages.jsonl").write_bytes(data)
    (tmp_path / "pages.jsonl.gz").write_bytes(gzip.compress(data))
    (tmp_path / "pages.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(data))
    plain = _findings(tmp_path / "pages.jsonl")
    assert plain["summary"]["files"] == 3 and plain["summary"]["exact_clusters"] == 1
    assert _findings(tmp_path / "pages.jsonl.gz") == plain
    assert _findings(tmp_path / "pages.jsonl.zst") == plain


def test_broken_and_oversized_zst_are_skipped_with_the_reason(tmp_path: Path) -> None:
    zstandard = pytest.importorskip("zstandard", reason="zstd is read with the 'tables' extra")
    packed = zstandard.ZstdCompressor().compress(_plain(tmp_path))
    (tmp_path / "cut.jsonl.zst").write_bytes(packed[: len(packed) // 2])
    (tmp_path / "bomb.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(b"\n" * 5_000_000))
    result = run_audit([str(tmp_path / "cut.jsonl.zst"), str(tmp_path / "bomb.jsonl.zst")],
                       Config(max_archive_bytes=1_000_000))
    reasons = {Path(s.path).name: s.reason for s in result.skipped}
    assert "zstd" in reasons["cut.jsonl.zst"]
    assert "max_archive_bytes" in reasons["bomb.jsonl.zst"] or "bytes" in reasons["bomb.jsonl.zst"]
    assert not result.documents
