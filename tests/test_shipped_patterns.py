"""Every pattern of the shipped knowledge compiles and matches something other than the empty
string. Shipped era facts and cue rules are compiled only when a paragraph first reaches them
(saferegex.LazyPattern), so a broken one would otherwise surface only on the page that needs it."""

from __future__ import annotations

import re

import pytest

from dedupe_audit.cues import load_cues
from dedupe_audit.eras import load_eras
from dedupe_audit.outlets import load_registry
from dedupe_audit.saferegex import LazyPattern, compile_rule


def shipped_patterns() -> list[tuple[str, str, int]]:
    eras = load_eras()
    cues = load_cues(load_registry())
    found = [(f.fact_id, f.pattern.pattern, f.pattern.flags) for f in eras.facts]
    found += [(c.cue_id, c.pattern.pattern, c.pattern.flags) for c in eras.cues]
    found += [(r.name, r.pattern.pattern, r.pattern.flags) for r in cues.rules]
    return found


def test_shipped_patterns_are_compiled_lazily() -> None:
    eras = load_eras()
    assert sum(isinstance(f.pattern, LazyPattern) for f in eras.facts) == len(eras.facts) > 1000


def test_every_shipped_pattern_compiles_and_never_matches_empty() -> None:
    problems = []
    for rule, pattern, flags in shipped_patterns():
        try:
            compile_rule(pattern, flags, rule=rule, source="dedupe_audit/data/check")
        except ValueError as err:
            problems.append(f"{rule}: {err}")
    assert problems == []


def test_a_lazy_pattern_compiles_on_first_use_and_answers_like_re() -> None:
    lazy = LazyPattern(r"(?P<who>President\s+\w+)", re.IGNORECASE, "test", "dedupe_audit/data/x.toml")
    assert lazy.groupindex == {"who": 1}
    found = lazy.search("said president Obama on Monday")
    assert found is not None and found.group("who") == "president Obama"
    assert [m.group() for m in lazy.finditer("President A and President B")] == ["President A", "President B"]
    assert lazy.fullmatch("President X") is not None and lazy.match("x President X") is None


@pytest.mark.parametrize("pattern", ["(unclosed", "a*"])
def test_a_bad_shipped_pattern_is_caught_by_the_check(pattern: str) -> None:
    with pytest.raises(ValueError):
        compile_rule(pattern, 0, rule="bad", source="dedupe_audit/data/check")
