"""Plain data passed between pipeline stages.

Every stage takes these frozen dataclasses and returns new ones; nothing downstream
re-reads files. All character spans are offsets into ``Document.text``; all line
numbers are 1-based lines of that text. ``AuditResult`` is what renderers render.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

SCHEMA_VERSION = "1.0"


# --------------------------------------------------------------------------- ingest


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What the file itself says about the page (never guessed from other files)."""

    url: str | None = None
    site: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) read from metadata, if any
    published_source: str | None = None  # html-meta | jsonl | sidecar: where `published` came from
    language: str | None = None
    source_format: str = "text"  # text | markdown | html | jsonl
    encoding: str = "utf-8"
    encoding_fallback: bool = False  # decoded by detection/fallback, not as declared UTF-8


@dataclass(frozen=True, slots=True)
class Document:
    """One scraped page. ``path`` is the display path (relative as the user gave it);
    documents from one JSONL file get ``path#N`` with N the 1-based line number."""

    path: str
    text: str
    meta: DocumentMeta
    content_hash: str  # hex digest of the raw bytes the document came from
    reference: bool = False  # a known original given with --reference, not part of the audit


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that was not audited, and why. The run goes on without it."""

    path: str
    reason: str


# --------------------------------------------------------------------------- segment

BODY = "body"
BOILERPLATE = "boilerplate"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of one document. ``index`` is its position in the document.

    ``text`` is cut from ``page`` (the document's text, shared, not copied) when asked:
    a copy per paragraph and per window doubled the memory a corpus takes.
    """

    index: int
    start: int
    end: int
    line: int
    end_line: int
    page: str = field(repr=False)  # the document text (``page[start:end]`` is this paragraph)
    kind: str = BODY  # body | boilerplate
    boilerplate_rule: str | None = None
    words: int | None = None  # whitespace-separated words (``len(text.split())``), as segmented

    @property
    def text(self) -> str:
        return self.page[self.start : self.end]

    @property
    def is_body(self) -> bool:
        return self.kind == BODY


@dataclass(frozen=True, slots=True)
class Window:
    """A run of sentences inside a long paragraph, indexed only to find what the
    paragraph contains. ``start``/``end`` are offsets into the document text, ``page``."""

    paragraph: int  # index of the paragraph it was cut from
    start: int
    end: int
    page: str = field(repr=False)

    @property
    def text(self) -> str:
        return self.page[self.start : self.end]


@dataclass(frozen=True, slots=True)
class SegmentedDocument:
    document: Document
    paragraphs: tuple[Paragraph, ...]
    windows: tuple[Window, ...] = ()


# --------------------------------------------------------------------------- verify


@dataclass(frozen=True, slots=True, order=True)
class ParagraphRef:
    """Address of a paragraph in the run: document position, paragraph index."""

    doc: int
    index: int


@dataclass(frozen=True, slots=True)
class ClusterMember:
    ref: ParagraphRef
    jaccard: float  # verified shingle Jaccard against the cluster's first member
    fuzz: float  # rapidfuzz ratio (0-100) against the cluster's first member


@dataclass(frozen=True, slots=True)
class Containment:
    """The cluster's text found inside a longer paragraph (the container)."""

    container: ParagraphRef
    contained: ParagraphRef  # the member whose text was found
    start: int  # span of the aligned text inside the document holding the container
    end: int
    share: float  # share of the contained paragraph's shingles present in the container
    fuzz: float  # rapidfuzz partial ratio (0-100) of the alignment


@dataclass(frozen=True, slots=True)
class Related:
    """A paragraph verified near a member of a cluster but kept out of it: it is not similar
    enough to the cluster's first member (its representative) or to the other members, so
    listing it as a copy would mislead. It is a member of another cluster, or of none."""

    ref: ParagraphRef
    member: ParagraphRef  # the member it was verified against
    jaccard: float  # verified shingle Jaccard of the two
    fuzz: float


@dataclass(frozen=True, slots=True)
class Cluster:
    """Paragraphs that are copies of one another.

    kind: ``exact`` (identical after normalization), ``near`` (verified similar), or
    ``contained`` (a paragraph with no full copy, found inside a longer block).

    Every member is verified against the first member (the representative) and, for near
    clusters, its shingle Jaccard with each other member reaches the threshold too: verified
    pairs are not chained into one cluster (see ``clusters.build_clusters``).
    """

    cluster_id: str
    kind: str
    members: tuple[ClusterMember, ...]
    containers: tuple[Containment, ...]
    similarity: float  # lowest verified Jaccard between any member and the first one
    fingerprint: str  # content-based id, stable across runs, file order and line shifts
    related: tuple[Related, ...] = ()  # verified near a member, but left out of this cluster


