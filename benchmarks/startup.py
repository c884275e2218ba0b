"""Start-up and knowledge-loading costs: what a small run (a CI gate, a pre-commit hook) pays.

Run: python benchmarks/startup.py [--runs 5] [--paragraphs 20000]

Prints, each against a baseline measured in the same process (so the machine's load at the time
affects both alike):

1. the literal screen of era facts and time rules (``staleness``' joint screen): building it and
   screening each paragraph of a generated corpus (``throughput.build_corpus``) with the
   Aho-Corasick finder, against regex trees of the same literals (what it used before);
2. reading the literals of every era pattern: computed (``read_literals``) against answered by
   the knowledge cache;
3. the programs of the cue rules holding every outlet alias: ``re.compile`` against rebuilt from
   the knowledge cache;
4. wall seconds (median of ``--runs``, after one warm-up run that fills the cache) of
   ``dedupe-audit --version``, ``python -c "import dedupe_audit.cli"`` and
   ``dedupe-audit audit samples/ -q --no-config``, each in its own process, the last also with
   ``DEDUPE_AUDIT_NO_CACHE=1`` (the baseline: everything computed on every start).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def best_of(work: Callable[[], object], rounds: int = 3) -> float:
    """Fewest seconds of ``rounds`` runs of ``work``."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def line(what: str, new: float, old: float, unit: str = "s", scale: float = 1.0) -> None:
    print(f"{what:<58} {new * scale:10.3f} {unit} vs {old * scale:10.3f} {unit}  ({old / new:5.1f}x)")


class _TreeFinder:
    """The literals a folded text holds, from regex trees (one a script): what the screen
    used before it required pyahocorasick, kept here as the baseline."""

    def __init__(self, keys: set[str]) -> None:
        from dedupe_audit.rules.literals import trie_pattern

        ascii_keys = {key for key in keys if key.isascii()}
        finders = [re.compile(trie_pattern(part)) for part in (ascii_keys, keys - ascii_keys) if part]
        self._finders = tuple(finders)
        self._ascii_finders = tuple(finders[:1]) if ascii_keys else ()
        # a key found is found with every key inside it ("year" in "years")
        self._within = {key: tuple(sorted(o for o in keys if o in key)) for key in keys}

    def found(self, folded: str) -> set[str]:
        keys: set[str] = set()
        for finder in self._ascii_finders if folded.isascii() else self._finders:
            hit = finder.search(folded)
            while hit is not None:
                keys.update(self._within[hit.group()])
                hit = finder.search(folded, hit.start() + 1)
        return keys


def screens(paragraphs: int) -> None:
    from dataclasses import replace

    from throughput import build_corpus

    from dedupe_audit.dating.eras import load_eras, screened_facts
    from dedupe_audit.dating.time_expressions import time_language
    from dedupe_audit.rules.literals import LiteralScreen

    eras, lang = load_eras(), time_language()
    facts = screened_facts(eras)
    needs = (*lang.rules.screen.needs, *facts.screen.needs)
    texts = build_corpus(paragraphs).texts
    def build() -> LiteralScreen:
        screen = LiteralScreen(needs)
        screen.found("")  # the index is built on first use
        return screen

    def build_trees() -> LiteralScreen:
        screen = LiteralScreen(needs)
        screen.__dict__["_index"] = replace(screen._index, finder=_TreeFinder(set(screen.literals)))
        return screen

    automaton = best_of(build)
    trees = best_of(build_trees, rounds=1)
    tree_screen = build_trees()
    screen = build()
    line("joint screen of era facts and time rules: build", automaton, trees)
    per_new = best_of(lambda: [screen.may_match(t) for t in texts]) / len(texts)
    per_old = best_of(lambda: [tree_screen.may_match(t) for t in texts]) / len(texts)
    line(f"  screening a paragraph ({len(texts):,} generated)", per_new, per_old, "us", 1e6)
    assert all(screen.may_match(t) == tree_screen.may_match(t) for t in texts[:2000])


def caches() -> None:
    from dedupe_audit.dating.eras import load_eras
    from dedupe_audit.provenance.cues import load_cues
    from dedupe_audit.provenance.outlets import load_registry
    from dedupe_audit.rules import knowledge_cache
    from dedupe_audit.rules.literals import read_literals, required_literals

    patterns = [(f.pattern.pattern, f.pattern.flags, f.pattern.trusted) for f in load_eras().facts]
    computed = best_of(lambda: [read_literals(p, f, trusted=t) for p, f, t in patterns], rounds=1)
    [required_literals.__wrapped__(p, f, trusted=t) for p, f, t in patterns]  # fills the cache
    cached = best_of(lambda: [required_literals.__wrapped__(p, f, trusted=t) for p, f, t in patterns])
    line(f"literals of the {len(patterns):,} era patterns", cached, computed)
    big = [(r.pattern.pattern, r.pattern.flags) for r in load_cues(load_registry()).rules
           if len(r.pattern.pattern) > 5_000]
    [knowledge_cache.compile_pattern(p, f) for p, f in big]  # fills the cache
    compiled = best_of(lambda: [re.compile(p, f) for p, f in big] + [re.purge()], rounds=1)
    rebuilt = best_of(lambda: [knowledge_cache.compile_pattern(p, f) for p, f in big])
    line(f"programs of the {len(big)} cue rules naming every alias", rebuilt, compiled)


def wall(command: list[str], runs: int, env: dict[str, str]) -> float:
    """Median wall seconds of ``command`` after one warm-up run."""
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def processes(runs: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "dedupe_audit"]
    with tempfile.TemporaryDirectory() as out:
        audit = [*cli, "audit", "samples", "-q", "--no-config", "-o", str(Path(out, "a.md"))]
        warm = wall(audit, runs, env)
        cold = wall(audit, runs, {**env, "DEDUPE_AUDIT_NO_CACHE": "1"})
    line(f"`dedupe-audit audit samples/ -q` (median of {runs}) vs no cache", warm, cold)
    version = wall([*cli, "--version"], runs, env)
    bare = wall([sys.executable, "-c", "pass"], runs, env)
    imports = wall([sys.executable, "-c", "import dedupe_audit.cli"], runs, env)
    print(f"{'`dedupe-audit --version` / import dedupe_audit.cli / bare python':<58} "
          f"{version:10.3f} s / {imports:.3f} s / {bare:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--paragraphs", type=int, default=20_000)
    args = parser.parse_args()
    screens(args.paragraphs)
    caches()
    processes(args.runs)


if __name__ == "__main__":
    main()
