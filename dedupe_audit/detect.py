"""Duplicate detection over a whole run: fingerprint -> index -> verify.

Exact copies are grouped by hash first, so only one representative of each group is
signed and indexed. Sentence windows of long paragraphs are indexed beside paragraphs:
a paragraph matching a window is a candidate for containment in the window's block.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from .config import Config
from .fingerprint import Fingerprint, Fingerprinter, signatures
from .index import CandidateIndex
from .model import Cluster, ParagraphRef, SegmentedDocument
from .store import FingerprintCache
from .verify import ContainerIndex, build_clusters, exact_groups, find_containment, verify_near


def eligible(seg: SegmentedDocument, config: Config) -> list[int]:
    """Indexes of the paragraphs that take part in duplicate detection."""
    return [
        p.index
        for p in seg.paragraphs
        if (p.is_body or config.include_boilerplate) and len(p.text.split()) >= config.min_words
    ]


def fingerprint_paragraphs(
    segmented: Sequence[SegmentedDocument], config: Config, fingerprinter: Fingerprinter
) -> dict[ParagraphRef, Fingerprint]:
    out: dict[ParagraphRef, Fingerprint] = {}
    for doc, seg in enumerate(segmented):
        for index in eligible(seg, config):
            fp = fingerprinter(seg.paragraphs[index].text)
            if fp.words >= config.min_words:
                out[ParagraphRef(doc, index)] = fp
    return out


def detect_duplicates(
    segmented: Sequence[SegmentedDocument], config: Config, *, cache: FingerprintCache | None = None
) -> tuple[Cluster, ...]:
    fingerprinter = cache.bind(segmented, config) if cache else Fingerprinter(config.shingle_size)
    sign = cache.signatures if cache else signatures
    fingerprints = fingerprint_paragraphs(segmented, config, fingerprinter)
    groups = exact_groups(fingerprints)
    representatives = [group[0] for group in groups]

    window_owner: list[ParagraphRef] = []
    window_fps: list[Fingerprint] = []
    for doc, seg in enumerate(segmented):
        for window in seg.windows:
            owner = ParagraphRef(doc, window.paragraph)
            if owner in fingerprints:
                window_owner.append(owner)
                window_fps.append(fingerprinter(window.text))

    index = CandidateIndex(config.threshold, config.num_perm, config.seed)
    shingle_sets = [fingerprints[ref].shingles for ref in representatives]
    shingle_sets += [fp.shingles for fp in window_fps]
    index.add(range(len(shingle_sets)), sign(shingle_sets, config.num_perm, config.seed))

    paragraph_pairs: list[tuple[ParagraphRef, ParagraphRef]] = []
    via_window: dict[ParagraphRef, set[ParagraphRef]] = defaultdict(set)
    n = len(representatives)
    for first, second in index.candidate_pairs():
        if second < n:
            paragraph_pairs.append((representatives[first], representatives[second]))
        elif first < n:
            via_window[representatives[first]].add(window_owner[second - n])
    near = verify_near(paragraph_pairs, fingerprints, config.threshold, config.min_fuzz)

    containers = ContainerIndex({ref: fingerprints[ref] for ref in sorted(set(window_owner))})
    containment = find_containment(
        representatives, fingerprints, containers, segmented, config.containment, via_window
    )
    return build_clusters(groups, near, containment, fingerprints)
