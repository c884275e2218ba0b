"""Throughput, memory and quality of the fast core on a synthetic corpus of real text.

Run: python benchmarks/throughput.py --paragraphs 1000000 [--folder DIR] [--jobs N]
 or: python benchmarks/throughput.py --read ../shared/corpora   (real pages, one process vs a pool)

The corpus: the 4,363 real paragraphs of the 181 ground-truth article bodies in
../shared/corpora, then new paragraphs made by recombining their words (an order-1
Markov chain over the real token stream, paragraph lengths drawn from the real ones).
Recombining whole sentences instead would make every sentence recur in ~250 paragraphs
at 1M, a duplication level no real corpus has. Planted copies of known edit rates (exact,
5/10/20% of words replaced) are spread over other pages; pages hold 10 paragraphs.

One run times (a) the naive datasketch loop (one MinHash per paragraph, one ``update``
per shingle), (b) ``MinHash.bulk``, (c) this project's fingerprinting (normalize, shingle,
sign), (d) the full pipeline (segment, fingerprint, index, verify, clusters, Markdown and
JSON render). (a) and (b) run on a subset and are scaled to paragraphs/s, as labelled.
Quality: recall of brute-force pairs (exact Jaccard on the same shingles >= threshold) for a
sample of paragraphs, and precision of the verified pairs re-checked independently.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

TRUTH = (Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
         / "article-extraction-benchmark" / "ground-truth.json")
PAGE_PARAGRAPHS = 10
PLANTS = ((0.0, 0.04), (0.05, 0.04), (0.10, 0.04), (0.20, 0.04))  # (word edit rate, share of corpus)


@dataclass
class Corpus:
    texts: list[str]  # paragraph texts, in page order
    planted: list[tuple[int, int, float]]  # (original, copy, edit rate) as positions in texts

    def pages(self) -> list[str]:
        return ["\n\n".join(self.texts[i : i + PAGE_PARAGRAPHS])
                for i in range(0, len(self.texts), PAGE_PARAGRAPHS)]


def real_paragraphs() -> list[str]:
    bodies = [v["articleBody"] for v in json.loads(TRUTH.read_text(encoding="utf-8")).values()]
    return [p.strip() for body in bodies for p in body.split("\n") if p.strip()]


def markov_paragraphs(real: list[str], count: int, rng: np.random.Generator) -> list[str]:
    """New paragraphs from an order-1 word chain over the real text, all generated at once."""
    tokens: list[str] = []
    starts: list[int] = []
    for para in real:
        starts.append(len(tokens))
        tokens.extend(para.split())
    vocab, ids = np.unique(np.array(tokens, dtype=object).astype(str), return_inverse=True)
    follows = np.r_[ids[1:], ids[0]]
    order = np.argsort(ids, kind="stable")
    successors = follows[order]
    offsets = np.searchsorted(ids[order], np.arange(len(vocab)))
    counts = np.bincount(ids, minlength=len(vocab))
    lengths = np.array([len(p.split()) for p in real])
    out: list[str] = []
    for lo in range(0, count, 20_000):  # chunks keep the word grid small
        size = min(20_000, count - lo)
        want = np.clip(rng.choice(lengths, size), 6, 400)
        state = ids[rng.choice(np.array(starts), size)]
        grid = np.empty((size, int(want.max())), dtype=np.int64)
        for step in range(grid.shape[1]):
            grid[:, step] = state
            pick = (rng.random(size) * counts[state]).astype(np.int64)
            state = successors[offsets[state] + pick]
        out += _render(grid, want, vocab, counts, rng)
    return out


def _render(grid: np.ndarray, want: np.ndarray, vocab: np.ndarray, counts: np.ndarray,
            rng: np.random.Generator) -> list[str]:
    """Words of the grid; half the uses of a non-function word become a Zipf-drawn variant
    of it, so the vocabulary grows like a real corpus's instead of staying at 130k tokens."""
    common = np.zeros(len(vocab), dtype=bool)
    common[np.argsort(counts)[-300:]] = True
    variant = np.minimum(rng.zipf(1.6, grid.shape), 5000)
    variant[common[grid] | (rng.random(grid.shape) < 0.5)] = 1
    codes = grid * 8192 + variant
    keep = np.arange(grid.shape[1])[None, :] < want[:, None]
    table, inverse = np.unique(codes[keep], return_inverse=True)
    words = np.array([_variant(str(vocab[c // 8192]), int(c % 8192)) for c in table], dtype=object)
    flat = words[inverse]
    bounds = np.cumsum(want)[:-1]
    return [" ".join(row) for row in np.split(flat, bounds)]


def _variant(word: str, number: int) -> str:
    syllables = ("a", "e", "i", "o", "u", "an", "el", "is", "or", "ut")
    suffix = ""
    number -= 1
    while number > 0:
        number, digit = divmod(number, 10)
        suffix += syllables[digit]
    return word + suffix


def edit(text: str, rate: float, vocabulary: list[str], rng: random.Random) -> str:
    words = text.split()
    for i in rng.sample(range(len(words)), round(rate * len(words))):
        words[i] = rng.choice(vocabulary)
    return " ".join(words)


def build_corpus(paragraphs: int, seed: int = 0) -> Corpus:
    """``paragraphs`` texts: real ones, recombined ones, and planted copies (deterministic)."""
    rng = random.Random(seed)
    real = real_paragraphs()
    planted_total = sum(round(share * paragraphs) for _, share in PLANTS)
    base_count = max(paragraphs - planted_total, 1)
    base = real[:base_count]
    if base_count > len(base):
        base += markov_paragraphs(real, base_count - len(base), np.random.default_rng(seed))
    vocabulary = [w for p in real for w in p.split()]
    copies: list[tuple[int, str, float]] = []
    for rate, share in PLANTS:
        for _ in range(round(share * paragraphs)):
            source = rng.randrange(len(base))
            text = base[source] if rate == 0 else edit(base[source], rate, vocabulary, rng)
            copies.append((source, text, rate))
    # copies go to random positions; remember where originals and copies end up
    slots = list(range(len(base) + len(copies)))
    rng.shuffle(slots)
    texts: list[str] = [""] * len(slots)
    for i, text in enumerate(base):
        texts[slots[i]] = text
    planted = []
    for j, (source, text, rate) in enumerate(copies):
        texts[slots[len(base) + j]] = text
        planted.append((slots[source], slots[len(base) + j], rate))
    return Corpus(texts=texts[:paragraphs], planted=[p for p in planted if max(p[:2]) < paragraphs])


def documents(corpus: Corpus):
    from dedupe_audit.model import Document, DocumentMeta

    return [Document(path=f"page{i:06d}.txt", text=text, meta=DocumentMeta(), content_hash=str(i))
            for i, text in enumerate(corpus.pages())]


def maxrss_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its (largest) worker, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def naive_rates(texts: list[str], k: int, num_perm: int, seed: int) -> tuple[float, float]:
    """(a) one MinHash per text, one update per shingle; (b) MinHash.bulk. Texts/s."""
    from datasketch import MinHash

    from dedupe_audit.dedup.fingerprint import normalize, tokenize

    def shingles(text: str) -> list[bytes]:
        tokens = tokenize(normalize(text))
        return [" ".join(tokens[i : i + k]).encode() for i in range(max(len(tokens) - k + 1, 1))]

    start = time.perf_counter()
    for text in texts:
        m = MinHash(num_perm=num_perm, seed=seed)
        for item in shingles(text):
            m.update(item)
    naive = len(texts) / (time.perf_counter() - start)
    start = time.perf_counter()
    MinHash.bulk([shingles(t) for t in texts], num_perm=num_perm, seed=seed)
    bulk = len(texts) / (time.perf_counter() - start)
    return naive, bulk


def plain_rate(texts: list[str], config, compiled: bool = True, jobs: int = 1) -> float:
    """Paragraphs/s of fingerprint + sign (``detect.sign``: ``Fingerprinter.arrays`` and
    ``signatures_of``) over a plain list of texts, as (a) and (b) get them: no documents, no
    windows, batches of ``detect.BATCH_TEXTS``; with the compiled kernels or (``compiled=False``)
    their numpy references; in one thread or (``jobs`` > 1) as an audit runs them: in that
    many threads with the kernels, else in that many worker processes."""
    from unittest import mock

    from dedupe_audit.dedup import detect, fingerprint
    from dedupe_audit.runtime.parallel import map_ordered

    fingerprint.load_kernels()  # loaded, and the lookup tables built, once per process: not timed
    fingerprint.Fingerprinter(config.dedup.shingle_size).arrays(texts[:10])
    kernels = fingerprint.kernels_for if compiled else lambda texts=0: None
    dedup = config.dedup
    batches = ((texts[lo : lo + detect.BATCH_TEXTS], [], dedup.shingle_size, dedup.num_perm, dedup.seed)
               for lo in range(0, len(texts), detect.BATCH_TEXTS))
    with mock.patch.object(fingerprint, "kernels_for", kernels):
        start = time.perf_counter()
        for _ in map_ordered(detect.sign, batches, jobs, threads=compiled):
            pass
        return len(texts) / (time.perf_counter() - start)


def quality(segmented, clusters, config, sample: int, rng: random.Random) -> dict[str, float]:
    """For sampled paragraphs: recall of brute-force pairs (exact Jaccard >= threshold): the share
    in one cluster, or split over two with one named as related to the other's cluster; and
    co-member precision: the share of the paragraph's cluster mates whose Jaccard with it
    reaches the threshold (on more than 50,000 paragraphs, among the mates sharing a shingle).

    Exact copies are one node in detection, so a split pair is verified (and named under
    ``related``) between the first paragraphs of the two exact groups: a related entry stands
    for every exact copy of the paragraph it names (they share its cluster). ``recall`` counts
    pairs the detector defines as near (Jaccard and ``min_fuzz``, exact containment aside);
    ``recall_jaccard`` counts every pair at the Jaccard threshold, also those whose rapidfuzz
    ratio is below ``min_fuzz`` (rejected by design)."""
    from dedupe_audit.dedup.detect import eligible
    from dedupe_audit.dedup.fingerprint import Fingerprinter
    from dedupe_audit.model import ParagraphRef

    refs = [ParagraphRef(d, i) for d, seg in enumerate(segmented) for i in eligible(seg, config)]
    fps = Fingerprinter(config.dedup.shingle_size).many(
        [segmented[r.doc].paragraphs[r.index].text for r in refs])
    keep = [i for i, fp in enumerate(fps) if fp.words >= config.dedup.min_words]
    refs, fps = [refs[i] for i in keep], [fps[i] for i in keep]
    sizes = np.array([len(fp.shingles) for fp in fps])
    flat = np.concatenate([fp.shingles for fp in fps])
    owners = np.repeat(np.arange(len(fps)), sizes)
    order = np.argsort(flat, kind="stable")
    flat, owners = flat[order], owners[order]
    cluster_of = {m.ref: c.cluster_id for c in clusters for m in c.members}
    text_of = {ref: fp.normalized for ref, fp in zip(refs, fps, strict=True)}
    # split pairs named as such, by the named paragraph's normal form (its exact copies too)
    related = {(c.cluster_id, text_of.get(r.ref)) for c in clusters for r in c.related}

    def together(a, b) -> bool:
        """Whether the pair is in one cluster, or one (or an exact copy of it) is named as
        related to the other's."""
        first, second = cluster_of.get(a), cluster_of.get(b)
        return ((first is not None and first == second) or (first, text_of[b]) in related
                or (second, text_of[a]) in related)

    from rapidfuzz import fuzz

    truth = found = reported = correct = jaccard_truth = jaccard_found = 0
    for q in rng.sample(range(len(fps)), min(sample, len(fps))):
        lo = np.searchsorted(flat, fps[q].shingles, side="left")
        hi = np.searchsorted(flat, fps[q].shingles, side="right")
        hits = np.concatenate([owners[a:b] for a, b in zip(lo, hi, strict=True)])
        other, common = np.unique(hits, return_counts=True)
        jac = common / (sizes[q] + sizes[other] - common)
        similar = {int(o) for o, j in zip(other, jac, strict=True) if j >= config.dedup.threshold and o != q}
        mine = cluster_of.get(refs[q])
        near = {o for o in similar
                if fuzz.ratio(fps[q].normalized, fps[o].normalized) >= config.dedup.min_fuzz}
        truth += len(near)
        found += sum(together(refs[q], refs[o]) for o in near)
        jaccard_truth += len(similar)
        jaccard_found += sum(together(refs[q], refs[o]) for o in similar)
        if mine is not None:
            candidates = range(len(refs)) if len(refs) < 50_000 else other.tolist()
            members = [o for o in candidates if o != q and cluster_of.get(refs[o]) == mine]
            reported += len(members)
            correct += sum(o in similar for o in members)
    return {"pairs": truth, "recall": found / truth if truth else 1.0,
            "jaccard_pairs": jaccard_truth,
            "recall_jaccard": jaccard_found / jaccard_truth if jaccard_truth else 1.0,
            "co_member_precision": correct / reported if reported else 1.0}


def near_precision(segmented, near, config, limit: int = 20_000) -> tuple[int, float]:
    """Share of reported near pairs (up to ``limit``) whose exact Jaccard, recomputed here from
    word trigrams as Python string tuples (no hashing, no numpy), reaches the threshold."""
    import re

    from dedupe_audit.dedup.fingerprint import normalize

    word = re.compile(r"\w+(?:'\w+)*")

    def trigrams(ref) -> set[tuple[str, ...]]:
        tokens = word.findall(normalize(segmented[ref.doc].paragraphs[ref.index].text))
        k = min(config.dedup.shingle_size, len(tokens))
        return {tuple(tokens[i : i + k]) for i in range(len(tokens) - k + 1)} if tokens else set()

    checked = near[:: max(1, len(near) // limit)]
    good = 0
    for pair in checked:
        a, b = trigrams(pair.first), trigrams(pair.second)
        good += len(a & b) / len(a | b) >= config.dedup.threshold
    return len(checked), good / len(checked) if checked else 1.0


def _summary(segmented, clusters, membership):
    """The cluster counts of the summary (provenance/staleness stages are not benchmarked here)."""
    from collections import Counter

    from dedupe_audit.model import ParagraphRef, Summary

    paragraphs = sum(len(seg.paragraphs) for seg in segmented)
    body = sum(p.is_body for seg in segmented for p in seg.paragraphs)
    clustered = sum(p.is_body and ParagraphRef(d, p.index) in membership
                    for d, seg in enumerate(segmented) for p in seg.paragraphs)
    kinds = Counter(c.kind for c in clusters)
    return Summary(files=len(segmented), skipped=0, paragraphs=paragraphs, boilerplate=paragraphs - body,
                   body=body, unique=body - clustered, in_clusters=clustered,
                   duplicated_share=round(clustered / body, 4) if body else 0.0, clusters=len(clusters),
                   exact_clusters=kinds["exact"], near_clusters=kinds["near"],
                   contained_clusters=kinds["contained"])


def _bench_result(segmented, clusters, membership, config):
    from dedupe_audit.model import SCHEMA_VERSION, AuditResult, DocumentReport
    from dedupe_audit.pipeline import settings_of

    return AuditResult(
        schema_version=SCHEMA_VERSION, tool_version="bench", settings=settings_of(config),
        documents=tuple(DocumentReport(path=s.document.path, meta=s.document.meta,
                                       content_hash=s.document.content_hash, paragraphs=s.paragraphs)
                        for s in segmented),
        skipped=(), clusters=clusters, summary=_summary(segmented, clusters, membership),
        paragraph_cluster=membership)


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """Memory of a process and all its descendants: the sum of their proportional set sizes
    (a page shared by n processes counts 1/n in each, so the sum is what the tree holds) and
    the sum of their resident sizes (shared pages count in each: an overcount with forked
    workers)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    pss = rss = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            continue
    return pss, rss


def run_cli(folder: Path, jobs: int) -> tuple[float, float, float, float, list[str]]:
    """``dedupe-audit audit FOLDER`` in its own process, as a user runs it: wall seconds, peak
    memory of its process tree (MB: sum of proportional set sizes, and sum of resident sizes,
    see ``_tree_memory_kb``, sampled every 0.5 s: reading a 3 GB process's page tables ten
    times a second slowed the audit by ~8 s on 2 cores), the exact max RSS of the CLI process
    itself (MB) and its ``--timings`` lines."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "dedupe_audit", "audit", str(folder), "--no-config", "-q",
                   "--timings", "--jobs", str(jobs), "-o", str(Path(out, "audit.md"))]
        start = time.perf_counter()
        with tempfile.TemporaryFile("w+") as err:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, text=True)
            peak_pss = peak_rss = 0
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    process.returncode = os.waitstatus_to_exitcode(status)
                    break
                pss, rss = _tree_memory_kb(process.pid)
                peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
                time.sleep(0.5)
            seconds = time.perf_counter() - start
            err.seek(0)
            lines = [line.rstrip() for line in err if line.startswith("timing:")]
        if process.returncode != 0:
            raise SystemExit(f"the CLI failed with exit code {process.returncode}")
    return seconds, peak_pss / 1024, peak_rss / 1024, usage.ru_maxrss / 1024, lines


def read_folder(folder: Path, jobs: int) -> None:
    """The CLI on an existing folder, one process vs ``jobs`` (0 = one per core), same run."""
    runs = {}
    for label, run_jobs in (("--jobs 1", 1), (f"--jobs {jobs}", jobs)):
        seconds, pss_mb, rss_mb, own_mb, lines = run_cli(folder, run_jobs)
        runs[label] = seconds
        print(f"dedupe-audit audit {folder} {label}: {seconds:.1f} s, peak memory {pss_mb:,.0f} MB "
              f"(PSS; RSS summed over processes {rss_mb:,.0f} MB; max RSS of the main process "
              f"{own_mb:,.0f} MB)")
        print("\n".join(f"      {line}" for line in lines if not line.startswith("timing:   ")))
    one, many = runs.values()
    print(f"ratio one process / with --jobs {jobs}: {one / many:.2f}x")


def print_profile(work: Callable[[], object], rows: int) -> None:
    """cProfile of ``work``, the ``rows`` functions with the most time of their own."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(work)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(rows)
    print("profile (sorted by own time):")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-6000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--folder", help="write the corpus here as .txt pages and run run_audit on it")
    parser.add_argument("--read", metavar="DIR",
                        help="instead: audit this existing folder (e.g. ../shared/corpora) with the real "
                             "CLI, in one process and with --jobs, and print both and their ratio")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--subset", type=int, default=5_000, help="paragraphs for (a) and (b)")
    parser.add_argument("--sample", type=int, default=2_000, help="paragraphs checked by brute force")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile the detection (one process) or the whole run_audit "
                             "(with --folder) and print the N costliest functions")
    args = parser.parse_args()

    from dedupe_audit.config import Config
    from dedupe_audit.dedup import detect
    from dedupe_audit.pipeline import paragraph_clusters, run_audit
    from dedupe_audit.render import json as render_json
    from dedupe_audit.render import markdown as render_markdown
    from dedupe_audit.runtime.atomic import write_atomic
    from dedupe_audit.runtime.page_store import PageStore
    from dedupe_audit.runtime.parallel import resolve_jobs
    from dedupe_audit.segment.boilerplate import load_rules
    from dedupe_audit.segment.paragraphs import segment

    config = Config(jobs=args.jobs)
    if args.read:
        read_folder(Path(args.read), args.jobs)
        return
    start = time.perf_counter()
    corpus = build_corpus(args.paragraphs, args.seed)
    docs = documents(corpus)
    print(f"corpus: {len(corpus.texts):,} paragraphs, {len(docs):,} pages, "
          f"{len(corpus.planted):,} planted copies, built in {time.perf_counter() - start:.1f} s")

    subset = corpus.texts[: args.subset]
    naive, bulk = naive_rates(subset, config.dedup.shingle_size, config.dedup.num_perm, config.dedup.seed)
    print(f"(a) naive datasketch loop: {naive:,.0f} paragraphs/s  [measured on {len(subset):,}]")
    print(f"(b) MinHash.bulk:          {bulk:,.0f} paragraphs/s  [measured on {len(subset):,}]")

    times: dict[str, float] = {}
    near: list = []
    verify_rows = detect.verify_near_rows
    detect.verify_near_rows = lambda *a, **k: near.extend(verify_rows(*a, **k)) or near  # keep them
    rules = load_rules(tuple(config.segment.boilerplate_rules))
    try:
        if args.folder:
            folder = Path(args.folder)
            folder.mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            for doc in docs:
                (folder / doc.path).write_text(doc.text, encoding="utf-8")
            print(f"pages written to {folder} in {time.perf_counter() - start:.1f} s (not timed below)")
            cli_seconds, peak_mb, rss_mb, own_mb, timing_lines = run_cli(folder, config.runtime.jobs)
            print(f"(d) full audit, the real CLI (`dedupe-audit audit {folder} --timings`, Markdown report): "
                  f"{cli_seconds:.1f} s = {len(corpus.texts) / cli_seconds:,.0f} paragraphs/s; "
                  f"peak memory {peak_mb:,.0f} MB (sum of PSS over the process tree, sampled every 0.5 s; "
                  f"RSS summed over its processes, shared pages counted in each: {rss_mb:,.0f} MB; "
                  f"max RSS of the main process {own_mb:,.0f} MB)")
            print("\n".join(f"      {line}" for line in timing_lines))
            # the same pages in this process, for (c) and the quality checks below (not timed)
            segmented = [segment(doc, config, rules) for doc in docs]
            clusters = detect.detect_duplicates(segmented, config)
            membership = paragraph_clusters(clusters)
            result = _bench_result(segmented, clusters, membership, config)
        else:
            start = time.perf_counter()
            segmented = [segment(doc, config, rules) for doc in docs]
            times["segment"] = time.perf_counter() - start
            start = time.perf_counter()
            clusters = detect.detect_duplicates(segmented, config)
            times["detect (fingerprint, index, verify, clusters)"] = time.perf_counter() - start
            stages = dict(detect.seconds_of(clusters))
            for note in detect.warnings_of(clusters):  # what the caps on degenerate input left out
                print(f"    warning: {note}")
            start = time.perf_counter()
            membership = paragraph_clusters(clusters)
            result = _bench_result(segmented, clusters, membership, config)
            times["summary"] = time.perf_counter() - start
    finally:
        detect.verify_near_rows = verify_rows
    if args.profile:
        if args.folder:
            work = lambda: run_audit([str(args.folder)], replace(config))  # noqa: E731
        else:
            work = lambda: detect.detect_duplicates(segmented, replace(config, jobs=1))  # noqa: E731
        print_profile(work, args.profile)
    if not args.folder:
        with tempfile.TemporaryDirectory() as reports:  # written as the CLI writes them
            start = time.perf_counter()
            write_atomic(Path(reports, "audit.md"), render_markdown.render(result))
            times["write markdown report"] = time.perf_counter() - start
            start = time.perf_counter()
            write_atomic(Path(reports, "audit.json"), render_json.chunks(result))
            times["write json report (streamed)"] = time.perf_counter() - start
            markdown_chars = Path(reports, "audit.md").stat().st_size
            json_chars = Path(reports, "audit.json").stat().st_size
        total = sum(times.values())
        own, child = maxrss_mb()
        print(f"(d) pipeline in this process (segment .. reports; no ingest, provenance, dates): "
              f"{total:.1f} s = {len(corpus.texts) / total:,.0f} paragraphs/s; "
              f"{len(result.clusters):,} clusters; markdown {markdown_chars / 1e6:.1f} MB, "
              f"json {json_chars / 1e6:.1f} MB")
        for name, seconds in times.items():
            print(f"      {name:<48} {seconds:7.1f} s")
            if name.startswith("detect"):
                for stage, part in stages.items():
                    print(f"        {stage:<46} {part:7.1f} s")
        print(f"    peak RSS: main process {own:,.0f} MB (holds the generated corpus too), "
              f"largest worker {child:,.0f} MB")
    held = PageStore.of(segmented)  # the pipeline signs pages as they arrive, while still in memory
    for label, run_config, pages in ((f"jobs={config.runtime.jobs or 'cores'}", config, held),
                                     ("jobs=1", replace(config, jobs=1), held)):
        start = time.perf_counter()
        texts = 0
        numbered = enumerate(pages)
        for batch, _, _ in detect.sign_batched_batches(pages, numbered, run_config, None):
            texts += batch.size
        seconds = time.perf_counter() - start
        rate = texts / seconds
        print(f"(c) fingerprint+sign (normalize, shingle, MinHash; {label}): "
              f"{texts:,} texts (paragraphs + windows) in {seconds:.1f} s = {rate:,.0f}/s; "
              f"(c)/(a) = {rate / naive:.0f}x, (c)/(b) = {rate / bulk:.1f}x")
    cores = resolve_jobs(config.runtime.jobs)
    runs = ((f"{cores + 1} threads (as an audit runs it on {cores} cores)", True, cores + 1),
            ("one thread", True, 1), ("one thread, numpy only (no numba)", False, 1))
    for label, compiled, jobs in runs:
        rate = plain_rate(corpus.texts, config, compiled, jobs)
        print(f"(c) the same input as (a) and (b), a list of paragraph texts (all {len(corpus.texts):,}), "
              f"{label}: {rate:,.0f} paragraphs/s; (c)/(a) = {rate / naive:.0f}x, "
              f"(c)/(b) = {rate / bulk:.1f}x")
    start = time.perf_counter()
    found = quality(segmented, result.clusters, config, args.sample, random.Random(args.seed))
    quality_seconds = time.perf_counter() - start
    checked, precision = near_precision(segmented, near, config)
    print(f"near-pair precision: {precision:.4f} of {checked:,} reported near pairs (of {len(near):,}) have "
          f"exact Jaccard >= {config.dedup.threshold}, recomputed from string trigrams")
    print(f"quality on {args.sample:,} sampled paragraphs ({found['pairs']:,} brute-force pairs with "
          f"Jaccard >= {config.dedup.threshold} and fuzz >= {config.dedup.min_fuzz}): "
          f"recall {found['recall']:.4f} "
          f"(Jaccard alone: {found['recall_jaccard']:.4f} of {found['jaccard_pairs']:,}), co-member "
          f"precision {found['co_member_precision']:.4f} ({quality_seconds:.0f} s)")


if __name__ == "__main__":
    from dedupe_audit.runtime.heap import long_lived_heap

    with long_lived_heap():  # as run_audit does: the corpus held here is not rescanned by the collector
        main()
