"""Dates and time expressions found in text, for page dating and staleness.

The words of every language live in ``data/dates.toml``; this module only turns them into
patterns. Dates are read day-first ("26.04.25" is 26 April 2025), the way the EN/UK/RU
news sites this tool targets print them.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import TypeVar

from ..model import SegmentedDocument
from ..rules.datafiles import data_file, parse_toml, read_user_file
from ..rules.knowledge_cache import compile_pattern
from ..rules.literals import Need, Screened, fold, required_literals_of, trie_pattern
from ..rules.saferegex import IGNORECASE, RuleFileError, SafePattern, compile_rule, line_of, located
from .tense import future_clause, narrated_in_past

_YEAR = r"(?:19|20)\d\d"
# What each date shape cannot match without: one cheap scan spares the month-name
# alternations (three languages, case-insensitive) on the many paragraphs with no year.
_SHAPE_NEEDS = {
    "numeric": re.compile(r"\d[./]\d"),
    "iso": re.compile(r"\d{4}-\d\d"),
}
_NEEDS_YEAR = re.compile(_YEAR)
# Any of the above, in one scan that skips to digits (tests check it against them): most
# paragraphs hold no date, and a paragraph is dated twice (page date, staleness).
_ANY_SHAPE = re.compile(r"\d(?:[./]\d|\d{3}-\d\d|(?<=1)9\d\d|(?<=2)0\d\d)")
T = TypeVar("T")
SHIPPED = "dedupe_audit/data/dates.toml"
UNITS = frozenset({"day", "week", "month", "year"})


class TimeLanguageError(RuleFileError):
    """A bad dates file; the message names the file, the line and the entry."""


@dataclass(frozen=True, slots=True)
class DateHit:
    """A date or period written in the text; ``first``/``last`` bound it (inclusive)."""

    start: int
    end: int
    phrase: str
    first: date
    last: date
    has_time: bool = False


@dataclass(frozen=True, slots=True)
class AnchoredRule:
    rule_id: str
    pattern: SafePattern  # a user pattern, matched under a time budget
    from_offset: int | None
    to_offset: int | None
    # the year only dates the text when its clause speaks of it as still to come
    # ("will ship by the end of 2020"); past narration ("had shipped by 2020") does not
    future: bool = False
    # a recurring event ("this year's midterms"): event years are year % cycle == phase,
    # ``shift`` years after the writing; None for a rule that names its year
    cycle: int | None = None
    phase: int = 0
    shift: int = 0
    # the year only dates the text when its sentence is not narrated in the past: "18 years
    # after the 2001 invasion, troops remain" is written in 2019; "in 2019, 18 years after
    # the invasion, troops remained" may be written any time later
    present: bool = False
    # number words a ``count*`` group may catch ("eighteen years after 2001"), from the
    # file's [numbers] table; a count is added to the year
    numbers: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RelativeRule:
    rule_id: str
    pattern: SafePattern
    unit: str
    offset: int


@dataclass(frozen=True, slots=True)
class TimeHit:
    """A time expression: ``first``/``last`` bound when it says the text was written
    (anchored) or what period it refers to (relative, resolved against the page date)."""

    rule: str
    start: int
    end: int
    phrase: str
    first: date | None
    last: date | None
    deciding: bool
    # the window was read off the page date ("this year's midterms": the latest midterm year
    # up to the page's): it agrees with the page by construction, so in a conflict it yields
    page_relative: bool = False


@dataclass(frozen=True, slots=True)
class PresentDay:
    """When a present-tense sentence that names one day speaks from that day (the caption
    shape "Trump walks in with Defense Secretary Jim Mattis ... on July 11, 2018"; see
    staleness): ``not_after`` the words
    right before a date that make it a period's edge rather than the sentence's now ("since
    July 11, 2018"), ``frames`` the sentence frames that make the present an archive's
    ("In this July 11, 2018 file photo"), ``lead_words`` how many words must come before the
    date in its sentence (a sentence opened by its date is a timeline's entry)."""

    not_after: re.Pattern[str]
    frames: re.Pattern[str]
    lead_words: int


@dataclass(frozen=True, slots=True)
class TimeLanguage:
    date_patterns: tuple[tuple[str, re.Pattern[str]], ...]
    months: dict[str, int]
    published: re.Pattern[str]
    updated: re.Pattern[str]
    anchored: tuple[AnchoredRule, ...]
    relative: tuple[RelativeRule, ...]
    # Most paragraphs hold no time expression: each rule is run only on texts holding
    # the literals its own pattern needs (see literals).
    rules: Screened[AnchoredRule | RelativeRule]  # anchored, then relative
    # what a year names when it stands before these words ("the 2018 midterms"): an event
    # that may still be ahead, not the time a sentence narrates (see staleness)
    scheduled: re.Pattern[str] | None = None
    present_day: PresentDay | None = None  # see PresentDay; None: the rule is off


# --------------------------------------------------------------------------- loading


def _alternation(words: Iterable[str]) -> str:
    """Longest first, so "sept" wins over "sep"; as a tree of folded words, which `re`
    scans several times faster than a flat list and which matches the same text."""
    return trie_pattern({fold(w) for w in words})


def _first_letters(words: Iterable[str]) -> str:
    """A lookahead for the letters the words start with: one class test rejects most
    positions, where trying the alternation tests each first letter in turn."""
    firsts = {fold(w)[:1] for w in words}
    if not firsts or "" in firsts:  # no words, or an empty one: any position may do
        return ""
    return "(?=[" + "".join(sorted(map(re.escape, firsts))) + "])"


def _date_patterns(months: Iterable[str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Shapes of a written date; the name says how to read the groups. Each starts with a
    lookahead its match needs anyway, so `re` skips most positions at once."""
    month_alt, month = _alternation(months), _first_letters(months)
    clock = r"(?:,?\s+(?P<hh>\d{1,2}):(?P<mm>\d{2}))?"
    shapes = {
        "numeric": r"(?=\d)(?<![\d.])(?P<d>\d{1,2})(?P<sep>[./])(?P<m>\d{1,2})(?P=sep)"
        r"(?P<y>\d{4}|\d{2})(?![\d])" + clock,
        "iso": r"(?=\d)(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)"
        r"(?:T(?P<hh>\d{2}):(?P<mm>\d{2}))?",
        "day-month-year": rf"(?=\d)(?<!\d)(?P<d>\d{{1,2}})\s+(?P<mon>{month_alt})\.?,?\s+"
        rf"(?P<y>{_YEAR})(?!\d)" + clock,
        "month-day-year": rf"\b{month}(?P<mon>{month_alt})\.?\s+(?P<d>\d{{1,2}}),?\s+"
        rf"(?P<y>{_YEAR})(?!\d)" + clock,
        "month-year": rf"\b{month}(?P<mon>{month_alt})\.?\s+(?P<y>{_YEAR})(?!\d)",
        "year": rf"(?=\d)(?<![\d$€£.,])(?P<y>{_YEAR})(?![\d%])",
    }
    return tuple((name, compile_pattern(p, re.IGNORECASE)) for name, p in shapes.items())


def _cue_pattern(cues: list[str]) -> re.Pattern[str]:
    return compile_pattern(r"\b(?:" + "|".join(cues) + r")\b\W{0,3}$", re.IGNORECASE)


def _entry(raw: object, key: str, index: int, source: str) -> tuple[str, SafePattern]:
    """Validate one [[anchored]]/[[relative]] entry: its id and its compiled pattern."""
    if not isinstance(raw, dict):
        raise TimeLanguageError(f"{source}: {key}[{index}]: must be a table")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise TimeLanguageError(f"{source}: {key}[{index}]: missing 'id'")
    try:
        return rule_id, compile_rule(raw.get("pattern"), IGNORECASE, rule=rule_id, source=source)
    except ValueError as err:
        raise TimeLanguageError(f"{source}: entry {rule_id!r}: {err}") from err


def _offset(raw: dict, key: str, rule_id: str, source: str, required: bool) -> int | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 100:
        raise TimeLanguageError(f"{source}: entry {rule_id!r}: {key} must be a whole number of units")
    return value


def _anchored(entries: list[dict], source: str = SHIPPED,
              numbers: Mapping[str, int] | None = None) -> tuple[AnchoredRule, ...]:
    rules = []
    for index, raw in enumerate(entries):
        rule_id, pattern = _entry(raw, "anchored", index, source)
        first = _offset(raw, "from", rule_id, source, required=False)
        future, present = raw.get("future", False), raw.get("present", False)
        if not isinstance(future, bool) or not isinstance(present, bool):
            raise TimeLanguageError(
                f"{source}: entry {rule_id!r}: future and present must be true or false")
        cycle = raw.get("cycle")
        if cycle is not None and (isinstance(cycle, bool) or not isinstance(cycle, int)
                                  or not 1 <= cycle <= 100):
            raise TimeLanguageError(f"{source}: entry {rule_id!r}: cycle must be 1 to 100 years")
        phase = _offset(raw, "phase", rule_id, source, required=False) or 0
        shift = _offset(raw, "shift", rule_id, source, required=False) or 0
        rules.append(AnchoredRule(rule_id, pattern, first, _offset(raw, "to", rule_id, source, False),
                                  future, cycle, phase, shift, present, numbers or {}))
    return tuple(rules)


def _numbers(data: dict, source: str) -> dict[str, int]:
    """The [numbers] table: number words a count in a rule may be written with."""
    table = data.get("numbers", {})
    if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100
            for k, v in table.items()):
        raise TimeLanguageError(f"{source}: [numbers] must map words to whole numbers 0 to 100")
    return {fold(k): v for k, v in table.items()}


def _relative(entries: list[dict], source: str = SHIPPED) -> tuple[RelativeRule, ...]:
    rules = []
    for index, raw in enumerate(entries):
        rule_id, pattern = _entry(raw, "relative", index, source)
        if raw.get("unit") not in UNITS:
            raise TimeLanguageError(f"{source}: entry {rule_id!r}: unit must be one of {sorted(UNITS)}")
        offset = _offset(raw, "offset", rule_id, source, required=True)
        rules.append(RelativeRule(rule_id, pattern, raw["unit"], offset or 0))
    return tuple(rules)


def _words(data: dict, source: str) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Month words and stamp cues, checked: a typo must not turn into a crash later."""
    months, cues = data.get("months"), data.get("stamp_cues")
    if not isinstance(months, dict) or not isinstance(cues, dict):
        raise TimeLanguageError(f"{source}: needs [months] and [stamp_cues] tables")
    try:  # keyed as the patterns match them (see month_number)
        table = {fold(str(w)): int(num) for num, words in months.items() for w in words}
    except (TypeError, ValueError) as err:
        raise TimeLanguageError(f"{source}: [months] must map month numbers to word lists") from err
    if not all(1 <= n <= 12 for n in table.values()):
        raise TimeLanguageError(f"{source}: [months] numbers must be 1 to 12")
    for key in ("published", "updated"):
        words = cues.get(key)
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
            raise TimeLanguageError(f"{source}: stamp_cues.{key} must be a list of patterns")
        try:
            _cue_pattern(words)
        except re.error as err:
            raise TimeLanguageError(f"{source}: stamp_cues.{key}: bad regex: {err}") from err
    return table, cues


def _needs(patterns: Iterable[SafePattern]) -> Sequence[Need | None]:
    """What each pattern needs a text to hold; it may be the user's (see literals)."""
    return required_literals_of((p.pattern, p.flags, p.trusted) for p in patterns)


def parse_time_language(data: dict, source: str = SHIPPED) -> TimeLanguage:
    """Build the patterns from the TOML table (split out so tests can pass their own)."""
    months, cues = _words(data, source)
    shapes = _date_patterns(months)
    rules = (*_anchored(data.get("anchored", []), source, _numbers(data, source)),
             *_relative(data.get("relative", []), source))
    return TimeLanguage(
        date_patterns=shapes,
        months=months,
        published=_cue_pattern(cues["published"]),
        updated=_cue_pattern(cues["updated"]),
        anchored=tuple(r for r in rules if isinstance(r, AnchoredRule)),
        relative=tuple(r for r in rules if isinstance(r, RelativeRule)),
        rules=Screened(rules, _needs(r.pattern for r in rules),
                       [(r.pattern.pattern, r.pattern.flags, r.pattern.trusted) for r in rules]),
        scheduled=_scheduled(data.get("scheduled_events", []), source),
        present_day=_present_day(data.get("present_day"), source),
    )


def _present_day(raw: object, source: str) -> PresentDay | None:
    """The ``[present_day]`` table (see ``PresentDay``); None when the file has none."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise TimeLanguageError(f"{source}: present_day must be a table")
    try:
        lead = int(raw.get("lead_words", 0))
        words = {key: raw.get(key, []) for key in ("not_after", "frames")}
        if not all(isinstance(v, list) and all(isinstance(w, str) and w for w in v)
                   for v in words.values()):
            raise TypeError("not_after and frames must be lists of patterns")
        not_after = re.compile(r"(?:^|[\s(])(?:" + "|".join(f"(?:{w})" for w in words["not_after"])
                               + r")\s+(?:(?:on|the|of)\s+)?$", re.IGNORECASE)
        frames = re.compile("|".join(f"(?:{w})" for w in words["frames"]) or r"(?!)", re.IGNORECASE)
    except (TypeError, ValueError, re.error) as err:
        raise TimeLanguageError(f"{source}: present_day: {err}") from err
    return PresentDay(not_after, frames, lead)


def _scheduled(words: object, source: str) -> re.Pattern[str] | None:
    """The words after a year that make it an event's name ("2018 midterms")."""
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise TimeLanguageError(f"{source}: scheduled_events must be a list of patterns")
    if not words:
        return None
    try:
        return compile_pattern(r"\s+(?:U\.?S\.?\s+)?(?:" + "|".join(f"(?:{w})" for w in words) + r")\b",
                               re.IGNORECASE)
    except re.error as err:
        raise TimeLanguageError(f"{source}: scheduled_events: bad regex: {err}") from err


@cache
def time_language(path: str | None = None) -> TimeLanguage:
    """The shipped time language (or one read from ``path``), parsed once."""
    source = SHIPPED if path is None else path
    text = data_file("dates.toml") if path is None else read_user_file(path, TimeLanguageError, "dates")
    data = parse_toml(text, source, TimeLanguageError)
    try:
        return parse_time_language(data, source)
    except TimeLanguageError as err:
        found = re.search(r"entry '([^']+)'", str(err))
        line = line_of(text, f'"{found.group(1)}"', f"'{found.group(1)}'") if found else None
        raise TimeLanguageError(str(err).replace(f"{source}:", f"{located(source, line)}:", 1)) from err


# --------------------------------------------------------------------------- dates


def _year(raw: str) -> int:
    """Two-digit years are this century's: news scraped today is not from the 1920s."""
    value = int(raw)
    return value + 2000 if len(raw) == 2 else value


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _numeric_date(g: dict[str, str]) -> date | None:
    """Day-first; a slash date that cannot be day-first is read month-first (US style)."""
    y, a, b = _year(g["y"]), int(g["d"]), int(g["m"])
    found = _safe_date(y, b, a)
    if found is None and g.get("sep") == "/":
        found = _safe_date(y, a, b)
    return found


def month_number(matched: str, months: dict[str, int]) -> int | None:
    """The month a matched month word names, looked up by the folding the case-insensitive
    patterns match by: they match "ſeptember" (long s) or "ᲂктября" (narrow o) as well as
    the plain spellings, which ``str.lower`` would not turn into a known key. Never None for
    text the month patterns matched (tests check it): the ``get`` only keeps a scraped page
    from ever crashing a run."""
    return months.get(fold(matched))


def _period(shape: str, g: dict[str, str], months: dict[str, int]) -> tuple[date, date] | None:
    """The first and last day a matched date shape covers, or None if it is no date."""
    if shape == "year":
        y = int(g["y"])
        return date(y, 1, 1), date(y, 12, 31)
    if shape == "numeric":
        day = _numeric_date(g)
        return (day, day) if day else None
    m = month_number(g["mon"], months) if "mon" in g else int(g["m"])
    if m is None:
        return None
    if shape == "month-year":
        y = int(g["y"])
        return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    day = _safe_date(_year(g["y"]), m, int(g["d"]))
    return (day, day) if day else None


def _keep_longest(hits: list[T], span: Callable[[T], tuple[int, int]]) -> list[T]:
    """Drop hits overlapping a longer one: "25 April 2025" beats its own "2025"."""
    kept: list[T] = []
    for hit in sorted(hits, key=lambda h: (-(span(h)[1] - span(h)[0]), span(h)[0])):
        s, e = span(hit)
        if all(e <= span(k)[0] or s >= span(k)[1] for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: span(h)[0])


def find_dates(text: str, lang: TimeLanguage | None = None, offset: int = 0) -> tuple[DateHit, ...]:
    """Every date, month or year written in ``text``; spans shifted by ``offset``."""
    if not _ANY_SHAPE.search(text):
        return ()
    lang = lang or time_language()
    hits: list[DateHit] = []
    has_year = None
    for shape, pattern in lang.date_patterns:
        needs = _SHAPE_NEEDS.get(shape)
        if needs is None:
            has_year = bool(_NEEDS_YEAR.search(text)) if has_year is None else has_year
            if not has_year:
                continue
        elif not needs.search(text):
            continue
        for match in pattern.finditer(text):
            groups = {k: v for k, v in match.groupdict().items() if v is not None}
            bounds = _period(shape, groups, lang.months)
            if bounds is None:
                continue
            hits.append(
                DateHit(
                    match.start() + offset,
                    match.end() + offset,
                    match.group(0),
                    bounds[0],
                    bounds[1],
                    "hh" in groups,
                )
            )
    return tuple(_keep_longest(hits, lambda h: (h.start, h.end)))


def page_paragraph_dates(seg: SegmentedDocument, lang: TimeLanguage) -> tuple[tuple[DateHit, ...], ...]:
    """:func:`find_dates` (offset 0) of each paragraph of one page."""
    return tuple(find_dates(p.text, lang) for p in seg.paragraphs)


# --------------------------------------------------------------------------- expressions


def _named_year(match: re.Match[str], numbers: Mapping[str, int] | None = None) -> int | None:
    """The year a ``year*`` group caught, plus the years a ``count*`` group caught ("four
    years ago, in 2014" -> 2018: digits or a word of ``numbers``); a user's group may catch
    no whole number."""
    year, count = None, 0
    for name, value in match.groupdict().items():
        if not value:
            continue
        if name.startswith("year"):
            try:
                year = int(value)
            except ValueError:
                return None
        elif name.startswith("count"):
            found = int(value) if value.isdigit() else (numbers or {}).get(fold(value))
            if found is None:
                return None
            count = found
    return None if year is None else year + count


def _year_window(rule: AnchoredRule, year: int) -> tuple[date | None, date | None] | None:
    """When text naming ``year`` so was written; None past the calendar's ends (a user's
    pattern may catch "9999" and say "the year after")."""
    try:
        first = date(year + rule.from_offset, 1, 1) if rule.from_offset is not None else None
        last = date(year + rule.to_offset, 12, 31) if rule.to_offset is not None else None
    except (ValueError, OverflowError):
        return None
    return first, last


def _cycle_window(rule: AnchoredRule, page: date | None) -> tuple[date, date] | None:
    """The latest year up to the page's in which the recurring event, ``shift`` years on,
    falls on its cycle: when "this year's midterms" can have been written."""
    if page is None or rule.cycle is None:
        return None
    year = page.year
    while (year + rule.shift) % rule.cycle != rule.phase % rule.cycle:
        year -= 1
    try:
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def _anchored_hits(text: str, rules: Iterable[AnchoredRule], offset: int,
                   page: date | None = None) -> list[TimeHit]:
    hits = []
    for rule in rules:
        for match in rule.pattern.finditer(text):
            if rule.cycle is not None:
                cycled = _cycle_window(rule, page)
                if cycled is not None:
                    hits.append(TimeHit(rule.rule_id, match.start() + offset,
                                        match.end() + offset, match.group(0), *cycled, True, True))
                continue
            year = _named_year(match, rule.numbers)
            window = None if year is None else _year_window(rule, year)
            if window is None:
                continue
            if rule.future and future_clause(text, match.start(), match.end()) is None:
                continue  # the year is narrated, not awaited
            if rule.present and narrated_in_past(text, match.start(), match.end()):
                continue
            hits.append(
                TimeHit(rule.rule_id, match.start() + offset, match.end() + offset,
                        match.group(0), *window, True)
            )
    return hits


def _shift(page: date, unit: str, offset: int) -> tuple[date, date]:
    """The day, week (Mon-Sun), month or year ``offset`` units from the page date."""
    if unit == "day":
        day = page + timedelta(days=offset)
        return day, day
    if unit == "week":
        monday = page - timedelta(days=page.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(days=6)
    if unit == "month":
        index = page.year * 12 + page.month - 1 + offset
        y, m = divmod(index, 12)
        return date(y, m + 1, 1), date(y, m + 1, calendar.monthrange(y, m + 1)[1])
    y = page.year + offset
    return date(y, 1, 1), date(y, 12, 31)


def _resolved(page: date | None, unit: str, offset: int) -> tuple[date | None, date | None]:
    """The period a relative expression names on ``page``; unknown without a page date, or
    when it falls off the calendar (a scraped "31.12.9999" stamp, then "tomorrow")."""
    if page is None:
        return None, None
    try:
        return _shift(page, unit, offset)
    except (OverflowError, ValueError):
        return None, None


def _relative_hits(text: str, rules: Iterable[RelativeRule], page: date | None,
                   offset: int) -> list[TimeHit]:
    hits = []
    for rule in rules:
        for match in rule.pattern.finditer(text):
            first, last = _resolved(page, rule.unit, rule.offset)
            hits.append(
                TimeHit(rule.rule_id, match.start() + offset, match.end() + offset,
                        match.group(0), first, last, False)
            )
    return hits


def find_time_expressions(
    text: str, page: date | None, lang: TimeLanguage | None = None, offset: int = 0,
    rules: Sequence[AnchoredRule | RelativeRule] | None = None,
) -> tuple[TimeHit, ...]:
    """Anchored expressions (which decide) and relative ones resolved against ``page``.
    ``rules``: those the text may match, when the caller has screened it already."""
    if rules is None:
        rules = (lang or time_language()).rules.for_text(text)
    if not rules:
        return ()
    anchored = [r for r in rules if isinstance(r, AnchoredRule)]
    relative = [r for r in rules if isinstance(r, RelativeRule)]
    hits = _anchored_hits(text, anchored, offset, page) + _relative_hits(text, relative, page, offset)
    return tuple(_keep_longest(hits, lambda h: (h.start, h.end)))
