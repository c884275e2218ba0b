"""Settings from a config file and the command line, with where each value came from.

Why: a CI gate is configured once per repository (``[tool.dedupe-audit]`` in pyproject.toml or a
``dedupe-audit.toml``, found by walking up from the working folder) and overridden ad hoc on the
command line. A typo in a key or a value out of range must stop the run with the key and the file
named, not be ignored: a silently ignored threshold is a gate that never fails.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import tomllib
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ci.findings import CATEGORIES
from .config import SECTION_OF, SECTIONS, Config, JsonlFields, TableFields, flat_fields, flat_types
from .runtime.safefiles import FileRefused, read_regular, require_folder, require_regular

FILE_NAMES = ("dedupe-audit.toml", "pyproject.toml")
DEFAULT = "default"
COMMAND_LINE = "command line"

# Inclusive (low, high) bounds; None = up to LARGEST. A value that cannot mean anything (a
# paragraph of 10^22 words, 10^6 cores) is refused like a negative one: it would silently turn
# the audit off, which for a CI gate is a gate that never fails.
LARGEST = 2**53  # integers above this are not even exact as floats
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "max_file_bytes": (1, None),
    "long_paragraph_words": (1, 1_000_000),
    "window_sentences": (1, 10_000),
    "shingle_size": (1, 10),
    "num_perm": (16, 1024),
    "seed": (0, 2**32 - 1),  # MinHash permutations are drawn from a 32-bit seed
    "threshold": (0.05, 1.0),
    "min_fuzz": (0, 100),
    "containment": (0.05, 1.0),
    "min_words": (1, 1_000_000),
    "recycled_days": (0, 1_000_000),
    "jobs": (0, 4096),
    "max_duplicated_share": (0.0, 1.0),
    "max_clusters": (0, None),
    "max_stale": (0, None),
    "min_similarity": (0.0, 1.0),
    "max_archive_bytes": (1, None),
    "max_archive_members": (1, None),
    "max_archive_depth": (1, None),
    "max_paragraph_chars": (2, None),
    "report_rows": (1, None),
    "spool_after_mb": (0, None),
}
CHOICES: dict[str, tuple[str, ...]] = {"fail_on": CATEGORIES}
# Settings naming files: relative values in a config file are taken from the file's folder.
PATH_KEYS = ("boilerplate_rules", "outlets", "eras", "reference", "baseline", "index", "spool_dir")
FIELDS = flat_fields()  # settings by their flat key, as files and options name them
TYPES = flat_types()
JSONL_KEYS = tuple(f.name for f in dataclasses.fields(JsonlFields))
CSV_KEYS = tuple(f.name for f in dataclasses.fields(TableFields))
# Settings that are tables of field names: the Config key, its dataclass and its keys.
FIELD_TABLES: dict[str, tuple[type, tuple[str, ...]]] = {
    "jsonl": (JsonlFields, JSONL_KEYS),
    "csv": (TableFields, CSV_KEYS),
}


class SettingsError(Exception):
    """A bad key or value; the message names the key and where it came from."""


@dataclass(frozen=True)
class Settings:
    config: Config
    sources: dict[str, str] = field(default_factory=dict)  # key -> default | file path | command line
    file: Path | None = None


def key_name(key: str) -> str:
    """How a key is shown to users (dashes, as in the config file and the options)."""
    return key.replace("_", "-")


def find_config_file(start: Path) -> Path | None:
    """The nearest dedupe-audit.toml, or pyproject.toml with a [tool.dedupe-audit] table."""
    for folder in (start, *start.parents):
        for name in FILE_NAMES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml":
                try:
                    data = _read_toml(candidate)
                except SettingsError:
                    continue  # someone else's broken pyproject is not our config
                if "dedupe-audit" not in data.get("tool", {}):
                    continue
            return candidate
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_regular(path, "config file").decode("utf-8"))
    except FileRefused as err:
        raise SettingsError(str(err)) from err
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise SettingsError(f"{path}: cannot read config file: {err}") from err


def file_table(path: Path) -> dict[str, Any]:
    """The dedupe-audit settings table of a config file."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("dedupe-audit", {})
        where = "[tool.dedupe-audit]"
    else:
        table, where = data, "top level"
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: {where} must be a table")
    return table


