"""How much real article text the furniture classifier takes for furniture.

The 181 real pages of ``../shared/corpora/article-extraction-benchmark`` come with a hand-checked
article body each (``ground-truth.json``: ``articleBody``). Everything in those bodies is article
text, so every paragraph of one that the audit calls boilerplate is a false furniture call. This
writes each body as a ``.txt`` file (one paragraph a blank-line-separated block, as a scraper
would), runs the real CLI on the folder (``--no-config``, JSON report) and counts, over the
paragraphs of at least ``--min-words`` words (12, as the acceptance asks), how many came back as
boilerplate, per rule. Nothing here is a test: it measures.

Run: ``python benchmarks/furniture_eval.py [--min-words N] [--show N] [-- audit options]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from audit_run import audit_json, split_extra

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TRUTH = ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark" / "ground-truth.json"


def write_bodies(truth: Path, folder: Path) -> int:
    """One ``<key>.txt`` per page with its ground-truth body; returns how many pages."""
    pages = json.loads(truth.read_text(encoding="utf-8"))
    for key, page in sorted(pages.items()):
        body = page.get("articleBody") or ""
        (folder / f"{key[:16]}.txt").write_text(body.strip() + "\n", encoding="utf-8")
    return len(pages)


def main(argv: list[str]) -> int:
    argv, extra = split_extra(argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--truth", type=Path, default=DEFAULT_TRUTH)
    parser.add_argument("--min-words", type=int, default=12, help="shorter paragraphs are not counted")
    parser.add_argument("--show", type=int, default=0, help="false furniture calls printed")
    args = parser.parse_args(argv)
    if not args.truth.is_file():
        print(f"no ground truth at {args.truth}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="furniture-eval-") as scratch:  # removed afterwards
        work = Path(scratch)
        folder, report_path = work / "bodies", work / "report.json"
        folder.mkdir()
        pages = write_bodies(args.truth, folder)
        report = audit_json(folder, report_path, extra)
    if report is None:
        return 2
    counted = [(f["file"], p) for f in report["files"] for p in f["paragraphs"]
               if len(p.get("text", "").split()) >= args.min_words]
    called = [(name, p) for name, p in counted if p.get("kind") == "boilerplate"]
    every = sum(len(f["paragraphs"]) for f in report["files"])
    every_called = sum(p.get("kind") == "boilerplate" for f in report["files"] for p in f["paragraphs"])
    share = len(called) / max(len(counted), 1)
    print(f"pages {pages}; paragraphs of >= {args.min_words} words {len(counted)}, "
          f"called furniture {len(called)} ({share:.2%})")
    print(f"all paragraphs {every}, called furniture {every_called} ({every_called / max(every, 1):.2%})")
    rules = Counter(p.get("boilerplate_rule") or "?" for _, p in called)
    for rule, count in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {rule}: {count}")
    for name, p in called[: args.show]:
        print(f"  {Path(name).name} [{p.get('boilerplate_rule')}] {p.get('text', '')[:160]!r}")
    print(f"SCORE body_called_furniture {share:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
