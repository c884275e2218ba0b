"""Cost of furniture classification: the segment stage with all rules (and jusText) against the
same stage with the seed rules only, measured in ONE process so the ratio holds on a shared
machine where absolute seconds do not.

Run: PYTHONPATH=$PWD python3 benchmarks/furniture_cost.py [--paragraphs 30000] [--repeat 3]
     [--profile N]

The corpus is ``benchmarks/throughput.py``'s ``build_corpus`` (real ground-truth paragraphs,
then Markov recombinations of their words, 10 to a page). Four variants of ``segment`` run
over the same pages, interleaved round by round (so a burst of load from another process hits
every variant alike), and the best CPU time (``time.process_time``) of each is kept:

* ``seed rules``: the rules the project shipped before issue 19 (the shipped file's rules up to
  the first furniture rule of real pages, ``photo-caption``), no jusText layer: the baseline;
* ``all rules``: every shipped rule, no jusText layer;
* ``all rules + jusText``: what an audit runs (``segment`` as it is);
* ``no rules``: cutting into paragraphs and windows alone (what classification adds to).

Printed: seconds per million paragraphs and each variant's ratio to the seed-rule baseline.
Issue 19's target: ``all rules + jusText`` at most 2x ``seed rules``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

FIRST_NEW_RULE = "photo-caption"  # the first rule issue 19 added to data/boilerplate.toml


def seed_rules(rules: Sequence[object]) -> tuple[object, ...]:
    """The shipped rules before the first rule issue 19 added (the seed's nine)."""
    names = [rule.name for rule in rules]  # type: ignore[attr-defined]
    return tuple(rules[: names.index(FIRST_NEW_RULE)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best of each variant is kept")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile one 'all rules + jusText' pass, N costliest functions")
    args = parser.parse_args()

    from throughput import build_corpus, documents

    from dedupe_audit.config import Config
    from dedupe_audit.segment import paragraphs as segment_module
    from dedupe_audit.segment.boilerplate import RuleSet, checks_for, load_rules

    config = Config()
    corpus = build_corpus(args.paragraphs)
    docs = documents(corpus)
    paragraphs = len(corpus.texts)
    every = load_rules(tuple(config.segment.boilerplate_rules))
    seed = RuleSet(seed_rules(every))  # a RuleSet carries its checks, as loaded rules do
    none = RuleSet()
    with_jus = segment_module.may_link

    def never(_: str) -> bool:
        return False

    def run(rules: tuple, jus: bool) -> Callable[[], list]:
        def work() -> list:
            # without jusText: no paragraph passes the link test segment runs for it, so no page
            # has a short link-like line and the jusText layer never runs
            if not jus:
                segment_module.may_link = never
            try:
                return [segment_module.segment(doc, config, rules) for doc in docs]
            finally:
                segment_module.may_link = with_jus
        return work

    variants = {
        "no rules": run(none, jus=False),
        "seed rules": run(seed, jus=False),
        "all rules": run(every, jus=False),
        "all rules + jusText": run(every, jus=True),
    }
    for rules in (none, seed, every):
        checks_for(rules)  # built once, as a run builds them once
    for work in variants.values():
        work()  # warm: compiled programs, edge tables, plans (a run pays these once)
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(args.repeat):
        for name, work in variants.items():
            start = time.process_time()
            work()
            best[name] = min(best[name], time.process_time() - start)
    furniture = sum(p.kind != "body" for seg in variants["all rules + jusText"]() for p in seg.paragraphs)
    print(f"corpus: {paragraphs:,} paragraphs, {len(docs):,} pages; seed rules: {len(seed)}, all rules: "
          f"{len(every)}; furniture found with all rules + jusText: {furniture:,}")
    print(f"segment stage, CPU seconds per million paragraphs (best of {args.repeat}, one process):")
    baseline = best["seed rules"]
    for name, seconds in best.items():
        print(f"  {name:<22} {seconds / paragraphs * 1e6:7.1f} s   {seconds / baseline:5.2f}x seed rules")
    ratio = best["all rules + jusText"] / baseline
    print(f"ratio all rules + jusText / seed rules: {ratio:.2f} (target <= 2.00)")
    if args.profile:
        from throughput import print_profile

        print_profile(variants["all rules + jusText"], args.profile)


if __name__ == "__main__":
    from dedupe_audit.runtime.heap import long_lived_heap

    with long_lived_heap():  # as run_audit runs: the corpus held here is not rescanned by the collector
        main()
