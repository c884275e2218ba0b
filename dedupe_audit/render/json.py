"""JSON report: the AuditResult as documented in the README (``schema_version`` first)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from ..model import AuditResult, Cluster, ParagraphRef


def _ref(result: AuditResult, ref: ParagraphRef) -> dict[str, Any]:
    para = result.documents[ref.doc].paragraphs[ref.index]
    return {
        "file": result.documents[ref.doc].path,
        "index": ref.index,
        "line": para.line,
        "end_line": para.end_line,
    }


def _paragraphs(result: AuditResult, doc: int) -> list[dict[str, Any]]:
    report = result.documents[doc]
    rows = []
    for para in report.paragraphs:
        ref = ParagraphRef(doc, para.index)
        row: dict[str, Any] = {
            "file": report.path,
            "index": para.index,
            "line": para.line,
            "end_line": para.end_line,
            "start": para.start,
            "end": para.end,
            "text": para.text,
            "kind": para.kind,
            "boilerplate_rule": para.boilerplate_rule,
            "cluster": result.paragraph_cluster.get(ref),
        }
        if ref in result.furniture:  # learned furniture: the evidence behind its rule
            row["boilerplate_evidence"] = result.furniture[ref]
        # the dataclasses themselves: the encoder writes their fields as `asdict` would
        if result.provenance:
            row["provenance"] = result.provenance[doc][para.index]
        if result.staleness:
            row["staleness"] = result.staleness[doc][para.index]
        rows.append(row)
    return rows


def _file(result: AuditResult, doc: int) -> dict[str, Any]:
    report = result.documents[doc]
    return {
        "file": report.path,
        "reference": report.reference,
        "content_hash": report.content_hash,
        "meta": report.meta,
        "page_date": report.page_date,
        "paragraphs": _paragraphs(result, doc),
    }


def _cluster(result: AuditResult, cluster: Cluster) -> dict[str, Any]:
    return {
        "id": cluster.cluster_id,
        "kind": cluster.kind,
        "similarity": cluster.similarity,
        "fingerprint": cluster.fingerprint,
        "members": [
            {**_ref(result, m.ref), "jaccard": m.jaccard, "fuzz": m.fuzz}
            for m in cluster.members
        ],
        "containers": [
            {
                **_ref(result, c.container),
                "start": c.start,
                "end": c.end,
                "share": c.share,
                "fuzz": c.fuzz,
                "contained": _ref(result, c.contained),
            }
            for c in cluster.containers
        ],
        # verified near a member but not a copy of the cluster's first: listed, not counted
        "related": [
            {**_ref(result, r.ref), "member": _ref(result, r.member), "jaccard": r.jaccard, "fuzz": r.fuzz}
            for r in cluster.related
        ],
    }


def _sections(result: AuditResult) -> dict[str, Any]:
    """The report's top-level keys in order; the two long lists as generators."""
    return {
        "schema_version": result.schema_version,
        "tool": {"name": "dedupe-audit", "version": result.tool_version},
        "settings": result.settings,
        "summary": asdict(result.summary),
        "files": (_file(result, doc) for doc in range(len(result.documents))),
        "clusters": (_cluster(result, cluster) for cluster in result.clusters),
        "conflicts": [asdict(c) for c in result.conflicts],
        "recycled": [asdict(r) for r in result.recycled],
        "skipped": [{"file": s.path, "reason": s.reason} for s in result.skipped],
        "warnings": list(result.warnings),
    }


def to_data(result: AuditResult) -> dict[str, Any]:
    """The report as plain dicts and lists (what ``json.loads`` of ``render`` gives)."""
    return {key: _plain(list(value)) if isinstance(value, Iterator) else _plain(value)
            for key, value in _sections(result).items()}


# A number orjson writes otherwise than Python's float repr (which json.dumps uses): an exponent
# ("1e-7", "1e16" for "1e-07", "1e+16") or a small fraction in full ("0.00001" for "1e-05"). It
# is a value where it follows '": ' and a line ends right after it (a JSON string never holds a
# raw newline); the report holds floats only as object values, never as array items.
_ORJSON_FLOAT = re.compile(r'": (-?(?:\d+(?:\.\d+)?e[+-]?\d+|0\.0000\d+))(?=,?\n|,?$)')


def _python_float(found: re.Match[str]) -> str:
    return '": ' + repr(float(found.group(1)))


def encode(value: Any) -> str:  # public: tests hold it to json.dumps on values no report holds
    """``json.dumps(value, ensure_ascii=False, indent=2)``, byte for byte, written by orjson
    (its indented output is C-fast where the standard library's indented encoder is pure
    Python: 15 s of a 200,000-paragraph report). Dataclasses are encoded as `asdict` makes
    them. Whatever orjson refuses (an integer beyond 64 bits) goes to the standard library."""
    import orjson  # here: a run writing no JSON report does not load it

    try:
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(_plain(value), ensure_ascii=False, indent=2)
    return _ORJSON_FLOAT.sub(_python_float, text)


def _plain(value: Any) -> Any:
    """``value`` with its dataclasses as dicts, for the standard library's encoder."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return value


def _dumps(value: Any, level: int) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it nested ``level`` deep (its
    first line unindented): JSON strings hold no raw newline, so every newline is layout."""
    return encode(value).replace("\n", "\n" + "  " * level)


def chunks(result: AuditResult) -> Iterator[str]:
    """The report in pieces, one file or cluster at a time, so a million paragraphs are
    never one string or one tree of dicts; ``"".join`` of them is ``render``."""
    sections = list(_sections(result).items())
    yield "{"
    for i, (key, value) in enumerate(sections):
        yield f"\n  {json.dumps(key)}: "
        if isinstance(value, Iterator):
            first = True
            for item in value:
                yield ("[\n    " if first else ",\n    ") + _dumps(item, 2)
                first = False
            yield "[]" if first else "\n  ]"
        else:
            yield _dumps(value, 1)
        if i < len(sections) - 1:
            yield ","
    yield "\n}\n"


def render(result: AuditResult) -> str:
    return "".join(chunks(result))
