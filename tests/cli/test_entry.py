"""The installed script answers --version itself and hands everything else to the commands."""

from __future__ import annotations

import sys

from click.testing import CliRunner

from dedupe_audit import entry
from dedupe_audit.cli import main as commands


def test_version_is_clicks_own_message_without_loading_the_commands(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["dedupe-audit", "--version"])
    entry.main()
    fast = capsys.readouterr().out
    assert fast == CliRunner().invoke(commands, ["--version"], prog_name="dedupe-audit").output


def test_other_arguments_reach_the_commands(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["dedupe-audit", "--help"])
    try:
        entry.main()
    except SystemExit as done:
        assert done.code == 0
    assert "audit" in capsys.readouterr().out
