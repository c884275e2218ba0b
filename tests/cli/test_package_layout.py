"""The package tree keeps the pipeline's one-way flow (docs/design.md): a stage package imports
only from stages before it and from the shared packages, never another package's private
names, and each package's ``__init__`` names an API that resolves to the package's own code."""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "dedupe_audit"
FLOW = ("ingest", "segment", "dedup", "provenance", "dating", "ci", "render")
SHARED = frozenset({"rules", "runtime", "config", "model", "exports"})
STAGES = ("ingest", "segment", "dedup", "provenance", "dating", "rules", "ci", "runtime")
# page_memo stores what later stages found on a page (its date, its findings' text hashes), so
# it names their modules; the one exception docs/design.md gives.
LATER_STAGE_IMPORTS = frozenset({("dedup/page_memo.py", "dedupe_audit.dating.page_date"),
                                 ("dedup/page_memo.py", "dedupe_audit.ci.findings")})


def _imports(relative: Path, source: str) -> list[tuple[str, list[str]]]:
    """(absolute module, imported names) of every ``from ... import`` of this package in the
    module at ``relative`` (a path inside the package) whose text is ``source``."""
    parts = relative.with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = ["dedupe_audit", *parts[:-1]][: len(parts) - node.level + 1]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        if module.startswith("dedupe_audit."):
            found.append((module, [alias.name for alias in node.names]))
    return found


def layout_problems(sources: dict[Path, str]) -> list[str]:
    """Imports of a later stage (besides the documented ones), of a stage by a shared package,
    and of another package's private names, in modules given as {path in package: text}."""
    problems = []
    for relative, source in sorted(sources.items()):
        here = relative.parts[0]
        for module, names in _imports(relative, source):
            there = module.split(".")[1]
            if there == here:
                continue
            problems += [f"{relative}: private {module}.{n}" for n in names
                         if n.startswith("_") and not n.startswith("__")]
            backward = here in FLOW and there in FLOW and FLOW.index(there) > FLOW.index(here)
            if backward and (relative.as_posix(), module) not in LATER_STAGE_IMPORTS:
                problems.append(f"{relative} -> {module}")
            if here in SHARED and there not in SHARED:
                problems.append(f"{relative} (shared) -> {module}")
    return problems


def test_no_stage_imports_a_later_stage_or_another_package_s_private_names():
    sources = {path.relative_to(PACKAGE): path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")
               if len(path.relative_to(PACKAGE).parts) > 1}
    assert len(sources) > 60
    assert layout_problems(sources) == []


def test_renderers_import_nothing_from_the_gate_or_detection():
    """Renderers only render: findings and the gate's verdict are built once by the caller and
    handed to every format, so ``render/`` never imports ``ci`` (or ``dedup``) to build them again."""
    sources = {path.relative_to(PACKAGE): path.read_text(encoding="utf-8")
               for path in (PACKAGE / "render").rglob("*.py")}
    assert len(sources) > 5
    assert renderer_problems(sources) == []
    planted = {Path("render/planted.py"): "from ..ci.findings import collect\nfrom ..model import Finding\n",
               Path("render/other.py"): "from dedupe_audit.dedup.detect import seconds_of\n"}
    assert renderer_problems(planted) == ["render/other.py -> dedupe_audit.dedup.detect",
                                          "render/planted.py -> dedupe_audit.ci.findings"]


def renderer_problems(sources: dict[Path, str]) -> list[str]:
    """Imports of ``ci`` or ``dedup`` by the modules given as {path in package: text}."""
    return [f"{relative} -> {module}" for relative, source in sorted(sources.items())
            for module, _ in _imports(relative, source) if module.split(".")[1] in ("ci", "dedup")]


def id_keyed_module_caches(relative: Path, source: str) -> list[str]:
    """Module-level names looked up or stored by an ``id(...)`` key in the module at ``relative``:
    state a run writes, keyed by identity, that knowledge objects should carry instead."""
    tree = ast.parse(source)
    module_names = {target.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
                    for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                    if isinstance(target, ast.Name)}

    def keyed_by_id(key: ast.AST) -> bool:
        return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "id"
                   for n in ast.walk(key))

    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            if node.value.id in module_names and keyed_by_id(node.slice):
                found.add(node.value.id)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and isinstance(node.func.value, ast.Name) and node.func.value.id in module_names
              and node.args and keyed_by_id(node.args[0])):
            found.add(node.func.value.id)
    return [f"{relative}: {name}" for name in sorted(found)]


def test_no_module_keeps_a_cache_keyed_by_identity():
    sources = {path.relative_to(PACKAGE): path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}
    assert [problem for relative, source in sorted(sources.items())
            for problem in id_keyed_module_caches(relative, source)] == []
    planted = ("_SEEN: dict = {}\n\ndef f(x):\n    known = _SEEN.get((id(x), 1))\n"
               "    _KEPT[id(x)] = x\n\n_KEPT = {}\n\nclass C:\n    def g(self, x):\n"
               "        return self._memo.get(id(x))\n")
    assert id_keyed_module_caches(Path("dating/planted.py"), planted) == [
        "dating/planted.py: _KEPT", "dating/planted.py: _SEEN"]


def test_the_check_sees_a_later_stage_a_stage_in_a_shared_package_and_a_private_name():
    planted = {
        Path("ingest/planted.py"): "from ..dating.staleness import assess_page\n",
        Path("rules/planted.py"): "from ..segment.boilerplate import load_rules\n",
        Path("dating/planted.py"): "from dedupe_audit.provenance.tracing import _inherit\n",
        Path("render/fine.py"): "from ..ci.findings import collect\nfrom ..model import Cluster\n",
        Path("dedup/page_memo.py"): "from ..ci.findings import text_hash\n",
    }
    assert layout_problems(planted) == [
        "dating/planted.py: private dedupe_audit.provenance.tracing._inherit",
        "ingest/planted.py -> dedupe_audit.dating.staleness",
        "rules/planted.py (shared) -> dedupe_audit.segment.boilerplate",
    ]


@pytest.mark.parametrize("stage", STAGES)
def test_a_package_s_api_names_resolve_to_its_modules(stage):
    package = importlib.import_module(f"dedupe_audit.{stage}")
    assert package.__all__ and sorted(package.__all__) == dir(package)
    homes = package.HOMES
    for name in package.__all__:
        module = importlib.import_module(f"dedupe_audit.{stage}.{homes[name]}")
        assert getattr(package, name) is getattr(module, name)
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018


def test_importing_a_stage_package_imports_none_of_its_modules():
    probe = ("import sys, dedupe_audit.dedup, dedupe_audit.dating, dedupe_audit.ingest\n"
             "print(sorted(m for m in sys.modules if m.startswith('dedupe_audit.') and m.count('.') > 1"
             " or m.split('.')[0] in ('numpy', 'trafilatura', 'pymorphy3')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)}).stdout
    assert out.strip() == "[]"
