"""Baseline: findings a team has accepted, so a CI gate fails only on what is new.

Entries are matched by content (the finding fingerprint, or for clusters any shared member
text), never by line numbers. An accepted finding that gains a copy in another file is new again,
but only for that copy. The file is sorted, indented JSON with a version, so reviews diff well;
``label`` and ``note`` are for humans and survive ``baseline update``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..model import RULES, Finding
from ..model import BaselineEntry as Entry
from ..runtime.atomic import scrub, write_atomic
from ..runtime.safefiles import FileRefused, read_regular

BASELINE_VERSION = 1
EXCERPT = 100


class BaselineError(Exception):
    """The baseline file cannot be read; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Comparison:
    new: tuple[Finding, ...]  # not in the baseline, or only their occurrences that are not
    known: tuple[Finding, ...]  # fully covered by the baseline
    gone: tuple[Entry, ...]  # baseline entries no longer found


def entry_of(finding: Finding, previous: Entry | None = None) -> Entry:
    excerpt = " ".join(finding.excerpt.split())[:EXCERPT]
    return Entry(
        fingerprint=finding.fingerprint,
        rule=finding.rule,
        excerpt=excerpt,
        texts=finding.texts,
        occurrences=tuple(sorted(_key(o.key) for o in finding.occurrences)),
        label=previous.label if previous else None,
        note=previous.note if previous else "",
    )


def _key(key: tuple[str, str]) -> tuple[str, str]:
    """An occurrence key as the baseline file holds it: a file name that is not UTF-8 (lone
    surrogates in Python) is written with U+FFFD, so it is compared that way too."""
    return scrub(key[0]), key[1]


def _matches(finding: Finding, entry: Entry) -> bool:
    if finding.fingerprint == entry.fingerprint:
        return True
    same_kind = RULES[finding.rule][0] == RULES.get(entry.rule, ("",))[0]
    return same_kind and finding.category in ("duplicate", "contained") and bool(
        set(finding.texts) & set(entry.texts)
    )


def match(findings: Sequence[Finding], entries: Sequence[Entry]) -> dict[int, Entry]:
    """Finding position -> its baseline entry (exact fingerprints first, then shared text)."""
    by_fp = {entry.fingerprint: entry for entry in entries}
    matched: dict[int, Entry] = {}
    used: set[str] = set()
    for i, finding in enumerate(findings):
        if finding.fingerprint in by_fp:
            matched[i] = by_fp[finding.fingerprint]
            used.add(finding.fingerprint)
    for i, finding in enumerate(findings):
        if i in matched:
            continue
        for entry in entries:
            if entry.fingerprint not in used and _matches(finding, entry):
                matched[i] = entry
                used.add(entry.fingerprint)
                break
    return matched


def compare(findings: Sequence[Finding], entries: Sequence[Entry]) -> Comparison:
    matched = match(findings, entries)
    new: list[Finding] = []
    known: list[Finding] = []
    for i, finding in enumerate(findings):
        entry = matched.get(i)
        if entry is None:
            new.append(finding)
            continue
        allowance = Counter(entry.occurrences)
        fresh = []
        for occurrence in finding.occurrences:
            if allowance[_key(occurrence.key)] > 0:
                allowance[_key(occurrence.key)] -= 1
            else:
                fresh.append(occurrence)
        if fresh:
            new.append(replace(finding, occurrences=tuple(fresh)))
        else:
            known.append(finding)
    seen = {entry.fingerprint for entry in matched.values()}
    gone = tuple(entry for entry in entries if entry.fingerprint not in seen)
    return Comparison(tuple(new), tuple(known), gone)


def build(findings: Sequence[Finding], previous: Sequence[Entry] = ()) -> list[Entry]:
    """Entries for the current findings, keeping labels/notes of the ones already reviewed."""
    matched = match(findings, previous)
    return sorted(
        (entry_of(finding, matched.get(i)) for i, finding in enumerate(findings)),
        key=lambda e: e.fingerprint,
    )


def dumps(entries: Sequence[Entry]) -> str:
    data = {
        "version": BASELINE_VERSION,
        "tool": "dedupe-audit",
        "findings": [
            {
                "fingerprint": e.fingerprint,
                "rule": e.rule,
                "excerpt": e.excerpt,
                "texts": list(e.texts),
                "occurrences": [{"file": file, "text": text} for file, text in e.occurrences],
                "label": e.label,
                "note": e.note,
            }
            for e in sorted(entries, key=lambda e: e.fingerprint)
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def save(path: str, entries: Sequence[Entry]) -> None:
    write_atomic(path, dumps(entries))


def load(path: str) -> list[Entry]:
    try:
        data = json.loads(read_regular(path, "baseline").decode("utf-8"))
    except FileNotFoundError as err:
        raise BaselineError(f"{path}: baseline file not found") from err
    except FileRefused as err:
        raise BaselineError(str(err)) from err
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BaselineError(f"{path}: not a readable baseline ({err})") from err
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        found = data.get("version") if isinstance(data, dict) else None
        raise BaselineError(f"{path}: baseline version {found!r}, expected {BASELINE_VERSION}")
    try:
        return [_entry(item) for item in data["findings"]]
    except (KeyError, TypeError, ValueError) as err:
        raise BaselineError(f"{path}: malformed baseline entry ({err})") from err


def _entry(item: dict[str, Any]) -> Entry:
    if item["rule"] not in RULES:
        raise ValueError(f"unknown rule {item['rule']!r}")
    label = item.get("label")
    return Entry(
        fingerprint=str(item["fingerprint"]),
        rule=item["rule"],
        excerpt=str(item.get("excerpt", "")),
        texts=tuple(str(t) for t in item.get("texts", ())),
        occurrences=tuple(sorted((str(o["file"]), str(o["text"])) for o in item.get("occurrences", ()))),
        label=None if label is None else str(label),
        note=str(item.get("note") or ""),
    )
