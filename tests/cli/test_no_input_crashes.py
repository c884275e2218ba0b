"""Property tests and a seeded fuzz run through the whole CLI: no input may crash the tool."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner
from helpers import document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe_audit.cli import main
from dedupe_audit.config import Config
from dedupe_audit.dedup.fingerprint import normalize
from dedupe_audit.pipeline import run_audit
from dedupe_audit.render import json as json_render
from dedupe_audit.segment.paragraphs import segment

TEXTS = st.lists(
    st.sampled_from(list("ab .!?\n\r\t\u00a0\u2028Я.Z0") + ["Mr. ", "word ", "\n\n", "Sentence. "]),
    max_size=150,
).map("".join)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(text=TEXTS, limit=st.integers(min_value=2, max_value=60))
def test_segment_spans_cover_text_in_order(text: str, limit: int) -> None:
    seg = segment(document(text), Config(max_paragraph_chars=limit, long_paragraph_words=3))
    lines = text.split("\n")
    previous_end = 0
    for index, para in enumerate(seg.paragraphs):
        assert para.index == index
        assert text[para.start : para.end] == para.text and para.text.strip() == para.text
        assert para.text and len(para.text) <= limit
        assert para.start >= previous_end  # in order, never overlapping
        previous_end = para.end
        assert 1 <= para.line <= para.end_line <= len(lines)
        assert para.line == text.count("\n", 0, para.start) + 1
        assert para.end_line == text.count("\n", 0, para.end) + 1
    covered = "".join(text[p.start : p.end] for p in seg.paragraphs)
    assert "".join(covered.split()) == "".join(text.split())  # only whitespace is left out
    for window in seg.windows:
        assert text[window.start : window.end] == window.text


@FAST
@given(text=st.text(max_size=200))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


PARAGRAPHS = [
    "The council approved the budget for the new school year after a long debate on Tuesday.",
    "Officials said the bridge would reopen next month once repairs to the deck were complete.",
    "Residents complained about the noise from the construction site near the river bank.",
    "The mayor thanked volunteers who cleaned the park over the weekend despite the rain.",
]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(5)), picks=st.lists(st.integers(0, 3), min_size=5, max_size=5))
def test_file_order_never_changes_cluster_fingerprints(tmp_path_factory, order, picks) -> None:
    root = tmp_path_factory.mktemp("perm")
    bodies = [f"{PARAGRAPHS[p]}\n\n{PARAGRAPHS[(p + 1) % 4]}\n" for p in picks]
    for rank, index in enumerate(order):  # names decide the order the files are read in
        (root / f"{rank}.txt").write_text(bodies[index])
    shuffled = {c.fingerprint: (c.kind, len(c.members)) for c in run_audit([str(root)], Config()).clusters}
    base = tmp_path_factory.mktemp("base")
    for index, body in enumerate(bodies):
        (base / f"{index}.txt").write_text(body)
    plain = {c.fingerprint: (c.kind, len(c.members)) for c in run_audit([str(base)], Config()).clusters}
    assert shuffled == plain


def test_json_output_round_trips(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("\n\n".join(PARAGRAPHS) + "\n\u0000\x1b[1m tricky \ud7ff line\n")
    (tmp_path / "b.txt").write_text(PARAGRAPHS[0] + "\n")
    result = run_audit([str(tmp_path)], Config())
    assert json.loads(json_render.render(result)) == json.loads(json.dumps(json_render.to_data(result)))


def _fuzz_file(rng: random.Random, kind: int) -> tuple[str, bytes]:
    """One of: random bytes, UTF-8 with control characters, HTML fragments, JSONL lines."""
    if kind == 0:
        suffix = rng.choice([".txt", ".html", ".jsonl", ".md", ".gz", ".zip", ".warc"])
        return suffix, rng.randbytes(rng.randint(0, 3000))
    if kind == 1:
        chars = [chr(rng.choice([rng.randint(0, 31), rng.randint(32, 0x2FF), rng.randint(0x400, 0x4FF),
                                 0x202E, 0x1B, 0xFEFF])) for _ in range(rng.randint(0, 800))]
        return ".txt", "".join(chars).encode("utf-8", "surrogatepass")
    if kind == 2:
        tags = ["<p>", "</p>", "<div>", "<script>", "</script>", "<!--", "-->", "<html>", "<meta charset=x>",
                "<a href='http://x'>", "&amp;", "&#0;", "<![CDATA[", "<body", ">", " words here "]
        return ".html", "".join(rng.choice(tags) for _ in range(rng.randint(0, 200))).encode()
    lines = []
    for _ in range(rng.randint(0, 20)):
        value = rng.choice(['{"text": "a b c d e f"}', '{"text": 5}', "[1]", "{", '{"text": "x\\u0000"}',
                            '{"text": "' + "y " * 50 + '", "date": 1e308}', '"str"', "", "\x00\x01"])
        lines.append(value)
    return ".jsonl", "\n".join(lines).encode()


def test_seeded_fuzz_through_the_cli(tmp_path: Path) -> None:
    """60 random corpora; the CLI must end 0 (audited) or 2 (nothing readable), never a traceback."""
    rng = random.Random(20250425)
    runner = CliRunner()
    for round_ in range(60):
        root = tmp_path / f"r{round_}"
        root.mkdir()
        for number in range(rng.randint(1, 4)):
            suffix, data = _fuzz_file(rng, rng.randrange(4))
            (root / f"f{number}{suffix}").write_bytes(data)
        out = tmp_path / f"r{round_}.md"
        result = runner.invoke(main, ["audit", str(root), "-q", "-o", str(out)])
        assert result.exit_code in (0, 2), (round_, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            round_, repr(result.exception))
