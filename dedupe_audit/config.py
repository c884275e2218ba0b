"""One place for every setting, with defaults a user can justify (see README)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class JsonlFields:
    """Which JSONL keys hold what. Dotted keys reach into nested objects."""

    text: str = "text"
    url: str = "url"
    date: str = "date"
    site: str = "site"
    title: str = "title"


@dataclass(frozen=True)
class TableFields:
    """Which columns of a CSV/TSV/Parquet table hold what; ``id`` names the row's document
    (``file.csv#<id>``; the row number when the column is missing, blank or repeated)."""

    text: str = "text"
    url: str = "url"
    date: str = "date"
    site: str = "site"
    title: str = "title"
    id: str = "id"


@dataclass(frozen=True)
class Config:
    # ingest
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    jsonl: JsonlFields = field(default_factory=JsonlFields)
    max_file_bytes: int = 50_000_000
    # segment
    long_paragraph_words: int = 120  # longer paragraphs are also cut into sentence windows
    window_sentences: int = 4  # windows hold 1..N consecutive sentences
    boilerplate_rules: tuple[str, ...] = ()  # extra TOML files of boilerplate rules
    include_boilerplate: bool = False  # count boilerplate as duplicated content
    # fingerprint
    shingle_size: int = 3
    num_perm: int = 128
    seed: int = 1
    # index / verify
    threshold: float = 0.4  # verified shingle Jaccard for a near-duplicate
    min_fuzz: float = 50.0  # rapidfuzz ratio a near-duplicate must also reach
    containment: float = 0.8  # share of a paragraph's shingles found inside a longer block
    min_words: int = 5  # shorter body paragraphs are not clustered
    # trace
    outlets: tuple[str, ...] = ()  # extra TOML files of outlets
    reference: tuple[str, ...] = ()  # folders/files of known originals
    # date
    eras: tuple[str, ...] = ()  # extra TOML files of era facts
    as_of: str | None = None  # page date to use when a page states none
    recycled_days: int = 180
    # run
    jobs: int = 0  # 0 = one per core
    # report
    report_rows: int = 500  # rows of one Markdown table; the JSON report keeps everything
    # gate (`check`): what fails a CI run
    fail_on: tuple[str, ...] = ("duplicate", "contained", "stale", "conflict")  # any such finding fails
    max_duplicated_share: float | None = None  # share of body paragraphs in counted clusters
    max_clusters: int | None = None  # exact + near clusters
    max_stale: int | None = None  # stale paragraphs
    min_similarity: float = 0.0  # clusters less similar than this are not counted by the gate
    baseline: str | None = None  # accepted findings file: only findings not in it count
    index: str | None = None  # SQLite fingerprint index reused across runs, or redis://host:port/db (shared)
    engine: str = "local"  # where duplicate detection runs: local | dask
    scheduler: str | None = None  # Dask scheduler address for engine dask; none = a LocalCluster of `jobs`
    # hostile input (appended): archives are read in memory within these limits, never extracted
    max_archive_bytes: int = 1_000_000_000  # decompressed bytes read from one archive (nested included)
    max_archive_members: int = 100_000  # files/records read from one archive (nested included)
    max_archive_depth: int = 3  # archives inside archives, the outer one counting as 1
    max_paragraph_chars: int = 20_000  # longer blocks are cut into consecutive paragraphs, not dropped
    split_large_text: bool = False  # text over max_file_bytes: audit in parts (file.txt@part2), not skip
    # memory (appended): segmented pages beyond this many MB go to a temporary file, 0 = all
    spool_after_mb: int = 256
    spool_dir: str | None = None  # folder for that file; none = the system's temporary folder
    # tables (appended): CSV/TSV/Parquet columns, and a marker between paragraphs of a record's text
    csv: TableFields = field(default_factory=TableFields)
    paragraph_separator: str | None = None  # e.g. " ### ": becomes a paragraph break in JSONL and tables
