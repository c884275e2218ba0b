"""HTML pages are extracted in worker processes: same items, same order, and a worker that
dies costs only the page it died on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_archives import warc_bytes

from dedupe_audit.config import Config
from dedupe_audit.ingest import html_text
from dedupe_audit.ingest.inputs import iter_inputs
from dedupe_audit.model import Document, DocumentMeta, Skipped
from dedupe_audit.runtime.parallel import map_offloaded

PAGE = ("<html lang='en'><head><title>Page {n}</title><meta name='date' content='2024-03-{day:02d}'>"
        "</head><body><article><h1>Page {n}</h1><p>Paragraph {n} of the parallel ingest test, "
        "long enough to be kept as body text by the extractor.</p><p>{extra}</p></article></body></html>")


def page(n: int) -> bytes:
    return PAGE.format(n=n, day=n % 28 + 1, extra="Second paragraph " * (n % 5 + 3)).encode()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """HTML pages (well past ingest.HTML_INLINE), a sidecar, a text file, bad inputs, a WARC."""
    for n in range(14):
        (tmp_path / f"p{n:02d}.html").write_bytes(page(n))
    (tmp_path / "p03.html.meta.json").write_text(json.dumps({"url": "https://example.org/three"}))
    (tmp_path / "p05.html.meta.json").write_text("{not json")
    (tmp_path / "note.txt").write_text("A plain text page between the HTML ones.\n")
    (tmp_path / "binary.html").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.html").write_bytes(b"")
    records = [(f"https://news.example/{n}", f"2024-05-0{n % 9 + 1}T10:00:00Z", "text/html",
                page(100 + n), "200 OK") for n in range(6)]
    (tmp_path / "crawl.warc.gz").write_bytes(warc_bytes(records))
    return tmp_path


def read(folder: Path, jobs: int) -> list[Document | Skipped]:
    return list(iter_inputs([str(folder)], Config(jobs=jobs)))


def test_workers_give_the_same_items_in_the_same_order(folder: Path) -> None:
    alone, pooled = read(folder, 1), read(folder, 2)
    assert pooled == alone
    documents = [i for i in alone if isinstance(i, Document)]
    assert len(documents) == 14 + 1 + 6
    by_path = {d.path: d for d in documents}
    assert by_path[f"{folder}/p03.html"].meta.url == "https://example.org/three"  # sidecar applied
    crawled = [d.meta.url for d in documents if "crawl.warc.gz#" in d.path]  # crawl records applied
    assert crawled == [f"https://news.example/{n}" for n in range(6)]
    reasons = {i.path: i.reason for i in alone if isinstance(i, Skipped)}
    assert reasons[f"{folder}/p05.html.meta.json"].startswith("sidecar ignored, bad JSON")
    assert reasons[f"{folder}/binary.html"].startswith("binary file")
    assert reasons[f"{folder}/empty.html"] == "empty file"


def _dies_on_seven(n: int) -> int:
    if n == 7:
        os._exit(3)  # what a segfault in a C parser looks like from the parent
    return n * n


def test_a_worker_that_dies_costs_only_its_item() -> None:
    results = list(map_offloaded(_dies_on_seven, range(20), 2, offload=lambda n: n % 2 == 1,
                                 on_crash=lambda n: -n, inline_first=1))
    assert results == [-n if n == 7 else n * n for n in range(20)]


def test_inline_when_one_job_or_few_costly_items() -> None:
    parent = os.getpid()
    seen = list(map_offloaded(lambda _: os.getpid(), range(5), 2, offload=lambda n: n < 2,
                              on_crash=lambda n: -1, inline_first=2))
    assert seen == [parent] * 5  # two costly items, both inline: no pool, nothing pickled
    assert list(map_offloaded(lambda _: os.getpid(), range(3), 1, offload=lambda n: True,
                              on_crash=lambda n: -1)) == [parent] * 3


def test_a_page_that_kills_its_reader_is_skipped_with_the_reason(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTML parser (C code) dies on one page in a worker, as a segfault would."""
    import trafilatura

    real = trafilatura.load_html

    def load_html(html: str | bytes, *args: object, **kwargs: object) -> object:
        text = html if isinstance(html, str) else bytes(html).decode("utf-8", "replace")
        if "<title>Page 9</title>" in text and os.getpid() != parent:
            os._exit(11)
        return real(html, *args, **kwargs)

    parent = os.getpid()
    monkeypatch.setattr(trafilatura, "load_html", load_html)  # forked workers see it too
    pooled = read(folder, 2)
    monkeypatch.setattr(trafilatura, "load_html", real)
    alone = read(folder, 1)
    crashed = [i for i in pooled if i.path.endswith("p09.html")]
    assert len(crashed) == 1 and isinstance(crashed[0], Skipped)
    assert "reader process died" in crashed[0].reason
    assert [i for i in pooled if not i.path.endswith("p09.html")] == \
        [i for i in alone if not i.path.endswith("p09.html")]


