"""Getting the bytes of a file shared in Slack: `files.info` when needed, the type and size checks, the download."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import ConfigurationError, SegbotError
from bot.slack.files import SharedFile, check_size, download, is_tabular
from bot.slack.runtime import SlackRuntime


class NotTabularError(SegbotError):
    """The shared file is not one Segbot reads."""


class ExternalFileError(SegbotError):
    """The shared file is a link to a file kept outside Slack (Google Drive, Dropbox...): nothing to download."""


def files_info(client: WebClient, file_id: str) -> dict[str, Any]:
    """The file object `files.info` returns; a plain error when the file is gone."""
    try:
        response = client.files_info(file=file_id)
    except SlackApiError as error:
        if error.response.get("error") in ("file_not_found", "file_deleted"):
            raise SegbotError("That file is no longer in Slack; upload it again.") from error
        raise
    return dict(response["file"])


def describe_file(client: WebClient, file_id: str) -> SharedFile:
    return SharedFile.from_api(files_info(client, file_id))


def check_readable(shared: SharedFile, max_mb: float) -> str:
    """The URL to download, after checking the type, the size, and that Slack holds a copy of the file."""
    if not is_tabular(shared):
        raise NotTabularError(f"{shared.name} is not a file Segbot reads; upload a CSV, TSV, gzipped CSV or XLSX file.")
    check_size(shared, max_mb)
    if shared.download_url is None:
        raise ExternalFileError(
            f"{shared.name} is a link to a file kept outside Slack (such as Google Drive), so Segbot cannot "
            "download it; download it and upload the file itself to Slack."
        )
    return shared.download_url


def fetch_bytes(runtime: SlackRuntime, client: WebClient, shared: SharedFile) -> bytes:
    """The file's bytes, after the type and size checks (asking `files.info` first for a stub)."""
    if not shared.complete:
        shared = describe_file(client, shared.id)
    url = check_readable(shared, runtime.settings.max_upload_mb)
    if not client.token:
        raise ConfigurationError("Segbot has no bot token to download files with; set SLACK_BOT_TOKEN.")
    return download(url, token=client.token, api_url=runtime.api_url, max_mb=runtime.settings.max_upload_mb)
