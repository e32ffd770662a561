"""Which files Segbot reads, and downloading them with the token only for Slack's hosts."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.slack.files import (
    FileDownloadError,
    FileTooLargeError,
    SharedFile,
    check_size,
    download,
    is_tabular,
    is_trusted_host,
)
from tests.slack.fake_slack import FAKE_TOKEN, FakeSlack


def shared(name: str, filetype: str = "", size: int | None = 10) -> SharedFile:
    return SharedFile(id="F1", name=name, size=size, filetype=filetype, download_url="https://files.slack.com/x")


@pytest.mark.parametrize(
    ("name", "filetype", "expected"),
    [
        ("audience.csv", "csv", True),
        ("audience.TSV", "", True),
        ("audience.csv.gz", "gzip", True),
        ("audience.xlsx", "xlsx", True),
        ("export", "csv", True),
        ("photo.png", "png", False),
        ("deck.pdf", "pdf", False),
        ("notes.txt", "text", False),
    ],
)
def test_only_tables_are_read(name: str, filetype: str, expected: bool) -> None:
    assert is_tabular(shared(name, filetype)) is expected


def test_the_size_cap_is_checked_from_slacks_size_field() -> None:
    check_size(shared("a.csv", size=200_000_000), 200)
    with pytest.raises(FileTooLargeError, match="201 MB, more than the 200 MB"):
        check_size(shared("a.csv", size=201_000_000), 200)
    check_size(shared("a.csv", size=None), 200)


@pytest.mark.parametrize(
    ("url", "trusted"),
    [
        ("https://files.slack.com/files-pri/T1-F1/download/a.csv", True),
        ("https://slack.com/x", True),
        ("http://files.slack.com/x", False),
        ("https://files.slack.com.evil.example/x", False),
        ("https://evilslack.com/x", False),
        ("http://127.0.0.1:9999/files-pri/x", True),
        ("http://127.0.0.1:9998/files-pri/x", False),
        ("http://localhost:9999/files-pri/x", False),
    ],
)
def test_trusted_hosts(url: str, trusted: bool) -> None:
    assert is_trusted_host(url, "http://127.0.0.1:9999/api/") is trusted


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    running = FakeSlack().start()
    yield running
    running.stop()


def test_download_sends_the_token_to_the_api_host(fake: FakeSlack) -> None:
    file = fake.add_file("a.csv", b"x,y\n1,2\n")
    data = download(file["url_private_download"], token=FAKE_TOKEN, api_url=fake.api_url, max_mb=1)
    assert data == b"x,y\n1,2\n"
    assert fake.calls_to("file_download")[0].token == FAKE_TOKEN


def test_a_sign_in_page_is_an_error_not_a_file(fake: FakeSlack) -> None:
    file = fake.add_file("a.csv", b"x,y\n1,2\n")
    with pytest.raises(FileDownloadError, match="sign-in page"):
        download(file["url_private_download"], token="xoxb-wrong", api_url=fake.api_url, max_mb=1)


def test_a_shared_html_file_is_handed_to_the_reader_not_called_a_sign_in_page(fake: FakeSlack) -> None:
    page = b"<!DOCTYPE html><html><head><title>Export</title></head><body>Please log in</body></html>"
    file = fake.add_file("page.csv", page)
    assert download(file["url_private_download"], token=FAKE_TOKEN, api_url=fake.api_url, max_mb=1) == page


@pytest.mark.parametrize("name", ["Wholesale customers data.csv", "Kunden März.csv"])
def test_file_names_with_spaces_and_accents_download(fake: FakeSlack, name: str) -> None:
    file = fake.add_file(name, b"x,y\n1,2\n")
    assert download(file["url_private_download"], token=FAKE_TOKEN, api_url=fake.api_url, max_mb=1) == b"x,y\n1,2\n"


def test_a_download_past_the_cap_stops(fake: FakeSlack) -> None:
    file = fake.add_file("a.csv", b"x" * 2_000_000, size=10)
    with pytest.raises(FileTooLargeError):
        download(file["url_private_download"], token=FAKE_TOKEN, api_url=fake.api_url, max_mb=1)


def test_a_foreign_host_is_never_contacted(fake: FakeSlack) -> None:
    file = fake.add_file("a.csv", b"x,y\n")
    foreign_url = file["url_private_download"].replace("127.0.0.1", "localhost")
    with pytest.raises(FileDownloadError, match="not hosted by Slack"):
        download(foreign_url, token=FAKE_TOKEN, api_url=fake.api_url, max_mb=1)
    assert fake.calls == []


def test_a_redirect_to_a_foreign_host_does_not_carry_the_token() -> None:
    seen: list[str | None] = []

    class Foreign(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization"))
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", "8")
            self.end_headers()
            self.wfile.write(b"x,y\n1,2\n")

    foreign = ThreadingHTTPServer(("127.0.0.1", 0), Foreign)
    threading.Thread(target=foreign.serve_forever, daemon=True).start()
    try:
        target = f"http://localhost:{foreign.server_address[1]}/file.csv"
        redirect = RedirectingFake(target).start()
        try:
            data = download(f"{redirect.base_url}/go", token=FAKE_TOKEN, api_url=redirect.api_url, max_mb=1)
        finally:
            redirect.stop()
    finally:
        foreign.shutdown()
        foreign.server_close()
    assert data == b"x,y\n1,2\n"
    assert seen == [None]


class RedirectingFake(FakeSlack):
    """A Slack host that answers every file request with a redirect to `target`."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target

    def _answer(self, call):  # type: ignore[no-untyped-def]
        return 302, {"Location": self.target, "Content-Type": "text/plain"}, b""


def test_a_rate_limited_download_waits_for_retry_after_and_then_succeeds(fake: FakeSlack) -> None:
    file = fake.add_file("a.csv", b"x,y\n1,2\n")
    fake.rate_limit("file_download", retry_after=1)
    started = time.monotonic()
    assert download(file["url_private_download"], token=FAKE_TOKEN, api_url=fake.api_url, max_mb=1) == b"x,y\n1,2\n"
    assert time.monotonic() - started >= 1.0
    assert len(fake.calls_to("file_download")) == 2


def test_a_download_rate_limited_for_good_stops_after_bounded_tries(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("bot.slack.files.time.sleep", waits.append)
    file = fake.add_file("a.csv", b"x,y\n")
    fake.rate_limit("file_download", retry_after=7, times=50)
    with pytest.raises(FileDownloadError) as raised:
        download(file["url_private_download"], token=FAKE_TOKEN, api_url=fake.api_url, max_mb=1)
    assert str(raised.value) == (
        "Slack kept rate-limiting the file download (4 tries over 21 s); share the file again in a few minutes."
    )
    assert waits == [7.0, 7.0, 7.0]
    assert len(fake.calls_to("file_download")) == 4


def test_a_retry_after_beyond_the_bound_is_not_waited_for(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("bot.slack.files.time.sleep", waits.append)
    file = fake.add_file("a.csv", b"x,y\n")
    fake.rate_limit("file_download", retry_after=3600, times=5)
    with pytest.raises(FileDownloadError, match=r"\(2 tries over 60 s\)"):
        download(file["url_private_download"], token=FAKE_TOKEN, api_url=fake.api_url, max_mb=1)
    assert waits == [60.0]
