"""Every path option refuses FIFOs, device nodes and sockets: exit 2 naming the path, nothing
blocked on, nothing replaced or unlinked (issue 22, items 1 and 4)."""

from __future__ import annotations

import os
import signal
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedupe_audit.cli import main
from dedupe_audit.config import Config
from dedupe_audit.dedup.fingerprint_cache import FingerprintCache, IndexRefused
from dedupe_audit.runtime.atomic import write_atomic
from dedupe_audit.runtime.safefiles import FileRefused, read_regular

TEXT = "A paragraph long enough to be audited by the tool on a quiet afternoon here.\n"


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A regression would block on a FIFO for ever: SIGALRM ends such a test with an error
    instead (a guard against hanging, not a timing assertion)."""

    def stop(*_: object) -> None:
        raise TimeoutError("blocked on a path that is not a regular file")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _special(folder: Path, kind: str) -> Path:
    """A FIFO, a character device (the null device's numbers, so harmless) or a socket."""
    path = folder / f"special-{kind}"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("creating a device node needs root")
        os.mknod(path, stat.S_IFCHR | 0o644, os.makedev(1, 3))
    else:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()  # the socket file stays
    return path


def _same(path: Path, before: os.stat_result) -> bool:
    after = os.lstat(path)
    return (after.st_ino, after.st_mode, after.st_rdev) == (before.st_ino, before.st_mode, before.st_rdev)


PATH_OPTIONS = ["--index", "--baseline", "--outlets", "--boilerplate-rules", "--eras", "--config",
                "--reference", "--output"]


@pytest.mark.parametrize("kind", ["fifo", "device", "socket"])
@pytest.mark.parametrize("option", PATH_OPTIONS)
def test_every_path_option_refuses_what_is_not_a_regular_file(tmp_path: Path, option: str, kind: str) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    special = _special(tmp_path, kind)
    before = os.lstat(special)
    args = ["check", str(tmp_path / "a.txt"), "-q", "--no-config", "-f", "json"]
    if option == "--config":
        args.remove("--no-config")
    if option != "--output":
        args += ["-o", str(tmp_path / "r.json")]
    result = CliRunner().invoke(main, [*args, option, str(special)])
    assert result.exit_code == 2, result.output
    assert str(special) in result.output and "not a regular file" in result.output
    assert _same(special, before)  # not replaced, not unlinked
    assert not (tmp_path / "r.json").exists()  # refused before the audit


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_baseline_output_and_index_lock_refuse_special_files(tmp_path: Path, kind: str) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    special = _special(tmp_path, kind)
    before = os.lstat(special)
    runner = CliRunner()
    for command in ("create", "update"):
        result = runner.invoke(main, ["baseline", command, str(tmp_path / "a.txt"), "-q", "--no-config",
                                      "-o", str(special)])
        assert result.exit_code == 2 and str(special) in result.output, result.output
    lock = tmp_path / "i.sqlite.lock"
    special.rename(lock)
    result = runner.invoke(main, ["audit", str(tmp_path / "a.txt"), "-q", "--no-config",
                                  "-o", str(tmp_path / "r.md"), "--index", str(tmp_path / "i.sqlite")])
    assert result.exit_code == 2 and "lock" in result.output, result.output
    assert _same(lock, before)
    assert not (tmp_path / "i.sqlite").exists()


def test_spool_dir_must_be_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    fifo = _special(tmp_path, "fifo")
    result = CliRunner().invoke(main, ["audit", str(tmp_path / "a.txt"), "-q", "--no-config",
                                       "-o", str(tmp_path / "r.md"), "--spool-dir", str(fifo)])
    assert result.exit_code == 2 and "not a folder" in result.output


def test_the_null_device_named_as_index_is_left_in_place(tmp_path: Path) -> None:
    """The reproduction of item 1, below the CLI: the store itself refuses, whoever calls it."""
    device = _special(tmp_path, "device")
    before = os.lstat(device)
    with pytest.raises(IndexRefused, match="character device"):
        FingerprintCache(str(device), Config())
    assert _same(device, before)


def test_writes_and_reads_refuse_special_files_below_the_cli(tmp_path: Path) -> None:
    fifo = _special(tmp_path, "fifo")
    with pytest.raises(FileRefused, match="FIFO"):
        write_atomic(fifo, "report")
    with pytest.raises(FileRefused, match="FIFO"):
        read_regular(fifo, "baseline")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == [fifo.name]  # no temporary file left


def test_an_empty_regular_file_may_be_the_index(tmp_path: Path) -> None:
    """``mktemp`` makes one: it holds nothing to lose, and becomes the index."""
    index = tmp_path / "i.sqlite"
    index.touch()
    FingerprintCache(str(index), Config()).close()
    assert index.stat().st_size > 0


def test_a_fifo_step_summary_is_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    fifo = _special(tmp_path, "fifo")
    result = CliRunner(env={"GITHUB_STEP_SUMMARY": str(fifo)}).invoke(
        main, ["check", str(tmp_path / "a.txt"), "-q", "--no-config", "-f", "github",
               "-o", str(tmp_path / "a.log")])
    assert result.exit_code == 0, result.output
    assert "step summary not written" in result.output
