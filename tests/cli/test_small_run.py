"""What a small run (a CI gate, a pre-commit hook) does not pay for: libraries it does not use
are not imported, and the interpreter's last collection does not walk the finished run.
Behaviour only, no timings (the figures are in docs/performance.md)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dedupe_audit import entry
from dedupe_audit.ingest.decoding import decode
from dedupe_audit.rules import saferegex

ROOT = Path(__file__).resolve().parents[2]

# Imported only on the paths that use them: a user's rule pattern (regex), a page that is not
# UTF-8 (charset_normalizer), a JSON report (orjson), a table (tabulate), the datasketch or
# Redis or Dask engines, HTML pages and WARC archives, Slavic words the cache does not hold.
ON_DEMAND = ("regex", "charset_normalizer", "orjson", "tabulate", "wcwidth", "datasketch", "scipy",
             "redis", "dask", "numba", "trafilatura", "lxml", "warcio", "pymorphy3")


def test_importing_the_pipeline_and_renderers_loads_no_library_used_on_demand():
    # a fresh interpreter: this one has imported everything already
    probe = ("import sys, dedupe_audit.cli, dedupe_audit.api, dedupe_audit.pipeline, dedupe_audit.render; "
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({ON_DEMAND!r})))")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert found.stdout.strip() == "[]"


def test_the_script_freezes_the_heap_at_exit_and_still_runs_the_command(monkeypatch, capsys):
    registered: list[object] = []
    monkeypatch.setattr(entry.atexit, "register", registered.append)
    monkeypatch.setattr(sys, "argv", ["dedupe-audit", "--help"])
    with pytest.raises(SystemExit) as done:
        entry.main()
    assert done.value.code == 0 and "audit" in capsys.readouterr().out
    assert registered == [entry.skip_exit_collection]
    assert gc.get_freeze_count() == 0  # nothing frozen before the process ends
    try:
        entry.skip_exit_collection()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_version_registers_nothing(monkeypatch, capsys):
    registered: list[object] = []
    monkeypatch.setattr(entry.atexit, "register", registered.append)
    monkeypatch.setattr(sys, "argv", ["dedupe-audit", "--version"])
    entry.main()
    assert capsys.readouterr().out.startswith("dedupe-audit, version ")
    assert registered == []


# The libraries imported on demand still do their work when asked.

def test_a_cp1251_page_is_still_detected():
    text = "Уряд України ухвалив бюджет на наступний рік. Правительство утвердило бюджет. " * 3
    found = decode(text.encode("cp1251"))
    assert found is not None and found.encoding == "cp1251" and found.fallback
    assert found.text == text


def test_a_users_pattern_still_runs_on_regex_and_a_bad_one_is_refused():
    import regex

    mine = saferegex.compile_rule(r"(?i)\bреклама\b|\bsponsored\b", rule="ads", source="my-rules.toml")
    assert not mine.trusted and mine.search("SPONSORED content") is not None
    assert mine.search("Реклама тут") is not None and mine.search("news") is None
    with pytest.raises(ValueError, match="bad regex"):
        saferegex.compile_rule("(unclosed", rule="bad", source="my-rules.toml")
    with pytest.raises(ValueError, match="bad regex"):  # shipped: `re`'s own error
        saferegex.compile_rule("(unclosed", rule="bad", source=saferegex.SHIPPED_PREFIX + "x.toml")
    assert saferegex.PatternError is regex.error
    assert saferegex.IGNORECASE == regex.IGNORECASE
    with pytest.raises(AttributeError):
        _ = saferegex.NoSuchName
