"""Rules: reading the knowledge files and running their patterns safely and cheaply.

Used by every stage that matches text against knowledge (furniture rules, cues, eras, dates);
takes TOML files (shipped in ``dedupe_audit/data`` or a user's) and returns parsed tables and
compiled patterns. ``datafiles`` reads and checks the TOML files (errors name file and line),
``saferegex`` compiles a rule's pattern (a user's runs on ``regex`` with a timeout),
``literals`` and ``screens`` derive from a pattern the words it cannot match without, so most
paragraphs skip most rules, and ``knowledge_cache`` keeps those derivations on disk between
runs.
"""

from __future__ import annotations

from ..exports import lazy_exports

HOMES = {
    "data_file": "datafiles",
    "parse_toml": "datafiles",
    "read_user_file": "datafiles",
    "RuleFileError": "saferegex",
    "SafePattern": "saferegex",
    "Timeout": "saferegex",
    "compile_rule": "saferegex",
    "RuleTimeouts": "saferegex",
    "collecting_timeouts": "saferegex",
    "remembered": "knowledge_cache",
}
__all__ = sorted(HOMES)
__getattr__, __dir__ = lazy_exports(__name__, HOMES)
