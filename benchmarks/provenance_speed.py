"""What the provenance stages cost per paragraph: cue finding, blocks and the per-page tracer.

Run: python benchmarks/provenance_speed.py FOLDER [--pages N] [--rounds 3]
 e.g. python benchmarks/provenance_speed.py /tmp/bench200k --pages 4000

Why CPU seconds and a best of rounds: the machine is shared, and the pipeline's ``--timings``
(wall-clock seconds) drift with the load by more than the stages cost. Each page is read and
segmented once (no duplicate detection: every block is the page's own or credited), then the
three per-page steps run as ``pipeline`` runs them - ``cues.find_all`` (the pipeline's
"blocks" lap holds it), ``find_blocks`` ("blocks"), ``trace_page`` ("provenance") - over every
page, ``--rounds`` times, each round with a fresh cue set (no remembered answers; the rules
compiled in the first, "cold", round). ``segment`` over the same pages is the baseline: a
stage's time divided by it is comparable across loads and machines.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stage_bench import read_documents, stage_arguments  # noqa: E402


def main() -> None:
    args = stage_arguments(__doc__)

    from dedupe_audit.config import Config
    from dedupe_audit.provenance.blocks import find_blocks
    from dedupe_audit.provenance.cues import CueSet, load_cues
    from dedupe_audit.provenance.outlets import load_registry
    from dedupe_audit.provenance.tracing import trace_page
    from dedupe_audit.segment.boilerplate import load_rules
    from dedupe_audit.segment.paragraphs import segment

    config = Config()
    rules = load_rules(tuple(config.segment.boilerplate_rules))
    documents = read_documents(args.folder, args.pages, config)
    start = time.process_time()
    segmented = [segment(doc, config, rules) for doc in documents]
    segment_seconds = time.process_time() - start
    paragraphs = sum(len(seg.paragraphs) for seg in segmented)
    registry = load_registry(config.provenance.outlets)
    shipped = load_cues(registry)

    def fresh() -> CueSet:
        """The shipped rules with nothing remembered (``find`` keeps recent answers)."""
        return CueSet(rules=shipped.rules, blocks=shipped.blocks, alias_probe=shipped.alias_probe,
                      keyword_probe=shipped.keyword_probe, screen=shipped.screen,
                      lead_ins=shipped.lead_ins)

    def one_round(cues: CueSet) -> tuple[float, float, float]:
        start = time.process_time()
        found = [cues.find_all(seg.paragraphs, seg.document.text) for seg in segmented]
        found_at = time.process_time()
        blocks = [find_blocks(seg, doc, (), cues=cues, duplicated_paragraphs=frozenset(), matches=cues_here)
                  for doc, (seg, cues_here) in enumerate(zip(segmented, found, strict=True))]
        blocks_at = time.process_time()
        for seg, cues_here, block in zip(segmented, found, blocks, strict=True):
            trace_page(seg, registry, shipped, cues_here, block)
        return found_at - start, blocks_at - found_at, time.process_time() - blocks_at

    cold = one_round(shipped)
    best = [float("inf")] * 3
    for _ in range(args.rounds):
        best = [min(b, t) for b, t in zip(best, one_round(fresh()), strict=True)]
    per = 1e6 / max(paragraphs, 1)
    print(f"{len(segmented)} pages, {paragraphs} paragraphs; CPU seconds, best of {args.rounds}"
          f" (cold round: {sum(cold):.3f} s)")
    print(f"{'segment (baseline, once)':<26} {segment_seconds:8.3f} s"
          f" {segment_seconds * per:8.1f} us/paragraph")
    for label, seconds in zip(("cue finding", "blocks", "tracer (per page)"), best, strict=True):
        print(f"{label:<26} {seconds:8.3f} s {seconds * per:8.1f} us/paragraph"
              f"   {seconds / segment_seconds:5.3f}x segment")


if __name__ == "__main__":
    main()
