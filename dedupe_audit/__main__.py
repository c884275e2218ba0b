"""``python -m dedupe_audit``: the same commands as the ``dedupe-audit`` script."""

from .entry import main

main()
