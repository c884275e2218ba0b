from pathlib import Path

import pytest

from dedupe_audit.config import JsonlFields
from dedupe_audit.settings import COMMAND_LINE, DEFAULT, SettingsError, find_config_file, resolve, rows


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_pyproject_found_by_walking_up_and_keys_take_dashes_or_underscores(tmp_path):
    project = write(tmp_path / "pyproject.toml",
                    '[tool.dedupe-audit]\nshingle-size = 4\nmin_words = 7\nfail-on = ["stale"]\n'
                    'index = "cache/index.sqlite"\n[tool.dedupe-audit.jsonl]\ntext = "body"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config_file(deep) == project
    settings = resolve({}, start=deep)
    assert settings.config.dedup.shingle_size == 4 and settings.config.dedup.min_words == 7
    assert settings.config.gate.fail_on == ("stale",)
    assert settings.config.ingest.jsonl == JsonlFields(text="body")
    assert settings.config.dedup.index == str(tmp_path / "cache" / "index.sqlite")  # relative to the file
    assert settings.sources["shingle_size"] == str(project)
    assert settings.sources["threshold"] == DEFAULT


def test_pyproject_without_our_table_is_skipped_and_dedicated_file_wins(tmp_path):
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config_file(tmp_path) is None
    dedicated = write(tmp_path / "dedupe-audit.toml", "threshold = 0.5\n")
    write(tmp_path / "sub" / "pyproject.toml", "[tool.other]\n")
    assert find_config_file(tmp_path / "sub") == dedicated


def test_command_line_overrides_file_and_is_reported(tmp_path):
    write(tmp_path / "dedupe-audit.toml", "threshold = 0.5\nmin-fuzz = 60\n")
    settings = resolve({"threshold": 0.7, "jsonl": {"url": "link"}}, start=tmp_path)
    assert settings.config.dedup.threshold == 0.7 and settings.config.dedup.min_fuzz == 60
    table = {key: (value, source) for key, value, source in rows(settings)}
    assert table["threshold"] == ("0.7", COMMAND_LINE)
    assert table["min-fuzz"][1].endswith("dedupe-audit.toml")
    assert settings.config.ingest.jsonl.url == "link" and settings.config.ingest.jsonl.text == "text"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("shingle-sise = 3\n", "unknown key 'shingle-sise'"),
        ("threshold = 2.0\n", "'threshold'"),
        ("min-words = 'five'\n", "'min-words'"),
        ("fail-on = ['duplicates']\n", "'fail-on'"),
        ("as-of = '2025-13-01'\n", "'as-of'"),
        ("include-boilerplate = 1\n", "'include-boilerplate'"),
        ("[jsonl]\nbody = 'x'\n", "jsonl.body"),
        ("threshold = \n", "cannot read config file"),
    ],
)
def test_bad_keys_and_values_name_the_key_and_the_file(tmp_path, content, needle):
    path = write(tmp_path / "dedupe-audit.toml", content)
    with pytest.raises(SettingsError) as err:
        resolve({}, start=tmp_path)
    assert needle in str(err.value) and str(path) in str(err.value)


def test_unknown_key_suggests_the_close_one(tmp_path):
    write(tmp_path / "dedupe-audit.toml", "shingle-sise = 3\n")
    with pytest.raises(SettingsError, match="did you mean 'shingle-size'"):
        resolve({}, start=tmp_path)


def test_bad_command_line_value_is_an_error_too(tmp_path):
    with pytest.raises(SettingsError, match="command line"):
        resolve({"num_perm": 4}, start=tmp_path)


def test_no_config_ignores_files(tmp_path):
    write(tmp_path / "dedupe-audit.toml", "threshold = 0.9\n")
    assert resolve({}, start=tmp_path, use_file=False).config.dedup.threshold == 0.4


def test_settings_sit_in_stage_sections_and_flat_keys_still_work(tmp_path):
    """A stage reads its own section; a config file may group keys by stage or keep them flat
    (an old file still works); a key in another stage's table is refused, not moved."""
    import dataclasses

    from dedupe_audit.config import Config, DedupConfig, RuntimeConfig

    flat = Config(threshold=0.5, jobs=2, as_of="2025-04-25")
    nested = Config(dedup=DedupConfig(threshold=0.5), runtime=RuntimeConfig(jobs=2), as_of="2025-04-25")
    assert flat == nested and hash(flat) == hash(nested)
    assert (flat.dedup.threshold, flat.runtime.jobs, flat.dating.as_of) == (0.5, 2, "2025-04-25")
    assert flat.threshold == 0.5  # a flat read, as code before the sections did
    assert dataclasses.replace(flat, jobs=1).runtime.jobs == 1
    assert dataclasses.replace(flat, jobs=1).dedup.threshold == 0.5
    with pytest.raises(TypeError, match="threshhold"):
        Config(threshhold=0.5)
    grouped = write(tmp_path / "grouped" / "dedupe-audit.toml",
                    "[dedup]\nthreshold = 0.6\nmin-words = 8\n[gate]\nmax-stale = 3\n")
    old = write(tmp_path / "old" / "dedupe-audit.toml", "threshold = 0.6\nmin-words = 8\nmax-stale = 3\n")
    assert resolve({}, config_file=str(grouped)).config == resolve({}, config_file=str(old)).config
    wrong = write(tmp_path / "wrong" / "dedupe-audit.toml", "[gate]\nthreshold = 0.6\n")
    with pytest.raises(SettingsError, match=r"belongs in \[dedup\]"):
        resolve({}, config_file=str(wrong))
