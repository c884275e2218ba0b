"""Lone surrogates in any field of any input reach no report as a crash (issue 22, item 2).

They arrive as JSON escapes (``"\\ud800"`` in a JSONL record or a sidecar) and as file names
holding bytes that are not UTF-8 (Python names them with surrogates). Every output format, to a
file and to standard output, and the baseline must come out as valid UTF-8, with U+FFFD where
the surrogate was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedupe_audit.cli import main
from dedupe_audit.render import RENDERERS
from dedupe_audit.runtime.atomic import scrub, utf8

BODY = "lone surrogate in a scraped text field of a news page, repeated on two pages here"


def _corpus(root: Path) -> Path:
    """JSONL records with a surrogate in every field, a text file whose name is not UTF-8, a
    sidecar full of surrogates, HTML with surrogate character references and Markdown with
    encoded surrogates; the body repeats so clusters and findings exist."""
    root.mkdir()
    record = {"text": f"\ud800 {BODY} \udfff", "url": "https://example.org/\udc80page",
              "date": "2024-01-0\ud801", "site": "Site \udbff", "title": "Title \udc00"}
    line = json.dumps(record)  # ASCII with \\ud800 escapes, as a scraper writes them
    (root / "feed.jsonl").write_text(f"{line}\n{line}\n", encoding="ascii")
    odd = os.path.join(os.fsencode(root), b"caf\xff page.txt")
    with open(odd, "wb") as handle:
        handle.write(f"{BODY}\n\nAnother paragraph of this page, long enough to count.\n".encode())
    sidecar = os.path.join(os.fsencode(root), b"caf\xff page.txt.meta.json")
    with open(sidecar, "w", encoding="ascii") as handle:
        json.dump({"url": "https://x.example/\ud800", "title": "\udfff", "site": "\ud834",
                   "date": "\udc00"}, handle)
    html = ('<html><head><title>T &#xd800;</title><meta name="author" content="&#xdfff;"></head><body>'
            f"<article><p>{BODY} &#xd800; in HTML.</p><p>Second paragraph &#55296; of the page, long "
            "enough for the extractor to keep it.</p></article></body></html>")
    for name in ("a.html", "b.html"):  # character references to surrogates
        (root / name).write_text(html, encoding="ascii")
    # surrogate code points encoded as UTF-8 would encode them (CESU): not valid UTF-8
    (root / "notes.md").write_bytes(b"# Title \xed\xa0\x80\n\n" + BODY.encode() + b" \xed\xbf\xbf end.\n")
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("surrogates") / "corpus")


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_format_is_valid_utf8_to_a_file_and_to_stdout(corpus: Path, tmp_path: Path, fmt: str) -> None:
    report = tmp_path / f"report.{fmt}"
    result = CliRunner().invoke(main, ["check", str(corpus), "-q", "--no-config", "-f", fmt,
                                       "-o", str(report)])
    assert result.exit_code == 1, result.output  # the gate fails on the duplicate; no traceback
    assert result.exception is None or isinstance(result.exception, SystemExit)
    written = report.read_bytes().decode("utf-8")  # strict: raises on anything not UTF-8
    if fmt in ("json", "markdown", "github"):  # the formats that quote texts and names as they are
        assert "\ufffd" in written
    if fmt in ("json", "sarif"):
        json.loads(written)
    printed = CliRunner().invoke(main, ["check", str(corpus), "-q", "--no-config", "-f", fmt, "-o", "-"])
    assert printed.exit_code == 1, printed.output
    printed.stdout_bytes.decode("utf-8")


def test_audit_summary_and_baseline_survive_surrogates(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    audit = runner.invoke(main, ["audit", str(corpus), "--no-config", "-f", "json",
                                 "-o", str(tmp_path / "a.json")])
    assert audit.exit_code == 0, audit.output
    audit.stdout_bytes.decode("utf-8")
    baseline = tmp_path / "baseline.json"
    created = runner.invoke(main, ["baseline", "create", str(corpus), "-q", "--no-config",
                                   "-o", str(baseline)])
    assert created.exit_code == 0, created.output
    entries = json.loads(baseline.read_bytes().decode("utf-8"))["findings"]
    assert entries
    # the accepted findings are recognised again: the gate passes against its own baseline
    checked = runner.invoke(main, ["check", str(corpus), "-q", "--no-config", "--baseline", str(baseline)])
    assert checked.exit_code == 0, checked.output


def test_replacement_is_per_surrogate_and_leaves_other_text_alone() -> None:
    assert utf8("a\ud800\udfffb — ї") == "a\ufffd\ufffdb — ї".encode()
    assert scrub("x\udc80y") == "x\ufffdy"
    assert utf8("plain текст") == "plain текст".encode()


def test_github_file_property_carries_no_escape_or_bidi_character(tmp_path: Path) -> None:
    """Item 7: a file name holding ESC [31m or U+202E reached ``file=`` raw."""
    root = tmp_path / "corpus"
    root.mkdir()
    page = f"{BODY}\n\nA second paragraph of the page, long enough to be counted here.\n"
    for name in ("red\x1b[31mname.txt", "evil\u202etxt.exe.txt", "plain.txt"):
        (root / name).write_text(page, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root), "-q", "--no-config", "-f", "github", "-o", "-"])
    assert result.exit_code == 1, result.output
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations
    for line in annotations:
        assert "\x1b" not in line and "\u202e" not in line, line
    named = [line.split("file=")[1].split(",line=")[0] for line in annotations]
    assert all(name.endswith((".txt", "%2Ctxt.exe.txt")) for name in named), named
    assert any("\ufffd" in name for name in named), named  # the hostile name, made visible
