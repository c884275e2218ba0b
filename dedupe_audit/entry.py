"""The ``dedupe-audit`` script: answers ``--version`` before loading the commands.

Why: the commands import click, tabulate, the renderers and the report model (~0.15 s); a
version check in a CI step or a shell prompt needs none of it. Everything else goes to
``cli.main`` unchanged; the text is click's own ``version_option`` message.
"""

from __future__ import annotations

import sys

from . import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"dedupe-audit, version {__version__}\n")
        return
    from .cli import main as commands

    commands(prog_name="dedupe-audit")
