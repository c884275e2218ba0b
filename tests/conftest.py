"""Shared fixtures: every JSON report a test renders is checked against the published schema,
and a real redis-server for the Redis tests.

Why a fixture starts Redis: the Redis tests used to run only under ``.ci/run`` (which starts a
server and sets ``DEDUPE_AUDIT_TEST_REDIS``), so the README's ``python -m pytest`` skipped them
and a developer never saw them fail. Now, when no URL is given and ``redis-server`` is on PATH,
the first test that needs Redis starts one on a free loopback port (no persistence, data in a
temporary folder) for the whole session; it is stopped when the session ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_schema import validate_report


@pytest.fixture(autouse=True)
def _json_reports_follow_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every JSON report a test renders (CLI, ``render`` or ``chunks``) is checked against the
    published schema once it is complete."""
    from dedupe_audit import render
    from dedupe_audit.render import json as json_render

    original = json_render.chunks

    def checked(result: object) -> Iterator[str]:
        pieces: list[str] = []
        for piece in original(result):  # type: ignore[arg-type]
            pieces.append(piece)
            yield piece
        validate_report("".join(pieces))

    monkeypatch.setattr(json_render, "chunks", checked)
    monkeypatch.setitem(render.STREAMED, "json", checked)


READY_WAIT = 30.0  # seconds a starting redis-server may take to answer (not an assertion)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], int] | None:
    """A redis-server on a free loopback port, answering; None if none could be started."""
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    for _ in range(3):  # the free port may be taken between choosing and binding it
        port = _free_port()
        server = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", "",
             "--appendonly", "no", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + READY_WAIT
        while server.poll() is None and time.monotonic() < deadline:
            if _answers(port):
                return server, port
            time.sleep(0.05)
        server.kill()
        server.wait()
    return None


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``DEDUPE_AUDIT_TEST_REDIS`` if set, else a session's own redis-server; skips with the
    reason when neither is available."""
    given = os.environ.get("DEDUPE_AUDIT_TEST_REDIS")
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="dedupe-audit-redis-") as folder:
        started = start_redis(Path(folder))
        if started is None:
            pytest.skip("no redis-server on PATH and DEDUPE_AUDIT_TEST_REDIS not set "
                        "(apt-get install redis-server, or point the variable at a server)")
        server, port = started
        try:
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.fixture(scope="module")
def eras():
    """The shipped era facts for the dating tests, loaded once per test module (a module may
    define its own). Kept here, not in tests/dating/conftest.py: test modules import this
    conftest by name (``from conftest import start_redis``), which a second conftest would shadow."""
    from dedupe_audit.dating.eras import load_eras

    return load_eras()


@pytest.fixture()
def knowledge_store(tmp_path, monkeypatch):
    """A fresh, empty knowledge cache in a folder of its own (the cache tests')."""
    from dedupe_audit.rules import knowledge_cache

    monkeypatch.setenv(knowledge_cache.ENV_DIR, str(tmp_path))
    monkeypatch.delenv(knowledge_cache.ENV_OFF, raising=False)
    fresh = knowledge_cache.KnowledgeStore()
    monkeypatch.setattr(knowledge_cache, "STORE", fresh)
    return fresh
