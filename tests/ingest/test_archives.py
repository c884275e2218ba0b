"""Archives are read as folders of documents, in memory, within limits; bad ones are skipped."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from dedupe_audit.config import Config
from dedupe_audit.ingest.inputs import iter_inputs
from dedupe_audit.model import Document, Skipped

PAGE = "<html><head><title>T</title></head><body><article><p>{}</p></article></body></html>"
TEXT = "A paragraph long enough to be audited, written for the archive tests."


def run(*paths: str, **fields: object) -> list[Document | Skipped]:
    return list(iter_inputs(list(paths), Config(**fields)))  # type: ignore[arg-type]


def docs(items: list[Document | Skipped]) -> dict[str, Document]:
    return {i.path: i for i in items if isinstance(i, Document)}


def skips(items: list[Document | Skipped]) -> dict[str, str]:
    return {i.path: i.reason for i in items if isinstance(i, Skipped)}


def tar_bytes(members: dict[str, bytes], mode: str = "w:gz", links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)  # S_IFLNK
            archive.writestr(info, target)
    return buffer.getvalue()


@pytest.fixture()
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_zip_members_are_documents_with_bang_paths(here: Path) -> None:
    data = zip_bytes({
        "inner/page.html": PAGE.format(TEXT).encode(),
        "notes.txt": b"plain notes\n",
        "feed.jsonl": b'{"text": "one"}\n{"text": "two"}\n',
        "pic.png": b"\x89PNG\r\n",  # unsupported: ignored, as in a folder
        ".hidden.txt": b"dot file",  # hidden: ignored, as in a folder
    })
    (here / "a.zip").write_bytes(data)
    items = run("a.zip")
    assert list(docs(items)) == ["a.zip!inner/page.html", "a.zip!notes.txt", "a.zip!feed.jsonl#1",
                                 "a.zip!feed.jsonl#2"]
    assert docs(items)["a.zip!inner/page.html"].text == TEXT
    assert docs(items)["a.zip!inner/page.html"].meta.source_format == "html"
    assert not skips(items)


def test_member_names_and_links_never_lead_outside(here: Path) -> None:
    (here / "evil.zip").write_bytes(
        zip_bytes({"../../escape.txt": b"x", "/etc/abs.txt": b"y", "ok.txt": b"fine"},
                  links={"link.txt": "/etc/passwd"})
    )
    (here / "evil.tar").write_bytes(
        tar_bytes({"../up.txt": b"x", "ok.txt": b"fine"}, mode="w", links={"l.txt": "../../etc/passwd"})
    )
    before = sorted(p.name for p in here.parent.iterdir())
    items = run("evil.zip", "evil.tar")
    assert sorted(p.name for p in here.parent.iterdir()) == before  # nothing extracted anywhere
    assert sorted(p.name for p in here.iterdir()) == ["evil.tar", "evil.zip"]
    reasons = skips(items)
    assert reasons["evil.zip!../../escape.txt"].startswith("unsafe member name ('..'")
    assert reasons["evil.zip!/etc/abs.txt"].startswith("unsafe member name (absolute")
    assert reasons["evil.zip!link.txt"] == "symbolic link member: not followed"
    assert reasons["evil.tar!../up.txt"].startswith("unsafe member name ('..'")
    assert reasons["evil.tar!l.txt"].startswith("link member")
    assert set(docs(items)) == {"evil.zip!ok.txt", "evil.tar!ok.txt"}


def test_tar_gz_tgz_gz_and_nesting(here: Path) -> None:
    inner = tar_bytes({"deep/n.txt": b"nested text\n"})
    (here / "outer.zip").write_bytes(zip_bytes({"in.tgz": inner, "x.txt.gz": gzip.compress(b"gz in zip\n")}))
    (here / "b.tar.gz").write_bytes(tar_bytes({"b.md": b"# bee\n"}))
    (here / "c.txt.gz").write_bytes(gzip.compress(b"single gzip\n"))
    items = run(".")
    assert docs(items).keys() == {"b.tar.gz!b.md", "c.txt.gz", "outer.zip!in.tgz!deep/n.txt",
                                  "outer.zip!x.txt.gz"}
    assert docs(items)["c.txt.gz"].text == "single gzip\n"
    deep = zip_bytes({"l2.zip": zip_bytes({"l3.zip": zip_bytes({"z.txt": b"too deep"})})})
    (here / "deep.zip").write_bytes(deep)
    reasons = skips(run("deep.zip", max_archive_depth=2))
    assert reasons == {"deep.zip!l2.zip!l3.zip": "nested archive deeper than max_archive_depth 2: not read"}


def test_zip_bomb_is_refused_not_expanded(here: Path) -> None:
    """30 MB of zeros per member compress to ~30 KB; the budget stops reading, fast."""
    bomb = zip_bytes({f"z{i}.txt": b"0" * 30_000_000 for i in range(4)})
    assert len(bomb) < 200_000
    (here / "bomb.zip").write_bytes(bomb)
    started = time.perf_counter()
    items = run("bomb.zip", max_archive_bytes=40_000_000)
    assert time.perf_counter() - started < 5
    assert skips(items)["bomb.zip"].startswith("refused: more than 40000000 bytes decompressed")
    assert len(docs(items)) == 1  # the first member fitted the budget and was read
    # a member larger than max_file_bytes is skipped alone, declared sizes are not trusted
    reasons = skips(run("bomb.zip", max_file_bytes=1_000_000))
    assert reasons["bomb.zip!z0.txt"].startswith("too large: more than 1000000 bytes")


def test_member_count_limit(here: Path) -> None:
    (here / "many.zip").write_bytes(zip_bytes({f"f{i}.txt": b"t" for i in range(20)}))
    reason = skips(run("many.zip", max_archive_members=5))["many.zip"]
    assert reason.startswith("refused: declares 20 members")
    (here / "many.tar").write_bytes(tar_bytes({f"f{i:02}.txt": b"t" for i in range(20)}, mode="w"))
    items = run("many.tar", max_archive_members=5)
    assert len(docs(items)) == 5
    assert skips(items)["many.tar"].startswith("refused: more than 5 members")


def test_corrupt_and_truncated_archives_keep_what_was_readable(here: Path) -> None:
    members = {f"f{i}.txt": os.urandom(3000).hex().encode() for i in range(6)}
    full = tar_bytes(members)
    (here / "cut.tar.gz").write_bytes(full[: len(full) * 2 // 3])
    (here / "junk.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    (here / "junk.gz").write_bytes(gzip.compress(b"text")[:12])
    good = bytearray(zip_bytes({"a.txt": b"alpha " * 50, "b.txt": b"beta " * 50}))
    good[good.index(b"PK\x03\x04", 10) - 20] ^= 0xFF  # flip a byte of a.txt's compressed data
    (here / "crc.zip").write_bytes(bytes(good))
    items = run(".")
    reasons = skips(items)
    assert reasons["cut.tar.gz"].startswith("corrupt or truncated tar after")
    assert 1 <= sum(p.startswith("cut.tar.gz!") for p in docs(items)) < 6
    assert reasons["junk.zip"].startswith("corrupt zip")
    assert reasons["junk.gz"].startswith("corrupt or truncated gzip")
    assert reasons["crc.zip!a.txt"].startswith("unreadable member")
    assert "crc.zip!b.txt" in docs(items)


# --------------------------------------------------------------------------- WARC


def warc_bytes(records: list[tuple[str, str, str, bytes, str]], gz: bool = True) -> bytes:
    """(uri, date, content-type, body, status) response records, after a warcinfo record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
    for uri, date, ctype, body, status in records:
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers,
                                           warc_headers_dict={"WARC-Date": date})
        writer.write_record(record)
    return buffer.getvalue()


