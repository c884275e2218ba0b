"""The shared Redis index against a real redis-server: ``DEDUPE_AUDIT_TEST_REDIS`` (``.ci/run``
sets it) or one the ``redis_url`` fixture of conftest starts when ``redis-server`` is on PATH."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid

import pytest
from conftest import start_redis
from helpers import ROOT, SAMPLES

from dedupe_audit.config import Config
from dedupe_audit.dedup.detect import detect_duplicates
from dedupe_audit.dedup.engines.local import detect_shared, doc_entries
from dedupe_audit.dedup.redis_index import Endpoint, SharedIndex, SharedIndexError
from dedupe_audit.pipeline import load_corpus
from dedupe_audit.segment.boilerplate import load_rules
from dedupe_audit.segment.paragraphs import segment

redis = pytest.importorskip("redis")
sys.path.insert(0, str(ROOT / "benchmarks"))
from scale import make_corpus  # noqa: E402


def _drop(client, pattern: str) -> None:
    keys = list(client.scan_iter(match=pattern, count=10_000))
    for lo in range(0, len(keys), 5_000):
        client.unlink(*keys[lo : lo + 5_000])


@pytest.fixture
def url(redis_url):
    """A fresh key prefix on the session's server, dropped afterwards."""
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    yield f"{redis_url}?prefix={prefix}&lease=1"
    client = redis.Redis.from_url(redis_url)
    _drop(client, f"*{prefix}*")
    client.close()


def _segmented(paths, config=None):
    config = config or Config()
    docs, _ = load_corpus([str(p) for p in paths], config)
    rules = load_rules(())
    return [segment(doc, config, rules) for doc in docs]


def _invariants(url: str) -> dict[str, int]:
    """No phantom entries: everything in the LSH and beside it belongs to a complete document."""
    with SharedIndex(url, Config()) as index:
        r, k = index.redis, index._k
        complete_docs = {d.decode() for d in r.smembers(k("docs:complete"))}
        complete_texts = r.smembers(k("texts:complete"))
        assert r.hlen(k("docs:writing")) == 0
        lsh_keys = set(r.hkeys(index.base + b"_keys"))
        assert lsh_keys == complete_texts
        pipe = r.pipeline(transaction=False)
        for table in index.lsh.hashtables:
            pipe.hvals(table._name)
        buckets = [bucket for found in pipe.execute() for bucket in found]
        for bucket in buckets:
            pipe.smembers(bucket)
        for members in pipe.execute():
            assert members <= complete_texts
        texts = sorted(complete_texts)
        for text in texts:
            pipe.smembers(k("o", text))
        for found in pipe.execute():
            owners = {o.decode() for o in found}
            assert owners and owners <= complete_docs
        docs = {key[len(k("d")) + 1 :].decode() for key in r.scan_iter(match=k("d") + b":*")}
        assert docs == complete_docs
        return {"docs": len(complete_docs), "texts": len(complete_texts)}


def test_samples_same_clusters_as_local_written_then_reused(url):
    config = Config()
    segs = _segmented([SAMPLES])
    local = detect_duplicates(segs, config)
    with SharedIndex(url, config) as index:
        assert detect_shared(segs, config, index) == local  # writes every document
        written = index.stats()
    with SharedIndex(url, config) as index:
        assert detect_shared(segs, config, index) == local  # reads them all back
        assert index.stats() == written
    assert _invariants(url)["docs"] == len({s.document.content_hash for s in segs})


def test_documents_loaded_from_the_index_give_the_run_its_signed_batches(url):
    """A run that reads every document back from Redis fingerprints nothing, yet detects
    through the same flow as the local engine: its warnings and step timings come with the
    clusters too (``Clusters``), and an index written before windows' signatures were kept
    (no ``w_sig`` in the document records) has those documents' windows signed here."""
    config = Config()
    segs = _segmented([SAMPLES])
    local = detect_duplicates(segs, config)
    with SharedIndex(url, config) as index:
        detect_shared(segs, config, index)
    with SharedIndex(url, config) as index:
        entries = index.load(sorted({s.document.content_hash for s in segs}))
        assert all(e.window_signatures is not None for e in entries.values())
        assert any(len(e.windows) for e in entries.values())
        clusters = detect_shared(segs, config, index)
        assert clusters == local and [step for step, _ in clusters.seconds][-1] == "clusters"
        for doc in entries:
            index.redis.hdel(index._k("d", doc), "w_sig")
        assert all(e.window_signatures is None for e in index.load(sorted(entries)).values())
        assert detect_shared(segs, config, index) == local


