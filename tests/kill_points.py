"""Kill an ``audit --index`` run with SIGKILL just before a chosen database step, at every step.

Used by ``test_store_integrity``; run as a script: ``python kill_points.py SPEC.json``. The spec
holds ``args`` (the CLI arguments, naming ``index`` after ``--index``), ``start`` (an index file
copied to the index path before each run, or null to start without one) and ``report`` (where
the uninterrupted first run writes its report).

Why this way and not a timer: a timer hits the few milliseconds in which an index is created
only by luck, so a test built on one passes or fails at random. Here every step of creating and
saving an index is a kill point, the same ones each time. A step is a call of ``execute`` or
``executemany`` on an SQLite connection, or an ``os.replace`` (a file renamed into place); the
kill lands just before it.

It prints JSON lines: first the uninterrupted run (on a scratch copy: its step count and what
its index holds), then for each kill point what the index path holds after the kill, then what
it holds after one more run that is not killed. The library is imported and warmed once, and
each killed run is a fork of this process, so a kill costs a fraction of a second.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from dedupe_audit.cli import main
from dedupe_audit.dedup.fingerprint_cache import file_kind

STEPS = [0]  # database steps taken by this process's run so far
KILL_AT = [0]  # the step to die before; 0: none


def _step() -> None:
    STEPS[0] += 1
    if STEPS[0] == KILL_AT[0]:
        os.kill(os.getpid(), signal.SIGKILL)


class _Connection(sqlite3.Connection):
    def execute(self, *args: Any, **kwargs: Any) -> sqlite3.Cursor:  # type: ignore[override]
        _step()
        return super().execute(*args, **kwargs)

    def executemany(self, *args: Any, **kwargs: Any) -> sqlite3.Cursor:  # type: ignore[override]
        _step()
        return super().executemany(*args, **kwargs)


def _install() -> None:
    """Route every SQLite connection and file rename of the runs through ``_step``."""
    connect, replace = sqlite3.connect, os.replace

    def counting_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        kwargs.setdefault("factory", _Connection)
        return connect(*args, **kwargs)

    def counting_replace(*args: Any, **kwargs: Any) -> None:
        _step()
        replace(*args, **kwargs)

    sqlite3.connect = counting_connect  # type: ignore[assignment]
    os.replace = counting_replace


def _state(index: Path) -> dict[str, Any]:
    """What the index path holds: its kind and, when it is ours, what SQLite reads in it."""
    strays = sorted(p.name for p in index.parent.iterdir() if ".building" in p.name)
    kind = file_kind(index)
    state: dict[str, Any] = {"kind": kind, "strays": strays}
    if kind != "ours":
        return state
    conn = sqlite3.Connection(index)  # not counted; replays a hot journal left by a kill, as a run would
    try:
        state["quick_check"] = conn.execute("PRAGMA quick_check").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        state["tables"] = sorted(tables)
        if "documents" in tables:
            state["documents"] = [row[0] for row in conn.execute("SELECT content_hash FROM documents")]
            state["texts"] = dict(conn.execute(
                "SELECT document, COUNT(*) FROM document_texts GROUP BY document").fetchall())
        if "page_memo" in tables:
            state["memo"] = conn.execute("SELECT COUNT(*) FROM page_memo").fetchone()[0]
    finally:
        conn.close()
    return state


def _reset(index: Path, start: str | None) -> None:
    for leftover in index.parent.iterdir():  # the index folder holds only the index's files
        if not leftover.name.endswith(".lock"):
            leftover.unlink()
    if start:
        shutil.copyfile(start, index)


def _points(steps: int) -> list[int]:
    """Every one of the first 14 steps (opening or creating the index) and of the last 6
    (committing, renaming the report), and every 5th between (statements inside one
    transaction, which all roll back alike)."""
    return sorted({*range(1, min(steps, 14) + 1), *range(14, steps, 5), *range(max(1, steps - 5), steps + 1)})


def run(spec: dict[str, Any]) -> None:
    args: list[str] = spec["args"]
    index = Path(args[args.index("--index") + 1])
    _install()
    with tempfile.TemporaryDirectory() as scratch:  # the uninterrupted run, on a copy
        warm = Path(scratch, "warm.sqlite")
        if spec["start"]:
            shutil.copyfile(spec["start"], warm)
        report = args.index("-o") + 1
        main([str(warm) if arg == str(index) else spec["report"] if at == report else arg
              for at, arg in enumerate(args)], standalone_mode=False)
        print(json.dumps({"steps": STEPS[0], **_state(warm)}), flush=True)
    for point in _points(STEPS[0]):
        _reset(index, spec["start"])
        child = os.fork()
        if child == 0:
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                STEPS[0], KILL_AT[0] = 0, point
                main(args, standalone_mode=False)
            finally:
                os._exit(0)
        _, status = os.waitpid(child, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        print(json.dumps({"point": point, "killed": killed, **_state(index)}), flush=True)
    main(args, standalone_mode=False)  # the run after the last kill
    print(json.dumps({"recovered": True, **_state(index)}), flush=True)


if __name__ == "__main__":
    run(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
