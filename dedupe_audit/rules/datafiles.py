"""Reading the knowledge files: the shipped ones in ``dedupe_audit/data`` and a user's own.

Every loader (boilerplate, cues, outlets, eras, dates) reads TOML the same way and must
name the file in any error, so the reading lives here once; each passes its own error class.
"""

from __future__ import annotations

import marshal
import tomllib
from datetime import date, time
from importlib import resources
from pathlib import Path
from typing import Any

from .knowledge_cache import remembered
from .saferegex import line_of, located


def data_file(name: str) -> str:
    """Text of a shipped data file (works from a wheel, a zip or a source tree)."""
    return resources.files("dedupe_audit").joinpath("data", name).read_text(encoding="utf-8")


def data_folder(name: str) -> list[tuple[str, str]]:
    """(name, text) of every shipped ``*.toml`` file in ``data/<name>/``, sorted by name: a
    knowledge kind that grows past one file (eras of many countries) keeps one file a topic."""
    folder = resources.files("dedupe_audit").joinpath("data", name)
    if not folder.is_dir():
        return []
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    return [(f"{name}/{f.name}", f.read_text(encoding="utf-8")) for f in files]


def read_user_file(path: str | Path, error: type[Exception], what: str) -> str:
    """A user's knowledge file as text; unreadable or non-UTF-8 files raise ``error`` naming it."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise error(f"{path}: cannot read {what} file: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise error(f"{path}: not UTF-8 text: {err.reason} at byte {err.start}") from err


def parse_toml(text: str, source: str, error: type[Exception]) -> dict[str, Any]:
    """The tables of a TOML text, remembered between runs by the text itself (see
    ``knowledge_cache``): parsing the shipped knowledge (~1 MB: eras, births, cues,
    outlets) cost every run ~0.25 s in pure Python; reading it back costs ~0.01 s."""
    try:
        kept = remembered("toml", (text,), lambda: _storable(tomllib.loads(text)), _is_kept)
    except tomllib.TOMLDecodeError as err:
        raise error(f"{source}: not valid TOML: {err}") from err
    if not isinstance(kept, tuple):
        return kept
    try:
        return _restored(kept[1])
    except (ValueError, TypeError, IndexError):  # a damaged entry: parsed again
        return tomllib.loads(text)


# ``marshal`` keeps no dates (birth dates are TOML dates): a table holding some is kept as
# (_DATED, table with each date as (_DATE, "YYYY-MM-DD")). Tuples are safe tags: TOML arrays
# parse to lists, so no parsed value is a tuple. A table holding a datetime or a time is
# simply parsed on every run (none of the shipped ones does).
_DATED, _DATE = "toml-with-dates", "toml-date"


class _Unstorable(Exception):
    """A value the cache does not write (a TOML datetime or time)."""


def _storable(parsed: dict[str, Any]) -> dict[str, Any] | tuple[str, dict[str, Any]]:
    """``parsed`` as the cache can keep it (see ``_DATED``); unchanged when it cannot."""
    try:
        marshal.dumps(parsed)
        return parsed
    except ValueError:
        pass
    try:
        return (_DATED, _encoded(parsed))
    except _Unstorable:
        return parsed  # marshal refuses it, so it is not kept


def _encoded(value: Any) -> Any:
    if type(value) is date:
        return (_DATE, value.isoformat())
    if isinstance(value, dict):
        return {key: _encoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encoded(item) for item in value]
    if isinstance(value, (date, time)):  # a datetime (a date subclass) or a time
        raise _Unstorable
    return value


def _restored(value: Any) -> Any:
    if isinstance(value, tuple):
        return date.fromisoformat(value[1])
    if isinstance(value, dict):
        return {key: _restored(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_restored(item) for item in value]
    return value


def _is_kept(value: object) -> bool:
    """Whether a value read back from the cache has the shape ``_storable`` gives."""
    return isinstance(value, dict) or (
        isinstance(value, tuple) and len(value) == 2 and value[0] == _DATED and isinstance(value[1], dict))


def named_entry(
    raw: object,
    source: str,
    position: int,
    noun: str,
    keys: set[str] | frozenset[str],
    error: type[Exception],
    text: str = "",
) -> tuple[dict[str, Any], str, str]:
    """Check one ``[[noun]]`` table: a table, with a ``name``, and only known keys.

    Returns (table, name, where) with ``where`` naming the file (and its line when ``text``,
    the file's text, is given) and the entry, for the caller's own error messages.
    """
    where = f"{source}: {noun} #{position}"
    if not isinstance(raw, dict):
        raise error(f"{where}: expected a table, got {type(raw).__name__}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise error(f"{where}: missing 'name'")
    line = line_of(text, f'"{name}"', f"'{name}'") if text else None
    where = f"{located(source, line)}: {noun} '{name}'"
    unknown = set(raw) - set(keys)
    if unknown:
        raise error(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    return raw, name, where