RUN_HALF = textwrap.dedent("""
    import sys
    from dedupe_audit.pipeline import load_corpus
    from dedupe_audit.segment.boilerplate import load_rules
    from dedupe_audit.config import Config
    from dedupe_audit.dedup.engines.local import detect_shared
    from dedupe_audit.dedup.redis_index import SharedIndex
    from dedupe_audit.segment.paragraphs import segment
    config = Config()
    docs, _ = load_corpus([sys.argv[2]], config)
    segs = [segment(d, config, load_rules(())) for d in docs]
    with SharedIndex(sys.argv[1], config) as index:
        print(len(detect_shared(segs, config, index)))
""")


def test_two_concurrent_halves_then_the_whole_equal_one_local_run(url, tmp_path):
    corpus = make_corpus(tmp_path / "all", 3_000)
    halves = [tmp_path / "a", tmp_path / "b"]
    for half in halves:
        half.mkdir()
    pages = sorted(corpus.iterdir())
    for n, page in enumerate(pages):
        shutil.copy(page, halves[n % 2] / page.name)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen([sys.executable, "-c", RUN_HALF, url, str(half)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for half in halves]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    config = Config()
    segs = _segmented([corpus])
    with SharedIndex(url, config) as index:
        hashes = [s.document.content_hash for s in segs]
        assert index.complete(hashes) == set(hashes)
        clusters = detect_shared(segs, config, index)
    local = detect_duplicates(segs, config)
    assert {c.kind for c in local} == {"exact", "near", "contained"}
    assert clusters == local
    _invariants(url)


WRITER = textwrap.dedent("""
    import sys
    from dedupe_audit.pipeline import load_corpus
    from dedupe_audit.segment.boilerplate import load_rules
    from dedupe_audit.config import Config
    from dedupe_audit.dedup.engines.local import doc_entries
    from dedupe_audit.dedup.redis_index import SharedIndex
    from dedupe_audit.segment.paragraphs import segment
    config = Config()
    docs, _ = load_corpus([sys.argv[2]], config)
    entries = list(doc_entries([segment(d, config, load_rules(())) for d in docs], config).values())
    with SharedIndex(sys.argv[1], config) as index:
        index.claim([e.doc for e in entries])
        print("claimed", flush=True)
        index.write(entries, batch_texts=50)  # many small batches: killed in the middle of them
""")


def test_killed_writer_leaves_no_phantoms_after_a_rerun(url, tmp_path):
    corpus = make_corpus(tmp_path / "c", 2_000)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, url, str(corpus)],
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "claimed"
    client = redis.Redis.from_url(url.split("?")[0])
    prefix = url.split("prefix=")[1].split("&")[0]
    deadline = time.time() + 60
    while client.scard(f"{prefix}:docs:complete") < 10 and time.time() < deadline:
        time.sleep(0.01)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert client.hlen(f"{prefix}:docs:writing") > 0  # the dead writer's unfinished claims
    client.close()

    config = Config()
    segs = _segmented([corpus])
    half = [s for s in segs if s.document.path < segs[len(segs) // 2].document.path]
    time.sleep(1.2)  # the dead writer's lease (lease=1 s) runs out
    with SharedIndex(url, config) as index:
        assert detect_shared(half, config, index) == detect_duplicates(half, config)
        index.recover()  # the other half's unfinished documents: cleaned, not left as phantoms
    counts = _invariants(url)
    assert counts["docs"] < len(segs)
    with SharedIndex(url, config) as index:
        assert detect_shared(segs, config, index) == detect_duplicates(segs, config)
    assert _invariants(url)["docs"] == len({s.document.content_hash for s in segs})


def test_lsh_layout_is_datasketch_own(url):
    """The fast writer stores exactly what datasketch's insertion_session stores, and
    ``MinHashLSH(storage_config=...)`` queries it."""
    from datasketch import LeanMinHash, MinHashLSH

    config = Config()
    entries = list(doc_entries(_segmented([SAMPLES]), config).values())
    dumps = []
    for writer in ("lua", "datasketch"):
        prefixed = url.replace("?prefix=", f"?prefix={writer}-")
        with SharedIndex(prefixed, config, writer=writer) as index:
            index.claim([e.doc for e in entries])
            index.write(entries)
            r, base = index.redis, index.base
            keys = sorted(r.scan_iter(match=base + b"*", count=10_000))
            pipe = r.pipeline(transaction=False)
            for key in keys:
                pipe.type(key)
            kinds = pipe.execute()
            for key, kind in zip(keys, kinds, strict=True):
                if kind == b"list":
                    pipe.lrange(key, 0, -1)
                else:
                    {b"set": pipe.smembers, b"hash": pipe.hgetall}[kind](key)
            dump = {}
            for key, kind, value in zip(keys, kinds, pipe.execute(), strict=True):
                if kind == b"hash":
                    value = {f: v.replace(base, b"") for f, v in value.items()}
                dump[key.replace(base, b"")] = value
            dumps.append(dump)
            if writer == "lua":
                lsh = MinHashLSH(threshold=config.dedup.threshold, num_perm=config.dedup.num_perm,
                                 params=(index.bands, index.rows), prepickle=False,
                                 storage_config={"type": "redis", "basename": base,
                                                 "redis": index.endpoint.client_kwargs()})
                _, key, _, sig = entries[0].paragraphs[0]
                signature = LeanMinHash(seed=config.dedup.seed, hashvalues=sig, scheme="affine32")
                assert key in lsh.query(signature)
            _drop(r, index.prefix + "*")
    assert dumps[0] == dumps[1] and len(dumps[0]) > 100


def test_query_finds_verified_copies_of_indexed_paragraphs(url):
    config = Config()
    segs = _segmented([SAMPLES])
    with SharedIndex(url, config) as index:
        detect_shared(segs, config, index)
        text = next(p.text for s in segs for p in s.paragraphs if len(p.text.split()) > 30)
        edited = text.replace(" the ", " a ", 1) + " Extra words."
        found, nothing = index.query([edited, "Completely unrelated words about nothing at all here."])
    assert found and found[0].jaccard >= 0.4 and found[0].documents
    assert nothing == []


def test_other_settings_are_refused(url):
    with SharedIndex(url, Config()):
        pass
    with pytest.raises(SharedIndexError, match="other settings.*shingle_size"):
        SharedIndex(url, Config(shingle_size=4))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_and_lost_server_give_a_clear_error(tmp_path):
    port = _free_port()
    with pytest.raises(SharedIndexError, match=f"cannot connect to the index at redis://127.0.0.1:{port}/0"):
        SharedIndex(f"redis://127.0.0.1:{port}/0", Config())
    server_bin = shutil.which("redis-server")
    if server_bin is None:
        pytest.skip("redis-server binary not on PATH")
    server = subprocess.Popen([server_bin, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
                               "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        config = Config()
        segs = _segmented([SAMPLES])
        with SharedIndex(f"redis://127.0.0.1:{port}/0", config) as index:
            server.terminate()
            server.wait(timeout=10)
            with pytest.raises(SharedIndexError, match="cannot .* the index at redis://127.0.0.1.*next run"):
                detect_shared(segs, config, index)
    finally:
        server.kill()
        server.wait()


def test_timeouts_are_read_from_the_url_and_checked():
    endpoint = Endpoint.parse("redis://127.0.0.1:6379/0?timeout=2.5&connect_timeout=0.5")
    kwargs = endpoint.client_kwargs()
    assert (kwargs["socket_timeout"], kwargs["socket_connect_timeout"]) == (2.5, 0.5)
    defaults = Endpoint.parse("redis://127.0.0.1:6379/0").client_kwargs()
    assert (defaults["socket_timeout"], defaults["socket_connect_timeout"]) == (30.0, 5.0)
    for bad in ("timeout=nan", "timeout=0", "connect_timeout=-1", "timeout=inf", "lease=nan"):
        with pytest.raises(SharedIndexError, match=bad.split("=")[0]):
            Endpoint.parse(f"redis://127.0.0.1:6379/0?{bad}")


def test_a_stalled_server_ends_the_run_with_exit_2_and_one_line(tmp_path):
    """A server stopped with SIGSTOP still accepts connections but never answers: the run stops
    with exit 2 and one line naming it, after the URL's timeouts (the subprocess timeout is only a
    guard against the old behaviour, a run held for minutes)."""
    started = start_redis(tmp_path)
    if started is None:
        pytest.skip("redis-server binary not on PATH")
    server, port = started
    try:
        os.kill(server.pid, signal.SIGSTOP)
        url = f"redis://127.0.0.1:{port}/0?timeout=0.5&connect_timeout=0.5"
        command = [sys.executable, "-m", "dedupe_audit", "audit", str(SAMPLES), "-q", "--no-config",
                   "-o", str(tmp_path / "r.md"), "--index", url]
        run = subprocess.run(command, capture_output=True, text=True, timeout=120,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert run.returncode == 2, run.stderr
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "Timeout" in lines[0], run.stderr
        assert not (tmp_path / "r.md").exists()
    finally:
        os.kill(server.pid, signal.SIGCONT)
        server.kill()
        server.wait()


def test_a_server_stalling_mid_run_ends_it_with_a_clear_error(tmp_path):
    started = start_redis(tmp_path)
    if started is None:
        pytest.skip("redis-server binary not on PATH")
    server, port = started
    config = Config()
    segs = _segmented([SAMPLES])
    try:
        with SharedIndex(f"redis://127.0.0.1:{port}/0?timeout=0.5&connect_timeout=0.5", config) as index:
            os.kill(server.pid, signal.SIGSTOP)
            with pytest.raises(SharedIndexError, match=f"127.0.0.1:{port}.*Timeout"):
                detect_shared(segs, config, index)
    finally:
        os.kill(server.pid, signal.SIGCONT)
        server.kill()
        server.wait()
