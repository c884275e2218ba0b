"""The ``dedupe-audit`` script: answers ``--version`` before loading the commands.

Why: the commands import click, tabulate, the renderers and the report model (~0.15 s); a
version check in a CI step or a shell prompt needs none of it. Everything else goes to
``cli.main`` unchanged; the text is click's own ``version_option`` message.
"""

from __future__ import annotations

import atexit
import gc
import sys

from . import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"dedupe-audit, version {__version__}\n")
        return
    atexit.register(skip_exit_collection)  # run as the process ends, whatever ends it
    from .cli import main as commands

    commands(prog_name="dedupe-audit")


def skip_exit_collection() -> None:
    """Freeze every object the collector tracks, as the process ends (an ``atexit`` hook:
    hooks run before the interpreter's last collection).

    Why: the interpreter runs a full cyclic collection as it shuts down, and it walks every
    object still alive: the loaded knowledge, the modules, the result. On a small run (a CI
    gate, a pre-commit hook) that was ~0.03-0.07 s of a ~0.8 s run, spent finding nothing
    (a run's cycles are collected while it runs). Frozen objects are left out of it; the
    process's memory goes back to the system as it exits either way. What is skipped is only
    the finalizers of objects caught in reference cycles, which Python does not promise to
    run at exit anyway: every report and cache file is written and closed by then (reports
    by ``write_atomic``, the knowledge cache by its ``atexit`` hook, which runs before the
    collection), and the page store's spool file is anonymous (closed by the system).
    Only the console script registers it: a library caller's process keeps its collector.
    """
    gc.freeze()
