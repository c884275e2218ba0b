"""HTML extraction quality against the hand-checked article text in ../shared/corpora.

Prints word-level precision, recall and F1 of the extracted text against each page's
ground-truth body, rapidfuzz token_set_ratio, and how many pages got a URL, site and date.
Run: python benchmarks/ingest_quality.py [sample|all]   (sample = sorted ids, every 12th)
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz

from dedupe_audit.config import Config
from dedupe_audit.ingest.inputs import iter_inputs
from dedupe_audit.model import Document

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "article-extraction-benchmark"


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def precision_recall_f1(truth: str, extracted: str) -> tuple[float, float, float]:
    t, e = _words(truth), _words(extracted)
    common = sum((t & e).values())
    p = common / max(1, sum(e.values()))
    r = common / max(1, sum(t.values()))
    return p, r, 2 * p * r / max(1e-9, p + r)


def main(which: str) -> None:
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)
    chosen = ids[::12] if which == "sample" else ids
    folder = Path(tempfile.mkdtemp())
    for page in chosen:
        raw = (BENCH / "html" / f"{page}.html.gz").read_bytes()
        (folder / f"{page}.html").write_bytes(gzip.decompress(raw))
    started = time.perf_counter()
    docs = [d for d in iter_inputs([str(folder)], Config()) if isinstance(d, Document)]
    elapsed = time.perf_counter() - started
    p_, r_, f_, tsr = [], [], [], []
    for doc in docs:
        body = truth[Path(doc.path).stem]["articleBody"]
        p, r, f = precision_recall_f1(body, doc.text)
        p_.append(p), r_.append(r), f_.append(f)
        tsr.append(fuzz.token_set_ratio(body, doc.text))
    med, mean = statistics.median, statistics.mean
    print(f"pages {len(docs)}/{len(chosen)} in {elapsed:.1f}s")
    print(f"precision median {med(p_):.3f} mean {mean(p_):.3f}")
    print(f"recall    median {med(r_):.3f} mean {mean(r_):.3f} min {min(r_):.3f}")
    print(f"F1        median {med(f_):.3f} mean {mean(f_):.3f} min {min(f_):.3f}")
    print(f"token_set_ratio median {med(tsr):.1f}")
    print(f"with url {sum(bool(d.meta.url) for d in docs)}, site {sum(bool(d.meta.site) for d in docs)}, "
          f"date {sum(bool(d.meta.published) for d in docs)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sample")
