"""Every pattern of the shipped knowledge compiles and matches something other than the empty
string. Shipped era facts and cue rules are compiled only when a paragraph first reaches them
(saferegex.LazyPattern), so a broken one would otherwise surface only on the page that needs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe_audit.dating.eras import load_eras
from dedupe_audit.provenance.cues import load_cues
from dedupe_audit.provenance.outlets import load_registry
from dedupe_audit.rules.saferegex import LazyPattern, compile_rule
from dedupe_audit.segment.boilerplate import load_rules


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


# --------------------------------------------------------------------------- backtracking

BOILERPLATE = [rule for rule in load_rules() if rule.pattern is not None]


# Runs a pattern might split between repetitions in many ways: punctuation, separators, spaces.
RUNS = ["—–-" * 10, " ," * 20, " |" * 20, "." * 30, " " * 40, "'’" * 15]


def _spoiled(text: str) -> list[str]:
    """The text with a long run after it (or before it) and a character no rule ends with: the
    classic trigger of backtracking that multiplies, for a rule whose repetition may take such
    a run in many ways."""
    return [*(f"{text}{run}\x00" for run in RUNS), *(f"\x00{run}{text}" for run in RUNS), f"{text}."]


def _near_misses() -> list[tuple[int, str]]:
    """(rule index, text): for every rule, a few texts it matches, spoiled by a long run."""
    found: list[tuple[int, str]] = []
    for index, rule in enumerate(BOILERPLATE):
        pattern = re.compile(rule.pattern.pattern, rule.pattern.flags)

        @settings(max_examples=3, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                         HealthCheck.data_too_large])
        @given(text=st.from_regex(pattern, fullmatch=True))
        def collect(text: str) -> None:
            found.extend((index, spoiled) for spoiled in _spoiled(text))  # noqa: B023 (run at once)

        collect()
    return found


CHILD = """
import json, re, sys
rules, texts = json.load(sys.stdin)
compiled = [re.compile(pattern, flags) for pattern, flags in rules]
for index, text in texts:
    print(index, flush=True)
    compiled[index].fullmatch(text)
print("done", flush=True)
"""


def test_shipped_furniture_rules_answer_near_misses_without_backtracking_blowup() -> None:
    # Shipped rules run on `re` with no time budget (saferegex trusts them), so a rule whose
    # nested repetition backtracks exponentially would stall a run on one odd paragraph. A
    # match made longer and then spoiled at its end is the classic trigger. `re` cannot be
    # interrupted, so a child process runs them and is stopped far above the ~1 s they need.
    rules = [(rule.pattern.pattern, rule.pattern.flags) for rule in BOILERPLATE]
    job = json.dumps([rules, _near_misses()])
    try:
        done = subprocess.run([sys.executable, "-c", CHILD], input=job, capture_output=True,
                              text=True, timeout=60, check=True)
    except subprocess.TimeoutExpired as stalled:
        last = (stalled.stdout or b"").split()[-1:]
        stuck = BOILERPLATE[int(last[0])].name if last else "?"
        pytest.fail(f"a shipped furniture rule backtracks without end: {stuck}")
    assert done.stdout.split()[-1] == "done"