def _unknown(key: str, where: str) -> SettingsError:
    names = [key_name(name) for name in FIELDS]
    close = difflib.get_close_matches(key_name(key), names, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return SettingsError(f"unknown key '{key}' in {where}{hint}")


def _number(key: str, value: Any, kind: type, where: str) -> float | int:
    wrong = isinstance(value, bool) or not isinstance(value, int | float)
    if wrong or (kind is int and isinstance(value, float)):
        expected = "an integer" if kind is int else "a number"
        raise SettingsError(f"'{key_name(key)}' in {where} must be {expected}, not {value!r}")
    low, high = BOUNDS.get(key, (None, None))
    high = LARGEST if high is None else high
    # NaN compares false with everything: it passed the range test and turned every
    # similarity test false (no clusters) and wrote a bare NaN into JSON
    if not math.isfinite(value) or (low is not None and value < low) or value > high:
        span = f"{low if low is not None else '-inf'}..{high}"
        raise SettingsError(f"'{key_name(key)}' in {where} must be a finite number within {span}, "
                            f"not {value!r}")
    return kind(value)


def check_value(key: str, value: Any, where: str, base: Path | None = None) -> Any:
    """A value converted to the Config field's type, or a SettingsError naming key and place."""
    if key not in FIELDS:
        raise _unknown(key, where)
    hint = TYPES[key]
    optional = False
    kind = hint
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        optional = type(None) in args
        kind = next(arg for arg in args if arg is not type(None))
    if value is None and optional:
        return None
    if key in FIELD_TABLES:
        return _fields(key, value, where)
    if kind is bool:
        if not isinstance(value, bool):
            raise SettingsError(f"'{key_name(key)}' in {where} must be true or false, not {value!r}")
        return value
    if kind in (int, float):
        return _number(key, value, kind, where)
    if typing.get_origin(kind) is tuple:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
            raise SettingsError(f"'{key_name(key)}' in {where} must be a list of strings, not {value!r}")
        items = [_path(key, item, base) for item in items]
        allowed = CHOICES.get(key)
        for item in items:
            if allowed and item not in allowed:
                choices = ", ".join(allowed)
                raise SettingsError(f"'{key_name(key)}' in {where}: {item!r} is not one of {choices}")
        return tuple(items)
    if kind is str:
        if key == "as_of" and type(value) is dt.date:  # TOML's own date: as-of = 2025-01-01
            value = value.isoformat()
        if not isinstance(value, str):
            raise SettingsError(f"'{key_name(key)}' in {where} must be a string, not {value!r}")
        if key == "as_of":
            try:
                dt.date.fromisoformat(value)
            except ValueError as err:
                raise SettingsError(f"'as-of' in {where} must be a date YYYY-MM-DD, not {value!r}") from err
        return _path(key, value, base)
    raise SettingsError(f"'{key_name(key)}' in {where}: unsupported setting type")  # pragma: no cover


def _path(key: str, value: str, base: Path | None) -> str:
    if base is None or key not in PATH_KEYS or Path(value).is_absolute() or "://" in value:
        return value
    return str(base / value)


def _fields(name: str, value: Any, where: str, base: Any = None) -> Any:
    """A table of field names (``jsonl``, ``csv``) checked key by key, over ``base`` (the
    defaults, or the config file's table when the command line names only some keys)."""
    kind, keys = FIELD_TABLES[name]
    if isinstance(value, kind):
        return value
    if not isinstance(value, dict):
        raise SettingsError(f"'{name}' in {where} must be a table of {', '.join(keys)}")
    for key, item in value.items():
        if key not in keys:
            raise SettingsError(f"unknown key '{name}.{key}' in {where} (known: {', '.join(keys)})")
        if not isinstance(item, str) or not item:
            raise SettingsError(f"'{name}.{key}' in {where} must be a non-empty string, not {item!r}")
    return dataclasses.replace(base if base is not None else kind(), **value)


def from_file(path: Path) -> dict[str, Any]:
    """Validated settings of one config file (keys normalized to their flat names). A key
    may stand at the top (``threshold = 0.5``) or in its stage's table (``[dedup]``,
    ``[tool.dedupe-audit.dedup]``); a key in the wrong stage's table is refused."""
    where = str(path)
    out: dict[str, Any] = {}
    for raw_key, value, section in _file_items(file_table(path), where):
        key = raw_key.replace("-", "_")
        if key not in FIELDS:
            raise _unknown(raw_key, where)
        if section is not None and SECTION_OF[key] != section:
            raise SettingsError(f"key '{raw_key}' in [{section}] of {where} belongs in "
                                f"[{SECTION_OF[key]}]")
        if key in out:
            raise SettingsError(f"key '{raw_key}' given twice in {where}")
        out[key] = check_value(key, value, where, path.parent)
    return out


def _file_items(table: dict[str, Any], where: str) -> Iterator[tuple[str, Any, str | None]]:
    """(key, value, stage table it stood in or None) for every setting of a file's table."""
    for raw_key, value in table.items():
        if raw_key in SECTIONS:
            if not isinstance(value, dict):
                raise SettingsError(f"'{raw_key}' in {where} must be a table of its stage's settings")
            for inner_key, inner in value.items():
                yield inner_key, inner, raw_key
        else:
            yield raw_key, value, None


def resolve(
    cli: dict[str, Any], *, start: Path | None = None, config_file: str | None = None, use_file: bool = True,
    origin: str = COMMAND_LINE,
) -> Settings:
    """Defaults, then the config file, then command line values (those not None); ``origin``
    names where those came from in messages (the API passes "keyword arguments")."""
    path: Path | None = None
    if config_file:
        path = Path(config_file)
        try:
            require_regular(path, "config file", may_be_missing=False)
        except FileRefused as err:
            raise SettingsError(str(err)) from err
    elif use_file:
        path = find_config_file((start or Path.cwd()).resolve())
    values: dict[str, Any] = {}
    sources = {key: DEFAULT for key in FIELDS}
    if path is not None:
        for key, value in from_file(path).items():
            values[key] = value
            sources[key] = str(path)
    for key, value in cli.items():
        if value is None or value == {}:
            continue
        if key in FIELD_TABLES and isinstance(value, dict):  # some keys from options: merge with the file's
            value = _fields(key, value, origin, values.get(key))
        values[key] = check_value(key, value, origin)
        sources[key] = origin
    config = dataclasses.replace(Config(), **values)
    check_files(config)
    return Settings(config, sources, path)


def check_files(config: Config) -> None:
    """Refuse, before any work, a path setting that names a FIFO, device, socket or (for a file)
    folder: reading one blocks or never ends, and replacing one destroys it. Missing files are
    left to the code that reads them (each says so in its own words)."""
    try:
        for key in ("boilerplate_rules", "outlets", "eras"):
            for name in config.value(key):
                require_regular(name, f"--{key_name(key)}")
        for name in config.provenance.reference:
            if not Path(name).is_dir():
                require_regular(name, "--reference")
        if config.gate.baseline:
            require_regular(config.gate.baseline, "--baseline")
        if config.dedup.index and "://" not in config.dedup.index:
            require_regular(config.dedup.index, "--index")
            require_regular(f"{config.dedup.index}.lock", "--index lock file")
        if config.runtime.spool_dir:
            require_folder(config.runtime.spool_dir, "--spool-dir")
    except FileRefused as err:
        raise SettingsError(str(err)) from err


def display(value: Any) -> str:
    if isinstance(value, JsonlFields | TableFields):
        return ", ".join(f"{f.name}={getattr(value, f.name)}" for f in dataclasses.fields(value))
    if isinstance(value, tuple):
        return ", ".join(value) if value else "(none)"
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rows(settings: Settings) -> list[tuple[str, str, str]]:
    """(key, value, source) for every setting, in Config order."""
    return [
        (key_name(name), display(settings.config.value(name)), settings.sources.get(name, DEFAULT))
        for name in FIELDS
    ]
