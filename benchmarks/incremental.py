"""``check --index`` after one page is added, against the first run, and against a fresh run.

Run: python benchmarks/incremental.py [--paragraphs 100000] [--folder DIR] [--fresh]

Writes a generated corpus (``throughput.build_corpus``: real paragraphs of the shared corpora,
recombined, with planted copies; 10 paragraphs a page) unless ``--folder`` already holds one,
copies it to a temporary folder, and times three commands as a user runs them (``python -m
dedupe_audit check FOLDER --index INDEX -f json -o REPORT``, start-up included):
1. the first run, which builds the index;
2. the re-run after one new page was added (a page copying paragraphs of two existing pages);
3. with ``--fresh``, a run without the index over the same folder, whose report must equal the
   re-run's except ``summary.fingerprinted`` / ``summary.reused``.
Prints the wall times, the re-run's share of the first run and whether the findings are equal.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def check(folder: Path, report: Path, index: Path | None) -> float:
    """Wall seconds of one ``check`` as a subprocess (its gate verdict is not the point)."""
    command = [sys.executable, "-m", "dedupe_audit", "check", str(folder), "-q", "--no-config",
               "-f", "json", "-o", str(report), "--timings"]
    if index is not None:
        command += ["--index", str(index)]
    # this checkout's package, whatever the installed one is (an editable install may point
    # at another checkout)
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))}
    start, used = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - start
    # CPU seconds too: on a shared machine the wall time swings with the load, the CPU time less
    print(f"    cpu {_children_cpu() - used:.2f} s (user+sys)")
    if done.returncode not in (0, 1) or not report.exists():  # 1: the gate failed, or a crash
        raise SystemExit(f"check failed ({done.returncode}): {done.stderr[-2000:]}")
    stages = [line for line in done.stderr.splitlines() if line.startswith("timing:")]
    print("\n".join(f"    {line}" for line in stages))
    return seconds


def _children_cpu() -> float:
    """User plus system CPU seconds of this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def findings(report: Path) -> dict:
    """The report without the counts that say what the index reused."""
    data = json.loads(report.read_text(encoding="utf-8"))
    for key in ("fingerprinted", "reused"):
        data["summary"].pop(key, None)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, help="a corpus folder (default: generated in a temp dir)")
    parser.add_argument("--fresh", action="store_true", help="also run without the index and compare")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="incremental-"))
    corpus = work / "corpus"
    try:
        if args.folder:
            shutil.copytree(args.folder, corpus)
        else:
            sys.path.insert(0, str(Path(__file__).parent))
            from throughput import build_corpus

            corpus.mkdir()
            for number, page in enumerate(build_corpus(args.paragraphs).pages()):
                (corpus / f"page{number:06d}.txt").write_text(page + "\n", encoding="utf-8")
        pages = sorted(corpus.iterdir())
        paragraphs = sum(len(p.read_text(encoding="utf-8").strip().split("\n\n")) for p in pages)
        print(f"corpus: {len(pages):,} pages, {paragraphs:,} paragraphs ({os.cpu_count()} cores)")
        index = work / "index.sqlite"
        print("first run (builds the index):")
        first = check(corpus, work / "first.json", index)
        print(f"  wall {first:.2f} s")
        # a new page: a paragraph of the first page, one of the last, and one of its own
        head = pages[0].read_text(encoding="utf-8").strip().split("\n\n")
        tail = pages[-1].read_text(encoding="utf-8").strip().split("\n\n")
        own = "A paragraph of its own, written for the benchmark page alone."
        new_page = f"{head[-1]}\n\n{tail[0]}\n\n{own}\n"
        (corpus / "page_added.txt").write_text(new_page, encoding="utf-8")
        print("re-run, one page added:")
        again = check(corpus, work / "again.json", index)
        print(f"  wall {again:.2f} s = {again / first:.1%} of the first run")
        if args.fresh:
            print("fresh run (no index), for the comparison:")
            fresh = check(corpus, work / "fresh.json", None)
            print(f"  wall {fresh:.2f} s")
            same = findings(work / "again.json") == findings(work / "fresh.json")
            print(f"re-run report equals the fresh run's: {same}")
            if not same:
                raise SystemExit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
