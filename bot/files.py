"""Local files for the command line: opening inputs with a clear error, writing outputs atomically."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from bot.errors import SegbotError


@contextmanager
def open_input(path: Path) -> Iterator[BinaryIO]:
    """The file opened for binary reading, or a `SegbotError` saying why it can't be."""
    if not path.exists():
        raise SegbotError(f"There is no file at {path}; check the path and try again.")
    if path.is_dir():
        raise SegbotError(f"{path} is a folder; give the path of a CSV, TSV, .csv.gz or .xlsx file.")
    try:
        stream = path.open("rb")
    except PermissionError as error:
        raise SegbotError(f"Segbot may not read {path}; check the file's permissions.") from error
    with stream:
        yield stream


def check_output_path(path: Path, *, not_the_input: Path | None = None) -> None:
    """A `SegbotError` now, before any slow work, when `path` cannot be written or would overwrite the input.

    A symlink is followed on purpose: the file it points to is written (as a shell's `>` would). Anything that
    is not a regular file (a device, a FIFO, a socket, a folder) is refused, never replaced. `-` is refused here:
    the commands whose output is a CSV on standard output (`segbot export`) handle it before calling this.
    """
    if str(path) == "-":
        raise SegbotError("'-' (standard output) is not possible for this option; give the path of a file to write.")
    target = path.resolve()
    if not target.parent.exists():
        raise SegbotError(f"The folder {path.parent} does not exist; create it or choose another output path.")
    if not target.parent.is_dir():
        raise SegbotError(f"{path.parent} is a file, not a folder; choose another output path.")
    if target.is_dir():
        raise SegbotError(f"{path} is a folder; give the path of a file to write (e.g. a name inside that folder).")
    if target.exists() and not stat.S_ISREG(os.stat(target).st_mode):
        raise SegbotError(
            f"{path} is not a regular file (a device, pipe or socket); Segbot writes only regular files, "
            "so choose another output path."
        )
    if not_the_input is not None and target.exists() and target.samefile(not_the_input):
        raise SegbotError(f"{path} is the input file; choose another output path so the input is not overwritten.")


def check_output_folder(directory: Path, *, option: str) -> None:
    """Create `directory` if missing and prove a file can be written in it, or a `SegbotError` saying why not."""
    if directory.exists() and not directory.is_dir():
        raise SegbotError(f"{option} {directory} is a file; name a folder.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise SegbotError(f"Segbot cannot write in {directory} ({_reason(error)}); choose another folder.") from error


def check_folder_can_be_made(directory: Path, *, option: str) -> None:
    """What `check_output_folder` proves, without creating anything: checked before a run, so one that fails
    (a wrong column, Ctrl-C) leaves no empty folder behind."""
    if directory.exists():
        check_output_folder(directory, option=option)
        return
    parent = directory.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise SegbotError(f"{option} {directory}: {parent} is a file, so the folder cannot be made; name a folder.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise SegbotError(f"Segbot may not make {directory} (no write permission in {parent}); choose another folder.")


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder, so a failure leaves no half file.

    The file is readable by its owner only (0600, whatever the umask): outputs hold ids and emails. A symlink's
    target is written (see `check_output_path`)."""
    check_output_path(path)
    target = path.resolve()
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except PermissionError as error:
        raise SegbotError(f"Segbot may not write in {path.parent}; choose another output path.") from error
    except OSError as error:
        raise SegbotError(
            f"Segbot cannot write in {path.parent} ({_reason(error)}); choose another output path."
        ) from error
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise SegbotError(f"Segbot could not write {path} ({_reason(error)}); choose another output path.") from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _reason(error: OSError) -> str:
    """The system's words for an OS error ("No such file or directory"), lower-cased to sit inside a sentence."""
    reason = error.strerror or type(error).__name__
    return reason[:1].lower() + reason[1:]
