"""Dates and time expressions found in text, for page dating and staleness.

The words of every language live in ``data/dates.toml``; this module only turns them into
patterns. Dates are read day-first ("26.04.25" is 26 April 2025), the way the EN/UK/RU
news sites this tool targets print them.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

_YEAR = r"(?:19|20)\d\d"
T = TypeVar("T")


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
    pattern: re.Pattern[str]
    from_offset: int | None
    to_offset: int | None


@dataclass(frozen=True, slots=True)
class RelativeRule:
    rule_id: str
    pattern: re.Pattern[str]
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


@dataclass(frozen=True, slots=True)
class TimeLanguage:
    date_patterns: tuple[tuple[str, re.Pattern[str]], ...]
    months: dict[str, int]
    published: re.Pattern[str]
    updated: re.Pattern[str]
    anchored: tuple[AnchoredRule, ...]
    relative: tuple[RelativeRule, ...]


# --------------------------------------------------------------------------- loading


def _alternation(words: list[str]) -> str:
    """Longest first, so "sept" wins over "sep"."""
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


def _date_patterns(month_alt: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Shapes of a written date; the name says how to read the groups."""
    clock = r"(?:,?\s+(?P<hh>\d{1,2}):(?P<mm>\d{2}))?"
    shapes = {
        "numeric": r"(?<![\d.])(?P<d>\d{1,2})(?P<sep>[./])(?P<m>\d{1,2})(?P=sep)"
        r"(?P<y>\d{4}|\d{2})(?![\d])" + clock,
        "iso": r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)"
        r"(?:T(?P<hh>\d{2}):(?P<mm>\d{2}))?",
        "day-month-year": rf"(?<!\d)(?P<d>\d{{1,2}})\s+(?P<mon>{month_alt})\.?,?\s+"
        rf"(?P<y>{_YEAR})(?!\d)" + clock,
        "month-day-year": rf"\b(?P<mon>{month_alt})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>{_YEAR})(?!\d)"
        + clock,
        "month-year": rf"\b(?P<mon>{month_alt})\.?\s+(?P<y>{_YEAR})(?!\d)",
        "year": rf"(?<![\d$€£.,])(?P<y>{_YEAR})(?![\d%])",
    }
    return tuple((name, re.compile(p, re.IGNORECASE)) for name, p in shapes.items())


def _cue_pattern(cues: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(cues) + r")\b\W{0,3}$", re.IGNORECASE)


def _anchored(entries: list[dict]) -> tuple[AnchoredRule, ...]:
    return tuple(
        AnchoredRule(e["id"], re.compile(e["pattern"], re.IGNORECASE), e.get("from"), e.get("to"))
        for e in entries
    )


def _relative(entries: list[dict]) -> tuple[RelativeRule, ...]:
    return tuple(
        RelativeRule(e["id"], re.compile(e["pattern"], re.IGNORECASE), e["unit"], e["offset"])
        for e in entries
    )


def parse_time_language(data: dict) -> TimeLanguage:
    """Build the patterns from the TOML table (split out so tests can pass their own)."""
    months = {word.lower(): int(num) for num, words in data["months"].items() for word in words}
    cues = data["stamp_cues"]
    return TimeLanguage(
        date_patterns=_date_patterns(_alternation(list(months))),
        months=months,
        published=_cue_pattern(cues["published"]),
        updated=_cue_pattern(cues["updated"]),
        anchored=_anchored(data.get("anchored", [])),
        relative=_relative(data.get("relative", [])),
    )


@cache
def time_language(path: str | None = None) -> TimeLanguage:
    """The shipped time language (or one read from ``path``), parsed once."""
    if path is None:
        text = resources.files("dedupe_audit").joinpath("data/dates.toml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return parse_time_language(tomllib.loads(text))


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


def _period(shape: str, g: dict[str, str], months: dict[str, int]) -> tuple[date, date] | None:
    """The first and last day a matched date shape covers, or None if it is no date."""
    if shape == "year":
        y = int(g["y"])
        return date(y, 1, 1), date(y, 12, 31)
    if shape == "month-year":
        y, m = int(g["y"]), months[g["mon"].lower()]
        return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    if shape == "numeric":
        day = _numeric_date(g)
    else:
        m = months[g["mon"].lower()] if "mon" in g else int(g["m"])
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
    lang = lang or time_language()
    hits: list[DateHit] = []
    for shape, pattern in lang.date_patterns:
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


# --------------------------------------------------------------------------- expressions


def _named_year(match: re.Match[str]) -> int | None:
    for name, value in match.groupdict().items():
        if name.startswith("year") and value:
            return int(value)
    return None


def _anchored_hits(text: str, lang: TimeLanguage, offset: int) -> list[TimeHit]:
    hits = []
    for rule in lang.anchored:
        for match in rule.pattern.finditer(text):
            year = _named_year(match)
            if year is None:
                continue
            first = date(year + rule.from_offset, 1, 1) if rule.from_offset is not None else None
            last = date(year + rule.to_offset, 12, 31) if rule.to_offset is not None else None
            hits.append(
                TimeHit(rule.rule_id, match.start() + offset, match.end() + offset,
                        match.group(0), first, last, True)
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


def _relative_hits(text: str, lang: TimeLanguage, page: date | None, offset: int) -> list[TimeHit]:
    hits = []
    for rule in lang.relative:
        for match in rule.pattern.finditer(text):
            first, last = _shift(page, rule.unit, rule.offset) if page else (None, None)
            hits.append(
                TimeHit(rule.rule_id, match.start() + offset, match.end() + offset,
                        match.group(0), first, last, False)
            )
    return hits


def find_time_expressions(
    text: str, page: date | None, lang: TimeLanguage | None = None, offset: int = 0
) -> tuple[TimeHit, ...]:
    """Anchored expressions (which decide) and relative ones resolved against ``page``."""
    lang = lang or time_language()
    hits = _anchored_hits(text, lang, offset) + _relative_hits(text, lang, page, offset)
    return tuple(_keep_longest(hits, lambda h: (h.start, h.end)))
