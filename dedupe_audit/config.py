"""Every setting, in one section per stage, with defaults a user can justify (see README).

Why sections: a stage reads its own (``config.dedup.threshold``, ``config.dating.as_of``), so
what a stage depends on is visible where it is used. The flat keys users know stay: config
files and command-line options name settings without their section (``threshold = 0.5``),
and ``Config(threshold=0.5)`` or ``dataclasses.replace(config, jobs=1)`` put a flat key in
its section (``SECTION_OF``).
"""

from __future__ import annotations

import typing
from dataclasses import Field, asdict, dataclass, field, fields, replace
from typing import Any


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
class IngestConfig:
    """What is read, and the limits that keep hostile input from costing more than it may."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    jsonl: JsonlFields = field(default_factory=JsonlFields)
    csv: TableFields = field(default_factory=TableFields)  # CSV/TSV/Parquet columns
    paragraph_separator: str | None = None  # e.g. " ### ": becomes a paragraph break in JSONL and tables
    max_file_bytes: int = 50_000_000
    split_large_text: bool = False  # text over max_file_bytes: audit in parts (file.txt@part2), not skip
    # archives are read in memory within these limits, never extracted
    max_archive_bytes: int = 1_000_000_000  # decompressed bytes read from one archive (nested included)
    max_archive_members: int = 100_000  # files/records read from one archive (nested included)
    max_archive_depth: int = 3  # archives inside archives, the outer one counting as 1


@dataclass(frozen=True)
class SegmentConfig:
    """How pages are cut into paragraphs and windows, and what counts as site furniture."""

    long_paragraph_words: int = 120  # longer paragraphs are also cut into sentence windows
    window_sentences: int = 4  # windows hold 1..N consecutive sentences
    max_paragraph_chars: int = 20_000  # longer blocks are cut into consecutive paragraphs, not dropped
    boilerplate_rules: tuple[str, ...] = ()  # extra TOML files of boilerplate rules
    include_boilerplate: bool = False  # count boilerplate as duplicated content


@dataclass(frozen=True)
class DedupConfig:
    """Fingerprints, the near-duplicate bar, and where detection runs and keeps its index."""

    shingle_size: int = 3
    num_perm: int = 128
    seed: int = 1
    threshold: float = 0.4  # verified shingle Jaccard for a near-duplicate
    min_fuzz: float = 50.0  # rapidfuzz ratio a near-duplicate must also reach
    containment: float = 0.8  # share of a paragraph's shingles found inside a longer block
    min_words: int = 5  # shorter body paragraphs are not clustered
    index: str | None = None  # SQLite fingerprint index reused across runs, or redis://host:port/db (shared)
    engine: str = "local"  # where duplicate detection runs: local | dask
    scheduler: str | None = None  # Dask scheduler address for engine dask; none = a LocalCluster of `jobs`


@dataclass(frozen=True)
class ProvenanceConfig:
    """Extra outlet knowledge, and known originals to trace copies to."""

    outlets: tuple[str, ...] = ()  # extra TOML files of outlets
    reference: tuple[str, ...] = ()  # folders/files of known originals


@dataclass(frozen=True)
class DatingConfig:
    """Extra era knowledge and the page dates staleness compares with."""

    eras: tuple[str, ...] = ()  # extra TOML files of era facts
    as_of: str | None = None  # page date to use when a page states none
    recycled_days: int = 180


@dataclass(frozen=True)
class GateConfig:
    """What fails a CI run (``check``)."""

    fail_on: tuple[str, ...] = ("duplicate", "contained", "stale", "conflict")  # any such finding fails
    max_duplicated_share: float | None = None  # share of body paragraphs in counted clusters
    max_clusters: int | None = None  # exact + near clusters
    max_stale: int | None = None  # stale paragraphs
    min_similarity: float = 0.0  # clusters less similar than this are not counted by the gate
    baseline: str | None = None  # accepted findings file: only findings not in it count


@dataclass(frozen=True)
class ReportConfig:
    """How much a report shows."""

    report_rows: int = 500  # rows of one Markdown table; the JSON report keeps everything


@dataclass(frozen=True)
class RuntimeConfig:
    """Cores and memory."""

    jobs: int = 0  # 0 = one per core
    spool_after_mb: int = 256  # segmented pages beyond this many MB go to a temporary file, 0 = all
    spool_dir: str | None = None  # folder for that file; none = the system's temporary folder


# section name -> its dataclass, in pipeline order
SECTIONS: dict[str, type] = {
    "ingest": IngestConfig,
    "segment": SegmentConfig,
    "dedup": DedupConfig,
    "provenance": ProvenanceConfig,
    "dating": DatingConfig,
    "gate": GateConfig,
    "report": ReportConfig,
    "runtime": RuntimeConfig,
}
# flat key (as in config files and options) -> the section holding it
SECTION_OF: dict[str, str] = {f.name: name for name, cls in SECTIONS.items() for f in fields(cls)}


@dataclass(frozen=True, init=False)
class Config:
    """All settings, one section per stage. Built from sections, flat keys or both:
    ``Config(threshold=0.5)`` is ``Config(dedup=DedupConfig(threshold=0.5))``."""

    ingest: IngestConfig
    segment: SegmentConfig
    dedup: DedupConfig
    provenance: ProvenanceConfig
    dating: DatingConfig
    gate: GateConfig
    report: ReportConfig
    runtime: RuntimeConfig

    def __init__(self, **values: Any) -> None:
        sections = {name: values.pop(name, None) or cls() for name, cls in SECTIONS.items()}
        changes: dict[str, dict[str, Any]] = {}
        for key, value in values.items():
            if key not in SECTION_OF:
                raise TypeError(f"Config() got an unexpected keyword argument {key!r}")
            changes.setdefault(SECTION_OF[key], {})[key] = value
        for name, section in sections.items():
            if not isinstance(section, SECTIONS[name]):
                raise TypeError(f"Config section {name!r} must be a {SECTIONS[name].__name__}")
            object.__setattr__(self, name, replace(section, **changes[name]) if name in changes else section)

    def __getattr__(self, name: str) -> Any:
        """A flat read (``config.threshold``), as code written before the sections did;
        called only for names that are no attribute of the class."""
        if name not in SECTION_OF:
            raise AttributeError(f"'Config' object has no attribute {name!r}")
        return self.value(name)

    def flat(self) -> dict[str, Any]:
        """Every setting by its flat key (tables of field names as dicts), for reports and
        digests."""
        out: dict[str, Any] = {}
        for name in SECTIONS:
            out.update(asdict(getattr(self, name)))
        return out

    def value(self, key: str) -> Any:
        """One setting by its flat key ("threshold")."""
        return getattr(getattr(self, SECTION_OF[key]), key)


def flat_fields() -> dict[str, Field[Any]]:
    """Every setting's dataclass field by its flat key."""
    return {f.name: f for cls in SECTIONS.values() for f in fields(cls)}


def flat_types() -> dict[str, Any]:
    """Every setting's type by its flat key."""
    hints: dict[str, Any] = {}
    for cls in SECTIONS.values():
        hints.update(typing.get_type_hints(cls))
    return hints