# --------------------------------------------------------------------------- trace


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a finding was made: the rule, the text that triggered it, where it is."""

    rule: str
    phrase: str
    start: int = -1  # span in the document text; -1 when the evidence is not a span
    end: int = -1
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Provenance:
    outlet: str | None  # canonical outlet name of the likely original; None = unknown
    via: tuple[str, ...]  # ordered relay chain, nearest to the original first
    role: str  # reported | quote | teaser | furniture | own | unknown
    confidence: float
    explanation: str
    evidence: tuple[Evidence, ...] = ()


# --------------------------------------------------------------------------- date


@dataclass(frozen=True, slots=True)
class PageDate:
    date: str | None  # ISO date, None when undated
    source: str  # metadata | jsonl | sidecar | as-of | text | undated
    confidence: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class EraMarker:
    phrase: str
    start: int
    end: int
    fact: str  # e.g. "US president: Joe Biden"
    valid_from: str | None
    valid_to: str | None
    kind: str  # office | date | relative | age (a known person's age, dating/ages.py)
    # how the marker's clause presents it, with the deciding words ("current: 'has been'",
    # "reporting: 'said'", "no verb: bare title"); empty for dates and time expressions
    tense: str = ""


@dataclass(frozen=True, slots=True)
class Staleness:
    verdict: str  # current | stale | undetermined
    page_date: str | None
    gap_days: int | None  # how far the page date lies outside the era window
    confidence: float
    explanation: str
    markers: tuple[EraMarker, ...] = ()


@dataclass(frozen=True, slots=True)
class EraConflict:
    """One page asserting two incompatible eras side by side."""

    doc: int
    first: EraMarker
    first_paragraph: int
    second: EraMarker
    second_paragraph: int


@dataclass(frozen=True, slots=True)
class Recycled:
    ref: ParagraphRef
    older: ParagraphRef
    older_date: str
    page_date: str
    gap_days: int


# --------------------------------------------------------------------------- audit


@dataclass(frozen=True, slots=True)
class DocumentReport:
    path: str
    meta: DocumentMeta
    content_hash: str
    paragraphs: tuple[Paragraph, ...]
    reference: bool = False
    page_date: PageDate | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    files: int
    skipped: int
    paragraphs: int
    boilerplate: int
    body: int
    unique: int  # body paragraphs in no cluster
    in_clusters: int  # body paragraphs that are members of a cluster
    duplicated_share: float  # in_clusters / body
    clusters: int
    exact_clusters: int
    near_clusters: int
    contained_clusters: int
    stale: int = 0
    conflicts: int = 0
    outlets: tuple[tuple[str, int], ...] = ()  # (outlet, body paragraphs), most first
    relays: tuple[tuple[str, int], ...] = ()  # ("CNN → UNN", body paragraphs), most first
    boilerplate_rules: tuple[tuple[str, int], ...] = ()  # (rule, paragraphs), by rule name
    fingerprinted: int = 0  # documents fingerprinted this run (all of them without --index)
    reused: int = 0  # documents whose fingerprints came from the --index file


@dataclass(frozen=True, slots=True)
class RuleTimeout:
    """A rule whose match ran out of time on some text (``rules.saferegex`` records them)."""

    rule: str
    source: str
    chars: int  # length of the text it was matched against
    disabled: bool  # this timeout switched the rule off


@dataclass(frozen=True, slots=True)
class RunStats:
    """What a run measured about itself, returned with its result instead of left in module
    state for the caller to read. Not a finding: no renderer reads it, so reports of the same
    corpus stay byte-identical whatever the machine's speed."""

    # seconds per pipeline stage, in the order the stages first ran
    stage_seconds: tuple[tuple[str, float], ...] = ()
    # seconds per step of in-process duplicate detection (empty for engines that keep none)
    detection_seconds: tuple[tuple[str, float], ...] = ()
    # every rule timeout of this run, oldest first (``warnings`` holds one line per rule)
    rule_timeouts: tuple[RuleTimeout, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditResult:
    """Everything a renderer needs. Per-paragraph analyses are tuples aligned with
    ``documents[i].paragraphs`` (empty tuples when that stage did not run)."""

    schema_version: str
    tool_version: str
    settings: dict[str, object]
    documents: Sequence[DocumentReport]  # a tuple, or ``audit.DocumentReports`` read back when asked
    skipped: tuple[Skipped, ...]
    clusters: tuple[Cluster, ...]
    summary: Summary
    paragraph_cluster: dict[ParagraphRef, str] = field(default_factory=dict)
    provenance: tuple[tuple[Provenance, ...], ...] = ()
    staleness: tuple[tuple[Staleness, ...], ...] = ()
    conflicts: tuple[EraConflict, ...] = ()
    recycled: tuple[Recycled, ...] = ()
    warnings: tuple[str, ...] = ()  # things the run survived that an auditor should know
    # Evidence of furniture no rule of the rule files named (site templates learned from the
    # corpus, jusText's measures), by paragraph: the paragraph's own rule names which it is.
    furniture: dict[ParagraphRef, dict[str, object]] = field(default_factory=dict)
    # ``findings.text_hash`` of each paragraph of each document when the run kept them (an
    # ``--index`` run stores them per page), else empty and findings work them out; not a result
    # of its own, so not compared
    text_hashes: Sequence[tuple[str, ...]] = field(default=(), compare=False, repr=False)
    # timings and rule timeouts of the run that made this result (machine-dependent, so not
    # compared and not rendered)
    stats: RunStats = field(default_factory=RunStats, compare=False, repr=False)


# --------------------------------------------------------------------------- findings and the gate
# What ``ci`` builds from an AuditResult and every gate-aware renderer shows: plain data here, so
# that ``render/`` takes findings as given and imports nothing from ``ci``.

CATEGORIES = ("duplicate", "contained", "stale", "conflict", "unknown-provenance")

# Stable rule ids (SARIF ``ruleId``, GitHub annotation titles, baseline entries).
RULES: dict[str, tuple[str, str]] = {
    "exact-duplicate": ("duplicate", "Paragraph repeated verbatim (after normalization)"),
    "near-duplicate": ("duplicate", "Paragraph repeated with small edits"),
    "contained": ("contained", "Paragraph copied inside a longer block"),
    "stale": ("stale", "Paragraph whose time markers lie outside the page's date"),
    "era-conflict": ("conflict", "Page asserting two incompatible eras"),
    "unknown-provenance": ("unknown-provenance", "Paragraph of unknown origin"),
}


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place a finding shows up. ``member`` is False for a block that merely holds a copy."""

    path: str
    line: int
    end_line: int
    text: str  # hash of the normalized text this occurrence is about
    member: bool = True

    @property
    def key(self) -> tuple[str, str]:
        return (self.path, self.text)

    @property
    def location(self) -> str:
        if self.end_line != self.line:
            return f"{self.path}:{self.line}-{self.end_line}"
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str  # a key of RULES
    fingerprint: str  # "<category>:<hex>", content-based
    excerpt: str  # raw scraped text: escape it where it is rendered
    message: str  # plain sentence, may quote scraped text: escape where rendered
    occurrences: tuple[Occurrence, ...]
    texts: tuple[str, ...]  # hashes of the normalized texts involved
    similarity: float | None = None

    @property
    def category(self) -> str:
        return RULES[self.rule][0]


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """A finding a team accepted, as the baseline file holds it (``ci.baseline`` reads and writes it)."""

    fingerprint: str
    rule: str
    excerpt: str
    texts: tuple[str, ...]
    occurrences: tuple[tuple[str, str], ...]  # (file, text hash), sorted, repeats kept
    label: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    rule: str  # e.g. "fail-on duplicate", "max-duplicated-share"
    threshold: str
    measured: str
    passed: bool
    offenders: tuple[str, ...]  # top file:line locations
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class GateOutcome:
    rules: tuple[RuleOutcome, ...]
    counted: tuple[Finding, ...]  # findings that count (new ones when a baseline is used)
    known: tuple[Finding, ...] = ()  # accepted by the baseline
    gone: tuple[BaselineEntry, ...] = ()  # in the baseline, no longer found
    baseline: bool = False

    @property
    def passed(self) -> bool:
        return all(rule.passed for rule in self.rules)

    @property
    def failed(self) -> tuple[RuleOutcome, ...]:
        return tuple(rule for rule in self.rules if not rule.passed)

    def failing_findings(self) -> set[str]:
        """Fingerprints of the findings that make a rule fail (shown as errors)."""
        return {f.fingerprint for rule in self.failed for f in rule.findings}


@dataclass(frozen=True, slots=True)
class Listed:
    """A finding as reports show it: how serious, and its state against the baseline."""

    finding: Finding
    level: str  # error (makes the gate fail) | warning | note (accepted or not counted)
    state: str | None = None  # new | unchanged (only with a baseline)
