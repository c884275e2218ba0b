"""Re-exports for the stage packages, imported when first used.

Why not plain imports in each package's ``__init__``: a package names its stage's public API, but
importing the package must not import every module of the stage. ``dedupe_audit.cli`` reaches
the gate and the engine names without loading numpy or trafilatura (``--help`` stays fast), and a
stage module that imports one module of an earlier stage must not pull in that stage's heavy
modules, or close an import cycle through an ``__init__``. So a package lists which of its
modules holds each public name (its ``HOMES``), and the name is imported on first access
(PEP 562).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_exports(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``homes`` maps each public name to the
    package's module that defines it. A name not in ``homes`` raises ``AttributeError``, which is
    also what lets ``from package import submodule`` import the submodule."""

    def __getattr__(name: str) -> object:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{home}"), name)

    def __dir__() -> list[str]:
        return sorted(homes)

    return __getattr__, __dir__
