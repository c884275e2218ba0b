"""The published JSON Schema of the JSON report, and a check used on every JSON report tests write.

``conftest.py`` wraps the JSON renderer so that each report rendered during the tests (by the
CLI, ``render`` or ``chunks``) is validated when it is complete; tests that read a report written
by another process call ``validate_report`` themselves.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema


@cache
def validator() -> jsonschema.protocols.Validator:
    text = resources.files("dedupe_audit").joinpath("schema/report.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate_report(report: str | dict[str, Any]) -> dict[str, Any]:
    """The report's data; AssertionError naming every place the report breaks the schema."""
    data = json.loads(report) if isinstance(report, str) else report
    errors = sorted(validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        shown = "\n".join(f"  {e.json_path}: {e.message[:300]}" for e in errors[:20])
        raise AssertionError(f"JSON report breaks report.schema.json ({len(errors)} errors):\n{shown}")
    return data
