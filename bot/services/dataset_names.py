"""The dataset a run belongs to: runs of the same dataset are compared over time."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.storage.datasets import UploadNames

COMPOUND_EXTENSIONS = (".csv.gz", ".tsv.gz", ".txt.gz")


def dataset_name_for_upload(engine: Engine, workspace_id: str, channel_id: str, file_name: str) -> str:
    """The file name without its extension: `audience.csv` and `audience.csv.gz` both give `audience`.

    A name set with `/segment dataset NAME` in the channel takes precedence, once: it names the channel's
    next upload and is then used up.
    """
    declared = UploadNames(engine).take(workspace_id, channel_id)
    if declared is not None:
        return declared
    base = file_name.strip().rsplit("/", 1)[-1]
    lowered = base.lower()
    for extension in COMPOUND_EXTENSIONS:
        if lowered.endswith(extension):
            return base[: -len(extension)] or base
    stem, dot, _extension = base.rpartition(".")
    return stem if dot and stem else base
