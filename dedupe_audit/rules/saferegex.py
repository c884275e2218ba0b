"""Patterns from rule files, compiled so that no rule can hang a run.

Why: boilerplate, cue, era and date rules are regexes a user writes, and a pattern such as
``(a|aa)+$`` backtracks exponentially on a scraped line of ``a``s. Rule patterns are compiled
with the third-party ``regex`` module (the syntax of ``re``, ``VERSION0``) and every match call
gets a time budget (``MATCH_TIMEOUT``). A call that runs out counts as "no match" and is
recorded as a ``RuleTimeout`` naming the rule, in the run's :class:`RuleTimeouts`; after
``MAX_TIMEOUTS`` a rule is switched off for the rest of the run, so a hostile corpus costs at
most a few budgets per rule.

``regex`` also has no exponential blow-up on many classic cases (``(a+)+$`` answers at once),
so the budget is a backstop. Measured overhead on the samples: see README "Guarantees".

Rules shipped in ``dedupe_audit/data/`` are trusted (reviewed and tested with the project) and
compiled with the standard ``re`` module without a budget: a budgeted ``regex`` call costs about
five times a plain ``re`` one, which on a million short paragraphs is the difference between
seconds and most of a minute in boilerplate classification alone.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from ..model import RuleTimeout
from .knowledge_cache import compile_pattern

LOG = logging.getLogger(__name__)

MATCH_TIMEOUT = 0.1  # seconds one search/match/finditer call may take
MAX_TIMEOUTS = 3  # timeouts after which a rule is switched off for the run
IGNORECASE = re.IGNORECASE  # the same flag value in `regex` (2), which is imported on first use
SHIPPED_PREFIX = "dedupe_audit/data/"  # sources under it are the project's own, trusted files


def is_shipped(source: str) -> bool:
    """True for the rule files that ship with the project (their source names start so)."""
    return source.startswith(SHIPPED_PREFIX)


class RuleFileError(ValueError):
    """A rule file that cannot be used; the message names the file, the line where known,
    the rule and the problem. Every loader's error derives from it, so one ``except`` catches
    any bad rule file."""


Timeout = RuleTimeout  # a rule whose match ran out of time (the model's name for it)


class RuleTimeouts:
    """The rule timeouts of one run, collected while :func:`collecting_timeouts` is active.

    Why an object a run owns: rule patterns are compiled once and shared by every stage, so a
    timeout cannot be handed back through the call that matched (it answers "no match"). The run
    opens a collector; ``SafePattern`` finds it through a ``ContextVar``, so two runs in one
    process (threads, an API caller and a test) never see each other's timeouts. A match outside
    any run (a library call) is only logged."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # a run may match rules from more than one thread
        self._events: list[RuleTimeout] = []

    def record(self, event: RuleTimeout) -> None:
        with self._lock:
            self._events.append(event)

    @property
    def events(self) -> tuple[RuleTimeout, ...]:
        """Every timeout recorded so far, oldest first."""
        with self._lock:
            return tuple(self._events)


_COLLECTOR: ContextVar[RuleTimeouts | None] = ContextVar("dedupe_audit_rule_timeouts", default=None)


@contextmanager
def collecting_timeouts() -> Iterator[RuleTimeouts]:
    """Collect the rule timeouts of the code run inside (one audit run): the collector is set for
    this context only and restored on exit. New threads start without it (Python copies no
    context into them), so a stage that matched rules in a thread pool would have to submit
    under ``contextvars.copy_context()``; today every rule runs in the run's own thread."""
    collector = RuleTimeouts()
    token = _COLLECTOR.set(collector)
    try:
        yield collector
    finally:
        _COLLECTOR.reset(token)


def _record(event: RuleTimeout) -> None:
    collector = _COLLECTOR.get()
    if collector is not None:
        collector.record(event)
    state = "switched off" if event.disabled else "no match assumed"
    LOG.warning("rule %r (%s) timed out on %d chars: %s", event.rule, event.source, event.chars, state)


