import json
import shutil

import pytest
from click.testing import CliRunner
from corpus_gen import make_corpus
from helpers import SAMPLES

from dedupe_audit.cli import main


@pytest.fixture()
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    shutil.copytree(SAMPLES, tmp_path / "samples")
    return tmp_path


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_check_baseline_cycle_on_samples(work):
    failed = run("check", "samples/", "-q")
    assert failed.exit_code == 1, failed.output
    assert "fail-on duplicate" in failed.output and "gate FAILED" in failed.output
    assert "samples/unn_2025-04-2" in failed.output  # the duplicated paragraphs' locations

    created = run("baseline", "create", "samples/", "-q", "-o", ".dedupe-audit-baseline.json")
    assert created.exit_code == 0, created.output
    passed = run("check", "samples/", "-q", "--baseline", ".dedupe-audit-baseline.json")
    assert passed.exit_code == 0, passed.output
    assert "0 new finding(s)" in passed.output

    nyt = next((work / "samples").glob("unn_2025-04-26_nyt*.txt")).read_text(encoding="utf-8").splitlines()
    (work / "samples" / "zz_new_page.txt").write_text(
        f"A new page about the weekend food market opening near the old station.\n\n{nyt[17]}\n",
        encoding="utf-8")
    again = run("check", "samples/", "-q", "--baseline", ".dedupe-audit-baseline.json",
                "-f", "json", "-o", "out.json")
    assert again.exit_code == 1
    table = again.output.split("failed rule", 1)[1].split("baseline:", 1)[0]
    assert "fail-on duplicate" in table and "1 findings" in table
    assert "samples/zz_new_page.txt:3" in table
    other_rules = [line for line in table.splitlines() if line.startswith("fail-on ")]
    assert [line.split()[1] for line in other_rules] == ["duplicate"]


def test_bad_config_key_exits_2_naming_key_and_file(work):
    (work / "pyproject.toml").write_text("[tool.dedupe-audit]\nmax-clusterz = 3\n")
    result = run("check", "samples/")
    assert result.exit_code == 2
    assert "max-clusterz" in result.output and "pyproject.toml" in result.output
    assert run("config").exit_code == 2


def test_config_command_shows_sources(work):
    (work / "dedupe-audit.toml").write_text("max_clusters = 3\nshingle-size = 4\n")
    result = run("config", "--threshold", "0.5")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert lines["threshold"].split()[1:] == ["0.5", "command", "line"]
    assert lines["max-clusters"].endswith("dedupe-audit.toml")
    assert lines["min-fuzz"].split()[-1] == "default"


def test_config_file_thresholds_drive_the_gate(work):
    (work / "dedupe-audit.toml").write_text('fail-on = []\nmax-clusters = 1000\n')
    assert run("check", "samples/", "-q").exit_code == 0
    assert run("check", "samples/", "-q", "--max-clusters", "1").exit_code == 1


def test_usage_errors_exit_2(work):
    (work / "empty").mkdir()
    assert run("check", "empty").exit_code == 2
    (work / "bad.json").write_text("{")
    result = run("check", "samples/", "--baseline", "bad.json")
    assert result.exit_code == 2 and "bad.json" in result.output
    assert run("check", "samples/", "--threshold", "7").exit_code == 2


def test_audit_command_still_writes_markdown(work):
    result = run("audit", "samples/", "--as-of", "2025-04-27", "--recycled-days", "90", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (work / "reports" / "audit.md").read_text(encoding="utf-8").startswith("#")
    assert "duplicated share" in result.output


def test_several_formats_and_step_summary(work):
    summary = work / "summary.md"
    result = run("check", "samples/", "-q", "-f", "sarif", "-f", "junit", "-f", "github",
                 "-o", "r/out.sarif", "-o", "r/out.xml", "-o", "-",
                 env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    assert json.loads((work / "r" / "out.sarif").read_text())["version"] == "2.1.0"
    assert "<testsuites" in (work / "r" / "out.xml").read_text()
    assert any(line.startswith("::error ") for line in result.stdout.splitlines())
    text = summary.read_text(encoding="utf-8")
    assert "dedupe-audit gate: **failed**" in text and "## Summary" in text


def test_index_counts_in_json_summary(work):
    make_corpus(work / "corpus", 30)
    first = run("check", "corpus", "-q", "--index", "idx.sqlite", "-f", "json", "-o", "a.json")
    assert first.exit_code in (0, 1)
    (work / "corpus" / "page_new.txt").write_text("Fresh words about a quiet afternoon by the sea today.\n")
    second = run("check", "corpus", "--index", "idx.sqlite", "-f", "json", "-o", "b.json")
    assert "1 document(s) fingerprinted, 30 reused" in second.output
    summary = json.loads((work / "b.json").read_text())["summary"]
    assert (summary["fingerprinted"], summary["reused"]) == (1, 30)
    fresh = run("check", "corpus", "-q", "-f", "json", "-o", "c.json")
    assert fresh.exit_code == second.exit_code
    clusters = [json.loads((work / name).read_text())["clusters"] for name in ("b.json", "c.json")]
    assert clusters[0] == clusters[1]


def test_progress_bar_only_on_a_terminal_and_not_when_quiet():
    import io

    from dedupe_audit.runtime.progress import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown, piped, quiet = Tty(), io.StringIO(), Tty()
    for stream, is_quiet in ((shown, False), (piped, False), (quiet, True)):
        bar = Progress.for_terminal("fingerprinting", quiet=is_quiet, stream=stream)
        bar.delay = 0
        bar(5, 10)
        bar(10, 10)
        bar.close()
    assert "fingerprinting [" in shown.getvalue() and "10/10" in shown.getvalue()
    assert piped.getvalue() == "" and quiet.getvalue() == ""


def test_timings_name_every_stage_and_the_reports(tmp_path):
    result = CliRunner().invoke(main, ["audit", str(SAMPLES), "--no-config", "-q", "--timings",
                                       "-o", str(tmp_path / "a.md")], catch_exceptions=False)
    assert result.exit_code == 0
    stages = [line.split(":", 1)[1].rsplit(None, 2)[0].strip() for line in result.output.splitlines()
              if line.startswith("timing:")]
    for stage in ("ingest", "segment", "detect duplicates", "fingerprint+sign",
                  "page dates", "blocks", "provenance", "staleness", "write reports"):
        assert stage in stages, stage
    quiet = CliRunner().invoke(main, ["audit", str(SAMPLES), "--no-config", "-q",
                                      "-o", str(tmp_path / "b.md")])
    assert "timing:" not in quiet.output
