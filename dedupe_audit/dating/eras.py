"""Era knowledge (who held which office when) loaded from TOML, and the mentions of it.

The shipped ``data/eras.toml`` is merged with the user's files: a fact whose ``id`` already
exists replaces it, anything new is added. Every entry is validated on load and a bad one
raises :class:`EraDataError` naming the file and the entry, so a typo never silently
switches a rule off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..rules.datafiles import data_file, data_folder, parse_toml, read_user_file
from ..rules.literals import Screened, required_literals_of
from ..rules.saferegex import (
    IGNORECASE,
    SHIPPED_PREFIX,
    LazyPattern,
    RuleFileError,
    SafePattern,
    compile_rule,
    is_shipped,
    line_of,
    located,
)
from .surnames import person_of
from .tense import sentence_bounds, sentence_of

SHIPPED = "dedupe_audit/data/eras.toml"
# ``source`` names where a fact (or an office's titles) can be checked: kept for the auditor
_FACT_KEYS = {"id", "office", "holder", "start", "end", "terms", "names", "phrases", "source"}
_CUE_KEYS = {"id", "where", "pattern", "gap"}
_OFFICE_KEYS = {"label", "titles", "source", "describes", "courtesy", "for_life"}
# a rank or courtesy title between office and name: "National Security Adviser Ambassador
# John Bolton", "Defense Secretary Gen. Jim Mattis", "міністр оборони генерал ..."
_HONORIFIC = (r"(?:(?:Ambassador|Amb\.|General|Gen\.|Lt\.\s+Gen\.|Admiral|Adm\.|Dr\.|Judge|Sir|Dame|"
              r"retired\s+Gen\.|посол|генерал|адмірал|адмирал)\s+)?")
_CONTEXT = 80  # characters of the sentence a cue is looked for in, each side


class EraDataError(RuleFileError):
    """A bad entry in an era file; the message names the file, the line and the entry."""

    def __init__(self, message: str, source: str | None = None, entry: str | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.entry = entry


@dataclass(frozen=True, slots=True)
class Term:
    """A tenure: from ``start`` up to, not including, ``end`` (None = ongoing)."""

    start: date
    end: date | None

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def gap_days(self, day: date) -> int:
        """Days ``day`` lies outside the tenure (0 inside)."""
        if day < self.start:
            return (self.start - day).days
        if self.end is not None and day >= self.end:
            return (day - self.end).days
        return 0


@dataclass(frozen=True, slots=True)
class Fact:
    fact_id: str
    office: str
    office_label: str
    holder: str
    terms: tuple[Term, ...]
    pattern: SafePattern | LazyPattern  # matched under a time budget (saferegex)
    source: str
    # the phrase is the writer's own description of something at the time of writing ("the
    # 29-nation alliance"), read like an apposition whatever the tense of its clause: the
    # office's ``describes = true``
    describes: bool = False
    # former holders keep the title by courtesy ("President Obama", "Governor Kasich"): a
    # titled past act is no sign of when the text was written (office key ``courtesy``)
    courtesy: bool = False
    # the fact's name patterns and its office's titles as written in the file: an age beside
    # the name ("Trump, 72,", "the 77-year-old Sen. Bernie Sanders") is read with them (ages)
    names: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    # the title is part of the name for life ("Queen Elizabeth II", "Pope Francis", "Prince
    # Charles"): a bare or past mention is how the person is remembered, so only a clause
    # that presents the holder as sitting dates the text (office key ``for_life``)
    for_life: bool = False

    @property
    def label(self) -> str:
        return f"{self.office_label}: {self.holder}"


@dataclass(frozen=True, slots=True)
class Cue:
    cue_id: str
    where: str  # before | after
    pattern: SafePattern | LazyPattern


@dataclass(frozen=True, slots=True)
class EraRegistry:
    facts: tuple[Fact, ...]
    cues: tuple[Cue, ...]
    sources: tuple[str, ...]
    # fact id -> the facts of the same person in other offices ("Vice President Joe Biden"
    # -> President, Senator, ...): what "former Vice President Joe Biden" says about when it
    # was written depends on the offices he took up later (see staleness)
    same_person: Mapping[str, tuple[Fact, ...]] = field(default_factory=dict)
    # the facts behind their literal screen, built with the registry (``load_eras``): every
    # paragraph of a run is screened, so the registry carries it rather than a module cache
    screen: _Screen | None = field(default=None, compare=False, repr=False)
    # (time language, joint screen of its rules and these facts), one per language the registry
    # was used with (``staleness.DatingKnowledge.of``; a run uses one): the screen costs ~0.4 s
    # to build, and kept here it lives exactly as long as the facts it was built from
    joint_screens: list[tuple[object, object]] = field(
        default_factory=list, init=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Mention:
    """A phrase naming an office holder; ``cue`` is set when it names them in retrospect.
    Spans (and the sentence around it) are offsets into the document text."""

    fact: Fact
    start: int
    end: int
    phrase: str
    sentence_start: int
    sentence_end: int
    cue: str | None = None


# --------------------------------------------------------------------------- validation


def _fail(source: str, entry: str, problem: str) -> EraDataError:
    return EraDataError(f"{source}: entry {entry!r}: {problem}", source, str(entry))


def _compile(pattern: object, source: str, entry: str) -> SafePattern | LazyPattern:
    """A user's pattern is compiled and checked now; a shipped one when a paragraph first
    reaches it (over a thousand facts: compiling them all cost seconds on every run)."""
    if is_shipped(source) and isinstance(pattern, str):
        return LazyPattern(pattern, IGNORECASE, entry, source)
    try:
        return compile_rule(pattern, IGNORECASE, rule=entry, source=source)
    except ValueError as exc:
        raise _fail(source, entry, str(exc)) from exc


def _iso(value: object, source: str, entry: str, key: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise _fail(source, entry, f"{key} {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def _term(raw: dict, source: str, entry: str) -> Term:
    start = _iso(raw.get("start"), source, entry, "start")
    end = _iso(raw.get("end"), source, entry, "end")
    if start is None:
        raise _fail(source, entry, "start date is required")
    if end is not None and end <= start:
        raise _fail(source, entry, f"end {end} is not after start {start}")
    return Term(start, end)


def _terms(raw: dict, source: str, entry: str) -> tuple[Term, ...]:
    listed = raw.get("terms")
    if listed is None:
        return (_term(raw, source, entry),)
    if not isinstance(listed, list) or not listed:
        raise _fail(source, entry, "terms must be a non-empty list of {start, end} tables")
    return tuple(sorted((_term(t, source, entry) for t in listed), key=lambda t: t.start))


def _check_keys(raw: object, allowed: set[str], required: set[str], source: str, entry: str):
    if not isinstance(raw, dict):
        raise _fail(source, entry, "must be a table")
    unknown = set(raw) - allowed
    if unknown:
        raise _fail(source, entry, f"unknown keys {sorted(unknown)}")
    missing = required - set(raw)
    if missing:
        raise _fail(source, entry, f"missing keys {sorted(missing)}")


def _patterns(raw: dict, key: str, source: str, entry: str) -> list[str]:
    values = raw.get(key, [])
    if not isinstance(values, list):
        raise _fail(source, entry, f"{key} must be a list of regexes")
    for value in values:
        _compile(value, source, entry)
    return values


def _strings(raw: dict, keys: tuple[str, ...], source: str, entry: str) -> None:
    for key in keys:
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise _fail(source, entry, f"{key} must be a non-empty string, got {raw[key]!r}")


# --------------------------------------------------------------------------- merging


@dataclass
class _Raw:
    """Entries merged across files, each remembering the file it came from."""

    offices: dict[str, tuple[dict, str]]
    facts: dict[str, tuple[dict, str]]
    cues: dict[str, tuple[dict, str]]


def _entries(data: dict, key: str, source: str) -> list[dict]:
    entries = data.get(key, [])
    if not isinstance(entries, list):
        raise EraDataError(f"{source}: [[{key}]] must be an array of tables")
    return entries


def _merge(raw: _Raw, data: dict, source: str) -> None:
    offices = data.get("offices", {})
    if not isinstance(offices, dict):
        raise EraDataError(f"{source}: [offices] must be a table")
    for key, office in offices.items():
        _check_keys(office, _OFFICE_KEYS, {"label", "titles"}, source, key)
        _patterns(office, "titles", source, key)
        for flag in ("describes", "courtesy", "for_life"):
            if not isinstance(office.get(flag, False), bool):
                raise _fail(source, key, f"{flag} must be true or false, got {office[flag]!r}")
        raw.offices[key] = (office, source)
    for index, fact in enumerate(_entries(data, "facts", source)):
        entry = fact.get("id", f"facts[{index}]") if isinstance(fact, dict) else f"facts[{index}]"
        _check_keys(fact, _FACT_KEYS, {"id", "office", "holder"}, source, entry)
        _strings(fact, ("id", "office", "holder"), source, entry)
        raw.facts[fact["id"]] = (fact, source)
    for index, cue in enumerate(_entries(data, "cues", source)):
        entry = cue.get("id", f"cues[{index}]") if isinstance(cue, dict) else f"cues[{index}]"
        _check_keys(cue, _CUE_KEYS, {"id", "where", "pattern"}, source, entry)
        _strings(cue, ("id", "where"), source, entry)
        raw.cues[cue["id"]] = (cue, source)


# --------------------------------------------------------------------------- building


def _alternation(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


# a country's possessive opening a lower-case title in an apposition: "Theresa May,
# Britain's prime minister", "Britain's prime minister, Theresa May, said" (Guardian and
# Reuters style); the possessive is part of most offices' titles, so only its shape is
# looked ahead at here
_OWNER = r"(?-i:[A-Z][\w.-]*(?:\s+(?-i:[A-Z])[\w.-]*)?)[’']s\s+(?=(?-i:[a-z]))"


def _fact_pattern(titles: list[str], names: list[str], phrases: list[str]) -> str:
    """Title then name ("US President Joe Biden"), name then ", the" title ("Blinken, the
    secretary of state") or a lower-case title with no article ("Joseph Dunford, chairman of
    the Joint Chiefs": news style; a capital there is a list, "Melania Trump, President
    Putin"), or a free phrase ("the Biden administration")."""
    forms = list(phrases)
    if names:
        # "foreign-policy chief", "national-security adviser": house styles hyphenate a
        # title's compound words where the data writes a space
        t, n = _alternation(t.replace(r"\s+", r"[\s-]+") for t in titles), _alternation(names)
        forms += [rf"(?:{t})\s+{_HONORIFIC}(?:{n})",
                  rf"(?:{n}),\s+(?:the\s+(?:(?-i:[a-z])[\w-]*[’']s\s+)?|(?=(?-i:[a-zа-яіїєґё]))|(?={_OWNER}))"
                  rf"(?:{t})(?<![’']s)",
                  rf"(?:the\s+|(?={_OWNER}))(?:{t}),\s+(?:{n})"
                  rf"(?=\s*[,;.)]|\s+(?!(?:and|or)\b)(?-i:[a-z]))"]
    return rf"(?<!\w)(?:{_alternation(forms)})(?!\w)"


def _build_fact(raw: dict, source: str, offices: dict[str, tuple[dict, str]]) -> Fact:
    entry = raw["id"]
    if raw["office"] not in offices:
        raise _fail(source, entry, f"unknown office {raw['office']!r}")
    names = _patterns(raw, "names", source, entry)
    phrases = _patterns(raw, "phrases", source, entry)
    if not names and not phrases:
        raise _fail(source, entry, "needs names or phrases to recognise it")
    office = offices[raw["office"]][0]
    pattern = _compile(_fact_pattern(office["titles"], names, phrases), source, entry)
    return Fact(entry, raw["office"], office["label"], raw["holder"],
                _terms(raw, source, entry), pattern, source, office.get("describes", False),
                office.get("courtesy", False), tuple(names), tuple(office["titles"]),
                office.get("for_life", False))


def _build_cue(raw: dict, source: str) -> Cue:
    entry = raw["id"]
    if raw["where"] not in ("before", "after"):
        raise _fail(source, entry, f"where must be 'before' or 'after', got {raw['where']!r}")
    body = _compile(raw["pattern"], source, entry).pattern
    gap = raw.get("gap", 2)
    if not isinstance(gap, int) or gap < 0:
        raise _fail(source, entry, f"gap must be a whole number >= 0, got {gap!r}")
    if raw["where"] == "before":
        text = rf"(?<!\w)(?:{body})[\s\-]*(?:[^\s.!?;:]+\s+){{0,{gap}}}$"
    else:
        text = rf"^(?:{body})"
    return Cue(entry, raw["where"], _compile(text, source, entry))


def _with_line(err: EraDataError, texts: dict[str, str]) -> EraDataError:
    """The same error with the line of the entry (found by its id) in the file named."""
    text = texts.get(err.source or "")
    line = line_of(text, f'"{err.entry}"', f"'{err.entry}'", f"[offices.{err.entry}]") if text else None
    if not line or err.source is None:
        return err
    message = str(err).replace(f"{err.source}:", f"{located(err.source, line)}:", 1)
    return EraDataError(message, err.source, err.entry)


def load_eras(extra_files: Sequence[str | Path] = ()) -> EraRegistry:
    """The shipped era facts merged with the user's ``extra_files`` (later files win);
    a bad entry raises EraDataError naming file, line and entry."""
    texts = {SHIPPED: data_file("eras.toml")}
    for name, text in data_folder("eras"):  # further shipped files, one a topic
        texts[SHIPPED_PREFIX + name] = text
    for path in extra_files:
        texts[str(path)] = read_user_file(path, EraDataError, "era")
    try:
        return _load_eras(texts)
    except EraDataError as err:
        raise _with_line(err, texts) from err


def _load_eras(texts: dict[str, str]) -> EraRegistry:
    """Merge and build the registry from file texts, shipped first."""
    raw = _Raw({}, {}, {})
    sources = list(texts)
    for source, text in texts.items():
        _merge(raw, parse_toml(text, source, EraDataError), source)
    facts = tuple(_build_fact(f, s, raw.offices) for f, s in raw.facts.values())
    cues = tuple(_build_cue(c, s) for c, s in raw.cues.values())
    return EraRegistry(facts, cues, tuple(sources), _same_person(facts), _build_screen(facts))


def _same_person(facts: Sequence[Fact]) -> dict[str, tuple[Fact, ...]]:
    """Each fact's other facts whose holder is the same person in another office (the
    holder's name without a member of Congress's state; spellings must agree)."""
    by_person: dict[str, list[Fact]] = {}
    for fact in facts:
        by_person.setdefault(person_of(fact.holder), []).append(fact)
    return {f.fact_id: tuple(o for o in group if o.office != f.office)
            for group in by_person.values() if len(group) > 1 for f in group}


# --------------------------------------------------------------------------- mentions


def cue_for(text: str, start: int, end: int, sentence: tuple[int, int],
            cues: Sequence[Cue]) -> str | None:
    """The first retrospective cue ("former", "then-", "колишній") within ``_CONTEXT``
    characters of ``text[start:end]`` inside its sentence, as "cue id: words"; None without
    one. Public: staleness reads a bare surname the way a titled mention is read here."""
    before = text[max(sentence[0], start - _CONTEXT):start]
    after = text[end:min(sentence[1], end + _CONTEXT)]
    for cue in cues:
        found = cue.pattern.search(before if cue.where == "before" else after)
        if found:
            return f"{cue.cue_id}: {found.group(0).strip()}"
    return None


def _outermost(mentions: list[Mention]) -> list[Mention]:
    """Drop a mention nested in a longer one ("President Joe Biden" inside "Vice President
    Joe Biden"); partly overlapping ones ("President Trump's envoy Kellogg") both stay."""
    def nested(m: Mention, k: Mention) -> bool:
        return k.start <= m.start and m.end <= k.end and (k.end - k.start) > (m.end - m.start)

    kept = [m for m in mentions if not any(nested(m, k) for k in mentions)]
    return sorted(kept, key=lambda m: (m.start, m.fact.fact_id))


@dataclass(frozen=True)
class _Screen:
    """Which facts a text can possibly mention, decided by literals rather than regexes."""

    facts: Screened[Fact]

    def facts_for(self, text: str) -> tuple[Fact, ...]:
        """Only the facts whose literals the text holds (plus the unscreened ones)."""
        return self.facts.for_text(text)


def _screen(registry: EraRegistry) -> _Screen:
    """Most paragraphs name no office holder; a literal check says so without running every
    fact's regex (titles x names alternations are slow in ``re``). See ``literals``. The one
    ``load_eras`` built; a registry made by hand without one gets it built for this call."""
    return registry.screen if registry.screen is not None else _build_screen(registry.facts)


def _build_screen(facts: Sequence[Fact]) -> _Screen:
    patterns = [(f.pattern.pattern, f.pattern.flags, f.pattern.trusted) for f in facts]
    # the patterns again, for the word-start check of the few facts a paragraph's literals
    # pass ("ban" of "Ban Ki-moon" inside "urban": see ``literals.word_start_literals``)
    return _Screen(Screened(tuple(facts), required_literals_of(patterns), patterns))


def screened_facts(registry: EraRegistry) -> Screened[Fact]:
    """The registry's facts behind their literal screen (built with the registry)."""
    return _screen(registry).facts


def find_mentions(text: str, registry: EraRegistry, offset: int = 0,
                  facts: Sequence[Fact] | None = None) -> tuple[Mention, ...]:
    """Office-holder mentions in ``text`` with their retrospective cue, if any; spans are
    shifted by ``offset`` (the paragraph's start in its document). ``facts``: those the
    text may mention, when the caller has screened it already (see staleness)."""
    if facts is None:
        facts = _screen(registry).facts_for(text)
    if not facts:
        return ()
    bounds = None  # split on the first match: most screened paragraphs hold none
    found = []
    for fact in facts:
        for match in fact.pattern.finditer(text):
            bounds = bounds if bounds is not None else sentence_bounds(text)
            sentence = sentence_of(bounds, match.start())
            cue = cue_for(text, match.start(), match.end(), sentence, registry.cues)
            found.append(
                Mention(fact, match.start() + offset, match.end() + offset, match.group(0),
                        sentence[0] + offset, sentence[1] + offset, cue)
            )
    return tuple(_outermost(found))
