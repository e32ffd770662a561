"""Files shared in Slack: which ones Segbot reads, and downloading them with the bot token, safely.

The token goes only to Slack's hosts (`https://*.slack.com`) or the host of SLACK_API_URL (a local fake in
tests); a redirect to any other host is followed without it. What comes back is checked: Slack answers a
request it does not accept with an HTML sign-in page, which must not be mistaken for the file.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from bot.errors import SegbotError

TABULAR_FILETYPES = frozenset({"csv", "tsv", "gzip", "xlsx"})
TABULAR_EXTENSIONS = (".csv", ".tsv", ".csv.gz", ".tsv.gz", ".gz", ".xlsx")
CHUNK_BYTES = 1 << 20
SIGN_IN_SNIFF_BYTES = 64 * 1024
DOWNLOAD_TIMEOUT_SECONDS = 60
# A 429 on the download is retried after Slack's Retry-After, at most this often and this long in all.
RATE_LIMIT_ATTEMPTS = 4
RATE_LIMIT_MAX_WAIT_SECONDS = 60.0


class FileDownloadError(SegbotError):
    """The file could not be fetched from Slack."""


class FileTooLargeError(SegbotError):
    """The file is larger than SEGBOT_MAX_UPLOAD_MB."""


@dataclass(frozen=True)
class SharedFile:
    """What Segbot needs to know about a Slack file (from an event or `files.info`)."""

    id: str
    name: str
    size: int | None
    filetype: str
    download_url: str | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> SharedFile:
        return cls(
            id=str(data["id"]),
            name=str(data.get("name") or data.get("title") or data["id"]),
            size=int(data["size"]) if data.get("size") is not None else None,
            filetype=str(data.get("filetype") or ""),
            download_url=data.get("url_private_download") or data.get("url_private"),
        )

    @property
    def complete(self) -> bool:
        """False for the stubs Slack Connect channels and `file_shared` events carry: ask `files.info`."""
        return self.download_url is not None and self.size is not None and bool(self.name)


def is_tabular(shared: SharedFile) -> bool:
    """A CSV, TSV, gzip or XLSX file, by Slack's file type or by the name's extension."""
    return shared.filetype.lower() in TABULAR_FILETYPES or shared.name.lower().endswith(TABULAR_EXTENSIONS)


def check_size(shared: SharedFile, max_mb: float) -> None:
    """Raise `FileTooLargeError` when Slack says the file is over the cap (checked before downloading)."""
    if shared.size is not None and shared.size > max_mb * 1_000_000:
        raise FileTooLargeError(
            f"{shared.name} is {shared.size / 1_000_000:,.0f} MB, more than the {max_mb:g} MB Segbot accepts; "
            "upload a smaller extract (fewer rows or columns), or gzip it."
        )


def is_trusted_host(url: str, api_url: str) -> bool:
    """True for `https://*.slack.com` and for the scheme and host of SLACK_API_URL."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com")):
        return True
    api = urlsplit(api_url)
    return parts.scheme == api.scheme and parts.netloc.lower() == api.netloc.lower()


def download(url: str, *, token: str, api_url: str, max_mb: float) -> bytes:
    """The bytes at `url`, fetched with the bot token; `FileDownloadError` for anything but the file itself.

    A 429 is retried after its Retry-After, up to RATE_LIMIT_ATTEMPTS tries and RATE_LIMIT_MAX_WAIT_SECONDS waited.
    """
    if not is_trusted_host(url, api_url):
        raise FileDownloadError(
            "That file is not hosted by Slack, so Segbot did not download it; upload the file to Slack directly."
        )
    opener = urllib.request.build_opener(_TokenOnlyForSlack(token, api_url))
    request = urllib.request.Request(_escaped(url), headers={"Authorization": f"Bearer {token}"})
    waited = 0.0
    for attempt in range(1, RATE_LIMIT_ATTEMPTS + 1):
        try:
            content_type, data = _fetch(opener, request, max_mb)
            break
        except urllib.error.HTTPError as error:
            pause = _retry_after(error)
            if error.code != 429 or attempt == RATE_LIMIT_ATTEMPTS or waited + pause > RATE_LIMIT_MAX_WAIT_SECONDS:
                raise _refused(error, attempt, waited) from error
            time.sleep(pause)
            waited += pause
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise FileDownloadError(
                "Segbot could not reach Slack to download the file; try again in a minute."
            ) from error
    if _is_sign_in_page(content_type, data):
        raise FileDownloadError(
            "Slack answered with a sign-in page instead of the file, so Segbot may not read files here; "
            "ask an admin to reinstall the app with the files:read scope."
        )
    return data


def _fetch(opener: urllib.request.OpenerDirector, request: urllib.request.Request, max_mb: float) -> tuple[str, bytes]:
    with opener.open(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
        return response.headers.get("Content-Type", ""), _read_capped(response, max_mb)


def _retry_after(error: urllib.error.HTTPError) -> float:
    """Slack's Retry-After in seconds (1 when missing or not a number), never more than the per-wait cap."""
    try:
        seconds = float(error.headers.get("Retry-After", "1"))
    except (TypeError, ValueError):
        seconds = 1.0
    return min(max(seconds, 0.0), RATE_LIMIT_MAX_WAIT_SECONDS)


def _refused(error: urllib.error.HTTPError, attempt: int, waited: float) -> FileDownloadError:
    if error.code == 429:
        return FileDownloadError(
            f"Slack kept rate-limiting the file download ({attempt} tries over {waited:.0f} s); "
            "share the file again in a few minutes."
        )
    return FileDownloadError(f"Slack refused to hand over the file (HTTP {error.code}); try uploading it again.")


def _read_capped(response: Any, max_mb: float) -> bytes:
    limit = int(max_mb * 1_000_000)
    chunks: list[bytes] = []
    total = 0
    while chunk := response.read(CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            raise FileTooLargeError(
                f"The file is more than the {max_mb:g} MB Segbot accepts; upload a smaller extract, or gzip it."
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _escaped(url: str) -> str:
    """`url` with spaces and non-ASCII characters percent-encoded (a file name may hold them); escapes kept."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def _is_sign_in_page(content_type: str, data: bytes) -> bool:
    """Slack's own HTML page (it names Slack), not an HTML file someone shared, which the reader explains."""
    head = data[:SIGN_IN_SNIFF_BYTES].lstrip().lower()
    is_html = content_type.startswith("text/html") or head.startswith((b"<!doctype html", b"<html"))
    return is_html and b"slack" in head


class _TokenOnlyForSlack(urllib.request.HTTPRedirectHandler):
    """Follows redirects, re-sending the token only when the new location is a trusted host."""

    def __init__(self, token: str, api_url: str) -> None:
        self.token = token
        self.api_url = api_url

    def redirect_request(  # noqa: PLR0917  (the standard library's signature)
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        new_request = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new_request is None:
            return None
        new_request.remove_header("Authorization")
        if is_trusted_host(newurl, self.api_url):
            new_request.add_header("Authorization", f"Bearer {self.token}")
        return new_request
