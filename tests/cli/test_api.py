"""The Python API: the examples in docs/api.md run, settings are validated as on the CLI, and the
API's results are the CLI's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ROOT

import dedupe_audit
from dedupe_audit import audit, check
from dedupe_audit.api import AuditError, config_of
from dedupe_audit.cli import main
from dedupe_audit.settings import SettingsError

DOCS = ROOT / "docs" / "api.md"


def _blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_docs_api_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _blocks(DOCS.read_text(encoding="utf-8"))
    assert len(blocks) >= 6
    namespace: dict[str, object] = {"__name__": "docs_api"}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for number, block in enumerate(blocks, 1):
            exec(compile(block, f"docs/api.md block {number}", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(cwd)
    printed = capsys.readouterr().out
    assert "did you mean 'threshold'" in printed and "in keyword arguments" in printed
    assert "max-stale" in printed


def test_import_is_cheap_and_the_api_function_is_the_package_s() -> None:
    code = ("import sys, dedupe_audit\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('numpy', 'numba', 'trafilatura', 'datasketch', 'rapidfuzz', 'click'))\n"
            "loaded = sorted(m for m in sys.modules if m.startswith('dedupe_audit.'))\n"
            "import dedupe_audit.pipeline as pipeline\n"
            "from dedupe_audit import audit\n"
            "module = sys.modules['dedupe_audit.pipeline']\n"
            "print(heavy, loaded, callable(audit), hasattr(module, 'run_audit'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    assert out.strip() == "[] [] True True"
    import dedupe_audit.pipeline  # the stages' module: it leaves the package's function alone

    assert dedupe_audit.audit is audit and callable(dedupe_audit.pipeline.run_audit)


def test_api_result_is_the_cli_report(tmp_path: Path) -> None:
    out = tmp_path / "cli.json"
    ran = CliRunner().invoke(main, ["audit", str(ROOT / "samples"), "--no-config", "-q", "--threshold", "0.5",
                                    "-f", "json", "-o", str(out)])
    assert ran.exit_code == 0, ran.output
    result = audit(ROOT / "samples", threshold=0.5)
    assert json.loads(dedupe_audit.report(result, "json")) == json.loads(out.read_text(encoding="utf-8"))


def test_check_gives_the_cli_verdict(tmp_path: Path) -> None:
    args = ["check", str(ROOT / "samples"), "--no-config", "-q", "--fail-on", "conflict",
            "--max-stale", "500"]
    assert CliRunner().invoke(main, args).exit_code == 1
    gate = check(ROOT / "samples", fail_on=["conflict"], max_stale=500)
    assert not gate.passed
    assert [r.rule for r in gate.outcome.failed] == ["fail-on conflict"]
    assert {f.category for f in gate.outcome.counted} >= {"conflict"}
    assert check(ROOT / "samples", fail_on=["conflict"], min_similarity=0.0, max_stale=500,
                 max_clusters=0).outcome.failed[-1].rule == "max-clusters"


def test_settings_are_validated_never_defaulted(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="did you mean 'min-words'"):
        config_of(min_word=3)
    with pytest.raises(SettingsError, match="must be an integer"):
        config_of(min_words=2.5)
    with pytest.raises(SettingsError, match="fail-on"):
        config_of(fail_on=["everything"])
    with pytest.raises(SettingsError, match="unknown key 'csv.body'"):
        config_of(csv={"body": "x"})
    with pytest.raises(SettingsError, match="both as a table"):
        config_of(csv="text", csv_date="scrape_time")
    config = config_of(csv={"text": "body"}, csv_date="scrape_time", include=("*.txt",),
                       reference=[ROOT / "samples"])
    csv = config.ingest.csv
    assert (csv.text, csv.date, csv.site) == ("body", "scrape_time", "site")
    assert config.ingest.include == ("*.txt",) and config.provenance.reference == (str(ROOT / "samples"),)
    # a config file is read only when named (or asked for), and keywords override it
    (tmp_path / "dedupe-audit.toml").write_text("threshold = 0.7\nmin-words = 9\n", encoding="utf-8")
    assert config_of().dedup.threshold == 0.4
    named = config_of(config_file=tmp_path / "dedupe-audit.toml", min_words=4)
    assert (named.threshold, named.min_words) == (0.7, 4)


def test_run_errors_are_exceptions_not_exits(tmp_path: Path) -> None:
    (tmp_path / "baseline.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(AuditError, match="baseline"):
        check(ROOT / "samples", baseline=str(tmp_path / "baseline.json"))
    with pytest.raises(ValueError, match="unknown format"):
        one = ROOT / "samples" / "riversidegazette_en_2025-03-14_city-council-budget.txt"
        dedupe_audit.report(audit(one), "pdf")
