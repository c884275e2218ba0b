"""The JSON report's writer against the standard library's indented encoder, in one process.

Run: python benchmarks/json_report.py [--paragraphs 200000] [--folder DIR]

Audits a generated corpus (``throughput.build_corpus``: real paragraphs of the shared corpora,
recombined, with planted copies; 10 paragraphs a page), then writes its JSON report twice: (a) as
``render/json.py`` writes it (orjson, dataclasses encoded directly), (b) the baseline: the same
report as plain dicts (``to_data``: ``asdict`` copies) through ``json.dumps(..., ensure_ascii=False,
indent=2)``, the encoder the report was written with before. Prints both times, their ratio,
and whether the bytes are equal.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from throughput import build_corpus

from dedupe_audit.config import Config
from dedupe_audit.pipeline import run_audit
from dedupe_audit.render import json as json_render


def baseline_render(result: Any) -> str:
    """The report through the standard library's encoder."""
    return json.dumps(json_render.to_data(result), ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=200_000)
    parser.add_argument("--folder", type=Path, help="where to write the corpus (default: a temp dir)")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="json-report-"))
    folder.mkdir(parents=True, exist_ok=True)
    if not any(folder.iterdir()):
        for number, page in enumerate(build_corpus(args.paragraphs).pages()):
            (folder / f"page{number:06d}.txt").write_text(page + "\n", encoding="utf-8")
    result = run_audit([str(folder)], Config())
    start = time.perf_counter()
    written = json_render.render(result)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    before = baseline_render(result)
    baseline = time.perf_counter() - start
    paragraphs = sum(len(doc.paragraphs) for doc in result.documents)
    print(f"paragraphs {paragraphs}, report {len(written.encode()) / 1e6:.1f} MB")
    print(f"(a) json report        {ours:6.2f} s")
    print(f"(b) stdlib indent=2    {baseline:6.2f} s   (b)/(a) = {baseline / ours:.1f}x")
    print("bytes equal" if written == before else "BYTES DIFFER")


if __name__ == "__main__":
    main()
