"""What keeping segmented pages in a temporary file costs (``runtime.page_store.PageStore``, used by the
pipeline past ``spool-after-mb``): numbers behind that default.

Run: python benchmarks/spill_cost.py /tmp/bench1m [--pages 100000] [--passes 2]

It reads and segments the pages once, held in memory, and prints the resident memory with
them held; then it spools the same pages (``PageStore`` with a budget of 0) and prints the time
to write them, the file's size, the resident memory once the held pages are dropped, the time
of a full read pass (pages rebuilt as objects, as the pipeline's stages read them), of a pass
reading the texts alone (as verification does), and of 10,000 pages read in random order, and
checks 200 pages read back equal. It is not a test.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedupe_audit.config import Config  # noqa: E402
from dedupe_audit.model import Skipped  # noqa: E402
from dedupe_audit.pipeline import read_inputs  # noqa: E402
from dedupe_audit.runtime.heap import release_free_memory  # noqa: E402
from dedupe_audit.runtime.page_store import PageStore  # noqa: E402
from dedupe_audit.segment.boilerplate import load_rules  # noqa: E402
from dedupe_audit.segment.paragraphs import segment  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--pages", type=int, default=0, help="the first N files only (0: all)")
    parser.add_argument("--passes", type=int, default=2, help="full read passes to time")
    args = parser.parse_args()
    config = Config()
    rules = load_rules(tuple(config.segment.boilerplate_rules))
    files = sorted(str(p) for p in Path(args.folder).iterdir() if p.is_file())
    files = files[: args.pages] if args.pages else files
    base = rss_mb()
    start = time.perf_counter()
    pages = [segment(item, config, rules) for item in read_inputs(files, config)
             if not isinstance(item, Skipped)]
    if not pages:
        sys.exit(f"no readable pages in {args.folder}")
    paragraphs = sum(len(seg.paragraphs) for seg in pages)
    print(f"{len(pages):,} pages, {paragraphs:,} paragraphs read and segmented "
          f"in {time.perf_counter() - start:.1f} s")
    held = rss_mb()
    print(f"resident with the pages held: {held:,.0f} MB ({held - base:,.0f} MB above the start, "
          f"{(held - base) * 2**20 / max(paragraphs, 1):,.0f} bytes a paragraph)")
    start = time.perf_counter()
    store = PageStore(0)
    for page in pages:
        store.append(page)
    written = time.perf_counter() - start
    print(f"written in {written:.1f} s, {store.file_bytes / 2**20:,.0f} MB")
    check = {i: pages[i] for i in random.Random(0).sample(range(len(pages)), min(200, len(pages)))}
    del pages, page
    gc.collect()
    release_free_memory()
    print(f"resident after dropping the pages: {rss_mb():,.0f} MB")
    for n in range(args.passes):
        start = time.perf_counter()
        for _ in store:
            pass
        print(f"read pass {n + 1}: {time.perf_counter() - start:.1f} s (pages rebuilt as objects)")
    start = time.perf_counter()
    for doc in range(len(store)):
        store.text(doc)
    print(f"text-only pass: {time.perf_counter() - start:.1f} s")
    order = random.Random(1).sample(range(len(store)), min(10_000, len(store)))
    start = time.perf_counter()
    for doc in order:
        store[doc]
    per_page = (time.perf_counter() - start) / max(len(order), 1)
    print(f"random reads: {per_page * 1e6:,.0f} us a page")
    same = sum(store[doc] == seg for doc, seg in check.items())
    print(f"read back equal to the pages held: {same} of {len(check)} checked")


if __name__ == "__main__":
    main()
