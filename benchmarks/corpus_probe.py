"""Scratch: baseline timing of detect stages (deleted after)."""
import sys
import time
import cProfile
import pstats

sys.path.insert(0, "benchmarks")
from throughput import build_corpus  # noqa: E402

from dedupe_audit.config import Config  # noqa: E402
from dedupe_audit.detect import detect_duplicates  # noqa: E402
from dedupe_audit.segment import segment  # noqa: E402
from dedupe_audit.boilerplate import load_rules  # noqa: E402

n = int(sys.argv[1])
t = time.perf_counter()
corpus = build_corpus(n, seed=0); from throughput import documents; corpus.documents = documents(corpus)
print("build", time.perf_counter() - t, len(corpus.documents))
cfg = Config()
rules = load_rules(())
t = time.perf_counter()
segs = [segment(d, cfg, rules) for d in corpus.documents]
print("segment", time.perf_counter() - t, sum(len(s.paragraphs) for s in segs), sum(len(s.windows) for s in segs))
pr = cProfile.Profile()
t = time.perf_counter()
pr.enable()
clusters = detect_duplicates(segs, cfg)
pr.disable()
print("detect", time.perf_counter() - t, len(clusters))
pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
