"""No code reaches into another package's private names (issue 20: "tests use the public API of
each package").

A leading underscore says "this package may change it without notice"; a test or benchmark that
imports, calls or monkeypatches such a name pins an implementation detail and breaks on every
refactor, and a package that reaches into another's private names hides a dependency the design
(docs/design.md) does not show. The check parses tests/, benchmarks/, tools/ and dedupe_audit/ with
``ast`` and flags every use of an underscore name of a ``dedupe_audit`` module from outside that
module's package: ``from dedupe_audit.x.y import _n``, ``y._n`` through a module alias,
``getattr``/``setattr``/``monkeypatch.setattr(y, "_n", ...)`` and the dotted-string form
``"dedupe_audit.x.y._n"``. A package is a stage folder (``dedupe_audit/dedup/`` and everything under
it); the top-level modules (``pipeline.py``, ``cli.py``, ...) are one package together.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "dedupe_audit"
SCANNED = ("dedupe_audit", "tests", "benchmarks", "tools")
NAME_FUNCTIONS = frozenset({"getattr", "setattr", "delattr", "hasattr", "patch", "object", "setitem"})

# (file relative to the repository, dotted private name): uses that cannot go through an API,
# each with the reason. Keep it short: a new entry needs a reason a reviewer accepts.
ALLOWED: dict[tuple[str, str], str] = {}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@cache
def is_module(dotted: str, package: Path = PACKAGE) -> bool:
    """True when ``dotted`` (``dedupe_audit.x.y``) names a module or package of this project."""
    parts = dotted.split(".")
    if parts[0] != package.name:
        return False
    path = package.joinpath(*parts[1:])
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


@cache
def owner(dotted_module: str) -> str:
    """The package a module belongs to for this check: ``dedupe_audit.dedup`` for anything under
    ``dedupe_audit/dedup/``; ``dedupe_audit`` for the top-level modules."""
    parts = dotted_module.split(".")
    if len(parts) >= 2 and (PACKAGE / parts[1] / "__init__.py").is_file():
        return ".".join(parts[:2])
    return parts[0]


def module_of(relative: Path) -> str | None:
    """The dotted module of a file at ``relative`` (to the repository), or None outside the package."""
    if relative.parts[0] != PACKAGE.name:
        return None
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, here: str | None) -> str:
    """The absolute module of a ``from ... import`` in module ``here`` (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    if here is None:
        return node.module or ""
    anchor = here.split(".")[:-1]  # an __init__ is given as ``pkg.__init__``
    anchor = anchor[: len(anchor) - node.level + 1]
    return ".".join(anchor + ([node.module] if node.module else []))


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The dotted name an expression like ``a.b.c`` stands for, through the file's import aliases."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def private_uses(relative: Path, source: str) -> Iterator[str]:
    """Every ``dedupe_audit`` private name the file at ``relative`` (its text ``source``) uses from
    outside that name's package, as ``module._name``."""
    here = module_of(relative)
    if here is not None and relative.name == "__init__.py":
        here = f"{here}.__init__"
    home = owner(here) if here else None
    tree = ast.parse(source)
    aliases: dict[str, str] = {}
    uses: list[str] = []

    def outside(module: str) -> bool:
        return owner(module) != home

    later = []  # attribute reads and calls, looked at once every alias is known
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Call):
            later.append(node)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("dedupe_audit"):
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        aliases["dedupe_audit"] = "dedupe_audit"
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, here)
            if not module.startswith("dedupe_audit"):
                continue
            for alias in node.names:
                full = f"{module}.{alias.name}"
                if is_module(full):
                    aliases[alias.asname or alias.name] = full
                elif _private(alias.name) and outside(module):
                    uses.append(full)
    for node in later:
        if isinstance(node, ast.Attribute) and _private(node.attr):
            base = _dotted(node.value, aliases)
            if base and is_module(base) and outside(base):
                uses.append(f"{base}.{node.attr}")
        elif isinstance(node, ast.Call):
            called = node.func
            function = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            if function not in NAME_FUNCTIONS:
                continue
            constants = [arg.value for arg in node.args
                         if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            base = _dotted(node.args[0], aliases) if node.args else None
            if base and is_module(base) and outside(base):
                uses += [f"{base}.{name}" for name in constants[:1] if _private(name)]
            for text in constants:  # monkeypatch.setattr("dedupe_audit.x.y._name", ...)
                module, _, name = text.rpartition(".")
                if _private(name) and is_module(module) and outside(module):
                    uses.append(text)
    return iter(sorted(set(uses)))


@cache
def _uses_of(relative: Path, source: str) -> tuple[str, ...]:
    """``private_uses`` of a file, parsed once a session (two tests scan the same files)."""
    return tuple(private_uses(relative, source))


@cache
def scanned_files() -> dict[Path, str]:
    return {path.relative_to(ROOT): path.read_text(encoding="utf-8")
            for folder in SCANNED for path in sorted((ROOT / folder).rglob("*.py"))}


TOP_LEVEL_PRIVATE = re.compile(r"^(?:async def |def |class )?(_[A-Za-z]\w*)\b", re.MULTILINE)
# A private name where a use from another module stands: after a dot (not ``self.``/``cls.``), an
# ``import``, a comma or a quote, or alone on a line of a parenthesised import.
USE_POSITION = re.compile(r"(?:(?<!\bself)(?<!\bcls)\.|[,'\"]|import)[ \t]*(_[A-Za-z]\w*)"
                          r"|^[ \t]+(_[A-Za-z]\w*)(?=,|[ \t]+as\b|[ \t]*$)", re.MULTILINE)


def all_private_uses(planted: dict[Path, str] | None = None) -> list[str]:
    """Every use outside the allow-list, as ``file: module._name``. Parsing all 1.8 MB takes
    seconds, so a file is parsed only when a regex finds in it, where a use from elsewhere
    would stand, a private name that a module of another package defines at its top level,
    or, in tests, benchmarks and tools, one that no module defines (``os._exit``, an attribute
    of an object, a removed name)."""
    files = {**scanned_files(), **(planted or {})}  # planted: files a test adds (path: text)
    defined: dict[str, set[str]] = {}  # package -> its modules' top-level private names
    for relative, source in files.items():
        if (here := module_of(relative)) is not None:
            defined.setdefault(owner(here), set()).update(TOP_LEVEL_PRIVATE.findall(source))
    known = set().union(*defined.values())
    others = {package: set().union(*(names for other, names in defined.items() if other != package))
              for package in [*defined, None]}
    found = []
    for relative, source in files.items():
        here = module_of(relative)
        candidates = {a or b for a, b in USE_POSITION.findall(source)}
        candidates -= set(TOP_LEVEL_PRIVATE.findall(source))  # the file's own names
        # another package's name, or (outside the package, whose own stale names fail its tests)
        # one no module defines: a name since renamed is a private use all the same
        if candidates.isdisjoint(others[owner(here) if here else None]) and (here or candidates <= known):
            continue
        found += [f"{relative.as_posix()}: {use}" for use in _uses_of(relative, source)
                  if (relative.as_posix(), use) not in ALLOWED]
    return found


def test_no_file_uses_another_package_s_private_names():
    assert len(scanned_files()) > 150
    assert all_private_uses() == []


def test_the_check_sees_every_way_of_reaching_a_private_name():
    planted = (
        "import dedupe_audit.dedup.fingerprint as fp\n"
        "from dedupe_audit.dedup import kernels\n"
        "from dedupe_audit.dating.time_expressions import _YEAR, find_dates\n"
        "from dedupe_audit.runtime import heap\n"
        "import dedupe_audit.rules.saferegex\n"
        "def test(monkeypatch):\n"
        "    fp._codes('x')\n"
        "    getattr(kernels, '_compiled')\n"
        "    monkeypatch.setattr(heap, '_malloc_trim', None)\n"
        "    monkeypatch.setattr('dedupe_audit.segment.furniture._LATIN', None)\n"
        "    dedupe_audit.rules.saferegex._TIMEOUTS.clear()\n"
        "    fp.signatures, heap.__name__, find_dates('x')._private_of_a_result\n"
    )
    assert list(private_uses(Path("tests/test_planted.py"), planted)) == [
        "dedupe_audit.dating.time_expressions._YEAR",
        "dedupe_audit.dedup.fingerprint._codes",
        "dedupe_audit.dedup.kernels._compiled",
        "dedupe_audit.rules.saferegex._TIMEOUTS",
        "dedupe_audit.runtime.heap._malloc_trim",
        "dedupe_audit.segment.furniture._LATIN",
    ]


def test_the_quick_pass_lets_through_every_file_that_uses_a_private_name():
    """Files are parsed only when a regex finds a private name where a use would stand: one of
    another package's, or one no module defines (a name since renamed is still a private use)."""
    planted = {
        Path("tests/test_planted.py"): "from dedupe_audit.rules import knowledge_cache\n"
                                       "knowledge_cache._Gone()\nself._mine = 1\n",
        Path("benchmarks/planted.py"): "from dedupe_audit.dedup.detect import (\n    detect_duplicates,\n"
                                       "    _work,\n)\n",
        Path("dedupe_audit/provenance/planted.py"): "from ..dedup import detect\ndetect._work(1, 2)\n",
        Path("tests/test_fine.py"): "import os\nos._exit(0)\nself._x = 2\n",
    }
    assert all_private_uses(planted) == [
        "tests/test_planted.py: dedupe_audit.rules.knowledge_cache._Gone",
        "benchmarks/planted.py: dedupe_audit.dedup.detect._work",
        "dedupe_audit/provenance/planted.py: dedupe_audit.dedup.detect._work",
    ]


def test_a_package_may_use_its_own_private_names_but_not_another_s():
    inside = "from .fingerprint import _codes\nfrom . import kernels\nkernels._compiled()\n"
    assert list(private_uses(Path("dedupe_audit/dedup/detect.py"), inside)) == []
    engine = Path("dedupe_audit/dedup/engines/dask.py")
    assert list(private_uses(engine, "from ..detect import _sign\n")) == []
    across = "from ..dedup.fingerprint import _codes\nfrom ..runtime import heap\nheap._malloc_trim()\n"
    assert list(private_uses(Path("dedupe_audit/provenance/tracing.py"), across)) == [
        "dedupe_audit.dedup.fingerprint._codes", "dedupe_audit.runtime.heap._malloc_trim"]
    top = "from .pipeline import _run\nfrom .dedup.detect import _sign\n"
    assert list(private_uses(Path("dedupe_audit/cli.py"), top)) == ["dedupe_audit.dedup.detect._sign"]


if __name__ == "__main__":  # the list, one use a line: python3 tests/cli/test_private_names.py
    print("\n".join(all_private_uses()))
