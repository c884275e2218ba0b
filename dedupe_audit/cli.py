"""Command line: parse options, resolve settings, run the pipeline, hand the result on.

Thin by design: settings come from ``settings``, the verdict from ``gate``, accepted findings from
``baseline``, reports from ``render``. Exit codes follow click: 0 pass, 1 gate failed, 2 usage,
configuration or input error.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import __version__
from .ci import baseline as baselines
from .ci.findings import CATEGORIES, Finding, collect
from .ci.gate import GateOutcome, RuleOutcome, listing
from .config import Config
from .dedup.engines import ENGINES
from .model import AuditResult, RunStats
from .render import DEFAULT_OUTPUTS, GATE_AWARE, RENDERERS, STREAMED
from .render import github as github_render
from .render.escape import terminal
from .runtime.atomic import scrub, write_atomic
from .runtime.progress import Progress
from .runtime.safefiles import FileRefused, is_regular_or_missing, require_regular
from .settings import SettingsError, resolve, rows

FORMATS = tuple(RENDERERS)
# The field tables whose keys have options of their own: --jsonl-text, --csv-id, ...
OPTION_FIELDS = {"jsonl": ("text", "url", "date", "site"), "csv": ("text", "url", "date", "site", "id")}
DEFAULT_BASELINE = ".dedupe-audit-baseline.json"


class ConfigError(click.ClickException):
    """A bad setting, config file or baseline: exit 2 like click's usage errors."""

    exit_code = 2


def _apply(command: Callable[..., Any], options: Sequence[Callable[..., Any]]) -> Callable[..., Any]:
    for option in reversed(options):
        command = option(command)
    return command


