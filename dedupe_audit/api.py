"""The Python API: ``audit`` and ``check`` as the CLI runs them, settings as keyword arguments.

Why a module of its own: the CLI and Python callers must get the same run (same settings
validation, same fingerprint index handling, same gate), so the CLI calls these functions and
only translates their exceptions into exit codes. Settings are the ``Config`` field names
(``threshold=0.5``, ``fail_on=("stale",)``); the field tables also take the CLI's flat names
(``csv_date="scrape_time"`` is ``csv={"date": "scrape_time"}``). A bad key or value raises
``SettingsError`` naming it (with a "did you mean"), never a silent default.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .ci.findings import Finding, collect
from .ci.gate import GateOutcome, evaluate
from .config import Config
from .dedup.engines import is_redis_url
from .model import AuditResult, Skipped
from .pipeline import run_audit
from .runtime.progress import Progress
from .settings import FIELD_TABLES, SettingsError, resolve

__all__ = ["AuditError", "CheckResult", "InputError", "SettingsError", "audit", "check", "config_of",
           "render", "run", "run_check"]


class AuditError(Exception):
    """The run could not be done as configured (index, engine, spool, baseline)."""


class InputError(AuditError):
    """Nothing to audit, or an unusable rule file; ``skipped`` says what was refused and why."""

    def __init__(self, message: str, skipped: tuple[Skipped, ...] = ()) -> None:
        super().__init__(message)
        self.skipped = skipped


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The audit, its findings and the gate's verdict (what ``dedupe-audit check`` reports)."""

    result: AuditResult
    findings: tuple[Finding, ...]
    outcome: GateOutcome

    @property
    def passed(self) -> bool:
        return self.outcome.passed


PathsArg = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def _paths(paths: PathsArg) -> list[str]:
    if isinstance(paths, str | os.PathLike):
        return [os.fspath(paths)]
    out = [os.fspath(path) for path in paths]
    if not out:
        raise InputError("no paths given")
    return out


