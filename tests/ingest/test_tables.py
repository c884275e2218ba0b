"""Table inputs: CSV/TSV exports and Parquet shards are a document a row, named file#<id or row>;
bad rows are skipped with the reason and the rest of the table is read; a table and the same
rows as JSONL give the same audit."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedupe_audit.cli import main
from dedupe_audit.config import Config, TableFields
from dedupe_audit.ingest.inputs import iter_inputs
from dedupe_audit.model import Document, Skipped

ROWS = [
    {"id": "a1", "publisher": "example.com", "scrape_time": "2018-07-15T07:54:28-04:00",
     "text": "Leaders met in the capital on Monday to discuss trade. ### The talks lasted four hours "
             "and ended without a joint statement, officials said."},
    {"id": "b2", "publisher": "other.org", "scrape_time": "2018-07-16T10:00:00+00:00",
     "text": "Leaders met in the capital on Monday to discuss trade. ### A second paragraph of a "
             "different story about the weather in the north of the country."},
    {"id": "", "publisher": "third.net", "scrape_time": "not a date",
     "text": "A row without an id is named by its row number in the table."},
]
MAPPING = Config(csv=TableFields(date="scrape_time", site="publisher"), paragraph_separator=" ### ")


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def read(path: Path, config: Config = MAPPING) -> tuple[dict[str, Document], dict[str, str]]:
    items = list(iter_inputs([str(path)], config))
    return ({i.path: i for i in items if isinstance(i, Document)},
            {i.path: i.reason for i in items if isinstance(i, Skipped)})


def test_csv_rows_are_documents_with_mapped_columns_and_paragraphs(tmp_path: Path) -> None:
    docs, skipped = read(write_csv(tmp_path / "pages.csv", ROWS))
    assert not skipped
    names = sorted(docs)
    assert names == sorted(f"{tmp_path}/pages.csv#{ident}" for ident in ("a1", "b2", "3"))
    first = docs[f"{tmp_path}/pages.csv#a1"]
    assert first.meta.site == "example.com"
    assert first.meta.published == "2018-07-15"  # the date as written, no timezone shift
    assert first.meta.source_format == "csv"
    assert first.text.split("\n\n") == [
        "Leaders met in the capital on Monday to discuss trade.",
        "The talks lasted four hours and ended without a joint statement, officials said.",
    ]
    assert docs[f"{tmp_path}/pages.csv#3"].meta.published is None  # "not a date" is no date


def test_tsv_and_without_separator_keep_the_text_whole(tmp_path: Path) -> None:
    docs, _ = read(write_csv(tmp_path / "pages.tsv", ROWS, "\t"), Config(csv=TableFields(site="publisher")))
    text = docs[f"{tmp_path}/pages.tsv#a1"].text
    assert " ### " in text and "\n\n" not in text


def test_bad_rows_are_skipped_with_the_reason_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,text\n"
        "1,A first good row of text that is long enough.\n"
        "2,too,many,fields\n"
        "3,\n"
        "4,A fourth good row after the bad ones is still read.\n",
        encoding="utf-8",
    )
    docs, skipped = read(path, Config())
    assert sorted(docs) == [f"{path}#1", f"{path}#4"]
    assert "4 fields, the header has 2" in skipped[f"{path}#2"]
    assert skipped[f"{path}#3"].startswith("empty")


def test_missing_text_column_names_the_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "no_text.csv", [{"id": "1", "body": "words"}])
    _, skipped = read(path, Config())
    assert skipped == {f"{path}#1": "no text: column 'text' is missing"}


def test_a_stray_byte_costs_a_character_not_the_table(tmp_path: Path) -> None:
    path = tmp_path / "stray.csv"
    path.write_bytes("id,text\n1,Київ заявив \xff що переговори тривають.\n2,Друга сторінка.\n"
                     .encode("utf-8", "surrogateescape").replace(b"\xc3\xbf", b"\xff"))
    docs, skipped = read(path, Config())
    assert not skipped and len(docs) == 2
    assert docs[f"{path}#1"].text.startswith("Київ заявив")


def test_rows_over_the_size_limit_are_skipped_alone(tmp_path: Path) -> None:
    rows = [{"id": "1", "text": "x " * 400}, {"id": "2", "text": "short text"}]
    path = write_csv(tmp_path / "big.csv", rows)
    docs, skipped = read(path, Config(max_file_bytes=300))
    assert list(docs) == [f"{path}#2"]
    assert f"{path}#1" in skipped


def test_gzipped_csv_reads_as_the_plain_one(tmp_path: Path) -> None:
    plain = write_csv(tmp_path / "pages.csv", ROWS)
    packed = tmp_path / "packed.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    a, _ = read(plain)
    b, _ = read(packed)
    assert [d.text for d in a.values()] == [d.text for d in b.values()]
    assert [d.meta.site for d in a.values()] == [d.meta.site for d in b.values()]


def test_parquet_rows_equal_csv_rows(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="Parquet is the optional 'tables' extra")
    import pyarrow.parquet as pq

    plain = write_csv(tmp_path / "pages.csv", ROWS)
    table = pa.Table.from_pylist(ROWS)
    pq.write_table(table, tmp_path / "pages.parquet", row_group_size=1)  # rows stream by group
    a, _ = read(plain)
    b, skipped = read(tmp_path / "pages.parquet")
    assert not skipped
    assert [(Path(k).name.split("#")[1], d.text, d.meta.site, d.meta.published) for k, d in a.items()] == \
        [(Path(k).name.split("#")[1], d.text, d.meta.site, d.meta.published) for k, d in b.items()]


def test_a_damaged_parquet_file_is_skipped_with_the_reason(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow", reason="Parquet is the optional 'tables' extra")
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not really parquet PAR1")
    docs, skipped = read(path)
    assert not docs and "not a Parquet file" in skipped[str(path)]


def test_cli_audit_of_a_table_equals_the_same_rows_as_jsonl(tmp_path: Path) -> None:
    table = write_csv(tmp_path / "pages.csv", ROWS)
    jsonl = tmp_path / "pages.jsonl"
    with jsonl.open("w", encoding="utf-8") as out:
        for row in ROWS:
            out.write(json.dumps({"text": row["text"], "site": row["publisher"],
                                  "date": row["scrape_time"]}) + "\n")
    runner = CliRunner()
    reports = {}
    for name, path, options in (
        ("csv", table, ["--csv-date", "scrape_time", "--csv-site", "publisher"]),
        ("jsonl", jsonl, []),
    ):
        out = tmp_path / f"{name}.json"
        result = runner.invoke(main, ["audit", str(path), "--no-config", "-q", "-f", "json", "-o", str(out),
                                      "--paragraph-separator", " ### ", *options])
        assert result.exit_code == 0, result.output
        reports[name] = json.loads(out.read_text(encoding="utf-8"))
    keys = ("files", "paragraphs", "body", "clusters", "exact_clusters", "stale", "in_clusters")
    counts = {name: {k: report["summary"][k] for k in keys} for name, report in reports.items()}
    assert counts["csv"] == counts["jsonl"]
    assert reports["csv"]["summary"]["exact_clusters"] == 1  # the shared lead paragraph


def test_csv_settings_table_in_a_config_file(tmp_path: Path) -> None:
    table = write_csv(tmp_path / "pages.csv", ROWS)
    (tmp_path / "dedupe-audit.toml").write_text(
        'paragraph-separator = " ### "\n[csv]\nsite = "publisher"\ndate = "scrape_time"\n', encoding="utf-8")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["audit", str(table), "--config", str(tmp_path / "dedupe-audit.toml"),
                                       "-q", "-f", "json", "-o", str(out), "--csv-id", "publisher"])
    assert result.exit_code == 0, result.output
    files = json.loads(out.read_text(encoding="utf-8"))["files"]
    assert sorted(Path(f["file"]).name for f in files) == [
        "pages.csv#example.com", "pages.csv#other.org", "pages.csv#third.net"]
    assert {f["meta"]["site"] for f in files} == {"example.com", "other.org", "third.net"}
    bad = CliRunner().invoke(main, ["audit", str(table), "--no-config", "-q", "--csv-text", "",
                                    "-o", str(tmp_path / "empty-option.md")])
    assert bad.exit_code == 0, bad.output  # an empty option is "not given", never a crash
    (tmp_path / "bad.toml").write_text('[csv]\nbody = "x"\n', encoding="utf-8")
    bad = CliRunner().invoke(main, ["audit", str(table), "--config", str(tmp_path / "bad.toml"), "-q"])
    assert bad.exit_code == 2 and "unknown key 'csv.body'" in bad.output
