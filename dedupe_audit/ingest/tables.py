"""Rows of a table as records: CSV/TSV exports of scrapers and Parquet shards.

Scraped corpora mostly arrive as tables, one page a row. This module only turns a table into
``(row name, record, raw bytes)`` triples (or a reason a row or the whole table cannot be read);
``ingest`` makes documents of the records exactly as it does of JSONL objects, so the column
mapping, dates, sites and the report are the same whatever the container.

Rows stream: a CSV is read a row at a time from the open file, a Parquet file a row group at a
time, so a table of any size is never held whole. Bad rows are skipped with the reason and the
rest of the table is read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

# Bad rows in a row before the rest of a table is taken to be something other than a table.
MAX_BAD_ROWS_IN_A_ROW = 100


@dataclass(frozen=True, slots=True)
class Row:
    """One row: ``name`` is the document's name (``file.csv#<id or row number>``)."""

    name: str
    record: dict[str, Any]
    raw: bytes  # what the content hash is taken of: the row as JSON, keys sorted


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row (or the whole table, ``name`` = the file) that could not be read, and why."""

    name: str
    reason: str


def delimiter_of(name: str) -> str:
    """Tab for ``.tsv`` (and ``.tab``), comma otherwise."""
    return "\t" if name.lower().endswith((".tsv", ".tab")) else ","


def csv_rows(
    display: str, handle: BinaryIO, *, delimiter: str, id_column: str, max_row_bytes: int
) -> Iterator[Row | BadRow]:
    """The rows of a CSV/TSV with a header line, decoded as UTF-8 (a BOM is dropped; bytes
    that are not UTF-8 are replaced, so one bad byte costs a character, not the table)."""
    csv.field_size_limit(max(max_row_bytes, 1))
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        yield BadRow(display, "empty: no header line")
        return
    except csv.Error as exc:
        yield BadRow(display, f"not a table: {exc}")
        return
    seen: set[str] = set()
    bad_in_a_row = 0
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a field over the limit; the reader goes on after it
            bad_in_a_row += 1
            yield BadRow(f"{display}#{number}", f"bad row: {exc}")
            if bad_in_a_row >= MAX_BAD_ROWS_IN_A_ROW:
                yield BadRow(display, f"stopped after {bad_in_a_row} bad rows in a row")
                return
            continue
        bad_in_a_row = 0
        if not any(cell.strip() for cell in cells):
            number -= 1  # blank lines are not rows
            continue
        record = dict(zip(header, cells, strict=False))
        if len(cells) > len(header):
            yield BadRow(f"{display}#{number}", f"bad row: {len(cells)} fields, the header has {len(header)}")
            continue
        yield _row(display, number, record, id_column, seen)


def parquet_rows(display: str, path: str, *, id_column: str) -> Iterator[Row | BadRow]:
    """The rows of a Parquet file, a row group at a time (pyarrow, the ``tables`` extra)."""
    try:
        import pyarrow.parquet as pq  # an optional extra: only Parquet inputs need it
    except ImportError:
        yield BadRow(display, "Parquet needs pyarrow: pip install 'dedupe-audit[tables]'")
        return
    try:
        table = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own error types for every kind of damage
        yield BadRow(display, f"not a Parquet file: {exc}")
        return
    seen: set[str] = set()
    number = 0
    try:
        for batch in table.iter_batches(batch_size=1024):
            for record in batch.to_pylist():
                number += 1
                yield _row(display, number, record, id_column, seen)
    except Exception as exc:  # a damaged row group: what was read before it stays audited
        yield BadRow(display, f"unreadable after row {number}: {exc}")


def _row(display: str, number: int, record: dict[str, Any], id_column: str, seen: set[str]) -> Row:
    """Named by its id column when it has a usable one not seen before, else by its number."""
    ident = record.get(id_column)
    ident = str(ident).strip() if ident is not None and not isinstance(ident, dict | list) else ""
    if not ident or ident in seen or any(c in ident for c in "#\n\r"):
        ident = str(number)
        if ident in seen:
            ident = f"row{number}"
    seen.add(ident)
    raw = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8", "surrogatepass")
    return Row(f"{display}#{ident}", record, raw)
