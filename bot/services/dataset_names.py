"""The dataset a run belongs to: runs of the same dataset are compared over time."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.storage.datasets import UploadNames, default_dataset_name


def dataset_name_for_upload(engine: Engine, workspace_id: str, channel_id: str, file_name: str) -> str:
    """The file name without its extension (`default_dataset_name`): `audience.csv` and `audience.csv.gz`
    both give `audience`.

    A name set with `/segment dataset NAME` in the channel takes precedence, once: it names the channel's
    next upload and is then used up.
    """
    declared = UploadNames(engine).take(workspace_id, channel_id)
    return declared if declared is not None else default_dataset_name(file_name)
