"""Markdown provenance section: outlet and relay tables, per-file attributions, a Mermaid chart."""

from __future__ import annotations

import re

from ..model import AuditResult, ParagraphRef, Provenance
from .common import location, omitted, percent, row_limit, table
from .escape import md, md_code, plain

MERMAID_FILES = 40  # file nodes drawn before the rest are folded into one node


def _via(item: Provenance) -> str:
    return " → ".join(item.via)


def _evidence(item: Provenance) -> str:
    if not item.evidence:
        return ""
    first = item.evidence[0]
    phrase = f"{md(first.rule)}: “{md(first.phrase, 80)}”"
    if first.detail:
        phrase += f" ({md(first.detail, 80)})"
    more = len(item.evidence) - 1
    return phrase + (f" +{more} more" if more > 0 else "")


def outlet_table(result: AuditResult) -> list[str]:
    s = result.summary
    rows = [[md(name), str(count), percent(count / s.body) if s.body else "-"]
            for name, count in s.outlets]
    relay_rows = [[md(chain), str(count)] for chain, count in s.relays]
    lines = ["### Outlets", "",
             "Body paragraphs by likely original outlet (`unknown`: no cue, no inherited "
             "attribution, no decisive copy).", "",
             table(rows, ["Outlet", "Paragraphs", "Share of body"], row_limit(result), "outlets"), ""]
    if relay_rows:
        lines += ["### Relays", "",
                  table(relay_rows, ["Outlet → relay chain", "Paragraphs"], row_limit(result), "chains"), ""]
    return lines


def file_tables(result: AuditResult) -> list[str]:
    """One table per file, until the report's row budget is spent."""
    lines: list[str] = []
    budget = row_limit(result)
    for doc, report in enumerate(result.documents):
        if budget < len(report.paragraphs):
            left = len(result.documents) - doc
            return [*lines, omitted(left, "files' attribution tables"), ""]
        budget -= len(report.paragraphs)
        rows = []
        for para in report.paragraphs:
            item = result.provenance[doc][para.index]
            rows.append([
                md_code(location(result, ParagraphRef(doc, para.index))),
                md(item.outlet or "unknown"),
                md(_via(item)),
                md(item.role),
                f"{item.confidence:.2f}",
                _evidence(item),
            ])
        lines += [f"### {md(report.path)}", "",
                  table(rows, ["Location", "Outlet", "Via", "Role", "Confidence", "Evidence"]), ""]
    return lines


_NODE = re.compile(r"[^0-9A-Za-z]")


def _label(text: str) -> str:
    """A Mermaid node label: quoted, with characters Mermaid or Markdown would read escaped."""
    safe = plain(text).replace('"', "#quot;").replace("`", "#96;").replace("<", "#lt;")
    return '"' + safe.replace(">", "#gt;") + '"'


def mermaid(result: AuditResult) -> list[str]:
    """outlet --> relay --> file, one edge per distinct chain, nodes numbered in order seen.
    Past ``MERMAID_FILES`` files, further files share one node, so the chart stays readable."""
    nodes: dict[str, str] = {}
    edges: dict[tuple[str, str], None] = {}
    files: set[str] = set()
    folded: set[str] = set()

    def node(kind: str, name: str) -> str:
        key = f"{kind}:{name}"
        if key not in nodes:
            nodes[key] = f"{kind[0]}{len(nodes)}"
        return nodes[key]

    for doc, items in enumerate(result.provenance):
        path = None  # read only for pages with an attributed paragraph (pages may be read back)
        for item in items:
            if item.outlet is None or item.role == "furniture":
                continue
            path = path or result.documents[doc].path
            chain = [node("outlet", item.outlet)]
            chain += [node("relay", relay) for relay in item.via if relay != item.outlet]
            if path not in files and len(files) >= MERMAID_FILES:
                folded.add(path)
                chain.append(node("more", ""))
            else:
                files.add(path)
                chain.append(node("file", path))
            edges.update(dict.fromkeys(zip(chain, chain[1:], strict=False)))
    if not edges:
        return []
    lines = ["### Outlet → relay → file", "", "```mermaid", "flowchart LR"]
    for key, ident in nodes.items():
        kind, name = key.split(":", 1)
        if kind == "file":
            name = name.rsplit("/", 1)[-1]
        elif kind == "more":
            name = f"{len(folded)} more files"
        lines.append(f"    {ident}[{_label(name)}]")
    lines += [f"    {a} --> {b}" for a, b in edges]
    return [*lines, "```", ""]


def provenance_section(result: AuditResult) -> list[str]:
    if not result.provenance:
        return []
    return ["## Provenance", "", *outlet_table(result), *mermaid(result), *file_tables(result)]
