"""Fixtures shared by the dating tests."""

from __future__ import annotations

import pytest

from dedupe_audit.dating.eras import EraRegistry, load_eras


@pytest.fixture(scope="module")
def eras() -> EraRegistry:
    """The shipped era facts, loaded once per test module (a module may override it)."""
    return load_eras()