class SafePattern:
    """A compiled rule pattern with the ``re.Pattern`` methods the loaders' users call,
    each under a time budget. Picklable (for worker processes): it recompiles from text."""

    def __init__(self, pattern: str, flags: int = 0, *, rule: str = "?", source: str = "?",
                 timeout: float = MATCH_TIMEOUT) -> None:
        self.pattern = pattern
        self.flags = flags
        self.rule = rule
        self.source = source
        self.timeout = timeout
        self.failures = 0
        self.trusted = is_shipped(source)
        # Shipped patterns run on `re` (and are tested there); user patterns on `regex`.
        self._fast = compile_pattern(pattern, flags) if self.trusted else None
        self._compiled = None if self.trusted else _regex().compile(pattern, flags | _regex().VERSION0)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.pattern, self.flags, self.rule, self.source, self.timeout))

    def __repr__(self) -> str:
        return f"SafePattern({self.pattern!r}, rule={self.rule!r})"

    @property
    def program(self) -> re.Pattern[str] | None:
        """The plain `re` program of a shipped (trusted) pattern, for callers that run it
        directly on many texts; None for a user's pattern, which runs under its budget."""
        return self._fast

    @property
    def groupindex(self) -> dict[str, int]:
        return dict((self._fast or self._compiled).groupindex)

    @property
    def disabled(self) -> bool:
        return self.failures >= MAX_TIMEOUTS

    def _timed_out(self, text: str) -> None:
        self.failures += 1
        _record(Timeout(self.rule, self.source, len(text), self.failures == MAX_TIMEOUTS))

    def _call(self, method: str, text: str, *args: Any) -> Any:
        if self._fast is not None:
            return getattr(self._fast, method)(text, *args)
        if self.disabled:
            return None
        try:
            return getattr(self._compiled, method)(text, *args, timeout=self.timeout)
        except TimeoutError:
            self._timed_out(text)
            return None

    def search(self, text: str, *args: Any) -> Any:
        return self._call("search", text, *args)

    def match(self, text: str, *args: Any) -> Any:
        return self._call("match", text, *args)

    def fullmatch(self, text: str, *args: Any) -> Any:
        return self._call("fullmatch", text, *args)

    def finditer(self, text: str, *args: Any) -> Iterator[Any]:
        """Matches found within the budget (the budget covers the whole scan of ``text``).
        A trusted pattern hands out `re`'s own iterator: wrapping it in a generator cost
        more than the scan itself on short paragraphs."""
        if self._fast is not None:
            return self._fast.finditer(text, *args)
        return self._budgeted_finditer(text, *args)

    def _budgeted_finditer(self, text: str, *args: Any) -> Iterator[Any]:
        if self.disabled:
            return
        try:
            yield from self._compiled.finditer(text, *args, timeout=self.timeout)
        except TimeoutError:
            self._timed_out(text)

    def findall(self, text: str) -> list[Any]:
        return [m.group() for m in self.finditer(text)]


def _regex() -> Any:
    """The `regex` module, imported when a user's pattern first needs it: the shipped rules all
    run on `re`, and importing `regex` cost every start ~0.015 s."""
    import regex

    return regex


def __getattr__(name: str) -> Any:
    """``PatternError``: what compiling a bad user pattern raises (`regex`'s error), looked up
    when asked for, so that importing this module does not import `regex`."""
    if name == "PatternError":
        return _regex().error
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _rebuild(pattern: str, flags: int, rule: str, source: str, timeout: float) -> SafePattern:
    return SafePattern(pattern, flags, rule=rule, source=source, timeout=timeout)


def line_of(text: str, *needles: str) -> int | None:
    """1-based line of the first needle found in a rule file's text (for error messages)."""
    for needle in needles:
        if not needle:
            continue
        index = text.find(needle)
        if index >= 0:
            return text.count("\n", 0, index) + 1
    return None


def located(source: str, line: int | None) -> str:
    """``file:line`` when the line is known, else the file."""
    return f"{source}:{line}" if line else source


def compile_rule(pattern: object, flags: int = 0, *, rule: str, source: str,
                 allow_empty: bool = False) -> SafePattern:
    """Validate and compile one user pattern; raises ``ValueError`` with the problem only
    (the caller adds file, line and rule, which it knows)."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise ValueError(f"pattern must be a non-empty string, got {pattern!r}")
    if "\x00" in pattern:
        raise ValueError("pattern contains a NUL character")
    try:
        compiled = SafePattern(pattern, flags, rule=rule, source=source)
    except (re.error, _regex().error) as err:  # evaluated only once something was raised
        raise ValueError(f"bad regex {pattern!r}: {err}") from err
    except (OverflowError, RecursionError, MemoryError) as err:  # absurd repeat counts, deep nesting
        raise ValueError(f"bad regex {pattern!r}: too complex ({type(err).__name__})") from err
    if not allow_empty and compiled.fullmatch("") is not None:
        raise ValueError(f"pattern {pattern!r} matches the empty string, so it would match everywhere")
    return compiled


class LazyPattern:
    """A shipped pattern compiled when first used. Shipped knowledge is large (a cue rule holds
    every outlet alias, ~800; there are ~1,300 era facts) and compiling it all costs seconds
    that a small run never needs: a run compiles only the patterns some paragraph reaches
    (the literal screens skip the rest). Only for the project's own files, which the tests
    compile and check (tests/rules/test_shipped_patterns.py); users' patterns are validated when
    loaded, as ``compile_rule`` does."""

    trusted = True

    def __init__(self, pattern: str, flags: int, rule: str, source: str) -> None:
        self.pattern = pattern
        self.flags = flags
        self.rule = rule
        self.source = source
        self._compiled: SafePattern | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyPattern, (self.pattern, self.flags, self.rule, self.source))

    def _get(self) -> SafePattern:
        if self._compiled is None:
            self._compiled = compile_rule(self.pattern, self.flags, rule=self.rule, source=self.source)
            fast = self._compiled.program
            if fast is not None:  # shipped: plain `re`, called directly from now on
                self.finditer, self.search, self.match, self.fullmatch = (  # type: ignore[method-assign]
                    fast.finditer, fast.search, fast.match, fast.fullmatch)
        return self._compiled

    @property
    def groupindex(self) -> dict[str, int]:
        """Named groups, read from the text (compiling is what this class puts off)."""
        return {name: i for i, name in enumerate(re.findall(r"\(\?P<(\w+)>", self.pattern), 1)}

    def finditer(self, text: str, *args: Any) -> Any:
        self._get()
        return self.finditer(text, *args)

    def search(self, text: str, *args: Any) -> Any:
        self._get()
        return self.search(text, *args)

    def match(self, text: str, *args: Any) -> Any:
        self._get()
        return self.match(text, *args)

    def fullmatch(self, text: str, *args: Any) -> Any:
        self._get()
        return self.fullmatch(text, *args)
