"""Minor defects of issue 22 (item 9): report modes and the gate table's counts."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from click.testing import CliRunner

from dedupe_audit.cli import main
from dedupe_audit.runtime.atomic import write_atomic


def test_a_new_report_gets_the_umask_mode_and_a_rewritten_one_keeps_its_mode(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        fresh = tmp_path / "new.md"
        write_atomic(fresh, "report")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not mkstemp's 0600
        shared = tmp_path / "shared.md"
        shared.write_text("old")
        shared.chmod(0o664)
        write_atomic(shared, "new report")
        assert stat.S_IMODE(shared.stat().st_mode) == 0o664 and shared.read_text() == "new report"
    finally:
        os.umask(previous)


def test_gate_table_says_how_many_places_its_findings_cover(tmp_path: Path) -> None:
    """The summary counts paragraphs, the gate counts distinct texts: the table shows both."""
    paragraph = "This same paragraph of plenty of ordinary words appears on three different pages today."
    own = {"a.txt": "Rain is expected over the northern valley by Thursday evening.",
           "b.txt": "The museum reopens its east wing after two years of repairs.",
           "c.txt": "Local growers report an early cherry harvest this season."}
    for name, text in own.items():
        (tmp_path / name).write_text(f"{paragraph}\n\n{text}\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path), "-q", "--no-config"])
    assert result.exit_code == 1
    assert "1 findings in 3 places" in result.output
    assert "the summary counts paragraphs" in result.output
