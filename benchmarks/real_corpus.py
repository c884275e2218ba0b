"""Figures of the audit on the real 2018 corpus (``../shared/corpora/helsinki-2018``).

The corpus is a CSV (``id, publisher, scrape_time, text``, paragraphs separated by ``" ### "``);
this converts it to JSONL as the corpus README says (page date = the scrape's date, site = the
publisher), runs the real CLI on it (``--no-config``, JSON report) and prints what the accuracy
issues ask to be reported: stale paragraphs and their share, body paragraphs left with an
``unknown`` outlet and the outlets found, furniture per rule and the duplicated share of body
paragraphs. Nothing here is a test: it measures.

Run: ``python benchmarks/real_corpus.py [--csv PATH] [--top N] [--show-stale N] [-- audit options]``
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from audit_run import audit_json, split_extra

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT.parent / "shared" / "corpora" / "helsinki-2018" / "helsinki_articles.csv"


def csv_to_jsonl(source: Path, target: Path) -> int:
    """Write the CSV's rows as JSONL documents; returns how many."""
    csv.field_size_limit(sys.maxsize)
    count = 0
    with source.open(encoding="utf-8", newline="") as rows, target.open("w", encoding="utf-8") as out:
        for row in csv.DictReader(rows):
            paragraphs = [p.strip() for p in row["text"].split(" ### ")]
            record = {
                "url": f"https://{row['publisher']}/helsinki-2018/{row['id']}",
                "site": row["publisher"],
                "date": row["scrape_time"][:10],
                "text": "\n\n".join(p for p in paragraphs if p),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: list[str]) -> int:
    argv, extra = split_extra(argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--top", type=int, default=15, help="outlets and rules listed")
    parser.add_argument("--show-stale", type=int, default=0, help="stale paragraphs printed")
    args = parser.parse_args(argv)
    if not args.csv.is_file():
        print(f"no corpus at {args.csv}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="real-corpus-") as scratch:  # removed afterwards
        work = Path(scratch)
        jsonl, report_path = work / "helsinki-2018.jsonl", work / "report.json"
        pages = csv_to_jsonl(args.csv, jsonl)
        report = audit_json(jsonl, report_path, extra)
    if report is None:
        return 2
    paragraphs = [p for f in report["files"] for p in f["paragraphs"]]
    body = [p for p in paragraphs if p.get("kind") != "boilerplate"]
    stale = [p for p in paragraphs if (p.get("staleness") or {}).get("verdict") == "stale"]
    outlets = Counter((p.get("provenance") or {}).get("outlet") or "unknown" for p in body)
    rules = Counter(p.get("boilerplate_rule") or "?" for p in paragraphs if p.get("kind") == "boilerplate")
    summary = report.get("summary", {})
    furniture = len(paragraphs) - len(body)
    print(f"pages {pages}, paragraphs {len(paragraphs)}, body {len(body)}, furniture {furniture}")
    print(f"stale {len(stale)} ({len(stale) / max(len(paragraphs), 1):.2%} of paragraphs)")
    print(f"unknown outlet {outlets['unknown']} of {len(body)} body paragraphs "
          f"({outlets['unknown'] / max(len(body), 1):.1%})")
    print(f"duplicated share of body paragraphs {summary.get('duplicated_share')}")
    print("outlets:", ", ".join(f"{name} {n}" for name, n in outlets.most_common(args.top)))
    print("furniture rules:", ", ".join(f"{name} {n}" for name, n in rules.most_common(args.top)))
    for p in stale[: args.show_stale]:
        markers = [m.get("phrase") or m.get("text") for m in (p["staleness"].get("markers") or [])]
        print(f"  stale: {p['text'][:140]!r} {markers}")
    print(f"SCORE stale_share {len(stale) / max(len(paragraphs), 1):.4f} "
          f"unknown_share {outlets['unknown'] / max(len(body), 1):.4f} "
          f"duplicated_share {summary.get('duplicated_share')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
