"""Site furniture rules, loaded from TOML so a user can add their own.

A rule matches a whole paragraph, never a part of one: furniture is a line of its own on a
scraped page, and matching inside article text would hide real content.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .datafiles import data_file, named_entry, parse_toml, read_user_file
from .saferegex import IGNORECASE, RuleFileError, SafePattern, compile_rule

# A rule file that cannot be used; the message names the file, the line and the rule. One name
# for every loader's error (cues, eras, outlets derive from it), so callers catch them all.
RuleError = RuleFileError


@dataclass(frozen=True)
class BoilerplateRule:
    name: str
    description: str
    pattern: SafePattern | None  # matched under a time budget (saferegex)
    phrases: frozenset[str]
    max_words: int | None
    source: str

    def matches(self, text: str) -> bool:
        if self.max_words is not None and len(text.split()) > self.max_words:
            return False
        if self.phrases and _phrase_key(text) in self.phrases:
            return True
        return bool(self.pattern is not None and self.pattern.fullmatch(text))


def _phrase_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.strip(" \t:.-–—•·|>»").split())


_KEYS = frozenset({"name", "description", "pattern", "phrases", "max_words", "case_sensitive"})


def _parse_rule(raw: object, source: str, position: int, text: str = "") -> BoilerplateRule:
    raw, name, where = named_entry(raw, source, position, "rule", _KEYS, RuleError, text)
    pattern_text = raw.get("pattern")
    phrases = raw.get("phrases", [])
    if pattern_text is None and not phrases:
        raise RuleError(f"{where}: needs 'pattern' or 'phrases'")
    if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
        raise RuleError(f"{where}: 'phrases' must be a list of strings")
    pattern = None
    if pattern_text is not None:
        if not isinstance(pattern_text, str):
            raise RuleError(f"{where}: 'pattern' must be a string")
        flags = 0 if raw.get("case_sensitive") else IGNORECASE
        try:
            pattern = compile_rule(pattern_text, flags, rule=name, source=source)
        except ValueError as err:
            raise RuleError(f"{where}: bad pattern: {err}") from err
    max_words = raw.get("max_words")
    if max_words is not None and (not isinstance(max_words, int) or max_words < 1):
        raise RuleError(f"{where}: 'max_words' must be a positive integer")
    return BoilerplateRule(
        name=name,
        description=str(raw.get("description", "")),
        pattern=pattern,
        phrases=frozenset(_phrase_key(p) for p in phrases),
        max_words=max_words,
        source=source,
    )


def parse_rules(text: str, source: str) -> tuple[BoilerplateRule, ...]:
    data = parse_toml(text, source, RuleError)
    rules = data.get("rule", [])
    if not isinstance(rules, list):
        raise RuleError(f"{source}: 'rule' must be an array of tables ([[rule]])")
    return tuple(_parse_rule(raw, source, i + 1, text) for i, raw in enumerate(rules))


@lru_cache(maxsize=8)
def load_rules(extra_files: tuple[str, ...] = ()) -> tuple[BoilerplateRule, ...]:
    """User rules first (they take precedence), then the shipped ones."""
    user: list[BoilerplateRule] = []
    for path in extra_files:
        user.extend(parse_rules(read_user_file(path, RuleError, "rule"), path))
    shipped = data_file("boilerplate.toml")
    return (*user, *parse_rules(shipped, "dedupe_audit/data/boilerplate.toml"))


def classify(text: str, rules: Sequence[BoilerplateRule]) -> str | None:
    """Name of the first rule that matches the whole paragraph, or None for body text."""
    stripped = text.strip()
    for rule in rules:
        if rule.matches(stripped):
            return rule.name
    return None