# --------------------------------------------------------------------------- one extraction when enough

ARTICLE = " ".join(f"Sentence {n} of the article reports what the council decided." for n in range(40))


def _items(texts: list[str]) -> str:
    return "".join(f"<li>{text}</li>" for text in texts)


SHAPES = {
    "article with menus": (f"<nav><ul>{_items([f'<a href=/s{n}>Section</a>' for n in range(60)])}</ul></nav>"
                           f"<article><h1>Budget</h1><p>{ARTICLE}</p></article>"
                           "<script>var a = 'many words in a script that no extraction keeps';</script>"),
    "short story among long lists": "<article><p>Short item.</p></article>" + "".join(
        f"<div class=related><ul>{_items([f'Related story {n} {m} headline' for m in range(15)])}</ul></div>"
        for n in range(8)),
    "text in divs only": "".join(f"<div>{ARTICLE[: 200 + 37 * n]}</div>" for n in range(12)),
    "table and noscript": (f"<noscript>Enable JavaScript to read this site.</noscript><main><p>{ARTICLE}</p>"
                           "<table><tr><td>cell one</td><td>cell two</td></tr></table></main>"),
    "lists are the content": f"<ol>{_items([f'Step {n}: {ARTICLE[:90]}' for n in range(20)])}</ol>",
}


def _extracted(tree: object, *, favor_precision: bool) -> str:
    """trafilatura's text of the page as ingest asks for it, one paragraph a line."""
    import trafilatura

    text = trafilatura.extract(tree, output_format="txt", include_comments=False, include_tables=False,
                               favor_precision=favor_precision, with_metadata=False) or ""
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _both_passes(tree: object) -> str:
    """The rule as it reads, both extractions always run."""
    precise = _extracted(tree, favor_precision=True)
    balanced = _extracted(tree, favor_precision=False)
    if precise and len(precise.split()) >= html_text.PRECISION_MIN_SHARE * len(balanced.split()):
        return precise
    return balanced


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_balanced_pass_is_skipped_only_when_it_cannot_change_the_text(shape: str) -> None:
    import trafilatura

    html = f"<html><head><title>T</title></head><body>{SHAPES[shape]}</body></html>"
    expected = _both_passes(trafilatura.load_html(html))
    assert expected  # every shape has text an extraction keeps: from_html's fallback plays no part
    assert html_text.from_html(html, DocumentMeta())[0] == expected


def test_reports_are_the_same_with_worker_processes(folder: Path,
                                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    """The whole audit of HTML pages (a paragraph copied across them) in one process and in two."""
    from click.testing import CliRunner

    from dedupe_audit.cli import main

    shared = "A paragraph copied from one page to the next, long enough to be audited as body text."
    for n in range(6):
        lead = f"Own lead {n} of this page about budget item {n * 7}."
        (folder / f"copy{n}.html").write_text(
            f"<html><body><article><p>{lead}</p><p>{shared}</p></article></body></html>")
    out = tmp_path_factory.mktemp("reports")  # not inside the audited folder
    reports = []
    for jobs in (1, 2):
        json_path, md_path = out / f"a{jobs}.json", out / f"a{jobs}.md"
        args = ["audit", str(folder), "--no-config", "-q", "--jobs", str(jobs),
                "-f", "json", "-o", str(json_path), "-f", "markdown", "-o", str(md_path)]
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        reports.append((json_path.read_bytes(), md_path.read_bytes()))
    assert reports[0] == reports[1]
    clusters = json.loads(reports[0][0])["clusters"]
    assert any(len(c["members"]) >= 6 for c in clusters)  # the copied paragraph, found on every page
