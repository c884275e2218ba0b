"""End-to-end: the committed example report, JSON shape, determinism and escaping."""

import dataclasses
import json
import os
import re

import pytest
from click.testing import CliRunner
from helpers import ROOT

from dedupe_audit.cli import main
from dedupe_audit.config import Config
from dedupe_audit.pipeline import run_audit
from dedupe_audit.render import json as json_render
from dedupe_audit.render import markdown
from dedupe_audit.render.escape import md
from dedupe_audit.runtime.atomic import write_atomic


def _run_in_root(args):
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(cwd)


def test_committed_report_regenerates_byte_for_byte(tmp_path):
    out = tmp_path / "audit.md"
    result = _run_in_root(["audit", "samples/", "-q", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (ROOT / "reports" / "audit.md").read_bytes()


def test_json_report_shape_and_determinism(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for target in (first, second):
        result = _run_in_root(["audit", "samples/", "-q", "-f", "json", "-o", str(target)])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.0"
    paragraph = data["files"][0]["paragraphs"][0]
    for key in ("file", "line", "end_line", "text", "kind", "boilerplate_rule", "cluster",
                "provenance", "staleness"):
        assert key in paragraph
    cluster = data["clusters"][0]
    assert {"id", "kind", "members", "similarity", "containers"} <= set(cluster)
    assert cluster["kind"] in {"exact", "near", "contained"}
    clustered = {(p["file"], p["index"]) for f in data["files"] for p in f["paragraphs"] if p["cluster"]}
    members = {(m["file"], m["index"]) for c in data["clusters"] for m in c["members"]}
    assert clustered == members


def test_module_entry_point_matches_console_script(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "m.md"
    done = subprocess.run(
        [sys.executable, "-m", "dedupe_audit", "audit", "samples/", "-q", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == (ROOT / "reports" / "audit.md").read_bytes()


def test_hostile_text_cannot_break_tables_or_inject_markup(tmp_path):
    hostile = (
        "Breaking | news with `code` and <script>alert(1)</script> and [a link](http://x) "
        "<!-- hidden --> and @someone and ::error::boom \x1b[31mred\x1b[0m repeated here twice"
    )
    (tmp_path / "a.txt").write_text(hostile + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(hostile + "\n", encoding="utf-8")
    result = run_audit([str(tmp_path)], Config())
    report = markdown.render(result)
    assert "<script>" not in report and "<!--" not in report
    assert "\x1b" not in report
    assert not re.search(r"(?<!\\)\]\(http", report)
    table_rows = [line for line in report.splitlines() if line.startswith("| C0001")]
    assert len(table_rows) == 1
    assert table_rows[0].count(" | ") - table_rows[0].count("\\|") <= 6
    assert json.loads(json_render.render(result))["files"][0]["paragraphs"][0]["text"].startswith("Breaking")


def test_md_escape_keeps_text_readable():
    assert md("a | b") == "a \\| b"
    assert md("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert md("line\nbreak") == "line break"


def test_large_reports_cap_tables_and_say_what_was_left_out():
    from dataclasses import replace

    from helpers import SAMPLES

    result = run_audit([str(SAMPLES)], Config(report_rows=3))
    report = markdown.render(result)
    cluster_rows = [line for line in report.splitlines() if line.startswith("| C0")]
    assert len(cluster_rows) == 3
    assert f"{len(result.clusters) - 3} more clusters not shown here" in report
    assert "the JSON report has all of them" in report
    assert len(json_render.to_data(result)["clusters"]) == len(result.clusters)
    full = markdown.render(replace(result, settings={**result.settings, "report_rows": 10_000}))
    assert "not shown here" not in full


def test_streamed_json_is_the_one_json_document(tmp_path):
    """The JSON report written piece by piece is byte for byte ``json.dumps`` of the whole."""
    from dedupe_audit.runtime.atomic import write_atomic

    samples = str(ROOT / "samples")
    for paths in ([samples], [str(tmp_path / "none")]):
        (tmp_path / "none").mkdir(exist_ok=True)
        result = run_audit(paths, Config())
        whole = json.dumps(json_render.to_data(result), ensure_ascii=False, indent=2) + "\n"
        assert json_render.render(result) == whole
        write_atomic(tmp_path / "out.json", json_render.chunks(result))
        assert (tmp_path / "out.json").read_text(encoding="utf-8") == whole
    assert '"files": [\n    {' in json_render.render(run_audit([samples], Config()))


def test_a_stream_failing_half_way_leaves_the_old_file(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    def pieces():
        yield "new, half"
        raise RuntimeError("renderer broke")

    with pytest.raises(RuntimeError):
        write_atomic(target, pieces())
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_json_encoder_writes_what_the_standard_library_writes():
    """The report is written by orjson (C-fast indented output) but must stay byte for byte what
    ``json.dumps(..., ensure_ascii=False, indent=2)`` writes: floats in Python's repr (orjson
    writes "1e-7" and "0.00001"), dataclasses as ``asdict``, control characters, integer keys,
    and integers beyond 64 bits (left to the standard library)."""
    from dedupe_audit.model import Evidence

    floats = [1e-05, 2.5e-07, 1e16, 1.5e22, -3e-10, 0.0001, 0.1, 1 / 3, 100.0, 0.0, -0.0, 5e-324]
    value = {
        "floats": {f"f{n}": number for n, number in enumerate(floats)},
        "text": "".join(map(chr, range(32))) + '"\\/ \u2028 \u2029 é 好 \U0001f600',
        "evidence": Evidence("rule", "phrase: 1e-05", 1, 2, "x"),
        "nested": [{"a": 1e-06}, [], {}, None, True],
        7: "an integer key",
    }
    plain = {**value, "evidence": dataclasses.asdict(value["evidence"])}
    expected = json.dumps(plain, ensure_ascii=False, indent=2)
    assert json_render.encode(value) == expected
    assert json_render.encode({"big": 2**70}) == json.dumps({"big": 2**70}, indent=2)
