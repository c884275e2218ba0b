"""Command line: parse options, run the pipeline, hand the result to renderers."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from . import __version__
from .atomic import write_atomic
from .audit import run_audit
from .boilerplate import RuleError
from .config import Config, JsonlFields
from .model import AuditResult
from .render import DEFAULT_OUTPUTS, RENDERERS

FORMATS = tuple(RENDERERS)
JSONL_KEYS = ("text", "url", "date", "site")


def audit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that runs an audit."""
    options = [
        click.argument("paths", nargs=-1, required=True),
        click.option("--include", multiple=True, help="Only files matching this glob (repeatable)."),
        click.option("--exclude", multiple=True, help="Skip files matching this glob (repeatable)."),
        click.option("--threshold", type=click.FloatRange(0.05, 1.0),
                     help="Verified shingle Jaccard for a near-duplicate [0.4]."),
        click.option("--min-fuzz", type=click.FloatRange(0, 100),
                     help="rapidfuzz ratio a near-duplicate must also reach [50]."),
        click.option("--containment", type=click.FloatRange(0.05, 1.0),
                     help="Share of a paragraph's shingles inside a longer block [0.8]."),
        click.option("--shingle-size", type=click.IntRange(1, 10), help="Words per shingle [3]."),
        click.option("--num-perm", type=click.IntRange(16, 1024), help="MinHash permutations [128]."),
        click.option("--min-words", type=click.IntRange(1), help="Shortest paragraph clustered [5]."),
        click.option("--include-boilerplate", is_flag=True, default=None,
                     help="Count boilerplate paragraphs as duplicated content."),
        click.option("--boilerplate-rules", multiple=True, type=click.Path(dir_okay=False),
                     help="Extra TOML file of boilerplate rules (repeatable)."),
        click.option("--jsonl-text", help="JSONL key holding the text [text]."),
        click.option("--jsonl-url", help="JSONL key holding the URL [url]."),
        click.option("--jsonl-date", help="JSONL key holding the publication date [date]."),
        click.option("--jsonl-site", help="JSONL key holding the site name [site]."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def build_config(options: dict[str, Any]) -> Config:
    """Defaults overridden by the options the user actually gave."""
    jsonl = {key: options.pop(f"jsonl_{key}") for key in JSONL_KEYS}
    changes = {
        key: tuple(value) if isinstance(value, list | tuple) else value
        for key, value in options.items()
        if value is not None and value != ()
    }
    given = {key: value for key, value in jsonl.items() if value}
    if given:
        changes["jsonl"] = dataclasses.replace(JsonlFields(), **given)
    return dataclasses.replace(Config(), **changes)


def execute(paths: Sequence[str], config: Config) -> AuditResult:
    stdin = sys.stdin.buffer if "-" in paths else None
    try:
        result = run_audit(paths, config, stdin=stdin)
    except RuleError as err:
        raise click.UsageError(str(err)) from err
    if not result.documents:
        for item in result.skipped:
            click.echo(f"skipped {item.path}: {item.reason}", err=True)
        raise click.UsageError("no readable documents among the inputs")
    return result


def write_outputs(result: AuditResult, formats: Sequence[str], outputs: Sequence[str]) -> None:
    """Render each format to its output (paired by position; '-' is standard output)."""
    if len(outputs) > len(formats):
        raise click.UsageError("more --output values than --format values")
    for position, name in enumerate(formats):
        target = outputs[position] if position < len(outputs) else DEFAULT_OUTPUTS[name]
        rendered = RENDERERS[name](result)
        if target == "-":
            click.echo(rendered, nl=False)
        else:
            write_atomic(target, rendered)
            click.echo(f"wrote {target}", err=True)


@click.group()
@click.version_option(__version__, prog_name="dedupe-audit")
def main() -> None:
    """Audit scraped text corpora for repeated paragraphs, their origin and stale context."""


@main.command()
@audit_options
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Report format (repeatable) [markdown].")
@click.option("-o", "--output", "outputs", multiple=True,
              help="File for the matching --format ('-' for stdout) [reports/audit.<ext>].")
@click.option("-q", "--quiet", is_flag=True, help="No summary table on the terminal.")
def audit(formats: tuple[str, ...], outputs: tuple[str, ...], quiet: bool, **options: Any) -> None:
    """Audit PATHS (files, folders, globs, or - for stdin) and write reports."""
    paths = options.pop("paths")
    result = execute(paths, build_config(options))
    if not quiet:
        click.echo(RENDERERS["text"](result), nl=False, err=bool(set(outputs) & {"-"}))
    write_outputs(result, formats or ("markdown",), outputs)


if __name__ == "__main__":  # pragma: no cover
    main()