def setting_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options that map onto Config fields (ranges are checked again by settings)."""
    return _apply(command, [
        click.option("--config", "config_file", type=click.Path(dir_okay=False),
                     help="Config file to use instead of the nearest dedupe-audit.toml/pyproject.toml."),
        click.option("--no-config", is_flag=True, help="Ignore config files."),
        click.option("--include", multiple=True, help="Only files matching this glob (repeatable)."),
        click.option("--exclude", multiple=True, help="Skip files matching this glob (repeatable)."),
        click.option("--threshold", type=float, help="Verified shingle Jaccard for a near-duplicate [0.4]."),
        click.option("--min-fuzz", type=float, help="rapidfuzz ratio a near-duplicate must also reach [50]."),
        click.option("--containment", type=float,
                     help="Share of a paragraph's shingles inside a longer block [0.8]."),
        click.option("--shingle-size", type=int, help="Words per shingle [3]."),
        click.option("--num-perm", type=int, help="MinHash permutations [128]."),
        click.option("--min-words", type=int, help="Shortest paragraph clustered [5]."),
        click.option("--include-boilerplate", is_flag=True, default=None,
                     help="Count boilerplate paragraphs as duplicated content."),
        click.option("--boilerplate-rules", multiple=True, type=click.Path(dir_okay=False),
                     help="Extra TOML file of boilerplate rules (repeatable)."),
        click.option("--jsonl-text", help="JSONL key holding the text [text]."),
        click.option("--jsonl-url", help="JSONL key holding the URL [url]."),
        click.option("--jsonl-date", help="JSONL key holding the publication date [date]."),
        click.option("--jsonl-site", help="JSONL key holding the site name [site]."),
        click.option("--csv-text", help="CSV/TSV/Parquet column holding the text [text]."),
        click.option("--csv-url", help="Column holding the URL [url]."),
        click.option("--csv-date", help="Column holding the publication date [date]."),
        click.option("--csv-site", help="Column holding the site name [site]."),
        click.option("--csv-id", help="Column naming the row's document, file.csv#<id> [id, else the row]."),
        click.option("--paragraph-separator",
                     help="Marker between paragraphs inside a JSONL or table text, e.g. ' ### ' [none]."),
        click.option("--as-of", help="Page date (YYYY-MM-DD) for pages that state none."),
        click.option("--outlets", multiple=True, type=click.Path(dir_okay=False),
                     help="Extra TOML file of outlets (repeatable)."),
        click.option("--eras", multiple=True, type=click.Path(dir_okay=False),
                     help="Extra TOML file of era facts (repeatable)."),
        click.option("--reference", multiple=True, type=click.Path(),
                     help="Folder or file of known originals (repeatable)."),
        click.option("--recycled-days", type=int,
                     help="Age gap that makes a repeated paragraph recycled [180]."),
        click.option("--jobs", type=int,
                     help="Cores to use (HTML extraction and fingerprinting), 0 = one per core [0]."),
        click.option("--index",
                     help="SQLite fingerprint index reused across runs (created if missing), "
                          "or redis://host:port/db for an index shared by several runs."),
        click.option("--engine", type=click.Choice(ENGINES), help="Where duplicate detection runs [local]."),
        click.option("--scheduler", help="Dask scheduler address for --engine dask [a local cluster]."),
        click.option("--max-file-bytes", type=int, help="Larger files are skipped (or split) [50000000]."),
        click.option("--split-large-text", is_flag=True, default=None,
                     help="Audit text files over --max-file-bytes in parts instead of skipping them."),
        click.option("--max-paragraph-chars", type=int,
                     help="Longer blocks are cut into consecutive paragraphs [20000]."),
        click.option("--max-archive-bytes", type=int,
                     help="Decompressed bytes read from one archive [1000000000]."),
        click.option("--max-archive-members", type=int, help="Members read from one archive [100000]."),
        click.option("--max-archive-depth", type=int, help="Archives inside archives [3]."),
        click.option("--report-rows", type=int,
                     help="Rows of one Markdown table; the JSON report keeps all [500]."),
        click.option("--spool-after-mb", type=int,
                     help="Segmented pages beyond this many MB wait in a temporary file, 0 = all [256]."),
        click.option("--spool-dir", type=click.Path(file_okay=False),
                     help="Folder for that temporary file [the system's temporary folder]."),
    ])


def gate_options(command: Callable[..., Any]) -> Callable[..., Any]:
    return _apply(command, [
        click.option("--fail-on", multiple=True, type=click.Choice((*CATEGORIES, "none")),
                     help="Finding category that fails the gate (repeatable; 'none' for no category) "
                          "[duplicate, contained, stale, conflict]."),
        click.option("--max-duplicated-share", type=float,
                     help="Highest share (0-1) of body paragraphs in counted clusters."),
        click.option("--max-clusters", type=int, help="Most exact + near clusters allowed."),
        click.option("--max-stale", type=int, help="Most stale paragraphs allowed."),
        click.option("--min-similarity", type=float, help="Clusters less similar are not counted [0]."),
        click.option("--baseline", type=click.Path(dir_okay=False),
                     help="Accepted findings: only findings not in this file count."),
    ])


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    return _apply(command, [
        click.option("-f", "--format", "formats", multiple=True, type=click.Choice(FORMATS),
                     help="Report format (repeatable) [markdown for audit, none for check]."),
        click.option("-o", "--output", "outputs", multiple=True,
                     help="File for the matching --format ('-' for stdout) [reports/audit.<ext>]."),
        click.option("-q", "--quiet", is_flag=True, help="No summary table or progress bar."),
        click.option("--timings", is_flag=True, help="Print the seconds each stage took (stderr)."),
    ])


def settings_from(options: dict[str, Any]) -> tuple[Config, Any]:
    """Resolve defaults < config file < command line; bad keys/values exit 2 naming them."""
    config_file = options.pop("config_file", None)
    no_config = options.pop("no_config", False)
    tables = {name: {key: value for key in keys if (value := options.pop(f"{name}_{key}", None))}
              for name, keys in OPTION_FIELDS.items()}
    cli: dict[str, Any] = {}
    for key, value in options.items():
        if isinstance(value, tuple):
            value = tuple(v for v in value if v != "none") if value else None
        cli[key] = value
    cli.update({name: named for name, named in tables.items() if named})
    try:
        resolved = resolve(cli, config_file=config_file, use_file=not no_config)
    except SettingsError as err:
        raise ConfigError(str(err)) from err
    return resolved.config, resolved


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


@contextmanager
def api_errors() -> Iterator[None]:
    """The API's exceptions as exit 2: nothing readable (naming what was skipped) or a bad rule
    file as a usage error, an unusable index/engine/spool/baseline as a configuration error."""
    from . import api  # the pipeline: imported by the commands that run it, not by --help/--version

    try:
        yield
    except api.InputError as err:
        for item in err.skipped:
            click.echo(f"skipped {terminal(item.path)}: {terminal(item.reason)}", err=True)
        raise click.UsageError(str(err)) from err
    except api.AuditError as err:
        raise ConfigError(str(err)) from err


def run_options(quiet: bool) -> dict[str, Any]:
    """How ``api.run`` reports to a terminal: warnings, the index line (unless quiet), progress."""
    def notice(message: str) -> None:
        if not quiet:
            click.echo(terminal(message), err=True)

    return {"warn": warn, "notice": notice, "progress": Progress.for_terminal("fingerprinting", quiet=quiet)}


def execute(paths: Sequence[str], config: Config, quiet: bool = False) -> AuditResult:
    """Run the audit (``api.run``, with the fingerprint index if configured); errors exit 2."""
    from . import api

    with api_errors():
        return api.run(paths, config, **run_options(quiet))


def echo_timings(stats: RunStats, report_seconds: float) -> None:
    """Seconds per stage of the run that made ``stats`` (duplicate detection's own steps indented)."""
    rows = []
    for stage, seconds in stats.stage_seconds:
        rows.append((stage, seconds))
        if stage == "detect duplicates":
            rows += [(f"  {name}", part) for name, part in stats.detection_seconds]
    rows.append(("write reports", report_seconds))
    for stage, seconds in rows:
        click.echo(f"timing: {stage:<42} {seconds:8.2f} s", err=True)


def targets(formats: Sequence[str], outputs: Sequence[str]) -> list[tuple[str, str]]:
    """(format, output) pairs; an output that exists and is not a regular file is refused now,
    before the audit, rather than replaced (a device) or blocked on (a FIFO) after it."""
    if len(outputs) > len(formats):
        raise click.UsageError("more --output values than --format values")
    pairs = [
        (name, outputs[i] if i < len(outputs) else DEFAULT_OUTPUTS[name]) for i, name in enumerate(formats)
    ]
    for _, target in pairs:
        if target != "-":
            _regular_output(target, "--output")
    return pairs


def _regular_output(target: str, role: str) -> None:
    try:
        require_regular(target, role)
    except FileRefused as err:
        raise ConfigError(terminal(str(err))) from err


def write_outputs(
    result: AuditResult, pairs: Sequence[tuple[str, str]], outcome: GateOutcome | None = None,
    findings: Sequence[Finding] | None = None,
) -> None:
    """Render each format to its output (paired by position; '-' is standard output). The
    findings (``check`` hands over those it gated) are listed once for every format that shows
    them; an ``audit`` builds them only when such a format is asked for."""
    listed = None
    if any(name in GATE_AWARE for name, _ in pairs):
        listed = listing(collect(result) if findings is None else findings, outcome)
    for name, target in pairs:
        renderer = RENDERERS[name]
        rendered: str | Iterator[str]
        if name in STREAMED:
            rendered = STREAMED[name](result)
        elif name in GATE_AWARE:
            rendered = renderer(result, listed, outcome)  # type: ignore[call-arg]
        else:
            rendered = renderer(result)
        if target == "-" and not isinstance(rendered, str):
            for piece in rendered:
                click.echo(scrub(piece), nl=False)
        elif target == "-":
            click.echo(scrub(rendered), nl=False)
        else:
            try:
                write_atomic(target, rendered)
            except FileRefused as err:  # became a FIFO or device since ``targets`` looked
                raise ConfigError(terminal(str(err))) from err
            click.echo(f"wrote {terminal(target)}", err=True)
    if any(name == "github" for name, _ in pairs):
        append_step_summary(result, outcome)


def append_step_summary(result: AuditResult, outcome: GateOutcome | None) -> None:
    """Append the Markdown report to $GITHUB_STEP_SUMMARY, kept under GitHub's 1 MiB limit."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    if not is_regular_or_missing(path):  # a FIFO would block the run at its very end
        warn(f"GITHUB_STEP_SUMMARY {terminal(path)} is not a regular file; step summary not written")
        return
    used = Path(path).stat().st_size if Path(path).exists() else 0
    text = github_render.fit(github_render.step_summary(result, outcome),
                             github_render.STEP_SUMMARY_LIMIT - used)
    if text:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


@click.group()
@click.version_option(__version__, prog_name="dedupe-audit")
def main() -> None:
    """Audit scraped text corpora for repeated paragraphs, their origin and stale context."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@setting_options
@output_options
def audit(paths: tuple[str, ...], formats: tuple[str, ...], outputs: tuple[str, ...], quiet: bool,
          timings: bool, **options: Any) -> None:
    """Audit PATHS (files, folders, globs, or - for stdin) and write reports."""
    config, _ = settings_from(options)
    pairs = targets(formats or ("markdown",), outputs)
    result = execute(paths, config, quiet)
    if not quiet:
        click.echo(RENDERERS["text"](result), nl=False, err=any(t == "-" for _, t in pairs))
    started = time.perf_counter()
    write_outputs(result, pairs)
    if timings:
        echo_timings(result.stats, time.perf_counter() - started)


def _measured(rule: RuleOutcome) -> str:
    """The measured value; for a ``fail-on`` rule also the places its findings cover, so "stale
    14 findings" beside "stale paragraphs 27" in the summary is explained (one finding per
    distinct text, each with every paragraph that carries it)."""
    if not rule.rule.startswith("fail-on ") or not rule.findings:
        return rule.measured
    places = sum(len(finding.occurrences) for finding in rule.findings)
    return f"{rule.measured} in {places} places"


def gate_table(outcome: GateOutcome) -> str:
    from tabulate import tabulate  # imported when a table is written (see render.common.table)

    lines = []
    if outcome.failed:
        rows_ = [
            [r.rule, r.threshold, _measured(r), "\n".join(terminal(o) for o in r.offenders) or "-"]
            for r in outcome.failed
        ]
        lines.append(tabulate(rows_, headers=["failed rule", "threshold", "measured", "top locations"],
                              tablefmt="simple", disable_numparse=True))
        if any(r.rule.startswith("fail-on ") for r in outcome.failed):
            lines.append("(a finding: one distinct text, all its places; the summary counts paragraphs)")
    if outcome.baseline:
        lines.append(f"baseline: {len(outcome.counted)} new finding(s), {len(outcome.known)} accepted, "
                     f"{len(outcome.gone)} no longer found")
        for entry in outcome.gone[:10]:
            lines.append(f"  gone: {entry.rule} {terminal(entry.excerpt, 80)}")
        if len(outcome.gone) > 10:
            lines.append(f"  ... and {len(outcome.gone) - 10} more")
    verdict = "passed" if outcome.passed else "FAILED"
    passed = len(outcome.rules) - len(outcome.failed)
    lines.append(f"gate {verdict}: {passed} of {len(outcome.rules)} rules passed")
    return "\n".join(lines) + "\n"


@main.command()
@click.argument("paths", nargs=-1, required=True)
@setting_options
@gate_options
@output_options
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], formats: tuple[str, ...], outputs: tuple[str, ...],
          quiet: bool, timings: bool, **options: Any) -> None:
    """Audit PATHS and apply the CI gate: exit 0 pass, 1 gate failed, 2 usage/config/input error."""
    config, _ = settings_from(options)
    pairs = targets(formats, outputs)
    from . import api

    with api_errors():
        checked = api.run_check(paths, config, **run_options(quiet))
    result, outcome = checked.result, checked.outcome
    to_stderr = any(t == "-" for _, t in pairs)
    if not quiet:
        click.echo(RENDERERS["text"](result), nl=False, err=to_stderr)
    click.echo(gate_table(outcome), nl=False, err=to_stderr)
    started = time.perf_counter()
    write_outputs(result, pairs, outcome, checked.findings)
    if timings:
        echo_timings(result.stats, time.perf_counter() - started)
    ctx.exit(0 if outcome.passed else 1)


