"""Beyond one machine: local vs Dask engine, and Redis vs SQLite vs in-memory index rates.

Run (redis-server on 127.0.0.1:6390, see .ci/run):
    python benchmarks/scale.py --paragraphs 200000 --redis redis://127.0.0.1:6390/15

One run, one generated corpus (pages of 10 paragraphs of pseudo-words; 4% exact copies, 4% near
copies with 10% of words replaced, 2% long blocks pasting another page's paragraph between two of
their own, so every detection path is exercised):
  * engines: wall time of ``detect_duplicates`` (after local ingest+segment, timed apart) vs the
    Dask engine (ingest, segment and detection on a LocalCluster of 2 worker processes), and
    whether their clusters are identical;
  * indexes: texts/s written and read back (or queried) through the shared Redis index, the SQLite
    fingerprint cache (``--index FILE``) and the in-memory LSH (numpy banding and datasketch).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

SYLLABLES = ("ba", "ko", "mi", "ru", "te", "sa", "lo", "ne", "di", "fu", "ga", "pe", "zo", "vi", "hu")
ENDINGS = ("r", "n", "l", "s", "t", "m", "k", "v", "", "d")
VOCAB = [a + b + c + d for a in SYLLABLES for b in SYLLABLES for c in ENDINGS for d in ("a", "o", "in", "us")]
PAGE = 10


def _paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(rng.randint(20, 60))).capitalize() + "."


def _edit(text: str, rate: float, rng: random.Random) -> str:
    words = text.rstrip(".").split()
    for i in range(len(words)):
        if rng.random() < rate:
            words[i] = rng.choice(VOCAB)
    return " ".join(words) + "."


def make_corpus(folder: Path, paragraphs: int, seed: int = 11) -> Path:
    """Write pages of ``PAGE`` paragraphs to ``folder`` (about ``paragraphs`` in all)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for page in range(max(paragraphs // PAGE, 1)):
        paras = []
        for _ in range(PAGE):
            roll = rng.random()
            if written and roll < 0.04:
                paras.append(rng.choice(written))
            elif written and roll < 0.08:
                paras.append(_edit(rng.choice(written), 0.1, rng))
            elif written and roll < 0.10:
                pasted = [_paragraph(rng), rng.choice(written), _paragraph(rng), _paragraph(rng)]
                paras.append(" ".join(pasted))
            else:
                paras.append(_paragraph(rng))
        written.extend(paras[:3])
        if len(written) > 5_000:
            del written[: len(written) - 5_000]
        (folder / f"page_{page:06d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    return folder


def _segmented(folder: Path, config):  # type: ignore[no-untyped-def]
    from dedupe_audit.pipeline import load_corpus
    from dedupe_audit.segment.boilerplate import load_rules
    from dedupe_audit.segment.paragraphs import segment

    docs, _ = load_corpus([str(folder)], config)
    rules = load_rules(())
    return [segment(doc, config, rules) for doc in docs]


def engines(folder: Path, config, segs, workers: int) -> None:  # type: ignore[no-untyped-def]
    from dedupe_audit.dedup.detect import detect_duplicates
    from dedupe_audit.dedup.engines.dask import dask_client, detect_dask

    start = time.perf_counter()
    local = detect_duplicates(segs, config)
    local_s = time.perf_counter() - start
    with dask_client(None, workers) as client:
        start = time.perf_counter()
        result = detect_dask([str(folder)], config, client)
        dask_s = time.perf_counter() - start
    print(f"local engine: detect {local_s:.1f} s ({len(local)} clusters)")
    print(f"dask engine ({workers} workers): ingest+segment+detect {dask_s:.1f} s "
          f"({len(result.clusters)} clusters), identical: {result.clusters == local}")


def indexes(config, segs, redis_url: str | None) -> None:  # type: ignore[no-untyped-def]
    import numpy as np
    from datasketch import LeanMinHash, MinHashLSH

    from dedupe_audit.dedup.banding import CandidateIndex, choose_bands
    from dedupe_audit.dedup.engines.local import detect_shared, doc_entries
    from dedupe_audit.dedup.fingerprint_cache import FingerprintCache

    entries = doc_entries(segs, config)
    texts = sum(len(e.paragraphs) + len(e.windows) for e in entries.values())
    sigs = np.array([p[3] for e in entries.values() for p in e.paragraphs], dtype=np.uint32)
    rows = []

    start = time.perf_counter()
    index = CandidateIndex(config.dedup.threshold, config.dedup.num_perm, config.dedup.seed)
    index.add(range(len(sigs)), sigs)
    add_s = time.perf_counter() - start
    start = time.perf_counter()
    index.candidate_array()
    rows.append(("memory (numpy banding)", len(sigs) / add_s, len(sigs) / (time.perf_counter() - start),
                 "all pairs at once"))

    subset = sigs[: min(len(sigs), 20_000)]
    lsh = MinHashLSH(threshold=config.dedup.threshold, num_perm=config.dedup.num_perm,
                     params=choose_bands(config.dedup.threshold, config.dedup.num_perm))
    leans = [LeanMinHash(seed=config.dedup.seed, hashvalues=s, scheme="affine32") for s in subset]
    start = time.perf_counter()
    with lsh.insertion_session() as session:
        for key, lean in enumerate(leans):
            session.insert(key, lean, check_duplication=False)
    add_s = time.perf_counter() - start
    start = time.perf_counter()
    for lean in leans:
        lsh.query(lean)
    rows.append(("memory (datasketch dict)", len(leans) / add_s, len(leans) / (time.perf_counter() - start),
                 f"{len(leans)} texts"))

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "index.sqlite")
        cache = FingerprintCache(path, config)
        from dedupe_audit.dedup.detect import detect_duplicates

        detect_duplicates(segs, config, cache=cache)
        start = time.perf_counter()
        cache.save()
        save_s = time.perf_counter() - start
        cache.close()
        cache = FingerprintCache(path, config)
        start = time.perf_counter()
        cache.bind(segs, config)
        load_s = time.perf_counter() - start
        cache.close()
        rows.append(("SQLite (--index FILE)", texts / save_s, texts / load_s, "fingerprints saved/reloaded"))

    if redis_url:
        import redis

        from dedupe_audit.dedup.redis_index import SharedIndex

        for writer in ("lua", "datasketch"):
            client = redis.Redis.from_url(redis_url)
            client.flushdb(asynchronous=True)
            client.close()
            with SharedIndex(redis_url, config, writer=writer) as shared:
                chosen = list(entries.values())
                if writer == "datasketch":
                    chosen = chosen[: max(1, len(chosen) // 10)]
                n = sum(len(e.paragraphs) + len(e.windows) for e in chosen)
                shared.claim([e.doc for e in chosen])
                start = time.perf_counter()
                shared.write(chosen)
                add_s = time.perf_counter() - start
                if writer == "lua":
                    keys = [p[1] for e in chosen for p in e.paragraphs]
                    start = time.perf_counter()
                    for _ in shared.buckets(keys, sigs):
                        pass
                    query_s = time.perf_counter() - start
                    sample = [p[2].normalized for e in chosen[:200] for p in e.paragraphs][:1000]
                    start = time.perf_counter()
                    shared.query(sample)
                    verified = len(sample) / (time.perf_counter() - start)
                    rows.append(("Redis (lua writer)", n / add_s, len(sigs) / query_s,
                                 f"bucket reads; verified query() {verified:,.0f}/s"))
                    start = time.perf_counter()
                    detect_shared(segs, config, shared)
                    rows.append(("Redis: whole run, all reused", 0, 0,
                                 f"detect_shared {time.perf_counter() - start:.1f} s"))
                else:
                    rows.append(("Redis (datasketch session)", n / add_s, 0, f"{n} texts"))
    print(f"{'index':32} {'insert texts/s':>15} {'query texts/s':>15}  note")
    for name, add, query, note in rows:
        print(f"{name:32} {add:15,.0f} {query:15,.0f}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=20_000)
    parser.add_argument("--folder", type=Path, help="where to write the corpus (default: a temp dir)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis", help="redis:// URL of a database the benchmark may FLUSH")
    parser.add_argument("--skip-engines", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from dedupe_audit.config import Config

    config = Config()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp) / "corpus"
        start = time.perf_counter()
        if not folder.exists() or not any(folder.iterdir()):
            make_corpus(folder, args.paragraphs)
        print(f"corpus: {args.paragraphs:,} paragraphs in {folder} ({time.perf_counter() - start:.1f} s)")
        start = time.perf_counter()
        segs = _segmented(folder, config)
        paragraphs = sum(len(s.paragraphs) for s in segs)
        print(f"local ingest+segment: {time.perf_counter() - start:.1f} s ({paragraphs:,} paragraphs)")
        if not args.skip_engines:
            engines(folder, config, segs, args.workers)
        indexes(config, segs, args.redis)


if __name__ == "__main__":
    main()
