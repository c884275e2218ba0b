"""Attribution cues ("X reports", "з посиланням на X", "(Reuters) -") matched in paragraphs.

The phrases live in ``data/cues.toml`` with ``{outlet}``/``{via}`` placeholders that expand
to every registry alias, so adding an outlet or a phrasing is a data change. Rules compile
once per registry; matches come back with spans in document coordinates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .datafiles import data_file, named_entry, parse_toml, read_user_file
from .literals import WordProbe, required_words
from .model import Evidence, Paragraph
from .outlets import OutletRegistry
from .saferegex import IGNORECASE, RuleFileError, SafePattern, compile_rule, line_of, located

SHIPPED = "dedupe_audit/data/cues.toml"
KINDS = frozenset({"attribution", "publication", "own"})
ROLES = frozenset({"reported", "teaser"})
_KEYS = frozenset(
    {"name", "lang", "kind", "pattern", "confidence", "role", "starts_block", "at_start",
     "marks_relay"}
)


class CueError(RuleFileError):
    """A cue file that cannot be used; the message names the file, line and rule."""


@dataclass(frozen=True, slots=True)
class CueRule:
    name: str
    lang: str
    kind: str  # attribution | publication | own
    pattern: SafePattern  # matched under a time budget (saferegex)
    confidence: float
    role: str = "reported"
    starts_block: bool = False
    at_start: bool = False
    marks_relay: bool = False
    source: str = SHIPPED
    # Words one of which every match contains ("reports", "повідомля"); empty when unknown.
    keywords: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CueMatch:
    """One cue found in a paragraph; spans are offsets into the document text."""

    rule: CueRule
    paragraph: int
    start: int
    end: int
    phrase: str
    outlet: str | None  # the alias as written, resolved to an outlet by the tracer
    via: str | None
    quoted: bool  # the cue follows a closing quotation mark: the outlet is quoted verbatim

    @property
    def evidence(self) -> Evidence:
        return Evidence(rule=self.rule.name, phrase=self.phrase, start=self.start, end=self.end)


@dataclass(frozen=True, slots=True)
class BlockSettings:
    headline_max_words: int = 30
    headline_terminal: str = ".!?…:;,"
    story_boilerplate: tuple[str, ...] = ("dateline",)


@dataclass(frozen=True)
class CueSet:
    rules: tuple[CueRule, ...]
    blocks: BlockSettings
    # Matches any outlet alias. Most paragraphs name no outlet, and then no rule with an
    # {outlet}/{via} placeholder can match: one probe saves running dozens of patterns.
    alias_probe: re.Pattern[str] | None = None
    # The rules' keywords: a rule whose keyword no word of the paragraph begins with is skipped.
    keyword_probe: WordProbe | None = None
    # Blocks and the tracer both ask for every paragraph's cues: remember recent answers.
    _seen: dict[Paragraph, tuple[CueMatch, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    # The rules that name no outlet: all that can match a paragraph without an alias.
    _outlet_free: tuple[CueRule, ...] = field(init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_outlet_free", tuple(r for r in self.rules if not _names_outlet(r)))

    def find(self, paragraph: Paragraph) -> tuple[CueMatch, ...]:
        """Every cue in a paragraph, overlaps resolved (the longest match wins)."""
        known = self._seen.get(paragraph)
        if known is None:
            if len(self._seen) >= 65_536:
                self._seen.clear()
            found = [m for rule in self.rules_for(paragraph.text) for m in _matches(rule, paragraph)]
            known = self._seen[paragraph] = _without_overlaps(found)
        return known

    def rules_for(self, text: str) -> tuple[CueRule, ...]:
        """The rules that can match ``text`` at all."""
        rules = self.rules
        if self.alias_probe is not None and not self.alias_probe.search(text):
            rules = self._outlet_free
        if self.keyword_probe is not None and rules:
            found = self.keyword_probe.matching(text)
            rules = tuple(rule for rule in rules if not rule.keywords or rule.keywords & found)
        return rules

    def opens_story(self, paragraph: Paragraph) -> bool:
        """True when the paragraph begins with a dateline or byline."""
        return any(m.rule.starts_block for m in self.find(paragraph))


def _names_outlet(rule: CueRule) -> bool:
    return bool({"outlet", "via"} & set(rule.pattern.groupindex))


# A cue right after a quotation that ends with punctuation: '"...," the publication writes'.
_QUOTE_BEFORE = re.compile(r"(?:[,.!?…][\"”»“]|[\"”»“]\s*,)\s*$")


def _matches(rule: CueRule, paragraph: Paragraph) -> list[CueMatch]:
    text = paragraph.text
    out = []
    for found in rule.pattern.finditer(text):
        if rule.at_start and text[: found.start()].strip():
            continue
        groups = found.groupdict()
        out.append(
            CueMatch(
                rule=rule,
                paragraph=paragraph.index,
                start=paragraph.start + found.start(),
                end=paragraph.start + found.end(),
                phrase=found.group().strip(),
                outlet=_group(groups, "outlet"),
                via=_group(groups, "via"),
                quoted=bool(_QUOTE_BEFORE.search(text[: found.start()])),
            )
        )
    return out


def _without_overlaps(found: list[CueMatch]) -> tuple[CueMatch, ...]:
    kept: list[CueMatch] = []
    for match in sorted(found, key=lambda m: (-(m.end - m.start), m.start, m.rule.name)):
        if all(match.end <= k.start or match.start >= k.end for k in kept):
            kept.append(match)
    return tuple(sorted(kept, key=lambda m: (m.start, m.end)))


# ------------------------------------------------------------------ loading


def _placeholder(group: str, aliases: str, descriptors: Sequence[str]) -> str:
    """Regex for {outlet}/{via}: an optional descriptor word, then a case-sensitive alias."""
    words = "|".join(r"\s+".join(map(re.escape, d.split())) for d in descriptors)
    lead = rf"(?:(?:{words})\s+)?" if words else ""
    return rf"{lead}(?P<{group}>(?-i:{aliases}))"


def _expand(pattern: str, aliases: str, descriptors: Sequence[str]) -> str:
    """Fill the placeholders; a second {outlet} (in another alternative) gets outlet_2."""
    for group in ("outlet", "via"):
        pieces = pattern.split("{" + group + "}")
        out = pieces[0]
        for n, piece in enumerate(pieces[1:], start=1):
            name = group if n == 1 else f"{group}_{n}"
            out += _placeholder(name, aliases, descriptors) + piece
        pattern = out
    return pattern


def _group(groups: Mapping[str, str | None], base: str) -> str | None:
    """The alias captured by any numbered copy of a placeholder group."""
    return next((v for k, v in groups.items() if k.split("_")[0] == base and v), None)


def _number(raw: Mapping[str, object], where: str) -> float:
    value = raw.get("confidence", 0.8)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise CueError(f"{where}: 'confidence' must be a number from 0 to 1")
    return float(value)


def _compile(raw: Mapping[str, object], where: str, aliases: str, descr: Sequence[str]):
    text = raw.get("pattern")
    if not isinstance(text, str) or not text.strip():
        raise CueError(f"{where}: missing 'pattern'")
    kind = raw.get("kind", "attribution")
    if kind == "attribution" and "{outlet}" not in text:
        raise CueError(f"{where}: an attribution pattern needs the {{outlet}} placeholder")
    try:
        compile_rule(text, IGNORECASE, rule=where, source=where)  # the user's own text, unexpanded
        name = str(raw.get("name"))
        return compile_rule(_expand(text, aliases, descr), IGNORECASE, rule=name, source=where)
    except ValueError as err:
        raise CueError(f"{where}: bad pattern: {err}") from err


def _parse_rule(
    raw: object, source: str, position: int, aliases: str, descriptors: Sequence[str]
) -> CueRule:
    raw, name, where = named_entry(raw, source, position, "cue", _KEYS, CueError)
    kind = raw.get("kind", "attribution")
    if kind not in KINDS:
        raise CueError(f"{where}: kind '{kind}' is not one of {', '.join(sorted(KINDS))}")
    role = raw.get("role", "reported")
    if role not in ROLES:
        raise CueError(f"{where}: role '{role}' is not one of {', '.join(sorted(ROLES))}")
    return CueRule(
        name=name,
        lang=str(raw.get("lang", "")),
        kind=kind,
        pattern=_compile(raw, where, aliases, descriptors),
        confidence=_number(raw, where),
        role=role,
        starts_block=bool(raw.get("starts_block", False)),
        at_start=bool(raw.get("at_start", False)),
        marks_relay=bool(raw.get("marks_relay", False)),
        source=source,
        keywords=_keywords(str(raw.get("pattern", ""))),
    )


def _keywords(pattern: str) -> frozenset[str]:
    """Words the rule cannot match without, read from its pattern with the outlet names
    left out (they are screened by the alias probe)."""
    bare = pattern.replace("{outlet}", r"\w+").replace("{via}", r"\w+")
    return frozenset(required_words(bare) or ())


def _blocks(data: Mapping[str, object], source: str) -> BlockSettings:
    raw = data.get("blocks", {})
    if not isinstance(raw, dict):
        raise CueError(f"{source}: [blocks] must be a table")
    default = BlockSettings()
    try:
        return BlockSettings(
            headline_max_words=int(raw.get("headline_max_words", default.headline_max_words)),
            headline_terminal=str(raw.get("headline_terminal", default.headline_terminal)),
            story_boilerplate=tuple(raw.get("story_boilerplate", default.story_boilerplate)),
        )
    except (TypeError, ValueError) as err:
        raise CueError(f"{source}: bad [blocks] setting: {err}") from err


def _with_line(err: CueError, source: str, raw: object) -> CueError:
    """The same error with the line of the bad rule in its file, found by the rule's name."""
    name = raw.get("name") if isinstance(raw, dict) else None
    if not isinstance(name, str):
        return err
    try:
        text = data_file("cues.toml") if source == SHIPPED else Path(source).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return err
    line = line_of(text, f'"{name}"', f"'{name}'")
    return CueError(str(err).replace(f"{source}:", f"{located(source, line)}:", 1))


