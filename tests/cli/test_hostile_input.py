"""Hostile and broken input: every input is audited or skipped with a reason, rules cannot hang
a run, and scraped text cannot take over any report format."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dedupe_audit.ci.findings import collect
from dedupe_audit.ci.gate import listing
from dedupe_audit.config import Config
from dedupe_audit.dating.eras import EraDataError, find_mentions, load_eras
from dedupe_audit.dating.time_expressions import TimeLanguageError, time_language
from dedupe_audit.ingest.inputs import iter_inputs
from dedupe_audit.model import AuditResult, Document, Skipped
from dedupe_audit.pipeline import run_audit
from dedupe_audit.provenance.cues import CueError, load_cues
from dedupe_audit.provenance.outlets import load_registry
from dedupe_audit.render import json as json_render
from dedupe_audit.render import markdown, text
from dedupe_audit.rules import saferegex
from dedupe_audit.segment.boilerplate import RuleError, load_rules

HOSTILE = (
    "Breaking | news `code` <script>alert(1)</script> [click](http://evil.example) "
    "<!-- hidden --> @someone ::error file=x::boom ::set-output name=a::b ::add-mask::secret "
    "##[error]legacy \x1b[31mred\x1b[0m \u202eevil\u202c $\\color{red}{x}$ "
    '```\n```mermaid\ngraph TD; A"]) --> x[pwn] end of the repeated paragraph here'
)
HOSTILE_NAME = "we`ird | na]me ::error::x.txt"


@pytest.fixture(scope="module")
def hostile_result(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    """Two files repeating the hostile paragraph (so it reaches cluster tables), one of them
    with a hostile file name, and a CNN-attributed line so the Mermaid chart is drawn."""
    root = tmp_path_factory.mktemp("hostile")
    body = HOSTILE.replace("\n", " ")
    cue = 'Talks went on late into the night, CNN reports, citing "]) --> x officials.'
    (root / "a.txt").write_text(f"{body}\n\n{cue}\n", encoding="utf-8")
    (root / HOSTILE_NAME).write_text(f"{body}\n\n{cue}\n", encoding="utf-8")
    return run_audit([str(root)], Config())


def _assert_no_workflow_command(rendered: str) -> None:
    for line in rendered.splitlines():
        assert not line.lstrip().startswith("::"), line
        assert "##[" not in line, line


def test_markdown_is_inert(hostile_result: AuditResult) -> None:
    report = markdown.render(hostile_result)
    assert hostile_result.clusters, "the hostile paragraph must reach the cluster table"
    for bad in ("<script", "<!--", "\x1b", "\u202e", "$\\color"):
        assert bad not in report
    _assert_no_workflow_command(report)
    assert not re.search(r"(?<!\\)\]\(", report)
    rows = [line for line in report.splitlines() if line.startswith("| C0001")]
    assert len(rows) == 1
    assert len(re.findall(r"(?<!\\)\|", rows[0])) == 7  # 6 cells: 7 unescaped pipes
    # the only code fences are the report's own Mermaid block, opened and closed once
    fences = [line for line in report.splitlines() if "```" in line]
    assert fences in (["```mermaid", "```"], [])


def test_mermaid_block_has_only_nodes_and_edges(hostile_result: AuditResult) -> None:
    report = markdown.render(hostile_result)
    if "```mermaid" not in report:
        pytest.skip("no provenance chart drawn")
    block = report.split("```mermaid\n", 1)[1].split("\n```", 1)[0].splitlines()
    assert block[0] == "flowchart LR"
    for line in block[1:]:
        assert re.fullmatch(r'    \w+\["[^"\n`<>]*"\]|    \w+ --> \w+', line), line


def test_terminal_summary_is_inert(hostile_result: AuditResult) -> None:
    rendered = text.render(hostile_result)
    assert "\x1b" not in rendered and "\u202e" not in rendered
    _assert_no_workflow_command(rendered)


def test_json_keeps_exact_text_and_round_trips(hostile_result: AuditResult) -> None:
    rendered = json_render.render(hostile_result)
    data = json.loads(rendered)
    assert data == json.loads(json.dumps(json_render.to_data(hostile_result)))
    texts = {p["text"] for f in data["files"] for p in f["paragraphs"]}
    assert HOSTILE.replace("\n", " ") in texts  # JSON is exact: nothing escaped away
    assert HOSTILE_NAME in {Path(f["file"]).name for f in data["files"]}


def test_github_annotations_are_inert(hostile_result: AuditResult) -> None:
    github = pytest.importorskip("dedupe_audit.render.github")
    rendered = github.render(hostile_result, listing(collect(hostile_result), None))
    lines = rendered.splitlines()
    assert lines, "the duplicate must produce annotations"
    for line in lines:
        # one command per line, its own: data after the second '::' cannot start another
        assert re.match(r"::(error|warning|notice) [^\n]*?::", line), line
        props = line.split("::", 2)[1]
        assert "\n" not in props and "\r" not in props
    assert "\x1b" not in rendered
    assert "##[" not in rendered


def test_sarif_is_inert(hostile_result: AuditResult) -> None:
    sarif = pytest.importorskip("dedupe_audit.render.sarif")
    log = json.loads(sarif.render(hostile_result, listing(collect(hostile_result), None)))
    messages = [r["message"]["text"] for run in log["runs"] for r in run["results"]]
    assert messages
    assert not any("\x1b" in m or "\u202e" in m for m in messages)
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for run in log["runs"] for r in run["results"] for loc in r["locations"]]
    assert all(" " not in u and "`" not in u and "|" not in u for u in uris)


def test_junit_is_well_formed_and_inert(hostile_result: AuditResult) -> None:
    junit = pytest.importorskip("dedupe_audit.render.junit")
    rendered = junit.render(hostile_result, listing(collect(hostile_result), None))
    root = ET.fromstring(rendered.split("\n", 1)[1])  # parses: nothing broke out of an attribute
    assert root.tag == "testsuites"
    assert "<script" not in rendered and "\x1b" not in rendered


# --------------------------------------------------------------------------- rules


def _write(path: Path, body: str) -> str:
    path.write_text(body, encoding="utf-8")
    return str(path)


def test_redos_boilerplate_rule_times_out_and_is_reported(tmp_path: Path) -> None:
    rules = _write(tmp_path / "rules.toml", '[[rule]]\nname = "evil"\npattern = "(a|aa)+$"\n\n'
                   '[[rule]]\nname = "nested"\npattern = "(a+)+$"\n')
    doc = tmp_path / "doc.txt"
    doc.write_text("\n".join(["a" * 40 + "!"] * 5 + ["A normal closing line of text."]) + "\n")
    started = time.perf_counter()
    result = run_audit([str(doc)], Config(boilerplate_rules=(rules,)))
    elapsed = time.perf_counter() - started
    assert elapsed < 10, elapsed
    # the run returns its own timeouts: the rule's, each on the 41-char line, the last one disabling it
    assert [(t.rule, t.chars) for t in result.stats.rule_timeouts] == [("evil", 41)] * saferegex.MAX_TIMEOUTS
    assert [t.disabled for t in result.stats.rule_timeouts][-1]
    # the run reports its own timeouts: only "evil" ((a+)+$ needs no budget under `regex`),
    # MAX_TIMEOUTS times, then switched off
    assert len(result.warnings) == 1, result.warnings
    assert "rule 'evil'" in result.warnings[0]
    assert f"timed out {saferegex.MAX_TIMEOUTS} time(s)" in result.warnings[0]
    assert "switched off" in result.warnings[0]
    assert result.documents[0].paragraphs[-1].text == "A normal closing line of text."


def test_redos_era_and_cue_patterns_finish_fast(tmp_path: Path) -> None:
    eras = _write(tmp_path / "eras.toml", '[offices.king]\nlabel = "King"\ntitles = ["King"]\n\n'
                  '[[facts]]\nid = "slow"\noffice = "king"\nholder = "A"\nstart = "2000-01-01"\n'
                  'phrases = ["(a|aa)+$"]\n')
    registry = load_eras([eras])
    started = time.perf_counter()
    with saferegex.collecting_timeouts() as timeouts:
        for _ in range(5):
            find_mentions("a" * 40 + "!", registry)
    assert time.perf_counter() - started < 10
    assert timeouts.events
    cues = _write(tmp_path / "cues.toml", '[[cue]]\nname = "slow"\nkind = "own"\npattern = "(x|xx)+y"\n')
    cue_set = load_cues(load_registry(), (cues,))
    slow = next(rule for rule in cue_set.rules if rule.name == "slow")
    started = time.perf_counter()
    assert list(slow.pattern.finditer("x" * 40)) == []
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[rule]]\nname = "ok"\npattern = "x"\n\n[[rule]]\nname = "bad"\npattern = "(unclosed"\n',
         r"rules\.toml:6: rule 'bad': bad pattern: bad regex '\(unclosed'"),
        ('[[rule]]\nname = "all"\npattern = ".*"\n',
         r"rules\.toml:2: rule 'all': .*matches the empty string"),
        ("[[rule]]\nname = 'x'\npattern = 3\n", r"rules\.toml:2: rule 'x': 'pattern' must be a string"),
        ("[[rule\n", r"rules\.toml: not valid TOML"),
    ],
)
def test_bad_boilerplate_rules_name_file_line_and_problem(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path / "rules.toml", body)
    with pytest.raises(RuleError, match=message):
        load_rules((path,))


def test_bad_cue_era_and_date_files_name_file_line_and_problem(tmp_path: Path) -> None:
    cues = _write(tmp_path / "cues.toml", '\n[[cue]]\nname = "broken"\nkind = "own"\npattern = "a[b"\n')
    with pytest.raises(CueError, match=r"cues\.toml:3: cue 'broken': bad pattern"):
        load_cues(load_registry(), (cues,))
    eras = _write(tmp_path / "eras.toml", '[offices.k]\nlabel = "K"\ntitles = ["K"]\n\n[[facts]]\n'
                  'id = "f1"\noffice = "k"\nholder = "A"\nstart = "2000-01-01"\nnames = ["(?P<x"]\n')
    with pytest.raises(EraDataError, match=r"eras\.toml:6: entry 'f1': bad regex"):
        load_eras([eras])
    dates = _write(tmp_path / "dates.toml", '[months]\n1 = ["jan"]\n[stamp_cues]\npublished = ["p"]\n'
                   'updated = ["u"]\n[[relative]]\nid = "r1"\npattern = "today"\nunit = "fortnight"\n'
                   "offset = 0\n")
    with pytest.raises(TimeLanguageError, match=r"dates\.toml:7: entry 'r1': unit must be"):
        time_language(dates)
    for error in (CueError, EraDataError, TimeLanguageError):
        assert issubclass(error, RuleError)  # the CLI reports any of them as a usage error


# --------------------------------------------------------------------------- files


def test_file_vanishing_between_listing_and_reading_is_reported(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"text of {name}\n")
    items = iter_inputs([str(tmp_path)], Config())
    first = next(items)
    (tmp_path / "b.txt").unlink()
    rest = list(items)
    assert isinstance(first, Document)
    assert Skipped(str(tmp_path / "b.txt"), "vanished: deleted after it was listed") in rest
    assert isinstance(rest[-1], Document) and rest[-1].path.endswith("c.txt")


def test_symlink_loop_and_unreadable_are_skipped(tmp_path: Path) -> None:
    os.symlink("loop2.txt", tmp_path / "loop1.txt")
    os.symlink("loop1.txt", tmp_path / "loop2.txt")
    (tmp_path / "ok.txt").write_text("fine\n")
    items = list(iter_inputs([str(tmp_path)], Config()))
    reasons = {Path(i.path).name: i.reason for i in items if isinstance(i, Skipped)}
    assert reasons == {"loop1.txt": "symlink loop", "loop2.txt": "symlink loop"}


@pytest.mark.parametrize(
    ("codec", "prefix", "name"),
    [("cp1251", b"", "cp1251"), ("latin-1", b"", None), ("utf-16-le", b"\xff\xfe", "utf-16")],
)
def test_misencoded_text_is_decoded_and_flagged_in_the_report(
    tmp_path: Path, codec: str, prefix: bytes, name: str | None
) -> None:
    words = {"cp1251": "Київ заявив, що переговори тривають і міністр повідомив.",
             "latin-1": "Café au lait, crème brûlée et façade à Zürich, déjà vu.",
             "utf-16-le": "Текст у UTF-16 з позначкою порядку байтів."}[codec]
    (tmp_path / "doc.txt").write_bytes(prefix + words.encode(codec))
    result = run_audit([str(tmp_path)], Config())
    (report,) = result.documents
    assert report.paragraphs[0].text == words
    if name:
        assert report.meta.encoding == name
    if codec != "utf-16-le":
        assert report.meta.encoding_fallback
        assert f"decoded as {report.meta.encoding}" in markdown.render(result)


def test_binary_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_bytes(os.urandom(4096).replace(b"", b"") + b"\x00" * 10)
    (item,) = iter_inputs([str(tmp_path / "x.txt")], Config())
    assert isinstance(item, Skipped) and item.reason.startswith("binary")


_MEMORY_PROBE = """
import resource, sys
from dedupe_audit.ci.findings import collect
from dedupe_audit.ci.gate import listing
from dedupe_audit.config import Config
from dedupe_audit.ingest.inputs import iter_inputs
config = Config(max_file_bytes=int(sys.argv[2]), split_large_text=sys.argv[3] == "1")
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
parts = chars = 0
for item in iter_inputs([sys.argv[1]], config):
    parts += 1
    chars += len(getattr(item, "text", ""))
    last = item
