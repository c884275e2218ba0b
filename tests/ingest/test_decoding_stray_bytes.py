"""Decoding that keeps a UTF-8 page UTF-8 despite a stray byte, and binary reasons that say
where (issue 22, items 6 and 9)."""

from __future__ import annotations

from pathlib import Path

from dedupe_audit.config import Config
from dedupe_audit.ingest.decoding import decode
from dedupe_audit.ingest.inputs import iter_inputs
from dedupe_audit.model import Skipped
from dedupe_audit.pipeline import run_audit
from dedupe_audit.render import markdown

UK = [
    "Уряд оголосив нову програму підтримки малого бізнесу в прикордонних громадах області.",
    "Міністр фінансів пояснив, що кошти розподілятимуть через місцеві банки протягом року.",
    "Підприємці зможуть подати заявки онлайн, а перші виплати очікують уже наступного місяця.",
]
RU = "Правительство объявило новую программу поддержки малого бизнеса в приграничных районах."


def _page_with_stray_byte(tmp_path: Path) -> tuple[Path, int]:
    head = "Новини".encode()
    body = " регіону\n\n".encode() + "\n\n".join(UK).encode() + b"\n"
    (tmp_path / "main.txt").write_bytes(head + b"\xff" + body)  # the stray byte is in the heading
    return tmp_path / "main.txt", len(head)


def test_a_stray_byte_keeps_a_ukrainian_utf8_page_utf8_and_its_copies_clustered(tmp_path: Path) -> None:
    page, offset = _page_with_stray_byte(tmp_path)
    for n, paragraph in enumerate(UK):
        (tmp_path / f"copy{n}.txt").write_text(f"Інший сайт\n\n{paragraph}\n", encoding="utf-8")
    result = run_audit([str(tmp_path)], Config())
    main = next(report for report in result.documents if report.path.endswith("main.txt"))
    assert main.meta.encoding == f"utf-8 (1 invalid byte(s) replaced, first at byte {offset})"
    assert main.meta.encoding_fallback  # flagged in the report
    assert [p.text for p in main.paragraphs[1:]] == UK  # no mojibake
    assert f"decoded as {main.meta.encoding}" in markdown.render(result)
    exact = [c for c in result.clusters if c.kind == "exact"]
    joined = [{result.documents[m.ref.doc].path.rsplit("/", 1)[-1] for m in c.members} for c in exact]
    for n in range(3):
        assert {"main.txt", f"copy{n}.txt"} in joined


def test_russian_utf8_with_two_stray_bytes_is_replaced_not_guessed() -> None:
    data = RU.encode()[:20] + b"\xfe" + RU.encode()[20:] + b"\x80"
    decoded = decode(data)
    assert decoded is not None and decoded.encoding.startswith("utf-8 (2 invalid byte(s) replaced")
    assert decoded.text.replace("\ufffd", "") == RU


def test_legacy_code_pages_are_still_detected_not_read_as_broken_utf8() -> None:
    """Negatives: a cp1251 or cp1252 page is not 'UTF-8 with bad bytes' (almost none of its
    bytes form valid multi-byte sequences)."""
    ru = decode((RU + " " + RU).encode("cp1251"))
    assert ru is not None and ru.encoding == "cp1251" and ru.text.startswith("Правительство")
    fr = decode("Le ministère a présenté un échéancier détaillé à la presse étrangère.".encode("cp1252"))
    assert fr is not None and not fr.encoding.startswith("utf-8") and "ministère" in fr.text


def test_many_invalid_bytes_are_not_taken_for_utf8() -> None:
    data = b"\xff".join(part.encode() for part in UK * 7)  # 20 stray bytes
    decoded = decode(data)
    assert decoded is not None and not decoded.encoding.startswith("utf-8")


def test_a_nul_byte_is_reported_where_it_is(tmp_path: Path) -> None:
    text = b"A plain text page with a paragraph of ordinary words before the break.\n" * 5
    (tmp_path / "middle.txt").write_bytes(text + b"\x00" + text)
    (skipped,) = [e for e in iter_inputs([str(tmp_path)], Config()) if isinstance(e, Skipped)]
    assert skipped.reason == f"binary file (NUL byte at byte {len(text)})"
