"""bot/files.py: outputs are written only to regular files, atomically, owner-only; failures are one sentence.

No test touches a real device: a FIFO and a socket stand for non-regular files, and a character device is
simulated by patching the mode that `os.stat` reports for one path.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import SegbotError
from bot.files import check_output_folder, write_atomically

SAMPLE = Path(__file__).resolve().parents[1] / "bot" / "samples" / "sample_audience.csv"


def test_a_fifo_is_refused_and_left_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(SegbotError, match="is not a regular file"):
        write_atomically(fifo, "id\n1\n")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(SegbotError, match="is not a regular file"):
            write_atomically(path, "x")
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_device_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    device = tmp_path / "full"
    device.write_text("")
    real_stat = os.stat

    def stat_as_device(path: os.PathLike[str] | str, *args: object, **kwargs: object) -> os.stat_result:
        found = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
        if Path(path) == device:
            return os.stat_result((stat.S_IFCHR | 0o666, *tuple(found)[1:]))
        return found

    monkeypatch.setattr(os, "stat", stat_as_device)
    with pytest.raises(SegbotError, match="is not a regular file"):
        write_atomically(device, "x")


def test_a_symlink_writes_its_target_and_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    write_atomically(link, "new\n")
    assert link.is_symlink()
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_file_is_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        write_atomically(tmp_path / "ids.csv", "id\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "ids.csv").stat().st_mode) == 0o600


def test_an_unwritable_folder_is_one_sentence(tmp_path: Path) -> None:
    parent_file = tmp_path / "file"
    parent_file.write_text("")
    with pytest.raises(SegbotError, match="is a file, not a folder"):
        write_atomically(parent_file / "out.csv", "x")
    with pytest.raises(SegbotError, match=r"cannot write in .*not a directory"):
        check_output_folder(parent_file / "sub", option="--briefs")


def test_a_vanished_folder_at_write_time_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_folder(*args: object, **kwargs: object) -> tuple[int, str]:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr("bot.files.tempfile.mkstemp", no_such_folder)
    with pytest.raises(SegbotError, match=r"cannot write in .* \(no such file or directory\)"):
        write_atomically(tmp_path / "out.csv", "x")


def test_export_to_dash_prints_the_csv(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(SAMPLE), "--segment", "0", "--k", "2", "--out", "-"]) == 0
    assert capsys.readouterr().out.startswith("customer_id\nC")
    assert not (tmp_path / "-").exists()


def test_briefs_in_an_impossible_folder_stop_before_segmenting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("segmented before checking --briefs")

    monkeypatch.setattr("bot.cli.segment_command.segment_file", must_not_run)
    parent_file = tmp_path / "file"
    parent_file.write_text("")
    assert main(["segment", str(SAMPLE), "--briefs", str(parent_file / "sub")]) == 2
    assert capsys.readouterr().err == (
        f"segbot: --briefs {parent_file / 'sub'}: {parent_file} is a file, so the folder cannot be made; "
        "name a folder.\n"
    )


def test_a_run_that_stops_early_leaves_no_briefs_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    briefs = tmp_path / "briefs"
    assert main(["segment", str(SAMPLE), "--columns", "nope", "--briefs", str(briefs)]) == 2
    assert "There is no column 'nope'" in capsys.readouterr().err
    assert not briefs.exists()


@pytest.mark.parametrize(
    ("first", "second"), [("--labels-out", "--ids-out"), ("--labels-out", "--briefs"), ("--ids-out", "--briefs")]
)
def test_two_outputs_on_one_path_are_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], first: str, second: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["segment", str(SAMPLE), first, "out.csv", second, "./out.csv"]) == 2
    assert (
        capsys.readouterr().err == f"segbot: {first} and {second} both name out.csv; give each output its own path.\n"
    )
    assert list(tmp_path.iterdir()) == []
