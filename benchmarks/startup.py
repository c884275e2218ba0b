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
4. parsing the shipped TOML knowledge files: ``tomllib`` against read back from the cache;
5. the index of the joint era/time screen: built against read back from the cache;
6. wall seconds and CPU seconds (user + system; medians of ``--runs``, after one warm-up run
   that fills the cache) of ``dedupe-audit --version``, ``python -c "import dedupe_audit.cli"``
   and ``dedupe-audit audit samples/ -q --no-config`` (Markdown, and JSON only), each in its own
   process importing this
   checkout (``PYTHONPATH``), the last also with ``DEDUPE_AUDIT_NO_CACHE=1`` (the baseline:
   everything computed on every start). The subprocesses may write bytecode
   (``PYTHONDONTWRITEBYTECODE`` is dropped for them), as an installed package has it: without
   it, every start compiles the package's ~80 modules again (~0.17 s). On a shared machine
   read the CPU seconds: wall seconds there mostly measure the other jobs. They use a knowledge
   cache folder of their own (``DEDUPE_AUDIT_CACHE_DIR``, a temporary folder filled by the
   warm-up run): the user's cache file is shared by every checkout of the same cache code, and
   past its size limit a run of another checkout keeps only its own entries.
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
from collections.abc import Callable, Sequence
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


def knowledge_files() -> None:
    import tomllib

    from dedupe_audit.rules.datafiles import data_file, data_folder, parse_toml

    texts = [data_file(name) for name in ("eras.toml", "cues.toml", "outlets.toml", "boilerplate.toml",
                                           "dates.toml", "page_context.toml")]
    texts += [text for folder in ("eras", "births") for _, text in data_folder(folder)]
    parsed = best_of(lambda: [tomllib.loads(text) for text in texts], rounds=1)
    [parse_toml(text, "shipped", ValueError) for text in texts]  # fills the cache
    cached = best_of(lambda: [parse_toml(text, "shipped", ValueError) for text in texts])
    size = sum(map(len, texts)) / 1e6
    line(f"the {len(texts)} shipped TOML files ({size:.1f} MB) parsed", cached, parsed)


def screen_index() -> None:
    from dedupe_audit.dating.eras import load_eras, screened_facts
    from dedupe_audit.dating.time_expressions import time_language
    from dedupe_audit.rules import literals

    joint = literals.JointScreen(time_language().rules, screened_facts(load_eras()))
    needs = joint.screen.needs  # ``Needs``: they carry the digest of their patterns
    assert joint.screen.digest is not None

    def index_of(given: Sequence[object]) -> None:  # a screen builds its index on its first text
        literals.LiteralScreen(given).found("")

    built = best_of(lambda: index_of(tuple(needs)), rounds=1)  # no digest: built, never cached
    index_of(needs)  # fills the cache
    cached = best_of(lambda: index_of(needs))
    line(f"joint screen index ({len(needs):,} patterns)", cached, built)


def timed(command: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (user + system, of the process and its
    children) of ``command`` after one warm-up run."""
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    walls, cpus = [], []
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append((after.children_user + after.children_system)
                    - (before.children_user + before.children_system))
    return statistics.median(walls), statistics.median(cpus)


def processes(runs: int) -> None:
    with tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DEDUPE_AUDIT_CACHE_DIR": str(Path(out, "cache"))}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # see the module's docstring
        cli = [sys.executable, "-m", "dedupe_audit"]
        audit = [*cli, "audit", "samples", "-q", "--no-config", "-o", str(Path(out, "a.md"))]
        warm, warm_cpu = timed(audit, runs, env)
        json_only = [*audit[:-2], "-f", "json", "-o", str(Path(out, "a.json"))]
        warm_json, warm_json_cpu = timed(json_only, runs, env)
        cold, cold_cpu = timed(audit, runs, {**env, "DEDUPE_AUDIT_NO_CACHE": "1"})
        version, _ = timed([*cli, "--version"], runs, env)
        bare, _ = timed([sys.executable, "-c", "pass"], runs, env)
        imports, _ = timed([sys.executable, "-c", "import dedupe_audit.cli"], runs, env)
    line(f"`dedupe-audit audit samples/ -q` (median of {runs}) vs no cache", warm, cold)
    line("  the same, CPU seconds (user + system)", warm_cpu, cold_cpu)
    print(f"{'  the same writing only JSON (-f json), wall / CPU':<58} "
          f"{warm_json:10.3f} s / {warm_json_cpu:.3f} s")
    print(f"{'`dedupe-audit --version` / import dedupe_audit.cli / bare python':<58} "
          f"{version:10.3f} s / {imports:.3f} s / {bare:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--paragraphs", type=int, default=20_000)
    args = parser.parse_args()
    screens(args.paragraphs)
    caches()
    knowledge_files()
    screen_index()
    processes(args.runs)


if __name__ == "__main__":
    main()
