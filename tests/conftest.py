import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_schema import validate_report  # noqa: E402


@pytest.fixture(autouse=True)
def _json_reports_follow_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every JSON report a test renders (CLI, ``render`` or ``chunks``) is checked against the
    published schema once it is complete."""
    from dedupe_audit import render
    from dedupe_audit.render import json as json_render

    original = json_render.chunks

    def checked(result: object) -> Iterator[str]:
        pieces: list[str] = []
        for piece in original(result):  # type: ignore[arg-type]
            pieces.append(piece)
            yield piece
        validate_report("".join(pieces))

    monkeypatch.setattr(json_render, "chunks", checked)
    monkeypatch.setitem(render.STREAMED, "json", checked)