def _plain(value: Any) -> Any:
    """Path objects as strings, lists as tuples: the types ``settings.check_value`` expects."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    return value


def config_of(config_file: str | os.PathLike[str] | None = None, use_config_file: bool = False,
              **settings: Any) -> Config:
    """A validated ``Config``: defaults < config file (only when named or asked for) < ``settings``.

    A Python caller gets no settings it did not ask for: the nearest ``dedupe-audit.toml`` is read
    only with ``use_config_file=True`` (the CLI reads it unless ``--no-config``)."""
    values: dict[str, Any] = {}
    tables: dict[str, dict[str, str]] = {}
    for key, value in settings.items():
        table, _, field = key.partition("_")
        if table in FIELD_TABLES and field in FIELD_TABLES[table][1]:  # csv_date="scrape_time"
            if value is not None:
                tables.setdefault(table, {})[field] = value
            continue
        values[key] = _plain(value)
    for table, named in tables.items():
        given = values.get(table)
        if given is not None and not isinstance(given, dict):
            raise SettingsError(f"'{table}' given both as a table and as {table}_* keywords")
        values[table] = {**(given or {}), **named}
    resolved = resolve(values, config_file=os.fspath(config_file) if config_file else None,
                       use_file=use_config_file, origin="keyword arguments")
    return resolved.config


def _silent(_message: str) -> None:
    """Default for ``warn``/``notice``: a library prints nothing unless asked."""


def run(
    paths: PathsArg,
    config: Config,
    *,
    warn: Callable[[str], None] = _silent,
    notice: Callable[[str], None] = _silent,
    progress: Progress | None = None,
) -> AuditResult:
    """The audit of ``paths`` under ``config``, with the fingerprint index when one is set.

    Raises ``InputError`` when nothing could be read or a rule file is unusable, ``AuditError``
    when the index, engine or spool cannot be used. ``-`` among the paths reads standard input."""
    from .dedup.engines import EngineError, open_detector
    from .dedup.fingerprint_cache import FingerprintCache, IndexRefused
    from .runtime.page_store import SpoolError
    from .segment.boilerplate import RuleError

    paths = _paths(paths)
    stdin = sys.stdin.buffer if "-" in paths else None
    progress = progress or Progress.for_terminal("fingerprinting", quiet=True)
    try:
        local_index = None if is_redis_url(config.dedup.index) else config.dedup.index
        # Without an index there is nothing to reuse or save: no cache (it would keep every
        # fingerprint and signature of the run, 1 GB and 10 s at a million paragraphs).
        cache = FingerprintCache(local_index, config, warn=warn, progress=progress) if local_index else None
    except OSError as err:
        raise AuditError(f"cannot open index {config.dedup.index}: {err}") from err
    except IndexRefused as err:
        raise AuditError(str(err)) from err
    try:
        try:
            with open_detector(paths, config, cache=cache, warn=warn, progress=progress) as detect:
                result = run_audit(paths, config, stdin=stdin, cache=cache, detect=detect)
        except RuleError as err:
            raise InputError(str(err)) from err
        except (EngineError, SpoolError) as err:
            raise AuditError(str(err)) from err
        finally:
            progress.close()
        if not result.documents:
            raise InputError("no readable documents among the inputs", result.skipped)
        if cache is not None:
            cache.save()
    finally:
        if cache is not None:
            cache.close()
    if cache is not None:  # the summary holds the same counts (the pipeline made it)
        notice(f"index {config.dedup.index}: {cache.fingerprinted} document(s) fingerprinted, "
               f"{cache.reused} reused, {cache.forgotten} forgotten")
    return result


def run_check(
    paths: PathsArg,
    config: Config,
    *,
    warn: Callable[[str], None] = _silent,
    notice: Callable[[str], None] = _silent,
    progress: Progress | None = None,
) -> CheckResult:
    """``run`` and then the gate (with ``config.gate.baseline``'s accepted findings, read first so a
    broken baseline fails before the audit is paid for)."""
    from .ci import baseline as baselines

    entries = None
    if config.gate.baseline:
        try:
            entries = baselines.load(config.gate.baseline)
        except baselines.BaselineError as err:
            raise AuditError(str(err)) from err
    from .runtime.heap import long_lived_heap

    result = run(paths, config, warn=warn, notice=notice, progress=progress)
    with long_lived_heap():  # the result stays: full collections need not walk it again and again
        findings = collect(result)
    comparison = baselines.compare(findings, entries) if entries is not None else None
    return CheckResult(result, findings, evaluate(findings, result.summary, config, comparison))


def audit(paths: PathsArg, *, config_file: str | os.PathLike[str] | None = None,
          use_config_file: bool = False, **settings: Any) -> AuditResult:
    """Audit ``paths`` (files, folders, globs) like ``dedupe-audit audit``; see ``config_of``."""
    return run(paths, config_of(config_file, use_config_file, **settings))


def check(paths: PathsArg, *, config_file: str | os.PathLike[str] | None = None,
          use_config_file: bool = False, **settings: Any) -> CheckResult:
    """Audit ``paths`` and apply the CI gate like ``dedupe-audit check`` (``fail_on``,
    ``max_duplicated_share``, ``max_clusters``, ``max_stale``, ``min_similarity``, ``baseline``)."""
    return run_check(paths, config_of(config_file, use_config_file, **settings))


def render(result: AuditResult | CheckResult, format: str = "markdown") -> str:  # noqa: A002
    """One report as text: ``markdown``, ``json``, ``html``, ``text``, ``sarif``, ``github``, ``junit``
    (the gate's verdict is shown by the formats that show it when given a ``CheckResult``)."""
    from .ci.gate import listing
    from .render import GATE_AWARE, RENDERERS

    if format not in RENDERERS:
        raise ValueError(f"unknown format {format!r}; one of {', '.join(RENDERERS)}")
    if format not in GATE_AWARE:
        return RENDERERS[format](result.result if isinstance(result, CheckResult) else result)
    if isinstance(result, CheckResult):  # the findings the gate judged, not built again
        return RENDERERS[format](result.result, listing(result.findings, result.outcome), result.outcome)  # type: ignore[call-arg]
    return RENDERERS[format](result, listing(collect(result), None))  # type: ignore[call-arg]

