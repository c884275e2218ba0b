"""CI: findings, the gate and the baseline of accepted findings.

Takes the run's ``model.AuditResult`` and the gate settings of ``Config``; returns
``Finding``s (one per reportable problem: duplicated text, stale paragraph, era conflict, with
a stable fingerprint) and a ``GateOutcome`` (which rules failed, which findings counted).
``findings`` builds the findings, ``gate`` applies ``--fail-on``/``--max-*`` to them,
``baseline`` reads and writes the file of accepted findings so a gate fails only on new ones.
"""

from __future__ import annotations

from ..exports import lazy_exports

HOMES = {
    "CATEGORIES": "findings",
    "Finding": "findings",
    "collect": "findings",
    "GateOutcome": "gate",
    "RuleOutcome": "gate",
    "evaluate": "gate",
    "BaselineError": "baseline",
    "compare": "baseline",
}
__all__ = sorted(HOMES)
__getattr__, __dir__ = lazy_exports(__name__, HOMES)
