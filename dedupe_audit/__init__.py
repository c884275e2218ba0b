"""dedupe-audit: audit scraped news corpora for repeated paragraphs, their origin and stale context.

``from dedupe_audit import audit, check`` runs what the CLI runs (see ``docs/api.md``). The
functions here import the pipeline only when called, so ``import dedupe_audit`` stays cheap
(``python -X importtime -c "import dedupe_audit"``).

The pipeline module is also called ``audit`` (``dedupe_audit/audit.py``): importing it would
normally rebind ``dedupe_audit.pipeline`` to that module, so the package keeps the function under
that name (``from dedupe_audit.pipeline import run_audit`` still reaches the module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "audit", "check", "report"]

if TYPE_CHECKING:  # pragma: no cover
    from .api import CheckResult
    from .model import AuditResult


def audit(paths: Any, **settings: Any) -> AuditResult:
    """Audit ``paths`` like ``dedupe-audit audit``; settings are ``Config`` field names."""
    from .api import audit as audit_paths

    return audit_paths(paths, **settings)


def check(paths: Any, **settings: Any) -> CheckResult:
    """Audit ``paths`` and apply the CI gate like ``dedupe-audit check``."""
    from .api import check as check_paths

    return check_paths(paths, **settings)


def report(result: Any, format: str = "markdown") -> str:  # noqa: A002
    """One report of an ``audit``/``check`` result as text (``markdown``, ``json``, ``html``, ...)."""
    from .api import render

    return render(result, format)
