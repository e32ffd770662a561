"""Local files for the command line: opening inputs with a clear error, writing outputs atomically."""

from __future__ import annotations

import os
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
    """A `SegbotError` now, before any slow work, when `path` cannot be written or would overwrite the input."""
    if not path.parent.exists():
        raise SegbotError(f"The folder {path.parent} does not exist; create it or choose another output path.")
    if path.is_dir():
        raise SegbotError(f"{path} is a folder; give the path of a file to write (e.g. a name inside that folder).")
    if not_the_input is not None and path.exists() and path.samefile(not_the_input):
        raise SegbotError(f"{path} is the input file; choose another output path so the input is not overwritten.")


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder, so a failure leaves no half file."""
    check_output_path(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except PermissionError as error:
        raise SegbotError(f"Segbot may not write in {path.parent}; choose another output path.") from error
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