@lru_cache(maxsize=8)
def load_cues(registry: OutletRegistry, extra_files: tuple[str, ...] = ()) -> CueSet:
    """Shipped cue rules then user rules (same name replaces), compiled for a registry."""
    files = [(SHIPPED, parse_toml(data_file("cues.toml"), SHIPPED, CueError))]
    files += [(p, parse_toml(read_user_file(p, CueError, "cue"), p, CueError)) for p in extra_files]
    descriptors: list[str] = []
    for _, data in files:
        placeholders = data.get("placeholders", {})
        descriptors += placeholders.get("descriptors", []) if isinstance(placeholders, dict) else []
    descriptors = sorted(set(descriptors), key=lambda d: (-len(d), d))
    aliases = registry.alias_pattern()
    rules: dict[str, CueRule] = {}
    for source, data in files:
        entries = data.get("cue", [])
        if not isinstance(entries, list):
            raise CueError(f"{source}: 'cue' must be an array of tables ([[cue]])")
        for i, raw in enumerate(entries):
            try:
                rule = _parse_rule(raw, source, i + 1, aliases, descriptors)
            except CueError as err:
                raise _with_line(err, source, raw) from err
            rules[rule.name] = rule
    keywords = {word for rule in rules.values() for word in rule.keywords}
    return CueSet(
        rules=tuple(rules.values()),
        blocks=_blocks(files[0][1], SHIPPED),
        alias_probe=re.compile(aliases),
        keyword_probe=WordProbe(keywords) if keywords else None,
    )