WARC_RECORDS = [
    ("https://www.example.com/news/one", "2024-05-06T10:00:00Z", "text/html; charset=utf-8",
     PAGE.format(TEXT).encode(), "200 OK"),
    ("https://cdn.example.com/logo.png", "2024-05-06T10:00:01Z", "image/png", b"\x89PNG", "200 OK"),
    ("https://www.example.com/missing", "2024-05-06T10:00:02Z", "text/html", b"<p>Not found</p>",
     "404 Not Found"),
    ("https://news.example.org/two", "2024-05-07T09:00:00Z", "text/html",
     PAGE.format("Second page of the crawl, with its own words.").encode(), "200 OK"),
]


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_warc_records_become_pages_with_crawl_metadata(here: Path, name: str) -> None:
    (here / name).write_bytes(warc_bytes(WARC_RECORDS, gz=name.endswith(".gz")))
    items = run(name)
    found = docs(items)
    assert list(found) == [f"{name}#2", f"{name}#5"]  # record 1 is warcinfo, 3 an image
    page = found[f"{name}#2"]
    assert page.text == TEXT
    assert (page.meta.url, page.meta.site) == ("https://www.example.com/news/one", "example.com")
    assert (page.meta.published, page.meta.published_source) == ("2024-05-06", "warc-date")
    assert skips(items) == {f"{name}#4": "HTTP status 404: not a page"}


def test_truncated_warc_keeps_earlier_records(here: Path) -> None:
    data = warc_bytes(WARC_RECORDS)
    (here / "cut.warc.gz").write_bytes(data[: len(data) - 200])
    items = run("cut.warc.gz")
    assert "cut.warc.gz#2" in docs(items)
    assert skips(items)["cut.warc.gz"].startswith("corrupt or truncated WARC after record")


def test_archives_in_a_folder_walk_and_filters(here: Path) -> None:
    (here / "d").mkdir()
    (here / "d" / "a.zip").write_bytes(zip_bytes({"x/keep.txt": b"keep", "x/drop.md": b"drop"}))
    items = run("d", exclude=("*.md",))
    assert list(docs(items)) == ["d/a.zip!x/keep.txt"]
