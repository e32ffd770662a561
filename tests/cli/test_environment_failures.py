"""Failures of the machine, not of Segbot (a locked SQLite file, memory running out, a full disk): one sentence."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import segmentation
from bot.cli import main
from bot.errors import LOCKED, MEMORY, NO_SPACE
from bot.storage import database
from bot.storage.database import open_database

SAMPLE_CATALOG = Path(__file__).resolve().parents[2] / "bot" / "samples" / "sample_influencers.csv"


def test_a_write_to_a_locked_sqlite_file_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "segbot.db"
    open_database(f"sqlite:///{path}").dispose()  # schema in place
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setattr(database, "SQLITE_BUSY_SECONDS", 0.2)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")  # another process in the middle of a long write
    try:
        exit_code = main(["influencers", "import", str(SAMPLE_CATALOG)])
    finally:
        holder.rollback()
        holder.close()
    captured = capsys.readouterr()
    assert exit_code == 1
    assert captured.err.strip() == f"segbot: {LOCKED}"


def test_running_out_of_memory_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def exhausted(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(segmentation, "segment", exhausted)  # the command imports it when it runs
    sample = Path(__file__).resolve().parents[2] / "bot" / "samples" / "sample_audience.csv"
    assert main(["segment", str(sample)]) == 1
    assert capsys.readouterr().err.strip() == f"segbot: {MEMORY}"


def test_a_full_disk_is_one_sentence(tmp_path: Path) -> None:
    """`segbot segment ... > /dev/full`: the write fails with ENOSPC, which was 'something went wrong on our side'.

    On the sample's first 200 rows: any write to /dev/full fails, and the 3,000 rows cost seconds more to segment."""
    if not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full to stand for a full disk")
    sample = tmp_path / "audience.csv"
    lines = SAMPLE_CATALOG.with_name("sample_audience.csv").read_bytes().splitlines(keepends=True)
    sample.write_bytes(b"".join(lines[:201]))
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "segment", str(sample), "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            env={**os.environ, "SEGBOT_ENGINE_PROCESSES": "1"},
        )
    assert done.returncode == 1
    assert done.stderr.strip() == f"segbot: {NO_SPACE}"
