"""What keeping segmented pages off the heap would cost: numbers for the streaming decision.

Run: python benchmarks/spill_cost.py /tmp/bench1m [--pages 100000] [--passes 2]

The pipeline keeps every segmented page in memory until the report is written (~0.65 KB a
paragraph at a million paragraphs). Memory independent of the corpus needs them elsewhere
between stages. This measures one way, in one run on the same pages: each page packed as its
text (UTF-8) and a pickled tuple of its paragraph and window fields into one temporary file,
then read back as the same frozen objects. It prints the resident memory with the pages held
and after they are dropped, the time to write them, the file's size, the time of a full read
pass, of a read pass of the text alone (what verification would fetch), and of 10,000 pages
read in random order. It is not a test and changes nothing in the pipeline.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import random
import struct
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedupe_audit.audit import read_inputs  # noqa: E402
from dedupe_audit.boilerplate import load_rules  # noqa: E402
from dedupe_audit.config import Config  # noqa: E402
from dedupe_audit.heap import release_free_memory  # noqa: E402
from dedupe_audit.model import Document, Paragraph, SegmentedDocument, Skipped, Window  # noqa: E402
from dedupe_audit.segment import segment  # noqa: E402

_HEAD = struct.Struct("<II")  # bytes of the text, bytes of the pickled fields


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pack(seg: SegmentedDocument) -> bytes:
    """One page: its text once, the fields of its document, paragraphs and windows beside it."""
    doc = seg.document
    fields = (doc.path, doc.meta, doc.content_hash, doc.reference,
              [(p.index, p.start, p.end, p.line, p.end_line, p.kind, p.boilerplate_rule, p.words)
               for p in seg.paragraphs],
              [(w.paragraph, w.start, w.end) for w in seg.windows])
    text, packed = doc.text.encode("utf-8", "surrogatepass"), pickle.dumps(fields, 5)
    return _HEAD.pack(len(text), len(packed)) + text + packed


def unpack(record: bytes) -> SegmentedDocument:
    size, _ = _HEAD.unpack_from(record)
    text = record[_HEAD.size : _HEAD.size + size].decode("utf-8", "surrogatepass")
    path, meta, content_hash, reference, paragraphs, windows = pickle.loads(record[_HEAD.size + size :])
    return SegmentedDocument(
        Document(path, text, meta, content_hash, reference),
        tuple([Paragraph(i, s, e, line, end_line, text, kind, rule, words)
               for i, s, e, line, end_line, kind, rule, words in paragraphs]),
        tuple([Window(p, s, e, text) for p, s, e in windows]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--pages", type=int, default=0, help="the first N files only (0: all)")
    parser.add_argument("--passes", type=int, default=2, help="full read passes to time")
    args = parser.parse_args()
    config = Config()
    rules = load_rules(tuple(config.boilerplate_rules))
    files = sorted(str(p) for p in Path(args.folder).iterdir() if p.is_file())
    files = files[: args.pages] if args.pages else files
    base = rss_mb()
    start = time.perf_counter()
    pages = [segment(item, config, rules) for item in read_inputs(files, config)
             if not isinstance(item, Skipped)]
    paragraphs = sum(len(seg.paragraphs) for seg in pages)
    print(f"{len(pages):,} pages, {paragraphs:,} paragraphs read and segmented "
          f"in {time.perf_counter() - start:.1f} s")
    held = rss_mb()
    print(f"resident with the pages held: {held:,.0f} MB ({held - base:,.0f} MB above the start, "
          f"{(held - base) * 2**20 / max(paragraphs, 1):,.0f} bytes a paragraph)")
    with tempfile.TemporaryFile() as store:
        start = time.perf_counter()
        offsets = [0]
        for seg in pages:
            offsets.append(offsets[-1] + store.write(pack(seg)))
        store.flush()
        written = time.perf_counter() - start
        print(f"written in {written:.1f} s, {offsets[-1] / 2**20:,.0f} MB")
        check = {i: pages[i] for i in random.Random(0).sample(range(len(pages)), min(200, len(pages)))}
        del pages
        gc.collect()
        release_free_memory()
        print(f"resident after dropping the pages: {rss_mb():,.0f} MB")
        fd = store.fileno()

        def record(doc: int) -> bytes:
            return os.pread(fd, offsets[doc + 1] - offsets[doc], offsets[doc])

        for n in range(args.passes):
            start = time.perf_counter()
            for doc in range(len(offsets) - 1):
                unpack(record(doc))
            print(f"read pass {n + 1}: {time.perf_counter() - start:.1f} s (pages rebuilt as objects)")
        start = time.perf_counter()
        for doc in range(len(offsets) - 1):
            raw = record(doc)
            raw[_HEAD.size : _HEAD.size + _HEAD.unpack_from(raw)[0]].decode("utf-8", "surrogatepass")
        print(f"text-only pass: {time.perf_counter() - start:.1f} s")
        order = random.Random(1).sample(range(len(offsets) - 1), min(10_000, len(offsets) - 1))
        start = time.perf_counter()
        for doc in order:
            unpack(record(doc))
        per_page = (time.perf_counter() - start) / max(len(order), 1)
        print(f"random reads: {per_page * 1e6:,.0f} us a page")
        same = sum(unpack(record(doc)) == seg for doc, seg in check.items())
        print(f"read back equal to the pages held: {same} of {len(check)} checked")


if __name__ == "__main__":
    main()
