"""What the staleness stage costs per paragraph, against segmentation measured in the same process.

Run: python benchmarks/staleness_speed.py FOLDER [--pages N] [--rounds 3]
 e.g. python benchmarks/staleness_speed.py /tmp/bench50k   (a folder of .txt pages, or any input
      ``dedupe-audit audit`` reads: JSONL, CSV, HTML)

Why a ratio: the machine is shared, so seconds drift with the load; the stage's CPU time per
paragraph divided by ``segment``'s (the same pages, the same process, the same minutes) does
not. Each page is read, segmented (timed: the baseline), its paragraph dates, cues and blocks
found (no duplicate detection: every block is the page's own or datelined), then the staleness
stage exactly as ``pipeline`` runs it: ``foreign_blocks`` and ``assess_page`` (timed). Inside
the stage, three parts are timed on their own: the joint literal screen of time rules and era
facts (every paragraph), the tense analysis (``clause_tense`` and ``recent_in_clause`` for each
mention, ``future_clause`` for each future-year rule match) and the time-expression rules run
on the paragraphs the screen lets through, in one more pass (their timers add ~1 us a call).
CPU seconds (``time.process_time``); segment and the whole stage: the best of ``--rounds``
passes over the pages.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stage_bench import read_documents, stage_arguments  # noqa: E402


class Clock:
    """CPU seconds spent inside wrapped functions, per label (nested calls counted once)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._depth: dict[str, int] = {}

    def wrap(self, label: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            depth = self._depth.get(label, 0)
            if depth:
                return func(*args, **kwargs)
            self._depth[label] = 1
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.process_time() - start
                self.calls[label] = self.calls.get(label, 0) + 1
                self._depth[label] = 0

        return timed

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


def main() -> None:
    args = stage_arguments(__doc__)

    from dedupe_audit.config import Config
    from dedupe_audit.dating import staleness
    from dedupe_audit.dating import time_expressions as timeexpr
    from dedupe_audit.dating.eras import load_eras
    from dedupe_audit.dating.page_date import as_of_date, date_page
    from dedupe_audit.dating.time_expressions import page_paragraph_dates, time_language
    from dedupe_audit.provenance.blocks import find_blocks
    from dedupe_audit.provenance.cues import load_cues
    from dedupe_audit.provenance.outlets import load_registry
    from dedupe_audit.rules import literals
    from dedupe_audit.segment.boilerplate import load_rules
    from dedupe_audit.segment.paragraphs import segment

    config = Config()
    rules = load_rules(tuple(config.segment.boilerplate_rules))
    documents = read_documents(args.folder, args.pages, config)
    registry = load_registry(config.provenance.outlets)
    cues = load_cues(registry)
    eras = load_eras(config.dating.eras)
    lang = time_language()
    dating = staleness.DatingKnowledge.of(eras, lang)  # built once, as the pipeline builds it
    as_of = as_of_date(config.dating.as_of)

    segmented = []
    best_segment = float("inf")
    for _ in range(args.rounds):
        start = time.process_time()
        segmented = [segment(doc, config, rules) for doc in documents]
        best_segment = min(best_segment, time.process_time() - start)
    prepared = []
    for doc, seg in enumerate(segmented):
        hits = page_paragraph_dates(seg, lang)
        found = cues.find_all(seg.paragraphs, seg.document.text)
        block = find_blocks(seg, doc, (), cues=cues, duplicated_paragraphs=frozenset(), matches=found)
        prepared.append((doc, seg, date_page(seg, as_of, lang, hits), hits, found, block))
    paragraphs = sum(len(seg.paragraphs) for seg in segmented)

    def stage() -> int:
        """The staleness stage over every page, as ``pipeline`` runs it; the stale count."""
        stale = 0
        for doc, seg, page_date, hits, found, block in prepared:
            foreign = staleness.foreign_blocks(seg, block, found, frozenset(), registry, cues)
            verdicts, _ = staleness.assess_page(seg, doc, page_date, block, dating, hits, foreign)
            stale += sum(1 for v in verdicts if v.verdict == "stale")
        return stale

    best_stage = float("inf")
    stale = 0
    for _ in range(args.rounds):
        start = time.process_time()
        stale = stage()
        best_stage = min(best_stage, time.process_time() - start)
    # the parts, in one more pass with timers around them (which add ~1 us a call of their own)
    clock = Clock()
    staleness.clause_tense = clock.wrap("tense analysis", staleness.clause_tense)
    staleness.recent_in_clause = clock.wrap("tense analysis", staleness.recent_in_clause)
    timeexpr.future_clause = clock.wrap("tense analysis", timeexpr.future_clause)
    literals.JointScreen.for_text = clock.wrap("literal screen", literals.JointScreen.for_text)
    timeexpr.find_time_expressions = clock.wrap("time-expression rules", timeexpr.find_time_expressions)
    staleness.find_time_expressions = timeexpr.find_time_expressions
    staleness.find_mentions = clock.wrap("era mentions", staleness.find_mentions)
    staleness.foreign_blocks = clock.wrap("foreign blocks (lead-ins)", staleness.foreign_blocks)
    stage()
    parts, calls = clock.seconds, clock.calls

    per = 1e6 / paragraphs
    print(f"{len(segmented)} pages, {paragraphs} paragraphs, {stale} stale; "
          f"CPU seconds, best of {args.rounds}")
    print(f"{'segment (baseline)':<34} {best_segment:8.3f} s {best_segment * per:8.1f} us/paragraph")
    print(f"{'staleness stage (no timers inside)':<34} {best_stage:8.3f} s "
          f"{best_stage * per:8.1f} us/paragraph"
          f"   {best_stage / best_segment:5.2f}x segment")
    for label, seconds in sorted(parts.items()):
        print(f"  {label:<32} {seconds:8.3f} s {seconds * per:8.1f} us/paragraph"
              f"   {seconds / best_segment:5.2f}x segment  ({calls[label]} calls,"
              f" {seconds / max(calls[label], 1) * 1e6:.0f} us each)")


if __name__ == "__main__":
    main()