del item
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(parts, chars, (peak - base) // 1024, getattr(last, "reason", ""))
"""


def _probe(path: Path, limit: int, split: bool) -> tuple[int, int, int, str]:
    done = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, str(path), str(limit), "1" if split else "0"],
                          capture_output=True, text=True, timeout=120, check=True)
    fields = done.stdout.strip().split(" ", 3)
    reason = fields[3] if len(fields) > 3 else ""
    return int(fields[0]), int(fields[1]), int(fields[2]), reason


def test_huge_single_line_file_in_bounded_memory(tmp_path: Path) -> None:
    """60 MB on one line, max_file_bytes 8 MB: skipped unread by default; with
    split_large_text it is audited in parts, and memory grows by a few parts, not the file."""
    path = tmp_path / "huge.txt"
    word = b"lorem ipsum dolor sit amet "
    with open(path, "wb") as handle:
        for _ in range(60):
            handle.write(word * (1_000_000 // len(word)) + b"x" * (1_000_000 % len(word)))
    size = path.stat().st_size
    parts, chars, grown, reason = _probe(path, 8_000_000, split=False)
    assert (parts, chars) == (1, 0) and reason.startswith(f"too large: {size} bytes")
    assert grown < 40
    parts, chars, grown, _ = _probe(path, 8_000_000, split=True)
    assert parts >= 8 and chars == size  # every byte audited, spread over parts
    assert grown < 120, f"grew by {grown} MB"


def test_parts_cover_the_file_and_are_windowed(tmp_path: Path) -> None:
    line = " ".join(f"Sentence number {i} is here." for i in range(4000))
    path = tmp_path / "one-line.txt"
    path.write_text(line, encoding="utf-8")
    config = Config(max_file_bytes=30_000, split_large_text=True, max_paragraph_chars=2_000)
    docs = [d for d in iter_inputs([str(path)], config) if isinstance(d, Document)]
    assert [d.path for d in docs][:2] == [f"{path}@part1", f"{path}@part2"]
    assert "".join(d.text for d in docs).split() == line.split()  # no word lost or split
    result = run_audit([str(path)], config)
    for report in result.documents:
        assert all(len(p.text) <= 2_000 for p in report.paragraphs)


def test_many_tiny_lines_are_fast(tmp_path: Path) -> None:
    """200k short lines: ingest and segment only."""
    from dedupe_audit.segment.paragraphs import segment

    path = tmp_path / "lines.txt"
    path.write_text("".join(f"l{i}\n" for i in range(200_000)))
    started = time.perf_counter()
    (doc,) = iter_inputs([str(path)], Config())
    assert isinstance(doc, Document)
    seg = segment(doc, Config())
    assert len(seg.paragraphs) == 200_000
    assert time.perf_counter() - started < 20


def test_rule_timeouts_belong_to_the_run_that_met_them() -> None:
    """Two collectors, one inside the other: each sees only the timeouts met while it was the
    current one, and a match outside any run is logged but collected by none."""
    slow = saferegex.SafePattern("(a|aa)+$", rule="slow", source="user.toml", timeout=0.01)
    hostile = "a" * 40 + "!"
    assert slow.search(hostile) is None  # outside a run: nothing to collect it
    with saferegex.collecting_timeouts() as outer:
        with saferegex.collecting_timeouts() as inner:
            slow.search(hostile)
        slow.search(hostile)  # the third timeout switches the rule off
    assert [t.chars for t in inner.events] == [41]
    assert [(t.rule, t.disabled) for t in outer.events] == [("slow", True)]
    with saferegex.collecting_timeouts() as later:
        assert slow.search(hostile) is None  # switched off: no more budgets spent
    assert later.events == ()


def test_run_returns_its_stage_timings(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("One paragraph of ordinary text here.\n\nAnother paragraph of text follows it.\n")
    result = run_audit([str(doc)], Config())
    stages = dict(result.stats.stage_seconds)
    assert {"ingest", "segment", "detect duplicates", "staleness", "summary"} <= set(stages)
    assert all(seconds >= 0 for seconds in stages.values())
    assert "clusters" in dict(result.stats.detection_seconds)
    assert result.stats.rule_timeouts == ()
