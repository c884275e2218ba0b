"""What the real-text benchmarks share: the audit run as a user runs it, its JSON report read back.

Why a child process: the figures should be those of `dedupe-audit audit` with default settings
(no config file), not of a library call that may skip what the CLI does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def split_extra(argv: list[str]) -> tuple[list[str], list[str]]:
    """The benchmark's own arguments, and those after ``--`` that go to the audit."""
    if "--" not in argv:
        return argv, []
    cut = argv.index("--")
    return argv[:cut], argv[cut + 1:]


def audit_json(target: Path, report_path: Path, extra: list[str]) -> dict[str, Any] | None:
    """Audit ``target`` with default settings and return its JSON report; None (with the reason
    on stderr) when the run wrote none."""
    run = subprocess.run(
        [sys.executable, "-m", "dedupe_audit", "audit", str(target), "--no-config", "-q", "-f", "json",
         "-o", str(report_path), *extra],
        capture_output=True, text=True, timeout=900,
    )
    if not report_path.exists():
        print("audit failed:", run.returncode, run.stderr[-800:], file=sys.stderr)
        return None
    return json.loads(report_path.read_text(encoding="utf-8"))