@main.group()
def baseline() -> None:
    """Record accepted findings so that `check --baseline` fails only on new ones."""


def _baseline_command(update: bool) -> Callable[..., Any]:
    def command(paths: tuple[str, ...], output: str, quiet: bool, **options: Any) -> None:
        config, _ = settings_from(options)
        _regular_output(output, "baseline")
        previous: list[baselines.Entry] = []
        if update:
            if not Path(output).exists():
                raise ConfigError(f"{output}: no baseline to update (use 'baseline create')")
            try:
                previous = baselines.load(output)
            except baselines.BaselineError as err:
                raise ConfigError(str(err)) from err
        result = execute(paths, config, quiet)
        entries = baselines.build(collect(result), previous)
        try:
            baselines.save(output, entries)
        except FileRefused as err:
            raise ConfigError(terminal(str(err))) from err
        kept = {e.fingerprint for e in previous} & {e.fingerprint for e in entries}
        labelled = sum(1 for e in entries if e.label or e.note)
        extra = f", {len(previous) - len(kept)} dropped, {labelled} with labels/notes" if update else ""
        click.echo(f"wrote {output}: {len(entries)} finding(s){extra}", err=True)

    return command


def _register_baseline(name: str, update: bool, doc: str) -> None:
    command = _baseline_command(update)
    command.__doc__ = doc
    command = click.option("-q", "--quiet", is_flag=True, help="No progress bar.")(command)
    command = click.option("-o", "--output", default=DEFAULT_BASELINE, show_default=True,
                           type=click.Path(dir_okay=False), help="Baseline file.")(command)
    command = setting_options(command)
    command = click.argument("paths", nargs=-1, required=True)(command)
    baseline.command(name)(command)


_register_baseline("create", False, "Record the current findings of PATHS as accepted.")
_register_baseline("update", True, "Re-record findings of PATHS, keeping the labels and notes of known ones.")


@main.command("config")
@setting_options
@gate_options
def show_config(**options: Any) -> None:
    """Print the effective configuration and where each value came from."""
    _, resolved = settings_from(options)
    source = str(resolved.file) if resolved.file else "none found"
    click.echo(f"config file: {terminal(source)}")
    table = [[key, terminal(value), terminal(origin)] for key, value, origin in rows(resolved)]
    headers = ["setting", "value", "source"]
    from tabulate import tabulate  # see gate_table

    click.echo(tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True))


if __name__ == "__main__":  # pragma: no cover
    main()
