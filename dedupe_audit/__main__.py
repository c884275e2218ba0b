"""``python -m dedupe_audit``: the same commands as the ``dedupe-audit`` script."""

from .cli import main

main(prog_name="dedupe-audit")
