"""Numeric settings take finite numbers in their ranges only; dates may be TOML dates
(issue 22, item 5). NaN passed every range test (it compares false) and silently emptied the
audit; a huge ``min-words`` silently clustered nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedupe_audit.cli import main
from dedupe_audit.settings import BOUNDS, FIELDS, SettingsError, check_value, key_name, resolve

NUMERIC = sorted(key for key in FIELDS if key in BOUNDS)
NONSENSE = ["nan", "inf", "-inf", "1e300", "100000000000000000000000"]


@pytest.mark.parametrize("value", NONSENSE)
@pytest.mark.parametrize("key", NUMERIC)
def test_every_numeric_setting_refuses_nan_inf_and_huge_in_toml(tmp_path: Path, key: str, value: str) -> None:
    config = tmp_path / "dedupe-audit.toml"
    config.write_text(f"{key_name(key)} = {value}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=key_name(key)) as refused:
        resolve({}, config_file=str(config))
    assert str(config) in str(refused.value)


@pytest.mark.parametrize("key", NUMERIC)
def test_every_numeric_setting_refuses_nan_from_the_command_line(key: str) -> None:
    with pytest.raises(SettingsError, match=key_name(key)):
        check_value(key, float("nan"), "command line")


@pytest.mark.parametrize("option", ["--threshold", "--min-fuzz", "--containment", "--max-duplicated-share",
                                    "--min-similarity"])
def test_nan_on_the_command_line_is_exit_2_naming_the_option(tmp_path: Path, option: str) -> None:
    (tmp_path / "a.txt").write_text("A paragraph long enough to be audited by the tool today.\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "a.txt"), "-q", "--no-config", "-f", "json",
                                       "-o", str(tmp_path / "r.json"), option, "nan"])
    assert result.exit_code == 2, result.output
    assert option.lstrip("-") in result.output and "finite" in result.output
    assert not (tmp_path / "r.json").exists()


def test_values_in_range_are_still_accepted() -> None:
    assert check_value("threshold", 0.7, "command line") == 0.7
    assert check_value("min_words", 12, "command line") == 12
    assert check_value("seed", 2**32 - 1, "command line") == 2**32 - 1
    with pytest.raises(SettingsError):
        check_value("seed", 2**32, "command line")


def test_as_of_may_be_a_toml_date_or_a_string(tmp_path: Path) -> None:
    config = tmp_path / "dedupe-audit.toml"
    config.write_text("as-of = 2025-01-01\n", encoding="utf-8")
    assert resolve({}, config_file=str(config)).config.dating.as_of == "2025-01-01"
    config.write_text('as-of = "2025-02-03"\n', encoding="utf-8")
    assert resolve({}, config_file=str(config)).config.dating.as_of == "2025-02-03"
    config.write_text("as-of = 2025-01-01T10:00:00\n", encoding="utf-8")  # a time is not a date
    with pytest.raises(SettingsError, match="as-of"):
        resolve({}, config_file=str(config))


def test_reports_hold_no_bare_nan(tmp_path: Path) -> None:
    """With every number finite, the JSON report parses under a strict reader."""
    page = "Twenty words of one repeated paragraph make a cluster in this small corpus of ours today.\n"
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(page + "\nAnd a second paragraph of its own for " + name + " here.\n")
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "-q", "--no-config", "-f", "json",
                                       "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output

    def refuse(constant: str) -> None:
        raise ValueError(constant)

    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"), parse_constant=refuse)
    assert report["clusters"]
